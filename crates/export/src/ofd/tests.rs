//! Tests of the OFD exporter: unzip the package, parse every part back, and check it against
//! the page list it was written from (text, glyph positions, rules), against the GB/T 33190
//! child sequences of the elements we write, and load the embedded fonts as fonts.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::path::Path;

use nianbao_core::document::{self, DocBlock, Run};
use nianbao_core::sample::{examples, sample_report};

use super::parts::{delta_list, doc_id};
use super::*;
use crate::docx::tests::dom::{parse, pretty, El};
use crate::fonts::find_font_dir;
use crate::layout::{layout, LineKind, Page, PAGE_HEIGHT, PAGE_WIDTH};

use crate::test_support::{assert_golden, fonts, sample};

/// Points → millimetres.
fn mm(pt: f32) -> f64 {
    f64::from(pt) * 25.4 / 72.0
}

/// The package read back: entries in zip order.
struct Package {
    entries: Vec<(String, Vec<u8>)>,
}

impl Package {
    fn read(bytes: &[u8]) -> Package {
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let entries = (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).unwrap();
                let mut data = Vec::new();
                f.read_to_end(&mut data).unwrap();
                (f.name().unwrap().to_string(), data)
            })
            .collect();
        Package { entries }
    }

    fn bytes(&self, name: &str) -> &[u8] {
        let found = self.entries.iter().find(|(n, _)| n == name);
        &found.unwrap_or_else(|| panic!("no {name}")).1
    }

    fn xml(&self, name: &str) -> El {
        parse(self.bytes(name))
    }

    /// `Content.xml` of every page, in page-tree order.
    fn pages(&self) -> Vec<El> {
        let doc = self.xml("Doc_0/Document.xml");
        let tree = doc.child("ofd:Pages").unwrap();
        tree.all("ofd:Page")
            .map(|p| self.xml(&format!("Doc_0/{}", p.attr("BaseLoc").unwrap())))
            .collect()
    }
}

fn numbers(s: &str) -> Vec<f64> {
    s.split_whitespace().map(|v| v.parse().unwrap()).collect()
}

/// `DeltaX` expanded (`g N v` is N times v).
fn deltas(s: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let mut t = s.split_whitespace();
    while let Some(tok) = t.next() {
        if tok == "g" {
            let n: usize = t.next().unwrap().parse().unwrap();
            let v: f64 = t.next().unwrap().parse().unwrap();
            out.extend(std::iter::repeat_n(v, n));
        } else {
            out.push(tok.parse().unwrap());
        }
    }
    out
}

/// One `TextObject` read back: font ID, size, text and each glyph's origin on the page (mm).
#[derive(Debug)]
struct TextRead {
    font: u32,
    size: f64,
    text: String,
    origins: Vec<(f64, f64)>,
}

fn text_objects(page: &El) -> Vec<TextRead> {
    page.find_all("ofd:TextObject")
        .into_iter()
        .map(|t| {
            let b = numbers(t.attr("Boundary").unwrap());
            assert!(b[2] > 0.0 && b[3] > 0.0, "Boundary size");
            let codes: Vec<&El> = t.all("ofd:TextCode").collect();
            assert_eq!(codes.len(), 1);
            let code = codes[0];
            let text = code.text();
            let (x, y) = (
                numbers(code.attr("X").unwrap())[0],
                numbers(code.attr("Y").unwrap())[0],
            );
            let d = code.attr("DeltaX").map(deltas).unwrap_or_default();
            assert_eq!(d.len() + 1, text.chars().count(), "{text}");
            let ctm = t.attr("CTM").map(numbers);
            let mut pen = 0.0;
            let mut origins = Vec::new();
            for k in 0..text.chars().count() {
                let (ox, oy) = (x + pen, y);
                let (px, py) = match &ctm {
                    Some(m) => (m[0] * ox + m[2] * oy + m[4], m[1] * ox + m[3] * oy + m[5]),
                    None => (ox, oy),
                };
                origins.push((b[0] + px, b[1] + py));
                pen += d.get(k).copied().unwrap_or(0.0);
            }
            TextRead {
                font: t.attr("Font").unwrap().parse().unwrap(),
                size: t.attr("Size").unwrap().parse().unwrap(),
                text,
                origins,
            }
        })
        .collect()
}

