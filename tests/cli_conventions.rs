//! The conventions of the command line that other tools taught its users: standard input
//! with a name for reports, colour switches, quiet runs, shell completions and a man page,
//! case filters, `expect ... by` lists, and the JSON form of `test`.

mod clients;

use serde_json::Value as J;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_deontic");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_with(args: &[&str], stdin: &str, env: &[(&str, &str)], dir: Option<&Path>) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = dir {
        cmd.current_dir(d);
    } else {
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(args: &[&str]) -> Run {
    run_with(args, "", &[], None)
}

const TYPO: &str = "fact a\naction x\nrule r: if b then may x\n";
const CLEAN: &str = "fact a\naction x\nrule r: if a then may x\ncase \"c\" { given a expect x is permitted by r }\n";

// ---- standard input ---------------------------------------------------------------------

#[test]
fn check_lint_and_test_read_standard_input() {
    for command in ["check", "lint", "test"] {
        let r = run_with(&[command, "-"], TYPO, &[], None);
        assert_eq!(r.code, 1, "{command}: {}", r.stderr);
        assert!(
            r.stdout.contains("[<stdin>:3:12]"),
            "{command}: {}",
            r.stdout
        );
        let r = run_with(
            &[command, "-", "--stdin-filename", "policies/mine.policy"],
            TYPO,
            &[],
            None,
        );
        assert_eq!(r.code, 1);
        assert!(
            r.stdout.contains("[policies/mine.policy:3:12]"),
            "{command}: {}",
            r.stdout
        );
        let r = run_with(&[command, "-"], CLEAN, &[], None);
        assert_eq!(r.code, 0, "{command}: {}{}", r.stdout, r.stderr);
    }
    let r = run_with(
        &[
            "lint",
            "-",
            "--stdin-filename",
            "mine.policy",
            "--format",
            "json",
        ],
        TYPO,
        &[],
        None,
    );
    let doc: J = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["files"][0]["path"], "mine.policy");
    let r = run_with(&["test", "-"], CLEAN, &[], None);
    assert_eq!(r.stdout, "PASS <stdin>: \"c\"\n1 passed, 0 failed\n");
}

