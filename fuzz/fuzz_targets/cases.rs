//! Arbitrary bytes as case input (JSON, an array, or JSON Lines) for the bundled doctrine,
//! read one case after another and streamed through the parallel engine.
#![no_main]

use deontic::model::{ArrayLines, CaseForm, read_cases};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static POLICY: LazyLock<deontic::Policy> = LazyLock::new(|| {
    let text = include_str!("../../policies/nl-cyber-response.policy");
    deontic::Policy::parse("nl-cyber-response.policy", text).expect("the doctrine checks clean")
});

fuzz_target!(|data: &[u8]| {
    let policy = &*POLICY;
    for form in [CaseForm::Auto, CaseForm::Lines, CaseForm::Document] {
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
    let writer = deontic::report::JsonLines::new(policy);
    let mut out = Vec::new();
    let _ = deontic::eval::stream::eval_lines(policy, data.to_vec(), &mut &[][..], &writer, &mut out);
    let mut array = ArrayLines::new(data);
    let _ = deontic::eval::stream::eval_lines(policy, Vec::new(), &mut array, &writer, &mut out);
});
