//! Case blocks as tests: their expectations against the evaluation, and which rules and
//! verdicts a policy's case blocks leave untried.

use super::{Outcome, Verdict};
use crate::model::{
    ActionId, CaseBlock, DefaultVerdict, ExpectTarget, Modality, Policy, RuleId, Target, Value,
};

/// An expectation of a case block that the evaluation does not meet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Miss {
    /// The 1-based line of the `expect`.
    pub line: usize,
    /// The action or derived fact.
    pub name: String,
    pub expected: String,
    pub actual: &'static str,
    /// The rules behind the actual word: the verdict's `by`, or the rules that fired and
    /// derive the fact.
    pub by: Vec<String>,
}

/// A case block, evaluated.
#[derive(Clone, Debug)]
pub struct CaseRun<'p> {
    pub outcome: Outcome<'p>,
    /// The expectations not met, in the block's order.
    pub misses: Vec<Miss>,
}

impl Outcome<'_> {
    /// The word an `expect` line on `target` must say to hold: a verdict, or `true`/`false`.
    pub fn word(&self, target: ExpectTarget) -> &'static str {
        match target {
            ExpectTarget::Action(a) => self.verdicts[a].verdict.as_str(),
            ExpectTarget::Fact(f) if self.values[f] == Value::Bool(true) => "true",
            ExpectTarget::Fact(_) => "false",
        }
    }

    /// The rules behind [`word`](Self::word), by id.
    fn word_by(&self, target: ExpectTarget) -> Vec<String> {
        let p = self.policy();
        let rules: Vec<RuleId> = match target {
            ExpectTarget::Action(a) => self.verdicts[a].by.clone(),
            ExpectTarget::Fact(f) => p
                .rules_deriving(f)
                .into_iter()
                .filter(|&r| self.fired[r])
                .collect(),
        };
        rules.iter().map(|&r| p.rules[r].id.clone()).collect()
    }
}

impl Policy {
    /// Evaluates a case block and checks its expectations.
    pub fn run_case(&self, block: &CaseBlock) -> CaseRun<'_> {
        let outcome = self.evaluate(&block.case);
        let misses = block
            .expectations
            .iter()
            .filter(|x| outcome.word(x.target) != x.word)
            .map(|x| Miss {
                line: self.source().line(x.span.start),
                name: match x.target {
                    ExpectTarget::Action(a) => self.actions[a].name.clone(),
                    ExpectTarget::Fact(f) => self.facts[f].name.clone(),
                },
                expected: x.word.clone(),
                actual: outcome.word(x.target),
                by: outcome.word_by(x.target),
            })
            .collect();
        CaseRun { outcome, misses }
    }

    /// What a block expects in full: every action, then every derived fact, in declaration
    /// order.
    pub fn expectable(&self) -> Vec<ExpectTarget> {
        (0..self.actions.len())
            .map(ExpectTarget::Action)
            .chain(self.derived_facts().map(ExpectTarget::Fact))
            .collect()
    }

    /// The verdicts an action can get by its rules and default: `permitted` with a `may`
    /// or a permitting default, `required` with a `must`, `forbidden` with a `must not`
    /// (requirements included) or a forbidding default, `undecided` without a default.
    /// `conflict` is left out: no case should reach it. Whether a case can reach each one is
    /// not decided here (`lint` finds rules that never or always fire).
    pub fn possible_verdicts(&self, action: ActionId) -> Vec<Verdict> {
        let has = |m: Modality| {
            self.rules.iter().any(|r| {
                r.conclusions
                    .iter()
                    .any(|c| c.target == Target::Action(action, m))
            })
        };
        let default = self.actions[action].default;
        let mut out = Vec::new();
        if has(Modality::May) || default == Some(DefaultVerdict::Permitted) {
            out.push(Verdict::Permitted);
        }
        if has(Modality::MustNot) || default == Some(DefaultVerdict::Forbidden) {
            out.push(Verdict::Forbidden);
        }
        if has(Modality::Must) {
            out.push(Verdict::Required);
        }
        if default.is_none() {
            out.push(Verdict::Undecided);
        }
        out
    }
}

/// What a policy's case blocks leave untried.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    pub rules: usize,
    /// Rules no case fired, in source order.
    pub unfired: Vec<RuleId>,
    /// Per action (in declaration order, only those with a gap), the possible verdicts no
    /// case reached.
    pub unreached: Vec<(ActionId, Vec<Verdict>)>,
}

/// The coverage of a policy by the outcomes of its cases.
pub fn coverage(policy: &Policy, outcomes: &[Outcome]) -> Coverage {
    let unfired = (0..policy.rules.len())
        .filter(|&r| !outcomes.iter().any(|o| o.fired[r]))
        .collect();
    let unreached = (0..policy.actions.len())
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
        rules: policy.rules.len(),
        unfired,
        unreached,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = "fact a, b\naction x default forbidden\naction y\n\
        rule r1: if a then may x\nrule r2: if b then must y\nif a and b then d\nfact d\n\
        case \"one\" {\n  given a\n  expect x is permitted\n  expect y is required\n  expect d is true\n}\n";

    #[test]
    fn misses_name_the_line_the_words_and_the_rules() {
        let p = Policy::parse("t.policy", POLICY).unwrap();
        let run = p.run_case(&p.cases[0]);
        assert_eq!(
            run.misses,
            [
                Miss {
                    line: 11,
                    name: "y".into(),
                    expected: "required".into(),
                    actual: "undecided",
                    by: vec![]
                },
                Miss {
                    line: 12,
                    name: "d".into(),
                    expected: "true".into(),
                    actual: "false",
                    by: vec![]
                },
            ]
        );
    }

    #[test]
    fn coverage_lists_unfired_rules_and_unreached_verdicts() {
        let p = Policy::parse("t.policy", POLICY).unwrap();
        let outcomes: Vec<Outcome> = p.cases.iter().map(|c| p.evaluate(&c.case)).collect();
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
