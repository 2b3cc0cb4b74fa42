//! Hover: what a fact, an action, a rule or a variant is, in Markdown, from the policy of
//! the latest text (or the last version that built, for a name its broken items hide).

use super::documents::Document;
use super::position::{Encoding, range};
use super::target::{self, Target};
use crate::model::{FactType, Modality, Policy, RuleId, Symbol, Target as Concludes};
use crate::syntax::names::Named;
use crate::syntax::outline::code_span;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

/// How many lines of a rule's text a hover shows.
const RULE_LINES: usize = 12;

/// The hover at a byte offset, if the cursor is on a name a policy declares.
pub fn hover(doc: &Document, offset: usize, encoding: Encoding) -> Option<Hover> {
    let Target { named, span } = target::at(doc, offset)?;
    let policy = target::policy_of(doc, &named)?;
    let value = match &named {
        Named::Symbol(name) => match policy.symbol(name)? {
            Symbol::Fact(f) => fact(policy, f),
            Symbol::Action(a) => action(policy, a),
        },
        Named::Rule(id) => rule(policy, policy.rule_id(id)?),
        Named::Variant { owner, name } => variant(policy, policy.fact_id(owner)?, name),
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(range(&doc.source, span, encoding)),
    })
}

fn ids(policy: &Policy, rules: &[RuleId]) -> String {
    rules
        .iter()
        .map(|&r| format!("`{}`", policy.rule(r).id))
        .collect::<Vec<_>>()
        .join(", ")
}

fn fact(policy: &Policy, f: usize) -> String {
    let fact = policy.fact(f);
    let ty = match &fact.ty {
        FactType::Bool => "bool".to_string(),
        FactType::Enum(vs) => format!("one of `{}`", vs.join(" | ")),
        FactType::Int { lo, hi } => format!("an integer in `{lo}..{hi}`"),
    };
    let mut out = format!("**fact** `{}`: {ty}", fact.name);
    if let Some(d) = &fact.description {
        out.push_str(&format!("\n\n{d}"));
    }
    let deriving = policy.rules_deriving(f);
    if fact.derived {
        out.push_str(&format!(
            "\n\nderived: true when one of {} fires",
            ids(policy, deriving)
        ));
    } else {
        out.push_str("\n\ninput: cases give it");
    }
    out
}

fn action(policy: &Policy, a: usize) -> String {
    let action = policy.action(a);
    let mut out = format!("**action** `{}`", action.name);
    match action.default {
        Some(d) => out.push_str(&format!(", default `{}`", d.as_str())),
        None => out.push_str(", no default (`undecided` when no rule decides it)"),
    }
    if let Some(d) = &action.description {
        out.push_str(&format!("\n\n{d}"));
    }
    let rules: Vec<String> = policy
        .rules_on(a)
        .iter()
        .map(|&r| {
            let rule = policy.rule(r);
            let how: Vec<&str> = if rule.is_requirement() {
                vec!["requires"]
            } else {
                rule.conclusions
                    .iter()
                    .filter_map(|c| match c.target {
                        Concludes::Action(x, m) if x == a => Some(m.as_str()),
                        _ => None,
                    })
                    .collect()
            };
            format!("`{}` ({})", rule.id, how.join(", "))
        })
        .collect();
    if rules.is_empty() {
        out.push_str("\n\nno rule concludes on it");
    } else {
        out.push_str(&format!("\n\nconcluded on by {}", rules.join(", ")));
    }
    out
}

fn rule(policy: &Policy, r: RuleId) -> String {
    let rule = policy.rule(r);
    let kind = if rule.is_requirement() {
        "requirement"
    } else {
        "rule"
    };
    let line = policy.source().line(rule.span.start);
    let mut out = format!("**{kind}** `{}` (line {line})", rule.id);
    if let Some(d) = &rule.description {
        out.push_str(&format!("\n\n> {}", d.replace('\n', "\n> ")));
    }
    let text = policy
        .source()
        .slice(code_span(policy.source().text(), rule.span));
    let mut lines: Vec<&str> = text.lines().take(RULE_LINES).collect();
    if text.lines().count() > RULE_LINES {
        lines.push("...");
    }
    out.push_str(&format!("\n\n```policy\n{}\n```", lines.join("\n")));
    let concludes: Vec<String> = rule
        .conclusions
        .iter()
        .map(|c| match c.target {
            Concludes::Action(a, Modality::MustNot) if rule.is_requirement() => format!(
                "`must not {}` when its condition fails",
                policy.action(a).name
            ),
            Concludes::Action(a, m) => format!("`{} {}`", m.as_str(), policy.action(a).name),
            Concludes::Fact(f) => format!("derives `{}`", policy.fact(f).name),
        })
        .collect();
    out.push_str(&format!("\n\nconcludes: {}", concludes.join(", ")));
    let overrides = policy.overridden_by(r);
    if !overrides.is_empty() {
        out.push_str(&format!("\n\noverrides {}", ids(policy, overrides)));
    }
    let overridden: Vec<RuleId> = (0..policy.rules().len())
        .filter(|&w| policy.overrides(w, r))
        .collect();
    if !overridden.is_empty() {
        out.push_str(&format!("\n\noverridden by {}", ids(policy, &overridden)));
    }
    out
}

fn variant(policy: &Policy, f: usize, name: &str) -> String {
    let fact = policy.fact(f);
    let mut out = format!("**variant** `{name}` of `{}`", fact.name);
    if let FactType::Enum(vs) = &fact.ty {
        out.push_str(&format!(": one of `{}`", vs.join(" | ")));
    }
    if let Some(d) = &fact.description {
        out.push_str(&format!("\n\n{d}"));
    }
    out
}
