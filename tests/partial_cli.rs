//! `eval --partial` and `ask` on the command line: the output forms on the bundled
//! policies, streams agreeing with the library case by case, invalid partial cases, and the
//! questionnaire driven through its line protocol (and once on a terminal) by answers taken
//! from a hidden full case.

use deontic::analysis::evaluate_partial;
use deontic::model::{PartialCase, Value};
use deontic::{Policy, synth};
use serde_json::Value as J;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_deontic");
const DOCTRINE: &str = "policies/nl-cyber-response.policy";
const POLICIES: [&str; 3] = [
    "policies/nl-cyber-response.policy",
    "policies/gdpr-breach-notification.policy",
    "policies/csirt-incident-escalation.policy",
];

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn load(path: &str) -> Policy {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap();
    Policy::parse(path, text).unwrap()
}

#[test]
fn partial_output_on_the_bundled_policies() {
    for path in POLICIES {
        let stem = path
            .trim_start_matches("policies/")
            .trim_end_matches(".policy");
        let (code, human, _) = run(&["eval", path, "--partial"], "");
        assert_eq!(code, 0);
        insta::assert_snapshot!(format!("partial_blocks_{stem}_human"), human);
        let (_, json, _) = run(&["eval", path, "--partial", "--format", "json"], "");
        insta::assert_snapshot!(format!("partial_blocks_{stem}_json"), json);
    }
    let given = "cyberattack,attacker=state,last_resort,hostile_action_to_avert";
    let (code, human, _) = run(&["eval", DOCTRINE, "--partial", "--given", given], "");
    assert_eq!(code, 0);
    insta::assert_snapshot!("partial_given_human", human);
    let (_, json, _) = run(
        &[
            "eval",
            DOCTRINE,
            "--partial",
            "--given",
            given,
            "--format",
            "json",
        ],
        "",
    );
    insta::assert_snapshot!("partial_given_json", json);
}

/// A partial case as a JSON object: the facts it gives.
fn partial_json(p: &Policy, case: &PartialCase) -> String {
    let mut o = serde_json::Map::new();
    for f in p.input_facts() {
        let Some(v) = case.values[f] else { continue };
        let j = match (v, &p.fact(f).ty) {
            (Value::Bool(b), _) => J::from(b),
            (Value::Enum(i), deontic::model::FactType::Enum(vs)) => J::from(vs[i as usize].clone()),
            (Value::Int(n), _) => J::from(n),
            _ => unreachable!(),
        };
        o.insert(p.fact(f).name.clone(), j);
    }
    J::Object(o).to_string()
}

#[test]
fn a_stream_of_partial_cases_agrees_with_the_library_case_by_case() {
    for path in POLICIES {
        let p = load(path);
        let cases = synth::partial_cases(&p, 3000, 7, 50);
        let input: String = cases.iter().map(|c| partial_json(&p, c) + "\n").collect();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cases.jsonl");
        std::fs::write(&file, &input).unwrap();
        let (code, out, err) = run(
            &[
                "eval",
                path,
                file.to_str().unwrap(),
                "--partial",
                "--format",
                "json",
            ],
            "",
        );
        assert_eq!(code, 0, "{err}");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), cases.len());
        for (i, (line, case)) in lines.iter().zip(&cases).enumerate() {
            let want = deontic::report::partial_json(
                &format!("#{}", i + 1),
                &evaluate_partial(&p, case).unwrap(),
            );
            assert_eq!(*line, want, "{path} case {}", i + 1);
        }
        // The same cases as one JSON array, and from standard input.
        let array = format!("[{}]", input.lines().collect::<Vec<_>>().join(","));
        let (code, from_array, _) = run(
            &["eval", path, "-", "--partial", "--format", "json"],
            &array,
        );
        assert_eq!((code, from_array.as_str()), (0, out.as_str()));
    }
}

#[test]
fn invalid_partial_cases_are_reported_and_the_rest_run() {
    let input = "{\"cyberattack\": true}\n{\"cyber_incident\": true}\n{\"attacker\": \"spy\"}\n\
                 {\"nonsense\": 1}\n{\"cyberattack\": \"yes\"}\nnot json\n{}\n";
    let (code, out, _) = run(
        &["eval", DOCTRINE, "-", "--partial", "--format", "json"],
        input,
    );
    assert_eq!(code, 1);
    insta::assert_snapshot!("partial_invalid_json", out);
    let (code, err_out, err) = run(
        &[
            "eval",
            DOCTRINE,
            "--partial",
            "--given",
            "cyberattack,cyberattack",
        ],
        "",
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err_out.contains("invalid: fact `cyberattack` is given twice"),
        "{err_out}"
    );
}

/// The facts a question names: `? NAME: ...` or `? NAME (...)`.
fn asked_fact(line: &str) -> &str {
    let rest = line.strip_prefix("? ").unwrap();
    let end = rest.find([':', ' ']).unwrap_or(rest.len());
    &rest[..end]
}

/// An answer to a question on `f`, as a person would type it, from a full case.
fn answer(p: &Policy, f: usize, v: Value) -> String {
    match (v, &p.fact(f).ty) {
        (Value::Bool(true), _) => "yes".into(),
        (Value::Bool(false), _) => "no".into(),
        (Value::Enum(i), deontic::model::FactType::Enum(vs)) => vs[i as usize].clone(),
        (Value::Int(n), _) => n.to_string(),
        _ => unreachable!(),
    }
}

