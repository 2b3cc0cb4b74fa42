//! Where the outside programs the tests drive are: installed by `.ci/setup`, found here, and
//! a missing one fails the test with the command that installs it.
#![allow(dead_code)]

use serde_json::Value as J;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder `.ci/setup` installs the npm and PyPI programs into.
pub fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/clients")
}

fn installed(path: PathBuf, what: &str) -> PathBuf {
    assert!(
        path.exists(),
        "{what} is not installed at {}: run `.ci/setup` (it installs every program the tests drive)",
        path.display()
    );
    path
}

/// Microsoft's SARIF multitool (npm `@microsoft/sarif-multitool`), its native binary.
pub fn sarif_multitool() -> PathBuf {
    installed(
        clients_dir().join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"),
        "the SARIF multitool",
    )
}

/// The SARIF 2.1.0 JSON schema that ships with the multitool.
pub fn sarif_schema() -> PathBuf {
    installed(
        clients_dir().join("node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"),
        "the SARIF 2.1.0 schema",
    )
}

/// The multitool settings that turn on every GitHub code-scanning rule.
pub fn sarif_github_rules() -> PathBuf {
    installed(
        clients_dir().join("sarif-github.xml"),
        "the multitool settings",
    )
}

/// The Python with `jsonschema` and `yaml`.
pub fn python() -> PathBuf {
    installed(
        clients_dir().join("venv/bin/python"),
        "the Python validators",
    )
}

/// The Jenkins JUnit schema, `junit-10.xsd`.
pub fn junit_xsd() -> PathBuf {
    installed(
        clients_dir().join("schemas/junit-10.xsd"),
        "the Jenkins JUnit schema",
    )
}

/// A program on the `PATH`, such as `xmllint` or `nvim`.
pub fn program(name: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    match found {
        Some(p) => p,
        None => panic!(
            "`{name}` is not installed: run `.ci/setup` (it installs every program the tests drive)"
        ),
    }
}

/// Runs a command to its end, returning its exit code and what it printed.
pub fn output(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The multitool's findings on a SARIF file at `error` or `warning` level, as lines; the
/// multitool's own exit code says only whether it could run.
pub fn multitool_findings(sarif: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.sarif");
    let checked = dir.path().join("out.sarif");
    std::fs::write(&input, sarif).unwrap();
    let (code, stdout, stderr) = output(
        Command::new(sarif_multitool())
            .arg("validate")
            .arg(&input)
            .args(["--rule-kind", "Gh;Sarif", "-c"])
            .arg(sarif_github_rules())
            .arg("-o")
            .arg(&checked)
            .args(["--log", "ForceOverwrite"]),
    );
    assert_eq!(code, 0, "the multitool could not run:\n{stdout}\n{stderr}");
    let log: J = serde_json::from_str(&std::fs::read_to_string(&checked).unwrap()).unwrap();
    let mut found = Vec::new();
    for run in log["runs"].as_array().unwrap() {
        for r in run["results"].as_array().into_iter().flatten() {
            let level = r["level"].as_str().unwrap_or("warning");
            if level == "error" || level == "warning" {
                found.push(format!("{level} {} {}", r["ruleId"], r["message"]));
            }
        }
        for i in run["invocations"].as_array().into_iter().flatten() {
            if i["executionSuccessful"] != J::Bool(true) {
                found.push(format!("the multitool's run failed: {i}"));
            }
        }
    }
    found
}

/// The SARIF 2.1.0 JSON schema's errors on a document.
pub fn schema_errors(sarif: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.sarif");
    std::fs::write(&input, sarif).unwrap();
    let script = "import json, sys\n\
        from jsonschema import validators\n\
        schema = json.load(open(sys.argv[1], encoding='utf-8-sig'))\n\
        v = validators.validator_for(schema)(schema)\n\
        for e in v.iter_errors(json.load(open(sys.argv[2], encoding='utf-8'))):\n\
        \x20   print('/'.join(map(str, e.absolute_path)), e.message[:300])\n";
    let (code, stdout, stderr) = output(
        Command::new(python())
            .args(["-c", script])
            .arg(sarif_schema())
            .arg(&input),
    );
    assert_eq!(code, 0, "the schema check could not run:\n{stderr}");
    stdout.lines().map(str::to_string).collect()
}

pub fn assert_valid_sarif(what: &str, sarif: &str) {
    let found = multitool_findings(sarif);
    assert!(
        found.is_empty(),
        "{what}: the multitool reports\n{}",
        found.join("\n")
    );
    let errors = schema_errors(sarif);
    assert!(
        errors.is_empty(),
        "{what}: the schema reports\n{}",
        errors.join("\n")
    );
}

/// `xmllint`'s complaints about a JUnit report against the Jenkins schema, if any.
pub fn xmllint_errors(xml: &str) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("report.xml");
    std::fs::write(&input, xml).unwrap();
    let (code, _, stderr) = output(
        Command::new(program("xmllint"))
            .arg("--noout")
            .arg("--schema")
            .arg(junit_xsd())
            .arg(&input),
    );
    (code != 0).then_some(stderr)
}
