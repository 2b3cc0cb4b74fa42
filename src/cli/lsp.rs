//! `deontic lsp`: the language server on standard input and output.

use super::common::Status;
use std::io::{self, Write};

/// Serves one editor until it exits, writing to `out` (standard output). The status is the
/// protocol's exit code: 0 after `shutdown` and `exit`, 1 otherwise.
pub(super) fn lsp(out: &mut impl Write) -> io::Result<Status> {
    let input = io::BufReader::new(io::stdin());
    Ok(match crate::lsp::run(input, out)? {
        0 => Status::Ok,
        _ => Status::Failed,
    })
}
