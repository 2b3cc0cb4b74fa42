//! The eight findings of section 5, each a query on the shared solver.

use super::AnalysisError;
use super::encode::{ActionEnc, Encoder, affected_by};
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::Verdict;
use crate::model::{Case, Modality, Policy, RuleId, RuleKind, Target};
use rustsat::solvers::SolveIncremental;
use rustsat::types::Lit;

struct Run<'p, S> {
    p: &'p Policy,
    e: Encoder<S>,
    out: Vec<Diagnostic>,
}

impl<S: SolveIncremental + Default> Run<'_, S> {
    fn sat(&mut self, assumptions: &[Lit]) -> Result<bool, AnalysisError> {
        self.e
            .sat(assumptions)
            .ok_or_else(|| AnalysisError(self.e.error.clone().unwrap_or_default()))
    }

    fn id(&self, r: RuleId) -> &str {
        &self.p.rules[r].id
    }

    /// The witness of the last satisfiable query, checked by the evaluator with `check`.
    fn witness(
        &self,
        what: &str,
        check: impl Fn(&crate::eval::Outcome) -> bool,
    ) -> Result<Case, AnalysisError> {
        let case = self.e.witness(self.p);
        if check(&self.p.evaluate(&case)) {
            Ok(case)
        } else {
            Err(AnalysisError(format!(
                "internal error: the witness for {what} does not reproduce it: {}",
                self.p.case_text("witness", &case, &[])
            )))
        }
    }
}

pub(super) fn all<S: SolveIncremental + Default>(
    p: &Policy,
) -> Result<Vec<Diagnostic>, AnalysisError> {
    let mut e = Encoder::<S>::new(p);
    let base = e.world(p, None);
    let actions: Vec<ActionEnc> = (0..p.actions.len())
        .map(|a| e.action(p, a, &base, None))
        .collect();
    let mut run = Run {
        p,
        e,
        out: Vec::new(),
    };
    unused(&mut run);
    let mut never = vec![false; p.rules.len()];
    for (r, rule) in p.rules.iter().enumerate() {
        if !run.sat(&[base.fire[r]])? {
            never[r] = true;
            let mut d =
                Diagnostic::new(Code::NeverFires, format!("rule `{}` never fires", rule.id))
                    .primary(rule.name_span, "fires in no valid case")
                    .help("no case satisfies its condition: fix the condition, or delete the rule");
            d.rules = vec![rule.id.clone()];
            run.out.push(d);
            continue;
        }
        let conditional = match &rule.kind {
            RuleKind::Conditional { when, unless } => when.is_some() || unless.is_some(),
            RuleKind::Requirement { .. } => true,
        };
        if conditional && !run.sat(&[!base.fire[r]])? {
            let what = if rule.is_requirement() {
                "its condition fails in every valid case, so it always forbids"
            } else {
                "its condition holds in every valid case"
            };
            let mut d = Diagnostic::new(
                Code::AlwaysFires,
                format!("rule `{}` fires in every case", rule.id),
            )
            .primary(rule.name_span, "fires in every valid case")
            .help(format!(
                "{what}: drop the condition, or add the restriction it is missing"
            ));
            d.rules = vec![rule.id.clone()];
            run.out.push(d);
        }
    }
    conflicts(&mut run, &actions, &never)?;
    let shadowed = shadowed(&mut run, &actions, &base.fire, &never)?;
    redundant(&mut run, &base, &actions, &never, &shadowed)?;
    Ok(run.out)
}

fn unused<S: SolveIncremental + Default>(run: &mut Run<S>) {
    let p = run.p;
    let mut used = vec![false; p.facts.len()];
    let mut concluded = vec![false; p.actions.len()];
    for rule in &p.rules {
        rule.for_each_fact(&mut |f| used[f] = true);
        for c in &rule.conclusions {
            if let Target::Action(a, _) = c.target {
                concluded[a] = true;
            }
        }
    }
    for f in p.input_facts().filter(|&f| !used[f]) {
        let fact = &p.facts[f];
        let mut d = Diagnostic::new(
            Code::UnusedFact,
            format!("fact `{}` is never used", fact.name),
        )
        .primary(fact.span, "no condition mentions it")
        .help("use it in a rule's condition, or remove the declaration");
        d.name = Some(fact.name.clone());
        run.out.push(d);
    }
    for (a, action) in p.actions.iter().enumerate().filter(|(a, _)| !concluded[*a]) {
        let _ = a;
        let mut d = Diagnostic::new(
            Code::UnusedAction,
            format!("action `{}` is never decided", action.name),
        )
        .primary(action.span, "no rule concludes on it")
        .help(match action.default {
            Some(_) => "every case gets its default verdict: add a rule, or remove the action",
            None => "every case leaves it undecided: add a rule, or remove the action",
        });
        d.name = Some(action.name.clone());
        run.out.push(d);
    }
    for (r, rule) in p.rules.iter().enumerate() {
        for (&q, &span) in rule.overrides.iter().zip(&rule.override_spans) {
            let acts = |x: RuleId| -> Vec<usize> {
                p.rules[x]
                    .conclusions
                    .iter()
                    .filter_map(|c| match c.target {
                        Target::Action(a, _) => Some(a),
                        Target::Fact(_) => None,
                    })
                    .collect()
            };
            let (mine, theirs) = (acts(r), acts(q));
            if mine.iter().any(|a| theirs.contains(a)) {
                continue;
            }
            let mut d = Diagnostic::new(
                Code::UselessOverride,
                format!(
                    "`{}` overrides `{}`, but they decide no action in common",
                    rule.id, p.rules[q].id
                ),
            )
            .primary(span, "overrides nothing")
            .secondary(p.rules[q].name_span, "decides other actions")
            .help("an override only removes conclusions on the same action: remove it");
            d.rules = vec![rule.id.clone(), p.rules[q].id.clone()];
            run.out.push(d);
        }
    }
}

