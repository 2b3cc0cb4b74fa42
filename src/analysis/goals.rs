//! Coverage goals, decided by the solver: the rules that can decide, the verdicts each
//! action can reach, and both sides of every integer comparison's boundary; then a plan of
//! small cases that meets every goal the given cases leave open, goal by goal, each new
//! case credited with every goal it meets.

use super::AnalysisError;
use super::DefaultSolver;
use super::candidates::{Sparse, minimize, set_facts, values_on};
use super::circuit::Circuit;
use super::index::{Cone, Index, Marks};
use super::inputs::{Domains, Inputs, default_value, int_lits};
use super::world::{Locals, Overrides, encode_action, encode_world};
use crate::eval::Evaluator;
use crate::model::{
    ActionId, Case, CmpOp, Cond, FactId, FactType, Policy, RuleId, Target, Value, Verdict,
};
use rustsat::types::Lit;

/// Something a set of cases should show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Goal {
    /// The rule decides in some case.
    Decides(RuleId),
    /// The action gets the verdict in some case.
    Reaches(ActionId, Verdict),
    /// Some case gives the integer fact `value`, and the rule decides in it or in the same
    /// case with the fact at `other`, the value across the boundary of one of its
    /// comparisons.
    Boundary {
        /// The rule whose condition holds the comparison.
        rule: RuleId,
        /// The integer fact compared.
        fact: FactId,
        /// The value the case gives it.
        value: i64,
        /// The value on the other side of the boundary.
        other: i64,
    },
}

/// Which case meets a goal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetBy {
    /// One of the cases given (its index).
    Given(usize),
    /// One of the plan's new cases (its index).
    New(usize),
}

/// Every goal some valid case meets, and the cases that meet them.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// The goals, rules first (source order), then verdicts (actions in declaration order,
    /// words in their order), then boundaries.
    pub goals: Vec<Goal>,
    /// Per goal: the case that meets it.
    pub met_by: Vec<MetBy>,
    /// The new cases.
    pub cases: Vec<Case>,
    /// Per new case: the goal it was made for.
    pub made_for: Vec<Goal>,
    /// How many rules decide in no valid case.
    pub never_decide: usize,
}

/// Whether rule `r` decides in the evaluator's last case: it fired and one of its
/// conclusions remains in a `by` list, or it derives a fact (which is then true).
pub fn decides(policy: &Policy, evaluator: &Evaluator, r: RuleId) -> bool {
    if !evaluator.fired(r) {
        return false;
    }
    policy.rule(r).conclusions.iter().any(|c| match c.target {
        Target::Fact(_) => true,
        Target::Action(a, _) => evaluator.by(a).contains(&r),
    })
}

/// Whether a case meets a goal; the evaluator is left holding some evaluation.
pub fn meets(policy: &Policy, evaluator: &mut Evaluator, case: &Case, goal: Goal) -> bool {
    evaluator.evaluate(case);
    match goal {
        Goal::Decides(r) => decides(policy, evaluator, r),
        Goal::Reaches(a, v) => evaluator.verdict(a) == v,
        Goal::Boundary {
            rule,
            fact,
            value,
            other,
        } => {
            if case.values[fact] != Value::Int(value) {
                return false;
            }
            if decides(policy, evaluator, rule) {
                return true;
            }
            let mut moved = case.clone();
            moved.values[fact] = Value::Int(other);
            evaluator.evaluate(&moved);
            decides(policy, evaluator, rule)
        }
    }
}

/// The boundaries of a condition's comparisons: `(fact, below, above)`, the two values
/// where the comparison changes, both in the fact's range.
fn boundaries(policy: &Policy, c: &Cond, out: &mut Vec<(FactId, i64, i64)>) {
    match c {
        Cond::Compare(f, op, n) => {
            let FactType::Int { lo, hi } = policy.fact(*f).ty else {
                return;
            };
            let below = match op {
                CmpOp::Gt | CmpOp::Le => vec![Some(*n)],
                CmpOp::Ge | CmpOp::Lt => vec![n.checked_sub(1)],
                CmpOp::Eq | CmpOp::Ne => vec![n.checked_sub(1), Some(*n)],
            };
            for b in below.into_iter().flatten() {
                if let Some(a) = b.checked_add(1)
                    && b >= lo
                    && a <= hi
                    && !out.contains(&(*f, b, a))
                {
                    out.push((*f, b, a));
                }
            }
        }
        Cond::Not(x) => boundaries(policy, x, out),
        Cond::And(xs) | Cond::Or(xs) => xs.iter().for_each(|x| boundaries(policy, x, out)),
        Cond::Const(_) | Cond::Fact(_) | Cond::OneOf(..) => {}
    }
}

