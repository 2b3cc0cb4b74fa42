//! The checked policy: names resolved to indexes, types checked, immutable.
//!
//! [`Policy::parse`] runs the whole front end (the syntax stage, then the checks of
//! section 9 of `docs/language.md`) and returns either a policy or every static error of
//! the file as a [`Failure`]. Nothing of the syntax tree is reachable from here: the model
//! has its own types, and later stages see only them.
//!
//! - `types.rs`, `rule.rs`: the declarations, rules and values;
//! - `policy.rs`: the [`Policy`] and its accessors; `queries.rs`: what stages ask of it;
//! - `build.rs`: the driver; `declare.rs`, `resolve.rs`, `graph.rs`: the checks;
//!   `compile.rs`: the evaluator's form;
//! - `case.rs`, `case_block.rs`, `case_input.rs`, `case_array.rs`, `case_text.rs`: cases,
//!   built in code, written in the file, read from JSON or `--given` (arrays streamed), and
//!   written back as text.

mod build;
mod case;
mod case_array;
mod case_block;
mod case_flat;
mod case_input;
mod case_text;
pub(crate) mod compile;
mod declare;
mod failure;
mod graph;
mod misuse;
mod policy;
mod queries;
mod resolve;
mod rule;
mod tolerant;
mod types;

pub use build::MAX_SOURCE_BYTES;
pub use case::{Case, CaseBuilder, CaseError, PartialCase};
pub use case_array::{ArrayLines, case_from_line, partial_case_from_line};
pub use case_block::{CaseBlock, ExpectTarget, Expectation};
pub use case_flat::{FlatReader, FlatSink};
pub use case_input::{
    CaseForm, Layout, case_from_given, case_from_json, layout, partial_case_from_given,
    partial_case_from_json, read_cases, read_document,
};
pub use case_text::quote;
pub use failure::Failure;
pub use policy::Policy;
pub use rule::{CmpOp, Conclusion, Cond, EnumTest, Modality, Rule, RuleKind, Target};
pub use tolerant::Tolerant;
pub use types::{
    Action, ActionId, DefaultVerdict, Fact, FactId, FactType, RuleId, Symbol, Value, Verdict,
};
