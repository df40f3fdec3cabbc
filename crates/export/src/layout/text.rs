//! Setting text: each character resolved to a face and a glyph (W-GLYPH for those no face
//! has), broken into lines, and the lines of each kind of block — title, body, signature,
//! page number, draft mark — placed within their measure.

use std::collections::BTreeSet;

use nianbao_core::document::{Imprint, Run, DRAFT_MARK};
use nianbao_core::typography::{self as ty, Role, Side};
use nianbao_core::{Diagnostic, Span};

use super::grid::{break_grid, Grid};
use super::linebreak::{break_balanced, break_lines, is_wide, BrokenLine, Measure};
use super::pages::{GlyphRun, Line, LineKind, PlacedGlyph};
use super::{
    baseline, char_pitch, grid_tracking, AREA_H, AREA_W, AREA_X, AREA_Y, BODY_SIZE, EM_ASCENT,
    PAGE_HEIGHT, PAGE_WIDTH, PITCH,
};
use crate::fonts::{FaceId, Faces};

/// The 版记 set: lines (x final, y relative to its top), rules as (y relative to its top,
/// stroke width), and the grid slots it fills.
pub(super) struct ImprintLayout {
    pub lines: Vec<Line>,
    pub rules: Vec<(f32, f32)>,
    pub slots: usize,
}

/// A shaped character: what the line breaker measures and the writer draws.
#[derive(Clone, Copy, Debug)]
pub(super) struct Shaped {
    pub ch: char,
    pub face: FaceId,
    /// 0 for spaces and line breaks (measured, never drawn).
    pub gid: u16,
    pub advance: f32,
    pub bold: bool,
}

/// Where a piece of text comes from, for W-GLYPH messages.
#[derive(Clone, Debug)]
pub(super) enum Loc {
    Span(Span),
    Place(String),
}

/// Sets text with one document's faces, collecting W-GLYPH warnings (once per character and
/// place).
pub(super) struct Setter<'a, 'f> {
    faces: &'a Faces<'f>,
    pub warnings: Vec<Diagnostic>,
    seen: BTreeSet<(char, String)>,
    /// Characters no face has, met so far (also those already reported at their place).
    missed: usize,
}

impl<'a, 'f> Setter<'a, 'f> {
    pub fn new(faces: &'a Faces<'f>) -> Self {
        Setter {
            faces,
            warnings: Vec::new(),
            seen: BTreeSet::new(),
            missed: 0,
        }
    }

    /// Shapes styled runs in `role`, dropping (and reporting) characters no face has.
    pub fn shape(
        &mut self,
        runs: &[(&str, bool)],
        role: Role,
        size: f32,
        loc: &Loc,
    ) -> Vec<Shaped> {
        let mut out = Vec::new();
        // Spaces belong to the Latin text around them.
        let home = self.faces.fonts.face_of(role.western());
        for (text, bold) in runs {
            for c in text.chars() {
                let c = if c == '\r' { continue } else { c };
                if c == ' ' || c == '\t' || c == '\n' || c == '\u{a0}' {
                    // Spaces are drawn (with the face's space glyph) so extractors keep
                    // them; line breaks are measured as nothing and never drawn.
                    let space = (c != '\n').then(|| self.faces.lookup(home, ' ')).flatten();
                    out.push(Shaped {
                        ch: if c == '\n' { '\n' } else { ' ' },
                        face: home,
                        gid: space.map_or(0, |r| r.gid),
                        advance: if c == '\n' {
                            0.0
                        } else {
                            space.map_or(0.25, |r| r.advance) * size
                        },
                        bold: *bold,
                    });
                    continue;
                }
                // Digits, Latin letters and ASCII punctuation in the role's Latin face
                // (Times New Roman metrics for 仿宋 and 楷体 text).
                let face_role = if is_wide(c) { role } else { role.western() };
                match self.faces.resolve(face_role, c) {
                    Some(r) => out.push(Shaped {
                        ch: c,
                        face: r.face,
                        gid: r.gid,
                        advance: r.advance * size,
                        bold: *bold,
                    }),
                    None => self.missing(c, loc),
                }
            }
        }
        out
    }

