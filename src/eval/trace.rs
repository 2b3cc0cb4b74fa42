//! Evaluation with its reasons kept, for `deontic explain`: what steps 4 and 5 of section 8
//! of `docs/language.md` removed and by which rules, and which facts decide whether each
//! condition holds.

use super::{Outcome, evaluate};
use crate::model::{ActionId, Case, Cond, Modality, Policy, RuleId, RuleKind, Target, Value};

/// A case's evaluation, with what became of every conclusion.
#[derive(Clone, Debug)]
pub struct Trace<'p> {
    /// The evaluation itself.
    pub outcome: Outcome<'p>,
    /// One per action, in declaration order: the conclusions of step 3 on it.
    pub actions: Vec<Vec<Step>>,
}

/// One conclusion on an action of a rule that fired (a pair of step 3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The rule.
    pub rule: RuleId,
    /// What it concludes on the action.
    pub modality: Modality,
    /// What became of it.
    pub fate: Fate,
}

/// What became of a conclusion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fate {
    /// It remains after step 5: the verdict rests on it.
    Kept,
    /// Removed in step 4 by these rules, which fired, conclude on the action and override its
    /// rule, directly or transitively.
    Overridden(Vec<RuleId>),
    /// A permission removed in step 5 by these requirements, which remained after step 4.
    Outranked(Vec<RuleId>),
}

/// Which part of a rule a condition is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The `if` part.
    If,
    /// The `unless` part.
    Unless,
    /// A requirement's condition (the requirement fires when it fails).
    Requires,
}

/// A test that decides a condition: the atom and whether it holds in the case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Atom<'p> {
    /// The part of the rule it is in.
    pub part: Part,
    /// A constant, a bool fact, an enum test or a comparison.
    pub test: &'p Cond,
    /// Whether it holds in the case.
    pub holds: bool,
}

/// Evaluates a case and records why: for every action, the conclusions of the rules that
/// fired and what became of each in steps 4 and 5.
pub fn trace<'p>(policy: &'p Policy, case: &Case) -> Trace<'p> {
    let outcome = evaluate(policy, case);
    let actions = (0..policy.actions().len())
        .map(|a| steps(policy, a, &outcome.fired))
        .collect();
    Trace { outcome, actions }
}

/// The conclusions of step 3 on one action, each with its fate.
fn steps(policy: &Policy, action: ActionId, fired: &[bool]) -> Vec<Step> {
    let k: Vec<(RuleId, Modality)> = policy
        .rules()
        .iter()
        .enumerate()
        .filter(|&(r, _)| fired[r])
        .flat_map(|(r, rule)| {
            rule.conclusions.iter().filter_map(move |c| match c.target {
                Target::Action(a, m) if a == action => Some((r, m)),
                _ => None,
            })
        })
        .collect();
    let overriders = |r: RuleId| -> Vec<RuleId> {
        let mut ws: Vec<RuleId> = k
            .iter()
            .map(|&(w, _)| w)
            .filter(|&w| policy.overrides(w, r))
            .collect();
        ws.dedup();
        ws
    };
    let after4: Vec<RuleId> = k
        .iter()
        .map(|&(r, _)| r)
        .filter(|&r| overriders(r).is_empty())
        .collect();
    let mut requirements: Vec<RuleId> = after4
        .iter()
        .copied()
        .filter(|&r| policy.rule(r).is_requirement())
        .collect();
    requirements.dedup();
    k.iter()
        .map(|&(rule, modality)| {
            let over = overriders(rule);
            let fate = if !over.is_empty() {
                Fate::Overridden(over)
            } else if modality == Modality::May && !requirements.is_empty() {
                Fate::Outranked(requirements.clone())
            } else {
                Fate::Kept
            };
            Step {
                rule,
                modality,
                fate,
            }
        })
        .collect()
}

