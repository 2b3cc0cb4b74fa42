//! `deontic diff`: two files, two folders paired by relative path, or each policy against
//! its text at a git revision; the comparison, then the report in the chosen format.

use super::DiffFormat;
use super::common::{Context, Status};
use super::files::{self, PathError};
use super::git::Revision;
use crate::analysis::{Diff, Version, diff_versions};
use crate::model::{Failure, Policy};
use crate::report::{self, DiffFile, SarifPlace};
use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// One version of one policy, as read.
struct Text {
    /// How reports name it.
    name: String,
    /// The file it was read from, when it is one.
    file: Option<PathBuf>,
    bytes: Vec<u8>,
}

/// The two versions of one policy; at least one is there.
struct Pair {
    old: Option<Text>,
    new: Option<Text>,
}

/// Compares the versions `paths` name, and writes the report.
pub(super) fn diff(
    paths: &[PathBuf],
    base: Option<&str>,
    format: DiffFormat,
    cx: &Context,
    out: &mut impl Write,
) -> io::Result<Status> {
    let mut failures: Vec<String> = Vec::new();
    let pairs = match base {
        Some(rev) => at_revision(rev, paths, &mut failures),
        None => match paths {
            [old, new] => two_paths(old, new, cx, &mut failures),
            _ => {
                eprintln!(
                    "error: `diff` compares two paths, OLD and NEW, or the paths given with \
                     `--base REV` against that revision"
                );
                return Ok(Status::CouldNotRun);
            }
        },
    };
    let mut diffs: Vec<Diff> = Vec::new();
    let mut places: Vec<(Option<PathBuf>, Option<PathBuf>)> = Vec::new();
    for pair in &pairs {
        let load = |t: &Option<Text>| -> Option<Result<Policy, Failure>> {
            t.as_ref()
                .map(|t| Policy::from_bytes(t.name.clone(), t.bytes.clone()))
        };
        let (old, new) = (load(&pair.old), load(&pair.new));
        let name = pair
            .new
            .as_ref()
            .or(pair.old.as_ref())
            .map_or("", |t| &t.name);
        match diff_versions(version(&old), version(&new)) {
            Ok(d) => {
                failures.extend(d.internal_errors.iter().map(|e| format!("{name}: {e}")));
                diffs.push(d);
                places.push((
                    pair.old.as_ref().and_then(|t| t.file.clone()),
                    pair.new.as_ref().and_then(|t| t.file.clone()),
                ));
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    let mut status = Status::Ok;
    for f in &failures {
        eprintln!("error: {f}");
        status = Status::CouldNotRun;
    }
    let changed = diffs.iter().any(|d| d.transitions() > 0 || d.has_errors());
    match format {
        DiffFormat::Json => writeln!(out, "{}", report::diff_json(&diffs))?,
        DiffFormat::Sarif => {
            let files: Vec<DiffFile> = diffs
                .iter()
                .zip(&places)
                .map(|(diff, (old, new))| DiffFile {
                    diff,
                    old: old.as_deref(),
                    new: new.as_deref(),
                })
                .collect();
            let sarif = report::diff_sarif_at(&files, &SarifPlace::here(), &failures);
            writeln!(out, "{sarif}")?;
        }
        DiffFormat::Human => {
            if !cx.quiet {
                let text = report::diff_human(&diffs, cx.style);
                if !text.is_empty() {
                    writeln!(out, "{text}")?;
                }
            }
            let compared = !diffs.is_empty() || failures.is_empty();
            if compared && (!cx.quiet || changed || !failures.is_empty()) {
                writeln!(out, "{}", report::diff_summary_line(&diffs))?;
            }
        }
    }
    if changed {
        status = status.max(Status::Failed);
    }
    Ok(status)
}

fn version(v: &Option<Result<Policy, Failure>>) -> Version<'_> {
    match v {
        None => Version::Absent,
        Some(Ok(p)) => Version::Checked(p),
        Some(Err(f)) => Version::Broken(f),
    }
}

/// Reads one file, or standard input for `-`.
fn read(path: &Path, cx: &Context) -> Result<Text, PathError> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| PathError {
                path: PathBuf::from(&cx.stdin_name),
                reason: files::io_reason(&e),
            })?;
        return Ok(Text {
            name: cx.stdin_name.clone(),
            file: None,
            bytes,
        });
    }
    Ok(Text {
        name: cx.name(path),
        file: Some(path.to_path_buf()),
        bytes: files::read_bytes(path)?,
    })
}

