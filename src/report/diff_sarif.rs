//! `diff` reports as SARIF 2.1.0: one result per transition, at a rule of the new version
//! that decides its witness (so that code scanning annotates the change under review), and
//! the diagnostics of either version as `lint` writes them.
//!
//! Transitions are not problems: they are results of level `note` under two rules of their
//! own, `changed-verdict` and `changed-fact`, beside the diagnostic codes.

use super::lint::FileReport;
use super::sarif::{
    FileUri, SarifPlace, fingerprint, live_link, location, log, result, rule, text, witness,
};
use crate::analysis::{Changes, DecidingRule, Diff, Side, Transition, Word};
use crate::diagnostic::{Code, docs_base};
use crate::source::Source;
use serde_json::Value as J;
use serde_sarif::sarif::{
    Location, MultiformatMessageString, PropertyBag, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel,
};
use std::collections::BTreeMap;
use std::path::Path;

/// One pair of files compared, and where each version is on disk (`None` for a text that
/// is not a file, such as a version read from git).
#[derive(Clone, Copy, Debug)]
pub struct DiffFile<'a> {
    /// The comparison.
    pub diff: &'a Diff,
    /// The old version's file.
    pub old: Option<&'a Path>,
    /// The new version's file.
    pub new: Option<&'a Path>,
}

/// One of the two rules of transitions.
struct TransitionRule {
    id: &'static str,
    name: &'static str,
    summary: &'static str,
    description: &'static str,
    review: &'static str,
}

const TRANSITION_RULES: [TransitionRule; 2] = [
    TransitionRule {
        id: "changed-verdict",
        name: "ChangedVerdict",
        summary: "the change decides an action differently in some case",
        description: "Some case gets one verdict word on the action from the old version of the \
                      policy and another from the new one. The result gives such a case, the \
                      rules that decide it on either side, and a `case` block for the new \
                      version that expects its verdict.",
        review: "If the new verdict is what the change means, add the case block to the policy \
                 as a test; if not, fix the rules that decide it.",
    },
    TransitionRule {
        id: "changed-fact",
        name: "ChangedFact",
        summary: "the change derives a fact differently in some case",
        description: "Some case makes a derived fact true in one version of the policy and false \
                      in the other. The result gives such a case, the rules that derive the fact \
                      on either side, and a `case` block for the new version that expects its \
                      value.",
        review: "If the new value is what the change means, add the case block to the policy as \
                 a test; if not, fix the rules that derive the fact.",
    },
];

fn transition_rule(r: &TransitionRule) -> ReportingDescriptor {
    let TransitionRule {
        id,
        name,
        summary,
        description,
        review: help,
    } = *r;
    ReportingDescriptor {
        help_uri: live_link(format!("{}language.md#12-change-impact", docs_base())),
        ..ReportingDescriptor::builder()
            .id(id)
            .name(name)
            .short_description(MultiformatMessageString::builder().text(summary).build())
            .full_description(
                MultiformatMessageString::builder()
                    .text(description)
                    .build(),
            )
            .help(
                MultiformatMessageString::builder()
                    .text(help)
                    .markdown(format!("{description}\n\n**Review:** {help}"))
                    .build(),
            )
            .default_configuration(
                ReportingConfiguration::builder()
                    .level(J::from(ResultLevel::Note.to_string()))
                    .build(),
            )
            .build()
    }
}

/// A side's word and what decides it: `permitted, by rule `r` (line 3)`, `forbidden (the
/// default)`.
fn decided(word: &str, rules: &[DecidingRule], action: bool) -> String {
    if rules.is_empty() {
        return match (action, word) {
            (true, "undecided") => "undecided (no rule decides it)".to_string(),
            (true, _) => format!("{word} (the default)"),
            (false, _) => format!("{word} (no rule deriving it fires)"),
        };
    }
    let list: Vec<String> = rules
        .iter()
        .map(|r| {
            let what = if r.requirement { "requirement" } else { "rule" };
            format!("{what} `{}` (line {})", r.id, r.line)
        })
        .collect();
    format!("{word}, by {}", list.join(", "))
}

