//! Page list → PDF bytes, with lopdf's object model and serializer.
//!
//! Every face used is embedded as a subset (`subsetter`; only the glyphs drawn) in a Type0
//! font with Identity-H encoding: a bare CID-keyed CFF (`/FontFile3 /CIDFontType0C`) for
//! OpenType-CFF faces, a TrueType program (`/FontFile2`) for TrueType faces. The subsetter
//! renumbers glyphs and gives CFF subsets an identity charset, so the codes in the content
//! streams are the new glyph ids. It drops the `cmap`, so each font gets a ToUnicode CMap
//! written here from the characters the layout placed. The BaseFont carries a six-letter
//! subset tag derived from the glyph set, the dates come from the report and the trailer
//! `/ID` from a hash of the content: identical input gives identical bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use lopdf::{dictionary, Dictionary, Object, Stream, StringFormat};
use nianbao_core::Document;

use super::fonts::{FaceData, FaceId, Faces, Outlines};
use super::pages::{GlyphRun, Line, LineKind, Page, PAGE_HEIGHT};
use crate::ExportError;

/// What the PDF says made it.
const PRODUCER: &str = concat!("nianbao-export ", env!("CARGO_PKG_VERSION"));

/// Glyphs of one face used in the document.
struct Used {
    /// Original glyph id → the character it shows (first seen).
    chars: BTreeMap<u16, char>,
}

/// One embedded font: resource name and the original → subset glyph id map.
struct Embedded {
    name: String,
    remap: subsetter::GlyphRemapper,
}

/// Writes the page list as a PDF.
pub(crate) fn write(
    pages: &[Page],
    faces: &Faces<'_>,
    doc: &Document,
) -> Result<Vec<u8>, ExportError> {
    let mut used: BTreeMap<FaceId, Used> = BTreeMap::new();
    for page in pages {
        for line in page.lines.iter().filter(|l| l.kind != LineKind::Draft) {
            for run in &line.runs {
                let u = used.entry(run.face).or_insert_with(|| Used {
                    chars: BTreeMap::new(),
                });
                for g in &run.glyphs {
                    u.chars.entry(g.gid).or_insert(g.ch);
                }
            }
        }
    }

    let mut pdf = lopdf::Document::with_version("1.7");
    let mut hash = Fnv::new();
    let pages_id = pdf.new_object_id();

    let remaps: Vec<(FaceId, subsetter::GlyphRemapper)> = used
        .iter()
        .map(|(&face, u)| {
            let gids: Vec<u16> = u.chars.keys().copied().collect();
            (
                face,
                subsetter::GlyphRemapper::new_from_glyphs_sorted(&gids),
            )
        })
        .collect();
    // Subsetting and compressing a face takes 0.2–3 ms; the faces are independent, so they
    // run in parallel (the objects are still added in face order: same bytes every time).
    let programs: Vec<Result<Program, ExportError>> = std::thread::scope(|s| {
        let handles: Vec<_> = remaps
            .iter()
            .map(|(face, remap)| {
                let data = &faces.fonts.faces[*face];
                s.spawn(move || program(data, remap))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(ExportError::new("字体子集线程异常退出")))
            })
            .collect()
    });
    let mut fonts: BTreeMap<FaceId, Embedded> = BTreeMap::new();
    let mut font_dict = Dictionary::new();
    for ((face, remap), program) in remaps.into_iter().zip(programs) {
        let name = format!("F{}", face + 1);
        let u = &used[&face];
        let font_ref = embed_font(&mut pdf, faces, face, u, &remap, program?, &mut hash);
        font_dict.set(name.as_bytes().to_vec(), Object::Reference(font_ref));
        fonts.insert(face, Embedded { name, remap });
    }
    let resources = pdf.add_object(dictionary! { "Font" => font_dict });

    let mut kids = Vec::new();
    for page in pages {
        let content = page_content(page, faces, &fonts);
        hash.write(&content);
        let content_id = pdf.add_object(flate_stream(Dictionary::new(), content));
        let page_id = pdf.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(595.276), Object::Real(841.89)],
            "Resources" => resources,
            "Contents" => content_id,
        });
        kids.push(Object::Reference(page_id));
    }
    let count = kids.len() as i64;
    pdf.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
        }),
    );

    let meta = &doc.meta;
    let d = meta.date;
    let pdf_date = format!("D:{:04}{:02}{:02}000000+08'00'", d.year, d.month, d.day);
    let xmp_date = format!("{:04}-{:02}-{:02}T00:00:00+08:00", d.year, d.month, d.day);
    let xmp = xmp(&meta.title, &meta.author, meta.lang, &xmp_date);
    hash.write(xmp.as_bytes());
    let metadata = pdf.add_object(Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        xmp.into_bytes(),
    ));
    let catalog = pdf.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "Lang" => Object::string_literal(meta.lang),
        "Metadata" => metadata,
        "ViewerPreferences" => dictionary! { "DisplayDocTitle" => true },
    });
    let info = pdf.add_object(dictionary! {
        "Title" => text_string(&meta.title),
        "Author" => text_string(&meta.author),
        "Creator" => Object::string_literal("nianbao"),
        "Producer" => Object::string_literal(PRODUCER),
        "CreationDate" => Object::string_literal(pdf_date.clone()),
        "ModDate" => Object::string_literal(pdf_date),
    });
    let id = hash.digest();
    pdf.trailer.set("Root", catalog);
    pdf.trailer.set("Info", info);
    pdf.trailer.set(
        "ID",
        vec![
            Object::String(id.to_vec(), StringFormat::Hexadecimal),
            Object::String(id.to_vec(), StringFormat::Hexadecimal),
        ],
    );
    let mut out = Vec::new();
    pdf.save_to(&mut out)
        .map_err(|e| ExportError::new(format!("PDF 写出失败：{e}")))?;
    Ok(out)
}

