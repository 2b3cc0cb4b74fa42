//! `deontic check`: the static errors of each policy file.

use super::common::{Status, load, plural, write_diagnostics};
use super::files;
use crate::report::Style;
use std::io::{self, Write};
use std::path::PathBuf;

/// Reports the static errors of every policy file under `paths`.
pub(super) fn check(paths: &[PathBuf], style: Style, out: &mut impl Write) -> io::Result<Status> {
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
