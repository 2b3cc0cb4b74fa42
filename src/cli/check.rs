//! `deontic check`: the static errors of each policy file.

use super::common::{Context, Status, load, plural, write_diagnostics};
use super::files;
use std::io::{self, Write};
use std::path::PathBuf;

/// Reports the static errors (and the warnings of the checks) of every policy file under
/// `paths`.
pub(super) fn check(paths: &[PathBuf], cx: &Context, out: &mut impl Write) -> io::Result<Status> {
    let (files, path_errors) = files::policy_files(paths);
    let mut status = Status::Ok;
    let (mut errors, mut warnings, mut checked) = (0, 0, 0);
    for path in &files {
        match load(path, cx) {
            Err(e) => {
                eprintln!("error: {e}");
                status = Status::CouldNotRun;
            }
            Ok(Ok(p)) => {
                checked += 1;
                warnings += p.warnings().len();
                if !cx.quiet {
                    write_diagnostics(out, p.warnings(), p.source(), cx.style)?;
                }
            }
            Ok(Err(f)) => {
                checked += 1;
                if !cx.quiet {
                    write_diagnostics(out, &f.diagnostics, &f.source, cx.style)?;
                }
                errors += f.diagnostics.len();
                status = status.max(Status::Failed);
            }
        }
    }
    for e in &path_errors {
        eprintln!("error: {e}");
        status = Status::CouldNotRun;
    }
    if cx.quiet && status == Status::Ok {
        return Ok(status);
    }
    let warnings = if warnings > 0 {
        format!(", {}", plural(warnings, "warning"))
    } else {
        String::new()
    };
    writeln!(
        out,
        "checked {}: {}{warnings}",
        plural(checked, "file"),
        plural(errors, "error")
    )?;
    Ok(status)
}
