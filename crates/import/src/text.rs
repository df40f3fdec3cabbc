//! Plain text: copied from a PDF or a web page (one paragraph a line, tables flattened with
//! tabs, as in the seed report), or `pdftotext -layout` output (lines wrapped at the page
//! width, paragraphs marked by their first-line indent, tables as columns of spaces, pages
//! separated by form feeds).

use crate::flow::{Block, Flow, Grid, GridCell, Para};
use crate::norm;
use crate::recognize::{section_of, table_marker};

/// Decodes text bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a
/// superset of GBK, what Notepad on Chinese Windows saves as “ANSI”). Returns the text and
/// the encoding's name when it was not UTF-8.
pub fn decode(bytes: &[u8]) -> (String, Option<&'static str>) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        let name = (enc != encoding_rs::UTF_8).then(|| enc.name());
        return (text.into_owned(), name);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), None),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            (text.into_owned(), Some("GB18030（GBK）"))
        }
    }
}

/// Reads text into a flow.
pub fn read(bytes: &[u8]) -> Flow {
    let (text, encoding) = decode(bytes);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut flow = Flow::default();
    if let Some(name) = encoding {
        flow.notes
            .push(format!("文件不是 UTF-8 编码，按 {name} 读取"));
    }
    let layout = text.contains('\u{c}');
    if layout {
        flow.notes.push(
            "按 pdftotext -layout 的版式文本读取：有首行缩进的行开始新段落，其余各行接续上一行；\
             汉字之间的空格（两端对齐留下的）已删去"
                .into(),
        );
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let full = full_width(&lines);
    let mut prev_width = 0usize;
    let mut dropped_page_numbers = 0;
    let mut region: Option<Grid> = None;
    let mut para: Option<(Para, usize)> = None;
    let flush_para = |para: &mut Option<(Para, usize)>, flow: &mut Flow| {
        if let Some((p, _)) = para.take() {
            if !p.text().trim().is_empty() {
                flow.blocks.push(Block::Para(p));
            }
        }
    };
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        let line = raw.replace('\u{c}', "");
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if !layout {
                flush_para(&mut para, &mut flow);
            }
            continue;
        }
        if is_page_number(trimmed) {
            dropped_page_numbers += 1;
            continue;
        }
        let cells = split_cells(&line, layout);
        let squeezed = norm::squeeze_cjk_spaces(trimmed);
        if section_of(&squeezed).is_some() {
            // A section heading ends any table and is a paragraph of its own.
            if let Some(g) = region.take() {
                flow.blocks.push(Block::Table(g));
            }
            flush_para(&mut para, &mut flow);
            let text = if layout {
                squeezed
            } else {
                trimmed.to_string()
            };
            flow.blocks
                .push(Block::Para(Para::plain(text, format!("第 {n} 行"))));
            continue;
        }
        let texts: Vec<&str> = cells.iter().map(String::as_str).collect();
        if table_marker(&texts).is_some() {
            flush_para(&mut para, &mut flow);
            if let Some(g) = region.take() {
                flow.blocks.push(Block::Table(g));
            }
            region = Some(Grid {
                cells: Vec::new(),
                at: format!("第 {n} 行起"),
                from_text: true,
            });
        }
        if let Some(g) = region.as_mut() {
            let row = g.rows();
            for (col, text) in cells.into_iter().enumerate() {
                g.cells.push(GridCell {
                    row,
                    col,
                    rowspan: 1,
                    colspan: 1,
                    text,
                    at: format!("第 {n} 行"),
                });
            }
            continue;
        }
        // Prose.
        if layout {
            let indented = line.starts_with([' ', '\t', '\u{3000}']);
            // A line continues the paragraph when it is not indented and the line before
            // ran to the right margin; a short line before means the paragraph ended there.
            let prev_full = prev_width * 100 >= full * 85;
            prev_width = width(&line);
            match para.as_mut() {
                Some((p, _)) if !indented && prev_full => {
                    let prev = p.text();
                    let glue = prev.chars().last().is_some_and(|c| c.is_ascii_alphabetic())
                        && squeezed.starts_with(|c: char| c.is_ascii_alphabetic());
                    if glue {
                        p.push(" ", false);
                    }
                    p.push(&squeezed, false);
                }
                _ => {
                    flush_para(&mut para, &mut flow);
                    para = Some((Para::plain(squeezed, format!("第 {n} 行")), n));
                }
            }
        } else {
            flush_para(&mut para, &mut flow);
            para = Some((Para::plain(trimmed, format!("第 {n} 行")), n));
        }
    }
    flush_para(&mut para, &mut flow);
    if let Some(g) = region.take() {
        flow.blocks.push(Block::Table(g));
    }
    if dropped_page_numbers > 0 {
        flow.notes
            .push(format!("删去了 {dropped_page_numbers} 个页码行（如“—1—”）"));
    }
    if !layout {
        join_broken(&mut flow);
    }
    flow
}

