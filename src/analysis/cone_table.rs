//! One target's answer for every class of completion of its cone, evaluated once: a partial
//! case then reads its possible verdicts and needed facts off the table, with neither the
//! evaluator nor the solver.
//!
//! A target (an action, or a derived fact) depends only on the input facts of its cone, and
//! on each of those only through its class of values among those the cone's own conditions
//! tell apart (see [`FactClasses`]). So the table has one entry per combination of classes
//! of the cone's input facts; a partial case fixes the classes of the facts it gives, and
//! its completions are the entries that agree with it.

use super::completions::{FactClasses, word};
use super::index::Cone;
use super::inputs::Domains;
use super::partial_sat::Target;
use crate::eval::Evaluator;
use crate::model::{FactId, PartialCase};

/// The most entries a table may have (a byte each).
pub const TABLE_ENTRIES: usize = 1 << 16;

/// The most rule evaluations building one table may cost (entries times the cone's rules;
/// a rule's evaluation is a few nanoseconds).
pub const BUILD_WORK: usize = 1 << 22;

/// A target's answer per combination of classes of its cone's input facts.
pub struct ConeTable {
    /// The cone's input facts, ascending.
    facts: Vec<FactId>,
    /// Per fact of `facts`: the classes of its values the cone tells apart.
    classes: Vec<FactClasses>,
    /// Per fact of `facts`: its number of classes, and the step between entries that
    /// differ in it by one class.
    radix: Vec<usize>,
    strides: Vec<usize>,
    /// Per entry: the verdict's position in the word order, or the derived fact's value.
    answers: Vec<u8>,
}

/// What the completions of one partial case give a target.
pub struct Reading {
    /// Per word (for a derived fact: `false`, `true`): whether some completion gives it.
    pub seen: [bool; 5],
    /// The unknown facts that alone change the answer, ascending.
    pub needed: Vec<FactId>,
}

/// Buffers reused from case to case.
#[derive(Default)]
pub struct Scratch {
    unknown: Vec<usize>,
    local_strides: Vec<usize>,
    digits: Vec<usize>,
    answers: Vec<u8>,
    needed: Vec<bool>,
}

impl ConeTable {
    /// The table of `target` over its cone's input facts `facts`, or `None` when it would
    /// be larger, or cost more to build, than the limits.
    pub fn build(
        evaluator: &mut Evaluator,
        facts: &[FactId],
        cone: &Cone,
        target: &Target,
    ) -> Option<ConeTable> {
        let policy = evaluator.policy();
        let domains = Domains::of(cone.rules.iter().flat_map(|&r| policy.rule(r).conditions()));
        let classes: Vec<FactClasses> = facts
            .iter()
            .map(|&f| FactClasses::of(policy, &domains, f))
            .collect();
        let radix: Vec<usize> = classes.iter().map(FactClasses::count).collect();
        let total = radix
            .iter()
            .try_fold(1usize, |acc, &r| acc.checked_mul(r))
            .filter(|&n| n <= TABLE_ENTRIES)?;
        if total.saturating_mul(cone.rules.len().max(1)) > BUILD_WORK {
            return None;
        }
        // Only the cone's rules run: the target depends on nothing else.
        let steps = evaluator.steps_of(&cone.rules);
        let mut strides = Vec::with_capacity(radix.len());
        let mut step = 1;
        for &r in &radix {
            strides.push(step);
            step *= r;
        }
        evaluator.clear();
        let mut digits = vec![0usize; facts.len()];
        let mut answers = Vec::with_capacity(total);
        for idx in 0..total {
            let mut rest = idx;
            for (k, &f) in facts.iter().enumerate() {
                let d = rest % radix[k];
                rest /= radix[k];
                if d != digits[k] || idx == 0 {
                    digits[k] = d;
                    evaluator.set(f, classes[k].value(d));
                }
            }
            evaluator.run_steps(&steps);
            answers.push(match target {
                Target::Action(a) => word(evaluator.decide_alone(*a).0),
                Target::Derived(f) => u8::from(evaluator.bool_fact(*f)),
            });
        }
        Some(ConeTable {
            facts: facts.to_vec(),
            classes,
            radix,
            strides,
            answers,
        })
    }

    /// What the completions of `case` give the target.
    pub fn read(&self, case: &PartialCase, scratch: &mut Scratch) -> Reading {
        let Scratch {
            unknown,
            local_strides,
            digits,
            answers,
            needed,
        } = scratch;
        unknown.clear();
        local_strides.clear();
        let mut base = 0;
        let mut count = 1;
        for (k, &f) in self.facts.iter().enumerate() {
            match case.values[f] {
                Some(v) => base += self.classes[k].class_of(v) * self.strides[k],
                None => {
                    unknown.push(k);
                    local_strides.push(count);
                    count *= self.radix[k];
                }
            }
        }
        // The completions in the order of a counter over the unknown facts' classes.
        digits.clear();
        digits.resize(unknown.len(), 0);
        answers.clear();
        let mut seen = [false; 5];
        let mut idx = base;
        for j in 0..count {
            if j > 0 {
                for (u, &k) in unknown.iter().enumerate() {
                    digits[u] += 1;
                    idx += self.strides[k];
                    if digits[u] < self.radix[k] {
                        break;
                    }
                    idx -= digits[u] * self.strides[k];
                    digits[u] = 0;
                }
            }
            let answer = self.answers[idx];
            seen[answer as usize] = true;
            answers.push(answer);
        }
        let mut reading = Reading {
            seen,
            needed: Vec::new(),
        };
        if seen.iter().filter(|s| **s).count() < 2 {
            return reading;
        }
        // A fact is needed when two completions that differ only in it differ: compare
        // each completion with the one that has the fact's first class. In the order of
        // the counter, the completions with fact `u` at class `d` and the others fixed sit
        // at `outer + d * step + inner`.
        needed.clear();
        for (u, &k) in unknown.iter().enumerate() {
            let (step, radix) = (local_strides[u], self.radix[k]);
            let block = step * radix;
            let differs = (0..count).step_by(block).any(|outer| {
                let first = &answers[outer..outer + step];
                (1..radix).any(|d| {
                    let at = outer + d * step;
                    answers[at..at + step] != *first
                })
            });
            needed.push(differs);
        }
        reading.needed = unknown
            .iter()
            .zip(needed.iter())
            .filter(|(_, n)| **n)
            .map(|(&k, _)| self.facts[k])
            .collect();
        reading
    }
}
