//! HTML for the portal: the complete page ([`page`]) and the body to paste into a CMS editor
//! ([`fragment`]), both plain functions of the [`Document`].
//!
//! - The page is self-contained (one file, no external resources, no scripts): the title, the
//!   six headings, the paragraphs, the three tables, the signature; fonts named by role with
//!   fallbacks; a print style sheet that sets the GB/T 9704 page from
//!   [`nianbao_core::typography`] (A4, the type area, 3号 body on the 22-line pitch, 28
//!   characters a line, page numbers `— N —` odd right / even left).
//! - The fragment is what portals' editors keep: elements with inline `style` attributes only
//!   (no classes, no `<style>`, no scripts), relative font sizes so it takes the portal's own
//!   size, `lang="zh-CN"` on its root. It has no `<h1>`: the CMS article title is the page's.
//!
//! Both carry the tables exactly as `format.rs` shapes them (`rowspan`/`colspan` per label
//! cell), with a `<caption>`, every label a `<th>` with an `id` and a `scope`, and every number
//! a `<td>` whose `headers` name its row labels and column headers — axe and screen readers
//! get the associations of the template's nested headers (a plain `scope` cannot express
//! them). Numbers are the document's (`Num::display`), the prose its runs.
//!
//! The live preview of the local web app (issue 18) can serve [`page`] as it is.

use std::fmt::Write as _;

use nianbao_core::document::{Cell, CellContent, DocBlock, Document, Imprint, Run, Table, TableId};
use nianbao_core::format::SECTIONS;
use nianbao_core::typography::{self as ty, Role};

use crate::ExportError;

#[cfg(test)]
mod tests;

/// The two HTML files of a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Html {
    /// `<文件名>.html`: the complete page.
    pub page: String,
    /// `<文件名>.fragment.html`: the CMS body.
    pub fragment: String,
}

/// Renders both files. Identical documents give identical bytes.
pub fn export(doc: &Document) -> Result<Html, ExportError> {
    Ok(Html {
        page: page(doc),
        fragment: fragment(doc),
    })
}

/// The complete, self-contained page.
pub fn page(doc: &Document) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let title = match doc.draft {
        true => format!("{}（草稿）", doc.meta.title),
        false => doc.meta.title.clone(),
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"author\" content=\"{author}\">\n\
         <meta name=\"generator\" content=\"{generator}\">\n\
         <title>{title}</title>\n<style>\n{css}</style>\n</head>\n<body>\n<main>\n",
        lang = escape(doc.meta.lang),
        author = escape(&doc.meta.author),
        generator = GENERATOR,
        title = escape(&title),
        css = style_sheet(),
    );
    let mut w = Writer::new(out, Mode::Page);
    w.open("h1", El::Title, "");
    for (i, line) in doc.title.iter().enumerate() {
        if i > 0 {
            w.out.push_str("<br>");
        }
        w.out.push_str(&escape(line));
    }
    w.out.push_str("</h1>\n");
    w.body(doc);
    w.out.push_str("</main>\n</body>\n</html>\n");
    w.out
}

/// The CMS body: one `<div lang="zh-CN">` with inline styles only.
pub fn fragment(doc: &Document) -> String {
    let mut w = Writer::new(String::with_capacity(96 * 1024), Mode::Fragment);
    let lang = format!(" lang=\"{}\"", escape(doc.meta.lang));
    w.open("div", El::Root, &lang);
    w.out.push('\n');
    w.body(doc);
    w.out.push_str("</div>\n");
    w.out
}

/// What made the files (`<meta name="generator">`).
const GENERATOR: &str = concat!("nianbao ", env!("CARGO_PKG_VERSION"));

/// The draft mark's colour on screen. The documents' red (`typography::DRAFT_COLOR`,
/// `#FF0000`) has a contrast of 4.0:1 on white, below WCAG 2's 4.5:1 for text of this size;
/// this darker red has 5.9:1.
const DRAFT_COLOR_SCREEN: &str = "#CC0000";

/// Font size of table text on screen and in the fragment, relative to the body. Print uses
/// the documents' 五号 (10.5 pt against 3号's 16: 0.66), which in a portal's 14–16 px body
/// would be 9–11 px.
const TABLE_EM_SCREEN: f32 = 0.875;

