//! `deontic lsp` answers a plain client: hover, definition, references, rename, completion,
//! symbols, folding and formatting, on a policy with non-ASCII text before names, with the
//! positions checked exactly (UTF-16, the protocol's default).

mod lsp_client;

use lsp_client::{Client, at, find, pos, range, uri};
use serde_json::{Value, json};

const POLICY: &str = r#"policy "Antwoord op een aanval"

fact attack "Er is een aanval — op Nederland"
fact ransomware, cabinet_decision
fact attacker: state | criminal | unknown "Wie achter de aanval zit"
fact severity: 1..5
fact incident

action respond default forbidden "Reageren op de aanval"
action report

rule incident_known "aanval — of 𝄞": if attack or ransomware then incident

rule respond_to_incidents "Men mag reageren op incidenten":
  if incident and severity >= 3 then may respond

rule no_response_to_states overrides respond_to_incidents:
  if attacker is state unless cabinet_decision
  then must not respond, report

respond requires attacker in [state, criminal]

case "criminal ransomware" {
  given ransomware, attacker = criminal, severity = 4
  expect respond is permitted
  expect incident is true
}
"#;

fn opened() -> (Client, String) {
    let mut c = Client::initialized();
    let u = uri("features.policy");
    c.open(&u, 1, POLICY);
    c.diagnostics(&u, 1);
    (c, u)
}

fn hover_text(c: &mut Client, u: &str, p: Value) -> (String, Value) {
    let h = c.call("textDocument/hover", at(u, p));
    assert_eq!(h["contents"]["kind"], "markdown", "{h}");
    (
        h["contents"]["value"].as_str().unwrap().to_string(),
        h["range"].clone(),
    )
}

