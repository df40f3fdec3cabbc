//! Tests: unzip the produced package, parse every part back and check it — against the
//! document, against format.rs, against the ECMA-376 child sequences, and against golden
//! projections (`UPDATE_GOLDEN=1` refreshes them).

pub(crate) mod dom;
mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use nianbao_core::document::{self, Cell, CellContent, DocBlock, Document, Imprint, Run, Table};
use nianbao_core::format;
use nianbao_core::sample::sample_report;
use nianbao_core::typography as ty;

use super::body::{column_widths, signature_indents};
use super::{export, LINE_PITCH, MARGIN_LEFT, TYPE_WIDTH};
use dom::{parse, pretty, El};

fn sample() -> Document {
    document::build(&sample_report(), false)
}

fn draft() -> Document {
    document::build(&sample_report(), true)
}

/// A zip entry read back.
struct Entry {
    name: String,
    data: Vec<u8>,
    deflated: bool,
    modified: String,
}

fn unzip(bytes: &[u8]) -> Vec<Entry> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            let t = f.last_modified().unwrap();
            Entry {
                name: f.name().unwrap().to_string(),
                data,
                deflated: f.compression() == zip::CompressionMethod::Deflated,
                modified: format!(
                    "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                    t.year(),
                    t.month(),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second()
                ),
            }
        })
        .collect()
}

/// The package's XML parts, parsed.
struct Pkg {
    parts: BTreeMap<String, El>,
}

impl Pkg {
    fn of(doc: &Document) -> Pkg {
        let bytes = export(doc).unwrap();
        Pkg {
            parts: unzip(&bytes)
                .into_iter()
                .map(|e| (e.name, parse(&e.data)))
                .collect(),
        }
    }

    fn part(&self, name: &str) -> &El {
        self.parts
            .get(name)
            .unwrap_or_else(|| panic!("no part {name}"))
    }

    fn body(&self) -> &El {
        self.part("word/document.xml").child("w:body").unwrap()
    }

    fn style(&self, id: &str) -> &El {
        self.part("word/styles.xml")
            .all("w:style")
            .find(|s| s.attr("w:styleId") == Some(id))
            .unwrap_or_else(|| panic!("no style {id}"))
    }

    /// A paragraph property of style `id`, following `w:basedOn` (what Word resolves).
    fn style_ppr(&self, id: &str, prop: &str) -> Option<&El> {
        let s = self.style(id);
        s.child("w:pPr")
            .and_then(|p| p.child(prop))
            .or_else(|| self.style_ppr(s.val("w:basedOn")?, prop))
    }

    /// A run property of style `id`, following `w:basedOn`, then the document defaults.
    fn style_rpr(&self, id: &str, prop: &str) -> Option<&El> {
        let s = self.style(id);
        s.child("w:rPr")
            .and_then(|p| p.child(prop))
            .or_else(|| match s.val("w:basedOn") {
                Some(b) => self.style_rpr(b, prop),
                None => self.default_rpr(prop),
            })
    }

    fn default_rpr(&self, prop: &str) -> Option<&El> {
        self.part("word/styles.xml")
            .child("w:docDefaults")?
            .child("w:rPrDefault")?
            .child("w:rPr")?
            .child(prop)
    }

    fn tables(&self) -> Vec<&El> {
        self.body().all("w:tbl").collect()
    }
}

fn doc_tables(doc: &Document) -> Vec<&Table> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            DocBlock::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/docx")
}

// ------------------------------------------------------------------------------------------
// Package

#[test]
fn identical_documents_give_identical_bytes() {
    let a = export(&sample()).unwrap();
    let b = export(&sample()).unwrap();
    assert_eq!(a, b);
    assert_eq!(export(&draft()).unwrap(), export(&draft()).unwrap());
}

#[test]
fn zip_entries_are_ordered_compressed_and_dated_from_the_document() {
    for (doc, extra) in [
        (sample(), vec![]),
        (draft(), vec!["word/header1.xml", "word/header2.xml"]),
    ] {
        let entries = unzip(&export(&doc).unwrap());
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names[0], "[Content_Types].xml");
        let mut sorted = names[1..].to_vec();
        sorted.sort();
        assert_eq!(names[1..], sorted[..]);
        let mut expected = vec![
            "[Content_Types].xml",
            "_rels/.rels",
            "docProps/app.xml",
            "docProps/core.xml",
            "word/_rels/document.xml.rels",
            "word/document.xml",
            "word/fontTable.xml",
            "word/footer1.xml",
            "word/footer2.xml",
            "word/settings.xml",
            "word/styles.xml",
            "word/theme/theme1.xml",
        ];
        expected.extend(extra);
        let expected: BTreeSet<&str> = expected.into_iter().collect();
        assert_eq!(names.iter().copied().collect::<BTreeSet<_>>(), expected);
        for e in &entries {
            assert!(e.deflated, "{}", e.name);
            assert_eq!(e.modified, "2025-03-20 00:00:00", "{}", e.name);
        }
    }
}

#[test]
fn content_types_and_relationships_cover_every_part() {
    for doc in [sample(), draft()] {
        let pkg = Pkg::of(&doc);
        let types: BTreeMap<String, String> = pkg
            .part("[Content_Types].xml")
            .all("Override")
            .map(|o| {
                (
                    o.attr("PartName").unwrap().to_string(),
                    o.attr("ContentType").unwrap().to_string(),
                )
            })
            .collect();
        let expected_type = |name: &str| -> &str {
            let base = name.rsplit('/').next().unwrap();
            let stem = base
                .trim_end_matches(".xml")
                .trim_end_matches(char::is_numeric);
            match stem {
                "document" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                "styles" => "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
                "settings" => "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml",
                "fontTable" => "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml",
                "footer" => "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
                "header" => "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
                "theme" => "application/vnd.openxmlformats-officedocument.theme+xml",
                "core" => "application/vnd.openxmlformats-package.core-properties+xml",
                "app" => "application/vnd.openxmlformats-officedocument.extended-properties+xml",
                other => panic!("unexpected part {other}"),
            }
        };
        let xml_parts: Vec<&String> = pkg
            .parts
            .keys()
            .filter(|n| !n.ends_with(".rels") && *n != "[Content_Types].xml")
            .collect();
        assert_eq!(types.len(), xml_parts.len());
        for name in xml_parts {
            assert_eq!(types[&format!("/{name}")], expected_type(name), "{name}");
        }
        // Every relationship points at a part; every r:id in the document resolves.
        let rels: BTreeMap<&str, &str> = pkg
            .part("word/_rels/document.xml.rels")
            .all("Relationship")
            .map(|r| (r.attr("Id").unwrap(), r.attr("Target").unwrap()))
            .collect();
        for target in rels.values() {
            assert!(
                pkg.parts.contains_key(&format!("word/{target}")),
                "{target}"
            );
        }
        let root_rels: Vec<&str> = pkg
            .part("_rels/.rels")
            .all("Relationship")
            .map(|r| r.attr("Target").unwrap())
            .collect();
        for target in &root_rels {
            assert!(pkg.parts.contains_key(*target), "{target}");
        }
        for e in pkg.part("word/document.xml").descendants() {
            if let Some(id) = e.attr("r:id") {
                assert!(rels.contains_key(id), "dangling {id}");
            }
        }
        // Every part under word/ other than the document is related from it.
        for name in pkg
            .parts
            .keys()
            .filter(|n| n.starts_with("word/") && !n.contains("_rels") && *n != "word/document.xml")
        {
            let target = name.strip_prefix("word/").unwrap();
            assert!(rels.values().any(|t| *t == target), "{name} unrelated");
        }
    }
}

