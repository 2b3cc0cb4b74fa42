//! Writes a synthetic policy or synthetic cases to standard output, for the measurements in
//! docs/performance.md.
//!
//! ```text
//! cargo run --release --example synth -- policy 10000 > /tmp/synth-10000.policy
//! cargo run --release --example synth -- cases policies/nl-cyber-response.policy 1000000 > /tmp/cases.jsonl
//! ```

use std::io::{BufWriter, Write};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: synth policy RULES [SEED] | synth cases POLICY COUNT [SEED]";
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
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
    out.flush().unwrap();
}
