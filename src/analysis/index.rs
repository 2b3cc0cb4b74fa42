//! What the analysis looks up again and again, computed once: who concludes what, which
//! rules read which facts, and the cone of influence of each action and derived fact.

use crate::model::{ActionId, FactId, Modality, Policy, RuleId, Target};

#[derive(Clone, Debug)]
pub struct Index {
    /// Per fact: the rules that conclude it, in source order.
    pub concluders: Vec<Vec<RuleId>>,
    /// Per action: the conclusions on it, in source order.
    pub on_action: Vec<Vec<(RuleId, Modality)>>,
    /// Per rule: the facts its condition mentions, once each.
    pub mentions: Vec<Vec<FactId>>,
    /// Per fact: the rules whose condition mentions it.
    pub users: Vec<Vec<RuleId>>,
    /// Per rule: the actions it concludes on, ascending.
    pub actions_of: Vec<Vec<ActionId>>,
    /// Per rule: whether it concludes a (derived) fact.
    pub derives: Vec<bool>,
    /// Per derived fact: its place in the derivation order.
    pub derive_pos: Vec<usize>,
}

impl Index {
    pub fn new(policy: &Policy) -> Self {
        let (nf, nr) = (policy.facts().len(), policy.rules().len());
        let mut index = Index {
            concluders: vec![Vec::new(); nf],
            on_action: vec![Vec::new(); policy.actions().len()],
            mentions: Vec::with_capacity(nr),
            users: vec![Vec::new(); nf],
            actions_of: vec![Vec::new(); nr],
            derives: vec![false; nr],
            derive_pos: vec![usize::MAX; nf],
        };
        for (r, rule) in policy.rules().iter().enumerate() {
            for c in &rule.conclusions {
                match c.target {
                    Target::Fact(f) => {
                        index.derives[r] = true;
                        if index.concluders[f].last() != Some(&r) {
                            index.concluders[f].push(r);
                        }
                    }
                    Target::Action(a, m) => {
                        index.on_action[a].push((r, m));
                        if !index.actions_of[r].contains(&a) {
                            index.actions_of[r].push(a);
                        }
                    }
                }
            }
            index.actions_of[r].sort_unstable();
            let mut m = Vec::new();
            rule.for_each_fact(&mut |f| {
                if !m.contains(&f) {
                    m.push(f);
                }
            });
            for &f in &m {
                index.users[f].push(r);
            }
            index.mentions.push(m);
        }
        for (i, &f) in policy.derivation_order().iter().enumerate() {
            index.derive_pos[f] = i;
        }
        index
    }
}

/// The part of the policy that decides one action or derived fact: the rules that conclude
/// on it, the derived facts their conditions read, the rules that conclude those, and so on.
#[derive(Clone, Debug, Default)]
pub struct Cone {
    /// Ascending (source order).
    pub rules: Vec<RuleId>,
    /// Derived facts in derivation order.
    pub derived: Vec<FactId>,
    /// Every fact the cone's conditions mention, ascending. (A fact a rule of the cone
    /// derives but no rule of it reads is not in the cone: it cannot change its target.)
    pub facts: Vec<FactId>,
}

/// Marks reused from cone to cone, so that building a cone costs its own size.
#[derive(Clone, Debug)]
pub struct Marks {
    stamp: u32,
    rule: Vec<u32>,
    fact: Vec<u32>,
}

impl Marks {
    pub fn new(policy: &Policy) -> Self {
        Marks {
            stamp: 0,
            rule: vec![0; policy.rules().len()],
            fact: vec![0; policy.facts().len()],
        }
    }
}

impl Cone {
    /// The cone of the rules `seeds`.
    pub fn of(policy: &Policy, index: &Index, seeds: &[RuleId], marks: &mut Marks) -> Cone {
        marks.stamp += 1;
        let stamp = marks.stamp;
        let mut cone = Cone::default();
        let mut stack: Vec<RuleId> = Vec::new();
        for &r in seeds {
            if marks.rule[r] != stamp {
                marks.rule[r] = stamp;
                stack.push(r);
            }
        }
        while let Some(r) = stack.pop() {
            cone.rules.push(r);
            for &f in &index.mentions[r] {
                if marks.fact[f] == stamp {
                    continue;
                }
                marks.fact[f] = stamp;
                cone.facts.push(f);
                if policy.fact(f).derived {
                    cone.derived.push(f);
                    for &q in &index.concluders[f] {
                        if marks.rule[q] != stamp {
                            marks.rule[q] = stamp;
                            stack.push(q);
                        }
                    }
                }
            }
        }
        cone.rules.sort_unstable();
        cone.facts.sort_unstable();
        cone.derived.sort_unstable_by_key(|&f| index.derive_pos[f]);
        cone
    }
}
