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
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

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
struct Embedded<'r> {
    name: String,
    remap: &'r subsetter::GlyphRemapper,
}

/// Cores to use (looked up once: `available_parallelism` reads cgroup files each time).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A zlib compressor (level 3) reused from stream to stream: resetting it keeps its ~250 KB
/// of tables, where each new one costs fresh memory, zeroed, page by page. Output is the same
/// as a new compressor's.
struct Deflater(flate2::Compress);

impl Deflater {
    fn new() -> Self {
        Deflater(flate2::Compress::new(flate2::Compression::new(3), true))
    }

    /// `data` as a zlib stream.
    fn zlib(&mut self, data: &[u8]) -> Option<Vec<u8>> {
        self.0.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let read = usize::try_from(self.0.total_in()).ok()?;
            let status = self
                .0
                .compress_vec(data.get(read..)?, &mut out, flate2::FlushCompress::Finish)
                .ok()?;
            if status == flate2::Status::StreamEnd {
                return Some(out);
            }
            out.reserve(out.capacity().max(1024));
        }
    }
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
    // The codes in the content streams are the subset glyph ids, known before subsetting.
    let fonts: BTreeMap<FaceId, Embedded<'_>> = remaps
        .iter()
        .map(|(face, remap)| {
            let name = format!("F{}", face + 1);
            (*face, Embedded { name, remap })
        })
        .collect();

    // The work: one job per face (subset and compress its program: 0.2–5 ms, the most glyphs
    // first) and the page contents (~1 ms). This thread sets the pages while the other cores
    // take faces, then joins them on the faces left. Each thread keeps one compressor: a new
    // one costs ~250 KB of freshly zeroed memory (page faults) per stream. Results land in
    // slots by face, and objects are added in face order: the bytes never depend on timing.
    let mut order: Vec<usize> = (0..remaps.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(remaps[k].1.num_gids()));
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<Program, ExportError>>>> =
        remaps.iter().map(|_| Mutex::new(None)).collect();
    let take_faces = |deflater: &mut Deflater| {
        while let Some(&k) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let (face, remap) = &remaps[k];
            let result = program(&faces.fonts.faces[*face], remap, deflater);
            if let Ok(mut slot) = slots[k].lock() {
                *slot = Some(result);
            }
        }
    };
    let mut deflater = Deflater::new();
    let helpers = cores().saturating_sub(1).min(remaps.len());
    let contents: Vec<(Vec<u8>, Stream)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..helpers)
            .map(|_| s.spawn(|| take_faces(&mut Deflater::new())))
            .collect();
        let contents = pages
            .iter()
            .map(|page| {
                let content = page_content(page, faces, &fonts);
                let stream = flate_stream(Dictionary::new(), &content, &mut deflater);
                (content, stream)
            })
            .collect();
        take_faces(&mut deflater);
        // Joined here, a helper that panicked leaves its face's slot empty (an error below)
        // instead of taking the whole build down when the scope ends.
        for h in handles {
            let _ = h.join();
        }
        contents
    });

    let mut font_dict = Dictionary::new();
    for ((face, remap), slot) in remaps.iter().zip(slots) {
        let program = slot
            .into_inner()
            .ok()
            .flatten()
            .unwrap_or_else(|| Err(ExportError::new("字体子集线程异常退出")))?;
        let u = &used[face];
        let font_ref = embed_font(
            &mut pdf,
            faces,
            *face,
            u,
            remap,
            program,
            &mut hash,
            &mut deflater,
        );
        let name = &fonts[face].name;
        font_dict.set(name.as_bytes().to_vec(), Object::Reference(font_ref));
    }
    let resources = pdf.add_object(dictionary! { "Font" => font_dict });

    let mut kids = Vec::new();
    for (content, stream) in contents {
        hash.write(&content);
        let content_id = pdf.add_object(stream);
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
    // Sized up front: growing it by doubling copied the whole file several times over.
    let streams: usize = pdf
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .map(|s| s.content.len())
        .sum();
    let mut out = Vec::with_capacity(streams + 200 * pdf.objects.len() + 4096);
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
///
/// CID-keyed CFF faces (every shipped face) go through our own subsetter, which copies the
/// charstrings instead of desubroutinizing them (see [`super::cff`]); anything it declines, and
/// TrueType faces, through `subsetter`.
fn program(
    data: &FaceData,
    remap: &subsetter::GlyphRemapper,
    deflater: &mut Deflater,
) -> Result<Program, ExportError> {
    let bytes = data.bytes.as_slice();
    if data.outlines == Outlines::Cff {
        let fast = ttf_parser::RawFace::parse(bytes, data.index)
            .ok()
            .and_then(|f| f.table(ttf_parser::Tag::from_bytes(b"CFF ")))
            .and_then(|cff| super::cff::subset_cid(cff, remap));
        if let Some(cff) = fast {
            return Ok(cff_program(&cff, deflater));
        }
    }
    let subset = subsetter::subset(bytes, data.index, remap)
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
            cff_program(cff, deflater)
        }
        Outlines::TrueType => {
            let len = subset.len() as i64;
            Program {
                stream: flate_stream(dictionary! { "Length1" => len }, &subset, deflater),
                subtype: "CIDFontType2",
                file_key: "FontFile2",
            }
        }
    })
}

