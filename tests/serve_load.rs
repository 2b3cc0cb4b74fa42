//! `deontic serve` under load, bounded: wrk sends single cases with keep-alive for 20 s
//! while the policy file is rewritten every half second, switching between two versions
//! that answer the case differently. Every answer must be wholly one version's (no error,
//! no mixed or half-loaded answer), and both versions must have answered. Then arrays of
//! 10,000 cases. wrk waits up to 10 s for an answer, so that a machine busy with other
//! tests counts a slow answer as slow, not as an error. The figures are printed
//! (`-- --nocapture`); `docs/performance.md` keeps those of a release build.

mod http_client;

use http_client::{Server, policies};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const SECONDS: u64 = 20;

fn write_atomically(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn answers_under_load_while_the_policy_changes_are_each_wholly_one_version() {
    let doctrine =
        std::fs::read_to_string(format!("{}/nl-cyber-response.policy", policies())).unwrap();
    let old = doctrine.clone();
    let new = doctrine.replace(
        "action take_infrastructure_offline default forbidden",
        "action take_infrastructure_offline default permitted",
    );
    assert_ne!(old, new);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doctrine.policy");
    std::fs::write(&file, &old).unwrap();
    let server = Server::start(&[dir.path().to_str().unwrap()]);
    let url = format!("http://{}/v1/policies/doctrine/eval", server.addr);
    let case = json!({"attacker": "unknown"}).to_string();

    // The answer of each version, and that they differ.
    let answer = || server.post("/v1/policies/doctrine/eval", &case).text();
    let old_answer = answer();
    write_atomically(&file, &new);
    let start = Instant::now();
    let new_answer = loop {
        let a = answer();
        if a != old_answer {
            break a;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "the reload");
        std::thread::sleep(Duration::from_millis(20));
    };
    let parsed: Value = serde_json::from_str(&new_answer).unwrap();
    assert_eq!(
        parsed["verdicts"]["take_infrastructure_offline"]["verdict"],
        "permitted"
    );

    // Rewrite the file every 0.5 s, alternating, while wrk runs.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, file, old, new) = (stop.clone(), file.clone(), old.clone(), new.clone());
        std::thread::spawn(move || {
            let mut writes = 0;
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(500));
                write_atomically(&file, if writes % 2 == 0 { &old } else { &new });
                writes += 1;
            }
            writes
        })
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/serve_load.lua");
    let out = Command::new("wrk")
        .args([
            "-t2",
            "-c50",
            &format!("-d{SECONDS}s"),
            "--timeout",
            "10s",
            "--latency",
            "-s",
        ])
        .arg(&script)
        .arg(&url)
        .env("CASE", &case)
        .env("OLD", &old_answer)
        .env("NEW", &new_answer)
        .output()
        .expect("wrk runs (run .ci/setup)");
    stop.store(true, Ordering::Relaxed);
    let writes = writer.join().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout.lines().last().unwrap_or_default();
    let got: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    println!("single cases: {line}; {writes} rewrites");
    let requests = got["requests"].as_u64().unwrap();
    println!(
        "single cases: {:.0} requests/s, p50 {} us, p99 {} us",
        requests as f64 / got["seconds"].as_f64().unwrap(),
        got["latency_us"]["p50"],
        got["latency_us"]["p99"]
    );
    assert_eq!(
        got["wrong"], 0,
        "answers that are neither version's: {line}"
    );
    for kind in ["connect", "read", "write", "status", "timeout"] {
        assert_eq!(got["errors"][kind], 0, "{kind} errors: {line}");
    }
    assert!(
        got["old"].as_u64().unwrap() > 0 && got["new"].as_u64().unwrap() > 0,
        "{line}"
    );
    assert_eq!(
        got["old"].as_u64().unwrap() + got["new"].as_u64().unwrap(),
        requests
    );
    assert!(writes >= SECONDS as usize, "{writes} rewrites");
    let reloads = server
        .log_lines()
        .iter()
        .filter(|l| l.contains("policy reloaded"))
        .count();
    println!("reloads logged: {reloads}");
    assert!(reloads >= 2);

    // Arrays of 10,000 cases, evaluated on every core.
    // Bool facts left out are false, so that 10,000 cases fit in the 1 MiB body limit.
    let facts = [
        "cyberattack",
        "ransomware",
        "threat_to_national_security",
        "cabinet_decision",
        "hostile_action_to_avert",
        "last_resort",
        "international_legal_basis",
    ];
    let cases: Vec<Value> = (0..10_000usize)
        .map(|i| {
            let mut case = serde_json::Map::new();
            case.insert(
                "attacker".into(),
                json!(["state", "criminal", "unknown"][i % 3]),
            );
            for (k, fact) in facts.iter().enumerate() {
                if ((i * 2_654_435_761usize) >> (k + 3)) % 3 == 0 {
                    case.insert(fact.to_string(), json!(true));
                }
            }
            Value::Object(case)
        })
        .collect();
    let body = Value::Array(cases).to_string();
    assert!(body.len() < 1 << 20, "{} bytes", body.len());
    let got = server.post("/v1/policies/doctrine/eval", &body);
    assert_eq!(got.status, 200);
    let answers: Vec<Value> = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(answers.len(), 10_000);
    assert_eq!(answers[9_999]["case"], "#10000");
    // Then wrk, one connection, for 5 s.
    let file = dir.path().join("cases.json");
    std::fs::write(&file, &body).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/serve_load_array.lua");
    let out = Command::new("wrk")
        .args(["-t1", "-c1", "-d5s", "--timeout", "10s", "--latency", "-s"])
        .arg(&script)
        .arg(&url)
        .env("BODY_FILE", &file)
        .env("CASES", "10000")
        .output()
        .expect("wrk runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    let got: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(
        (got["wrong"].as_u64(), got["errors"].as_u64()),
        (Some(0), Some(0)),
        "{line}"
    );
    let requests = got["requests"].as_u64().unwrap();
    assert!(requests > 0, "{line}");
    println!(
        "arrays of 10,000 cases ({} bytes): {line}; {:.0} cases/s",
        body.len(),
        requests as f64 * 10_000.0 / got["seconds"].as_f64().unwrap()
    );
}
