//! Differential test of `deontic diff` (`deontic::analysis::diff`) against a brute-force
//! reference of section 8 of the contract, written here on the test's own data structures.
//!
//! A random small policy (`tests/random_policies/`) and a mutation of it (one to three of:
//! a flipped modality, a requirement written as a prohibition, a changed number, a changed
//! default, a dropped rule or override, two facts swapped in a rule, a fact renamed, added
//! or given another kind of type, a variant added or dropped, a range changed, the layout
//! changed) are rendered and parsed by the crate. The reference pairs the two versions'
//! input facts by name as the contract says (same kind or `incomparable-fact`; enum
//! variants and integer ranges intersected; a fact of one side, or derived on the other,
//! read by one side only), enumerates every diff case, evaluates both versions with
//! `Policy::evaluate` and collects every transition of the actions of both and the facts
//! derived in both. The engine must report exactly those, in the contract's order, and
//! each witness must be a diff case that reproduces its transition and its `by` lists,
//! with as few bool facts true as any case of that transition, and a `case` block that,
//! pasted into the new version, passes `deontic test`.

mod random_policies;

use deontic::analysis::{Diff, Transition, Word, diff};
use deontic::{Code, Literal, Policy, Verdict};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use random_policies::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

// ------------------------------------------------------------------ mutations

/// What a mutation does; the numbers pick where.
#[derive(Clone, Debug)]
enum Mutation {
    FlipModality(u8, u8),
    ChangeNumber(u8, bool),
    ChangeDefault(u8),
    DropRule(u8),
    DropOverride(u8, u8),
    SwapFacts(u8, u8, u8),
    RenameFact(u8),
    AddFact(u8, bool),
    RetypeFact(u8),
    AddVariant,
    DropVariant,
    ChangeRange(u8),
    Layout,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (0u8..13, any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(k, x, y, z)| match k {
        0 => Mutation::FlipModality(x, y),
        1 => Mutation::ChangeNumber(x, y % 2 == 0),
        2 => Mutation::ChangeDefault(x),
        3 => Mutation::DropRule(x),
        4 => Mutation::DropOverride(x, y),
        5 => Mutation::SwapFacts(x, y, z),
        6 => Mutation::RenameFact(x),
        7 => Mutation::AddFact(x, y % 2 == 0),
        8 => Mutation::RetypeFact(x),
        9 => Mutation::AddVariant,
        10 => Mutation::DropVariant,
        11 => Mutation::ChangeRange(x),
        _ => Mutation::Layout,
    })
}

/// Calls `f` on every expression of a rule.
fn rule_exprs(r: &mut Rule, f: &mut impl FnMut(&mut Expr)) {
    match &mut r.body {
        Body::Cond { when, unless, .. } => when.iter_mut().chain(unless).for_each(&mut *f),
        Body::Req { cond, .. } => f(cond),
    }
}

/// Calls `f` on every expression of every rule.
fn each_expr(spec: &mut Spec, f: &mut impl FnMut(&mut Expr)) {
    for r in &mut spec.rules {
        rule_exprs(r, f);
    }
}

/// Calls `f` on every atom of an expression.
fn each_atom(e: &mut Expr, f: &mut impl FnMut(&mut Expr)) {
    match e {
        Expr::Not(x) => each_atom(x, f),
        Expr::And(a, b) | Expr::Or(a, b) => {
            each_atom(a, f);
            each_atom(b, f);
        }
        atom => f(atom),
    }
}

fn input_bools(spec: &Spec) -> Vec<String> {
    spec.inputs
        .iter()
        .filter(|(_, t)| *t == Ty::Bool)
        .map(|(n, _)| n.clone())
        .collect()
}

/// Whether a conclusion of a rule clashes with another of the same rule on one action.
fn clashes(concl: &[Concl]) -> bool {
    concl.iter().enumerate().any(|(i, a)| {
        concl[i + 1..].iter().any(|b| match (a, b) {
            (Concl::Action(x, m1, _), Concl::Action(y, m2, _)) => {
                x == y && (m1 == m2 || m1.contradicts(*m2))
            }
            (a, b) => a == b,
        })
    })
}

