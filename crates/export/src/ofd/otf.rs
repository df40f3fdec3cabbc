//! Subset fonts as standalone OpenType files, the way an OFD embeds them (`FontFile`).
//!
//! The PDF embeds a bare CID-keyed CFF and maps codes to glyphs itself; an OFD reader loads
//! the embedded file as a font and finds each glyph through the font's own `cmap` from the
//! `TextCode` characters. So the file must be a complete sfnt: `head`, `hhea`, `hmtx`,
//! `maxp`, `OS/2`, `name`, `post`, a `cmap` for exactly the characters shown, and the
//! outlines.
//!
//! - CFF faces (every shipped face): the `CFF ` table comes from our charstring-copying
//!   subsetter ([`crate::cff`], the one the PDF uses: 0.2–0.6 ms where `subsetter` takes
//!   ~10 ms for the body face), the metrics tables are rebuilt for the new glyph order and the
//!   others copied from the face.
//! - Anything else (TrueType faces, a CFF our subsetter declines): `subsetter`'s output, which
//!   is a valid sfnt without `cmap` and `OS/2`, with those two added.
//!
//! Glyph *i* of the subset is glyph *i* of the [`GlyphRemapper`] (`.notdef` first), as in
//! the PDF.

use std::collections::BTreeMap;

use subsetter::GlyphRemapper;

use crate::fonts::{FaceData, Outlines};
use crate::ExportError;

/// A table tag.
type Tag = [u8; 4];

/// The subset of `data` holding the glyphs of `remap`, as a standalone OpenType (CFF) or
/// TrueType file whose `cmap` maps the characters of `chars` to their new glyph ids.
/// `face` is `data` parsed (for the metrics).
pub(super) fn subset_font(
    data: &FaceData,
    face: &ttf_parser::Face<'_>,
    remap: &GlyphRemapper,
    chars: &BTreeMap<char, u16>,
) -> Result<Vec<u8>, ExportError> {
    // The tables of a face loaded lean are all there; only glyph programs are read now.
    let raw = ttf_parser::RawFace::parse(data.bytes.as_slice(), data.index)
        .map_err(|e| ExportError::new(format!("字体 {} 无法解析：{e}", data.path.display())))?;
    let table = |tag: &Tag| raw.table(ttf_parser::Tag::from_bytes(tag));
    let cmap = cmap(chars);
    let gids: Vec<u16> = remap.remapped_gids().collect();
    if data.outlines == Outlines::Cff {
        let programs = data.read_programs(&gids)?;
        let fast = table(b"CFF ").and_then(|cff| {
            crate::cff::subset_cid_with(cff, remap, programs.as_ref(), crate::cff::Hints::Keep)
        });
        if let Some(cff) = fast {
            let mut tables = BTreeMap::new();
            tables.insert(*b"CFF ", cff);
            tables.insert(*b"cmap", cmap.clone());
            for tag in [b"OS/2", b"name"] {
                if let Some(t) = table(tag) {
                    tables.insert(*tag, t.to_vec());
                }
            }
            let n = remap.num_gids();
            let head = table(b"head").filter(|h| h.len() >= 54);
            let hhea = table(b"hhea").filter(|h| h.len() >= 36);
            if let (Some(head), Some(hhea)) = (head, hhea) {
                tables.insert(*b"head", head.to_vec());
                let mut hhea = hhea.to_vec();
                hhea[34..36].copy_from_slice(&n.to_be_bytes());
                tables.insert(*b"hhea", hhea);
                tables.insert(*b"hmtx", hmtx(face, remap));
                let mut maxp = vec![0, 0, 0x50, 0];
                maxp.extend_from_slice(&n.to_be_bytes());
                tables.insert(*b"maxp", maxp);
                tables.insert(*b"post", post(table(b"post")));
                return Ok(assemble(*b"OTTO", tables));
            }
        }
    }
    // Other fonts go through `subsetter`, which reads the programs in the file's image.
    let read = data.bytes_for(&gids)?;
    let subset = subsetter::subset(read.as_slice(), data.index, remap)
        .map_err(|e| ExportError::new(format!("字体 {} 取子集失败：{e}", data.path.display())))?;
    let (flavor, mut tables) = tables_of(&subset)
        .ok_or_else(|| ExportError::new(format!("字体 {} 的子集无法解析", data.path.display())))?;
    tables.insert(*b"cmap", cmap);
    if let Some(os2) = table(b"OS/2") {
        tables.insert(*b"OS/2", os2.to_vec());
    }
    Ok(assemble(flavor, tables))
}

