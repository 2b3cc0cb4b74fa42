//! The command line: parses nothing itself (clap does, in `args.rs`); each subcommand has
//! its own file that reads files, calls the library and prints a report. This module only
//! dispatches.
//!
//! Exit codes: 0 success; 1 the policy has errors, a test fails or a case is invalid;
//! 2 the command could not run.

mod args;
mod check;
mod common;
mod eval;
mod explain;
mod files;
mod fmt;
mod graph;
mod lint;
mod lsp;
mod test;
pub mod write;

pub use args::{Cli, Command, EvalFormat, GraphFormat, LintFormat, TestFormat};
pub use common::{Output, Status};

use std::io::{self, Write};
use std::process::ExitCode;

/// Runs a parsed command line, printing to standard output and error.
pub fn run(cli: Cli) -> ExitCode {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(Output::new(stdout.lock()));
    let style = common::stdout_style();
    let result = match cli.command {
        Command::Check { paths } => check::check(&paths, style, &mut out),
        Command::Eval {
            policy,
            cases,
            given,
            format,
        } => eval::eval(&policy, cases.as_deref(), &given, format, &mut out),
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
        Command::Lsp => lsp::lsp(&mut out),
        Command::Lint {
            paths,
            format,
            deny_warnings,
        } => lint::lint(&paths, format, deny_warnings, style, &mut out),
    };
    // A closed pipe (`deontic lint ... | head -1`) ends the output, not the run: the status
    // is what the command found. (Only `eval` stops early; see `cli/eval.rs`.)
    let status = match result.and_then(|s| out.flush().map(|_| s)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}", files::io_reason(&e));
            Status::CouldNotRun
        }
    };
    status.into()
}
