//! Every check of the national format, each with its stable ID (see `docs/format.md`).
//!
//! Checks read a loaded [`Report`] and return diagnostics; they never stop at the first
//! finding. Table arithmetic uses the computed totals; totals a source states itself are
//! compared with the computed ones.

use crate::diag::Diagnostic;
use crate::format::{
    self, LABEL_TYPOS, OLD_FORMAT_LABELS, PROSE_PARTS, T3_APPLICANT_COLS, T3_BALANCE,
    T3_CARRIED_FORWARD, T3_CARRIED_OVER, T3_COLUMNS, T3_GROUPS, T3_NEW, T3_RESULTS, T3_ROWS,
    T3_TOTAL, T3_TOTAL_COL, T4_GROUPS,
};
use crate::model::{Block, Count, Prose, Report};
use crate::source::Span;

/// Runs every check on `report`.
pub fn check(report: &Report) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    table3(report, &mut out);
    stated_totals(report, &mut out);
    sections(report, &mut out);
    fee(report, &mut out);
    prose_text(report, &mut out);
    text_vs_tables(report, &mut out);
    overview_length(report, &mut out);
    deadline(report, &mut out);
    if let Some(last) = &report.last_year {
        carry(report, last, &mut out);
        stock(report, last, &mut out);
        fee_unit(report, Some(last), &mut out);
        repeat(report, last, &mut out);
    } else {
        fee_unit(report, None, &mut out);
    }
    out
}

fn span_of(count: &Count, fallback: &Option<Span>) -> Option<Span> {
    count.span.clone().or_else(|| fallback.clone())
}

fn col_name(col: usize) -> &'static str {
    T3_COLUMNS[col].1
}

fn table3(r: &Report, out: &mut Vec<Diagnostic>) {
    let t = &r.applications;
    if t.unreadable {
        return;
    }
    // E-T3-BALANCE: 一 + 二 = 三（七） + 四, per column.
    for col in 0..T3_COLUMNS.len() {
        let (lhs, rhs) = t.balance(&T3_BALANCE, col);
        if lhs != rhs {
            let row = &t.rows[T3_CARRIED_FORWARD];
            let span = if col < T3_TOTAL_COL {
                span_of(&row.cells[col], &row.span.clone().or(t.span.clone()))
            } else {
                row.span.clone().or(t.span.clone())
            };
            out.push(
                Diagnostic::error(
                    T3_BALANCE.id,
                    format!(
                        "表三“{}”列：{}={lhs}，{}={rhs}",
                        col_name(col),
                        T3_BALANCE.lhs_text,
                        T3_BALANCE.rhs_text
                    ),
                )
                .at(span)
                .hint(format!(
                    "一（本年新收 {}）+二（上年结转 {}）应等于三（七）总计 {} +四（结转下年度 {}）；差 {}",
                    t.value(T3_NEW, col),
                    t.value(T3_CARRIED_OVER, col),
                    t.value(T3_TOTAL, col),
                    t.value(T3_CARRIED_FORWARD, col),
                    lhs.abs_diff(rhs)
                )),
            );
        }
    }
    // E-T3-SUBTOTAL: a stated （七）总计 row equals the sum of rows 3–23.
    let total_row = &t.rows[T3_TOTAL];
    if total_row.stated {
        for col in T3_APPLICANT_COLS {
            let stated = total_row.cells[col].value;
            let computed = t.sum(T3_RESULTS, col);
            if stated != computed {
                out.push(
                    Diagnostic::error(
                        "E-T3-SUBTOTAL",
                        format!(
                            "表三“{}”列：三（七）总计填写为 {stated}，三（一）至（六）各项之和为 {computed}",
                            col_name(col)
                        ),
                    )
                    .at(span_of(&total_row.cells[col], &total_row.span))
                    .hint("（七）总计可以不填，由工具自动计算；若填写，须等于办理结果各项之和"),
                );
            }
        }
        if let Some(st) = &total_row.stated_total {
            let computed = t.sum(T3_RESULTS, T3_TOTAL_COL);
            if st.value != computed {
                out.push(
                    Diagnostic::error(
                        "E-T3-SUBTOTAL",
                        format!(
                            "表三“总计”列：三（七）总计填写为 {}，三（一）至（六）各项之和为 {computed}",
                            st.value
                        ),
                    )
                    .at(span_of(st, &total_row.span))
                    .hint("删去这个数由工具自动计算，或改正它"),
                );
            }
        }
    }
}

