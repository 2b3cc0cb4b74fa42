//! No input breaks deontic: deep nesting, large and odd files, hostile case streams,
//! broken paths, closed pipes, and loss-free rewrites.

use deontic::{Code, Policy};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

const DOCTRINE: &str = "policies/nl-cyber-response.policy";

fn deontic() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_deontic"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// Runs deontic with `stdin`, returning exit code, stdout and stderr.
fn run(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = deontic()
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
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn codes(text: &[u8]) -> Vec<Code> {
    match Policy::from_bytes("t.policy", text.to_vec()) {
        Ok(_) => Vec::new(),
        Err(f) => f.diagnostics.iter().map(|d| d.code).collect(),
    }
}

// ---- depth and size ---------------------------------------------------------------------

#[test]
fn deep_nesting_is_a_syntax_error_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let parens = dir.path().join("parens.policy");
    let n = 100_000;
    std::fs::write(
        &parens,
        format!(
            "fact a\naction x\nif {}a{} then x\n",
            "(".repeat(n),
            ")".repeat(n)
        ),
    )
    .unwrap();
    let nots = dir.path().join("nots.policy");
    std::fs::write(
        &nots,
        format!("fact a\naction x\nif {}a then x\n", "not ".repeat(n)),
    )
    .unwrap();
    for path in [&parens, &nots] {
        let (code, out, _) = run(&["check", path.to_str().unwrap()], b"");
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains("syntax-error") && out.contains("nested too deeply"),
            "{out}"
        );
    }
}

#[test]
fn long_names_and_strings_work() {
    let name = format!("f{}", "x".repeat(10_000));
    let text = format!(
        "policy \"{}\"\nfact {name} \"{}\"\naction act\nif {name} then act\n",
        "t".repeat(10_000),
        "d".repeat(10_000)
    );
    let p = Policy::parse("long.policy", text).unwrap();
    let case = p.case().set(&name, true).build().unwrap();
    assert_eq!(
        p.evaluate(&case).verdict_of("act").unwrap().as_str(),
        "required"
    );
    let misspelt = format!("fact {name}\naction act\nif {name}y then act\n");
    let err = Policy::parse("long.policy", misspelt).unwrap_err();
    assert_eq!(err.diagnostics[0].code, Code::UnknownName);
}

#[test]
fn a_large_policy_is_checked_and_a_huge_one_refused() {
    // About 5 MB: parsed, checked and evaluated.
    let n = 60_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "fact f{i}\naction a{i}\nrule r{i} \"rule {i}\": if f{i} and not f{} then may a{i}\n",
            (i + 1) % n
        ));
    }
    assert!(text.len() > 4_000_000);
    let p = Policy::parse("big.policy", text).unwrap();
    assert_eq!(p.rules().len(), n);
    // Over the limit: one clear diagnostic, at once.
    let huge = "# padding\n".repeat(deontic::model::MAX_SOURCE_BYTES / 10 + 1);
    let err = Policy::parse("huge.policy", huge).unwrap_err();
    assert_eq!(err.diagnostics.len(), 1);
    assert!(
        err.diagnostics[0]
            .message
            .starts_with("the file is too large")
    );
}

// ---- bytes ------------------------------------------------------------------------------

#[test]
fn odd_bytes_give_diagnostics_with_right_spans() {
    // Invalid UTF-8: a syntax error at the bad byte.
    let f = Policy::from_bytes("t.policy", b"fact a\nfact caf\xe9\n".to_vec()).unwrap_err();
    let d = &f.diagnostics[0];
    assert_eq!(d.code, Code::SyntaxError);
    assert_eq!(f.source.line_col(d.span().unwrap().start), (2, 9));
    // A NUL byte is a syntax error where it stands.
    let f = Policy::from_bytes("t.policy", b"fact a\naction\0x\n".to_vec()).unwrap_err();
    assert_eq!(
        f.source.line_col(f.diagnostics[0].span().unwrap().start),
        (2, 7)
    );
    // A byte-order mark is skipped and does not count as a column.
    let f = Policy::from_bytes("t.policy", "\u{feff}fact 9\n".as_bytes().to_vec()).unwrap_err();
    assert_eq!(
        f.source.line_col(f.diagnostics[0].span().unwrap().start),
        (1, 6)
    );
    // Line endings: LF, CRLF and lone CR give the same positions.
    for nl in ["\n", "\r\n", "\r"] {
        let text = ["fact a", "action x", "if a then y"].join(nl);
        let f = Policy::parse("t.policy", text).unwrap_err();
        let at = f.diagnostics[0].span().unwrap().start;
        assert_eq!(f.source.line_col(at), (3, 11), "line ending {nl:?}");
    }
    // An empty file and a file of comments are empty policies.
    assert_eq!(codes(b""), vec![]);
    assert_eq!(codes(b"# only\n# comments\r\n#"), vec![]);
    assert_eq!(codes(b"\xff\xfe"), vec![Code::SyntaxError]);
}

