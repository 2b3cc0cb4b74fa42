//! Synthetic policies and cases, for benchmarks and scale tests.
//!
//! [`policy`] writes a policy of about `n` rules built like a large real one: modules of
//! five actions, each decided by about five rules over the module's own facts (bool, enum
//! and integer), a few facts shared by every module, derived facts (per module and shared),
//! exceptions written as `overrides`, and requirements. The text always checks clean; the
//! analysis finds the usual mix of conflicts, shadowed and redundant rules in it.
//! [`cases`] draws valid cases of any policy, [`case_json`] writes one as a JSON line.
//! [`shapes`] writes the shapes real policies take at scale, one at a time: many
//! exceptions to one rule, long chains, wide enums.

mod edit;
pub mod shapes;

pub use edit::{edit_rules, module_of, module_policy};

use crate::model::{Case, FactType, PartialCase, Policy, Value};
use std::fmt::Write;

/// A small deterministic generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True with probability `percent / 100`.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Rules per module: five actions of about five rules each.
const MODULE_RULES: usize = 25;

/// A policy of about `rules` rules (at least one module), the same text for the same seed.
pub fn policy(rules: usize, seed: u64) -> String {
    let mut g = Rng::new(seed);
    let modules = rules.div_ceil(MODULE_RULES).max(1);
    let mut s = String::with_capacity(rules * 120);
    let _ = writeln!(s, "policy \"Synthetic policy, {modules} modules\"");
    s.push_str("fact emergency, audited\nfact region: north | south | east | west\n");
    s.push_str("fact escalated\n");
    s.push_str("rule escalation: if emergency and region in [north, east] then escalated\n");
    s.push_str("rule escalation_audit: if audited and not emergency then escalated\n");
    let mut made = 2;
    for m in 0..modules {
        let want = rules.saturating_sub(made).clamp(1, MODULE_RULES);
        made += module(&mut s, &mut g, m, want);
    }
    s
}

/// One module: its facts, a derived fact, five actions and about `want` rules.
fn module(s: &mut String, g: &mut Rng, m: usize, want: usize) -> usize {
    let _ = writeln!(
        s,
        "\n# module {m}\nfact m{m}_a, m{m}_b, m{m}_c, m{m}_d, m{m}_e, m{m}_f"
    );
    let _ = writeln!(s, "fact m{m}_kind: k0 | k1 | k2 | k3");
    let _ = writeln!(s, "fact m{m}_level: 0..100");
    let _ = writeln!(s, "fact m{m}_ready");
    let _ = writeln!(
        s,
        "rule m{m}_readiness: if m{m}_a and m{m}_level >= 20 then m{m}_ready"
    );
    let mut made = 1;
    for x in 0..5 {
        let default = match g.below(3) {
            0 => " default forbidden",
            1 => " default permitted",
            _ => "",
        };
        let _ = writeln!(s, "action m{m}_x{x}{default}");
    }
    let per_action = (want.saturating_sub(made)).div_ceil(5).max(1);
    // Per action: the rules concluding on it so far, and whether each forbids.
    let mut sides: Vec<Vec<(String, bool)>> = vec![Vec::new(); 5];
    for x in 0..5 {
        if made >= want {
            break;
        }
        let n = per_action.min(want - made);
        for i in 0..n {
            let name = format!("m{m}_x{x}_r{i}");
            let requirement = i > 0 && g.chance(12);
            let (concl, forbids, also) = match g.below(10) {
                _ if requirement => (String::new(), true, None),
                0..=3 => (format!("may m{m}_x{x}"), false, None),
                4..=5 => (format!("must m{m}_x{x}"), false, None),
                6..=8 => (format!("must not m{m}_x{x}"), true, None),
                _ => (
                    format!("may m{m}_x{x}, must m{m}_x{}", (x + 1) % 5),
                    false,
                    Some((x + 1) % 5),
                ),
            };
            // Most rules that contradict earlier ones are written as their exceptions; the
            // rest are left to conflict, or override some earlier rule at random.
            let against: Vec<&str> = sides[x]
                .iter()
                .filter(|(_, f)| *f != forbids)
                .map(|(n, _)| n.as_str())
                .collect();
            let over = if !against.is_empty() && g.chance(85) {
                format!(" overrides {}", against.join(", "))
            } else if i > 0 && g.chance(20) {
                format!(" overrides m{m}_x{x}_r{}", g.below(i as u64))
            } else {
                String::new()
            };
            sides[x].push((name.clone(), forbids));
            if let Some(y) = also {
                sides[y].push((name.clone(), false));
            }
            if requirement {
                let _ = writeln!(s, "rule {name}{over}: m{m}_x{x} requires {}", cond(g, m));
            } else {
                let unless = if g.chance(25) {
                    format!(" unless {}", atom(g, m))
                } else {
                    String::new()
                };
                let _ = writeln!(
                    s,
                    "rule {name}{over}: if {}{unless} then {concl}",
                    cond(g, m)
                );
            }
            made += 1;
        }
    }
    made
}

