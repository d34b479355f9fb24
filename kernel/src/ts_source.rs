//! Test support: the TypeScript half of a contract between the two languages, read as text.
//!
//! Files are found by what they declare, not by path, so moving them inside `kernel/ts` breaks no test.

use std::path::{Path, PathBuf};

/// The one `.ts` file under `kernel/ts` containing `marker`, as (path from the crate, source).
pub(crate) fn declaring(marker: &str) -> (String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    let mut dirs = vec![root.join("ts")];
    while let Some(dir) = dirs.pop() {
        for entry in
            std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|ext| ext == "ts") {
                let source = std::fs::read_to_string(&path).unwrap();
                if source.contains(marker) {
                    found.push((
                        path.strip_prefix(root).unwrap().display().to_string(),
                        source,
                    ));
                }
            }
        }
    }
    let paths: Vec<&String> = found.iter().map(|f| &f.0).collect();
    assert_eq!(
        paths.len(),
        1,
        "expected one file under kernel/ts declaring {marker:?}, found {paths:?}"
    );
    found.pop().unwrap()
}

/// The value of `export const <name> = <integer>` in `source`.
pub(crate) fn const_number(source: &str, name: &str) -> Option<i64> {
    let declaration = format!("export const {name} = ");
    let rest = &source[source.find(&declaration)? + declaration.len()..];
    let end = rest
        .find(|c: char| !(c == '-' || c.is_ascii_digit()))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}
