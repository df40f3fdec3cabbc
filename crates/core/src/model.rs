//! The report model: what a loaded report says, with a source span on every input.
//!
//! Only leaf cells are stored as input; totals are computed by methods here. Totals a source
//! states itself are kept beside the inputs so checks can compare them.

use crate::format::{
    Balance, Kind, Part, PROSE_PARTS, T3_APPLICANT_COLS, T3_RESULTS, T3_TOTAL, T3_TOTAL_COL,
    T4_RESULT_COLS,
};
use crate::source::{FileId, Span};

/// The report years nianbao accepts: the 条例 took effect in 2008.
pub const REPORT_YEARS: std::ops::RangeInclusive<i32> = 2008..=2100;

/// The largest count a cell may hold (E-NUMBER above it). No agency decides more than a
/// billion of anything in a year; with it, no sum of a table can come near overflowing a
/// `u64`, nor the 2^53 that XLSX numbers hold exactly.
pub const MAX_COUNT: u64 = 1_000_000_000;

/// The largest fee, in 万元 (one trillion yuan).
pub const MAX_FEE: f64 = 100_000_000.0;

/// The sum of `values`, saturating instead of wrapping. The loader bounds every cell by
/// [`MAX_COUNT`], so no table sum comes near `u64::MAX`; this keeps a hand-built report from
/// ever wrapping silently either.
pub fn add_all(values: impl IntoIterator<Item = u64>) -> u64 {
    values.into_iter().fold(0, u64::saturating_add)
}

/// A whole-number count from the source.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Count {
    /// The value.
    pub value: u64,
    /// Where it was written (None when defaulted or synthesised).
    pub span: Option<Span>,
}

/// The fee of table 二, in 万元.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fee {
    /// The amount in 万元.
    pub value: f64,
    /// The amount as written (keeps trailing zeros and the typed precision).
    pub text: String,
    /// Where it was written.
    pub span: Option<Span>,
}

/// A calendar date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Full year.
    pub year: i32,
    /// 1–12.
    pub month: u8,
    /// 1–31.
    pub day: u8,
}

impl Date {
    /// The official way to write a date: Arabic numerals, full year, no zero padding.
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }

    /// ISO 8601 (`2025-01-09`).
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Whether the date exists in the calendar.
    pub fn is_valid(&self) -> bool {
        let leap = (self.year % 4 == 0 && self.year % 100 != 0) || self.year % 400 == 0;
        let days = match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return false,
        };
        self.day >= 1 && self.day <= days
    }
}

/// Table 二 — 主动公开政府信息情况.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table2 {
    /// 规章: 本年制发, 本年废止, 现行有效.
    pub rules: [Count; 3],
    /// 行政规范性文件: 本年制发, 本年废止, 现行有效.
    pub normative: [Count; 3],
    /// 行政许可 本年处理决定数量.
    pub licensing: Count,
    /// 行政处罚 本年处理决定数量.
    pub punishment: Count,
    /// 行政强制 本年处理决定数量.
    pub enforcement: Count,
    /// 行政事业性收费 本年收费金额（万元）.
    pub fee: Fee,
    /// Span of the `[active]` table header.
    pub span: Option<Span>,
}

/// One body row of table 三 as written: six applicant columns, maybe a stated total.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct T3Line {
    /// 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他.
    pub cells: [Count; 6],
    /// A 总计 the source typed (checked against the computed one).
    pub stated_total: Option<Count>,
    /// Whether the row was written at all (row （七） is optional).
    pub stated: bool,
    /// Span of the whole row value.
    pub span: Option<Span>,
}

impl T3Line {
    /// The sum of the row's applicant columns as written (what a stated 总计 must equal).
    pub fn sum(&self) -> u64 {
        add_all(T3_APPLICANT_COLS.map(|c| self.cells[c].value))
    }
}

/// Table 三 — 收到和处理政府信息公开申请情况.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table3 {
    /// The 25 rows in [`crate::format::T3_ROWS`] order.
    pub rows: [T3Line; 25],
    /// Span of the `[applications]` table header.
    pub span: Option<Span>,
    /// A cell could not be read (E-NUMBER): its sums are unknown, so the table's arithmetic
    /// is not checked (a balance computed with a 0 in its place would only mislead).
    pub unreadable: bool,
}

