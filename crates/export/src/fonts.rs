//! Font files per typographic role, loaded once and shared; glyph lookup with fallback.
//!
//! The bytes of each file are kept in an `Arc<[u8]>` and parsed with `ttf-parser` (zero-copy,
//! ~10–25 µs) once per export, so one [`Fonts`] serves any number of builds on any thread.
//! Fandol (GPL + font exception) must never be compiled into the binary: everything is read
//! from disk at run time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::ExportError;

use nianbao_core::typography::Role;

/// The characters whose outlines the layout itself reads (the page number's dash, for its
/// height, and the draft mark, drawn as outlines): a lean load ([`Fonts::load_lean`]) reads
/// their glyph programs with the tables; every other glyph program is read when an export
/// embeds it (`FaceData::read_programs`).
pub fn outlined_chars() -> Vec<char> {
    let mut chars: Vec<char> = nianbao_core::document::DRAFT_MARK
        .chars()
        .chain(['\u{2014}'])
        .collect();
    chars.sort_unstable();
    chars.dedup();
    chars
}

/// Index of a distinct font file in [`Fonts`].
pub type FaceId = usize;

/// How a face's outlines are stored; decides how the PDF embeds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outlines {
    /// `CFF ` table (OpenType `OTTO`): embedded as a bare CID-keyed CFF.
    Cff,
    /// `glyf` table (TrueType): embedded as a TrueType program.
    TrueType,
}

/// The bytes of a font file, read into memory once and shared.
///
/// Not memory-mapped: a mapped file that is truncated in place (a font copied over while
/// `nianbao watch` runs) makes the next access fault with SIGBUS, which no Rust code can
/// turn into a diagnostic. Read whole, the shipped 25 MB cost ~13,000 page faults, ~70 ms of
/// system time on the CI's virtual machine; a one-off build reads only its glyph programs
/// ([`FontBytes::open_sparse`]; watch and batch builds load the fonts once).
/// [`Fonts::changed`] tells when a file has changed since.
#[derive(Clone)]
// `Arc<Vec<u8>>`, not `Arc<[u8]>`: converting the read `Vec` into an `Arc<[u8]>` copies it,
// touching every page of all 25 MB (and, of a sparse read, the untouched zero pages too).
pub(crate) struct FontBytes(Arc<Vec<u8>>);

impl FontBytes {
    fn open(path: &Path) -> Result<(Self, Stamp), String> {
        // Stamped before reading: a change while reading leaves a stamp that no longer
        // matches, so the next build reads the file again.
        let stamp = Stamp::of(path).unwrap_or_default();
        let bytes = nianbao_core::input::read_bytes(path, nianbao_core::input::FONT_LIMIT)
            .map_err(|e| e.message(path))?;
        Ok((FontBytes(Arc::new(bytes)), stamp))
    }

    /// The file with only the glyph programs of `chars` (in every cmap of the face) and of
    /// the glyph ids `gids` among its CFF charstrings; the other charstrings stay zero
    /// bytes, never read, and the pages of memory under them are never touched. Everything
    /// else (every other table, the rest of the CFF: dicts, subroutines, charset, FDSelect)
    /// is read: ~1.9 MB of the 25 shipped for a lean load, instead of faulting in 25 MB of
    /// fresh memory (13,000 page faults, ~70 ms of system time on the CI machine). The
    /// glyphs held: `Some` of a flag per glyph; `None` when the whole file was read (a
    /// TrueType face, or a layout not understood).
    fn open_sparse(
        path: &Path,
        chars: &[char],
        gids: &[u16],
    ) -> Result<(Self, Stamp, Option<Held>), String> {
        use std::io::{Read, Seek, SeekFrom};
        let stamp = Stamp::of(path).unwrap_or_default();
        let (mut file, meta) =
            nianbao_core::input::open_regular(path, nianbao_core::input::FONT_LIMIT)
                .map_err(|e| e.message(path))?;
        let len =
            usize::try_from(meta.len()).map_err(|_| format!("字体文件 {} 过大", path.display()))?;
        // Zeroed by the allocator (fresh pages for a buffer this size): untouched until read.
        let mut buf = vec![0u8; len];
        let io = |e: std::io::Error| format!("无法读取字体文件 {}：{e}", path.display());
        let mut read = |buf: &mut [u8], (a, b): (usize, usize)| -> Result<bool, String> {
            let Some(dst) = buf.get_mut(a..b) else {
                return Ok(false);
            };
            file.seek(SeekFrom::Start(a as u64)).map_err(io)?;
            file.read_exact(dst).map_err(io)?;
            Ok(true)
        };
        let glyphs = match sparse_plan(&mut buf, &mut read, chars, gids)? {
            Some(glyphs) => Some(glyphs),
            None => {
                // Not a layout this understands: the whole file, as `open` reads it.
                if !read(&mut buf, (0, len))? {
                    return Err(format!("无法读取字体文件 {}", path.display()));
                }
                None
            }
        };
        Ok((FontBytes(Arc::new(buf)), stamp, glyphs))
    }

    /// The whole file.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }
}

/// A flag per glyph: its charstring was read.
pub(crate) type Held = Arc<[bool]>;

/// Reads the byte range `(start, end)` of the file into the same range of the buffer;
/// `Ok(false)` when the range is outside it.
type ReadRange<'a> = dyn FnMut(&mut [u8], (usize, usize)) -> Result<bool, String> + 'a;