/// `hmtx` for the glyphs of `remap` in their new order: a full record (advance, left side
/// bearing) for every glyph, so `hhea.numberOfHMetrics` is the glyph count.
fn hmtx(face: &ttf_parser::Face<'_>, remap: &GlyphRemapper) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 * usize::from(remap.num_gids()));
    for old in remap.remapped_gids() {
        let gid = ttf_parser::GlyphId(old);
        let advance = face.glyph_hor_advance(gid).unwrap_or(0);
        let lsb = face.glyph_hor_side_bearing(gid).unwrap_or(0);
        out.extend_from_slice(&advance.to_be_bytes());
        out.extend_from_slice(&lsb.to_be_bytes());
    }
    out
}

/// `post` version 3.0 (no glyph names, as CFF fonts have), keeping the face's italic angle,
/// underline and fixed-pitch values.
fn post(original: Option<&[u8]>) -> Vec<u8> {
    let mut post = original
        .and_then(|p| p.get(..32))
        .map_or_else(|| vec![0; 32], <[u8]>::to_vec);
    post[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
    post
}

/// The `cmap` table for `chars` (character → new glyph id): a format 4 subtable for the
/// Basic Multilingual Plane (platforms 0/3 and 3/1), and when any character lies beyond it a
/// format 12 subtable for all of them (0/4 and 3/10). A format 4 too large for its 16-bit
/// length is left out; format 12 alone then serves every platform.
fn cmap(chars: &BTreeMap<char, u16>) -> Vec<u8> {
    let pairs: Vec<(u32, u16)> = chars.iter().map(|(&c, &g)| (u32::from(c), g)).collect();
    let wide = pairs.iter().any(|&(c, _)| c > 0xFFFF);
    let f4 = format4(&pairs);
    let f12 = (wide || f4.is_none()).then(|| format12(&pairs));
    let mut records: Vec<(u16, u16, usize)> = Vec::new();
    let mut subtables: Vec<&[u8]> = Vec::new();
    if let Some(f4) = &f4 {
        subtables.push(f4);
    }
    if let Some(f12) = &f12 {
        subtables.push(f12);
    }
    let (i4, i12) = match (&f4, &f12) {
        (Some(_), Some(_)) => (Some(0), Some(1)),
        (Some(_), None) => (Some(0), None),
        _ => (None, Some(0)),
    };
    // Encoding records sorted by platform, then encoding.
    if let Some(k) = i4 {
        records.push((0, 3, k));
    }
    if let Some(k) = i12 {
        records.push((0, 4, k));
    }
    if let Some(k) = i4 {
        records.push((3, 1, k));
    }
    if let Some(k) = i12 {
        records.push((3, 10, k));
    }
    let header = 4 + 8 * records.len();
    let mut offsets = Vec::new();
    let mut at = header;
    for t in &subtables {
        offsets.push(at);
        at += t.len();
    }
    let mut out = Vec::with_capacity(at);
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&(records.len() as u16).to_be_bytes());
    for &(platform, encoding, k) in &records {
        out.extend_from_slice(&platform.to_be_bytes());
        out.extend_from_slice(&encoding.to_be_bytes());
        out.extend_from_slice(&(offsets[k] as u32).to_be_bytes());
    }
    for t in subtables {
        out.extend_from_slice(t);
    }
    out
}

