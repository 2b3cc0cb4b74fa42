//! Builds a [`Policy`] from a syntax tree: declarations, types, names, then the graphs.

use super::*;
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::syntax::ast::{self, Item, TypeExpr};

/// The state shared by the checks while a policy is built.
pub(super) struct Ctx {
    pub source: Source,
    pub facts: Vec<Fact>,
    pub actions: Vec<Action>,
    pub symbols: HashMap<String, Symbol>,
    pub errors: Vec<Diagnostic>,
}

impl Ctx {
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

fn duplicate(what: &str, name: &str, second: Span, first: Span) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateName,
        format!("{what} `{name}` is declared twice"),
    )
    .primary(second, "declared again here")
    .secondary(first, "first declared here")
    .help("rename one of them, or remove the second")
}

pub(super) fn build(source: Source, file: ast::File) -> Result<Policy, Vec<Diagnostic>> {
    let mut cx = Ctx {
        source: source.clone(),
        facts: Vec::new(),
        actions: Vec::new(),
        symbols: HashMap::new(),
        errors: Vec::new(),
    };
    // Declarations first: names may be used before they are declared.
    for item in &file.items {
        match item {
            Item::Fact(d) => declare_facts(&mut cx, d),
            Item::Action(d) => declare_actions(&mut cx, d),
            _ => {}
        }
    }
    let rule_decls: Vec<&ast::RuleDecl> = file
        .items
        .iter()
        .filter_map(|i| if let Item::Rule(r) = i { Some(r) } else { None })
        .collect();
    mark_derived(&mut cx, &rule_decls);
    let (rule_ids, ids) = name_rules(&mut cx, &rule_decls);
    let mut rules = Vec::with_capacity(rule_decls.len());
    for (decl, id) in rule_decls.iter().zip(ids) {
        rules.push(cx.rule(decl, id));
    }
    for (r, decl) in rule_decls.iter().enumerate() {
        let (targets, spans) = cx.overrides(decl, &rule_ids, &rules).into_iter().unzip();
        rules[r].overrides = targets;
        rules[r].override_spans = spans;
    }
    let overrides_all = graph::check_overrides(&mut cx, &rules, &rule_decls);
    let derived_order = graph::check_derivations(&mut cx, &rules);
    let mut policy = Policy {
        source,
        title: file.title.map(|s| s.value),
        sources: file.sources.into_iter().map(|s| s.value).collect(),
        facts: std::mem::take(&mut cx.facts),
        actions: std::mem::take(&mut cx.actions),
        rules,
        cases: Vec::new(),
        symbols: std::mem::take(&mut cx.symbols),
        rule_ids,
        derived_order,
        overrides_all,
        program: compile::Program::default(),
    };
    let mut case_names: HashMap<&str, Span> = HashMap::new();
    for item in &file.items {
        if let Item::Case(c) = item {
            if let Some(first) = case_names.insert(&c.name.value, c.name.span) {
                cx.error(duplicate("case", &c.name.value, c.name.span, first));
            }
            match cases::case_block(&policy, c) {
                Ok(block) => policy.cases.push(block),
                Err(errs) => cx.errors.extend(errs),
            }
        }
    }
    if cx.errors.is_empty() {
        policy.program = compile::compile(&policy);
        Ok(policy)
    } else {
        cx.errors.sort_by_key(|d| d.span().map(|s| s.start));
        Err(cx.errors)
    }
}

fn declare_symbol(cx: &mut Ctx, name: &ast::Ident, sym: Symbol) -> bool {
    if let Some(prev) = cx.symbols.get(&name.name) {
        let first = match *prev {
            Symbol::Fact(f) => cx.facts[f].span,
            Symbol::Action(a) => cx.actions[a].span,
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
        cx.error(d);
        return false;
    }
    cx.symbols.insert(name.name.clone(), sym);
    true
}

fn declare_facts(cx: &mut Ctx, d: &ast::FactDecl) {
    let ty = fact_type(cx, d.ty.as_ref());
    for name in &d.names {
        if declare_symbol(cx, name, Symbol::Fact(cx.facts.len())) {
            cx.facts.push(Fact {
                name: name.name.clone(),
                ty: ty.clone(),
                description: d.description.as_ref().map(|s| s.value.clone()),
                span: name.span,
                derived: false,
            });
        }
    }
}

fn fact_type(cx: &mut Ctx, ty: Option<&TypeExpr>) -> FactType {
    match ty {
        None => FactType::Bool,
        Some(TypeExpr::Variants(vs)) if vs.len() == 1 && vs[0].name == "bool" => FactType::Bool,
        Some(TypeExpr::Variants(vs)) => {
            if vs.len() == 1 {
                cx.error(
                    Diagnostic::new(Code::TypeMismatch, format!("enum `{}` has only one variant", vs[0].name))
                        .primary(vs[0].span, "the only variant")
                        .help("an enum needs at least two variants, as in `a | b`; for yes/no facts use `bool`"),
                );
            }
            let mut seen: HashMap<&str, Span> = HashMap::new();
            for v in vs {
                if let Some(first) = seen.insert(&v.name, v.span) {
                    cx.error(duplicate("variant", &v.name, v.span, first));
                }
            }
            FactType::Enum(vs.iter().map(|v| v.name.clone()).collect())
        }
        Some(TypeExpr::Range { lo, hi, span }) => {
            let (l, h) = (int_value(cx, lo), int_value(cx, hi));
            let (l, h) = (l.unwrap_or(0), h.unwrap_or(0));
            if l > h {
                cx.error(
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

/// An integer literal's value, or a `type-mismatch` when it does not fit in 64 bits.
pub(super) fn int_value(cx: &mut Ctx, int: &ast::Int) -> Option<i64> {
    if int.value.is_none() {
        cx.error(
            Diagnostic::new(Code::TypeMismatch, "integer does not fit in 64 bits")
                .primary(int.span, "too large")
                .help(format!("integers range from {} to {}", i64::MIN, i64::MAX)),
        );
    }
    int.value
}

fn declare_actions(cx: &mut Ctx, d: &ast::ActionDecl) {
    for name in &d.names {
        if declare_symbol(cx, name, Symbol::Action(cx.actions.len())) {
            cx.actions.push(Action {
                name: name.name.clone(),
                default: d.default.map(|(v, _)| v),
                description: d.description.as_ref().map(|s| s.value.clone()),
                span: name.span,
            });
        }
    }
}

/// A bool fact that some rule concludes bare is derived.
fn mark_derived(cx: &mut Ctx, rules: &[&ast::RuleDecl]) {
    for r in rules {
        if let ast::RuleBody::Conditional { conclusions, .. } = &r.body {
            for c in conclusions {
                if c.form == ast::ConclusionForm::Bare
                    && let Some(Symbol::Fact(f)) = cx.symbols.get(&c.target.name)
                    && cx.facts[*f].ty == FactType::Bool
                {
                    cx.facts[*f].derived = true;
                }
            }
        }
    }
}

/// Gives every rule its id, reporting duplicates.
fn name_rules(cx: &mut Ctx, rules: &[&ast::RuleDecl]) -> (HashMap<String, RuleId>, Vec<String>) {
    let mut map: HashMap<String, RuleId> = HashMap::new();
    let mut ids = Vec::with_capacity(rules.len());
    let mut spans: Vec<Span> = Vec::with_capacity(rules.len());
    for (i, r) in rules.iter().enumerate() {
        let (id, span) = match &r.name {
            Some(n) => (n.name.clone(), n.span),
            None => {
                let line = cx.source.line(r.span.start);
                (format!("@{line}"), first_token(&cx.source, r.span))
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
            cx.error(d);
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
