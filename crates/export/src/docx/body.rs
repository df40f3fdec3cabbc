//! `word/document.xml`: title, blocks, tables, signature and the section properties.

use nianbao_core::document::{CellContent, DocBlock, Document, Imprint, Run, Table, DRAFT_MARK};
use nianbao_core::typography as ty;

use super::props::{Ind, PPr, RPr, Spacing};
use super::styles::{
    self, STYLE_BODY, STYLE_HEADINGS, STYLE_TABLE_GRID, STYLE_TABLE_TEXT, STYLE_TITLE,
};
use super::{
    Rel, FOOTER_DISTANCE, HEADER_DISTANCE, LINE_PITCH, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT,
    MARGIN_TOP, NS_R, NS_W, PAGE_HEIGHT, PAGE_WIDTH, TABLE_CELL_MARGIN, TWIPS_PER_BODY_CHAR,
    TYPE_WIDTH,
};
use crate::xml::{a, Xml};

/// `word/document.xml` for `doc`.
pub(crate) fn document(doc: &Document) -> Vec<u8> {
    let mut x = Xml::new();
    x.start("w:document", &[a("xmlns:w", NS_W), a("xmlns:r", NS_R)]);
    x.start("w:body", &[]);
    let title = PPr {
        style: Some(STYLE_TITLE),
        ..PPr::default()
    };
    for line in &doc.title {
        paragraph(&mut x, &title, [(line.as_str(), false)], RPr::HINT);
    }
    if doc.draft {
        let centred = PPr {
            jc: Some("center"),
            ..PPr::default()
        };
        let mark = format!("（{DRAFT_MARK}）");
        let red = RPr {
            font: Some(ty::DRAFT_LINE.role),
            color: Some(ty::DRAFT_COLOR),
            ..RPr::HINT
        };
        paragraph(&mut x, &centred, [(mark.as_str(), false)], red);
    }
    // Blank lines between title and body.
    for _ in 0..ty::TITLE_BLANK_LINES {
        x.empty("w:p", &[]);
    }
    for (i, block) in doc.blocks.iter().enumerate() {
        // The signature must not stand alone on a page: the block before it keeps with it.
        let before_signature = matches!(doc.blocks.get(i + 1), Some(DocBlock::Signature { .. }));
        match block {
            DocBlock::Imprint(imprint) => {
                imprint_table(&mut x, imprint);
                // Word anchors a floating table to the paragraph after it and wants one
                // before the section properties.
                x.empty("w:p", &[]);
            }
            DocBlock::Heading { level, runs, .. } => {
                let style = STYLE_HEADINGS[usize::from((*level).clamp(1, 4) - 1)];
                let ppr = PPr {
                    style: Some(style),
                    ..PPr::default()
                };
                paragraph(&mut x, &ppr, run_texts(runs), RPr::HINT);
            }
            DocBlock::Paragraph { runs, .. } => {
                // Before the signature: its last line keeps with it, and widow control
                // brings a second line along (the 落款 keeps two lines of text, as in the PDF).
                let ppr = PPr {
                    style: Some(STYLE_BODY),
                    keep_next: before_signature,
                    widow_control: before_signature.then_some(true),
                    ..PPr::default()
                };
                paragraph(&mut x, &ppr, run_texts(runs), RPr::HINT);
            }
            DocBlock::Table(t) => {
                table(&mut x, t);
                // Word merges adjacent tables and wants a paragraph before the section
                // properties; give it one where no block follows that would serve.
                if matches!(doc.blocks.get(i + 1), None | Some(DocBlock::Table(_))) {
                    x.empty("w:p", &[]);
                }
            }
            DocBlock::Signature { agency, date } => {
                let keep = PPr {
                    keep_next: true,
                    ..PPr::default()
                };
                // Blank lines after the body.
                for _ in 0..ty::SIGNATURE_BLANK_LINES {
                    paragraph(&mut x, &keep, [], RPr::HINT);
                }
                // The lines every output sets (a long agency breaks where the PDF breaks it).
                let lines = ty::signature_lines(agency);
                let widest = lines
                    .iter()
                    .max_by_key(|l| half_widths(l))
                    .map_or(agency.as_str(), String::as_str);
                let (agency_right, date_right) = signature_indents(widest, date);
                let agency = lines.join("\n");
                for (text, right, keep_next) in
                    [(&agency, agency_right, true), (date, date_right, false)]
                {
                    let ppr = PPr {
                        keep_next,
                        ind: Some(Ind {
                            right: Some(right * TWIPS_PER_BODY_CHAR / 100),
                            right_chars: Some(right),
                            ..Ind::default()
                        }),
                        jc: Some("right"),
                        ..PPr::default()
                    };
                    paragraph(&mut x, &ppr, [(text.as_str(), false)], RPr::HINT);
                }
            }
        }
    }
    section(&mut x, doc.draft);
    x.finish()
}

