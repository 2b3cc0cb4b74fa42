//! `deontic serve` answers as section 11 of the contract says, checked on a real server
//! process with a client of its own: every endpoint against the command line's output for
//! the same cases, every error status with its JSON message, and the OpenAPI description.

mod http_client;

use http_client::{Server, deontic, policies, request};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const DOCTRINE: &str = "/v1/policies/nl-cyber-response";

fn doctrine_file() -> String {
    format!("{}/nl-cyber-response.policy", policies())
}

/// Doctrine cases, each input fact varied by a small counter.
fn doctrine_cases(n: usize) -> Vec<Value> {
    let bools = [
        "cyberattack",
        "ransomware",
        "threat_to_national_security",
        "part_of_attack_infrastructure",
        "misused_for_espionage_or_sabotage",
        "hostile_action_to_avert",
        "essential_state_interest_at_stake",
        "last_resort",
        "international_legal_basis",
        "cabinet_decision",
        "country_does_too_little_against_hackers",
    ];
    (0..n)
        .map(|i| {
            let mut case = serde_json::Map::new();
            for (k, name) in bools.iter().enumerate() {
                case.insert(name.to_string(), json!(((i * 7919) >> k) % 2 == 1));
            }
            case.insert(
                "attacker".into(),
                json!(["state", "criminal", "unknown"][i % 3]),
            );
            Value::Object(case)
        })
        .collect()
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
fn every_error_has_its_status_and_a_json_message() {
    let server = Server::start(&[&policies()]);
    let eval = format!("{DOCTRINE}/eval");
    let check = |method: &str, path: &str, body: &[u8], status: u16, says: &str| {
        let got = server.request(method, path, body);
        assert_eq!(got.status, status, "{method} {path}: {}", got.text());
        assert_eq!(
            got.header("content-type"),
            Some("application/json"),
            "{method} {path}"
        );
        let message = got.json()["error"].as_str().unwrap().to_string();
        assert!(message.contains(says), "{method} {path}: {message}");
        got
    };
    check("POST", &eval, b"{\"cyberattack\": tru", 400, "invalid JSON");
    check(
        "POST",
        &eval,
        b"[{\"cyberattack\": true}, 3",
        400,
        "invalid",
    );
    check(
        "POST",
        &eval,
        b"{\"cyberatack\": true}",
        400,
        "did you mean `cyberattack`?",
    );
    check(
        "POST",
        &eval,
        b"{\"attacker\": \"stat\"}",
        400,
        "did you mean `state`?",
    );
    check("POST", &eval, b"\xff\xfe{}", 400, "not UTF-8");
    check("POST", &eval, b"", 400, "the body is empty");
    check("POST", &eval, b"42", 400, "invalid case");
    let bad_second = Value::Array(vec![doctrine_cases(1)[0].clone(), json!({"x": 1})]);
    check(
        "POST",
        &eval,
        bad_second.to_string().as_bytes(),
        400,
        "invalid case #2: unknown fact `x`",
    );
    check(
        "POST",
        &format!("{DOCTRINE}/partial"),
        b"{\"cyber_incident\": true}",
        400,
        "derived fact",
    );
    check(
        "POST",
        &format!("{DOCTRINE}/explain"),
        b"{}",
        400,
        "not given",
    );
    check(
        "POST",
        &format!("{DOCTRINE}/ask"),
        b"{\"actions\": [\"counterattak\"]}",
        400,
        "did you mean `counterattack`?",
    );
    check(
        "POST",
        &format!("{DOCTRINE}/ask"),
        b"{\"gven\": {}}",
        400,
        "unknown field",
    );
    check(
        "POST",
        "/v1/policies/nl-cyber-respons/eval",
        b"{}",
        404,
        "did you mean `nl-cyber-response`?",
    );
    check(
        "GET",
        "/v1/policies/nope",
        b"",
        404,
        "no policy named `nope`",
    );
    check("GET", "/v2/policies", b"", 404, "no route");
    check("GET", "/nope.js", b"", 404, "no page or file");
    let not_allowed = check("DELETE", DOCTRINE, b"", 405, "does not answer DELETE");
    assert_eq!(not_allowed.header("allow"), Some("GET, HEAD"));
    let not_allowed = check("GET", &eval, b"", 405, "does not answer GET");
    assert_eq!(not_allowed.header("allow"), Some("POST"));
    let not_allowed = check("POST", DOCTRINE, b"{}", 405, "it answers GET");
    assert_eq!(not_allowed.header("allow"), Some("GET, HEAD"));
    let not_allowed = check("PUT", "/v1/policies", b"", 405, "does not answer PUT");
    assert!(not_allowed.header("allow").unwrap().contains("GET"));
    check("POST", "/", b"", 405, "does not answer POST");
    let big = vec![b' '; (1 << 20) + 1];
    check("POST", &eval, &big, 413, "over the limit");
    let chunked = request(
        server.addr,
        "POST",
        &eval,
        &[("Transfer-Encoding", "chunked")],
        &chunks(&big),
    );
    assert_eq!(chunked.status, 413, "{}", chunked.text());
    assert!(chunked.json()["error"].is_string());
    // Just under the limit is read.
    let mut fits = b"{\"cyberattack\":true,\"attacker\":\"state\"}".to_vec();
    fits.resize(1 << 20, b' ');
    assert_eq!(server.request("POST", &eval, &fits).status, 200);
}

fn chunks(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for c in body.chunks(64 * 1024) {
        out.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
        out.extend_from_slice(c);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

#[test]
fn a_policy_with_static_errors_is_listed_not_ok_and_answers_422() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("team")).unwrap();
    std::fs::write(
        dir.path().join("team/broken.policy"),
        "fact a\naction x\nif b then x\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("good.policy"),
        "fact a\naction x\nif a then x\n",
    )
    .unwrap();
    let server = Server::start(&[dir.path().to_str().unwrap()]);
    let list = server.get("/v1/policies").json();
    assert_eq!(list["policies"][0]["name"], "good");
    assert_eq!(list["policies"][1]["name"], "team/broken");
    assert_eq!(list["policies"][1]["ok"], false);
    assert_eq!(list["policies"][1]["served"], false);
    let got = server.post("/v1/policies/team/broken/eval", "{}");
    assert_eq!(got.status, 422);
    let got = got.json();
    assert!(got["error"].as_str().unwrap().contains("1 static error"));
    assert_eq!(got["diagnostics"][0]["code"], "unknown-name");
    assert_eq!(got["diagnostics"][0]["line"], 3);
    let detail = server.get("/v1/policies/team/broken").json();
    assert_eq!(detail["diagnostics"][0]["message"], "unknown fact `b`");
    assert_eq!(detail["source"], "fact a\naction x\nif b then x\n");
    // A policy in a folder answers under its path.
    assert_eq!(
        server
            .post("/v1/policies/good/eval", r#"{"a":true}"#)
            .status,
        200
    );
}

#[test]
fn no_url_reaches_a_file_outside_the_policies() {
    let server = Server::start(&[&policies()]);
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/v1/policies/../../Cargo.toml",
        "/v1/policies/..%2f..%2fCargo.toml",
        "/v1/policies/nl-cyber-response.policy",
        "/assets/web/index.html",
        "/src/lib.rs",
        "/v1/policies/%2e%2e%2fpolicies%2fnl-cyber-response",
    ] {
        let got = server.get(path);
        assert_eq!(got.status, 404, "{path}: {}", got.text());
        assert!(!got.text().contains("[package]"), "{path}");
    }
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

#[test]
fn hostile_requests_get_an_error_and_the_server_goes_on() {
    use std::io::{Read, Write};
    let server = Server::start(&[&policies()]);
    let eval = format!("{DOCTRINE}/eval");
    // Bodies nested deeper than any case, or shaped like no case.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!("{}{}", "{\"a\":".repeat(50_000), "}".repeat(50_000));
    for body in [
        deep.as_str(),
        deep_object.as_str(),
        "[[{\"cyberattack\": true}]]",
        "{\"cyberattack\": [true]}",
        "{\"cyberattack\": {\"x\": 1}}",
        "{\"attacker\": 1e400}",
        "{\"attacker\": \"\\ud800\"}",
        "null",
        "[null]",
    ] {
        for path in [
            eval.clone(),
            format!("{DOCTRINE}/partial"),
            format!("{DOCTRINE}/explain"),
            format!("{DOCTRINE}/ask"),
        ] {
            let got = server.post(&path, body);
            assert_eq!(
                got.status,
                400,
                "{path} {}: {}",
                &body[..body.len().min(40)],
                got.text()
            );
            assert!(got.json()["error"].is_string());
        }
    }
    // Bytes that are not HTTP, a header too large, a request line cut short.
    for junk in [
        b"\x00\x01\x02\xff\xfe garbage\r\n\r\n".to_vec(),
        format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(100_000)).into_bytes(),
        format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "b".repeat(200_000)).into_bytes(),
        b"POST /v1/policies/nl-cyber-response/eval HTTP/1.1\r\nContent-Length: -5\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\n".to_vec(),
    ] {
        let mut s = std::net::TcpStream::connect(server.addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let _ = s.write_all(&junk);
        let _ = s.shutdown(std::net::Shutdown::Write);
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer);
        let text = String::from_utf8_lossy(&answer);
        assert!(
            text.is_empty() || text.starts_with("HTTP/1.1 4"),
            "{}: {text}",
            String::from_utf8_lossy(&junk[..junk.len().min(40)])
        );
    }
    // And it still answers.
    let got = server.post(&eval, r#"{"attacker": "state"}"#);
    assert_eq!(got.status, 200);
    assert!(server.get("/v1/policies").json()["policies"].is_array());
}