/// Whether the styles go into a style sheet (classes) or onto each element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Page,
    Fragment,
}

/// The kinds of element that carry a style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum El {
    /// The fragment's root `<div>` (the page styles `body`).
    Root,
    Title,
    Draft,
    /// Heading of document level 1–4 (`<h2>`–`<h5>`).
    Heading(u8),
    Para,
    /// The page's scrolling box around a table (narrow screens).
    TableBox,
    /// A table; `whole` when it may not break across printed pages (no header rows to
    /// repeat: 表二).
    Table {
        whole: bool,
    },
    Caption,
    /// A column header.
    ColHeader,
    /// A row label.
    RowLabel,
    Number,
    Signature,
}

impl El {
    /// Every element with a class in the page's style sheet.
    const CLASSED: [El; 15] = [
        El::Title,
        El::Draft,
        El::Heading(1),
        El::Heading(2),
        El::Heading(3),
        El::Heading(4),
        El::Para,
        El::TableBox,
        El::Table { whole: false },
        El::Table { whole: true },
        El::Caption,
        El::ColHeader,
        El::RowLabel,
        El::Number,
        El::Signature,
    ];

    fn class(self) -> &'static str {
        match self {
            El::Root => "report",
            El::Title => "title",
            El::Draft => "draft",
            El::Heading(1) => "heading-1",
            El::Heading(2) => "heading-2",
            El::Heading(3) => "heading-3",
            El::Heading(_) => "heading-4",
            El::Para => "p",
            El::TableBox => "table-box",
            El::Table { whole: false } => "table",
            El::Table { whole: true } => "table whole",
            El::Caption => "caption",
            El::ColHeader => "col",
            El::RowLabel => "row",
            El::Number => "num",
            El::Signature => "signature",
        }
    }

    /// Screen declarations (relative units), the same for the page's classes and the
    /// fragment's `style` attributes.
    fn css(self) -> String {
        let em = |pt: f32| pt / ty::BODY.size.pt();
        let first_line = format!("text-indent:{}em", ty::INDENT_CHARS);
        let cell = format!(
            "border:1px solid #000;padding:0.15em {:.2}em;vertical-align:middle",
            ty::TABLE_CELL_INSET.pt() / ty::TABLE.size.pt()
        );
        match self {
            El::Root => format!(
                "font-family:{};line-height:{};color:#000;background-color:#fff",
                font_family(ty::BODY.role),
                line_height()
            ),
            El::Title => format!(
                "font-family:{};font-size:{}em;font-weight:normal;text-align:center;\
                 line-height:1.5;margin:0 0 {}em",
                font_family(ty::TITLE.role),
                em(ty::TITLE.size.pt()),
                line_height() * ty::TITLE_BLANK_LINES as f32,
            ),
            El::Draft => format!(
                "font-family:{};color:{DRAFT_COLOR_SCREEN};text-align:center;margin:0 0 1em",
                font_family(ty::DRAFT_LINE.role),
            ),
            El::Heading(level) => {
                let style = ty::HEADINGS[usize::from(level.clamp(1, 4) - 1)];
                format!(
                    "font-family:{};font-size:1em;font-weight:normal;{first_line};margin:0",
                    font_family(style.role)
                )
            }
            // Ragged right on screen: a URL or an e-mail address that cannot break would
            // stretch a justified line into gaps; any string longer than the line breaks
            // anywhere rather than widen the page (reflow at 200 %, print without shrinking).
            El::Para => format!("{first_line};text-align:start;overflow-wrap:anywhere;margin:0"),
            El::TableBox => "overflow-x:auto;margin:0.5em 0".to_string(),
            El::Table { .. } => format!(
                "border-collapse:collapse;width:100%;table-layout:fixed;\
                 font-family:{};font-size:{TABLE_EM_SCREEN}em;line-height:1.4;margin:0.5em 0",
                font_family(ty::TABLE.role)
            ),
            El::Caption => "position:absolute;width:1px;height:1px;margin:-1px;padding:0;\
                 overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0"
                .to_string(),
            El::ColHeader | El::Number => format!("{cell};font-weight:normal;text-align:center"),
            El::RowLabel => format!("{cell};font-weight:normal;text-align:left"),
            El::Signature => format!(
                "margin:{}em 0 0;text-align:right",
                line_height() * ty::SIGNATURE_BLANK_LINES as f32
            ),
        }
    }
}