#[test]
fn hover_on_a_fact_an_action_a_rule_and_a_variant() {
    let (mut c, u) = opened();
    let (text, r) = hover_text(&mut c, &u, find(POLICY, "attacker is state", 3));
    assert_eq!(
        text,
        "**fact** `attacker`: one of `state | criminal | unknown`\n\nWie achter de aanval zit\n\ninput: cases give it"
    );
    assert_eq!(r, range(17, 5, 17, 13));

    let (text, _) = hover_text(&mut c, &u, find(POLICY, "may respond", 6));
    assert_eq!(
        text,
        "**action** `respond`, default `forbidden`\n\nReageren op de aanval\n\nconcluded on by \
         `respond_to_incidents` (may), `no_response_to_states` (must not), `@21` (requires)"
    );

    let (text, r) = hover_text(
        &mut c,
        &u,
        find(POLICY, "overrides respond_to_incidents", 12),
    );
    assert_eq!(
        text,
        "**rule** `respond_to_incidents` (line 14)\n\n> Men mag reageren op incidenten\n\n\
         ```policy\nrule respond_to_incidents \"Men mag reageren op incidenten\":\n  \
         if incident and severity >= 3 then may respond\n```\n\nconcludes: `may respond`\n\n\
         overridden by `no_response_to_states`"
    );
    assert_eq!(r, range(16, 37, 16, 57));

    let (text, _) = hover_text(&mut c, &u, find(POLICY, "rule no_response", 6));
    assert!(
        text.ends_with(
            "concludes: `must not respond`, `must report`\n\noverrides `respond_to_incidents`"
        ),
        "{text}"
    );

    let (text, r) = hover_text(&mut c, &u, find(POLICY, "state unless", 2));
    assert_eq!(
        text,
        "**variant** `state` of `attacker`: one of `state | criminal | unknown`\n\nWie achter de aanval zit"
    );
    assert_eq!(r, range(17, 17, 17, 22));

    // A derived fact says by which rules; the name after `𝄞` is at UTF-16 column 42.
    let (text, r) = hover_text(&mut c, &u, find(POLICY, "incident\n\nrule respond", 0));
    assert_eq!(
        text,
        "**fact** `incident`: bool\n\nderived: true when one of `incident_known` fires"
    );
    assert_eq!(r, range(11, 67, 11, 75));
    let (text, r) = hover_text(&mut c, &u, pos(11, 44));
    assert!(text.starts_with("**fact** `attack`"), "{text}");
    assert_eq!(r, range(11, 41, 11, 47));

    // Nothing to say on a keyword, a string or a blank.
    assert_eq!(
        c.call("textDocument/hover", at(&u, pos(14, 3))),
        Value::Null
    );
    assert_eq!(
        c.call("textDocument/hover", at(&u, pos(0, 12))),
        Value::Null
    );
    assert_eq!(c.call("textDocument/hover", at(&u, pos(1, 0))), Value::Null);
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn definition_of_facts_actions_variants_and_rules() {
    let (mut c, u) = opened();
    let def = |c: &mut Client, p: Value| c.call("textDocument/definition", at(&u, p));
    let expect = |r: Value| json!({"uri": uri("features.policy"), "range": r});
    assert_eq!(
        def(&mut c, find(POLICY, "severity >=", 2)),
        expect(range(5, 5, 5, 13))
    );
    assert_eq!(
        def(&mut c, find(POLICY, "must not respond", 10)),
        expect(range(8, 7, 8, 14))
    );
    assert_eq!(
        def(&mut c, find(POLICY, "= criminal", 4)),
        expect(range(4, 23, 4, 31))
    );
    assert_eq!(
        def(&mut c, find(POLICY, "overrides respond_to_incidents", 15)),
        expect(range(13, 5, 13, 25))
    );
    // A declaration is its own definition; a keyword has none.
    assert_eq!(def(&mut c, pos(5, 7)), expect(range(5, 5, 5, 13)));
    assert_eq!(def(&mut c, pos(13, 1)), Value::Null);
}

#[test]
fn references_with_and_without_the_declaration() {
    let (mut c, u) = opened();
    let refs = |c: &mut Client, p: Value, decl: bool| {
        let r = c.call(
            "textDocument/references",
            json!({"textDocument": {"uri": u}, "position": p, "context": {"includeDeclaration": decl}}),
        );
        r.as_array()
            .unwrap()
            .iter()
            .map(|l| {
                assert_eq!(l["uri"], uri("features.policy"));
                l["range"].clone()
            })
            .collect::<Vec<_>>()
    };
    let all = refs(&mut c, find(POLICY, "may respond", 5), true);
    assert_eq!(
        all,
        [
            range(8, 7, 8, 14),
            range(14, 41, 14, 48),
            range(18, 16, 18, 23),
            range(20, 0, 20, 7),
            range(24, 9, 24, 16)
        ]
    );
    let uses = refs(&mut c, find(POLICY, "may respond", 5), false);
    assert_eq!(uses, all[1..]);
    // A variant's uses in conditions and in a case block.
    let criminal = refs(&mut c, pos(4, 30), true);
    assert_eq!(
        criminal,
        [
            range(4, 23, 4, 31),
            range(20, 37, 20, 45),
            range(23, 31, 23, 39)
        ]
    );
    let rule = refs(&mut c, pos(13, 8), true);
    assert_eq!(rule, [range(13, 5, 13, 25), range(16, 37, 16, 57)]);
}

#[test]
fn rename_every_occurrence_and_refuse_reserved_or_taken_names() {
    let (mut c, u) = opened();
    let prepared = c.call("textDocument/prepareRename", at(&u, pos(17, 8)));
    assert_eq!(
        prepared,
        json!({"range": range(17, 5, 17, 13), "placeholder": "attacker"})
    );
    assert_eq!(
        c.call("textDocument/prepareRename", at(&u, pos(17, 3))),
        Value::Null
    );

    let rename = |c: &mut Client, p: Value, name: &str| {
        c.request(
            "textDocument/rename",
            json!({"textDocument": {"uri": u}, "position": p, "newName": name}),
        )
    };
    let edit = rename(&mut c, pos(17, 8), "actor");
    let edits = edit["result"]["changes"][uri("features.policy")].clone();
    let expected: Vec<Value> = [
        range(4, 5, 4, 13),
        range(17, 5, 17, 13),
        range(20, 17, 20, 25),
        range(23, 20, 23, 28),
    ]
    .into_iter()
    .map(|r| json!({"range": r, "newText": "actor"}))
    .collect();
    assert_eq!(edits, json!(expected));

    let variant = rename(&mut c, pos(17, 19), "staat");
    let spans: Vec<Value> = variant["result"]["changes"][uri("features.policy")]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["range"].clone())
        .collect();
    assert_eq!(
        spans,
        [
            range(4, 15, 4, 20),
            range(17, 17, 17, 22),
            range(20, 30, 20, 35)
        ]
    );

    let reserved = rename(&mut c, pos(17, 8), "if");
    assert_eq!(reserved["error"]["code"], -32803);
    assert_eq!(
        reserved["error"]["message"],
        "`if` is a reserved word and cannot be a name"
    );
    let taken = rename(&mut c, pos(17, 8), "report");
    assert_eq!(
        taken["error"]["message"],
        "`report` is already the name of an action"
    );
    let taken_rule = rename(&mut c, pos(13, 8), "incident_known");
    assert_eq!(
        taken_rule["error"]["message"],
        "`incident_known` is already the name of a rule"
    );
    let taken_variant = rename(&mut c, pos(17, 19), "unknown");
    assert_eq!(
        taken_variant["error"]["message"],
        "the type of `attacker` already has a variant `unknown`"
    );
    let not_a_name = rename(&mut c, pos(17, 8), "2nd");
    assert_eq!(not_a_name["error"]["code"], -32803);
    // A rule name may be taken by a fact: they are different namespaces.
    let fine = rename(&mut c, pos(13, 8), "incident");
    assert!(fine.get("result").is_some(), "{fine}");
}

