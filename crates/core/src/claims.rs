//! What the numbers in the prose claim about the tables: a small grammar of the sentences
//! annual reports are written in.
//!
//! A sentence is cut into tokens: subject words (each table label of [`crate::format`] and
//! the synonyms reports use: 新收/收到/受理, 予以公开/全部公开, 维持/结果维持, …), quantities
//! (a number with its unit: 件 条 起 宗 份, 万元 元), markers (其中, 分别, 含/包括, 共, 未收到…)
//! and clause breaks. Within a clause each quantity is bound to the subject words next to it
//! (before it, or after it when the clause starts with the number: “有1件申请转入下年度办理”);
//! words separated by 、/和/及 form a list that 分别 distributes over the following
//! quantities in order, 各 gives each the same quantity, and one quantity after a list is their
//! sum (“予以公开和部分公开共30件”). 其中, 含/包括 and a bracket right after a quantity make the
//! following quantities parts of that whole (“收到申请146件，其中自然人121件” is 自然人 of row
//! 一); a part that names nothing more specific than its whole (“其中网上申请100件”) claims
//! nothing. A clause with no subject words of its own inherits them from the previous
//! quantity (“制发规范性文件9件、废止7件”).
//!
//! What stops a claim: another subject (信访, 人大代表建议, 政协提案, 诉求, 热线, …), the agency
//! acting as 复议机关, 各类 cases, comparisons (同比, 较上年, 增加, …), last year's numbers,
//! approximations (约, 余, 多), percentages and amounts in 万 (except the fee), and, when a
//! sentence gives one cell two different numbers, both of them (a breakdown by office or channel).
//!
//! Every [`Claim`] carries the cells it refers to and the characters of its number, so a
//! message can name the cell and the hint the placeholder. Numbers that come from placeholders
//! are read too (they give the sentence its structure) but marked [`Claim::generated`].

use std::ops::Range;
use std::sync::LazyLock;

use crate::format::{
    T2_STOCK_COLUMNS, T3_CARRIED_FORWARD, T3_CARRIED_OVER, T3_COLUMNS, T3_GROUPS, T3_NEW,
    T3_ORG_COLS, T3_ROWS, T3_TOTAL, T3_TOTAL_COL, T4_COLUMNS, T4_GROUPS, T4_TOTAL_COL,
};
use crate::model::Report;

// ---------------------------------------------------------------------------------------------
// Cells

/// Rows of table 三 a claim can name: one body row, or a result group of the format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rows {
    /// Index into [`T3_ROWS`].
    Row(usize),
    /// Index into [`T3_GROUPS`].
    Group(usize),
}

/// Columns of table 三 a claim can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Col3 {
    /// Index into [`T3_COLUMNS`] (6 = 总计).
    Col(usize),
    /// The five 法人或其他组织 columns together.
    Orgs,
}

/// A group of table 四, or both kinds of 行政诉讼 together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group4 {
    /// Index into [`T4_GROUPS`].
    Group(usize),
    /// 行政诉讼: 未经复议直接起诉 + 复议后起诉.
    Suit,
}

/// A number of the tables that prose can quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Table 三: rows × a column.
    T3 {
        /// The row or result group.
        rows: Rows,
        /// The column.
        col: Col3,
    },
    /// Table 四: a group × a column ([`T4_COLUMNS`] index, 4 = 总计).
    T4 {
        /// The group.
        group: Group4,
        /// The column.
        col: usize,
    },
    /// Table 二 规章 (`normative == false`) or 行政规范性文件, a [`T2_STOCK_COLUMNS`] column.
    Stock {
        /// 行政规范性文件 rather than 规章.
        normative: bool,
        /// The column.
        col: usize,
    },
    /// Table 二 本年处理决定数量: 0 行政许可, 1 行政处罚, 2 行政强制.
    Decisions(usize),
    /// Table 二 行政事业性收费 (万元).
    Fee,
}

const DECISIONS: [(&str, &str); 3] = [
    ("licensing", "行政许可"),
    ("punishment", "行政处罚"),
    ("enforcement", "行政强制"),
];

/// A table-三 row's name for messages, with its group: “（四）无法提供 · 1.本机关不掌握相关政府信息”.
pub fn t3_row_name(row: usize) -> String {
    let label = T3_ROWS.get(row).map_or("", |r| r.label);
    match T3_GROUPS.iter().find(|(_, _, rows)| rows.contains(&row)) {
        Some((_, group, _)) => format!("{group} · {label}"),
        None => label.to_string(),
    }
}

/// A label without its numbering and explanatory bracket: “（二）部分公开（区分…）” → “部分公开”.
fn bare(label: &str) -> &str {
    let rest = match label.find('）') {
        Some(i) if label.starts_with('（') => &label[i + '）'.len_utf8()..],
        _ => label
            .split_once(['.', '、'])
            .map_or(label, |(n, r)| if n.len() <= 3 { r } else { label }),
    };
    rest.split('（').next().unwrap_or(rest)
}

impl Rows {
    fn range(self) -> Range<usize> {
        match self {
            Rows::Row(i) => i..i + 1,
            Rows::Group(g) => T3_GROUPS[g].2.clone(),
        }
    }

    fn key(self) -> &'static str {
        match self {
            Rows::Row(i) => T3_ROWS[i].key,
            Rows::Group(g) => T3_GROUPS[g].0,
        }
    }
}

impl Group4 {
    fn key(self) -> &'static str {
        match self {
            Group4::Group(g) => T4_GROUPS[g].0,
            Group4::Suit => "suit",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Group4::Group(0) => "行政复议",
            Group4::Group(1) => "未经复议直接起诉",
            Group4::Group(_) => "复议后起诉",
            Group4::Suit => "行政诉讼",
        }
    }
}

impl Cell {
    /// The table's count, or None for the fee (an amount).
    pub fn count(&self, r: &Report) -> Option<u64> {
        Some(match *self {
            Cell::T3 { rows, col } => {
                let t = &r.applications;
                match col {
                    Col3::Col(c) => t.sum(rows.range(), c),
                    Col3::Orgs => T3_ORG_COLS.map(|c| t.sum(rows.range(), c)).sum(),
                }
            }
            Cell::T4 { group, col } => {
                let g = &r.appeals.groups;
                let one = |i: usize| {
                    if col >= T4_TOTAL_COL {
                        g[i].total()
                    } else {
                        g[i].cells[col].value
                    }
                };
                match group {
                    Group4::Group(i) => one(i),
                    Group4::Suit => one(1) + one(2),
                }
            }
            Cell::Stock { normative, col } => {
                let row = if normative {
                    &r.active.normative
                } else {
                    &r.active.rules
                };
                row[col].value
            }
            Cell::Decisions(0) => r.active.licensing.value,
            Cell::Decisions(1) => r.active.punishment.value,
            Cell::Decisions(_) => r.active.enforcement.value,
            Cell::Fee => return None,
        })
    }

    /// The placeholder that prints this number (without braces): `applications.new.natural`.
    pub fn placeholder(&self) -> String {
        match *self {
            Cell::T3 { rows, col } => match col {
                Col3::Col(T3_TOTAL_COL) => format!("applications.{}", rows.key()),
                Col3::Col(c) => format!("applications.{}.{}", rows.key(), T3_COLUMNS[c].0),
                Col3::Orgs => format!("applications.{}.orgs", rows.key()),
            },
            Cell::T4 {
                group,
                col: T4_TOTAL_COL,
            } => format!("appeals.{}", group.key()),
            Cell::T4 { group, col } => format!("appeals.{}.{}", group.key(), T4_COLUMNS[col].0),
            Cell::Stock { normative, col } => format!(
                "active.{}.{}",
                if normative { "normative" } else { "rules" },
                T2_STOCK_COLUMNS[col].0
            ),
            Cell::Decisions(i) => format!("active.{}", DECISIONS[i].0),
            Cell::Fee => "active.fee".to_string(),
        }
    }

    /// What the prose number was read as, briefly: “新收申请·自然人”.
    pub fn subject(&self) -> String {
        match *self {
            Cell::T3 { rows, col } => {
                let row = match rows {
                    Rows::Row(T3_NEW) => "新收申请",
                    Rows::Row(T3_CARRIED_OVER) => "上年结转",
                    Rows::Row(T3_TOTAL) => "办结",
                    Rows::Row(T3_CARRIED_FORWARD) => "结转下年度",
                    Rows::Row(i) => bare(T3_ROWS[i].label),
                    Rows::Group(g) => bare(T3_GROUPS[g].1),
                };
                match col {
                    Col3::Col(T3_TOTAL_COL) => row.to_string(),
                    Col3::Col(c) => format!("{row}·{}", T3_COLUMNS[c].1),
                    Col3::Orgs => format!("{row}·法人或其他组织"),
                }
            }
            Cell::T4 {
                group,
                col: T4_TOTAL_COL,
            } => group.name().to_string(),
            Cell::T4 { group, col } => format!("{}·{}", group.name(), T4_COLUMNS[col].1),
            Cell::Stock { normative, col } => format!(
                "{}{}",
                &T2_STOCK_COLUMNS[col].1[..T2_STOCK_COLUMNS[col].1.len() - "件数".len()],
                if normative {
                    "行政规范性文件"
                } else {
                    "规章"
                }
            ),
            Cell::Decisions(i) => format!("{}决定", DECISIONS[i].1),
            Cell::Fee => "行政事业性收费".to_string(),
        }
    }

