//! Partial evaluation (section 9 of `docs/language.md`): with some input facts unknown,
//! which verdicts each action can still get, which unknown facts would change it, and which
//! derived facts are settled, exactly over every completion of the case.
//!
//! Each question goes to the cheapest exact method: a target whose cone has few classes of
//! input values reads its answer off a table built once (see [`ConeTable`]); for the others,
//! three-valued evaluation first (what the given facts settle needs nothing more); then,
//! when the unknown facts that matter have few classes of values between them, every
//! completion evaluated; else the solver, one incremental solver per cone, kept across the
//! cases of a stream.

use super::completions::{Classes, tabulate};
use super::cone_table::{ConeTable, Reading, Scratch};
use super::index::{Cone, Index, Marks};
use super::kleene;
use super::partial_sat::{ConeSolver, Target};
use super::world::{Locals, Overrides};
use super::{AnalysisError, DefaultSolver};
use crate::eval::Evaluator;
use crate::model::{ActionId, FactId, PartialCase, Policy, Verdict};
use rustsat::solvers::SolveIncremental;

/// How many completions are evaluated one by one before the solver is asked instead. On
/// the doctrine a completion costs about 0.2 µs and a solver question a few, so a table of
/// a few hundred is still the cheaper way.
pub const TABLE_BUDGET: usize = 256;

/// What partial evaluation says about one action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialVerdict {
    /// The verdict, when every completion gives the same one.
    pub verdict: Option<Verdict>,
    /// The verdicts some completion gives, in the word order.
    pub possible: Vec<Verdict>,
    /// The unknown facts whose value alone can change the verdict, in declaration order;
    /// empty exactly when `verdict` is set.
    pub needed: Vec<FactId>,
}

/// The result of partial evaluation of one case.
#[derive(Clone, Debug)]
pub struct PartialOutcome<'p> {
    policy: &'p Policy,
    /// Per action, in declaration order.
    pub verdicts: Vec<PartialVerdict>,
    /// Per derived fact, in declaration order: its value when every completion agrees.
    pub derived: Vec<(FactId, Option<bool>)>,
    /// The input facts the case does not give, in declaration order.
    pub unknown: Vec<FactId>,
}

impl<'p> PartialOutcome<'p> {
    /// The policy it is an outcome of.
    pub fn policy(&self) -> &'p Policy {
        self.policy
    }

    /// The result for an action, by name.
    pub fn verdict_of(&self, action: &str) -> Option<&PartialVerdict> {
        self.policy.action_id(action).map(|a| &self.verdicts[a])
    }

    /// Whether every action is settled.
    pub fn settled(&self) -> bool {
        self.verdicts.iter().all(|v| v.verdict.is_some())
    }
}

/// Partial evaluation of many cases of one policy, keeping its solvers from case to case.
pub struct PartialEvaluator<'p, S = DefaultSolver> {
    policy: &'p Policy,
    index: Index,
    overrides: Vec<Overrides>,
    /// Per action, then per fact (derived ones): the unknown-able input facts of its cone.
    cone_facts: Vec<Option<Vec<FactId>>>,
    solvers: Vec<Option<ConeSolver<S>>>,
    /// Per target: its table once tried (`None` inside when too large).
    tables: Vec<Option<Option<ConeTable>>>,
    scratch: Scratch,
    classes: Classes,
    evaluator: Evaluator<'p>,
    locals: Locals,
    marks: Marks,
    budget: usize,
    cone_tables: bool,
}

/// Evaluates one partial case (for many, keep a [`PartialEvaluator`]).
pub fn evaluate_partial<'p>(
    policy: &'p Policy,
    case: &PartialCase,
) -> Result<PartialOutcome<'p>, AnalysisError> {
    PartialEvaluator::new(policy).evaluate(case)
}

impl<'p> PartialEvaluator<'p> {
    /// An evaluator for `policy`; solvers are built when first needed.
    pub fn new(policy: &'p Policy) -> Self {
        Self::with_budget(policy, TABLE_BUDGET)
    }
}

impl<'p, S: SolveIncremental + Default> PartialEvaluator<'p, S> {
    /// An evaluator that tabulates at most `budget` completions before it asks the solver
    /// (0: always the solver). The answers are the same; the tests compare them.
    #[doc(hidden)]
    pub fn with_budget(policy: &'p Policy, budget: usize) -> Self {
        let index = Index::new(policy);
        let overrides = (0..policy.actions().len())
            .map(|a| Overrides::of(policy, &index, a))
            .collect();
        let targets = policy.actions().len() + policy.facts().len();
        PartialEvaluator {
            policy,
            index,
            overrides,
            cone_facts: vec![None; targets],
            solvers: (0..targets).map(|_| None).collect(),
            tables: (0..targets).map(|_| None).collect(),
            scratch: Scratch::default(),
            classes: Classes::of(policy),
            evaluator: Evaluator::new(policy),
            locals: Locals::new(policy),
            marks: Marks::new(policy),
            budget,
            cone_tables: budget > 0,
        }
    }

