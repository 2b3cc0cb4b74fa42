//! Finding policy files under the paths a user gives, and reading them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A path that could not be used, with the reason.
#[derive(Debug)]
pub struct PathError {
    pub path: PathBuf,
    pub reason: String,
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

/// Expands files and folders (recursively, `*.policy`, sorted) into policy files.
/// Problems are returned beside the files that were found, so the others still run.
pub fn policy_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(e) => errors.push(PathError {
                path: path.clone(),
                reason: io_reason(&e),
            }),
            Ok(m) if m.is_dir() => {
                let before = files.len();
                let mut seen = HashSet::new();
                walk(path, &mut files, &mut errors, &mut seen);
                if files.len() == before {
                    errors.push(PathError {
                        path: path.clone(),
                        reason: "no `*.policy` files in this folder".into(),
                    });
                }
            }
            Ok(_) => files.push(path.clone()),
        }
    }
    (files, errors)
}

fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<PathError>,
    seen: &mut HashSet<PathBuf>,
) {
    // Following links is fine; visiting a folder twice (a link loop) is not.
    match std::fs::canonicalize(dir) {
        Ok(c) => {
            if !seen.insert(c) {
                return;
            }
        }
        Err(e) => {
            errors.push(PathError {
                path: dir.to_path_buf(),
                reason: io_reason(&e),
            });
            return;
        }
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            errors.push(PathError {
                path: dir.to_path_buf(),
                reason: io_reason(&e),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => walk(&p, files, errors, seen),
            Ok(_) if p.extension().is_some_and(|e| e == "policy") => files.push(p),
            Ok(_) => {}
            Err(e) if p.extension().is_some_and(|e| e == "policy") => errors.push(PathError {
                path: p,
                reason: io_reason(&e),
            }),
            Err(_) => {}
        }
    }
}

/// Reads a policy file's bytes.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, PathError> {
    std::fs::read(path).map_err(|e| PathError {
        path: path.to_path_buf(),
        reason: io_reason(&e),
    })
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            let s = s.split(" (os error").next().unwrap_or(&s).to_string();
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_lowercase().chain(c).collect())
                .unwrap_or(s)
        }
    }
}
