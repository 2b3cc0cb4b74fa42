//! `deontic test` reports: the lines of the human form, coverage, and JUnit XML.

use crate::model::Policy;
use crate::testing::{Coverage, Gap, Miss};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use serde_json::{Value as J, json};
use std::time::Duration;

/// `line 8: expected `x` is permitted, got forbidden (by r)`; with a `by` list, `line 8:
/// expected `x` is permitted by r1, r2, got permitted by r1`.
pub fn miss_text(m: &Miss) -> String {
    let list = |rules: &[String]| {
        if rules.is_empty() {
            "no rule".to_string()
        } else {
            rules.join(", ")
        }
    };
    match &m.expected_by {
        Some(expected) => format!(
            "line {}: expected `{}` is {} by {}, got {} by {}",
            m.line,
            m.name,
            m.expected,
            list(expected),
            m.actual,
            list(&m.by)
        ),
        None => format!(
            "line {}: expected `{}` is {}, got {} (by {})",
            m.line,
            m.name,
            m.expected,
            m.actual,
            list(&m.by)
        ),
    }
}

/// A gap of the coverage in words: `rule r (line 4) decides in no case`, `x: no case
/// reached permitted`, `rule r (line 4): no case tries n = 72`.
fn gap_text(p: &Policy, gap: &Gap) -> String {
    let rule_at = |r: usize| {
        let rule = &p.rule(r);
        let line = p.source().line(rule.span.start);
        if rule.named {
            format!("rule {} (line {line})", rule.id)
        } else {
            format!("rule {}", rule.id)
        }
    };
    match gap {
        Gap::Rule(r) => format!("{} decides in no case", rule_at(*r)),
        Gap::Verdict(a, v) => format!("{}: no case reached {}", p.action(*a).name, v.as_str()),
        Gap::Boundary { rule, fact, value } => format!(
            "{}: no case tries {} = {value}",
            rule_at(*rule),
            p.fact(*fact).name
        ),
    }
}

/// The coverage of a policy by its case blocks: a summary line, then one line per rule
/// that can decide but decides in no case and per verdict an action can reach that no case
/// reached, then the case blocks that close those gaps, ready to paste.
pub fn coverage_human(path: &str, p: &Policy, c: &Coverage) -> String {
    let mut s = format!(
        "coverage {path}: {} of {} rules decided, {} of {} verdicts reached ({}%)\n",
        c.rules_covered,
        c.decidable,
        c.reached,
        c.reachable,
        c.percent()
    );
    for (gap, _) in &c.gaps {
        s.push_str(&format!("    {}\n", gap_text(p, gap)));
    }
    if !c.cases.is_empty() {
        let them = if c.gaps.len() == 1 { "it" } else { "them" };
        s.push_str(&format!("    cases that close {them}:\n"));
        for case in &c.cases {
            for line in case.lines() {
                s.push_str(&format!("    {line}\n"));
            }
        }
    }
    s
}

/// The coverage of a policy as one JSON line for `test --coverage --format json`: rules
/// decided of those that can decide, verdicts reached of those reachable, the percentage,
/// and each gap with the case block that closes it.
pub fn coverage_json(path: &str, p: &Policy, c: &Coverage) -> String {
    let gaps: Vec<J> = c
        .gaps
        .iter()
        .map(|(gap, i)| {
            let mut o = match gap {
                Gap::Rule(r) => json!({"kind": "rule", "rule": p.rule(*r).id,
                    "line": p.source().line(p.rule(*r).span.start)}),
                Gap::Verdict(a, v) => {
                    json!({"kind": "verdict", "action": p.action(*a).name, "verdict": v.as_str()})
                }
                Gap::Boundary { rule, fact, value } => json!({"kind": "boundary",
                    "rule": p.rule(*rule).id, "fact": p.fact(*fact).name, "value": value}),
            };
            o["message"] = json!(gap_text(p, gap));
            o["case"] = json!(c.cases[*i]);
            o
        })
        .collect();
    json!({
        "path": path,
        "coverage": {
            "rules": {"covered": c.rules_covered, "total": c.decidable, "never_decide": c.rules - c.decidable},
            "verdicts": {"reached": c.reached, "reachable": c.reachable},
            "percent": c.percent(),
            "gaps": gaps,
        }
    })
    .to_string()
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
    /// How long it took to evaluate and check.
    pub time: Duration,
}

/// A JUnit class name: the path without `.policy`, folders joined by dots, no leading dot.
fn class_name(path: &str) -> String {
    let stem = path.strip_suffix(".policy").unwrap_or(path);
    stem.trim_start_matches("./")
        .replace(['/', '\\'], ".")
        .trim_start_matches('.')
        .to_string()
}

