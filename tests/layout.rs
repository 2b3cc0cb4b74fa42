//! The maps of the project stay true: `src/README.md` names every source file and nothing
//! else, and every path in the README's "Project layout" exists.

use std::path::Path;

fn sources(dir: &Path, base: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, base, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(base).unwrap();
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn src_readme_names_every_source_file_and_only_those() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let map = std::fs::read_to_string(root.join("src/README.md")).unwrap();
    let mut files = Vec::new();
    sources(&root.join("src"), &root.join("src"), &mut files);
    for f in &files {
        assert!(
            map.contains(&format!("`{f}`")),
            "src/README.md does not name {f}"
        );
    }
    for line in map.lines().filter(|l| l.starts_with("| `")) {
        let named = line[3..].split('`').next().unwrap();
        assert!(
            files.iter().any(|f| f == named),
            "src/README.md names {named}, which does not exist"
        );
    }
}

#[test]
fn every_path_in_the_readme_layout_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = readme
        .split("## Project layout")
        .nth(1)
        .expect("a Project layout section");
    let block = section.split("```").nth(1).expect("a layout block");
    let mut seen = 0;
    for line in block.lines() {
        let Some(path) = line.split_whitespace().next() else {
            continue;
        };
        if path.contains('/') || path.contains('.') {
            assert!(
                root.join(path).exists(),
                "README layout names {path}, which does not exist"
            );
            seen += 1;
        }
    }
    assert!(
        seen > 5,
        "the layout block lists the project's folders and files"
    );
}

#[test]
fn the_readme_library_example_is_tests_readme_rs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let after = readme
        .split("This is `tests/readme.rs`:")
        .nth(1)
        .expect("the library section names tests/readme.rs");
    let block = after
        .split("```rust\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let test = std::fs::read_to_string(root.join("tests/readme.rs")).unwrap();
    let code = &test[test.find("use ").unwrap()..];
    assert_eq!(
        block, code,
        "README.md's library example and tests/readme.rs differ"
    );
}
