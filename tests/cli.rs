//! The command line (contract section 6) for `check`, `lint`, `eval` and `test`: exit codes,
//! output, and the exact `eval --format json` lines.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `deontic ARGS` from the crate's root, feeding `stdin` when given.
fn run_with(args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_deontic"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the deontic binary runs");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(text.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn run(args: &[&str]) -> Run {
    run_with(args, None)
}

#[track_caller]
fn assert_exit(r: &Run, code: i32) {
    assert_eq!(
        r.code, code,
        "exit code\n--- stdout\n{}\n--- stderr\n{}",
        r.stdout, r.stderr
    );
}

fn lines(s: &str) -> Vec<&str> {
    s.lines().collect()
}

const OVERRIDES: &str = "tests/fixtures/eval/overrides.policy";
const CONFLICTS: &str = "tests/fixtures/eval/conflicts.policy";

// ---- check ----------------------------------------------------------------------------

#[test]
fn check_a_clean_file() {
    let r = run(&["check", OVERRIDES]);
    assert_exit(&r, 0);
    assert_eq!(r.stdout, "checked 1 file: 0 errors\n");
    assert_eq!(r.stderr, "");
}

#[test]
fn check_a_broken_file() {
    let r = run(&[
        "check",
        "tests/fixtures/broken/unknown-name-misspelt-fact.policy",
    ]);
    assert_exit(&r, 1);
    assert!(r.stdout.contains("unknown-name"), "{}", r.stdout);
    assert!(
        r.stdout.contains("unknown fact `cabinet_decison`"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("did you mean `cabinet_decision`?"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("[tests/fixtures/broken/unknown-name-misspelt-fact.policy:5:20]"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.ends_with("checked 1 file: 1 error\n"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains('\u{1b}'),
        "no colour when not on a terminal"
    );
}

#[test]
fn check_a_missing_path() {
    let r = run(&["check", "tests/fixtures/no-such-file.policy"]);
    assert_exit(&r, 2);
    assert_eq!(
        r.stderr,
        "error: tests/fixtures/no-such-file.policy: no such file or folder\n"
    );
    // The other paths are still checked.
    let r = run(&["check", "tests/fixtures/no-such-file.policy", OVERRIDES]);
    assert_exit(&r, 2);
    assert_eq!(r.stdout, "checked 1 file: 0 errors\n");
}

#[test]
fn check_a_folder_recursively() {
    let r = run(&["check", "tests/fixtures/cli/tree"]);
    assert_exit(&r, 0);
    assert_eq!(
        r.stdout, "checked 2 files: 0 errors\n",
        "notes.txt is skipped"
    );
    let r = run(&["check", "tests/fixtures/broken"]);
    assert_exit(&r, 1);
    let n = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "policy")
        })
        .count();
    let last = r.stdout.lines().last().unwrap();
    assert!(last.starts_with(&format!("checked {n} files: ")), "{last}");
}

#[test]
fn check_a_folder_without_policies() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("readme.txt"), "fact a\n").unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let path = dir.path().to_str().unwrap();
    let r = run(&["check", path]);
    assert_exit(&r, 2);
    assert_eq!(
        r.stderr,
        format!("error: {path}: no `*.policy` files in this folder\n")
    );
    assert_eq!(r.stdout, "checked 0 files: 0 errors\n");
}

#[test]
fn check_a_file_that_is_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("latin1.policy");
    std::fs::write(&file, b"fact caf\xe9\naction x\n").unwrap();
    let r = run(&["check", file.to_str().unwrap()]);
    assert_exit(&r, 1);
    assert!(r.stdout.contains("syntax-error"), "{}", r.stdout);
    assert!(
        r.stdout.contains("the file is not UTF-8 text"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("invalid byte `0xe9`"), "{}", r.stdout);
    assert!(r.stdout.contains("latin1.policy:1:9"), "{}", r.stdout);
}

#[test]
fn check_sorts_a_folder_and_reports_every_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("b")).unwrap();
    std::fs::write(
        dir.path().join("b/second.policy"),
        "fact a\naction x\nif b then x\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.policy"), "fact a, a\n").unwrap();
    std::fs::write(dir.path().join("c.policy"), "fact ok\n").unwrap();
    let r = run(&["check", dir.path().to_str().unwrap()]);
    assert_exit(&r, 1);
    let first = r.stdout.find("a.policy:1:9").expect("a.policy reported");
    let second = r
        .stdout
        .find("second.policy:3:4")
        .expect("b/second.policy reported");
    assert!(first < second, "files in sorted order:\n{}", r.stdout);
    assert!(
        r.stdout.ends_with("checked 3 files: 2 errors\n"),
        "{}",
        r.stdout
    );
}

