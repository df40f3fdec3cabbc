//! Tests of the PDF exporter: layout facts on the page list, the PDF read back with lopdf.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lopdf::content::Content;
use nianbao_core::document::{self, CellContent, DocBlock, Imprint, Run};
use nianbao_core::sample::sample_report;
use nianbao_core::source::FileId;
use nianbao_core::{Document, Span};

use super::*;
use crate::fonts::{find_font_dir, FaceId};
use crate::layout::*;
use nianbao_core::typography::Role;

use crate::test_support::{assert_golden, fonts, sample};

fn para(text: &str) -> DocBlock {
    DocBlock::Paragraph {
        runs: vec![Run {
            text: text.to_string(),
            bold: false,
        }],
        source: None,
    }
}

fn heading(level: u8, text: &str) -> DocBlock {
    DocBlock::Heading {
        level,
        runs: vec![Run {
            text: text.to_string(),
            bold: false,
        }],
        source: None,
    }
}

/// A document with the sample's metadata and these blocks (no title).
fn doc_with(blocks: Vec<DocBlock>) -> Document {
    let mut d = sample();
    d.title.clear();
    d.blocks = blocks;
    d
}

fn pages_of(doc: &Document) -> Vec<Page> {
    layout(doc, fonts()).expect("layout").pages
}

fn right_edge() -> f32 {
    AREA_X + AREA_W
}

// ---------------------------------------------------------------------------------------
// Reading the PDF back

struct PdfFont {
    base_font: String,
    to_unicode: BTreeMap<u16, String>,
}

/// Per page: the text of each text object (BT … ET), decoded through the fonts' ToUnicode
/// maps. Panics on glyph 0 or a code without a ToUnicode entry.
fn pdf_text(bytes: &[u8]) -> Vec<Vec<String>> {
    let pdf = lopdf::Document::load_mem(bytes).expect("parse pdf");
    let mut out = Vec::new();
    for (_, page_id) in pdf.get_pages() {
        let fonts: BTreeMap<Vec<u8>, PdfFont> = pdf
            .get_page_fonts(page_id)
            .expect("fonts")
            .into_iter()
            .map(|(name, dict)| (name, read_font(&pdf, dict)))
            .collect();
        let content = Content::decode(&pdf.get_page_content(page_id)).expect("content");
        let mut blocks = Vec::new();
        let mut cur = String::new();
        let mut font: Option<&PdfFont> = None;
        for op in &content.operations {
            match op.operator.as_str() {
                "Tf" => {
                    let name = op.operands[0].as_name().expect("font name");
                    font = fonts.get(name);
                }
                "Tj" => {
                    let s = op.operands[0].as_str().expect("string");
                    let f = font.expect("font set");
                    for code in s.chunks(2) {
                        let code = u16::from_be_bytes([code[0], code[1]]);
                        assert_ne!(code, 0, "glyph 0 drawn in {}", f.base_font);
                        let text = f.to_unicode.get(&code).unwrap_or_else(|| {
                            panic!("code {code} of {} has no ToUnicode entry", f.base_font)
                        });
                        cur.push_str(text);
                    }
                }
                "TJ" => panic!("the writer only uses Tj"),
                "ET" => blocks.push(std::mem::take(&mut cur)),
                _ => {}
            }
        }
        out.push(blocks);
    }
    out
}

fn read_font(pdf: &lopdf::Document, dict: &lopdf::Dictionary) -> PdfFont {
    assert_eq!(dict.get(b"Subtype").unwrap().as_name().unwrap(), b"Type0");
    assert_eq!(
        dict.get(b"Encoding").unwrap().as_name().unwrap(),
        b"Identity-H"
    );
    let base_font =
        String::from_utf8(dict.get(b"BaseFont").unwrap().as_name().unwrap().to_vec()).unwrap();
    let (tag, rest) = base_font.split_once('+').expect("subset tag");
    assert!(
        tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()) && !rest.is_empty(),
        "{base_font}"
    );
    let descendants = dict.get(b"DescendantFonts").unwrap().as_array().unwrap();
    let cid_font = pdf
        .get_dictionary(descendants[0].as_reference().unwrap())
        .unwrap();
    let descriptor = pdf
        .get_dictionary(
            cid_font
                .get(b"FontDescriptor")
                .unwrap()
                .as_reference()
                .unwrap(),
        )
        .unwrap();
    assert_eq!(
        descriptor.get(b"FontName").unwrap().as_name().unwrap(),
        base_font.as_bytes()
    );
    let subtype = cid_font.get(b"Subtype").unwrap().as_name().unwrap();
    let file = match subtype {
        b"CIDFontType0" => descriptor.get(b"FontFile3"),
        b"CIDFontType2" => descriptor.get(b"FontFile2"),
        other => panic!("unexpected CIDFont subtype {other:?}"),
    };
    let file = pdf
        .get_object(file.expect("embedded font program").as_reference().unwrap())
        .unwrap()
        .as_stream()
        .unwrap();
    assert!(!file.content.is_empty());
    let cmap = pdf
        .get_object(dict.get(b"ToUnicode").unwrap().as_reference().unwrap())
        .unwrap()
        .as_stream()
        .unwrap()
        .decompressed_content()
        .unwrap_or_else(|_| {
            pdf.get_object(dict.get(b"ToUnicode").unwrap().as_reference().unwrap())
                .unwrap()
                .as_stream()
                .unwrap()
                .content
                .clone()
        });
    let cmap = String::from_utf8(cmap).unwrap();
    let mut to_unicode = BTreeMap::new();
    for line in cmap.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.len() == 2 && parts[0].starts_with('<') && parts[1].starts_with('<') {
            let code = u16::from_str_radix(parts[0].trim_matches(['<', '>']), 16).unwrap();
            let hex = parts[1].trim_matches(['<', '>']);
            let units: Vec<u16> = (0..hex.len() / 4)
                .map(|k| u16::from_str_radix(&hex[k * 4..k * 4 + 4], 16).unwrap())
                .collect();
            if code == 0 && parts[0] == "<0000>" && parts[1] == "<FFFF>" {
                continue; // codespace range
            }
            to_unicode.insert(code, String::from_utf16(&units).unwrap());
        }
    }
    PdfFont {
        base_font,
        to_unicode,
    }
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn is_folio(s: &str) -> bool {
    let t = squash(s);
    t.starts_with('—') && t.ends_with('—') && t.trim_matches('—').parse::<u32>().is_ok()
}

