//! Evaluation of a case, exactly as section 8 of `docs/language.md`: derived facts,
//! firing, overrides, requirements over permissions, verdicts.
//!
//! The entry points take a [`Policy`]: [`evaluate`] (one case, an [`Outcome`]),
//! [`Evaluator`] (many cases in reusable buffers), [`trace()`] (with the reasons kept, for
//! `explain`), [`FastReader`] (a flat JSON object straight into an evaluator) and
//! [`stream`] (JSON Lines on every core, in order, in bounded memory).

mod fast_json;
mod machine;
mod pool;
mod serialize;
pub mod stream;
pub mod trace;

pub use crate::model::Verdict;
pub use fast_json::FastReader;
pub use machine::Evaluator;
pub use trace::{Trace, trace};

use crate::model::{Case, ExpectTarget, FactId, Policy, RuleId, Value};

/// One action's verdict and the rules whose conclusions decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionVerdict {
    /// The verdict.
    pub verdict: Verdict,
    /// Rule indexes in source order.
    pub by: Vec<RuleId>,
}

/// Everything evaluation decides about one case.
#[derive(Clone, Debug)]
pub struct Outcome<'p> {
    policy: &'p Policy,
    /// Every fact's value, derived ones computed.
    pub values: Vec<Value>,
    /// Whether each rule fired.
    pub fired: Vec<bool>,
    /// One per action, in declaration order.
    pub verdicts: Vec<ActionVerdict>,
}

impl<'p> Outcome<'p> {
    /// The policy it is an outcome of.
    pub fn policy(&self) -> &'p Policy {
        self.policy
    }

    /// The verdict on an action, by name.
    pub fn verdict_of(&self, action: &str) -> Option<Verdict> {
        self.policy
            .action_id(action)
            .map(|a| self.verdicts[a].verdict)
    }

    /// The ids of the rules that decided an action, by name.
    pub fn by_of(&self, action: &str) -> Option<Vec<&'p str>> {
        let a = self.policy.action_id(action)?;
        Some(
            self.verdicts[a]
                .by
                .iter()
                .map(|&r| self.policy.rule(r).id.as_str())
                .collect(),
        )
    }

    /// A derived fact's value, by name.
    pub fn derived(&self, fact: &str) -> Option<bool> {
        let f = self.policy.fact_id(fact)?;
        self.policy
            .fact(f)
            .derived
            .then(|| self.values[f] == Value::Bool(true))
    }

    /// A fact's value (derived facts computed).
    pub fn fact_value(&self, f: FactId) -> Value {
        self.values[f]
    }

    /// The word an `expect` line on `target` must say to hold: a verdict, or `true`/`false`.
    pub fn word(&self, target: ExpectTarget) -> &'static str {
        match target {
            ExpectTarget::Action(a) => self.verdicts[a].verdict.as_str(),
            ExpectTarget::Fact(f) if self.values[f] == Value::Bool(true) => "true",
            ExpectTarget::Fact(_) => "false",
        }
    }
}

/// Evaluates a case. The buffers of the evaluation and of the outcome are kept by the
/// thread and used again (an outcome gives its own back when dropped), so evaluating case
/// after case allocates nothing; an [`Evaluator`] is faster still.
pub fn evaluate<'p>(policy: &'p Policy, case: &Case) -> Outcome<'p> {
    let mut evaluator = Evaluator::reusing(policy, pool::evaluator_buffers());
    evaluator.evaluate(case);
    let outcome = evaluator.outcome();
    pool::give_back_evaluator(evaluator.into_buffers());
    outcome
}

/// Runs `work` with an evaluator of `policy` whose buffers the thread keeps between calls,
/// so that a server answering case after case allocates nothing for them.
pub fn with_evaluator<R>(policy: &Policy, work: impl FnOnce(&mut Evaluator<'_>) -> R) -> R {
    let mut evaluator = Evaluator::reusing(policy, pool::evaluator_buffers());
    let result = work(&mut evaluator);
    pool::give_back_evaluator(evaluator.into_buffers());
    result
}

impl Drop for Outcome<'_> {
    fn drop(&mut self) {
        pool::give_back_outcome(
            std::mem::take(&mut self.values),
            std::mem::take(&mut self.fired),
            std::mem::take(&mut self.verdicts),
        );
    }
}

impl Policy {
    /// Evaluates a case: [`evaluate`], as a method. It is the one method of [`Policy`] that
    /// is not about the policy itself, kept because it reads as the README's first example.
    pub fn evaluate(&self, case: &Case) -> Outcome<'_> {
        evaluate(self, case)
    }
}

#[cfg(test)]
mod tests;
