//! Static errors (contract section 3): one broken policy per error and form under
//! `tests/fixtures/broken/`, each naming its expected code on its first line
//! (`# expect: CODE`), with the rendered diagnostics snapshotted.

use deontic::report::{Style, render_diagnostics};
use deontic::{Code, Diagnostic, Failure, Policy, Source};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn broken_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken")
}

/// Every `*.policy` under `tests/fixtures/broken/`, as (file name, text), sorted by name.
fn fixtures() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(broken_dir())
        .expect("tests/fixtures/broken exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "policy"))
        .map(|p| {
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            let text = std::fs::read_to_string(&p).unwrap();
            (name, text)
        })
        .collect();
    out.sort();
    out
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(broken_dir().join(name)).unwrap()
}

/// The code a fixture's first line announces: `# expect: CODE`.
fn expected_code(file: &str, text: &str) -> Code {
    let first = text.lines().next().unwrap_or("");
    let code = first.strip_prefix("# expect: ").unwrap_or_else(|| {
        panic!("{file}: the first line must be `# expect: CODE`, not {first:?}")
    });
    Code::from_name(code.trim()).unwrap_or_else(|| panic!("{file}: unknown code {code:?}"))
}

fn parse_failure(name: &str, text: &str) -> Failure {
    match Policy::parse(name, text) {
        Ok(_) => panic!("{name} parsed, but it is broken"),
        Err(f) => f,
    }
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

/// Where each diagnostic is reported: (code, message, line, column of the primary span).
fn positions(f: &Failure) -> Vec<(Code, String, usize, usize)> {
    f.diagnostics
        .iter()
        .map(|d| {
            let span = d.span().expect("every static error has a span");
            let (line, col) = f.source.line_col(span.start);
            (d.code, d.message.clone(), line, col)
        })
        .collect()
}

#[test]
fn every_broken_fixture_fails_with_the_code_it_announces() {
    let fixtures = fixtures();
    assert!(
        fixtures.len() >= 50,
        "expected the full set of broken fixtures, found {}",
        fixtures.len()
    );
    for (file, text) in &fixtures {
        let code = expected_code(file, text);
        assert!(
            file.starts_with(code.as_str()),
            "{file}: the file name should start with its code `{code}`"
        );
        let name = format!("broken/{file}");
        let failure = parse_failure(&name, text);
        assert_eq!(failure.source.name(), name);
        assert!(
            failure.diagnostics.iter().any(|d| d.code == code),
            "{file}: expected a `{code}` diagnostic, got {:?}",
            codes(&failure.diagnostics)
        );
        // Each fixture shows one problem: no other code may sneak in.
        for d in &failure.diagnostics {
            assert_eq!(
                d.code, code,
                "{file}: unexpected diagnostic {:?}",
                d.message
            );
            assert!(d.is_error(), "{file}: static errors are errors");
            let span = d.span().expect("a static error points at the source");
            assert!(
                span.start <= span.end && span.end <= text.len(),
                "{file}: span {span:?}"
            );
            assert_eq!(
                d.labels.iter().filter(|l| l.primary).count(),
                1,
                "{file}: one primary label in {:?}",
                d.message
            );
            assert!(
                !d.message.is_empty() && !d.message.starts_with(char::is_uppercase),
                "{file}: messages are lowercase: {:?}",
                d.message
            );
        }
        let rendered = render_diagnostics(&failure.diagnostics, &failure.source, Style::plain());
        assert!(
            rendered.contains(code.as_str()),
            "{file}: the code is rendered"
        );
        let stem = file.trim_end_matches(".policy");
        insta::with_settings!({
            description => format!("deontic check {name}"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("broken__{stem}"), rendered);
        });
    }
}

#[test]
fn every_static_error_code_has_a_fixture() {
    let have: BTreeSet<&str> = fixtures()
        .iter()
        .map(|(file, text)| expected_code(file, text).as_str())
        .collect();
    for code in [
        Code::SyntaxError,
        Code::UnknownName,
        Code::DuplicateName,
        Code::TypeMismatch,
        Code::SelfContradiction,
        Code::DerivationCycle,
        Code::OverrideCycle,
        Code::InvalidCase,
    ] {
        assert!(have.contains(code.as_str()), "no fixture for `{code}`");
    }
}

#[test]
fn no_snapshot_outlives_its_fixture() {
    let files: BTreeSet<String> = fixtures().into_iter().map(|(f, _)| f).collect();
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    for entry in std::fs::read_dir(snapshots).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let mine = name.starts_with("diagnostics__") || name.starts_with("eval_snapshots__");
        assert!(
            !(mine && name.ends_with(".snap.new")),
            "unreviewed snapshot {name}"
        );
        if let Some(stem) = name
            .strip_prefix("diagnostics__broken__")
            .and_then(|s| s.strip_suffix(".snap"))
        {
            assert!(
                files.contains(&format!("{stem}.policy")),
                "snapshot {name} has no fixture"
            );
        }
    }
}