/// Reads into `buf` (the file's length, zeroed) what [`FontBytes::open_sparse`] keeps:
/// `read(buf, (start, end))` reads that range (`false`: outside the file). `None` when the
/// file is not an OpenType font with one CFF table whose charstrings can be located; then
/// nothing read so far matters, the caller reads the whole file.
fn sparse_plan(
    buf: &mut [u8],
    read: &mut ReadRange<'_>,
    chars: &[char],
    gids: &[u16],
) -> Result<Option<Held>, String> {
    use crate::cff::be;
    if !read(buf, (0, 12))? || buf.get(0..4) != Some(b"OTTO") {
        return Ok(None);
    }
    let Some(tables) = be(buf, 4, 2) else {
        return Ok(None);
    };
    if !read(buf, (12, 12 + 16 * tables))? {
        return Ok(None);
    }
    for t in 0..tables {
        let rec = 12 + 16 * t;
        let (Some(offset), Some(length)) = (be(buf, rec + 8, 4), be(buf, rec + 12, 4)) else {
            return Ok(None);
        };
        if buf.get(rec..rec + 4) != Some(b"CFF ") && !read(buf, (offset, offset + length))? {
            return Ok(None);
        }
    }
    let Some((cff_start, cff_end)) = cff_range(buf) else {
        return Ok(None);
    };
    // The table's start (header, Name and Top DICT INDEXes: a few hundred bytes), then the
    // CharStrings INDEX's header and offsets, then all of the table but the glyph programs.
    let head = (cff_start, cff_end.min(cff_start + 64 * 1024));
    if !read(buf, head)? {
        return Ok(None);
    }
    let Some(at) = buf
        .get(cff_start..cff_end)
        .and_then(crate::cff::charstrings_at)
    else {
        return Ok(None);
    };
    let abs = |rel: usize| cff_start.checked_add(rel).filter(|&a| a <= cff_end);
    let Some(index_start) = abs(at) else {
        return Ok(None);
    };
    if !read(buf, (index_start, (index_start + 3).min(cff_end)))? {
        return Ok(None);
    }
    let Some(header) = buf
        .get(cff_start..cff_end)
        .and_then(|c| crate::cff::IndexLayout::header_len(c, at))
        .and_then(|n| abs(at + n))
    else {
        return Ok(None);
    };
    if !read(buf, (index_start, header))? {
        return Ok(None);
    }
    let Some(layout) = buf
        .get(cff_start..cff_end)
        .and_then(|c| crate::cff::IndexLayout::at(c, at))
    else {
        return Ok(None);
    };
    let (Some(data_start), Some(data_end)) = (abs(layout.data.0), abs(layout.data.1)) else {
        return Ok(None);
    };
    if !read(buf, (cff_start, data_start))? || !read(buf, (data_end, cff_end))? {
        return Ok(None);
    }
    // The glyphs of `chars`, through every cmap subtable (as `ttf_parser` looks them up), and
    // .notdef.
    let mut held = vec![false; layout.count];
    let mut want = vec![0u16];
    want.extend_from_slice(gids);
    if let Ok(face) = ttf_parser::Face::parse(buf, 0) {
        want.extend(
            chars
                .iter()
                .filter_map(|&c| face.glyph_index(c))
                .map(|g| g.0),
        );
    } else {
        return Ok(None);
    }
    want.sort_unstable();
    want.dedup();
    let mut ranges: Vec<(usize, usize)> = Vec::with_capacity(want.len());
    for gid in want {
        let g = usize::from(gid);
        let Some((a, b)) = buf.get(cff_start..cff_end).and_then(|c| layout.item(c, g)) else {
            continue;
        };
        if let Some(h) = held.get_mut(g) {
            *h = true;
        }
        let (a, b) = (cff_start + a, cff_start + b);
        // Neighbouring programs in one read (glyph ids of one block of characters are often
        // consecutive).
        match ranges.last_mut() {
            Some(last) if a <= last.1 + 512 => last.1 = last.1.max(b),
            _ => ranges.push((a, b)),
        }
    }
    for r in ranges {
        if !read(buf, r)? {
            return Ok(None);
        }
    }
    Ok(Some(held.into()))
}

/// What identifies one version of a file cheaply: its size and modification time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

impl std::fmt::Debug for FontBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FontBytes({} bytes)", self.0.len())
    }
}

/// One loaded font file.
#[derive(Clone, Debug)]
pub(crate) struct FaceData {
    /// Where it was read from (for messages).
    pub path: PathBuf,
    /// The whole file.
    pub bytes: FontBytes,
    /// The file's size and modification time when it was read.
    pub stamp: Stamp,
    /// The glyphs whose charstrings were read, when only some were
    /// ([`FontBytes::open_sparse`]); `None`: all of them.
    pub glyphs: Option<Held>,
    /// Face index inside a collection (0 for plain files).
    pub index: u32,
    /// PostScript name without subset tag, restricted to PDF-name-safe characters.
    pub ps_name: String,
    /// Units per em.
    pub upm: u16,
    /// Typographic ascender, font units.
    pub ascent: i16,
    /// Typographic descender (negative), font units.
    pub descent: i16,
    /// Capital height, font units (ascender when the font has none).
    pub cap_height: i16,
    /// Font bounding box, font units.
    pub bbox: [i16; 4],
    /// Outline format.
    pub outlines: Outlines,
    /// OS/2 weight class (400 regular, 700 bold).
    pub weight: u16,
}