/// One run as the OFD should carry it: the text, each glyph's origin in mm, the size in pt.
type ExpectedRun = (String, Vec<(f64, f64)>, f32);

/// The glyphs the layout put on a page, as the OFD should carry them: per run, the
/// characters without the spaces at the ends, with their origins in mm.
fn expected_runs(page: &Page) -> Vec<ExpectedRun> {
    let mut out = Vec::new();
    for line in page.lines.iter().filter(|l| l.kind != LineKind::Draft) {
        for run in &line.runs {
            let g = &run.glyphs;
            let Some(first) = g.iter().position(|g| g.ch != ' ') else {
                continue;
            };
            let last = g.iter().rposition(|g| g.ch != ' ').unwrap();
            let g = &g[first..=last];
            let text = g.iter().map(|g| g.ch).collect();
            let origins = g.iter().map(|g| (mm(line.x + g.x), mm(line.y))).collect();
            out.push((text, origins, run.size));
        }
    }
    out
}

#[test]
fn entry_and_metadata_come_from_the_report() {
    let doc = sample();
    let out = export(&doc, fonts()).unwrap();
    let pkg = Package::read(&out.bytes);
    assert_eq!(pkg.entries[0].0, "OFD.xml", "the entry comes first");
    let ofd = pkg.xml("OFD.xml");
    assert_eq!(ofd.name, "ofd:OFD");
    assert_eq!(ofd.attr("xmlns:ofd"), Some("http://www.ofdspec.org/2016"));
    assert_eq!(ofd.attr("Version"), Some("1.0"));
    assert_eq!(ofd.attr("DocType"), Some("OFD"));
    let body = ofd.child("ofd:DocBody").unwrap();
    let kids: Vec<&str> = body.elements().map(|e| e.name.as_str()).collect();
    assert_eq!(kids, ["ofd:DocInfo", "ofd:DocRoot"]);
    assert_eq!(
        body.child("ofd:DocRoot").unwrap().text(),
        "Doc_0/Document.xml"
    );
    let info = body.child("ofd:DocInfo").unwrap();
    let kids: Vec<&str> = info.elements().map(|e| e.name.as_str()).collect();
    // CT_DocInfo's sequence (GB/T 33190-2016 表 4), the elements we fill.
    let sequence = [
        "ofd:DocID",
        "ofd:Title",
        "ofd:Author",
        "ofd:Subject",
        "ofd:Abstract",
        "ofd:CreationDate",
        "ofd:ModDate",
        "ofd:DocUsage",
        "ofd:Cover",
        "ofd:Keywords",
        "ofd:Creator",
        "ofd:CreatorVersion",
        "ofd:CustomDatas",
    ];
    assert_in_sequence(&kids, &sequence);
    let field = |n: &str| info.child(n).unwrap().text();
    let id = field("ofd:DocID");
    assert_eq!(id.len(), 32);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(&id[12..13], "3", "a version 3 UUID");
    assert_eq!(field("ofd:Title"), doc.meta.title);
    assert_eq!(field("ofd:Author"), doc.meta.author);
    let d = doc.meta.date;
    let date = format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
    assert_eq!(field("ofd:CreationDate"), date);
    assert_eq!(field("ofd:ModDate"), date);
    assert_eq!(field("ofd:Creator"), "nianbao");
    // The DocID names the report: stable across builds and drafts, different per report.
    assert_eq!(doc_id(&doc.meta.title), id);
    assert_ne!(doc_id("另一机关2024年政府信息公开工作年度报告"), id);
}

/// `got` is a subsequence of `sequence` (schema order, each element at most once).
fn assert_in_sequence(got: &[&str], sequence: &[&str]) {
    let mut at = 0;
    for g in got {
        let k = sequence[at..]
            .iter()
            .position(|s| s == g)
            .unwrap_or_else(|| panic!("{g} out of schema order in {got:?}"));
        at += k + 1;
    }
}

