//! No cliffs and no surprises: every command on chains 100,000 deep, files rewritten through
//! links and never over a read-only one, exit codes that survive a closed pipe, JSON values
//! read as written, and overrides that longer chains pass through.

use deontic::synth::shapes;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn deontic() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_deontic"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    run_in(deontic(), args, b"")
}

fn run_in(mut cmd: Command, args: &[&str], stdin: &[u8]) -> Run {
    let mut child = cmd
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

// ---- chains 100,000 deep ----------------------------------------------------------------

#[test]
fn every_command_takes_a_derived_chain_100000_deep() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "chain.policy", &shapes::derived_chain(100_000));
    let p = path.to_str().unwrap();
    for args in [
        vec!["check", p],
        vec!["lint", p],
        vec!["eval", p, "--given", "x0", "--format", "json"],
        vec!["explain", p, "--given", "x0"],
        vec!["test", p],
        vec!["fmt", "--check", p],
        vec!["graph", p],
        vec!["graph", p, "--format", "mermaid"],
    ] {
        let r = run(&args);
        assert!(
            r.code == 0,
            "{args:?}: exit {}\n{}",
            r.code,
            &r.stderr[..r.stderr.len().min(2000)]
        );
        if args[0] == "eval" {
            assert!(
                r.stdout
                    .contains(r#""act":{"verdict":"required","by":["act_at_the_end"]}"#)
            );
        }
        if args[0] == "explain" {
            // The whole trail, down to the input fact, in text that grows with the chain.
            assert!(r.stdout.contains("x0 is true"));
            assert!(
                r.stdout.len() < 100 * 100_000 * 3,
                "{} bytes",
                r.stdout.len()
            );
        }
    }
}

#[test]
fn an_override_chain_past_the_limit_is_a_diagnostic_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "chain.policy",
        &shapes::exception_chain(100_000),
    );
    let p = path.to_str().unwrap();
    for args in [
        vec!["check", p],
        vec!["lint", p],
        vec!["lint", p, "--format", "json"],
        vec!["eval", p, "--given", "f1"],
        vec!["explain", p, "--given", "f1"],
        vec!["test", p],
        vec!["graph", p],
    ] {
        let r = run(&args);
        assert_eq!(r.code, 1, "{args:?}\n{}", r.stderr);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(all.contains("override"), "{args:?}: {all}");
        assert!(all.contains("too deeply"), "{args:?}: {all}");
    }
    // Formatting needs no meaning, only the text: it works.
    assert_eq!(run(&["fmt", "--check", p]).code, 0);
}

#[test]
fn a_chain_of_1000_exceptions_is_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "chain.policy", &shapes::exception_chain(1000));
    let r = run(&["lint", path.to_str().unwrap()]);
    assert!(r.stdout.ends_with("0 errors, 1 warning\n"), "{}", r.stdout);
}