/// The prose and table labels of `doc`, in reading order.
fn expected_pieces(doc: &Document) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = doc.title.iter().map(|t| (true, squash(t))).collect();
    for b in &doc.blocks {
        match b {
            DocBlock::Heading { runs, .. } | DocBlock::Paragraph { runs, .. } => {
                let text: String = runs.iter().map(|r| r.text.as_str()).collect();
                out.push((true, squash(&text)));
            }
            DocBlock::Table(t) => {
                for c in &t.cells {
                    out.push((false, squash(&c.content.text())));
                }
            }
            DocBlock::Signature { agency, date } => {
                out.push((true, squash(agency)));
                out.push((true, squash(date)));
            }
            DocBlock::Imprint(i) => {
                if let Some((label, names)) = &i.cc {
                    out.push((true, squash(&format!("{label}{names}"))));
                }
                out.push((true, squash(&i.printer)));
                out.push((true, squash(&i.date)));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The PDF

#[test]
fn fonts_are_embedded_subsets_with_tounicode() {
    let out = export(&sample(), fonts()).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let pdf = lopdf::Document::load_mem(&out.bytes).unwrap();
    let mut names = Vec::new();
    for (_, page) in pdf.get_pages() {
        for (_, dict) in pdf.get_page_fonts(page).unwrap() {
            names.push(read_font(&pdf, dict).base_font);
        }
    }
    names.sort();
    names.dedup();
    // 仿宋, 楷体, 黑体, 标题, 宋体 (tables, page numbers), the Latin face (digits).
    assert_eq!(names.len(), 6, "{names:?}");
    for stem in [
        "NianbaoSerif",
        "FandolFang",
        "FandolKai",
        "NianbaoHei",
        "NianbaoTitle",
        "NianbaoSong",
    ] {
        assert!(
            names.iter().any(|n| n.contains(stem)),
            "{stem} in {names:?}"
        );
    }
    // Subsets: the whole PDF is far smaller than one full Fandol face (7 MB).
    assert!(out.bytes.len() < 400_000, "{} bytes", out.bytes.len());
}

#[test]
fn page_count_and_size() {
    let doc = sample();
    let out = export(&doc, fonts()).unwrap();
    let laid = layout(&doc, fonts()).unwrap();
    let pdf = lopdf::Document::load_mem(&out.bytes).unwrap();
    let pages = pdf.get_pages();
    assert_eq!(pages.len(), laid.pages.len());
    assert!((3..=6).contains(&pages.len()), "{} pages", pages.len());
    for (_, id) in pages {
        let page = pdf.get_dictionary(id).unwrap();
        let mb: Vec<f32> = page
            .get(b"MediaBox")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_float().unwrap())
            .collect();
        assert_eq!(mb[0], 0.0);
        assert_eq!(mb[1], 0.0);
        assert!((mb[2] - 595.28).abs() < 0.01, "{mb:?}");
        assert!((mb[3] - 841.89).abs() < 0.01, "{mb:?}");
    }
}

#[test]
fn text_reads_back_in_order() {
    assert_reads_back(&sample());
}

#[test]
fn every_example_reads_back_in_order() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    for name in [
        "wuzhong-xinfang-2024",
        "demo-county-2023",
        "demo-county-2024",
    ] {
        let loaded = nianbao_core::load_and_check(&root.join(name));
        let report = loaded.report.expect(name);
        let doc = nianbao_core::document::build(&report, false);
        assert_reads_back(&doc);
    }
}

/// The PDF's text layer holds the document's prose and labels, in reading order.
fn assert_reads_back(doc: &Document) {
    let out = export(doc, fonts()).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let blocks: Vec<String> = pdf_text(&out.bytes)
        .into_iter()
        .flatten()
        .filter(|b| !is_folio(b))
        .collect();
    let all = squash(&blocks.concat());
    // Every piece of prose is one contiguous string, in document order; table labels and
    // numbers appear in order too (repeated table headers are skipped over).
    let mut at = 0;
    for (prose, piece) in expected_pieces(doc) {
        let found = all[at..].find(&piece);
        let Some(pos) = found else {
            panic!("{piece:?} (prose: {prose}) not found after byte {at} in {all:?}");
        };
        at += pos + piece.len();
    }
    // Nothing else is in the text: its length equals the expected pieces plus repeated
    // table headers and cut cells.
    let expected_len: usize = expected_pieces(doc).iter().map(|p| p.1.len()).sum();
    assert!(all.len() >= expected_len);
    // Labels are byte-equal to format.rs (they come through the Document).
    assert!(all.contains(nianbao_core::format::T3_NOTE));
}

#[test]
fn two_exports_are_byte_identical() {
    let a = export(&sample(), fonts()).unwrap().bytes;
    let b = export(&sample(), fonts()).unwrap().bytes;
    assert!(a == b, "output differs between runs");
}

#[test]
fn metadata_comes_from_the_report() {
    let doc = sample();
    let out = export(&doc, fonts()).unwrap();
    let pdf = lopdf::Document::load_mem(&out.bytes).unwrap();
    assert_eq!(pdf.version, "1.7");
    let info = pdf
        .get_dictionary(pdf.trailer.get(b"Info").unwrap().as_reference().unwrap())
        .unwrap();
    let text = |key: &[u8]| -> String {
        let bytes = info.get(key).unwrap().as_str().unwrap();
        if bytes.starts_with(&[0xFE, 0xFF]) {
            let units: Vec<u16> = bytes[2..]
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).unwrap()
        } else {
            String::from_utf8(bytes.to_vec()).unwrap()
        }
    };
    assert_eq!(text(b"Title"), doc.meta.title);
    assert_eq!(text(b"Author"), doc.meta.author);
    assert_eq!(text(b"CreationDate"), "D:20250320000000+08'00'");
    assert_eq!(text(b"ModDate"), "D:20250320000000+08'00'");
    let catalog = pdf.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"zh-CN");
    let xmp = pdf
        .get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap())
        .unwrap()
        .as_stream()
        .unwrap();
    let xmp = String::from_utf8(xmp.content.clone()).unwrap();
    assert!(xmp.contains(&doc.meta.title));
    assert!(xmp.contains("2025-03-20T00:00:00+08:00"));
    let id = pdf.trailer.get(b"ID").unwrap().as_array().unwrap();
    assert_eq!(id.len(), 2);
    assert_eq!(id[0].as_str().unwrap().len(), 16);
}

#[test]
fn draft_has_a_mark_on_every_page() {
    let draft = document::build(&sample_report(), true);
    let pages = pages_of(&draft);
    for p in &pages {
        let mark = &p.lines[0];
        assert_eq!(mark.kind, LineKind::Draft, "page {}", p.number);
        assert_eq!(mark.text, "草稿");
        assert!(mark.gray > 0.5 && mark.angle != 0.0);
    }
    assert!(pages_of(&sample())
        .iter()
        .all(|p| p.lines.iter().all(|l| l.kind != LineKind::Draft)));
    // Drawn as grey outlines under the text: visible, but not in the text layer (so
    // extraction, search and copy of the report are unaffected).
    let out = export(&draft, fonts()).unwrap();
    let text: String = pdf_text(&out.bytes).into_iter().flatten().collect();
    assert!(!text.contains('草') && !text.contains('稿'));
    let pdf = lopdf::Document::load_mem(&out.bytes).unwrap();
    for (_, page) in pdf.get_pages() {
        let content = Content::decode(&pdf.get_page_content(page)).unwrap();
        let ops: Vec<&str> = content
            .operations
            .iter()
            .map(|o| o.operator.as_str())
            .collect();
        let grey = ops.iter().position(|&o| o == "g").expect("grey fill");
        let fills = ops.iter().filter(|&&o| o == "f").count();
        assert!(fills >= 2, "one filled path per glyph");
        let first_text = ops.iter().position(|&o| o == "BT").unwrap();
        assert!(grey < first_text, "the mark is drawn under the text");
    }
}

