//! PDF exporter: the page list of [`crate::layout`] as a PDF with embedded subset CJK fonts.
//!
//! This module only serialises: `writer` subsets the fonts used (our CID-keyed CFF
//! subsetter in `cff`, `subsetter` for anything else), writes ToUnicode maps, the page
//! contents (`content`) and reproducible metadata. Nothing is measured again here.
//!
//! Fonts are read from disk at run time ([`Fonts::load`], found with [`crate::fonts::find_font_dir`]) and
//! parsed zero-copy per export; the Fandol faces are GPL with the font exception and must
//! never be compiled into the binary.

mod content;
mod pdfa;
mod writer;

#[cfg(test)]
mod tests;

use nianbao_core::{Diagnostic, Document};

use crate::fonts::Fonts;
use crate::ExportError;

/// The bytes of a PDF and what the reader should know about it.
#[derive(Debug)]
pub struct PdfOutput {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// Warnings (`W-GLYPH`: a character no configured font has; it is left out).
    pub warnings: Vec<Diagnostic>,
}

/// For `fuzz/fuzz_targets/cff.rs` only: runs the CID-keyed CFF subsetter on arbitrary bytes
/// (a glyph count, glyph ids, a bare CFF table; see `cff::fuzz`). Not part of the API.
#[doc(hidden)]
pub fn fuzz_cff_subset(data: &[u8]) {
    crate::cff::fuzz(data);
}

/// Renders `doc` as a PDF. Identical input and fonts give identical bytes.
pub fn export(doc: &Document, fonts: &Fonts) -> Result<PdfOutput, ExportError> {
    let faces = fonts.parse()?;
    let laid = crate::layout::lay_out(doc, &faces);
    faces.complete()?;
    let bytes = writer::write(&laid.pages, &faces, doc)?;
    faces.complete()?;
    Ok(PdfOutput {
        bytes,
        warnings: laid.warnings,
    })
}
