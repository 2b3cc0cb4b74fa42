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
    assert_eq!(r.stdout, "formatted 2 files: 1 changed, 1 not formatted\n");
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
