//! `deontic lsp`'s diagnostics as the text changes (static errors at once, lint findings
//! after the debounce, a burst of changes linted once), its code actions, its code lenses
//! and their commands, and its answers while a file has a syntax error.

mod lsp_client;

use lsp_client::{Client, at, find, pos, range, uri};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const CONFLICT: &str =
    "fact a, b\naction x\nrule r1: if a then must x\nrule r2: if b then must not x\n";

fn docs(code: &str) -> String {
    format!("file://{}/docs/codes.md#{code}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn static_errors_at_once_with_their_code_link_and_help_and_no_lint() {
    let mut c = Client::initialized();
    let u = uri("typo.policy");
    let text = "fact cabinet_decision\naction deploy\nrule needs_decision: deploy requires cabinet_decison\n";
    c.open(&u, 1, text);
    let published = c.diagnostics(&u, 1);
    assert_eq!(
        published["diagnostics"],
        json!([{
            "range": range(2, 37, 2, 52),
            "severity": 1,
            "code": "unknown-name",
            "codeDescription": {"href": docs("unknown-name")},
            "source": "deontic",
            "message": "unknown fact `cabinet_decison`\ndid you mean `cabinet_decision`?",
            "data": {"code": "unknown-name"}
        }])
    );
    // A policy with static errors is not linted: nothing more comes.
    c.collect_for(Duration::from_millis(800));
    assert!(
        !c.notifications
            .iter()
            .any(|n| n["method"] == "textDocument/publishDiagnostics"),
        "{:?}",
        c.notifications
    );
    // The whole cycle is related information.
    let cycle = "fact a, b, c\nrule ra: if c then a\nrule rb: if a then b\nrule rc: if b then c\n";
    c.change(&u, 2, cycle);
    let d = &c.diagnostics(&u, 2)["diagnostics"][0];
    assert_eq!(d["code"], "derivation-cycle");
    assert_eq!(d["range"], range(1, 19, 1, 20));
    assert_eq!(
        d["relatedInformation"],
        json!([
            {"location": {"uri": u, "range": range(3, 19, 3, 20)}, "message": "`c` is derived from `b`"},
            {"location": {"uri": u, "range": range(2, 19, 2, 20)}, "message": "`b` is derived from `a`"}
        ])
    );
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn lint_findings_after_the_debounce_with_related_rules_and_the_witness() {
    let mut c = Client::initialized();
    let u = uri("conflict.policy");
    c.open(&u, 1, CONFLICT);
    let first = c.diagnostics(&u, 1);
    let opened = Instant::now();
    assert_eq!(first["diagnostics"], json!([]));
    let linted = c.diagnostics(&u, 1);
    assert!(
        opened.elapsed() >= Duration::from_millis(250),
        "the lint waits for the debounce: {:?}",
        opened.elapsed()
    );
    assert_eq!(
        linted["diagnostics"],
        json!([{
            "range": range(3, 19, 3, 29),
            "severity": 1,
            "code": "conflict",
            "codeDescription": {"href": docs("conflict")},
            "source": "deontic",
            "message": "rules `r1` and `r2` conflict on `x`\nboth hold in this case:\n    case \"r1 against r2\" {\n      given a, b\n      expect x is conflict\n    }\nadd `overrides r1` to rule `r2` (or the reverse) to say which wins, or narrow a condition so both cannot hold",
            "relatedInformation": [{
                "location": {"uri": u, "range": range(2, 19, 2, 25)},
                "message": "`r1` concludes the opposite"
            }],
            "data": {
                "code": "conflict",
                "rules": ["r1", "r2"],
                "action": "x",
                "witness": {"a": true, "b": true}
            }
        }])
    );
    // Unused declarations are marked unnecessary.
    c.change(&u, 2, "fact a, b\naction x, y\nrule r: if a then x\n");
    c.diagnostics(&u, 2);
    let found = c.diagnostics(&u, 2);
    let codes: Vec<(&str, &Value)> = found["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), &d["tags"]))
        .collect();
    assert_eq!(
        codes,
        [("unused-fact", &json!([1])), ("unused-action", &json!([1]))]
    );
}

#[test]
fn a_burst_of_changes_is_applied_in_order_and_linted_once() {
    let mut c = Client::initialized();
    let u = uri("burst.policy");
    c.open(&u, 1, "fact a\n");
    for v in 2..=30 {
        let text = format!("{CONFLICT}{}", "# typing\n".repeat(v));
        c.change(&u, v as i64, &text);
    }
    // The hover sees the last text: its range is on the line the last change put there.
    let hover = c.call("textDocument/hover", at(&u, pos(3, 28)));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**action** `x`")
    );
    c.collect_for(Duration::from_millis(1500));
    let published: Vec<(i64, usize)> = c
        .notifications
        .iter()
        .filter(|n| n["method"] == "textDocument/publishDiagnostics")
        .map(|n| {
            let p = &n["params"];
            (
                p["version"].as_i64().unwrap(),
                p["diagnostics"].as_array().unwrap().len(),
            )
        })
        .collect();
    // Versions only grow, the last text is published, and only it is linted (the
    // conflict), once.
    assert!(
        published.windows(2).all(|w| w[0].0 <= w[1].0),
        "{published:?}"
    );
    let linted: Vec<&(i64, usize)> = published.iter().filter(|(_, n)| *n > 0).collect();
    assert_eq!(linted, [&(30, 1)], "{published:?}");
    assert_eq!(published.last(), Some(&(30, 1)));
}

fn actions(c: &mut Client, u: &str, r: Value) -> Vec<Value> {
    c.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": r, "context": {"diagnostics": []}}),
    )
    .as_array()
    .unwrap()
    .clone()
}

fn edits_of(action: &Value, u: &str) -> Value {
    assert_eq!(action["kind"], "quickfix");
    action["edit"]["changes"][u].clone()
}

#[test]
fn code_actions_insert_the_witness_add_overrides_replace_names_delete_rules() {
    let mut c = Client::initialized();
    let u = uri("fixes.policy");
    c.open(&u, 1, CONFLICT);
    c.diagnostics(&u, 1);
    c.diagnostics(&u, 1);
    let found = actions(&mut c, &u, range(3, 20, 3, 20));
    let titles: Vec<&str> = found.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "insert the case `r1 against r2` at the end of the file",
            "make `r2` override `r1`",
            "make `r1` override `r2`"
        ]
    );
    assert_eq!(
        edits_of(&found[0], &u),
        json!([{"range": range(4, 0, 4, 0), "newText": "\ncase \"r1 against r2\" {\n  given a, b\n  expect x is conflict\n}\n"}])
    );
    assert_eq!(found[0]["diagnostics"][0]["code"], "conflict");
    assert_eq!(
        edits_of(&found[1], &u),
        json!([{"range": range(3, 7, 3, 7), "newText": " overrides r1"}])
    );
    assert_eq!(
        edits_of(&found[2], &u),
        json!([{"range": range(2, 7, 2, 7), "newText": " overrides r2"}])
    );
    // Nothing away from the finding, nor when the client asks for other kinds of action.
    assert!(actions(&mut c, &u, range(0, 0, 0, 1)).is_empty());
    let refactors = c.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": range(3, 20, 3, 20),
               "context": {"diagnostics": [], "only": ["refactor"]}}),
    );
    assert_eq!(refactors, json!([]));

    let typo = "fact cabinet_decision\naction deploy\nrule d: deploy requires cabinet_decison\n";
    c.change(&u, 2, typo);
    c.diagnostics(&u, 2);
    let found = actions(&mut c, &u, range(2, 30, 2, 30));
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0]["title"],
        "replace `cabinet_decison` by `cabinet_decision`"
    );
    assert_eq!(found[0]["isPreferred"], true);
    assert_eq!(
        edits_of(&found[0], &u),
        json!([{"range": range(2, 24, 2, 39), "newText": "cabinet_decision"}])
    );

    let redundant = "fact a, b\naction x\nrule wide: if a or b then may x\nrule narrow: if b then may x\nrule other: if a then may x\n";
    c.change(&u, 3, redundant);
    c.diagnostics(&u, 3);
    let linted = c.diagnostics(&u, 3);
    let codes: Vec<&str> = linted["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["redundant-rule", "redundant-rule", "redundant-rule"]
    );
    let found = actions(&mut c, &u, range(3, 6, 3, 6));
    assert_eq!(found[0]["title"], "delete the redundant rule `narrow`");
    assert_eq!(
        edits_of(&found[0], &u),
        json!([{"range": range(3, 0, 4, 0), "newText": ""}])
    );
}

