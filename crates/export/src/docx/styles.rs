//! The document-wide parts: styles, font table, settings, theme, headers and footers.

use nianbao_core::document::DRAFT_MARK;
use nianbao_core::typography::{self as ty, Role};

use super::props::{Ind, PPr, RPr, Spacing};
use super::{face, NS_R, NS_W, SZ_BODY, TWIPS_PER_BODY_CHAR, TWIPS_PER_PAGE_NUMBER_CHAR};
use crate::xml::{a, Xml};

/// Style ids (Word's built-in ids, so Word and WPS show their localised names and the
/// navigation pane picks up the headings).
pub(crate) const STYLE_NORMAL: &str = "Normal";
/// Title lines.
pub(crate) const STYLE_TITLE: &str = "Title";
/// Body paragraphs (Word's 正文文本).
pub(crate) const STYLE_BODY: &str = "BodyText";
/// Headings by level 1–4.
pub(crate) const STYLE_HEADINGS: [&str; 4] = ["Heading1", "Heading2", "Heading3", "Heading4"];
/// Page footer.
pub(crate) const STYLE_FOOTER: &str = "Footer";
/// Page header (the draft mark).
pub(crate) const STYLE_HEADER: &str = "Header";
/// Paragraphs in table cells (our own style: 五号, single spacing, off the grid).
pub(crate) const STYLE_TABLE_TEXT: &str = "TableText";
/// The bordered table style.
pub(crate) const STYLE_TABLE_GRID: &str = "TableGrid";

/// Exact line spacing on the 22-line grid.
pub(crate) const GRID_SPACING: Spacing = Spacing {
    line: super::LINE_PITCH,
    rule: "exact",
};

/// Text off the grid (title, tables, header and footer) is not condensed like Normal.
const OFF_GRID_SPACING: Option<i32> = Some(0);

/// First-line indent of body paragraphs and headings.
const TWO_CHAR_INDENT: Ind = Ind {
    left: None,
    right: None,
    right_chars: None,
    first_line: Some(ty::INDENT_CHARS * TWIPS_PER_BODY_CHAR),
    first_line_chars: Some(ty::INDENT_CHARS * 100),
    hanging: None,
};

/// A face declared in the font table: the names come from the role; the rest is what Word
/// writes for that face.
struct FontDef {
    role: Role,
    panose: &'static str,
    /// `w:charset`: 86 = GB2312, 00 = ANSI.
    charset: &'static str,
    family: &'static str,
    pitch: &'static str,
    /// `w:sig`: usb0–usb3, csb0–csb1 (csb0 bit 18 = GB2312 code page).
    sig: [&'static str; 6],
}

impl FontDef {
    /// The name Chinese Windows falls back to when the face is not installed: the installed
    /// face, or its Latin name where the face is installed under its own name.
    fn alt(&self) -> &'static str {
        match self.role.faces() {
            Some(f) if f.installed != f.official => f.installed,
            Some(f) => f.latin,
            None => "",
        }
    }
}

/// Signature of the GB2312-only official faces (CJK unified ideographs, code page 936).
const SIG_GB2312: [&str; 6] = [
    "00000001", "080E0000", "00000010", "00000000", "00040000", "00000000",
];

/// Every face a style or run names.
const FONTS: [FontDef; 6] = [
    FontDef {
        role: Role::Latin,
        panose: "02020603050405020304",
        charset: "00",
        family: "roman",
        pitch: "variable",
        sig: [
            "E0002EFF", "C000785B", "00000009", "00000000", "000001FF", "00000000",
        ],
    },
    FontDef {
        role: Role::Fang,
        panose: "02010609030101010101",
        charset: "86",
        family: "modern",
        pitch: "fixed",
        sig: SIG_GB2312,
    },
    FontDef {
        role: Role::Song,
        panose: "02010600030101010101",
        charset: "86",
        family: "auto",
        pitch: "variable",
        sig: [
            "00000003", "288F0000", "00000016", "00000000", "00040001", "00000000",
        ],
    },
    FontDef {
        role: Role::Title,
        panose: "02000000000000000000",
        charset: "86",
        family: "auto",
        pitch: "variable",
        sig: SIG_GB2312,
    },
    FontDef {
        role: Role::Kai,
        panose: "02010609030101010101",
        charset: "86",
        family: "modern",
        pitch: "fixed",
        sig: SIG_GB2312,
    },
    FontDef {
        role: Role::Hei,
        panose: "02010609060101010101",
        charset: "86",
        family: "modern",
        pitch: "fixed",
        sig: [
            "800002BF", "38CF7CFA", "00000016", "00000000", "00040001", "00000000",
        ],
    },
];

