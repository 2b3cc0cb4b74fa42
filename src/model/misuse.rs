//! The mistakes authors make most, each explained with what to write instead: a name
//! compared where a number belongs, and a conclusion on an undeclared name that conditions
//! test as a fact.

use super::declare::Checker;
use super::types::{FactType, Symbol};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{self, CmpOp, Expr, Item, RuleBody};

use std::collections::HashMap;

/// Every name the conditions of a file test as a fact, with where it is first tested.
pub(super) fn tested_names(file: &ast::File) -> HashMap<String, Span> {
    let mut tested: HashMap<String, Span> = HashMap::new();
    let mut stack: Vec<&Expr> = Vec::new();
    for item in &file.items {
        let Item::Rule(r) = item else { continue };
        match &r.body {
            RuleBody::Conditional { when, unless, .. } => {
                stack.extend(when.iter().chain(unless.iter()));
            }
            RuleBody::Requirement { condition, .. } => stack.push(condition),
        }
        while let Some(e) = stack.pop() {
            let name = match e {
                Expr::Name(id) => id,
                Expr::Is { fact, .. } | Expr::In { fact, .. } | Expr::Compare { fact, .. } => fact,
                Expr::Not(x, _) => {
                    stack.push(x);
                    continue;
                }
                Expr::And(xs, _) | Expr::Or(xs, _) => {
                    stack.extend(xs.iter());
                    continue;
                }
                Expr::Const(..) => continue,
            };
            tested.entry(name.name.clone()).or_insert(name.span);
        }
    }
    tested
}

/// A name for the comparison of two facts, as a fact of its own.
fn comparison_name(fact: &str, op: CmpOp, other: &str) -> String {
    let relation = match op {
        CmpOp::Eq => "equals",
        CmpOp::Ne => "differs_from",
        CmpOp::Lt => "below",
        CmpOp::Le => "at_most",
        CmpOp::Gt => "above",
        CmpOp::Ge => "at_least",
    };
    format!("{fact}_{relation}_{other}")
}

impl Checker {
    /// `fact op name`: explains what the comparison should have been, by the fact's type.
    pub(super) fn compare_with_name(
        &mut self,
        fact: &ast::Ident,
        op: CmpOp,
        other: &ast::Ident,
        span: Span,
    ) {
        let Some(Symbol::Fact(f)) = self.symbols.get(&fact.name).copied() else {
            // Not a fact: the usual error for the name.
            let _ = self.fact(fact, "int");
            return;
        };
        let (name, other_name) = (&fact.name, &other.name);
        let d = match &self.facts[f].ty {
            FactType::Enum(variants) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
                let test = if op == CmpOp::Eq { "is" } else { "is not" };
                let d = Diagnostic::new(
                    Code::TypeMismatch,
                    format!(
                        "`{name}` is an enum: its value is tested with `{test}`, not `{}`",
                        op.as_str()
                    ),
                )
                .primary(
                    span,
                    format!("`{}` compares an integer fact with a number", op.as_str()),
                );
                if variants.contains(other_name) {
                    d.help(format!("write `{name} {test} {other_name}`"))
                } else {
                    d.secondary(other.span, format!("not a variant of `{name}`"))
                        .help(format!(
                            "write `{name} {test} VARIANT`, with VARIANT one of {}",
                            variants
                                .iter()
                                .map(|v| format!("`{v}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                }
            }
            FactType::Enum(_) => Diagnostic::new(
                Code::TypeMismatch,
                format!("`{name}` is an enum, and its variants have no order"),
            )
            .primary(span, format!("`{}` orders integers", op.as_str()))
            .help(format!(
                "list the variants it may have: `{name} in [{other_name}, ...]`"
            )),
            FactType::Int { .. } => {
                let what = match self.symbols.get(other_name) {
                    Some(Symbol::Fact(_)) => "another fact",
                    Some(Symbol::Action(_)) => "an action",
                    None => "a name",
                };
                Diagnostic::new(
                    Code::TypeMismatch,
                    format!(
                        "`{name}` is compared with `{other_name}`, but a comparison takes a number"
                    ),
                )
                .primary(other.span, format!("{what}, where a number belongs"))
                .help(format!(
                    "a condition compares a fact with a number; to compare two facts, make the \
                     comparison a fact of its own, `fact {}`, that each case gives or that rules \
                     derive from tests against numbers",
                    comparison_name(name, op, other_name)
                ))
            }
            FactType::Bool => Diagnostic::new(
                Code::TypeMismatch,
                format!("`{name}` is a bool fact; it is tested on its own, not compared"),
            )
            .primary(span, "a comparison")
            .help(format!("write `{name}` or `not {name}`")),
        };
        self.error(d);
    }

    /// A bare conclusion on an undeclared name: when conditions test the name as a fact,
    /// the rule meant to derive it, and the declaration missing is a fact's.
    pub(super) fn conclusion_on_tested_name(&mut self, target: &ast::Ident) -> bool {
        if self.symbols.contains_key(&target.name) {
            return false;
        }
        let Some(&tested_at) = self.tested.get(&target.name) else {
            return false;
        };
        let name = &target.name;
        self.error(
            Diagnostic::new(Code::UnknownName, format!("unknown fact `{name}`"))
                .primary(target.span, "this rule derives it")
                .secondary(tested_at, "a condition tests it as a fact")
                .help(format!(
                    "declare it: `fact {name}`; the rules that conclude it then derive it"
                )),
        );
        true
    }
}
