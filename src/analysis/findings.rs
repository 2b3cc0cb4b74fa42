//! The eight findings of section 11 of `docs/language.md`, decided cone by cone.
//!
//! Each action, then each derived fact, is a *target*: the rules that conclude on it and,
//! through the derived facts their conditions read, every rule that can change it form its
//! cone, which gets its own incremental solver. A finding about a rule splits into questions
//! about the targets it concludes on, so no query ever sees the rest of the policy:
//!
//! - `never-fires`, `always-fires`: asked once per rule, in the first cone that holds it;
//!   every model a query returns also answers these questions for the other rules of the
//!   cone, so most are never asked.
//! - `conflict`: per action, only for pairs of rules with contradicting modalities on it,
//!   neither overriding the other, neither dead; the two rules' smallest firing cases,
//!   merged, are tried with the evaluator before the solver is asked.
//! - `shadowed-rule`: a rule is shadowed when, on every action it concludes on, no case keeps
//!   one of its conclusions while it fires; a model that keeps a conclusion clears its rule.
//! - `redundant-rule`: deleting a rule changes something exactly when it changes one of the
//!   facts it derives (it is then the only rule deriving that fact that fires, in some case),
//!   or, with every derived fact unchanged, the verdict of an action it concludes on. The
//!   first is asked of the derived fact's cone, the second of the action's, after trying the
//!   rule's smallest firing case with the evaluator.
//!
//! Derived facts are taken deepest first, and only while one of their rules is still open,
//! so that a long chain of derived facts costs one cone, not one per link.

use super::AnalysisError;
use super::candidates::{Sparse, SupportMarks};
use super::cone_run::ConeRun;
use super::index::{Cone, Index, Marks};
use super::inputs::{Inputs, default_value};
use super::messages;
use super::world::{Locals, Overrides};
use crate::diagnostic::{Diagnostic, Literal, Witness};
use crate::eval::Evaluator;
use crate::model::{FactId, Policy, RuleId};
use rustsat::solvers::SolveIncremental;
use std::sync::Arc;

/// What is known about each rule so far.
pub(super) struct Known {
    /// Whether it fires in some valid case: `Some` once seen in a model or asked.
    pub fires: Vec<Option<bool>>,
    /// Seen not firing in some model, so it does not always fire.
    pub quiet: Vec<bool>,
    /// `always-fires` settled.
    pub always_done: Vec<bool>,
    /// Some case keeps one of its conclusions while it fires.
    pub takes_effect: Vec<bool>,
    /// The rules that remove its conclusions, for `shadowed-rule`.
    pub removers: Vec<Vec<RuleId>>,
    pub shadowed: Vec<bool>,
    /// Deleting it changes some verdict or derived fact in some case.
    pub matters: Vec<bool>,
    /// Its smallest firing case: the values on its support of the first model in which it
    /// fired, made when first asked for.
    pub minimal: Vec<Option<Sparse>>,
    /// The first model in which it fired, as an index into `models`.
    pub first_model: Vec<Option<u32>>,
    /// Models kept for the minimal cases still to make.
    pub models: Vec<Sparse>,
}

/// The state of one `lint` run.
pub(super) struct Run<'p> {
    pub policy: &'p Policy,
    pub index: Index,
    pub known: Known,
    pub out: Vec<Diagnostic>,
    pub evaluator: Evaluator<'p>,
    pub support: SupportMarks,
    pub witnesses: Witnesses,
    /// Whether to try candidate cases before the solver (off only to test the solver's
    /// answers alone).
    pub candidates: bool,
}

/// Witnesses of one policy: every input fact at its first value, shared.
pub(super) struct Witnesses {
    base: Arc<[(String, Literal)]>,
    /// Per fact: its index in `base` (input facts only).
    position: Vec<u32>,
}

impl Witnesses {
    fn new(policy: &Policy) -> Self {
        let mut position = vec![u32::MAX; policy.facts().len()];
        let mut base = Vec::new();
        for f in policy.input_facts() {
            position[f] = base.len() as u32;
            let fact = policy.fact(f);
            base.push((
                fact.name.clone(),
                policy.literal(f, default_value(&fact.ty)),
            ));
        }
        Witnesses {
            base: base.into(),
            position,
        }
    }