fn ns() -> Vec<crate::xml::Attr> {
    vec![a("xmlns:w", NS_W), a("xmlns:r", NS_R)]
}

/// `word/fontTable.xml`.
pub(crate) fn font_table() -> Vec<u8> {
    let mut x = Xml::new();
    x.start("w:fonts", &ns());
    // Sorted by name, as Word writes them.
    let mut fonts: Vec<&FontDef> = FONTS.iter().collect();
    fonts.sort_by_key(|f| face(f.role));
    for f in fonts {
        x.start("w:font", &[a("w:name", face(f.role))]);
        x.empty("w:altName", &[a("w:val", f.alt())]);
        x.empty("w:panose1", &[a("w:val", f.panose)]);
        x.empty("w:charset", &[a("w:val", f.charset)]);
        x.empty("w:family", &[a("w:val", f.family)]);
        x.empty("w:pitch", &[a("w:val", f.pitch)]);
        let [usb0, usb1, usb2, usb3, csb0, csb1] = f.sig;
        x.empty(
            "w:sig",
            &[
                a("w:usb0", usb0),
                a("w:usb1", usb1),
                a("w:usb2", usb2),
                a("w:usb3", usb3),
                a("w:csb0", csb0),
                a("w:csb1", csb1),
            ],
        );
        x.end();
    }
    x.finish()
}

/// One `w:style` (children in `CT_Style` order: name, basedOn, next, uiPriority, semiHidden,
/// unhideWhenUsed, qFormat, pPr, rPr, tblPr).
struct StyleDef {
    kind: &'static str,
    id: &'static str,
    name: &'static str,
    default: bool,
    custom: bool,
    based_on: Option<&'static str>,
    next: Option<&'static str>,
    ui_priority: Option<u32>,
    semi_hidden: bool,
    q_format: bool,
    ppr: PPr,
    rpr: RPr,
}

const BASE: StyleDef = StyleDef {
    kind: "paragraph",
    id: "",
    name: "",
    default: false,
    custom: false,
    based_on: Some(STYLE_NORMAL),
    next: None,
    ui_priority: None,
    semi_hidden: false,
    q_format: false,
    ppr: PPr {
        style: None,
        keep_next: false,
        widow_control: None,
        right_tab: None,
        snap_to_grid: None,
        spacing: None,
        ind: None,
        jc: None,
        outline_lvl: None,
    },
    rpr: RPr {
        font: None,
        hint: false,
        bold: None,
        color: None,
        spacing: None,
        size: None,
        lang: None,
    },
};

/// A heading style. Headings of every level are indented two characters like the body, as
/// GB/T 9704 documents set `一、`/`（一）` headings, so a heading's first character lines up
/// with the paragraphs' first characters.
fn heading(level: u8) -> StyleDef {
    let i = usize::from(level - 1);
    let font = ty::HEADINGS[i].role;
    StyleDef {
        id: STYLE_HEADINGS[i],
        name: ["heading 1", "heading 2", "heading 3", "heading 4"][i],
        next: Some(STYLE_BODY),
        ui_priority: Some(9),
        q_format: true,
        ppr: PPr {
            keep_next: true,
            ind: Some(TWO_CHAR_INDENT),
            outline_lvl: Some(level - 1),
            ..PPr::default()
        },
        rpr: RPr {
            font: Some(font),
            hint: true,
            bold: Some(false),
            ..RPr::default()
        },
        ..BASE
    }
}

