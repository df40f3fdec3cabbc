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
use std::sync::{Arc, Mutex, OnceLock};

use lopdf::{dictionary, Dictionary, Object, Stream, StringFormat};
use nianbao_core::Document;

use super::content::{page_content, Embedded};
use super::pdfa;
use crate::fonts::{FaceData, FaceId, Faces, Outlines};
use crate::layout::{LineKind, Page, PAGE_HEIGHT, PAGE_WIDTH};
use crate::recall::Recall;
use crate::ExportError;

/// What the PDF says made it (Info `/Producer`, XMP `pdf:Producer`).
const PRODUCER: &str = concat!("nianbao-export ", env!("CARGO_PKG_VERSION"));
/// The application that made the document (Info `/Creator`, XMP `xmp:CreatorTool`).
const CREATOR: &str = "nianbao";

/// Glyphs of one face used in the document.
struct Used {
    /// Original glyph id → the character it shows (first seen).
    chars: BTreeMap<u16, char>,
}

/// Cores to use (looked up once: `available_parallelism` reads cgroup files each time).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// The level of [`Deflater`]: libdeflate's 6 is smaller than zlib's 9 and faster than
/// zlib-rs at 3 (the seed's body font: 224,152 bytes in 4.5 ms against zlib-rs level 3's
/// 225,123 in 7.4 ms; `docs/performance.md`).
const LEVEL: i32 = 6;

/// The level of font programs, nearly all of a PDF's bytes: libdeflate's fastest. On the
/// seed's body face (269,197 bytes of glyph programs) level 1 writes 214,764 bytes in 2.9 ms
/// against level 6's 213,147 in 4.5–5.8 ms (best of 15): 0.8 % larger for 1.6–2.9 ms less
/// on the critical path of a cold build and of every report of a batch
/// (`docs/performance.md`).
const PROGRAM_LEVEL: i32 = 1;

/// A zlib compressor (libdeflate) reused from stream to stream: a new one allocates its
/// match finder's tables, fresh memory zeroed page by page. libdeflate's output depends only
/// on its version, the level and the input (not on the CPU: the packages' outputs are
/// compared byte for byte with CI's), so every build writes the same bytes.
pub(super) struct Deflater {
    compressor: libdeflater::Compressor,
    /// For font programs, at [`PROGRAM_LEVEL`]; made when the first one is compressed.
    programs: Option<libdeflater::Compressor>,
    /// The streams compressed by earlier exports of a session
    /// ([`crate::fonts::Fonts::remember`]).
    recall: Option<Arc<Recall>>,
}

impl Deflater {
    pub(super) fn new() -> Self {
        // LEVEL is in 1..=12, the range `new` accepts.
        let level = libdeflater::CompressionLvl::new(LEVEL).unwrap_or_default();
        Deflater {
            compressor: libdeflater::Compressor::new(level),
            programs: None,
            recall: None,
        }
    }

    /// A compressor that takes the bytes of a stream an earlier export compressed from
    /// `recall` instead of compressing it again.
    fn recalling(recall: Option<Arc<Recall>>) -> Self {
        Deflater {
            recall,
            ..Deflater::new()
        }
    }

    /// `data` as a zlib stream.
    fn zlib(&mut self, data: &[u8]) -> Option<Vec<u8>> {
        zlib_with(&mut self.compressor, data)
    }

    /// A font program as a zlib stream when that is smaller (at [`PROGRAM_LEVEL`]; never
    /// from the recall: the subset programs have a memo of their own, by glyph list,
    /// [`crate::fonts::Fonts`]'s).
    fn program(&mut self, data: &[u8]) -> Option<Vec<u8>> {
        let compressor = self.programs.get_or_insert_with(|| {
            // PROGRAM_LEVEL is in 1..=12, the range `new` accepts.
            let level = libdeflater::CompressionLvl::new(PROGRAM_LEVEL).unwrap_or_default();
            libdeflater::Compressor::new(level)
        });
        zlib_with(compressor, data).filter(|p| p.len() < data.len())
    }

