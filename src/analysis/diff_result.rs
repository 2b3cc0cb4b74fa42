//! What `diff` finds for one pair of policies: each transition with its witness and the
//! rules that decide it on either side, the names added and removed, notes on the values
//! compared, and the diagnostics that stopped the comparison.

use crate::diagnostic::{Diagnostic, Literal, Witness};
use crate::model::Verdict;
use crate::source::{Source, Span};

/// One of the two versions compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The version before the change.
    Old,
    /// The version after it.
    New,
}

impl Side {
    /// `old` or `new`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Old => "old",
            Side::New => "new",
        }
    }
}

/// A rule that decides a witness on one side: it is in the verdict's `by` list, or, for a
/// derived fact, it fired and derives the fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecidingRule {
    /// Its id: a name, or `@LINE`.
    pub id: String,
    /// Whether it is a requirement (`A requires C`).
    pub requirement: bool,
    /// The 1-based line where it starts.
    pub line: usize,
    /// The description string of a named rule.
    pub description: Option<String>,
    /// Where it concludes on the action (or, for a derived fact, the rule's name).
    pub span: Span,
}

/// One pair of different words `from` (the old version's) and `to` (the new one's) that
/// some diff case gets, with such a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition<W> {
    /// The old version's verdict word (or truth value, for a derived fact).
    pub from: W,
    /// The new version's.
    pub to: W,
    /// The diff case: a value for every input fact of either version.
    pub witness: Witness,
    /// What decides the witness in the old version.
    pub old_by: Vec<DecidingRule>,
    /// What decides it in the new version.
    pub new_by: Vec<DecidingRule>,
    /// The witness as a `case` block for the new version's file, expecting `to` (with
    /// `by` for an action); long lists of enum and integer facts at their first value are
    /// summed up in a comment.
    pub case_block: String,
    /// The facts only the old version reads that the witness does not leave at the first
    /// value of their type (the case block cannot give them).
    pub old_only: Vec<(String, Literal)>,
}

/// The transitions of one action or derived fact, in the word order of section 12 of
/// `docs/language.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changes<W> {
    /// The action's or fact's name.
    pub name: String,
    /// Its declaration in the new version.
    pub span: Span,
    /// At least one.
    pub transitions: Vec<Transition<W>>,
}

/// A diagnostic of one of the two versions, with its spans in that version's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideDiagnostic {
    /// The version whose text its spans are in.
    pub side: Side,
    /// The diagnostic.
    pub diagnostic: Diagnostic,
}

/// The change impact of one policy edit (section 12 of `docs/language.md`): which cases the
/// new version decides differently from the old one, exactly, each with a witness.
///
/// It serializes (`serde::Serialize`, in `report`) as one entry of the `files` list of
/// `diff --format json`.
#[derive(Clone, Debug)]
pub struct Diff {
    /// The old version's text; `None` when the policy is new.
    pub old: Option<Source>,
    /// The new version's text; `None` when the policy was removed.
    pub new: Option<Source>,
    /// Per action of both versions with a transition, in the new version's declaration
    /// order.
    pub actions: Vec<Changes<Verdict>>,
    /// Per fact derived in both versions with a transition, likewise.
    pub derived: Vec<Changes<bool>>,
    /// Actions of the new version only, in its declaration order.
    pub added_actions: Vec<String>,
    /// Actions of the old version only, in its declaration order.
    pub removed_actions: Vec<String>,
    /// Facts of the new version only.
    pub added_facts: Vec<String>,
    /// Facts of the old version only.
    pub removed_facts: Vec<String>,
    /// What the reader should know about the values compared: variants and integers one
    /// version allows and the other does not, facts that are inputs on one side only.
    pub notes: Vec<String>,
    /// Static errors of either version, and `incomparable-fact`; when there are any,
    /// `actions` and `derived` are empty.
    pub diagnostics: Vec<SideDiagnostic>,
    /// Witnesses that did not reproduce under the evaluators: a bug, reported and dropped
    /// (builds with debug assertions stop at the first instead).
    pub internal_errors: Vec<String>,
}

impl Diff {
    /// An empty comparison of two versions.
    pub(crate) fn between(old: Option<Source>, new: Option<Source>) -> Diff {
        Diff {
            old,
            new,
            actions: Vec::new(),
            derived: Vec::new(),
            added_actions: Vec::new(),
            removed_actions: Vec::new(),
            added_facts: Vec::new(),
            removed_facts: Vec::new(),
            notes: Vec::new(),
            diagnostics: Vec::new(),
            internal_errors: Vec::new(),
        }
    }

    /// The number of transitions, of actions and derived facts together.
    pub fn transitions(&self) -> usize {
        self.actions
            .iter()
            .map(|c| c.transitions.len())
            .chain(self.derived.iter().map(|c| c.transitions.len()))
            .sum()
    }

    /// Whether either version has an error (a static error, or `incomparable-fact`).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.diagnostic.is_error())
    }

    /// Whether anything differs: a transition, a name added or removed, a policy added or
    /// removed, a note or a diagnostic.
    pub fn is_empty(&self) -> bool {
        self.old.is_some()
            && self.new.is_some()
            && self.actions.is_empty()
            && self.derived.is_empty()
            && self.added_actions.is_empty()
            && self.removed_actions.is_empty()
            && self.added_facts.is_empty()
            && self.removed_facts.is_empty()
            && self.notes.is_empty()
            && self.diagnostics.is_empty()
    }

    /// The source a diagnostic's spans are in.
    pub fn source_of(&self, side: Side) -> Option<&Source> {
        match side {
            Side::Old => self.old.as_ref(),
            Side::New => self.new.as_ref(),
        }
    }
}

/// The word of a verdict or a truth value, as reports write it.
pub trait Word: Copy + PartialEq {
    /// `permitted`, ..., or `true`/`false`.
    fn word(self) -> &'static str;
}

impl Word for Verdict {
    fn word(self) -> &'static str {
        self.as_str()
    }
}

impl Word for bool {
    fn word(self) -> &'static str {
        if self { "true" } else { "false" }
    }
}