    /// Where the number is in the tables: “表三“（四）无法提供 · 1.本机关不掌握相关政府信息”总计”.
    pub fn location(&self) -> String {
        match *self {
            Cell::T3 { rows, col } => {
                let (name, sum) = match rows {
                    Rows::Row(i) => (t3_row_name(i), ""),
                    Rows::Group(g) => (T3_GROUPS[g].1.to_string(), "各项"),
                };
                match col {
                    Col3::Col(T3_TOTAL_COL) if sum.is_empty() => format!("表三“{name}”总计"),
                    Col3::Col(T3_TOTAL_COL) => format!("表三“{name}”各项之和"),
                    Col3::Col(c) => format!("表三“{name}”{sum}“{}”列", T3_COLUMNS[c].1),
                    Col3::Orgs => format!("表三“{name}”{sum}“法人或其他组织”五列之和"),
                }
            }
            Cell::T4 { group, col } => {
                let what = if col >= T4_TOTAL_COL {
                    "总计".to_string()
                } else {
                    format!("“{}”", T4_COLUMNS[col].1)
                };
                match group {
                    Group4::Group(g) => format!("表四“{}”{what}", T4_GROUPS[g].1),
                    Group4::Suit => {
                        format!("表四“行政诉讼”（未经复议直接起诉与复议后起诉）{what}之和")
                    }
                }
            }
            Cell::Stock { normative, col } => format!(
                "表二“{}”{}",
                if normative {
                    "行政规范性文件"
                } else {
                    "规章"
                },
                T2_STOCK_COLUMNS[col].1
            ),
            Cell::Decisions(i) => format!("表二“{}”本年处理决定数量", DECISIONS[i].1),
            Cell::Fee => "表二“行政事业性收费”本年收费金额".to_string(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Claims

/// A number as the prose wrote it.
#[derive(Clone, Debug, PartialEq)]
pub enum Written {
    /// A count (件, 条, 起, 宗, 份).
    Count(u64),
    /// An amount, converted to 万元; `decimals` as typed (in the typed unit).
    Money {
        /// The amount in 万元.
        wan: f64,
        /// Decimals typed.
        decimals: u32,
        /// Written in 元 rather than 万元.
        yuan: bool,
    },
}

/// A number in the prose that states a table number.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// The cells whose sum the number states (one cell, or a few for 共 and 含).
    pub cells: Vec<Cell>,
    /// The number's characters in the block text (char indices).
    pub number: Range<usize>,
    /// The number and its unit as written, e.g. `15 件`.
    pub text: String,
    /// What the number says.
    pub written: Written,
    /// The number came from a placeholder (so it agrees by construction).
    pub generated: bool,
}

/// A statement that there was none of something (“全年未收到政府信息公开申请”).
#[derive(Clone, Debug, PartialEq)]
pub struct Absence {
    /// What there was none of: table 三 row 一 (no applications at all) or a table-四 group.
    pub cell: Cell,
    /// The clause (char indices in the block text).
    pub span: Range<usize>,
}

/// Everything one block claims.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Claims {
    /// Numbers stating table numbers, in text order.
    pub counts: Vec<Claim>,
    /// Statements of absence.
    pub absences: Vec<Absence>,
}

impl Claim {
    /// Whether the claim agrees with the tables of `r`; None when the claim cannot be compared
    /// (an amount against a count).
    pub fn agrees(&self, r: &Report) -> Option<bool> {
        match self.written {
            Written::Count(n) => {
                let mut sum = 0;
                for c in &self.cells {
                    sum += c.count(r)?;
                }
                Some(sum == n)
            }
            Written::Money {
                wan,
                decimals,
                yuan,
            } => {
                if self.cells != [Cell::Fee] {
                    return None;
                }
                // A rounded amount agrees: 356.27万元 for 356.2731.
                let (table, written) = if yuan {
                    (r.active.fee.value * 10_000.0, wan * 10_000.0)
                } else {
                    (r.active.fee.value, wan)
                };
                let scale = 10f64.powi(decimals as i32);
                Some(((table * scale).round() - (written * scale).round()).abs() < 0.5)
            }
        }
    }
}

/// Whether `text` has a number with a unit of count or amount (or “为0”), or a word of absence.
fn may_claim(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b',') {
                i += 1;
            }
            let rest = text[i..].trim_start_matches(['余', '多', ' ', '\u{3000}', '\u{a0}']);
            if rest.starts_with(['件', '条', '起', '宗', '份', '项', '元'])
                || rest.starts_with("万元")
                || &text[start..i] == "0" && text[..start].ends_with('为')
            {
                return true;
            }
        } else {
            i += 1;
        }
    }
    text.contains(['未', '没', '无'])
}

/// Reads the claims of the blocks of one prose part, in order (a heading's subject is the
/// context of the paragraphs under it).
#[derive(Clone, Debug)]
pub struct Reader {
    year: i32,
    heading: Option<Feat>,
}

/// The claims of one paragraph without placeholders (for tests and tools).
pub fn read(text: &str, year: i32) -> Claims {
    Reader::new(year).block(text, false, |_| false)
}

impl Reader {
    /// A reader for a report of `year` (last year's and next year's numbers are told apart).
    pub fn new(year: i32) -> Self {
        Reader {
            year,
            heading: None,
        }
    }

    /// The claims of one block; `generated(i)` tells whether char `i` came from a placeholder.
    pub fn block(
        &mut self,
        text: &str,
        heading: bool,
        generated: impl Fn(usize) -> bool,
    ) -> Claims {
        // A paragraph without a counted number or a word of absence claims nothing, and what it
        // is about does not reach the next paragraph: skip it (most of a report).
        if !heading && !may_claim(text) {
            return Claims::default();
        }
        let chars: Vec<char> = text.chars().collect();
        let toks = tokenize(&chars, self.year, &generated);
        let mut p = Parser {
            chars: &chars,
            items: Vec::new(),
            topic: self.heading.map(|f| (f, usize::MAX)),
            last_whole: None,
            absences: Vec::new(),
        };
        p.run(&toks);
        if heading {
            self.heading = p.topic.map(|(f, _)| f);
        }
        p.finish()
    }
}

// ---------------------------------------------------------------------------------------------
// Subject features

/// The subject a group of words names; every field is one dimension.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Feat {
    /// Names something that is not in the tables (信访, 建议, 提案, 诉求 …).
    other: bool,
    /// Names 申请 (政府信息公开申请).
    apps: bool,
    /// Names 政府信息公开 (lifts 各类).
    govinfo: bool,
    /// Table 四 group.
    grp: Option<Group4>,
    /// Table 四 column (0–3).
    col4: Option<usize>,
    /// 被申请 / 被诉: the agency is the respondent.
    passive: bool,
    /// Table 二 subject.
    t2: Option<T2>,
    /// Table 二 stock column.
    col2: Option<usize>,
    /// Words of decisions (决定, 作出, 实施, 事项, 信息, 案件 …).
    decide: bool,
    /// Table 三 row or group.
    row: Option<Rows>,
    /// `row` comes from a verb that other subjects share (收到, 受理, 办结 …), not a label.
    generic: bool,
    /// 办理, 提交, 提出: received, unless another word names a row.
    weak_new: bool,
    /// 收到, 受理, 新收, 接收.
    receive: bool,
    /// 有 / 共有: with 申请, the applications received (“共有146件政府信息公开申请”).
    have: bool,
    /// Table 三 column.
    col: Option<Col3>,
    /// 结转 / 转入 without a direction yet.
    carry: bool,
    /// 下年度 / next year.
    next: bool,
    /// 上年 / last year (or earlier).
    past: bool,
    /// 本年度 / 今年: this year, in contrast with a number of last year.
    current: bool,
    /// 其他 alone: the 其他 column, or 三（六）3.其他 under 其他处理.
    misc: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum T2 {
    Rules,
    Normative,
    /// 文件: 行政规范性文件 when it says 现行有效.
    Docs,
    Decisions(usize),
    Fee,
}

/// What a feature group is about, for context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Topic {
    Apps,
    T4,
    T2,
    Other,
}

impl Feat {
    fn topic(&self) -> Option<Topic> {
        if self.other {
            Some(Topic::Other)
        } else if self.grp.is_some() || self.col4.is_some() {
            Some(Topic::T4)
        } else if self.t2.is_some() || self.col2.is_some() {
            Some(Topic::T2)
        } else if self.apps || self.row.is_some() || self.col.is_some() || self.weak_new {
            Some(Topic::Apps)
        } else {
            None
        }
    }

    /// Adds what `t` names and `self` does not (“…分别提出申请2件、3件”: 提出申请 for each).
    fn absorb(&mut self, t: &Feat) {
        let mut both = *t;
        both.merge(self);
        *self = both;
    }

    /// Adds the words of `t` (read after `self`); later words refine earlier ones.
    fn merge(&mut self, t: &Feat) {
        self.other |= t.other;
        self.apps |= t.apps;
        self.govinfo |= t.govinfo;
        self.passive |= t.passive;
        self.decide |= t.decide;
        self.weak_new |= t.weak_new;
        self.receive |= t.receive;
        self.have |= t.have;
        self.carry |= t.carry;
        self.next |= t.next;
        self.past |= t.past;
        self.current |= t.current;
        self.misc |= t.misc;
        if let Some(g) = t.grp {
            // 行政诉讼 … 复议后起诉: the narrower group wins whatever the order.
            let keep = matches!(self.grp, Some(Group4::Group(1 | 2))) && g == Group4::Suit;
            if !keep {
                self.grp = Some(g);
            }
        }
        if t.col4.is_some() {
            self.col4 = t.col4;
        }
        if let Some(x) = t.t2 {
            let keep = x == T2::Docs && matches!(self.t2, Some(T2::Rules | T2::Normative));
            if !keep {
                self.t2 = Some(x);
            }
        }
        if t.col2.is_some() {
            self.col2 = t.col2;
        }
        if t.col.is_some() {
            self.col = t.col;
        }
        if let Some(row) = t.row {
            // A row of a group is more specific than the group (因信息不存在无法提供 → 1.本机关不掌握).
            let keep = match (self.row, row) {
                (Some(Rows::Row(i)), Rows::Group(g)) => T3_GROUPS[g].2.contains(&i),
                // A label beats a verb: 转下一年度办理 is not 办理.
                (Some(_), _) => !self.generic && t.generic,
                _ => false,
            };
            if !keep {
                self.row = Some(row);
                self.generic = t.generic;
            }
        }
    }

    /// Fills the dimensions `self` lacks from a neighbour in a list (“制发、废止规范性文件”).
    fn fill_from(&mut self, n: &Feat) {
        self.other |= n.other;
        self.apps |= n.apps;
        self.govinfo |= n.govinfo;
        self.passive |= n.passive;
        self.decide |= n.decide;
        if self.t2.is_none() && self.col2.is_some() {
            self.t2 = n.t2;
        }
        if self.col2.is_none() && self.t2.is_some() {
            self.col2 = n.col2;
        }
        if self.grp.is_none() && self.col4.is_some() {
            self.grp = n.grp;
        }
        if self.row.is_none() && self.col.is_some() {
            self.row = n.row;
            self.generic = n.generic;
        }
    }