/// The whole policy on one solver: a literal per goal.
struct Solver {
    circuit: Circuit<DefaultSolver>,
    inputs: Inputs,
    lits: Vec<(Goal, Lit)>,
}

impl Solver {
    fn new(policy: &Policy, with_boundaries: bool) -> Self {
        let index = Index::new(policy);
        let all: Vec<RuleId> = (0..policy.rules().len()).collect();
        let cone = Cone::of(policy, &index, &all, &mut Marks::new(policy));
        let mut circuit = Circuit::<DefaultSolver>::new();
        let mut inputs = Inputs::new(policy);
        inputs.encode(&mut circuit, policy, &cone.facts, &cone.rules);
        // Integer facts again, with a threshold at every value a boundary names, so that
        // `x = v` is a literal for each of them.
        let mut domains = Domains::default();
        for r in policy.rules() {
            r.conditions().for_each(|c| domains.add(c));
        }
        let mut sides: Vec<Vec<(FactId, i64, i64)>> = Vec::new();
        for r in policy.rules() {
            let mut out = Vec::new();
            if with_boundaries {
                r.conditions().for_each(|c| boundaries(policy, c, &mut out));
            }
            sides.push(out);
        }
        for &f in &cone.facts {
            if let (false, FactType::Int { lo, hi }) = (policy.fact(f).derived, &policy.fact(f).ty)
            {
                let extra = sides.iter().flatten().filter(|s| s.0 == f);
                let ts: Vec<i64> = domains
                    .thresholds(f)
                    .chain(extra.flat_map(|&(_, b, a)| [b, a, a.saturating_add(1)]))
                    .collect();
                let lits = int_lits(&mut circuit, *lo, *hi, ts);
                inputs.set(f, lits);
            }
        }
        let mut locals = Locals::new(policy);
        locals.enter(&cone);
        let world = encode_world(&mut circuit, policy, &index, &cone, &locals, &inputs);
        let mut kept: Vec<Vec<Lit>> = vec![Vec::new(); policy.rules().len()];
        let mut lits = Vec::new();
        let mut verdicts = Vec::new();
        for a in 0..policy.actions().len() {
            let overrides = Overrides::of(policy, &index, a);
            let al = encode_action(&mut circuit, policy, &index, &overrides, a, &world, &locals);
            for &(r, _, l) in &al.kept {
                kept[r].push(l);
            }
            for (i, &v) in Verdict::ALL.iter().enumerate() {
                verdicts.push((Goal::Reaches(a, v), al.verdict[i]));
            }
        }
        let mut decide = Vec::new();
        for (r, lits_r) in kept.iter().enumerate() {
            let l = if index.derives[r] {
                world.fires(&locals, r)
            } else {
                circuit.or(lits_r)
            };
            decide.push(l);
            lits.push((Goal::Decides(r), l));
        }
        lits.extend(verdicts);
        for (r, ss) in sides.iter().enumerate() {
            for &(f, b, a) in ss {
                let eq = |circuit: &mut Circuit<DefaultSolver>, v: i64| {
                    let ge = inputs.at_least(circuit, f, i128::from(v));
                    let gt = inputs.at_least(circuit, f, i128::from(v) + 1);
                    circuit.and(&[ge, !gt])
                };
                let (eb, ea) = (eq(&mut circuit, b), eq(&mut circuit, a));
                let either = circuit.or(&[eb, ea]);
                let l = circuit.and(&[decide[r], either]);
                for (value, other) in [(b, a), (a, b)] {
                    let goal = Goal::Boundary {
                        rule: r,
                        fact: f,
                        value,
                        other,
                    };
                    if !lits.iter().any(|x| x.0 == goal) {
                        lits.push((goal, l));
                    }
                }
            }
        }
        locals.leave(&cone);
        Solver {
            circuit,
            inputs,
            lits,
        }
    }
}

