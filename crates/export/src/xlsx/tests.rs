//! Tests of the XLSX exporter: every workbook is read back (calamine for values, formulas,
//! merges and styles; the raw sheet XML for print setup, protection and validation) and
//! compared with the document and with `format.rs`.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Cursor, Read};
use std::path::PathBuf;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use nianbao_core::document::{self, Cell, DocBlock};
use nianbao_core::format::{T3_CARRIED_FORWARD, T3_NEW};
use nianbao_core::sample::sample_report;

use super::*;

// ---------------------------------------------------------------------------------------------
// Fixtures

fn sample() -> Document {
    document::build(&sample_report(), false)
}

/// The sample with one more natural-person application received than handled: the balance
/// check of the 自然人 and 总计 columns fails (the document computes its totals itself).
fn broken(draft: bool) -> Document {
    let mut report = sample_report();
    report.applications.rows[T3_NEW].cells[0].value += 1;
    document::build(&report, draft)
}

fn tables(doc: &Document) -> Vec<&Table> {
    doc.tables().collect()
}

fn tables_mut(doc: &mut Document) -> Vec<&mut Table> {
    doc.blocks
        .iter_mut()
        .filter_map(|b| match b {
            DocBlock::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Reading a workbook back

/// One sheet as read back: values (cached results for formulas), formulas, merges, XML.
struct Sheet {
    name: String,
    values: BTreeMap<(u32, u32), Data>,
    formulas: BTreeMap<(u32, u32), String>,
    merges: BTreeSet<(u32, u32, u32, u32)>,
    styles: calamine::StyleRange,
    xml: String,
}

struct Book {
    sheets: Vec<Sheet>,
    bytes: Vec<u8>,
}

impl Book {
    fn sheet(&self, name: &str) -> &Sheet {
        self.sheets
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no sheet {name}"))
    }

    fn part(&self, path: &str) -> String {
        part(&self.bytes, path)
    }
}

fn part(bytes: &[u8], path: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(path).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn read(bytes: Vec<u8>) -> Book {
    let mut xlsx: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let names = xlsx.sheet_names();
    let mut sheets = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let range = xlsx.worksheet_range(name).unwrap();
        let mut values = BTreeMap::new();
        if let Some((r0, c0)) = range.start() {
            for (r, c, v) in range.used_cells() {
                values.insert((r0 + r as u32, c0 + c as u32), v.clone());
            }
        }
        let frange = xlsx.worksheet_formula(name).unwrap();
        let mut formulas = BTreeMap::new();
        if let Some((r0, c0)) = frange.start() {
            for (r, c, f) in frange.used_cells() {
                if !f.is_empty() {
                    formulas.insert((r0 + r as u32, c0 + c as u32), f.clone());
                }
            }
        }
        let merges = xlsx
            .merge_cells_by_sheet_name(name)
            .unwrap()
            .into_iter()
            .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
            .collect();
        let styles = xlsx.worksheet_style(name).unwrap();
        let xml = part(&bytes, &format!("xl/worksheets/sheet{}.xml", i + 1));
        sheets.push(Sheet {
            name: name.clone(),
            values,
            formulas,
            merges,
            styles,
            xml,
        });
    }
    Book { sheets, bytes }
}

fn text(v: &Data) -> String {
    match v {
        Data::String(s) => s.clone(),
        Data::Float(f) => result_text(*f),
        Data::Int(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// An independent evaluator for the formulas we write (SUM, IF with `=`, COUNTIF), so cached
// results can be compared with values recomputed from the read-back input cells.

#[derive(Clone, Debug, PartialEq)]
enum Value {
    Num(f64),
    Text(String),
}

struct Eval<'a> {
    book: &'a Book,
}

/// Parses `D8`, `$D$8` into 0-based (row, col).
fn parse_cell(s: &str) -> (u32, u32) {
    let s = s.replace('$', "");
    let split = s.find(|c: char| c.is_ascii_digit()).unwrap();
    let (letters, digits) = s.split_at(split);
    let col = letters
        .chars()
        .fold(0u32, |acc, c| acc * 26 + (c as u32 - 'A' as u32 + 1))
        - 1;
    (digits.parse::<u32>().unwrap() - 1, col)
}

impl Eval<'_> {
    /// The value of a cell: its formula evaluated if it has one, else its stored value.
    fn cell(&self, sheet: &str, pos: (u32, u32)) -> Value {
        let s = self.book.sheet(sheet);
        if let Some(f) = s.formulas.get(&pos) {
            return self.formula(sheet, f);
        }
        match s.values.get(&pos) {
            Some(Data::Float(f)) => Value::Num(*f),
            Some(Data::Int(i)) => Value::Num(*i as f64),
            Some(Data::String(t)) => Value::Text(t.clone()),
            None | Some(Data::Empty) => Value::Num(0.0),
            Some(other) => panic!("unexpected {other:?}"),
        }
    }

    fn formula(&self, sheet: &str, f: &str) -> Value {
        let f = f.strip_prefix('=').unwrap_or(f);
        let mut p = Parser { s: f, i: 0 };
        let v = self.expr(sheet, &mut p);
        assert_eq!(p.i, f.len(), "trailing input in {f}");
        v
    }

    /// Every cell of a reference (`'S'!A1:B2`, `A1`) as (sheet, position).
    fn cells(&self, sheet: &str, r: &str) -> Vec<(String, (u32, u32))> {
        let (sheet, r) = match r.rsplit_once('!') {
            Some((s, r)) => (s.trim_matches('\'').replace("''", "'"), r),
            None => (sheet.to_string(), r),
        };
        let (a, b) = r.split_once(':').unwrap_or((r, r));
        let (a, b) = (parse_cell(a), parse_cell(b));
        let mut out = Vec::new();
        for row in a.0..=b.0 {
            for col in a.1..=b.1 {
                out.push((sheet.clone(), (row, col)));
            }
        }
        out
    }

    fn expr(&self, sheet: &str, p: &mut Parser) -> Value {
        if p.eat("\"") {
            let end = p.s[p.i..].find('"').unwrap();
            let t = p.s[p.i..p.i + end].to_string();
            p.i += end + 1;
            return Value::Text(t);
        }
        if let Some(name) = p.name() {
            assert!(p.eat("("), "call expected after {name}");
            let v = match name.as_str() {
                "SUM" => {
                    let mut total = 0.0;
                    loop {
                        let r = p.reference();
                        for (s, pos) in self.cells(sheet, &r) {
                            match self.cell(&s, pos) {
                                Value::Num(n) => total += n,
                                Value::Text(t) => panic!("SUM over text {t}"),
                            }
                        }
                        if !p.eat(",") {
                            break;
                        }
                    }
                    Value::Num(total)
                }
                "IF" => {
                    let a = self.expr(sheet, p);
                    assert!(p.eat("="));
                    let b = self.expr(sheet, p);
                    assert!(p.eat(","));
                    let yes = self.expr(sheet, p);
                    assert!(p.eat(","));
                    let no = self.expr(sheet, p);
                    if a == b {
                        yes
                    } else {
                        no
                    }
                }
                "COUNTIF" => {
                    let r = p.reference();
                    assert!(p.eat(","));
                    let target = self.expr(sheet, p);
                    let n = self
                        .cells(sheet, &r)
                        .into_iter()
                        .filter(|(s, pos)| self.cell(s, *pos) == target)
                        .count();
                    Value::Num(n as f64)
                }
                other => panic!("unknown function {other}"),
            };
            assert!(p.eat(")"));
            return v;
        }
        if p.s[p.i..].starts_with(|c: char| c.is_ascii_digit()) {
            let end = p.s[p.i..]
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .map_or(p.s.len(), |e| p.i + e);
            let n = p.s[p.i..end].parse().unwrap();
            p.i = end;
            return Value::Num(n);
        }
        let r = p.reference();
        let cells = self.cells(sheet, &r);
        assert_eq!(cells.len(), 1, "a lone reference must be one cell: {r}");
        self.cell(&cells[0].0, cells[0].1)
    }
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn eat(&mut self, t: &str) -> bool {
        if self.s[self.i..].starts_with(t) {
            self.i += t.len();
            true
        } else {
            false
        }
    }

    /// A function name (upper-case letters followed by `(`).
    fn name(&mut self) -> Option<String> {
        let rest = &self.s[self.i..];
        let end = rest.find(|c: char| !c.is_ascii_uppercase())?;
        if end > 0 && rest[end..].starts_with('(') {
            self.i += end;
            Some(rest[..end].to_string())
        } else {
            None
        }
    }

    /// A reference: optional quoted sheet and `!`, then a cell or a range.
    fn reference(&mut self) -> String {
        let start = self.i;
        if self.eat("'") {
            loop {
                let end = self.s[self.i..].find('\'').unwrap();
                self.i += end + 1;
                if !self.eat("'") {
                    break;
                }
            }
            assert!(self.eat("!"));
        }
        let end = self.s[self.i..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '$'))
            .map_or(self.s.len(), |e| self.i + e);
        self.i = end;
        assert!(end > start, "reference expected at {}", &self.s[start..]);
        self.s[start..end].to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers over the document's tables

/// Where a table's grid position lands in its sheet.
fn at(draft: bool, row: u8, col: u8) -> (u32, u32) {
    (title_rows(draft) + u32::from(row), u32::from(col))
}

/// Every sheet position a cell covers.
fn covered(draft: bool, c: &Cell) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for r in c.row..c.row + c.rowspan {
        for k in c.col..c.col + c.colspan {
            out.push(at(draft, r, k));
        }
    }
    out
}

/// The merges a table sheet must have: its title rows across the table, and every label and
/// number cell spanning more than one grid cell (the spans of format.rs), offset by the titles.
fn expected_merges(table: &Table, draft: bool) -> BTreeSet<(u32, u32, u32, u32)> {
    let last = u32::from(table.shape.cols) - 1;
    let mut out: BTreeSet<_> = (0..title_rows(draft)).map(|r| (r, 0, r, last)).collect();
    let labels = table
        .shape
        .labels
        .iter()
        .map(|l| (l.row, l.col, l.rowspan, l.colspan));
    let numbers = table.cells.iter().filter_map(|c| match c.content {
        CellContent::Number { .. } => Some((c.row, c.col, c.rowspan, c.colspan)),
        CellContent::Label { .. } => None,
    });
    for (row, col, rowspan, colspan) in labels.chain(numbers) {
        if rowspan > 1 || colspan > 1 {
            let (r0, c0) = at(draft, row, col);
            out.insert((
                r0,
                c0,
                r0 + u32::from(rowspan) - 1,
                c0 + u32::from(colspan) - 1,
            ));
        }
    }
    out
}

/// Start tags `<tag …>` of the XML (`<tag` followed by a space, `>` or `/`).
fn tags<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let end = after.find('>').unwrap();
        if after.starts_with([' ', '>', '/']) {
            out.push(&rest[i..i + open.len() + end + 1]);
        }
        rest = &after[end..];
    }
    out
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let end = tag[i..].find('"')?;
    Some(tag[i..i + end].to_string())
}

/// The text inside `<tag>…</tag>` elements.
fn texts(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(&open)
        .skip(1)
        .map(|s| s[..s.find(&close).unwrap()].to_string())
        .collect()
}

/// Expands a space-separated `sqref` into cells.
fn sqref_cells(sqref: &str) -> BTreeSet<(u32, u32)> {
    let mut out = BTreeSet::new();
    for r in sqref.split(' ') {
        let (a, b) = r.split_once(':').unwrap_or((r, r));
        let (a, b) = (parse_cell(a), parse_cell(b));
        for row in a.0..=b.0 {
            for col in a.1..=b.1 {
                out.insert((row, col));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Content

#[test]
fn sheets_are_the_tables_then_the_checks() {
    for draft in [false, true] {
        let doc = document::build(&sample_report(), draft);
        let book = read(export(&doc).unwrap());
        let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
        let p = if draft { DRAFT_SHEET_PREFIX } else { "" };
        assert_eq!(
            names,
            [
                format!("{p}表二 主动公开"),
                format!("{p}表三 依申请公开"),
                format!("{p}表四 复议诉讼"),
                format!("{p}校验"),
            ]
        );
        for (sheet, table) in book.sheets.iter().zip(tables(&doc)) {
            assert!(sheet.name.contains(table.shape.name));
        }
    }
}

#[test]
fn labels_numbers_and_merges_match_the_document_and_format() {
    for draft in [false, true] {
        let doc = broken(draft);
        let book = read(export(&doc).unwrap());
        for (sheet, table) in book.sheets.iter().zip(tables(&doc)) {
            // Labels: byte-equal to format.rs, at format.rs's position (offset by the titles).
            assert_eq!(
                table
                    .cells
                    .iter()
                    .filter(|c| matches!(c.content, CellContent::Label { .. }))
                    .count(),
                table.shape.labels.len()
            );
            for l in table.shape.labels {
                assert_eq!(
                    sheet.values.get(&at(draft, l.row, l.col)),
                    Some(&Data::String(l.text.to_string())),
                    "{} label {}",
                    sheet.name,
                    l.text
                );
            }
            let mut expected: BTreeMap<(u32, u32), Data> = BTreeMap::new();
            for c in &table.cells {
                let v = match &c.content {
                    CellContent::Label { text, .. } => Data::String(text.to_string()),
                    CellContent::Number { value, .. } => Data::Float(value.as_f64()),
                };
                expected.insert(at(draft, c.row, c.col), v);
            }
            // Numbers: equal to the document's (cached results for totals).
            for c in &table.cells {
                if let CellContent::Number { value, .. } = &c.content {
                    assert_eq!(
                        sheet.values.get(&at(draft, c.row, c.col)),
                        Some(&Data::Float(value.as_f64())),
                        "{} ({}, {})",
                        sheet.name,
                        c.row,
                        c.col
                    );
                }
            }
            // Nothing else below the titles: the rest of every merged range is empty.
            let body: BTreeMap<_, _> = sheet
                .values
                .iter()
                .filter(|((r, _), v)| *r >= title_rows(draft) && **v != Data::Empty)
                .map(|(k, v)| (*k, v.clone()))
                .collect();
            assert_eq!(body, expected, "{}", sheet.name);
            // Titles: the draft mark, the section heading, the report title.
            let mut titles = Vec::new();
            if draft {
                titles.push(DRAFT_MARK.to_string());
            }
            titles.push(format::SECTIONS[table.shape.section].to_string());
            titles.push(doc.meta.title.clone());
            let got: Vec<String> = (0..title_rows(draft))
                .map(|r| text(&sheet.values[&(r, 0)]))
                .collect();
            assert_eq!(got, titles);
            assert_eq!(
                sheet.merges,
                expected_merges(table, draft),
                "{}",
                sheet.name
            );
        }
    }
}

#[test]
fn totals_are_formulas_whose_cached_results_recompute_from_the_inputs() {
    for doc in [sample(), broken(true)] {
        let book = read(export(&doc).unwrap());
        for (sheet, table) in book.sheets.iter().zip(tables(&doc)) {
            let mut total_cells = BTreeSet::new();
            for c in &table.cells {
                let pos = at(doc.draft, c.row, c.col);
                match &c.content {
                    CellContent::Number {
                        role: NumRole::Sum(parts),
                        ..
                    } => {
                        total_cells.insert(pos);
                        let f = &sheet.formulas[&pos];
                        // The formula references exactly the listed parts.
                        let refs = f
                            .trim_start_matches('=')
                            .strip_prefix("SUM(")
                            .and_then(|s| s.strip_suffix(')'))
                            .unwrap();
                        let got: BTreeSet<(u32, u32)> =
                            refs.split(',').flat_map(sqref_cells).collect();
                        let want: BTreeSet<(u32, u32)> =
                            parts.iter().map(|&(r, k)| at(doc.draft, r, k)).collect();
                        assert_eq!(got, want, "{} {f}", sheet.name);
                    }
                    _ => assert!(!sheet.formulas.contains_key(&pos)),
                }
            }
            assert_eq!(
                sheet.formulas.keys().copied().collect::<BTreeSet<_>>(),
                total_cells
            );
        }
        // Every formula of every sheet (totals and checks): cached = recomputed from inputs.
        let eval = Eval { book: &book };
        let mut n = 0;
        for sheet in &book.sheets {
            for (pos, f) in &sheet.formulas {
                let cached = match &sheet.values[pos] {
                    Data::Float(x) => Value::Num(*x),
                    Data::String(s) => Value::Text(s.clone()),
                    other => panic!("{other:?}"),
                };
                assert_eq!(
                    eval.formula(&sheet.name, f),
                    cached,
                    "{} {pos:?} {f}",
                    sheet.name
                );
                n += 1;
            }
        }
        assert!(n > 100, "{n} formulas");
    }
}

/// The checks sheet: (ID, table, description, lhs, rhs, result) for every row, and the
/// failure count.
fn check_rows(book: &Book, draft: bool) -> (f64, Vec<[String; 6]>) {
    let sheet = book.sheet(&check_sheet_name(draft));
    let t = title_rows(draft);
    assert_eq!(text(&sheet.values[&(t, 0)]), FAILED_COUNT);
    let failed = match sheet.values[&(t, 6)] {
        Data::Float(f) => f,
        ref other => panic!("{other:?}"),
    };
    let header: Vec<String> = (0..7).map(|c| text(&sheet.values[&(t + 1, c)])).collect();
    assert_eq!(header, CHECK_COLUMNS.map(|(h, _)| h.to_string()));
    let mut rows = Vec::new();
    for r in t + 2.. {
        let Some(v) = sheet.values.get(&(r, 0)) else {
            break;
        };
        assert_eq!(text(v), (rows.len() + 1).to_string());
        rows.push([1, 2, 3, 4, 5, 6].map(|c| text(&sheet.values[&(r, c)])));
    }
    (failed, rows)
}

fn expected_check_rows(doc: &Document) -> Vec<[String; 6]> {
    let mut out = Vec::new();
    for t in tables(doc) {
        let grid = Grid::new(t).unwrap();
        for c in &t.checks {
            out.push([
                c.id.to_string(),
                t.shape.name.to_string(),
                c.description.clone(),
                result_text(grid.sum(&c.lhs).unwrap()),
                result_text(grid.sum(&c.rhs).unwrap()),
                if c.passes { PASS } else { FAIL }.to_string(),
            ]);
        }
    }
    out
}

#[test]
fn every_check_passes_on_the_sample() {
    let doc = sample();
    let (failed, rows) = check_rows(&read(export(&doc).unwrap()), false);
    assert_eq!(rows, expected_check_rows(&doc));
    assert_eq!(rows.len(), 7 + 7 + 25 + 3);
    assert!(rows.iter().all(|r| r[5] == PASS));
    assert_eq!(failed, 0.0);
}

#[test]
fn a_broken_document_fails_exactly_its_failing_checks() {
    let doc = broken(true);
    let (failed, rows) = check_rows(&read(export(&doc).unwrap()), true);
    assert_eq!(rows, expected_check_rows(&doc));
    let failing: Vec<&str> = rows
        .iter()
        .filter(|r| r[5] == FAIL)
        .map(|r| r[2].as_str())
        .collect();
    assert_eq!(
        failing,
        [
            "“自然人”列：一+二=三（七）+四",
            "“总计”列：一+二=三（七）+四"
        ]
    );
    assert_eq!(failed, 2.0);
}

/// Sets a table number and recomputes the totals and checks, as `document::build` would.
fn set_number(table: &mut Table, pos: (u8, u8), n: u64) {
    let values = |t: &Table| -> HashMap<(u8, u8), u64> {
        t.cells
            .iter()
            .filter_map(|c| match &c.content {
                CellContent::Number {
                    value: Num::Count(v),
                    ..
                } => Some(((c.row, c.col), *v)),
                _ => None,
            })
            .collect()
    };
    for c in &mut table.cells {
        if (c.row, c.col) == pos {
            c.content = CellContent::Number {
                value: Num::Count(n),
                role: NumRole::Input,
            };
        }
    }
    // Totals of totals (table 三's corner) need a second pass.
    for _ in 0..2 {
        let v = values(table);
        for c in &mut table.cells {
            if let CellContent::Number {
                value,
                role: NumRole::Sum(parts),
            } = &mut c.content
            {
                *value = Num::Count(parts.iter().map(|p| v[p]).sum());
            }
        }
    }
    let v = values(table);
    for check in &mut table.checks {
        let sum = |cells: &[(u8, u8)]| cells.iter().map(|p| v[p]).sum::<u64>();
        check.passes = sum(&check.lhs) == sum(&check.rhs);
    }
}

#[test]
fn an_edited_document_reports_the_checks_it_carries() {
    let mut doc = sample();
    let t3 = tables_mut(&mut doc).remove(1);
    // 四、结转下年度继续办理, 商业企业: 1 → 5.
    let pos = document::t3_pos(T3_CARRIED_FORWARD, 1);
    set_number(t3, pos, 5);
    let (failed, rows) = check_rows(&read(export(&doc).unwrap()), false);
    assert_eq!(rows, expected_check_rows(&doc));
    assert_eq!(failed, 2.0);
}

#[test]
fn a_document_that_contradicts_itself_is_refused() {
    // An input changed without its totals: the cached total would disagree with the formula.
    let mut doc = sample();
    let t3 = tables_mut(&mut doc).remove(1);
    let pos = document::t3_pos(T3_NEW, 0);
    for c in &mut t3.cells {
        if (c.row, c.col) == pos {
            c.content = CellContent::Number {
                value: Num::Count(1000),
                role: NumRole::Input,
            };
        }
    }
    let e = export(&doc).unwrap_err();
    assert!(e.message.contains("合计"), "{e}");

    // Totals recomputed, but a check still claims to pass.
    let mut doc = sample();
    let t3 = tables_mut(&mut doc).remove(1);
    set_number(t3, pos, 1000);
    t3.checks[0].passes = true;
    let e = export(&doc).unwrap_err();
    assert!(e.message.contains("E-T3-BALANCE"), "{e}");

    // A span outside the table.
    let mut doc = sample();
    tables_mut(&mut doc)[0].cells[0].colspan = 9;
    assert!(export(&doc).unwrap_err().message.contains("超出表格范围"));
}

#[test]
fn a_document_without_tables_gives_an_empty_checks_sheet() {
    let mut doc = sample();
    doc.blocks.retain(|b| !matches!(b, DocBlock::Table(_)));
    let book = read(export(&doc).unwrap());
    assert_eq!(book.sheets.len(), 1);
    let (failed, rows) = check_rows(&book, false);
    assert_eq!((failed, rows.len()), (0.0, 0));
}

// ---------------------------------------------------------------------------------------------
// Formatting, protection, validation

#[test]
fn every_table_cell_has_borders_alignment_and_protection() {
    let doc = sample();
    let book = read(export(&doc).unwrap());
    for (sheet, table) in book.sheets.iter().zip(tables(&doc)) {
        for c in &table.cells {
            for pos in covered(false, c) {
                let style = sheet.styles.get(pos).unwrap_or_else(|| panic!("{pos:?}"));
                let b = style.borders.as_ref().unwrap();
                for side in [&b.left, &b.right, &b.top, &b.bottom] {
                    assert_eq!(
                        side.style,
                        calamine::BorderStyle::Thin,
                        "{} {pos:?}",
                        sheet.name
                    );
                }
                let a = style.alignment.as_ref().unwrap();
                assert!(a.wrap_text);
                assert_eq!(a.vertical, calamine::VerticalAlignment::Center);
                let font = style.font.as_ref().unwrap();
                // The table face of the DOCX and PDF, by its installed name.
                assert_eq!(font.name.as_deref(), Some("仿宋"));
                let locked = style.protection.as_ref().is_none_or(|p| p.locked);
                let centred = a.horizontal == calamine::HorizontalAlignment::Center;
                match &c.content {
                    CellContent::Label { header: true, .. } => assert!(centred && locked),
                    CellContent::Label { header: false, .. } => {
                        assert!(locked);
                        assert_eq!(centred, c.rowspan > 1, "{pos:?}");
                    }
                    CellContent::Number { role, .. } => {
                        assert!(centred);
                        assert_eq!(locked, *role != NumRole::Input, "{} {pos:?}", sheet.name);
                    }
                }
            }
        }
    }
}

#[test]
fn the_fee_shows_the_decimals_it_was_written_with() {
    let doc = sample();
    let book = read(export(&doc).unwrap());
    let t2 = tables(&doc)[0];
    let fee = t2
        .cells
        .iter()
        .find(|c| {
            matches!(
                c.content,
                CellContent::Number {
                    value: Num::Decimal { .. },
                    ..
                }
            )
        })
        .unwrap();
    let style = book.sheets[0]
        .styles
        .get(at(false, fee.row, fee.col))
        .unwrap();
    assert_eq!(style.number_format.as_ref().unwrap().format_code, "0.0000");
    assert_eq!(fee.content.text(), "1234.5678");
}

#[test]
fn inputs_are_validated_and_everything_else_is_protected() {
    let doc = sample();
    let book = read(export(&doc).unwrap());
    for (sheet, table) in book.sheets.iter().zip(tables(&doc)) {
        let mut want: BTreeMap<&str, BTreeSet<(u32, u32)>> = BTreeMap::new();
        for c in &table.cells {
            if let CellContent::Number {
                value,
                role: NumRole::Input,
            } = &c.content
            {
                let kind = match value {
                    Num::Count(_) => "whole",
                    Num::Decimal { .. } => "decimal",
                };
                want.entry(kind).or_default().extend(covered(false, c));
            }
        }
        let mut got: BTreeMap<&str, BTreeSet<(u32, u32)>> = BTreeMap::new();
        for dv in tags(&sheet.xml, "dataValidation") {
            let kind = attr(dv, "type").unwrap();
            let kind = if kind == "whole" { "whole" } else { "decimal" };
            assert_eq!(attr(dv, "operator").as_deref(), Some("greaterThanOrEqual"));
            assert_eq!(attr(dv, "errorTitle").as_deref(), Some(COUNT_ERROR_TITLE));
            assert_eq!(attr(dv, "showErrorMessage").as_deref(), Some("1"));
            assert_eq!(attr(dv, "allowBlank"), None, "a blank is not a number");
            let message = attr(dv, "error").unwrap();
            assert!(message.contains("大于或等于 0"), "{message}");
            got.entry(kind)
                .or_default()
                .extend(sqref_cells(&attr(dv, "sqref").unwrap()));
        }
        assert_eq!(texts(&sheet.xml, "formula1"), vec!["0"; got.len()]);
        assert_eq!(got, want, "{}", sheet.name);
    }
    for sheet in &book.sheets {
        let p = tags(&sheet.xml, "sheetProtection");
        assert_eq!(p.len(), 1, "{}", sheet.name);
        assert!(attr(p[0], "sheet").as_deref() == Some("1"));
        assert!(attr(p[0], "password").is_none() && attr(p[0], "hashValue").is_none());
    }
}

#[test]
fn row_heights_give_every_label_its_lines() {
    let doc = sample();
    let book = read(export(&doc).unwrap());
    for (sheet, table) in book.sheets.iter().zip(tables(&doc)) {
        let mut widths: HashMap<u32, f64> = HashMap::new();
        for c in tags(&sheet.xml, "col") {
            let min = attr(c, "min").unwrap().parse::<u32>().unwrap();
            let max = attr(c, "max").unwrap().parse::<u32>().unwrap();
            // Width in characters of the 宋体 11 digit (8 px), padding included (ECMA-376
            // 18.3.1.13: pixels = truncate(width × digit width)).
            let w: f64 = attr(c, "width").unwrap().parse().unwrap();
            for col in min - 1..max {
                widths.insert(col, (w * 8.0).trunc());
            }
        }
        let heights: HashMap<u32, f64> = tags(&sheet.xml, "row")
            .into_iter()
            .filter_map(|r| {
                let row = attr(r, "r")?.parse::<u32>().ok()? - 1;
                Some((row, attr(r, "ht")?.parse().ok()?))
            })
            .collect();
        let mut wrapped = 0;
        for c in &table.cells {
            let CellContent::Label { text, .. } = c.content else {
                continue;
            };
            let px: f64 = (c.col..c.col + c.colspan)
                .map(|k| widths[&u32::from(k)])
                .sum();
            let n = lines(text, px, FONT_PT);
            wrapped += usize::from(n > 1);
            let height: f64 = (c.row..c.row + c.rowspan)
                .map(|r| heights[&at(false, r, 0).0])
                .sum();
            assert!(
                height + 0.01 >= row_pt(n),
                "{} {text}: {n} lines in {height} pt",
                sheet.name
            );
            // Column headers of one column never break into more than two lines.
            if c.colspan == 1 && matches!(c.content, CellContent::Label { header: true, .. }) {
                assert!(n <= 2, "{text}");
            }
        }
        if table.id == TableId::Applications {
            assert!(wrapped >= 3, "the long 三（六） labels wrap");
        }
    }
}

#[test]
fn line_estimate_breaks_like_a_cjk_client() {
    let em = FONT_PT * 96.0 / 72.0;
    let w = CELL_PAD_PX + 4.0 * em + 1.0;
    assert_eq!(lines("本年制发", w, FONT_PT), 1);
    assert_eq!(lines("本年制发件", w, FONT_PT), 2);
    // Digits are half an em.
    assert_eq!(lines("1.属于国", w, FONT_PT), 1);
    // A closing mark never starts a line: it takes the previous character along.
    assert_eq!(lines("本年制发，本年制", w, FONT_PT), 3);
    assert_eq!(lines("", w, FONT_PT), 1);
}

#[test]
fn references_are_compressed_into_ranges() {
    assert_eq!(ranges(&[(7, 3), (5, 3), (6, 3)]), ["D6:D8"]);
    assert_eq!(ranges(&[(3, 1), (3, 2), (3, 3), (3, 4)]), ["B4:E4"]);
    assert_eq!(ranges(&[(1, 0), (2, 0), (1, 1), (2, 1)]), ["A2:B3"]);
    assert_eq!(ranges(&[(1, 0), (5, 0), (2, 2)]), ["A2", "C3", "A6"]);
    assert_eq!(quoted("表三 依申请公开"), "'表三 依申请公开'");
    assert_eq!(quoted("a'b"), "'a''b'");
}

// ---------------------------------------------------------------------------------------------
// Print setup, properties, determinism, draft

#[test]
fn print_setup_is_a4_one_page_wide_with_repeated_headers_and_page_numbers() {
    let doc = sample();
    let book = read(export(&doc).unwrap());
    let workbook = book.part("xl/workbook.xml");
    // (name, localSheetId, value) of every defined name.
    let defined: Vec<(String, String, String)> = workbook
        .split("<definedName ")
        .skip(1)
        .map(|d| {
            let tag = format!("<definedName {}", &d[..d.find('>').unwrap()]);
            let value = d[d.find('>').unwrap() + 1..d.find("</definedName>").unwrap()].to_string();
            (
                attr(&tag, "name").unwrap(),
                attr(&tag, "localSheetId").unwrap(),
                value,
            )
        })
        .collect();
    assert_eq!(defined.len(), book.sheets.len());
    let mut orientations = Vec::new();
    for (i, sheet) in book.sheets.iter().enumerate() {
        let setup = tags(&sheet.xml, "pageSetup");
        assert_eq!(setup.len(), 1);
        assert_eq!(attr(setup[0], "paperSize").as_deref(), Some("9"));
        assert_eq!(attr(setup[0], "fitToWidth"), None, "1 is the default");
        assert_eq!(attr(setup[0], "fitToHeight").as_deref(), Some("0"));
        orientations.push(attr(setup[0], "orientation").unwrap());
        assert!(tags(&sheet.xml, "pageSetUpPr")[0].contains("fitToPage=\"1\""));
        assert_eq!(
            texts(&sheet.xml, "oddFooter"),
            ["&amp;C第 &amp;P 页，共 &amp;N 页"]
        );
        assert!(texts(&sheet.xml, "oddHeader").is_empty());
        // Repeated rows: the titles plus the table's header rows (plus count and column
        // headers on the checks sheet).
        let last = match tables(&doc).get(i) {
            Some(t) => title_rows(false) + u32::from(t.shape.header_rows),
            None => title_rows(false) + 2,
        };
        let want = (
            "_xlnm.Print_Titles".to_string(),
            i.to_string(),
            format!("{}!$1:${last}", utility::quote_sheet_name(&sheet.name)),
        );
        assert!(defined.contains(&want), "{want:?} in {defined:?}");
    }
    assert_eq!(
        orientations,
        ["portrait", "portrait", "landscape", "portrait"]
    );
}

#[test]
fn properties_come_from_the_document() {
    let doc = sample();
    let bytes = export(&doc).unwrap();
    let mut xlsx: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let p = xlsx.workbook_properties().unwrap();
    assert_eq!(p.title.as_deref(), Some(doc.meta.title.as_str()));
    assert_eq!(p.creator.as_deref(), Some("示范县人民政府"));
    assert_eq!(p.created.as_deref(), Some("2025-03-20T00:00:00Z"));
    assert_eq!(p.modified.as_deref(), Some("2025-03-20T00:00:00Z"));
    // No other timestamp anywhere: the only dates in the package are the document's.
    let core = part(&bytes, "docProps/core.xml");
    assert_eq!(core.matches("T00:00:00Z").count(), 2, "{core}");
}

#[test]
fn identical_documents_give_identical_bytes() {
    let (a, b) = (export(&sample()).unwrap(), export(&sample()).unwrap());
    assert!(a == b, "two builds differ");
    let mut zip = zip::ZipArchive::new(Cursor::new(&a)).unwrap();
    for i in 0..zip.len() {
        let f = zip.by_index(i).unwrap();
        let t = f.last_modified().unwrap();
        assert_eq!(
            (t.year(), t.month(), t.day()),
            (1980, 1, 1),
            "{:?}",
            f.name()
        );
    }
    assert_eq!(
        export(&broken(true)).unwrap(),
        export(&broken(true)).unwrap()
    );
}

#[test]
fn a_draft_is_marked_on_every_sheet() {
    let doc = broken(true);
    let book = read(export(&doc).unwrap());
    for sheet in &book.sheets {
        assert!(sheet.name.starts_with(DRAFT_SHEET_PREFIX));
        assert_eq!(sheet.values[&(0, 0)], Data::String(DRAFT_MARK.to_string()));
        let font = book_font(sheet, (0, 0));
        assert!(font.is_bold(), "{}", sheet.name);
        let header = texts(&sheet.xml, "oddHeader");
        assert_eq!(header.len(), 1);
        assert!(header[0].contains(DRAFT_MARK), "{header:?}");
        assert!(sheet.xml.contains("<tabColor rgb=\"FFFF0000\"/>"));
    }
    // And nothing says 草稿 in a final workbook.
    let clean = read(export(&sample()).unwrap());
    for sheet in &clean.sheets {
        assert!(!sheet.name.contains("草稿"));
        assert!(!sheet.xml.contains("草稿") && !sheet.xml.contains("tabColor"));
        assert!(sheet.values.values().all(|v| !text(v).contains("草稿")));
    }
    assert!(!clean.part("xl/sharedStrings.xml").contains("草稿"));
}

fn book_font(sheet: &Sheet, pos: (u32, u32)) -> calamine::Font {
    sheet.styles.get(pos).unwrap().font.clone().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Golden projection and files for the interop script

/// A readable projection of a workbook: per sheet, its column widths, row heights, data
/// validations and merges, then `A1 value` lines (`A1 =FORMULA → cached`) in row order.
fn projection(book: &Book) -> String {
    let mut out = String::new();
    for sheet in &book.sheets {
        out.push_str(&format!("# {}\n", sheet.name));
        // Layout from the sheet XML: column widths (characters), row heights (points), and
        // the cells each data validation covers.
        let cols: Vec<String> = tags(&sheet.xml, "col")
            .iter()
            .map(|c| {
                let (min, max) = (attr(c, "min").unwrap(), attr(c, "max").unwrap());
                format!("{min}-{max}:{}", attr(c, "width").unwrap())
            })
            .collect();
        out.push_str(&format!("cols {}\n", cols.join(" ")));
        let rows: Vec<String> = tags(&sheet.xml, "row")
            .iter()
            .filter_map(|r| Some(format!("{}:{}", attr(r, "r")?, attr(r, "ht")?)))
            .collect();
        out.push_str(&format!("rows {}\n", rows.join(" ")));
        for dv in tags(&sheet.xml, "dataValidation") {
            out.push_str(&format!(
                "validation {} {}\n",
                attr(dv, "type").unwrap(),
                attr(dv, "sqref").unwrap()
            ));
        }
        for &(r0, c0, r1, c1) in &sheet.merges {
            out.push_str(&format!(
                "merge {}\n",
                utility::cell_range(r0, c0 as u16, r1, c1 as u16)
            ));
        }
        for (&(r, c), v) in &sheet.values {
            if *v == Data::Empty {
                continue;
            }
            let name = cell_ref(r, c as u16);
            match sheet.formulas.get(&(r, c)) {
                Some(f) => out.push_str(&format!(
                    "{name} ={} → {}\n",
                    f.trim_start_matches('='),
                    text(v)
                )),
                None => out.push_str(&format!("{name} {}\n", text(v))),
            }
        }
        out.push('\n');
    }
    out
}

fn golden(name: &str, actual: &str) {
    crate::test_support::assert_golden(&format!("xlsx/{name}"), actual, "the workbook projection");
}

#[test]
fn golden_projections() {
    golden("sample.txt", &projection(&read(export(&sample()).unwrap())));
    golden(
        "broken-draft.txt",
        &projection(&read(export(&broken(true)).unwrap())),
    );
}

/// Writes sample workbooks to `$NIANBAO_DUMP_DIR` for scripts/interop-xlsx.sh:
/// `NIANBAO_DUMP_DIR=/tmp/x cargo test -p nianbao-export xlsx::tests::dump -- --ignored`.
#[test]
#[ignore]
fn dump() {
    let dir = PathBuf::from(std::env::var("NIANBAO_DUMP_DIR").expect("NIANBAO_DUMP_DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, doc) in [
        ("sample", sample()),
        ("sample-draft", document::build(&sample_report(), true)),
        ("broken-draft", broken(true)),
    ] {
        let start = std::time::Instant::now();
        let bytes = export(&doc).unwrap();
        let took = start.elapsed();
        std::fs::write(dir.join(format!("{name}.xlsx")), &bytes).unwrap();
        println!("{name}.xlsx: {} bytes in {took:?}", bytes.len());
    }
}
