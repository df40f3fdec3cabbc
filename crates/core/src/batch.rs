//! Many reports at once, as a county or city 政务公开 office checks them before they are
//! published: one summary row per report, and the checks that only make sense across reports
//! (mixed years, one agency reporting twice, a unit whose tables are all zero, year-on-year
//! jumps against `last_year`).
//!
//! Everything here is a pure function of loaded reports; `nianbao_watch::batch` loads them in
//! parallel and the CLI prints what these functions return.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::diag::{Counts, Diagnostic, JsonDiagnostic, Severity};
use crate::format::{Kind, T3_NEW, T3_ROWS, T4_GROUPS};
use crate::load::Loaded;
use crate::model::{Date, Report};
use crate::source::Span;

/// A year-on-year change at least this large (or its inverse) is W-BATCH-JUMP.
pub const JUMP_FACTOR: u64 = 5;
/// Changes where both years stay below this many are not worth a warning (3 → 15 is noise).
pub const JUMP_FLOOR: u64 = 20;

/// Short Chinese name of a kind, for tables (`部门`, `乡镇`, `政府`).
pub fn kind_short(kind: Kind) -> &'static str {
    match kind {
        Kind::Department => "部门",
        Kind::Township => "乡镇",
        Kind::Government => "政府",
    }
}

/// What the cross-report checks need of one report; small, so a batch build can keep it for
/// every report after the build itself is gone.
#[derive(Clone, Debug)]
pub struct Facts {
    /// Folder as given (for messages).
    pub folder: String,
    /// 机关全称.
    pub agency: String,
    /// Report year.
    pub year: i32,
    /// Kind of agency.
    pub kind: Kind,
    /// Where `agency` and `year` were written.
    agency_span: Option<Span>,
    year_span: Option<Span>,
    /// Findings about this report alone that only the office's view asks for (all-zero tables,
    /// jumps against last year).
    own: Vec<Diagnostic>,
}

impl Facts {
    /// The facts of a loaded report (None when `report.toml` could not be parsed).
    pub fn of(folder: &str, loaded: &Loaded) -> Option<Facts> {
        let r = loaded.report.as_ref()?;
        let mut own = Vec::new();
        all_zero(r, &mut own);
        if let Some(last) = &r.last_year {
            jumps(r, last, &mut own);
        }
        Some(Facts {
            folder: folder.to_string(),
            agency: r.agency.trim().to_string(),
            year: r.year,
            kind: r.kind,
            agency_span: r.spans.agency.clone(),
            year_span: r.spans.year.clone(),
            own,
        })
    }

    /// The findings about this report alone (W-BATCH-ZERO, W-BATCH-JUMP).
    pub fn findings(&self) -> &[Diagnostic] {
        &self.own
    }
}

/// Every leaf cell of tables 二, 三 and 四 of `r`, as (value, where it was written).
fn leaf_counts(r: &Report) -> impl Iterator<Item = u64> + '_ {
    let a = &r.active;
    let t2 = a
        .rules
        .iter()
        .chain(&a.normative)
        .chain([&a.licensing, &a.punishment, &a.enforcement])
        .map(|c| c.value);
    let t3 = r
        .applications
        .rows
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != crate::format::T3_TOTAL)
        .flat_map(|(_, row)| row.cells.iter().map(|c| c.value));
    let t4 = r
        .appeals
        .groups
        .iter()
        .flat_map(|g| g.cells.iter().map(|c| c.value));
    t2.chain(t3).chain(t4)
}

/// W-BATCH-ZERO: every number of tables 二, 三 and 四 is 0 (a scaffold never filled in, or a
/// unit that really had nothing — which the office wants to see either way).
fn all_zero(r: &Report, out: &mut Vec<Diagnostic>) {
    if r.active.fee.value != 0.0 || leaf_counts(r).any(|v| v != 0) {
        return;
    }
    out.push(
        Diagnostic::warning(
            "W-BATCH-ZERO",
            format!("“{}”的表二、表三、表四全部为 0", r.agency),
        )
        .at(r.active.span.clone().or(r.spans.agency.clone()))
        .hint("若本年度确实没有，请在文字中写明（如“本年度未收到政府信息公开申请”）；否则检查 report.toml 的表格是否漏填"),
    );
}