/// JUnit XML that the Jenkins schema (`junit-10.xsd`) accepts and the GitLab and GitHub
/// readers read: one `testsuite` per policy file, one `testcase` per case block (`classname`
/// the file, with its line in the failure text), a `failure` with the unmet expectations,
/// times in seconds; a policy with static errors is one `testcase` with an `error`.
pub fn junit(suites: &[Suite]) -> String {
    let mut report = Report::new("deontic test");
    let mut total = Duration::ZERO;
    for s in suites {
        let class = tabs_kept(&class_name(&s.path));
        let mut suite = TestSuite::new(tabs_kept(&s.path));
        let mut time = Duration::ZERO;
        if let Some(e) = &s.errors {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status
                .set_message("the policy has errors; its cases were not run")
                .set_type("static-error")
                .set_description(tabs_kept(e));
            let mut case = TestCase::new("the policy", status);
            case.set_classname(class.as_str()).set_time(Duration::ZERO);
            suite.add_test_case(case);
        }
        for c in &s.cases {
            time += c.time;
            let status = match c.misses.first() {
                None => TestCaseStatus::success(),
                Some(first) => {
                    let message = if c.misses.len() == 1 {
                        format!(
                            "expected `{}` is {}, got {}",
                            first.name, first.expected, first.actual
                        )
                    } else {
                        format!("{} expectations not met", c.misses.len())
                    };
                    let mut lines = vec![format!("{}:{}", s.path, c.line)];
                    lines.extend(c.misses.iter().map(miss_text));
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    status
                        .set_message(tabs_kept(&message))
                        .set_type("expectation")
                        .set_description(tabs_kept(&lines.join("\n")));
                    status
                }
            };
            let mut case = TestCase::new(tabs_kept(&c.name), status);
            case.set_classname(class.as_str()).set_time(c.time);
            suite.add_test_case(case);
        }
        if let Some(o) = &s.output {
            suite.set_system_out(tabs_kept(o));
        }
        suite.set_time(time);
        total += time;
        report.add_test_suite(suite);
    }
    report.set_time(total);
    let xml = report.to_string().unwrap_or_default();
    with_breaks_referenced(&without_root_skipped(&xml))
}

/// Stands for a tab on its way through the XML writer, which drops tabs.
const TAB: char = '\u{E009}';

/// The text with its tabs marked so they survive the writer ([`with_breaks_referenced`]
/// turns the marks back into tabs).
fn tabs_kept(s: &str) -> String {
    s.replace('\t', &TAB.to_string())
}

/// The XML with every tab, line feed and carriage return inside a tag written as a
/// character reference, so attribute values keep them (a reader turns a raw one into a
/// space), and the marked tabs as references everywhere. `<` and `>` in values and text
/// are already escaped, so the tags are easy to find.
fn with_breaks_referenced(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ => {}
        }
        match c {
            TAB => out.push_str("&#9;"),
            '\t' if in_tag => out.push_str("&#9;"),
            '\n' if in_tag => out.push_str("&#10;"),
            '\r' if in_tag => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// The XML without the `skipped` count on `<testsuites>`: the Jenkins schema has no such
/// attribute there (it has one on each `<testsuite>`), and the writer always adds it.
fn without_root_skipped(xml: &str) -> String {
    let Some(start) = xml.find("<testsuites") else {
        return xml.to_string();
    };
    let Some(len) = xml[start..].find('>') else {
        return xml.to_string();
    };
    let root = &xml[start..start + len];
    let Some(at) = root.find(" skipped=\"") else {
        return xml.to_string();
    };
    let value_end = root[at + 10..]
        .find('"')
        .map_or(root.len(), |e| at + 10 + e + 1);
    format!(
        "{}{}{}{}",
        &xml[..start],
        &root[..at],
        &root[value_end..],
        &xml[start + len..]
    )
}

/// One case of `test --format json`, a line: `path`, `case`, `passed`, and each unmet
/// expectation's `line`, `name`, `expected`, `actual` and the actual `by` list (with the
/// expected one as `expected_by` when the line has one).
pub fn test_json(path: &str, case: &str, misses: &[Miss]) -> String {
    let misses: Vec<J> = misses
        .iter()
        .map(|m| {
            let mut o = json!({
                "line": m.line,
                "name": m.name,
                "expected": m.expected,
                "actual": m.actual,
                "by": m.by,
            });
            if let Some(by) = &m.expected_by {
                o["expected_by"] = json!(by);
            }
            o
        })
        .collect();
    json!({"path": path, "case": case, "passed": misses.is_empty(), "misses": misses}).to_string()
}

/// The last line of `test --format json`.
pub fn test_json_summary(passed: usize, failed: usize) -> String {
    json!({"passed": passed, "failed": failed}).to_string()
}

#[cfg(test)]
mod tests {
    use super::{class_name, with_breaks_referenced, without_root_skipped};

    #[test]
    fn class_names_use_dots_and_never_start_with_one() {
        assert_eq!(class_name("./policies/a-b.policy"), "policies.a-b");
        assert_eq!(class_name("/abs/p.policy"), "abs.p");
        assert_eq!(class_name("x"), "x");
    }

    #[test]
    fn the_root_loses_its_skipped_count_and_nothing_else() {
        let xml = "<testsuites name=\"t\" tests=\"1\" skipped=\"0\" time=\"0.1\"><testsuite skipped=\"0\"/></testsuites>";
        assert_eq!(
            without_root_skipped(xml),
            "<testsuites name=\"t\" tests=\"1\" time=\"0.1\"><testsuite skipped=\"0\"/></testsuites>"
        );
    }

    #[test]
    fn breaks_inside_tags_become_references_and_text_keeps_them() {
        assert_eq!(
            with_breaks_referenced("<a n=\"x\ty\nz\r\">one\ntwo</a>"),
            "<a n=\"x&#9;y&#10;z&#13;\">one\ntwo</a>"
        );
    }
}
