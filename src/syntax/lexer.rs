//! The one scanner of policy text: every code token and every comment, with its span.
//!
//! The grammar skips comments, so this scan is where they are kept. It runs on any text,
//! even text that does not parse (the nesting guard runs it before the parser; the language
//! server runs it on every keystroke): an unterminated string simply runs to the end.
//! For text that parses, every token is a token of the grammar.

use crate::source::Span;

/// What kind of token a [`Token`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A keyword, a name or a verdict word: `[A-Za-z_][A-Za-z0-9_]*`.
    Word,
    /// An integer, with its sign: `-?[0-9][A-Za-z0-9_]*`.
    Number,
    /// A string literal, quotes included (to the end of the text when unterminated).
    Str,
    /// An anonymous rule's id, `@12`.
    RuleId,
    /// A punctuation mark: `( ) [ ] { } , : | = < > ..` and the two-character `<= >= !=`;
    /// any other character is a punctuation token of its own.
    Punct,
}

/// A token of code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
}

/// A `#` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// From `#` to the end of the line.
    pub span: Span,
    /// From `#` to the end of the line, trailing whitespace removed.
    pub text: String,
    /// No code comes before it on its line.
    pub own_line: bool,
    /// A blank line separates it from what comes before it.
    pub blank_before: bool,
}

/// A text split into tokens and comments, each list in text order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lexed {
    /// The code tokens.
    pub tokens: Vec<Token>,
    /// The comments.
    pub comments: Vec<Comment>,
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Splits a text into code tokens and comments. A leading byte-order mark is skipped.
pub fn lex(text: &str) -> Lexed {
    let bytes = text.as_bytes();
    let mut out = Lexed::default();
    let mut i = if text.starts_with('\u{feff}') { 3 } else { 0 };
    // Code seen on the current line; line breaks since the last token or comment.
    let (mut code_on_line, mut breaks) = (false, 0usize);
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let kind = match b {
            b'\n' => {
                breaks += 1;
                code_on_line = false;
                i += 1;
                continue;
            }
            b'\r' => {
                if bytes.get(i + 1) != Some(&b'\n') {
                    breaks += 1;
                    code_on_line = false;
                }
                i += 1;
                continue;
            }
            b' ' | b'\t' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                out.comments.push(Comment {
                    span: Span::new(start, i),
                    text: text[start..i].trim_end().to_string(),
                    own_line: !code_on_line,
                    blank_before: breaks >= 2,
                });
                breaks = 0;
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                // An escape of a multi-byte character must not leave `i` inside it.
                while !text.is_char_boundary(i) {
                    i += 1;
                }
                TokenKind::Str
            }
            b'-' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i += 1;
                while i < bytes.len() && is_word(bytes[i]) {
                    i += 1;
                }
                TokenKind::Number
            }
            b'@' => {
                i += 1;
                while i < bytes.len() && is_word(bytes[i]) {
                    i += 1;
                }
                TokenKind::RuleId
            }
            _ if is_word(b) => {
                while i < bytes.len() && is_word(bytes[i]) {
                    i += 1;
                }
                if b.is_ascii_digit() {
                    TokenKind::Number
                } else {
                    TokenKind::Word
                }
            }
            b'.' | b'<' | b'>' | b'!' if matches!(bytes.get(i + 1), Some(b'.' | b'=')) => {
                i += 2;
                TokenKind::Punct
            }
            _ => {
                i += text[i..].chars().next().map_or(1, char::len_utf8);
                TokenKind::Punct
            }
        };
        out.tokens.push(Token {
            kind,
            span: Span::new(start, i),
        });
        code_on_line = true;
        breaks = 0;
    }
    out
}

impl Lexed {
    /// The index of the first token starting at or after `pos`.
    pub fn index_at(&self, pos: usize) -> usize {
        self.tokens.partition_point(|t| t.span.start < pos)
    }

    /// The token that ends last before `pos`.
    pub fn before(&self, pos: usize) -> Option<Token> {
        let i = self.index_at(pos);
        i.checked_sub(1).map(|i| self.tokens[i])
    }

