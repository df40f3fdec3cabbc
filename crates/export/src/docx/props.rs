//! Paragraph and run properties, written in the ECMA-376 child sequence.
//!
//! Word silently drops run and paragraph properties it meets out of sequence (that is how
//! docx-rs output loses its East-Asian fonts), so the order lives here, once: `RPr::write`
//! follows `CT_RPr` (`rFonts, b, bCs, …, color, kern, sz, szCs, …, lang`) and `PPr::write`
//! follows `CT_PPrBase` (`pStyle, keepNext, keepLines, …, widowControl, …, snapToGrid,
//! spacing, ind, …, jc, …, outlineLvl`). The tests check every element of every part against
//! the sequences independently.

use nianbao_core::typography::Role;

use super::face;
use crate::xml::{a, Attr, Xml};

/// Run properties.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RPr {
    /// The role whose face goes in the East-Asian slot; the ASCII, high-ANSI and
    /// complex-script slots get the face of its [`Role::western`] role (Times New Roman for
    /// 仿宋 and 楷体 text, as the official templates set digits and Latin letters).
    pub font: Option<Role>,
    /// `w:hint="eastAsia"`: characters whose script is ambiguous (“ ” — …) take the
    /// East-Asian font, so quotation marks stay full-width 仿宋 rather than Latin quotes.
    pub hint: bool,
    /// Bold (`w:b` and `w:bCs`).
    pub bold: Option<bool>,
    /// Colour as RRGGBB.
    pub color: Option<&'static str>,
    /// Character spacing in twentieths of a point (`w:spacing`: added to every character's
    /// advance; negative condenses).
    pub spacing: Option<i32>,
    /// Size in half-points (`w:sz` and `w:szCs`).
    pub size: Option<u32>,
    /// `w:lang`: (Latin language, East-Asian language).
    pub lang: Option<(&'static str, &'static str)>,
}

impl RPr {
    /// Just the `eastAsia` hint: what every text run carries.
    pub(crate) const HINT: RPr = RPr {
        font: None,
        hint: true,
        bold: None,
        color: None,
        spacing: None,
        size: None,
        lang: None,
    };

    /// Writes `w:rPr`, or nothing when no property is set.
    pub(crate) fn write(&self, x: &mut Xml) {
        x.group("w:rPr", &[], |x| self.children(x));
    }

    fn children(&self, x: &mut Xml) {
        let mut fonts: Vec<Attr> = Vec::new();
        if let Some(role) = self.font {
            let (east, west) = (face(role), face(role.western()));
            for (slot, name) in [
                ("w:ascii", west),
                ("w:eastAsia", east),
                ("w:hAnsi", west),
                ("w:cs", west),
            ] {
                fonts.push(a(slot, name));
            }
        }
        if self.hint {
            fonts.push(a("w:hint", "eastAsia"));
        }
        if !fonts.is_empty() {
            x.empty("w:rFonts", &fonts);
        }
        if let Some(bold) = self.bold {
            on_off(x, "w:b", bold);
            on_off(x, "w:bCs", bold);
        }
        if let Some(color) = self.color {
            x.empty("w:color", &[a("w:val", color)]);
        }
        if let Some(spacing) = self.spacing {
            x.empty("w:spacing", &[a("w:val", spacing)]);
        }
        if let Some(size) = self.size {
            x.empty("w:sz", &[a("w:val", size)]);
            x.empty("w:szCs", &[a("w:val", size)]);
        }
        if let Some((latin, east_asian)) = self.lang {
            x.empty(
                "w:lang",
                &[
                    a("w:val", latin),
                    a("w:eastAsia", east_asian),
                    a("w:bidi", "ar-SA"),
                ],
            );
        }
    }
}

/// Line spacing and space before/after.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spacing {
    /// Line height in twips (`exact`) or 240ths of a line (`auto`).
    pub line: u32,
    /// `exact` or `auto`.
    pub rule: &'static str,
}

