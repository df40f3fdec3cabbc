//! The build pipeline: load → check → document → export → atomic write.
//!
//! `nianbao build`, `nianbao watch` and batch builds all call [`build`]; there is one path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nianbao_core::diag::{count, Counts};
use nianbao_core::load::Loaded;
use nianbao_core::{document, Diagnostic, Document};
use nianbao_export::fonts::{self, Fonts};
use nianbao_export::{docx, html, ofd, pdf, xlsx, ExportError, Format};

use crate::checksums;
use crate::write::{write_all_flushing, Flush, Written};

/// What to build.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Output folder (default: `<report>/out`).
    pub out_dir: Option<PathBuf>,
    /// Formats to produce (default: [`Format::defaults`], every format but the opt-in OFD).
    pub formats: Vec<Format>,
    /// Build even when the report has errors, marking every output as a draft.
    pub draft: bool,
    /// Overwrite a workbook whose numbers the clerk changed in Excel or WPS (otherwise the
    /// build stops and names the cells; `nianbao sync-xlsx` takes them into the sources).
    pub force: bool,
    /// When the new files are flushed to the disk: before they replace the old ones (the
    /// default), or right after (`watch`; see [`Flush::AfterReplace`]).
    pub flush: Flush,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            out_dir: None,
            formats: Format::defaults(),
            draft: false,
            force: false,
            flush: Flush::BeforeReplace,
        }
    }
}

/// Result for one output file.
#[derive(Debug)]
pub struct Output {
    /// The format the file is of; `None` for the checksum list (`.sha256`) of the set.
    pub format: Option<Format>,
    /// Target path.
    pub path: PathBuf,
    /// Size in bytes of what was produced.
    pub size: usize,
    /// What happened.
    pub status: Written,
}

/// Everything one build did.
#[derive(Debug)]
pub struct BuildReport {
    /// The loaded sources and all diagnostics (loader, checks, exporters).
    pub loaded: Loaded,
    /// Output files (empty when nothing was built).
    pub outputs: Vec<Output>,
    /// Why nothing was built, if so (errors without `--draft`, an exporter failure, …).
    pub refused: Option<String>,
    /// Whether the outputs are drafts.
    pub draft: bool,
    /// Wall time of the whole build.
    pub elapsed: Duration,
}

impl BuildReport {
    /// Error and warning counts.
    pub fn counts(&self) -> Counts {
        count(&self.loaded.diagnostics)
    }

    /// Whether any output could not be written.
    pub fn write_failed(&self) -> bool {
        self.outputs
            .iter()
            .any(|o| matches!(o.status, Written::Failed(_)))
    }
}

/// Font files a report names per role.
type FontOverrides = Vec<(String, PathBuf)>;

/// Fonts for the PDF, loaded at most once per process and per set of overrides, and again
/// when a font file changes.
///
/// Cloning shares the loaded fonts (they are behind an `Arc`).
#[derive(Default, Clone)]
pub struct FontCache {
    dir: Option<PathBuf>,
    /// Read the fonts whole when they are loaded (a session that builds again and again),
    /// instead of lean ([`fonts::Fonts::load_lean`], a one-off build).
    whole: bool,
    loaded: Option<(FontOverrides, Arc<fonts::Fonts>)>,
    /// Results of [`check_fonts`] per file, with the file's size and modification time.
    checked: BTreeMap<PathBuf, (Option<FileStamp>, Result<(), String>)>,
}

/// Size and modification time of a file (what says it changed).
type FileStamp = (u64, Option<std::time::SystemTime>);

fn stamp(path: &Path) -> Option<FileStamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()))
}

impl FontCache {
    /// A cache that looks for the shipped fonts by the documented rule (or in `dir`).
    pub fn new(dir: Option<PathBuf>) -> Self {
        FontCache {
            dir,
            whole: false,
            loaded: None,
            checked: BTreeMap::new(),
        }
    }

    /// [`FontCache::new`] for `watch` and `serve`, which build the same report again after
    /// every save: the fonts are read whole once (~25 MB, the first build), so that no
    /// later build reads a font file again.
    pub fn for_session(dir: Option<PathBuf>) -> Self {
        FontCache {
            whole: true,
            ..FontCache::new(dir)
        }
    }

