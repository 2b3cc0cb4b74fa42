//! Questions about a checked policy that several stages ask: which facts are inputs, which
//! rules conclude on what, what a case's values are called.

use super::case::Case;
use super::case_block::ExpectTarget;
use super::policy::Policy;
use super::rule::{Modality, Target};
use super::types::{ActionId, DefaultVerdict, FactId, FactType, RuleId, Value, Verdict};
use crate::diagnostic::Literal;

impl Policy {
    /// Input facts in declaration order.
    pub fn input_facts(&self) -> impl Iterator<Item = FactId> + '_ {
        (0..self.facts.len()).filter(|&f| !self.facts[f].derived)
    }

    /// Derived facts in declaration order.
    pub fn derived_facts(&self) -> impl Iterator<Item = FactId> + '_ {
        (0..self.facts.len()).filter(|&f| self.facts[f].derived)
    }

    /// The rules that conclude on an action, in source order.
    pub fn rules_on(&self, action: ActionId) -> &[RuleId] {
        &self.deciding[action]
    }

    /// The rules that derive a fact, in source order.
    pub fn rules_deriving(&self, fact: FactId) -> &[RuleId] {
        &self.deriving[fact]
    }

    /// What a case block can expect, in full: every action, then every derived fact, in
    /// declaration order.
    pub fn expectable(&self) -> Vec<ExpectTarget> {
        (0..self.actions.len())
            .map(ExpectTarget::Action)
            .chain(self.derived_facts().map(ExpectTarget::Fact))
            .collect()
    }

    /// The verdicts an action can get by its rules and default: `permitted` with a `may`
    /// or a permitting default, `required` with a `must`, `forbidden` with a `must not`
    /// (requirements included) or a forbidding default, `undecided` without a default.
    /// `conflict` is left out: no case should reach it. Whether a case can reach each one is
    /// not decided here (`lint` finds rules that never or always fire).
    pub fn possible_verdicts(&self, action: ActionId) -> Vec<Verdict> {
        let has = |m: Modality| {
            self.rules.iter().any(|r| {
                r.conclusions
                    .iter()
                    .any(|c| c.target == Target::Action(action, m))
            })
        };
        let default = self.actions[action].default;
        let mut out = Vec::new();
        if has(Modality::May) || default == Some(DefaultVerdict::Permitted) {
            out.push(Verdict::Permitted);
        }
        if has(Modality::MustNot) || default == Some(DefaultVerdict::Forbidden) {
            out.push(Verdict::Forbidden);
        }
        if has(Modality::Must) {
            out.push(Verdict::Required);
        }
        if default.is_none() {
            out.push(Verdict::Undecided);
        }
        out
    }

    /// The user-facing form of a fact's value.
    pub fn literal(&self, fact: FactId, value: Value) -> Literal {
        match (value, &self.facts[fact].ty) {
            (Value::Enum(v), FactType::Enum(vs)) => {
                Literal::Variant(vs.get(v as usize).cloned().unwrap_or_default())
            }
            (Value::Int(n), _) => Literal::Int(n),
            (Value::Bool(b), _) => Literal::Bool(b),
            (Value::Enum(v), _) => Literal::Int(i64::from(v)),
        }
    }

    /// A case as `name = value` pairs over the input facts, in declaration order.
    pub fn case_literals(&self, case: &Case) -> Vec<(String, Literal)> {
        self.input_facts()
            .map(|f| (self.facts[f].name.clone(), self.literal(f, case.values[f])))
            .collect()
    }
}
