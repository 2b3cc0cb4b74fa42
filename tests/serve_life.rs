//! `deontic serve` over its life: reloads when a file changes (a good version is swapped in
//! whole, a broken one is not, and says why), policies added and removed, the log as text or
//! JSON, the loopback default, SIGTERM and Ctrl-C finishing the request in flight and
//! exiting 0, and a panic in a handler answered 500 while the server goes on.

mod http_client;

use http_client::{Server, read_response};
use serde_json::Value;
use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

fn write_atomically(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// Polls until `check` holds, at most 15 s.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(15) {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} did not happen within 15 s");
}

fn verdict(server: &Server, policy: &str) -> Value {
    let got = server.post(&format!("/v1/policies/{policy}/eval"), r#"{"a": true}"#);
    assert_eq!(got.status, 200, "{}", got.text());
    got.json()["verdicts"]["x"]["verdict"].clone()
}

#[test]
fn a_changed_file_is_reloaded_and_a_broken_one_keeps_the_last_good_version() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.policy");
    let v1 = "fact a\naction x\nif a then may x\n";
    let v2 = "fact a\naction x\nif a then must not x\n";
    std::fs::write(&file, v1).unwrap();
    let server = Server::start(&[dir.path().to_str().unwrap()]);
    assert_eq!(verdict(&server, "p"), "permitted");

    write_atomically(&file, v2);
    eventually("the reload", || verdict(&server, "p") == "forbidden");
    assert!(server.wait_for_log("policy reloaded"));

    // Written in place, with an error: not swapped in.
    std::fs::write(&file, "fact a\naction x\nif b then x\n").unwrap();
    assert!(server.wait_for_log("policy not reloaded"));
    assert_eq!(verdict(&server, "p"), "forbidden");
    let detail = server.get("/v1/policies/p").json();
    assert_eq!(detail["ok"], false);
    assert_eq!(detail["served"], true);
    assert_eq!(detail["diagnostics"][0]["message"], "unknown fact `b`");
    assert_eq!(detail["source"], "fact a\naction x\nif b then x\n");
    assert_eq!(detail["served_source"], v2);
    let listed = server.get("/v1/policies").json();
    assert_eq!(listed["policies"][0]["ok"], false);
    assert_eq!(listed["policies"][0]["facts"][0]["name"], "a");

    // Fixed again.
    write_atomically(&file, v1);
    eventually("the second reload", || verdict(&server, "p") == "permitted");
    let detail = server.get("/v1/policies/p").json();
    assert_eq!(detail["ok"], true);
    assert!(detail.get("served_source").is_none());
}

#[test]
fn policies_added_and_removed_under_a_folder_appear_and_go() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.policy"),
        "fact a\naction x\nif a then may x\n",
    )
    .unwrap();
    let server = Server::start(&[dir.path().to_str().unwrap()]);
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    write_atomically(
        &dir.path().join("sub/q.policy"),
        "fact a\naction x\nif a then x\n",
    );
    eventually("the new policy", || {
        server.get("/v1/policies/sub/q").status == 200
    });
    assert_eq!(verdict(&server, "sub/q"), "required");
    std::fs::remove_file(dir.path().join("p.policy")).unwrap();
    eventually("the removal", || server.get("/v1/policies/p").status == 404);
    assert!(server.wait_for_log("policy removed"));
    // A file that is not a policy is not served.
    std::fs::write(dir.path().join("notes.txt"), "hello").unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let names: Vec<Value> = server.get("/v1/policies").json()["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].clone())
        .collect();
    assert_eq!(names, [Value::from("sub/q")]);
}

#[test]
fn a_policy_given_by_a_link_is_reloaded_when_its_target_changes() {
    let dir = tempfile::tempdir().unwrap();
    let real = tempfile::tempdir().unwrap();
    let target = real.path().join("real.policy");
    std::fs::write(&target, "fact a\naction x\nif a then may x\n").unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("p.policy")).unwrap();
    let server = Server::start(&[dir.path().join("p.policy").to_str().unwrap()]);
    assert_eq!(verdict(&server, "p"), "permitted");
    std::fs::write(&target, "fact a\naction x\nif a then x\n").unwrap();
    eventually("the reload through the link", || {
        verdict(&server, "p") == "required"
    });
}

/// Starts a request whose body is not all sent yet, so that it is in flight.
fn start_request(server: &Server, body: &[u8], sent: usize) -> TcpStream {
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let head = format!(
        "POST /v1/policies/p/eval HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(&body[..sent]).unwrap();
    s
}

fn stops_cleanly_on(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.policy"),
        "fact a\naction x\nif a then may x\n",
    )
    .unwrap();
    let mut server = Server::start(&[dir.path().to_str().unwrap()]);
    let body = br#"{"a": true}"#;
    let mut in_flight = start_request(&server, body, 4);
    std::thread::sleep(Duration::from_millis(200));
    server.signal(signal);
    assert!(server.wait_for_log("stopping"));
    // The listener is closed: no new connection is accepted.
    std::thread::sleep(Duration::from_millis(200));
    let refused = TcpStream::connect_timeout(&server.addr, Duration::from_secs(2));
    assert!(refused.is_err(), "a connection after {signal} was accepted");
    // The request in flight is answered in full.
    in_flight.write_all(&body[4..]).unwrap();
    let got = read_response(&mut in_flight);
    assert_eq!(got.status, 200, "{}", got.text());
    assert_eq!(got.json()["verdicts"]["x"]["verdict"], "permitted");
    let status = server
        .wait(Duration::from_secs(15))
        .expect("the server exits");
    assert_eq!(status.code(), Some(0), "{}", server.log_lines().join("\n"));
    assert!(server.log_lines().iter().any(|l| l.contains("stopped")));
}

