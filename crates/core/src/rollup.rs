//! The government's aggregate report (the 全县/全市 report) from its units' reports.
//!
//! A county or city publishes a report of its own whose tables sum its departments', its
//! townships' and its lower governments' numbers. This module holds the pure parts of that:
//! the unit list (`units.toml`), summing the leaf cells of reports (every total is recomputed
//! from them, as for any report), writing the sum as the tables of a `report.toml`, the
//! starting prose of the aggregate, and the 汇总 table (one row per unit, one column per leaf
//! cell) that `nianbao_export::summary` turns into `汇总.xlsx`. File access and the order of
//! events are `nianbao_watch::rollup`'s.

use std::fmt::Write as _;

use toml::de::{DeTable, DeValue};

use crate::batch::Timing;
use crate::diag::Diagnostic;
use crate::document::{self, CellContent, Num, NumRole};
use crate::format::{self, Kind, TableShape, T3_ROWS, T3_TOTAL, T4_GROUPS};
use crate::model::{Count, Date, Fee, Report};
use crate::source::{FileId, SourceMap, Span};

/// The unit list in the units folder (optional).
pub const UNITS_FILE: &str = "units.toml";
/// The 汇总 workbook written next to the aggregate's `report.toml`.
pub const SUMMARY_FILE: &str = "汇总.xlsx";

/// Whether `d` is one of the aggregate's writing prompts (E-TODO: a 【待填写】 left for the
/// office to write), not a fault of the sums: a new aggregate has them until the office
/// writes its prose, so they neither fail the roll-up nor are listed in full.
pub fn is_prompt(d: &Diagnostic) -> bool {
    d.id == "E-TODO"
}

/// First line of the generated part of an aggregate `report.toml`.
pub const REGION_START: &str =
    "# ==== 汇总数据：由 nianbao rollup 生成，重新汇总时这一部分整体替换，请勿在此修改 ====";
/// Last line of the generated part.
pub const REGION_END: &str = "# ==== 汇总数据结束 ====";

// ---------------------------------------------------------------------------------------------
// Units and roles

/// What a unit is to the government that sums it (the roll-up chain of the 2021 notice).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// 本级: the government's own offices (e.g. its 办公室).
    Own,
    /// 部门: a department of the government.
    Department,
    /// 乡镇: a township or 街道.
    Township,
    /// 下级政府: a lower government (a county for a city), whose report is itself a roll-up.
    LowerGovernment,
}

impl Role {
    /// Every role with its word in `units.toml`.
    pub const ALL: [(Role, &'static str); 4] = [
        (Role::Own, "本级"),
        (Role::Department, "部门"),
        (Role::Township, "乡镇"),
        (Role::LowerGovernment, "下级政府"),
    ];

    /// The word in `units.toml` and in tables.
    pub fn chinese(self) -> &'static str {
        match self {
            Role::Own => "本级",
            Role::Department => "部门",
            Role::Township => "乡镇",
            Role::LowerGovernment => "下级政府",
        }
    }

    /// The role a report has when no `units.toml` says otherwise.
    pub fn of_kind(kind: Kind) -> Role {
        match kind {
            Kind::Department => Role::Department,
            Kind::Township => Role::Township,
            Kind::Government => Role::LowerGovernment,
        }
    }

    /// Whether a report of `kind` can have this role (本级 offices report as departments, or
    /// as the government itself).
    pub fn fits(self, kind: Kind) -> bool {
        match self {
            Role::Own => kind != Kind::Township,
            _ => Role::of_kind(kind) == self,
        }
    }
}

/// One unit listed in `units.toml`.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    /// Its folder, relative to the units folder (or absolute).
    pub dir: String,
    /// Its role (None: from its report's kind).
    pub role: Option<Role>,
    /// The agency name the office expects (W-UNIT-NAME when the report says otherwise).
    pub name: Option<String>,
    /// Where the entry is (its `dir = …`).
    pub span: Span,
}

/// What `units.toml` says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitList {
    /// 机关全称 of the aggregate report (used when its `report.toml` is first written).
    pub agency: Option<String>,
    /// The year summed (default: the units' most common year).
    pub year: Option<i32>,
    /// The expected units, in order.
    pub units: Vec<Listed>,
    /// Where `year` is written.
    pub year_span: Option<Span>,
}

const UNITS_KEYS: [&str; 3] = ["agency", "year", "unit"];
const UNIT_KEYS: [&str; 3] = ["dir", "role", "name"];

