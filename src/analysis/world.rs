//! One cone of a policy as a circuit over its input facts: derived facts, rule firings,
//! and for an action steps 3 to 6 of section 8 of `docs/language.md`, as Tseitin gates,
//! so that every query is a set of assumptions and every model gives each gate its value.
//!
//! Step 4 is encoded in time linear in the overrides it has to express: the conclusions of a
//! rule are removed when *some* rule overriding it fires, and that disjunction is built from
//! the disjunctions of the rules it is made of (a chain of `n` exceptions costs `n` gates,
//! not `n * n`).

use super::circuit::Circuit;
use super::index::{Cone, Index};
use super::inputs::Inputs;
use crate::model::{
    ActionId, CmpOp, Cond, DefaultVerdict, FactId, Modality, Policy, RuleId, RuleKind,
};
use rustsat::solvers::SolveIncremental;
use rustsat::types::Lit;

const NONE: u32 = u32::MAX;

/// Global to local indexes for the cone being encoded; kept from cone to cone, so that
/// entering and leaving a cone costs the cone's size.
#[derive(Clone, Debug)]
pub struct Locals {
    rule: Vec<u32>,
    fact: Vec<u32>,
}

impl Locals {
    /// Empty maps for `policy`.
    pub fn new(policy: &Policy) -> Self {
        Locals {
            rule: vec![NONE; policy.rules().len()],
            fact: vec![NONE; policy.facts().len()],
        }
    }

    /// Maps the cone's rules and facts to their positions in it.
    pub fn enter(&mut self, cone: &Cone) {
        for (i, &r) in cone.rules.iter().enumerate() {
            self.rule[r] = i as u32;
        }
        for (i, &f) in cone.facts.iter().enumerate() {
            self.fact[f] = i as u32;
        }
    }

    /// Clears what [`enter`](Self::enter) set.
    pub fn leave(&mut self, cone: &Cone) {
        for &r in &cone.rules {
            self.rule[r] = NONE;
        }
        for &f in &cone.facts {
            self.fact[f] = NONE;
        }
    }

    /// A rule's position in the cone (it must be in it).
    pub fn rule(&self, r: RuleId) -> usize {
        self.rule[r] as usize
    }

    /// A fact's position in the cone, if it is in it.
    pub fn fact(&self, f: FactId) -> Option<usize> {
        match self.fact[f] {
            NONE => None,
            i => Some(i as usize),
        }
    }
}

/// One evaluation of a cone: a literal per derived fact and per rule firing.
#[derive(Clone, Debug)]
pub struct World {
    /// Per fact of the cone (its `facts` order): a derived fact's literal.
    pub derived: Vec<Option<Lit>>,
    /// Per rule of the cone (its `rules` order): whether it fires.
    pub fire: Vec<Lit>,
}

impl World {
    /// The literal of a rule's firing (the rule must be in the cone).
    pub fn fires(&self, locals: &Locals, r: RuleId) -> Lit {
        self.fire[locals.rule(r)]
    }
}

/// Encodes the cone's evaluation over `inputs`: derived facts in derivation order, then
/// every rule's firing.
pub fn encode_world<S: SolveIncremental + Default>(
    circuit: &mut Circuit<S>,
    policy: &Policy,
    index: &Index,
    cone: &Cone,
    locals: &Locals,
    inputs: &Inputs,
) -> World {
    let mut world = World {
        derived: vec![None; cone.facts.len()],
        fire: vec![circuit.falsity(); cone.rules.len()],
    };
    let mut done = vec![false; cone.rules.len()];
    for &f in &cone.derived {
        let mut lits = Vec::new();
        for &r in &index.concluders[f] {
            let lr = locals.rule(r);
            if !done[lr] {
                done[lr] = true;
                world.fire[lr] = fires(circuit, policy, r, &world, locals, inputs);
            }
            lits.push(world.fire[lr]);
        }
        if let Some(lf) = locals.fact(f) {
            world.derived[lf] = Some(circuit.or(&lits));
        }
    }
    for (lr, &r) in cone.rules.iter().enumerate() {
        if !done[lr] {
            done[lr] = true;
            world.fire[lr] = fires(circuit, policy, r, &world, locals, inputs);
        }
    }
    world
}

/// A rule's firing, its condition read from `world` and `inputs`.
fn fires<S: SolveIncremental + Default>(
    circuit: &mut Circuit<S>,
    policy: &Policy,
    r: RuleId,
    world: &World,
    locals: &Locals,
    inputs: &Inputs,
) -> Lit {
    let read = |c: &Cond, circuit: &mut Circuit<S>| cond(circuit, c, world, locals, inputs);
    match &policy.rule(r).kind {
        RuleKind::Conditional { when, unless } => {
            let w = when.as_ref().map_or(circuit.truth(), |c| read(c, circuit));
            let u = unless
                .as_ref()
                .map_or(circuit.falsity(), |c| read(c, circuit));
            circuit.and(&[w, !u])
        }
        RuleKind::Requirement { condition } => !read(condition, circuit),
    }
}