impl Table3 {
    /// The value printed in body row `row` (0-based), column `col` (0–6, 6 = 总计).
    ///
    /// Row （七）总计 and column 总计 are always computed from the leaf cells, as
    /// [`crate::format`] defines them.
    pub fn value(&self, row: usize, col: usize) -> u64 {
        if col == T3_TOTAL_COL {
            return add_all(T3_APPLICANT_COLS.map(|c| self.value(row, c)));
        }
        if row == T3_TOTAL {
            return add_all(T3_RESULTS.map(|r| self.rows[r].cells[col].value));
        }
        self.rows[row].cells[col].value
    }

    /// Sum of column `col` over a range of rows.
    pub fn sum(&self, rows: std::ops::Range<usize>, col: usize) -> u64 {
        add_all(rows.map(|r| self.value(r, col)))
    }

    /// Both sides of `balance` in column `col`.
    pub fn balance(&self, balance: &Balance, col: usize) -> (u64, u64) {
        let side = |rows: &[usize]| add_all(rows.iter().map(|&r| self.value(r, col)));
        (side(&balance.lhs), side(&balance.rhs))
    }
}

/// One group of table 四 (行政复议, or one kind of 行政诉讼).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct T4Group {
    /// 结果维持, 结果纠正, 其他结果, 尚未审结.
    pub cells: [Count; 4],
    /// A 总计 the source typed.
    pub stated_total: Option<Count>,
    /// Span of the row value.
    pub span: Option<Span>,
}

impl T4Group {
    /// The computed 总计.
    pub fn total(&self) -> u64 {
        add_all(T4_RESULT_COLS.map(|k| self.cells[k].value))
    }
}

/// Table 四 — 政府信息公开行政复议、行政诉讼情况.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table4 {
    /// 行政复议, 未经复议直接起诉, 复议后起诉.
    pub groups: [T4Group; 3],
    /// Span of the `[appeals]` table header.
    pub span: Option<Span>,
    /// A cell could not be read (E-NUMBER); see [`Table3::unreadable`].
    pub unreadable: bool,
}

/// A piece of text with one style.
#[derive(Clone, Debug, PartialEq)]
pub struct Inline {
    /// The text (placeholders already replaced).
    pub text: String,
    /// Bold (`**…**`).
    pub bold: bool,
    /// Source range the text came from.
    pub span: Span,
    /// True when `text` is exactly the source slice, so offsets map one to one.
    pub exact: bool,
    /// True when the text was produced by a `{{…}}` placeholder.
    pub generated: bool,
}

/// A prose block.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A heading inside a section: level 2 `（一）`, 3 `1.`, 4 `（1）`.
    Heading {
        /// 2, 3 or 4.
        level: u8,
        /// Content.
        inlines: Vec<Inline>,
        /// Source span.
        span: Span,
    },
    /// A body paragraph.
    Paragraph {
        /// Content.
        inlines: Vec<Inline>,
        /// Source span.
        span: Span,
    },
    /// A list item, rendered as a paragraph that starts with its marker.
    ListItem {
        /// `1.`, `2.` … for ordered lists; empty for bullets.
        marker: String,
        /// Content.
        inlines: Vec<Inline>,
        /// Source span.
        span: Span,
    },
}

impl Block {
    /// The block's content.
    pub fn inlines(&self) -> &[Inline] {
        match self {
            Block::Heading { inlines, .. }
            | Block::Paragraph { inlines, .. }
            | Block::ListItem { inlines, .. } => inlines,
        }
    }

    /// The block's span.
    pub fn span(&self) -> &Span {
        match self {
            Block::Heading { span, .. }
            | Block::Paragraph { span, .. }
            | Block::ListItem { span, .. } => span,
        }
    }

    /// Plain text of the block.
    pub fn text(&self) -> String {
        self.inlines().iter().map(|i| i.text.as_str()).collect()
    }

    /// Source span of the characters `start..end` (char indices into [`Block::text`]).
    /// For many lookups in one block use [`Block::locator`] (this builds one each call).
    pub fn locate(&self, start: usize, end: usize) -> Span {
        self.locator().locate(start, end)
    }

    /// Whether char index `at` of [`Block::text`] lies in placeholder output.
    pub fn is_generated(&self, at: usize) -> bool {
        self.locator().is_generated(at)
    }

    /// A table from character positions of [`Block::text`] to the inlines and source bytes
    /// they came from, so each lookup is O(1) (a check that reports every half-width comma of
    /// a 16,000-comma line must not rescan the line each time).
    pub fn locator(&self) -> Locator<'_> {
        let inlines = self.inlines();
        let mut holder = Vec::new();
        let mut byte = Vec::new();
        let mut starts = Vec::with_capacity(inlines.len());
        let mut empties = Vec::new();
        for (i, inline) in inlines.iter().enumerate() {
            starts.push(holder.len());
            if inline.text.is_empty() {
                empties.push((holder.len(), i));
            }
            for (b, _) in inline.text.char_indices() {
                holder.push(i);
                byte.push(b);
            }
        }
        Locator {
            block: self,
            holder,
            byte,
            starts,
            empties,
        }
    }
}

