//! `deontic diff` on the command line (contract section 8): exit codes as diff(1), files
//! and folders, `--base REV` in a real git repository (edited, added, removed and broken
//! policies, from the top and from a folder inside), incomparable facts with their spans.

use serde_json::Value as J;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_deontic"))
        .args(args)
        .current_dir(dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the deontic binary runs");
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

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Run {
    run_in(&repo(), args, None)
}

#[track_caller]
fn assert_exit(r: &Run, code: i32) {
    assert_eq!(
        r.code, code,
        "exit code\n--- stdout\n{}\n--- stderr\n{}",
        r.stdout, r.stderr
    );
}

const DOCTRINE: &str = "policies/nl-cyber-response.policy";

/// The doctrine without the cabinet decision the armed forces need.
fn doctrine_edited() -> String {
    let text = std::fs::read_to_string(repo().join(DOCTRINE)).unwrap();
    let rule = "rule armed_forces_need_cabinet_decision \"Daarvoor is wel een regeringsbesluit nodig\":\n  deploy_armed_forces requires cabinet_decision\n";
    assert!(text.contains(rule));
    text.replace(rule, "")
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository with the bundled policies committed.
fn git_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("policies")).unwrap();
    for entry in std::fs::read_dir(repo().join("policies")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, root.join("policies").join(path.file_name().unwrap())).unwrap();
    }
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "policies"]);
    dir
}

// ---- files and exit codes ---------------------------------------------------------------

#[test]
fn the_same_file_twice_has_no_transition_and_exits_0() {
    let r = run(&["diff", DOCTRINE, DOCTRINE]);
    assert_exit(&r, 0);
    assert_eq!(r.stdout, "0 transitions on 0 actions in 1 file\n");
    let r = run(&["diff", DOCTRINE, DOCTRINE, "--quiet"]);
    assert_exit(&r, 0);
    assert_eq!(r.stdout, "");
}

#[test]
fn an_edit_exits_1_and_reads_either_side_from_standard_input() {
    let edited = doctrine_edited();
    let r = run_in(&repo(), &["diff", DOCTRINE, "-"], Some(&edited));
    assert_exit(&r, 1);
    assert!(
        r.stdout
            .contains("deploy_armed_forces: forbidden -> permitted"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.starts_with(&format!("diff {DOCTRINE} <stdin>\n")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.ends_with("1 transition on 1 action in 1 file\n"));
    let r = run_in(&repo(), &["diff", "-", DOCTRINE, "--quiet"], Some(&edited));
    assert_exit(&r, 1);
    assert_eq!(r.stdout, "1 transition on 1 action in 1 file\n");
}

#[test]
fn what_cannot_run_exits_2() {
    let fixtures = "tests/fixtures/diff/old";
    for args in [
        &["diff"][..],
        &["diff", DOCTRINE],
        &["diff", DOCTRINE, DOCTRINE, DOCTRINE],
        &["diff", DOCTRINE, "missing.policy"],
        &["diff", DOCTRINE, fixtures],
        &["diff", "-", "-"],
        &["diff", DOCTRINE, DOCTRINE, "--format", "xml"],
    ] {
        let r = run(args);
        assert_exit(&r, 2);
        assert!(r.stderr.starts_with("error"), "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{args:?}");
    }
    let r = run(&["diff", DOCTRINE, fixtures]);
    assert!(
        r.stderr.contains("give two files or two folders"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_policy_with_errors_exits_1_with_its_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("good.policy"),
        "fact a\naction x\nif a then may x\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bad.policy"),
        "fact a\naction x\nif b then may x\n",
    )
    .unwrap();
    let r = run_in(
        dir.path(),
        &["diff", "good.policy", "bad.policy", "--format", "json"],
        None,
    );
    assert_exit(&r, 1);
    let doc: J = serde_json::from_str(&r.stdout).unwrap();
    let file = &doc["files"][0];
    assert_eq!(file["actions"], J::Array(vec![]));
    let d = &file["diagnostics"][0];
    assert_eq!(d["code"], "unknown-name");
    assert_eq!(d["path"], "bad.policy");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(3), Some(4))
    );
}

#[test]
fn incomparable_facts_are_errors_at_the_new_declaration() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("old.policy"),
        "fact level: 1..3\nfact kind: a | b\naction x\nif level > 1 and kind is a then may x\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("new.policy"),
        "fact level\nfact kind: c | d\naction x\nif level and kind is c then may x\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["diff", "old.policy", "new.policy"], None);
    assert_exit(&r, 1);
    assert!(r.stdout.contains("incomparable-fact"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("fact `level` is `1..3` in the old version and `bool` in the new"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("╭─[new.policy:1:6]"), "{}", r.stdout);
    assert!(
        r.stdout.contains("`a | b` in the old, `c | d` in the new"),
        "{}",
        r.stdout
    );
    let r = run_in(
        dir.path(),
        &["diff", "old.policy", "new.policy", "--format", "json"],
        None,
    );
    assert_exit(&r, 1);
    let doc: J = serde_json::from_str(&r.stdout).unwrap();
    let diags = doc["files"][0]["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 2);
    for (d, (name, line)) in diags.iter().zip([("level", 1), ("kind", 2)]) {
        assert_eq!(d["code"], "incomparable-fact");
        assert_eq!(d["severity"], "error");
        assert_eq!(d["path"], "new.policy");
        assert_eq!(d["name"], name);
        assert_eq!(d["line"], line);
        assert!(d["help"].as_str().unwrap().contains("rename"), "{d}");
    }
    assert_eq!(doc["files"][0]["actions"], J::Array(vec![]));
    assert_eq!(doc["summary"]["transitions"], 0);
}

#[test]
fn folders_pair_policies_by_relative_path() {
    let r = run_in(
        &repo().join("tests/fixtures/diff"),
        &["diff", "old", "new", "--format", "json"],
        None,
    );
    assert_exit(&r, 1);
    let doc: J = serde_json::from_str(&r.stdout).unwrap();
    let pairs: Vec<(J, J)> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["old"].clone(), f["new"].clone()))
        .collect();
    assert_eq!(
        pairs,
        [
            (
                J::from("old/incident.policy"),
                J::from("new/incident.policy")
            ),
            (J::from("old/legacy.policy"), J::Null),
            (
                J::from("old/unchanged.policy"),
                J::from("new/unchanged.policy")
            ),
            (J::Null, J::from("new/vendor.policy")),
        ]
    );
    assert_eq!(
        doc["summary"],
        serde_json::json!({"files": 4, "changed_files": 3, "transitions": 2})
    );
}

