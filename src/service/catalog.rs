//! The policies a service answers for: found under the paths given, each named by its path
//! below them, loaded with their findings, and reloaded into a new catalog that keeps the
//! last good version of every policy whose new text has errors.

use super::describe;
use crate::diagnostic::Diagnostic;
use crate::eval::FastReader;
use crate::files::{self, PathError};
use crate::model::Policy;
use crate::report::JsonLines;
use crate::source::Source;
use serde_json::Value as J;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One policy of a catalog.
#[derive(Clone)]
pub struct Entry {
    /// Its name: the path below the folder it was found in, without `.policy`, with `/`
    /// between folders; a file given by itself is named by its stem.
    pub name: String,
    /// The file it is read from.
    pub path: PathBuf,
    /// The text as last read.
    pub source: Source,
    /// Whether that text has no static errors.
    pub ok: bool,
    /// Its static errors when it has some, else its lint findings.
    pub diagnostics: Arc<Vec<Diagnostic>>,
    /// The version that answers: this text's when it is good, else the last good one
    /// (none when the policy never loaded without errors).
    pub served: Option<Arc<Served>>,
    /// Why the file could not be read, when it could not: the version before goes on
    /// answering.
    pub read_error: Option<String>,
}

/// A policy that answers, with its readers and writers of JSON made once.
pub struct Served {
    /// The policy.
    pub policy: Policy,
    pub(super) reader: FastReader,
    pub(super) writer: JsonLines,
}

impl Served {
    fn new(policy: Policy) -> Self {
        Served {
            reader: FastReader::new(&policy),
            writer: JsonLines::new(&policy),
            policy,
        }
    }
}

impl Entry {
    /// The listing's object: name, title, `ok`, `served`, and the vocabulary of the version
    /// that answers.
    pub fn summary(&self) -> serde_json::Map<String, J> {
        let mut map = serde_json::Map::new();
        map.insert("name".into(), self.name.clone().into());
        let title = self
            .served
            .as_ref()
            .and_then(|s| s.policy.title())
            .map(str::to_string);
        map.insert("title".into(), title.into());
        map.insert("ok".into(), self.ok.into());
        map.insert("served".into(), self.served.is_some().into());
        if let Some(e) = &self.read_error {
            map.insert("read_error".into(), e.clone().into());
        }
        match &self.served {
            Some(s) => map.extend(describe::vocabulary(&s.policy)),
            None => {
                // Nothing checked to describe: the language of the text as it is.
                let language = describe::language_of([self.source.text()]);
                map.insert("language".into(), language.into());
                for key in ["facts", "derived", "actions"] {
                    map.insert(key.into(), J::Array(Vec::new()));
                }
            }
        }
        map
    }
}

/// The policies found under some paths, by name.
#[derive(Clone, Default)]
pub struct Catalog {
    roots: Vec<PathBuf>,
    entries: Vec<Entry>,
}

/// What changed from one catalog to the next, for the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A policy appeared.
    Added(String),
    /// A policy's file is gone; it is no longer served.
    Removed(String),
    /// A policy's new text loaded and now answers.
    Reloaded(String),
    /// A policy's new text has static errors (how many); the last good version answers.
    Rejected(String, usize),
    /// A policy's file could not be read; the version before answers.
    Unreadable(String, String),
}

