//! An outline of a file's items: what each is, where it is (cut back to its last token),
//! the names it declares and its description, for the front ends that show a file's
//! structure (the language server's symbols and folding).

use super::ast::{self, Item};
use super::lexer;
use crate::source::Span;

/// What kind of item an [`Outline`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// `fact ...`
    Fact,
    /// `action ...`
    Action,
    /// A named or anonymous rule.
    Rule,
    /// `case "..." { ... }`
    Case,
}

/// An item of a file: what it is, where, and the names it declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outline {
    /// What it is.
    pub kind: ItemKind,
    /// The whole item.
    pub span: Span,
    /// The names it declares with their spans: a declaration's facts or actions, a named
    /// rule's name, a case block's name (its string, quotes included); none for an anonymous
    /// rule.
    pub names: Vec<(String, Span)>,
    /// Its description string.
    pub description: Option<String>,
}

/// The items of a syntax tree parsed from `text`, in text order.
pub fn outline(file: &ast::File, text: &str) -> Vec<Outline> {
    file.items.iter().map(|i| item(i, text)).collect()
}

/// A span cut back to the end of its last token: the syntax tree's items take in the
/// blanks and comments after them.
pub fn code_span(text: &str, span: Span) -> Span {
    let Some(inner) = text.get(span.start..span.end) else {
        return span;
    };
    match lexer::lex(inner).tokens.last() {
        Some(t) => Span::new(span.start, span.start + t.span.end),
        None => span,
    }
}

fn item(item: &ast::Item, text: &str) -> Outline {
    let idents = |ids: &[ast::Ident]| ids.iter().map(|i| (i.name.clone(), i.span)).collect();
    let description = |s: &Option<ast::Str>| s.as_ref().map(|s| s.value.clone());
    match item {
        Item::Fact(d) => Outline {
            kind: ItemKind::Fact,
            span: code_span(text, d.span),
            names: idents(&d.names),
            description: description(&d.description),
        },
        Item::Action(d) => Outline {
            kind: ItemKind::Action,
            span: code_span(text, d.span),
            names: idents(&d.names),
            description: description(&d.description),
        },
        Item::Rule(r) => Outline {
            kind: ItemKind::Rule,
            span: code_span(text, r.span),
            names: r.name.iter().map(|n| (n.name.clone(), n.span)).collect(),
            description: description(&r.description),
        },
        Item::Case(c) => Outline {
            kind: ItemKind::Case,
            span: code_span(text, c.span),
            names: vec![(c.name.value.clone(), c.name.span)],
            description: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::outline;
    use crate::source::Source;

    #[test]
    fn items_end_at_their_last_token() {
        let text =
            "fact a # c\n\n# d\nrule r: if a then x # e\n\n# f\ncase \"c\" { given a } # g\n";
        let parsed = crate::syntax::parse(&Source::new("t", text)).unwrap();
        let items: Vec<&str> = outline(&parsed.file, text)
            .iter()
            .map(|i| &text[i.span.start..i.span.end])
            .collect();
        assert_eq!(
            items,
            ["fact a", "rule r: if a then x", "case \"c\" { given a }"]
        );
    }
}
