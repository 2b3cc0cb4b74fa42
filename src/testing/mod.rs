//! Case blocks as tests, for `deontic test`: running their expectations, what they leave
//! untried (exactly), `--generate`, which appends blocks until nothing is, and `--bless`, which writes the actual verdicts into them.

pub mod bless;
pub mod coverage;
pub mod generate;
pub mod run;

pub use bless::{BlessMode, Blessed, BlessedCase, bless};
pub use coverage::{Coverage, Gap, coverage};
pub use generate::{Generated, generate};
pub use run::{CaseRun, Miss, run_case};
