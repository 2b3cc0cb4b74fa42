//! Partial evaluation by the solver, one cone at a time: the cone's evaluation encoded twice
//! over two copies of its input facts, tied fact by fact by equality literals, so that one
//! incremental solver answers every question about every case of a stream:
//! which verdicts some completion gives (the first copy, the given facts assumed), and for
//! each unknown fact whether two completions that differ only in it differ in the verdict
//! (both copies, every other fact assumed equal, the verdicts assumed different).

use super::AnalysisError;
use super::circuit::Circuit;
use super::index::{Cone, Index, Marks};
use super::inputs::{FactLits, Inputs};
use super::world::{Locals, Overrides, encode_action, encode_world};
use crate::model::{ActionId, FactId, PartialCase, Policy, Value};
use rustsat::solvers::SolveIncremental;
use rustsat::types::Lit;

/// What one cone's solver decides: an action's verdict, or a derived fact's value.
pub enum Target {
    /// An action, with the override structure its encoding needs.
    Action(ActionId),
    /// A derived fact.
    Derived(FactId),
}

/// The solver of one cone, kept from case to case.
pub struct ConeSolver<S> {
    circuit: Circuit<S>,
    /// The cone's input facts, ascending.
    facts: Vec<FactId>,
    copies: [Inputs; 2],
    /// Per fact of `facts`: both copies have the same value.
    equal: Vec<Lit>,
    /// Per copy: the verdict literals (an action), or `[false, true]` of the fact.
    outcome: [Vec<Lit>; 2],
    /// The two copies' outcomes differ.
    differ: Lit,
}

impl<S: SolveIncremental + Default> ConeSolver<S> {
    /// Encodes the cone of `target`.
    pub fn new(
        policy: &Policy,
        index: &Index,
        overrides: &[Overrides],
        locals: &mut Locals,
        marks: &mut Marks,
        target: &Target,
    ) -> Self {
        let seeds: Vec<usize> = match target {
            Target::Action(a) => index.on_action[*a].iter().map(|x| x.0).collect(),
            Target::Derived(f) => index.concluders[*f].clone(),
        };
        let cone = Cone::of(policy, index, &seeds, marks);
        let mut circuit = Circuit::new();
        let mut copies = [Inputs::new(policy), Inputs::new(policy)];
        for inputs in &mut copies {
            inputs.encode(&mut circuit, policy, &cone.facts, &cone.rules);
        }
        let facts: Vec<FactId> = copies[0].facts().to_vec();
        let equal: Vec<Lit> = facts
            .iter()
            .map(|&f| match (copies[0].get(f), copies[1].get(f)) {
                (Some(a), Some(b)) => same(&mut circuit, a, b),
                _ => circuit.truth(),
            })
            .collect();
        locals.enter(&cone);
        let outcome = [0, 1].map(|c| {
            let world = encode_world(&mut circuit, policy, index, &cone, locals, &copies[c]);
            match target {
                Target::Action(a) => encode_action(
                    &mut circuit,
                    policy,
                    index,
                    &overrides[*a],
                    *a,
                    &world,
                    locals,
                )
                .verdict
                .to_vec(),
                Target::Derived(f) => {
                    let fires: Vec<Lit> = index.concluders[*f]
                        .iter()
                        .map(|&r| world.fires(locals, r))
                        .collect();
                    let holds = circuit.or(&fires);
                    vec![!holds, holds]
                }
            }
        });
        locals.leave(&cone);
        let pairs: Vec<Lit> = outcome[0]
            .iter()
            .zip(&outcome[1])
            .map(|(&x, &y)| circuit.xor(x, y))
            .collect();
        let differ = circuit.or(&pairs);
        ConeSolver {
            circuit,
            facts,
            copies,
            equal,
            outcome,
            differ,
        }
    }

    /// The assumptions that give copy `c` the case's given facts.
    fn given(&self, c: usize, case: &PartialCase, out: &mut Vec<Lit>) {
        for &f in &self.facts {
            let (Some(v), Some(lits)) = (case.values[f], self.copies[c].get(f)) else {
                continue;
            };
            match (lits, v) {
                (FactLits::Bool(l), Value::Bool(b)) => out.push(if b { *l } else { !*l }),
                (FactLits::Enum(ls), Value::Enum(v)) => out.push(ls[v as usize]),
                (FactLits::Int { thresholds, .. }, Value::Int(n)) => {
                    out.extend(thresholds.iter().map(|&(t, l)| if n >= t { l } else { !l }));
                }
                _ => {}
            }
        }
    }

    /// The outcomes (verdict word positions, or `false`/`true`) some completion gives.
    pub fn possible(&mut self, case: &PartialCase) -> Result<Vec<bool>, AnalysisError> {
        let mut base = Vec::new();
        self.given(0, case, &mut base);
        let mut seen = vec![false; self.outcome[0].len()];
        loop {
            let mut assumptions = base.clone();
            for (i, &l) in self.outcome[0].iter().enumerate() {
                if seen[i] {
                    assumptions.push(!l);
                }
            }
            if !self.circuit.sat(&assumptions)? {
                return Ok(seen);
            }
            let Some(i) = self.outcome[0].iter().position(|&l| self.circuit.value(l)) else {
                return Err(AnalysisError("a model gives no outcome".into()));
            };
            seen[i] = true;
        }
    }

    /// The unknown facts of the cone that some pair of completions, differing only in that
    /// fact, gives different outcomes; ascending.
    pub fn needed(&mut self, case: &PartialCase) -> Result<Vec<FactId>, AnalysisError> {
        let mut base = Vec::new();
        self.given(0, case, &mut base);
        self.given(1, case, &mut base);
        base.push(self.differ);
        let unknown: Vec<usize> = (0..self.facts.len())
            .filter(|&i| case.values[self.facts[i]].is_none())
            .collect();
        let mut needed = Vec::new();
        for &i in &unknown {
            let mut assumptions = base.clone();
            assumptions.extend(unknown.iter().filter(|&&j| j != i).map(|&j| self.equal[j]));
            if self.circuit.sat(&assumptions)? {
                needed.push(self.facts[i]);
            }
        }
        Ok(needed)
    }
}

/// A literal that holds when two copies of a fact have the same value.
fn same<S: SolveIncremental + Default>(
    circuit: &mut Circuit<S>,
    a: &FactLits,
    b: &FactLits,
) -> Lit {
    let pairs: Vec<(Lit, Lit)> = match (a, b) {
        (FactLits::Bool(x), FactLits::Bool(y)) => vec![(*x, *y)],
        (FactLits::Enum(xs), FactLits::Enum(ys)) => {
            let mut pairs: Vec<(Lit, Lit)> = xs.iter().copied().zip(ys.iter().copied()).collect();
            pairs.sort_unstable();
            pairs.dedup();
            pairs
        }
        (FactLits::Int { thresholds: xs, .. }, FactLits::Int { thresholds: ys, .. }) => {
            xs.iter().zip(ys).map(|(x, y)| (x.1, y.1)).collect()
        }
        _ => Vec::new(),
    };
    let eqs: Vec<Lit> = pairs.iter().map(|&(x, y)| !circuit.xor(x, y)).collect();
    circuit.and(&eqs)
}