/// Drives `ask` with answers from `hidden`: checks each question is needed at that moment
/// and asked once, and the end settles the chosen actions as the full case does.
fn questionnaire(path: &str, p: &Policy, hidden: &deontic::Case, chosen: &[&str]) -> usize {
    let mut args = vec!["ask", path];
    args.extend_from_slice(chosen);
    let mut child = Command::new(BIN)
        .args(&args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let chosen_ids: Vec<usize> = if chosen.is_empty() {
        (0..p.actions().len()).collect()
    } else {
        chosen.iter().map(|a| p.action_id(a).unwrap()).collect()
    };
    let mut known = PartialCase {
        values: vec![None; p.facts().len()],
    };
    let mut asked = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "ask ended without its result"
        );
        if !line.starts_with("? ") {
            break;
        }
        let name = asked_fact(line.trim_end()).to_string();
        let f = p
            .fact_id(&name)
            .unwrap_or_else(|| panic!("asked for `{name}`"));
        assert!(!asked.contains(&f), "`{name}` asked twice");
        let now = evaluate_partial(p, &known).unwrap();
        assert!(
            chosen_ids
                .iter()
                .any(|&a| now.verdicts[a].needed.contains(&f)),
            "`{name}` asked but not needed"
        );
        asked.push(f);
        known.values[f] = Some(hidden.values[f]);
        writeln!(stdin, "{}", answer(p, f, hidden.values[f])).unwrap();
    }
    let result: J = serde_json::from_str(&line).unwrap();
    let full = p.evaluate(hidden);
    for &a in &chosen_ids {
        let name = &p.action(a).name;
        assert_eq!(
            result["verdicts"][name]["verdict"],
            J::from(full.verdicts[a].verdict.as_str()),
            "{path}: {name}"
        );
    }
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
    asked.len()
}

#[test]
fn ask_asks_only_what_is_needed_and_ends_settled() {
    for path in POLICIES {
        let p = load(path);
        for hidden in synth::cases(&p, 12, 3) {
            questionnaire(path, &p, &hidden, &[]);
        }
    }
    // The two actions rest on eight facts between them (five for counterattack, four for
    // deploy_armed_forces, cabinet_decision shared): never more questions, and on average
    // clearly fewer, since an answer often settles an action.
    let p = load(DOCTRINE);
    let hidden = synth::cases(&p, 40, 4);
    let mut total = 0;
    for case in &hidden {
        let n = questionnaire(
            DOCTRINE,
            &p,
            case,
            &["counterattack", "deploy_armed_forces"],
        );
        assert!(
            n <= 8,
            "{n} questions for two actions resting on eight facts"
        );
        total += n;
    }
    assert!(
        total * 4 < hidden.len() * 8 * 3,
        "{total} questions for {} cases",
        hidden.len()
    );
}

#[test]
fn ask_asks_again_after_an_answer_that_does_not_fit() {
    let given = "cyberattack,attacker=state,last_resort,hostile_action_to_avert";
    let (code, out, err) = run(
        &["ask", DOCTRINE, "counterattack", "--given", given],
        "maybe\nno\n",
    );
    assert_eq!(code, 0, "{err}");
    let questions: Vec<&str> = out.lines().filter(|l| l.starts_with("? ")).collect();
    assert_eq!(questions.len(), 2, "{out}");
    assert_eq!(questions[0], questions[1]);
    assert_eq!(
        err,
        "error: `maybe` is not an answer to `international_legal_basis`: answer yes or no\n"
    );
    let last: J = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(last["verdicts"]["counterattack"]["verdict"], "forbidden");
}

#[test]
fn ask_ends_with_the_partial_result_when_the_input_ends() {
    let (code, out, _) = run(&["ask", DOCTRINE, "counterattack"], "");
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("? "), "{out}");
    let last: J = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(last["verdicts"]["counterattack"]["verdict"], J::Null);
    let (code, _, err) = run(&["ask", DOCTRINE, "counterattak"], "");
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `counterattack`?"), "{err}");
    let (code, _, err) = run(&["ask", DOCTRINE, "--given", "attacker=spy"], "");
    assert_eq!(code, 1);
    assert!(err.contains("`attacker` must be one of"), "{err}");
}

#[test]
fn ask_prompts_on_a_terminal() {
    use expectrl::{Eof, Regex, WaitStatus};
    let given = "cyberattack,attacker=state,last_resort,hostile_action_to_avert";
    let mut cmd = Command::new(BIN);
    cmd.args(["ask", DOCTRINE, "counterattack", "--given", given])
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    let mut session = expectrl::Session::spawn(cmd).unwrap();
    session.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
    session.expect("Settling: counterattack").unwrap();
    session.expect("internationale rechtsgrond").unwrap();
    session.expect("needed for: counterattack").unwrap();
    session.send("n").unwrap();
    session.send("\r").unwrap();
    session.expect("counterattack: forbidden").unwrap();
    session.expect("case as answered").unwrap();
    session
        .expect(Regex(
            "requirement counterattack_needs_legal_basis_and_cabinet_decision",
        ))
        .unwrap();
    session.expect(Eof).unwrap();
    let process = session.get_process();
    assert_eq!(
        process.wait().unwrap(),
        WaitStatus::Exited(process.pid(), 0)
    );

    // Ctrl-C at a question ends the run with exit code 130 and no trace.
    let mut cmd = Command::new(BIN);
    cmd.args(["ask", DOCTRINE, "counterattack"])
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    let mut session = expectrl::Session::spawn(cmd).unwrap();
    session.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
    session.expect("needed for").unwrap();
    session.send("\x03").unwrap();
    let rest = session.expect(Eof).unwrap();
    let text = String::from_utf8_lossy(rest.before()).into_owned();
    assert!(
        !text.contains("panicked") && !text.contains("error"),
        "{text}"
    );
    let process = session.get_process();
    assert_eq!(
        process.wait().unwrap(),
        WaitStatus::Exited(process.pid(), 130)
    );
}
