//! Cases worth trying before asking the solver: for each rule, the smallest case seen in
//! which it fires, and the evaluator run on a cone alone to test a candidate in a few
//! hundred nanoseconds.
//!
//! A rule's *support* is the input facts its condition reads, directly or through derived
//! facts. Its *minimal case* keeps a model's values on its support and sets every other fact
//! to the first value of its type: the rule still fires, and little else does, which is the
//! case a person would write to show what the rule does.

use super::index::{Cone, Index};
use super::inputs::default_value;
use crate::eval::{Evaluator, Verdict};
use crate::model::{ActionId, Case, FactId, Policy, RuleId, Value};

/// Some facts' values; every other fact at the first value of its type.
pub type Sparse = Vec<(FactId, Value)>;

/// The cone being analysed, ready for the evaluator.
pub struct ConeEval<'p> {
    policy: &'p Policy,
    steps: Vec<u32>,
    /// The cone's input facts and the first value of each one's type.
    defaults: Sparse,
}

impl<'p> ConeEval<'p> {
    /// Prepares `cone` for `evaluator`.
    pub fn new(policy: &'p Policy, cone: &Cone, evaluator: &Evaluator) -> Self {
        let defaults = cone
            .facts
            .iter()
            .filter(|&&f| !policy.fact(f).derived)
            .map(|&f| (f, default_value(&policy.fact(f).ty)))
            .collect();
        ConeEval {
            policy,
            steps: evaluator.steps_of(&cone.rules),
            defaults,
        }
    }

    /// Loads a case given by its sparse values and runs the cone's rules on it.
    pub fn run(&self, evaluator: &mut Evaluator, values: &[&Sparse]) {
        evaluator.clear();
        for &(f, v) in &self.defaults {
            evaluator.set(f, v);
        }
        for part in values {
            for &(f, v) in part.iter() {
                evaluator.set(f, v);
            }
        }
        evaluator.run_steps(&self.steps);
    }

    /// After [`run`](Self::run): the verdict on `a` and whether it changes when rule `r`'s
    /// conclusions on it are left out.
    pub fn changes_without(&self, evaluator: &mut Evaluator, a: ActionId, r: RuleId) -> bool {
        if !evaluator.fired(r) {
            return false;
        }
        let (with, _) = evaluator.decide_alone(a);
        evaluator.set_fired(r, false);
        let (without, _) = evaluator.decide_alone(a);
        evaluator.set_fired(r, true);
        with != without
    }

    /// After [`run`](Self::run): whether `a`'s verdict is a conflict that both rules take
    /// part in.
    pub fn conflicts(
        &self,
        evaluator: &mut Evaluator,
        a: ActionId,
        r1: RuleId,
        r2: RuleId,
    ) -> bool {
        let (verdict, by) = evaluator.decide_alone(a);
        verdict == Verdict::Conflict && by.contains(&r1) && by.contains(&r2)
    }

    /// A whole case from sparse values, for the evaluator's final check and the report.
    pub fn case(&self, values: &[&Sparse]) -> Case {
        let mut case = Case {
            values: self
                .policy
                .facts()
                .iter()
                .map(|f| default_value(&f.ty))
                .collect(),
        };
        for part in values {
            for &(f, v) in part.iter() {
                case.values[f] = v;
            }
        }
        case
    }
}

/// The input facts a rule's condition reads, directly or through the derived facts it
/// reads, in ascending order. `stamp` and `seen` are scratch space of one entry per fact
/// and per rule, reused from call to call.
pub fn support(policy: &Policy, index: &Index, r: RuleId, marks: &mut SupportMarks) -> Vec<FactId> {
    marks.stamp += 1;
    let stamp = marks.stamp;
    let mut out = Vec::new();
    let mut stack = vec![r];
    marks.rule[r] = stamp;
    while let Some(x) = stack.pop() {
        for &f in &index.mentions[x] {
            if marks.fact[f] == stamp {
                continue;
            }
            marks.fact[f] = stamp;
            if policy.fact(f).derived {
                for &q in &index.concluders[f] {
                    if marks.rule[q] != stamp {
                        marks.rule[q] = stamp;
                        stack.push(q);
                    }
                }
            } else {
                out.push(f);
            }
        }
    }
    out.sort_unstable();
    out
}

/// Scratch space for [`support`].
pub struct SupportMarks {
    stamp: u32,
    rule: Vec<u32>,
    fact: Vec<u32>,
}

impl SupportMarks {
    /// Marks for `policy`.
    pub fn new(policy: &Policy) -> Self {
        SupportMarks {
            stamp: 0,
            rule: vec![0; policy.rules().len()],
            fact: vec![0; policy.facts().len()],
        }
    }
}

/// A model's values on some facts, every one of them, even at its first value (so that the
/// case can be laid over another).
pub fn values_on(facts: &[FactId], value: impl Fn(FactId) -> Value) -> Sparse {
    facts.iter().map(|&f| (f, value(f))).collect()
}

/// The facts of a sparse case that are not at the first value of their type.
pub fn set_facts(policy: &Policy, mut case: Sparse) -> Sparse {
    case.retain(|&(f, v)| v != default_value(&policy.fact(f).ty));
    case
}

/// Greedily moves the facts of `case` back to the first value of their type, one at a
/// time, keeping each move that leaves `holds` true: a witness with as few facts set as
/// the finding allows (one pass, so it is small rather than smallest).
pub fn minimize(case: &mut Sparse, mut holds: impl FnMut(&Sparse) -> bool) {
    let mut i = 0;
    while i < case.len() {
        let removed = case.remove(i);
        if holds(case) {
            continue;
        }
        case.insert(i, removed);
        i += 1;
    }
}
