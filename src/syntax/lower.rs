//! Lowers pest's parse tree to the [`ast`](super::ast).

use super::ast::{
    ActionDecl, Assign, AssignValue, CaseDecl, CmpOp, Conclusion, ConclusionForm, DefaultVerdict,
    Expect, Expr, FactDecl, File, Ident, Int, Item, Operand, RuleBody, RuleDecl, RuleRef, Str,
    TypeExpr,
};
use super::grammar::Rule;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::LazyLock;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
});

fn span(pair: &Pair<Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

fn ident(pair: Pair<Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: span(&pair),
    }
}

fn int(pair: Pair<Rule>) -> Int {
    Int {
        value: pair.as_str().parse().ok(),
        span: span(&pair),
    }
}

struct Lowerer {
    errors: Vec<Diagnostic>,
}

/// Lowers a parsed file, reporting misplaced headers and bad string escapes.
pub(super) fn file(mut pairs: Pairs<Rule>) -> Result<File, Vec<Diagnostic>> {
    let mut lowerer = Lowerer { errors: Vec::new() };
    let mut out = File::default();
    let top = pairs.next().map(|p| p.into_inner());
    let mut seen_item: Option<Span> = None;
    for pair in top.into_iter().flatten() {
        let sp = span(&pair);
        match pair.as_rule() {
            Rule::policy_decl => {
                let s = lowerer.string(pair.into_inner().nth(1));
                if let Some(prev) = &out.title {
                    lowerer.errors.push(
                        Diagnostic::new(
                            Code::SyntaxError,
                            "a policy has at most one `policy` header",
                        )
                        .primary(sp, "second header")
                        .secondary(prev.span, "first header")
                        .help("merge the two titles into one"),
                    );
                } else if let Some(item) = seen_item.or(out.sources.first().map(|s| s.span)) {
                    lowerer.errors.push(
                        Diagnostic::new(Code::SyntaxError, "the `policy` header must come first")
                            .primary(sp, "header after an item")
                            .secondary(item, "first item")
                            .help("move the `policy` line to the top of the file"),
                    );
                }
                out.title.get_or_insert(s);
            }
            Rule::source_decl => {
                let s = lowerer.string(pair.into_inner().nth(1));
                if let Some(item) = seen_item {
                    lowerer.errors.push(
                        Diagnostic::new(
                            Code::SyntaxError,
                            "`source` lines must follow the `policy` header",
                        )
                        .primary(sp, "source after an item")
                        .secondary(item, "first item")
                        .help("move the `source` line up, right after the `policy` header"),
                    );
                } else if out.title.is_none() {
                    lowerer.errors.push(
                        Diagnostic::new(
                            Code::SyntaxError,
                            "`source` lines must follow the `policy` header",
                        )
                        .primary(sp, "source without a header")
                        .help("add a `policy \"Title\"` line above it"),
                    );
                }
                out.sources.push(s);
            }
            Rule::fact_decl => {
                seen_item.get_or_insert(sp);
                out.items.push(Item::Fact(lowerer.fact(pair)));
            }
            Rule::action_decl => {
                seen_item.get_or_insert(sp);
                out.items.push(Item::Action(lowerer.action(pair)));
            }
            Rule::rule_decl | Rule::anon_rule => {
                seen_item.get_or_insert(sp);
                out.items.push(Item::Rule(lowerer.rule(pair)));
            }
            Rule::case_decl => {
                seen_item.get_or_insert(sp);
                out.items.push(Item::Case(lowerer.case(pair)));
            }
            _ => {}
        }
    }
    if lowerer.errors.is_empty() {
        Ok(out)
    } else {
        Err(lowerer.errors)
    }
}

impl Lowerer {
    fn string(&mut self, pair: Option<Pair<Rule>>) -> Str {
        let Some(pair) = pair else {
            return Str {
                value: String::new(),
                span: Span::default(),
            };
        };
        let sp = span(&pair);
        let raw = pair.as_str();
        let inner = &raw[1..raw.len() - 1];
        let mut value = String::with_capacity(inner.len());
        let mut chars = inner.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            match chars.next() {
                Some((_, '\\')) => value.push('\\'),
                Some((_, '"')) => value.push('"'),
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                other => {
                    let len = 1 + other.map_or(0, |(_, c)| c.len_utf8());
                    let at = sp.start + 1 + i;
                    let shown = &inner[i..i + len];
                    self.errors.push(
                        Diagnostic::new(
                            Code::SyntaxError,
                            format!("unknown escape `{shown}` in a string"),
                        )
                        .primary(Span::new(at, at + len), "unknown escape")
                        .help(r#"the escapes are `\\`, `\"`, `\n` and `\t`"#),
                    );
                }
            }
        }
        Str { value, span: sp }
    }

