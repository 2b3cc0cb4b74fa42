//! Evaluation (contract section 4), snapshotted: the fixtures under `tests/fixtures/eval/`
//! with their `.json` and `.jsonl` case files, and the case blocks of the bundled policies.
//! Every snapshot here was checked by hand against section 4; the policies' own `expect`
//! lines and the explicit assertions below pin the verdicts that matter most.
//!
//! The last part checks that the parser reads each construct of the grammar as meant,
//! observed through evaluation.

use deontic::model::{self, CaseForm};
use deontic::model::{ExpectTarget, Value};
use deontic::report::{eval_human, eval_json, eval_json_error};
use deontic::{Case, CaseError, Policy, Verdict};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Loads a policy, named relative to `base` so snapshots do not depend on the machine.
fn load(base: &Path, path: &Path) -> Policy {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.strip_prefix(base).unwrap().display().to_string();
    Policy::parse(&name, text).unwrap_or_else(|f| {
        panic!(
            "{name} should be valid:\n{}",
            deontic::report::render_diagnostics(
                &f.diagnostics,
                &f.source,
                deontic::report::Style::plain()
            )
        )
    })
}

fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    out.sort();
    out
}

#[derive(Clone, Copy, Debug)]
enum Format {
    Human,
    Json,
}

/// Renders one case as the command line does.
fn render(out: &mut String, policy: &Policy, name: &str, case: Result<Case, CaseError>, f: Format) {
    match (case, f) {
        (Ok(case), Format::Human) => writeln!(out, "{}", eval_human(name, &policy.evaluate(&case))),
        (Ok(case), Format::Json) => writeln!(out, "{}", eval_json(name, &policy.evaluate(&case))),
        (Err(e), Format::Human) => writeln!(out, "case {name}\n  invalid: {e}\n"),
        (Err(e), Format::Json) => writeln!(out, "{}", eval_json_error(name, &e.to_string())),
    }
    .unwrap();
}

/// Reads a case file as `deontic eval POLICY FILE` does; returns the rendering and the
/// number of valid and invalid cases.
fn eval_file(policy: &Policy, cases: &Path, f: Format) -> (String, usize, usize) {
    let reader = std::io::BufReader::new(std::fs::File::open(cases).unwrap());
    let (mut s, mut ok, mut bad) = (String::new(), 0, 0);
    model::read_cases(policy, reader, CaseForm::for_path(cases), |n, case| {
        if case.is_ok() {
            ok += 1
        } else {
            bad += 1
        }
        render(&mut s, policy, &format!("#{n}"), case, f);
        Ok(())
    })
    .unwrap();
    (s, ok, bad)
}

/// The policy's own case blocks, as `deontic eval POLICY` does.
fn eval_blocks(policy: &Policy, f: Format) -> String {
    let mut s = String::new();
    for c in policy.cases() {
        let name = match f {
            Format::Human => format!("{:?}", c.name),
            Format::Json => c.name.clone(),
        };
        render(&mut s, policy, &name, Ok(c.case.clone()), f);
    }
    s
}

/// Every `expect` of every case block that does not hold, as text.
fn failed_expectations(policy: &Policy) -> Vec<String> {
    let mut misses = Vec::new();
    for c in policy.cases() {
        let out = policy.evaluate(&c.case);
        for x in &c.expectations {
            let (name, actual) = match x.target {
                ExpectTarget::Action(a) => (
                    policy.actions()[a].name.as_str(),
                    out.verdicts[a].verdict.as_str(),
                ),
                ExpectTarget::Fact(f) => (
                    policy.facts()[f].name.as_str(),
                    if out.values[f] == Value::Bool(true) {
                        "true"
                    } else {
                        "false"
                    },
                ),
            };
            if actual != x.word {
                misses.push(format!(
                    "{:?}: {name} is {actual}, expected {}",
                    c.name, x.word
                ));
            }
        }
    }
    misses
}

