//! The input facts of a policy as literals of a circuit, and a case read back from a model.
//!
//! A bool fact is one literal; an enum fact one literal per variant, exactly one true; an
//! integer fact an order encoding: a literal `x >= t` for each threshold `t` where one of
//! the policy's comparisons changes, each implying the one below. Several policies (the two
//! sides of `diff`) or several copies of one policy (the two completions of partial
//! evaluation) can read the same literals, each through its own [`Inputs`].

use super::circuit::Circuit;
use crate::model::{Cond, FactId, FactType, Policy, RuleId, Value};
use rustsat::solvers::SolveIncremental;
use rustsat::types::Lit;
use std::collections::HashMap;

/// One input fact's literals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactLits {
    /// A bool fact.
    Bool(Lit),
    /// An enum fact: one literal per variant of the policy's type (the constant `false` for
    /// a variant no case can take).
    Enum(Vec<Lit>),
    /// An integer fact whose cases lie in `lo..=hi`: `(t, x >= t)` for each threshold,
    /// ascending, each with `lo < t <= hi`.
    Int {
        /// The lowest value a case can give.
        lo: i64,
        /// The highest.
        hi: i64,
        /// The order encoding.
        thresholds: Vec<(i64, Lit)>,
    },
}

const NONE: u32 = u32::MAX;

/// The literals of some input facts of one policy. It is reused from cone to cone: clearing
/// it costs what it held.
#[derive(Clone, Debug)]
pub struct Inputs {
    /// Per fact of the policy: its index in `facts`, or `NONE`.
    slot: Vec<u32>,
    facts: Vec<FactId>,
    lits: Vec<FactLits>,
}

impl Inputs {
    /// No fact of `policy` yet.
    pub fn new(policy: &Policy) -> Self {
        Inputs {
            slot: vec![NONE; policy.facts().len()],
            facts: Vec::new(),
            lits: Vec::new(),
        }
    }

    /// Forgets every fact.
    pub fn clear(&mut self) {
        for &f in &self.facts {
            self.slot[f] = NONE;
        }
        self.facts.clear();
        self.lits.clear();
    }

    /// Gives fact `f` its literals (replacing any it had).
    pub fn set(&mut self, f: FactId, lits: FactLits) {
        match self.slot[f] {
            NONE => {
                self.slot[f] = self.facts.len() as u32;
                self.facts.push(f);
                self.lits.push(lits);
            }
            i => self.lits[i as usize] = lits,
        }
    }

    /// The literals of fact `f`, if it has them.
    pub fn get(&self, f: FactId) -> Option<&FactLits> {
        match self.slot[f] {
            NONE => None,
            i => Some(&self.lits[i as usize]),
        }
    }

    /// The facts that have literals, in the order they got them.
    pub fn facts(&self) -> &[FactId] {
        &self.facts
    }

    /// Fresh literals for each input fact of `facts` (derived facts are skipped), over the
    /// values its type allows as the conditions of `rules` can tell them apart: an enum
    /// fact gets one literal per class of variants that every condition treats alike, an
    /// integer fact one per threshold where a comparison changes. (A wide enum read by many
    /// small cones costs each cone what it reads, not its width.)
    pub fn encode<S: SolveIncremental + Default>(
        &mut self,
        circuit: &mut Circuit<S>,
        policy: &Policy,
        facts: &[FactId],
        rules: &[RuleId],
    ) {
        let domains = Domains::of(rules.iter().flat_map(|&r| policy.rule(r).conditions()));
        for &f in facts {
            if policy.fact(f).derived {
                continue;
            }
            let lits = match &policy.fact(f).ty {
                FactType::Bool => FactLits::Bool(circuit.fresh()),
                FactType::Enum(variants) => enum_lits(circuit, variants.len(), domains.sets(f)),
                FactType::Int { lo, hi } => int_lits(circuit, *lo, *hi, domains.thresholds(f)),
            };
            self.set(f, lits);
        }
    }

