//! GB/T 9704-2012 typography as data: the page, the type area, the 22 × 28 grid, the size and
//! face of every element, where page numbers and the signature go.
//!
//! Every output reads these values — the DOCX in twips, the page list (PDF, and the OFD and
//! preview to come) in points, the XLSX print setup and cell faces — and none defines its own.
//! Lengths are whole millimetres and sizes half-points, the units the standard and Word use,
//! so every conversion rounds at most once and each output gets the bytes it always had.
//!
//! Source: GB/T 9704-2012 §5–7 (summarised in the project's typography spec); the table face
//! is our own decision, recorded in `docs/format.md` (表格字体).

/// Points per millimetre (1 pt = 1/72 inch).
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// A length in whole millimetres (every length GB/T 9704 gives is one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mm(pub u32);

impl Mm {
    /// In points.
    pub const fn pt(self) -> f32 {
        self.0 as f32 * PT_PER_MM
    }

    /// In twips (1/1440 inch, Word's unit), rounded to the nearest.
    pub const fn twips(self) -> u32 {
        (self.0 * 14400 + 127) / 254
    }

    /// In inches (spreadsheet margins).
    pub fn inches(self) -> f64 {
        f64::from(self.0) / 25.4
    }
}

/// A type size in half-points (Word's unit: 3号 = 16 pt = 32).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Size(pub u32);

impl Size {
    /// In points.
    pub const fn pt(self) -> f32 {
        self.0 as f32 / 2.0
    }

    /// In half-points (`w:sz`).
    pub const fn half_points(self) -> u32 {
        self.0
    }

    /// One full-width character of this size, in twips.
    pub const fn char_twips(self) -> u32 {
        self.0 * 10
    }
}

/// 2号: 22 pt.
pub const SIZE_2: Size = Size(44);
/// 3号: 16 pt.
pub const SIZE_3: Size = Size(32);
/// 4号: 14 pt.
pub const SIZE_4: Size = Size(28);
/// 五号: 10.5 pt.
pub const SIZE_5: Size = Size(21);

// ---------------------------------------------------------------------------------------------
// The page

/// Paper: A4.
pub const PAGE_WIDTH: Mm = Mm(210);
/// Paper: A4.
pub const PAGE_HEIGHT: Mm = Mm(297);
/// Top margin (天头).
pub const MARGIN_TOP: Mm = Mm(37);
/// Left margin (订口).
pub const MARGIN_LEFT: Mm = Mm(28);
/// Bottom margin: what the type area leaves.
pub const MARGIN_BOTTOM: Mm = Mm(35);
/// Right margin: what the type area leaves.
pub const MARGIN_RIGHT: Mm = Mm(26);
/// Width of the type area (版心): 156 mm.
pub const TYPE_WIDTH: Mm = Mm(PAGE_WIDTH.0 - MARGIN_LEFT.0 - MARGIN_RIGHT.0);
/// Height of the type area (版心): 225 mm.
pub const TYPE_HEIGHT: Mm = Mm(PAGE_HEIGHT.0 - MARGIN_TOP.0 - MARGIN_BOTTOM.0);

/// Body lines per page.
pub const LINES: usize = 22;
/// Full-width body characters per line.
pub const CHARS: usize = 28;

/// Line pitch of the grid in twips, rounded down so that 22 lines fit the type area (579,
/// 28.95 pt).
pub const LINE_PITCH_TWIPS: u32 = TYPE_HEIGHT.twips() / LINES as u32;

/// Character pitch of the grid: one cell, 156 mm / 28 ≈ 15.79 pt, a little narrower than a
/// 3号 character (16 pt): each full-width character takes one cell, its origin on the cell's
/// left edge.
pub fn char_pitch_pt() -> f32 {
    TYPE_WIDTH.pt() / CHARS as f32
}

/// The DOCX's character spacing of grid text, in twentieths of a point (`w:spacing`): −0.25
/// pt, so that 28 characters of 16 pt (15.75 pt each, 441 pt) fit the 442.2 pt line and 29
/// do not, in Word, WPS and LibreOffice alike (the DOCX grid is a line grid; why:
/// `docs/docx-grid.md`).
pub const GRID_CONDENSE_TWENTIETHS: i32 = -5;