fn run_texts(runs: &[Run]) -> impl Iterator<Item = (&str, bool)> {
    runs.iter().map(|r| (r.text.as_str(), r.bold))
}

/// A paragraph of runs; `base` is each run's properties before bold.
fn paragraph<'t>(
    x: &mut Xml,
    ppr: &PPr,
    runs: impl IntoIterator<Item = (&'t str, bool)>,
    base: RPr,
) {
    x.start("w:p", &[]);
    ppr.write(x);
    for (text, bold) in runs {
        if text.is_empty() {
            continue;
        }
        x.start("w:r", &[]);
        RPr {
            bold: bold.then_some(true),
            ..base
        }
        .write(x);
        run_content(x, text);
        x.end();
    }
    x.end();
}

/// A run's text: tabs become `w:tab`, line breaks `w:br` (a `w:t` cannot carry either).
fn run_content(x: &mut Xml, text: &str) {
    let mut piece = String::new();
    let flush = |x: &mut Xml, piece: &mut String| {
        if piece.is_empty() {
            return;
        }
        // Leading, trailing or doubled spaces survive only with xml:space="preserve".
        if piece.starts_with(' ') || piece.ends_with(' ') || piece.contains("  ") {
            x.leaf("w:t", &[a("xml:space", "preserve")], piece);
        } else {
            x.leaf("w:t", &[], piece);
        }
        piece.clear();
    };
    for ch in text.chars() {
        match ch {
            '\t' => {
                flush(x, &mut piece);
                x.empty("w:tab", &[]);
            }
            '\n' => {
                flush(x, &mut piece);
                x.empty("w:br", &[]);
            }
            '\r' => {}
            c => piece.push(c),
        }
    }
    flush(x, &mut piece);
}