#[test]
fn document_and_resources_follow_the_schema() {
    let out = export(&sample(), fonts()).unwrap();
    let pkg = Package::read(&out.bytes);
    let doc = pkg.xml("Doc_0/Document.xml");
    let kids: Vec<&str> = doc.elements().map(|e| e.name.as_str()).collect();
    assert_eq!(kids, ["ofd:CommonData", "ofd:Pages"]);
    let common = doc.child("ofd:CommonData").unwrap();
    let kids: Vec<&str> = common.elements().map(|e| e.name.as_str()).collect();
    assert_eq!(kids, ["ofd:MaxUnitID", "ofd:PageArea", "ofd:PublicRes"]);
    let area = common.child("ofd:PageArea").unwrap();
    assert_eq!(area.child("ofd:PhysicalBox").unwrap().text(), "0 0 210 297");
    assert_eq!(
        common.child("ofd:PublicRes").unwrap().text(),
        "PublicRes.xml"
    );

    // IDs: unique across every part, MaxUnitID the largest; references resolve.
    let mut ids = BTreeSet::new();
    let mut all = vec![doc.clone(), pkg.xml("Doc_0/PublicRes.xml")];
    all.extend(pkg.pages());
    for part in &all {
        for e in part.descendants() {
            if let Some(id) = e.attr("ID") {
                assert!(ids.insert(id.parse::<u32>().unwrap()), "duplicate ID {id}");
            }
        }
    }
    let max: u32 = common
        .child("ofd:MaxUnitID")
        .unwrap()
        .text()
        .parse()
        .unwrap();
    assert_eq!(ids.last(), Some(&max));

    let res = pkg.xml("Doc_0/PublicRes.xml");
    assert_eq!(res.attr("BaseLoc"), Some("Res"));
    let fonts: Vec<&El> = res.find_all("ofd:Font");
    assert!(
        fonts.len() >= 4,
        "title, heading, body and page-number faces"
    );
    let font_ids: BTreeSet<u32> = fonts
        .iter()
        .map(|f| f.attr("ID").unwrap().parse().unwrap())
        .collect();
    for f in &fonts {
        assert!(!f.attr("FontName").unwrap().is_empty());
        let file = f.child("ofd:FontFile").unwrap().text();
        assert!(pkg
            .entries
            .iter()
            .any(|(n, _)| *n == format!("Doc_0/Res/{file}")));
    }
    for page in pkg.pages() {
        assert_eq!(page.name, "ofd:Page");
        for t in page.find_all("ofd:TextObject") {
            let font: u32 = t.attr("Font").unwrap().parse().unwrap();
            assert!(font_ids.contains(&font));
            // CT_Text: FillColor?, StrokeColor?, then (CGTransform*, TextCode)+.
            let kids: Vec<&str> = t.elements().map(|e| e.name.as_str()).collect();
            let codes = kids.iter().position(|k| *k == "ofd:TextCode").unwrap();
            assert_in_sequence(&kids[..codes], &["ofd:FillColor", "ofd:StrokeColor"]);
        }
        for p in page.find_all("ofd:PathObject") {
            let kids: Vec<&str> = p.elements().map(|e| e.name.as_str()).collect();
            assert_in_sequence(
                &kids,
                &["ofd:StrokeColor", "ofd:FillColor", "ofd:AbbreviatedData"],
            );
            let b = numbers(p.attr("Boundary").unwrap());
            assert!(b[2] > 0.0 && b[3] > 0.0);
        }
    }
}