    fn missing(&mut self, c: char, loc: &Loc) {
        self.missed += 1;
        let key = match loc {
            Loc::Span(s) => format!("{}:{}", s.file.0, s.range.start),
            Loc::Place(p) => p.clone(),
        };
        if !self.seen.insert((c, key)) {
            return;
        }
        let message = format!(
            "版式文件缺字：“{c}”（U+{:04X}）不在任何已配置的字体中，PDF 和 OFD 里省略了这个字",
            c as u32
        );
        let d = match loc {
            Loc::Span(s) => Diagnostic::warning("W-GLYPH", message).at(s.clone()),
            Loc::Place(p) => Diagnostic::warning("W-GLYPH", format!("{message}（位于{p}）")),
        };
        self.warnings.push(d.hint(
            "为 fallback 角色指定一个含有这个字的字体文件（如本机构有授权的宋体或仿宋），或核对是否录入了生僻字、异体字",
        ));
    }

    /// Builds a [`Line`] from broken-line positions; `x0` is the measure's left edge.
    pub fn line(
        &self,
        kind: LineKind,
        shaped: &[Shaped],
        bl: &BrokenLine,
        x0: f32,
        size: f32,
    ) -> Line {
        let mut runs: Vec<GlyphRun> = Vec::new();
        let mut text = String::new();
        for &(i, x) in &bl.pos {
            let s = shaped[i];
            text.push(s.ch);
            if s.gid == 0 {
                continue;
            }
            let g = PlacedGlyph {
                gid: s.gid,
                x: x - bl.start,
                ch: s.ch,
            };
            match runs.last_mut() {
                Some(r) if r.face == s.face && r.bold == s.bold => r.glyphs.push(g),
                _ => runs.push(GlyphRun {
                    face: s.face,
                    size,
                    bold: s.bold,
                    glyphs: vec![g],
                }),
            }
        }
        Line {
            kind,
            x: x0 + bl.start,
            y: 0.0,
            width: bl.width,
            full: bl.full,
            text,
            runs,
            gray: 0.0,
            angle: 0.0,
        }
    }

    /// A body paragraph or heading on the grid: justified, the first line indented. In a
    /// session ([`crate::fonts::Fonts::remember`]) a paragraph set before, with the same
    /// runs, role and kind, is taken from the recall: its lines are the same.
    pub fn body_lines(&mut self, runs: &[Run], role: Role, kind: LineKind, loc: &Loc) -> Vec<Line> {
        let recall = self.faces.fonts.recall.clone();
        let key = recall.as_ref().map(|_| {
            let parts = runs.iter().map(|r| (r.text.clone(), r.bold)).collect();
            (parts, role, kind)
        });
        if let (Some(recall), Some(key)) = (&recall, &key) {
            if let Some(lines) = recall.paragraphs.get(key) {
                return lines.as_ref().clone();
            }
        }
        let missed = self.missed;
        let parts: Vec<(&str, bool)> = runs.iter().map(|r| (r.text.as_str(), r.bold)).collect();
        let shaped = self.shape(&parts, role, BODY_SIZE, loc);
        let g = Grid {
            pitch: char_pitch(),
            cells: ty::CHARS,
            indent: ty::INDENT_CHARS as usize,
            tracking: grid_tracking(),
            justify: true,
        };
        let items: Vec<(char, f32)> = shaped.iter().map(|s| (s.ch, s.advance)).collect();
        let lines: Vec<Line> = break_grid(&items, &g)
            .iter()
            .map(|bl| {
                let mut l = self.line(kind, &shaped, bl, AREA_X, BODY_SIZE);
                l.y = baseline(0.0, PITCH, BODY_SIZE);
                l
            })
            .collect();
        // A paragraph with a character no face has is set again each time, so that each
        // export reports its W-GLYPH.
        if let (Some(recall), Some(key)) = (recall, key) {
            if self.missed == missed {
                recall
                    .paragraphs
                    .put(key, std::sync::Arc::new(lines.clone()));
            }
        }
        lines
    }

