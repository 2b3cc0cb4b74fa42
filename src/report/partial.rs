//! Partial evaluation results as an aligned table (verdict or `?`, the verdicts still
//! possible, the facts that would settle it) or as one JSON line per case.

use crate::analysis::{PartialOutcome, WritePartial};
use crate::model::FactId;

/// `eval --partial --format json`: the case's name, then the outcome's verdicts, derived
/// facts and unknown facts.
pub fn partial_json(case_name: &str, out: &PartialOutcome) -> String {
    let mut line = serde_json::Map::new();
    line.insert("case".into(), case_name.into());
    if let Ok(serde_json::Value::Object(rest)) = serde_json::to_value(out) {
        line.extend(rest);
    }
    serde_json::Value::Object(line).to_string()
}

fn names(out: &PartialOutcome, facts: &[FactId]) -> String {
    if facts.is_empty() {
        return "-".into();
    }
    facts
        .iter()
        .map(|&f| out.policy().fact(f).name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `eval --partial --format human`: per action its verdict (`?` while facts are missing),
/// the verdicts still possible and the unknown facts that can change it; then the derived
/// facts (`?` when not settled) and the facts not given.
pub fn partial_human(case_name: &str, out: &PartialOutcome) -> String {
    let p = out.policy();
    let header = ["action", "verdict", "possible", "needed"].map(str::to_string);
    let mut rows = vec![header];
    for (a, v) in p.actions().iter().zip(&out.verdicts) {
        let possible: Vec<&str> = v.possible.iter().map(|w| w.as_str()).collect();
        rows.push([
            a.name.clone(),
            v.verdict.map_or("?", |w| w.as_str()).to_string(),
            possible.join(", "),
            names(out, &v.needed),
        ]);
    }
    let width = |k: usize| rows.iter().map(|r| r[k].chars().count()).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let mut s = format!("case {case_name}\n");
    for r in &rows {
        let line = format!("  {:w0$}  {:w1$}  {:w2$}  {}", r[0], r[1], r[2], r[3]);
        s.push_str(line.trim_end());
        s.push('\n');
    }
    if !out.derived.is_empty() {
        s.push_str("  derived:");
        for &(f, v) in &out.derived {
            let v = v.map_or("?".to_string(), |b| b.to_string());
            s.push_str(&format!(" {}={v}", p.fact(f).name));
        }
        s.push('\n');
    }
    s.push_str(&format!("  unknown: {}\n", names(out, &out.unknown)));
    s
}

/// `eval --partial --format json` for [`partial_lines`](crate::analysis::partial_lines).
#[derive(Clone, Copy, Debug, Default)]
pub struct PartialJsonLines;

impl WritePartial for PartialJsonLines {
    fn outcome(&self, n: usize, outcome: &PartialOutcome, out: &mut Vec<u8>) {
        out.extend_from_slice(partial_json(&format!("#{n}"), outcome).as_bytes());
        out.push(b'\n');
    }

    fn invalid(&self, n: usize, error: &str, out: &mut Vec<u8>) {
        out.extend_from_slice(super::eval_json_error(&format!("#{n}"), error).as_bytes());
        out.push(b'\n');
    }
}

/// `eval --partial --format human` for [`partial_lines`](crate::analysis::partial_lines).
#[derive(Clone, Copy, Debug, Default)]
pub struct PartialHumanLines;

impl WritePartial for PartialHumanLines {
    fn outcome(&self, n: usize, outcome: &PartialOutcome, out: &mut Vec<u8>) {
        out.extend_from_slice(partial_human(&format!("#{n}"), outcome).as_bytes());
        out.push(b'\n');
    }

    fn invalid(&self, n: usize, error: &str, out: &mut Vec<u8>) {
        out.extend_from_slice(format!("case #{n}\n  invalid: {error}\n\n").as_bytes());
    }
}