#[test]
fn crlf_line_endings_give_the_same_positions() {
    for (file, text) in fixtures() {
        assert!(
            !text.contains('\r'),
            "{file} is stored with LF line endings"
        );
        let lf = parse_failure(&file, &text);
        let crlf_text = text.replace('\n', "\r\n");
        let crlf = parse_failure(&file, &crlf_text);
        assert_eq!(positions(&lf), positions(&crlf), "{file}");
    }
    // And one spelt out: the misspelt fact is on line 5, column 20, either way.
    let text = fixture("unknown-name-misspelt-fact.policy").replace('\n', "\r\n");
    let f = parse_failure("crlf.policy", &text);
    let span = f.diagnostics[0].span().unwrap();
    assert_eq!(f.source.slice(span), "cabinet_decison");
    assert_eq!(f.source.line_col(span.start), (5, 20));
}

#[test]
fn lone_carriage_returns_end_lines_too() {
    let text = fixture("unknown-name-misspelt-fact.policy").replace('\n', "\r");
    let f = parse_failure("cr.policy", &text);
    let span = f.diagnostics[0].span().unwrap();
    assert_eq!(f.source.line_col(span.start), (5, 20));
}

#[test]
fn unknown_name_suggests_the_closest_declared_name() {
    let cases = [
        (
            "unknown-name-misspelt-fact.policy",
            "did you mean `cabinet_decision`?",
        ),
        ("unknown-name-variant.policy", "did you mean `state`?"),
        (
            "unknown-name-action.policy",
            "did you mean `impose_sanctions`?",
        ),
        (
            "unknown-name-override.policy",
            "did you mean `counterattack_forbidden`?",
        ),
    ];
    for (file, help) in cases {
        let f = parse_failure(file, &fixture(file));
        let d = &f.diagnostics[0];
        assert_eq!(d.code, Code::UnknownName);
        assert_eq!(d.help.as_deref(), Some(help), "{file}");
    }
    // With nothing close, the help lists what is declared instead of guessing.
    let f = parse_failure("v.policy", &fixture("unknown-name-variant.policy"));
    assert_eq!(
        f.diagnostics[1].help.as_deref(),
        Some("the variants are `state`, `criminal`, `unknown`")
    );
}

#[test]
fn reserved_words_cannot_be_names() {
    let reserved = [
        "policy",
        "source",
        "fact",
        "action",
        "rule",
        "if",
        "unless",
        "then",
        "and",
        "or",
        "not",
        "may",
        "must",
        "requires",
        "overrides",
        "default",
        "case",
        "given",
        "expect",
        "is",
        "in",
        "true",
        "false",
    ];
    for word in reserved {
        let f = parse_failure("r.policy", &format!("fact {word}\naction x\n"));
        assert_eq!(codes(&f.diagnostics), ["syntax-error"], "fact {word}");
        assert_eq!(
            (f.source.line_col(f.diagnostics[0].span().unwrap().start)),
            (1, 6)
        );
        let f = parse_failure("r.policy", &format!("fact a\naction {word}\n"));
        assert_eq!(codes(&f.diagnostics), ["syntax-error"], "action {word}");
    }
    // Context words are ordinary names; a keyword prefix does not make a keyword.
    let ok = "fact bool, permitted, forbidden, required, undecided, conflict, iffy, notice, cases\n\
              action if_needed, must_do\n\
              if bool and notice then must_do";
    Policy::parse("ok.policy", ok).unwrap();
}

#[test]
fn a_file_reports_every_error_in_source_order() {
    let text = "fact a, a\n\
                fact kind: x | y\n\
                action act\n\
                if b then act\n\
                if kind then may act\n\
                rule r overrides r: if a then must not act\n";
    let f = parse_failure("many.policy", text);
    assert_eq!(
        codes(&f.diagnostics),
        [
            "duplicate-name",
            "unknown-name",
            "type-mismatch",
            "override-cycle"
        ]
    );
    let lines: Vec<usize> = positions(&f).iter().map(|p| p.2).collect();
    assert_eq!(lines, [1, 4, 5, 6]);
}