fn apply(spec: &mut Spec, m: &Mutation) {
    let n_rules = spec.rules.len();
    let pick = |x: u8, n: usize| usize::from(x) % n.max(1);
    match *m {
        Mutation::FlipModality(r, c) if n_rules > 0 => {
            let rule = &mut spec.rules[pick(r, n_rules)];
            if let Body::Req { action, cond } = &rule.body {
                // The requirement as a prohibition: the same firing, without step 5.
                rule.body = Body::Cond {
                    when: Some(Expr::Not(Box::new(cond.clone()))),
                    unless: None,
                    concl: vec![Concl::Action(*action, Modality::MustNot, false)],
                };
                return;
            }
            match &mut rule.body {
                Body::Req { .. } => {}
                Body::Cond { concl, .. } => {
                    let i = pick(c, concl.len());
                    let before = concl[i];
                    if let Concl::Action(a, m, short) = before {
                        let next = match m {
                            Modality::May => Modality::Must,
                            Modality::Must => Modality::MustNot,
                            Modality::MustNot => Modality::May,
                        };
                        concl[i] = Concl::Action(a, next, short);
                        if clashes(concl) {
                            concl[i] = before;
                        }
                    }
                }
            }
        }
        Mutation::ChangeNumber(r, up) => {
            let mut seen = 0u8;
            each_expr(spec, &mut |e| {
                each_atom(e, &mut |atom| {
                    if let Expr::Cmp(_, _, k) = atom {
                        if seen == r % 4 {
                            *k += if up { 1 } else { -1 };
                        }
                        seen = seen.wrapping_add(1);
                    }
                })
            });
        }
        Mutation::ChangeDefault(a) => {
            let n = spec.actions.len();
            let d = &mut spec.actions[pick(a, n)];
            *d = match d {
                None => Some(true),
                Some(true) => Some(false),
                Some(false) => None,
            };
        }
        Mutation::DropRule(r) if n_rules > 1 => {
            let i = pick(r, n_rules);
            spec.rules.remove(i);
            for rule in &mut spec.rules {
                rule.overrides.retain(|&q| q != i);
                for q in &mut rule.overrides {
                    if *q > i {
                        *q -= 1;
                    }
                }
            }
        }
        Mutation::DropOverride(r, o) => {
            let with: Vec<usize> = (0..n_rules)
                .filter(|&i| !spec.rules[i].overrides.is_empty())
                .collect();
            if !with.is_empty() {
                let rule = &mut spec.rules[with[pick(r, with.len())]];
                let k = pick(o, rule.overrides.len());
                rule.overrides.remove(k);
            }
        }
        Mutation::SwapFacts(r, x, y) if n_rules > 0 => {
            let bools = input_bools(spec);
            if bools.len() >= 2 {
                let (a, b) = (
                    bools[pick(x, bools.len())].clone(),
                    bools[pick(y, bools.len())].clone(),
                );
                let i = pick(r, n_rules);
                rule_exprs(&mut spec.rules[i], &mut |e| {
                    each_atom(e, &mut |atom| {
                        if let Expr::Fact(n) = atom {
                            if *n == a {
                                *n = b.clone();
                            } else if *n == b {
                                *n = a.clone();
                            }
                        }
                    })
                });
            }
        }
        Mutation::RenameFact(f) => {
            let i = pick(f, spec.inputs.len());
            let old = spec.inputs[i].0.clone();
            let new = format!("{old}_renamed");
            spec.inputs[i].0 = new.clone();
            each_expr(spec, &mut |e| {
                each_atom(e, &mut |atom| match atom {
                    Expr::Fact(n) | Expr::Is(n, ..) | Expr::In(n, ..) | Expr::Cmp(n, ..)
                        if *n == old =>
                    {
                        *n = new.clone()
                    }
                    _ => {}
                })
            });
        }
        Mutation::AddFact(r, integer) if n_rules > 0 => {
            let (name, ty, atom) = if integer {
                let name = "x_level".to_string();
                let atom = Expr::Cmp(name.clone(), ">=", 1);
                (name, Ty::Int(0, 2), atom)
            } else {
                (
                    "x_flag".to_string(),
                    Ty::Bool,
                    Expr::Fact("x_flag".to_string()),
                )
            };
            if spec.inputs.iter().any(|(n, _)| *n == name) {
                return;
            }
            spec.inputs.push((name, ty));
            let i = pick(r, n_rules);
            match &mut spec.rules[i].body {
                Body::Cond { when, .. } => {
                    *when = Some(match when.take() {
                        Some(w) => Expr::And(Box::new(atom), Box::new(w)),
                        None => atom,
                    });
                }
                Body::Req { cond, .. } => {
                    *cond = Expr::Or(Box::new(atom), Box::new(cond.clone()));
                }
            }
        }
        Mutation::RetypeFact(f) => {
            let bools = input_bools(spec);
            if bools.is_empty() {
                return;
            }
            let name = bools[pick(f, bools.len())].clone();
            for (n, t) in &mut spec.inputs {
                if *n == name {
                    *t = Ty::Enum(2);
                }
            }
            each_expr(spec, &mut |e| {
                each_atom(e, &mut |atom| {
                    if matches!(atom, Expr::Fact(n) if *n == name) {
                        *atom = Expr::Is(name.clone(), 0, false);
                    }
                })
            });
        }
        Mutation::AddVariant => {
            for (_, t) in &mut spec.inputs {
                if let Ty::Enum(n) = t
                    && *n < VARIANTS.len()
                {
                    *n += 1;
                }
            }
        }
        Mutation::DropVariant => {
            let mut used = BTreeSet::new();
            each_expr(spec, &mut |e| {
                each_atom(e, &mut |atom| match atom {
                    Expr::Is(n, v, _) => {
                        used.insert((n.clone(), *v));
                    }
                    Expr::In(n, vs, _) => {
                        for v in vs {
                            used.insert((n.clone(), *v));
                        }
                    }
                    _ => {}
                })
            });
            for (name, t) in &mut spec.inputs {
                if let Ty::Enum(n) = t
                    && *n > 2
                    && !used.contains(&(name.clone(), *n - 1))
                {
                    *n -= 1;
                }
            }
        }
        Mutation::ChangeRange(x) => {
            for (_, t) in &mut spec.inputs {
                if let Ty::Int(lo, hi) = t {
                    match x % 5 {
                        0 if *lo < *hi => *lo += 1,
                        1 if *lo < *hi => *hi -= 1,
                        2 => *lo -= 1,
                        3 => *hi += 2,
                        _ => (*lo, *hi) = (*hi + 1, *hi + 2),
                    }
                }
            }
        }
        Mutation::Layout => {
            spec.header = !spec.header;
            spec.decls_last = !spec.decls_last;
        }
        _ => {}
    }
}

