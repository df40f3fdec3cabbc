//! The flow → an imported report: title (agency, year), opening, the six sections, their
//! prose, the three tables, the signature; and the guesses that need a human look.

use nianbao_core::format::{Kind, SECTIONS};
use nianbao_core::model::Date;

use crate::flow::{Block, Flow, Para};
use crate::norm;
use crate::tables::{self, Record, TableKind, Tables};
use crate::{Found, Imported, Part, SourceKind};

/// Distinctive words of each section heading (any one, after `一、` … `六、`). The notice's
/// longer wordings (`四、因政府信息公开工作被申请行政复议、提起行政诉讼情况`) match too.
const SECTION_KEYS: [&[&str]; 6] = [
    &["总体情况"],
    &["主动公开"],
    &["申请"],
    &["复议", "诉讼"],
    &["问题", "改进"],
    &["其他", "需要报告"],
];

const NUMERALS: [char; 6] = ['一', '二', '三', '四', '五', '六'];

/// The index (0–5) of the section whose heading `text` is, if it is one.
pub fn section_of(text: &str) -> Option<usize> {
    let t = norm::label(text);
    if t.chars().count() > 40 || t.ends_with('。') {
        return None;
    }
    let mut chars = t.chars();
    let first = chars.next()?;
    let k = NUMERALS.iter().position(|&n| n == first)?;
    let sep = chars.next()?;
    if !matches!(sep, '、' | '.' | ',' | '，') {
        return None;
    }
    let rest: String = chars.collect();
    SECTION_KEYS[k]
        .iter()
        .any(|w| rest.contains(w))
        .then_some(k)
}

/// The heading level a numbering at the start of `text` gives: `（一）` 2, `1.` 3, `（1）` 4.
pub fn numbered_heading(text: &str) -> Option<u8> {
    let t = norm::label(text);
    if let Some(rest) = t.strip_prefix('(') {
        let inner: String = rest.chars().take_while(|&c| c != ')').collect();
        if inner.is_empty() || inner.chars().count() > 3 || rest.len() == inner.len() {
            return None;
        }
        if inner.chars().all(|c| "一二三四五六七八九十".contains(c)) {
            return Some(2);
        }
        if inner.chars().all(|c| c.is_ascii_digit()) {
            return Some(4);
        }
        return None;
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits <= 2 {
        let after = t[digits..].chars().next();
        let then = t[digits..].chars().nth(1);
        if after == Some('.') && then.is_some_and(|c| !c.is_ascii_digit()) {
            return Some(3);
        }
    }
    None
}

/// Whether a paragraph reads as a heading: numbered, short, not a sentence (the loader's own
/// rule for headings without `#`).
pub fn heading_like(text: &str) -> Option<u8> {
    let level = numbered_heading(text)?;
    let t = text.trim();
    let ends = t.ends_with(['。', '；', '！', '？', '：', '，', '.', ';']);
    (t.chars().count() <= 40 && !ends).then_some(level)
}

/// Which table a row of cells starts: `第二十条第（一）项` (二), the 勾稽 note or `申请人情况`
/// (三), `行政复议` next to `行政诉讼` (四).
pub fn table_marker(cells: &[&str]) -> Option<TableKind> {
    let keys: Vec<String> = cells.iter().map(|c| norm::label(c)).collect();
    if keys.iter().any(|k| k.contains("第二十条")) {
        return Some(TableKind::Active);
    }
    if keys
        .iter()
        .any(|k| k.contains("勾稽关系为") || k.contains("第一项加第二项") || k == "申请人情况")
    {
        return Some(TableKind::Applications);
    }
    if keys.iter().any(|k| k == "行政复议") && keys.iter().any(|k| k == "行政诉讼") {
        return Some(TableKind::Appeals);
    }
    None
}

/// Whether `text` is a report title line: short, ending in 政府信息公开工作年度报告 (an
/// opening that quotes the notice's 《…年度报告格式》 is not).
pub fn is_title(text: &str) -> bool {
    let key = norm::label(text);
    let key = key.trim_end_matches([')', '(', '）', '（']);
    key.chars().count() <= 60 && key.ends_with("政府信息公开工作年度报告")
}

/// A portal page's line about the article (发布时间, 来源, 字号, 打印) rather than its text.
fn is_portal_meta(text: &str) -> bool {
    let t = norm::label(text);
    t.chars().count() <= 120
        && [
            "发布时间",
            "发布日期",
            "来源:",
            "浏览次数",
            "访问量",
            "字号:",
            "[打印]",
            "[关闭]",
            "分享到",
        ]
        .iter()
        .filter(|k| t.contains(*k))
        .count()
            >= 1
        && !t.contains('。')
}

/// Where a prose paragraph goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// Before the title (portal page chrome): not imported.
    Front,
    /// After the title, before section 一.
    Opening,
    /// In section `k`.
    Section(usize),
}