/// Body line height relative to the body size: the grid's line pitch (28.95 pt on 16 pt).
fn line_height() -> f32 {
    let pitch = ty::LINE_PITCH_TWIPS as f32 / 20.0;
    (pitch / ty::BODY.size.pt() * 100.0).round() / 100.0
}

/// `font-family` for a role: the official face, the face systems install under a Chinese
/// name, its Latin name, the open faces of Linux desktops (统信UOS/麒麟 ship Noto CJK), then
/// the generic family.
fn font_family(role: Role) -> String {
    let (open, generic) = match role {
        Role::Hei => ("Noto Sans CJK SC", "sans-serif"),
        // Times New Roman's metric twin on Linux desktops.
        Role::Latin => ("Liberation Serif", "serif"),
        Role::Fang | Role::Kai | Role::Title | Role::Song | Role::Fallback => {
            ("Noto Serif CJK SC", "serif")
        }
    };
    let mut names: Vec<&str> = Vec::new();
    if let Some(f) = role.faces() {
        for n in [f.official, f.installed, f.latin] {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    names.push(open);
    let mut s: String = names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(",");
    s.push(',');
    s.push_str(generic);
    s
}

/// The page's style sheet: the screen classes, then the printed page.
fn style_sheet() -> String {
    let mut css = String::new();
    let _ = writeln!(
        css,
        "html{{color:#000;background-color:#fff}}\n\
         body{{margin:0;font-family:{};font-size:1.125rem;line-height:{}}}\n\
         main{{max-width:40em;margin:0 auto;padding:2em 1em}}",
        font_family(ty::BODY.role),
        line_height()
    );
    for el in El::CLASSED {
        let class = el.class().replace(' ', ".");
        let _ = writeln!(css, ".{class}{{{}}}", el.css());
    }
    // On a narrow screen the tables keep a readable width and scroll sideways in their box.
    let _ = writeln!(css, ".table{{min-width:36em}}");
    css.push_str(&print_css());
    css
}

/// The printed page, every value from the typography.
fn print_css() -> String {
    let mm = |m: ty::Mm| format!("{}mm", m.0);
    let pt = |s: ty::Size| format!("{}pt", s.pt());
    let pitch = ty::LINE_PITCH_TWIPS as f32 / 20.0;
    // Word's character grid: 28 characters fill the type area exactly (≈ −0.21 pt each).
    let tracking = format!(
        "calc(({} - {} * {}) / {})",
        mm(ty::TYPE_WIDTH),
        ty::CHARS,
        pt(ty::BODY.size),
        ty::CHARS
    );
    let number = |side: &str| {
        format!(
            "@bottom-{side}{{content:\"{before}\" counter(page) \"{after}\";font-family:{face};\
             font-size:{size};vertical-align:top;padding-top:{gap};margin-{side}:{inset}em}}",
            before = ty::PAGE_NUMBER_BEFORE,
            after = ty::PAGE_NUMBER_AFTER,
            face = font_family(ty::PAGE_NUMBER.role),
            size = pt(ty::PAGE_NUMBER.size),
            gap = mm(ty::PAGE_NUMBER_GAP),
            inset = ty::PAGE_NUMBER_INSET_CHARS,
        )
    };
    format!(
        "@page{{size:{w} {h};margin:{top} {right} {bottom} {left}}}\n\
         @page :right{{{odd}}}\n@page :left{{{even}}}\n\
         @media print{{\
         body{{font-size:{body};line-height:{pitch}pt}}\
         main{{max-width:none;margin:0;padding:0}}\
         .title{{font-size:{title};line-height:{pitch}pt;margin-bottom:{title_gap}pt}}\
         .draft{{font-size:{draft};color:#{draft_color}}}\
         .p{{text-align:justify}}\
         .p,.heading-1,.heading-2,.heading-3,.heading-4{{letter-spacing:{tracking}}}\
         .heading-1,.heading-2,.heading-3,.heading-4{{break-after:avoid}}\
         .table-box{{overflow:visible}}\
         .table{{min-width:0;font-size:{table};line-height:1.3}}\
         .whole{{break-inside:avoid}}\
         thead{{display:table-header-group}}\
         tr{{break-inside:avoid}}\
         .signature{{break-inside:avoid;break-before:avoid}}\
         }}\n",
        w = mm(ty::PAGE_WIDTH),
        h = mm(ty::PAGE_HEIGHT),
        top = mm(ty::MARGIN_TOP),
        right = mm(ty::MARGIN_RIGHT),
        bottom = mm(ty::MARGIN_BOTTOM),
        left = mm(ty::MARGIN_LEFT),
        odd = number("right"),
        even = number("left"),
        body = pt(ty::BODY.size),
        title = pt(ty::TITLE.size),
        title_gap = pitch * ty::TITLE_BLANK_LINES as f32,
        draft = pt(ty::DRAFT_LINE.size),
        draft_color = ty::DRAFT_COLOR,
        table = pt(ty::TABLE.size),
    )
}

/// Text for HTML: `&`, `<`, `>` and `"` escaped; control characters (never in a checked
/// report) shown as U+FFFD rather than written raw, which HTML forbids.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Builds one of the two files.
struct Writer {
    out: String,
    mode: Mode,
    /// The `class="…"` or `style="…"` attribute of each kind of element, made once (the
    /// fragment repeats a cell's declarations some 300 times).
    attrs: Vec<(El, String)>,
}

impl Writer {
    fn new(out: String, mode: Mode) -> Self {
        Writer {
            out,
            mode,
            attrs: Vec::new(),
        }
    }

    /// `<tag` with the element's class or style, then `attrs` (each with its leading space)
    /// and `>`.
    fn open(&mut self, tag: &str, el: El, attrs: &str) {
        let k = match self.attrs.iter().position(|(e, _)| *e == el) {
            Some(k) => k,
            None => {
                let attr = match self.mode {
                    Mode::Page => format!(" class=\"{}\"", el.class()),
                    Mode::Fragment => format!(" style=\"{}\"", el.css()),
                };
                self.attrs.push((el, attr));
                self.attrs.len() - 1
            }
        };
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push_str(&self.attrs[k].1);
        self.out.push_str(attrs);
        self.out.push('>');
    }

    /// Everything below the title: the draft mark, the blocks in order.
    fn body(&mut self, doc: &Document) {
        if doc.draft {
            self.open("p", El::Draft, "");
            self.out.push_str(&escape(crate::xlsx::DRAFT_MARK));
            self.out.push_str("</p>\n");
        }
        for block in &doc.blocks {
            match block {
                DocBlock::Heading { level, runs, .. } => {
                    let level = (*level).clamp(1, 4);
                    let tag = format!("h{}", level + 1);
                    self.open(&tag, El::Heading(level), "");
                    self.runs(runs);
                    let _ = writeln!(self.out, "</{tag}>");
                }
                DocBlock::Paragraph { runs, .. } => {
                    self.open("p", El::Para, "");
                    self.runs(runs);
                    self.out.push_str("</p>\n");
                }
                DocBlock::Table(t) => self.table(t),
                DocBlock::Signature { agency, date } => self.signature(agency, date),
                DocBlock::Imprint(i) => self.imprint(i),
            }
        }
    }

    fn runs(&mut self, runs: &[Run]) {
        for run in runs {
            let text = escape(&run.text).replace('\n', "<br>");
            if run.bold {
                let _ = write!(self.out, "<strong>{text}</strong>");
            } else {
                self.out.push_str(&text);
            }
        }
    }

    /// The signature per GB/T 9704 §7.3.5.2 ([`ty::signature_x`]), in characters: each line
    /// right-aligned with the right indent the rule gives.
    fn signature(&mut self, agency: &str, date: &str) {
        let width = |s: &str| -> f32 {
            s.chars()
                .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
                .sum()
        };
        let (aw, dw) = (width(agency), width(date));
        let (ax, dx) = ty::signature_x(0.0, aw, dw, 1.0);
        self.open("div", El::Signature, "");
        self.out.push('\n');
        for (text, right) in [(agency, -ax - aw), (date, -dx - dw)] {
            let _ = writeln!(
                self.out,
                "<p style=\"margin:0;padding-right:{}em\">{}</p>",
                (right * 100.0).round() / 100.0,
                escape(text)
            );
        }
        self.out.push_str("</div>\n");
    }

    /// The 版记 (GB/T 9704 §7.4) below the signature: 4号 (14/16 of the body), between a
    /// thick first and last rule, a thin rule between 抄送 and the 印发 line; printer left,
    /// date right. Inline styles in both files (the fragment allows no classes).
    fn imprint(&mut self, i: &Imprint) {
        self.out.push_str(
            "<div style=\"margin:2em 0 0;border-top:2px solid #000;border-bottom:2px solid #000;font-size:0.875em;line-height:1.75\">\n",
        );
        if let Some((label, agencies)) = &i.cc {
            let _ = writeln!(
                self.out,
                "<p style=\"margin:0;padding:0 1em;border-bottom:1px solid #000;text-indent:0\">{}{}</p>",
                escape(label),
                escape(agencies)
            );
        }
        let _ = writeln!(
            self.out,
            "<p style=\"margin:0;padding:0 1em;text-indent:0;display:flex;justify-content:space-between;flex-wrap:wrap\"><span>{}</span><span>{}</span></p>",
            escape(&i.printer),
            escape(&i.date)
        );
        self.out.push_str("</div>\n");
    }

    /// One official table: `<caption>`, the column widths, the header rows in `<thead>`
    /// (repeated on each printed page), every label a `<th>`, every number a `<td>` with
    /// `headers`.
    fn table(&mut self, t: &Table) {
        let key = table_key(t.id);
        let caption = caption(t);
        let caption_id = format!("nb-{key}-caption");
        if self.mode == Mode::Page {
            let attrs = format!(" role=\"region\" aria-labelledby=\"{caption_id}\" tabindex=\"0\"");
            self.open("div", El::TableBox, &attrs);
            self.out.push('\n');
        }
        let whole = t.shape.header_rows == 0;
        self.open("table", El::Table { whole }, "");
        self.out.push('\n');
        self.open("caption", El::Caption, &format!(" id=\"{caption_id}\""));
        let _ = writeln!(self.out, "{}</caption>", escape(&caption));
        let total: u32 = t.shape.col_weights.iter().map(|&w| u32::from(w)).sum();
        self.out.push_str("<colgroup>");
        for &w in t.shape.col_weights {
            let pct = f64::from(w) * 100.0 / f64::from(total.max(1));
            let _ = write!(self.out, "<col style=\"width:{:.2}%\">", pct);
        }
        self.out.push_str("</colgroup>\n");
        let grid = Grid::new(t);
        let header_rows = t.shape.header_rows;
        for row in 0..t.shape.rows {
            if row == 0 {
                self.out.push_str(if header_rows > 0 {
                    "<thead>\n"
                } else {
                    "<tbody>\n"
                });
            } else if row == header_rows {
                self.out.push_str("</thead>\n<tbody>\n");
            }
            self.out.push_str("<tr>");
            for cell in t.cells.iter().filter(|c| c.row == row) {
                self.cell(key, t, &grid, cell);
            }
            self.out.push_str("</tr>\n");
        }
        self.out.push_str("</tbody>\n</table>\n");
        if self.mode == Mode::Page {
            self.out.push_str("</div>\n");
        }
    }

    fn cell(&mut self, key: &str, t: &Table, grid: &Grid<'_>, cell: &Cell) {
        let mut attrs = String::new();
        if cell.rowspan > 1 {
            let _ = write!(attrs, " rowspan=\"{}\"", cell.rowspan);
        }
        if cell.colspan > 1 {
            let _ = write!(attrs, " colspan=\"{}\"", cell.colspan);
        }
        match &cell.content {
            CellContent::Label { text, header } => {
                let (el, scope) = if *header {
                    (El::ColHeader, "col")
                } else {
                    (El::RowLabel, "row")
                };
                let attrs = format!(" id=\"{}\" scope=\"{scope}\"{attrs}", cell_id(key, cell));
                self.open("th", el, &attrs);
                let _ = write!(self.out, "{}</th>", escape(text));
            }
            CellContent::Number { value, .. } => {
                let mut ids = String::from(" headers=\"");
                for (i, h) in grid.headers(t, cell).iter().enumerate() {
                    if i > 0 {
                        ids.push(' ');
                    }
                    ids.push_str(&cell_id(key, h));
                }
                ids.push('"');
                ids.push_str(&attrs);
                self.open("td", El::Number, &ids);
                let _ = write!(self.out, "{}</td>", escape(&value.display()));
            }
        }
    }
}

/// `t2`, `t3`, `t4`: the table's part of its cells' ids.
fn table_key(id: TableId) -> &'static str {
    match id {
        TableId::Active => "t2",
        TableId::Applications => "t3",
        TableId::Appeals => "t4",
    }
}

/// The id of a label cell: table and grid position (unique on the page).
fn cell_id(key: &str, c: &Cell) -> String {
    format!("nb-{key}-r{}c{}", c.row, c.col)
}

/// The caption: the section's heading without its number (`主动公开政府信息情况`).
fn caption(t: &Table) -> String {
    let heading = SECTIONS.get(t.shape.section).copied().unwrap_or_default();
    heading
        .split_once('、')
        .map_or(heading, |(_, rest)| rest)
        .to_string()
}

/// Which cell covers each grid position of a table.
struct Grid<'t> {
    cols: usize,
    owner: Vec<Option<&'t Cell>>,
}

