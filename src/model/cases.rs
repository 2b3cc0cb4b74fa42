//! Cases: assigning input facts by name, from case blocks, JSON or code.

use super::*;
use crate::diagnostic::{Code, Diagnostic, closest};
use crate::syntax::ast::{self, AssignValue};

/// Why a case is invalid. Messages are lowercase with names in backticks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("unknown fact `{name}`{}", suggest(.suggestion))]
    UnknownFact {
        name: String,
        suggestion: Option<String>,
    },
    #[error("`{0}` is an action, not a fact; cases give facts only")]
    NotAFact(String),
    #[error("`{0}` is a derived fact; the policy computes it, a case cannot give it")]
    Derived(String),
    #[error("fact `{0}` is given twice")]
    Twice(String),
    #[error("fact `{name}` is of type `{expected}`, but was given {got}")]
    WrongType {
        name: String,
        expected: String,
        got: String,
    },
    #[error("`{name}` must be one of `{expected}`, but was given `{got}`{}", suggest(.suggestion))]
    UnknownVariant {
        name: String,
        expected: String,
        got: String,
        suggestion: Option<String>,
    },
    #[error("`{name}` must be in `{lo}..{hi}`, but was given {got}")]
    OutOfRange {
        name: String,
        lo: i64,
        hi: i64,
        got: String,
    },
    #[error("{} not given: {}", if .0.len() == 1 { "fact" } else { "facts" }, .0.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))]
    Missing(Vec<String>),
    #[error("{0}")]
    Malformed(String),
}

fn suggest(s: &Option<String>) -> String {
    s.as_ref()
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}

/// Builds a case fact by fact, checking every value against the policy.
///
/// ```
/// let policy = deontic::Policy::parse("p.policy", "fact a\nfact n: 0..9\naction x\nif a and n > 3 then x").unwrap();
/// let case = policy.case().set("a", true).set("n", 4).build().unwrap();
/// assert_eq!(policy.evaluate(&case).verdict_of("x").unwrap().as_str(), "required");
/// ```
#[derive(Clone, Debug)]
pub struct CaseBuilder<'p> {
    policy: &'p Policy,
    values: Vec<Option<Value>>,
    errors: Vec<CaseError>,
}

impl From<bool> for Literal {
    fn from(b: bool) -> Self {
        Literal::Bool(b)
    }
}
impl From<i64> for Literal {
    fn from(n: i64) -> Self {
        Literal::Int(n)
    }
}
impl From<i32> for Literal {
    fn from(n: i32) -> Self {
        Literal::Int(n.into())
    }
}
impl From<&str> for Literal {
    fn from(s: &str) -> Self {
        Literal::Variant(s.to_string())
    }
}

impl<'p> CaseBuilder<'p> {
    pub(super) fn new(policy: &'p Policy) -> Self {
        CaseBuilder {
            policy,
            values: vec![None; policy.facts.len()],
            errors: Vec::new(),
        }
    }

    /// Sets a fact; errors are kept for [`build`](Self::build).
    pub fn set(mut self, name: &str, value: impl Into<Literal>) -> Self {
        if let Err(e) = self.assign(name, value.into()) {
            self.errors.push(e);
        }
        self
    }

