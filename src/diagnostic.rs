//! Diagnostics: what every stage reports, independent of how it is rendered.

use crate::source::Span;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// Declares [`Code`] from one table: each code's variant, its name as written in reports
/// and `allow` directives, its severity, a one-line summary, a description, and the fix.
macro_rules! codes {
    ($($variant:ident = $name:literal, $severity:ident, $summary:literal, $description:literal, $fix:literal;)*) => {
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

            /// The code's name in words run together (`UnknownName`), for tools that want a
            /// name apart from the id.
            pub fn title(self) -> &'static str {
                match self {
                    $(Code::$variant => stringify!($variant),)*
                }
            }

            /// The severity a finding of this code has.
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// One line on what the code means.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }

            /// What the code means, in a few sentences.
            pub fn description(self) -> &'static str {
                match self {
                    $(Code::$variant => $description,)*
                }
            }

            /// How to fix what it reports.
            pub fn fix(self) -> &'static str {
                match self {
                    $(Code::$variant => $fix,)*
                }
            }
        }
    };
}

codes! {
    SyntaxError = "syntax-error", Error, "the text does not match the grammar",
        "The text is not a policy: a token is missing or out of place, a string is not closed, \
         a `policy` or `source` line is out of place, a string has an unknown escape, the \
         file is not UTF-8, is larger than 16 MiB, or nests parentheses and `not` more than \
         256 deep.",
        "Write what the message says is expected at the place it points to.";
    UnknownName = "unknown-name", Error, "a name is used but not declared",
        "A fact, action, enum variant or rule (in `overrides`) is used but no declaration \
         has that name.",
        "Correct the spelling (the message suggests the closest declared name), or declare \
         the name.";
    DuplicateName = "duplicate-name", Error, "a name is declared twice",
        "A fact or action name, a rule name, a variant of one enum or a case name is \
         declared twice, or two anonymous rules start on one line (they would have the same \
         id).",
        "Rename one of the two, or remove the second.";
    TypeMismatch = "type-mismatch", Error, "a fact, action or value is used at the wrong type",
        "A test does not fit its fact's type (`is` on a bool, a comparison on an enum), a \
         modal conclusion or `requires` names a fact, a bare conclusion names an enum or \
         integer fact, an enum has one variant, a range is empty, or an integer does not \
         fit in 64 bits.",
        "Use the test the fact's type takes: a bool fact alone, `is`/`in` for an enum, a \
         comparison with a number for an integer.";
    SelfContradiction = "self-contradiction", Error,
        "one rule both forbids and permits or requires an action",
        "A rule concludes `must not A` together with `may A` or `must A`: whenever it fires \
         it contradicts itself.",
        "Keep one of the two conclusions, or split the rule by condition.";
    DerivationCycle = "derivation-cycle", Error, "derived facts depend on each other in a cycle",
        "Derived facts are computed in dependency order, and these depend on each other \
         through the conditions of the rules deriving them.",
        "Break the loop: make one of the facts an input fact, or derive it from others.";
    OverrideCycle = "override-cycle", Error,
        "the overrides relation has a cycle or names an anonymous rule",
        "`overrides` says which rule wins, so it cannot loop; a rule cannot override itself; \
         an anonymous rule cannot be overridden; and the relation, taken transitively, may \
         hold at most 4,000,000 pairs of rules.",
        "Remove one `overrides` of the loop, name the anonymous rule, or let each exception \
         override the rule it is an exception to.";
    InvalidCase = "invalid-case", Error, "a case block gives or expects something it cannot",
        "A case block gives an unknown or derived fact, gives a fact twice or a value of the \
         wrong type or out of range, leaves an enum or integer fact out, expects an input \
         fact or an unknown name, or uses a verdict word of the wrong kind.",
        "Give every enum and integer fact a value of its type, give only input facts, and \
         expect actions (a verdict word) and derived facts (`true` or `false`).";
    Conflict = "conflict", Error, "two rules can leave contradicting conclusions on one action",
        "In some valid case both rules fire and, after overrides and requirements, a `must \
         not` of one and a `may` or `must` of the other remain on the action: its verdict \
         is `conflict`. The finding gives such a case.",
        "Say which rule wins with `overrides`, or narrow a condition so that both cannot hold.";
    NeverFires = "never-fires", Warning, "a rule fires in no valid case",
        "No assignment of the input facts that their types allow makes the rule's condition \
         hold (for a requirement: fail).",
        "Fix the condition, or delete the rule.";
    AlwaysFires = "always-fires", Warning,
        "a conditional rule or requirement fires in every valid case",
        "The rule has an `if` or `unless` part, or is a requirement, yet it fires whatever \
         the case: the condition says nothing.",
        "Drop the condition, or add the restriction it is missing.";
    ShadowedRule = "shadowed-rule", Warning, "every conclusion of a rule is always removed by others",
        "The rule fires in some case, but whenever it fires every one of its conclusions is \
         removed by a rule that overrides it or by a requirement that outranks its \
         permission, so it never decides anything. The finding names those rules and a case \
         where it fires.",
        "Delete the rule, or narrow the rules that remove its conclusions.";
    RedundantRule = "redundant-rule", Warning,
        "deleting the rule changes no verdict and no derived fact",
        "In every valid case the policy decides every action and derived fact the same with \
         and without the rule.",
        "Delete it, or fix the rules that already decide its cases.";
    UnusedFact = "unused-fact", Warning, "an input fact that no condition mentions",
        "The fact is declared but no rule's condition reads it, so no case can turn on it.",
        "Use it in a rule's condition, or remove the declaration.";
    UnusedAction = "unused-action", Warning, "an action that no rule concludes on",
        "The action is declared but no rule concludes on it: every case gives it its default, \
         or leaves it undecided.",
        "Add a rule on it, or remove the declaration.";
    UselessOverride = "useless-override", Warning,
        "an override between rules with no action in common",
        "An override removes conclusions on the actions both rules conclude on; these two \
         have none in common, and no longer chain of overrides passes through this one.",
        "Remove the `overrides`.";
    CaseWithoutExpect = "case-without-expect", Warning, "a case block expects nothing",
        "The case block has no `expect` line, so `test` would pass it whatever the policy \
         says: it asserts nothing.",
        "Add `expect` lines (`deontic test --bless` writes the current verdicts in), or remove \
         the block.";
    UnknownFinding = "unknown-finding", Warning, "an allow directive names no finding",
        "A `# deontic: allow(...)` comment names a code that does not exist, so it silences \
         nothing.",
        "Spell the code as the documentation lists it (the message suggests the closest).";
    IncomparableFact = "incomparable-fact", Error,
        "a fact of both versions has no value both can read",
        "`deontic diff` gives each input fact of both versions one value that both read. This \
         fact is an input of both with different kinds of type (bool, enum, integer), or \
         its two enums have no variant in common, or its two ranges do not overlap, so no \
         case can be given to both versions and the change impact cannot be computed.",
        "Keep the fact's kind of type, and a value both versions allow; or rename it in the \
         new version, so that the two are different facts.";
}

