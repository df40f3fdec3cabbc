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
    Kind, ProsePart, PROSE_PARTS, T3_APPLICANT_COLS, T3_COLUMNS, T3_ROWS, T3_TOTAL, T4_COLUMNS,
    T4_GROUPS, T4_RESULT_COLS,
};
use crate::input::{self, ReadError};
use crate::model::{
    Count, Date, Fee, Prose, Report, ReportSpans, Signature, T3Line, MAX_COUNT, MAX_FEE,
};
use crate::source::{FileId, SourceMap, Span};
use crate::typography::Role;
use crate::{prose, suggest};

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
    let mut loaded = Loaded::empty();
    let file = if dir.is_file() {
        dir.to_path_buf()
    } else {
        dir.join(REPORT_FILE)
    };
    loaded.report = load_file(&file, &mut loaded, true);
    loaded
}

/// Loads from an in-memory `report.toml` text and prose files (for tests and tools).
pub fn load_str(toml_text: &str, prose_files: &[(&str, &str)]) -> Loaded {
    let mut loaded = Loaded::empty();
    let mut ctx = Ctx {
        dir: PathBuf::from("."),
        memory: Some(prose_files),
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
    // `report.toml` itself must be in its folder too: a symlink to elsewhere is refused.
    let root = if ctx.dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        ctx.dir.as_path()
    };
    match input::read_text(path, Some(root)) {
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
            let at = bad.at;
            let end = bad.lossy[at..]
                .chars()
                .next()
                .map_or(at, |c| at + c.len_utf8());
            let id = loaded.sources.add(path.to_path_buf(), bad.lossy.clone());
            Err(Unread {
                err: ReadError::Encoding(bad),
                at: Some(Span::new(id, at..end)),
            })
        }
        Err(err) => Err(Unread { err, at: None }),
    }
}

