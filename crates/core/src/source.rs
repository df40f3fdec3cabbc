//! Source files and byte spans, so every diagnostic can name file:line:col.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// Byte offsets into the file's text.
    pub range: Range<usize>,
}

impl Span {
    /// A span covering `range` of `file`.
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        Span { file, range }
    }

    /// The empty span at the start of `file` (for "the whole file" findings).
    pub fn file_start(file: FileId) -> Self {
        Span { file, range: 0..0 }
    }
}

/// One loaded source file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as given to the loader (used in messages).
    pub path: PathBuf,
    /// Full text (UTF-8).
    pub text: String,
    line_starts: Vec<usize>,
}

/// A 1-based line and column (column counted in characters, not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in Unicode scalar values.
    pub col: usize,
}

impl SourceFile {
    /// Wraps a file's text. Line endings are made `\n`: Windows editors write `\r\n`, and an
    /// old Mac or a misconfigured editor a lone `\r`, which the Markdown and TOML parsers do
    /// not take as a line break (a prose file would be one line, and a `<!-- prompt -->` on it
    /// would swallow it all). Spans and positions refer to this normalised text.
    pub fn new(path: PathBuf, text: String) -> Self {
        let text = normalise_line_endings(text);
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path,
            text,
            line_starts,
        }
    }

    /// The 1-based line of a byte offset (clamped to the text); cheaper than [`Self::line_col`].
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset) - 1;
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        LineCol {
            line: line + 1,
            col: col + 1,
        }
    }

    /// Text of 1-based line `line`, without the line break.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// `\r\n` and lone `\r` become `\n`; text without `\r` is returned as it is. Every source
/// text goes through this (see [`SourceFile::new`]).
pub fn normalise_line_endings(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            out.push('\n');
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// All files a report was loaded from.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        self.files.push(SourceFile::new(path, text));
        FileId((self.files.len() - 1) as u32)
    }

    /// The file behind `id`.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Every file, in load order.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Path of a file, for messages.
    pub fn path(&self, id: FileId) -> &Path {
        &self.get(id).path
    }

    /// The text a span covers.
    pub fn slice(&self, span: &Span) -> &str {
        self.get(span.file)
            .text
            .get(span.range.clone())
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("a".into(), "ab\n中文x\n".into());
        assert_eq!(f.line_col(0), LineCol { line: 1, col: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, col: 1 });
        // 'x' after two 3-byte characters
        assert_eq!(f.line_col(9), LineCol { line: 2, col: 3 });
        assert_eq!(f.line_text(2), "中文x");
        assert_eq!(f.line_text(9), "");
    }

    #[test]
    fn line_endings_become_newlines() {
        for text in ["甲\r\n乙\r\n", "甲\r乙\r", "甲\n乙\n", "甲\r\n乙\r"] {
            let f = SourceFile::new("a".into(), text.into());
            assert_eq!(f.text, "甲\n乙\n", "{text:?}");
            assert_eq!(f.line_text(2), "乙");
            assert_eq!(f.line_col(4), LineCol { line: 2, col: 1 });
        }
    }
}
