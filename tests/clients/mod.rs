//! Where the outside programs the tests drive are: installed by `.ci/setup`, found here, and
//! a missing one fails the test with the command that installs it.
#![allow(dead_code)]

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