#[test]
fn sigterm_answers_the_request_in_flight_then_exits_0() {
    stops_cleanly_on("TERM");
}

#[test]
fn ctrl_c_answers_the_request_in_flight_then_exits_0() {
    stops_cleanly_on("INT");
}

#[test]
fn the_json_log_has_one_line_per_request_with_its_fields() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.policy"),
        "fact a\naction x\nif a then may x\n",
    )
    .unwrap();
    let server = Server::start(&[dir.path().to_str().unwrap(), "--log-format", "json"]);
    assert_eq!(
        server.post("/v1/policies/p/eval", r#"{"a": 1}"#).status,
        400
    );
    assert!(server.wait_for_log("\"path\":\"/v1/policies/p/eval\""));
    let lines = server.log_lines();
    let parsed: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let listening = parsed.iter().find(|j| j["message"] == "listening").unwrap();
    assert!(
        listening["address"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    let request = parsed.iter().find(|j| j["message"] == "request").unwrap();
    assert_eq!(request["method"], "POST");
    assert_eq!(request["policy"], "p");
    assert_eq!(request["status"], 400);
    assert!(request["duration_us"].is_u64());
    assert_eq!(request["level"], "INFO");
    // Text by default.
    let text = Server::start(&[dir.path().to_str().unwrap()]);
    text.get("/v1/policies");
    assert!(text.wait_for_log("request method=GET path=/v1/policies"));
}

#[test]
fn it_listens_on_loopback_unless_told_and_says_why_it_cannot_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.policy"),
        "fact a\naction x\nif a then may x\n",
    )
    .unwrap();
    let d = dir.path().to_str().unwrap();
    match Server::spawn(&["serve", d]) {
        Ok(server) => assert_eq!(server.addr.to_string(), "127.0.0.1:8787"),
        // Another program has the default port: the message names it.
        Err(log) => assert!(log.contains("127.0.0.1:8787"), "{log}"),
    }
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_deontic"))
            .args(args)
            .output()
            .unwrap()
    };
    let missing = run(&["serve", "no/such/folder", "--listen", "127.0.0.1:0"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("no/such/folder: no such file or folder")
    );
    let bad = run(&["serve", d, "--listen", "nowhere"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("cannot listen on `nowhere`"));
    let wide = Server::start(&[d, "--listen", "0.0.0.0:0"]);
    assert!(wide.wait_for_log("listening beyond this machine"));
}

#[test]
fn a_panic_in_a_handler_is_a_500_and_the_server_goes_on() {
    use axum::routing::get;
    use tower::ServiceExt;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let catalog =
            deontic::service::Catalog::from_texts(&[("p", "fact a\naction x\nif a then x")]);
        let shared = std::sync::Arc::new(arc_swap::ArcSwap::from_pointee(catalog));
        let routes = deontic::serve::routes(shared).route(
            "/boom",
            get(|| async {
                if true {
                    panic!("a handler failed");
                }
                "unreachable"
            }),
        );
        let app = deontic::serve::with_layers(routes);
        let boom = axum::http::Request::get("/boom")
            .body(axum::body::Body::empty())
            .unwrap();
        let res = app.clone().oneshot(boom).await.unwrap();
        assert_eq!(res.status(), 500);
        let body = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .starts_with("internal error")
        );
        let after = axum::http::Request::post("/v1/policies/p/eval")
            .body(axum::body::Body::from(r#"{"a":true}"#))
            .unwrap();
        let res = app.oneshot(after).await.unwrap();
        assert_eq!(res.status(), 200);
    });
}

#[tokio::test(start_paused = true)]
async fn a_request_over_the_time_limit_is_a_503_with_a_message() {
    use axum::routing::get;
    use tower::ServiceExt;
    let shared = std::sync::Arc::new(arc_swap::ArcSwap::from_pointee(
        deontic::service::Catalog::default(),
    ));
    let routes = deontic::serve::routes(shared).route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            "late"
        }),
    );
    let app = deontic::serve::with_layers(routes);
    let slow = axum::http::Request::get("/slow")
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.oneshot(slow).await.unwrap();
    assert_eq!(res.status(), 503);
    let body = axum::body::to_bytes(res.into_body(), 1 << 16)
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        body["error"],
        "the request took longer than 10 s and was stopped"
    );
}
