//! Loading a report folder: `report.toml` plus the Markdown prose files it names.
//!
//! Loading never stops at the first problem and never panics on bad input: every problem is a
//! located [`Diagnostic`], and as much of the report as could be read is still returned so the
//! checks can run on it.

use std::path::{Component, Path, PathBuf};

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diag::Diagnostic;
use crate::format::{
    Kind, ProsePart, MAX_AGENCY_CHARS, PROSE_PARTS, T3_APPLICANT_COLS, T3_COLUMNS, T3_ROWS,
    T3_TOTAL, T4_COLUMNS, T4_GROUPS, T4_RESULT_COLS,
};
use crate::input::{self, ReadError};
use crate::model::{
    Count, Date, Fee, Imprint, Prose, Report, ReportSpans, Signature, T3Line, MAX_COUNT, MAX_FEE,
};
use crate::source::{FileId, SourceMap, Span};
use crate::typography::Role;
use crate::{prose, suggest, toml_syntax};

/// Name of the report file inside a report folder.
pub const REPORT_FILE: &str = "report.toml";

/// Everything loading produced.
#[derive(Debug)]
pub struct Loaded {
    /// The report, when `report.toml` could be parsed at all.
    pub report: Option<Report>,
    /// Every file read (for rendering diagnostics).
    pub sources: SourceMap,
    /// Problems found while loading.
    pub diagnostics: Vec<Diagnostic>,
    /// Every input path the report depends on, including files that are missing (so a watcher
    /// can rebuild when they appear).
    pub inputs: Vec<PathBuf>,
    /// Font files the report names per role (`[fonts]`), resolved against the report folder.
    pub fonts: Vec<(String, PathBuf)>,
    /// Where each of `fonts` is named in `report.toml` (same order).
    pub font_spans: Vec<Span>,
}

impl Loaded {
    fn empty() -> Self {
        Loaded {
            report: None,
            sources: SourceMap::new(),
            diagnostics: Vec::new(),
            inputs: Vec::new(),
            fonts: Vec::new(),
            font_spans: Vec::new(),
        }
    }
}

/// Loads the report in folder `dir` (or the `report.toml` file `dir` points to).
pub fn load(dir: &Path) -> Loaded {
    load_overlay(dir, &[])
}

/// Loads the report in folder `dir` as [`load`] does, except that each `(path, text)` of
/// `overlay` is read as `text` instead of from the file at `path` (compared as paths:
/// `dir.join("report.toml")`, `dir.join("overview.md")`). For checking edits a person has
/// typed but not saved yet (`nianbao serve`); last year's report is always read from disk.
pub fn load_overlay(dir: &Path, overlay: &[(PathBuf, String)]) -> Loaded {
    let mut loaded = Loaded::empty();
    let file = if dir.is_file() {
        dir.to_path_buf()
    } else {
        dir.join(REPORT_FILE)
    };
    loaded.report = load_file(&file, &mut loaded, true, overlay);
    loaded
}

/// Loads from an in-memory `report.toml` text and prose files (for tests and tools).
pub fn load_str(toml_text: &str, prose_files: &[(&str, &str)]) -> Loaded {
    let mut loaded = Loaded::empty();
    let mut ctx = Ctx {
        dir: PathBuf::from("."),
        memory: Some(prose_files),
        overlay: &[],
        real_dir: Default::default(),
    };
    let id = loaded
        .sources
        .add(PathBuf::from(REPORT_FILE), toml_text.to_string());
    loaded.report = parse_report(id, &mut ctx, &mut loaded, false);
    loaded
}

struct Ctx<'a> {
    dir: PathBuf,
    memory: Option<&'a [(&'a str, &'a str)]>,
    /// Texts read instead of the files at these paths (see [`load_overlay`]).
    overlay: &'a [(PathBuf, String)],
    /// `dir` resolved (symlinks, `..`), once for all the report's files; `None` until
    /// needed, and when it cannot be resolved (each read then says why).
    real_dir: std::cell::OnceCell<Option<PathBuf>>,
}

/// A file that could not be read: why, and where to point (the first unreadable byte of a
/// file in an unknown encoding; otherwise the caller's span).
struct Unread {
    err: ReadError,
    at: Option<Span>,
}

/// Reads the text file `path` through [`input::read_text`], confined to the folder `ctx.dir`
/// (real paths: symlinks leading out of it are refused), and adds it to the sources. A file
/// converted from GBK or UTF-16 gets a W-ENCODING warning.
fn read(path: &Path, ctx: &Ctx, loaded: &mut Loaded) -> Result<FileId, Unread> {
    if let Some(files) = ctx.memory {
        let name = path
            .strip_prefix(&ctx.dir)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        return files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, t)| loaded.sources.add(PathBuf::from(n), (*t).to_string()))
            .ok_or(Unread {
                err: ReadError::NotFound,
                at: None,
            });
    }
    loaded.inputs.push(path.to_path_buf());
    if let Some((_, text)) = ctx.overlay.iter().find(|(p, _)| p == path) {
        return Ok(loaded.sources.add(path.to_path_buf(), text.clone()));
    }
    // `report.toml` itself must be in its folder too: a symlink to elsewhere is refused.
    let root = if ctx.dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        ctx.dir.as_path()
    };
    let real_root = ctx
        .real_dir
        .get_or_init(|| std::fs::canonicalize(root).ok());
    let read = match real_root {
        Some(real) => input::read_text_in(path, real),
        None => input::read_text(path, Some(root)),
    };
    match read {
        Ok(decoded) => {
            let id = loaded.sources.add(path.to_path_buf(), decoded.text);
            if let Some(from) = decoded.converted_from {
                let name = if from.eq_ignore_ascii_case("gb18030") {
                    "GBK/GB18030"
                } else {
                    from
                };
                loaded.diagnostics.push(
                    Diagnostic::warning(
                        "W-ENCODING",
                        format!("文件“{}”是 {name} 编码，已自动转换后读取", path.display()),
                    )
                    .at(Span::file_start(id))
                    .hint(
                        "建议用记事本或 WPS 打开后“另存为”，编码选择“UTF-8”，其他软件才能正确显示",
                    ),
                );
            }
            Ok(id)
        }
        Err(ReadError::Encoding(bad)) => {
            // The sources keep the text with `\n` line endings: the offset of the bad byte is
            // counted in that text (a `\r\n` before it is one byte shorter there).
            let before = bad.lossy.get(..bad.at).unwrap_or_default();
            let at = crate::source::normalise_line_endings(before.to_string()).len();
            let text = crate::source::normalise_line_endings(bad.lossy.clone());
            let end = text
                .get(at..)
                .and_then(|rest| rest.chars().next())
                .map_or(at, |c| at + c.len_utf8());
            let id = loaded.sources.add(path.to_path_buf(), text);
            Err(Unread {
                err: ReadError::Encoding(bad),
                at: Some(Span::new(id, at..end)),
            })
        }
        Err(err) => Err(Unread { err, at: None }),
    }
}