/// `OLD NEW`: two files (either may be `-`), or two folders whose policies are paired by
/// their path inside them.
fn two_paths(old: &Path, new: &Path, cx: &Context, failures: &mut Vec<String>) -> Vec<Pair> {
    let is_dir = |p: &Path| p != Path::new("-") && p.is_dir();
    let missing = |p: &Path| p != Path::new("-") && !p.exists();
    for p in [old, new] {
        if missing(p) {
            failures.push(format!("{}: no such file or folder", p.display()));
        }
    }
    if !failures.is_empty() {
        return Vec::new();
    }
    if old == Path::new("-") && new == Path::new("-") {
        failures.push("only one of OLD and NEW can be `-` (standard input)".to_string());
        return Vec::new();
    }
    match (is_dir(old), is_dir(new)) {
        (false, false) => {
            let mut text = |p: &Path| match read(p, cx) {
                Ok(t) => Some(t),
                Err(e) => {
                    failures.push(e.to_string());
                    None
                }
            };
            let (o, n) = (text(old), text(new));
            match (o, n) {
                (Some(o), Some(n)) => vec![Pair {
                    old: Some(o),
                    new: Some(n),
                }],
                _ => Vec::new(),
            }
        }
        (true, true) => {
            let mut by_path: BTreeMap<PathBuf, Pair> = BTreeMap::new();
            for (side, dir) in [(0, old), (1, new)] {
                let (found, errors) = files::policy_files_in(dir);
                failures.extend(errors.iter().map(|e| e.to_string()));
                for file in found {
                    let rel = file.strip_prefix(dir).unwrap_or(&file).to_path_buf();
                    let text = match read(&file, cx) {
                        Ok(t) => t,
                        Err(e) => {
                            failures.push(e.to_string());
                            continue;
                        }
                    };
                    let pair = by_path.entry(rel).or_insert(Pair {
                        old: None,
                        new: None,
                    });
                    if side == 0 {
                        pair.old = Some(text);
                    } else {
                        pair.new = Some(text);
                    }
                }
            }
            if by_path.is_empty() {
                failures.push(format!(
                    "no `*.policy` files in `{}` or `{}`",
                    old.display(),
                    new.display()
                ));
            }
            by_path.into_values().collect()
        }
        (o, _) => {
            let (file, dir) = if o { (new, old) } else { (old, new) };
            failures.push(format!(
                "`{}` is a folder and `{}` a file: give two files or two folders",
                dir.display(),
                file.display()
            ));
            Vec::new()
        }
    }
}

/// `--base REV [PATH...]`: each policy under the paths (default: the working folder) in the
/// working tree against its text at the revision; one only there is removed, one only here
/// added.
fn at_revision(rev: &str, paths: &[PathBuf], failures: &mut Vec<String>) -> Vec<Pair> {
    let revision = match Revision::open(rev) {
        Ok(r) => r,
        Err(e) => {
            failures.push(e);
            return Vec::new();
        }
    };
    let here = [PathBuf::from(".")];
    let paths = if paths.is_empty() { &here[..] } else { paths };
    // Per path from the repository's top: the working tree's file, and whether the revision
    // has one.
    let mut by_path: BTreeMap<String, (Option<PathBuf>, bool)> = BTreeMap::new();
    for path in paths {
        let at_rev = match revision.policies_under(path) {
            Ok(list) => list,
            Err(e) => {
                failures.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let (found, errors) = if path.is_dir() {
            files::policy_files_in(path)
        } else if path.exists() {
            (vec![path.clone()], Vec::new())
        } else {
            (Vec::new(), Vec::new())
        };
        failures.extend(errors.iter().map(|e| e.to_string()));
        if found.is_empty() && at_rev.is_empty() {
            failures.push(format!("{}: no policy here or at `{rev}`", path.display()));
        }
        for file in found {
            let Some(key) = revision.repo_path(&file) else {
                failures.push(format!("{}: it is outside the repository", file.display()));
                continue;
            };
            by_path.entry(key).or_insert((None, false)).0 = Some(file);
        }
        for key in at_rev {
            by_path.entry(key).or_insert((None, false)).1 = true;
        }
    }
    let wanted: Vec<String> = by_path
        .iter()
        .filter(|(_, (_, at_rev))| *at_rev)
        .map(|(k, _)| k.clone())
        .collect();
    let mut old_texts = match revision.read(&wanted) {
        Ok(texts) => wanted.into_iter().zip(texts).collect::<BTreeMap<_, _>>(),
        Err(e) => {
            failures.push(e);
            return Vec::new();
        }
    };
    let mut pairs = Vec::new();
    for (key, (file, _)) in by_path {
        let old = old_texts.remove(&key).flatten().map(|bytes| Text {
            name: format!("{rev}:{key}"),
            file: None,
            bytes,
        });
        let new = match file {
            Some(f) => match files::read_bytes(&f) {
                Ok(bytes) => Some(Text {
                    // Found under `.`: named as from here, without `./`.
                    name: f.strip_prefix(".").unwrap_or(&f).display().to_string(),
                    file: Some(f),
                    bytes,
                }),
                Err(e) => {
                    failures.push(e.to_string());
                    continue;
                }
            },
            None => None,
        };
        if old.is_some() || new.is_some() {
            pairs.push(Pair { old, new });
        }
    }
    pairs
}
