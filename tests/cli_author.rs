//! The authoring commands on the command line: `fmt` (in place, `--check`, standard input),
//! exit codes and what each prints.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `deontic ARGS` in `dir` (the crate's root when `None`), feeding `stdin` when given.
fn run_in(dir: Option<&Path>, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_deontic"));
    cmd.args(args)
        .current_dir(dir.unwrap_or(Path::new(env!("CARGO_MANIFEST_DIR"))))
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the deontic binary runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn run(args: &[&str]) -> Run {
    run_in(None, args, None)
}

#[track_caller]
fn assert_exit(r: &Run, code: i32) {
    assert_eq!(
        r.code, code,
        "exit code\n--- stdout\n{}\n--- stderr\n{}",
        r.stdout, r.stderr
    );
}

const MESSY: &str = "fact a,b   # the facts\naction x\nrule r :\n  if a and (b)\n  then x\n";
const TIDY: &str = "fact a, b # the facts\naction x\nrule r: if a and b then x\n";

// ---- fmt --------------------------------------------------------------------------------

#[test]
fn fmt_rewrites_a_file_in_place() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.policy"), MESSY).unwrap();
    let r = run_in(Some(dir.path()), &["fmt", "p.policy"], None);
    assert_exit(&r, 0);
    assert_eq!(r.stdout, "formatted 1 file: 1 changed\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("p.policy")).unwrap(),
        TIDY
    );
    let r = run_in(Some(dir.path()), &["fmt", "p.policy"], None);
    assert_exit(&r, 0);
    assert_eq!(r.stdout, "formatted 1 file: 0 changed\n");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["p.policy"], "no temporary file is left behind");
}

#[test]
fn fmt_check_prints_a_diff_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("messy.policy"), MESSY).unwrap();
    std::fs::write(dir.path().join("tidy.policy"), TIDY).unwrap();
    let r = run_in(Some(dir.path()), &["fmt", "--check", "."], None);
    assert_exit(&r, 1);
    insta::assert_snapshot!("fmt_check_diff", r.stdout);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("messy.policy")).unwrap(),
        MESSY
    );
    let r = run_in(Some(dir.path()), &["fmt", "--check", "tidy.policy"], None);
    assert_exit(&r, 0);
    assert_eq!(r.stdout, "checked 1 file: 0 would be reformatted\n");
}

#[test]
fn fmt_reads_standard_input_and_writes_standard_output() {
    let r = run_in(None, &["fmt", "-"], Some(MESSY));
    assert_exit(&r, 0);
    assert_eq!(r.stdout, TIDY);
    assert_eq!(r.stderr, "");
    let r = run_in(None, &["fmt", "--check", "-"], Some(MESSY));
    assert_exit(&r, 1);
    assert!(
        r.stdout
            .starts_with("--- <stdin>\n+++ <stdin> (formatted)\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("+rule r: if a and b then x\n"),
        "{}",
        r.stdout
    );
    let r = run_in(None, &["fmt", "--check", "-"], Some(TIDY));
    assert_exit(&r, 0);
    assert_eq!(r.stdout, "");
}

#[test]
fn fmt_leaves_a_file_with_syntax_errors_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "fact a\nrule r:   if a then\n";
    std::fs::write(dir.path().join("broken.policy"), broken).unwrap();
    std::fs::write(dir.path().join("ok.policy"), MESSY).unwrap();
    let r = run_in(Some(dir.path()), &["fmt", "."], None);
    assert_exit(&r, 1);
    assert!(r.stderr.contains("syntax-error"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: ./broken.policy: not formatted: it has syntax errors"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "formatted 1 file: 1 changed, 1 not formatted\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("broken.policy")).unwrap(),
        broken
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ok.policy")).unwrap(),
        TIDY
    );
}

#[test]
fn fmt_on_standard_input_with_syntax_errors_passes_the_text_through() {
    let broken = "fact a\nrule r:   if a then\n";
    let r = run_in(None, &["fmt", "-"], Some(broken));
    assert_exit(&r, 1);
    assert_eq!(r.stdout, broken);
    assert!(r.stderr.contains("syntax-error"), "{}", r.stderr);
}

