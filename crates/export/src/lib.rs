//! nianbao-export: plain functions from the format-neutral [`nianbao_core::Document`] to the
//! bytes of a DOCX, a PDF or an XLSX. Exporters never see the report's sources and never spell
//! an official label themselves; the pipeline in `nianbao-watch` owns all file I/O.

pub mod docx;
pub mod fonts;
pub mod layout;
pub mod pdf;
pub mod xlsx;

use std::fmt;

/// An exporter failure (never a user-data problem: those are diagnostics found earlier).
#[derive(Debug)]
pub struct ExportError {
    /// What went wrong, in Chinese.
    pub message: String,
}

impl ExportError {
    /// An error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        ExportError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExportError {}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Word document.
    Docx,
    /// PDF with embedded fonts.
    Pdf,
    /// Workbook of the statistical tables.
    Xlsx,
}

impl Format {
    /// All formats in output order.
    pub const ALL: [Format; 3] = [Format::Docx, Format::Pdf, Format::Xlsx];

    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
        }
    }
}
