//! `test --generate` against brute force written here: random small policies, every valid
//! case enumerated and evaluated with the crate's evaluator. After generating, every rule
//! that decides in some valid case decides in some block, every verdict some valid case
//! gives an action is reached by a block, both sides of every integer comparison's boundary
//! are tried where the rule can decide on either, every generated expectation holds, and a
//! second run adds nothing.

use deontic::model::{CmpOp, Cond, Target, Value};
use deontic::testing::{coverage, generate, run_case};
use deontic::{Case, Outcome, Policy, Verdict};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

mod six_facts;
use six_facts::{all_cases, full_case, inputs, policy_text};

/// Whether rule `r` decides in an outcome: it fired and a conclusion remains in a `by`
/// list, or it derives a fact.
fn decides(p: &Policy, o: &Outcome, r: usize) -> bool {
    o.fired[r]
        && p.rule(r).conclusions.iter().any(|c| match c.target {
            Target::Fact(_) => true,
            Target::Action(a, _) => o.verdicts[a].by.contains(&r),
        })
}

/// The boundaries of a condition's comparisons on `n`: the pairs `(b, b + 1)` where one
/// changes, both in `0..=4`.
fn pairs(c: &Cond, out: &mut Vec<(i64, i64)>) {
    match c {
        Cond::Compare(_, op, k) => {
            let below = match op {
                CmpOp::Gt | CmpOp::Le => vec![*k],
                CmpOp::Ge | CmpOp::Lt => vec![k - 1],
                CmpOp::Eq | CmpOp::Ne => vec![k - 1, *k],
            };
            for b in below {
                if (0..4).contains(&b) && !out.contains(&(b, b + 1)) {
                    out.push((b, b + 1));
                }
            }
        }
        Cond::Not(x) => pairs(x, out),
        Cond::And(xs) | Cond::Or(xs) => xs.iter().for_each(|x| pairs(x, out)),
        _ => {}
    }
}

fn check(text: &str) -> Result<(), TestCaseError> {
    // Some random texts have static errors (a self-contradiction, say): nothing to test.
    let Ok(p) = Policy::parse("t.policy", text) else {
        return Ok(());
    };
    let g = generate(&p).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(g.text.starts_with(text));
    let q = Policy::parse("t.policy", g.text.as_str())
        .map_err(|f| TestCaseError::fail(format!("{f}\n{}", g.text)))?;
    for c in q.cases() {
        prop_assert!(run_case(&q, c).misses.is_empty(), "{}", g.text);
    }
    let ids = inputs(&q);
    let every: Vec<Case> = all_cases().iter().map(|c| full_case(&q, &ids, c)).collect();
    let all: Vec<Outcome> = every.iter().map(|c| q.evaluate(c)).collect();
    let blocks: Vec<Outcome> = q.cases().iter().map(|c| q.evaluate(&c.case)).collect();
    for r in 0..q.rules().len() {
        if all.iter().any(|o| decides(&q, o, r)) {
            prop_assert!(
                blocks.iter().any(|o| decides(&q, o, r)),
                "rule {} can decide but decides in no block\n{}",
                q.rule(r).id,
                g.text
            );
        }
    }
    for a in 0..q.actions().len() {
        for v in Verdict::ALL {
            if all.iter().any(|o| o.verdicts[a].verdict == v) {
                prop_assert!(
                    blocks.iter().any(|o| o.verdicts[a].verdict == v),
                    "x{a} can be {v:?} but no block is\n{}",
                    g.text
                );
            }
        }
    }
    let n = q.fact_id("n").unwrap();
    for r in 0..q.rules().len() {
        let mut ps = Vec::new();
        q.rule(r).conditions().for_each(|c| pairs(c, &mut ps));
        for (b, a) in ps {
            let on = |o: &Outcome, c: &Case| {
                decides(&q, o, r) && (c.values[n] == Value::Int(b) || c.values[n] == Value::Int(a))
            };
            if !every.iter().zip(&all).any(|(c, o)| on(o, c)) {
                continue;
            }
            for (side, other) in [(b, a), (a, b)] {
                let tried = q.cases().iter().any(|c| {
                    if c.case.values[n] != Value::Int(side) {
                        return false;
                    }
                    let mut moved = c.case.clone();
                    moved.values[n] = Value::Int(other);
                    decides(&q, &q.evaluate(&c.case), r) || decides(&q, &q.evaluate(&moved), r)
                });
                prop_assert!(tried, "rule r{r}: no block tries n = {side}\n{}", g.text);
            }
        }
    }
    let cases: Vec<&Case> = q.cases().iter().map(|c| &c.case).collect();
    let c = coverage(&q, &cases).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(c.gaps.is_empty(), "{c:?}");
    prop_assert_eq!(c.percent(), 100);
    let again = generate(&q).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&again.text, &g.text);
    prop_assert!(again.blocks.is_empty());
    Ok(())
}

