//! The completions of a partial case, one per class of values the policy can tell apart,
//! evaluated one by one when there are few: what each unsettled action and derived fact
//! can be, and which unknown facts change it, read off the table of outcomes.
//!
//! Values of a fact that no condition tells apart (variants every test treats alike,
//! integers between two thresholds of its comparisons) give every rule the same firing,
//! so one value per class stands for all: the answers are exact.

use super::inputs::Domains;
use crate::eval::Evaluator;
use crate::model::{ActionId, Case, FactId, FactType, PartialCase, Policy, Value, Verdict};
use std::collections::HashMap;

/// Per input fact, one value of each class of values the policy's conditions tell apart.
pub struct Classes {
    reps: Vec<Vec<Value>>,
}

impl Classes {
    /// The classes of every input fact of `policy`.
    pub fn of(policy: &Policy) -> Classes {
        let domains = Domains::of(policy.rules().iter().flat_map(|r| r.conditions()));
        let reps = policy
            .facts()
            .iter()
            .enumerate()
            .map(|(f, fact)| match &fact.ty {
                _ if fact.derived => Vec::new(),
                FactType::Bool => vec![Value::Bool(false), Value::Bool(true)],
                FactType::Enum(variants) => {
                    let sets = domains.sets(f);
                    let mut seen: HashMap<Vec<bool>, ()> = HashMap::new();
                    (0..variants.len())
                        .filter(|&v| {
                            let signature: Vec<bool> = sets
                                .iter()
                                .map(|s| s.get(v).copied().unwrap_or(false))
                                .collect();
                            seen.insert(signature, ()).is_none()
                        })
                        .map(|v| Value::Enum(v as u32))
                        .collect()
                }
                FactType::Int { lo, hi } => {
                    let mut starts: Vec<i64> = domains
                        .thresholds(f)
                        .filter(|t| t > lo && t <= hi)
                        .collect();
                    starts.push(*lo);
                    starts.sort_unstable();
                    starts.dedup();
                    starts.into_iter().map(Value::Int).collect()
                }
            })
            .collect();
        Classes { reps }
    }

    /// How many classes fact `f` has.
    pub fn count(&self, f: FactId) -> usize {
        self.reps[f].len()
    }

    /// The value that stands for class `k` of fact `f`.
    pub fn value(&self, f: FactId, k: usize) -> Value {
        self.reps[f][k]
    }
}

/// What the completions say about the targets asked.
pub struct Table {
    /// Per action asked: the verdict words some completion gives it.
    pub possible: Vec<[bool; 5]>,
    /// Per action asked: per fact of `facts`, whether changing it alone changes the verdict.
    pub needed: Vec<Vec<bool>>,
    /// Per derived fact asked: whether some completion makes it false, and true.
    pub derived: Vec<[bool; 2]>,
}

/// Evaluates every completion of `case` over the classes of `facts` (the unknown facts that
/// matter) and tabulates the verdicts of `actions` and the values of `derived`.
pub fn tabulate(
    evaluator: &mut Evaluator,
    classes: &Classes,
    case: &PartialCase,
    facts: &[FactId],
    actions: &[ActionId],
    derived: &[FactId],
) -> Table {
    let base = Case {
        values: case
            .values
            .iter()
            .enumerate()
            .map(|(f, v)| {
                v.unwrap_or_else(|| {
                    classes.reps[f]
                        .first()
                        .copied()
                        .unwrap_or(Value::Bool(false))
                })
            })
            .collect(),
    };
    let radix: Vec<usize> = facts.iter().map(|&f| classes.count(f)).collect();
    let total: usize = radix.iter().product();
    let mut strides = Vec::with_capacity(radix.len());
    let mut s = 1;
    for &r in &radix {
        strides.push(s);
        s *= r;
    }
    let mut words: Vec<u8> = Vec::with_capacity(total * actions.len());
    let mut table = Table {
        possible: vec![[false; 5]; actions.len()],
        needed: vec![vec![false; facts.len()]; actions.len()],
        derived: vec![[false; 2]; derived.len()],
    };
    evaluator.load(&base);
    let mut digits = vec![0usize; facts.len()];
    for idx in 0..total {
        // The digits of `idx`, one per fact, least significant first.
        let mut rest = idx;
        for (k, &f) in facts.iter().enumerate() {
            let d = rest % radix[k];
            rest /= radix[k];
            if d != digits[k] || idx == 0 {
                digits[k] = d;
                evaluator.set(f, classes.reps[f][d]);
            }
        }
        evaluator.run();
        for (k, &a) in actions.iter().enumerate() {
            let w = word(evaluator.verdict(a));
            table.possible[k][w as usize] = true;
            words.push(w);
        }
        for (k, &f) in derived.iter().enumerate() {
            table.derived[k][usize::from(evaluator.bool_fact(f))] = true;
        }
    }
    // A fact is needed by an action when two completions that differ only in it differ in
    // the verdict: compare each completion with the one that has the fact's first class.
    let na = actions.len();
    for idx in 0..total {
        let mut rest = idx;
        for (k, &r) in radix.iter().enumerate() {
            let d = rest % r;
            rest /= r;
            if d == 0 {
                continue;
            }
            let other = idx - d * strides[k];
            for a in 0..na {
                if words[idx * na + a] != words[other * na + a] {
                    table.needed[a][k] = true;
                }
            }
        }
    }
    table
}

/// A verdict's position in the word order.
fn word(v: Verdict) -> u8 {
    Verdict::ALL.iter().position(|x| *x == v).unwrap_or(0) as u8
}

#[cfg(test)]
mod tests {
    use super::Classes;
    use crate::model::{Policy, Value};

    #[test]
    fn classes_are_what_the_conditions_tell_apart() {
        let p = Policy::parse(
            "t.policy",
            "fact e: a | b | c | d\nfact n: 0..100\nfact x\naction y\n\
             rule r: if e in [a, b] and n > 10 and n <= 50 then may y\n\
             rule s: if e is c then must y\n",
        )
        .unwrap();
        let c = Classes::of(&p);
        assert_eq!(c.reps[0], [Value::Enum(0), Value::Enum(2), Value::Enum(3)]);
        assert_eq!(
            c.reps[1],
            [
                Value::Int(0),
                Value::Int(10),
                Value::Int(11),
                Value::Int(50),
                Value::Int(51)
            ]
        );
        assert_eq!(c.reps[2], [Value::Bool(false), Value::Bool(true)]);
    }
}
