//! The policies as a decision service, whatever carries the questions: a [`Catalog`] of
//! policies found under some paths and reloaded when they change, and its answers as JSON
//! texts, with errors of a [`Kind`] a protocol maps to its own codes (`deontic serve` maps
//! them to HTTP statuses).
//!
//! ```
//! use deontic::service::{Catalog, Kind};
//! let catalog = Catalog::from_texts(&[("p", "fact a\naction x\nif a then may x")]);
//! assert_eq!(
//!     catalog.eval("p", br#"{"a": true}"#).unwrap(),
//!     r##"{"case":"#1","verdicts":{"x":{"verdict":"permitted","by":["@3"]}},"derived":{}}"##
//! );
//! assert_eq!(catalog.eval("q", b"{}").unwrap_err().kind, Kind::NotFound);
//! assert_eq!(catalog.eval("p", br#"{"b": true}"#).unwrap_err().kind, Kind::Invalid);
//! ```

mod answers;
mod catalog;
mod describe;

pub use catalog::{Catalog, Change, Entry, Served};
pub use describe::{language, language_of};

/// What kind of failure an answer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The question was malformed, or its case invalid.
    Invalid,
    /// No policy of that name.
    NotFound,
    /// The policy has static errors and no good version to answer with.
    PolicyHasErrors,
    /// The engine could not answer (a solver failure).
    Internal,
}

/// Why a question got no answer: its kind, a message in the command line's words, and the
/// policy's diagnostics when it has static errors.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceError {
    /// What kind of failure.
    pub kind: Kind,
    /// What was wrong, lowercase, names in backticks.
    pub message: String,
    /// For [`Kind::PolicyHasErrors`]: the static errors, as `lint --format json` writes
    /// them.
    pub diagnostics: Option<Vec<serde_json::Value>>,
}

impl ServiceError {
    fn new(kind: Kind, message: impl Into<String>) -> Self {
        ServiceError {
            kind,
            message: message.into(),
            diagnostics: None,
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(Kind::Invalid, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(Kind::NotFound, message)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(Kind::Internal, message)
    }

    pub(crate) fn has_errors(message: String, diagnostics: Vec<serde_json::Value>) -> Self {
        ServiceError {
            diagnostics: Some(diagnostics),
            ..Self::new(Kind::PolicyHasErrors, message)
        }
    }

    /// The error as a JSON object: `error`, and `diagnostics` when there are some.
    pub fn to_json(&self) -> String {
        let mut j = serde_json::json!({ "error": self.message });
        if let Some(d) = &self.diagnostics {
            j["diagnostics"] = d.clone().into();
        }
        j.to_string()
    }
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ServiceError {}