fn style_defs() -> Vec<StyleDef> {
    let off_grid = |jc: &'static str| PPr {
        snap_to_grid: Some(false),
        spacing: Some(Spacing::SINGLE),
        jc: Some(jc),
        ..PPr::default()
    };
    vec![
        StyleDef {
            id: STYLE_NORMAL,
            name: "Normal",
            default: true,
            based_on: None,
            q_format: true,
            ppr: PPr {
                widow_control: Some(false),
                spacing: Some(GRID_SPACING),
                jc: Some("both"),
                ..PPr::default()
            },
            // The size on Normal itself (LibreOffice sizes the grid from this style, not
            // from the document defaults), condensed so 28 characters fill a line in every
            // reader (`docs/docx-grid.md`).
            rpr: RPr {
                spacing: Some(ty::GRID_CONDENSE_TWENTIETHS),
                size: Some(SZ_BODY),
                ..RPr::default()
            },
            ..BASE
        },
        StyleDef {
            kind: "character",
            id: "DefaultParagraphFont",
            name: "Default Paragraph Font",
            default: true,
            based_on: None,
            ui_priority: Some(1),
            semi_hidden: true,
            ..BASE
        },
        StyleDef {
            id: STYLE_TITLE,
            name: "Title",
            next: Some(STYLE_NORMAL),
            ui_priority: Some(10),
            q_format: true,
            ppr: PPr {
                keep_next: true,
                snap_to_grid: Some(false),
                jc: Some("center"),
                ..PPr::default()
            },
            rpr: RPr {
                font: Some(ty::TITLE.role),
                hint: true,
                spacing: OFF_GRID_SPACING,
                size: Some(ty::TITLE.size.half_points()),
                ..RPr::default()
            },
            ..BASE
        },
        heading(1),
        heading(2),
        heading(3),
        heading(4),
        StyleDef {
            id: STYLE_BODY,
            name: "Body Text",
            next: Some(STYLE_BODY),
            q_format: true,
            ppr: PPr {
                ind: Some(TWO_CHAR_INDENT),
                ..PPr::default()
            },
            ..BASE
        },
        StyleDef {
            id: STYLE_HEADER,
            name: "header",
            ui_priority: Some(99),
            ppr: off_grid("center"),
            rpr: RPr {
                spacing: OFF_GRID_SPACING,
                ..RPr::default()
            },
            ..BASE
        },
        StyleDef {
            id: STYLE_FOOTER,
            name: "footer",
            ui_priority: Some(99),
            ppr: off_grid("right"),
            rpr: RPr {
                font: Some(ty::PAGE_NUMBER.role),
                hint: true,
                spacing: OFF_GRID_SPACING,
                size: Some(ty::PAGE_NUMBER.size.half_points()),
                ..RPr::default()
            },
            ..BASE
        },
        StyleDef {
            id: STYLE_TABLE_TEXT,
            name: "Table Text",
            custom: true,
            q_format: true,
            // Exact lines of the layout's pitch: the rows, and so the page breaks, are as
            // high in every reader as in the PDF (`ty::TABLE_LINE_PITCH_TWIPS`).
            ppr: PPr {
                spacing: Some(Spacing {
                    line: ty::TABLE_LINE_PITCH_TWIPS,
                    rule: "exact",
                }),
                ..off_grid("center")
            },
            // The table face, named only where it is not the document default (the body's).
            rpr: RPr {
                font: (ty::TABLE.role != ty::BODY.role).then_some(ty::TABLE.role),
                hint: ty::TABLE.role != ty::BODY.role,
                spacing: OFF_GRID_SPACING,
                size: Some(ty::TABLE.size.half_points()),
                ..RPr::default()
            },
            ..BASE
        },
    ]
    .into_iter()
    .chain(TABLE_STYLES)
    .collect()
}

