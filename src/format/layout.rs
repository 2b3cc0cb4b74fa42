//! The canonical layout of each item, as a [`Doc`], with the comments placed at the line
//! breaks nearest to where they were written.

use super::doc::{Doc, concat, group, nest, text};
use crate::model::quote;
use crate::syntax::ast::{
    ActionDecl, Conclusion, ConclusionForm, DefaultVerdict, Expr, FactDecl, Ident, Int, Operand,
    RuleBody, RuleDecl, Str, TypeExpr,
};
use crate::syntax::lexer::{Comment, Lexed, blank_before};

/// What a break point prints when no comment falls there.
#[derive(Clone, Copy)]
pub(super) enum Brk {
    Line,
    Soft,
    Space,
}

pub(super) struct Layout<'a> {
    pub text: &'a str,
    pub lexed: &'a Lexed,
    /// The next comment not yet placed.
    pub next: usize,
}

impl<'a> Layout<'a> {
    /// The comments before `pos` not yet placed.
    pub fn take_before(&mut self, pos: usize) -> &'a [Comment] {
        let comments: &'a [Comment] = &self.lexed.comments;
        let start = self.next;
        while self.next < comments.len() && comments[self.next].span.start < pos {
            self.next += 1;
        }
        &comments[start..self.next]
    }

    /// A break point before the element at `pos`: the comments before it, each on its own
    /// line (the first at the end of the current line if it was written after code), or
    /// `brk` when there are none.
    pub(super) fn gap(&mut self, pos: usize, brk: Brk) -> Doc {
        let taken = self.take_before(pos);
        if taken.is_empty() {
            return match brk {
                Brk::Line => Doc::Line,
                Brk::Soft => Doc::Soft,
                Brk::Space => text(" "),
            };
        }
        concat(comment_lines(taken, false))
    }

    /// A line of a block: comments, blank lines (at most one) and a line break.
    pub(super) fn block_gap(&mut self, pos: usize, first: bool) -> Doc {
        let taken = self.take_before(pos);
        let mut docs = comment_lines(taken, !first);
        if docs.is_empty() {
            docs.push(Doc::Hard);
        }
        if !first && blank_before(self.text, pos) {
            docs.push(Doc::Hard);
        }
        concat(docs)
    }

    fn string(&self, s: &Str) -> Doc {
        text(quote(&s.value))
    }

    /// Where the element starting at `start` begins, counting the parentheses opened
    /// right before it.
    fn opening(&self, start: usize) -> usize {
        let mut pos = start;
        while let Some(t) = self.lexed.before(pos) {
            if &self.text[t.span.start..t.span.end] != "(" {
                break;
            }
            pos = t.span.start;
        }
        pos
    }

    /// The start of the token before `pos` (a keyword before an expression).
    pub(super) fn keyword_before(&self, pos: usize) -> usize {
        self.lexed.before(pos).map_or(pos, |t| t.span.start)
    }

    pub fn header(&mut self, keyword: &str, s: &Str) -> Doc {
        let gap = self.gap(s.span.start, Brk::Space);
        nest(2, concat(vec![text(keyword), gap, self.string(s)]))
    }

    /// `a, b, c`, for a fill, with a break point after each comma.
    fn names(&mut self, names: &[Ident]) -> Vec<Doc> {
        let mut parts = Vec::new();
        for (i, n) in names.iter().enumerate() {
            if i > 0 {
                parts.push(self.gap(n.span.start, Brk::Line));
            }
            let comma = if i + 1 < names.len() { "," } else { "" };
            parts.push(text(format!("{}{comma}", n.name)));
        }
        parts
    }

    /// A description: on the item's line when it fits, else on the next (the caller nests).
    fn description(&mut self, desc: &Option<Str>) -> Doc {
        match desc {
            Some(s) => {
                let gap = self.gap(s.span.start, Brk::Line);
                concat(vec![gap, self.string(s)])
            }
            None => concat(vec![]),
        }
    }

    pub fn fact(&mut self, d: &FactDecl) -> Doc {
        let names = self.names(&d.names);
        let ty = match &d.ty {
            None => concat(vec![]),
            Some(TypeExpr::Variants(vs)) => {
                let mut parts = vec![text(&vs[0].name)];
                for v in &vs[1..] {
                    parts.push(self.gap(v.span.start, Brk::Line));
                    parts.push(text(format!("| {}", v.name)));
                }
                concat(vec![text(": "), group(parts)])
            }
            Some(TypeExpr::Range { lo, hi, .. }) => {
                text(format!(": {}..{}", self.int(lo), self.int(hi)))
            }
        };
        let names = fill_with_tail(names, ty);
        let desc = self.description(&d.description);
        group(vec![nest(2, concat(vec![text("fact "), names, desc]))])
    }

    pub fn action(&mut self, d: &ActionDecl) -> Doc {
        let names = self.names(&d.names);
        let default = match d.default {
            Some((v, span)) => {
                let gap = self.gap(self.keyword_before(span.start), Brk::Space);
                concat(vec![
                    gap,
                    text(match v {
                        DefaultVerdict::Permitted => "default permitted",
                        DefaultVerdict::Forbidden => "default forbidden",
                    }),
                ])
            }
            None => concat(vec![]),
        };
        let names = fill_with_tail(names, default);
        let desc = self.description(&d.description);
        group(vec![nest(2, concat(vec![text("action "), names, desc]))])
    }

    pub(super) fn int(&self, i: &Int) -> String {
        match i.value {
            Some(v) => v.to_string(),
            None => self.text[i.span.start..i.span.end].to_string(),
        }
    }

    pub fn rule(&mut self, r: &RuleDecl) -> Doc {
        let Some(name) = &r.name else {
            return self.body(&r.body);
        };
        let mut head = vec![text(format!("rule {}", name.name))];
        if let Some(first) = r.overrides.first() {
            head.push(self.gap(self.keyword_before(first.span.start), Brk::Space));
            head.push(text("overrides "));
            let mut list = vec![text(&first.name)];
            for o in &r.overrides[1..] {
                list.push(text(","));
                list.push(self.gap(o.span.start, Brk::Line));
                list.push(text(&o.name));
            }
            head.push(group(list));
        }
        head.push(self.description(&r.description));
        head.push(text(":"));
        let head = group(vec![nest(2, concat(head))]);
        let start = self.body_start(r);
        let gap = self.gap(start, Brk::Line);
        let body = self.body(&r.body);
        group(vec![head, nest(2, concat(vec![gap, body]))])
    }

    /// The first token of a named rule's body: the one after its `:`.
    fn body_start(&self, r: &RuleDecl) -> usize {
        let after = r.description.as_ref().map_or_else(
            || {
                r.overrides
                    .last()
                    .map_or_else(|| r.name.as_ref().map_or(0, |n| n.span.end), |o| o.span.end)
            },
            |d| d.span.end,
        );
        let colon = self.lexed.at_or_after(after).map_or(after, |t| t.span.end);
        self.lexed
            .at_or_after(colon)
            .map_or(colon, |t| t.span.start)
    }

    fn body(&mut self, body: &RuleBody) -> Doc {
        match body {
            RuleBody::Requirement { action, condition } => {
                let start = self.opening(condition.span().start);
                let gap = self.gap(self.keyword_before(start), Brk::Space);
                let cond = self.after_keyword("requires", start, condition);
                group(vec![text(&action.name), gap, cond])
            }
            RuleBody::Conditional {
                when,
                unless,
                conclusions,
            } => {
                let mut parts = Vec::new();
                if let Some(e) = when {
                    let start = self.opening(e.span().start);
                    parts.push(self.after_keyword("if", start, e));
                }
                if let Some(e) = unless {
                    let start = self.opening(e.span().start);
                    if !parts.is_empty() {
                        parts.push(self.gap(self.keyword_before(start), Brk::Line));
                    }
                    parts.push(self.after_keyword("unless", start, e));
                }
                if let Some(first) = conclusions.first() {
                    if !parts.is_empty() {
                        parts.push(self.gap(self.keyword_before(first.span.start), Brk::Line));
                    }
                    let gap = self.gap(first.span.start, Brk::Space);
                    let list = self.conclusions(conclusions);
                    parts.push(concat(vec![text("then"), nest(2, concat(vec![gap, list]))]));
                }
                group(parts)
            }
        }
    }

    /// `if COND`, `unless COND`, `requires COND`: a comment after the keyword stays there.
    fn after_keyword(&mut self, keyword: &str, start: usize, e: &Expr) -> Doc {
        let gap = self.gap(start, Brk::Space);
        let cond = self.expr(e);
        concat(vec![text(keyword), nest(2, gap), cond])
    }

    fn conclusions(&mut self, cs: &[Conclusion]) -> Doc {
        let mut rest = Vec::new();
        for c in &cs[1..] {
            rest.push(text(","));
            rest.push(self.gap(c.span.start, Brk::Line));
            rest.push(conclusion(c));
        }
        group(vec![conclusion(&cs[0]), nest(2, concat(rest))])
    }

    fn expr(&mut self, e: &Expr) -> Doc {
        self.expr_in(e, 2)
    }

    /// An expression whose `and`/`or` continuation lines are indented by `rest` (none inside
    /// parentheses, which indent already).
    fn expr_in(&mut self, e: &Expr, rest: usize) -> Doc {
        match e {
            Expr::Const(b, _) => text(b.to_string()),
            Expr::Name(id) => text(&id.name),
            Expr::Is {
                fact,
                variant,
                negated,
                ..
            } => text(format!(
                "{} is {}{}",
                fact.name,
                if *negated { "not " } else { "" },
                variant.name
            )),
            Expr::In {
                fact,
                variants,
                negated,
                ..
            } => {
                let vs: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
                text(format!(
                    "{} {}in [{}]",
                    fact.name,
                    if *negated { "not " } else { "" },
                    vs.join(", ")
                ))
            }
            Expr::Compare {
                fact, op, value, ..
            } => {
                let value = match value {
                    Operand::Number(i) => self.int(i),
                    Operand::Name(n) => n.name.clone(),
                };
                text(format!("{} {} {}", fact.name, op.as_str(), value))
            }
            Expr::Not(x, _) => {
                let inner = self.operand(x, matches!(**x, Expr::And(..) | Expr::Or(..)));
                concat(vec![text("not "), inner])
            }
            Expr::And(xs, _) => self.chain(xs, "and", rest),
            Expr::Or(xs, _) => self.chain(xs, "or", rest),
        }
    }

    /// `x0 op x1 op x2`, broken before each operator when it does not fit. Operands that
    /// are chains of the same operator join this one, as the parser reads them back.
    fn chain(&mut self, xs: &[Expr], op: &str, indent: usize) -> Doc {
        let mut flat: Vec<&Expr> = Vec::new();
        splice(xs, op == "and", &mut flat);
        let parens = |x: &Expr| op == "and" && matches!(x, Expr::Or(..));
        let first = self.operand(flat[0], parens(flat[0]));
        let mut rest = Vec::new();
        for x in flat[1..].iter().copied() {
            rest.push(self.gap(self.opening(x.span().start), Brk::Line));
            rest.push(text(format!("{op} ")));
            rest.push(self.operand(x, parens(x)));
        }
        group(vec![first, nest(indent, concat(rest))])
    }

    /// An operand, in parentheses when precedence needs them (then the source had them).
    fn operand(&mut self, x: &Expr, parens: bool) -> Doc {
        if !parens {
            return self.expr(x);
        }
        let span = x.span();
        let open = self.gap(span.start, Brk::Soft);
        let inner = self.expr_in(x, 0);
        let close_at = self
            .lexed
            .at_or_after(span.end)
            .map_or(span.end, |t| t.span.start);
        let close = self.gap(close_at, Brk::Soft);
        group(vec![
            text("("),
            nest(2, concat(vec![open, inner])),
            close,
            text(")"),
        ])
    }
}