/// A subset font program, ready to embed.
struct Program {
    stream: Stream,
    /// `CIDFontType0` (CFF) or `CIDFontType2` (TrueType).
    subtype: &'static str,
    /// `FontFile3` or `FontFile2`.
    file_key: &'static str,
}

/// Subsets a face to the glyphs of `remap` and wraps the program in a stream.
fn program(data: &FaceData, remap: &subsetter::GlyphRemapper) -> Result<Program, ExportError> {
    let subset = subsetter::subset(data.bytes.as_slice(), data.index, remap)
        .map_err(|e| ExportError::new(format!("字体 {} 取子集失败：{e}", data.path.display())))?;
    Ok(match data.outlines {
        Outlines::Cff => {
            let sub_face = ttf_parser::RawFace::parse(&subset, 0).map_err(|e| {
                ExportError::new(format!("字体 {} 的子集无法解析：{e}", data.path.display()))
            })?;
            let cff = sub_face
                .table(ttf_parser::Tag::from_bytes(b"CFF "))
                .ok_or_else(|| {
                    ExportError::new(format!("字体 {} 的子集缺少 CFF 表", data.path.display()))
                })?;
            Program {
                stream: flate_stream(dictionary! { "Subtype" => "CIDFontType0C" }, cff.to_vec()),
                subtype: "CIDFontType0",
                file_key: "FontFile3",
            }
        }
        Outlines::TrueType => {
            let len = subset.len() as i64;
            Program {
                stream: flate_stream(dictionary! { "Length1" => len }, subset),
                subtype: "CIDFontType2",
                file_key: "FontFile2",
            }
        }
    })
}

