//! Markdown prose: paragraphs, headings, bold, lists, and `{{name}}` placeholders.
//!
//! Headings get their level from their numbering (`（一）` → 2, `1.` → 3, `（1）` → 4), else from
//! the number of `#`. A short stand-alone paragraph that starts with such a number and does
//! not end like a sentence is a heading too, so text pasted from an old report keeps its
//! structure.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::diag::Diagnostic;
use crate::format::{T3_COLUMNS, T3_GROUPS, T3_ROWS, T4_COLUMNS, T4_GROUPS};
use crate::model::{Block, Inline, Report};
use crate::source::{FileId, SourceMap, Span};
use crate::suggest;

/// Every placeholder name with its value for `report`, in documentation order.
pub fn placeholders(report: &Report) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = vec![
        ("agency".into(), report.agency.clone()),
        ("year".into(), report.year.to_string()),
        (
            "published".into(),
            report.published.map(|d| d.chinese()).unwrap_or_default(),
        ),
    ];
    let a = &report.active;
    for (key, cells) in [("rules", &a.rules), ("normative", &a.normative)] {
        for (k, (col, _)) in crate::format::T2_STOCK_COLUMNS.iter().enumerate() {
            v.push((format!("active.{key}.{col}"), cells[k].value.to_string()));
        }
    }
    v.push(("active.licensing".into(), a.licensing.value.to_string()));
    v.push(("active.punishment".into(), a.punishment.value.to_string()));
    v.push(("active.enforcement".into(), a.enforcement.value.to_string()));
    v.push(("active.fee".into(), a.fee.text.clone()));
    let t = &report.applications;
    let mut rows: Vec<(&str, std::ops::Range<usize>)> = T3_ROWS
        .iter()
        .enumerate()
        .map(|(i, r)| (r.key, i..i + 1))
        .collect();
    rows.extend(T3_GROUPS.iter().map(|(k, _, r)| (*k, r.clone())));
    for (key, range) in rows {
        v.push((
            format!("applications.{key}"),
            t.sum(range.clone(), 6).to_string(),
        ));
        for (col, (ckey, _)) in T3_COLUMNS.iter().enumerate() {
            v.push((
                format!("applications.{key}.{ckey}"),
                t.sum(range.clone(), col).to_string(),
            ));
        }
        let orgs = crate::model::add_all((1..6).map(|c| t.sum(range.clone(), c)));
        v.push((format!("applications.{key}.orgs"), orgs.to_string()));
    }
    let g = &report.appeals.groups;
    let mut groups: Vec<(&str, [u64; 5])> = T4_GROUPS
        .iter()
        .zip(g.iter())
        .map(|((k, _), grp)| {
            let c = |i: usize| grp.cells[i].value;
            (*k, [c(0), c(1), c(2), c(3), grp.total()])
        })
        .collect();
    let suit: [u64; 5] = std::array::from_fn(|i| groups[1].1[i].saturating_add(groups[2].1[i]));
    groups.push(("suit", suit));
    for (key, values) in groups {
        v.push((format!("appeals.{key}"), values[4].to_string()));
        for (i, (ckey, _)) in T4_COLUMNS.iter().enumerate() {
            v.push((format!("appeals.{key}.{ckey}"), values[i].to_string()));
        }
    }
    v
}

