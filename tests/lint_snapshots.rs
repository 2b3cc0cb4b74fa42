//! Lint reports (contract sections 5 and 6), snapshotted: every fixture under
//! `tests/fixtures/lint/` rendered as the human report (miette, `Style::plain()`), the
//! contract's JSON document and SARIF 2.1.0. Every snapshot was checked by hand: the
//! findings against section 5, the witnesses by evaluating them, the positions against the
//! fixture text.
//!
//! Besides the snapshots: each fixture has exactly the findings its name says, every
//! witness reproduces its finding under evaluation, the JSON agrees with the diagnostics,
//! the SARIF has the shape code-scanning services read, `# deontic: allow(...)` silences
//! exactly what it names, and the bundled policies lint clean.

use deontic::report::{
    FileReport, SarifPlace, Style, lint_json, lint_sarif, lint_sarif_at, render_diagnostics,
};
use deontic::{Code, Diagnostic, Literal, Policy, Severity, Verdict};
use serde_json::Value as J;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures")
}

/// The `.policy` files of a folder, sorted.
fn policies_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "policy"))
        .collect();
    out.sort();
    out
}

/// A policy named by its path relative to `base`, with forward slashes.
fn load(base: &Path, path: &Path) -> Policy {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path
        .strip_prefix(base)
        .unwrap()
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    Policy::parse(&name, text).unwrap_or_else(|f| {
        panic!(
            "{name} should be valid:\n{}",
            render_diagnostics(&f.diagnostics, &f.source, Style::plain())
        )
    })
}

fn lint(policy: &Policy) -> Vec<Diagnostic> {
    deontic::analysis::lint(policy).unwrap_or_else(|e| panic!("{}: {e}", policy.source().name()))
}

fn fixture(stem: &str) -> (Policy, Vec<Diagnostic>) {
    let policy = load(
        &fixtures(),
        &fixtures().join("lint").join(format!("{stem}.policy")),
    );
    let diags = lint(&policy);
    (policy, diags)
}

fn report<'a>(policy: &'a Policy, diags: &'a [Diagnostic]) -> FileReport<'a> {
    FileReport {
        file: None,
        path: policy.source().name(),
        source: policy.source(),
        diagnostics: diags,
    }
}

/// The SARIF report for a fixed repository root, `/repo`, with the folder the sources are
/// in (the documentation links) written `[sources]`, so the snapshot holds on any machine.
fn sarif_snapshot(files: &[FileReport]) -> String {
    let place = SarifPlace {
        root: "/repo".into(),
        cwd: "/repo".into(),
    };
    pretty(&lint_sarif_at(files, &place, &[])).replace(env!("CARGO_MANIFEST_DIR"), "[sources]")
}

fn pretty(json: &str) -> String {
    let v: J = serde_json::from_str(json).unwrap();
    serde_json::to_string_pretty(&v).unwrap()
}

/// The codes of a list of diagnostics, in order.
fn codes(diags: &[Diagnostic]) -> Vec<Code> {
    diags.iter().map(|d| d.code).collect()
}

/// A finding as compared: code, rules, action, name.
type Key = (String, Vec<String>, Option<String>, Option<String>);

/// The same, written with `&str`.
type Want<'a> = (&'a str, Vec<&'a str>, Option<&'a str>, Option<&'a str>);

/// (code, rules, action, name) of each diagnostic, in order.
fn summary(diags: &[Diagnostic]) -> Vec<Key> {
    diags
        .iter()
        .map(|d| {
            (
                d.code.to_string(),
                d.rules.clone(),
                d.action.clone(),
                d.name.clone(),
            )
        })
        .collect()
}

fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

// ------------------------------------------------------------------ snapshots

const FIXTURES: [&str; 10] = [
    "allow-directive",
    "always-fires",
    "conflict",
    "never-fires",
    "redundant-rule",
    "several-findings",
    "shadowed-rule",
    "unused-action",
    "unused-fact",
    "useless-override",
];

#[test]
fn every_fixture_is_listed() {
    let on_disk: Vec<String> = policies_in(&fixtures().join("lint"))
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(on_disk, FIXTURES);
}

