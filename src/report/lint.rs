//! Lint reports: JSON (the form `docs/language.md` and the README document), SARIF 2.1.0,
//! and a summary line.

use crate::diagnostic::{Code, Diagnostic, Literal, Severity, Witness};
use crate::source::Source;
use serde::Serialize;
use serde_json::{Map, Value as J, json};
use std::io::{self, Write};

/// One file's findings.
pub struct FileReport<'a> {
    /// The path as given.
    pub path: &'a str,
    /// Its text.
    pub source: &'a Source,
    /// Its diagnostics, in report order.
    pub diagnostics: &'a [Diagnostic],
}

fn literal(l: &Literal) -> J {
    match l {
        Literal::Bool(b) => J::Bool(*b),
        Literal::Variant(v) => J::String(v.clone()),
        Literal::Int(i) => J::from(*i),
    }
}

fn witness(w: &Witness) -> J {
    J::Object(w.iter().map(|(k, v)| (k.to_string(), literal(v))).collect())
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
struct DiagnosticJson<'a> {
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
struct WitnessJson<'a>(&'a Witness);

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

fn diagnostic_json<'a>(d: &'a Diagnostic, source: &Source) -> DiagnosticJson<'a> {
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

/// SARIF 2.1.0: one run, every code as a rule, every finding a result with its locations.
pub fn lint_sarif(files: &[FileReport]) -> String {
    let rules: Vec<J> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "name": c.as_str(),
                "shortDescription": {"text": c.summary()},
                "defaultConfiguration": {"level": level(c.severity())},
            })
        })
        .collect();
    let mut results = Vec::new();
    for f in files {
        for d in f.diagnostics {
            let region = |span: crate::source::Span| {
                let (sl, sc) = f.source.line_col(span.start);
                let (el, ec) = f.source.line_col(span.end);
                json!({"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec})
            };
            let location = |span, msg: Option<&str>| {
                let mut loc = json!({
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(f.path)},
                        "region": region(span),
                    }
                });
                if let Some(m) = msg {
                    loc["message"] = json!({"text": m});
                }
                loc
            };
            let primary = d.labels.iter().find(|l| l.primary).or(d.labels.first());
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text = format!("{text}\n{h}");
            }
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": level(d.severity),
                "message": {"text": text},
                "locations": primary.map(|l| vec![location(l.span, None)]).unwrap_or_default(),
            });
            let related: Vec<J> = d
                .labels
                .iter()
                .filter(|l| Some(*l) != primary)
                .enumerate()
                .map(|(i, l)| {
                    let mut loc = location(l.span, Some(&l.message));
                    loc["id"] = json!(i);
                    loc
                })
                .collect();
            if !related.is_empty() {
                result["relatedLocations"] = J::Array(related);
            }
            let mut props = Map::new();
            if let Some(a) = &d.action {
                props.insert("action".into(), a.clone().into());
            }
            if !d.rules.is_empty() {
                props.insert("rules".into(), d.rules.clone().into());
            }
            if let Some(n) = &d.name {
                props.insert("name".into(), n.clone().into());
            }
            if let Some(w) = &d.witness {
                props.insert("witness".into(), witness(w));
            }
            if !props.is_empty() {
                result["properties"] = J::Object(props);
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "deontic",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://crates.io/crates/deontic",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
    .to_string()
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A relative path as a URI reference: forward slashes, spaces and `%` escaped.
fn uri(path: &str) -> String {
    path.replace('\\', "/")
        .replace('%', "%25")
        .replace(' ', "%20")
}
