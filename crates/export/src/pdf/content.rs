//! Page content streams: the page list's rules, glyph runs and the draft mark as PDF
//! operators, positions written as short fixed-point numbers.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::fonts::{FaceId, Faces};
use crate::layout::{GlyphRun, Line, LineKind, Page, PAGE_HEIGHT};
use crate::num::Num;

/// One embedded font as the content streams name it: resource name and the original →
/// subset glyph id map (the codes shown are subset glyph ids).
pub(super) struct Embedded<'r> {
    pub name: String,
    pub remap: &'r subsetter::GlyphRemapper,
}

/// A number for a content stream: at most three decimals, no trailing zeros.
fn num(v: f32) -> Num {
    Num::new(f64::from(v), 3)
}

pub(super) fn page_content(
    page: &Page,
    faces: &Faces<'_>,
    fonts: &BTreeMap<FaceId, Embedded<'_>>,
) -> Vec<u8> {
    let mut c = String::new();
    if let Some(first) = page.rules.first() {
        let mut w = first.width;
        let _ = writeln!(c, "q 0 G {} w 0 J", num(w));
        for r in &page.rules {
            // One path per line width: the 版记's thin rule between its thick ones.
            if r.width != w {
                w = r.width;
                let _ = writeln!(c, "S {} w", num(w));
            }
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
            if !faces.outline_held(run.face, g.gid) {
                continue;
            }
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
    Num::new(v, 4)
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
}
