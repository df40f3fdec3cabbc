//! A subsetter for CID-keyed CFF fonts that keeps the charstrings as they are.
//!
//! `subsetter` 0.2 desubroutinizes: it decompiles every used glyph, subroutines inlined, into
//! a vector of instructions and compiles it back. For FandolFang, whose charstrings have no
//! subroutines at all, that is pure overhead: 12 ms and ~14 MB of short-lived heap (3,500 page
//! faults) for the 440 glyphs of the seed report, most of a cold build. Here the charstrings of
//! the used glyphs are copied byte for byte; the subroutines they call (found by scanning the
//! charstrings, hint masks and all) are kept and renumbered, the others dropped, and only the
//! operand in front of each call changes.
//!
//! Handles: CFF 1, CID-keyed (`ROS`), Type 2 charstrings whose subroutine numbers are written
//! literally before each call (what every font compiler emits). Anything else (a name-keyed
//! font, an arithmetic operator, a computed subroutine number, a global subroutine that calls
//! local subroutines of different font dicts, damaged data) returns `None`, and the caller falls
//! back to `subsetter`, which also converts name-keyed fonts.
//!
//! Output contract, the same as `subsetter`'s: a bare CID-keyed CFF whose glyph *i* (in the
//! order of the [`GlyphRemapper`], `.notdef` first) has CID *i*.

use std::collections::{BTreeMap, BTreeSet};

use subsetter::GlyphRemapper;

// DICT operators; two-byte operators (12 x) as 1200 + x.
const OP_UNIQUE_ID: u16 = 13;
const OP_XUID: u16 = 14;
const OP_CHARSET: u16 = 15;
const OP_ENCODING: u16 = 16;
const OP_CHAR_STRINGS: u16 = 17;
const OP_PRIVATE: u16 = 18;
const OP_SUBRS: u16 = 19;
const OP_CHARSTRING_TYPE: u16 = 1206;
const OP_ROS: u16 = 1230;
const OP_UID_BASE: u16 = 1235;
const OP_FD_ARRAY: u16 = 1236;
const OP_FD_SELECT: u16 = 1237;

/// Deepest subroutine nesting accepted (the Type 2 limit is 10).
const MAX_DEPTH: u8 = 16;
/// Largest argument stack accepted (the Type 2 limit is 48).
const MAX_STACK: usize = 96;

/// Big-endian unsigned number of `size` bytes at `at` (also the sfnt table directory's).
pub(crate) fn be(data: &[u8], at: usize, size: usize) -> Option<usize> {
    let bytes = data.get(at..at.checked_add(size)?)?;
    Some(
        bytes
            .iter()
            .fold(0usize, |acc, &b| acc << 8 | usize::from(b)),
    )
}

/// A CFF INDEX, read lazily.
#[derive(Clone, Copy)]
struct Index<'a> {
    count: usize,
    off_size: usize,
    offsets: &'a [u8],
    data: &'a [u8],
}

impl<'a> Index<'a> {
    const EMPTY: Index<'static> = Index {
        count: 0,
        off_size: 1,
        offsets: &[],
        data: &[],
    };

    /// The INDEX at `at` and the position just after it.
    fn parse(cff: &'a [u8], at: usize) -> Option<(Index<'a>, usize)> {
        let count = be(cff, at, 2)?;
        if count == 0 {
            return Some((Index::EMPTY, at + 2));
        }
        let off_size = usize::from(*cff.get(at + 2)?);
        if !(1..=4).contains(&off_size) {
            return None;
        }
        let offsets_start = at + 3;
        let offsets_len = (count + 1) * off_size;
        let offsets = cff.get(offsets_start..offsets_start.checked_add(offsets_len)?)?;
        let data_len = be(offsets, count * off_size, off_size)?.checked_sub(1)?;
        let data_start = offsets_start + offsets_len;
        let data = cff.get(data_start..data_start.checked_add(data_len)?)?;
        Some((
            Index {
                count,
                off_size,
                offsets,
                data,
            },
            data_start + data_len,
        ))
    }

    fn get(&self, i: usize) -> Option<&'a [u8]> {
        if i >= self.count {
            return None;
        }
        let a = be(self.offsets, i * self.off_size, self.off_size)?.checked_sub(1)?;
        let b = be(self.offsets, (i + 1) * self.off_size, self.off_size)?.checked_sub(1)?;
        self.data.get(a..b)
    }
}

/// Where an INDEX keeps its items, from its header and offsets alone (the items need not
/// have been read): what a sparse read of a font file needs to leave the glyph programs out
/// and read back only those a build uses (`fonts::FontBytes`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct IndexLayout {
    /// Number of items.
    pub count: usize,
    off_size: usize,
    offsets_start: usize,
    /// Where the items' data starts and ends in the table.
    pub data: (usize, usize),
}

impl IndexLayout {
    /// The INDEX at `at` of `cff`, whose header and offsets (not items) must be present.
    pub(crate) fn at(cff: &[u8], at: usize) -> Option<IndexLayout> {
        let count = be(cff, at, 2)?;
        if count == 0 {
            return None;
        }
        let off_size = usize::from(*cff.get(at + 2)?);
        if !(1..=4).contains(&off_size) {
            return None;
        }
        let offsets_start = at + 3;
        let offsets_len = (count + 1).checked_mul(off_size)?;
        let data_start = offsets_start.checked_add(offsets_len)?;
        let last = be(cff, offsets_start + count * off_size, off_size)?.checked_sub(1)?;
        Some(IndexLayout {
            count,
            off_size,
            offsets_start,
            data: (data_start, data_start.checked_add(last)?),
        })
    }

    /// The bytes of `at` bytes of header and offsets: how much to read before [`Self::at`].
    pub(crate) fn header_len(cff: &[u8], at: usize) -> Option<usize> {
        let count = be(cff, at, 2)?;
        let off_size = usize::from(*cff.get(at + 2)?);
        3usize.checked_add((count + 1).checked_mul(off_size)?)
    }

    /// Where item `i` is in the table.
    pub(crate) fn item(&self, cff: &[u8], i: usize) -> Option<(usize, usize)> {
        if i >= self.count {
            return None;
        }
        let a = be(cff, self.offsets_start + i * self.off_size, self.off_size)?.checked_sub(1)?;
        let b = be(
            cff,
            self.offsets_start + (i + 1) * self.off_size,
            self.off_size,
        )?
        .checked_sub(1)?;
        let (a, b) = (self.data.0.checked_add(a)?, self.data.0.checked_add(b)?);
        (a <= b && b <= self.data.1).then_some((a, b))
    }
}

/// The offset of the CharStrings INDEX of the CFF table `cff`, of which only the start
/// (header, Name and Top DICT INDEXes) need be present.
pub(crate) fn charstrings_at(cff: &[u8]) -> Option<usize> {
    let header_len = usize::from(*cff.get(2)?);
    let (_, names_end) = Index::parse(cff, header_len)?;
    let (tops, _) = Index::parse(cff, names_end)?;
    let top = parse_dict(tops.get(0)?)?;
    dict_offset(&top, OP_CHAR_STRINGS)
}

fn off_size_for(max_offset: usize) -> usize {
    match max_offset {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFF_FFFF => 3,
        _ => 4,
    }
}

/// Bytes an INDEX of `count` objects with `data_len` bytes in all takes.
fn index_len(count: usize, data_len: usize) -> usize {
    if count == 0 {
        2
    } else {
        3 + (count + 1) * off_size_for(data_len + 1) + data_len
    }
}