    /// `data` as a zlib stream when that is smaller, taken from the session's recall when
    /// an earlier export compressed the same bytes.
    fn smaller(&mut self, data: &[u8]) -> Option<Vec<u8>> {
        let Some(recall) = self.recall.clone() else {
            return self.zlib(data).filter(|p| p.len() < data.len());
        };
        if let Some(kept) = recall.streams.get(data) {
            return kept.map(|p| p.to_vec());
        }
        let packed = self.zlib(data).filter(|p| p.len() < data.len());
        recall
            .streams
            .put(data.to_vec(), packed.as_ref().map(|p| Arc::new(p.clone())));
        packed
    }
}

/// A face's glyph set and its subset: original → subset glyph ids.
type Remaps = Vec<(FaceId, subsetter::GlyphRemapper)>;
/// A subset font program per face of [`Remaps`] (or why it could not be made).
type Programs = Vec<Option<Result<Program, ExportError>>>;

/// Writes the page list as a PDF: the glyphs used per face, the font programs subset (on the
/// other cores) while the page contents are written, then the font, page and metadata
/// objects in a fixed order.
pub(crate) fn write(
    pages: &[Page],
    faces: &Faces<'_>,
    doc: &Document,
) -> Result<Vec<u8>, ExportError> {
    let used = used_glyphs(pages);
    let remaps: Remaps = used
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
    let mut deflater = Deflater::recalling(faces.fonts.recall.clone());
    let (contents, programs) = contents_and_programs(pages, faces, &remaps, &fonts, &mut deflater);

    let mut pdf = lopdf::Document::with_version("1.7");
    let mut hash = Fnv::new();
    let pages_id = pdf.new_object_id();
    let mut font_dict = Dictionary::new();
    for ((face, remap), program) in remaps.iter().zip(programs) {
        let program = program.unwrap_or_else(|| Err(ExportError::new("字体子集线程异常退出")))?;
        let subset = Subset {
            face: *face,
            used: &used[face],
            remap,
        };
        let font_ref = embed_font(&mut pdf, faces, &subset, program, &mut hash, &mut deflater);
        let name = &fonts[face].name;
        font_dict.set(name.as_bytes().to_vec(), Object::Reference(font_ref));
    }
    let resources = pdf.add_object(dictionary! { "Font" => font_dict });
    add_pages(&mut pdf, pages_id, resources, contents, &mut hash);
    let (catalog, info) = add_metadata(&mut pdf, pages_id, doc, &mut hash, &mut deflater);
    save(pdf, catalog, info, &hash)
}

/// The glyphs each face shows (the draft mark is drawn as outlines and embeds nothing).
fn used_glyphs(pages: &[Page]) -> BTreeMap<FaceId, Used> {
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
    used
}