    /// The font folder the shipped fonts are taken from, or where it was looked for (a few
    /// file-existence checks).
    pub fn find_dir(&self) -> Result<PathBuf, String> {
        fonts::find_font_dir(self.dir.as_deref()).map_err(|e| e.message)
    }

    /// Forgets loaded fonts (a font file changed).
    pub fn invalidate(&mut self) {
        self.loaded = None;
        self.checked.clear();
    }

    /// The fonts for a report with these per-role overrides, loading them if needed. Fonts
    /// whose files changed since they were read (size or modification time: a font copied
    /// over while `watch` runs) are read again, so a build never uses a stale font.
    pub fn get(&mut self, overrides: &[(String, PathBuf)]) -> Result<Arc<fonts::Fonts>, String> {
        self.load(overrides, false)
    }

    /// The fonts for one build: [`FontCache::get`] when the fonts were loaded already or
    /// the cache is a session's; else loaded lean ([`fonts::Fonts::load_lean`]: a cold
    /// build of the seed reads ~2 MB of the 25 shipped). [`FontCache::get_whole`] when an
    /// export found a glyph it could not read.
    pub fn get_for_build(
        &mut self,
        overrides: &[(String, PathBuf)],
    ) -> Result<Arc<fonts::Fonts>, String> {
        self.load(overrides, !self.whole)
    }

    fn load(
        &mut self,
        overrides: &[(String, PathBuf)],
        lean: bool,
    ) -> Result<Arc<fonts::Fonts>, String> {
        if let Some((o, fonts)) = &self.loaded {
            if o == overrides && fonts.changed().is_none() {
                return Ok(fonts.clone());
            }
        }
        let dir = fonts::find_font_dir(self.dir.as_deref()).map_err(|e| e.message)?;
        let loaded = if lean {
            fonts::Fonts::load_lean(&dir, overrides)
        } else {
            fonts::Fonts::load(&dir, overrides)
        };
        let mut loaded = loaded.map_err(|e| e.message)?;
        if self.whole {
            // A session builds the same report again: keep each paragraph's lines and each
            // stream's compressed bytes for the next build.
            loaded.remember();
        }
        let fonts = Arc::new(loaded);
        self.loaded = Some((overrides.to_vec(), fonts.clone()));
        Ok(fonts)
    }

    /// The fonts read whole (replacing fonts read for other characters).
    pub fn get_whole(
        &mut self,
        overrides: &[(String, PathBuf)],
    ) -> Result<Arc<fonts::Fonts>, String> {
        if self.loaded.as_ref().is_some_and(|(_, f)| f.is_partial()) {
            self.loaded = None;
        }
        self.load(overrides, false)
    }
}

/// E-FONT for every font file the report names in `[fonts]` that cannot serve its role (not
/// a font, truncated, no usable outlines), at its line in `report.toml`. `nianbao check` and
/// every build run it, so a font `build` would refuse is reported by `check`, located.
/// Results are kept per file until it changes.
pub fn check_fonts(loaded: &mut Loaded, fonts: &mut FontCache) {
    for (i, (key, path)) in loaded.fonts.iter().enumerate() {
        let Some(role) = nianbao_core::typography::Role::from_key(key) else {
            continue;
        };
        // The loader has already said so when the file is missing or not a regular file.
        if !path.is_file() {
            continue;
        }
        let now = stamp(path);
        let result = match fonts.checked.get(path) {
            Some((s, r)) if *s == now => r.clone(),
            _ => {
                let r = Fonts::check_file(path, role).map_err(|e| e.message);
                fonts.checked.insert(path.clone(), (now, r.clone()));
                r
            }
        };
        if let Err(message) = result {
            let span = loaded.font_spans.get(i).cloned();
            loaded.diagnostics.push(
                Diagnostic::error("E-FONT", message)
                    .at(span)
                    .hint("换成完整的 .ttf、.otf 或 .ttc 字体文件；或删除这一行使用自带字体"),
            );
        }
    }
}

