//! Messages outside the static errors that say what happened in the author's own terms:
//! a JSON value shown as written, a requirement that never fires, and `explain` showing
//! each test as written and each rule once.

use deontic::Policy;
use deontic::report::{Style, explain_human, render_diagnostics};
use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_deontic");

fn run(args: &[&str], stdin: &str) -> (i32, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn policy(text: &str) -> Policy {
    Policy::parse("p.policy", text).unwrap_or_else(|f| panic!("{f}"))
}

const LEAVE: &str = "fact days: 0..365\nfact kind: paid | unpaid\naction grant\n\
                     rule r: if days < 10 and kind is paid then may grant\n";

#[test]
fn a_json_value_of_the_wrong_type_is_shown_as_written() {
    let cases = "{\"days\": \"3\", \"kind\": \"paid\"}\n\
                 {\"days\": 3.5, \"kind\": \"paid\"}\n\
                 {\"days\": 3, \"kind\": 1}\n\
                 {\"days\": 3, \"kind\": \"paid\"}\n";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("leave.policy");
    std::fs::write(&file, LEAVE).unwrap();
    let file = file.to_str().unwrap();
    let (code, human) = run(&["eval", file, "-"], cases);
    assert_eq!(code, 1);
    insta::assert_snapshot!("wrong_json_types_human", human);
    let (_, json) = run(&["eval", file, "-", "--format", "json"], cases);
    insta::assert_snapshot!("wrong_json_types_json", json);
}

#[test]
fn a_requirement_that_never_fires_says_its_condition_always_holds() {
    let p = policy("fact a\naction y\nrule r: if a then may y\nrule need: y requires a or not a\n");
    let diags = deontic::analysis::lint(&p).unwrap();
    insta::assert_snapshot!(
        "requirement_never_fires",
        render_diagnostics(&diags, p.source(), Style::plain())
    );
}

#[test]
fn explain_shows_tests_as_written_and_each_rule_once() {
    let p = policy(
        "fact a, b\nfact e: p | q | r\nfact s: low | mid | high\naction x\n\
         rule none: if a and e not in [p, q, r] then may x\n\
         rule some: if s not in [low] and s in [mid, high] and e is not q then may x\n\
         rule both: if a then may x, must x\n\
         rule need: x requires b\n",
    );
    let case = p
        .case()
        .set("a", true)
        .set("e", "p")
        .set("s", "mid")
        .build()
        .unwrap();
    let t = deontic::eval::trace(&p, &case);
    let text = explain_human("#1", &t, &[0]);
    assert_eq!(text.matches("rule both").count(), 1, "{text}");
    insta::assert_snapshot!("explain_as_written", text);
}
