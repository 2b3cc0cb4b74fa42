//! Text to syntax tree: the pest grammar in `grammar/policy.pest`, lowered to [`ast`], and
//! the [`lexer`] that keeps what the grammar skips (comments) with every token's span.
//!
//! Only this module sees pest's types.

pub mod ast;
mod errors;
mod grammar;
pub mod lexer;
mod lower;
pub mod names;
pub mod outline;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Source, Span};
use grammar::{PolicyParser, Rule};
use lexer::{Lexed, TokenKind};
use pest::Parser as _;

/// How deeply parentheses and `not`s may nest in one expression.
pub const MAX_NESTING: usize = 256;

/// A parsed policy text: its syntax tree, and its tokens and comments.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The syntax tree.
    pub file: ast::File,
    /// Every token and comment of the text.
    pub lexed: Lexed,
}

/// Parses a policy's text into its syntax tree, or the syntax errors that stop it.
pub fn parse(source: &Source) -> Result<Parsed, Vec<Diagnostic>> {
    let text = source.text();
    let lexed = lexer::lex(text);
    if let Some(diag) = check_nesting(text, &lexed) {
        return Err(vec![diag]);
    }
    let pairs =
        PolicyParser::parse(Rule::file, text).map_err(|e| vec![errors::from_pest(text, &e)])?;
    let file = lower::file(pairs)?;
    Ok(Parsed { file, lexed })
}

/// Finds the first place where parentheses and `not`s nest deeper than [`MAX_NESTING`],
/// before the recursive parser sees the text: a run of `not`s counts with the parentheses
/// open around it.
fn check_nesting(text: &str, lexed: &Lexed) -> Option<Diagnostic> {
    let (mut parens, mut nots) = (0usize, 0usize);
    for token in &lexed.tokens {
        let span = token.span;
        let word = &text[span.start..span.end];
        match (token.kind, word) {
            (TokenKind::Punct, "(") => {
                parens += 1;
                if parens + nots > MAX_NESTING {
                    return Some(too_deep(Span::new(span.start, span.start + 1)));
                }
            }
            (TokenKind::Punct, ")") => {
                parens = parens.saturating_sub(1);
                nots = 0;
            }
            (TokenKind::Word, "not") => {
                nots += 1;
                if parens + nots > MAX_NESTING {
                    return Some(too_deep(span));
                }
            }
            _ => nots = 0,
        }
    }
    None
}

fn too_deep(span: Span) -> Diagnostic {
    Diagnostic::new(Code::SyntaxError, "expression nested too deeply")
        .primary(
            span,
            format!("more than {MAX_NESTING} levels of parentheses and `not`"),
        )
        .help("split the condition into derived facts, each defined by its own rule")
}

#[cfg(test)]
mod tests;