fn load_file(
    file: &Path,
    loaded: &mut Loaded,
    with_last_year: bool,
    overlay: &[(PathBuf, String)],
) -> Option<Report> {
    let mut ctx = Ctx {
        dir: file.parent().map_or_else(PathBuf::new, Path::to_path_buf),
        memory: None,
        overlay,
        real_dir: Default::default(),
    };
    let id = match read(file, &ctx, loaded) {
        Ok(id) => id,
        Err(Unread { err, at }) => {
            let hint = match err {
                ReadError::NotFound => {
                    "用 `nianbao new 文件夹 --agency 机关全称 --year 年度 --kind 部门` 新建报告"
                }
                _ => err.hint(),
            };
            loaded.diagnostics.push(
                Diagnostic::error(err.id(), err.message(file))
                    .at(at)
                    .hint(hint),
            );
            return None;
        }
    };
    parse_report(id, &mut ctx, loaded, with_last_year)
}

/// Keys allowed at each level, for unknown-key errors with a did-you-mean hint. (`[prose]`
/// takes the keys of [`PROSE_PARTS`], `[fonts]` the font role keys.)
const TOP_KEYS: [&str; 12] = [
    "agency",
    "year",
    "kind",
    "published",
    "last_year",
    "signature",
    "imprint",
    "prose",
    "active",
    "applications",
    "appeals",
    "fonts",
];
const ACTIVE_KEYS: [&str; 6] = [
    "rules",
    "normative",
    "licensing",
    "punishment",
    "enforcement",
    "fee",
];

/// A table as read: its keys, misspellings renamed (see [`P::keys`]), and the unknown keys
/// that are no misspelling.
struct Keys<'i> {
    table: DeTable<'i>,
    stray: Vec<String>,
}

impl Keys<'_> {
    /// The hint for a missing key: `add` (e.g. “补上 fee = 0”), after asking whether an
    /// unknown key of the table is it under another name.
    fn missing_hint(&self, key: &str, add: &str) -> String {
        if self.stray.is_empty() {
            return add.to_string();
        }
        let stray: Vec<String> = self.stray.iter().map(|s| format!("“{s}”")).collect();
        format!(
            "如果{}就是这一项，请把键名改为“{key}”；确实没有才{}",
            stray.join("或"),
            add.replace("（没有就写 0）", "")
        )
    }
}

/// The parser's state: the file, the diagnostics, and the span to blame for what is missing.
struct P<'l> {
    file: FileId,
    /// The text of `report.toml`.
    text: &'l str,
    diags: &'l mut Vec<Diagnostic>,
    /// The start of the file: where a missing key or table is reported.
    whole: std::ops::Range<usize>,
}

