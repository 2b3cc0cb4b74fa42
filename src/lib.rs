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
//! Data flows one way, one module per stage (`src/README.md` names every file):
//!
//! - [`source`], [`diagnostic`]: the text and what every stage reports about it;
//! - [`syntax`]: text to syntax tree, with every token and comment (the only stage that sees
//!   the grammar's parser);
//! - [`model`]: names resolved and types checked, an immutable [`Policy`]; cases;
//! - [`eval`]: a case's verdicts, one at a time, with reasons, or streamed on every core;
//! - [`analysis`]: what the SAT solver decides over all cases (`lint`);
//! - [`format`]: the canonical layout;
//! - [`testing`]: case blocks as tests;
//! - [`report`]: rendering to text, JSON, SARIF, JUnit, DOT;
//! - [`cli`]: the command line, a front end that only parses its arguments and calls the rest;
//! - [`lsp`]: the language server, a front end that only reads the protocol and calls the rest;
//! - [`service`]: the policies as a decision service (loading, reloading, answers as JSON),
//!   whatever protocol carries the questions;
//! - [`serve`]: the HTTP server and its web page, a front end on the service;
//! - [`files`]: the `*.policy` files under the paths a user gives.
//!
//! The language and the meaning of every verdict are in `docs/language.md`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analysis;
pub mod cli;
pub mod diagnostic;
pub mod eval;
pub mod files;
pub mod format;
pub mod lsp;
pub mod model;
pub mod report;
pub mod serve;
pub mod service;
pub mod source;
pub mod syntax;
#[cfg(feature = "synth")]
pub mod synth;
pub mod testing;
pub mod uri;

pub use diagnostic::{Code, Diagnostic, Literal, Severity, Witness};
pub use eval::{Outcome, Verdict};
pub use model::{Case, CaseError, Failure, Policy};
pub use source::{Source, Span};