/// Parses the `units.toml` in `sources` (file `id`). Problems are diagnostics located in it;
/// None after a TOML syntax error (the list cannot be trusted then).
pub fn parse_units(id: FileId, sources: &SourceMap) -> (Option<UnitList>, Vec<Diagnostic>) {
    let text = &sources.get(id).text;
    let mut diags = Vec::new();
    let at = |range: std::ops::Range<usize>| Span::new(id, range);
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        // The same E-TOML as report.toml's (input-method characters, else the parser's first
        // error, in Chinese), naming units.toml.
        let file = sources.get(id);
        let mut found = crate::toml_syntax::ime_characters(id, file);
        if found.is_empty() {
            found.extend(
                errors
                    .iter()
                    .min_by_key(|e| e.span().map_or(usize::MAX, |s| s.start))
                    .map(|e| crate::toml_syntax::parser_error(id, file, e.message(), e.span())),
            );
        }
        for mut d in found {
            d.message = d.message.replace("report.toml", "units.toml");
            for h in &mut d.hints {
                *h = h.replace("report.toml", "units.toml");
            }
            d.hints
                .push("每个单位写成一段 [[unit]]，其下写 dir = \"文件夹\"".to_string());
            diags.push(d);
        }
        return (None, diags);
    }
    let root = root.get_ref();
    let mut list = UnitList::default();
    let unknown = |t: &DeTable, allowed: &[&str], where_: &str, diags: &mut Vec<Diagnostic>| {
        for (k, _) in t.iter() {
            let key: &str = k.get_ref();
            if !allowed.contains(&key) {
                let d = Diagnostic::error("E-KEY", format!("{where_}中有未知的键“{key}”"))
                    .at(at(k.span()));
                diags.push(match crate::suggest::closest(key, allowed) {
                    Some(s) => d.hint(format!("是不是“{s}”？")),
                    None => d.hint(format!("可用的键：{}", allowed.join("、"))),
                });
            }
        }
    };
    let string = |t: &DeTable, key: &str, what: &str, diags: &mut Vec<Diagnostic>| {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some((s.trim().to_string(), at(v.span()))),
            _ => {
                diags.push(
                    Diagnostic::error("E-TYPE", format!("units.toml 的“{key}”（{what}）应是文字"))
                        .at(at(v.span()))
                        .hint(format!("用英文双引号括起来，例如 {key} = \"…\"")),
                );
                None
            }
        }
    };
    unknown(root, &UNITS_KEYS, "units.toml ", &mut diags);
    list.agency = string(root, "agency", "汇总报告的机关全称", &mut diags).map(|(s, _)| s);
    if let Some(v) = root.get("year") {
        list.year_span = Some(at(v.span()));
        match v.get_ref() {
            DeValue::Integer(i) => match i.as_str().parse::<i32>() {
                Ok(y) if (2008..=2100).contains(&y) => list.year = Some(y),
                _ => diags.push(
                    Diagnostic::error("E-TYPE", format!("units.toml 的年度“{}”不合理", i.as_str()))
                        .at(at(v.span()))
                        .hint("写四位年份，例如 year = 2024"),
                ),
            },
            _ => diags.push(
                Diagnostic::error("E-TYPE", "units.toml 的年度（year）应是四位数字")
                    .at(at(v.span()))
                    .hint("例如 year = 2024（不加引号）"),
            ),
        }
    }
    let entries: Vec<&toml::Spanned<DeValue>> = match root.get("unit").map(|v| (v, v.get_ref())) {
        None => Vec::new(),
        Some((_, DeValue::Array(items))) => items.iter().collect(),
        Some((v, _)) => {
            diags.push(
                Diagnostic::error("E-TYPE", "units.toml 的 unit 应写成多段 [[unit]]")
                    .at(at(v.span()))
                    .hint("每个单位一段：[[unit]] 换行 dir = \"文件夹\" 换行 role = \"部门\""),
            );
            Vec::new()
        }
    };
    if entries.is_empty() {
        diags.push(
            Diagnostic::error("E-MISSING", "units.toml 中没有列出任何单位（[[unit]]）")
                .at(Span::file_start(id))
                .hint("每个单位写一段：[[unit]] 换行 dir = \"文件夹\"；或删去 units.toml，汇总文件夹中的全部报告"),
        );
    }
    let roles: Vec<&str> = Role::ALL.iter().map(|(_, w)| *w).collect();
    for item in entries {
        let DeValue::Table(t) = item.get_ref() else {
            diags.push(
                Diagnostic::error("E-TYPE", "units.toml 的每个 [[unit]] 应是一段键值")
                    .at(at(item.span()))
                    .hint("[[unit]] 换行 dir = \"文件夹\""),
            );
            continue;
        };
        unknown(t, &UNIT_KEYS, "[[unit]] ", &mut diags);
        let Some((dir, span)) = string(t, "dir", "单位报告的文件夹", &mut diags) else {
            if t.get("dir").is_none() {
                diags.push(
                    Diagnostic::error("E-MISSING", "[[unit]] 缺少 dir（单位报告的文件夹）")
                        .at(at(item.span()))
                        .hint("例如 dir = \"县教育局\"（相对于 units.toml 所在的文件夹）"),
                );
            }
            continue;
        };
        let role = match string(t, "role", "单位类别", &mut diags) {
            None => None,
            Some((word, span)) => match Role::ALL.iter().find(|(_, w)| *w == word) {
                Some((role, _)) => Some(*role),
                None => {
                    diags.push(
                        Diagnostic::error("E-TYPE", format!("单位类别“{word}”无效"))
                            .at(span)
                            .hint(format!("可用的类别：{}", roles.join("、"))),
                    );
                    None
                }
            },
        };
        let name = string(t, "name", "单位的机关全称", &mut diags).map(|(s, _)| s);
        list.units.push(Listed {
            dir,
            role,
            name,
            span,
        });
    }
    (Some(list), diags)
}