#[test]
fn random_bytes_never_panic() {
    // A small deterministic generator: mutations of the doctrine and raw noise.
    let doctrine = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(DOCTRINE)).unwrap();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..300 {
        let mut bytes = doctrine.clone();
        for _ in 0..(next() % 8 + 1) {
            let i = (next() as usize) % bytes.len();
            match next() % 3 {
                0 => bytes[i] = next() as u8,
                1 => {
                    bytes.remove(i);
                }
                _ => bytes.insert(i, b"()\"#not \n"[(next() % 9) as usize]),
            }
        }
        if let Ok(p) = Policy::from_bytes("m.policy", bytes) {
            let _ = deontic::analysis::lint(&p).unwrap();
            for c in p.cases() {
                let _ = p.evaluate(&c.case);
            }
        }
    }
}

// ---- case input -------------------------------------------------------------------------

#[test]
fn every_bad_case_gets_its_own_error_line() {
    let input = concat!(
        "{\"attacker\":\"state\",\"cyberattack\":true}\n",
        "{\"attacker\":\"state\",\n",
        "{\"attacker\":7}\n",
        "{\"attacker\":\"state\",\"nonsense\":true}\n",
        "{\"attacker\":\"state\",\"cyber_incident\":true}\n",
        "{\"attacker\":\"state\",\"attacker\":\"state\"}\n",
        "\n",
        "{\"attacker\":\"state\",\"cyberattack\":99999999999999999999999}\n",
        "{\"attacker\":\"state\",\"cyberattack\":1.5}\n",
        "[1,2]\n",
        "{}\n",
        "{\"attacker\":\"criminal\"}"
    );
    let (code, out, err) = run(
        &["eval", DOCTRINE, "-", "--format", "json"],
        input.as_bytes(),
    );
    assert_eq!(code, 1, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 11, "{out}");
    let errors: Vec<(String, String)> = lines
        .iter()
        .filter(|l| l.get("error").is_some())
        .map(|l| {
            (
                l["case"].as_str().unwrap().to_string(),
                l["error"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = [
        ("#2", "invalid JSON"),
        ("#3", "`attacker` is of type `state | criminal | unknown`"),
        ("#4", "unknown fact `nonsense`"),
        ("#5", "`cyber_incident` is a derived fact"),
        ("#6", "fact `attacker` is given twice"),
        ("#7", "fact `cyberattack` is of type `bool`"),
        ("#8", "fact `cyberattack` is of type `bool`"),
        ("#9", "not a case"),
        ("#10", "fact not given: `attacker`"),
    ];
    assert_eq!(errors.len(), expect.len(), "{errors:#?}");
    for ((case, msg), (want_case, want)) in errors.iter().zip(expect) {
        assert_eq!(case, want_case);
        assert!(
            msg.contains(want),
            "{case}: {msg:?} should mention {want:?}"
        );
    }
    // The good cases, first and last (no newline at the end), are evaluated.
    assert!(lines[0]["verdicts"].is_object());
    assert_eq!(lines[10]["case"], "#11");
    assert!(lines[10]["verdicts"].is_object());
}

#[test]
fn integers_out_of_range_are_reported_per_case() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("n.policy");
    std::fs::write(&path, "fact n: 0..10\naction x\nif n > 5 then x\n").unwrap();
    let input = "{\"n\":11}\n{\"n\":-1}\n{\"n\":18446744073709551615}\n{\"n\":5}\n";
    let (code, out, _) = run(
        &["eval", path.to_str().unwrap(), "-", "--format", "json"],
        input.as_bytes(),
    );
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].contains("`n` must be in `0..10`, but was given 11"),
        "{out}"
    );
    assert!(lines[1].contains("but was given -1"), "{out}");
    assert!(
        lines[2].contains("but was given 18446744073709551615"),
        "{out}"
    );
    assert!(lines[3].contains("\"verdict\":\"undecided\""), "{out}");
}

// ---- streams ----------------------------------------------------------------------------

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let mut child = deontic()
        .args(["eval", DOCTRINE, "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let line = b"{\"attacker\":\"state\",\"cyberattack\":true}\n".repeat(1000);
        for _ in 0..200 {
            if stdin.write_all(&line).is_err() {
                break;
            }
        }
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    assert!(first.starts_with(b"{\"case\":\"#1\""));
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

// ---- files and folders ------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn broken_links_and_link_loops_are_reported_and_the_rest_processed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("good.policy"), "fact a\naction x\nif a then x\n").unwrap();
    std::os::unix::fs::symlink(root.join("nowhere"), root.join("dangling.policy")).unwrap();
    std::fs::create_dir(root.join("sub")).unwrap();
    std::os::unix::fs::symlink(root, root.join("sub").join("loop")).unwrap();
    let (code, out, err) = run(&["check", root.to_str().unwrap()], b"");
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("dangling.policy: no such file or folder"),
        "{err}"
    );
    // good.policy once from the folder itself; the loop back to it is not followed again.
    assert!(out.ends_with("checked 1 file: 0 errors\n"), "{out}");
}

#[test]
fn a_folder_given_as_a_policy_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&["eval", dir.path().to_str().unwrap()], b"");
    assert_eq!(code, 2);
    assert!(err.starts_with("error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

// ---- loss-free writes -------------------------------------------------------------------

#[test]
fn an_interrupted_rewrite_keeps_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.policy");
    let original = "fact a\naction x\nif a then x\n";
    std::fs::write(&path, original).unwrap();
    let result = deontic::cli::write::write_atomic(&path, |w| {
        w.write_all(b"fact a\nac")?;
        Err(std::io::Error::other("killed halfway"))
    });
    assert!(result.is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("p.policy")]);
}
