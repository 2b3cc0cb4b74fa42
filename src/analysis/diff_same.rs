//! Which actions and derived facts an edit cannot have changed: their cones are the same in
//! both versions, rule for rule, up to names of rules, positions and descriptions.
//!
//! Two cones are the same when the rules deciding the target come in the same order with
//! the same form (requirement or not), the same conditions (facts paired by name, each an
//! input of one kind in both versions or derived in both, and itself unchanged; enum tests
//! compared on the variants both versions declare; the same integer comparisons), the same
//! modalities on the action, the same transitive `overrides` among them, and the action the
//! same default. Then every diff case gets the same verdict word (and the same derived
//! fact) from both versions, so no solver is needed: an edit costs the cones it touches.

use super::diff_facts::Pairing;
use super::diff_result::Side;
use super::index::Index;
use crate::model::{ActionId, Cond, FactId, Policy, RuleId, RuleKind};

const NONE: u32 = u32::MAX;

/// The structural comparison of the two versions, with what it has settled.
pub(super) struct Sameness<'a> {
    old: &'a Policy,
    new: &'a Policy,
    pairing: &'a Pairing,
    /// Per fact of the new version derived in both: whether it is unchanged.
    derived_same: Vec<bool>,
    /// Per rule of each version: its position among the rules of the action compared.
    old_pos: Vec<u32>,
    new_pos: Vec<u32>,
}

impl<'a> Sameness<'a> {
    /// Settles every derived fact, in the new version's derivation order (each after those
    /// its rules read).
    pub fn new(
        old: &'a Policy,
        new: &'a Policy,
        pairing: &'a Pairing,
        old_index: &Index,
        new_index: &Index,
    ) -> Self {
        let mut s = Sameness {
            old,
            new,
            pairing,
            derived_same: vec![false; new.facts().len()],
            old_pos: vec![NONE; old.rules().len()],
            new_pos: vec![NONE; new.rules().len()],
        };
        for &fnew in new.derivation_order() {
            let Some(fold) = old.fact_id(&new.fact(fnew).name) else {
                continue;
            };
            if s.pairing.same[fold] != Some(fnew) {
                continue;
            }
            let (a, b) = (&old_index.concluders[fold], &new_index.concluders[fnew]);
            let same = a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| s.same_rule(x, y));
            s.derived_same[fnew] = same;
        }
        s
    }

    /// Whether the new version's derived fact `f` is unchanged.
    pub fn derived(&self, f: FactId) -> bool {
        self.derived_same[f]
    }

    /// Whether an action of both versions is decided the same in every diff case.
    pub fn action(
        &mut self,
        old_index: &Index,
        new_index: &Index,
        a_old: ActionId,
        a_new: ActionId,
    ) -> bool {
        if self.old.action(a_old).default != self.new.action(a_new).default {
            return false;
        }
        let (ko, kn) = (&old_index.on_action[a_old], &new_index.on_action[a_new]);
        if ko.len() != kn.len() {
            return false;
        }
        // The same modalities of rules that are the same, and one rule on one side where
        // there is one rule on the other.
        let mut same = true;
        let mut count = 0u32;
        for (&(ro, mo), &(rn, mn)) in ko.iter().zip(kn) {
            let (po, pn) = (self.old_pos[ro], self.new_pos[rn]);
            if po != pn {
                same = false;
                break;
            }
            if po == NONE {
                if mo != mn || !self.same_rule(ro, rn) {
                    same = false;
                    break;
                }
                self.old_pos[ro] = count;
                self.new_pos[rn] = count;
                count += 1;
            } else if mo != mn {
                same = false;
                break;
            }
        }
        same = same && self.same_overrides(ko, kn);
        for &(r, _) in ko {
            self.old_pos[r] = NONE;
        }
        for &(r, _) in kn {
            self.new_pos[r] = NONE;
        }
        same
    }

    /// Whether the transitive `overrides` among the rules on the action (numbered in
    /// `old_pos`, `new_pos`) are the same.
    fn same_overrides(
        &self,
        ko: &[(RuleId, crate::model::Modality)],
        kn: &[(RuleId, crate::model::Modality)],
    ) -> bool {
        let under = |policy: &Policy, pos: &[u32], w: RuleId| -> Vec<u32> {
            let mut v: Vec<u32> = policy
                .overridden_by(w)
                .iter()
                .map(|&q| pos[q])
                .filter(|&p| p != NONE)
                .collect();
            v.sort_unstable();
            v
        };
        let mut last = (usize::MAX, usize::MAX);
        for (&(ro, _), &(rn, _)) in ko.iter().zip(kn) {
            if (ro, rn) == last {
                continue;
            }
            last = (ro, rn);
            if under(self.old, &self.old_pos, ro) != under(self.new, &self.new_pos, rn) {
                return false;
            }
        }
        true
    }

    /// Whether two rules fire in the same diff cases: the same form and the same
    /// conditions.
    fn same_rule(&self, ro: RuleId, rn: RuleId) -> bool {
        let (a, b) = (&self.old.rule(ro).kind, &self.new.rule(rn).kind);
        match (a, b) {
            (
                RuleKind::Conditional {
                    when: w1,
                    unless: u1,
                },
                RuleKind::Conditional {
                    when: w2,
                    unless: u2,
                },
            ) => self.same_part(w1, w2) && self.same_part(u1, u2),
            (RuleKind::Requirement { condition: c1 }, RuleKind::Requirement { condition: c2 }) => {
                self.same_cond(c1, c2)
            }
            _ => false,
        }
    }

    fn same_part(&self, a: &Option<Cond>, b: &Option<Cond>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(x), Some(y)) => self.same_cond(x, y),
            _ => false,
        }
    }

    /// Whether the old fact `fo` and the new fact `fnew` are one fact, unchanged.
    fn same_fact(&self, fo: FactId, fnew: FactId) -> bool {
        self.pairing.same[fo] == Some(fnew)
            && (!self.new.fact(fnew).derived || self.derived_same[fnew])
    }

    /// Whether two conditions hold in the same diff cases, read as written. Conditions nest
    /// at most as deep as the parser allows.
    fn same_cond(&self, a: &Cond, b: &Cond) -> bool {
        match (a, b) {
            (Cond::Const(x), Cond::Const(y)) => x == y,
            (Cond::Fact(x), Cond::Fact(y)) => self.same_fact(*x, *y),
            (Cond::OneOf(x, s1, _), Cond::OneOf(y, s2, _)) => {
                if !self.same_fact(*x, *y) {
                    return false;
                }
                let Some(d) = self.pairing.of(Side::New, *y) else {
                    return false;
                };
                let fact = &self.pairing.facts[d];
                let width = match &fact.domain {
                    super::diff_facts::Domain::Enum(vs) => vs.len(),
                    _ => return false,
                };
                (0..width as u32).all(|v| {
                    let at = |side: Side, set: &[bool]| match fact
                        .on_side(side, crate::model::Value::Enum(v))
                    {
                        crate::model::Value::Enum(i) => {
                            set.get(i as usize).copied().unwrap_or(false)
                        }
                        _ => false,
                    };
                    at(Side::Old, s1) == at(Side::New, s2)
                })
            }
            (Cond::Compare(x, o1, n1), Cond::Compare(y, o2, n2)) => {
                self.same_fact(*x, *y) && o1 == o2 && n1 == n2
            }
            (Cond::Not(x), Cond::Not(y)) => self.same_cond(x, y),
            (Cond::And(xs), Cond::And(ys)) | (Cond::Or(xs), Cond::Or(ys)) => {
                xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| self.same_cond(x, y))
            }
            _ => false,
        }
    }
}