    /// One entry of `doc.title`, wrapped into balanced centred lines if too long.
    pub fn title_lines(&mut self, text: &str, loc: &Loc) -> Vec<Line> {
        let size = ty::TITLE.size.pt();
        let shaped = self.shape(&[(text, false)], ty::TITLE.role, size, loc);
        let items: Vec<(char, f32)> = shaped.iter().map(|s| (s.ch, s.advance)).collect();
        let m = Measure {
            width: AREA_W,
            indent: 0.0,
            tracking: 0.0,
            justify: false,
            size,
        };
        let lines = break_balanced(&items, &m);
        lines
            .iter()
            .map(|bl| {
                let x0 = AREA_X + (AREA_W - bl.width) / 2.0 - bl.start;
                let mut l = self.line(LineKind::Title, &shaped, bl, x0, size);
                l.y = baseline(0.0, PITCH, size);
                l
            })
            .collect()
    }

    /// Text of one line set at natural width (for the signature and page numbers).
    fn single(
        &mut self,
        text: &str,
        style: ty::Style,
        tracking: f32,
        loc: &Loc,
        kind: LineKind,
    ) -> Line {
        let size = style.size.pt();
        let shaped = self.shape(&[(text, false)], style.role, size, loc);
        let items: Vec<(char, f32)> = shaped.iter().map(|s| (s.ch, s.advance)).collect();
        let m = Measure {
            width: f32::MAX / 4.0,
            indent: 0.0,
            tracking,
            justify: false,
            size,
        };
        let bl = break_lines(&items, &m)
            .into_iter()
            .next()
            .unwrap_or(BrokenLine {
                pos: Vec::new(),
                start: 0.0,
                width: 0.0,
                full: false,
                items: 0..0,
            });
        self.line(kind, &shaped, &bl, 0.0, size)
    }

    /// The signature's agency and date lines, placed by [`ty::signature_x`] on the grid's
    /// character pitch. An agency too long for one line is set in the lines
    /// [`ty::signature_lines`] gives, each right-aligned, the date against the widest. A
    /// missing glyph in the agency is reported at `loc` (its entry in `report.toml`).
    pub fn signature(&mut self, agency: &str, date: &str, loc: &Loc) -> Vec<Line> {
        let track = grid_tracking();
        let kind = LineKind::Signature;
        let mut names: Vec<Line> = ty::signature_lines(agency)
            .iter()
            .map(|l| self.single(l, ty::SIGNATURE, track, loc, kind))
            .collect();
        let date_loc = Loc::Place("落款".into());
        let mut day = self.single(date, ty::SIGNATURE, track, &date_loc, kind);
        let ch = BODY_SIZE + track;
        let widest = names.iter().map(|l| l.width).fold(0.0, f32::max);
        let (name_x, day_x) = ty::signature_x(AREA_X + AREA_W, widest, day.width, ch);
        for l in &mut names {
            l.x = name_x + widest - l.width;
        }
        day.x = day_x;
        names.push(day);
        for l in &mut names {
            l.y = baseline(0.0, PITCH, BODY_SIZE);
        }
        names
    }

