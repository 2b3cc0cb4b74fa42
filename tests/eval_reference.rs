//! Differential test of the evaluator against a slow, literal reference implementation of
//! section 4 of the contract (evaluation), written here on the test's own data structures.
//!
//! Random small policies are generated as a test-side structure, rendered to policy text,
//! parsed by the crate, and then every valid case is evaluated both by the crate and by the
//! reference; the JSON lines (contract section 6) must be equal. A second property checks
//! that a case read from JSON evaluates exactly like the same case built in code. A few
//! hand-written tests pin down tricky semantics (transitive overrides, requirements over
//! permissions, defaults, anonymous rule ids).

use deontic::Policy;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::collections::BTreeSet;
use std::fmt::Write as _;

// ------------------------------------------------------------------ the test-side policy

const VARIANTS: [&str; 3] = ["alpha", "beta", "gamma"];

#[derive(Clone, Debug, PartialEq, Eq)]
enum Ty {
    Bool,
    /// Number of variants (2 or 3), named after `VARIANTS`.
    Enum(usize),
    /// Inclusive range.
    Int(i64, i64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FRef {
    /// A declared input fact.
    In(usize),
    /// A fact meant to be derived (`d0`, `d1`); an input when no rule concludes it.
    Der(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn text(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    fn holds(self, a: i64, b: i64) -> bool {
        match self {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
        }
    }
}

#[derive(Clone, Debug)]
enum Expr {
    Const(bool),
    Bool(FRef),
    /// `f is v` / `f is not v`.
    Is(usize, usize, bool),
    /// `f in [..]` / `f not in [..]`.
    In(usize, Vec<usize>, bool),
    Cmp(usize, Op, i64),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    /// Redundant parentheses, kept to exercise the parser.
    Paren(Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Modality {
    May,
    Must,
    MustNot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Concl {
    May(usize),
    /// `must A` (false) or bare `A` (true).
    Must(usize, bool),
    /// `must not A` (false) or `not A` (true).
    MustNot(usize, bool),
    Derive(usize),
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
    name: Option<String>,
    /// Indexes of the named rules this one overrides directly.
    overrides: Vec<usize>,
    desc: Option<String>,
    body: Body,
    /// Layout knobs: put `then` / `unless` on a new line; a trailing comment.
    split: bool,
    trailing_comment: bool,
}

#[derive(Clone, Debug)]
enum Decl {
    Input(usize),
    Derived(usize),
    Action(usize),
}

#[derive(Clone, Debug)]
struct Pol {
    inputs: Vec<(String, Ty)>,
    n_derived: usize,
    /// Name and default (`Some(true)`: permitted, `Some(false)`: forbidden).
    actions: Vec<(String, Option<bool>)>,
    rules: Vec<Rule>,
    /// Declarations before the rules, then after them, in text order.
    top: Vec<Decl>,
    bottom: Vec<Decl>,
    header: bool,
    group: bool,
    explicit_bool: bool,
    comments: u32,
}

impl Pol {
    fn derived_name(i: usize) -> String {
        format!("d{i}")
    }

    /// Whether some rule concludes derived fact `i` (else it is an input fact).
    fn concluded(&self, i: usize) -> bool {
        self.rules.iter().any(|r| match &r.body {
            Body::Cond { concl, .. } => concl.contains(&Concl::Derive(i)),
            Body::Req { .. } => false,
        })
    }

    fn decls(&self) -> impl Iterator<Item = &Decl> {
        self.top.iter().chain(&self.bottom)
    }
}

// ------------------------------------------------------------------ raw generation

/// Expressions with abstract leaves, resolved against a policy's facts later.
#[derive(Clone, Debug)]
enum RawExpr {
    Leaf(u8, u8, u8, i8),
    Not(Box<RawExpr>),
    And(Box<RawExpr>, Box<RawExpr>),
    Or(Box<RawExpr>, Box<RawExpr>),
    Paren(Box<RawExpr>),
}

#[derive(Clone, Debug)]
struct RawRule {
    named: bool,
    kind: u8,
    when: Option<RawExpr>,
    unless: Option<RawExpr>,
    concl: Vec<(u8, u8)>,
    overrides: Vec<u8>,
    desc: Option<bool>,
    layout: u8,
}

#[derive(Clone, Debug)]
struct RawPolicy {
    inputs: Vec<(u8, u8, i8)>,
    n_derived: usize,
    actions: Vec<u8>,
    rules: Vec<RawRule>,
    rank: Vec<usize>,
    decl_order: Vec<usize>,
    bits: u32,
}

fn raw_expr() -> impl Strategy<Value = RawExpr> {
    let leaf = (any::<u8>(), any::<u8>(), any::<u8>(), any::<i8>())
        .prop_map(|(a, b, c, d)| RawExpr::Leaf(a, b, c, d));
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| RawExpr::Not(Box::new(e))),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| RawExpr::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| RawExpr::Or(Box::new(a), Box::new(b))),
            inner.prop_map(|e| RawExpr::Paren(Box::new(e))),
        ]
    })
}

fn raw_rule() -> impl Strategy<Value = RawRule> {
    (
        any::<bool>(),
        any::<u8>(),
        proptest::option::weighted(0.7, raw_expr()),
        proptest::option::weighted(0.3, raw_expr()),
        proptest::collection::vec((any::<u8>(), any::<u8>()), 1..=2),
        proptest::collection::vec(any::<u8>(), 0..=2),
        proptest::option::weighted(0.3, any::<bool>()),
        any::<u8>(),
    )
        .prop_map(
            |(named, kind, when, unless, concl, overrides, desc, layout)| RawRule {
                named,
                kind,
                when,
                unless,
                concl,
                overrides,
                desc,
                layout,
            },
        )
}

const MAX_RULES: usize = 8;
const MAX_DECLS: usize = 10;
const MAX_CASES: usize = 600;

fn raw_policy() -> impl Strategy<Value = RawPolicy> {
    (
        proptest::collection::vec((any::<u8>(), any::<u8>(), any::<i8>()), 2..=5),
        0usize..=2,
        proptest::collection::vec(any::<u8>(), 1..=3),
        proptest::collection::vec(raw_rule(), 1..=MAX_RULES),
        Just((0..MAX_RULES).collect::<Vec<_>>()).prop_shuffle(),
        Just((0..MAX_DECLS).collect::<Vec<_>>()).prop_shuffle(),
        any::<u32>(),
    )
        .prop_map(
            |(inputs, n_derived, actions, rules, rank, decl_order, bits)| RawPolicy {
                inputs,
                n_derived,
                actions,
                rules,
                rank,
                decl_order,
                bits,
            },
        )
}

/// What a condition may mention.
struct Scope {
    bools: Vec<FRef>,
    enums: Vec<(usize, usize)>,
    ints: Vec<(usize, i64, i64)>,
}

fn resolve_expr(raw: &RawExpr, s: &Scope) -> Expr {
    match raw {
        RawExpr::Not(e) => Expr::Not(Box::new(resolve_expr(e, s))),
        RawExpr::And(a, b) => Expr::And(Box::new(resolve_expr(a, s)), Box::new(resolve_expr(b, s))),
        RawExpr::Or(a, b) => Expr::Or(Box::new(resolve_expr(a, s)), Box::new(resolve_expr(b, s))),
        RawExpr::Paren(e) => Expr::Paren(Box::new(resolve_expr(e, s))),
        &RawExpr::Leaf(sel, x, y, c) => {
            let desired = match sel % 10 {
                0 => 0,
                1..=3 => 1,
                4..=6 => 2,
                _ => 3,
            };
            let available = [
                true,
                !s.bools.is_empty(),
                !s.enums.is_empty(),
                !s.ints.is_empty(),
            ];
            let cat = (0..4)
                .map(|off| (desired + off) % 4)
                .find(|&k| available[k])
                .unwrap_or(0);
            let x = usize::from(x);
            match cat {
                1 => Expr::Bool(s.bools[x % s.bools.len()]),
                2 => {
                    let (f, n) = s.enums[x % s.enums.len()];
                    match y % 4 {
                        form @ (0 | 1) => {
                            Expr::Is(f, i64::from(c).rem_euclid(n as i64) as usize, form == 1)
                        }
                        form => {
                            let mask = usize::from(y / 4) % ((1 << n) - 1) + 1;
                            let mut vs: Vec<usize> =
                                (0..n).filter(|v| mask & (1 << v) != 0).collect();
                            if y >= 128 {
                                vs.reverse();
                            }
                            Expr::In(f, vs, form == 3)
                        }
                    }
                }
                3 => {
                    let (f, lo, hi) = s.ints[x % s.ints.len()];
                    let op = [Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge][usize::from(y % 6)];
                    Expr::Cmp(f, op, lo - 2 + i64::from(c).rem_euclid(hi - lo + 5))
                }
                _ => Expr::Const(x % 2 == 0),
            }
        }
    }
}

fn resolve(raw: &RawPolicy) -> Pol {
    let bits = raw.bits;
    let bit = |k: u32| bits & (1 << k) != 0;
    let (mut nb, mut ne, mut ni) = (0, 0, 0);
    let inputs: Vec<(String, Ty)> = raw
        .inputs
        .iter()
        .map(|&(sel, size, lo)| match sel % 7 {
            0..=2 => {
                nb += 1;
                (format!("b{}", nb - 1), Ty::Bool)
            }
            3 | 4 => {
                ne += 1;
                (format!("e{}", ne - 1), Ty::Enum(2 + usize::from(size % 2)))
            }
            _ => {
                ni += 1;
                let lo = i64::from(lo).rem_euclid(5) - 2;
                (
                    format!("n{}", ni - 1),
                    Ty::Int(lo, lo + i64::from(size % 6)),
                )
            }
        })
        .collect();
    let n_derived = raw.n_derived;
    let actions: Vec<(String, Option<bool>)> = raw
        .actions
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let default = match d % 4 {
                0 => Some(true),
                1 => Some(false),
                _ => None,
            };
            (format!("a{i}"), default)
        })
        .collect();
    let n_act = actions.len();