/// A 总计 the source typed, the sum of its parts it must equal, and what to say.
struct StatedTotal<'a> {
    id: &'static str,
    stated: &'a Count,
    sum: u64,
    fallback: &'a Option<Span>,
    message: String,
    hint: &'static str,
}

/// E-T3-ROWSUM and E-T4-SUM: every total the source typed (a row of table 三, a group of
/// table 四) against the sum of its parts.
fn stated_totals(r: &Report, out: &mut Vec<Diagnostic>) {
    let rows = r
        .applications
        .rows
        .iter()
        .zip(&T3_ROWS)
        .filter(|_| !r.applications.unreadable)
        .filter_map(|(row, def)| {
            let stated = row.stated_total.as_ref()?;
            Some(StatedTotal {
                id: "E-T3-ROWSUM",
                stated,
                sum: row.sum(),
                fallback: &row.span,
                message: format!(
                    "表三“{}”行：总计填写为 {}，六类申请人之和为 {}",
                    def.label,
                    stated.value,
                    row.sum()
                ),
                hint: "总计列可以不填（每行只写 6 个数），由工具自动计算",
            })
        });
    let groups = r
        .appeals
        .groups
        .iter()
        .zip(&T4_GROUPS)
        .filter(|_| !r.appeals.unreadable)
        .filter_map(|(group, (_, label))| {
            let stated = group.stated_total.as_ref()?;
            Some(StatedTotal {
                id: "E-T4-SUM",
                stated,
                sum: group.total(),
                fallback: &group.span,
                message: format!(
                    "表四“{label}”：总计填写为 {}，维持+纠正+其他+尚未审结={}",
                    stated.value,
                    group.total()
                ),
                hint: "总计可以不填（只写 4 个数），由工具自动计算",
            })
        });
    for t in rows.chain(groups).filter(|t| t.stated.value != t.sum) {
        out.push(
            Diagnostic::error(t.id, t.message)
                .at(span_of(t.stated, t.fallback))
                .hint(t.hint),
        );
    }
}

/// All prose blocks with their section name.
fn blocks(r: &Report) -> Vec<(&'static str, &Block)> {
    r.sections
        .all()
        .into_iter()
        .flat_map(|(name, p)| p.blocks.iter().map(move |b| (name, b)))
        .collect()
}

fn sections(r: &Report, out: &mut Vec<Diagnostic>) {
    for part in PROSE_PARTS.iter().filter(|p| p.required) {
        let Some(prose) = r.sections.get(part.part) else {
            continue;
        };
        let name = part.name;
        if let Some(file) = prose.file {
            if prose.is_empty() {
                out.push(
                    Diagnostic::error("E-SECTIONS", format!("“{name}”部分没有内容"))
                        .at(Span::file_start(file))
                        .hint("六个部分都必须有内容；确实没有的情况也要写明（例如“本年度无其他需要报告的事项”）"),
                );
            }
        }
    }
    for (_, b) in blocks(r) {
        let text = b.text();
        let t = text.trim();
        let mut chars = t.chars();
        let looks_like_section = matches!(
            (chars.next(), chars.next()),
            (Some(c), Some('、')) if "一二三四五六".contains(c)
        ) && t.chars().count() <= 30
            && !t.ends_with('。');
        if format::SECTIONS.contains(&t)
            || (looks_like_section && matches!(b, Block::Heading { .. }))
        {
            out.push(
                Diagnostic::error(
                    "E-SECTIONS",
                    format!("文字部分中出现了一级标题“{t}”"),
                )
                .at(b.span().clone())
                .hint("六个一级标题由 nianbao 按官方格式自动生成并排序，请删除这一行；每部分的正文写在 [prose] 指定的文件中"),
            );
        }
    }
}