fn snapshot(name: &str, description: String, value: String) {
    insta::with_settings!({description => description, omit_expression => true}, {
        insta::assert_snapshot!(name, value);
    });
}

#[test]
fn eval_fixtures_with_their_case_files() {
    let dir = root().join("tests/fixtures/eval");
    let policies = files_with(&dir, "policy");
    assert!(
        policies.len() >= 5,
        "found {} eval fixtures",
        policies.len()
    );
    for path in policies {
        let policy = load(&root().join("tests/fixtures"), &path);
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        assert_eq!(failed_expectations(&policy), Vec::<String>::new(), "{stem}");
        assert!(!policy.cases().is_empty(), "{stem} has case blocks");
        for ext in ["json", "jsonl"] {
            let cases = path.with_extension(ext);
            assert!(cases.exists(), "{} is missing", cases.display());
            for f in [Format::Human, Format::Json] {
                let (text, ok, bad) = eval_file(&policy, &cases, f);
                assert!(ok > 0, "{stem}.{ext}: some cases are valid");
                match ext {
                    "json" => assert_eq!(bad, 0, "{stem}.json: every case is valid"),
                    _ => assert!(bad > 0, "{stem}.jsonl: has an invalid line"),
                }
                if let Format::Json = f {
                    // One JSON object per case, one per line, parseable.
                    assert_eq!(text.lines().count(), ok + bad);
                    for line in text.lines() {
                        serde_json::from_str::<serde_json::Value>(line).unwrap();
                    }
                }
                let kind = match f {
                    Format::Human => "human",
                    Format::Json => "json",
                };
                snapshot(
                    &format!("{stem}.{ext}.{kind}"),
                    format!("deontic eval eval/{stem}.policy eval/{stem}.{ext} --format {kind}"),
                    text,
                );
            }
        }
    }
}

#[test]
fn bundled_policies_case_blocks() {
    let dir = root().join("policies");
    let policies = files_with(&dir, "policy");
    assert_eq!(policies.len(), 3, "the bundled policies");
    for path in policies {
        let policy = load(root(), &path);
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        assert_eq!(failed_expectations(&policy), Vec::<String>::new(), "{stem}");
        for (f, kind) in [(Format::Human, "human"), (Format::Json, "json")] {
            snapshot(
                &format!("bundled.{stem}.{kind}"),
                format!("deontic eval policies/{stem}.policy --format {kind}"),
                eval_blocks(&policy, f),
            );
        }
    }
}

/// Parses and evaluates one inline policy under the given facts.
fn eval_inline<'p>(policy: &'p Policy, given: &str) -> deontic::Outcome<'p> {
    let case =
        model::case_from_given(policy, given).unwrap_or_else(|e| panic!("--given {given:?}: {e}"));
    policy.evaluate(&case)
}

fn parse(text: &str) -> Policy {
    Policy::parse("inline.policy", text).unwrap_or_else(|f| panic!("{f}"))
}

fn verdict(p: &Policy, given: &str, action: &str) -> (Verdict, Vec<String>) {
    let out = eval_inline(p, given);
    let by = out
        .by_of(action)
        .unwrap()
        .into_iter()
        .map(str::to_string)
        .collect();
    (out.verdict_of(action).unwrap(), by)
}

fn v(verdict: Verdict, by: &[&str]) -> (Verdict, Vec<String>) {
    (verdict, by.iter().map(|s| s.to_string()).collect())
}

use Verdict::*;

