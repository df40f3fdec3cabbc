#!/usr/bin/env python3
"""Judges report PDFs against the GB/T 9704 grid targets (issue 11), measured by
grid-measure.py (beside this file) from glyph positions.

usage:
  check.py pdf FILE.pdf...                   our PDFs: the strict 28 x 22 grid
  check.py docx FILE.pdf[=REFERENCE.pdf]...  LibreOffice's PDF of our DOCX (NOROLE: the font
                                             roles are substituted), against our own PDF
                                             (page count compared when REFERENCE is given)

Targets for our PDF: >= 95 % of full lines take exactly 28 cells; >= 95 % of hanzi on grid
columns on body lines without digits or Latin letters; every page whose paragraph runs on to
the next page holds 22 lines on the 22 grid slots; no 禁则 violation (a line starting with a
closing mark, ending with an opening one, a digit/Latin run split), no number split from its
unit, no one-character last line, no loose line (two hanzi more than 1.25 cells apart).
Targets for LibreOffice's PDF: median 28 cells per full line, 22 lines on every page whose
paragraph runs on, the same page count as our PDF.

Prints one line of figures per file; exit status 1 if a target is missed.
"""
import importlib.util
import json
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LATIN = re.compile(r"[0-9A-Za-z]")


def measure_module(norole):
    if norole:
        os.environ["NOROLE"] = "1"
    else:
        os.environ.pop("NOROLE", None)
    spec = importlib.util.spec_from_file_location(
        "grid_measure_" + ("norole" if norole else "roles"), os.path.join(HERE, "grid-measure.py")
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def flowing_pages(r):
    """Pages (1-based) whose last paragraph runs on to the next page, with their line count
    and the highest grid slot used."""
    by_page = {}
    for L in r["lines"]:
        by_page.setdefault(L["page"], []).append(L)
    out = []
    for p in r["pages"]:
        n = p["page"]
        nxt = by_page.get(n + 1)
        if not nxt or nxt[0]["typ"] != "cont" or p.get("table_chars"):
            continue
        slots = p["grid_slots"]
        out.append((n, len(slots), max(slots) if slots else 0))
    return out


def loose_lines(r, px):
    out = []
    for f in r["full_lines"]:
        steps = [s for s in f["han_steps"] if s > 1.25 * px + 0.01]
        if steps:
            out.append((f["page"], f["text"]))
    return out


def check_pdf(gm, path):
    r = gm.analyse(os.path.basename(path), path)
    s = gm.summary(r)
    full = r["full_lines"]
    n28 = sum(1 for f in full if f["grid_cells"] == 28)
    body = [L for L in r["lines"] if L["typ"] in ("first", "cont")]
    plain = [L for L in body if not LATIN.search(L["text"])]
    han = sum(L["n_han"] for L in plain)
    on = sum(L["han_on_grid"] for L in plain)
    pages = flowing_pages(r)
    bad_pages = [(n, k, m) for n, k, m in pages if round(m) != 22 or k < 21]
    kin = s["kinsoku"]
    loose = loose_lines(r, gm.PX)
    figures = {
        "pages": s["pages"],
        "full_lines": len(full),
        "exactly_28": n28,
        "exactly_28_pct": round(100 * n28 / len(full), 1) if full else 100.0,
        "han_on_grid_plain": f"{on}/{han}",
        "han_on_grid_pct": round(100 * on / han, 1) if han else 100.0,
        "lines_per_flowing_page": [k for _, k, _ in pages],
        "kinsoku": kin,
        "loose_lines": len(loose),
    }
    problems = []
    # 95 % of full lines on exactly 28 cells; a short text (the roll-up's aggregate has a dozen
    # full lines) may have one line off, which alone would be 8 % of it.
    off = len(full) - n28
    if figures["exactly_28_pct"] < 95 and off > 1:
        cells = dict(sorted(s["grid_cells_per_full_line"].items()))
        problems.append(f"only {figures['exactly_28_pct']} % of full lines take 28 cells: {cells}")
    if figures["han_on_grid_pct"] < 95:
        problems.append(f"only {figures['han_on_grid_pct']} % of hanzi on grid columns")
    if bad_pages:
        problems.append(f"pages without 22 lines on the grid: {bad_pages}")
    for key in ("start_closing", "end_opening", "digit_run_split", "number_unit_split",
                "one_char_last_line"):
        if kin[key]:
            problems.append(f"{key}: {r['kinsoku'][key]}")
    if loose:
        problems.append(f"loose lines: {loose}")
    return figures, problems


def check_docx(gm, path, reference):
    r = gm.analyse(os.path.basename(path), path)
    s = gm.summary(r)
    cells = [f["grid_cells"] for f in r["full_lines"]]
    median = statistics.median(cells) if cells else None
    pages = flowing_pages(r)
    ref_pages = len(gm.load(reference)[1]) if reference else None
    figures = {
        "pages": s["pages"],
        "our_pdf_pages": ref_pages,
        "full_lines": len(cells),
        "median_cells": median,
        "lines_per_flowing_page": [k for _, k, _ in pages],
    }
    problems = []
    if median != 28:
        problems.append(f"median {median} cells per full line, not 28")
    bad = [(n, k) for n, k, _ in pages if k not in (21, 22)]
    if bad:
        problems.append(f"pages without 22 lines: {bad}")
    if ref_pages is not None and s["pages"] != ref_pages:
        problems.append(f"{s['pages']} pages, our PDF has {ref_pages}")
    return figures, problems


def main(argv):
    if len(argv) < 3 or argv[1] not in ("pdf", "docx"):
        print(__doc__, file=sys.stderr)
        return 2
    mode = argv[1]
    gm = measure_module(norole=mode == "docx")
    failed = False
    for arg in argv[2:]:
        if mode == "pdf":
            figures, problems = check_pdf(gm, arg)
            name = arg
        else:
            path, _, reference = arg.partition("=")
            figures, problems = check_docx(gm, path, reference)
            name = path
        status = "FAIL" if problems else "ok  "
        print(f"{status} {os.path.basename(name)}: {json.dumps(figures, ensure_ascii=False)}")
        for p in problems:
            print(f"       {p}")
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