/// Comments, each on its own line, the first at the end of the current line when it was
/// written after code; ends with a line break. With `blanks`, a blank line before a comment
/// is kept.
pub(super) fn comment_lines(taken: &[Comment], blanks: bool) -> Vec<Doc> {
    let mut docs = Vec::new();
    for (i, c) in taken.iter().enumerate() {
        if i == 0 && !c.own_line {
            docs.push(Doc::Suffix(c.text.clone()));
        } else {
            docs.push(Doc::Hard);
            if blanks && c.blank_before {
                docs.push(Doc::Hard);
            }
            docs.push(text(&c.text));
        }
    }
    if !taken.is_empty() {
        docs.push(Doc::Hard);
    }
    docs
}

/// A fill whose last part carries `tail` (a type, a default): it stays on that part's line.
fn fill_with_tail(mut parts: Vec<Doc>, tail: Doc) -> Doc {
    if let Some(last) = parts.pop() {
        parts.push(concat(vec![last, tail]));
    }
    Doc::Fill(parts)
}

/// The operands of an `and` (or `or`) chain, with nested chains of the same operator
/// spliced in.
fn splice<'e>(xs: &'e [Expr], and: bool, out: &mut Vec<&'e Expr>) {
    for x in xs {
        match x {
            Expr::And(ys, _) if and => splice(ys, and, out),
            Expr::Or(ys, _) if !and => splice(ys, and, out),
            x => out.push(x),
        }
    }
}

fn conclusion(c: &Conclusion) -> Doc {
    let t = &c.target.name;
    text(match c.form {
        ConclusionForm::May => format!("may {t}"),
        ConclusionForm::Must => format!("must {t}"),
        ConclusionForm::MustNot => format!("must not {t}"),
        ConclusionForm::Not => format!("not {t}"),
        ConclusionForm::Bare => t.clone(),
    })
}