#[test]
fn section_4_on_the_fixtures_by_hand() {
    let fixtures = root().join("tests/fixtures");
    let o = load(&fixtures, &fixtures.join("eval/overrides.policy"));
    // Transitive: audited_shutdown overrides baseline through approved_shutdown, which
    // did not fire.
    assert_eq!(
        verdict(&o, "emergency,audited", "shutdown"),
        v(Required, &["audited_shutdown"])
    );
    // Removed rules still remove: all decided on K at once.
    assert_eq!(
        verdict(&o, "emergency,approved,audited", "shutdown"),
        v(Required, &["audited_shutdown"])
    );
    assert_eq!(
        verdict(&o, "emergency,approved,audited,vetoed", "shutdown"),
        v(Forbidden, &["veto"])
    );
    // Only named rules are overridden; the anonymous @15 stays.
    assert_eq!(
        verdict(&o, "emergency,vetoed", "notify"),
        v(Conflict, &["veto", "@15"])
    );
    assert_eq!(verdict(&o, "", "notify"), v(Permitted, &[]));
    assert_eq!(verdict(&o, "", "shutdown"), v(Undecided, &[]));

    let r = load(&fixtures, &fixtures.join("eval/requirements.policy"));
    assert_eq!(
        verdict(&r, "risk=low", "deploy"),
        v(Forbidden, &["deploy_needs_signature"])
    );
    assert_eq!(verdict(&r, "risk=low,signed", "deploy"), v(Permitted, &[]));
    assert_eq!(
        verdict(&r, "risk=low,urgent", "deploy"),
        v(Forbidden, &["deploy_needs_signature"])
    );
    assert_eq!(
        verdict(&r, "risk=low,urgent,signed", "deploy"),
        v(Permitted, &["urgent_deploy"])
    );
    // A requirement removes permissions, not obligations.
    assert_eq!(
        verdict(&r, "risk=low,urgent,ciso_approved", "deploy"),
        v(Conflict, &["deploy_needs_signature", "ciso_orders_deploy"])
    );
    // An overridden requirement no longer outranks the permissions.
    assert_eq!(
        verdict(&r, "risk=high,urgent,ciso_approved", "hotfix"),
        v(Permitted, &["hotfix_waiver", "@18"])
    );
    assert_eq!(
        verdict(&r, "risk=high", "hotfix"),
        v(Forbidden, &["hotfix_needs_signature_or_low_risk"])
    );
    assert_eq!(verdict(&r, "risk=low", "publish"), v(Forbidden, &["@21"]));
    assert_eq!(
        verdict(&r, "risk=low,ciso_approved", "publish"),
        v(Permitted, &["@22"])
    );
    assert_eq!(
        verdict(&r, "risk=high,ciso_approved", "publish"),
        v(Forbidden, &[])
    );

    let c = load(&fixtures, &fixtures.join("eval/conflicts.policy"));
    assert_eq!(verdict(&c, "a", "z"), v(Required, &["double"]));
    assert_eq!(
        verdict(&c, "a,b", "z"),
        v(Conflict, &["order_z", "ban_z", "double"])
    );
    assert_eq!(verdict(&c, "b", "x"), v(Forbidden, &["ban_x"]));
    assert_eq!(verdict(&c, "a", "y"), v(Permitted, &["allow_y"]));
}

#[test]
fn derived_facts_are_computed_in_dependency_order() {
    let fixtures = root().join("tests/fixtures");
    let d = load(&fixtures, &fixtures.join("eval/derived.policy"));
    let out = eval_inline(&d, "malware_found,severity=5");
    assert_eq!(out.derived("incident"), Some(true));
    assert_eq!(out.derived("serious_incident"), Some(true));
    assert_eq!(out.derived("escalate_now"), Some(true));
    assert_eq!(
        out.derived("malware_found"),
        None,
        "an input fact is not derived"
    );
    assert_eq!(out.verdict_of("wake_ciso"), Some(Required));
    assert_eq!(
        eval_json("#1", &out),
        r##"{"case":"#1","verdicts":{"wake_ciso":{"verdict":"required","by":["@15"]},"open_ticket":{"verdict":"required","by":["ticket"]},"page_on_call":{"verdict":"permitted","by":[]}},"derived":{"escalate_now":true,"serious_incident":true,"incident":true}}"##
    );
}

