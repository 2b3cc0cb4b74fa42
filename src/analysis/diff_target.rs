//! One action or derived fact of both versions on a solver: the two cones encoded over one
//! set of diff-case literals, every pair of different words asked for with assumptions,
//! and each witness made small: as few bool facts true as the transition allows (decided
//! with a counter on the solver), every other fact at the first value it can keep.

use super::AnalysisError;
use super::candidates::ConeEval;
use super::circuit::Circuit;
use super::diff_facts::{Domain, Pairing};
use super::diff_result::Side;
use super::index::{Cone, Index, Marks};
use super::inputs::{Domains, FactLits, Inputs, enum_lits, int_lits};
use super::world::{Locals, Overrides, encode_action, encode_world};
use crate::eval::{Evaluator, Outcome, Verdict};
use crate::model::{ActionId, Case, FactId, FactType, Policy, RuleId, Value};
use rustsat::solvers::SolveIncremental;
use rustsat::types::Lit;

/// What one version keeps from target to target.
pub(super) struct SideRun<'p> {
    pub side: Side,
    pub policy: &'p Policy,
    pub index: Index,
    marks: Marks,
    locals: Locals,
    inputs: Inputs,
    evaluator: Evaluator<'p>,
    /// Every fact of the diff case at the first value of its domain.
    pub base: Case,
}

impl<'p> SideRun<'p> {
    pub fn new(side: Side, policy: &'p Policy, pairing: &Pairing) -> Self {
        SideRun {
            side,
            policy,
            index: Index::new(policy),
            marks: Marks::new(policy),
            locals: Locals::new(policy),
            inputs: Inputs::new(policy),
            evaluator: Evaluator::new(policy),
            base: pairing.base_case(policy, side),
        }
    }

    /// The rules a target's cone grows from.
    fn seeds(&self, target: Target) -> Vec<RuleId> {
        let mut seeds: Vec<RuleId> = match (target, self.side) {
            (Target::Action(a, _), Side::Old) | (Target::Action(_, a), Side::New) => {
                self.index.on_action[a].iter().map(|x| x.0).collect()
            }
            (Target::Derived(f, _), Side::Old) | (Target::Derived(_, f), Side::New) => {
                self.index.concluders[f].clone()
            }
        };
        seeds.dedup();
        seeds
    }

    /// The target's word index (a verdict's place in `Verdict::ALL`, or 0/1 for a derived
    /// fact) in a whole evaluation.
    pub fn word_of(&self, target: Target, outcome: &Outcome) -> usize {
        match target.on(self.side) {
            One::Action(a) => verdict_index(outcome.verdicts[a].verdict),
            One::Fact(f) => usize::from(outcome.values[f] == Value::Bool(true)),
        }
    }
}

/// What is compared: an action, or a derived fact, of both versions (old id, new id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Target {
    Action(ActionId, ActionId),
    Derived(FactId, FactId),
}

/// A target on one side.
#[derive(Clone, Copy, Debug)]
pub(super) enum One {
    Action(ActionId),
    Fact(FactId),
}

impl Target {
    pub fn on(self, side: Side) -> One {
        match (self, side) {
            (Target::Action(a, _), Side::Old) | (Target::Action(_, a), Side::New) => One::Action(a),
            (Target::Derived(f, _), Side::Old) | (Target::Derived(_, f), Side::New) => One::Fact(f),
        }
    }

    /// How many words: five verdicts, or two truth values.
    pub fn words(self) -> usize {
        match self {
            Target::Action(..) => Verdict::ALL.len(),
            Target::Derived(..) => 2,
        }
    }
}

pub(super) fn verdict_index(v: Verdict) -> usize {
    Verdict::ALL.iter().position(|&x| x == v).unwrap_or(0)
}

/// A transition found: the word indexes and the witness, as values of the diff facts of
/// the target's cones (the others at the first value of their domain).
pub(super) struct Found {
    pub from: usize,
    pub to: usize,
    pub values: Vec<(usize, Value)>,
}

