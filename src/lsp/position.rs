//! Positions of the protocol (a 0-based line and a character offset in it, counted in UTF-16
//! code units unless the client agreed on UTF-8 bytes) to and from byte offsets of a text.
//! Lines end at `\n`, `\r\n` or a lone `\r`, as in [`Source`] and the protocol.

use crate::source::{Source, Span};
use lsp_types::{Position, Range};

/// How the characters of a position are counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-16 code units: the protocol's default, and what every client supports.
    #[default]
    Utf16,
    /// UTF-8 bytes, when the client offers them.
    Utf8,
}

impl Encoding {
    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf8 => c.len_utf8(),
        }
    }
}

/// The position of a byte offset; an offset past the end is the end, one inside a character
/// is that character's start.
pub fn position(source: &Source, offset: usize, encoding: Encoding) -> Position {
    let text = source.text();
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = source.line(offset);
    let start = source.line_offset(line);
    let character: usize = text[start..offset].chars().map(|c| encoding.width(c)).sum();
    Position::new(to_u32(line - 1), to_u32(character))
}

/// The byte offset of a position, or `None` when its line is past the last. A character
/// past the end of its line is the end of the line (as the protocol says), and one inside a
/// character (half of a UTF-16 surrogate pair) is that character's start.
pub fn offset(source: &Source, pos: Position, encoding: Encoding) -> Option<usize> {
    let text = source.text();
    let line = usize::try_from(pos.line).ok()?.checked_add(1)?;
    if line > source.line(text.len()) {
        return None;
    }
    let start = source.line_offset(line);
    let content = source.line_text(line);
    let want = usize::try_from(pos.character).unwrap_or(usize::MAX);
    let mut units = 0;
    for (i, c) in content.char_indices() {
        let next = units + encoding.width(c);
        if next > want {
            return Some(start + i);
        }
        units = next;
    }
    Some(start + content.len())
}

/// The range of a span.
pub fn range(source: &Source, span: Span, encoding: Encoding) -> Range {
    Range::new(
        position(source, span.start, encoding),
        position(source, span.end, encoding),
    )
}

/// The span of a range, or `None` when it reaches past the last line; a range whose end
/// comes before its start is taken the other way round.
pub fn span(source: &Source, range: Range, encoding: Encoding) -> Option<Span> {
    let a = offset(source, range.start, encoding)?;
    let b = offset(source, range.end, encoding)?;
    Some(Span::new(a.min(b), a.max(b)))
}

/// The end of the text as a position.
pub fn end(source: &Source, encoding: Encoding) -> Position {
    position(source, source.text().len(), encoding)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::{Encoding, offset, position};
    use crate::source::Source;
    use lsp_types::Position;

    #[test]
    fn utf16_counts_surrogate_pairs_as_two_and_utf8_counts_bytes() {
        // `é` is 2 bytes and 1 UTF-16 unit; `𝄞` is 4 bytes and 2 UTF-16 units.
        let src = Source::new("t", "fact é𝄞x\n");
        let x = src.text().find('x').unwrap();
        assert_eq!(x, 11);
        assert_eq!(position(&src, x, Encoding::Utf16), Position::new(0, 8));
        assert_eq!(position(&src, x, Encoding::Utf8), Position::new(0, 11));
        assert_eq!(offset(&src, Position::new(0, 8), Encoding::Utf16), Some(x));
        assert_eq!(offset(&src, Position::new(0, 11), Encoding::Utf8), Some(x));
        // Half a surrogate pair is the character's start; inside `é` likewise.
        assert_eq!(offset(&src, Position::new(0, 7), Encoding::Utf16), Some(7));
        assert_eq!(offset(&src, Position::new(0, 6), Encoding::Utf8), Some(5));
        // An offset inside a character is its start.
        assert_eq!(position(&src, 9, Encoding::Utf16), Position::new(0, 6));
    }

    #[test]
    fn lines_end_at_lf_crlf_and_cr() {
        let src = Source::new("t", "ab\r\ncd\ref\ngh");
        for (off, line, ch) in [
            (0, 0, 0),
            (2, 0, 2),
            (4, 1, 0),
            (7, 2, 0),
            (10, 3, 0),
            (12, 3, 2),
        ] {
            assert_eq!(
                position(&src, off, Encoding::Utf16),
                Position::new(line, ch)
            );
            assert_eq!(
                offset(&src, Position::new(line, ch), Encoding::Utf16),
                Some(off)
            );
        }
        // The line break is not part of the line: past its end is the end.
        assert_eq!(offset(&src, Position::new(0, 99), Encoding::Utf16), Some(2));
        assert_eq!(
            offset(&src, Position::new(3, 99), Encoding::Utf16),
            Some(12)
        );
        assert_eq!(offset(&src, Position::new(4, 0), Encoding::Utf16), None);
        assert_eq!(
            offset(&src, Position::new(u32::MAX, 0), Encoding::Utf16),
            None
        );
    }

    #[test]
    fn the_line_after_a_final_line_break_exists() {
        let src = Source::new("t", "a\n");
        assert_eq!(offset(&src, Position::new(1, 0), Encoding::Utf16), Some(2));
        assert_eq!(position(&src, 2, Encoding::Utf16), Position::new(1, 0));
        assert_eq!(position(&src, 99, Encoding::Utf16), Position::new(1, 0));
        let empty = Source::new("t", "");
        assert_eq!(
            offset(&empty, Position::new(0, 5), Encoding::Utf16),
            Some(0)
        );
        assert_eq!(offset(&empty, Position::new(1, 0), Encoding::Utf16), None);
    }
}