impl Output {
    /// Short name for status lines: the format (`PDF`), `HTML 片段` for the CMS fragment,
    /// `校验清单` for the checksum list.
    pub fn kind(&self) -> String {
        match self.format {
            None => "校验清单".to_string(),
            Some(Format::Html) if self.is_fragment() => "HTML 片段".to_string(),
            Some(f) => f.extension().to_uppercase(),
        }
    }

    fn is_fragment(&self) -> bool {
        self.path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with(Format::Html.files()[1]))
    }
}

/// The name of a format's (first) file: `<机关全称><年度>年政府信息公开工作年度报告[（草稿）].<ext>`.
pub fn output_name(title: &str, draft: bool, format: Format) -> String {
    file_name(title, draft, format.files()[0])
}

/// An output file name: `<机关全称><年度>年政府信息公开工作年度报告[（草稿）]<suffix>`, with
/// `suffix` one of [`Format::files`] (`.pdf`, `.fragment.html`, …) or
/// [`checksums::SUFFIX`]; the stem made safe on every system by [`safe_file_stem`].
pub fn file_name(title: &str, draft: bool, suffix: &str) -> String {
    let draft = if draft { "（草稿）" } else { "" };
    format!("{}{suffix}", safe_file_stem(&format!("{title}{draft}")))
}

/// `name` as a file name valid on Windows, macOS and Linux that shows what it says: the
/// characters Windows forbids (`<>:"/\|?*`) and control characters (a tab or newline typed
/// into the agency name) become `_`; bidi overrides and zero-width characters (which would
/// make the name lie about itself) are dropped; no leading `~$` (Office's lock-file prefix:
/// the file would be taken for its own lock file), `.` (hidden) or `-`; no trailing dot or
/// space; a Windows device name (`CON`, `NUL`, `COM1`, …) gets a `_` in front; at most
/// 200 bytes (a longer name keeps its start and its end around `…`).
pub fn safe_file_stem(name: &str) -> String {
    let mut out: String = name
        .chars()
        .filter(|&c| c.is_control() || !nianbao_core::diag::is_hidden_control(c))
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = out.trim_start_matches(['~', '$', '.', '-', ' ', '\u{3000}']);
    out = trimmed.trim_end_matches(['.', ' ', '\u{3000}']).to_string();
    if out.is_empty() {
        out = "政府信息公开工作年度报告".to_string();
    }
    let device = out.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(device.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (device.len() == 4
            && (device.starts_with("COM") || device.starts_with("LPT"))
            && device.ends_with(|c: char| c.is_ascii_digit() && c != '0'));
    if reserved {
        out.insert(0, '_');
    }
    clip_stem(out)
}

/// Longest file name stem in bytes: most file systems allow 255 bytes per name, and the
/// extension, and the temp names beside the file, need room too.
const MAX_STEM_BYTES: usize = 200;
/// Characters kept from the end of a clipped stem: `2024年政府信息公开工作年度报告（草稿）`.
const STEM_TAIL: usize = 21;

/// `stem` clipped to [`MAX_STEM_BYTES`]: its start, `…`, and its last [`STEM_TAIL`]
/// characters (the year and 年度报告 stay in the name). An agency name of 70+ characters
/// would otherwise make a file name the file system refuses ("File name too long") — a
/// build failure `check` cannot foresee.
fn clip_stem(stem: String) -> String {
    if stem.len() <= MAX_STEM_BYTES {
        return stem;
    }
    let chars: Vec<char> = stem.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(STEM_TAIL)..]
        .iter()
        .collect();
    let budget = MAX_STEM_BYTES.saturating_sub(tail.len() + '…'.len_utf8());
    let mut head = String::new();
    for c in chars {
        if head.len() + c.len_utf8() > budget {
            break;
        }
        head.push(c);
    }
    format!("{head}…{tail}")
}

