//! The formatter's own safety check: the syntax tree of the formatted text must be the
//! original's, up to positions, parentheses and the grouping of `given` lines.

use crate::source::Span;
use crate::syntax::ast::{
    AssignValue, Expr, File, Ident, Int, Item, Operand, RuleBody, Str, TypeExpr,
};

/// The tree with every span cleared and `and`/`or` chains flattened, so that two texts that
/// say the same thing give equal trees.
pub fn normalize(mut file: File) -> File {
    let clear = |s: &mut Str| s.span = Span::default();
    file.title.iter_mut().for_each(clear);
    file.sources.iter_mut().for_each(clear);
    for item in &mut file.items {
        match item {
            Item::Fact(d) => {
                d.span = Span::default();
                d.names.iter_mut().for_each(ident);
                d.description.iter_mut().for_each(clear);
                match &mut d.ty {
                    Some(TypeExpr::Variants(vs)) => vs.iter_mut().for_each(ident),
                    Some(TypeExpr::Range { lo, hi, span }) => {
                        *span = Span::default();
                        int(lo);
                        int(hi);
                    }
                    None => {}
                }
            }
            Item::Action(d) => {
                d.span = Span::default();
                d.names.iter_mut().for_each(ident);
                d.description.iter_mut().for_each(clear);
                if let Some((_, s)) = &mut d.default {
                    *s = Span::default();
                }
            }
            Item::Rule(r) => {
                r.span = Span::default();
                r.name.iter_mut().for_each(ident);
                r.description.iter_mut().for_each(clear);
                for o in &mut r.overrides {
                    o.span = Span::default();
                }
                match &mut r.body {
                    RuleBody::Conditional {
                        when,
                        unless,
                        conclusions,
                    } => {
                        *when = when.take().map(expr);
                        *unless = unless.take().map(expr);
                        for c in conclusions {
                            c.span = Span::default();
                            ident(&mut c.target);
                        }
                    }
                    RuleBody::Requirement { action, condition } => {
                        ident(action);
                        *condition = expr(std::mem::replace(
                            condition,
                            Expr::Const(true, Span::default()),
                        ));
                    }
                }
            }
            Item::Case(c) => {
                c.span = Span::default();
                clear(&mut c.name);
                for a in &mut c.given {
                    a.span = Span::default();
                    ident(&mut a.fact);
                    match &mut a.value {
                        AssignValue::Int(i) => int(i),
                        AssignValue::Variant(v) => ident(v),
                        _ => {}
                    }
                }
                for e in &mut c.expect {
                    e.span = Span::default();
                    ident(&mut e.name);
                    ident(&mut e.word);
                    for r in e.by.iter_mut().flatten() {
                        r.span = Span::default();
                    }
                }
            }
        }
    }
    file
}

fn ident(i: &mut Ident) {
    i.span = Span::default();
}

fn int(i: &mut Int) {
    i.span = Span::default();
}

fn expr(e: Expr) -> Expr {
    let none = Span::default();
    match e {
        Expr::Const(b, _) => Expr::Const(b, none),
        Expr::Name(mut id) => {
            ident(&mut id);
            Expr::Name(id)
        }
        Expr::Is {
            mut fact,
            mut variant,
            negated,
            ..
        } => {
            ident(&mut fact);
            ident(&mut variant);
            Expr::Is {
                fact,
                variant,
                negated,
                span: none,
            }
        }
        Expr::In {
            mut fact,
            mut variants,
            negated,
            ..
        } => {
            ident(&mut fact);
            variants.iter_mut().for_each(ident);
            Expr::In {
                fact,
                variants,
                negated,
                span: none,
            }
        }
        Expr::Compare {
            mut fact,
            op,
            mut value,
            ..
        } => {
            ident(&mut fact);
            match &mut value {
                Operand::Number(i) => int(i),
                Operand::Name(n) => ident(n),
            }
            Expr::Compare {
                fact,
                op,
                value,
                span: none,
            }
        }
        Expr::Not(x, _) => Expr::Not(Box::new(expr(*x)), none),
        Expr::And(xs, _) => Expr::And(flatten(xs, true), none),
        Expr::Or(xs, _) => Expr::Or(flatten(xs, false), none),
    }
}

fn flatten(xs: Vec<Expr>, and: bool) -> Vec<Expr> {
    let mut out = Vec::new();
    for x in xs.into_iter().map(expr) {
        match x {
            Expr::And(ys, _) if and => out.extend(ys),
            Expr::Or(ys, _) if !and => out.extend(ys),
            x => out.push(x),
        }
    }
    out
}
