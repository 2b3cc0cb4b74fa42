//! A case written in the policy language: a `case` block ready to paste into a file.

use super::case::Case;
use super::policy::Policy;
use super::types::{FactType, Value};
use crate::diagnostic::Literal;

impl Policy {
    /// A case as a `case` block of this language, ready to paste into the policy file: the
    /// bool facts that are true (the others default to false), and every enum and integer
    /// fact (they have no default).
    pub fn case_text(&self, name: &str, case: &Case, expect: &[(String, String)]) -> String {
        self.case_block_text(name, case, expect, usize::MAX)
    }

    /// [`case_text`](Self::case_text) for a message: when more than `spare` enum and integer
    /// facts are at the first value of their type, they are summed up in a comment instead
    /// of listed (the block then needs them added before it can be pasted).
    pub fn case_text_brief(
        &self,
        name: &str,
        case: &Case,
        expect: &[(String, String)],
        spare: usize,
    ) -> String {
        self.case_block_text(name, case, expect, spare)
    }

    fn case_block_text(
        &self,
        name: &str,
        case: &Case,
        expect: &[(String, String)],
        spare: usize,
    ) -> String {
        let first = |f: usize| match &self.fact(f).ty {
            FactType::Bool => Value::Bool(false),
            FactType::Enum(_) => Value::Enum(0),
            FactType::Int { lo, .. } => Value::Int(*lo),
        };
        let at_first = self
            .input_facts()
            .filter(|&f| self.fact(f).ty != FactType::Bool && case.values[f] == first(f))
            .count();
        let elide = at_first > spare;
        let given: Vec<String> = self
            .input_facts()
            .filter(|&f| !(elide && case.values[f] == first(f)))
            .filter_map(|f| {
                let n = &self.fact(f).name;
                match self.literal(f, case.values[f]) {
                    Literal::Bool(true) => Some(n.clone()),
                    Literal::Bool(false) => None,
                    Literal::Variant(v) => Some(format!("{n} = {v}")),
                    Literal::Int(i) => Some(format!("{n} = {i}")),
                }
            })
            .collect();
        let mut s = format!("case {} {{\n", quote(name));
        // Wrapped by hand so that a report's width never breaks a line mid-value.
        let mut line = String::new();
        for (i, g) in given.iter().enumerate() {
            if !line.is_empty() && line.len() + g.len() > 64 {
                s.push_str(&line);
                s.push_str(",\n");
                line.clear();
            }
            if line.is_empty() {
                line.push_str(if i == 0 { "  given " } else { "        " });
            } else {
                line.push_str(", ");
            }
            line.push_str(g);
        }
        if !line.is_empty() {
            s.push_str(&line);
            s.push('\n');
        }
        if elide {
            s.push_str(&format!(
                "  # and each of the other {at_first} enum and integer facts at its first value\n"
            ));
        }
        for (n, w) in expect {
            s.push_str(&format!("  expect {n} is {w}\n"));
        }
        s.push('}');
        s
    }
}

/// A string literal of this language.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