    /// The witness of a case given by the facts that differ from their first value.
    pub fn of(&self, policy: &Policy, sparse: &Sparse) -> Witness {
        let mut changed: Vec<(u32, Literal)> = sparse
            .iter()
            .filter(|&&(f, v)| v != default_value(&policy.fact(f).ty))
            .map(|&(f, v)| (self.position[f], policy.literal(f, v)))
            .collect();
        changed.sort_by_key(|(i, _)| *i);
        changed.dedup_by_key(|(i, _)| *i);
        Witness::new(self.base.clone(), changed)
    }
}

pub(super) fn all<S: SolveIncremental + Default>(
    policy: &Policy,
    candidates: bool,
) -> Result<Vec<Diagnostic>, AnalysisError> {
    let n = policy.rules().len();
    let mut run = Run {
        policy,
        index: Index::new(policy),
        known: Known {
            fires: vec![None; n],
            quiet: vec![false; n],
            always_done: vec![false; n],
            takes_effect: vec![false; n],
            removers: vec![Vec::new(); n],
            shadowed: vec![false; n],
            matters: vec![false; n],
            minimal: vec![None; n],
            first_model: vec![None; n],
            models: Vec::new(),
        },
        out: Vec::new(),
        evaluator: Evaluator::new(policy),
        support: SupportMarks::new(policy),
        witnesses: Witnesses::new(policy),
        candidates,
    };
    messages::unused(policy, &mut run.out);
    let mut marks = Marks::new(policy);
    let mut locals = Locals::new(policy);
    let mut inputs = Inputs::new(policy);
    for a in 0..policy.actions().len() {
        let mut seeds: Vec<RuleId> = run.index.on_action[a].iter().map(|x| x.0).collect();
        seeds.dedup();
        if seeds.is_empty() {
            continue;
        }
        let cone = Cone::of(policy, &run.index, &seeds, &mut marks);
        let overrides = Overrides::of(policy, &run.index, a);
        let mut cone_run = ConeRun::<S>::new(&mut run, &cone, &mut locals, &mut inputs);
        cone_run.rules()?;
        let action = cone_run.action(a, &overrides);
        cone_run.conflicts(a, &action)?;
        cone_run.shadowed(a, &seeds, &action)?;
        cone_run.redundant_on(a, &seeds, &overrides, &action)?;
        cone_run.leave();
    }
    for &f in policy.derivation_order().iter().rev() {
        if !open(&mut run, f) {
            continue;
        }
        let seeds = run.index.concluders[f].clone();
        let cone = Cone::of(policy, &run.index, &seeds, &mut marks);
        let mut cone_run = ConeRun::<S>::new(&mut run, &cone, &mut locals, &mut inputs);
        cone_run.rules()?;
        cone_run.derivations(f)?;
        cone_run.leave();
    }
    for r in 0..n {
        let known = &run.known;
        debug_assert!(known.fires[r].is_some(), "rule {r} was never asked about");
        if known.fires[r] == Some(true) && !known.shadowed[r] && !known.matters[r] {
            run.out.push(messages::redundant(policy, r));
        }
    }
    Ok(run.out)
}

/// Whether the cone of derived fact `f` still has a question to answer. A rule that alone
/// derives `f` and fires in some case matters: deleting it changes `f` there.
fn open(run: &mut Run, f: FactId) -> bool {
    let concluders = &run.index.concluders[f];
    let known = &mut run.known;
    let mut open = false;
    for &r in concluders {
        if concluders.len() == 1 && known.fires[r] == Some(true) {
            known.matters[r] = true;
        }
        let always_open = known.fires[r] == Some(true)
            && !known.always_done[r]
            && !known.quiet[r]
            && messages::conditional(run.policy, r);
        open |= known.fires[r].is_none()
            || always_open
            || (known.fires[r] == Some(true) && !known.matters[r]);
    }
    open
}