impl P<'_> {
    fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span::new(self.file, range)
    }

    fn err(&mut self, id: &'static str, range: std::ops::Range<usize>, msg: String, hint: &str) {
        let mut d = Diagnostic::error(id, msg).at(self.span(range));
        if !hint.is_empty() {
            d = d.hint(hint);
        }
        self.diags.push(d);
    }

    /// Reports the keys of `table` that are not `allowed` (E-KEY with a did-you-mean) and
    /// returns the table to read: a misspelling of a key that is not written correctly too is
    /// read as that key, so the checks see the clerk's numbers and no message asks to add the
    /// key as 0.
    fn keys<'i>(&mut self, table: &DeTable<'i>, allowed: &[&str], where_: &str) -> Keys<'i> {
        let mut keys = Keys {
            table: DeTable::new(),
            stray: Vec::new(),
        };
        for (k, v) in table.iter() {
            let key: &str = k.get_ref();
            if allowed.contains(&key) {
                keys.table.insert(k.clone(), v.clone());
                continue;
            }
            let d = Diagnostic::error("E-KEY", format!("{where_}中有未知的键“{key}”"))
                .at(self.span(k.span()));
            let d = match suggest::closest(key, allowed) {
                Some(s) if table.get(s).is_none() && !keys.table.contains_key(s) => {
                    let intended = Spanned::new(k.span(), std::borrow::Cow::Owned(s.to_string()));
                    keys.table.insert(intended, v.clone());
                    d.hint(format!("是不是“{s}”？请把键名“{key}”改为“{s}”"))
                }
                Some(s) => d.hint(format!("“{s}”已经写过，这一行是多余的：删去它，或改正键名")),
                None => {
                    keys.stray.push(key.to_string());
                    d.hint(format!("可用的键：{}", allowed.join("、")))
                }
            };
            self.diags.push(d);
        }
        keys
    }

    fn table<'t, 'i>(
        &mut self,
        parent: &'t DeTable<'i>,
        key: &str,
        required: bool,
    ) -> Option<(&'t DeTable<'i>, std::ops::Range<usize>)> {
        match parent.get(key) {
            Some(v) => match v.get_ref() {
                DeValue::Table(t) => Some((t, v.span())),
                _ => {
                    self.err(
                        "E-TYPE",
                        v.span(),
                        format!("“{key}”应是一个表（[{key}]）"),
                        "",
                    );
                    None
                }
            },
            None => {
                if required {
                    self.err(
                        "E-MISSING",
                        self.whole.clone(),
                        format!("缺少 [{key}] 部分"),
                        "参照模板补上这一部分（`nianbao new` 生成的 report.toml）",
                    );
                }
                None
            }
        }
    }

    fn string(&mut self, t: &DeTable, key: &str, what: &str) -> Option<(String, Span)> {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => {
                // A NUL, an escape sequence, a line break or a bidi override would end up in
                // the title and the file names; none can be seen in an editor.
                let mut hidden: Vec<String> = s
                    .chars()
                    .filter(|&c| crate::diag::is_hidden_control(c))
                    .map(|c| format!("U+{:04X}", u32::from(c)))
                    .collect();
                hidden.dedup();
                if !hidden.is_empty() {
                    self.err(
                        "E-CHAR",
                        v.span(),
                        format!(
                            "“{key}”（{what}）中有看不见的控制字符（{}）",
                            hidden.join("、")
                        ),
                        "删除这些字符（常是从网页或其他软件复制时带入的）；文字中不能有换行",
                    );
                }
                Some((s.to_string(), self.span(v.span())))
            }
            _ => {
                self.err(
                    "E-TYPE",
                    v.span(),
                    format!("“{key}”（{what}）应是用双引号括起来的文字"),
                    &format!("例如：{key} = \"…\""),
                );
                None
            }
        }
    }

    /// A whole count ≥ 0. `what` names the cell in Chinese for messages.
    fn count(&mut self, v: &Spanned<DeValue>, what: &str) -> Count {
        let span = self.span(v.span());
        let bad = |p: &mut Self, msg: String, hint: &str| {
            p.err("E-NUMBER", v.span(), msg, hint);
            Count {
                value: 0,
                span: Some(span.clone()),
            }
        };
        match v.get_ref() {
            DeValue::Integer(i) => {
                let text = i.as_str().replace('_', "");
                match u64::from_str_radix(text.trim_start_matches('+'), i.radix()) {
                    Ok(n) if n <= MAX_COUNT => Count {
                        value: n,
                        span: Some(span.clone()),
                    },
                    Err(_) if text.starts_with('-') => bad(
                        self,
                        format!("{what}是负数（{text}）"),
                        "件数不能为负；没有就写 0",
                    ),
                    _ => bad(
                        self,
                        format!("{what}数值过大（{text}），超过上限 {MAX_COUNT}"),
                        "检查是否多打了数字；一项件数不会超过十亿",
                    ),
                }
            }
            DeValue::Float(f) => bad(
                self,
                format!("{what}应为整数，不能是小数（{}）", f.as_str()),
                "件数只能是 0 或正整数",
            ),
            DeValue::String(s) if is_blank(s) => bad(
                self,
                format!("{what}为空或“{}”", s.trim()),
                "没有数据时写 0，不要留空或写“/”",
            ),
            DeValue::String(s) => bad(
                self,
                format!("{what}应为数字，不能是文字“{s}”"),
                "去掉引号，直接写数字，例如 5",
            ),
            _ => bad(self, format!("{what}应为数字"), "例如 0 或 12"),
        }
    }

    /// An array of counts of length `n` (or `n + 1` with a stated total).
    fn counts(
        &mut self,
        v: &Spanned<DeValue>,
        key: &str,
        n: usize,
        what: &str,
        col_names: &[&str],
    ) -> (Vec<Count>, Option<Count>) {
        let DeValue::Array(items) = v.get_ref() else {
            self.err(
                "E-TYPE",
                v.span(),
                format!("{what}应是用方括号括起来的 {n} 个数"),
                &format!("例如：[{}]", vec!["0"; n].join(", ")),
            );
            return (vec![Count::default(); n], None);
        };
        if items.len() != n && items.len() != n + 1 {
            self.err(
                "E-NUMBER",
                v.span(),
                format!(
                    "{what}应有 {n} 个数（{}），实际有 {} 个",
                    col_names[..n].join("、"),
                    items.len()
                ),
                &format!("可在最后加第 {} 个数作为“总计”，由工具核对", n + 1),
            );
        }
        // A row copied from a Word table has "/" or blanks in many cells: one message for the
        // row, not one per cell.
        let blanks: Vec<usize> = items
            .iter()
            .take(n + 1)
            .enumerate()
            .filter(|(_, item)| matches!(item.get_ref(), DeValue::String(s) if is_blank(s)))
            .map(|(k, _)| k)
            .collect();
        if blanks.len() > 1 {
            self.blank_row(v, items, &blanks, what, key, col_names);
        }
        let mut cells = Vec::with_capacity(n);
        for (k, name) in col_names.iter().enumerate().take(n) {
            if blanks.len() > 1 && blanks.contains(&k) {
                cells.push(Count {
                    value: 0,
                    span: Some(self.span(items[k].span())),
                });
                continue;
            }
            match items.get(k) {
                Some(item) => {
                    let name = format!("{what}“{name}”列");
                    cells.push(self.count(item, &name));
                }
                None => cells.push(Count {
                    value: 0,
                    span: Some(self.span(v.span())),
                }),
            }
        }
        let total = items.get(n).map(|item| {
            if blanks.len() > 1 && blanks.contains(&n) {
                return Count {
                    value: 0,
                    span: Some(self.span(item.span())),
                };
            }
            let name = format!("{what}“总计”列");
            self.count(item, &name)
        });
        (cells, total)
    }

    /// E-NUMBER for a row with several cells written "/" or blank, with the row as it should
    /// be written.
    fn blank_row(
        &mut self,
        v: &Spanned<DeValue>,
        items: &[Spanned<DeValue>],
        blanks: &[usize],
        what: &str,
        key: &str,
        col_names: &[&str],
    ) {
        let marks: Vec<String> = blanks
            .iter()
            .filter_map(|&k| match items[k].get_ref() {
                DeValue::String(s) if !s.trim().is_empty() => Some(format!("“{}”", s.trim())),
                _ => None,
            })
            .fold(Vec::new(), |mut m, s| {
                if !m.contains(&s) {
                    m.push(s);
                }
                m
            });
        let written = match (
            marks.is_empty(),
            blanks
                .iter()
                .any(|&k| matches!(items[k].get_ref(), DeValue::String(s) if s.trim().is_empty())),
        ) {
            (true, _) => "空白".to_string(),
            (false, true) => format!("{}或空白", marks.join("、")),
            (false, false) => marks.join("、"),
        };
        let which = if blanks.len() == items.len() {
            String::new()
        } else {
            let names: Vec<&str> = blanks
                .iter()
                .map(|&k| col_names.get(k).copied().unwrap_or("总计"))
                .collect();
            format!("（{}）", names.join("、"))
        };
        let fixed: Vec<String> = items
            .iter()
            .enumerate()
            .map(|(k, item)| {
                if blanks.contains(&k) {
                    "0".to_string()
                } else {
                    self.text.get(item.span()).unwrap_or("0").to_string()
                }
            })
            .collect();
        self.err(
            "E-NUMBER",
            v.span(),
            format!("{what}有 {} 个单元格写成了{written}{which}", blanks.len()),
            &format!(
                "没有数据的单元格写 0：{key} = [{}]（从 Word 表格复制来的“/”和空白都要改成 0）",
                fixed.join(", ")
            ),
        );
    }

    fn date(&mut self, v: &Spanned<DeValue>, what: &str) -> Option<Date> {
        let parsed = match v.get_ref() {
            DeValue::Datetime(dt) => dt.date.map(|d| Date {
                year: i32::from(d.year),
                month: d.month,
                day: d.day,
            }),
            DeValue::String(s) => parse_date(s),
            _ => None,
        };
        match parsed {
            Some(d) if d.is_valid() && (2000..=2200).contains(&d.year) => Some(d),
            Some(d) if d.is_valid() => {
                self.err(
                    "E-DATE",
                    v.span(),
                    format!("{what}的年份“{}”不合理", d.year),
                    "写四位年份，例如 2025-01-20（不加引号）",
                );
                None
            }
            _ => {
                self.err(
                    "E-DATE",
                    v.span(),
                    format!("{what}不是有效日期"),
                    "写成 2025-01-20（不加引号）",
                );
                None
            }
        }
    }
}

