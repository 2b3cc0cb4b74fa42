//! `deontic graph`: DOT and Mermaid renderings, snapshotted (and read by hand); every DOT
//! output of the fixtures and bundled policies is rendered by Graphviz, which must accept it
//! and draw one node per fact, rule and action and one edge per dependency.

use deontic::Policy;
use deontic::report::{graph_dot, graph_mermaid};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn load(path: &str) -> Policy {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(path)).unwrap();
    Policy::parse(path, text).unwrap_or_else(|f| panic!("{f}"))
}

fn policies() -> Vec<String> {
    let mut out = Vec::new();
    for dir in ["policies", "tests/fixtures/eval"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for e in std::fs::read_dir(root).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".policy") {
                out.push(format!("{dir}/{name}"));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn requirements_as_dot() {
    insta::assert_snapshot!(
        "requirements_dot",
        graph_dot(&load("tests/fixtures/eval/requirements.policy"))
    );
}

#[test]
fn overrides_and_derived_facts_as_mermaid() {
    insta::assert_snapshot!(
        "overrides_mermaid",
        graph_mermaid(&load("tests/fixtures/eval/overrides.policy"))
    );
    insta::assert_snapshot!(
        "derived_mermaid",
        graph_mermaid(&load("tests/fixtures/eval/derived.policy"))
    );
}

/// Runs `dot -Tsvg` on a graph, returning the SVG; fails the test when Graphviz is missing
/// (`.ci/run` installs it) or rejects the graph.
fn render(dot: &str, name: &str) -> String {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Graphviz `dot` is installed (`.ci/run` installs the graphviz package)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name}: dot failed:\n{stderr}\n{dot}");
    assert!(stderr.trim().is_empty(), "{name}: dot warned:\n{stderr}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn graphviz_renders_every_policy() {
    for name in policies() {
        let p = load(&name);
        let svg = render(&graph_dot(&p), &name);
        assert!(svg.contains("<svg"), "{name}");
        let nodes = svg.matches("class=\"node\"").count();
        assert_eq!(
            nodes,
            p.facts().len() + p.rules().len() + p.actions().len(),
            "{name}"
        );
        // One edge per (fact, rule, part) a condition mentions, per conclusion target and
        // per `overrides`.
        let mut expected = 0;
        for r in p.rules() {
            let mut parts: Vec<&deontic::model::Cond> = Vec::new();
            match &r.kind {
                deontic::model::RuleKind::Conditional { when, unless } => {
                    parts.extend(when.iter().chain(unless));
                }
                deontic::model::RuleKind::Requirement { condition } => parts.push(condition),
            }
            for c in parts {
                let mut facts = Vec::new();
                c.for_each_fact(&mut |f| {
                    if !facts.contains(&f) {
                        facts.push(f);
                    }
                });
                expected += facts.len();
            }
            let mut targets: Vec<String> = r
                .conclusions
                .iter()
                .map(|c| format!("{:?}", c.target))
                .collect();
            targets.dedup();
            expected += targets.len() + r.overrides.len();
        }
        assert_eq!(svg.matches("class=\"edge\"").count(), expected, "{name}");
    }
}

#[test]
fn mermaid_edges_use_declared_nodes() {
    for name in policies() {
        let m = graph_mermaid(&load(&name));
        let mut declared = Vec::new();
        let mut edges = 0;
        let mut styled = Vec::new();
        for line in m.lines().map(str::trim) {
            let first = line.split([' ', '(', '[', '{']).next().unwrap_or("");
            if let Some(rest) = line.strip_prefix("linkStyle ") {
                styled.push(rest.split(' ').next().unwrap().parse::<usize>().unwrap());
            } else if line.contains("-->") || line.contains("-.->") || line.contains("==>") {
                let words: Vec<&str> = line.split(' ').collect();
                assert!(declared.contains(&words[0]), "{name}: {line}");
                assert!(declared.contains(&words[words.len() - 1]), "{name}: {line}");
                edges += 1;
            } else if ["f_", "r_", "a_"].iter().any(|p| first.starts_with(p)) {
                assert!(
                    first.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "{name}: {line}"
                );
                declared.push(first);
            }
        }
        assert!(styled.iter().all(|&i| i < edges), "{name}");
        assert!(m.contains("flowchart LR\n"), "{name}");
    }
}
