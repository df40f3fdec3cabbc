//! The 2021 national format (国办公开办函〔2021〕30号) as data.
//!
//! Every label, table shape and merged cell is defined here, once. Loaders, checks, the
//! document builder and every exporter read these constants; nothing else spells a label.

/// The six section headings, in order (template wording).
pub const SECTIONS: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

/// Title suffix after `<机关全称><年度>年`.
pub const TITLE_SUFFIX: &str = "政府信息公开工作年度报告";

/// The 版记's 抄送 label (GB/T 9704 §7.4.2), full-width colon included.
pub const IMPRINT_CC: &str = "抄送：";
/// What follows the 印发日期 (GB/T 9704 §7.4.3).
pub const IMPRINT_PRINTED: &str = "印发";

/// The longest agency name accepted (`agency`, `signature.agency`): real names stay well
/// under it; beyond it the title runs to many lines and the output file names exceed what
/// file systems allow (255 bytes).
pub const MAX_AGENCY_CHARS: usize = 50;

/// A label cell of an official table: position in the table's grid and its spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LabelCell {
    /// 0-based grid row.
    pub row: u8,
    /// 0-based grid column.
    pub col: u8,
    /// Rows covered (≥ 1).
    pub rowspan: u8,
    /// Columns covered (≥ 1).
    pub colspan: u8,
    /// The official text, character for character.
    pub text: &'static str,
    /// Whether the cell is a column header (centred) rather than a row label.
    pub header: bool,
}

const fn h(row: u8, col: u8, rowspan: u8, colspan: u8, text: &'static str) -> LabelCell {
    LabelCell {
        row,
        col,
        rowspan,
        colspan,
        text,
        header: true,
    }
}

const fn l(row: u8, col: u8, rowspan: u8, colspan: u8, text: &'static str) -> LabelCell {
    LabelCell {
        row,
        col,
        rowspan,
        colspan,
        text,
        header: false,
    }
}

/// Shape of one official table.
#[derive(Debug, PartialEq, Eq)]
pub struct TableShape {
    /// Caption-free name used in messages, e.g. `表二`.
    pub name: &'static str,
    /// Grid rows.
    pub rows: u8,
    /// Grid columns.
    pub cols: u8,
    /// Leading rows that repeat when the table breaks across pages.
    pub header_rows: u8,
    /// Every label cell.
    pub labels: &'static [LabelCell],
    /// Relative column widths (exporters scale them to their type area).
    pub col_weights: &'static [u16],
    /// Index in [`SECTIONS`] of the section the table is printed in.
    pub section: usize,
}

impl TableShape {
    /// Whether row `row` starts a group with its own headings: a header cell across the
    /// whole width (table 二's `第二十条第（X）项`). A table without repeating header rows
    /// breaks across pages only before such a row, so no page starts without column
    /// headings.
    pub fn starts_group(&self, row: u8) -> bool {
        self.labels
            .iter()
            .any(|c| c.row == row && c.col == 0 && c.header && c.colspan == self.cols)
    }
}

// ---------------------------------------------------------------------------------------------
// Table 二

/// Table 二 — 主动公开政府信息情况 (第二十条).
pub const TABLE2: TableShape = TableShape {
    name: "表二",
    rows: 14,
    cols: 4,
    header_rows: 0,
    labels: &[
        h(0, 0, 1, 4, "第二十条第（一）项"),
        h(1, 0, 1, 1, "信息内容"),
        h(1, 1, 1, 1, "本年制发件数"),
        h(1, 2, 1, 1, "本年废止件数"),
        h(1, 3, 1, 1, "现行有效件数"),
        l(2, 0, 1, 1, "规章"),
        l(3, 0, 1, 1, "行政规范性文件"),
        h(4, 0, 1, 4, "第二十条第（五）项"),
        h(5, 0, 1, 1, "信息内容"),
        h(5, 1, 1, 3, "本年处理决定数量"),
        l(6, 0, 1, 1, "行政许可"),
        h(7, 0, 1, 4, "第二十条第（六）项"),
        h(8, 0, 1, 1, "信息内容"),
        h(8, 1, 1, 3, "本年处理决定数量"),
        l(9, 0, 1, 1, "行政处罚"),
        l(10, 0, 1, 1, "行政强制"),
        h(11, 0, 1, 4, "第二十条第（八）项"),
        h(12, 0, 1, 1, "信息内容"),
        h(12, 1, 1, 3, "本年收费金额（单位：万元）"),
        l(13, 0, 1, 1, "行政事业性收费"),
    ],
    col_weights: &[7, 5, 5, 5],
    section: 1,
};

