//! The service's answers, each a JSON text: a policy's verdicts for one case or an array of
//! them (on every core), what a partial case settles, decision trails, and the next question
//! of a questionnaire. The same JSON the command line writes, from the same engine.

use super::{Catalog, ServiceError};
use crate::analysis::{PartialEvaluator, Questionnaire};
use crate::eval::{evaluate, stream, trace};
use crate::model::{self, ArrayLines, FactType, Policy};
use crate::report::{self, JsonLines};
use serde_json::value::RawValue;
use serde_json::{Value as J, json};
use std::sync::Arc;

impl Catalog {
    /// The listing: every policy's summary.
    pub fn list(&self) -> String {
        let all: Vec<J> = self
            .entries()
            .iter()
            .map(|e| J::Object(e.summary()))
            .collect();
        json!({ "policies": all }).to_string()
    }

    /// One policy: its summary, its text as last read, its diagnostics (as `lint --format
    /// json` writes them) and, when a reload was rejected, the text that still answers.
    pub fn describe(&self, name: &str) -> Result<String, ServiceError> {
        let entry = self.entry(name).ok_or_else(|| self.unknown(name))?;
        let mut map = entry.summary();
        map.insert("source".into(), entry.source.text().into());
        let diagnostics = report::diagnostics_json(&entry.diagnostics, &entry.source);
        map.insert("diagnostics".into(), diagnostics.into());
        if let Some(p) = &entry.served
            && p.source().text() != entry.source.text()
        {
            map.insert("served_source".into(), p.source().text().into());
        }
        Ok(J::Object(map).to_string())
    }

    /// `eval`: one case object, or an array of them, evaluated; the `eval --format json`
    /// object of each (named `#1`, `#2`, ... as the command line names them).
    pub fn eval(&self, name: &str, body: &[u8]) -> Result<String, ServiceError> {
        let policy = self.served(name)?;
        let text = body_text(body)?;
        if text.trim_start().starts_with('[') {
            return eval_array(&policy, text);
        }
        let case = model::case_from_json(&policy, text).map_err(invalid)?;
        Ok(report::eval_json("#1", &evaluate(&policy, &case)))
    }

    /// `partial`: what a partial case settles, as `eval --partial --format json`.
    pub fn partial(&self, name: &str, body: &[u8]) -> Result<String, ServiceError> {
        let policy = self.served(name)?;
        let case = model::partial_case_from_json(&policy, body_text(body)?).map_err(invalid)?;
        let outcome = PartialEvaluator::new(&policy)
            .evaluate(&case)
            .map_err(|e| ServiceError::internal(e.to_string()))?;
        Ok(report::partial_json("#1", &outcome))
    }

    /// `explain`: the decision trail of every action for one case, as `explain --format
    /// json`.
    pub fn explain(&self, name: &str, body: &[u8]) -> Result<String, ServiceError> {
        let policy = self.served(name)?;
        let case = model::case_from_json(&policy, body_text(body)?).map_err(invalid)?;
        let actions: Vec<_> = (0..policy.actions().len()).collect();
        Ok(report::explain_json("#1", &trace(&policy, &case), &actions))
    }