#[test]
fn core_properties_come_from_the_document() {
    let doc = sample();
    let pkg = Pkg::of(&doc);
    let core = pkg.part("docProps/core.xml");
    let get = |n: &str| core.child(n).unwrap().text();
    assert_eq!(get("dc:title"), doc.meta.title);
    assert_eq!(get("dc:creator"), "示范县人民政府");
    assert_eq!(get("dc:language"), "zh-CN");
    assert_eq!(get("dcterms:created"), "2025-03-20T00:00:00Z");
    assert_eq!(get("dcterms:modified"), "2025-03-20T00:00:00Z");
    assert!(core.child("cp:contentStatus").is_none());
    let draft = Pkg::of(&draft());
    assert_eq!(
        draft
            .part("docProps/core.xml")
            .child("cp:contentStatus")
            .unwrap()
            .text(),
        "草稿"
    );
}

// ------------------------------------------------------------------------------------------
// Golden projection

/// The readable projection: each part pretty-printed, plus the zip's entry list.
fn projection(bytes: &[u8]) -> BTreeMap<String, String> {
    let entries = unzip(bytes);
    let mut out = BTreeMap::new();
    let listing: String = entries
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {}\n",
                e.modified,
                if e.deflated { "deflated" } else { "stored" },
                e.data.len(),
                e.name
            )
        })
        .collect();
    out.insert("zip.txt".to_string(), listing);
    for e in entries {
        out.insert(e.name.clone(), pretty(&parse(&e.data)));
    }
    out
}

