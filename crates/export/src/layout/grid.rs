//! Body text on the GB/T 9704 character grid: 28 cells a line, each hanzi and each
//! full-width mark in one cell with its origin on the cell's left edge, so the columns of
//! every page line up as on Word's character grid.
//!
//! The rules (what `grid-measure.py` checks, `docs/typography.md` gives the reasons):
//!
//! - A run of digits, Latin letters and ASCII punctuation (`2024`, `0517-83605210`, a URL)
//!   is set in the Latin face with the grid's tracking and centred in the whole cells it
//!   needs (MS-OI29500 §2.1.534 on Word's grid: "all characters in the block centered in as
//!   many grid units as are necessary"); at the start of a line it is flush left, at the end
//!   of a justified line flush right. The next hanzi is back on a grid column.
//! - 禁则: no line starts with a closing or pausing mark or ends with an opening one; a
//!   number keeps the character after it (`31日`, `250件`, also across a source space: `30
//!   号`); a dash or ellipsis pair stays whole. A closing mark that would start the next line
//!   hangs in the right margin instead when the line is exactly full (Word's
//!   允许标点溢出边界; one mark at most); otherwise the line breaks before the cluster and
//!   its remaining cells are spread over its gaps. Punctuation is never compressed.
//! - A Latin run longer than the room left is cut at a soft point (after `/ . - _ ? & = @`
//!   or a space) when pushing it whole would leave the line loose; a run longer than a whole
//!   line is cut anyway.
//! - A paragraph never ends with one character alone on its last line: the line before
//!   gives up its last cluster.
//!
//! Linear in the paragraph's length: every line is found by one greedy scan from a cursor;
//! a unit is scanned again only when a line gives it back (once), and the last-line rule
//! re-breaks at most the last two lines a bounded number of times.

use std::ops::Range;

use nianbao_core::typography as ty;

use nianbao_core::typography::{hangs, no_end, no_start};

use super::linebreak::{is_wide, BrokenLine};

/// Tolerance for "fits", in cells.
const EPS: f32 = 0.002;
/// A line may end up to this many cells before its greedy break, when that leaves fewer
/// spread lines or no lone last character.
const GIVE_CELLS: usize = 4;
/// Free cells per gap above which a justified line would come out loose (hanzi more than
/// [`ty::LOOSE_CELLS`] apart), with a margin.
const LOOSE_SPREAD: f32 = (ty::LOOSE_CELLS - 1.0) * 0.8;

/// How body text is set on the grid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Grid {
    /// Width of a cell, points.
    pub pitch: f32,
    /// Cells per line.
    pub cells: usize,
    /// First-line indent, in cells.
    pub indent: usize,
    /// Added to every Latin character's advance (the grid's pitch minus the font size, as
    /// Word adds `charSpace` to each character), points.
    pub tracking: f32,
    /// Spread the free cells of lines that are not the paragraph's last.
    pub justify: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// One full-width character: one cell.
    Wide,
    /// A run of other characters (spaces included): whole cells.
    Latin,
    /// A forced line break.
    Newline,
}

#[derive(Clone, Debug)]
struct Unit {
    items: Range<usize>,
    kind: Kind,
}

/// Where the next line starts: a unit, and inside a Latin unit the first item not yet set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cursor {
    unit: usize,
    item: usize,
}

/// One piece of a line: a whole unit, or part of a cut Latin run.
#[derive(Clone, Debug)]
struct Piece {
    items: Range<usize>,
    kind: Kind,
    cells: usize,
}

/// A line before positions are given: its pieces, the mark hanging after them, whether it
/// ends its paragraph (or a forced break).
#[derive(Clone, Debug)]
struct Plan {
    pieces: Vec<Piece>,
    hang: Option<usize>,
    used: usize,
    cap: usize,
    indent: usize,
    last: bool,
    /// Items up to here are covered (dropped spaces and the forced break included).
    end_item: usize,
}

/// What [`Setter::paragraph`] minimises, in this order: lines, one-character last lines,
/// spread lines, cells given up.
type Cost = (usize, usize, usize, usize);

