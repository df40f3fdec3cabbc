//! The HTML read back: a small tokenizer (our output only: double-quoted attributes, the four
//! entities we write) and the HTML table model (cells placed in the first free slot of their
//! row, spans occupying the slots below and to the right), so the tests see the grid a browser
//! or a screen reader builds, not the one we meant to write.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use nianbao_core::document::{self, CellContent, DocBlock, Document, TableId};
use nianbao_core::format::{self, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_GROUPS};
use nianbao_core::model::Report;
use nianbao_core::sample;

use super::*;
use crate::test_support::assert_golden;

#[derive(Debug, Clone)]
struct Tag {
    name: String,
    attrs: BTreeMap<String, String>,
    close: bool,
}

#[derive(Debug, Clone)]
enum Tok {
    Tag(Tag),
    Text(String),
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn tokens(html: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        if lt > 0 {
            out.push(Tok::Text(unescape(&rest[..lt])));
        }
        let gt = rest[lt..].find('>').expect("tag closed") + lt;
        let inner = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if inner.starts_with('!') {
            continue;
        }
        let close = inner.starts_with('/');
        let inner = inner.trim_start_matches('/');
        let (name, mut attrs_text) = inner.split_once(' ').unwrap_or((inner, ""));
        let mut attrs = BTreeMap::new();
        while let Some(eq) = attrs_text.find("=\"") {
            let key = attrs_text[..eq].trim().to_string();
            let end = attrs_text[eq + 2..].find('"').expect("attribute closed") + eq + 2;
            attrs.insert(key, unescape(&attrs_text[eq + 2..end]));
            attrs_text = &attrs_text[end + 1..];
        }
        assert!(
            attrs_text.trim().is_empty(),
            "attribute without a quoted value: {attrs_text:?}"
        );
        out.push(Tok::Tag(Tag {
            name: name.to_string(),
            attrs,
            close,
        }));
        // Raw text elements: skip to their end tag.
        if !close && (name == "style" || name == "script") {
            let end = rest.find(&format!("</{name}>")).expect("raw text closed");
            rest = &rest[end..];
        }
    }
    if !rest.is_empty() {
        out.push(Tok::Text(unescape(rest)));
    }
    out
}

/// One cell as the HTML table model places it.
#[derive(Debug, Clone)]
struct PCell {
    th: bool,
    row: u8,
    col: u8,
    rowspan: u8,
    colspan: u8,
    text: String,
    attrs: BTreeMap<String, String>,
}

#[derive(Debug, Default)]
struct PTable {
    caption: String,
    cells: Vec<PCell>,
}

impl PTable {
    fn by_id(&self, id: &str) -> Option<&PCell> {
        self.cells
            .iter()
            .find(|c| c.attrs.get("id").map(String::as_str) == Some(id))
    }

    /// The header cells a data cell names in `headers`, each once, all in this table.
    fn headers_of(&self, c: &PCell) -> Vec<&PCell> {
        let ids = c.attrs.get("headers").expect("a headers attribute");
        let mut seen = BTreeSet::new();
        ids.split_whitespace()
            .map(|id| {
                assert!(seen.insert(id), "{id} named twice");
                let h = self
                    .by_id(id)
                    .unwrap_or_else(|| panic!("{id} not in the table"));
                assert!(h.th, "{id} is not a header cell");
                h
            })
            .collect()
    }
}

fn parse_tables(html: &str) -> Vec<PTable> {
    let mut tables = Vec::new();
    let mut table: Option<PTable> = None;
    let mut rows: Vec<Vec<PCell>> = Vec::new();
    let mut cell: Option<PCell> = None;
    let mut in_caption = false;
    for tok in tokens(html) {
        match tok {
            Tok::Tag(t) if t.name == "table" && !t.close => {
                table = Some(PTable::default());
                rows.clear();
            }
            Tok::Tag(t) if t.name == "table" => {
                let mut tb = table.take().expect("table open");
                tb.cells = place(std::mem::take(&mut rows));
                tables.push(tb);
            }
            Tok::Tag(t) if t.name == "caption" => in_caption = !t.close,
            Tok::Tag(t) if t.name == "tr" && !t.close => rows.push(Vec::new()),
            Tok::Tag(t) if (t.name == "th" || t.name == "td") && !t.close => {
                let span = |k: &str| t.attrs.get(k).map_or(1, |v| v.parse().unwrap());
                cell = Some(PCell {
                    th: t.name == "th",
                    row: 0,
                    col: 0,
                    rowspan: span("rowspan"),
                    colspan: span("colspan"),
                    text: String::new(),
                    attrs: t.attrs.clone(),
                });
            }
            Tok::Tag(t) if t.name == "th" || t.name == "td" => {
                rows.last_mut()
                    .expect("cell inside a row")
                    .push(cell.take().expect("cell open"));
            }
            Tok::Text(s) => {
                if let Some(c) = cell.as_mut() {
                    c.text.push_str(&s);
                } else if in_caption {
                    if let Some(t) = table.as_mut() {
                        t.caption.push_str(&s);
                    }
                }
            }
            _ => {}
        }
    }
    tables
}

