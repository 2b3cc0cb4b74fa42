//! Differential test of the linter (`deontic::analysis::lint`) against a slow brute-force
//! reference of section 5 of the contract, written here on the test's own data structures.
//!
//! Random small policies are generated as a test-side structure (`tests/random_policies/`),
//! rendered to policy text and parsed by the crate. The reference then enumerates every
//! valid case (every combination of the input facts' values), evaluates each with the
//! crate's evaluator (checked separately by `tests/eval_reference.rs`) for which rules fire
//! and which facts are derived, redoes steps 3 to 6 itself from the fired rules and the
//! transitive `overrides` relation, and decides every finding of section 5 by brute force:
//!
//! - `conflict`: per (action, r1, r2), some case leaves a conclusion of each after step 5,
//!   `must not` against `may`/`must`;
//! - `never-fires`, `always-fires` (only rules with `if`/`unless`, and requirements);
//! - `shadowed-rule`: the rule fires somewhere, derives no fact, and wherever it fires none
//!   of its conclusions remains after step 5; the removers are the rules that, in some case
//!   where it fires, actually remove one of its conclusions (an overrider in K in step 4, or
//!   a requirement remaining after step 4 against a `may` that survived step 4);
//! - `redundant-rule`: the policy is rendered again with the rule's line replaced by a
//!   comment (so anonymous ids keep their line numbers) and every other named rule
//!   overriding the transitive closure of what it overrode (so `a overrides r overrides b`
//!   keeps `a` over `b`); no verdict word and no derived fact may change in any valid case;
//! - `unused-fact`, `unused-action`, `useless-override` from the structure.
//!
//! The exclusions apply (never-fires is not also shadowed or redundant; shadowed is not also
//! redundant). The set of (code, rules, action, name) must equal the linter's exactly, and
//! every witness must be a full case (every input fact, in declaration order) that
//! reproduces its finding under `Policy::evaluate`.

mod random_policies;

use deontic::{Case, Code, Diagnostic, Literal, Policy, Verdict};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use random_policies::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

// ------------------------------------------------------------------ the reference

/// One case under the reference: what fired, what was derived, what remains after step 5.
struct World {
    fired: Vec<bool>,
    /// Per `d<i>`: its value when derived, `None` when it is an input fact.
    derived: Vec<Option<bool>>,
    /// Per action: K of step 3.
    k: Vec<Vec<(usize, Modality)>>,
    /// Per action: what remains after step 4.
    kept4: Vec<Vec<(usize, Modality)>>,
    /// Per action: what remains after step 5.
    kept: Vec<Vec<(usize, Modality)>>,
    verdict: Vec<Verdict>,
}

fn world(spec: &Spec, over: &[Vec<bool>], policy: &Policy, case: &Case) -> World {
    let out = policy.evaluate(case);
    let fired = out.fired.clone();
    let derived = (0..spec.n_derived)
        .map(|d| out.derived(&format!("d{d}")))
        .collect();
    let mut w = World {
        fired,
        derived,
        k: Vec::new(),
        kept4: Vec::new(),
        kept: Vec::new(),
        verdict: Vec::new(),
    };
    for (a, default) in spec.actions.iter().enumerate() {
        let k: Vec<(usize, Modality)> = spec
            .rules
            .iter()
            .enumerate()
            .filter(|(r, _)| w.fired[*r])
            .flat_map(|(r, rule)| {
                rule.on_actions()
                    .into_iter()
                    .filter(|&(b, _)| b == a)
                    .map(move |(_, m)| (r, m))
            })
            .collect();
        let kept4: Vec<(usize, Modality)> = k
            .iter()
            .copied()
            .filter(|&(r, _)| !k.iter().any(|&(x, _)| over[x][r]))
            .collect();
        let req = kept4.iter().any(|&(r, _)| spec.rules[r].is_req());
        let kept: Vec<(usize, Modality)> = kept4
            .iter()
            .copied()
            .filter(|&(_, m)| !(req && m == Modality::May))
            .collect();
        let has = |m: Modality| kept.iter().any(|&(_, x)| x == m);
        let verdict = if kept.is_empty() {
            match default {
                Some(true) => Verdict::Permitted,
                Some(false) => Verdict::Forbidden,
                None => Verdict::Undecided,
            }
        } else if has(Modality::MustNot) && (has(Modality::May) || has(Modality::Must)) {
            Verdict::Conflict
        } else if has(Modality::Must) {
            Verdict::Required
        } else if has(Modality::May) {
            Verdict::Permitted
        } else {
            Verdict::Forbidden
        };
        assert_eq!(
            verdict, out.verdicts[a].verdict,
            "the reference's steps 3-6 disagree with the evaluator on a{a}"
        );
        let mut by: Vec<usize> = kept.iter().map(|x| x.0).collect();
        by.sort_unstable();
        by.dedup();
        assert_eq!(by, out.verdicts[a].by, "`by` of a{a}");
        w.k.push(k);
        w.kept4.push(kept4);
        w.kept.push(kept);
        w.verdict.push(verdict);
    }
    w
}