/// Parses one prose file into blocks, resolving placeholders to `values` (the report's
/// [`placeholders`], made once for all its prose files).
///
/// Every non-empty line is a paragraph (Chinese prose is not hard-wrapped, and Word copies one
/// paragraph a line with no blank line between); blank lines separate too. Headings, lists
/// and bold keep their Markdown meaning.
pub fn parse(
    file: FileId,
    sources: &SourceMap,
    values: &[(String, String)],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Block> {
    let text = &sources.get(file).text;
    unclosed_comment(file, text, diags);
    let mut blocks = Vec::new();
    let mut cur: Option<Open> = None;
    let mut bold = 0u32;
    let mut list_counters: Vec<Option<u64>> = Vec::new();
    let mut link: Option<String> = None;
    let mut in_code = false;
    let mut html: Option<Html> = None;
    let options = pulldown_cmark::Options::ENABLE_TABLES;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Paragraph) if cur.is_none() => {
                cur = Some(Open::new(Kind::Paragraph, range));
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let hashes = match level {
                    HeadingLevel::H1 => 2,
                    HeadingLevel::H2 => 3,
                    _ => 4,
                };
                cur = Some(Open::new(Kind::Heading(hashes), range));
            }
            Event::Start(Tag::List(start)) => {
                // A nested list ends the text of the item that contains it.
                if let Some(o) = cur.take() {
                    finish(o, &mut blocks, values, diags);
                }
                list_counters.push(start);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                // Paragraphs indented with four spaces or a tab are code blocks to CommonMark;
                // a clerk meant ordinary paragraphs.
                if let Some(o) = cur.take() {
                    finish(o, &mut blocks, values, diags);
                }
                in_code = true;
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if in_code => {
                code_lines(file, text, &t, range, &mut blocks, values, diags);
            }
            Event::Start(Tag::Table(_)) => {
                diags.push(
                    Diagnostic::warning(
                        "W-MARKUP",
                        "Markdown 表格不能排成表格：每一行印成一段，单元格之间空一格",
                    )
                    .at(first_line(file, text, &range))
                    .hint("三张统计表由 nianbao 生成；其他内容请改写成文字段落"),
                );
            }
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                cur = Some(Open::new(Kind::Paragraph, range));
            }
            Event::Start(Tag::TableCell) => {
                if let Some(o) = cur.as_mut().filter(|o| !o.inlines.is_empty()) {
                    o.push(
                        "\u{3000}",
                        false,
                        Span::new(file, range.start..range.start),
                        false,
                    );
                }
            }
            Event::End(TagEnd::TableHead) | Event::End(TagEnd::TableRow) => {
                if let Some(o) = cur.take() {
                    finish(o, &mut blocks, values, diags);
                }
            }
            Event::Start(Tag::HtmlBlock) => {
                let comment = text[range.clone()].trim_start().starts_with("<!--");
                html = Some(Html {
                    range,
                    comment,
                    lines: Vec::new(),
                });
            }
            Event::Html(chunk) => {
                if let Some(h) = html.as_mut().filter(|h| !h.comment) {
                    h.lines.push((chunk.to_string(), range));
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(h) = html.take() {
                    html_block(file, text, h, &mut blocks, values, diags);
                }
            }
            Event::InlineHtml(tag) if is_line_break_tag(&tag) => {
                cur = split_line(cur, &range, &mut blocks, values, diags);
            }
            Event::End(TagEnd::Link) => {
                if let (Some(o), Some(url)) = (cur.as_mut(), link.take()) {
                    let shown: String = o.inlines.iter().map(|i| i.text.as_str()).collect();
                    if !shown.ends_with(url.as_str()) {
                        let at = Span::new(file, range.end..range.end);
                        o.push(&format!("（{url}）"), bold > 0, at, false);
                    }
                }
            }
            Event::End(TagEnd::List(_)) => {
                list_counters.pop();
            }
            Event::Start(Tag::Item) => {
                let marker = match list_counters.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}.");
                        *n += 1;
                        m
                    }
                    _ => String::new(),
                };
                cur = Some(Open::new(Kind::Item(marker), range));
            }
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.to_string()),
            Event::Start(Tag::Strong) => bold += 1,
            Event::End(TagEnd::Strong) => bold = bold.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => {
                if let Some(o) = cur.as_mut() {
                    let exact = text.get(range.clone()) == Some(&*t);
                    o.push(&t, bold > 0, Span::new(file, range), exact);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                cur = split_line(cur, &range, &mut blocks, values, diags);
            }
            Event::End(TagEnd::Paragraph) => {
                // Inside a list item the paragraph belongs to the item.
                if matches!(cur.as_ref().map(|o| &o.kind), Some(Kind::Paragraph)) {
                    if let Some(o) = cur.take() {
                        finish(o, &mut blocks, values, diags);
                    }
                }
            }
            Event::End(TagEnd::Heading(_)) | Event::End(TagEnd::Item) => {
                if let Some(o) = cur.take() {
                    finish(o, &mut blocks, values, diags);
                }
            }
            _ => {}
        }
    }
    if let Some(o) = cur.take() {
        finish(o, &mut blocks, values, diags);
    }
    blocks
}

