//! Pagination on the 22-line grid: blocks are placed slot by slot, headings kept with what
//! follows them, the signature kept whole; tables are placed by [`super::table`].

use nianbao_core::typography as ty;

use super::pages::{Line, Page, Rule};
use super::table::TableLayout;
use super::text::ImprintLayout;
use super::{AREA_H, AREA_W, AREA_X, AREA_Y, EPS, LINES, PITCH};

/// A block measured and broken into lines, not yet placed on a page.
pub(super) enum Prep {
    /// Lines on consecutive grid slots (x final, y relative to the slot top).
    Lines { lines: Vec<Line>, keep_next: bool },
    /// Empty grid slots.
    Blank(usize),
    /// A table.
    Table(TableLayout),
    /// Agency and date lines after a blank slot, kept together.
    Signature(Vec<Line>),
    /// The 版记, at the foot of the page.
    Imprint(ImprintLayout),
}

/// Least height the blocks need at the bottom of a page for a heading before them not to be
/// stranded there: their first line, or a table's header and first body row.
fn min_height(rest: &[Prep]) -> f32 {
    match rest.first() {
        None => 0.0,
        Some(Prep::Lines { lines, keep_next }) => {
            if *keep_next {
                lines.len() as f32 * PITCH + min_height(&rest[1..])
            } else if let (true, Some(Prep::Signature(sig))) = (lines.len() <= 3, rest.get(1)) {
                // A short paragraph before the signature moves with it whole (the 落款 rule).
                (lines.len() + ty::SIGNATURE_BLANK_LINES + sig.len()) as f32 * PITCH
            } else {
                PITCH
            }
        }
        Some(Prep::Blank(n)) => *n as f32 * PITCH + min_height(&rest[1..]),
        Some(Prep::Table(t)) => t.first_chunk(),
        Some(Prep::Signature(_)) => (ty::SIGNATURE_BLANK_LINES + 1) as f32 * PITCH,
        Some(Prep::Imprint(i)) => i.slots as f32 * PITCH,
    }
}

/// The page-filling state.
#[derive(Default)]
pub(super) struct Flow {
    pub pages: Vec<Page>,
    /// Offset from the top of the type area on the current page.
    pub y: f32,
    /// The next block of lines starts a new page before this line (the 落款 rule).
    split_before: Option<usize>,
}

impl Flow {
    /// Places `prep`; `rest` are the blocks after it (what a heading keeps with).
    pub fn place(&mut self, prep: &Prep, rest: &[Prep]) {
        match prep {
            Prep::Lines { lines, keep_next } => {
                let keep = if *keep_next { min_height(rest) } else { 0.0 };
                if let Some(Prep::Signature(sig)) = rest.first() {
                    self.before_signature(lines, sig.len());
                }
                self.lines(lines, keep);
            }
            Prep::Blank(n) => self.blank(*n),
            Prep::Table(t) => self.table(t),
            Prep::Signature(lines) => self.signature(lines),
            Prep::Imprint(imprint) => self.imprint(imprint),
        }
    }

    pub fn new_page(&mut self) {
        let number = self.pages.len() + 1;
        self.pages.push(Page {
            number,
            lines: Vec::new(),
            rules: Vec::new(),
        });
        self.y = 0.0;
    }

    pub fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.new_page();
        }
        let n = self.pages.len() - 1;
        &mut self.pages[n]
    }

    /// Index of the next free grid slot on this page.
    pub fn slot(&self) -> usize {
        ((self.y - EPS) / PITCH).ceil().max(0.0) as usize
    }

    pub fn free_slots(&self) -> usize {
        LINES.saturating_sub(self.slot())
    }

    pub fn at_top(&self) -> bool {
        self.y <= EPS
    }

    /// Places lines on consecutive slots; `keep` is the height the next block needs on the
    /// same page as the last of these lines (keep-with-next for headings and the title).
    fn lines(&mut self, lines: &[Line], keep: f32) {
        if keep > 0.0 && !self.at_top() {
            let free = self.free_slots() as f32 * PITCH;
            let need = lines.len() as f32 * PITCH + keep.min(AREA_H - lines.len() as f32 * PITCH);
            if need > free + EPS {
                self.new_page();
            }
        }
        let split = self.split_before.take();
        for (k, l) in lines.iter().enumerate() {
            if self.free_slots() == 0 || (split == Some(k) && !self.at_top()) {
                self.new_page();
            }
            let top = self.slot() as f32 * PITCH;
            let mut l = l.clone();
            l.y += AREA_Y + top;
            self.page().lines.push(l);
            self.y = top + PITCH;
        }
    }

    fn blank(&mut self, n: usize) {
        if self.at_top() {
            return;
        }
        for _ in 0..n {
            if self.free_slots() == 0 {
                self.new_page();
                return;
            }
            self.y = (self.slot() + 1) as f32 * PITCH;
        }
    }

    /// The 版记 at the foot of this page, its last rule on the bottom edge of the type area
    /// (GB/T 9704 §7.4.1), at least one empty line below what precedes it; on a new page
    /// when this one has no room.
    fn imprint(&mut self, imprint: &ImprintLayout) {
        if !self.at_top() && self.free_slots() < imprint.slots + 1 {
            self.new_page();
        }
        let top = AREA_Y + AREA_H - imprint.slots as f32 * PITCH;
        let page = self.page();
        for l in &imprint.lines {
            let mut l = l.clone();
            l.y += top;
            page.lines.push(l);
        }
        for &(y, width) in &imprint.rules {
            page.rules.push(Rule {
                x1: AREA_X,
                y1: top + y,
                x2: AREA_X + AREA_W,
                y2: top + y,
                width,
            });
        }
        self.y = AREA_H;
    }

    /// Before placing the paragraph `lines` that the signature (`sig` lines after its blank)
    /// follows: if its last two lines and the signature do not fit on this page, start the
    /// page break there, so the 落款 never stands alone (a paragraph of three lines or fewer
    /// moves whole, as Word's widow control moves it with `keepNext`).
    fn before_signature(&mut self, lines: &[Line], sig: usize) {
        let n = lines.len();
        let tail = if n <= 3 { n } else { 2 };
        let need = tail + ty::SIGNATURE_BLANK_LINES + sig;
        // Where the tail starts: after the first n − tail lines, which may fill pages.
        let free = self.free_slots();
        let head = n - tail;
        let free_at_tail = if head < free {
            free - head
        } else {
            LINES - (head - free) % LINES
        };
        if free_at_tail < need && need <= LINES && !(head == 0 && self.at_top()) {
            self.split_before = Some(head);
        }
    }

    /// The signature's lines after its blank line, all on one page.
    fn signature(&mut self, lines: &[Line]) {
        if self.free_slots() < lines.len() + ty::SIGNATURE_BLANK_LINES {
            self.new_page();
        } else {
            self.blank(ty::SIGNATURE_BLANK_LINES);
        }
        self.lines(lines, 0.0);
    }
}
