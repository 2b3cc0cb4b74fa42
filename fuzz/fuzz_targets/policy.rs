//! Arbitrary bytes as a policy file: format it, parse and check it, lint it (every finding
//! rendered), and evaluate and explain the file's own cases, and draw it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = deontic::format::format(&deontic::Source::new("fuzz.policy", text));
    }
    let Ok(policy) = deontic::Policy::from_bytes("fuzz.policy", data.to_vec()) else {
        return;
    };
    if let Ok(findings) = deontic::analysis::lint(&policy) {
        for d in &findings {
            let _ = deontic::report::render_diagnostic(d, policy.source(), deontic::report::Style::plain());
        }
    }
    let actions: Vec<usize> = (0..policy.actions().len()).collect();
    for c in policy.cases() {
        let out = policy.evaluate(&c.case);
        let _ = deontic::report::eval_json(&c.name, &out);
        let trace = deontic::eval::trace(&policy, &c.case);
        let _ = deontic::report::explain_human(&c.name, &trace, &actions);
    }
    let _ = deontic::report::graph_dot(&policy);
});
