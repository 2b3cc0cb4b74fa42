//! Document symbols (facts with their variants, actions, rules, cases) and folding ranges
//! (case blocks and items over several lines), from the items of the latest text that
//! parse.

use super::documents::Document;
use super::position::{Encoding, range};
use crate::model::FactType;
use crate::syntax::outline::ItemKind;
use lsp_types::{DocumentSymbol, FoldingRange, FoldingRangeKind, SymbolKind};

/// Every declaration of the document, in text order.
pub fn symbols(doc: &Document, encoding: Encoding) -> Vec<DocumentSymbol> {
    let analysis = doc.analysed();
    let policy = analysis.policy.as_deref();
    let source = &doc.source;
    let mut out = Vec::new();
    for item in &analysis.items {
        let item_range = range(source, item.span, encoding);
        let (kind, detail) = match item.kind {
            ItemKind::Fact => (SymbolKind::VARIABLE, None),
            ItemKind::Action => (SymbolKind::FUNCTION, None),
            ItemKind::Rule => (SymbolKind::METHOD, item.description.clone()),
            ItemKind::Case => (SymbolKind::OBJECT, None),
        };
        if item.kind == ItemKind::Rule && item.names.is_empty() {
            out.push(symbol(
                format!("@{}", source.line(item.span.start)),
                kind,
                detail,
                item_range,
                range(source, item.span, encoding),
                None,
            ));
            continue;
        }
        for (name, span) in &item.names {
            let selection = range(source, *span, encoding);
            let (detail, children) = match item.kind {
                ItemKind::Fact => fact_detail(doc, policy, name, encoding),
                ItemKind::Action => {
                    let default = policy
                        .and_then(|p| p.action_id(name).map(|a| p.action(a).default))
                        .flatten()
                        .map(|d| format!("default {}", d.as_str()));
                    (default, None)
                }
                _ => (detail.clone(), None),
            };
            out.push(symbol(
                name.clone(),
                kind,
                detail,
                item_range,
                selection,
                children,
            ));
        }
    }
    out
}

/// A fact's type and its variants as children (each at its declaration).
fn fact_detail(
    doc: &Document,
    policy: Option<&crate::model::Policy>,
    name: &str,
    encoding: Encoding,
) -> (Option<String>, Option<Vec<DocumentSymbol>>) {
    let Some((p, f)) = policy.and_then(|p| p.fact_id(name).map(|f| (p, f))) else {
        return (None, None);
    };
    let fact = p.fact(f);
    let detail = Some(if fact.derived {
        "derived".to_string()
    } else {
        fact.ty.describe()
    });
    let FactType::Enum(vs) = &fact.ty else {
        return (detail, None);
    };
    let names = &doc.analysed().names;
    let children = vs
        .iter()
        .filter_map(|v| {
            let u = names.declaration(&names.variant(name, v))?;
            let r = range(&doc.source, u.span, encoding);
            Some(symbol(v.clone(), SymbolKind::ENUM_MEMBER, None, r, r, None))
        })
        .collect();
    (detail, Some(children))
}

#[allow(deprecated)] // `deprecated` is a field of the protocol's struct
fn symbol(
    name: String,
    kind: SymbolKind,
    detail: Option<String>,
    range: lsp_types::Range,
    selection_range: lsp_types::Range,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children,
    }
}

/// A folding range for each item that spans several lines, case blocks and rules among
/// them.
pub fn folding_ranges(doc: &Document) -> Vec<FoldingRange> {
    let source = &doc.source;
    doc.analysed()
        .items
        .iter()
        .filter_map(|item| {
            let start = source.line(item.span.start);
            let end = source.line(item.span.end);
            (end > start).then(|| FoldingRange {
                start_line: (start - 1) as u32,
                end_line: (end - 1) as u32,
                kind: Some(FoldingRangeKind::Region),
                ..FoldingRange::default()
            })
        })
        .collect()
}