/// A finding as compared: code, rules, action, name. For `shadowed-rule` only the rule
/// itself: its removers are compared apart (see [`Removers`]).
type Key = (String, Vec<String>, Option<String>, Option<String>);

fn key(d: &Diagnostic) -> Key {
    let rules = match d.code {
        Code::ShadowedRule => d.rules[..1].to_vec(),
        _ => d.rules.clone(),
    };
    (
        d.code.as_str().to_string(),
        rules,
        d.action.clone(),
        d.name.clone(),
    )
}

/// Per shadowed rule, in source order: the rules that remove one of its conclusions in some
/// case where it fires (exact), and the rules that fire with it and could remove one by
/// their kind (an overrider on the same action, or a requirement against a `may`) even where
/// they do not, because they are themselves overridden or the `may` is already gone.
///
/// The linter's list must name every exact remover, in source order, and only possible
/// ones. It is not compared for equality with the exact list because the linter is known to
/// name requirements that never remove anything, for example a requirement that the
/// shadowed rule itself overrides whenever both fire:
///
/// ```text
/// fact b0
/// action a0 default permitted
/// a0 requires false
/// rule r2: a0 requires b0
/// rule r3 overrides r2: if not b0 then may a0
/// ```
///
/// Whenever `r3` fires (`not b0`), `r2` fires too but `r3` removes it in step 4, so only
/// `@3` removes `r3`'s `may` (step 5); the linter reports `rules: ["r3", "@3", "r2"]`.
/// The run counts such findings under "(shadowed-rule naming a non-remover)".
type Removers = BTreeMap<String, (Vec<String>, Vec<String>)>;

/// The pair (r1, r2) leaves contradicting conclusions on action `a` in this world.
fn conflicting(w: &World, a: usize, r1: usize, r2: usize) -> bool {
    let kept = &w.kept[a];
    kept.iter()
        .any(|&(x, m1)| x == r1 && kept.iter().any(|&(y, m2)| y == r2 && m1.contradicts(m2)))
}

