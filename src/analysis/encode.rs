//! The policy as a propositional circuit over the valid cases, on an incremental SAT solver.
//!
//! Bool facts are variables; an enum fact is one variable per variant with exactly one true;
//! an integer fact is an order encoding over the thresholds its comparisons use. Derived
//! facts, rule firings, the override removal (step 4), the requirement precedence (step 5)
//! and each action's verdict are Tseitin definitions, so every query is a set of assumptions
//! on one shared solver.

use crate::model::{
    ActionId, Case, CmpOp, Cond, DefaultVerdict, FactId, FactType, Modality, Policy, RuleId,
    RuleKind, Target, Value,
};
use rustsat::solvers::{SolveIncremental, SolverResult};
use rustsat::types::{Clause, Lit, TernaryVal, Var};

/// How a fact is represented.
#[derive(Clone, Debug)]
enum FactEnc {
    Bool(Lit),
    /// One literal per variant.
    Enum(Vec<Lit>),
    /// `(t, x >= t)` for each threshold, ascending; the value is `lo` when none holds.
    Int {
        lo: i64,
        thresholds: Vec<(i64, Lit)>,
    },
}

/// One evaluation of the policy: a literal per bool fact and per rule firing.
#[derive(Clone, Debug)]
pub struct World {
    /// Bool facts (input and derived); `None` for enum and integer facts.
    pub fact: Vec<Option<Lit>>,
    pub fire: Vec<Lit>,
}

/// An action's conclusions and verdict in one world.
#[derive(Clone, Debug)]
pub struct ActionEnc {
    /// Each conclusion on the action, and whether it remains after step 5.
    pub kept: Vec<(RuleId, Modality, Lit)>,
    /// Whether each conclusion of `kept` remains after step 4.
    pub kept4: Vec<Lit>,
    /// Permitted, forbidden, required, undecided, conflict: exactly one holds.
    pub verdict: [Lit; 5],
}

pub struct Encoder<S> {
    solver: S,
    next: u32,
    truth: Lit,
    facts: Vec<FactEnc>,
    pub error: Option<String>,
}

impl<S: SolveIncremental + Default> Encoder<S> {
    pub fn new(policy: &Policy) -> Self {
        let mut e = Encoder {
            solver: S::default(),
            next: 0,
            truth: Lit::positive(0),
            facts: Vec::new(),
            error: None,
        };
        e.truth = e.fresh();
        e.clause(&[e.truth]);
        let thresholds = thresholds(policy);
        for (f, fact) in policy.facts.iter().enumerate() {
            let enc = match &fact.ty {
                FactType::Bool => FactEnc::Bool(e.fresh()),
                FactType::Enum(vs) => {
                    let lits: Vec<Lit> = vs.iter().map(|_| e.fresh()).collect();
                    e.clause(&lits);
                    for i in 0..lits.len() {
                        for j in i + 1..lits.len() {
                            e.clause(&[!lits[i], !lits[j]]);
                        }
                    }
                    FactEnc::Enum(lits)
                }
                FactType::Int { lo, .. } => {
                    let ts: Vec<(i64, Lit)> =
                        thresholds[f].iter().map(|&t| (t, e.fresh())).collect();
                    for w in ts.windows(2) {
                        e.clause(&[!w[1].1, w[0].1]);
                    }
                    FactEnc::Int {
                        lo: *lo,
                        thresholds: ts,
                    }
                }
            };
            e.facts.push(enc);
        }
        e
    }

    fn fresh(&mut self) -> Lit {
        let v = Var::new(self.next);
        self.next += 1;
        v.pos_lit()
    }

    fn clause(&mut self, lits: &[Lit]) {
        let cl: Clause = lits.iter().copied().collect();
        if let Err(err) = self.solver.add_clause(cl) {
            self.error.get_or_insert(err.to_string());
        }
    }

    pub fn and(&mut self, lits: &[Lit]) -> Lit {
        let lits: Vec<Lit> = lits.iter().copied().filter(|&l| l != self.truth).collect();
        if lits.contains(&!self.truth) {
            return !self.truth;
        }
        match lits.as_slice() {
            [] => self.truth,
            [one] => *one,
            _ => {
                let v = self.fresh();
                let mut back = vec![v];
                for &l in &lits {
                    self.clause(&[!v, l]);
                    back.push(!l);
                }
                self.clause(&back);
                v
            }
        }
    }

