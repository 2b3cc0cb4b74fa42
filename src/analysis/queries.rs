//! Single questions about one rule, for the front ends: a small case in which it fires.

use super::AnalysisError;
use super::DefaultSolver;
use super::candidates::{ConeEval, minimize, set_facts, values_on};
use super::circuit::Circuit;
use super::index::{Cone, Index, Marks};
use super::inputs::Inputs;
use super::world::{Locals, encode_world};
use crate::eval::Evaluator;
use crate::model::{Case, Policy, RuleId, Value};

/// A case in which rule `r` fires, with as few facts set as the rule allows (the others at
/// the first value of their type), or `None` when it fires in no valid case.
pub fn firing_case(policy: &Policy, r: RuleId) -> Result<Option<Case>, AnalysisError> {
    let index = Index::new(policy);
    let cone = Cone::of(policy, &index, &[r], &mut Marks::new(policy));
    let mut locals = Locals::new(policy);
    locals.enter(&cone);
    let mut inputs = Inputs::new(policy);
    let mut circuit = Circuit::<DefaultSolver>::new();
    inputs.encode(&mut circuit, policy, &cone.facts, &cone.rules);
    let world = encode_world(&mut circuit, policy, &index, &cone, &locals, &inputs);
    if !circuit.sat(&[world.fires(&locals, r)])? {
        return Ok(None);
    }
    let model = values_on(inputs.facts(), |f| {
        inputs
            .model_value(&circuit, f)
            .unwrap_or(Value::Bool(false))
    });
    let mut evaluator = Evaluator::new(policy);
    let eval = ConeEval::new(policy, &cone, &evaluator);
    let mut case = set_facts(policy, model);
    minimize(&mut case, |c| {
        eval.run(&mut evaluator, &[c]);
        evaluator.fired(r)
    });
    let case = eval.case(&[&case]);
    evaluator.evaluate(&case);
    if !evaluator.fired(r) {
        return Err(AnalysisError(format!(
            "internal error: rule `{}` does not fire in the case found for it",
            policy.rule(r).id
        )));
    }
    Ok(Some(case))
}

#[cfg(test)]
mod tests {
    use super::firing_case;
    use crate::model::{Policy, Value};

    #[test]
    fn a_small_case_where_the_rule_fires() {
        let p = Policy::parse(
            "t.policy",
            "fact a, b, c\nfact n: 0..9\naction x\nrule r: if (a or b) and n > 3 unless c then x\n\
             rule dead: if a and not a then x",
        )
        .unwrap();
        let case = firing_case(&p, 0).unwrap().unwrap();
        let set: Vec<bool> = (0..3)
            .map(|f| case.values[f] == Value::Bool(true))
            .collect();
        assert_eq!(
            set.iter().filter(|&&b| b).count(),
            1,
            "one of a, b: {set:?}"
        );
        assert!(!set[2], "not c");
        assert!(matches!(case.values[3], Value::Int(n) if n > 3));
        assert!(p.evaluate(&case).fired[0]);
        assert_eq!(firing_case(&p, 1).unwrap(), None);
    }
}