// ---------------------------------------------------------------------------------------------
// Summing

/// A non-negative decimal as an integer of units of 10^-scale, so fees sum exactly (356.2731 +
/// 0.0001 is 356.2732, never 356.27319999).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Decimal {
    units: u128,
    scale: u32,
}

/// More decimals than any fee needs; keeps every sum far from `u128::MAX`.
const MAX_SCALE: u32 = 12;

impl Decimal {
    /// Parses what the loader accepts as a fee: `12`, `1_234.5`, `+3.25`, `1.5e2`.
    fn parse(text: &str) -> Option<Decimal> {
        let t = text.trim().replace('_', "");
        let t = t.strip_prefix('+').unwrap_or(&t);
        let (mantissa, exp) = match t.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.parse::<i64>().ok()?),
            None => (t, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.is_empty() && frac.is_empty()
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let mut units: u128 = format!("{int}{frac}").parse().ok()?;
        let mut scale = frac.len() as i64 - exp;
        if scale < 0 {
            units = units.checked_mul(10u128.checked_pow(u32::try_from(-scale).ok()?)?)?;
            scale = 0;
        }
        let mut scale = u32::try_from(scale).ok()?;
        while scale > MAX_SCALE {
            // Beyond any real fee's precision: round half up.
            units = (units + 5) / 10;
            scale -= 1;
        }
        Some(Decimal { units, scale })
    }

    fn rescale(self, scale: u32) -> Option<u128> {
        self.units
            .checked_mul(10u128.checked_pow(scale - self.scale)?)
    }

    fn add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        Some(Decimal {
            units: self.rescale(scale)?.checked_add(other.rescale(scale)?)?,
            scale,
        })
    }

    fn text(self) -> String {
        let digits = self.units.to_string();
        if self.scale == 0 {
            return digits;
        }
        let scale = self.scale as usize;
        let digits = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = digits.split_at(digits.len() - scale);
        format!("{int}.{frac}")
    }
}

/// The sum of fees as written, exactly, keeping the most decimals any of them has.
pub fn sum_fees<'a>(fees: impl IntoIterator<Item = &'a Fee>) -> Result<Fee, String> {
    let mut total = Decimal { units: 0, scale: 0 };
    for fee in fees {
        let d = Decimal::parse(&fee.text)
            .or_else(|| Decimal::parse(&format!("{:.6}", fee.value)))
            .ok_or_else(|| format!("收费金额“{}”无法汇总", fee.text))?;
        total = total
            .add(d)
            .ok_or_else(|| "表二“行政事业性收费”之和超出范围".to_string())?;
    }
    let text = total.text();
    Ok(Fee {
        value: text.parse().unwrap_or(0.0),
        text,
        span: None,
    })
}

fn add_count(into: &mut Count, c: &Count, what: &dyn Fn() -> String) -> Result<(), String> {
    into.value = into
        .value
        .checked_add(c.value)
        .ok_or_else(|| format!("{}之和超出范围", what()))?;
    Ok(())
}