    pub fn or(&mut self, lits: &[Lit]) -> Lit {
        let neg: Vec<Lit> = lits.iter().map(|&l| !l).collect();
        !self.and(&neg)
    }

    pub fn xor(&mut self, a: Lit, b: Lit) -> Lit {
        let x = self.fresh();
        self.clause(&[!x, a, b]);
        self.clause(&[!x, !a, !b]);
        self.clause(&[x, !a, b]);
        self.clause(&[x, a, !b]);
        x
    }

    /// A condition's literal, bool facts read from `world`.
    pub fn cond(&mut self, c: &Cond, world: &World) -> Lit {
        match c {
            Cond::Const(true) => self.truth,
            Cond::Const(false) => !self.truth,
            Cond::Fact(f) => world.fact[*f].unwrap_or(!self.truth),
            Cond::OneOf(f, set) => match &self.facts[*f] {
                FactEnc::Enum(lits) => {
                    let picked: Vec<Lit> = lits
                        .iter()
                        .zip(set)
                        .filter(|(_, b)| **b)
                        .map(|(l, _)| *l)
                        .collect();
                    self.or(&picked)
                }
                _ => !self.truth,
            },
            Cond::Compare(f, op, n) => {
                let ge = |e: &mut Self, t: i128| e.at_least(*f, t);
                let n = i128::from(*n);
                match op {
                    CmpOp::Ge => ge(self, n),
                    CmpOp::Gt => ge(self, n + 1),
                    CmpOp::Lt => !ge(self, n),
                    CmpOp::Le => !ge(self, n + 1),
                    CmpOp::Eq => {
                        let (a, b) = (ge(self, n), ge(self, n + 1));
                        self.and(&[a, !b])
                    }
                    CmpOp::Ne => {
                        let (a, b) = (ge(self, n), ge(self, n + 1));
                        !self.and(&[a, !b])
                    }
                }
            }
            Cond::Not(x) => !self.cond(x, world),
            Cond::And(xs) => {
                let lits: Vec<Lit> = xs.iter().map(|x| self.cond(x, world)).collect();
                self.and(&lits)
            }
            Cond::Or(xs) => {
                let lits: Vec<Lit> = xs.iter().map(|x| self.cond(x, world)).collect();
                self.or(&lits)
            }
        }
    }

    /// The literal for `x >= t` on an integer fact.
    fn at_least(&self, f: FactId, t: i128) -> Lit {
        match &self.facts[f] {
            FactEnc::Int { lo, thresholds } => {
                if t <= i128::from(*lo) {
                    return self.truth;
                }
                thresholds
                    .iter()
                    .find(|(x, _)| i128::from(*x) == t)
                    .map_or(!self.truth, |(_, l)| *l)
            }
            _ => !self.truth,
        }
    }

    /// Encodes the policy's evaluation. With `base` and `removed`, encodes the policy without
    /// rule `removed`, sharing every literal of `base` that the removal cannot change.
    pub fn world(&mut self, p: &Policy, base: Option<(&World, RuleId)>) -> World {
        let removed = base.map(|(_, r)| r);
        let affected = match base {
            Some((_, r)) => affected_by(p, r),
            None => (vec![true; p.facts.len()], vec![true; p.rules.len()]),
        };
        let mut w = World {
            fact: self
                .facts
                .iter()
                .map(|e| {
                    if let FactEnc::Bool(l) = e {
                        Some(*l)
                    } else {
                        None
                    }
                })
                .collect(),
            fire: vec![!self.truth; p.rules.len()],
        };
        let mut done = vec![false; p.rules.len()];
        let concluders = concluders(p);
        for &f in p.derivation_order() {
            if let Some((b, _)) = base.filter(|_| !affected.0[f]) {
                w.fact[f] = b.fact[f];
                continue;
            }
            let mut lits = Vec::new();
            for &r in &concluders[f] {
                self.fire(p, r, &mut w, &mut done, base, removed, &affected.1);
                lits.push(w.fire[r]);
            }
            w.fact[f] = Some(self.or(&lits));
        }
        for r in 0..p.rules.len() {
            self.fire(p, r, &mut w, &mut done, base, removed, &affected.1);
        }
        w
    }

