//! What the cursor is on: a fact or action, a variant or a rule. In the items that parse
//! the names index says it; in one that does not, the tokens around the word do.

use super::context::{self, Slot};
use super::documents::Document;
use crate::model::Policy;
use crate::source::Span;
use crate::syntax::lexer::TokenKind;
use crate::syntax::names::{Named, is_name};

/// A name under the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// What it names.
    pub named: Named,
    /// Where it is written.
    pub span: Span,
}

/// The name at a byte offset of a document's latest text.
pub fn at(doc: &Document, offset: usize) -> Option<Target> {
    let analysis = doc.analysed();
    if let Some(u) = analysis.names.at(offset) {
        return Some(Target {
            named: u.named.clone(),
            span: u.span,
        });
    }
    let token = doc.lexed.at(offset)?;
    let word = doc.source.slice(token.span);
    let named = match token.kind {
        TokenKind::RuleId => Named::Rule(word.to_string()),
        TokenKind::Word if is_name(word) => {
            let (slot, _) = context::slot(doc.source.text(), &doc.lexed, token.span.end);
            let before = doc
                .lexed
                .before(token.span.start)
                .map(|t| doc.source.slice(t.span));
            match slot {
                Slot::Variant { fact, .. } => variant(doc, &fact, word),
                Slot::RuleRef => Named::Rule(word.to_string()),
                Slot::NewName if before == Some("rule") => Named::Rule(word.to_string()),
                Slot::ExpectWord { .. } | Slot::DefaultWord | Slot::Nothing => return None,
                _ if is_rule_only(doc, word) => Named::Rule(word.to_string()),
                _ => Named::Symbol(word.to_string()),
            }
        }
        _ => return None,
    };
    Some(Target {
        named,
        span: token.span,
    })
}

/// A variant of a fact, named by the type's owner as the current or the last good names
/// index knows it.
fn variant(doc: &Document, fact: &str, word: &str) -> Named {
    let current = doc.analysed().names.variant(fact, word);
    let declared = doc.analysed().names.declaration(&current).is_some();
    match &doc.good {
        Some(good) if !declared => good.names.variant(fact, word),
        _ => current,
    }
}

/// Whether a word is a rule's id and no fact's or action's in the policies the document
/// knows.
fn is_rule_only(doc: &Document, word: &str) -> bool {
    policies(doc).any(|p| p.rule_id(word).is_some())
        && !policies(doc).any(|p| p.symbol(word).is_some())
}

/// The policies a document's features may answer from: the latest text's (of its items
/// without errors), then the last version that built as a whole.
pub fn policies(doc: &Document) -> impl Iterator<Item = &Policy> {
    doc.analysed()
        .policy
        .as_deref()
        .into_iter()
        .chain(doc.good.as_ref().map(|g| &*g.policy))
}

/// The first of a document's policies that declares what `named` names.
pub fn policy_of<'d>(doc: &'d Document, named: &Named) -> Option<&'d Policy> {
    policies(doc).find(|p| match named {
        Named::Symbol(n) => p.symbol(n).is_some(),
        Named::Rule(n) => p.rule_id(n).is_some(),
        Named::Variant { owner, name } => p.fact_id(owner).is_some_and(
            |f| matches!(&p.fact(f).ty, crate::model::FactType::Enum(vs) if vs.contains(name)),
        ),
    })
}