/// A line break inside a paragraph, list item or (setext) heading: what came before is a
/// block of its own, the next line starts a new paragraph. (A setext heading's lines before
/// its last are paragraphs; its last line stays the heading.)
fn split_line(
    cur: Option<Open>,
    brk: &std::ops::Range<usize>,
    blocks: &mut Vec<Block>,
    values: &[(String, String)],
    diags: &mut Vec<Diagnostic>,
) -> Option<Open> {
    let mut o = cur?;
    let end = o.range.end;
    let next = match o.kind {
        Kind::Heading(h) => Kind::Heading(h),
        _ => Kind::Paragraph,
    };
    if matches!(o.kind, Kind::Heading(_)) {
        o.kind = Kind::Paragraph;
    }
    o.range.end = brk.start.max(o.range.start);
    finish(o, blocks, values, diags);
    Some(Open::new(next, brk.end.min(end)..end))
}

/// E-COMMENT for the first `<!--` with no `-->` after it: CommonMark lets such a comment run
/// to the end of the file, so everything after it would silently vanish.
fn unclosed_comment(file: FileId, text: &str, diags: &mut Vec<Diagnostic>) {
    let mut from = 0;
    while let Some(at) = text[from..].find("<!--").map(|i| from + i) {
        match text[at + 4..].find("-->") {
            Some(len) => from = at + 4 + len + 3,
            None => {
                diags.push(
                    Diagnostic::error(
                        "E-COMMENT",
                        "注释“<!--”没有结束符“-->”：从这里到文件末尾的文字都不会印出",
                    )
                    .at(Span::new(file, at..at + 4))
                    .hint("在注释（写作提示）末尾补上“-->”；不需要的提示可以整段删除"),
                );
                return;
            }
        }
    }
}

/// The first line of `range` (where a warning about a multi-line block points).
fn first_line(file: FileId, text: &str, range: &std::ops::Range<usize>) -> Span {
    let block = &text[range.clone()];
    let len = block.find('\n').unwrap_or(block.len());
    Span::new(file, range.start..range.start + len)
}

/// An HTML block being read: its source range and its lines (empty for a comment).
struct Html {
    range: std::ops::Range<usize>,
    comment: bool,
    lines: Vec<(String, std::ops::Range<usize>)>,
}

fn is_line_break_tag(tag: &str) -> bool {
    let t = tag.trim().to_ascii_lowercase();
    t.starts_with("<br") || t.starts_with("<p>") || t.starts_with("</p")
}

/// An HTML block that is not a comment (text pasted from a web page): its text is kept, a
/// paragraph a line, the tags dropped, and W-MARKUP says so.
fn html_block(
    file: FileId,
    text: &str,
    h: Html,
    blocks: &mut Vec<Block>,
    values: &[(String, String)],
    diags: &mut Vec<Diagnostic>,
) {
    if h.comment {
        return;
    }
    diags.push(
        Diagnostic::warning(
            "W-MARKUP",
            "HTML 标签不能排版：已去掉标签，其中的文字每行印成一段",
        )
        .at(first_line(file, text, &h.range))
        .hint("删去“<…>”标签，直接写文字（加粗用 **文字**）；写作提示请用“<!-- … -->”"),
    );
    for (line, range) in h.lines {
        let mut plain = String::new();
        let mut in_tag = false;
        for c in line.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => plain.push(c),
                _ => {}
            }
        }
        let plain = plain.trim();
        if !plain.is_empty() {
            let mut o = Open::new(Kind::Paragraph, range.clone());
            o.push(plain, false, Span::new(file, range), false);
            finish(o, blocks, values, diags);
        }
    }
}

enum Kind {
    Paragraph,
    Heading(u8),
    Item(String),
}

struct Open {
    kind: Kind,
    range: std::ops::Range<usize>,
    inlines: Vec<Inline>,
}