#[test]
fn truetype_fonts_embed_as_fontfile2() {
    // An agency may point a role at its own TrueType file (仿宋_GB2312.ttf and the like).
    let ttf = Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    if !ttf.exists() {
        eprintln!("skipped: {} not installed", ttf.display());
        return;
    }
    let dir = find_font_dir(None).unwrap();
    let f = Fonts::load(&dir, &[("song".to_string(), ttf.to_path_buf())]).unwrap();
    let out = export(&sample(), &f).unwrap();
    let pdf = lopdf::Document::load_mem(&out.bytes).unwrap();
    let mut found = false;
    for (_, page) in pdf.get_pages() {
        for (_, dict) in pdf.get_page_fonts(page).unwrap() {
            let f = read_font(&pdf, dict);
            if f.base_font.contains("DejaVuSans") {
                found = true;
            }
        }
    }
    assert!(found, "the TrueType face is used for page numbers");
    let text: String = pdf_text(&out.bytes).into_iter().flatten().collect();
    assert!(text.contains("— 1 —") || squash(&text).contains("—1—"));
}

// ---------------------------------------------------------------------------------------
// Layout facts on the page list

#[test]
fn full_body_lines_fill_the_type_area() {
    let mut count = 0;
    for p in pages_of(&sample()) {
        for l in p
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::Body && l.full)
        {
            count += 1;
            assert!(
                (l.x + l.width - right_edge()).abs() < 0.1,
                "line {:?} ends at {} not {}",
                l.text,
                l.x + l.width,
                right_edge()
            );
            // Independently of the layout's own width: a line that ends with an ideograph
            // ends with its full em box at the right edge.
            let run = l.runs.last().unwrap();
            let g = run.glyphs.last().unwrap();
            if ('\u{4e00}'..='\u{9fff}').contains(&g.ch) {
                // Its grid cell (15.79 pt; the 16 pt em box overhangs it by 0.21 pt).
                let end = l.x + g.x + AREA_W / CHARS as f32;
                assert!((end - right_edge()).abs() < 0.1, "{:?}: {end}", l.text);
            }
        }
    }
    assert!(count > 10);
}

#[test]
fn a_page_of_plain_text_has_22_lines_of_28_characters() {
    let text = "政".repeat(CHARS * LINES * 2 + 10);
    let pages = pages_of(&doc_with(vec![para(&text)]));
    assert_eq!(pages.len(), 3);
    for p in &pages[..2] {
        let body: Vec<&Line> = p
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::Body)
            .collect();
        assert_eq!(body.len(), LINES, "page {}", p.number);
        for (k, l) in body.iter().enumerate() {
            let expect = if p.number == 1 && k == 0 {
                CHARS - 2
            } else {
                CHARS
            };
            assert_eq!(l.text.chars().count(), expect);
            assert!((l.x + l.width - right_edge()).abs() < 0.1);
            // On the grid: slot k of the type area.
            let slot_top = AREA_Y + k as f32 * PITCH;
            assert!(l.y > slot_top && l.y < slot_top + PITCH);
        }
        // Every column lines up: the n-th character of every full line is at the same x.
        let xs: Vec<f32> = body[1].runs[0]
            .glyphs
            .iter()
            .map(|g| body[1].x + g.x)
            .collect();
        for l in &body[2..] {
            for (g, x) in l.runs[0].glyphs.iter().zip(&xs) {
                assert!((l.x + g.x - x).abs() < 0.01);
            }
        }
    }
}

/// Paragraphs that try every 禁则 rule, each shifted by 0–30 characters so every mark
/// meets a line end somewhere.
fn tricky_corpus() -> Vec<String> {
    let base = [
        "他说：“我们要坚持依法公开……”。随后（见附件一）《条例》「引号」『双引号』继续推进。",
        "咨询电话：0517-83605210，电子邮箱hazwgkc@163.com，网址http://www.shifan.gov.cn/xxgk/index.html。",
        "全年增长12.5%，达到2024年的水平；同比下降3.2%，占比１５％，合计约3856条（件）。",
        "“‘嵌套的引号’”（（双重括号））《〈书名〉》……”。！？继续下一句话。",
        "破折号——以及省略号……都不能拆开；“引文……”。【方括号】〔2020〕109号文件。",
        "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），全年共发出收费通知0件。",
        // A URL longer than a line after an opening bracket: no lone “（” line, no loose line.
        "可在“年报”栏目（http://www.qinghexian.gov.cn/col/col1563/art/2025/zfxxgkndbg_index.html?lmid=1563&nf=2024）查阅。",
    ];
    let mut out = Vec::new();
    for text in base {
        for k in 0..30 {
            out.push(format!("{}{}", "测".repeat(k), text));
        }
    }
    out
}

#[test]
fn no_line_starts_or_ends_with_a_forbidden_mark() {
    let blocks: Vec<DocBlock> = tricky_corpus().iter().map(|t| para(t)).collect();
    let pages = pages_of(&doc_with(blocks));
    let mut lines = 0;
    for p in &pages {
        for l in p.lines.iter().filter(|l| l.kind == LineKind::Body) {
            lines += 1;
            let first = l.text.chars().next().unwrap();
            let last = l.text.chars().last().unwrap();
            assert!(!no_start(first), "line starts with {first}: {:?}", l.text);
            assert!(!no_end(last), "line ends with {last}: {:?}", l.text);
            // The same rules spelled out here, independently of the engine's tables.
            assert!(
                !"，。、；：？！）》」』”’…%％".contains(first),
                "{:?}",
                l.text
            );
            assert!(!"（《「『“‘〔【".contains(last), "{:?}", l.text);
            assert!(!l.text.contains("——") || !l.text.ends_with('—') || l.text.ends_with("——"));
            if l.full {
                assert!((l.x + l.width - right_edge()).abs() < 0.1, "{:?}", l.text);
            }
        }
    }
    assert!(lines > 300);
    // Digit and Latin runs never split.
    let texts: Vec<String> = pages
        .iter()
        .flat_map(|p| p.lines.iter().map(|l| l.text.clone()))
        .collect();
    for token in [
        "0517-83605210",
        "hazwgkc@163.com",
        "12.5%",
        "3.2%",
        "2024",
        "3856",
    ] {
        let whole = texts.iter().filter(|t| t.contains(token)).count();
        let total = tricky_corpus().iter().filter(|t| t.contains(token)).count();
        assert!(whole >= total, "{token} split: {whole} < {total}");
    }
    // Dashes and ellipses stay in pairs.
    for t in &texts {
        assert!(!t.starts_with('…') && !t.ends_with("………"));
        let dashes = t.chars().filter(|&c| c == '—').count();
        assert!(dashes % 2 == 0, "split dash pair in {t:?}");
    }
}