/// The labels offered with the cursor at the `|` of `line`, appended to the policy.
fn completions(c: &mut Client, u: &str, version: i64, line: &str) -> Vec<Value> {
    let col = line.find('|').unwrap();
    let text = format!("{POLICY}{}", line.replacen('|', "", 1));
    c.change(u, version, &text);
    let last = text.matches('\n').count() as u32;
    let items = c.call("textDocument/completion", at(u, pos(last, col as u32)));
    items.as_array().unwrap().clone()
}

fn labels(items: &[Value]) -> Vec<&str> {
    items.iter().map(|i| i["label"].as_str().unwrap()).collect()
}

#[test]
fn completion_in_each_context() {
    let (mut c, u) = opened();
    let items = completions(&mut c, &u, 2, "rule r: if |");
    assert_eq!(
        labels(&items),
        [
            "attack",
            "ransomware",
            "cabinet_decision",
            "attacker",
            "severity",
            "incident",
            "not",
            "true",
            "false"
        ]
    );
    let attack = &items[0];
    assert_eq!(attack["detail"], "fact: bool");
    assert_eq!(
        attack["documentation"],
        json!({"kind": "markdown", "value": "Er is een aanval — op Nederland"})
    );
    assert_eq!(attack["kind"], 6);

    let items = completions(&mut c, &u, 3, "rule r: if attacker is cr|");
    assert_eq!(labels(&items), ["state", "criminal", "unknown", "not"]);
    assert_eq!(items[1]["detail"], "variant of `attacker`");
    // The word being typed is what a completion replaces.
    assert_eq!(
        items[1]["textEdit"],
        json!({"range": range(27, 23, 27, 25), "newText": "criminal"})
    );
    let items = completions(&mut c, &u, 4, "rule r: if attacker not in [state, |");
    assert_eq!(labels(&items), ["state", "criminal", "unknown", "not"]);
    let items = completions(&mut c, &u, 5, "rule r: if attack then must not |");
    assert_eq!(labels(&items), ["respond", "report"]);
    assert_eq!(items[0]["detail"], "action, default forbidden");
    let items = completions(&mut c, &u, 6, "rule r: if attack then |");
    assert_eq!(
        labels(&items),
        [
            "may",
            "must",
            "not",
            "attack",
            "ransomware",
            "cabinet_decision",
            "incident",
            "respond",
            "report"
        ]
    );
    let items = completions(&mut c, &u, 7, "rule r overrides |");
    assert_eq!(
        labels(&items),
        [
            "incident_known",
            "respond_to_incidents",
            "no_response_to_states"
        ]
    );
    assert_eq!(
        items[1]["documentation"]["value"],
        "Men mag reageren op incidenten"
    );
    let items = completions(&mut c, &u, 8, "case \"new\" { given ransomware, |");
    assert_eq!(
        labels(&items),
        [
            "attack",
            "ransomware",
            "cabinet_decision",
            "attacker",
            "severity",
            "not"
        ]
    );
    let items = completions(&mut c, &u, 9, "case \"new\" { given attacker = |");
    assert_eq!(labels(&items), ["state", "criminal", "unknown"]);
    let items = completions(&mut c, &u, 10, "case \"new\" { expect |");
    assert_eq!(labels(&items), ["incident", "respond", "report"]);
    let items = completions(&mut c, &u, 11, "case \"new\" { expect respond is |");
    assert_eq!(
        labels(&items),
        [
            "permitted",
            "forbidden",
            "required",
            "undecided",
            "conflict"
        ]
    );
    let items = completions(&mut c, &u, 12, "case \"new\" { expect incident is |");
    assert_eq!(labels(&items), ["true", "false"]);
    let items = completions(&mut c, &u, 13, "action x default |");
    assert_eq!(labels(&items), ["permitted", "forbidden"]);
    let items = completions(&mut c, &u, 14, "|");
    for k in ["fact", "action", "rule", "case"] {
        assert!(labels(&items).contains(&k), "{k}: {:?}", labels(&items));
    }
    // Nothing where a new name goes, or inside a string.
    assert!(completions(&mut c, &u, 15, "fact |").is_empty());
    assert!(completions(&mut c, &u, 16, "fact x \"desc|").is_empty());
}

