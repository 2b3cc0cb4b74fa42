//! The command line: parses nothing itself (clap does, in `args.rs`); each subcommand has
//! its own file that reads files, calls the library and prints a report. This module only
//! dispatches.
//!
//! Exit codes: 0 success; 1 the policy has errors, a test fails or a case is invalid (for
//! `diff`: some case is decided differently); 2 the command could not run.

mod args;
mod ask;
mod check;
mod common;
mod diff;
mod eval;
mod explain;
use crate::files;
mod fmt;
mod git;
mod graph;
mod lint;
mod lsp;
mod partial;
mod serve;
mod shell;
mod test;
pub mod write;

pub use args::{
    BlessWhat, Cli, ColorWhen, Command, DiffFormat, EvalFormat, ExplainFormat, GraphFormat,
    LintFormat, LogFormat, TestFormat,
};
pub use common::{Output, Sink, Status};

use common::Context;
use std::io::{self, Write};
use std::process::ExitCode;

/// Runs a parsed command line, printing to standard output and error.
pub fn run(cli: Cli) -> ExitCode {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(Output::new(stdout.lock()));
    let cx = Context::new(cli.color, cli.quiet);
    let result = match cli.command {
        Command::Check {
            paths,
            stdin_filename,
        } => check::check(&paths, &cx.naming_stdin(&stdin_filename), &mut out),
        Command::Eval {
            policy,
            cases,
            given,
            format,
            partial: false,
        } => eval::eval(&policy, cases.as_deref(), &given, format, &mut out),
        Command::Eval {
            policy,
            cases,
            given,
            format,
            partial: true,
        } => partial::eval_partial(&policy, cases.as_deref(), &given, format, &mut out),
        Command::Test {
            paths,
            bless,
            coverage,
            generate,
            check,
            case,
            format,
            stdin_filename,
        } => {
            let opts = test::Options {
                bless,
                coverage,
                generate: generate.then_some(check),
                case,
                format,
            };
            test::test(&paths, &opts, &cx.naming_stdin(&stdin_filename), &mut out)
        }
        Command::Fmt {
            paths,
            check,
            force,
        } => fmt::fmt(&paths, check, force, &cx, &mut out),
        Command::Explain {
            policy,
            rest,
            given,
            format,
        } => explain::explain(&policy, &rest, &given, format, &mut out),
        Command::Graph { policy, format } => graph::graph(&policy, format, &mut out),
        Command::Lsp => lsp::lsp(&mut out),
        Command::Serve {
            paths,
            listen,
            log_format,
        } => Ok(serve::serve(&paths, &listen, log_format)),
        Command::Ask {
            policy,
            actions,
            given,
        } => ask::ask(&policy, &actions, &given, &mut out),
        Command::Lint {
            paths,
            format,
            deny_warnings,
            stdin_filename,
        } => {
            let cx = cx.naming_stdin(&stdin_filename);
            lint::lint(&paths, format, deny_warnings, &cx, &mut out)
        }
        Command::Diff {
            paths,
            base,
            format,
        } => diff::diff(&paths, base.as_deref(), format, &cx, &mut out),
        Command::Completions { shell } => shell::completions(shell, &mut out),
        Command::Man => shell::man(&mut out),
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