/// A string a clerk writes for “nothing” in a table cell: blank, `/`, a dash, `无`.
fn is_blank(s: &str) -> bool {
    matches!(
        s.trim(),
        "" | "/" | "／" | "\\" | "—" | "——" | "-" | "－" | "–" | "无"
    )
}

/// Parses `2025-01-20`, `2025/1/20` or `2025年1月20日`.
fn parse_date(s: &str) -> Option<Date> {
    let parts: Vec<&str> = s
        .trim()
        .trim_end_matches('日')
        .split(['-', '/', '年', '月', '.'])
        .collect();
    if parts.len() != 3 {
        return None;
    }
    Some(Date {
        year: parts[0].trim().parse().ok()?,
        month: parts[1].trim().parse().ok()?,
        day: parts[2].trim().parse().ok()?,
    })
}

/// Resolves a path named in `report.toml` against the report folder; it may not leave it.
fn inside(dir: &Path, rel: &str) -> Result<PathBuf, String> {
    let p = Path::new(rel);
    let mut depth: i32 = 0;
    for c in p.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return Err(format!("路径“{rel}”指向报告文件夹之外"));
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!("路径“{rel}”是绝对路径"));
            }
        }
    }
    Ok(dir.join(p))
}

/// Parses a loaded `report.toml` (file `id`) and the prose files it names. The steps each
/// read one part of the file and report into `p`; their order is the order of the messages.
fn parse_report(
    id: FileId,
    ctx: &mut Ctx,
    loaded: &mut Loaded,
    with_last_year: bool,
) -> Option<Report> {
    let text = loaded.sources.get(id).text.clone();
    let whole = 0..text.len().min(1);
    let (root, errors) = DeTable::parse_recoverable(&text);
    if !errors.is_empty() {
        loaded
            .diagnostics
            .extend(syntax_errors(&errors, id, &loaded.sources));
        return None;
    }
    let root = root.get_ref();
    let mut diags = Vec::new();
    let mut p = P {
        file: id,
        text: &text,
        diags: &mut diags,
        whole: whole.clone(),
    };
    let keys = p.keys(root, &TOP_KEYS, "report.toml ");
    let root = &keys.table;
    let mut spans = ReportSpans {
        file: Some(id),
        ..ReportSpans::default()
    };
    let agency = parse_agency(&mut p, &keys, &mut spans);
    let year = parse_year(&mut p, &keys, &mut spans);
    let kind = parse_kind(&mut p, &keys, &mut spans);
    let published = root.get("published").and_then(|v| {
        spans.published = Some(p.span(v.span()));
        p.date(v, "发布日期（published）")
    });
    let mut report = Report::empty(&agency, year, kind);
    report.published = published;
    report.signature = parse_signature(&mut p, root, &agency, published, &mut spans);
    report.imprint = parse_imprint(&mut p, root, &report);
    parse_fonts(&mut p, root, ctx, loaded);
    if let Some((t, range)) = p.table(root, "active", true) {
        report.active.span = Some(p.span(range));
        parse_active(&mut p, t, &mut report, range_of(root, "active"));
    }
    if let Some((t, range)) = p.table(root, "applications", true) {
        report.applications.span = Some(p.span(range.clone()));
        let before = p.diags.len();
        parse_applications(&mut p, t, &mut report, range);
        report.applications.unreadable = p.diags[before..].iter().any(|d| d.id == "E-NUMBER");
    }
    if let Some((t, range)) = p.table(root, "appeals", true) {
        report.appeals.span = Some(p.span(range.clone()));
        let before = p.diags.len();
        parse_appeals(&mut p, t, &mut report, range);
        report.appeals.unreadable = p.diags[before..].iter().any(|d| d.id == "E-NUMBER");
    }
    let last_year = last_year_path(&mut p, root, ctx, with_last_year, &mut spans);
    let prose_files = prose_entries(&mut p, root);
    loaded.diagnostics.append(&mut diags);
    report.spans = spans;
    // The placeholders' values depend on the tables only, all read by now: made once here
    // instead of once per prose file (~600 strings each).
    let values = prose::placeholders(&report);
    for (part, entry) in prose_files {
        let prose = load_prose(part, entry, id, &whole, ctx, loaded, &values);
        report.sections.set(part.part, prose);
    }
    if let Some((path, span)) = last_year {
        report.last_year = load_last_year(&path, span, loaded);
    }
    Some(report)
}

