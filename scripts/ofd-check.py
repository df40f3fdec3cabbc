#!/usr/bin/env python3
"""Independent checks of one OFD with Python readers we did not write.

    ofd-check.py FILE.ofd FILE.pdf

- fontTools: every embedded font file (PublicRes.xml → FontFile) loads as a font (every
  table decompiled), has a Unicode cmap, and maps every character the pages' TextCodes show in that font to a glyph
  with an outline (spaces aside);
- ofdkit: ``ofdkit.extract_text(FILE.ofd)`` gives, for every page, the text of the same
  page of the PDF built from the same page list (whitespace aside, since readers insert
  spaces and line breaks from gaps). The PDF side is poppler's word boxes
  (``pdftotext -bbox``) put in visual reading order: lines by baseline top to bottom, words
  left to right on a line, as a fixed-layout reader without layout analysis reads a page
  (table rows whose cells wrap interleave line by line). So the check fails if a character
  is missing, extra or different, or if a line sits at another height than in the PDF.

Needs: pip install ofdkit==0.2.0 fonttools; poppler-utils (pdftotext). Exit status 1 if a
check fails.
"""

import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict

import ofdkit
from fontTools.ttLib import TTFont

NS = "{http://www.ofdspec.org/2016}"
XHTML = "{http://www.w3.org/1999/xhtml}"

failures = 0


def fail(msg):
    global failures
    failures += 1
    print(f"FAIL {msg}")


def squash(s):
    return re.sub(r"\s+", "", s)


def check_fonts(z):
    """Each embedded font loads with fontTools and covers the characters shown in it."""
    doc_dir = "Doc_0"
    res = ET.fromstring(z.read(f"{doc_dir}/PublicRes.xml"))
    base = res.get("BaseLoc", "")
    files = {}
    for font in res.iter(f"{NS}Font"):
        path = f"{doc_dir}/{base}/{font.findtext(f'{NS}FontFile')}"
        files[font.get("ID")] = path
    shown = defaultdict(set)
    for name in z.namelist():
        if name.endswith("/Content.xml"):
            page = ET.fromstring(z.read(name))
            for obj in page.iter(f"{NS}TextObject"):
                for code in obj.iter(f"{NS}TextCode"):
                    shown[obj.get("Font")].update(code.text or "")
    for font_id, path in sorted(files.items()):
        try:
            font = TTFont(io.BytesIO(z.read(path)))
            font.ensureDecompiled()  # every table, not only those read below
            cmap = font.getBestCmap()
            glyphs = font.getGlyphSet()
        except Exception as e:  # noqa: BLE001 - any failure to load is the finding
            fail(f"{path}: fontTools cannot load it: {e}")
            continue
        if not cmap:
            fail(f"{path}: no Unicode cmap")
            continue
        missing = sorted(c for c in shown[font_id] if ord(c) not in cmap)
        if missing:
            fail(f"{path}: characters not in its cmap: {''.join(missing)}")
        empty = []
        for c in sorted(shown[font_id]):
            if c.isspace() or ord(c) not in cmap:
                continue
            pen = _Bounds()
            glyphs[cmap[ord(c)]].draw(pen)
            if not pen.points:
                empty.append(c)
        if empty:
            fail(f"{path}: glyphs without an outline: {''.join(empty)}")
        kind = "CFF" if "CFF " in font else "TrueType"
        print(f"ok   {path}: fontTools loads it ({kind}, {len(font.getGlyphOrder())} glyphs, "
              f"{len(cmap)} in cmap, {len(shown[font_id])} characters shown)")


class _Bounds:
    """A pen that only counts points."""

    def __init__(self):
        self.points = 0

    def moveTo(self, p):
        self.points += 1

    def lineTo(self, p):
        self.points += 1

    def curveTo(self, *ps):
        self.points += len(ps)

    def qCurveTo(self, *ps):
        self.points += len(ps)

    def closePath(self):
        pass

    def endPath(self):
        pass

    def addComponent(self, name, transform):
        self.points += 1


def pdf_page_text(pdf, number):
    """Page `number` of the PDF in visual reading order, from poppler's word boxes."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(number), "-l", str(number), pdf, "-"],
        check=True, capture_output=True, text=True,
    ).stdout
    root = ET.fromstring(out)
    words = []
    for w in root.iter(f"{XHTML}word"):
        y0, y1 = float(w.get("yMin")), float(w.get("yMax"))
        words.append((y1, float(w.get("xMin")), y1 - y0, w.text or ""))
    # Lines as ofdkit and most readers form them: sorted by baseline (yMax, the same
    # offset below it for one face and size), a word joins the line if its baseline is
    # within half its height of the line's first word.
    lines = []
    for y, x, h, text in sorted(words):
        if lines and abs(y - lines[-1][0][0]) <= 0.5 * min(h, lines[-1][0][2]):
            lines[-1].append((y, x, h, text))
        else:
            lines.append([(y, x, h, text)])
    return "\n".join("".join(t for *_, t in sorted(line, key=lambda w: w[1])) for line in lines)


def check_text(ofd, pdf):
    pages = ofdkit.extract_text(ofd, page_separator="\f").split("\f")
    info = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True, text=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    if len(pages) != count:
        fail(f"ofdkit reads {len(pages)} pages, the PDF has {count}")
        return
    equal = 0
    for k, text in enumerate(pages, 1):
        got, want = squash(text), squash(pdf_page_text(pdf, k))
        if got == want:
            equal += 1
            continue
        at = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]),
                  min(len(got), len(want)))
        fail(f"page {k}: ofdkit text differs from the PDF's at character {at}:\n"
             f"     ofdkit: …{got[max(0, at - 20):at + 30]}…\n"
             f"     PDF:    …{want[max(0, at - 20):at + 30]}…")
    chars = len(squash("".join(pages)))
    print(f"ok   ofdkit extract_text: {equal}/{count} pages equal to the PDF's text "
          f"({chars} characters)")


def main():
    ofd, pdf = sys.argv[1], sys.argv[2]
    with zipfile.ZipFile(ofd) as z:
        check_fonts(z)
    check_text(ofd, pdf)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
