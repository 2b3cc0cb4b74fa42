//! Completion where it fits: facts in conditions, variants after `is` and in `in [...]`,
//! actions after a modality, rules after `overrides`, input facts in `given`, verdict words
//! after `expect ... is`, and keywords; each item with its description. The place is read
//! from the tokens of the latest text, the names from its policy and the last one that
//! built.

use super::context::{self, Slot};
use super::documents::Document;
use super::position::{Encoding, range};
use super::target;
use crate::model::{FactType, Policy, Symbol};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent,
    MarkupKind, TextEdit,
};
use std::collections::HashSet;

/// The keywords that start an item.
const ITEM_KEYWORDS: [&str; 7] = ["fact", "action", "rule", "case", "if", "policy", "source"];
/// The keywords that may follow a name or a value inside an item.
const NEXT_KEYWORDS: [&str; 10] = [
    "and",
    "or",
    "not",
    "is",
    "in",
    "then",
    "unless",
    "requires",
    "overrides",
    "default",
];

/// The completions at a byte offset.
pub fn complete(doc: &Document, offset: usize, encoding: Encoding) -> Vec<CompletionItem> {
    let (slot, prefix) = context::slot(doc.source.text(), &doc.lexed, offset);
    let mut out = Items::default();
    match &slot {
        Slot::Nothing | Slot::NewName => {}
        Slot::Keyword => {
            out.keywords(&NEXT_KEYWORDS);
            out.keywords(&ITEM_KEYWORDS);
        }
        Slot::CaseLine => out.keywords(&["given", "expect"]),
        Slot::RuleBody => {
            out.keywords(&["if", "unless", "then"]);
            names(doc, &mut out, |_, s| matches!(s, Symbol::Action(_)));
        }
        Slot::Condition => {
            names(doc, &mut out, |_, s| matches!(s, Symbol::Fact(_)));
            out.keywords(&["not", "true", "false"]);
        }
        Slot::Variant { fact, given } => {
            for p in target::policies(doc) {
                let Some(f) = p.fact_id(fact) else { continue };
                match &p.fact(f).ty {
                    FactType::Enum(vs) => {
                        for v in vs {
                            out.push(variant_item(p, f, v));
                        }
                    }
                    FactType::Bool if *given => out.keywords(&["true", "false"]),
                    _ => {}
                }
            }
            if !given {
                out.keywords(&["not"]);
            }
        }
        Slot::Conclusion => {
            out.keywords(&["may", "must", "not"]);
            names(doc, &mut out, |p, s| match s {
                Symbol::Action(_) => true,
                Symbol::Fact(f) => p.fact(f).ty == FactType::Bool,
            });
        }
        Slot::Action => names(doc, &mut out, |_, s| matches!(s, Symbol::Action(_))),
        Slot::RuleRef => {
            for p in target::policies(doc) {
                for rule in p.rules().iter().filter(|r| r.named) {
                    out.push(CompletionItem {
                        label: rule.id.clone(),
                        kind: Some(CompletionItemKind::CLASS),
                        detail: Some(if rule.is_requirement() {
                            "requirement".into()
                        } else {
                            "rule".into()
                        }),
                        documentation: rule.description.as_deref().map(markdown),
                        ..CompletionItem::default()
                    });
                }
            }
        }
        Slot::Given => {
            names(
                doc,
                &mut out,
                |p, s| matches!(s, Symbol::Fact(f) if !p.fact(f).derived),
            );
            out.keywords(&["not"]);
        }
        Slot::Expect => names(doc, &mut out, |p, s| match s {
            Symbol::Action(_) => true,
            Symbol::Fact(f) => p.fact(f).derived,
        }),
        Slot::ExpectWord { name } => {
            let derived = target::policies(doc)
                .find_map(|p| p.fact_id(name).map(|f| p.fact(f).derived))
                .unwrap_or(false);
            if derived {
                out.keywords(&["true", "false"]);
            } else {
                let words = crate::model::Verdict::ALL.map(|v| v.as_str());
                out.words(&words, "verdict");
            }
        }
        Slot::DefaultWord => out.words(&["permitted", "forbidden"], "default verdict"),
    }
    let edit_range = range(&doc.source, prefix, encoding);
    out.items
        .into_iter()
        .map(|mut item| {
            item.text_edit = Some(CompletionTextEdit::Edit(TextEdit::new(
                edit_range,
                item.label.clone(),
            )));
            item
        })
        .collect()
}

