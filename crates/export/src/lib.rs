//! nianbao-export: plain functions from the format-neutral [`nianbao_core::Document`] to the
//! bytes of a DOCX, a PDF or an XLSX. Exporters never see the report's sources and never spell
//! an official label themselves; the pipeline in `nianbao-watch` owns all file I/O.

pub mod docx;
pub mod fonts;
pub mod layout;
pub mod pdf;
pub mod xlsx;
mod zip_host;

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

/// An output format: the one list the pipeline, the CLI (`--format`) and CI derive theirs from.
///
/// Every `match` on it is exhaustive (no wildcard arm), so a new variant does not compile
/// until each place handles it; `docs/architecture.md` lists those places.
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
    /// All formats in output order (a new variant goes here too: [`Format::position`] names
    /// it, and a check at compile time keeps the two in the same order).
    pub const ALL: [Format; 3] = [Format::Docx, Format::Pdf, Format::Xlsx];

    /// Index in [`Format::ALL`].
    pub const fn position(self) -> usize {
        match self {
            Format::Docx => 0,
            Format::Pdf => 1,
            Format::Xlsx => 2,
        }
    }

    /// File extension, also the format's name on the command line and in CI.
    pub const fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
        }
    }

    /// Whether the format is laid out with the fonts (the page list), and so needs them
    /// loaded and is worth a thread of its own.
    pub const fn uses_fonts(self) -> bool {
        match self {
            Format::Docx | Format::Xlsx => false,
            Format::Pdf => true,
        }
    }

    /// The format with extension `ext`.
    pub fn from_extension(ext: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == ext)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

// `ALL` is in `position` order, each variant once.
const _: () = {
    let mut i = 0;
    while i < Format::ALL.len() {
        assert!(Format::ALL[i].position() == i);
        i += 1;
    }
};