fn files_under(dir: &Path) -> BTreeSet<String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in rd {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap();
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

fn check_golden(name: &str, doc: &Document) {
    let dir = golden_dir().join(name);
    let got = projection(&export(doc).unwrap());
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        for (part, text) in &got {
            let path = dir.join(part);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        return;
    }
    let on_disk = files_under(&dir);
    let produced: BTreeSet<String> = got.keys().cloned().collect();
    assert_eq!(
        on_disk, produced,
        "golden files differ in number (UPDATE_GOLDEN=1 refreshes)"
    );
    for (part, text) in &got {
        let want = std::fs::read_to_string(dir.join(part)).unwrap();
        if &want != text {
            let line = want
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(want.lines().count().min(text.lines().count()));
            panic!(
                "{name}/{part} differs from golden at line {} (UPDATE_GOLDEN=1 refreshes)\n\
                 want: {:?}\n got: {:?}",
                line + 1,
                want.lines().nth(line),
                text.lines().nth(line)
            );
        }
    }
}

#[test]
fn sample_matches_golden() {
    check_golden("sample", &sample());
}

// ------------------------------------------------------------------------------------------
// Schema order

fn check_schema(pkg: &Pkg) {
    let sequences: BTreeMap<&str, &[&str]> = schema::SEQUENCES.iter().copied().collect();
    for (name, root) in &pkg.parts {
        if !name.starts_with("word/") || name.ends_with(".rels") || name.contains("theme") {
            continue;
        }
        for e in root.descendants() {
            if schema::NEVER_EMPTY.contains(&e.name.as_str()) {
                assert!(e.elements().next().is_some(), "{name}: empty {}", e.name);
            }
            let Some(seq) = sequences.get(e.name.as_str()) else {
                continue;
            };
            let mut last = 0;
            for c in e.elements() {
                let r = schema::rank(seq, &c.name)
                    .unwrap_or_else(|| panic!("{name}: {} not allowed in {}", c.name, e.name));
                assert!(
                    r >= last,
                    "{name}: {} out of sequence in {} ({:?})",
                    c.name,
                    e.name,
                    e.elements().map(|c| c.name.as_str()).collect::<Vec<_>>()
                );
                last = r;
            }
        }
    }
    // The section properties close the body.
    assert_eq!(
        pkg.body().elements().last().unwrap().name,
        "w:sectPr",
        "sectPr last"
    );
}

#[test]
fn every_element_follows_the_schema_sequence() {
    for doc in [sample(), draft(), edge_document()] {
        check_schema(&Pkg::of(&doc));
    }
}

// ------------------------------------------------------------------------------------------
// Page

#[test]
fn page_margins_grid_and_footer_distance() {
    let pkg = Pkg::of(&sample());
    let sect = pkg.body().child("w:sectPr").unwrap();
    let num = |e: &El, a: &str| -> i64 { e.attr(a).unwrap().parse().unwrap() };
    let sz = sect.child("w:pgSz").unwrap();
    assert_eq!((num(sz, "w:w"), num(sz, "w:h")), (11906, 16838));
    let m = sect.child("w:pgMar").unwrap();
    let (top, bottom, left, right) = (
        num(m, "w:top"),
        num(m, "w:bottom"),
        num(m, "w:left"),
        num(m, "w:right"),
    );
    assert_eq!((top, bottom, left, right), (2098, 1984, 1587, 1474));
    let twips_to_mm = |t: i64| t as f64 * 25.4 / 1440.0;
    for (t, mm) in [(top, 37.0), (bottom, 35.0), (left, 28.0), (right, 26.0)] {
        assert!((twips_to_mm(t) - mm).abs() < 0.05, "{t} twips ≠ {mm} mm");
    }
    // A line grid: 22 lines of 579 twips fill the type area's height.
    let grid = sect.child("w:docGrid").unwrap();
    assert_eq!(grid.attr("w:type"), Some("lines"));
    assert_eq!(num(grid, "w:linePitch"), 579);
    assert_eq!(grid.attr("w:charSpace"), None);
    let height = 16838 - top - bottom;
    assert!((22 * 579..23 * 579).contains(&height));
    // 28 characters a line from Normal's own size and its condensed spacing (what
    // LibreOffice reads too): 28 advances fit the width, 29 do not.
    let sz = num(
        pkg.style("Normal")
            .child("w:rPr")
            .unwrap()
            .child("w:sz")
            .unwrap(),
        "w:val",
    );
    assert_eq!(sz, 32);
    let condense = pkg.style_rpr("BodyText", "w:spacing").unwrap();
    let advance_pt = sz as f64 / 2.0 + num(condense, "w:val") as f64 / 20.0;
    let width_pt = (11906 - left - right) as f64 / 20.0;
    assert!(28.0 * advance_pt <= width_pt && width_pt < 29.0 * advance_pt);
    assert!(28.0 * advance_pt <= TYPE_WIDTH as f64 / 20.0);
    // Text off the grid is not condensed.
    for id in ["Title", "TableText", "Footer"] {
        let sp = pkg.style_rpr(id, "w:spacing").unwrap();
        assert_eq!(sp.attr("w:val"), Some("0"), "{id}");
    }
    // The page number's dashes sit 7 mm below the type area: footer distance + the dash's
    // height over the line's bottom (descent 0.141 em + 0.3 em of 14 pt) + 7 mm = bottom
    // margin.
    let footer = num(m, "w:footer");
    let dash_twips = (0.441 * 280.0) as i64;
    assert!((twips_to_mm(bottom - footer - dash_twips) - 7.0).abs() < 0.05);
    // Body lines use the grid pitch exactly.
    let spacing = pkg.style_ppr("BodyText", "w:spacing").unwrap();
    assert_eq!(spacing.attr("w:line"), Some("579"));
    assert_eq!(spacing.attr("w:lineRule"), Some("exact"));
    assert_eq!(LINE_PITCH, 579);
}

#[test]
fn settings_switch_on_odd_and_even_footers() {
    let pkg = Pkg::of(&sample());
    let settings = pkg.part("word/settings.xml");
    assert!(settings.child("w:evenAndOddHeaders").is_some());
    assert_eq!(
        settings
            .child("w:themeFontLang")
            .unwrap()
            .attr("w:eastAsia"),
        Some("zh-CN")
    );
    let sect = pkg.body().child("w:sectPr").unwrap();
    let rels: BTreeMap<&str, &str> = pkg
        .part("word/_rels/document.xml.rels")
        .all("Relationship")
        .map(|r| (r.attr("Id").unwrap(), r.attr("Target").unwrap()))
        .collect();
    let refs: BTreeMap<&str, &str> = sect
        .all("w:footerReference")
        .map(|f| (f.attr("w:type").unwrap(), rels[f.attr("r:id").unwrap()]))
        .collect();
    assert_eq!(refs["default"], "footer1.xml");
    assert_eq!(refs["even"], "footer2.xml");
    assert!(sect.child("w:headerReference").is_none());
}

#[test]
fn page_numbers_are_page_fields_between_em_dashes() {
    let pkg = Pkg::of(&sample());
    for (part, odd) in [("word/footer1.xml", true), ("word/footer2.xml", false)] {
        let ftr = pkg.part(part);
        let paras: Vec<&El> = ftr.all("w:p").collect();
        assert_eq!(paras.len(), 1);
        let p = paras[0];
        let ppr = p.child("w:pPr").unwrap();
        assert_eq!(ppr.val("w:pStyle"), Some("Footer"));
        let ind = ppr.child("w:ind").unwrap();
        if odd {
            assert_eq!(ppr.val("w:jc"), Some("right"));
            assert_eq!(ind.attr("w:right"), Some("280"));
            assert_eq!(ind.attr("w:left"), None);
        } else {
            assert_eq!(ppr.val("w:jc"), Some("left"));
            assert_eq!(ind.attr("w:left"), Some("280"));
            assert_eq!(ind.attr("w:right"), None);
        }
        // One item per run: text, or a field character, or the instruction.
        let items: Vec<String> = p
            .all("w:r")
            .map(|r| {
                let content: Vec<&El> = r.elements().filter(|e| e.name != "w:rPr").collect();
                assert_eq!(content.len(), 1);
                let c = content[0];
                match c.name.as_str() {
                    "w:t" => format!("t:{}", c.text()),
                    "w:fldChar" => format!("fld:{}", c.attr("w:fldCharType").unwrap()),
                    "w:instrText" => format!("instr:{}", c.text()),
                    other => panic!("{other}"),
                }
            })
            .collect();
        let cached = if odd { "t:1" } else { "t:2" };
        assert_eq!(
            items,
            [
                "t:\u{2014} ",
                "fld:begin",
                "instr: PAGE ",
                "fld:separate",
                cached,
                "fld:end",
                "t: \u{2014}",
            ]
        );
        // Texts with edge spaces are preserved.
        for t in p.find_all("w:t") {
            if t.text().starts_with(' ') || t.text().ends_with(' ') {
                assert_eq!(t.attr("xml:space"), Some("preserve"));
            }
        }
    }
    // 4号 宋体.
    let face = pkg.style_rpr("Footer", "w:rFonts").unwrap();
    assert_eq!(face.attr("w:eastAsia"), Some("宋体"));
    assert_eq!(face.attr("w:ascii"), Some("宋体"));
    assert_eq!(
        pkg.style_rpr("Footer", "w:sz").unwrap().attr("w:val"),
        Some("28")
    );
}

// ------------------------------------------------------------------------------------------
// Styles and fonts

#[test]
fn styles_carry_the_official_faces_sizes_and_indents() {
    let pkg = Pkg::of(&sample());
    // (style id, built-in name, face, half-points, first-line indent?, outline level)
    type Case = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        bool,
        Option<&'static str>,
    );
    let cases: [Case; 9] = [
        ("Normal", "Normal", "仿宋_GB2312", "32", false, None),
        ("Title", "Title", "方正小标宋简体", "44", false, None),
        ("Heading1", "heading 1", "黑体", "32", true, Some("0")),
        (
            "Heading2",
            "heading 2",
            "楷体_GB2312",
            "32",
            true,
            Some("1"),
        ),
        (
            "Heading3",
            "heading 3",
            "仿宋_GB2312",
            "32",
            true,
            Some("2"),
        ),
        (
            "Heading4",
            "heading 4",
            "仿宋_GB2312",
            "32",
            true,
            Some("3"),
        ),
        ("BodyText", "Body Text", "仿宋_GB2312", "32", true, None),
        ("TableText", "Table Text", "仿宋_GB2312", "21", false, None),
        ("Footer", "footer", "宋体", "28", false, None),
    ];
    for (id, name, face, size, indented, outline) in cases {
        assert_eq!(pkg.style(id).val("w:name"), Some(name), "{id}");
        let fonts = pkg.style_rpr(id, "w:rFonts").unwrap();
        assert_eq!(fonts.attr("w:eastAsia"), Some(face), "{id}");
        // Digits and Latin letters of 仿宋 and 楷体 text in Times New Roman.
        let west = if face.ends_with("_GB2312") {
            "Times New Roman"
        } else {
            face
        };
        for slot in ["w:ascii", "w:hAnsi"] {
            assert_eq!(fonts.attr(slot), Some(west), "{id} {slot}");
        }
        assert_eq!(fonts.attr("w:hint"), Some("eastAsia"), "{id}");
        assert_eq!(
            pkg.style_rpr(id, "w:sz").unwrap().attr("w:val"),
            Some(size),
            "{id}"
        );
        let first = pkg
            .style_ppr(id, "w:ind")
            .and_then(|i| Some((i.attr("w:firstLineChars")?, i.attr("w:firstLine")?)));
        if indented {
            assert_eq!(first, Some(("200", "640")), "{id}");
        } else {
            assert_eq!(first, None, "{id} must not indent its first line");
        }
        assert_eq!(
            pkg.style(id)
                .child("w:pPr")
                .and_then(|p| p.val("w:outlineLvl")),
            outline,
            "{id}"
        );
    }
    // Headings are not bold (黑体 is heavy enough; the standard sets no bold).
    for id in ["Heading1", "Heading2", "Heading3", "Heading4"] {
        assert_eq!(pkg.style_rpr(id, "w:b").unwrap().attr("w:val"), Some("0"));
        assert!(pkg.style_ppr(id, "w:keepNext").is_some());
    }
    // Body: justified on the grid; title centred off the grid; cells single-spaced, off the grid.
    assert_eq!(
        pkg.style_ppr("BodyText", "w:jc").unwrap().attr("w:val"),
        Some("both")
    );
    assert_eq!(
        pkg.style_ppr("Title", "w:jc").unwrap().attr("w:val"),
        Some("center")
    );
    for id in ["Title", "TableText", "Footer", "Header"] {
        assert_eq!(
            pkg.style_ppr(id, "w:snapToGrid").unwrap().attr("w:val"),
            Some("0"),
            "{id}"
        );
    }
    // Table lines exact at 14.2 pt and 3 pt above and below the text in every official
    // table: the PDF's row heights, whatever font the reader substitutes.
    let cell_spacing = pkg.style_ppr("TableText", "w:spacing").unwrap();
    assert_eq!(
        (cell_spacing.attr("w:line"), cell_spacing.attr("w:lineRule")),
        (Some("284"), Some("exact"))
    );
    let official: Vec<&El> = pkg
        .body()
        .all("w:tbl")
        .filter(|t| {
            t.child("w:tblPr")
                .and_then(|p| p.child("w:tblStyle"))
                .is_some_and(|s| s.attr("w:val") == Some("TableGrid"))
        })
        .collect();
    assert_eq!(official.len(), 3);
    for t in official {
        let mar = t.child("w:tblPr").unwrap().child("w:tblCellMar").unwrap();
        for side in ["w:top", "w:bottom"] {
            assert_eq!(mar.child(side).unwrap().attr("w:w"), Some("60"), "{side}");
        }
    }
    // Chinese as the East-Asian language of every run.
    let lang = pkg.default_rpr("w:lang").unwrap();
    assert_eq!(lang.attr("w:eastAsia"), Some("zh-CN"));
    // Every style referenced exists.
    let ids: BTreeSet<&str> = pkg
        .part("word/styles.xml")
        .all("w:style")
        .map(|s| s.attr("w:styleId").unwrap())
        .collect();
    for (name, root) in &pkg.parts {
        for e in root.descendants() {
            if ["w:pStyle", "w:tblStyle", "w:basedOn", "w:next"].contains(&e.name.as_str()) {
                assert!(ids.contains(e.attr("w:val").unwrap()), "{name}: {e:?}");
            }
        }
    }
}