/// E-TOML for a file that is not valid TOML: every character a Chinese input method typed
/// outside strings (the usual cause, all found at once), else the parser's first error in
/// Chinese. After a syntax error the rest of the parse is guesswork, so nothing else is
/// reported (no cascade of follow-on errors and missing keys).
fn syntax_errors(errors: &[toml::de::Error], id: FileId, sources: &SourceMap) -> Vec<Diagnostic> {
    let file = sources.get(id);
    let ime = toml_syntax::ime_characters(id, file);
    if !ime.is_empty() {
        return ime;
    }
    // The parser does not report in file order; the first one in the file is the one to fix.
    let first = errors
        .iter()
        .min_by_key(|e| e.span().map_or(usize::MAX, |s| s.start));
    first
        .map(|e| toml_syntax::parser_error(id, file, e.message(), e.span()))
        .into_iter()
        .collect()
}

fn parse_agency(p: &mut P, keys: &Keys, spans: &mut ReportSpans) -> String {
    let root = &keys.table;
    match p.string(root, "agency", "机关全称") {
        Some((s, span)) => {
            if s.trim().is_empty() {
                p.err("E-MISSING", span.range.clone(), "机关全称为空".into(), "");
            }
            too_long(p, &s, &span, "机关全称（agency）");
            spans.agency = Some(span);
            s.trim().to_string()
        }
        None => {
            if root.get("agency").is_none() {
                p.err(
                    "E-MISSING",
                    p.whole.clone(),
                    "缺少机关全称（agency）".into(),
                    &keys.missing_hint("agency", "写上 agency = \"某某市某某局\""),
                );
            }
            String::new()
        }
    }
}

fn parse_year(p: &mut P, keys: &Keys, spans: &mut ReportSpans) -> i32 {
    let root = &keys.table;
    let Some(v) = root.get("year") else {
        p.err(
            "E-MISSING",
            p.whole.clone(),
            "缺少年度（year）".into(),
            &keys.missing_hint("year", "写上 year = 2024"),
        );
        return 0;
    };
    spans.year = Some(p.span(v.span()));
    match v.get_ref() {
        DeValue::Integer(i) => match i.as_str().parse::<i32>() {
            Ok(y) if crate::model::REPORT_YEARS.contains(&y) => y,
            _ => {
                p.err(
                    "E-TYPE",
                    v.span(),
                    format!("年度“{}”不合理", i.as_str()),
                    "写四位年份，例如 year = 2024",
                );
                0
            }
        },
        _ => {
            p.err(
                "E-TYPE",
                v.span(),
                "年度（year）应是四位数字".into(),
                "例如 year = 2024（不加引号）",
            );
            0
        }
    }
}

fn parse_kind(p: &mut P, keys: &Keys, spans: &mut ReportSpans) -> Kind {
    let root = &keys.table;
    let Some((s, span)) = p.string(root, "kind", "机关类型") else {
        if root.get("kind").is_none() {
            p.err(
                "E-MISSING",
                p.whole.clone(),
                "缺少机关类型（kind）".into(),
                &keys.missing_hint(
                    "kind",
                    "写上 kind = \"department\"（部门）、\"township\"（乡镇、街道）或 \"government\"（政府）",
                ),
            );
        }
        return Kind::Department;
    };
    spans.kind = Some(span.clone());
    if let Some(kind) = Kind::from_word(&s) {
        return kind;
    }
    let allowed: Vec<&str> = Kind::ALL.iter().map(|(_, k)| *k).collect();
    let mut d = Diagnostic::error("E-TYPE", format!("机关类型“{s}”无效")).at(span);
    if let Some(m) = suggest::closest(&s, &allowed) {
        d = d.hint(format!("是不是“{m}”？"));
    }
    d = d.hint("写 department 或“部门”（县级以上人民政府部门）、township 或“乡镇”（乡镇、街道）、government 或“政府”（县级以上地方人民政府）");
    p.diags.push(d);
    Kind::Department
}

/// `[signature]`: the signing agency (default: the report's) and date (default: published).
fn parse_signature(
    p: &mut P,
    root: &DeTable,
    agency: &str,
    published: Option<Date>,
    spans: &mut ReportSpans,
) -> Option<Signature> {
    let (t, range) = p.table(root, "signature", false)?;
    let keys = p.keys(t, &["agency", "date"], "[signature] ");
    let t = &keys.table;
    let sig_agency = match p.string(t, "agency", "署名机关") {
        Some((s, span)) => {
            too_long(p, &s, &span, "署名机关（signature.agency）");
            spans.signature_agency = Some(span);
            s.trim().to_string()
        }
        None => agency.to_string(),
    };
    let date = match t.get("date") {
        Some(v) => p.date(v, "署名日期（signature.date）"),
        None => published,
    };
    if date.is_none() {
        p.err(
            "E-MISSING",
            range,
            "署名需要日期：写 signature.date 或 published".into(),
            "",
        );
    }
    date.map(|date| Signature {
        agency: sig_agency,
        date,
    })
}

/// E-TYPE for an agency name longer than [`MAX_AGENCY_CHARS`].
fn too_long(p: &mut P, name: &str, span: &Span, what: &str) {
    let n = name.trim().chars().count();
    if n > MAX_AGENCY_CHARS {
        p.err(
            "E-TYPE",
            span.range.clone(),
            format!("{what}有 {n} 个字，超过了 {MAX_AGENCY_CHARS} 个字"),
            "只写机关的正式全称（不写地址、内设机构说明等）；标题和生成的文件名都用它",
        );
    }
}

