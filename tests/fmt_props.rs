//! `deontic fmt` on random policies: random layout (line breaks, blank lines, indentation,
//! redundant parentheses) and comments in random places. Formatting must be idempotent,
//! keep every comment in order, and mean the same: the same verdicts, `by` lists (as rule
//! positions, since anonymous rule ids are line numbers) and derived facts on random cases,
//! and the same case blocks.

use deontic::format::format;
use deontic::model::Value;
use deontic::{Policy, Source};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Ty {
    Bool,
    Enum(usize),
    Int(i64, i64),
}

#[derive(Clone, Debug)]
enum E {
    Const(bool),
    Bool(usize),
    Is(usize, usize, bool),
    In(usize, Vec<usize>, bool),
    Cmp(usize, usize, i64),
    Not(Box<E>),
    And(Box<E>, Box<E>),
    Or(Box<E>, Box<E>),
    Paren(Box<E>),
}

#[derive(Clone, Debug)]
struct Raw {
    facts: Vec<(u8, u8, i8)>,
    n_derived: usize,
    actions: Vec<u8>,
    rules: Vec<RawRule>,
    cases: Vec<Vec<u8>>,
    layout: Vec<u8>,
    probes: Vec<u32>,
}

#[derive(Clone, Debug)]
struct RawRule {
    named: bool,
    kind: u8,
    when: Option<RawE>,
    unless: Option<RawE>,
    concl: Vec<(u8, u8)>,
    overrides: Vec<u8>,
    desc: Option<Vec<u8>>,
}

#[derive(Clone, Debug)]
enum RawE {
    Leaf(u8, u8, i8),
    Not(Box<RawE>),
    And(Box<RawE>, Box<RawE>),
    Or(Box<RawE>, Box<RawE>),
    Paren(Box<RawE>),
}

fn raw_e() -> impl Strategy<Value = RawE> {
    (any::<u8>(), any::<u8>(), any::<i8>())
        .prop_map(|(a, b, c)| RawE::Leaf(a, b, c))
        .prop_recursive(4, 16, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| RawE::Not(Box::new(e))),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| RawE::And(Box::new(a), Box::new(b))),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| RawE::Or(Box::new(a), Box::new(b))),
                inner.prop_map(|e| RawE::Paren(Box::new(e))),
            ]
        })
}

fn raw() -> impl Strategy<Value = Raw> {
    let rule = (
        any::<bool>(),
        any::<u8>(),
        proptest::option::weighted(0.8, raw_e()),
        proptest::option::weighted(0.3, raw_e()),
        proptest::collection::vec((any::<u8>(), any::<u8>()), 1..=3),
        proptest::collection::vec(any::<u8>(), 0..=2),
        proptest::option::weighted(0.5, proptest::collection::vec(any::<u8>(), 0..40)),
    )
        .prop_map(
            |(named, kind, when, unless, concl, overrides, desc)| RawRule {
                named,
                kind,
                when,
                unless,
                concl,
                overrides,
                desc,
            },
        );
    (
        proptest::collection::vec((any::<u8>(), any::<u8>(), any::<i8>()), 1..=5),
        0usize..=2,
        proptest::collection::vec(any::<u8>(), 1..=3),
        proptest::collection::vec(rule, 1..=7),
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..12), 0..=3),
        proptest::collection::vec(any::<u8>(), 400),
        proptest::collection::vec(any::<u32>(), 24),
    )
        .prop_map(
            |(facts, n_derived, actions, rules, cases, layout, probes)| Raw {
                facts,
                n_derived,
                actions,
                rules,
                cases,
                layout,
                probes,
            },
        )
}

/// The policy as tokens; `None` marks the start of an item (a line break goes there).
struct Gen {
    tokens: Vec<Option<String>>,
    facts: Vec<(String, Ty)>,
}

impl Gen {
    fn push(&mut self, parts: &[&str]) {
        self.tokens
            .extend(parts.iter().map(|p| Some((*p).to_string())));
    }
    fn item(&mut self) {
        self.tokens.push(None);
    }
}

const DESC_CHARS: &[&str] = &[
    "a",
    "b",
    " ",
    "é",
    "\\\"",
    "\\\\",
    "\\n",
    "\\t",
    "\n",
    "# ",
    ":",
    "{",
    "}",
    "(",
    "\u{1F600}",
];

fn desc(bytes: &[u8]) -> String {
    let inner: String = bytes
        .iter()
        .map(|b| DESC_CHARS[usize::from(*b) % DESC_CHARS.len()])
        .collect();
    format!("\"{inner}\"")
}