    /// The literal of a bool input fact (`false` when it has none).
    pub fn bool_lit<S: SolveIncremental + Default>(&self, circuit: &Circuit<S>, f: FactId) -> Lit {
        match self.get(f) {
            Some(FactLits::Bool(l)) => *l,
            _ => circuit.falsity(),
        }
    }

    /// The literal of `f` taking one of the variants marked in `set`.
    pub fn one_of<S: SolveIncremental + Default>(
        &self,
        circuit: &mut Circuit<S>,
        f: FactId,
        set: &[bool],
    ) -> Lit {
        match self.get(f) {
            Some(FactLits::Enum(lits)) => {
                let picked: Vec<Lit> = lits
                    .iter()
                    .zip(set)
                    .filter(|(_, b)| **b)
                    .map(|(l, _)| *l)
                    .collect();
                circuit.or(&picked)
            }
            _ => circuit.falsity(),
        }
    }

    /// The literal for `x >= t` on an integer fact.
    pub fn at_least<S: SolveIncremental + Default>(
        &self,
        circuit: &Circuit<S>,
        f: FactId,
        t: i128,
    ) -> Lit {
        match self.get(f) {
            Some(FactLits::Int { lo, hi, thresholds }) => {
                if t <= i128::from(*lo) {
                    return circuit.truth();
                }
                if t > i128::from(*hi) {
                    return circuit.falsity();
                }
                thresholds
                    .iter()
                    .find(|(x, _)| i128::from(*x) == t)
                    .map_or(circuit.falsity(), |(_, l)| *l)
            }
            _ => circuit.falsity(),
        }
    }

    /// The value of fact `f` in the model of the last satisfiable query.
    pub fn model_value<S: SolveIncremental + Default>(
        &self,
        circuit: &Circuit<S>,
        f: FactId,
    ) -> Option<Value> {
        Some(match self.get(f)? {
            FactLits::Bool(l) => Value::Bool(circuit.value(*l)),
            FactLits::Enum(lits) => {
                Value::Enum(lits.iter().position(|&l| circuit.value(l)).unwrap_or(0) as u32)
            }
            FactLits::Int { lo, thresholds, .. } => Value::Int(
                thresholds
                    .iter()
                    .filter(|(_, l)| circuit.value(*l))
                    .map(|(t, _)| *t)
                    .max()
                    .unwrap_or(*lo),
            ),
        })
    }
}

/// The first value of a type.
pub fn default_value(ty: &FactType) -> Value {
    match ty {
        FactType::Bool => Value::Bool(false),
        FactType::Enum(_) => Value::Enum(0),
        FactType::Int { lo, .. } => Value::Int(*lo),
    }
}

/// Exactly one of `lits` holds.
pub fn exactly_one<S: SolveIncremental + Default>(circuit: &mut Circuit<S>, lits: &[Lit]) {
    circuit.clause(lits);
    // Pairwise for small enums; a sequential counter (linear) for wide ones.
    if lits.len() <= 8 {
        for i in 0..lits.len() {
            for j in i + 1..lits.len() {
                circuit.clause(&[!lits[i], !lits[j]]);
            }
        }
        return;
    }
    // s[i]: some of lits[..=i] holds.
    let mut prev = lits[0];
    for &l in &lits[1..] {
        let s = circuit.fresh();
        circuit.clause(&[!prev, s]);
        circuit.clause(&[!l, s]);
        circuit.clause(&[!prev, !l]);
        prev = s;
    }
}

/// An order encoding of an integer in `lo..=hi` over the thresholds `ts` (any order, any
/// duplicates; those outside `lo < t <= hi` are dropped).
pub fn int_lits<S: SolveIncremental + Default>(
    circuit: &mut Circuit<S>,
    lo: i64,
    hi: i64,
    ts: impl IntoIterator<Item = i64>,
) -> FactLits {
    let mut ts: Vec<i64> = ts.into_iter().filter(|&t| t > lo && t <= hi).collect();
    ts.sort_unstable();
    ts.dedup();
    let thresholds: Vec<(i64, Lit)> = ts.into_iter().map(|t| (t, circuit.fresh())).collect();
    for w in thresholds.windows(2) {
        circuit.clause(&[!w[1].1, w[0].1]);
    }
    FactLits::Int { lo, hi, thresholds }
}