#[test]
fn snapshots() {
    for stem in FIXTURES {
        let (policy, diags) = fixture(stem);
        let files = [report(&policy, &diags)];
        let human = render_diagnostics(&diags, policy.source(), Style::plain());
        insta::assert_snapshot!(format!("{stem}.human"), human);
        let json = lint_json(&files);
        assert!(!json.contains('\n'), "the JSON report is one line");
        insta::assert_snapshot!(format!("{stem}.json"), pretty(&json));
        insta::assert_snapshot!(format!("{stem}.sarif"), sarif_snapshot(&files));
    }
}

// ------------------------------------------------------------------ each fixture's findings

#[test]
fn each_fixture_has_the_finding_it_is_named_after() {
    let single = [
        ("conflict", Code::Conflict),
        ("never-fires", Code::NeverFires),
        ("always-fires", Code::AlwaysFires),
        ("shadowed-rule", Code::ShadowedRule),
        ("redundant-rule", Code::RedundantRule),
        ("unused-fact", Code::UnusedFact),
        ("unused-action", Code::UnusedAction),
        ("useless-override", Code::UselessOverride),
    ];
    for (stem, code) in single {
        let (_, diags) = fixture(stem);
        assert!(!diags.is_empty(), "{stem}: no finding");
        assert!(
            diags.iter().all(|d| d.code == code),
            "{stem}: only `{code}` expected, got {:?}",
            codes(&diags)
        );
        assert_eq!(code.as_str(), stem);
    }
}

#[test]
fn the_findings_of_each_fixture() {
    let expect: [(&str, Vec<Want>); 10] = [
        (
            "allow-directive",
            vec![
                ("unknown-finding", vec![], None, None),
                ("unused-fact", vec![], None, Some("insurance_claim_filed")),
            ],
        ),
        (
            "always-fires",
            vec![
                ("always-fires", vec!["notify_every_ticket"], None, None),
                ("always-fires", vec!["@16"], None, None),
            ],
        ),
        (
            "conflict",
            vec![(
                "conflict",
                vec!["counterattack_mandate", "no_counterattack_without_decision"],
                Some("counterattack"),
                None,
            )],
        ),
        (
            "never-fires",
            vec![("never-fires", vec!["escalate_off_the_scale"], None, None)],
        ),
        (
            "redundant-rule",
            vec![
                ("redundant-rule", vec!["notify_customer_breach"], None, None),
                ("redundant-rule", vec!["staff_may_know"], None, None),
            ],
        ),
        (
            "several-findings",
            vec![
                ("unused-fact", vec![], None, Some("press_inquiry")),
                ("unused-action", vec![], None, Some("publish_statement")),
                (
                    "conflict",
                    vec!["subjects_if_high_risk", "no_subjects_if_encrypted"],
                    Some("notify_data_subjects"),
                    None,
                ),
                ("never-fires", vec!["overdue"], None, None),
                ("redundant-rule", vec!["authority_if_high_risk"], None, None),
            ],
        ),
        (
            "shadowed-rule",
            vec![
                (
                    "shadowed-rule",
                    vec!["pay_if_decided", "never_pay"],
                    None,
                    None,
                ),
                (
                    "shadowed-rule",
                    vec!["restore_after_attack", "@18"],
                    None,
                    None,
                ),
            ],
        ),
        (
            "unused-action",
            vec![
                ("unused-action", vec![], None, Some("reset_passwords")),
                ("unused-action", vec![], None, Some("warn_users")),
            ],
        ),
        (
            "unused-fact",
            vec![
                ("unused-fact", vec![], None, Some("after_hours")),
                ("unused-fact", vec![], None, Some("channel")),
            ],
        ),
        (
            "useless-override",
            vec![("useless-override", vec!["mitigate", "isolate"], None, None)],
        ),
    ];
    for (stem, want) in expect {
        let (_, diags) = fixture(stem);
        let want: Vec<Key> = want
            .into_iter()
            .map(|(c, rules, action, name)| {
                (
                    c.to_string(),
                    strings(&rules),
                    action.map(str::to_string),
                    name.map(str::to_string),
                )
            })
            .collect();
        assert_eq!(summary(&diags), want, "{stem}");
    }
}