/// Appends an INDEX of `items`.
fn write_index<T: AsRef<[u8]>>(out: &mut Vec<u8>, items: &[T]) -> Option<()> {
    out.extend_from_slice(&u16::try_from(items.len()).ok()?.to_be_bytes());
    if items.is_empty() {
        return Some(());
    }
    let data_len: usize = items.iter().map(|i| i.as_ref().len()).sum();
    let off_size = off_size_for(data_len + 1);
    out.push(off_size as u8);
    let mut offset = 1usize;
    let push = |out: &mut Vec<u8>, v: usize| {
        out.extend_from_slice(&v.to_be_bytes()[std::mem::size_of::<usize>() - off_size..]);
    };
    push(out, offset);
    for item in items {
        offset += item.as_ref().len();
        push(out, offset);
    }
    for item in items {
        out.extend_from_slice(item.as_ref());
    }
    Some(())
}

/// Appends an INDEX of objects laid out one after another in `data`, object *i* ending at
/// `ends[i]`.
fn write_index_parts(out: &mut Vec<u8>, ends: &[usize], data: &[u8]) -> Option<()> {
    out.extend_from_slice(&u16::try_from(ends.len()).ok()?.to_be_bytes());
    if ends.is_empty() {
        return Some(());
    }
    let off_size = off_size_for(data.len() + 1);
    out.push(off_size as u8);
    let skip = std::mem::size_of::<usize>() - off_size;
    out.extend_from_slice(&1usize.to_be_bytes()[skip..]);
    for end in ends {
        out.extend_from_slice(&(end + 1).to_be_bytes()[skip..]);
    }
    out.extend_from_slice(data);
    Some(())
}

/// One DICT entry: operator, its operand bytes, and the whole entry as written.
struct Entry<'a> {
    op: u16,
    operands: &'a [u8],
    raw: &'a [u8],
}

fn parse_dict(data: &[u8]) -> Option<Vec<Entry<'_>>> {
    let mut out = Vec::new();
    let (mut i, mut start) = (0, 0);
    while i < data.len() {
        match data[i] {
            28 => i += 3,
            29 => i += 5,
            30 => {
                // A real: nibbles up to the end nibble 0xf.
                i += 1;
                loop {
                    let n = *data.get(i)?;
                    i += 1;
                    if n >> 4 == 0xF || n & 0xF == 0xF {
                        break;
                    }
                }
            }
            32..=246 => i += 1,
            247..=254 => i += 2,
            b @ 0..=21 => {
                let (op, len) = if b == 12 {
                    (1200 + u16::from(*data.get(i + 1)?), 2)
                } else {
                    (u16::from(b), 1)
                };
                out.push(Entry {
                    op,
                    operands: data.get(start..i)?,
                    raw: data.get(start..i + len)?,
                });
                i += len;
                start = i;
            }
            _ => return None,
        }
    }
    (i == data.len() && start == i).then_some(out)
}

/// The operands of a DICT entry, all integers (`None` if one is a real or damaged).
fn dict_ints(operands: &[u8]) -> Option<Vec<i64>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < operands.len() {
        let b0 = operands[i];
        let b = |k: usize| operands.get(i + k).map(|&v| i64::from(v));
        let (v, len) = match b0 {
            28 => (
                i64::from(i16::from_be_bytes([
                    *operands.get(i + 1)?,
                    *operands.get(i + 2)?,
                ])),
                3,
            ),
            29 => (
                i64::from(i32::from_be_bytes(
                    operands.get(i + 1..i + 5)?.try_into().ok()?,
                )),
                5,
            ),
            32..=246 => (i64::from(b0) - 139, 1),
            247..=250 => ((i64::from(b0) - 247) * 256 + b(1)? + 108, 2),
            251..=254 => (-(i64::from(b0) - 251) * 256 - b(1)? - 108, 2),
            _ => return None,
        };
        out.push(v);
        i += len;
    }
    Some(out)
}

fn find<'a, 'e>(dict: &'e [Entry<'a>], op: u16) -> Option<&'e Entry<'a>> {
    dict.iter().find(|e| e.op == op)
}

/// The single non-negative integer operand of `op`.
fn dict_offset(dict: &[Entry<'_>], op: u16) -> Option<usize> {
    match dict_ints(find(dict, op)?.operands)?.as_slice() {
        [v] => usize::try_from(*v).ok(),
        _ => None,
    }
}

/// A DICT integer in the fixed five-byte form, so sizes are known before values.
fn int5(v: usize) -> Option<[u8; 5]> {
    let b = i32::try_from(v).ok()?.to_be_bytes();
    Some([29, b[0], b[1], b[2], b[3]])
}

/// Glyph → font dict.
enum FdSelect<'a> {
    Format0(&'a [u8]),
    /// Range starts with their font dict, and the sentinel (one past the last glyph).
    Format3(Vec<(usize, u8)>, usize),
}

impl<'a> FdSelect<'a> {
    fn parse(cff: &'a [u8], at: usize, glyphs: usize) -> Option<Self> {
        match *cff.get(at)? {
            0 => Some(FdSelect::Format0(cff.get(at + 1..at + 1 + glyphs)?)),
            3 => {
                let n = be(cff, at + 1, 2)?;
                let ranges = (0..n)
                    .map(|k| {
                        let p = at + 3 + k * 3;
                        Some((be(cff, p, 2)?, *cff.get(p + 2)?))
                    })
                    .collect::<Option<Vec<_>>>()?;
                let sentinel = be(cff, at + 3 + n * 3, 2)?;
                Some(FdSelect::Format3(ranges, sentinel))
            }
            _ => None,
        }
    }

    fn fd(&self, gid: usize) -> Option<u8> {
        match self {
            FdSelect::Format0(fds) => fds.get(gid).copied(),
            FdSelect::Format3(ranges, sentinel) => {
                if gid >= *sentinel {
                    return None;
                }
                let k = ranges.partition_point(|r| r.0 <= gid).checked_sub(1)?;
                Some(ranges[k].1)
            }
        }
    }
}

/// Where a charstring calls a subroutine: the bytes of the number operand before the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Site {
    start: usize,
    end: usize,
    global: bool,
    /// Unbiased subroutine number in the original font.
    old: usize,
}

/// Subroutine bias of an INDEX with `count` entries (Type 2 charstring spec, 4.7).
fn bias(count: usize) -> i64 {
    if count < 1240 {
        107
    } else if count < 33900 {
        1131
    } else {
        32768
    }
}

/// What the scan found in one charstring or subroutine (the same in every context it ran in).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Unit {
    /// Subroutine calls, in order.
    sites: Vec<Site>,
    /// Bytes to keep when written on its own (up to and including the `return` or the
    /// operator that ended the glyph; anything after is never executed).
    keep: usize,
    /// Bytes to keep when inlined into its caller (without the final `return`).
    body: usize,
}

/// How interpreting a charstring stopped.
enum Exit {
    /// At a `return` operator at this position.
    Return(usize),
    /// The glyph ended (`endchar`, here or in a subroutine called) just before this position.
    EndChar(usize),
    /// At the end of the bytes.
    End,
}

impl Unit {
    fn new(sites: Vec<Site>, exit: &Exit, len: usize) -> Self {
        let (keep, body) = match *exit {
            Exit::Return(at) => (at + 1, at),
            Exit::EndChar(at) => (at, at),
            Exit::End => (len, len),
        };
        Unit { sites, keep, body }
    }
}

