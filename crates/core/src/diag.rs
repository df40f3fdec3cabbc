//! Diagnostics: values describing a problem in a report, and their rendering.
//!
//! Checks never print; they return [`Diagnostic`]s. Rendering lives here as a pure function
//! so the CLI, the watch loop and the golden tests share one format.

use std::fmt::Write as _;

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::source::{SourceMap, Span};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Makes the report unfit to publish.
    Error,
    /// Needs a human look.
    Warning,
    /// A finding the report itself explains (e.g. W-STOCK with a stated clean-up): shown, not
    /// counted as a warning.
    Note,
}

/// One finding, with where it is and what to do about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable check ID, e.g. `E-T3-BALANCE`.
    pub id: &'static str,
    /// Message in Chinese naming the table, row, column and numbers involved.
    pub message: String,
    /// Where in the sources (None only for findings that have no source, e.g. a missing folder).
    pub span: Option<Span>,
    /// What to do about it.
    pub hints: Vec<String>,
}

impl Diagnostic {
    /// A new error.
    pub fn error(id: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, id, message)
    }

    /// A new warning.
    pub fn warning(id: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, id, message)
    }

    /// A new note.
    pub fn note(id: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, id, message)
    }

    fn new(severity: Severity, id: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            id,
            message: message.into(),
            span: None,
            hints: Vec::new(),
        }
    }

    /// Attaches a location.
    pub fn at(mut self, span: impl Into<Option<Span>>) -> Self {
        self.span = span.into();
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}

/// Counts of errors and warnings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings (notes are not counted).
    pub warnings: usize,
}

/// Counts the errors and warnings in `diags`.
pub fn count(diags: &[Diagnostic]) -> Counts {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    Counts { errors, warnings }
}

/// Sorts diagnostics into a stable reading order: by file, position, then ID.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let ka = a.span.as_ref().map(|s| (s.file, s.range.start));
        let kb = b.span.as_ref().map(|s| (s.file, s.range.start));
        ka.cmp(&kb)
            .then(a.severity.cmp(&b.severity))
            .then(a.id.cmp(b.id))
            .then(a.message.cmp(&b.message))
    });
}

/// Diagnostic in the shape printed by `--format json`.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    /// "error", "warning" or "note".
    pub severity: Severity,
    /// Stable check ID.
    pub id: &'static str,
    /// Chinese message.
    pub message: &'a str,
    /// File path, if located.
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column (characters).
    pub column: Option<usize>,
    /// 1-based end line.
    pub end_line: Option<usize>,
    /// 1-based end column (characters, exclusive).
    pub end_column: Option<usize>,
    /// Hints.
    pub hints: &'a [String],
}

/// Converts diagnostics to the JSON view (resolving line/column through `sources`).
pub fn to_json<'a>(diags: &'a [Diagnostic], sources: &SourceMap) -> Vec<JsonDiagnostic<'a>> {
    diags
        .iter()
        .map(|d| {
            let loc = d.span.as_ref().map(|s| {
                let f = sources.get(s.file);
                (
                    f.path.display().to_string(),
                    f.line_col(s.range.start),
                    f.line_col(s.range.end),
                )
            });
            JsonDiagnostic {
                severity: d.severity,
                id: d.id,
                message: &d.message,
                file: loc.as_ref().map(|l| l.0.clone()),
                line: loc.as_ref().map(|l| l.1.line),
                column: loc.as_ref().map(|l| l.1.col),
                end_line: loc.as_ref().map(|l| l.2.line),
                end_column: loc.as_ref().map(|l| l.2.col),
                hints: &d.hints,
            }
        })
        .collect()
}

/// Renders diagnostics for a terminal, rustc-style, with a source snippet and caret line.
///
/// `color` adds ANSI colours (the CLI passes true only when stdout is a terminal).
pub fn render(diags: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let mut out = String::new();
    for d in diags {
        render_one(&mut out, d, sources, color);
        out.push('\n');
    }
    out
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn render_one(out: &mut String, d: &Diagnostic, sources: &SourceMap, color: bool) {
    let (word, code) = match d.severity {
        Severity::Error => ("错误", "1;31"),
        Severity::Warning => ("警告", "1;33"),
        Severity::Note => ("说明", "1;36"),
    };
    let _ = writeln!(
        out,
        "{}{}",
        paint(color, code, &format!("{word}[{}]", d.id)),
        paint(color, "1", &format!("：{}", d.message))
    );
    if let Some(span) = &d.span {
        let file = sources.get(span.file);
        let start = file.line_col(span.range.start);
        let end = file.line_col(span.range.end);
        let gutter = start.line.to_string().len();
        let pad = " ".repeat(gutter);
        let blue = |s: &str| paint(color, "1;34", s);
        let _ = writeln!(
            out,
            "{pad}{} {}:{}:{}",
            blue("-->"),
            file.path.display(),
            start.line,
            start.col
        );
        let line = file.line_text(start.line);
        let _ = writeln!(out, "{pad} {}", blue("|"));
        let _ = writeln!(
            out,
            "{} {} {}",
            blue(&start.line.to_string()),
            blue("|"),
            line
        );
        let before: String = line.chars().take(start.col - 1).collect();
        let marked: String = if end.line == start.line && end.col > start.col {
            line.chars()
                .skip(start.col - 1)
                .take(end.col - start.col)
                .collect()
        } else if end.line > start.line {
            line.chars().skip(start.col - 1).collect()
        } else {
            String::new()
        };
        let width = UnicodeWidthStr::width(marked.as_str()).max(1);
        let _ = writeln!(
            out,
            "{pad} {} {}{}",
            blue("|"),
            " ".repeat(UnicodeWidthStr::width(before.as_str())),
            paint(color, code, &"^".repeat(width))
        );
        for h in &d.hints {
            let _ = writeln!(out, "{pad} {} 提示：{h}", blue("="));
        }
    } else {
        for h in &d.hints {
            let _ = writeln!(out, "  = 提示：{h}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_snippet_with_wide_characters() {
        let mut sources = SourceMap::new();
        let f = sources.add("r.toml".into(), "agency = \"某局\"\nyear = x\n".into());
        let d = Diagnostic::error("E-TYPE", "类型错误")
            .at(Span::new(f, 25..26))
            .hint("写数字");
        let text = render(&[d], &sources, false);
        assert_eq!(
            text,
            "错误[E-TYPE]：类型错误\n --> r.toml:2:8\n  |\n2 | year = x\n  |        ^\n  = 提示：写数字\n\n"
        );
    }
}