/// A condition of one to three atoms.
fn cond(g: &mut Rng, m: usize) -> String {
    let a = atom(g, m);
    match g.below(4) {
        0 => a,
        1 => format!("{a} and {}", atom(g, m)),
        2 => format!("{a} and ({} or {})", atom(g, m), atom(g, m)),
        _ => format!("({a} or {}) and not {}", atom(g, m), atom(g, m)),
    }
}

fn atom(g: &mut Rng, m: usize) -> String {
    const BOOLS: [&str; 6] = ["a", "b", "c", "d", "e", "f"];
    match g.below(12) {
        0..=4 => format!("m{m}_{}", BOOLS[g.below(6) as usize]),
        5 => format!("m{m}_kind is k{}", g.below(4)),
        6 => format!("m{m}_kind in [k{}, k{}]", g.below(2), 2 + g.below(2)),
        7 => format!("m{m}_level > {}", g.below(100)),
        8 => format!("m{m}_level <= {}", g.below(100)),
        9 => format!("m{m}_ready"),
        10 => "escalated".to_string(),
        _ => match g.below(3) {
            0 => "emergency".to_string(),
            1 => "region is south".to_string(),
            _ => "not audited".to_string(),
        },
    }
}

/// `n` valid cases of a policy: every input fact drawn from its type.
pub fn cases(policy: &Policy, n: usize, seed: u64) -> Vec<Case> {
    let mut g = Rng::new(seed);
    (0..n)
        .map(|_| Case {
            values: policy
                .facts()
                .iter()
                .map(|f| match &f.ty {
                    _ if f.derived => Value::Bool(false),
                    FactType::Bool => Value::Bool(g.chance(50)),
                    FactType::Enum(vs) => Value::Enum(g.below(vs.len() as u64) as u32),
                    FactType::Int { lo, hi } => {
                        let span = (*hi as i128 - *lo as i128 + 1).min(u64::MAX as i128) as u64;
                        Value::Int((*lo as i128 + g.below(span) as i128) as i64)
                    }
                })
                .collect(),
        })
        .collect()
}

/// `n` partial cases of a policy: the cases of [`cases`], each input fact kept with
/// probability `given_percent` and unknown otherwise.
pub fn partial_cases(policy: &Policy, n: usize, seed: u64, given_percent: u64) -> Vec<PartialCase> {
    let mut g = Rng::new(seed ^ 0x9e37_79b9);
    cases(policy, n, seed)
        .into_iter()
        .map(|c| PartialCase {
            values: c
                .values
                .iter()
                .zip(policy.facts())
                .map(|(&v, f)| (!f.derived && g.chance(given_percent)).then_some(v))
                .collect(),
        })
        .collect()
}

/// A case as one JSON object on one line, input facts in declaration order.
pub fn case_json(policy: &Policy, case: &Case) -> String {
    let mut s = String::from("{");
    for f in policy.input_facts() {
        if s.len() > 1 {
            s.push(',');
        }
        let _ = write!(s, "\"{}\":", policy.fact(f).name);
        match (case.values[f], &policy.fact(f).ty) {
            (Value::Bool(b), _) => {
                let _ = write!(s, "{b}");
            }
            (Value::Enum(v), FactType::Enum(vs)) => {
                let _ = write!(s, "\"{}\"", vs[v as usize]);
            }
            (Value::Int(i), _) => {
                let _ = write!(s, "{i}");
            }
            (Value::Enum(v), _) => {
                let _ = write!(s, "{v}");
            }
        }
    }
    s.push('}');
    s
}

#[cfg(test)]
mod tests {
    use super::{case_json, cases, policy};
    use crate::model::Policy;

    #[test]
    fn generated_policies_check_clean_and_have_about_the_rules_asked() {
        for n in [1, 10, 25, 100, 1000] {
            let text = policy(n, 7);
            let p = Policy::parse("synth.policy", text.clone())
                .unwrap_or_else(|f| panic!("{f}\n{:?}\n{text}", f.diagnostics));
            assert!(
                p.rules().len() >= n && p.rules().len() <= n + 8,
                "{n} rules asked, {} made",
                p.rules().len()
            );
            assert_eq!(policy(n, 7), text, "deterministic");
        }
    }

    #[test]
    fn generated_cases_are_valid_json_cases() {
        let p = Policy::parse("synth.policy", policy(100, 1)).unwrap();
        for case in cases(&p, 50, 2) {
            let json = case_json(&p, &case);
            let back = crate::model::case_from_json(&p, &json).unwrap();
            assert_eq!(back, case);
        }
    }
}
