//! Which number key (`applications.new.natural`) each input cell of the official tables holds.
//!
//! Nothing here spells a position: the map is read off the pipeline itself, once. A template
//! report gets a different number in every key (written with the workbook round trip's
//! `set_numbers`), is loaded and laid out by `document::build`, and each input cell of the
//! document then names its key by its value. A change to the table layout in
//! `nianbao_core::format` or `document` moves the inputs of the page with it.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use nianbao_core::document::{CellContent, NumRole};
use nianbao_core::format::Kind;
use nianbao_core::load::{self, REPORT_FILE};
use nianbao_core::{document, template};
use nianbao_import::workbook;

/// Input keys by table (document order) and grid position (row, column).
pub type Keys = Vec<BTreeMap<(u8, u8), String>>;

/// The map, made on first use.
pub static KEYS: LazyLock<Keys> = LazyLock::new(probe);

fn probe() -> Keys {
    // A fixed, valid agency and year: the scaffold cannot refuse them.
    let files = template::scaffold("机关", 2024, Kind::Department).unwrap_or_default();
    let mut texts: Vec<(&str, &str)> = Vec::new();
    let mut toml = String::new();
    for (name, text) in &files {
        if *name == REPORT_FILE {
            toml.clone_from(text);
        } else {
            texts.push((name, text));
        }
    }
    let keys = workbook::keys();
    let values: Vec<String> = (1..=keys.len()).map(|i| i.to_string()).collect();
    let Ok(mut doc) = toml.parse::<toml_edit::DocumentMut>() else {
        return Vec::new();
    };
    workbook::set_numbers(
        &mut doc,
        keys.iter()
            .zip(&values)
            .map(|(k, v)| (k.as_str(), v.as_str())),
        true,
    );
    let loaded = load::load_str(&doc.to_string(), &texts);
    let Some(report) = loaded.report else {
        return Vec::new();
    };
    let doc = document::build(&report, false);
    doc.tables()
        .map(|t| {
            t.cells
                .iter()
                .filter_map(|c| match &c.content {
                    CellContent::Number {
                        value,
                        role: NumRole::Input,
                    } => {
                        let i: usize = value.display().parse().ok()?;
                        Some(((c.row, c.col), keys.get(i.checked_sub(1)?)?.clone()))
                    }
                    _ => None,
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every number key has exactly one input cell, and every input cell a key.
    #[test]
    fn every_key_has_one_cell() {
        let mut seen: Vec<&String> = KEYS.iter().flat_map(BTreeMap::values).collect();
        seen.sort();
        let all = workbook::keys();
        assert_eq!(seen, all.iter().collect::<Vec<_>>());
        assert_eq!(KEYS.len(), 3);
        let report = nianbao_core::sample::sample_report();
        let doc = document::build(&report, false);
        for (t, keys) in doc.tables().zip(KEYS.iter()) {
            let inputs = t
                .cells
                .iter()
                .filter(|c| {
                    matches!(
                        c.content,
                        CellContent::Number {
                            role: NumRole::Input,
                            ..
                        }
                    )
                })
                .count();
            assert_eq!(inputs, keys.len());
        }
        assert_eq!(KEYS[1][&(3, 3)], "applications.new.natural");
        assert_eq!(KEYS[0][&(13, 1)], "active.fee");
    }
}
