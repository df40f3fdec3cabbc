//! nianbao-core: the report model of a 政府信息公开工作年度报告, loading it from TOML and
//! Markdown with source spans, every check of the national format, diagnostics, and the
//! format-neutral document that the exporters render.
//!
//! Data flows one way: source files → [`load::load`] → [`model::Report`] →
//! [`check::check`] (diagnostics) → [`document::build`] → exporters.

#![forbid(unsafe_code)]

pub mod batch;
pub mod check;
pub mod claims;
pub mod diag;
pub mod document;
pub mod format;
pub mod input;
pub mod load;
pub mod model;
pub mod prose;
pub mod rollup;
pub mod sample;
pub mod source;
pub mod suggest;
pub mod template;
mod toml_syntax;
pub mod typography;

pub use diag::{Diagnostic, Severity};
pub use document::Document;
pub use model::Report;
pub use source::{SourceMap, Span};

/// Loads the report at `path` (a folder or its `report.toml`) and runs every check.
///
/// The returned diagnostics hold the loader's and the checks' findings together, sorted by
/// position.
pub fn load_and_check(path: &std::path::Path) -> load::Loaded {
    let mut loaded = load::load(path);
    finish(&mut loaded);
    loaded
}

/// Runs the checks on an already loaded report, sorts all diagnostics and caps repeated
/// ones ([`diag::cap`]).
pub fn finish(loaded: &mut load::Loaded) {
    if let Some(report) = &loaded.report {
        let found = check::check(report);
        loaded.diagnostics.extend(found);
    }
    diag::sort(&mut loaded.diagnostics);
    diag::cap(&mut loaded.diagnostics, &loaded.sources);
}