/// One transition's result, located in the new version's file.
fn transition_result<W: Word>(
    changes: &Changes<W>,
    t: &Transition<W>,
    rule_index: usize,
    source: &Source,
    uri: &FileUri,
) -> SarifResult {
    let (id, what) = if rule_index == Code::ALL.len() {
        (TRANSITION_RULES[0].id, "action")
    } else {
        (TRANSITION_RULES[1].id, "fact")
    };
    let name = &changes.name;
    let (from, to) = (t.from.word(), t.to.word());
    let action = what == "action";
    let message = format!(
        "`{name}` is {to} where it was {from}\nold: {}; new: {}\nfor example:\n{}",
        decided(from, &t.old_by, action),
        decided(to, &t.new_by, action),
        t.case_block
    );
    let at = t.new_by.first().map_or(changes.span, |r| r.span);
    let related: Vec<Location> = t
        .new_by
        .iter()
        .skip(1)
        .zip(0i64..)
        .map(|(r, i)| Location {
            id: Some(i),
            ..location(
                uri,
                source,
                r.span,
                Some(&format!("`{}` decides it too", r.id)),
            )
        })
        .collect();
    let ids =
        |rules: &[DecidingRule]| J::from(rules.iter().map(|r| r.id.clone()).collect::<Vec<_>>());
    let word = |w: W| -> J {
        if action {
            w.word().into()
        } else {
            (w.word() == "true").into()
        }
    };
    let props = BTreeMap::from([
        (what.to_string(), J::from(name.clone())),
        ("from".to_string(), word(t.from)),
        ("to".to_string(), word(t.to)),
        ("witness".to_string(), witness(&t.witness)),
        ("old_by".to_string(), ids(&t.old_by)),
        ("new_by".to_string(), ids(&t.new_by)),
    ]);
    SarifResult {
        related_locations: (!related.is_empty()).then_some(related),
        properties: Some(PropertyBag::builder().additional_properties(props).build()),
        ..SarifResult::builder()
            .rule_id(id)
            .rule_index(i64::try_from(rule_index).unwrap_or(0))
            .level(ResultLevel::Note)
            .message(text(message))
            .locations(vec![location(uri, source, at, None)])
            .partial_fingerprints(BTreeMap::from([(
                "deonticTransition/v1".to_string(),
                fingerprint(&[id, &uri.uri, name, from, to]),
            )]))
            .build()
    }
}

/// SARIF 2.1.0 for the files compared, relative to `place`; `failures` are the reasons the
/// run could not finish. A diagnostic of an old version that is not a file (read from git)
/// is a notification of the run rather than a result.
pub fn diff_sarif_at(files: &[DiffFile], place: &SarifPlace, failures: &[String]) -> String {
    let mut results = Vec::new();
    let mut notes: Vec<String> = failures.to_vec();
    let mut failed = !failures.is_empty();
    for f in files {
        let d = f.diff;
        let uri_of = |source: &Source, file: Option<&Path>| {
            let (uri, under_root) = place.uri(file.unwrap_or(Path::new(source.name())));
            FileUri { uri, under_root }
        };
        for sd in &d.diagnostics {
            let Some(source) = d.source_of(sd.side) else {
                continue;
            };
            let file = match sd.side {
                Side::Old => f.old,
                Side::New => f.new,
            };
            if sd.side == Side::Old && file.is_none() {
                let (line, column) = sd
                    .diagnostic
                    .span()
                    .map_or((1, 1), |s| source.line_col(s.start));
                notes.push(format!(
                    "{}:{line}:{column}: {}[{}]: {}",
                    source.name(),
                    sd.diagnostic.severity.as_str(),
                    sd.diagnostic.code,
                    sd.diagnostic.message
                ));
                continue;
            }
            let report = FileReport {
                path: source.name(),
                file,
                source,
                diagnostics: std::slice::from_ref(&sd.diagnostic),
            };
            results.push(result(&sd.diagnostic, &report, &uri_of(source, file)));
        }
        let Some(source) = &d.new else {
            continue;
        };
        let uri = uri_of(source, f.new);
        for c in &d.actions {
            for t in &c.transitions {
                results.push(transition_result(c, t, Code::ALL.len(), source, &uri));
            }
        }
        for c in &d.derived {
            for t in &c.transitions {
                results.push(transition_result(c, t, Code::ALL.len() + 1, source, &uri));
            }
        }
        failed |= !d.internal_errors.is_empty();
        notes.extend(d.internal_errors.iter().cloned());
    }
    let rules = Code::ALL
        .iter()
        .map(|&c| rule(c))
        .chain(TRANSITION_RULES.iter().map(transition_rule))
        .collect();
    log(place, rules, results, &notes, !failed)
}
