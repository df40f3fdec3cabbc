//! Diagnostics: values describing a problem in a report, and their rendering.
//!
//! Checks never print; they return [`Diagnostic`]s. Rendering lives here as a pure function
//! so the CLI, the watch loop and the golden tests share one format.

use std::fmt::Write as _;

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::source::{FileId, SourceMap, Span};

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
    /// How many further findings like this one it stands for (set by [`cap`]; 0 otherwise).
    pub more: usize,
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
            more: 0,
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

/// Counts the errors and warnings in `diags` (a capped finding counts for all it stands for).
pub fn count(diags: &[Diagnostic]) -> Counts {
    let mut c = Counts::default();
    for d in diags {
        match d.severity {
            Severity::Error => c.errors += 1 + d.more,
            Severity::Warning => c.warnings += 1 + d.more,
            Severity::Note => {}
        }
    }
    c
}

/// Findings of one check shown per source line before the rest are summed up.
pub const PER_LINE: usize = 3;
/// Findings of one check shown per file before the rest are summed up.
pub const PER_FILE: usize = 20;

/// Caps repeated findings: of one check ID, at most [`PER_LINE`] per source line and
/// [`PER_FILE`] per file are kept; each further one is folded into the first one left out,
/// which then stands for them ([`Diagnostic::more`], rendered as "另有 N 处"). Without it a
/// line of 16,000 half-width commas gives 16,000 warnings, each printing the whole line.
/// `diags` should be sorted ([`sort`]) so the first findings are the ones kept; capping
/// twice changes nothing. [`count`] still counts every finding.
pub fn cap(diags: &mut Vec<Diagnostic>, sources: &SourceMap) {
    use std::collections::HashMap;
    let mut per_file: HashMap<(&'static str, FileId), usize> = HashMap::new();
    let mut per_line: HashMap<(&'static str, FileId, usize), usize> = HashMap::new();
    // Where the rest of a line (`Some(line)`) or of a file (`None`) is summed up.
    let mut rest: HashMap<(&'static str, FileId, Option<usize>), usize> = HashMap::new();
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diags.len().min(1024));
    for d in diags.drain(..) {
        let Some(span) = &d.span else {
            out.push(d);
            continue;
        };
        let (id, file) = (d.id, span.file);
        let line = sources.get(file).line_of(span.range.start);
        let in_file = per_file.entry((id, file)).or_insert(0);
        let on_line = per_line.entry((id, file, line)).or_insert(0);
        if d.more == 0 && *in_file < PER_FILE && *on_line < PER_LINE {
            *in_file += 1;
            *on_line += 1;
            out.push(d);
            continue;
        }
        let key = (id, file, (*in_file < PER_FILE).then_some(line));
        match rest.get(&key) {
            Some(&i) => out[i].more += 1 + d.more,
            None => {
                rest.insert(key, out.len());
                out.push(d);
            }
        }
    }
    *diags = out;
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
    /// How many further findings like this one were left out ([`cap`]).
    pub more: usize,
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
                more: d.more,
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

/// Whether `c` is invisible in an editor and must not reach a terminal or a file name as it
/// is: C0 and C1 control characters (ESC, BEL, NUL, line breaks, …), bidirectional overrides
/// and isolates (which reorder what is shown), zero-width spaces and joiners, the BOM.
pub fn is_hidden_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// `c` as it may be shown on a terminal: a C0 control as its Unicode control picture
/// (ESC → ␛, so the finding still shows where it is), a tab as a space, any other hidden
/// character as U+FFFD. One character for one, so columns still line up.
fn visible(c: char) -> char {
    match c {
        '\t' => ' ',
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        c if is_hidden_control(c) => '\u{fffd}',
        c => c,
    }
}

/// `s` with every hidden character made visible (see `visible`): what the CLI prints of
/// source text, file names and messages, so a source file cannot send escape sequences to
/// the terminal.
pub fn terminal_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_hidden_control) {
        std::borrow::Cow::Owned(s.chars().map(visible).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Longest source line shown in full, in characters; a longer one is shown as a window of
/// [`SNIPPET_WINDOW`] characters around the marked text.
const SNIPPET_MAX: usize = 120;
const SNIPPET_WINDOW: usize = 80;

/// The shown part of a source line: the characters of `line` (made visible) with the
/// 0-based character range `mark` highlighted, clipped around the mark when the line is long.
/// Returns (text, text before the mark, the mark).
fn snippet(line: &str, mark: std::ops::Range<usize>) -> (String, String, String) {
    let chars: Vec<char> = line.chars().map(visible).collect();
    let n = chars.len();
    let (mut from, mut to) = (0, n);
    if n > SNIPPET_MAX {
        from = mark.start.saturating_sub(SNIPPET_WINDOW / 4).min(n);
        to = (from + SNIPPET_WINDOW).min(n);
    }
    let start = mark.start.clamp(from, to);
    let end = mark.end.clamp(start, to);
    let piece = |r: std::ops::Range<usize>| chars[r].iter().collect::<String>();
    let (lead, tail) = (
        if from > 0 { "…" } else { "" },
        if to < n { "…" } else { "" },
    );
    (
        format!("{lead}{}{tail}", piece(from..to)),
        format!("{lead}{}", piece(from..start)),
        piece(start..end),
    )
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
        paint(color, "1", &format!("：{}", terminal_safe(&d.message)))
    );
    let more = (d.more > 0).then(|| format!("另有 {} 处同类问题，未逐一列出", d.more));
    let notes = d
        .hints
        .iter()
        .map(|h| format!("提示：{}", terminal_safe(h)))
        .chain(more);
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
            terminal_safe(&file.path.display().to_string()),
            start.line,
            start.col
        );
        let line = file.line_text(start.line);
        let mark_end = if end.line == start.line {
            end.col.max(start.col)
        } else {
            usize::MAX
        };
        let (shown, before, marked) = snippet(line, start.col - 1..mark_end.saturating_sub(1));
        let _ = writeln!(out, "{pad} {}", blue("|"));
        let _ = writeln!(
            out,
            "{} {} {}",
            blue(&start.line.to_string()),
            blue("|"),
            shown
        );
        let width = UnicodeWidthStr::width(marked.as_str()).max(1);
        let _ = writeln!(
            out,
            "{pad} {} {}{}",
            blue("|"),
            " ".repeat(UnicodeWidthStr::width(before.as_str())),
            paint(color, code, &"^".repeat(width))
        );
        for n in notes {
            let _ = writeln!(out, "{pad} {} {n}", blue("="));
        }
    } else {
        for n in notes {
            let _ = writeln!(out, "  = {n}");
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