/// W-BATCH-JUMP: a headline number changed by ×5 or more (or to a fifth or less) against last
/// year's report — a digit typed twice or lost, or another unit's numbers merged in.
fn jumps(r: &Report, last: &Report, out: &mut Vec<Diagnostic>) {
    let suits = |x: &Report| x.appeals.groups[1].total() + x.appeals.groups[2].total();
    let new = &r.applications.rows[T3_NEW];
    let figures: [(String, u64, u64, Option<Span>); 7] = [
        (
            format!("表三“{}”总计", T3_ROWS[T3_NEW].label),
            r.applications.value(T3_NEW, 6),
            last.applications.value(T3_NEW, 6),
            new.span.clone(),
        ),
        (
            "表二“行政许可”本年处理决定数量".into(),
            r.active.licensing.value,
            last.active.licensing.value,
            r.active.licensing.span.clone(),
        ),
        (
            "表二“行政处罚”本年处理决定数量".into(),
            r.active.punishment.value,
            last.active.punishment.value,
            r.active.punishment.span.clone(),
        ),
        (
            "表二“行政强制”本年处理决定数量".into(),
            r.active.enforcement.value,
            last.active.enforcement.value,
            r.active.enforcement.span.clone(),
        ),
        (
            "表二“行政规范性文件”现行有效件数".into(),
            r.active.normative[2].value,
            last.active.normative[2].value,
            r.active.normative[2].span.clone(),
        ),
        (
            format!("表四“{}”总计", T4_GROUPS[0].1),
            r.appeals.groups[0].total(),
            last.appeals.groups[0].total(),
            r.appeals.groups[0].span.clone(),
        ),
        (
            "表四“行政诉讼”总计".into(),
            suits(r),
            suits(last),
            r.appeals.groups[1].span.clone(),
        ),
    ];
    for (what, now, before, span) in figures {
        if now.max(before) < JUMP_FLOOR {
            continue;
        }
        let up = now >= before.saturating_mul(JUMP_FACTOR);
        let down = now.saturating_mul(JUMP_FACTOR) <= before;
        if !(up || down) {
            continue;
        }
        let change = if before == 0 {
            "上年为 0".to_string()
        } else {
            format!("是上年的 {:.1} 倍", now as f64 / before as f64)
        };
        out.push(
            Diagnostic::warning(
                "W-BATCH-JUMP",
                format!("{what}为 {now}，上年为 {before}（{change}）"),
            )
            .at(span.or(r.spans.agency.clone()))
            .hint("核对是否多写或漏写了一位数、是否并入了其他单位的数字；变化属实的，建议在“一、总体情况”中说明原因"),
        );
    }
}

/// The cross-report findings of a batch, each with the index of the report it belongs to
/// (its span is in that report's sources). `facts[i]` is None for an unreadable report.
///
/// - W-BATCH-YEAR: a report whose year is not the batch's most common year;
/// - W-BATCH-TWICE: two folders with a report of the same agency and year;
/// - W-BATCH-ZERO and W-BATCH-JUMP from [`Facts::of`].
pub fn cross_check(facts: &[Option<&Facts>]) -> Vec<(usize, Diagnostic)> {
    let mut out = Vec::new();
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    for f in facts.iter().flatten() {
        *years.entry(f.year).or_default() += 1;
    }
    // The most common year; on a tie the later one (last year's reports mixed in are the
    // usual mistake).
    let main_year = years
        .iter()
        .max_by_key(|(y, n)| (**n, **y))
        .map(|(y, n)| (*y, *n));
    let mut by_agency: BTreeMap<(&str, i32), Vec<usize>> = BTreeMap::new();
    for (i, f) in facts.iter().enumerate() {
        let Some(f) = f else { continue };
        if let Some((year, n)) = main_year {
            if f.year != year {
                out.push((
                    i,
                    Diagnostic::warning(
                        "W-BATCH-YEAR",
                        format!(
                            "本报告为 {} 年度，本批 {} 份报告中有 {n} 份为 {year} 年度",
                            f.year,
                            facts.iter().flatten().count()
                        ),
                    )
                    .at(f.year_span.clone())
                    .hint("检查 year 是否写错，或是否误放了其他年度的报告"),
                ));
            }
        }
        if !f.agency.is_empty() {
            by_agency.entry((&f.agency, f.year)).or_default().push(i);
        }
        out.extend(f.own.iter().map(|d| (i, d.clone())));
    }
    for ((agency, year), members) in by_agency {
        if members.len() < 2 {
            continue;
        }
        for &i in &members {
            let Some(f) = facts[i] else { continue };
            let others: Vec<String> = members
                .iter()
                .filter(|&&j| j != i)
                .filter_map(|&j| facts[j].map(|o| format!("“{}”", o.folder)))
                .collect();
            out.push((
                i,
                Diagnostic::warning(
                    "W-BATCH-TWICE",
                    format!(
                        "“{agency}”{year} 年度有 {} 份报告：本报告和{}",
                        members.len(),
                        others.join("、")
                    ),
                )
                .at(f.agency_span.clone())
                .hint("一个机关每年只发布一份报告：删去重复的文件夹，或改正写错的机关名称、年度"),
            ));
        }
    }
    out.sort_by_key(|(i, _)| *i);
    out
}