/// Format 4 for the BMP characters of `pairs` (sorted): one segment per run of consecutive
/// code points, by `idDelta` when the glyph ids run in step, else through `glyphIdArray`;
/// then the closing 0xFFFF segment. `None` if it does not fit a 16-bit length.
fn format4(pairs: &[(u32, u16)]) -> Option<Vec<u8>> {
    struct Segment {
        start: u16,
        end: u16,
        delta: u16,
        /// Index of the segment's first glyph in `glyphIdArray`, or `None` for `idDelta`.
        array: Option<usize>,
    }
    let bmp: Vec<(u16, u16)> = pairs
        .iter()
        .filter_map(|&(c, g)| {
            u16::try_from(c)
                .ok()
                .filter(|&c| c != 0xFFFF)
                .map(|c| (c, g))
        })
        .collect();
    let mut segments: Vec<Segment> = Vec::new();
    let mut glyph_array: Vec<u16> = Vec::new();
    let mut i = 0;
    while i < bmp.len() {
        let mut j = i + 1;
        while j < bmp.len() && bmp[j].0 == bmp[j - 1].0 + 1 {
            j += 1;
        }
        let run = &bmp[i..j];
        let delta = run[0].1.wrapping_sub(run[0].0);
        let in_step = run.iter().all(|&(c, g)| g.wrapping_sub(c) == delta);
        let array = (!in_step).then(|| {
            let at = glyph_array.len();
            glyph_array.extend(run.iter().map(|&(_, g)| g));
            at
        });
        segments.push(Segment {
            start: run[0].0,
            end: run[run.len() - 1].0,
            delta: if in_step { delta } else { 0 },
            array,
        });
        i = j;
    }
    segments.push(Segment {
        start: 0xFFFF,
        end: 0xFFFF,
        delta: 1,
        array: None,
    });
    let n = segments.len();
    let len = 16 + 8 * n + 2 * glyph_array.len();
    let length = u16::try_from(len).ok()?;
    let seg_x2 = u16::try_from(2 * n).ok()?;
    let selector = n.ilog2() as u16;
    let search = 2u16 << selector;
    let mut out = Vec::with_capacity(len);
    for v in [4, length, 0, seg_x2, search, selector, seg_x2 - search] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    for s in &segments {
        out.extend_from_slice(&s.end.to_be_bytes());
    }
    out.extend_from_slice(&0u16.to_be_bytes());
    for s in &segments {
        out.extend_from_slice(&s.start.to_be_bytes());
    }
    for s in &segments {
        out.extend_from_slice(&s.delta.to_be_bytes());
    }
    for (k, s) in segments.iter().enumerate() {
        // From this idRangeOffset entry to the segment's first glyph in glyphIdArray.
        let offset = s.array.map_or(0, |at| 2 * (n - k) + 2 * at);
        out.extend_from_slice(&u16::try_from(offset).ok()?.to_be_bytes());
    }
    for g in glyph_array {
        out.extend_from_slice(&g.to_be_bytes());
    }
    Some(out)
}

/// Format 12 for every character of `pairs` (sorted): one group per run of consecutive code
/// points with consecutive glyph ids.
fn format12(pairs: &[(u32, u16)]) -> Vec<u8> {
    // (first code point, last code point, glyph of the first).
    let mut groups: Vec<(u32, u32, u32)> = Vec::new();
    for &(c, g) in pairs {
        match groups.last_mut() {
            Some((start, end, first)) if c == *end + 1 && u32::from(g) == *first + (c - *start) => {
                *end = c;
            }
            _ => groups.push((c, c, u32::from(g))),
        }
    }
    let len = 16 + 12 * groups.len();
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(&12u16.to_be_bytes());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&(len as u32).to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes());
    out.extend_from_slice(&(groups.len() as u32).to_be_bytes());
    for (start, end, first) in groups {
        out.extend_from_slice(&start.to_be_bytes());
        out.extend_from_slice(&end.to_be_bytes());
        out.extend_from_slice(&first.to_be_bytes());
    }
    out
}

/// The flavour and tables of an sfnt file (one font, no collection).
fn tables_of(font: &[u8]) -> Option<(Tag, BTreeMap<Tag, Vec<u8>>)> {
    let flavor: Tag = font.get(..4)?.try_into().ok()?;
    let count = usize::from(u16::from_be_bytes(font.get(4..6)?.try_into().ok()?));
    let mut tables = BTreeMap::new();
    for k in 0..count {
        let rec = font.get(12 + 16 * k..28 + 16 * k)?;
        let tag: Tag = rec[..4].try_into().ok()?;
        let offset = u32::from_be_bytes(rec[8..12].try_into().ok()?) as usize;
        let length = u32::from_be_bytes(rec[12..16].try_into().ok()?) as usize;
        tables.insert(tag, font.get(offset..offset.checked_add(length)?)?.to_vec());
    }
    Some((flavor, tables))
}

