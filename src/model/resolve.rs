//! Resolves the names in rules and conditions, checking their types.

use super::declare::{Checker, first_token, int_value};
use super::rule::{CmpOp, Conclusion, Cond, EnumTest, Modality, Rule, RuleKind, Target};
use super::types::{ActionId, FactId, FactType, RuleId, Symbol};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::source::Span;
use crate::syntax::ast::{self, ConclusionForm, Expr};
use std::collections::HashMap;

/// The model's comparison operator for the syntax tree's.
fn cmp_op(op: ast::CmpOp) -> CmpOp {
    match op {
        ast::CmpOp::Eq => CmpOp::Eq,
        ast::CmpOp::Ne => CmpOp::Ne,
        ast::CmpOp::Lt => CmpOp::Lt,
        ast::CmpOp::Le => CmpOp::Le,
        ast::CmpOp::Gt => CmpOp::Gt,
        ast::CmpOp::Ge => CmpOp::Ge,
    }
}

impl Checker {
    pub(super) fn rule(&mut self, decl: &ast::RuleDecl, id: String) -> Rule {
        let (kind, conclusions) = match &decl.body {
            ast::RuleBody::Conditional {
                when,
                unless,
                conclusions,
            } => {
                let when = when.as_ref().map(|e| self.cond(e));
                let unless = unless.as_ref().map(|e| self.cond(e));
                let conclusions: Vec<Conclusion> = conclusions
                    .iter()
                    .filter_map(|c| self.conclusion(c))
                    .collect();
                self.check_self_contradiction(&id, &conclusions);
                (RuleKind::Conditional { when, unless }, conclusions)
            }
            ast::RuleBody::Requirement { action, condition } => {
                let condition = self.cond(condition);
                let target = self.action_target(action, "requires").map(|a| Conclusion {
                    target: Target::Action(a, Modality::MustNot),
                    span: action.span,
                });
                (
                    RuleKind::Requirement { condition },
                    target.into_iter().collect(),
                )
            }
        };
        let name_span = match &decl.name {
            Some(n) => n.span,
            None => first_token(&self.source, decl.span),
        };
        Rule {
            id,
            named: decl.name.is_some(),
            description: decl.description.as_ref().map(|s| s.value.clone()),
            span: decl.span,
            name_span,
            kind,
            conclusions,
            overrides: Vec::new(),
            override_spans: Vec::new(),
        }
    }

