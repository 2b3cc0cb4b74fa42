//! Edits that settle a diagnostic, for the front ends that offer them (the language server's
//! code actions): a finding's witness written into the file as a `case` block, the
//! `overrides` that says which rule of a conflict wins, a rule that decides nothing deleted,
//! a misspelt name replaced by the suggestion.

use crate::diagnostic::{Code, Diagnostic};
use crate::eval::evaluate;
use crate::model::{Case, Policy, RuleId, Target};
use crate::source::{Source, Span};
use crate::syntax::outline::code_span;

/// One change to a text: the bytes of `span` replaced by `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// What is replaced (empty to insert).
    pub span: Span,
    /// What replaces it.
    pub text: String,
}

/// A way to settle a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What it does, lowercase, names in backticks.
    pub title: String,
    /// The edits, which do not overlap.
    pub edits: Vec<Edit>,
    /// Whether it is the fix the diagnostic asks for, when it is the only one offered.
    pub preferred: bool,
}

/// The fixes for a diagnostic about `source`. `policy` is the policy built from `source`,
/// which the fixes of lint findings need; without it only names are replaced.
pub fn fixes(source: &Source, policy: Option<&Policy>, diag: &Diagnostic) -> Vec<Fix> {
    let mut out = Vec::new();
    out.extend(misspelt_name(source, diag));
    let Some(policy) = policy else {
        return out;
    };
    out.extend(witness_case(source, policy, diag));
    if diag.code == Code::Conflict {
        out.extend(overrides(policy, diag));
    }
    if matches!(
        diag.code,
        Code::RedundantRule | Code::NeverFires | Code::ShadowedRule
    ) {
        out.extend(delete_rule(source, policy, diag));
    }
    out
}

/// The misspelt word and its suggestion, from a message or help that says "did you mean
/// `S`?": the first word of the message in backticks that stands in the primary span.
fn misspelt_name(source: &Source, diag: &Diagnostic) -> Option<Fix> {
    let said = diag.help.iter().chain([&diag.message]);
    let suggestion = said.into_iter().find_map(|s| {
        let rest = &s[s.find("did you mean `")? + "did you mean `".len()..];
        rest.find('`').map(|end| rest[..end].to_string())
    })?;
    let span = diag.span()?;
    let covered = source.slice(span);
    let quoted = diag.message.split('`').skip(1).step_by(2);
    let (word, at) = quoted
        .filter(|w| *w != suggestion && !w.is_empty())
        .find_map(|w| whole_word(covered, w).map(|at| (w, at)))?;
    let start = span.start + at;
    Some(Fix {
        title: format!("replace `{word}` by `{suggestion}`"),
        edits: vec![Edit {
            span: Span::new(start, start + word.len()),
            text: suggestion,
        }],
        preferred: true,
    })
}

/// Where `word` stands in `text` as a whole word (not inside a longer name).
fn whole_word(text: &str, word: &str) -> Option<usize> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    text.match_indices(word)
        .map(|(i, _)| i)
        .find(|&i| !text[..i].ends_with(is_word) && !text[i + word.len()..].starts_with(is_word))
}

