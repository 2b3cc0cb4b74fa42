//! Arbitrary bytes as a policy file: parse, check, lint, and evaluate the file's own cases.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(policy) = deontic::Policy::from_bytes("fuzz.policy", data.to_vec()) else {
        return;
    };
    if let Ok(findings) = deontic::analysis::lint(&policy) {
        for d in &findings {
            let _ = deontic::report::render_diagnostic(d, policy.source(), deontic::report::Style::plain());
        }
    }
    for c in &policy.cases {
        let out = policy.evaluate(&c.case);
        let _ = deontic::report::eval_json(&c.name, &out);
    }
});
