//! Turns pest's errors into diagnostics in the policy author's words.

use super::grammar::Rule;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use pest::error::{Error, ErrorVariant, InputLocation};

/// What a grammar rule is called in an error message, or `None` to leave it out.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of file",
        Rule::ident => "a name",
        Rule::integer => "an integer",
        Rule::string | Rule::string_inner => "a string",
        Rule::escape => "an escape",
        Rule::rule_id => "a rule id like `@12`",
        Rule::policy_decl | Rule::kw_policy => "`policy`",
        Rule::source_decl | Rule::kw_source => "`source`",
        Rule::fact_decl | Rule::kw_fact => "`fact`",
        Rule::action_decl | Rule::kw_action => "`action`",
        Rule::rule_decl | Rule::kw_rule => "`rule`",
        Rule::case_decl | Rule::kw_case => "`case`",
        Rule::anon_rule => "a rule",
        Rule::range_type => "a range like `1..5`",
        Rule::variant_type => "a type",
        Rule::default_word => "`permitted` or `forbidden`",
        Rule::kw_if | Rule::if_part => "`if`",
        Rule::kw_unless | Rule::unless_part => "`unless`",
        Rule::kw_then => "`then`",
        Rule::kw_and | Rule::op_and => "`and`",
        Rule::kw_or | Rule::op_or => "`or`",
        Rule::kw_not | Rule::op_not | Rule::not_conclusion | Rule::negated_name => "`not`",
        Rule::kw_may | Rule::may_conclusion => "`may`",
        Rule::kw_must | Rule::must_conclusion | Rule::must_not_conclusion => "`must`",
        Rule::kw_requires => "`requires`",
        Rule::kw_overrides | Rule::overrides => "`overrides`",
        Rule::kw_default => "`default`",
        Rule::kw_given | Rule::given => "`given`",
        Rule::kw_expect | Rule::expect => "`expect`",
        Rule::kw_is | Rule::is | Rule::is_not => "`is`",
        Rule::kw_in | Rule::in_list | Rule::not_in => "`in`",
        Rule::kw_true | Rule::const_true => "`true`",
        Rule::kw_false | Rule::const_false => "`false`",
        Rule::expr | Rule::atom => "a condition",
        Rule::variants | Rule::open_bracket => "`[`",
        Rule::close_bracket => "`]`",
        Rule::colon => "`:`",
        Rule::open_brace => "`{`",
        Rule::close_brace => "`}`",
        Rule::open_paren => "`(`",
        Rule::close_paren => "`)`",
        Rule::kw_by | Rule::by_list => "`by`",
        Rule::compare | Rule::cmp_op => "a comparison",
        Rule::bare_conclusion | Rule::conditional | Rule::requirement => "a conclusion",
        Rule::assign | Rule::plain_name | Rule::valued_name => "a fact",
        Rule::expect_word => "a verdict word",
        _ => return None,
    })
}

/// The token found at a byte offset, for "found ..." in messages.
fn found_at(text: &str, pos: usize) -> (String, Span) {
    let rest = &text[pos.min(text.len())..];
    let Some(first) = rest.chars().next().filter(|_| !rest.trim().is_empty()) else {
        // Point just after the last thing written, not at trailing blank lines.
        let end = text.trim_end().len();
        return ("end of file".to_string(), Span::new(end, end));
    };
    let len = if first.is_ascii_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    let token = &rest[..len];
    let shown = if first == '"' {
        "a string".to_string()
    } else if first.is_whitespace() || first.is_control() {
        format!("{first:?}")
    } else {
        format!("`{token}`")
    };
    (shown, Span::new(pos, pos + len))
}

/// The item-level wording: what may start an item.
const AN_ITEM: &str = "an item (`fact`, `action`, `rule`, `case` or a rule body)";