// ---- The parser, observed through evaluation ------------------------------------------

#[test]
fn comments_may_stand_anywhere_between_tokens() {
    let p = parse(
        "# leading comment\n\
         policy # after the keyword\n \"Title # not a comment\" # after the title\n\
         source \"a # b\" # after a source\n\
         fact # here\n a, # between names\n b # before the type\n : # after the colon\n x # variant\n | y # done\n\
         fact n: # range\n -3 # lo\n .. # dots\n 3 # hi\n\
         action # a\n go # b\n default # c\n forbidden # d\n\
         rule # name next\n r # overrides next\n \"quote\" # colon next\n : # body\n\
           if # cond\n ( # paren\n n >= # op\n -1 # value\n ) # close\n\
           and b is # is\n x # variant\n then # conclusions\n may # modal\n go # end\n\
         case # name\n \"c\" # brace\n { # given\n given # facts\n a = y, b = x, # next\n n = 0 # end\n\
           expect # what\n go # is\n is # word\n permitted # done\n } # closing\n",
    );
    assert_eq!(p.title(), Some("Title # not a comment"));
    assert_eq!(p.sources(), ["a # b"]);
    assert_eq!(failed_expectations(&p), Vec::<String>::new());
    assert_eq!(verdict(&p, "a=y,b=x,n=-1", "go"), v(Permitted, &["r"]));
    assert_eq!(verdict(&p, "a=x,b=x,n=-2", "go"), v(Forbidden, &[]));
    assert_eq!(p.rules()[0].description.as_deref(), Some("quote"));
    let kinds: Vec<String> = p.facts().iter().map(|f| f.ty.describe()).collect();
    assert_eq!(kinds, ["x | y", "x | y", "-3..3"]);
}

#[test]
fn strings_resolve_escapes_and_span_lines() {
    let p = parse(
        "policy \"a \\\"quoted\\\" title\"\n\
         fact a \"first line\nsecond line\\twith a tab\\nand an escaped newline \\\\ done\"\n\
         action x\nif a then x\n",
    );
    assert_eq!(p.title(), Some("a \"quoted\" title"));
    assert_eq!(
        p.facts()[0].description.as_deref(),
        Some("first line\nsecond line\twith a tab\nand an escaped newline \\ done")
    );
    // The string spans lines 2 and 3, so the anonymous rule starts on line 5.
    assert_eq!(p.rules()[0].id, "@5");
}

#[test]
fn conclusion_forms() {
    let p = parse(
        "fact a, b, c, d\n\
         action w, x, y, z\n\
         if a then must not w, not x, y, must z\n\
         if b then may w, may x\n\
         if c then d\n\
         if d then may z\n",
    );
    assert_eq!(verdict(&p, "a", "w"), v(Forbidden, &["@3"]));
    assert_eq!(verdict(&p, "a", "x"), v(Forbidden, &["@3"]));
    assert_eq!(verdict(&p, "a", "y"), v(Required, &["@3"]));
    assert_eq!(verdict(&p, "a", "z"), v(Required, &["@3"]));
    assert_eq!(verdict(&p, "a,b", "w"), v(Conflict, &["@3", "@4"]));
    assert_eq!(verdict(&p, "b", "x"), v(Permitted, &["@4"]));
    // A bare bool fact is derived, not an obligation.
    assert_eq!(eval_inline(&p, "c").derived("d"), Some(true));
    assert_eq!(verdict(&p, "c", "z"), v(Permitted, &["@6"]));
    assert_eq!(verdict(&p, "a,c", "z"), v(Required, &["@3", "@6"]));
}