    fn fact(&mut self, pair: Pair<Rule>) -> FactDecl {
        let sp = span(&pair);
        let mut decl = FactDecl {
            names: Vec::new(),
            ty: None,
            description: None,
            span: sp,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => decl.names.push(ident(p)),
                Rule::variant_type => {
                    decl.ty = Some(TypeExpr::Variants(p.into_inner().map(ident).collect()));
                }
                Rule::range_type => {
                    let tsp = span(&p);
                    let mut it = p.into_inner().map(int);
                    if let (Some(lo), Some(hi)) = (it.next(), it.next()) {
                        decl.ty = Some(TypeExpr::Range { lo, hi, span: tsp });
                    }
                }
                Rule::string => decl.description = Some(self.string(Some(p))),
                _ => {}
            }
        }
        decl
    }

    fn action(&mut self, pair: Pair<Rule>) -> ActionDecl {
        let sp = span(&pair);
        let mut decl = ActionDecl {
            names: Vec::new(),
            default: None,
            description: None,
            span: sp,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => decl.names.push(ident(p)),
                Rule::default_word => {
                    let v = if p.as_str() == "permitted" {
                        DefaultVerdict::Permitted
                    } else {
                        DefaultVerdict::Forbidden
                    };
                    decl.default = Some((v, span(&p)));
                }
                Rule::string => decl.description = Some(self.string(Some(p))),
                _ => {}
            }
        }
        decl
    }

    fn rule(&mut self, pair: Pair<Rule>) -> RuleDecl {
        let sp = span(&pair);
        let mut decl = RuleDecl {
            name: None,
            overrides: Vec::new(),
            description: None,
            body: RuleBody::Conditional {
                when: None,
                unless: None,
                conclusions: Vec::new(),
            },
            span: sp,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => decl.name = Some(ident(p)),
                Rule::overrides => decl.overrides = rule_refs(p),
                Rule::string => decl.description = Some(self.string(Some(p))),
                Rule::requirement => {
                    let mut it = p.into_inner().filter(|p| p.as_rule() != Rule::kw_requires);
                    if let (Some(a), Some(e)) = (it.next(), it.next()) {
                        decl.body = RuleBody::Requirement {
                            action: ident(a),
                            condition: expr(e),
                        };
                    }
                }
                Rule::conditional => decl.body = conditional(p),
                _ => {}
            }
        }
        decl
    }

    fn case(&mut self, pair: Pair<Rule>) -> CaseDecl {
        let sp = span(&pair);
        let mut name = None;
        let mut given = Vec::new();
        let mut expect = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::string => name = Some(self.string(Some(p))),
                Rule::given => {
                    for a in p.into_inner().filter(|a| a.as_rule() == Rule::assign) {
                        given.extend(assign(a));
                    }
                }
                Rule::expect => {
                    let parts: Vec<Pair<Rule>> = p.into_inner().collect();
                    // The line ends with its last part (pest's span would take the white
                    // space and comments it skipped looking for a `by` list).
                    let esp = match (parts.first(), parts.last()) {
                        (Some(a), Some(b)) => span(a).join(span(b)),
                        _ => Span::default(),
                    };
                    let by = parts
                        .iter()
                        .find(|p| p.as_rule() == Rule::by_list)
                        .map(|list| rule_refs(list.clone()));
                    let mut it = parts
                        .into_iter()
                        .filter(|p| matches!(p.as_rule(), Rule::ident | Rule::expect_word));
                    if let (Some(n), Some(w)) = (it.next(), it.next()) {
                        // A `by` list's span would take what follows it too: it ends with
                        // its last rule.
                        let end = by
                            .as_ref()
                            .and_then(|refs| refs.last())
                            .map_or(span(&w).end, |r| r.span.end);
                        expect.push(Expect {
                            name: ident(n),
                            word: ident(w),
                            by,
                            span: Span::new(esp.start, end),
                        });
                    }
                }
                _ => {}
            }
        }
        CaseDecl {
            name: name.unwrap_or_else(|| self.string(None)),
            given,
            expect,
            span: sp,
        }
    }
}

/// The rule names and `@LINE` ids of an `overrides` or `by` list.
fn rule_refs(pair: Pair<Rule>) -> Vec<RuleRef> {
    pair.into_inner()
        .filter(|r| matches!(r.as_rule(), Rule::ident | Rule::rule_id))
        .map(|r| RuleRef {
            anonymous: r.as_rule() == Rule::rule_id,
            name: r.as_str().to_string(),
            span: span(&r),
        })
        .collect()
}

fn assign(pair: Pair<Rule>) -> Option<Assign> {
    let sp = span(&pair);
    let inner = pair.into_inner().next()?;
    let rule = inner.as_rule();
    let mut parts = inner.into_inner().filter(|p| p.as_rule() != Rule::kw_not);
    let fact = ident(parts.next()?);
    let value = match rule {
        Rule::plain_name => AssignValue::Set,
        Rule::negated_name => AssignValue::Unset,
        _ => {
            let v = parts.next()?;
            match v.as_rule() {
                Rule::const_true => AssignValue::Bool(true),
                Rule::const_false => AssignValue::Bool(false),
                Rule::integer => AssignValue::Int(int(v)),
                _ => AssignValue::Variant(ident(v)),
            }
        }
    };
    Some(Assign {
        fact,
        value,
        span: sp,
    })
}

