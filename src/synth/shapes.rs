//! Policies of one shape each, at any size, for the benchmarks that keep the analysis and
//! the other commands free of cliffs: each shape is one a real policy takes when it grows.

use super::Rng;
use std::fmt::Write;

/// One `must not` and `n` exceptions to it, each a permission on its own fact.
pub fn exceptions_to_one_rule(n: usize) -> String {
    let mut s = String::from("fact base_applies\naction act\n");
    s.push_str("rule base: if base_applies then must not act\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "fact f{i}\nrule r{i} overrides base: if f{i} then may act"
        );
    }
    s
}

/// A chain of `n` exceptions on one action, each overriding the one before and saying the
/// opposite of it.
pub fn exception_chain(n: usize) -> String {
    let mut s =
        String::from("action act default forbidden\nfact f0\nrule r0: if f0 then must not act\n");
    for i in 1..n {
        let concl = if i % 2 == 1 { "may" } else { "must not" };
        let _ = writeln!(
            s,
            "fact f{i}\nrule r{i} overrides r{}: if f{i} then {concl} act",
            i - 1
        );
    }
    s
}

/// Derived facts in a chain of `n` steps from one input fact, and an action at its end.
pub fn derived_chain(n: usize) -> String {
    let mut s = String::from("fact x0\naction act\nrule d1_from_x0: if x0 then d1\n");
    for i in 1..n {
        let _ = writeln!(
            s,
            "fact d{i}\nrule d{}_from_d{i}: if d{i} then d{}",
            i + 1,
            i + 1
        );
    }
    let _ = writeln!(s, "fact d{n}\nrule act_at_the_end: if d{n} then must act");
    s
}

/// `rules` rules on one action over `facts` bool facts, each `if f_i and f_j then may act`
/// or `... must not act`, `overrides_percent` of them overriding an earlier rule.
pub fn many_rules_one_action(
    rules: usize,
    facts: usize,
    overrides_percent: u64,
    seed: u64,
) -> String {
    let mut g = Rng::new(seed);
    let mut s = String::from("action act\n");
    let names: Vec<String> = (0..facts.max(2)).map(|i| format!("f{i}")).collect();
    let _ = writeln!(s, "fact {}", names.join(", "));
    for r in 0..rules {
        let i = g.below(names.len() as u64) as usize;
        let j = (i + 1 + g.below(names.len() as u64 - 1) as usize) % names.len();
        let concl = if g.chance(50) { "may" } else { "must not" };
        let over = if r > 0 && g.chance(overrides_percent) {
            format!(" overrides r{}", g.below(r as u64))
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "rule r{r}{over}: if {} and {} then {concl} act",
            names[i], names[j]
        );
    }
    s
}

/// `n` rules on one action, each overriding two earlier ones: a deep `overrides` graph.
pub fn override_dag(n: usize, seed: u64) -> String {
    let mut g = Rng::new(seed);
    let mut s = String::from("action act\n");
    for r in 0..n {
        let concl = if g.chance(50) { "may" } else { "must not" };
        let over = match r {
            0 => String::new(),
            1 => " overrides r0".to_string(),
            _ => {
                let a = g.below(r as u64);
                let b = (a + 1 + g.below(r as u64 - 1)) % r as u64;
                format!(" overrides r{a}, r{b}")
            }
        };
        let _ = writeln!(s, "fact f{r}\nrule r{r}{over}: if f{r} then {concl} act");
    }
    s
}

/// One permission and `n` requirements on the same action.
pub fn many_requirements(n: usize) -> String {
    let mut s = String::from("action act\nfact wanted\nrule wish: if wanted then may act\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "fact need{i}\nrule needs{i}: act requires need{i} or not wanted"
        );
    }
    s
}

/// An enum of `variants` variants, and a rule per variant.
pub fn wide_enum(variants: usize) -> String {
    let names: Vec<String> = (0..variants.max(2)).map(|i| format!("v{i}")).collect();
    let mut s = format!("fact kind: {}\n", names.join(" | "));
    for (i, v) in names.iter().enumerate() {
        let concl = if i % 2 == 0 { "may" } else { "must not" };
        let _ = writeln!(
            s,
            "action a{i}\nrule r{i}: if kind is {v} then {concl} a{i}"
        );
    }
    s
}

/// A small policy followed by `n` case blocks of one line each.
pub fn case_blocks(n: usize) -> String {
    let mut s =
        String::from("fact a, b\nfact n: 0..100\naction x\nrule r: if a and n > 3 then may x\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "case \"c{i}\" {{ given a, n = {} expect x is permitted }}",
            4 + i % 90
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{
        case_blocks, derived_chain, exception_chain, exceptions_to_one_rule, many_requirements,
        many_rules_one_action, override_dag, wide_enum,
    };
    use crate::model::Policy;

    #[test]
    fn every_shape_checks_clean() {
        for text in [
            exceptions_to_one_rule(20),
            exception_chain(20),
            derived_chain(20),
            many_rules_one_action(50, 8, 20, 1),
            override_dag(30, 2),
            many_requirements(10),
            wide_enum(70),
            case_blocks(10),
        ] {
            Policy::parse("shape.policy", text.as_str()).unwrap_or_else(|f| panic!("{f}\n{text}"));
        }
    }
}