/// Display width of a line in columns (a Chinese character takes two, as pdftotext lays
/// them out).
fn width(line: &str) -> usize {
    line.trim_end()
        .chars()
        .map(|c| if norm::is_cjk(c) { 2 } else { 1 })
        .sum()
}

/// The width of a full line of body text: the widest that at least a tenth of the longer
/// lines reach (so a few overlong lines, such as a URL, do not set it).
fn full_width(lines: &[&str]) -> usize {
    let mut w: Vec<usize> = lines
        .iter()
        // Table rows (columns of spaces) are not body text.
        .filter(|l| !l.trim().contains("   "))
        .map(|l| width(l))
        .filter(|&w| w >= 20)
        .collect();
    w.sort_unstable();
    w.get(w.len().saturating_sub(1 + w.len() / 10))
        .copied()
        .unwrap_or(0)
}

/// Cells of a table line: tab-separated (empty cells kept), or in layout text every
/// whitespace-separated token (labels are joined again when rows are matched).
fn split_cells(line: &str, layout: bool) -> Vec<String> {
    if !layout && line.contains('\t') {
        line.split('\t').map(|s| s.trim().to_string()).collect()
    } else {
        line.split_whitespace().map(str::to_string).collect()
    }
}

/// `—1—`, `- 2 -`, `－3－`, `第 4 页`, `第4页 共9页`: a page number a PDF put in the text.
pub(crate) fn is_page_number(s: &str) -> bool {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let inner = t
        .trim_start_matches(['—', '-', '－', '–'])
        .trim_end_matches(['—', '-', '－', '–']);
    if inner.len() < t.len() && !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    if let Some(rest) = t.strip_prefix('第') {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            let after = &rest[digits.len()..];
            return after == "页"
                || (after.starts_with("页共") && after.ends_with('页') && after.len() <= 20);
        }
    }
    false
}

/// Sentence-ending punctuation, after any closing quotes and brackets.
pub(crate) fn ends_sentence(s: &str) -> bool {
    let t = s
        .trim_end()
        .trim_end_matches(['”', '’', '"', '）', ')', '」', '』', '》']);
    t.ends_with(['。', '！', '？', '；', '：', '!', '?', ';', ':', '…'])
}

/// Text copied from a PDF breaks a paragraph where the page broke: a long line that ends
/// mid-sentence, then a blank line, then the rest. Such pairs are joined, and each join is
/// noted.
fn join_broken(flow: &mut Flow) {
    let mut out: Vec<Block> = Vec::with_capacity(flow.blocks.len());
    for block in std::mem::take(&mut flow.blocks) {
        if let (Some(Block::Para(prev)), Block::Para(next)) = (out.last_mut(), &block) {
            let (a, b) = (prev.text(), next.text());
            let prose = |t: &str| {
                section_of(t).is_none()
                    && crate::recognize::numbered_heading(t).is_none()
                    && !t.contains("政府信息公开工作年度报告")
            };
            if a.chars().count() >= 40 && !ends_sentence(&a) && prose(&a) && prose(&b) {
                flow.notes.push(format!(
                    "{}与{}合并为一段（前一段在句中断开，疑似 PDF 分页处断开）",
                    prev.at, next.at
                ));
                prev.push(b.trim(), false);
                continue;
            }
        }
        out.push(block);
    }
    flow.blocks = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        for s in ["—1—", "- 12 -", "－3－", "第 4 页", "第4页共9页"] {
            assert!(is_page_number(s), "{s}");
        }
        for s in ["1", "—", "第四页", "2024年", "-1-2-"] {
            assert!(!is_page_number(s), "{s}");
        }
    }

    #[test]
    fn gbk_is_decoded() {
        let (gbk, _, _) = encoding_rs::GBK.encode("一、总体情况\n");
        let (text, enc) = decode(&gbk);
        assert_eq!(text, "一、总体情况\n");
        assert!(enc.is_some());
        let (text, enc) = decode("\u{feff}一、总体情况".as_bytes());
        assert_eq!((text.as_str(), enc), ("一、总体情况", None));
    }

    #[test]
    fn broken_paragraphs_are_joined_and_noted() {
        let text = "一、总体情况\n\n按照《中华人民共和国政府信息公开条例》要求，全年在市政府门户网站和政务新媒体发布各类信息，\n\n属于主动公开范围的政府信息均及时发布。\n\n短句\n\n另一段。\n";
        let flow = read(text.as_bytes());
        let paras: Vec<String> = flow
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Para(p) => Some(p.text()),
                _ => None,
            })
            .collect();
        assert_eq!(paras.len(), 4, "{paras:?}");
        assert!(paras[1].ends_with("发布各类信息，属于主动公开范围的政府信息均及时发布。"));
        assert!(flow
            .notes
            .iter()
            .any(|n| n.contains("第 3 行与第 5 行合并")));
    }
}
