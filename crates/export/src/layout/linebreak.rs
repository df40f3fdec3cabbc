//! Chinese line breaking (禁则) and justification over measured characters.
//!
//! Text is cut into *units*: one per full-width character, one per run of Latin letters,
//! digits and ASCII punctuation (`2024`, `0517-83605210`, `hazwgkc@163.com`, a URL: never
//! split unless a run is longer than a whole line), one per space. A break is allowed
//! between two units unless the second may not start a line (`，。）》”…%`…) or the first
//! may not end one (`（《“`…). Lines are filled greedily; when the next unbreakable cluster
//! does not fit, the line either pulls it in by squeezing full-width punctuation (up to half
//! an em each, the blank half) or pushes it to the next line and spreads the slack over the
//! gaps between units, so both edges stay aligned. The last line of a paragraph keeps the
//! default spacing.
//!
//! Hand-written on purpose: a UAX #14 crate would give the break opportunities, but the
//! squeezing and grid justification that decide each line are the layout itself.

use std::ops::Range;

use nianbao_core::typography::{no_end, no_start};

/// Tolerance for "fits", in points.
const EPS: f32 = 0.01;

/// How one paragraph is set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Measure {
    /// Width of every line, points.
    pub width: f32,
    /// First-line indent, points.
    pub indent: f32,
    /// Default space between adjacent units, points (negative on the 28-character grid).
    pub tracking: f32,
    /// Stretch lines that are not the paragraph's last to the full width.
    pub justify: bool,
    /// Font size, points (full-width punctuation is at least 0.9 of it).
    pub size: f32,
}

/// One broken line.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct BrokenLine {
    /// Items on the line (trailing spaces and forced breaks excluded), with their pen x
    /// relative to the measure's left edge (the indent included).
    pub pos: Vec<(usize, f32)>,
    /// Left edge of the first unit.
    pub start: f32,
    /// From `start` to the right edge of the last unit.
    pub width: f32,
    /// Justified or squeezed to end exactly at the measure's right edge.
    pub full: bool,
    /// Source items covered (including dropped trailing spaces).
    pub items: Range<usize>,
}

/// Full-width punctuation whose glyph sits in the left half (blank on the right).
fn squeeze_right(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '）'
            | '》'
            | '」'
            | '』'
            | '”'
            | '’'
            | '】'
            | '〕'
            | '〉'
            | '〗'
            | '］'
            | '｝'
    )
}

/// Full-width punctuation whose glyph sits in the right half (blank on the left).
fn squeeze_left(c: char) -> bool {
    matches!(
        c,
        '（' | '《' | '「' | '『' | '“' | '‘' | '【' | '〔' | '〈' | '〖' | '［' | '｛'
    )
}

/// A character that forms a unit of its own (ideographs, kana, hangul, full-width forms and
/// the punctuation Chinese text sets full-width); everything else but spaces joins a
/// Latin run.
pub(crate) fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE10..=0xFE19
        | 0xFE30..=0xFE6F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x2FFFD
        | 0x30000..=0x3FFFD)
        || matches!(
            c,
            '“' | '”'
                | '‘'
                | '’'
                | '…'
                | '—'
                | '―'
                | '·'
                | '※'
                | '§'
                | '№'
                | '℃'
                | '‰'
                | '°'
                | '○'
                | '●'
                | '□'
                | '■'
                | '△'
                | '▲'
                | '★'
                | '☆'
                | '→'
                | '←'
                | '√'
                | '×'
                | '÷'
        )
        || ('\u{2160}'..='\u{217F}').contains(&c)
        || ('\u{2460}'..='\u{24FF}').contains(&c)
}

#[derive(Clone, Debug)]
struct Unit {
    items: Range<usize>,
    width: f32,
    /// How much it may shrink (the blank half of full-width punctuation).
    squeeze: f32,
    /// Shrinks on its left side (opening marks) rather than its right.
    squeeze_left: bool,
    space: bool,
    newline: bool,
    no_before: bool,
    no_after: bool,
    dash: bool,
}