/// Word's default table style and the bordered one the official tables use.
const TABLE_STYLES: [StyleDef; 2] = [
    StyleDef {
        kind: "table",
        id: "TableNormal",
        name: "Normal Table",
        default: true,
        based_on: None,
        ui_priority: Some(99),
        semi_hidden: true,
        ..BASE
    },
    StyleDef {
        kind: "table",
        id: STYLE_TABLE_GRID,
        name: "Table Grid",
        based_on: Some("TableNormal"),
        ui_priority: Some(39),
        ..BASE
    },
];

/// `word/styles.xml`: document defaults (仿宋_GB2312 3号 in every font slot, zh-CN) and the
/// built-in styles with the official faces.
pub(crate) fn styles(lang: &'static str) -> Vec<u8> {
    let mut x = Xml::new();
    x.start("w:styles", &ns());
    x.start("w:docDefaults", &[]);
    x.start("w:rPrDefault", &[]);
    RPr {
        font: Some(ty::BODY.role),
        hint: true,
        size: Some(SZ_BODY),
        lang: Some(("en-US", lang)),
        ..RPr::default()
    }
    .write(&mut x);
    x.end();
    x.empty("w:pPrDefault", &[]);
    x.end();
    for s in style_defs() {
        let mut attrs = vec![a("w:type", s.kind)];
        if s.default {
            attrs.push(a("w:default", 1));
        }
        if s.custom {
            attrs.push(a("w:customStyle", 1));
        }
        attrs.push(a("w:styleId", s.id));
        x.start("w:style", &attrs);
        x.empty("w:name", &[a("w:val", s.name)]);
        if let Some(b) = s.based_on {
            x.empty("w:basedOn", &[a("w:val", b)]);
        }
        if let Some(n) = s.next {
            x.empty("w:next", &[a("w:val", n)]);
        }
        if let Some(p) = s.ui_priority {
            x.empty("w:uiPriority", &[a("w:val", p)]);
        }
        if s.semi_hidden {
            x.empty("w:semiHidden", &[]);
            x.empty("w:unhideWhenUsed", &[]);
        }
        if s.q_format {
            x.empty("w:qFormat", &[]);
        }
        s.ppr.write(&mut x);
        s.rpr.write(&mut x);
        match s.id {
            "TableNormal" => {
                x.start("w:tblPr", &[]);
                x.empty("w:tblInd", &[a("w:w", 0), a("w:type", "dxa")]);
                cell_margins(&mut x, 108, 0);
                x.end();
            }
            STYLE_TABLE_GRID => {
                x.start("w:tblPr", &[]);
                borders(&mut x);
                x.end();
            }
            _ => {}
        }
        x.end();
    }
    x.finish()
}

/// `w:tblBorders`: a single ½ pt line on every edge, inner ones included, so every cell is
/// boxed (CT_TblBorders order: top, left, bottom, right, insideH, insideV).
pub(crate) fn borders(x: &mut Xml) {
    x.start("w:tblBorders", &[]);
    for edge in [
        "w:top",
        "w:left",
        "w:bottom",
        "w:right",
        "w:insideH",
        "w:insideV",
    ] {
        x.empty(
            edge,
            &[
                a("w:val", "single"),
                a("w:sz", 4),
                a("w:space", 0),
                a("w:color", "000000"),
            ],
        );
    }
    x.end();
}

/// `w:tblCellMar`: `side` twips left and right, `top_bottom` above and below.
pub(crate) fn cell_margins(x: &mut Xml, side: u32, top_bottom: u32) {
    x.start("w:tblCellMar", &[]);
    x.empty("w:top", &[a("w:w", top_bottom), a("w:type", "dxa")]);
    x.empty("w:left", &[a("w:w", side), a("w:type", "dxa")]);
    x.empty("w:bottom", &[a("w:w", top_bottom), a("w:type", "dxa")]);
    x.empty("w:right", &[a("w:w", side), a("w:type", "dxa")]);
    x.end();
}

