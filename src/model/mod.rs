//! The checked policy: names resolved to indexes, types checked, immutable.
//!
//! [`Policy::parse`] runs the whole front end (syntax, then [`build`]) and returns either a
//! policy or every static error of the file (section 3 of the contract).

mod build;
mod cases;
pub mod compile;
mod graph;
mod resolve;

pub use crate::syntax::ast::{CmpOp, DefaultVerdict};
pub use cases::{CaseBuilder, CaseError, quote};

use crate::diagnostic::{Diagnostic, Literal};
use crate::source::{Source, Span};
use std::collections::HashMap;

/// The largest policy text deontic reads (16 MiB): parsing costs memory in proportion to
/// the text, and no hand-written policy comes near it.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024 * 1024;

pub type FactId = usize;
pub type ActionId = usize;
pub type RuleId = usize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactType {
    Bool,
    Enum(Vec<String>),
    Int { lo: i64, hi: i64 },
}

impl FactType {
    pub fn describe(&self) -> String {
        match self {
            FactType::Bool => "bool".to_string(),
            FactType::Enum(vs) => vs.join(" | "),
            FactType::Int { lo, hi } => format!("{lo}..{hi}"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Fact {
    pub name: String,
    pub ty: FactType,
    pub description: Option<String>,
    /// The name in its declaration.
    pub span: Span,
    /// True when some rule concludes this (bool) fact.
    pub derived: bool,
}

#[derive(Clone, Debug)]
pub struct Action {
    pub name: String,
    pub default: Option<DefaultVerdict>,
    pub description: Option<String>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Modality {
    May,
    Must,
    MustNot,
}

impl Modality {
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Action(ActionId, Modality),
    Fact(FactId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conclusion {
    pub target: Target,
    pub span: Span,
}

/// A resolved condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    Const(bool),
    /// A bool fact is true.
    Fact(FactId),
    /// An enum fact's value is one of the variants marked `true`.
    OneOf(FactId, Vec<bool>),
    /// An integer fact compared with a constant.
    Compare(FactId, CmpOp, i64),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

impl Cond {
    /// Evaluates the condition over a full assignment (derived facts included).
    pub fn holds(&self, values: &[Value]) -> bool {
        match self {
            Cond::Const(b) => *b,
            Cond::Fact(f) => values[*f] == Value::Bool(true),
            Cond::OneOf(f, set) => match values[*f] {
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
            Cond::Fact(x) | Cond::OneOf(x, _) | Cond::Compare(x, _, _) => f(*x),
            Cond::Not(c) => c.for_each_fact(f),
            Cond::And(cs) | Cond::Or(cs) => cs.iter().for_each(|c| c.for_each_fact(f)),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// `[if C] [unless U] then ...`
    Conditional {
        when: Option<Cond>,
        unless: Option<Cond>,
    },
    /// `A requires C`: fires when `C` does not hold and concludes `must not A`.
    Requirement { condition: Cond },
}

#[derive(Clone, Debug)]
pub struct Rule {
    /// The rule's name, or `@LINE` for an anonymous rule.
    pub id: String,
    pub named: bool,
    pub description: Option<String>,
    /// The whole rule.
    pub span: Span,
    /// The rule's name, or its first token when anonymous.
    pub name_span: Span,
    pub kind: RuleKind,
    pub conclusions: Vec<Conclusion>,
    /// The rules this one overrides directly.
    pub overrides: Vec<RuleId>,
    /// Where each of `overrides` is named.
    pub override_spans: Vec<Span>,
}

impl Rule {
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
}

/// A fact's value in a case. Enum values are variant indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    Bool(bool),
    Enum(u32),
    Int(i64),
}

/// What a case block's `expect` line checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpectTarget {
    Action(ActionId),
    Fact(FactId),
}

#[derive(Clone, Debug)]
pub struct Expectation {
    pub target: ExpectTarget,
    /// The verdict word: `permitted`, ..., or `true`/`false` for a derived fact.
    pub word: String,
    pub span: Span,
}

/// A case: a value for every input fact (derived facts are `false` until evaluated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    pub values: Vec<Value>,
}

/// A `case` block of the policy file.
#[derive(Clone, Debug)]
pub struct CaseBlock {
    pub name: String,
    pub case: Case,
    pub expectations: Vec<Expectation>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Symbol {
    Fact(FactId),
    Action(ActionId),
}

/// A checked policy.
#[derive(Clone, Debug)]
pub struct Policy {
    source: Source,
    pub title: Option<String>,
    pub sources: Vec<String>,
    pub facts: Vec<Fact>,
    pub actions: Vec<Action>,
    pub rules: Vec<Rule>,
    pub cases: Vec<CaseBlock>,
    symbols: HashMap<String, Symbol>,
    rule_ids: HashMap<String, RuleId>,
    /// Derived facts, each after every derived fact its rules' conditions mention.
    derived_order: Vec<FactId>,
    /// The rules each rule overrides, directly or transitively.
    overrides_all: graph::Closure,
    /// The form the evaluator runs.
    program: compile::Program,
}

impl Policy {
    /// Parses and checks a policy. `name` is how diagnostics refer to the file.
    pub fn parse(name: impl Into<String>, text: impl Into<String>) -> Result<Policy, Failure> {
        Policy::from_source(Source::new(name, text))
    }

    /// Parses and checks a policy from raw bytes. Bytes that are not UTF-8 are a
    /// `syntax-error` at the first invalid byte (the text is shown with replacement marks).
    pub fn from_bytes(name: impl Into<String>, bytes: Vec<u8>) -> Result<Policy, Failure> {
        match String::from_utf8(bytes) {
            Ok(text) => Policy::parse(name, text),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let byte = e.as_bytes()[at];
                // The valid prefix is kept as it is, so `at` is the same offset in the shown
                // text, where a three-byte replacement character stands for the bad bytes.
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let diag = Diagnostic::new(crate::diagnostic::Code::SyntaxError, "the file is not UTF-8 text")
                    .primary(Span::new(at, at + 3), format!("invalid byte `0x{byte:02x}`"))
                    .help("policy files are UTF-8; convert it, for example with `iconv -f latin1 -t utf-8`");
                Err(Failure {
                    source: Source::new(name, text),
                    diagnostics: vec![diag],
                })
            }
        }
    }

    /// Parses and checks a policy from a [`Source`].
    pub fn from_source(source: Source) -> Result<Policy, Failure> {
        let fail = |diagnostics| Failure {
            source: source.clone(),
            diagnostics,
        };
        if source.text().len() > MAX_SOURCE_BYTES {
            let len = source.text().len();
            let end = source
                .text()
                .char_indices()
                .nth(1)
                .map_or(len.min(1), |(i, _)| i);
            return Err(fail(vec![
                Diagnostic::new(
                    crate::diagnostic::Code::SyntaxError,
                    format!(
                        "the file is too large: {len} bytes, and the limit is {MAX_SOURCE_BYTES}"
                    ),
                )
                .primary(Span::new(0, end), "this file")
                .help("split the policy into several files, each its own policy"),
            ]));
        }
        let file = crate::syntax::parse(&source).map_err(fail)?;
        build::build(source.clone(), file).map_err(fail)
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    pub fn symbol(&self, name: &str) -> Option<Symbol> {
        self.symbols.get(name).copied()
    }

    pub fn fact_id(&self, name: &str) -> Option<FactId> {
        match self.symbol(name) {
            Some(Symbol::Fact(f)) => Some(f),
            _ => None,
        }
    }

    pub fn action_id(&self, name: &str) -> Option<ActionId> {
        match self.symbol(name) {
            Some(Symbol::Action(a)) => Some(a),
            _ => None,
        }
    }

    pub fn rule_id(&self, id: &str) -> Option<RuleId> {
        self.rule_ids.get(id).copied()
    }

    /// Input facts in declaration order.
    pub fn input_facts(&self) -> impl Iterator<Item = FactId> + '_ {
        (0..self.facts.len()).filter(|&f| !self.facts[f].derived)
    }

    /// Derived facts in declaration order.
    pub fn derived_facts(&self) -> impl Iterator<Item = FactId> + '_ {
        (0..self.facts.len()).filter(|&f| self.facts[f].derived)
    }

    /// Derived facts in an order where each comes after those it depends on.
    pub fn derivation_order(&self) -> &[FactId] {
        &self.derived_order
    }

    /// The rules `r` overrides, directly or transitively, sorted.
    pub fn overridden_by(&self, r: RuleId) -> Vec<RuleId> {
        self.overrides_all.overridden_by(r)
    }

    /// Whether `winner` overrides `loser`, directly or transitively.
    pub fn overrides(&self, winner: RuleId, loser: RuleId) -> bool {
        self.overrides_all.overrides(winner, loser)
    }

    /// Whether some rule overrides `loser`.
    pub fn is_overridden(&self, loser: RuleId) -> bool {
        self.overrides_all.is_overridden(loser)
    }

    /// The policy compiled for evaluation.
    pub fn program(&self) -> &compile::Program {
        &self.program
    }

    /// Starts building a case in code; see [`CaseBuilder`].
    pub fn case(&self) -> CaseBuilder<'_> {
        CaseBuilder::new(self)
    }

    /// The user-facing form of a fact's value.
    pub fn literal(&self, fact: FactId, value: Value) -> Literal {
        match (value, &self.facts[fact].ty) {
            (Value::Enum(v), FactType::Enum(vs)) => {
                Literal::Variant(vs.get(v as usize).cloned().unwrap_or_default())
            }
            (Value::Int(n), _) => Literal::Int(n),
            (Value::Bool(b), _) => Literal::Bool(b),
            (Value::Enum(v), _) => Literal::Int(i64::from(v)),
        }
    }

    /// A case as `name = value` pairs over the input facts, in declaration order.
    pub fn case_literals(&self, case: &Case) -> Vec<(String, Literal)> {
        self.input_facts()
            .map(|f| (self.facts[f].name.clone(), self.literal(f, case.values[f])))
            .collect()
    }
}

/// Why a policy could not be built: its source and every error found in it.
#[derive(Clone, Debug)]
pub struct Failure {
    pub source: Source,
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.diagnostics.len();
        write!(
            f,
            "{}: {n} error{}",
            self.source.name(),
            if n == 1 { "" } else { "s" }
        )?;
        if let Some(d) = self.diagnostics.first() {
            write!(f, "; first: {}", d.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}
