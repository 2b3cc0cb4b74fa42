//! One cone of the policy as a propositional circuit over the valid cases, on its own
//! incremental SAT solver.
//!
//! Bool facts are variables; an enum fact is one variable per variant with exactly one true;
//! an integer fact is an order encoding over the thresholds its comparisons use. Derived
//! facts, rule firings, the override removal (step 4), the requirement precedence (step 5)
//! and each action's verdict are Tseitin definitions, so every query is a set of assumptions
//! on the cone's solver, and every model gives each gate its value under the model's case.
//! Only the facts and rules of the cone ([`Cone`]) get variables; facts and rules are
//! numbered inside the cone ("local" indexes below).

use super::index::{Cone, Index};
use crate::model::{
    ActionId, Case, CmpOp, Cond, DefaultVerdict, FactId, FactType, Modality, Policy, RuleId,
    RuleKind, Value,
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

/// One evaluation of the cone: a literal per bool fact and per rule firing (local indexes).
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

/// Global to local indexes, kept from cone to cone (`NONE` outside the current cone).
#[derive(Clone, Debug)]
pub struct Locals {
    rule: Vec<u32>,
    fact: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl Locals {
    pub fn new(policy: &Policy) -> Self {
        Locals {
            rule: vec![NONE; policy.rules().len()],
            fact: vec![NONE; policy.facts().len()],
        }
    }
}

pub struct Encoder<'c, S> {
    solver: S,
    next: u32,
    truth: Lit,
    cone: &'c Cone,
    locals: Locals,
    /// Per local fact.
    facts: Vec<FactEnc>,
    pub error: Option<String>,
}

impl<'c, S: SolveIncremental + Default> Encoder<'c, S> {
    pub fn new(policy: &Policy, index: &Index, cone: &'c Cone, mut locals: Locals) -> Self {
        for (i, &r) in cone.rules.iter().enumerate() {
            locals.rule[r] = i as u32;
        }
        for (i, &f) in cone.facts.iter().enumerate() {
            locals.fact[f] = i as u32;
        }
        let mut enc = Encoder {
            solver: S::default(),
            next: 0,
            truth: Lit::positive(0),
            cone,
            locals,
            facts: Vec::with_capacity(cone.facts.len()),
            error: None,
        };
        enc.truth = enc.fresh();
        enc.clause(&[enc.truth]);
        for &f in &cone.facts {
            let fact_enc = match &policy.fact(f).ty {
                FactType::Bool => FactEnc::Bool(enc.fresh()),
                FactType::Enum(vs) => {
                    let lits: Vec<Lit> = vs.iter().map(|_| enc.fresh()).collect();
                    enc.clause(&lits);
                    for i in 0..lits.len() {
                        for j in i + 1..lits.len() {
                            enc.clause(&[!lits[i], !lits[j]]);
                        }
                    }
                    FactEnc::Enum(lits)
                }
                FactType::Int { lo, .. } => {
                    let ts: Vec<(i64, Lit)> = index.thresholds[f]
                        .iter()
                        .map(|&t| (t, enc.fresh()))
                        .collect();
                    for w in ts.windows(2) {
                        enc.clause(&[!w[1].1, w[0].1]);
                    }
                    FactEnc::Int {
                        lo: *lo,
                        thresholds: ts,
                    }
                }
            };
            enc.facts.push(fact_enc);
        }
        enc
    }

    /// Gives back the index maps, cleared, for the next cone.
    pub fn into_locals(self) -> Locals {
        let mut locals = self.locals;
        for &r in &self.cone.rules {
            locals.rule[r] = NONE;
        }
        for &f in &self.cone.facts {
            locals.fact[f] = NONE;
        }
        locals
    }

    /// A rule's local index (the rule must be in the cone).
    pub fn rule(&self, r: RuleId) -> usize {
        self.locals.rule[r] as usize
    }

    pub fn in_cone(&self, r: RuleId) -> bool {
        self.locals.rule[r] != NONE
    }

    fn fact(&self, f: FactId) -> usize {
        self.locals.fact[f] as usize
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
        if a == b {
            return !self.truth;
        }
        let x = self.fresh();
        self.clause(&[!x, a, b]);
        self.clause(&[!x, !a, !b]);
        self.clause(&[x, !a, b]);
        self.clause(&[x, a, !b]);
        x
    }

    /// A condition's literal, bool facts read from `world`.
    fn cond(&mut self, c: &Cond, world: &World) -> Lit {
        match c {
            Cond::Const(true) => self.truth,
            Cond::Const(false) => !self.truth,
            Cond::Fact(f) => world.fact[self.fact(*f)].unwrap_or(!self.truth),
            Cond::OneOf(f, set) => match &self.facts[self.fact(*f)] {
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
        match &self.facts[self.fact(f)] {
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

    /// Encodes the cone's evaluation. With `base` and `removed`, encodes it without rule
    /// `removed`, sharing every literal of `base` that the removal cannot change.
    pub fn world(
        &mut self,
        policy: &Policy,
        index: &Index,
        base: Option<(&World, RuleId)>,
    ) -> World {
        let cone = self.cone;
        let (nf, nr) = (cone.facts.len(), cone.rules.len());
        let mut w = World {
            fact: self
                .facts
                .iter()
                .map(|e| match e {
                    FactEnc::Bool(l) => Some(*l),
                    _ => None,
                })
                .collect(),
            fire: vec![!self.truth; nr],
        };
        // What the removal can change: the rule, the facts it derives, the rules that read
        // them, and so on downstream (inside the cone).
        let (mut fact_changes, mut rule_changes) = (vec![true; nf], vec![true; nr]);
        let removed = base.map(|(_, r)| r);
        if let Some((b, r)) = base {
            w = b.clone();
            fact_changes.fill(false);
            rule_changes.fill(false);
            let mut stack = vec![r];
            rule_changes[self.rule(r)] = true;
            while let Some(x) = stack.pop() {
                for c in &policy.rule(x).conclusions {
                    if let crate::model::Target::Fact(f) = c.target
                        && self.locals.fact[f] != NONE
                    {
                        let lf = self.fact(f);
                        if fact_changes[lf] {
                            continue;
                        }
                        fact_changes[lf] = true;
                        for &y in &index.users[f] {
                            if self.in_cone(y) && !rule_changes[self.rule(y)] {
                                rule_changes[self.rule(y)] = true;
                                stack.push(y);
                            }
                        }
                    }
                }
            }
        }
        let mut done = vec![false; nr];
        for &f in &cone.derived {
            if !fact_changes[self.fact(f)] {
                continue;
            }
            let mut lits = Vec::new();
            for &r in &index.concluders[f] {
                self.fire(policy, r, &mut w, &mut done, removed, &rule_changes);
                lits.push(w.fire[self.rule(r)]);
            }
            let lf = self.fact(f);
            w.fact[lf] = Some(self.or(&lits));
        }
        for &r in &cone.rules {
            self.fire(policy, r, &mut w, &mut done, removed, &rule_changes);
        }
        w
    }

    fn fire(
        &mut self,
        policy: &Policy,
        r: RuleId,
        w: &mut World,
        done: &mut [bool],
        removed: Option<RuleId>,
        changes: &[bool],
    ) {
        let lr = self.rule(r);
        if done[lr] || !changes[lr] {
            return;
        }
        done[lr] = true;
        w.fire[lr] = if removed == Some(r) {
            !self.truth
        } else {
            match &policy.rule(r).kind {
                RuleKind::Conditional { when, unless } => {
                    let a = when.as_ref().map_or(self.truth, |c| self.cond(c, w));
                    let u = unless.as_ref().map_or(!self.truth, |c| self.cond(c, w));
                    self.and(&[a, !u])
                }
                RuleKind::Requirement { condition } => !self.cond(condition, w),
            }
        };
    }

    /// The literal of a rule's firing in a world.
    pub fn fires(&self, w: &World, r: RuleId) -> Lit {
        w.fire[self.rule(r)]
    }

    /// Steps 3 to 6 for one action in a world, leaving out rule `removed`.
    pub fn action(
        &mut self,
        policy: &Policy,
        index: &Index,
        a: ActionId,
        w: &World,
        removed: Option<RuleId>,
    ) -> ActionEnc {
        let on_a: Vec<(RuleId, Modality)> = index.on_action[a]
            .iter()
            .copied()
            .filter(|&(r, _)| Some(r) != removed)
            .collect();
        let mut kept4 = Vec::with_capacity(on_a.len());
        for &(r, m) in &on_a {
            let mut lits = vec![self.fires(w, r)];
            if policy.is_overridden(r) {
                let mut winners: Vec<RuleId> = on_a
                    .iter()
                    .map(|&(x, _)| x)
                    .filter(|&x| policy.overrides(x, r))
                    .collect();
                winners.dedup();
                lits.extend(winners.iter().map(|&x| !self.fires(w, x)));
            }
            kept4.push((r, m, self.and(&lits)));
        }
        let reqs: Vec<Lit> = kept4
            .iter()
            .filter(|(r, _, _)| policy.rule(*r).is_requirement())
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
        let default = policy.action(a).default;
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

    /// A literal's value in the model of the last satisfiable query.
    pub fn value(&self, l: Lit) -> bool {
        matches!(self.solver.lit_val(l), Ok(TernaryVal::True))
    }

    /// The case of the last satisfiable query; facts outside the cone take their first value
    /// (false, the first variant, the lower bound): they cannot change what the cone decides.
    pub fn witness(&self, policy: &Policy) -> Case {
        let mut values: Vec<Value> = policy
            .facts()
            .iter()
            .map(|f| match &f.ty {
                FactType::Bool => Value::Bool(false),
                FactType::Enum(_) => Value::Enum(0),
                FactType::Int { lo, .. } => Value::Int(*lo),
            })
            .collect();
        for (i, &f) in self.cone.facts.iter().enumerate() {
            values[f] = match &self.facts[i] {
                FactEnc::Bool(l) => Value::Bool(!policy.fact(f).derived && self.value(*l)),
                FactEnc::Enum(lits) => {
                    Value::Enum(lits.iter().position(|&l| self.value(l)).unwrap_or(0) as u32)
                }
                FactEnc::Int { lo, thresholds } => Value::Int(
                    thresholds
                        .iter()
                        .filter(|(_, l)| self.value(*l))
                        .map(|(t, _)| *t)
                        .max()
                        .unwrap_or(*lo),
                ),
            };
        }
        Case { values }
    }
}
