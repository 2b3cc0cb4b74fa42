//! Diagnostics: what every stage reports, independent of how it is rendered.

use crate::source::Span;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// Declares [`Code`] from one table: each code's variant, its name as written in reports
/// and `allow` directives, its severity, and a one-line summary.
macro_rules! codes {
    ($($variant:ident = $name:literal, $severity:ident, $summary:literal;)*) => {
        /// Every diagnostic code deontic emits.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in the order of the table.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as written in reports and directives (`unknown-name`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// The severity a finding of this code has.
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// One line on what the code means, for SARIF rule metadata and documentation.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }
        }
    };
}

codes! {
    SyntaxError = "syntax-error", Error, "the text does not match the grammar";
    UnknownName = "unknown-name", Error, "a name is used but not declared";
    DuplicateName = "duplicate-name", Error, "a name is declared twice";
    TypeMismatch = "type-mismatch", Error, "a fact, action or value is used at the wrong type";
    SelfContradiction = "self-contradiction", Error,
        "one rule both forbids and permits or requires an action";
    DerivationCycle = "derivation-cycle", Error, "derived facts depend on each other in a cycle";
    OverrideCycle = "override-cycle", Error,
        "the overrides relation has a cycle or names an anonymous rule";
    InvalidCase = "invalid-case", Error, "a case block gives or expects something it cannot";
    Conflict = "conflict", Error, "two rules can leave contradicting conclusions on one action";
    NeverFires = "never-fires", Warning, "a rule fires in no valid case";
    AlwaysFires = "always-fires", Warning,
        "a conditional rule or requirement fires in every valid case";
    ShadowedRule = "shadowed-rule", Warning, "every conclusion of a rule is always removed by others";
    RedundantRule = "redundant-rule", Warning,
        "deleting the rule changes no verdict and no derived fact";
    UnusedFact = "unused-fact", Warning, "an input fact that no condition mentions";
    UnusedAction = "unused-action", Warning, "an action that no rule concludes on";
    UselessOverride = "useless-override", Warning,
        "an override between rules with no action in common";
    UnknownFinding = "unknown-finding", Warning, "an allow directive names no finding";
}

impl Code {
    /// The code written `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file is not analysed or evaluated (static errors), or `lint` fails (conflicts).
    Error,
    /// `lint` fails only with `--deny-warnings`.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A labelled place in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there.
    pub message: String,
    /// Whether it is where the diagnostic is reported.
    pub primary: bool,
}

/// A value of an input fact, as a user writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Literal {
    /// A bool fact's value.
    Bool(bool),
    /// An enum fact's variant, by name.
    Variant(String),
    /// An integer fact's value.
    Int(i64),
}

/// A case that shows a finding: a value for every input fact, in declaration order, held
/// sparsely (the facts at their first value are shared by every witness of a policy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witness {
    base: Arc<[(String, Literal)]>,
    /// `(index into base, value)` for the facts that differ from `base`, ascending.
    changed: Vec<(u32, Literal)>,
}

impl Witness {
    /// A witness: `base` gives every input fact, `changed` the values that differ from it
    /// (by index into `base`, ascending).
    pub fn new(base: Arc<[(String, Literal)]>, changed: Vec<(u32, Literal)>) -> Witness {
        Witness { base, changed }
    }

    /// Every input fact and its value, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Literal)> + '_ {
        let mut changed = self.changed.iter().peekable();
        self.base.iter().enumerate().map(move |(i, (name, base))| {
            match changed.next_if(|(j, _)| *j as usize == i) {
                Some((_, value)) => (name.as_str(), value),
                None => (name.as_str(), base),
            }
        })
    }

    /// The facts whose value is not the first of its type, and their values.
    pub fn changed(&self) -> impl Iterator<Item = (&str, &Literal)> + '_ {
        self.changed
            .iter()
            .map(|(i, v)| (self.base[*i as usize].0.as_str(), v))
    }

    /// Every input fact and its value, as a list.
    pub fn to_vec(&self) -> Vec<(String, Literal)> {
        self.iter()
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect()
    }
}

/// One finding about one policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of finding it is.
    pub code: Code,
    /// How serious.
    pub severity: Severity,
    /// Lowercase, user input in backticks.
    pub message: String,
    /// The first primary label gives the diagnostic's position.
    pub labels: Vec<Label>,
    /// The advice that names the fix.
    pub help: Option<String>,
    /// The action a `conflict` is about.
    pub action: Option<String>,
    /// The rules involved, by id.
    pub rules: Vec<String>,
    /// The fact or action an `unused-*` finding is about.
    pub name: Option<String>,
    /// A case showing the finding, a value for every input fact.
    pub witness: Option<Witness>,
}

impl Diagnostic {
    /// A diagnostic of `code` with its severity and no labels yet.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            labels: Vec::new(),
            help: None,
            action: None,
            rules: Vec::new(),
            name: None,
            witness: None,
        }
    }

    /// Adds the primary label.
    pub fn primary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: true,
        });
        self
    }

    /// Adds a secondary label.
    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: false,
        });
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The span the diagnostic is reported at.
    pub fn span(&self) -> Option<Span> {
        self.labels
            .iter()
            .find(|l| l.primary)
            .or(self.labels.first())
            .map(|l| l.span)
    }

    /// Whether its severity is `error`.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Suggests the declared name closest to a misspelt one.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// A help line suggesting `candidate`, or listing what is declared.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::{Code, closest};

    #[test]
    fn suggests_closest_name() {
        let names = ["cabinet_decision", "cyberattack", "ransomware"];
        assert_eq!(closest("cabinet_decison", names), Some("cabinet_decision"));
        assert_eq!(closest("cyber_attack", names), Some("cyberattack"));
        assert_eq!(closest("zzz", names), None);
    }

    #[test]
    fn codes_round_trip() {
        for &c in Code::ALL {
            assert_eq!(Code::from_name(c.as_str()), Some(c));
        }
    }
}
