//! `deontic test`: run the case blocks' expectations; `--bless` writes what the policy
//! decides into them, `--case` picks cases by name, `--coverage` reports what the cases
//! leave untried, `--generate` appends cases until nothing is, `--format json|junit`
//! writes them for machines.

use super::common::{Context, Status, load, plural, write_diagnostics};
use super::{BlessWhat, TestFormat, files};
use crate::eval::trace;
use crate::model::{CaseBlock, ExpectTarget, Failure, Policy};
use crate::report::{self, Style, Suite, SuiteCase};
use crate::source::Source;
use crate::testing::{BlessMode, CaseRun, bless, coverage, generate, run_case};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What `test` was asked to do besides running the cases.
#[derive(Clone, Debug)]
pub(super) struct Options {
    pub bless: Option<BlessWhat>,
    pub coverage: bool,
    /// `--generate`, and whether only to check (`--check`).
    pub generate: Option<bool>,
    pub case: Option<String>,
    pub format: TestFormat,
}

/// Counts and outputs across files.
struct Run<'o, W: Write> {
    opts: &'o Options,
    cx: &'o Context,
    out: &'o mut W,
    passed: usize,
    failed: usize,
    blessed_cases: usize,
    blessed_files: usize,
    generated_cases: usize,
    generated_files: usize,
    /// Goals met and goals, over the files' coverage.
    covered: (usize, usize),
    /// Cases `--case` left out.
    filtered_out: usize,
    suites: Vec<Suite>,
    status: Status,
}

