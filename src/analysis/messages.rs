//! The findings as diagnostics: messages, labels, help and the machine-readable fields.

use crate::diagnostic::{Code, Diagnostic, Witness};
use crate::model::{ActionId, Case, Policy, RuleId, RuleKind, Target};

pub fn never_fires(policy: &Policy, r: RuleId) -> Diagnostic {
    let rule = &policy.rule(r);
    let (what, help) = match rule.kind {
        // A requirement fires when its condition fails: one that never fires is one whose
        // condition always holds, so it never forbids anything.
        RuleKind::Requirement { .. } => (
            "requirement",
            "its condition holds in every valid case, so it never forbids the action: \
             fix the condition, or delete the requirement",
        ),
        RuleKind::Conditional { .. } => (
            "rule",
            "no case satisfies its condition: fix the condition, or delete the rule",
        ),
    };
    let mut d = Diagnostic::new(
        Code::NeverFires,
        format!("{what} `{}` never fires", rule.id),
    )
    .primary(rule.name_span, "fires in no valid case")
    .help(help);
    d.rules = vec![rule.id.clone()];
    d
}

/// How many enum and integer facts at their first value a case block in a message lists
/// before it sums them up in a comment.
const SPARE: usize = 12;

/// Whether `always-fires` applies to a rule: it has a condition, or is a requirement.
pub fn conditional(policy: &Policy, r: RuleId) -> bool {
    match &policy.rule(r).kind {
        RuleKind::Conditional { when, unless } => when.is_some() || unless.is_some(),
        RuleKind::Requirement { .. } => true,
    }
}

pub fn always_fires(policy: &Policy, r: RuleId) -> Diagnostic {
    let rule = &policy.rule(r);
    let what = if rule.is_requirement() {
        "its condition fails in every valid case, so it always forbids"
    } else {
        "its condition holds in every valid case"
    };
    let mut d = Diagnostic::new(
        Code::AlwaysFires,
        format!("rule `{}` fires in every case", rule.id),
    )
    .primary(rule.name_span, "fires in every valid case")
    .help(format!(
        "{what}: drop the condition, or add the restriction it is missing"
    ));
    d.rules = vec![rule.id.clone()];
    d
}

pub fn conflict(
    policy: &Policy,
    a: ActionId,
    r1: RuleId,
    r2: RuleId,
    case: &Case,
    witness: Witness,
) -> Diagnostic {
    let (id1, id2) = (policy.rule(r1).id.clone(), policy.rule(r2).id.clone());
    let name = &policy.action(a).name;
    let span_on = |r: RuleId| {
        policy
            .rule(r)
            .conclusions
            .iter()
            .find(|c| matches!(c.target, Target::Action(x, _) if x == a))
            .map_or(policy.rule(r).name_span, |c| c.span)
    };
    let block = policy.case_text_brief(
        &format!("{id1} against {id2}"),
        case,
        &[(name.clone(), "conflict".into())],
        SPARE,
    );
    let named = policy.rule(r1).named && policy.rule(r2).named;
    let fix = if named {
        format!(
            "add `overrides {id1}` to rule `{id2}` (or the reverse) to say which wins, or narrow a condition so both cannot hold"
        )
    } else {
        "name both rules and add an `overrides` to say which wins, or narrow a condition so both cannot hold".to_string()
    };
    let mut d = Diagnostic::new(
        Code::Conflict,
        format!("rules `{id1}` and `{id2}` conflict on `{name}`"),
    )
    .primary(span_on(r2), format!("`{id2}` concludes this"))
    .secondary(span_on(r1), format!("`{id1}` concludes the opposite"))
    .help(format!(
        "both hold in this case:\n{}\n{fix}",
        indent(&block)
    ));
    d.action = Some(name.clone());
    d.rules = vec![id1, id2];
    d.witness = Some(witness);
    d
}

pub fn shadowed(
    policy: &Policy,
    r: RuleId,
    removers: &[RuleId],
    case: &Case,
    witness: Witness,
) -> Diagnostic {
    let rule = &policy.rule(r);
    let names: Vec<String> = removers
        .iter()
        .map(|&w| policy.rule(w).id.clone())
        .collect();
    let list = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut d = Diagnostic::new(
        Code::ShadowedRule,
        format!(
            "rule `{}` is shadowed: whenever it fires, {list} {} its conclusions",
            rule.id,
            if removers.len() == 1 {
                "removes"
            } else {
                "remove"
            }
        ),
    )
    .primary(rule.name_span, "its conclusions never take effect");
    for &w in removers {
        d = d.secondary(policy.rule(w).name_span, "removes them");
    }
    let block = policy.case_text_brief(&format!("{} fires", rule.id), case, &[], SPARE);
    d = d.help(format!(
        "it fires, for example, here, yet decides nothing:\n{}\ndelete the rule, or narrow the rules that remove it",
        indent(&block)
    ));
    d.rules = std::iter::once(rule.id.clone()).chain(names).collect();
    d.witness = Some(witness);
    d
}