    let scope = |max_derived: usize| Scope {
        bools: inputs
            .iter()
            .enumerate()
            .filter(|(_, (_, t))| *t == Ty::Bool)
            .map(|(i, _)| FRef::In(i))
            .chain((0..max_derived).map(FRef::Der))
            .collect(),
        enums: inputs
            .iter()
            .enumerate()
            .filter_map(|(i, (_, t))| match t {
                Ty::Enum(n) => Some((i, *n)),
                _ => None,
            })
            .collect(),
        ints: inputs
            .iter()
            .enumerate()
            .filter_map(|(i, (_, t))| match t {
                Ty::Int(lo, hi) => Some((i, *lo, *hi)),
                _ => None,
            })
            .collect(),
    };

    let mut rule_names: BTreeSet<String> = BTreeSet::new();
    let mut rules: Vec<Rule> = Vec::new();
    for (i, rr) in raw.rules.iter().enumerate() {
        let requirement = rr.kind % 5 == 0;
        let body = if requirement {
            let action = usize::from(rr.concl[0].1) % n_act;
            let cond_raw = rr
                .when
                .as_ref()
                .or(rr.unless.as_ref())
                .cloned()
                .unwrap_or(RawExpr::Leaf(1, rr.kind, rr.layout, 0));
            Body::Req {
                action,
                cond: resolve_expr(&cond_raw, &scope(n_derived)),
            }
        } else {
            let mut concl: Vec<Concl> = Vec::new();
            for &(k, t) in &rr.concl {
                let a = usize::from(t) % n_act;
                let c = match k % 6 {
                    0 => Concl::May(a),
                    1 => Concl::Must(a, false),
                    2 => Concl::Must(a, true),
                    3 => Concl::MustNot(a, false),
                    4 => Concl::MustNot(a, true),
                    _ if n_derived > 0 => Concl::Derive(usize::from(t) % n_derived),
                    _ => Concl::May(a),
                };
                // Avoid a self-contradiction (static error): drop the later conclusion.
                let action_of = |c: &Concl| match *c {
                    Concl::May(a) | Concl::Must(a, _) => Some((a, false)),
                    Concl::MustNot(a, _) => Some((a, true)),
                    Concl::Derive(_) => None,
                };
                let contradicts = action_of(&c).is_some_and(|(a, neg)| {
                    concl
                        .iter()
                        .any(|o| action_of(o).is_some_and(|(b, n2)| a == b && neg != n2))
                });
                if !contradicts {
                    concl.push(c);
                }
            }
            // A rule deriving `d_k` may only mention derived facts below the lowest it derives.
            let max_derived = concl
                .iter()
                .filter_map(|c| match c {
                    Concl::Derive(k) => Some(*k),
                    _ => None,
                })
                .min()
                .unwrap_or(n_derived);
            let s = scope(max_derived);
            Body::Cond {
                when: rr.when.as_ref().map(|e| resolve_expr(e, &s)),
                unless: rr.unless.as_ref().map(|e| resolve_expr(e, &s)),
                concl,
            }
        };
        let name = rr.named.then(|| {
            // Sometimes name a rule like the action it decides: rules have their own namespace.
            let target = match &body {
                Body::Req { action, .. } => Some(*action),
                Body::Cond { concl, .. } => concl.iter().find_map(|c| match *c {
                    Concl::May(a) | Concl::Must(a, _) | Concl::MustNot(a, _) => Some(a),
                    Concl::Derive(_) => None,
                }),
            };
            match target {
                Some(a) if rr.layout % 4 == 0 && !rule_names.contains(&actions[a].0) => {
                    actions[a].0.clone()
                }
                _ => format!("r{i}"),
            }
        });
        if let Some(n) = &name {
            rule_names.insert(n.clone());
        }
        let desc = rr.desc.map(|multi| {
            if multi {
                format!("rule {i}, \\\"quoted\\\",\nover two lines")
            } else {
                format!("rule number {i} # not a comment")
            }
        });
        rules.push(Rule {
            name,
            overrides: Vec::new(),
            desc,
            body,
            split: rr.layout % 3 == 1,
            trailing_comment: rr.layout % 5 == 2,
        });
    }
    // Overrides: acyclic by a random rank; only named rules override or are overridden.
    for i in 0..rules.len() {
        if rules[i].name.is_none() {
            continue;
        }
        let candidates: Vec<usize> = (0..rules.len())
            .filter(|&j| j != i && rules[j].name.is_some() && raw.rank[j] < raw.rank[i])
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let mut ov: Vec<usize> = Vec::new();
        for &p in &raw.rules[i].overrides {
            let j = candidates[usize::from(p) % candidates.len()];
            if !ov.contains(&j) {
                ov.push(j);
            }
        }
        rules[i].overrides = ov;
    }

