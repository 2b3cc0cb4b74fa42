//! The service's answers, each a JSON text: a policy's verdicts for one case or an array of
//! them (on every core), what a partial case settles, decision trails, and the next question
//! of a questionnaire. The same JSON the command line writes, from the same engine.

use super::{Catalog, Served, ServiceError};
use crate::analysis::{PartialEvaluator, Questionnaire};
use crate::eval::{Evaluator, trace, with_evaluator};
use crate::model;
use crate::report;
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
        if let Some(s) = &entry.served
            && s.policy.source().text() != entry.source.text()
        {
            map.insert("served_source".into(), s.policy.source().text().into());
        }
        Ok(J::Object(map).to_string())
    }

    /// `eval`: one case object, or an array of them, evaluated; the `eval --format json`
    /// object of each (named `#1`, `#2`, ... as the command line names them).
    pub fn eval(&self, name: &str, body: &[u8]) -> Result<String, ServiceError> {
        let served = self.served(name)?;
        let text = body_text(body)?;
        if text.trim_start().starts_with('[') {
            return eval_array(&served, text);
        }
        let mut out = Vec::with_capacity(1024);
        with_evaluator(&served.policy, |ev| {
            let mut seen = vec![0; served.reader.seen_words()];
            eval_one(&served, ev, &mut seen, text, 1, &mut out)
        })
        .map_err(invalid)?;
        out.pop();
        String::from_utf8(out).map_err(|e| ServiceError::internal(e.to_string()))
    }

    /// `partial`: what a partial case settles, as `eval --partial --format json`.
    pub fn partial(&self, name: &str, body: &[u8]) -> Result<String, ServiceError> {
        let served = self.served(name)?;
        let policy = &served.policy;
        let case = model::partial_case_from_json(policy, body_text(body)?).map_err(invalid)?;
        let outcome = PartialEvaluator::new(policy)
            .evaluate(&case)
            .map_err(|e| ServiceError::internal(e.to_string()))?;
        Ok(report::partial_json("#1", &outcome))
    }

    /// `explain`: the decision trail of every action for one case, as `explain --format
    /// json`.
    pub fn explain(&self, name: &str, body: &[u8]) -> Result<String, ServiceError> {
        let served = self.served(name)?;
        let policy = &served.policy;
        let case = model::case_from_json(policy, body_text(body)?).map_err(invalid)?;
        let actions: Vec<_> = (0..policy.actions().len()).collect();
        Ok(report::explain_json("#1", &trace(policy, &case), &actions))
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
        let served = self.served(name)?;
        let policy = &served.policy;
        let text = body_text(body)?;
        if !text.trim_start().starts_with('{') {
            return Err(ServiceError::invalid(
                "invalid question: send a JSON object `{\"given\": {...}, \"actions\": [...]}`",
            ));
        }
        let asked: Asked = serde_json::from_str(text)
            .map_err(|e| ServiceError::invalid(format!("invalid question: {e}")))?;
        let chosen = policy
            .actions_named(&asked.actions)
            .map_err(ServiceError::invalid)?;
        let given = match asked.given {
            Some(raw) => model::partial_case_from_json(policy, raw.get()).map_err(invalid)?,
            None => model::PartialCase {
                values: vec![None; policy.facts().len()],
            },
        };
        let internal = |e: crate::analysis::AnalysisError| ServiceError::internal(e.0);
        let mut q = Questionnaire::new(policy, &chosen, given).map_err(internal)?;
        let question = match q.next_question().map_err(internal)? {
            Some(question) => {
                let mut j = super::describe::fact_json("fact", policy.fact(question.fact));
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
        let traced = trace(policy, &q.case().completed(policy));
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
    fn served(&self, name: &str) -> Result<Arc<Served>, ServiceError> {
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

/// One case's JSON text read (the fast flat reader first) and evaluated, its answer
/// appended to `out` as `eval --format json` writes case `#n`, newline included.
fn eval_one(
    served: &Served,
    ev: &mut Evaluator,
    seen: &mut [u64],
    text: &str,
    n: usize,
    out: &mut Vec<u8>,
) -> Result<(), model::CaseError> {
    let text = text.trim();
    if !served.reader.read(text.as_bytes(), ev, seen) {
        let case = model::case_from_json(&served.policy, text)?;
        ev.load(&case);
    }
    ev.run();
    served.writer.write_numbered(n, ev, out);
    Ok(())
}

/// Cases below this many are evaluated on one thread.
const PER_THREAD: usize = 512;

/// An array of cases, evaluated on every core in input order, answered as a JSON array; the
/// first invalid case makes the whole answer an error that names it.
fn eval_array(served: &Served, text: &str) -> Result<String, ServiceError> {
    let items: Vec<&RawValue> = serde_json::from_str(text)
        .map_err(|e| ServiceError::invalid(format!("invalid JSON: {e}")))?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(items.len().div_ceil(PER_THREAD)).max(1);
    let chunk = items.len().div_ceil(threads).max(1);
    let run = |first: usize, part: &[&RawValue]| {
        with_evaluator(&served.policy, |ev| {
            let mut seen = vec![0; served.reader.seen_words()];
            let mut out = Vec::with_capacity(part.len() * 512);
            for (i, raw) in part.iter().enumerate() {
                let n = first + i + 1;
                eval_one(served, ev, &mut seen, raw.get(), n, &mut out).map_err(|e| (n, e))?;
                // Each answer's newline becomes the array's comma.
                if let Some(last) = out.last_mut() {
                    *last = b',';
                }
            }
            Ok::<_, (usize, model::CaseError)>(out)
        })
    };
    let parts: Vec<_> = if threads == 1 {
        vec![run(0, &items)]
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = items
                .chunks(chunk)
                .enumerate()
                .map(|(k, part)| s.spawn(move || run(k * chunk, part)))
                .collect();
            handles
                .into_iter()
                // A thread that panicked (it is logged) answers nothing: an internal error.
                .map(|h| {
                    h.join()
                        .unwrap_or(Err((0, model::CaseError::Malformed(String::new()))))
                })
                .collect()
        })
    };
    let mut answer = Vec::with_capacity(
        parts
            .iter()
            .map(|p| p.as_ref().map_or(0, Vec::len))
            .sum::<usize>()
            + 2,
    );
    answer.push(b'[');
    for part in parts {
        let part = part.map_err(|(n, e)| match n {
            0 => ServiceError::internal("internal error: the evaluation of the array failed"),
            n => ServiceError::invalid(format!("invalid case #{n}: {e}")),
        })?;
        answer.extend_from_slice(&part);
    }
    if answer.len() > 1 {
        answer.pop();
    }
    answer.push(b']');
    String::from_utf8(answer).map_err(|e| ServiceError::internal(e.to_string()))
}
