//! The declarations of a policy: facts, actions and their types, which facts are derived,
//! and every rule's id; with the checker state that the later checks share.

use super::types::{Action, DefaultVerdict, Fact, FactType, RuleId, Symbol};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::source::{Source, Span};
use crate::syntax::ast::{self, TypeExpr};
use std::collections::HashMap;

/// The state shared by the checks while a policy is built: what is declared so far and
/// every error found.
pub(super) struct Checker {
    pub source: Source,
    pub facts: Vec<Fact>,
    pub actions: Vec<Action>,
    pub symbols: HashMap<String, Symbol>,
    pub errors: Vec<Diagnostic>,
    /// The names conditions test as facts, with where each is first tested.
    pub tested: HashMap<String, Span>,
}

impl Checker {
    pub fn error(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    /// `unknown-name` for `name`, suggesting the closest of `candidates`.
    pub fn unknown<'a>(
        &mut self,
        what: &str,
        name: &str,
        span: Span,
        candidates: impl IntoIterator<Item = &'a str>,
    ) {
        let mut d = Diagnostic::new(Code::UnknownName, format!("unknown {what} `{name}`"))
            .primary(span, format!("no {what} is declared with this name"));
        d = match did_you_mean(name, candidates) {
            Some(h) => d.help(h),
            None => d.help(format!(
                "declare it, for example `{}`",
                declare_hint(what, name)
            )),
        };
        self.errors.push(d);
    }

    /// Every declared fact and action name.
    pub fn symbol_names(&self) -> Vec<&str> {
        self.facts
            .iter()
            .map(|f| f.name.as_str())
            .chain(self.actions.iter().map(|a| a.name.as_str()))
            .collect()
    }

    pub fn fact_names(&self) -> Vec<&str> {
        self.facts.iter().map(|f| f.name.as_str()).collect()
    }
}

fn declare_hint(what: &str, name: &str) -> String {
    match what {
        "action" => format!("action {name}"),
        "rule" => format!("rule {name}: ..."),
        "variant" => format!("fact x: {name} | other"),
        _ => format!("fact {name}"),
    }
}

pub(super) fn duplicate(what: &str, name: &str, second: Span, first: Span) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateName,
        format!("{what} `{name}` is declared twice"),
    )
    .primary(second, "declared again here")
    .secondary(first, "first declared here")
    .help("rename one of them, or remove the second")
}

fn declare_symbol(checker: &mut Checker, name: &ast::Ident, sym: Symbol) -> bool {
    if let Some(prev) = checker.symbols.get(&name.name) {
        let first = match *prev {
            Symbol::Fact(f) => checker.facts[f].span,
            Symbol::Action(a) => checker.actions[a].span,
        };
        let what = match sym {
            Symbol::Fact(_) => "fact",
            Symbol::Action(_) => "action",
        };
        let d = duplicate(what, &name.name, name.span, first);
        let d = if matches!(
            (prev, sym),
            (Symbol::Fact(_), Symbol::Action(_)) | (Symbol::Action(_), Symbol::Fact(_))
        ) {
            d.help("facts and actions share one namespace; rename one of them")
        } else {
            d
        };
        checker.error(d);
        return false;
    }
    checker.symbols.insert(name.name.clone(), sym);
    true
}

pub(super) fn declare_facts(checker: &mut Checker, d: &ast::FactDecl) {
    let ty = fact_type(checker, d);
    for name in &d.names {
        if declare_symbol(checker, name, Symbol::Fact(checker.facts.len())) {
            checker.facts.push(Fact {
                name: name.name.clone(),
                ty: ty.clone(),
                description: d.description.as_ref().map(|s| s.value.clone()),
                span: name.span,
                derived: false,
            });
        }
    }
}

fn fact_type(checker: &mut Checker, d: &ast::FactDecl) -> FactType {
    match d.ty.as_ref() {
        None => FactType::Bool,
        Some(TypeExpr::Variants(vs)) if vs.len() == 1 && vs[0].name == "bool" => FactType::Bool,
        Some(TypeExpr::Variants(vs)) => {
            if vs.len() == 1 {
                let names: Vec<String> = d.names.iter().map(|n| format!("`{}`", n.name)).collect();
                let (what, names) = match names.len() {
                    1 => ("fact", names[0].clone()),
                    _ => ("facts", names.join(", ")),
                };
                let only = &vs[0].name;
                checker.error(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        format!("the enum of {what} {names} has only one variant, `{only}`"),
                    )
                    .primary(vs[0].span, "the only variant")
                    .help(format!(
                        "an enum needs at least two variants, as in `{only} | other`; \
                         for a yes/no fact leave the type out (a bool)"
                    )),
                );
            }
            let mut seen: HashMap<&str, Span> = HashMap::new();
            for v in vs {
                if let Some(first) = seen.insert(&v.name, v.span) {
                    checker.error(duplicate("variant", &v.name, v.span, first));
                }
            }
            FactType::Enum(vs.iter().map(|v| v.name.clone()).collect())
        }
        Some(TypeExpr::Range { lo, hi, span }) => {
            // A bound past 64 bits is reported, then taken as the furthest one there is,
            // so nothing else about the fact is reported against a made-up range.
            let l = int_value(checker, lo).unwrap_or_else(|| furthest(checker, lo));
            let h = int_value(checker, hi).unwrap_or_else(|| furthest(checker, hi));
            if l > h {
                checker.error(
                    Diagnostic::new(Code::TypeMismatch, format!("empty range `{l}..{h}`"))
                        .primary(*span, "lower bound is above the upper bound")
                        .help(format!("write the bounds in order: `{h}..{l}`")),
                );
            }
            FactType::Int {
                lo: l,
                hi: h.max(l),
            }
        }
    }
}

