//! `ofd-verify`: judges an OFD file with two readers we did not write, for CI.
//!
//! ```text
//! ofd-verify FILE.ofd [--render DIR --dpi N] [--compare PNG…] [--threshold T]
//! ```
//!
//! - ofd-core `verify::check_path(FILE).conforms()`: the package opens, every part the
//!   entry names is found and parses, no signature is broken;
//! - sofd `Document::open` then `audit()`: no finding of severity Error (warnings are
//!   printed);
//! - with `--render DIR`: every page rendered by ofd-core to `DIR/page-N.png` at `--dpi`;
//! - with `--compare A.png B.png …` (one per page, e.g. pdftoppm's pages of the PDF made
//!   from the same page list, at the same dpi): per page the share of *ink* pixels that
//!   differ (see [`ink_difference`]); a page above `--threshold` fails.
//!
//! Prints one line per check and exits 1 if any fails.

use std::path::PathBuf;
use std::process::ExitCode;

use image::GrayImage;
use ofd_core::render::RenderOptions;
use ofd_core::OfdReader;

/// Parsed arguments.
struct Args {
    file: PathBuf,
    render: Option<PathBuf>,
    dpi: f64,
    compare: Vec<PathBuf>,
    threshold: f64,
}

fn args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut a = Args {
        file: PathBuf::new(),
        render: None,
        dpi: 100.0,
        compare: Vec::new(),
        threshold: 0.02,
    };
    let mut file = None;
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--render" => a.render = Some(value("--render")?.into()),
            "--dpi" => a.dpi = value("--dpi")?.parse().map_err(|e| format!("--dpi: {e}"))?,
            "--threshold" => {
                a.threshold = value("--threshold")?
                    .parse()
                    .map_err(|e| format!("--threshold: {e}"))?
            }
            "--compare" => {
                a.compare.extend(it.by_ref().map(PathBuf::from));
            }
            _ if file.is_none() => file = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg}")),
        }
    }
    a.file = file.ok_or("usage: ofd-verify FILE.ofd [--render DIR --dpi N] [--compare PNG…]")?;
    Ok(a)
}

