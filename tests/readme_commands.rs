//! Every command the README shows runs as written and prints what the README says.
//!
//! A fenced block whose first line starts with `$ ` is a transcript: each `$ ` line (with
//! `\` continuations) is a command, and the lines up to the next one are its output
//! (standard output and standard error together). The commands run in README order, in one
//! scratch copy of the repository's `examples/` and `policies/`, so a command sees what the
//! commands before it did to the files. `deontic` is the binary under test, and `cargo run
//! -q --` stands for it. Outputs compare line by line (trailing spaces aside); a `...` line
//! stands for any lines; JSON compares as values, so the README may indent it; `time="…"`
//! attributes are not compared.
//!
//! `<!-- file: PATH -->` before a block says the block is the file PATH of the repository,
//! whole. `<!-- excerpt: PATH -->` says the block appears in the scratch copy of PATH at
//! that point of the run.
//!
//! `DEONTIC_README_WRITE=1 cargo test --test readme_commands` writes the actual outputs into
//! the README instead of comparing them (review the diff before committing).

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_deontic");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fenced block of the README: the marker before it, its first line's index, its lines.
struct Block {
    marker: Option<String>,
    /// The index in the README's lines of the first line inside the fence.
    start: usize,
    lines: Vec<String>,
}

fn blocks(readme: &str) -> Vec<Block> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut marker = None;
    while i < lines.len() {
        let line = lines[i];
        if let Some(m) = line
            .trim()
            .strip_prefix("<!-- ")
            .and_then(|m| m.strip_suffix(" -->"))
        {
            marker = Some(m.to_string());
        } else if line.starts_with("```") {
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && !lines[end].starts_with("```") {
                end += 1;
            }
            out.push(Block {
                marker: marker.take(),
                start,
                lines: lines[start..end].iter().map(|s| s.to_string()).collect(),
            });
            i = end;
        } else if !line.trim().is_empty() {
            marker = None;
        }
        i += 1;
    }
    out
}

/// A command of a transcript and the lines the README shows for it.
struct Step {
    command: String,
    /// Where its output starts and ends in the README's lines.
    output: (usize, usize),
    expected: Vec<String>,
}