    // Declarations: a random order, each before or after the rules.
    let mut decls: Vec<(usize, Decl)> = Vec::new();
    let mut k = 0;
    for i in 0..inputs.len() {
        decls.push((k, Decl::Input(i)));
        k += 1;
    }
    for i in 0..n_derived {
        decls.push((k, Decl::Derived(i)));
        k += 1;
    }
    for i in 0..n_act {
        decls.push((k, Decl::Action(i)));
        k += 1;
    }
    let mut top = Vec::new();
    let mut bottom = Vec::new();
    let shuffle = bit(0);
    let mut keyed: Vec<(usize, usize, Decl)> = decls
        .into_iter()
        .map(|(k, d)| (if shuffle { raw.decl_order[k] } else { k }, k, d))
        .collect();
    keyed.sort_by_key(|&(key, _, _)| key);
    for (_, k, d) in keyed {
        if bit(1) && bit(8 + k as u32) {
            bottom.push(d);
        } else {
            top.push(d);
        }
    }
    Pol {
        inputs,
        n_derived,
        actions,
        rules,
        top,
        bottom,
        header: bit(2),
        group: bit(3),
        explicit_bool: bit(4),
        comments: bits >> 24,
    }
}

fn case_count(p: &Pol) -> usize {
    let free_derived = (0..p.n_derived).filter(|&i| !p.concluded(i)).count();
    p.inputs
        .iter()
        .map(|(_, t)| domain(t).len())
        .product::<usize>()
        * (1 << free_derived)
}