// ------------------------------------------------------------------ the reference

/// The values a diff case gives a fact.
fn values(ty: Ty) -> Vec<Literal> {
    match ty {
        Ty::Bool => vec![Literal::Bool(false), Literal::Bool(true)],
        Ty::Enum(n) => VARIANTS[..n]
            .iter()
            .map(|v| Literal::Variant(v.to_string()))
            .collect(),
        Ty::Int(lo, hi) => (lo..=hi).map(Literal::Int).collect(),
    }
}

fn kind(ty: Ty) -> u8 {
    match ty {
        Ty::Bool => 0,
        Ty::Enum(_) => 1,
        Ty::Int(..) => 2,
    }
}

/// The facts of a diff case, each with the values it can take.
type Facts = Vec<(String, Vec<Literal>)>;

/// The facts of the diff case, the facts that cannot be compared, and how many notes the
/// contract calls for.
fn diff_facts(old: &Spec, new: &Spec) -> (Facts, BTreeSet<String>, usize) {
    let (oi, ni) = (old.input_facts(), new.input_facts());
    let find = |list: &[(String, Ty)], n: &str| list.iter().find(|(x, _)| x == n).map(|x| x.1);
    let mut facts = Vec::new();
    let mut incomparable = BTreeSet::new();
    let mut notes = 0;
    let derived =
        |s: &Spec, n: &str| (0..s.n_derived).any(|d| format!("d{d}") == n && s.concluded(d));
    for (name, nt) in &ni {
        match find(&oi, name) {
            None => {
                notes += usize::from(derived(old, name));
                facts.push((name.clone(), values(*nt)));
            }
            Some(ot) if kind(ot) != kind(*nt) => {
                incomparable.insert(name.clone());
            }
            Some(ot) => {
                let (ov, nv) = (values(ot), values(*nt));
                let common: Vec<Literal> = nv.iter().filter(|v| ov.contains(v)).cloned().collect();
                if common.is_empty() {
                    incomparable.insert(name.clone());
                    continue;
                }
                notes += match (ot, *nt) {
                    (Ty::Enum(a), Ty::Enum(b)) => usize::from(a != b),
                    (Ty::Int(..), Ty::Int(..)) => usize::from(ot != *nt),
                    _ => 0,
                };
                facts.push((name.clone(), common));
            }
        }
    }
    for (name, ot) in &oi {
        if find(&ni, name).is_none() {
            notes += usize::from(derived(new, name));
            facts.push((name.clone(), values(*ot)));
        }
    }
    (facts, incomparable, notes)
}

