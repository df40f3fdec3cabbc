//! An imported report as a source folder: `report.toml`, the prose files and `IMPORT.md`.

use std::fmt::Write as _;

use nianbao_core::format::{
    T2_STOCK_COLUMNS, T3_COLUMNS, T3_ROWS, T3_TOTAL, T4_COLUMNS, T4_GROUPS,
};

use crate::flow::Para;
use crate::tables::{How, Value};
use crate::{recognize, Imported, Part};

/// The mark on every guess the clerk must confirm.
pub const CHECK_MARK: &str = "【请核对】";

/// The prompt written into a required section that was not found.
pub const NOT_FOUND: &str = "【待填写：导入时没有找到这一部分的文字，请补写】";

/// Numbers of an import, for the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Input numbers read from a cell.
    pub read: usize,
    /// Input numbers whose cell was blank or a dash (imported as 0).
    pub blank: usize,
    /// Input numbers whose cell held something else (imported as 0).
    pub bad: usize,
    /// Input numbers with no cell at all (imported as 0).
    pub missing: usize,
    /// Rows with numbers that fit no official row.
    pub unmapped_rows: usize,
}

impl Imported {
    /// Every input number of the three tables with its key, in `report.toml` order.
    pub fn values(&self) -> Vec<(String, &Value)> {
        let mut v: Vec<(String, &Value)> = Vec::new();
        if let Some(t) = &self.tables.active {
            for (key, cells) in [("rules", &t.rules), ("normative", &t.normative)] {
                for (c, (ck, _)) in cells.iter().zip(T2_STOCK_COLUMNS) {
                    v.push((format!("active.{key}.{ck}"), c));
                }
            }
            v.push(("active.licensing".into(), &t.licensing));
            v.push(("active.punishment".into(), &t.punishment));
            v.push(("active.enforcement".into(), &t.enforcement));
            v.push(("active.fee".into(), &t.fee));
        }
        if let Some(t) = &self.tables.applications {
            for (r, row) in T3_ROWS.iter().enumerate() {
                if r == T3_TOTAL {
                    continue;
                }
                for (c, (ck, _)) in t.rows[r].iter().zip(T3_COLUMNS) {
                    v.push((format!("applications.{}.{ck}", row.key), c));
                }
            }
        }
        if let Some(t) = &self.tables.appeals {
            for (g, (gk, _)) in T4_GROUPS.iter().enumerate() {
                for (c, (ck, _)) in t.groups[g].iter().zip(T4_COLUMNS) {
                    v.push((format!("appeals.{gk}.{ck}"), c));
                }
            }
        }
        v
    }

    /// Counts of read, blank, bad and missing numbers and unmapped rows.
    pub fn stats(&self) -> Stats {
        let mut s = Stats {
            unmapped_rows: self.tables.unmapped.len(),
            ..Stats::default()
        };
        for (_, v) in self.values() {
            match v.how {
                How::Read => s.read += 1,
                How::Blank(_) => s.blank += 1,
                How::Bad(_) => s.bad += 1,
                How::Missing => s.missing += 1,
            }
        }
        // A table not found at all: its numbers are missing too.
        if self.tables.active.is_none() {
            s.missing += 10;
        }
        if self.tables.applications.is_none() {
            s.missing += 24 * 6;
        }
        if self.tables.appeals.is_none() {
            s.missing += 12;
        }
        s
    }

    /// The part with `key`.
    pub fn part(&self, key: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.key == key)
    }
}

/// The files of the source folder: `report.toml`, the prose files, `IMPORT.md`.
pub fn files(imp: &Imported) -> Vec<(String, String)> {
    let mut out = vec![("report.toml".to_string(), report_toml(imp))];
    for part in &imp.parts {
        if let Some(md) = part_markdown(part) {
            out.push((part.def().file.to_string(), md));
        }
    }
    out.push(("IMPORT.md".to_string(), import_md(imp)));
    out
}