fn policy_strategy() -> impl Strategy<Value = Pol> {
    raw_policy()
        .prop_map(|r| resolve(&r))
        .prop_filter("too many cases", |p| case_count(p) <= MAX_CASES)
}

// ------------------------------------------------------------------ rendering

/// `prec`: 1 `or`, 2 `and`, 3 `not`, 4 atom. Parentheses only where precedence needs them
/// (and where the structure asks for redundant ones), so the parser's precedence is tested.
fn render_expr(p: &Pol, e: &Expr, min: u8, out: &mut String) {
    let prec = match e {
        Expr::Or(..) => 1,
        Expr::And(..) => 2,
        Expr::Not(_) => 3,
        _ => 4,
    };
    if prec < min {
        out.push('(');
        render_expr(p, e, 0, out);
        out.push(')');
        return;
    }
    match e {
        Expr::Const(b) => out.push_str(if *b { "true" } else { "false" }),
        Expr::Bool(FRef::In(i)) => out.push_str(&p.inputs[*i].0),
        Expr::Bool(FRef::Der(i)) => out.push_str(&Pol::derived_name(*i)),
        Expr::Is(f, v, neg) => {
            let not = if *neg { "not " } else { "" };
            let _ = write!(out, "{} is {not}{}", p.inputs[*f].0, VARIANTS[*v]);
        }
        Expr::In(f, vs, neg) => {
            let not = if *neg { "not " } else { "" };
            let list: Vec<&str> = vs.iter().map(|&v| VARIANTS[v]).collect();
            let _ = write!(out, "{} {not}in [{}]", p.inputs[*f].0, list.join(", "));
        }
        Expr::Cmp(f, op, n) => {
            let _ = write!(out, "{} {} {n}", p.inputs[*f].0, op.text());
        }
        Expr::Not(x) => {
            out.push_str("not ");
            render_expr(p, x, 3, out);
        }
        Expr::And(a, b) => {
            render_expr(p, a, 2, out);
            out.push_str(" and ");
            render_expr(p, b, 2, out);
        }
        Expr::Or(a, b) => {
            render_expr(p, a, 1, out);
            out.push_str(" or ");
            render_expr(p, b, 1, out);
        }
        Expr::Paren(x) => {
            out.push('(');
            render_expr(p, x, 0, out);
            out.push(')');
        }
    }
}

fn expr_text(p: &Pol, e: &Expr) -> String {
    let mut s = String::new();
    render_expr(p, e, 0, &mut s);
    s
}

fn render_decls(p: &Pol, decls: &[Decl], out: &mut String) {
    let fact_type = |d: &Decl| -> Option<String> {
        match d {
            Decl::Input(i) => match &p.inputs[*i].1 {
                Ty::Bool => Some("bool".into()),
                Ty::Enum(n) => Some(VARIANTS[..*n].join(" | ")),
                Ty::Int(lo, hi) => Some(format!("{lo}..{hi}")),
            },
            Decl::Derived(_) => Some("bool".into()),
            Decl::Action(_) => None,
        }
    };
    let name = |d: &Decl| match d {
        Decl::Input(i) => p.inputs[*i].0.clone(),
        Decl::Derived(i) => Pol::derived_name(*i),
        Decl::Action(i) => p.actions[*i].0.clone(),
    };
    let mut i = 0;
    while i < decls.len() {
        // Group consecutive declarations of the same kind and type: `fact x, y: 0..3`.
        let mut j = i + 1;
        if p.group {
            while j < decls.len()
                && match (&decls[i], &decls[j]) {
                    (Decl::Action(a), Decl::Action(b)) => p.actions[*a].1 == p.actions[*b].1,
                    (Decl::Action(_), _) | (_, Decl::Action(_)) => false,
                    (x, y) => fact_type(x) == fact_type(y),
                }
            {
                j += 1;
            }
        }
        let names: Vec<String> = decls[i..j].iter().map(name).collect();
        match &decls[i] {
            Decl::Action(a) => {
                let _ = write!(out, "action {}", names.join(", "));
                match p.actions[*a].1 {
                    Some(true) => out.push_str(" default permitted"),
                    Some(false) => out.push_str(" default forbidden"),
                    None => {}
                }
            }
            d => {
                let _ = write!(out, "fact {}", names.join(", "));
                match fact_type(d).as_deref() {
                    Some("bool") if !p.explicit_bool => {}
                    Some(t) => {
                        let _ = write!(out, ": {t}");
                    }
                    None => {}
                }
            }
        }
        if p.comments & 1 != 0 {
            out.push_str(" \"a description\"");
        }
        out.push('\n');
        i = j;
    }
}