#[test]
fn nesting_is_limited_without_overflowing_the_stack() {
    let deep = |n: usize| {
        format!(
            "fact a\naction x\nif {}a{} then x\n",
            "(".repeat(n),
            ")".repeat(n)
        )
    };
    let nots = |n: usize| format!("fact a\naction x\nif {}a then x\n", "not ".repeat(n));
    Policy::parse("ok.policy", deep(200)).unwrap();
    Policy::parse("ok.policy", nots(200)).unwrap();
    for text in [deep(100_000), nots(100_000)] {
        let f = parse_failure("deep.policy", &text);
        assert_eq!(codes(&f.diagnostics), ["syntax-error"]);
        assert_eq!(f.diagnostics[0].message, "expression nested too deeply");
    }
}

#[test]
fn syntax_errors_point_at_the_offending_token() {
    // (fixture, text under the primary span, line, column)
    let cases = [
        ("syntax-error-missing-then.policy", "may", 6, 21),
        ("syntax-error-reserved-word.policy", "case", 3, 6),
        ("syntax-error-unterminated-string.policy", "\"", 2, 18),
        ("syntax-error-bad-escape.policy", "\\d", 3, 38),
        (
            "syntax-error-header-after-item.policy",
            "policy \"The header comes too late\"",
            3,
            1,
        ),
        ("syntax-error-missing-conclusion.policy", "", 4, 20),
    ];
    for (file, token, line, col) in cases {
        let text = fixture(file);
        let f = parse_failure(file, &text);
        let span = f.diagnostics[0].span().unwrap();
        assert_eq!(f.source.slice(span), token, "{file}");
        assert_eq!(f.source.line_col(span.start), (line, col), "{file}");
    }
    let f = parse_failure(
        "s.policy",
        &fixture("syntax-error-unterminated-string.policy"),
    );
    assert_eq!(f.diagnostics[0].message, "unterminated string");
    let f = parse_failure("s.policy", &fixture("syntax-error-reserved-word.policy"));
    assert!(
        f.diagnostics[0]
            .help
            .as_deref()
            .unwrap()
            .contains("reserved word")
    );
}

#[test]
fn invalid_case_diagnostics_point_into_the_case() {
    let f = parse_failure("c.policy", &fixture("invalid-case-given-twice.policy"));
    let d = &f.diagnostics[0];
    assert_eq!(d.message, "fact `cyberattack` is given twice");
    let secondary: Vec<&str> = d
        .labels
        .iter()
        .filter(|l| !l.primary)
        .map(|l| f.source.slice(l.span))
        .collect();
    assert_eq!(secondary, ["cyberattack"], "the first `given` is shown");
    let f = parse_failure("c.policy", &fixture("invalid-case-missing.policy"));
    assert_eq!(
        f.diagnostics[0].message,
        "facts not given: `attacker`, `severity`"
    );
    let f = parse_failure("c.policy", &fixture("invalid-case-wrong-type.policy"));
    assert_eq!(
        f.diagnostics.len(),
        4,
        "each bad value once, and not also as missing"
    );
}

#[test]
fn anonymous_rule_ids_are_lines_of_the_first_token() {
    let f = parse_failure(
        "a.policy",
        &fixture("duplicate-name-anonymous-rules.policy"),
    );
    assert_eq!(
        f.diagnostics[0].message,
        "two anonymous rules start on line 4; both would be `@4`"
    );
    let f = parse_failure("a.policy", &fixture("override-cycle-anonymous.policy"));
    assert_eq!(
        f.diagnostics[0].message,
        "`@4` is an anonymous rule and cannot be overridden"
    );
    // `@N` naming no rule at all is an unknown name.
    let f = parse_failure(
        "a.policy",
        "fact a\naction x\nif a then x\nrule r overrides @9: if a then not x\n",
    );
    assert_eq!(codes(&f.diagnostics), ["unknown-name"]);
    assert_eq!(f.diagnostics[0].message, "unknown rule `@9`");
}

