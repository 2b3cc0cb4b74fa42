//! The questions of `lint` about pairs of conclusions on one action, asked of its cone:
//! conflicts (two contradicting conclusions that can both remain) and shadowed conclusions
//! (one that can fire but never remains), with the rules that remove them.

use super::AnalysisError;
use super::candidates::{Sparse, minimize, set_facts};
use super::cone_run::ConeRun;
use super::messages;
use super::world::ActionLits;
use crate::eval::Verdict;
use crate::model::{ActionId, Modality, RuleId};
use rustsat::solvers::SolveIncremental;
use rustsat::types::Lit;

impl<S: SolveIncremental + Default> ConeRun<'_, '_, '_, S> {
    /// Every pair of rules whose contradicting conclusions on `a` can both remain.
    pub fn conflicts(&mut self, a: ActionId, enc: &ActionLits) -> Result<(), AnalysisError> {
        let policy = self.run.policy;
        let mut rules: Vec<RuleId> = enc
            .kept
            .iter()
            .map(|x| x.0)
            .filter(|&r| self.run.known.fires[r] == Some(true))
            .collect();
        rules.dedup();
        // Per rule: the literal that one of its conclusions remains, and whether it forbids.
        let sides: Vec<(RuleId, Lit, bool)> = rules
            .iter()
            .map(|&r| {
                let lits: Vec<Lit> = enc.kept.iter().filter(|x| x.0 == r).map(|x| x.2).collect();
                let forbids = enc
                    .kept
                    .iter()
                    .any(|x| x.0 == r && x.1 == Modality::MustNot);
                (r, self.circuit.or(&lits), forbids)
            })
            .collect();
        if !sides.iter().any(|s| s.2) || sides.iter().all(|s| s.2) {
            return Ok(());
        }
        for i in 0..sides.len() {
            for j in i + 1..sides.len() {
                let (r1, l1, forbids1) = sides[i];
                let (r2, l2, forbids2) = sides[j];
                if forbids1 == forbids2 || policy.overrides(r1, r2) || policy.overrides(r2, r1) {
                    continue;
                }
                let Some(case) = self.conflict_case(a, r1, r2, l1, l2)? else {
                    continue;
                };
                let name = &policy.action(a).name;
                let (x, y) = (r1, r2);
                let full = self.checked(&format!("the conflict on `{name}`"), &case, |ev| {
                    ev.verdict(a) == Verdict::Conflict
                        && ev.by(a).contains(&x)
                        && ev.by(a).contains(&y)
                })?;
                let witness = self.run.witnesses.of(policy, &case);
                let d = messages::conflict(policy, a, r1, r2, &full, witness);
                self.run.out.push(d);
            }
        }
        Ok(())
    }

    /// A case where both rules' contradicting conclusions on `a` remain: their smallest
    /// firing cases merged, if the evaluator confirms it, else the solver's.
    fn conflict_case(
        &mut self,
        a: ActionId,
        r1: RuleId,
        r2: RuleId,
        l1: Lit,
        l2: Lit,
    ) -> Result<Option<Sparse>, AnalysisError> {
        self.ensure_minimal(r1);
        self.ensure_minimal(r2);
        let policy = self.run.policy;
        let known = &self.run.known;
        if let (Some(m1), Some(m2)) = (&known.minimal[r1], &known.minimal[r2]) {
            // The facts each sets, together: where one rule needs a fact set, the other's
            // first value of it gives way.
            let mut merged = set_facts(policy, m1.clone());
            let theirs = set_facts(policy, m2.clone());
            merged.retain(|(f, _)| theirs.iter().all(|(g, _)| g != f));
            merged.extend(theirs);
            merged.sort_unstable_by_key(|x| x.0);
            self.eval.run(&mut self.run.evaluator, &[&merged]);
            if self.eval.conflicts(&mut self.run.evaluator, a, r1, r2) {
                return Ok(Some(merged));
            }
        }
        if !self.sat(&[l1, l2])? {
            return Ok(None);
        }
        let mut case = set_facts(self.run.policy, self.model());
        let (eval, evaluator) = (&self.eval, &mut self.run.evaluator);
        minimize(&mut case, |c| {
            eval.run(evaluator, &[c]);
            eval.conflicts(evaluator, a, r1, r2)
        });
        Ok(Some(case))
    }

    /// Whether each rule concluding on `a` keeps a conclusion on it in some case where it
    /// fires; for those that do not, the rules that remove theirs.
    pub fn shadowed(
        &mut self,
        a: ActionId,
        seeds: &[RuleId],
        enc: &ActionLits,
    ) -> Result<(), AnalysisError> {
        let policy = self.run.policy;
        for &r in seeds {
            let known = &self.run.known;
            if known.fires[r] != Some(true) || self.run.index.derives[r] || known.takes_effect[r] {
                continue;
            }
            self.ensure_minimal(r);
            if let Some(m) = &self.run.known.minimal[r] {
                self.eval.run(&mut self.run.evaluator, &[m]);
                let (_, by) = self.run.evaluator.decide_alone(a);
                if by.contains(&r) {
                    self.run.known.takes_effect[r] = true;
                    continue;
                }
            }
            let kept: Vec<Lit> = enc.kept.iter().filter(|x| x.0 == r).map(|x| x.2).collect();
            let any = self.circuit.or(&kept);
            let fire = self.fires(r);
            if self.sat(&[fire, any])? {
                // The model shows every rule whose conclusion it keeps taking effect.
                for x in &enc.kept {
                    if self.circuit.value(x.2) {
                        self.run.known.takes_effect[x.0] = true;
                    }
                }
                continue;
            }
            self.removers(r, enc)?;
            let last = self.run.index.actions_of[r].last() == Some(&a);
            if !last || self.run.known.takes_effect[r] {
                continue;
            }
            // Shadowed on every action it concludes on.
            self.run.known.shadowed[r] = true;
            self.ensure_minimal(r);
            let case = match self.run.known.minimal[r].clone() {
                Some(m) => m,
                None => {
                    self.sat(&[fire])?;
                    self.model()
                }
            };
            let n = policy.actions().len();
            let full = self.checked(
                &format!("shadowed rule `{}`", policy.rule(r).id),
                &case,
                |ev| ev.fired(r) && (0..n).all(|a| !ev.by(a).contains(&r)),
            )?;
            let mut removers = std::mem::take(&mut self.run.known.removers[r]);
            removers.sort_unstable();
            removers.dedup();
            let witness = self.run.witnesses.of(policy, &case);
            let d = messages::shadowed(policy, r, &removers, &full, witness);
            self.run.out.push(d);
        }
        Ok(())
    }

    /// The rules that remove `r`'s conclusions on this action in some case where it fires: a
    /// rule that overrides it and concludes on the action (step 4), or a requirement whose
    /// conclusion remains after step 4 while a permission of `r` does too (step 5).
    fn removers(&mut self, r: RuleId, enc: &ActionLits) -> Result<(), AnalysisError> {
        let policy = self.run.policy;
        let fire = self.fires(r);
        let mine: Vec<usize> = (0..enc.kept.len())
            .filter(|&i| enc.kept[i].0 == r)
            .collect();
        for (i, &(w, _, _)) in enc.kept.iter().enumerate() {
            if w == r || self.run.known.removers[r].contains(&w) {
                continue;
            }
            let removes = if policy.overrides(w, r) {
                let wf = self.fires(w);
                self.sat(&[fire, wf])?
            } else if policy.rule(w).is_requirement() {
                let mut hit = false;
                for &j in mine.iter().filter(|&&j| enc.kept[j].1 == Modality::May) {
                    if self.sat(&[fire, enc.kept4[i], enc.kept4[j]])? {
                        hit = true;
                        break;
                    }
                }
                hit
            } else {
                false
            };
            if removes {
                self.run.known.removers[r].push(w);
            }
        }
        Ok(())
    }
}
