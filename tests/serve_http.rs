//! `deontic serve` answers as section 11 of the contract says, checked on a real server
//! process with a client of its own: every endpoint against the command line's output for
//! the same cases, the OpenAPI description, and compression (the errors are in
//! `serve_errors.rs`).

mod http_client;

use http_client::{Server, deontic, doctrine_cases, policies, request};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const DOCTRINE: &str = "/v1/policies/nl-cyber-response";

fn doctrine_file() -> String {
    format!("{}/nl-cyber-response.policy", policies())
}

#[test]
fn the_listing_names_each_policy_with_its_facts_actions_and_language() {
    let server = Server::start(&[&policies()]);
    let list = server.get("/v1/policies");
    assert_eq!(list.status, 200);
    assert_eq!(list.header("content-type"), Some("application/json"));
    let list = list.json();
    let names: Vec<&str> = list["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "csirt-incident-escalation",
            "gdpr-breach-notification",
            "nl-cyber-response"
        ]
    );
    let doctrine = &list["policies"][2];
    assert_eq!(doctrine["ok"], true);
    assert_eq!(doctrine["served"], true);
    assert_eq!(doctrine["language"], "nl");
    assert_eq!(list["policies"][0]["language"], "en");
    assert!(
        doctrine["title"]
            .as_str()
            .unwrap()
            .starts_with("Tegenmaatregelen")
    );
    let attacker = doctrine["facts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "attacker")
        .unwrap();
    assert_eq!(attacker["type"], "enum");
    assert_eq!(attacker["values"], json!(["state", "criminal", "unknown"]));
    assert!(
        attacker["description"]
            .as_str()
            .unwrap()
            .starts_with("Wie achter")
    );
    let counterattack = doctrine["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "counterattack")
        .unwrap();
    assert_eq!(counterattack["default"], "forbidden");
    assert_eq!(doctrine["derived"][0]["name"], "cyber_incident");
    // Derived facts are not among the facts a case gives.
    assert!(
        doctrine["facts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["name"] != "cyber_incident")
    );
    let severity = &list["policies"][0]["facts"][0];
    assert_eq!(
        (
            severity["type"].as_str(),
            severity["min"].as_i64(),
            severity["max"].as_i64()
        ),
        (Some("int"), Some(1), Some(5))
    );
}

#[test]
fn one_policy_has_its_source_and_the_diagnostics_of_lint() {
    let server = Server::start(&[&policies()]);
    let got = server.get(DOCTRINE).json();
    let file = doctrine_file();
    assert_eq!(got["source"], std::fs::read_to_string(&file).unwrap());
    let lint: Value =
        serde_json::from_str(&deontic(&["lint", "--format", "json", &file], "")).unwrap();
    assert_eq!(got["diagnostics"], lint["files"][0]["diagnostics"]);
    assert_eq!(got["name"], "nl-cyber-response");
    assert!(got.get("served_source").is_none());
}

#[test]
fn eval_answers_what_the_command_line_writes_for_one_case_and_for_an_array() {
    let server = Server::start(&[&policies()]);
    let file = doctrine_file();
    // Enough cases that the array is split between threads.
    let cases = doctrine_cases(2000);
    for case in cases.iter().take(12) {
        let got = server.post(&format!("{DOCTRINE}/eval"), &case.to_string());
        assert_eq!(got.status, 200, "{}", got.text());
        let cli = deontic(&["eval", &file, "-", "--format", "json"], &case.to_string());
        assert_eq!(got.text(), cli.trim_end());
    }
    let array = Value::Array(cases.clone()).to_string();
    let got = server.post(&format!("{DOCTRINE}/eval"), &array);
    assert_eq!(got.status, 200);
    let cli: Vec<Value> = deontic(&["eval", &file, "-", "--format", "json"], &array)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got.json(), Value::Array(cli));
    assert_eq!(got.json()[1999]["case"], "#2000");
    let empty = server.post(&format!("{DOCTRINE}/eval"), "[]");
    assert_eq!((empty.status, empty.text().as_str()), (200, "[]"));
}

#[test]
fn partial_and_explain_answer_what_the_command_line_writes() {
    let server = Server::start(&[&policies()]);
    let file = doctrine_file();
    for given in [
        json!({}),
        json!({"cyberattack": true}),
        json!({"ransomware": true, "threat_to_national_security": true, "attacker": "state"}),
    ] {
        let got = server.post(&format!("{DOCTRINE}/partial"), &given.to_string());
        assert_eq!(got.status, 200, "{}", got.text());
        let cli = deontic(
            &["eval", &file, "-", "--partial", "--format", "json"],
            &given.to_string(),
        );
        assert_eq!(got.text(), cli.trim_end());
    }
    for case in doctrine_cases(6) {
        let got = server.post(&format!("{DOCTRINE}/explain"), &case.to_string());
        assert_eq!(got.status, 200, "{}", got.text());
        let cli = deontic(
            &["explain", &file, "-", "--format", "json"],
            &case.to_string(),
        );
        assert_eq!(got.text(), cli.trim_end());
        assert!(got.json()["actions"][0]["rules"].is_array());
    }
}

/// The questions `deontic ask` asks on its line protocol, answering from `hidden`, and
/// its last line.
fn cli_questions(hidden: &Value, action: &str) -> (Vec<String>, Value) {
    use std::io::{BufRead, BufReader, Write};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_deontic"))
        .args(["ask", &doctrine_file(), action])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (mut asked, mut last) = (Vec::new(), Value::Null);
    for line in stdout.lines().map_while(Result::ok) {
        if let Some(q) = line.strip_prefix("? ") {
            let fact = q.split(':').next().unwrap().to_string();
            let answer = match &hidden[&fact] {
                Value::Bool(true) => "yes".to_string(),
                Value::Bool(false) => "no".to_string(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            writeln!(stdin, "{answer}").unwrap();
            asked.push(fact);
        } else if line.starts_with('{') {
            last = serde_json::from_str(&line).unwrap();
        }
    }
    child.wait().unwrap();
    (asked, last)
}

#[test]
fn ask_asks_what_the_questionnaire_of_the_command_line_asks() {
    let server = Server::start(&[&policies()]);
    for hidden in doctrine_cases(8) {
        let (cli_asked, cli_last) = cli_questions(&hidden, "counterattack");
        let mut given = serde_json::Map::new();
        let mut asked = Vec::new();
        let last = loop {
            let body = json!({"given": given, "actions": ["counterattack"]}).to_string();
            let got = server.post(&format!("{DOCTRINE}/ask"), &body);
            assert_eq!(got.status, 200, "{}", got.text());
            let got = got.json();
            let Some(fact) = got["question"]["fact"].as_str() else {
                break got;
            };
            assert!(got["question"]["needed_for"] == json!(["counterattack"]));
            asked.push(fact.to_string());
            given.insert(fact.to_string(), hidden[fact].clone());
            assert!(asked.len() < 20, "the questions end");
        };
        assert_eq!(asked, cli_asked, "for {hidden}");
        assert_eq!(last["partial"]["verdicts"], cli_last["verdicts"]);
        // The trail is that of the settled verdict, and agrees with full evaluation.
        let trail = &last["explain"]["actions"][0];
        assert_eq!(trail["action"], "counterattack");
        let full = server
            .post(&format!("{DOCTRINE}/eval"), &hidden.to_string())
            .json();
        assert_eq!(
            trail["verdict"],
            full["verdicts"]["counterattack"]["verdict"]
        );
        let unknown: BTreeSet<String> = serde_json::from_value(last["assumed"].clone()).unwrap();
        assert!(asked.iter().all(|f| !unknown.contains(f)));
    }
    // A question is asked with what its answers can be.
    let first = server
        .post(
            &format!("{DOCTRINE}/ask"),
            r#"{"actions":["press_for_criminal_investigation"],"given":{"ransomware":true}}"#,
        )
        .json();
    assert_eq!(first["question"]["fact"], "attacker");
    assert_eq!(
        first["question"]["values"],
        json!(["state", "criminal", "unknown"])
    );
    let all = server.post(&format!("{DOCTRINE}/ask"), "{}").json();
    assert!(all["question"]["fact"].is_string());
}

#[test]
fn the_openapi_description_names_every_route_and_is_valid() {
    let server = Server::start(&[&policies()]);
    let got = server.get("/v1/openapi.json");
    assert_eq!(got.status, 200);
    let doc = got.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths: BTreeSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let want: BTreeSet<&str> = [
        "/",
        "/v1/openapi.json",
        "/v1/policies",
        "/v1/policies/{name}",
        "/v1/policies/{name}/eval",
        "/v1/policies/{name}/partial",
        "/v1/policies/{name}/explain",
        "/v1/policies/{name}/ask",
    ]
    .into();
    assert_eq!(paths, want);
    // Each documented answer's fields are there in a real answer.
    let listing = server.get("/v1/policies").json();
    let entry = &doc["components"]["schemas"]["PolicyEntry"]["required"];
    for field in entry.as_array().unwrap() {
        assert!(
            listing["policies"][0]
                .get(field.as_str().unwrap())
                .is_some(),
            "{field}"
        );
    }
    // The OpenAPI validator from PyPI (installed by .ci/setup) accepts it.
    let validator = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".ci/clients/venv/bin/openapi-spec-validator");
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &got.body).unwrap();
    let out = std::process::Command::new(&validator)
        .arg(file.path())
        .output()
        .unwrap_or_else(|e| panic!("{} runs (run .ci/setup): {e}", validator.display()));
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn answers_are_compressed_when_the_client_asks() {
    let server = Server::start(&[&policies()]);
    let got = request(
        server.addr,
        "GET",
        DOCTRINE,
        &[("Accept-Encoding", "gzip")],
        b"",
    );
    assert_eq!(got.status, 200);
    assert_eq!(got.header("content-encoding"), Some("gzip"));
}