/// A stream, Flate-compressed when that makes it smaller. Level 3: measured on the sample,
/// as small as level 9 within 1% and about 2 ms faster (CFF programs barely compress).
fn flate_stream(mut dict: Dictionary, content: Vec<u8>) -> Stream {
    use std::io::Write as _;
    let mut enc = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(content.len() / 2),
        flate2::Compression::new(3),
    );
    let packed = enc.write_all(&content).and_then(|()| enc.finish());
    match packed {
        Ok(packed) if packed.len() < content.len() => {
            dict.set("Filter", "FlateDecode");
            Stream::new(dict, packed).with_compression(false)
        }
        _ => Stream::new(dict, content).with_compression(false),
    }
}

/// Embeds the subset of `face` and returns the Type0 font's object id.
fn embed_font(
    pdf: &mut lopdf::Document,
    faces: &Faces<'_>,
    face: FaceId,
    used: &Used,
    remap: &subsetter::GlyphRemapper,
    program: Program,
    hash: &mut Fnv,
) -> lopdf::ObjectId {
    let data = &faces.fonts.faces[face];
    // Tag: six capitals from a hash of the face and its glyph set (ISO 32000-1, 9.6.4).
    let mut h = Fnv::new();
    h.write(data.ps_name.as_bytes());
    for g in used.chars.keys() {
        h.write(&g.to_be_bytes());
    }
    let tag: String = h
        .digest()
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect();
    let base = format!("{tag}+{}", data.ps_name);
    let Program {
        stream,
        subtype,
        file_key,
    } = program;
    hash.write(&stream.content);
    let program_id = pdf.add_object(stream);

    let scale = |v: i16| (f64::from(v) * 1000.0 / f64::from(data.upm.max(1))).round() as i64;
    let descriptor = pdf.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => Object::Name(base.clone().into_bytes()),
        "Flags" => 4,
        "FontBBox" => data.bbox.iter().map(|&v| Object::Integer(scale(v))).collect::<Vec<_>>(),
        "ItalicAngle" => 0,
        "Ascent" => scale(data.ascent),
        "Descent" => scale(data.descent),
        "CapHeight" => scale(data.cap_height),
        "StemV" => if data.weight >= 600 { 140 } else { 80 },
        file_key => program_id,
    });

    // Widths and ToUnicode, keyed by the subset glyph id (= CID).
    let mut by_cid: Vec<(u16, u16, char)> = used
        .chars
        .iter()
        .filter_map(|(&gid, &ch)| remap.get(gid).map(|cid| (cid, gid, ch)))
        .collect();
    by_cid.sort_unstable();
    let mut w = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut run_start = 0u16;
    let mut prev: Option<u16> = None;
    for &(cid, gid, _) in &by_cid {
        if prev.is_some_and(|p| p + 1 != cid) {
            w.push(Object::Integer(i64::from(run_start)));
            w.push(Object::Array(std::mem::take(&mut run)));
        }
        if run.is_empty() {
            run_start = cid;
        }
        run.push(Object::Integer(faces.width_1000(face, gid)));
        prev = Some(cid);
    }
    if !run.is_empty() {
        w.push(Object::Integer(i64::from(run_start)));
        w.push(Object::Array(run));
    }
    let mut cid_font = dictionary! {
        "Type" => "Font",
        "Subtype" => subtype,
        "BaseFont" => Object::Name(base.clone().into_bytes()),
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "DW" => 1000,
        "W" => w,
    };
    if data.outlines == Outlines::TrueType {
        cid_font.set("CIDToGIDMap", "Identity");
    }
    let cid_font = pdf.add_object(cid_font);
    let cmap = to_unicode(by_cid.iter().map(|&(cid, _, ch)| (cid, ch)));
    hash.write(cmap.as_bytes());
    let cmap = pdf.add_object(flate_stream(Dictionary::new(), cmap.into_bytes()));
    pdf.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => Object::Name(base.into_bytes()),
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Reference(cid_font)],
        "ToUnicode" => cmap,
    })
}