impl Open {
    fn new(kind: Kind, range: std::ops::Range<usize>) -> Self {
        Open {
            kind,
            range,
            inlines: Vec::new(),
        }
    }

    fn push(&mut self, t: &str, bold: bool, span: Span, exact: bool) {
        if let Some(last) = self.inlines.last_mut() {
            if last.bold == bold
                && last.exact
                && exact
                && !last.generated
                && last.span.range.end == span.range.start
            {
                last.text.push_str(t);
                last.span.range.end = span.range.end;
                return;
            }
        }
        self.inlines.push(Inline {
            text: t.to_string(),
            bold,
            span,
            exact,
            generated: false,
        });
    }
}

/// Splits `{{name}}` placeholders out of the inlines.
fn interpolate(
    inlines: Vec<Inline>,
    values: &[(String, String)],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Inline> {
    let mut out = Vec::new();
    for inline in inlines {
        if find_brace(&inline.text, true).is_none() {
            out.push(inline);
            continue;
        }
        let mut rest = inline.text.as_str();
        let mut offset = 0usize; // bytes consumed from inline.text
        while let Some((start, open_len)) = find_brace(rest, true) {
            let Some((len, close_len)) = find_brace(&rest[start + open_len..], false) else {
                let at = inline.span.range.start + offset + start;
                let span = if inline.exact {
                    Span::new(inline.span.file, at..at + open_len)
                } else {
                    inline.span.clone()
                };
                diags.push(
                    Diagnostic::error("E-PLACEHOLDER", "占位符“{{”没有用“}}”闭合")
                        .at(span)
                        .hint("写作 {{名称}}，例如 {{applications.new}}"),
                );
                break;
            };
            let end = start + open_len + len + close_len;
            let name = half_width(&rest[start + open_len..start + open_len + len]);
            let name = name.trim();
            let src = |a: usize, b: usize| {
                if inline.exact {
                    Span::new(
                        inline.span.file,
                        inline.span.range.start + a..inline.span.range.start + b,
                    )
                } else {
                    inline.span.clone()
                }
            };
            if start > 0 {
                out.push(Inline {
                    text: rest[..start].to_string(),
                    span: src(offset, offset + start),
                    ..inline.clone()
                });
            }
            let span = src(offset + start, offset + end);
            match values.iter().find(|(n, _)| n == name) {
                Some((_, value)) => out.push(Inline {
                    text: value.clone(),
                    bold: inline.bold,
                    span,
                    exact: false,
                    generated: true,
                }),
                None => {
                    let names: Vec<&str> = values.iter().map(|(n, _)| n.as_str()).collect();
                    let mut d =
                        Diagnostic::error("E-PLACEHOLDER", format!("未知的占位符“{{{{{name}}}}}”"))
                            .at(span.clone());
                    d = match suggest::closest(name, &names) {
                        Some(s) => d.hint(format!("是不是“{{{{{s}}}}}”？")),
                        None => {
                            d.hint("可用的名称见 docs/format.md，例如 {{applications.new.total}}")
                        }
                    };
                    diags.push(d);
                    out.push(Inline {
                        text: rest[start..end].to_string(),
                        span,
                        ..inline.clone()
                    });
                }
            }
            offset += end;
            rest = &rest[end..];
        }
        if !rest.is_empty() {
            let a = offset;
            out.push(Inline {
                text: rest.to_string(),
                span: if inline.exact {
                    Span::new(
                        inline.span.file,
                        inline.span.range.start + a..inline.span.range.end,
                    )
                } else {
                    inline.span.clone()
                },
                ..inline.clone()
            });
        }
    }
    out
}

/// The first placeholder opener (`{{`, or typed with a Chinese IME `｛｛`, or one of each) in
/// `s` when `open`, else the first closer: (byte offset, byte length).
fn find_brace(s: &str, open: bool) -> Option<(usize, usize)> {
    let (half, full) = if open { ('{', '｛') } else { ('}', '｝') };
    let mut chars = s.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == half || c == full {
            if let Some(&(next_at, d)) = chars.peek() {
                if d == half || d == full {
                    return Some((at, next_at + d.len_utf8() - at));
                }
            }
        }
    }
    None
}

