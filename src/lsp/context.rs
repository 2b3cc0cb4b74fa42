//! What fits at a place of a text, read from the tokens before it: the language server's
//! completion contexts, and the kind of a name in a text that does not parse. It works on
//! the lexer's tokens of any text, so it never waits for the text to parse.

use crate::source::Span;
use crate::syntax::lexer::{Lexed, TokenKind};

/// What may be written at a place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slot {
    /// Nothing: inside a string or a comment.
    Nothing,
    /// A new name: after `fact`, `action`, `rule`, or in a declaration's list.
    NewName,
    /// Where an item or a part of one starts: keywords.
    Keyword,
    /// Inside a case block, between its lines: `given`, `expect`.
    CaseLine,
    /// An atom of a condition: a fact, `not`, `true`, `false`.
    Condition,
    /// A variant of an enum fact: after `is`, `is not`, inside `in [...]`, after `F =` in
    /// `given`.
    Variant {
        /// The fact.
        fact: String,
        /// After `=` in `given`, where a bool or integer value fits too.
        given: bool,
    },
    /// A conclusion after `then` or a comma: a modality, an action, a fact it derives.
    Conclusion,
    /// An action, after `may`, `must`, `must not` or a conclusion's `not`.
    Action,
    /// A rule, after `overrides` or in its list.
    RuleRef,
    /// An input fact in `given`.
    Given,
    /// An action or derived fact after `expect`.
    Expect,
    /// A verdict word (for an action) or `true`/`false` (for a derived fact) after
    /// `expect NAME is`.
    ExpectWord {
        /// The action or derived fact.
        name: String,
    },
    /// `permitted` or `forbidden` after `default`.
    DefaultWord,
    /// A rule's body after its `:`: `if`, `unless`, `then`, or an action that `requires`.
    RuleBody,
}

/// What fits at `offset`, and the span of the word being written there (empty when the
/// cursor is not at the end of or inside a word).
pub fn slot(text: &str, lexed: &Lexed, offset: usize) -> (Slot, Span) {
    let offset = offset.min(text.len());
    if lexed
        .comment_at(offset)
        .is_some_and(|c| c.span.start < offset)
    {
        return (Slot::Nothing, Span::new(offset, offset));
    }
    let at = lexed.at(offset).filter(|t| t.span.start < offset);
    if let Some(t) = at.filter(|t| t.kind == TokenKind::Str) {
        // Inside a string, or right after one that is never closed.
        if offset < t.span.end || !closed(&text[t.span.start..t.span.end]) {
            return (Slot::Nothing, Span::new(offset, offset));
        }
    }
    let word = at.filter(|t| t.kind == TokenKind::Word);
    let prefix = word.map_or(Span::new(offset, offset), |t| {
        Span::new(t.span.start, offset)
    });
    let before = lexed.index_at(prefix.start);
    let words: Vec<&str> = lexed.tokens[..before]
        .iter()
        .rev()
        .take(64)
        .map(|t| &text[t.span.start..t.span.end])
        .collect();
    (slot_after(&words), prefix)
}

/// Whether a string token is closed.
fn closed(s: &str) -> bool {
    s.len() >= 2 && s.ends_with('"') && {
        let inner = &s[1..s.len() - 1];
        inner.chars().rev().take_while(|&c| c == '\\').count() % 2 == 0
    }
}

/// The slot after the tokens `back` (the nearest first).
fn slot_after(back: &[&str]) -> Slot {
    let w = |i: usize| back.get(i).copied().unwrap_or("");
    match w(0) {
        "" => Slot::Keyword,
        "fact" | "action" | "rule" | "case" | "policy" | "source" => Slot::NewName,
        "if" | "unless" | "and" | "or" | "(" | "requires" => Slot::Condition,
        "may" | "must" => Slot::Action,
        "then" => Slot::Conclusion,
        "overrides" => Slot::RuleRef,
        "given" => Slot::Given,
        "expect" => Slot::Expect,
        "default" => Slot::DefaultWord,
        "{" => Slot::CaseLine,
        "is" if w(2) == "expect" => Slot::ExpectWord {
            name: w(1).to_string(),
        },
        "is" => Slot::Variant {
            fact: w(1).to_string(),
            given: false,
        },
        "[" if w(1) == "in" => Slot::Variant {
            fact: w(if w(2) == "not" { 3 } else { 2 }).to_string(),
            given: false,
        },
        "not" => match w(1) {
            "must" => Slot::Action,
            "is" => Slot::Variant {
                fact: w(2).to_string(),
                given: false,
            },
            "given" => Slot::Given,
            "then" => Slot::Action,
            "," => match list_of(&back[1..]) {
                List::Given => Slot::Given,
                List::Conclusions => Slot::Action,
                _ => Slot::Condition,
            },
            // `F not` is before `in`: a keyword.
            prev if is_word(prev) => Slot::Keyword,
            _ => Slot::Condition,
        },
        "=" => match list_of(back) {
            List::Given => Slot::Variant {
                fact: w(1).to_string(),
                given: true,
            },
            _ => Slot::Nothing,
        },
        "," => match list_of(back) {
            List::Variants(fact) => Slot::Variant { fact, given: false },
            List::Rules => Slot::RuleRef,
            List::Conclusions => Slot::Conclusion,
            List::Given => Slot::Given,
            List::Declared => Slot::NewName,
            List::Other => Slot::Keyword,
        },
        ":" => match list_of(&back[1..]) {
            List::Declared => Slot::NewName,
            _ => Slot::RuleBody,
        },
        _ if inside_case(back) => Slot::CaseLine,
        _ => Slot::Keyword,
    }
}

