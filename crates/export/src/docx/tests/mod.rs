//! Tests: read the produced package back and check it.

use nianbao_core::document::{self, Document};
use nianbao_core::sample::sample_report;

use super::export;

fn sample() -> Document {
    document::build(&sample_report(), false)
}

/// Writes the sample's DOCX (plain and draft) to `$NIANBAO_DUMP_DIR` for
/// `scripts/interop-docx.sh`.
#[test]
#[ignore = "writes files; run with NIANBAO_DUMP_DIR set"]
fn dump() {
    let dir = std::env::var("NIANBAO_DUMP_DIR").expect("NIANBAO_DUMP_DIR");
    std::fs::create_dir_all(&dir).unwrap();
    let doc = sample();
    std::fs::write(format!("{dir}/sample.docx"), export(&doc).unwrap()).unwrap();
    let draft = document::build(&sample_report(), true);
    std::fs::write(format!("{dir}/sample-draft.docx"), export(&draft).unwrap()).unwrap();
}