/// A subroutine reached from the glyphs kept.
struct Reached {
    unit: Unit,
    /// For a global subroutine that calls local ones: the font dict it ran under.
    fd: Option<u8>,
    /// Call sites in the code written out (counted after the scan).
    calls: u32,
    /// Number in the subset, if written as a subroutine (set after counting).
    new: Option<usize>,
    /// What running it did, per context seen.
    memo: Vec<Memo>,
}

/// One run of a subroutine: (font dict, stems, stack depth) on entry → stems and stack depth
/// after it, and whether the glyph ended. Its effect depends on nothing else, so a call in a
/// known context need not be interpreted again (the Noto faces call the same few subroutines
/// thousands of times).
struct Memo {
    context: (u8, usize, usize),
    stems: usize,
    depth: usize,
    ended: bool,
}

/// A subroutine INDEX and the entries the glyphs reach (a few hundred of up to tens of
/// thousands: kept sparse, so a big font costs nothing for the subroutines it does not use).
struct Subrs<'a> {
    index: Index<'a>,
    reached: BTreeMap<usize, Reached>,
    /// Bias of the subset's INDEX.
    new_bias: i64,
}

impl<'a> Subrs<'a> {
    fn new(index: Index<'a>) -> Self {
        Subrs {
            index,
            reached: BTreeMap::new(),
            new_bias: 0,
        }
    }

    /// The subroutines written out as subroutines, in order: those called from two places or
    /// more (one called from a single place is inlined there, which is smaller and no slower).
    fn kept(&self) -> impl Iterator<Item = (usize, &Reached)> + '_ {
        self.reached
            .iter()
            .filter(|(_, r)| r.calls > 1)
            .map(|(&i, r)| (i, r))
    }

    /// Numbers the subroutines kept.
    fn renumber(&mut self) {
        let mut next = 0;
        for r in self.reached.values_mut() {
            if r.calls > 1 {
                r.new = Some(next);
                next += 1;
            }
        }
        self.new_bias = bias(next);
    }
}

/// A Type 2 charstring token.
enum Token {
    /// An operand: its value (`None` for a 16.16 fixed-point number) and length in bytes.
    Number(Option<i64>, usize),
    /// An operator (one byte, or two after the escape 12).
    Operator,
}

/// The token at `code[i]`; `None` when the data ends inside it.
fn token(code: &[u8], i: usize) -> Option<Token> {
    let b0 = code[i];
    let byte = |k: usize| code.get(i + k).map(|&b| i64::from(b));
    Some(match b0 {
        28 => Token::Number(
            Some(i64::from(i16::from_be_bytes([
                *code.get(i + 1)?,
                *code.get(i + 2)?,
            ]))),
            3,
        ),
        32..=246 => Token::Number(Some(i64::from(b0) - 139), 1),
        247..=250 => Token::Number(Some((i64::from(b0) - 247) * 256 + byte(1)? + 108), 2),
        251..=254 => Token::Number(Some(-(i64::from(b0) - 251) * 256 - byte(1)? - 108), 2),
        255 => Token::Number(None, 5),
        _ => Token::Operator,
    })
}

/// The operator at `code[i]` (one byte, or two after the escape 12, as 1200 + the second)
/// and the position after it; `None` when the data ends inside it.
fn operator(code: &[u8], i: usize) -> Option<(u16, usize)> {
    match *code.get(i)? {
        12 => Some((1200 + u16::from(*code.get(i + 1)?), i + 2)),
        b => Some((u16::from(b), i + 1)),
    }
}

/// Whether `op` is a hint operator: a stem hint (`hstem`, `vstem`, `hstemhm`, `vstemhm`) or
/// a hint or counter mask.
pub(crate) fn is_hint(op: u16) -> bool {
    matches!(op, 1 | 3 | 18 | 23 | 19 | 20)
}

/// Walks Type 2 charstrings the way an interpreter does (operand stack, stem count for hint
/// masks, subroutine calls), recording every call site.
struct Scanner<'a> {
    global: Subrs<'a>,
    local: Vec<Subrs<'a>>,
    /// Only whether each operand is an integer (and which) matters here.
    stack: Vec<Option<i64>>,
    stems: usize,
}

impl<'a> Scanner<'a> {
    fn glyph(&mut self, code: &'a [u8], fd: u8) -> Option<Unit> {
        self.stack.clear();
        self.stems = 0;
        let mut sites = Vec::new();
        let exit = self.run(code, fd, 0, &mut sites)?;
        Some(Unit::new(sites, &exit, code.len()))
    }

    /// Interprets `code`, recording its call sites in `sites`.
    fn run(&mut self, code: &'a [u8], fd: u8, depth: u8, sites: &mut Vec<Site>) -> Option<Exit> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut i = 0;
        // The last token, if it was an integer operand: (start, end).
        let mut last_number: Option<(usize, usize)> = None;
        while i < code.len() {
            let b0 = code[i];
            if let Token::Number(value, len) = token(code, i)? {
                if i + len > code.len() || self.stack.len() >= MAX_STACK {
                    return None;
                }
                self.stack.push(value);
                last_number = value.map(|_| (i, i + len));
                i += len;
                continue;
            }
            let op_start = i;
            let op = if b0 == 12 {
                i += 2;
                1200 + u16::from(*code.get(op_start + 1)?)
            } else {
                i += 1;
                u16::from(b0)
            };
            let operand = last_number.take();
            match op {
                // hstem, vstem, hstemhm, vstemhm (an odd count starts with the width).
                1 | 3 | 18 | 23 => {
                    self.stems += self.stack.len() / 2;
                    self.stack.clear();
                }
                // hintmask, cntrmask: stems still on the stack are an implied vstem; then one
                // bit per stem.
                19 | 20 => {
                    self.stems += self.stack.len() / 2;
                    self.stack.clear();
                    i += self.stems.div_ceil(8);
                    if i > code.len() {
                        return None;
                    }
                }
                // Path construction and flex: clear the stack.
                4..=8 | 21 | 22 | 24..=27 | 30 | 31 | 1234..=1237 => self.stack.clear(),
                // callsubr, callgsubr: only a number written right before the call can be
                // renumbered.
                10 | 29 => {
                    let (start, end) = operand.filter(|o| o.1 == op_start)?;
                    let site = (start, end, op == 29);
                    if self.call(site, fd, depth, sites)? {
                        return Some(Exit::EndChar(i));
                    }
                }
                // return
                11 => return Some(Exit::Return(op_start)),
                // endchar; with 4 arguments (and a width) it is the deprecated seac.
                14 => return (self.stack.len() < 4).then_some(Exit::EndChar(i)),
                _ => return None,
            }
        }
        Some(Exit::End)
    }