pub fn redundant(policy: &Policy, r: RuleId) -> Diagnostic {
    let rule = &policy.rule(r);
    let mut d = Diagnostic::new(Code::RedundantRule, format!("rule `{}` is redundant", rule.id))
        .primary(rule.name_span, "deleting it changes nothing")
        .help("no verdict and no derived fact changes without it in any valid case: delete it, or fix the rules that already decide its cases");
    d.rules = vec![rule.id.clone()];
    d
}

pub fn unused(policy: &Policy, out: &mut Vec<Diagnostic>) {
    let mut used = vec![false; policy.facts().len()];
    let mut concluded = vec![false; policy.actions().len()];
    for rule in policy.rules() {
        rule.for_each_fact(&mut |f| used[f] = true);
        for c in &rule.conclusions {
            if let Target::Action(a, _) = c.target {
                concluded[a] = true;
            }
        }
    }
    for f in policy.input_facts().filter(|&f| !used[f]) {
        let fact = &policy.fact(f);
        let mut d = Diagnostic::new(
            Code::UnusedFact,
            format!("fact `{}` is never used", fact.name),
        )
        .primary(fact.span, "no condition mentions it")
        .help("use it in a rule's condition, or remove the declaration");
        d.name = Some(fact.name.clone());
        out.push(d);
    }
    for (a, action) in policy
        .actions()
        .iter()
        .enumerate()
        .filter(|(a, _)| !concluded[*a])
    {
        let _ = a;
        let mut d = Diagnostic::new(
            Code::UnusedAction,
            format!("action `{}` is never decided", action.name),
        )
        .primary(action.span, "no rule concludes on it")
        .help(match action.default {
            Some(_) => "every case gets its default verdict: add a rule, or remove the action",
            None => "every case leaves it undecided: add a rule, or remove the action",
        });
        d.name = Some(action.name.clone());
        out.push(d);
    }
    for (r, rule) in policy.rules().iter().enumerate() {
        for (&q, &span) in rule.overrides.iter().zip(&rule.override_spans) {
            let acts = |x: RuleId| -> Vec<usize> {
                policy
                    .rule(x)
                    .conclusions
                    .iter()
                    .filter_map(|c| match c.target {
                        Target::Action(a, _) => Some(a),
                        Target::Fact(_) => None,
                    })
                    .collect()
            };
            let (mine, theirs) = (acts(r), acts(q));
            if mine.iter().any(|a| theirs.contains(a)) {
                continue;
            }
            // An override that a longer one passes through is not useless: `w overrides r`,
            // `r overrides q`, `q overrides x` makes `w` win over `x`, which may share an
            // action although `r` and `q` do not. Removing it would change verdicts.
            if passes_through(policy, r, q, &acts) {
                continue;
            }
            let mut d = Diagnostic::new(
                Code::UselessOverride,
                format!(
                    "`{}` overrides `{}`, but they decide no action in common",
                    rule.id,
                    policy.rule(q).id
                ),
            )
            .primary(span, "overrides nothing")
            .secondary(policy.rule(q).name_span, "decides other actions")
            .help("an override only removes conclusions on the same action: remove it");
            d.rules = vec![rule.id.clone(), policy.rule(q).id.clone()];
            out.push(d);
        }
    }
}

/// Whether some rule overriding `r` (or `r` itself) and some rule `q` overrides (or `q`
/// itself) conclude on a common action, so that the transitive relation through `r
/// overrides q` acts somewhere.
fn passes_through(
    policy: &Policy,
    r: RuleId,
    q: RuleId,
    acts: &impl Fn(RuleId) -> Vec<usize>,
) -> bool {
    let above: Vec<RuleId> = std::iter::once(r)
        .chain((0..policy.rules().len()).filter(|&w| policy.overrides(w, r)))
        .collect();
    let below: Vec<RuleId> = std::iter::once(q)
        .chain(policy.overridden_by(q).iter().copied())
        .collect();
    let mut above_actions: Vec<usize> = above.iter().flat_map(|&w| acts(w)).collect();
    above_actions.sort_unstable();
    above_actions.dedup();
    (above.len() > 1 || below.len() > 1)
        && below
            .iter()
            .flat_map(|&x| acts(x))
            .any(|a| above_actions.binary_search(&a).is_ok())
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
