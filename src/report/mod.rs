//! Rendering: diagnostics (miette's graphical report), lint reports (JSON, SARIF, GitHub
//! annotations), `diff` reports (text, JSON, SARIF), evaluation tables and JSON, the
//! decision trails of `explain`, the graphs of `graph`, the reports of `test`.

mod diff;
mod diff_sarif;
mod eval;
mod explain;
mod github;
mod graph;
mod human;
mod lint;
mod partial;
mod sarif;
mod test;

pub use diff::{DiffSummary, diff_human, diff_json, diff_summary, diff_summary_line};
pub use diff_sarif::{DiffFile, diff_sarif_at};
pub use eval::{HumanLines, JsonLines, eval_human, eval_invalid_human, eval_json, eval_json_error};
pub use explain::{explain_human, explain_json};
pub use github::lint_github;
pub use graph::{graph_dot, graph_mermaid};
pub use human::{Style, render_diagnostic, render_diagnostics};
pub use lint::{
    FileReport, counts, diagnostics_json, lint_json, test_json_errors, write_lint_json,
};
pub use partial::{PartialHumanLines, PartialJsonLines, partial_human, partial_json};
pub use sarif::{SarifPlace, lint_sarif, lint_sarif_at};
pub use test::{
    Suite, SuiteCase, coverage_human, coverage_json, junit, miss_text, test_json, test_json_summary,
};
