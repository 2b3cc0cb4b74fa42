//! Finding policy files under the paths a user gives, and reading them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A path that could not be used, with the reason.
#[derive(Debug)]
pub struct PathError {
    /// The path as given or found.
    pub path: PathBuf,
    /// Why it could not be used, lowercase.
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
        if path == Path::new("-") {
            // Standard input: read by the command, once.
            files.push(path.clone());
            continue;
        }
        match std::fs::metadata(path) {
            Err(e) => errors.push(PathError {
                path: path.clone(),
                reason: io_reason(&e),
            }),
            Ok(m) if m.is_dir() => {
                let before = files.len();
                walk(path, &mut files, &mut errors);
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

/// The `*.policy` files under a folder, as [`policy_files`] finds them, without complaint
/// when there are none.
pub fn policy_files_in(dir: &Path) -> (Vec<PathBuf>, Vec<PathError>) {
    let (mut files, mut errors) = (Vec::new(), Vec::new());
    walk(dir, &mut files, &mut errors);
    (files, errors)
}

fn is_policy(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "policy")
}

/// The `*.policy` files under a folder, in sorted order, following links. A folder reached
/// twice (a link loop, or two links to one folder) is searched once; an entry that cannot
/// be read is an error when it is a folder or named `*.policy`, and skipped otherwise.
fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<PathError>) {
    let mut seen = HashSet::new();
    let mut entries = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) if e.loop_ancestor().is_some() => continue,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let is_dir = path.is_dir() || e.depth() == 0;
                if is_dir || is_policy(&path) {
                    let reason = match e.io_error() {
                        Some(io) => io_reason(io),
                        None => e.to_string(),
                    };
                    errors.push(PathError { path, reason });
                }
                continue;
            }
        };
        if entry.file_type().is_dir() {
            match std::fs::canonicalize(entry.path()) {
                Ok(c) => {
                    if !seen.insert(c) {
                        entries.skip_current_dir();
                    }
                }
                Err(e) => {
                    errors.push(PathError {
                        path: entry.path().to_path_buf(),
                        reason: io_reason(&e),
                    });
                    entries.skip_current_dir();
                }
            }
        } else if is_policy(entry.path()) {
            files.push(entry.into_path());
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

/// An I/O error in the words of the other messages: lowercase, no `(os error N)`.
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