/// Where the documentation of the codes lives: `DEONTIC_DOCS_URL` at build time (for a
/// published copy of `docs/`), else the `docs/` folder of the sources it was built from.
pub fn docs_base() -> String {
    match option_env!("DEONTIC_DOCS_URL") {
        Some(url) => url.trim_end_matches('/').to_string() + "/",
        None => {
            crate::uri::file_uri(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs"))
                + "/"
        }
    }
}

impl Code {
    /// The code written `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }

    /// The address of the code's entry in `docs/codes.md`.
    pub fn docs_url(self) -> String {
        format!("{}codes.md#{}", docs_base(), self.as_str())
    }

    /// The entry of `docs/codes.md` for this code, in Markdown.
    pub fn docs_entry(self) -> String {
        format!(
            "## {}\n\n{} ({}). {}\n\n**Fix:** {}\n",
            self.as_str(),
            capitalized(self.summary()),
            self.severity().as_str(),
            self.description(),
            self.fix()
        )
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The whole of `docs/codes.md`, from the table of codes.
pub fn codes_document() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\nEvery diagnostic deontic reports has one of these codes. \
         Errors stop a policy from being analysed or evaluated (the static errors) or fail \
         `lint` (conflicts) or `diff` (facts it cannot compare); warnings fail `lint` only with \
         `--deny-warnings`. This file is \
         generated from the table in `src/diagnostic.rs`, and a test keeps the two the \
         same.\n\n",
    );
    for &c in Code::ALL {
        out.push_str(&c.docs_entry());
        out.push('\n');
    }
    out.pop();
    out
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
    fn docs_codes_md_is_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/codes.md");
        let on_disk = std::fs::read_to_string(path).unwrap_or_default();
        if on_disk != super::codes_document() {
            if std::env::var_os("DEONTIC_WRITE_DOCS").is_some() {
                std::fs::write(path, super::codes_document()).unwrap();
            } else {
                panic!("docs/codes.md differs from the table; run with DEONTIC_WRITE_DOCS=1");
            }
        }
    }

    #[test]
    fn codes_round_trip() {
        for &c in Code::ALL {
            assert_eq!(Code::from_name(c.as_str()), Some(c));
        }
    }
}