    /// Follows the subroutine call whose number operand is at `start..end` of the code being
    /// run (`global` for callgsubr), recording the site and, the first time in a context, the
    /// subroutine's own calls. Whether the glyph ended inside it.
    fn call(
        &mut self,
        (start, end, global): (usize, usize, bool),
        fd: u8,
        depth: u8,
        sites: &mut Vec<Site>,
    ) -> Option<bool> {
        let biased = self.stack.pop()??;
        let table = if global {
            &self.global
        } else {
            self.local.get(usize::from(fd))?
        };
        let old = usize::try_from(biased + bias(table.index.count)).ok()?;
        let sub = table.index.get(old)?;
        sites.push(Site {
            start,
            end,
            global,
            old,
        });
        let context = (fd, self.stems, self.stack.len());
        let known = table
            .reached
            .get(&old)
            .and_then(|r| r.memo.iter().find(|m| m.context == context));
        if let Some(m) = known {
            // Values left on the stack are never subroutine numbers (those must be written
            // right before the call), so only the depth matters.
            let ended = m.ended;
            self.stems = m.stems;
            self.stack.resize(m.depth, None);
            return Some(ended);
        }
        let mut inner = Vec::new();
        let exit = self.run(sub, fd, depth + 1, &mut inner)?;
        let calls_local = inner.iter().any(|s| !s.global);
        let unit = Unit::new(inner, &exit, sub.len());
        let table = if global {
            &mut self.global
        } else {
            self.local.get_mut(usize::from(fd))?
        };
        let reached = table.reached.entry(old).or_insert_with(|| Reached {
            unit: unit.clone(),
            fd: None,
            calls: 0,
            new: None,
            memo: Vec::new(),
        });
        // The same bytes must parse the same way in every context.
        if reached.unit != unit {
            return None;
        }
        if global && calls_local {
            match reached.fd {
                None => reached.fd = Some(fd),
                Some(f) if f == fd => {}
                Some(_) => return None,
            }
        }
        let ended = matches!(exit, Exit::EndChar(_));
        reached.memo.push(Memo {
            context,
            stems: self.stems,
            depth: self.stack.len(),
            ended,
        });
        Some(ended)
    }

    /// Counts, for every subroutine reached, the call sites in the code that will be written:
    /// the glyphs', and those of subroutines that are themselves kept or inlined.
    fn count_calls(&mut self, glyphs: &[(&[u8], u8, Unit)]) {
        // (global, font dict, subroutine) of every call site written.
        let mut calls: Vec<(bool, usize, usize)> = Vec::new();
        let mut add = |sites: &[Site], fd: usize| {
            calls.extend(sites.iter().map(|s| (s.global, fd, s.old)));
        };
        for (_, fd, unit) in glyphs {
            add(&unit.sites, usize::from(*fd));
        }
        // Every unit reached is written exactly once, inlined or kept: count its sites once.
        for r in self.global.reached.values() {
            add(&r.unit.sites, usize::from(r.fd.unwrap_or(0)));
        }
        for (fd, table) in self.local.iter().enumerate() {
            for r in table.reached.values() {
                add(&r.unit.sites, fd);
            }
        }
        for (global, fd, old) in calls {
            let table = if global {
                Some(&mut self.global)
            } else {
                self.local.get_mut(fd)
            };
            if let Some(r) = table.and_then(|t| t.reached.get_mut(&old)) {
                r.calls += 1;
            }
        }
    }
}

/// Appends a Type 2 integer operand.
fn push_number(out: &mut Vec<u8>, v: i64) -> Option<()> {
    match v {
        -107..=107 => out.push((v + 139) as u8),
        108..=1131 => {
            let w = v - 108;
            out.extend_from_slice(&[(w / 256 + 247) as u8, (w % 256) as u8]);
        }
        -1131..=-108 => {
            let w = -v - 108;
            out.extend_from_slice(&[(w / 256 + 251) as u8, (w % 256) as u8]);
        }
        _ => {
            out.push(28);
            out.extend_from_slice(&i16::try_from(v).ok()?.to_be_bytes());
        }
    }
    Some(())
}

/// Writes charstrings with the subroutines of the scan renumbered or inlined.
struct Rewriter<'s, 'a> {
    global: &'s Subrs<'a>,
    local: &'s [Subrs<'a>],
}

impl Rewriter<'_, '_> {
    /// Appends `code[..len]` with every call renumbered, or replaced by the subroutine's body
    /// where that subroutine is inlined. `fd`: the font dict local calls refer to.
    fn emit(
        &self,
        out: &mut Vec<u8>,
        code: &[u8],
        sites: &[Site],
        len: usize,
        fd: u8,
        depth: u8,
    ) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut at = 0;
        for s in sites {
            out.extend_from_slice(code.get(at..s.start)?);
            let table = if s.global {
                self.global
            } else {
                self.local.get(usize::from(fd))?
            };
            let reached = table.reached.get(&s.old)?;
            match reached.new {
                Some(new) => {
                    push_number(out, i64::try_from(new).ok()? - table.new_bias)?;
                    at = s.end;
                }
                None => {
                    // Inline: the body replaces the operand and the one-byte call operator.
                    let sub = table.index.get(s.old)?;
                    let sub_fd = if s.global {
                        reached.fd.unwrap_or(fd)
                    } else {
                        fd
                    };
                    let u = &reached.unit;
                    self.emit(out, sub, &u.sites, u.body, sub_fd, depth + 1)?;
                    at = s.end + 1;
                }
            }
        }
        out.extend_from_slice(code.get(at..len.max(at))?);
        Some(())
    }

    /// A unit written on its own (a glyph, or a subroutine kept).
    fn unit(&self, code: &[u8], unit: &Unit, fd: u8) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(unit.keep + 8);
        self.emit(&mut out, code, &unit.sites, unit.keep, fd, 0)?;
        Some(out)
    }
}

/// One font dict of the source font.
struct FontDict<'a> {
    dict: Vec<Entry<'a>>,
    private: Vec<Entry<'a>>,
}

/// What the subset is made from: the source font's tables, parsed lazily.
struct Source<'a> {
    /// The Name INDEX, copied as it is.
    names: &'a [u8],
    top: Vec<Entry<'a>>,
    /// The String INDEX, copied as it is.
    strings: &'a [u8],
    gsubrs: Index<'a>,
    charstrings: Index<'a>,
    fd_select: FdSelect<'a>,
    fds: Vec<FontDict<'a>>,
    /// Local subroutines of each font dict.
    local: Vec<Index<'a>>,
    /// Where the glyph programs are when not in `charstrings` ([`subset_cid_with`]).
    programs: Option<&'a crate::fonts::Programs>,
}

impl<'a> Source<'a> {
    /// Reads a CFF 1 CID-keyed font with Type 2 charstrings; `None` for anything else.
    fn parse(cff: &'a [u8]) -> Option<Self> {
        if *cff.first()? != 1 {
            return None;
        }
        let header_len = usize::from(*cff.get(2)?);
        let (_, names_end) = Index::parse(cff, header_len)?;
        let names = cff.get(header_len..names_end)?;
        let (tops, tops_end) = Index::parse(cff, names_end)?;
        if tops.count != 1 {
            return None;
        }
        let top = parse_dict(tops.get(0)?)?;
        let (_, strings_end) = Index::parse(cff, tops_end)?;
        let strings = cff.get(tops_end..strings_end)?;
        let (gsubrs, _) = Index::parse(cff, strings_end)?;
        find(&top, OP_ROS)?;
        if let Some(e) = find(&top, OP_CHARSTRING_TYPE) {
            if dict_ints(e.operands)? != [2] {
                return None;
            }
        }
        let (charstrings, _) = Index::parse(cff, dict_offset(&top, OP_CHAR_STRINGS)?)?;
        let (fd_array, _) = Index::parse(cff, dict_offset(&top, OP_FD_ARRAY)?)?;
        let fd_select = FdSelect::parse(cff, dict_offset(&top, OP_FD_SELECT)?, charstrings.count)?;
        let mut fds = Vec::with_capacity(fd_array.count);
        let mut local = Vec::with_capacity(fd_array.count);
        for k in 0..fd_array.count {
            let dict = parse_dict(fd_array.get(k)?)?;
            let (size, offset) = match dict_ints(find(&dict, OP_PRIVATE)?.operands)?.as_slice() {
                [s, o] => (usize::try_from(*s).ok()?, usize::try_from(*o).ok()?),
                _ => return None,
            };
            let private = parse_dict(cff.get(offset..offset.checked_add(size)?)?)?;
            let subrs = match find(&private, OP_SUBRS) {
                Some(_) => {
                    Index::parse(cff, offset.checked_add(dict_offset(&private, OP_SUBRS)?)?)?.0
                }
                None => Index::EMPTY,
            };
            local.push(subrs);
            fds.push(FontDict { dict, private });
        }
        Some(Source {
            names,
            top,
            strings,
            gsubrs,
            charstrings,
            fd_select,
            fds,
            local,
            programs: None,
        })
    }
}

