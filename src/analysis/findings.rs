//! The eight findings of section 11 of `docs/language.md`, decided cone by cone.
//!
//! Each action, then each derived fact, is a *target*: the rules that conclude on it and,
//! through the derived facts their conditions read, every rule that can change it form its
//! cone, which gets its own incremental solver. A finding about a rule splits into questions
//! about the targets it concludes on, so no query ever sees the rest of the policy:
//!
//! - `never-fires`, `always-fires`: asked once per rule, in the first cone that holds it;
//!   every model a query returns also answers these questions for the other rules of the
//!   cone (a rule seen firing does not "never fire"), so most are never asked.
//! - `conflict`: per action, only for pairs of rules with contradicting modalities on it,
//!   neither overriding the other, neither dead.
//! - `shadowed-rule`: a rule is shadowed when, on every action it concludes on, no case keeps
//!   one of its conclusions while it fires; a model that keeps a conclusion clears its rule.
//! - `redundant-rule`: deleting a rule changes nothing when it changes no target's verdict
//!   or value; each target asks only about the rules of its cone not yet known to matter.

use super::AnalysisError;
use super::encode::{ActionEnc, Encoder, Locals, World};
use super::index::{Cone, Index, Marks};
use super::messages;
use crate::diagnostic::Diagnostic;
use crate::eval::{Evaluator, Verdict};
use crate::model::{ActionId, Case, FactId, Modality, Policy, RuleId};
use rustsat::solvers::SolveIncremental;
use rustsat::types::Lit;

/// What is known about each rule so far.
struct Known {
    /// `Some` once asked.
    never: Vec<Option<bool>>,
    /// `always-fires` settled.
    always_done: Vec<bool>,
    /// Seen firing, seen not firing, in some model.
    seen_fire: Vec<bool>,
    seen_quiet: Vec<bool>,
    /// Some case keeps one of its conclusions while it fires.
    takes_effect: Vec<bool>,
    removers: Vec<Vec<RuleId>>,
    shadowed: Vec<bool>,
    /// Deleting it changes some verdict or derived fact in some case.
    matters: Vec<bool>,
}

struct Run<'p> {
    policy: &'p Policy,
    index: Index,
    known: Known,
    out: Vec<Diagnostic>,
    evaluator: Evaluator<'p>,
}

/// One target's cone on its solver.
struct ConeRun<'r, 'p, 'c, S> {
    run: &'r mut Run<'p>,
    encoder: Encoder<'c, S>,
    cone: &'c Cone,
}

pub(super) fn all<S: SolveIncremental + Default>(
    policy: &Policy,
) -> Result<Vec<Diagnostic>, AnalysisError> {
    let n = policy.rules().len();
    let mut run = Run {
        policy,
        index: Index::new(policy),
        known: Known {
            never: vec![None; n],
            always_done: vec![false; n],
            seen_fire: vec![false; n],
            seen_quiet: vec![false; n],
            takes_effect: vec![false; n],
            removers: vec![Vec::new(); n],
            shadowed: vec![false; n],
            matters: vec![false; n],
        },
        out: Vec::new(),
        evaluator: Evaluator::new(policy),
    };
    messages::unused(policy, &mut run.out);
    let mut marks = Marks::new(policy);
    let mut locals = Locals::new(policy);
    for a in 0..policy.actions().len() {
        let mut seeds: Vec<RuleId> = run.index.on_action[a].iter().map(|x| x.0).collect();
        seeds.dedup();
        if seeds.is_empty() {
            continue;
        }
        let cone = Cone::of(policy, &run.index, &seeds, &mut marks);
        let mut c = ConeRun {
            encoder: Encoder::<S>::new(policy, &run.index, &cone, locals),
            run: &mut run,
            cone: &cone,
        };
        let base = c.encoder.world(policy, &c.run.index, None);
        c.rules(&base)?;
        let enc = c.encoder.action(policy, &c.run.index, a, &base, None);
        c.conflicts(a, &enc)?;
        c.shadowed(a, &seeds, &base, &enc)?;
        c.redundant(Target::Action(a), &base, &enc)?;
        locals = c.encoder.into_locals();
    }
    for &f in policy.derivation_order() {
        let seeds = run.index.concluders[f].clone();
        let cone = Cone::of(policy, &run.index, &seeds, &mut marks);
        let open = cone.rules.iter().any(|&r| match run.known.never[r] {
            None => true,
            Some(never) => !never && !run.known.matters[r] && !run.known.shadowed[r],
        });
        if !open {
            continue;
        }
        let mut c = ConeRun {
            encoder: Encoder::<S>::new(policy, &run.index, &cone, locals),
            run: &mut run,
            cone: &cone,
        };
        let base = c.encoder.world(policy, &c.run.index, None);
        c.rules(&base)?;
        let lit = c.fact_lit(f, &base);
        let dummy = ActionEnc {
            kept: Vec::new(),
            kept4: Vec::new(),
            verdict: [lit; 5],
        };
        c.redundant(Target::Fact(f), &base, &dummy)?;
        locals = c.encoder.into_locals();
    }
    for r in 0..n {
        if run.known.never[r] == Some(false) && !run.known.shadowed[r] && !run.known.matters[r] {
            run.out.push(messages::redundant(policy, r));
        }
    }
    Ok(run.out)
}