/// A bare CID-keyed CFF as an embedded font program.
fn cff_program(cff: &[u8], deflater: &mut Deflater) -> Program {
    Program {
        stream: flate_stream(dictionary! { "Subtype" => "CIDFontType0C" }, cff, deflater),
        subtype: "CIDFontType0",
        file_key: "FontFile3",
    }
}

/// A stream, Flate-compressed when that makes it smaller. Level 3: measured on the sample,
/// as small as level 9 within 1% and about 2 ms faster (CFF programs barely compress).
fn flate_stream(mut dict: Dictionary, content: &[u8], deflater: &mut Deflater) -> Stream {
    match deflater.zlib(content) {
        Some(packed) if packed.len() < content.len() => {
            dict.set("Filter", "FlateDecode");
            Stream::new(dict, packed).with_compression(false)
        }
        _ => Stream::new(dict, content.to_vec()).with_compression(false),
    }
}

/// Embeds the subset of `face` and returns the Type0 font's object id.
#[allow(clippy::too_many_arguments)] // distinct inputs; a struct for one call would only hide them
fn embed_font(
    pdf: &mut lopdf::Document,
    faces: &Faces<'_>,
    face: FaceId,
    used: &Used,
    remap: &subsetter::GlyphRemapper,
    program: Program,
    hash: &mut Fnv,
    deflater: &mut Deflater,
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
    let cmap = pdf.add_object(flate_stream(Dictionary::new(), cmap.as_bytes(), deflater));
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
fn num(v: f32) -> Num {
    Num {
        units: (f64::from(v) * 1000.0).round() as i64,
        decimals: 3,
    }
}

/// A fixed-point number written without float formatting, which was a tenth of the whole
/// export (the content streams hold tens of thousands of numbers). Writes what
/// `format!("{:.N}")` of the rounded value wrote, minus trailing zeros, and `0` for `-0`.
#[derive(Clone, Copy)]
struct Num {
    /// The value in units of 10^-decimals.
    units: i64,
    decimals: u32,
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write as _;
        if self.units < 0 {
            f.write_char('-')?;
        }
        let scale = 10u64.pow(self.decimals);
        let a = self.units.unsigned_abs();
        write!(f, "{}", a / scale)?;
        let (mut frac, mut digits) = (a % scale, self.decimals as usize);
        if frac == 0 {
            return Ok(());
        }
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        write!(f, ".{frac:0digits$}")
    }
}