/// A transition as compared: the action or fact, and the two words.
type Key = (String, String, String);

struct Expected {
    /// Per transition: the fewest bool facts true in a diff case that makes it.
    transitions: BTreeMap<Key, usize>,
    facts: Facts,
}

fn declared(spec: &Spec) -> Vec<String> {
    spec.inputs
        .iter()
        .map(|(n, _)| n.clone())
        .chain((0..spec.n_derived).map(|d| format!("d{d}")))
        .collect()
}

fn reference(
    old: &Spec,
    new: &Spec,
    old_p: &Policy,
    new_p: &Policy,
    facts: Facts,
) -> Result<Expected, TestCaseError> {
    let mut cases: Vec<Vec<(String, Literal)>> = vec![Vec::new()];
    for (name, vs) in &facts {
        cases = cases
            .into_iter()
            .flat_map(|prefix| {
                vs.iter().map(move |v| {
                    let mut c = prefix.clone();
                    c.push((name.clone(), v.clone()));
                    c
                })
            })
            .collect();
    }
    let common_actions = old.actions.len().min(new.actions.len());
    let derived_both: Vec<usize> = (0..old.n_derived.min(new.n_derived))
        .filter(|&d| old.concluded(d) && new.concluded(d))
        .collect();
    let mut transitions = BTreeMap::new();
    for case in &cases {
        let side = |p: &Policy, inputs: &[(String, Ty)]| {
            let mine: Vec<(String, Literal)> = case
                .iter()
                .filter(|(n, _)| inputs.iter().any(|(x, _)| x == n))
                .cloned()
                .collect();
            build(p, &mine)
        };
        let (oc, nc) = (
            side(old_p, &old.input_facts())?,
            side(new_p, &new.input_facts())?,
        );
        let (oo, no) = (old_p.evaluate(&oc), new_p.evaluate(&nc));
        let trues = case
            .iter()
            .filter(|(_, v)| *v == Literal::Bool(true))
            .count();
        let mut note = |key: Key| {
            let best = transitions.entry(key).or_insert(usize::MAX);
            *best = (*best).min(trues);
        };
        for a in 0..common_actions {
            let name = format!("a{a}");
            let (f, t) = (oo.verdict_of(&name).unwrap(), no.verdict_of(&name).unwrap());
            if f != t {
                note((name, f.as_str().into(), t.as_str().into()));
            }
        }
        for &d in &derived_both {
            let name = format!("d{d}");
            let (f, t) = (oo.derived(&name).unwrap(), no.derived(&name).unwrap());
            if f != t {
                note((name, f.word().into(), t.word().into()));
            }
        }
    }
    Ok(Expected { transitions, facts })
}

// ------------------------------------------------------------------ the comparison

static SEEN: Mutex<BTreeMap<&'static str, usize>> = Mutex::new(BTreeMap::new());

fn seen(what: &'static str) {
    *SEEN.lock().unwrap().entry(what).or_default() += 1;
}

fn order_of(word: &str) -> usize {
    [
        "permitted",
        "forbidden",
        "required",
        "undecided",
        "conflict",
        "false",
        "true",
    ]
    .iter()
    .position(|w| *w == word)
    .unwrap_or(usize::MAX)
}

