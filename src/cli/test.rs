//! `deontic test`: run the case blocks' expectations; `--bless` writes the actual verdicts
//! into them, `--coverage` reports what the cases leave untried, `--format junit` writes
//! JUnit XML.

use super::TestFormat;
use super::common::{Status, load, plural, write_diagnostics};
use super::files;
use crate::model::{ExpectTarget, Failure, Policy};
use crate::report::{self, Style, Suite, SuiteCase};
use crate::source::Source;
use crate::testing::{CaseRun, bless, coverage, run_case};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What `test` was asked to do besides running the cases.
#[derive(Clone, Copy, Debug)]
pub(super) struct Options {
    pub bless: bool,
    pub coverage: bool,
    pub format: TestFormat,
}

/// Counts and outputs across files.
struct Run<'o, W: Write> {
    opts: Options,
    style: Style,
    out: &'o mut W,
    passed: usize,
    failed: usize,
    blessed_cases: usize,
    blessed_files: usize,
    suites: Vec<Suite>,
    status: Status,
}

pub(super) fn test(
    paths: &[PathBuf],
    opts: Options,
    style: Style,
    out: &mut impl Write,
) -> io::Result<Status> {
    if opts.bless && opts.format == TestFormat::Junit {
        eprintln!("error: `--bless` rewrites the policies; run it without `--format junit`");
        return Ok(Status::CouldNotRun);
    }
    let (found, path_errors) = files::policy_files(paths);
    let mut run = Run {
        opts,
        style,
        out,
        passed: 0,
        failed: 0,
        blessed_cases: 0,
        blessed_files: 0,
        suites: Vec::new(),
        status: Status::Ok,
    };
    for path in &found {
        match load(path) {
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
    match opts.format {
        TestFormat::Junit => write!(run.out, "{}", report::junit(&run.suites))?,
        TestFormat::Human => {
            if opts.bless {
                writeln!(
                    run.out,
                    "blessed {} in {}",
                    plural(run.blessed_cases, "case"),
                    plural(run.blessed_files, "file")
                )?;
            }
            writeln!(run.out, "{} passed, {} failed", run.passed, run.failed)?;
        }
    }
    if run.failed > 0 {
        run.status = run.status.max(Status::Failed);
    }
    Ok(run.status)
}

impl<W: Write> Run<'_, W> {
    fn human(&self) -> bool {
        self.opts.format == TestFormat::Human
    }

    /// A policy with static errors: one failure, its cases not run.
    fn broken(&mut self, path: &Path, f: &Failure) -> io::Result<()> {
        self.failed += 1;
        if self.human() {
            write_diagnostics(self.out, &f.diagnostics, &f.source, self.style)?;
            writeln!(
                self.out,
                "FAIL {}: the policy has errors; its cases were not run",
                path.display()
            )?;
        } else {
            self.suites.push(Suite {
                path: path.display().to_string(),
                errors: Some(report::render_diagnostics(
                    &f.diagnostics,
                    &f.source,
                    Style::plain(),
                )),
                ..Suite::default()
            });
        }
        Ok(())
    }

    fn policy(&mut self, path: &Path, policy: Policy) -> io::Result<()> {
        let name = path.display().to_string();
        let policy = if self.opts.bless {
            match self.bless(path, &policy)? {
                Some(p) => p,
                None => return Ok(()),
            }
        } else {
            policy
        };
        let runs: Vec<CaseRun> = policy
            .cases()
            .iter()
            .map(|c| run_case(&policy, c))
            .collect();
        let mut suite = Suite {
            path: name.clone(),
            ..Suite::default()
        };
        for (c, r) in policy.cases().iter().zip(&runs) {
            if r.misses.is_empty() {
                self.passed += 1;
            } else {
                self.failed += 1;
            }
            if self.human() && !self.opts.bless {
                let label = format!("{name}: {:?}", c.name);
                if r.misses.is_empty() {
                    writeln!(self.out, "PASS {label}")?;
                } else {
                    writeln!(self.out, "FAIL {label}")?;
                    for m in &r.misses {
                        writeln!(self.out, "    {}", report::miss_text(m))?;
                    }
                }
            }
            suite.cases.push(SuiteCase {
                name: c.name.clone(),
                line: policy.source().line(c.span.start),
                misses: r.misses.clone(),
            });
        }
        if self.opts.coverage {
            let outcomes: Vec<_> = runs.into_iter().map(|r| r.outcome).collect();
            let text = report::coverage_human(&name, &policy, &coverage(&policy, &outcomes));
            if self.human() {
                write!(self.out, "{text}")?;
            } else {
                suite.output = Some(text);
            }
        }
        self.suites.push(suite);
        Ok(())
    }

    /// Blesses a policy file and reports each case; returns the policy as written, or
    /// `None` when it could not be written (already reported).
    fn bless(&mut self, path: &Path, policy: &Policy) -> io::Result<Option<Policy>> {
        let name = path.display().to_string();
        let blessed = bless(policy);
        let text = policy.source().text();
        let after = if blessed.text == text {
            policy.clone()
        } else {
            let checked = Policy::from_source(Source::new(name.as_str(), blessed.text.as_str()))
                .ok()
                .filter(|p| p.cases().iter().all(|c| run_case(p, c).misses.is_empty()));
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
        for (i, c) in after.cases().iter().enumerate() {
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