fn fee(r: &Report, out: &mut Vec<Diagnostic>) {
    let other = &r.sections.other;
    let Some(file) = other.file else {
        return;
    };
    let text = other.text();
    if !text.contains("处理费") {
        out.push(
            Diagnostic::error(
                "E-FEE",
                "第六部分“其他需要报告的事项”没有说明信息处理费收取情况".to_string(),
            )
            .at(Span::file_start(file))
            .hint("即使未收费也必须写明，例如：“本年度未收取信息处理费。”"),
        );
    }
}

/// Scans prose for old-template labels, label typos, half-width punctuation and to-do marks.
fn prose_text(r: &Report, out: &mut Vec<Diagnostic>) {
    for (_, b) in blocks(r) {
        let text = b.text();
        let chars: Vec<char> = text.chars().collect();
        let loc = b.locator();
        for label in OLD_FORMAT_LABELS {
            for start in char_positions(&text, label) {
                out.push(
                    Diagnostic::error(
                        "E-OLD-FORMAT",
                        format!("“{label}”是已废止的2019年试行格式的表述"),
                    )
                    .at(loc.locate(start, start + label.chars().count()))
                    .hint("2021年起须使用国办公开办函〔2021〕30号规定的新格式；表格由 nianbao 按新格式生成，文字中请改用新格式的表述"),
                );
            }
        }
        for (typo, right) in LABEL_TYPOS {
            for start in char_positions(&text, typo) {
                out.push(
                    Diagnostic::warning("W-LABEL", format!("“{typo}”不是模板用语"))
                        .at(loc.locate(start, start + typo.chars().count()))
                        .hint(format!("应为“{right}”")),
                );
            }
        }
        // Numbering written as 1、 instead of 1. at the start of a heading or paragraph.
        let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 && chars.get(digits) == Some(&'、') {
            let num: String = chars[..digits].iter().collect();
            out.push(
                Diagnostic::warning("W-LABEL", format!("序号“{num}、”不符合模板"))
                    .at(loc.locate(0, digits + 1))
                    .hint(format!("三级序号写作“{num}.”（阿拉伯数字加下脚点）")),
            );
        }
        let numbered_start = if chars.first() == Some(&'(') {
            let close = chars.iter().position(|c| *c == ')' || *c == '）');
            if let Some(end) = close {
                let inner: String = chars[1..end].iter().collect();
                if !inner.is_empty()
                    && (inner.chars().all(crate::prose::is_chinese_numeral)
                        || inner.chars().all(|c| c.is_ascii_digit()))
                {
                    out.push(
                        Diagnostic::warning("W-LABEL", format!("序号“({inner})”用了半角括号"))
                            .at(loc.locate(0, end + 1))
                            .hint(format!("写作“（{inner}）”")),
                    );
                    end + 1
                } else {
                    0
                }
            } else {
                0
            }
        } else {
            0
        };
        // Half-width punctuation touching Chinese text.
        for (i, &c) in chars.iter().enumerate().skip(numbered_start) {
            let full = match c {
                ',' => '，',
                ';' => '；',
                ':' => '：',
                '(' => '（',
                ')' => '）',
                '?' => '？',
                '!' => '！',
                '<' => '〈',
                '>' => '〉',
                _ => continue,
            };
            let prev = i.checked_sub(1).and_then(|k| chars.get(k)).copied();
            let next = chars.get(i + 1).copied();
            if prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit())
            {
                continue; // 1,234
            }
            if prev.is_some_and(is_chinese) || next.is_some_and(is_chinese) {
                out.push(
                    Diagnostic::warning("W-PUNCT", format!("中文中使用了半角标点“{c}”"))
                        .at(loc.locate(i, i + 1))
                        .hint(format!("改为全角“{full}”")),
                );
            }
        }
        if let Some(at) = text.find("【待填写") {
            let start = text[..at].chars().count();
            let end = text[at..]
                .find('】')
                .map_or(chars.len(), |e| text[..at + e].chars().count() + 1);
            let prompt: String = chars[start..end].iter().collect();
            out.push(
                Diagnostic::warning("W-TODO", format!("尚未填写：{prompt}"))
                    .at(loc.locate(start, end))
                    .hint("按提示写好这一段，并删除【】中的提示"),
            );
        }
    }
}