    /// Settles the direction of 结转.
    fn settle(&mut self) {
        if self.carry && self.row.is_none_or(|_| self.generic) {
            if self.next {
                self.row = Some(Rows::Row(T3_CARRIED_FORWARD));
                self.generic = false;
            } else if self.past {
                self.row = Some(Rows::Row(T3_CARRIED_OVER));
                self.generic = false;
            }
        }
        if self.carry && self.row.is_some() {
            // 上年结转 / 结转至2025年 are this year's numbers.
            self.past = false;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The lexicon

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Marker {
    /// 其中: the following quantities are parts of the preceding whole.
    Scope,
    /// 含 / 包括: likewise, and a 上年结转 part makes the whole 新收 + 结转.
    Incl,
    /// 分别: the list's subjects take the following quantities in order.
    Each,
    /// 共 / 合计 with no subject: the sum of the sentence's numbers before it (“新收146件，
    /// 上年结转3件，共计149件”).
    Sum,
    /// 未收到 / 未发生 …: a statement of absence.
    Neg,
    /// 无 — a statement of absence only at the start of a clause.
    NegNone,
    /// 同比 / 较上年 / 增加 …: a difference, not a table number.
    Cmp,
    /// 最多 / 居首 …: a ranking, not a table number.
    Rank,
    /// 复议机关: the agency reviews others' decisions; no table-四 number in the sentence.
    ReviewBody,
    /// 各类: cases of every kind, unless 政府信息公开 is said.
    AllKinds,
    /// 各乡镇 / 各部门: a part of the report's numbers, by office.
    Part,
    /// 以来 / 历年: the sentence counts more than this year.
    Since,
}

#[derive(Clone, Copy, Debug)]
enum Lex {
    F(Feat),
    M(Marker),
}

const F0: Feat = Feat {
    other: false,
    apps: false,
    govinfo: false,
    grp: None,
    col4: None,
    passive: false,
    t2: None,
    col2: None,
    decide: false,
    row: None,
    generic: false,
    weak_new: false,
    receive: false,
    have: false,
    col: None,
    carry: false,
    next: false,
    past: false,
    current: false,
    misc: false,
};

const fn row(i: usize) -> Lex {
    Lex::F(Feat {
        row: Some(Rows::Row(i)),
        ..F0
    })
}
const fn group(g: usize) -> Lex {
    Lex::F(Feat {
        row: Some(Rows::Group(g)),
        ..F0
    })
}
const fn generic(i: usize, receive: bool) -> Lex {
    Lex::F(Feat {
        row: Some(Rows::Row(i)),
        generic: true,
        receive,
        ..F0
    })
}
const fn col(c: Col3) -> Lex {
    Lex::F(Feat { col: Some(c), ..F0 })
}
const fn g4(g: Group4, passive: bool) -> Lex {
    Lex::F(Feat {
        grp: Some(g),
        passive,
        ..F0
    })
}
const fn c4(c: usize, passive: bool) -> Lex {
    Lex::F(Feat {
        col4: Some(c),
        passive,
        ..F0
    })
}
const fn t2(t: T2) -> Lex {
    Lex::F(Feat { t2: Some(t), ..F0 })
}
const fn c2(c: usize) -> Lex {
    Lex::F(Feat {
        col2: Some(c),
        ..F0
    })
}
const APPS: Lex = Lex::F(Feat { apps: true, ..F0 });
const OTHER: Lex = Lex::F(Feat { other: true, ..F0 });
const DECIDE: Lex = Lex::F(Feat { decide: true, ..F0 });
const NEUTRAL: Lex = Lex::F(F0);
const CARRY: Lex = Lex::F(Feat { carry: true, ..F0 });
const NEXT: Lex = Lex::F(Feat { next: true, ..F0 });
const PAST: Lex = Lex::F(Feat { past: true, ..F0 });
const WEAK_NEW: Lex = Lex::F(Feat {
    weak_new: true,
    ..F0
});

// Row and group indices of the format (checked against the keys by a test).
const R_DISCLOSED: usize = 2;
const R_PARTIAL: usize = 3;
const R_SECRET: usize = 4;
const R_PROHIBITED: usize = 5;
const R_SECURITY: usize = 6;
const R_THIRD_PARTY: usize = 7;
const R_INTERNAL: usize = 8;
const R_PROCESS: usize = 9;
const R_CASE_FILE: usize = 10;
const R_QUERY: usize = 11;
const R_NOT_HELD: usize = 12;
const R_NEEDS_CREATION: usize = 13;
const R_UNCLEAR: usize = 14;
const R_PETITION: usize = 15;
const R_REPEATED: usize = 16;
const R_PUBLICATION: usize = 17;
const R_EXCESSIVE: usize = 18;
const R_CONFIRMATION: usize = 19;
const R_NO_CORRECTION: usize = 20;
const R_UNPAID: usize = 21;
const R_OTHER: usize = 22;
const G_UNDISCLOSED: usize = 0;
const G_UNAVAILABLE: usize = 1;
const G_UNPROCESSED: usize = 2;
const G_OTHER: usize = 3;

/// Every word the grammar knows; the longest match wins, so “信访举报投诉类申请” is a row of
/// table 三 and not 信访.
const LEXICON: &[(&str, Lex)] = &[
    // 申请 and 政府信息公开
    (
        "政府信息公开申请",
        Lex::F(Feat {
            apps: true,
            govinfo: true,
            ..F0
        }),
    ),
    ("信息公开申请", APPS),
    ("公开申请", APPS),
    ("申请件", APPS),
    ("申请", APPS),
    (
        "依申请公开",
        Lex::F(Feat {
            apps: true,
            govinfo: true,
            ..F0
        }),
    ),
    (
        "申请量",
        Lex::F(Feat {
            apps: true,
            weak_new: true,
            ..F0
        }),
    ),
    (
        "申请数量",
        Lex::F(Feat {
            apps: true,
            weak_new: true,
            ..F0
        }),
    ),
    (
        "申请总量",
        Lex::F(Feat {
            apps: true,
            weak_new: true,
            ..F0
        }),
    ),
    (
        "申请总数",
        Lex::F(Feat {
            apps: true,
            weak_new: true,
            ..F0
        }),
    ),
    ("申请人", APPS),
    ("共有", Lex::F(Feat { have: true, ..F0 })),
    ("尚有", NEUTRAL),
    ("有关", NEUTRAL),
    ("法定期限", NEUTRAL),
    ("办理期限", NEUTRAL),
    ("在办理期限内", generic(T3_CARRIED_FORWARD, false)),
    ("在答复期限内", generic(T3_CARRIED_FORWARD, false)),
    ("仍有", NEUTRAL),
    ("还有", NEUTRAL),
    ("另有", NEUTRAL),
    ("延期", OTHER),
    ("有", Lex::F(Feat { have: true, ..F0 })),
    (
        "政府信息公开",
        Lex::F(Feat {
            govinfo: true,
            ..F0
        }),
    ),
    (
        "政府信息公开申请量",
        Lex::F(Feat {
            apps: true,
            govinfo: true,
            weak_new: true,
            ..F0
        }),
    ),
    (
        "政府信息公开申请数量",
        Lex::F(Feat {
            apps: true,
            govinfo: true,
            weak_new: true,
            ..F0
        }),
    ),
    (
        "政府信息公开申请总量",
        Lex::F(Feat {
            apps: true,
            govinfo: true,
            weak_new: true,
            ..F0
        }),
    ),
    (
        "政府信息公开申请总数",
        Lex::F(Feat {
            apps: true,
            govinfo: true,
            weak_new: true,
            ..F0
        }),
    ),
    ("其他", Lex::F(Feat { misc: true, ..F0 })),
    (
        "本年度",
        Lex::F(Feat {
            current: true,
            ..F0
        }),
    ),
    (
        "本年",
        Lex::F(Feat {
            current: true,
            ..F0
        }),
    ),
    (
        "今年",
        Lex::F(Feat {
            current: true,
            ..F0
        }),
    ),
    ("办理结果", NEUTRAL),
    ("答复", NEUTRAL),
    // 一、新收
    ("新收", generic(T3_NEW, true)),
    ("新增", generic(T3_NEW, true)),
    ("收到", generic(T3_NEW, true)),
    ("受理", generic(T3_NEW, true)),
    ("接收", generic(T3_NEW, true)),
    ("接到", generic(T3_NEW, true)),
    ("办理", WEAK_NEW),
    ("提交", WEAK_NEW),
    ("提出", WEAK_NEW),
    // 二、上年结转 / 四、结转下年度
    ("上年结转", row(T3_CARRIED_OVER)),
    ("上年度结转", row(T3_CARRIED_OVER)),
    ("上一年度结转", row(T3_CARRIED_OVER)),
    ("上一年结转", row(T3_CARRIED_OVER)),
    ("上年转结", row(T3_CARRIED_OVER)),
    ("上年度转结", row(T3_CARRIED_OVER)),
    ("去年结转", row(T3_CARRIED_OVER)),
    ("上年遗留", row(T3_CARRIED_OVER)),
    ("上年度遗留", row(T3_CARRIED_OVER)),
    ("上年未办结", row(T3_CARRIED_OVER)),
    ("上年度未办结", row(T3_CARRIED_OVER)),
    ("结转", CARRY),
    ("转结", CARRY),
    ("转入", CARRY),
    ("转至", CARRY),
    ("转到", CARRY),
    ("转", CARRY),
    ("下年度", NEXT),
    ("下一年度", NEXT),
    ("下年", NEXT),
    ("下一年", NEXT),
    ("次年", NEXT),
    ("继续办理", generic(T3_CARRIED_FORWARD, false)),
    ("尚未办结", generic(T3_CARRIED_FORWARD, false)),
    ("未办结", generic(T3_CARRIED_FORWARD, false)),
    ("正在办理", generic(T3_CARRIED_FORWARD, false)),
    ("尚在办理", generic(T3_CARRIED_FORWARD, false)),
    ("仍在办理", generic(T3_CARRIED_FORWARD, false)),
    ("办理中", generic(T3_CARRIED_FORWARD, false)),
    // 三（七）总计
    ("办结", generic(T3_TOTAL, false)),
    ("已办结", generic(T3_TOTAL, false)),
    ("办理完毕", generic(T3_TOTAL, false)),
    // 三、办理结果
    ("予以公开", row(R_DISCLOSED)),
    ("全部公开", row(R_DISCLOSED)),
    ("同意公开", row(R_DISCLOSED)),
    ("不同意公开", NEUTRAL),
    ("准予公开", row(R_DISCLOSED)),
    ("部分公开", row(R_PARTIAL)),
    ("不予公开", group(G_UNDISCLOSED)),
    ("国家秘密", row(R_SECRET)),
    ("法律行政法规禁止公开", row(R_PROHIBITED)),
    ("禁止公开", row(R_PROHIBITED)),
    ("三安全一稳定", row(R_SECURITY)),
    ("第三方合法权益", row(R_THIRD_PARTY)),
    ("第三方", row(R_THIRD_PARTY)),
    ("内部事务信息", row(R_INTERNAL)),
    ("内部事务", row(R_INTERNAL)),
    ("过程性信息", row(R_PROCESS)),
    ("行政执法案卷", row(R_CASE_FILE)),
    ("行政查询事项", row(R_QUERY)),
    ("无法提供", group(G_UNAVAILABLE)),
    ("不掌握", row(R_NOT_HELD)),
    ("信息不存在", row(R_NOT_HELD)),
    ("不属于本机关", row(R_NOT_HELD)),
    ("非本机关", row(R_NOT_HELD)),
    ("没有现成信息", row(R_NEEDS_CREATION)),
    ("另行制作", row(R_NEEDS_CREATION)),
    ("补正后申请内容仍不明确", row(R_UNCLEAR)),
    ("内容仍不明确", row(R_UNCLEAR)),
    ("补正后仍不明确", row(R_UNCLEAR)),
    ("内容不明确", row(R_UNCLEAR)),
    ("不予处理", group(G_UNPROCESSED)),
    ("信访举报投诉", row(R_PETITION)),
    ("重复申请", row(R_REPEATED)),
    ("公开出版物", row(R_PUBLICATION)),
    ("大量反复", row(R_EXCESSIVE)),
    ("确认或重新出具", row(R_CONFIRMATION)),
    ("重新出具", row(R_CONFIRMATION)),
    ("其他处理", group(G_OTHER)),
    ("逾期不补正", row(R_NO_CORRECTION)),
    ("无正当理由逾期不补正", row(R_NO_CORRECTION)),
    ("未按收费通知", row(R_UNPAID)),
    ("逾期未按收费通知", row(R_UNPAID)),
    ("未缴纳费用", row(R_UNPAID)),
    ("无正当理由大量反复", row(R_EXCESSIVE)),
    // 申请人 columns
    ("自然人", col(Col3::Col(0))),
    ("个人", col(Col3::Col(0))),
    ("个人隐私", NEUTRAL),
    ("个人信息", NEUTRAL),
    ("法人或其他组织", col(Col3::Orgs)),
    ("法人和其他组织", col(Col3::Orgs)),
    ("法人及其他组织", col(Col3::Orgs)),
    ("法人或者其他组织", col(Col3::Orgs)),
    ("法人", col(Col3::Orgs)),
    ("商业企业", col(Col3::Col(1))),
    ("企业", col(Col3::Col(1))),
    ("科研机构", col(Col3::Col(2))),
    ("社会公益组织", col(Col3::Col(3))),
    ("公益组织", col(Col3::Col(3))),
    ("法律服务机构", col(Col3::Col(4))),
    ("律师事务所", col(Col3::Col(4))),
    // 表四
    ("行政复议", g4(Group4::Group(0), false)),
    ("复议", g4(Group4::Group(0), false)),
    ("行政复议申请", g4(Group4::Group(0), false)),
    ("申请行政复议", g4(Group4::Group(0), false)),
    ("被申请行政复议", g4(Group4::Group(0), true)),
    (
        "被申请",
        Lex::F(Feat {
            passive: true,
            ..F0
        }),
    ),
    ("行政诉讼", g4(Group4::Suit, false)),
    ("诉讼", g4(Group4::Suit, false)),
    ("起诉", g4(Group4::Suit, false)),
    ("应诉", g4(Group4::Suit, true)),
    ("被诉", g4(Group4::Suit, true)),
    ("被起诉", g4(Group4::Suit, true)),
    ("提起行政诉讼", g4(Group4::Suit, false)),
    ("被提起行政诉讼", g4(Group4::Suit, true)),
    ("复议后起诉", g4(Group4::Group(2), false)),
    ("复议后提起诉讼", g4(Group4::Group(2), false)),
    ("复议后提起行政诉讼", g4(Group4::Group(2), false)),
    ("未经复议直接起诉", g4(Group4::Group(1), false)),
    ("直接起诉", g4(Group4::Group(1), false)),
    ("直接提起诉讼", g4(Group4::Group(1), false)),
    ("直接提起行政诉讼", g4(Group4::Group(1), false)),
    ("直接向法院起诉", g4(Group4::Group(1), false)),
    ("直接向人民法院提起诉讼", g4(Group4::Group(1), false)),
    ("结果维持", c4(0, false)),
    ("维持", c4(0, false)),
    ("结果纠正", c4(1, false)),
    ("纠正", c4(1, false)),
    ("被纠正", c4(1, true)),
    ("驳回", c4(0, false)),
    ("确认违法", c4(1, false)),
    ("撤销", c4(1, false)),
    ("责令重新答复", c4(1, false)),
    ("责令履行", c4(1, false)),
    ("审结", OTHER),
    ("其他结果", c4(2, false)),
    ("尚未审结", c4(3, false)),
    ("未审结", c4(3, false)),
    ("正在审理", c4(3, false)),
    ("审理中", c4(3, false)),
    ("尚在审理", c4(3, false)),
    ("作为复议机关", Lex::M(Marker::ReviewBody)),
    ("作为行政复议机关", Lex::M(Marker::ReviewBody)),
    ("复议机关", NEUTRAL),
    ("行政复议机关", NEUTRAL),
    // 表二
    ("规章", t2(T2::Rules)),
    ("行政规范性文件", t2(T2::Normative)),
    ("规范性文件", t2(T2::Normative)),
    ("文件", t2(T2::Docs)),
    ("制发", c2(0)),
    ("制定", c2(0)),
    ("制定权", NEUTRAL),
    ("印发", c2(0)),
    ("出台", c2(0)),
    ("废止", c2(1)),
    ("现行有效", c2(2)),
    ("行政许可", t2(T2::Decisions(0))),
    ("行政处罚", t2(T2::Decisions(1))),
    ("行政强制", t2(T2::Decisions(2))),
    ("决定", DECIDE),
    ("作出", DECIDE),
    ("做出", DECIDE),
    ("实施", DECIDE),
    ("事项", DECIDE),
    ("信息", DECIDE),
    ("案件", DECIDE),
    ("处理", DECIDE),
    ("办件", DECIDE),
    ("行政事业性收费", t2(T2::Fee)),
    ("收费", t2(T2::Fee)),
    ("收费金额", t2(T2::Fee)),
    ("收费通知", OTHER),
    ("处理费", OTHER),
    ("信息处理费", OTHER),
    // Subjects that are not in the tables.
    ("信访", OTHER),
    ("来信", OTHER),
    ("来访", OTHER),
    ("来电", OTHER),
    ("诉求", OTHER),
    ("投诉", OTHER),
    ("举报", OTHER),
    ("咨询", OTHER),
    ("留言", OTHER),
    ("建议", OTHER),
    ("提案", OTHER),
    ("人大代表", OTHER),
    ("政协委员", OTHER),
    ("热线", OTHER),
    ("工单", OTHER),
    ("意见", OTHER),
    ("信件", OTHER),
    ("舆情", OTHER),
    ("政务服务", OTHER),
    ("审批", OTHER),
    ("工作日", OTHER),
    ("补正", OTHER),
    ("问题", OTHER),
    ("公文", OTHER),
    ("转办", Lex::M(Marker::Part)),
    ("各乡镇", Lex::M(Marker::Part)),
    ("各镇", Lex::M(Marker::Part)),
    ("各街道", Lex::M(Marker::Part)),
    ("各部门", Lex::M(Marker::Part)),
    ("各单位", Lex::M(Marker::Part)),
    ("各县区", Lex::M(Marker::Part)),
    ("各区县", Lex::M(Marker::Part)),
    ("各地", Lex::M(Marker::Part)),
    ("各类", Lex::M(Marker::AllKinds)),
    // Time
    ("上年", PAST),
    ("上年度", PAST),
    ("上一年", PAST),
    ("上一年度", PAST),
    ("去年", PAST),
    ("往年", PAST),
    ("以来", Lex::M(Marker::Since)),
    ("历年", Lex::M(Marker::Since)),
    ("同期", PAST),
    // Markers
    ("其中", Lex::M(Marker::Scope)),
    ("含", Lex::M(Marker::Incl)),
    ("包括", Lex::M(Marker::Incl)),
    ("包含", Lex::M(Marker::Incl)),
    ("分别", Lex::M(Marker::Each)),
    ("共", Lex::M(Marker::Sum)),
    ("共计", Lex::M(Marker::Sum)),
    ("合计", Lex::M(Marker::Sum)),
    ("总计", Lex::M(Marker::Sum)),
    ("一共", Lex::M(Marker::Sum)),
    ("总共", Lex::M(Marker::Sum)),
    ("未收到", Lex::M(Marker::Neg)),
    ("没有收到", Lex::M(Marker::Neg)),
    ("未接到", Lex::M(Marker::Neg)),
    ("未受理", Lex::M(Marker::Neg)),
    ("未发生", Lex::M(Marker::Neg)),
    ("没有发生", Lex::M(Marker::Neg)),
    ("未产生", Lex::M(Marker::Neg)),
    ("未出现", Lex::M(Marker::Neg)),
    ("未被", Lex::M(Marker::Neg)),
    ("没有被", Lex::M(Marker::Neg)),
    ("未有", Lex::M(Marker::Neg)),
    ("没有", Lex::M(Marker::Neg)),
    ("无", Lex::M(Marker::NegNone)),
    ("同比", Lex::M(Marker::Cmp)),
    ("环比", Lex::M(Marker::Cmp)),
    ("较上年", Lex::M(Marker::Cmp)),
    ("较去年", Lex::M(Marker::Cmp)),
    ("比上年", Lex::M(Marker::Cmp)),
    ("比去年", Lex::M(Marker::Cmp)),
    ("与上年相比", Lex::M(Marker::Cmp)),
    ("增长", Lex::M(Marker::Cmp)),
    ("增加", Lex::M(Marker::Cmp)),
    ("减少", Lex::M(Marker::Cmp)),
    ("下降", Lex::M(Marker::Cmp)),
    ("上升", Lex::M(Marker::Cmp)),
    ("增幅", Lex::M(Marker::Cmp)),
    ("降幅", Lex::M(Marker::Cmp)),
    ("持平", Lex::M(Marker::Cmp)),
    ("多出", Lex::M(Marker::Cmp)),
    ("最多", Lex::M(Marker::Rank)),
    ("最少", Lex::M(Marker::Rank)),
    ("居首", Lex::M(Marker::Rank)),
    ("排名", Lex::M(Marker::Rank)),
    ("位居", Lex::M(Marker::Rank)),
    ("前三", Lex::M(Marker::Rank)),
    ("依次", Lex::M(Marker::Rank)),
];

/// Lexicon entries that start with one character, longest first.
type Entries = Vec<(Vec<char>, Lex)>;

/// The lexicon: a bitmap of the characters that start an entry (most characters of a text do
/// not), and the entries by first character (sorted, for a binary search).
struct Index {
    starts: Vec<u64>,
    entries: Vec<(char, Entries)>,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let entries = entries_by_first_char();
    let mut starts = vec![0u64; 0x10000 / 64];
    for (c, _) in &entries {
        let c = *c as usize;
        if c < 0x10000 {
            starts[c / 64] |= 1 << (c % 64);
        }
    }
    Index { starts, entries }
});

fn entries_by_first_char() -> Vec<(char, Entries)> {
    let mut v: Vec<(char, Entries)> = Vec::new();
    for (word, lex) in LEXICON {
        let chars: Vec<char> = word.chars().collect();
        let Some(&first) = chars.first() else {
            continue;
        };
        match v.iter_mut().find(|(c, _)| *c == first) {
            Some((_, list)) => list.push((chars, *lex)),
            None => v.push((first, vec![(chars, *lex)])),
        }
    }
    for (_, list) in &mut v {
        list.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    }
    v.sort_by_key(|(c, _)| *c);
    v
}

fn lookup(index: &Index, chars: &[char], at: usize) -> Option<(usize, Lex)> {
    let c = chars[at] as usize;
    if c >= 0x10000 || index.starts[c / 64] & (1 << (c % 64)) == 0 {
        return None;
    }
    let i = index
        .entries
        .binary_search_by_key(&chars[at], |(c, _)| *c)
        .ok()?;
    index.entries[i]
        .1
        .iter()
        .find(|(w, _)| chars[at..].starts_with(w))
        .map(|(w, lex)| (w.len(), *lex))
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Clone, Copy, Debug, PartialEq)]
enum Amount {
    Count(u64),
    Money {
        wan: f64,
        decimals: u32,
        yuan: bool,
    },
    /// Approximate, a percentage or 万件: a quantity that states no table number.
    Vague,
}

#[derive(Clone, Copy, Debug)]
struct Qty {
    amount: Amount,
    /// The digits.
    digits: (usize, usize),
    /// Digits and unit.
    end: usize,
    generated: bool,
}

#[derive(Clone, Copy, Debug)]
enum Tk {
    F(Feat),
    M(Marker),
    Q(Qty),
    /// ，；：
    Clause,
    /// 。！？ and line breaks.
    Sentence,
    Open,
    Close,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    tk: Tk,
    start: usize,
    end: usize,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{3000}' | '\u{a0}' | '\t')
}

fn tokenize(chars: &[char], year: i32, generated: &dyn Fn(usize) -> bool) -> Vec<Tok> {
    let index = &*INDEX;
    let mut toks = Vec::with_capacity(chars.len() / 2);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            i = number(chars, i, year, generated, &mut toks);
            continue;
        }
        let tk = match c {
            '，' | ',' | '；' | ';' | '：' | ':' => Some(Tk::Clause),
            '。' | '！' | '？' | '!' | '?' | '\n' => Some(Tk::Sentence),
            '（' | '(' | '［' | '[' => Some(Tk::Open),
            '）' | ')' | '］' | ']' => Some(Tk::Close),
            _ => None,
        };
        if let Some(tk) = tk {
            toks.push(Tok {
                tk,
                start: i,
                end: i + 1,
            });
            i += 1;
            continue;
        }
        match lookup(index, chars, i) {
            Some((len, lex)) => {
                let tk = match lex {
                    Lex::F(f) => Tk::F(f),
                    Lex::M(m) => Tk::M(m),
                };
                toks.push(Tok {
                    tk,
                    start: i,
                    end: i + len,
                });
                i += len;
            }
            None => i += 1,
        }
    }
    toks
}