/// A justified line is *loose* when the space between two hanzi exceeds this many cells
/// (grid-measure's definition); the line breaker splits a long Latin run (a URL) rather than
/// leave such a line.
pub const LOOSE_CELLS: f32 = 1.25;

// ---------------------------------------------------------------------------------------------
// Faces

/// A typographic role, each backed by one font file in the PDF and one named face in the DOCX.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// 仿宋: body text, level 3–4 headings, the signature, tables.
    Fang,
    /// 楷体: level 2 headings.
    Kai,
    /// 黑体: level 1 headings, the draft mark.
    Hei,
    /// 小标宋: the title.
    Title,
    /// 宋体: page numbers.
    Song,
    /// Characters the role's own face lacks.
    Fallback,
    /// Digits and Latin letters in 仿宋 and 楷体 text: Times New Roman (GB/T 9704 practice;
    /// the PDF embeds a metric-compatible face).
    Latin,
}

/// The names of a face: what the DOCX names, what a system installs, the Latin name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaceNames {
    /// The official face (GB/T 9704 and the national template).
    pub official: &'static str,
    /// The face Chinese Windows, WPS and 统信UOS/麒麟 install under a Chinese name: what an
    /// output without a font-substitution table (the XLSX) names, and what Word falls back to.
    pub installed: &'static str,
    /// The installed face's Latin name.
    pub latin: &'static str,
}

impl Role {
    /// Every role, in the order of `fonts.toml` and `[fonts]`.
    pub const ALL: [Role; 7] = [
        Role::Fang,
        Role::Kai,
        Role::Hei,
        Role::Title,
        Role::Song,
        Role::Fallback,
        Role::Latin,
    ];