/// The fonts of every role, loaded once.
///
/// Cheap to share: borrow it from several threads, or clone it (the bytes are shared).
#[derive(Clone, Debug)]
pub struct Fonts {
    pub(crate) faces: Vec<FaceData>,
    roles: BTreeMap<Role, FaceId>,
    /// Subset font programs already made with these fonts.
    pub(crate) memo: Memo,
    /// Lines and streams of earlier exports, for a session ([`Fonts::remember`]).
    pub(crate) recall: Option<Arc<crate::recall::Recall>>,
}

/// Font programs already made, for the builds that keep their fonts (`watch`, `serve`):
/// a face subset to the same glyphs, in the same order, gives the same bytes, so after an
/// edit that brings no new character the body font is not subset and compressed again
/// (~6 ms of a ~20 ms build). Holds the last few; shared by the clones of a [`Fonts`].
#[derive(Clone, Default)]
pub(crate) struct Memo(Arc<std::sync::Mutex<Vec<MemoEntry>>>);

/// One made program: the face, its glyph ids in subset order, the program.
type MemoEntry = (FaceId, Vec<u16>, Arc<dyn std::any::Any + Send + Sync>);

impl Memo {
    /// Programs kept: two per shipped face (the last subset and the one before, for `serve`
    /// building two versions of a report).
    const KEEP: usize = 12;

    /// The program made before for `face` subset to `gids`.
    pub(crate) fn get<T: Clone + 'static>(&self, face: FaceId, gids: &[u16]) -> Option<T> {
        let memo = self.0.lock().ok()?;
        memo.iter()
            .find(|(f, g, _)| *f == face && g == gids)
            .and_then(|(_, _, v)| v.downcast_ref::<T>().cloned())
    }

    /// Keeps `value`, the program of `face` subset to `gids`, dropping the oldest.
    pub(crate) fn put<T: Send + Sync + 'static>(&self, face: FaceId, gids: Vec<u16>, value: T) {
        if let Ok(mut memo) = self.0.lock() {
            memo.retain(|(f, g, _)| !(*f == face && *g == gids));
            if memo.len() >= Self::KEEP {
                memo.remove(0);
            }
            memo.push((face, gids, Arc::new(value)));
        }
    }
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map(|m| m.len()).unwrap_or(0);
        write!(f, "Memo({n} programs)")
    }
}

/// The parsed faces of one export (borrowing the bytes of [`Fonts`]).
pub(crate) struct Faces<'a> {
    pub fonts: &'a Fonts,
    pub parsed: Vec<ttf_parser::Face<'a>>,
    /// Set when a lookup found a glyph whose charstring was not read (fonts read for other
    /// characters): the export must then fail with [`ExportError::fonts_incomplete`], and
    /// the caller load the fonts whole.
    incomplete: std::sync::atomic::AtomicBool,
}

/// A character resolved to a face and glyph.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Resolved {
    /// The face that has it.
    pub face: FaceId,
    /// Glyph id in that face (never 0).
    pub gid: u16,
    /// Advance in em.
    pub advance: f32,
}

impl Fonts {
    /// Loads the font of every role from `dir/fonts.toml`, with `overrides` (role key, path)
    /// taking the place of the files it names (e.g. an agency's own licensed 仿宋_GB2312).
    ///
    /// Paths in `fonts.toml` are relative to `dir`. A TrueType collection contributes its
    /// first face.
    pub fn load(dir: &Path, overrides: &[(String, PathBuf)]) -> Result<Fonts, ExportError> {
        Fonts::load_for(dir, overrides, None)
    }

    /// [`Fonts::load`], reading of the CFF faces' glyph programs only those of `chars` when
    /// given (a one-off build that knows its document's characters). An export that needs
    /// another glyph fails with [`ExportError::fonts_incomplete`]; load without `chars` then.
    pub fn load_for(
        dir: &Path,
        overrides: &[(String, PathBuf)],
        chars: Option<&[char]>,
    ) -> Result<Fonts, ExportError> {
        let manifest = dir.join("fonts.toml");
        let text = std::fs::read_to_string(&manifest).map_err(|e| {
            ExportError::new(format!("无法读取字体清单 {}：{e}", manifest.display()))
        })?;
        let mut paths: BTreeMap<Role, PathBuf> = BTreeMap::new();
        for (key, value) in parse_roles(&text).map_err(|e| {
            ExportError::new(format!("字体清单 {} 格式错误：{e}", manifest.display()))
        })? {
            if let Some(role) = Role::from_key(&key) {
                paths.insert(role, dir.join(value));
            }
        }
        for (key, path) in overrides {
            let role = Role::from_key(key).ok_or_else(|| {
                ExportError::new(format!(
                    "未知的字体角色“{key}”（可用：{}）",
                    Role::ALL.map(Role::key).join("、")
                ))
            })?;
            paths.insert(role, path.clone());
        }
        let mut faces: Vec<FaceData> = Vec::new();
        let mut roles = BTreeMap::new();
        for role in Role::ALL {
            let path = paths.get(&role).ok_or_else(|| {
                ExportError::new(format!(
                    "字体清单 {} 没有为“{}”（{}）指定字体文件",
                    manifest.display(),
                    role.key(),
                    role.chinese()
                ))
            })?;
            let id = match faces.iter().position(|f| &f.path == path) {
                Some(id) => id,
                None => {
                    faces.push(load_face(path, role, chars)?);
                    faces.len() - 1
                }
            };
            roles.insert(role, id);
        }
        Ok(Fonts {
            faces,
            roles,
            memo: Memo::default(),
            recall: None,
        })
    }

