//! Case blocks as tests, for `deontic test`: running their expectations, what they leave
//! untried, and `--bless`, which writes the actual verdicts into them.

pub mod bless;
pub mod coverage;
pub mod run;

pub use bless::{BlessMode, Blessed, BlessedCase, bless};
pub use coverage::{Coverage, coverage};
pub use run::{CaseRun, Miss, run_case};
