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

/// Table 三 — 收到和处理政府信息公开申请情况.
pub const TABLE3: TableShape = TableShape {
    name: "表三",
    rows: 28,
    cols: 10,
    header_rows: 3,
    labels: &[
        h(0, 0, 3, 3, T3_NOTE),
        h(0, 3, 1, 7, "申请人情况"),
        h(1, 3, 2, 1, "自然人"),
        h(1, 4, 1, 5, "法人或其他组织"),
        h(1, 9, 2, 1, "总计"),
        h(2, 4, 1, 1, "商业企业"),
        h(2, 5, 1, 1, "科研机构"),
        h(2, 6, 1, 1, "社会公益组织"),
        h(2, 7, 1, 1, "法律服务机构"),
        h(2, 8, 1, 1, "其他"),
        l(3, 0, 1, 3, "一、本年新收政府信息公开申请数量"),
        l(4, 0, 1, 3, "二、上年结转政府信息公开申请数量"),
        l(5, 0, 22, 1, "三、本年度办理结果"),
        l(5, 1, 1, 2, "（一）予以公开"),
        l(
            6,
            1,
            1,
            2,
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        ),
        l(7, 1, 8, 1, "（三）不予公开"),
        l(7, 2, 1, 1, "1.属于国家秘密"),
        l(8, 2, 1, 1, "2.其他法律行政法规禁止公开"),
        l(9, 2, 1, 1, "3.危及“三安全一稳定”"),
        l(10, 2, 1, 1, "4.保护第三方合法权益"),
        l(11, 2, 1, 1, "5.属于三类内部事务信息"),
        l(12, 2, 1, 1, "6.属于四类过程性信息"),
        l(13, 2, 1, 1, "7.属于行政执法案卷"),
        l(14, 2, 1, 1, "8.属于行政查询事项"),
        l(15, 1, 3, 1, "（四）无法提供"),
        l(15, 2, 1, 1, "1.本机关不掌握相关政府信息"),
        l(16, 2, 1, 1, "2.没有现成信息需要另行制作"),
        l(17, 2, 1, 1, "3.补正后申请内容仍不明确"),
        l(18, 1, 5, 1, "（五）不予处理"),
        l(18, 2, 1, 1, "1.信访举报投诉类申请"),
        l(19, 2, 1, 1, "2.重复申请"),
        l(20, 2, 1, 1, "3.要求提供公开出版物"),
        l(21, 2, 1, 1, "4.无正当理由大量反复申请"),
        l(22, 2, 1, 1, "5.要求行政机关确认或重新出具已获取信息"),
        l(23, 1, 3, 1, "（六）其他处理"),
        l(
            23,
            2,
            1,
            1,
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ),
        l(
            24,
            2,
            1,
            1,
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ),
        l(25, 2, 1, 1, "3.其他"),
        l(26, 1, 1, 2, "（七）总计"),
        l(27, 0, 1, 3, "四、结转下年度继续办理"),
    ],
    col_weights: &[3, 4, 9, 3, 3, 3, 3, 3, 3, 3],
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

/// Table 四 — 政府信息公开行政复议、行政诉讼情况.
pub const TABLE4: TableShape = TableShape {
    name: "表四",
    rows: 4,
    cols: 15,
    header_rows: 3,
    labels: &[
        h(0, 0, 1, 5, "行政复议"),
        h(0, 5, 1, 10, "行政诉讼"),
        h(1, 0, 2, 1, "结果维持"),
        h(1, 1, 2, 1, "结果纠正"),
        h(1, 2, 2, 1, "其他结果"),
        h(1, 3, 2, 1, "尚未审结"),
        h(1, 4, 2, 1, "总计"),
        h(1, 5, 1, 5, "未经复议直接起诉"),
        h(1, 10, 1, 5, "复议后起诉"),
        h(2, 5, 1, 1, "结果维持"),
        h(2, 6, 1, 1, "结果纠正"),
        h(2, 7, 1, 1, "其他结果"),
        h(2, 8, 1, 1, "尚未审结"),
        h(2, 9, 1, 1, "总计"),
        h(2, 10, 1, 1, "结果维持"),
        h(2, 11, 1, 1, "结果纠正"),
        h(2, 12, 1, 1, "其他结果"),
        h(2, 13, 1, 1, "尚未审结"),
        h(2, 14, 1, 1, "总计"),
    ],
    col_weights: &[1; 15],
};

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