fn expr(g: &Gen, raw: &RawE, derived_max: usize, n_inputs: usize) -> E {
    match raw {
        RawE::Not(e) => E::Not(Box::new(expr(g, e, derived_max, n_inputs))),
        RawE::And(a, b) => E::And(
            Box::new(expr(g, a, derived_max, n_inputs)),
            Box::new(expr(g, b, derived_max, n_inputs)),
        ),
        RawE::Or(a, b) => E::Or(
            Box::new(expr(g, a, derived_max, n_inputs)),
            Box::new(expr(g, b, derived_max, n_inputs)),
        ),
        RawE::Paren(e) => E::Paren(Box::new(expr(g, e, derived_max, n_inputs))),
        &RawE::Leaf(sel, x, c) => {
            let usable = n_inputs + derived_max;
            let i = usize::from(sel) % (usable + 1);
            if i == usable {
                return E::Const(x % 2 == 0);
            }
            match &g.facts[i].1 {
                Ty::Bool => E::Bool(i),
                Ty::Enum(n) => {
                    let v = usize::from(x) % n;
                    match c.rem_euclid(4) {
                        0 | 1 => E::Is(i, v, c % 2 == 0),
                        _ => {
                            let vs: Vec<usize> = (0..*n).filter(|k| (x >> k) & 1 == 1).collect();
                            let vs = if vs.is_empty() { vec![v] } else { vs };
                            E::In(i, vs, c > 0)
                        }
                    }
                }
                Ty::Int(lo, hi) => E::Cmp(
                    i,
                    usize::from(x) % 6,
                    lo - 1 + i64::from(c).rem_euclid(hi - lo + 3),
                ),
            }
        }
    }
}

fn render_e(g: &mut Gen, e: &E) {
    const OPS: [&str; 6] = ["=", "!=", "<", "<=", ">", ">="];
    let name = |g: &Gen, i: usize| g.facts[i].0.clone();
    match e {
        E::Const(b) => g.push(&[if *b { "true" } else { "false" }]),
        E::Bool(i) => {
            let n = name(g, *i);
            g.push(&[&n]);
        }
        E::Is(i, v, neg) => {
            let n = name(g, *i);
            let v = format!("v{v}");
            if *neg {
                g.push(&[&n, "is", "not", &v]);
            } else {
                g.push(&[&n, "is", &v]);
            }
        }
        E::In(i, vs, neg) => {
            let n = name(g, *i);
            g.push(&[&n]);
            if *neg {
                g.push(&["not"]);
            }
            g.push(&["in", "["]);
            for (k, v) in vs.iter().enumerate() {
                if k > 0 {
                    g.push(&[","]);
                }
                g.push(&[&format!("v{v}")]);
            }
            g.push(&["]"]);
        }
        E::Cmp(i, op, n) => {
            let f = name(g, *i);
            g.push(&[&f, OPS[*op], &n.to_string()]);
        }
        E::Not(x) => {
            g.push(&["not"]);
            paren_if(g, x, |x| matches!(x, E::And(..) | E::Or(..)));
        }
        E::And(a, b) => {
            paren_if(g, a, |x| matches!(x, E::Or(..)));
            g.push(&["and"]);
            paren_if(g, b, |x| matches!(x, E::Or(..) | E::And(..)));
        }
        E::Or(a, b) => {
            render_e(g, a);
            g.push(&["or"]);
            paren_if(g, b, |x| matches!(x, E::Or(..)));
        }
        E::Paren(x) => {
            g.push(&["("]);
            render_e(g, x);
            g.push(&[")"]);
        }
    }
}

/// Parentheses where the reading would otherwise change (left-to-right chains).
fn paren_if(g: &mut Gen, x: &E, need: impl Fn(&E) -> bool) {
    if need(x) {
        g.push(&["("]);
        render_e(g, x);
        g.push(&[")"]);
    } else {
        render_e(g, x);
    }
}