#[test]
fn a_latin_run_longer_than_a_line_is_cut_at_a_slash() {
    let url = format!(
        "https://example.gov.cn/{}/index.html",
        "abcdefghij".repeat(8)
    );
    let pages = pages_of(&doc_with(vec![para(&format!("网址：{url}。"))]));
    let lines: Vec<&Line> = pages[0]
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Body)
        .collect();
    assert!(lines.len() >= 2);
    let joined: String = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(joined, format!("网址：{url}。"));
    for l in &lines {
        assert!(l.x + l.width <= right_edge() + 0.1);
    }
}

#[test]
fn headings_keep_with_the_next_line() {
    // Fill 21 lines, then a heading: it must move to the next page with its paragraph.
    let filler = "政".repeat(CHARS * 21 - 2);
    let pages = pages_of(&doc_with(vec![
        para(&filler),
        heading(1, "一、总体情况"),
        para("正文第一行。"),
    ]));
    assert_eq!(pages.len(), 2);
    assert!(pages[0]
        .lines
        .iter()
        .all(|l| !matches!(l.kind, LineKind::Heading(_))));
    assert_eq!(pages[1].lines[0].kind, LineKind::Heading(1));
    assert_eq!(pages[1].lines[1].text, "正文第一行。");
    // And in the sample: no heading is the last text line of a page.
    for p in pages_of(&sample()) {
        let last = p
            .lines
            .iter()
            .filter(|l| l.kind != LineKind::PageNumber)
            .max_by(|a, b| a.y.total_cmp(&b.y))
            .unwrap();
        assert!(
            !matches!(last.kind, LineKind::Heading(_)),
            "page {}",
            p.number
        );
    }
}

#[test]
fn heading_fonts_follow_the_standard() {
    let f = fonts();
    let pages = pages_of(&sample());
    let face_of = |kind: LineKind| {
        pages
            .iter()
            .flat_map(|p| &p.lines)
            .find(|l| l.kind == kind)
            .and_then(|l| {
                // The face of its hanzi (digits are in the Latin face).
                l.runs
                    .iter()
                    .find(|r| r.glyphs.iter().any(|g| g.ch > '\u{2e80}'))
                    .or(l.runs.first())
                    .map(|r| (r.face, r.size))
            })
            .unwrap()
    };
    assert_eq!(face_of(LineKind::Title), (f.face_of(Role::Title), 22.0));
    assert_eq!(face_of(LineKind::Heading(1)), (f.face_of(Role::Hei), 16.0));
    assert_eq!(face_of(LineKind::Heading(2)), (f.face_of(Role::Kai), 16.0));
    assert_eq!(face_of(LineKind::Heading(3)), (f.face_of(Role::Fang), 16.0));
    assert_eq!(face_of(LineKind::Body), (f.face_of(Role::Fang), 16.0));
    assert_eq!(face_of(LineKind::PageNumber), (f.face_of(Role::Song), 14.0));
    // Tables in 五号 仿宋, as in the DOCX (docs/format.md, 表格字体).
    assert_eq!(face_of(LineKind::Cell), (f.face_of(Role::Fang), 10.5));
    assert_eq!(face_of(LineKind::Signature), (f.face_of(Role::Fang), 16.0));
    // Body paragraphs are indented two characters.
    let first = pages[0]
        .lines
        .iter()
        .find(|l| l.kind == LineKind::Body)
        .unwrap();
    assert!((first.x - (AREA_X + 2.0 * (AREA_W / CHARS as f32))).abs() < 0.2);
}

#[test]
fn table_two_breaks_only_between_its_groups() {
    // 表二 has no header rows to repeat: it breaks only before a 第二十条 group row, so every
    // page's part starts with its own headings; its heading keeps with the first group.
    for extra in 0..22usize {
        let mut doc = sample();
        let at = doc
            .blocks
            .iter()
            .position(|b| matches!(b, DocBlock::Table(t) if t.shape.name == "表二"))
            .unwrap();
        for _ in 0..extra {
            doc.blocks.insert(at - 1, para(&"文".repeat(CHARS)));
        }
        let pages = pages_of(&doc);
        let on: Vec<usize> = pages
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.lines.iter().any(|l| {
                    l.kind == LineKind::Cell
                        && (l.text.starts_with("第二十条") || l.text == "行政事业性收费")
                })
            })
            .map(|(i, _)| i)
            .collect();
        for &i in &on {
            let first = pages[i]
                .lines
                .iter()
                .filter(|l| l.kind == LineKind::Cell)
                .min_by(|a, b| a.y.total_cmp(&b.y))
                .unwrap();
            assert!(
                first.text.starts_with("第二十条"),
                "extra {extra}: page {} starts 表二 with {:?}",
                i + 1,
                first.text
            );
        }
        let heading = pages
            .iter()
            .position(|p| p.lines.iter().any(|l| l.text == "二、主动公开政府信息情况"))
            .unwrap();
        assert_eq!(heading, on[0], "extra {extra}: heading left behind");
    }
}

#[test]
fn table_header_repeats_after_a_page_break() {
    // The sample's table 三 runs over more than one page; push it around with paragraphs
    // before it so the break falls in different places.
    for extra in [0usize, 3, 9, 15] {
        let mut doc = sample();
        let at = doc
            .blocks
            .iter()
            .position(|b| matches!(b, DocBlock::Table(t) if t.shape.name == "表三"))
            .unwrap();
        for _ in 0..extra {
            doc.blocks.insert(at, para(&"文".repeat(CHARS)));
        }
        let table = match &doc.blocks[at + extra] {
            DocBlock::Table(t) => t.clone(),
            _ => unreachable!(),
        };
        let header_texts: Vec<String> = table
            .cells
            .iter()
            .filter(|c| usize::from(c.row) < usize::from(table.shape.header_rows))
            .map(|c| c.content.text())
            .collect();
        let pages = pages_of(&doc);
        let with_header: Vec<&Page> = pages
            .iter()
            .filter(|p| p.lines.iter().any(|l| l.text == "申请人情况"))
            .collect();
        assert!(
            with_header.len() >= 2,
            "extra {extra}: table 三 did not break"
        );
        for p in &with_header {
            let cells: Vec<&Line> = p
                .lines
                .iter()
                .filter(|l| l.kind == LineKind::Cell)
                .collect();
            // The header is at the top of the table's part on this page.
            let header_y = cells.iter().find(|l| l.text == "申请人情况").unwrap().y;
            let top_of_t3 = cells
                .iter()
                .filter(|l| l.y >= header_y - 40.0)
                .map(|l| l.y)
                .fold(f32::MAX, f32::min);
            assert!(header_y <= top_of_t3 + 30.0);
            // Every header label is there.
            let page_text: String = cells.iter().map(|l| l.text.as_str()).collect();
            for h in &header_texts {
                assert!(
                    page_text.contains(h.as_str()) || h.chars().count() > 8,
                    "{h}"
                );
            }
        }
        // The 22-row 三、本年度办理结果 label is drawn on every page with its rows.
        let label_pages = pages
            .iter()
            .filter(|p| {
                p.lines
                    .iter()
                    .any(|l| l.kind == LineKind::Cell && l.text.starts_with("三、"))
            })
            .count();
        let result_rows_pages = pages
            .iter()
            .filter(|p| {
                p.lines.iter().any(|l| {
                    l.text.contains("（七）总计")
                        || l.text.contains("属于")
                        || l.text.contains("其他处理")
                })
            })
            .count();
        assert!(label_pages >= result_rows_pages, "extra {extra}");
        // No row is split: the cells of every body row of table 三 are on one page.
        for c in table.cells.iter().filter(|c| {
            matches!(c.content, CellContent::Label { .. }) && c.rowspan == 1 && c.col == 2
        }) {
            let first_line: String = c.content.text().chars().take(3).collect();
            let on: Vec<usize> = pages
                .iter()
                .filter(|p| {
                    p.lines
                        .iter()
                        .any(|l| l.kind == LineKind::Cell && l.text.starts_with(&first_line))
                })
                .map(|p| p.number)
                .collect();
            assert!(!on.is_empty(), "{first_line}");
        }
    }
}

