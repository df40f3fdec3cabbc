//! The official-format DOCX: what agencies submit for sign-off and attach to the portal page.
//!
//! Layout per GB/T 9704-2012 (see `typography.md`): A4, margins 37/35/28/26 mm, a
//! `linesAndChars` grid of 22 lines × 28 characters, 2号 小标宋 title, 3号 仿宋 body with a
//! two-character first-line indent and exact 28.95 pt lines, 黑体/楷体/仿宋 headings in Word's
//! built-in heading styles, the three official tables with merged cells, the signature, and
//! `— N —` page numbers alternating sides on odd and even pages.
//!
//! Every part is written here with a small XML writer rather than through docx-rs: docx-rs
//! 0.4.22 writes properties out of schema order (Word drops them), hard-codes a font table
//! without the Chinese faces, writes no theme, and has no `firstLineChars`, `tblHeader` or
//! `lang`; fixing its output would have meant re-parsing and rewriting every part. Writing
//! the parts directly puts each element in its ECMA-376 place by construction; the tests
//! check that order against the schema sequences independently, and `scripts/interop-docx.sh`
//! has openxml-audit (a port of the Open XML SDK validator) judge the result.

mod body;
mod props;
mod styles;

// Tests may unwrap: a panic is the failure report.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests;

use nianbao_core::document::Document;
use nianbao_core::model::Date;
use nianbao_core::typography as ty;

use crate::xml::{a, Xml};
use crate::ExportError;

// The page, the grid and the sizes in Word's units, from [`nianbao_core::typography`].

/// Page width (A4) in twips.
pub(crate) const PAGE_WIDTH: u32 = ty::PAGE_WIDTH.twips();
/// Page height (A4) in twips.
pub(crate) const PAGE_HEIGHT: u32 = ty::PAGE_HEIGHT.twips();
/// Top margin (天头).
pub(crate) const MARGIN_TOP: u32 = ty::MARGIN_TOP.twips();
/// Bottom margin.
pub(crate) const MARGIN_BOTTOM: u32 = ty::MARGIN_BOTTOM.twips();
/// Left margin (订口).
pub(crate) const MARGIN_LEFT: u32 = ty::MARGIN_LEFT.twips();
/// Right margin.
pub(crate) const MARGIN_RIGHT: u32 = ty::MARGIN_RIGHT.twips();
/// Width of the type area (版心): tables span exactly this.
pub(crate) const TYPE_WIDTH: u32 = ty::TYPE_WIDTH.twips();
/// Line pitch of the grid (28.95 pt).
pub(crate) const LINE_PITCH: u32 = ty::LINE_PITCH_TWIPS;
/// Body size in half-points.
pub(crate) const SZ_BODY: u32 = ty::BODY.size.half_points();
/// One body character in twips.
pub(crate) const TWIPS_PER_BODY_CHAR: u32 = ty::BODY.size.char_twips();
/// One page-number character in twips.
pub(crate) const TWIPS_PER_PAGE_NUMBER_CHAR: u32 = ty::PAGE_NUMBER.size.char_twips();
/// Left and right padding inside table cells (Word's default 1.9 mm would leave one 五号
/// character per line in table 四).
pub(crate) const TABLE_CELL_MARGIN: u32 = ty::TABLE_CELL_INSET.twips();
/// Header distance from the page edge (the draft mark): 15 mm.
pub(crate) const HEADER_DISTANCE: u32 = ty::Mm(15).twips();
/// Footer distance from the page's bottom edge (where the footer's line ends): the dashes
/// of `— N —` sit [`ty::PAGE_NUMBER_GAP`] below the type area (GB/T 9704 §7.5, read as the
/// dash's own height): bottom margin − 7 mm − the dash's height above the line's bottom
/// (the 宋体's descent and the dash's raise, [`ty::PAGE_NUMBER_DASH_EM`]).
pub(crate) const FOOTER_DISTANCE: u32 = MARGIN_BOTTOM
    - ty::PAGE_NUMBER_GAP.twips()
    - ((ty::PAGE_NUMBER_DASH_EM + ty::PAGE_NUMBER_DESCENT_EM) * TWIPS_PER_PAGE_NUMBER_CHAR as f32)
        as u32;