    /// The key in `fonts.toml` and in the `[fonts]` table of `report.toml`.
    pub fn key(self) -> &'static str {
        match self {
            Role::Fang => "fang",
            Role::Kai => "kai",
            Role::Hei => "hei",
            Role::Title => "title",
            Role::Song => "song",
            Role::Fallback => "fallback",
            Role::Latin => "latin",
        }
    }

    /// The role with key `key`.
    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }

    /// Chinese name for messages.
    pub fn chinese(self) -> &'static str {
        match self {
            Role::Fang => "仿宋（正文、表格）",
            Role::Kai => "楷体（二级标题）",
            Role::Hei => "黑体（一级标题）",
            Role::Title => "小标宋（标题）",
            Role::Song => "宋体（页码）",
            Role::Fallback => "后备字体（缺字）",
            Role::Latin => "西文字体（数字、字母）",
        }
    }

    /// The role whose face sets the digits, Latin letters and ASCII punctuation of text in
    /// this role: Times New Roman for 仿宋 and 楷体 text (the official templates' practice:
    /// 仿宋_GB2312's own digits are not used); 黑体, 小标宋 and 宋体 keep their own (a
    /// heading's or the title's digits match its weight; page numbers are 宋体 by the
    /// standard).
    pub fn western(self) -> Role {
        match self {
            Role::Fang | Role::Kai => Role::Latin,
            r => r,
        }
    }

    /// The face names of the role; `None` for the fallback, which is a file, not a face a
    /// document names.
    pub fn faces(self) -> Option<FaceNames> {
        let f = |official, installed, latin| {
            Some(FaceNames {
                official,
                installed,
                latin,
            })
        };
        match self {
            Role::Fang => f("仿宋_GB2312", "仿宋", "FangSong"),
            Role::Kai => f("楷体_GB2312", "楷体", "KaiTi"),
            Role::Hei => f("黑体", "黑体", "SimHei"),
            Role::Title => f("方正小标宋简体", "宋体", "SimSun"),
            Role::Song => f("宋体", "宋体", "SimSun"),
            Role::Latin => f("Times New Roman", "Times New Roman", "Times New Roman"),
            Role::Fallback => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Elements

/// How one element is set: its size and its face.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// Type size.
    pub size: Size,
    /// Face.
    pub role: Role,
}

/// The title: 2号 小标宋, centred.
pub const TITLE: Style = Style {
    size: SIZE_2,
    role: Role::Title,
};
/// Body paragraphs: 3号 仿宋, justified, first line indented [`INDENT_CHARS`].
pub const BODY: Style = Style {
    size: SIZE_3,
    role: Role::Fang,
};
/// Headings of levels 1–4: 3号 黑体 `一、`, 楷体 `（一）`, 仿宋 `1.` and `（1）`.
pub const HEADINGS: [Style; 4] = [
    Style {
        size: SIZE_3,
        role: Role::Hei,
    },
    Style {
        size: SIZE_3,
        role: Role::Kai,
    },
    BODY,
    BODY,
];
/// Table text: 五号 仿宋. GB/T 9704 sets no table face; local 公文 style sheets say 仿宋 and
/// reports set in Word keep the body's face (宋体 is for page numbers); 五号 lets table 四's
/// fifteen columns hold two characters a line. The decision: `docs/format.md`, 表格字体.
pub const TABLE: Style = Style {
    size: SIZE_5,
    role: Role::Fang,
};
/// Page numbers: 4号 宋体.
pub const PAGE_NUMBER: Style = Style {
    size: SIZE_4,
    role: Role::Song,
};
/// The signature (署名 and date): like the body.
pub const SIGNATURE: Style = BODY;
/// 版记 (抄送, 印发机关和印发日期, GB/T 9704 §7.4): 4号 仿宋.
pub const IMPRINT: Style = Style {
    size: SIZE_4,
    role: Role::Fang,
};
/// The 草稿 line of a draft (DOCX header and title block): 3号 黑体, red.
pub const DRAFT_LINE: Style = Style {
    size: SIZE_3,
    role: Role::Hei,
};
/// The 草稿 watermark across a page of a draft (PDF): 110 pt 黑体, light grey.
pub const DRAFT_WATERMARK: Style = Style {
    size: Size(220),
    role: Role::Hei,
};
/// The XLSX workbook's Normal style: 宋体 11 pt, what Excel and WPS write for a Chinese
/// workbook (column widths are counted in its digit; a workbook is read on screen).
pub const WORKBOOK_NORMAL: Style = Style {
    size: Size(22),
    role: Role::Song,
};
/// Cells of the XLSX tables: the workbook's size in the table face.
pub const WORKBOOK_CELL: Style = Style {
    size: WORKBOOK_NORMAL.size,
    role: TABLE.role,
};
/// Title rows of the XLSX sheets: 4号 黑体.
pub const WORKBOOK_HEADING: Style = Style {
    size: SIZE_4,
    role: Role::Hei,
};

/// The colour of the draft mark where it is not a watermark.
pub const DRAFT_COLOR: &str = "FF0000";

/// First-line indent of body paragraphs and headings, in characters.
pub const INDENT_CHARS: u32 = 2;
/// Blank lines between the title and the body.
pub const TITLE_BLANK_LINES: usize = 1;
/// Width of table borders: ½ pt.
pub const RULE_HALF_POINTS: u32 = 1;
/// Space between a table cell's border and its text, left and right.
pub const TABLE_CELL_INSET: Mm = Mm(1);
/// Baseline distance of table text in twips, exact in every output: 14.2 pt, 1.35 × 五号.
/// Exact, not "single": single spacing follows the reader's font (LibreOffice with Noto
/// CJK in place of the 仿宋 sets 15.2 pt, Word with 仿宋_GB2312 about 13.7 pt), so the
/// tables, and with them the page breaks, came out another height in every reader.
pub const TABLE_LINE_PITCH_TWIPS: u32 = 284;
/// Space between a table cell's border and its text, above and below, in twips (3 pt).
pub const TABLE_CELL_PAD_Y_TWIPS: u32 = 60;

// ---------------------------------------------------------------------------------------------
// Page numbers

/// Page numbers: `— N —` with an em dash (U+2014) on each side.
pub const PAGE_NUMBER_BEFORE: &str = "\u{2014} ";
/// See [`PAGE_NUMBER_BEFORE`].
pub const PAGE_NUMBER_AFTER: &str = " \u{2014}";
/// The 一字线 (the dashes' stroke) sits this far below the type area: GB/T 9704 §7.5
/// “一字线上距版心下边缘7mm”, read literally (the dash, not the top of the number's line).
pub const PAGE_NUMBER_GAP: Mm = Mm(7);
/// Height of the em dash's stroke above the baseline in a 宋体, in em: what the DOCX, which
/// cannot measure the reader's font, assumes (SimSun and the shipped Song face: ≈ 0.27–0.33;
/// the PDF measures the face it embeds).
pub const PAGE_NUMBER_DASH_EM: f32 = 0.3;
/// Descent of a 宋体 below the baseline in a single-spaced Word line, in em (SimSun: 0.141):
/// with [`PAGE_NUMBER_DASH_EM`], where the DOCX's footer line must end for its dash to sit
/// [`PAGE_NUMBER_GAP`] below the type area.
pub const PAGE_NUMBER_DESCENT_EM: f32 = 0.141;
/// Odd pages: right-aligned this many characters in from the type area's right edge; even
/// pages left-aligned as many in from its left edge.
pub const PAGE_NUMBER_INSET_CHARS: u32 = 1;

/// The text of page number `n`.
pub fn page_number_text(n: usize) -> String {
    format!("{PAGE_NUMBER_BEFORE}{n}{PAGE_NUMBER_AFTER}")
}

/// Which edge of the type area a page's number keeps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Left-aligned (even pages).
    Left,
    /// Right-aligned (odd pages).
    Right,
}