#[test]
fn fmt_reports_missing_paths_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.policy"), TIDY).unwrap();
    let r = run_in(
        Some(dir.path()),
        &["fmt", "missing.policy", "p.policy"],
        None,
    );
    assert_exit(&r, 2);
    assert!(r.stderr.contains("error: missing.policy:"), "{}", r.stderr);
    assert_eq!(r.stdout, "formatted 1 file: 0 changed\n");
}

#[test]
fn fmt_check_accepts_the_bundled_policies() {
    let r = run(&["fmt", "--check", "policies/"]);
    assert_exit(&r, 0);
    assert_eq!(r.stdout, "checked 3 files: 0 would be reformatted\n");
}

#[test]
fn fmt_formats_a_file_with_static_errors_unless_that_changes_them() {
    let dir = tempfile::tempdir().unwrap();
    let typo = "fact a\naction x\nrule r:   if b then may x\n";
    std::fs::write(dir.path().join("typo.policy"), typo).unwrap();
    let r = run_in(Some(dir.path()), &["fmt", "typo.policy"], None);
    assert_exit(&r, 0);
    let formatted = std::fs::read_to_string(dir.path().join("typo.policy")).unwrap();
    assert!(formatted.contains("rule r: if b then may x"), "{formatted}");

    // Two anonymous rules on one line are a `duplicate-name`; splitting the line gives
    // each its own id, so the layout would change what the file means.
    let two = "fact a\naction x\nif a then may x if a then must x\n";
    let file = dir.path().join("two.policy");
    std::fs::write(&file, two).unwrap();
    for args in [
        &["fmt", "two.policy"][..],
        &["fmt", "--check", "two.policy"],
    ] {
        let r = run_in(Some(dir.path()), args, None);
        assert_exit(&r, 1);
        assert_eq!(
            r.stderr,
            "error: two.policy: not formatted: formatting would change its static errors from \
             `duplicate-name` to none (`--force` formats it anyway)\n"
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), two);
    }
    let r = run_in(Some(dir.path()), &["fmt", "--force", "two.policy"], None);
    assert_exit(&r, 0);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "fact a\naction x\nif a then may x\nif a then must x\n"
    );
}

// ---- explain ----------------------------------------------------------------------------

const DOCTRINE: &str = "policies/nl-cyber-response.policy";

#[test]
fn explain_one_action_for_a_given_case() {
    let r = run(&[
        "explain",
        DOCTRINE,
        "--given",
        "cyberattack,ransomware,attacker=criminal",
        "press_for_criminal_investigation",
    ]);
    assert_exit(&r, 0);
    insta::assert_snapshot!("explain_given", r.stdout);
}

#[test]
fn explain_reads_cases_from_a_file_before_the_actions() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases.jsonl");
    std::fs::write(
        &cases,
        "{\"attacker\": \"state\", \"cyberattack\": true}\n{\"attacker\": \"spy\"}\n",
    )
    .unwrap();
    let r = run(&[
        "explain",
        DOCTRINE,
        cases.to_str().unwrap(),
        "diplomatic_approach",
        "--format",
        "json",
    ]);
    assert_exit(&r, 1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["case"], "#1");
    assert_eq!(first["actions"][0]["action"], "diplomatic_approach");
    assert_eq!(first["actions"][0]["verdict"], "permitted");
    assert_eq!(first["derived"]["cyber_incident"]["value"], true);
    assert_eq!(
        lines[1],
        "{\"case\":\"#2\",\"error\":\"`attacker` must be one of `state | criminal | unknown`, but was given `spy`\"}"
    );
}