/// The face Word names for `role` (the official face; Word falls back by the font table's
/// `altName`).
pub(crate) fn face(role: ty::Role) -> &'static str {
    role.faces().map_or("", |f| f.official)
}

/// WordprocessingML main namespace.
pub(crate) const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// Relationships namespace (for `r:id`).
pub(crate) const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_PKG_RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const REL_OFFICE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Renders `doc` as a DOCX. Identical documents give identical bytes: every date comes from
/// `doc.meta.date` and the parts are zipped in a fixed order.
pub fn export(doc: &Document) -> Result<Vec<u8>, ExportError> {
    let parts = parts(doc);
    crate::container::zip(
        parts.iter().map(|p| (p.name, p.bytes.as_slice())),
        doc.meta.date,
        6,
    )
    .map_err(|e| ExportError::new(format!("生成 DOCX 文件失败（打包）：{e}")))
}

/// The document part's relationships, with fixed ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rel {
    Styles,
    Settings,
    FontTable,
    Theme,
    FooterOdd,
    FooterEven,
    HeaderOdd,
    HeaderEven,
}

impl Rel {
    const ALL: [Rel; 8] = [
        Rel::Styles,
        Rel::Settings,
        Rel::FontTable,
        Rel::Theme,
        Rel::FooterOdd,
        Rel::FooterEven,
        Rel::HeaderOdd,
        Rel::HeaderEven,
    ];

    /// The relationship id.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Rel::Styles => "rId1",
            Rel::Settings => "rId2",
            Rel::FontTable => "rId3",
            Rel::Theme => "rId4",
            Rel::FooterOdd => "rId5",
            Rel::FooterEven => "rId6",
            Rel::HeaderOdd => "rId7",
            Rel::HeaderEven => "rId8",
        }
    }

    /// Part name, relationship type (after the officeDocument prefix), short content type.
    fn part(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Rel::Styles => ("word/styles.xml", "styles", "styles+xml"),
            Rel::Settings => ("word/settings.xml", "settings", "settings+xml"),
            Rel::FontTable => ("word/fontTable.xml", "fontTable", "fontTable+xml"),
            Rel::Theme => ("word/theme/theme1.xml", "theme", "theme"),
            Rel::FooterOdd => ("word/footer1.xml", "footer", "footer+xml"),
            Rel::FooterEven => ("word/footer2.xml", "footer", "footer+xml"),
            Rel::HeaderOdd => ("word/header1.xml", "header", "header+xml"),
            Rel::HeaderEven => ("word/header2.xml", "header", "header+xml"),
        }
    }
}

/// The full content type of a part whose short type is `short`.
fn content_type(short: &str) -> String {
    match short {
        "theme" => "application/vnd.openxmlformats-officedocument.theme+xml".to_string(),
        "main" => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
                .to_string()
        }
        "core" => "application/vnd.openxmlformats-package.core-properties+xml".to_string(),
        "app" => {
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".to_string()
        }
        s => format!("application/vnd.openxmlformats-officedocument.wordprocessingml.{s}"),
    }
}