/// Marks every goal not met yet that `case` meets.
fn mark(
    policy: &Policy,
    evaluator: &mut Evaluator,
    goals: &[(Goal, Lit)],
    met: &mut [Option<MetBy>],
    case: &Case,
    by: MetBy,
) {
    evaluator.evaluate(case);
    let decided: Vec<bool> = (0..policy.rules().len())
        .map(|r| decides(policy, evaluator, r))
        .collect();
    let mut later = Vec::new();
    for (i, &(goal, _)) in goals.iter().enumerate() {
        if met[i].is_some() {
            continue;
        }
        let yes = match goal {
            Goal::Decides(r) => decided[r],
            Goal::Reaches(a, v) => evaluator.verdict(a) == v,
            Goal::Boundary {
                rule, fact, value, ..
            } => {
                if case.values[fact] != Value::Int(value) {
                    false
                } else if decided[rule] {
                    true
                } else {
                    later.push(i);
                    false
                }
            }
        };
        if yes {
            met[i] = Some(by);
        }
    }
    for i in later {
        if meets(policy, evaluator, case, goals[i].0) {
            met[i] = Some(by);
        }
    }
}

/// Moves integer facts of a new case onto sides of boundaries no case tries yet, where the
/// case still meets its goal: one case then closes those goals too.
fn snap_to_boundaries(
    policy: &Policy,
    evaluator: &mut Evaluator,
    goals: &[(Goal, Lit)],
    met: &[Option<MetBy>],
    goal: Goal,
    sparse: &mut Sparse,
) {
    let mut moved: Vec<FactId> = Vec::new();
    if let Goal::Boundary { fact, .. } = goal {
        moved.push(fact);
    }
    for (i, &(open, _)) in goals.iter().enumerate() {
        let Goal::Boundary { fact, value, .. } = open else {
            continue;
        };
        if met[i].is_some() || open == goal || moved.contains(&fact) {
            continue;
        }
        let mut tried = sparse.clone();
        tried.retain(|x| x.0 != fact);
        if Value::Int(value) != default_value(&policy.fact(fact).ty) {
            tried.push((fact, Value::Int(value)));
        }
        let case = whole(policy, &tried);
        if meets(policy, evaluator, &case, goal) && meets(policy, evaluator, &case, open) {
            *sparse = tried;
            moved.push(fact);
        }
    }
}

/// A whole case from sparse values, every other fact at the first value of its type.
fn whole(policy: &Policy, s: &Sparse) -> Case {
    let mut case = Case {
        values: policy
            .facts()
            .iter()
            .map(|f| default_value(&f.ty))
            .collect(),
    };
    for &(f, v) in s {
        case.values[f] = v;
    }
    case
}

/// The plan for `policy` given the cases already written: every goal some valid case
/// meets (boundaries only when asked), and new cases for those the given cases leave
/// open. Each new case gives as few facts as its goal needs.
pub fn plan(policy: &Policy, given: &[Case], with_boundaries: bool) -> Result<Plan, AnalysisError> {
    let mut solver = Solver::new(policy, with_boundaries);
    let mut evaluator = Evaluator::new(policy);
    let mut plan = Plan::default();
    let goals = std::mem::take(&mut solver.lits);
    let mut met: Vec<Option<MetBy>> = vec![None; goals.len()];
    for (i, c) in given.iter().enumerate() {
        mark(policy, &mut evaluator, &goals, &mut met, c, MetBy::Given(i));
    }
    for (g, &(goal, lit)) in goals.iter().enumerate() {
        if met[g].is_some() {
            continue;
        }
        if !solver.circuit.sat(&[lit])? {
            if matches!(goal, Goal::Decides(_)) {
                plan.never_decide += 1;
            }
            continue;
        }
        let model = values_on(solver.inputs.facts(), |f| {
            solver
                .inputs
                .model_value(&solver.circuit, f)
                .unwrap_or_else(|| default_value(&policy.fact(f).ty))
        });
        let mut sparse = set_facts(policy, model);
        if let Goal::Boundary { fact, value, .. } = goal {
            sparse.retain(|x| x.0 != fact);
            sparse.push((fact, Value::Int(value)));
        }
        if !meets(policy, &mut evaluator, &whole(policy, &sparse), goal) {
            return Err(AnalysisError(format!(
                "internal error: the case found for {goal:?} does not meet it"
            )));
        }
        minimize(&mut sparse, |s| {
            meets(policy, &mut evaluator, &whole(policy, s), goal)
        });
        snap_to_boundaries(policy, &mut evaluator, &goals, &met, goal, &mut sparse);
        let case = whole(policy, &sparse);
        let by = MetBy::New(plan.cases.len());
        mark(policy, &mut evaluator, &goals, &mut met, &case, by);
        plan.cases.push(case);
        plan.made_for.push(goal);
    }
    for (g, m) in goals.iter().zip(met) {
        if let Some(m) = m {
            plan.goals.push(g.0);
            plan.met_by.push(m);
        }
    }
    Ok(plan)
}