    /// The same evaluator without per-cone tables, so that the methods behind them are
    /// used (the tests compare them).
    #[doc(hidden)]
    pub fn without_cone_tables(mut self) -> Self {
        self.cone_tables = false;
        self
    }

    /// The slot of a target in `cone_facts` and `solvers`.
    fn slot(&self, target: &Target) -> usize {
        match target {
            Target::Action(a) => *a,
            Target::Derived(f) => self.policy.actions().len() + f,
        }
    }

    /// The cone of a target.
    fn cone_of(&mut self, target: &Target) -> Cone {
        let seeds: Vec<usize> = match target {
            Target::Action(a) => self.index.on_action[*a].iter().map(|x| x.0).collect(),
            Target::Derived(f) => self.index.concluders[*f].clone(),
        };
        Cone::of(self.policy, &self.index, &seeds, &mut self.marks)
    }

    /// The input facts of a target's cone, computed once.
    fn facts_of(&mut self, target: &Target) -> &[FactId] {
        let slot = self.slot(target);
        if self.cone_facts[slot].is_none() {
            let cone = self.cone_of(target);
            let facts = cone
                .facts
                .into_iter()
                .filter(|&f| !self.policy.fact(f).derived)
                .collect();
            self.cone_facts[slot] = Some(facts);
        }
        self.cone_facts[slot].as_deref().unwrap_or(&[])
    }

    fn solver(&mut self, target: &Target) -> &mut ConeSolver<S> {
        let slot = self.slot(target);
        self.solvers[slot].get_or_insert_with(|| {
            ConeSolver::new(
                self.policy,
                &self.index,
                &self.overrides,
                &mut self.locals,
                &mut self.marks,
                target,
            )
        })
    }

    /// What the completions of `case` give `target`, read off its table when it has one.
    fn read(&mut self, target: &Target, case: &PartialCase) -> Option<Reading> {
        let slot = self.slot(target);
        if self.tables[slot].is_none() {
            let facts = self.facts_of(target).to_vec();
            let table = if self.cone_tables {
                let cone = self.cone_of(target);
                ConeTable::build(&mut self.evaluator, &facts, &cone, target)
            } else {
                None
            };
            self.tables[slot] = Some(table);
        }
        let table = self.tables[slot].as_ref()?.as_ref()?;
        Some(table.read(case, &mut self.scratch))
    }

