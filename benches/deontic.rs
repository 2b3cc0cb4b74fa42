//! `cargo bench`: the figures of docs/performance.md.
//!
//! - `check/doctrine`: parse and check the bundled doctrine;
//! - `eval/doctrine/*`: evaluate cases in process, one core, from cases built in code and
//!   from JSON text (`case_from_json` then `Policy::evaluate`, the library's JSON path);
//! - `eval/jsonl-1m`: the `deontic eval` process over 1,000,000 JSON Lines cases;
//! - `lint/*`: the analysis of the doctrine and of generated policies of 1,000 and 10,000
//!   rules;
//! - `diff/*`: the change impact of narrowing one rule's condition in a generated policy of
//!   10,000 rules, and of narrowing 1% of its rules (100), against `lint` of the one edited
//!   rule's module (its 25 rules and the shared ones, a policy of their own: more than the
//!   rule's cone);
//! - `partial/*`: partial evaluation of partial cases with half the facts unknown (100,000
//!   on the doctrine, 10,000 on a generated 1,000-rule policy), one core, one evaluator;
//! - `serve/*`: what `deontic serve` computes for `POST /v1/policies/NAME/eval` (the
//!   service's answer as JSON text, without HTTP): one case object, and an array of
//!   10,000 cases (every core);
//! - `generate/synth-1000`: `test --generate` on a generated 1,000-rule policy without case
//!   blocks (the goals, the solver's cases, the blocks' text), in process.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use deontic::eval::Evaluator;
use deontic::{Policy, synth};
use std::hint::black_box;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

const DOCTRINE: &str = include_str!("../policies/nl-cyber-response.policy");

fn doctrine() -> Policy {
    Policy::parse("nl-cyber-response.policy", DOCTRINE).unwrap()
}

fn check(c: &mut Criterion) {
    c.bench_function("check/doctrine", |b| {
        b.iter(|| Policy::parse("nl-cyber-response.policy", black_box(DOCTRINE)).unwrap())
    });
}

fn eval(c: &mut Criterion) {
    let p = doctrine();
    let mut g = c.benchmark_group("eval/doctrine");
    // The quick-start case of the README, again and again.
    let one = deontic::model::case_from_given(
        &p,
        "cyberattack,threat_to_national_security,attacker=state,last_resort,hostile_action_to_avert,cabinet_decision",
    )
    .unwrap();
    let mut ev = Evaluator::new(&p);
    g.throughput(Throughput::Elements(1));
    g.bench_function("one case", |b| {
        b.iter(|| {
            ev.evaluate(black_box(&one));
            black_box(ev.verdict(0))
        })
    });
    // 4,096 random valid cases in turn, so that no branch is learnt.
    let cases = synth::cases(&p, 4096, 1);
    g.throughput(Throughput::Elements(cases.len() as u64));
    g.bench_function("varied cases", |b| {
        b.iter(|| {
            for case in &cases {
                ev.evaluate(case);
                black_box(ev.verdict(4));
            }
        })
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("Policy::evaluate", |b| {
        b.iter(|| black_box(p.evaluate(black_box(&one))))
    });
    // The same 4,096 cases as "varied cases", each into an `Outcome`.
    g.throughput(Throughput::Elements(cases.len() as u64));
    g.bench_function("Policy::evaluate varied cases", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(p.evaluate(case).verdicts[4].verdict);
            }
        })
    });
    // The library's JSON path, as a server calls it: one case object as text, then its
    // verdicts.
    let texts: Vec<String> = cases.iter().map(|c| synth::case_json(&p, c)).collect();
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.bench_function("case_from_json + Policy::evaluate", |b| {
        b.iter(|| {
            for text in &texts {
                let case = deontic::model::case_from_json(&p, black_box(text)).unwrap();
                black_box(p.evaluate(&case).verdicts[4].verdict);
            }
        })
    });
    g.finish();
}

