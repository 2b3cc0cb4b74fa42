//! An action's verdict with one rule's conclusions on it left out, in a handful of gates,
//! for `redundant-rule`.
//!
//! The conclusions on the action are split by kind (`may`, `must`, `must not`, and those of
//! requirements), each kind a list in source order with the disjunction of every prefix and
//! every suffix, built once. Leaving out rule `r`, whose conclusions are one run of each
//! list, each kind's "some conclusion remains" is its prefix before the run or its suffix
//! after it, plus the conclusions of the rules `r` overrides, which leaving it out may
//! restore. That is exact whenever `r` fires (every query asks it): then the rules `r`
//! overrides have no conclusion remaining with it.

use super::circuit::Circuit;
use super::world::{ActionLits, Overrides, verdict};
use crate::model::{ActionId, Modality, Policy, RuleId};
use rustsat::solvers::SolveIncremental;
use rustsat::types::Lit;
use std::collections::HashMap;

/// One kind of conclusion: its rules in source order, and its prefix and suffix
/// disjunctions.
struct Kind {
    rules: Vec<RuleId>,
    prefix: Vec<Lit>,
    suffix: Vec<Lit>,
}

const MAY: usize = 0;
const MUST: usize = 1;
const MUST_NOT: usize = 2;
const REQUIREMENT: usize = 3;

fn kinds(policy: &Policy, r: RuleId, m: Modality) -> impl Iterator<Item = usize> {
    let first = match m {
        Modality::May => MAY,
        Modality::Must => MUST,
        Modality::MustNot => MUST_NOT,
    };
    std::iter::once(first).chain(policy.rule(r).is_requirement().then_some(REQUIREMENT))
}

/// What the verdict without one rule is built from.
pub struct Removal {
    kinds: [Kind; 4],
    covered: Vec<u32>,
    stamp: u32,
}

impl Removal {
    /// The prefix and suffix disjunctions of each kind (outside any scope: they stay).
    pub fn new<S: SolveIncremental + Default>(
        circuit: &mut Circuit<S>,
        policy: &Policy,
        enc: &ActionLits,
        overrides: &Overrides,
    ) -> Removal {
        let mut lists: [Vec<(RuleId, Lit)>; 4] = Default::default();
        for (&(r, m, _), &l) in enc.kept.iter().zip(&enc.kept4) {
            for k in kinds(policy, r, m) {
                lists[k].push((r, l));
            }
        }
        let kinds = lists.map(|list| {
            let mut prefix = Vec::with_capacity(list.len());
            let mut acc = circuit.falsity();
            for &(_, l) in &list {
                acc = circuit.or(&[acc, l]);
                prefix.push(acc);
            }
            let mut suffix = vec![circuit.falsity(); list.len()];
            let mut acc = circuit.falsity();
            for (i, &(_, l)) in list.iter().enumerate().rev() {
                acc = circuit.or(&[acc, l]);
                suffix[i] = acc;
            }
            Kind {
                rules: list.into_iter().map(|x| x.0).collect(),
                prefix,
                suffix,
            }
        });
        Removal {
            kinds,
            covered: vec![u32::MAX; overrides.rules.len()],
            stamp: 0,
        }
    }

    /// The verdict of `a` with `r`'s conclusions on it left out, exact when `r` fires. Open
    /// a scope first: the gates made here are for one query.
    pub fn verdict_without<S: SolveIncremental + Default>(
        &mut self,
        circuit: &mut Circuit<S>,
        policy: &Policy,
        overrides: &Overrides,
        enc: &ActionLits,
        a: ActionId,
        r: RuleId,
    ) -> [Lit; 5] {
        let mut remains: [Vec<Lit>; 4] = Default::default();
        for (k, kind) in self.kinds.iter().enumerate() {
            let lo = kind.rules.partition_point(|&x| x < r);
            let hi = kind.rules.partition_point(|&x| x <= r);
            if lo > 0 {
                remains[k].push(kind.prefix[lo - 1]);
            }
            if hi < kind.rules.len() {
                remains[k].push(kind.suffix[hi]);
            }
        }
        // The rules `r` overrides, from the highest down: with `r` gone, only the rules
        // still overriding them remove their conclusions.
        let p = overrides.position(r);
        let mut reach_without: HashMap<usize, Lit> = HashMap::new();
        for &q in &overrides.under[p] {
            let q = q as usize;
            self.stamp += 1;
            let reach_of = |w: usize| {
                if w == p {
                    enc.removed[p]
                } else {
                    reach_without.get(&w).copied().unwrap_or(enc.reach[w])
                }
            };
            let removed = overrides.removed(circuit, q, reach_of, &mut self.covered, self.stamp);
            let kept4 = circuit.and(&[enc.fire[q], !removed]);
            let reach = circuit.or(&[enc.fire[q], removed]);
            reach_without.insert(q, reach);
            let rule = overrides.rules[q];
            for &(x, m, _) in enc.kept.iter().filter(|x| x.0 == rule) {
                for k in kinds(policy, x, m) {
                    remains[k].push(kept4);
                }
            }
        }
        let [may, must, must_not, requirement] = remains.map(|lits| circuit.or(&lits));
        let may = circuit.and(&[may, !requirement]);
        verdict(circuit, policy.action(a).default, [must_not, may, must])
    }
}
