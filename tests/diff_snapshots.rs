//! Snapshots of `deontic diff`'s three forms (human, JSON, SARIF) for the doctrine with the
//! cabinet decision dropped from the armed forces (`--base HEAD` in a git repository), and
//! for two folders with a policy changed, one added, one removed and one the same; and the
//! library's `Diff` as a library user snapshots it.

use serde_json::Value as J;
use std::path::{Path, PathBuf};
use std::process::Command;

const DOCTRINE: &str = "policies/nl-cyber-response.policy";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_deontic"))
        .args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn pretty(json: &str) -> String {
    let v: J = serde_json::from_str(json).unwrap();
    serde_json::to_string_pretty(&v).unwrap()
}

/// The doctrine without the cabinet decision the armed forces need.
fn doctrine_edited() -> String {
    let text = std::fs::read_to_string(repo().join(DOCTRINE)).unwrap();
    let rule = "rule armed_forces_need_cabinet_decision \"Daarvoor is wel een regeringsbesluit nodig\":\n  deploy_armed_forces requires cabinet_decision\n";
    text.replace(rule, "")
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn the_doctrine_edit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir(root.join("policies")).unwrap();
    std::fs::copy(repo().join(DOCTRINE), root.join(DOCTRINE)).unwrap();
    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-q", "-m", "doctrine"]);
    std::fs::write(root.join(DOCTRINE), doctrine_edited()).unwrap();
    let base = ["diff", "--base", "HEAD", DOCTRINE];
    let (code, human) = run_in(&root, &base);
    assert_eq!(code, 1);
    insta::assert_snapshot!("doctrine_edit.human", human);
    let (_, json) = run_in(&root, &[&base[..], &["--format", "json"]].concat());
    insta::assert_snapshot!("doctrine_edit.json", pretty(&json));
    let (_, sarif) = run_in(&root, &[&base[..], &["--format", "sarif"]].concat());
    let sarif = pretty(&sarif)
        .replace(root.to_str().unwrap(), "/repo")
        .replace(env!("CARGO_MANIFEST_DIR"), "[sources]");
    insta::assert_snapshot!("doctrine_edit.sarif", sarif);

    // The library gives the same, for a user's own snapshots.
    let old = deontic::Policy::parse(
        format!("HEAD:{DOCTRINE}"),
        std::fs::read_to_string(repo().join(DOCTRINE)).unwrap(),
    )
    .unwrap();
    let new = deontic::Policy::parse(DOCTRINE, doctrine_edited()).unwrap();
    let diff = deontic::analysis::diff(&old, &new).unwrap();
    let doc: J = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_value(&diff).unwrap(), doc["files"][0]);
    insta::assert_json_snapshot!("doctrine_edit.library", diff);
}

/// A copy of `tests/fixtures/diff` in a folder of its own, marked as a repository's top so
/// that SARIF locations are relative to it wherever the sources are.
fn folders() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for side in ["old", "new"] {
        let to = dir.path().join(side);
        std::fs::create_dir(&to).unwrap();
        for entry in std::fs::read_dir(repo().join("tests/fixtures/diff").join(side)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

#[test]
fn two_folders() {
    let tmp = folders();
    let dir = tmp.path().canonicalize().unwrap();
    let args = ["diff", "old", "new"];
    let (code, human) = run_in(&dir, &args);
    assert_eq!(code, 1);
    insta::assert_snapshot!("folders.human", human);
    let (_, json) = run_in(&dir, &[&args[..], &["--format", "json"]].concat());
    insta::assert_snapshot!("folders.json", pretty(&json));
    let (_, sarif) = run_in(&dir, &[&args[..], &["--format", "sarif"]].concat());
    let sarif = pretty(&sarif)
        .replace(dir.to_str().unwrap(), "/repo")
        .replace(env!("CARGO_MANIFEST_DIR"), "[sources]");
    insta::assert_snapshot!("folders.sarif", sarif);
}
