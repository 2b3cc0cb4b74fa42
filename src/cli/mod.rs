//! The command line: each subcommand reads files, calls the library, and prints a report.
//!
//! Exit codes: 0 success; 1 the policy has errors, a test fails or a case is invalid;
//! 2 the command could not run.

mod args;
mod explain;
mod files;
mod fmt;
mod graph;
mod stream;
mod test;

pub use args::{Cli, Command, EvalFormat, GraphFormat, LintFormat, TestFormat};

use crate::diagnostic::Diagnostic;
use crate::eval::input::{self, Form};
use crate::model::{Case, CaseError, Failure, Policy};
use crate::report::{self, Style};
use crate::source::Source;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok = 0,
    Failed = 1,
    CouldNotRun = 2,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(s as u8)
    }
}

/// Runs a parsed command line, printing to standard output and error.
pub fn run(cli: Cli) -> ExitCode {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let style = Style {
        color: io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        ..Style::plain()
    };
    let result = match cli.command {
        Command::Check { paths } => check(&paths, style, &mut out),
        Command::Eval {
            policy,
            cases,
            given,
            format,
        } => eval(&policy, cases.as_deref(), &given, format, &mut out),
        Command::Test {
            paths,
            bless,
            coverage,
            format,
        } => {
            let opts = test::Options {
                bless,
                coverage,
                format,
            };
            test::test(&paths, opts, style, &mut out)
        }
        Command::Fmt { paths, check } => fmt::fmt(&paths, check, &mut out),
        Command::Explain {
            policy,
            rest,
            given,
            format,
        } => explain::explain(&policy, &rest, &given, format, &mut out),
        Command::Graph { policy, format } => graph::graph(&policy, format, &mut out),
        Command::Lint {
            paths,
            format,
            deny_warnings,
        } => lint(&paths, format, deny_warnings, style, &mut out),
    };
    let status = match result.and_then(|s| out.flush().map(|_| s)) {
        Ok(s) => s,
        // A closed pipe (`deontic eval ... | head -1`) ends the run quietly.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Status::Ok,
        Err(e) => {
            eprintln!("error: {}", files::io_reason(&e));
            Status::CouldNotRun
        }
    };
    status.into()
}

fn stderr_style() -> Style {
    Style {
        color: io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        ..Style::plain()
    }
}

/// Loads a policy file: `Ok(Err(failure))` when it has static errors.
fn load(path: &Path) -> Result<Result<Policy, Failure>, files::PathError> {
    let bytes = files::read_bytes(path)?;
    Ok(Policy::from_bytes(path.display().to_string(), bytes))
}

