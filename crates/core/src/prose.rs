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

/// Parses one prose file into blocks, resolving placeholders against `report`.
pub fn parse(
    file: FileId,
    sources: &SourceMap,
    report: &Report,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Block> {
    let text = &sources.get(file).text;
    let values = placeholders(report);
    let mut blocks = Vec::new();
    let mut cur: Option<Open> = None;
    let mut bold = 0u32;
    let mut list_counters: Vec<Option<u64>> = Vec::new();
    let mut link: Option<String> = None;
    let mut in_code = false;
    for (event, range) in Parser::new(text).into_offset_iter() {
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
                    finish(o, &mut blocks, &values, diags);
                }
                list_counters.push(start);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                // Paragraphs indented with four spaces or a tab are code blocks to CommonMark;
                // a clerk meant an ordinary paragraph.
                cur = Some(Open::new(Kind::Paragraph, range));
                in_code = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                if let Some(o) = cur.take() {
                    for part in split_code(o) {
                        finish(part, &mut blocks, &values, diags);
                    }
                }
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
                    let exact = !in_code && text.get(range.clone()) == Some(&*t);
                    o.push(&t, bold > 0, Span::new(file, range), exact);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(o) = cur.as_mut() {
                    o.pending_break = true;
                }
            }
            Event::End(TagEnd::Paragraph) => {
                // Inside a list item the paragraph belongs to the item.
                if matches!(cur.as_ref().map(|o| &o.kind), Some(Kind::Paragraph)) {
                    if let Some(o) = cur.take() {
                        finish(o, &mut blocks, &values, diags);
                    }
                }
            }
            Event::End(TagEnd::Heading(_)) | Event::End(TagEnd::Item) => {
                if let Some(o) = cur.take() {
                    finish(o, &mut blocks, &values, diags);
                }
            }
            _ => {}
        }
    }
    if let Some(o) = cur.take() {
        finish(o, &mut blocks, &values, diags);
    }
    blocks
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
    pending_break: bool,
}

impl Open {
    fn new(kind: Kind, range: std::ops::Range<usize>) -> Self {
        Open {
            kind,
            range,
            inlines: Vec::new(),
            pending_break: false,
        }
    }

    fn push(&mut self, t: &str, bold: bool, span: Span, exact: bool) {
        if self.pending_break {
            self.pending_break = false;
            // A line break inside Chinese text is not a space; between Latin words it is.
            let prev_latin = self
                .inlines
                .last()
                .and_then(|i| i.text.chars().last())
                .is_some_and(|c| c.is_ascii_alphanumeric());
            let next_latin = t.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
            if prev_latin && next_latin {
                self.inlines.push(Inline {
                    text: " ".into(),
                    bold,
                    span: Span::new(span.file, span.range.start..span.range.start),
                    exact: false,
                    generated: false,
                });
            }
        }
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
        if !inline.text.contains("{{") {
            out.push(inline);
            continue;
        }
        let mut rest = inline.text.as_str();
        let mut offset = 0usize; // bytes consumed from inline.text
        while let Some(start) = rest.find("{{") {
            let Some(len) = rest[start..].find("}}") else {
                let at = inline.span.range.start + offset + start;
                let span = if inline.exact {
                    Span::new(inline.span.file, at..at + 2)
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
            let end = start + len + 2;
            let name = rest[start + 2..end - 2].trim();
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

/// Splits an indented code block into paragraphs at blank lines.
fn split_code(o: Open) -> Vec<Open> {
    let text: String = o.inlines.iter().map(|i| i.text.as_str()).collect();
    let Some(first) = o.inlines.first() else {
        return Vec::new();
    };
    let file = first.span.file;
    text.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let mut part = Open::new(Kind::Paragraph, o.range.clone());
            let joined: String = p.lines().map(str::trim).collect::<Vec<_>>().join("");
            part.push(&joined, false, Span::new(file, o.range.clone()), false);
            part
        })
        .collect()
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
        let b = parse(f, &sources, &r, &mut d);
        (b, d)
    }

    #[test]
    fn headings_paragraphs_and_bold() {
        let (b, d) = parse_str("## （一）主动公开\n\n全年**收到**申请\n{{applications.new.total}}件。\n\n1.规范流程\n\n- 甲\n- 乙\n");
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
                "缩进的段落第二行。",
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
        let s = b[5].locate(0, 2);
        assert_eq!(&md[s.range], "全角");
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
        let md = "第一句，\n第二句abc。";
        let (b, _) = parse_str(md);
        let s = b[0].locate(4, 7);
        assert_eq!(&md[s.range], "第二句");
    }
}
