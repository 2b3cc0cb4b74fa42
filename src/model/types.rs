//! The checked policy's declarations and values: facts, actions, their types and ids.

use crate::source::Span;

/// A fact's index in [`Policy::facts`](super::Policy::facts), in declaration order.
pub type FactId = usize;
/// An action's index in [`Policy::actions`](super::Policy::actions), in declaration order.
pub type ActionId = usize;
/// A rule's index in [`Policy::rules`](super::Policy::rules), in source order.
pub type RuleId = usize;

/// The values a fact can take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactType {
    /// `true` or `false`.
    Bool,
    /// One of the variants, in declaration order (at least two).
    Enum(Vec<String>),
    /// An integer in `lo..=hi`.
    Int {
        /// The lowest value.
        lo: i64,
        /// The highest value.
        hi: i64,
    },
}

impl FactType {
    /// The type as written in a declaration: `bool`, `a | b | c`, `1..5`.
    pub fn describe(&self) -> String {
        match self {
            FactType::Bool => "bool".to_string(),
            FactType::Enum(vs) => vs.join(" | "),
            FactType::Int { lo, hi } => format!("{lo}..{hi}"),
        }
    }
}

/// A declared fact.
#[derive(Clone, Debug)]
pub struct Fact {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: FactType,
    /// The description string of its declaration.
    pub description: Option<String>,
    /// The name in its declaration.
    pub span: Span,
    /// True when some rule concludes this (bool) fact.
    pub derived: bool,
}

/// What an action's verdict is when no conclusion on it remains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefaultVerdict {
    /// `default permitted`.
    Permitted,
    /// `default forbidden`.
    Forbidden,
}

impl DefaultVerdict {
    /// The verdict word: `permitted` or `forbidden`.
    pub fn as_str(self) -> &'static str {
        match self {
            DefaultVerdict::Permitted => "permitted",
            DefaultVerdict::Forbidden => "forbidden",
        }
    }
}

/// An action's verdict in a case (section 8 of `docs/language.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    /// A permission remains, and no obligation or prohibition; or the default.
    Permitted,
    /// Only prohibitions remain; or the default.
    Forbidden,
    /// An obligation remains, and no prohibition.
    Required,
    /// Nothing remains and the action has no default.
    Undecided,
    /// A prohibition remains together with a permission or an obligation.
    Conflict,
}

impl Verdict {
    /// Every verdict, in the word order of reports: `permitted forbidden required undecided
    /// conflict`.
    pub const ALL: [Verdict; 5] = [
        Verdict::Permitted,
        Verdict::Forbidden,
        Verdict::Required,
        Verdict::Undecided,
        Verdict::Conflict,
    ];

    /// The verdict word.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Permitted => "permitted",
            Verdict::Forbidden => "forbidden",
            Verdict::Required => "required",
            Verdict::Undecided => "undecided",
            Verdict::Conflict => "conflict",
        }
    }

    /// The verdict a word names.
    pub fn from_word(word: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == word)
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<DefaultVerdict> for Verdict {
    fn from(d: DefaultVerdict) -> Verdict {
        match d {
            DefaultVerdict::Permitted => Verdict::Permitted,
            DefaultVerdict::Forbidden => Verdict::Forbidden,
        }
    }
}

/// A declared action.
#[derive(Clone, Debug)]
pub struct Action {
    /// Its name.
    pub name: String,
    /// Its verdict when no conclusion on it remains; without one it is `undecided`.
    pub default: Option<DefaultVerdict>,
    /// The description string of its declaration.
    pub description: Option<String>,
    /// The name in its declaration.
    pub span: Span,
}

/// A fact's value in a case. Enum values are variant indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// A bool fact's value.
    Bool(bool),
    /// An enum fact's variant, as its index in the type.
    Enum(u32),
    /// An integer fact's value.
    Int(i64),
}

/// What a name declared with `fact` or `action` stands for (they share one namespace).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Symbol {
    /// A fact.
    Fact(FactId),
    /// An action.
    Action(ActionId),
}