/// Renders the policy; returns the text and every rule's id (`name` or `@LINE`).
fn render(p: &Pol) -> (String, Vec<String>) {
    let mut out = String::new();
    if p.header {
        out.push_str("policy \"Generated \\\"policy\\\"\"\nsource \"a test\"\n");
    }
    if p.comments & 2 != 0 {
        out.push_str("# declarations\n\n");
    }
    render_decls(p, &p.top, &mut out);
    let mut ids = Vec::new();
    for (i, r) in p.rules.iter().enumerate() {
        if p.comments & (4 << (i % 6)) != 0 {
            out.push_str(if i % 2 == 0 {
                "\n"
            } else {
                "# a comment line\n"
            });
        }
        // Every rule starts on a line of its own, so an anonymous rule's id is `@LINE`.
        debug_assert!(out.is_empty() || out.ends_with('\n'));
        if i % 3 == 2 {
            out.push_str("  ");
        }
        let line = out.matches('\n').count() + 1;
        ids.push(r.name.clone().unwrap_or_else(|| format!("@{line}")));
        if let Some(name) = &r.name {
            let _ = write!(out, "rule {name}");
            if !r.overrides.is_empty() {
                let names: Vec<&str> = r
                    .overrides
                    .iter()
                    .map(|&j| p.rules[j].name.as_deref().expect("named"))
                    .collect();
                let _ = write!(out, " overrides {}", names.join(", "));
            }
            if let Some(d) = &r.desc {
                let _ = write!(out, " \"{d}\"");
            }
            out.push_str(if r.split { ":\n    " } else { ": " });
        }
        match &r.body {
            Body::Req { action, cond } => {
                let _ = write!(
                    out,
                    "{} requires {}",
                    p.actions[*action].0,
                    expr_text(p, cond)
                );
            }
            Body::Cond {
                when,
                unless,
                concl,
            } => {
                let sep = if r.split { "\n    " } else { " " };
                let mut parts: Vec<String> = Vec::new();
                if let Some(e) = when {
                    parts.push(format!("if {}", expr_text(p, e)));
                }
                if let Some(e) = unless {
                    parts.push(format!("unless {}", expr_text(p, e)));
                }
                let cs: Vec<String> = concl
                    .iter()
                    .map(|c| match *c {
                        Concl::May(a) => format!("may {}", p.actions[a].0),
                        Concl::Must(a, false) => format!("must {}", p.actions[a].0),
                        Concl::Must(a, true) => p.actions[a].0.clone(),
                        Concl::MustNot(a, false) => format!("must not {}", p.actions[a].0),
                        Concl::MustNot(a, true) => format!("not {}", p.actions[a].0),
                        Concl::Derive(d) => Pol::derived_name(d),
                    })
                    .collect();
                parts.push(format!("then {}", cs.join(", ")));
                out.push_str(&parts.join(sep));
            }
        }
        if r.trailing_comment {
            out.push_str("  # trailing comment");
        }
        out.push('\n');
    }
    if !p.bottom.is_empty() {
        out.push('\n');
        render_decls(p, &p.bottom, &mut out);
    }
    (out, ids)
}

// ------------------------------------------------------------------ the reference (section 4)

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Val {
    Bool(bool),
    Enum(usize),
    Int(i64),
}

/// A case: a value for each declared input, and for each `d_i` no rule concludes.
#[derive(Clone, Debug)]
struct Assign {
    inputs: Vec<Val>,
    free_derived: Vec<bool>,
}

fn domain(t: &Ty) -> Vec<Val> {
    match t {
        Ty::Bool => vec![Val::Bool(false), Val::Bool(true)],
        Ty::Enum(n) => (0..*n).map(Val::Enum).collect(),
        Ty::Int(lo, hi) => (*lo..=*hi).map(Val::Int).collect(),
    }
}

/// Every valid case, in a fixed order.
fn all_cases(p: &Pol) -> Vec<Assign> {
    let mut domains: Vec<Vec<Val>> = p.inputs.iter().map(|(_, t)| domain(t)).collect();
    let free: Vec<usize> = (0..p.n_derived).filter(|&i| !p.concluded(i)).collect();
    for _ in &free {
        domains.push(domain(&Ty::Bool));
    }
    let mut out = Vec::new();
    let mut idx = vec![0usize; domains.len()];
    loop {
        let vals: Vec<Val> = idx.iter().zip(&domains).map(|(&i, d)| d[i]).collect();
        let mut free_derived = vec![false; p.n_derived];
        for (k, &d) in free.iter().enumerate() {
            free_derived[d] = vals[p.inputs.len() + k] == Val::Bool(true);
        }
        out.push(Assign {
            inputs: vals[..p.inputs.len()].to_vec(),
            free_derived,
        });
        // Odometer.
        let mut k = 0;
        loop {
            if k == domains.len() {
                return out;
            }
            idx[k] += 1;
            if idx[k] < domains[k].len() {
                break;
            }
            idx[k] = 0;
            k += 1;
        }
    }
}

struct Reference<'a> {
    p: &'a Pol,
    ids: &'a [String],
}

