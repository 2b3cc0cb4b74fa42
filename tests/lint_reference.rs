//! Differential test of the linter (`deontic::analysis::lint`) against a slow brute-force
//! reference of section 5 of the contract, written here on the test's own data structures.
//!
//! Random small policies are generated as a test-side structure, rendered to policy text and
//! parsed by the crate. The reference then enumerates every valid case (every combination of
//! the input facts' values), evaluates each with the crate's evaluator (checked separately by
//! `tests/eval_reference.rs`) for which rules fire and which facts are derived, redoes steps
//! 3 to 6 itself from the fired rules and the transitive `overrides` relation, and decides
//! every finding of section 5 by brute force:
//!
//! - `conflict`: per (action, r1, r2), some case leaves a conclusion of each after step 5,
//!   `must not` against `may`/`must`;
//! - `never-fires`, `always-fires` (only rules with `if`/`unless`, and requirements);
//! - `shadowed-rule`: the rule fires somewhere, derives no fact, and wherever it fires none
//!   of its conclusions remains after step 5; the removers are the rules that, in some case
//!   where it fires, actually remove one of its conclusions (an overrider in K in step 4, or
//!   a requirement remaining after step 4 against a `may` that survived step 4);
//! - `redundant-rule`: the policy is rendered again with the rule's line replaced by a
//!   comment (so anonymous ids keep their line numbers) and every other named rule
//!   overriding the transitive closure of what it overrode (so `a overrides r overrides b`
//!   keeps `a` over `b`); no verdict word and no derived fact may change in any valid case;
//! - `unused-fact`, `unused-action`, `useless-override` from the structure.
//!
//! The exclusions apply (never-fires is not also shadowed or redundant; shadowed is not also
//! redundant). The set of (code, rules, action, name) must equal the linter's exactly, and
//! every witness must be a full case (every input fact, in declaration order) that
//! reproduces its finding under `Policy::evaluate`.

use deontic::{Case, Code, Diagnostic, Literal, Policy, Verdict};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

// ------------------------------------------------------------------ the test-side policy