/// Reads the number at `start`; returns the index after it (and its unit).
fn number(
    chars: &[char],
    start: usize,
    year: i32,
    generated: &dyn Fn(usize) -> bool,
    toks: &mut Vec<Tok>,
) -> usize {
    let mut j = start;
    let mut digits = String::new();
    let mut decimals = 0u32;
    let mut in_fraction = false;
    while j < chars.len() {
        let c = chars[j];
        if c.is_ascii_digit() {
            digits.push(c);
            if in_fraction {
                decimals += 1;
            }
            j += 1;
        } else if c == ','
            && !in_fraction
            && chars
                .get(j + 1..j + 4)
                .is_some_and(|d| d.iter().all(char::is_ascii_digit))
            && !chars.get(j + 4).is_some_and(char::is_ascii_digit)
        {
            j += 1; // 1,234
        } else if c == '.' && !in_fraction && chars.get(j + 1).is_some_and(char::is_ascii_digit) {
            digits.push('.');
            in_fraction = true;
            j += 1;
        } else {
            break;
        }
    }
    let digits_end = j;
    let prev = start.checked_sub(1).map(|p| chars[p]);
    // 第3件, v1.2, col1563, 0517-83605210: not quantities.
    if prev
        .is_some_and(|p| p == '第' || p == '.' || p == '-' || p == '/' || p.is_ascii_alphanumeric())
    {
        return digits_end;
    }
    let mut k = j;
    let mut vague = false;
    if matches!(chars.get(k), Some('余' | '多')) {
        vague = true;
        k += 1;
    }
    while chars.get(k).copied().is_some_and(is_space) {
        k += 1;
    }
    let unit = chars.get(k).copied();
    let next = chars.get(k + 1).copied();
    let (amount, end) = match unit {
        Some('件' | '条' | '起' | '宗' | '份' | '项') if !in_fraction => {
            match digits.parse::<u64>() {
                Ok(n) => (Amount::Count(n), k + 1),
                Err(_) => (Amount::Vague, k + 1),
            }
        }
        Some('万') if next == Some('元') => money(&digits, decimals, false, k + 2),
        Some('元') => money(&digits, decimals, true, k + 1),
        Some('万' | '亿' | '%' | '％') => (Amount::Vague, k + 1),
        Some('年') if digits.len() == 4 => {
            let y: i32 = digits.parse().unwrap_or(year);
            let mut end = k + 1;
            if chars.get(end) == Some(&'度') {
                end += 1;
            }
            let lex = if y < year {
                Some(PAST)
            } else if y > year {
                Some(NEXT)
            } else {
                None
            };
            if let Some(Lex::F(f)) = lex {
                toks.push(Tok {
                    tk: Tk::F(f),
                    start,
                    end,
                });
            }
            return end;
        }
        // “数量均为0”: a zero needs no unit.
        None | Some('。' | '，' | '；' | '、' | '\n')
            if digits == "0" && start > 0 && chars[start - 1] == '为' =>
        {
            (Amount::Count(0), j)
        }
        _ => return digits_end,
    };
    let before: String = chars[start.saturating_sub(2)..start]
        .iter()
        .filter(|c| !is_space(**c))
        .collect();
    let after: String = chars[end.min(chars.len())..(end + 2).min(chars.len())]
        .iter()
        .collect();
    // 约150件, 超过100件, 不足10件, 150件左右: approximate, no table number.
    if vague
        || ["约", "近", "逾", "超过", "超", "不足", "不到", "将近"]
            .iter()
            .any(|w| before.ends_with(w))
        || ["左右", "以上", "以下", "上下"]
            .iter()
            .any(|w| after.starts_with(w))
    {
        return push_qty(toks, Amount::Vague, start, digits_end, end, generated);
    }
    push_qty(toks, amount, start, digits_end, end, generated)
}