/// Character positions of one block mapped to its source (see [`Block::locator`]).
pub struct Locator<'a> {
    block: &'a Block,
    /// For each character, the inline holding it.
    holder: Vec<usize>,
    /// For each character, its byte offset within its inline's text.
    byte: Vec<usize>,
    /// The character position where each inline starts.
    starts: Vec<usize>,
    /// Empty inlines (a placeholder with no value, …): (position, inline), in order.
    empties: Vec<(usize, usize)>,
}

impl Locator<'_> {
    /// The inline that `start` points into: the first one, in order, that holds the
    /// character or is empty and sits right at it.
    fn owner(&self, start: usize) -> Option<usize> {
        let held = self.holder.get(start).copied();
        let first = self.empties.partition_point(|&(p, _)| p < start);
        let empty = self
            .empties
            .get(first)
            .filter(|&&(p, i)| p == start && held.is_none_or(|h| i < h))
            .map(|&(_, i)| i);
        empty.or(held)
    }

    /// Source span of the characters `start..end` (char indices into [`Block::text`]).
    pub fn locate(&self, start: usize, end: usize) -> Span {
        let Some(i) = self.owner(start) else {
            return self.block.span().clone();
        };
        let inline = &self.block.inlines()[i];
        let pos = self.starts[i];
        let n = self.starts.get(i + 1).map_or(self.holder.len(), |&s| s) - pos;
        let range = &inline.span.range;
        let offset = |k: usize| -> usize {
            if inline.exact {
                range.start
                    + self
                        .byte
                        .get(pos + k)
                        .filter(|_| k < n)
                        .copied()
                        .unwrap_or(inline.text.len())
            } else {
                range.start
            }
        };
        let s = offset(start - pos);
        let e = if end <= pos + n && inline.exact {
            offset(end - pos)
        } else {
            range.end
        };
        Span::new(inline.span.file, s..e.max(s))
    }

    /// Whether char index `at` lies in placeholder output.
    pub fn is_generated(&self, at: usize) -> bool {
        self.holder
            .get(at)
            .is_some_and(|&i| self.block.inlines()[i].generated)
    }
}

/// The prose of one section (or lead), from one Markdown file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prose {
    /// The file it came from (None when absent).
    pub file: Option<FileId>,
    /// Blocks in order.
    pub blocks: Vec<Block>,
}

impl Prose {
    /// Plain text of every block, one block a line.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for b in &self.blocks {
            s.push_str(&b.text());
            s.push('\n');
        }
        s
    }

    /// Whether there is any text.
    pub fn is_empty(&self) -> bool {
        self.blocks.iter().all(|b| b.text().trim().is_empty())
    }
}

/// Every prose part of the report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sections {
    /// Opening paragraph(s) before section 一 (optional).
    pub opening: Option<Prose>,
    /// 一、总体情况.
    pub overview: Prose,
    /// Lead before table 二 (optional).
    pub active_lead: Option<Prose>,
    /// Lead before table 三 (optional).
    pub applications_lead: Option<Prose>,
    /// Lead before table 四 (optional).
    pub appeals_lead: Option<Prose>,
    /// 五、存在的主要问题及改进情况.
    pub problems: Prose,
    /// 六、其他需要报告的事项.
    pub other: Prose,
}

impl Sections {
    /// The prose of `part`, if it has any (an optional part may be absent).
    pub fn get(&self, part: Part) -> Option<&Prose> {
        match part {
            Part::Opening => self.opening.as_ref(),
            Part::Overview => Some(&self.overview),
            Part::ActiveLead => self.active_lead.as_ref(),
            Part::ApplicationsLead => self.applications_lead.as_ref(),
            Part::AppealsLead => self.appeals_lead.as_ref(),
            Part::Problems => Some(&self.problems),
            Part::Other => Some(&self.other),
        }
    }

    /// Sets the prose of `part`; `None` leaves a required part empty.
    pub fn set(&mut self, part: Part, prose: Option<Prose>) {
        match part {
            Part::Opening => self.opening = prose,
            Part::Overview => self.overview = prose.unwrap_or_default(),
            Part::ActiveLead => self.active_lead = prose,
            Part::ApplicationsLead => self.applications_lead = prose,
            Part::AppealsLead => self.appeals_lead = prose,
            Part::Problems => self.problems = prose.unwrap_or_default(),
            Part::Other => self.other = prose.unwrap_or_default(),
        }
    }

