//! XLSX exporter (being written on the `xlsx` branch).

use nianbao_core::Document;

/// Renders the workbook of the statistical tables.
pub fn export(_doc: &Document) -> Result<Vec<u8>, crate::ExportError> {
    Err(crate::ExportError::new("XLSX 导出尚未实现"))
}
