//! The machine outputs CI services read, checked by the consumers' own validators: SARIF by
//! Microsoft's multitool with GitHub's code-scanning rules and by the SARIF 2.1.0 JSON
//! schema, JUnit by the Jenkins `junit-10.xsd` through `xmllint`, and the GitHub
//! annotations by the escaping GitHub's toolkit applies.

mod clients;

use serde_json::Value as J;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_deontic");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let (code, stdout, stderr) = clients::output(Command::new(BIN).current_dir(dir).args(args));
    Run {
        code,
        stdout,
        stderr,
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn sarif_passes_github_code_scanning_rules_and_the_schema() {
    let cases: &[(&str, &[&str], i32)] = &[
        (
            "every lint finding",
            &["lint", "tests/fixtures/lint/", "--format", "sarif"],
            1,
        ),
        (
            "the bundled policies",
            &["lint", "policies/", "--format", "sarif"],
            0,
        ),
        (
            "static errors",
            &["lint", "tests/fixtures/broken/", "--format", "sarif"],
            1,
        ),
        (
            "a missing file",
            &["lint", "missing.policy", "policies/", "--format", "sarif"],
            2,
        ),
    ];
    for (what, args, code) in cases {
        let r = run_in(&repo(), args);
        assert_eq!(r.code, *code, "{what}: {}", r.stderr);
        clients::assert_valid_sarif(what, &r.stdout);
    }
}

#[test]
fn a_run_that_could_not_lint_says_so() {
    let r = run_in(&repo(), &["lint", "missing.policy", "--format", "sarif"]);
    assert_eq!(r.code, 2);
    let doc: J = serde_json::from_str(&r.stdout).unwrap();
    let invocation = &doc["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], J::Bool(false));
    let note = &invocation["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    assert!(
        note["message"]["text"]
            .as_str()
            .unwrap()
            .contains("missing.policy"),
        "{note}"
    );
    assert_eq!(doc["runs"][0]["results"], J::Array(vec![]));
}

/// A repository with a file whose name needs percent-encoding, linted from its top, from a
/// folder inside it and by an absolute path: every form names the file the same way,
/// relative to the repository root; from a folder that is not in a repository, the root is
/// that folder; a file outside the root gets an absolute `file:` URI.
#[test]
fn sarif_locations_are_relative_to_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().canonicalize().unwrap();
    let root = top.join("repo");
    let weird = root.join("we#ird?dir");
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::create_dir_all(&weird).unwrap();
    let policy = "fact a, b\naction x\nrule r: if a then may x\n";
    std::fs::write(weird.join("a b.policy"), policy).unwrap();
    std::fs::write(top.join("outside.policy"), policy).unwrap();
    let absolute = weird.join("a b.policy");
    let absolute = absolute.to_str().unwrap();
    let location = |cwd: &Path, path: &str| {
        let r = run_in(cwd, &["lint", path, "--format", "sarif"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let doc: J = serde_json::from_str(&r.stdout).unwrap();
        let artifact =
            &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
        let base = doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"].clone();
        (
            artifact["uri"].clone(),
            artifact["uriBaseId"].clone(),
            base,
            r.stdout,
        )
    };
    let root_uri = J::from(format!("file://{}/", root.display()));
    let inside = J::from("we%23ird%3Fdir/a%20b.policy");
    for (cwd, path) in [
        (root.clone(), "we#ird?dir/a b.policy"),
        (root.clone(), "./we#ird?dir/a b.policy"),
        (root.join("sub"), "../we#ird?dir/a b.policy"),
        (root.join("sub"), absolute),
    ] {
        let (uri, base_id, base, sarif) = location(&cwd, path);
        assert_eq!(
            (&uri, &base_id, &base),
            (&inside, &J::from("%SRCROOT%"), &root_uri),
            "{path}"
        );
        clients::assert_valid_sarif(path, &sarif);
    }
    // Not in a repository: relative to the working folder.
    let (uri, base_id, base, _) = location(&top, absolute);
    assert_eq!(uri, J::from("repo/we%23ird%3Fdir/a%20b.policy"));
    assert_eq!(base_id, J::from("%SRCROOT%"));
    assert_eq!(base, J::from(format!("file://{}/", top.display())));
    // Outside the root.
    let outside = top.join("outside.policy");
    let (uri, base_id, _, sarif) = location(&root, outside.to_str().unwrap());
    assert_eq!(uri, J::from(format!("file://{}", outside.display())));
    assert_eq!(base_id, J::Null);
    assert!(clients::schema_errors(&sarif).is_empty());
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_percent_encoded() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.policy");
    std::fs::write(
        dir.path().join(name),
        "fact a, b\naction x\nrule r: if a then may x\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["lint", ".", "--format", "sarif"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: J = serde_json::from_str(&r.stdout).unwrap();
    let uri = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "caf%E9.policy");
    clients::assert_valid_sarif("a name that is not UTF-8", &r.stdout);
}

/// The same finding keeps its fingerprint when lines above it move.
#[test]
fn fingerprints_survive_moved_lines() {
    let dir = tempfile::tempdir().unwrap();
    let policy = "fact a, b\naction x\nrule r1: if a then must x\nrule r2: if b then must not x\n";
    let fingerprint = |text: &str| {
        std::fs::write(dir.path().join("p.policy"), text).unwrap();
        let r = run_in(dir.path(), &["lint", "p.policy", "--format", "sarif"]);
        let doc: J = serde_json::from_str(&r.stdout).unwrap();
        let result = &doc["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], "conflict");
        result["partialFingerprints"]["deonticFinding/v1"].clone()
    };
    let before = fingerprint(policy);
    let after = fingerprint(&format!("# a comment\n\n{policy}"));
    assert!(before.is_string());
    assert_eq!(before, after);
}

#[test]
fn junit_passes_the_jenkins_schema() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("odd.policy");
    std::fs::write(
        &odd,
        "fact a\naction x\nif a then may x\n\
         case \"tab\\there, <&> and \\\"quotes\\\"\" { given a expect x is permitted }\n\
         case \"a new\\nline\" { given a expect x is forbidden }\n\
         case \"nothing expected\" { given a }\n",
    )
    .unwrap();
    let odd = odd.to_str().unwrap();
    let cases: &[(&str, &[&str], i32)] = &[
        (
            "failures, errors and coverage",
            &[
                "test",
                "--format",
                "junit",
                "--coverage",
                "tests/fixtures/cli/wrong-expectation.policy",
                "tests/fixtures/broken/unknown-name-action.policy",
                "policies/gdpr-breach-notification.policy",
            ],
            1,
        ),
        (
            "the bundled policies",
            &["test", "--format", "junit", "policies/"],
            0,
        ),
        (
            "odd names by an absolute path",
            &["test", "--format", "junit", odd],
            1,
        ),
    ];
    for (what, args, code) in cases {
        let r = run_in(&repo(), args);
        assert_eq!(r.code, *code, "{what}: {}", r.stderr);
        if let Some(errors) = clients::xmllint_errors(&r.stdout) {
            panic!(
                "{what}: junit-10.xsd rejects the report:\n{errors}\n{}",
                r.stdout
            );
        }
    }
    let r = run_in(&repo(), &["test", "--format", "junit", odd]);
    let doc = roxmltree::Document::parse(&r.stdout).unwrap();
    let names: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| n.attribute("name").unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "tab\there, <&> and \"quotes\"",
            "a new\nline",
            "nothing expected"
        ]
    );
    let class = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .and_then(|n| n.attribute("classname"))
        .unwrap();
    assert!(!class.starts_with('.'), "{class}");
    assert!(class.ends_with("odd"), "{class}");
    assert!(
        r.stdout.contains("&#9;") && r.stdout.contains("&#10;"),
        "{}",
        r.stdout
    );
    for n in doc.descendants().filter(|n| n.has_attribute("time")) {
        let t = n.attribute("time").unwrap();
        assert!(t.parse::<f64>().is_ok(), "time {t}");
    }
}

/// GitHub's toolkit escapes `%`, CR and LF in a message, and also `:` and `,` in a property.
#[test]
fn github_annotations_escape_as_the_toolkit_does() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a,b:c.policy"),
        "fact a, b\naction x\nrule r1: if a then must x\nrule r2: if b then must not x\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["lint", "a,b:c.policy", "--format", "github"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let first = r.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("::error file=a%2Cb%3Ac.policy,line=4,col="),
        "{first}"
    );
    assert!(first.contains(",endLine=4,"), "{first}");
    assert!(first.contains(",title=deontic conflict::"), "{first}");
    let message = first
        .split_once("::")
        .unwrap()
        .1
        .split_once("::")
        .unwrap()
        .1;
    assert!(
        message.starts_with("rules `r1` and `r2` conflict on `x`%0A"),
        "{message}"
    );
    assert!(!message.contains('\n'));
}

