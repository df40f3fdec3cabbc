//! Web pages: a portal article saved from the browser (“网页，仅 HTML” or “全部”), parsed the
//! way the browser parsed it (html5ever through scraper).
//!
//! - Only the article is read: the smallest element that holds both the report's title and
//!   its last section, so the portal's menus and footer stay out.
//! - Block elements (`p`, `div`, `h1`–`h6`, `li`, …) are paragraphs, `<br>` breaks one;
//!   `<b>`, `<strong>` and `font-weight: bold` are bold. Whitespace collapses as in the
//!   browser, and spaces next to Chinese characters (editors' `&nbsp;` padding) are dropped.
//! - A `<table>` is expanded to its grid with the HTML table algorithm: every cell at the row
//!   and column its `rowspan`/`colspan` and the cells above give it. A table that holds other
//!   tables is page layout and is read as text.

use scraper::{ElementRef, Html, Node};

use crate::flow::{Block, Flow, Grid, GridCell, Para};
use crate::norm;

/// Largest span honoured (the HTML standard caps rowspan at 65534; the official tables need
/// 22).
const MAX_SPAN: usize = 100;

/// Grid positions a table may cover (the official tables need 28 × 15): beyond it a hostile
/// page's spans are not expanded.
const MAX_AREA: usize = 100_000;

const BLOCKS: [&str; 24] = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "center",
    "dd",
    "dt",
    "dl",
    "main",
    "aside",
    "form",
];

const SKIP: [&str; 8] = [
    "script", "style", "head", "noscript", "template", "iframe", "svg", "select",
];

/// Reads an HTML page into a flow.
pub fn read(bytes: &[u8]) -> Flow {
    let (text, _) = crate::text::decode(bytes);
    let doc = Html::parse_document(&text);
    let mut r = Reader {
        flow: Flow::default(),
        para: None,
        paras: 0,
        tables: 0,
    };
    let root = article(&doc).unwrap_or_else(|| doc.root_element());
    r.walk(root, false);
    r.flush();
    r.flow.notes.push(
        "网页按浏览器的方式解析：表格的 rowspan/colspan 已展开到行列位置；汉字旁的空格已删去"
            .into(),
    );
    r.flow
}

/// The article: the smallest element that holds the report's title line (an element whose
/// whole text is `…年政府信息公开工作年度报告`) and its section 六.
fn article(doc: &Html) -> Option<ElementRef<'_>> {
    let skipped = |el: &ElementRef| {
        el.ancestors()
            .filter_map(ElementRef::wrap)
            .chain(std::iter::once(*el))
            .any(|a| SKIP.contains(&a.value().name()))
    };
    let title = doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|el| !skipped(el))
        .find(|el| crate::recognize::is_title(&el.text().collect::<String>()))?;
    title
        .ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| norm::label(&a.text().collect::<String>()).contains("其他需要报告"))
}

struct Reader {
    flow: Flow,
    para: Option<Para>,
    paras: usize,
    tables: usize,
}

fn is_bold(el: &ElementRef) -> bool {
    let name = el.value().name();
    if matches!(name, "b" | "strong") {
        return true;
    }
    el.value().attr("style").is_some_and(|s| {
        let s = s.to_ascii_lowercase().replace(' ', "");
        s.contains("font-weight:bold")
            || s.contains("font-weight:700")
            || s.contains("font-weight:bolder")
    })
}

impl Reader {
    fn flush(&mut self) {
        if let Some(mut p) = self.para.take() {
            for r in &mut p.runs {
                r.text = collapse(&r.text);
            }
            // Collapse across runs too: trim the ends of the paragraph.
            if let Some(first) = p.runs.first_mut() {
                first.text = first.text.trim_start().to_string();
            }
            if let Some(last) = p.runs.last_mut() {
                last.text = last.text.trim_end().to_string();
            }
            p.runs.retain(|r| !r.text.is_empty());
            if !p.text().trim().is_empty() {
                self.flow.blocks.push(Block::Para(p));
            }
        }
    }

    fn text(&mut self, t: &str, bold: bool) {
        if self.para.is_none() {
            if t.trim().is_empty() {
                return;
            }
            self.paras += 1;
            self.para = Some(Para {
                runs: Vec::new(),
                outline: None,
                at: format!("网页第 {} 段", self.paras),
            });
        }
        if let Some(p) = self.para.as_mut() {
            p.push(t, bold);
        }
    }

