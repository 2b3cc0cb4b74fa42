//! Source text, byte spans and line/column positions.

use std::sync::Arc;

/// A byte range `start..end` into a policy's source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// The byte after the last.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Its length in bytes.
    pub fn len(self) -> usize {
        self.end - self.start
    }

    /// Whether it covers no byte.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A named source text, shared by the policy built from it and every diagnostic about it.
#[derive(Clone, Debug)]
pub struct Source {
    inner: Arc<SourceInner>,
}

#[derive(Debug)]
struct SourceInner {
    name: String,
    text: String,
    /// Byte offset of the start of every line. A line ends at `\n`, `\r\n` or a lone `\r`.
    line_starts: Vec<usize>,
}

impl Source {
    /// A source named `name` (how reports refer to it) with its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => line_starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Source {
            inner: Arc::new(SourceInner {
                name: name.into(),
                text,
                line_starts,
            }),
        }
    }

    /// How reports refer to it: the path as given.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.inner.text
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.inner.text.get(span.start..span.end).unwrap_or("")
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        match self.inner.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let starts = &self.inner.line_starts;
        let Some(&start) = starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = starts.get(line).copied().unwrap_or(self.inner.text.len());
        self.inner.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The byte offset where a 1-based line starts (the text's length past the last line).
    pub fn line_offset(&self, line: usize) -> usize {
        let starts = &self.inner.line_starts;
        match line.checked_sub(1) {
            Some(i) => starts.get(i).copied().unwrap_or(self.inner.text.len()),
            None => 0,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line(offset);
        let mut start = self.inner.line_starts[line - 1];
        if start == 0 && self.inner.text.starts_with('\u{feff}') {
            // A byte-order mark is not a column.
            start = 3;
        }
        let offset = offset.min(self.inner.text.len()).max(start);
        let col = self
            .inner
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line, col + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::Source;

    #[test]
    fn lines_and_columns_across_line_endings() {
        let src = Source::new("t", "ab\r\ncd\ref\ngh");
        assert_eq!(src.line_col(0), (1, 1));
        assert_eq!(src.line_col(1), (1, 2));
        assert_eq!(src.line_col(4), (2, 1));
        assert_eq!(src.line_col(7), (3, 1));
        assert_eq!(src.line_col(10), (4, 1));
        assert_eq!(src.line_col(11), (4, 2));
    }

    #[test]
    fn columns_count_characters() {
        let src = Source::new("t", "é x");
        assert_eq!(src.line_col(3), (1, 3));
    }
}