fn money(digits: &str, decimals: u32, yuan: bool, end: usize) -> (Amount, usize) {
    match digits.parse::<f64>() {
        Ok(x) => (
            Amount::Money {
                wan: if yuan { x / 10_000.0 } else { x },
                decimals,
                yuan,
            },
            end,
        ),
        Err(_) => (Amount::Vague, end),
    }
}

fn push_qty(
    toks: &mut Vec<Tok>,
    amount: Amount,
    start: usize,
    digits_end: usize,
    end: usize,
    generated: &dyn Fn(usize) -> bool,
) -> usize {
    toks.push(Tok {
        tk: Tk::Q(Qty {
            amount,
            digits: (start, digits_end),
            end,
            generated: (start..digits_end).any(generated),
        }),
        start,
        end,
    });
    end
}

// ---------------------------------------------------------------------------------------------
// The parser

/// One quantity bound to its subject (or a clause that names a subject without a number).
#[derive(Clone, Debug)]
struct Item {
    /// The words that name it.
    feat: Feat,
    /// Other elements when it is a sum (“予以公开和部分公开共30件”).
    sum: Vec<Feat>,
    qty: Option<Qty>,
    /// The whole it is a part of (其中, 含, a bracket).
    parent: Option<usize>,
    /// 含 / 包括 (or 其中) with a 上年结转 part: the whole is 新收 + 结转.
    plus_carried: bool,
    /// Not a table number (comparison, last year, ranking, 各类, 复议机关 …).
    suppressed: bool,
    /// 共 / 合计: with no subject of its own, the sum of the numbers before it.
    sum_marker: bool,
    /// Resolved subject (the feature with what it inherits).
    resolved: Feat,
    cells: Option<Vec<Cell>>,
}

struct Parser<'a> {
    chars: &'a [char],
    items: Vec<Item>,
    /// Subject of the previous quantity (or heading) and its sentence: words that name less
    /// inherit its dimensions within the sentence, and its topic beyond.
    topic: Option<(Feat, usize)>,
    /// The item that 其中 refers to.
    last_whole: Option<usize>,
    absences: Vec<Absence>,
}

/// Words near a quantity that make it no table number.
#[derive(Clone, Copy, Default)]
struct Flags {
    cmp: bool,
    rank: bool,
    all_kinds: bool,
    sum: bool,
}

impl Flags {
    fn any(self) -> bool {
        self.cmp || self.rank || self.all_kinds
    }
}

/// Whether a token names a subject (not only 有, 决定 or 政府信息公开).
fn is_subject(t: &Tok) -> bool {
    matches!(t.tk, Tk::F(f) if f.topic().is_some() || f.carry || f.next || f.misc)
}

