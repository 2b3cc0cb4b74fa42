//! `case` blocks: their `given` and `expect` lines checked against the policy
//! (`invalid-case`, section 7 of `docs/language.md`).

use super::case::{Case, CaseError, PartialCase};
use super::policy::Policy;
use super::types::{ActionId, FactId, FactType, RuleId, Symbol};
use crate::diagnostic::{Code, Diagnostic, Literal, closest};
use crate::source::Span;
use crate::syntax::ast::{self, AssignValue};
use std::collections::HashMap;

/// What a case block's `expect` line checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpectTarget {
    /// An action's verdict.
    Action(ActionId),
    /// A derived fact's value.
    Fact(FactId),
}

/// One `expect` line.
#[derive(Clone, Debug)]
pub struct Expectation {
    /// What it expects.
    pub target: ExpectTarget,
    /// The verdict word: `permitted`, ..., or `true`/`false` for a derived fact.
    pub word: String,
    /// The `by` list it fixes, in the order written: the verdict must rest on exactly these
    /// rules, in source order.
    pub by: Option<Vec<RuleId>>,
    /// The whole line.
    pub span: Span,
}

/// A `case` block of the policy file.
#[derive(Clone, Debug)]
pub struct CaseBlock {
    /// Its name.
    pub name: String,
    /// The case its `given` lines make.
    pub case: Case,
    /// The facts its `given` lines give, ascending (the others are false or missing).
    pub given: Vec<FactId>,
    /// Its `expect` lines, in order.
    pub expectations: Vec<Expectation>,
    /// The whole block.
    pub span: Span,
}

impl CaseBlock {
    /// The block as a partial case: the facts its `given` lines give, every other unknown.
    pub fn partial(&self) -> PartialCase {
        let mut values = vec![None; self.case.values.len()];
        for &f in &self.given {
            values[f] = Some(self.case.values[f]);
        }
        PartialCase { values }
    }
}

/// Checks a case block, giving `invalid-case` diagnostics.
pub(super) fn check(p: &Policy, c: &ast::CaseDecl) -> Result<CaseBlock, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut b = p.case();
    let mut given_at: HashMap<FactId, Span> = HashMap::new();
    let mut attempted: Vec<&str> = Vec::new();
    for a in &c.given {
        attempted.push(&a.fact.name);
        let lit = match &a.value {
            AssignValue::Set => Literal::Bool(true),
            AssignValue::Unset => Literal::Bool(false),
            AssignValue::Bool(v) => Literal::Bool(*v),
            AssignValue::Variant(v) => Literal::Variant(v.name.clone()),
            AssignValue::Int(n) => match n.value {
                Some(n) => Literal::Int(n),
                None => {
                    errors.push(invalid(
                        a.span,
                        "integer does not fit in 64 bits".into(),
                        None,
                    ));
                    continue;
                }
            },
        };
        let fact = p.fact_id(&a.fact.name);
        match b.assign(&a.fact.name, lit) {
            Ok(f) => {
                given_at.insert(f, a.span);
            }
            Err(e) => {
                let first = fact.and_then(|f| given_at.get(&f).copied());
                let help = match (&e, fact.map(|f| &p.fact(f).ty)) {
                    (CaseError::WrongType { .. }, Some(FactType::Enum(vs))) => {
                        Some(format!("give a variant: `{} = {}`", a.fact.name, vs[0]))
                    }
                    (CaseError::WrongType { .. }, Some(FactType::Int { lo, .. })) => {
                        Some(format!("give a number: `{} = {lo}`", a.fact.name))
                    }
                    (CaseError::WrongType { .. }, Some(FactType::Bool)) => {
                        Some(format!("give it as `{0}` or `not {0}`", a.fact.name))
                    }
                    (CaseError::Derived(_), _) => Some(
                        "remove it from `given`; expect it instead: `expect NAME is true`".into(),
                    ),
                    (CaseError::Twice(_), _) => Some("keep one of the two".into()),
                    _ => None,
                };
                let mut d = invalid(a.span, e.to_string(), help);
                if let Some(first) = first {
                    d = d.secondary(first, "first given here");
                }
                errors.push(d);
            }
        }
    }
    let case = match b.build() {
        Ok(case) => Some(case),
        Err(CaseError::Missing(names)) => {
            // A fact given with a bad value is reported once, not also as missing.
            let names: Vec<String> = names
                .into_iter()
                .filter(|n| !attempted.contains(&n.as_str()))
                .collect();
            if !names.is_empty() {
                errors.push(invalid(
                    c.name.span,
                    CaseError::Missing(names).to_string(),
                    Some("enum and integer facts have no default; give each a value".into()),
                ));
            }
            None
        }
        Err(_) => None,
    };
    let mut expectations = Vec::new();
    for e in &c.expect {
        match expectation(p, e) {
            Ok(x) => expectations.push(x),
            Err(d) => errors.push(*d),
        }
    }
    match case {
        Some(case) if errors.is_empty() => {
            let mut given: Vec<FactId> = given_at.keys().copied().collect();
            given.sort_unstable();
            Ok(CaseBlock {
                name: c.name.value.clone(),
                case,
                given,
                expectations,
                span: c.span,
            })
        }
        _ => Err(errors),
    }
}