// ---------------------------------------------------------------------------------------------
// The summary table

/// Whether a report was (to be) published within its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "days")]
pub enum Timing {
    /// Published by the deadline.
    OnTime,
    /// Published this many days after the deadline.
    Late(i64),
    /// No publication date given.
    Missing,
    /// Published before the statistics period ended (a wrong year, usually).
    Early,
}

impl Timing {
    /// The timing of `r`'s publication date against its kind's deadline (as W-DEADLINE).
    pub fn of(r: &Report) -> Timing {
        match r.published {
            None => Timing::Missing,
            Some(p) if p > r.deadline() => Timing::Late(days(p) - days(r.deadline())),
            Some(p) if p.year <= r.year => Timing::Early,
            Some(_) => Timing::OnTime,
        }
    }

    /// Chinese text for tables.
    pub fn chinese(self) -> String {
        match self {
            Timing::OnTime => "按期".into(),
            Timing::Late(d) => format!("逾期 {d} 天"),
            Timing::Missing => "未填发布日期".into(),
            Timing::Early => "早于统计期结束".into(),
        }
    }
}

/// Days since 1970-01-01 (proleptic Gregorian), for "late by N days".
fn days(d: Date) -> i64 {
    let (y, m) = if d.month <= 2 {
        (i64::from(d.year) - 1, i64::from(d.month) + 9)
    } else {
        (i64::from(d.year), i64::from(d.month) - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The verdict on one report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No errors and no warnings.
    Pass,
    /// No errors; warnings need a look.
    Warnings,
    /// Errors: not fit to publish.
    Fail,
    /// `report.toml` could not be read or parsed.
    Unreadable,
}

impl Verdict {
    /// Chinese text for tables.
    pub fn chinese(self) -> &'static str {
        match self {
            Verdict::Pass => "通过",
            Verdict::Warnings => "通过（有警告）",
            Verdict::Fail => "不通过",
            Verdict::Unreadable => "无法读取",
        }
    }
}

/// One row of the summary table (报告 | 年度 | 类型 | 错误 | 警告 | 发布期限 | 结论).
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// The report's name: its agency, or the folder when unreadable.
    pub report: String,
    /// Folder as given.
    pub folder: String,
    /// Report year.
    pub year: Option<i32>,
    /// Kind keyword (`department`, …).
    #[serde(serialize_with = "kind_keyword")]
    pub kind: Option<Kind>,
    /// Errors, including the batch's findings about this report.
    pub errors: usize,
    /// Warnings, including the batch's findings about this report.
    pub warnings: usize,
    /// Publication date (ISO).
    #[serde(serialize_with = "iso")]
    pub published: Option<Date>,
    /// Deadline for the kind (ISO).
    #[serde(serialize_with = "iso")]
    pub deadline: Option<Date>,
    /// Publication against the deadline.
    pub timing: Option<Timing>,
    /// Verdict.
    pub verdict: Verdict,
}

fn kind_keyword<S: serde::Serializer>(k: &Option<Kind>, s: S) -> Result<S::Ok, S::Error> {
    match k {
        Some(k) => s.serialize_str(k.keyword()),
        None => s.serialize_none(),
    }
}

fn iso<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.iso()),
        None => s.serialize_none(),
    }
}

