#!/usr/bin/env python3
"""Measure GB/T 9704 grid fidelity of a report PDF.

Copied from the project's shared measuring tools (shared/tools/grid-measure.py, 2026-12),
so CI can run it on a clean clone; one change, marked "nianbao:" in grid_cells (the rounding
of half-width runs). scripts/grid/check.py judges its results against issue 11's targets.

usage: analyze.py NAME PDF [--json OUT]
Prints per-page and summary figures; writes a JSON with everything.
"""
import sys, json, re, statistics, collections
import pymupdf
import numpy as np

import os
NOROLE = bool(os.environ.get("NOROLE"))
HEADING_RE = re.compile(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
MM = 72 / 25.4
LEFT, RIGHT = 28 * MM, (210 - 26) * MM
TOP, BOTTOM = 37 * MM, (297 - 35) * MM
PX = 156 * MM / 28          # 15.793 pt: grid character pitch
PY = 225 * MM / 22          # 28.99 pt: grid line pitch

CLOSING = set("，。、；：？！）》」』”’〕】〉…—·,.;:?!)]}%％‰℃")
CLOSING_STRICT = set("，。、；：？！）》」』”’〕】〉…")   # must never start a line
OPENING = set("（《「『“‘〔【〈([{")
HALF = re.compile(r"[0-9A-Za-z]")
UNITS = set("件条个日月年号次人万元篇期名场项封份天位户家所处座部台批轮遍倍岁元%％")


def is_han(ch):
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


def role(font):
    f = font.lower()
    if "hei" in f or "sans" in f:
        return "hei"
    if "kai" in f:
        return "kai"
    if "title" in f or "bold" in f:
        return "title"
    if "fang" in f:
        return "fang"
    if "song" in f or "serif" in f:
        return "song"
    return f


def load(pdf):
    doc = pymupdf.open(pdf)
    pages = []
    for pno, page in enumerate(doc):
        chars = []
        d = page.get_text("rawdict", flags=pymupdf.TEXT_PRESERVE_WHITESPACE)
        for b in d["blocks"]:
            for l in b.get("lines", []):
                for s in l["spans"]:
                    for c in s["chars"]:
                        if c["c"].isspace():
                            kind_space = True
                        x0, y0, x1, y1 = c["bbox"]
                        chars.append(dict(c=c["c"], x=c["origin"][0], y=c["origin"][1],
                                          x0=x0, x1=x1, y0=y0, y1=y1, font=s["font"],
                                          size=round(s["size"], 2)))
        # vertical / horizontal rules (table borders)
        segs = []
        for dr in page.get_drawings():
            for it in dr["items"]:
                if it[0] == "l":
                    p1, p2 = it[1], it[2]
                    segs.append((p1.x, p1.y, p2.x, p2.y, dr.get("width") or 0))
                elif it[0] == "re":
                    r = it[1]
                    if r.width < 1.5 or r.height < 1.5:   # thin rect used as a rule
                        segs.append((r.x0, r.y0, r.x1, r.y1, min(r.width, r.height)))
                    else:
                        for (a, b2) in ((r.tl, r.tr), (r.tr, r.br), (r.br, r.bl), (r.bl, r.tl)):
                            segs.append((a.x, a.y, b2.x, b2.y, dr.get("width") or 0))
        pages.append(dict(chars=chars, segs=segs, w=page.rect.width, h=page.rect.height))
    return doc, pages


def group_lines(chars):
    chars = sorted(chars, key=lambda c: (round(c["y"], 1), c["x"]))
    lines = []
    for c in chars:
        if lines and abs(lines[-1]["y"] - c["y"]) < 1.0:
            lines[-1]["chars"].append(c)
        else:
            lines.append(dict(y=c["y"], chars=[c]))
    for l in lines:
        l["chars"].sort(key=lambda c: c["x"])
        cs = [c for c in l["chars"] if not c["c"].isspace()]
        l["vis"] = cs
        l["text"] = "".join(c["c"] for c in l["chars"])
        l["x0"] = cs[0]["x"] if cs else None
        l["x1box"] = cs[-1]["x1"] if cs else None
        fonts = collections.Counter(role(c["font"]) for c in cs)
        l["role"] = fonts.most_common(1)[0][0] if fonts else None
        l["fonts"] = dict(collections.Counter(c["font"] for c in cs))
        l["size"] = statistics.mode(c["size"] for c in cs) if cs else None
    return [l for l in lines if l["vis"]]


def eff_right(line):
    """Right edge of the line's last cell.  A closing mark at the line end whose right
    half is blank may be set half-width (hanging out of the box in its advance box):
    if its advance box passes the right margin, count only its left half."""
    last = line["vis"][-1]
    x1 = last["x1"]
    if last["c"] in CLOSING_STRICT and x1 > RIGHT + 1:
        x1 = last["x"] + (last["x1"] - last["x"]) / 2
    return x1


def grid_cells(vis, x_end):
    """Grid cells a line occupies, as on Word's character grid: every full-width glyph takes one
    cell; a run of half-width glyphs (digits, Latin, squeezed punctuation) takes the whole cells
    from its first glyph to the next full-width glyph (or to the line's right edge), rounded up;
    a closing mark hanging past the right margin (Word's 允许标点溢出边界) takes none."""
    cells, i = 0, 0
    if vis and vis[-1]["c"] in CLOSING_STRICT and vis[-1]["x"] >= RIGHT - 0.5:
        vis = vis[:-1]          # a closing mark hanging past the right margin takes no cell
        x_end = RIGHT
    while i < len(vis):
        c = vis[i]
        if (c["x1"] - c["x0"]) > 0.75 * c["size"]:
            cells += 1
            i += 1
            continue
        j = i
        while j < len(vis) and (vis[j]["x1"] - vis[j]["x0"]) <= 0.75 * vis[j]["size"]:
            j += 1
        end = vis[j]["x"] if j < len(vis) else x_end
        span = (end - c["x"]) / PX
        # nianbao: rounded up with a 0.1-cell tolerance, as the docstring says. The shared
        # original adds nothing to int(span - 0.1) when span is within 0.1 of a whole number,
        # so a run filling exactly two cells counted one.
        cells += max(1, round(span) if abs(span - round(span)) < 0.1 else int(span) + 1) if span > 0 else 1
        i = j
    return cells


def ink_edges(doc, pno, l):
    page = doc[pno]
    size = l["size"] or 16
    clip = pymupdf.Rect(LEFT - 30, l["y"] - 0.85 * size, RIGHT + 30, l["y"] + 0.1 * size)
    pix = page.get_pixmap(clip=clip, dpi=600, colorspace=pymupdf.csGRAY)
    w, h = pix.width, pix.height
    a = np.frombuffer(pix.samples, dtype=np.uint8).reshape(h, pix.stride)[:, :w]
    cols = np.nonzero((a < 140).any(axis=0))[0]
    if len(cols) == 0:
        return (None, None)
    sc = clip.width / w
    return (round((clip.x0 + cols[0] * sc) / MM, 2), round((clip.x0 + (cols[-1] + 1) * sc) / MM, 2))


def analyse(name, pdf):
    doc, pages = load(pdf)
    out = dict(name=name, pdf=pdf, pages=[])
    flow = []   # ordered items: ("line", page, line) / ("break", page, why)
    for pno, pg in enumerate(pages):
        chars = pg["chars"]
        body = [c for c in chars if 15.5 <= c["size"] <= 16.5]
        title = [c for c in chars if 21 <= c["size"] <= 23]
        pnum = [c for c in chars if 13.5 <= c["size"] <= 14.5 and c["y"] > BOTTOM]
        table = [c for c in chars if c not in body and c not in title and c not in pnum]
        blines = group_lines(body)
        tlines = group_lines(title)
        tablelines = group_lines(table)
        pinfo = dict(page=pno + 1, body_lines=len(blines), title_lines=len(tlines),
                     table_chars=len(table), pnum=None)
        # page number
        if pnum:
            pl = group_lines(pnum)[0]
            pinfo["pnum"] = dict(text=pl["text"], x0_mm=pl["x0"] / MM, x1_mm=pl["x1box"] / MM,
                                 baseline_mm=pl["y"] / MM, font=list(pl["fonts"]),
                                 right_gap_mm=(RIGHT - pl["x1box"]) / MM,
                                 left_gap_mm=(pl["x0"] - LEFT) / MM)
        # vertical extents of tables
        if table:
            pinfo["table_top_mm"] = min(c["y0"] for c in table) / MM
            pinfo["table_bottom_mm"] = max(c["y1"] for c in table) / MM
        hsegs = [s for s in pg["segs"] if abs(s[1] - s[3]) < 0.5 and abs(s[0] - s[2]) > 2]
        vsegs = [s for s in pg["segs"] if abs(s[0] - s[2]) < 0.5 and abs(s[1] - s[3]) > 2]
        if hsegs:
            pinfo["rules_top_mm"] = min(min(s[1], s[3]) for s in hsegs) / MM
            pinfo["rules_bottom_mm"] = max(max(s[1], s[3]) for s in hsegs) / MM
            pinfo["rules_left_mm"] = min(min(s[0], s[2]) for s in hsegs) / MM
            pinfo["rules_right_mm"] = max(max(s[0], s[2]) for s in hsegs) / MM
        pinfo["n_hsegs"], pinfo["n_vsegs"] = len(hsegs), len(vsegs)
        # all 16/22 pt lines in vertical order, with tables as breaks
        items = [("title", l) for l in tlines] + [("body", l) for l in blines]
        items.sort(key=lambda it: it[1]["y"])
        rule_ys = sorted(set(round(min(s[1], s[3]), 1) for s in hsegs))
        prev_y = None
        for kind, l in items:
            if prev_y is not None:
                between = [c for c in table if prev_y < c["y"] < l["y"]]
                rules_between = [y for y in rule_ys if prev_y < y < l["y"]]
                if between or rules_between:
                    flow.append(("break", pno, "table"))
            flow.append((kind, pno, l))
            prev_y = l["y"]
        if table and (not items or max(c["y"] for c in table) > items[-1][1]["y"]):
            flow.append(("break", pno, "table"))
        flow.append(("pagebreak", pno, None))
        baselines = [l["y"] for k, l in items]
        pinfo["baselines_mm"] = [round(y / MM, 2) for y in baselines]
        pitches = [round(b - a, 2) for a, b in zip(baselines, baselines[1:])]
        pinfo["pitches_pt"] = pitches
        # grid slot of each line: cell k (1..22) whose box is [TOP+(k-1)PY, TOP+kPY]
        slots = []
        for kind, l in items:
            # centre of the em box: baseline - 0.38 em  (ascent .88, descent .12)
            centre = l["y"] - 0.38 * l["size"]
            slots.append(round((centre - TOP) / PY + 0.5, 2))
        pinfo["grid_slots"] = slots
        pinfo["table_lines"] = [dict(y=l["y"], text=l["text"]) for l in tablelines]
        out["pages"].append(pinfo)

    # ---- paragraphs over the flow -------------------------------------------------
    seq = []  # body/title lines in order with break markers
    for it in flow:
        seq.append(it)
    lines = []
    for i, it in enumerate(seq):
        if it[0] not in ("body", "title"):
            continue
        kind, pno, l = it
        x0 = l["x0"]
        if kind == "title":
            typ = "title"
        elif (l["role"] in ("hei", "kai") and not NOROLE) or (NOROLE and HEADING_RE.match(l["text"].strip()) and len(l["text"].strip()) < 26):
            typ = "heading"
        elif abs(x0 - LEFT) < (5.0 if NOROLE else 1.0) or (l["vis"][0]["c"] in OPENING and LEFT - 0.6 * l["size"] < x0 < LEFT + 1.0):
            typ = "cont"
        elif LEFT + 1.4 * PX < x0 < LEFT + 2.6 * PX:
            typ = "first"
        else:
            typ = "other"     # centred / right-aligned (signature) / odd indent
        lines.append(dict(i=i, page=pno + 1, l=l, typ=typ))
    # next line in flow (skipping page breaks but not table breaks)
    for k, L in enumerate(lines):
        nxt = None
        brk = False
        for j in range(L["i"] + 1, len(seq)):
            if seq[j][0] == "break":
                brk = True
                break
            if seq[j][0] in ("body", "title"):
                nxt = j
                break
        L["next"] = None
        if nxt is not None and not brk:
            for M in lines[k + 1:k + 2]:
                if M["i"] == nxt:
                    L["next"] = M
    for L in lines:
        n = L["next"]
        L["full"] = (L["typ"] in ("first", "cont") and n is not None and n["typ"] == "cont")
        L["last"] = (L["typ"] in ("first", "cont") and not L["full"])

    full = []
    for L in lines:
        l = L["l"]
        x0 = l["x0"]
        x1 = eff_right(l)
        vis = l["vis"]
        han = [c for c in vis if is_han(c["c"])]
        pun = [c for c in vis if not is_han(c["c"]) and (c["x1"] - c["x0"]) > 0.75 * c["size"]]
        half = [c for c in vis if (c["x1"] - c["x0"]) <= 0.75 * c["size"]]
        em = sum((c["x1"] - c["x0"]) / c["size"] for c in vis)
        # grid alignment of hanzi
        on = sum(1 for c in han if abs(((c["x"] - LEFT) / PX) - round((c["x"] - LEFT) / PX)) * PX < 0.3)
        steps = [round(b["x"] - a["x"], 2) for a, b in zip(vis, vis[1:]) if is_han(a["c"]) and is_han(b["c"])]
        indent = round((x0 - LEFT) / PX, 2)
        ink = ink_edges(doc, L["page"] - 1, l)
        rec = dict(page=L["page"], typ=L["typ"], full=L["full"], last=L["last"], text=l["text"],
                   indent_cells=indent, chars_equiv=round(indent + em, 2),
                   grid_cells=round(indent) + grid_cells(vis, x1),
                   ink_left_mm=ink[0], ink_right_mm=ink[1], last_char=l["vis"][-1]["c"],
                   last_origin_mm=round(l["vis"][-1]["x"] / MM, 2),
                   n_glyph=len(vis), n_han=len(han), n_punct=len(pun), n_half=len(half),
                   em=round(em, 2), x0_mm=round(x0 / MM, 2), x1_mm=round(x1 / MM, 2),
                   width_mm=round((x1 - x0) / MM, 2), cells=round((x1 - x0) / PX, 2),
                   x1box_mm=round(l["x1box"] / MM, 2),
                   han_on_grid=on, han_steps=sorted(set(steps)), role=l["role"], fonts=l["fonts"],
                   y_mm=round(l["y"] / MM, 2))
        L["rec"] = rec
        if L["full"]:
            full.append(rec)
    out["lines"] = [L["rec"] for L in lines]
    out["full_lines"] = full

    # ---- 禁则 -----------------------------------------------------------------------
    kin = dict(start_closing=[], end_opening=[], digit_run_split=[], number_unit_split=[],
               one_char_last_line=[], two_char_last_line=[])
    for L in lines:
        if L["typ"] not in ("first", "cont", "heading", "other"):
            continue
        t = L["l"]["text"].strip()
        if t and t[0] in CLOSING_STRICT:
            kin["start_closing"].append((L["page"], t))
        if t and t[-1] in OPENING:
            kin["end_opening"].append((L["page"], t))
        n = L["next"]
        if L["full"] and n is not None:
            nt = n["l"]["text"].strip()
            if t and nt and HALF.match(t[-1]) and HALF.match(nt[0]):
                kin["digit_run_split"].append((L["page"], t[-12:] + " | " + nt[:12]))
            if t and nt and t[-1].isdigit() and (nt[0] in UNITS or is_han(nt[0])):
                kin["number_unit_split"].append((L["page"], t[-12:] + " | " + nt[:12]))
        if L["last"]:
            core = "".join(ch for ch in t if is_han(ch) or ch.isalnum())
            if len(core) <= 1:
                kin["one_char_last_line"].append((L["page"], t))
            elif len(core) == 2:
                kin["two_char_last_line"].append((L["page"], t))
    out["kinsoku"] = kin

    # ---- fonts per role + fallback -----------------------------------------------------
    fr = collections.defaultdict(collections.Counter)
    odd = []
    for L in lines:
        l = L["l"]
        key = L["typ"] if L["typ"] in ("title", "heading") else "body"
        if key == "heading":
            key = "heading-" + l["role"]
        for c in l["vis"]:
            fr[key][c["font"]] += 1
        main = max(l["fonts"], key=l["fonts"].get)
        for c in l["vis"]:
            if c["font"] != main:
                odd.append((L["page"], c["c"], c["font"], main))
    out["fonts_by_role"] = {k: dict(v) for k, v in fr.items()}
    out["fallback_chars"] = odd
    return out


def summary(r):
    full = r["full_lines"]
    s = {}
    s["pages"] = len(r["pages"])
    s["full_lines"] = len(full)
    w = [f["width_mm"] for f in full]
    s["width_mm_min/median/max"] = (min(w), statistics.median(w), max(w)) if w else None
    s["full_lines_156mm(+-0.2)"] = sum(1 for x in w if abs(x - 156) <= 0.2)
    s["glyphs_per_full_line"] = dict(sorted(collections.Counter(f["n_glyph"] for f in full).items()))
    s["em_per_full_line"] = dict(sorted(collections.Counter(round(f["em"] * 2) / 2 for f in full).items()))
    s["x0_mm_cont"] = sorted(set(f["x0_mm"] for f in full if f["typ"] == "cont"))
    s["x0_mm_first"] = sorted(set(f["x0_mm"] for f in r["lines"] if f["typ"] == "first"))
    s["x1_mm"] = dict(collections.Counter(f["x1_mm"] for f in full))
    hz = sum(f["n_han"] for f in full)
    on = sum(f["han_on_grid"] for f in full)
    s["han_on_28grid"] = f"{on}/{hz}"
    s["chars_equiv_per_full_line"] = dict(sorted(collections.Counter(round(f["chars_equiv"] * 4) / 4 for f in full).items()))
    s["full_lines_exactly_28_chars"] = sum(1 for f in full if f["grid_cells"] == 28)
    s["grid_cells_per_full_line"] = dict(sorted(collections.Counter(f["grid_cells"] for f in full).items()))
    s["full_lines_exactly_28_natural_em"] = sum(1 for f in full if abs(f["chars_equiv"] - 28) < 0.1)
    s["strict_28_grid_lines"] = sum(1 for f in full if f["n_glyph"] == 28 and f["n_half"] == 0 and f["han_on_grid"] == f["n_han"])
    pit = collections.Counter()
    for p in r["pages"]:
        pit.update(p["pitches_pt"])
    s["pitch_pt_top"] = pit.most_common(6)
    s["lines_per_page"] = [p["body_lines"] + p["title_lines"] for p in r["pages"]]
    s["kinsoku"] = {k: len(v) for k, v in r["kinsoku"].items()}
    return s


if __name__ == "__main__":
    name, pdf = sys.argv[1], sys.argv[2]
    r = analyse(name, pdf)
    r["summary"] = summary(r)
    js = sys.argv[3] if len(sys.argv) > 3 else None
    if js:
        with open(js, "w") as f:
            json.dump(r, f, ensure_ascii=False, indent=1, default=str)
    print(json.dumps(r["summary"], ensure_ascii=False, indent=1, default=str))
