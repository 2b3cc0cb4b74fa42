//! Rendering: diagnostics (miette's graphical report), evaluation tables and JSON, the
//! decision trails of `explain`.

mod eval;
mod explain;
mod human;
mod lint;

pub use eval::{eval_human, eval_json, eval_json_error};
pub use explain::{explain_human, explain_json};
pub use human::{Style, render_diagnostic, render_diagnostics};
pub use lint::{FileReport, counts, lint_json, lint_sarif};