// ---- --base -----------------------------------------------------------------------------

#[test]
fn base_compares_each_policy_with_its_text_at_the_revision() {
    let dir = git_repo();
    let root = dir.path();
    let r = run_in(root, &["diff", "--base", "HEAD"], None);
    assert_exit(&r, 0);
    assert_eq!(r.stdout, "0 transitions on 0 actions in 3 files\n");

    std::fs::write(root.join(DOCTRINE), doctrine_edited()).unwrap();
    std::fs::remove_file(root.join("policies/gdpr-breach-notification.policy")).unwrap();
    std::fs::write(
        root.join("policies/new.policy"),
        "fact a\naction x\nif a then may x\n",
    )
    .unwrap();
    let r = run_in(root, &["diff", "--base", "HEAD", "--format", "json"], None);
    assert_exit(&r, 1);
    let doc: J = serde_json::from_str(&r.stdout).unwrap();
    let pairs: Vec<(J, J)> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["old"].clone(), f["new"].clone()))
        .collect();
    assert_eq!(
        pairs,
        [
            (
                J::from("HEAD:policies/csirt-incident-escalation.policy"),
                J::from("policies/csirt-incident-escalation.policy")
            ),
            (
                J::from("HEAD:policies/gdpr-breach-notification.policy"),
                J::Null
            ),
            (J::Null, J::from("policies/new.policy")),
            (
                J::from("HEAD:policies/nl-cyber-response.policy"),
                J::from(DOCTRINE)
            ),
        ]
    );
    let doctrine = &doc["files"][3];
    assert_eq!(doctrine["actions"][0]["action"], "deploy_armed_forces");
    assert_eq!(doc["files"][2]["added_actions"], serde_json::json!(["x"]));
    assert_eq!(doc["summary"]["transitions"], 1);

    // From a folder inside, naming a file, and a folder with no policy left in it.
    let r = run_in(
        &root.join("policies"),
        &["diff", "--base", "HEAD", "nl-cyber-response.policy"],
        None,
    );
    assert_exit(&r, 1);
    assert!(
        r.stdout
            .starts_with("diff HEAD:policies/nl-cyber-response.policy nl-cyber-response.policy\n"),
        "{}",
        r.stdout
    );
    std::fs::remove_dir_all(root.join("policies")).unwrap();
    let r = run_in(
        root,
        &["diff", "--base", "HEAD", "policies", "--quiet"],
        None,
    );
    assert_exit(&r, 0);
    assert_eq!(r.stdout, "");
    let r = run_in(
        root,
        &["diff", "--base", "HEAD", "policies", "--format", "json"],
        None,
    );
    let doc: J = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["summary"]["files"], 3);
    assert!(
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["new"].is_null())
    );
}

#[test]
fn base_reports_errors_of_either_version_in_its_own_text() {
    let dir = git_repo();
    let root = dir.path();
    std::fs::write(
        root.join("policies/x.policy"),
        "fact a\naction x\nif b then may x\n",
    )
    .unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "broken"]);
    std::fs::write(
        root.join("policies/x.policy"),
        "fact a\naction x\nif a then may x\n",
    )
    .unwrap();
    let r = run_in(
        root,
        &[
            "diff",
            "--base",
            "HEAD",
            "policies/x.policy",
            "--format",
            "json",
        ],
        None,
    );
    assert_exit(&r, 1);
    let doc: J = serde_json::from_str(&r.stdout).unwrap();
    let d = &doc["files"][0]["diagnostics"][0];
    assert_eq!(d["path"], "HEAD:policies/x.policy");
    assert_eq!(d["code"], "unknown-name");
}

#[test]
fn base_needs_a_repository_and_a_revision() {
    let dir = git_repo();
    let r = run_in(dir.path(), &["diff", "--base", "no-such-branch"], None);
    assert_exit(&r, 2);
    assert_eq!(
        r.stderr,
        "error: `no-such-branch` is not a revision of this repository\n"
    );
    let r = run_in(dir.path(), &["diff", "--base", "HEAD", "nowhere"], None);
    assert_exit(&r, 2);
    assert!(
        r.stderr.contains("nowhere: no policy here or at `HEAD`"),
        "{}",
        r.stderr
    );
    let outside = tempfile::tempdir().unwrap();
    let r = run_in(outside.path(), &["diff", "--base", "HEAD"], None);
    assert_exit(&r, 2);
    assert!(
        r.stderr
            .starts_with("error: `--base` needs a git repository"),
        "{}",
        r.stderr
    );
}

/// The README's example of a change is the doctrine without that one rule.
#[test]
fn the_edited_doctrine_in_examples_drops_one_rule() {
    let shipped =
        std::fs::read_to_string(repo().join("examples/nl-cyber-response-edited.policy")).unwrap();
    assert_eq!(shipped, doctrine_edited());
}