/// Checks one transition's witness against both versions, and its case block.
fn check_witness<W: Word>(
    name: &str,
    t: &Transition<W>,
    ex: &Expected,
    specs: (&Spec, &Spec),
    policies: (&Policy, &Policy),
    new_text: &str,
) -> Result<(), TestCaseError> {
    let witness: Vec<(String, Literal)> = t.witness.to_vec();
    let names: BTreeSet<&str> = witness.iter().map(|(n, _)| n.as_str()).collect();
    let want: BTreeSet<&str> = ex.facts.iter().map(|(n, _)| n.as_str()).collect();
    prop_assert_eq!(names, want, "the witness gives every fact of the diff case");
    for (n, v) in &witness {
        let allowed = &ex.facts.iter().find(|(x, _)| x == n).unwrap().1;
        prop_assert!(
            allowed.contains(v),
            "`{n}` = {v:?} is not a value of the diff case"
        );
    }
    let key = (
        name.to_string(),
        t.from.word().to_string(),
        t.to.word().to_string(),
    );
    let trues = witness
        .iter()
        .filter(|(_, v)| *v == Literal::Bool(true))
        .count();
    prop_assert_eq!(
        trues,
        ex.transitions[&key],
        "{:?}: the witness sets more bool facts than it must: {:?}",
        key,
        witness
    );
    for (side, spec, policy, word, by) in [
        ("old", specs.0, policies.0, t.from, &t.old_by),
        ("new", specs.1, policies.1, t.to, &t.new_by),
    ] {
        let inputs = spec.input_facts();
        let mine: Vec<(String, Literal)> = witness
            .iter()
            .filter(|(n, _)| inputs.iter().any(|(x, _)| x == n))
            .cloned()
            .collect();
        let out = policy.evaluate(&build(policy, &mine)?);
        let (got, got_by): (String, Vec<String>) = if name.starts_with('a') {
            let by = out
                .by_of(name)
                .unwrap()
                .into_iter()
                .map(str::to_string)
                .collect();
            (out.verdict_of(name).unwrap().as_str().to_string(), by)
        } else {
            let f = policy.fact_id(name).unwrap();
            let by = policy
                .rules_deriving(f)
                .iter()
                .filter(|&&r| out.fired[r])
                .map(|&r| policy.rule(r).id.clone())
                .collect();
            (out.derived(name).unwrap().word().to_string(), by)
        };
        prop_assert_eq!(
            got.as_str(),
            word.word(),
            "{} version on {:?}",
            side,
            witness
        );
        let ids: Vec<String> = by.iter().map(|r| r.id.clone()).collect();
        prop_assert_eq!(ids, got_by, "{} `by` of {}", side, name);
    }
    // The case block, pasted into the new version, passes.
    let pasted = format!("{new_text}\n{}\n", t.case_block);
    let p = Policy::parse("pasted.policy", pasted.clone())
        .map_err(|f| TestCaseError::fail(format!("{f}\n{pasted}")))?;
    let block = p.cases().last().unwrap();
    let run = deontic::testing::run_case(&p, block);
    prop_assert!(
        run.misses.is_empty(),
        "the case block fails: {:?}\n{}",
        run.misses,
        pasted
    );
    Ok(())
}

fn check(old: &Spec, mutations: &[Mutation]) -> Result<(), TestCaseError> {
    let mut new = old.clone();
    for m in mutations {
        apply(&mut new, m);
    }
    let (old_text, _) = old.render(None);
    let (new_text, _) = new.render(None);
    let old_p = Policy::parse("old.policy", old_text.clone())
        .map_err(|f| TestCaseError::fail(format!("{f}\n{old_text}")))?;
    let Ok(new_p) = Policy::parse("new.policy", new_text.clone()) else {
        // A mutation that breaks the policy (a derivation cycle, say) tests nothing here.
        seen("(mutations that do not check)");
        return Ok(());
    };
    let d: Diff = diff(&old_p, &new_p).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let context = format!("--- old\n{old_text}--- new\n{new_text}");
    prop_assert!(
        d.internal_errors.is_empty(),
        "{:?}\n{}",
        d.internal_errors,
        context
    );
    let (facts, incomparable, notes) = diff_facts(old, &new);
    // Names added and removed.
    let (od, nd) = (declared(old), declared(&new));
    let only = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter().filter(|n| !b.contains(n)).cloned().collect()
    };
    prop_assert_eq!(&d.added_facts, &only(&nd, &od), "added facts\n{}", context);
    prop_assert_eq!(
        &d.removed_facts,
        &only(&od, &nd),
        "removed facts\n{}",
        context
    );
    let actions = |s: &Spec| {
        (0..s.actions.len())
            .map(|a| format!("a{a}"))
            .collect::<Vec<_>>()
    };
    let (oa, na) = (actions(old), actions(&new));
    prop_assert_eq!(&d.added_actions, &only(&na, &oa));
    prop_assert_eq!(&d.removed_actions, &only(&oa, &na));
    if !incomparable.is_empty() {
        seen("incomparable");
        let got: BTreeSet<String> = d
            .diagnostics
            .iter()
            .map(|x| {
                assert_eq!(x.diagnostic.code, Code::IncomparableFact);
                x.diagnostic.name.clone().unwrap()
            })
            .collect();
        prop_assert_eq!(got, incomparable, "{}", context);
        prop_assert!(d.actions.is_empty() && d.derived.is_empty());
        return Ok(());
    }
    prop_assert!(d.diagnostics.is_empty(), "{:?}\n{}", d.diagnostics, context);
    prop_assert_eq!(d.notes.len(), notes, "notes {:?}\n{}", d.notes, context);
    if notes > 0 {
        seen("notes");
    }
    let ex = reference(old, &new, &old_p, &new_p, facts)?;
    let mut got: BTreeSet<Key> = BTreeSet::new();
    let mut keys: Vec<(usize, usize, usize)> = Vec::new();
    for c in &d.actions {
        for t in &c.transitions {
            got.insert((c.name.clone(), t.from.word().into(), t.to.word().into()));
            keys.push((
                c.name[1..].parse().unwrap(),
                order_of(t.from.word()),
                order_of(t.to.word()),
            ));
            check_witness(&c.name, t, &ex, (old, &new), (&old_p, &new_p), &new_text)?;
            seen("action transitions");
            if !t.old_only.is_empty() {
                seen("witnesses with facts only the old version reads");
            }
        }
    }
    prop_assert!(keys.windows(2).all(|w| w[0] < w[1]), "order: {:?}", keys);
    let mut keys = Vec::new();
    for c in &d.derived {
        for t in &c.transitions {
            got.insert((c.name.clone(), t.from.word().into(), t.to.word().into()));
            keys.push((
                c.name[1..].parse::<usize>().unwrap(),
                order_of(t.from.word()),
            ));
            check_witness(&c.name, t, &ex, (old, &new), (&old_p, &new_p), &new_text)?;
            seen("derived transitions");
        }
    }
    prop_assert!(keys.windows(2).all(|w| w[0] < w[1]), "order: {:?}", keys);
    let want: BTreeSet<Key> = ex.transitions.keys().cloned().collect();
    prop_assert_eq!(got, want, "transitions\n{}", context);
    if ex.transitions.is_empty() {
        seen("pairs without a transition");
    }
    seen("(pairs)");
    Ok(())
}

