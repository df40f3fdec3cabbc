//! nianbao-export: plain functions from the format-neutral [`nianbao_core::Document`] to the
//! bytes of a DOCX, a PDF (PDF/A-2b), an OFD, an XLSX or the portal's HTML. Exporters never see the report's sources and never spell
//! an official label themselves; the pipeline in `nianbao-watch` owns all file I/O.

#![forbid(unsafe_code)]

mod cff;
mod container;
pub mod docx;
pub mod fonts;
pub mod html;
pub mod layout;
mod num;
pub mod ofd;
pub mod pdf;
mod recall;
pub mod summary;
#[cfg(test)]
mod test_support;
pub mod xlsx;
mod xml;
mod zip_host;

use std::fmt;

/// An exporter failure (never a user-data problem: those are diagnostics found earlier).
#[derive(Debug)]
pub struct ExportError {
    /// What went wrong, in Chinese.
    pub message: String,
    /// The fonts were loaded lean ([`fonts::Fonts::load_lean`], [`fonts::Fonts::load_for`])
    /// and a glyph program could not be read from the same file since (or an outline was
    /// needed that was not read): load them whole and export again.
    pub fonts_incomplete: bool,
}

impl ExportError {
    /// An error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        ExportError {
            message: message.into(),
            fonts_incomplete: false,
        }
    }

    /// A glyph was needed whose program was not read.
    pub fn fonts_incomplete() -> Self {
        ExportError {
            message: "字体只读入了部分字形，需完整读入后重新生成".into(),
            fonts_incomplete: true,
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
    /// PDF/A-2b with embedded fonts: the portal's download and the archive's copy.
    Pdf,
    /// OFD (GB/T 33190) with embedded fonts, from the same page list as the PDF.
    Ofd,
    /// Workbook of the statistical tables.
    Xlsx,
    /// The portal's HTML: the complete page and the CMS fragment.
    Html,
}

impl Format {
    /// All formats in output order (a new variant goes here too: [`Format::position`] names
    /// it, and a check at compile time keeps the two in the same order).
    pub const ALL: [Format; 5] = [
        Format::Docx,
        Format::Pdf,
        Format::Ofd,
        Format::Xlsx,
        Format::Html,
    ];

    /// Index in [`Format::ALL`].
    pub const fn position(self) -> usize {
        match self {
            Format::Docx => 0,
            Format::Pdf => 1,
            Format::Ofd => 2,
            Format::Xlsx => 3,
            Format::Html => 4,
        }
    }

    /// File extension, also the format's name on the command line and in CI.
    pub const fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Ofd => "ofd",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
        }
    }

    /// The files the format writes, as what follows the report's file name: one file per
    /// format, two for HTML (the page, and the fragment for a CMS editor).
    pub const fn files(self) -> &'static [&'static str] {
        match self {
            Format::Docx => &[".docx"],
            Format::Pdf => &[".pdf"],
            Format::Ofd => &[".ofd"],
            Format::Xlsx => &[".xlsx"],
            Format::Html => &[".html", ".fragment.html"],
        }
    }

    /// Whether the format is laid out with the fonts (the page list), and so needs them
    /// loaded and is worth a thread of its own.
    pub const fn uses_fonts(self) -> bool {
        match self {
            Format::Docx | Format::Xlsx | Format::Html => false,
            Format::Pdf | Format::Ofd => true,
        }
    }

    /// Whether a build makes it when no formats are named. The OFD is opt-in: most agencies
    /// publish DOCX, PDF, XLSX and the portal's HTML, and only those whose 公文 or archive systems take OFD
    /// need it (`--format ofd`); it would add a second font subset and ~0.2 MB per build.
    pub const fn by_default(self) -> bool {
        match self {
            Format::Docx | Format::Pdf | Format::Xlsx | Format::Html => true,
            Format::Ofd => false,
        }
    }

    /// The formats a build makes when none are named, in [`Format::ALL`] order.
    pub fn defaults() -> Vec<Format> {
        Format::ALL.into_iter().filter(|f| f.by_default()).collect()
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