const CASES: &str = "fact a, b\naction x default forbidden\nrule r1: if a then may x\nrule r2: if a and b then must not x\n\
    case \"a alone\" {\n  given a\n  expect x is permitted\n}\n\
    case \"both\" {\n  given a, b\n  expect x is permitted\n}\n";

#[test]
fn code_lenses_run_cases_and_explain_rules() {
    let mut c = Client::initialized();
    let u = uri("lenses.policy");
    c.open(&u, 1, CASES);
    c.diagnostics(&u, 1);
    let lenses = c.call("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
    assert_eq!(
        lenses,
        json!([
            {"range": range(2, 5, 2, 7), "command": {"title": "explain a case where it fires", "command": "deontic.explainRule", "arguments": [u, "r1"]}},
            {"range": range(3, 5, 3, 7), "command": {"title": "explain a case where it fires", "command": "deontic.explainRule", "arguments": [u, "r2"]}},
            {"range": range(4, 0, 4, 4), "command": {"title": "pass: x permitted", "command": "deontic.runCase", "arguments": [u, "a alone"]}},
            {"range": range(8, 0, 8, 4), "command": {"title": "fail: x conflict (expected permitted)", "command": "deontic.runCase", "arguments": [u, "both"]}}
        ])
    );
    let run = c.call(
        "workspace/executeCommand",
        json!({"command": "deontic.runCase", "arguments": [u, "both"]}),
    );
    assert_eq!(
        run,
        json!({
            "case": "both",
            "passed": false,
            "misses": ["line 11: expected `x` is permitted, got conflict (by r1, r2)"],
            "verdicts": {"x": "conflict"}
        })
    );
    let shown = c.wait_for("the case's report", |n| n["method"] == "window/showMessage");
    assert_eq!(
        shown["params"]["message"],
        "FAIL case \"both\"\n    line 11: expected `x` is permitted, got conflict (by r1, r2)\ncase \"both\"\n  action  verdict   by\n  x       conflict  r1, r2\n"
    );
    let explained = c.call(
        "workspace/executeCommand",
        json!({"command": "deontic.explainRule", "arguments": [u, "r2"]}),
    );
    assert_eq!(explained["case"], "case \"r2 fires\" {\n  given a, b\n}");
    let trail = explained["explanation"].as_str().unwrap();
    assert!(
        trail.starts_with("case \"r2 fires\"\n  x: conflict, by r1, r2\n"),
        "{trail}"
    );
    let unknown = c.request(
        "workspace/executeCommand",
        json!({"command": "deontic.runCase", "arguments": [u, "nope"]}),
    );
    assert_eq!(unknown["error"]["message"], "no case block is named `nope`");
}

#[test]
fn a_syntax_error_in_one_item_leaves_the_others_answering() {
    let mut c = Client::initialized();
    let u = uri("broken.policy");
    let good = "fact attack \"an attack\"\nfact kind: a | b\naction respond\nrule r: if attack then may respond\n";
    c.open(&u, 1, good);
    c.diagnostics(&u, 1);
    // An unfinished rule, and a new fact in use, while the author types.
    let broken = format!(
        "{good}fact fresh\nrule s: if attack and kind is \nrule t: if fresh then may respond\n"
    );
    c.change(&u, 2, &broken);
    let published = c.diagnostics(&u, 2);
    let diags = published["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "syntax-error");
    assert_eq!(diags[0]["range"], range(6, 0, 6, 4));
    // Hover, definition and references still answer, in every item but the broken one.
    let hover = c.call("textDocument/hover", at(&u, find(&broken, "fresh then", 1)));
    assert_eq!(
        hover["contents"]["value"],
        "**fact** `fresh`: bool\n\ninput: cases give it"
    );
    let def = c.call(
        "textDocument/definition",
        at(&u, find(&broken, "attack then", 1)),
    );
    assert_eq!(def["range"], range(0, 5, 0, 11));
    let def = c.call(
        "textDocument/definition",
        at(&u, find(&broken, "attack and", 1)),
    );
    assert_eq!(def["range"], range(0, 5, 0, 11));
    // Completion after `is` in the broken rule knows the variants.
    let col = broken.lines().nth(5).unwrap().len() as u32;
    let items = c.call("textDocument/completion", at(&u, pos(5, col)));
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["a", "b", "not"]);
    // Rename waits for the file to parse.
    let rename = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": u}, "position": find(&broken, "fresh then", 1), "newName": "new"}),
    );
    assert_eq!(
        rename["error"]["message"],
        "the file has syntax errors: fix them before renaming"
    );
    // A string never closed: the rest of the file still answers.
    let open_string =
        "fact attack\nfact x \"never closed\naction respond\nrule r: if attack then may respond\n";
    c.change(&u, 3, open_string);
    let published = c.diagnostics(&u, 3);
    assert_eq!(
        published["diagnostics"][0]["message"],
        "unterminated string\nend the string with `\"`; write a quote inside a string as `\\\"`"
    );
    assert_eq!(published["diagnostics"][0]["range"], range(1, 7, 1, 8));
    let hover = c.call(
        "textDocument/hover",
        at(&u, find(open_string, "respond\n", 1)),
    );
    assert_eq!(
        hover["contents"]["value"],
        "**action** `respond`, no default (`undecided` when no rule decides it)\n\nconcluded on by `r` (may)"
    );
}

#[test]
fn save_lints_and_close_clears() {
    let mut c = Client::initialized();
    let u = uri("save.policy");
    c.open(&u, 1, CONFLICT);
    c.notify("textDocument/didSave", json!({"textDocument": {"uri": u}}));
    c.diagnostics(&u, 1);
    let linted = c.diagnostics(&u, 1);
    assert_eq!(linted["diagnostics"][0]["code"], "conflict");
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    let cleared = c.wait_for("diagnostics cleared", |n| {
        n["method"] == "textDocument/publishDiagnostics" && n["params"]["version"].is_null()
    });
    assert_eq!(cleared["params"]["diagnostics"], json!([]));
    let gone = c.request("textDocument/hover", at(&u, pos(0, 5)));
    assert_eq!(gone["error"]["code"], -32602);
    assert_eq!(c.shutdown(), Some(0));
}