/// Columns of the 规章 / 行政规范性文件 rows of table 二.
pub const T2_STOCK_COLUMNS: [(&str, &str); 3] = [
    ("issued", "本年制发件数"),
    ("repealed", "本年废止件数"),
    ("in_force", "现行有效件数"),
];

// ---------------------------------------------------------------------------------------------
// Table 三

/// The 勾稽 note in table 三's top-left corner.
pub const T3_NOTE: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

/// Number columns of table 三: source key, official label. The seventh, 总计, is computed.
pub const T3_COLUMNS: [(&str, &str); 7] = [
    ("natural", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("nonprofit", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other", "其他"),
    ("total", "总计"),
];

/// One body row of table 三.
#[derive(Clone, Copy, Debug)]
pub struct T3Row {
    /// Key in `report.toml` and in placeholders.
    pub key: &'static str,
    /// The row's own label (the most specific one).
    pub label: &'static str,
    /// Short name for messages, e.g. `三（三）1` or `一`.
    pub short: &'static str,
}

const fn r(key: &'static str, short: &'static str, label: &'static str) -> T3Row {
    T3Row { key, label, short }
}

/// The 25 body rows of table 三, in order (index 0 = row 1 of the spec).
pub const T3_ROWS: [T3Row; 25] = [
    r("new", "一", "一、本年新收政府信息公开申请数量"),
    r("carried_over", "二", "二、上年结转政府信息公开申请数量"),
    r("disclosed", "三（一）", "（一）予以公开"),
    r(
        "partial",
        "三（二）",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ),
    r("secret", "三（三）1", "1.属于国家秘密"),
    r("prohibited", "三（三）2", "2.其他法律行政法规禁止公开"),
    r("security", "三（三）3", "3.危及“三安全一稳定”"),
    r("third_party", "三（三）4", "4.保护第三方合法权益"),
    r("internal", "三（三）5", "5.属于三类内部事务信息"),
    r("process", "三（三）6", "6.属于四类过程性信息"),
    r("case_file", "三（三）7", "7.属于行政执法案卷"),
    r("query", "三（三）8", "8.属于行政查询事项"),
    r("not_held", "三（四）1", "1.本机关不掌握相关政府信息"),
    r("needs_creation", "三（四）2", "2.没有现成信息需要另行制作"),
    r("unclear", "三（四）3", "3.补正后申请内容仍不明确"),
    r("petition", "三（五）1", "1.信访举报投诉类申请"),
    r("repeated", "三（五）2", "2.重复申请"),
    r("publication", "三（五）3", "3.要求提供公开出版物"),
    r("excessive", "三（五）4", "4.无正当理由大量反复申请"),
    r(
        "confirmation",
        "三（五）5",
        "5.要求行政机关确认或重新出具已获取信息",
    ),
    r(
        "no_correction",
        "三（六）1",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    r(
        "unpaid",
        "三（六）2",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    r("other", "三（六）3", "3.其他"),
    r("total", "三（七）", "（七）总计"),
    r("carried_forward", "四", "四、结转下年度继续办理"),
];

/// Index of row 1 (一、本年新收).
pub const T3_NEW: usize = 0;
/// Index of row 2 (二、上年结转).
pub const T3_CARRIED_OVER: usize = 1;
/// Index of row 24 (（七）总计).
pub const T3_TOTAL: usize = 23;
/// Index of row 25 (四、结转下年度继续办理).
pub const T3_CARRIED_FORWARD: usize = 24;
/// Rows 3–23: the result rows summed by （七）总计.
pub const T3_RESULTS: std::ops::Range<usize> = 2..23;

/// Groups of table 三 result rows (for placeholders and prose checks): key, label, rows.
pub const T3_GROUPS: [(&str, &str, std::ops::Range<usize>); 4] = [
    ("undisclosed", "（三）不予公开", 4..12),
    ("unavailable", "（四）无法提供", 12..15),
    ("unprocessed", "（五）不予处理", 15..20),
    ("other_handling", "（六）其他处理", 20..23),
];

/// Grid rows of table 三 before the body.
pub const T3_HEADER_ROWS: u8 = 3;
/// Grid columns of table 三 before the number columns.
pub const T3_LABEL_COLS: u8 = 3;

/// The label of body row `row` of table 三 (a [`T3_ROWS`] index), from `col` over `colspan`
/// columns.
const fn t3_row(row: usize, col: u8, colspan: u8) -> LabelCell {
    l(
        T3_HEADER_ROWS + row as u8,
        col,
        1,
        colspan,
        T3_ROWS[row].label,
    )
}

/// The label of result group `g` of table 三 (a [`T3_GROUPS`] index), spanning its rows.
const fn t3_group(g: usize) -> LabelCell {
    let rows = &T3_GROUPS[g].2;
    let span = (rows.end - rows.start) as u8;
    l(
        T3_HEADER_ROWS + rows.start as u8,
        1,
        span,
        1,
        T3_GROUPS[g].1,
    )
}

/// The header of number column `col` of table 三 (a [`T3_COLUMNS`] index).
const fn t3_col(row: u8, rowspan: u8, col: usize) -> LabelCell {
    h(
        row,
        T3_LABEL_COLS + col as u8,
        rowspan,
        1,
        T3_COLUMNS[col].1,
    )
}

/// Table 三 — 收到和处理政府信息公开申请情况.
pub const TABLE3: TableShape = TableShape {
    name: "表三",
    rows: 28,
    cols: 10,
    header_rows: T3_HEADER_ROWS,
    labels: &[
        h(0, 0, 3, 3, T3_NOTE),
        h(0, 3, 1, 7, "申请人情况"),
        t3_col(1, 2, 0),
        h(1, 4, 1, 5, "法人或其他组织"),
        t3_col(1, 2, T3_TOTAL_COL),
        t3_col(2, 1, 1),
        t3_col(2, 1, 2),
        t3_col(2, 1, 3),
        t3_col(2, 1, 4),
        t3_col(2, 1, 5),
        t3_row(T3_NEW, 0, 3),
        t3_row(T3_CARRIED_OVER, 0, 3),
        // 三 spans the result rows and （七）总计.
        l(
            T3_HEADER_ROWS + T3_RESULTS.start as u8,
            0,
            (T3_TOTAL + 1 - T3_RESULTS.start) as u8,
            1,
            "三、本年度办理结果",
        ),
        t3_row(2, 1, 2),
        t3_row(3, 1, 2),
        t3_group(0),
        t3_row(4, 2, 1),
        t3_row(5, 2, 1),
        t3_row(6, 2, 1),
        t3_row(7, 2, 1),
        t3_row(8, 2, 1),
        t3_row(9, 2, 1),
        t3_row(10, 2, 1),
        t3_row(11, 2, 1),
        t3_group(1),
        t3_row(12, 2, 1),
        t3_row(13, 2, 1),
        t3_row(14, 2, 1),
        t3_group(2),
        t3_row(15, 2, 1),
        t3_row(16, 2, 1),
        t3_row(17, 2, 1),
        t3_row(18, 2, 1),
        t3_row(19, 2, 1),
        t3_group(3),
        t3_row(20, 2, 1),
        t3_row(21, 2, 1),
        t3_row(22, 2, 1),
        t3_row(T3_TOTAL, 1, 2),
        t3_row(T3_CARRIED_FORWARD, 0, 3),
    ],
    col_weights: &[3, 4, 9, 3, 3, 3, 3, 3, 3, 3],
    section: 2,
};

// ---------------------------------------------------------------------------------------------
// Table 四

/// Result columns of each group of table 四: source key, label. The fifth, 总计, is computed.
pub const T4_COLUMNS: [(&str, &str); 5] = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
];

/// The three groups of table 四: source key, label used in messages.
pub const T4_GROUPS: [(&str, &str); 3] = [
    ("review", "行政复议"),
    ("suit_direct", "行政诉讼·未经复议直接起诉"),
    ("suit_after_review", "行政诉讼·复议后起诉"),
];

/// The header of result column `k` (a [`T4_COLUMNS`] index) of group `g` (a [`T4_GROUPS`]
/// index) of table 四: 行政复议's columns span two header rows, each 行政诉讼 kind's one.
const fn t4_col(g: usize, k: usize) -> LabelCell {
    let (row, rowspan) = if g == 0 { (1, 2) } else { (2, 1) };
    h(
        row,
        (g * T4_COLUMNS.len() + k) as u8,
        rowspan,
        1,
        T4_COLUMNS[k].1,
    )
}

/// Table 四 — 政府信息公开行政复议、行政诉讼情况.
pub const TABLE4: TableShape = TableShape {
    name: "表四",
    rows: 4,
    cols: 15,
    header_rows: 3,
    labels: &[
        h(0, 0, 1, 5, "行政复议"),
        h(0, 5, 1, 10, "行政诉讼"),
        t4_col(0, 0),
        t4_col(0, 1),
        t4_col(0, 2),
        t4_col(0, 3),
        t4_col(0, 4),
        h(1, 5, 1, 5, "未经复议直接起诉"),
        h(1, 10, 1, 5, "复议后起诉"),
        t4_col(1, 0),
        t4_col(1, 1),
        t4_col(1, 2),
        t4_col(1, 3),
        t4_col(1, 4),
        t4_col(2, 0),
        t4_col(2, 1),
        t4_col(2, 2),
        t4_col(2, 3),
        t4_col(2, 4),
    ],
    col_weights: &[1; 15],
    section: 3,
};

// ---------------------------------------------------------------------------------------------
// Table arithmetic: the computed cells and the balance, used by the model's totals, the
// checks, the document's `Sum` cells and table checks (and through them the XLSX formulas).

/// Table 三 columns that the 总计 column adds up: the six applicant columns.
pub const T3_APPLICANT_COLS: std::ops::Range<usize> = 0..6;
/// Table 三's 总计 column.
pub const T3_TOTAL_COL: usize = 6;
/// Table 三's 法人或其他组织 columns (the `orgs` placeholders).
pub const T3_ORG_COLS: std::ops::Range<usize> = 1..6;

/// An equality between sums of rows, per column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Balance {
    /// Check ID.
    pub id: &'static str,
    /// Rows added on the left.
    pub lhs: [usize; 2],
    /// Rows added on the right.
    pub rhs: [usize; 2],
    /// The left side in the table's words.
    pub lhs_text: &'static str,
    /// The right side in the table's words.
    pub rhs_text: &'static str,
}

/// The balance printed in table 三's corner ([`T3_NOTE`]), per column: 一 + 二 = 三（七）+ 四.
pub const T3_BALANCE: Balance = Balance {
    id: "E-T3-BALANCE",
    lhs: [T3_NEW, T3_CARRIED_OVER],
    rhs: [T3_TOTAL, T3_CARRIED_FORWARD],
    lhs_text: "一+二",
    rhs_text: "三（七）+四",
};

/// Table 四 columns that each group's 总计 adds up: the four results.
pub const T4_RESULT_COLS: std::ops::Range<usize> = 0..4;
/// Table 四's 总计 column within a group.
pub const T4_TOTAL_COL: usize = 4;

// ---------------------------------------------------------------------------------------------
// Prose parts

/// A prose part of the report: one Markdown file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// Opening paragraph(s) before section 一.
    Opening,
    /// 一、总体情况.
    Overview,
    /// A short lead before table 二.
    ActiveLead,
    /// A short lead before table 三.
    ApplicationsLead,
    /// A short lead before table 四.
    AppealsLead,
    /// 五、存在的主要问题及改进情况.
    Problems,
    /// 六、其他需要报告的事项.
    Other,
}

/// What the format says about a prose part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProsePart {
    /// Which part.
    pub part: Part,
    /// Key in `[prose]`.
    pub key: &'static str,
    /// File name `nianbao new` writes and the docs suggest.
    pub file: &'static str,
    /// Index in [`SECTIONS`] of the section it is printed in, after the heading and before
    /// the section's table; `None` before the first heading.
    pub section: Option<usize>,
    /// Short Chinese name for messages.
    pub name: &'static str,
    /// The section must have text (E-SECTIONS).
    pub required: bool,
    /// What goes in it (the template's comment).
    pub about: &'static str,
}