/// A condition's literal. Conditions nest at most as deep as the parser allows.
pub fn cond<S: SolveIncremental + Default>(
    circuit: &mut Circuit<S>,
    c: &Cond,
    world: &World,
    locals: &Locals,
    inputs: &Inputs,
) -> Lit {
    match c {
        Cond::Const(b) => circuit.constant(*b),
        Cond::Fact(f) => match locals.fact(*f).and_then(|lf| world.derived[lf]) {
            Some(l) => l,
            None => inputs.bool_lit(circuit, *f),
        },
        Cond::OneOf(f, set, _) => inputs.one_of(circuit, *f, set),
        Cond::Compare(f, op, n) => {
            let n = i128::from(*n);
            let ge = |circuit: &mut Circuit<S>, t: i128| inputs.at_least(circuit, *f, t);
            match op {
                CmpOp::Ge => ge(circuit, n),
                CmpOp::Gt => ge(circuit, n + 1),
                CmpOp::Lt => !ge(circuit, n),
                CmpOp::Le => !ge(circuit, n + 1),
                CmpOp::Eq | CmpOp::Ne => {
                    let (a, b) = (ge(circuit, n), ge(circuit, n + 1));
                    let eq = circuit.and(&[a, !b]);
                    if *op == CmpOp::Eq { eq } else { !eq }
                }
            }
        }
        Cond::Not(x) => !cond(circuit, x, world, locals, inputs),
        Cond::And(xs) => {
            let lits: Vec<Lit> = xs
                .iter()
                .map(|x| cond(circuit, x, world, locals, inputs))
                .collect();
            circuit.and(&lits)
        }
        Cond::Or(xs) => {
            let lits: Vec<Lit> = xs
                .iter()
                .map(|x| cond(circuit, x, world, locals, inputs))
                .collect();
            circuit.or(&lits)
        }
    }
}

/// An action's conclusions and verdict in one world.
#[derive(Clone, Debug)]
pub struct ActionLits {
    /// Each conclusion on the action, and whether it remains after step 5.
    pub kept: Vec<(RuleId, Modality, Lit)>,
    /// Whether each conclusion of `kept` remains after step 4.
    pub kept4: Vec<Lit>,
    /// Permitted, forbidden, required, undecided, conflict (the order of `Verdict::ALL`):
    /// exactly one holds.
    pub verdict: [Lit; 5],
    /// Per rule of the action's [`Overrides`]: whether it fires.
    pub fire: Vec<Lit>,
    /// Per rule of the action's [`Overrides`]: whether some rule overriding it fires.
    pub removed: Vec<Lit>,
    /// Per rule of the action's [`Overrides`]: whether it or some rule overriding it fires.
    pub reach: Vec<Lit>,
}

/// The override structure of one action, computed once and used by every encoding of it:
/// for each rule concluding on it, the others that override it.
#[derive(Clone, Debug)]
pub struct Overrides {
    /// The rules concluding on the action, once each, in source order.
    pub rules: Vec<RuleId>,
    /// Per rule of `rules`: the positions in `rules` of the rules that override it,
    /// directly or transitively, those overridden by the most first.
    pub over: Vec<Vec<u32>>,
    /// Per rule of `rules`: the positions of the rules it overrides.
    pub under: Vec<Vec<u32>>,
    /// The positions of `rules` in an order where every rule comes after those that
    /// override it.
    pub order: Vec<u32>,
}

impl Overrides {
    /// The structure for action `a`.
    pub fn of(policy: &Policy, index: &Index, a: ActionId) -> Overrides {
        let mut rules: Vec<RuleId> = index.on_action[a].iter().map(|x| x.0).collect();
        rules.dedup();
        let winners: Vec<u32> = (0..rules.len() as u32)
            .filter(|&i| !policy.overridden_by(rules[i as usize]).is_empty())
            .collect();
        let mut over: Vec<Vec<u32>> = rules
            .iter()
            .map(|&q| {
                if !policy.is_overridden(q) {
                    return Vec::new();
                }
                winners
                    .iter()
                    .copied()
                    .filter(|&w| policy.overrides(rules[w as usize], q))
                    .collect()
            })
            .collect();
        // Whoever overrides a rule is overridden by fewer rules than it: fewest first.
        let height: Vec<usize> = over.iter().map(Vec::len).collect();
        let mut order: Vec<u32> = (0..rules.len() as u32).collect();
        order.sort_by_key(|&i| height[i as usize]);
        let mut under = vec![Vec::new(); rules.len()];
        for (q, ws) in over.iter_mut().enumerate() {
            ws.sort_by_key(|&w| std::cmp::Reverse(height[w as usize]));
            for &w in ws.iter() {
                under[w as usize].push(q as u32);
            }
        }
        for qs in &mut under {
            qs.sort_by_key(|&q| height[q as usize]);
        }
        Overrides {
            rules,
            over,
            under,
            order,
        }
    }

