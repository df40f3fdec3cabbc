//! Every check of the national format, each with its stable ID (see `docs/format.md`).
//!
//! Checks read a loaded [`Report`] and return diagnostics; they never stop at the first
//! finding. Table arithmetic uses the computed totals; totals a source states itself are
//! compared with the computed ones.

use crate::claims::{self, Cell, Written};
use crate::diag::Diagnostic;
use crate::format::{
    self, LABEL_TYPOS, OLD_FORMAT_LABELS, PROSE_PARTS, T3_APPLICANT_COLS, T3_BALANCE,
    T3_CARRIED_FORWARD, T3_CARRIED_OVER, T3_COLUMNS, T3_NEW, T3_RESULTS, T3_ROWS, T3_TOTAL,
    T3_TOTAL_COL, T4_GROUPS,
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
    enumerations(report, &mut out);
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
    let total_row = &t.rows[T3_TOTAL];
    // The （七）总计 the source states, per column (None when the row is not written).
    let stated = |col: usize| -> Option<u64> {
        if !total_row.stated {
            return None;
        }
        Some(match &total_row.stated_total {
            Some(st) if col == T3_TOTAL_COL => st.value,
            None if col == T3_TOTAL_COL => stated_sum(total_row),
            _ => total_row.cells[col].value,
        })
    };
    // One root cause, one message: a column whose stated （七）总计 balances 一 + 二 = 三（七） +
    // 四 is out of balance only because its result rows do not add up to that subtotal; its
    // E-T3-BALANCE is folded into the E-T3-SUBTOTAL.
    let lhs = |col: usize| t.balance(&T3_BALANCE, col).0;
    let folded = |col: usize| {
        stated(col).is_some_and(|st| {
            st != t.sum(T3_RESULTS, col) && lhs(col) == st + t.value(T3_CARRIED_FORWARD, col)
        })
    };
    let fold_hint = |col: usize, st: u64| {
        format!(
            "以填写的总计 {st} 计，一+二=三（七）+四 成立（{} = {st} + {}）：表三不平衡的原因是办理结果各行之和与所填总计不符，改正各行或总计即可",
            lhs(col),
            t.value(T3_CARRIED_FORWARD, col)
        )
    };
    // E-T3-BALANCE: 一 + 二 = 三（七） + 四, per column.
    for col in 0..T3_COLUMNS.len() {
        let (lhs, rhs) = t.balance(&T3_BALANCE, col);
        if lhs != rhs && !folded(col) {
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
    if total_row.stated {
        let mut total_folded = folded(T3_TOTAL_COL);
        for col in T3_APPLICANT_COLS {
            let stated = total_row.cells[col].value;
            let computed = t.sum(T3_RESULTS, col);
            if stated != computed {
                let mut d = Diagnostic::error(
                    "E-T3-SUBTOTAL",
                    format!(
                        "表三“{}”列：三（七）总计填写为 {stated}，三（一）至（六）各项之和为 {computed}",
                        col_name(col)
                    ),
                )
                .at(span_of(&total_row.cells[col], &total_row.span))
                .hint("（七）总计可以不填，由工具自动计算；若填写，须等于办理结果各项之和");
                if folded(col) {
                    d = d.hint(fold_hint(col, stated));
                }
                if total_folded && total_row.stated_total.is_none() {
                    // The 总计 column's imbalance has the same cause.
                    d = d.hint(format!(
                        "“总计”列同理：{}",
                        fold_hint(T3_TOTAL_COL, stated_sum(total_row))
                    ));
                    total_folded = false;
                }
                out.push(d);
            }
        }
        if let Some(st) = &total_row.stated_total {
            let computed = t.sum(T3_RESULTS, T3_TOTAL_COL);
            if st.value != computed {
                let mut d = Diagnostic::error(
                    "E-T3-SUBTOTAL",
                    format!(
                        "表三“总计”列：三（七）总计填写为 {}，三（一）至（六）各项之和为 {computed}",
                        st.value
                    ),
                )
                .at(span_of(st, &total_row.span))
                .hint("删去这个数由工具自动计算，或改正它");
                if total_folded {
                    d = d.hint(fold_hint(T3_TOTAL_COL, st.value));
                }
                out.push(d);
            }
        }
    }
}

/// The sum of the six stated cells of the （七）总计 row.
fn stated_sum(row: &crate::model::T3Line) -> u64 {
    crate::model::add_all(row.cells.iter().map(|c| c.value))
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
        .enumerate()
        .filter(|_| !r.applications.unreadable)
        .filter_map(|(i, row)| {
            let stated = row.stated_total.as_ref()?;
            Some(StatedTotal {
                id: "E-T3-ROWSUM",
                stated,
                sum: row.sum(),
                fallback: &row.span,
                message: format!(
                    "表三“{}”行：总计填写为 {}，六类申请人之和为 {}",
                    claims::t3_row_name(i),
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
        let message = match section_like(t).map(|k| format::SECTIONS[k]) {
            Some(official) if official == t => format!("文字部分中出现了一级标题“{t}”"),
            Some(official) => format!("文字部分中出现了一级标题“{t}”（即“{official}”）"),
            // A `#` heading numbered like a section, in whatever wording.
            None if matches!(b, Block::Heading { .. }) && level_one_ordinal(t) => {
                format!("文字部分中出现了一级标题“{t}”")
            }
            None => continue,
        };
        out.push(
            Diagnostic::error("E-SECTIONS", message)
                .at(b.span().clone())
                .hint("六个一级标题由 nianbao 按官方格式自动生成并排序，请删除这一行；每部分的正文写在 [prose] 指定的文件中"),
        );
    }
}

/// The section (index into [`format::SECTIONS`]) whose heading `line` is, typed in another
/// wording or with a typo: a level-1 ordinal `一、`…`六、` and then wording most of which is
/// the heading's (longest common subsequence, so inserted or changed characters are
/// tolerated), and not a sentence. Pasted from an old report, such a line would print right
/// under the generated heading.
fn section_like(line: &str) -> Option<usize> {
    let mut chars = line.chars();
    let ordinal = chars.next().filter(|c| "一二三四五六".contains(*c))?;
    let rest = chars.as_str().trim_start();
    let rest = rest.strip_prefix(['、', '.', '．', '，', ','])?;
    let rest = rest.trim().trim_end_matches(['：', ':']);
    if rest.is_empty() || rest.ends_with(['。', '；', ';', '，']) {
        return None;
    }
    let words: Vec<char> = rest.chars().collect();
    format::SECTIONS
        .iter()
        .enumerate()
        .filter_map(|(k, heading)| {
            let wording: Vec<char> = heading.chars().skip(2).collect();
            let common = lcs(&words, &wording) as f64;
            let own = common / wording.len() as f64;
            let line_share = common / words.len() as f64;
            let needed = if heading.starts_with(ordinal) {
                0.5
            } else {
                0.6
            };
            (own >= needed && line_share >= 0.6).then_some((own + line_share, k))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// `一、`…`六、` and a short title that is not a sentence.
fn level_one_ordinal(t: &str) -> bool {
    let mut chars = t.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some(c), Some('、')) if "一二三四五六".contains(c)
    ) && t.chars().count() <= 30
        && !t.ends_with('。')
}

/// Length of the longest common subsequence of `a` and `b`.
fn lcs(a: &[char], b: &[char]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for &x in a {
        let mut diag = 0;
        for (j, &y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
            diag = up;
        }
    }
    row[b.len()]
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
        // A prompt left in is an error: it would be printed in the published report. A draft
        // (`--draft`, `watch`) is built anyway.
        for (at, _) in text.match_indices("【待填写") {
            let start = text[..at].chars().count();
            let end = text[at..]
                .find('】')
                .map_or(chars.len(), |e| text[..at + e].chars().count() + 1);
            let prompt: String = chars[start..end].iter().collect();
            out.push(
                Diagnostic::error("E-TODO", format!("还没有填写：{prompt}"))
                    .at(loc.locate(start, end))
                    .hint("按提示写好这一段，并删除【】和其中的提示；写完之前可用 nianbao build --draft 生成草稿"),
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

/// W-TEXT-TABLE and W-TEXT-ZERO: what the prose's numbers and statements of absence claim
/// (read by [`claims`]) against the tables. Numbers from placeholders are never compared.
fn text_vs_tables(r: &Report, out: &mut Vec<Diagnostic>) {
    let mut absent_reported: Vec<Cell> = Vec::new();
    for (_, prose) in r.sections.all() {
        let mut reader = claims::Reader::new(r.year);
        for b in &prose.blocks {
            let text = b.text();
            let heading = matches!(b, Block::Heading { .. });
            let loc = b.locator();
            let found = reader.block(&text, heading, |i| loc.is_generated(i));
            for c in &found.counts {
                if !c.generated && c.agrees(r) == Some(false) {
                    out.push(mismatch(r, c).at(loc.locate(c.number.start, c.number.end)));
                }
            }
            for a in &found.absences {
                if absent_reported.contains(&a.cell) {
                    continue;
                }
                if let Some(d) = absence(r, a) {
                    absent_reported.push(a.cell);
                    out.push(d.at(loc.locate(a.span.start, a.span.end)));
                }
            }
        }
    }
}

/// The W-TEXT-TABLE message of a claim that disagrees with the tables.
fn mismatch(r: &Report, c: &claims::Claim) -> Diagnostic {
    let subject = c
        .cells
        .iter()
        .map(Cell::subject)
        .collect::<Vec<_>>()
        .join("与");
    let location = c
        .cells
        .iter()
        .map(Cell::location)
        .collect::<Vec<_>>()
        .join("与");
    let (subject, location) = if c.cells.len() > 1 {
        (format!("{subject}之和"), format!("{location}之和"))
    } else {
        (subject, location)
    };
    let table = match c.written {
        Written::Count(_) => c
            .cells
            .iter()
            .filter_map(|cell| cell.count(r))
            .sum::<u64>()
            .to_string(),
        Written::Money { .. } => format!("{} 万元", r.active.fee.text),
    };
    let placeholders: Vec<String> = c
        .cells
        .iter()
        .map(|cell| format!("{{{{{}}}}}", cell.placeholder()))
        .collect();
    let hint = if placeholders.len() == 1 {
        format!(
            "改正数字，或写作占位符 {}，数字会自动与表格一致",
            placeholders[0]
        )
    } else {
        format!(
            "这个数是 {} 项之和：改正数字，或分项写出并用占位符 {}",
            placeholders.len(),
            placeholders.join("、")
        )
    };
    Diagnostic::warning(
        "W-TEXT-TABLE",
        format!("文字中“{subject}”为 {}，{location}为 {table}", c.text),
    )
    .hint(hint)
}

/// The W-TEXT-ZERO message of a statement of absence the tables contradict, if they do.
fn absence(r: &Report, a: &claims::Absence) -> Option<Diagnostic> {
    let t = &r.applications;
    match a.cell {
        Cell::T3 { .. } => {
            // No applications: every row but 二、上年结转 is 0.
            let row = (0..T3_ROWS.len())
                .filter(|&row| row != T3_CARRIED_OVER)
                .find(|&row| t.value(row, T3_TOTAL_COL) != 0)?;
            Some(
                Diagnostic::warning(
                    "W-TEXT-ZERO",
                    format!(
                        "文字说未收到申请，但表三“{}”总计为 {}",
                        claims::t3_row_name(row),
                        t.value(row, T3_TOTAL_COL)
                    ),
                )
                .hint("核对表三：没有收到申请时，表三除“二、上年结转”外都应为 0"),
            )
        }
        cell => {
            let n = cell.count(r).filter(|&n| n > 0)?;
            Some(
                Diagnostic::warning(
                    "W-TEXT-ZERO",
                    format!("文字说没有{}，但{}为 {n}", cell.subject(), cell.location()),
                )
                .hint(format!(
                    "核对表四；若确有此类案件，改写这句话，例如写作“{}{{{{{}}}}}件”",
                    cell.subject(),
                    cell.placeholder()
                )),
            )
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

/// W-STOCK: 现行有效 = last year's + 本年制发 − 本年废止, per row. Clean-ups and corrected
/// counts break it legitimately; when the prose explains the change (a sentence naming the row
/// and a clean-up or correction: “开展行政规范性文件集中清理，宣布失效12件”) the finding becomes a
/// note, so the explanation is where readers of the published report see it.
fn stock(r: &Report, last: &Report, out: &mut Vec<Diagnostic>) {
    for (label, normative, now, before) in [
        ("规章", false, &r.active.rules, &last.active.rules),
        (
            "行政规范性文件",
            true,
            &r.active.normative,
            &last.active.normative,
        ),
    ] {
        let expected = (before[2].value.saturating_add(now[0].value)).saturating_sub(now[1].value);
        if now[2].value == expected {
            continue;
        }
        let message = format!(
            "表二“{label}”现行有效件数为 {}，按上年现行有效 {} + 本年制发 {} − 本年废止 {} 应为 {expected}",
            now[2].value, before[2].value, now[0].value, now[1].value
        );
        let at = span_of(&now[2], &r.active.span);
        out.push(match stock_explanation(r, normative) {
            Some(why) => Diagnostic::note("W-STOCK", format!("{message}；文字中已说明原因"))
                .at(at)
                .hint(format!("文字中的说明：“{why}”。请确认说明与数字相符")),
            None => Diagnostic::warning("W-STOCK", message).at(at).hint(format!(
                "若本年做过文件清理或上年数字有误，在文字中写明原因（例如“开展{label}集中清理，宣布失效3件”），此项即改为说明"
            )),
        });
    }
}

/// Words that explain a change of the stock of documents in force.
const STOCK_REASONS: [&str; 14] = [
    "清理",
    "失效",
    "口径",
    "核实",
    "核定",
    "更正",
    "有误",
    "调整",
    "移交",
    "划转",
    "机构改革",
    "重新统计",
    "梳理",
    "撤销",
];

/// The first sentence of the prose that explains a change of 现行有效 in the row.
fn stock_explanation(r: &Report, normative: bool) -> Option<String> {
    for (_, p) in r.sections.all() {
        for b in &p.blocks {
            let text = b.text();
            for s in text.split(['。', '；', '！', '\n']) {
                let names_row = if normative {
                    s.contains("规范性文件") || s.contains("现行有效") && s.contains("文件")
                } else {
                    s.replace("规章制度", "").contains("规章")
                };
                if names_row && STOCK_REASONS.iter().any(|w| s.contains(w)) {
                    return Some(s.trim().to_string());
                }
            }
        }
    }
    None
}

/// W-ENUM: ordinals that repeat, go back or skip within a section: “一是…二是…三是…三是”,
/// headings “（一）…（二）…（二）”, numbered paragraphs “1.…2.…2.”. 一是-style ordinals count
/// from each heading; a “一是” (or （一）, 1.) starts a new series.
fn enumerations(r: &Report, out: &mut Vec<Diagnostic>) {
    for (_, prose) in r.sections.all() {
        // Last ordinal of headings/paragraphs at （一）, 1. and （1）, and of 一是 since a heading.
        let mut levels = [0u32; 3];
        let mut inline = 0u32;
        for b in &prose.blocks {
            let chars: Vec<char> = b.text().chars().collect();
            let loc = b.locator();
            if !matches!(b, Block::ListItem { .. }) {
                if let Some((level, value, len)) = leading_ordinal(&chars) {
                    let shown: String = chars[..len].iter().collect();
                    let prev = levels[level];
                    if let Some(d) =
                        ordinal_finding(&shown, value, prev, |v| ordinal_text(level, v))
                    {
                        out.push(d.at(loc.locate(0, len)));
                    }
                    levels[level] = value;
                    for deeper in &mut levels[level + 1..] {
                        *deeper = 0;
                    }
                }
            }
            if matches!(b, Block::Heading { .. }) {
                inline = 0;
            }
            for (at, len, value) in inline_ordinals(&chars) {
                let shown: String = chars[at..at + len].iter().collect();
                if let Some(d) = ordinal_finding(&shown, value, inline, |v| {
                    format!("{}是", chinese_number(v))
                }) {
                    out.push(d.at(loc.locate(at, at + len)));
                }
                inline = value;
            }
        }
    }
}

/// The W-ENUM finding for ordinal `value` (written `shown`) after `prev` (0: none yet).
fn ordinal_finding(
    shown: &str,
    value: u32,
    prev: u32,
    text: impl Fn(u32) -> String,
) -> Option<Diagnostic> {
    let message = if value == 1 || prev == 0 || value == prev + 1 {
        return None;
    } else if value == prev {
        format!("序号“{shown}”重复：前一项也是“{}”", text(prev))
    } else if value < prev {
        format!("序号“{shown}”排在“{}”之后", text(prev))
    } else {
        format!("序号“{shown}”之前缺少“{}”", text(prev + 1))
    };
    Some(Diagnostic::warning("W-ENUM", message).hint(format!(
        "同一部分内的序号应依次排列，这里应为“{}”；检查是否漏写、重复或顺序有误",
        text(prev + 1)
    )))
}

/// 1–99 in Chinese numerals (一, 十, 十一, 二十三).
fn chinese_number(n: u32) -> String {
    const D: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let (tens, ones) = (n / 10, (n % 10) as usize);
    let mut s = String::new();
    if tens > 1 {
        s.push(D[tens as usize % 10]);
    }
    if tens > 0 {
        s.push('十');
    }
    if ones > 0 || tens == 0 {
        s.push(D[ones]);
    }
    s
}

fn parse_chinese_number(s: &[char]) -> Option<u32> {
    let digit = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|d| d as u32)
    };
    match s {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', o] => Some(10 + digit(*o)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', o] => Some(digit(*t)? * 10 + digit(*o)?),
        _ => None,
    }
}

fn ordinal_text(level: usize, v: u32) -> String {
    match level {
        0 => format!("（{}）", chinese_number(v)),
        1 => format!("{v}."),
        _ => format!("（{v}）"),
    }
}

/// The ordinal a block starts with: level (0 （一）, 1 1., 2 （1）), value, length in chars.
fn leading_ordinal(chars: &[char]) -> Option<(usize, u32, usize)> {
    match chars.first()? {
        '（' | '(' => {
            let close = chars.iter().position(|c| *c == '）' || *c == ')')?;
            let inner = &chars[1..close];
            if inner.iter().all(|c| c.is_ascii_digit()) && !inner.is_empty() {
                let v: String = inner.iter().collect();
                Some((2, v.parse().ok()?, close + 1))
            } else {
                Some((0, parse_chinese_number(inner)?, close + 1))
            }
        }
        c if c.is_ascii_digit() => {
            let n = chars.iter().take_while(|c| c.is_ascii_digit()).count();
            if !matches!(chars.get(n), Some('.' | '．' | '、')) {
                return None;
            }
            // 1.5万 is a number, not an ordinal.
            if chars.get(n + 1).is_some_and(char::is_ascii_digit) {
                return None;
            }
            let v: String = chars[..n].iter().collect();
            Some((1, v.parse().ok()?, n + 1))
        }
        _ => None,
    }
}

/// 一是, 二是 … in running text (not 统一是, 第一是): start, length, value.
fn inline_ordinals(chars: &[char]) -> Vec<(usize, usize, u32)> {
    let numeral = |c: char| "一二三四五六七八九十".contains(c);
    let mut out = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if c != '是' || i == 0 {
            continue;
        }
        let start = (0..i).rev().take_while(|&k| numeral(chars[k])).last();
        let Some(start) = start else { continue };
        if start > 0 && is_chinese_word(chars[start - 1]) {
            continue;
        }
        if let Some(v) = parse_chinese_number(&chars[start..i]) {
            out.push((start, i + 1 - start, v));
        }
    }
    out
}

/// A character that makes a preceding word (统一是, 第一是, 其一是): CJK ideographs only.
fn is_chinese_word(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
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
    fn section_headings_in_other_wordings() {
        let found = |t: &str| section_like(t).map(|k| format::SECTIONS[k]);
        for (line, section) in [
            ("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", 3),
            ("四、政府信息公开行政法复议、行政诉讼情况", 3),
            ("一、总体情况", 0),
            ("一、总体工作情况", 0),
            ("六、其它需要报告的事项", 5),
            ("五、存在问题及整改措施", 4),
            ("三、收到和处理政府信息公开申请的情况：", 2),
            ("二．主动公开政府信息情况", 1),
        ] {
            assert_eq!(found(line), Some(format::SECTIONS[section]), "{line}");
        }
        for line in [
            "一、加强组织领导",
            "一、存在的主要问题",
            "二、主动公开",
            "四、政府信息公开行政复议、行政诉讼情况详见下表。",
            "（四）政府信息公开行政复议、行政诉讼情况",
            "总体情况",
        ] {
            assert_eq!(found(line), None, "{line}");
        }
    }

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