    #[allow(clippy::too_many_arguments)]
    fn fire(
        &mut self,
        p: &Policy,
        r: RuleId,
        w: &mut World,
        done: &mut [bool],
        base: Option<(&World, RuleId)>,
        removed: Option<RuleId>,
        affected: &[bool],
    ) {
        if done[r] {
            return;
        }
        done[r] = true;
        w.fire[r] = match base {
            _ if removed == Some(r) => !self.truth,
            Some((b, _)) if !affected[r] => b.fire[r],
            _ => match &p.rules[r].kind {
                RuleKind::Conditional { when, unless } => {
                    let a = when.as_ref().map_or(self.truth, |c| self.cond(c, w));
                    let u = unless.as_ref().map_or(!self.truth, |c| self.cond(c, w));
                    self.and(&[a, !u])
                }
                RuleKind::Requirement { condition } => !self.cond(condition, w),
            },
        };
    }

    /// Steps 3 to 6 for one action in a world, leaving out rule `removed`.
    pub fn action(
        &mut self,
        p: &Policy,
        a: ActionId,
        w: &World,
        removed: Option<RuleId>,
    ) -> ActionEnc {
        let on_a: Vec<(RuleId, Modality)> = conclusions_on(p, a)
            .into_iter()
            .filter(|&(r, _)| Some(r) != removed)
            .collect();
        let mut kept4 = Vec::with_capacity(on_a.len());
        for &(r, m) in &on_a {
            let mut lits = vec![w.fire[r]];
            let mut winners: Vec<RuleId> = on_a
                .iter()
                .map(|&(x, _)| x)
                .filter(|&x| p.overrides(x, r))
                .collect();
            winners.dedup();
            lits.extend(winners.iter().map(|&x| !w.fire[x]));
            kept4.push((r, m, self.and(&lits)));
        }
        let reqs: Vec<Lit> = kept4
            .iter()
            .filter(|(r, _, _)| p.rules[*r].is_requirement())
            .map(|x| x.2)
            .collect();
        let req = self.or(&reqs);
        let mut kept = Vec::with_capacity(kept4.len());
        let after4: Vec<Lit> = kept4.iter().map(|x| x.2).collect();
        for (r, m, l) in kept4 {
            let l = if m == Modality::May {
                self.and(&[l, !req])
            } else {
                l
            };
            kept.push((r, m, l));
        }
        let has = |e: &mut Self, m: Modality| {
            let lits: Vec<Lit> = kept.iter().filter(|x| x.1 == m).map(|x| x.2).collect();
            e.or(&lits)
        };
        let (mn, may, must) = (
            has(self, Modality::MustNot),
            has(self, Modality::May),
            has(self, Modality::Must),
        );
        let any = self.or(&[mn, may, must]);
        let allow = self.or(&[may, must]);
        let t = self.truth;
        let default = p.actions[a].default;
        let is = |d| if default == d { t } else { !t };
        let conflict = self.and(&[mn, allow]);
        let required = self.and(&[!mn, must]);
        let p1 = self.and(&[!mn, !must, may]);
        let p2 = self.and(&[!any, is(Some(DefaultVerdict::Permitted))]);
        let permitted = self.or(&[p1, p2]);
        let f1 = self.and(&[mn, !allow]);
        let f2 = self.and(&[!any, is(Some(DefaultVerdict::Forbidden))]);
        let forbidden = self.or(&[f1, f2]);
        let undecided = self.and(&[!any, is(None)]);
        ActionEnc {
            kept,
            kept4: after4,
            verdict: [permitted, forbidden, required, undecided, conflict],
        }
    }