#[test]
fn font_table_declares_every_face_with_its_fallback() {
    let pkg = Pkg::of(&draft());
    let fonts: BTreeMap<&str, &El> = pkg
        .part("word/fontTable.xml")
        .all("w:font")
        .map(|f| (f.attr("w:name").unwrap(), f))
        .collect();
    for (name, root) in &pkg.parts {
        for f in root.find_all("w:rFonts") {
            for slot in ["w:ascii", "w:eastAsia", "w:hAnsi", "w:cs"] {
                if let Some(face) = f.attr(slot) {
                    assert!(fonts.contains_key(face), "{name}: {face} not declared");
                }
            }
        }
    }
    let alt = |n: &str| fonts[n].val("w:altName");
    assert_eq!(alt("仿宋_GB2312"), Some("仿宋"));
    assert_eq!(alt("楷体_GB2312"), Some("楷体"));
    assert_eq!(alt("黑体"), Some("SimHei"));
    assert_eq!(alt("宋体"), Some("SimSun"));
    assert_eq!(alt("方正小标宋简体"), Some("宋体"));
    assert_eq!(fonts["Times New Roman"].val("w:charset"), Some("00"));
    for (name, f) in fonts.iter().filter(|(n, _)| **n != "Times New Roman") {
        assert_eq!(f.val("w:charset"), Some("86"), "{name}: GB2312");
        let csb0 = u32::from_str_radix(f.child("w:sig").unwrap().attr("w:csb0").unwrap(), 16);
        assert_ne!(csb0.unwrap() & (1 << 18), 0, "{name}: code page 936 bit");
    }
}

#[test]
fn every_text_run_hints_east_asian_fonts() {
    let pkg = Pkg::of(&draft());
    let mut runs = 0;
    for (name, root) in &pkg.parts {
        for r in root.find_all("w:r") {
            if r.child("w:t").is_none() {
                continue;
            }
            runs += 1;
            let hint = r
                .child("w:rPr")
                .and_then(|p| p.child("w:rFonts"))
                .and_then(|f| f.attr("w:hint"));
            assert_eq!(hint, Some("eastAsia"), "{name}: {:?}", r.wt());
        }
    }
    assert!(runs > 300, "{runs}");
}

// ------------------------------------------------------------------------------------------
// Content

/// A body-level item: style id (empty for none) and runs as (text, bold); tables as
/// `<table>`.
type Item = (String, Vec<(String, bool)>);

/// What of a run's text lands in `w:t`: tabs and line breaks become elements, and control
/// characters XML cannot carry are dropped.
fn visible(text: &str) -> String {
    text.chars().filter(|&c| c >= ' ').collect()
}

