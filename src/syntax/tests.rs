//! Unit tests of the parser: the nesting guard, flat `and` chains, escapes reported where they are.

use super::{MAX_NESTING, ast, parse};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Source, Span};

fn parse_text(text: &str) -> Result<ast::File, Vec<Diagnostic>> {
    parse(&Source::new("t.policy", text)).map(|p| p.file)
}

#[test]
fn deep_parentheses_are_a_diagnostic_not_a_crash() {
    let depth = 100_000;
    let text = format!(
        "fact a\naction x\nif {}a{} then x\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let errs = parse_text(&text).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].code, Code::SyntaxError);
    assert!(errs[0].message.contains("nested too deeply"));
    // The label points at the first parenthesis past the limit.
    assert_eq!(errs[0].span().map(|s| s.start), Some(19 + MAX_NESTING));
}

#[test]
fn long_not_chains_are_a_diagnostic_not_a_crash() {
    let text = format!("fact a\naction x\nif {}a then x\n", "not ".repeat(100_000));
    let errs = parse_text(&text).unwrap_err();
    assert!(errs[0].message.contains("nested too deeply"));
}

#[test]
fn nesting_up_to_the_limit_parses() {
    let half = MAX_NESTING / 2;
    let text = format!(
        "fact a\naction x\nif {}{}a{} then x\n",
        "not ".repeat(half),
        "(".repeat(half),
        ")".repeat(half)
    );
    // Run on a small stack, as a test thread has, to show the limit is safe there.
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || parse_text(&text).is_ok())
        .unwrap();
    assert!(handle.join().unwrap());
}

#[test]
fn parentheses_in_strings_and_comments_do_not_count() {
    let text = format!(
        "policy \"{}\"\n# {}\nfact a\naction x\nif a then x\n",
        "(".repeat(1000),
        "(".repeat(1000)
    );
    assert!(parse_text(&text).is_ok());
}

#[test]
fn long_and_chains_stay_flat() {
    let terms: Vec<String> = (0..10_000).map(|i| format!("f{i}")).collect();
    let text = format!(
        "fact {}\naction x\nif {} then x\n",
        terms.join(", "),
        terms.join(" and ")
    );
    let file = parse_text(&text).unwrap();
    let ast::Item::Rule(rule) = &file.items[2] else {
        panic!("expected a rule")
    };
    let ast::RuleBody::Conditional {
        when: Some(ast::Expr::And(xs, _)),
        ..
    } = &rule.body
    else {
        panic!("expected an `and`")
    };
    assert_eq!(xs.len(), 10_000);
}

#[test]
fn unknown_escape_is_reported_at_the_escape() {
    let errs = parse_text("policy \"a\\qb\"\n").unwrap_err();
    assert_eq!(errs[0].code, Code::SyntaxError);
    assert_eq!(errs[0].span(), Some(Span::new(9, 11)));
}
