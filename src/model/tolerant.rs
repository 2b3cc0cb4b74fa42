//! A policy from a text with errors, for the front ends that keep working while an author
//! types (the language server): each item with an error is blanked out (its characters
//! replaced by spaces, line breaks kept, so that every offset and line of the rest stays
//! where it was) and the rest is parsed and checked again, until it builds.

use super::build::{MAX_SOURCE_BYTES, build};
use super::policy::Policy;
use crate::diagnostic::Diagnostic;
use crate::source::{Source, Span};
use crate::syntax::lexer::{self, Lexed, TokenKind};
use crate::syntax::names::NameIndex;
use crate::syntax::outline::{Outline, outline};

/// How many items syntax errors may cost before the rest is given up.
const MAX_SYNTAX_ROUNDS: usize = 64;
/// How many rounds of static errors may cost items before the rest is given up.
const MAX_CHECK_ROUNDS: usize = 16;

/// The words that start an item. An anonymous rule starts with `if` too, unless the `if`
/// follows the `:` of a named rule.
const ITEM_KEYWORDS: [&str; 6] = ["policy", "source", "fact", "action", "rule", "case"];

/// What could be made of a text with errors.
#[derive(Clone, Debug)]
pub struct Tolerant {
    /// The text's errors, as [`Policy::parse`] reports them: its first syntax error, or,
    /// when it parses, every static error.
    pub diagnostics: Vec<Diagnostic>,
    /// The policy of the items without errors (all of them when there are none). Its source
    /// is the text with the other items blanked out, at the same offsets.
    pub policy: Option<Policy>,
    /// Every name of the items that parse, at their offsets in the text.
    pub names: NameIndex,
    /// The items that parse, at their offsets in the text.
    pub items: Vec<Outline>,
    /// The items left out, in the order they were, each from its first token to the next
    /// item's.
    pub blanked: Vec<Span>,
    /// Whether the whole text parses (it may still have static errors).
    pub parses: bool,
}

impl Tolerant {
    /// Whether the policy is the whole text's: nothing was left out.
    pub fn is_exact(&self) -> bool {
        self.policy.is_some() && self.blanked.is_empty()
    }
}

impl Policy {
    /// Parses and checks a policy, and when the text has errors, builds the policy of the
    /// items without them: an item with a syntax error is left out, and then each item with
    /// a static error (so a use of a fact declared in a broken item costs its own item too),
    /// until the rest builds.
    pub fn parse_tolerant(source: &Source) -> Tolerant {
        if source.text().len() > MAX_SOURCE_BYTES {
            let diagnostics = Policy::from_source(source.clone())
                .err()
                .map(|f| f.diagnostics)
                .unwrap_or_default();
            return Tolerant {
                diagnostics,
                policy: None,
                names: NameIndex::default(),
                items: Vec::new(),
                blanked: Vec::new(),
                parses: false,
            };
        }
        let mut work = source.text().to_string();
        let mut blanked = Vec::new();
        let mut first_errors = None;
        let mut parsed = None;
        for _ in 0..MAX_SYNTAX_ROUNDS {
            match crate::syntax::parse(&Source::new(source.name(), work.as_str())) {
                Ok(p) => {
                    parsed = Some(p);
                    break;
                }
                Err(errors) => {
                    let at = errors.iter().find_map(Diagnostic::span).map(|s| s.start);
                    first_errors.get_or_insert(errors);
                    match at.and_then(|at| broken_part(&work, at)) {
                        Some(span) => {
                            blank(&mut work, span);
                            blanked.push(span);
                        }
                        None => break,
                    }
                }
            }
        }
        let parses = first_errors.is_none();
        let Some(parsed) = parsed else {
            return Tolerant {
                diagnostics: first_errors.unwrap_or_default(),
                policy: None,
                names: NameIndex::default(),
                items: Vec::new(),
                blanked,
                parses,
            };
        };
        let names = NameIndex::new(&parsed.file);
        let items = outline(&parsed.file, &work);
        let mut static_errors = None;
        let mut policy = None;
        let mut file = Some(parsed.file);
        for _ in 0..MAX_CHECK_ROUNDS {
            let work_source = Source::new(source.name(), work.as_str());
            // The first round builds the tree already parsed; later ones parse the text
            // with more items blanked.
            let built = match file.take() {
                Some(file) => build(work_source, file),
                None => Policy::from_source(work_source).map_err(|f| f.diagnostics),
            };
            match built {
                Ok(p) => {
                    policy = Some(p);
                    break;
                }
                Err(errors) => {
                    let lexed = lexer::lex(&work);
                    let starts = item_starts(&work, &lexed);
                    let mut progress = false;
                    for d in &errors {
                        let Some(at) = d.span().map(|s| s.start) else {
                            continue;
                        };
                        let span = item_at(&work, &starts, at);
                        if !work[span.start..span.end].trim().is_empty() {
                            blank(&mut work, span);
                            blanked.push(span);
                            progress = true;
                        }
                    }
                    static_errors.get_or_insert(errors);
                    if !progress {
                        break;
                    }
                }
            }
        }
        blanked.sort_unstable();
        Tolerant {
            diagnostics: first_errors.or(static_errors).unwrap_or_default(),
            policy,
            names,
            items,
            blanked,
            parses,
        }
    }
}

