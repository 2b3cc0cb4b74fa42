//! deontic: norms as code. A policy says under which conditions an action may, must or
//! must not be taken; deontic checks it, finds conflicts and dead rules, and evaluates cases.
//!
//! ```
//! let policy = deontic::Policy::parse(
//!     "doc.policy",
//!     "fact national_security, government_decision\n\
//!      action counterattack\n\
//!      if national_security and government_decision then counterattack",
//! ).unwrap();
//! let case = policy.case().set("national_security", true).set("government_decision", true).build().unwrap();
//! let outcome = policy.evaluate(&case);
//! assert_eq!(outcome.verdict_of("counterattack"), Some(deontic::Verdict::Required));
//! assert_eq!(deontic::report::eval_json("#1", &outcome),
//!     r##"{"case":"#1","verdicts":{"counterattack":{"verdict":"required","by":["@3"]}},"derived":{}}"##);
//! ```
//!
//! The stages, one module each: [`syntax`] (text to syntax tree), [`model`] (names and
//! types checked: a [`Policy`]), [`eval`], [`format`] (the canonical layout), [`report`]
//! (rendering), [`cli`] (the command line).

pub mod analysis;
pub mod cli;
pub mod diagnostic;
pub mod eval;
pub mod format;
pub mod model;
pub mod report;
pub mod source;
pub mod syntax;
pub mod synth;
pub mod write;

pub use diagnostic::{Code, Diagnostic, Literal, Severity};
pub use eval::{Outcome, Verdict};
pub use model::{Case, CaseError, Failure, Policy};
pub use source::{Source, Span};