/// Loads, checks and (unless there are errors and no `draft`) renders and writes the report
/// in `dir`. Never panics on bad input; every problem is in the returned report.
pub fn build(dir: &Path, opts: &BuildOptions, fonts: &mut FontCache) -> BuildReport {
    let start = Instant::now();
    let mut loaded = nianbao_core::load_and_check(dir);
    if opts.formats.iter().any(|f| f.uses_fonts()) {
        check_fonts(&mut loaded, fonts);
        nianbao_core::diag::sort(&mut loaded.diagnostics);
    }
    let counts = count(&loaded.diagnostics);
    let result = |loaded: Loaded, outputs, refused: Option<String>, draft| BuildReport {
        loaded,
        outputs,
        refused,
        draft,
        elapsed: start.elapsed(),
    };
    let Some(report) = loaded.report.as_ref() else {
        return result(loaded, Vec::new(), Some("无法读取报告".into()), false);
    };
    if counts.errors > 0 && !opts.draft {
        let why = format!(
            "报告有 {} 个错误，未生成文件（加 --draft 可生成草稿）",
            counts.errors
        );
        return result(loaded, Vec::new(), Some(why), false);
    }
    let draft = counts.errors > 0;
    let doc = document::build(report, draft);
    let out_dir = opts
        .out_dir
        .clone()
        .unwrap_or_else(|| report_dir(dir).join("out"));

    // Render everything in memory first: an exporter failure must not replace any file.
    let mut formats = opts.formats.clone();
    formats.sort();
    formats.dedup();
    // Without a font folder (a binary copied without its `fonts/`) the PDF cannot be made,
    // but the DOCX and XLSX need no fonts: they are still written, and E-FONT (an error, so
    // the exit status says something is missing) tells where the fonts were looked for. A
    // font folder whose files cannot be loaded is an exporter failure like any other.
    if formats.iter().any(|f| f.uses_fonts()) {
        if let Err(message) = fonts.find_dir() {
            let mut e = font_error(&message);
            // A PDF left from an earlier build is not this build's: say so, so that it is
            // not published with the new DOCX.
            let old = formats
                .iter()
                .filter(|f| f.uses_fonts())
                .flat_map(|f| f.files().iter())
                .map(|suffix| out_dir.join(file_name(&doc.meta.title, draft, suffix)))
                .filter(|p| p.is_file())
                .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .collect::<Vec<_>>();
            if !old.is_empty() {
                e = e.hint(format!(
                    "输出文件夹中的 {} 是以前生成的，不是这次的，与新生成的文件不一致，请勿发布",
                    old.join("、")
                ));
            }
            loaded.diagnostics.push(e);
            formats.retain(|f| !f.uses_fonts());
        }
    }
    let uses_fonts = formats.iter().any(|f| f.uses_fonts());
    // The fonts are loaded by the first exporter that needs them, on its own thread: a cold
    // build reads them while the DOCX, XLSX and HTML are made.
    let mut outcomes = {
        let cache = std::sync::Mutex::new(&mut *fonts);
        let first: std::sync::OnceLock<Result<Arc<Fonts>, String>> = std::sync::OnceLock::new();
        let overrides = &loaded.fonts;
        let lazy = || {
            uses_fonts.then(|| {
                first.get_or_init(|| match cache.lock() {
                    Ok(mut c) => c.get_for_build(overrides),
                    Err(_) => Err("字体加载意外中止".to_string()),
                })
            })
        };
        render_all(&formats, &doc, &lazy)
    };
    // Fonts loaded lean lacked something (a font file changed since, or an outline the
    // layout needed): read them whole and render again (the bytes are the same either way).
    if outcomes
        .iter()
        .any(|(_, o)| matches!(o, Err(e) if e.fonts_incomplete))
    {
        let whole = fonts.get_whole(&loaded.fonts);
        outcomes = render_all(&formats, &doc, &|| Some(&whole));
    }
    let mut rendered: Vec<(Option<Format>, PathBuf, Vec<u8>)> = Vec::new();
    for (format, outcome) in outcomes {
        match outcome {
            Ok((files, warnings)) => {
                // The PDF and the OFD share one page layout and so its W-GLYPH warnings.
                for w in warnings {
                    if !loaded.diagnostics.contains(&w) {
                        loaded.diagnostics.push(w);
                    }
                }
                for (suffix, bytes) in format.files().iter().zip(files) {
                    let path = out_dir.join(file_name(&doc.meta.title, draft, suffix));
                    rendered.push((Some(format), path, bytes));
                }
            }
            Err(e) => {
                nianbao_core::diag::sort(&mut loaded.diagnostics);
                let why = format!(
                    "生成 {} 失败：{}",
                    format.extension().to_uppercase(),
                    e.message
                );
                return result(loaded, Vec::new(), Some(why), draft);
            }
        }
    }
    nianbao_core::diag::sort(&mut loaded.diagnostics);
    nianbao_core::diag::cap(&mut loaded.diagnostics, &loaded.sources);
    // A build of no formats (`nianbao serve`'s check-only rebuilds) writes nothing: no empty
    // folder, no checksum list of no files.
    if rendered.is_empty() {
        return result(loaded, Vec::new(), None, draft);
    }
    let list_path = out_dir.join(file_name(&doc.meta.title, draft, checksums::SUFFIX));
    // A workbook the clerk typed numbers into is never silently overwritten with others.
    if let Some((_, path, bytes)) = rendered.iter().find(|(f, _, _)| *f == Some(Format::Xlsx)) {
        if !opts.force {
            if let Some(why) = workbook_guard(path, bytes, report, &list_path) {
                return result(loaded, Vec::new(), Some(why), draft);
            }
        }
    }
    // The checksum list goes with the files it lists, in the same all-or-nothing set.
    let sources = checksums::sources_digest(&loaded, report, &report_dir(dir));
    let list = checksum_list(&rendered, &sources, &list_path);
    rendered.push((None, list_path, list.into_bytes()));
    if let Err(e) = std::fs::create_dir_all(&out_dir) {
        let why = format!("无法创建输出文件夹“{}”：{e}", out_dir.display());
        return result(loaded, Vec::new(), Some(why), draft);
    }
    let files: Vec<(&Path, &[u8])> = rendered
        .iter()
        .map(|(_, p, b)| (p.as_path(), b.as_slice()))
        .collect();
    let statuses = write_all_flushing(&files, opts.flush);
    let outputs = rendered
        .iter()
        .zip(statuses)
        .map(|((format, path, bytes), status)| Output {
            format: *format,
            path: path.clone(),
            size: bytes.len(),
            status,
        })
        .collect();
    result(loaded, outputs, None, draft)
}

