//! Page list → the parts of an OFD package, each written in its GB/T 33190-2016 schema's
//! element order (`OFD.xsd`, `Document.xsd`, `Res.xsd`, `Page.xsd`), and the zip.
//!
//! Units: OFD measures in millimetres with the origin at the page's top-left corner and y
//! growing downwards, as the page list does in points; every coordinate is converted once and
//! written in thousandths of a millimetre. Glyph advances are differences of rounded absolute
//! positions, so a line of 28 characters does not drift.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use md5::{Digest, Md5};
use nianbao_core::Document;
use subsetter::GlyphRemapper;

use super::otf;
use crate::fonts::{face_name, FaceId, Faces, Outlines};
use crate::layout::{GlyphRun, Line, LineKind, Page, PlacedGlyph, Rule, PAGE_HEIGHT, PAGE_WIDTH};
use crate::num::Num;
use crate::xml::{a, is_xml_char, Attr, Xml};
use crate::ExportError;

/// The OFD namespace (GB/T 33190-2016 §7.1), bound to the prefix `ofd:`.
const NS: &str = "http://www.ofdspec.org/2016";
/// `DocInfo/Creator`.
const CREATOR: &str = "nianbao";
/// `DocInfo/CreatorVersion`.
const CREATOR_VERSION: &str = env!("CARGO_PKG_VERSION");
/// Deflate level of the container: level 6 as the DOCX; the parts are small.
const ZIP_LEVEL: i64 = 6;

/// A length in points as thousandths of a millimetre.
fn units(pt: f32) -> i64 {
    (f64::from(pt) * 25.4 / 72.0 * 1000.0).round() as i64
}

/// Thousandths of a millimetre as written (`12.345`, `7`).
fn mm(units: i64) -> Num {
    Num::from_units(units, 3)
}

/// A box `x y w h` in thousandths of a millimetre (an `ST_Box`).
fn boxed(x: i64, y: i64, w: i64, h: i64) -> String {
    format!("{} {} {} {}", mm(x), mm(y), mm(w), mm(h))
}

/// One face as the package embeds it.
struct Embedded {
    /// Resource ID of the `Font`.
    id: u32,
    /// Original → subset glyph ids.
    remap: GlyphRemapper,
    /// Character → subset glyph id: the embedded font's `cmap` (first glyph seen for a
    /// character; any other glyph for it is drawn through a `CGTransform`).
    cmap: BTreeMap<char, u16>,
    /// Path of the font file below `Doc_0/Res/`.
    file: String,
}

/// Everything a page writer needs to name: the embedded faces and the draw parameters of
/// emboldened text (stroke width in thousandths of a millimetre → resource ID).
struct Resources<'f, 'a> {
    faces: &'f Faces<'a>,
    fonts: BTreeMap<FaceId, Embedded>,
    strokes: BTreeMap<i64, u32>,
}

/// Identifiers in the order they are handed out: unique in the document, the last one is
/// `MaxUnitID`.
struct Ids(u32);

impl Ids {
    fn next(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }
}

/// The OFD package of `pages`.
pub(super) fn write(
    pages: &[Page],
    faces: &Faces<'_>,
    doc: &Document,
) -> Result<Vec<u8>, ExportError> {
    let mut ids = Ids(0);
    let res = resources(pages, faces, &mut ids);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut page_ids = Vec::with_capacity(pages.len());
    for (k, page) in pages.iter().enumerate() {
        let id = ids.next();
        page_ids.push(id);
        files.push((
            format!("Doc_0/Pages/Page_{k}/Content.xml"),
            page_xml(page, &res, &mut ids),
        ));
    }
    let mut fonts = Vec::with_capacity(res.fonts.len());
    for (&face, e) in &res.fonts {
        let data = &faces.fonts.faces[face];
        let bytes = otf::subset_font(data, &faces.parsed[face], &e.remap, &e.cmap)?;
        fonts.push((format!("Doc_0/Res/{}", e.file), bytes));
    }
    let head = [
        ("OFD.xml".to_string(), ofd_xml(doc)),
        (
            "Doc_0/Document.xml".to_string(),
            document_xml(ids.0, &page_ids),
        ),
        ("Doc_0/PublicRes.xml".to_string(), public_res_xml(&res)),
    ];
    let all = head.iter().chain(&files).chain(&fonts);
    crate::container::zip(
        all.map(|(name, bytes)| (name.as_str(), bytes.as_slice())),
        doc.meta.date,
        ZIP_LEVEL,
    )
    .map_err(|e| ExportError::new(format!("生成 OFD 文件失败（打包）：{e}")))
}