/// A finding's witness as a `case` block at the end of the file, expecting the verdicts it
/// shows: the conflict on the action of a conflict, the verdicts on the actions a shadowed
/// rule concludes on.
fn witness_case(source: &Source, policy: &Policy, diag: &Diagnostic) -> Option<Fix> {
    let witness = diag.witness.as_ref()?;
    let mut builder = policy.case();
    for (name, value) in witness.iter() {
        builder = builder.set(name, value.clone());
    }
    let case: Case = builder.build().ok()?;
    let outcome = evaluate(policy, &case);
    let rules: Vec<RuleId> = diag
        .rules
        .iter()
        .filter_map(|r| policy.rule_id(r))
        .collect();
    let mut actions: Vec<usize> = match (&diag.action, diag.code) {
        (Some(a), _) => policy.action_id(a).into_iter().collect(),
        (None, Code::ShadowedRule) => rules
            .first()
            .map(|&r| {
                policy
                    .rule(r)
                    .conclusions
                    .iter()
                    .filter_map(|c| match c.target {
                        Target::Action(a, _) => Some(a),
                        Target::Fact(_) => None,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    actions.dedup();
    let expect: Vec<(String, String)> = actions
        .iter()
        .map(|&a| {
            let verdict = outcome.verdicts[a].verdict.as_str();
            (policy.action(a).name.clone(), verdict.to_string())
        })
        .collect();
    let base = match (diag.code, diag.rules.as_slice()) {
        (Code::Conflict, [r1, r2, ..]) => format!("{r1} against {r2}"),
        (Code::ShadowedRule, [r, ..]) => format!("{r} fires"),
        (code, rules) => format!("{code} {}", rules.join(" ")).trim_end().to_string(),
    };
    let name = unused_case_name(policy, &base);
    let text = source.text();
    let before = if text.is_empty() || text.ends_with("\n\n") {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    let block = policy.case_text(&name, &case, &expect);
    Some(Fix {
        title: format!("insert the case `{name}` at the end of the file"),
        edits: vec![Edit {
            span: Span::new(text.len(), text.len()),
            text: format!("{before}{block}\n"),
        }],
        preferred: false,
    })
}

/// `base`, or `base 2`, `base 3`, ... when a case block already has the name.
fn unused_case_name(policy: &Policy, base: &str) -> String {
    let taken = |n: &str| policy.cases().iter().any(|c| c.name == n);
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|i| format!("{base} {i}"))
        .find(|n| !taken(n))
        .unwrap_or_default()
}

/// For a conflict of two named rules, each choice of winner: `overrides` added to it.
fn overrides(policy: &Policy, diag: &Diagnostic) -> Vec<Fix> {
    let [r1, r2] = diag.rules.as_slice() else {
        return Vec::new();
    };
    let (Some(a), Some(b)) = (policy.rule_id(r1), policy.rule_id(r2)) else {
        return Vec::new();
    };
    if !policy.rule(a).named || !policy.rule(b).named {
        return Vec::new();
    }
    [(b, a), (a, b)]
        .into_iter()
        .map(|(winner, loser)| {
            let w = policy.rule(winner);
            let loser_id = &policy.rule(loser).id;
            let edit = match w.override_spans.last() {
                Some(last) => Edit {
                    span: Span::new(last.end, last.end),
                    text: format!(", {loser_id}"),
                },
                None => Edit {
                    span: Span::new(w.name_span.end, w.name_span.end),
                    text: format!(" overrides {loser_id}"),
                },
            };
            Fix {
                title: format!("make `{}` override `{loser_id}`", w.id),
                edits: vec![edit],
                preferred: false,
            }
        })
        .collect()
}

/// The rule of the finding deleted, with the lines it stands on when nothing else does.
fn delete_rule(source: &Source, policy: &Policy, diag: &Diagnostic) -> Option<Fix> {
    let r = policy.rule_id(diag.rules.first()?)?;
    let rule = policy.rule(r);
    let text = source.text();
    let mut span = code_span(text, rule.span);
    let line_start = text
        .get(..span.start)?
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    if text.get(line_start..span.start)?.trim().is_empty() {
        span.start = line_start;
    }
    let rest = text.get(span.end..)?;
    let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    let after = rest[..line_end].trim();
    if after.is_empty() || after.starts_with('#') {
        let eol = if rest[line_end..].starts_with("\r\n") {
            2
        } else {
            usize::from(line_end < rest.len())
        };
        span.end += line_end + eol;
    }
    let what = match diag.code {
        Code::RedundantRule => "redundant rule",
        Code::NeverFires => "rule that never fires",
        _ => "shadowed rule",
    };
    Some(Fix {
        title: format!("delete the {what} `{}`", rule.id),
        edits: vec![Edit {
            span,
            text: String::new(),
        }],
        preferred: diag.code == Code::RedundantRule,
    })
}

#[cfg(test)]
mod tests {
    use super::{Edit, fixes};
    use crate::diagnostic::Code;
    use crate::model::Policy;

    fn apply(text: &str, edits: &[Edit]) -> String {
        let mut out = text.to_string();
        for e in edits.iter().rev() {
            out.replace_range(e.span.start..e.span.end, &e.text);
        }
        out
    }

    #[test]
    fn a_conflict_gets_its_witness_and_both_overrides() {
        let text = "fact a, b\naction x\nrule r1: if a then must x\nrule r2: if b then must not x";
        let p = Policy::parse("t.policy", text).unwrap();
        let found = crate::analysis::lint(&p).unwrap();
        let conflict = found.iter().find(|d| d.code == Code::Conflict).unwrap();
        let fixes = fixes(p.source(), Some(&p), conflict);
        let titles: Vec<&str> = fixes.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "insert the case `r1 against r2` at the end of the file",
                "make `r2` override `r1`",
                "make `r1` override `r2`"
            ]
        );
        let with_case = apply(text, &fixes[0].edits);
        assert!(with_case.ends_with(
            "not x\n\ncase \"r1 against r2\" {\n  given a, b\n  expect x is conflict\n}\n"
        ));
        // The new case passes.
        let p2 = Policy::parse("t.policy", with_case).unwrap();
        assert!(
            crate::testing::run_case(&p2, &p2.cases()[0])
                .misses
                .is_empty()
        );
        let won = apply(text, &fixes[1].edits);
        assert!(won.contains("rule r2 overrides r1: if b"));
        let p3 = Policy::parse("t.policy", won).unwrap();
        assert!(crate::analysis::lint(&p3).unwrap().is_empty());
    }

    #[test]
    fn an_override_joins_the_list_and_a_redundant_rule_goes_with_its_line() {
        let text = "fact a, b, c\naction x, y\nrule q: if c then may y\nrule r1: if a then must x\n\
                    rule r2 overrides q: if b then must not x, may y\n  rule r3: if a and b then must x # why\n# keep\nrule r4: if c then must y\n";
        let p = Policy::parse("t.policy", text).unwrap();
        let found = crate::analysis::lint(&p).unwrap();
        let conflict = found.iter().find(|d| d.code == Code::Conflict).unwrap();
        let f = fixes(p.source(), Some(&p), conflict);
        let titles: Vec<&str> = f.iter().map(|f| f.title.as_str()).collect();
        assert!(
            apply(text, &f[1].edits).contains("rule r2 overrides q, r1:"),
            "{titles:?}"
        );
        let redundant = found
            .iter()
            .find(|d| d.code == Code::RedundantRule && d.rules == ["r3"])
            .unwrap();
        let f = fixes(p.source(), Some(&p), redundant);
        assert_eq!(f[0].title, "delete the redundant rule `r3`");
        let without = apply(text, &f[0].edits);
        assert!(without.contains("may y\n# keep\nrule r4"), "{without}");
    }

    #[test]
    fn a_misspelt_name_is_replaced_by_the_suggestion() {
        let text = "fact cabinet_decision\naction x\nrule r: x requires cabinet_decison\n\
                    case \"c\" { given cabinet_decisio expect x is permitted }";
        let failure = Policy::parse("t.policy", text).unwrap_err();
        let all: Vec<String> = failure
            .diagnostics
            .iter()
            .flat_map(|d| fixes(&failure.source, None, d))
            .map(|f| apply(text, &f.edits))
            .collect();
        assert_eq!(all.len(), 2, "{:?}", failure.diagnostics);
        assert!(all[0].contains("x requires cabinet_decision\n"));
        assert!(all[1].contains("given cabinet_decision expect"));
        let typo = Policy::parse("t.policy", "fact a action x rule r: if a thne x").unwrap_err();
        let f = fixes(&typo.source, None, &typo.diagnostics[0]);
        assert_eq!(f[0].title, "replace `thne` by `then`");
    }
}
