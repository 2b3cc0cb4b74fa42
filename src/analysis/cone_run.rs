//! The questions of `lint` asked of one cone: its circuit on its own solver, and the
//! evaluator run on the cone alone for the cases tried before the solver.

use super::AnalysisError;
use super::candidates::{ConeEval, Sparse, support, values_on};
use super::circuit::Circuit;
use super::findings::Run;
use super::index::Cone;
use super::inputs::Inputs;
use super::messages;
use super::removal::Removal;
use super::world::{ActionLits, Locals, Overrides, World, encode_action, encode_world};
use crate::eval::Evaluator;
use crate::model::{ActionId, Case, FactId, RuleId};
use rustsat::solvers::SolveIncremental;
use rustsat::types::Lit;

/// One target's cone on its solver.
pub(super) struct ConeRun<'r, 'p, 'c, S> {
    pub(super) run: &'r mut Run<'p>,
    pub(super) cone: &'c Cone,
    pub(super) locals: &'c mut Locals,
    pub(super) inputs: &'c mut Inputs,
    pub(super) circuit: Circuit<S>,
    pub(super) world: World,
    pub(super) eval: ConeEval<'p>,
}

impl<'r, 'p, 'c, S: SolveIncremental + Default> ConeRun<'r, 'p, 'c, S> {
    /// Encodes the cone.
    pub fn new(
        run: &'r mut Run<'p>,
        cone: &'c Cone,
        locals: &'c mut Locals,
        inputs: &'c mut Inputs,
    ) -> Self {
        let policy = run.policy;
        locals.enter(cone);
        inputs.clear();
        let mut circuit = Circuit::new();
        inputs.encode(&mut circuit, policy, &cone.facts, &cone.rules);
        let world = encode_world(&mut circuit, policy, &run.index, cone, locals, inputs);
        let eval = ConeEval::new(policy, cone, &run.evaluator);
        ConeRun {
            run,
            cone,
            locals,
            inputs,
            circuit,
            world,
            eval,
        }
    }

    /// Clears the index maps for the next cone.
    pub fn leave(self) {
        self.locals.leave(self.cone);
    }

    /// Steps 3 to 6 for an action of the cone.
    pub fn action(&mut self, a: ActionId, overrides: &Overrides) -> ActionLits {
        let policy = self.run.policy;
        encode_action(
            &mut self.circuit,
            policy,
            &self.run.index,
            overrides,
            a,
            &self.world,
            self.locals,
        )
    }

    pub(super) fn fires(&self, r: RuleId) -> Lit {
        self.world.fires(self.locals, r)
    }

    /// Solves; a model is noted for every rule of the cone.
    pub(super) fn sat(&mut self, assumptions: &[Lit]) -> Result<bool, AnalysisError> {
        let sat = self.circuit.sat(assumptions)?;
        if sat {
            self.note_model();
        }
        Ok(sat)
    }

    /// Which rules fire in the last model; the model is kept for the rules seen firing for
    /// the first time.
    fn note_model(&mut self) {
        let mut kept = None;
        for &r in &self.cone.rules {
            if !self.circuit.value(self.world.fires(self.locals, r)) {
                self.run.known.quiet[r] = true;
                continue;
            }
            self.run.known.fires[r] = Some(true);
            if self.run.candidates && self.run.known.first_model[r].is_none() {
                let id = *kept.get_or_insert_with(|| {
                    let model = self.model();
                    self.run.known.models.push(model);
                    self.run.known.models.len() as u32 - 1
                });
                self.run.known.first_model[r] = Some(id);
            }
        }
    }

    /// Makes rule `r`'s minimal case, if it has fired in a model: that model's values on its
    /// support.
    pub(super) fn ensure_minimal(&mut self, r: RuleId) {
        let known = &mut self.run.known;
        if known.minimal[r].is_some() {
            return;
        }
        let Some(id) = known.first_model[r] else {
            return;
        };
        let facts = support(self.run.policy, &self.run.index, r, &mut self.run.support);
        let model = &known.models[id as usize];
        let minimal: Sparse = model
            .iter()
            .copied()
            .filter(|(f, _)| facts.binary_search(f).is_ok())
            .collect();
        known.minimal[r] = Some(minimal);
    }

    /// The last model, on the cone's input facts.
    pub(super) fn model(&self) -> Sparse {
        values_on(self.inputs.facts(), |f| {
            self.inputs
                .model_value(&self.circuit, f)
                .unwrap_or(crate::model::Value::Bool(false))
        })
    }