/// Why the workbook at `path` may not be replaced: the cells whose numbers were changed in it
/// since it was built and differ from the sources. None when there is nothing to lose.
/// `new` is the workbook this build is about to write; `list` the checksum list beside it.
fn workbook_guard(
    path: &Path,
    new: &[u8],
    report: &nianbao_core::Report,
    list: &Path,
) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > nianbao_import::MAX_BYTES as u64 {
        return None;
    }
    let existing = std::fs::read(path).ok()?;
    if existing == new {
        // Nothing changed since the last build (the common case while watching).
        return None;
    }
    if checksums::records(list, path, &existing) {
        // The bytes an earlier build wrote, as its checksum list records them: nobody has
        // typed into this workbook since, so there is nothing to read back (~3 ms saved on
        // every save that changes a number while `watch` runs).
        return None;
    }
    let edits = nianbao_import::workbook::edits(&existing, report);
    if edits.is_empty() {
        return None;
    }
    let mut why = format!(
        "工作簿“{}”中有 {} 个数字在 Excel/WPS 中改过、与源文件不同，为免覆盖，未生成文件：",
        path.display(),
        edits.len()
    );
    for e in &edits {
        why.push_str(&format!(
            "\n  {} {}：工作簿中为 {}，源文件为 {}",
            e.cell, e.label, e.workbook, e.sources
        ));
    }
    why.push_str(&format!(
        "\n  提示：运行 nianbao sync-xlsx \"{}\" 把这些数字写回 report.toml；或加 --force 用源文件覆盖工作簿",
        path.display()
    ));
    Some(why)
}

/// The checksum list of the rendered files, by file name.
fn checksum_list(
    rendered: &[(Option<Format>, PathBuf, Vec<u8>)],
    sources: &str,
    list_path: &Path,
) -> String {
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let names: Vec<String> = rendered.iter().map(|(_, p, _)| name(p)).collect();
    let files: Vec<(&str, &[u8])> = names
        .iter()
        .zip(rendered)
        .map(|(n, (_, _, b))| (n.as_str(), b.as_slice()))
        .collect();
    checksums::list(&files, sources, &name(list_path))
}