/// Every transition of a target whose cones differ, with small witnesses.
pub(super) fn transitions<'p, S: SolveIncremental + Default>(
    old: &mut SideRun<'p>,
    new: &mut SideRun<'p>,
    pairing: &Pairing,
    target: Target,
    stamps: &mut Stamps,
) -> Result<Vec<Found>, AnalysisError> {
    let old_cone = Cone::of(old.policy, &old.index, &old.seeds(target), &mut old.marks);
    let new_cone = Cone::of(new.policy, &new.index, &new.seeds(target), &mut new.marks);
    old.locals.enter(&old_cone);
    new.locals.enter(&new_cone);
    let found = solve::<S>(old, new, pairing, target, &old_cone, &new_cone, stamps);
    old.locals.leave(&old_cone);
    new.locals.leave(&new_cone);
    found
}

/// Marks on the facts of the diff case, reused from target to target.
pub(super) struct Stamps {
    mark: u32,
    seen: Vec<u32>,
}

impl Stamps {
    pub fn new(pairing: &Pairing) -> Self {
        Stamps {
            mark: 0,
            seen: vec![0; pairing.facts.len()],
        }
    }
}

/// The facts of the diff case the two cones read, in the order of the diff case.
fn union(pairing: &Pairing, sides: [(&SideRun, &Cone); 2], stamps: &mut Stamps) -> Vec<usize> {
    stamps.mark += 1;
    let mark = stamps.mark;
    let mut out = Vec::new();
    for (run, cone) in sides {
        for &f in &cone.facts {
            if let Some(d) = pairing.of(run.side, f)
                && stamps.seen[d] != mark
            {
                stamps.seen[d] = mark;
                out.push(d);
            }
        }
    }
    out.sort_unstable();
    out
}

/// What the conditions of a cone's rules tell apart.
fn conditions<'p>(policy: &'p Policy, cone: &Cone) -> Domains<'p> {
    Domains::of(
        cone.rules
            .iter()
            .flat_map(move |&r| policy.rule(r).conditions()),
    )
}