/// The page contents (raw, and as compressed streams) and the subset font programs.
///
/// One job per face (subset and compress its program: 0.2–5 ms, the most glyphs first) and
/// the page contents (~1 ms). This thread sets the pages while the other cores take faces,
/// then joins them on the faces left. Each thread keeps one compressor: a new one costs
/// ~250 KB of freshly zeroed memory (page faults) per stream. Results land in slots by face,
/// and objects are added in face order: the bytes never depend on timing.
fn contents_and_programs(
    pages: &[Page],
    faces: &Faces<'_>,
    remaps: &Remaps,
    fonts: &BTreeMap<FaceId, Embedded<'_>>,
    deflater: &mut Deflater,
) -> (Vec<(Vec<u8>, Stream)>, Programs) {
    let mut order: Vec<usize> = (0..remaps.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(remaps[k].1.num_gids()));
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<Program, ExportError>>>> =
        remaps.iter().map(|_| Mutex::new(None)).collect();
    let take_faces = |deflater: &mut Deflater| {
        while let Some(&k) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let (face, remap) = &remaps[k];
            let gids: Vec<u16> = remap.remapped_gids().collect();
            let result = match faces.fonts.memo.get::<Program>(*face, &gids) {
                Some(made) => Ok(made),
                None => program(&faces.fonts.faces[*face], remap, &gids, deflater).inspect(|p| {
                    faces.fonts.memo.put(*face, gids, p.clone());
                }),
            };
            if let Ok(mut slot) = slots[k].lock() {
                *slot = Some(result);
            }
        }
    };
    let helpers = cores().saturating_sub(1).min(remaps.len());
    let contents = std::thread::scope(|s| {
        let handles: Vec<_> = (0..helpers)
            .map(|_| s.spawn(|| take_faces(&mut Deflater::new())))
            .collect();
        let contents = pages
            .iter()
            .map(|page| {
                let content = page_content(page, faces, fonts);
                let stream = flate_stream(Dictionary::new(), &content, deflater);
                (content, stream)
            })
            .collect();
        take_faces(deflater);
        // Joined here, a helper that panicked leaves its face's slot empty (an error for
        // the caller) instead of taking the whole build down when the scope ends.
        for h in handles {
            let _ = h.join();
        }
        contents
    });
    let programs = slots
        .into_iter()
        .map(|slot| slot.into_inner().ok().flatten())
        .collect();
    (contents, programs)
}

/// The page objects and the page tree (`pages_id`, reserved first so pages can name it).
fn add_pages(
    pdf: &mut lopdf::Document,
    pages_id: lopdf::ObjectId,
    resources: lopdf::ObjectId,
    contents: Vec<(Vec<u8>, Stream)>,
    hash: &mut Fnv,
) {
    let media_box: Vec<Object> = vec![
        0.into(),
        0.into(),
        Object::Real(points(PAGE_WIDTH)),
        Object::Real(points(PAGE_HEIGHT)),
    ];
    let mut kids = Vec::new();
    for (content, stream) in contents {
        hash.write(&content);
        let content_id = pdf.add_object(stream);
        let page_id = pdf.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => media_box.clone(),
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
}

/// A page dimension rounded to a thousandth of a point, as the MediaBox states it.
fn points(v: f32) -> f32 {
    (v * 1000.0).round() / 1000.0
}

/// The XMP packet, the catalog (with the PDF/A OutputIntent) and the Info dictionary, all
/// dated from the document.
fn add_metadata(
    pdf: &mut lopdf::Document,
    pages_id: lopdf::ObjectId,
    doc: &Document,
    hash: &mut Fnv,
    deflater: &mut Deflater,
) -> (lopdf::ObjectId, lopdf::ObjectId) {
    let meta = &doc.meta;
    let d = meta.date;
    let pdf_date = format!("D:{:04}{:02}{:02}000000+08'00'", d.year, d.month, d.day);
    let xmp_date = format!("{:04}-{:02}-{:02}T00:00:00+08:00", d.year, d.month, d.day);
    let xmp = pdfa::xmp(&pdfa::Metadata {
        title: &meta.title,
        author: &meta.author,
        lang: meta.lang,
        creator: CREATOR,
        producer: PRODUCER,
        date: &xmp_date,
    });
    hash.write(xmp.as_bytes());
    // Uncompressed, so that archive tools find the packet by scanning the file.
    let metadata = pdf.add_object(Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        xmp.into_bytes(),
    ));
    let output_intents = pdfa::output_intents(pdf, deflater);
    let catalog = pdf.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "Lang" => Object::string_literal(meta.lang),
        "Metadata" => metadata,
        "OutputIntents" => output_intents,
        "ViewerPreferences" => dictionary! { "DisplayDocTitle" => true },
    });
    let info = pdf.add_object(dictionary! {
        "Title" => text_string(&meta.title),
        "Author" => text_string(&meta.author),
        "Creator" => Object::string_literal(CREATOR),
        "Producer" => Object::string_literal(PRODUCER),
        "CreationDate" => Object::string_literal(pdf_date.clone()),
        "ModDate" => Object::string_literal(pdf_date),
    });
    (catalog, info)
}

