//! `deontic graph`: the policy as a graph, facts -> rules -> actions, in Graphviz DOT and as
//! a Mermaid flowchart.
//!
//! Nodes: input facts (ellipses), derived facts (filled ellipses), rules (boxes),
//! requirements (hexagons), actions (rounded boxes, with their default). Edges: a fact to
//! each rule whose condition mentions it (dashed for `unless`); a rule to each action it
//! concludes on, labelled and coloured by modality, or to the fact it derives; a
//! requirement to its action, bold with a bar head, labelled `requires`; and `overrides`
//! between rules, dotted.

use crate::model::{Cond, DefaultVerdict, Modality, Policy, RuleId, RuleKind, Target};

/// One edge of the graph, in a form both renderings share.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Edge {
    from: Node,
    to: Node,
    kind: EdgeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Node {
    Fact(usize),
    Rule(RuleId),
    Action(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EdgeKind {
    /// The fact appears in the rule's `if` (or a requirement's) condition.
    Condition,
    /// The fact appears in the rule's `unless` condition.
    Unless,
    Derives,
    Concludes(Modality),
    Requires,
    Overrides,
}

const MAY: &str = "#2e7d32";
const MUST: &str = "#1565c0";
const MUST_NOT: &str = "#c62828";
const OVERRIDES: &str = "#6a1b9a";
const DERIVED_FILL: &str = "#e3ecfa";
const ACTION_FILL: &str = "#fff4d6";

fn facts_in(c: &Cond, out: &mut Vec<usize>) {
    c.for_each_fact(&mut |f| {
        if !out.contains(&f) {
            out.push(f);
        }
    });
}

/// Every edge, in a stable order: conditions, conclusions, overrides, rule by rule.
fn edges(p: &Policy) -> Vec<Edge> {
    let mut out = Vec::new();
    for (r, rule) in p.rules().iter().enumerate() {
        let parts: Vec<(&Cond, EdgeKind)> = match &rule.kind {
            RuleKind::Conditional { when, unless } => when
                .iter()
                .map(|c| (c, EdgeKind::Condition))
                .chain(unless.iter().map(|c| (c, EdgeKind::Unless)))
                .collect(),
            RuleKind::Requirement { condition } => vec![(condition, EdgeKind::Condition)],
        };
        for (cond, kind) in parts {
            let mut facts = Vec::new();
            facts_in(cond, &mut facts);
            for f in facts {
                out.push(Edge {
                    from: Node::Fact(f),
                    to: Node::Rule(r),
                    kind,
                });
            }
        }
        // A rule's own edges only can repeat (`may x, must x` draws one edge per modality).
        let own = out.len();
        for c in &rule.conclusions {
            let (to, kind) = match c.target {
                Target::Fact(f) => (Node::Fact(f), EdgeKind::Derives),
                Target::Action(a, _) if rule.is_requirement() => {
                    (Node::Action(a), EdgeKind::Requires)
                }
                Target::Action(a, m) => (Node::Action(a), EdgeKind::Concludes(m)),
            };
            let e = Edge {
                from: Node::Rule(r),
                to,
                kind,
            };
            if !out[own..].contains(&e) {
                out.push(e);
            }
        }
    }
    for (r, rule) in p.rules().iter().enumerate() {
        for &q in &rule.overrides {
            out.push(Edge {
                from: Node::Rule(r),
                to: Node::Rule(q),
                kind: EdgeKind::Overrides,
            });
        }
    }
    out
}

fn label(kind: EdgeKind) -> Option<&'static str> {
    match kind {
        EdgeKind::Condition => None,
        EdgeKind::Unless => Some("unless"),
        EdgeKind::Derives => Some("derives"),
        EdgeKind::Concludes(m) => Some(m.as_str()),
        EdgeKind::Requires => Some("requires"),
        EdgeKind::Overrides => Some("overrides"),
    }
}

fn color(kind: EdgeKind) -> Option<&'static str> {
    match kind {
        EdgeKind::Concludes(Modality::May) => Some(MAY),
        EdgeKind::Concludes(Modality::Must) => Some(MUST),
        EdgeKind::Concludes(Modality::MustNot) | EdgeKind::Requires => Some(MUST_NOT),
        EdgeKind::Overrides => Some(OVERRIDES),
        _ => None,
    }
}

fn default_word(p: &Policy, a: usize) -> Option<&'static str> {
    p.action(a).default.map(|d| match d {
        DefaultVerdict::Permitted => "default permitted",
        DefaultVerdict::Forbidden => "default forbidden",
    })
}

/// A DOT string literal.
fn dot_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn dot_id(p: &Policy, n: Node) -> String {
    dot_str(&match n {
        Node::Fact(f) => format!("fact:{}", p.fact(f).name),
        Node::Rule(r) => format!("rule:{}", p.rule(r).id),
        Node::Action(a) => format!("action:{}", p.action(a).name),
    })
}

