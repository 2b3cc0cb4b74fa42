//! Cases: a value for every input fact, built fact by fact and checked against the policy.

use super::policy::Policy;
use super::types::{FactId, FactType, Symbol, Value};
use crate::diagnostic::{Literal, closest};

/// Why a case is invalid. Messages are lowercase with names in backticks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[allow(missing_docs)] // each variant's message is its documentation
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
            values: vec![None; policy.facts().len()],
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
                let names = p.input_facts().map(|f| p.fact(f).name.as_str());
                return Err(CaseError::UnknownFact {
                    name: name.into(),
                    suggestion: closest(name, names).map(str::to_string),
                });
            }
        };
        let fact = p.fact(f);
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

    /// Finishes a partial case: every input fact not given is unknown, bool facts too.
    pub fn build_partial(mut self) -> Result<PartialCase, CaseError> {
        if !self.errors.is_empty() {
            return Err(self.errors.swap_remove(0));
        }
        Ok(PartialCase {
            values: self.values,
        })
    }

    /// Finishes the case: bool facts default to `false`; enum and integer facts must be given.
    pub fn build(mut self) -> Result<Case, CaseError> {
        if !self.errors.is_empty() {
            return Err(self.errors.swap_remove(0));
        }
        let p = self.policy;
        let missing: Vec<String> = p
            .input_facts()
            .filter(|&f| self.values[f].is_none() && p.fact(f).ty != FactType::Bool)
            .map(|f| p.fact(f).name.clone())
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

/// A partial case: some input facts given, the others unknown (section 9 of
/// `docs/language.md`). Built with [`CaseBuilder::build_partial`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialCase {
    /// One entry per fact of the policy, by [`FactId`]: the value given, or `None` (always
    /// `None` for a derived fact).
    pub values: Vec<Option<Value>>,
}

impl PartialCase {
    /// Whether the case gives a value to fact `f`.
    pub fn is_given(&self, f: FactId) -> bool {
        self.values[f].is_some()
    }

    /// The completion with every fact not given at its first value: `false`, the first
    /// variant, the lowest integer. When the facts not given change no verdict of interest,
    /// its decision trail is that of every completion's verdict.
    pub fn completed(&self, policy: &Policy) -> Case {
        Case {
            values: self
                .values
                .iter()
                .zip(policy.facts())
                .map(|(v, fact)| {
                    v.unwrap_or(match &fact.ty {
                        FactType::Bool => Value::Bool(false),
                        FactType::Enum(_) => Value::Enum(0),
                        FactType::Int { lo, .. } => Value::Int(*lo),
                    })
                })
                .collect(),
        }
    }
}

/// A case: a value for every input fact (derived facts are `false` until evaluated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// One value per fact of the policy, by [`FactId`].
    pub values: Vec<Value>,
}