/// The side of page number `n` (1-based).
pub fn page_number_side(n: usize) -> Side {
    if n % 2 == 1 {
        Side::Right
    } else {
        Side::Left
    }
}

// ---------------------------------------------------------------------------------------------
// The signature

/// Blank lines between the body and the signature.
pub const SIGNATURE_BLANK_LINES: usize = 1;
/// The agency line is right-indented this many characters.
pub const SIGNATURE_INDENT_CHARS: u32 = 2;
/// The date starts this many characters to the right of the agency's first character.
pub const SIGNATURE_DATE_OFFSET_CHARS: u32 = 2;

/// The most body characters one line of the signature's agency holds: the line less its
/// right indent.
pub const SIGNATURE_MAX_CHARS: f32 = (CHARS as u32 - SIGNATURE_INDENT_CHARS) as f32;

/// The signing agency's lines: one when it fits [`SIGNATURE_MAX_CHARS`], else as few lines
/// of similar width as hold it (a line never starts with a closing mark). Every output sets
/// these same lines, each right-aligned, the date against the widest ([`signature_x`]).
pub fn signature_lines(agency: &str) -> Vec<String> {
    let total = text_chars(agency);
    if total <= SIGNATURE_MAX_CHARS {
        return vec![agency.to_string()];
    }
    let n = (total / SIGNATURE_MAX_CHARS).ceil();
    let target = total / n;
    let mut lines: Vec<String> = vec![String::new()];
    let mut width = 0.0;
    for c in agency.chars() {
        let w = text_chars(c.encode_utf8(&mut [0; 4]));
        let closing = hangs(c);
        let full = width + w > SIGNATURE_MAX_CHARS || (width >= target - 0.25 && !closing);
        if full && lines.len() < n as usize && !lines.last().is_some_and(String::is_empty) {
            lines.push(String::new());
            width = 0.0;
        }
        if let Some(last) = lines.last_mut() {
            last.push(c);
        }
        width += w;
    }
    lines
}

/// Where the two lines of the signature start, as x positions in any unit in which one
/// character is `char_w` and the type area ends at `right` (GB/T 9704 §7.3.5.2, no seal): the
/// agency right-indented two characters, the date starting two characters right of the
/// agency's first character; a date too long for that is right-indented two characters and
/// the agency moves left to keep the offset. Returns (agency x, date x).
pub fn signature_x(right: f32, agency_w: f32, date_w: f32, char_w: f32) -> (f32, f32) {
    let end = right - SIGNATURE_INDENT_CHARS as f32 * char_w;
    let offset = SIGNATURE_DATE_OFFSET_CHARS as f32 * char_w;
    let agency_x = end - agency_w;
    let date_x = agency_x + offset;
    if date_x + date_w > end + 0.01 {
        let date_x = end - date_w;
        (date_x - offset, date_x)
    } else {
        (agency_x, date_x)
    }
}

// ---------------------------------------------------------------------------------------------
// The 版记 (GB/T 9704 §7.4)

/// A rule's thickness in micrometres (GB/T 9704 gives them in tenths of millimetres).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Micron(pub u32);

