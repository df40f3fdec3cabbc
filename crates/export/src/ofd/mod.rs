//! OFD exporter (GB/T 33190-2016): the page list of [`crate::layout`] as an OFD package, the
//! national fixed-layout format that 电子公文 and 电子档案 systems take.
//!
//! The same positioned glyph runs and rules as the PDF, serialised as GB/T 33190 parts
//! (`parts`): `OFD.xml` (DocInfo dated from the report), `Doc_0/Document.xml`
//! (CommonData in schema order), `Doc_0/PublicRes.xml` (fonts and the draw parameters of
//! emboldened text), one `Doc_0/Pages/Page_N/Content.xml` per page — a `TextObject` per glyph
//! run (a line, unless it mixes faces), its `TextCode` holding the Unicode text with the pen
//! advances as `DeltaX` in millimetres, a `PathObject` per rule — and each face used as a
//! standalone OpenType subset under `Doc_0/Res/` (`otf`). Nothing is measured again here.
//!
//! `DocType` is `OFD`: the 2016 schema fixes it (`fixed="OFD"`), and a file claiming the
//! archival profile OFD-A (GB/T 42133-2022) would fail that schema while we have no validator
//! for the profile's other rules; see `docs/format.md` (OFD).
//!
//! Identical input and fonts give identical bytes: IDs are numbered in page order, the
//! `DocID` is a name-based UUID of the report's title, dates come from the report, and the
//! zip entries carry that date.

mod otf;
mod parts;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

use nianbao_core::{Diagnostic, Document};

use crate::fonts::Fonts;
use crate::ExportError;

/// The bytes of an OFD package and what the reader should know about it.
#[derive(Debug)]
pub struct OfdOutput {
    /// The `.ofd` file (a zip container).
    pub bytes: Vec<u8>,
    /// Warnings (`W-GLYPH`: a character no configured font has; it is left out).
    pub warnings: Vec<Diagnostic>,
}

/// Renders `doc` as an OFD. Identical input and fonts give identical bytes.
pub fn export(doc: &Document, fonts: &Fonts) -> Result<OfdOutput, ExportError> {
    let faces = fonts.parse()?;
    let laid = crate::layout::lay_out(doc, &faces);
    faces.complete()?;
    let bytes = parts::write(&laid.pages, &faces, doc)?;
    faces.complete()?;
    Ok(OfdOutput {
        bytes,
        warnings: laid.warnings,
    })
}
