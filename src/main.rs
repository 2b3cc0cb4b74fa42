//! The `deontic` binary: its arguments parsed, then the command line front end run.

use clap::Parser;

fn main() -> std::process::ExitCode {
    deontic::cli::run(deontic::cli::Cli::parse())
}