/// The faces shown (the draft mark is drawn as outlines and embeds nothing), their glyphs and
/// characters, and the stroke widths of emboldened runs, with their resource IDs.
fn resources<'f, 'a>(pages: &[Page], faces: &'f Faces<'a>, ids: &mut Ids) -> Resources<'f, 'a> {
    let mut used: BTreeMap<FaceId, (BTreeSet<u16>, BTreeMap<char, u16>)> = BTreeMap::new();
    let mut widths = BTreeSet::new();
    for page in pages {
        for line in page.lines.iter().filter(|l| l.kind != LineKind::Draft) {
            for run in &line.runs {
                let (gids, chars) = used.entry(run.face).or_default();
                for g in run.glyphs.iter().filter(|g| is_xml_char(g.ch)) {
                    gids.insert(g.gid);
                    chars.entry(g.ch).or_insert(g.gid);
                }
                if run.bold {
                    widths.insert(stroke_width(run.size));
                }
            }
        }
    }
    let fonts = used
        .into_iter()
        .map(|(face, (gids, chars))| {
            let gids: Vec<u16> = gids.into_iter().collect();
            let remap = GlyphRemapper::new_from_glyphs_sorted(&gids);
            let cmap = chars
                .into_iter()
                .filter_map(|(c, g)| remap.get(g).map(|n| (c, n)))
                .collect();
            let id = ids.next();
            let ext = match faces.fonts.faces[face].outlines {
                Outlines::Cff => "otf",
                Outlines::TrueType => "ttf",
            };
            let file = format!("font_{id}.{ext}");
            let e = Embedded {
                id,
                remap,
                cmap,
                file,
            };
            (face, e)
        })
        .collect();
    let strokes = widths.into_iter().map(|w| (w, ids.next())).collect();
    Resources {
        faces,
        fonts,
        strokes,
    }
}

/// The outline stroke that emboldens a run of `size` points, as the PDF draws it (3 % of the
/// size), in thousandths of a millimetre.
fn stroke_width(size: f32) -> i64 {
    units(size * 0.03)
}

/// `xmlns:ofd` for a part's root element.
fn ns() -> Attr {
    a("xmlns:ofd", NS)
}

/// `OFD.xml`: the entry, with the document's metadata (§7.4, `CT_DocInfo` in schema order).
fn ofd_xml(doc: &Document) -> Vec<u8> {
    let meta = &doc.meta;
    let d = meta.date;
    let date = format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
    let mut x = Xml::new();
    x.start("ofd:OFD", &[ns(), a("Version", "1.0"), a("DocType", "OFD")]);
    x.start("ofd:DocBody", &[]);
    x.start("ofd:DocInfo", &[]);
    x.leaf("ofd:DocID", &[], &doc_id(&meta.title));
    x.leaf("ofd:Title", &[], &meta.title);
    x.leaf("ofd:Author", &[], &meta.author);
    x.leaf("ofd:CreationDate", &[], &date);
    x.leaf("ofd:ModDate", &[], &date);
    x.leaf("ofd:Creator", &[], CREATOR);
    x.leaf("ofd:CreatorVersion", &[], CREATOR_VERSION);
    x.end();
    x.leaf("ofd:DocRoot", &[], "Doc_0/Document.xml");
    x.finish()
}

/// `DocID`: 32 hex digits of a name-based (MD5, RFC 4122 version 3) UUID of the title, which
/// names the agency and the year: every build of one report carries the same identifier,
/// and different reports different ones.
pub(super) fn doc_id(title: &str) -> String {
    let mut h = Md5::new();
    h.update(b"nianbao:");
    h.update(title.as_bytes());
    let mut b: [u8; 16] = h.finalize().into();
    b[6] = (b[6] & 0x0F) | 0x30;
    b[8] = (b[8] & 0x3F) | 0x80;
    b.iter().fold(String::with_capacity(32), |mut s, v| {
        let _ = write!(s, "{v:02x}");
        s
    })
}