const VARIANTS: [&str; 3] = ["alpha", "beta", "gamma"];
const OPS: [&str; 6] = ["=", "!=", "<", "<=", ">", ">="];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Bool,
    /// Number of variants, named after `VARIANTS`.
    Enum(usize),
    /// Inclusive range.
    Int(i64, i64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Modality {
    May,
    Must,
    MustNot,
}

impl Modality {
    fn contradicts(self, other: Modality) -> bool {
        (self == Modality::MustNot) != (other == Modality::MustNot)
    }
}

#[derive(Clone, Debug)]
enum Expr {
    Const(bool),
    Fact(String),
    /// `f is v` / `f is not v`.
    Is(String, usize, bool),
    /// `f in [..]` / `f not in [..]`.
    In(String, Vec<usize>, bool),
    Cmp(String, &'static str, i64),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    fn render(&self) -> String {
        match self {
            Expr::Const(b) => b.to_string(),
            Expr::Fact(n) => n.clone(),
            Expr::Is(n, v, neg) => {
                format!("{n} is {}{}", if *neg { "not " } else { "" }, VARIANTS[*v])
            }
            Expr::In(n, vs, neg) => format!(
                "{n} {}in [{}]",
                if *neg { "not " } else { "" },
                vs.iter()
                    .map(|v| VARIANTS[*v])
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Expr::Cmp(n, op, k) => format!("{n} {op} {k}"),
            Expr::Not(e) => match **e {
                Expr::Const(_) | Expr::Fact(_) => format!("not {}", e.render()),
                _ => format!("not ({})", e.render()),
            },
            Expr::And(a, b) => {
                let side = |e: &Expr| match e {
                    Expr::Or(..) => format!("({})", e.render()),
                    _ => e.render(),
                };
                format!("{} and {}", side(a), side(b))
            }
            Expr::Or(a, b) => format!("{} or {}", a.render(), b.render()),
        }
    }

    fn mentions(&self, out: &mut BTreeSet<String>) {
        match self {
            Expr::Const(_) => {}
            Expr::Fact(n) | Expr::Is(n, ..) | Expr::In(n, ..) | Expr::Cmp(n, ..) => {
                out.insert(n.clone());
            }
            Expr::Not(e) => e.mentions(out),
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.mentions(out);
                b.mentions(out);
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Concl {
    /// Action, modality, and whether written short (bare `A`, or `not A`).
    Action(usize, Modality, bool),
    /// Derives `d<i>`.
    Derive(usize),
}

impl Concl {
    fn render(self) -> String {
        match self {
            Concl::Action(a, Modality::May, _) => format!("may a{a}"),
            Concl::Action(a, Modality::Must, false) => format!("must a{a}"),
            Concl::Action(a, Modality::Must, true) => format!("a{a}"),
            Concl::Action(a, Modality::MustNot, false) => format!("must not a{a}"),
            Concl::Action(a, Modality::MustNot, true) => format!("not a{a}"),
            Concl::Derive(d) => format!("d{d}"),
        }
    }
}

#[derive(Clone, Debug)]
enum Body {
    Cond {
        when: Option<Expr>,
        unless: Option<Expr>,
        concl: Vec<Concl>,
    },
    Req {
        action: usize,
        cond: Expr,
    },
}

#[derive(Clone, Debug)]
struct Rule {
    named: bool,
    desc: bool,
    /// Indexes of the (named, earlier) rules this one overrides directly.
    overrides: Vec<usize>,
    body: Body,
}

impl Rule {
    fn is_req(&self) -> bool {
        matches!(self.body, Body::Req { .. })
    }

    /// The rule's conclusions on actions; a requirement contributes `must not`.
    fn on_actions(&self) -> Vec<(usize, Modality)> {
        match &self.body {
            Body::Cond { concl, .. } => concl
                .iter()
                .filter_map(|c| match *c {
                    Concl::Action(a, m, _) => Some((a, m)),
                    Concl::Derive(_) => None,
                })
                .collect(),
            Body::Req { action, .. } => vec![(*action, Modality::MustNot)],
        }
    }

    fn derives(&self) -> bool {
        matches!(&self.body, Body::Cond { concl, .. } if concl.iter().any(|c| matches!(c, Concl::Derive(_))))
    }

    /// A rule with an `if` or `unless`, or a requirement.
    fn conditional(&self) -> bool {
        match &self.body {
            Body::Cond { when, unless, .. } => when.is_some() || unless.is_some(),
            Body::Req { .. } => true,
        }
    }

    fn mentions(&self, out: &mut BTreeSet<String>) {
        match &self.body {
            Body::Cond { when, unless, .. } => {
                when.iter().chain(unless).for_each(|e| e.mentions(out));
            }
            Body::Req { cond, .. } => cond.mentions(out),
        }
    }
}

#[derive(Clone, Debug)]
struct Spec {
    inputs: Vec<(String, Ty)>,
    n_derived: usize,
    /// Per action: `Some(true)` default permitted, `Some(false)` default forbidden.
    actions: Vec<Option<bool>>,
    rules: Vec<Rule>,
    header: bool,
    /// Declarations after the rules instead of before.
    decls_last: bool,
}

impl Spec {
    fn concluded(&self, d: usize) -> bool {
        self.rules.iter().any(|r| match &r.body {
            Body::Cond { concl, .. } => concl.contains(&Concl::Derive(d)),
            Body::Req { .. } => false,
        })
    }

    /// Input facts in declaration order: the declared inputs, then every `d<i>` no rule
    /// concludes.
    fn input_facts(&self) -> Vec<(String, Ty)> {
        let mut out = self.inputs.clone();
        for d in 0..self.n_derived {
            if !self.concluded(d) {
                out.push((format!("d{d}"), Ty::Bool));
            }
        }
        out
    }

    /// `over[w][r]`: `w` overrides `r`, directly or transitively.
    fn closure(&self) -> Vec<Vec<bool>> {
        let n = self.rules.len();
        let mut over = vec![vec![false; n]; n];
        for (w, rule) in self.rules.iter().enumerate() {
            for &q in &rule.overrides {
                over[w][q] = true;
            }
        }
        for k in 0..n {
            for i in 0..n {
                for j in 0..n {
                    if over[i][k] && over[k][j] {
                        over[i][j] = true;
                    }
                }
            }
        }
        over
    }

    fn declarations(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, ty) in &self.inputs {
            out.push(match ty {
                Ty::Bool => format!("fact {name}"),
                Ty::Enum(n) => format!("fact {name}: {}", VARIANTS[..*n].join(" | ")),
                Ty::Int(lo, hi) => format!("fact {name}: {lo}..{hi}"),
            });
        }
        if self.n_derived > 0 {
            let names: Vec<String> = (0..self.n_derived).map(|d| format!("d{d}")).collect();
            out.push(format!("fact {} \"derived\"", names.join(", ")));
        }
        for (a, default) in self.actions.iter().enumerate() {
            out.push(match default {
                Some(true) => format!("action a{a} default permitted"),
                Some(false) => format!("action a{a} default forbidden"),
                None => format!("action a{a}"),
            });
        }
        out
    }

    /// The policy text and every rule's id. With `deleted`, that rule's line becomes a
    /// comment and every other named rule overrides the transitive closure of what it
    /// overrode (minus the deleted rule), so the overrides among the others stay as they were.
    fn render(&self, deleted: Option<usize>) -> (String, Vec<String>) {
        let over = self.closure();
        let mut lines: Vec<String> = Vec::new();
        if self.header {
            lines.push("policy \"Generated for the lint reference\"".into());
        }
        if !self.decls_last {
            lines.extend(self.declarations());
        }
        let mut ids = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let line = lines.len() + 1;
            ids.push(if rule.named {
                format!("r{i}")
            } else {
                format!("@{line}")
            });
            if deleted == Some(i) {
                lines.push(format!("# rule {} deleted", ids[i]));
                continue;
            }
            let body = match &rule.body {
                Body::Cond {
                    when,
                    unless,
                    concl,
                } => {
                    let mut s = String::new();
                    if let Some(w) = when {
                        s += &format!("if {} ", w.render());
                    }
                    if let Some(u) = unless {
                        s += &format!("unless {} ", u.render());
                    }
                    let cs: Vec<String> = concl.iter().map(|c| c.render()).collect();
                    s + "then " + &cs.join(", ")
                }
                Body::Req { action, cond } => format!("a{action} requires {}", cond.render()),
            };
            if rule.named {
                let targets: Vec<usize> = match deleted {
                    None => rule.overrides.clone(),
                    Some(d) => (0..self.rules.len())
                        .filter(|&q| q != d && over[i][q])
                        .collect(),
                };
                let mut head = format!("rule r{i}");
                if !targets.is_empty() {
                    let names: Vec<String> = targets.iter().map(|q| format!("r{q}")).collect();
                    head += &format!(" overrides {}", names.join(", "));
                }
                if rule.desc {
                    head += &format!(" \"rule number {i}\"");
                }
                lines.push(format!("{head}: {body}"));
            } else {
                lines.push(body);
            }
        }
        if self.decls_last {
            lines.extend(self.declarations());
        }
        (lines.join("\n") + "\n", ids)
    }
}

// ------------------------------------------------------------------ raw generation

/// Expressions with abstract leaves, resolved against a policy's facts later.
#[derive(Clone, Debug)]
enum RawExpr {
    Leaf(u8, u8, u8),
    Not(Box<RawExpr>),
    And(Box<RawExpr>, Box<RawExpr>),
    Or(Box<RawExpr>, Box<RawExpr>),
}

#[derive(Clone, Debug)]
struct RawRule {
    named: bool,
    req: bool,
    when: Option<RawExpr>,
    unless: Option<RawExpr>,
    cond: RawExpr,
    concl: Vec<(u8, u8)>,
    overrides: Vec<u8>,
    desc: bool,
    action: u8,
}

#[derive(Clone, Debug)]
struct RawSpec {
    n_bool: usize,
    enum_variants: Option<usize>,
    int_range: Option<(i64, i64)>,
    n_derived: usize,
    defaults: Vec<u8>,
    rules: Vec<RawRule>,
    header: bool,
    decls_last: bool,
}

fn raw_expr() -> impl Strategy<Value = RawExpr> {
    let leaf = (any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(a, b, c)| RawExpr::Leaf(a, b, c));
    leaf.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| RawExpr::Not(Box::new(e))),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| RawExpr::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| RawExpr::Or(Box::new(a), Box::new(b))),
        ]
    })
}