/// The report whose every leaf cell is the sum of that cell over `units`: tables 二, 三 and 四
/// (the fee summed exactly as a decimal); every total is computed from these, as for any
/// report. Agency, year and kind (government) are the aggregate's; prose, dates and spans are
/// empty. Errs (in Chinese) only when a sum overflows.
pub fn sum(agency: &str, year: i32, units: &[&Report]) -> Result<Report, String> {
    let mut s = Report::empty(agency, year, Kind::Government);
    for u in units {
        let (a, t) = (&mut s.active, &u.active);
        for (k, (into, c)) in a.rules.iter_mut().zip(&t.rules).enumerate() {
            add_count(into, c, &|| format!("表二“规章”第 {} 列", k + 1))?;
        }
        for (k, (into, c)) in a.normative.iter_mut().zip(&t.normative).enumerate() {
            add_count(into, c, &|| format!("表二“行政规范性文件”第 {} 列", k + 1))?;
        }
        add_count(&mut a.licensing, &t.licensing, &|| "表二“行政许可”".into())?;
        add_count(&mut a.punishment, &t.punishment, &|| {
            "表二“行政处罚”".into()
        })?;
        add_count(&mut a.enforcement, &t.enforcement, &|| {
            "表二“行政强制”".into()
        })?;
        for (i, (into, row)) in s
            .applications
            .rows
            .iter_mut()
            .zip(&u.applications.rows)
            .enumerate()
        {
            if i == T3_TOTAL {
                continue; // computed
            }
            for (into, c) in into.cells.iter_mut().zip(&row.cells) {
                add_count(into, c, &|| format!("表三“{}”", T3_ROWS[i].label))?;
            }
        }
        for (g, (into, group)) in s
            .appeals
            .groups
            .iter_mut()
            .zip(&u.appeals.groups)
            .enumerate()
        {
            for (into, c) in into.cells.iter_mut().zip(&group.cells) {
                add_count(into, c, &|| format!("表四“{}”", T4_GROUPS[g].1))?;
            }
        }
    }
    s.active.fee = sum_fees(units.iter().map(|u| &u.active.fee))?;
    Ok(s)
}

// ---------------------------------------------------------------------------------------------
// Writing the aggregate's sources

/// One line of the sources comment in the generated part of `report.toml`.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceLine {
    /// Role of the unit.
    pub role: Option<Role>,
    /// Its agency (or folder, when unreadable).
    pub name: String,
    /// Its folder as given.
    pub folder: String,
    /// Why it is not counted (None: counted).
    pub left_out: Option<String>,
}

/// A comment's text on one line: a line break in an agency name must not end the comment.
fn comment_text(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `s` as a TOML basic string, quotes included.
pub fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(values: impl IntoIterator<Item = u64>) -> String {
    let v: Vec<String> = values.into_iter().map(|n| n.to_string()).collect();
    format!("[{}]", v.join(", "))
}

/// The generated part of an aggregate `report.toml`: between [`REGION_START`] and
/// [`REGION_END`], a comment naming every source (and every unit left out, with why), then
/// tables 二, 三 and 四 of `sum` in the template's layout with the official labels as comments.
pub fn tables_region(sum: &Report, sources: &[SourceLine]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{REGION_START}");
    let counted: Vec<&SourceLine> = sources.iter().filter(|l| l.left_out.is_none()).collect();
    let _ = writeln!(s, "# 汇总自以下 {} 个单位的报告：", counted.len());
    let line = |l: &SourceLine| {
        let role = l
            .role
            .map_or(String::new(), |r| format!("{} ", r.chinese()));
        comment_text(&format!("#   {role}{}（{}）", l.name, l.folder))
    };
    for l in &counted {
        let _ = writeln!(s, "{}", line(l));
    }
    let left: Vec<&SourceLine> = sources.iter().filter(|l| l.left_out.is_some()).collect();
    if !left.is_empty() {
        let _ = writeln!(s, "# 未计入汇总的单位：");
        for l in left {
            let why = l.left_out.as_deref().unwrap_or_default();
            let _ = writeln!(s, "{}：{}", line(l), comment_text(why));
        }
    }
    // Each table's lines with their labels as comments, the comments lined up.
    let table = |s: &mut String, heading: &str, name: &str, lines: Vec<(String, String)>| {
        let width = lines
            .iter()
            .map(|(l, _)| l.chars().count())
            .max()
            .unwrap_or(0);
        let _ = writeln!(s, "\n# {heading}\n[{name}]");
        for (line, label) in lines {
            let pad = " ".repeat(width - line.chars().count());
            let _ = writeln!(s, "{line}{pad}  # {label}");
        }
    };
    let a = &sum.active;
    let stock = |c: &[Count; 3]| list(c.iter().map(|c| c.value));
    table(
        &mut s,
        format::SECTIONS[1],
        "active",
        vec![
            (format!("rules       = {}", stock(&a.rules)), "规章".into()),
            (
                format!("normative   = {}", stock(&a.normative)),
                "行政规范性文件".into(),
            ),
            (
                format!("licensing   = {}", a.licensing.value),
                "行政许可".into(),
            ),
            (
                format!("punishment  = {}", a.punishment.value),
                "行政处罚".into(),
            ),
            (
                format!("enforcement = {}", a.enforcement.value),
                "行政强制".into(),
            ),
            (
                format!("fee         = {}", a.fee.text),
                "行政事业性收费（万元）".into(),
            ),
        ],
    );
    let rows = T3_ROWS
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != T3_TOTAL)
        .map(|(i, row)| {
            let cells = list(sum.applications.rows[i].cells.iter().map(|c| c.value));
            (format!("{:<15} = {cells}", row.key), row.label.to_string())
        })
        .collect();
    table(&mut s, format::SECTIONS[2], "applications", rows);
    let groups = T4_GROUPS
        .iter()
        .enumerate()
        .map(|(g, (key, label))| {
            let cells = list(sum.appeals.groups[g].cells.iter().map(|c| c.value));
            (format!("{key:<17} = {cells}"), (*label).to_string())
        })
        .collect();
    table(&mut s, format::SECTIONS[3], "appeals", groups);
    let _ = writeln!(s, "{REGION_END}");
    s
}

