//! Lint reports: JSON (the form `docs/language.md` and the README document), SARIF 2.1.0,
//! and a summary line.

use crate::diagnostic::{Code, Diagnostic, Literal, Severity, Witness};
use crate::source::Source;
use serde_json::{Map, Value as J, json};

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

fn diagnostic_json(d: &Diagnostic, source: &Source) -> J {
    let (line, column) = d.span().map_or((1, 1), |s| source.line_col(s.start));
    let mut m = Map::new();
    m.insert("code".into(), d.code.as_str().into());
    m.insert("severity".into(), d.severity.as_str().into());
    m.insert("message".into(), d.message.clone().into());
    m.insert("line".into(), line.into());
    m.insert("column".into(), column.into());
    if let Some(a) = &d.action {
        m.insert("action".into(), a.clone().into());
    }
    if !d.rules.is_empty() {
        m.insert("rules".into(), d.rules.clone().into());
    }
    if let Some(n) = &d.name {
        m.insert("name".into(), n.clone().into());
    }
    if let Some(w) = &d.witness {
        m.insert("witness".into(), witness(w));
    }
    if let Some(h) = &d.help {
        m.insert("help".into(), h.clone().into());
    }
    J::Object(m)
}

/// The lint JSON document: `files` with their `diagnostics`, then a `summary`.
pub fn lint_json(files: &[FileReport]) -> String {
    let (errors, warnings) = counts(files);
    // Each diagnostic is written as soon as it is built: a large policy's findings, each with
    // a witness naming every input fact, would take several times their text as JSON values.
    let mut out = String::from("{\"files\":[");
    for (i, f) in files.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"path\":");
        out.push_str(&J::from(f.path).to_string());
        out.push_str(",\"diagnostics\":[");
        for (j, d) in f.diagnostics.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(&diagnostic_json(d, f.source).to_string());
        }
        out.push_str("]}");
    }
    out.push_str("],\"summary\":");
    out.push_str(&json!({"errors": errors, "warnings": warnings}).to_string());
    out.push('}');
    out
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
