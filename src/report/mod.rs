//! Rendering: diagnostics (miette's graphical report), evaluation tables and JSON, the
//! decision trails of `explain`, the graphs of `graph`, the reports of `test`.

mod eval;
mod explain;
mod graph;
mod human;
mod lint;
mod test;

pub use eval::{HumanLines, JsonLines, eval_human, eval_invalid_human, eval_json, eval_json_error};
pub use explain::{explain_human, explain_json};
pub use graph::{graph_dot, graph_mermaid};
pub use human::{Style, render_diagnostic, render_diagnostics};
pub use lint::{FileReport, counts, lint_json, lint_sarif, write_lint_json};
pub use test::{Suite, SuiteCase, coverage_human, junit, miss_text};