impl Row {
    /// The row of a loaded report; `extra` are the batch's findings about it.
    pub fn of(folder: &str, loaded: &Loaded, extra: &[&Diagnostic]) -> Row {
        let mut counts = crate::diag::count(&loaded.diagnostics);
        for d in extra {
            match d.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Note => {}
            }
        }
        let Counts { errors, warnings } = counts;
        let Some(r) = &loaded.report else {
            return Row {
                report: folder.to_string(),
                folder: folder.to_string(),
                year: None,
                kind: None,
                errors,
                warnings,
                published: None,
                deadline: None,
                timing: None,
                verdict: Verdict::Unreadable,
            };
        };
        let verdict = match (errors, warnings) {
            (0, 0) => Verdict::Pass,
            (0, _) => Verdict::Warnings,
            _ => Verdict::Fail,
        };
        Row {
            report: if r.agency.trim().is_empty() {
                folder.to_string()
            } else {
                r.agency.trim().to_string()
            },
            folder: folder.to_string(),
            year: Some(r.year),
            kind: Some(r.kind),
            errors,
            warnings,
            published: r.published,
            deadline: Some(r.deadline()),
            timing: Some(Timing::of(r)),
            verdict,
        }
    }

    fn deadline_text(&self) -> String {
        match (self.deadline, self.timing) {
            (Some(d), Some(t)) => format!("{} {}", d.chinese(), t.chinese()),
            _ => String::new(),
        }
    }

    fn cells(&self) -> [String; 7] {
        [
            self.report.clone(),
            self.year.map(|y| y.to_string()).unwrap_or_default(),
            self.kind.map(kind_short).unwrap_or_default().to_string(),
            self.errors.to_string(),
            self.warnings.to_string(),
            self.deadline_text(),
            self.verdict.chinese().to_string(),
        ]
    }
}

/// Column headers of the summary table.
pub const TABLE_HEADERS: [&str; 7] = ["报告", "年度", "类型", "错误", "警告", "发布期限", "结论"];

/// The summary table for a terminal: columns padded by display width (a CJK character is two
/// columns), numbers right-aligned, then one line of totals.
pub fn render_table(rows: &[Row]) -> String {
    let cells: Vec<Vec<String>> = rows.iter().map(|r| r.cells().to_vec()).collect();
    let mut out = text_table(
        &TABLE_HEADERS,
        &cells,
        &[false, true, false, true, true, false, false],
    );
    let _ = writeln!(out, "{}", totals_line(rows));
    out
}

/// A plain-text table: `headers`, a rule, then `rows`, columns padded by display width and
/// separated by two spaces; `right[k]` right-aligns column `k`.
pub fn text_table(headers: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| UnicodeWidthStr::width(*h)).collect();
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(UnicodeWidthStr::width(c.as_str()));
        }
    }
    let line = |out: &mut String, row: &[String]| {
        let mut s = String::new();
        for (k, c) in row.iter().enumerate().take(widths.len()) {
            let pad = " ".repeat(widths[k] - UnicodeWidthStr::width(c.as_str()));
            if k > 0 {
                s.push_str("  ");
            }
            if right.get(k).copied().unwrap_or(false) {
                s.push_str(&pad);
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&pad);
            }
        }
        let _ = writeln!(out, "{}", s.trim_end());
    };
    let mut out = String::new();
    line(
        &mut out,
        &headers.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
    );
    let total: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    let _ = writeln!(out, "{}", "─".repeat(total));
    for row in rows {
        line(&mut out, row);
    }
    out
}

/// `共 32 份报告：28 份通过（其中 10 份有警告），3 份不通过，1 份无法读取；2 份逾期发布`.
pub fn totals_line(rows: &[Row]) -> String {
    let n = |v: Verdict| rows.iter().filter(|r| r.verdict == v).count();
    let warned = n(Verdict::Warnings);
    let mut s = format!(
        "共 {} 份报告：{} 份通过（其中 {warned} 份有警告），{} 份不通过",
        rows.len(),
        n(Verdict::Pass) + warned,
        n(Verdict::Fail)
    );
    if n(Verdict::Unreadable) > 0 {
        let _ = write!(s, "，{} 份无法读取", n(Verdict::Unreadable));
    }
    let late = rows
        .iter()
        .filter(|r| matches!(r.timing, Some(Timing::Late(_))))
        .count();
    if late > 0 {
        let _ = write!(s, "；{late} 份逾期发布");
    }
    s
}

/// One CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_line(out: &mut String, fields: &[String]) {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// The byte-order mark Excel needs to read a UTF-8 CSV as UTF-8 (not GBK).
pub const CSV_BOM: &str = "\u{feff}";