/// Every prose part, in document order.
pub const PROSE_PARTS: [ProsePart; 7] = [
    ProsePart {
        part: Part::Opening,
        key: "opening",
        file: "opening.md",
        section: None,
        name: "开头",
        required: false,
        about: "开头段落（可选）：依据、统计期限、下载地址、联系方式",
    },
    ProsePart {
        part: Part::Overview,
        key: "overview",
        file: "overview.md",
        section: Some(0),
        name: SECTIONS[0],
        required: true,
        about: "一、总体情况（原则上不超过一千字）",
    },
    ProsePart {
        part: Part::ActiveLead,
        key: "active",
        file: "active.md",
        section: Some(1),
        name: "表二说明",
        required: false,
        about: "二、表格前的说明（可选）",
    },
    ProsePart {
        part: Part::ApplicationsLead,
        key: "applications",
        file: "applications.md",
        section: Some(2),
        name: "表三说明",
        required: false,
        about: "三、表格前的说明（可选）",
    },
    ProsePart {
        part: Part::AppealsLead,
        key: "appeals",
        file: "appeals.md",
        section: Some(3),
        name: "表四说明",
        required: false,
        about: "四、表格前的说明（可选）",
    },
    ProsePart {
        part: Part::Problems,
        key: "problems",
        file: "problems.md",
        section: Some(4),
        name: SECTIONS[4],
        required: true,
        about: "五、存在的主要问题及改进情况",
    },
    ProsePart {
        part: Part::Other,
        key: "other",
        file: "other.md",
        section: Some(5),
        name: SECTIONS[5],
        required: true,
        about: "六、其他需要报告的事项（必须写明信息处理费收取情况）",
    },
];

