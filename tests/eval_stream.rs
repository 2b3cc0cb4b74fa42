//! The fast paths of `eval` against the plain ones: the flat JSON reader against
//! `case_from_json`, the JSON writer against `report::eval_json`, and the parallel JSON
//! Lines pipeline of the command line against the serial loop, on inputs long enough to
//! span many chunks.

use deontic::Policy;
use deontic::eval::Evaluator;
use deontic::eval::FastReader;
use deontic::model::Value;
use deontic::model::{self, CaseForm, case_from_json};
use deontic::report::{JsonLines, eval_json, eval_json_error};
use deontic::synth::{self, Rng};
use std::process::{Command, Stdio};

fn policies() -> Vec<Policy> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("policies").unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        out.push(Policy::parse(path.display().to_string(), text).unwrap());
    }
    out.push(Policy::parse("synth.policy", synth::policy(200, 3)).unwrap());
    out
}

/// The case the fast path read, over the input facts.
fn read_back(p: &Policy, ev: &Evaluator) -> Vec<Value> {
    p.input_facts().map(|f| ev.value(f)).collect()
}

fn inputs(p: &Policy, values: &[Value]) -> Vec<Value> {
    p.input_facts().map(|f| values[f]).collect()
}

#[test]
fn the_writer_writes_what_eval_json_writes() {
    for p in policies() {
        let json = JsonLines::new(&p);
        let mut ev = Evaluator::new(&p);
        for (i, case) in synth::cases(&p, 300, 5).iter().enumerate() {
            ev.evaluate(case);
            let mut out = Vec::new();
            json.write_numbered(i + 1, &ev, &mut out);
            let want = eval_json(&format!("#{}", i + 1), &p.evaluate(case)) + "\n";
            assert_eq!(String::from_utf8(out).unwrap(), want);
            let mut out = Vec::new();
            json.write_named("a \"quoted\"\tname", &ev, &mut out);
            let want = eval_json("a \"quoted\"\tname", &p.evaluate(case)) + "\n";
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }
}

/// Lines that are valid, and variants of them that the fast path must leave alone or read
/// exactly as `case_from_json` does.
fn variants(p: &Policy, line: &str, g: &mut Rng) -> Vec<String> {
    let mut out = vec![line.to_string()];
    let edits: &[(&str, &str)] = &[
        (":", " : "),
        (",", " ,\t"),
        ("{", "{ "),
        ("}", " }"),
        ("true", "1"),
        ("false", "null"),
        ("false", "False"),
        ("true", "truex"),
        ("\"", "\\\""),
        (":\"", ":\"\\u0041"),
        (",", ",,"),
        ("}", ",}"),
        ("}", "}}"),
        ("}", "} x"),
        ("0", "00"),
        ("1", "1.0"),
        ("2", "2e1"),
        ("3", "-0"),
        (":1", ":-1"),
        (":", ": 99999999999999999999"),
        (":", ":\u{a0}"),
        ("\"", "\"x"),
        ("a", "A"),
    ];
    for &(from, to) in edits {
        let hits: Vec<usize> = line.match_indices(from).map(|(i, _)| i).collect();
        if hits.is_empty() {
            continue;
        }
        let at = hits[g.below(hits.len() as u64) as usize];
        out.push(format!("{}{to}{}", &line[..at], &line[at + from.len()..]));
    }
    // A fact given twice, a fact dropped, a derived fact given, an action given.
    if let Some(end) = line.find(',') {
        out.push(format!("{},{}", &line[..line.len() - 1], &line[1..end]));
        out.push(format!("{{{}", &line[end + 1..]));
    }
    if let Some(f) = p.derived_facts().next() {
        out.push(format!(
            "{},\"{}\":true}}",
            &line[..line.len() - 1],
            p.facts()[f].name
        ));
    }
    if let Some(a) = p.actions().first() {
        out.push(format!("{{\"{}\":true}}", a.name));
    }
    out.push("{}".into());
    out.push("[]".into());
    out
}

#[test]
fn the_flat_reader_reads_exactly_what_case_from_json_reads() {
    let mut g = Rng::new(11);
    let (mut fast, mut total) = (0, 0);
    for p in policies() {
        let flat = FastReader::new(&p);
        let mut ev = Evaluator::new(&p);
        let mut seen = vec![0; flat.seen_words()];
        for case in synth::cases(&p, 200, 9) {
            let line = synth::case_json(&p, &case);
            for v in variants(&p, &line, &mut g) {
                let v = v.trim();
                total += 1;
                let slow = case_from_json(&p, v);
                if flat.read(v.as_bytes(), &mut ev, &mut seen) {
                    fast += 1;
                    let slow = slow.unwrap_or_else(|e| panic!("fast path read {v}, slow: {e}"));
                    assert_eq!(read_back(&p, &ev), inputs(&p, &slow.values), "{v}");
                }
            }
            assert!(flat.read(line.as_bytes(), &mut ev, &mut seen), "{line}");
        }
    }
    assert!(fast > total / 10, "the fast path read {fast} of {total}");
}

fn deontic(args: &[&str], stdin: &[u8]) -> (Vec<u8>, i32) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_deontic"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (out.stdout, out.status.code().unwrap())
}

