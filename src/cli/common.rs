//! What the commands share: how a run ends, loading policy files, opening case input, and
//! writing diagnostics.

use super::ColorWhen;
use super::files;
use crate::diagnostic::Diagnostic;
use crate::model::{CaseForm, Failure, Policy};
use crate::report::{self, Style};
use crate::source::Source;
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
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
    /// Exit code 130: interrupted by the user (Ctrl-C), as shells report `SIGINT`.
    Interrupted = 130,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(s as u8)
    }
}

/// Standard output for a command: a reader that closed the pipe (`deontic lint | head -1`)
/// ends the output, not the command, so the exit code still says what was found.
pub struct Output<W: Write> {
    inner: W,
    closed: bool,
}

impl<W: Write> Output<W> {
    /// Output to `inner`.
    pub fn new(inner: W) -> Self {
        Output {
            inner,
            closed: false,
        }
    }
}

impl<W: Write> Write for Output<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// Standard output, which knows whether its reader has gone.
pub trait Sink: Write {
    /// Whether the reader has closed the pipe.
    fn closed(&self) -> bool;
}

impl<W: Write> Sink for Output<W> {
    fn closed(&self) -> bool {
        self.closed
    }
}

impl<S: Sink> Sink for io::BufWriter<S> {
    fn closed(&self) -> bool {
        self.get_ref().closed()
    }
}

/// A [`Sink`] for a stream of results that should stop when nobody reads them: a closed
/// pipe is an error again (`BrokenPipe`), which ends the stream.
pub(super) struct StopWhenClosed<'a, S: Sink>(pub &'a mut S);

impl<S: Sink> Write for StopWhenClosed<'_, S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.0.write(buf)?;
        if self.0.closed() {
            return Err(io::Error::from(io::ErrorKind::BrokenPipe));
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// What every command is run with besides its own arguments.
#[derive(Clone, Debug)]
pub(super) struct Context {
    /// How diagnostics are drawn on standard output, and on standard error.
    pub style: Style,
    pub err_style: Style,
    /// Only the summary line, and nothing when all is well.
    pub quiet: bool,
    /// The name standard input goes by (`-` among the paths).
    pub stdin_name: String,
}

impl Context {
    /// The context for `--color` and `--quiet`.
    pub fn new(color: ColorWhen, quiet: bool) -> Self {
        Context {
            style: style(color, io::stdout().is_terminal()),
            err_style: style(color, io::stderr().is_terminal()),
            quiet,
            stdin_name: "<stdin>".to_string(),
        }
    }

    /// The same, with standard input named `name`.
    pub fn naming_stdin(&self, name: &str) -> Self {
        Context {
            stdin_name: name.to_string(),
            ..self.clone()
        }
    }

    /// The name a path goes by in reports.
    pub fn name(&self, path: &Path) -> String {
        if path == Path::new("-") {
            self.stdin_name.clone()
        } else {
            path.display().to_string()
        }
    }
}

/// Colour as `--color`, `NO_COLOR` and `CLICOLOR_FORCE` say, for an output that is or is
/// not a terminal.
fn style(color: ColorWhen, terminal: bool) -> Style {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    let color = match color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto if set("CLICOLOR_FORCE") => true,
        ColorWhen::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    Style {
        color,
        ..Style::plain()
    }
}

/// The style of diagnostics on standard error, for commands run without a context.
pub(super) fn stderr_style() -> Style {
    style(ColorWhen::Auto, io::stderr().is_terminal())
}

/// Loads a policy file, or standard input for `-`: `Ok(Err(failure))` when it has static
/// errors.
pub(super) fn load(path: &Path, cx: &Context) -> Result<Result<Policy, Failure>, files::PathError> {
    let bytes = if path == Path::new("-") {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| files::PathError {
                path: PathBuf::from(&cx.stdin_name),
                reason: files::io_reason(&e),
            })?;
        bytes
    } else {
        files::read_bytes(path)?
    };
    Ok(Policy::from_bytes(cx.name(path), bytes))
}

/// Loads the one policy a command works on, reporting why it cannot: a path problem
/// (exit 2) or the policy's static errors on standard error (exit 1).
pub(super) fn load_one(path: &Path) -> Result<Policy, Status> {
    let cx = Context::new(ColorWhen::Auto, false);
    match load(path, &cx) {
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
