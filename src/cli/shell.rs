//! `deontic completions SHELL` and `deontic man`: what the shell and `man` read, generated
//! from the same definitions as the arguments.

use super::Cli;
use super::common::Status;
use clap::CommandFactory;
use std::io::{self, Write};

/// A completion script for `shell`.
pub(super) fn completions(shell: clap_complete::Shell, out: &mut impl Write) -> io::Result<Status> {
    // Generated into memory first: the generator panics on a closed pipe.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "deontic", &mut script);
    out.write_all(&script)?;
    Ok(Status::Ok)
}

/// The manual page, in roff.
pub(super) fn man(out: &mut impl Write) -> io::Result<Status> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    out.write_all(&page)?;
    Ok(Status::Ok)
}
