//! PDF exporter (being written on the `pdf` branch).

use std::path::{Path, PathBuf};

use nianbao_core::{Diagnostic, Document};

/// Loaded fonts.
pub struct Fonts;

impl Fonts {
    /// Loads the fonts.
    pub fn load(
        _dir: &Path,
        _overrides: &[(String, PathBuf)],
    ) -> Result<Fonts, crate::ExportError> {
        Ok(Fonts)
    }
}

/// Finds the font folder.
pub fn find_font_dir(explicit: Option<&Path>) -> Result<PathBuf, crate::ExportError> {
    Ok(explicit.map_or_else(|| PathBuf::from("fonts"), Path::to_path_buf))
}

/// A rendered PDF.
pub struct PdfOutput {
    /// Bytes.
    pub bytes: Vec<u8>,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
}

/// Renders the PDF.
pub fn export(_doc: &Document, _fonts: &Fonts) -> Result<PdfOutput, crate::ExportError> {
    Err(crate::ExportError::new("PDF 导出尚未实现"))
}
