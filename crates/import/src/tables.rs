//! Table grids → the numbers of tables 二, 三 and 四, each with where it was read.
//!
//! Rows are matched to the official rows by short key phrases of their labels (robust to
//! typos, half-width brackets, justified spaces and labels wrapped over several lines) *and*
//! by order: an alignment (dynamic programming, as in a diff) maps the rows that carry
//! numbers onto the official rows in order, preferring rows whose label names them. A row no
//! official row fits is listed as unmapped; an official row no row fits is listed as missing.
//! Nothing is guessed silently: every number keeps the cell it came from.

use nianbao_core::format::{T3_ROWS, T4_GROUPS};

use crate::flow::Grid;
use crate::norm::{self, CellNum};

/// Which official table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKind {
    /// 表二 主动公开.
    Active,
    /// 表三 依申请公开.
    Applications,
    /// 表四 复议诉讼.
    Appeals,
}

impl TableKind {
    /// `表二` …
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Active => "表二",
            TableKind::Applications => "表三",
            TableKind::Appeals => "表四",
        }
    }
}

/// How a number came to be.
#[derive(Clone, Debug, PartialEq)]
pub enum How {
    /// Read from the cell at `at`.
    Read,
    /// The cell at `at` was blank or a dash (the text, if any): imported as 0.
    Blank(String),
    /// The cell at `at` held something that is not a count (the text): imported as 0.
    Bad(String),
    /// No cell for it was found: imported as 0.
    Missing,
}

/// One imported number.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// The count (0 unless read).
    pub count: u64,
    /// The number as written (for the fee: `356.2731`).
    pub text: String,
    /// Where it came from.
    pub at: String,
    /// How.
    pub how: How,
}

impl Default for Value {
    fn default() -> Self {
        Value {
            count: 0,
            text: "0".into(),
            at: String::new(),
            how: How::Missing,
        }
    }
}

impl Value {
    fn from_slot(slot: &Slot, fee: bool) -> Value {
        let at = slot.at.clone();
        match &slot.num {
            CellNum::Count(n) => Value {
                count: *n,
                text: n.to_string(),
                at,
                how: How::Read,
            },
            CellNum::Decimal(t) if fee => Value {
                count: 0,
                text: t.clone(),
                at,
                how: How::Read,
            },
            CellNum::Decimal(t) => Value {
                at,
                how: How::Bad(t.clone()),
                ..Value::default()
            },
            CellNum::Blank(t) => Value {
                at,
                how: How::Blank(t.clone()),
                ..Value::default()
            },
            CellNum::Text => Value {
                at,
                how: How::Bad(slot.text.clone()),
                ..Value::default()
            },
        }
    }

    /// Whether the number was read from a cell as a number.
    pub fn is_read(&self) -> bool {
        self.how == How::Read
    }
}

/// Table 二's numbers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct T2 {
    /// 规章: 本年制发, 本年废止, 现行有效.
    pub rules: [Value; 3],
    /// 行政规范性文件.
    pub normative: [Value; 3],
    /// 行政许可.
    pub licensing: Value,
    /// 行政处罚.
    pub punishment: Value,
    /// 行政强制.
    pub enforcement: Value,
    /// 行政事业性收费（万元）: `text` is the amount.
    pub fee: Value,
}

/// Table 三's numbers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct T3 {
    /// The 25 rows, six applicant columns each. Row 24 (（七）总计) holds what the file
    /// states; nianbao computes it.
    pub rows: [[Value; 6]; 25],
    /// A 总计 column value the file states, per row.
    pub stated_totals: [Option<Value>; 25],
    /// Whether row （七）总计 was found in the file.
    pub total_row_read: bool,
}

/// Table 四's numbers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct T4 {
    /// 行政复议, 未经复议直接起诉, 复议后起诉: 维持, 纠正, 其他, 尚未审结.
    pub groups: [[Value; 4]; 3],
    /// A 总计 the file states, per group.
    pub stated_totals: [Option<Value>; 3],
}

