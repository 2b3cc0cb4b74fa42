//! Case blocks as tests: each block's expectations against its evaluation.

use crate::eval::{Outcome, evaluate};
use crate::model::{CaseBlock, ExpectTarget, Policy, RuleId};

/// An expectation of a case block that the evaluation does not meet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Miss {
    /// The 1-based line of the `expect`.
    pub line: usize,
    /// The action or derived fact.
    pub name: String,
    /// The word the block expects.
    pub expected: String,
    /// The `by` list the block expects, when its line has one.
    pub expected_by: Option<Vec<String>>,
    /// The word the evaluation gives.
    pub actual: &'static str,
    /// The rules behind the actual word: the verdict's `by`, or the rules that fired and
    /// derive the fact.
    pub by: Vec<String>,
}

/// A case block, evaluated.
#[derive(Clone, Debug)]
pub struct CaseRun<'p> {
    /// The evaluation.
    pub outcome: Outcome<'p>,
    /// The expectations not met, in the block's order.
    pub misses: Vec<Miss>,
}

/// The rules behind [`Outcome::word`], by id.
fn word_by(outcome: &Outcome, target: ExpectTarget) -> Vec<String> {
    let p = outcome.policy();
    let rules: Vec<RuleId> = match target {
        ExpectTarget::Action(a) => outcome.verdicts[a].by.clone(),
        ExpectTarget::Fact(f) => p
            .rules_deriving(f)
            .iter()
            .copied()
            .filter(|&r| outcome.fired[r])
            .collect(),
    };
    rules.iter().map(|&r| p.rule(r).id.clone()).collect()
}

/// Evaluates a case block and checks its expectations.
pub fn run_case<'p>(policy: &'p Policy, block: &CaseBlock) -> CaseRun<'p> {
    let outcome = evaluate(policy, &block.case);
    let ids = |rules: &[RuleId]| -> Vec<String> {
        rules.iter().map(|&r| policy.rule(r).id.clone()).collect()
    };
    let misses = block
        .expectations
        .iter()
        .filter(|x| {
            outcome.word(x.target) != x.word
                || match (x.target, &x.by) {
                    (ExpectTarget::Action(a), Some(by)) => outcome.verdicts[a].by != *by,
                    _ => false,
                }
        })
        .map(|x| Miss {
            line: policy.source().line(x.span.start),
            name: match x.target {
                ExpectTarget::Action(a) => policy.action(a).name.clone(),
                ExpectTarget::Fact(f) => policy.fact(f).name.clone(),
            },
            expected: x.word.clone(),
            expected_by: x.by.as_deref().map(ids),
            actual: outcome.word(x.target),
            by: word_by(&outcome, x.target),
        })
        .collect();
    CaseRun { outcome, misses }
}

#[cfg(test)]
mod tests {
    use super::{Miss, run_case};
    use crate::model::Policy;

    const POLICY: &str = "fact a, b\naction x default forbidden\naction y\n\
        rule r1: if a then may x\nrule r2: if b then must y\nif a and b then d\nfact d\n\
        case \"one\" {\n  given a\n  expect x is permitted\n  expect y is required\n  expect d is true\n}\n";

    #[test]
    fn misses_name_the_line_the_words_and_the_rules() {
        let p = Policy::parse("t.policy", POLICY).unwrap();
        let run = run_case(&p, &p.cases()[0]);
        assert_eq!(
            run.misses,
            [
                Miss {
                    line: 11,
                    name: "y".into(),
                    expected: "required".into(),
                    expected_by: None,
                    actual: "undecided",
                    by: vec![]
                },
                Miss {
                    line: 12,
                    name: "d".into(),
                    expected: "true".into(),
                    expected_by: None,
                    actual: "false",
                    by: vec![]
                },
            ]
        );
    }
}