    /// The position of a rule concluding on the action.
    pub fn position(&self, r: RuleId) -> usize {
        self.rules.binary_search(&r).unwrap_or(0)
    }

    /// The disjunction for step 4 of rule `i`: some rule overriding it fires, built from the
    /// `reach` of a few of them (the lowest first, each standing for itself and everything
    /// that overrides it). `covered` is scratch space of one entry per rule, and `stamp` a
    /// value it holds nowhere yet.
    pub fn removed<S: SolveIncremental + Default>(
        &self,
        circuit: &mut Circuit<S>,
        i: usize,
        reach: impl Fn(usize) -> Lit,
        covered: &mut [u32],
        stamp: u32,
    ) -> Lit {
        let mut terms = Vec::new();
        for &w in &self.over[i] {
            let w = w as usize;
            if covered[w] == stamp {
                continue;
            }
            covered[w] = stamp;
            for &x in &self.over[w] {
                covered[x as usize] = stamp;
            }
            terms.push(reach(w));
        }
        circuit.or(&terms)
    }
}

/// Steps 3 to 6 for action `a` in a world.
pub fn encode_action<S: SolveIncremental + Default>(
    circuit: &mut Circuit<S>,
    policy: &Policy,
    index: &Index,
    overrides: &Overrides,
    a: ActionId,
    world: &World,
    locals: &Locals,
) -> ActionLits {
    let n = overrides.rules.len();
    let fire: Vec<Lit> = overrides
        .rules
        .iter()
        .map(|&r| world.fires(locals, r))
        .collect();
    // removed[i]: some rule that overrides rule i fires (step 4); reach[i]: rule i or some
    // rule that overrides it fires. Rules are visited with their overriders first.
    let mut removed = vec![circuit.falsity(); n];
    let mut reach = vec![circuit.falsity(); n];
    let mut covered = vec![u32::MAX; n];
    for &i in &overrides.order {
        let i = i as usize;
        if !overrides.over[i].is_empty() {
            removed[i] = overrides.removed(circuit, i, |w| reach[w], &mut covered, i as u32);
        }
        reach[i] = circuit.or(&[fire[i], removed[i]]);
    }
    let position = |r: RuleId| overrides.position(r);
    let mut kept4 = Vec::new();
    let mut on_a: Vec<(RuleId, Modality)> = Vec::new();
    for &(r, m) in &index.on_action[a] {
        let i = position(r);
        on_a.push((r, m));
        kept4.push(circuit.and(&[fire[i], !removed[i]]));
    }
    let reqs: Vec<Lit> = on_a
        .iter()
        .zip(&kept4)
        .filter(|((r, _), _)| policy.rule(*r).is_requirement())
        .map(|(_, &l)| l)
        .collect();
    let req = circuit.or(&reqs);
    let mut kept = Vec::with_capacity(kept4.len());
    for (&(r, m), &l) in on_a.iter().zip(&kept4) {
        let l = if m == Modality::May {
            circuit.and(&[l, !req])
        } else {
            l
        };
        kept.push((r, m, l));
    }
    let has = |circuit: &mut Circuit<S>, m: Modality| {
        let lits: Vec<Lit> = kept.iter().filter(|x| x.1 == m).map(|x| x.2).collect();
        circuit.or(&lits)
    };
    let (mn, may, must) = (
        has(circuit, Modality::MustNot),
        has(circuit, Modality::May),
        has(circuit, Modality::Must),
    );
    let default = policy.action(a).default;
    ActionLits {
        kept,
        kept4,
        verdict: verdict(circuit, default, [mn, may, must]),
        fire,
        removed,
        reach,
    }
}

/// The verdict literals from which modalities remain after step 5 (`must not`, `may`,
/// `must`) and the action's default.
pub fn verdict<S: SolveIncremental + Default>(
    circuit: &mut Circuit<S>,
    default: Option<DefaultVerdict>,
    [mn, may, must]: [Lit; 3],
) -> [Lit; 5] {
    let any = circuit.or(&[mn, may, must]);
    let allow = circuit.or(&[may, must]);
    let is = |circuit: &Circuit<S>, d| circuit.constant(default == d);
    let conflict = circuit.and(&[mn, allow]);
    let required = circuit.and(&[!mn, must]);
    let p1 = circuit.and(&[!mn, !must, may]);
    let p2 = circuit.and(&[!any, is(circuit, Some(DefaultVerdict::Permitted))]);
    let permitted = circuit.or(&[p1, p2]);
    let f1 = circuit.and(&[mn, !allow]);
    let f2 = circuit.and(&[!any, is(circuit, Some(DefaultVerdict::Forbidden))]);
    let forbidden = circuit.or(&[f1, f2]);
    let undecided = circuit.and(&[!any, is(circuit, None)]);
    [permitted, forbidden, required, undecided, conflict]
}