/// The trailer (with an `/ID` from the content hash) and the serialised file.
fn save(
    mut pdf: lopdf::Document,
    catalog: lopdf::ObjectId,
    info: lopdf::ObjectId,
    hash: &Fnv,
) -> Result<Vec<u8>, ExportError> {
    let id = hash.digest();
    // The save options below write a cross-reference stream (PDF/A-2 allows it; only a
    // PDF/A-1 validator such as PDFBox Preflight objects, see scripts/interop-pdf.sh).
    pdf.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
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
    // The dictionaries (pages, fonts, widths, metadata) in one compressed object stream, and
    // a cross-reference stream instead of the table: 6 KB (2 %) less for the seed report.
    // PDF 1.5 features, allowed in PDF/A-2; every reader since Acrobat 6 takes them.
    let options = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .max_objects_per_stream(1000)
        .compression_level(6)
        .build();
    pdf.save_with_options(&mut out, options)
        .map_err(|e| ExportError::new(format!("PDF 写出失败：{e}")))?;
    Ok(out)
}

/// A subset font program, ready to embed.
#[derive(Clone)]
struct Program {
    stream: Stream,
    /// `CIDFontType0` (CFF) or `CIDFontType2` (TrueType).
    subtype: &'static str,
    /// `FontFile3` or `FontFile2`.
    file_key: &'static str,
}

/// Subsets a face to the glyphs of `remap` (`gids`: its old glyph ids in subset order) and
/// wraps the program in a stream.
///
/// CID-keyed CFF faces (every shipped face) go through our own subsetter, which copies the
/// charstrings instead of desubroutinizing them (see [`crate::cff`]); anything it declines, and
/// TrueType faces, through `subsetter`.
fn program(
    data: &FaceData,
    remap: &subsetter::GlyphRemapper,
    gids: &[u16],
    deflater: &mut Deflater,
) -> Result<Program, ExportError> {
    if data.outlines == Outlines::Cff {
        // A face loaded lean: its glyph programs read now, packed, for our subsetter.
        let programs = data.read_programs(gids)?;
        let fast = ttf_parser::RawFace::parse(data.bytes.as_slice(), data.index)
            .ok()
            .and_then(|f| f.table(ttf_parser::Tag::from_bytes(b"CFF ")))
            .and_then(|cff| {
                crate::cff::subset_cid_with(cff, remap, programs.as_ref(), crate::cff::Hints::Drop)
            });
        if let Some(cff) = fast {
            return Ok(cff_program(&cff, deflater));
        }
    }
    // Other fonts go through `subsetter`, which reads the programs in the file's image.
    let read = data.bytes_for(gids)?;
    let bytes = read.as_slice();
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
                stream: flate_program(dictionary! { "Length1" => len }, &subset, deflater),
                subtype: "CIDFontType2",
                file_key: "FontFile2",
            }
        }
    })
}

/// A bare CID-keyed CFF as an embedded font program.
fn cff_program(cff: &[u8], deflater: &mut Deflater) -> Program {
    Program {
        stream: flate_program(dictionary! { "Subtype" => "CIDFontType0C" }, cff, deflater),
        subtype: "CIDFontType0",
        file_key: "FontFile3",
    }
}

/// `data` as a zlib stream from `compressor`.
fn zlib_with(compressor: &mut libdeflater::Compressor, data: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0; compressor.zlib_compress_bound(data.len())];
    let n = compressor.zlib_compress(data, &mut out).ok()?;
    out.truncate(n);
    Some(out)
}

/// A stream, Flate-compressed (at [`LEVEL`]) when that makes it smaller.
pub(super) fn flate_stream(dict: Dictionary, content: &[u8], deflater: &mut Deflater) -> Stream {
    let packed = deflater.smaller(content);
    stream_of(dict, content, packed)
}