#[test]
fn table_rows_are_never_split_and_borders_close() {
    // Every cell line of a page lies inside the table's ruled area of that page.
    for p in pages_of(&sample()) {
        if p.rules.is_empty() {
            continue;
        }
        let top = p
            .rules
            .iter()
            .map(|r| r.y1.min(r.y2))
            .fold(f32::MAX, f32::min);
        let bottom = p
            .rules
            .iter()
            .map(|r| r.y1.max(r.y2))
            .fold(f32::MIN, f32::max);
        assert!(
            bottom <= AREA_Y + AREA_H + 0.01,
            "table overflows page {}",
            p.number
        );
        for l in p.lines.iter().filter(|l| l.kind == LineKind::Cell) {
            assert!(l.y > top && l.y < bottom, "{} outside the table", l.text);
        }
        // Left and right borders at the type area's edges.
        assert!(p
            .rules
            .iter()
            .any(|r| (r.x1 - AREA_X).abs() < 0.01 && r.x1 == r.x2));
        assert!(p
            .rules
            .iter()
            .any(|r| (r.x1 - right_edge()).abs() < 0.01 && r.x1 == r.x2));
    }
}

/// The synthetic reports of the benchmarks lay out: prose from a few lines to several pages,
/// so table 三 starts at different heights and breaks across pages in different places.
#[test]
fn synthetic_reports_lay_out_in_varied_lengths() {
    let mut page_counts = Vec::new();
    let mut break_rows = std::collections::BTreeSet::new();
    for seed in 0..16 {
        let files = nianbao_core::sample::synthetic_source(seed);
        let prose: Vec<(&str, &str)> = files[1..]
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let mut loaded = nianbao_core::load::load_str(&files[0].1, &prose);
        nianbao_core::finish(&mut loaded);
        let doc = document::build(loaded.report.as_ref().unwrap(), false);
        let pages = pages_of(&doc);
        page_counts.push(pages.len());
        let with_t3: Vec<usize> = pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.lines.iter().any(|l| l.text == "申请人情况"))
            .map(|(i, _)| i)
            .collect();
        assert!(with_t3.len() >= 2, "seed {seed}: table 三 on {with_t3:?}");
        // Where the break falls: cells on the first page of table 三.
        let first = &pages[with_t3[0]];
        break_rows.insert(
            first
                .lines
                .iter()
                .filter(|l| l.kind == LineKind::Cell)
                .count(),
        );
    }
    page_counts.sort_unstable();
    assert!(
        page_counts[0] < page_counts[page_counts.len() - 1],
        "{page_counts:?}"
    );
    assert!(break_rows.len() >= 4, "{break_rows:?}");
}

#[test]
fn page_numbers_alternate_sides() {
    let pages = pages_of(&sample());
    assert!(pages.len() >= 2);
    for p in &pages {
        let folio = p
            .lines
            .iter()
            .find(|l| l.kind == LineKind::PageNumber)
            .unwrap();
        assert_eq!(folio.text, format!("— {} —", p.number));
        if p.number % 2 == 1 {
            assert!((folio.x + folio.width - (right_edge() - 14.0)).abs() < 0.1);
        } else {
            assert!((folio.x - (AREA_X + 14.0)).abs() < 0.1);
        }
        // The dashes 7 mm below the type area (GB/T 9704 §7.5 read literally): the shipped
        // 宋体's em dash has its ink at 0.242–0.293 em above the baseline.
        let dash = folio.y - 0.2675 * 14.0;
        assert!((dash - (AREA_Y + AREA_H + 7.0 * MM)).abs() < 0.1, "{dash}");
    }
}

#[test]
fn signature_is_set_per_gb9704() {
    let pages = pages_of(&sample());
    let last = pages.last().unwrap();
    let sig: Vec<&Line> = last
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Signature)
        .collect();
    assert_eq!(sig.len(), 2);
    let (name, date) = (sig[0], sig[1]);
    assert_eq!(name.text, "示范县人民政府办公室");
    assert_eq!(date.text, "2025年3月20日");
    let ch = AREA_W / CHARS as f32;
    assert!((name.x + name.width - (right_edge() - 2.0 * ch)).abs() < 0.2);
    assert!((date.x - (name.x + 2.0 * ch)).abs() < 0.2);
    assert!((date.y - name.y - PITCH).abs() < 0.01);
    // One blank line after the body.
    let body_last = last
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Body)
        .map(|l| l.y)
        .fold(f32::MIN, f32::max);
    assert!((name.y - body_last - 2.0 * PITCH).abs() < 0.01);
    // A date longer than the name: right-indented two characters, name two before it.
    let mut doc = sample();
    if let Some(DocBlock::Signature { agency, .. }) = doc.blocks.last_mut() {
        *agency = "某局".into();
    }
    let pages = pages_of(&doc);
    let sig: Vec<&Line> = pages
        .last()
        .unwrap()
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Signature)
        .collect();
    assert!((sig[1].x + sig[1].width - (right_edge() - 2.0 * ch)).abs() < 0.2);
    assert!((sig[0].x - (sig[1].x - 2.0 * ch)).abs() < 0.2);
}

fn imprint_block(cc: &str) -> DocBlock {
    DocBlock::Imprint(Imprint {
        cc: (!cc.is_empty()).then(|| ("抄送：".to_string(), cc.to_string())),
        printer: "示范县人民政府办公室".into(),
        date: "2025年3月20日印发".into(),
    })
}