/// A new aggregate `report.toml`: the header the office maintains (agency, year, kind, the
/// publication date — the deadline until the office sets it — a commented signature, the
/// prose files), then `region`.
pub fn new_report_toml(agency: &str, year: i32, region: &str) -> String {
    let (month, day) = Kind::Government.deadline();
    let published = Date {
        year: year + 1,
        month,
        day,
    }
    .iso();
    let agency_toml = toml_string(agency);
    let title = comment_text(agency);
    format!(
        "# {title}{year}年{suffix} · 源文件（汇总报告）\n\
         # 由 nianbao rollup 根据所属单位的报告生成，说明见 docs/format.md。\n\
         # 表格数字在文件末尾的“汇总数据”部分，重新汇总（nianbao rollup）时自动更新；\n\
         # 其余内容（机关名称、发布日期、落款、文字文件）由本机关维护，重新汇总时保持不变。\n\
         \n\
         agency = {agency_toml}\n\
         year = {year}\n\
         kind = \"government\"            # 县级以上地方人民政府：次年3月31日前发布\n\
         published = {published}            # 发布日期：请改为实际发布日期\n\
         # last_year = \"../上年度汇总报告文件夹\"   # 用于核对上年结转、现行有效件数、文字重复率\n\
         \n\
         # 落款（可选）\n\
         # [signature]\n\
         # agency = {agency_toml}\n\
         # date = {published}\n\
         \n\
         [prose]\n\
         opening = \"opening.md\"\n\
         overview = \"overview.md\"\n\
         problems = \"problems.md\"\n\
         other = \"other.md\"\n\
         \n\
         {region}",
        suffix = format::TITLE_SUFFIX,
    )
}

/// `existing` with its generated part replaced by `region`; None when `existing` has no
/// complete generated part (a `report.toml` the office wrote itself must not be overwritten).
pub fn splice(existing: &str, region: &str) -> Option<String> {
    let start = existing.find(REGION_START)?;
    let end_at = existing[start..].find(REGION_END)? + start;
    let mut end = end_at + REGION_END.len();
    if existing[end..].starts_with("\r\n") {
        end += 2;
    } else if existing[end..].starts_with('\n') {
        end += 1;
    }
    Some(format!(
        "{}{region}{}",
        &existing[..start],
        &existing[end..]
    ))
}

/// Whether `text` is TOML without syntax errors (a spliced `report.toml` is checked before it
/// replaces the old one).
pub fn is_toml(text: &str) -> bool {
    DeTable::parse_recoverable(text).1.is_empty()
}