#[test]
fn overrides_lists_and_named_requirements() {
    let p = parse(
        "fact a, b, signed\n\
         action x\n\
         rule p: if a then must not x\n\
         rule q: if b then must not x\n\
         rule both overrides p, q \"allowed anyway\": if a or b then may x\n\
         rule needs_signature overrides both: x requires signed\n\
         rule waiver overrides needs_signature: if a and b then may x\n",
    );
    assert_eq!(verdict(&p, "a,signed", "x"), v(Permitted, &["both"]));
    assert_eq!(verdict(&p, "b,signed", "x"), v(Permitted, &["both"]));
    assert_eq!(verdict(&p, "b", "x"), v(Forbidden, &["needs_signature"]));
    assert_eq!(verdict(&p, "", "x"), v(Forbidden, &["needs_signature"]));
    // waiver overrides needs_signature, which overrides both, p and q (transitively).
    assert_eq!(verdict(&p, "a,b", "x"), v(Permitted, &["waiver"]));
    let requirements: Vec<bool> = p.rules().iter().map(|r| r.is_requirement()).collect();
    assert_eq!(requirements, [false, false, false, true, false]);
    // The transitive closure of `overrides`, as rule indexes.
    assert_eq!(p.overridden_by(4), [0, 1, 2, 3]);
    assert_eq!(p.overridden_by(2), [0, 1]);
    assert!(p.overrides(4, 0) && !p.overrides(0, 4));
    assert_eq!(p.rules()[2].description.as_deref(), Some("allowed anyway"));
}

#[test]
fn unless_only_rules_and_rules_without_conditions() {
    let p = parse(
        "fact a, b\n\
         action x, y, z\n\
         unless a then x\n\
         unless a or b then not y\n\
         then may z\n",
    );
    assert_eq!(verdict(&p, "", "x"), v(Required, &["@3"]));
    assert_eq!(verdict(&p, "a", "x"), v(Undecided, &[]));
    assert_eq!(verdict(&p, "", "y"), v(Forbidden, &["@4"]));
    assert_eq!(verdict(&p, "b", "y"), v(Undecided, &[]));
    assert_eq!(verdict(&p, "a,b", "z"), v(Permitted, &["@5"]));
    // `if` and `unless` together: the rule fires when if holds and unless does not.
    let p = parse("fact a, b\naction x\nif a unless b then x\n");
    assert_eq!(verdict(&p, "a", "x").0, Required);
    assert_eq!(verdict(&p, "a,b", "x").0, Undecided);
    assert_eq!(verdict(&p, "b", "x").0, Undecided);
}

#[test]
fn precedence_or_then_and_then_not() {
    let p = parse(
        "fact a, b, c\n\
         action loose, grouped, explicit, negated_first\n\
         if a or b and not c then loose\n\
         if (a or b) and not c then grouped\n\
         if a or (b and (not c)) then explicit\n\
         if not a and b then negated_first\n",
    );
    for bits in 0..8u8 {
        let (a, b, c) = (bits & 1 != 0, bits & 2 != 0, bits & 4 != 0);
        let given: Vec<&str> = [(a, "a"), (b, "b"), (c, "c")]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, n)| n)
            .collect();
        let given = given.join(",");
        let out = eval_inline(&p, &given);
        let holds = |action: &str| out.verdict_of(action) == Some(Required);
        assert_eq!(holds("loose"), a || (b && !c), "loose with {given:?}");
        assert_eq!(holds("loose"), holds("explicit"), "with {given:?}");
        assert_eq!(holds("grouped"), (a || b) && !c, "grouped with {given:?}");
        assert_eq!(
            holds("negated_first"),
            !a && b,
            "not a and b with {given:?}"
        );
    }
    // The two readings really differ: a and c.
    let out = eval_inline(&p, "a,c");
    assert_eq!(out.verdict_of("loose"), Some(Required));
    assert_eq!(out.verdict_of("grouped"), Some(Undecided));
}