fn expected_items(doc: &Document) -> Vec<Item> {
    let item = |style: &str, runs: &[Run]| -> Item {
        (
            style.to_string(),
            runs.iter()
                .filter(|r| !r.text.is_empty())
                .map(|r| (visible(&r.text), r.bold))
                .collect(),
        )
    };
    let plain = |style: &str, text: &str| -> Item {
        let runs = if text.is_empty() {
            vec![]
        } else {
            vec![(text.to_string(), false)]
        };
        (style.to_string(), runs)
    };
    let mut out: Vec<Item> = doc.title.iter().map(|t| plain("Title", t)).collect();
    if doc.draft {
        out.push(plain("", "（草稿）"));
    }
    out.push(plain("", ""));
    for (i, b) in doc.blocks.iter().enumerate() {
        match b {
            DocBlock::Heading { level, runs, .. } => {
                out.push(item(&format!("Heading{}", level.clamp(&1, &4)), runs))
            }
            DocBlock::Paragraph { runs, .. } => out.push(item("BodyText", runs)),
            DocBlock::Table(_) => {
                out.push(plain("<table>", ""));
                if matches!(doc.blocks.get(i + 1), None | Some(DocBlock::Table(_))) {
                    out.push(plain("", ""));
                }
            }
            DocBlock::Signature { agency, date } => {
                out.push(plain("", ""));
                out.push(plain("", agency));
                out.push(plain("", date));
            }
            DocBlock::Imprint(_) => {
                out.push(plain("<table>", ""));
                out.push(plain("", ""));
            }
        }
    }
    out
}

fn actual_items(pkg: &Pkg) -> Vec<Item> {
    pkg.body()
        .elements()
        .filter(|e| e.name != "w:sectPr")
        .map(|e| {
            if e.name == "w:tbl" {
                return ("<table>".to_string(), vec![]);
            }
            let style = e
                .child("w:pPr")
                .and_then(|p| p.val("w:pStyle"))
                .unwrap_or("")
                .to_string();
            let runs = e
                .all("w:r")
                .map(|r| {
                    let bold = r.child("w:rPr").and_then(|p| p.child("w:b")).is_some();
                    (r.wt(), bold)
                })
                .collect();
            (style, runs)
        })
        .collect()
}

#[test]
fn title_headings_paragraphs_and_signature_in_order() {
    for doc in [sample(), draft(), edge_document()] {
        assert_eq!(actual_items(&Pkg::of(&doc)), expected_items(&doc));
    }
    // The title: one paragraph per line, the break between agency and year.
    let pkg = Pkg::of(&sample());
    let titles: Vec<String> = pkg
        .body()
        .all("w:p")
        .filter(|p| p.child("w:pPr").and_then(|q| q.val("w:pStyle")) == Some("Title"))
        .map(|p| p.wt())
        .collect();
    assert_eq!(titles, ["示范县人民政府", "2024年政府信息公开工作年度报告"]);
    // The bold run of the sample survives as bold.
    assert!(actual_items(&pkg)
        .iter()
        .flat_map(|(_, runs)| runs)
        .any(|(t, b)| t == "3856条" && *b));
}

#[test]
fn signature_is_right_indented_per_gbt_9704() {
    // Agency of 10 characters, date of 6½: the agency 2 characters in from the right, the
    // date starting 2 characters right of the agency's start (10 − 6.5 = 3.5 in).
    assert_eq!(
        signature_indents("示范县人民政府办公室", "2025年3月20日"),
        (200, 350)
    );
    // A date longer than the agency: date 2 in, agency moved left to keep the offset.
    // 某局 is 2 characters, the date 7: the agency ends 2 + 7 + 2 − 2 = 9 characters in.
    assert_eq!(signature_indents("某局", "2025年12月31日"), (900, 200));
    // The boundary: a date of 6 characters under an agency of 8 ends where the agency ends;
    // under an agency of 7 it is too long.
    assert_eq!(
        signature_indents("一二三四五六七八", "2025年1月1日"),
        (200, 200)
    );
    assert_eq!(
        signature_indents("一二三四五六七", "2025年1月1日"),
        (300, 200)
    );

    let pkg = Pkg::of(&sample());
    let paras: Vec<&El> = pkg.body().all("w:p").collect();
    let n = paras.len();
    let (blank, agency, date) = (paras[n - 3], paras[n - 2], paras[n - 1]);
    assert_eq!(blank.wt(), "");
    assert_eq!(agency.wt(), "示范县人民政府办公室");
    assert_eq!(date.wt(), "2025年3月20日");
    for (p, chars, twips) in [(agency, "200", "640"), (date, "350", "1120")] {
        let ppr = p.child("w:pPr").unwrap();
        assert_eq!(ppr.val("w:jc"), Some("right"));
        let ind = ppr.child("w:ind").unwrap();
        assert_eq!(ind.attr("w:rightChars"), Some(chars));
        assert_eq!(ind.attr("w:right"), Some(twips));
    }
    // The last body paragraph, the blank line and the agency keep with what follows, so the
    // signature never stands alone on a page.
    for p in [paras[n - 4], blank, agency] {
        assert!(p.child("w:pPr").unwrap().child("w:keepNext").is_some());
    }
}

fn with_imprint(agency: &str) -> Document {
    let mut doc = sample();
    if let Some(DocBlock::Signature { agency: a, .. }) = doc.blocks.last_mut() {
        *a = agency.to_string();
    }
    doc.blocks.push(DocBlock::Imprint(Imprint {
        cc: Some((
            "抄送：".into(),
            "县人民政府办公室，县政务公开办公室。".into(),
        )),
        printer: "示范县人民政府办公室".into(),
        date: "2025年3月20日印发".into(),
    }));
    doc
}