fn load_file(file: &Path, loaded: &mut Loaded, with_last_year: bool) -> Option<Report> {
    let mut ctx = Ctx {
        dir: file.parent().map_or_else(PathBuf::new, Path::to_path_buf),
        memory: None,
    };
    let id = match read(file, &ctx, loaded) {
        Ok(id) => id,
        Err(Unread { err, at }) => {
            let hint = match err {
                ReadError::NotFound => {
                    "用 `nianbao new 文件夹 --agency 机关全称 --year 年度 --kind department` 新建报告"
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
const TOP_KEYS: [&str; 11] = [
    "agency",
    "year",
    "kind",
    "published",
    "last_year",
    "signature",
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

/// The parser's state: the file, the diagnostics, and the span to blame for what is missing.
struct P<'l> {
    file: FileId,
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

    fn unknown_keys(&mut self, table: &DeTable, allowed: &[&str], where_: &str) {
        for (k, _) in table.iter() {
            let key: &str = k.get_ref();
            if !allowed.contains(&key) {
                let mut d = Diagnostic::error("E-KEY", format!("{where_}中有未知的键“{key}”"))
                    .at(self.span(k.span()));
                d = match suggest::closest(key, allowed) {
                    Some(s) => d.hint(format!("是不是“{s}”？")),
                    None => d.hint(format!("可用的键：{}", allowed.join("、"))),
                };
                self.diags.push(d);
            }
        }
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
            DeValue::String(s) if s.trim().is_empty() || s.trim() == "/" || s.trim() == "—" => {
                bad(
                    self,
                    format!("{what}为空或“{}”", s.trim()),
                    "没有数据时写 0，不要留空或写“/”",
                )
            }
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
        let mut cells = Vec::with_capacity(n);
        for (k, name) in col_names.iter().enumerate().take(n) {
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
            let name = format!("{what}“总计”列");
            self.count(item, &name)
        });
        (cells, total)
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

/// The TOML parser's English message with a Chinese explanation of the common cases.
fn toml_message(msg: &str) -> String {
    let msg = msg.trim();
    let zh = [
        ("invalid date", "日期无效"),
        ("unclosed", "括号或引号没有闭合"),
        ("missing comma", "缺少逗号或右方括号“]”"),
        ("duplicate key", "键重复"),
        ("invalid string", "文字没有用英文双引号括起来"),
        ("invalid unquoted key", "键名中有不允许的字符"),
    ]
    .iter()
    .find(|(en, _)| msg.contains(en))
    .map_or("此处格式不正确", |(_, zh)| zh);
    format!("{zh}（{msg}）")
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
    if let Some(e) = errors.first() {
        // After a syntax error the rest of the parse is guesswork: report the first syntax
        // error only, rather than a cascade of follow-on errors and missing keys.
        loaded
            .diagnostics
            .push(syntax_error(e, id, &loaded.sources));
        return None;
    }
    let root = root.get_ref();
    let mut diags = Vec::new();
    let mut p = P {
        file: id,
        diags: &mut diags,
        whole: whole.clone(),
    };
    p.unknown_keys(root, &TOP_KEYS, "report.toml ");
    let mut spans = ReportSpans {
        file: Some(id),
        ..ReportSpans::default()
    };
    let agency = parse_agency(&mut p, root, &mut spans);
    let year = parse_year(&mut p, root, &mut spans);
    let kind = parse_kind(&mut p, root, &mut spans);
    let published = root.get("published").and_then(|v| {
        spans.published = Some(p.span(v.span()));
        p.date(v, "发布日期（published）")
    });
    let mut report = Report::empty(&agency, year, kind);
    report.published = published;
    report.signature = parse_signature(&mut p, root, &agency, published, &mut spans);
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
    for (part, entry) in prose_files {
        let prose = load_prose(part, entry, id, &whole, ctx, loaded, &report);
        report.sections.set(part.part, prose);
    }
    if let Some((path, span)) = last_year {
        report.last_year = load_last_year(&path, span, loaded);
    }
    Some(report)
}

/// E-TOML for the first syntax error, with a hint about the line before when the error is
/// at the start of a line (a missing `]` or quote shows up there).
fn syntax_error(e: &toml::de::Error, id: FileId, sources: &SourceMap) -> Diagnostic {
    let range = e.span().unwrap_or(0..0);
    let mut d = Diagnostic::error(
        "E-TOML",
        format!("report.toml 格式错误：{}", toml_message(e.message())),
    )
    .at(Span::new(id, range.clone()))
    .hint("检查引号、方括号和逗号是否成对，键和值之间用“=”；文字要用英文双引号括起来");
    if sources.get(id).line_col(range.start).col == 1 {
        d = d.hint("错误可能在上一行：检查上一行末尾是否缺少“]”或引号");
    }
    d
}

fn parse_agency(p: &mut P, root: &DeTable, spans: &mut ReportSpans) -> String {
    match p.string(root, "agency", "机关全称") {
        Some((s, span)) => {
            if s.trim().is_empty() {
                p.err("E-MISSING", span.range.clone(), "机关全称为空".into(), "");
            }
            spans.agency = Some(span);
            s.trim().to_string()
        }
        None => {
            if root.get("agency").is_none() {
                p.err(
                    "E-MISSING",
                    p.whole.clone(),
                    "缺少机关全称（agency）".into(),
                    "例如：agency = \"某某市某某局\"",
                );
            }
            String::new()
        }
    }
}

fn parse_year(p: &mut P, root: &DeTable, spans: &mut ReportSpans) -> i32 {
    let Some(v) = root.get("year") else {
        p.err(
            "E-MISSING",
            p.whole.clone(),
            "缺少年度（year）".into(),
            "例如 year = 2024",
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

fn parse_kind(p: &mut P, root: &DeTable, spans: &mut ReportSpans) -> Kind {
    let Some((s, span)) = p.string(root, "kind", "机关类型") else {
        if root.get("kind").is_none() {
            p.err(
                "E-MISSING",
                p.whole.clone(),
                "缺少机关类型（kind）".into(),
                "kind = \"department\"、\"township\" 或 \"government\"",
            );
        }
        return Kind::Department;
    };
    spans.kind = Some(span.clone());
    if let Some((kind, _)) = Kind::ALL.iter().find(|(_, k)| *k == s) {
        return *kind;
    }
    let allowed: Vec<&str> = Kind::ALL.iter().map(|(_, k)| *k).collect();
    let mut d = Diagnostic::error("E-TYPE", format!("机关类型“{s}”无效"))
        .at(span)
        .hint("department（县级以上人民政府部门）、township（乡镇、街道）或 government（县级以上地方人民政府）");
    if let Some(m) = suggest::closest(&s, &allowed) {
        d = d.hint(format!("是不是“{m}”？"));
    }
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
    p.unknown_keys(t, &["agency", "date"], "[signature] ");
    let sig_agency = match p.string(t, "agency", "署名机关") {
        Some((s, span)) => {
            spans.signature_agency = Some(span);
            s
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

/// `[fonts]`: a font file per role, resolved against the report folder.
fn parse_fonts(p: &mut P, root: &DeTable, ctx: &Ctx, loaded: &mut Loaded) {
    let Some((t, _)) = p.table(root, "fonts", false) else {
        return;
    };
    let roles = Role::ALL.map(Role::key);
    p.unknown_keys(t, &roles, "[fonts] ");
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
    p.unknown_keys(t, &T3_ROWS.map(|r| r.key), "[applications] ");
    let cols: Vec<&str> = T3_COLUMNS.iter().map(|c| c.1).collect();
    let n = T3_APPLICANT_COLS.len();
    for (i, row) in T3_ROWS.iter().enumerate() {
        let what = format!("表三“{}”行", crate::claims::t3_row_name(i));
        match t.get(row.key) {
            Some(v) => {
                let (cells, total) = p.counts(v, n, &what, &cols);
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
                &format!("补上 {} = [0, 0, 0, 0, 0, 0]（没有就写 0）", row.key),
            ),
        }
    }
}

/// `[appeals]`: table 四, four counts (and maybe a total) per group.
fn parse_appeals(p: &mut P, t: &DeTable, report: &mut Report, range: std::ops::Range<usize>) {
    p.unknown_keys(t, &T4_GROUPS.map(|g| g.0), "[appeals] ");
    let cols: Vec<&str> = T4_COLUMNS.iter().map(|c| c.1).collect();
    let n = T4_RESULT_COLS.len();
    for (g, (key, label)) in T4_GROUPS.iter().enumerate() {
        let what = format!("表四“{label}”");
        match t.get(*key) {
            Some(v) => {
                let (cells, total) = p.counts(v, n, &what, &cols);
                let group = &mut report.appeals.groups[g];
                group.cells = cells.try_into().unwrap_or_default();
                group.stated_total = total;
                group.span = Some(p.span(v.span()));
            }
            None => p.err(
                "E-NUMBER",
                range.clone(),
                format!("{what}缺失（空白）"),
                &format!("补上 {key} = [0, 0, 0, 0]（没有就写 0）"),
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
    let keys = PROSE_PARTS.map(|part| part.key);
    let table = p.table(root, "prose", true).map(|(t, _)| t);
    if let Some(t) = table {
        p.unknown_keys(t, &keys, "[prose] ");
    }
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
    report: &Report,
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
            let blocks = prose::parse(fid, &loaded.sources, report, &mut loaded.diagnostics);
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
    let last = load_file(path, loaded, false);
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
    p.unknown_keys(t, &ACTIVE_KEYS, "[active] ");
    let cols: Vec<&str> = crate::format::T2_STOCK_COLUMNS
        .iter()
        .map(|c| c.1)
        .collect();
    for (key, label) in [("rules", "规章"), ("normative", "行政规范性文件")] {
        let what = format!("表二“{label}”");
        match t.get(key) {
            Some(v) => {
                let (cells, total) = p.counts(v, 3, &what, &cols);
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
                &format!("补上 {key} = [0, 0, 0]"),
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
                    &format!("补上 {key} = 0"),
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
    parse_fee(p, t, report, range);
}

/// `fee`: the amount in 万元 as written in decimal (its decimals are printed as typed),
/// never negative.
fn parse_fee(p: &mut P, t: &DeTable, report: &mut Report, range: std::ops::Range<usize>) {
    let what = "表二“行政事业性收费”本年收费金额";
    let Some(v) = t.get("fee") else {
        p.err(
            "E-NUMBER",
            range,
            format!("{what}缺失（空白）"),
            "补上 fee = 0（单位：万元）",
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