fn plus(a: Cost, b: Cost) -> Cost {
    (a.0 + b.0, a.1 + b.1, a.2 + b.2, a.3 + b.3)
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\u{a0}'
}

fn units(items: &[(char, f32)]) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    for (i, &(c, _)) in items.iter().enumerate() {
        let kind = if c == '\n' {
            Kind::Newline
        } else if is_wide(c) {
            Kind::Wide
        } else {
            Kind::Latin
        };
        match out.last_mut() {
            Some(u) if kind == Kind::Latin && u.kind == Kind::Latin => u.items.end = i + 1,
            _ => out.push(Unit {
                items: i..i + 1,
                kind,
            }),
        }
    }
    out
}

struct Setter<'a> {
    items: &'a [(char, f32)],
    u: Vec<Unit>,
    g: Grid,
}

impl Setter<'_> {
    fn first_char(&self, r: &Range<usize>) -> Option<char> {
        self.items[r.clone()]
            .iter()
            .map(|x| x.0)
            .find(|&c| !is_space(c))
    }

    fn last_char(&self, r: &Range<usize>) -> Option<char> {
        self.items[r.clone()]
            .iter()
            .rev()
            .map(|x| x.0)
            .find(|&c| !is_space(c))
    }

    /// `r` without its leading (`lead`) and trailing (`trail`) spaces.
    fn trim(&self, r: Range<usize>, lead: bool, trail: bool) -> Range<usize> {
        let (mut a, mut b) = (r.start, r.end);
        while lead && a < b && is_space(self.items[a].0) {
            a += 1;
        }
        while trail && b > a && is_space(self.items[b - 1].0) {
            b -= 1;
        }
        a..b
    }

    /// Width of a Latin range with the grid's tracking, in cells.
    fn latin_width(&self, r: Range<usize>) -> f32 {
        let w: f32 = self.items[r]
            .iter()
            .map(|&(_, adv)| adv + self.g.tracking)
            .sum();
        w / self.g.pitch
    }

    /// Whole cells a Latin range takes (at least one when it has anything to show).
    fn latin_cells(&self, r: Range<usize>) -> usize {
        if r.is_empty() {
            return 0;
        }
        (self.latin_width(r) - EPS).ceil().max(1.0) as usize
    }

    fn cells(&self, kind: Kind, r: Range<usize>) -> usize {
        match kind {
            Kind::Wide => 1,
            Kind::Latin => self.latin_cells(r),
            Kind::Newline => 0,
        }
    }

    /// Whether a line may break between the piece ending with `a` and the one starting
    /// with `b` (ranges of items).
    fn can_break(&self, a: &Range<usize>, ak: Kind, b: &Range<usize>, bk: Kind) -> bool {
        if bk == Kind::Newline || ak == Kind::Newline {
            return true;
        }
        let (Some(x), Some(y)) = (self.last_char(a), self.first_char(b)) else {
            // A run of spaces: a break on either side of it.
            return true;
        };
        if no_end(x) || no_start(y) {
            return false;
        }
        if matches!(x, '—' | '―' | '…') && x == y {
            return false;
        }
        // A number keeps the character after it (its unit), even across a source space.
        if ak == Kind::Latin && x.is_ascii_digit() && bk == Kind::Wide {
            return false;
        }
        true
    }

    fn unit_range(&self, c: Cursor) -> Range<usize> {
        let u = &self.u[c.unit];
        c.item.max(u.items.start)..u.items.end
    }

    /// The first cursor at or after `c` that is not a space at a line start.
    fn skip_spaces(&self, mut c: Cursor) -> Cursor {
        while c.unit < self.u.len() {
            let u = &self.u[c.unit];
            if u.kind != Kind::Latin {
                break;
            }
            let r = self.trim(self.unit_range(c), true, false);
            if r.is_empty() {
                c = Cursor {
                    unit: c.unit + 1,
                    item: 0,
                };
                continue;
            }
            c.item = r.start;
            break;
        }
        c
    }

    /// Where a Latin range may be cut so that its first part fits in `room` cells: the last
    /// soft point that fits, or (`hard`) the last character that does.
    fn cut(&self, r: Range<usize>, room: usize, hard: bool) -> Option<usize> {
        let mut soft = None;
        let mut any = None;
        for cut in r.start + 1..r.end {
            let head = self.trim(r.start..cut, false, true);
            if head.is_empty() {
                continue;
            }
            if self.latin_cells(head) > room {
                break;
            }
            let prev = self.items[cut - 1].0;
            let next = self.items[cut].0;
            let soft_here = match prev {
                ' ' | '/' | '-' | '_' | '?' | '&' | '=' | '@' => true,
                // Not inside a number (`12.5`) or before `//`.
                '.' | ',' | ';' => !next.is_ascii_digit(),
                ':' => next != '/',
                _ => false,
            };
            if soft_here && !is_space(next) {
                soft = Some(cut);
            }
            if !is_space(next) {
                any = Some(cut);
            }
        }
        soft.or(if hard { any } else { None })
    }

    /// Breaks one line from `start` with `cap` cells after an indent of `indent`. Returns
    /// the line and where the next starts.
    fn line(&self, start: Cursor, cap: usize, indent: usize) -> (Plan, Cursor) {
        let mut pieces = Vec::new();
        let (mut plan, next) = self.line_into(start, cap, indent, &mut pieces);
        plan.pieces = pieces;
        (plan, next)
    }

    /// [`Setter::line`] with the pieces in `pieces` (cleared first; the plan's own are
    /// empty): the search tries five lines from every line start and keeps none of them, so
    /// it reuses one vector instead of allocating for each.
    fn line_into(
        &self,
        start: Cursor,
        cap: usize,
        indent: usize,
        pieces: &mut Vec<Piece>,
    ) -> (Plan, Cursor) {
        let n = self.u.len();
        let mut c = start;
        pieces.clear();
        let mut used = 0;
        // The last place a break is allowed: (pieces kept, cursor, cells used).
        let mut last_ok: Option<(usize, Cursor, usize)> = None;
        let mut hang = None;
        let mut last = false;
        let mut forced_end = None;
        loop {
            if c.unit >= n {
                last = true;
                break;
            }
            let unit = &self.u[c.unit];
            if unit.kind == Kind::Newline {
                last = true;
                forced_end = Some(unit.items.end);
                c = Cursor {
                    unit: c.unit + 1,
                    item: 0,
                };
                break;
            }
            let r = self.unit_range(c);
            if let Some(p) = pieces.last() {
                if self.can_break(&p.items, p.kind, &r, unit.kind) {
                    last_ok = Some((pieces.len(), c, used));
                }
            }
            let at_start = pieces.is_empty();
            let shown = if unit.kind == Kind::Latin {
                self.trim(r.clone(), at_start, false)
            } else {
                r.clone()
            };
            let cells = self.cells(unit.kind, shown.clone());
            let next = Cursor {
                unit: c.unit + 1,
                item: 0,
            };
            if used + cells <= cap {
                pieces.push(Piece {
                    items: shown,
                    kind: unit.kind,
                    cells,
                });
                used += cells;
                c = next;
                continue;
            }
            // It does not fit. A closing mark hangs past a full line when the line may break
            // after it.
            if used == cap && unit.kind == Kind::Wide && hangs(self.items[r.start].0) {
                let after_ok = match self.u.get(next.unit) {
                    None => true,
                    Some(v) => self.can_break(&r, unit.kind, &v.items, v.kind),
                };
                if after_ok {
                    hang = Some(r.start);
                    c = next;
                    if c.unit >= n {
                        last = true;
                    }
                    break;
                }
            }
            if unit.kind == Kind::Latin {
                // Without its trailing spaces it may fit (the break after it drops them).
                let bare = self.trim(shown.clone(), false, true);
                let bare_cells = self.latin_cells(bare.clone());
                let after_ok = match self.u.get(next.unit) {
                    None => true,
                    Some(v) => self.can_break(&shown, unit.kind, &v.items, v.kind),
                };
                if bare.end < shown.end && used + bare_cells <= cap && after_ok {
                    pieces.push(Piece {
                        items: bare,
                        kind: unit.kind,
                        cells: bare_cells,
                    });
                    used += bare_cells;
                    c = next;
                    if c.unit >= n {
                        last = true;
                    }
                    break;
                }
                // Cut a long run rather than leave the line loose (or when it is longer than
                // a whole line).
                let room = cap - used;
                let gaps = pieces.len().max(1) as f32;
                // Only a URL or a run over half a line is cut for that: numbers and e-mail
                // addresses stay whole (禁则).
                let url = self.items[shown.clone()]
                    .windows(3)
                    .any(|w| w[0].0 == ':' && w[1].0 == '/' && w[2].0 == '/');
                let long = url || cells * 2 > cap;
                let loose = long && room as f32 / gaps > LOOSE_SPREAD;
                let too_long = cells > cap;
                if room > 0 && (loose || too_long) {
                    if let Some(cut) = self.cut(shown.clone(), room, at_start && too_long) {
                        let head = self.trim(shown.start..cut, false, true);
                        let head_cells = self.latin_cells(head.clone());
                        pieces.push(Piece {
                            items: head,
                            kind: unit.kind,
                            cells: head_cells,
                        });
                        used += head_cells;
                        c = Cursor {
                            unit: c.unit,
                            item: cut,
                        };
                        break;
                    }
                }
            }
            match last_ok {
                Some((k, at, u)) if k > 0 => {
                    pieces.truncate(k);
                    c = at;
                    used = u;
                }
                _ if !pieces.is_empty() => {
                    // No break is allowed anywhere on the line (a cluster longer than a
                    // line): break here after all.
                }
                _ => {
                    // A single unit wider than the line: a Latin run cut where it must be.
                    let cut = self.cut(shown.clone(), cap, true);
                    match cut {
                        Some(cut) => {
                            let head = self.trim(shown.start..cut, false, true);
                            let head_cells = self.latin_cells(head.clone()).min(cap);
                            pieces.push(Piece {
                                items: head,
                                kind: unit.kind,
                                cells: head_cells,
                            });
                            used += head_cells;
                            c = Cursor {
                                unit: c.unit,
                                item: cut,
                            };
                        }
                        None => {
                            pieces.push(Piece {
                                items: shown,
                                kind: unit.kind,
                                cells: cells.min(cap),
                            });
                            used += cells.min(cap);
                            c = next;
                        }
                    }
                }
            }
            break;
        }
        // Spaces at the end of a line are dropped.
        while let Some(p) = pieces.last_mut() {
            if p.kind != Kind::Latin {
                break;
            }
            let bare = self.trim(p.items.clone(), false, true);
            used -= p.cells;
            if bare.is_empty() {
                pieces.pop();
                continue;
            }
            p.cells = self.latin_cells(bare.clone()).min(cap);
            p.items = bare;
            used += p.cells;
            break;
        }
        let c = self.skip_spaces(c);
        if c.unit >= n {
            last = true;
        }
        let end_item = forced_end.unwrap_or_else(|| {
            if c.unit >= n {
                self.items.len()
            } else {
                c.item.max(self.u[c.unit].items.start)
            }
        });
        let plan = Plan {
            pieces: Vec::new(),
            hang,
            used,
            cap,
            indent,
            last,
            end_item,
        };
        (plan, c)
    }

    /// Hanzi, digits and letters on a line (what makes a last line more than one character).
    fn core_chars(&self, pieces: &[Piece]) -> usize {
        pieces
            .iter()
            .flat_map(|x| self.items[x.items.clone()].iter())
            .filter(|(c, _)| c.is_alphanumeric())
            .count()
    }

    /// Lines of a plan that stay short after their Latin runs took a cell each: the free
    /// cells are spread and the hanzi leave the columns.
    fn spread(&self, p: &Plan, pieces: &[Piece]) -> bool {
        let runs = pieces.iter().filter(|x| x.kind == Kind::Latin).count();
        !p.last && p.cap.saturating_sub(p.used) > runs
    }

    /// The first-line indent of a line starting at `c` (`origin`: the paragraph's start).
    fn indent_at(&self, c: Cursor, origin: Cursor) -> usize {
        if c == origin {
            self.g.indent.min(self.g.cells)
        } else {
            0
        }
    }

    /// One line from `c` that gives up `give` cells of its width: where the next line
    /// starts and what the line adds to a plan's [`Cost`]. `None` when it cannot give that
    /// much or gets nowhere.
    fn trial(
        &self,
        c: Cursor,
        origin: Cursor,
        give: usize,
        pieces: &mut Vec<Piece>,
    ) -> Option<(Cursor, Cost)> {
        let indent = self.indent_at(c, origin);
        let full = self.g.cells - indent;
        let cap = full.checked_sub(give)?;
        let (mut plan, next) = self.line_into(c, cap, indent, pieces);
        if next == c {
            return None;
        }
        // Justified (and judged) against the whole line.
        plan.cap = full;
        let end = next.unit >= self.u.len();
        let lone = end && plan.last && self.core_chars(pieces) <= 1 && c != origin;
        let spread = self.spread(&plan, pieces);
        Some((next, (1, usize::from(lone), usize::from(spread), give)))
    }

    /// The cost [`Setter::paragraph`] gives the greedy plan (every line at its greedy
    /// break), or `None` when that plan does not get through the paragraph.
    fn greedy_cost(&self, origin: Cursor, pieces: &mut Vec<Piece>) -> Option<Cost> {
        let mut c = origin;
        let mut cost = (0, 0, 0, 0);
        while c.unit < self.u.len() {
            let (next, add) = self.trial(c, origin, 0, pieces)?;
            cost = plus(cost, add);
            c = next;
        }
        Some(cost)
    }

    /// The whole paragraph. Every line may end at the greedy break or give up to
    /// [`GIVE_CELLS`] cells to an earlier break; a forward search over line starts (each
    /// start expanded once, so linear in the paragraph) picks, in this order: the fewest
    /// lines, no one-character last line, the fewest spread lines (short lines whose free
    /// cells their Latin runs cannot take), the greediest breaks.
    fn paragraph(&self) -> Vec<Plan> {
        self.search(true)
    }

    /// [`Setter::paragraph`], with or without (`prune`, for the test that both agree) the
    /// pruning.
    fn search(&self, prune: bool) -> Vec<Plan> {
        use std::collections::BTreeMap;
        /// A line start (unit, item), as a map key.
        type Start = (usize, usize);
        /// The best cost to reach a line start, and the line start and the cells given up
        /// by the line that got there (the line itself is found again at the end: only the
        /// chosen ones are kept).
        type Reached = BTreeMap<Start, (Cost, Option<(Start, usize)>)>;
        let n = self.u.len();
        let origin = self.skip_spaces(Cursor { unit: 0, item: 0 });
        let mut best: Reached = BTreeMap::new();
        best.insert((origin.unit, origin.item), ((0, 0, 0, 0), None));
        let mut done: Option<(Start, Cost)> = None;
        let mut finished: Reached = BTreeMap::new();
        let mut pieces = Vec::with_capacity(self.g.cells + 2);
        // Pruning (the result is the same, found faster): the greedy plan (every line at its
        // greedy break) is one of the plans searched, so the best has at most its cost. A
        // line start whose cost so far, plus the fewest lines the text after it can take,
        // is already worse cannot lie on the best plan, nor on a plan that ties with it, so
        // it is not expanded. Without this every position of the paragraph is a line start
        // tried five times (0.75 ms a page).
        let bound = if prune {
            self.greedy_cost(origin, &mut pieces)
        } else {
            None
        };
        // Full-width units from unit `i` on: each takes a cell, a line holds at most `cells`
        // of them and one hanging mark.
        let mut wide_after = vec![0usize; n + 1];
        for i in (0..n).rev() {
            wide_after[i] = wide_after[i + 1] + usize::from(self.u[i].kind == Kind::Wide);
        }
        let per_line = self.g.cells + 1;
        let hopeless = |c: Cursor, cost: Cost| match bound {
            Some(b) => {
                let rest = wide_after
                    .get(c.unit)
                    .copied()
                    .unwrap_or(0)
                    .div_ceil(per_line);
                (cost.0 + rest, cost.1, cost.2, cost.3) > b
            }
            None => false,
        };
        while let Some((key, (cost, back))) = best.pop_first() {
            let c = Cursor {
                unit: key.0,
                item: key.1,
            };
            finished.insert(key, (cost, back));
            if c != origin && hopeless(c, cost) {
                continue;
            }
            if c.unit >= n {
                if done.as_ref().is_none_or(|d| cost < d.1) {
                    done = Some((key, cost));
                }
                continue;
            }
            let mut prev_end = None;
            for give in 0..=GIVE_CELLS {
                if give > self.g.cells - self.indent_at(c, origin) {
                    break;
                }
                let Some((next, add)) = self.trial(c, origin, give, &mut pieces) else {
                    // No progress; a larger give may still break somewhere.
                    prev_end = Some(c);
                    continue;
                };
                // The same break as a smaller give: nothing new.
                if prev_end == Some(next) {
                    continue;
                }
                prev_end = Some(next);
                let cand = plus(cost, add);
                let nk = (next.unit, next.item);
                if finished.contains_key(&nk) {
                    continue;
                }
                if best.get(&nk).is_none_or(|(b, _)| cand < *b) {
                    best.insert(nk, (cand, Some((key, give))));
                }
            }
        }
        let mut way = Vec::new();
        let mut at = done.map(|d| d.0);
        while let Some(k) = at {
            match finished.remove(&k) {
                Some((_, Some((prev, give)))) => {
                    way.push((prev, give));
                    at = Some(prev);
                }
                _ => at = None,
            }
        }
        way.iter()
            .rev()
            .map(|&((unit, item), give)| {
                let c = Cursor { unit, item };
                let indent = self.indent_at(c, origin);
                let full = self.g.cells - indent;
                let (mut plan, _) = self.line(c, full - give, indent);
                plan.cap = full;
                plan
            })
            .collect()
    }

    /// Positions of a planned line.
    fn place(&self, p: &Plan, covered_from: usize) -> BrokenLine {
        let pitch = self.g.pitch;
        let n = p.pieces.len();
        // A short justified line first gives its free cells to its Latin runs, a whole cell
        // each (the space between hanzi and Latin text is where CLREQ adjusts first): the
        // hanzi stay on the columns. What is left is spread over every gap.
        let mut extra = vec![0usize; n];
        let mut free = if self.g.justify && !p.last {
            p.cap.saturating_sub(p.used)
        } else {
            0
        };
        // A run that starts the line is flush left, so a cell given to it would open a gap
        // before the next hanzi (`1　　日`): the runs inside the line come first.
        let order = (1..n).chain(0..1.min(n));
        for k in order {
            if free > 0 && p.pieces[k].kind == Kind::Latin {
                extra[k] = 1;
                free -= 1;
            }
        }
        let spread = free > 0 && n > 1;
        let gap = if spread {
            free as f32 * pitch / (n - 1) as f32
        } else {
            0.0
        };
        let full = self.g.justify && !p.last;
        let start = p.indent as f32 * pitch;
        let mut x = start;
        let mut pos = Vec::new();
        for (k, piece) in p.pieces.iter().enumerate() {
            let box_w = (piece.cells + extra[k]) as f32 * pitch;
            match piece.kind {
                Kind::Wide | Kind::Newline => {
                    for i in piece.items.clone() {
                        pos.push((i, x));
                    }
                }
                Kind::Latin => {
                    let w = self.latin_width(piece.items.clone()) * pitch;
                    let slack = (box_w - w).max(0.0);
                    let offset = if k == 0 {
                        0.0
                    } else if k + 1 == n && full {
                        slack
                    } else {
                        // Centred, but never more than half a cell before it (a cell given to
                        // a short line's run goes mostly after it).
                        (slack / 2.0).min(pitch / 2.0)
                    };
                    let mut pen = x + offset;
                    for i in piece.items.clone() {
                        pos.push((i, pen));
                        pen += self.items[i].1 + self.g.tracking;
                    }
                }
            }
            x += box_w;
            if k + 1 < n {
                x += gap;
            }
        }
        let width = if full {
            p.cap as f32 * pitch
        } else {
            x - start
        };
        if let Some(h) = p.hang {
            pos.push((h, start + p.cap as f32 * pitch));
        }
        BrokenLine {
            pos,
            start,
            width,
            full,
            items: covered_from..p.end_item,
        }
    }
}