fn units(items: &[(char, f32)], size: f32) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut latin: Option<usize> = None;
    for (i, &(c, w)) in items.iter().enumerate() {
        let space = c == ' ' || c == '\t' || c == '\u{a0}';
        let newline = c == '\n';
        if !space && !newline && !is_wide(c) {
            if let Some(u) = latin {
                let unit = &mut out[u];
                unit.items.end = i + 1;
                unit.width += w;
                unit.no_after = no_end(c);
                continue;
            }
            latin = Some(out.len());
        } else {
            latin = None;
        }
        let full = w >= 0.9 * size;
        let squeeze = if full && (squeeze_left(c) || squeeze_right(c)) {
            w / 2.0
        } else {
            0.0
        };
        out.push(Unit {
            items: i..i + 1,
            width: if newline { 0.0 } else { w },
            squeeze,
            squeeze_left: squeeze_left(c),
            space,
            newline,
            no_before: no_start(c),
            no_after: no_end(c),
            dash: c == '—' || c == '―',
        });
    }
    out
}

/// Whether a line may break between `u[i - 1]` and `u[i]`.
fn can_break(u: &[Unit], i: usize) -> bool {
    let (a, b) = (&u[i - 1], &u[i]);
    if b.newline {
        return true;
    }
    if b.space {
        return false;
    }
    if a.space || a.newline {
        return true;
    }
    !(a.no_after || b.no_before || (a.dash && b.dash))
}

/// Index of the first unit after the trailing spaces of `r` are dropped.
fn trim_end(u: &[Unit], r: Range<usize>) -> usize {
    let mut e = r.end;
    while e > r.start && (u[e - 1].space || u[e - 1].newline) {
        e -= 1;
    }
    e
}

fn width(u: &[Unit], r: Range<usize>, tracking: f32) -> (f32, f32) {
    let e = trim_end(u, r.clone());
    let n = e.saturating_sub(r.start);
    let w: f32 = u[r.start..e].iter().map(|x| x.width).sum();
    let s: f32 = u[r.start..e].iter().map(|x| x.squeeze).sum();
    (w + n.saturating_sub(1) as f32 * tracking, s)
}

/// Splits the Latin run `u[k]` so its first part fits in `room` (at least one character),
/// preferring to cut after `/ . - @ _ ? & = :`. With `soft_only`, splits only there and
/// returns whether it did.
fn split_unit(
    u: &mut Vec<Unit>,
    k: usize,
    items: &[(char, f32)],
    room: f32,
    soft_only: bool,
) -> bool {
    let unit = u[k].clone();
    if unit.items.len() < 2 {
        return false;
    }
    let mut best_any = unit.items.start + 1;
    let mut best_soft = None;
    let mut acc = 0.0;
    for i in unit.items.clone() {
        acc += items[i].1;
        let cut = i + 1;
        if cut >= unit.items.end {
            break;
        }
        if acc <= room + EPS {
            best_any = cut;
            let soft = if soft_only {
                // Inside a URL: after a path or query separator, leaving a real piece of it
                // on the line (not a bare `http://`).
                matches!(items[i].0, '/' | '?' | '&' | '=') && cut - unit.items.start >= 10
            } else {
                matches!(
                    items[i].0,
                    '/' | '.' | '-' | '@' | '_' | '?' | '&' | '=' | ':'
                )
            };
            if soft {
                best_soft = Some(cut);
            }
        }
    }
    let cut = match (best_soft, soft_only) {
        (Some(c), _) => c,
        (None, false) => best_any,
        (None, true) => return false,
    };
    let left_w: f32 = items[unit.items.start..cut].iter().map(|x| x.1).sum();
    let mut left = unit.clone();
    left.items = unit.items.start..cut;
    left.width = left_w;
    left.no_after = false;
    let mut right = unit;
    right.items = cut..right.items.end;
    right.width -= left_w;
    right.no_before = false;
    u[k] = left;
    u.insert(k + 1, right);
    true
}