#[test]
fn the_pipeline_keeps_input_order_over_many_chunks() {
    let path = "policies/nl-cyber-response.policy";
    let p = Policy::parse(path, std::fs::read_to_string(path).unwrap()).unwrap();
    let mut g = Rng::new(4);
    let mut text = String::new();
    let cases = synth::cases(&p, 2000, 8);
    for i in 0..60_000 {
        match g.below(100) {
            0 => text.push_str("   \n"),
            1 => text.push_str("{\"attacker\":\"nobody\"}\n"),
            2 => text.push_str("{\"attacker\":\"state\",\"attacker\":\"state\"}\n"),
            3 => text.push_str("\u{a0}\n"),
            _ => {
                text.push_str(&synth::case_json(&p, &cases[i % cases.len()]));
                text.push('\n');
            }
        }
    }
    text.push_str("{\"attacker\":\"criminal\"}");
    let mut want = String::new();
    model::read_cases(&p, text.as_bytes(), CaseForm::Lines, |n, case| {
        let line = match case {
            Ok(case) => eval_json(&format!("#{n}"), &p.evaluate(&case)),
            Err(e) => eval_json_error(&format!("#{n}"), &e.to_string()),
        };
        want.push_str(&line);
        want.push('\n');
        Ok(())
    })
    .unwrap();
    let (out, code) = deontic(&["eval", path, "-", "--format", "json"], text.as_bytes());
    assert_eq!(code, 1, "some cases are invalid");
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.lines().count(), want.lines().count());
    assert!(out == want, "the output differs from the serial loop");
    // The human form goes through the same pipeline.
    let short: String = text.lines().take(3000).map(|l| format!("{l}\n")).collect();
    let (human, _) = deontic(&["eval", path, "-"], short.as_bytes());
    let mut want = String::new();
    model::read_cases(&p, short.as_bytes(), CaseForm::Lines, |n, case| {
        match case {
            Ok(case) => want.push_str(&format!(
                "{}\n",
                deontic::report::eval_human(&format!("#{n}"), &p.evaluate(&case))
            )),
            Err(e) => want.push_str(&format!("case #{n}\n  invalid: {e}\n\n")),
        }
        Ok(())
    })
    .unwrap();
    assert!(String::from_utf8(human).unwrap() == want);
}

#[test]
fn a_closed_output_pipe_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader, Write};
    let path = "policies/nl-cyber-response.policy";
    let p = Policy::parse(path, std::fs::read_to_string(path).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&cases).unwrap());
    for case in synth::cases(&p, 50_000, 1) {
        writeln!(f, "{}", synth::case_json(&p, &case)).unwrap();
    }
    f.flush().unwrap();
    drop(f);
    let mut child = Command::new(env!("CARGO_BIN_EXE_deontic"))
        .args(["eval", path, cases.to_str().unwrap(), "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("{\"case\":\"#1\""), "{first}");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
