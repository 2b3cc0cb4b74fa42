//! The pest parser generated from `grammar/policy.pest`; only `syntax` sees its types.

/// The parser pest derives from the grammar; its rules are the enum `Rule`.
#[derive(pest_derive::Parser)]
#[grammar = "grammar/policy.pest"]
pub(super) struct PolicyParser;