/// A placeholder name as a Chinese IME may type it: full-width letters, digits and `．`, or
/// `。` for the dot, made half-width.
fn half_width(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '。' => '.',
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// Level implied by a heading's numbering, if any.
pub(crate) fn numbered_level(text: &str) -> Option<u8> {
    let t = text.trim_start();
    let mut chars = t.chars();
    match chars.next()? {
        '（' | '(' => {
            let inner: String = chars
                .by_ref()
                .take_while(|c| *c != '）' && *c != ')')
                .collect();
            if !inner.is_empty() && inner.chars().all(is_chinese_numeral) {
                Some(2)
            } else if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
                Some(4)
            } else {
                None
            }
        }
        c if c.is_ascii_digit() => {
            let digits = t.chars().take_while(char::is_ascii_digit).count();
            match t[digits..].chars().next() {
                Some('.') | Some('．') | Some('、') => Some(3),
                _ => None,
            }
        }
        _ => None,
    }
}

pub(crate) fn is_chinese_numeral(c: char) -> bool {
    "一二三四五六七八九十".contains(c)
}

/// The text of an indented or fenced code block: a clerk meant ordinary paragraphs, one a
/// line like everywhere else. Spans are exact when the event's text is the source's.
fn code_lines(
    file: FileId,
    text: &str,
    chunk: &str,
    range: std::ops::Range<usize>,
    blocks: &mut Vec<Block>,
    values: &[(String, String)],
    diags: &mut Vec<Diagnostic>,
) {
    let exact = text.get(range.clone()) == Some(chunk);
    let mut offset = 0;
    for line in chunk.split_inclusive('\n') {
        let start = offset + (line.len() - line.trim_start().len());
        offset += line.len();
        let body = line.trim();
        if body.is_empty() {
            continue;
        }
        let span = if exact {
            let at = range.start + start;
            Span::new(file, at..at + body.len())
        } else {
            Span::new(file, range.clone())
        };
        let mut o = Open::new(Kind::Paragraph, span.range.clone());
        o.push(body, false, span, exact);
        finish(o, blocks, values, diags);
    }
}

/// CommonMark does not open `**` right after CJK punctuation (`**“重点”**`), leaving the
/// asterisks as text. Clerks write it that way all the time, so pair them up here.
fn literal_strong(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out = Vec::new();
    for inline in inlines {
        if inline.generated || inline.text.matches("**").count() < 2 {
            out.push(inline);
            continue;
        }
        let pieces: Vec<&str> = inline.text.split("**").collect();
        let last = pieces.len() - 1;
        // With an odd number of markers the last one has no partner and stays text.
        let unpaired = last % 2 == 1;
        let mut bold = inline.bold;
        let mut offset = 0;
        for (k, piece) in pieces.iter().enumerate() {
            let keep_marker = unpaired && k == last;
            let text = if keep_marker {
                format!("**{piece}")
            } else {
                (*piece).to_string()
            };
            let start = if keep_marker { offset - 2 } else { offset };
            if !text.is_empty() {
                let span = if inline.exact {
                    let base = inline.span.range.start;
                    Span::new(inline.span.file, base + start..base + offset + piece.len())
                } else {
                    inline.span.clone()
                };
                out.push(Inline {
                    text,
                    bold,
                    span,
                    ..inline.clone()
                });
            }
            offset += piece.len() + 2;
            if k < last && !(unpaired && k + 1 == last) {
                bold = !bold;
            }
        }
    }
    out
}

/// Drops leading spaces, including the full-width 　　 a Word paste brings: the first-line
/// indent is the typesetter's job.
fn trim_start(mut inlines: Vec<Inline>) -> Vec<Inline> {
    while let Some(first) = inlines.first_mut() {
        let trimmed = first.text.trim_start_matches(char::is_whitespace);
        let cut = first.text.len() - trimmed.len();
        if cut == 0 {
            break;
        }
        first.text = trimmed.to_string();
        if first.exact {
            first.span.range.start += cut;
        }
        if first.text.is_empty() {
            inlines.remove(0);
        } else {
            break;
        }
    }
    inlines
}

