//! Evaluation of a case, exactly as section 4 of the contract: derived facts, firing,
//! overrides, requirements over permissions, verdicts.

pub mod expect;
pub mod input;
pub mod trace;

use crate::model::{
    ActionId, Case, DefaultVerdict, FactId, Modality, Policy, RuleId, Target, Value,
};

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
    /// Evaluates a case.
    pub fn evaluate(&self, case: &Case) -> Outcome<'_> {
        let mut values = case.values.clone();
        for &f in self.derivation_order() {
            values[f] = Value::Bool(false);
        }
        // Step 1: derived facts in dependency order.
        for &f in self.derivation_order() {
            let holds = self.rules.iter().any(|r| {
                r.conclusions.iter().any(|c| c.target == Target::Fact(f)) && r.fires(&values)
            });
            values[f] = Value::Bool(holds);
        }
        // Step 2: which rules fire.
        let fired: Vec<bool> = self.rules.iter().map(|r| r.fires(&values)).collect();
        let verdicts = (0..self.actions.len())
            .map(|a| self.decide(a, &fired))
            .collect();
        Outcome {
            policy: self,
            values,
            fired,
            verdicts,
        }
    }

    /// Steps 3 to 6 for one action.
    pub fn decide(&self, action: ActionId, fired: &[bool]) -> ActionVerdict {
        // Step 3: the conclusions on the action of the rules that fired.
        let mut k: Vec<(RuleId, Modality)> = Vec::new();
        for (r, rule) in self.rules.iter().enumerate() {
            if !fired[r] {
                continue;
            }
            for c in &rule.conclusions {
                if let Target::Action(a, m) = c.target
                    && a == action
                {
                    k.push((r, m));
                }
            }
        }
        // Step 4: remove what a rule in K overrides, all decided on K at once.
        let kept: Vec<(RuleId, Modality)> = k
            .iter()
            .copied()
            .filter(|&(r, _)| !k.iter().any(|&(w, _)| self.overrides(w, r)))
            .collect();
        // Step 5: a requirement's conclusion removes every permission.
        let kept: Vec<(RuleId, Modality)> =
            if kept.iter().any(|&(r, _)| self.rules[r].is_requirement()) {
                kept.into_iter()
                    .filter(|&(_, m)| m != Modality::May)
                    .collect()
            } else {
                kept
            };
        // Step 6: the verdict.
        let has = |m| kept.iter().any(|&(_, x)| x == m);
        let verdict = if kept.is_empty() {
            match self.actions[action].default {
                Some(DefaultVerdict::Permitted) => Verdict::Permitted,
                Some(DefaultVerdict::Forbidden) => Verdict::Forbidden,
                None => Verdict::Undecided,
            }
        } else if has(Modality::MustNot) && (has(Modality::May) || has(Modality::Must)) {
            Verdict::Conflict
        } else if has(Modality::Must) {
            Verdict::Required
        } else if has(Modality::May) {
            Verdict::Permitted
        } else {
            Verdict::Forbidden
        };
        let mut by: Vec<RuleId> = kept.iter().map(|&(r, _)| r).collect();
        by.dedup();
        ActionVerdict { verdict, by }
    }
}