    /// Every prose part present, with its short Chinese name, in document order.
    pub fn all(&self) -> Vec<(&'static str, &Prose)> {
        PROSE_PARTS
            .iter()
            .filter_map(|p| self.get(p.part).map(|prose| (p.name, prose)))
            .collect()
    }
}

/// The signature block at the end (机关署名 and date).
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    /// Signing agency (defaults to the report's agency).
    pub agency: String,
    /// Date (defaults to the publication date).
    pub date: Date,
}

/// The 版记 at the foot of the last page (GB/T 9704 §7.4): 抄送机关, 印发机关 and 印发日期.
#[derive(Clone, Debug, PartialEq)]
pub struct Imprint {
    /// 抄送机关 in the order written, without closing punctuation (may be empty: a 版记 of
    /// the 印发 line alone).
    pub cc: Vec<String>,
    /// 印发机关 (defaults to the signing agency, else the report's agency).
    pub printer: String,
    /// 印发日期 (defaults to the publication date).
    pub date: Date,
    /// Span of the `[imprint]` table.
    pub span: Option<Span>,
}

/// A loaded report.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// 机关全称.
    pub agency: String,
    /// Report year (statistics 1月1日–12月31日 of it).
    pub year: i32,
    /// Kind of agency.
    pub kind: Kind,
    /// Publication date.
    pub published: Option<Date>,
    /// Optional signature block.
    pub signature: Option<Signature>,
    /// Optional 版记 (`[imprint]`).
    pub imprint: Option<Imprint>,
    /// Prose.
    pub sections: Sections,
    /// Table 二.
    pub active: Table2,
    /// Table 三.
    pub applications: Table3,
    /// Table 四.
    pub appeals: Table4,
    /// Last year's report, when `last_year` names one (its own `last_year` is not loaded).
    pub last_year: Option<Box<Report>>,
    /// Spans of the top-level keys, for messages.
    pub spans: ReportSpans,
}

/// Where the report's scalar keys were written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportSpans {
    /// The `report.toml` file.
    pub file: Option<FileId>,
    /// `agency = …`.
    pub agency: Option<Span>,
    /// `year = …`.
    pub year: Option<Span>,
    /// `kind = …`.
    pub kind: Option<Span>,
    /// `published = …`.
    pub published: Option<Span>,
    /// `last_year = …`.
    pub last_year: Option<Span>,
    /// `[signature] agency = …`.
    pub signature_agency: Option<Span>,
}

impl Report {
    /// An all-zero report with no prose (a starting point for tests and generators).
    pub fn empty(agency: &str, year: i32, kind: Kind) -> Self {
        Report {
            agency: agency.to_string(),
            year,
            kind,
            published: None,
            signature: None,
            imprint: None,
            sections: Sections::default(),
            active: Table2 {
                fee: Fee {
                    value: 0.0,
                    text: "0".into(),
                    span: None,
                },
                ..Table2::default()
            },
            applications: Table3::default(),
            appeals: Table4::default(),
            last_year: None,
            spans: ReportSpans::default(),
        }
    }

    /// The publication deadline for this report's kind and year.
    pub fn deadline(&self) -> Date {
        let (month, day) = self.kind.deadline();
        Date {
            year: self.year + 1,
            month,
            day,
        }
    }

    /// The full title, `<机关全称><年度>年政府信息公开工作年度报告`.
    pub fn title(&self) -> String {
        format!(
            "{}{}年{}",
            self.agency,
            self.year,
            crate::format::TITLE_SUFFIX
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = Date {
            year: 2025,
            month: 1,
            day: 9,
        };
        assert_eq!(d.chinese(), "2025年1月9日");
        assert_eq!(d.iso(), "2025-01-09");
        assert!(!Date {
            year: 2023,
            month: 2,
            day: 29
        }
        .is_valid());
    }

    #[test]
    fn table3_totals_are_computed() {
        let mut t = Table3::default();
        t.rows[2].cells[0].value = 3;
        t.rows[5].cells[1].value = 2;
        t.rows[22].cells[5].value = 1;
        assert_eq!(t.value(T3_TOTAL, 0), 3);
        assert_eq!(t.value(T3_TOTAL, 6), 6);
        assert_eq!(t.value(5, 6), 2);
    }
}