pub(super) fn from_pest(text: &str, err: &Error<Rule>) -> Diagnostic {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    if let Some(diag) = unterminated_string(text, pos) {
        return diag;
    }
    let (found, span) = found_at(text, pos);
    let mut expected: Vec<&str> = Vec::new();
    let mut wants_name = false;
    let mut closers: Vec<char> = Vec::new();
    if let ErrorVariant::ParsingError { positives, .. } = &err.variant {
        let item_level = positives.contains(&Rule::fact_decl)
            || positives.contains(&Rule::anon_rule)
            || positives.contains(&Rule::file);
        for r in positives {
            wants_name |= *r == Rule::ident;
            match r {
                Rule::close_paren => closers.push(')'),
                Rule::close_bracket => closers.push(']'),
                Rule::close_brace => closers.push('}'),
                _ => {}
            }
            let word = match (item_level, *r) {
                // Where an item may start, the end of the file goes without saying.
                (true, Rule::EOI) => None,
                (true, _) => Some(AN_ITEM),
                _ => describe(*r),
            };
            if let Some(w) = word.filter(|w| !expected.contains(w)) {
                expected.push(w);
            }
        }
    }
    let message = if let ErrorVariant::CustomError { message } = &err.variant {
        message.to_lowercase()
    } else if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", list(&expected))
    };
    let wanted = format!("expected {}", list(&expected));
    let mut diag = Diagnostic::new(Code::SyntaxError, message);
    // Missing punctuation is missing where the text before it ends, not where the next
    // token happens to start.
    let punctuation = expected.iter().any(|w| PUNCTUATION.contains(w));
    let gap_start = end_of_code_before(text, pos);
    diag = if punctuation && gap_start < span.start {
        diag.primary(Span::new(gap_start, gap_start), format!("{wanted} here"))
            .secondary(span, format!("found {found}"))
    } else if expected.is_empty() {
        diag.primary(span, "unexpected here")
    } else {
        diag.primary(span, wanted)
    };
    if let Some((open, at)) = unclosed(text, pos, &closers) {
        let close = match open {
            '(' => ')',
            '[' => ']',
            _ => '}',
        };
        diag = diag
            .secondary(
                Span::new(at, at + 1),
                format!("this `{open}` is not closed"),
            )
            .help(format!("close it with `{close}`"));
        return diag;
    }
    let word = found.trim_matches('`');
    if expected.contains(&"`:`") && expected.contains(&"`overrides`") {
        diag = diag.help("a named rule is written `rule NAME: BODY`; add `:` after the name");
    } else if wants_name && super::names::RESERVED.contains(&word) {
        diag = diag.help(format!(
            "`{word}` is a reserved word and cannot be a name; pick another, such as `{word}_`"
        ));
    } else if found == "`@`" || found.starts_with("`@") {
        diag = diag.help("`@LINE` ids name anonymous rules only in messages; give the rule a name");
    } else if found == "a string" && expected.contains(&AN_ITEM) {
        diag = diag.help(if super::lexer::lex(&text[..pos]).tokens.is_empty() {
            "a policy's title is written `policy \"...\"` at the top of the file"
        } else {
            "a description follows what it describes: `fact NAME \"...\"`, \
             `action NAME \"...\"` or `rule NAME \"...\": ...`"
        });
    } else if let Some(kw) = misspelt_keyword(word, &expected) {
        diag = diag.help(format!("did you mean `{kw}`?"));
    }
    diag
}

/// The descriptions of punctuation marks, whose absence is reported where it is missing.
const PUNCTUATION: [&str; 7] = ["`:`", "`[`", "`]`", "`{`", "`}`", "`(`", "`)`"];

/// Where the code before `pos` ends: past the last token before it (white space and
/// comments skipped), or `pos` when there is none.
fn end_of_code_before(text: &str, pos: usize) -> usize {
    super::lexer::lex(&text[..pos])
        .tokens
        .last()
        .map_or(pos, |t| t.span.end)
}

/// The innermost bracket opened before `pos` and not closed, when its closer is one the
/// parser expected: its character and offset.
fn unclosed(text: &str, pos: usize, closers: &[char]) -> Option<(char, usize)> {
    if closers.is_empty() {
        return None;
    }
    let mut open: Vec<(char, usize)> = Vec::new();
    for t in super::lexer::lex(&text[..pos]).tokens {
        if t.kind != super::lexer::TokenKind::Punct {
            continue;
        }
        match &text[t.span.start..t.span.end] {
            p @ ("(" | "[" | "{") => open.push((p.chars().next()?, t.span.start)),
            ")" | "]" | "}" => {
                open.pop();
            }
            _ => {}
        }
    }
    let (c, at) = *open.last()?;
    let close = match c {
        '(' => ')',
        '[' => ']',
        _ => '}',
    };
    closers.contains(&close).then_some((c, at))
}

/// A keyword among the expected ones that the found word looks like a misspelling of.
fn misspelt_keyword<'a>(word: &str, expected: &[&'a str]) -> Option<&'a str> {
    if !word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || word.is_empty() {
        return None;
    }
    let keywords = expected
        .iter()
        .filter(|w| w.starts_with('`') && w.ends_with('`') && w.len() > 2)
        .map(|w| &w[1..w.len() - 1]);
    crate::diagnostic::closest(word, keywords)
}

/// A string that opens at `pos` and never closes: pest reports the opening quote as
/// unexpected, which says nothing of the missing `"`.
fn unterminated_string(text: &str, pos: usize) -> Option<Diagnostic> {
    let rest = text.get(pos..)?.strip_prefix('"')?;
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return None,
            '\\' => {
                chars.next();
            }
            _ => {}
        }
    }
    Some(
        Diagnostic::new(Code::SyntaxError, "unterminated string")
            .primary(Span::new(pos, pos + 1), "this string is never closed")
            .help(r#"end the string with `"`; write a quote inside a string as `\"`"#),
    )
}

fn list(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
