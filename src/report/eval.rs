//! Evaluation results as an aligned table or as one JSON line per case.

use crate::eval::stream::WriteCase;
use crate::eval::{Evaluator, Outcome, Verdict};
use crate::model::{CaseError, FactId, Policy, Value};
use serde_json::{Map, Value as J, json};

/// An aligned table of action, verdict and deciding rules, then the derived facts.
pub fn eval_human(case_name: &str, out: &Outcome) -> String {
    let p = out.policy();
    let rows: Vec<[String; 3]> = p
        .actions()
        .iter()
        .zip(&out.verdicts)
        .map(|(a, v)| {
            let by: Vec<&str> = v.by.iter().map(|&r| p.rule(r).id.as_str()).collect();
            let by = if by.is_empty() {
                "-".to_string()
            } else {
                by.join(", ")
            };
            [a.name.clone(), v.verdict.as_str().to_string(), by]
        })
        .collect();
    let header = ["action", "verdict", "by"];
    let w0 = rows
        .iter()
        .map(|r| r[0].len())
        .chain([header[0].len()])
        .max()
        .unwrap_or(0);
    let w1 = rows
        .iter()
        .map(|r| r[1].len())
        .chain([header[1].len()])
        .max()
        .unwrap_or(0);
    let mut s = format!("case {case_name}\n");
    let mut line = |r: [&str; 3]| {
        s.push_str(format!("  {:w0$}  {:w1$}  {}", r[0], r[1], r[2]).trim_end());
        s.push('\n');
    };
    line(header);
    for r in &rows {
        line([&r[0], &r[1], &r[2]]);
    }
    let derived: Vec<_> = p.derived_facts().collect();
    if !derived.is_empty() {
        s.push_str("  derived:");
        for f in derived {
            let v = out.values[f] == Value::Bool(true);
            s.push_str(&format!(" {}={v}", p.fact(f).name));
        }
        s.push('\n');
    }
    s
}

/// One JSON object on one line: `case`, `verdicts` (in action order), `derived`.
pub fn eval_json(case_name: &str, out: &Outcome) -> String {
    let p = out.policy();
    let mut verdicts = Map::new();
    for (a, v) in p.actions().iter().zip(&out.verdicts) {
        let by: Vec<&str> = v.by.iter().map(|&r| p.rule(r).id.as_str()).collect();
        verdicts.insert(
            a.name.clone(),
            json!({"verdict": v.verdict.as_str(), "by": by}),
        );
    }
    let mut derived = Map::new();
    for f in p.derived_facts() {
        derived.insert(
            p.fact(f).name.clone(),
            J::Bool(out.values[f] == Value::Bool(true)),
        );
    }
    json!({"case": case_name, "verdicts": verdicts, "derived": derived}).to_string()
}

/// The JSON line for a case that could not be evaluated.
pub fn eval_json_error(case_name: &str, message: &str) -> String {
    json!({"case": case_name, "error": message}).to_string()
}

/// The human form of a case that could not be evaluated, blank line included.
pub fn eval_invalid_human(case_name: &str, error: &CaseError) -> String {
    format!("case {case_name}\n  invalid: {error}\n\n")
}

/// `eval --format human` for [`eval_lines`](crate::eval::stream::eval_lines): the table
/// of each case, named `#N`.
#[derive(Clone, Copy, Debug, Default)]
pub struct HumanLines;

impl WriteCase for HumanLines {
    fn verdicts(&self, n: usize, evaluator: &Evaluator, out: &mut Vec<u8>) {
        let text = eval_human(&format!("#{n}"), &evaluator.outcome());
        out.extend_from_slice(text.as_bytes());
        out.push(b'\n');
    }

    fn invalid(&self, n: usize, error: &CaseError, out: &mut Vec<u8>) {
        out.extend_from_slice(eval_invalid_human(&format!("#{n}"), error).as_bytes());
    }
}

impl WriteCase for JsonLines {
    fn verdicts(&self, n: usize, evaluator: &Evaluator, out: &mut Vec<u8>) {
        self.write_numbered(n, evaluator, out);
    }

    fn invalid(&self, n: usize, error: &CaseError, out: &mut Vec<u8>) {
        out.extend_from_slice(eval_json_error(&format!("#{n}"), &error.to_string()).as_bytes());
        out.push(b'\n');
    }
}

/// `eval --format json` written straight from an [`Evaluator`]'s verdicts: the same bytes as
/// [`eval_json`], with every name escaped once, up front, and nothing allocated per case.
#[derive(Clone, Debug)]
pub struct JsonLines {
    /// Per action and verdict (in [`VERDICTS`] order): `"name":{"verdict":"word","by":[`.
    actions: Vec<[Vec<u8>; 5]>,
    /// Per rule: its id as a JSON string.
    rules: Vec<Vec<u8>>,
    /// Per derived fact: the fact and `"name":`.
    derived: Vec<(FactId, Vec<u8>)>,
}

const VERDICTS: [Verdict; 5] = Verdict::ALL;

fn quoted(s: &str) -> Vec<u8> {
    J::String(s.to_string()).to_string().into_bytes()
}

impl JsonLines {
    /// The writer for `p`, its names escaped once.
    pub fn new(p: &Policy) -> Self {
        JsonLines {
            actions: p
                .actions()
                .iter()
                .map(|a| {
                    VERDICTS.map(|v| {
                        let mut s = quoted(&a.name);
                        s.extend_from_slice(b":{\"verdict\":\"");
                        s.extend_from_slice(v.as_str().as_bytes());
                        s.extend_from_slice(b"\",\"by\":[");
                        s
                    })
                })
                .collect(),
            rules: p.rules().iter().map(|r| quoted(&r.id)).collect(),
            derived: p
                .derived_facts()
                .map(|f| {
                    let mut v = quoted(&p.fact(f).name);
                    v.push(b':');
                    (f, v)
                })
                .collect(),
        }
    }

    /// Appends the line of the case `#n` (newline included).
    pub fn write_numbered(&self, n: usize, ev: &Evaluator, out: &mut Vec<u8>) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut x = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (x % 10) as u8;
            x /= 10;
            if x == 0 {
                break;
            }
        }
        out.extend_from_slice(b"{\"case\":\"#");
        out.extend_from_slice(&digits[i..]);
        out.push(b'"');
        self.write_rest(ev, out);
    }

    /// Appends the line of a case with any name (newline included).
    pub fn write_named(&self, name: &str, ev: &Evaluator, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"case\":");
        out.extend_from_slice(&quoted(name));
        self.write_rest(ev, out);
    }

    fn write_rest(&self, ev: &Evaluator, out: &mut Vec<u8>) {
        out.extend_from_slice(b",\"verdicts\":{");
        for (a, head) in self.actions.iter().enumerate() {
            if a > 0 {
                out.push(b',');
            }
            let v = ev.verdict(a);
            out.extend_from_slice(&head[VERDICTS.iter().position(|x| *x == v).unwrap_or(0)]);
            for (i, &r) in ev.by(a).iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(&self.rules[r]);
            }
            out.extend_from_slice(b"]}");
        }
        out.extend_from_slice(b"},\"derived\":{");
        for (i, (f, head)) in self.derived.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(head);
            out.extend_from_slice(if ev.bool_fact(*f) { b"true" } else { b"false" });
        }
        out.extend_from_slice(b"}}\n");
    }
}
