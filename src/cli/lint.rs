//! `deontic lint`: the static checks, then the analysis, in the chosen report format.

use super::LintFormat;
use super::common::{Status, load, plural, write_diagnostics};
use super::files;
use crate::diagnostic::Diagnostic;
use crate::report::{self, Style};
use crate::source::Source;
use std::io::{self, Write};
use std::path::PathBuf;

/// Lints every policy file under `paths`.
pub(super) fn lint(
    paths: &[PathBuf],
    format: LintFormat,
    deny_warnings: bool,
    style: Style,
    out: &mut impl Write,
) -> io::Result<Status> {
    let (files, path_errors) = files::policy_files(paths);
    let mut status = Status::Ok;
    let mut results: Vec<(String, Source, Vec<Diagnostic>)> = Vec::new();
    for path in &files {
        let name = path.display().to_string();
        match load(path) {
            Err(e) => {
                eprintln!("error: {e}");
                status = Status::CouldNotRun;
            }
            Ok(Err(f)) => results.push((name, f.source, f.diagnostics)),
            Ok(Ok(p)) => match crate::analysis::lint(&p) {
                Ok(diags) => results.push((name, p.source().clone(), diags)),
                Err(e) => {
                    eprintln!("error: {name}: {e}");
                    status = Status::CouldNotRun;
                }
            },
        }
    }
    for e in &path_errors {
        eprintln!("error: {e}");
        status = Status::CouldNotRun;
    }
    let reports: Vec<report::FileReport> = results
        .iter()
        .map(|(path, source, diagnostics)| report::FileReport {
            path,
            source,
            diagnostics,
        })
        .collect();
    let (errors, warnings) = report::counts(&reports);
    match format {
        LintFormat::Json => {
            report::write_lint_json(out, &reports)?;
            writeln!(out)?;
        }
        LintFormat::Sarif => writeln!(out, "{}", report::lint_sarif(&reports))?,
        LintFormat::Human => {
            for r in &reports {
                write_diagnostics(out, r.diagnostics, r.source, style)?;
            }
            writeln!(
                out,
                "linted {}: {}, {}",
                plural(reports.len(), "file"),
                plural(errors, "error"),
                plural(warnings, "warning")
            )?;
        }
    }
    if errors > 0 || (deny_warnings && warnings > 0) {
        status = status.max(Status::Failed);
    }
    Ok(status)
}