impl Parser<'_> {
    fn run(&mut self, toks: &[Tok]) {
        let mut sentence = 0;
        let mut start = 0;
        for (i, t) in toks.iter().enumerate() {
            if matches!(t.tk, Tk::Sentence) {
                self.sentence(&toks[start..i], sentence);
                sentence += 1;
                start = i + 1;
            }
        }
        self.sentence(&toks[start..], sentence);
    }

    fn sentence(&mut self, toks: &[Tok], sentence: usize) {
        if toks.is_empty() {
            return;
        }
        let first_item = self.items.len();
        let review_body = toks
            .iter()
            .any(|t| matches!(t.tk, Tk::M(Marker::ReviewBody)));
        let since = toks.iter().any(|t| matches!(t.tk, Tk::M(Marker::Since)));
        // Scopes per bracket level: the whole that 其中 / a bracket refers to.
        let mut scopes: Vec<Option<usize>> = vec![None];
        let mut buf: Vec<Tok> = Vec::new();
        let mut skip_depth = 0usize;
        for &t in toks {
            if skip_depth > 0 {
                match t.tk {
                    Tk::Open => skip_depth += 1,
                    Tk::Close => skip_depth -= 1,
                    _ => {}
                }
                continue;
            }
            match t.tk {
                Tk::Clause => {
                    self.flush(&mut buf, &mut scopes);
                    // “…，其中…；被提起行政诉讼5件，其中…”: a 其中 ends at a semicolon.
                    if matches!(self.chars[t.start], '；' | ';') {
                        if let Some(top) = scopes.last_mut() {
                            *top = None;
                        }
                    }
                }
                Tk::M(Marker::Scope | Marker::Incl) => {
                    self.flush(&mut buf, &mut scopes);
                    if let Some(top) = scopes.last_mut() {
                        *top = self.last_whole;
                    }
                    buf.push(t);
                }
                Tk::Open => {
                    // A bracket right after a quantity breaks it down; any other bracket
                    // (an abbreviation, a topic's count “征地（38件）”) is left out.
                    let after_qty = buf.last().is_some_and(|p| {
                        matches!(p.tk, Tk::Q(_))
                            && self.chars[p.end..t.start].iter().all(|c| is_space(*c))
                    });
                    if after_qty {
                        self.flush(&mut buf, &mut scopes);
                        scopes.push(self.items.len().checked_sub(1));
                    } else {
                        skip_depth = 1;
                    }
                }
                Tk::Close => {
                    self.flush(&mut buf, &mut scopes);
                    if scopes.len() > 1 {
                        scopes.pop();
                    }
                }
                _ => buf.push(t),
            }
        }
        self.flush(&mut buf, &mut scopes);
        for it in &mut self.items[first_item..] {
            if review_body {
                it.feat.other = true;
            }
            it.suppressed |= review_body || since;
        }
        self.resolve(first_item, sentence);
    }

    fn flush(&mut self, buf: &mut Vec<Tok>, scopes: &mut [Option<usize>]) {
        self.clause(buf, scopes);
        let toks = &buf[..];
        // “在不予公开的21件中，…” / “行政诉讼中，…”: the clause is the whole of what follows.
        if let Some(last) = toks.last() {
            let rest: String = self.chars[last.end..]
                .iter()
                .take_while(|c| !matches!(c, '，' | ',' | '；' | ';' | '：' | ':' | '。' | '\n'))
                .collect();
            if rest.trim_end().ends_with('中') && !self.items.is_empty() {
                if let Some(top) = scopes.last_mut() {
                    *top = Some(self.items.len() - 1);
                }
            }
        }
        buf.clear();
    }

    /// One clause: quantities and the words around them.
    fn clause(&mut self, toks: &[Tok], scopes: &mut [Option<usize>]) {
        if toks.is_empty() {
            return;
        }
        let scope = scopes.last().copied().flatten();
        let qtys: Vec<usize> = (0..toks.len())
            .filter(|&k| matches!(toks[k].tk, Tk::Q(_)))
            .collect();
        if qtys.is_empty() {
            self.words_only(toks, scopes);
            return;
        }
        // 分别 over a list: “予以公开、部分公开的分别为63件、17件”.
        if let Some(each) = toks
            .iter()
            .position(|t| matches!(t.tk, Tk::M(Marker::Each)))
        {
            let from = qtys.iter().rev().find(|&&q| q < each).map_or(0, |&q| q + 1);
            let list = self.elements(&toks[from..each]);
            let after: Vec<usize> = qtys.iter().copied().filter(|&q| q > each).collect();
            if !list.is_empty() && !after.is_empty() {
                for &q in qtys.iter().filter(|&&q| q < each) {
                    self.normal(toks, &qtys, q, scope, scopes);
                }
                let counted: Vec<usize> = after
                    .iter()
                    .copied()
                    .filter(|&q| !matches!(qty_of(&toks[q]).amount, Amount::Vague))
                    .collect();
                let flags = self.flags(&toks[from..each]);
                let mut tail = Feat::default();
                for t in &toks[each + 1..after[0]] {
                    if let Tk::F(f) = t.tk {
                        tail.merge(&f);
                    }
                }
                let list: Vec<Feat> = list
                    .into_iter()
                    .map(|mut f| {
                        f.absorb(&tail);
                        f
                    })
                    .collect();
                for &q in &after {
                    let feat = counted
                        .iter()
                        .position(|&c| c == q)
                        .filter(|_| counted.len() == list.len())
                        .map(|n| list[n]);
                    let mut it = self.item(feat.unwrap_or_default(), Some(qty_of(&toks[q])), scope);
                    it.suppressed = feat.is_none() || flags.any();
                    self.push(it, scopes);
                }
                return;
            }
        }
        // Postposed subjects: “有1件申请转入下年度办理”, “其中121件为自然人申请”.
        let first = qtys[0];
        let post_end = qtys.get(1).copied().unwrap_or(toks.len());
        let postposed = !toks[..first].iter().any(is_subject)
            && toks[first + 1..post_end].iter().any(is_subject);
        if postposed {
            for (k, &q) in qtys.iter().enumerate() {
                let end = qtys.get(k + 1).copied().unwrap_or(toks.len());
                let pre = &toks[if k == 0 { 0 } else { qtys[k - 1] + 1 }..q];
                self.quantity(&toks[q + 1..end], pre, qty_of(&toks[q]), scope, scopes);
            }
            return;
        }
        for &q in &qtys {
            self.normal(toks, &qtys, q, scope, scopes);
        }
    }

    /// A quantity bound to the words before it (and, for the last one, compatible words after).
    fn normal(
        &mut self,
        toks: &[Tok],
        qtys: &[usize],
        q: usize,
        scope: Option<usize>,
        scopes: &mut [Option<usize>],
    ) {
        let k = qtys.iter().position(|&x| x == q).unwrap_or(0);
        let from = if k == 0 { 0 } else { qtys[k - 1] + 1 };
        let seg = &toks[from..q];
        let trailing = toks[q + 1..].iter().filter(|t| matches!(t.tk, Tk::F(_)));
        if k + 1 == qtys.len() && trailing.clone().next().is_some() {
            // “被纠正的2件行政复议案件”: words after the last quantity complete it.
            let mut base = Feat::default();
            for t in seg {
                if let Tk::F(f) = t.tk {
                    base.merge(&f);
                }
            }
            let fits = trailing.clone().all(|t| match t.tk {
                Tk::F(f) => compatible(&base, &f),
                _ => true,
            });
            if fits {
                let mut whole = seg.to_vec();
                whole.extend(trailing);
                self.quantity(&whole, &[], qty_of(&toks[q]), scope, scopes);
                return;
            }
        }
        self.quantity(seg, &[], qty_of(&toks[q]), scope, scopes);
    }

    /// Makes the item(s) of one quantity from the words `seg` (flags also from `extra`).
    fn quantity(
        &mut self,
        seg: &[Tok],
        extra: &[Tok],
        qty: Qty,
        scope: Option<usize>,
        scopes: &mut [Option<usize>],
    ) {
        let mut flags = self.flags(seg);
        let extra_flags = self.flags(extra);
        flags.cmp |= extra_flags.cmp;
        flags.rank |= extra_flags.rank;
        let mut list = self.elements(seg);
        // Before a postposed subject: “共有146件申请” (有), “2023年有134件” (last year).
        for t in extra {
            if let Tk::F(x) = t.tk {
                for f in &mut list {
                    f.have |= x.have;
                    f.current |= x.current;
                    f.past |= x.past;
                }
            }
        }
        // 各: each subject of the list has this many (“复议和诉讼各1件”).
        let before: String = self.chars[qty.digits.0.saturating_sub(2)..qty.digits.0]
            .iter()
            .collect();
        let each_same = before.ends_with('各') || before == "均为" || before == "都为";
        if list.len() > 1 && each_same {
            for f in list {
                let mut it = self.item(f, Some(qty), scope);
                it.suppressed = flags.any() || (f.past && !f.carry);
                self.push(it, scopes);
            }
            return;
        }
        // One quantity after a list is the list's sum (“予以公开和部分公开共30件”), unless the
        // list is open (“行政许可、行政处罚等信息”).
        let open_list = list.len() > 1
            && seg
                .first()
                .is_some_and(|a| self.chars[a.start..qty.digits.0.max(a.start)].contains(&'等'));
        let feat = if list.is_empty() {
            Feat::default()
        } else {
            list.remove(0)
        };
        let mut it = self.item(feat, Some(qty), scope);
        it.sum_marker = flags.sum;
        it.sum = list;
        it.suppressed = flags.any() || open_list || (feat.past && !feat.carry);
        self.push(it, scopes);
    }

    /// A clause without a quantity: a statement of absence, or context for what follows
    /// (“行政诉讼中，…”, “在办结的申请中，…”).
    fn words_only(&mut self, toks: &[Tok], scopes: &mut [Option<usize>]) {
        let neg = toks.iter().position(|t| match t.tk {
            Tk::M(Marker::Neg) => true,
            Tk::M(Marker::NegNone) => self.clause_initial(toks, t.start),
            _ => false,
        });
        if let Some(n) = neg {
            let span = toks[0].start..toks[toks.len() - 1].end;
            for f in self.elements(&toks[n + 1..]) {
                let cell = if f.other || f.t2.is_some() {
                    None
                } else if let Some(g) = f.grp {
                    Some(Cell::T4 {
                        group: g,
                        col: T4_TOTAL_COL,
                    })
                } else if f.apps && f.row.is_none_or(|r| r == Rows::Row(T3_NEW)) {
                    Some(Cell::T3 {
                        rows: Rows::Row(T3_NEW),
                        col: Col3::Col(T3_TOTAL_COL),
                    })
                } else {
                    None
                };
                if let Some(cell) = cell {
                    self.absences.push(Absence {
                        cell,
                        span: span.clone(),
                    });
                }
            }
            return;
        }
        let list = self.elements(toks);
        let Some(&feat) = list.first() else {
            return;
        };
        let scope = scopes.last().copied().flatten();
        let mut it = self.item(feat, None, scope);
        it.suppressed = self.flags(toks).any();
        self.push(it, scopes);
    }

    /// 无 starts a statement of absence only at the start of a clause (after a time word).
    fn clause_initial(&self, toks: &[Tok], at: usize) -> bool {
        let start = toks.first().map_or(at, |t| t.start);
        // The clause starts after the previous break, which may be before the first token.
        let mut s = start;
        while s > 0
            && !matches!(
                self.chars[s - 1],
                '，' | ',' | '；' | ';' | '。' | '：' | '\n'
            )
        {
            s -= 1;
        }
        let before: String = self.chars[s..at]
            .iter()
            .filter(|c| !is_space(**c))
            .collect();
        let before = before
            .trim_end_matches('均')
            .trim_end_matches('也')
            .trim_end_matches('亦');
        before.is_empty()
            || [
                "全年",
                "本年",
                "本年度",
                "年内",
                "当年",
                "今年",
                "年度内",
                "同时",
            ]
            .contains(&before)
            || (before.ends_with('年') || before.ends_with("年度"))
                && before.chars().filter(char::is_ascii_digit).count() == 4
                && before.chars().count() <= 6
    }

    fn flags(&self, seg: &[Tok]) -> Flags {
        let mut f = Flags::default();
        let mut govinfo = false;
        for t in seg {
            match t.tk {
                Tk::M(Marker::Cmp) => f.cmp = true,
                Tk::M(Marker::Rank | Marker::Part) => f.rank = true,
                Tk::M(Marker::AllKinds) => f.all_kinds = true,
                Tk::M(Marker::Sum) => f.sum = true,
                Tk::F(x) if x.govinfo => govinfo = true,
                _ => {}
            }
        }
        f.all_kinds &= !govinfo;
        f
    }

    /// The subjects the words of `seg` name: one per element of a 、/和/及 list.
    fn elements(&self, seg: &[Tok]) -> Vec<Feat> {
        let mut out: Vec<Feat> = Vec::new();
        let mut cur: Option<Feat> = None;
        let mut prev_end: Option<usize> = None;
        for t in seg {
            let Tk::F(f) = t.tk else {
                continue;
            };
            if let (Some(c), Some(pe)) = (cur, prev_end) {
                if self.list_gap(pe, t.start) && f.topic().is_some() && c.topic().is_some() {
                    out.push(c);
                    cur = None;
                }
            }
            match &mut cur {
                Some(c) => c.merge(&f),
                None => cur = Some(f),
            }
            prev_end = Some(t.end);
        }
        if let Some(c) = cur {
            out.push(c);
        }
        // Neighbours in a list lend each other what they leave out.
        for k in 1..out.len() {
            let prev = out[k - 1];
            out[k].fill_from(&prev);
        }
        for k in (0..out.len().saturating_sub(1)).rev() {
            let next = out[k + 1];
            out[k].fill_from(&next);
        }
        for f in &mut out {
            f.settle();
        }
        out
    }

    /// Whether the characters between two subject words separate list elements (、 和 及 与 或).
    fn list_gap(&self, from: usize, to: usize) -> bool {
        let gap = &self.chars[from..to];
        !gap.is_empty()
            && gap.iter().all(|c| "、和及与或并以的者".contains(*c))
            && gap.iter().any(|c| "、和及与或".contains(*c))
    }

    fn item(&self, feat: Feat, qty: Option<Qty>, scope: Option<usize>) -> Item {
        Item {
            feat,
            sum: Vec::new(),
            qty,
            parent: scope,
            plus_carried: false,
            suppressed: false,
            sum_marker: false,
            resolved: Feat::default(),
            cells: None,
        }
    }

    /// Adds an item; decides whether it is a part of the current whole or a new whole.
    fn push(&mut self, mut it: Item, scopes: &mut [Option<usize>]) {
        if let Some(p) = it.parent {
            let parent = &self.items[p].feat;
            if closes_scope(parent, &it.feat) {
                it.parent = None;
                if let Some(top) = scopes.last_mut() {
                    *top = None;
                }
            } else if it.feat.row == Some(Rows::Row(T3_CARRIED_OVER))
                && (parent.row == Some(Rows::Row(T3_NEW))
                    || parent.weak_new && parent.row.is_none())
            {
                // “共受理申请88件（含上年结转3件）”: 88 is 新收 + 结转.
                self.items[p].plus_carried = true;
            }
        }
        let whole = it.parent.is_none() && !it.suppressed;
        self.items.push(it);
        if whole {
            self.last_whole = Some(self.items.len() - 1);
        }
    }

    /// Completes item `k` from earlier items of its sentence (from `first`).
    fn complete(&mut self, first: usize, k: usize) {
        let earlier = &self.items[first..k];
        let mut f = self.items[k].feat;
        // “共办结207件，结转13件”: after 办结, a bare 结转 goes to next year.
        if f.carry && f.row.is_none() && !f.past && !f.next {
            let handled = earlier.iter().any(|x| {
                x.cells.as_ref().is_some_and(|cs| {
                    cs.iter().any(|c| {
                        matches!(
                            c,
                            Cell::T3 {
                                rows: Rows::Row(T3_TOTAL),
                                ..
                            }
                        )
                    })
                })
            });
            if handled {
                f.row = Some(Rows::Row(T3_CARRIED_FORWARD));
            }
        }
        // A number with no words of its own: “对于不予公开的申请，…，共21件” takes the
        // subject of the clause without a number before it; “上年度…134件，本年度146件”
        // the subject of last year's number.
        let bare = f.topic().is_none() && !f.misc && !f.carry;
        let rowless = f.row.is_none() && f.col.is_none() && !f.weak_new && !f.misc;
        let top = self.items[k].qty.is_some() && self.items[k].parent.is_none();
        let next = self.items.get(k + 1);
        if top && rowless && matches!(f.topic(), None | Some(Topic::Apps)) {
            if let Some(next) = next.filter(|n| {
                n.qty.is_none() && n.parent.is_none() && !n.suppressed && n.feat.row.is_some()
            }) {
                // “另有7件在答复期限内，结转至2025年办理”: the clause after says what they are.
                let mut n = next.feat;
                n.settle();
                if n.row.is_some() && !n.other {
                    f.absorb(&n);
                }
            }
        }
        if bare && top && f.row.is_none() {
            // The nearest clause without a number that names a row (else any subject).
            let words = |x: &&Item| {
                x.qty.is_none() && !x.suppressed && x.feat.topic().is_some() && !x.feat.other
            };
            let context = earlier
                .iter()
                .rev()
                .take_while(|x| x.qty.is_none())
                .filter(words)
                .find(|x| x.feat.row.is_some() || x.feat.grp.is_some() || x.feat.t2.is_some())
                .or(earlier.last().filter(words));
            if let Some(prev) = context {
                f.absorb(&prev.feat);
            } else if let Some(prev) = earlier.last() {
                if f.current && prev.suppressed && prev.feat.past {
                    f.absorb(&prev.feat);
                    f.past = false;
                }
            }
        }
        self.items[k].feat = f;
    }

    /// Resolves the items of the current sentence (from `first`) into cells.
    fn resolve(&mut self, first: usize, sentence: usize) {
        for k in first..self.items.len() {
            self.complete(first, k);
            let it = &self.items[k];
            let (feat, parent, qty) = (it.feat, it.parent, it.qty);
            let (plus_carried, suppressed, sum_marker) =
                (it.plus_carried, it.suppressed, it.sum_marker);
            let sum = it.sum.clone();
            let in_scope = parent.is_some();
            let context = match parent {
                Some(p) => Some(Ctx {
                    feat: self.items[p].resolved,
                    near: true,
                }),
                None => self.topic.map(|(feat, s)| Ctx {
                    feat,
                    near: s == sentence,
                }),
            };
            let (resolved, cells) = resolve(&feat, in_scope, context);
            let mut cells = cells;
            if !sum.is_empty() {
                let mut all = cells.clone().unwrap_or_default();
                for f in &sum {
                    match resolve(f, in_scope, context).1 {
                        Some(c) if cells.is_some() => all.extend(c),
                        _ => {
                            cells = None;
                        }
                    }
                }
                if cells.is_some() {
                    cells = Some(all);
                }
            }
            if cells.is_none() && sum_marker && feat.topic().is_none() && parent.is_none() {
                // “新收146件，上年结转3件，共计149件”.
                let before: Vec<Cell> = self.items[first..k]
                    .iter()
                    .filter(|x| x.parent.is_none() && !x.suppressed && x.qty.is_some())
                    .filter_map(|x| x.cells.clone())
                    .flatten()
                    .collect();
                if before.len() >= 2 {
                    cells = Some(before);
                }
            }
            if plus_carried {
                if let Some(cs) = &mut cells {
                    let extra: Vec<Cell> = cs
                        .iter()
                        .filter_map(|c| match *c {
                            Cell::T3 {
                                rows: Rows::Row(T3_NEW),
                                col,
                            } => Some(Cell::T3 {
                                rows: Rows::Row(T3_CARRIED_OVER),
                                col,
                            }),
                            _ => None,
                        })
                        .collect();
                    cs.extend(extra);
                }
            }
            if let (Some(p), Some(cs)) = (parent, &cells) {
                // A part that names nothing more specific than its whole claims nothing.
                let whole = &self.items[p];
                if whole.feat.other || whole.cells.as_ref() == Some(cs) {
                    cells = None;
                }
            }
            if parent.is_none() && feat.row.is_none() && feat.weak_new && !feat.receive {
                // “新收146件，上年结转3件，共需办理149件”: what is handled is both.
                let said = |row: usize| {
                    self.items[first..k].iter().any(|x| {
                        x.parent.is_none()
                            && x.cells.as_deref()
                                == Some(&[Cell::T3 {
                                    rows: Rows::Row(row),
                                    col: Col3::Col(T3_TOTAL_COL),
                                }])
                    })
                };
                if said(T3_NEW) && said(T3_CARRIED_OVER) {
                    cells = cells.map(|mut cs| {
                        cs.push(Cell::T3 {
                            rows: Rows::Row(T3_CARRIED_OVER),
                            col: Col3::Col(T3_TOTAL_COL),
                        });
                        cs
                    });
                }
            }
            self.items[k].resolved = resolved;
            self.items[k].cells = cells;
            let named = resolved.topic().is_some() && !suppressed;
            let context = qty.is_none() || self.items[k].cells.is_some();
            if parent.is_none() && (named && context || feat.other) {
                self.topic = Some((resolved, sentence));
            }
        }
        // One cell given two different numbers in one sentence: a breakdown by something
        // else (“县自然资源局收到申请60件，县住建局收到申请30件”).
        let n = self.items.len();
        for a in first..n {
            for b in a + 1..n {
                let (x, y) = (&self.items[a], &self.items[b]);
                if x.parent.is_none()
                    && y.parent.is_none()
                    && !x.suppressed
                    && !y.suppressed
                    && x.cells.is_some()
                    && x.cells == y.cells
                    && x.qty.map(|q| q.amount) != y.qty.map(|q| q.amount)
                    && x.qty.is_some_and(|q| q.amount != Amount::Vague)
                    && y.qty.is_some_and(|q| q.amount != Amount::Vague)
                {
                    self.items[a].suppressed = true;
                    self.items[b].suppressed = true;
                }
            }
        }
    }

    fn finish(self) -> Claims {
        let mut counts = Vec::new();
        for it in &self.items {
            let (Some(q), Some(cells)) = (it.qty, &it.cells) else {
                continue;
            };
            if it.suppressed {
                continue;
            }
            let written = match q.amount {
                Amount::Count(n) if !cells.contains(&Cell::Fee) => Written::Count(n),
                Amount::Money {
                    wan,
                    decimals,
                    yuan,
                } if cells == &[Cell::Fee] => Written::Money {
                    wan,
                    decimals,
                    yuan,
                },
                _ => continue,
            };
            let digits: String = self.chars[q.digits.0..q.digits.1].iter().collect();
            let unit: String = self.chars[q.digits.1..q.end]
                .iter()
                .filter(|c| !is_space(**c))
                .collect();
            counts.push(Claim {
                cells: cells.clone(),
                number: q.digits.0..q.digits.1,
                text: format!("{digits} {unit}"),
                written,
                generated: q.generated,
            });
        }
        Claims {
            counts,
            absences: self.absences,
        }
    }
}