/// Breaks `items` (character, advance in points) into lines on the grid `g`.
pub(crate) fn break_grid(items: &[(char, f32)], g: &Grid) -> Vec<BrokenLine> {
    let s = Setter {
        items,
        u: units(items),
        g: *g,
    };
    let plans = s.paragraph();
    let mut from = 0;
    plans
        .iter()
        .map(|p| {
            let bl = s.place(p, from);
            from = p.end_item;
            bl
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PITCH: f32 = 15.793;

    fn grid() -> Grid {
        Grid {
            pitch: PITCH,
            cells: 28,
            indent: 2,
            tracking: PITCH - 16.0,
            justify: true,
        }
    }

    fn items(s: &str) -> Vec<(char, f32)> {
        s.chars()
            .map(|c| {
                (
                    c,
                    if is_wide(c) {
                        16.0
                    } else if c == ' ' {
                        4.0
                    } else {
                        8.0
                    },
                )
            })
            .collect()
    }

    fn texts(s: &str) -> Vec<String> {
        let it = items(s);
        break_grid(&it, &grid())
            .iter()
            .map(|l| l.pos.iter().map(|&(i, _)| it[i].0).collect())
            .collect()
    }

    /// The pruned search picks the same lines as the full one, on paragraphs of every kind
    /// of unit (hanzi, marks that hang or may not start or end a line, numbers with units,
    /// URLs, spaces, forced breaks) and on narrow and wide grids.
    #[test]
    fn pruning_changes_no_break() {
        const PARTS: &[&str] = &[
            "政",
            "府",
            "信",
            "息",
            "公",
            "开",
            "，",
            "。",
            "、",
            "（",
            "）",
            "“",
            "”",
            "《",
            "》",
            "：",
            "；",
            "2024",
            "年",
            "250",
            "件",
            "31",
            "日",
            "http://www.gov.cn/x",
            " ",
            "ab cd",
            "——",
            "……",
            "\n",
            "12.5",
            "%",
            "〔2021〕",
            "30 号",
            "e-mail@x.cn",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |m: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m as u64) as usize
        };
        let mut paragraphs = 0;
        for round in 0..400 {
            let len = 1 + next(if round % 10 == 0 { 400 } else { 90 });
            let mut s = String::new();
            for _ in 0..len {
                // Mostly hanzi, as in the reports.
                let part = if next(3) > 0 {
                    next(6)
                } else {
                    next(PARTS.len())
                };
                s.push_str(PARTS[part]);
            }
            let it = items(&s);
            for (cells, indent) in [(28, 2), (28, 0), (12, 2), (5, 1)] {
                let g = Grid {
                    cells,
                    indent,
                    ..grid()
                };
                let setter = Setter {
                    items: &it,
                    u: units(&it),
                    g,
                };
                let show = |plans: &[Plan]| {
                    plans
                        .iter()
                        .map(|p| (p.end_item, p.hang, p.used, p.cap, p.pieces.len()))
                        .collect::<Vec<_>>()
                };
                assert_eq!(
                    show(&setter.search(true)),
                    show(&setter.search(false)),
                    "{cells} cells: {s:?}"
                );
                paragraphs += 1;
            }
        }
        assert_eq!(paragraphs, 1600);
    }

    #[test]
    fn plain_text_fills_28_cells_on_the_columns() {
        let s = "政".repeat(26 + 28 * 2 + 5);
        let it = items(&s);
        let lines = break_grid(&it, &grid());
        assert_eq!(lines.len(), 4);
        for l in &lines[..3] {
            assert!(l.full);
            for &(_, x) in &l.pos {
                let col = x / PITCH;
                assert!((col - col.round()).abs() < 1e-3, "{col}");
            }
        }
        assert_eq!(lines[0].pos.len(), 26);
        assert_eq!(lines[1].pos.len(), 28);
    }

    #[test]
    fn a_closing_mark_hangs_and_an_opening_one_moves_down() {
        let s = format!("{}。后面", "政".repeat(26));
        let t = texts(&s);
        assert_eq!(t[0].chars().count(), 27, "{t:?}");
        assert!(t[0].ends_with('。'));
        let s = format!("{}（后面的字）", "政".repeat(25));
        let t = texts(&s);
        assert!(!t[0].ends_with('（'), "{t:?}");
        assert!(t[1].starts_with('（'));
    }

    #[test]
    fn numbers_keep_their_unit() {
        for k in 0..30 {
            let s = format!("{}共收到申请250件，办结31日。", "政".repeat(k));
            for l in texts(&s) {
                assert!(!l.ends_with(|c: char| c.is_ascii_digit()), "{k}: {l}");
            }
        }
        let s = format!("{}国办公开办函〔2021〕30 号文件", "政".repeat(13));
        for l in texts(&s) {
            assert!(!l.trim_end().ends_with('0'), "{l}");
        }
    }

    #[test]
    fn no_one_character_last_line() {
        for k in 0..60 {
            let s = format!("{}件。", "政".repeat(k + 20));
            let t = texts(&s);
            let last = t.last().unwrap();
            let core = last.chars().filter(|c| c.is_alphanumeric()).count();
            assert!(t.len() == 1 || core >= 2, "{k}: {t:?}");
        }
    }

    #[test]
    fn a_latin_run_is_centred_in_whole_cells() {
        let s = format!("{}2024年", "政".repeat(5));
        let it = items(&s);
        let l = &break_grid(&it, &grid())[0];
        // 2024: 4 × (8 − 0.207) = 31.2 pt → 2 cells; 年 on the column after them.
        let nian = l.pos.iter().find(|&&(i, _)| it[i].0 == '年').unwrap().1;
        assert!((nian / PITCH - 9.0).abs() < 1e-3, "{}", nian / PITCH);
    }

    #[test]
    fn a_free_cell_goes_to_a_run_inside_the_line_not_the_one_starting_it() {
        // demo 2023 page 1 had `1　　日至12月31日。…`: the short line's free cell went to
        // the flush-left `1`, opening a gap before 日.
        let mut seen = 0;
        for k in 0..40 {
            let s = format!(
                "{}1日至12月31日。本报告电子版可在青禾县人民政府门户网站（http://www.qinghexian.gov.cn）“政府信息公开”专栏。",
                "政".repeat(k)
            );
            let it = items(&s);
            for l in break_grid(&it, &grid()) {
                let Some(&(first, x0)) = l.pos.first() else {
                    continue;
                };
                let inner_latin = l.pos.iter().skip(2).any(|&(i, _)| it[i].0.is_ascii_digit());
                if it[first].0 != '1' || !is_wide(it[first + 1].0) || !l.full || !inner_latin {
                    continue;
                }
                seen += 1;
                let ri = l.pos.iter().find(|&&(i, _)| i == first + 1).unwrap().1;
                assert!((ri - x0 - PITCH).abs() < 1e-3, "{k}: {}", (ri - x0) / PITCH);
            }
        }
        assert!(seen > 0);
    }

    #[test]
    fn a_long_url_is_cut_instead_of_leaving_a_loose_line() {
        let s = format!(
            "{}网址http://www.qinghexian.gov.cn/col/col1563/art/2025/zfxxgkndbg_index.html?lmid=1563&nf=2024查阅。",
            "政".repeat(12)
        );
        let it = items(&s);
        let lines = break_grid(&it, &grid());
        for l in &lines[..lines.len() - 1] {
            let hanzi: Vec<f32> = l
                .pos
                .iter()
                .filter(|&&(i, _)| is_wide(it[i].0))
                .map(|&(_, x)| x)
                .collect();
            for w in hanzi.windows(2) {
                assert!(w[1] - w[0] <= 1.25 * PITCH + 0.01, "{lines:?}");
            }
        }
    }
}
