//! `deontic test --bless`: write the actual verdicts into a policy's case blocks.
//!
//! A wrong `expect` line gets the actual word in place of its own; every action and every
//! derived fact a block does not expect yet gets an `expect` line, added at the end of the
//! block with the indentation of the block's first line. Nothing else in the text changes:
//! comments, layout and the other lines stay as they are.

use crate::eval::evaluate;
use crate::model::{ExpectTarget, Policy};
use crate::source::Span;
use crate::syntax::lexer::{self, Token};

/// What blessing changed in one case block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlessedCase {
    /// The block's index among the policy's case blocks.
    pub case: usize,
    /// Expectations fixed: their index in the block, the word written, the word now.
    pub fixed: Vec<(usize, String, &'static str)>,
    /// Expectations added, as `expect` lines' contents (`x is permitted`).
    pub added: Vec<String>,
}

/// A policy's text with its case blocks blessed, and what changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blessed {
    /// The new text of the file.
    pub text: String,
    /// Only the blocks that changed.
    pub cases: Vec<BlessedCase>,
}

/// Blesses every case block of a checked policy.
pub fn bless(policy: &Policy) -> Blessed {
    let text = policy.source().text();
    let tokens = lexer::lex(text).tokens;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut edits: Vec<(Span, String)> = Vec::new();
    let mut cases = Vec::new();
    for (i, block) in policy.cases().iter().enumerate() {
        let outcome = evaluate(policy, &block.case);
        let mut changed = BlessedCase {
            case: i,
            fixed: Vec::new(),
            added: Vec::new(),
        };
        for (j, x) in block.expectations.iter().enumerate() {
            let actual = outcome.word(x.target);
            if actual != x.word {
                let end = x.span.end;
                edits.push((Span::new(end - x.word.len(), end), actual.to_string()));
                changed.fixed.push((j, x.word.clone(), actual));
            }
        }
        for target in policy.expectable() {
            if block.expectations.iter().any(|x| x.target == target) {
                continue;
            }
            let name = match target {
                ExpectTarget::Action(a) => &policy.action(a).name,
                ExpectTarget::Fact(f) => &policy.fact(f).name,
            };
            changed
                .added
                .push(format!("{name} is {}", outcome.word(target)));
        }
        if !changed.added.is_empty() {
            edits.push(insertion(
                text,
                &tokens,
                block.span,
                &changed.added,
                newline,
            ));
        }
        if !changed.fixed.is_empty() || !changed.added.is_empty() {
            cases.push(changed);
        }
    }
    edits.sort_by_key(|(span, _)| span.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (span, with) in edits {
        out.push_str(&text[at..span.start]);
        out.push_str(&with);
        at = span.end;
    }
    out.push_str(&text[at..]);
    Blessed { text: out, cases }
}

/// The leading whitespace of the line holding `pos`, and whether only whitespace comes
/// before `pos` on it.
fn line_indent(text: &str, pos: usize) -> (&str, bool) {
    let start = text[..pos].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before = &text[start..pos];
    let indent = &before[..before.len() - before.trim_start().len()];
    (indent, before.trim().is_empty())
}

/// The edit that adds `expect` lines at the end of the block at `span`.
fn insertion(
    text: &str,
    tokens: &[Token],
    span: Span,
    added: &[String],
    newline: &str,
) -> (Span, String) {
    let close = span.end - 1;
    let (case_indent, _) = line_indent(text, span.start);
    // `case`, its name, `{`, then the block's first token (unless that is the `}`).
    let open = tokens.partition_point(|t| t.span.start < span.start) + 2;
    let indent = match tokens.get(open + 1) {
        Some(t) if t.span.start < close && line_indent(text, t.span.start).1 => {
            line_indent(text, t.span.start).0.to_string()
        }
        _ => format!("{case_indent}  "),
    };
    let lines: Vec<String> = added
        .iter()
        .map(|a| format!("{indent}expect {a}"))
        .collect();
    let (_, close_alone) = line_indent(text, close);
    if close_alone {
        let start = text[..close].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let with = lines.iter().map(|l| format!("{l}{newline}")).collect();
        (Span::new(start, start), with)
    } else {
        // `}` after code on its line: the lines go between, and `}` moves to its own line.
        let end = text[..close].trim_end().len();
        let with = format!("{newline}{}{newline}{case_indent}", lines.join(newline));
        (Span::new(end, close), with)
    }
}

#[cfg(test)]
mod tests {
    use super::{Blessed, BlessedCase, bless};
    use crate::model::Policy;

    fn blessed(text: &str) -> Blessed {
        bless(&Policy::parse("t.policy", text).unwrap_or_else(|f| panic!("{f}")))
    }

    #[test]
    fn fixes_wrong_words_and_adds_missing_lines_keeping_comments() {
        let text = "fact a\naction x default forbidden\naction y\nrule r: if a then may x\n\n\
            case \"c\" {\n    given a # the attack\n    # x is the point\n    expect x is forbidden # wrong\n}\n";
        let b = blessed(text);
        assert_eq!(
            b.text,
            "fact a\naction x default forbidden\naction y\nrule r: if a then may x\n\n\
             case \"c\" {\n    given a # the attack\n    # x is the point\n    expect x is permitted # wrong\n    \
             expect y is undecided\n}\n"
        );
        assert_eq!(
            b.cases,
            [BlessedCase {
                case: 0,
                fixed: vec![(0, "forbidden".into(), "permitted")],
                added: vec!["y is undecided".into()],
            }]
        );
    }

    #[test]
    fn a_block_on_one_line_gets_its_closing_brace_on_its_own_line() {
        let b = blessed("fact a\naction x\nif a then x\n  case \"c\" { given a }\n  case \"d\" {}");
        assert_eq!(
            b.text,
            "fact a\naction x\nif a then x\n  case \"c\" { given a\n    expect x is required\n  }\n  \
             case \"d\" {\n    expect x is undecided\n  }"
        );
    }

    #[test]
    fn derived_facts_are_expected_too_and_crlf_is_kept() {
        let b =
            blessed("fact a, d\r\naction x\r\nif a then d\r\ncase \"c\" {\r\n  given a\r\n}\r\n");
        assert_eq!(
            b.text,
            "fact a, d\r\naction x\r\nif a then d\r\ncase \"c\" {\r\n  given a\r\n  \
             expect x is undecided\r\n  expect d is true\r\n}\r\n"
        );
    }

    #[test]
    fn a_passing_complete_block_is_left_alone() {
        let text = "fact a\naction x\nif a then x\ncase \"c\" { given a expect x is required }\n";
        let b = blessed(text);
        assert_eq!(b.text, text);
        assert!(b.cases.is_empty());
    }
}
