//! The README's `curl` examples of `deontic serve` (the blocks after `<!-- serve -->`) run
//! against a real server on the bundled policies: each answers 200 with JSON, and where the
//! README shows an answer, the answer is that one.

mod http_client;

use http_client::{Server, policies};
use serde_json::Value;
use std::process::Command;

/// The commands of the README's serve blocks, each with the answer shown after it.
fn examples(readme: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "<!-- serve -->" {
            continue;
        }
        assert!(lines.next().is_some_and(|l| l.starts_with("```")));
        let mut command: Option<String> = None;
        for line in lines.by_ref() {
            if line.starts_with("```") {
                break;
            }
            if line.starts_with('#') {
                continue;
            }
            if let Some(c) = command.as_mut() {
                c.push_str(line.trim_start());
                if !line.ends_with('\\') {
                    out.push((command.take().unwrap().replace("\\", ""), Vec::new()));
                }
                continue;
            }
            if line.starts_with("curl ") {
                if line.ends_with('\\') {
                    command = Some(line.to_string());
                } else {
                    out.push((line.to_string(), Vec::new()));
                }
            } else if let Some(last) = out.last_mut() {
                last.1.push(line.to_string());
            }
        }
    }
    out
}

#[test]
fn the_readme_curl_examples_answer_as_shown() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let examples = examples(&readme);
    assert!(examples.len() >= 10, "{examples:?}");
    let server = Server::start(&[&policies()]);
    let here = format!("{}", server.addr);
    for (command, shown) in &examples {
        assert!(command.contains("localhost:8787"), "{command}");
        let command = command.replace("localhost:8787", &here);
        let out = Command::new("sh")
            .args(["-c", &format!("{command} -w '\\n%{{http_code}}'")])
            .output()
            .expect("sh and curl run");
        assert!(out.status.success(), "{command}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let (body, status) = stdout.rsplit_once('\n').unwrap();
        let answer: Value =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{command}: {e}: {body}"));
        if shown.is_empty() {
            assert_eq!(status, "200", "{command}: {body}");
        } else {
            let shown: Value = serde_json::from_str(&shown.join("\n")).unwrap();
            assert_eq!(answer, shown, "{command}");
            assert!(status.starts_with('4'), "{command}: {status}");
        }
    }
}