impl<'t> Grid<'t> {
    fn new(t: &'t Table) -> Self {
        let (rows, cols) = (usize::from(t.shape.rows), usize::from(t.shape.cols));
        let mut owner = vec![None; rows * cols];
        for c in &t.cells {
            for r in usize::from(c.row)..(usize::from(c.row) + usize::from(c.rowspan)).min(rows) {
                for k in usize::from(c.col)..(usize::from(c.col) + usize::from(c.colspan)).min(cols)
                {
                    owner[r * cols + k] = Some(c);
                }
            }
        }
        Grid { cols, owner }
    }

    fn at(&self, row: usize, col: usize) -> Option<&'t Cell> {
        self.owner.get(row * self.cols + col).copied().flatten()
    }

    /// The label cells a number cell belongs to: its row labels from the outermost (left) in,
    /// then its column headers from the outermost (top) down. Column headers are the header
    /// cells straight above it, past the numbers below them, up to the first cell that is not
    /// a header (table 二 repeats its header rows inside the table); row labels the row
    /// labels to its left in its row, past the numbers.
    fn headers(&self, t: &Table, cell: &Cell) -> Vec<&'t Cell> {
        let is = |c: &Cell, header: bool| matches!(c.content, CellContent::Label { header: h, .. } if h == header);
        let mut rows: Vec<&'t Cell> = Vec::new();
        for k in (0..usize::from(cell.col)).rev() {
            match self.at(usize::from(cell.row), k) {
                Some(c) if is(c, false) => {
                    if !rows.iter().any(|r| std::ptr::eq(*r, c)) {
                        rows.push(c);
                    }
                }
                // Other numbers of the row: keep looking left for its labels.
                Some(c) if rows.is_empty() && !is(c, true) => {}
                _ => break,
            }
        }
        rows.reverse();
        let mut cols: Vec<&'t Cell> = Vec::new();
        let span = usize::from(cell.col)..usize::from(cell.col + cell.colspan);
        for k in span.filter(|&k| k < usize::from(t.shape.cols)) {
            let mut seen_header = false;
            for r in (0..usize::from(cell.row)).rev() {
                match self.at(r, k) {
                    Some(c) if is(c, true) => {
                        seen_header = true;
                        if !cols.iter().any(|h| std::ptr::eq(*h, c)) {
                            cols.push(c);
                        }
                    }
                    // Numbers (and row labels) below the headers: keep looking up until the
                    // first header, stop at the first cell after the headers.
                    _ if seen_header => break,
                    _ => {}
                }
            }
        }
        cols.sort_by_key(|c| (c.row, c.col));
        rows.extend(cols);
        rows
    }
}