/// A glyph of the subset: its charstring, font dict, and the calls found in it.
type Glyph<'a> = (&'a [u8], u8, Unit);

/// The subset's font dicts: the dict (Private rewritten), the private dict (Subrs
/// rewritten) and its local subroutines.
struct FdOut {
    dict: Vec<u8>,
    private: Vec<u8>,
    subrs: Vec<u8>,
}

/// Whether a subset keeps the glyphs' hints.
///
/// Hints (stem zones and the masks that switch them) tell a rasterizer how to snap stems to
/// the pixel grid; they do not change an outline. The PDF drops them ([`Hints::Drop`]): the
/// readers a report is opened in render an embedded bare CFF font without them anyway
/// (PDFium, in Chrome, Edge and the portals' previews, loads every non-sfnt face with
/// `FT_LOAD_NO_HINTING`; pdf.js draws outlines as paths; MuPDF and poppler do not hint by
/// default), a printer's resolution makes them moot, and they are 5 % of the body face's
/// compressed subset (docs/performance.md). The OFD keeps them: its readers are less known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hints {
    Keep,
    Drop,
}

/// Subsets the bare CFF table `cff` (CID-keyed) to the glyphs of `remap`. `None` when the
/// font is not one this handles; the caller then uses the general subsetter. Hints kept.
#[cfg(test)]
pub(crate) fn subset_cid(cff: &[u8], remap: &GlyphRemapper) -> Option<Vec<u8>> {
    subset_cid_with(cff, remap, None, Hints::Keep)
}

/// Subsets the bare CFF table `cff` (CID-keyed) to the glyphs of `remap`; `None` when the
/// font is not one this handles (the caller then uses the general subsetter). The glyph
/// programs are taken from `programs` when given (glyph id → its charstring, for every glyph
/// of `remap`) instead of the table's CharStrings INDEX: a font loaded lean holds the glyph
/// programs it read for a subset apart, packed (`fonts::Programs`). The output is the same
/// as from the whole table.
///
/// With [`Hints::Drop`], a glyph that calls no subroutine is written without its hints
/// ([`strip_hints`]); one that does (hints may sit in a shared subroutine) keeps them.
pub(crate) fn subset_cid_with<'a>(
    cff: &'a [u8],
    remap: &GlyphRemapper,
    programs: Option<&'a crate::fonts::Programs>,
    hints: Hints,
) -> Option<Vec<u8>> {
    let mut src = Source::parse(cff)?;
    src.programs = programs;
    let mut scanner = Scanner {
        global: Subrs::new(src.gsubrs),
        local: src.local.iter().map(|&l| Subrs::new(l)).collect(),
        stack: Vec::with_capacity(MAX_STACK),
        stems: 0,
    };
    let glyphs = scan_glyphs(&src, remap, &mut scanner)?;
    scanner.count_calls(&glyphs);
    let used_fds: BTreeSet<u8> = glyphs.iter().map(|g| g.1).collect();
    let mut new_fd = [0u8; 256];
    for (k, &fd) in used_fds.iter().enumerate() {
        new_fd[usize::from(fd)] = u8::try_from(k).ok()?;
    }
    scanner.global.renumber();
    for l in &mut scanner.local {
        l.renumber();
    }
    let rw = Rewriter {
        global: &scanner.global,
        local: &scanner.local,
    };
    // The glyphs go straight into one buffer (an INDEX is offsets, then the data in a row).
    let mut glyph_data = Vec::with_capacity(glyphs.iter().map(|g| g.2.keep + 4).sum());
    let mut glyph_ends = Vec::with_capacity(glyphs.len());
    for (code, fd, unit) in &glyphs {
        let start = glyph_data.len();
        let stripped = hints == Hints::Drop
            && unit.sites.is_empty()
            && strip_hints(code.get(..unit.keep)?, &mut glyph_data).is_some();
        if !stripped {
            glyph_data.truncate(start);
            rw.emit(&mut glyph_data, code, &unit.sites, unit.keep, *fd, 0)?;
        }
        glyph_ends.push(glyph_data.len());
    }
    let global_codes = scanner
        .global
        .kept()
        .map(|(i, r)| rw.unit(scanner.global.index.get(i)?, &r.unit, r.fd.unwrap_or(0)))
        .collect::<Option<Vec<_>>>()?;
    let fd_out = font_dicts(&src, &scanner, &rw, &used_fds)?;
    let pieces = Pieces {
        global_codes,
        charset: charset(glyphs.len())?,
        fd_select: fd_select(&glyphs, &new_fd)?,
        glyph_ends,
        glyph_data,
        fd_out,
    };
    assemble(&src, &pieces)
}

/// Appends the charstring `code`, which calls no subroutine, without its hints: the stem
/// hints (`hstem`, `vstem`, `hstemhm`, `vstemhm`) and the hint and counter masks, with their
/// operands and mask bytes; every other operand and operator is copied as it is, so the
/// outline is the same. A width written in front of the first stem hint (the Type 2 rule: an
/// odd operand count on the first stack-clearing operator) moves to the operator that now
/// comes first (a moveto or `endchar`, where a width may stand too). `None` for a
/// charstring with anything else (a subroutine call, an arithmetic operator, damage): what
/// was appended is then to be thrown away.
fn strip_hints(code: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let mut i = 0;
    // Where the operands of the next operator start, how many there are, and where the
    // second starts (the end of a width in front of them).
    let mut seg = 0;
    let mut n = 0usize;
    let mut second = 0;
    let mut stems = 0usize;
    let mut first = true;
    let mut width: Option<(usize, usize)> = None;
    while i < code.len() {
        if let Token::Number(_, len) = token(code, i)? {
            if i + len > code.len() || n >= MAX_STACK {
                return None;
            }
            if n == 1 {
                second = i;
            }
            n += 1;
            i += len;
            continue;
        }
        let op_start = i;
        let op;
        (op, i) = operator(code, i)?;
        match op {
            // Stem hints; hint and counter masks (operands still on the stack are an implied
            // vstem), followed by one bit per stem.
            op if is_hint(op) => {
                if first && n % 2 == 1 {
                    width = Some((seg, if n > 1 { second } else { op_start }));
                }
                stems += n / 2;
                if op == 19 || op == 20 {
                    i += stems.div_ceil(8);
                    if i > code.len() {
                        return None;
                    }
                }
            }
            // Path construction, flex and endchar: kept, behind a width moved here.
            4..=8 | 14 | 21 | 22 | 24..=27 | 30 | 31 | 1234..=1237 => {
                if let Some((a, b)) = width.take() {
                    out.extend_from_slice(code.get(a..b)?);
                }
                out.extend_from_slice(code.get(seg..i)?);
                if op == 14 {
                    return Some(());
                }
            }
            _ => return None,
        }
        first = false;
        n = 0;
        seg = i;
    }
    // Every glyph ends with `endchar` (it calls no subroutine that could end it).
    None
}

