//! What the commands share: how a run ends, loading policy files, opening case input, and
//! writing diagnostics.

use super::files;
use crate::diagnostic::Diagnostic;
use crate::model::{CaseForm, Failure, Policy};
use crate::report::{self, Style};
use crate::source::Source;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Exit code 0: success.
    Ok = 0,
    /// Exit code 1: the policy has errors, a finding fails the run, a test fails, or a case
    /// is invalid.
    Failed = 1,
    /// Exit code 2: the command could not run.
    CouldNotRun = 2,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(s as u8)
    }
}

/// The style of diagnostics on standard output: colour only on a terminal without
/// `NO_COLOR`.
pub(super) fn stdout_style() -> Style {
    Style {
        color: io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        ..Style::plain()
    }
}

/// The same for standard error.
pub(super) fn stderr_style() -> Style {
    Style {
        color: io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        ..Style::plain()
    }
}

/// Loads a policy file: `Ok(Err(failure))` when it has static errors.
pub(super) fn load(path: &Path) -> Result<Result<Policy, Failure>, files::PathError> {
    let bytes = files::read_bytes(path)?;
    Ok(Policy::from_bytes(path.display().to_string(), bytes))
}

/// Loads the one policy a command works on, reporting why it cannot: a path problem
/// (exit 2) or the policy's static errors on standard error (exit 1).
pub(super) fn load_one(path: &Path) -> Result<Policy, Status> {
    match load(path) {
        Err(e) => {
            eprintln!("error: {e}");
            Err(Status::CouldNotRun)
        }
        Ok(Err(f)) => {
            eprint!(
                "{}",
                report::render_diagnostics(&f.diagnostics, &f.source, stderr_style())
            );
            Err(Status::Failed)
        }
        Ok(Ok(p)) => Ok(p),
    }
}

/// Opens case input: `-` is standard input in any form, a file's form follows its
/// extension. A file that cannot be opened is reported on standard error.
pub(super) fn open_cases(path: &Path) -> Option<(Box<dyn BufRead>, CaseForm)> {
    if path == Path::new("-") {
        return Some((Box::new(io::stdin().lock()), CaseForm::Auto));
    }
    match std::fs::File::open(path) {
        Ok(f) => Some((Box::new(io::BufReader::new(f)), CaseForm::for_path(path))),
        Err(e) => {
            eprintln!("error: {}: {}", path.display(), files::io_reason(&e));
            None
        }
    }
}

/// The message for a command that needs cases when the policy has no case blocks.
pub(super) const NO_CASES: &str =
    "error: the policy has no case blocks; give cases as a file, `-` or `--given`";

/// `1 file`, `2 files`.
pub(super) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Each diagnostic drawn on its source, one after another.
pub(super) fn write_diagnostics(
    out: &mut impl Write,
    diags: &[Diagnostic],
    source: &Source,
    style: Style,
) -> io::Result<()> {
    for d in diags {
        writeln!(out, "{}", report::render_diagnostic(d, source, style))?;
    }
    Ok(())
}