impl Part {
    /// What the format says about this part.
    pub fn def(self) -> &'static ProsePart {
        match self {
            Part::Opening => &PROSE_PARTS[0],
            Part::Overview => &PROSE_PARTS[1],
            Part::ActiveLead => &PROSE_PARTS[2],
            Part::ApplicationsLead => &PROSE_PARTS[3],
            Part::AppealsLead => &PROSE_PARTS[4],
            Part::Problems => &PROSE_PARTS[5],
            Part::Other => &PROSE_PARTS[6],
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The superseded 2019 trial format and common misspellings

/// Labels that only the superseded 2019 trial template uses.
pub const OLD_FORMAT_LABELS: [&str; 8] = [
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "其他对外管理服务事项",
    "上一年项目数量",
    "本年增/减",
    "第二十条第（九）项",
    "政府集中采购",
];

/// Misspelled or non-template label wordings seen in real reports, with the right one.
pub const LABEL_TYPOS: [(&str, &str); 6] = [
    ("本年制件数量", "本年制发件数"),
    ("现行有效件数量", "现行有效件数"),
    ("行政法复议", "行政复议"),
    ("单位;万元", "单位：万元"),
    ("单位:万元", "单位：万元"),
    ("勾稽关系为:", "勾稽关系为："),
];

// ---------------------------------------------------------------------------------------------
// Kinds of agency and deadlines

/// Kind of reporting agency; decides the publication deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// 县级以上人民政府部门.
    Department,
    /// 乡镇人民政府 / 街道办事处.
    Township,
    /// 县级以上地方人民政府 (aggregated report).
    Government,
}

impl Kind {
    /// Every kind with its source keyword.
    pub const ALL: [(Kind, &'static str); 3] = [
        (Kind::Department, "department"),
        (Kind::Township, "township"),
        (Kind::Government, "government"),
    ];

    /// The keyword used in `report.toml`.
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Department => "department",
            Kind::Township => "township",
            Kind::Government => "government",
        }
    }

