//! The VS Code extension in `editors/vscode`: its TextMate grammar, tokenized by
//! vscode-textmate and vscode-oniguruma (VS Code's own engine) over the bundled policies,
//! gives the scopes of the snapshots in `editors/vscode/test/snapshots`; its client loads;
//! and it packages into a `.vsix`. The Node packages come from `npm ci` in that folder
//! (`.ci/run` runs it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn extension() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode");
    assert!(
        dir.join("node_modules/vscode-textmate").is_dir(),
        "the extension's Node packages are installed: run `npm ci` in editors/vscode (`.ci/run` does)"
    );
    dir
}

fn run(program: impl AsRef<std::ffi::OsStr>, args: &[&str], dir: &Path) -> Output {
    let out = Command::new(&program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{:?} runs (Node is installed): {e}", program.as_ref()));
    assert!(
        out.status.success(),
        "{:?} {args:?} failed:\n{}\n{}",
        program.as_ref(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn the_grammar_gives_the_snapshots_scopes_on_every_bundled_policy() {
    let dir = extension();
    let out = run("node", &["test/grammar.js"], &dir);
    let said = String::from_utf8_lossy(&out.stdout);
    let policies = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("policies"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "policy"))
        })
        .count();
    assert_eq!(said.matches("ok policies/").count(), policies, "{said}");
}

#[test]
fn the_client_loads_and_starts_deontic_lsp() {
    let out = run("node", &["test/load.js"], &extension());
    assert!(String::from_utf8_lossy(&out.stdout).contains("starts `deontic lsp`"));
}

#[test]
fn the_extension_packages_into_a_vsix() {
    let dir = extension();
    let tmp = tempfile::tempdir().unwrap();
    let vsix = tmp.path().join("deontic.vsix");
    let vsce = dir.join("node_modules/.bin/vsce");
    let target = vsix.to_str().unwrap();
    run(
        &vsce,
        &["package", "--allow-missing-repository", "--out", target],
        &dir,
    );
    let bytes = std::fs::read(&vsix).expect("vsce wrote the package");
    assert!(bytes.starts_with(b"PK"), "a .vsix is a zip archive");
    // A zip archive lists its files' names as they are.
    let has = |name: &str| bytes.windows(name.len()).any(|w| w == name.as_bytes());
    for name in [
        "extension/package.json",
        "extension/extension.js",
        "extension/language-configuration.json",
        "extension/syntaxes/policy.tmLanguage.json",
        "extension/node_modules/vscode-languageclient/package.json",
    ] {
        assert!(has(name), "the package holds {name}");
    }
    for name in ["extension/test/", "extension/node_modules/@vscode/vsce"] {
        assert!(!has(name), "the package leaves out {name}");
    }
}
