//! Repository rules that are cheap to check and easy to forget.

use std::{fs, path::Path};

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_crate_is_in_the_architecture_code_map() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let architecture = fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    for entry in fs::read_dir(root.join("crates")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            architecture.contains(&format!("### crates/{name} ")),
            "ARCHITECTURE.md has no `### crates/{name}` section"
        );
    }
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    rust_files(&root.join("tests"), &mut files);
    let missing: Vec<_> = files
        .iter()
        .filter(|f| !fs::read_to_string(f).unwrap().trim_start().starts_with("//!"))
        .filter(|f| !f.components().any(|c| c.as_os_str() == "node_modules"))
        .collect();
    assert!(missing.is_empty(), "files without a leading `//!` doc: {missing:?}");
}

#[test]
fn no_should_panic_or_ignored_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    for f in files {
        let text = fs::read_to_string(&f).unwrap();
        for banned in ["#[should_panic", "#[ignore"] {
            assert!(!text.contains(banned), "{} uses {banned}]", f.display());
        }
    }
}