    /// A whole case from a sparse one, checked by the full evaluator with `check`: a witness
    /// that does not reproduce its finding is a bug, never a report.
    pub(super) fn checked(
        &mut self,
        what: &str,
        sparse: &Sparse,
        check: impl Fn(&Evaluator) -> bool,
    ) -> Result<Case, AnalysisError> {
        let policy = self.run.policy;
        let case = self.eval.case(&[sparse]);
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

    /// Runs a case with the evaluator and notes, as for a model, which rules fire in it.
    fn note_case(&mut self, case: &Sparse) {
        self.eval.run(&mut self.run.evaluator, &[case]);
        // Kept with every input fact of the cone, so that a minimal case made from it says
        // each value of its support.
        let evaluator = &self.run.evaluator;
        let full = values_on(self.inputs.facts(), |f| evaluator.value(f));
        let mut kept = None;
        for &r in &self.cone.rules {
            if !self.run.evaluator.fired(r) {
                self.run.known.quiet[r] = true;
                continue;
            }
            self.run.known.fires[r] = Some(true);
            if self.run.known.first_model[r].is_none() {
                let id = *kept.get_or_insert_with(|| {
                    self.run.known.models.push(full.clone());
                    self.run.known.models.len() as u32 - 1
                });
                self.run.known.first_model[r] = Some(id);
            }
        }
    }

    /// The case with every bool input fact of the cone true (the others at their first
    /// value): where rules that need facts fire, and requirements are met.
    fn all_true(&self) -> Sparse {
        let policy = self.run.policy;
        self.inputs
            .facts()
            .iter()
            .filter(|&&f| policy.fact(f).ty == crate::model::FactType::Bool)
            .map(|&f| (f, crate::model::Value::Bool(true)))
            .collect()
    }

    /// `never-fires` and `always-fires` for the rules of the cone not yet settled. The case
    /// with every fact at its first value, and the one with every bool fact true, are tried
    /// first: most rules fire in one and not in the other.
    pub fn rules(&mut self) -> Result<(), AnalysisError> {
        let policy = self.run.policy;
        let open = self.cone.rules.iter().any(|&r| {
            let known = &self.run.known;
            known.fires[r].is_none() || (!known.quiet[r] && !known.always_done[r])
        });
        if self.run.candidates && open {
            self.note_case(&Vec::new());
            let all_true = self.all_true();
            self.note_case(&all_true);
        }
        for &r in &self.cone.rules {
            let fire = self.fires(r);
            if self.run.known.fires[r].is_none() {
                let fires = self.sat(&[fire])?;
                self.run.known.fires[r] = Some(fires);
                if !fires {
                    self.run.out.push(messages::never_fires(policy, r));
                }
            }
            if self.run.known.fires[r] == Some(true) && !self.run.known.always_done[r] {
                self.run.known.always_done[r] = true;
                if messages::conditional(policy, r)
                    && !self.run.known.quiet[r]
                    && !self.sat(&[!fire])?
                {
                    self.run.out.push(messages::always_fires(policy, r));
                }
            }
        }
        Ok(())
    }

    /// For each rule concluding on `a` not yet known to matter: do its conclusions on `a`
    /// change `a`'s verdict in some case (everything else as it is)?
    pub fn redundant_on(
        &mut self,
        a: ActionId,
        seeds: &[RuleId],
        overrides: &Overrides,
        enc: &ActionLits,
    ) -> Result<(), AnalysisError> {
        let policy = self.run.policy;
        let mut removal = None;
        for &r in seeds {
            let known = &self.run.known;
            if known.fires[r] != Some(true) || known.matters[r] || known.shadowed[r] {
                continue;
            }
            if self.changes_in_candidates(a, r) {
                self.run.known.matters[r] = true;
                continue;
            }
            let removal = removal
                .get_or_insert_with(|| Removal::new(&mut self.circuit, policy, enc, overrides));
            self.circuit.open_scope();
            let without = removal.verdict_without(&mut self.circuit, policy, overrides, enc, a, r);
            let diffs: Vec<Lit> = (0..5)
                .map(|v| self.circuit.xor(enc.verdict[v], without[v]))
                .collect();
            let any = self.circuit.or(&diffs);
            let fire = self.fires(r);
            let matters = self.sat(&[fire, any]);
            self.circuit.close_scope();
            if matters? {
                self.run.known.matters[r] = true;
            }
        }
        Ok(())
    }

    /// Whether leaving out `r`'s conclusions on `a` changes the verdict in its smallest
    /// firing case, or in that case merged with the smallest firing case of a rule it
    /// overrides directly.
    fn changes_in_candidates(&mut self, a: ActionId, r: RuleId) -> bool {
        let policy = self.run.policy;
        self.ensure_minimal(r);
        for &q in &policy.rule(r).overrides {
            self.ensure_minimal(q);
        }
        let known = &self.run.known;
        let Some(mine) = &known.minimal[r] else {
            return false;
        };
        self.eval.run(&mut self.run.evaluator, &[mine]);
        if self.eval.changes_without(&mut self.run.evaluator, a, r) {
            return true;
        }
        // Its facts on top of every bool fact true: the other requirements met.
        let all_true = self.all_true();
        self.eval.run(&mut self.run.evaluator, &[&all_true, mine]);
        if self.eval.changes_without(&mut self.run.evaluator, a, r) {
            return true;
        }
        for &q in &policy.rule(r).overrides {
            if let Some(theirs) = &known.minimal[q] {
                self.eval.run(&mut self.run.evaluator, &[theirs, mine]);
                if self.eval.changes_without(&mut self.run.evaluator, a, r) {
                    return true;
                }
            }
        }
        false
    }

    /// For each rule deriving `f` not yet known to matter: is it, in some case, the only
    /// rule deriving `f` that fires (so that deleting it makes `f` false)?
    pub fn derivations(&mut self, f: FactId) -> Result<(), AnalysisError> {
        let concluders = self.run.index.concluders[f].clone();
        for &r in &concluders {
            let known = &self.run.known;
            if known.fires[r] != Some(true) || known.matters[r] {
                continue;
            }
            if concluders.len() == 1 {
                self.run.known.matters[r] = true;
                continue;
            }
            self.ensure_minimal(r);
            if let Some(m) = &self.run.known.minimal[r] {
                self.eval.run(&mut self.run.evaluator, &[m]);
                let evaluator = &self.run.evaluator;
                if concluders.iter().all(|&q| evaluator.fired(q) == (q == r)) {
                    self.run.known.matters[r] = true;
                    continue;
                }
            }
            let mut assumptions = vec![self.fires(r)];
            assumptions.extend(
                concluders
                    .iter()
                    .filter(|&&q| q != r)
                    .map(|&q| !self.fires(q)),
            );
            if self.sat(&assumptions)? {
                self.run.known.matters[r] = true;
            }
        }
        Ok(())
    }
}