    /// [`Fonts::load`] for one export: every table but the CFF glyph programs, and of
    /// those only the few the layout draws itself ([`outlined_chars`]); an export reads the
    /// programs of the glyphs it embeds when it subsets each face. A cold build of the seed
    /// so reads ~2.2 MB of the 25 shipped (0.3 MB of it glyph programs), instead of each
    /// face's programs for every character of the document, each into its own page.
    pub fn load_lean(dir: &Path, overrides: &[(String, PathBuf)]) -> Result<Fonts, ExportError> {
        Fonts::load_for(dir, overrides, Some(&outlined_chars()))
    }

    /// Keeps what each export with these fonts works out (each paragraph's lines, each PDF
    /// stream's compressed bytes) for the next: for `watch` and `serve`, whose next build
    /// is the same report with a few paragraphs changed (`build/demo-county-2024` after a
    /// number edit: ~5 ms less in one run). The bytes exported are the same either way.
    pub fn remember(&mut self) {
        self.recall.get_or_insert_with(Default::default);
    }

    /// Whether some glyph programs were left unread ([`Fonts::load_for`] with characters).
    pub fn is_partial(&self) -> bool {
        self.faces.iter().any(|f| f.glyphs.is_some())
    }

    /// The first font file that has changed (size or modification time) or gone since it was
    /// read: the caller should load the fonts again before the next export.
    pub fn changed(&self) -> Option<&Path> {
        self.faces
            .iter()
            .find(|f| Stamp::of(&f.path) != Some(f.stamp))
            .map(|f| f.path.as_path())
    }

    /// Whether the file at `path` can serve `role`: it is read and parsed as [`Fonts::load`]
    /// would (a regular file within the size limit, an OpenType/TrueType font with CFF or
    /// TrueType outlines). The error says why not, in Chinese.
    pub fn check_file(path: &Path, role: Role) -> Result<(), ExportError> {
        load_face(path, role, None).map(|_| ())
    }

    /// The face that serves `role`.
    pub fn face_of(&self, role: Role) -> FaceId {
        self.roles.get(&role).copied().unwrap_or(0)
    }

    /// Path of the file behind `role`.
    pub fn path_of(&self, role: Role) -> &Path {
        &self.faces[self.face_of(role)].path
    }