/// The prose files of a new aggregate report: the opening and the 五 prompt of `nianbao new`,
/// an overview whose number sentences are placeholders (so they follow every re-summing), and
/// a 六 that asks for the fee statement.
pub fn prose_files() -> Vec<(&'static str, String)> {
    // The prose templates name neither the agency nor the year (placeholders do), so any
    // valid pair serves.
    let scaffold = crate::template::scaffold(
        "汇总",
        *crate::model::REPORT_YEARS.start(),
        Kind::Government,
    )
    .unwrap_or_default();
    let template = |name: &str| {
        scaffold
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    };
    vec![
        ("opening.md", template("opening.md")),
        (
            "overview.md",
            include_str!("../../../templates/rollup/overview.md").to_string(),
        ),
        ("problems.md", template("problems.md")),
        (
            "other.md",
            include_str!("../../../templates/rollup/other.md").to_string(),
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// The 汇总 table

/// One leaf-cell column of the 汇总 table, labelled as the official table labels it.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The table (`表二`, `表三`, `表四`).
    pub table: &'static str,
    /// The table's section heading (`二、主动公开政府信息情况`, …).
    pub section: &'static str,
    /// The upper label: the row (`规章`, `（三）不予公开 1.属于国家秘密`) or, in table 四, the
    /// group (`行政诉讼 未经复议直接起诉`).
    pub group: String,
    /// The lower label: the column (`本年制发件数`, `自然人`, `结果维持`).
    pub label: &'static str,
}

/// Labels of the value cell at grid (`row`, `col`) of `shape`: the row labels left of it
/// (outermost first) and the column headers of the nearest header rows above it.
fn labels_of(shape: &TableShape, row: u8, col: u8) -> (Vec<&'static str>, Vec<&'static str>) {
    let covers_row = |l: &format::LabelCell, r: u8| l.row <= r && r < l.row + l.rowspan;
    let covers_col = |l: &format::LabelCell, c: u8| l.col <= c && c < l.col + l.colspan;
    let mut rows: Vec<&format::LabelCell> = shape
        .labels
        .iter()
        .filter(|l| !l.header && covers_row(l, row) && l.col < col)
        .collect();
    rows.sort_by_key(|l| l.col);
    let is_header_row = |r: u8| shape.labels.iter().any(|l| l.header && covers_row(l, r));
    let mut r = row;
    while r > 0 && !is_header_row(r - 1) {
        r -= 1;
    }
    let mut headers: Vec<&format::LabelCell> = Vec::new();
    while r > 0 && is_header_row(r - 1) {
        r -= 1;
        headers.extend(
            shape
                .labels
                .iter()
                .filter(|l| l.header && l.row == r && covers_col(l, col)),
        );
    }
    headers.sort_by_key(|l| l.row);
    (
        rows.iter().map(|l| l.text).collect(),
        headers.iter().map(|l| l.text).collect(),
    )
}

/// The input (leaf) cells of `doc`'s tables, in table order and then grid order.
fn leaves(doc: &document::Document) -> impl Iterator<Item = (&document::Table, &document::Cell)> {
    doc.tables().flat_map(|t| {
        t.cells.iter().filter_map(move |c| match &c.content {
            CellContent::Number {
                role: NumRole::Input,
                ..
            } => Some((t, c)),
            _ => None,
        })
    })
}

/// The leaf-cell columns of the 汇总 table: every number a clerk types into tables 二, 三 and
/// 四 (166 of them), with the official labels from [`crate::format`] through the document.
pub fn columns() -> Vec<Column> {
    let doc = document::build(&Report::empty("", 2000, Kind::Government), false);
    leaves(&doc)
        .map(|(t, c)| {
            let (rows, headers) = labels_of(t.shape, c.row, c.col);
            let label = headers.last().copied().unwrap_or("");
            let group = if rows.is_empty() {
                headers[..headers.len().saturating_sub(1)].join(" ")
            } else {
                rows[rows.len().saturating_sub(2)..].join(" ")
            };
            Column {
                table: t.shape.name,
                section: format::SECTIONS[t.shape.section],
                group,
                label,
            }
        })
        .collect()
}

/// The leaf-cell values of `r`, in [`columns`] order.
pub fn leaf_values(r: &Report) -> Vec<Num> {
    let doc = document::build(r, false);
    leaves(&doc)
        .filter_map(|(_, c)| match &c.content {
            CellContent::Number { value, .. } => Some(value.clone()),
            CellContent::Label { .. } => None,
        })
        .collect()
}

/// Where a unit stands in the roll-up.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Counted.
    Included,
    /// Counted although it has errors (`--include-failing`).
    IncludedFailing,
    /// Not counted, for this reason.
    Excluded(String),
    /// Listed in `units.toml`, but no report was found.
    Missing,
    /// A report in the units folder that `units.toml` does not list: not counted.
    Unlisted,
}

impl Status {
    /// Whether the unit's numbers are in the sum.
    pub fn counted(&self) -> bool {
        matches!(self, Status::Included | Status::IncludedFailing)
    }

    /// Chinese text for tables.
    pub fn chinese(&self) -> String {
        match self {
            Status::Included => "已计入".into(),
            Status::IncludedFailing => "已计入（有错误）".into(),
            Status::Excluded(why) => format!("未计入：{why}"),
            Status::Missing => "未报送".into(),
            Status::Unlisted => "未列入 units.toml，未计入".into(),
        }
    }
}

/// One unit's row of the 汇总 table.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitRow {
    /// Its agency (or the name `units.toml` gives, or its folder).
    pub name: String,
    /// Its folder as given.
    pub folder: String,
    /// Its role.
    pub role: Option<Role>,
    /// Its report's year.
    pub year: Option<i32>,
    /// Its publication date.
    pub published: Option<Date>,
    /// Its deadline (from kind and year).
    pub deadline: Option<Date>,
    /// Publication against the deadline.
    pub timing: Option<Timing>,
    /// Its errors.
    pub errors: usize,
    /// Its warnings.
    pub warnings: usize,
    /// Counted or not, and why.
    pub status: Status,
    /// Its leaf values in [`columns`] order (None when it has no readable report).
    pub values: Option<Vec<Num>>,
}