/// A valid random policy as text, with the number of comments in it.
fn policy_text(raw: &Raw) -> (String, usize) {
    let mut g = Gen {
        tokens: Vec::new(),
        facts: Vec::new(),
    };
    let (mut nb, mut ne, mut ni) = (0, 0, 0);
    for &(sel, size, lo) in &raw.facts {
        match sel % 6 {
            0..=2 => {
                g.facts.push((format!("b{nb}"), Ty::Bool));
                nb += 1;
            }
            3 | 4 => {
                g.facts
                    .push((format!("e{ne}"), Ty::Enum(2 + usize::from(size % 2))));
                ne += 1;
            }
            _ => {
                let lo = i64::from(lo).rem_euclid(7) - 3;
                g.facts
                    .push((format!("n{ni}"), Ty::Int(lo, lo + i64::from(size % 5))));
                ni += 1;
            }
        }
    }
    let n_inputs = g.facts.len();
    for d in 0..raw.n_derived {
        g.facts.push((format!("d{d}"), Ty::Bool));
    }
    let actions: Vec<String> = (0..raw.actions.len()).map(|a| format!("a{a}")).collect();

    if raw.layout[0] % 3 == 0 {
        g.item();
        g.push(&["policy", "\"Random \\\"policy\\\"\""]);
        if raw.layout[1] % 2 == 0 {
            g.item();
            g.push(&["source", "\"somewhere\""]);
        }
    }
    // Declarations, some grouped as `fact a, b`.
    let mut i = 0;
    while i < g.facts.len() {
        g.item();
        let (name, ty) = g.facts[i].clone();
        let group = matches!(ty, Ty::Bool)
            && i + 1 < g.facts.len()
            && matches!(g.facts[i + 1].1, Ty::Bool)
            && raw.layout[2 + i] % 3 == 0;
        if group {
            let next = g.facts[i + 1].0.clone();
            g.push(&["fact", &name, ",", &next]);
            i += 1;
        } else {
            g.push(&["fact", &name]);
            match ty {
                Ty::Bool if raw.layout[20 + i] % 4 == 0 => g.push(&[":", "bool"]),
                Ty::Bool => {}
                Ty::Enum(n) => {
                    g.push(&[":", "v0"]);
                    for v in 1..n {
                        g.push(&["|", &format!("v{v}")]);
                    }
                }
                Ty::Int(lo, hi) => g.push(&[":", &lo.to_string(), "..", &hi.to_string()]),
            }
        }
        if raw.layout[40 + i] % 3 == 0 {
            let d = desc(&raw.layout[60 + i..70 + i]);
            g.push(&[&d]);
        }
        i += 1;
    }
    for (k, a) in actions.iter().enumerate() {
        g.item();
        g.push(&["action", a]);
        match raw.actions[k] % 3 {
            0 => g.push(&["default", "permitted"]),
            1 => g.push(&["default", "forbidden"]),
            _ => {}
        }
    }
    // Rules.
    let mut named: Vec<String> = Vec::new();
    for (k, r) in raw.rules.iter().enumerate() {
        g.item();
        let mut head_overrides = Vec::new();
        if r.named {
            let name = format!("r{k}");
            g.push(&["rule", &name]);
            for &o in &r.overrides {
                if !named.is_empty() {
                    let t = named[usize::from(o) % named.len()].clone();
                    if !head_overrides.contains(&t) {
                        head_overrides.push(t);
                    }
                }
            }
            if !head_overrides.is_empty() {
                g.push(&["overrides"]);
                for (j, t) in head_overrides.iter().enumerate() {
                    if j > 0 {
                        g.push(&[","]);
                    }
                    g.push(&[t]);
                }
            }
            if let Some(d) = &r.desc {
                let d = desc(d);
                g.push(&[&d]);
            }
            g.push(&[":"]);
            named.push(name);
        }
        // A rule concludes at most one derived fact, and its condition mentions only
        // derived facts declared before that one: no derivation cycles.
        let derives =
            (r.kind % 4 == 0 && raw.n_derived > 0).then(|| usize::from(r.kind / 4) % raw.n_derived);
        let derived_max = derives.unwrap_or(raw.n_derived);
        if r.kind % 7 == 3 {
            let a = &actions[usize::from(r.concl[0].1) % actions.len()];
            let cond = r
                .when
                .clone()
                .or(r.unless.clone())
                .unwrap_or(RawE::Leaf(r.kind, 1, 0));
            let e = expr(&g, &cond, derived_max, n_inputs);
            g.push(&[a, "requires"]);
            render_e(&mut g, &e);
            continue;
        }
        if let Some(w) = &r.when {
            let e = expr(&g, w, derived_max, n_inputs);
            g.push(&["if"]);
            render_e(&mut g, &e);
        }
        if let Some(u) = &r.unless {
            let e = expr(&g, u, derived_max, n_inputs);
            g.push(&["unless"]);
            render_e(&mut g, &e);
        }
        g.push(&["then"]);
        let mut used: Vec<usize> = Vec::new();
        let mut first = true;
        if let Some(d) = derives {
            let name = format!("d{d}");
            g.push(&[&name]);
            first = false;
        }
        for &(form, t) in &r.concl {
            let a = usize::from(t) % actions.len();
            if used.contains(&a) {
                continue;
            }
            used.push(a);
            if !first {
                g.push(&[","]);
            }
            first = false;
            let name = &actions[a];
            match form % 5 {
                0 => g.push(&["may", name]),
                1 => g.push(&["must", name]),
                2 => g.push(&["must", "not", name]),
                3 => g.push(&["not", name]),
                _ => g.push(&[name]),
            }
        }
    }
    // Case blocks: every enum and integer fact given; bool facts sometimes.
    let derived_concluded: Vec<usize> = (0..raw.n_derived)
        .filter(|d| {
            raw.rules.iter().any(|r| {
                r.kind % 7 != 3 && r.kind % 4 == 0 && usize::from(r.kind / 4) % raw.n_derived == *d
            })
        })
        .collect();
    for (c, bytes) in raw.cases.iter().enumerate() {
        g.item();
        g.push(&["case", &format!("\"case {c} \\\"#{c}\\\"\""), "{"]);
        let byte = |k: usize| bytes.get(k).copied().unwrap_or(k as u8);
        let mut first_in_given = true;
        for (i, (name, ty)) in g.facts[..n_inputs].to_vec().iter().enumerate() {
            let b = byte(i);
            let part = match ty {
                Ty::Bool if b % 3 == 0 => continue,
                Ty::Bool if b % 3 == 1 => vec![name.clone()],
                Ty::Bool => vec!["not".into(), name.clone()],
                Ty::Enum(n) => vec![name.clone(), "=".into(), format!("v{}", usize::from(b) % n)],
                Ty::Int(lo, hi) => vec![
                    name.clone(),
                    "=".into(),
                    (lo + i64::from(b) % (hi - lo + 1)).to_string(),
                ],
            };
            if first_in_given || b % 5 == 0 {
                g.push(&["given"]);
            } else {
                g.push(&[","]);
            }
            first_in_given = false;
            let refs: Vec<&str> = part.iter().map(String::as_str).collect();
            g.push(&refs);
        }
        const WORDS: [&str; 5] = [
            "permitted",
            "forbidden",
            "required",
            "undecided",
            "conflict",
        ];
        for (k, a) in actions.iter().enumerate() {
            let b = byte(k + 7);
            if b % 2 == 0 {
                g.push(&["expect", a, "is", WORDS[usize::from(b) % 5]]);
            }
        }
        for &d in &derived_concluded {
            let name = format!("d{d}");
            g.push(&[
                "expect",
                &name,
                "is",
                if byte(d) % 2 == 0 { "true" } else { "false" },
            ]);
        }
        g.push(&["}"]);
    }
    join(&g.tokens, &raw.layout)
}

