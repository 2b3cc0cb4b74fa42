//! Code lenses and the commands they run: on each case block, whether it passes and the
//! verdicts it expects ("run this case" shows the whole table); on each rule, "explain a
//! case where it fires" (a small firing case from the solver, and its decision trail).

use super::documents::Document;
use super::position::{Encoding, range};
use super::server::RequestError;
use crate::analysis::firing_case;
use crate::eval::trace;
use crate::model::{CaseBlock, ExpectTarget, Policy, Target};
use crate::report::{eval_human, explain_human, miss_text};
use crate::source::Span;
use crate::testing::run_case;
use lsp_types::{CodeLens, Command};
use serde_json::{Value, json};

/// The command a case block's lens runs: `[uri, case name]`.
pub const RUN_CASE: &str = "deontic.runCase";
/// The command a rule's lens runs: `[uri, rule id]`.
pub const EXPLAIN_RULE: &str = "deontic.explainRule";

/// The lenses of a document: one per case block and one per rule of the policy of its
/// items without errors.
pub fn lenses(doc: &Document, encoding: Encoding) -> Vec<CodeLens> {
    let Some(policy) = doc.analysed().policy.as_deref() else {
        return Vec::new();
    };
    let uri = json!(doc.uri.as_str());
    let mut out = Vec::new();
    for block in policy.cases() {
        let start = Span::new(block.span.start, block.span.start + "case".len());
        out.push(CodeLens {
            range: range(&doc.source, start, encoding),
            command: Some(Command {
                title: case_title(policy, block),
                command: RUN_CASE.into(),
                arguments: Some(vec![uri.clone(), json!(block.name)]),
            }),
            data: None,
        });
    }
    for rule in policy.rules() {
        out.push(CodeLens {
            range: range(&doc.source, rule.name_span, encoding),
            command: Some(Command {
                title: "explain a case where it fires".into(),
                command: EXPLAIN_RULE.into(),
                arguments: Some(vec![uri.clone(), json!(rule.id)]),
            }),
            data: None,
        });
    }
    out.sort_by_key(|l| (l.range.start.line, l.range.start.character));
    out
}

/// `pass: x permitted, y forbidden`, or `fail: ...` with what each miss expected; every
/// action's verdict when the block expects nothing.
fn case_title(policy: &Policy, block: &CaseBlock) -> String {
    let run = run_case(policy, block);
    let name = |t: ExpectTarget| match t {
        ExpectTarget::Action(a) => &policy.action(a).name,
        ExpectTarget::Fact(f) => &policy.fact(f).name,
    };
    if block.expectations.is_empty() {
        let verdicts: Vec<String> = policy
            .actions()
            .iter()
            .zip(&run.outcome.verdicts)
            .map(|(a, v)| format!("{} {}", a.name, v.verdict))
            .collect();
        return format!("run: {}", verdicts.join(", "));
    }
    let parts: Vec<String> = block
        .expectations
        .iter()
        .map(|x| {
            let actual = run.outcome.word(x.target);
            if actual == x.word {
                format!("{} {actual}", name(x.target))
            } else {
                format!("{} {actual} (expected {})", name(x.target), x.word)
            }
        })
        .collect();
    let verdict = if run.misses.is_empty() {
        "pass"
    } else {
        "fail"
    };
    format!("{verdict}: {}", parts.join(", "))
}

/// What a command reports: its result, and the text to show the user.
pub struct Report {
    /// The command's result.
    pub result: Value,
    /// What to show.
    pub message: String,
}

/// Runs a case block by name: its table of verdicts and whether its expectations hold.
pub fn run_case_command(doc: &Document, name: &str) -> Result<Report, RequestError> {
    let policy = doc
        .analysed()
        .policy
        .as_deref()
        .ok_or_else(|| RequestError::failed("the policy has errors; its cases cannot run"))?;
    let block = policy
        .cases()
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| RequestError::failed(format!("no case block is named `{name}`")))?;
    let run = run_case(policy, block);
    let misses: Vec<String> = run.misses.iter().map(miss_text).collect();
    let passed = misses.is_empty();
    let mut message = format!(
        "{} case {}\n",
        if passed { "PASS" } else { "FAIL" },
        crate::model::quote(name)
    );
    for m in &misses {
        message.push_str(&format!("    {m}\n"));
    }
    message.push_str(&eval_human(&crate::model::quote(name), &run.outcome));
    let verdicts: serde_json::Map<String, Value> = policy
        .actions()
        .iter()
        .zip(&run.outcome.verdicts)
        .map(|(a, v)| (a.name.clone(), json!(v.verdict.as_str())))
        .collect();
    Ok(Report {
        result: json!({"case": name, "passed": passed, "misses": misses, "verdicts": verdicts}),
        message,
    })
}

/// A small case where a rule fires, as a `case` block, and the decision trail of the actions
/// it concludes on (of every action, for a rule that derives a fact).
pub fn explain_rule_command(doc: &Document, id: &str) -> Result<Report, RequestError> {
    let policy = doc.analysed().policy.as_deref().ok_or_else(|| {
        RequestError::failed("the policy has errors; its rules cannot be explained")
    })?;
    let r = policy
        .rule_id(id)
        .ok_or_else(|| RequestError::failed(format!("no rule has the id `{id}`")))?;
    let case = firing_case(policy, r).map_err(|e| RequestError::failed(e.to_string()))?;
    let Some(case) = case else {
        let message = format!("rule `{id}` fires in no valid case");
        return Ok(Report {
            result: json!({"rule": id, "case": null, "explanation": message}),
            message,
        });
    };
    let mut actions: Vec<usize> = policy
        .rule(r)
        .conclusions
        .iter()
        .filter_map(|c| match c.target {
            Target::Action(a, _) => Some(a),
            Target::Fact(_) => None,
        })
        .collect();
    actions.dedup();
    if actions.is_empty() {
        actions = (0..policy.actions().len()).collect();
    }
    let block = policy.case_text(&format!("{id} fires"), &case, &[]);
    let traced = trace(policy, &case);
    let explanation = explain_human(
        &crate::model::quote(&format!("{id} fires")),
        &traced,
        &actions,
    );
    Ok(Report {
        result: json!({"rule": id, "case": block, "explanation": explanation}),
        message: format!("{block}\n{explanation}"),
    })
}