impl Micron {
    /// In points.
    pub const fn pt(self) -> f32 {
        self.0 as f32 * PT_PER_MM / 1000.0
    }

    /// In eighths of a point (`w:sz` of a DOCX border), rounded to the nearest.
    pub fn eighth_points(self) -> u32 {
        (self.pt() * 8.0).round() as u32
    }
}

/// The first and last rule of the 版记: 0.35 mm, as wide as the type area; the last one lies
/// on the bottom edge of the type area of the last page (§7.4.1).
pub const IMPRINT_RULE_THICK: Micron = Micron(350);
/// The rules between the 版记's lines: 0.25 mm (§7.4.1).
pub const IMPRINT_RULE_THIN: Micron = Micron(250);
/// The 抄送 line is indented one character on both sides (continuation lines align with the
/// first character after `抄送：`); the 印发机关 is indented one character from the left and
/// the 印发日期 one from the right (§7.4.2, §7.4.3).
pub const IMPRINT_INDENT_CHARS: u32 = 1;
/// Each 版记 line takes one line of the body grid.
pub const IMPRINT_LINE_PITCH_TWIPS: u32 = LINE_PITCH_TWIPS;

/// Width of `text` in full-width characters: Chinese characters and full-width marks 1,
/// ASCII ½. For limits a check applies without the fonts (the exporters measure glyphs; the
/// shipped faces set digits and Latin at about half a character).
pub fn text_chars(text: &str) -> f32 {
    unicode_width::UnicodeWidthStr::width(text) as f32 / 2.0
}

/// Full-width characters of `size` a line of the type area holds.
pub fn chars_per_line(size: Size) -> f32 {
    TYPE_WIDTH.pt() / size.pt()
}

/// Whether 印发机关 and 印发日期 fit on one 版记 line with their indents and a character
/// between them.
pub fn imprint_line_fits(printer: &str, date: &str) -> bool {
    let indents = 2.0 * IMPRINT_INDENT_CHARS as f32;
    text_chars(printer) + 1.0 + text_chars(date) + indents <= chars_per_line(IMPRINT.size)
}

// ---------------------------------------------------------------------------------------------
// 禁则 (line-breaking classes): one definition for the PDF and OFD layout, the workbook's
// row heights and the tests.