#[test]
fn enum_tests_and_negative_integers() {
    let p = parse(
        "fact kind: red | green | blue\n\
         fact t: -10..-2\n\
         action in_list, not_in_list, is_v, is_not_v, cold, colder, exact\n\
         if kind in [red, blue] then in_list\n\
         if kind not in [red, blue] then not_in_list\n\
         if kind is green then is_v\n\
         if kind is not green then is_not_v\n\
         if t < -5 then cold\n\
         if t <= -10 then colder\n\
         if t = -2 or t != -2 and false then exact\n",
    );
    let req =
        |given: &str, action: &str| eval_inline(&p, given).verdict_of(action) == Some(Required);
    for (kind, inside) in [("red", true), ("green", false), ("blue", true)] {
        let g = format!("kind={kind},t=-3");
        assert_eq!(req(&g, "in_list"), inside, "{kind} in");
        assert_eq!(req(&g, "not_in_list"), !inside, "{kind} not in");
        assert_eq!(req(&g, "is_v"), kind == "green", "{kind} is");
        assert_eq!(req(&g, "is_not_v"), kind != "green", "{kind} is not");
    }
    assert!(!req("kind=red,t=-5", "cold"));
    assert!(req("kind=red,t=-6", "cold"));
    assert!(req("kind=red,t=-10", "colder"));
    assert!(!req("kind=red,t=-9", "colder"));
    assert!(req("kind=red,t=-2", "exact"));
    assert!(!req("kind=red,t=-3", "exact"));
    // The range is inclusive at both ends, negative bounds included.
    let range = |g: &str| {
        model::case_from_given(&p, g)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert_eq!(range("kind=red,t=-10"), Ok(()));
    assert_eq!(range("kind=red,t=-2"), Ok(()));
    assert_eq!(
        range("kind=red,t=-1"),
        Err("`t` must be in `-10..-2`, but was given -1".to_string())
    );
    assert_eq!(
        range("kind=red,t=-11"),
        Err("`t` must be in `-10..-2`, but was given -11".to_string())
    );
}

#[test]
fn case_blocks_parse_every_assignment_form() {
    let p = parse(
        "fact a, b, c\n\
         fact kind: red | green\n\
         fact n: -5..5\n\
         action x\n\
         if a and not b and c and kind is green and n = -5 then x\n\
         case \"all forms\" {\n\
           given a, not b\n\
           given c = true, kind = green, n = -5\n\
           expect x is required\n\
         }\n\
         case \"false\" { given a = false, kind = red, n = 5 expect x is undecided }\n",
    );
    assert_eq!(failed_expectations(&p), Vec::<String>::new());
    assert_eq!(p.cases().len(), 2);
    assert_eq!(p.cases()[0].case.values[0], Value::Bool(true));
    assert_eq!(p.cases()[0].case.values[1], Value::Bool(false));
    assert_eq!(p.cases()[0].case.values[4], Value::Int(-5));
}

#[test]
fn names_may_be_used_before_they_are_declared_and_rules_have_their_own_namespace() {
    let p = parse(
        "rule deploy overrides block: if ready and not frozen then may deploy\n\
         rule block: if frozen then must not deploy\n\
         fact ready, frozen\n\
         action deploy\n",
    );
    assert_eq!(verdict(&p, "ready", "deploy"), v(Permitted, &["deploy"]));
    assert_eq!(verdict(&p, "frozen", "deploy"), v(Forbidden, &["block"]));
    assert_eq!(p.rule_id("deploy"), Some(0));
    assert!(p.action_id("deploy").is_some());
}

#[test]
fn constants_true_and_false() {
    let p = parse(
        "fact a\n\
         action always, never, not_a\n\
         if true then always\n\
         if false then never\n\
         unless true or a then may not_a\n\
         then may not_a\n",
    );
    assert_eq!(verdict(&p, "", "always"), v(Required, &["@3"]));
    assert_eq!(verdict(&p, "a", "never"), v(Undecided, &[]));
    assert_eq!(verdict(&p, "", "not_a"), v(Permitted, &["@6"]));
}