/// Every finding of section 5, by brute force.
fn reference(
    spec: &Spec,
    ids: &[String],
    cases: &[Vec<(String, Literal)>],
    worlds: &[World],
) -> Result<(BTreeSet<Key>, Removers), TestCaseError> {
    let n = spec.rules.len();
    let over = spec.closure();
    let mut out = BTreeSet::new();
    let mut push =
        |code: &str, rules: Vec<String>, action: Option<String>, name: Option<String>| {
            out.insert((code.to_string(), rules, action, name));
        };

    // unused-fact, unused-action, useless-override
    let mut mentioned = BTreeSet::new();
    spec.rules.iter().for_each(|r| r.mentions(&mut mentioned));
    for (name, _) in spec.input_facts() {
        if !mentioned.contains(&name) {
            push("unused-fact", vec![], None, Some(name));
        }
    }
    for a in 0..spec.actions.len() {
        if !spec
            .rules
            .iter()
            .any(|r| r.on_actions().iter().any(|&(b, _)| b == a))
        {
            push("unused-action", vec![], None, Some(format!("a{a}")));
        }
    }
    let acts =
        |r: usize| -> BTreeSet<usize> { spec.rules[r].on_actions().iter().map(|x| x.0).collect() };
    // `r overrides q` is useless when no rule at or above `r` and no rule at or below `q`
    // (in the transitive relation) share an action: then no removal anywhere goes through it.
    for (r, rule) in spec.rules.iter().enumerate() {
        for &q in &rule.overrides {
            let above: Vec<usize> = (0..n).filter(|&w| w == r || over[w][r]).collect();
            let below: Vec<usize> = (0..n).filter(|&x| x == q || over[q][x]).collect();
            let shared = above
                .iter()
                .any(|&w| below.iter().any(|&x| !acts(w).is_disjoint(&acts(x))));
            if !shared {
                push(
                    "useless-override",
                    vec![ids[r].clone(), ids[q].clone()],
                    None,
                    None,
                );
            }
        }
    }

    // never-fires, always-fires
    let fires_some: Vec<bool> = (0..n).map(|r| worlds.iter().any(|w| w.fired[r])).collect();
    for (r, rule) in spec.rules.iter().enumerate() {
        if !fires_some[r] {
            push("never-fires", vec![ids[r].clone()], None, None);
        } else if rule.conditional() && worlds.iter().all(|w| w.fired[r]) {
            push("always-fires", vec![ids[r].clone()], None, None);
        }
    }

    // conflict
    for a in 0..spec.actions.len() {
        for r1 in 0..n {
            for r2 in r1 + 1..n {
                if worlds.iter().any(|w| conflicting(w, a, r1, r2)) {
                    push(
                        "conflict",
                        vec![ids[r1].clone(), ids[r2].clone()],
                        Some(format!("a{a}")),
                        None,
                    );
                }
            }
        }
    }

    // shadowed-rule
    let mut shadowed = vec![false; n];
    let mut all_removers = Removers::new();
    for (r, rule) in spec.rules.iter().enumerate() {
        if !fires_some[r] || rule.derives() {
            continue;
        }
        let takes_effect = worlds
            .iter()
            .any(|w| w.fired[r] && w.kept.iter().any(|k| k.iter().any(|x| x.0 == r)));
        if takes_effect {
            continue;
        }
        shadowed[r] = true;
        let mut removers = BTreeSet::new();
        let mut loose = BTreeSet::new();
        for w in worlds.iter().filter(|w| w.fired[r]) {
            for (a, m) in rule.on_actions() {
                loose.extend(w.k[a].iter().map(|x| x.0).filter(|&x| {
                    x != r && (over[x][r] || (spec.rules[x].is_req() && m == Modality::May))
                }));
                let overriders: Vec<usize> =
                    w.k[a].iter().map(|x| x.0).filter(|&x| over[x][r]).collect();
                if !overriders.is_empty() {
                    removers.extend(overriders);
                } else if m == Modality::May {
                    removers.extend(
                        w.kept4[a]
                            .iter()
                            .map(|x| x.0)
                            .filter(|&x| spec.rules[x].is_req()),
                    );
                }
            }
        }
        push("shadowed-rule", vec![ids[r].clone()], None, None);
        let names = |set: &BTreeSet<usize>| set.iter().map(|&x| ids[x].clone()).collect();
        all_removers.insert(ids[r].clone(), (names(&removers), names(&loose)));
    }

    // redundant-rule
    for r in 0..n {
        if !fires_some[r] || shadowed[r] {
            continue;
        }
        let (text, _) = spec.render(Some(r));
        let without = Policy::parse("without.policy", text.clone()).map_err(|e| {
            TestCaseError::fail(format!(
                "the policy without rule {} does not parse: {e:?}\n{text}",
                ids[r]
            ))
        })?;
        let mut changes = false;
        for (lits, w) in cases.iter().zip(worlds) {
            let out = without.evaluate(&build(&without, lits)?);
            let verdicts_differ = (0..spec.actions.len())
                .any(|a| out.verdict_of(&format!("a{a}")) != Some(w.verdict[a]));
            // A fact derived only by the deleted rule is an input of the other policy, false
            // in these cases.
            let derived_differ = (0..spec.n_derived).any(|d| match w.derived[d] {
                Some(v) => out.derived(&format!("d{d}")).unwrap_or(false) != v,
                None => false,
            });
            if verdicts_differ || derived_differ {
                changes = true;
                break;
            }
        }
        if !changes {
            push("redundant-rule", vec![ids[r].clone()], None, None);
        }
    }
    Ok((out, all_removers))
}