/// `word/settings.xml` (CT_Settings order).
pub(crate) fn settings(lang: &'static str) -> Vec<u8> {
    let mut x = Xml::new();
    x.start("w:settings", &ns());
    x.empty("w:zoom", &[a("w:percent", 100)]);
    // Two Chinese characters: Word's default for zh-CN documents.
    x.empty("w:defaultTabStop", &[a("w:val", 420)]);
    // Separate odd and even footers: page numbers alternate sides (GB/T 9704 7.5).
    x.empty("w:evenAndOddHeaders", &[]);
    // Full-width punctuation keeps its full width: 28 characters per line, every line.
    x.empty("w:characterSpacingControl", &[a("w:val", "doNotCompress")]);
    x.start("w:compat", &[]);
    // Word 2013+ layout: tables align with the text margin instead of hanging out by the
    // cell margin.
    x.empty(
        "w:compatSetting",
        &[
            a("w:name", "compatibilityMode"),
            a("w:uri", "http://schemas.microsoft.com/office/word"),
            a("w:val", 15),
        ],
    );
    x.end();
    x.empty(
        "w:themeFontLang",
        &[a("w:val", "en-US"), a("w:eastAsia", lang)],
    );
    x.empty("w:decimalSymbol", &[a("w:val", ".")]);
    x.empty("w:listSeparator", &[a("w:val", ",")]);
    x.finish()
}

/// A footer with the page number `— N —` as a PAGE field; `odd` pages carry it right-aligned
/// one character in from the type area's right edge, even pages left-aligned one in.
pub(crate) fn footer(odd: bool) -> Vec<u8> {
    let mut x = Xml::new();
    x.start("w:ftr", &ns());
    x.start("w:p", &[]);
    let inset = ty::PAGE_NUMBER_INSET_CHARS * TWIPS_PER_PAGE_NUMBER_CHAR;
    let side = ty::page_number_side(if odd { 1 } else { 2 });
    let (ind, jc) = match side {
        ty::Side::Right => (
            Ind {
                right: Some(inset),
                ..Ind::default()
            },
            "right",
        ),
        ty::Side::Left => (
            Ind {
                left: Some(inset),
                ..Ind::default()
            },
            "left",
        ),
    };
    PPr {
        style: Some(STYLE_FOOTER),
        ind: Some(ind),
        jc: Some(jc),
        ..PPr::default()
    }
    .write(&mut x);
    let run = |x: &mut Xml, f: &dyn Fn(&mut Xml)| {
        x.start("w:r", &[]);
        RPr::HINT.write(x);
        f(x);
        x.end();
    };
    // `— N —` (GB/T 9704 7.5: 一字线), the number a PAGE field.
    run(&mut x, &|x| {
        x.leaf("w:t", &[a("xml:space", "preserve")], ty::PAGE_NUMBER_BEFORE)
    });
    run(&mut x, &|x| {
        x.empty("w:fldChar", &[a("w:fldCharType", "begin")])
    });
    run(&mut x, &|x| {
        x.leaf("w:instrText", &[a("xml:space", "preserve")], " PAGE ")
    });
    run(&mut x, &|x| {
        x.empty("w:fldChar", &[a("w:fldCharType", "separate")])
    });
    // The cached value readers show before they update fields.
    let cached = if odd { "1" } else { "2" };
    run(&mut x, &|x| x.leaf("w:t", &[], cached));
    run(&mut x, &|x| {
        x.empty("w:fldChar", &[a("w:fldCharType", "end")])
    });
    run(&mut x, &|x| {
        x.leaf("w:t", &[a("xml:space", "preserve")], ty::PAGE_NUMBER_AFTER)
    });
    x.finish()
}

