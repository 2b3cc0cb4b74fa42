//! Code actions (the library's fixes for the diagnostics in a range: a finding's witness as
//! a `case` block, the `overrides` that settles a conflict, a redundant rule deleted, a
//! misspelt name replaced) and formatting (as `deontic fmt`, the whole document).

use super::diagnostics::convert;
use super::documents::Document;
use super::position::{Encoding, end, range};
use super::server::RequestError;
use crate::analysis::fixes::fixes;
use crate::format::{FormatError, format};
use crate::source::Span;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Position, Range, TextEdit, WorkspaceEdit,
};
use std::collections::HashMap;

/// The fixes of the diagnostics that touch `span` of the latest text.
pub fn code_actions(doc: &Document, span: Span, encoding: Encoding) -> Vec<CodeActionOrCommand> {
    let analysis = doc.analysed();
    // The fixes of findings need the policy of the whole text: its spans are the text's.
    let policy = analysis.policy.as_deref().filter(|_| analysis.exact);
    let mut out = Vec::new();
    for d in doc.diagnostics() {
        let Some(at) = d.span() else { continue };
        if at.end < span.start || at.start > span.end {
            continue;
        }
        for fix in fixes(&doc.source, policy, d) {
            let edits = fix
                .edits
                .iter()
                .map(|e| TextEdit::new(range(&doc.source, e.span, encoding), e.text.clone()))
                .collect();
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![convert(doc, d, encoding)]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(doc.uri.clone(), edits)])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: fix.preferred.then_some(true),
                ..CodeAction::default()
            }));
        }
    }
    out
}

/// The document in the canonical layout, as one edit of the whole text; no edit when it is
/// formatted already. A text with syntax errors is refused.
pub fn formatting(doc: &Document, encoding: Encoding) -> Result<Vec<TextEdit>, RequestError> {
    match format(&doc.source) {
        Ok(text) if text == doc.source.text() => Ok(Vec::new()),
        Ok(text) => Ok(vec![TextEdit::new(
            Range::new(Position::new(0, 0), end(&doc.source, encoding)),
            text,
        )]),
        Err(FormatError::Syntax(_)) => Err(RequestError::failed(
            "the file has syntax errors: fix them before formatting",
        )),
        Err(e) => Err(RequestError::failed(e.to_string())),
    }
}