impl Reference<'_> {
    /// Step 1: `F` is true iff some rule that concludes `F` fires (recursively; acyclic).
    fn derived(&self, c: &Assign, i: usize) -> bool {
        if !self.p.concluded(i) {
            return c.free_derived[i];
        }
        self.p.rules.iter().any(|r| {
            matches!(&r.body, Body::Cond { concl, .. } if concl.contains(&Concl::Derive(i)))
                && self.fires(c, r)
        })
    }

    fn holds(&self, c: &Assign, e: &Expr) -> bool {
        match e {
            Expr::Const(b) => *b,
            Expr::Bool(FRef::In(i)) => c.inputs[*i] == Val::Bool(true),
            Expr::Bool(FRef::Der(i)) => self.derived(c, *i),
            Expr::Is(f, v, neg) => (c.inputs[*f] == Val::Enum(*v)) != *neg,
            Expr::In(f, vs, neg) => {
                let Val::Enum(x) = c.inputs[*f] else {
                    panic!("not an enum")
                };
                vs.contains(&x) != *neg
            }
            Expr::Cmp(f, op, n) => {
                let Val::Int(x) = c.inputs[*f] else {
                    panic!("not an integer")
                };
                op.holds(x, *n)
            }
            Expr::Not(x) => !self.holds(c, x),
            Expr::And(a, b) => self.holds(c, a) && self.holds(c, b),
            Expr::Or(a, b) => self.holds(c, a) || self.holds(c, b),
            Expr::Paren(x) => self.holds(c, x),
        }
    }

    /// Step 2.
    fn fires(&self, c: &Assign, r: &Rule) -> bool {
        match &r.body {
            Body::Cond { when, unless, .. } => {
                when.as_ref().is_none_or(|e| self.holds(c, e))
                    && !unless.as_ref().is_some_and(|e| self.holds(c, e))
            }
            Body::Req { cond, .. } => !self.holds(c, cond),
        }
    }

    /// Whether rule `w` overrides rule `l`, directly or transitively.
    fn overrides(&self, w: usize, l: usize) -> bool {
        let mut seen = vec![false; self.p.rules.len()];
        let mut stack = vec![w];
        while let Some(r) = stack.pop() {
            for &q in &self.p.rules[r].overrides {
                if q == l {
                    return true;
                }
                if !seen[q] {
                    seen[q] = true;
                    stack.push(q);
                }
            }
        }
        false
    }

    /// Steps 3 to 6 for action `a`: the verdict word and the `by` list.
    fn verdict(&self, c: &Assign, a: usize) -> (&'static str, Vec<String>) {
        // Step 3.
        let mut k: Vec<(usize, Modality)> = Vec::new();
        for (i, r) in self.p.rules.iter().enumerate() {
            if !self.fires(c, r) {
                continue;
            }
            match &r.body {
                Body::Req { action, .. } => {
                    if *action == a {
                        k.push((i, Modality::MustNot));
                    }
                }
                Body::Cond { concl, .. } => {
                    for cl in concl {
                        match *cl {
                            Concl::May(x) if x == a => k.push((i, Modality::May)),
                            Concl::Must(x, _) if x == a => k.push((i, Modality::Must)),
                            Concl::MustNot(x, _) if x == a => k.push((i, Modality::MustNot)),
                            _ => {}
                        }
                    }
                }
            }
        }
        // Step 4: all removals decided on the K of step 3.
        let mut rest: Vec<(usize, Modality)> = k
            .iter()
            .copied()
            .filter(|&(r, _)| !k.iter().any(|&(w, _)| self.overrides(w, r)))
            .collect();
        // Step 5.
        let is_req = |r: usize| matches!(self.p.rules[r].body, Body::Req { .. });
        if rest.iter().any(|&(r, _)| is_req(r)) {
            rest.retain(|&(_, m)| m != Modality::May);
        }
        // Step 6.
        let has = |m: Modality| rest.iter().any(|&(_, x)| x == m);
        let word = if rest.is_empty() {
            match self.p.actions[a].1 {
                Some(true) => "permitted",
                Some(false) => "forbidden",
                None => "undecided",
            }
        } else if has(Modality::MustNot) && (has(Modality::May) || has(Modality::Must)) {
            "conflict"
        } else if has(Modality::Must) {
            "required"
        } else if has(Modality::May) {
            "permitted"
        } else {
            "forbidden"
        };
        let rules: BTreeSet<usize> = rest.iter().map(|&(r, _)| r).collect();
        (
            word,
            rules.into_iter().map(|r| self.ids[r].clone()).collect(),
        )
    }

    /// The expected `eval --format json` line.
    fn json(&self, name: &str, c: &Assign) -> String {
        let p = self.p;
        let mut s = format!("{{\"case\":\"{name}\",\"verdicts\":{{");
        let actions: Vec<usize> = p
            .decls()
            .filter_map(|d| match d {
                Decl::Action(a) => Some(*a),
                _ => None,
            })
            .collect();
        for (n, &a) in actions.iter().enumerate() {
            let (word, by) = self.verdict(c, a);
            let by: Vec<String> = by.iter().map(|id| format!("\"{id}\"")).collect();
            if n > 0 {
                s.push(',');
            }
            let _ = write!(
                s,
                "\"{}\":{{\"verdict\":\"{word}\",\"by\":[{}]}}",
                p.actions[a].0,
                by.join(",")
            );
        }
        s.push_str("},\"derived\":{");
        let derived: Vec<usize> = p
            .decls()
            .filter_map(|d| match d {
                Decl::Derived(i) if p.concluded(*i) => Some(*i),
                _ => None,
            })
            .collect();
        for (n, &i) in derived.iter().enumerate() {
            if n > 0 {
                s.push(',');
            }
            let _ = write!(s, "\"{}\":{}", Pol::derived_name(i), self.derived(c, i));
        }
        s.push_str("}}");
        s
    }
}

// ------------------------------------------------------------------ driving the crate

/// The case's facts as (name, value) pairs: declared inputs, then free `d_i`.
fn case_pairs(p: &Pol, c: &Assign) -> Vec<(String, Val)> {
    let mut out: Vec<(String, Val)> = p
        .inputs
        .iter()
        .zip(&c.inputs)
        .map(|((n, _), v)| (n.clone(), *v))
        .collect();
    for i in 0..p.n_derived {
        if !p.concluded(i) {
            out.push((Pol::derived_name(i), Val::Bool(c.free_derived[i])));
        }
    }
    out
}

/// Builds the case in code; `omit_false` leaves false bools to their default.
fn build_case(policy: &Policy, pairs: &[(String, Val)], omit_false: bool) -> deontic::Case {
    let mut b = policy.case();
    for (name, v) in pairs {
        b = match *v {
            Val::Bool(false) if omit_false => b,
            Val::Bool(x) => b.set(name, x),
            Val::Enum(i) => b.set(name, VARIANTS[i]),
            Val::Int(n) => b.set(name, n),
        };
    }
    b.build()
        .unwrap_or_else(|e| panic!("case {pairs:?} rejected: {e}"))
}

