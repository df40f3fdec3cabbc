//! nianbao-core: the report model of a 政府信息公开工作年度报告, loading it from TOML and
//! Markdown with source spans, every check of the national format, diagnostics, and the
//! format-neutral document that the exporters render.
//!
//! Data flows one way: source files → [`load::load`] → [`model::Report`] →
//! [`check::check`] (diagnostics) → [`document::build`] → exporters.

pub mod diag;
pub mod document;
pub mod format;
pub mod load;
pub mod model;
pub mod prose;
pub mod sample;
pub mod source;

pub use diag::{Diagnostic, Severity};
pub use document::Document;
pub use model::Report;
pub use source::{SourceMap, Span};