    /// The first token starting at or after `pos`.
    pub fn at_or_after(&self, pos: usize) -> Option<Token> {
        self.tokens.get(self.index_at(pos)).copied()
    }

    /// The token whose span holds `pos` (its end included, so that a cursor right after a
    /// name is on it).
    pub fn at(&self, pos: usize) -> Option<Token> {
        let i = self.tokens.partition_point(|t| t.span.end < pos);
        self.tokens.get(i).copied().filter(|t| t.span.start <= pos)
    }

    /// The comment whose span holds `pos`, if `pos` is in one.
    pub fn comment_at(&self, pos: usize) -> Option<&Comment> {
        let i = self.comments.partition_point(|c| c.span.end < pos);
        self.comments.get(i).filter(|c| c.span.start <= pos)
    }
}

/// Whether a blank line stands right before `pos` (only whitespace between).
pub fn blank_before(text: &str, pos: usize) -> bool {
    let mut breaks = 0;
    let bytes = text.as_bytes();
    let mut i = pos.min(bytes.len());
    while i > 0 {
        match bytes[i - 1] {
            b'\n' => breaks += 1,
            b'\r' if bytes.get(i) != Some(&b'\n') => breaks += 1,
            b' ' | b'\t' | b'\r' => {}
            _ => break,
        }
        i -= 1;
    }
    breaks >= 2
}

#[cfg(test)]
mod tests {
    use super::{TokenKind, blank_before, lex};

    fn words(text: &str) -> Vec<&str> {
        lex(text)
            .tokens
            .iter()
            .map(|t| &text[t.span.start..t.span.end])
            .collect()
    }

    #[test]
    fn tokens_skip_comments_and_keep_strings_whole() {
        let text = "fact n: -2..10 \"a # not a comment \\\" still\" # real\nif n >= -1 then x";
        assert_eq!(
            words(text),
            [
                "fact",
                "n",
                ":",
                "-2",
                "..",
                "10",
                "\"a # not a comment \\\" still\"",
                "if",
                "n",
                ">=",
                "-1",
                "then",
                "x"
            ]
        );
        let lexed = lex(text);
        assert_eq!(lexed.comments.len(), 1);
        assert_eq!(lexed.comments[0].text, "# real");
        assert!(!lexed.comments[0].own_line);
        let kinds: Vec<TokenKind> = lexed.tokens.iter().map(|t| t.kind).take(7).collect();
        use TokenKind::*;
        assert_eq!(kinds, [Word, Word, Punct, Number, Punct, Number, Str]);
    }

    #[test]
    fn comments_know_their_line_and_blank_lines() {
        let lexed = lex("# one\n\n# two   \r\nfact a # three\r  # four\n");
        let got: Vec<(&str, bool, bool)> = lexed
            .comments
            .iter()
            .map(|c| (c.text.as_str(), c.own_line, c.blank_before))
            .collect();
        assert_eq!(
            got,
            [
                ("# one", true, false),
                ("# two", true, true),
                ("# three", false, false),
                ("# four", true, false)
            ]
        );
    }

    #[test]
    fn any_text_lexes_even_broken_strings_and_escaped_multibyte_characters() {
        for text in [
            "\"never closed",
            "\"\\é",
            "@",
            "-",
            "é(",
            "\u{feff}# c",
            "\"\\",
        ] {
            let lexed = lex(text);
            for t in &lexed.tokens {
                assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
            }
        }
        assert_eq!(words("\"open and on"), ["\"open and on"]);
    }

    #[test]
    fn finds_the_token_under_a_position() {
        let text = "if attack then x";
        let lexed = lex(text);
        let at = |pos| lexed.at(pos).map(|t| &text[t.span.start..t.span.end]);
        assert_eq!(at(3), Some("attack"));
        assert_eq!(at(9), Some("attack"));
        assert_eq!(at(0), Some("if"));
        assert_eq!(at(16), Some("x"));
    }

    #[test]
    fn blank_lines_before_a_position() {
        let text = "a\n\n  b\nc\r\n\r\nd";
        assert!(blank_before(text, text.find('b').unwrap()));
        assert!(!blank_before(text, text.find('c').unwrap()));
        assert!(blank_before(text, text.find('d').unwrap()));
    }
}