/// Builds the case a witness describes, checking it gives every input fact once.
fn witness_case(policy: &Policy, witness: &[(String, Literal)]) -> deontic::Case {
    let inputs: Vec<&str> = policy
        .input_facts()
        .map(|f| policy.facts()[f].name.as_str())
        .collect();
    let named: Vec<&str> = witness.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(named, inputs, "a witness gives every input fact, in order");
    witness
        .iter()
        .fold(policy.case(), |b, (n, v)| b.set(n, v.clone()))
        .build()
        .unwrap()
}

#[test]
fn witnesses_reproduce_their_findings() {
    let mut checked = 0;
    for stem in FIXTURES {
        let (policy, diags) = fixture(stem);
        for d in &diags {
            let Some(witness) = &d.witness else {
                assert!(!matches!(d.code, Code::Conflict | Code::ShadowedRule));
                continue;
            };
            let outcome = policy.evaluate(&witness_case(&policy, &witness.to_vec()));
            match d.code {
                Code::Conflict => {
                    let action = d.action.as_deref().unwrap();
                    assert_eq!(outcome.verdict_of(action), Some(Verdict::Conflict));
                    let by = outcome.by_of(action).unwrap();
                    assert!(d.rules.iter().all(|r| by.contains(&r.as_str())), "{by:?}");
                }
                Code::ShadowedRule => {
                    let r = policy.rule_id(&d.rules[0]).unwrap();
                    assert!(outcome.fired[r], "{stem}: {} does not fire", d.rules[0]);
                    assert!(outcome.verdicts.iter().all(|v| !v.by.contains(&r)));
                }
                other => panic!("{stem}: a witness on `{other}`"),
            }
            checked += 1;
        }
    }
    assert_eq!(
        checked, 4,
        "two conflicts and two shadowed rules carry witnesses"
    );
}

/// The witnesses in the fixtures, pinned: each was checked by hand against the fixture.
#[test]
fn witness_values() {
    let lit = |w: &[(String, Literal)]| -> Vec<String> {
        w.iter()
            .map(|(n, v)| match v {
                Literal::Bool(b) => format!("{n}={b}"),
                Literal::Variant(x) => format!("{n}={x}"),
                Literal::Int(i) => format!("{n}={i}"),
            })
            .collect()
    };
    let (_, diags) = fixture("conflict");
    let w = lit(&diags[0].witness.as_ref().unwrap().to_vec());
    // Any severity from 4 up conflicts; the rest is forced.
    assert_eq!(w[..2], ["cyberattack=true", "attacker=state"]);
    assert!(w[2] == "severity=4" || w[2] == "severity=5", "{w:?}");
    assert_eq!(w[3], "cabinet_decision=false");

    let (_, diags) = fixture("shadowed-rule");
    let w = lit(&diags[0].witness.as_ref().unwrap().to_vec());
    assert_eq!(w[..2], ["ransomware=true", "cabinet_decision=true"]);
    let w = lit(&diags[1].witness.as_ref().unwrap().to_vec());
    assert_eq!(w[0], "ransomware=true");
    assert_eq!(w[2], "backup_verified=false");
}

#[test]
fn positions_point_at_the_subject() {
    for stem in FIXTURES {
        let (policy, diags) = fixture(stem);
        let src = policy.source();
        for d in &diags {
            let span = d.span().unwrap();
            let text = src.slice(span);
            match d.code {
                Code::NeverFires | Code::AlwaysFires | Code::ShadowedRule | Code::RedundantRule
                    if !d.rules[0].starts_with('@') =>
                {
                    assert_eq!(text, d.rules[0], "{stem}: {}", d.message);
                }
                Code::NeverFires | Code::AlwaysFires | Code::ShadowedRule | Code::RedundantRule => {
                    let line: usize = d.rules[0][1..].parse().unwrap();
                    assert_eq!(src.line(span.start), line, "{stem}: {}", d.message);
                }
                Code::UnusedFact | Code::UnusedAction => {
                    assert_eq!(Some(text), d.name.as_deref(), "{stem}");
                }
                Code::UselessOverride => assert_eq!(text, d.rules[1], "{stem}"),
                Code::Conflict => {
                    // The primary label is the second rule's conclusion on the action.
                    assert!(
                        text.ends_with(d.action.as_deref().unwrap()),
                        "{stem}: {text}"
                    );
                }
                Code::UnknownFinding => assert_eq!(text, "unused-facts"),
                other => panic!("{stem}: unexpected `{other}`"),
            }
        }
    }
}