#[test]
fn nesting_100000_deep_is_a_diagnostic_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let n = 100_000;
    let text = format!("fact a\naction x\nif {}a then x\n", "not ".repeat(n));
    let path = write(dir.path(), "deep.policy", &text);
    let p = path.to_str().unwrap();
    for args in [
        vec!["check", p],
        vec!["lint", p],
        vec!["eval", p, "--given", "a"],
        vec!["explain", p, "--given", "a"],
        vec!["test", p],
        vec!["fmt", p],
        vec!["graph", p],
    ] {
        let r = run(&args);
        assert_eq!(r.code, 1, "{args:?}");
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(all.contains("nested too deeply"), "{args:?}: {all}");
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

// ---- files ------------------------------------------------------------------------------

const MESSY: &str = "fact a,b\naction x\nrule r:if a then may x\ncase \"c\" { given a }\n";

#[cfg(unix)]
#[test]
fn fmt_and_bless_write_through_a_link_and_keep_it() {
    let dir = tempfile::tempdir().unwrap();
    let real = write(dir.path(), "real.policy", MESSY);
    let link = dir.path().join("link.policy");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let r = run(&["fmt", link.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let formatted = std::fs::read_to_string(&real).unwrap();
    assert!(formatted.contains("fact a, b\n"), "{formatted}");
    let r = run(&["test", "--bless", link.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("expect x is permitted")
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_refused_and_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "ro.policy", MESSY);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let p = path.to_str().unwrap();
    for args in [vec!["fmt", p], vec!["test", "--bless", p]] {
        let r = run(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stdout);
        assert!(
            r.stderr.contains(&format!("error: {p}: permission denied")),
            "{args:?}: {}",
            r.stderr
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), MESSY);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o444);
    }
}

/// A command run as a user without privileges: as root, through `setpriv` as `nobody`, so
/// that file permissions apply; `None` where that cannot be done.
#[cfg(unix)]
fn unprivileged() -> Option<Command> {
    let root = Command::new("id").arg("-u").output().ok()?.stdout == b"0\n";
    if !root {
        return Some(deontic());
    }
    let probe = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
        .status()
        .ok()?;
    if !probe.success() {
        return None;
    }
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_deontic"));
    Some(cmd)
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_not_counted_as_formatted() {
    use std::os::unix::fs::PermissionsExt;
    let Some(cmd) = unprivileged() else {
        eprintln!("no way to drop privileges here; the check of permission bits is tested above");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let secret = write(dir.path(), "secret.policy", MESSY);
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    let fine = write(dir.path(), "fine.policy", MESSY);
    std::fs::set_permissions(&fine, std::fs::Permissions::from_mode(0o666)).unwrap();
    let r = run_in(
        cmd,
        &["fmt", secret.to_str().unwrap(), fine.to_str().unwrap()],
        b"",
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("permission denied"), "{}", r.stderr);
    assert_eq!(r.stdout, "formatted 1 file: 1 changed, 1 not formatted\n");
}

// ---- closed pipes -----------------------------------------------------------------------

/// Runs deontic and reads one line of its output, then closes the pipe.
fn first_line_then_close(args: &[&str], stdin: &[u8]) -> (i32, String) {
    let mut child = deontic()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut line = Vec::new();
    let mut byte = [0u8];
    while stdout.read(&mut byte).unwrap_or(0) == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    drop(stdout);
    let status = child.wait().unwrap();
    writer.join().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&line).into_owned(),
    )
}

#[test]
fn a_closed_pipe_keeps_the_exit_code_of_what_was_found() {
    let dir = tempfile::tempdir().unwrap();
    // Enough findings that the report is much larger than a pipe's buffer.
    let many = shapes::many_rules_one_action(200, 8, 0, 1);
    let path = write(dir.path(), "many.policy", &many);
    let (code, first) = first_line_then_close(&["lint", path.to_str().unwrap()], b"");
    assert_eq!(code, 1, "the policy has conflicts: {first}");
    let failing = "fact a\naction x\nif a then may x\n".to_string()
        + &(0..5000)
            .map(|i| format!("case \"c{i}\" {{ given a expect x is forbidden }}\n"))
            .collect::<String>();
    let path = write(dir.path(), "failing.policy", &failing);
    let (code, _) = first_line_then_close(&["test", path.to_str().unwrap()], b"");
    assert_eq!(code, 1, "every case fails");
}

#[test]
fn eval_ends_quietly_on_a_closed_pipe_unless_an_invalid_case_came_before() {
    let doctrine = "policies/nl-cyber-response.policy";
    let good = "{\"cyberattack\":true,\"attacker\":\"state\"}\n".repeat(100_000);
    let (code, first) = first_line_then_close(
        &["eval", doctrine, "-", "--format", "json"],
        good.as_bytes(),
    );
    assert_eq!(code, 0, "{first}");
    let bad_first = format!("{{\"nonsense\":1}}\n{good}");
    let (code, first) = first_line_then_close(
        &["eval", doctrine, "-", "--format", "json"],
        bad_first.as_bytes(),
    );
    assert_eq!(code, 1, "{first}");
    assert!(first.contains("error"), "{first}");
}

// ---- JSON values as written -------------------------------------------------------------

#[test]
fn json_numbers_and_byte_order_marks() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(
        dir.path(),
        "n.policy",
        "fact n: -5..5\naction x\nif n = 0 then x\n",
    );
    let p = policy.to_str().unwrap();
    let lines = "{\"n\":-0}\n{\"n\":100000000000000000000}\n{\"n\":\"3\"}\n{\"n\":1.5}\n";
    let r = run_in(
        deontic(),
        &["eval", p, "-", "--format", "json"],
        lines.as_bytes(),
    );
    let out: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        out[0],
        r##"{"case":"#1","verdicts":{"x":{"verdict":"required","by":["@3"]}},"derived":{}}"##
    );
    assert!(out[1].contains("does not fit in 64 bits"), "{}", out[1]);
    assert!(
        out[2].contains(r#"was given the string `\"3\"`"#),
        "{}",
        out[2]
    );
    assert!(
        out[3].contains("the non-integer number `1.5`"),
        "{}",
        out[3]
    );
    // A byte-order mark before JSON Lines, a JSON document, or standard input.
    let jsonl = dir.path().join("c.jsonl");
    std::fs::write(&jsonl, "\u{feff}{\"n\":0}\n").unwrap();
    let json = dir.path().join("c.json");
    std::fs::write(&json, "\u{feff}[{\"n\":0}]").unwrap();
    for input in [jsonl.to_str().unwrap(), json.to_str().unwrap()] {
        let r = run(&["eval", p, input, "--format", "json"]);
        assert_eq!(r.code, 0, "{input}: {}{}", r.stdout, r.stderr);
    }
    let r = run_in(deontic(), &["eval", p, "-"], "\u{feff}{\"n\":0}".as_bytes());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn a_json_array_of_cases_is_read_element_by_element() {
    let doctrine = "policies/nl-cyber-response.policy";
    let array = "[{\"cyberattack\":true,\"attacker\":\"state\"},\n {\"attacker\": \"spy\"},\n{\"attacker\":\"criminal\"}";
    let r = run_in(
        deontic(),
        &["eval", doctrine, "-", "--format", "json"],
        array.as_bytes(),
    );
    let out: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(r.code, 1);
    assert!(
        out[0].starts_with(r##"{"case":"#1","verdicts""##),
        "{}",
        out[0]
    );
    assert!(out[1].contains("spy"), "{}", out[1]);
    assert!(
        out[2].starts_with(r##"{"case":"#3","verdicts""##),
        "{}",
        out[2]
    );
    assert_eq!(
        out[3],
        r##"{"case":"#4","error":"invalid JSON: the array of cases is not closed with `]`"}"##
    );
}

// ---- overrides that longer chains pass through --------------------------------------------

#[test]
fn an_override_a_longer_chain_passes_through_is_not_useless() {
    let text = "fact a, b, c, d\naction x, y, z\n\
        rule top overrides middle: if a then may x\n\
        rule middle overrides low: if b then must y\n\
        rule low overrides bottom: if c then must z\n\
        rule bottom: if d then must not x\n";
    let policy = deontic::Policy::parse("p.policy", text).unwrap();
    let findings = deontic::analysis::lint(&policy).unwrap();
    let useless: Vec<&Vec<String>> = findings
        .iter()
        .filter(|d| d.code == deontic::Code::UselessOverride)
        .map(|d| &d.rules)
        .collect();
    // `top` wins over `bottom` on `x` only through `middle overrides low`, and the others.
    assert!(useless.is_empty(), "{useless:?}");
    // Without `top`, no chain through `middle overrides low` meets on an action.
    let alone = text.replace("rule top overrides middle: if a then may x\n", "");
    let policy = deontic::Policy::parse("p.policy", alone).unwrap();
    let findings = deontic::analysis::lint(&policy).unwrap();
    let useless: Vec<Vec<String>> = findings
        .iter()
        .filter(|d| d.code == deontic::Code::UselessOverride)
        .map(|d| d.rules.clone())
        .collect();
    assert_eq!(
        useless,
        [
            vec!["middle".to_string(), "low".to_string()],
            vec!["low".to_string(), "bottom".to_string()]
        ]
    );
}
