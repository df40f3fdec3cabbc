//! The page layout (line breaking, 禁则, tables, pagination, glyph fallback) over arbitrary
//! prose: the bytes are the overview section (decoded lossily) of a fixed clean report,
//! laid out with the shipped fonts.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nianbao_core::{document, load};
use nianbao_export::{fonts, layout};

const REPORT: &str = include_str!("../../tests/broken/clean/report.toml");
const OPENING: &str = include_str!("../../tests/broken/clean/opening.md");
const PROBLEMS: &str = include_str!("../../tests/broken/clean/problems.md");
const OTHER: &str = include_str!("../../tests/broken/clean/other.md");

fn fonts() -> &'static fonts::Fonts {
    static FONTS: OnceLock<fonts::Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let dir = fonts::find_font_dir(None).expect("fonts/ with fonts.toml");
        fonts::Fonts::load(&dir, &[]).expect("the shipped fonts")
    })
}

fuzz_target!(|data: &[u8]| {
    let overview = String::from_utf8_lossy(data);
    let files = [
        ("opening.md", OPENING),
        ("overview.md", overview.as_ref()),
        ("problems.md", PROBLEMS),
        ("other.md", OTHER),
    ];
    let mut loaded = load::load_str(REPORT, &files);
    nianbao_core::finish(&mut loaded);
    let Some(report) = &loaded.report else {
        return;
    };
    let doc = document::build(report, true);
    let laid = layout::layout(&doc, fonts()).expect("the shipped fonts parse");
    assert!(!laid.pages.is_empty());
});