/// The HTML table model's slot assignment.
fn place(rows: Vec<Vec<PCell>>) -> Vec<PCell> {
    let mut taken: BTreeSet<(u8, u8)> = BTreeSet::new();
    let mut out = Vec::new();
    for (r, row) in rows.into_iter().enumerate() {
        let r = r as u8;
        let mut col = 0u8;
        for mut c in row {
            while taken.contains(&(r, col)) {
                col += 1;
            }
            c.row = r;
            c.col = col;
            for dr in 0..c.rowspan {
                for dc in 0..c.colspan {
                    assert!(taken.insert((r + dr, col + dc)), "overlap at {r},{col}");
                }
            }
            col += c.colspan;
            out.push(c);
        }
    }
    out
}

/// Text of the elements `tag` (`p`, `h2`, …) in order, tags inside them dropped.
fn texts_of(html: &str, tags: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    for tok in tokens(html) {
        match tok {
            Tok::Tag(t) if tags.contains(&t.name.as_str()) && !t.close => {
                open = Some((t.name.clone(), String::new()));
            }
            Tok::Tag(t) if tags.contains(&t.name.as_str()) => {
                out.extend(open.take());
            }
            Tok::Tag(t) if t.name == "br" => {
                if let Some((_, s)) = open.as_mut() {
                    s.push('\n');
                }
            }
            Tok::Text(s) => {
                if let Some((_, text)) = open.as_mut() {
                    text.push_str(&s);
                }
            }
            _ => {}
        }
    }
    out
}

fn sample_doc(draft: bool) -> (Report, Document) {
    let report = sample::sample_report();
    let doc = document::build(&report, draft);
    (report, doc)
}

/// The source value behind a number cell of the sample's document, read from the report
/// model (what `report.toml` said), not from the document.
fn source_value(report: &Report, id: TableId, row: u8, col: u8) -> String {
    match id {
        TableId::Active => {
            let a = &report.active;
            match (row, col) {
                (2, c) => a.rules[usize::from(c - 1)].value.to_string(),
                (3, c) => a.normative[usize::from(c - 1)].value.to_string(),
                (6, 1) => a.licensing.value.to_string(),
                (9, 1) => a.punishment.value.to_string(),
                (10, 1) => a.enforcement.value.to_string(),
                (13, 1) => a.fee.text.clone(),
                _ => panic!("no number at 表二 {row},{col}"),
            }
        }
        TableId::Applications => {
            let (r, c) = (
                usize::from(row - format::T3_HEADER_ROWS),
                usize::from(col - format::T3_LABEL_COLS),
            );
            report.applications.value(r, c).to_string()
        }
        TableId::Appeals => {
            let (g, k) = (
                usize::from(col) / T4_COLUMNS.len(),
                usize::from(col) % T4_COLUMNS.len(),
            );
            let group = &report.appeals.groups[g];
            if k == format::T4_TOTAL_COL {
                group.total().to_string()
            } else {
                group.cells[k].value.to_string()
            }
        }
    }
}