#[test]
fn stdin_filename_names_standard_input_only() {
    let r = run(&["check", "policies/", "--stdin-filename", "x.policy"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "checked 3 files: 0 errors\n");
}

// ---- colour -----------------------------------------------------------------------------

fn coloured(r: &Run) -> bool {
    r.stdout.contains("\x1b[")
}

#[test]
fn color_follows_the_flag_then_the_environment() {
    let broken = "tests/fixtures/broken/unknown-name-action.policy";
    // Not a terminal: no colour unless asked for.
    assert!(!coloured(&run(&["check", broken])));
    assert!(coloured(&run(&["--color", "always", "check", broken])));
    assert!(coloured(&run(&["check", broken, "--color=always"])));
    assert!(!coloured(&run(&["--color", "never", "check", broken])));
    let force = [("CLICOLOR_FORCE", "1")];
    assert!(coloured(&run_with(&["check", broken], "", &force, None)));
    assert!(!coloured(&run_with(
        &["--color", "never", "check", broken],
        "",
        &force,
        None
    )));
    assert!(!coloured(&run_with(
        &["check", broken],
        "",
        &[("CLICOLOR_FORCE", "0")],
        None
    )));
    let r = run(&["--color", "sometimes", "check", broken]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("possible values: auto, always, never"),
        "{}",
        r.stderr
    );
}

// ---- quiet ------------------------------------------------------------------------------

#[test]
fn quiet_prints_nothing_on_success_and_the_summary_on_failure() {
    for args in [
        &["-q", "check", "policies/"][..],
        &["-q", "lint", "policies/"],
        &["-q", "test", "policies/"],
        &["-q", "fmt", "--check", "policies/"],
        &["check", "--quiet", "policies/"],
    ] {
        let r = run(args);
        assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{args:?}");
    }
    let r = run(&["-q", "lint", "tests/fixtures/lint/conflict.policy"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "linted 1 file: 1 error, 0 warnings\n");
    let r = run(&["-q", "test", "tests/fixtures/cli/wrong-expectation.policy"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "2 passed, 1 failed\n");
    let r = run(&[
        "-q",
        "check",
        "tests/fixtures/broken/unknown-name-action.policy",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "checked 1 file: 1 error\n");
}

// ---- completions and the man page -------------------------------------------------------

#[test]
fn completions_load_in_bash() {
    let r = run(&["completions", "bash"]);
    assert_eq!(r.code, 0);
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("deontic.bash");
    std::fs::write(&script, &r.stdout).unwrap();
    let (code, out, err) = clients::output(Command::new(clients::program("bash")).args([
        "-c",
        &format!(
            "source '{}' && complete -p deontic && COMP_WORDS=(deontic li) && COMP_CWORD=1 \
             && _deontic deontic li deontic && echo \"${{COMPREPLY[@]}}\"",
            script.display()
        ),
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("-F _deontic"), "{out}");
    assert!(
        out.lines().last().unwrap().split(' ').any(|w| w == "lint"),
        "{out}"
    );
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    for (shell, mark) in [
        ("bash", "_deontic()"),
        ("zsh", "#compdef deontic"),
        ("fish", "complete -c deontic"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[deontic]"),
    ] {
        let r = run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}");
        assert!(
            r.stdout.contains(mark),
            "{shell}: {}",
            &r.stdout[..200.min(r.stdout.len())]
        );
        assert!(r.stdout.contains("lint"), "{shell}");
    }
    let r = run(&["completions", "tcsh"]);
    assert_eq!(r.code, 2);
    let r = run(&["man"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains(".TH deontic 1"), "{}", r.stdout);
    for command in ["check", "lint", "eval", "test", "fmt", "explain", "graph"] {
        assert!(r.stdout.contains(command), "the man page names `{command}`");
    }
    assert!(r.stdout.len() < 64 * 1024, "the man page stays small");
}

// ---- help describes each command's own output ---------------------------------------------

#[test]
fn help_describes_each_commands_own_formats() {
    let explain = run(&["help", "explain"]).stdout;
    assert!(
        explain.contains("human: An indented tree per case"),
        "{explain}"
    );
    assert!(!explain.contains("aligned table"), "{explain}");
    let eval = run(&["help", "eval"]).stdout;
    assert!(eval.contains("aligned table"), "{eval}");
    let test = run(&["help", "test"]).stdout;
    assert!(test.contains("junit"), "{test}");
    assert!(test.contains("json:"), "{test}");
}

// ---- --case -----------------------------------------------------------------------------

#[test]
fn case_picks_by_substring_or_glob() {
    let r = run(&["test", "policies/", "--case", "legal basis"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "PASS policies/nl-cyber-response.policy: \"counterattack as last resort with legal basis and cabinet decision\"\n\
         PASS policies/nl-cyber-response.policy: \"counterattack without an international legal basis\"\n\
         PASS policies/nl-cyber-response.policy: \"counterattack with legal basis but without a cabinet decision\"\n\
         3 passed, 0 failed, 33 filtered out\n"
    );
    let r = run(&["test", "policies/", "--case", "counterattack*decision"]);
    assert_eq!(
        r.stdout.lines().last(),
        Some("2 passed, 0 failed, 34 filtered out")
    );
    let r = run(&["test", "policies/", "--case", "no such case"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "0 passed, 0 failed, 36 filtered out\n")
    );
    let r = run(&[
        "test",
        "tests/fixtures/cli/wrong-expectation.policy",
        "--case",
        "passes",
    ]);
    assert_eq!(r.code, 0, "the failing case is filtered out: {}", r.stdout);
}

#[test]
fn bless_with_case_touches_only_the_cases_picked() {
    let dir = tempfile::tempdir().unwrap();
    let text = "fact a\naction x\nrule r: if a then may x\n\
                case \"one\" { given a expect x is forbidden }\n\
                case \"two\" { given a expect x is forbidden }\n";
    std::fs::write(dir.path().join("p.policy"), text).unwrap();
    let r = run_with(
        &["test", "--bless", "--case", "two", "p.policy"],
        "",
        &[],
        Some(dir.path()),
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("p.policy")).unwrap(),
        "fact a\naction x\nrule r: if a then may x\n\
         case \"one\" { given a expect x is forbidden }\n\
         case \"two\" { given a expect x is permitted by r }\n"
    );
}

// ---- expect ... by ------------------------------------------------------------------------

const BY: &str = "fact a, b\naction x\n\
                  rule r1: if a then may x\n\
                  rule r2: if b then may x\n\
                  case \"both\" {\n  given a, b\n  expect x is permitted by r1\n}\n";

#[test]
fn a_wrong_by_list_fails_with_both_lists_and_the_trail() {
    let r = run_with(&["test", "-"], BY, &[], None);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("wrong_by_list", r.stdout);
    let r = run_with(&["test", "-", "--format", "json"], BY, &[], None);
    let lines: Vec<J> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines[0],
        serde_json::json!({"path": "<stdin>", "case": "both", "passed": false, "misses": [
            {"line": 7, "name": "x", "expected": "permitted", "actual": "permitted",
             "by": ["r1", "r2"], "expected_by": ["r1"]}
        ]})
    );
    assert_eq!(lines[1], serde_json::json!({"passed": 0, "failed": 1}));
}

#[test]
fn a_right_by_list_passes_and_fmt_keeps_it() {
    let right = BY.replace("by r1\n", "by r1, r2\n");
    let r = run_with(&["test", "-"], &right, &[], None);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "PASS <stdin>: \"both\"\n1 passed, 0 failed\n")
    );
    let r = run_with(
        &["fmt", "-"],
        &right.replace("by r1, r2", "by   r1 ,r2"),
        &[],
        None,
    );
    assert_eq!(r.stdout, right);
    // The rules in another order than the source's: not the list the verdict has.
    let r = run_with(
        &["test", "-"],
        &BY.replace("by r1\n", "by r2, r1\n"),
        &[],
        None,
    );
    assert_eq!(r.code, 1);
}

#[test]
fn by_lists_are_checked_like_names() {
    let on_a_fact = "fact a\naction x\nrule r: if a then may x\nrule d: if a then a2\nfact a2\n\
                     case \"c\" { given a expect a2 is true by d }\n";
    let r = run_with(&["check", "-"], on_a_fact, &[], None);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("by_on_a_fact", r.stdout);
    let misspelt = "fact a\naction x\nrule grant_access: if a then may x\n\
                    case \"c\" { given a expect x is permitted by grant_acess }\n";
    let r = run_with(&["check", "-"], misspelt, &[], None);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("by_misspelt", r.stdout);
}

#[test]
fn bless_verdicts_keeps_the_first_form() {
    let dir = tempfile::tempdir().unwrap();
    let text = "fact a\naction x, y\nrule r: if a then may x\n\
                case \"c\" { given a expect x is forbidden }\n";
    std::fs::write(dir.path().join("p.policy"), text).unwrap();
    let r = run_with(
        &["test", "--bless=verdicts", "p.policy"],
        "",
        &[],
        Some(dir.path()),
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let blessed = std::fs::read_to_string(dir.path().join("p.policy")).unwrap();
    assert_eq!(
        blessed,
        "fact a\naction x, y\nrule r: if a then may x\n\
         case \"c\" { given a expect x is permitted\n  expect y is undecided\n}\n"
    );
    // A plain `--bless` then adds the `by` list.
    let r = run_with(&["test", "--bless", "p.policy"], "", &[], Some(dir.path()));
    assert_eq!(r.code, 0);
    let full = std::fs::read_to_string(dir.path().join("p.policy")).unwrap();
    assert!(full.contains("expect x is permitted by r\n"), "{full}");
}

// ---- a case block that expects nothing ----------------------------------------------------

#[test]
fn a_case_without_expect_is_a_warning() {
    let text = "fact a\naction x\nrule r: if a then may x\ncase \"c\" { given a }\n";
    let r = run_with(&["check", "-"], text, &[], None);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("case_without_expect", r.stdout);
    let r = run_with(
        &["check", "-", "--stdin-filename", "p.policy"],
        text,
        &[],
        None,
    );
    assert!(
        r.stdout.ends_with("checked 1 file: 0 errors, 1 warning\n"),
        "{}",
        r.stdout
    );
    let r = run_with(&["test", "-"], text, &[], None);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            0,
            "WARN <stdin>: \"c\": expects nothing (add `expect` lines)\n1 passed, 0 failed\n"
        )
    );
    let r = run_with(&["lint", "-", "--format", "json"], text, &[], None);
    let doc: J = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        doc["files"][0]["diagnostics"][0]["code"],
        "case-without-expect"
    );
    assert_eq!(doc["files"][0]["diagnostics"][0]["severity"], "warning");
}

#[test]
fn test_json_gives_a_broken_policy_its_errors() {
    let r = run(&[
        "test",
        "examples/typo.policy",
        "policies/gdpr-breach-notification.policy",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1);
    let lines: Vec<J> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines[0],
        serde_json::json!({"path": "examples/typo.policy", "passed": false, "errors": [
            {"code": "unknown-name", "severity": "error", "message": "unknown fact `cabinet_decison`",
             "line": 5, "column": 51, "help": "did you mean `cabinet_decision`?"}
        ]})
    );
    assert!(
        lines[1..lines.len() - 1]
            .iter()
            .all(|l| l["passed"] == true && l["misses"] == J::Array(vec![]))
    );
    assert_eq!(
        lines.last().unwrap(),
        &serde_json::json!({"passed": 10, "failed": 1})
    );
}