impl Spacing {
    /// Single line spacing (table cells, header and footer).
    pub(crate) const SINGLE: Spacing = Spacing {
        line: 240,
        rule: "auto",
    };
}

/// Indentation in twips, each with an optional value in hundredths of a character
/// (`w:firstLineChars` …), which Word prefers when present; the twips values are what other
/// readers use, so both are written and kept equal at the paragraph's font size.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ind {
    /// Left indent.
    pub left: Option<u32>,
    /// Right indent.
    pub right: Option<u32>,
    /// Right indent in hundredths of a character.
    pub right_chars: Option<u32>,
    /// First-line indent.
    pub first_line: Option<u32>,
    /// First-line indent in hundredths of a character.
    pub first_line_chars: Option<u32>,
    /// Hanging indent: the first line starts this much left of the others.
    pub hanging: Option<u32>,
}

/// Paragraph properties.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PPr {
    /// Paragraph style id.
    pub style: Option<&'static str>,
    /// Keep with the next paragraph (headings, title lines).
    pub keep_next: bool,
    /// Widow/orphan control; off in the body so every page holds exactly 22 lines.
    pub widow_control: Option<bool>,
    /// A right-aligned tab stop at this position (twips from the left indent's origin).
    pub right_tab: Option<u32>,
    /// Snap to the document grid; off where the text is not 3号 (title, tables, footers):
    /// on a `linesAndChars` grid Word would otherwise space smaller characters at the body's
    /// pitch and give larger ones two grid cells each.
    pub snap_to_grid: Option<bool>,
    /// Line spacing.
    pub spacing: Option<Spacing>,
    /// Indentation.
    pub ind: Option<Ind>,
    /// Justification: `both`, `center`, `left`, `right`.
    pub jc: Option<&'static str>,
    /// Outline level 0–8 (navigation pane).
    pub outline_lvl: Option<u8>,
}

impl PPr {
    /// Writes `w:pPr`, or nothing when no property is set.
    pub(crate) fn write(&self, x: &mut Xml) {
        x.group("w:pPr", &[], |x| self.children(x));
    }

    /// The properties as children of a style's `w:pPr`.
    pub(crate) fn children(&self, x: &mut Xml) {
        if let Some(style) = self.style {
            x.empty("w:pStyle", &[a("w:val", style)]);
        }
        if self.keep_next {
            x.empty("w:keepNext", &[]);
        }
        if let Some(on) = self.widow_control {
            on_off(x, "w:widowControl", on);
        }
        if let Some(pos) = self.right_tab {
            x.start("w:tabs", &[]);
            x.empty("w:tab", &[a("w:val", "right"), a("w:pos", pos)]);
            x.end();
        }
        if let Some(on) = self.snap_to_grid {
            on_off(x, "w:snapToGrid", on);
        }
        if let Some(s) = self.spacing {
            x.empty(
                "w:spacing",
                &[
                    a("w:before", 0),
                    a("w:after", 0),
                    a("w:line", s.line),
                    a("w:lineRule", s.rule),
                ],
            );
        }
        if let Some(ind) = self.ind {
            let attrs: Vec<Attr> = [
                ("w:left", ind.left),
                ("w:right", ind.right),
                ("w:rightChars", ind.right_chars),
                ("w:firstLine", ind.first_line),
                ("w:firstLineChars", ind.first_line_chars),
                ("w:hanging", ind.hanging),
            ]
            .into_iter()
            .filter_map(|(name, value)| value.map(|v| a(name, v)))
            .collect();
            x.empty("w:ind", &attrs);
        }
        if let Some(jc) = self.jc {
            x.empty("w:jc", &[a("w:val", jc)]);
        }
        if let Some(level) = self.outline_lvl {
            x.empty("w:outlineLvl", &[a("w:val", level)]);
        }
    }
}

/// An on/off property: bare element for on, `w:val="0"` for off.
fn on_off(x: &mut Xml, name: &'static str, on: bool) {
    if on {
        x.empty(name, &[]);
    } else {
        x.empty(name, &[a("w:val", 0)]);
    }
}
