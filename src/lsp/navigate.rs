//! Go to definition, find references and rename, for facts, actions, variants and rules,
//! across the whole file.

use super::documents::Document;
use super::position::{Encoding, range};
use super::server::RequestError;
use super::target::{self, Target};
use crate::source::Span;
use crate::syntax::names::Named;
use lsp_types::{Location, PrepareRenameResponse, TextEdit, WorkspaceEdit};
use std::collections::HashMap;

/// Where what the cursor is on is declared: in the latest text, or, when its declaration is
/// in a broken item, where the last version that built declared it (if that part of the
/// text is unchanged).
pub fn definition(doc: &Document, offset: usize, encoding: Encoding) -> Option<Location> {
    let Target { named, .. } = target::at(doc, offset)?;
    let span = declaration(doc, &named)?;
    Some(Location::new(
        doc.uri.clone(),
        range(&doc.source, span, encoding),
    ))
}

fn declaration(doc: &Document, named: &Named) -> Option<Span> {
    if let Some(u) = doc.analysed().names.declaration(named) {
        return Some(u.span);
    }
    if let (Named::Rule(id), Some(policy)) = (named, &doc.analysed().policy) {
        if let Some(r) = policy.rule_id(id) {
            return Some(policy.rule(r).name_span);
        }
    }
    let good = doc.good.as_ref()?;
    let span = match named {
        // An anonymous rule has no name to point at: its first token.
        Named::Rule(id) if id.starts_with('@') => {
            let r = good.policy.rule_id(id)?;
            good.policy.rule(r).name_span
        }
        _ => good.names.declaration(named)?.span,
    };
    doc.span_from_good(span)
}

/// Every place that names what the cursor is on, its declaration first when asked for.
pub fn references(
    doc: &Document,
    offset: usize,
    include_declaration: bool,
    encoding: Encoding,
) -> Option<Vec<Location>> {
    let Target { named, .. } = target::at(doc, offset)?;
    let names = &doc.analysed().names;
    let mut spans: Vec<(bool, Span)> = names
        .uses_of(&named)
        .filter(|u| include_declaration || u.declares.is_none())
        .map(|u| (u.declares.is_none(), u.span))
        .collect();
    if include_declaration && !spans.iter().any(|(use_, _)| !use_) {
        if let Some(span) = declaration(doc, &named) {
            spans.push((false, span));
        }
    }
    spans.sort();
    Some(
        spans
            .into_iter()
            .map(|(_, s)| Location::new(doc.uri.clone(), range(&doc.source, s, encoding)))
            .collect(),
    )
}

/// The name a rename would change, if the cursor is on one that can be renamed.
pub fn prepare_rename(
    doc: &Document,
    offset: usize,
    encoding: Encoding,
) -> Result<Option<PrepareRenameResponse>, RequestError> {
    let analysis = doc.analysed();
    if !analysis.parses {
        return Err(RequestError::failed(
            "the file has syntax errors: fix them before renaming",
        ));
    }
    Ok(analysis
        .names
        .at(offset)
        .map(|u| PrepareRenameResponse::RangeWithPlaceholder {
            range: range(&doc.source, u.span, encoding),
            placeholder: u.named.name().to_string(),
        }))
}

/// Every occurrence of what the cursor is on renamed `new_name`; refused when the file has
/// syntax errors (a broken item's names would be missed), when `new_name` is not a name or
/// is reserved, or when it is taken in the same namespace.
pub fn rename(
    doc: &Document,
    offset: usize,
    new_name: &str,
    encoding: Encoding,
) -> Result<Option<WorkspaceEdit>, RequestError> {
    let analysis = doc.analysed();
    if !analysis.parses {
        return Err(RequestError::failed(
            "the file has syntax errors: fix them before renaming",
        ));
    }
    let Some(u) = analysis.names.at(offset) else {
        return Err(RequestError::failed(
            "there is no fact, action, variant or rule name here to rename",
        ));
    };
    if let Some(why) = analysis.names.rename_error(&u.named, new_name) {
        return Err(RequestError::failed(why));
    }
    let edits: Vec<TextEdit> = analysis
        .names
        .uses_of(&u.named)
        .map(|u| TextEdit::new(range(&doc.source, u.span, encoding), new_name.to_string()))
        .collect();
    Ok(Some(WorkspaceEdit {
        changes: Some(HashMap::from([(doc.uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }))
}