fn qty_of(t: &Tok) -> Qty {
    match t.tk {
        Tk::Q(q) => q,
        _ => Qty {
            amount: Amount::Vague,
            digits: (t.start, t.start),
            end: t.end,
            generated: false,
        },
    }
}

/// Whether trailing words `t` may complete the subject `base` (they name no other row or group).
fn compatible(base: &Feat, t: &Feat) -> bool {
    fn clash<T: PartialEq>(a: Option<T>, b: Option<T>) -> bool {
        a.is_some() && b.is_some() && a != b
    }
    !clash(base.row, t.row)
        && !clash(base.grp, t.grp)
        && !clash(base.col4, t.col4)
        && !clash(base.col, t.col)
        && !clash(base.t2, t.t2)
        && !clash(base.col2, t.col2)
}

/// A part under 其中 that turns to another stage or another table starts a new whole
/// (“收到申请146件，其中自然人121件，办结131件”).
fn closes_scope(parent: &Feat, child: &Feat) -> bool {
    if parent.other {
        return false;
    }
    let stage = |r: Option<Rows>| {
        matches!(
            r,
            Some(Rows::Row(
                T3_NEW | T3_CARRIED_OVER | T3_TOTAL | T3_CARRIED_FORWARD
            ))
        )
    };
    let (pt, ct) = (parent.topic(), child.topic());
    if ct.is_some() && pt.is_some() && ct != pt {
        return true;
    }
    // 行政复议…，其中…；行政诉讼…: another group. (复议后起诉 is part of 行政诉讼.)
    if let (Some(p), Some(c)) = (parent.grp, child.grp) {
        let part = p == Group4::Suit && matches!(c, Group4::Group(1 | 2));
        if p != c && !part {
            return true;
        }
    }
    if child.t2.is_some() && parent.t2.is_some() && child.t2 != parent.t2 {
        return true;
    }
    if child.row == Some(Rows::Row(T3_CARRIED_OVER)) {
        return false;
    }
    stage(child.row) && child.row != parent.row && !(parent.row.is_none() && parent.weak_new)
}

