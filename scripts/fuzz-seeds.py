#!/usr/bin/env python3
"""Writes the checked-in seed corpus of the fuzz targets, fuzz/seeds/<target>/, from the
examples and tests/broken (run from the repository root after changing either):

    python3 scripts/fuzz-seeds.py [PDF ...]

load_check: report.toml and the prose files of each report, joined by 0xFF (the target's
input format; the prose parts in PROSE_PARTS order). layout: each report's overview.md.
import: the import fixtures in tests/import (DOCX, XLSX, HTML, text).
cff: the CFF font programs embedded in the given PDFs (small subsets made by our own
subsetter), each behind a header asking for glyphs 1..8 (see pdf::fuzz_cff_subset).
"""
import os, re, shutil, sys, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
# The crash inputs found so far stay (fuzz/seeds/<target>/crash-*): regenerate the rest.
for target in ("load_check", "layout", "import") + (("cff",) if sys.argv[1:] else ()):
    d = os.path.join(SEEDS, target)
    for f in os.listdir(d) if os.path.isdir(d) else []:
        if not f.startswith("crash-"):
            os.remove(os.path.join(d, f))
PARTS = ["opening.md", "overview.md", "active.md", "applications.md", "appeals.md",
         "problems.md", "other.md"]


def reports():
    for base in ("examples", os.path.join("tests", "broken")):
        for name in sorted(os.listdir(os.path.join(ROOT, base))):
            d = os.path.join(ROOT, base, name)
            if os.path.isfile(os.path.join(d, "report.toml")):
                yield name, d


def read(path):
    try:
        return open(path, "rb").read()
    except OSError:
        return b""


written = {}


def write(target, name, data):
    """One file per distinct content (libFuzzer gains nothing from duplicates)."""
    if data in written.setdefault(target, set()):
        return
    written[target].add(data)
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, name), "wb").write(data)


for name, d in reports():
    toml = read(os.path.join(d, "report.toml"))
    # Prose files named in [prose] by another name are seeded under their part's name.
    named = dict(re.findall(rb'(?m)^(\w+)\s*=\s*"([^"]+\.md)"', toml))
    parts = []
    for part in PARTS:
        key = part[:-3].encode()
        parts.append(read(os.path.join(d, named.get(key, part.encode()).decode())))
    write("load_check", name, b"\xff".join([toml] + parts))
    overview = read(os.path.join(d, "overview.md"))
    if overview:
        write("layout", name, overview)

for name in sorted(os.listdir(os.path.join(ROOT, "tests", "import"))):
    if name.endswith((".docx", ".xlsx", ".html", ".txt")):
        write("import", name, read(os.path.join(ROOT, "tests", "import", name)))

header = bytes([8]) + b"".join(g.to_bytes(2, "big") for g in range(1, 9))
for pdf in sys.argv[1:]:
    data = open(pdf, "rb").read()
    # Named after the folder the PDF was built into (the file name is the Chinese title).
    stem = os.path.basename(os.path.dirname(os.path.abspath(pdf)))
    for k, m in enumerate(re.finditer(rb"/Subtype\s*/CIDFontType0C.*?stream\r?\n", data, re.S)):
        start = m.end()
        end = data.index(b"endstream", start)
        raw = data[start:end].rstrip(b"\r\n")
        try:
            cff = zlib.decompress(raw)
        except zlib.error:
            cff = raw
        # The body font's subset of a long report is 200+ KB: more than a seed needs.
        if len(cff) <= 40_000:
            write("cff", f"{stem}-{k}", header + cff)
print("seeds in", SEEDS)
