//! The language server (`deontic lsp`): the Language Server Protocol over standard input
//! and output, a front end like the command line. It reads the protocol's messages and
//! answers them from the library: `check`'s and `lint`'s diagnostics as the text changes,
//! hover, definition, references, rename, completion, symbols, folding, formatting, code
//! actions (the library's fixes) and code lenses.
//!
//! - `transport.rs`: framing, one thread reading and one writing;
//! - `server.rs`: the loop, the phases, the documents' notifications, the debounced lint;
//! - `requests.rs`: `initialize` and the dispatch of every other request;
//! - `documents.rs`: each open document's text, analysis and last good version;
//! - `position.rs`: the protocol's positions and byte offsets;
//! - `diagnostics.rs`, `hover.rs`, `navigate.rs`, `complete.rs`, `outline.rs`,
//!   `actions.rs`, `lenses.rs`: the features; `target.rs` and `context.rs`: what is at the
//!   cursor and what fits there.

mod actions;
mod complete;
mod context;
mod diagnostics;
mod documents;
mod hover;
mod lenses;
mod navigate;
mod outline;
mod position;
mod requests;
mod server;
mod target;
mod transport;

pub use server::LINT_DELAY;

use server::serve;

use crossbeam_channel::unbounded;
use std::io::{self, BufRead, Write};

/// Serves one client until it says `exit` or its input ends: reads `input` on a thread of
/// its own, runs the server on another, and writes its messages to `output` on this one.
/// Returns the exit code: 0 after `shutdown` then `exit`, 1 when the client ended otherwise.
pub fn run(input: impl BufRead + Send + 'static, output: &mut impl Write) -> io::Result<i32> {
    let incoming = transport::spawn_reader(input)?;
    let (tx, rx) = unbounded();
    let server = std::thread::Builder::new()
        .name("deontic-lsp".into())
        .spawn(move || serve(incoming, tx))?;
    // The server's sender goes when it returns, and with it the writing.
    let written = transport::write_all(rx, output);
    let code = server
        .join()
        .map_err(|_| io::Error::other("the server stopped"))?;
    written.map(|()| code)
}