#[test]
fn explain_without_cases_uses_the_case_blocks() {
    let r = run(&["explain", DOCTRINE, "counterattack"]);
    assert_exit(&r, 0);
    assert_eq!(
        r.stdout.matches("\ncase \"").count() + 1,
        13,
        "one block per case"
    );
    assert!(
        r.stdout.starts_with(
            "case \"state ransomware threatening national security, with a cabinet decision\"\n  \
             counterattack: forbidden, by counterattack_needs_legal_basis_and_cabinet_decision\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn explain_rejects_unknown_actions_and_mixed_case_sources() {
    let r = run(&["explain", DOCTRINE, "counterattak"]);
    assert_exit(&r, 2);
    assert_eq!(
        r.stderr,
        "error: unknown action `counterattak`; did you mean `counterattack`?\n"
    );
    let r = run(&["explain", DOCTRINE, "cyberattack"]);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("`cyberattack` is a fact"), "{}", r.stderr);
    let r = run(&["explain", DOCTRINE, "cases.json", "--given", "cyberattack"]);
    assert_exit(&r, 2);
    assert_eq!(
        r.stderr,
        "error: give cases as a file or with `--given`, not both\n"
    );
    let r = run(&["explain", DOCTRINE, "counterattack", "cases.json"]);
    assert_exit(&r, 2);
    assert!(
        r.stderr.contains("`cases.json` is not an action name"),
        "{}",
        r.stderr
    );
}

#[test]
fn explain_reads_standard_input() {
    let r = run_in(
        None,
        &["explain", DOCTRINE, "-", "counterattack"],
        Some(
            "{\"attacker\": \"unknown\", \"last_resort\": true, \"hostile_action_to_avert\": true}",
        ),
    );
    assert_exit(&r, 0);
    assert!(r.stdout.starts_with("case #1\n  counterattack: forbidden, by counterattack_needs_legal_basis_and_cabinet_decision\n"), "{}", r.stdout);
    assert!(r.stdout.contains("removed: requirement counterattack_needs_legal_basis_and_cabinet_decision (line 152) outranks permissions"), "{}", r.stdout);
}

// ---- graph ------------------------------------------------------------------------------

#[test]
fn graph_writes_dot_and_mermaid() {
    let r = run(&["graph", "policies/gdpr-breach-notification.policy"]);
    assert_exit(&r, 0);
    assert!(r.stdout.starts_with("digraph policy {\n"), "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "\"rule:exception_unintelligible_data\" -> \"rule:communicate_high_risk\" [label=\"overrides\""
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.ends_with("}\n"));
    let r = run(&[
        "graph",
        "policies/gdpr-breach-notification.policy",
        "--format",
        "mermaid",
    ]);
    assert_exit(&r, 0);
    assert!(
        r.stdout.contains(
            "  r_exception_unintelligible_data -.->|overrides| r_communicate_high_risk\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn graph_of_a_broken_or_missing_policy() {
    let r = run(&[
        "graph",
        "tests/fixtures/broken/unknown-name-misspelt-fact.policy",
    ]);
    assert_exit(&r, 1);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("unknown-name"), "{}", r.stderr);
    let r = run(&["graph", "missing.policy"]);
    assert_exit(&r, 2);
    assert!(
        r.stderr.starts_with("error: missing.policy: "),
        "{}",
        r.stderr
    );
}

// ---- test --bless, --coverage, --format junit -------------------------------------------

const DRAFT: &str = "fact a, b
action x default forbidden
action y
rule permit: if a then may x
rule oblige: if b then must y

# The first case block.
case \"a only\" {
    given a # the attack
    expect x is forbidden # written before the rule
}

case \"both\" { given a, b }
";

#[test]
fn bless_fixes_wrong_expectations_and_adds_missing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("draft.policy");
    std::fs::write(&file, DRAFT).unwrap();
    let r = run_in(Some(dir.path()), &["test", "--bless", "draft.policy"], None);
    assert_exit(&r, 0);
    assert_eq!(
        r.stdout,
        "BLESS draft.policy: \"a only\"\n    line 10: `x` is permitted by permit, was forbidden\n    \
         added 1 `expect` line\nBLESS draft.policy: \"both\"\n    added 2 `expect` lines\n\
         blessed 2 cases in 1 file\n2 passed, 0 failed\n"
    );
    let blessed = std::fs::read_to_string(&file).unwrap();
    insta::assert_snapshot!("blessed_draft", blessed);
    // Blessed again: nothing to do, and `test` passes.
    let r = run_in(Some(dir.path()), &["test", "--bless", "draft.policy"], None);
    assert_exit(&r, 0);
    assert_eq!(
        r.stdout,
        "PASS draft.policy: \"a only\"\nPASS draft.policy: \"both\"\nblessed 0 cases in 0 files\n2 passed, 0 failed\n"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), blessed);
    let r = run_in(Some(dir.path()), &["test", "draft.policy"], None);
    assert_exit(&r, 0);
}