/// The subject an item's words are read in: its whole (其中), or the previous subject.
#[derive(Clone, Copy)]
struct Ctx {
    feat: Feat,
    /// The whole, or a subject of the same sentence: its dimensions are inherited.
    near: bool,
}

/// The cells words name, with what they inherit from `parent` (其中) or `context` (the
/// previous subject).
fn resolve(f: &Feat, in_scope: bool, context: Option<Ctx>) -> (Feat, Option<Vec<Cell>>) {
    let mut r = *f;
    if r.other {
        return (r, None);
    }
    let topic = context.and_then(|c| c.feat.topic());
    let ctx = context
        .filter(|c| c.near)
        .map(|c| c.feat)
        .unwrap_or_default();
    // Table 四.
    if r.grp.is_some() || r.col4.is_some() {
        if r.grp.is_none() {
            r.grp = ctx.grp;
        }
        let Some(group) = r.grp else {
            return (r, None);
        };
        // 办理/受理行政复议: the agency is the review body, not the respondent.
        if group == Group4::Group(0) && (r.receive || r.weak_new) && !r.passive {
            r.other = true;
            return (r, None);
        }
        if in_scope && f.grp.is_none() && f.col4.is_none() {
            return (r, None);
        }
        let col = r.col4.unwrap_or(T4_TOTAL_COL);
        return (r, Some(vec![Cell::T4 { group, col }]));
    }
    // Table 二.
    if r.t2.is_some() || r.col2.is_some() {
        if r.t2.is_none() && matches!(ctx.t2, Some(T2::Rules | T2::Normative | T2::Docs)) {
            r.t2 = ctx.t2;
        }
        // “现行有效规章6件、行政规范性文件45件”.
        if r.col2.is_none() && matches!(r.t2, Some(T2::Rules | T2::Normative)) {
            r.col2 = ctx.col2;
        }
        let cells = match r.t2 {
            Some(T2::Rules) => r.col2.map(|col| Cell::Stock {
                normative: false,
                col,
            }),
            Some(T2::Normative) => r.col2.map(|col| Cell::Stock {
                normative: true,
                col,
            }),
            Some(T2::Docs) if r.col2 == Some(2) => Some(Cell::Stock {
                normative: true,
                col: 2,
            }),
            // “办理行政处罚案件27件，行政强制41件”: the decision words carry over.
            Some(T2::Decisions(i))
                if (r.decide || matches!(ctx.t2, Some(T2::Decisions(_))) && ctx.decide)
                    && !r.receive
                    && !r.apps =>
            {
                r.decide = true;
                Some(Cell::Decisions(i))
            }
            Some(T2::Fee) => Some(Cell::Fee),
            _ => None,
        };
        return (r, cells.map(|c| vec![c]));
    }
    // Table 三.
    if r.misc && r.topic().is_none() {
        // 其他 alone: 三（六）3 under 其他处理, else the 其他 column of the whole.
        if ctx.row == Some(Rows::Group(G_OTHER)) {
            r.row = Some(Rows::Row(R_OTHER));
        } else if in_scope || ctx.col.is_some() {
            r.col = Some(Col3::Col(5));
        }
    }
    if !(r.apps || r.row.is_some() || r.col.is_some() || r.weak_new) {
        return (r, None);
    }
    if !r.apps && r.generic {
        // 办结/收到 without 申请 count applications only when the context is about them.
        if matches!(topic, Some(Topic::Other | Topic::T4 | Topic::T2)) {
            return (r, None);
        }
    }
    // 办理 alone counts applications only where they are the subject (“共办理公文1200件”).
    if r.weak_new && !r.apps && r.row.is_none() && r.col.is_none() && topic != Some(Topic::Apps) {
        return (r, None);
    }
    if r.row.is_none() && (r.weak_new || r.have && r.apps && r.col.is_none()) {
        r.row = Some(Rows::Row(T3_NEW));
        r.generic = true;
    }
    if r.row.is_none() && r.col.is_some() {
        // An applicant column alone is of the row in context, else of 一、新收.
        let apps_context = ctx.topic() == Some(Topic::Apps);
        r.row = if apps_context { ctx.row } else { None }.or(if r.apps || apps_context {
            Some(Rows::Row(T3_NEW))
        } else {
            None
        });
    }
    let Some(rows) = r.row else {
        return (r, None);
    };
    if in_scope && f.row.is_none() && f.col.is_none() && !f.weak_new && !f.misc {
        return (r, None);
    }
    let col = r.col.unwrap_or(Col3::Col(T3_TOTAL_COL));
    (r, Some(vec![Cell::T3 { rows, col }]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_rows_are_the_formats() {
        let key = |i: usize| T3_ROWS[i].key;
        assert_eq!(key(R_DISCLOSED), "disclosed");
        assert_eq!(key(R_PARTIAL), "partial");
        assert_eq!(key(R_SECRET), "secret");
        assert_eq!(key(R_PROHIBITED), "prohibited");
        assert_eq!(key(R_SECURITY), "security");
        assert_eq!(key(R_THIRD_PARTY), "third_party");
        assert_eq!(key(R_INTERNAL), "internal");
        assert_eq!(key(R_PROCESS), "process");
        assert_eq!(key(R_CASE_FILE), "case_file");
        assert_eq!(key(R_QUERY), "query");
        assert_eq!(key(R_NOT_HELD), "not_held");
        assert_eq!(key(R_NEEDS_CREATION), "needs_creation");
        assert_eq!(key(R_UNCLEAR), "unclear");
        assert_eq!(key(R_PETITION), "petition");
        assert_eq!(key(R_REPEATED), "repeated");
        assert_eq!(key(R_PUBLICATION), "publication");
        assert_eq!(key(R_EXCESSIVE), "excessive");
        assert_eq!(key(R_CONFIRMATION), "confirmation");
        assert_eq!(key(R_NO_CORRECTION), "no_correction");
        assert_eq!(key(R_UNPAID), "unpaid");
        assert_eq!(key(R_OTHER), "other");
        assert_eq!(T3_GROUPS[G_UNDISCLOSED].0, "undisclosed");
        assert_eq!(T3_GROUPS[G_UNAVAILABLE].0, "unavailable");
        assert_eq!(T3_GROUPS[G_UNPROCESSED].0, "unprocessed");
        assert_eq!(T3_GROUPS[G_OTHER].0, "other_handling");
        let cols: Vec<&str> = T3_COLUMNS.iter().map(|c| c.0).collect();
        assert_eq!(
            cols,
            [
                "natural",
                "business",
                "research",
                "nonprofit",
                "legal",
                "other",
                "total"
            ]
        );
        assert_eq!(T4_GROUPS[0].0, "review");
        assert_eq!(T4_GROUPS[1].0, "suit_direct");
        assert_eq!(T4_GROUPS[2].0, "suit_after_review");
    }

    #[test]
    fn every_official_label_is_recognised() {
        // Each result row's own label, as the table prints it, names that row.
        for (i, r) in T3_ROWS.iter().enumerate().skip(2).take(21) {
            if r.key == "other" {
                continue; // “3.其他” names nothing by itself
            }
            let text = format!("{}5件", bare(r.label));
            let got = read(&text, 2024);
            assert_eq!(got.counts.len(), 1, "{text}");
            assert_eq!(
                got.counts[0].cells,
                vec![Cell::T3 {
                    rows: Rows::Row(i),
                    col: Col3::Col(T3_TOTAL_COL)
                }],
                "{text}"
            );
        }
    }

    #[test]
    fn names() {
        let c = Cell::T3 {
            rows: Rows::Row(R_NOT_HELD),
            col: Col3::Col(T3_TOTAL_COL),
        };
        assert_eq!(
            c.location(),
            "表三“（四）无法提供 · 1.本机关不掌握相关政府信息”总计"
        );
        assert_eq!(c.placeholder(), "applications.not_held");
        assert_eq!(c.subject(), "本机关不掌握相关政府信息");
        let c = Cell::Stock {
            normative: true,
            col: 2,
        };
        assert_eq!(c.subject(), "现行有效行政规范性文件");
        assert_eq!(c.placeholder(), "active.normative.in_force");
        assert_eq!(t3_row_name(2), "（一）予以公开");
        assert_eq!(bare(T3_ROWS[3].label), "部分公开");
    }
}
