//! Lint reports as JSON (the form the README documents), and the counts of the summary
//! line.

use crate::diagnostic::{Diagnostic, Severity, Witness};
use crate::source::Source;
use serde::Serialize;
use serde_json::{Value as J, json};
use std::io::{self, Write};

/// One file's findings.
pub struct FileReport<'a> {
    /// The path as given, or the name given to standard input.
    pub path: &'a str,
    /// The file on disk, when there is one: its exact name, which `path` may only
    /// approximate (a name that is not UTF-8).
    pub file: Option<&'a std::path::Path>,
    /// Its text.
    pub source: &'a Source,
    /// Its diagnostics, in report order.
    pub diagnostics: &'a [Diagnostic],
}

/// Errors and warnings over all files.
pub fn counts(files: &[FileReport]) -> (usize, usize) {
    let all = files.iter().flat_map(|f| f.diagnostics);
    let errors = all
        .clone()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, all.count() - errors)
}

/// One diagnostic as `lint --format json` writes it (fields in this order).
#[derive(Serialize)]
pub(super) struct DiagnosticJson<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    line: usize,
    column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    rules: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    witness: Option<WitnessJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

/// A witness as a JSON object, every input fact in declaration order, written straight from
/// its sparse form.
pub(super) struct WitnessJson<'a>(pub &'a Witness);

impl Serialize for WitnessJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in self.0.iter() {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

pub(super) fn diagnostic_json<'a>(d: &'a Diagnostic, source: &Source) -> DiagnosticJson<'a> {
    let (line, column) = d.span().map_or((1, 1), |s| source.line_col(s.start));
    DiagnosticJson {
        code: d.code.as_str(),
        severity: d.severity.as_str(),
        message: &d.message,
        line,
        column,
        action: d.action.as_deref(),
        rules: &d.rules,
        name: d.name.as_deref(),
        witness: d.witness.as_ref().map(WitnessJson),
        help: d.help.as_deref(),
    }
}

/// Diagnostics as `lint --format json` writes them, as JSON values.
pub fn diagnostics_json(diagnostics: &[Diagnostic], source: &Source) -> Vec<J> {
    diagnostics
        .iter()
        .filter_map(|d| serde_json::to_value(diagnostic_json(d, source)).ok())
        .collect()
}

/// The line `test --format json` writes for a policy with static errors: its path,
/// `passed: false`, and its `errors` as `lint --format json` writes diagnostics.
pub fn test_json_errors(path: &str, diagnostics: &[Diagnostic], source: &Source) -> String {
    let errors: Vec<DiagnosticJson> = diagnostics
        .iter()
        .map(|d| diagnostic_json(d, source))
        .collect();
    serde_json::json!({"path": path, "passed": false, "errors": errors}).to_string()
}

/// The lint JSON document: `files` with their `diagnostics`, then a `summary`.
pub fn lint_json(files: &[FileReport]) -> String {
    let mut out = Vec::new();
    // Writing to a vector cannot fail.
    let _ = write_lint_json(&mut out, files);
    String::from_utf8(out).unwrap_or_default()
}

/// [`lint_json`], written as it is built: each diagnostic is written and dropped in turn,
/// so a large policy's findings, each with a witness naming every input fact, never sit in
/// memory as JSON.
pub fn write_lint_json(out: &mut dyn Write, files: &[FileReport]) -> io::Result<()> {
    let (errors, warnings) = counts(files);
    out.write_all(b"{\"files\":[")?;
    for (i, f) in files.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write!(out, "{{\"path\":{},\"diagnostics\":[", J::from(f.path))?;
        for (j, d) in f.diagnostics.iter().enumerate() {
            if j > 0 {
                out.write_all(b",")?;
            }
            serde_json::to_writer(&mut *out, &diagnostic_json(d, f.source))?;
        }
        out.write_all(b"]}")?;
    }
    write!(
        out,
        "],\"summary\":{}}}",
        json!({"errors": errors, "warnings": warnings})
    )
}