/// A part's Markdown, or None for an empty optional part.
pub fn part_markdown(part: &Part) -> Option<String> {
    let paras: Vec<&Para> = part
        .paras
        .iter()
        .filter(|p| !p.text().trim().is_empty())
        .collect();
    if paras.is_empty() {
        return part.def().required.then(|| format!("{NOT_FOUND}\n"));
    }
    let blocks: Vec<String> = paras.iter().map(|p| paragraph_markdown(p)).collect();
    Some(blocks.join("\n\n") + "\n")
}

/// One paragraph as Markdown: a heading (by its numbering, or the level the file gave it),
/// or a paragraph with `**bold**` runs; Markdown syntax in the text escaped.
pub fn paragraph_markdown(p: &Para) -> String {
    let text = p.text();
    let trimmed = text.trim().replace(['\n', '\r'], "");
    let numbered = recognize::heading_like(&trimmed);
    let level = numbered.or(p.outline.filter(|l| (2..=4).contains(l)));
    if let Some(level) = level {
        // Numbered headings get their level from the numbering (the loader's rule); `#` count
        // matters only for an unnumbered heading: `#` = 2, `##` = 3, `###` = 4.
        let hashes = if numbered.is_some() {
            usize::from(level)
        } else {
            usize::from(level) - 1
        };
        return format!("{} {}", "#".repeat(hashes), escape(&trimmed, true));
    }
    let mut s = String::new();
    let runs: Vec<_> = p.runs.iter().filter(|r| !r.text.is_empty()).collect();
    for (i, r) in runs.iter().enumerate() {
        let mut t = r.text.replace(['\n', '\r'], "");
        if i == 0 {
            t = t.trim_start().to_string();
        }
        if i + 1 == runs.len() {
            t = t.trim_end().to_string();
        }
        let at_start = s.is_empty();
        if r.bold && !t.trim().is_empty() {
            let lead = &t[..t.len() - t.trim_start().len()];
            let tail = &t[t.trim_end().len()..];
            s.push_str(lead);
            s.push_str("**");
            s.push_str(&escape(t.trim(), at_start && lead.is_empty()));
            s.push_str("**");
            s.push_str(tail);
        } else {
            s.push_str(&escape(&t, at_start));
        }
    }
    s
}

