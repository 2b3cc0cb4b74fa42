//! `deontic explain POLICY [CASES] [--given ...] [ACTION...]`: the decision trail of each
//! verdict, for cases read as `eval` reads them.

use super::ExplainFormat;
use super::common::{NO_CASES, Status, load_one, open_cases};
use crate::eval::trace;
use crate::model::{self, ActionId, Case, CaseError, Policy};
use crate::report;
use std::io::{self, Write};
use std::path::Path;

/// A name of the language: anything else after POLICY is the cases file.
fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub(super) fn explain(
    policy: &Path,
    rest: &[String],
    given: &[String],
    format: ExplainFormat,
    out: &mut impl Write,
) -> io::Result<Status> {
    let (cases, names) = match rest.split_first() {
        Some((first, names)) if !is_name(first) => (Some(Path::new(first.as_str())), names),
        _ => (None, rest),
    };
    if let Some(bad) = names.iter().find(|n| !is_name(n)) {
        eprintln!(
            "error: `{bad}` is not an action name; a cases file comes right after the policy"
        );
        return Ok(Status::CouldNotRun);
    }
    if cases.is_some() && !given.is_empty() {
        eprintln!("error: give cases as a file or with `--given`, not both");
        return Ok(Status::CouldNotRun);
    }
    let policy = match load_one(policy) {
        Ok(p) => p,
        Err(status) => return Ok(status),
    };
    let actions = match action_ids(&policy, names) {
        Ok(a) => a,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(Status::CouldNotRun);
        }
    };
    let mut invalid = false;
    let mut emit =
        |name: &str, case: Result<Case, CaseError>, out: &mut dyn Write| match (case, format) {
            (Ok(case), ExplainFormat::Human) => {
                let traced = trace(&policy, &case);
                writeln!(out, "{}", report::explain_human(name, &traced, &actions))
            }
            (Ok(case), ExplainFormat::Json) => {
                let traced = trace(&policy, &case);
                writeln!(out, "{}", report::explain_json(name, &traced, &actions))
            }
            (Err(e), ExplainFormat::Human) => {
                invalid = true;
                write!(out, "{}", report::eval_invalid_human(name, &e))
            }
            (Err(e), ExplainFormat::Json) => {
                invalid = true;
                writeln!(out, "{}", report::eval_json_error(name, &e.to_string()))
            }
        };
    if let Some(path) = cases {
        let Some((reader, form)) = open_cases(path) else {
            return Ok(Status::CouldNotRun);
        };
        model::read_cases(&policy, reader, form, |n, case| {
            emit(&format!("#{n}"), case, out)
        })?;
    } else if !given.is_empty() {
        for (i, g) in given.iter().enumerate() {
            let case = model::case_from_given(&policy, g);
            emit(&format!("#{}", i + 1), case, out)?;
        }
    } else {
        if policy.cases().is_empty() {
            eprintln!("{NO_CASES}");
            return Ok(Status::CouldNotRun);
        }
        for c in policy.cases() {
            let name = match format {
                ExplainFormat::Human => format!("{:?}", c.name),
                ExplainFormat::Json => c.name.clone(),
            };
            emit(&name, Ok(c.case.clone()), out)?;
        }
    }
    Ok(if invalid { Status::Failed } else { Status::Ok })
}

/// The actions named, or every action when none is; a name that is a file says how to read
/// cases from it.
pub(super) fn action_ids(policy: &Policy, names: &[String]) -> Result<Vec<ActionId>, String> {
    policy.actions_named(names).map_err(|mut message| {
        let unknown = names.iter().find(|n| policy.symbol(n).is_none());
        if let Some(n) = unknown
            && message.starts_with("unknown action")
            && !message.contains("did you mean")
            && Path::new(n.as_str()).exists()
        {
            message.push_str(&format!("; to read cases from the file, write `./{n}`"));
        }
        message
    })
}