/// Breaks `items` (character, advance in points) into lines.
pub(crate) fn break_lines(items: &[(char, f32)], m: &Measure) -> Vec<BrokenLine> {
    let mut u = units(items, m.size);
    let mut lines = Vec::new();
    let mut i = 0;
    let mut first = true;
    while i < u.len() {
        while i < u.len() && u[i].space {
            i += 1;
        }
        if i >= u.len() {
            break;
        }
        let indent = if first { m.indent } else { 0.0 };
        first = false;
        let cap = m.width - indent;
        let mut end = i;
        let mut squeezed = false;
        let mut forced = false;
        let mut j = i;
        loop {
            if j < u.len() && u[j].newline {
                end = j + 1;
                forced = true;
                break;
            }
            let mut ce = j + 1;
            while ce < u.len() && !can_break(&u, ce) {
                ce += 1;
            }
            let (w, s) = width(&u, i..ce, m.tracking);
            if w <= cap + EPS {
                end = ce;
                j = ce;
                if ce >= u.len() {
                    break;
                }
                continue;
            }
            if w - s <= cap + EPS {
                end = ce;
                squeezed = true;
                break;
            }
            // A Latin run longer than a whole line (a long URL) must be cut somewhere: start
            // it on this line, after a `/`, rather than leave a loose line or a lone opening
            // bracket. Shorter runs (numbers, e-mail addresses) are never cut.
            if let Some(k) = (end.max(i)..ce).find(|&k| u[k].items.len() > 1 && u[k].width > cap) {
                let before = if k > i {
                    width(&u, i..k, m.tracking).0 + m.tracking
                } else {
                    0.0
                };
                let room = cap - before;
                let worth = end == i || room >= 3.0 * m.size;
                if worth && room > 0.0 && split_unit(&mut u, k, items, room, end > i) {
                    end = k + 1;
                }
            }
            if end == i {
                // Nothing fits: break inside the cluster at a unit boundary.
                let fit = (i + 1..ce)
                    .rev()
                    .find(|&k| width(&u, i..k, m.tracking).0 <= cap + EPS);
                match fit {
                    Some(k) => end = k,
                    None => {
                        split_unit(&mut u, i, items, cap, false);
                        end = i + 1;
                    }
                }
            }
            break;
        }
        let last = !squeezed && (forced || trim_end(&u, end..u.len()) == end);
        lines.push(place(&u, items, i..end, m, indent, squeezed, last));
        i = end;
    }
    lines
}

/// Like [`break_lines`], but with the narrowest measure that gives no more lines, so the
/// lines come out about equally long (titles, centred table headings: no lone last
/// character). The lines still sit in the original measure's coordinates.
pub(crate) fn break_balanced(items: &[(char, f32)], m: &Measure) -> Vec<BrokenLine> {
    let lines = break_lines(items, m);
    let n = lines.len();
    if n < 2 {
        return lines;
    }
    let mut probe = *m;
    let (mut lo, mut hi) = (m.width / n as f32, m.width);
    for _ in 0..24 {
        let mid = (lo + hi) / 2.0;
        probe.width = mid;
        if break_lines(items, &probe).len() <= n {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    probe.width = hi;
    break_lines(items, &probe)
}

fn place(
    u: &[Unit],
    items: &[(char, f32)],
    r: Range<usize>,
    m: &Measure,
    indent: f32,
    squeezed: bool,
    last: bool,
) -> BrokenLine {
    let e = trim_end(u, r.clone());
    let cap = m.width - indent;
    let line = &u[r.start..e];
    let n = line.len();
    let natural: f32 = line.iter().map(|x| x.width).sum();
    let default_w = natural + n.saturating_sub(1) as f32 * m.tracking;
    let mut shrink = vec![0.0f32; n];
    let mut gap = m.tracking;
    let mut full = false;
    if squeezed {
        let total: f32 = line.iter().map(|x| x.squeeze).sum();
        let need = (default_w - cap).max(0.0);
        if total > 0.0 {
            for (k, x) in line.iter().enumerate() {
                shrink[k] = need * x.squeeze / total;
            }
        }
        full = true;
    } else if m.justify && !last && n > 1 {
        gap = (cap - natural) / (n - 1) as f32;
        full = true;
    }
    let mut pos = Vec::new();
    let mut x = indent;
    for (k, unit) in line.iter().enumerate() {
        // An opening mark gives up the blank on its left: its glyph moves left.
        let mut pen = if unit.squeeze_left { x - shrink[k] } else { x };
        for it in unit.items.clone() {
            pos.push((it, pen));
            pen += items[it].1;
        }
        x += unit.width - shrink[k];
        if k + 1 < n {
            x += gap;
        }
    }
    let covered = match (u.get(r.start), r.end.checked_sub(1).and_then(|k| u.get(k))) {
        (Some(a), Some(b)) => a.items.start..b.items.end,
        _ => 0..0,
    };
    BrokenLine {
        pos,
        start: indent,
        width: x - indent,
        full,
        items: covered,
    }
}
