//! `# deontic: allow(code, ...)` comments: silence findings on the item below them.

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Policy;
use crate::source::Span;
use crate::syntax::lexer;

/// One `allow` directive: the line it stands on and the finding codes it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The 1-based line it stands on.
    pub line: usize,
    /// Each code it names, as written, and where.
    pub codes: Vec<(String, Span)>,
}

/// Every `# deontic: allow(...)` comment in a policy's text, from the syntax stage's lexer.
pub fn directives(policy: &Policy) -> Vec<Directive> {
    let src = policy.source();
    let text = src.text();
    lexer::lex(text)
        .comments
        .into_iter()
        // Only a comment on a line of its own is a directive.
        .filter(|c| c.own_line)
        .filter_map(|c| {
            let codes = parse(&text[c.span.start..c.span.end], c.span.start)?;
            Some(Directive {
                line: src.line(c.span.start),
                codes,
            })
        })
        .collect()
}

/// Reads `# deontic: allow(a, b)` from one comment starting at byte `at`.
fn parse(comment: &str, at: usize) -> Option<Vec<(String, Span)>> {
    let body = comment.trim_start_matches('#').trim_start();
    let rest = body.strip_prefix("deontic:")?.trim_start();
    rest.strip_prefix("allow")?.trim_start().strip_prefix('(')?;
    let open = comment.find('(')? + 1;
    let close = open + comment[open..].find(')')?;
    let mut codes = Vec::new();
    let mut offset = open;
    for part in comment[open..close].split(',') {
        let lead = part.len() - part.trim_start().len();
        let name = part.trim();
        if !name.is_empty() {
            let start = at + offset + lead;
            codes.push((name.to_string(), Span::new(start, start + name.len())));
        }
        offset += part.len() + 1;
    }
    Some(codes)
}

/// Drops the findings an `allow` silences and reports unknown codes in directives.
pub(super) fn apply(policy: &Policy, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let src = policy.source();
    let dirs = directives(policy);
    let mut out: Vec<Diagnostic> = Vec::new();
    for d in &dirs {
        for (name, span) in &d.codes {
            if Code::from_name(name).is_none() {
                let mut diag = Diagnostic::new(
                    Code::UnknownFinding,
                    format!("unknown finding `{name}` in `allow`"),
                )
                .primary(*span, "no finding has this name");
                diag = match crate::diagnostic::did_you_mean(
                    name,
                    Code::ALL.iter().map(|c| c.as_str()),
                ) {
                    Some(h) => diag.help(h),
                    None => diag.help("name a finding code such as `redundant-rule` or `conflict`"),
                };
                out.push(diag);
            }
        }
    }
    // Lines holding only a comment, so a directive may stand above other comments.
    let comment_only = |line: usize| src.line_text(line).trim_start().starts_with('#');
    let allowed = |code: Code, line: usize| {
        let mut l = line;
        while l > 1 {
            l -= 1;
            if let Some(d) = dirs.iter().find(|d| d.line == l) {
                if d.codes.iter().any(|(n, _)| n == code.as_str()) {
                    return true;
                }
            } else if !comment_only(l) {
                return false;
            }
        }
        false
    };
    for d in found {
        let subjects: Vec<Span> = if d.rules.is_empty() {
            d.span().into_iter().collect()
        } else {
            let n = if d.code == Code::ShadowedRule || d.code == Code::UselessOverride {
                1
            } else {
                d.rules.len()
            };
            d.rules
                .iter()
                .take(n)
                .filter_map(|id| policy.rule_id(id))
                .map(|r| policy.rule(r).span)
                .collect()
        };
        if !subjects.iter().any(|s| allowed(d.code, src.line(s.start))) {
            out.push(d);
        }
    }
    out
}
