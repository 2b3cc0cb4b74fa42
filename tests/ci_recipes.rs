//! The CI recipes and the pre-commit hooks the README shows parse as YAML, have the shape
//! their runners read, and their `deontic` commands run as written on this repository's
//! policies, producing reports the consumers' validators accept. (The step that installs
//! deontic, `cargo install --locked --path .`, is checked by its text only: it would build
//! the crate a second time.)

mod clients;

use serde_json::Value as J;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_deontic");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A YAML file as JSON, parsed by PyYAML.
fn yaml(path: &str) -> J {
    let (code, out, err) = clients::output(
        Command::new(clients::python())
            .args([
                "-c",
                "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
            ])
            .arg(root().join(path)),
    );
    assert_eq!(code, 0, "{path} is not YAML: {err}");
    serde_json::from_str(&out).unwrap()
}

/// A scratch copy of the bundled policies, with `deontic` on the path.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    for e in std::fs::read_dir(root().join("policies")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join("policies").join(e.file_name())).unwrap();
    }
    dir
}

/// Runs a recipe's command line in `dir` as a shell step would; its exit code and output.
fn shell(dir: &Path, command: &str) -> (i32, String) {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let (code, out, err) = clients::output(
        Command::new("bash")
            .args(["-e", "-c", command])
            .current_dir(dir)
            .env("PATH", path),
    );
    (code, format!("{out}{err}"))
}

/// The commands a recipe runs, split into the install step and the `deontic` ones.
fn commands(lines: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines {
        if line.starts_with("cargo install ") {
            assert_eq!(*line, "cargo install --locked --path .");
        } else {
            assert!(
                line.starts_with("deontic "),
                "an unexpected command: {line}"
            );
            out.push(line.to_string());
        }
    }
    out
}

fn run_and_check_reports(recipe: &str, commands: &[String]) {
    let dir = scratch();
    for c in commands {
        let (code, out) = shell(dir.path(), c);
        assert_eq!(code, 0, "{recipe}: `{c}` failed:\n{out}");
    }
    let sarif = dir.path().join("deontic.sarif");
    if sarif.exists() {
        clients::assert_valid_sarif(recipe, &std::fs::read_to_string(sarif).unwrap());
    }
    let junit = std::fs::read_to_string(dir.path().join("deontic-junit.xml"))
        .unwrap_or_else(|_| panic!("{recipe} writes deontic-junit.xml"));
    if let Some(errors) = clients::xmllint_errors(&junit) {
        panic!("{recipe}: the JUnit report is not valid: {errors}");
    }
}

#[test]
fn the_github_workflow_runs_and_its_reports_are_valid() {
    let w = yaml("examples/ci/github-actions.yml");
    assert!(w["on"]["pull_request"].is_null() && w["on"].get("pull_request").is_some());
    assert_eq!(w["permissions"]["security-events"], "write");
    let steps = w["jobs"]["policies"]["steps"].as_array().unwrap();
    assert_eq!(steps[0]["uses"], "actions/checkout@v4");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("a step uploads the SARIF");
    assert_eq!(upload["with"]["sarif_file"], "deontic.sarif");
    assert_eq!(
        upload["if"], "always()",
        "findings are uploaded when lint fails"
    );
    let report = steps
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.contains("junit")))
        .expect("a step reports the tests");
    assert_eq!(report["with"]["report_paths"], "deontic-junit.xml");
    run_and_check_reports("the GitHub workflow", &commands(&runs));
}