    /// `ask`: from `{"given": {...}, "actions": [...]}`, the question `deontic ask` would
    /// ask next (or `null` when every chosen action is settled), the partial outcome, the
    /// decision trails of the chosen actions that are settled, and the facts those trails
    /// take at their first value because they were not given.
    pub fn ask(&self, name: &str, body: &[u8]) -> Result<String, ServiceError> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Asked<'a> {
            #[serde(borrow, default)]
            given: Option<&'a RawValue>,
            #[serde(default)]
            actions: Vec<String>,
        }
        let policy = self.served(name)?;
        let asked: Asked = serde_json::from_str(body_text(body)?)
            .map_err(|e| ServiceError::invalid(format!("invalid question: {e}")))?;
        let chosen = policy
            .actions_named(&asked.actions)
            .map_err(ServiceError::invalid)?;
        let given = match asked.given {
            Some(raw) => model::partial_case_from_json(&policy, raw.get()).map_err(invalid)?,
            None => model::PartialCase {
                values: vec![None; policy.facts().len()],
            },
        };
        let internal = |e: crate::analysis::AnalysisError| ServiceError::internal(e.0);
        let mut q = Questionnaire::new(&policy, &chosen, given).map_err(internal)?;
        let question = match q.next_question().map_err(internal)? {
            Some(question) => {
                let fact = policy.fact(question.fact);
                let mut j = json!({
                    "fact": fact.name,
                    "type": super::describe::type_word(&fact.ty),
                    "description": fact.description,
                });
                match &fact.ty {
                    FactType::Bool => {}
                    FactType::Enum(variants) => j["values"] = json!(variants),
                    FactType::Int { lo, hi } => {
                        j["min"] = json!(lo);
                        j["max"] = json!(hi);
                    }
                }
                let needed: Vec<&str> = question
                    .needed_for
                    .iter()
                    .map(|&a| policy.action(a).name.as_str())
                    .collect();
                j["needed_for"] = json!(needed);
                j
            }
            None => J::Null,
        };
        let outcome = q.outcome();
        let settled: Vec<_> = chosen
            .iter()
            .copied()
            .filter(|&a| outcome.verdicts[a].verdict.is_some())
            .collect();
        let traced = trace(&policy, &q.case().completed(&policy));
        let explain: J =
            serde_json::from_str(&report::explain_json("as answered", &traced, &settled))
                .unwrap_or(J::Null);
        let partial: J =
            serde_json::from_str(&report::partial_json("as answered", outcome)).unwrap_or(J::Null);
        let assumed: Vec<&str> = outcome
            .unknown
            .iter()
            .map(|&f| policy.fact(f).name.as_str())
            .collect();
        Ok(json!({
            "question": question,
            "partial": partial,
            "explain": explain,
            "assumed": assumed,
        })
        .to_string())
    }

    /// The version of a policy that answers, or why there is none.
    fn served(&self, name: &str) -> Result<Arc<Policy>, ServiceError> {
        let entry = self.entry(name).ok_or_else(|| self.unknown(name))?;
        match &entry.served {
            Some(p) => Ok(p.clone()),
            None => {
                let n = entry.diagnostics.len();
                Err(ServiceError::has_errors(
                    format!(
                        "policy `{name}` has {n} static error{}; fix {} to evaluate cases",
                        if n == 1 { "" } else { "s" },
                        if n == 1 { "it" } else { "them" },
                    ),
                    report::diagnostics_json(&entry.diagnostics, &entry.source),
                ))
            }
        }
    }

    fn unknown(&self, name: &str) -> ServiceError {
        let names = self.entries().iter().map(|e| e.name.as_str());
        let mut message = format!("no policy named `{name}`");
        if let Some(hint) = crate::diagnostic::did_you_mean(name, names) {
            message.push_str(&format!("; {hint}"));
        }
        ServiceError::not_found(message)
    }
}

fn invalid(e: model::CaseError) -> ServiceError {
    ServiceError::invalid(format!("invalid case: {e}"))
}

/// The body as text: UTF-8, and not empty.
fn body_text(body: &[u8]) -> Result<&str, ServiceError> {
    let text = std::str::from_utf8(body)
        .map_err(|e| ServiceError::invalid(format!("the body is not UTF-8: {e}")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ServiceError::invalid(
            "the body is empty; send a JSON case object",
        ));
    }
    Ok(text)
}

/// An array of cases, evaluated on every core in input order, answered as a JSON array; the
/// first invalid case makes the whole answer an error that names it.
fn eval_array(policy: &Policy, text: &str) -> Result<String, ServiceError> {
    let mut lines = ArrayLines::new(text.as_bytes());
    let writer = JsonLines::new(policy);
    let mut out = Vec::with_capacity(text.len());
    let streamed = stream::eval_lines(policy, Vec::new(), &mut lines, &writer, &mut out);
    if let Some(e) = streamed.error {
        return Err(ServiceError::invalid(format!("invalid JSON: {e}")));
    }
    let out = String::from_utf8(out).map_err(|e| ServiceError::internal(e.to_string()))?;
    if streamed.invalid {
        let first = out
            .lines()
            .filter_map(|l| serde_json::from_str::<J>(l).ok())
            .find(|j| j.get("error").is_some());
        let message = match first {
            Some(j) => format!(
                "invalid case {}: {}",
                j["case"].as_str().unwrap_or("?"),
                j["error"].as_str().unwrap_or("?")
            ),
            None => "invalid case".to_string(),
        };
        return Err(ServiceError::invalid(message));
    }
    let mut answer = String::with_capacity(out.len() + 2);
    answer.push('[');
    for (i, line) in out.lines().enumerate() {
        if i > 0 {
            answer.push(',');
        }
        answer.push_str(line);
    }
    answer.push(']');
    Ok(answer)
}