/// What some conditions can tell apart about each fact: the variant sets tested on each
/// enum fact, the thresholds on each integer fact.
#[derive(Default)]
pub struct Domains<'c> {
    sets: HashMap<FactId, Vec<&'c [bool]>>,
    thresholds: HashMap<FactId, Vec<i64>>,
}

impl<'c> Domains<'c> {
    /// The domains the conditions read.
    pub fn of(conditions: impl IntoIterator<Item = &'c Cond>) -> Self {
        let mut d = Domains::default();
        for c in conditions {
            d.add(c);
        }
        d
    }

    /// Adds what one more condition reads. Conditions nest at most as deep as the parser
    /// allows.
    pub fn add(&mut self, c: &'c Cond) {
        match c {
            Cond::OneOf(f, set, _) => self.sets.entry(*f).or_default().push(set),
            Cond::Compare(f, _, n) => {
                let ts = self.thresholds.entry(*f).or_default();
                // Whatever the operator, `x op n` can change only at `n` and at `n + 1`.
                ts.push(*n);
                if let Some(m) = n.checked_add(1) {
                    ts.push(m);
                }
            }
            Cond::Not(x) => self.add(x),
            Cond::And(xs) | Cond::Or(xs) => xs.iter().for_each(|x| self.add(x)),
            Cond::Const(_) | Cond::Fact(_) => {}
        }
    }

    /// The variant sets tested on an enum fact.
    pub fn sets(&self, f: FactId) -> &[&'c [bool]] {
        self.sets.get(&f).map_or(&[], Vec::as_slice)
    }

    /// The thresholds of an integer fact's comparisons (any order, duplicates kept).
    pub fn thresholds(&self, f: FactId) -> impl Iterator<Item = i64> + '_ {
        self.thresholds.get(&f).into_iter().flatten().copied()
    }
}

/// An enum of `width` variants as one literal per class of variants that all `sets` treat
/// alike, exactly one true; each variant gets its class's literal.
pub fn enum_lits<S: SolveIncremental + Default>(
    circuit: &mut Circuit<S>,
    width: usize,
    sets: &[&[bool]],
) -> FactLits {
    let mut classes: HashMap<Vec<u64>, Lit> = HashMap::new();
    let mut order = Vec::new();
    let words = sets.len().div_ceil(64).max(1);
    let per_variant: Vec<Lit> = (0..width)
        .map(|v| {
            let mut signature = vec![0u64; words];
            for (i, set) in sets.iter().enumerate() {
                if set.get(v).copied().unwrap_or(false) {
                    signature[i / 64] |= 1 << (i % 64);
                }
            }
            *classes.entry(signature).or_insert_with(|| {
                let l = circuit.fresh();
                order.push(l);
                l
            })
        })
        .collect();
    exactly_one(circuit, &order);
    FactLits::Enum(per_variant)
}

#[cfg(test)]
mod tests {
    use super::{FactLits, enum_lits};
    use crate::analysis::DefaultSolver;
    use crate::analysis::circuit::Circuit;

    #[test]
    fn variants_no_condition_tells_apart_share_a_literal() {
        let mut c = Circuit::<DefaultSolver>::new();
        let is_v1 = [false, true, false, false, false];
        let not_v3 = [true, true, true, false, true];
        let FactLits::Enum(lits) = enum_lits(&mut c, 5, &[&is_v1, &not_v3]) else {
            unreachable!()
        };
        assert_eq!(lits[0], lits[2]);
        assert_eq!(lits[0], lits[4]);
        assert_ne!(lits[0], lits[1]);
        assert_ne!(lits[0], lits[3]);
        assert!(c.sat(&[lits[3]]).unwrap());
        assert!(!c.sat(&[lits[3], lits[1]]).unwrap());
    }
}