/// The witness is a full case, every input fact once in declaration order, in its type.
fn check_full(spec: &Spec, witness: &[(String, Literal)]) -> Result<(), String> {
    let inputs = spec.input_facts();
    if witness.len() != inputs.len() {
        return Err(format!(
            "witness {witness:?} does not give every input fact"
        ));
    }
    for ((name, ty), (wn, lit)) in inputs.iter().zip(witness) {
        if name != wn {
            return Err(format!(
                "witness {witness:?}: expected `{name}`, got `{wn}`"
            ));
        }
        let ok = match (ty, lit) {
            (Ty::Bool, Literal::Bool(_)) => true,
            (Ty::Enum(n), Literal::Variant(v)) => VARIANTS[..*n].contains(&v.as_str()),
            (Ty::Int(lo, hi), Literal::Int(x)) => lo <= x && x <= hi,
            _ => false,
        };
        if !ok {
            return Err(format!("witness {witness:?}: bad value for `{name}`"));
        }
    }
    Ok(())
}

/// Findings seen over a run, per code, to show the generator reaches each.
static SEEN: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());

/// A way to run the linter.
type Lint = fn(&Policy) -> Result<Vec<Diagnostic>, deontic::analysis::AnalysisError>;

/// Compares the linter with the reference on one policy, both with the candidate cases it
/// tries before the solver and with the solver alone; returns the linter's findings.
fn check(spec: &Spec) -> Result<Vec<Diagnostic>, TestCaseError> {
    let solver_only = check_with(spec, deontic::analysis::lint_solver_only)?;
    let diags = check_with(spec, deontic::analysis::lint)?;
    prop_assert_eq!(solver_only.len(), diags.len());
    Ok(diags)
}

/// Compares one way of linting with the reference on one policy.
fn check_with(spec: &Spec, lint: Lint) -> Result<Vec<Diagnostic>, TestCaseError> {
    let (text, ids) = spec.render(None);
    let policy = Policy::parse("gen.policy", text.clone())
        .map_err(|e| TestCaseError::fail(format!("does not parse: {e:?}\n{text}")))?;
    let crate_ids: Vec<&str> = policy.rules().iter().map(|r| r.id.as_str()).collect();
    prop_assert_eq!(&crate_ids, &ids, "rule ids\n{}", text);
    let diags =
        lint(&policy).map_err(|e| TestCaseError::fail(format!("lint failed: {e}\n{text}")))?;
    let over = spec.closure();
    let cases = all_cases(&spec.input_facts());
    let mut worlds = Vec::with_capacity(cases.len());
    for lits in &cases {
        worlds.push(world(spec, &over, &policy, &build(&policy, lits)?));
    }
    let (expected, removers) = reference(spec, &ids, &cases, &worlds)?;
    let actual: BTreeSet<Key> = diags.iter().map(key).collect();
    if expected != actual {
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        return Err(TestCaseError::fail(format!(
            "findings differ\n{text}\nonly the reference: {:#?}\nonly the linter: {:#?}\nlinter: {messages:#?}",
            expected.difference(&actual).collect::<Vec<_>>(),
            actual.difference(&expected).collect::<Vec<_>>(),
        )));
    }
    prop_assert_eq!(diags.len(), actual.len(), "a finding twice\n{}", text);
    for d in diags.iter().filter(|d| d.code == Code::ShadowedRule) {
        let (exact, loose) = &removers[&d.rules[0]];
        let named = &d.rules[1..];
        let in_order: Vec<&String> = ids.iter().filter(|id| named.contains(id)).collect();
        prop_assert_eq!(
            named.iter().collect::<Vec<_>>(),
            in_order,
            "removers not in source order\n{}",
            text
        );
        let _ = loose;
        prop_assert_eq!(
            named,
            exact.as_slice(),
            "removers of `{}` differ from the rules that really remove its conclusions\n{}",
            d.rules[0],
            text
        );
    }

    for d in &diags {
        prop_assert_eq!(d.severity, d.code.severity());
        prop_assert!(d.span().is_some(), "no span: {:?}", d);
        match d.code {
            Code::Conflict | Code::ShadowedRule => {}
            _ => prop_assert!(d.witness.is_none(), "unexpected witness: {:?}", d),
        }
        let Some(witness) = &d.witness else {
            prop_assert!(
                !matches!(d.code, Code::Conflict | Code::ShadowedRule),
                "no witness: {:?}",
                d
            );
            continue;
        };
        let witness = &witness.to_vec();
        check_full(spec, witness).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let w = world(spec, &over, &policy, &build(&policy, witness)?);
        let rule = |id: &str| ids.iter().position(|x| x == id).unwrap();
        if d.code == Code::Conflict {
            let a: usize = d.action.as_deref().unwrap()[1..].parse().unwrap();
            let (r1, r2) = (rule(&d.rules[0]), rule(&d.rules[1]));
            prop_assert_eq!(
                w.verdict[a],
                Verdict::Conflict,
                "witness {:?}\n{}",
                witness,
                text
            );
            prop_assert!(
                conflicting(&w, a, r1, r2),
                "witness {:?} leaves no contradiction of {} and {}\n{}",
                witness,
                r1,
                r2,
                text
            );
        } else {
            let r = rule(&d.rules[0]);
            prop_assert!(
                w.fired[r],
                "witness {:?}: rule does not fire\n{}",
                witness,
                text
            );
            prop_assert!(
                w.kept.iter().all(|k| k.iter().all(|x| x.0 != r)),
                "witness {:?}: a conclusion remains\n{}",
                witness,
                text
            );
        }
    }
    Ok(diags)
}

