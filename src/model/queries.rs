//! Questions about a checked policy that several stages ask: which facts are inputs, which
//! rules conclude on what, what a case's values are called.

use super::case::Case;
use super::case_block::ExpectTarget;
use super::policy::Policy;
use super::types::{ActionId, FactId, FactType, RuleId, Value};
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

    /// The actions of these names, in that order, or every action when none is named. The
    /// error names the first name that is not an action, with a suggestion.
    pub fn actions_named(&self, names: &[String]) -> Result<Vec<ActionId>, String> {
        if names.is_empty() {
            return Ok((0..self.actions.len()).collect());
        }
        names
            .iter()
            .map(|n| match self.symbol(n) {
                Some(super::types::Symbol::Action(a)) => Ok(a),
                Some(super::types::Symbol::Fact(_)) => Err(format!(
                    "`{n}` is a fact; only actions can be chosen (derived facts are explained where a rule uses them)"
                )),
                None => {
                    let actions = self.actions.iter().map(|a| a.name.as_str());
                    let mut message = format!("unknown action `{n}`");
                    if let Some(hint) = crate::diagnostic::did_you_mean(n, actions) {
                        message.push_str(&format!("; {hint}"));
                    }
                    Err(message)
                }
            })
            .collect()
    }

    /// What a case block can expect, in full: every action, then every derived fact, in
    /// declaration order.
    pub fn expectable(&self) -> Vec<ExpectTarget> {
        (0..self.actions.len())
            .map(ExpectTarget::Action)
            .chain(self.derived_facts().map(ExpectTarget::Fact))
            .collect()
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