/// Joins tokens with random whitespace and comments; items start on a new line.
fn join(tokens: &[Option<String>], layout: &[u8]) -> (String, usize) {
    let mut out = String::new();
    let mut comments = 0;
    let mut at_item = false;
    for (k, t) in tokens.iter().enumerate() {
        let Some(t) = t else {
            at_item = true;
            continue;
        };
        let b = layout[(k * 7 + 3) % layout.len()] ^ (k as u8);
        if !out.is_empty() {
            let sep = match b % 16 {
                0 => {
                    comments += 1;
                    format!(" #c{comments} trailing\n")
                }
                1 => {
                    comments += 1;
                    format!("\n  #c{comments} own line\n")
                }
                2 => {
                    comments += 1;
                    format!("\n\n#c{comments}\n\n")
                }
                3 | 4 => "\n".into(),
                5 => "\n\n".into(),
                6 => "\n    ".into(),
                7 => "\t".into(),
                _ => " ".into(),
            };
            // An item starts on a new line, so that no two anonymous rules share one.
            let breaks_line = sep.ends_with('\n') || sep.contains("\n ");
            if at_item && !breaks_line {
                out.push('\n');
            } else {
                out.push_str(&sep);
            }
        }
        at_item = false;
        out.push_str(t);
    }
    if layout[0] % 4 == 0 {
        comments += 1;
        out.push_str(&format!(" #c{comments} at the end"));
    }
    (out, comments)
}

