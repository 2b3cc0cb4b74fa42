//! The canonical layout of a case block: its `given` lines and `expect` lines in the order
//! written, each fact and verdict as `fmt` writes it, comments kept where they were.

use super::doc::{Doc, concat, nest, text};
use super::layout::{Brk, Layout, comment_lines};
use crate::model::quote;
use crate::syntax::ast::{Assign, AssignValue, CaseDecl, Expect};

/// A line of a case block.
enum Line<'c> {
    Given(Vec<&'c Assign>),
    Expect(&'c Expect),
}

impl Layout<'_> {
    pub fn case(&mut self, c: &CaseDecl) -> Doc {
        let lines = self.case_lines(c);
        let mut inner = Vec::new();
        for (i, (start, line)) in lines.into_iter().enumerate() {
            inner.push(self.block_gap(start, i == 0));
            inner.push(match line {
                Line::Given(assigns) => self.given(&assigns),
                Line::Expect(e) => self.expect(e),
            });
        }
        let closing = self.take_before(c.span.end.saturating_sub(1));
        let name = quote(&c.name.value);
        if inner.is_empty() && closing.is_empty() {
            return text(format!("case {name} {{}}"));
        }
        let mut closing = comment_lines(closing, true);
        closing.pop();
        inner.extend(closing);
        concat(vec![
            text(format!("case {name} {{")),
            nest(2, concat(inner)),
            Doc::Hard,
            text("}"),
        ])
    }

    /// The `given` and `expect` lines of a case block in source order, each with where it
    /// starts. Assignments belong to the `given` written before them.
    fn case_lines<'c>(&self, c: &'c CaseDecl) -> Vec<(usize, Line<'c>)> {
        let tokens = &self.lexed.tokens;
        let (from, to) = (
            self.lexed.index_at(c.name.span.end + 1),
            self.lexed.index_at(c.span.end),
        );
        let givens: Vec<usize> = tokens[from..to]
            .iter()
            .filter(|t| &self.text[t.span.start..t.span.end] == "given")
            .map(|t| t.span.start)
            .collect();
        let mut groups: Vec<(usize, Vec<&Assign>)> = givens.iter().map(|&g| (g, vec![])).collect();
        for a in &c.given {
            let i = givens.partition_point(|&g| g < a.span.start);
            if let Some(g) = i.checked_sub(1) {
                groups[g].1.push(a);
            }
        }
        let mut lines: Vec<(usize, Line)> = groups
            .into_iter()
            .filter(|(_, assigns)| !assigns.is_empty())
            .map(|(start, assigns)| (start, Line::Given(assigns)))
            .collect();
        lines.extend(c.expect.iter().map(|e| (e.span.start, Line::Expect(e))));
        lines.sort_by_key(|(start, _)| *start);
        lines
    }

    /// `expect x is permitted`, and its `by` list filled like a `given` list.
    fn expect(&mut self, e: &Expect) -> Doc {
        let head = text(format!("expect {} is {}", e.name.name, e.word.name));
        let Some(by) = &e.by else {
            return head;
        };
        let mut parts = Vec::new();
        for (i, r) in by.iter().enumerate() {
            if i > 0 {
                parts.push(self.gap(r.span.start, Brk::Line));
            }
            let comma = if i + 1 < by.len() { "," } else { "" };
            parts.push(text(format!("{}{comma}", r.name)));
        }
        let first = by.first().map_or(e.span.end, |r| r.span.start);
        let gap = self.gap(self.keyword_before(first), Brk::Space);
        concat(vec![head, gap, text("by "), nest(4, Doc::Fill(parts))])
    }

    /// `given a, b, c`, filled: each assignment goes on the line while it fits.
    fn given(&mut self, assigns: &[&Assign]) -> Doc {
        let mut parts = Vec::new();
        for (i, a) in assigns.iter().enumerate() {
            if i > 0 {
                parts.push(self.gap(a.span.start, Brk::Line));
            }
            let comma = if i + 1 < assigns.len() { "," } else { "" };
            parts.push(text(format!("{}{comma}", self.assign(a))));
        }
        concat(vec![text("given "), nest(6, Doc::Fill(parts))])
    }

    fn assign(&self, a: &Assign) -> String {
        let f = &a.fact.name;
        match &a.value {
            AssignValue::Set => f.clone(),
            AssignValue::Unset => format!("not {f}"),
            AssignValue::Bool(b) => format!("{f} = {b}"),
            AssignValue::Int(i) => format!("{f} = {}", self.int(i)),
            AssignValue::Variant(v) => format!("{f} = {}", v.name),
        }
    }
}