#[test]
fn lint_matches_the_brute_force_reference() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&raw_spec(), |raw| {
        let diags = check(&resolve(&raw))?;
        let mut seen = SEEN.lock().unwrap();
        for d in &diags {
            *seen.entry(d.code.as_str().to_string()).or_default() += 1;
        }
        *seen.entry("(policies)".into()).or_default() += 1;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let seen = SEEN.lock().unwrap().clone();
    eprintln!("findings over the run: {seen:?}");
    // The generator must reach every kind of finding, or the comparison proves little.
    for code in [
        "conflict",
        "never-fires",
        "always-fires",
        "shadowed-rule",
        "redundant-rule",
        "unused-fact",
        "unused-action",
        "useless-override",
    ] {
        assert!(
            seen.get(code).copied().unwrap_or(0) > 0,
            "no `{code}` finding in the run: {seen:?}"
        );
    }
}

// ------------------------------------------------------------------ pinned examples

fn rule(named: bool, overrides: &[usize], when: Option<Expr>, concl: &[Concl]) -> Rule {
    Rule {
        named,
        desc: false,
        overrides: overrides.to_vec(),
        body: Body::Cond {
            when,
            unless: None,
            concl: concl.to_vec(),
        },
    }
}

fn fact(name: &str) -> Option<Expr> {
    Some(Expr::Fact(name.into()))
}

fn spec(inputs: &[&str], actions: usize, rules: Vec<Rule>) -> Spec {
    Spec {
        inputs: inputs.iter().map(|n| (n.to_string(), Ty::Bool)).collect(),
        n_derived: 0,
        actions: vec![None; actions],
        rules,
        header: false,
        decls_last: false,
    }
}

fn lint_keys(spec: &Spec) -> BTreeSet<Key> {
    let (text, _) = spec.render(None);
    let policy = Policy::parse("pinned.policy", text).unwrap();
    deontic::analysis::lint(&policy)
        .unwrap()
        .iter()
        .map(key)
        .collect()
}

fn redundant(id: &str) -> Key {
    ("redundant-rule".into(), vec![id.into()], None, None)
}

