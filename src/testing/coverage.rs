//! What a policy's case blocks leave untried, exactly: the rules that can decide but decide
//! in no block, and per action the reachable verdicts no block reaches; each gap with a
//! ready-to-paste case block that closes it.

use super::bless::right;
use crate::analysis::{AnalysisError, Goal, MetBy, Plan, coverage_plan};
use crate::eval::evaluate;
use crate::model::{ActionId, Case, Policy, RuleId, Target, Verdict};

/// One goal no case block meets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gap {
    /// A rule that can decide but decides in no block.
    Rule(RuleId),
    /// A reachable verdict of an action that no block reaches.
    Verdict(ActionId, Verdict),
    /// A side of an integer comparison's boundary that no block tries.
    Boundary {
        /// The rule whose condition compares.
        rule: RuleId,
        /// The integer fact.
        fact: usize,
        /// The value a block should give it.
        value: i64,
    },
}

/// What a policy's case blocks leave untried.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// How many rules the policy has.
    pub rules: usize,
    /// How many rules decide in some valid case.
    pub decidable: usize,
    /// How many of those decide in some case block.
    pub rules_covered: usize,
    /// How many (action, verdict) pairs some valid case gives.
    pub reachable: usize,
    /// How many of those some case block reaches.
    pub reached: usize,
    /// The gaps, rules first (source order), then verdicts; each with the index of the
    /// block in `cases` that closes it.
    pub gaps: Vec<(Gap, usize)>,
    /// Case blocks that close the gaps, as text ready to paste.
    pub cases: Vec<String>,
}

impl Coverage {
    /// Goals met over goals, as a whole percentage rounded down (100 with no goal).
    pub fn percent(&self) -> usize {
        ((self.rules_covered + self.reached) * 100)
            .checked_div(self.decidable + self.reachable)
            .unwrap_or(100)
    }
}

/// The name of a block made for a goal: `generated: r decides x`, `generated: r derives
/// f`, `generated: x is permitted`, `generated: r at n = 72, next to 73`.
pub fn block_name(policy: &Policy, goal: Goal) -> String {
    match goal {
        Goal::Decides(r) => {
            let rule = policy.rule(r);
            let mut actions = Vec::new();
            let mut facts = Vec::new();
            for c in &rule.conclusions {
                match c.target {
                    Target::Action(a, _) => {
                        let n = policy.action(a).name.as_str();
                        if !actions.contains(&n) {
                            actions.push(n);
                        }
                    }
                    Target::Fact(f) => {
                        let n = policy.fact(f).name.as_str();
                        if !facts.contains(&n) {
                            facts.push(n);
                        }
                    }
                }
            }
            let mut parts = Vec::new();
            if !actions.is_empty() {
                parts.push(format!("decides {}", actions.join(", ")));
            }
            if !facts.is_empty() {
                parts.push(format!("derives {}", facts.join(", ")));
            }
            format!("generated: {} {}", rule.id, parts.join(" and "))
        }
        Goal::Reaches(a, v) => format!("generated: {} is {}", policy.action(a).name, v.as_str()),
        Goal::Boundary {
            rule,
            fact,
            value,
            other,
        } => format!(
            "generated: {} at {} = {value}, next to {other}",
            policy.rule(rule).id,
            policy.fact(fact).name
        ),
    }
}

/// A new case as a block: the facts it sets, and an `expect` line for every action and
/// derived fact, with `by` where the list is not empty; in the canonical layout.
pub fn block_text(policy: &Policy, name: &str, case: &Case) -> String {
    let outcome = evaluate(policy, case);
    let expect: Vec<(String, String)> = policy
        .expectable()
        .into_iter()
        .map(|t| {
            let n = match t {
                crate::model::ExpectTarget::Action(a) => policy.action(a).name.clone(),
                crate::model::ExpectTarget::Fact(f) => policy.fact(f).name.clone(),
            };
            (n, right(policy, &outcome, t, true))
        })
        .collect();
    let text = policy.case_text(name, case, &expect);
    // In the canonical layout, so that `fmt --check` passes on a generated file.
    match crate::format::format(&crate::source::Source::new("case", text.as_str())) {
        Ok(formatted) => formatted.trim_end().to_string(),
        Err(_) => text,
    }
}

/// Names for the plan's new cases, unique among themselves and the policy's blocks.
pub fn block_names(policy: &Policy, plan: &Plan) -> Vec<String> {
    let mut taken: Vec<String> = policy.cases().iter().map(|c| c.name.clone()).collect();
    plan.made_for
        .iter()
        .map(|&g| {
            let base = block_name(policy, g);
            let mut name = base.clone();
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{base} ({n})");
                n += 1;
            }
            taken.push(name.clone());
            name
        })
        .collect()
}

/// The exact coverage of a policy by some of its cases (boundaries are not asked for).
pub fn coverage(policy: &Policy, cases: &[&Case]) -> Result<Coverage, AnalysisError> {
    let given: Vec<Case> = cases.iter().map(|&c| c.clone()).collect();
    let plan = coverage_plan(policy, &given, false)?;
    let names = block_names(policy, &plan);
    let mut c = Coverage {
        rules: policy.rules().len(),
        cases: plan
            .cases
            .iter()
            .zip(&names)
            .map(|(case, name)| block_text(policy, name, case))
            .collect(),
        ..Coverage::default()
    };
    for (&goal, &met) in plan.goals.iter().zip(&plan.met_by) {
        let covered = matches!(met, MetBy::Given(_));
        let gap = match goal {
            Goal::Decides(r) => {
                c.decidable += 1;
                c.rules_covered += usize::from(covered);
                Gap::Rule(r)
            }
            Goal::Reaches(a, v) => {
                c.reachable += 1;
                c.reached += usize::from(covered);
                Gap::Verdict(a, v)
            }
            Goal::Boundary {
                rule, fact, value, ..
            } => Gap::Boundary { rule, fact, value },
        };
        if let MetBy::New(i) = met {
            c.gaps.push((gap, i));
        }
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::{Gap, coverage};
    use crate::eval::Verdict;
    use crate::model::Policy;

    const POLICY: &str = "fact a, b\naction x default forbidden\naction y\n\
        rule r1: if a then may x\nrule r2: if b then must y\nif a and b then d\nfact d\n\
        rule dead: if a and not a then must y\n\
        case \"one\" {\n  given a\n  expect x is permitted\n  expect y is undecided\n  expect d is false\n}\n";

    #[test]
    fn coverage_is_exact_and_each_gap_has_a_case() {
        let p = Policy::parse("t.policy", POLICY).unwrap();
        let cases: Vec<_> = p.cases().iter().map(|c| &c.case).collect();
        let c = coverage(&p, &cases).unwrap();
        assert_eq!((c.rules, c.decidable, c.rules_covered), (4, 3, 1));
        let gaps: Vec<&Gap> = c.gaps.iter().map(|g| &g.0).collect();
        assert_eq!(
            gaps,
            [
                &Gap::Rule(1),
                &Gap::Rule(2),
                &Gap::Verdict(0, Verdict::Forbidden),
                &Gap::Verdict(1, Verdict::Required)
            ]
        );
        assert_eq!((c.reachable, c.reached), (4, 2));
        for (_, i) in &c.gaps {
            assert!(
                c.cases[*i].starts_with("case \"generated: "),
                "{}",
                c.cases[*i]
            );
        }
    }
}
