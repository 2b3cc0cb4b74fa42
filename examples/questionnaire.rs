//! How many questions `deontic ask` needs on the bundled policies, against asking the needed
//! facts in declaration order: random hidden cases answered truthfully, for every action
//! alone and for all actions at once. The figures are in docs/performance.md.
//!
//! ```text
//! cargo run --release --example questionnaire [CASES]
//! ```

use deontic::Policy;
use deontic::analysis::{Questionnaire, Strategy};
use deontic::model::PartialCase;

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
    println!("{count} hidden cases per policy; average questions until the verdicts settle");
    println!(
        "{:<34} {:>8} {:>14} {:>18} {:>12}",
        "policy", "actions", "settles most", "declaration order", "input facts"
    );
    for path in [
        "policies/nl-cyber-response.policy",
        "policies/gdpr-breach-notification.policy",
        "policies/csirt-incident-escalation.policy",
    ] {
        let text = std::fs::read_to_string(path).expect("run from the repository's root");
        let policy = Policy::parse(path, text).expect("the bundled policies are valid");
        let hidden = deontic::synth::cases(&policy, count, 7);
        let mut targets: Vec<(String, Vec<usize>)> = (0..policy.actions().len())
            .map(|a| (policy.action(a).name.clone(), vec![a]))
            .collect();
        targets.push(("all".to_string(), Vec::new()));
        let name = path.trim_start_matches("policies/");
        let inputs = policy.input_facts().count();
        let (mut most_total, mut order_total) = (0.0, 0.0);
        for (label, chosen) in &targets {
            let most = average(&policy, &hidden, chosen, Strategy::SettlesMost);
            let order = average(&policy, &hidden, chosen, Strategy::DeclarationOrder);
            if label == "all" {
                println!("{name:<34} {label:>8} {most:>14.2} {order:>18.2} {inputs:>12}");
            } else {
                most_total += most;
                order_total += order;
            }
        }
        let n = policy.actions().len() as f64;
        println!(
            "{name:<34} {:>8} {:>14.2} {:>18.2} {inputs:>12}",
            "one",
            most_total / n,
            order_total / n
        );
    }
}

/// The average number of questions over the hidden cases.
fn average(policy: &Policy, hidden: &[deontic::Case], chosen: &[usize], strategy: Strategy) -> f64 {
    let mut total = 0;
    for case in hidden {
        let start = PartialCase {
            values: vec![None; policy.facts().len()],
        };
        let mut q = Questionnaire::with_strategy(policy, chosen, start, strategy)
            .expect("the solver answers");
        while let Some(question) = q.next_question().expect("the solver answers") {
            q.answer(question.fact, case.values[question.fact])
                .expect("the solver answers");
            total += 1;
        }
    }
    total as f64 / hidden.len() as f64
}