/// Everything read from the tables, with what could not be placed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tables {
    /// 表二, if found.
    pub active: Option<T2>,
    /// 表三, if found.
    pub applications: Option<T3>,
    /// 表四, if found.
    pub appeals: Option<T4>,
    /// Where each table was found.
    pub found_at: Vec<(TableKind, String)>,
    /// Rows with numbers that no official row fits (description, in Chinese).
    pub unmapped: Vec<String>,
    /// Rows matched by position only, official rows not found, and other remarks.
    pub notes: Vec<String>,
    /// Row labels that differ from the official ones (mapped all the same; the outputs print
    /// the official label).
    pub labels: Vec<String>,
}

/// A number cell of a row.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Slot {
    pub num: CellNum,
    pub text: String,
    pub at: String,
}

/// A table row as labels and numbers.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Record {
    /// The label text (cells before the numbers, joined), squeezed.
    pub label: String,
    /// The comparison form of `label` (plus any label fragments of the lines before it).
    pub key: String,
    /// The number cells after the last label cell.
    pub slots: Vec<Slot>,
    /// Where the row is.
    pub at: String,
    /// The last label cell's text (the row's own label), in a real grid.
    pub own: Option<String>,
}

/// The rows of a grid as records. In text, label lines without numbers (a label wrapped over
/// several lines) are added to the next row's key.
pub(crate) fn records(grid: &Grid) -> Vec<Record> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for r in 0..grid.rows() {
        let cells: Vec<_> = grid.row(r).collect();
        if cells.is_empty() {
            continue;
        }
        let last_text = cells
            .iter()
            .rposition(|c| matches!(norm::cell_num(&c.text), CellNum::Text));
        let (labels, nums) = match last_text {
            Some(i) => (&cells[..=i], &cells[i + 1..]),
            None => (&cells[..0], &cells[..]),
        };
        let label: String = labels
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let label = norm::squeeze_cjk_spaces(&label);
        let mut slots: Vec<Slot> = nums
            .iter()
            .map(|c| Slot {
                num: norm::cell_num(&c.text),
                text: c.text.clone(),
                at: c.at.clone(),
            })
            .collect();
        if grid.from_text {
            // Flattened text leaves empty cells where merged cells were: not numbers.
            while slots
                .last()
                .is_some_and(|s| matches!(&s.num, CellNum::Blank(t) if t.is_empty()))
            {
                slots.pop();
            }
            while slots
                .first()
                .is_some_and(|s| matches!(&s.num, CellNum::Blank(t) if t.is_empty()))
            {
                slots.remove(0);
            }
        }
        let at = cells[0].at.clone();
        let own = (!grid.from_text)
            .then(|| labels.last().map(|c| c.text.clone()))
            .flatten();
        let has_numbers = slots.iter().any(|s| !matches!(s.num, CellNum::Text));
        if !has_numbers || slots.is_empty() {
            if grid.from_text {
                pending.push_str(&norm::label(&label));
            }
            // A row of labels only, or of blanks only: headers, or a row with nothing typed.
            if !slots.is_empty() && !label.is_empty() {
                out.push(Record {
                    key: norm::label(&label),
                    label,
                    slots,
                    at,
                    own,
                });
            }
            continue;
        }
        let key = format!("{pending}{}", norm::label(&label));
        pending.clear();
        out.push(Record {
            label,
            key,
            slots,
            at,
            own,
        });
    }
    out
}

/// Key phrases of the 25 rows of table 三 (comparison form), any of which names the row.
const T3_KEYS: [&[&str]; 25] = [
    &["本年新收", "新收政府信息公开申请"],
    &["上年结转"],
    &["予以公开"],
    &["部分公开"],
    &["国家秘密"],
    &["其他法律行政法规", "禁止公开"],
    &["三安全", "危及"],
    &["第三方"],
    &["内部事务"],
    &["过程性"],
    &["执法案卷"],
    &["行政查询"],
    &["不掌握"],
    &["另行制作", "没有现成"],
    &["补正后", "仍不明确"],
    &["信访举报", "举报投诉"],
    &["重复申请"],
    &["出版"],
    &["大量"],
    &["确认或重新", "重新出具"],
    &["不补正"],
    &["缴纳费用", "收费通知"],
    &["3.其他"],
    &["总计"],
    &["结转下年度", "下年度继续"],
];