/// A ToUnicode CMap mapping two-byte codes to UTF-16BE.
fn to_unicode(pairs: impl Iterator<Item = (u16, char)>) -> String {
    let pairs: Vec<(u16, char)> = pairs.collect();
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in pairs.chunks(100) {
        let _ = writeln!(s, "{} beginbfchar", chunk.len());
        for &(cid, ch) in chunk {
            let mut buf = [0u16; 2];
            let hex: String = ch
                .encode_utf16(&mut buf)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(s, "<{cid:04X}> <{hex}>");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

/// A number for a content stream: at most three decimals, no trailing zeros.
fn num(v: f32) -> String {
    let r = (f64::from(v) * 1000.0).round() / 1000.0;
    let mut s = format!("{r:.3}");
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    if s == "-0" {
        s = "0".into();
    }
    s
}

fn page_content(page: &Page, faces: &Faces<'_>, fonts: &BTreeMap<FaceId, Embedded>) -> Vec<u8> {
    let mut c = String::new();
    if !page.rules.is_empty() {
        let w = page.rules[0].width;
        let _ = writeln!(c, "q 0 G {} w 0 J", num(w));
        for r in &page.rules {
            let _ = writeln!(
                c,
                "{} {} m {} {} l",
                num(r.x1),
                num(PAGE_HEIGHT - r.y1),
                num(r.x2),
                num(PAGE_HEIGHT - r.y2)
            );
        }
        c.push_str("S Q\n");
    }
    for line in &page.lines {
        if line.kind == LineKind::Draft {
            outline_content(&mut c, line, faces);
        } else {
            line_content(&mut c, line, faces, fonts);
        }
    }
    c.into_bytes()
}

fn line_content(
    c: &mut String,
    line: &Line,
    faces: &Faces<'_>,
    fonts: &BTreeMap<FaceId, Embedded>,
) {
    if line.runs.is_empty() {
        return;
    }
    let grey = line.gray > 0.0;
    if grey {
        let _ = writeln!(c, "q {} g", num(line.gray));
    }
    c.push_str("BT\n");
    let (sin, cos) = line.angle.to_radians().sin_cos();
    let mut tc = None;
    for (k, run) in line.runs.iter().enumerate() {
        let Some(font) = fonts.get(&run.face) else {
            continue;
        };
        let Some(first) = run.glyphs.first() else {
            continue;
        };
        let _ = writeln!(c, "/{} {} Tf", font.name, num(run.size));
        if run.bold {
            // Emboldened: fill and stroke the outlines (the official faces have no bold).
            let _ = writeln!(c, "2 Tr {} w", num(run.size * 0.03));
        }
        // Baseline start of the run in PDF space (y up), along the line's direction.
        let x = line.x + first.x * cos;
        let y = PAGE_HEIGHT - line.y + first.x * sin;
        if line.angle == 0.0 {
            let _ = writeln!(c, "1 0 0 1 {} {} Tm", num(x), num(y));
        } else {
            let _ = writeln!(
                c,
                "{} {} {} {} {} {} Tm",
                num(cos),
                num(sin),
                num(-sin),
                num(cos),
                num(x),
                num(y)
            );
        }
        let next = line
            .runs
            .get(k + 1)
            .and_then(|r| r.glyphs.first())
            .map(|g| g.x);
        show(c, run, next, faces, font, &mut tc);
        if run.bold {
            c.push_str("0 Tr\n");
        }
    }
    if tc.is_some_and(|t| t != 0.0) {
        c.push_str("0 Tc\n");
    }
    c.push_str("ET\n");
    if grey {
        c.push_str("Q\n");
    }
}

/// Draws a line as filled glyph outlines instead of text: the draft mark is a decoration,
/// not document text, so it stays out of text extraction, search and copy.
fn outline_content(c: &mut String, line: &Line, faces: &Faces<'_>) {
    let (sin, cos) = line.angle.to_radians().sin_cos();
    let _ = writeln!(
        c,
        "q {} g {} {} {} {} {} {} cm",
        num(line.gray),
        num(cos),
        num(sin),
        num(-sin),
        num(cos),
        num(line.x),
        num(PAGE_HEIGHT - line.y)
    );
    for run in &line.runs {
        let Some(face) = faces.parsed.get(run.face) else {
            continue;
        };
        let scale = run.size / f32::from(face.units_per_em().max(1));
        for g in &run.glyphs {
            let mut path = PathOut {
                out: String::new(),
                scale,
                dx: g.x,
                last: (0.0, 0.0),
            };
            if face
                .outline_glyph(ttf_parser::GlyphId(g.gid), &mut path)
                .is_some()
            {
                c.push_str(&path.out);
                c.push_str("f\n");
            }
        }
    }
    c.push_str("Q\n");
}

/// Glyph outline → PDF path operators (quadratic curves raised to cubic).
struct PathOut {
    out: String,
    scale: f32,
    dx: f32,
    last: (f32, f32),
}

impl PathOut {
    fn pt(&self, x: f32, y: f32) -> (f32, f32) {
        (self.dx + x * self.scale, y * self.scale)
    }
}

impl ttf_parser::OutlineBuilder for PathOut {
    fn move_to(&mut self, x: f32, y: f32) {
        let p = self.pt(x, y);
        let _ = writeln!(self.out, "{} {} m", num(p.0), num(p.1));
        self.last = p;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.pt(x, y);
        let _ = writeln!(self.out, "{} {} l", num(p.0), num(p.1));
        self.last = p;
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let q = self.pt(x1, y1);
        let p = self.pt(x, y);
        let (s, k) = (self.last, 2.0 / 3.0);
        let c1 = (s.0 + k * (q.0 - s.0), s.1 + k * (q.1 - s.1));
        let c2 = (p.0 + k * (q.0 - p.0), p.1 + k * (q.1 - p.1));
        let _ = writeln!(
            self.out,
            "{} {} {} {} {} {} c",
            num(c1.0),
            num(c1.1),
            num(c2.0),
            num(c2.1),
            num(p.0),
            num(p.1)
        );
        self.last = p;
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let a = self.pt(x1, y1);
        let b = self.pt(x2, y2);
        let p = self.pt(x, y);
        let _ = writeln!(
            self.out,
            "{} {} {} {} {} {} c",
            num(a.0),
            num(a.1),
            num(b.0),
            num(b.1),
            num(p.0),
            num(p.1)
        );
        self.last = p;
    }

    fn close(&mut self) {
        self.out.push_str("h\n");
    }
}

/// Shows the glyphs of `run` at their layout positions. The space after each glyph is set
/// with the character spacing `Tc` (one value per stretch of equal spacing: compact for
/// grid text). `next` is where the glyph after the run starts (another run on the same
/// line), if any; text state persists across text objects, so `tc` tracks it.
///
/// Where squeezed punctuation makes a glyph's box overlap its neighbour's by more than a
/// tenth of an em, extractors (poppler from 0.2 em) split the words and even the line; such
/// glyphs are wrapped with their neighbours in an `/ActualText` span, which readers treat
/// as one piece of text.
fn show(
    c: &mut String,
    run: &GlyphRun,
    next: Option<f32>,
    faces: &Faces<'_>,
    font: &Embedded,
    tc: &mut Option<f64>,
) {
    let size = f64::from(run.size);
    let Some(origin) = run.glyphs.first().map(|g| f64::from(g.x)) else {
        return;
    };
    let n = run.glyphs.len();
    let advances: Vec<f64> = run
        .glyphs
        .iter()
        .map(|g| faces.width_1000(run.face, g.gid) as f64 * size / 1000.0)
        .collect();
    // tight[i]: glyph i and i + 1 overlap.
    let tight: Vec<bool> = (0..n)
        .map(|i| {
            run.glyphs.get(i + 1).is_some_and(|nx| {
                f64::from(nx.x) - f64::from(run.glyphs[i].x) - advances[i] < -0.1 * size
            })
        })
        .collect();
    let mut pen = 0.0f64;
    let mut hex = String::new();
    let mut in_span = false;
    for (i, g) in run.glyphs.iter().enumerate() {
        let starts_span = !in_span && tight[i];
        if starts_span {
            flush(c, &mut hex);
            let text: String = (i..n)
                .take_while(|&k| k == i || tight[k - 1])
                .map(|k| run.glyphs[k].ch)
                .collect();
            let _ = writeln!(c, "/Span << /ActualText {} >> BDC", utf16_hex(&text));
            in_span = true;
        }
        let target = match run.glyphs.get(i + 1) {
            Some(nx) => Some(f64::from(nx.x) - origin),
            None => next.map(|nx| f64::from(nx) - origin),
        };
        let want = target.map_or(0.0, |t| t - pen - advances[i]);
        let want = (want * 10_000.0).round() / 10_000.0;
        let keep = tc.is_some_and(|cur| (cur - want).abs() < 0.000_5 || target.is_none());
        if !keep {
            flush(c, &mut hex);
            let _ = writeln!(c, "{} Tc", num4(want));
            *tc = Some(want);
        }
        let cid = font.remap.get(g.gid).unwrap_or(0);
        let _ = write!(hex, "{cid:04X}");
        pen += advances[i] + tc.unwrap_or(0.0);
        if in_span && !tight[i] {
            flush(c, &mut hex);
            c.push_str("EMC\n");
            in_span = false;
        }
    }
    flush(c, &mut hex);
}

fn flush(c: &mut String, hex: &mut String) {
    if !hex.is_empty() {
        let _ = writeln!(c, "<{hex}> Tj");
        hex.clear();
    }
}

/// `<FEFF…>`: a PDF text string in UTF-16BE, hex-encoded.
fn utf16_hex(s: &str) -> String {
    let mut out = String::from("<FEFF");
    for u in s.encode_utf16() {
        let _ = write!(out, "{u:04X}");
    }
    out.push('>');
    out
}

/// A number with up to four decimals (character spacing).
fn num4(v: f64) -> String {
    let mut s = format!("{:.4}", (v * 10_000.0).round() / 10_000.0);
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    if s == "-0" {
        s = "0".into();
    }
    s
}

/// A PDF text string: ASCII as is, anything else UTF-16BE with a byte-order mark.
fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        return Object::string_literal(s);
    }
    let mut bytes = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        bytes.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// XMP packet with the same title, author, language and dates as the Info dictionary
/// (what PDF/A needs, minus the `pdfaid` claim).
fn xmp(title: &str, author: &str, lang: &str, date: &str) -> String {
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n\
<dc:format>application/pdf</dc:format>\n\
<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>\n\
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n\
<xmp:CreateDate>{date}</xmp:CreateDate>\n\
<xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
<xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
<xmp:CreatorTool>nianbao</xmp:CreatorTool>\n\
<pdf:Producer>{producer}</pdf:Producer>\n\
</rdf:Description>\n\
</rdf:RDF>\n\
</x:xmpmeta>\n\
<?xpacket end=\"w\"?>",
        title = xml_escape(title),
        author = xml_escape(author),
        lang = xml_escape(lang),
        producer = PRODUCER,
    )
}

/// Two FNV-1a 64 lanes: a stable 16-byte digest for the trailer `/ID` and subset tags
/// (not cryptographic; only has to be deterministic and change with the content).
struct Fnv(u64, u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325, 0x6c62_272e_07bb_0142)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            self.1 = (self.1 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3 ^ 0x2);
        }
    }

    fn digest(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&self.0.to_be_bytes());
        out[8..].copy_from_slice(&self.1.to_be_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(12.3456), "12.346");
        assert_eq!(num(0.5), "0.5");
    }

    #[test]
    fn cmap_uses_utf16() {
        let s = to_unicode([(1u16, '中'), (2, '𠀀')].into_iter());
        assert!(s.contains("<0001> <4E2D>"));
        assert!(s.contains("<0002> <D840DC00>"));
    }
}
