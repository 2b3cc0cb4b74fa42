//! A questionnaire over a policy (`deontic ask`): starting from the facts given, it asks for
//! one unknown fact at a time, only ever one that some chosen action still needs, until
//! every chosen action's verdict is settled.
//!
//! The next question is the fact that, whatever its answer, settles the most chosen actions
//! (ties: the fact the most unsettled actions need, then declaration order). On the
//! bundled policies this asks fewer questions on average than taking the needed facts in
//! declaration order; `examples/questionnaire.rs` measures it.

use super::AnalysisError;
use super::completions::Classes;
use super::partial::{PartialEvaluator, PartialOutcome};
use crate::model::{ActionId, FactId, FactType, PartialCase, Policy, Value};

/// A question: the fact asked, and the chosen actions that need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The fact.
    pub fact: FactId,
    /// The unsettled chosen actions whose `needed` list has it, in declaration order.
    pub needed_for: Vec<ActionId>,
}

/// How the next question is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// The fact whose worst answer settles the most chosen actions.
    SettlesMost,
    /// The needed fact that comes first in the policy.
    DeclarationOrder,
}

/// A fact that could be asked, and the open actions that need it.
type Candidate = (FactId, Vec<ActionId>);

/// A questionnaire in progress.
pub struct Questionnaire<'p> {
    evaluator: PartialEvaluator<'p>,
    classes: Classes,
    chosen: Vec<ActionId>,
    case: PartialCase,
    outcome: PartialOutcome<'p>,
    asked: Vec<FactId>,
    strategy: Strategy,
}

impl<'p> Questionnaire<'p> {
    /// Starts from `given` for the actions `chosen` (all of them when empty).
    pub fn new(
        policy: &'p Policy,
        chosen: &[ActionId],
        given: PartialCase,
    ) -> Result<Self, AnalysisError> {
        Self::with_strategy(policy, chosen, given, Strategy::SettlesMost)
    }

    /// [`new`](Self::new) with another way of choosing questions (to compare them).
    pub fn with_strategy(
        policy: &'p Policy,
        chosen: &[ActionId],
        given: PartialCase,
        strategy: Strategy,
    ) -> Result<Self, AnalysisError> {
        let mut evaluator = PartialEvaluator::new(policy);
        let outcome = evaluator.evaluate(&given)?;
        let chosen = if chosen.is_empty() {
            (0..policy.actions().len()).collect()
        } else {
            chosen.to_vec()
        };
        Ok(Questionnaire {
            evaluator,
            classes: Classes::of(policy),
            chosen,
            case: given,
            outcome,
            asked: Vec::new(),
            strategy,
        })
    }

    /// What the answers so far settle.
    pub fn outcome(&self) -> &PartialOutcome<'p> {
        &self.outcome
    }

    /// The case as answered so far.
    pub fn case(&self) -> &PartialCase {
        &self.case
    }

    /// The facts asked so far, in order.
    pub fn asked(&self) -> &[FactId] {
        &self.asked
    }

    /// Whether every chosen action is settled.
    pub fn done(&self) -> bool {
        self.open().is_empty()
    }

    fn open(&self) -> Vec<ActionId> {
        self.chosen
            .iter()
            .copied()
            .filter(|&a| self.outcome.verdicts[a].verdict.is_none())
            .collect()
    }

    /// The next question, or `None` when every chosen action is settled.
    pub fn next_question(&mut self) -> Result<Option<Question>, AnalysisError> {
        let open = self.open();
        let mut candidates: Vec<Candidate> = Vec::new();
        for &a in &open {
            for &f in &self.outcome.verdicts[a].needed {
                match candidates.iter_mut().find(|(g, _)| *g == f) {
                    Some((_, v)) => v.push(a),
                    None => candidates.push((f, vec![a])),
                }
            }
        }
        candidates.sort_by_key(|(f, _)| *f);
        let Some(first) = candidates.first().cloned() else {
            return Ok(None);
        };
        let pick = match self.strategy {
            Strategy::DeclarationOrder => first,
            Strategy::SettlesMost => {
                let mut best: Option<((usize, usize), Candidate)> = None;
                for (f, needed_for) in candidates {
                    let worst = self.worst_settled(f, &open)?;
                    let score = (worst, needed_for.len());
                    if best.as_ref().is_none_or(|(s, _)| score > *s) {
                        best = Some((score, (f, needed_for)));
                    }
                }
                best.map(|(_, q)| q).unwrap_or(first)
            }
        };
        Ok(Some(Question {
            fact: pick.0,
            needed_for: pick.1,
        }))
    }

    /// The fewest open actions any answer to `f` settles.
    fn worst_settled(&mut self, f: FactId, open: &[ActionId]) -> Result<usize, AnalysisError> {
        let mut worst = usize::MAX;
        for k in 0..self.classes.count(f) {
            let mut case = self.case.clone();
            case.values[f] = Some(self.classes.value(f, k));
            let o = self.evaluator.evaluate(&case)?;
            let settled = open
                .iter()
                .filter(|&&a| o.verdicts[a].verdict.is_some())
                .count();
            worst = worst.min(settled);
        }
        Ok(if worst == usize::MAX { 0 } else { worst })
    }

    /// Records the answer to a question and re-evaluates.
    pub fn answer(&mut self, f: FactId, value: Value) -> Result<(), AnalysisError> {
        self.case.values[f] = Some(value);
        self.asked.push(f);
        self.outcome = self.evaluator.evaluate(&self.case)?;
        Ok(())
    }
}

/// An answer to a question on fact `f`, as typed: `yes`/`no` (or `true`/`false`) for a bool
/// fact, a variant name, or an integer in range. The error says what would fit.
pub fn parse_answer(policy: &Policy, f: FactId, text: &str) -> Result<Value, String> {
    let text = text.trim();
    let fact = policy.fact(f);
    match &fact.ty {
        FactType::Bool => match text.to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" => Ok(Value::Bool(true)),
            "no" | "n" | "false" => Ok(Value::Bool(false)),
            _ => Err(format!(
                "`{text}` is not an answer to `{}`: answer yes or no",
                fact.name
            )),
        },
        FactType::Enum(variants) => match variants.iter().position(|v| v == text) {
            Some(i) => Ok(Value::Enum(i as u32)),
            None => {
                let hint = crate::diagnostic::closest(text, variants.iter().map(String::as_str))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                Err(format!(
                    "`{text}` is not a value of `{}`: answer one of {}{hint}",
                    fact.name,
                    variants.join(", ")
                ))
            }
        },
        FactType::Int { lo, hi } => match text.parse::<i64>() {
            Ok(n) if n >= *lo && n <= *hi => Ok(Value::Int(n)),
            _ => Err(format!(
                "`{text}` is not a value of `{}`: answer a whole number from {lo} to {hi}",
                fact.name
            )),
        },
    }
}

/// The answers a fact allows, as a question shows them: `yes/no`, `a/b/c`, `0..10`.
pub fn answers(policy: &Policy, f: FactId) -> String {
    match &policy.fact(f).ty {
        FactType::Bool => "yes/no".into(),
        FactType::Enum(variants) => variants.join("/"),
        FactType::Int { lo, hi } => format!("{lo}..{hi}"),
    }
}