/// The fuzz target's way in (`fuzz/fuzz_targets/cff.rs`): `data` is a glyph count `n` (one
/// byte, at most 64), `n` glyph ids (two bytes each, big-endian) and then a bare CFF table.
/// Never panics; when both ttf-parser and this subsetter accept the table, the subset, with
/// hints and without, must parse again with the requested number of glyphs (what the PDF
/// writer relies on).
pub(crate) fn fuzz(data: &[u8]) {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = usize::from(n.min(64));
    let Some((ids, cff)) = rest.split_at_checked(2 * n) else {
        return;
    };
    let mut gids: Vec<u16> = ids
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    gids.sort_unstable();
    gids.dedup();
    let remap = GlyphRemapper::new_from_glyphs_sorted(&gids);
    for hints in [Hints::Keep, Hints::Drop] {
        let Some(sub) = subset_cid_with(cff, &remap, None, hints) else {
            return;
        };
        if let Some(original) = ttf_parser::cff::Table::parse(cff) {
            if gids.iter().all(|&g| g < original.number_of_glyphs()) {
                let t = ttf_parser::cff::Table::parse(&sub);
                assert!(t.is_some(), "the subset does not parse");
                assert_eq!(t.map(|t| t.number_of_glyphs()), Some(remap.num_gids()));
            }
        }
    }
}

/// The glyphs of `remap` in their new order, with their font dicts, scanned for subroutine
/// calls.
fn scan_glyphs<'a>(
    src: &Source<'a>,
    remap: &GlyphRemapper,
    scanner: &mut Scanner<'a>,
) -> Option<Vec<Glyph<'a>>> {
    let mut glyphs = Vec::with_capacity(usize::from(remap.num_gids()));
    // Without any subroutines (the Fandol faces) there is nothing to find in a charstring:
    // copy it whole (~3 ns a byte saved: 0.7 ms for the seed report's body text).
    let flat = src.gsubrs.count == 0 && scanner.local.iter().all(|l| l.index.count == 0);
    for old in remap.remapped_gids() {
        let fd = src.fd_select.fd(usize::from(old))?;
        let code = match src.programs {
            Some(programs) => programs.get(old)?,
            None => src.charstrings.get(usize::from(old))?,
        };
        let unit = if flat {
            Unit {
                sites: Vec::new(),
                keep: code.len(),
                body: code.len(),
            }
        } else {
            scanner.glyph(code, fd)?
        };
        glyphs.push((code, fd, unit));
    }
    Some(glyphs)
}

/// The charset of `n` glyphs: format 2, one range, glyph 1.. → CID 1.. (identity).
fn charset(n: usize) -> Option<Vec<u8>> {
    Some(if n > 1 {
        let left = u16::try_from(n - 2).ok()?.to_be_bytes();
        vec![2, 0, 1, left[0], left[1]]
    } else {
        vec![0]
    })
}