#[test]
fn a_source_can_be_built_and_rendered_directly() {
    let source = Source::new("direct.policy", "fact a\naction x\nif b then x\n");
    let f = Policy::from_source(source).unwrap_err();
    let rendered = render_diagnostics(&f.diagnostics, &f.source, Style::plain());
    assert!(rendered.contains("direct.policy:3:4"), "{rendered}");
    assert!(rendered.contains("unknown fact `b`"), "{rendered}");
    assert_eq!(
        f.to_string(),
        "direct.policy: 1 error; first: unknown fact `b`"
    );
}

#[test]
fn control_characters_are_syntax_errors_shown_escaped() {
    for (text, shown) in [
        ("fact a\n\u{0}\naction x\n", r"'\0'"),
        ("fact a\naction x \u{7}\n", r"'\u{7}'"),
    ] {
        let f = parse_failure("ctl.policy", text);
        assert_eq!(codes(&f.diagnostics), ["syntax-error"]);
        assert!(
            f.diagnostics[0]
                .message
                .ends_with(&format!("found {shown}")),
            "{:?}",
            f.diagnostics[0].message
        );
    }
}

#[test]
fn rendered_positions_count_characters_like_line_col() {
    // Multi-byte characters before the error on its line: the `[file:line:col]` header of
    // the human report must agree with `Source::line_col`, which counts characters.
    let text = "fact a, b \"café ☃\"\naction x \"naïve\" if c then x\n";
    let f = parse_failure("utf8.policy", text);
    let span = f.diagnostics[0].span().unwrap();
    assert_eq!(f.source.slice(span), "c");
    assert_eq!(f.source.line_col(span.start), (2, 21));
    let rendered = render_diagnostics(&f.diagnostics, &f.source, Style::plain());
    assert!(rendered.contains("[utf8.policy:2:21]"), "{rendered}");
}

mod robustness {
    use super::*;
    use proptest::prelude::*;

    fn corpus() -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = Vec::new();
        for dir in ["policies", "tests/fixtures/eval", "tests/fixtures/broken"] {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "policy"))
                .collect();
            paths.sort();
            texts.extend(paths.iter().map(|p| std::fs::read_to_string(p).unwrap()));
        }
        texts
    }

    const TOKENS: &[&str] = &[
        " not ",
        "(",
        ")",
        "\"",
        "\\",
        " @3",
        " overrides a",
        ", ",
        " requires ",
        "-",
        "..",
        " 99999999999999999999",
        " is ",
        " in [",
        "]",
        " then ",
        " if ",
        " unless ",
        "case \"x\" {",
        "}",
        " given ",
        " expect ",
        " = ",
        " may ",
        " must ",
        "\n",
        "#",
        " true ",
        "|",
        ":",
        "é",
        "\u{7}",
    ];

    /// Where each diagnostic is, by line and column; `None` when the text is a valid policy.
    fn places(text: &str) -> Option<Vec<(Code, usize, usize)>> {
        match Policy::parse("m.policy", text) {
            Ok(p) => {
                // Anonymous rule ids are the line of the rule's first token.
                for r in p.rules().iter().filter(|r| !r.named) {
                    let line = p.source().line_col(r.span.start).0;
                    assert_eq!(r.id, format!("@{line}"));
                }
                for c in p.cases() {
                    let out = p.evaluate(&c.case);
                    let _ = deontic::report::eval_human(&c.name, &out);
                }
                None
            }
            Err(f) => {
                assert!(!f.diagnostics.is_empty(), "a failure has a diagnostic");
                let _ = render_diagnostics(&f.diagnostics, &f.source, Style::plain());
                Some(
                    positions(&f)
                        .into_iter()
                        .map(|(c, _, l, col)| (c, l, col))
                        .collect(),
                )
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// Edited policies never make the front end panic; diagnostics and anonymous rule
        /// ids sit at the same lines and columns with CRLF line endings.
        #[test]
        fn edited_policies_never_panic_and_crlf_changes_no_position(
            pick in any::<prop::sample::Index>(),
            at in any::<prop::sample::Index>(),
            cut in 0usize..30,
            insert in prop::collection::vec(prop::sample::select(TOKENS), 0..4),
        ) {
            let corpus = corpus();
            let text = pick.get(&corpus);
            let mut start = at.index(text.len() + 1);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + cut).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let edited = format!("{}{}{}", &text[..start], insert.concat(), &text[end..]);
            let lf = places(&edited);
            let crlf = places(&edited.replace('\n', "\r\n"));
            prop_assert_eq!(lf, crlf);
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
            let _ = Policy::parse("a.policy", text);
        }
    }
}
