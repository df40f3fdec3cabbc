//! DOCX exporter (being written on the `docx` branch).

use nianbao_core::Document;

/// Renders the official-format Word document.
pub fn export(_doc: &Document) -> Result<Vec<u8>, crate::ExportError> {
    Err(crate::ExportError::new("DOCX 导出尚未实现"))
}