    /// Evaluates one partial case: targets with a table read it; three-valued evaluation
    /// settles what it can of the others, and [`decide`](Self::decide) the rest.
    pub fn evaluate(&mut self, case: &PartialCase) -> Result<PartialOutcome<'p>, AnalysisError> {
        let p = self.policy;
        let mut verdicts: Vec<PartialVerdict> = Vec::with_capacity(p.actions().len());
        let mut rest_actions = Vec::new();
        for a in 0..p.actions().len() {
            match self.read(&Target::Action(a), case) {
                Some(reading) => verdicts.push(settle(words(&reading.seen), reading.needed)),
                None => {
                    rest_actions.push(a);
                    verdicts.push(settle(Vec::new(), Vec::new()));
                }
            }
        }
        let mut derived: Vec<(FactId, Option<bool>)> = Vec::new();
        let mut rest_derived = Vec::new();
        for f in p.derived_facts() {
            let value = match self.read(&Target::Derived(f), case) {
                Some(reading) => value_of([reading.seen[0], reading.seen[1]]),
                None => {
                    rest_derived.push(f);
                    None
                }
            };
            derived.push((f, value));
        }
        if !rest_actions.is_empty() || !rest_derived.is_empty() {
            let settled = kleene::settle(p, &self.index, case);
            let mut open_actions = Vec::new();
            for a in rest_actions {
                let v = kleene::verdict(p, &self.index, &self.overrides[a], a, &settled.fires);
                if v.is_none() {
                    open_actions.push(a);
                }
                verdicts[a] = settle(v.into_iter().collect(), Vec::new());
            }
            let mut open_derived = Vec::new();
            for f in rest_derived {
                match settled.facts[f].known() {
                    Some(v) => set_derived(&mut derived, f, [!v, v]),
                    None => open_derived.push(f),
                }
            }
            if !open_actions.is_empty() || !open_derived.is_empty() {
                self.decide(
                    case,
                    &open_actions,
                    &open_derived,
                    &mut verdicts,
                    &mut derived,
                )?;
            }
        }
        Ok(PartialOutcome {
            policy: p,
            verdicts,
            derived,
            unknown: p.input_facts().filter(|&f| !case.is_given(f)).collect(),
        })
    }

    /// Decides what three-valued evaluation left open.
    fn decide(
        &mut self,
        case: &PartialCase,
        actions: &[ActionId],
        derived_open: &[FactId],
        verdicts: &mut [PartialVerdict],
        derived: &mut [(FactId, Option<bool>)],
    ) -> Result<(), AnalysisError> {
        let mut unknown: Vec<FactId> = Vec::new();
        let targets: Vec<Target> = actions
            .iter()
            .map(|&a| Target::Action(a))
            .chain(derived_open.iter().map(|&f| Target::Derived(f)))
            .collect();
        for t in &targets {
            let facts: Vec<FactId> = self.facts_of(t).to_vec();
            unknown.extend(facts.into_iter().filter(|&f| !case.is_given(f)));
        }
        unknown.sort_unstable();
        unknown.dedup();
        let space = unknown
            .iter()
            .try_fold(1usize, |acc, &f| acc.checked_mul(self.classes.count(f)));
        if space.is_some_and(|n| n <= self.budget.max(1)) && self.budget > 0 {
            let table = tabulate(
                &mut self.evaluator,
                &self.classes,
                case,
                &unknown,
                actions,
                derived_open,
            );
            for (k, &a) in actions.iter().enumerate() {
                let possible = words(&table.possible[k]);
                let needed = unknown
                    .iter()
                    .zip(&table.needed[k])
                    .filter(|(_, n)| **n)
                    .map(|(&f, _)| f)
                    .collect();
                verdicts[a] = settle(possible, needed);
            }
            for (k, &f) in derived_open.iter().enumerate() {
                set_derived(derived, f, table.derived[k]);
            }
            return Ok(());
        }
        for &a in actions {
            let solver = self.solver(&Target::Action(a));
            let seen = solver.possible(case)?;
            let possible = words(&seen);
            let needed = if possible.len() > 1 {
                solver.needed(case)?
            } else {
                Vec::new()
            };
            verdicts[a] = settle(possible, needed);
        }
        for &f in derived_open {
            let seen = self.solver(&Target::Derived(f)).possible(case)?;
            set_derived(derived, f, [seen[0], seen[1]]);
        }
        Ok(())
    }
}

/// The verdict words marked, in the word order.
fn words(marked: &[bool]) -> Vec<Verdict> {
    Verdict::ALL
        .iter()
        .zip(marked)
        .filter(|(_, m)| **m)
        .map(|(v, _)| *v)
        .collect()
}

fn settle(possible: Vec<Verdict>, needed: Vec<FactId>) -> PartialVerdict {
    let verdict = match possible.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    PartialVerdict {
        verdict,
        needed: if verdict.is_some() {
            Vec::new()
        } else {
            needed
        },
        possible,
    }
}

fn set_derived(derived: &mut [(FactId, Option<bool>)], f: FactId, seen: [bool; 2]) {
    if let Some(entry) = derived.iter_mut().find(|(g, _)| *g == f) {
        entry.1 = value_of(seen);
    }
}

/// A derived fact's value from whether some completion makes it false, and true.
fn value_of(seen: [bool; 2]) -> Option<bool> {
    match seen {
        [true, false] => Some(false),
        [false, true] => Some(true),
        _ => None,
    }
}

impl serde::Serialize for PartialOutcome<'_> {
    /// The shape of `eval --partial --format json` without the case name:
    /// `{"verdicts": {ACTION: {"verdict", "possible", "needed"}}, "derived": {FACT: BOOL or
    /// null}, "unknown": [FACT, ...]}`.
    fn serialize<Z: serde::Serializer>(&self, s: Z) -> Result<Z::Ok, Z::Error> {
        use serde::ser::SerializeMap;
        let p = self.policy;
        let names =
            |fs: &[FactId]| -> Vec<&str> { fs.iter().map(|&f| p.fact(f).name.as_str()).collect() };
        let mut verdicts = serde_json::Map::new();
        for (action, v) in p.actions().iter().zip(&self.verdicts) {
            verdicts.insert(
                action.name.clone(),
                serde_json::json!({
                    "verdict": v.verdict.map(Verdict::as_str),
                    "possible": v.possible.iter().map(|w| w.as_str()).collect::<Vec<_>>(),
                    "needed": names(&v.needed),
                }),
            );
        }
        let derived: serde_json::Map<String, serde_json::Value> = self
            .derived
            .iter()
            .map(|&(f, v)| (p.fact(f).name.clone(), serde_json::json!(v)))
            .collect();
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("verdicts", &verdicts)?;
        map.serialize_entry("derived", &derived)?;
        map.serialize_entry("unknown", &names(&self.unknown))?;
        map.end()
    }
}