/// The summary as CSV (with a BOM, CRLF line ends: what Excel and WPS open directly).
pub fn summary_csv(rows: &[Row]) -> String {
    let mut out = String::from(CSV_BOM);
    csv_line(
        &mut out,
        &[
            "报告",
            "文件夹",
            "年度",
            "类型",
            "错误",
            "警告",
            "发布日期",
            "发布期限",
            "期限情况",
            "结论",
        ]
        .map(String::from),
    );
    for r in rows {
        csv_line(
            &mut out,
            &[
                r.report.clone(),
                r.folder.clone(),
                r.year.map(|y| y.to_string()).unwrap_or_default(),
                r.kind.map(kind_short).unwrap_or_default().to_string(),
                r.errors.to_string(),
                r.warnings.to_string(),
                r.published.map(|d| d.iso()).unwrap_or_default(),
                r.deadline.map(|d| d.iso()).unwrap_or_default(),
                r.timing.map(Timing::chinese).unwrap_or_default(),
                r.verdict.chinese().to_string(),
            ],
        );
    }
    out
}

/// Every finding of every report as CSV, one line each: which report, then the finding as
/// `--format json` gives it (file, line, column, ID, message, hints).
pub fn findings_csv(reports: &[(&Row, Vec<JsonDiagnostic>)]) -> String {
    let mut out = String::from(CSV_BOM);
    csv_line(
        &mut out,
        &[
            "报告",
            "文件夹",
            "级别",
            "编号",
            "文件",
            "行",
            "列",
            "说明",
            "提示",
        ]
        .map(String::from),
    );
    for (row, diags) in reports {
        for d in diags {
            let opt = |n: Option<usize>| n.map(|n| n.to_string()).unwrap_or_default();
            csv_line(
                &mut out,
                &[
                    row.report.clone(),
                    row.folder.clone(),
                    match d.severity {
                        Severity::Error => "错误",
                        Severity::Warning => "警告",
                        Severity::Note => "说明",
                    }
                    .to_string(),
                    d.id.to_string(),
                    d.file.clone().unwrap_or_default(),
                    opt(d.line),
                    opt(d.column),
                    d.message.to_string(),
                    d.hints.join("；"),
                ],
            );
        }
    }
    out
}