/// The warning for a case block without an `expect` line.
pub(super) fn expects_nothing(c: &ast::CaseDecl) -> Diagnostic {
    Diagnostic::new(
        Code::CaseWithoutExpect,
        format!("case `{}` expects nothing", c.name.value),
    )
    .primary(c.name.span, "no `expect` line")
    .help("add `expect` lines (`deontic test --bless` writes in what the policy decides now), or remove the block")
}

fn invalid(span: Span, message: String, help: Option<String>) -> Diagnostic {
    let d = Diagnostic::new(Code::InvalidCase, message).primary(span, "in this case");
    match help {
        Some(h) => d.help(h),
        None => d,
    }
}

const VERDICTS: [&str; 5] = [
    "permitted",
    "forbidden",
    "required",
    "undecided",
    "conflict",
];

fn expectation(p: &Policy, e: &ast::Expect) -> Result<Expectation, Box<Diagnostic>> {
    let word = e.word.name.as_str();
    let target = match p.symbol(&e.name.name) {
        Some(Symbol::Action(a)) => {
            if !VERDICTS.contains(&word) {
                return Err(Box::new(Diagnostic::new(
                    Code::InvalidCase,
                    format!("`{word}` is not a verdict; `{}` is an action", e.name.name),
                )
                .primary(e.word.span, "not a verdict word")
                .help("an action's verdict is `permitted`, `forbidden`, `required`, `undecided` or `conflict`")));
            }
            ExpectTarget::Action(a)
        }
        Some(Symbol::Fact(f)) if p.fact(f).derived => {
            if word != "true" && word != "false" {
                return Err(Box::new(
                    Diagnostic::new(
                        Code::InvalidCase,
                        format!(
                            "`{word}` is not a truth value; `{}` is a derived fact",
                            e.name.name
                        ),
                    )
                    .primary(e.word.span, "not `true` or `false`")
                    .help(format!(
                        "write `expect {} is true` or `... is false`",
                        e.name.name
                    )),
                ));
            }
            ExpectTarget::Fact(f)
        }
        Some(Symbol::Fact(_)) => {
            return Err(Box::new(
                Diagnostic::new(
                    Code::InvalidCase,
                    format!(
                        "`{}` is an input fact; a case expects actions and derived facts",
                        e.name.name
                    ),
                )
                .primary(e.name.span, "an input fact")
                .help("input facts are given, not expected: move it to `given`"),
            ));
        }
        None => {
            let names = p
                .actions()
                .iter()
                .map(|a| a.name.as_str())
                .chain(p.derived_facts().map(|f| p.fact(f).name.as_str()));
            let d = Diagnostic::new(
                Code::InvalidCase,
                format!("unknown name `{}` in `expect`", e.name.name),
            )
            .primary(e.name.span, "no action or derived fact has this name");
            return Err(Box::new(match closest(&e.name.name, names) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help("`expect` names an action or a derived fact of this policy"),
            }));
        }
    };
    let by = match (&e.by, target) {
        (None, _) => None,
        (Some(refs), ExpectTarget::Fact(_)) => {
            let at = refs.first().map_or(e.span, |r| r.span);
            return Err(Box::new(
                Diagnostic::new(
                    Code::InvalidCase,
                    format!(
                        "`by` on the derived fact `{}`; only a verdict has a `by` list",
                        e.name.name
                    ),
                )
                .primary(at, "a fact's value has no `by` list")
                .help(format!("write `expect {} is {word}`", e.name.name)),
            ));
        }
        (Some(refs), ExpectTarget::Action(_)) => Some(by_list(p, refs)?),
    };
    Ok(Expectation {
        target,
        word: word.to_string(),
        by,
        span: e.span,
    })
}

/// The rules of a `by` list, which must exist.
fn by_list(p: &Policy, refs: &[ast::RuleRef]) -> Result<Vec<RuleId>, Box<Diagnostic>> {
    refs.iter()
        .map(|r| {
            p.rule_id(&r.name).ok_or_else(|| {
                let ids = p.rules().iter().map(|rule| rule.id.as_str());
                let d = Diagnostic::new(
                    Code::InvalidCase,
                    format!("unknown rule `{}` in a `by` list", r.name),
                )
                .primary(r.span, "no rule has this id");
                Box::new(match closest(&r.name, ids) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(
                        "a `by` list names rules of this policy; an anonymous rule is `@LINE`",
                    ),
                })
            })
        })
        .collect()
}
