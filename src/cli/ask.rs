//! `deontic ask POLICY [ACTION...] [--given ...]`: a questionnaire that asks only for facts
//! the chosen actions still need, until their verdicts are settled. On a terminal it prompts;
//! otherwise it speaks a line protocol a script can drive: each question one line
//! `? NAME: DESCRIPTION (ANSWERS)`, each answer one line, and at the end the case as
//! answered, as one `eval --partial --format json` line.

use super::common::{Status, load_one};
use super::explain::action_ids;
use crate::analysis::{Question, Questionnaire, answers, parse_answer};
use crate::eval::trace;
use crate::model::{self, ActionId, FactType, Policy, Value};
use crate::report;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;

pub(super) fn ask(
    policy: &Path,
    actions: &[String],
    given: &[String],
    out: &mut impl Write,
) -> io::Result<Status> {
    let policy = match load_one(policy) {
        Ok(p) => p,
        Err(status) => return Ok(status),
    };
    let chosen = match action_ids(&policy, actions) {
        Ok(a) => a,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(Status::CouldNotRun);
        }
    };
    let given = match model::partial_case_from_given(&policy, &given.join(",")) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: --given: {e}");
            return Ok(Status::Failed);
        }
    };
    let mut q = match Questionnaire::new(&policy, &chosen, given) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Status::CouldNotRun);
        }
    };
    let interactive = io::stdin().is_terminal() && io::stdout().is_terminal();
    let finished = if interactive {
        prompt(&policy, &chosen, &mut q, out)
    } else {
        lines(&policy, &mut q, out)
    };
    match finished {
        Ok(true) => Ok(Status::Ok),
        // The input ended first: what is settled so far was printed.
        Ok(false) => Ok(Status::Failed),
        Err(Stop::Interrupted) => Ok(Status::Interrupted),
        Err(Stop::Io(e)) => Err(e),
        Err(Stop::Analysis(e)) => {
            eprintln!("error: {e}");
            Ok(Status::CouldNotRun)
        }
    }
}

/// Why a questionnaire stopped before its end.
enum Stop {
    /// Ctrl-C.
    Interrupted,
    Io(io::Error),
    Analysis(crate::analysis::AnalysisError),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Stop::Io(e)
    }
}

impl From<crate::analysis::AnalysisError> for Stop {
    fn from(e: crate::analysis::AnalysisError) -> Self {
        Stop::Analysis(e)
    }
}

/// The line protocol; returns whether every chosen action was settled.
fn lines(policy: &Policy, q: &mut Questionnaire, out: &mut impl Write) -> Result<bool, Stop> {
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut line = String::new();
    let settled = loop {
        let Some(question) = q.next_question()? else {
            break true;
        };
        let f = question.fact;
        let fact = policy.fact(f);
        let asked = match &fact.description {
            Some(d) => format!("? {}: {d} ({})", fact.name, answers(policy, f)),
            None => format!("? {} ({})", fact.name, answers(policy, f)),
        };
        let value = loop {
            writeln!(out, "{asked}")?;
            out.flush()?;
            line.clear();
            if input.read_line(&mut line)? == 0 {
                break None;
            }
            match parse_answer(policy, f, &line) {
                Ok(v) => break Some(v),
                Err(message) => eprintln!("error: {message}"),
            }
        };
        match value {
            Some(v) => q.answer(f, v)?,
            None => break false,
        }
    };
    writeln!(out, "{}", report::partial_json("#1", q.outcome()))?;
    Ok(settled)
}

/// The interactive questionnaire; returns whether every chosen action was settled.
fn prompt(
    policy: &Policy,
    chosen: &[ActionId],
    q: &mut Questionnaire,
    out: &mut impl Write,
) -> Result<bool, Stop> {
    let names = |actions: &[ActionId]| -> String {
        actions
            .iter()
            .map(|&a| policy.action(a).name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(out, "Settling: {}", names(chosen))?;
    let mut settled_before: Vec<bool> = chosen.iter().map(|&a| settled(q, a)).collect();
    let mut finished = true;
    while let Some(question) = q.next_question()? {
        out.flush()?;
        match ask_one(policy, &question, &names(&question.needed_for))? {
            Some(v) => q.answer(question.fact, v)?,
            None => {
                finished = false;
                break;
            }
        }
        for (k, &a) in chosen.iter().enumerate() {
            if !settled_before[k] && settled(q, a) {
                settled_before[k] = true;
                let v = q.outcome().verdicts[a].verdict.map_or("?", |w| w.as_str());
                writeln!(out, "  {}: {v}", policy.action(a).name)?;
            }
        }
    }
    writeln!(out)?;
    if !finished {
        write!(out, "{}", report::partial_human("as answered", q.outcome()))?;
        return Ok(false);
    }
    // Every chosen verdict is the same in every completion; the trail is that of the one
    // with each fact not asked at its first value.
    let case = q.case().completed(policy);
    let traced = trace(policy, &case);
    write!(
        out,
        "{}",
        report::explain_human("as answered", &traced, chosen)
    )?;
    let unasked: Vec<&str> = q
        .outcome()
        .unknown
        .iter()
        .map(|&f| policy.fact(f).name.as_str())
        .collect();
    if !unasked.is_empty() {
        writeln!(
            out,
            "(not asked, and taken as false or their first value above, for they change none of these verdicts: {})",
            unasked.join(", ")
        )?;
    }
    Ok(true)
}

fn settled(q: &Questionnaire, a: ActionId) -> bool {
    q.outcome().verdicts[a].verdict.is_some()
}

/// One prompt; `None` when the input ended.
fn ask_one(policy: &Policy, question: &Question, needed_for: &str) -> Result<Option<Value>, Stop> {
    use inquire::InquireError;
    let fact = policy.fact(question.fact);
    let message = fact
        .description
        .clone()
        .unwrap_or_else(|| fact.name.clone());
    let help = format!("`{}`, needed for: {needed_for}", fact.name);
    let answer = match &fact.ty {
        FactType::Bool => inquire::Confirm::new(&message)
            .with_help_message(&help)
            .prompt()
            .map(Value::Bool),
        FactType::Enum(variants) => inquire::Select::new(&message, variants.clone())
            .with_help_message(&help)
            .raw_prompt()
            .map(|choice| Value::Enum(choice.index as u32)),
        FactType::Int { lo, hi } => {
            let (lo, hi) = (*lo, *hi);
            inquire::CustomType::<i64>::new(&message)
                .with_help_message(&help)
                .with_error_message(&format!("a whole number from {lo} to {hi}"))
                .with_validator(move |n: &i64| {
                    Ok(if (lo..=hi).contains(n) {
                        inquire::validator::Validation::Valid
                    } else {
                        inquire::validator::Validation::Invalid(
                            format!("a whole number from {lo} to {hi}").into(),
                        )
                    })
                })
                .prompt()
                .map(Value::Int)
        }
    };
    match answer {
        Ok(v) => Ok(Some(v)),
        Err(InquireError::OperationInterrupted) => Err(Stop::Interrupted),
        Err(InquireError::OperationCanceled) => Ok(None),
        Err(InquireError::IO(e)) => Err(Stop::Io(e)),
        Err(e) => Err(Stop::Io(io::Error::other(e.to_string()))),
    }
}
