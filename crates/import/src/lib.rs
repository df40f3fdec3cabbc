//! nianbao-import: start from what the clerk already has.
//!
//! - [`import`] reads last year's published report — a Word file, a workbook, a portal page
//!   saved from the browser, or text copied from a PDF or web page — into an [`Imported`]
//!   report, and [`output::files`] turns that into a source folder (`report.toml`, one
//!   Markdown file per section, `IMPORT.md` saying what was found where and what was not).
//! - [`workbook`] reads nianbao's own XLSX back after the clerk edited its number cells, and
//!   writes the changed numbers into `report.toml` keeping its comments and layout.
//! - [`next_year`] makes next year's scaffold from last year's report.
//!
//! Every entry point is a pure function over bytes or text: no file system, no printing, and
//! no panic on any input (the readers of foreign formats run behind `catch_unwind`, since a
//! third-party parser's panic must not take the build down).

#![forbid(unsafe_code)]

pub mod docx;
pub mod flow;
pub mod html;
pub mod next_year;
pub mod norm;
pub mod output;
mod recognize;
pub mod tables;
pub mod text;
pub mod workbook;
pub mod xlsx;

use nianbao_core::format::Kind;
use nianbao_core::model::Date;

pub use recognize::{heading_like, is_title, numbered_heading, section_of};

/// The kind of file imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A Word document.
    Docx,
    /// An Excel/WPS workbook.
    Xlsx,
    /// A web page.
    Html,
    /// Plain text.
    Text,
}

impl SourceKind {
    /// Chinese name for messages.
    pub fn chinese(self) -> &'static str {
        match self {
            SourceKind::Docx => "Word 文档（DOCX）",
            SourceKind::Xlsx => "Excel 工作簿（XLSX）",
            SourceKind::Html => "网页（HTML）",
            SourceKind::Text => "纯文本",
        }
    }
}

/// A value read from the file, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Found<T> {
    /// The value.
    pub value: T,
    /// Where it was found (or, for a guess, why).
    pub at: String,
}

/// The signature block found at the end.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    /// The signing agency line, if there was one above the date.
    pub agency: Option<String>,
    /// The date.
    pub date: Date,
    /// Where it was found.
    pub at: String,
}

/// The 版记 found after the signature: its 抄送 line and 印发 line.
#[derive(Clone, Debug, PartialEq)]
pub struct Imprint {
    /// 抄送机关 in order (empty when there is no 抄送 line).
    pub cc: Vec<String>,
    /// 印发机关, if the 印发 line names one.
    pub printer: Option<String>,
    /// 印发日期, if the 印发 line has one.
    pub date: Option<Date>,
    /// Where it was found.
    pub at: String,
}

/// The prose of one part of the report.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// The `[prose]` key: `opening`, `overview`, `active`, …
    pub key: &'static str,
    /// Paragraphs in order.
    pub paras: Vec<flow::Para>,
    /// Where the section's heading was found (None for the opening, or when not found).
    pub heading_at: Option<String>,
}

impl Part {
    /// The format's definition of this part (its file name, section, whether required).
    pub fn def(&self) -> &'static nianbao_core::format::ProsePart {
        nianbao_core::format::PROSE_PARTS
            .iter()
            .find(|p| p.key == self.key)
            .unwrap_or(&nianbao_core::format::PROSE_PARTS[0])
    }
}

/// A report read from a file that is not nianbao's sources.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// What kind of file it was.
    pub source: SourceKind,
    /// Its name, for `IMPORT.md`.
    pub file_name: String,
    /// The agency, from the title.
    pub agency: Option<Found<String>>,
    /// The report year, from the title.
    pub year: Option<Found<i32>>,
    /// The kind of agency guessed from its name (`at` says why).
    pub kind: Found<Kind>,
    /// The publication date: the signature's date, or a portal page's 发布时间.
    pub published: Option<Found<Date>>,
    /// The signature block.
    pub signature: Option<Signature>,
    /// The 版记, if the file has one.
    pub imprint: Option<Imprint>,
    /// The seven prose parts in [`nianbao_core::format::PROSE_PARTS`] order.
    pub parts: Vec<Part>,
    /// The numbers of the three tables.
    pub tables: tables::Tables,
    /// What the readers and the recogniser noticed, in Chinese.
    pub notes: Vec<String>,
}

/// Why a file could not be imported at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// A Chinese message.
    pub message: String,
}

impl ImportError {
    fn new(message: impl Into<String>) -> Self {
        ImportError {
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ImportError {}

/// Largest file accepted (a published report is well under 10 MB; anything far larger is not
/// one, and would only cost memory).
pub const MAX_BYTES: usize = 64 << 20;

/// What `bytes` is: a zip with `word/document.xml` is DOCX, with `xl/workbook.xml` XLSX;
/// markup that starts with `<` and has `<html`, `<table` or `<p` is HTML; anything else text.
pub fn sniff(bytes: &[u8]) -> Option<SourceKind> {
    if bytes.starts_with(b"PK\x03\x04") {
        let names = zip_names(bytes);
        if names.iter().any(|n| n == "word/document.xml") {
            return Some(SourceKind::Docx);
        }
        if names.iter().any(|n| n == "xl/workbook.xml") {
            return Some(SourceKind::Xlsx);
        }
        return None;
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        // An old binary .doc/.xls: not readable here.
        return None;
    }
    let (text, _) = text::decode(&bytes[..bytes.len().min(4096)]);
    let head = text.trim_start().to_ascii_lowercase();
    if head.starts_with('<')
        && (head.contains("<html") || head.contains("<table") || head.contains("<p"))
    {
        return Some(SourceKind::Html);
    }
    Some(SourceKind::Text)
}

fn zip_names(bytes: &[u8]) -> Vec<String> {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map(|z| {
            z.file_names()
                .filter_map(Result::ok)
                .map(|n| n.to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Imports a published report from the bytes of a file named `file_name`.
pub fn import(bytes: &[u8], file_name: &str) -> Result<Imported, ImportError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImportError::new(format!(
            "文件过大（{} MB），不像是一份年度报告",
            bytes.len() >> 20
        )));
    }
    let kind = sniff(bytes).ok_or_else(|| {
        ImportError::new(
            "无法识别文件格式：只能导入 DOCX、XLSX、HTML 网页和纯文本（旧版 .doc/.xls 请先另存为 .docx/.xlsx）",
        )
    })?;
    let flow = guarded(|| match kind {
        SourceKind::Docx => docx::read(bytes),
        SourceKind::Xlsx => xlsx::read(bytes),
        SourceKind::Html => Ok(html::read(bytes)),
        SourceKind::Text => Ok(text::read(bytes)),
    })??;
    Ok(recognize::recognize(flow, kind, file_name))
}

/// Runs a reader, turning a panic inside a third-party parser into an error.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, ImportError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .map_err(|_| ImportError::new("读取文件时解析器意外中止：文件可能已损坏"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"<!DOCTYPE html><html>"), Some(SourceKind::Html));
        assert_eq!(sniff("一、总体情况".as_bytes()), Some(SourceKind::Text));
        assert_eq!(sniff(b"PK\x03\x04garbage"), None);
        assert_eq!(sniff(b"\xD0\xCF\x11\xE0rest"), None);
    }

    #[test]
    fn garbage_never_panics() {
        for bytes in [
            &b""[..],
            b"PK\x03\x04",
            b"<html><table><tr><td rowspan=99999 colspan=99999>x",
            b"\xff\xfe\x00",
            "\u{c}\u{c}第二十条第（一）项\n规章 1 2 3\n".as_bytes(),
        ] {
            let _ = import(bytes, "x");
        }
    }
}