/// `r2 overrides r1 overrides r0`: deleting `r1` keeps `r2` over `r0`, so `r1`, whose
/// `may a0` only repeats `r2` and whose `must a1` repeats `@7`, is redundant. Without the
/// transitive edge `r0`'s `must not a0` would meet `r2`'s `may a0` and the verdict change.
#[test]
fn deleting_a_rule_keeps_the_transitive_overrides() {
    use Modality::*;
    let s = spec(
        &["b0"],
        2,
        vec![
            rule(true, &[], fact("b0"), &[Concl::Action(0, MustNot, false)]),
            rule(
                true,
                &[0],
                fact("b0"),
                &[Concl::Action(0, May, false), Concl::Action(1, Must, false)],
            ),
            rule(true, &[1], fact("b0"), &[Concl::Action(0, May, false)]),
            rule(false, &[], fact("b0"), &[Concl::Action(1, Must, true)]),
        ],
    );
    check(&s).unwrap();
    let keys = lint_keys(&s);
    assert!(keys.contains(&redundant("r1")), "{keys:#?}");
    assert!(keys.contains(&redundant("@7")), "{keys:#?}");
}

/// A requirement outranks a permission (step 5): `r0`'s `may a0` is shadowed by `@5` alone,
/// and `r2`'s `not a0` conflicts with nothing: it never meets the `may`.
#[test]
fn a_requirement_shadows_a_permission() {
    use Modality::*;
    let mut s = spec(
        &["b0", "b1"],
        1,
        vec![
            rule(
                true,
                &[],
                Some(Expr::Not(Box::new(Expr::Fact("b0".into())))),
                &[Concl::Action(0, May, false)],
            ),
            Rule {
                named: false,
                desc: false,
                overrides: vec![],
                body: Body::Req {
                    action: 0,
                    cond: Expr::Fact("b0".into()),
                },
            },
            rule(true, &[], fact("b1"), &[Concl::Action(0, MustNot, true)]),
        ],
    );
    s.actions[0] = Some(true);
    check(&s).unwrap();
    let text = s.render(None).0;
    let policy = Policy::parse("pinned.policy", text.clone()).unwrap();
    let diags = deontic::analysis::lint(&policy).unwrap();
    let shadowed: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.code == Code::ShadowedRule)
        .collect();
    assert_eq!(shadowed.len(), 1, "{text}{diags:#?}");
    assert_eq!(shadowed[0].rules, ["r0", "@5"], "{text}");
    let witness = shadowed[0].witness.as_ref().unwrap().to_vec();
    assert_eq!(
        witness,
        vec![
            ("b0".to_string(), Literal::Bool(false)),
            ("b1".to_string(), witness[1].1.clone()),
        ]
    );
    assert!(diags.iter().all(|d| d.code != Code::Conflict), "{diags:#?}");
}

/// An anonymous rule's id is its line; deleting a rule must not renumber the others, and the
/// reference's rendering of the policy without a rule keeps every other line in place.
#[test]
fn the_policy_without_a_rule_keeps_the_lines() {
    use Modality::*;
    let s = spec(
        &["b0", "b1"],
        1,
        vec![
            rule(false, &[], fact("b0"), &[Concl::Action(0, Must, true)]),
            rule(false, &[], fact("b0"), &[Concl::Action(0, Must, false)]),
            rule(false, &[], fact("b1"), &[Concl::Action(0, MustNot, true)]),
        ],
    );
    let (text, ids) = s.render(None);
    let (without, same) = s.render(Some(1));
    assert_eq!(ids, ["@4", "@5", "@6"]);
    assert_eq!(ids, same);
    assert_eq!(text.lines().count(), without.lines().count());
    assert_eq!(without.lines().nth(4), Some("# rule @5 deleted"));
    check(&s).unwrap();
    // Each of the two obligations is redundant given the other, and both conflict with `@6`.
    let keys = lint_keys(&s);
    assert!(keys.contains(&redundant("@4")) && keys.contains(&redundant("@5")));
    assert!(keys.contains(&(
        "conflict".into(),
        vec!["@4".into(), "@6".into()],
        Some("a0".into()),
        None
    )));
}
