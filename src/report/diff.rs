//! `diff` reports: the JSON document of section 12 of `docs/language.md` (a [`Diff`]
//! serializes as one of its files), the human form (per action, each transition with the
//! rules that decide it on either side and its witness as a `case` block), and the counts
//! of the summary line.

use super::human::{Style, render_diagnostic};
use super::lint::{DiagnosticJson, WitnessJson, diagnostic_json};
use crate::analysis::{Changes, DecidingRule, Diff, Transition, Word};
use crate::model::quote;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use std::fmt::Write;

impl Serialize for Diff {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(11))?;
        map.serialize_entry("old", &self.old.as_ref().map(|s| s.name()))?;
        map.serialize_entry("new", &self.new.as_ref().map(|s| s.name()))?;
        let actions: Vec<ChangesJson<_>> = self.actions.iter().map(ChangesJson::action).collect();
        map.serialize_entry("actions", &actions)?;
        let derived: Vec<ChangesJson<_>> = self.derived.iter().map(ChangesJson::fact).collect();
        map.serialize_entry("derived", &derived)?;
        map.serialize_entry("added_actions", &self.added_actions)?;
        map.serialize_entry("removed_actions", &self.removed_actions)?;
        map.serialize_entry("added_facts", &self.added_facts)?;
        map.serialize_entry("removed_facts", &self.removed_facts)?;
        map.serialize_entry("notes", &self.notes)?;
        let diagnostics: Vec<SideDiagnosticJson> = self
            .diagnostics
            .iter()
            .filter_map(|d| {
                let source = self.source_of(d.side)?;
                Some(SideDiagnosticJson {
                    path: source.name(),
                    diagnostic: diagnostic_json(&d.diagnostic, source),
                })
            })
            .collect();
        map.serialize_entry("diagnostics", &diagnostics)?;
        map.end()
    }
}

#[derive(Serialize)]
struct SideDiagnosticJson<'a> {
    /// The file its line and column are in.
    path: &'a str,
    #[serde(flatten)]
    diagnostic: DiagnosticJson<'a>,
}

/// One action's or derived fact's transitions, under the key the contract names.
struct ChangesJson<'a, W> {
    key: &'static str,
    changes: &'a Changes<W>,
}

impl<'a, W> ChangesJson<'a, W> {
    fn action(changes: &'a Changes<W>) -> Self {
        ChangesJson {
            key: "action",
            changes,
        }
    }

    fn fact(changes: &'a Changes<W>) -> Self {
        ChangesJson {
            key: "fact",
            changes,
        }
    }
}

impl<W: Word> Serialize for ChangesJson<'_, W> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry(self.key, &self.changes.name)?;
        let list: Vec<TransitionJson<W>> = self
            .changes
            .transitions
            .iter()
            .map(|t| TransitionJson {
                words: self.key == "action",
                t,
            })
            .collect();
        map.serialize_entry("transitions", &list)?;
        map.end()
    }
}

struct TransitionJson<'a, W> {
    /// Verdict words (strings) rather than truth values (JSON booleans).
    words: bool,
    t: &'a Transition<W>,
}

impl<W: Word> Serialize for TransitionJson<'_, W> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(5))?;
        let word = |w: W| -> serde_json::Value {
            if self.words {
                w.word().into()
            } else {
                (w.word() == "true").into()
            }
        };
        map.serialize_entry("from", &word(self.t.from))?;
        map.serialize_entry("to", &word(self.t.to))?;
        map.serialize_entry("witness", &WitnessJson(&self.t.witness))?;
        let ids = |rules: &[DecidingRule]| -> Vec<String> {
            rules.iter().map(|r| r.id.clone()).collect()
        };
        map.serialize_entry("old_by", &ids(&self.t.old_by))?;
        map.serialize_entry("new_by", &ids(&self.t.new_by))?;
        map.end()
    }
}

/// The counts of a `diff` run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DiffSummary {
    /// Pairs of files compared (a policy added or removed is one).
    pub files: usize,
    /// Files with a transition, an action or fact added or removed, or that were added or
    /// removed themselves.
    pub changed_files: usize,
    /// Transitions of actions and derived facts.
    pub transitions: usize,
    /// Actions with a transition.
    #[serde(skip)]
    pub actions: usize,
    /// Derived facts with a transition.
    #[serde(skip)]
    pub facts: usize,
}