// ------------------------------------------------------------------ allow directives

/// Without the directives the silenced findings come back: the unused fact under
/// `allow(unused-fact)` and the redundant rule under `allow(redundant-rule)`, which stands
/// above a plain comment line.
#[test]
fn allow_silences_exactly_what_it_names() {
    let path = fixtures().join("lint/allow-directive.policy");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches("# deontic: allow(").count(), 3);
    let plain = text.replace("# deontic: allow(", "# no directive: (");
    let policy = Policy::parse("lint/allow-directive.policy", plain).unwrap();
    let all = summary(&lint(&policy));
    let (_, kept) = fixture("allow-directive");
    let kept = summary(&kept);
    let silenced: Vec<_> = all.iter().filter(|d| !kept.contains(d)).cloned().collect();
    assert_eq!(
        silenced,
        [
            (
                "unused-fact".to_string(),
                vec![],
                None,
                Some("legacy_ticket_id".to_string())
            ),
            (
                "redundant-rule".to_string(),
                strings(&["no_payment_to_criminals"]),
                None,
                None
            ),
        ]
    );
    // The misspelt directive silences nothing: its fact is reported in both.
    assert!(
        all.iter()
            .any(|d| d.3.as_deref() == Some("insurance_claim_filed"))
    );
    assert!(
        kept.iter()
            .all(|d| all.contains(d) || d.0 == "unknown-finding")
    );
}

#[test]
fn unknown_finding_is_a_warning_with_a_suggestion() {
    let (_, diags) = fixture("allow-directive");
    let d = &diags[0];
    assert_eq!(d.code, Code::UnknownFinding);
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.message.contains("unused-facts"), "{}", d.message);
    assert_eq!(d.help.as_deref(), Some("did you mean `unused-fact`?"));
}

// ------------------------------------------------------------------ JSON

#[test]
fn json_agrees_with_the_diagnostics() {
    let loaded: Vec<(Policy, Vec<Diagnostic>)> = FIXTURES.iter().map(|s| fixture(s)).collect();
    let files: Vec<FileReport> = loaded.iter().map(|(p, d)| report(p, d)).collect();
    let doc: J = serde_json::from_str(&lint_json(&files)).unwrap();
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["files", "summary"]);
    let mut errors = 0;
    let mut warnings = 0;
    for ((policy, diags), file) in loaded.iter().zip(doc["files"].as_array().unwrap()) {
        let name = policy.source().name();
        assert_eq!(file["path"], name);
        assert!(name.starts_with("lint/") && name.ends_with(".policy"));
        let jd = file["diagnostics"].as_array().unwrap();
        assert_eq!(jd.len(), diags.len(), "{name}");
        for (d, j) in diags.iter().zip(jd) {
            let (line, column) = policy.source().line_col(d.span().unwrap().start);
            assert_eq!(j["code"], d.code.as_str());
            assert_eq!(j["severity"], d.severity.as_str());
            assert_eq!(j["message"], d.message.as_str());
            assert_eq!(j["line"], line);
            assert_eq!(j["column"], column);
            match d.code {
                Code::Conflict => {
                    assert_eq!(j["action"], d.action.as_deref().unwrap());
                    assert_eq!(j["rules"].as_array().unwrap().len(), 2);
                    assert!(j["witness"].is_object());
                }
                _ => assert!(j.get("action").is_none(), "{name}: {j}"),
            }
            match d.code {
                Code::UnusedFact | Code::UnusedAction => {
                    assert_eq!(j["name"], d.name.as_deref().unwrap());
                    assert!(j.get("rules").is_none());
                }
                _ => assert!(j.get("name").is_none(), "{name}: {j}"),
            }
            match d.code {
                Code::Conflict | Code::ShadowedRule => {
                    let w = j["witness"].as_object().unwrap();
                    let facts: Vec<&str> = policy
                        .input_facts()
                        .map(|f| policy.facts()[f].name.as_str())
                        .collect();
                    assert_eq!(w.keys().map(String::as_str).collect::<Vec<_>>(), facts);
                }
                _ => assert!(j.get("witness").is_none(), "{name}: {j}"),
            }
            match d.code {
                Code::NeverFires | Code::AlwaysFires | Code::RedundantRule => {
                    assert_eq!(j["rules"].as_array().unwrap().len(), 1);
                }
                Code::UselessOverride => assert_eq!(j["rules"].as_array().unwrap().len(), 2),
                Code::ShadowedRule => assert!(j["rules"].as_array().unwrap().len() >= 2),
                _ => {}
            }
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
        }
    }
    assert_eq!(doc["summary"]["errors"], errors);
    assert_eq!(doc["summary"]["warnings"], warnings);
    assert_eq!(errors, 2, "the two conflicts");
}