/// The checks above are not vacuous: each rejects what its consumer rejects.
#[test]
fn the_validators_reject_what_their_consumers_reject() {
    let r = run_in(
        &repo(),
        &[
            "lint",
            "tests/fixtures/lint/conflict.policy",
            "--format",
            "sarif",
        ],
    );
    let good: J = serde_json::from_str(&r.stdout).unwrap();

    let mut no_description = good.clone();
    let rule = &mut no_description["runs"][0]["tool"]["driver"]["rules"][0];
    rule.as_object_mut().unwrap().remove("fullDescription");
    let found = clients::multitool_findings(&no_description.to_string());
    assert!(found.iter().any(|f| f.contains("GH2012")), "{found:?}");

    let mut bad_level = good.clone();
    bad_level["runs"][0]["results"][0]["level"] = J::from("fatal");
    assert!(!clients::schema_errors(&bad_level.to_string()).is_empty());

    let r = run_in(
        &repo(),
        &[
            "test",
            "--format",
            "junit",
            "tests/fixtures/cli/wrong-expectation.policy",
        ],
    );
    let with_line = r.stdout.replacen("<testcase ", "<testcase line=\"8\" ", 1);
    assert!(clients::xmllint_errors(&with_line).is_some());
}

/// `diff --format sarif` passes the same validators: two folders (an action's and a derived
/// fact's transition, a policy added and one removed), and `--base` in a repository where
/// the doctrine was edited, one policy is broken at the revision and another is broken now.
/// The old version's errors, which have no file, are notifications of a run that finished.
#[test]
fn diff_sarif_passes_github_code_scanning_rules_and_the_schema() {
    let r = run_in(
        &repo().join("tests/fixtures/diff"),
        &["diff", "old", "new", "--format", "sarif"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    clients::assert_valid_sarif("two folders", &r.stdout);

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = |args: &[&str]| {
        let (code, _, err) = clients::output(
            Command::new("git")
                .args(args)
                .current_dir(root)
                .env("GIT_AUTHOR_NAME", "t")
                .env("GIT_AUTHOR_EMAIL", "t@example.org")
                .env("GIT_COMMITTER_NAME", "t")
                .env("GIT_COMMITTER_EMAIL", "t@example.org"),
        );
        assert_eq!(code, 0, "git {args:?}: {err}");
    };
    let doctrine =
        std::fs::read_to_string(repo().join("policies/nl-cyber-response.policy")).unwrap();
    std::fs::write(root.join("doctrine.policy"), &doctrine).unwrap();
    std::fs::write(
        root.join("fixed.policy"),
        "fact a\naction x\nif b then may x\n",
    )
    .unwrap();
    std::fs::write(
        root.join("broken.policy"),
        "fact a\naction x\nif a then may x\n",
    )
    .unwrap();
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "policies"]);
    let rule = "rule armed_forces_need_cabinet_decision \"Daarvoor is wel een regeringsbesluit nodig\":\n  deploy_armed_forces requires cabinet_decision\n";
    std::fs::write(root.join("doctrine.policy"), doctrine.replace(rule, "")).unwrap();
    std::fs::write(
        root.join("fixed.policy"),
        "fact a\naction x\nif a then may x\n",
    )
    .unwrap();
    std::fs::write(
        root.join("broken.policy"),
        "fact a\naction x\nif a then may\n",
    )
    .unwrap();
    let r = run_in(root, &["diff", "--base", "HEAD", "--format", "sarif"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    clients::assert_valid_sarif("--base", &r.stdout);
    let doc: J = serde_json::from_str(&r.stdout).unwrap();
    let run = &doc["runs"][0];
    let ids: Vec<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["syntax-error", "changed-verdict"]);
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], J::Bool(true));
    let note = invocation["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(
        note.starts_with("HEAD:fixed.policy:3:4: error[unknown-name]"),
        "{note}"
    );
}