    /// Solves under assumptions: `Some(true)` when some valid case satisfies them.
    pub fn sat(&mut self, assumptions: &[Lit]) -> Option<bool> {
        if self.error.is_some() {
            return None;
        }
        match self.solver.solve_assumps(assumptions) {
            Ok(SolverResult::Sat) => Some(true),
            Ok(SolverResult::Unsat) => Some(false),
            Ok(SolverResult::Interrupted) => {
                self.error
                    .get_or_insert("the solver was interrupted".into());
                None
            }
            Err(e) => {
                self.error.get_or_insert(e.to_string());
                None
            }
        }
    }

    /// The case of the last satisfiable query.
    pub fn witness(&self, p: &Policy) -> Case {
        let val = |l: Lit| matches!(self.solver.lit_val(l), Ok(TernaryVal::True));
        let values = self
            .facts
            .iter()
            .enumerate()
            .map(|(f, e)| match e {
                FactEnc::Bool(l) => Value::Bool(!p.facts[f].derived && val(*l)),
                FactEnc::Enum(lits) => {
                    Value::Enum(lits.iter().position(|&l| val(l)).unwrap_or(0) as u32)
                }
                FactEnc::Int { lo, thresholds } => Value::Int(
                    thresholds
                        .iter()
                        .filter(|(_, l)| val(*l))
                        .map(|(t, _)| *t)
                        .max()
                        .unwrap_or(*lo),
                ),
            })
            .collect();
        Case { values }
    }
}

/// The thresholds `t` (with `lo < t <= hi`) at which each integer fact's comparisons can change.
fn thresholds(p: &Policy) -> Vec<Vec<i64>> {
    let mut out = vec![Vec::new(); p.facts.len()];
    fn walk(c: &Cond, out: &mut Vec<Vec<i64>>) {
        match c {
            Cond::Compare(f, _, n) => {
                out[*f].push(*n);
                if let Some(m) = n.checked_add(1) {
                    out[*f].push(m);
                }
            }
            Cond::Not(x) => walk(x, out),
            Cond::And(xs) | Cond::Or(xs) => xs.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    for r in &p.rules {
        match &r.kind {
            RuleKind::Conditional { when, unless } => {
                when.iter().chain(unless).for_each(|c| walk(c, &mut out))
            }
            RuleKind::Requirement { condition } => walk(condition, &mut out),
        }
    }
    for (f, ts) in out.iter_mut().enumerate() {
        if let FactType::Int { lo, hi } = p.facts[f].ty {
            ts.retain(|&t| t > lo && t <= hi);
            ts.sort_unstable();
            ts.dedup();
        }
    }
    out
}

/// For each fact, the rules that conclude it.
pub fn concluders(p: &Policy) -> Vec<Vec<RuleId>> {
    let mut out = vec![Vec::new(); p.facts.len()];
    for (r, rule) in p.rules.iter().enumerate() {
        for c in &rule.conclusions {
            if let Target::Fact(f) = c.target
                && !out[f].contains(&r)
            {
                out[f].push(r);
            }
        }
    }
    out
}

/// The conclusions on an action, in source order.
pub fn conclusions_on(p: &Policy, a: ActionId) -> Vec<(RuleId, Modality)> {
    let mut out = Vec::new();
    for (r, rule) in p.rules.iter().enumerate() {
        for c in &rule.conclusions {
            if let Target::Action(x, m) = c.target
                && x == a
            {
                out.push((r, m));
            }
        }
    }
    out
}

/// The derived facts and rules whose value can change when rule `r` is deleted.
pub fn affected_by(p: &Policy, r: RuleId) -> (Vec<bool>, Vec<bool>) {
    let mut facts = vec![false; p.facts.len()];
    let mut rules = vec![false; p.rules.len()];
    rules[r] = true;
    let mut stack = vec![r];
    while let Some(x) = stack.pop() {
        for c in &p.rules[x].conclusions {
            if let Target::Fact(f) = c.target
                && !facts[f]
            {
                facts[f] = true;
                for (y, rule) in p.rules.iter().enumerate() {
                    let mut mentions = false;
                    rule.for_each_fact(&mut |g| mentions |= g == f);
                    if mentions && !rules[y] {
                        rules[y] = true;
                        stack.push(y);
                    }
                }
            }
        }
    }
    (facts, rules)
}