/// One report in `--format json` of a batch: its summary row and its findings.
#[derive(Serialize)]
pub struct JsonReport<'a> {
    /// The summary row.
    #[serde(flatten)]
    pub row: &'a Row,
    /// Every finding (the report's own, then the batch's about it).
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// `--format json` of a batch.
#[derive(Serialize)]
pub struct JsonBatch<'a> {
    /// One entry per report, in the order given.
    pub reports: Vec<JsonReport<'a>>,
    /// [`totals_line`].
    pub summary: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(toml_edit: impl Fn(String) -> String) -> Loaded {
        let files = crate::sample::synthetic_source(3);
        let toml = toml_edit(files[0].1.clone());
        let prose: Vec<(&str, &str)> = files[1..]
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let mut l = crate::load::load_str(&toml, &prose);
        crate::finish(&mut l);
        l
    }

    fn set_line(toml: &str, key: &str, value: &str) -> String {
        toml.lines()
            .map(|l| {
                if l.starts_with(&format!("{key} =")) {
                    format!("{key} = {value}")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn days_between_dates() {
        let d = |year, month, day| Date { year, month, day };
        assert_eq!(days(d(1970, 1, 1)), 0);
        assert_eq!(days(d(2025, 2, 12)) - days(d(2025, 1, 31)), 12);
        assert_eq!(days(d(2024, 3, 1)) - days(d(2024, 2, 28)), 2);
        assert_eq!(days(d(2025, 3, 1)) - days(d(2025, 2, 28)), 1);
    }

    #[test]
    fn years_agencies_zeros_and_jumps() {
        let a = loaded(|t| t);
        let r = a.report.as_ref().unwrap();
        let year = r.year;
        let agency = r.agency.clone();
        let other_year = loaded(|t| set_line(&t, "year", &(year - 1).to_string()));
        let zero = loaded(|t| {
            let mut t = set_line(&t, "agency", "\"某某县某局\"");
            for row in T3_ROWS {
                t = set_line(&t, row.key, "[0, 0, 0, 0, 0, 0]");
            }
            for (g, _) in T4_GROUPS {
                t = set_line(&t, g, "[0, 0, 0, 0]");
            }
            for k in ["rules", "normative"] {
                t = set_line(&t, k, "[0, 0, 0]");
            }
            for k in ["licensing", "punishment", "enforcement", "fee"] {
                t = set_line(&t, k, "0");
            }
            t
        });
        let facts: Vec<Facts> = [
            ("a", &a),
            ("b", &a),
            ("c", &other_year),
            ("d", &zero),
            ("e", &a),
        ]
        .iter()
        .map(|(f, l)| Facts::of(f, l).unwrap())
        .collect();
        let found = cross_check(&facts.iter().map(Some).collect::<Vec<_>>());
        let ids = |i: usize| -> Vec<&str> {
            found
                .iter()
                .filter(|(j, _)| *j == i)
                .map(|(_, d)| d.id)
                .collect()
        };
        assert_eq!(ids(0), ["W-BATCH-TWICE"]);
        assert_eq!(ids(2), ["W-BATCH-YEAR"]);
        assert_eq!(ids(3), ["W-BATCH-ZERO"]);
        let twice = &found[0].1;
        assert!(twice.message.contains(&agency), "{}", twice.message);
        assert!(twice.message.contains("3 份报告"), "{}", twice.message);
        assert!(twice.message.contains("“b”、“e”"), "{}", twice.message);
        assert!(twice.span.is_some() && !twice.hints.is_empty());
        let y = &found.iter().find(|(i, _)| *i == 2).unwrap().1;
        assert!(
            y.message.contains(&format!(
                "本报告为 {} 年度，本批 5 份报告中有 4 份为 {year}",
                year - 1
            )),
            "{}",
            y.message
        );
        // The span is the `year = …` value.
        let src = other_year.sources.slice(y.span.as_ref().unwrap());
        assert_eq!(src, (year - 1).to_string());
    }

    #[test]
    fn jump_against_last_year() {
        let mut last = Report::empty("某局", 2023, Kind::Department);
        last.active.licensing.value = 100;
        last.active.punishment.value = 30;
        last.applications.rows[T3_NEW].cells[0].value = 12;
        let mut now = last.clone();
        now.year = 2024;
        now.active.licensing.value = 500; // × 5
        now.active.punishment.value = 6; // ÷ 5
        now.applications.rows[T3_NEW].cells[0].value = 19; // below the floor
        let mut out = Vec::new();
        jumps(&now, &last, &mut out);
        let msgs: Vec<&str> = out.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].contains("行政许可") && msgs[0].contains("5.0 倍"));
        assert!(msgs[1].contains("行政处罚") && msgs[1].contains("为 6，上年为 30"));
        now.active.licensing.value = 499;
        now.active.punishment.value = 7;
        out.clear();
        jumps(&now, &last, &mut out);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn table_and_csv() {
        let a = loaded(|t| t);
        let late = loaded(|t| set_line(&t, "published", "2099-12-01"));
        let rows = vec![Row::of("r/a", &a, &[]), Row::of("r/b,\"x\"", &late, &[])];
        let r = a.report.as_ref().unwrap();
        assert_eq!(rows[0].verdict, Verdict::Pass);
        assert_eq!(rows[1].verdict, Verdict::Warnings);
        assert!(matches!(rows[1].timing, Some(Timing::Late(d)) if d > 20_000));
        let text = render_table(&rows);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("报告"), "{text}");
        assert!(lines[2].starts_with(&r.agency), "{text}");
        assert!(
            lines[2].contains("按期") && lines[2].ends_with("通过"),
            "{text}"
        );
        assert!(lines[3].contains("逾期"), "{text}");
        // Columns line up by display width: 年度 ends at the same column on every row.
        let col = |l: &str, s: &str| UnicodeWidthStr::width(&l[..l.find(s).unwrap()]);
        let y = r.year.to_string();
        assert_eq!(col(lines[0], "年度") + 4, col(lines[2], &y) + 4);
        assert!(lines[4].starts_with("共 2 份报告：2 份通过（其中 1 份有警告）"));
        assert!(lines[4].ends_with("1 份逾期发布"), "{}", lines[4]);
        let csv = summary_csv(&rows);
        assert!(csv.starts_with(CSV_BOM));
        assert!(csv.contains("\r\n"));
        assert!(csv.contains("\"r/b,\"\"x\"\"\""), "{csv}");
    }
}