/// The 版记 per GB/T 9704 §7.4 at the foot of the last page: the last rule on the bottom
/// edge of the type area, rules as wide as it (thick, thin, thick), 4号; the 抄送 line one
/// character in, continuation lines under the first agency; 印发机关 one character from the
/// left, 印发日期 one from the right; every line on the body pitch; the text reads back.
#[test]
fn imprint_sits_at_the_foot_of_the_last_page() {
    let cc = "县人民政府办公室，县政务公开领导小组办公室，市交通运输局，县纪委监委驻县政府办公室纪检监察组。";
    let doc = doc_with(vec![
        para("本年度未收取信息处理费。"),
        DocBlock::Signature {
            agency: "示范县人民政府办公室".into(),
            date: "2025年3月20日".into(),
        },
        imprint_block(cc),
    ]);
    let pages = pages_of(&doc);
    assert_eq!(pages.len(), 1);
    let last = pages.last().unwrap();
    let size = 14.0;
    let lines: Vec<&Line> = last
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Imprint)
        .collect();
    assert_eq!(lines.len(), 4, "{lines:#?}");
    // Same page as the signature when it has room.
    assert!(last.lines.iter().any(|l| l.kind == LineKind::Signature));
    let (cc1, cc2, printer, date) = (lines[0], lines[1], lines[2], lines[3]);
    assert_eq!(format!("{}{}", cc1.text, cc2.text), format!("抄送：{cc}"));
    assert!((cc1.x - (AREA_X + size)).abs() < 0.01);
    assert!((cc2.x - (AREA_X + 4.0 * size)).abs() < 0.5, "{}", cc2.x);
    assert!(cc1.full && (cc1.x + cc1.width - (right_edge() - size)).abs() < 0.01);
    assert!((printer.x - (AREA_X + size)).abs() < 0.01);
    assert!((date.x + date.width - (right_edge() - size)).abs() < 0.01);
    assert_eq!(printer.y, date.y);
    assert!((cc2.y - cc1.y - PITCH).abs() < 0.01 && (printer.y - cc2.y - PITCH).abs() < 0.01);
    for l in &lines {
        assert!(l.runs.iter().all(|r| r.size == size));
    }
    let rules: Vec<&Rule> = last.rules.iter().collect();
    let ys: Vec<f32> = rules.iter().map(|r| r.y1).collect();
    let bottom = AREA_Y + AREA_H;
    assert_eq!(ys.len(), 3, "{ys:?}");
    assert!((ys[2] - bottom).abs() < 0.01);
    assert!((ys[1] - (bottom - PITCH)).abs() < 0.01);
    assert!((ys[0] - (bottom - 3.0 * PITCH)).abs() < 0.01);
    let widths: Vec<f32> = rules
        .iter()
        .map(|r| (r.width * 100.0).round() / 100.0)
        .collect();
    assert_eq!(widths, [0.99, 0.71, 0.99]);
    for r in &rules {
        assert!((r.x1 - AREA_X).abs() < 0.01 && (r.x2 - right_edge()).abs() < 0.01);
        assert_eq!(r.y1, r.y2);
    }
    // Text between the rules: each line's baseline inside its band.
    assert!(cc1.y > ys[0] && cc2.y < ys[1] && printer.y > ys[1] && printer.y < ys[2]);
    // The written PDF strokes each rule with its own width (PDF y from the bottom).
    let out = export(&doc, fonts()).unwrap();
    let drawn = stroked_lines(&out.bytes);
    let want: Vec<(f32, f32)> = rules
        .iter()
        .map(|r| (PAGE_HEIGHT - r.y1, r.width))
        .collect();
    assert_eq!(drawn.len(), want.len(), "{drawn:?}");
    for ((y, w), (wy, ww)) in drawn.iter().zip(&want) {
        assert!((y - wy).abs() < 0.01 && (w - ww).abs() < 0.01, "{drawn:?}");
    }
    let mut full = sample();
    full.blocks.push(imprint_block(cc));
    assert_reads_back(&full);
}

/// The first page's straight lines as the content stream strokes them: (y of the start, the
/// line width in force at the `S` that strokes it).
fn stroked_lines(bytes: &[u8]) -> Vec<(f32, f32)> {
    let pdf = lopdf::Document::load_mem(bytes).expect("parse pdf");
    let (_, page_id) = pdf.get_pages().into_iter().next().expect("a page");
    let content = Content::decode(&pdf.get_page_content(page_id)).expect("content");
    let num = |o: &lopdf::Object| o.as_float().expect("number");
    let (mut width, mut path, mut out) = (1.0, Vec::new(), Vec::new());
    for op in &content.operations {
        match op.operator.as_str() {
            "w" => width = num(&op.operands[0]),
            "m" => path.push(num(&op.operands[1])),
            "S" => out.extend(path.drain(..).map(|y| (y, width))),
            _ => {}
        }
    }
    out
}

/// Without room below the signature the 版记 goes to the foot of a page of its own; without
/// 抄送 it is the 印发 line between two thick rules.
#[test]
fn imprint_without_room_takes_a_new_page() {
    let mut doc = sample();
    let n = pages_of(&doc).len();
    let sig = doc.blocks.pop().unwrap();
    // Fill the last page until the signature ends on its last lines.
    let mut filled = doc.clone();
    loop {
        let mut d = filled.clone();
        d.blocks.push(sig.clone());
        let pages = pages_of(&d);
        let last = pages.last().unwrap();
        let y = last
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::Signature)
            .map(|l| l.y)
            .fold(0.0, f32::max);
        if pages.len() == n && y > AREA_Y + AREA_H - 2.0 * PITCH {
            filled = d;
            break;
        }
        assert!(pages.len() == n, "overshot");
        filled.blocks.push(para("本年度继续加强政府信息公开工作。"));
    }
    filled.blocks.push(imprint_block(""));
    let pages = pages_of(&filled);
    assert_eq!(pages.len(), n + 1);
    let last = pages.last().unwrap();
    let kinds: Vec<LineKind> = last.lines.iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        [LineKind::Imprint, LineKind::Imprint, LineKind::PageNumber]
    );
    assert_eq!(last.rules.len(), 2);
    assert!(last.rules.iter().all(|r| (r.width - 0.99).abs() < 0.01));
    assert!((last.rules[1].y1 - (AREA_Y + AREA_H)).abs() < 0.01);
    assert!((last.rules[0].y1 - (AREA_Y + AREA_H - PITCH)).abs() < 0.01);
}

/// A signing agency too long for a line (about 35 characters used to run off the left edge)
/// breaks into balanced lines, each right-indented two characters, the date two characters
/// right of the wider line's start; nothing leaves the type area.
#[test]
fn long_signature_breaks_into_right_aligned_lines() {
    let agency = "某某县交通运输局机关党委办公室某某某某某某某某某某某某某某某某某某某某某某";
    let mut doc = sample();
    if let Some(DocBlock::Signature { agency: a, .. }) = doc.blocks.last_mut() {
        *a = agency.into();
    }
    let pages = pages_of(&doc);
    let sig: Vec<&Line> = pages
        .last()
        .unwrap()
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Signature)
        .collect();
    assert_eq!(sig.len(), 3);
    assert_eq!(format!("{}{}", sig[0].text, sig[1].text), agency);
    let ch = AREA_W / CHARS as f32;
    for l in &sig[..2] {
        assert!((l.x + l.width - (right_edge() - 2.0 * ch)).abs() < 0.2);
        assert!(l.x >= AREA_X);
    }
    let start = sig[0].x.min(sig[1].x);
    assert!((sig[2].x - (start + 2.0 * ch)).abs() < 0.2);
    assert!((sig[1].y - sig[0].y - PITCH).abs() < 0.01);
    assert_reads_back(&doc);
}