    /// Parses every face for one export.
    pub(crate) fn parse(&self) -> Result<Faces<'_>, ExportError> {
        let parsed = self
            .faces
            .iter()
            .map(|f| {
                ttf_parser::Face::parse(f.bytes.as_slice(), f.index).map_err(|e| {
                    ExportError::new(format!(
                        "字体文件 {} 无法解析：{}",
                        f.path.display(),
                        parse_error(e)
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Faces {
            fonts: self,
            parsed,
            incomplete: std::sync::atomic::AtomicBool::new(false),
        })
    }
}

impl Faces<'_> {
    /// `Err` when a glyph was looked up whose charstring was not read.
    pub fn complete(&self) -> Result<(), ExportError> {
        if self.incomplete.load(std::sync::atomic::Ordering::Relaxed) {
            Err(ExportError::fonts_incomplete())
        } else {
            Ok(())
        }
    }

    /// Whether glyph `gid`'s program was read, so that its outline may be drawn or measured.
    /// When not (fonts read for other characters), the export is marked incomplete: it
    /// fails with [`ExportError::fonts_incomplete`] and is made again with whole fonts.
    /// Metrics (advances, the cmap) are always read.
    pub fn outline_held(&self, face: FaceId, gid: u16) -> bool {
        let held = self
            .fonts
            .faces
            .get(face)
            .and_then(|f| f.glyphs.as_ref())
            .is_none_or(|held| held.get(usize::from(gid)).copied().unwrap_or(false));
        if !held {
            self.incomplete
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
        held
    }

    /// Finds `c` in the role's face, then the fallback face, then any other loaded face.
    /// `None` when no face has a real glyph for it (glyph 0 is never used).
    pub fn resolve(&self, role: Role, c: char) -> Option<Resolved> {
        let first = self.fonts.face_of(role);
        let fallback = self.fonts.face_of(Role::Fallback);
        let others = (0..self.parsed.len()).filter(|&f| f != first && f != fallback);
        let order = [first, fallback].into_iter().chain(others);
        for face in order {
            if let Some(r) = self.lookup(face, c) {
                return Some(r);
            }
        }
        None
    }

    /// `c` in one face.
    pub fn lookup(&self, face: FaceId, c: char) -> Option<Resolved> {
        let parsed = self.parsed.get(face)?;
        let gid = parsed.glyph_index(c)?;
        if gid.0 == 0 {
            return None;
        }
        let upm = f32::from(parsed.units_per_em().max(1));
        let advance = f32::from(parsed.glyph_hor_advance(gid).unwrap_or(0)) / upm;
        Some(Resolved {
            face,
            gid: gid.0,
            advance,
        })
    }

    /// The height of the middle of glyph `gid`'s ink above the baseline, in em (`None` for a
    /// glyph without outlines).
    pub fn ink_middle(&self, face: FaceId, gid: u16) -> Option<f32> {
        if !self.outline_held(face, gid) {
            return None;
        }
        let parsed = self.parsed.get(face)?;
        let bb = parsed.glyph_bounding_box(ttf_parser::GlyphId(gid))?;
        let upm = f32::from(parsed.units_per_em().max(1));
        Some((f32::from(bb.y_min) + f32::from(bb.y_max)) / 2.0 / upm)
    }

    /// Advance of glyph `gid` of `face` in 1/1000 em, as written to the PDF's `/W`.
    pub fn width_1000(&self, face: FaceId, gid: u16) -> i64 {
        let Some(parsed) = self.parsed.get(face) else {
            return 0;
        };
        let upm = f64::from(parsed.units_per_em().max(1));
        let adv = f64::from(
            parsed
                .glyph_hor_advance(ttf_parser::GlyphId(gid))
                .unwrap_or(0),
        );
        (adv * 1000.0 / upm).round() as i64
    }
}

fn load_face(path: &Path, role: Role, chars: Option<&[char]>) -> Result<FaceData, ExportError> {
    let (bytes, stamp, glyphs) = match chars {
        Some(chars) => FontBytes::open_sparse(path, chars, &[]),
        None => FontBytes::open(path).map(|(b, s)| (b, s, None)),
    }
    .map_err(|e| ExportError::new(format!("无法读取{}字体：{e}", role.chinese())))?;
    let index = 0;
    let face = ttf_parser::Face::parse(bytes.as_slice(), index).map_err(|e| {
        ExportError::new(format!(
            "{}字体文件 {} 不是可用的 OpenType/TrueType 字体：{}",
            role.chinese(),
            path.display(),
            parse_error(e)
        ))
    })?;
    let tables = face.tables();
    let outlines = if tables.cff.is_some() {
        Outlines::Cff
    } else if tables.glyf.is_some() {
        Outlines::TrueType
    } else {
        return Err(ExportError::new(format!(
            "{}字体文件 {} 没有 CFF 或 TrueType 轮廓（不支持 CFF2 可变字体）",
            role.chinese(),
            path.display()
        )));
    };
    let ps_name = postscript_name(&face, path);
    let bb = face.global_bounding_box();
    let ascent = face.ascender();
    let data = FaceData {
        path: path.to_path_buf(),
        index,
        ps_name,
        upm: face.units_per_em(),
        ascent,
        descent: face.descender(),
        cap_height: face.capital_height().filter(|&c| c > 0).unwrap_or(ascent),
        bbox: [bb.x_min, bb.y_min, bb.x_max, bb.y_max],
        outlines,
        weight: face.weight().to_number(),
        bytes: bytes.clone(),
        stamp,
        glyphs,
    };
    Ok(data)
}

/// Glyph programs read for one subset of a face loaded lean, packed one after another
/// ([`FaceData::read_programs`]): a few hundred KB of fresh memory where reading them into
/// their places in the file's image touches a page for each (~2,000 page faults for the
/// seed, most of a cold build's system time).
pub(crate) struct Programs {
    data: Vec<u8>,
    /// Glyph id, and where its program is in `data`; sorted by glyph id.
    at: Vec<(u16, usize, usize)>,
}

impl Programs {
    /// The program of glyph `gid`.
    pub(crate) fn get(&self, gid: u16) -> Option<&[u8]> {
        let k = self.at.binary_search_by_key(&gid, |e| e.0).ok()?;
        let &(_, a, b) = self.at.get(k)?;
        self.data.get(a..b)
    }
}

/// Fills `buf` from `file` at `offset`: one positioned read a call (a few hundred of them for
/// a subset), not a seek and a read.
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while let Some(rest) = buf.get_mut(done..).filter(|r| !r.is_empty()) {
            let n = std::os::windows::fs::FileExt::seek_read(file, rest, offset + done as u64)?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            done += n;
        }
        Ok(())
    }
    #[cfg(not(any(unix, windows)))]
    {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = file;
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(buf)
    }
}

/// Where the `CFF ` table is in a font file: (start, end).
fn cff_range(file: &[u8]) -> Option<(usize, usize)> {
    use crate::cff::be;
    if file.get(0..4) != Some(b"OTTO") {
        return None;
    }
    (0..be(file, 4, 2)?).find_map(|t| {
        let rec = 12 + 16 * t;
        (file.get(rec..rec + 4)? == b"CFF ").then_some(())?;
        let (offset, length) = (be(file, rec + 8, 4)?, be(file, rec + 12, 4)?);
        Some((offset, offset.checked_add(length)?))
    })
}

impl FaceData {
    /// Whether these bytes hold the glyph programs of all of `gids` (read whole, or lean
    /// with these among the few read).
    fn holds(&self, gids: &[u16]) -> bool {
        self.glyphs.as_ref().is_none_or(|held| {
            gids.iter()
                .all(|&g| held.get(usize::from(g)).copied().unwrap_or(false))
        })
    }

    /// The glyph programs of `gids`, read from the file and packed, when these bytes lack
    /// some of them (a face loaded lean); `None` when the bytes hold them all. A file that has changed
    /// since it was loaded is not mixed in: [`ExportError::fonts_incomplete`], and the
    /// export is made again with the fonts read whole.
    pub(crate) fn read_programs(&self, gids: &[u16]) -> Result<Option<Programs>, ExportError> {
        if self.holds(gids) {
            return Ok(None);
        }
        let file = self.bytes.as_slice();
        let incomplete = ExportError::fonts_incomplete;
        let (cff_start, cff_end) = cff_range(file).ok_or_else(incomplete)?;
        let cff = file.get(cff_start..cff_end).ok_or_else(incomplete)?;
        let layout = crate::cff::charstrings_at(cff)
            .and_then(|at| crate::cff::IndexLayout::at(cff, at))
            .ok_or_else(incomplete)?;
        // (file offset, end, glyph), in file order; then neighbours in one read.
        let mut wanted: Vec<(usize, usize, u16)> = gids
            .iter()
            .map(|&g| {
                let (a, b) = layout.item(cff, usize::from(g))?;
                Some((cff_start + a, cff_start + b, g))
            })
            .collect::<Option<_>>()
            .ok_or_else(incomplete)?;
        wanted.sort_unstable();
        wanted.dedup();
        // Reads of the file (start, end), neighbours joined; each glyph's read.
        let mut reads: Vec<(usize, usize)> = Vec::new();
        let mut read_of = Vec::with_capacity(wanted.len());
        for &(a, b, _) in &wanted {
            match reads.last_mut() {
                Some(last) if a <= last.1 + 512 => last.1 = last.1.max(b),
                _ => reads.push((a, b)),
            }
            read_of.push(reads.len() - 1);
        }
        let stamp = Stamp::of(&self.path).unwrap_or_default();
        if stamp != self.stamp {
            return Err(incomplete());
        }
        let f = std::fs::File::open(&self.path).map_err(|_| incomplete())?;
        // The reads one after another in `data`: where each starts there.
        let mut data = vec![0u8; reads.iter().map(|(a, b)| b - a).sum()];
        let mut starts = Vec::with_capacity(reads.len());
        let mut at = 0;
        for &(a, b) in &reads {
            starts.push(at);
            let dst = data.get_mut(at..at + (b - a)).ok_or_else(incomplete)?;
            read_at(&f, dst, a as u64).map_err(|_| incomplete())?;
            at += b - a;
        }
        let mut index: Vec<(u16, usize, usize)> = wanted
            .iter()
            .zip(&read_of)
            .map(|(&(a, b, g), &r)| {
                let from = starts[r] + (a - reads[r].0);
                (g, from, from + (b - a))
            })
            .collect();
        index.sort_unstable();
        Ok(Some(Programs { data, at: index }))
    }

    /// The face's bytes with the glyph programs of `gids` read: these bytes when they hold
    /// them all (fonts read whole, or the glyphs read already), else the file read again for
    /// exactly these glyphs, on the calling thread (each face's subset is made on its own).
    /// A file that has changed since the fonts were loaded is not mixed with them: the
    /// export fails with [`ExportError::fonts_incomplete`] and is made again with the fonts
    /// read whole.
    pub(crate) fn bytes_for(&self, gids: &[u16]) -> Result<FontBytes, ExportError> {
        if self.holds(gids) {
            return Ok(self.bytes.clone());
        }
        // All of them, not only those missing: the new bytes replace these for the subset.
        match FontBytes::open_sparse(&self.path, &[], gids) {
            Ok((bytes, stamp, _)) if stamp == self.stamp => Ok(bytes),
            _ => Err(ExportError::fonts_incomplete()),
        }
    }
}

/// Why ttf-parser refused a font, in Chinese.
fn parse_error(e: ttf_parser::FaceParsingError) -> &'static str {
    use ttf_parser::FaceParsingError as E;
    match e {
        E::UnknownMagic => "文件开头没有字体的标识，可能不是字体文件",
        E::MalformedFont => "文件已损坏或不完整",
        E::FaceIndexOutOfBounds => "字体集合中没有第一个字体",
        E::NoHeadTable | E::NoHheaTable | E::NoMaxpTable => {
            "缺少必需的字体表（head、hhea 或 maxp），文件可能已损坏"
        }
    }
}

/// The face's name `id` (`ttf_parser::name_id`), Unicode records first.
pub(crate) fn face_name(face: &ttf_parser::Face<'_>, id: u16) -> Option<String> {
    face.names()
        .into_iter()
        .filter(|n| n.name_id == id)
        .find_map(|n| n.to_string())
        .or_else(|| {
            // Fandol stores its names for the Macintosh platform only, which ttf-parser does
            // not decode; those are plain ASCII.
            face.names()
                .into_iter()
                .filter(|n| n.name_id == id)
                .find(|n| n.platform_id == ttf_parser::PlatformId::Macintosh)
                .map(|n| n.name.iter().map(|&b| char::from(b)).collect())
        })
}

/// The PostScript name (name ID 6), else the file stem; only characters safe in a PDF name
/// and in a font's BaseFont (letters, digits, `-`), at most 60 bytes.
fn postscript_name(face: &ttf_parser::Face<'_>, path: &Path) -> String {
    let raw = face_name(face, ttf_parser::name_id::POST_SCRIPT_NAME).unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let clean: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(60)
        .collect();
    if clean.is_empty() {
        "Font".to_string()
    } else {
        clean
    }
}

/// The `key = "path"` pairs of the `[roles]` table of `fonts.toml`; the error (in Chinese)
/// names the line of a syntax error or the key whose value is not a path.
fn parse_roles(text: &str) -> Result<Vec<(String, String)>, String> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start).min(text.len());
        let line = text[..at].matches('\n').count() + 1;
        format!("第 {line} 行不是有效的 TOML")
    })?;
    let Some(DeValue::Table(roles)) = root.get_ref().get("roles").map(|v| v.get_ref()) else {
        return Ok(Vec::new());
    };
    roles
        .iter()
        .map(|(key, value)| match value.get_ref() {
            DeValue::String(path) => Ok((key.get_ref().to_string(), path.to_string())),
            _ => Err(format!(
                "[roles] 中“{}”的值应是用双引号括起来的文件路径",
                key.get_ref()
            )),
        })
        .collect()
}

