//! `deontic fmt` as a library function: the canonical layout of hand-written fixtures
//! (snapshotted and read by hand), and the rules the layout follows.

use deontic::Source;
use deontic::format::{FormatError, format};

fn fmt(text: &str) -> String {
    format(&Source::new("t.policy", text)).unwrap_or_else(|e| panic!("{e}"))
}

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fmt")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_messy_policy() {
    let out = fmt(&fixture("messy.policy"));
    assert_eq!(fmt(&out), out);
    insta::assert_snapshot!("messy", out);
}

#[test]
fn long_conditions_and_lists_wrap() {
    let out = fmt(&fixture("long.policy"));
    assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    assert_eq!(fmt(&out), out);
    insta::assert_snapshot!("long", out);
}

#[test]
fn comments_in_odd_places_are_kept_in_order() {
    let text = fixture("comments.policy");
    let out = fmt(&text);
    assert_eq!(fmt(&out), out);
    let comments = |t: &str| -> Vec<String> {
        t.lines()
            .filter_map(|l| {
                l.find(" #").map(|i| l[i + 1..].to_string()).or_else(|| {
                    l.trim_start()
                        .starts_with('#')
                        .then(|| l.trim().to_string())
                })
            })
            .collect()
    };
    assert_eq!(comments(&out), comments(&text));
    insta::assert_snapshot!("comments", out);
}

#[test]
fn short_items_go_on_one_line() {
    assert_eq!(
        fmt("fact a,b\naction x\nrule r :\n  if a\n  then\n  x\ncase \"c\" {\n given a\n}\n"),
        "fact a, b\naction x\nrule r: if a then x\ncase \"c\" {\n  given a\n}\n"
    );
}

#[test]
fn parentheses_only_where_precedence_needs_them() {
    assert_eq!(
        fmt(
            "fact a, b, c\naction x\nif ((a and (b))) or (not (c)) then x\nif a and (b or c) then x\nif not (a and b) then x"
        ),
        "fact a, b, c\naction x\nif a and b or not c then x\nif a and (b or c) then x\nif not (a and b) then x\n"
    );
}

#[test]
fn blank_lines_are_kept_but_collapsed() {
    assert_eq!(
        fmt("\n\nfact a\n\n\n\naction x\n# c\n\n\n# d\nif a then x\n\n\n"),
        "fact a\n\naction x\n# c\n\n# d\nif a then x\n"
    );
}

#[test]
fn strings_are_written_back_with_escapes() {
    assert_eq!(
        fmt("fact a \"two\nlines, a \ttab, a \\\"quote\\\" and a \\\\\"\naction x"),
        "fact a \"two\\nlines, a \\ttab, a \\\"quote\\\" and a \\\\\"\naction x\n"
    );
}

#[test]
fn line_endings_byte_order_mark_and_numbers() {
    assert_eq!(
        fmt("\u{feff}fact n: -05..007\r\naction x\rif n >= -0 then x\r\n"),
        "fact n: -5..7\naction x\nif n >= 0 then x\n"
    );
}

#[test]
fn empty_and_comment_only_texts() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("  \n\n"), "");
    assert_eq!(
        fmt("# just a note   \n\n\n# and another"),
        "# just a note\n\n# and another\n"
    );
}

#[test]
fn every_item_starts_a_line() {
    assert_eq!(
        fmt("fact a action x rule r: if a then x case \"c\" { given a expect x is required }"),
        "fact a\naction x\nrule r: if a then x\ncase \"c\" {\n  given a\n  expect x is required\n}\n"
    );
}

#[test]
fn given_lines_stay_as_written_and_in_order() {
    assert_eq!(
        fmt("fact a, b\naction x\ncase \"c\" { expect x is undecided given a given b, not a }"),
        "fact a, b\naction x\ncase \"c\" {\n  expect x is undecided\n  given a\n  given b, not a\n}\n"
    );
}

#[test]
fn anonymous_rule_ids_follow_the_new_lines() {
    let text = "fact a\n\n\n\naction x\nif a then x\n";
    let before = deontic::Policy::parse("t.policy", text).unwrap();
    let after = deontic::Policy::parse("t.policy", fmt(text)).unwrap();
    assert_eq!(before.rules()[0].id, "@6");
    assert_eq!(after.rules()[0].id, "@4");
}

#[test]
fn a_syntax_error_gives_its_diagnostic() {
    let err = format(&Source::new("t.policy", "fact a\nrule r: if a then")).unwrap_err();
    let FormatError::Syntax(diags) = err else {
        panic!("expected a syntax error")
    };
    assert_eq!(diags[0].code.as_str(), "syntax-error");
}

#[test]
fn files_with_other_static_errors_are_formatted() {
    assert_eq!(
        fmt("fact a\nrule r:if b then   x"),
        "fact a\nrule r: if b then x\n"
    );
}