/// Completion items, each label once.
#[derive(Default)]
struct Items {
    items: Vec<CompletionItem>,
    seen: HashSet<String>,
}

impl Items {
    fn push(&mut self, item: CompletionItem) {
        if self.seen.insert(item.label.clone()) {
            self.items.push(item);
        }
    }

    fn keywords(&mut self, words: &[&str]) {
        self.words(words, "keyword");
    }

    fn words(&mut self, words: &[&str], detail: &str) {
        for w in words {
            self.push(CompletionItem {
                label: (*w).to_string(),
                kind: Some(CompletionItemKind::KEYWORD),
                detail: Some(detail.to_string()),
                documentation: word_description(w).map(markdown),
                ..CompletionItem::default()
            });
        }
    }
}

/// What a keyword or verdict word means, in a line.
fn word_description(word: &str) -> Option<&'static str> {
    Some(match word {
        "policy" => "the policy's title: `policy \"...\"`, before every item",
        "source" => "a citation of where the norms come from: `source \"...\"`, after `policy`",
        "fact" => "declares facts a case states: `fact NAME [: TYPE] [\"description\"]`",
        "action" => {
            "declares actions the policy decides: `action NAME [default permitted|forbidden]`"
        }
        "rule" => "a named rule: `rule NAME [overrides ...] [\"description\"]: BODY`",
        "case" => "a case block that tests the policy: `case \"name\" { given ... expect ... }`",
        "if" => "the condition under which the rule fires",
        "unless" => "the exception: the rule does not fire when it holds",
        "then" => "what the rule concludes when it fires",
        "and" => "both hold",
        "or" => "either holds",
        "not" => "negation; in a conclusion, `not A` forbids `A`",
        "is" => "an enum fact's value: `F is V`, `F is not V`",
        "in" => "an enum fact's value among several: `F in [V, ...]`",
        "may" => "a permission: `may ACTION`",
        "must" => "an obligation: `must ACTION`; `must not ACTION` is a prohibition",
        "requires" => "a necessary condition: `ACTION requires CONDITION` forbids it when unmet",
        "overrides" => "this rule is an exception to the rules named: `overrides RULE, ...`",
        "default" => "the verdict when no rule decides the action",
        "given" => "the facts of the case: `given F, not G, E = variant, N = 3`",
        "expect" => "an expected verdict: `expect ACTION is WORD`, `expect FACT is true`",
        "true" => "always holds; as a value, true",
        "false" => "never holds; as a value, false",
        "permitted" => "may be done: a permission remains, or the default permits",
        "forbidden" => "must not be done: only prohibitions remain, or the default forbids",
        "required" => "must be done: an obligation remains, and no prohibition",
        "undecided" => "no conclusion remains and the action has no default",
        "conflict" => "a prohibition remains with a permission or an obligation",
        _ => return None,
    })
}

fn markdown(text: &str) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value: text.to_string(),
    })
}

/// The facts and actions of the document's policies that `keep` keeps, in declaration
/// order.
fn names(doc: &Document, out: &mut Items, keep: impl Fn(&Policy, Symbol) -> bool) {
    for p in target::policies(doc) {
        for (f, fact) in p.facts().iter().enumerate() {
            if keep(p, Symbol::Fact(f)) {
                let kind = if fact.derived { "derived fact" } else { "fact" };
                out.push(CompletionItem {
                    label: fact.name.clone(),
                    kind: Some(CompletionItemKind::VARIABLE),
                    detail: Some(format!("{kind}: {}", fact.ty.describe())),
                    documentation: fact.description.as_deref().map(markdown),
                    ..CompletionItem::default()
                });
            }
        }
        for (a, action) in p.actions().iter().enumerate() {
            if keep(p, Symbol::Action(a)) {
                let detail = match action.default {
                    Some(d) => format!("action, default {}", d.as_str()),
                    None => "action".to_string(),
                };
                out.push(CompletionItem {
                    label: action.name.clone(),
                    kind: Some(CompletionItemKind::FUNCTION),
                    detail: Some(detail),
                    documentation: action.description.as_deref().map(markdown),
                    ..CompletionItem::default()
                });
            }
        }
    }
}

fn variant_item(p: &Policy, f: usize, v: &str) -> CompletionItem {
    let fact = p.fact(f);
    CompletionItem {
        label: v.to_string(),
        kind: Some(CompletionItemKind::ENUM_MEMBER),
        detail: Some(format!("variant of `{}`", fact.name)),
        documentation: fact.description.as_deref().map(markdown),
        ..CompletionItem::default()
    }
}
