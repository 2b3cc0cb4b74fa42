//! `deontic explain` as library calls: the decision trail of the fixtures' and bundled
//! policies' cases, snapshotted (and read by hand), and checked against the evaluation.

use deontic::Policy;
use deontic::eval::trace::{Fate, trace};
use deontic::report::{explain_human, explain_json};
use std::path::Path;

fn load(path: &str) -> Policy {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(path)).unwrap();
    Policy::parse(path, text).unwrap_or_else(|f| panic!("{f}"))
}

fn all_actions(p: &Policy) -> Vec<usize> {
    (0..p.actions().len()).collect()
}

/// Every case block of a policy, explained in the human form.
fn human_blocks(p: &Policy) -> String {
    p.cases()
        .iter()
        .map(|c| {
            explain_human(
                &format!("{:?}", c.name),
                &trace(p, &c.case),
                &all_actions(p),
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn overrides_removed_and_by_whom() {
    insta::assert_snapshot!(
        "overrides",
        human_blocks(&load("tests/fixtures/eval/overrides.policy"))
    );
}

#[test]
fn requirements_outrank_permissions() {
    insta::assert_snapshot!(
        "requirements",
        human_blocks(&load("tests/fixtures/eval/requirements.policy"))
    );
}

#[test]
fn derived_facts_are_explained_where_used() {
    insta::assert_snapshot!(
        "derived",
        human_blocks(&load("tests/fixtures/eval/derived.policy"))
    );
}

#[test]
fn the_doctrine_on_the_quick_start_case() {
    let p = load("policies/nl-cyber-response.policy");
    let case = deontic::model::case_from_given(
        &p,
        "cyberattack,threat_to_national_security,attacker=state,last_resort,hostile_action_to_avert,cabinet_decision",
    )
    .unwrap();
    let t = trace(&p, &case);
    let actions: Vec<usize> = ["counterattack", "deploy_armed_forces", "impose_sanctions"]
        .iter()
        .map(|a| p.action_id(a).unwrap())
        .collect();
    insta::assert_snapshot!("doctrine_human", explain_human("#1", &t, &actions));
    let json: serde_json::Value = serde_json::from_str(&explain_json("#1", &t, &actions)).unwrap();
    insta::assert_snapshot!(
        "doctrine_json",
        serde_json::to_string_pretty(&json).unwrap()
    );
}

/// For every case block of every fixture and bundled policy: the JSON names exactly the
/// rules on each action, with the firing the evaluation computed; the conclusions kept are
/// the verdict's `by`; each reason's `holds` and `value` are the case's.
#[test]
fn explanations_agree_with_the_evaluation() {
    let mut files: Vec<String> = Vec::new();
    for dir in ["tests/fixtures/eval", "policies"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for e in std::fs::read_dir(root).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".policy") {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    assert!(files.len() >= 8);
    for file in files {
        let p = load(&file);
        for c in p.cases() {
            let t = trace(&p, &c.case);
            let j: serde_json::Value =
                serde_json::from_str(&explain_json(&c.name, &t, &all_actions(&p))).unwrap();
            for (a, action) in j["actions"].as_array().unwrap().iter().enumerate() {
                let v = &t.outcome.verdicts[a];
                assert_eq!(action["verdict"], v.verdict.as_str(), "{file}: {}", c.name);
                let mut named: Vec<usize> = action["rules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| p.rule_id(r["rule"].as_str().unwrap()).unwrap())
                    .collect();
                named.sort();
                named.dedup();
                assert_eq!(named, p.rules_on(a), "{file}: {}", c.name);
                let mut kept: Vec<usize> = t.actions[a]
                    .iter()
                    .filter(|s| s.fate == Fate::Kept)
                    .map(|s| s.rule)
                    .collect();
                kept.dedup();
                assert_eq!(kept, v.by, "{file}: {}", c.name);
                for r in action["rules"].as_array().unwrap() {
                    let id = p.rule_id(r["rule"].as_str().unwrap()).unwrap();
                    assert_eq!(r["fired"], t.outcome.fired[id]);
                    for reason in r["because"].as_array().unwrap() {
                        if let Some(f) = reason["fact"].as_str() {
                            let f = p.fact_id(f).unwrap();
                            let lit = p.literal(f, t.outcome.values[f]);
                            let shown = match lit {
                                deontic::Literal::Bool(b) => serde_json::json!(b),
                                deontic::Literal::Int(n) => serde_json::json!(n),
                                deontic::Literal::Variant(v) => serde_json::json!(v),
                            };
                            assert_eq!(reason["value"], shown);
                        }
                    }
                }
            }
        }
    }
}