fn main() -> ExitCode {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut ok = true;
    let mut fail = |what: String| {
        println!("FAIL {what}");
        ok = false;
    };

    // ofd-core: structure.
    let report = ofd_core::verify::check_path(&a.file);
    if report.conforms() {
        println!("ok   ofd-core check_path: conforms");
    } else {
        fail(format!("ofd-core check_path: {:?}", report.problems));
    }

    // sofd: open (parses every page, registers the embedded fonts) and audit.
    match std::fs::read(&a.file).map_err(|e| e.to_string()).and_then(|bytes| {
        let mut doc = sofd::Document::open_bytes(&bytes).map_err(|e| e.to_string())?;
        let pages = doc.page_count();
        doc.audit().map(|r| (pages, r)).map_err(|e| e.to_string())
    }) {
        Ok((pages, audit)) => {
            for f in &audit.findings {
                println!(
                    "     sofd audit {} {} ({}): {} — {}",
                    f.severity.label(),
                    f.code,
                    f.clause,
                    f.location,
                    f.detail
                );
            }
            let errors = audit.errors().count();
            if errors == 0 {
                println!(
                    "ok   sofd open ({pages} pages) + audit: no errors, {} warnings",
                    audit.findings.len()
                );
            } else {
                fail(format!("sofd audit: {errors} errors"));
            }
        }
        Err(e) => fail(format!("sofd open/audit: {e}")),
    }

    // ofd-core: render every page, compare with the reference pages.
    if a.render.is_some() || !a.compare.is_empty() {
        match render(&a) {
            Ok(pages) => {
                if !a.compare.is_empty() && a.compare.len() != pages.len() {
                    fail(format!(
                        "page count: OFD {} vs {} reference pages",
                        pages.len(),
                        a.compare.len()
                    ));
                }
                for (k, (page, reference)) in pages.iter().zip(&a.compare).enumerate() {
                    match image::open(reference) {
                        Ok(r) => {
                            let r = r.to_luma8();
                            match ink_difference(page, &r) {
                                Some(d) if d <= a.threshold => println!(
                                    "ok   page {}: ink difference {:.4} (≤ {})",
                                    k + 1,
                                    d,
                                    a.threshold
                                ),
                                Some(d) => fail(format!(
                                    "page {}: ink difference {:.4} > {}",
                                    k + 1,
                                    d,
                                    a.threshold
                                )),
                                None => fail(format!(
                                    "page {}: size {:?} vs reference {:?}",
                                    k + 1,
                                    page.dimensions(),
                                    r.dimensions()
                                )),
                            }
                        }
                        Err(e) => fail(format!("{}: {e}", reference.display())),
                    }
                }
            }
            Err(e) => fail(format!("ofd-core render: {e}")),
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Every page rendered by ofd-core in grey, saved to `--render DIR/page-N.png` if asked.
fn render(a: &Args) -> Result<Vec<GrayImage>, String> {
    let mut reader = OfdReader::open(&a.file).map_err(|e| e.to_string())?;
    let body = reader
        .ofd()
        .doc_bodies
        .first()
        .cloned()
        .ok_or("no DocBody")?;
    let doc = reader.load_document(&body).map_err(|e| e.to_string())?;
    let opts = RenderOptions::with_dpi(a.dpi);
    let mut pages = Vec::new();
    for k in 0..doc.pages().len() {
        let img = reader
            .render_page_to_image(&doc, k, &opts)
            .map_err(|e| format!("page {}: {e}", k + 1))?;
        let grey = image::DynamicImage::ImageRgba8(img).to_luma8();
        if let Some(dir) = &a.render {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
            let path = dir.join(format!("page-{}.png", k + 1));
            grey.save(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        pages.push(grey);
    }
    Ok(pages)
}

/// Darker than this is ink.
const INK: u8 = 128;
/// Darker than this is any mark at all (the faint edge of an anti-aliased hairline).
const MARK: u8 = 230;

/// The share of ink pixels (darker than [`INK`] in either image) that have no mark at all
/// (darker than [`MARK`]) within one pixel in the other image. Two rasterisers disagree on
/// anti-aliasing — a 0.5 pt rule is a solid pixel row to poppler and a light grey one to
/// tiny-skia — and place edges up to a pixel apart; comparing ink with marks one pixel around
/// forgives exactly that. A glyph in the wrong place, a wrong or missing glyph, a missing rule
/// or wrong advances (`DeltaX`) leave ink with nothing near it. `None` when the sizes differ
/// by more than a pixel (rounding of the page size).
fn ink_difference(a: &GrayImage, b: &GrayImage) -> Option<f64> {
    if a.width().abs_diff(b.width()) > 1 || a.height().abs_diff(b.height()) > 1 {
        return None;
    }
    let (w, h) = (a.width().min(b.width()), a.height().min(b.height()));
    let mark_near = |img: &GrayImage, x: u32, y: u32| {
        (y.saturating_sub(1)..=(y + 1).min(h - 1)).any(|yy| {
            (x.saturating_sub(1)..=(x + 1).min(w - 1)).any(|xx| img.get_pixel(xx, yy).0[0] < MARK)
        })
    };
    let (mut ink, mut lost) = (0u64, 0u64);
    for y in 0..h {
        for x in 0..w {
            let ia = a.get_pixel(x, y).0[0] < INK;
            let ib = b.get_pixel(x, y).0[0] < INK;
            if !(ia || ib) {
                continue;
            }
            ink += 1;
            if (ia && !mark_near(b, x, y)) || (ib && !mark_near(a, x, y)) {
                lost += 1;
            }
        }
    }
    Some(if ink == 0 {
        0.0
    } else {
        lost as f64 / ink as f64
    })
}
