//! The compiled evaluator against a direct reading of section 8 of `docs/language.md`, on
//! policies whose actions
//! have more conclusions than one mask word holds.

use super::*;
use crate::model::{DefaultVerdict, Modality, Target};

/// Steps 3 to 6 as `docs/language.md` words them, on an outcome's firings.
fn naive(p: &Policy, a: usize, fired: &[bool]) -> (Verdict, Vec<RuleId>) {
    let mut k: Vec<(RuleId, Modality)> = Vec::new();
    for (r, rule) in p.rules().iter().enumerate().filter(|(r, _)| fired[*r]) {
        for c in &rule.conclusions {
            if let Target::Action(x, m) = c.target
                && x == a
            {
                k.push((r, m));
            }
        }
    }
    let mut kept: Vec<(RuleId, Modality)> = k
        .iter()
        .copied()
        .filter(|&(r, _)| !k.iter().any(|&(w, _)| p.overrides(w, r)))
        .collect();
    if kept.iter().any(|&(r, _)| p.rules()[r].is_requirement()) {
        kept.retain(|&(_, m)| m != Modality::May);
    }
    let has = |m| kept.iter().any(|&(_, x)| x == m);
    let verdict = if kept.is_empty() {
        match p.actions()[a].default {
            Some(DefaultVerdict::Permitted) => Verdict::Permitted,
            Some(DefaultVerdict::Forbidden) => Verdict::Forbidden,
            None => Verdict::Undecided,
        }
    } else if has(Modality::MustNot) && (has(Modality::May) || has(Modality::Must)) {
        Verdict::Conflict
    } else if has(Modality::Must) {
        Verdict::Required
    } else if has(Modality::May) {
        Verdict::Permitted
    } else {
        Verdict::Forbidden
    };
    let mut by: Vec<RuleId> = kept.iter().map(|&(r, _)| r).collect();
    by.dedup();
    (verdict, by)
}

/// A policy with one action decided by `n` rules: overrides in chains, requirements,
/// every modality, and a derived fact.
fn wide(n: usize) -> String {
    let mut s = String::from(
        "fact d\nfact level: 0..20\nfact kind: a | b | c\naction x default permitted\naction y\n",
    );
    for i in 0..n {
        s.push_str(&format!("fact f{i}\n"));
    }
    s.push_str("rule derive: if f0 and level > 3 then d\n");
    for i in 0..n {
        let concl = match i % 5 {
            _ if i % 13 == 6 => "may x, must x, may x, may y",
            _ if i % 13 == 7 => "must y, must y",
            0 => "may x",
            1 => "must x, may y",
            2 => "must not x",
            3 => "may x, must y",
            _ => "must not y",
        };
        let over = if i % 7 > 0 && i > 0 {
            format!(" overrides r{}", i - 1)
        } else {
            String::new()
        };
        if i % 11 == 4 {
            s.push_str(&format!(
                "rule r{i}{over}: x requires f{i} or level < {}\n",
                i % 20
            ));
        } else {
            s.push_str(&format!(
                "rule r{i}{over}: if f{i} or (d and kind in [a, c]) unless level = {} then {concl}\n",
                i % 20
            ));
        }
    }
    s
}

#[test]
fn wide_actions_match_the_language_reference() {
    for n in [3, 63, 64, 65, 130, 300] {
        let p = Policy::parse("wide.policy", wide(n)).unwrap();
        let mut ev = Evaluator::new(&p);
        let mut seed = 0x9e37_79b9_7f4a_7c15u64 ^ n as u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..200 {
            let bits = next();
            let mut b = p.case();
            for i in 0..n {
                // Sparse and dense cases both.
                let on = if bits & 1 == 0 {
                    next() % 8 == 0
                } else {
                    next() % 2 == 0
                };
                b = b.set(&format!("f{i}"), on);
            }
            let case = b
                .set("level", (next() % 21) as i64)
                .set("kind", ["a", "b", "c"][(next() % 3) as usize])
                .build()
                .unwrap();
            ev.evaluate(&case);
            let out = ev.outcome();
            for a in 0..p.actions().len() {
                let (v, by) = naive(&p, a, &out.fired);
                assert_eq!(ev.verdict(a), v, "n = {n}, action {a}");
                let got: Vec<RuleId> = ev.by(a).iter().map(|&r| r as RuleId).collect();
                assert_eq!(got, by, "n = {n}, action {a}");
            }
        }
    }
}
