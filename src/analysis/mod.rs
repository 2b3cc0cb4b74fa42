//! Analysis (`deontic lint`): conflicts, dead, shadowed and redundant rules, unused
//! declarations. Every finding is exact over all valid cases, decided by a SAT solver
//! (section 11 of `docs/language.md`). And change impact (`deontic diff`): every case two
//! versions of a policy decide differently, exactly, with witnesses (section 12).

mod ask;
mod candidates;
mod circuit;
mod completions;
mod cone_conflicts;
mod cone_run;
mod cone_table;
mod diff;
mod diff_facts;
mod diff_result;
mod diff_same;
mod diff_target;
mod directives;
mod findings;
pub mod fixes;
mod goals;
mod index;
mod inputs;
mod kleene;
mod messages;
mod partial;
mod partial_sat;
mod partial_stream;
mod queries;
mod removal;
mod world;

pub use ask::{Question, Questionnaire, Strategy, answers, parse_answer};
pub use diff::{Version, diff, diff_versions, diff_with};
pub use diff_result::{Changes, DecidingRule, Diff, Side, SideDiagnostic, Transition, Word};
pub use directives::{Directive, directives};
pub use goals::{Goal, MetBy, Plan, plan as coverage_plan};
pub use partial::{
    PartialEvaluator, PartialOutcome, PartialVerdict, TABLE_BUDGET, evaluate_partial,
};
pub use partial_stream::{WritePartial, partial_lines};
pub use queries::firing_case;

use crate::diagnostic::Diagnostic;
use crate::model::Policy;
use rustsat::solvers::SolveIncremental;

/// The solver the command line uses: BatSat, pure Rust.
pub type DefaultSolver = rustsat_batsat::BasicSolver;

/// Lints a checked policy: every finding of section 11 of `docs/language.md`, sorted by
/// position, with `# deontic: allow(...)` directives applied.
pub fn lint(policy: &Policy) -> Result<Vec<Diagnostic>, AnalysisError> {
    lint_with::<DefaultSolver>(policy)
}

/// [`lint`] on another incremental solver.
pub fn lint_with<S: SolveIncremental + Default>(
    policy: &Policy,
) -> Result<Vec<Diagnostic>, AnalysisError> {
    let mut found = findings::all::<S>(policy, true)?;
    found.extend(policy.warnings().iter().cloned());
    let mut out = directives::apply(policy, found);
    out.sort_by_key(|d| (d.span().map(|s| s.start), d.code));
    Ok(out)
}

/// [`lint`] without the candidate cases tried before the solver: every question goes to
/// the solver. Slower; the findings are the same, which the tests check.
#[doc(hidden)]
pub fn lint_solver_only(policy: &Policy) -> Result<Vec<Diagnostic>, AnalysisError> {
    let mut found = findings::all::<DefaultSolver>(policy, false)?;
    found.extend(policy.warnings().iter().cloned());
    let mut out = directives::apply(policy, found);
    out.sort_by_key(|d| (d.span().map(|s| s.start), d.code));
    Ok(out)
}

/// The solver failed; no finding can be trusted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the analysis could not finish: {0}")]
pub struct AnalysisError(pub String);
