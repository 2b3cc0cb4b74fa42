//! The library's diagnostics as the protocol's: the code with a link to its documentation,
//! the severity, the primary range, every other label as related information, and the
//! machine-readable fields (rules, action, name, witness) in `data`.

use super::documents::Document;
use super::position::{Encoding, range};
use crate::diagnostic::{Code, Diagnostic, Literal, Severity};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, PublishDiagnosticsParams,
};
use serde_json::{Map, Value, json};

/// The diagnostics of a document's latest text, as a publication for its version.
pub fn publication(doc: &Document, encoding: Encoding) -> PublishDiagnosticsParams {
    PublishDiagnosticsParams {
        uri: doc.uri.clone(),
        diagnostics: doc
            .diagnostics()
            .map(|d| convert(doc, d, encoding))
            .collect(),
        version: Some(doc.version),
    }
}

/// One diagnostic of a document, in the protocol's terms. The message is followed by the
/// help, on its own lines.
pub fn convert(doc: &Document, d: &Diagnostic, encoding: Encoding) -> lsp_types::Diagnostic {
    let source = &doc.source;
    let span = d.span().unwrap_or_default();
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter(|l| !(l.primary && l.span == span))
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(doc.uri.clone(), range(source, l.span, encoding)),
            message: l.message.clone(),
        })
        .collect();
    let message = match &d.help {
        Some(help) => format!("{}\n{help}", d.message),
        None => d.message.clone(),
    };
    lsp_types::Diagnostic {
        range: range(source, span, encoding),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        code_description: d
            .code
            .docs_url()
            .parse()
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("deontic".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: matches!(
            d.code,
            Code::UnusedFact | Code::UnusedAction | Code::NeverFires | Code::RedundantRule
        )
        .then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: Some(data(d)),
    }
}

/// The machine-readable fields: the code, and `rules`, `action`, `name` and `witness`
/// (every input fact and its value, in declaration order) when the diagnostic has them.
fn data(d: &Diagnostic) -> Value {
    let mut out = Map::new();
    out.insert("code".into(), json!(d.code.as_str()));
    if !d.rules.is_empty() {
        out.insert("rules".into(), json!(d.rules));
    }
    if let Some(a) = &d.action {
        out.insert("action".into(), json!(a));
    }
    if let Some(n) = &d.name {
        out.insert("name".into(), json!(n));
    }
    if let Some(w) = &d.witness {
        let facts: Map<String, Value> = w
            .iter()
            .map(|(name, value)| {
                let v = match value {
                    Literal::Bool(b) => json!(b),
                    Literal::Variant(v) => json!(v),
                    Literal::Int(i) => json!(i),
                };
                (name.to_string(), v)
            })
            .collect();
        out.insert("witness".into(), Value::Object(facts));
    }
    Value::Object(out)
}