    /// The kind a clerk means by `word`: the keyword, or the Chinese a clerk types (部门,
    /// 乡镇, 街道, 政府, or the full names). Used by `report.toml` and `nianbao new --kind`.
    pub fn from_word(word: &str) -> Option<Kind> {
        let w = word.trim();
        if let Some((kind, _)) = Kind::ALL.iter().find(|(_, k)| k.eq_ignore_ascii_case(w)) {
            return Some(*kind);
        }
        match w {
            "部门" | "政府部门" | "县级以上人民政府部门" => Some(Kind::Department),
            "乡镇"
            | "街道"
            | "乡镇、街道"
            | "乡镇街道"
            | "乡镇人民政府"
            | "街道办事处"
            | "乡镇人民政府、街道办事处" => Some(Kind::Township),
            "政府" | "人民政府" | "县级以上地方人民政府" | "县级以上人民政府" => {
                Some(Kind::Government)
            }
            _ => None,
        }
    }

    /// Chinese name for messages.
    pub fn chinese(self) -> &'static str {
        match self {
            Kind::Department => "县级以上人民政府部门",
            Kind::Township => "乡镇人民政府（街道办事处）",
            Kind::Government => "县级以上地方人民政府",
        }
    }

    /// Publication deadline (month, day) of the year after the report year.
    pub fn deadline(self) -> (u8, u8) {
        match self {
            Kind::Department | Kind::Township => (1, 31),
            Kind::Government => (3, 31),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every grid position is covered by exactly one label or left for exactly one value.
    fn coverage(shape: &TableShape) -> Vec<Vec<u8>> {
        let mut grid = vec![vec![0u8; shape.cols as usize]; shape.rows as usize];
        for c in shape.labels {
            for r in c.row..c.row + c.rowspan {
                for k in c.col..c.col + c.colspan {
                    grid[r as usize][k as usize] += 1;
                }
            }
        }
        grid
    }

    #[test]
    fn label_cells_never_overlap() {
        for shape in [&TABLE2, &TABLE3, &TABLE4] {
            for row in coverage(shape) {
                assert!(row.iter().all(|&n| n <= 1), "{}", shape.name);
            }
            assert_eq!(shape.col_weights.len(), shape.cols as usize);
        }
    }

    #[test]
    fn prose_parts_are_in_order_and_indexed() {
        for (i, p) in PROSE_PARTS.iter().enumerate() {
            assert_eq!(p.part.def(), p, "{i}");
        }
        let sections: Vec<Option<usize>> = PROSE_PARTS.iter().map(|p| p.section).collect();
        assert!(sections.windows(2).all(|w| w[0] < w[1]));
        let required: Vec<&str> = PROSE_PARTS
            .iter()
            .filter(|p| p.required)
            .map(|p| p.key)
            .collect();
        assert_eq!(required, ["overview", "problems", "other"]);
    }

    #[test]
    fn table3_labels_agree_with_rows() {
        let grid = coverage(&TABLE3);
        for (i, row) in grid.iter().enumerate().skip(3) {
            assert_eq!(&row[..3], &[1, 1, 1], "row {i} label columns covered");
            assert!(row[3..].iter().all(|&n| n == 0));
        }
        for (i, row) in T3_ROWS.iter().enumerate() {
            let grid_row = i as u8 + T3_HEADER_ROWS;
            assert!(TABLE3
                .labels
                .iter()
                .any(|c| c.row == grid_row && c.text == row.label));
        }
    }
}
