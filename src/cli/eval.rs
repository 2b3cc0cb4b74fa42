//! `deontic eval`: the verdicts of cases from a file, standard input, `--given` or the
//! policy's own case blocks.

use super::EvalFormat;
use super::common::{NO_CASES, Sink, Status, StopWhenClosed, load_one, open_cases};
use crate::eval::{evaluate, stream};
use crate::model::{self, ArrayLines, Case, CaseError, Layout};
use crate::report::{self, HumanLines, JsonLines};
use std::io::{self, Read, Write};
use std::path::Path;

/// Evaluates the cases of one policy.
pub(super) fn eval(
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
    let mut invalid = false;
    let mut streamed_invalid = false;
    let mut emit =
        |name: &str, case: Result<Case, CaseError>, out: &mut dyn Write| -> io::Result<()> {
            match (case, format) {
                (Ok(case), EvalFormat::Json) => {
                    writeln!(
                        out,
                        "{}",
                        report::eval_json(name, &evaluate(&policy, &case))
                    )
                }
                (Ok(case), EvalFormat::Human) => {
                    writeln!(
                        out,
                        "{}",
                        report::eval_human(name, &evaluate(&policy, &case))
                    )
                }
                (Err(e), EvalFormat::Json) => {
                    invalid = true;
                    writeln!(out, "{}", report::eval_json_error(name, &e.to_string()))
                }
                (Err(e), EvalFormat::Human) => {
                    invalid = true;
                    write!(out, "{}", report::eval_invalid_human(name, &e))
                }
            }
        };
    let human_name = |name: &str| match format {
        EvalFormat::Human => format!("{name:?}"),
        EvalFormat::Json => name.to_string(),
    };
    if let Some(path) = cases {
        let Some((reader, form)) = open_cases(path) else {
            return Ok(Status::CouldNotRun);
        };
        match model::layout(reader, form)? {
            Layout::Document(text) => {
                model::read_document(&policy, &text, |n, case| emit(&format!("#{n}"), case, out))?;
            }
            // JSON Lines and arrays of cases: evaluated on every core, in bounded memory, in
            // input order.
            Layout::Lines { first, mut rest } => {
                streamed_invalid = eval_stream(&policy, first, &mut rest, format, out)?;
            }
            Layout::Array { first, rest } => {
                let mut lines = ArrayLines::new(io::Cursor::new(first).chain(rest));
                streamed_invalid = eval_stream(&policy, Vec::new(), &mut lines, format, out)?;
            }
        }
    } else if !given.is_empty() {
        for (i, g) in given.iter().enumerate() {
            emit(
                &format!("#{}", i + 1),
                model::case_from_given(&policy, g),
                out,
            )?;
        }
    } else {
        if policy.cases().is_empty() {
            eprintln!("{NO_CASES}");
            return Ok(Status::CouldNotRun);
        }
        for c in policy.cases() {
            emit(&human_name(&c.name), Ok(c.case.clone()), out)?;
        }
    }
    Ok(if invalid || streamed_invalid {
        Status::Failed
    } else {
        Status::Ok
    })
}

/// Cases one per line, evaluated on every core, written in the chosen format; returns
/// whether one was invalid. A reader that closes the pipe ends the stream: the cases written
/// until then decide the exit code.
fn eval_stream(
    policy: &crate::model::Policy,
    first: Vec<u8>,
    rest: &mut dyn Read,
    format: EvalFormat,
    out: &mut impl Sink,
) -> io::Result<bool> {
    let mut out = StopWhenClosed(out);
    let streamed = match format {
        EvalFormat::Json => {
            let writer = JsonLines::new(policy);
            stream::eval_lines(policy, first, rest, &writer, &mut out)
        }
        EvalFormat::Human => stream::eval_lines(policy, first, rest, &HumanLines, &mut out),
    };
    match streamed.error {
        Some(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e),
        _ => Ok(streamed.invalid),
    }
}
