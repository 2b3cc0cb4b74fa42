//! `deontic serve` refuses what it cannot answer with the contract's status and a JSON
//! message in the command line's words: malformed and invalid bodies, unknown policies and
//! routes, wrong methods, bodies over 1 MiB, policies with static errors, paths that try to
//! leave the policies, and bytes that are not HTTP; after each, it goes on answering.

mod http_client;

use http_client::{Server, doctrine_cases, policies, request};
use serde_json::{Value, json};

const DOCTRINE: &str = "/v1/policies/nl-cyber-response";

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
    // Bytes that are not HTTP, a request line or header beyond the HTTP layer's 400 KB, a
    // request cut short: refused (4xx) or the connection closed.
    for junk in [
        b"\x00\x01\x02\xff\xfe garbage\r\n\r\n".to_vec(),
        format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(1 << 20)).into_bytes(),
        format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "b".repeat(1 << 20)).into_bytes(),
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
