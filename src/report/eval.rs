//! Evaluation results as an aligned table or as one JSON line per case.

use crate::eval::Outcome;
use crate::model::Value;
use serde_json::{Map, Value as J, json};

/// An aligned table of action, verdict and deciding rules, then the derived facts.
pub fn eval_human(case_name: &str, out: &Outcome) -> String {
    let p = out.policy();
    let rows: Vec<[String; 3]> = p
        .actions
        .iter()
        .zip(&out.verdicts)
        .map(|(a, v)| {
            let by: Vec<&str> = v.by.iter().map(|&r| p.rules[r].id.as_str()).collect();
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
            s.push_str(&format!(" {}={v}", p.facts[f].name));
        }
        s.push('\n');
    }
    s
}

/// One JSON object on one line: `case`, `verdicts` (in action order), `derived`.
pub fn eval_json(case_name: &str, out: &Outcome) -> String {
    let p = out.policy();
    let mut verdicts = Map::new();
    for (a, v) in p.actions.iter().zip(&out.verdicts) {
        let by: Vec<&str> = v.by.iter().map(|&r| p.rules[r].id.as_str()).collect();
        verdicts.insert(
            a.name.clone(),
            json!({"verdict": v.verdict.as_str(), "by": by}),
        );
    }
    let mut derived = Map::new();
    for f in p.derived_facts() {
        derived.insert(
            p.facts[f].name.clone(),
            J::Bool(out.values[f] == Value::Bool(true)),
        );
    }
    json!({"case": case_name, "verdicts": verdicts, "derived": derived}).to_string()
}

/// The JSON line for a case that could not be evaluated.
pub fn eval_json_error(case_name: &str, message: &str) -> String {
    json!({"case": case_name, "error": message}).to_string()
}