fn raw_rule() -> impl Strategy<Value = RawRule> {
    (
        proptest::bool::weighted(0.65),
        proptest::bool::weighted(0.15),
        proptest::option::weighted(0.75, raw_expr()),
        proptest::option::weighted(0.25, raw_expr()),
        raw_expr(),
        proptest::collection::vec((any::<u8>(), any::<u8>()), 1..=2),
        proptest::collection::vec(any::<u8>(), 0..=2),
        proptest::bool::weighted(0.2),
        any::<u8>(),
    )
        .prop_map(
            |(named, req, when, unless, cond, concl, overrides, desc, action)| RawRule {
                named,
                req,
                when,
                unless,
                cond,
                concl,
                overrides,
                desc,
                action,
            },
        )
}

fn raw_spec() -> impl Strategy<Value = RawSpec> {
    (
        1usize..=2,
        proptest::option::weighted(0.6, 2usize..=3),
        proptest::option::weighted(0.5, (0i64..=1, 1i64..=4)),
        0usize..=2,
        proptest::collection::vec(any::<u8>(), 1..=3),
        proptest::collection::vec(raw_rule(), 2..=7),
        any::<bool>(),
        proptest::bool::weighted(0.2),
    )
        .prop_map(
            |(n_bool, enum_variants, int_range, n_derived, defaults, rules, header, decls_last)| {
                RawSpec {
                    n_bool,
                    enum_variants,
                    int_range,
                    n_derived,
                    defaults,
                    rules,
                    header,
                    decls_last,
                }
            },
        )
}