/// Width of `s` in half characters: ASCII is half-width in the official faces, everything
/// else a full character.
fn half_widths(s: &str) -> u32 {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Right indents of the signature's agency line and date line, in hundredths of a character:
/// [`ty::signature_x`] on widths in half characters (Word lays the lines out; GB/T 9704
/// 7.3.5.2, no seal).
pub(crate) fn signature_indents(agency: &str, date: &str) -> (u32, u32) {
    let (n, d) = (half_widths(agency) as f32, half_widths(date) as f32);
    // One character is two halves; the type area ends at 0.
    let (agency_x, date_x) = ty::signature_x(0.0, n, d, 2.0);
    let indent = |x: f32, w: f32| (-(x + w)).round().max(0.0) as u32 * 50;
    (indent(agency_x, n), indent(date_x, d))
}

/// The 版记 (GB/T 9704 §7.4) as a one-column table floating at the foot of the type area of
/// the page it ends on: thick rules above and below, a thin one between its rows, none at
/// the sides; 4号 仿宋; the 抄送 line indented one character each side with continuation
/// lines under the first agency, the 印发机关 one character from the left and the 印发日期
/// (a right tab) one from the right.
fn imprint_table(x: &mut Xml, imprint: &Imprint) {
    let size = ty::IMPRINT.size;
    let ch = size.char_twips();
    let indent = ty::IMPRINT_INDENT_CHARS * ch;
    // Word places the table by `tblpYSpec="bottom"`; readers that ignore it (LibreOffice)
    // by `tblpY`, its top below the type area's top: the type height less its lines (the
    // 抄送 lines counted as Word breaks them, by width).
    let cc_lines = imprint.cc.as_ref().map_or(0, |(label, names)| {
        let hang = half_widths(label);
        let first = (TYPE_WIDTH - 2 * indent) * 2 / ch - hang;
        let rest = (TYPE_WIDTH - 2 * indent) * 2 / ch - hang;
        let all = half_widths(names);
        1 + all.saturating_sub(first).div_ceil(rest.max(1))
    });
    let height = (cc_lines + 1) * ty::IMPRINT_LINE_PITCH_TWIPS;
    x.start("w:tbl", &[]);
    x.start("w:tblPr", &[]);
    x.empty(
        "w:tblpPr",
        &[
            a("w:leftFromText", 0),
            a("w:rightFromText", 0),
            a("w:topFromText", 0),
            a("w:bottomFromText", 0),
            a("w:vertAnchor", "margin"),
            // From the page edge, at the left margin: the same place as "margin" for Word,
            // and what makes LibreOffice float a table as wide as the type area rather
            // than set it inline (its import floats only narrower or page-anchored ones).
            a("w:horzAnchor", "page"),
            a("w:tblpX", MARGIN_LEFT),
            a("w:tblpY", ty::TYPE_HEIGHT.twips().saturating_sub(height)),
            a("w:tblpYSpec", "bottom"),
        ],
    );
    x.empty("w:tblW", &[a("w:w", TYPE_WIDTH), a("w:type", "dxa")]);
    x.empty("w:tblInd", &[a("w:w", 0), a("w:type", "dxa")]);
    x.start("w:tblBorders", &[]);
    let thick = ty::IMPRINT_RULE_THICK.eighth_points();
    let thin = ty::IMPRINT_RULE_THIN.eighth_points();
    for (edge, sz) in [
        ("w:top", Some(thick)),
        ("w:left", None),
        ("w:bottom", Some(thick)),
        ("w:right", None),
        ("w:insideH", Some(thin)),
        ("w:insideV", None),
    ] {
        match sz {
            Some(sz) => x.empty(
                edge,
                &[
                    a("w:val", "single"),
                    a("w:sz", sz),
                    a("w:space", 0),
                    a("w:color", "000000"),
                ],
            ),
            None => x.empty(edge, &[a("w:val", "nil")]),
        }
    }
    x.end();
    x.empty("w:tblLayout", &[a("w:type", "fixed")]);
    styles::cell_margins(x, 0, 0);
    x.end();
    x.start("w:tblGrid", &[]);
    x.empty("w:gridCol", &[a("w:w", TYPE_WIDTH)]);
    x.end();
    let run = RPr {
        size: Some(size.half_points()),
        ..RPr::HINT
    };
    // Each line on one line of the body grid's pitch, as in the PDF.
    let lines = Spacing {
        line: ty::IMPRINT_LINE_PITCH_TWIPS,
        rule: "exact",
    };
    let row = |x: &mut Xml, ppr: PPr, text: &str| {
        x.start("w:tr", &[]);
        x.start("w:trPr", &[]);
        x.empty("w:cantSplit", &[]);
        x.end();
        x.start("w:tc", &[]);
        x.start("w:tcPr", &[]);
        x.empty("w:tcW", &[a("w:w", TYPE_WIDTH), a("w:type", "dxa")]);
        x.empty("w:vAlign", &[a("w:val", "center")]);
        x.end();
        paragraph(x, &ppr, [(text, false)], run);
        x.end();
        x.end();
    };
    let base = PPr {
        snap_to_grid: Some(false),
        widow_control: Some(false),
        spacing: Some(lines),
        ..PPr::default()
    };
    if let Some((label, names)) = &imprint.cc {
        let hang = half_widths(label) * ch / 2;
        let ppr = PPr {
            ind: Some(Ind {
                left: Some(indent + hang),
                right: Some(indent),
                hanging: Some(hang),
                ..Ind::default()
            }),
            jc: Some("both"),
            ..base
        };
        row(x, ppr, &format!("{label}{names}"));
    }
    let ppr = PPr {
        ind: Some(Ind {
            left: Some(indent),
            right: Some(indent),
            ..Ind::default()
        }),
        // Tab stops are measured from the cell's edge, not from the indent (ECMA-376
        // §17.3.1.37; Word and LibreOffice alike): one character in from the right edge.
        right_tab: Some(TYPE_WIDTH - indent),
        ..base
    };
    row(x, ppr, &format!("{}\t{}", imprint.printer, imprint.date));
    x.end();
}

/// Column widths in twips: `weights` scaled to `total`, remainders given out largest first
/// so the columns add up to exactly `total`.
pub(crate) fn column_widths(weights: &[u16], total: u32) -> Vec<u32> {
    let sum: u32 = weights.iter().map(|&w| u32::from(w)).sum();
    if sum == 0 {
        return vec![total / weights.len().max(1) as u32; weights.len()];
    }
    let mut widths: Vec<u32> = weights
        .iter()
        .map(|&w| u32::from(w) * total / sum)
        .collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Largest remainder first; ties to the left (stable sort).
    order.sort_by_key(|&i| std::cmp::Reverse(u32::from(weights[i]) * total % sum));
    let short = total - widths.iter().sum::<u32>();
    for &i in order.iter().take(short as usize) {
        widths[i] += 1;
    }
    widths
}

/// One official table: fixed layout over the type area's width, a box round every cell,
/// header rows repeated on each page, rows kept whole.
fn table(x: &mut Xml, t: &Table) {
    let rows = usize::from(t.shape.rows);
    let cols = usize::from(t.shape.cols);
    let header_rows = usize::from(t.shape.header_rows);
    let widths = column_widths(t.shape.col_weights, TYPE_WIDTH);
    // Which cell covers each grid position.
    let mut owner: Vec<Option<usize>> = vec![None; rows * cols];
    for (i, c) in t.cells.iter().enumerate() {
        for r in usize::from(c.row)..(usize::from(c.row) + usize::from(c.rowspan)).min(rows) {
            for k in usize::from(c.col)..(usize::from(c.col) + usize::from(c.colspan)).min(cols) {
                owner[r * cols + k] = Some(i);
            }
        }
    }
    x.start("w:tbl", &[]);
    x.start("w:tblPr", &[]);
    x.empty("w:tblStyle", &[a("w:val", STYLE_TABLE_GRID)]);
    x.empty("w:tblW", &[a("w:w", TYPE_WIDTH), a("w:type", "dxa")]);
    x.empty("w:tblInd", &[a("w:w", 0), a("w:type", "dxa")]);
    styles::borders(x);
    x.empty("w:tblLayout", &[a("w:type", "fixed")]);
    styles::cell_margins(x, TABLE_CELL_MARGIN, ty::TABLE_CELL_PAD_Y_TWIPS);
    x.end();
    x.start("w:tblGrid", &[]);
    for w in &widths {
        x.empty("w:gridCol", &[a("w:w", w)]);
    }
    x.end();
    for r in 0..rows {
        x.start("w:tr", &[]);
        x.start("w:trPr", &[]);
        x.empty("w:cantSplit", &[]);
        if r < header_rows {
            x.empty("w:tblHeader", &[]);
        }
        x.end();
        // Header rows stay with the first body row; a table without repeating header rows
        // (表二) breaks only before a group with its own headings (as the PDF does), so no
        // page starts an unlabelled continuation.
        let next_starts_group = u8::try_from(r + 1).is_ok_and(|n| t.shape.starts_group(n));
        let keep_next =
            r + 1 < rows && (r < header_rows || (header_rows == 0 && !next_starts_group));
        let mut k = 0;
        while k < cols {
            let cell = owner[r * cols + k]
                .map(|i| &t.cells[i])
                .filter(|c| usize::from(c.col) == k);
            let Some(c) = cell else {
                // A hole in the grid (never in a built document): an empty cell keeps the
                // row's width right.
                cell_xml(x, widths[k], 1, None, None, keep_next);
                k += 1;
                continue;
            };
            let span = usize::from(c.colspan).clamp(1, cols - k);
            let width = widths[k..k + span].iter().sum();
            let origin = usize::from(c.row) == r;
            let merge = match (origin, c.rowspan > 1) {
                (true, false) => None,
                (true, true) => Some("restart"),
                (false, _) => Some("continue"),
            };
            cell_xml(
                x,
                width,
                span,
                merge,
                origin.then_some(&c.content),
                keep_next,
            );
            k += span;
        }
        x.end();
    }
    x.end();
}

/// A `w:tc`; `content` is `None` in the rows a vertically merged cell continues into (Word
/// wants a `w:tc` with `w:vMerge` and an empty paragraph in every covered row).
fn cell_xml(
    x: &mut Xml,
    width: u32,
    span: usize,
    merge: Option<&str>,
    content: Option<&CellContent>,
    keep_next: bool,
) {
    x.start("w:tc", &[]);
    x.start("w:tcPr", &[]);
    x.empty("w:tcW", &[a("w:w", width), a("w:type", "dxa")]);
    if span > 1 {
        x.empty("w:gridSpan", &[a("w:val", span)]);
    }
    match merge {
        Some("restart") => x.empty("w:vMerge", &[a("w:val", "restart")]),
        Some(_) => x.empty("w:vMerge", &[]),
        None => {}
    }
    x.empty("w:vAlign", &[a("w:val", "center")]);
    x.end();
    // Row labels read left to right; column headers and numbers are centred (the style).
    let row_label = matches!(content, Some(CellContent::Label { header: false, .. }));
    let ppr = PPr {
        style: Some(STYLE_TABLE_TEXT),
        keep_next,
        jc: row_label.then_some("left"),
        ..PPr::default()
    };
    let text = content.map(CellContent::text).unwrap_or_default();
    paragraph(x, &ppr, [(text.as_str(), false)], RPr::HINT);
    x.end();
}

/// The section: A4, GB/T 9704 margins, odd/even footers (and draft headers), the
/// 22 × 28 grid.
fn section(x: &mut Xml, draft: bool) {
    x.start("w:sectPr", &[]);
    if draft {
        x.empty(
            "w:headerReference",
            &[a("w:type", "default"), a("r:id", Rel::HeaderOdd.id())],
        );
        x.empty(
            "w:headerReference",
            &[a("w:type", "even"), a("r:id", Rel::HeaderEven.id())],
        );
    }
    x.empty(
        "w:footerReference",
        &[a("w:type", "default"), a("r:id", Rel::FooterOdd.id())],
    );
    x.empty(
        "w:footerReference",
        &[a("w:type", "even"), a("r:id", Rel::FooterEven.id())],
    );
    x.empty("w:pgSz", &[a("w:w", PAGE_WIDTH), a("w:h", PAGE_HEIGHT)]);
    x.empty(
        "w:pgMar",
        &[
            a("w:top", MARGIN_TOP),
            a("w:right", MARGIN_RIGHT),
            a("w:bottom", MARGIN_BOTTOM),
            a("w:left", MARGIN_LEFT),
            a("w:header", HEADER_DISTANCE),
            a("w:footer", FOOTER_DISTANCE),
            a("w:gutter", 0),
        ],
    );
    x.empty("w:cols", &[a("w:space", 425)]);
    // A line grid (22 lines of 28.95 pt); the 28 characters a line come from Normal's
    // −0.25 pt character spacing, which Word, WPS and LibreOffice all honour, where a
    // character grid (`linesAndChars` with a negative `charSpace`) gives 14–19 characters
    // a line in LibreOffice (`docs/docx-grid.md`).
    x.empty(
        "w:docGrid",
        &[a("w:type", "lines"), a("w:linePitch", LINE_PITCH)],
    );
    x.end();
}