/// Finds the folder with `fonts.toml`:
///
/// 1. `explicit` (the `--fonts` option): used if given, an error if it has no `fonts.toml`;
/// 2. the environment variable `NIANBAO_FONTS` (same rule);
/// 3. `fonts/` next to the executable, then `../share/nianbao/fonts` relative to it
///    (an installed layout);
/// 4. the workspace's `fonts/` (so `cargo run` works from a fresh clone), except in a
///    packaged binary.
///
/// The error, in Chinese, names every place that was looked at.
pub fn find_font_dir(explicit: Option<&Path>) -> Result<PathBuf, ExportError> {
    let has_manifest = |d: &Path| d.join("fonts.toml").is_file();
    if let Some(dir) = explicit {
        if has_manifest(dir) {
            return Ok(dir.to_path_buf());
        }
        return Err(ExportError::new(format!(
            "指定的字体目录 {} 中没有 fonts.toml",
            dir.display()
        )));
    }
    if let Some(env) = std::env::var_os("NIANBAO_FONTS").filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(env);
        if has_manifest(&dir) {
            return Ok(dir);
        }
        return Err(ExportError::new(format!(
            "环境变量 NIANBAO_FONTS 指向的 {} 中没有 fonts.toml",
            dir.display()
        )));
    }
    let mut looked = Vec::new();
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        looked.push(exe_dir.join("fonts"));
        looked.push(exe_dir.join("../share/nianbao/fonts"));
    }
    // A packaged binary (built with NIANBAO_PACKAGED set, scripts/package.sh) has no source
    // tree: the one it was built from exists on the builder's machine only, and finding fonts
    // there would hide a package that lacks them.
    if option_env!("NIANBAO_PACKAGED").is_none() {
        looked.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fonts"));
    }
    for dir in &looked {
        if has_manifest(dir) {
            return Ok(dir.clone());
        }
    }
    // One line: a diagnostic's hint is one line (the CLI shows a line break in it as ␊).
    let list: Vec<String> = [
        "--fonts 参数（未给出）".to_string(),
        "环境变量 NIANBAO_FONTS（未设置）".to_string(),
    ]
    .into_iter()
    .chain(looked.iter().map(|d| d.display().to_string()))
    .collect();
    Err(ExportError::new(format!(
        "找不到字体目录（含 fonts.toml 的文件夹）。已查找：{}。请用 --fonts 指定字体目录，或设置环境变量 NIANBAO_FONTS",
        list.join("；")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A build with fonts loaded lean (the glyph programs read when each face is subset)
    /// writes the same bytes as one with the fonts read whole, reads a small part of them,
    /// and fails (to be made again with whole fonts) rather than draw an outline it did not
    /// read or mix in a font file changed since.
    #[test]
    fn fonts_loaded_lean_give_the_same_pdf_and_ofd() {
        let dir = find_font_dir(None).unwrap();
        let doc = nianbao_core::document::build(&nianbao_core::sample::sample_report(), true);
        let whole = Fonts::load(&dir, &[]).unwrap();
        assert!(!whole.is_partial());
        let lean = Fonts::load_lean(&dir, &[]).unwrap();
        assert!(lean.is_partial());
        for f in &lean.faces {
            if let Some(held) = &f.glyphs {
                // .notdef, the dash and 草稿 at most.
                let n = held.iter().filter(|&&h| h).count();
                assert!((1..=4).contains(&n), "{}: {n}", f.path.display());
                // The glyph programs not read are zeros, the file's other bytes as read.
                let full = std::fs::read(&f.path).unwrap();
                let zeros = f
                    .bytes
                    .as_slice()
                    .iter()
                    .zip(&full)
                    .filter(|(a, b)| a != b)
                    .count();
                assert!(zeros > full.len() / 2, "{}", f.path.display());
            }
        }
        let a = crate::pdf::export(&doc, &whole).unwrap().bytes;
        let b = crate::pdf::export(&doc, &lean).unwrap().bytes;
        assert!(a == b, "the PDF differs with fonts loaded lean");
        let a = crate::ofd::export(&doc, &whole).unwrap().bytes;
        let b = crate::ofd::export(&doc, &lean).unwrap().bytes;
        assert!(a == b, "the OFD differs with fonts loaded lean");

        // Fonts read without the draft mark's outlines: the export says so instead of
        // drawing zeros.
        let few = Fonts::load_for(&dir, &[], Some(&['一'])).unwrap();
        let e = crate::pdf::export(&doc, &few).unwrap_err();
        assert!(e.fonts_incomplete, "{}", e.message);
        let e = crate::ofd::export(&doc, &few).unwrap_err();
        assert!(e.fonts_incomplete, "{}", e.message);
    }

    /// Programs made before are reused only for the same glyphs: exports of two documents,
    /// alternately, with one [`Fonts`] give each document's bytes from fresh fonts.
    #[test]
    fn remembered_programs_give_the_same_bytes() {
        let dir = find_font_dir(None).unwrap();
        let a = nianbao_core::document::build(&nianbao_core::sample::sample_report(), false);
        let mut other = nianbao_core::sample::sample_report();
        other.agency = format!("{}档案馆", other.agency);
        let b = nianbao_core::document::build(&other, false);
        let fresh = |doc| {
            crate::pdf::export(doc, &Fonts::load(&dir, &[]).unwrap())
                .unwrap()
                .bytes
        };
        let (want_a, want_b) = (fresh(&a), fresh(&b));
        assert!(want_a != want_b);
        let kept = Fonts::load(&dir, &[]).unwrap();
        for _ in 0..2 {
            assert!(crate::pdf::export(&a, &kept).unwrap().bytes == want_a);
            assert!(crate::pdf::export(&b, &kept).unwrap().bytes == want_b);
        }
        assert!(format!("{:?}", kept.memo) != "Memo(0 programs)");
    }

    /// A session's recall (each paragraph's lines, each stream's bytes) changes no byte:
    /// exports of two documents, alternately, PDF and OFD, with one remembering [`Fonts`]
    /// give each document's bytes from fresh fonts, and a character no face has is
    /// reported by every export, not only the first.
    #[test]
    fn remembered_lines_and_streams_give_the_same_bytes() {
        let dir = find_font_dir(None).unwrap();
        let a = nianbao_core::document::build(&nianbao_core::sample::sample_report(), false);
        let mut other = nianbao_core::sample::sample_report();
        // A new paragraph text, and a character none of the fonts has (W-GLYPH).
        other.agency = format!("{}\u{20000}档案馆", other.agency);
        let b = nianbao_core::document::build(&other, false);
        let fresh = |doc| {
            let fonts = Fonts::load(&dir, &[]).unwrap();
            let pdf = crate::pdf::export(doc, &fonts).unwrap();
            let ofd = crate::ofd::export(doc, &fonts).unwrap();
            (pdf.bytes, pdf.warnings, ofd.bytes)
        };
        let (want_a, want_b) = (fresh(&a), fresh(&b));
        assert!(want_a.0 != want_b.0);
        assert!(want_a.1.is_empty());
        assert!(want_b.1.iter().any(|w| w.id == "W-GLYPH"), "{:?}", want_b.1);
        let mut kept = Fonts::load(&dir, &[]).unwrap();
        kept.remember();
        for _ in 0..3 {
            for (doc, want) in [(&a, &want_a), (&b, &want_b)] {
                let pdf = crate::pdf::export(doc, &kept).unwrap();
                assert!(pdf.bytes == want.0, "the PDF differs with the recall");
                assert_eq!(pdf.warnings, want.1);
                let ofd = crate::ofd::export(doc, &kept).unwrap();
                assert!(ofd.bytes == want.2, "the OFD differs with the recall");
            }
        }
        let recall = format!("{:?}", kept.recall);
        assert!(
            !recall.contains("(0 paragraphs") && !recall.contains(" 0 streams"),
            "{recall}"
        );
    }

    /// A font file replaced after a lean load is not read into that load's subsets.
    #[test]
    fn a_font_changed_after_a_lean_load_is_not_mixed_in() {
        let shipped = find_font_dir(None).unwrap();
        let dir = std::env::temp_dir().join(format!("nianbao-lean-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        fn copy(from: &Path, to: &Path) {
            std::fs::create_dir_all(to).unwrap();
            for e in std::fs::read_dir(from).unwrap() {
                let e = e.unwrap();
                if e.file_type().unwrap().is_dir() {
                    copy(&e.path(), &to.join(e.file_name()));
                } else {
                    std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
                }
            }
        }
        copy(&shipped, &dir);
        let doc = nianbao_core::document::build(&nianbao_core::sample::sample_report(), false);
        let lean = Fonts::load_lean(&dir, &[]).unwrap();
        assert!(crate::pdf::export(&doc, &lean).is_ok());
        // The fonts copied over again (a newer version, say): each one byte longer.
        for f in &lean.faces {
            let mut bytes = std::fs::read(&f.path).unwrap();
            bytes.push(0);
            std::fs::write(&f.path, bytes).unwrap();
        }
        // The same PDF again is the program made before (from the file as it was loaded);
        // a document with other characters needs programs not read yet.
        assert!(crate::pdf::export(&doc, &lean).is_ok());
        let mut other = nianbao_core::sample::sample_report();
        other.agency = format!("{}档案馆", other.agency);
        let other = nianbao_core::document::build(&other, false);
        let e = crate::pdf::export(&other, &lean).unwrap_err();
        assert!(e.fonts_incomplete, "{}", e.message);
        let e = crate::ofd::export(&doc, &lean).unwrap_err();
        assert!(e.fonts_incomplete, "{}", e.message);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn parses_role_table() {
        let text = "# c\n[roles]\nfang = \"a/b.otf\"   # x\nkai=\"k.otf\"\n[other]\nhei = \"no\"\n";
        assert_eq!(
            parse_roles(text),
            Ok(vec![
                ("fang".to_string(), "a/b.otf".to_string()),
                ("kai".to_string(), "k.otf".to_string())
            ])
        );
        // What the hand-written parser it replaced got wrong: escapes, and a `#` in a path.
        assert_eq!(
            parse_roles("[roles]\nfang = 'C:\\字体\\#1.otf'\n"),
            Ok(vec![("fang".to_string(), "C:\\字体\\#1.otf".to_string())])
        );
        assert_eq!(
            parse_roles("[roles]\nfang = \"a.otf\"\nkai = \n"),
            Err("第 3 行不是有效的 TOML".to_string())
        );
        assert!(parse_roles("[roles]\nfang = 3\n").is_err_and(|e| e.contains("fang")));
    }
}