fn parse(text: &str) -> Result<Policy, TestCaseError> {
    Policy::parse("generated.policy", text).map_err(|f| {
        let diags: Vec<String> = f
            .diagnostics
            .iter()
            .map(|d| format!("{:?}: {}", d.code, d.message))
            .collect();
        TestCaseError::fail(format!(
            "generated policy does not parse:\n{text}\n{}",
            diags.join("\n")
        ))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The crate's evaluation equals the reference on every valid case of a random policy.
    #[test]
    fn evaluator_matches_reference(p in policy_strategy()) {
        let (text, ids) = render(&p);
        let policy = parse(&text)?;
        let reference = Reference { p: &p, ids: &ids };
        for (n, c) in all_cases(&p).iter().enumerate() {
            let pairs = case_pairs(&p, c);
            let case = build_case(&policy, &pairs, n % 2 == 0);
            let outcome = policy.evaluate(&case);
            let got = deontic::report::eval_json("#1", &outcome);
            let want = reference.json("#1", c);
            prop_assert_eq!(got, want, "policy:\n{}\ncase: {:?}", text, pairs);
        }
    }

    /// A case read from JSON evaluates like the same case built in code.
    #[test]
    fn json_case_matches_builder(
        p in policy_strategy(),
        pick in any::<usize>(),
        omit_false in any::<bool>(),
        reverse in any::<bool>(),
    ) {
        let (text, ids) = render(&p);
        let policy = parse(&text)?;
        let cases = all_cases(&p);
        let c = &cases[pick % cases.len()];
        let pairs = case_pairs(&p, c);
        let mut entries: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !(omit_false && *v == Val::Bool(false)))
            .map(|(name, v)| match *v {
                Val::Bool(b) => format!("\"{name}\": {b}"),
                Val::Enum(i) => format!("\"{name}\": \"{}\"", VARIANTS[i]),
                Val::Int(n) => format!("\"{name}\": {n}"),
            })
            .collect();
        if reverse {
            entries.reverse();
        }
        let json = format!("{{{}}}", entries.join(", "));
        let from_json = deontic::model::case_from_json(&policy, &json)
            .map_err(|e| TestCaseError::fail(format!("{json} rejected: {e}\npolicy:\n{text}")))?;
        let built = build_case(&policy, &pairs, !omit_false);
        prop_assert_eq!(&from_json, &built, "json {}", json);
        let a = deontic::report::eval_json("#1", &policy.evaluate(&from_json));
        let b = deontic::report::eval_json("#1", &policy.evaluate(&built));
        prop_assert_eq!(&a, &b, "policy:\n{}\njson: {}", text, json);
        let want = Reference { p: &p, ids: &ids }.json("#1", c);
        prop_assert_eq!(a, want, "policy:\n{}\njson: {}", text, json);
    }
}

// ------------------------------------------------------------------ hand-written cases

/// Evaluates `given` (`name=value` or bare bool names, as for `--given`) and returns the JSON
/// line's `verdicts` and `derived` members.
fn eval_given(policy: &Policy, given: &str) -> String {
    let case =
        deontic::model::case_from_given(policy, given).unwrap_or_else(|e| panic!("{given}: {e}"));
    deontic::report::eval_json("#1", &policy.evaluate(&case))
}

fn verdict(policy: &Policy, given: &str, action: &str) -> (String, Vec<String>) {
    let case =
        deontic::model::case_from_given(policy, given).unwrap_or_else(|e| panic!("{given}: {e}"));
    let out = policy.evaluate(&case);
    (
        out.verdict_of(action).expect("action").as_str().to_string(),
        out.by_of(action)
            .expect("action")
            .into_iter()
            .map(str::to_string)
            .collect(),
    )
}

fn v(word: &str, by: &[&str]) -> (String, Vec<String>) {
    (word.to_string(), by.iter().map(|s| s.to_string()).collect())
}

#[test]
fn overrides_are_transitive_and_need_the_overrider_in_k() {
    // c is declared first so `by` (source order) differs from the override order.
    let policy = Policy::parse(
        "chain.policy",
        "fact fa, fb, fc, fy\n\
         action x, y\n\
         rule c: if fc then must not x\n\
         rule b overrides c: if fb then must x\n\
         rule a overrides b: if fa then may x\n\
         rule top overrides a: if fy then may y\n",
    )
    .unwrap();
    // a removes c through b even though b did not fire.
    assert_eq!(verdict(&policy, "fa, fc", "x"), v("permitted", &["a"]));
    assert_eq!(verdict(&policy, "fb, fc", "x"), v("required", &["b"]));
    assert_eq!(verdict(&policy, "fa, fb, fc", "x"), v("permitted", &["a"]));
    assert_eq!(verdict(&policy, "fc", "x"), v("forbidden", &["c"]));
    // `top` overrides a, b, c transitively, but concludes only on y: it is not in x's K.
    assert_eq!(verdict(&policy, "fy, fa, fc", "x"), v("permitted", &["a"]));
    assert_eq!(verdict(&policy, "fy, fc", "x"), v("forbidden", &["c"]));
    assert_eq!(verdict(&policy, "fy, fc", "y"), v("permitted", &["top"]));
    assert_eq!(verdict(&policy, "", "x"), v("undecided", &[]));
}

#[test]
fn requirement_removes_may_but_not_must() {
    let policy = Policy::parse(
        "req.policy",
        "fact ok, want, duty, emergency\n\
         action x\n\
         rule allow: if want then may x\n\
         rule duty_rule: if duty then must x\n\
         rule req: x requires ok\n\
         rule emergency_allow overrides req: if emergency then may x\n",
    )
    .unwrap();
    assert_eq!(verdict(&policy, "want", "x"), v("forbidden", &["req"]));
    assert_eq!(
        verdict(&policy, "want, ok", "x"),
        v("permitted", &["allow"])
    );
    // A `must` is not a permission: it stays, against the requirement's `must not`.
    assert_eq!(
        verdict(&policy, "duty, want", "x"),
        v("conflict", &["duty_rule", "req"])
    );
    assert_eq!(
        verdict(&policy, "duty, ok", "x"),
        v("required", &["duty_rule"])
    );
    // An overridden requirement removes nothing (step 5 looks at what remains after step 4).
    assert_eq!(
        verdict(&policy, "want, emergency", "x"),
        v("permitted", &["allow", "emergency_allow"])
    );
    assert_eq!(verdict(&policy, "", "x"), v("forbidden", &["req"]));
    assert_eq!(verdict(&policy, "ok", "x"), v("undecided", &[]));
}

#[test]
fn default_applies_only_when_nothing_remains() {
    let policy = Policy::parse(
        "defaults.policy",
        "fact f, g, h\n\
         action p default permitted\n\
         action q default forbidden\n\
         if f then not p\n\
         if g then may q\n\
         rule p_ok: if h then may p\n\
         rule p_needs_g: p requires g\n",
    )
    .unwrap();
    // Nothing on p or q fires except the requirement on p (g is false).
    assert_eq!(
        eval_given(&policy, ""),
        r##"{"case":"#1","verdicts":{"p":{"verdict":"forbidden","by":["p_needs_g"]},"q":{"verdict":"forbidden","by":[]}},"derived":{}}"##
    );
    // g holds: the requirement is met, nothing remains on p: its default.
    assert_eq!(verdict(&policy, "g", "p"), v("permitted", &[]));
    assert_eq!(verdict(&policy, "g", "q"), v("permitted", &["@5"]));
    // A prohibition on a default-permitted action wins over the default.
    assert_eq!(verdict(&policy, "f, g", "p"), v("forbidden", &["@4"]));
    // The requirement removes the permission but remains itself: not the default.
    assert_eq!(verdict(&policy, "h", "p"), v("forbidden", &["p_needs_g"]));
    assert_eq!(verdict(&policy, "h, g", "p"), v("permitted", &["p_ok"]));
}

#[test]
fn anonymous_ids_are_lines_and_by_is_in_source_order_without_duplicates() {
    let text = "policy \"ids\"\n\
                # a comment\n\
                fact d: bool\n\
                fact k: low | high\n\
                fact n: -2..2\n\
                action x\n\
                \n\
                rule named \"a description\n\
                over two lines\": if k is high then may x, must x\n\
                if n >= 0 and not d\n\
                  then x, may x\n\
                if k in [low] or n < -1 then d\n\
                \x20  x requires n != 2\n";
    let policy = Policy::parse("ids.policy", text).unwrap();
    let ids: Vec<&str> = policy.rules().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["named", "@10", "@12", "@13"]);
    assert_eq!(
        eval_given(&policy, "k=high, n=1"),
        r##"{"case":"#1","verdicts":{"x":{"verdict":"required","by":["named","@10"]}},"derived":{"d":false}}"##
    );
    assert_eq!(
        eval_given(&policy, "k=low, n=2"),
        r##"{"case":"#1","verdicts":{"x":{"verdict":"forbidden","by":["@13"]}},"derived":{"d":true}}"##
    );
    assert_eq!(
        eval_given(&policy, "k=high, n=2"),
        r##"{"case":"#1","verdicts":{"x":{"verdict":"conflict","by":["named","@10","@13"]}},"derived":{"d":false}}"##
    );
}

