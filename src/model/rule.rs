//! The checked policy's rules: their conditions, conclusions and overrides.

use super::types::{ActionId, FactId, RuleId, Value};
use crate::source::Span;

/// What a conclusion says of an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Modality {
    /// `may A`: a permission.
    May,
    /// `must A` or bare `A`: an obligation.
    Must,
    /// `must not A` or `not A`: a prohibition.
    MustNot,
}

impl Modality {
    /// As written: `may`, `must`, `must not`.
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::May => "may",
            Modality::Must => "must",
            Modality::MustNot => "must not",
        }
    }

    /// `must not` against `may`/`must`.
    pub fn contradicts(self, other: Modality) -> bool {
        (self == Modality::MustNot) != (other == Modality::MustNot)
    }
}

/// What a conclusion is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A modality on an action.
    Action(ActionId, Modality),
    /// A derived fact, concluded true.
    Fact(FactId),
}

/// One conclusion of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conclusion {
    /// What it concludes.
    pub target: Target,
    /// The conclusion as written.
    pub span: Span,
}

/// An integer comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Whether `a op b`.
    pub fn holds(self, a: i64, b: i64) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        }
    }
}

/// How a test on an enum fact is written: `is V`, `is not V`, `in [..]`, `not in [..]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumTest {
    /// `NAME is V`.
    Is,
    /// `NAME is not V`.
    IsNot,
    /// `NAME in [V, ...]`.
    In,
    /// `NAME not in [V, ...]`.
    NotIn,
}

/// A resolved condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    /// `true` or `false`.
    Const(bool),
    /// A bool fact is true.
    Fact(FactId),
    /// An enum fact's value is one of the variants marked `true`; how it was written.
    OneOf(FactId, Vec<bool>, EnumTest),
    /// An integer fact compared with a constant.
    Compare(FactId, CmpOp, i64),
    /// Negation.
    Not(Box<Cond>),
    /// Conjunction of two or more.
    And(Vec<Cond>),
    /// Disjunction of two or more.
    Or(Vec<Cond>),
}

impl Cond {
    /// Evaluates the condition over a full assignment (derived facts included).
    pub fn holds(&self, values: &[Value]) -> bool {
        match self {
            Cond::Const(b) => *b,
            Cond::Fact(f) => values[*f] == Value::Bool(true),
            Cond::OneOf(f, set, _) => match values[*f] {
                Value::Enum(v) => set.get(v as usize).copied().unwrap_or(false),
                _ => false,
            },
            Cond::Compare(f, op, n) => match values[*f] {
                Value::Int(v) => op.holds(v, *n),
                _ => false,
            },
            Cond::Not(c) => !c.holds(values),
            Cond::And(cs) => cs.iter().all(|c| c.holds(values)),
            Cond::Or(cs) => cs.iter().any(|c| c.holds(values)),
        }
    }

    /// Calls `f` on every fact the condition mentions.
    pub fn for_each_fact(&self, f: &mut impl FnMut(FactId)) {
        match self {
            Cond::Const(_) => {}
            Cond::Fact(x) | Cond::OneOf(x, _, _) | Cond::Compare(x, _, _) => f(*x),
            Cond::Not(c) => c.for_each_fact(f),
            Cond::And(cs) | Cond::Or(cs) => cs.iter().for_each(|c| c.for_each_fact(f)),
        }
    }
}

/// The two forms of rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// `[if C] [unless U] then ...`
    Conditional {
        /// The `if` part.
        when: Option<Cond>,
        /// The `unless` part.
        unless: Option<Cond>,
    },
    /// `A requires C`: fires when `C` does not hold and concludes `must not A`.
    Requirement {
        /// The necessary condition.
        condition: Cond,
    },
}

/// A checked rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// The rule's name, or `@LINE` for an anonymous rule.
    pub id: String,
    /// Whether it was written `rule NAME: ...`.
    pub named: bool,
    /// The description string of a named rule.
    pub description: Option<String>,
    /// The whole rule.
    pub span: Span,
    /// The rule's name, or its first token when anonymous.
    pub name_span: Span,
    /// Its form and condition.
    pub kind: RuleKind,
    /// What it concludes when it fires; a requirement's single `must not`.
    pub conclusions: Vec<Conclusion>,
    /// The rules this one overrides directly.
    pub overrides: Vec<RuleId>,
    /// Where each of `overrides` is named.
    pub override_spans: Vec<Span>,
}

impl Rule {
    /// Whether it is a requirement (`A requires C`).
    pub fn is_requirement(&self) -> bool {
        matches!(self.kind, RuleKind::Requirement { .. })
    }

    /// Whether the rule fires, given every fact's value (derived ones included).
    pub fn fires(&self, values: &[Value]) -> bool {
        match &self.kind {
            RuleKind::Conditional { when, unless } => {
                when.as_ref().is_none_or(|c| c.holds(values))
                    && !unless.as_ref().is_some_and(|c| c.holds(values))
            }
            RuleKind::Requirement { condition } => !condition.holds(values),
        }
    }

    /// Calls `f` on every fact the rule's condition mentions.
    pub fn for_each_fact(&self, f: &mut impl FnMut(FactId)) {
        match &self.kind {
            RuleKind::Conditional { when, unless } => {
                when.iter().chain(unless).for_each(|c| c.for_each_fact(f));
            }
            RuleKind::Requirement { condition } => condition.for_each_fact(f),
        }
    }

    /// Its conditions: the `if` and `unless` parts, or a requirement's condition.
    pub fn conditions(&self) -> impl Iterator<Item = &Cond> {
        let (a, b) = match &self.kind {
            RuleKind::Conditional { when, unless } => (when.as_ref(), unless.as_ref()),
            RuleKind::Requirement { condition } => (Some(condition), None),
        };
        a.into_iter().chain(b)
    }
}