#[test]
fn generated_blocks_meet_every_goal_brute_force_finds() {
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    runner.run(&policy_text(), |t| check(&t)).unwrap();
}

#[test]
fn a_policy_with_blocks_gets_only_what_they_miss() {
    let text = "fact a, b\nfact n: 0..10\naction x default forbidden\n\
        rule r1: if a and n > 5 then may x\nrule r2 overrides r1: if b then must not x\n\
        case \"mine\" {\n  given a, n = 6\n  expect x is permitted by r1\n}\n";
    let p = Policy::parse("t.policy", text).unwrap();
    let g = generate(&p).unwrap();
    assert!(g.text.starts_with(text));
    assert!(
        g.names
            .iter()
            .any(|n| n.ends_with("r1 at n = 5, next to 6")),
        "{:?}",
        g.names
    );
    assert!(
        !g.names.iter().any(|n| n.contains("n = 6")),
        "{:?}",
        g.names
    );
    let q = Policy::parse("t.policy", g.text.as_str()).unwrap();
    assert!(generate(&q).unwrap().blocks.is_empty());
    assert!(
        !g.names.iter().any(|n| n.contains("r1 decides")),
        "{:?}",
        g.names
    );
    assert!(
        g.names.iter().any(|n| n.contains("r2 decides")),
        "{:?}",
        g.names
    );
}

// ---- the command line: snapshots of the coverage report and of a generated file -------

const BIN: &str = env!("CARGO_BIN_EXE_deontic");

/// A draft with a gap of each kind and an integer boundary.
const DRAFT: &str = "fact attack, ransomware
fact attacker: state | criminal | unknown
fact hours: 0..240
action respond default forbidden
action report
rule respond_to_attack: if attack or ransomware then may respond
rule no_response_to_states overrides respond_to_attack:
  if attacker is state and not ransomware then must not respond, report
rule late: if attack and hours > 72 then must report

case \"state attack\" {
  given attack, attacker = state, hours = 0
  expect respond is forbidden by no_response_to_states
  expect report is required by no_response_to_states
}
";

fn deontic(dir: &std::path::Path, args: &[&str]) -> (String, i32) {
    let out = std::process::Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    (text, out.status.code().unwrap_or(-1))
}

#[test]
fn coverage_reports_and_a_generated_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("draft.policy");
    std::fs::write(&file, DRAFT).unwrap();
    let (human, code) = deontic(dir.path(), &["test", "--coverage", "draft.policy"]);
    assert_eq!(code, 0, "{human}");
    insta::assert_snapshot!("coverage_human", human);
    let (json, code) = deontic(
        dir.path(),
        &["test", "--coverage", "--format", "json", "draft.policy"],
    );
    assert_eq!(code, 0, "{json}");
    let coverage: serde_json::Value = serde_json::from_str(json.lines().nth(1).unwrap()).unwrap();
    insta::assert_json_snapshot!("coverage_json", coverage);
    let (check, code) = deontic(
        dir.path(),
        &["test", "--generate", "--check", "draft.policy"],
    );
    assert_eq!(code, 1, "{check}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), DRAFT);
    let (added, code) = deontic(dir.path(), &["test", "--generate", "draft.policy"]);
    assert_eq!(code, 0, "{added}");
    insta::assert_snapshot!("generate_output", added);
    let generated = std::fs::read_to_string(&file).unwrap();
    assert!(generated.starts_with(DRAFT));
    insta::assert_snapshot!("generated_file", generated);
    let (again, code) = deontic(
        dir.path(),
        &["test", "--generate", "--check", "draft.policy"],
    );
    assert_eq!(code, 0, "{again}");
    assert!(
        again.contains("would generate 0 cases in 0 files"),
        "{again}"
    );
    let (full, _) = deontic(dir.path(), &["test", "--coverage", "draft.policy"]);
    assert!(full.contains("(100%)"), "{full}");
    assert!(full.ends_with(", 100% covered\n"), "{full}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), generated);
}

#[test]
fn generate_refuses_what_it_cannot_do() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.policy"), DRAFT).unwrap();
    let (_, code) = deontic(
        dir.path(),
        &["test", "--generate", "--format", "json", "d.policy"],
    );
    assert_eq!(code, 2);
    let (_, code) = deontic(dir.path(), &["test", "--generate", "--bless", "d.policy"]);
    assert_eq!(code, 2);
    let (_, code) = deontic(dir.path(), &["test", "--check", "d.policy"]);
    assert_eq!(code, 2);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("d.policy")).unwrap(),
        DRAFT
    );
}