/// What an exporter made: the bytes of each of its files (in [`Format::files`] order) and
/// its warnings (W-GLYPH from the page layout).
type Rendered = Result<(Vec<Vec<u8>>, Vec<Diagnostic>), ExportError>;

/// Renders `doc` as `format`. `fonts` is the result of loading them, for the formats that
/// use them.
fn render(format: Format, doc: &Document, fonts: Option<&Result<Arc<Fonts>, String>>) -> Rendered {
    let plain = |bytes: Result<Vec<u8>, ExportError>| bytes.map(|b| (vec![b], Vec::new()));
    let fonts = || {
        fonts
            .ok_or_else(|| ExportError::new("字体未加载"))?
            .as_ref()
            .map_err(ExportError::new)
    };
    match format {
        Format::Docx => plain(docx::export(doc)),
        Format::Pdf => {
            let out = pdf::export(doc, fonts()?)?;
            Ok((vec![out.bytes], out.warnings))
        }
        Format::Ofd => {
            let out = ofd::export(doc, fonts()?)?;
            Ok((vec![out.bytes], out.warnings))
        }
        Format::Xlsx => plain(xlsx::export(doc)),
        Format::Html => {
            let out = html::export(doc)?;
            Ok((
                vec![out.page.into_bytes(), out.fragment.into_bytes()],
                Vec::new(),
            ))
        }
    }
}

/// Renders every format, in format order. The formats laid out with the fonts (the PDF, the
/// OFD) are the long poles: each runs on a thread of its own while this one makes the others
/// (cold three-format build ~15 → ~12 ms on two cores; batch builds already use both).
fn render_all<'f>(
    formats: &[Format],
    doc: &Document,
    fonts: &(dyn Fn() -> Option<&'f Result<Arc<Fonts>, String>> + Sync),
) -> Vec<(Format, Rendered)> {
    let (slow, quick): (Vec<Format>, Vec<Format>) = formats.iter().partition(|f| f.uses_fonts());
    let mut results = std::thread::scope(|s| {
        let handles: Vec<_> = slow
            .iter()
            .map(|&f| (f, s.spawn(move || render(f, doc, fonts()))))
            .collect();
        let mut results: Vec<(Format, Rendered)> = quick
            .into_iter()
            .map(|f| (f, render(f, doc, None)))
            .collect();
        for (f, h) in handles {
            let done = h.join().unwrap_or_else(|_| {
                Err(ExportError::new(format!(
                    "{} 导出意外中止",
                    f.extension().to_uppercase()
                )))
            });
            results.push((f, done));
        }
        results
    });
    results.sort_by_key(|(f, _)| *f);
    results
}

/// E-FONT: the fonts for the PDF could not be found or loaded (`why` says where it looked).
fn font_error(why: &str) -> Diagnostic {
    Diagnostic::error(
        "E-FONT",
        "找不到 PDF 所需的字体，未生成 PDF（其他格式照常生成）",
    )
    .hint(why.trim())
    .hint("复制 nianbao 程序时要连同旁边的 fonts 文件夹一起复制；或用 --fonts 指定字体文件夹")
    .hint("只要 Word、Excel 和网页文件时，可加 --format docx,xlsx,html，就不会报这个错误")
}

/// The folder of a report given as a folder or as its `report.toml`.
pub fn report_dir(path: &Path) -> PathBuf {
    if path.is_file() {
        path.parent().map_or_else(PathBuf::new, Path::to_path_buf)
    } else {
        path.to_path_buf()
    }
}

/// Diagnostics of a build that are errors.
pub fn errors(report: &BuildReport) -> impl Iterator<Item = &Diagnostic> {
    report
        .loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == nianbao_core::Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_are_valid_on_windows() {
        let title = "某县\t“A/B”:局*?<>|\\2024年政府信息公开工作年度报告";
        let name = output_name(title, true, Format::Pdf);
        assert_eq!(
            name,
            "某县_“A_B”_局______2024年政府信息公开工作年度报告（草稿）.pdf"
        );
        let stem = name.trim_end_matches(".pdf");
        assert!(!stem.ends_with(['.', ' ']));
        assert!(!name
            .chars()
            .any(|c| c.is_control() || "/\\:*?\"<>|".contains(c)));
    }
}