#[derive(Clone, Copy, Debug)]
enum Target {
    Action(ActionId),
    Fact(FactId),
}

impl<S: SolveIncremental + Default> ConeRun<'_, '_, '_, S> {
    fn sat(&mut self, assumptions: &[Lit]) -> Result<bool, AnalysisError> {
        self.encoder
            .sat(assumptions)
            .ok_or_else(|| AnalysisError(self.encoder.error.clone().unwrap_or_default()))
    }

    /// The witness of the last satisfiable query, checked by the evaluator with `check`.
    fn witness(
        &mut self,
        what: &str,
        check: impl Fn(&Evaluator) -> bool,
    ) -> Result<Case, AnalysisError> {
        let policy = self.run.policy;
        let case = self.encoder.witness(policy);
        self.run.evaluator.evaluate(&case);
        if check(&self.run.evaluator) {
            Ok(case)
        } else {
            Err(AnalysisError(format!(
                "internal error: the witness for {what} does not reproduce it: {}",
                policy.case_text("witness", &case, &[])
            )))
        }
    }

    /// Notes which rules of the cone fire in the last model.
    fn note_firings(&mut self, base: &World) {
        for &r in &self.cone.rules {
            if self.encoder.value(self.encoder.fires(base, r)) {
                self.run.known.seen_fire[r] = true;
            } else {
                self.run.known.seen_quiet[r] = true;
            }
        }
    }

    /// `never-fires` and `always-fires` for the rules of the cone not yet asked about.
    fn rules(&mut self, base: &World) -> Result<(), AnalysisError> {
        let policy = self.run.policy;
        for &r in &self.cone.rules {
            let fire = self.encoder.fires(base, r);
            if self.run.known.never[r].is_none() {
                let fires = self.run.known.seen_fire[r] || {
                    let sat = self.sat(&[fire])?;
                    if sat {
                        self.note_firings(base);
                    }
                    sat
                };
                self.run.known.never[r] = Some(!fires);
                if !fires {
                    self.run.out.push(messages::never_fires(policy, r));
                }
            }
            if self.run.known.never[r] == Some(false) && !self.run.known.always_done[r] {
                self.run.known.always_done[r] = true;
                if messages::conditional(policy, r) && !self.run.known.seen_quiet[r] {
                    if self.sat(&[!fire])? {
                        self.note_firings(base);
                    } else {
                        self.run.out.push(messages::always_fires(policy, r));
                    }
                }
            }
        }
        Ok(())
    }

    fn conflicts(&mut self, a: ActionId, enc: &ActionEnc) -> Result<(), AnalysisError> {
        let policy = self.run.policy;
        // Per rule: the literal that a `must not` of it remains, and that a `may`/`must` does.
        let mut rules: Vec<RuleId> = enc
            .kept
            .iter()
            .map(|x| x.0)
            .filter(|&r| self.run.known.never[r] == Some(false))
            .collect();
        rules.dedup();
        let side = |encoder: &mut Encoder<S>, r: RuleId, forbid: bool| {
            let ls: Vec<Lit> = enc
                .kept
                .iter()
                .filter(|x| x.0 == r && (x.1 == Modality::MustNot) == forbid)
                .map(|x| x.2)
                .collect();
            (!ls.is_empty()).then(|| encoder.or(&ls))
        };
        let sides: Vec<(RuleId, Option<Lit>, Option<Lit>)> = rules
            .iter()
            .map(|&r| {
                (
                    r,
                    side(&mut self.encoder, r, true),
                    side(&mut self.encoder, r, false),
                )
            })
            .collect();
        // Cheap filter: no query unless both a prohibition and a permission or obligation
        // can remain.
        let forbids = sides.iter().any(|s| s.1.is_some());
        let allows = sides.iter().any(|s| s.2.is_some());
        if !forbids || !allows {
            return Ok(());
        }
        for i in 0..sides.len() {
            for j in i + 1..sides.len() {
                let (r1, f1, a1) = sides[i];
                let (r2, f2, a2) = sides[j];
                if policy.overrides(r1, r2) || policy.overrides(r2, r1) {
                    continue;
                }
                let mut hit = false;
                for (x, y) in [(f1, a2), (a1, f2)] {
                    if let (Some(x), Some(y)) = (x, y)
                        && self.sat(&[x, y])?
                    {
                        hit = true;
                        break;
                    }
                }
                if !hit {
                    continue;
                }
                let name = &policy.action(a).name;
                let case = self.witness(&format!("the conflict on `{name}`"), |ev| {
                    ev.verdict(a) == Verdict::Conflict
                        && ev.by(a).contains(&(r1 as u32))
                        && ev.by(a).contains(&(r2 as u32))
                })?;
                self.run
                    .out
                    .push(messages::conflict(policy, a, r1, r2, &case));
            }
        }
        Ok(())
    }

    /// Whether each rule concluding on `a` keeps a conclusion on it in some case where it
    /// fires; for those that do not, the rules that remove theirs.
    fn shadowed(
        &mut self,
        a: ActionId,
        seeds: &[RuleId],
        base: &World,
        enc: &ActionEnc,
    ) -> Result<(), AnalysisError> {
        let policy = self.run.policy;
        for &r in seeds {
            let known = &self.run.known;
            if known.never[r] != Some(false) || self.run.index.derives[r] || known.takes_effect[r] {
                continue;
            }
            let kept: Vec<Lit> = enc.kept.iter().filter(|x| x.0 == r).map(|x| x.2).collect();
            let any = self.encoder.or(&kept);
            let fire = self.encoder.fires(base, r);
            if self.sat(&[fire, any])? {
                // The model shows every rule whose conclusion it keeps taking effect.
                for x in &enc.kept {
                    if self.encoder.value(x.2) {
                        self.run.known.takes_effect[x.0] = true;
                    }
                }
                continue;
            }
            self.removers(r, base, enc)?;
            let last = self.run.index.actions_of[r].last() == Some(&a);
            if !last || self.run.known.takes_effect[r] {
                continue;
            }
            // Shadowed on every action it concludes on.
            self.run.known.shadowed[r] = true;
            self.sat(&[fire])?;
            let case = self.witness(&format!("shadowed rule `{}`", policy.rule(r).id), |ev| {
                ev.fired(r) && (0..policy.actions().len()).all(|a| !ev.by(a).contains(&(r as u32)))
            })?;
            let mut removers = std::mem::take(&mut self.run.known.removers[r]);
            removers.sort_unstable();
            removers.dedup();
            self.run
                .out
                .push(messages::shadowed(policy, r, &removers, &case));
        }
        Ok(())
    }

    /// The rules that remove `r`'s conclusions on this action in some case where it fires: a
    /// rule that overrides it and concludes on the action (step 4), or a requirement whose
    /// conclusion remains after step 4 while a permission of `r` does too (step 5).
    fn removers(&mut self, r: RuleId, base: &World, enc: &ActionEnc) -> Result<(), AnalysisError> {
        let policy = self.run.policy;
        let fire = self.encoder.fires(base, r);
        let mine: Vec<usize> = (0..enc.kept.len())
            .filter(|&i| enc.kept[i].0 == r)
            .collect();
        for (i, &(w, _, _)) in enc.kept.iter().enumerate() {
            if w == r || self.run.known.removers[r].contains(&w) {
                continue;
            }
            let removes = if policy.overrides(w, r) {
                let wf = self.encoder.fires(base, w);
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

    /// A derived fact's literal: some rule that concludes it fires.
    fn fact_lit(&mut self, f: FactId, w: &World) -> Lit {
        let lits: Vec<Lit> = self.run.index.concluders[f]
            .iter()
            .map(|&r| self.encoder.fires(w, r))
            .collect();
        self.encoder.or(&lits)
    }

    /// For each rule of the cone not yet known to matter: does deleting it change the
    /// target in some case?
    fn redundant(&mut self, t: Target, base: &World, enc: &ActionEnc) -> Result<(), AnalysisError> {
        let policy = self.run.policy;
        for &r in &self.cone.rules {
            let known = &self.run.known;
            if known.never[r] != Some(false) || known.matters[r] || known.shadowed[r] {
                continue;
            }
            let without = self.encoder.world(policy, &self.run.index, Some((base, r)));
            let mut diffs = Vec::with_capacity(5);
            match t {
                Target::Action(a) => {
                    let after = self
                        .encoder
                        .action(policy, &self.run.index, a, &without, Some(r));
                    for v in 0..5 {
                        diffs.push(self.encoder.xor(enc.verdict[v], after.verdict[v]));
                    }
                }
                Target::Fact(f) => {
                    let after = self.fact_lit(f, &without);
                    diffs.push(self.encoder.xor(enc.verdict[0], after));
                }
            }
            let any = self.encoder.or(&diffs);
            if self.sat(&[any])? {
                self.run.known.matters[r] = true;
            }
        }
        Ok(())
    }
}