/// [`flate_stream`] for a font program ([`Deflater::program`]).
fn flate_program(dict: Dictionary, content: &[u8], deflater: &mut Deflater) -> Stream {
    let packed = deflater.program(content);
    stream_of(dict, content, packed)
}

/// The stream of `content`, as `packed` (zlib bytes) when there are any.
fn stream_of(mut dict: Dictionary, content: &[u8], packed: Option<Vec<u8>>) -> Stream {
    match packed {
        Some(packed) => {
            dict.set("Filter", "FlateDecode");
            Stream::new(dict, packed).with_compression(false)
        }
        None => Stream::new(dict, content.to_vec()).with_compression(false),
    }
}

/// One face's subset: which face, the glyphs it shows, their new ids.
struct Subset<'a> {
    face: FaceId,
    used: &'a Used,
    remap: &'a subsetter::GlyphRemapper,
}

/// The subset tag: six capitals from a hash of the face and its glyph set (ISO 32000-1,
/// 9.6.4), so a different glyph set is a different font to a reader's cache.
fn subset_tag(ps_name: &str, used: &Used) -> String {
    let mut h = Fnv::new();
    h.write(ps_name.as_bytes());
    for g in used.chars.keys() {
        h.write(&g.to_be_bytes());
    }
    h.digest()
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// `/W`: the advance of every glyph, by subset glyph id (= CID), in runs of consecutive ids.
fn widths(faces: &Faces<'_>, face: FaceId, by_cid: &[(u16, u16, char)]) -> Vec<Object> {
    let mut w = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut run_start = 0u16;
    let mut prev: Option<u16> = None;
    for &(cid, gid, _) in by_cid {
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
    w
}

/// Embeds a face's subset program with its descriptor, widths and ToUnicode map; returns
/// the Type0 font's object id.
fn embed_font(
    pdf: &mut lopdf::Document,
    faces: &Faces<'_>,
    subset: &Subset<'_>,
    program: Program,
    hash: &mut Fnv,
    deflater: &mut Deflater,
) -> lopdf::ObjectId {
    let Subset { face, used, remap } = *subset;
    let data = &faces.fonts.faces[face];
    let base = format!("{}+{}", subset_tag(&data.ps_name, used), data.ps_name);
    let Program {
        stream,
        subtype,
        file_key,
    } = program;
    hash.write(&stream.content);
    let program_id = pdf.add_object(stream);

    let cid_set = pdf.add_object(pdfa::cid_set(remap.num_gids(), deflater));
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
        "CIDSet" => cid_set,
        file_key => program_id,
    });

    // Widths and ToUnicode, keyed by the subset glyph id (= CID).
    let mut by_cid: Vec<(u16, u16, char)> = used
        .chars
        .iter()
        .filter_map(|(&gid, &ch)| remap.get(gid).map(|cid| (cid, gid, ch)))
        .collect();
    by_cid.sort_unstable();
    let w = widths(faces, face, &by_cid);
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

/// A PDF text string: ASCII as is, anything else UTF-16BE with a byte-order mark.
pub(super) fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        return Object::string_literal(s);
    }
    let mut bytes = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        bytes.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
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
    fn a_reused_deflater_writes_what_a_new_one_writes_and_zlib_reads_it() {
        use std::io::Read as _;
        let mut d = Deflater::new();
        for n in [0usize, 1, 100, 70_000, 300_000] {
            let data: Vec<u8> = (0..n).map(|i| ((i * 7 % 251) ^ (i / 300)) as u8).collect();
            let packed = d.zlib(&data).unwrap();
            assert_eq!(packed, Deflater::new().zlib(&data).unwrap(), "{n} bytes");
            let mut back = Vec::new();
            flate2::read::ZlibDecoder::new(&packed[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, data, "{n} bytes");
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
