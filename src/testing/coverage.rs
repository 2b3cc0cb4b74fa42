//! What a policy's case blocks leave untried: rules no case fired, and per action the
//! verdicts its rules and default can give that no case reached.

use crate::eval::Outcome;
use crate::model::{ActionId, Policy, RuleId, Verdict};

/// What a policy's case blocks leave untried.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// How many rules the policy has.
    pub rules: usize,
    /// Rules no case fired, in source order.
    pub unfired: Vec<RuleId>,
    /// Per action (in declaration order, only those with a gap), the possible verdicts no
    /// case reached.
    pub unreached: Vec<(ActionId, Vec<Verdict>)>,
}

/// The coverage of a policy by the outcomes of its cases.
pub fn coverage(policy: &Policy, outcomes: &[Outcome]) -> Coverage {
    let unfired = (0..policy.rules().len())
        .filter(|&r| !outcomes.iter().any(|o| o.fired[r]))
        .collect();
    let unreached = (0..policy.actions().len())
        .filter_map(|a| {
            let missing: Vec<Verdict> = policy
                .possible_verdicts(a)
                .into_iter()
                .filter(|v| !outcomes.iter().any(|o| o.verdicts[a].verdict == *v))
                .collect();
            (!missing.is_empty()).then_some((a, missing))
        })
        .collect();
    Coverage {
        rules: policy.rules().len(),
        unfired,
        unreached,
    }
}

#[cfg(test)]
mod tests {
    use super::coverage;
    use crate::eval::{Outcome, Verdict};
    use crate::model::{ExpectTarget, Policy};

    const POLICY: &str = "fact a, b\naction x default forbidden\naction y\n\
        rule r1: if a then may x\nrule r2: if b then must y\nif a and b then d\nfact d\n\
        case \"one\" {\n  given a\n  expect x is permitted\n  expect y is required\n  expect d is true\n}\n";

    #[test]
    fn coverage_lists_unfired_rules_and_unreached_verdicts() {
        let p = Policy::parse("t.policy", POLICY).unwrap();
        let outcomes: Vec<Outcome> = p.cases().iter().map(|c| p.evaluate(&c.case)).collect();
        let c = coverage(&p, &outcomes);
        assert_eq!(c.unfired, [1, 2]);
        assert_eq!(
            c.unreached,
            [(0, vec![Verdict::Forbidden]), (1, vec![Verdict::Required])]
        );
        assert_eq!(
            p.expectable(),
            [
                ExpectTarget::Action(0),
                ExpectTarget::Action(1),
                ExpectTarget::Fact(2)
            ]
        );
    }
}
