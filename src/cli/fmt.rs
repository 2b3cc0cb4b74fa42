//! `deontic fmt`: rewrite policy files in the canonical layout, check them, or format
//! standard input.

use super::common::{Context, Status, plural};
use super::files;
use crate::format::{FormatError, format};
use crate::model::Policy;
use crate::report;
use crate::source::Source;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// How to format: check only, format despite static errors, and how to report.
struct How<'c> {
    check: bool,
    force: bool,
    cx: &'c Context,
}

pub(super) fn fmt(
    paths: &[PathBuf],
    check: bool,
    force: bool,
    cx: &Context,
    out: &mut impl Write,
) -> io::Result<Status> {
    let how = How { check, force, cx };
    let mut status = Status::Ok;
    let (mut seen, mut changed, mut failed) = (0, 0, 0);
    for path in paths {
        if path == Path::new("-") {
            let mut bytes = Vec::new();
            if let Err(e) = io::stdin().lock().read_to_end(&mut bytes) {
                eprintln!("error: standard input: {}", files::io_reason(&e));
                status = Status::CouldNotRun;
                continue;
            }
            status = status.max(stdin(bytes, &how, out)?);
            continue;
        }
        let (found, errors) = files::policy_files(std::slice::from_ref(path));
        for e in &errors {
            eprintln!("error: {e}");
            status = Status::CouldNotRun;
        }
        for file in &found {
            seen += 1;
            let (s, c) = one_file(file, &how, out)?;
            status = status.max(s);
            changed += usize::from(c);
            failed += usize::from(s != Status::Ok && !c);
        }
    }
    if seen > 0 && !(cx.quiet && status == Status::Ok) {
        let verb = if check { "checked" } else { "formatted" };
        let what = if check {
            format!("{changed} would be reformatted")
        } else {
            format!("{changed} changed")
        };
        let errors = if failed > 0 {
            format!(", {failed} not formatted")
        } else {
            String::new()
        };
        // A file that could not be read or parsed is not counted as formatted or checked.
        writeln!(
            out,
            "{verb} {}: {what}{errors}",
            plural(seen - failed, "file")
        )?;
    }
    Ok(status)
}

/// Reads a file as UTF-8 text.
fn read(path: &Path) -> Result<String, (Status, String)> {
    let bytes = std::fs::read(path).map_err(|e| (Status::CouldNotRun, files::io_reason(&e)))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        (
            Status::Failed,
            format!("not UTF-8 text (invalid byte at offset {at}); left as it is"),
        )
    })
}

/// Formats one file in place, or with `check` prints its diff. Returns whether it changed.
fn one_file(path: &Path, how: &How, out: &mut impl Write) -> io::Result<(Status, bool)> {
    let check = how.check;
    let name = path.display().to_string();
    let text = match read(path) {
        Ok(t) => t,
        Err((status, reason)) => {
            eprintln!("error: {name}: {reason}");
            return Ok((status, false));
        }
    };
    let formatted = match formatted(&Source::new(name.as_str(), text.as_str()), how) {
        Ok(f) => f,
        Err(status) => return Ok((status, false)),
    };
    if formatted == text {
        return Ok((Status::Ok, false));
    }
    if check {
        if !how.cx.quiet {
            write!(out, "{}", diff(&name, &text, &formatted))?;
        }
        return Ok((Status::Failed, true));
    }
    if let Err(e) = super::write::write_atomic(path, |w| w.write_all(formatted.as_bytes())) {
        eprintln!("error: {name}: {}", files::io_reason(&e));
        return Ok((Status::CouldNotRun, false));
    }
    Ok((Status::Ok, true))
}

/// Standard input to standard output, or with `check` its diff.
fn stdin(bytes: Vec<u8>, how: &How, out: &mut impl Write) -> io::Result<Status> {
    let check = how.check;
    let Ok(text) = String::from_utf8(bytes) else {
        eprintln!("error: standard input: not UTF-8 text");
        return Ok(Status::Failed);
    };
    let formatted = match formatted(&Source::new(how.cx.stdin_name.as_str(), text.as_str()), how) {
        Ok(f) => f,
        Err(status) => {
            // Standard output still gets the text, unchanged, so a pipe loses nothing.
            if !check {
                out.write_all(text.as_bytes())?;
            }
            return Ok(status);
        }
    };
    if !check {
        out.write_all(formatted.as_bytes())?;
        return Ok(Status::Ok);
    }
    if formatted == text {
        return Ok(Status::Ok);
    }
    if !how.cx.quiet {
        write!(out, "{}", diff(&how.cx.stdin_name, &text, &formatted))?;
    }
    Ok(Status::Failed)
}

/// The formatted text, or the status after reporting why there is none.
/// A file with static errors is formatted as any other, unless formatting would change
/// which errors it has: two anonymous rules on one line (a `duplicate-name`) get ids of
/// their own when the layout splits the line, and that needs `--force`.
fn formatted(source: &Source, how: &How) -> Result<String, Status> {
    let text = match format(source) {
        Ok(f) => f,
        Err(FormatError::Syntax(diags)) => {
            eprint!(
                "{}",
                report::render_diagnostics(&diags, source, how.cx.err_style)
            );
            eprintln!(
                "error: {}: not formatted: it has syntax errors",
                source.name()
            );
            return Err(Status::Failed);
        }
        Err(e @ FormatError::Internal(_)) => {
            eprintln!("error: {}: {e}", source.name());
            return Err(Status::CouldNotRun);
        }
    };
    if how.force {
        return Ok(text);
    }
    let before = error_codes(source.clone());
    if before.is_empty() {
        return Ok(text);
    }
    let after = error_codes(Source::new(source.name(), text.as_str()));
    if before != after {
        let list = |codes: &[&str]| match codes {
            [] => "none".to_string(),
            _ => codes
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", "),
        };
        eprintln!(
            "error: {}: not formatted: formatting would change its static errors from {} to {} \
             (`--force` formats it anyway)",
            source.name(),
            list(&before),
            list(&after)
        );
        return Err(Status::Failed);
    }
    Ok(text)
}

/// The codes of a text's static errors, sorted.
fn error_codes(source: Source) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = match Policy::from_source(source) {
        Ok(_) => Vec::new(),
        Err(f) => f.diagnostics.iter().map(|d| d.code.as_str()).collect(),
    };
    codes.sort_unstable();
    codes
}

/// A unified diff from the file as it is to the file formatted.
fn diff(name: &str, old: &str, new: &str) -> String {
    // Patience anchors on lines that occur once, which keeps a file whose every line moved
    // linear; the deadline bounds the rest (the diff is then less small, never wrong).
    similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .deadline(std::time::Instant::now() + std::time::Duration::from_millis(300))
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .missing_newline_hint(true)
        .to_string()
}