fn page_content(page: &Page, faces: &Faces<'_>, fonts: &BTreeMap<FaceId, Embedded<'_>>) -> Vec<u8> {
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
    fonts: &BTreeMap<FaceId, Embedded<'_>>,
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
    font: &Embedded<'_>,
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
fn num4(v: f64) -> Num {
    Num {
        units: (v * 10_000.0).round() as i64,
        decimals: 4,
    }
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

/// Two 64-bit multiply-xor lanes over eight bytes at a time: a stable 16-byte digest for the
/// trailer `/ID` and subset tags (not cryptographic; only has to be deterministic and change
/// with the content). Byte-at-a-time FNV over the ~300 KB hashed per export took ~0.5 ms.
struct Fnv(u64, u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325, 0x6c62_272e_07bb_0142)
    }

    fn write(&mut self, bytes: &[u8]) {
        const P0: u64 = 0x0100_0000_01b3;
        const P1: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            let v = u64::from_le_bytes(b);
            self.0 = (self.0 ^ v).wrapping_mul(P0).rotate_left(29);
            self.1 = (self.1 ^ v.rotate_left(32))
                .wrapping_mul(P1)
                .rotate_left(31);
        }
        for &b in words.remainder() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(P0);
            self.1 = (self.1 ^ u64::from(b)).wrapping_mul(P1);
        }
    }

    fn digest(&self) -> [u8; 16] {
        // Final avalanche so that short inputs (the subset tags) spread over every byte.
        let mix = |mut z: u64| {
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&mix(self.0 ^ self.1.rotate_left(17)).to_be_bytes());
        out[8..].copy_from_slice(&mix(self.1 ^ self.0.rotate_left(41)).to_be_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(1.0).to_string(), "1");
        assert_eq!(num(-0.0001).to_string(), "0");
        assert_eq!(num(12.3456).to_string(), "12.346");
        assert_eq!(num(0.5).to_string(), "0.5");
        assert_eq!(num(-841.89).to_string(), "-841.89");
        assert_eq!(num4(-0.25).to_string(), "-0.25");
        assert_eq!(num4(0.00004).to_string(), "0");
    }

    /// Exactly what the float formatting it replaced wrote.
    #[test]
    fn numbers_match_float_formatting() {
        fn old(v: f64, decimals: usize) -> String {
            let k = 10f64.powi(decimals as i32);
            let mut s = format!("{:.*}", decimals, (v * k).round() / k);
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
        let mut x: u64 = 1;
        for _ in 0..200_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let v = (x >> 11) as f64 / (1u64 << 53) as f64 * 2000.0 - 1000.0;
            let v = if x.is_multiple_of(3) {
                (v * 100.0).round() / 100.0
            } else {
                v
            };
            assert_eq!(
                num(v as f32).to_string(),
                old(f64::from(v as f32), 3),
                "{v}"
            );
            assert_eq!(num4(v / 100.0).to_string(), old(v / 100.0, 4), "{v}");
        }
    }

    #[test]
    fn a_reused_deflater_writes_what_a_new_encoder_writes() {
        use std::io::Write as _;
        let mut d = Deflater::new();
        for n in [0usize, 1, 100, 70_000, 300_000] {
            let data: Vec<u8> = (0..n).map(|i| ((i * 7 % 251) ^ (i / 300)) as u8).collect();
            let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(3));
            enc.write_all(&data).unwrap();
            assert_eq!(d.zlib(&data).unwrap(), enc.finish().unwrap(), "{n} bytes");
        }
    }

    #[test]
    fn digest_changes_with_every_byte() {
        let base = b"0123456789abcdefXYZ".to_vec();
        let mut h = Fnv::new();
        h.write(&base);
        let d0 = h.digest();
        for i in 0..base.len() {
            let mut b = base.clone();
            b[i] ^= 1;
            let mut h = Fnv::new();
            h.write(&b);
            assert_ne!(h.digest(), d0, "byte {i}");
        }
    }

    #[test]
    fn cmap_uses_utf16() {
        let s = to_unicode([(1u16, '中'), (2, '𠀀')].into_iter());
        assert!(s.contains("<0001> <4E2D>"));
        assert!(s.contains("<0002> <D840DC00>"));
    }
}
