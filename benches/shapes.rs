//! `cargo bench --bench shapes`: the shapes real policies take at scale, each at the size
//! where it once fell off a cliff (docs/performance.md), so that none comes back unnoticed.
//!
//! - `lint/*`: the analysis of one shape (in process, without rendering);
//! - `lint-report/synth-10000`: the human report of a generated 10,000-rule policy;
//! - `fmt/case-blocks-40000`: formatting 40,000 one-line case blocks;
//! - `eval/array-1m`: the `deontic eval` process over 1,000,000 cases as one JSON array.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use deontic::synth::{self, shapes};
use deontic::{Policy, Source};
use std::hint::black_box;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

fn parse(text: String) -> Policy {
    Policy::parse("shape.policy", text).unwrap_or_else(|f| panic!("{f}"))
}

fn lint(c: &mut Criterion) {
    let mut g = c.benchmark_group("lint");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    let cases: Vec<(&str, Policy)> = vec![
        (
            "exceptions-to-one-rule-1000",
            parse(shapes::exceptions_to_one_rule(1000)),
        ),
        ("exception-chain-1000", parse(shapes::exception_chain(1000))),
        ("derived-chain-20000", parse(shapes::derived_chain(20_000))),
        (
            "many-rules-one-action-800",
            parse(shapes::many_rules_one_action(800, 20, 20, 1)),
        ),
        ("override-dag-300", parse(shapes::override_dag(300, 1))),
        (
            "many-requirements-1000",
            parse(shapes::many_requirements(1000)),
        ),
        ("wide-enum-1000", parse(shapes::wide_enum(1000))),
    ];
    for (name, policy) in &cases {
        g.bench_function(*name, |b| {
            b.iter_batched(
                || (),
                |()| deontic::analysis::lint(policy).unwrap(),
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

fn report(c: &mut Criterion) {
    let policy = parse(synth::policy(10_000, 1));
    let findings = deontic::analysis::lint(&policy).unwrap();
    let mut g = c.benchmark_group("lint-report");
    g.sample_size(10);
    g.bench_function("synth-10000", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for d in &findings {
                let text = deontic::report::render_diagnostic(
                    d,
                    policy.source(),
                    deontic::report::Style::plain(),
                );
                bytes += text.len();
            }
            black_box(bytes)
        })
    });
    g.finish();
}

fn fmt(c: &mut Criterion) {
    let text = shapes::case_blocks(40_000);
    let source = Source::new("blocks.policy", text);
    let mut g = c.benchmark_group("fmt");
    g.sample_size(10);
    g.bench_function("case-blocks-40000", |b| {
        b.iter(|| deontic::format::format(black_box(&source)).unwrap())
    });
    g.finish();
}

fn eval_array(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let doctrine = include_str!("../policies/nl-cyber-response.policy");
    let policy = dir.path().join("doctrine.policy");
    std::fs::write(&policy, doctrine).unwrap();
    let p = Policy::parse("doctrine.policy", doctrine).unwrap();
    let cases = dir.path().join("cases.json");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&cases).unwrap());
    f.write_all(b"[").unwrap();
    for block in 0..100 {
        for (i, case) in synth::cases(&p, 10_000, block).iter().enumerate() {
            if block > 0 || i > 0 {
                f.write_all(b",\n").unwrap();
            }
            f.write_all(synth::case_json(&p, case).as_bytes()).unwrap();
        }
    }
    f.write_all(b"]\n").unwrap();
    f.flush().unwrap();
    drop(f);
    let mut g = c.benchmark_group("eval");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(1_000_000));
    g.bench_function("array-1m", |b| {
        b.iter(|| {
            let status = Command::new(env!("CARGO_BIN_EXE_deontic"))
                .arg("eval")
                .arg(&policy)
                .arg(&cases)
                .args(["--format", "json"])
                .stdout(Stdio::null())
                .status()
                .unwrap();
            assert!(status.success());
        })
    });
    g.finish();
}

criterion_group!(benches, lint, report, fmt, eval_array);
criterion_main!(benches);
