//! The docs name what the code has: every check ID in `docs/format.md` §5 and in the registry
//! of `docs/architecture.md`, every prose part and font role in `docs/format.md`.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

use nianbao_core::format::PROSE_PARTS;
use nianbao_core::typography::Role;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `E-…`/`W-…` IDs at the start of a table row (`| E-TOML |`).
fn table_ids(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(' ').next())
        .filter(|id| id.starts_with("E-") || id.starts_with("W-"))
        .map(str::to_string)
        .collect()
}

/// Check IDs written as string literals in the non-test code of every crate.
fn code_ids() -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut stack = vec![root().join("crates")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if !matches!(name.as_str(), "tests" | "benches" | "target") {
                    stack.push(path);
                }
                continue;
            }
            if !name.ends_with(".rs") || name == "tests.rs" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Stop at the file's test module.
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
            // A quoted ID: `"E-…"` or `"W-…"` (found by its opening quote, so a `'"'` char
            // literal elsewhere in the file does not throw the pairing of quotes off).
            for (at, _) in code.match_indices('"') {
                let rest = &code[at + 1..];
                let Some(end) = rest.find('"') else { continue };
                let piece = &rest[..end];
                let id = piece.len() > 2
                    && (piece.starts_with("E-") || piece.starts_with("W-"))
                    && piece[2..]
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
                if id {
                    ids.insert(piece.to_string());
                }
            }
        }
    }
    ids
}

#[test]
fn every_check_id_is_documented_and_registered() {
    let code = code_ids();
    assert!(code.len() >= 29, "{code:?}");
    let format = read("docs/format.md");
    let section5 = &format[format.find("## 5.").expect("§5")..];
    assert_eq!(table_ids(section5), code, "docs/format.md §5");
    let arch = read("docs/architecture.md");
    let registry = &arch[arch.find("## Check registry").expect("registry")..];
    assert_eq!(table_ids(registry), code, "docs/architecture.md registry");
}

#[test]
fn prose_parts_and_font_roles_are_documented() {
    let format = read("docs/format.md");
    for p in &PROSE_PARTS {
        let row = format
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", p.key)))
            .unwrap_or_else(|| panic!("docs/format.md has no row for [prose] {}", p.key));
        let required = if p.required { "是 yes" } else { "否 no" };
        assert!(row.contains(required), "{}: {row}", p.key);
        assert!(format.contains(p.file), "{}", p.file);
    }
    for role in Role::ALL {
        assert!(
            format.contains(&format!("| `{}` |", role.key())),
            "docs/format.md has no row for the font role {}",
            role.key()
        );
    }
}
