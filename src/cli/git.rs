//! Policies at a git revision, for `diff --base`: which files there are under some paths
//! (`git ls-tree`) and their text (`git cat-file --batch`), named by their path from the
//! repository's top.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// A revision of the repository the working folder is in.
pub(super) struct Revision {
    /// As the user wrote it.
    pub rev: String,
    /// The repository's top folder.
    top: PathBuf,
    cwd: PathBuf,
}

/// Runs git in the working folder, returning its standard output, or the first line of what
/// it said on standard error.
fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `git`: {}", super::files::io_reason(&e)))?;
    if out.status.success() {
        return Ok(out.stdout);
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let first = err.lines().next().unwrap_or("").trim();
    Err(first.strip_prefix("fatal: ").unwrap_or(first).to_string())
}

/// A path with `.` and `..` taken out, without asking the file system.
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

impl Revision {
    /// The revision `rev` of the repository around the working folder.
    pub fn open(rev: &str) -> Result<Revision, String> {
        let top = git(&["rev-parse", "--show-toplevel"])
            .map_err(|e| format!("`--base` needs a git repository: {e}"))?;
        let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches(['\n', '\r']));
        let commit = format!("{rev}^{{commit}}");
        if rev.starts_with('-') || git(&["rev-parse", "--verify", "--quiet", &commit]).is_err() {
            return Err(format!("`{rev}` is not a revision of this repository"));
        }
        let cwd = std::env::current_dir()
            .map_err(|e| format!("the working folder: {}", super::files::io_reason(&e)))?;
        let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
        let top = std::fs::canonicalize(&top).unwrap_or(top);
        Ok(Revision {
            rev: rev.to_string(),
            top,
            cwd,
        })
    }

    /// A path of the working tree as a path from the repository's top, `/` between folders.
    pub fn repo_path(&self, path: &Path) -> Option<String> {
        let absolute = normal(&self.cwd.join(path));
        let rel = absolute.strip_prefix(&self.top).ok()?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(parts.join("/"))
    }

    /// The files at the revision under `path` (a file or a folder of the working folder, as
    /// the user wrote it) that are policies: named `*.policy`, or `path` itself.
    pub fn policies_under(&self, path: &Path) -> Result<Vec<String>, String> {
        let Some(named) = self.repo_path(path) else {
            return Err("it is outside the repository".to_string());
        };
        let top = self.top.to_string_lossy();
        let spec = if named.is_empty() {
            "."
        } else {
            named.as_str()
        };
        let out = git(&[
            "-C",
            &top,
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            &self.rev,
            "--",
            spec,
        ])?;
        Ok(out
            .split(|&b| b == 0)
            .filter(|name| !name.is_empty())
            .map(|name| String::from_utf8_lossy(name).into_owned())
            .filter(|name| *name == named || name.ends_with(".policy"))
            .collect())
    }

    /// The text of each file at the revision (`None` for one that is not a file there).
    pub fn read(&self, paths: &[String]) -> Result<Vec<Option<Vec<u8>>>, String> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let mut child = Command::new("git")
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run `git`: {}", super::files::io_reason(&e)))?;
        let requests: Vec<u8> = paths
            .iter()
            .flat_map(|p| format!("{}:{}\n", self.rev, p.replace('\n', " ")).into_bytes())
            .collect();
        let mut stdin = child.stdin.take();
        let writer = std::thread::spawn(move || {
            if let Some(stdin) = stdin.as_mut() {
                let _ = stdin.write_all(&requests);
            }
        });
        let mut output = Vec::new();
        if let Some(mut stdout) = child.stdout.take() {
            let _ = stdout.read_to_end(&mut output);
        }
        let _ = writer.join();
        let _ = child.wait();
        let mut texts = Vec::with_capacity(paths.len());
        let mut at = 0;
        for _ in paths {
            let end = output[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map(|i| at + i)
                .ok_or_else(|| "`git cat-file` stopped early".to_string())?;
            let header = String::from_utf8_lossy(&output[at..end]).into_owned();
            at = end + 1;
            let fields: Vec<&str> = header.split(' ').collect();
            match fields.as_slice() {
                [_, kind, size] => {
                    let size: usize = size
                        .parse()
                        .map_err(|_| format!("`git cat-file` said `{header}`"))?;
                    let body = output
                        .get(at..at + size)
                        .ok_or_else(|| "`git cat-file` stopped early".to_string())?
                        .to_vec();
                    at += size + 1;
                    texts.push((*kind == "blob").then_some(body));
                }
                _ => texts.push(None),
            }
        }
        Ok(texts)
    }
}
