//! Random small policies for the brute-force reference tests: four bool facts `a`..`d`,
//! an enum `e` (`lo | mid | hi`), an integer `n` (0..4), up to two derived facts and a few
//! actions, with overrides, requirements and defaults; and every one of their 240 cases.

#![allow(dead_code)]

use deontic::model::Value;
use deontic::{Case, Policy};
use proptest::prelude::*;

pub const BOOLS: [&str; 4] = ["a", "b", "c", "d"];
pub const VARIANTS: [&str; 3] = ["lo", "mid", "hi"];

/// A random condition over the facts `a`..`d`, `e` (an enum) and `n` (0..4), and the
/// derived facts `d1` and `d2` (`d2` may read `d1`).
pub fn expr(derived: usize) -> BoxedStrategy<String> {
    let mut atoms: Vec<BoxedStrategy<String>> = vec![
        prop::sample::select(BOOLS.to_vec())
            .prop_map(str::to_string)
            .boxed(),
        prop::sample::select(VARIANTS.to_vec())
            .prop_flat_map(|v| {
                prop::sample::select(vec![
                    format!("e is {v}"),
                    format!("e is not {v}"),
                    format!("e in [{v}, lo]"),
                    format!("e not in [{v}]"),
                ])
            })
            .boxed(),
        (
            prop::sample::select(vec!["=", "!=", "<", "<=", ">", ">="]),
            -1i64..6,
        )
            .prop_map(|(op, k)| format!("n {op} {k}"))
            .boxed(),
        Just("true".to_string()).boxed(),
    ];
    if derived > 0 {
        atoms.push(
            prop::sample::select((1..=derived).map(|i| format!("d{i}")).collect::<Vec<_>>())
                .boxed(),
        );
    }
    let atom = prop::strategy::Union::new(atoms).boxed();
    atom.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| format!("not ({x})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x} and {y})")),
            (inner.clone(), inner).prop_map(|(x, y)| format!("({x} or {y})")),
        ]
    })
    .boxed()
}

/// The text of a random policy: facts, two or three actions, a derived fact or two, and
/// four to seven rules with overrides and requirements.
pub fn policy_text() -> impl Strategy<Value = String> {
    let defaults = prop::collection::vec(0..3u8, 3);
    let rules = prop::collection::vec(
        (
            0..4u8,                    // kind: may, must, must not, requirement
            0..3usize,                 // action
            expr(2),                   // if
            prop::option::of(expr(2)), // unless
            prop::option::of(0..8usize),
        ),
        4..8,
    );
    (defaults, 2..4usize, rules, expr(0), expr(1)).prop_map(|(defaults, actions, rules, e1, e2)| {
        let mut t =
            String::from("fact a, b, c, d\nfact e: lo | mid | hi\nfact n: 0..4\nfact d1, d2\n");
        for (i, d) in defaults.iter().take(actions).enumerate() {
            let default = ["", " default permitted", " default forbidden"][*d as usize];
            t.push_str(&format!("action x{i}{default}\n"));
        }
        t.push_str(&format!("rule deriving1: if {e1} then d1\n"));
        t.push_str(&format!("rule deriving2: if {e2} then d2\n"));
        for (i, (kind, action, when, unless, over)) in rules.iter().enumerate() {
            let a = action % actions;
            let overrides = match over {
                Some(o) if o % (i + 1) != i && *o < i => format!(" overrides r{o}"),
                _ => String::new(),
            };
            let body = match kind {
                3 => format!("x{a} requires {when}"),
                k => {
                    let m = ["may", "must", "must not"][*k as usize];
                    let unless = unless
                        .as_ref()
                        .map(|u| format!(" unless {u}"))
                        .unwrap_or_default();
                    format!("if {when}{unless} then {m} x{a}")
                }
            };
            t.push_str(&format!("rule r{i}{overrides}: {body}\n"));
        }
        t
    })
}

/// The facts of every case: `a`..`d`, `e`, `n`.
pub fn inputs(p: &Policy) -> Vec<usize> {
    ["a", "b", "c", "d", "e", "n"]
        .iter()
        .map(|n| p.fact_id(n).unwrap())
        .collect()
}

pub fn value(fact: usize, v: u8) -> Value {
    match fact {
        0..=3 => Value::Bool(v % 2 == 1),
        4 => Value::Enum(u32::from(v % 3)),
        _ => Value::Int(i64::from(v % 5)),
    }
}

/// Every full case, as the value index of each input fact.
pub fn all_cases() -> Vec<[u8; 6]> {
    let mut out = Vec::new();
    for bits in 0..16u8 {
        for e in 0..3u8 {
            for n in 0..5u8 {
                out.push([
                    bits & 1,
                    (bits >> 1) & 1,
                    (bits >> 2) & 1,
                    (bits >> 3) & 1,
                    e,
                    n,
                ]);
            }
        }
    }
    out
}

pub fn full_case(p: &Policy, ids: &[usize], c: &[u8; 6]) -> Case {
    let mut values = vec![Value::Bool(false); p.facts().len()];
    for (k, &f) in ids.iter().enumerate() {
        values[f] = value(k, c[k]);
    }
    Case { values }
}