fn eval_process(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("doctrine.policy");
    std::fs::write(&policy, DOCTRINE).unwrap();
    let p = doctrine();
    let cases = dir.path().join("cases.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&cases).unwrap());
    for block in 0..100 {
        for case in synth::cases(&p, 10_000, block) {
            writeln!(f, "{}", synth::case_json(&p, &case)).unwrap();
        }
    }
    f.flush().unwrap();
    drop(f);
    let mut g = c.benchmark_group("eval");
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    g.throughput(Throughput::Elements(1_000_000));
    g.bench_function("jsonl-1m", |b| {
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

fn lint(c: &mut Criterion) {
    let p = doctrine();
    let mut g = c.benchmark_group("lint");
    g.bench_function("doctrine", |b| {
        b.iter(|| deontic::analysis::lint(black_box(&p)).unwrap())
    });
    for (rules, secs) in [(1000, 10), (10_000, 60)] {
        let p = Policy::parse("synth.policy", synth::policy(rules, 1)).unwrap();
        g.sample_size(10)
            .measurement_time(Duration::from_secs(secs));
        g.bench_function(format!("synth-{rules}"), |b| {
            b.iter_batched(
                || (),
                |()| deontic::analysis::lint(&p).unwrap(),
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

fn diff(c: &mut Criterion) {
    let mut g = c.benchmark_group("diff");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    let text = synth::policy(10_000, 1);
    let old = Policy::parse("synth.policy", text.clone()).unwrap();
    let (one, names) = synth::edit_rules(&text, 1);
    let one = Policy::parse("synth.policy", one).unwrap();
    let (some, _) = synth::edit_rules(&text, 100);
    let some = Policy::parse("synth.policy", some).unwrap();
    let module = synth::module_of(&names[0]).unwrap();
    let cone = Policy::parse("module.policy", synth::module_policy(&text, module)).unwrap();
    g.bench_function("synth-10000 one rule", |b| {
        b.iter(|| deontic::analysis::diff(&old, black_box(&one)).unwrap())
    });
    g.bench_function("synth-10000 1% of rules", |b| {
        b.iter(|| deontic::analysis::diff(&old, black_box(&some)).unwrap())
    });
    g.bench_function("lint of the edited rule's module", |b| {
        b.iter(|| deontic::analysis::lint(black_box(&cone)).unwrap())
    });
    g.finish();
}

fn partial(c: &mut Criterion) {
    let mut g = c.benchmark_group("partial");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    let doctrine = doctrine();
    let generated = Policy::parse("synth.policy", synth::policy(1000, 1)).unwrap();
    // The generated policy's cases take a few hundred microseconds each: 10,000 of them
    // keep a sample under ten seconds.
    for (name, p, n) in [
        ("doctrine-100k", &doctrine, 100_000),
        ("synth-1000-10k", &generated, 10_000),
    ] {
        let cases = synth::partial_cases(p, n, 1, 50);
        g.throughput(Throughput::Elements(cases.len() as u64));
        let mut evaluator = deontic::analysis::PartialEvaluator::new(p);
        g.bench_function(name, |b| {
            b.iter(|| {
                for case in &cases {
                    black_box(evaluator.evaluate(case).unwrap());
                }
            })
        });
    }
    g.finish();
}

fn generate(c: &mut Criterion) {
    let mut g = c.benchmark_group("generate");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    let p = Policy::parse("synth.policy", synth::policy(1000, 1)).unwrap();
    let once = deontic::testing::generate(&p).unwrap();
    eprintln!(
        "generate/synth-1000: {} blocks for {} goals",
        once.blocks.len(),
        once.goals
    );
    g.bench_function("synth-1000", |b| {
        b.iter(|| deontic::testing::generate(black_box(&p)).unwrap())
    });
    g.finish();
}

fn serve(c: &mut Criterion) {
    let catalog = deontic::service::Catalog::from_texts(&[("doctrine", DOCTRINE)]);
    let p = doctrine();
    let cases = synth::cases(&p, 10_000, 7);
    let texts: Vec<String> = cases.iter().map(|c| synth::case_json(&p, c)).collect();
    let mut g = c.benchmark_group("serve");
    g.throughput(Throughput::Elements(1));
    let mut i = 0;
    g.bench_function("eval one case", |b| {
        b.iter(|| {
            i = (i + 1) % texts.len();
            black_box(catalog.eval("doctrine", texts[i].as_bytes()).unwrap())
        })
    });
    let array = format!("[{}]", texts.join(","));
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.bench_function("eval array of 10,000", |b| {
        b.iter(|| black_box(catalog.eval("doctrine", array.as_bytes()).unwrap()))
    });
    g.finish();
}

criterion_group!(
    benches,
    check,
    eval,
    eval_process,
    lint,
    diff,
    partial,
    generate,
    serve
);
criterion_main!(benches);