fn markers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(k) = text[i..].find("#c") {
        let start = i + k + 2;
        let mut end = start;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
        if end > start {
            out.push(text[start..end].to_string());
        }
        i = end.max(start);
    }
    out
}

fn parse(name: &str, text: &str) -> Policy {
    Policy::parse(name, text).unwrap_or_else(|f| {
        panic!(
            "{name} should be valid:\n{}\n---\n{text}",
            deontic::report::render_diagnostics(
                &f.diagnostics,
                &f.source,
                deontic::report::Style::plain()
            )
        )
    })
}

/// A case for both policies from one number: every input fact gets a value of its type.
fn probe(p: &Policy, seed: u32) -> deontic::Case {
    let mut b = p.case();
    let mut x = seed;
    for f in p.input_facts() {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let pick = (x >> 8) as usize;
        let fact = &p.facts()[f];
        b = match &fact.ty {
            deontic::model::FactType::Bool => b.set(&fact.name, pick % 2 == 0),
            deontic::model::FactType::Enum(vs) => b.set(&fact.name, vs[pick % vs.len()].as_str()),
            deontic::model::FactType::Int { lo, hi } => {
                b.set(&fact.name, lo + (pick as i64) % (hi - lo + 1))
            }
        };
    }
    b.build().unwrap()
}

fn check(raw: &Raw) -> Result<(), TestCaseError> {
    let (text, n_comments) = policy_text(raw);
    let before = parse("before.policy", &text);
    let formatted = format(&Source::new("before.policy", text.as_str()))
        .map_err(|e| TestCaseError::fail(format!("{e}\n---\n{text}")))?;
    let again = format(&Source::new("after.policy", formatted.as_str())).unwrap();
    prop_assert_eq!(&again, &formatted, "not idempotent; original:\n{}", text);
    let expected: Vec<String> = (1..=n_comments).map(|n| n.to_string()).collect();
    prop_assert_eq!(markers(&formatted), expected, "comments:\n{}", formatted);
    prop_assert!(formatted.lines().all(|l| l == l.trim_end()));
    let after = parse("after.policy", &formatted);

    prop_assert_eq!(before.rules().len(), after.rules().len());
    for (r1, r2) in before.rules().iter().zip(after.rules()) {
        prop_assert_eq!(r1.named, r2.named);
        if r1.named {
            prop_assert_eq!(&r1.id, &r2.id);
        }
    }
    prop_assert_eq!(before.cases().len(), after.cases().len());
    for (c1, c2) in before.cases().iter().zip(after.cases()) {
        prop_assert_eq!(&c1.name, &c2.name);
        prop_assert_eq!(&c1.case, &c2.case);
        let x1: Vec<(String, &str)> = c1
            .expectations
            .iter()
            .map(|x| (format!("{:?}", x.target), x.word.as_str()))
            .collect();
        let x2: Vec<(String, &str)> = c2
            .expectations
            .iter()
            .map(|x| (format!("{:?}", x.target), x.word.as_str()))
            .collect();
        prop_assert_eq!(x1, x2);
    }
    let cases = raw
        .probes
        .iter()
        .map(|&s| probe(&before, s))
        .chain(before.cases().iter().map(|c| c.case.clone()));
    for case in cases {
        let o1 = before.evaluate(&case);
        let o2 = after.evaluate(&case);
        prop_assert_eq!(
            &o1.verdicts,
            &o2.verdicts,
            "verdicts differ\n{}\n---\n{}",
            text,
            formatted
        );
        for f in before.derived_facts() {
            prop_assert_eq!(
                o1.values[f] == Value::Bool(true),
                o2.values[f] == Value::Bool(true)
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn fmt_is_idempotent_keeps_comments_and_meaning(raw in raw()) {
        check(&raw)?;
    }
}

#[test]
fn the_bundled_policies_keep_their_meaning() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(root.join("policies")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        let before = parse(&name, &text);
        let formatted = format(&Source::new(name.as_str(), text.as_str())).unwrap();
        assert_eq!(
            format(&Source::new(name.as_str(), formatted.as_str())).unwrap(),
            formatted
        );
        let after = parse(&name, &formatted);
        assert_eq!(before.cases().len(), after.cases().len());
        for (c1, c2) in before.cases().iter().zip(after.cases()) {
            assert_eq!(c1.case, c2.case);
            assert_eq!(
                before.evaluate(&c1.case).verdicts,
                after.evaluate(&c2.case).verdicts
            );
        }
    }
}