/// The char indices where `pat` occurs in `text`, counted in one pass (not from the start for
/// every match).
fn char_positions<'t>(text: &'t str, pat: &'t str) -> impl Iterator<Item = usize> + 't {
    let mut last = (0, 0);
    text.match_indices(pat).map(move |(at, _)| {
        last = (at, last.1 + text[last.0..at].chars().count());
        last.1
    })
}

fn is_chinese(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}' | '“' | '”' | '‘' | '’')
}

/// What a number in prose claims to be, and the table's value for it.
struct Claim {
    what: &'static str,
    table: String,
    value: u64,
    placeholder: String,
}

/// Whether a clause is about a change (同比, 增长, a percentage) rather than a count.
fn about_change(segment: &str) -> bool {
    [
        "同比",
        "增长",
        "增加",
        "减少",
        "下降",
        "上升",
        "较上年",
        "%",
        "％",
    ]
    .iter()
    .any(|k| segment.contains(k))
}

/// What the number in `segment` (a clause) counts, judged from the clause's words; `sentence`
/// is the whole sentence around it (办结 and 结转 count applications only when the sentence
/// is about 申请: a 信访局 also 办结 petitions).
fn classify(segment: &str, sentence: &str, r: &Report) -> Option<Claim> {
    let about_requests = sentence.contains("申请");
    let t = &r.applications;
    let has = |k: &str| segment.contains(k);
    if about_change(segment) {
        return None;
    }
    let g = &r.appeals.groups;
    let claim = |what, table: String, value, placeholder: &str| {
        Some(Claim {
            what,
            table,
            value,
            placeholder: placeholder.to_string(),
        })
    };
    if has("诉讼") || has("起诉") {
        return claim(
            "行政诉讼",
            "表四“行政诉讼”总计".into(),
            g[1].total().saturating_add(g[2].total()),
            "{{appeals.suit}}",
        );
    }
    if has("复议") {
        return claim(
            "行政复议",
            "表四“行政复议”总计".into(),
            g[0].total(),
            "{{appeals.review}}",
        );
    }
    if has("现行有效") {
        if has("规章") && !has("规范性文件") {
            return claim(
                "现行有效规章",
                "表二“规章”现行有效件数".into(),
                r.active.rules[2].value,
                "{{active.rules.in_force}}",
            );
        }
        if has("规范性文件") {
            return claim(
                "现行有效规范性文件",
                "表二“行政规范性文件”现行有效件数".into(),
                r.active.normative[2].value,
                "{{active.normative.in_force}}",
            );
        }
        return None;
    }
    if has("结转") && about_requests {
        if has("上年") || has("上一年") {
            return claim(
                "上年结转",
                "表三“二、上年结转”总计".into(),
                t.value(T3_CARRIED_OVER, 6),
                "{{applications.carried_over}}",
            );
        }
        if has("下年") || has("下一年") || has("次年") {
            return claim(
                "结转下年度",
                "表三“四、结转下年度继续办理”总计".into(),
                t.value(T3_CARRIED_FORWARD, 6),
                "{{applications.carried_forward}}",
            );
        }
        return None;
    }
    // Result rows and groups of table 三 named by their own words; the labels come from
    // the format definition. 部分公开/不予公开 before 予以公开: "公开" alone would match both.
    let named: [(&'static str, &str); 5] = [
        ("不予公开", "undisclosed"),
        ("部分公开", "partial"),
        ("予以公开", "disclosed"),
        ("无法提供", "unavailable"),
        ("不予处理", "unprocessed"),
    ];
    for (word, key) in named {
        if !has(word) {
            continue;
        }
        let (label, rows, kind) = match T3_GROUPS.iter().find(|(k, _, _)| *k == key) {
            Some((_, label, rows)) => (*label, rows.clone(), "各项之和"),
            None => {
                let row = T3_ROWS.iter().position(|x| x.key == key)?;
                (T3_ROWS[row].label, row..row + 1, "总计")
            }
        };
        return Some(Claim {
            what: word,
            table: format!("表三“{label}”{kind}"),
            value: t.sum(rows, 6),
            placeholder: format!("{{{{applications.{key}}}}}"),
        });
    }
    if has("办结") && about_requests {
        return claim(
            "办结",
            "表三“（七）总计”".into(),
            t.value(T3_TOTAL, 6),
            "{{applications.total}}",
        );
    }
    if has("申请") && (has("收到") || has("新收") || has("受理") || has("接收") || has("共收"))
    {
        return claim(
            "新收申请",
            "表三“一、本年新收”总计".into(),
            t.value(T3_NEW, 6),
            "{{applications.new}}",
        );
    }
    None
}

/// The sentence (up to 。！？ or a line break) containing char index `at`.
fn sentence_around(chars: &[char], at: usize) -> String {
    let end_mark = |c: &char| matches!(c, '。' | '！' | '？' | '\n');
    let start = chars[..at.min(chars.len())]
        .iter()
        .rposition(end_mark)
        .map_or(0, |i| i + 1);
    let end = chars[at.min(chars.len())..]
        .iter()
        .position(end_mark)
        .map_or(chars.len(), |i| at + i);
    chars[start..end].iter().collect()
}

const CLAUSE_BREAKS: [char; 9] = ['，', '。', '；', '：', '！', '？', '、', '\n', ','];

/// W-TEXT-TABLE and W-TEXT-ZERO: numbers and statements in prose against the tables.
fn text_vs_tables(r: &Report, out: &mut Vec<Diagnostic>) {
    let t = &r.applications;
    let mut zero_reported = false;
    for (_, b) in blocks(r) {
        let text = b.text();
        let chars: Vec<char> = text.chars().collect();
        let loc = b.locator();
        // Segment boundaries.
        let mut seg_start = 0;
        let mut i = 0;
        while i <= chars.len() {
            let end_of_seg = i == chars.len() || CLAUSE_BREAKS.contains(&chars[i]);
            if end_of_seg {
                let seg: String = chars[seg_start..i].iter().collect();
                // W-TEXT-ZERO
                if !zero_reported
                    && seg.contains("申请")
                    && [
                        "未收到",
                        "没有收到",
                        "未接到",
                        "未受理",
                        "无政府信息公开申请",
                    ]
                    .iter()
                    .any(|k| seg.contains(k))
                {
                    let nonzero = (0..T3_ROWS.len())
                        .filter(|&row| row != T3_CARRIED_OVER)
                        .find(|&row| t.value(row, 6) != 0);
                    if let Some(row) = nonzero {
                        zero_reported = true;
                        out.push(
                            Diagnostic::warning(
                                "W-TEXT-ZERO",
                                format!(
                                    "文字说未收到申请，但表三“{}”总计为 {}",
                                    T3_ROWS[row].label,
                                    t.value(row, 6)
                                ),
                            )
                            .at(loc.locate(seg_start, i))
                            .hint("核对表三：没有收到申请时，表三除“二、上年结转”外都应为 0"),
                        );
                    }
                }
                // W-TEXT-TABLE: digit runs followed by a count unit.
                let mut k = seg_start;
                while k < i {
                    if chars[k].is_ascii_digit() && (k == 0 || !chars[k - 1].is_ascii_digit()) {
                        let mut e = k;
                        while e < i && chars[e].is_ascii_digit() {
                            e += 1;
                        }
                        let unit = chars.get(e).copied();
                        let prev = k.checked_sub(1).map(|p| chars[p]);
                        let counted = matches!(unit, Some('件' | '宗' | '起'));
                        if counted
                            && prev != Some('第')
                            && prev != Some('.')
                            && !loc.is_generated(k)
                        {
                            let number: String = chars[k..e].iter().collect();
                            if let (Ok(n), Some(claim)) = (
                                number.parse::<u64>(),
                                classify(&seg, &sentence_around(&chars, seg_start), r),
                            ) {
                                if n != claim.value {
                                    out.push(
                                        Diagnostic::warning(
                                            "W-TEXT-TABLE",
                                            format!(
                                                "文字中“{}”为 {n} 件，{}为 {}",
                                                claim.what, claim.table, claim.value
                                            ),
                                        )
                                        .at(loc.locate(k, e))
                                        .hint(format!(
                                            "改正数字，或写作占位符 {}，数字会自动与表格一致",
                                            claim.placeholder
                                        )),
                                    );
                                }
                            }
                        }
                        k = e;
                    } else {
                        k += 1;
                    }
                }
                seg_start = i + 1;
            }
            i += 1;
        }
    }
}

fn prose_chars(p: &Prose) -> usize {
    p.blocks
        .iter()
        .map(|b| b.text().chars().filter(|c| !c.is_whitespace()).count())
        .sum()
}

fn overview_length(r: &Report, out: &mut Vec<Diagnostic>) {
    let p = &r.sections.overview;
    let n = prose_chars(p);
    if n > 1000 {
        if let Some(file) = p.file {
            out.push(
                Diagnostic::warning(
                    "W-OVERVIEW-LEN",
                    format!("“一、总体情况”共 {n} 字，超过“原则上不超过一千字”的要求"),
                )
                .at(Span::file_start(file))
                .hint("压缩到 1000 字以内，突出主要数据和做法"),
            );
        }
    }
}

fn deadline(r: &Report, out: &mut Vec<Diagnostic>) {
    let Some(published) = r.published else {
        if r.spans.published.is_some() {
            // Written but invalid: the loader's E-DATE says so; "未填写" would mislead.
            return;
        }
        out.push(
            Diagnostic::warning("W-DEADLINE", "未填写发布日期（published）")
                .at(r.spans.agency.clone())
                .hint(format!(
                    "写上计划发布日期，例如 published = {}；{}须在 {} 前发布",
                    r.deadline().iso(),
                    r.kind.chinese(),
                    r.deadline().chinese()
                )),
        );
        return;
    };
    let due = r.deadline();
    if published > due {
        out.push(
            Diagnostic::warning(
                "W-DEADLINE",
                format!(
                    "发布日期 {} 晚于{}的法定期限 {}",
                    published.chinese(),
                    r.kind.chinese(),
                    due.chinese()
                ),
            )
            .at(r.spans.published.clone())
            .hint("《条例》第四十九条：部门和乡镇于每年1月31日前、县级以上地方人民政府于3月31日前公布上一年度报告"),
        );
    } else if published.year <= r.year {
        out.push(
            Diagnostic::warning(
                "W-DEADLINE",
                format!(
                    "发布日期 {} 早于统计期结束（{}年12月31日）",
                    published.chinese(),
                    r.year
                ),
            )
            .at(r.spans.published.clone())
            .hint("年度报告在次年发布；检查年份是否写错"),
        );
    }
}

fn carry(r: &Report, last: &Report, out: &mut Vec<Diagnostic>) {
    let t = &r.applications;
    for col in T3_APPLICANT_COLS {
        let now = t.value(T3_CARRIED_OVER, col);
        let before = last.applications.value(T3_CARRIED_FORWARD, col);
        if now != before {
            let row = &t.rows[T3_CARRIED_OVER];
            out.push(
                Diagnostic::warning(
                    "W-CARRY",
                    format!(
                        "表三“{}”列：本年“二、上年结转”为 {now}，上年报告“四、结转下年度继续办理”为 {before}",
                        col_name(col)
                    ),
                )
                .at(span_of(&row.cells[col], &row.span))
                .hint("上年结转到本年的申请数应与上年报告一致；若上年数字有误，请在文字中说明"),
            );
        }
    }
}

fn stock(r: &Report, last: &Report, out: &mut Vec<Diagnostic>) {
    for (label, now, before) in [
        ("规章", &r.active.rules, &last.active.rules),
        (
            "行政规范性文件",
            &r.active.normative,
            &last.active.normative,
        ),
    ] {
        let expected = (before[2].value.saturating_add(now[0].value)).saturating_sub(now[1].value);
        if now[2].value != expected {
            out.push(
                Diagnostic::warning(
                    "W-STOCK",
                    format!(
                        "表二“{label}”现行有效件数为 {}，按上年现行有效 {} + 本年制发 {} − 本年废止 {} 应为 {expected}",
                        now[2].value, before[2].value, now[0].value, now[1].value
                    ),
                )
                .at(span_of(&now[2], &r.active.span))
                .hint("若本年做过文件清理或上年数字有误，请在文字中说明"),
            );
        }
    }
}

fn fee_unit(r: &Report, last: Option<&Report>, out: &mut Vec<Diagnostic>) {
    let fee = &r.active.fee;
    if fee.value <= 0.0 {
        return;
    }
    let suspicious = match last {
        Some(last) if last.active.fee.value > 0.0 => {
            let ratio = fee.value / last.active.fee.value;
            !(0.001..1000.0).contains(&ratio)
        }
        _ => fee.value >= 100_000.0,
    };
    if suspicious {
        let lastv = last.map(|l| l.active.fee.text.clone());
        out.push(
            Diagnostic::warning(
                "W-FEE-UNIT",
                match lastv {
                    Some(l) if last.is_some_and(|x| x.active.fee.value > 0.0) => format!(
                        "表二“行政事业性收费”为 {} 万元，与上年 {l} 万元相差千倍以上",
                        fee.text
                    ),
                    _ => format!("表二“行政事业性收费”为 {} 万元，数额异常", fee.text),
                },
            )
            .at(fee.span.clone().or(r.active.span.clone()))
            .hint("单位是“万元”：1234 元应写作 0.1234"),
        );
    }
}

/// Sentences of a text, normalised (whitespace dropped, digit runs replaced) for comparison.
fn sentences(text: &str) -> Vec<String> {
    text.split(['。', '！', '？', '\n', '；'])
        .map(|s| {
            let mut out = String::new();
            let mut in_digits = false;
            for c in s.chars().filter(|c| !c.is_whitespace()) {
                if c.is_ascii_digit() {
                    if !in_digits {
                        out.push('#');
                    }
                    in_digits = true;
                } else {
                    in_digits = false;
                    out.push(c);
                }
            }
            out
        })
        .filter(|s| s.chars().count() >= 8)
        .collect()
}

fn repeated_share(now: &str, before: &str) -> (usize, usize, f64) {
    let old: std::collections::HashSet<String> = sentences(before).into_iter().collect();
    let new = sentences(now);
    let total: usize = new.iter().map(|s| s.chars().count()).sum();
    let rep: Vec<&String> = new.iter().filter(|s| old.contains(*s)).collect();
    let rep_chars: usize = rep.iter().map(|s| s.chars().count()).sum();
    let share = if total == 0 {
        0.0
    } else {
        rep_chars as f64 / total as f64
    };
    (rep.len(), new.len(), share)
}

fn all_prose(r: &Report) -> String {
    r.sections
        .all()
        .into_iter()
        .map(|(_, p)| p.text())
        .collect::<Vec<_>>()
        .join("\n")
}

fn repeat(r: &Report, last: &Report, out: &mut Vec<Diagnostic>) {
    let (n, of, share) =
        repeated_share(&r.sections.problems.text(), &last.sections.problems.text());
    if share > 0.5 {
        out.push(
            Diagnostic::warning(
                "W-REPEAT",
                format!(
                    "“五、存在的主要问题及改进情况”有 {:.0}% 的文字与上年报告相同（{of} 句中 {n} 句）",
                    share * 100.0
                ),
            )
            .at(r.sections.problems.file.map(Span::file_start))
            .hint("问题和改进措施应针对本年度具体情况撰写，不得照搬上年；多地考核对重复率超过50%扣分"),
        );
    }
    let (n, of, share) = repeated_share(&all_prose(r), &all_prose(last));
    if share > 0.5 {
        out.push(
            Diagnostic::warning(
                "W-REPEAT",
                format!(
                    "报告文字有 {:.0}% 与上年报告相同（{of} 句中 {n} 句）",
                    share * 100.0
                ),
            )
            .at(r
                .sections
                .overview
                .file
                .map(Span::file_start)
                .or(r.spans.agency.clone()))
            .hint("更新本年度的情况、数据和做法"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_normalisation_ignores_numbers() {
        let (n, of, share) = repeated_share(
            "2024年全年共收到申请12件，均已办结。我们将继续加强工作力度。",
            "2023年全年共收到申请7件，均已办结。",
        );
        assert_eq!((n, of), (1, 2));
        assert!(share > 0.4 && share < 0.6);
    }
}
