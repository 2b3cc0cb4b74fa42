//! Diagnostics: what every stage reports, independent of how it is rendered.

use crate::source::Span;
use serde::Serialize;
use std::fmt;

/// Every diagnostic code deontic emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    SyntaxError,
    UnknownName,
    DuplicateName,
    TypeMismatch,
    SelfContradiction,
    DerivationCycle,
    OverrideCycle,
    InvalidCase,
    Conflict,
    NeverFires,
    AlwaysFires,
    ShadowedRule,
    RedundantRule,
    UnusedFact,
    UnusedAction,
    UselessOverride,
    UnknownFinding,
}

impl Code {
    pub const ALL: [Code; 17] = [
        Code::SyntaxError,
        Code::UnknownName,
        Code::DuplicateName,
        Code::TypeMismatch,
        Code::SelfContradiction,
        Code::DerivationCycle,
        Code::OverrideCycle,
        Code::InvalidCase,
        Code::Conflict,
        Code::NeverFires,
        Code::AlwaysFires,
        Code::ShadowedRule,
        Code::RedundantRule,
        Code::UnusedFact,
        Code::UnusedAction,
        Code::UselessOverride,
        Code::UnknownFinding,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::SyntaxError => "syntax-error",
            Code::UnknownName => "unknown-name",
            Code::DuplicateName => "duplicate-name",
            Code::TypeMismatch => "type-mismatch",
            Code::SelfContradiction => "self-contradiction",
            Code::DerivationCycle => "derivation-cycle",
            Code::OverrideCycle => "override-cycle",
            Code::InvalidCase => "invalid-case",
            Code::Conflict => "conflict",
            Code::NeverFires => "never-fires",
            Code::AlwaysFires => "always-fires",
            Code::ShadowedRule => "shadowed-rule",
            Code::RedundantRule => "redundant-rule",
            Code::UnusedFact => "unused-fact",
            Code::UnusedAction => "unused-action",
            Code::UselessOverride => "useless-override",
            Code::UnknownFinding => "unknown-finding",
        }
    }

    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The severity a finding of this code has.
    pub fn severity(self) -> Severity {
        match self {
            Code::Conflict
            | Code::SyntaxError
            | Code::UnknownName
            | Code::DuplicateName
            | Code::TypeMismatch
            | Code::SelfContradiction
            | Code::DerivationCycle
            | Code::OverrideCycle
            | Code::InvalidCase => Severity::Error,
            _ => Severity::Warning,
        }
    }

    /// One line on what the code means, for SARIF rule metadata and documentation.
    pub fn summary(self) -> &'static str {
        match self {
            Code::SyntaxError => "the text does not match the grammar",
            Code::UnknownName => "a name is used but not declared",
            Code::DuplicateName => "a name is declared twice",
            Code::TypeMismatch => "a fact, action or value is used at the wrong type",
            Code::SelfContradiction => "one rule both forbids and permits or requires an action",
            Code::DerivationCycle => "derived facts depend on each other in a cycle",
            Code::OverrideCycle => "the overrides relation has a cycle or names an anonymous rule",
            Code::InvalidCase => "a case block gives or expects something it cannot",
            Code::Conflict => "two rules can leave contradicting conclusions on one action",
            Code::NeverFires => "a rule fires in no valid case",
            Code::AlwaysFires => "a conditional rule or requirement fires in every valid case",
            Code::ShadowedRule => "every conclusion of a rule is always removed by others",
            Code::RedundantRule => "deleting the rule changes no verdict and no derived fact",
            Code::UnusedFact => "an input fact that no condition mentions",
            Code::UnusedAction => "an action that no rule concludes on",
            Code::UselessOverride => "an override between rules with no action in common",
            Code::UnknownFinding => "an allow directive names no finding",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
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
    pub span: Span,
    pub message: String,
    pub primary: bool,
}

/// A value of an input fact, as a user writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Literal {
    Bool(bool),
    Variant(String),
    Int(i64),
}

/// One finding about one policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Lowercase, user input in backticks.
    pub message: String,
    /// The first primary label gives the diagnostic's position.
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// The action a `conflict` is about.
    pub action: Option<String>,
    /// The rules involved, by id.
    pub rules: Vec<String>,
    /// The fact or action an `unused-*` finding is about.
    pub name: Option<String>,
    /// A case showing the finding, a value for every input fact.
    pub witness: Option<Vec<(String, Literal)>>,
}

impl Diagnostic {
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
    use super::*;

    #[test]
    fn suggests_closest_name() {
        let names = ["cabinet_decision", "cyberattack", "ransomware"];
        assert_eq!(closest("cabinet_decison", names), Some("cabinet_decision"));
        assert_eq!(closest("cyber_attack", names), Some("cyberattack"));
        assert_eq!(closest("zzz", names), None);
    }

    #[test]
    fn codes_round_trip() {
        for c in Code::ALL {
            assert_eq!(Code::from_name(c.as_str()), Some(c));
        }
    }
}