// ---- eval -----------------------------------------------------------------------------

/// The contract's JSON line for the conflicts fixture, for each case of `conflicts.json`.
const CONFLICTS_JSON: [&str; 4] = [
    r##"{"case":"#1","verdicts":{"x":{"verdict":"permitted","by":[]},"y":{"verdict":"forbidden","by":[]},"z":{"verdict":"undecided","by":[]}},"derived":{}}"##,
    r##"{"case":"#2","verdicts":{"x":{"verdict":"permitted","by":[]},"y":{"verdict":"permitted","by":["allow_y"]},"z":{"verdict":"required","by":["double"]}},"derived":{}}"##,
    r##"{"case":"#3","verdicts":{"x":{"verdict":"forbidden","by":["ban_x"]},"y":{"verdict":"forbidden","by":[]},"z":{"verdict":"forbidden","by":["ban_z"]}},"derived":{}}"##,
    r##"{"case":"#4","verdicts":{"x":{"verdict":"forbidden","by":["ban_x"]},"y":{"verdict":"permitted","by":["allow_y"]},"z":{"verdict":"conflict","by":["order_z","ban_z","double"]}},"derived":{}}"##,
];

#[test]
fn eval_a_json_array_file() {
    let r = run(&[
        "eval",
        CONFLICTS,
        "tests/fixtures/eval/conflicts.json",
        "--format",
        "json",
    ]);
    assert_exit(&r, 0);
    assert_eq!(lines(&r.stdout), CONFLICTS_JSON);
    assert_eq!(r.stderr, "");
}

#[test]
fn eval_a_single_object_json_file() {
    let r = run(&[
        "eval",
        OVERRIDES,
        "tests/fixtures/cli/pretty.json",
        "--format",
        "json",
    ]);
    assert_exit(&r, 0);
    assert_eq!(
        lines(&r.stdout),
        [
            r##"{"case":"#1","verdicts":{"shutdown":{"verdict":"permitted","by":["approved_shutdown"]},"notify":{"verdict":"required","by":["@15"]}},"derived":{}}"##
        ]
    );
}

#[test]
fn eval_json_lines_with_an_invalid_line() {
    let r = run(&[
        "eval",
        CONFLICTS,
        "tests/fixtures/eval/conflicts.jsonl",
        "--format",
        "json",
    ]);
    assert_exit(&r, 1);
    assert_eq!(
        lines(&r.stdout),
        [
            CONFLICTS_JSON[1].replace("#2", "#1").as_str(),
            r##"{"case":"#2","error":"fact `a` is given twice"}"##,
            CONFLICTS_JSON[2],
            r##"{"case":"#4","error":"not a case: invalid type: sequence, expected a JSON object mapping fact names to values at line 1 column 0"}"##,
            r##"{"case":"#5","error":"`x` is an action, not a fact; cases give facts only"}"##,
        ]
    );
}

#[test]
fn eval_given_is_repeatable_and_numbers_cases() {
    let r = run(&[
        "eval",
        OVERRIDES,
        "--given",
        "emergency",
        "--given",
        "emergency, not approved,vetoed",
        "--given",
        "",
        "--format",
        "json",
    ]);
    assert_exit(&r, 0);
    assert_eq!(
        lines(&r.stdout),
        [
            r##"{"case":"#1","verdicts":{"shutdown":{"verdict":"forbidden","by":["baseline"]},"notify":{"verdict":"required","by":["@15"]}},"derived":{}}"##,
            r##"{"case":"#2","verdicts":{"shutdown":{"verdict":"forbidden","by":["veto"]},"notify":{"verdict":"conflict","by":["veto","@15"]}},"derived":{}}"##,
            r##"{"case":"#3","verdicts":{"shutdown":{"verdict":"undecided","by":[]},"notify":{"verdict":"permitted","by":[]}},"derived":{}}"##,
        ]
    );
}

