//! `deontic diff`'s engine (section 12 of `docs/language.md`): which cases the new version
//! of a policy decides differently from the old one, exactly, each with a witness.
//!
//! The input facts of both versions are paired by name into the facts of a *diff case*
//! (`diff_facts.rs`). An action of both versions, or a fact derived in both, whose cones
//! are the same rule for rule cannot change (`diff_same.rs`) and costs nothing more. Each
//! other one gets its own incremental solver with both cones encoded over one set of
//! literals, and every pair of different words is asked for with assumptions
//! (`diff_target.rs`); no case is ever enumerated. Every witness is then evaluated whole by
//! both versions' evaluators before it is reported.

use super::diff_facts::Pairing;
use super::diff_result::{Changes, DecidingRule, Diff, Side, SideDiagnostic, Transition, Word};
use super::diff_same::Sameness;
use super::diff_target::{Found, One, SideRun, Stamps, Target, transitions};
use super::{AnalysisError, DefaultSolver};
use crate::eval::{Outcome, Verdict};
use crate::model::{Failure, Policy, RuleId, Target as Concluded};
use rustsat::solvers::SolveIncremental;

/// One version of a policy as the command line found it.
#[derive(Clone, Copy, Debug)]
pub enum Version<'a> {
    /// There is no such policy in this version.
    Absent,
    /// The text has static errors.
    Broken(&'a Failure),
    /// A checked policy.
    Checked(&'a Policy),
}

impl Version<'_> {
    fn source(self) -> Option<crate::source::Source> {
        match self {
            Version::Absent => None,
            Version::Broken(f) => Some(f.source.clone()),
            Version::Checked(p) => Some(p.source().clone()),
        }
    }
}

/// Every transition between two versions of a policy, with witnesses; the names added and
/// removed; notes on the values compared; or, when a fact cannot be compared, the
/// `incomparable-fact` diagnostics.
///
/// ```
/// use deontic::{Policy, Verdict};
/// let old = Policy::parse("old.policy", "fact a, b\naction x default forbidden\nrule r: if a and b then may x").unwrap();
/// let new = Policy::parse("new.policy", "fact a, b\naction x default forbidden\nrule r: if a then may x").unwrap();
/// let diff = deontic::analysis::diff(&old, &new).unwrap();
/// let t = &diff.actions[0].transitions[0];
/// assert_eq!((t.from, t.to), (Verdict::Forbidden, Verdict::Permitted));
/// assert_eq!(t.witness.changed().map(|(n, _)| n).collect::<Vec<_>>(), ["a"]);
/// ```
pub fn diff(old: &Policy, new: &Policy) -> Result<Diff, AnalysisError> {
    diff_with::<DefaultSolver>(old, new)
}

/// [`diff`] of two versions as found: a policy on one side only is added or removed, and
/// the static errors of either side are its diagnostics.
pub fn diff_versions(old: Version, new: Version) -> Result<Diff, AnalysisError> {
    if let (Version::Checked(o), Version::Checked(n)) = (old, new) {
        return diff(o, n);
    }
    let mut out = Diff::between(old.source(), new.source());
    for (side, version) in [(Side::Old, old), (Side::New, new)] {
        match version {
            Version::Broken(f) => {
                out.diagnostics
                    .extend(f.diagnostics.iter().map(|d| SideDiagnostic {
                        side,
                        diagnostic: d.clone(),
                    }))
            }
            Version::Checked(p) => {
                let alone = matches!((old, new), (Version::Absent, _) | (_, Version::Absent));
                if alone {
                    let actions = p.actions().iter().map(|a| a.name.clone()).collect();
                    let facts = p.facts().iter().map(|f| f.name.clone()).collect();
                    match side {
                        Side::Old => (out.removed_actions, out.removed_facts) = (actions, facts),
                        Side::New => (out.added_actions, out.added_facts) = (actions, facts),
                    }
                }
            }
            Version::Absent => {}
        }
    }
    Ok(out)
}

/// [`diff`] on another incremental solver.
pub fn diff_with<S: SolveIncremental + Default>(
    old: &Policy,
    new: &Policy,
) -> Result<Diff, AnalysisError> {
    let pairing = Pairing::new(old, new);
    let mut out = Diff::between(Some(old.source().clone()), Some(new.source().clone()));
    out.added_facts = pairing.added.clone();
    out.removed_facts = pairing.removed.clone();
    out.notes = pairing.notes.clone();
    let named = |p: &Policy, q: &Policy| -> Vec<String> {
        p.actions()
            .iter()
            .filter(|a| q.action_id(&a.name).is_none())
            .map(|a| a.name.clone())
            .collect()
    };
    out.added_actions = named(new, old);
    out.removed_actions = named(old, new);
    if !pairing.incomparable.is_empty() {
        out.diagnostics = pairing.incomparable.clone();
        return Ok(out);
    }
    let mut old_run = SideRun::new(Side::Old, old, &pairing);
    let mut new_run = SideRun::new(Side::New, new, &pairing);
    let mut same = Sameness::new(old, new, &pairing, &old_run.index, &new_run.index);
    let mut stamps = Stamps::new(&pairing);
    let mut errors = Vec::new();
    for (a_new, action) in new.actions().iter().enumerate() {
        let Some(a_old) = old.action_id(&action.name) else {
            continue;
        };
        if same.action(&old_run.index, &new_run.index, a_old, a_new) {
            continue;
        }
        let target = Target::Action(a_old, a_new);
        let found = transitions::<S>(&mut old_run, &mut new_run, &pairing, target, &mut stamps)?;
        let mut checked = Checked {
            old: &old_run,
            new: &new_run,
            pairing: &pairing,
            target,
            name: &action.name,
            errors: &mut errors,
        };
        let list: Vec<Transition<Verdict>> = found
            .iter()
            .filter_map(|f| checked.transition(f, &Verdict::ALL))
            .collect();
        if !list.is_empty() {
            out.actions.push(Changes {
                name: action.name.clone(),
                span: action.span,
                transitions: list,
            });
        }
    }
    for (f_new, fact) in new.facts().iter().enumerate() {
        let Some(f_old) = old.fact_id(&fact.name) else {
            continue;
        };
        if !fact.derived || !old.fact(f_old).derived || same.derived(f_new) {
            continue;
        }
        let target = Target::Derived(f_old, f_new);
        let found = transitions::<S>(&mut old_run, &mut new_run, &pairing, target, &mut stamps)?;
        let mut checked = Checked {
            old: &old_run,
            new: &new_run,
            pairing: &pairing,
            target,
            name: &fact.name,
            errors: &mut errors,
        };
        let list: Vec<Transition<bool>> = found
            .iter()
            .filter_map(|f| checked.transition(f, &[false, true]))
            .collect();
        if !list.is_empty() {
            out.derived.push(Changes {
                name: fact.name.clone(),
                span: fact.span,
                transitions: list,
            });
        }
    }
    out.internal_errors = errors;
    Ok(out)
}

