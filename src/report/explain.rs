//! `deontic explain`: the decision trail behind each verdict, as an indented tree or JSON.
//!
//! For each action: the rules whose conclusions decide it, those whose conclusions were
//! removed (and by which override or requirement), and the rules on it that did not fire;
//! for each rule its quoted description and the facts that decide its condition; for each
//! derived fact among those, how it was derived.

use crate::diagnostic::Literal;
use crate::eval::trace::{Atom, Fate, Part, Step, Trace};
use crate::model::{
    ActionId, Cond, EnumTest, FactType, Modality, Policy, RuleId, RuleKind, Target, Value, quote,
};
use serde_json::{Map, Value as J, json};
use std::collections::BTreeSet;

/// The rules on one action, each once, in the order a reader follows them: those with a
/// conclusion that remains, those whose conclusions were all removed, then the rules that
/// did not fire. A rule's steps come kept ones first.
fn trail<'t>(t: &'t Trace, action: ActionId) -> Vec<(RuleId, Vec<&'t Step>)> {
    let p = t.outcome.policy();
    let steps = &t.actions[action];
    let mut out: Vec<(RuleId, Vec<&Step>)> = Vec::new();
    for kept in [true, false] {
        for s in steps.iter().filter(|s| (s.fate == Fate::Kept) == kept) {
            match out.iter_mut().find(|(r, _)| *r == s.rule) {
                Some((_, v)) => v.push(s),
                None => out.push((s.rule, vec![s])),
            }
        }
    }
    for &r in p.rules_on(action) {
        if !t.outcome.fired[r] {
            out.push((r, Vec::new()));
        }
    }
    out
}

fn kind(p: &Policy, r: RuleId) -> &'static str {
    if p.rule(r).is_requirement() {
        "requirement"
    } else {
        "rule"
    }
}

fn rule_label(p: &Policy, r: RuleId) -> String {
    let rule = &p.rule(r);
    if rule.named {
        let line = p.source().line(rule.span.start);
        format!("{} {} (line {line})", kind(p, r), rule.id)
    } else {
        format!("{} {}", kind(p, r), rule.id)
    }
}

/// The text of a test as it could be written in the policy.
fn test_text(p: &Policy, c: &Cond) -> String {
    match c {
        Cond::Const(b) => b.to_string(),
        Cond::Fact(f) => p.fact(*f).name.clone(),
        Cond::OneOf(f, mask, written) => {
            let name = &p.fact(*f).name;
            let FactType::Enum(vs) = &p.fact(*f).ty else {
                return name.clone();
            };
            // The variants as written: those marked, or for a negated test those not.
            let keep = !matches!(written, EnumTest::IsNot | EnumTest::NotIn);
            let listed: Vec<&str> = vs
                .iter()
                .zip(mask)
                .filter(|(_, m)| **m == keep)
                .map(|(v, _)| v.as_str())
                .collect();
            match written {
                EnumTest::Is => format!("{name} is {}", listed.join(", ")),
                EnumTest::IsNot => format!("{name} is not {}", listed.join(", ")),
                EnumTest::In => format!("{name} in [{}]", listed.join(", ")),
                EnumTest::NotIn => format!("{name} not in [{}]", listed.join(", ")),
            }
        }
        Cond::Compare(f, op, n) => format!("{} {} {n}", p.fact(*f).name, op.as_str()),
        Cond::Not(_) | Cond::And(_) | Cond::Or(_) => String::new(),
    }
}

fn fact_of(c: &Cond) -> Option<usize> {
    match c {
        Cond::Fact(f) | Cond::OneOf(f, _, _) | Cond::Compare(f, _, _) => Some(*f),
        _ => None,
    }
}

fn value_text(p: &Policy, t: &Trace, f: usize) -> String {
    match p.literal(f, t.outcome.values[f]) {
        Literal::Bool(b) => b.to_string(),
        Literal::Int(n) => n.to_string(),
        Literal::Variant(v) => v,
    }
}

