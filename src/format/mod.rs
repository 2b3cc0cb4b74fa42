//! `deontic fmt`: one canonical layout for a policy, from its syntax tree and its comments.
//!
//! Every item starts a line; blank lines between items and between comment blocks are kept
//! (at most one); a long item is broken at the points its [`layout`] allows, conditions
//! before `and`/`or`, lists after commas; strings are written back with [`quote`]. Every
//! comment is kept, in order, at the line break nearest to where it was written. Nothing is
//! aligned to the width of a name, so that renaming never moves other lines.
//!
//! The comments come from the syntax stage's [`lexer`](crate::syntax::lexer).
//!
//! [`quote`]: crate::model::quote

mod case_layout;
mod check;
mod doc;
mod layout;

use crate::diagnostic::Diagnostic;
use crate::source::Source;
use crate::syntax::ast::Item;
use crate::syntax::lexer::{self, Comment, Lexed};
use layout::Layout;

/// The width the layout tries to stay within; only long strings and names go past it.
pub const WIDTH: usize = 100;

/// Why a text could not be formatted.
#[derive(Clone, Debug, thiserror::Error)]
pub enum FormatError {
    /// The text does not parse; it is left as it is.
    #[error("the policy has syntax errors")]
    Syntax(Vec<Diagnostic>),
    /// The formatter's own check failed; the text is left as it is.
    #[error(
        "the formatted text would not mean what the original means ({0}); the file was left as it is"
    )]
    Internal(String),
}

/// Formats a policy's text: the canonical layout, ending with one line break (an empty
/// text, or only whitespace, stays empty). Files with static errors other than syntax
/// errors are formatted too.
///
/// ```
/// let src = deontic::Source::new("p.policy", "fact a,b action x # the action\nrule r:if a and(b)then x");
/// assert_eq!(
///     deontic::format::format(&src).unwrap(),
///     "fact a, b\naction x # the action\nrule r: if a and b then x\n"
/// );
/// ```
pub fn format(source: &Source) -> Result<String, FormatError> {
    let parsed = crate::syntax::parse(source).map_err(FormatError::Syntax)?;
    let out = layout_file(source.text(), &parsed.file, &parsed.lexed);
    let again = Source::new(source.name(), out.as_str());
    let reparsed = crate::syntax::parse(&again)
        .map_err(|d| FormatError::Internal(format!("it does not parse: {}", d[0].message)))?;
    if check::normalize(reparsed.file) != check::normalize(parsed.file) {
        return Err(FormatError::Internal("its syntax tree differs".into()));
    }
    let comments =
        |lexed: Lexed| -> Vec<String> { lexed.comments.into_iter().map(|c| c.text).collect() };
    if comments(reparsed.lexed) != comments(parsed.lexed) {
        return Err(FormatError::Internal("a comment moved or was lost".into()));
    }
    Ok(out)
}

/// Lays out a parsed file.
fn layout_file(text: &str, file: &crate::syntax::ast::File, lexed: &Lexed) -> String {
    let mut lay = Layout {
        text,
        lexed,
        next: 0,
    };
    let mut out = String::new();
    let keyword_start = |s: &crate::syntax::ast::Str| {
        lexed
            .before(s.span.start)
            .map_or(s.span.start, |t| t.span.start)
    };
    let mut elements: Vec<(usize, Element)> = Vec::new();
    if let Some(t) = &file.title {
        elements.push((keyword_start(t), Element::Header("policy", t)));
    }
    for s in &file.sources {
        elements.push((keyword_start(s), Element::Header("source", s)));
    }
    for item in &file.items {
        let start = match item {
            Item::Fact(d) => d.span.start,
            Item::Action(d) => d.span.start,
            Item::Rule(r) => r.span.start,
            Item::Case(c) => c.span.start,
        };
        elements.push((start, Element::Item(item)));
    }
    elements.sort_by_key(|(start, _)| *start);
    for (start, element) in elements {
        comments(&mut out, lay.take_before(start));
        if !out.is_empty() && lexer::blank_before(text, start) {
            blank_line(&mut out);
        }
        let d = match element {
            Element::Header(keyword, s) => lay.header(keyword, s),
            Element::Item(Item::Fact(d)) => lay.fact(d),
            Element::Item(Item::Action(d)) => lay.action(d),
            Element::Item(Item::Rule(r)) => lay.rule(r),
            Element::Item(Item::Case(c)) => lay.case(c),
        };
        out.push_str(&doc::print(&d, WIDTH));
        out.push('\n');
    }
    comments(&mut out, lay.take_before(usize::MAX));
    out
}

enum Element<'a> {
    Header(&'static str, &'a crate::syntax::ast::Str),
    Item(&'a Item),
}

/// Comments between items: the first at the end of the last line when it was written after
/// code there, the others on their own lines.
fn comments(out: &mut String, taken: &[Comment]) {
    for (i, c) in taken.iter().enumerate() {
        if i == 0 && !c.own_line && out.ends_with('\n') {
            out.pop();
            out.push(' ');
        } else if c.blank_before && !out.is_empty() {
            blank_line(out);
        }
        out.push_str(&c.text);
        out.push('\n');
    }
}

fn blank_line(out: &mut String) {
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
}