fn conditional(pair: Pair<Rule>) -> RuleBody {
    let mut when = None;
    let mut unless = None;
    let mut conclusions = Vec::new();
    for p in pair.into_inner() {
        let sp = span(&p);
        let form = match p.as_rule() {
            Rule::if_part => {
                when = p.into_inner().find(|p| p.as_rule() == Rule::expr).map(expr);
                continue;
            }
            Rule::unless_part => {
                unless = p.into_inner().find(|p| p.as_rule() == Rule::expr).map(expr);
                continue;
            }
            Rule::may_conclusion => ConclusionForm::May,
            Rule::must_conclusion => ConclusionForm::Must,
            Rule::must_not_conclusion => ConclusionForm::MustNot,
            Rule::not_conclusion => ConclusionForm::Not,
            Rule::bare_conclusion => ConclusionForm::Bare,
            _ => continue,
        };
        if let Some(target) = p.into_inner().find(|p| p.as_rule() == Rule::ident) {
            conclusions.push(Conclusion {
                form,
                target: ident(target),
                span: sp,
            });
        }
    }
    RuleBody::Conditional {
        when,
        unless,
        conclusions,
    }
}

/// Lowers an `expr` pair with the Pratt parser; `and`/`or` chains come out flat.
fn expr(pair: Pair<Rule>) -> Expr {
    PRATT
        .map_primary(primary)
        .map_prefix(|op, rhs| {
            let sp = span(&op).join(rhs.span());
            Expr::Not(Box::new(rhs), sp)
        })
        .map_infix(|lhs, op, rhs| {
            let sp = lhs.span().join(rhs.span());
            match op.as_rule() {
                Rule::op_and => flat(lhs, rhs, sp, true),
                _ => flat(lhs, rhs, sp, false),
            }
        })
        .parse(
            pair.into_inner()
                .filter(|p| !matches!(p.as_rule(), Rule::open_paren | Rule::close_paren)),
        )
}

fn flat(lhs: Expr, rhs: Expr, sp: Span, and: bool) -> Expr {
    match (lhs, and) {
        (Expr::And(mut xs, _), true) => {
            xs.push(rhs);
            Expr::And(xs, sp)
        }
        (Expr::Or(mut xs, _), false) => {
            xs.push(rhs);
            Expr::Or(xs, sp)
        }
        (lhs, true) => Expr::And(vec![lhs, rhs], sp),
        (lhs, false) => Expr::Or(vec![lhs, rhs], sp),
    }
}

fn primary(pair: Pair<Rule>) -> Expr {
    let sp = span(&pair);
    match pair.as_rule() {
        Rule::const_true => Expr::Const(true, sp),
        Rule::const_false => Expr::Const(false, sp),
        Rule::expr => expr(pair),
        _ => atom(pair),
    }
}

fn atom(pair: Pair<Rule>) -> Expr {
    let sp = span(&pair);
    let mut it = pair.into_inner();
    let Some(name) = it.next() else {
        return Expr::Const(false, sp);
    };
    let fact = ident(name);
    let Some(test) = it.next() else {
        return Expr::Name(fact);
    };
    let rule = test.as_rule();
    let mut parts = test
        .into_inner()
        .filter(|p| !matches!(p.as_rule(), Rule::kw_is | Rule::kw_not | Rule::kw_in));
    match rule {
        Rule::is | Rule::is_not => match parts.next() {
            Some(v) => Expr::Is {
                fact,
                variant: ident(v),
                negated: rule == Rule::is_not,
                span: sp,
            },
            None => Expr::Name(fact),
        },
        Rule::in_list | Rule::not_in => {
            let variants = parts
                .next()
                .map(|v| {
                    v.into_inner()
                        .filter(|p| p.as_rule() == Rule::ident)
                        .map(ident)
                        .collect()
                })
                .unwrap_or_default();
            Expr::In {
                fact,
                variants,
                negated: rule == Rule::not_in,
                span: sp,
            }
        }
        _ => {
            let op = match parts.next().map(|p| p.as_str()) {
                Some("=") => CmpOp::Eq,
                Some("!=") => CmpOp::Ne,
                Some("<") => CmpOp::Lt,
                Some("<=") => CmpOp::Le,
                Some(">") => CmpOp::Gt,
                _ => CmpOp::Ge,
            };
            let value = match parts.next() {
                Some(p) if p.as_rule() == Rule::compared_name => Operand::Name(Ident {
                    name: p.as_str().to_string(),
                    span: span(&p),
                }),
                Some(p) => Operand::Number(int(p)),
                None => Operand::Number(Int {
                    value: None,
                    span: sp,
                }),
            };
            Expr::Compare {
                fact,
                op,
                value,
                span: sp,
            }
        }
    }
}