/// One file of the package.
pub(crate) struct Part {
    /// Path inside the zip.
    pub name: &'static str,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Every part of the package for `doc`, `[Content_Types].xml` first, the rest sorted by name.
pub(crate) fn parts(doc: &Document) -> Vec<Part> {
    let rels: Vec<Rel> = Rel::ALL
        .into_iter()
        .filter(|r| doc.draft || !matches!(r, Rel::HeaderOdd | Rel::HeaderEven))
        .collect();
    let mut parts = vec![
        Part {
            name: "_rels/.rels",
            bytes: package_rels(),
        },
        Part {
            name: "docProps/app.xml",
            bytes: app(),
        },
        Part {
            name: "docProps/core.xml",
            bytes: core(doc),
        },
        Part {
            name: "word/_rels/document.xml.rels",
            bytes: document_rels(&rels),
        },
        Part {
            name: "word/document.xml",
            bytes: body::document(doc),
        },
    ];
    for &rel in &rels {
        let bytes = match rel {
            Rel::Styles => styles::styles(doc.meta.lang),
            Rel::Settings => styles::settings(doc.meta.lang),
            Rel::FontTable => styles::font_table(),
            Rel::Theme => styles::theme(),
            Rel::FooterOdd => styles::footer(true),
            Rel::FooterEven => styles::footer(false),
            Rel::HeaderOdd | Rel::HeaderEven => styles::draft_header(),
        };
        parts.push(Part {
            name: rel.part().0,
            bytes,
        });
    }
    parts.sort_by(|a, b| a.name.cmp(b.name));
    parts.insert(
        0,
        Part {
            name: "[Content_Types].xml",
            bytes: content_types(&rels),
        },
    );
    parts
}

fn content_types(rels: &[Rel]) -> Vec<u8> {
    let mut x = Xml::new();
    x.start(
        "Types",
        &[a(
            "xmlns",
            "http://schemas.openxmlformats.org/package/2006/content-types",
        )],
    );
    x.empty(
        "Default",
        &[
            a("Extension", "rels"),
            a(
                "ContentType",
                "application/vnd.openxmlformats-package.relationships+xml",
            ),
        ],
    );
    x.empty(
        "Default",
        &[a("Extension", "xml"), a("ContentType", "application/xml")],
    );
    let mut overrides: Vec<(&str, String)> = vec![
        ("docProps/app.xml", content_type("app")),
        ("docProps/core.xml", content_type("core")),
        ("word/document.xml", content_type("main")),
    ];
    for r in rels {
        let (name, _, short) = r.part();
        overrides.push((name, content_type(short)));
    }
    overrides.sort();
    for (name, ct) in overrides {
        x.empty(
            "Override",
            &[a("PartName", format!("/{name}")), a("ContentType", ct)],
        );
    }
    x.finish()
}

fn package_rels() -> Vec<u8> {
    let mut x = Xml::new();
    x.start("Relationships", &[a("xmlns", NS_PKG_RELS)]);
    for (id, ty, target) in [
        (
            "rId1",
            format!("{REL_OFFICE}/officeDocument"),
            "word/document.xml",
        ),
        (
            "rId2",
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
                .to_string(),
            "docProps/core.xml",
        ),
        (
            "rId3",
            format!("{REL_OFFICE}/extended-properties"),
            "docProps/app.xml",
        ),
    ] {
        x.empty(
            "Relationship",
            &[a("Id", id), a("Type", ty), a("Target", target)],
        );
    }
    x.finish()
}

fn document_rels(rels: &[Rel]) -> Vec<u8> {
    let mut x = Xml::new();
    x.start("Relationships", &[a("xmlns", NS_PKG_RELS)]);
    for r in rels {
        let (name, ty, _) = r.part();
        let target = name.strip_prefix("word/").unwrap_or(name);
        x.empty(
            "Relationship",
            &[
                a("Id", r.id()),
                a("Type", format!("{REL_OFFICE}/{ty}")),
                a("Target", target),
            ],
        );
    }
    x.finish()
}

/// W3C date-time of the document date, midnight UTC.
fn w3c(date: Date) -> String {
    format!("{}T00:00:00Z", date.iso())
}

fn core(doc: &Document) -> Vec<u8> {
    let mut x = Xml::new();
    x.start(
        "cp:coreProperties",
        &[
            a(
                "xmlns:cp",
                "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
            ),
            a("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            a("xmlns:dcterms", "http://purl.org/dc/terms/"),
            a("xmlns:dcmitype", "http://purl.org/dc/dcmitype/"),
            a("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ],
    );
    x.leaf("dc:title", &[], &doc.meta.title);
    x.leaf("dc:creator", &[], &doc.meta.author);
    x.leaf("cp:lastModifiedBy", &[], &doc.meta.author);
    x.leaf("dc:language", &[], doc.meta.lang);
    if doc.draft {
        x.leaf("cp:contentStatus", &[], nianbao_core::document::DRAFT_MARK);
    }
    x.leaf("cp:revision", &[], "1");
    let date = w3c(doc.meta.date);
    x.leaf("dcterms:created", &[a("xsi:type", "dcterms:W3CDTF")], &date);
    x.leaf(
        "dcterms:modified",
        &[a("xsi:type", "dcterms:W3CDTF")],
        &date,
    );
    x.finish()
}

fn app() -> Vec<u8> {
    let mut x = Xml::new();
    x.start(
        "Properties",
        &[
            a(
                "xmlns",
                "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
            ),
            a(
                "xmlns:vt",
                "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
            ),
        ],
    );
    x.leaf("Application", &[], "nianbao");
    x.leaf("DocSecurity", &[], "0");
    x.finish()
}
