//! `deontic test --generate`: case blocks appended to a policy until every goal is met:
//! every rule that can decide decides in some block, every reachable verdict is reached,
//! and both sides of every integer comparison's boundary are tried.

use super::coverage::{block_names, block_text};
use crate::analysis::{AnalysisError, coverage_plan};
use crate::model::{Case, Policy};

/// What `--generate` adds to one policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// The new text of the file: the old text, byte for byte, then the new blocks.
    pub text: String,
    /// The new blocks' names, in the order they were added.
    pub names: Vec<String>,
    /// The new blocks, as written (`\n` line ends).
    pub blocks: Vec<String>,
    /// How many goals some valid case meets (rules, verdicts and boundaries).
    pub goals: usize,
}

/// The blocks that meet every goal the policy's case blocks leave open, appended to its
/// text. Nothing is added when every goal is met.
pub fn generate(policy: &Policy) -> Result<Generated, AnalysisError> {
    let given: Vec<Case> = policy.cases().iter().map(|c| c.case.clone()).collect();
    let plan = coverage_plan(policy, &given, true)?;
    let names = block_names(policy, &plan);
    let blocks: Vec<String> = plan
        .cases
        .iter()
        .zip(&names)
        .map(|(case, name)| block_text(policy, name, case))
        .collect();
    let old = policy.source().text();
    let mut text = old.to_string();
    if !blocks.is_empty() {
        let newline = if old.contains("\r\n") { "\r\n" } else { "\n" };
        if !text.is_empty() && !text.ends_with('\n') {
            text.push_str(newline);
        }
        for b in &blocks {
            if !text.is_empty() {
                text.push_str(newline);
            }
            text.push_str(&b.replace('\n', newline));
            text.push_str(newline);
        }
    }
    Ok(Generated {
        text,
        names,
        blocks,
        goals: plan.goals.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::generate;
    use crate::model::Policy;

    #[test]
    fn blocks_are_appended_and_a_second_run_adds_nothing() {
        let text = "fact a\nfact hours: 0..100\naction x default forbidden\n\
            rule late: if a and hours > 72 then must x # keep\n";
        let p = Policy::parse("t.policy", text).unwrap();
        let g = generate(&p).unwrap();
        assert!(g.text.starts_with(text));
        assert!(
            g.text.contains("case \"generated: late decides x\""),
            "{}",
            g.text
        );
        assert!(g.text.contains("hours = 72"), "{}", g.text);
        assert!(g.text.contains("hours = 73"), "{}", g.text);
        let again = Policy::parse("t.policy", g.text.as_str()).unwrap();
        for c in again.cases() {
            assert!(super::super::run_case(&again, c).misses.is_empty());
        }
        assert_eq!(generate(&again).unwrap().text, g.text);
    }
}
