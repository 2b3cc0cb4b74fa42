//! What a client is told about a policy before it asks anything: its facts with their types
//! and descriptions, its actions with their defaults, and the language its descriptions are
//! written in.

use crate::model::{Fact, FactType, Policy};
use serde_json::{Value as J, json};

/// The facts, derived facts and actions of a policy, as the listing shows them.
pub(super) fn vocabulary(policy: &Policy) -> serde_json::Map<String, J> {
    let facts: Vec<J> = policy
        .input_facts()
        .map(|f| fact_json("name", policy.fact(f)))
        .collect();
    let derived: Vec<J> = policy
        .derived_facts()
        .map(|f| {
            let fact = policy.fact(f);
            json!({"name": fact.name, "description": fact.description})
        })
        .collect();
    let actions: Vec<J> = policy
        .actions()
        .iter()
        .map(|a| {
            json!({
                "name": a.name,
                "default": a.default.map(|d| d.as_str()),
                "description": a.description,
            })
        })
        .collect();
    let mut map = serde_json::Map::new();
    map.insert("language".into(), language(policy).into());
    map.insert("facts".into(), facts.into());
    map.insert("derived".into(), derived.into());
    map.insert("actions".into(), actions.into());
    map
}

/// An input fact for a client: its name under `key`, its type (with its variants, or its
/// bounds) and its description.
pub(super) fn fact_json(key: &str, fact: &Fact) -> J {
    let mut j = json!({ key: fact.name, "type": type_word(&fact.ty) });
    match &fact.ty {
        FactType::Bool => {}
        FactType::Enum(variants) => j["values"] = json!(variants),
        FactType::Int { lo, hi } => {
            j["min"] = json!(lo);
            j["max"] = json!(hi);
        }
    }
    j["description"] = json!(fact.description);
    j
}

/// A fact type's word in the listing: `bool`, `enum` or `int`.
fn type_word(ty: &FactType) -> &'static str {
    match ty {
        FactType::Bool => "bool",
        FactType::Enum(_) => "enum",
        FactType::Int { .. } => "int",
    }
}

/// Words common in Dutch prose and rare in English, and the other way round.
const DUTCH: &[&str] = &[
    "de", "het", "een", "en", "van", "is", "niet", "op", "voor", "met", "als", "zijn", "wordt",
    "er", "te", "aan", "bij", "ook", "dat", "die", "naar", "geen", "wel", "kan", "moet",
];
const ENGLISH: &[&str] = &[
    "the", "a", "an", "and", "of", "is", "not", "on", "for", "with", "if", "are", "be", "to", "at",
    "by", "also", "that", "which", "no", "can", "must", "has", "was", "or",
];

/// The language of a policy's descriptions (title, facts, actions, rules): `nl` when they
/// read as Dutch, else `en`. A web page shows its own words in it.
pub fn language(policy: &Policy) -> &'static str {
    let mut texts: Vec<&str> = policy.title().into_iter().collect();
    texts.extend(
        policy
            .facts()
            .iter()
            .filter_map(|f| f.description.as_deref()),
    );
    texts.extend(
        policy
            .actions()
            .iter()
            .filter_map(|a| a.description.as_deref()),
    );
    texts.extend(
        policy
            .rules()
            .iter()
            .filter_map(|r| r.description.as_deref()),
    );
    language_of(texts)
}

/// The language of some texts: `nl` when they read as Dutch, else `en`.
pub fn language_of<'a>(texts: impl IntoIterator<Item = &'a str>) -> &'static str {
    let (mut nl, mut en) = (0usize, 0usize);
    for word in texts
        .into_iter()
        .flat_map(|t| t.split(|c: char| !c.is_alphabetic()))
        .filter(|w| !w.is_empty())
    {
        let word = word.to_lowercase();
        nl += usize::from(DUTCH.contains(&word.as_str()));
        en += usize::from(ENGLISH.contains(&word.as_str()));
    }
    if nl > en { "nl" } else { "en" }
}