#[test]
fn diff_matches_the_brute_force_reference() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(400);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let strategy = (raw_spec(), proptest::collection::vec(mutation(), 1..=3));
    let result = runner.run(&strategy, |(raw, mutations)| {
        check(&resolve(&raw), &mutations)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let seen = SEEN.lock().unwrap().clone();
    eprintln!("over the run: {seen:?}");
    // The generator must reach every kind of outcome, or the comparison proves little.
    for what in [
        "action transitions",
        "derived transitions",
        "incomparable",
        "notes",
        "witnesses with facts only the old version reads",
        "pairs without a transition",
    ] {
        assert!(
            seen.get(what).copied().unwrap_or(0) > 0,
            "no {what} in the run: {seen:?}"
        );
    }
}

// ------------------------------------------------------------------ pinned examples

fn policy(text: &str) -> Policy {
    Policy::parse("p.policy", text).unwrap_or_else(|f| panic!("{f}"))
}

fn words(d: &Diff) -> Vec<(String, Verdict, Verdict)> {
    d.actions
        .iter()
        .flat_map(|c| c.transitions.iter().map(|t| (c.name.clone(), t.from, t.to)))
        .collect()
}

#[test]
fn reordered_variants_compare_by_name() {
    let old =
        policy("fact e: a | b | c\naction x\nif e is a then may x\nif e in [b, c] then must x");
    let new =
        policy("fact e: c | a | b\naction x\nif e is a then may x\nif e in [b, c] then must x");
    let d = diff(&old, &new).unwrap();
    assert!(d.actions.is_empty(), "{:?}", d.actions);
    assert!(d.notes.is_empty());
}

#[test]
fn one_sided_variants_are_left_out_with_a_note() {
    let old = policy("fact e: a | b | c\naction x default forbidden\nif e is c then may x");
    let new = policy("fact e: a | b\naction x default forbidden\nif e is b then may x");
    let d = diff(&old, &new).unwrap();
    assert_eq!(
        words(&d),
        [("x".to_string(), Verdict::Forbidden, Verdict::Permitted)]
    );
    assert_eq!(d.notes.len(), 1, "{:?}", d.notes);
    assert!(d.notes[0].contains("`c`"), "{:?}", d.notes);
}

#[test]
fn a_fact_of_another_kind_is_incomparable() {
    let old = policy("fact s\naction x\nif s then may x");
    let new = policy("fact s: 1..3\naction x\nif s > 1 then may x");
    let d = diff(&old, &new).unwrap();
    assert_eq!(d.diagnostics.len(), 1);
    assert_eq!(d.diagnostics[0].diagnostic.code, Code::IncomparableFact);
    assert!(d.actions.is_empty());
}