/// `Doc_0/Document.xml`: CommonData (MaxUnitID, PageArea, PublicRes, in that order) and the
/// page tree.
fn document_xml(max_id: u32, page_ids: &[u32]) -> Vec<u8> {
    let mut x = Xml::new();
    x.start("ofd:Document", &[ns()]);
    x.start("ofd:CommonData", &[]);
    x.leaf("ofd:MaxUnitID", &[], &max_id.to_string());
    x.start("ofd:PageArea", &[]);
    let page = boxed(0, 0, units(PAGE_WIDTH), units(PAGE_HEIGHT));
    x.leaf("ofd:PhysicalBox", &[], &page);
    x.end();
    x.leaf("ofd:PublicRes", &[], "PublicRes.xml");
    x.end();
    x.start("ofd:Pages", &[]);
    for (k, id) in page_ids.iter().enumerate() {
        let loc = format!("Pages/Page_{k}/Content.xml");
        x.empty("ofd:Page", &[a("ID", id), a("BaseLoc", loc)]);
    }
    x.finish()
}

/// `Doc_0/PublicRes.xml`: the embedded fonts (files under `Res/`) and the draw parameters of
/// emboldened text.
fn public_res_xml(res: &Resources<'_, '_>) -> Vec<u8> {
    let mut x = Xml::new();
    x.start("ofd:Res", &[ns(), a("BaseLoc", "Res")]);
    if !res.fonts.is_empty() {
        x.start("ofd:Fonts", &[]);
        for (&face, e) in &res.fonts {
            let data = &res.faces.fonts.faces[face];
            let parsed = &res.faces.parsed[face];
            let family = face_name(parsed, ttf_parser::name_id::TYPOGRAPHIC_FAMILY)
                .or_else(|| face_name(parsed, ttf_parser::name_id::FAMILY))
                .unwrap_or_else(|| data.ps_name.clone());
            let mut attrs = vec![
                a("ID", e.id),
                a("FontName", &data.ps_name),
                a("FamilyName", family),
            ];
            if data.weight >= 600 {
                attrs.push(a("Bold", "true"));
            }
            x.start("ofd:Font", &attrs);
            x.leaf("ofd:FontFile", &[], &e.file);
            x.end();
        }
        x.end();
    }
    if !res.strokes.is_empty() {
        x.start("ofd:DrawParams", &[]);
        for (&w, &id) in &res.strokes {
            x.start("ofd:DrawParam", &[a("ID", id), a("LineWidth", mm(w))]);
            x.empty("ofd:StrokeColor", &[a("Value", "0 0 0")]);
            x.end();
        }
        x.end();
    }
    x.finish()
}

/// One page's `Content.xml`: a single body layer with the rules, then the lines in order
/// (the draft mark, if any, first: under the text).
fn page_xml(page: &Page, res: &Resources<'_, '_>, ids: &mut Ids) -> Vec<u8> {
    let mut x = Xml::new();
    x.start("ofd:Page", &[ns()]);
    x.start("ofd:Content", &[]);
    x.start("ofd:Layer", &[a("ID", ids.next())]);
    for rule in &page.rules {
        rule_object(&mut x, rule, ids.next());
    }
    for line in &page.lines {
        if line.kind == LineKind::Draft {
            outline_object(&mut x, line, res.faces, ids.next());
        } else {
            for run in &line.runs {
                text_object(&mut x, line, run, res, ids);
            }
        }
    }
    x.finish()
}

/// A table rule as a stroked `PathObject`, its Boundary the rule's box grown by the stroke
/// width (a Boundary's width and height must be positive).
fn rule_object(x: &mut Xml, r: &Rule, id: u32) {
    let w = units(r.width).max(1);
    let (x1, y1, x2, y2) = (units(r.x1), units(r.y1), units(r.x2), units(r.y2));
    let (bx, by) = (x1.min(x2) - w, y1.min(y2) - w);
    let boundary = boxed(bx, by, (x2 - x1).abs() + 2 * w, (y2 - y1).abs() + 2 * w);
    let path = format!(
        "M {} {} L {} {}",
        mm(x1 - bx),
        mm(y1 - by),
        mm(x2 - bx),
        mm(y2 - by)
    );
    x.start(
        "ofd:PathObject",
        &[a("ID", id), a("Boundary", boundary), a("LineWidth", mm(w))],
    );
    x.leaf("ofd:AbbreviatedData", &[], &path);
    x.end();
}