impl Trace<'_> {
    /// Why a rule fired, or did not: the atoms that decide each part of its condition that
    /// decides the outcome.
    pub fn why(&self, rule: RuleId) -> Vec<Atom<'_>> {
        let p = self.outcome.policy();
        let values = &self.outcome.values;
        let mut out = Vec::new();
        match &p.rule(rule).kind {
            RuleKind::Requirement { condition } => {
                decisive(condition, values, Part::Requires, &mut out)
            }
            RuleKind::Conditional { when, unless } => {
                let when_holds = when.as_ref().is_none_or(|c| c.holds(values));
                let unless_holds = unless.as_ref().is_some_and(|c| c.holds(values));
                let fired = when_holds && !unless_holds;
                // A rule that fired needs both parts; one that did not, each part that failed.
                if let Some(c) = when
                    && (fired || !when_holds)
                {
                    decisive(c, values, Part::If, &mut out);
                }
                if let Some(c) = unless
                    && (fired || unless_holds)
                {
                    decisive(c, values, Part::Unless, &mut out);
                }
            }
        }
        out
    }
}

/// The atoms that decide a condition's value: all operands of a true `and` or a false `or`,
/// only the deciding ones (false, true) otherwise; `not` passes through.
fn decisive<'p>(c: &'p Cond, values: &[Value], part: Part, out: &mut Vec<Atom<'p>>) {
    let value = c.holds(values);
    match c {
        Cond::Not(x) => decisive(x, values, part, out),
        Cond::And(xs) | Cond::Or(xs) => {
            let all = value == matches!(c, Cond::And(_));
            for x in xs {
                if all || x.holds(values) == value {
                    decisive(x, values, part, out);
                }
            }
        }
        test => {
            let atom = Atom {
                part,
                test,
                holds: value,
            };
            if !out.contains(&atom) {
                out.push(atom);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Fate, Part, Step, trace};
    use crate::model::{Cond, Modality, Policy, RuleId};

    fn policy(text: &str) -> Policy {
        Policy::parse("t.policy", text).unwrap_or_else(|f| panic!("{f}"))
    }

    #[test]
    fn overrides_and_requirements_are_attributed() {
        let p = policy(
            "fact a, b, c\naction x\n\
             rule base: if a then must x\n\
             rule exception overrides base: if b then may x\n\
             rule need: x requires c",
        );
        let case = p.case().set("a", true).set("b", true).build().unwrap();
        let t = trace(&p, &case);
        let id = |n: &str| p.rule_id(n).unwrap();
        assert_eq!(
            t.actions[0],
            [
                Step {
                    rule: id("base"),
                    modality: Modality::Must,
                    fate: Fate::Overridden(vec![id("exception")])
                },
                Step {
                    rule: id("exception"),
                    modality: Modality::May,
                    fate: Fate::Outranked(vec![id("need")])
                },
                Step {
                    rule: id("need"),
                    modality: Modality::MustNot,
                    fate: Fate::Kept
                },
            ]
        );
        let kept: Vec<RuleId> = t.actions[0]
            .iter()
            .filter(|s| s.fate == Fate::Kept)
            .map(|s| s.rule)
            .collect();
        assert_eq!(kept, t.outcome.verdicts[0].by);
    }

    #[test]
    fn only_the_deciding_atoms_are_reasons() {
        let p = policy(
            "fact a, b, c\nfact n: 0..9\naction x\nrule r: if (a or b) and n > 3 unless c then x",
        );
        let case = p.case().set("a", true).set("n", 5).build().unwrap();
        let t = trace(&p, &case);
        let why: Vec<(Part, bool)> = t.why(0).iter().map(|a| (a.part, a.holds)).collect();
        // a (not b: it is false and `a or b` holds anyway), n > 3, and c failing.
        assert_eq!(
            why,
            [(Part::If, true), (Part::If, true), (Part::Unless, false)]
        );
        assert_eq!(t.why(0)[0].test, &Cond::Fact(0));

        let case = p.case().set("c", true).set("n", 1).build().unwrap();
        let t = trace(&p, &case);
        let why: Vec<(Part, bool)> = t.why(0).iter().map(|a| (a.part, a.holds)).collect();
        // The `if` part fails (a and b false: both; n > 3 false) and `unless` holds.
        assert_eq!(
            why,
            [
                (Part::If, false),
                (Part::If, false),
                (Part::If, false),
                (Part::Unless, true)
            ]
        );
    }
}
