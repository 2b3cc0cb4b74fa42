//! Why a policy could not be built: its source and every static error in it.

use crate::diagnostic::Diagnostic;
use crate::source::Source;

/// Why a policy could not be built: its source and every error found in it.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The text that was read (non-UTF-8 bytes shown as replacement characters).
    pub source: Source,
    /// Every static error, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.diagnostics.len();
        write!(
            f,
            "{}: {n} error{}",
            self.source.name(),
            if n == 1 { "" } else { "s" }
        )?;
        if let Some(d) = self.diagnostics.first() {
            write!(f, "; first: {}", d.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}
