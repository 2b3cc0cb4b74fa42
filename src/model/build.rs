//! The front end's driver: policy text to a checked [`Policy`] or every static error of
//! the file (section 9 of `docs/language.md`), through the syntax stage, the declarations,
//! name resolution, the graphs and the case blocks.

use super::case_block;
use super::case_flat::FlatReader;
use super::compile;
use super::declare::{
    Checker, declare_actions, declare_facts, duplicate, mark_derived, name_rules,
};
use super::failure::Failure;
use super::graph;
use super::misuse;
use super::policy::Policy;
use super::rule::Target;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Source, Span};
use crate::syntax::ast::{self, Item};
use std::collections::HashMap;

/// The largest policy text deontic reads (16 MiB): parsing costs memory in proportion to
/// the text, and no hand-written policy comes near it.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024 * 1024;

impl Policy {
    /// Parses and checks a policy. `name` is how diagnostics refer to the file.
    pub fn parse(name: impl Into<String>, text: impl Into<String>) -> Result<Policy, Failure> {
        Policy::from_source(Source::new(name, text))
    }

    /// Parses and checks a policy from raw bytes. Bytes that are not UTF-8 are a
    /// `syntax-error` at the first invalid byte (the text is shown with replacement marks).
    pub fn from_bytes(name: impl Into<String>, bytes: Vec<u8>) -> Result<Policy, Failure> {
        match String::from_utf8(bytes) {
            Ok(text) => Policy::parse(name, text),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let byte = e.as_bytes()[at];
                // The valid prefix is kept as it is, so `at` is the same offset in the shown
                // text, where a three-byte replacement character stands for the bad bytes.
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let diag = Diagnostic::new(Code::SyntaxError, "the file is not UTF-8 text")
                    .primary(Span::new(at, at + 3), format!("invalid byte `0x{byte:02x}`"))
                    .help("policy files are UTF-8; convert it, for example with `iconv -f latin1 -t utf-8`");
                Err(Failure {
                    source: Source::new(name, text),
                    diagnostics: vec![diag],
                })
            }
        }
    }

    /// Parses and checks a policy from a [`Source`].
    pub fn from_source(source: Source) -> Result<Policy, Failure> {
        let fail = |diagnostics| Failure {
            source: source.clone(),
            diagnostics,
        };
        if source.text().len() > MAX_SOURCE_BYTES {
            let len = source.text().len();
            let end = source
                .text()
                .char_indices()
                .nth(1)
                .map_or(len.min(1), |(i, _)| i);
            return Err(fail(vec![
                Diagnostic::new(
                    Code::SyntaxError,
                    format!(
                        "the file is too large: {len} bytes, and the limit is {MAX_SOURCE_BYTES}"
                    ),
                )
                .primary(Span::new(0, end), "this file")
                .help("split the policy into several files, each its own policy"),
            ]));
        }
        let parsed = crate::syntax::parse(&source).map_err(fail)?;
        build(source.clone(), parsed.file).map_err(fail)
    }
}

/// Checks a syntax tree and builds the policy.
pub(super) fn build(source: Source, file: ast::File) -> Result<Policy, Vec<Diagnostic>> {
    let mut checker = Checker {
        source: source.clone(),
        facts: Vec::new(),
        actions: Vec::new(),
        symbols: HashMap::new(),
        errors: Vec::new(),
        tested: misuse::tested_names(&file),
    };
    // Declarations first: names may be used before they are declared.
    for item in &file.items {
        match item {
            Item::Fact(d) => declare_facts(&mut checker, d),
            Item::Action(d) => declare_actions(&mut checker, d),
            _ => {}
        }
    }
    let rule_decls: Vec<&ast::RuleDecl> = file
        .items
        .iter()
        .filter_map(|i| if let Item::Rule(r) = i { Some(r) } else { None })
        .collect();
    mark_derived(&mut checker, &rule_decls);
    let (rule_ids, ids) = name_rules(&mut checker, &rule_decls);
    let mut rules = Vec::with_capacity(rule_decls.len());
    for (decl, id) in rule_decls.iter().zip(ids) {
        rules.push(checker.rule(decl, id));
    }
    for (r, decl) in rule_decls.iter().enumerate() {
        let (targets, spans) = checker
            .overrides(decl, &rule_ids, &rules)
            .into_iter()
            .unzip();
        rules[r].overrides = targets;
        rules[r].override_spans = spans;
    }
    let overrides_all = graph::check_overrides(&mut checker, &rules, &rule_decls);
    let derived_order = graph::check_derivations(&mut checker, &rules);
    let mut deriving = vec![Vec::new(); checker.facts.len()];
    let mut deciding = vec![Vec::new(); checker.actions.len()];
    for (r, rule) in rules.iter().enumerate() {
        for c in &rule.conclusions {
            let list: &mut Vec<_> = match c.target {
                Target::Fact(f) => &mut deriving[f],
                Target::Action(a, _) => &mut deciding[a],
            };
            if list.last() != Some(&r) {
                list.push(r);
            }
        }
    }
    let mut policy = Policy {
        source,
        title: file.title.map(|s| s.value),
        sources: file.sources.into_iter().map(|s| s.value).collect(),
        facts: std::mem::take(&mut checker.facts),
        actions: std::mem::take(&mut checker.actions),
        rules,
        cases: Vec::new(),
        warnings: Vec::new(),
        symbols: std::mem::take(&mut checker.symbols),
        rule_ids,
        derived_order,
        overrides_all,
        deriving,
        deciding,
        flat: FlatReader::default(),
        program: compile::Program::default(),
    };
    let mut case_names: HashMap<&str, Span> = HashMap::new();
    for item in &file.items {
        if let Item::Case(c) = item {
            if let Some(first) = case_names.insert(&c.name.value, c.name.span) {
                checker.error(duplicate("case", &c.name.value, c.name.span, first));
            }
            match case_block::check(&policy, c) {
                Ok(block) => {
                    if block.expectations.is_empty() {
                        policy.warnings.push(case_block::expects_nothing(c));
                    }
                    policy.cases.push(block)
                }
                Err(errs) => checker.errors.extend(errs),
            }
        }
    }
    if checker.errors.is_empty() {
        policy.program = compile::compile(&policy);
        policy.flat = FlatReader::new(&policy, |f| f as u32);
        Ok(policy)
    } else {
        checker.errors.sort_by_key(|d| d.span().map(|s| s.start));
        Err(checker.errors)
    }
}
