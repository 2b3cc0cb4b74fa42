//! Rendering: diagnostics (miette's graphical report), lint reports (JSON, SARIF, GitHub
//! annotations), evaluation tables and JSON, the decision trails of `explain`, the graphs
//! of `graph`, the reports of `test`.

mod eval;
mod explain;
mod github;
mod graph;
mod human;
mod lint;
mod partial;
mod sarif;
mod test;

pub use eval::{HumanLines, JsonLines, eval_human, eval_invalid_human, eval_json, eval_json_error};
pub use explain::{explain_human, explain_json};
pub use github::lint_github;
pub use graph::{graph_dot, graph_mermaid};
pub use human::{Style, render_diagnostic, render_diagnostics};
pub use lint::{FileReport, counts, lint_json, test_json_errors, write_lint_json};
pub use partial::{PartialHumanLines, PartialJsonLines, partial_human, partial_json};
pub use sarif::{SarifPlace, lint_sarif, lint_sarif_at};
pub use test::{
    Suite, SuiteCase, coverage_human, coverage_json, junit, miss_text, test_json, test_json_summary,
};