#[test]
fn long_title_wraps_balanced_without_splitting_latin() {
    let mut doc = sample();
    doc.title = vec![
        "示范省示范市示范县人民政府办公室与示范县GOV2024数据管理局联合".into(),
        "2024年政府信息公开工作年度报告".into(),
    ];
    let pages = pages_of(&doc);
    let title: Vec<&Line> = pages[0]
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Title)
        .collect();
    assert_eq!(title.len(), 3);
    assert!(title.iter().any(|l| l.text.contains("GOV2024")));
    let (a, b) = (title[0].text.chars().count(), title[1].text.chars().count());
    assert!(a.abs_diff(b) <= 4, "{} / {}", title[0].text, title[1].text);
    for l in &title {
        let centre = l.x + l.width / 2.0;
        assert!((centre - (AREA_X + AREA_W / 2.0)).abs() < 0.1);
    }
}

#[test]
fn missing_characters_warn_and_are_not_drawn() {
    // U+2A6A5 (CJK Ext. B) and a private-use character are in none of the shipped faces.
    let span = Span::new(FileId(3), 10..40);
    let doc = doc_with(vec![
        heading(1, "一、总体情况"),
        DocBlock::Paragraph {
            runs: vec![Run {
                text: "张\u{2A6A5}同志和\u{E000}。".into(),
                bold: false,
            }],
            source: Some(span.clone()),
        },
        para("无来源的\u{E001}段落"),
    ]);
    let out = export(&doc, fonts()).unwrap();
    let w: Vec<_> = out.warnings.iter().filter(|d| d.id == "W-GLYPH").collect();
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(w[0].message.contains('\u{2A6A5}'));
    assert_eq!(w[0].span.as_ref(), Some(&span));
    assert!(w[1].message.contains('\u{E000}'));
    assert!(w[2].span.is_none());
    assert!(w[2].message.contains("一、总体情况"), "{}", w[2].message);
    let text: String = pdf_text(&out.bytes).into_iter().flatten().collect();
    assert!(text.contains("张同志和。"));
    assert!(!text.contains('\u{E000}'));
}

#[test]
fn rare_characters_come_from_the_fallback_face() {
    // 镕 is outside GB2312 (Fandol lacks it); the GBK fallback face has it.
    let pages = pages_of(&doc_with(vec![para("朱镕基同志")]));
    let line = pages[0]
        .lines
        .iter()
        .find(|l| l.kind == LineKind::Body)
        .unwrap();
    assert_eq!(line.text, "朱镕基同志");
    let faces: Vec<FaceId> = line.runs.iter().map(|r| r.face).collect();
    assert!(faces.contains(&fonts().face_of(Role::Fallback)));
    assert!(faces.contains(&fonts().face_of(Role::Fang)));
}

#[test]
fn font_dir_errors_name_the_places() {
    let bad = PathBuf::from("/nonexistent/fonts");
    let e = find_font_dir(Some(&bad)).unwrap_err();
    assert!(e.message.contains("/nonexistent/fonts"), "{e}");
    let dir = find_font_dir(None).unwrap();
    assert!(dir.join("fonts.toml").is_file());
    let e = Fonts::load(&dir, &[("bogus".into(), PathBuf::from("x.otf"))]).unwrap_err();
    assert!(e.message.contains("bogus"));
    let e = Fonts::load(
        &dir,
        &[("fang".into(), PathBuf::from("/nonexistent/x.otf"))],
    )
    .unwrap_err();
    assert!(e.message.contains("/nonexistent/x.otf"));
}

#[test]
fn fonts_are_shareable_across_threads() {
    fn check<T: Send + Sync>() {}
    check::<Fonts>();
    let f = fonts();
    let a = std::thread::scope(|s| {
        let h = s.spawn(|| export(&sample(), f).unwrap().bytes);
        h.join().unwrap()
    });
    assert_eq!(a, export(&sample(), f).unwrap().bytes);
}

#[test]
fn golden_layout_of_the_sample() {
    let got = describe(&pages_of(&sample()));
    assert_golden("pdf/sample.layout.txt", &got, "the layout");
}