/// A header carrying the draft mark (on every page of a draft).
pub(crate) fn draft_header() -> Vec<u8> {
    let mut x = Xml::new();
    x.start("w:hdr", &ns());
    x.start("w:p", &[]);
    PPr {
        style: Some(STYLE_HEADER),
        ..PPr::default()
    }
    .write(&mut x);
    x.start("w:r", &[]);
    RPr {
        font: Some(ty::DRAFT_LINE.role),
        hint: true,
        bold: None,
        color: Some(ty::DRAFT_COLOR),
        spacing: None,
        size: Some(ty::DRAFT_LINE.size.half_points()),
        lang: None,
    }
    .write(&mut x);
    x.leaf("w:t", &[], DRAFT_MARK);
    x.finish()
}

/// `word/theme/theme1.xml`: the Office colour scheme with the official faces as the Chinese
/// theme fonts. Nothing references theme fonts or colours (every style names its face), but
/// Word always writes a theme and openxml-audit requires the relationship.
pub(crate) fn theme() -> Vec<u8> {
    let mut x = Xml::new();
    x.start(
        "a:theme",
        &[
            a(
                "xmlns:a",
                "http://schemas.openxmlformats.org/drawingml/2006/main",
            ),
            a("name", "Office Theme"),
        ],
    );
    x.start("a:themeElements", &[]);
    x.start("a:clrScheme", &[a("name", "Office")]);
    x.start("a:dk1", &[]);
    x.empty(
        "a:sysClr",
        &[a("val", "windowText"), a("lastClr", "000000")],
    );
    x.end();
    x.start("a:lt1", &[]);
    x.empty("a:sysClr", &[a("val", "window"), a("lastClr", "FFFFFF")]);
    x.end();
    for (name, rgb) in [
        ("a:dk2", "44546A"),
        ("a:lt2", "E7E6E6"),
        ("a:accent1", "4472C4"),
        ("a:accent2", "ED7D31"),
        ("a:accent3", "A5A5A5"),
        ("a:accent4", "FFC000"),
        ("a:accent5", "5B9BD5"),
        ("a:accent6", "70AD47"),
        ("a:hlink", "0563C1"),
        ("a:folHlink", "954F72"),
    ] {
        x.start(name, &[]);
        x.empty("a:srgbClr", &[a("val", rgb)]);
        x.end();
    }
    x.end();
    x.start("a:fontScheme", &[a("name", "Office")]);
    let (major, minor) = (face(ty::HEADINGS[0].role), face(ty::BODY.role));
    for (slot, hans) in [("a:majorFont", major), ("a:minorFont", minor)] {
        x.start(slot, &[]);
        x.empty("a:latin", &[a("typeface", "Times New Roman")]);
        x.empty("a:ea", &[a("typeface", "")]);
        x.empty("a:cs", &[a("typeface", "")]);
        x.empty("a:font", &[a("script", "Hans"), a("typeface", hans)]);
        x.end();
    }
    x.end();
    x.start("a:fmtScheme", &[a("name", "Office")]);
    let solid = |x: &mut Xml| {
        x.start("a:solidFill", &[]);
        x.empty("a:schemeClr", &[a("val", "phClr")]);
        x.end();
    };
    x.start("a:fillStyleLst", &[]);
    for _ in 0..3 {
        solid(&mut x);
    }
    x.end();
    x.start("a:lnStyleLst", &[]);
    for w in [6350, 12700, 19050] {
        x.start(
            "a:ln",
            &[
                a("w", w),
                a("cap", "flat"),
                a("cmpd", "sng"),
                a("algn", "ctr"),
            ],
        );
        solid(&mut x);
        x.empty("a:prstDash", &[a("val", "solid")]);
        x.empty("a:miter", &[a("lim", 800000)]);
        x.end();
    }
    x.end();
    x.start("a:effectStyleLst", &[]);
    for _ in 0..3 {
        x.start("a:effectStyle", &[]);
        x.empty("a:effectLst", &[]);
        x.end();
    }
    x.end();
    x.start("a:bgFillStyleLst", &[]);
    for _ in 0..3 {
        solid(&mut x);
    }
    x.end();
    x.end();
    x.end();
    x.empty("a:objectDefaults", &[]);
    x.empty("a:extraClrSchemeLst", &[]);
    x.finish()
}