    fn walk(&mut self, el: ElementRef, bold: bool) {
        let name = el.value().name();
        if SKIP.contains(&name) {
            return;
        }
        if name == "table" && !has_nested_table(&el) {
            self.flush();
            self.tables += 1;
            let grid = table(&el, self.tables);
            self.flow.blocks.push(Block::Table(grid));
            return;
        }
        let block = BLOCKS.contains(&name) || matches!(name, "table" | "tr" | "td" | "th");
        if block {
            self.flush();
        }
        let bold = bold || is_bold(&el);
        for child in el.children() {
            match child.value() {
                Node::Text(t) => self.text(t, bold),
                Node::Element(e) if e.name() == "br" => self.flush(),
                Node::Element(_) => {
                    if let Some(c) = ElementRef::wrap(child) {
                        self.walk(c, bold);
                    }
                }
                _ => {}
            }
        }
        if block {
            self.flush();
        }
    }
}

fn has_nested_table(el: &ElementRef) -> bool {
    el.descendants()
        .skip(1)
        .filter_map(ElementRef::wrap)
        .any(|e| e.value().name() == "table")
}

/// Browser whitespace: runs of spaces, tabs and newlines are one space; then spaces next to
/// Chinese characters go.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}') {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        if space && out.is_empty() && s.starts_with(char::is_whitespace) {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    if space {
        out.push(' ');
    }
    let lead = out.starts_with(' ');
    let trail = out.ends_with(' ') && out.len() > 1;
    let mut squeezed = norm::squeeze_cjk_spaces(&out);
    // Keep one separating space at the ends between Latin words across runs.
    if lead && !squeezed.starts_with(norm::is_cjk) && !squeezed.is_empty() {
        squeezed.insert(0, ' ');
    }
    if trail && !squeezed.ends_with(norm::is_cjk) && !squeezed.is_empty() {
        squeezed.push(' ');
    }
    squeezed
}

/// A cell's text: its paragraphs and `<br>` lines joined with newlines.
fn cell_text(el: &ElementRef) -> String {
    fn walk(el: &ElementRef, out: &mut String) {
        for child in el.children() {
            match child.value() {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) if e.name() == "br" => out.push('\n'),
                Node::Element(e) if SKIP.contains(&e.name()) => {}
                Node::Element(e) => {
                    let block = BLOCKS.contains(&e.name());
                    if block && !out.is_empty() {
                        out.push('\n');
                    }
                    if let Some(c) = ElementRef::wrap(child) {
                        walk(&c, out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut raw = String::new();
    walk(el, &mut raw);
    raw.split('\n')
        .map(|l| collapse(l).trim().to_string())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn span(el: &ElementRef, attr: &str) -> usize {
    el.value()
        .attr(attr)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_SPAN)
}

/// The HTML table algorithm (simplified: no `rowspan=0`): each cell goes to the first column
/// of its row not covered by a cell above.
fn table(el: &ElementRef, n: usize) -> Grid {
    let mut grid = Grid {
        cells: Vec::new(),
        at: format!("网页表格 {n}"),
        from_text: false,
    };
    let mut covered: std::collections::HashSet<(usize, usize)> = Default::default();
    let rows = el
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "tr");
    for (r, tr) in rows.enumerate() {
        let mut col = 0;
        for cell in tr
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| matches!(c.value().name(), "td" | "th"))
        {
            while covered.contains(&(r, col)) {
                col += 1;
            }
            let (rowspan, colspan) = (span(&cell, "rowspan"), span(&cell, "colspan"));
            if covered.len() + rowspan * colspan > MAX_AREA {
                break;
            }
            for dr in 0..rowspan {
                for dc in 0..colspan {
                    covered.insert((r + dr, col + dc));
                }
            }
            grid.cells.push(GridCell {
                row: r,
                col,
                rowspan,
                colspan,
                text: cell_text(&cell),
                at: format!("网页表格 {n} 第 {} 行第 {} 列", r + 1, col + 1),
            });
            col += colspan;
        }
    }
    grid.cells.sort_by_key(|c| (c.row, c.col));
    grid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_expanded() {
        let html = "<table><tr><td rowspan=2>A</td><td colspan=2>B</td></tr><tr><td>C</td><td>D</td></tr></table>";
        let doc = Html::parse_document(html);
        let t = doc
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().name() == "table");
        let g = table(&t.unwrap_or_else(|| doc.root_element()), 1);
        let pos: Vec<(usize, usize, &str)> = g
            .cells
            .iter()
            .map(|c| (c.row, c.col, c.text.as_str()))
            .collect();
        assert_eq!(
            pos,
            vec![(0, 0, "A"), (0, 1, "B"), (1, 1, "C"), (1, 2, "D")]
        );
    }

    #[test]
    fn whitespace() {
        assert_eq!(collapse("  全年\n  发布\u{a0}信息 "), "全年发布信息");
        assert_eq!(collapse("Open\n XML"), "Open XML");
    }
}