/// The counts over every pair of files compared.
pub fn diff_summary(diffs: &[Diff]) -> DiffSummary {
    let mut s = DiffSummary {
        files: diffs.len(),
        ..DiffSummary::default()
    };
    for d in diffs {
        let changed = d.transitions() > 0
            || d.old.is_none()
            || d.new.is_none()
            || !d.added_actions.is_empty()
            || !d.removed_actions.is_empty()
            || !d.added_facts.is_empty()
            || !d.removed_facts.is_empty();
        s.changed_files += usize::from(changed);
        s.transitions += d.transitions();
        s.actions += d.actions.len();
        s.facts += d.derived.len();
    }
    s
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `N transitions on M actions in K files` (with `and F derived facts` after the actions
/// when facts changed too).
pub fn diff_summary_line(diffs: &[Diff]) -> String {
    let s = diff_summary(diffs);
    let facts = if s.facts > 0 {
        format!(" and {}", plural(s.facts, "derived fact"))
    } else {
        String::new()
    };
    format!(
        "{} on {}{facts} in {}",
        plural(s.transitions, "transition"),
        plural(s.actions, "action"),
        plural(s.files, "file")
    )
}

/// The `diff --format json` document: every pair of files, then the summary.
pub fn diff_json(diffs: &[Diff]) -> String {
    #[derive(Serialize)]
    struct Document<'a> {
        files: &'a [Diff],
        summary: DiffSummary,
    }
    serde_json::to_string(&Document {
        files: diffs,
        summary: diff_summary(diffs),
    })
    .unwrap_or_default()
}

/// The human form: for each pair of files that differ, a header, the diagnostics drawn on
/// their sources, notes, names added and removed, and each transition. Files that do not
/// differ print nothing; the summary line is the caller's.
pub fn diff_human(diffs: &[Diff], style: Style) -> String {
    let mut out = String::new();
    for d in diffs.iter().filter(|d| !d.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        file_human(&mut out, d, style);
    }
    out
}

fn file_human(out: &mut String, d: &Diff, style: Style) {
    let name = |s: &Option<crate::source::Source>| s.as_ref().map(|s| s.name().to_string());
    let _ = match (name(&d.old), name(&d.new)) {
        (Some(o), Some(n)) => writeln!(out, "diff {o} {n}"),
        (None, Some(n)) => writeln!(out, "added {n}"),
        (Some(o), None) => writeln!(out, "removed {o}"),
        (None, None) => Ok(()),
    };
    for sd in &d.diagnostics {
        if let Some(source) = d.source_of(sd.side) {
            out.push_str(&render_diagnostic(&sd.diagnostic, source, style));
        }
    }
    for n in &d.notes {
        let _ = writeln!(out, "note: {n}");
    }
    for (what, names) in [
        ("added actions", &d.added_actions),
        ("removed actions", &d.removed_actions),
        ("added facts", &d.added_facts),
        ("removed facts", &d.removed_facts),
    ] {
        if !names.is_empty() {
            let _ = writeln!(out, "{what}: {}", names.join(", "));
        }
    }
    for c in &d.actions {
        for t in &c.transitions {
            transition_human(out, &c.name, t, Kind::Action);
        }
    }
    for c in &d.derived {
        for t in &c.transitions {
            transition_human(out, &c.name, t, Kind::Fact);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Action,
    Fact,
}

fn transition_human<W: Word>(out: &mut String, name: &str, t: &Transition<W>, kind: Kind) {
    let _ = writeln!(out, "\n{name}: {} -> {}", t.from.word(), t.to.word());
    for (side, word, rules) in [("old", t.from, &t.old_by), ("new", t.to, &t.new_by)] {
        let why = match (kind, word.word(), rules.is_empty()) {
            (_, _, false) => "",
            (Kind::Action, "undecided", true) => " (no rule decides it)",
            (Kind::Action, _, true) => " (the default: no rule decides it)",
            (Kind::Fact, _, true) => " (no rule deriving it fires)",
        };
        let _ = writeln!(out, "  {side}: {}{why}", word.word());
        for r in rules.iter() {
            let what = if r.requirement { "requirement" } else { "rule" };
            let _ = writeln!(out, "    {what} {} (line {})", r.id, r.line);
            if let Some(text) = &r.description {
                let _ = writeln!(out, "      {}", quote(text));
            }
        }
    }
    if !t.old_only.is_empty() {
        let given: Vec<String> = t
            .old_only
            .iter()
            .map(|(n, v)| match v {
                crate::diagnostic::Literal::Bool(true) => n.clone(),
                crate::diagnostic::Literal::Bool(false) => format!("not {n}"),
                crate::diagnostic::Literal::Variant(x) => format!("{n} = {x}"),
                crate::diagnostic::Literal::Int(x) => format!("{n} = {x}"),
            })
            .collect();
        let _ = writeln!(out, "  the old version also reads: {}", given.join(", "));
    }
    for line in t.case_block.lines() {
        let _ = writeln!(out, "  {line}");
    }
}