/// Table 二's rows: key phrases, and how many numbers each has.
const T2_ROWS: [(&[&str], usize, &str); 6] = [
    (&["规章"], 3, "规章"),
    (&["规范性文件"], 3, "行政规范性文件"),
    (&["行政许可"], 1, "行政许可"),
    (&["行政处罚"], 1, "行政处罚"),
    (&["行政强制"], 1, "行政强制"),
    (&["收费"], 1, "行政事业性收费"),
];

fn names(key: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| key.contains(p))
}

/// The slots of `r` cut to `n` numbers: extra blank cells at the ends dropped, or a merged
/// number repeated across its cells taken once.
fn fit(r: &Record, n: usize) -> Option<Vec<Slot>> {
    let mut s = r.slots.clone();
    let blank = |x: &Slot| matches!(&x.num, CellNum::Blank(t) if t.is_empty());
    while s.len() > n && s.last().is_some_and(blank) {
        s.pop();
    }
    while s.len() > n && s.first().is_some_and(blank) {
        s.remove(0);
    }
    if s.len() > n && n == 1 && s.iter().all(|x| x.num == s[0].num) {
        s.truncate(1);
    }
    (s.len() == n).then_some(s)
}

/// Aligns records to official rows in order. `fits(i, j)` says whether record `i` can be row
/// `j` at all, `named(i, j)` whether its label names row `j`. Returns, per record, its row.
fn align(
    n: usize,
    rows: usize,
    fits: impl Fn(usize, usize) -> bool,
    named: impl Fn(usize, usize) -> bool,
) -> Vec<Option<usize>> {
    const NAMED: i32 = 3;
    const SKIP: i32 = -2;
    // score[i][j]: best for the first i records and the first j rows.
    let mut score = vec![vec![i32::MIN / 2; rows + 1]; n + 1];
    let mut step = vec![vec![0u8; rows + 1]; n + 1]; // 1 map, 2 skip record, 3 skip row
    score[0][0] = 0;
    for i in 0..=n {
        for j in 0..=rows {
            if i == 0 && j == 0 {
                continue;
            }
            let mut best = (i32::MIN / 2, 0u8);
            if i > 0 && j > 0 && fits(i - 1, j - 1) {
                let s = score[i - 1][j - 1] + if named(i - 1, j - 1) { NAMED } else { 0 };
                best = best.max((s, 1));
            }
            if i > 0 {
                best = best.max((score[i - 1][j] + SKIP, 2));
            }
            if j > 0 {
                best = best.max((score[i][j - 1] + SKIP, 3));
            }
            score[i][j] = best.0;
            step[i][j] = best.1;
        }
    }
    let mut out = vec![None; n];
    let (mut i, mut j) = (n, rows);
    while i > 0 || j > 0 {
        match step[i][j] {
            1 => {
                out[i - 1] = Some(j - 1);
                i -= 1;
                j -= 1;
            }
            2 => i -= 1,
            _ => j -= 1,
        }
    }
    out
}

fn describe(r: &Record) -> String {
    let nums: Vec<String> = r.slots.iter().map(|s| s.text.clone()).collect();
    let label = if r.label.is_empty() {
        "（无标签）".to_string()
    } else {
        format!("“{}”", r.label)
    };
    format!("{}：{label}，数字 {}", r.at, nums.join(" "))
}