/// Escapes what Markdown would read as syntax. `line_start`: the text begins a line (where
/// `#`, `>`, `-`, `+` and `1. ` mean something).
fn escape(text: &str, line_start: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let special = match c {
            '\\' | '*' | '_' | '`' | '[' | ']' => true,
            '<' => next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
            '&' => next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#'),
            '#' | '>' | '-' | '+' | '=' | '|' | '~' => line_start && i == 0,
            '.' | ')' => {
                line_start
                    && i > 0
                    && chars[..i].iter().all(char::is_ascii_digit)
                    && next.is_none_or(char::is_whitespace)
            }
            _ => false,
        };
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    // `{{` would be read as a placeholder.
    out.replace("{{", "{\u{200B}{")
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A fee as a TOML number: the digits as read, leading zeros dropped.
fn fee_number(text: &str) -> String {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

fn doubtful(values: &[&Value]) -> bool {
    values.iter().any(|v| !v.is_read())
}

fn array(values: &[&Value]) -> String {
    let v: Vec<String> = values.iter().map(|v| v.count.to_string()).collect();
    format!("[{}]", v.join(", "))
}

/// A table row's array, its mark and note: a stated total that disagrees with the parts is
/// kept as the last number (the check reports it) and noted.
fn row_value(cells: &[&Value], stated: Option<&Value>) -> (String, &'static str, String) {
    let computed: u64 = cells.iter().map(|v| v.count).sum();
    let mut value = array(cells);
    let mut note = String::new();
    if let Some(t) = stated.filter(|t| t.is_read() && t.count != computed) {
        value = format!("{}, {}]", value.trim_end_matches(']'), t.count);
        note = format!("；原表总计 {}，与各项之和 {computed} 不符", t.count);
    }
    let mark = if doubtful(cells) || !note.is_empty() {
        CHECK_MARK
    } else {
        ""
    };
    (value, mark, note)
}

/// `report.toml` of an import: every number at its key, official labels as comments, each
/// guess and each number not read from a cell marked 【请核对】.
pub fn report_toml(imp: &Imported) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# 政府信息公开工作年度报告 · 源文件（由 nianbao import 从“{}”导入，{}）",
        imp.file_name.replace('\n', " "),
        imp.source.chinese()
    );
    s.push_str("# 导入情况（在原文中的位置、未能导入的内容）见 IMPORT.md。\n");
    let _ = writeln!(
        s,
        "# 标有{CHECK_MARK}的是推断或补 0 的项：对照原文核对后删去该标记。说明见 docs/format.md。\n"
    );
    match &imp.agency {
        Some(a) => {
            let _ = writeln!(
                s,
                "agency = {}    # {CHECK_MARK}机关全称，取自标题（{}）",
                toml_string(&a.value),
                a.at
            );
        }
        None => {
            let _ = writeln!(
                s,
                "agency = \"{CHECK_MARK}机关全称\"    # {CHECK_MARK}没有找到标题，请填写机关全称"
            );
        }
    }
    match &imp.year {
        Some(y) => {
            let _ = writeln!(
                s,
                "year = {}    # {CHECK_MARK}报告年度，取自标题（{}）",
                y.value, y.at
            );
        }
        None => {
            let _ = writeln!(s, "# year =     # {CHECK_MARK}没有找到报告年度，请填写");
        }
    }
    let _ = writeln!(
        s,
        "kind = \"{}\"    # {CHECK_MARK}{}：{}；department 部门 / township 乡镇、街道 / government 县级以上地方人民政府",
        imp.kind.value.keyword(),
        imp.kind.value.chinese(),
        imp.kind.at
    );
    match &imp.published {
        Some(p) => {
            let _ = writeln!(
                s,
                "published = {}    # {CHECK_MARK}发布日期，取自{}",
                p.value.iso(),
                p.at
            );
        }
        None => {
            let _ = writeln!(
                s,
                "# published = 2025-01-20    # {CHECK_MARK}没有找到发布日期，请填写"
            );
        }
    }
    s.push_str("# last_year = \"../上年度报告文件夹\"   # 上年度报告（用于核对上年结转、现行有效件数、文字重复率）\n");

    if let Some(sig) = &imp.signature {
        s.push_str("\n# 落款\n[signature]\n");
        if let Some(a) = &sig.agency {
            let _ = writeln!(s, "agency = {}", toml_string(a));
        }
        let _ = writeln!(s, "date = {}    # 取自{}", sig.date.iso(), sig.at);
    }

    if let Some(i) = &imp.imprint {
        let _ = writeln!(s, "\n# 版记，取自{}\n[imprint]", i.at);
        let cc: Vec<String> = i.cc.iter().map(|c| toml_string(c)).collect();
        let _ = writeln!(s, "cc = [{}]", cc.join(", "));
        if let Some(p) = &i.printer {
            let _ = writeln!(s, "printer = {}", toml_string(p));
        }
        if let Some(d) = &i.date {
            let _ = writeln!(s, "date = {}", d.iso());
        }
    }

    s.push_str("\n# 文字部分：每个部分一个 Markdown 文件\n[prose]\n");
    for part in &imp.parts {
        if part_markdown(part).is_some() {
            let _ = writeln!(s, "{} = \"{}\"", part.key, part.def().file);
        }
    }

    s.push_str("\n# 二、主动公开政府信息情况\n[active]\n");
    let t2 = imp.tables.active.clone().unwrap_or_default();
    if imp.tables.active.is_none() {
        let _ = writeln!(s, "# {CHECK_MARK}原文中没有找到表二，下面各项都是 0");
    }
    for (key, label, cells) in [
        ("rules", "规章", &t2.rules),
        ("normative", "行政规范性文件", &t2.normative),
    ] {
        let v: Vec<&Value> = cells.iter().collect();
        let mark = if doubtful(&v) { CHECK_MARK } else { "" };
        let _ = writeln!(
            s,
            "{key} = {}    # {mark}{label}：本年制发, 本年废止, 现行有效",
            array(&v)
        );
    }
    for (key, label, v) in [
        ("licensing", "行政许可", &t2.licensing),
        ("punishment", "行政处罚", &t2.punishment),
        ("enforcement", "行政强制", &t2.enforcement),
    ] {
        let mark = if v.is_read() { "" } else { CHECK_MARK };
        let _ = writeln!(
            s,
            "{key} = {}    # {mark}{label}：本年处理决定数量",
            v.count
        );
    }
    let mark = if t2.fee.is_read() { "" } else { CHECK_MARK };
    let _ = writeln!(
        s,
        "fee = {}    # {mark}行政事业性收费：本年收费金额（单位：万元）",
        fee_number(&t2.fee.text)
    );

    s.push_str("\n# 三、收到和处理政府信息公开申请情况\n");
    s.push_str("# 每行六个数：自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他\n");
    s.push_str("# “总计”列和“（七）总计”行由工具计算；原表的总计与计算值不同时，写在行末或 total 行，由检查报出。\n");
    s.push_str("[applications]\n");
    let t3 = imp.tables.applications.clone().unwrap_or_default();
    if imp.tables.applications.is_none() {
        let _ = writeln!(s, "# {CHECK_MARK}原文中没有找到表三，下面各项都是 0");
    }
    for (r, row) in T3_ROWS.iter().enumerate() {
        let cells: Vec<&Value> = t3.rows[r].iter().collect();
        if r == T3_TOTAL {
            // The （七）总计 row: computed; written only when the file states other numbers.
            if t3.total_row_read {
                let sums: Vec<u64> = (0..6)
                    .map(|c| {
                        nianbao_core::format::T3_RESULTS
                            .map(|k| t3.rows[k][c].count)
                            .sum()
                    })
                    .collect();
                let stated: Vec<u64> = cells.iter().map(|v| v.count).collect();
                if stated != sums {
                    let _ = writeln!(
                        s,
                        "total = {}    # {CHECK_MARK}原表的（七）总计，与各项之和 [{}] 不符",
                        array(&cells),
                        sums.iter()
                            .map(u64::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
            }
            continue;
        }
        let (value, mark, note) = row_value(&cells, t3.stated_totals[r].as_ref());
        let _ = writeln!(
            s,
            "{:<15} = {value}    # {mark}{}{note}",
            row.key, row.label
        );
    }

    s.push_str("\n# 四、政府信息公开行政复议、行政诉讼情况\n");
    s.push_str("# 每行四个数：结果维持, 结果纠正, 其他结果, 尚未审结（“总计”由工具计算）\n");
    s.push_str("[appeals]\n");
    let t4 = imp.tables.appeals.clone().unwrap_or_default();
    if imp.tables.appeals.is_none() {
        let _ = writeln!(s, "# {CHECK_MARK}原文中没有找到表四，下面各项都是 0");
    }
    for (g, (key, label)) in T4_GROUPS.iter().enumerate() {
        let cells: Vec<&Value> = t4.groups[g].iter().collect();
        let (value, mark, note) = row_value(&cells, t4.stated_totals[g].as_ref());
        let _ = writeln!(s, "{key:<17} = {value}    # {mark}{label}{note}");
    }
    s
}

fn how_text(v: &Value) -> String {
    match &v.how {
        How::Read => v.at.clone(),
        How::Blank(t) if t.is_empty() => format!("{}（空白，按 0 导入）", v.at),
        How::Blank(t) => format!("{}（“{t}”，按 0 导入）", v.at),
        How::Bad(t) => format!("{}（“{t}”不是件数，按 0 导入）", v.at),
        How::Missing => "未找到（按 0 导入）".to_string(),
    }
}

/// `IMPORT.md`: what was found where, what could not be mapped, what was derived.
pub fn import_md(imp: &Imported) -> String {
    let mut s = String::new();
    let st = imp.stats();
    let _ = writeln!(s, "# 导入说明\n");
    let _ = writeln!(
        s,
        "来源：`{}`（{}）。由 `nianbao import` 生成；核对完毕后可以删除本文件。\n",
        imp.file_name,
        imp.source.chinese()
    );
    let _ = writeln!(
        s,
        "表格数字：{} 个从原文读取，{} 个空白或为“/”“—”，{} 个无法识别，{} 个没有找到；{} 行数字未能对应到表格的行。\n",
        st.read, st.blank, st.bad, st.missing, st.unmapped_rows
    );

    s.push_str("## 需要核对的推断\n\n");
    match &imp.agency {
        Some(a) => {
            let _ = writeln!(s, "- 机关全称“{}”：取自标题（{}）", a.value, a.at);
        }
        None => s.push_str("- 机关全称：没有找到标题，report.toml 中请填写\n"),
    }
    match &imp.year {
        Some(y) => {
            let _ = writeln!(s, "- 报告年度 {}：取自标题（{}）", y.value, y.at);
        }
        None => s.push_str("- 报告年度：没有找到，report.toml 中请填写\n"),
    }
    let _ = writeln!(
        s,
        "- 机关类型 `{}`（{}）：{}，决定发布期限",
        imp.kind.value.keyword(),
        imp.kind.value.chinese(),
        imp.kind.at
    );
    match &imp.published {
        Some(p) => {
            let _ = writeln!(s, "- 发布日期 {}：取自{}", p.value.chinese(), p.at);
        }
        None => s.push_str("- 发布日期：没有找到，report.toml 中请填写\n"),
    }
    if let Some(sig) = &imp.signature {
        let _ = writeln!(
            s,
            "- 落款：{} {}（{}）",
            sig.agency.as_deref().unwrap_or("（没有署名行）"),
            sig.date.chinese(),
            sig.at
        );
    }

    if let Some(i) = &imp.imprint {
        let _ = writeln!(
            s,
            "- 版记：抄送 {} 个机关，印发 {} {}（{}）",
            i.cc.len(),
            i.printer.as_deref().unwrap_or("（没有印发机关）"),
            i.date
                .map_or("（没有印发日期）".to_string(), |d| d.chinese()),
            i.at
        );
    }

    s.push_str("\n## 文字部分\n\n| 部分 | 标题在原文中的位置 | 段落 | 文件 |\n|---|---|---|---|\n");
    for (k, part) in imp.parts.iter().enumerate() {
        let name = match part.def().section {
            None => part.def().name,
            Some(i) => nianbao_core::format::SECTIONS[i],
        };
        let n = part
            .paras
            .iter()
            .filter(|p| !p.text().trim().is_empty())
            .count();
        let file = match part_markdown(part) {
            Some(_) if n == 0 => format!("{}（未找到，写入了待填写提示）", part.def().file),
            Some(_) => part.def().file.to_string(),
            None => "—".to_string(),
        };
        let first = part.paras.first().map(|p| p.at.as_str()).unwrap_or("");
        let at = part
            .heading_at
            .as_deref()
            .unwrap_or(if k == 0 { first } else { "未找到" });
        let _ = writeln!(s, "| {name} | {at} | {n} | {file} |");
    }

    s.push_str("\n## 表格\n\n");
    for (kind, at) in &imp.tables.found_at {
        let _ = writeln!(s, "- {}：{at}", kind.name());
    }
    s.push_str("\n| 键 | 值 | 在原文中的位置 |\n|---|---|---|\n");
    for (key, v) in imp.values() {
        let shown = if key == "active.fee" {
            fee_number(&v.text)
        } else {
            v.count.to_string()
        };
        let _ = writeln!(s, "| `{key}` | {shown} | {} |", how_text(v));
    }

    s.push_str("\n## 由工具计算、不是从原文读取的单元格\n\n");
    derived(imp, &mut s);

    s.push_str("\n## 未能对应的内容\n\n");
    let mut any = false;
    for u in &imp.tables.unmapped {
        let _ = writeln!(s, "- 未能对应到表格行：{u}");
        any = true;
    }
    for (key, v) in imp.values() {
        if !v.is_read() {
            let _ = writeln!(s, "- `{key}`：{}", how_text(v));
            any = true;
        }
    }
    for n in &imp.tables.notes {
        let _ = writeln!(s, "- {n}");
        any = true;
    }
    if !any {
        s.push_str("- 没有：每个表格数字都对应到了 report.toml 中的键。\n");
    }

    if !imp.tables.labels.is_empty() {
        s.push_str("\n## 原文标签与官方标签不同（已按内容对应，生成的文件使用官方标签）\n\n");
        for l in &imp.tables.labels {
            let _ = writeln!(s, "- {l}");
        }
    }

    s.push_str("\n## 读取时的处理\n\n");
    if imp.notes.is_empty() {
        s.push_str("- 无\n");
    }
    for n in &imp.notes {
        let _ = writeln!(s, "- {n}");
    }
    s
}

fn derived(imp: &Imported, s: &mut String) {
    if let Some(t3) = &imp.tables.applications {
        let stated = t3.stated_totals.iter().filter(|t| t.is_some()).count();
        let differ: Vec<&str> = T3_ROWS
            .iter()
            .enumerate()
            .filter(|(r, _)| {
                t3.stated_totals[*r].as_ref().is_some_and(|t| {
                    t.is_read() && t.count != t3.rows[*r].iter().map(|v| v.count).sum::<u64>()
                })
            })
            .map(|(_, row)| row.short)
            .collect();
        if stated == 0 {
            s.push_str("- 表三“总计”列：原表没有这一列，由各申请人之和计算\n");
        } else if differ.is_empty() {
            let _ = writeln!(
                s,
                "- 表三“总计”列：由各申请人之和计算；原表 {stated} 行的总计与计算值一致"
            );
        } else {
            let _ = writeln!(
                s,
                "- 表三“总计”列：由各申请人之和计算；原表第 {} 行的总计与计算值不符，已写入 report.toml 由检查报出",
                differ.join("、")
            );
        }
        if t3.total_row_read {
            s.push_str(
                "- 表三（七）总计行：由办理结果各项之和计算，已与原表核对（不符时写为 total 行）\n",
            );
        } else {
            s.push_str("- 表三（七）总计行：原表中没有找到，由办理结果各项之和计算\n");
        }
    }
    if let Some(t4) = &imp.tables.appeals {
        if t4.stated_totals.iter().all(Option::is_none) {
            s.push_str("- 表四“总计”：原表没有，由四项结果之和计算\n");
        } else {
            s.push_str("- 表四“总计”：由四项结果之和计算，已与原表核对（不符时写为第 5 个数）\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::Run;

    #[test]
    fn markdown_escapes_and_bold() {
        let p = Para {
            runs: vec![
                Run {
                    text: "加强公开。".into(),
                    bold: true,
                },
                Run {
                    text: "全年*发布* <a>信息 {{x}}".into(),
                    bold: false,
                },
            ],
            outline: None,
            at: String::new(),
        };
        assert_eq!(
            paragraph_markdown(&p),
            "**加强公开。**全年\\*发布\\* \\<a>信息 {\u{200B}{x}}"
        );
        assert_eq!(
            paragraph_markdown(&Para::plain("1. 列表条目，内容较长。", "")),
            "1\\. 列表条目，内容较长。"
        );
        assert_eq!(
            paragraph_markdown(&Para::plain("（一）主动公开", "")),
            "## （一）主动公开"
        );
        let mut h = Para::plain("概述", "");
        h.outline = Some(2);
        assert_eq!(paragraph_markdown(&h), "# 概述");
    }

    #[test]
    fn fees() {
        assert_eq!(fee_number("0356.2731"), "356.2731");
        assert_eq!(fee_number("0"), "0");
        assert_eq!(fee_number("00.50"), "0.50");
    }
}
