//! `deontic lint`: the static checks, then the analysis, in the chosen report format.

use super::LintFormat;
use super::common::{Context, Status, load, plural, write_diagnostics};
use super::files;
use crate::diagnostic::Diagnostic;
use crate::report::{self, SarifPlace};
use crate::source::Source;
use std::io::{self, Write};
use std::path::PathBuf;

/// Lints every policy file under `paths`.
pub(super) fn lint(
    paths: &[PathBuf],
    format: LintFormat,
    deny_warnings: bool,
    cx: &Context,
    out: &mut impl Write,
) -> io::Result<Status> {
    let (files, path_errors) = files::policy_files(paths);
    let mut status = Status::Ok;
    let mut results: Vec<(String, Option<&PathBuf>, Source, Vec<Diagnostic>)> = Vec::new();
    // Why the run could not finish, for the machine formats too.
    let mut failures: Vec<String> = Vec::new();
    for path in &files {
        let name = cx.name(path);
        let file = (path.as_os_str() != "-").then_some(path);
        match load(path, cx) {
            Err(e) => failures.push(e.to_string()),
            Ok(Err(f)) => results.push((name, file, f.source, f.diagnostics)),
            Ok(Ok(p)) => match crate::analysis::lint(&p) {
                Ok(diags) => results.push((name, file, p.source().clone(), diags)),
                Err(e) => failures.push(format!("{name}: {e}")),
            },
        }
    }
    failures.extend(path_errors.iter().map(|e| e.to_string()));
    for f in &failures {
        eprintln!("error: {f}");
        status = Status::CouldNotRun;
    }
    let reports: Vec<report::FileReport> = results
        .iter()
        .map(|(path, file, source, diagnostics)| report::FileReport {
            path,
            file: file.map(PathBuf::as_path),
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
        LintFormat::Sarif => writeln!(
            out,
            "{}",
            report::lint_sarif_at(&reports, &SarifPlace::here(), &failures)
        )?,
        LintFormat::Github => write!(
            out,
            "{}",
            report::lint_github(&reports, &SarifPlace::here())
        )?,
        LintFormat::Human => {
            let failing = errors > 0 || (deny_warnings && warnings > 0) || !failures.is_empty();
            if cx.quiet && !failing {
                return Ok(status);
            }
            for r in reports.iter().filter(|_| !cx.quiet) {
                write_diagnostics(out, r.diagnostics, r.source, cx.style)?;
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