/// Both files' tables: the template grid, a header cell for every number, every number the
/// source's.
#[test]
fn tables_keep_the_template_grid_headers_and_numbers() {
    let (report, doc) = sample_doc(false);
    for (file, html) in [("page", page(&doc)), ("fragment", fragment(&doc))] {
        let tables = parse_tables(&html);
        let doc_tables: Vec<&Table> = doc.tables().collect();
        assert_eq!(tables.len(), 3, "{file}");
        for (pt, t) in tables.iter().zip(&doc_tables) {
            let name = format!("{file} {}", t.shape.name);
            assert_eq!(pt.caption, caption(t), "{name}");
            // The section heading without its number: 三、收到和处理… → 收到和处理….
            let heading = format::SECTIONS[t.shape.section];
            assert!(
                !pt.caption.is_empty() && heading.ends_with(&pt.caption),
                "{name}"
            );
            assert!(heading[..heading.len() - pt.caption.len()].ends_with('、'));
            // Label cells: exactly format.rs's, at their positions with their spans.
            let got: BTreeSet<(u8, u8, u8, u8, String, bool)> = pt
                .cells
                .iter()
                .filter(|c| c.th)
                .map(|c| (c.row, c.col, c.rowspan, c.colspan, c.text.clone(), true))
                .collect();
            let want: BTreeSet<(u8, u8, u8, u8, String, bool)> = t
                .shape
                .labels
                .iter()
                .map(|l| (l.row, l.col, l.rowspan, l.colspan, l.text.to_string(), true))
                .collect();
            assert_eq!(got, want, "{name}: label cells");
            for th in pt.cells.iter().filter(|c| c.th) {
                let label = t
                    .shape
                    .labels
                    .iter()
                    .find(|l| (l.row, l.col) == (th.row, th.col))
                    .unwrap();
                let scope = if label.header { "col" } else { "row" };
                assert_eq!(th.attrs["scope"], scope, "{name} {}", th.text);
            }
            // Every grid slot covered once (place() asserts no overlap).
            let covered: usize = pt
                .cells
                .iter()
                .map(|c| usize::from(c.rowspan) * usize::from(c.colspan))
                .sum();
            assert_eq!(
                covered,
                usize::from(t.shape.rows) * usize::from(t.shape.cols)
            );

            let mut seen_paths = BTreeSet::new();
            let numbers: Vec<&PCell> = pt.cells.iter().filter(|c| !c.th).collect();
            assert_eq!(
                numbers.len(),
                t.cells
                    .iter()
                    .filter(|c| matches!(c.content, CellContent::Number { .. }))
                    .count()
            );
            for td in numbers {
                let at = format!("{name} {},{}", td.row, td.col);
                assert_eq!(td.text, source_value(&report, t.id, td.row, td.col), "{at}");
                let dc = t.cell(td.row, td.col).unwrap();
                assert_eq!((td.rowspan, td.colspan), (dc.rowspan, dc.colspan), "{at}");
                let headers = pt.headers_of(td);
                let cols: Vec<&PCell> = headers
                    .iter()
                    .copied()
                    .filter(|h| h.attrs["scope"] == "col")
                    .collect();
                let rows: Vec<&PCell> = headers
                    .iter()
                    .copied()
                    .filter(|h| h.attrs["scope"] == "row")
                    .collect();
                // A column header above the cell, over its columns; a row label to its left,
                // across its row. Table 四 has one number row and no row label in the
                // template: its three levels of column headers name each cell.
                assert!(!cols.is_empty(), "{at}: no column header");
                for h in &cols {
                    assert!(h.row + h.rowspan <= td.row, "{at}: {} not above", h.text);
                    assert!(h.col <= td.col && td.col + td.colspan <= h.col + h.colspan);
                }
                if t.id != TableId::Appeals {
                    assert!(!rows.is_empty(), "{at}: no row header");
                }
                for h in &rows {
                    assert!(h.col + h.colspan <= td.col, "{at}: {} not left", h.text);
                    assert!(h.row <= td.row && td.row < h.row + h.rowspan);
                }
                let path: Vec<&str> = headers.iter().map(|h| h.text.as_str()).collect();
                assert!(
                    seen_paths.insert(path.join("/")),
                    "{at}: headers not unique"
                );
            }
        }
        // Known paths, spelled from format.rs.
        let t3 = &tables[1];
        let secret = t3
            .cells
            .iter()
            .find(|c| !c.th && (c.row, c.col) == document::t3_pos(4, 0))
            .unwrap();
        let path: Vec<&str> = t3
            .headers_of(secret)
            .iter()
            .map(|h| h.text.as_str())
            .collect();
        assert_eq!(
            path,
            [
                "三、本年度办理结果",
                format::T3_GROUPS[0].1,
                T3_ROWS[4].label,
                "申请人情况",
                T3_COLUMNS[0].1
            ]
        );
        let t4 = &tables[2];
        let corrected = t4.cells.iter().find(|c| !c.th && c.col == 6).unwrap();
        let path: Vec<&str> = t4
            .headers_of(corrected)
            .iter()
            .map(|h| h.text.as_str())
            .collect();
        assert_eq!(path, ["行政诉讼", "未经复议直接起诉", T4_COLUMNS[1].1]);
        assert_eq!(T4_GROUPS[1].0, "suit_direct");
        let t2 = &tables[0];
        let fee = t2.cells.iter().find(|c| !c.th && c.row == 13).unwrap();
        let path: Vec<&str> = t2.headers_of(fee).iter().map(|h| h.text.as_str()).collect();
        assert_eq!(
            path,
            [
                "行政事业性收费",
                "第二十条第（八）项",
                "本年收费金额（单位：万元）"
            ]
        );
    }
}