#[test]
fn text_and_glyph_positions_are_the_layouts() {
    for doc in [sample(), document::build(&sample_report(), true)] {
        let pages = layout(&doc, fonts()).unwrap().pages;
        let out = export(&doc, fonts()).unwrap();
        let ofd = Package::read(&out.bytes).pages();
        assert_eq!(ofd.len(), pages.len());
        for (page, xml) in pages.iter().zip(&ofd) {
            let want = expected_runs(page);
            let got = text_objects(xml);
            assert_eq!(got.len(), want.len(), "page {}", page.number);
            for (g, (text, origins, size)) in got.iter().zip(&want) {
                assert_eq!(&g.text, text);
                assert!((g.size - mm(*size)).abs() < 0.001);
                for ((gx, gy), (wx, wy)) in g.origins.iter().zip(origins) {
                    // Each coordinate is rounded once to 0.001 mm.
                    assert!((gx - wx).abs() < 0.0015, "{text}: x {gx} vs {wx}");
                    assert!((gy - wy).abs() < 0.0015, "{text}: y {gy} vs {wy}");
                }
            }
        }
    }
}

#[test]
fn every_example_carries_its_text() {
    for (name, dir) in examples() {
        let loaded = nianbao_core::load_and_check(&dir);
        let doc = document::build(&loaded.report.expect("report"), false);
        let pages = layout(&doc, fonts()).unwrap().pages;
        let out = export(&doc, fonts()).unwrap();
        assert!(out.warnings.is_empty(), "{name}: {:?}", out.warnings);
        let ofd = Package::read(&out.bytes).pages();
        for (page, xml) in pages.iter().zip(&ofd) {
            let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            let got: String = text_objects(xml).iter().map(|t| squash(&t.text)).collect();
            let want: String = page
                .lines
                .iter()
                .filter(|l| l.kind != LineKind::Draft)
                .map(|l| squash(&l.text))
                .collect();
            assert_eq!(got, want, "{name} page {}", page.number);
        }
    }
}

#[test]
fn rules_are_path_objects_where_the_layout_put_them() {
    let doc = sample();
    let pages = layout(&doc, fonts()).unwrap().pages;
    let out = export(&doc, fonts()).unwrap();
    let ofd = Package::read(&out.bytes).pages();
    let mut total = 0;
    for (page, xml) in pages.iter().zip(&ofd) {
        let paths = xml.find_all("ofd:PathObject");
        assert_eq!(paths.len(), page.rules.len(), "page {}", page.number);
        for (p, r) in paths.iter().zip(&page.rules) {
            let b = numbers(p.attr("Boundary").unwrap());
            let d = numbers(
                &p.child("ofd:AbbreviatedData")
                    .unwrap()
                    .text()
                    .replace(['M', 'L'], " "),
            );
            let close = |a: f64, b: f32| (a - mm(b)).abs() < 0.0015;
            assert!(close(b[0] + d[0], r.x1) && close(b[1] + d[1], r.y1));
            assert!(close(b[0] + d[2], r.x2) && close(b[1] + d[3], r.y2));
            let w: f64 = p.attr("LineWidth").unwrap().parse().unwrap();
            assert!(close(w, r.width));
        }
        total += paths.len();
    }
    assert!(total > 50, "the three tables have their borders");
}