/// FDSelect format 3: the new font dict of every run of glyphs.
fn fd_select(glyphs: &[Glyph<'_>], new_fd: &[u8; 256]) -> Option<Vec<u8>> {
    let mut fd_ranges: Vec<(usize, u8)> = Vec::new();
    for (gid, g) in glyphs.iter().enumerate() {
        let fd = new_fd[usize::from(g.1)];
        if fd_ranges.last().is_none_or(|r| r.1 != fd) {
            fd_ranges.push((gid, fd));
        }
    }
    let mut out = vec![3];
    out.extend_from_slice(&u16::try_from(fd_ranges.len()).ok()?.to_be_bytes());
    for (first, fd) in &fd_ranges {
        out.extend_from_slice(&u16::try_from(*first).ok()?.to_be_bytes());
        out.push(*fd);
    }
    out.extend_from_slice(&u16::try_from(glyphs.len()).ok()?.to_be_bytes());
    Some(out)
}

/// The font dicts used, each with its private dict and the local subroutines kept.
fn font_dicts(
    src: &Source<'_>,
    scanner: &Scanner<'_>,
    rw: &Rewriter<'_, '_>,
    used_fds: &BTreeSet<u8>,
) -> Option<Vec<FdOut>> {
    let mut fd_out = Vec::with_capacity(used_fds.len());
    for &fd in used_fds {
        let k = usize::from(fd);
        let source = src.fds.get(k)?;
        let subrs = scanner.local.get(k)?;
        let codes = subrs
            .kept()
            .map(|(i, r)| rw.unit(subrs.index.get(i)?, &r.unit, fd))
            .collect::<Option<Vec<_>>>()?;
        let mut dict: Vec<u8> = Vec::new();
        for e in source.dict.iter().filter(|e| e.op != OP_PRIVATE) {
            dict.extend_from_slice(e.raw);
        }
        let mut private: Vec<u8> = Vec::new();
        for e in source.private.iter().filter(|e| e.op != OP_SUBRS) {
            private.extend_from_slice(e.raw);
        }
        let mut subrs_out = Vec::new();
        if !codes.is_empty() {
            // The subroutines follow their private dict directly.
            let len = private.len() + 6;
            private.extend_from_slice(&int5(len)?);
            private.push(OP_SUBRS as u8);
            write_index(&mut subrs_out, &codes)?;
        }
        fd_out.push(FdOut {
            dict,
            private,
            subrs: subrs_out,
        });
    }
    Some(fd_out)
}

/// The new parts of the subset, before they are laid out.
struct Pieces {
    global_codes: Vec<Vec<u8>>,
    charset: Vec<u8>,
    fd_select: Vec<u8>,
    glyph_ends: Vec<usize>,
    glyph_data: Vec<u8>,
    fd_out: Vec<FdOut>,
}

/// The top dict without what a subset must not carry or gets new values for.
fn top_dict_kept(top: &[Entry<'_>]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::new();
    for e in top {
        if !matches!(
            e.op,
            OP_CHARSET
                | OP_ENCODING
                | OP_CHAR_STRINGS
                | OP_PRIVATE
                | OP_UNIQUE_ID
                | OP_XUID
                | OP_UID_BASE
                | OP_FD_ARRAY
                | OP_FD_SELECT
        ) {
            // A subset is a different font: no unique ids that could make a reader reuse
            // a cached copy of the whole font.
            out.extend_from_slice(e.raw);
        }
    }
    out
}

/// Lays the subset out. Every offset is a five-byte integer, so all sizes are known up front.
fn assemble(src: &Source<'_>, p: &Pieces) -> Option<Vec<u8>> {
    let mut top_out = top_dict_kept(&src.top);
    let n = p.glyph_ends.len();
    let top_len = top_out.len() + 2 * 6 + 2 * 7;
    let fd_dict_len = |f: &FdOut| f.dict.len() + 11;
    let fd_array_data: usize = p.fd_out.iter().map(fd_dict_len).sum();

    let p_strings = 4 + src.names.len() + index_len(1, top_len);
    let p_gsubrs = p_strings + src.strings.len();
    let gsubr_data: usize = p.global_codes.iter().map(Vec::len).sum();
    let p_charset = p_gsubrs + index_len(p.global_codes.len(), gsubr_data);
    let p_fd_select = p_charset + p.charset.len();
    let p_charstrings = p_fd_select + p.fd_select.len();
    let p_fd_array = p_charstrings + index_len(n, p.glyph_data.len());
    let mut p_private = p_fd_array + index_len(p.fd_out.len(), fd_array_data);

    let mut font_dicts = Vec::with_capacity(p.fd_out.len());
    for f in &p.fd_out {
        let mut d = f.dict.clone();
        d.extend_from_slice(&int5(f.private.len())?);
        d.extend_from_slice(&int5(p_private)?);
        d.push(OP_PRIVATE as u8);
        font_dicts.push(d);
        p_private += f.private.len() + f.subrs.len();
    }
    top_out.extend_from_slice(&int5(p_charset)?);
    top_out.push(OP_CHARSET as u8);
    top_out.extend_from_slice(&int5(p_charstrings)?);
    top_out.push(OP_CHAR_STRINGS as u8);
    top_out.extend_from_slice(&int5(p_fd_select)?);
    top_out.extend_from_slice(&[12, (OP_FD_SELECT - 1200) as u8]);
    top_out.extend_from_slice(&int5(p_fd_array)?);
    top_out.extend_from_slice(&[12, (OP_FD_ARRAY - 1200) as u8]);

    let mut out = Vec::with_capacity(p_private);
    // Header: version 1.0, header size 4, absolute offsets of 4 bytes.
    out.extend_from_slice(&[1, 0, 4, 4]);
    out.extend_from_slice(src.names);
    write_index(&mut out, &[&top_out])?;
    out.extend_from_slice(src.strings);
    write_index(&mut out, &p.global_codes)?;
    out.extend_from_slice(&p.charset);
    out.extend_from_slice(&p.fd_select);
    write_index_parts(&mut out, &p.glyph_ends, &p.glyph_data)?;
    write_index(&mut out, &font_dicts)?;
    for f in &p.fd_out {
        out.extend_from_slice(&f.private);
        out.extend_from_slice(&f.subrs);
    }
    // Every offset above was computed from these lengths; a mismatch is a bug here, and the
    // general subsetter is the safe answer.
    (out.len() == p_private).then_some(out)
}

/// For tests: each glyph of the CID-keyed CFF `cff` as (its width operand, if it has one;
/// its operators in order), read by a walker that skips the mask bytes but does not follow
/// subroutine calls. `None` if the table does not parse.
#[cfg(test)]
pub(crate) fn glyph_operators(cff: &[u8]) -> Option<Vec<(Option<i64>, Vec<u16>)>> {
    let src = Source::parse(cff)?;
    (0..src.charstrings.count)
        .map(|g| {
            let code = src.charstrings.get(g)?;
            let (mut i, mut stems, mut width) = (0, 0, None);
            let mut stack: Vec<Option<i64>> = Vec::new();
            let mut ops = Vec::new();
            while i < code.len() {
                if let Token::Number(v, len) = token(code, i)? {
                    stack.push(v);
                    i += len;
                    continue;
                }
                let op;
                (op, i) = operator(code, i)?;
                if ops.is_empty() {
                    // Arguments each first operator takes; one more is the width.
                    let odd = |n: usize| n % 2 == 1;
                    let has_width = match op {
                        op if is_hint(op) => odd(stack.len()),
                        21 => stack.len() == 3,
                        4 | 22 => stack.len() == 2,
                        14 => stack.len() == 1 || stack.len() == 5,
                        _ => false,
                    };
                    width = if has_width { stack[0] } else { None };
                }
                if is_hint(op) {
                    stems += stack.len() / 2;
                }
                if op == 19 || op == 20 {
                    i += stems.div_ceil(8);
                }
                stack.clear();
                ops.push(op);
                if op == 14 {
                    break;
                }
            }
            Some((width, ops))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::fonts::{find_font_dir, Fonts, Outlines};

    /// Glyph outlines as text, for comparing two fonts glyph by glyph.
    struct Path(String);

    impl ttf_parser::OutlineBuilder for Path {
        fn move_to(&mut self, x: f32, y: f32) {
            self.0 += &format!("M{x} {y}");
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.0 += &format!("L{x} {y}");
        }
        fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
            self.0 += &format!("Q{x1} {y1} {x} {y}");
        }
        fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
            self.0 += &format!("C{x1} {y1} {x2} {y2} {x} {y}");
        }
        fn close(&mut self) {
            self.0 += "Z";
        }
    }

    fn outline(t: &ttf_parser::cff::Table<'_>, gid: u16) -> String {
        let mut p = Path(String::new());
        let _ = t.outline(ttf_parser::GlyphId(gid), &mut p);
        p.0
    }

    fn cff_table(bytes: &[u8]) -> &[u8] {
        ttf_parser::RawFace::parse(bytes, 0)
            .unwrap()
            .table(ttf_parser::Tag::from_bytes(b"CFF "))
            .unwrap()
    }

    /// Every shipped face, subset to a spread of glyphs (from many font dicts in the Noto
    /// faces): same outlines, identity CIDs, far smaller than the font.
    #[test]
    fn subsets_keep_every_outline() {
        let fonts = Fonts::load(&find_font_dir(None).unwrap(), &[]).unwrap();
        // The CFF faces (the Latin face is TrueType).
        for face in fonts.faces.iter().filter(|f| f.outlines == Outlines::Cff) {
            let bytes = face.bytes.as_slice();
            let cff = cff_table(bytes);
            let original = ttf_parser::cff::Table::parse(cff).unwrap();
            let total = original.number_of_glyphs();
            let gids: Vec<u16> = (1..total).step_by(37).chain([total - 1]).collect();
            let remap = GlyphRemapper::new_from_glyphs_sorted(&gids);
            let sub =
                subset_cid(cff, &remap).unwrap_or_else(|| panic!("{}: not subset", face.ps_name));
            assert!(
                sub.len() < cff.len() / 4,
                "{}: {} bytes",
                face.ps_name,
                sub.len()
            );
            let t = ttf_parser::cff::Table::parse(&sub).unwrap();
            assert_eq!(t.number_of_glyphs(), remap.num_gids());
            let mut drawn = 0;
            for old in remap.remapped_gids() {
                let new = remap.get(old).unwrap();
                assert_eq!(t.glyph_cid(ttf_parser::GlyphId(new)), Some(new));
                let want = outline(&original, old);
                drawn += usize::from(!want.is_empty());
                assert_eq!(
                    outline(&t, new),
                    want,
                    "{} glyph {old} → {new}",
                    face.ps_name
                );
            }
            // Real outlines were compared, not just blanks (spaces).
            assert!(
                drawn * 10 > gids.len() * 9,
                "{}: {drawn} drawn",
                face.ps_name
            );
        }
    }

    /// The result agrees with `subsetter` (which desubroutinizes) glyph for glyph.
    #[test]
    fn agrees_with_the_general_subsetter() {
        let fonts = Fonts::load(&find_font_dir(None).unwrap(), &[]).unwrap();
        for face in fonts.faces.iter().filter(|f| f.outlines == Outlines::Cff) {
            let bytes = face.bytes.as_slice();
            let gids: Vec<u16> = (100..3000).step_by(101).collect();
            let remap = GlyphRemapper::new_from_glyphs_sorted(&gids);
            let ours = subset_cid(cff_table(bytes), &remap).unwrap();
            let theirs = subsetter::subset(bytes, 0, &remap).unwrap();
            let a = ttf_parser::cff::Table::parse(&ours).unwrap();
            let b = ttf_parser::cff::Table::parse(cff_table(&theirs)).unwrap();
            for gid in 0..remap.num_gids() {
                assert_eq!(outline(&a, gid), outline(&b, gid), "{} {gid}", face.ps_name);
            }
        }
    }

    /// Dropping the hints: every face's outlines stay as they were; in the faces without
    /// subroutines (Fandol) no glyph keeps a hint, every glyph keeps its width and its other
    /// operators in order, and the subset is smaller; glyphs that call subroutines (Noto)
    /// are written as they were.
    #[test]
    fn dropping_hints_keeps_outlines_and_widths() {
        let fonts = Fonts::load(&find_font_dir(None).unwrap(), &[]).unwrap();
        let mut hinted_before = 0;
        for face in fonts.faces.iter().filter(|f| f.outlines == Outlines::Cff) {
            let cff = cff_table(face.bytes.as_slice());
            let original = ttf_parser::cff::Table::parse(cff).unwrap();
            let total = original.number_of_glyphs();
            let gids: Vec<u16> = (1..total).step_by(23).collect();
            let remap = GlyphRemapper::new_from_glyphs_sorted(&gids);
            let kept = subset_cid_with(cff, &remap, None, Hints::Keep).unwrap();
            let dropped = subset_cid_with(cff, &remap, None, Hints::Drop).unwrap();
            let t = ttf_parser::cff::Table::parse(&dropped).unwrap();
            for old in remap.remapped_gids() {
                let new = remap.get(old).unwrap();
                assert_eq!(
                    outline(&t, new),
                    outline(&original, old),
                    "{} {old}",
                    face.ps_name
                );
            }
            let before = glyph_operators(&kept).unwrap();
            let after = glyph_operators(&dropped).unwrap();
            assert_eq!(before.len(), after.len());
            let flat = before
                .iter()
                .all(|(_, ops)| !ops.contains(&10) && !ops.contains(&29));
            for (gid, (b, a)) in before.iter().zip(&after).enumerate() {
                if !flat {
                    assert_eq!(
                        b, a,
                        "{} glyph {gid}: calls subroutines, kept",
                        face.ps_name
                    );
                    continue;
                }
                hinted_before += usize::from(b.1.iter().any(|&op| is_hint(op)));
                assert_eq!(a.0, b.0, "{} glyph {gid}: width", face.ps_name);
                let rest: Vec<u16> = b.1.iter().copied().filter(|&op| !is_hint(op)).collect();
                assert_eq!(a.1, rest, "{} glyph {gid}", face.ps_name);
            }
            if flat
                && before
                    .iter()
                    .any(|(_, ops)| ops.iter().any(|&op| is_hint(op)))
            {
                assert!(dropped.len() < kept.len(), "{}", face.ps_name);
            }
        }
        // FandolFang is hinted: the test saw hints go.
        assert!(hinted_before > 100, "{hinted_before}");
    }

    /// The width in front of the first stem hint moves to the first operator kept; hint
    /// masks go with their mask bytes; a charstring that calls a subroutine or never ends
    /// is declined.
    #[test]
    fn strips_hints_from_handmade_charstrings() {
        let code = |items: &[i64]| {
            // Operands as numbers, operators as negative codes.
            let mut out = Vec::new();
            for &v in items {
                if v < 0 {
                    out.push(u8::try_from(-v).unwrap());
                } else {
                    push_number(&mut out, v).unwrap();
                }
            }
            out
        };
        let strip = |c: &[u8]| {
            let mut out = Vec::new();
            strip_hints(c, &mut out).map(|()| out)
        };
        // width 500; hstem 10 20; hintmask (one implied vstem, 2 stems: one mask byte, 0xC0
        // here, which must not be read as an operand); rmoveto; hlineto; endchar.
        let mut c = code(&[500, 10, 20, -1, 5, 6, -19]);
        c.push(0xC0);
        c.extend(code(&[100, 200, -21, 50, -6, -14]));
        assert_eq!(strip(&c), Some(code(&[500, 100, 200, -21, 50, -6, -14])));
        // A width on a first hint mask that has no stems.
        let mut c = code(&[500, -19]);
        c.extend(code(&[100, 200, -21, -14]));
        assert_eq!(strip(&c), Some(code(&[500, 100, 200, -21, -14])));
        // No width: nothing moves; a width already on the moveto stays.
        let c = code(&[10, 20, -18, 100, 200, -21, -14]);
        assert_eq!(strip(&c), Some(code(&[100, 200, -21, -14])));
        let c = code(&[500, 100, 200, -21, 10, 20, -1, 5, -6, -14]);
        assert_eq!(strip(&c), Some(code(&[500, 100, 200, -21, 5, -6, -14])));
        // Declined: a subroutine call, no endchar, a mask cut short.
        assert_eq!(strip(&code(&[10, 20, -1, 0, -10, -14])), None);
        assert_eq!(strip(&code(&[10, 20, -1, 100, 200, -21])), None);
        assert_eq!(strip(&code(&[10, 20, 30, 40, -19])), None);
    }

    #[test]
    fn only_notdef() {
        let fonts = Fonts::load(&find_font_dir(None).unwrap(), &[]).unwrap();
        let cff = cff_table(fonts.faces[0].bytes.as_slice());
        let sub = subset_cid(cff, &GlyphRemapper::new()).unwrap();
        let t = ttf_parser::cff::Table::parse(&sub).unwrap();
        assert_eq!(t.number_of_glyphs(), 1);
    }

    /// Damaged input never panics; it is declined (or, if still readable, subset).
    #[test]
    fn damaged_fonts_are_declined_not_panicked_on() {
        let fonts = Fonts::load(&find_font_dir(None).unwrap(), &[]).unwrap();
        let face = fonts
            .faces
            .iter()
            .find(|f| f.ps_name.contains("Hei"))
            .unwrap();
        let cff = cff_table(face.bytes.as_slice());
        let remap = GlyphRemapper::new_from_glyphs_sorted(&[5, 600, 7000]);
        assert!(subset_cid(&[], &remap).is_none());
        assert!(subset_cid(b"not a font at all", &remap).is_none());
        for cut in (0..cff.len()).step_by(cff.len() / 97) {
            let _ = subset_cid(&cff[..cut], &remap);
        }
        let mut flipped = cff.to_vec();
        for at in (0..flipped.len()).step_by(4099) {
            flipped[at] ^= 0x5A;
            let _ = subset_cid(&flipped, &remap);
        }
    }

    #[test]
    fn numbers_round_trip() {
        for v in [
            -32768, -1132, -1131, -108, -107, 0, 107, 108, 1131, 1132, 32767,
        ] {
            let mut out = Vec::new();
            push_number(&mut out, v).unwrap();
            let mut s = Scanner {
                global: Subrs::new(Index::EMPTY),
                local: Vec::new(),
                stack: Vec::new(),
                stems: 0,
            };
            let mut sites = Vec::new();
            s.run(&out, 0, 0, &mut sites).unwrap();
            assert_eq!(s.stack, vec![Some(v)], "{v}");
        }
    }
}