    /// Resolves an action a modal conclusion or requirement is about.
    fn action_target(&mut self, target: &ast::Ident, keyword: &str) -> Option<ActionId> {
        match self.symbols.get(&target.name).copied() {
            Some(Symbol::Action(a)) => Some(a),
            Some(Symbol::Fact(f)) => {
                let help = if self.facts[f].ty == FactType::Bool && keyword != "requires" {
                    format!(
                        "to derive the fact, conclude it bare: `then {}`",
                        target.name
                    )
                } else {
                    "only actions take `may`, `must`, `must not`, `not` and `requires`".to_string()
                };
                self.error(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        format!(
                            "`{keyword}` needs an action, but `{}` is a fact",
                            target.name
                        ),
                    )
                    .primary(target.span, "a fact")
                    .secondary(self.facts[f].span, "declared as a fact here")
                    .help(help),
                );
                None
            }
            None => {
                let names = self.symbol_names();
                let names: Vec<String> = names.into_iter().map(str::to_string).collect();
                self.unknown(
                    "action",
                    &target.name,
                    target.span,
                    names.iter().map(String::as_str),
                );
                None
            }
        }
    }

    fn conclusion(&mut self, c: &ast::Conclusion) -> Option<Conclusion> {
        let modality = match c.form {
            ConclusionForm::May => Modality::May,
            ConclusionForm::Must | ConclusionForm::Bare => Modality::Must,
            ConclusionForm::MustNot | ConclusionForm::Not => Modality::MustNot,
        };
        if c.form == ConclusionForm::Bare
            && let Some(Symbol::Fact(f)) = self.symbols.get(&c.target.name).copied()
        {
            if self.facts[f].ty == FactType::Bool {
                return Some(Conclusion {
                    target: Target::Fact(f),
                    span: c.span,
                });
            }
            self.error(
                Diagnostic::new(
                    Code::TypeMismatch,
                    format!(
                        "a rule cannot conclude `{}`: it is not a bool fact",
                        c.target.name
                    ),
                )
                .primary(
                    c.target.span,
                    format!("of type `{}`", self.facts[f].ty.describe()),
                )
                .secondary(self.facts[f].span, "declared here")
                .help("rules derive bool facts only; enum and integer facts are given by cases"),
            );
            return None;
        }
        if c.form == ConclusionForm::Bare && self.conclusion_on_tested_name(&c.target) {
            return None;
        }
        let keyword = match c.form {
            ConclusionForm::May => "may",
            ConclusionForm::Must | ConclusionForm::Bare => "must",
            ConclusionForm::MustNot => "must not",
            ConclusionForm::Not => "not",
        };
        let a = self.action_target(&c.target, keyword)?;
        Some(Conclusion {
            target: Target::Action(a, modality),
            span: c.span,
        })
    }

    fn check_self_contradiction(&mut self, id: &str, conclusions: &[Conclusion]) {
        for (i, c) in conclusions.iter().enumerate() {
            let Target::Action(a, Modality::MustNot) = c.target else {
                continue;
            };
            let other = conclusions.iter().enumerate().find(|(j, o)| {
                *j != i
                    && matches!(o.target, Target::Action(b, m) if b == a && m != Modality::MustNot)
            });
            if let Some((_, o)) = other {
                let name = &self.actions[a].name;
                self.error(
                    Diagnostic::new(
                        Code::SelfContradiction,
                        format!("rule `{id}` both forbids and allows `{name}`"),
                    )
                    .primary(c.span, "forbids it")
                    .secondary(o.span, "allows it")
                    .help("keep one of the two conclusions, or split the rule by condition"),
                );
            }
        }
    }

    pub(super) fn overrides(
        &mut self,
        decl: &ast::RuleDecl,
        rule_ids: &HashMap<String, RuleId>,
        rules: &[Rule],
    ) -> Vec<(RuleId, Span)> {
        let mut out = Vec::new();
        let me = decl.name.as_ref().map(|n| n.name.as_str()).unwrap_or("");
        for r in &decl.overrides {
            match rule_ids.get(&r.name) {
                Some(&t) if !rules[t].named => {
                    self.error(
                        Diagnostic::new(
                            Code::OverrideCycle,
                            format!("`{}` is an anonymous rule and cannot be overridden", r.name),
                        )
                        .primary(r.span, "anonymous rule")
                        .secondary(rules[t].name_span, "the rule starts here")
                        .help(format!(
                            "name the rule at line {}: `rule NAME: ...`",
                            &r.name[1..]
                        )),
                    );
                }
                Some(&t) if r.name == me => {
                    self.error(
                        Diagnostic::new(
                            Code::OverrideCycle,
                            format!("rule `{me}` overrides itself"),
                        )
                        .primary(r.span, "overrides itself")
                        .help(format!("remove `{me}` from its own `overrides` list")),
                    );
                    let _ = t;
                }
                Some(&t) => out.push((t, r.span)),
                None => {
                    let names: Vec<&str> = rules
                        .iter()
                        .filter(|r| r.named)
                        .map(|r| r.id.as_str())
                        .collect();
                    let d =
                        Diagnostic::new(Code::UnknownName, format!("unknown rule `{}`", r.name))
                            .primary(r.span, "no rule has this name");
                    let d = match did_you_mean(&r.name, names) {
                        Some(h) => d.help(h),
                        None => d.help("`overrides` lists the names of other rules in this file"),
                    };
                    self.error(d);
                }
            }
        }
        out
    }

    /// Resolves a condition. On an error it reports and stands in `false`.
    pub(super) fn cond(&mut self, e: &Expr) -> Cond {
        match e {
            Expr::Const(b, _) => Cond::Const(*b),
            Expr::Not(x, _) => Cond::Not(Box::new(self.cond(x))),
            Expr::And(xs, _) => Cond::And(xs.iter().map(|x| self.cond(x)).collect()),
            Expr::Or(xs, _) => Cond::Or(xs.iter().map(|x| self.cond(x)).collect()),
            Expr::Name(id) => match self.fact(id, "bool") {
                Some(f) => Cond::Fact(f),
                None => Cond::Const(false),
            },
            Expr::Is {
                fact,
                variant,
                negated,
                ..
            } => {
                let written = if *negated {
                    EnumTest::IsNot
                } else {
                    EnumTest::Is
                };
                self.one_of(fact, std::slice::from_ref(variant), written)
            }
            Expr::In {
                fact,
                variants,
                negated,
                ..
            } => {
                let written = if *negated {
                    EnumTest::NotIn
                } else {
                    EnumTest::In
                };
                self.one_of(fact, variants, written)
            }
            Expr::Compare {
                fact,
                op,
                value: ast::Operand::Name(other),
                span,
            } => {
                self.compare_with_name(fact, *op, other, *span);
                Cond::Const(false)
            }
            Expr::Compare {
                fact,
                op,
                value: ast::Operand::Number(value),
                ..
            } => {
                let f = self.fact(fact, "int");
                let v = int_value(self, value);
                match (f, v) {
                    (Some(f), Some(v)) => Cond::Compare(f, cmp_op(*op), v),
                    _ => Cond::Const(false),
                }
            }
        }
    }

    fn one_of(&mut self, fact: &ast::Ident, variants: &[ast::Ident], written: EnumTest) -> Cond {
        let Some(f) = self.fact(fact, "enum") else {
            return Cond::Const(false);
        };
        let FactType::Enum(names) = self.facts[f].ty.clone() else {
            return Cond::Const(false);
        };
        let mut set = vec![false; names.len()];
        for v in variants {
            match names.iter().position(|n| *n == v.name) {
                Some(i) => set[i] = true,
                None => {
                    let d = Diagnostic::new(
                        Code::UnknownName,
                        format!("`{}` has no variant `{}`", fact.name, v.name),
                    )
                    .primary(v.span, "unknown variant")
                    .secondary(
                        self.facts[f].span,
                        format!("declared as `{}`", names.join(" | ")),
                    );
                    let d = match did_you_mean(&v.name, names.iter().map(String::as_str)) {
                        Some(h) => d.help(h),
                        None => d.help(format!("the variants are {}", backticked(&names))),
                    };
                    self.error(d);
                }
            }
        }
        if matches!(written, EnumTest::IsNot | EnumTest::NotIn) {
            set.iter_mut().for_each(|b| *b = !*b);
        }
        Cond::OneOf(f, set, written)
    }

    /// Resolves a fact in a condition, checking it has the type the test needs.
    pub(super) fn fact(&mut self, id: &ast::Ident, want: &str) -> Option<FactId> {
        let f = match self.symbols.get(&id.name).copied() {
            Some(Symbol::Fact(f)) => f,
            Some(Symbol::Action(a)) => {
                self.error(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        format!("`{}` is an action; conditions test facts", id.name),
                    )
                    .primary(id.span, "an action")
                    .secondary(self.actions[a].span, "declared as an action here")
                    .help("to make a rule depend on another decision, derive a fact for it and test that"),
                );
                return None;
            }
            None => {
                let names: Vec<String> =
                    self.fact_names().into_iter().map(str::to_string).collect();
                self.unknown("fact", &id.name, id.span, names.iter().map(String::as_str));
                return None;
            }
        };
        let ty = &self.facts[f].ty;
        let ok = matches!(
            (want, ty),
            ("bool", FactType::Bool) | ("enum", FactType::Enum(_)) | ("int", FactType::Int { .. })
        );
        if ok {
            return Some(f);
        }
        let (what, help) = match ty {
            FactType::Bool => (
                "a bool fact",
                format!("test it on its own: `{}` or `not {}`", id.name, id.name),
            ),
            FactType::Enum(vs) => (
                "an enum fact",
                format!(
                    "test its value: `{} is {}` or `{} in [..]`",
                    id.name, vs[0], id.name
                ),
            ),
            FactType::Int { lo, .. } => (
                "an integer fact",
                format!("compare it: `{} >= {lo}`", id.name),
            ),
        };
        let test = match want {
            "bool" => "used as a condition",
            "enum" => "tested with `is` or `in`",
            _ => "compared with a number",
        };
        self.error(
            Diagnostic::new(
                Code::TypeMismatch,
                format!("`{}` is {what} and cannot be {test}", id.name),
            )
            .primary(id.span, format!("of type `{}`", ty.describe()))
            .secondary(self.facts[f].span, "declared here")
            .help(help),
        );
        None
    }
}

fn backticked(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