/// `last_resort is true`, `attacker is criminal (`attacker is not state` holds)`.
fn atom_text(p: &Policy, t: &Trace, a: &Atom) -> String {
    let verb = if a.holds { "holds" } else { "fails" };
    match (a.test, fact_of(a.test)) {
        (Cond::Fact(f), _) => format!("{} is {}", p.fact(*f).name, a.holds),
        (test, Some(f)) => {
            let fact = format!("{} is {}", p.fact(f).name, value_text(p, t, f));
            let test = test_text(p, test);
            if test == fact {
                fact
            } else {
                format!("{fact} (`{test}` {verb})")
            }
        }
        (test, None) => format!("`{}` {verb}", test_text(p, test)),
    }
}

fn part_value(p: &Policy, t: &Trace, r: RuleId, part: Part) -> bool {
    let values = &t.outcome.values;
    match (&p.rule(r).kind, part) {
        (RuleKind::Conditional { when: Some(c), .. }, Part::If)
        | (
            RuleKind::Conditional {
                unless: Some(c), ..
            },
            Part::Unless,
        )
        | (RuleKind::Requirement { condition: c }, Part::Requires) => c.holds(values),
        _ => false,
    }
}

fn part_header(part: Part, holds: bool) -> &'static str {
    match (part, holds) {
        (Part::If, true) => "`if` holds:",
        (Part::If, false) => "`if` fails:",
        (Part::Unless, true) => "`unless` holds:",
        (Part::Unless, false) => "`unless` fails:",
        (Part::Requires, true) => "its condition holds:",
        (Part::Requires, false) => "its condition fails:",
    }
}

/// A rule's modalities on an action: those of its steps when it fired, else as written.
fn modalities(p: &Policy, r: RuleId, steps: &[&Step], action: ActionId) -> Vec<Modality> {
    if !steps.is_empty() {
        return steps.iter().map(|s| s.modality).collect();
    }
    p.rule(r)
        .conclusions
        .iter()
        .filter_map(|c| match c.target {
            Target::Action(a, m) if a == action => Some(m),
            _ => None,
        })
        .collect()
}