#[test]
fn json_witness_literals_have_their_types() {
    let (policy, diags) = fixture("several-findings");
    let files = [report(&policy, &diags)];
    let doc: J = serde_json::from_str(&lint_json(&files)).unwrap();
    let conflict = doc["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "conflict")
        .unwrap();
    let w = &conflict["witness"];
    assert_eq!(w["personal_data_breach"], true);
    assert_eq!(w["risk"], "high");
    assert!(w["hours_since_discovery"].is_i64());
    assert_eq!(w["encrypted"], true);
    assert!(w["press_inquiry"].is_boolean());
}

// ------------------------------------------------------------------ SARIF

#[test]
fn sarif_is_valid_looking_2_1_0() {
    let loaded: Vec<(Policy, Vec<Diagnostic>)> = FIXTURES.iter().map(|s| fixture(s)).collect();
    let files: Vec<FileReport> = loaded.iter().map(|(p, d)| report(p, d)).collect();
    let doc: J = serde_json::from_str(&lint_sarif(&files)).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "deontic");
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "rule ids are unique");
    for code in Code::ALL {
        assert!(ids.contains(&code.as_str()), "no SARIF rule for `{code}`");
    }
    for r in rules {
        assert!(!r["shortDescription"]["text"].as_str().unwrap().is_empty());
        let level = r["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(level == "error" || level == "warning");
    }

    let results = runs[0]["results"].as_array().unwrap();
    let all: Vec<(&Policy, &Diagnostic)> = loaded
        .iter()
        .flat_map(|(p, ds)| ds.iter().map(move |d| (p, d)))
        .collect();
    assert_eq!(results.len(), all.len());
    for (res, (policy, d)) in results.iter().zip(all) {
        let id = res["ruleId"].as_str().unwrap();
        assert_eq!(id, d.code.as_str());
        let index = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex points at its rule");
        let level = res["level"].as_str().unwrap();
        assert_eq!(
            level,
            match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            }
        );
        assert!(
            res["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with(&d.message)
        );
        let locations = res["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let phys = &locations[0]["physicalLocation"];
        assert_eq!(phys["artifactLocation"]["uri"], policy.source().name());
        let region = &phys["region"];
        let (line, column) = policy.source().line_col(d.span().unwrap().start);
        assert_eq!(region["startLine"], line);
        assert_eq!(region["startColumn"], column);
        assert!(region["endLine"].as_u64().unwrap() >= line as u64);
        let secondary = d.labels.iter().filter(|l| !l.primary).count();
        match res.get("relatedLocations") {
            Some(rel) => {
                let rel = rel.as_array().unwrap();
                assert_eq!(rel.len(), secondary);
                for loc in rel {
                    assert!(
                        loc["physicalLocation"]["region"]["startLine"]
                            .as_u64()
                            .unwrap()
                            >= 1
                    );
                    assert!(loc["message"]["text"].is_string());
                }
            }
            None => assert_eq!(secondary, 0),
        }
        if d.code == Code::Conflict {
            assert_eq!(res["properties"]["action"], d.action.as_deref().unwrap());
            assert!(res["properties"]["witness"].is_object());
        }
    }
}

// ------------------------------------------------------------------ the bundled policies

#[test]
fn bundled_policies_lint_clean() {
    let dir = root().join("policies");
    let paths = policies_in(&dir);
    assert!(paths.len() >= 3, "{paths:?}");
    for path in paths {
        let policy = load(root(), &path);
        let diags = lint(&policy);
        assert!(
            diags.is_empty(),
            "{} has findings:\n{}",
            policy.source().name(),
            render_diagnostics(&diags, policy.source(), Style::plain())
        );
    }
}