/// Headings and paragraphs carry the document's text, in order, in both files; the page also
/// has the title.
#[test]
fn prose_is_the_documents() {
    let (_, doc) = sample_doc(false);
    let mut want: Vec<(String, String)> = Vec::new();
    for b in &doc.blocks {
        let text = |runs: &[nianbao_core::document::Run]| {
            runs.iter().map(|r| r.text.as_str()).collect::<String>()
        };
        match b {
            DocBlock::Heading { level, runs, .. } => {
                want.push((format!("h{}", level + 1), text(runs)))
            }
            DocBlock::Paragraph { runs, .. } => want.push(("p".into(), text(runs))),
            DocBlock::Signature { agency, date } => {
                want.push(("p".into(), agency.clone()));
                want.push(("p".into(), date.clone()));
            }
            DocBlock::Table(_) => {}
            // The 版记: the 抄送 line, then printer and date on one line.
            DocBlock::Imprint(i) => {
                if let Some((label, agencies)) = &i.cc {
                    want.push(("p".into(), format!("{label}{agencies}")));
                }
                want.push(("p".into(), format!("{}{}", i.printer, i.date)));
            }
        }
    }
    let tags = ["h1", "h2", "h3", "h4", "h5", "p"];
    let fragment_texts = texts_of(&fragment(&doc), &tags);
    assert_eq!(fragment_texts, want);
    let page_texts = texts_of(&page(&doc), &tags);
    assert_eq!(page_texts[0], ("h1".into(), doc.title.join("\n")));
    assert_eq!(page_texts[1..], want[..]);
    let h2: Vec<&str> = want
        .iter()
        .filter(|(t, _)| t == "h2")
        .map(|(_, s)| s.as_str())
        .collect();
    assert_eq!(h2, format::SECTIONS);
    // Bold runs are <strong>.
    let bold: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            DocBlock::Paragraph { runs, .. } => Some(runs),
            _ => None,
        })
        .flatten()
        .filter(|r| r.bold)
        .map(|r| r.text.as_str())
        .collect();
    let html = fragment(&doc);
    for b in bold {
        assert!(
            html.contains(&format!("<strong>{}</strong>", escape(b))),
            "{b}"
        );
    }
}

/// The fragment is what a CMS editor keeps: inline styles only, relative sizes, a language.
#[test]
fn the_fragment_has_inline_styles_only() {
    for draft in [false, true] {
        let (_, doc) = sample_doc(draft);
        let html = fragment(&doc);
        let toks = tokens(&html);
        let Tok::Tag(root) = &toks[0] else {
            panic!("starts with a tag")
        };
        assert_eq!(
            (root.name.as_str(), root.attrs["lang"].as_str()),
            ("div", "zh-CN")
        );
        for t in toks.iter().filter_map(|t| match t {
            Tok::Tag(t) => Some(t),
            _ => None,
        }) {
            assert!(
                !["style", "script", "link", "img", "h1", "html", "head", "body"]
                    .contains(&t.name.as_str()),
                "<{}>",
                t.name
            );
            for key in t.attrs.keys() {
                assert!(
                    !key.starts_with("on") && key != "class" && key != "src" && key != "href",
                    "<{} {key}>",
                    t.name
                );
            }
            if let Some(style) = t.attrs.get("style") {
                for decl in style.split(';') {
                    if let Some(size) = decl.strip_prefix("font-size:") {
                        assert!(size.ends_with("em"), "absolute size {size}");
                    }
                }
            }
        }
        assert_eq!(html.contains(crate::xlsx::DRAFT_MARK), draft);
    }
}

