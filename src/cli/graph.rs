//! `deontic graph POLICY [--format dot|mermaid]`.

use super::{GraphFormat, Status, load, stderr_style};
use crate::report;
use std::io::{self, Write};
use std::path::Path;

pub(super) fn graph(
    policy: &Path,
    format: GraphFormat,
    out: &mut impl Write,
) -> io::Result<Status> {
    let policy = match load(policy) {
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Status::CouldNotRun);
        }
        Ok(Err(f)) => {
            eprint!(
                "{}",
                report::render_diagnostics(&f.diagnostics, &f.source, stderr_style())
            );
            return Ok(Status::Failed);
        }
        Ok(Ok(p)) => p,
    };
    match format {
        GraphFormat::Dot => write!(out, "{}", report::graph_dot(&policy))?,
        GraphFormat::Mermaid => write!(out, "{}", report::graph_mermaid(&policy))?,
    }
    Ok(Status::Ok)
}