/// Recognises the report in a flow.
pub(crate) fn recognize(flow: Flow, source: SourceKind, file_name: &str) -> Imported {
    let mut notes = flow.notes;
    let blocks = flow.blocks;

    // The title: the first paragraph that says 政府信息公开工作年度报告, before any section.
    let first_section = blocks
        .iter()
        .position(|b| matches!(b, Block::Para(p) if section_of(&p.text()).is_some()))
        .unwrap_or(blocks.len());
    let title_at = blocks[..first_section]
        .iter()
        .position(|b| matches!(b, Block::Para(p) if is_title(&p.text())));
    let mut agency = None;
    let mut year = None;
    let mut title_start = title_at;
    if let Some(i) = title_at {
        if let Block::Para(p) = &blocks[i] {
            let t = norm::squeeze_cjk_spaces(&p.text());
            let cut = t.find("政府信息公开工作年度报告").unwrap_or(t.len());
            let head = t[..cut].trim_end_matches('年').trim();
            let digits: String = head
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if let Ok(y) = digits.parse::<i32>() {
                if digits.len() == 4 {
                    year = Some(Found {
                        value: y,
                        at: p.at.clone(),
                    });
                }
            }
            let name = head[..head.len() - digits.len()].trim();
            if !name.is_empty() {
                agency = Some(Found {
                    value: name.to_string(),
                    at: p.at.clone(),
                });
            } else if i > 0 {
                // Two-line title: the agency is the paragraph above.
                if let Block::Para(prev) = &blocks[i - 1] {
                    let name = norm::squeeze_cjk_spaces(prev.text().trim());
                    if !name.is_empty() && name.chars().count() <= 40 && !name.contains('。') {
                        agency = Some(Found {
                            value: name,
                            at: prev.at.clone(),
                        });
                        title_start = Some(i - 1);
                    }
                }
            }
        }
    } else {
        notes.push("没有找到标题（“……年政府信息公开工作年度报告”）".into());
    }

    // A portal page's “发布时间：2025-01-20” before the title.
    let mut published = None;
    for b in &blocks[..title_start.unwrap_or(0)] {
        if let Block::Para(p) = b {
            if let Some(d) = portal_date(&p.text()) {
                published.get_or_insert(Found {
                    value: d,
                    at: p.at.clone(),
                });
            }
        }
    }

    // Walk the blocks: prose into parts, tables into segments.
    let mut place = if title_at.is_some() {
        Place::Front
    } else {
        Place::Opening
    };
    let mut parts: Vec<Part> = nianbao_core::format::PROSE_PARTS
        .iter()
        .map(|p| Part {
            key: p.key,
            paras: Vec::new(),
            heading_at: None,
        })
        .collect();
    let mut seen_table: [bool; 3] = [false; 3];
    let mut segments: Vec<(TableKind, Vec<Record>, String)> = Vec::new();
    let mut front = 0usize;
    let mut portal = Vec::new();
    let mut misplaced_headings = Vec::new();
    let mut imprint_lines: Vec<(String, String)> = Vec::new();
    for (i, block) in blocks.into_iter().enumerate() {
        if Some(i) == title_start || (title_at.is_some() && Some(i) == title_at) {
            place = Place::Opening;
            continue;
        }
        match block {
            Block::Para(p) => {
                let text = p.text();
                if place == Place::Section(5)
                    && (!imprint_lines.is_empty() || is_imprint_line(&text))
                {
                    // The 版记 after the signature: [imprint], not section 六's text.
                    if !text.trim().is_empty() {
                        imprint_lines.push((text, p.at.clone()));
                    }
                    continue;
                }
                if let Some(k) = section_of(&text) {
                    let current = match place {
                        Place::Section(c) => Some(c),
                        _ => None,
                    };
                    if current.is_none_or(|c| k > c) {
                        place = Place::Section(k);
                        parts[part_index(k, true)].heading_at = Some(p.at.clone());
                        continue;
                    }
                    misplaced_headings.push(format!("{}“{}”", p.at, text.trim()));
                }
                let bare = text.trim();
                if crate::text::is_page_number(bare)
                    || (!bare.is_empty()
                        && bare.len() <= 4
                        && bare.chars().all(|c| c.is_ascii_digit()))
                {
                    // A page number (a PAGE field's result pasted into the body, a PDF's
                    // footer line): not text of the report.
                    portal.push(format!("{}“{bare}”（页码）", p.at));
                    continue;
                }
                if place != Place::Front && is_portal_meta(&text) {
                    if let Some(d) = portal_date(&text) {
                        published.get_or_insert(Found {
                            value: d,
                            at: p.at.clone(),
                        });
                    }
                    portal.push(format!("{}“{}”", p.at, text.trim()));
                    continue;
                }
                match place {
                    Place::Front => front += 1,
                    Place::Opening => parts[0].paras.push(p),
                    Place::Section(k) => {
                        // In 二–四, prose after the table is still the section's lead.
                        parts[part_index(k, true)].paras.push(p);
                    }
                }
            }
            Block::Table(grid) => {
                if place == Place::Section(5) && grid.cells.iter().any(|c| is_imprint_line(&c.text))
                {
                    // A 版记 laid out as a table (as nianbao's DOCX has it).
                    imprint_lines.extend(
                        grid.cells
                            .iter()
                            .filter(|c| !c.text.trim().is_empty())
                            .map(|c| (c.text.clone(), c.at.clone())),
                    );
                    continue;
                }
                let context = match place {
                    Place::Section(1) => Some(TableKind::Active),
                    Place::Section(2) => Some(TableKind::Applications),
                    Place::Section(3) => Some(TableKind::Appeals),
                    _ => None,
                };
                for (kind, recs) in split_grid(&grid, context) {
                    match kind {
                        Some(kind) => {
                            seen_table[kind as usize] = true;
                            match segments.last_mut() {
                                Some((k, r, _)) if *k == kind => r.extend(recs),
                                _ => segments.push((kind, recs, grid.at.clone())),
                            }
                        }
                        None => {
                            if recs.iter().any(|r| !r.slots.is_empty()) {
                                notes.push(format!(
                                    "{} 的表格不是表二、表三或表四，未导入",
                                    grid.at
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    if front > 0 {
        notes.push(format!(
            "标题之前的 {front} 段（网页栏目、发布信息等）未导入"
        ));
    }
    for m in portal {
        notes.push(format!("{m} 不是正文（网页的发布信息或页码），未导入"));
    }
    for m in misplaced_headings {
        notes.push(format!("{m} 像一级标题但顺序不对，作为正文导入【请核对】"));
    }

    // Signature: the last paragraphs of section 六 — an agency line and a date line.
    let mut signature = None;
    {
        let other = &mut parts[part_index(5, true)].paras;
        if let Some(last) = other.last() {
            if let Some((y, m, d)) = norm::chinese_date(&last.text()) {
                let date = Date {
                    year: y,
                    month: m,
                    day: d,
                };
                let date_at = last.at.clone();
                other.pop();
                let by = other.last().and_then(|p| {
                    let t = norm::squeeze_cjk_spaces(p.text().trim());
                    (t.chars().count() <= 30 && !t.contains(['。', '，', '；']))
                        .then(|| (t, p.at.clone()))
                });
                let by = match by {
                    Some(b) => {
                        other.pop();
                        Some(b)
                    }
                    None => None,
                };
                signature = Some(crate::Signature {
                    agency: by.as_ref().map(|b| b.0.clone()),
                    date,
                    at: by.map_or(date_at.clone(), |b| b.1),
                });
                published.get_or_insert(Found {
                    value: date,
                    at: date_at,
                });
            }
        }
    }

    let imprint = imprint_of(&imprint_lines);

    // Tables.
    let mut tables = Tables::default();
    for (kind, recs, at) in segments {
        tables.found_at.push((kind, at));
        match kind {
            TableKind::Active if tables.active.is_none() => {
                tables.active = Some(tables::map_t2(&recs, &mut tables))
            }
            TableKind::Applications if tables.applications.is_none() => {
                tables.applications = Some(tables::map_t3(&recs, &mut tables))
            }
            TableKind::Appeals if tables.appeals.is_none() => {
                tables.appeals = Some(tables::map_t4(&recs, &mut tables))
            }
            _ => tables
                .notes
                .push(format!("{}出现了不止一次；只导入了第一个", kind.name())),
        }
    }
    for (k, seen) in seen_table.iter().enumerate() {
        if !seen {
            let name = [
                TableKind::Active,
                TableKind::Applications,
                TableKind::Appeals,
            ][k]
                .name();
            tables
                .notes
                .push(format!("没有找到{name}，各项按 0 导入【请核对】"));
        }
    }
    for part in parts.iter().skip(1) {
        let section = part.def().section;
        if part.def().required && part.heading_at.is_none() {
            notes.push(format!("没有找到“{}”部分", SECTIONS[section.unwrap_or(0)]));
        }
    }

    let agency_name = agency.as_ref().map(|a| a.value.clone()).unwrap_or_default();
    let kind = guess_kind(&agency_name);
    Imported {
        source,
        file_name: file_name.to_string(),
        agency,
        year,
        kind,
        published,
        signature,
        imprint,
        parts,
        tables,
        notes,
    }
}

/// The text of a 版记 line without spaces: `抄送：…` or `…印发`.
fn imprint_text(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether a line opens or closes a 版记: `抄送：…`, or `某某办公室 2025年1月20日印发`.
fn is_imprint_line(s: &str) -> bool {
    let t = imprint_text(s);
    t.starts_with("抄送")
        || t.strip_suffix(nianbao_core::format::IMPRINT_PRINTED)
            .is_some_and(|rest| date_at_end(rest).is_some())
}

/// A Chinese date ending `s`, and the text before it.
fn date_at_end(s: &str) -> Option<(Date, &str)> {
    // The year's digits start right after the last character that cannot be part of a date.
    let i = s.rfind(|c: char| !(c.is_ascii_digit() || "年月日０１２３４５６７８９".contains(c)));
    let start = i.map_or(0, |i| i + s[i..].chars().next().map_or(1, char::len_utf8));
    let (y, m, d) = norm::chinese_date(&s[start..])?;
    Some((
        Date {
            year: y,
            month: m,
            day: d,
        },
        &s[..start],
    ))
}

/// The 版记 read from its lines (table cells or paragraphs, in order): the 抄送 line with its
/// continuation lines up to its closing `。`, then the 印发 line (its agency may be a line of
/// its own before the date).
fn imprint_of(lines: &[(String, String)]) -> Option<crate::Imprint> {
    let (_, at) = lines.first()?;
    let mut cc_text = String::new();
    let mut in_cc = false;
    let mut printer = None;
    let mut date = None;
    let mut pending: Option<String> = None;
    for (line, _) in lines {
        let t = imprint_text(line);
        if let Some(rest) = t.strip_prefix("抄送") {
            cc_text = rest.trim_start_matches(['：', ':']).to_string();
            in_cc = !cc_text.ends_with('。');
        } else if in_cc {
            cc_text.push_str(&t);
            in_cc = !cc_text.ends_with('。');
        } else if let Some((d, before)) = t
            .strip_suffix(nianbao_core::format::IMPRINT_PRINTED)
            .and_then(date_at_end)
        {
            date = Some(d);
            printer = if before.is_empty() {
                pending.take()
            } else {
                Some(before.to_string())
            };
        } else {
            pending = Some(t);
        }
    }
    let cc = cc_text
        .trim_end_matches('。')
        .split(['，', ',', '、', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    Some(crate::Imprint {
        cc,
        printer,
        date,
        at: at.clone(),
    })
}

/// Index in [`nianbao_core::format::PROSE_PARTS`] of section `k`'s prose.
fn part_index(k: usize, _lead: bool) -> usize {
    nianbao_core::format::PROSE_PARTS
        .iter()
        .position(|p| p.section == Some(k))
        .unwrap_or(0)
}

/// Splits a grid at the rows that start a table, and classifies each part (by its marker, or
/// else by the section it sits in, or else by its words).
fn split_grid(
    grid: &crate::flow::Grid,
    context: Option<TableKind>,
) -> Vec<(Option<TableKind>, Vec<Record>)> {
    let rows = grid.rows();
    let mut starts: Vec<(usize, TableKind)> = Vec::new();
    for r in 0..rows {
        let texts: Vec<&str> = grid.row(r).map(|c| c.text.as_str()).collect();
        if let Some(k) = table_marker(&texts) {
            // Three tables, each perhaps split by page headers: a few starts at most (a
            // hostile file's thousands would make splitting quadratic).
            if starts.last().is_none_or(|(_, last)| *last != k) && starts.len() < 12 {
                starts.push((r, k));
            }
        }
    }
    let sub = |from: usize, to: usize| crate::flow::Grid {
        cells: grid
            .cells
            .iter()
            .filter(|c| c.row >= from && c.row < to)
            .cloned()
            .collect(),
        at: grid.at.clone(),
        from_text: grid.from_text,
    };
    let mut out = Vec::new();
    let first = starts.first().map_or(rows, |s| s.0);
    if first > 0 {
        let g = sub(0, first);
        let recs = tables::records(&g);
        let kind = context.or_else(|| classify(&recs));
        out.push((kind, recs));
    }
    for (n, (from, kind)) in starts.iter().enumerate() {
        let to = starts.get(n + 1).map_or(rows, |s| s.0);
        out.push((Some(*kind), tables::records(&sub(*from, to))));
    }
    out
}

/// A table without a marker row, by the row labels it has.
fn classify(recs: &[Record]) -> Option<TableKind> {
    let text: String = recs.iter().map(|r| r.key.as_str()).collect();
    let score = |words: &[&str]| words.iter().filter(|w| text.contains(*w)).count();
    let t2 = score(&[
        "规章",
        "规范性文件",
        "行政许可",
        "行政处罚",
        "行政强制",
        "收费",
    ]);
    let t3 = score(&[
        "本年新收",
        "上年结转",
        "予以公开",
        "国家秘密",
        "不予处理",
        "结转下年度",
    ]);
    let t4 = score(&["行政复议", "行政诉讼", "结果维持", "复议后起诉"]);
    let best = t2.max(t3).max(t4);
    if best < 2 {
        return None;
    }
    Some(if best == t3 {
        TableKind::Applications
    } else if best == t2 {
        TableKind::Active
    } else {
        TableKind::Appeals
    })
}

/// `发布时间：2025-01-20`, `发布日期：2025年1月20日` on a portal page.
fn portal_date(text: &str) -> Option<Date> {
    let t: String = text.chars().map(norm::half_width).collect();
    let at = ["发布时间", "发布日期", "成文日期"]
        .iter()
        .find_map(|k| t.find(k).map(|i| i + k.len()))?;
    let rest = t[at..].trim_start_matches([':', ' ', '：']);
    let date: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '-' | '/' | '.' | '年' | '月' | '日'))
        .collect();
    if let Some((y, m, d)) = norm::chinese_date(&date) {
        return Some(Date {
            year: y,
            month: m,
            day: d,
        });
    }
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    if parts.len() < 3 {
        return None;
    }
    let d = Date {
        year: parts[0].parse().ok()?,
        month: parts[1].parse().ok()?,
        day: parts[2].get(..2.min(parts[2].len()))?.parse().ok()?,
    };
    d.is_valid().then_some(d)
}

/// The kind of agency its name suggests, and why.
fn guess_kind(agency: &str) -> Found<Kind> {
    let (kind, why) = if agency.ends_with("街道办事处") {
        (Kind::Township, "名称以“街道办事处”结尾")
    } else if agency.ends_with("人民政府")
        && agency.trim_end_matches("人民政府").ends_with(['乡', '镇'])
    {
        (Kind::Township, "名称是乡镇人民政府")
    } else if agency.ends_with("人民政府") {
        (Kind::Government, "名称以“人民政府”结尾")
    } else {
        (Kind::Department, "名称不是人民政府或街道办事处，按政府部门")
    };
    Found {
        value: kind,
        at: why.to_string(),
    }
}

/// Prose paragraphs with the text only (for tests and summaries).
#[allow(dead_code)]
pub(crate) fn texts(paras: &[Para]) -> Vec<String> {
    paras.iter().map(Para::text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(ls: &[&str]) -> Vec<(String, String)> {
        ls.iter()
            .enumerate()
            .map(|(i, l)| (l.to_string(), format!("第 {} 行", i + 1)))
            .collect()
    }

    #[test]
    fn imprint_lines_as_pdftotext_and_word_give_them() {
        // pdftotext -layout: spaced label, a continuation line, agency and date on one line.
        let i = imprint_of(&lines(&[
            " 抄 送：市人民政府办公室，市政务公开办公室，",
            "       县人大常委会办公室。",
            " 青禾县人民政府办公室                2025年3月18日印发",
        ]))
        .unwrap();
        assert_eq!(
            i.cc,
            ["市人民政府办公室", "市政务公开办公室", "县人大常委会办公室"]
        );
        assert_eq!(i.printer.as_deref(), Some("青禾县人民政府办公室"));
        assert_eq!(
            i.date,
            Some(Date {
                year: 2025,
                month: 3,
                day: 18
            })
        );
        assert_eq!(i.at, "第 1 行");
        // Word: the 印发机关 in a cell (paragraph) of its own, no 抄送 line.
        let i = imprint_of(&lines(&["某某镇党政办公室", "2025年1月20日印发"])).unwrap();
        assert!(i.cc.is_empty());
        assert_eq!(i.printer.as_deref(), Some("某某镇党政办公室"));
        assert!(is_imprint_line("抄送：县政府办。"));
        assert!(is_imprint_line("某某办公室 2025年1月20日印发"));
        assert!(!is_imprint_line("2025年1月20日"));
        assert!(!is_imprint_line("本机关印发了实施方案。"));
    }

    #[test]
    fn section_headings() {
        assert_eq!(section_of("一、总体情况"), Some(0));
        assert_eq!(
            section_of("  四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"),
            Some(3)
        );
        assert_eq!(section_of("六、其他需要报告的事项"), Some(5));
        assert_eq!(section_of("二、强化政策解读"), None);
        assert_eq!(section_of("一、总体情况很好，全年发布信息。"), None);
    }

    #[test]
    fn numbering() {
        assert_eq!(numbered_heading("（一）主动公开"), Some(2));
        assert_eq!(numbered_heading("(二)依申请公开"), Some(2));
        assert_eq!(numbered_heading("1.聚焦重点领域"), Some(3));
        assert_eq!(numbered_heading("1、聚焦重点领域"), Some(3));
        assert_eq!(numbered_heading("（1）财政预决算"), Some(4));
        assert_eq!(numbered_heading("2024年全县"), None);
        assert_eq!(numbered_heading("1.5万元"), None);
        assert_eq!(heading_like("1.出台清单，完成改版。"), None);
    }

    #[test]
    fn kinds() {
        assert_eq!(guess_kind("青禾县人民政府").value, Kind::Government);
        assert_eq!(guess_kind("某某镇人民政府").value, Kind::Township);
        assert_eq!(guess_kind("某某街道办事处").value, Kind::Township);
        assert_eq!(guess_kind("吴忠市信访局").value, Kind::Department);
    }

    #[test]
    fn portal_dates() {
        assert_eq!(
            portal_date("发布时间：2025-01-20 09:30").map(|d| d.iso()),
            Some("2025-01-20".into())
        );
        assert_eq!(
            portal_date("发布日期：2025年1月9日").map(|d| d.iso()),
            Some("2025-01-09".into())
        );
    }
}