    /// The 版记 (GB/T 9704 §7.4): its lines on consecutive bands of the body pitch, y
    /// relative to the top of the first band, and the rules between them.
    pub fn imprint(&mut self, imprint: &Imprint) -> ImprintLayout {
        let loc = Loc::Place("版记".into());
        let style = ty::IMPRINT;
        let size = style.size.pt();
        let indent = ty::IMPRINT_INDENT_CHARS as f32 * size;
        let band = |k: usize| baseline(k as f32 * PITCH, PITCH, size);
        let mut lines = Vec::new();
        let mut rules = vec![(0.0, ty::IMPRINT_RULE_THICK.pt())];
        if let Some((label, names)) = &imprint.cc {
            // “抄送：” hangs: continuation lines start under the first agency.
            let hang: f32 = self
                .shape(&[(label.as_str(), false)], style.role, size, &loc)
                .iter()
                .map(|s| s.advance)
                .sum();
            let text = format!("{label}{names}");
            let shaped = self.shape(&[(text.as_str(), false)], style.role, size, &loc);
            let m = Measure {
                width: AREA_W - 2.0 * indent - hang,
                indent: -hang,
                tracking: 0.0,
                justify: true,
                size,
            };
            let items: Vec<(char, f32)> = shaped.iter().map(|s| (s.ch, s.advance)).collect();
            for (k, bl) in break_lines(&items, &m).iter().enumerate() {
                let x0 = AREA_X + indent + hang;
                let mut l = self.line(LineKind::Imprint, &shaped, bl, x0, size);
                l.y = band(k);
                lines.push(l);
            }
            rules.push((lines.len() as f32 * PITCH, ty::IMPRINT_RULE_THIN.pt()));
        }
        let k = lines.len();
        let mut printer = self.single(&imprint.printer, style, 0.0, &loc, LineKind::Imprint);
        let mut date = self.single(&imprint.date, style, 0.0, &loc, LineKind::Imprint);
        printer.x = AREA_X + indent;
        date.x = AREA_X + AREA_W - indent - date.width;
        printer.y = band(k);
        date.y = band(k);
        lines.push(printer);
        lines.push(date);
        let height = (k + 1) as f32 * PITCH;
        rules.push((height, ty::IMPRINT_RULE_THICK.pt()));
        ImprintLayout {
            lines,
            rules,
            slots: k + 1,
        }
    }

    /// Page number `number` below the type area, on the side and inset GB/T 9704 gives.
    pub fn page_number(&mut self, number: usize) -> Line {
        let loc = Loc::Place("页码".into());
        let style = ty::PAGE_NUMBER;
        let text = ty::page_number_text(number);
        let mut l = self.single(&text, style, 0.0, &loc, LineKind::PageNumber);
        let size = style.size.pt();
        let inset = ty::PAGE_NUMBER_INSET_CHARS as f32 * size;
        l.x = match ty::page_number_side(number) {
            Side::Right => AREA_X + AREA_W - inset - l.width,
            Side::Left => AREA_X + inset,
        };
        // GB/T 9704 §7.5: “一字线上距版心下边缘7mm” — the dash itself, not the top of the
        // line, is 7 mm below the type area (`docs/typography.md`, 页码).
        let dash = l
            .runs
            .iter()
            .find_map(|r| {
                let g = r.glyphs.iter().find(|g| g.ch == '\u{2014}')?;
                self.faces.ink_middle(r.face, g.gid)
            })
            .unwrap_or(ty::PAGE_NUMBER_DASH_EM);
        l.y = AREA_Y + AREA_H + ty::PAGE_NUMBER_GAP.pt() + dash * size;
        l
    }

    /// A large light-grey 草稿 across the middle of the page, under the text.
    pub fn draft_mark(&mut self) -> Line {
        let loc = Loc::Place("草稿标记".into());
        let style = ty::DRAFT_WATERMARK;
        let size = style.size.pt();
        let mut l = self.single(DRAFT_MARK, style, 0.0, &loc, LineKind::Draft);
        let angle: f32 = 45.0;
        let (sin, cos) = angle.to_radians().sin_cos();
        // Centre of the em box on the page's centre; in PDF space (y up) the baseline
        // starts half the width back along the direction and 0.38 em below the centre.
        let (cx, cy) = (PAGE_WIDTH / 2.0, PAGE_HEIGHT / 2.0);
        let drop = (EM_ASCENT - 0.5) * size;
        let px = cx - cos * l.width / 2.0 + sin * drop;
        let py_up = (PAGE_HEIGHT - cy) - sin * l.width / 2.0 - cos * drop;
        l.x = px;
        l.y = PAGE_HEIGHT - py_up;
        l.angle = angle;
        l.gray = 0.85;
        l
    }
}