/// `[imprint]`: the 版记. 抄送机关 (`cc`, a list or one name), 印发机关 (`printer`, default:
/// the signing agency, else the report's) and 印发日期 (`date`, default: published).
fn parse_imprint(p: &mut P, root: &DeTable, report: &Report) -> Option<Imprint> {
    let (t, range) = p.table(root, "imprint", false)?;
    let keys = p.keys(t, &["cc", "printer", "date"], "[imprint] ");
    let t = &keys.table;
    let mut cc = Vec::new();
    match t.get("cc").map(|v| (v, v.get_ref())) {
        None => {}
        Some((v, DeValue::String(s))) => cc_name(p, s, v.span(), &mut cc),
        Some((_, DeValue::Array(items))) => {
            for item in items {
                match item.get_ref() {
                    DeValue::String(s) => cc_name(p, s, item.span(), &mut cc),
                    _ => p.err(
                        "E-TYPE",
                        item.span(),
                        "抄送机关（imprint.cc）的每一项应是用双引号括起来的机关名称".into(),
                        "例如：cc = [\"市政府办公室\", \"市政务公开办\"]",
                    ),
                }
            }
        }
        Some((v, _)) => p.err(
            "E-TYPE",
            v.span(),
            "抄送机关（imprint.cc）应是用方括号括起来的机关名称".into(),
            "例如：cc = [\"市政府办公室\", \"市政务公开办\"]",
        ),
    }
    let default_printer = report
        .signature
        .as_ref()
        .map_or(report.agency.as_str(), |s| s.agency.as_str());
    let printer = p.string(t, "printer", "印发机关");
    let date = match t.get("date") {
        Some(v) => p.date(v, "印发日期（imprint.date）"),
        None => report.published,
    };
    let Some(date) = date else {
        if t.get("date").is_none() {
            p.err(
                "E-MISSING",
                range,
                "版记需要印发日期：写 imprint.date 或 published".into(),
                "例如：date = 2025-01-20",
            );
        }
        return None;
    };
    let (printer, printer_span) = match printer {
        Some((s, span)) => (s.trim().to_string(), span),
        None => (default_printer.to_string(), p.span(range.clone())),
    };
    let printed = format!("{}{}", date.chinese(), crate::format::IMPRINT_PRINTED);
    if printer.is_empty() {
        p.err(
            "E-MISSING",
            printer_span.range.clone(),
            "印发机关（imprint.printer）为空".into(),
            "写印发机关的名称，通常是本机关的办公室",
        );
    } else if !crate::typography::imprint_line_fits(&printer, &printed) {
        p.err(
            "E-TYPE",
            printer_span.range.clone(),
            format!("印发机关“{printer}”太长：和“{printed}”排不进版记的一行"),
            "版记的印发机关和印发日期必须在同一行（4号字，每行约 31 个字）：写机关的规范简称",
        );
    }
    Some(Imprint {
        cc,
        printer,
        date,
        span: Some(p.span(range)),
    })
}

/// One 抄送机关: trimmed, without the `，` or `。` a clerk may type after it (nianbao puts
/// the punctuation of the 抄送 line itself).
fn cc_name(p: &mut P, name: &str, range: std::ops::Range<usize>, cc: &mut Vec<String>) {
    let name = name
        .trim()
        .trim_end_matches(['。', '，', '、', '；', ',', ';', '.'])
        .trim();
    if name.is_empty() {
        p.err(
            "E-TYPE",
            range,
            "抄送机关（imprint.cc）中有一项为空".into(),
            "删去空的一项，或写上机关名称",
        );
    } else {
        cc.push(name.to_string());
    }
}

/// `[fonts]`: a font file per role, resolved against the report folder.
fn parse_fonts(p: &mut P, root: &DeTable, ctx: &Ctx, loaded: &mut Loaded) {
    let Some((t, _)) = p.table(root, "fonts", false) else {
        return;
    };
    let roles = Role::ALL.map(Role::key);
    let keys = p.keys(t, &roles, "[fonts] ");
    let t = &keys.table;
    for role in roles {
        let Some((s, span)) = p.string(t, role, "字体文件路径") else {
            continue;
        };
        let path = ctx.dir.join(&s);
        if ctx.memory.is_none() {
            loaded.inputs.push(path.clone());
            // Only whether it can be opened (a regular file within the size limit): whether
            // it is a usable font is for the PDF side to say. Fonts may live outside the
            // report folder (the agency's licensed C:/Windows/Fonts/simfang.ttf); only glyph
            // outlines of a valid font are ever embedded, never a file's text.
            if let Err(e) = input::open_regular(&path, input::FONT_LIMIT) {
                let hint = match e {
                    ReadError::NotFound => "路径相对于报告文件夹；或删除这一行使用自带字体",
                    _ => "换成 .ttf、.otf 或 .ttc 字体文件；或删除这一行使用自带字体",
                };
                let message = match e {
                    ReadError::NotFound => format!("找不到字体文件“{}”", path.display()),
                    _ => format!("字体文件{}", e.message(&path)),
                };
                p.diags.push(
                    Diagnostic::error(e.id(), message)
                        .at(span.clone())
                        .hint(hint),
                );
            }
        }
        loaded.fonts.push((role.to_string(), path));
        loaded.font_spans.push(span);
    }
}

/// `[applications]`: table 三, one line of six counts (and maybe a total) per row.
fn parse_applications(p: &mut P, t: &DeTable, report: &mut Report, range: std::ops::Range<usize>) {
    let keys = p.keys(t, &T3_ROWS.map(|r| r.key), "[applications] ");
    let t = &keys.table;
    let cols: Vec<&str> = T3_COLUMNS.iter().map(|c| c.1).collect();
    let n = T3_APPLICANT_COLS.len();
    for (i, row) in T3_ROWS.iter().enumerate() {
        let what = format!("表三“{}”行", crate::claims::t3_row_name(i));
        match t.get(row.key) {
            Some(v) => {
                let (cells, total) = p.counts(v, row.key, n, &what, &cols);
                report.applications.rows[i] = T3Line {
                    cells: cells.try_into().unwrap_or_default(),
                    stated_total: total,
                    stated: true,
                    span: Some(p.span(v.span())),
                };
            }
            // （七）总计 is computed; writing it is optional.
            None if i == T3_TOTAL => {}
            None => p.err(
                "E-NUMBER",
                range.clone(),
                format!("{what}缺失（空白）"),
                &keys.missing_hint(
                    row.key,
                    &format!("补上 {} = [0, 0, 0, 0, 0, 0]（没有就写 0）", row.key),
                ),
            ),
        }
    }
}

/// `[appeals]`: table 四, four counts (and maybe a total) per group.
fn parse_appeals(p: &mut P, t: &DeTable, report: &mut Report, range: std::ops::Range<usize>) {
    let keys = p.keys(t, &T4_GROUPS.map(|g| g.0), "[appeals] ");
    let t = &keys.table;
    let cols: Vec<&str> = T4_COLUMNS.iter().map(|c| c.1).collect();
    let n = T4_RESULT_COLS.len();
    for (g, (key, label)) in T4_GROUPS.iter().enumerate() {
        let what = format!("表四“{label}”");
        match t.get(*key) {
            Some(v) => {
                let (cells, total) = p.counts(v, key, n, &what, &cols);
                let group = &mut report.appeals.groups[g];
                group.cells = cells.try_into().unwrap_or_default();
                group.stated_total = total;
                group.span = Some(p.span(v.span()));
            }
            None => p.err(
                "E-NUMBER",
                range.clone(),
                format!("{what}缺失（空白）"),
                &keys.missing_hint(key, &format!("补上 {key} = [0, 0, 0, 0]（没有就写 0）")),
            ),
        }
    }
}

