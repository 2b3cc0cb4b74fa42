//! `deontic test` reports: the lines of the human form, coverage, and JUnit XML.

use crate::model::Policy;
use crate::testing::{Coverage, Miss};

/// `line 8: expected `x` is permitted, got forbidden (by r)`.
pub fn miss_text(m: &Miss) -> String {
    let by = if m.by.is_empty() {
        "no rule".to_string()
    } else {
        m.by.join(", ")
    };
    format!(
        "line {}: expected `{}` is {}, got {} (by {by})",
        m.line, m.name, m.expected, m.actual
    )
}

/// The coverage of a policy by its case blocks: a summary line, then one line per rule no
/// case fired and per action with verdicts no case reached.
pub fn coverage_human(path: &str, p: &Policy, c: &Coverage) -> String {
    let gaps: usize = c.unreached.iter().map(|(_, vs)| vs.len()).sum();
    let mut s = format!(
        "coverage {path}: {} of {} rules fired, {gaps} verdict{} not reached\n",
        c.rules - c.unfired.len(),
        c.rules,
        if gaps == 1 { "" } else { "s" }
    );
    for &r in &c.unfired {
        let rule = &p.rule(r);
        let line = p.source().line(rule.span.start);
        let at = if rule.named {
            format!(" (line {line})")
        } else {
            String::new()
        };
        s.push_str(&format!("    rule {}{at} fired in no case\n", rule.id));
    }
    for (a, vs) in &c.unreached {
        let words: Vec<&str> = vs.iter().map(|v| v.as_str()).collect();
        s.push_str(&format!(
            "    {}: no case reached {}\n",
            p.action(*a).name,
            words.join(", ")
        ));
    }
    s
}

/// One policy file's results for JUnit.
#[derive(Clone, Debug, Default)]
pub struct Suite {
    /// The policy file's path.
    pub path: String,
    /// The policy's static errors, rendered: then it has no cases.
    pub errors: Option<String>,
    /// Its case blocks.
    pub cases: Vec<SuiteCase>,
    /// Written as the suite's `system-out` (the coverage report).
    pub output: Option<String>,
}

/// One case block's result for JUnit.
#[derive(Clone, Debug)]
pub struct SuiteCase {
    /// The block's name.
    pub name: String,
    /// The 1-based line it starts on.
    pub line: usize,
    /// Its unmet expectations.
    pub misses: Vec<Miss>,
}

/// Text for XML: the five special characters escaped, characters XML 1.0 cannot hold
/// written as `\u{..}`.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// A JUnit class name: the path without `.policy`, folders joined by dots.
fn class_name(path: &str) -> String {
    let stem = path.strip_suffix(".policy").unwrap_or(path);
    stem.trim_start_matches("./").replace(['/', '\\'], ".")
}

/// JUnit XML: one `testsuite` per policy file, one `testcase` per case block, a `failure`
/// with the expected and actual words for each case that fails; a policy with static
/// errors is one `testcase` with an `error`.
pub fn junit(suites: &[Suite]) -> String {
    let count = |f: &dyn Fn(&Suite) -> usize| suites.iter().map(f).sum::<usize>();
    let tests = count(&|s| s.cases.len().max(usize::from(s.errors.is_some())));
    let failures = count(&|s| s.cases.iter().filter(|c| !c.misses.is_empty()).count());
    let errors = count(&|s| usize::from(s.errors.is_some()));
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<testsuites name=\"deontic test\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n"
    ));
    for s in suites {
        let class = xml(&class_name(&s.path));
        let path = xml(&s.path);
        let failed = s.cases.iter().filter(|c| !c.misses.is_empty()).count();
        let tests = s.cases.len().max(usize::from(s.errors.is_some()));
        let err = usize::from(s.errors.is_some());
        x.push_str(&format!(
            "  <testsuite name=\"{path}\" tests=\"{tests}\" failures=\"{failed}\" errors=\"{err}\" skipped=\"0\">\n"
        ));
        if let Some(e) = &s.errors {
            x.push_str(&format!(
                "    <testcase name=\"the policy\" classname=\"{class}\" file=\"{path}\">\n      \
                 <error message=\"the policy has errors; its cases were not run\" type=\"static-error\">{}</error>\n    \
                 </testcase>\n",
                xml(e)
            ));
        }
        for c in &s.cases {
            let head = format!(
                "    <testcase name=\"{}\" classname=\"{class}\" file=\"{path}\" line=\"{}\"",
                xml(&c.name),
                c.line
            );
            let Some(first) = c.misses.first() else {
                x.push_str(&head);
                x.push_str("/>\n");
                continue;
            };
            let message = if c.misses.len() == 1 {
                format!(
                    "expected `{}` is {}, got {}",
                    first.name, first.expected, first.actual
                )
            } else {
                format!("{} expectations not met", c.misses.len())
            };
            let body: Vec<String> = c.misses.iter().map(miss_text).collect();
            x.push_str(&format!(
                "{head}>\n      <failure message=\"{}\" type=\"expectation\">{}</failure>\n    </testcase>\n",
                xml(&message),
                xml(&body.join("\n"))
            ));
        }
        if let Some(o) = &s.output {
            x.push_str(&format!("    <system-out>{}</system-out>\n", xml(o)));
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_control_characters() {
        assert_eq!(
            xml("a<b & \"c\" 'd'>\u{1}\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\\u{1}\n"
        );
    }

    #[test]
    fn class_names_use_dots() {
        assert_eq!(class_name("./policies/a-b.policy"), "policies.a-b");
        assert_eq!(class_name("x"), "x");
    }
}