/// The part of `text` to blank for a syntax error at `at`: the rest of the line of a string
/// that is never closed (it would otherwise swallow the rest of the file), else the item
/// around the error. An error at the first token of an item, or at the end of the text,
/// belongs to the item before it, which the parser was still reading. `None` when only
/// blanks are left there.
fn broken_part(text: &str, at: usize) -> Option<Span> {
    let lexed = lexer::lex(text);
    if let Some(t) = lexed.tokens.last().filter(|t| t.kind == TokenKind::Str) {
        if !closes(&text[t.span.start..]) {
            let end = text[t.span.start..]
                .find(['\n', '\r'])
                .map_or(text.len(), |i| t.span.start + i);
            return Some(Span::new(t.span.start, end));
        }
    }
    let starts = item_starts(text, &lexed);
    let at = at.min(text.len());
    let at_boundary = starts.binary_search(&at).is_ok() || at >= text.trim_end().len();
    let mut candidates = vec![at];
    if at > 0 && at_boundary {
        candidates.insert(0, at - 1);
    }
    candidates
        .into_iter()
        .map(|o| item_at(text, &starts, o))
        .find(|span| !text[span.start..span.end].trim().is_empty())
}

/// Whether a string literal starting at the front of `rest` is closed.
fn closes(rest: &str) -> bool {
    let mut chars = rest.chars().skip(1);
    while let Some(c) = chars.next() {
        match c {
            '"' => return true,
            '\\' => {
                chars.next();
            }
            _ => {}
        }
    }
    false
}

/// Where items start: at each item keyword, and at an `if` that does not follow a `:`.
fn item_starts(text: &str, lexed: &Lexed) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut prev = "";
    for t in &lexed.tokens {
        let word = &text[t.span.start..t.span.end];
        if t.kind == TokenKind::Word
            && (ITEM_KEYWORDS.contains(&word) || (word == "if" && prev != ":"))
        {
            starts.push(t.span.start);
        }
        prev = word;
    }
    starts
}

/// The item around an offset: from the item start at or before it to the next one.
fn item_at(text: &str, starts: &[usize], at: usize) -> Span {
    let i = starts.partition_point(|&s| s <= at);
    let start = if i == 0 { 0 } else { starts[i - 1] };
    let end = starts.get(i).copied().unwrap_or(text.len());
    Span::new(start, end)
}

/// Replaces every character of a span but line breaks by spaces, byte for byte.
fn blank(text: &mut String, span: Span) {
    let spaces: String = text[span.start..span.end]
        .chars()
        .map(|c| match c {
            '\n' | '\r' => c.to_string(),
            c => " ".repeat(c.len_utf8()),
        })
        .collect();
    text.replace_range(span.start..span.end, &spaces);
}

#[cfg(test)]
mod tests {
    use crate::model::Policy;
    use crate::source::Source;

    fn tolerant(text: &str) -> super::Tolerant {
        Policy::parse_tolerant(&Source::new("t.policy", text))
    }

    #[test]
    fn a_valid_text_is_the_policy_itself() {
        let t = tolerant("fact a\naction x\nrule r: if a then x\n");
        assert!(t.is_exact() && t.parses && t.diagnostics.is_empty());
        assert_eq!(t.names.uses().len(), 5);
    }

    #[test]
    fn a_broken_item_costs_only_itself() {
        let text = "fact a, b\naction x\nrule r: if a then\nrule s: if b then may x\n";
        let t = tolerant(text);
        assert!(!t.parses);
        assert_eq!(t.diagnostics.len(), 1);
        let p = t.policy.unwrap();
        assert_eq!(p.rules().len(), 1);
        assert_eq!(p.rules()[0].id, "s");
        // Offsets are the text's.
        let s = p.rules()[0].name_span;
        assert_eq!(&text[s.start..s.end], "s");
        assert_eq!(t.blanked.len(), 1);
    }

    #[test]
    fn an_unclosed_string_costs_its_item_not_the_rest_of_the_file() {
        let text =
            "fact a\naction x\nrule r \"half a description: if a then x\nrule s: if a then may x\n";
        let t = tolerant(text);
        assert_eq!(t.diagnostics[0].message, "unterminated string");
        let p = t.policy.unwrap();
        assert_eq!(p.rules().len(), 1);
        assert_eq!(p.rules()[0].id, "s");
    }

    #[test]
    fn items_with_static_errors_are_left_out_and_the_errors_kept() {
        let text =
            "fact a\naction x\nrule r: if a and cabinet_decison then x\nrule s: if a then may x\n";
        let t = tolerant(text);
        assert!(t.parses);
        assert_eq!(t.diagnostics.len(), 1);
        assert_eq!(t.diagnostics[0].message, "unknown fact `cabinet_decison`");
        let p = t.policy.unwrap();
        assert_eq!(p.rules().len(), 1);
        // Every name of the text is indexed, the broken rule's too.
        assert_eq!(t.names.uses().len(), 9);
    }

    #[test]
    fn an_incomplete_case_block_or_an_error_at_the_end_costs_only_itself() {
        let t = tolerant("fact a\naction x\nrule r: if a then x\ncase \"c\" { given a\n");
        assert_eq!(t.policy.unwrap().rules().len(), 1);
        let t = tolerant("fact a\naction x\ncase \"c\" { given\nrule r: if a then x\n");
        assert_eq!(t.policy.unwrap().rules().len(), 1);
        let t = tolerant("fact a\naction x\nif a then x\nif a then\n");
        assert_eq!(t.policy.unwrap().rules()[0].id, "@3");
    }

    #[test]
    fn any_text_ends() {
        for text in [
            "",
            "\"",
            "rule",
            "if if if",
            "é é",
            "fact a\n\"\\",
            "}}}{{{",
            "fact\r\n\r",
        ] {
            let t = tolerant(text);
            if let Some(p) = &t.policy {
                assert_eq!(p.source().text().len(), text.len());
            }
        }
    }
}