/// `evaluate` keeps one evaluator's buffers per thread and uses them again for the next
/// policy: policies of every size in turn, and each outcome as a fresh evaluator gives it.
#[test]
fn evaluate_on_one_thread_over_many_policies_matches_a_fresh_evaluator() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/");
    let policies: Vec<deontic::Policy> = [
        "nl-cyber-response.policy",
        "gdpr-breach-notification.policy",
        "csirt-incident-escalation.policy",
    ]
    .iter()
    .map(|f| {
        let text = std::fs::read_to_string(format!("{root}{f}")).unwrap();
        deontic::Policy::parse(*f, &text).unwrap()
    })
    .collect();
    let cases: Vec<Vec<deontic::Case>> = policies
        .iter()
        .map(|p| deontic::synth::cases(p, 300, 11))
        .collect();
    for i in 0..300 {
        for (p, cases) in policies
            .iter()
            .zip(&cases)
            .chain(policies.iter().zip(&cases).rev())
        {
            let pooled = deontic::eval::evaluate(p, &cases[i]);
            let mut fresh = deontic::eval::Evaluator::new(p);
            fresh.evaluate(&cases[i]);
            let fresh = fresh.outcome();
            assert_eq!(pooled.values, fresh.values);
            assert_eq!(pooled.fired, fresh.fired);
            assert_eq!(pooled.verdicts, fresh.verdicts);
        }
    }
}
