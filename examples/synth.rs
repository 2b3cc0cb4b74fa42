//! Writes a synthetic policy or synthetic cases to standard output, for the measurements in
//! docs/performance.md.
//!
//! ```text
//! cargo run --release --example synth -- policy 10000 > /tmp/synth-10000.policy
//! cargo run --release --example synth -- cases policies/nl-cyber-response.policy 1000000 > /tmp/cases.jsonl
//! cargo run --release --example synth -- shape exception-chain 1000 > /tmp/chain.policy
//! cargo run --release --example synth -- edit /tmp/synth-10000.policy 1 > /tmp/synth-10000-1.policy
//! cargo run --release --example synth -- module /tmp/synth-10000.policy 200 > /tmp/module-200.policy
//! ```
//!
//! `edit POLICY COUNT` narrows the conditions of COUNT rules of a generated policy (their
//! names go to standard error); `module POLICY M` writes its module M as a policy alone.
//!
//! Shapes: exceptions-to-one-rule, exception-chain, derived-chain, many-rules-one-action
//! (RULES facts 20, 20% overrides), override-dag, many-requirements, wide-enum,
//! case-blocks.

use std::io::{BufWriter, Write};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: synth policy RULES [SEED] | synth cases POLICY COUNT [SEED] | synth shape NAME N \
         | synth edit POLICY COUNT | synth module POLICY M";
    let num = |i: usize, default: u64| -> u64 {
        args.get(i).map_or(default, |s| s.parse().expect(usage))
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.first().map(String::as_str) {
        Some("policy") => {
            let text = deontic::synth::policy(num(1, 1000) as usize, num(2, 1));
            out.write_all(text.as_bytes()).unwrap();
        }
        Some("cases") => {
            let path = args.get(1).expect(usage);
            let text = std::fs::read_to_string(path).unwrap();
            let policy = deontic::Policy::parse(path.clone(), text).unwrap();
            let count = num(2, 1000) as usize;
            let seed = num(3, 1);
            // In blocks, so that a million cases never sit in memory at once.
            for block in 0..count.div_ceil(10_000) {
                let n = (count - block * 10_000).min(10_000);
                for case in deontic::synth::cases(&policy, n, seed + block as u64) {
                    writeln!(out, "{}", deontic::synth::case_json(&policy, &case)).unwrap();
                }
            }
        }
        Some("edit") => {
            let text = std::fs::read_to_string(args.get(1).expect(usage)).unwrap();
            let (edited, names) = deontic::synth::edit_rules(&text, num(2, 1) as usize);
            eprintln!("{}", names.join(" "));
            out.write_all(edited.as_bytes()).unwrap();
        }
        Some("module") => {
            let text = std::fs::read_to_string(args.get(1).expect(usage)).unwrap();
            let module = deontic::synth::module_policy(&text, num(2, 0) as usize);
            out.write_all(module.as_bytes()).unwrap();
        }
        Some("shape") => {
            use deontic::synth::shapes;
            let n = num(2, 1000) as usize;
            let text = match args.get(1).map(String::as_str) {
                Some("exceptions-to-one-rule") => shapes::exceptions_to_one_rule(n),
                Some("exception-chain") => shapes::exception_chain(n),
                Some("derived-chain") => shapes::derived_chain(n),
                Some("many-rules-one-action") => shapes::many_rules_one_action(n, 20, 20, 1),
                Some("override-dag") => shapes::override_dag(n, 1),
                Some("many-requirements") => shapes::many_requirements(n),
                Some("wide-enum") => shapes::wide_enum(n),
                Some("case-blocks") => shapes::case_blocks(n),
                _ => {
                    eprintln!("{usage}");
                    std::process::exit(2);
                }
            };
            out.write_all(text.as_bytes()).unwrap();
        }
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
    out.flush().unwrap();
}