impl Catalog {
    /// Loads every `*.policy` file under `roots`. Policies with static errors are kept, not
    /// served; a path that cannot be used, or two policies of one name, is an error.
    pub fn load(roots: &[PathBuf]) -> Result<Catalog, Vec<PathError>> {
        let (found, errors) = find(roots);
        if !errors.is_empty() {
            return Err(errors);
        }
        let entries = found
            .into_iter()
            .map(|(name, path)| match files::read_bytes(&path) {
                Ok(bytes) => Ok(read(name, path, bytes, None)),
                Err(e) => Err(e),
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| vec![e])?;
        Ok(Catalog {
            roots: roots.to_vec(),
            entries,
        })
    }

    /// A catalog from texts in memory, for tests and embedding: `(name, text)` pairs.
    pub fn from_texts(texts: &[(&str, &str)]) -> Catalog {
        let entries = texts
            .iter()
            .map(|(name, text)| {
                let path = PathBuf::from(format!("{name}.policy"));
                read(name.to_string(), path, text.as_bytes().to_vec(), None)
            })
            .collect();
        Catalog {
            roots: Vec::new(),
            entries,
        }
    }

    /// Reads the files again: the new catalog, and what changed. Unchanged texts keep their
    /// loaded policy; a text with errors keeps the last good version serving.
    pub fn reload(&self) -> (Catalog, Vec<Change>) {
        let (found, _) = find(&self.roots);
        let mut changes = Vec::new();
        let mut entries = Vec::with_capacity(found.len());
        for (name, path) in found {
            let before = self.entries.iter().find(|e| e.name == name);
            let bytes = match files::read_bytes(&path) {
                Ok(bytes) => bytes,
                Err(e) => {
                    if let Some(before) = before {
                        changes.push(Change::Unreadable(name, e.reason.clone()));
                        entries.push(Entry {
                            read_error: Some(e.reason),
                            ..before.clone()
                        });
                    }
                    continue;
                }
            };
            match before {
                Some(b) if b.read_error.is_none() && b.source.text().as_bytes() == bytes => {
                    entries.push(b.clone());
                }
                Some(b) => {
                    let entry = read(name.clone(), path, bytes, b.served.clone());
                    changes.push(if entry.ok {
                        Change::Reloaded(name)
                    } else {
                        Change::Rejected(name, entry.diagnostics.len())
                    });
                    entries.push(entry);
                }
                None => {
                    changes.push(Change::Added(name.clone()));
                    entries.push(read(name, path, bytes, None));
                }
            }
        }
        for gone in &self.entries {
            if !entries.iter().any(|e| e.name == gone.name) {
                changes.push(Change::Removed(gone.name.clone()));
            }
        }
        let catalog = Catalog {
            roots: self.roots.clone(),
            entries,
        };
        (catalog, changes)
    }

    /// Every policy, by name.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The policy of that name.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// The files the catalog reads, for a watcher.
    pub fn files(&self) -> Vec<PathBuf> {
        self.entries.iter().map(|e| e.path.clone()).collect()
    }

    /// The paths it was loaded from.
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }
}

/// A policy's text loaded, with its findings; `last_good` answers when the text has errors.
fn read(name: String, path: PathBuf, bytes: Vec<u8>, last_good: Option<Arc<Served>>) -> Entry {
    match Policy::from_bytes(path.display().to_string(), bytes) {
        Ok(policy) => {
            let diagnostics = crate::analysis::lint(&policy).unwrap_or_default();
            Entry {
                name,
                path,
                source: policy.source().clone(),
                ok: true,
                diagnostics: Arc::new(diagnostics),
                served: Some(Arc::new(Served::new(policy))),
                read_error: None,
            }
        }
        Err(failure) => Entry {
            name,
            path,
            source: failure.source,
            ok: false,
            diagnostics: Arc::new(failure.diagnostics),
            served: last_good,
            read_error: None,
        },
    }
}

/// The policy files under `roots`, named, sorted by name; two files of one name are an
/// error.
fn find(roots: &[PathBuf]) -> (Vec<(String, PathBuf)>, Vec<PathError>) {
    let (mut found, mut errors) = (Vec::new(), Vec::new());
    for root in roots {
        let (paths, errs) = files::policy_files(std::slice::from_ref(root));
        errors.extend(errs);
        for path in paths {
            found.push((name_below(root, &path), path));
        }
    }
    found.sort();
    for pair in found.windows(2) {
        if pair[0].0 == pair[1].0 {
            errors.push(PathError {
                path: pair[1].1.clone(),
                reason: format!(
                    "two policies are named `{}` (the other is {})",
                    pair[0].0,
                    pair[0].1.display()
                ),
            });
        }
    }
    (found, errors)
}

/// A policy's name: its path below `root` without `.policy`, folders joined by `/`.
fn name_below(root: &Path, path: &Path) -> String {
    let below = path.strip_prefix(root).unwrap_or(path);
    let below = if below.as_os_str().is_empty() {
        path.file_name().map(Path::new).unwrap_or(path)
    } else {
        below
    };
    let parts: Vec<String> = below
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}
