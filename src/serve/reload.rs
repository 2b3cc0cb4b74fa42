//! Reloading: the folders and files served are watched; on a change the catalog is read
//! again on the watcher's thread, off the request path, and swapped in whole. A policy whose
//! new text has errors keeps its last good version answering; the log says so.

use super::Shared;
use notify_debouncer_full::notify::event::{AccessKind, AccessMode};
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How long a burst of file events is gathered before reloading.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Starts watching; the watcher stops when the value returned is dropped.
pub fn watch(
    shared: Shared,
) -> notify_debouncer_full::notify::Result<Debouncer<RecommendedWatcher, RecommendedCache>> {
    let (tx, rx) = std::sync::mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(DEBOUNCE, None, tx)?;
    let catalog = shared.load();
    for (dir, mode) in watched(catalog.roots(), &catalog.files()) {
        debouncer.watch(&dir, mode)?;
    }
    std::thread::Builder::new()
        .name("reload".into())
        .spawn(move || {
            for result in rx {
                match result {
                    Ok(events) if events.iter().any(|e| relevant(&e.event)) => reload(&shared),
                    Ok(_) => {}
                    Err(errors) => {
                        for e in errors {
                            tracing::warn!(error = %e, "watching the policy files");
                        }
                    }
                }
            }
        })
        .map_err(notify_debouncer_full::notify::Error::io)?;
    Ok(debouncer)
}

/// Reads the catalog again and swaps it in; every change is logged.
fn reload(shared: &Shared) {
    let (catalog, changes) = shared.load().reload();
    if changes.is_empty() {
        return;
    }
    shared.store(Arc::new(catalog));
    use crate::service::Change;
    for change in changes {
        match change {
            Change::Added(name) => tracing::info!(policy = %name, "policy added"),
            Change::Removed(name) => tracing::info!(policy = %name, "policy removed"),
            Change::Reloaded(name) => tracing::info!(policy = %name, "policy reloaded"),
            Change::Rejected(name, errors) => tracing::warn!(
                policy = %name,
                errors,
                "policy not reloaded: the new text has static errors; the last good version answers"
            ),
            Change::Unreadable(name, reason) => tracing::warn!(
                policy = %name,
                reason = %reason,
                "policy not reloaded: its file cannot be read; the version before answers"
            ),
        }
    }
}

/// Events that can change a policy: not reads (reading the files to reload them would
/// otherwise start another reload), but writes closed, creations, changes, removals.
fn relevant(event: &notify_debouncer_full::notify::Event) -> bool {
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// The folders to watch: each folder served, recursively (new files appear); the folder
/// of each file served by itself; and the folder of each link's target.
fn watched(roots: &[PathBuf], files: &[PathBuf]) -> Vec<(PathBuf, RecursiveMode)> {
    let mut dirs: Vec<(PathBuf, RecursiveMode)> = Vec::new();
    let mut add = |dir: &Path, mode| {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if !dirs.iter().any(|(d, _)| d == dir) {
            dirs.push((dir.to_path_buf(), mode));
        }
    };
    for root in roots {
        if root.is_dir() {
            add(root, RecursiveMode::Recursive);
        } else if let Some(parent) = root.parent() {
            add(parent, RecursiveMode::NonRecursive);
        }
    }
    for file in files {
        if let Ok(real) = std::fs::canonicalize(file)
            && real != *file
            && let Some(parent) = real.parent()
        {
            add(parent, RecursiveMode::NonRecursive);
        }
    }
    dirs
}
