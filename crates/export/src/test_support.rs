//! What the exporters' tests share: the shipped fonts loaded once, the sample document, and
//! golden files of a readable projection (`UPDATE_GOLDEN=1` rewrites them).

use std::path::Path;
use std::sync::OnceLock;

use nianbao_core::document::{self, Document};
use nianbao_core::sample::sample_report;

use crate::fonts::{find_font_dir, Fonts};

/// The shipped fonts, loaded whole once per test binary.
pub fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let dir = find_font_dir(None).expect("font dir");
        Fonts::load(&dir, &[]).expect("fonts")
    })
}

/// The sample report as a document (not a draft).
pub fn sample() -> Document {
    document::build(&sample_report(), false)
}

/// Compares `got` with the golden file `tests/golden/<rel>` (written instead when
/// `UPDATE_GOLDEN` is set); `what` names what changed in the failure message.
pub fn assert_golden(rel: &str, got: &str, what: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(rel);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("golden folder")).expect("golden folder");
        std::fs::write(&path, got).expect("golden file written");
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_GOLDEN=1", path.display()));
    assert!(
        got == want,
        "{what} changed ({}); UPDATE_GOLDEN=1 to accept:\n{got}",
        path.display()
    );
}