fn steps(block: &Block) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    let mut i = 0;
    while i < block.lines.len() {
        let Some(first) = block.lines[i].strip_prefix("$ ") else {
            panic!(
                "README line {}: a transcript line outside a command",
                block.start + i + 1
            );
        };
        let mut command = first.to_string();
        while command.ends_with('\\') && i + 1 < block.lines.len() {
            command.pop();
            i += 1;
            command.push(' ');
            command.push_str(block.lines[i].trim_start());
        }
        i += 1;
        let from = i;
        while i < block.lines.len() && !block.lines[i].starts_with("$ ") {
            i += 1;
        }
        out.push(Step {
            command,
            output: (block.start + from, block.start + i),
            expected: block.lines[from..i].to_vec(),
        });
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Runs one command line in `dir` with `deontic` on the path; its output, both streams.
fn run(dir: &Path, command: &str) -> String {
    let command = command
        .replace("cargo run -q --release -- ", "deontic ")
        .replace("cargo run -q -- ", "deontic ");
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("set -o pipefail; {{ {command}\n}} 2>&1"))
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("bash runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The JSON values a text is made of, if it is only JSON.
fn json_values(text: &str) -> Option<Vec<serde_json::Value>> {
    if !text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    serde_json::Deserializer::from_str(text)
        .into_iter::<serde_json::Value>()
        .collect::<Result<Vec<_>, _>>()
        .ok()
}

/// A line with every `time="…"` attribute's value taken out.
fn without_times(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find(" time=\"") {
        out.push_str(&rest[..at + 7]);
        rest = &rest[at + 7..];
        rest = &rest[rest.find('"').unwrap_or(rest.len())..];
    }
    out.push_str(rest);
    out.trim_end().to_string()
}

/// Whether the actual lines are what the README shows, `...` standing for any lines.
fn matches(expected: &[String], actual: &[String]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((e, rest)) if e.trim() == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((e, rest)) => actual
            .split_first()
            .is_some_and(|(a, more)| without_times(e) == without_times(a) && matches(rest, more)),
    }
}

fn same_output(expected: &[String], actual: &str) -> bool {
    let mut expected = expected;
    while let Some((last, rest)) = expected.split_last()
        && last.trim().is_empty()
    {
        expected = rest;
    }
    let shown = expected.join("\n");
    if let (Some(e), Some(a)) = (json_values(&shown), json_values(actual)) {
        return e == a;
    }
    let mut actual: Vec<String> = actual.lines().map(str::to_string).collect();
    while actual.last().is_some_and(|l| l.trim().is_empty()) {
        actual.pop();
    }
    matches(expected, &actual)
}

/// The output as the README should show it: JSON indented when the README indents it.
fn shown(expected: &[String], actual: &str) -> Vec<String> {
    let pretty = expected.len() > 1 && json_values(&expected.join("\n")).is_some();
    match json_values(actual) {
        Some(values) if pretty => values
            .iter()
            .flat_map(|v| {
                serde_json::to_string_pretty(v)
                    .unwrap()
                    .lines()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect(),
        _ => {
            let mut lines: Vec<String> = actual.lines().map(|l| l.trim_end().to_string()).collect();
            while lines.last().is_some_and(|l| l.is_empty()) {
                lines.pop();
            }
            lines
        }
    }
}

#[test]
fn every_readme_command_prints_what_the_readme_shows() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let write = std::env::var_os("DEONTIC_README_WRITE").is_some();
    let scratch = tempfile::tempdir().unwrap();
    copy_dir(&root().join("examples"), &scratch.path().join("examples"));
    copy_dir(&root().join("policies"), &scratch.path().join("policies"));
    let mut lines: Vec<String> = readme.lines().map(str::to_string).collect();
    // Replacements of README lines, last first so the indexes hold.
    let mut rewrites: Vec<((usize, usize), Vec<String>)> = Vec::new();
    let mut failures = Vec::new();
    let mut commands = 0;
    for block in blocks(&readme) {
        match block.marker.as_deref() {
            Some(m) if m.starts_with("file: ") => {
                let path = &m["file: ".len()..];
                let text = std::fs::read_to_string(root().join(path))
                    .unwrap_or_else(|e| panic!("README names {path}: {e}"));
                if text.trim_end() != block.lines.join("\n").trim_end() {
                    failures.push(format!(
                        "the block before README line {} is not {path}",
                        block.start
                    ));
                }
                continue;
            }
            Some(m) if m.starts_with("excerpt: ") => {
                let path = &m["excerpt: ".len()..];
                let text = std::fs::read_to_string(scratch.path().join(path)).unwrap();
                if !text.contains(&block.lines.join("\n")) {
                    failures.push(format!(
                        "the block at README line {} is not in {path} at that point:\n{text}",
                        block.start
                    ));
                }
                continue;
            }
            _ => {}
        }
        if !block.lines.first().is_some_and(|l| l.starts_with("$ ")) {
            continue;
        }
        for step in steps(&block) {
            commands += 1;
            let actual = run(scratch.path(), &step.command);
            if same_output(&step.expected, &actual) {
                continue;
            }
            if write {
                rewrites.push((step.output, shown(&step.expected, &actual)));
            } else {
                failures.push(format!(
                    "README line {}: `{}` printed\n{actual}\nbut the README shows\n{}",
                    step.output.0,
                    step.command,
                    step.expected.join("\n")
                ));
            }
        }
    }
    if write {
        for ((from, to), new) in rewrites.into_iter().rev() {
            lines.splice(from..to, new);
        }
        std::fs::write(root().join("README.md"), lines.join("\n") + "\n").unwrap();
        return;
    }
    assert!(
        commands >= 20,
        "only {commands} commands found in the README"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn transcripts_are_read_as_the_shell_reads_them() {
    let block = Block {
        marker: None,
        start: 10,
        lines: vec![
            "$ deontic eval a.policy \\".into(),
            "    --given x".into(),
            "out 1".into(),
            "$ deontic check a.policy".into(),
        ],
    };
    let s = steps(&block);
    assert_eq!(s[0].command, "deontic eval a.policy  --given x");
    assert_eq!(s[0].expected, ["out 1"]);
    assert_eq!(s[0].output, (12, 13));
    assert_eq!(s[1].command, "deontic check a.policy");
    assert!(s[1].expected.is_empty());
    let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(matches(
        &lines(&["a", "...", "d"]),
        &lines(&["a", "b", "c", "d"])
    ));
    assert!(matches(&lines(&["a", "...", "d"]), &lines(&["a", "d"])));
    assert!(!matches(&lines(&["a", "d"]), &lines(&["a", "b", "d"])));
    assert!(same_output(
        &lines(&["{", "  \"a\": 1", "}"]),
        "{\"a\":1}\n"
    ));
    assert!(!same_output(&lines(&["{\"a\": 2}"]), "{\"a\":1}\n"));
    assert_eq!(without_times("<t time=\"0.012\"/>"), "<t time=\"\"/>");
}

/// Each row of the README's table of lint findings gives a one-line policy that, linted,
/// reports that code with that severity.
#[test]
fn every_example_in_the_findings_table_triggers_its_finding() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let table = readme
        .split("| code | severity | example | usual fix |")
        .nth(1)
        .expect("the README has the table of lint findings");
    let mut rows = 0;
    for row in table.lines().skip(2).take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = row.split(" | ").collect();
        let code = cells[0].trim_start_matches("| ").trim_matches('`');
        let severity = cells[1];
        let example = cells[2];
        let Some(policy) = example
            .strip_prefix('`')
            .and_then(|e| e.split_once('`'))
            .map(|(p, _)| p)
            .filter(|p| p.starts_with("fact "))
        else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("p.policy"), policy).unwrap();
        let out = Command::new(BIN)
            .args(["lint", "p.policy", "--format", "json"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let found = doc["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == code && d["severity"] == severity);
        assert!(
            found,
            "`{policy}` does not give `{code}` ({severity}): {doc}"
        );
        rows += 1;
    }
    assert!(rows >= 9, "only {rows} examples checked");
}