/// The 汇总 table: what `汇总.xlsx` shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Sheet title (`示范县人民政府2024年政府信息公开工作年度报告汇总表`).
    pub title: String,
    /// The aggregate's agency (document author).
    pub agency: String,
    /// The year summed.
    pub year: i32,
    /// Document date (the aggregate's publication date), so identical input gives identical
    /// bytes.
    pub date: Date,
    /// The leaf-cell columns.
    pub columns: Vec<Column>,
    /// One row per unit.
    pub units: Vec<UnitRow>,
    /// The aggregate's leaf values: the totals row.
    pub totals: Vec<Num>,
}

impl Summary {
    /// Checks that the totals are the cell-wise sums of the counted units (the exporter refuses
    /// a table that contradicts itself). Errs with the first column that does not add up.
    pub fn verify(&self) -> Result<(), String> {
        if self.totals.len() != self.columns.len() {
            return Err(format!(
                "合计有 {} 列，表头有 {} 列",
                self.totals.len(),
                self.columns.len()
            ));
        }
        for (k, (col, total)) in self.columns.iter().zip(&self.totals).enumerate() {
            let mut counts: u64 = 0;
            let mut fees: Vec<Fee> = Vec::new();
            for u in self.units.iter().filter(|u| u.status.counted()) {
                let Some(v) = u.values.as_ref().and_then(|v| v.get(k)) else {
                    return Err(format!("“{}”缺少第 {} 列的数字", u.name, k + 1));
                };
                match v {
                    Num::Count(n) => counts = counts.saturating_add(*n),
                    Num::Decimal { value, text } => fees.push(Fee {
                        value: *value,
                        text: text.clone(),
                        span: None,
                    }),
                }
            }
            let ok = match total {
                Num::Count(n) => fees.is_empty() && *n == counts,
                Num::Decimal { text, .. } => {
                    counts == 0 && sum_fees(&fees).is_ok_and(|f| same_decimal(&f.text, text))
                }
            };
            if !ok {
                return Err(format!(
                    "{}“{} {}”的合计 {} 不等于计入单位之和",
                    col.table,
                    col.group,
                    col.label,
                    total.display()
                ));
            }
        }
        Ok(())
    }
}

