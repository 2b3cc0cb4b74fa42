//! A small pretty printer in the style of Wadler's "prettier printer": a layout is a
//! document of text, possible line breaks and groups; a group is printed on one line when
//! it fits in the width, and with every one of its own breaks taken when it does not.

/// A document to lay out.
#[derive(Clone, Debug)]
pub enum Doc {
    Text(String),
    /// A space on one line, a line break when its group breaks.
    Line,
    /// Nothing on one line, a line break when its group breaks.
    Soft,
    /// Always a line break; the groups around it break too.
    Hard,
    /// A comment for the end of the current line, written before the next line break.
    Suffix(String),
    /// Deeper indentation for the line breaks inside.
    Nest(usize, Box<Doc>),
    /// Printed flat if it fits; `true` when it holds a hard break and so never does.
    Group(Vec<Doc>, bool),
    /// Contents and separators, alternating: each separator breaks only when the next
    /// content does not fit on the line.
    Fill(Vec<Doc>),
    Concat(Vec<Doc>),
}

pub fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

pub fn nest(n: usize, d: Doc) -> Doc {
    Doc::Nest(n, Box::new(d))
}

pub fn group(docs: Vec<Doc>) -> Doc {
    let hard = docs.iter().any(Doc::has_hard);
    Doc::Group(docs, hard)
}

pub fn concat(docs: Vec<Doc>) -> Doc {
    Doc::Concat(docs)
}

