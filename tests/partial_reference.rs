//! Differential test of partial evaluation (section 9 of the contract) against brute force
//! written here: random small policies, random partial cases, and every completion of each
//! enumerated and evaluated with the crate's evaluator (checked on its own by
//! `tests/eval_reference.rs`). `possible`, `verdict`, `needed` and the derived facts must
//! equal what the completions say, by the solver, by the table of completions, and by the
//! default (tables per cone, built once).

use deontic::analysis::{PartialEvaluator, PartialOutcome};
use deontic::model::PartialCase;
use deontic::model::Value;
use deontic::{Policy, Verdict};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::sync::atomic::{AtomicUsize, Ordering};

mod six_facts;
use six_facts::{all_cases, full_case, inputs, policy_text, value};

/// A random partial case: each input fact given (with a value) or not.
fn partial() -> impl Strategy<Value = Vec<Option<u8>>> {
    prop::collection::vec(prop::option::of(0..5u8), 6)
}

/// What brute force says: per action (possible words, needed facts), per derived fact.
type Expected = (Vec<(Vec<Verdict>, Vec<usize>)>, Vec<Option<bool>>);

fn reference(p: &Policy, given: &[Option<u8>]) -> Expected {
    let ids = inputs(p);
    let fits = |c: &[u8; 6]| {
        given.iter().zip(c).enumerate().all(|(k, (g, v))| match g {
            None => true,
            Some(g) => value(k, *g) == value(k, *v),
        })
    };
    let completions: Vec<[u8; 6]> = all_cases().into_iter().filter(fits).collect();
    let outcomes: Vec<_> = completions
        .iter()
        .map(|c| p.evaluate(&full_case(p, &ids, c)))
        .collect();
    let mut actions = Vec::new();
    for a in 0..p.actions().len() {
        let mut possible: Vec<Verdict> = Verdict::ALL
            .iter()
            .copied()
            .filter(|w| outcomes.iter().any(|o| o.verdicts[a].verdict == *w))
            .collect();
        possible.sort_by_key(|w| Verdict::ALL.iter().position(|x| x == w));
        let mut needed = Vec::new();
        for (k, &f) in ids.iter().enumerate() {
            if given[k].is_some() {
                continue;
            }
            let differs = completions.iter().enumerate().any(|(i, c1)| {
                completions.iter().enumerate().any(|(j, c2)| {
                    (0..6).all(|m| m == k || c1[m] == c2[m])
                        && outcomes[i].verdicts[a].verdict != outcomes[j].verdicts[a].verdict
                })
            });
            if differs {
                needed.push(f);
            }
        }
        needed.sort_unstable();
        actions.push((possible, needed));
    }
    let derived = p
        .derived_facts()
        .map(|f| {
            let vals: Vec<bool> = outcomes
                .iter()
                .map(|o| o.values[f] == Value::Bool(true))
                .collect();
            if vals.iter().all(|v| *v) {
                Some(true)
            } else if vals.iter().all(|v| !*v) {
                Some(false)
            } else {
                None
            }
        })
        .collect();
    (actions, derived)
}

fn compare(
    p: &Policy,
    got: &PartialOutcome,
    want: &Expected,
    how: &str,
) -> Result<(), TestCaseError> {
    for (a, (possible, needed)) in want.0.iter().enumerate() {
        let v = &got.verdicts[a];
        prop_assert_eq!(&v.possible, possible, "{}: possible of x{}", how, a);
        prop_assert_eq!(&v.needed, needed, "{}: needed of x{}", how, a);
        let verdict = if possible.len() == 1 {
            Some(possible[0])
        } else {
            None
        };
        prop_assert_eq!(v.verdict, verdict, "{}: verdict of x{}", how, a);
    }
    let derived: Vec<Option<bool>> = got.derived.iter().map(|(_, v)| *v).collect();
    prop_assert_eq!(&derived, &want.1, "{}: derived", how);
    let _ = p;
    Ok(())
}

static PARSED: AtomicUsize = AtomicUsize::new(0);
static TRIED: AtomicUsize = AtomicUsize::new(0);

fn check(text: &str, cases: &[Vec<Option<u8>>]) -> Result<(), TestCaseError> {
    TRIED.fetch_add(1, Ordering::Relaxed);
    let Ok(p) = Policy::parse("random.policy", text) else {
        return Ok(());
    };
    PARSED.fetch_add(1, Ordering::Relaxed);
    let ids = inputs(&p);
    let mut table = PartialEvaluator::<deontic::analysis::DefaultSolver>::with_budget(&p, 1 << 20)
        .without_cone_tables();
    let mut solver = PartialEvaluator::<deontic::analysis::DefaultSolver>::with_budget(&p, 0);
    let mut cones = PartialEvaluator::new(&p);
    for given in cases {
        let mut values = vec![None; p.facts().len()];
        for (k, g) in given.iter().enumerate() {
            values[ids[k]] = g.map(|v| value(k, v));
        }
        let case = PartialCase { values };
        let want = reference(&p, given);
        compare(
            &p,
            &table.evaluate(&case).unwrap(),
            &want,
            &format!("table\n{text}\n{given:?}"),
        )?;
        compare(
            &p,
            &solver.evaluate(&case).unwrap(),
            &want,
            &format!("solver\n{text}\n{given:?}"),
        )?;
        compare(
            &p,
            &cones.evaluate(&case).unwrap(),
            &want,
            &format!("cone tables\n{text}\n{given:?}"),
        )?;
    }
    Ok(())
}

#[test]
fn partial_evaluation_matches_brute_force() {
    let cases: u32 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(
            &(policy_text(), prop::collection::vec(partial(), 1..6)),
            |(text, partials)| check(&text, &partials),
        )
        .unwrap();
    let (parsed, tried) = (
        PARSED.load(Ordering::Relaxed),
        TRIED.load(Ordering::Relaxed),
    );
    // Most random policies are valid (an override cycle or self-contradiction is the rare
    // exception), so the comparison is not vacuous.
    assert!(
        parsed * 10 >= tried * 7,
        "only {parsed} of {tried} random policies were valid"
    );
}

#[test]
fn the_contract_example_shape() {
    let p = Policy::parse(
        "p.policy",
        "fact last_resort, legal_basis, cabinet_decision\naction counterattack default forbidden\n\
         action diplomacy\n\
         rule may_counter: if last_resort then may counterattack\n\
         rule needs: counterattack requires legal_basis and cabinet_decision\n\
         rule talk: then may diplomacy\n",
    )
    .unwrap();
    let case = p.case().set("last_resort", true).build_partial().unwrap();
    let out = deontic::analysis::evaluate_partial(&p, &case).unwrap();
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"verdicts":{"counterattack":{"verdict":null,"possible":["permitted","forbidden"],"needed":["legal_basis","cabinet_decision"]},"diplomacy":{"verdict":"permitted","possible":["permitted"],"needed":[]}},"derived":{},"unknown":["legal_basis","cabinet_decision"]}"#
    );
    assert!(!out.settled());
}