/// Writes the sample (and a draft) to `$NIANBAO_DUMP_DIR` for the interop script.
#[test]
#[ignore]
fn dump_sample() {
    let Some(dir) = std::env::var_os("NIANBAO_DUMP_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let t = std::time::Instant::now();
    let f = Fonts::load(&find_font_dir(None).unwrap(), &[]).unwrap();
    let loaded = t.elapsed();
    let t = std::time::Instant::now();
    let out = export(&sample(), &f).unwrap();
    let took = t.elapsed();
    eprintln!(
        "font load {loaded:?}; export {took:?}; {} bytes",
        out.bytes.len()
    );
    std::fs::write(dir.join("sample.pdf"), &out.bytes).unwrap();
    let draft = export(&document::build(&sample_report(), true), &f).unwrap();
    std::fs::write(dir.join("sample-draft.pdf"), &draft.bytes).unwrap();
    let tricky: Vec<DocBlock> = tricky_corpus().iter().map(|t| para(t)).collect();
    let tricky = export(&doc_with(tricky), &f).unwrap();
    std::fs::write(dir.join("tricky.pdf"), &tricky.bytes).unwrap();
    // The expected prose, one paragraph per line, for the interop script to find.
    let mut prose = String::new();
    for (is_prose, piece) in expected_pieces(&sample()) {
        if is_prose {
            prose.push_str(&piece);
            prose.push('\n');
        }
    }
    std::fs::write(dir.join("sample.prose.txt"), &prose).unwrap();
    std::fs::write(dir.join("sample-draft.prose.txt"), &prose).unwrap();
    let mut prose = String::new();
    for t in tricky_corpus() {
        prose.push_str(&squash(&t));
        prose.push('\n');
    }
    std::fs::write(dir.join("tricky.prose.txt"), prose).unwrap();
}

/// Prints the fastest of 30 runs of each stage (no timed assertions: the machine is shared).
#[test]
#[ignore]
fn timing_breakdown() {
    let dir = find_font_dir(None).unwrap();
    let t = std::time::Instant::now();
    let f = Fonts::load(&dir, &[]).unwrap();
    eprintln!("font load {:?}", t.elapsed());
    let doc = sample();
    let (mut p, mut l, mut w, mut all) = (f64::MAX, f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..30 {
        let t = std::time::Instant::now();
        let faces = f.parse().unwrap();
        let t1 = t.elapsed().as_secs_f64();
        let pages = crate::layout::lay_out(&doc, &faces).pages;
        let t2 = t.elapsed().as_secs_f64();
        let bytes = super::writer::write(&pages, &faces, &doc).unwrap();
        let t3 = t.elapsed().as_secs_f64();
        assert!(!bytes.is_empty());
        p = p.min(t1);
        l = l.min(t2 - t1);
        w = w.min(t3 - t2);
        let t = std::time::Instant::now();
        let _ = export(&doc, &f).unwrap();
        all = all.min(t.elapsed().as_secs_f64());
    }
    eprintln!(
        "best of 30: parse {:.3} ms, layout {:.3} ms, write {:.3} ms, export {:.3} ms",
        p * 1e3,
        l * 1e3,
        w * 1e3,
        all * 1e3
    );
}

/// What PDF/A-2b asks beyond a plain PDF, read back: the binary header comment, the sRGB OutputIntent with the vendored profile, an XMP packet that claims
/// part 2 / conformance B and repeats the Info dictionary, a CIDSet that lists exactly the
/// glyphs of each embedded program. (veraPDF's other rules: pdfa2b-check.py and PDFBox
/// Preflight in CI, scripts/interop-pdf.sh.)
#[test]
fn pdfa_2b_markers() {
    for (draft, doc) in [
        (false, sample()),
        (true, document::build(&sample_report(), true)),
    ] {
        let bytes = export(&doc, fonts()).unwrap().bytes;
        assert!(bytes.starts_with(b"%PDF-1.7\n%"));
        assert!(bytes[10..14].iter().all(|&b| b > 127), "binary comment");
        // A cross-reference stream (PDF 1.5, allowed by PDF/A-2), so no classic table.
        assert!(
            !bytes.windows(6).any(|w| w == b"\nxref\n"),
            "a cross-reference stream"
        );
        let pdf = lopdf::Document::load_mem(&bytes).unwrap();
        let catalog = pdf.catalog().unwrap();
        let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
        assert_eq!(intents.len(), 1);
        let intent = pdf
            .get_dictionary(intents[0].as_reference().unwrap())
            .unwrap();
        assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFA1");
        let profile = pdf
            .get_object(
                intent
                    .get(b"DestOutputProfile")
                    .unwrap()
                    .as_reference()
                    .unwrap(),
            )
            .unwrap()
            .as_stream()
            .unwrap();
        assert_eq!(profile.dict.get(b"N").unwrap().as_i64().unwrap(), 3);
        let icc = profile.decompressed_content().unwrap();
        assert_eq!(icc, super::pdfa::SRGB_ICC);

        let info = pdf
            .get_dictionary(pdf.trailer.get(b"Info").unwrap().as_reference().unwrap())
            .unwrap();
        let info_text = |key: &[u8]| -> String {
            let b = info.get(key).unwrap().as_str().unwrap();
            match b.strip_prefix(&[0xFE, 0xFF]) {
                Some(u) => String::from_utf16(
                    &u.chunks(2)
                        .map(|c| u16::from_be_bytes([c[0], c[1]]))
                        .collect::<Vec<_>>(),
                )
                .unwrap(),
                None => String::from_utf8(b.to_vec()).unwrap(),
            }
        };
        let xmp_stream = pdf
            .get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap())
            .unwrap()
            .as_stream()
            .unwrap();
        assert!(xmp_stream.dict.get(b"Filter").is_err(), "XMP unfiltered");
        let xmp = String::from_utf8(xmp_stream.content.clone()).unwrap();
        let element = |name: &str| -> String {
            let open = format!("<{name}>");
            let start = xmp.find(&open).unwrap_or_else(|| panic!("{name}")) + open.len();
            let end = start + xmp[start..].find(&format!("</{name}>")).unwrap();
            let inner = &xmp[start..end];
            // rdf:Alt / rdf:Seq: the one rdf:li.
            match inner.find("<rdf:li") {
                Some(li) => {
                    let from = li + inner[li..].find('>').unwrap() + 1;
                    inner[from..from + inner[from..].find("</rdf:li>").unwrap()].to_string()
                }
                None => inner.to_string(),
            }
        };
        assert_eq!(element("pdfaid:part"), "2");
        assert_eq!(element("pdfaid:conformance"), "B");
        assert_eq!(element("dc:title"), info_text(b"Title"));
        assert_eq!(element("dc:creator"), info_text(b"Author"));
        assert_eq!(element("xmp:CreatorTool"), info_text(b"Creator"));
        assert_eq!(element("pdf:Producer"), info_text(b"Producer"));
        // D:20250320000000+08'00' ↔ 2025-03-20T00:00:00+08:00
        let d = info_text(b"CreationDate");
        let iso = format!(
            "{}-{}-{}T{}:{}:{}{}:{}",
            &d[2..6],
            &d[6..8],
            &d[8..10],
            &d[10..12],
            &d[12..14],
            &d[14..16],
            &d[16..19],
            &d[20..22]
        );
        assert_eq!(element("xmp:CreateDate"), iso, "draft {draft}");
        assert_eq!(info_text(b"ModDate"), d);
        assert_eq!(element("xmp:ModifyDate"), iso);

        // CIDSet: one bit per glyph of the embedded program.
        let mut fonts_seen = 0;
        let mut hintless = 0;
        for (_, obj) in pdf.objects.iter() {
            let Ok(desc) = obj.as_dict() else { continue };
            if desc.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor") {
                continue;
            }
            fonts_seen += 1;
            let stream = |key: &[u8]| {
                desc.get(key)
                    .ok()
                    .and_then(|r| r.as_reference().ok())
                    .map(|r| pdf.get_object(r).unwrap().as_stream().unwrap().clone())
            };
            let set = stream(b"CIDSet").expect("CIDSet");
            let set = set.decompressed_content().unwrap_or(set.content);
            let bits: u32 = set.iter().map(|b| b.count_ones()).sum();
            let glyphs = if let Some(cff) = stream(b"FontFile3") {
                let data = cff.decompressed_content().unwrap_or(cff.content);
                // The body face (no subroutines) is embedded without hints (cff::Hints).
                let name = desc.get(b"FontName").unwrap().as_name().unwrap();
                if name.ends_with(b"FandolFang-Regular") {
                    let glyphs = crate::cff::glyph_operators(&data).unwrap();
                    assert!(glyphs.len() > 10);
                    assert!(glyphs
                        .iter()
                        .all(|(_, ops)| !ops.iter().any(|&op| crate::cff::is_hint(op))));
                    hintless += 1;
                }
                ttf_parser::cff::Table::parse(&data)
                    .unwrap()
                    .number_of_glyphs()
            } else {
                let tt = stream(b"FontFile2").unwrap();
                let data = tt.decompressed_content().unwrap_or(tt.content);
                ttf_parser::Face::parse(&data, 0)
                    .unwrap()
                    .number_of_glyphs()
            };
            assert_eq!(bits, u32::from(glyphs));
            // The set bits are CIDs 0..n, high bit first.
            let n = usize::from(glyphs);
            assert_eq!(set.len(), n.div_ceil(8));
            assert!(set[..n / 8].iter().all(|&b| b == 0xFF));
        }
        assert!(fonts_seen >= 4);
        assert_eq!(hintless, 1);
    }
}