#[test]
fn eval_given_with_values_and_an_invalid_case() {
    let policy = "tests/fixtures/eval/requirements.policy";
    let r = run(&[
        "eval",
        policy,
        "--given",
        "risk=medium,urgent",
        "--given",
        "risk=severe",
        "--given",
        "urgent=true,risk=low,signed=false",
        "--format",
        "json",
    ]);
    assert_exit(&r, 1);
    let out = lines(&r.stdout);
    assert_eq!(out.len(), 3, "the invalid case does not stop the others");
    assert!(out[0].starts_with(r##"{"case":"#1","verdicts":{"deploy":{"verdict":"forbidden","by":["deploy_needs_signature"]}"##), "{}", out[0]);
    assert_eq!(
        out[1],
        r##"{"case":"#2","error":"`risk` must be one of `low | medium | high`, but was given `severe`"}"##
    );
    assert!(
        out[2].starts_with(r##"{"case":"#3","verdicts":{"deploy":{"verdict":"forbidden""##),
        "{}",
        out[2]
    );
    // Integers from --given, and an out-of-range one.
    let policy = "tests/fixtures/eval/derived.policy";
    let r = run(&[
        "eval",
        policy,
        "--given",
        "malware_found,severity=5",
        "--given",
        "severity=9",
    ]);
    assert_exit(&r, 1);
    assert!(r.stdout.starts_with("case #1\n"), "{}", r.stdout);
    assert!(
        r.stdout.contains("  wake_ciso     required   @15\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("case #2\n  invalid: `severity` must be in `1..5`, but was given 9\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn eval_human_output() {
    let r = run(&["eval", CONFLICTS, "--given", "a,b"]);
    assert_exit(&r, 0);
    assert_eq!(
        r.stdout,
        "case #1\n\
         \x20 action  verdict    by\n\
         \x20 x       forbidden  ban_x\n\
         \x20 y       permitted  allow_y\n\
         \x20 z       conflict   order_z, ban_z, double\n\
         \n"
    );
}

#[test]
fn eval_stdin_json_lines() {
    let input = "{\"a\": true}\n\n{\"a\": tru}\n{\"b\": true}\n";
    let r = run_with(&["eval", CONFLICTS, "-", "--format", "json"], Some(input));
    assert_exit(&r, 1);
    let out = lines(&r.stdout);
    assert_eq!(out.len(), 3);
    assert_eq!(out[0], CONFLICTS_JSON[1].replace("#2", "#1"));
    assert!(
        out[1].starts_with(r##"{"case":"#2","error":"invalid JSON: "##),
        "{}",
        out[1]
    );
    assert_eq!(out[2], CONFLICTS_JSON[2]);
}

#[test]
fn eval_stdin_invalid_first_line_does_not_stop_the_rest() {
    let input = "{\"a\": 1}\n{\"a\": true, \"b\": true}\n";
    let r = run_with(&["eval", CONFLICTS, "-", "--format", "json"], Some(input));
    assert_exit(&r, 1);
    assert_eq!(
        lines(&r.stdout),
        [
            r##"{"case":"#1","error":"fact `a` is of type `bool`, but was given the number `1`"}"##,
            &CONFLICTS_JSON[3].replace("#4", "#2"),
        ]
    );
    let input = "{\"a\": }\n{\"b\": true}\n";
    let r = run_with(&["eval", CONFLICTS, "-", "--format", "json"], Some(input));
    assert_exit(&r, 1);
    let out = lines(&r.stdout);
    assert_eq!(out.len(), 2, "{}", r.stdout);
    assert!(out[0].starts_with(r##"{"case":"#1","error":"invalid JSON"##));
    assert_eq!(out[1], CONFLICTS_JSON[2].replace("#3", "#2"));
}

#[test]
fn eval_stdin_array_and_pretty_documents() {
    let input = "[\n  {},\n  {\"a\": true},\n  {\"b\": true},\n  {\"a\": true, \"b\": true}\n]\n";
    let r = run_with(&["eval", CONFLICTS, "-", "--format", "json"], Some(input));
    assert_exit(&r, 0);
    assert_eq!(lines(&r.stdout), CONFLICTS_JSON);
    let input = "[{}, {\"a\": true}, {\"b\": true}, {\"a\": true, \"b\": true}]";
    let r = run_with(&["eval", CONFLICTS, "-", "--format", "json"], Some(input));
    assert_exit(&r, 0);
    assert_eq!(lines(&r.stdout), CONFLICTS_JSON);
    let input = "\n{\n  \"a\": true,\n  \"b\": true\n}\n";
    let r = run_with(&["eval", CONFLICTS, "-", "--format", "json"], Some(input));
    assert_exit(&r, 0);
    assert_eq!(lines(&r.stdout), [CONFLICTS_JSON[3].replace("#4", "#1")]);
    // An empty input has no cases and is no error.
    let r = run_with(&["eval", CONFLICTS, "-", "--format", "json"], Some(""));
    assert_exit(&r, 0);
    assert_eq!(r.stdout, "");
}

#[test]
fn eval_json_keys_follow_declaration_order() {
    let r = run(&[
        "eval",
        "tests/fixtures/eval/derived.policy",
        "--given",
        "phishing_reported,on_holiday,severity=4",
        "--format",
        "json",
    ]);
    assert_exit(&r, 0);
    let value: serde_json::Value = serde_json::from_str(r.stdout.trim_end()).unwrap();
    let obj = value.as_object().unwrap();
    assert_eq!(
        obj.keys().collect::<Vec<_>>(),
        ["case", "verdicts", "derived"]
    );
    let actions: Vec<&String> = obj["verdicts"].as_object().unwrap().keys().collect();
    assert_eq!(actions, ["wake_ciso", "open_ticket", "page_on_call"]);
    for v in obj["verdicts"].as_object().unwrap().values() {
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["verdict", "by"]);
    }
    let derived: Vec<&String> = obj["derived"].as_object().unwrap().keys().collect();
    assert_eq!(derived, ["escalate_now", "serious_incident", "incident"]);
    assert_eq!(
        r.stdout,
        concat!(
            r##"{"case":"#1","verdicts":{"wake_ciso":{"verdict":"permitted","by":["holiday_cover"]},"##,
            r##""open_ticket":{"verdict":"required","by":["ticket"]},"##,
            r##""page_on_call":{"verdict":"required","by":["holiday_cover"]}},"##,
            r##""derived":{"escalate_now":false,"serious_incident":true,"incident":true}}"##,
            "\n"
        )
    );
}

#[test]
fn eval_without_cases_uses_the_case_blocks() {
    let r = run(&["eval", CONFLICTS, "--format", "json"]);
    assert_exit(&r, 0);
    assert_eq!(
        lines(&r.stdout),
        [
            CONFLICTS_JSON[0].replace("#1", "nothing holds: the defaults"),
            CONFLICTS_JSON[3].replace("#4", "a and b"),
        ]
    );
    let r = run(&["eval", CONFLICTS]);
    assert_exit(&r, 0);
    assert!(
        r.stdout
            .starts_with("case \"nothing holds: the defaults\"\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("\ncase \"a and b\"\n"), "{}", r.stdout);
    // A policy without case blocks has nothing to evaluate.
    let r = run(&["eval", "tests/fixtures/cli/no-cases.policy"]);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("no case blocks"), "{}", r.stderr);
}

#[test]
fn eval_a_broken_policy_or_missing_files() {
    let r = run(&[
        "eval",
        "tests/fixtures/broken/type-mismatch-enum-bare.policy",
        "--given",
        "",
    ]);
    assert_exit(&r, 1);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("type-mismatch"), "{}", r.stderr);
    let r = run(&["eval", "tests/fixtures/missing.policy", "--given", "a"]);
    assert_exit(&r, 2);
    assert!(r.stderr.contains("no such file or folder"), "{}", r.stderr);
    let r = run(&["eval", CONFLICTS, "tests/fixtures/missing.json"]);
    assert_exit(&r, 2);
    assert_eq!(
        r.stderr,
        "error: tests/fixtures/missing.json: no such file or folder\n"
    );
}

// ---- test -----------------------------------------------------------------------------

#[test]
fn test_reports_each_case_and_a_summary() {
    let r = run(&["test", "tests/fixtures/cli/wrong-expectation.policy"]);
    assert_exit(&r, 1);
    let p = "tests/fixtures/cli/wrong-expectation.policy";
    assert_eq!(
        r.stdout,
        format!(
            "PASS {p}: \"passes\"\n\
             FAIL {p}: \"expects the wrong verdicts\"\n\
             \x20   line 15: expected `x` is forbidden, got permitted (by @6)\n\
             \x20   line 16: expected `incident` is false, got true (by @5)\n\
             PASS {p}: \"also passes\"\n\
             2 passed, 1 failed\n"
        )
    );
}

#[test]
fn test_passing_folders() {
    let r = run(&["test", "tests/fixtures/eval", "tests/fixtures/cli/tree"]);
    assert_exit(&r, 0);
    let out = lines(&r.stdout);
    let summary = out.last().unwrap();
    let cases = out.len() - 1;
    assert_eq!(*summary, format!("{cases} passed, 0 failed"));
    assert!(cases >= 10, "{}", r.stdout);
    assert!(
        out[..cases].iter().all(|l| l.starts_with("PASS ")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("PASS tests/fixtures/cli/tree/nested/deeper/bottom.policy: \"bottom\"\n")
    );

    let r = run(&["test", "policies"]);
    assert_exit(&r, 0);
    assert!(r.stdout.ends_with(" passed, 0 failed\n"), "{}", r.stdout);
}

#[test]
fn test_a_broken_policy_fails() {
    let r = run(&["test", "tests/fixtures/broken/derivation-cycle-self.policy"]);
    assert_exit(&r, 1);
    assert!(r.stdout.contains("derivation-cycle"), "{}", r.stdout);
    assert!(
        r.stdout.ends_with(
            "FAIL tests/fixtures/broken/derivation-cycle-self.policy: the policy has errors; its cases were not run\n\
             0 passed, 1 failed\n"
        ),
        "{}",
        r.stdout
    );
    let r = run(&["test", "tests/fixtures/missing"]);
    assert_exit(&r, 2);
    assert_eq!(r.stdout, "0 passed, 0 failed\n");
}

// ---- arguments and help -----------------------------------------------------------------

#[test]
fn help_of_each_subcommand_shows_an_example() {
    for (sub, example) in [
        ("check", "deontic check policies/"),
        (
            "eval",
            "deontic eval policies/nl-cyber-response.policy --given",
        ),
        ("test", "deontic test policies/"),
    ] {
        let r = run(&[sub, "--help"]);
        assert_exit(&r, 0);
        assert!(r.stdout.contains("Example"), "{sub} --help:\n{}", r.stdout);
        assert!(r.stdout.contains(example), "{sub} --help:\n{}", r.stdout);
    }
    let r = run(&["--help"]);
    assert_exit(&r, 0);
    for sub in ["check", "eval", "test"] {
        assert!(r.stdout.contains(sub), "{}", r.stdout);
    }
    let r = run(&["--version"]);
    assert_exit(&r, 0);
    assert!(r.stdout.starts_with("deontic "), "{}", r.stdout);
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["check"],
        &["test"],
        &["eval"],
        &["check", "--bogus", OVERRIDES],
        &["eval", OVERRIDES, "--format", "xml"],
        &[
            "eval",
            OVERRIDES,
            "tests/fixtures/eval/overrides.json",
            "--given",
            "a",
        ],
    ] {
        let r = run(args);
        assert_exit(&r, 2);
        assert!(!r.stderr.is_empty(), "{args:?} explains itself");
        assert_eq!(r.stdout, "", "{args:?}");
    }
}

// ---- lint -----------------------------------------------------------------------------

#[test]
fn lint_the_bundled_policies_is_clean() {
    let r = run(&["lint", "policies/"]);
    assert_exit(&r, 0);
    assert_eq!(lines(&r.stdout), ["linted 3 files: 0 errors, 0 warnings"]);
}

#[test]
fn lint_warnings_pass_unless_denied() {
    let path = "tests/fixtures/lint/unused-fact.policy";
    let r = run(&["lint", path]);
    assert_exit(&r, 0);
    assert!(r.stdout.contains("unused-fact"), "{}", r.stdout);
    assert!(r.stdout.ends_with("0 errors, 2 warnings\n"), "{}", r.stdout);
    assert_exit(&run(&["lint", path, "--deny-warnings"]), 1);
}

#[test]
fn lint_errors_fail_the_run() {
    let r = run(&[
        "lint",
        "tests/fixtures/lint/conflict.policy",
        "--format",
        "json",
    ]);
    assert_exit(&r, 1);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        doc["files"][0]["path"],
        "tests/fixtures/lint/conflict.policy"
    );
    assert_eq!(doc["files"][0]["diagnostics"][0]["code"], "conflict");
    assert_eq!(doc["summary"]["errors"], 1);
}

#[test]
fn lint_reports_static_errors_in_the_same_list() {
    let r = run(&[
        "lint",
        "tests/fixtures/broken/unknown-name-misspelt-fact.policy",
        "--format",
        "json",
    ]);
    assert_exit(&r, 1);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["files"][0]["diagnostics"][0]["code"], "unknown-name");
    assert_eq!(doc["files"][0]["diagnostics"][0]["severity"], "error");
}

#[test]
fn lint_sarif_and_missing_paths() {
    let r = run(&["lint", "policies/", "--format", "sarif"]);
    assert_exit(&r, 0);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(doc["runs"][0]["results"].as_array().map(Vec::len), Some(0));
    let r = run(&["lint", "policies/", "no/such/path"]);
    assert_exit(&r, 2);
    assert!(
        r.stderr.contains("no/such/path: no such file or folder"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("linted 3 files"), "{}", r.stdout);
}