#[test]
fn document_symbols_and_folding_ranges() {
    let (mut c, u) = opened();
    let symbols = c.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    let summary: Vec<(String, i64, Value)> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["kind"].as_i64().unwrap(),
                s["selectionRange"].clone(),
            )
        })
        .collect();
    let expected = [
        ("attack", 13, range(2, 5, 2, 11)),
        ("ransomware", 13, range(3, 5, 3, 15)),
        ("cabinet_decision", 13, range(3, 17, 3, 33)),
        ("attacker", 13, range(4, 5, 4, 13)),
        ("severity", 13, range(5, 5, 5, 13)),
        ("incident", 13, range(6, 5, 6, 13)),
        ("respond", 12, range(8, 7, 8, 14)),
        ("report", 12, range(9, 7, 9, 13)),
        ("incident_known", 6, range(11, 5, 11, 19)),
        ("respond_to_incidents", 6, range(13, 5, 13, 25)),
        ("no_response_to_states", 6, range(16, 5, 16, 26)),
        ("@21", 6, range(20, 0, 20, 46)),
        ("criminal ransomware", 19, range(22, 5, 22, 26)),
    ];
    let expected: Vec<(String, i64, Value)> = expected
        .into_iter()
        .map(|(n, k, r)| (n.to_string(), k, r))
        .collect();
    assert_eq!(summary, expected);
    let attacker = &symbols[3];
    assert_eq!(attacker["detail"], "state | criminal | unknown");
    assert_eq!(attacker["range"], range(4, 0, 4, 68));
    let children: Vec<&str> = attacker["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["state", "criminal", "unknown"]);
    assert_eq!(symbols[5]["detail"], "derived");
    assert_eq!(symbols[6]["detail"], "default forbidden");
    assert_eq!(symbols[12]["range"], range(22, 0, 26, 1));

    let folds = c.call(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": u}}),
    );
    let lines: Vec<(i64, i64)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_i64().unwrap(),
                f["endLine"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lines, [(13, 14), (16, 18), (22, 26)]);
}

#[test]
fn formatting_the_whole_document_as_fmt_does() {
    let mut c = Client::initialized();
    let u = uri("messy.policy");
    let messy = "fact a,b   # what happened\naction x\nrule r:if a and(b)then x\n";
    c.open(&u, 1, messy);
    let edits = c.call(
        "textDocument/formatting",
        json!({"textDocument": {"uri": u}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(
        edits,
        json!([{"range": range(0, 0, 3, 0), "newText": "fact a, b # what happened\naction x\nrule r: if a and b then x\n"}])
    );
    c.change(
        &u,
        2,
        "fact a, b # what happened\naction x\nrule r: if a and b then x\n",
    );
    let none = c.call(
        "textDocument/formatting",
        json!({"textDocument": {"uri": u}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(none, json!([]));
    c.change(&u, 3, "fact a\nrule r: if a then\n");
    let broken = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": u}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(broken["error"]["code"], -32803);
    assert_eq!(
        broken["error"]["message"],
        "the file has syntax errors: fix them before formatting"
    );
}