/// Whether a case's name is picked by `--case`: it holds the text, or with `*` and `?`
/// matches it whole.
pub(super) fn picked(pattern: Option<&str>, name: &str) -> bool {
    let Some(pattern) = pattern else {
        return true;
    };
    if !pattern.contains(['*', '?']) {
        return name.contains(pattern);
    }
    // Glob matching by the classic two-pointer walk, `*` remembered for backtracking.
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

pub(super) fn test(
    paths: &[PathBuf],
    opts: &Options,
    cx: &Context,
    out: &mut impl Write,
) -> io::Result<Status> {
    if opts.bless.is_some() && opts.format != TestFormat::Human {
        eprintln!("error: `--bless` rewrites the policies; run it without `--format`");
        return Ok(Status::CouldNotRun);
    }
    if opts.bless.is_some() && paths.iter().any(|p| p == Path::new("-")) {
        eprintln!("error: `--bless` rewrites files; standard input has none to rewrite");
        return Ok(Status::CouldNotRun);
    }
    if opts.generate.is_some() && opts.format != TestFormat::Human {
        eprintln!("error: `--generate` rewrites the policies; run it without `--format`");
        return Ok(Status::CouldNotRun);
    }
    if opts.generate == Some(false) && paths.iter().any(|p| p == Path::new("-")) {
        eprintln!("error: `--generate` rewrites files; standard input has none to rewrite");
        return Ok(Status::CouldNotRun);
    }
    let (found, path_errors) = files::policy_files(paths);
    let mut run = Run {
        opts,
        cx,
        out,
        passed: 0,
        failed: 0,
        blessed_cases: 0,
        blessed_files: 0,
        generated_cases: 0,
        generated_files: 0,
        covered: (0, 0),
        filtered_out: 0,
        suites: Vec::new(),
        status: Status::Ok,
    };
    for path in &found {
        match load(path, cx) {
            Err(e) => {
                eprintln!("error: {e}");
                run.status = Status::CouldNotRun;
            }
            Ok(Err(f)) => run.broken(path, &f)?,
            Ok(Ok(p)) => run.policy(path, p)?,
        }
    }
    for e in &path_errors {
        eprintln!("error: {e}");
        run.status = Status::CouldNotRun;
    }
    if run.failed > 0 || (opts.generate == Some(true) && run.generated_cases > 0) {
        run.status = run.status.max(Status::Failed);
    }
    match opts.format {
        TestFormat::Junit => write!(run.out, "{}", report::junit(&run.suites))?,
        TestFormat::Json => writeln!(
            run.out,
            "{}",
            report::test_json_summary(run.passed, run.failed)
        )?,
        TestFormat::Human => {
            if cx.quiet && run.status == Status::Ok {
                return Ok(run.status);
            }
            if opts.bless.is_some() {
                writeln!(
                    run.out,
                    "blessed {} in {}",
                    plural(run.blessed_cases, "case"),
                    plural(run.blessed_files, "file")
                )?;
            }
            match opts.generate {
                Some(true) => writeln!(
                    run.out,
                    "would generate {} in {}",
                    plural(run.generated_cases, "case"),
                    plural(run.generated_files, "file")
                )?,
                Some(false) => writeln!(
                    run.out,
                    "generated {} in {}",
                    plural(run.generated_cases, "case"),
                    plural(run.generated_files, "file")
                )?,
                None => {}
            }
            write!(run.out, "{} passed, {} failed", run.passed, run.failed)?;
            if opts.case.is_some() {
                write!(run.out, ", {} filtered out", run.filtered_out)?;
            }
            if opts.coverage {
                let (met, all) = run.covered;
                let percent = (met * 100).checked_div(all).unwrap_or(100);
                write!(run.out, ", {percent}% covered")?;
            }
            writeln!(run.out)?;
        }
    }
    Ok(run.status)
}

impl<W: Write> Run<'_, W> {
    fn human(&self) -> bool {
        self.opts.format == TestFormat::Human
    }

    /// Whether per-case lines are written (not with `--quiet`).
    fn lines(&self) -> bool {
        self.human() && !self.cx.quiet
    }

    /// A policy with static errors: one failure, its cases not run.
    fn broken(&mut self, path: &Path, f: &Failure) -> io::Result<()> {
        self.failed += 1;
        let name = self.cx.name(path);
        match self.opts.format {
            TestFormat::Human => {
                if !self.cx.quiet {
                    write_diagnostics(self.out, &f.diagnostics, &f.source, self.cx.style)?;
                    writeln!(
                        self.out,
                        "FAIL {name}: the policy has errors; its cases were not run"
                    )?;
                }
            }
            TestFormat::Json => writeln!(
                self.out,
                "{}",
                report::test_json_errors(&name, &f.diagnostics, &f.source)
            )?,
            TestFormat::Junit => self.suites.push(Suite {
                path: name,
                errors: Some(report::render_diagnostics(
                    &f.diagnostics,
                    &f.source,
                    Style::plain(),
                )),
                ..Suite::default()
            }),
        }
        Ok(())
    }

    fn policy(&mut self, path: &Path, policy: Policy) -> io::Result<()> {
        let name = self.cx.name(path);
        let policy = match self.opts.bless {
            Some(what) => match self.bless(path, &policy, what)? {
                Some(p) => p,
                None => return Ok(()),
            },
            None => policy,
        };
        let policy = match self.opts.generate {
            Some(check) => match self.generate(path, policy, check)? {
                Some(p) => p,
                None => return Ok(()),
            },
            None => policy,
        };
        let pattern = self.opts.case.as_deref();
        let mut suite = Suite {
            path: name.clone(),
            ..Suite::default()
        };
        self.filtered_out += policy
            .cases()
            .iter()
            .filter(|c| !picked(pattern, &c.name))
            .count();
        for c in policy.cases().iter().filter(|c| picked(pattern, &c.name)) {
            let start = Instant::now();
            let r = run_case(&policy, c);
            let time = start.elapsed();
            if r.misses.is_empty() {
                self.passed += 1;
            } else {
                self.failed += 1;
            }
            if self.opts.bless.is_none() {
                self.case_lines(&name, &policy, c, &r)?;
            }
            if self.opts.format == TestFormat::Json {
                writeln!(self.out, "{}", report::test_json(&name, &c.name, &r.misses))?;
            }
            suite.cases.push(SuiteCase {
                name: c.name.clone(),
                line: policy.source().line(c.span.start),
                misses: r.misses.clone(),
                time,
            });
        }
        if self.opts.coverage {
            let cases: Vec<_> = policy
                .cases()
                .iter()
                .filter(|c| picked(pattern, &c.name))
                .map(|c| &c.case)
                .collect();
            let c = match coverage(&policy, &cases) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("error: {name}: {e}");
                    self.status = Status::CouldNotRun;
                    return Ok(());
                }
            };
            self.covered.0 += c.rules_covered + c.reached;
            self.covered.1 += c.decidable + c.reachable;
            if self.opts.format == TestFormat::Json {
                writeln!(self.out, "{}", report::coverage_json(&name, &policy, &c))?;
            } else {
                let text = report::coverage_human(&name, &policy, &c);
                if self.lines() {
                    write!(self.out, "{text}")?;
                } else {
                    suite.output = Some(text);
                }
            }
        }
        self.suites.push(suite);
        Ok(())
    }

    /// `PASS`, `WARN` (nothing expected) or `FAIL` with each unmet expectation; a `by` list
    /// that does not hold comes with the decision trail of its action.
    fn case_lines(
        &mut self,
        name: &str,
        policy: &Policy,
        c: &CaseBlock,
        r: &CaseRun,
    ) -> io::Result<()> {
        if !self.lines() {
            return Ok(());
        }
        let label = format!("{name}: {:?}", c.name);
        if c.expectations.is_empty() {
            return writeln!(
                self.out,
                "WARN {label}: expects nothing (add `expect` lines)"
            );
        }
        if r.misses.is_empty() {
            return writeln!(self.out, "PASS {label}");
        }
        writeln!(self.out, "FAIL {label}")?;
        for m in &r.misses {
            writeln!(self.out, "    {}", report::miss_text(m))?;
            let Some(a) = m
                .expected_by
                .as_ref()
                .and_then(|_| policy.action_id(&m.name))
            else {
                continue;
            };
            let traced = trace(policy, &c.case);
            let trail = report::explain_human(&c.name, &traced, &[a]);
            for line in trail.lines().skip(1) {
                writeln!(self.out, "      {line}")?;
            }
        }
        Ok(())
    }

    /// Appends generated blocks to a policy file (with `check`, only shows them) and
    /// reports each; returns the policy to run, or `None` when it could not be written.
    fn generate(&mut self, path: &Path, policy: Policy, check: bool) -> io::Result<Option<Policy>> {
        let name = self.cx.name(path);
        let g = match generate(&policy) {
            Ok(g) => g,
            Err(e) => {
                eprintln!("error: {name}: {e}");
                self.status = Status::CouldNotRun;
                return Ok(None);
            }
        };
        if g.blocks.is_empty() {
            return Ok(Some(policy));
        }
        let after = Policy::from_source(Source::new(name.as_str(), g.text.as_str()))
            .ok()
            .filter(|p| p.cases().iter().all(|c| run_case(p, c).misses.is_empty()));
        let Some(after) = after else {
            eprintln!(
                "error: {name}: the generated cases would not pass; the file was left as it is"
            );
            self.status = Status::CouldNotRun;
            return Ok(None);
        };
        self.generated_cases += g.blocks.len();
        self.generated_files += 1;
        if !check {
            let written = super::write::write_atomic(path, |w| w.write_all(g.text.as_bytes()));
            if let Err(e) = written {
                eprintln!("error: {name}: {}", files::io_reason(&e));
                self.status = Status::CouldNotRun;
                return Ok(None);
            }
        }
        if !self.cx.quiet {
            let verb = if check { "WOULD ADD" } else { "ADD" };
            for (n, block) in g.names.iter().zip(&g.blocks) {
                writeln!(self.out, "{verb} {name}: {n:?}")?;
                if check {
                    for line in block.lines() {
                        writeln!(self.out, "    {line}")?;
                    }
                }
            }
        }
        Ok(Some(if check { policy } else { after }))
    }

    /// Blesses a policy file and reports each case; returns the policy as written, or
    /// `None` when it could not be written (already reported).
    fn bless(
        &mut self,
        path: &Path,
        policy: &Policy,
        what: BlessWhat,
    ) -> io::Result<Option<Policy>> {
        let name = self.cx.name(path);
        let mode = match what {
            BlessWhat::Full => BlessMode::Full,
            BlessWhat::Verdicts => BlessMode::Verdicts,
        };
        let pattern = self.opts.case.as_deref();
        let blessed = bless(policy, mode, &|name| picked(pattern, name));
        let text = policy.source().text();
        let after = if blessed.text == text {
            policy.clone()
        } else {
            let checked = Policy::from_source(Source::new(name.as_str(), blessed.text.as_str()))
                .ok()
                .filter(|p| {
                    p.cases()
                        .iter()
                        .filter(|c| picked(pattern, &c.name))
                        .all(|c| run_case(p, c).misses.is_empty())
                });
            let Some(after) = checked else {
                eprintln!(
                    "error: {name}: blessing would not make every case pass; the file was left as it is"
                );
                self.status = Status::CouldNotRun;
                return Ok(None);
            };
            let written =
                super::write::write_atomic(path, |w| w.write_all(blessed.text.as_bytes()));
            if let Err(e) = written {
                eprintln!("error: {name}: {}", files::io_reason(&e));
                self.status = Status::CouldNotRun;
                return Ok(None);
            }
            self.blessed_files += 1;
            after
        };
        if self.cx.quiet {
            self.blessed_cases += blessed.cases.len();
            return Ok(Some(after));
        }
        for (i, c) in after.cases().iter().enumerate() {
            if !picked(pattern, &c.name) {
                continue;
            }
            let label = format!("{name}: {:?}", c.name);
            let Some(b) = blessed.cases.iter().find(|b| b.case == i) else {
                writeln!(self.out, "PASS {label}")?;
                continue;
            };
            self.blessed_cases += 1;
            writeln!(self.out, "BLESS {label}")?;
            for (j, was, now) in &b.fixed {
                let x = &c.expectations[*j];
                let line = after.source().line(x.span.start);
                let target = match x.target {
                    ExpectTarget::Action(a) => &after.action(a).name,
                    ExpectTarget::Fact(f) => &after.fact(f).name,
                };
                writeln!(self.out, "    line {line}: `{target}` is {now}, was {was}")?;
            }
            if !b.added.is_empty() {
                writeln!(
                    self.out,
                    "    added {}",
                    plural(b.added.len(), "`expect` line")
                )?;
            }
        }
        Ok(Some(after))
    }
}

#[cfg(test)]
mod tests {
    use super::picked;

    #[test]
    fn case_names_are_picked_by_text_or_by_glob() {
        assert!(picked(None, "anything"));
        assert!(picked(Some("counter"), "a counterattack case"));
        assert!(!picked(Some("counter"), "sanctions"));
        assert!(picked(Some("*attack*"), "a counterattack case"));
        assert!(picked(Some("a*case"), "a counterattack case"));
        assert!(!picked(Some("a*case"), "a counterattack"));
        assert!(picked(Some("c?se"), "case"));
        assert!(picked(Some("*"), ""));
    }
}
