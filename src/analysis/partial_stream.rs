//! Partial cases as a stream: one JSON object per line, evaluated on every core with one
//! [`PartialEvaluator`] per thread (so each thread's solvers serve all its cases), written
//! in input order in bounded memory, as `eval` streams full cases.

use super::partial::{PartialEvaluator, PartialOutcome};
use crate::eval::stream::{LineWorker, Streamed, for_each_line};
use crate::model::{Policy, partial_case_from_line};
use std::io::{Read, Write};

/// How [`partial_lines`] writes each case.
pub trait WritePartial: Sync {
    /// Appends the result of case `#n`.
    fn outcome(&self, n: usize, outcome: &PartialOutcome, out: &mut Vec<u8>);
    /// Appends why case `#n` is invalid, or could not be decided.
    fn invalid(&self, n: usize, error: &str, out: &mut Vec<u8>);
}

struct PartialWorker<'a, W> {
    policy: &'a Policy,
    evaluator: PartialEvaluator<'a>,
    writer: &'a W,
}

impl<W: WritePartial> LineWorker for PartialWorker<'_, W> {
    fn line(&mut self, n: usize, text: &str, out: &mut Vec<u8>) -> bool {
        let case = match partial_case_from_line(self.policy, text) {
            Ok(case) => case,
            Err(e) => {
                self.writer.invalid(n, &e.to_string(), out);
                return false;
            }
        };
        match self.evaluator.evaluate(&case) {
            Ok(outcome) => {
                self.writer.outcome(n, &outcome, out);
                true
            }
            Err(e) => {
                self.writer.invalid(n, &e.to_string(), out);
                false
            }
        }
    }
}

/// Evaluates the partial cases in `first` and then in `rest`, one JSON object per line, on
/// every core, writing each result with `writer` to `out` in input order.
pub fn partial_lines(
    policy: &Policy,
    first: Vec<u8>,
    rest: &mut dyn Read,
    writer: &impl WritePartial,
    out: &mut dyn Write,
) -> Streamed {
    let new_worker = || PartialWorker {
        policy,
        evaluator: PartialEvaluator::new(policy),
        writer,
    };
    for_each_line(first, rest, &new_worker, out)
}
