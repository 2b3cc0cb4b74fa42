//! Rendering: diagnostics (miette's graphical report), evaluation tables and JSON.

mod eval;
mod human;
mod lint;

pub use eval::{eval_human, eval_json, eval_json_error};
pub use human::{Style, render_diagnostic, render_diagnostics};
pub use lint::{FileReport, counts, lint_json, lint_sarif};