/// Defines a 禁则 class once: the characters as a string (for the documentation and the
/// tests) and a `matches!` test on them (the line breaker asks per character; a `match` is a
/// few comparisons where a string scan was 12 % of the layout).
macro_rules! class {
    ($(#[$doc:meta])* $name:ident, $test:ident: $($c:literal)*) => {
        $(#[$doc])*
        #[cfg_attr(not(test), allow(dead_code))]
        const $name: &str = concat!($($c),*);
        fn $test(c: char) -> bool {
            matches!(c, $($c)|*)
        }
    };
}

class!(
    /// Full-width closing marks that may hang in the right margin (one a line, at its end)
    /// where the 禁则 would otherwise pull a character down to the next line: pauses, stops
    /// and closing brackets and quotes.
    HANGING, in_hanging:
    '，' '。' '、' '；' '：' '？' '！' '）' '》' '」' '』' '”' '’' '〕' '】' '〉'
);

class!(
    /// What else a line may not start with: ellipsis, units, half-width closing
    /// punctuation, middle dots, iteration and prolonged-sound marks.
    NO_START_OTHERS, in_no_start_others:
    '…' '‰' '％' '%' '℃' '°' '〗' '〙' '〛' '］' '｝' '｠' '·' '・' '．' '!' ')' ',' '.' ':' ';'
    '?' ']' '}' '々' 'ー' '〻' '゛' '゜' 'ゝ' 'ゞ' 'ヽ' 'ヾ'
);

class!(
    /// What a line may not end with: opening brackets and quotes, full- and half-width.
    NO_END, in_no_end:
    '（' '《' '「' '『' '“' '‘' '〈' '【' '〔' '〖' '〘' '〚' '［' '｛' '｟' '(' '[' '{'
);

/// 禁则: a line may not start with `c` (a closing mark, a pause or stop, a unit, an iteration
/// mark).
pub fn no_start(c: char) -> bool {
    !plain(c) && (in_hanging(c) || in_no_start_others(c))
}

/// 禁则: a line may not end with `c` (an opening mark).
pub fn no_end(c: char) -> bool {
    !plain(c) && in_no_end(c)
}

/// A single full-width closing mark that may hang in the right margin. Each is also
/// [`no_start`]; the signature's line breaks keep them with what they close.
pub fn hangs(c: char) -> bool {
    !plain(c) && in_hanging(c)
}

/// Hanzi, ASCII letters and digits: almost every character the line breaker asks about, in
/// none of the classes (a quick answer before the tests above).
fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_of_gb_t_9704() {
        assert_eq!((TYPE_WIDTH, TYPE_HEIGHT), (Mm(156), Mm(225)));
        assert_eq!(LINE_PITCH_TWIPS, 579);
        assert_eq!(Mm(37).twips(), 2098);
        assert!((PAGE_WIDTH.pt() - 595.2756).abs() < 1e-3);
        assert_eq!(SIZE_3.pt(), 16.0);
        assert_eq!(SIZE_5.pt(), 10.5);
        assert_eq!(page_number_text(3), "— 3 —");
        assert_eq!(page_number_side(1), Side::Right);
        assert_eq!(page_number_side(2), Side::Left);
    }

    #[test]
    fn imprint_geometry() {
        // 0.35 mm ≈ 1 pt and 0.25 mm ≈ ¾ pt: Word's border widths 8 and 6.
        assert_eq!(IMPRINT_RULE_THICK.eighth_points(), 8);
        assert_eq!(IMPRINT_RULE_THIN.eighth_points(), 6);
        assert!((chars_per_line(IMPRINT.size) - 31.59).abs() < 0.01);
        assert!(imprint_line_fits(
            "某某县人民政府办公室",
            "2025年12月31日印发"
        ));
        assert!(!imprint_line_fits(&"某".repeat(20), "2025年12月31日印发"));
        assert!(imprint_line_fits(&"某".repeat(19), "2025年1月1日印发"));
    }

    #[test]
    fn long_signatures_break_into_balanced_lines() {
        assert_eq!(signature_lines("某某县交通运输局"), ["某某县交通运输局"]);
        let long = "某某县交通运输局机关党委办公室某某某某某某某某某某某某某某某某某某某某某某";
        let lines = signature_lines(long);
        assert_eq!(lines.concat(), long);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| text_chars(l) <= SIGNATURE_MAX_CHARS));
        let widths: Vec<f32> = lines.iter().map(|l| text_chars(l)).collect();
        assert!((widths[0] - widths[1]).abs() <= 1.0, "{lines:?}");
        // A closing bracket stays with what it closes.
        let lines = signature_lines(&format!(
            "{}（某某某某某某某某某某某某某某某某某某某某）",
            "某".repeat(6)
        ));
        assert!(lines.iter().all(|l| !l.starts_with('）')), "{lines:?}");
    }

    #[test]
    fn signature_rule() {
        // Short date under a long name: name ends two characters in, date starts two
        // characters right of the name's start.
        assert_eq!(signature_x(100.0, 20.0, 10.0, 1.0), (78.0, 80.0));
        // A date longer than the name minus two characters: the date is right-indented two
        // characters and the name starts two characters before it.
        assert_eq!(signature_x(100.0, 8.0, 10.0, 1.0), (86.0, 88.0));
    }

    #[test]
    fn every_role_has_a_key_and_faces() {
        for r in Role::ALL {
            assert_eq!(Role::from_key(r.key()), Some(r));
            assert_eq!(r.faces().is_none(), r == Role::Fallback);
        }
    }

    #[test]
    fn every_hanging_mark_is_kept_off_a_line_start() {
        for c in HANGING.chars() {
            assert!(hangs(c) && no_start(c) && !no_end(c), "{c}");
        }
        for c in NO_START_OTHERS.chars() {
            assert!(no_start(c) && !hangs(c) && !no_end(c), "{c}");
        }
        for c in NO_END.chars() {
            assert!(no_end(c) && !no_start(c) && !hangs(c), "{c}");
        }
        assert_eq!(HANGING.chars().count(), 16);
        assert!(!hangs('（') && no_end('（') && !no_start('（'));
        assert!(!hangs('字') && !no_start('字') && !no_end('字'));
    }
}
