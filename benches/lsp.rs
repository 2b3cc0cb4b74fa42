//! `cargo bench --bench lsp`: how soon `deontic lsp` publishes diagnostics after a change to
//! a generated policy of 1,000 rules, measured from the client's side of the protocol (the
//! real binary, over its standard input and output).
//!
//! - `lsp/static diagnostics`: from sending `didChange` to the publication of the check's
//!   diagnostics for that version (target: under 50 ms);
//! - `lsp/lint diagnostics after the debounce`: from sending `didChange` to the publication
//!   of the lint's findings for that version, less the debounce (target: under 1 s).
//!
//! Each change appends a comment line, so the policy stays the same and every version is
//! checked and linted in full; the next change waits for the lint of the one before.

#[path = "../tests/lsp_client/mod.rs"]
mod lsp_client;

use criterion::{Criterion, criterion_group, criterion_main};
use deontic::lsp::LINT_DELAY;
use lsp_client::{Client, uri};
use std::time::{Duration, Instant};

struct Session {
    client: Client,
    uri: String,
    base: String,
    version: i64,
}

impl Session {
    fn new() -> Session {
        let mut client = Client::initialized();
        let uri = uri("synthetic-1000.policy");
        let base = deontic::synth::policy(1000, 1);
        client.open(&uri, 1, &base);
        client.diagnostics(&uri, 1);
        client.diagnostics(&uri, 1);
        Session {
            client,
            uri,
            base,
            version: 1,
        }
    }

    /// Sends a change; returns when its static and its lint diagnostics came, after how long.
    fn change(&mut self) -> (Duration, Duration) {
        self.version += 1;
        let text = format!("{}# edit {}\n", self.base, self.version);
        let sent = Instant::now();
        self.client.change(&self.uri, self.version, &text);
        let checked = self.client.diagnostics(&self.uri, self.version);
        let static_done = sent.elapsed();
        assert_eq!(checked["diagnostics"].as_array().map(Vec::len), Some(0));
        let linted = self.client.diagnostics(&self.uri, self.version);
        let lint_done = sent.elapsed();
        assert!(
            linted["diagnostics"]
                .as_array()
                .is_some_and(|d| !d.is_empty())
        );
        (static_done, lint_done)
    }
}

fn diagnostics(c: &mut Criterion) {
    let mut session = Session::new();
    let mut g = c.benchmark_group("lsp");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(20));
    g.bench_function("static diagnostics", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| session.change().0).sum())
    });
    g.bench_function("lint diagnostics after the debounce", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| session.change().1.saturating_sub(LINT_DELAY))
                .sum()
        })
    });
    g.finish();
}

criterion_group!(benches, diagnostics);
criterion_main!(benches);