/// The variant sets one side's conditions test on a fact, as sets over its domain.
fn domain_sets(
    pairing: &Pairing,
    d: usize,
    side: Side,
    domains: &Domains,
    f: FactId,
) -> Vec<Vec<bool>> {
    let fact = &pairing.facts[d];
    let width = match &fact.domain {
        Domain::Enum(vs) => vs.len(),
        _ => 0,
    };
    domains
        .sets(f)
        .iter()
        .map(|set| {
            (0..width as u32)
                .map(|v| match fact.on_side(side, Value::Enum(v)) {
                    Value::Enum(i) => set.get(i as usize).copied().unwrap_or(false),
                    _ => false,
                })
                .collect()
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn solve<'p, S: SolveIncremental + Default>(
    old: &mut SideRun<'p>,
    new: &mut SideRun<'p>,
    pairing: &Pairing,
    target: Target,
    old_cone: &Cone,
    new_cone: &Cone,
    stamps: &mut Stamps,
) -> Result<Vec<Found>, AnalysisError> {
    let facts = union(pairing, [(old, old_cone), (new, new_cone)], stamps);
    let mut circuit = Circuit::<S>::new();
    let (old_domains, new_domains) = (
        conditions(old.policy, old_cone),
        conditions(new.policy, new_cone),
    );
    let mut lits = Vec::with_capacity(facts.len());
    for &d in &facts {
        let fact = &pairing.facts[d];
        let l = match &fact.domain {
            Domain::Bool => FactLits::Bool(circuit.fresh()),
            Domain::Enum(vs) => {
                let mut sets = Vec::new();
                for (side, domains) in [(Side::Old, &old_domains), (Side::New, &new_domains)] {
                    if let Some(f) = fact.on(side) {
                        sets.extend(domain_sets(pairing, d, side, domains, f));
                    }
                }
                let refs: Vec<&[bool]> = sets.iter().map(Vec::as_slice).collect();
                enum_lits(&mut circuit, vs.len(), &refs)
            }
            &Domain::Int { lo, hi } => {
                let mut ts: Vec<i64> = Vec::new();
                for (side, domains) in [(Side::Old, &old_domains), (Side::New, &new_domains)] {
                    if let Some(f) = fact.on(side) {
                        ts.extend(domains.thresholds(f));
                    }
                }
                int_lits(&mut circuit, lo, hi, ts)
            }
        };
        lits.push(l);
    }
    for run in [&mut *old, &mut *new] {
        run.inputs.clear();
        for (k, &d) in facts.iter().enumerate() {
            let fact = &pairing.facts[d];
            let Some(f) = fact.on(run.side) else {
                continue;
            };
            let side_lits = match (&lits[k], &run.policy.fact(f).ty) {
                (FactLits::Enum(dom), FactType::Enum(vs)) => {
                    let mut mine = vec![circuit.falsity(); vs.len()];
                    for (v, &l) in dom.iter().enumerate() {
                        if let Value::Enum(i) = fact.on_side(run.side, Value::Enum(v as u32))
                            && let Some(slot) = mine.get_mut(i as usize)
                        {
                            *slot = l;
                        }
                    }
                    FactLits::Enum(mine)
                }
                (l, _) => l.clone(),
            };
            run.inputs.set(f, side_lits);
        }
    }
    let mut words = [Vec::new(), Vec::new()];
    for (i, (run, cone)) in [(&*old, old_cone), (&*new, new_cone)]
        .into_iter()
        .enumerate()
    {
        let world = encode_world(
            &mut circuit,
            run.policy,
            &run.index,
            cone,
            &run.locals,
            &run.inputs,
        );
        words[i] = match target.on(run.side) {
            One::Action(a) => {
                let overrides = Overrides::of(run.policy, &run.index, a);
                encode_action(
                    &mut circuit,
                    run.policy,
                    &run.index,
                    &overrides,
                    a,
                    &world,
                    &run.locals,
                )
                .verdict
                .to_vec()
            }
            One::Fact(f) => {
                let fires: Vec<Lit> = run.index.concluders[f]
                    .iter()
                    .map(|&r| world.fires(&run.locals, r))
                    .collect();
                let l = circuit.or(&fires);
                vec![!l, l]
            }
        };
    }
    let [old_words, new_words] = words;
    let mut q = Queries {
        circuit,
        lits,
        old_words,
        new_words,
        counter: None,
    };
    let w = target.words();
    let differs: Vec<Lit> = (0..w)
        .map(|i| q.circuit.and(&[q.old_words[i], !q.new_words[i]]))
        .collect();
    let differ = q.circuit.or(&differs);
    let mut models: Vec<Option<Vec<Value>>> = vec![None; w * w];
    if !q.circuit.sat(&[differ])? {
        return Ok(Vec::new());
    }
    q.note(&mut models, w);
    for i in 0..w {
        for j in 0..w {
            if i == j || models[i * w + j].is_some() {
                continue;
            }
            if q.circuit.sat(&[q.old_words[i], q.new_words[j]])? {
                q.note(&mut models, w);
            }
        }
    }
    let old_eval = ConeEval::new(old.policy, old_cone, &old.evaluator);
    let new_eval = ConeEval::new(new.policy, new_cone, &new.evaluator);
    let mut out = Vec::new();
    for (at, model) in models.into_iter().enumerate() {
        let Some(mut values) = model else {
            continue;
        };
        let (i, j) = (at / w, at % w);
        let mut holds = |values: &[Value]| {
            let mut ok = true;
            for (run, eval, want) in [(&mut *old, &old_eval, i), (&mut *new, &new_eval, j)] {
                let sparse: Vec<(FactId, Value)> = facts
                    .iter()
                    .zip(values)
                    .filter_map(|(&d, &v)| {
                        let fact = &pairing.facts[d];
                        fact.on(run.side).map(|f| (f, fact.on_side(run.side, v)))
                    })
                    .collect();
                eval.run(&mut run.evaluator, &[&sparse]);
                let word = match target.on(run.side) {
                    One::Action(a) => verdict_index(run.evaluator.decide_alone(a).0),
                    One::Fact(f) => usize::from(run.evaluator.value(f) == Value::Bool(true)),
                };
                ok &= word == want;
            }
            ok
        };
        shrink(pairing, &facts, &mut values, &mut holds);
        // Fewer bool facts true, while the solver finds a case with fewer.
        loop {
            let count = values.iter().filter(|&&v| v == Value::Bool(true)).count();
            if count == 0 {
                break;
            }
            let Some(at_least) = q.at_least(count) else {
                break;
            };
            if !q
                .circuit
                .sat(&[q.old_words[i], q.new_words[j], !at_least])?
            {
                break;
            }
            values = q.model();
            shrink(pairing, &facts, &mut values, &mut holds);
        }
        out.push(Found {
            from: i,
            to: j,
            values: facts.iter().copied().zip(values).collect(),
        });
    }
    Ok(out)
}

/// Moves each fact back to the first value of its domain, one at a time, keeping each move
/// after which the transition still holds.
fn shrink(
    pairing: &Pairing,
    facts: &[usize],
    values: &mut [Value],
    holds: &mut impl FnMut(&[Value]) -> bool,
) {
    for k in 0..values.len() {
        let first = pairing.facts[facts[k]].first();
        if values[k] == first {
            continue;
        }
        let kept = values[k];
        values[k] = first;
        if !holds(values) {
            values[k] = kept;
        }
    }
}

/// The encoded target and its questions.
struct Queries<S> {
    circuit: Circuit<S>,
    /// The literals of the cones' diff facts, over their domains.
    lits: Vec<FactLits>,
    old_words: Vec<Lit>,
    new_words: Vec<Lit>,
    /// `at least k + 1 of the bool facts are true`, for each `k` below the bound built.
    counter: Option<Vec<Lit>>,
}

/// The largest counter built for one target, in gates: beyond it, witnesses are only made
/// small one fact at a time.
const COUNTER_GATES: usize = 200_000;

impl<S: SolveIncremental + Default> Queries<S> {
    /// The last model, over the cones' diff facts.
    fn model(&self) -> Vec<Value> {
        self.lits
            .iter()
            .map(|l| match l {
                FactLits::Bool(l) => Value::Bool(self.circuit.value(*l)),
                FactLits::Enum(ls) => {
                    Value::Enum(ls.iter().position(|&l| self.circuit.value(l)).unwrap_or(0) as u32)
                }
                FactLits::Int { lo, thresholds, .. } => Value::Int(
                    thresholds
                        .iter()
                        .filter(|(_, l)| self.circuit.value(*l))
                        .map(|(t, _)| *t)
                        .max()
                        .unwrap_or(*lo),
                ),
            })
            .collect()
    }

    /// Keeps the last model for the pair of words it shows, if that pair has none yet.
    fn note(&self, models: &mut [Option<Vec<Value>>], w: usize) {
        let i = (0..w).find(|&i| self.circuit.value(self.old_words[i]));
        let j = (0..w).find(|&j| self.circuit.value(self.new_words[j]));
        if let (Some(i), Some(j)) = (i, j)
            && i != j
            && models[i * w + j].is_none()
        {
            models[i * w + j] = Some(self.model());
        }
    }

    /// The literal `at least k of the cones' bool facts are true`, from a sequential
    /// counter built (again, larger) when first needed.
    fn at_least(&mut self, k: usize) -> Option<Lit> {
        if self.counter.as_ref().is_none_or(|c| c.len() < k) {
            let xs: Vec<Lit> = self
                .lits
                .iter()
                .filter_map(|l| match l {
                    FactLits::Bool(l) => Some(*l),
                    _ => None,
                })
                .collect();
            if xs.len().saturating_mul(k) > COUNTER_GATES {
                return None;
            }
            let mut s = vec![self.circuit.falsity(); k];
            for &x in &xs {
                for j in (0..k).rev() {
                    let carry = if j == 0 {
                        x
                    } else {
                        self.circuit.and(&[x, s[j - 1]])
                    };
                    s[j] = self.circuit.or(&[s[j], carry]);
                }
            }
            self.counter = Some(s);
        }
        self.counter.as_ref().map(|c| c[k - 1])
    }
}