/// Sum of the big-endian 32-bit words of `data`, zero-padded to a multiple of four.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// An sfnt file of `tables` (sorted by tag, each 4-byte aligned, with checksums), its `head`
/// checksum adjustment set.
fn assemble(flavor: Tag, mut tables: BTreeMap<Tag, Vec<u8>>) -> Vec<u8> {
    if let Some(head) = tables.get_mut(b"head").filter(|h| h.len() >= 12) {
        head[8..12].fill(0);
    }
    let count = tables.len() as u16;
    let selector = if count == 0 { 0 } else { count.ilog2() as u16 };
    let search = 16u16 << selector;
    let mut out = Vec::with_capacity(
        12 + 16 * tables.len() + tables.values().map(|t| t.len() + 3).sum::<usize>(),
    );
    out.extend_from_slice(&flavor);
    for v in [count, search, selector, (count * 16).saturating_sub(search)] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &tables {
        if tag == b"head" {
            head_at = Some(offset);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().div_ceil(4) * 4;
    }
    for data in tables.values() {
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    if let Some(at) = head_at {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Looks `c` up in a bare `cmap` table through ttf-parser.
    fn lookup(cmap: &[u8], c: char) -> Vec<Option<u16>> {
        let table = ttf_parser::cmap::Table::parse(cmap).unwrap();
        table
            .subtables
            .into_iter()
            .filter(|s| s.is_unicode())
            .map(|s| s.glyph_index(u32::from(c)).map(|g| g.0))
            .collect()
    }

    #[test]
    fn cmap_maps_exactly_the_characters_given() {
        // In-step runs, out-of-step runs, isolated characters, and one beyond the BMP.
        let chars: BTreeMap<char, u16> = [
            ('a', 3),
            ('b', 4),
            ('c', 5),
            ('中', 9),
            ('丰', 2),
            ('串', 7),
            ('国', 1),
            ('𠀀', 6),
            ('\u{FFFE}', 8),
        ]
        .into_iter()
        .collect();
        let table = cmap(&chars);
        for (&c, &g) in &chars {
            let found = lookup(&table, c);
            assert_eq!(found.len(), 4, "two format 4 and two format 12 records");
            // Format 4 covers the BMP only; format 12 covers everything.
            let expected = if u32::from(c) > 0xFFFF { 2 } else { 4 };
            let hits: Vec<u16> = found.iter().flatten().copied().collect();
            assert_eq!(hits.len(), expected, "{c}: {found:?}");
            assert!(hits.iter().all(|&f| f == g), "{c}: {found:?}");
        }
        // Unmapped: no glyph, or .notdef (the closing 0xFFFF segment maps to 0).
        for c in ['d', '乀', '\u{FFFF}', '𠀁'] {
            let found = lookup(&table, c);
            assert!(found.iter().all(|f| f.unwrap_or(0) == 0), "{c}: {found:?}");
        }
    }

    #[test]
    fn format12_groups_consecutive_glyphs() {
        let pairs = [(10, 1), (11, 2), (12, 3), (13, 7), (20, 8)];
        let f = format12(&pairs);
        assert_eq!(u32::from_be_bytes(f[12..16].try_into().unwrap()), 3);
    }

    #[test]
    fn assembled_tables_have_valid_checksums() {
        let mut tables = BTreeMap::new();
        let mut head = vec![0u8; 54];
        head[12..16].copy_from_slice(&0x5F0F_3CF5u32.to_be_bytes());
        tables.insert(*b"head", head);
        tables.insert(*b"abc ", vec![1, 2, 3]);
        let font = assemble(*b"OTTO", tables);
        assert_eq!(checksum(&font), 0xB1B0_AFBA);
        let (flavor, back) = tables_of(&font).unwrap();
        assert_eq!(&flavor, b"OTTO");
        assert_eq!(back[b"abc "], vec![1, 2, 3]);
    }
}