fn finish(
    o: Open,
    blocks: &mut Vec<Block>,
    values: &[(String, String)],
    diags: &mut Vec<Diagnostic>,
) {
    let inlines = trim_start(literal_strong(interpolate(o.inlines, values, diags)));
    let Some(first) = inlines.first() else {
        return;
    };
    let span = Span::new(first.span.file, o.range);
    let text: String = inlines.iter().map(|i| i.text.as_str()).collect();
    if text.trim().is_empty() {
        return;
    }
    blocks.push(match o.kind {
        Kind::Heading(hashes) => Block::Heading {
            level: numbered_level(&text).unwrap_or(hashes),
            inlines,
            span,
        },
        Kind::Item(marker) => Block::ListItem {
            marker,
            inlines,
            span,
        },
        Kind::Paragraph => {
            let n = text.chars().count();
            let sentence_end = text
                .trim_end()
                .ends_with(['。', '；', '！', '？', '：', '，', '.', ';']);
            match numbered_level(&text) {
                Some(level) if n <= 40 && !sentence_end && !text.contains('\n') => Block::Heading {
                    level,
                    inlines,
                    span,
                },
                _ => Block::Paragraph { inlines, span },
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Kind as AgencyKind;

    fn parse_str(md: &str) -> (Vec<Block>, Vec<Diagnostic>) {
        let mut sources = SourceMap::new();
        let f = sources.add("a.md".into(), md.into());
        let mut r = Report::empty("某局", 2024, AgencyKind::Department);
        r.applications.rows[0].cells[0].value = 7;
        let mut d = Vec::new();
        let b = parse(f, &sources, &placeholders(&r), &mut d);
        (b, d)
    }

    #[test]
    fn headings_paragraphs_and_bold() {
        let (b, d) = parse_str("## （一）主动公开\n\n全年**收到**申请{{applications.new.total}}件。\n\n1.规范流程\n\n- 甲\n- 乙\n");
        assert!(d.is_empty());
        assert_eq!(b.len(), 5);
        assert!(matches!(b[0], Block::Heading { level: 2, .. }));
        assert_eq!(b[1].text(), "全年收到申请7件。");
        assert!(b[1].inlines()[1].bold);
        assert!(b[1].is_generated(6));
        assert!(matches!(b[2], Block::Heading { level: 3, .. }));
        assert!(matches!(&b[3], Block::ListItem { marker, .. } if marker.is_empty()));
    }

    #[test]
    fn clerk_markdown_habits() {
        let md = "**“三公开”**，全面推进。\n\n    缩进的段落\n    第二行。\n\n- 外层A\n  - 内层B\n\n见[网站](http://a.cn)。\n\n\u{3000}\u{3000}全角空格开头。\n\n未闭合{{applications.new\n";
        let (b, d) = parse_str(md);
        let texts: Vec<String> = b.iter().map(Block::text).collect();
        assert_eq!(
            texts,
            vec![
                "“三公开”，全面推进。",
                "缩进的段落",
                "第二行。",
                "外层A",
                "内层B",
                "见网站（http://a.cn）。",
                "全角空格开头。",
                "未闭合{{applications.new",
            ]
        );
        assert!(b[0].inlines()[0].bold && !b[0].inlines()[1].bold);
        assert_eq!(b[0].inlines()[0].text, "“三公开”");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].id, "E-PLACEHOLDER");
        // The full-width spaces are not part of the located text.
        let s = b[6].locate(0, 2);
        assert_eq!(&md[s.range], "全角");
    }

    #[test]
    fn every_line_is_a_paragraph() {
        // As Word copies it: one paragraph a line, a heading among them, no blank lines.
        let md = "一是加强组织领导。\r\n（一）主动公开\r\n全年主动公开信息{{applications.new.natural}}条。\r\n- 条目甲\r\n条目续行\r\n> 引用一\r\n> 引用二\r\n**加粗\r\n跨行**结束。\r\n文字<br>换行\r\n\r\n    缩进一\r\n    缩进二\r\n";
        let mut sources = SourceMap::new();
        let f = sources.add("a.md".into(), md.into());
        let mut r = Report::empty("某局", 2024, AgencyKind::Department);
        r.applications.rows[0].cells[0].value = 7;
        let mut d = Vec::new();
        let b = parse(f, &sources, &placeholders(&r), &mut d);
        assert!(d.is_empty(), "{d:#?}");
        let texts: Vec<String> = b.iter().map(Block::text).collect();
        assert_eq!(
            texts,
            [
                "一是加强组织领导。",
                "（一）主动公开",
                "全年主动公开信息7条。",
                "条目甲",
                "条目续行",
                "引用一",
                "引用二",
                "加粗",
                "跨行结束。",
                "文字",
                "换行",
                "缩进一",
                "缩进二",
            ]
        );
        assert!(matches!(b[1], Block::Heading { level: 2, .. }));
        assert!(matches!(b[3], Block::ListItem { .. }));
        assert!(matches!(b[4], Block::Paragraph { .. }));
        assert!(b[7].inlines()[0].bold && b[8].inlines()[0].bold && !b[8].inlines()[1].bold);
        // Each paragraph's span is its own line, and located text maps back exactly.
        let text = &sources.get(f).text;
        assert_eq!(&text[b[0].span().range.clone()], "一是加强组织领导。");
        assert_eq!(&text[b[12].locate(0, 2).range], "缩进");
        assert_eq!(&text[b[4].locate(2, 4).range], "续行");
    }

    #[test]
    fn unclosed_comment_is_an_error_at_its_start() {
        let md = "第一段。\n\n<!-- 写作提示：忘了结束符\n\n## （二）依申请公开\n\n全年新收申请。\n";
        let (_, d) = parse_str(md);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].id, "E-COMMENT");
        assert_eq!(&md[d[0].span.clone().unwrap().range], "<!--");
        // Closed comments, on one line or several, are silent and invisible.
        let (b, d) = parse_str("<!-- 提示 -->\n\n<!-- 多行\n提示 -->\n正文。<!-- 行内 -->\n");
        assert!(d.is_empty());
        assert_eq!(b.iter().map(Block::text).collect::<Vec<_>>(), ["正文。"]);
    }

    #[test]
    fn tables_and_html_keep_their_text_and_warn() {
        let md =
            "| 项目 | 数量 |\n|---|---|\n| 申请 | 5 |\n\n<div>\n块级<b>HTML</b>里的文字\n</div>\n";
        let (b, d) = parse_str(md);
        let texts: Vec<String> = b.iter().map(Block::text).collect();
        assert_eq!(
            texts,
            ["项目\u{3000}数量", "申请\u{3000}5", "块级HTML里的文字"]
        );
        let found: Vec<(&str, &str)> = d
            .iter()
            .map(|d| (d.id, &md[d.span.clone().unwrap().range]))
            .collect();
        assert_eq!(
            found,
            [("W-MARKUP", "| 项目 | 数量 |"), ("W-MARKUP", "<div>")]
        );
    }

    #[test]
    fn full_width_placeholders_work() {
        let (b, d) = parse_str(
            "共｛｛applications.new.natural｝｝件，{｛ａｐｐｌｉｃａｔｉｏｎｓ。new.natural}｝件。",
        );
        assert!(d.is_empty(), "{d:#?}");
        assert_eq!(b[0].text(), "共7件，7件。");
        assert!(b[0].is_generated(1));
    }

    #[test]
    fn unknown_placeholder_is_located() {
        let md = "共{{applications.nwe.total}}件";
        let (_, d) = parse_str(md);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].id, "E-PLACEHOLDER");
        let span = d[0].span.clone().unwrap();
        assert_eq!(&md[span.range], "{{applications.nwe.total}}");
        assert!(d[0].hints[0].contains("applications.new.total"));
    }

    #[test]
    fn locate_maps_characters_to_source() {
        let md = "第一句，第二句abc。";
        let (b, _) = parse_str(md);
        let s = b[0].locate(4, 7);
        assert_eq!(&md[s.range], "第二句");
    }
}
