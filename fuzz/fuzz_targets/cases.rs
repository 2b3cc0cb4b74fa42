//! Arbitrary bytes as case input (JSON, an array, or JSON Lines) for the bundled doctrine.
#![no_main]

use deontic::model::{CaseForm as Form, read_cases};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static POLICY: LazyLock<deontic::Policy> = LazyLock::new(|| {
    let text = include_str!("../../policies/nl-cyber-response.policy");
    deontic::Policy::parse("nl-cyber-response.policy", text).expect("the doctrine checks clean")
});

fuzz_target!(|data: &[u8]| {
    let policy = &*POLICY;
    for form in [Form::Auto, Form::Lines, Form::Document] {
        let _ = read_cases(policy, data, form, |n, case| {
            let name = format!("#{n}");
            match case {
                Ok(case) => {
                    let _ = deontic::report::eval_json(&name, &policy.evaluate(&case));
                }
                Err(e) => {
                    let _ = deontic::report::eval_json_error(&name, &e.to_string());
                }
            }
            Ok(())
        });
    }
});
