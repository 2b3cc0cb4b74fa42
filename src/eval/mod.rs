//! Evaluation of a case, exactly as section 4 of the contract: derived facts, firing,
//! overrides, requirements over permissions, verdicts.

pub mod expect;
pub mod input;
pub mod lines;
mod machine;
pub mod trace;

pub use machine::Evaluator;

use crate::model::{Case, FactId, Policy, RuleId, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    Permitted,
    Forbidden,
    Required,
    Undecided,
    Conflict,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Permitted => "permitted",
            Verdict::Forbidden => "forbidden",
            Verdict::Required => "required",
            Verdict::Undecided => "undecided",
            Verdict::Conflict => "conflict",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One action's verdict and the rules whose conclusions decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionVerdict {
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
                .map(|&r| self.policy.rules[r].id.as_str())
                .collect(),
        )
    }

    /// A derived fact's value, by name.
    pub fn derived(&self, fact: &str) -> Option<bool> {
        let f = self.policy.fact_id(fact)?;
        self.policy.facts[f]
            .derived
            .then(|| self.values[f] == Value::Bool(true))
    }

    pub fn fact_value(&self, f: FactId) -> Value {
        self.values[f]
    }
}

impl Policy {
    /// Evaluates a case. For many cases, an [`Evaluator`] reuses its buffers.
    pub fn evaluate(&self, case: &Case) -> Outcome<'_> {
        let mut ev = Evaluator::new(self);
        ev.evaluate(case);
        ev.outcome()
    }
}

#[cfg(test)]
mod tests;
