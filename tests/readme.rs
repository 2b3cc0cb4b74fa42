//! The library example of README.md ("Library"), as a real test: keep the two identical.

use deontic::model::case_from_json;
use deontic::report::eval_human;
use deontic::{Policy, Verdict};

const POLICY: &str = "
fact last_resort, hostile_action_to_avert, international_legal_basis, cabinet_decision
action counterattack default forbidden

rule counterattack_as_last_resort:
  if last_resort and hostile_action_to_avert then may counterattack
rule counterattack_needs_legal_basis_and_cabinet_decision:
  counterattack requires international_legal_basis and cabinet_decision
";

#[test]
fn counterattack() {
    let policy = Policy::parse("counterattack.policy", POLICY).unwrap_or_else(|f| panic!("{f}"));

    // A case built in code; bool facts left out are false.
    let case = policy
        .case()
        .set("last_resort", true)
        .set("hostile_action_to_avert", true)
        .set("cabinet_decision", true)
        .build()
        .unwrap();
    let outcome = policy.evaluate(&case);
    assert_eq!(
        outcome.verdict_of("counterattack"),
        Some(Verdict::Forbidden)
    );
    assert_eq!(
        outcome.by_of("counterattack"),
        Some(vec!["counterattack_needs_legal_basis_and_cabinet_decision"])
    );
    insta::assert_snapshot!(
        "counterattack_human",
        eval_human("no legal basis", &outcome)
    );

    // A case from JSON, as `deontic eval` reads it.
    let case = case_from_json(
        &policy,
        r#"{"last_resort": true, "hostile_action_to_avert": true,
            "international_legal_basis": true, "cabinet_decision": true}"#,
    )
    .unwrap();
    let outcome = policy.evaluate(&case);
    assert_eq!(
        outcome.verdict_of("counterattack"),
        Some(Verdict::Permitted)
    );
    // The outcome as `eval --format json` writes it, without the case name.
    insta::assert_json_snapshot!("counterattack_json", outcome);

    // The analysis finds nothing to report on this policy.
    assert!(deontic::analysis::lint(&policy).unwrap().is_empty());
}