/// Loads the one policy a command works on, reporting why it cannot: a path problem
/// (exit 2) or the policy's static errors on standard error (exit 1).
fn load_one(path: &Path) -> Result<Policy, Status> {
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
fn open_cases(path: &Path) -> Option<(Box<dyn BufRead>, Form)> {
    if path == Path::new("-") {
        return Some((Box::new(io::stdin().lock()), Form::Auto));
    }
    match std::fs::File::open(path) {
        Ok(f) => Some((Box::new(io::BufReader::new(f)), Form::for_path(path))),
        Err(e) => {
            eprintln!("error: {}: {}", path.display(), files::io_reason(&e));
            None
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn write_diagnostics(
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

fn check(paths: &[PathBuf], style: Style, out: &mut impl Write) -> io::Result<Status> {
    let (files, path_errors) = files::policy_files(paths);
    let mut status = Status::Ok;
    let (mut errors, mut checked) = (0, 0);
    for path in &files {
        match load(path) {
            Err(e) => {
                eprintln!("error: {e}");
                status = Status::CouldNotRun;
            }
            Ok(Ok(_)) => checked += 1,
            Ok(Err(f)) => {
                checked += 1;
                write_diagnostics(out, &f.diagnostics, &f.source, style)?;
                errors += f.diagnostics.len();
                status = status.max(Status::Failed);
            }
        }
    }
    for e in &path_errors {
        eprintln!("error: {e}");
        status = Status::CouldNotRun;
    }
    writeln!(
        out,
        "checked {}: {}",
        plural(checked, "file"),
        plural(errors, "error")
    )?;
    Ok(status)
}

fn lint(
    paths: &[PathBuf],
    format: LintFormat,
    deny_warnings: bool,
    style: Style,
    out: &mut impl Write,
) -> io::Result<Status> {
    let (files, path_errors) = files::policy_files(paths);
    let mut status = Status::Ok;
    let mut results: Vec<(String, Source, Vec<Diagnostic>)> = Vec::new();
    for path in &files {
        let name = path.display().to_string();
        match load(path) {
            Err(e) => {
                eprintln!("error: {e}");
                status = Status::CouldNotRun;
            }
            Ok(Err(f)) => results.push((name, f.source, f.diagnostics)),
            Ok(Ok(p)) => match crate::analysis::lint(&p) {
                Ok(diags) => results.push((name, p.source().clone(), diags)),
                Err(e) => {
                    eprintln!("error: {name}: {e}");
                    status = Status::CouldNotRun;
                }
            },
        }
    }
    for e in &path_errors {
        eprintln!("error: {e}");
        status = Status::CouldNotRun;
    }
    let reports: Vec<report::FileReport> = results
        .iter()
        .map(|(path, source, diagnostics)| report::FileReport {
            path,
            source,
            diagnostics,
        })
        .collect();
    let (errors, warnings) = report::counts(&reports);
    match format {
        LintFormat::Json => writeln!(out, "{}", report::lint_json(&reports))?,
        LintFormat::Sarif => writeln!(out, "{}", report::lint_sarif(&reports))?,
        LintFormat::Human => {
            for r in &reports {
                write_diagnostics(out, r.diagnostics, r.source, style)?;
            }
            writeln!(
                out,
                "linted {}: {}, {}",
                plural(reports.len(), "file"),
                plural(errors, "error"),
                plural(warnings, "warning")
            )?;
        }
    }
    if errors > 0 || (deny_warnings && warnings > 0) {
        status = status.max(Status::Failed);
    }
    Ok(status)
}

fn eval(
    policy: &Path,
    cases: Option<&Path>,
    given: &[String],
    format: EvalFormat,
    out: &mut impl Write,
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
                    writeln!(out, "{}", report::eval_json(name, &policy.evaluate(&case)))
                }
                (Ok(case), EvalFormat::Human) => {
                    writeln!(out, "{}", report::eval_human(name, &policy.evaluate(&case)))
                }
                (Err(e), EvalFormat::Json) => {
                    invalid = true;
                    writeln!(out, "{}", report::eval_json_error(name, &e.to_string()))
                }
                (Err(e), EvalFormat::Human) => {
                    invalid = true;
                    writeln!(out, "case {name}\n  invalid: {e}\n")
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
        match input::layout(reader, form)? {
            input::Layout::Document(text) => {
                input::read_document(&policy, &text, |n, case| emit(&format!("#{n}"), case, out))?;
            }
            // JSON Lines: evaluated on every core, in bounded memory, in input order.
            input::Layout::Lines { first, mut rest } => {
                streamed_invalid = stream::eval_lines(&policy, first, &mut rest, format, out)?;
            }
        }
    } else if !given.is_empty() {
        for (i, g) in given.iter().enumerate() {
            emit(
                &format!("#{}", i + 1),
                input::case_from_given(&policy, g),
                out,
            )?;
        }
    } else {
        if policy.cases.is_empty() {
            eprintln!(
                "error: the policy has no case blocks; give cases as a file, `-` or `--given`"
            );
            return Ok(Status::CouldNotRun);
        }
        for c in &policy.cases {
            emit(&human_name(&c.name), Ok(c.case.clone()), out)?;
        }
    }
    Ok(if invalid || streamed_invalid {
        Status::Failed
    } else {
        Status::Ok
    })
}
