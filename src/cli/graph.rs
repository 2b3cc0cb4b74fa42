//! `deontic graph POLICY [--format dot|mermaid]`.

use super::GraphFormat;
use super::common::{Status, load_one};
use crate::report;
use std::io::{self, Write};
use std::path::Path;

pub(super) fn graph(
    policy: &Path,
    format: GraphFormat,
    out: &mut impl Write,
) -> io::Result<Status> {
    let policy = match load_one(policy) {
        Ok(p) => p,
        Err(status) => return Ok(status),
    };
    match format {
        GraphFormat::Dot => write!(out, "{}", report::graph_dot(&policy))?,
        GraphFormat::Mermaid => write!(out, "{}", report::graph_mermaid(&policy))?,
    }
    Ok(Status::Ok)
}
