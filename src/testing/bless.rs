//! `deontic test --bless`: write the actual verdicts into a policy's case blocks.
//!
//! A wrong `expect` line gets the actual word in place of its own, and the actual `by` list:
//! a wrong one is replaced, a missing one added (unless only verdicts are blessed); every
//! action and every derived fact a block does not expect yet gets an `expect` line, added at
//! the end of the block with the indentation of the block's first line. Nothing else in the
//! text changes: comments, layout and the other lines stay as they are.

use crate::eval::{Outcome, evaluate};
use crate::model::{ExpectTarget, Expectation, Policy, RuleId};
use crate::source::Span;
use crate::syntax::lexer::{self, Lexed, Token};

/// What `--bless` writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BlessMode {
    /// Verdicts and their `by` lists (`expect x is permitted by r1, r2`).
    #[default]
    Full,
    /// Verdicts only, as v1 wrote them; a `by` list already there is still kept right.
    Verdicts,
}

/// What blessing changed in one case block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlessedCase {
    /// The block's index among the policy's case blocks.
    pub case: usize,
    /// Expectations fixed: their index in the block, what the line said (`permitted by
    /// r1`), what it says now.
    pub fixed: Vec<(usize, String, String)>,
    /// Expectations added, as `expect` lines' contents (`x is permitted by r1`).
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