#[test]
fn the_gitlab_job_runs_and_its_report_is_valid() {
    let c = yaml("examples/ci/gitlab-ci.yml");
    let job = &c["policies"];
    assert_eq!(job["artifacts"]["reports"]["junit"], "deontic-junit.xml");
    assert_eq!(job["artifacts"]["when"], "always");
    let script: Vec<&str> = job["script"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    run_and_check_reports("the GitLab job", &commands(&script));
}

/// pre-commit runs a hook's `entry` with the staged files that match `files` appended.
#[test]
fn the_pre_commit_hooks_pass_clean_files_and_stop_broken_ones() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().unwrap();
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["deontic-fmt", "deontic-lint"]);
    let dir = scratch();
    std::fs::copy(
        root().join("examples/conflict.policy"),
        dir.path().join("conflict.policy"),
    )
    .unwrap();
    std::fs::copy(
        root().join("examples/draft.policy"),
        dir.path().join("draft.policy"),
    )
    .unwrap();
    for h in hooks {
        assert_eq!(h["language"], "rust");
        assert_eq!(h["files"], "\\.policy$");
        let entry = h["entry"].as_str().unwrap();
        let clean = format!(
            "{entry} policies/nl-cyber-response.policy policies/gdpr-breach-notification.policy"
        );
        let (code, out) = shell(dir.path(), &clean);
        assert_eq!(code, 0, "`{clean}`: {out}");
        let broken = if h["id"] == "deontic-fmt" {
            "draft.policy"
        } else {
            "conflict.policy"
        };
        let (code, _) = shell(dir.path(), &format!("{entry} {broken}"));
        assert_eq!(code, 1, "`{entry}` stops `{broken}`");
    }
}

/// The review workflow runs `diff --base` against the pull request's target branch: here a
/// repository whose `origin/main` has the bundled policies and whose working tree has the
/// doctrine without the armed forces' cabinet decision. Its step passes with the
/// transition in a SARIF log the validators accept, and fails when the command cannot run.
#[test]
fn the_github_review_workflow_uploads_the_transitions() {
    let w = yaml("examples/ci/github-review.yml");
    assert!(w["on"]["pull_request"].is_null() && w["on"].get("pull_request").is_some());
    assert_eq!(w["permissions"]["security-events"], "write");
    let steps = w["jobs"]["review"]["steps"].as_array().unwrap();
    assert_eq!(steps[0]["uses"], "actions/checkout@v4");
    assert_eq!(
        steps[0]["with"]["fetch-depth"], 0,
        "the target branch is fetched"
    );
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("a step uploads the SARIF");
    assert_eq!(upload["with"]["sarif_file"], "diff.sarif");
    assert_eq!(upload["if"], "always()");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let commands = commands(&runs);
    assert_eq!(commands.len(), 1);
    let command = commands[0].replace("${{ github.base_ref }}", "main");
    assert!(!command.contains("${{"), "{command}");

    let dir = scratch();
    let top = dir.path();
    let git = |args: &[&str]| {
        let (code, out, err) = clients::output(
            Command::new("git")
                .args(args)
                .current_dir(top)
                .env("GIT_AUTHOR_NAME", "t")
                .env("GIT_AUTHOR_EMAIL", "t@example.org")
                .env("GIT_COMMITTER_NAME", "t")
                .env("GIT_COMMITTER_EMAIL", "t@example.org"),
        );
        assert_eq!(code, 0, "git {args:?}: {out}{err}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "policies"]);
    git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
    std::fs::copy(
        root().join("examples/nl-cyber-response-edited.policy"),
        top.join("policies/nl-cyber-response.policy"),
    )
    .unwrap();
    let (code, out) = shell(top, &command);
    assert_eq!(code, 0, "`{command}`: {out}");
    let sarif = std::fs::read_to_string(top.join("diff.sarif")).unwrap();
    clients::assert_valid_sarif("the review workflow", &sarif);
    let doc: J = serde_json::from_str(&sarif).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{sarif}");
    assert_eq!(results[0]["ruleId"], "changed-verdict");
    assert_eq!(results[0]["level"], "note");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "policies/nl-cyber-response.policy"
    );

    let (code, _) = shell(top, &command.replace("origin/main", "origin/gone"));
    assert_ne!(code, 0, "a revision that is not there fails the step");
}
