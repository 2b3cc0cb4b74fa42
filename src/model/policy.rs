//! The checked policy: immutable once built, its parts read through accessors.

use super::case::CaseBuilder;
use super::case_block::CaseBlock;
use super::case_flat::FlatReader;
use super::compile::Program;
use super::graph::Closure;
use super::rule::Rule;
use super::types::{Action, ActionId, Fact, FactId, RuleId, Symbol};
use crate::diagnostic::Diagnostic;
use crate::source::Source;
use std::collections::HashMap;

/// A checked policy: every name resolved, every type checked, and compiled for evaluation.
///
/// It is built only by [`Policy::parse`] and its siblings (`model/build.rs`), and never
/// changes afterwards, so the data derived from its declarations stays true.
#[derive(Clone, Debug)]
pub struct Policy {
    pub(super) source: Source,
    pub(super) title: Option<String>,
    pub(super) sources: Vec<String>,
    pub(super) facts: Vec<Fact>,
    pub(super) actions: Vec<Action>,
    pub(super) rules: Vec<Rule>,
    pub(super) cases: Vec<CaseBlock>,
    /// What is wrong but does not stop the policy: case blocks that expect nothing.
    pub(super) warnings: Vec<Diagnostic>,
    /// INVARIANT: maps each name of `facts` and `actions` to its index, and nothing else.
    pub(super) symbols: HashMap<String, Symbol>,
    /// INVARIANT: maps each rule's id to its index in `rules`.
    pub(super) rule_ids: HashMap<String, RuleId>,
    /// INVARIANT: every derived fact of `facts`, each after every derived fact its rules'
    /// conditions mention.
    pub(super) derived_order: Vec<FactId>,
    /// INVARIANT: the transitive closure of the rules' `overrides`, which has no cycle.
    pub(super) overrides_all: Closure,
    /// INVARIANT: per fact, the rules concluding it; per action, the rules concluding on
    /// it; each in source order, each rule once.
    pub(super) deriving: Vec<Vec<RuleId>>,
    pub(super) deciding: Vec<Vec<RuleId>>,
    /// INVARIANT: reads cases of exactly `facts`' input facts, each into its own index.
    pub(super) flat: FlatReader,
    /// INVARIANT: compiled from `facts`, `actions`, `rules`, `derived_order` and
    /// `overrides_all` as they are; the evaluator trusts its slots and indexes blindly.
    pub(super) program: Program,
}

impl Policy {
    /// The text it was built from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The `policy "..."` header.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The `source "..."` lines, in order.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// Every fact, in declaration order ([`FactId`] indexes it).
    pub fn facts(&self) -> &[Fact] {
        &self.facts
    }

    /// One fact.
    pub fn fact(&self, f: FactId) -> &Fact {
        &self.facts[f]
    }

    /// Every action, in declaration order ([`ActionId`] indexes it).
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// One action.
    pub fn action(&self, a: ActionId) -> &Action {
        &self.actions[a]
    }

    /// Every rule, in source order ([`RuleId`] indexes it).
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// One rule.
    pub fn rule(&self, r: RuleId) -> &Rule {
        &self.rules[r]
    }

    /// The `case` blocks, in source order.
    pub fn cases(&self) -> &[CaseBlock] {
        &self.cases
    }

    /// The warnings of the checks, in source order (the errors make a [`Failure`](super::Failure)
    /// instead).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// What a fact or action name stands for.
    pub fn symbol(&self, name: &str) -> Option<Symbol> {
        self.symbols.get(name).copied()
    }

    /// The fact of that name.
    pub fn fact_id(&self, name: &str) -> Option<FactId> {
        match self.symbol(name) {
            Some(Symbol::Fact(f)) => Some(f),
            _ => None,
        }
    }

    /// The action of that name.
    pub fn action_id(&self, name: &str) -> Option<ActionId> {
        match self.symbol(name) {
            Some(Symbol::Action(a)) => Some(a),
            _ => None,
        }
    }

    /// The rule of that id (a name, or `@LINE`).
    pub fn rule_id(&self, id: &str) -> Option<RuleId> {
        self.rule_ids.get(id).copied()
    }

    /// Derived facts in an order where each comes after those it depends on.
    pub fn derivation_order(&self) -> &[FactId] {
        &self.derived_order
    }

    /// The rules `r` overrides, directly or transitively, sorted.
    pub fn overridden_by(&self, r: RuleId) -> &[RuleId] {
        self.overrides_all.overridden_by(r)
    }

    /// Whether `winner` overrides `loser`, directly or transitively.
    pub fn overrides(&self, winner: RuleId, loser: RuleId) -> bool {
        self.overrides_all.overrides(winner, loser)
    }

    /// Whether some rule overrides `loser`.
    pub fn is_overridden(&self, loser: RuleId) -> bool {
        self.overrides_all.is_overridden(loser)
    }

    /// The reader of flat JSON cases.
    pub(crate) fn flat_reader(&self) -> &FlatReader {
        &self.flat
    }

    /// The policy compiled for evaluation.
    pub(crate) fn program(&self) -> &Program {
        &self.program
    }

    /// Starts building a case in code; see [`CaseBuilder`].
    pub fn case(&self) -> CaseBuilder<'_> {
        CaseBuilder::new(self)
    }
}