/// What a condition may mention.
struct Scope<'a> {
    bools: Vec<String>,
    enum_fact: Option<(&'a str, usize)>,
    int_fact: Option<(&'a str, i64, i64)>,
}

fn resolve_expr(raw: &RawExpr, s: &Scope) -> Expr {
    match raw {
        RawExpr::Not(e) => Expr::Not(Box::new(resolve_expr(e, s))),
        RawExpr::And(a, b) => Expr::And(Box::new(resolve_expr(a, s)), Box::new(resolve_expr(b, s))),
        RawExpr::Or(a, b) => Expr::Or(Box::new(resolve_expr(a, s)), Box::new(resolve_expr(b, s))),
        &RawExpr::Leaf(sel, x, y) => {
            let desired = match sel % 20 {
                0 => 0,
                1..=9 => 1,
                10..=14 => 2,
                _ => 3,
            };
            let available = [
                true,
                !s.bools.is_empty(),
                s.enum_fact.is_some(),
                s.int_fact.is_some(),
            ];
            let cat = [desired, 1, 2, 3, 0]
                .into_iter()
                .find(|&k| available[k])
                .unwrap_or(0);
            let x = usize::from(x);
            match (cat, s.enum_fact, s.int_fact) {
                (1, _, _) => Expr::Fact(s.bools[x % s.bools.len()].clone()),
                (2, Some((name, n)), _) => match y % 4 {
                    form @ (0 | 1) => Expr::Is(name.into(), x % n, form == 1),
                    form => {
                        let mask = x % ((1 << n) - 1) + 1;
                        let vs: Vec<usize> = (0..n).filter(|v| mask & (1 << v) != 0).collect();
                        Expr::In(name.into(), vs, form == 3)
                    }
                },
                (3, _, Some((name, lo, hi))) => {
                    let k = lo - 1 + (x as i64) % (hi - lo + 3);
                    Expr::Cmp(name.into(), OPS[usize::from(y) % 6], k)
                }
                _ => Expr::Const(x % 2 == 0),
            }
        }
    }
}

fn resolve(raw: &RawSpec) -> Spec {
    let mut inputs: Vec<(String, Ty)> = (0..raw.n_bool)
        .map(|i| (format!("b{i}"), Ty::Bool))
        .collect();
    if let Some(n) = raw.enum_variants {
        inputs.push(("e0".into(), Ty::Enum(n)));
    }
    if let Some((lo, len)) = raw.int_range {
        inputs.push(("n0".into(), Ty::Int(lo, lo + len)));
    }
    if inputs.len() < 2 {
        inputs.insert(1, ("b1".into(), Ty::Bool));
    }
    let actions: Vec<Option<bool>> = raw
        .defaults
        .iter()
        .map(|d| match d % 4 {
            0 => Some(true),
            1 => Some(false),
            _ => None,
        })
        .collect();
    let n_act = actions.len();
    let n_derived = raw.n_derived;
    let enum_fact = inputs.iter().find_map(|(n, t)| match t {
        Ty::Enum(k) => Some((n.as_str(), *k)),
        _ => None,
    });
    let int_fact = inputs.iter().find_map(|(n, t)| match t {
        Ty::Int(lo, hi) => Some((n.as_str(), *lo, *hi)),
        _ => None,
    });
    let scope = |derived_limit: usize| Scope {
        bools: inputs
            .iter()
            .filter(|(_, t)| *t == Ty::Bool)
            .map(|(n, _)| n.clone())
            .chain((0..derived_limit).map(|d| format!("d{d}")))
            .collect(),
        enum_fact,
        int_fact,
    };
    let mut rules: Vec<Rule> = Vec::new();
    for rr in &raw.rules {
        let body = if rr.req {
            Body::Req {
                action: usize::from(rr.action) % n_act,
                cond: resolve_expr(&rr.cond, &scope(n_derived)),
            }
        } else {
            let mut concl: Vec<Concl> = Vec::new();
            for &(kind, target) in &rr.concl {
                let a = usize::from(target) % n_act;
                let short = target >= 128;
                let c = match kind % 12 {
                    0..=2 | 11 => Concl::Action(a, Modality::May, short),
                    3 | 4 => Concl::Action(a, Modality::Must, false),
                    5 => Concl::Action(a, Modality::Must, true),
                    6 | 7 => Concl::Action(a, Modality::MustNot, false),
                    8 => Concl::Action(a, Modality::MustNot, true),
                    _ if n_derived > 0 => Concl::Derive(usize::from(target) % n_derived),
                    _ => Concl::Action(a, Modality::MustNot, short),
                };
                let clash = concl.iter().any(|&o| match (o, c) {
                    (Concl::Action(b, m1, _), Concl::Action(a, m2, _)) => {
                        a == b && (m1 == m2 || m1.contradicts(m2))
                    }
                    (o, c) => o == c,
                });
                if !clash {
                    concl.push(c);
                }
            }
            // A rule deriving `d<k>` may only mention `d<i>` with i < k: no cycles.
            let limit = concl
                .iter()
                .filter_map(|c| match c {
                    Concl::Derive(d) => Some(*d),
                    Concl::Action(..) => None,
                })
                .min()
                .unwrap_or(n_derived);
            let s = scope(limit);
            Body::Cond {
                when: rr.when.as_ref().map(|e| resolve_expr(e, &s)),
                unless: rr.unless.as_ref().map(|e| resolve_expr(e, &s)),
                concl,
            }
        };
        let earlier: Vec<usize> = (0..rules.len()).filter(|&q| rules[q].named).collect();
        let mut overrides = Vec::new();
        if rr.named && !earlier.is_empty() {
            for &o in &rr.overrides {
                let q = earlier[usize::from(o) % earlier.len()];
                if !overrides.contains(&q) {
                    overrides.push(q);
                }
            }
        }
        rules.push(Rule {
            named: rr.named,
            desc: rr.desc,
            overrides,
            body,
        });
    }
    Spec {
        inputs,
        n_derived,
        actions,
        rules,
        header: raw.header,
        decls_last: raw.decls_last,
    }
}

// ------------------------------------------------------------------ the reference

/// Every valid case, as literals over the input facts in declaration order.
fn all_cases(inputs: &[(String, Ty)]) -> Vec<Vec<(String, Literal)>> {
    let mut out: Vec<Vec<(String, Literal)>> = vec![Vec::new()];
    for (name, ty) in inputs {
        let values: Vec<Literal> = match *ty {
            Ty::Bool => vec![Literal::Bool(false), Literal::Bool(true)],
            Ty::Enum(n) => VARIANTS[..n]
                .iter()
                .map(|v| Literal::Variant(v.to_string()))
                .collect(),
            Ty::Int(lo, hi) => (lo..=hi).map(Literal::Int).collect(),
        };
        out = out
            .into_iter()
            .flat_map(|prefix| {
                values.iter().map(move |v| {
                    let mut c = prefix.clone();
                    c.push((name.clone(), v.clone()));
                    c
                })
            })
            .collect();
    }
    out
}

fn build(policy: &Policy, lits: &[(String, Literal)]) -> Result<Case, TestCaseError> {
    lits.iter()
        .fold(policy.case(), |b, (n, v)| b.set(n, v.clone()))
        .build()
        .map_err(|e| TestCaseError::fail(format!("case {lits:?} does not build: {e}")))
}

/// One case under the reference: what fired, what was derived, what remains after step 5.
struct World {
    fired: Vec<bool>,
    /// Per `d<i>`: its value when derived, `None` when it is an input fact.
    derived: Vec<Option<bool>>,
    /// Per action: K of step 3.
    k: Vec<Vec<(usize, Modality)>>,
    /// Per action: what remains after step 4.
    kept4: Vec<Vec<(usize, Modality)>>,
    /// Per action: what remains after step 5.
    kept: Vec<Vec<(usize, Modality)>>,
    verdict: Vec<Verdict>,
}

fn world(spec: &Spec, over: &[Vec<bool>], policy: &Policy, case: &Case) -> World {
    let out = policy.evaluate(case);
    let fired = out.fired.clone();
    let derived = (0..spec.n_derived)
        .map(|d| out.derived(&format!("d{d}")))
        .collect();
    let mut w = World {
        fired,
        derived,
        k: Vec::new(),
        kept4: Vec::new(),
        kept: Vec::new(),
        verdict: Vec::new(),
    };
    for (a, default) in spec.actions.iter().enumerate() {
        let k: Vec<(usize, Modality)> = spec
            .rules
            .iter()
            .enumerate()
            .filter(|(r, _)| w.fired[*r])
            .flat_map(|(r, rule)| {
                rule.on_actions()
                    .into_iter()
                    .filter(|&(b, _)| b == a)
                    .map(move |(_, m)| (r, m))
            })
            .collect();
        let kept4: Vec<(usize, Modality)> = k
            .iter()
            .copied()
            .filter(|&(r, _)| !k.iter().any(|&(x, _)| over[x][r]))
            .collect();
        let req = kept4.iter().any(|&(r, _)| spec.rules[r].is_req());
        let kept: Vec<(usize, Modality)> = kept4
            .iter()
            .copied()
            .filter(|&(_, m)| !(req && m == Modality::May))
            .collect();
        let has = |m: Modality| kept.iter().any(|&(_, x)| x == m);
        let verdict = if kept.is_empty() {
            match default {
                Some(true) => Verdict::Permitted,
                Some(false) => Verdict::Forbidden,
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
        assert_eq!(
            verdict, out.verdicts[a].verdict,
            "the reference's steps 3-6 disagree with the evaluator on a{a}"
        );
        let mut by: Vec<usize> = kept.iter().map(|x| x.0).collect();
        by.sort_unstable();
        by.dedup();
        assert_eq!(by, out.verdicts[a].by, "`by` of a{a}");
        w.k.push(k);
        w.kept4.push(kept4);
        w.kept.push(kept);
        w.verdict.push(verdict);
    }
    w
}

/// A finding as compared: code, rules, action, name. For `shadowed-rule` only the rule
/// itself: its removers are compared apart (see [`Removers`]).
type Key = (String, Vec<String>, Option<String>, Option<String>);

fn key(d: &Diagnostic) -> Key {
    let rules = match d.code {
        Code::ShadowedRule => d.rules[..1].to_vec(),
        _ => d.rules.clone(),
    };
    (
        d.code.as_str().to_string(),
        rules,
        d.action.clone(),
        d.name.clone(),
    )
}

/// Per shadowed rule, in source order: the rules that remove one of its conclusions in some
/// case where it fires (exact), and the rules that fire with it and could remove one by
/// their kind (an overrider on the same action, or a requirement against a `may`) even where
/// they do not, because they are themselves overridden or the `may` is already gone.
///
/// The linter's list must name every exact remover, in source order, and only possible
/// ones. It is not compared for equality with the exact list because the linter is known to
/// name requirements that never remove anything, for example a requirement that the
/// shadowed rule itself overrides whenever both fire:
///
/// ```text
/// fact b0
/// action a0 default permitted
/// a0 requires false
/// rule r2: a0 requires b0
/// rule r3 overrides r2: if not b0 then may a0
/// ```
///
/// Whenever `r3` fires (`not b0`), `r2` fires too but `r3` removes it in step 4, so only
/// `@3` removes `r3`'s `may` (step 5); the linter reports `rules: ["r3", "@3", "r2"]`.
/// The run counts such findings under "(shadowed-rule naming a non-remover)".
type Removers = BTreeMap<String, (Vec<String>, Vec<String>)>;

/// The pair (r1, r2) leaves contradicting conclusions on action `a` in this world.
fn conflicting(w: &World, a: usize, r1: usize, r2: usize) -> bool {
    let kept = &w.kept[a];
    kept.iter()
        .any(|&(x, m1)| x == r1 && kept.iter().any(|&(y, m2)| y == r2 && m1.contradicts(m2)))
}

/// Every finding of section 5, by brute force.
fn reference(
    spec: &Spec,
    ids: &[String],
    cases: &[Vec<(String, Literal)>],
    worlds: &[World],
) -> Result<(BTreeSet<Key>, Removers), TestCaseError> {
    let n = spec.rules.len();
    let over = spec.closure();
    let mut out = BTreeSet::new();
    let mut push =
        |code: &str, rules: Vec<String>, action: Option<String>, name: Option<String>| {
            out.insert((code.to_string(), rules, action, name));
        };

    // unused-fact, unused-action, useless-override
    let mut mentioned = BTreeSet::new();
    spec.rules.iter().for_each(|r| r.mentions(&mut mentioned));
    for (name, _) in spec.input_facts() {
        if !mentioned.contains(&name) {
            push("unused-fact", vec![], None, Some(name));
        }
    }
    for a in 0..spec.actions.len() {
        if !spec
            .rules
            .iter()
            .any(|r| r.on_actions().iter().any(|&(b, _)| b == a))
        {
            push("unused-action", vec![], None, Some(format!("a{a}")));
        }
    }
    let acts =
        |r: usize| -> BTreeSet<usize> { spec.rules[r].on_actions().iter().map(|x| x.0).collect() };
    // `r overrides q` is useless when no rule at or above `r` and no rule at or below `q`
    // (in the transitive relation) share an action: then no removal anywhere goes through it.
    for (r, rule) in spec.rules.iter().enumerate() {
        for &q in &rule.overrides {
            let above: Vec<usize> = (0..n).filter(|&w| w == r || over[w][r]).collect();
            let below: Vec<usize> = (0..n).filter(|&x| x == q || over[q][x]).collect();
            let shared = above
                .iter()
                .any(|&w| below.iter().any(|&x| !acts(w).is_disjoint(&acts(x))));
            if !shared {
                push(
                    "useless-override",
                    vec![ids[r].clone(), ids[q].clone()],
                    None,
                    None,
                );
            }
        }
    }

    // never-fires, always-fires
    let fires_some: Vec<bool> = (0..n).map(|r| worlds.iter().any(|w| w.fired[r])).collect();
    for (r, rule) in spec.rules.iter().enumerate() {
        if !fires_some[r] {
            push("never-fires", vec![ids[r].clone()], None, None);
        } else if rule.conditional() && worlds.iter().all(|w| w.fired[r]) {
            push("always-fires", vec![ids[r].clone()], None, None);
        }
    }

    // conflict
    for a in 0..spec.actions.len() {
        for r1 in 0..n {
            for r2 in r1 + 1..n {
                if worlds.iter().any(|w| conflicting(w, a, r1, r2)) {
                    push(
                        "conflict",
                        vec![ids[r1].clone(), ids[r2].clone()],
                        Some(format!("a{a}")),
                        None,
                    );
                }
            }
        }
    }

    // shadowed-rule
    let mut shadowed = vec![false; n];
    let mut all_removers = Removers::new();
    for (r, rule) in spec.rules.iter().enumerate() {
        if !fires_some[r] || rule.derives() {
            continue;
        }
        let takes_effect = worlds
            .iter()
            .any(|w| w.fired[r] && w.kept.iter().any(|k| k.iter().any(|x| x.0 == r)));
        if takes_effect {
            continue;
        }
        shadowed[r] = true;
        let mut removers = BTreeSet::new();
        let mut loose = BTreeSet::new();
        for w in worlds.iter().filter(|w| w.fired[r]) {
            for (a, m) in rule.on_actions() {
                loose.extend(w.k[a].iter().map(|x| x.0).filter(|&x| {
                    x != r && (over[x][r] || (spec.rules[x].is_req() && m == Modality::May))
                }));
                let overriders: Vec<usize> =
                    w.k[a].iter().map(|x| x.0).filter(|&x| over[x][r]).collect();
                if !overriders.is_empty() {
                    removers.extend(overriders);
                } else if m == Modality::May {
                    removers.extend(
                        w.kept4[a]
                            .iter()
                            .map(|x| x.0)
                            .filter(|&x| spec.rules[x].is_req()),
                    );
                }
            }
        }
        push("shadowed-rule", vec![ids[r].clone()], None, None);
        let names = |set: &BTreeSet<usize>| set.iter().map(|&x| ids[x].clone()).collect();
        all_removers.insert(ids[r].clone(), (names(&removers), names(&loose)));
    }

    // redundant-rule
    for r in 0..n {
        if !fires_some[r] || shadowed[r] {
            continue;
        }
        let (text, _) = spec.render(Some(r));
        let without = Policy::parse("without.policy", text.clone()).map_err(|e| {
            TestCaseError::fail(format!(
                "the policy without rule {} does not parse: {e:?}\n{text}",
                ids[r]
            ))
        })?;
        let mut changes = false;
        for (lits, w) in cases.iter().zip(worlds) {
            let out = without.evaluate(&build(&without, lits)?);
            let verdicts_differ = (0..spec.actions.len())
                .any(|a| out.verdict_of(&format!("a{a}")) != Some(w.verdict[a]));
            // A fact derived only by the deleted rule is an input of the other policy, false
            // in these cases.
            let derived_differ = (0..spec.n_derived).any(|d| match w.derived[d] {
                Some(v) => out.derived(&format!("d{d}")).unwrap_or(false) != v,
                None => false,
            });
            if verdicts_differ || derived_differ {
                changes = true;
                break;
            }
        }
        if !changes {
            push("redundant-rule", vec![ids[r].clone()], None, None);
        }
    }
    Ok((out, all_removers))
}

/// The witness is a full case, every input fact once in declaration order, in its type.
fn check_full(spec: &Spec, witness: &[(String, Literal)]) -> Result<(), String> {
    let inputs = spec.input_facts();
    if witness.len() != inputs.len() {
        return Err(format!(
            "witness {witness:?} does not give every input fact"
        ));
    }
    for ((name, ty), (wn, lit)) in inputs.iter().zip(witness) {
        if name != wn {
            return Err(format!(
                "witness {witness:?}: expected `{name}`, got `{wn}`"
            ));
        }
        let ok = match (ty, lit) {
            (Ty::Bool, Literal::Bool(_)) => true,
            (Ty::Enum(n), Literal::Variant(v)) => VARIANTS[..*n].contains(&v.as_str()),
            (Ty::Int(lo, hi), Literal::Int(x)) => lo <= x && x <= hi,
            _ => false,
        };
        if !ok {
            return Err(format!("witness {witness:?}: bad value for `{name}`"));
        }
    }
    Ok(())
}

/// Findings seen over a run, per code, to show the generator reaches each.
static SEEN: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());

/// A way to run the linter.
type Lint = fn(&Policy) -> Result<Vec<Diagnostic>, deontic::analysis::AnalysisError>;

/// Compares the linter with the reference on one policy, both with the candidate cases it
/// tries before the solver and with the solver alone; returns the linter's findings.
fn check(spec: &Spec) -> Result<Vec<Diagnostic>, TestCaseError> {
    let solver_only = check_with(spec, deontic::analysis::lint_solver_only)?;
    let diags = check_with(spec, deontic::analysis::lint)?;
    prop_assert_eq!(solver_only.len(), diags.len());
    Ok(diags)
}

/// Compares one way of linting with the reference on one policy.
fn check_with(spec: &Spec, lint: Lint) -> Result<Vec<Diagnostic>, TestCaseError> {
    let (text, ids) = spec.render(None);
    let policy = Policy::parse("gen.policy", text.clone())
        .map_err(|e| TestCaseError::fail(format!("does not parse: {e:?}\n{text}")))?;
    let crate_ids: Vec<&str> = policy.rules().iter().map(|r| r.id.as_str()).collect();
    prop_assert_eq!(&crate_ids, &ids, "rule ids\n{}", text);
    let diags =
        lint(&policy).map_err(|e| TestCaseError::fail(format!("lint failed: {e}\n{text}")))?;
    let over = spec.closure();
    let cases = all_cases(&spec.input_facts());
    let mut worlds = Vec::with_capacity(cases.len());
    for lits in &cases {
        worlds.push(world(spec, &over, &policy, &build(&policy, lits)?));
    }
    let (expected, removers) = reference(spec, &ids, &cases, &worlds)?;
    let actual: BTreeSet<Key> = diags.iter().map(key).collect();
    if expected != actual {
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        return Err(TestCaseError::fail(format!(
            "findings differ\n{text}\nonly the reference: {:#?}\nonly the linter: {:#?}\nlinter: {messages:#?}",
            expected.difference(&actual).collect::<Vec<_>>(),
            actual.difference(&expected).collect::<Vec<_>>(),
        )));
    }
    prop_assert_eq!(diags.len(), actual.len(), "a finding twice\n{}", text);
    for d in diags.iter().filter(|d| d.code == Code::ShadowedRule) {
        let (exact, loose) = &removers[&d.rules[0]];
        let named = &d.rules[1..];
        let in_order: Vec<&String> = ids.iter().filter(|id| named.contains(id)).collect();
        prop_assert_eq!(
            named.iter().collect::<Vec<_>>(),
            in_order,
            "removers not in source order\n{}",
            text
        );
        let _ = loose;
        prop_assert_eq!(
            named,
            exact.as_slice(),
            "removers of `{}` differ from the rules that really remove its conclusions\n{}",
            d.rules[0],
            text
        );
    }

    for d in &diags {
        prop_assert_eq!(d.severity, d.code.severity());
        prop_assert!(d.span().is_some(), "no span: {:?}", d);
        match d.code {
            Code::Conflict | Code::ShadowedRule => {}
            _ => prop_assert!(d.witness.is_none(), "unexpected witness: {:?}", d),
        }
        let Some(witness) = &d.witness else {
            prop_assert!(
                !matches!(d.code, Code::Conflict | Code::ShadowedRule),
                "no witness: {:?}",
                d
            );
            continue;
        };
        let witness = &witness.to_vec();
        check_full(spec, witness).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let w = world(spec, &over, &policy, &build(&policy, witness)?);
        let rule = |id: &str| ids.iter().position(|x| x == id).unwrap();
        if d.code == Code::Conflict {
            let a: usize = d.action.as_deref().unwrap()[1..].parse().unwrap();
            let (r1, r2) = (rule(&d.rules[0]), rule(&d.rules[1]));
            prop_assert_eq!(
                w.verdict[a],
                Verdict::Conflict,
                "witness {:?}\n{}",
                witness,
                text
            );
            prop_assert!(
                conflicting(&w, a, r1, r2),
                "witness {:?} leaves no contradiction of {} and {}\n{}",
                witness,
                r1,
                r2,
                text
            );
        } else {
            let r = rule(&d.rules[0]);
            prop_assert!(
                w.fired[r],
                "witness {:?}: rule does not fire\n{}",
                witness,
                text
            );
            prop_assert!(
                w.kept.iter().all(|k| k.iter().all(|x| x.0 != r)),
                "witness {:?}: a conclusion remains\n{}",
                witness,
                text
            );
        }
    }
    Ok(diags)
}

#[test]
fn lint_matches_the_brute_force_reference() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&raw_spec(), |raw| {
        let diags = check(&resolve(&raw))?;
        let mut seen = SEEN.lock().unwrap();
        for d in &diags {
            *seen.entry(d.code.as_str().to_string()).or_default() += 1;
        }
        *seen.entry("(policies)".into()).or_default() += 1;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let seen = SEEN.lock().unwrap().clone();
    eprintln!("findings over the run: {seen:?}");
    // The generator must reach every kind of finding, or the comparison proves little.
    for code in [
        "conflict",
        "never-fires",
        "always-fires",
        "shadowed-rule",
        "redundant-rule",
        "unused-fact",
        "unused-action",
        "useless-override",
    ] {
        assert!(
            seen.get(code).copied().unwrap_or(0) > 0,
            "no `{code}` finding in the run: {seen:?}"
        );
    }
}

// ------------------------------------------------------------------ pinned examples

fn rule(named: bool, overrides: &[usize], when: Option<Expr>, concl: &[Concl]) -> Rule {
    Rule {
        named,
        desc: false,
        overrides: overrides.to_vec(),
        body: Body::Cond {
            when,
            unless: None,
            concl: concl.to_vec(),
        },
    }
}

fn fact(name: &str) -> Option<Expr> {
    Some(Expr::Fact(name.into()))
}

fn spec(inputs: &[&str], actions: usize, rules: Vec<Rule>) -> Spec {
    Spec {
        inputs: inputs.iter().map(|n| (n.to_string(), Ty::Bool)).collect(),
        n_derived: 0,
        actions: vec![None; actions],
        rules,
        header: false,
        decls_last: false,
    }
}

fn lint_keys(spec: &Spec) -> BTreeSet<Key> {
    let (text, _) = spec.render(None);
    let policy = Policy::parse("pinned.policy", text).unwrap();
    deontic::analysis::lint(&policy)
        .unwrap()
        .iter()
        .map(key)
        .collect()
}

fn redundant(id: &str) -> Key {
    ("redundant-rule".into(), vec![id.into()], None, None)
}

/// `r2 overrides r1 overrides r0`: deleting `r1` keeps `r2` over `r0`, so `r1`, whose
/// `may a0` only repeats `r2` and whose `must a1` repeats `@7`, is redundant. Without the
/// transitive edge `r0`'s `must not a0` would meet `r2`'s `may a0` and the verdict change.
#[test]
fn deleting_a_rule_keeps_the_transitive_overrides() {
    use Modality::*;
    let s = spec(
        &["b0"],
        2,
        vec![
            rule(true, &[], fact("b0"), &[Concl::Action(0, MustNot, false)]),
            rule(
                true,
                &[0],
                fact("b0"),
                &[Concl::Action(0, May, false), Concl::Action(1, Must, false)],
            ),
            rule(true, &[1], fact("b0"), &[Concl::Action(0, May, false)]),
            rule(false, &[], fact("b0"), &[Concl::Action(1, Must, true)]),
        ],
    );
    check(&s).unwrap();
    let keys = lint_keys(&s);
    assert!(keys.contains(&redundant("r1")), "{keys:#?}");
    assert!(keys.contains(&redundant("@7")), "{keys:#?}");
}

/// A requirement outranks a permission (step 5): `r0`'s `may a0` is shadowed by `@5` alone,
/// and `r2`'s `not a0` conflicts with nothing: it never meets the `may`.
#[test]
fn a_requirement_shadows_a_permission() {
    use Modality::*;
    let mut s = spec(
        &["b0", "b1"],
        1,
        vec![
            rule(
                true,
                &[],
                Some(Expr::Not(Box::new(Expr::Fact("b0".into())))),
                &[Concl::Action(0, May, false)],
            ),
            Rule {
                named: false,
                desc: false,
                overrides: vec![],
                body: Body::Req {
                    action: 0,
                    cond: Expr::Fact("b0".into()),
                },
            },
            rule(true, &[], fact("b1"), &[Concl::Action(0, MustNot, true)]),
        ],
    );
    s.actions[0] = Some(true);
    check(&s).unwrap();
    let text = s.render(None).0;
    let policy = Policy::parse("pinned.policy", text.clone()).unwrap();
    let diags = deontic::analysis::lint(&policy).unwrap();
    let shadowed: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.code == Code::ShadowedRule)
        .collect();
    assert_eq!(shadowed.len(), 1, "{text}{diags:#?}");
    assert_eq!(shadowed[0].rules, ["r0", "@5"], "{text}");
    let witness = shadowed[0].witness.as_ref().unwrap().to_vec();
    assert_eq!(
        witness,
        vec![
            ("b0".to_string(), Literal::Bool(false)),
            ("b1".to_string(), witness[1].1.clone()),
        ]
    );
    assert!(diags.iter().all(|d| d.code != Code::Conflict), "{diags:#?}");
}

/// An anonymous rule's id is its line; deleting a rule must not renumber the others, and the
/// reference's rendering of the policy without a rule keeps every other line in place.
#[test]
fn the_policy_without_a_rule_keeps_the_lines() {
    use Modality::*;
    let s = spec(
        &["b0", "b1"],
        1,
        vec![
            rule(false, &[], fact("b0"), &[Concl::Action(0, Must, true)]),
            rule(false, &[], fact("b0"), &[Concl::Action(0, Must, false)]),
            rule(false, &[], fact("b1"), &[Concl::Action(0, MustNot, true)]),
        ],
    );
    let (text, ids) = s.render(None);
    let (without, same) = s.render(Some(1));
    assert_eq!(ids, ["@4", "@5", "@6"]);
    assert_eq!(ids, same);
    assert_eq!(text.lines().count(), without.lines().count());
    assert_eq!(without.lines().nth(4), Some("# rule @5 deleted"));
    check(&s).unwrap();
    // Each of the two obligations is redundant given the other, and both conflict with `@6`.
    let keys = lint_keys(&s);
    assert!(keys.contains(&redundant("@4")) && keys.contains(&redundant("@5")));
    assert!(keys.contains(&(
        "conflict".into(),
        vec!["@4".into(), "@6".into()],
        Some("a0".into()),
        None
    )));
}