/// The ids of some rules, as a `by` list is written.
fn ids(policy: &Policy, rules: &[RuleId]) -> String {
    rules
        .iter()
        .map(|&r| policy.rule(r).id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What an `expect` line on `target` says when it is right: `permitted by r1, r2`, the word
/// alone for a derived fact, an empty `by` list, or when only verdicts are blessed.
pub(super) fn right(
    policy: &Policy,
    outcome: &Outcome,
    target: ExpectTarget,
    with_by: bool,
) -> String {
    let word = outcome.word(target);
    match target {
        ExpectTarget::Action(a) if with_by && !outcome.verdicts[a].by.is_empty() => {
            format!("{word} by {}", ids(policy, &outcome.verdicts[a].by))
        }
        _ => word.to_string(),
    }
}

/// A replacement of a span of the text.
type Edit = (Span, String);

/// How one wrong `expect` line is made right: the edits, what the line said and now says.
struct LineFix {
    edits: Vec<Edit>,
    was: String,
    now: String,
}

/// The edits that make one `expect` line right, and what it said and says, if it was wrong.
fn fix_line(
    policy: &Policy,
    lexed: &Lexed,
    outcome: &Outcome,
    x: &Expectation,
    mode: BlessMode,
) -> Option<LineFix> {
    let text = policy.source().text();
    // `expect NAME is WORD [by R, ...]`: the word is the fourth token.
    let first = lexed.index_at(x.span.start);
    let last = lexed.index_at(x.span.end);
    let tokens = &lexed.tokens[first..last];
    let word = tokens.get(3)?.span;
    let by = tokens.get(5).map(|t| Span::new(t.span.start, x.span.end));
    let actual_by: &[RuleId] = match x.target {
        ExpectTarget::Action(a) => &outcome.verdicts[a].by,
        ExpectTarget::Fact(_) => &[],
    };
    let word_ok = x.word == outcome.word(x.target);
    let by_ok = match &x.by {
        Some(written) => written.as_slice() == actual_by,
        None => mode == BlessMode::Verdicts || actual_by.is_empty(),
    };
    if word_ok && by_ok {
        return None;
    }
    let mut edits = Vec::new();
    if !word_ok {
        edits.push((word, outcome.word(x.target).to_string()));
    }
    if !by_ok {
        match (by, actual_by.is_empty()) {
            // Nothing to rest on: the list goes, with `by` and the space before it.
            (Some(_), true) => edits.push((Span::new(word.end, x.span.end), String::new())),
            (Some(list), false) => edits.push((list, ids(policy, actual_by))),
            (None, _) => edits.push((
                Span::new(word.end, word.end),
                format!(" by {}", ids(policy, actual_by)),
            )),
        }
    }
    let was = text[word.start..x.span.end].to_string();
    let now = right(
        policy,
        outcome,
        x.target,
        x.by.is_some() || mode == BlessMode::Full,
    );
    Some(LineFix { edits, was, now })
}

/// Blesses the case blocks of a checked policy whose names `pick` picks.
pub fn bless(policy: &Policy, mode: BlessMode, pick: &dyn Fn(&str) -> bool) -> Blessed {
    let text = policy.source().text();
    let lexed = lexer::lex(text);
    let tokens = &lexed.tokens;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut edits: Vec<Edit> = Vec::new();
    let mut cases = Vec::new();
    for (i, block) in policy.cases().iter().enumerate() {
        if !pick(&block.name) {
            continue;
        }
        let outcome = evaluate(policy, &block.case);
        let mut changed = BlessedCase {
            case: i,
            fixed: Vec::new(),
            added: Vec::new(),
        };
        for (j, x) in block.expectations.iter().enumerate() {
            if let Some(fix) = fix_line(policy, &lexed, &outcome, x, mode) {
                edits.extend(fix.edits);
                changed.fixed.push((j, fix.was, fix.now));
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
            let line = right(policy, &outcome, target, mode == BlessMode::Full);
            changed.added.push(format!("{name} is {line}"));
        }
        if !changed.added.is_empty() {
            edits.push(insertion(text, tokens, block.span, &changed.added, newline));
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
    use super::{BlessMode, Blessed, BlessedCase, bless};
    use crate::model::Policy;

    /// Blessed as v1 did: verdict words only.
    fn blessed(text: &str) -> Blessed {
        blessed_as(text, BlessMode::Verdicts)
    }

    fn blessed_as(text: &str, mode: BlessMode) -> Blessed {
        bless(
            &Policy::parse("t.policy", text).unwrap_or_else(|f| panic!("{f}")),
            mode,
            &|_| true,
        )
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
                fixed: vec![(0, "forbidden".into(), "permitted".into())],
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

    #[test]
    fn by_lists_are_added_fixed_and_dropped_keeping_the_rest_of_the_line() {
        let text = "fact a, b\naction x default forbidden\nrule r1: if a then may x\n\
            rule r2: if b then may x\nrule r3 overrides r1, r2: if a and b then must not x\n\
            case \"one\" { given a\n  expect x is permitted # as it should\n}\n\
            case \"two\" { given a, b\n  expect x is forbidden by r1,\n    r2 # old\n}\n\
            case \"none\" {\n  expect x is forbidden by r3\n}\n";
        let b = blessed_as(text, BlessMode::Full);
        assert_eq!(
            b.text,
            "fact a, b\naction x default forbidden\nrule r1: if a then may x\n\
             rule r2: if b then may x\nrule r3 overrides r1, r2: if a and b then must not x\n\
             case \"one\" { given a\n  expect x is permitted by r1 # as it should\n}\n\
             case \"two\" { given a, b\n  expect x is forbidden by r3 # old\n}\n\
             case \"none\" {\n  expect x is forbidden\n}\n"
        );
        let fixed: Vec<&(usize, String, String)> = b.cases.iter().flat_map(|c| &c.fixed).collect();
        assert_eq!(fixed[1].1, "forbidden by r1,\n    r2");
        assert_eq!(fixed[1].2, "forbidden by r3");
        // Only verdicts: no list is added, a wrong one is still made right.
        let v = blessed_as(text, BlessMode::Verdicts);
        assert!(
            v.text.contains("expect x is permitted # as it should"),
            "{}",
            v.text
        );
        assert!(
            v.text.contains("expect x is forbidden by r3 # old"),
            "{}",
            v.text
        );
        // Blessed text passes, and blessing it again changes nothing.
        let again = blessed_as(&b.text, BlessMode::Full);
        assert_eq!(again.text, b.text);
        assert!(again.cases.is_empty());
    }
}