#[test]
fn embedded_fonts_are_standalone_opentype_for_every_character() {
    let out = export(&sample(), fonts()).unwrap();
    let pkg = Package::read(&out.bytes);
    let res = pkg.xml("Doc_0/PublicRes.xml");
    let faces = fonts().parse().unwrap();
    let mut by_id = BTreeMap::new();
    for f in res.find_all("ofd:Font") {
        let id: u32 = f.attr("ID").unwrap().parse().unwrap();
        let file = f.child("ofd:FontFile").unwrap().text();
        let bytes = pkg.bytes(&format!("Doc_0/Res/{file}")).to_vec();
        // The CJK faces are CFF (.otf); the Latin role's face is TrueType (.ttf).
        let magic = bytes.get(..4).unwrap_or_default();
        match file.rsplit('.').next() {
            Some("otf") => assert_eq!(magic, b"OTTO", "{file}"),
            Some("ttf") => assert_eq!(magic, [0, 1, 0, 0], "{file}"),
            other => panic!("{file}: unexpected font file type {other:?}"),
        }
        by_id.insert(id, bytes);
    }
    // Which original face each resource is: by PostScript name.
    let name_of: BTreeMap<u32, String> = res
        .find_all("ofd:Font")
        .iter()
        .map(|f| {
            let id = f.attr("ID").unwrap().parse().unwrap();
            (id, f.attr("FontName").unwrap().to_string())
        })
        .collect();
    let mut checked = 0;
    for page in pkg.pages() {
        for t in text_objects(&page) {
            let font = ttf_parser::Face::parse(&by_id[&t.font], 0).expect("a loadable font");
            // Outlines of the face's own kind: CFF for the CJK faces, glyf for the Latin one.
            assert!(font.tables().cff.is_some() || font.tables().glyf.is_some());
            let upm = f32::from(font.units_per_em());
            let original = faces
                .fonts
                .faces
                .iter()
                .position(|f| f.ps_name == name_of[&t.font])
                .unwrap();
            let orig = &faces.parsed[original];
            for c in t.text.chars() {
                let g = font
                    .glyph_index(c)
                    .unwrap_or_else(|| panic!("{c} not in cmap"));
                assert_ne!(g.0, 0);
                let o = orig.glyph_index(c).unwrap();
                // Same advance and the same outline as in the face the layout measured.
                assert_eq!(font.glyph_hor_advance(g), orig.glyph_hor_advance(o), "{c}");
                assert_eq!(upm, f32::from(orig.units_per_em()));
                assert_eq!(
                    font.glyph_bounding_box(g),
                    orig.glyph_bounding_box(o),
                    "{c}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1000);
}

#[test]
fn truetype_faces_embed_as_truetype_with_a_cmap() {
    let ttf = Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    if !ttf.exists() {
        eprintln!("skipped: {} not installed", ttf.display());
        return;
    }
    let dir = find_font_dir(None).unwrap();
    let f = Fonts::load(&dir, &[("song".to_string(), ttf.to_path_buf())]).unwrap();
    let out = export(&sample(), &f).unwrap();
    let pkg = Package::read(&out.bytes);
    let res = pkg.xml("Doc_0/PublicRes.xml");
    let font = res
        .find_all("ofd:Font")
        .into_iter()
        .find(|f| f.attr("FontName").unwrap().contains("DejaVuSans"))
        .expect("the page-number face");
    let file = font.child("ofd:FontFile").unwrap().text();
    assert!(file.ends_with(".ttf"));
    let data = pkg.bytes(&format!("Doc_0/Res/{file}"));
    let face = ttf_parser::Face::parse(data, 0).unwrap();
    assert!(face.tables().glyf.is_some() && face.tables().os2.is_some());
    for c in "— 1".chars() {
        assert!(face.glyph_index(c).is_some_and(|g| g.0 != 0), "{c}");
    }
}

#[test]
fn draft_mark_is_grey_outlines_under_the_text() {
    let draft = document::build(&sample_report(), true);
    let out = export(&draft, fonts()).unwrap();
    for page in Package::read(&out.bytes).pages() {
        let layer = page.find_all("ofd:Layer")[0];
        let kinds: Vec<&str> = layer.elements().map(|e| e.name.as_str()).collect();
        let mark = layer
            .elements()
            .find(|e| e.attr("Fill") == Some("true"))
            .expect("the mark");
        assert_eq!(mark.name, "ofd:PathObject");
        assert_eq!(mark.attr("Stroke"), Some("false"));
        assert_eq!(
            mark.child("ofd:FillColor").unwrap().attr("Value"),
            Some("217 217 217")
        );
        let at = layer
            .elements()
            .position(|e| std::ptr::eq(e, mark))
            .unwrap();
        let first_text = kinds.iter().position(|k| *k == "ofd:TextObject").unwrap();
        assert!(at < first_text, "drawn before (under) the text");
        let data = mark.child("ofd:AbbreviatedData").unwrap().text();
        assert!(data.matches('M').count() >= 4, "both characters' contours");
        let text: String = text_objects(&page).iter().map(|t| t.text.clone()).collect();
        assert!(!text.contains("草稿"), "not in the text layer");
        // The mark lies across the page's middle.
        let xy = numbers(&data.replace(['M', 'L', 'Q', 'B', 'C'], " "));
        let xs: Vec<f64> = xy.iter().step_by(2).copied().collect();
        let mid = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mid - mm(PAGE_WIDTH) / 2.0).abs() < 20.0, "{mid}");
    }
}

#[test]
fn bold_text_is_stroked_with_a_draw_parameter() {
    let mut doc = sample();
    doc.title.clear();
    doc.blocks = vec![DocBlock::Paragraph {
        runs: vec![
            Run {
                text: "普通文字，".into(),
                bold: false,
            },
            Run {
                text: "加粗文字".into(),
                bold: true,
            },
        ],
        source: None,
    }];
    let out = export(&doc, fonts()).unwrap();
    let pkg = Package::read(&out.bytes);
    let res = pkg.xml("Doc_0/PublicRes.xml");
    let params: BTreeMap<&str, &El> = res
        .find_all("ofd:DrawParam")
        .into_iter()
        .map(|d| (d.attr("ID").unwrap(), d))
        .collect();
    let page = &pkg.pages()[0];
    let objects = page.find_all("ofd:TextObject");
    let bold = objects
        .iter()
        .find(|t| t.child("ofd:TextCode").unwrap().text() == "加粗文字")
        .unwrap();
    assert_eq!(bold.attr("Stroke"), Some("true"));
    let param = params[bold.attr("DrawParam").unwrap()];
    let width: f64 = param.attr("LineWidth").unwrap().parse().unwrap();
    assert!((width - mm(16.0 * 0.03)).abs() < 0.001, "{width}");
    assert_eq!(bold.attr("LineWidth"), param.attr("LineWidth"));
    let plain = objects
        .iter()
        .find(|t| t.child("ofd:TextCode").unwrap().text() == "普通文字，")
        .unwrap();
    assert_eq!(plain.attr("Stroke"), None);
}

#[test]
fn two_exports_are_byte_identical() {
    let a = export(&sample(), fonts()).unwrap().bytes;
    let b = std::thread::scope(|s| s.spawn(|| export(&sample(), fonts()).unwrap().bytes).join())
        .unwrap();
    assert_eq!(a, b);
}

#[test]
fn delta_lists_use_the_repeat_form_for_runs() {
    assert_eq!(
        delta_list(&[5644, 5644, 5644, 5644, 2822, 2822]),
        "g 4 5.644 2.822 2.822"
    );
    assert_eq!(delta_list(&[1000, 2000, 2000, 2000]), "1 g 3 2");
    assert_eq!(deltas("1 g 3 2 0.5"), [1.0, 2.0, 2.0, 2.0, 0.5]);
    assert_eq!(delta_list(&[]), "");
}

#[test]
fn the_page_is_a4() {
    assert!((mm(PAGE_WIDTH) - 210.0).abs() < 0.001);
    assert!((mm(PAGE_HEIGHT) - 297.0).abs() < 0.001);
}

/// A readable projection: the package's entries, the entry and document parts and the
/// resources pretty-printed, and per page its object counts and first text object.
#[test]
fn golden_package_of_the_sample() {
    let out = export(&sample(), fonts()).unwrap();
    let pkg = Package::read(&out.bytes);
    let mut got = String::new();
    for (name, _) in &pkg.entries {
        got.push_str(name);
        got.push('\n');
    }
    for part in ["OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml"] {
        got.push_str(&format!("\n== {part}\n{}", pretty(&pkg.xml(part))));
    }
    for (k, page) in pkg.pages().iter().enumerate() {
        let texts = page.find_all("ofd:TextObject");
        let paths = page.find_all("ofd:PathObject");
        got.push_str(&format!(
            "\n== page {}: {} TextObject, {} PathObject\n",
            k + 1,
            texts.len(),
            paths.len()
        ));
        if let Some(t) = texts.first() {
            got.push_str(&pretty(t));
        }
    }
    assert_golden("ofd/sample.txt", &got, "the package");
}