/// A grey (0 black … 1 white) as an RGB `Value`.
fn rgb(gray: f32) -> String {
    let v = (gray.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("{v} {v} {v}")
}

/// Extent of a text object's Boundary around its glyphs, in em: before the first origin and
/// after the last advance, above and below the baseline (room for any glyph's ink).
const PAD: f32 = 0.2;
const ABOVE: f32 = 1.1;
const BELOW: f32 = 0.3;

/// One glyph run as a `TextObject` with a single `TextCode`: the characters, the first
/// origin as `X`/`Y` and the pen advances as `DeltaX`. Spaces at the ends draw nothing and
/// are left out; so are characters XML cannot carry (they have no glyph anyway).
fn text_object(x: &mut Xml, line: &Line, run: &GlyphRun, res: &Resources<'_, '_>, ids: &mut Ids) {
    let Some(font) = res.fonts.get(&run.face) else {
        return;
    };
    let shown: Vec<&PlacedGlyph> = run.glyphs.iter().filter(|g| is_xml_char(g.ch)).collect();
    let first = shown.iter().position(|g| g.ch != ' ');
    let last = shown.iter().rposition(|g| g.ch != ' ');
    let (Some(first), Some(last)) = (first, last) else {
        return;
    };
    let glyphs = &shown[first..=last];
    let size = run.size;
    // Pen positions along the baseline, rounded once from the line's start.
    let pos: Vec<i64> = glyphs
        .iter()
        .map(|g| units(line.x + g.x) - units(line.x))
        .collect();
    let advance = |g: &PlacedGlyph| res.faces.width_1000(run.face, g.gid) as f32 * size / 1000.0;
    let end = glyphs
        .last()
        .map_or(0, |g| units(line.x + g.x + advance(g)) - units(line.x));
    let (pad, above, below) = (units(PAD * size), units(ABOVE * size), units(BELOW * size));
    let mut attrs = vec![a("ID", ids.next())];
    let (tx, ty_);
    if line.angle == 0.0 {
        let left = units(line.x) + pos[0] - pad;
        let top = units(line.y) - above;
        let width = end - pos[0] + 2 * pad;
        attrs.push(a("Boundary", boxed(left, top, width, above + below)));
        (tx, ty_) = (pad, above);
    } else {
        // Rotated about the first origin: the object's x axis runs along the baseline.
        let (sin, cos) = line.angle.to_radians().sin_cos();
        let start = glyphs[0].x;
        let (ox, oy) = (line.x + start * cos, line.y - start * sin);
        let page = boxed(0, 0, units(PAGE_WIDTH), units(PAGE_HEIGHT));
        attrs.push(a("Boundary", page));
        let ctm = format!(
            "{} {} {} {} {} {}",
            Num::new(f64::from(cos), 4),
            Num::new(f64::from(-sin), 4),
            Num::new(f64::from(sin), 4),
            Num::new(f64::from(cos), 4),
            mm(units(ox)),
            mm(units(oy))
        );
        attrs.push(a("CTM", ctm));
        (tx, ty_) = (0, 0);
    }
    attrs.push(a("Font", font.id));
    attrs.push(a("Size", mm(units(size))));
    let stroke = run
        .bold
        .then(|| {
            res.strokes
                .get(&stroke_width(size))
                .map(|&id| (id, stroke_width(size)))
        })
        .flatten();
    if let Some((id, w)) = stroke {
        attrs.push(a("Stroke", "true"));
        attrs.push(a("DrawParam", id));
        attrs.push(a("LineWidth", mm(w)));
    }
    x.start("ofd:TextObject", &attrs);
    if line.gray > 0.0 {
        x.empty("ofd:FillColor", &[a("Value", rgb(line.gray))]);
    }
    if stroke.is_some() {
        x.empty("ofd:StrokeColor", &[a("Value", "0 0 0")]);
    }
    // A glyph other than the one the embedded cmap gives its character.
    for (k, g) in glyphs.iter().enumerate() {
        let new = font.remap.get(g.gid).unwrap_or(0);
        if font.cmap.get(&g.ch) != Some(&new) {
            x.start(
                "ofd:CGTransform",
                &[a("CodePosition", k), a("CodeCount", 1), a("GlyphCount", 1)],
            );
            x.leaf("ofd:Glyphs", &[], &new.to_string());
            x.end();
        }
    }
    let text: String = glyphs.iter().map(|g| g.ch).collect();
    let mut code = vec![a("X", mm(tx)), a("Y", mm(ty_))];
    if glyphs.len() > 1 {
        let deltas: Vec<i64> = pos.windows(2).map(|w| w[1] - w[0]).collect();
        code.push(a("DeltaX", delta_list(&deltas)));
    }
    x.leaf("ofd:TextCode", &code, &text);
    x.end();
}

/// A `DeltaX` list, runs of three or more equal advances written `g N value` (表 46).
pub(super) fn delta_list(deltas: &[i64]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < deltas.len() {
        let mut j = i + 1;
        while j < deltas.len() && deltas[j] == deltas[i] {
            j += 1;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        if j - i >= 3 {
            let _ = write!(out, "g {} {}", j - i, mm(deltas[i]));
        } else {
            let one = mm(deltas[i]).to_string();
            out.push_str(&vec![one; j - i].join(" "));
        }
        i = j;
    }
    out
}

/// The draft mark as filled glyph outlines (one `PathObject` over the page): a decoration,
/// not document text, so it stays out of text extraction, as in the PDF.
fn outline_object(x: &mut Xml, line: &Line, faces: &Faces<'_>, id: u32) {
    let (sin, cos) = line.angle.to_radians().sin_cos();
    let mut path = PathOut {
        out: String::new(),
        line_x: line.x,
        line_y: line.y,
        sin,
        cos,
        scale: 0.0,
        dx: 0.0,
    };
    for run in &line.runs {
        let Some(face) = faces.parsed.get(run.face) else {
            continue;
        };
        path.scale = run.size / f32::from(face.units_per_em().max(1));
        for g in &run.glyphs {
            if !faces.outline_held(run.face, g.gid) {
                continue;
            }
            path.dx = g.x;
            let _ = face.outline_glyph(ttf_parser::GlyphId(g.gid), &mut path);
        }
    }
    if path.out.is_empty() {
        return;
    }
    let page = boxed(0, 0, units(PAGE_WIDTH), units(PAGE_HEIGHT));
    x.start(
        "ofd:PathObject",
        &[
            a("ID", id),
            a("Boundary", page),
            a("Stroke", "false"),
            a("Fill", "true"),
        ],
    );
    x.empty("ofd:FillColor", &[a("Value", rgb(line.gray))]);
    x.leaf("ofd:AbbreviatedData", &[], path.out.trim_end());
    x.end();
}

/// Glyph outlines → `AbbreviatedData` in page millimetres: font units scaled, placed along
/// the line's rotated baseline, y turned downwards.
struct PathOut {
    out: String,
    line_x: f32,
    line_y: f32,
    sin: f32,
    cos: f32,
    /// Points per font unit.
    scale: f32,
    /// The glyph's pen position along the baseline (points).
    dx: f32,
}

impl PathOut {
    fn pt(&mut self, op: &str, points: &[(f32, f32)]) {
        self.out.push_str(op);
        for &(fx, fy) in points {
            let (u, v) = (self.dx + fx * self.scale, fy * self.scale);
            let px = self.line_x + u * self.cos - v * self.sin;
            let py = self.line_y - u * self.sin - v * self.cos;
            let _ = write!(self.out, " {} {}", mm(units(px)), mm(units(py)));
        }
        self.out.push(' ');
    }
}

impl ttf_parser::OutlineBuilder for PathOut {
    fn move_to(&mut self, x: f32, y: f32) {
        self.pt("M", &[(x, y)]);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.pt("L", &[(x, y)]);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.pt("Q", &[(x1, y1), (x, y)]);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.pt("B", &[(x1, y1), (x2, y2), (x, y)]);
    }

    fn close(&mut self) {
        self.out.push_str("C ");
    }
}