/// Maps table 二's records.
pub(crate) fn map_t2(recs: &[Record], out: &mut Tables) -> T2 {
    let recs: Vec<&Record> = recs.iter().filter(|r| !r.slots.is_empty()).collect();
    let fits = |i: usize, j: usize| fit(recs[i], T2_ROWS[j].1).is_some();
    let named = |i: usize, j: usize| names(&recs[i].key, T2_ROWS[j].0);
    let map = align(recs.len(), T2_ROWS.len(), fits, named);
    let mut t = T2::default();
    let mut seen = [false; 6];
    for (i, m) in map.iter().enumerate() {
        let Some(j) = *m else {
            out.unmapped.push(format!("表二 {}", describe(recs[i])));
            continue;
        };
        seen[j] = true;
        label_differs(recs[i], T2_ROWS[j].2, out);
        if !named(i, j) {
            out.notes.push(format!(
                "表二 {} 的标签“{}”不像“{}”，按位置对应为“{}”【请核对】",
                recs[i].at, recs[i].label, T2_ROWS[j].2, T2_ROWS[j].2
            ));
        }
        let slots = fit(recs[i], T2_ROWS[j].1).unwrap_or_default();
        let v: Vec<Value> = slots.iter().map(|s| Value::from_slot(s, j == 5)).collect();
        match j {
            0 => t.rules = array3(v),
            1 => t.normative = array3(v),
            2 => t.licensing = first(v),
            3 => t.punishment = first(v),
            4 => t.enforcement = first(v),
            _ => t.fee = first(v),
        }
    }
    for (j, s) in seen.iter().enumerate() {
        if !s {
            out.notes.push(format!(
                "表二没有找到“{}”行，按 0 导入【请核对】",
                T2_ROWS[j].2
            ));
        }
    }
    t
}

/// Notes a row label that is not the official one (compared half-width, without spaces).
fn label_differs(r: &Record, official: &str, out: &mut Tables) {
    if let Some(own) = &r.own {
        if norm::label(own) != norm::label(official) {
            out.labels
                .push(format!("{}“{}”（官方为“{official}”）", r.at, own.trim()));
        }
    }
}

fn array3(v: Vec<Value>) -> [Value; 3] {
    let mut it = v.into_iter();
    std::array::from_fn(|_| it.next().unwrap_or_default())
}

fn first(v: Vec<Value>) -> Value {
    v.into_iter().next().unwrap_or_default()
}

/// Maps table 三's records.
pub(crate) fn map_t3(recs: &[Record], out: &mut Tables) -> T3 {
    let recs: Vec<&Record> = recs.iter().filter(|r| !r.slots.is_empty()).collect();
    let width = |i: usize| fit(recs[i], 7).or_else(|| fit(recs[i], 6));
    let named = |i: usize, j: usize| names(&recs[i].key, T3_KEYS[j]);
    // Text copied from a PDF sometimes loses a cell of a row with three label levels: a row
    // that names its official row may have five numbers (imported into the first five
    // columns, the sixth listed as missing).
    let short = |i: usize| fit(recs[i], 5);
    let fits = |i: usize, j: usize| width(i).is_some() || (short(i).is_some() && named(i, j));
    let map = align(recs.len(), 25, fits, named);
    let mut t = T3::default();
    let mut seen = [false; 25];
    for (i, m) in map.iter().enumerate() {
        let Some(j) = *m else {
            out.unmapped.push(format!("表三 {}", describe(recs[i])));
            continue;
        };
        seen[j] = true;
        let row = &T3_ROWS[j];
        label_differs(recs[i], row.label, out);
        if !named(i, j) {
            out.notes.push(format!(
                "表三 {} 的标签“{}”不含“{}”的关键词，按位置对应为“{}”【请核对】",
                recs[i].at, recs[i].label, row.label, row.label
            ));
        }
        let slots = width(i).or_else(|| short(i)).unwrap_or_default();
        for (k, s) in slots.iter().take(6).enumerate() {
            t.rows[j][k] = Value::from_slot(s, false);
        }
        if slots.len() == 5 {
            t.rows[j][5].at = recs[i].at.clone();
            out.notes.push(format!(
                "表三 {} “{}”只有 5 个数，按前 5 列（自然人至法律服务机构）导入，“其他”列没有数字，按 0 导入【请核对】",
                recs[i].at, row.label
            ));
        }
        if let Some(s) = slots.get(6) {
            t.stated_totals[j] = Some(Value::from_slot(s, false));
        }
        if j == nianbao_core::format::T3_TOTAL {
            t.total_row_read = true;
        }
    }
    for (j, s) in seen.iter().enumerate() {
        if !s && j != nianbao_core::format::T3_TOTAL {
            out.notes.push(format!(
                "表三没有找到“{}”行，按 0 导入【请核对】",
                T3_ROWS[j].label
            ));
        }
    }
    t
}