#[test]
fn bless_leaves_a_broken_policy_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.policy");
    let text = "fact a\naction x\nif a then x\ncase \"c\" { given b }\n";
    std::fs::write(&file, text).unwrap();
    let r = run_in(
        Some(dir.path()),
        &["test", "--bless", "broken.policy"],
        None,
    );
    assert_exit(&r, 1);
    assert!(r.stdout.contains("invalid-case"), "{}", r.stdout);
    assert!(
        r.stdout.ends_with(
            "FAIL broken.policy: the policy has errors; its cases were not run\n\
             blessed 0 cases in 0 files\n0 passed, 1 failed\n"
        ),
        "{}",
        r.stdout
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}

#[test]
fn coverage_names_unfired_rules_and_unreached_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("draft.policy"), DRAFT).unwrap();
    let r = run_in(
        Some(dir.path()),
        &["test", "--coverage", "draft.policy"],
        None,
    );
    assert_exit(&r, 1);
    assert_eq!(
        r.stdout,
        "FAIL draft.policy: \"a only\"\n    line 10: expected `x` is forbidden, got permitted (by permit)\n\
         WARN draft.policy: \"both\": expects nothing (add `expect` lines)\n\
         coverage draft.policy: 2 of 2 rules decided, 3 of 4 verdicts reached (83%)\n    \
         x: no case reached forbidden\n    \
         cases that close it:\n    \
         case \"generated: x is forbidden\" {\n      \
         expect x is forbidden\n      \
         expect y is undecided\n    \
         }\n\
         1 passed, 1 failed, 83% covered\n"
    );
}

#[test]
fn junit_xml_for_ci() {
    let r = run(&[
        "test",
        "--format",
        "junit",
        "--coverage",
        "tests/fixtures/cli/wrong-expectation.policy",
        "tests/fixtures/broken/unknown-name-action.policy",
        "policies/gdpr-breach-notification.policy",
    ]);
    assert_exit(&r, 1);
    let doc = roxmltree::Document::parse(&r.stdout).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("14"));
    assert_eq!(root.attribute("failures"), Some("1"));
    assert_eq!(root.attribute("errors"), Some("1"));
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 3);
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failure.text(),
        Some(
            "tests/fixtures/cli/wrong-expectation.policy:13\n\
             line 15: expected `x` is forbidden, got permitted (by @6)\n\
             line 16: expected `incident` is false, got true (by @5)"
        )
    );
    let error = doc.descendants().find(|n| n.has_tag_name("error")).unwrap();
    assert!(error.text().unwrap().contains("unknown-name"));
    let out = doc
        .descendants()
        .find(|n| n.has_tag_name("system-out"))
        .unwrap();
    assert!(out.text().unwrap().starts_with("coverage "));
    let xml = run(&[
        "test",
        "--format",
        "junit",
        "tests/fixtures/cli/wrong-expectation.policy",
    ])
    .stdout;
    insta::assert_snapshot!("junit", without_times(&xml));
}

/// The XML with every `time="…"` attribute's value replaced, so a snapshot does not
/// depend on how fast the machine is.
fn without_times(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(at) = rest.find(" time=\"") {
        let value = at + " time=\"".len();
        out.push_str(&rest[..value]);
        out.push_str("[seconds]");
        let end = rest[value..].find('"').map_or(rest.len(), |e| value + e);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn junit_escapes_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.policy"),
        "fact a\naction x\nif a then x\ncase \"<a & \\\"b\\\">\" { given a expect x is permitted }\n",
    )
    .unwrap();
    let r = run_in(Some(dir.path()), &["test", "--format", "junit", "."], None);
    assert_exit(&r, 1);
    let doc = roxmltree::Document::parse(&r.stdout).expect("well-formed XML");
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    assert_eq!(case.attribute("name"), Some("<a & \"b\">"));
    let r = run_in(
        Some(dir.path()),
        &["test", "--format", "junit", "--bless", "."],
        None,
    );
    assert_exit(&r, 2);
}