/// The policy in Graphviz DOT.
pub fn graph_dot(p: &Policy) -> String {
    let mut s = String::from("digraph policy {\n");
    s.push_str("  graph [rankdir=LR, fontname=\"Helvetica\"");
    if let Some(t) = &p.title() {
        s.push_str(&format!(", label={}, labelloc=t", dot_str(t)));
    }
    s.push_str("];\n");
    s.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
    s.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n\n");
    for (f, fact) in p.facts().iter().enumerate() {
        let mut attrs = vec![
            format!("label={}", dot_str(&fact.name)),
            "shape=ellipse".into(),
        ];
        if fact.derived {
            attrs.push(format!("style=filled, fillcolor=\"{DERIVED_FILL}\""));
        }
        if let Some(d) = &fact.description {
            attrs.push(format!("tooltip={}", dot_str(d)));
        }
        s.push_str(&format!(
            "  {} [{}];\n",
            dot_id(p, Node::Fact(f)),
            attrs.join(", ")
        ));
    }
    for (r, rule) in p.rules().iter().enumerate() {
        let shape = if rule.is_requirement() {
            "hexagon"
        } else {
            "box"
        };
        let mut attrs = vec![
            format!("label={}", dot_str(&rule.id)),
            format!("shape={shape}"),
        ];
        if let Some(d) = &rule.description {
            attrs.push(format!("tooltip={}", dot_str(d)));
        }
        s.push_str(&format!(
            "  {} [{}];\n",
            dot_id(p, Node::Rule(r)),
            attrs.join(", ")
        ));
    }
    for (a, action) in p.actions().iter().enumerate() {
        let text = match default_word(p, a) {
            Some(d) => format!("{}\n{d}", action.name),
            None => action.name.clone(),
        };
        let mut attrs = vec![
            format!("label={}", dot_str(&text)),
            format!("shape=box, style=\"rounded,filled\", fillcolor=\"{ACTION_FILL}\""),
        ];
        if let Some(d) = &action.description {
            attrs.push(format!("tooltip={}", dot_str(d)));
        }
        s.push_str(&format!(
            "  {} [{}];\n",
            dot_id(p, Node::Action(a)),
            attrs.join(", ")
        ));
    }
    s.push('\n');
    for e in edges(p) {
        let mut attrs: Vec<String> = Vec::new();
        if let Some(l) = label(e.kind) {
            attrs.push(format!("label={}", dot_str(l)));
        }
        if let Some(c) = color(e.kind) {
            attrs.push(format!("color=\"{c}\", fontcolor=\"{c}\""));
        }
        match e.kind {
            EdgeKind::Unless => attrs.push("style=dashed".into()),
            EdgeKind::Requires => attrs.push("style=bold, arrowhead=tee".into()),
            EdgeKind::Overrides => attrs.push("style=dotted, constraint=false".into()),
            _ => {}
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        s.push_str(&format!(
            "  {} -> {}{attrs};\n",
            dot_id(p, e.from),
            dot_id(p, e.to)
        ));
    }
    s.push_str("}\n");
    s
}

fn mermaid_id(p: &Policy, n: Node) -> String {
    match n {
        Node::Fact(f) => format!("f_{}", p.fact(f).name),
        Node::Rule(r) => format!("r_{}", p.rule(r).id.replace('@', "at")),
        Node::Action(a) => format!("a_{}", p.action(a).name),
    }
}

/// Text for a Mermaid label in quotes: quotes become `#quot;`.
fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
}

/// The policy as a Mermaid flowchart.
pub fn graph_mermaid(p: &Policy) -> String {
    let mut s = String::new();
    if let Some(t) = &p.title() {
        let t = t
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace(['\n', '\r'], " ");
        s.push_str(&format!("---\ntitle: \"{t}\"\n---\n"));
    }
    s.push_str("flowchart LR\n");
    for (f, fact) in p.facts().iter().enumerate() {
        let class = if fact.derived { ":::derived" } else { "" };
        s.push_str(&format!(
            "  {}([\"{}\"]){class}\n",
            mermaid_id(p, Node::Fact(f)),
            mermaid_text(&fact.name)
        ));
    }
    for (r, rule) in p.rules().iter().enumerate() {
        let (open, close) = if rule.is_requirement() {
            ("{{", "}}")
        } else {
            ("[", "]")
        };
        s.push_str(&format!(
            "  {}{open}\"{}\"{close}\n",
            mermaid_id(p, Node::Rule(r)),
            mermaid_text(&rule.id)
        ));
    }
    for (a, action) in p.actions().iter().enumerate() {
        let text = match default_word(p, a) {
            Some(d) => format!("{}<br/>{d}", action.name),
            None => action.name.clone(),
        };
        s.push_str(&format!(
            "  {}(\"{}\"):::action\n",
            mermaid_id(p, Node::Action(a)),
            mermaid_text(&text)
        ));
    }
    let mut styles = Vec::new();
    for (i, e) in edges(p).into_iter().enumerate() {
        let arrow = match e.kind {
            EdgeKind::Unless | EdgeKind::Overrides => "-.->",
            EdgeKind::Requires => "==>",
            _ => "-->",
        };
        let label = label(e.kind).map_or(String::new(), |l| format!("|{l}|"));
        s.push_str(&format!(
            "  {} {arrow}{label} {}\n",
            mermaid_id(p, e.from),
            mermaid_id(p, e.to)
        ));
        if let Some(c) = color(e.kind) {
            styles.push(format!("  linkStyle {i} stroke:{c},color:{c}\n"));
        }
    }
    s.push_str(&format!("  classDef derived fill:{DERIVED_FILL}\n"));
    s.push_str(&format!("  classDef action fill:{ACTION_FILL}\n"));
    for st in styles {
        s.push_str(&st);
    }
    s
}