/// The 版记: a table floating at the foot of the type area (Word: `tblpYSpec="bottom"`;
/// readers without it: `tblpY`), as wide as the type area, thick rules above and below and a
/// thin one between, none at the sides; 4号; 抄送 hanging under the first agency; the
/// 印发日期 on a right tab one character in.
#[test]
fn imprint_is_a_table_at_the_foot_of_the_type_area() {
    let doc = with_imprint("示范县人民政府办公室");
    let pkg = Pkg::of(&doc);
    check_schema(&pkg);
    let tbl = pkg.body().all("w:tbl").last().unwrap();
    let tpr = tbl.child("w:tblPr").unwrap();
    let pos = tpr.child("w:tblpPr").unwrap();
    assert_eq!(pos.attr("w:tblpYSpec"), Some("bottom"));
    assert_eq!(pos.attr("w:vertAnchor"), Some("margin"));
    assert_eq!(pos.attr("w:horzAnchor"), Some("page"));
    assert_eq!(pos.attr("w:tblpX"), Some(MARGIN_LEFT.to_string().as_str()));
    // Two lines of the grid above the bottom of the type area.
    let y = ty::TYPE_HEIGHT.twips() - 2 * ty::LINE_PITCH_TWIPS;
    assert_eq!(pos.attr("w:tblpY"), Some(y.to_string().as_str()));
    assert_eq!(
        tpr.child("w:tblW").unwrap().attr("w:w"),
        Some(TYPE_WIDTH.to_string().as_str())
    );
    let borders = tpr.child("w:tblBorders").unwrap();
    let edge = |name: &str| {
        let b = borders.child(name).unwrap();
        (
            b.attr("w:val").unwrap().to_string(),
            b.attr("w:sz").map(str::to_string),
        )
    };
    assert_eq!(edge("w:top"), ("single".into(), Some("8".into())));
    assert_eq!(edge("w:bottom"), ("single".into(), Some("8".into())));
    assert_eq!(edge("w:insideH"), ("single".into(), Some("6".into())));
    for side in ["w:left", "w:right", "w:insideV"] {
        assert_eq!(edge(side), ("nil".into(), None));
    }
    let paras: Vec<&El> = tbl.find_all("w:p");
    assert_eq!(paras.len(), 2);
    assert_eq!(paras[0].wt(), "抄送：县人民政府办公室，县政务公开办公室。");
    assert_eq!(paras[1].wt(), "示范县人民政府办公室2025年3月20日印发");
    assert!(!paras[1].find_all("w:tab").is_empty());
    // The right tab one character (280 twips) in from the type area's right edge, measured
    // from the cell's left edge as tab stops are.
    let tab = paras[1]
        .child("w:pPr")
        .unwrap()
        .child("w:tabs")
        .unwrap()
        .child("w:tab")
        .unwrap();
    assert_eq!(tab.attr("w:val"), Some("right"));
    assert_eq!(
        tab.attr("w:pos"),
        Some((TYPE_WIDTH - 280).to_string().as_str())
    );
    let ind = paras[0].child("w:pPr").unwrap().child("w:ind").unwrap();
    // 4号 is 280 twips a character: one character in, hanging by the three of “抄送：”.
    assert_eq!(ind.attr("w:left"), Some("1120"));
    assert_eq!(ind.attr("w:hanging"), Some("840"));
    assert_eq!(ind.attr("w:right"), Some("280"));
    for r in tbl.find_all("w:r") {
        let rpr = r.child("w:rPr").unwrap();
        assert_eq!(rpr.val("w:sz"), Some("28"));
    }
}

/// A signing agency too long for a line breaks where the PDF breaks it (a `w:br`), the
/// date placed against the wider line.
#[test]
fn long_signature_breaks_into_lines() {
    let agency = "某某县交通运输局机关党委办公室某某某某某某某某某某某某某某某某某某某某某某";
    let doc = with_imprint(agency);
    let pkg = Pkg::of(&doc);
    let paras: Vec<&El> = pkg.body().all("w:p").collect();
    let sig = paras
        .iter()
        .find(|p| p.wt() == agency)
        .expect("the agency paragraph");
    assert_eq!(sig.find_all("w:br").len(), 1);
    let lines = ty::signature_lines(agency);
    assert_eq!(lines.len(), 2);
    let (right, _) = signature_indents(&lines[0], "2025年3月20日");
    let ind = sig.child("w:pPr").unwrap().child("w:ind").unwrap();
    assert_eq!(ind.attr("w:rightChars"), Some(right.to_string().as_str()));
}

#[test]
fn draft_is_marked_on_every_page_and_under_the_title() {
    let pkg = Pkg::of(&draft());
    let sect = pkg.body().child("w:sectPr").unwrap();
    let types: Vec<&str> = sect
        .all("w:headerReference")
        .map(|h| h.attr("w:type").unwrap())
        .collect();
    assert_eq!(types, ["default", "even"]);
    for part in ["word/header1.xml", "word/header2.xml"] {
        let hdr = pkg.part(part);
        assert_eq!(hdr.wt(), "草稿");
        let color = hdr.find_all("w:color");
        assert_eq!(color[0].attr("w:val"), Some("FF0000"));
    }
    let under_title = pkg.body().all("w:p").nth(2).unwrap();
    assert_eq!(under_title.wt(), "（草稿）");
    assert_eq!(
        under_title.child("w:pPr").unwrap().val("w:jc"),
        Some("center")
    );
    // And nothing of it in a final document.
    let fin = Pkg::of(&sample());
    assert!(!fin.part("word/document.xml").wt().contains("草稿"));
    assert!(!fin.parts.keys().any(|k| k.contains("header")));
}

// ------------------------------------------------------------------------------------------
// Tables

/// A cell read back from `w:tbl`: (row, col, rowspan, colspan, text).
type ReadCell = (u8, u8, u8, u8, String);

/// Rebuilds the grid from the XML: `w:gridSpan` gives column spans, `w:vMerge` restart /
/// continue row spans (a continuation must sit exactly under the cell it continues).
fn read_table(tbl: &El) -> Vec<ReadCell> {
    let mut cells: Vec<ReadCell> = Vec::new();
    for (r, tr) in tbl.all("w:tr").enumerate() {
        let mut k = 0u8;
        for tc in tr.all("w:tc") {
            let pr = tc.child("w:tcPr").unwrap();
            let span: u8 = pr.val("w:gridSpan").map_or(1, |v| v.parse().unwrap());
            match pr.child("w:vMerge") {
                Some(m) if m.attr("w:val") != Some("restart") => {
                    assert_eq!(tc.wt(), "", "continuation cells are empty");
                    let above = cells
                        .iter_mut()
                        .find(|c| c.1 == k && c.0 + c.2 == r as u8)
                        .unwrap_or_else(|| panic!("vMerge continue at ({r},{k}) under nothing"));
                    assert_eq!(above.3, span, "continuation spans the same columns");
                    above.2 += 1;
                }
                _ => cells.push((r as u8, k, 1, span, tc.wt())),
            }
            k += span;
        }
    }
    cells.sort();
    cells
}

fn expected_cells(t: &Table) -> Vec<ReadCell> {
    let mut v: Vec<ReadCell> = t
        .cells
        .iter()
        .map(|c: &Cell| (c.row, c.col, c.rowspan, c.colspan, c.content.text()))
        .collect();
    v.sort();
    v
}