/// Maps table 四's records: one row of 15 numbers (or 12, without the 总计 columns).
pub(crate) fn map_t4(recs: &[Record], out: &mut Tables) -> T4 {
    let mut t = T4::default();
    let mut done = false;
    for r in recs.iter().filter(|r| !r.slots.is_empty()) {
        if done {
            out.unmapped.push(format!("表四 {}", describe(r)));
            continue;
        }
        let (slots, totals) = match fit(r, 15) {
            Some(s) => (s, true),
            None => match fit(r, 12) {
                Some(s) => (s, false),
                None => {
                    out.unmapped.push(format!("表四 {}", describe(r)));
                    continue;
                }
            },
        };
        let per = if totals { 5 } else { 4 };
        for g in 0..3 {
            for k in 0..4 {
                t.groups[g][k] = Value::from_slot(&slots[g * per + k], false);
            }
            if totals {
                t.stated_totals[g] = Some(Value::from_slot(&slots[g * per + 4], false));
            }
        }
        if !totals {
            out.notes.push(format!(
                "表四 {} 只有 12 个数（没有“总计”列），按“维持、纠正、其他、尚未审结”× {} 对应",
                r.at,
                T4_GROUPS.len()
            ));
        }
        done = true;
    }
    if !done {
        out.notes
            .push("表四没有找到 15 个数的数据行，各项按 0 导入【请核对】".into());
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_prefers_named_rows_in_order() {
        // Records: A (names row 1), B (no name), C (names row 3). Four rows.
        let named = |i: usize, j: usize| matches!((i, j), (0, 1) | (2, 3));
        let map = align(3, 4, |_, _| true, named);
        assert_eq!(map, vec![Some(1), Some(2), Some(3)]);
        // A record that fits nothing is left out.
        let map = align(2, 2, |i, _| i == 1, |i, j| (i, j) == (1, 1));
        assert_eq!(map, vec![None, Some(1)]);
    }

    fn grid(rows: &[&[&str]]) -> Grid {
        let mut g = Grid::default();
        for (r, cells) in rows.iter().enumerate() {
            for (c, t) in cells.iter().enumerate() {
                g.cells.push(crate::flow::GridCell {
                    row: r,
                    col: c,
                    rowspan: 1,
                    colspan: 1,
                    text: (*t).to_string(),
                    at: format!("R{r}C{c}"),
                });
            }
        }
        g
    }

    #[test]
    fn label_spellings_are_listed_but_mapped() {
        let g = grid(&[
            &["规章", "1", "2", "3"],
            &["行政规范性文件", "4", "5", "6"],
            &["行政许可事项", "7", "", ""],
            &["行政处罚", "8", "", ""],
            &["行政强制", "9", "", ""],
            &["行政事业性收费", "1.5", "", ""],
        ]);
        let mut out = Tables::default();
        let t = map_t2(&records(&g), &mut out);
        assert_eq!(t.licensing.count, 7);
        assert_eq!(t.fee.text, "1.5");
        assert_eq!(out.labels, ["R2C0“行政许可事项”（官方为“行政许可”）"]);
        assert!(out.unmapped.is_empty() && out.notes.is_empty(), "{out:?}");
    }
}