/// The page stands alone: no external resources, no scripts, A4 print rules from the
/// typography, the draft mark when a draft.
#[test]
fn the_page_is_self_contained_with_a4_print_rules() {
    for draft in [false, true] {
        let (_, doc) = sample_doc(draft);
        let html = page(&doc);
        for banned in [
            "<script", " src=", " href=", "url(", "@import", "<link", "<iframe",
        ] {
            assert!(!html.contains(banned), "{banned}");
        }
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
        assert!(html.contains("@page{size:210mm 297mm;margin:37mm 26mm 35mm 28mm}"));
        assert!(html.contains("body{font-size:16pt;line-height:28.95pt}"));
        assert!(html.contains(".table{min-width:0;font-size:10.5pt"));
        assert!(html.contains("counter(page)"));
        // Fonts by role with fallbacks: 仿宋 body, 黑体 level-1 headings.
        assert!(
            html.contains("font-family:'仿宋_GB2312','仿宋','FangSong','Noto Serif CJK SC',serif")
        );
        assert!(html.contains("font-family:'黑体','SimHei','Noto Sans CJK SC',sans-serif"));
        assert_eq!(html.contains(crate::xlsx::DRAFT_MARK), draft);
        assert_eq!(html.contains("（草稿）</title>"), draft);
        assert_eq!(html, page(&doc), "deterministic");
    }
}

/// The signature follows GB/T 9704's rule: the agency two characters in from the right, the
/// date starting two characters right of the agency's first character.
#[test]
fn signature_indents_follow_the_rule() {
    let (_, mut doc) = sample_doc(false);
    doc.blocks
        .retain(|b| !matches!(b, DocBlock::Signature { .. }));
    doc.blocks.push(DocBlock::Signature {
        agency: "青禾县人民政府办公室".into(),
        date: "2025年1月20日".into(),
    });
    let html = fragment(&doc);
    // Agency: 10 characters ending 2 in → starts 12 in; date (6.5 characters) starts 10 in →
    // ends 3.5 in.
    assert!(html.contains("padding-right:2em\">青禾县人民政府办公室</p>"));
    assert!(html.contains("padding-right:3.5em\">2025年1月20日</p>"));
}

/// Every example builds to both files whose tables parse with the template grid.
#[test]
fn every_example_renders() {
    for (name, dir) in sample::examples() {
        let loaded = nianbao_core::load_and_check(Path::new(&dir));
        let report = loaded.report.expect(&name);
        let doc = document::build(&report, false);
        let out = export(&doc).unwrap();
        assert_eq!(parse_tables(&out.page).len(), 3, "{name}");
        assert_eq!(parse_tables(&out.fragment).len(), 3, "{name}");
    }
}

/// A readable projection of a file: its headings and paragraphs, then every table cell as the
/// table model places it (`th row,col rowspan×colspan scope text`, `td row,col text ←
/// headers`).
fn describe(html: &str) -> String {
    let mut out = String::new();
    for (tag, text) in texts_of(html, &["h1", "h2", "h3", "h4", "h5", "p"]) {
        out.push_str(&format!("{tag} {}\n", text.replace('\n', "⏎")));
    }
    for t in parse_tables(html) {
        out.push_str(&format!("table {}\n", t.caption));
        for c in &t.cells {
            if c.th {
                out.push_str(&format!(
                    "  th {},{} {}×{} {} {}\n",
                    c.row, c.col, c.rowspan, c.colspan, c.attrs["scope"], c.text
                ));
            } else {
                let headers: Vec<&str> = t.headers_of(c).iter().map(|h| h.text.as_str()).collect();
                out.push_str(&format!(
                    "  td {},{} {} ← {}\n",
                    c.row,
                    c.col,
                    c.text,
                    headers.join(" / ")
                ));
            }
        }
    }
    out
}

#[test]
fn golden_projection_of_the_sample() {
    let (_, doc) = sample_doc(false);
    let got = describe(&fragment(&doc));
    assert_golden("html/sample.txt", &got, "the HTML");
    // The page has the same projection plus the title.
    let page = describe(&page(&doc));
    let title = format!("h1 {}\n", doc.title.join("⏎"));
    assert_eq!(page, format!("{title}{got}"));
}
