//! A scan of a policy's text for what the syntax tree leaves out: where each code token
//! starts and ends, and the comments, with whether each stands on its own line and follows
//! a blank line. Run only on text that parsed, so every token is well formed.

use crate::source::Span;

/// A token of code: a word (keyword, name, number, `@N`), a string or a punctuation mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    /// From `#` to the end of the line, trailing whitespace removed.
    pub text: String,
    /// No code comes before it on its line.
    pub own_line: bool,
    /// A blank line separates it from what comes before it.
    pub blank_before: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Scan {
    pub tokens: Vec<Token>,
    pub comments: Vec<Comment>,
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Splits the text into code tokens and comments.
pub fn scan(text: &str) -> Scan {
    let bytes = text.as_bytes();
    let mut out = Scan::default();
    let mut i = if text.starts_with('\u{feff}') { 3 } else { 0 };
    // Code seen on the current line; line breaks since the last token or comment.
    let (mut code_on_line, mut breaks) = (false, 0usize);
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        match b {
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
            }
            b'-' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i += 1;
                while i < bytes.len() && is_word(bytes[i]) {
                    i += 1;
                }
            }
            b'@' => {
                i += 1;
                while i < bytes.len() && is_word(bytes[i]) {
                    i += 1;
                }
            }
            _ if is_word(b) => {
                while i < bytes.len() && is_word(bytes[i]) {
                    i += 1;
                }
            }
            b'.' | b'<' | b'>' | b'!' if matches!(bytes.get(i + 1), Some(b'.' | b'=')) => i += 2,
            _ => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
        out.tokens.push(Token {
            span: Span::new(start, i),
        });
        code_on_line = true;
        breaks = 0;
    }
    out
}

impl Scan {
    /// The index of the first token starting at or after `pos`.
    fn index_at(&self, pos: usize) -> usize {
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
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        scan(text)
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
        let s = scan(text);
        assert_eq!(s.comments.len(), 1);
        assert_eq!(s.comments[0].text, "# real");
        assert!(!s.comments[0].own_line);
    }

    #[test]
    fn comments_know_their_line_and_blank_lines() {
        let s = scan("# one\n\n# two   \r\nfact a # three\r  # four\n");
        let got: Vec<(&str, bool, bool)> = s
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
    fn blank_lines_before_a_position() {
        let text = "a\n\n  b\nc\r\n\r\nd";
        assert!(blank_before(text, text.find('b').unwrap()));
        assert!(!blank_before(text, text.find('c').unwrap()));
        assert!(blank_before(text, text.find('d').unwrap()));
    }
}