/// `last_year`: the `report.toml` it names (its own `last_year` is not followed, so only the
/// report being built asks for it).
fn last_year_path(
    p: &mut P,
    root: &DeTable,
    ctx: &Ctx,
    with_last_year: bool,
    spans: &mut ReportSpans,
) -> Option<(PathBuf, Span)> {
    let (s, span) = p.string(root, "last_year", "上年度报告")?;
    spans.last_year = Some(span.clone());
    if !with_last_year {
        return None;
    }
    let path = ctx.dir.join(&s);
    let path = if path.is_dir() {
        path.join(REPORT_FILE)
    } else {
        path
    };
    Some((path, span))
}

/// `[prose]`: the file named for each part, in [`PROSE_PARTS`] order.
fn prose_entries(p: &mut P, root: &DeTable) -> Vec<(&'static ProsePart, Option<(String, Span)>)> {
    let names = PROSE_PARTS.map(|part| part.key);
    let keys = p
        .table(root, "prose", true)
        .map(|(t, _)| p.keys(t, &names, "[prose] "));
    let table = keys.as_ref().map(|k| &k.table);
    PROSE_PARTS
        .iter()
        .map(|part| {
            let entry = table.and_then(|t| p.string(t, part.key, "文字部分文件名"));
            (part, entry)
        })
        .collect()
}

/// Reads and parses the prose file of `part`; a missing required part is E-SECTIONS.
fn load_prose(
    part: &ProsePart,
    entry: Option<(String, Span)>,
    id: FileId,
    whole: &std::ops::Range<usize>,
    ctx: &Ctx,
    loaded: &mut Loaded,
    values: &[(String, String)],
) -> Option<Prose> {
    let (key, name) = (part.key, part.name);
    let Some((rel, span)) = entry else {
        if part.required {
            loaded.diagnostics.push(
                Diagnostic::error(
                    "E-SECTIONS",
                    format!("缺少“{name}”部分：[prose] 中没有 {key}"),
                )
                .at(Span::new(id, whole.clone()))
                .hint(format!(
                    "在 [prose] 中写 {key} = \"{}\" 并创建该文件",
                    part.file
                )),
            );
        }
        return None;
    };
    let path = match inside(&ctx.dir, &rel) {
        Ok(path) => path,
        Err(msg) => {
            loaded.diagnostics.push(
                Diagnostic::error("E-PATH", msg)
                    .at(span)
                    .hint("文字部分文件必须放在报告文件夹内，例如 \"overview.md\""),
            );
            return None;
        }
    };
    match read(&path, ctx, loaded) {
        Ok(fid) => {
            let blocks = prose::parse(fid, &loaded.sources, values, &mut loaded.diagnostics);
            Some(Prose {
                file: Some(fid),
                blocks,
            })
        }
        Err(Unread { err, at }) => {
            let id = match err {
                ReadError::NotFound if part.required => "E-SECTIONS",
                _ => err.id(),
            };
            loaded.diagnostics.push(
                Diagnostic::error(id, format!("“{name}”：{}", err.message(&path)))
                    .at(at.unwrap_or(span))
                    .hint(err.hint()),
            );
            None
        }
    }
}

/// Loads last year's report for the cross-year checks; its own problems are not this
/// report's, so of its diagnostics only "could not load it" (W-LAST-YEAR) is kept.
fn load_last_year(path: &Path, span: Span, loaded: &mut Loaded) -> Option<Box<Report>> {
    let before = loaded.diagnostics.len();
    let last = load_file(path, loaded, false, &[]);
    let found: Vec<Diagnostic> = loaded.diagnostics.drain(before..).collect();
    match last {
        Some(r) if !found.iter().any(|d| d.id == "E-TOML") => Some(Box::new(r)),
        _ => {
            // Why, in its own words: the file could not be read (not found, not a regular
            // file, outside its folder, …) or has a syntax error.
            let message = match found
                .iter()
                .find(|d| matches!(d.id, "E-FILE" | "E-PATH" | "E-TOML"))
            {
                Some(d) => format!(
                    "无法读取上年度报告：{}；跨年度核对（W-CARRY、W-STOCK、W-REPEAT）未执行",
                    d.message
                ),
                None => format!(
                    "无法读取上年度报告“{}”，跨年度核对（W-CARRY、W-STOCK、W-REPEAT）未执行",
                    path.display()
                ),
            };
            loaded.diagnostics.push(
                Diagnostic::warning("W-LAST-YEAR", message)
                    .at(span)
                    .hint("检查 last_year 路径（相对于本报告文件夹）"),
            );
            None
        }
    }
}

fn range_of(root: &DeTable, key: &str) -> std::ops::Range<usize> {
    root.get(key).map_or(0..0, |v| v.span())
}