fn conflicts<S: SolveIncremental + Default>(
    run: &mut Run<S>,
    actions: &[ActionEnc],
    never: &[bool],
) -> Result<(), AnalysisError> {
    let p = run.p;
    for (a, enc) in actions.iter().enumerate() {
        // Per rule: the literal that a `must not` of it remains, and that a `may`/`must` does.
        let mut rules: Vec<RuleId> = enc
            .kept
            .iter()
            .map(|x| x.0)
            .filter(|&r| !never[r])
            .collect();
        rules.dedup();
        let lits = |run: &mut Run<S>, r: RuleId, forbid: bool| {
            let ls: Vec<Lit> = enc
                .kept
                .iter()
                .filter(|x| x.0 == r && (x.1 == Modality::MustNot) == forbid)
                .map(|x| x.2)
                .collect();
            (!ls.is_empty()).then(|| run.e.or(&ls))
        };
        let sides: Vec<(RuleId, Option<Lit>, Option<Lit>)> = rules
            .iter()
            .map(|&r| (r, lits(run, r, true), lits(run, r, false)))
            .collect();
        for i in 0..sides.len() {
            for j in i + 1..sides.len() {
                let (r1, f1, a1) = sides[i];
                let (r2, f2, a2) = sides[j];
                if p.overrides(r1, r2) || p.overrides(r2, r1) {
                    continue;
                }
                let mut hit = false;
                for (x, y) in [(f1, a2), (a1, f2)] {
                    if let (Some(x), Some(y)) = (x, y)
                        && run.sat(&[x, y])?
                    {
                        hit = true;
                        break;
                    }
                }
                if !hit {
                    continue;
                }
                let (id1, id2) = (run.id(r1).to_string(), run.id(r2).to_string());
                let name = &p.actions[a].name;
                let case = run.witness(&format!("the conflict on `{name}`"), |o| {
                    o.verdicts[a].verdict == Verdict::Conflict
                        && o.verdicts[a].by.contains(&r1)
                        && o.verdicts[a].by.contains(&r2)
                })?;
                let span_on = |r: RuleId| {
                    p.rules[r]
                        .conclusions
                        .iter()
                        .find(|c| matches!(c.target, Target::Action(x, _) if x == a))
                        .map_or(p.rules[r].name_span, |c| c.span)
                };
                let block = p.case_text(
                    &format!("{id1} against {id2}"),
                    &case,
                    &[(name.clone(), "conflict".into())],
                );
                let named = p.rules[r1].named && p.rules[r2].named;
                let fix = if named {
                    format!(
                        "add `overrides {id1}` to rule `{id2}` (or the reverse) to say which wins, or narrow a condition so both cannot hold"
                    )
                } else {
                    "name both rules and add an `overrides` to say which wins, or narrow a condition so both cannot hold".to_string()
                };
                let mut d = Diagnostic::new(
                    Code::Conflict,
                    format!("rules `{id1}` and `{id2}` conflict on `{name}`"),
                )
                .primary(span_on(r2), format!("`{id2}` concludes this"))
                .secondary(span_on(r1), format!("`{id1}` concludes the opposite"))
                .help(format!(
                    "both hold in this case:\n{}\n{fix}",
                    indent(&block)
                ));
                d.action = Some(name.clone());
                d.rules = vec![id1, id2];
                d.witness = Some(p.case_literals(&case));
                run.out.push(d);
            }
        }
    }
    Ok(())
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn shadowed<S: SolveIncremental + Default>(
    run: &mut Run<S>,
    actions: &[ActionEnc],
    base_fire: &[Lit],
    never: &[bool],
) -> Result<Vec<bool>, AnalysisError> {
    let p = run.p;
    let mut shadowed = vec![false; p.rules.len()];
    for (r, rule) in p.rules.iter().enumerate() {
        if never[r]
            || rule
                .conclusions
                .iter()
                .any(|c| matches!(c.target, Target::Fact(_)))
        {
            continue;
        }
        let kept: Vec<Lit> = actions
            .iter()
            .flat_map(|enc| enc.kept.iter().filter(|x| x.0 == r).map(|x| x.2))
            .collect();
        let any = run.e.or(&kept);
        let fire = base_fire[r];
        if run.sat(&[fire, any])? {
            continue;
        }
        shadowed[r] = true;
        // The rules that remove its conclusions in some case where it fires: a rule that
        // overrides it and concludes on the same action (step 4), or a requirement whose
        // conclusion remains after step 4 while a permission of it does too (step 5).
        let mut removers: Vec<RuleId> = Vec::new();
        for enc in actions {
            let mine: Vec<usize> = (0..enc.kept.len())
                .filter(|&i| enc.kept[i].0 == r)
                .collect();
            if mine.is_empty() {
                continue;
            }
            for (i, &(w, _, _)) in enc.kept.iter().enumerate() {
                if w == r || removers.contains(&w) {
                    continue;
                }
                let removes = if p.overrides(w, r) {
                    run.sat(&[fire, base_fire[w]])?
                } else if p.rules[w].is_requirement() {
                    let mut hit = false;
                    for &j in mine.iter().filter(|&&j| enc.kept[j].1 == Modality::May) {
                        if run.sat(&[fire, enc.kept4[i], enc.kept4[j]])? {
                            hit = true;
                            break;
                        }
                    }
                    hit
                } else {
                    false
                };
                if removes {
                    removers.push(w);
                }
            }
        }
        removers.sort_unstable();
        run.sat(&[fire])?;
        let case = run.witness(&format!("shadowed rule `{}`", rule.id), |o| {
            o.fired[r] && o.verdicts.iter().all(|v| !v.by.contains(&r))
        })?;
        let names: Vec<String> = removers.iter().map(|&w| p.rules[w].id.clone()).collect();
        let list = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut d = Diagnostic::new(
            Code::ShadowedRule,
            format!(
                "rule `{}` is shadowed: whenever it fires, {list} {} its conclusions",
                rule.id,
                if removers.len() == 1 {
                    "removes"
                } else {
                    "remove"
                }
            ),
        )
        .primary(rule.name_span, "its conclusions never take effect");
        for &w in &removers {
            d = d.secondary(p.rules[w].name_span, "removes them");
        }
        let block = p.case_text(&format!("{} fires", rule.id), &case, &[]);
        d = d.help(format!(
            "it fires, for example, here, yet decides nothing:\n{}\ndelete the rule, or narrow the rules that remove it",
            indent(&block)
        ));
        d.rules = std::iter::once(rule.id.clone()).chain(names).collect();
        d.witness = Some(p.case_literals(&case));
        run.out.push(d);
    }
    Ok(shadowed)
}

fn redundant<S: SolveIncremental + Default>(
    run: &mut Run<S>,
    base: &super::encode::World,
    actions: &[ActionEnc],
    never: &[bool],
    shadowed: &[bool],
) -> Result<(), AnalysisError> {
    let p = run.p;
    for r in 0..p.rules.len() {
        if never[r] || shadowed[r] {
            continue;
        }
        let without = run.e.world(p, Some((base, r)));
        let (facts, rules) = affected_by(p, r);
        let mut diffs = Vec::new();
        for f in p.derived_facts().filter(|&f| facts[f]) {
            if let (Some(a), Some(b)) = (base.fact[f], without.fact[f]) {
                diffs.push(run.e.xor(a, b));
            }
        }
        let touched: Vec<usize> = (0..p.actions.len())
            .filter(|&a| {
                p.rules.iter().enumerate().any(|(x, rule)| {
                    rules[x]
                        && rule
                            .conclusions
                            .iter()
                            .any(|c| matches!(c.target, Target::Action(b, _) if b == a))
                })
            })
            .collect();
        for a in touched {
            let after = run.e.action(p, a, &without, Some(r));
            for v in 0..5 {
                diffs.push(run.e.xor(actions[a].verdict[v], after.verdict[v]));
            }
        }
        let any = run.e.or(&diffs);
        if run.sat(&[any])? {
            continue;
        }
        let rule = &p.rules[r];
        let mut d = Diagnostic::new(Code::RedundantRule, format!("rule `{}` is redundant", rule.id))
            .primary(rule.name_span, "deleting it changes nothing")
            .help("no verdict and no derived fact changes without it in any valid case: delete it, or fix the rules that already decide its cases");
        d.rules = vec![rule.id.clone()];
        run.out.push(d);
    }
    Ok(())
}