/// How many enum and integer facts at their first value a case block lists before it sums
/// them up in a comment (as `lint`'s messages do).
const SPARE: usize = 12;

/// The final check of a transition found on the cones: both versions evaluate the whole
/// witness and must give the words the solver promised.
struct Checked<'a, 'p> {
    old: &'a SideRun<'p>,
    new: &'a SideRun<'p>,
    pairing: &'a Pairing,
    target: Target,
    name: &'a str,
    errors: &'a mut Vec<String>,
}

impl Checked<'_, '_> {
    fn transition<W: Word>(&mut self, found: &Found, words: &[W]) -> Option<Transition<W>> {
        let case_of = |run: &SideRun| {
            let mut case = run.base.clone();
            for &(d, v) in &found.values {
                let fact = &self.pairing.facts[d];
                if let Some(f) = fact.on(run.side) {
                    case.values[f] = fact.on_side(run.side, v);
                }
            }
            case
        };
        let (old_case, new_case) = (case_of(self.old), case_of(self.new));
        let old_outcome = self.old.policy.evaluate(&old_case);
        let new_outcome = self.new.policy.evaluate(&new_case);
        let got = (
            self.old.word_of(self.target, &old_outcome),
            self.new.word_of(self.target, &new_outcome),
        );
        let (from, to) = (words[found.from], words[found.to]);
        if got != (found.from, found.to) {
            let message = format!(
                "internal error: the witness of `{}`: {} -> {} does not reproduce it (the \
                 versions give {} and {}): {}",
                self.name,
                from.word(),
                to.word(),
                words[got.0].word(),
                words[got.1].word(),
                self.new.policy.case_text("witness", &new_case, &[])
            );
            debug_assert!(false, "{message}");
            self.errors.push(message);
            return None;
        }
        let new_by = deciding(self.new.policy, self.target.on(Side::New), &new_outcome);
        let ids: Vec<&str> = new_by.iter().map(|r| r.id.as_str()).collect();
        let expect = match self.target {
            Target::Action(..) if !ids.is_empty() => {
                format!("{} by {}", to.word(), ids.join(", "))
            }
            _ => to.word().to_string(),
        };
        let case_block = self.new.policy.case_text_brief(
            &format!("{}: {} -> {}", self.name, from.word(), to.word()),
            &new_case,
            &[(self.name.to_string(), expect)],
            SPARE,
        );
        let old_only = found
            .values
            .iter()
            .filter(|&&(d, v)| {
                let fact = &self.pairing.facts[d];
                fact.new.is_none() && v != fact.first()
            })
            .map(|&(d, v)| {
                let fact = &self.pairing.facts[d];
                (fact.name.clone(), fact.literal(v))
            })
            .collect();
        Some(Transition {
            from,
            to,
            witness: self.pairing.witness(&found.values),
            old_by: deciding(self.old.policy, self.target.on(Side::Old), &old_outcome),
            new_by,
            case_block,
            old_only,
        })
    }
}

/// The rules that decide a target in an evaluation: the verdict's `by` list, or the rules
/// deriving the fact that fired.
fn deciding(policy: &Policy, one: One, outcome: &Outcome) -> Vec<DecidingRule> {
    let rules: Vec<RuleId> = match one {
        One::Action(a) => outcome.verdicts[a].by.clone(),
        One::Fact(f) => policy
            .rules_deriving(f)
            .iter()
            .copied()
            .filter(|&r| outcome.fired[r])
            .collect(),
    };
    rules
        .into_iter()
        .map(|r| {
            let rule = policy.rule(r);
            let on = |c: &&crate::model::Conclusion| match (c.target, one) {
                (Concluded::Action(x, _), One::Action(a)) => x == a,
                (Concluded::Fact(x), One::Fact(f)) => x == f,
                _ => false,
            };
            DecidingRule {
                id: rule.id.clone(),
                requirement: rule.is_requirement(),
                line: policy.source().line(rule.span.start),
                description: rule.description.clone(),
                span: rule
                    .conclusions
                    .iter()
                    .find(on)
                    .map_or(rule.name_span, |c| c.span),
            }
        })
        .collect()
}