/// Whether two decimal texts are the same number (`1.50` and `1.5`).
fn same_decimal(a: &str, b: &str) -> bool {
    match (Decimal::parse(a), Decimal::parse(b)) {
        (Some(x), Some(y)) => {
            let scale = x.scale.max(y.scale);
            x.rescale(scale).is_some() && x.rescale(scale) == y.rescale(scale)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fee(text: &str) -> Fee {
        Fee {
            value: text.parse().unwrap_or(0.0),
            text: text.into(),
            span: None,
        }
    }

    #[test]
    fn fees_sum_exactly() {
        let f = sum_fees(&[fee("356.2731"), fee("0.0001"), fee("12"), fee("1_000.5")]).unwrap();
        assert_eq!(f.text, "1368.7732");
        assert_eq!(f.value, 1368.7732);
        assert_eq!(sum_fees(&[fee("0.1"), fee("0.2")]).unwrap().text, "0.3");
        assert_eq!(
            sum_fees(&[fee("1.5e2"), fee("2.5E-1")]).unwrap().text,
            "150.25"
        );
        assert_eq!(sum_fees(&[fee("0.05"), fee("0.05")]).unwrap().text, "0.10");
        assert_eq!(sum_fees(&[]).unwrap().text, "0");
        assert!(same_decimal("0.10", "0.1"));
        assert!(!same_decimal("0.11", "0.1"));
    }

    #[test]
    fn columns_carry_the_official_labels() {
        let cols = columns();
        assert_eq!(cols.len(), 10 + 24 * 6 + 12);
        let find = |group: &str, label: &str| {
            cols.iter()
                .position(|c| c.group == group && c.label == label)
                .unwrap_or_else(|| panic!("{group} {label}: {cols:#?}"))
        };
        assert_eq!(find("规章", "本年制发件数"), 0);
        assert_eq!(find("行政规范性文件", "现行有效件数"), 5);
        assert_eq!(find("行政许可", "本年处理决定数量"), 6);
        assert_eq!(find("行政事业性收费", "本年收费金额（单位：万元）"), 9);
        assert_eq!(find("一、本年新收政府信息公开申请数量", "自然人"), 10);
        assert_eq!(
            find("（三）不予公开 1.属于国家秘密", "商业企业"),
            10 + 4 * 6 + 1
        );
        assert_eq!(find("四、结转下年度继续办理", "其他"), 10 + 24 * 6 - 1);
        assert_eq!(find("行政复议", "结果维持"), 154);
        assert_eq!(find("行政诉讼 复议后起诉", "尚未审结"), 165);
        assert!(cols.iter().all(|c| c.group != "（七）总计"));
        assert_eq!(cols[0].section, format::SECTIONS[1]);
        assert_eq!(cols[165].table, "表四");
    }

    #[test]
    fn sums_leaf_cells_and_writes_them_back() {
        let a = crate::sample::sample_report();
        let mut b = a.clone();
        b.active.fee = fee("0.4322");
        b.applications.rows[0].cells[5].value += 1;
        b.applications.rows[2].cells[5].value += 1;
        let s = sum("示范市人民政府", 2024, &[&a, &b]).unwrap();
        let (va, vb, vs) = (leaf_values(&a), leaf_values(&b), leaf_values(&s));
        for k in 0..vs.len() {
            match (&va[k], &vb[k], &vs[k]) {
                (Num::Count(x), Num::Count(y), Num::Count(z)) => assert_eq!(x + y, *z, "{k}"),
                (_, _, Num::Decimal { text, .. }) => assert_eq!(text, "1235.0000"),
                other => panic!("{other:?}"),
            }
        }
        let sources = [
            SourceLine {
                role: Some(Role::Department),
                name: "某局\n[active]".into(),
                folder: "a".into(),
                left_out: None,
            },
            SourceLine {
                role: None,
                name: "某镇".into(),
                folder: "b".into(),
                left_out: Some("有 2 个错误".into()),
            },
        ];
        let region = tables_region(&s, &sources);
        let text = new_report_toml("示范市\"人民政府\"", 2024, &region);
        let prose = prose_files();
        let files: Vec<(&str, &str)> = prose.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let mut loaded = crate::load::load_str(&text, &files);
        crate::finish(&mut loaded);
        let errors: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::Severity::Error && !is_prompt(d))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}\n{text}");
        // Only the writing prompts are left for the office.
        assert!(
            loaded.diagnostics.iter().all(is_prompt),
            "{:#?}",
            loaded.diagnostics
        );
        let back = loaded.report.unwrap();
        assert_eq!(back.agency, "示范市\"人民政府\"");
        assert_eq!(back.published.unwrap().iso(), "2025-03-31");
        assert_eq!(leaf_values(&back), vs);
        assert!(text.contains("#   部门 某局 [active]（a）"), "{text}");
        assert!(
            text.contains("# 未计入汇总的单位：\n#   某镇（b）：有 2 个错误"),
            "{text}"
        );

        // Re-summing replaces the generated part only.
        let edited = text.replace("published = 2025-03-31", "published = 2025-03-20");
        let again = splice(&edited, &tables_region(&a, &sources[..1])).unwrap();
        assert!(again.contains("published = 2025-03-20"));
        assert!(!again.contains("某镇"));
        assert_eq!(again.matches(REGION_START).count(), 1);
        let back = crate::load::load_str(&again, &files).report.unwrap();
        assert_eq!(leaf_values(&back), leaf_values(&a));
        assert_eq!(splice("agency = \"x\"\n", &region), None);
    }

    #[test]
    fn unit_list() {
        let mut sources = SourceMap::new();
        let text = "agency = \"示范县人民政府\"\nyear = 2024\n\n[[unit]]\ndir = \"教育局\"\nrole = \"部门\"\n\n[[unit]]\ndir = \"城关镇\"\nrole = \"乡政府\"\nnmae = \"x\"\n\n[[unit]]\nrole = \"本级\"\n";
        let id = sources.add("units.toml".into(), text.into());
        let (list, diags) = parse_units(id, &sources);
        let list = list.unwrap();
        assert_eq!(list.agency.as_deref(), Some("示范县人民政府"));
        assert_eq!(list.year, Some(2024));
        assert_eq!(list.units.len(), 2);
        assert_eq!(list.units[0].role, Some(Role::Department));
        assert_eq!(sources.slice(&list.units[1].span), "\"城关镇\"");
        let ids: Vec<&str> = diags.iter().map(|d| d.id).collect();
        assert_eq!(ids, ["E-KEY", "E-TYPE", "E-MISSING"], "{diags:#?}");
        assert!(diags[0].hints[0].contains("name"));
        assert!(diags[1].message.contains("乡政府"));
        let id = sources.add("units.toml".into(), "[[unit]\ndir = 1".into());
        let (list, diags) = parse_units(id, &sources);
        assert!(list.is_none());
        assert_eq!(diags[0].id, "E-TOML");
    }

    #[test]
    fn roles_fit_kinds() {
        assert!(Role::Department.fits(Kind::Department));
        assert!(!Role::Township.fits(Kind::Department));
        assert!(Role::Own.fits(Kind::Government) && Role::Own.fits(Kind::Department));
        assert!(Role::LowerGovernment.fits(Kind::Government));
    }
}