#[test]
fn tables_read_back_equal_the_document() {
    let doc = sample();
    let pkg = Pkg::of(&doc);
    let xml = pkg.tables();
    let tables = doc_tables(&doc);
    assert_eq!(xml.len(), 3);
    for (tbl, t) in xml.iter().zip(&tables) {
        let cols = usize::from(t.shape.cols);
        // Every row covers the whole grid.
        for tr in tbl.all("w:tr") {
            let width: usize = tr
                .all("w:tc")
                .map(|tc| {
                    tc.child("w:tcPr")
                        .unwrap()
                        .val("w:gridSpan")
                        .map_or(1, |v| v.parse().unwrap())
                })
                .sum();
            assert_eq!(width, cols, "{}", t.shape.name);
        }
        assert_eq!(tbl.all("w:tr").count(), usize::from(t.shape.rows));
        assert_eq!(read_table(tbl), expected_cells(t), "{}", t.shape.name);
    }
}

#[test]
fn every_official_label_and_number_is_in_its_table() {
    let doc = sample();
    let pkg = Pkg::of(&doc);
    let xml = pkg.tables();
    let shapes = [&format::TABLE2, &format::TABLE3, &format::TABLE4];
    for ((tbl, shape), t) in xml.iter().zip(shapes).zip(doc_tables(&doc)) {
        let read = read_table(tbl);
        for l in shape.labels {
            assert!(
                read.contains(&(l.row, l.col, l.rowspan, l.colspan, l.text.to_string())),
                "{}: {:?}",
                shape.name,
                l
            );
        }
        let mut numbers = 0;
        for c in &t.cells {
            if let CellContent::Number { value, .. } = &c.content {
                numbers += 1;
                assert!(read.contains(&(c.row, c.col, c.rowspan, c.colspan, value.display())));
            }
        }
        assert_eq!(read.len(), shape.labels.len() + numbers);
    }
    // Spot checks against the sample's figures.
    let t3 = read_table(xml[1]);
    assert!(
        t3.contains(&(3, 9, 1, 1, "138".to_string())),
        "一、本年新收 总计"
    );
    let t2 = read_table(xml[0]);
    assert!(t2.contains(&(13, 1, 1, 3, "1234.5678".to_string())));
}

#[test]
fn merges_count_as_in_format_rs() {
    let doc = sample();
    let pkg = Pkg::of(&doc);
    for (tbl, t) in pkg.tables().iter().zip(doc_tables(&doc)) {
        // Every spanning cell is a label of format.rs or a number the document spans (table
        // 二's values over three columns): count them from the document and the format.
        let label_spans: Vec<(u8, u8)> = t
            .shape
            .labels
            .iter()
            .map(|l| (l.rowspan, l.colspan))
            .collect();
        let number_spans: Vec<(u8, u8)> = t
            .cells
            .iter()
            .filter(|c| matches!(c.content, CellContent::Number { .. }))
            .map(|c| (c.rowspan, c.colspan))
            .collect();
        let spans: Vec<(u8, u8)> = label_spans.into_iter().chain(number_spans).collect();
        // gridSpan is repeated on every row a column-spanning cell covers.
        let grid_spans: usize = spans
            .iter()
            .filter(|(_, c)| *c > 1)
            .map(|(r, _)| usize::from(*r))
            .sum();
        let restarts = spans.iter().filter(|(r, _)| *r > 1).count();
        let continues: usize = spans.iter().map(|(r, _)| usize::from(*r) - 1).sum();
        let count =
            |pred: &dyn Fn(&El) -> bool| tbl.descendants().into_iter().filter(|e| pred(e)).count();
        assert_eq!(
            count(&|e| e.name == "w:gridSpan"),
            grid_spans,
            "{}",
            t.shape.name
        );
        assert_eq!(
            count(&|e| e.name == "w:vMerge" && e.attr("w:val") == Some("restart")),
            restarts,
            "{}",
            t.shape.name
        );
        assert_eq!(
            count(&|e| e.name == "w:vMerge" && e.attr("w:val").is_none()),
            continues,
            "{}",
            t.shape.name
        );
    }
    // Table 三 as the official form has it: 三、本年度办理结果 over 22 rows.
    let t3 = read_table(pkg.tables()[1]);
    assert!(t3.contains(&(5, 0, 22, 1, "三、本年度办理结果".to_string())));
}

#[test]
fn table_layout_widths_headers_and_borders() {
    let doc = sample();
    let pkg = Pkg::of(&doc);
    for (tbl, t) in pkg.tables().iter().zip(doc_tables(&doc)) {
        let name = t.shape.name;
        let pr = tbl.child("w:tblPr").unwrap();
        assert_eq!(pr.val("w:tblStyle"), Some("TableGrid"));
        assert_eq!(
            pr.child("w:tblLayout").unwrap().attr("w:type"),
            Some("fixed")
        );
        let w = pr.child("w:tblW").unwrap();
        assert_eq!(
            (w.attr("w:w"), w.attr("w:type")),
            (Some("8844"), Some("dxa"))
        );
        let borders = pr.child("w:tblBorders").unwrap();
        let edges: Vec<&str> = borders.elements().map(|e| e.name.as_str()).collect();
        assert_eq!(
            edges,
            [
                "w:top",
                "w:left",
                "w:bottom",
                "w:right",
                "w:insideH",
                "w:insideV"
            ]
        );
        assert!(borders
            .elements()
            .all(|e| e.attr("w:val") == Some("single")));
        // Column widths: the weights scaled to the type area, summing to it exactly.
        let grid: Vec<u32> = tbl
            .child("w:tblGrid")
            .unwrap()
            .all("w:gridCol")
            .map(|g| g.attr("w:w").unwrap().parse().unwrap())
            .collect();
        assert_eq!(
            grid,
            column_widths(t.shape.col_weights, TYPE_WIDTH),
            "{name}"
        );
        assert_eq!(grid.iter().sum::<u32>(), 8844);
        for tr in tbl.all("w:tr") {
            let mut k = 0;
            for tc in tr.all("w:tc") {
                let pr = tc.child("w:tcPr").unwrap();
                let span: usize = pr.val("w:gridSpan").map_or(1, |v| v.parse().unwrap());
                let tcw: u32 = pr
                    .child("w:tcW")
                    .unwrap()
                    .attr("w:w")
                    .unwrap()
                    .parse()
                    .unwrap();
                assert_eq!(tcw, grid[k..k + span].iter().sum::<u32>(), "{name}");
                assert_eq!(pr.val("w:vAlign"), Some("center"));
                k += span;
                // Cell paragraphs: the table style, no first-line indent of their own.
                for p in tc.all("w:p") {
                    let ppr = p.child("w:pPr").unwrap();
                    assert_eq!(ppr.val("w:pStyle"), Some("TableText"));
                    assert!(ppr.child("w:ind").is_none());
                }
            }
        }
        // Header rows repeat; every row stays whole.
        let headers: Vec<bool> = tbl
            .all("w:tr")
            .map(|tr| {
                let pr = tr.child("w:trPr").unwrap();
                assert!(pr.child("w:cantSplit").is_some());
                pr.child("w:tblHeader").is_some()
            })
            .collect();
        let n = usize::from(t.shape.header_rows);
        assert!(headers[..n].iter().all(|&h| h), "{name}");
        assert!(headers[n..].iter().all(|&h| !h), "{name}");
    }
    assert_eq!(
        doc_tables(&doc)
            .iter()
            .map(|t| t.shape.header_rows)
            .collect::<Vec<_>>(),
        [0, 3, 3]
    );
}