impl Doc {
    /// Whether the document holds a hard break (comments count: they end their line).
    pub fn has_hard(&self) -> bool {
        match self {
            Doc::Hard | Doc::Suffix(_) => true,
            Doc::Text(_) | Doc::Line | Doc::Soft => false,
            Doc::Nest(_, d) => d.has_hard(),
            Doc::Group(_, hard) => *hard,
            Doc::Fill(ds) | Doc::Concat(ds) => ds.iter().any(Doc::has_hard),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

#[derive(Clone, Copy)]
enum Item<'a> {
    Doc(&'a Doc),
    /// The rest of a fill, from a content.
    Fill(&'a [Doc]),
}

type Cmd<'a> = (usize, Mode, Item<'a>);

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Whether `next`, then what follows it on the stack up to the next line break, fits in
/// `room` columns.
fn fits(next: &[Cmd], rest: &[Cmd], room: usize) -> bool {
    let mut room = room as isize;
    let mut stack: Vec<Cmd> = next.iter().rev().copied().collect();
    let mut rest_index = rest.len();
    while room >= 0 {
        let (ind, mode, item) = match stack.pop() {
            Some(c) => c,
            None if rest_index > 0 => {
                rest_index -= 1;
                rest[rest_index]
            }
            None => return true,
        };
        let doc = match item {
            Item::Doc(d) => d,
            Item::Fill(ds) => {
                stack.extend(ds.iter().rev().map(|d| (ind, mode, Item::Doc(d))));
                continue;
            }
        };
        match doc {
            Doc::Text(s) => room -= width(s) as isize,
            Doc::Line if mode == Mode::Flat => room -= 1,
            Doc::Soft if mode == Mode::Flat => {}
            Doc::Line | Doc::Soft | Doc::Hard => return true,
            Doc::Suffix(_) => {}
            Doc::Nest(n, d) => stack.push((ind + n, mode, Item::Doc(d))),
            Doc::Group(ds, hard) => {
                let m = if *hard { Mode::Break } else { mode };
                stack.extend(ds.iter().rev().map(|d| (ind, m, Item::Doc(d))));
            }
            Doc::Fill(ds) | Doc::Concat(ds) => {
                stack.extend(ds.iter().rev().map(|d| (ind, mode, Item::Doc(d))));
            }
        }
    }
    false
}

struct Printer {
    out: String,
    col: usize,
    /// Indentation owed to the current line, written with its first text.
    indent: Option<usize>,
    suffix: Vec<String>,
}

impl Printer {
    fn text(&mut self, s: &str) {
        if let Some(n) = self.indent.take() {
            self.out.extend(std::iter::repeat_n(' ', n));
        }
        self.out.push_str(s);
        self.col += width(s);
    }

    fn newline(&mut self, indent: usize) {
        for c in std::mem::take(&mut self.suffix) {
            if self.indent.is_none() && !self.out.is_empty() && !self.out.ends_with('\n') {
                self.out.push(' ');
            } else if let Some(n) = self.indent.take() {
                self.out.extend(std::iter::repeat_n(' ', n));
            }
            self.out.push_str(&c);
        }
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        self.out.push('\n');
        self.indent = Some(indent);
        self.col = indent;
    }
}

/// Lays a document out in `width` columns.
pub fn print(doc: &Doc, width_limit: usize) -> String {
    let mut p = Printer {
        out: String::new(),
        col: 0,
        indent: None,
        suffix: Vec::new(),
    };
    let mut stack: Vec<Cmd> = vec![(0, Mode::Break, Item::Doc(doc))];
    while let Some((ind, mode, item)) = stack.pop() {
        let doc = match item {
            Item::Doc(d) => d,
            Item::Fill(parts) => {
                fill(&mut stack, &p, ind, parts, width_limit);
                continue;
            }
        };
        match doc {
            Doc::Text(s) => p.text(s),
            Doc::Line if mode == Mode::Flat => p.text(" "),
            Doc::Soft if mode == Mode::Flat => {}
            Doc::Line | Doc::Soft | Doc::Hard => p.newline(ind),
            Doc::Suffix(s) => p.suffix.push(s.clone()),
            Doc::Nest(n, d) => stack.push((ind + n, mode, Item::Doc(d))),
            Doc::Group(ds, hard) => {
                let flat: Vec<Cmd> = ds.iter().map(|d| (ind, Mode::Flat, Item::Doc(d))).collect();
                let room = width_limit.saturating_sub(p.col);
                let m = if !*hard && (mode == Mode::Flat || fits(&flat, &stack, room)) {
                    Mode::Flat
                } else {
                    Mode::Break
                };
                stack.extend(ds.iter().rev().map(|d| (ind, m, Item::Doc(d))));
            }
            Doc::Fill(ds) => stack.push((ind, mode, Item::Fill(ds))),
            Doc::Concat(ds) => stack.extend(ds.iter().rev().map(|d| (ind, mode, Item::Doc(d)))),
        }
    }
    if !p.suffix.is_empty() {
        p.newline(0);
        p.out.pop();
    }
    p.out
}

/// One step of a fill: its first content, then the separator after it, flat when the next
/// content fits after it on the line.
fn fill<'a>(stack: &mut Vec<Cmd<'a>>, p: &Printer, ind: usize, parts: &'a [Doc], limit: usize) {
    let Some(content) = parts.first() else {
        return;
    };
    let room = limit.saturating_sub(p.col);
    let flat = |d: &'a Doc| (ind, Mode::Flat, Item::Doc(d));
    let content_fits = !content.has_hard() && fits(&[flat(content)], &[], room);
    let content_mode = if content_fits {
        Mode::Flat
    } else {
        Mode::Break
    };
    let Some(sep) = parts.get(1) else {
        stack.push((ind, content_mode, Item::Doc(content)));
        return;
    };
    let sep_mode = match parts.get(2) {
        Some(next)
            if content_fits
                && !sep.has_hard()
                && !next.has_hard()
                && fits(&[flat(content), flat(sep), flat(next)], &[], room) =>
        {
            Mode::Flat
        }
        _ => Mode::Break,
    };
    if parts.len() > 2 {
        stack.push((ind, Mode::Break, Item::Fill(&parts[2..])));
    }
    stack.push((ind, sep_mode, Item::Doc(sep)));
    stack.push((ind, content_mode, Item::Doc(content)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(words: &[&str]) -> Doc {
        let mut rest = Vec::new();
        for w in &words[1..] {
            rest.push(Doc::Line);
            rest.push(text(format!("or {w}")));
        }
        group(vec![text(words[0]), nest(2, concat(rest))])
    }

    #[test]
    fn a_group_stays_flat_when_it_fits() {
        let d = concat(vec![text("if "), chain(&["a", "b", "c"])]);
        assert_eq!(print(&d, 80), "if a or b or c");
    }

    #[test]
    fn a_group_breaks_every_line_when_it_does_not_fit() {
        let d = concat(vec![text("if "), chain(&["aaaa", "bbbb", "cccc"])]);
        assert_eq!(print(&d, 12), "if aaaa\n  or bbbb\n  or cccc");
    }

    #[test]
    fn text_after_a_group_counts_toward_its_fit() {
        let d = concat(vec![chain(&["aa", "bb"]), text(" then x")]);
        assert_eq!(print(&d, 14), "aa\n  or bb then x");
        assert_eq!(print(&d, 15), "aa or bb then x");
    }

    #[test]
    fn a_suffix_goes_to_the_end_of_its_line_and_breaks_the_group() {
        let d = group(vec![
            text("a,"),
            Doc::Suffix("# why".into()),
            Doc::Hard,
            text("b"),
        ]);
        assert_eq!(print(&d, 80), "a, # why\nb");
    }

    #[test]
    fn fill_breaks_only_where_the_next_part_does_not_fit() {
        let parts: Vec<Doc> = ["aa,", "bb,", "cc,", "dd"]
            .iter()
            .enumerate()
            .flat_map(|(i, w)| (i > 0).then_some(Doc::Line).into_iter().chain([text(*w)]))
            .collect();
        let d = concat(vec![text("given "), nest(6, Doc::Fill(parts))]);
        assert_eq!(print(&d, 16), "given aa, bb,\n      cc, dd");
    }

    #[test]
    fn blank_lines_carry_no_indentation() {
        let d = nest(2, concat(vec![text("{"), Doc::Hard, Doc::Hard, text("x")]));
        assert_eq!(print(&d, 80), "{\n\n  x");
    }
}
