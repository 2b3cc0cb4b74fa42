//! `deontic eval --partial`: what the facts given settle, and what they leave open, for
//! partial cases from a file, standard input, `--given` or the policy's own case blocks.

use super::EvalFormat;
use super::common::{NO_CASES, Sink, Status, StopWhenClosed, load_one, open_cases};
use crate::analysis::{PartialEvaluator, partial_lines};
use crate::model::{self, ArrayLines, Layout, PartialCase, Policy};
use crate::report::{self, PartialHumanLines, PartialJsonLines};
use std::io::{self, Read, Write};
use std::path::Path;

/// Evaluates the partial cases of one policy.
pub(super) fn eval_partial(
    policy: &Path,
    cases: Option<&Path>,
    given: &[String],
    format: EvalFormat,
    out: &mut impl Sink,
) -> io::Result<Status> {
    let policy = match load_one(policy) {
        Ok(p) => p,
        Err(status) => return Ok(status),
    };
    let mut evaluator = PartialEvaluator::new(&policy);
    let mut invalid = false;
    let mut emit = |name: &str, case: Result<PartialCase, String>, out: &mut dyn Write| {
        let outcome = case.and_then(|c| evaluator.evaluate(&c).map_err(|e| e.to_string()));
        match (outcome, format) {
            (Ok(o), EvalFormat::Json) => writeln!(out, "{}", report::partial_json(name, &o)),
            (Ok(o), EvalFormat::Human) => writeln!(out, "{}", report::partial_human(name, &o)),
            (Err(e), EvalFormat::Json) => {
                invalid = true;
                writeln!(out, "{}", report::eval_json_error(name, &e))
            }
            (Err(e), EvalFormat::Human) => {
                invalid = true;
                write!(out, "case {name}\n  invalid: {e}\n\n")
            }
        }
    };
    let mut streamed_invalid = false;
    if let Some(path) = cases {
        let Some((reader, form)) = open_cases(path) else {
            return Ok(Status::CouldNotRun);
        };
        match model::layout(reader, form)? {
            Layout::Document(text) => {
                read_document(&policy, &text, &mut |n, case| {
                    emit(&format!("#{n}"), case, out)
                })?;
            }
            Layout::Lines { first, mut rest } => {
                streamed_invalid = stream(&policy, first, &mut rest, format, out)?;
            }
            Layout::Array { first, rest } => {
                let mut lines = ArrayLines::new(io::Cursor::new(first).chain(rest));
                streamed_invalid = stream(&policy, Vec::new(), &mut lines, format, out)?;
            }
        }
    } else if !given.is_empty() {
        for (i, g) in given.iter().enumerate() {
            let case = model::partial_case_from_given(&policy, g).map_err(|e| e.to_string());
            emit(&format!("#{}", i + 1), case, out)?;
        }
    } else {
        if policy.cases().is_empty() {
            eprintln!("{NO_CASES}");
            return Ok(Status::CouldNotRun);
        }
        for c in policy.cases() {
            let name = match format {
                EvalFormat::Human => format!("{:?}", c.name),
                EvalFormat::Json => c.name.clone(),
            };
            emit(&name, Ok(c.partial()), out)?;
        }
    }
    Ok(if invalid || streamed_invalid {
        Status::Failed
    } else {
        Status::Ok
    })
}

/// One JSON document: an object, or an array of objects.
fn read_document(
    policy: &Policy,
    text: &str,
    each: &mut dyn FnMut(usize, Result<PartialCase, String>) -> io::Result<()>,
) -> io::Result<()> {
    if !text.trim_start().starts_with('[') {
        let case = model::partial_case_from_json(policy, text).map_err(|e| e.to_string());
        return each(1, case);
    }
    match serde_json::from_str::<Vec<&serde_json::value::RawValue>>(text) {
        Ok(items) => {
            for (i, raw) in items.iter().enumerate() {
                let case =
                    model::partial_case_from_json(policy, raw.get()).map_err(|e| e.to_string());
                each(i + 1, case)?;
            }
            Ok(())
        }
        Err(e) => each(1, Err(format!("invalid JSON: {e}"))),
    }
}

/// Partial cases one per line, on every core, in input order; returns whether one was
/// invalid. A reader that closes the pipe ends the stream.
fn stream(
    policy: &Policy,
    first: Vec<u8>,
    rest: &mut dyn Read,
    format: EvalFormat,
    out: &mut impl Sink,
) -> io::Result<bool> {
    let mut out = StopWhenClosed(out);
    let streamed = match format {
        EvalFormat::Json => partial_lines(policy, first, rest, &PartialJsonLines, &mut out),
        EvalFormat::Human => partial_lines(policy, first, rest, &PartialHumanLines, &mut out),
    };
    match streamed.error {
        Some(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e),
        _ => Ok(streamed.invalid),
    }
}