/// Whether a token is a name (not a keyword or punctuation).
fn is_word(t: &str) -> bool {
    crate::syntax::names::is_name(t)
}

/// The list a comma (or `=`, or `:`) at the front of `back` belongs to.
#[derive(Debug, PartialEq, Eq)]
enum List {
    Variants(String),
    Rules,
    Conclusions,
    Given,
    Declared,
    Other,
}

/// Walks back to the token that opens the construct: `[` (variants), `overrides`, `then`,
/// `given`, a declaration's keyword, or one that ends the search.
fn list_of(back: &[&str]) -> List {
    for (i, t) in back.iter().enumerate() {
        match *t {
            "[" => {
                let w = |j: usize| back.get(i + j).copied().unwrap_or("");
                let fact = w(if w(2) == "not" { 3 } else { 2 });
                return List::Variants(fact.to_string());
            }
            "overrides" => return List::Rules,
            "then" => return List::Conclusions,
            "given" => return List::Given,
            "fact" | "action" => return List::Declared,
            "]" | "rule" | "case" | "if" | "unless" | "requires" | "expect" | "{" | "}" | ":" => {
                return List::Other;
            }
            _ => {}
        }
    }
    List::Other
}

/// Whether the tokens before a place leave it inside a case block's braces.
fn inside_case(back: &[&str]) -> bool {
    for t in back {
        match *t {
            "{" => return true,
            "}" | "rule" | "fact" | "action" | "policy" | "source" | "if" | "then" => {
                return false;
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{Slot, slot};
    use crate::syntax::lexer::lex;

    /// The slot at the `|` of a text.
    fn at(marked: &str) -> (Slot, String) {
        let offset = marked.find('|').unwrap();
        let text = marked.replacen('|', "", 1);
        let (slot, prefix) = slot(&text, &lex(&text), offset);
        (slot, text[prefix.start..prefix.end].to_string())
    }

    fn variant(fact: &str) -> Slot {
        Slot::Variant {
            fact: fact.into(),
            given: false,
        }
    }

    #[test]
    fn conditions_conclusions_and_variants() {
        assert_eq!(at("rule r: if cy|").0, Slot::Condition);
        assert_eq!(at("rule r: if cy|").1, "cy");
        assert_eq!(at("rule r: if a and (|").0, Slot::Condition);
        assert_eq!(at("rule r: if a and not |").0, Slot::Condition);
        assert_eq!(at("rule r: if attacker is |").0, variant("attacker"));
        assert_eq!(at("rule r: if attacker is not st|").0, variant("attacker"));
        assert_eq!(at("rule r: if attacker in [|").0, variant("attacker"));
        assert_eq!(
            at("rule r: if attacker not in [state, |").0,
            variant("attacker")
        );
        assert_eq!(at("rule r: if a then may |").0, Slot::Action);
        assert_eq!(at("rule r: if a then must not co|").0, Slot::Action);
        assert_eq!(at("rule r: if a then |").0, Slot::Conclusion);
        assert_eq!(at("rule r: if a then may x, |").0, Slot::Conclusion);
        assert_eq!(at("rule r: if a then may x, not |").0, Slot::Action);
        assert_eq!(at("rule r: x requires |").0, Slot::Condition);
        assert_eq!(at("rule r: |").0, Slot::RuleBody);
        assert_eq!(at("rule r overrides |").0, Slot::RuleRef);
        assert_eq!(at("rule r overrides q, |").0, Slot::RuleRef);
        assert_eq!(at("rule r: if a|").1, "a");
    }

    #[test]
    fn declarations_cases_and_keywords() {
        assert_eq!(at("|").0, Slot::Keyword);
        assert_eq!(at("fact |").0, Slot::NewName);
        assert_eq!(at("fact a, |").0, Slot::NewName);
        assert_eq!(at("fact a: |").0, Slot::NewName);
        assert_eq!(at("action x default |").0, Slot::DefaultWord);
        assert_eq!(at("fact a\n|").0, Slot::Keyword);
        assert_eq!(at("case \"c\" { given |").0, Slot::Given);
        assert_eq!(at("case \"c\" { given a, not |").0, Slot::Given);
        assert_eq!(
            at("case \"c\" { given a, kind = |").0,
            Slot::Variant {
                fact: "kind".into(),
                given: true
            }
        );
        assert_eq!(at("case \"c\" { given a\n  |").0, Slot::CaseLine);
        assert_eq!(at("case \"c\" { |").0, Slot::CaseLine);
        assert_eq!(at("case \"c\" { expect |").0, Slot::Expect);
        assert_eq!(
            at("case \"c\" { expect x is |").0,
            Slot::ExpectWord { name: "x".into() }
        );
        assert_eq!(at("fact a \"a desc|ription\"").0, Slot::Nothing);
        assert_eq!(at("fact a \"never closed|").0, Slot::Nothing);
        assert_eq!(at("fact a # a comm|ent").0, Slot::Nothing);
        assert_eq!(at("fact a \"closed\"|").0, Slot::Keyword);
    }
}