#[test]
fn row_labels_left_headers_and_numbers_centred() {
    let doc = sample();
    let pkg = Pkg::of(&doc);
    for (tbl, t) in pkg.tables().iter().zip(doc_tables(&doc)) {
        for (r, tr) in tbl.all("w:tr").enumerate() {
            let mut k = 0u8;
            for tc in tr.all("w:tc") {
                let pr = tc.child("w:tcPr").unwrap();
                let span: u8 = pr.val("w:gridSpan").map_or(1, |v| v.parse().unwrap());
                let continues = pr
                    .child("w:vMerge")
                    .is_some_and(|m| m.attr("w:val").is_none());
                if !continues {
                    let cell = t.cell(r as u8, k).unwrap();
                    let jc = tc.child("w:p").unwrap().child("w:pPr").unwrap().val("w:jc");
                    let want = match cell.content {
                        CellContent::Label { header: false, .. } => Some("left"),
                        _ => None, // the style's centre
                    };
                    assert_eq!(jc, want, "{} ({r},{k})", t.shape.name);
                }
                k += span;
            }
        }
    }
    assert_eq!(
        pkg.style_ppr("TableText", "w:jc").unwrap().attr("w:val"),
        Some("center")
    );
}

#[test]
fn column_widths_are_proportional_and_exact() {
    for weights in [
        &[7u16, 5, 5, 5][..],
        &[3, 4, 9, 3, 3, 3, 3, 3, 3, 3],
        &[1; 15],
        &[1, 1, 1],
    ] {
        let w = column_widths(weights, 8844);
        assert_eq!(w.iter().sum::<u32>(), 8844);
        let total: u32 = weights.iter().map(|&x| u32::from(x)).sum();
        for (&wi, &x) in w.iter().zip(weights) {
            let exact = 8844.0 * f64::from(x) / f64::from(total);
            assert!((f64::from(wi) - exact).abs() < 1.0, "{wi} vs {exact}");
        }
    }
}

// ------------------------------------------------------------------------------------------
// Edge cases

/// The sample with awkward text, out-of-range heading levels, two adjacent tables and a table
/// as the last block.
fn edge_document() -> Document {
    let mut doc = sample();
    let table = doc_tables(&doc)[2].clone();
    doc.blocks
        .retain(|b| !matches!(b, DocBlock::Signature { .. }));
    doc.blocks.insert(
        0,
        DocBlock::Paragraph {
            runs: vec![
                Run {
                    text: " A<&>\"'\u{b}B\tC\r\nD  E ".to_string(),
                    bold: false,
                },
                Run {
                    text: String::new(),
                    bold: true,
                },
                Run {
                    text: "“加粗”".to_string(),
                    bold: true,
                },
            ],
            source: None,
        },
    );
    for level in [0, 5] {
        doc.blocks.insert(
            1,
            DocBlock::Heading {
                level,
                runs: vec![Run {
                    text: format!("第{level}级"),
                    bold: false,
                }],
                source: None,
            },
        );
    }
    doc.blocks.push(DocBlock::Table(table.clone()));
    doc.blocks.push(DocBlock::Table(table));
    doc
}

#[test]
fn awkward_text_is_escaped_and_structured() {
    let doc = edge_document();
    let pkg = Pkg::of(&doc);
    let first = pkg
        .body()
        .all("w:p")
        .find(|p| p.child("w:pPr").and_then(|q| q.val("w:pStyle")) == Some("BodyText"))
        .unwrap();
    let run = first.child("w:r").unwrap();
    let content: Vec<String> = run
        .elements()
        .filter(|e| e.name != "w:rPr")
        .map(|e| match e.name.as_str() {
            "w:t" => format!(
                "t{}:{}",
                if e.attr("xml:space").is_some() {
                    "*"
                } else {
                    ""
                },
                e.text()
            ),
            other => other.to_string(),
        })
        .collect();
    // The vertical tab (not allowed in XML) is dropped, CR too; tab and line feed become
    // elements; edge and double spaces are preserved.
    assert_eq!(
        content,
        ["t*: A<&>\"'B", "w:tab", "t:C", "w:br", "t*:D  E "]
    );
    // The empty bold run is dropped, the other is bold.
    let runs: Vec<&El> = first.all("w:r").collect();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[1].wt(), "“加粗”");
    // Heading levels outside 1–4 are clamped.
    let styles: Vec<&str> = pkg
        .body()
        .all("w:p")
        .filter(|p| p.wt().starts_with('第') && p.wt().ends_with('级'))
        .map(|p| p.child("w:pPr").unwrap().val("w:pStyle").unwrap())
        .collect();
    assert_eq!(styles, ["Heading4", "Heading1"]);
    // Adjacent tables are kept apart by a paragraph, and the body does not end on a table.
    let names: Vec<&str> = pkg.body().elements().map(|e| e.name.as_str()).collect();
    for pair in names.windows(2) {
        assert_ne!(pair, ["w:tbl", "w:tbl"]);
        assert_ne!(pair, ["w:tbl", "w:sectPr"]);
    }
}

/// Writes the sample's DOCX (plain and draft) and the edge document to `$NIANBAO_DUMP_DIR`
/// for `scripts/interop-docx.sh`, and prints how long an export takes.
#[test]
#[ignore = "writes files; run with NIANBAO_DUMP_DIR set"]
fn dump() {
    let dir = PathBuf::from(std::env::var("NIANBAO_DUMP_DIR").expect("NIANBAO_DUMP_DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, doc) in [
        ("sample", sample()),
        ("sample-draft", draft()),
        ("edge", edge_document()),
    ] {
        let start = std::time::Instant::now();
        let n = 50;
        let mut bytes = Vec::new();
        for _ in 0..n {
            bytes = export(&doc).unwrap();
        }
        println!(
            "{name}.docx: {} bytes, {:.2} ms per export",
            bytes.len(),
            start.elapsed().as_secs_f64() * 1000.0 / f64::from(n)
        );
        std::fs::write(dir.join(format!("{name}.docx")), bytes).unwrap();
    }
}