    /// Sets a fact, reporting at once why it cannot be.
    pub fn assign(&mut self, name: &str, value: Literal) -> Result<FactId, CaseError> {
        let p = self.policy;
        let f = match p.symbol(name) {
            Some(Symbol::Fact(f)) => f,
            Some(Symbol::Action(_)) => return Err(CaseError::NotAFact(name.into())),
            None => {
                let names = p.input_facts().map(|f| p.facts[f].name.as_str());
                return Err(CaseError::UnknownFact {
                    name: name.into(),
                    suggestion: closest(name, names).map(str::to_string),
                });
            }
        };
        let fact = &p.facts[f];
        if fact.derived {
            return Err(CaseError::Derived(name.into()));
        }
        if self.values[f].is_some() {
            return Err(CaseError::Twice(name.into()));
        }
        let wrong = |got: String| CaseError::WrongType {
            name: name.into(),
            expected: fact.ty.describe(),
            got,
        };
        let value = match (&fact.ty, value) {
            (FactType::Bool, Literal::Bool(b)) => Value::Bool(b),
            (FactType::Enum(vs), Literal::Variant(v)) => match vs.iter().position(|x| *x == v) {
                Some(i) => Value::Enum(i as u32),
                None => {
                    return Err(CaseError::UnknownVariant {
                        name: name.into(),
                        expected: fact.ty.describe(),
                        suggestion: closest(&v, vs.iter().map(String::as_str)).map(str::to_string),
                        got: v,
                    });
                }
            },
            (FactType::Int { lo, hi }, Literal::Int(n)) => {
                if n < *lo || n > *hi {
                    return Err(CaseError::OutOfRange {
                        name: name.into(),
                        lo: *lo,
                        hi: *hi,
                        got: n.to_string(),
                    });
                }
                Value::Int(n)
            }
            (_, Literal::Bool(b)) => return Err(wrong(format!("`{b}`"))),
            (_, Literal::Variant(v)) => return Err(wrong(format!("`{v}`"))),
            (_, Literal::Int(n)) => return Err(wrong(format!("`{n}`"))),
        };
        self.values[f] = Some(value);
        Ok(f)
    }

    /// Whether a fact has been given a value.
    pub fn is_set(&self, fact: FactId) -> bool {
        self.values[fact].is_some()
    }

    /// Finishes the case: bool facts default to `false`; enum and integer facts must be given.
    pub fn build(mut self) -> Result<Case, CaseError> {
        if !self.errors.is_empty() {
            return Err(self.errors.swap_remove(0));
        }
        let p = self.policy;
        let missing: Vec<String> = p
            .input_facts()
            .filter(|&f| self.values[f].is_none() && p.facts[f].ty != FactType::Bool)
            .map(|f| p.facts[f].name.clone())
            .collect();
        if !missing.is_empty() {
            return Err(CaseError::Missing(missing));
        }
        Ok(Case {
            values: self
                .values
                .into_iter()
                .map(|v| v.unwrap_or(Value::Bool(false)))
                .collect(),
        })
    }
}

/// Checks a case block, giving `invalid-case` diagnostics.
pub(super) fn case_block(p: &Policy, c: &ast::CaseDecl) -> Result<CaseBlock, Vec<Diagnostic>> {
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
                let help = match (&e, fact.map(|f| &p.facts[f].ty)) {
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
        Some(case) if errors.is_empty() => Ok(CaseBlock {
            name: c.name.value.clone(),
            case,
            expectations,
            span: c.span,
        }),
        _ => Err(errors),
    }
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
        Some(Symbol::Fact(f)) if p.facts[f].derived => {
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
                .actions
                .iter()
                .map(|a| a.name.as_str())
                .chain(p.derived_facts().map(|f| p.facts[f].name.as_str()));
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
    Ok(Expectation {
        target,
        word: word.to_string(),
        span: e.span,
    })
}

impl Policy {
    /// A case as a `case` block of this language, ready to paste into the policy file.
    pub fn case_text(&self, name: &str, case: &Case, expect: &[(String, String)]) -> String {
        let given: Vec<String> = self
            .input_facts()
            .map(|f| {
                let n = &self.facts[f].name;
                match self.literal(f, case.values[f]) {
                    Literal::Bool(true) => n.clone(),
                    Literal::Bool(false) => format!("not {n}"),
                    Literal::Variant(v) => format!("{n} = {v}"),
                    Literal::Int(i) => format!("{n} = {i}"),
                }
            })
            .collect();
        let mut s = format!("case {} {{\n", quote(name));
        // Wrapped by hand so that a report's width never breaks a line mid-value.
        let mut line = String::new();
        for (i, g) in given.iter().enumerate() {
            if !line.is_empty() && line.len() + g.len() > 64 {
                s.push_str(&line);
                s.push_str(",\n");
                line.clear();
            }
            if line.is_empty() {
                line.push_str(if i == 0 { "  given " } else { "        " });
            } else {
                line.push_str(", ");
            }
            line.push_str(g);
        }
        if !line.is_empty() {
            s.push_str(&line);
            s.push('\n');
        }
        for (n, w) in expect {
            s.push_str(&format!("  expect {n} is {w}\n"));
        }
        s.push('}');
        s
    }
}

/// A string literal of this language.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
