//! Text to syntax tree: the pest grammar in `grammar/policy.pest`, lowered to [`ast`].
//!
//! Only this module sees pest's types.

pub mod ast;
mod errors;
mod lower;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Source, Span};
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/policy.pest"]
pub(crate) struct PolicyParser;

/// How deeply parentheses and `not`s may nest in one expression.
pub const MAX_NESTING: usize = 256;

/// Parses a policy's text into its syntax tree, or the syntax errors that stop it.
pub fn parse(source: &Source) -> Result<ast::File, Vec<Diagnostic>> {
    let text = source.text();
    if let Some(diag) = check_nesting(text) {
        return Err(vec![diag]);
    }
    let pairs =
        PolicyParser::parse(Rule::file, text).map_err(|e| vec![errors::from_pest(text, &e)])?;
    lower::file(pairs)
}

/// Finds the first place where parentheses and `not`s nest deeper than [`MAX_NESTING`],
/// before the recursive parser sees the text.
fn check_nesting(text: &str) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    let (mut parens, mut nots, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                nots = 0;
            }
            b'(' => parens += 1,
            b')' => {
                parens = parens.saturating_sub(1);
                nots = 0;
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ if b.is_ascii_alphanumeric() || b == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                if &bytes[start..i] == b"not" {
                    nots += 1;
                } else {
                    nots = 0;
                }
                if parens + nots > MAX_NESTING {
                    return Some(too_deep(Span::new(start, i)));
                }
                continue;
            }
            _ => nots = 0,
        }
        if parens + nots > MAX_NESTING {
            return Some(too_deep(Span::new(i, i + 1)));
        }
        i += 1;
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