/// `[active]`: table 二, the stock of 规章 and 规范性文件, three decision counts and the fee.
fn parse_active(p: &mut P, t: &DeTable, report: &mut Report, range: std::ops::Range<usize>) {
    let keys = p.keys(t, &ACTIVE_KEYS, "[active] ");
    let t = &keys.table;
    let cols: Vec<&str> = crate::format::T2_STOCK_COLUMNS
        .iter()
        .map(|c| c.1)
        .collect();
    for (key, label) in [("rules", "规章"), ("normative", "行政规范性文件")] {
        let what = format!("表二“{label}”");
        match t.get(key) {
            Some(v) => {
                let (cells, total) = p.counts(v, key, 3, &what, &cols);
                if let Some(extra) = total {
                    p.err(
                        "E-NUMBER",
                        extra.span.map_or(v.span(), |s| s.range),
                        format!("{what}只有 3 个数（本年制发、本年废止、现行有效）"),
                        "删去多余的数",
                    );
                }
                let cells: [Count; 3] = cells.try_into().unwrap_or_default();
                if key == "rules" {
                    report.active.rules = cells;
                } else {
                    report.active.normative = cells;
                }
            }
            None => p.err(
                "E-NUMBER",
                range.clone(),
                format!("{what}缺失（空白）"),
                &keys.missing_hint(key, &format!("补上 {key} = [0, 0, 0]（没有就写 0）")),
            ),
        }
    }
    for (key, label) in [
        ("licensing", "行政许可"),
        ("punishment", "行政处罚"),
        ("enforcement", "行政强制"),
    ] {
        let what = format!("表二“{label}”本年处理决定数量");
        let c = match t.get(key) {
            Some(v) => p.count(v, &what),
            None => {
                p.err(
                    "E-NUMBER",
                    range.clone(),
                    format!("{what}缺失（空白）"),
                    &keys.missing_hint(key, &format!("补上 {key} = 0（没有就写 0）")),
                );
                Count::default()
            }
        };
        match key {
            "licensing" => report.active.licensing = c,
            "punishment" => report.active.punishment = c,
            _ => report.active.enforcement = c,
        }
    }
    parse_fee(p, &keys, report, range);
}

/// `fee`: the amount in 万元 as written in decimal (its decimals are printed as typed),
/// never negative.
fn parse_fee(p: &mut P, keys: &Keys, report: &mut Report, range: std::ops::Range<usize>) {
    let what = "表二“行政事业性收费”本年收费金额";
    let t = &keys.table;
    let Some(v) = t.get("fee") else {
        p.err(
            "E-NUMBER",
            range,
            format!("{what}缺失（空白）"),
            &keys.missing_hint("fee", "补上 fee = 0（单位：万元；没有收费就写 0）"),
        );
        return;
    };
    let typed = match v.get_ref() {
        // The parser keeps the digits of `0x10` as "10" and the radix apart.
        DeValue::Integer(i) if i.radix() != 10 => {
            let prefix = match i.radix() {
                16 => "0x",
                8 => "0o",
                _ => "0b",
            };
            p.err(
                "E-NUMBER",
                v.span(),
                format!("{what}应写成十进制数，不能写“{prefix}{}”", i.as_str()),
                "例如 fee = 16 或 fee = 2.5（单位：万元）",
            );
            return;
        }
        DeValue::Integer(i) => i.as_str(),
        DeValue::Float(f) => f.as_str(),
        _ => {
            p.err(
                "E-NUMBER",
                v.span(),
                format!("{what}应为数字（单位：万元）"),
                "没有收费就写 0，不要留空或写“/”",
            );
            return;
        }
    };
    match decimal_fee(typed) {
        Ok((value, text)) => {
            report.active.fee = Fee {
                value,
                text,
                span: Some(p.span(v.span())),
            }
        }
        Err((msg, hint)) => p.err("E-NUMBER", v.span(), format!("{what}{msg}"), &hint),
    }
}

/// The fee as TOML wrote it (`typed`), checked to be a plain decimal number ≥ 0 and at most
/// [`MAX_FEE`]: its value and the text to print (the digits as typed, without `_`, a `+`
/// or the sign of a zero). The error is (what is wrong, a hint), in Chinese.
fn decimal_fee(typed: &str) -> Result<(f64, String), (String, String)> {
    let text = typed.replace('_', "");
    let unsigned = text.trim_start_matches(['+', '-']);
    if unsigned.starts_with("0x") || unsigned.starts_with("0o") || unsigned.starts_with("0b") {
        return Err((
            format!("应写成十进制数，不能写“{typed}”"),
            "例如 fee = 16 或 fee = 2.5（单位：万元）".into(),
        ));
    }
    let value: f64 = text.parse().map_err(|_| {
        (
            format!("不是有效的数（{typed}）"),
            "例如 fee = 0 或 fee = 1.25（单位：万元）".to_string(),
        )
    })?;
    if !value.is_finite() {
        return Err((
            format!("不是有效的数（{typed}）"),
            "例如 fee = 0 或 fee = 1.25（单位：万元）".into(),
        ));
    }
    if unsigned.contains(['e', 'E']) {
        return Err((
            format!("不能用科学计数法（{typed}）"),
            format!("写成普通小数：fee = {}", value.abs()),
        ));
    }
    if value < 0.0 {
        return Err((format!("是负数（{typed}）"), "没有收费就写 0".into()));
    }
    if value > MAX_FEE {
        return Err((
            format!("数值过大（{typed}），超过上限 {MAX_FEE} 万元"),
            "单位是万元：1.25 表示 1.25 万元（12500 元）".into(),
        ));
    }
    Ok((value, unsigned.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_may_not_leave_the_folder() {
        let d = Path::new("/r");
        assert!(inside(d, "a.md").is_ok());
        assert!(inside(d, "sub/../a.md").is_ok());
        assert!(inside(d, "../a.md").is_err());
        assert!(inside(d, "../../etc/passwd").is_err());
        assert!(inside(d, "/etc/passwd").is_err());
        assert!(inside(d, "a/../../b").is_err());
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest::closest("agnecy", &TOP_KEYS), Some("agency"));
        assert_eq!(
            suggest::closest("carried_ovr", &T3_ROWS.map(|r| r.key)),
            Some("carried_over")
        );
        assert_eq!(suggest::closest("zzzzzz", &TOP_KEYS), None);
        assert_eq!(parse_date("2025年1月9日").map(|d| d.day), Some(9));
    }

    #[test]
    fn fees_are_plain_decimals_printed_canonically() {
        let ok = decimal_fee;
        assert_eq!(ok("2.50"), Ok((2.5, "2.50".to_string())));
        assert_eq!(ok("1_234.5"), Ok((1234.5, "1234.5".to_string())));
        assert_eq!(ok("+3"), Ok((3.0, "3".to_string())));
        assert_eq!(ok("-0.0"), Ok((0.0, "0.0".to_string())));
        for bad in [
            "0x10", "0o17", "0b11", "1e-5", "2E3", "-1.5", "inf", "nan", "1e300",
        ] {
            assert!(decimal_fee(bad).is_err(), "{bad}");
        }
        assert!(decimal_fee("1e-5").unwrap_err().1.contains("0.00001"));
    }
}