fn conclusion_text(p: &Policy, r: RuleId, steps: &[&Step], action: ActionId) -> String {
    let name = &p.action(action).name;
    modalities(p, r, steps, action)
        .iter()
        .map(|m| format!("{} {name}", m.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The conclusions of a rule that fired with what became of them: `may x, must x, kept`,
/// or, when they fared differently, `must x, kept; may x, removed: ...`.
fn fates_text(p: &Policy, steps: &[&Step], action: ActionId) -> String {
    let name = &p.action(action).name;
    let mut groups: Vec<(&Fate, Vec<String>)> = Vec::new();
    for s in steps {
        let what = format!("{} {name}", s.modality.as_str());
        match groups.iter_mut().find(|(f, _)| *f == &s.fate) {
            Some((_, v)) => v.push(what),
            None => groups.push((&s.fate, vec![what])),
        }
    }
    groups
        .iter()
        .map(|(fate, what)| format!("{}, {}", what.join(", "), fate_text(p, fate)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn fate_text(p: &Policy, fate: &Fate) -> String {
    let names = |rs: &[RuleId]| -> String {
        rs.iter()
            .map(|&r| rule_label(p, r))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match fate {
        Fate::Kept => "kept".into(),
        Fate::Overridden(ws) => format!("removed: overridden by {}", names(ws)),
        Fate::Outranked(rs) => format!(
            "removed: {} outrank{} permissions",
            names(rs),
            if rs.len() == 1 { "s" } else { "" }
        ),
    }
}

fn default_text(p: &Policy, action: ActionId) -> String {
    match p.action(action).default {
        Some(d) => format!(
            "no conclusion remains, so its default applies: {}",
            d.as_str()
        ),
        None => "no conclusion remains and it has no default, so it is undecided".into(),
    }
}

fn by_text(p: &Policy, by: &[RuleId]) -> String {
    by.iter()
        .map(|&r| p.rule(r).id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the tree of a rule still has to show, in the order it is shown.
enum Work<'t> {
    Line(usize, String),
    Rule(usize, RuleId),
    Atom(usize, Atom<'t>),
}

/// How deep the tree indents; a deeper line (a long chain of derived facts) is indented
/// as deep as this and starts with its level, so the text grows with the chain, not with
/// its square.
const MAX_INDENT: usize = 24;

struct Human<'t, 'p> {
    t: &'t Trace<'p>,
    out: String,
    /// Derived facts already explained for the current action.
    shown: BTreeSet<usize>,
}

impl Human<'_, '_> {
    fn line(&mut self, depth: usize, text: &str) {
        self.out
            .extend(std::iter::repeat_n("  ", depth.min(MAX_INDENT)));
        if depth > MAX_INDENT {
            self.out.push_str(&format!("[{depth}] "));
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// A rule's description and the atoms that decide it, under its header; and, for each
    /// derived fact among them, the rules that derived it, and so on down. The walk keeps its
    /// own stack, so a chain of derived facts of any length cannot exhaust the thread's.
    fn rule_body(&mut self, depth: usize, r: RuleId) {
        let p = self.t.outcome.policy();
        let t = self.t;
        let mut work = vec![Work::Rule(depth, r)];
        while let Some(item) = work.pop() {
            let mut next = Vec::new();
            match item {
                Work::Line(depth, text) => self.line(depth, &text),
                Work::Rule(depth, r) => {
                    if let Some(d) = &p.rule(r).description {
                        self.line(depth, &quote(d));
                    }
                    let mut part = None;
                    for a in t.why(r) {
                        if part != Some(a.part) {
                            part = Some(a.part);
                            let header = part_header(a.part, part_value(p, t, r, a.part));
                            next.push(Work::Line(depth, header.to_string()));
                        }
                        next.push(Work::Atom(depth + 1, a));
                    }
                }
                Work::Atom(depth, a) => {
                    let text = atom_text(p, t, &a);
                    let derived = match a.test {
                        Cond::Fact(f) if p.fact(*f).derived => Some(*f),
                        _ => None,
                    };
                    let Some(f) = derived else {
                        self.line(depth, &text);
                        continue;
                    };
                    if !self.shown.insert(f) {
                        self.line(depth, &format!("{text} (derived as shown above)"));
                        continue;
                    }
                    if a.holds {
                        self.line(depth, &format!("{text}, derived by:"));
                    } else {
                        self.line(depth, &format!("{text}: no rule deriving it fired"));
                    }
                    let verb = if a.holds { "fired" } else { "did not fire" };
                    for &r in p.rules_deriving(f) {
                        if t.outcome.fired[r] == a.holds {
                            next.push(Work::Line(
                                depth + 1,
                                format!("{} {verb}", rule_label(p, r)),
                            ));
                            next.push(Work::Rule(depth + 2, r));
                        }
                    }
                }
            }
            work.extend(next.into_iter().rev());
        }
    }

    fn action(&mut self, action: ActionId) {
        let p = self.t.outcome.policy();
        let v = &self.t.outcome.verdicts[action];
        self.shown.clear();
        let by = if v.by.is_empty() {
            String::new()
        } else {
            format!(", by {}", by_text(p, &v.by))
        };
        self.line(1, &format!("{}: {}{by}", p.action(action).name, v.verdict));
        for (r, steps) in trail(self.t, action) {
            let header = if steps.is_empty() {
                let what = conclusion_text(p, r, &steps, action);
                format!("{} did not fire: {what}", rule_label(p, r))
            } else {
                format!(
                    "{} fired: {}",
                    rule_label(p, r),
                    fates_text(p, &steps, action)
                )
            };
            self.line(2, &header);
            self.rule_body(3, r);
        }
        if v.by.is_empty() {
            self.line(2, &default_text(p, action));
        }
    }
}

/// The decision trail of a case as an indented tree: one block per action in `actions`.
pub fn explain_human(case_name: &str, t: &Trace, actions: &[ActionId]) -> String {
    let mut h = Human {
        t,
        out: format!("case {case_name}\n"),
        shown: BTreeSet::new(),
    };
    for &a in actions {
        h.action(a);
    }
    h.out
}

struct Json<'t, 'p> {
    t: &'t Trace<'p>,
    /// Derived facts the atoms mention, to explain once at the end.
    derived: BTreeSet<usize>,
}

impl Json<'_, '_> {
    fn rule(&mut self, r: RuleId, conclusions: Option<Vec<J>>) -> Map<String, J> {
        let p = self.t.outcome.policy();
        let rule = &p.rule(r);
        let mut m = Map::new();
        m.insert("rule".into(), json!(rule.id));
        m.insert("line".into(), json!(p.source().line(rule.span.start)));
        m.insert("kind".into(), json!(kind(p, r)));
        m.insert("description".into(), json!(rule.description));
        m.insert("fired".into(), json!(self.t.outcome.fired[r]));
        if let Some(c) = conclusions {
            m.insert("conclusions".into(), J::Array(c));
        }
        let because: Vec<J> = self.t.why(r).iter().map(|a| self.atom(a)).collect();
        m.insert("because".into(), J::Array(because));
        m
    }

    fn atom(&mut self, a: &Atom) -> J {
        let p = self.t.outcome.policy();
        let part = match a.part {
            Part::If => "if",
            Part::Unless => "unless",
            Part::Requires => "requires",
        };
        let mut m = Map::new();
        m.insert("part".into(), json!(part));
        m.insert("test".into(), json!(test_text(p, a.test)));
        m.insert("holds".into(), json!(a.holds));
        if let Some(f) = fact_of(a.test) {
            m.insert("fact".into(), json!(p.fact(f).name));
            let value = match self.t.outcome.values[f] {
                Value::Bool(b) => json!(b),
                Value::Int(n) => json!(n),
                _ => json!(value_text(p, self.t, f)),
            };
            m.insert("value".into(), value);
            if p.fact(f).derived {
                self.derived.insert(f);
            }
        }
        J::Object(m)
    }

    fn action(&mut self, action: ActionId) -> J {
        let p = self.t.outcome.policy();
        let v = &self.t.outcome.verdicts[action];
        let mut rules = Vec::new();
        for (r, steps) in trail(self.t, action) {
            let conclusions: Vec<J> = if steps.is_empty() {
                modalities(p, r, &steps, action)
                    .iter()
                    .map(|m| json!({"modality": m.as_str()}))
                    .collect()
            } else {
                steps.iter().map(|s| step_json(p, s)).collect()
            };
            rules.push(J::Object(self.rule(r, Some(conclusions))));
        }
        let default = p.action(action).default.map(|d| d.as_str());
        let by: Vec<&str> = v.by.iter().map(|&r| p.rule(r).id.as_str()).collect();
        json!({"action": p.action(action).name, "verdict": v.verdict.as_str(), "by": by,
               "default": default, "rules": rules})
    }

    /// Every derived fact the explanation uses, with the rules that derive it (those that
    /// fired when it is true, all of them when it is false), in declaration order.
    fn derived(&mut self) -> Map<String, J> {
        let p = self.t.outcome.policy();
        let mut out = Map::new();
        let mut done = BTreeSet::new();
        while let Some(f) = self.derived.difference(&done).next().copied() {
            done.insert(f);
            let value = self.t.outcome.values[f] == Value::Bool(true);
            let rules: Vec<J> = p
                .rules_deriving(f)
                .iter()
                .copied()
                .filter(|&r| !value || self.t.outcome.fired[r])
                .map(|r| J::Object(self.rule(r, None)))
                .collect();
            out.insert(
                p.fact(f).name.clone(),
                json!({"value": value, "rules": rules}),
            );
        }
        let mut sorted: Vec<(String, J)> = out.into_iter().collect();
        sorted.sort_by_key(|(name, _)| p.fact_id(name));
        sorted.into_iter().collect()
    }
}

fn step_json(p: &Policy, s: &Step) -> J {
    let ids = |rs: &[RuleId]| -> Vec<&str> { rs.iter().map(|&r| p.rule(r).id.as_str()).collect() };
    match &s.fate {
        Fate::Kept => json!({"modality": s.modality.as_str(), "status": "kept"}),
        Fate::Overridden(ws) => {
            json!({"modality": s.modality.as_str(), "status": "overridden", "removed_by": ids(ws)})
        }
        Fate::Outranked(rs) => {
            json!({"modality": s.modality.as_str(), "status": "outranked", "removed_by": ids(rs)})
        }
    }
}

/// The decision trail of a case as one JSON line: `case`, `actions` (those in `actions`, in
/// that order) and `derived` (the derived facts the explanation uses).
pub fn explain_json(case_name: &str, t: &Trace, actions: &[ActionId]) -> String {
    let mut j = Json {
        t,
        derived: BTreeSet::new(),
    };
    let list: Vec<J> = actions.iter().map(|&a| j.action(a)).collect();
    let derived = j.derived();
    json!({"case": case_name, "actions": list, "derived": derived}).to_string()
}