/// Whether an integer literal is written with a minus sign.
fn negative(checker: &Checker, int: &ast::Int) -> bool {
    checker.source.slice(int.span).trim_start().starts_with('-')
}

/// The 64-bit integer furthest in the direction of a literal that does not fit.
fn furthest(checker: &Checker, int: &ast::Int) -> i64 {
    if negative(checker, int) {
        i64::MIN
    } else {
        i64::MAX
    }
}

/// An integer literal's value, or a `type-mismatch` when it does not fit in 64 bits.
pub(super) fn int_value(checker: &mut Checker, int: &ast::Int) -> Option<i64> {
    if int.value.is_none() {
        let (label, bound) = if negative(checker, int) {
            ("too small: below -9223372036854775808", i64::MIN)
        } else {
            ("too large: above 9223372036854775807", i64::MAX)
        };
        checker.error(
            Diagnostic::new(Code::TypeMismatch, "integer does not fit in 64 bits")
                .primary(int.span, label)
                .help(format!(
                    "integers range from {} to {}; the nearest is `{bound}`",
                    i64::MIN,
                    i64::MAX
                )),
        );
    }
    int.value
}

pub(super) fn declare_actions(checker: &mut Checker, d: &ast::ActionDecl) {
    for name in &d.names {
        if declare_symbol(checker, name, Symbol::Action(checker.actions.len())) {
            checker.actions.push(Action {
                name: name.name.clone(),
                default: d.default.map(|(v, _)| match v {
                    ast::DefaultVerdict::Permitted => DefaultVerdict::Permitted,
                    ast::DefaultVerdict::Forbidden => DefaultVerdict::Forbidden,
                }),
                description: d.description.as_ref().map(|s| s.value.clone()),
                span: name.span,
            });
        }
    }
}

/// A bool fact that some rule concludes bare is derived.
pub(super) fn mark_derived(checker: &mut Checker, rules: &[&ast::RuleDecl]) {
    for r in rules {
        if let ast::RuleBody::Conditional { conclusions, .. } = &r.body {
            for c in conclusions {
                if c.form == ast::ConclusionForm::Bare
                    && let Some(Symbol::Fact(f)) = checker.symbols.get(&c.target.name)
                    && checker.facts[*f].ty == FactType::Bool
                {
                    checker.facts[*f].derived = true;
                }
            }
        }
    }
}

/// Gives every rule its id, reporting duplicates.
pub(super) fn name_rules(
    checker: &mut Checker,
    rules: &[&ast::RuleDecl],
) -> (HashMap<String, RuleId>, Vec<String>) {
    let mut map: HashMap<String, RuleId> = HashMap::new();
    let mut ids = Vec::with_capacity(rules.len());
    let mut spans: Vec<Span> = Vec::with_capacity(rules.len());
    for (i, r) in rules.iter().enumerate() {
        let (id, span) = match &r.name {
            Some(n) => (n.name.clone(), n.span),
            None => {
                let line = checker.source.line(r.span.start);
                (format!("@{line}"), first_token(&checker.source, r.span))
            }
        };
        if let Some(&first) = map.get(&id) {
            let d =
                if r.name.is_some() {
                    duplicate("rule", &id, span, spans[first])
                } else {
                    Diagnostic::new(
                    Code::DuplicateName,
                    format!("two anonymous rules start on line {}; both would be `{id}`", &id[1..]),
                )
                .primary(span, "second rule on this line")
                .secondary(spans[first], "first rule on this line")
                .help("put each anonymous rule on its own line, or name them with `rule NAME: ...`")
                };
            checker.error(d);
        } else {
            map.insert(id.clone(), i);
        }
        ids.push(id);
        spans.push(span);
    }
    (map, ids)
}

/// The first token of a span, to point at an anonymous rule.
pub(super) fn first_token(source: &Source, span: Span) -> Span {
    let text = source.slice(span);
    let len = text
        .find(|c: char| c.is_whitespace())
        .unwrap_or(text.len())
        .max(1);
    Span::new(
        span.start,
        (span.start + len).min(span.end.max(span.start + 1)),
    )
}
