#!/usr/bin/env bash
# Independent checks of every *.docx in DIR (tools we did not write judge our DOCX):
#   1. openxml-audit (port of the Open XML SDK 3.5.1 validator): zero findings, strict.
#   2. LibreOffice headless converts each file to PDF.
#   3. pdftotext of that PDF contains every prose paragraph and every table cell's text
#      (whitespace-normalised; see the checker below for how table cells are matched).
#
# Usage: scripts/interop-docx.sh DIR
# Needs: openxml-audit==0.8.0 (PyPI; on PATH or OPENXML_AUDIT=/path/to/openxml-audit),
#        soffice (Debian libreoffice-writer-nogui), pdftotext (poppler-utils), python3.
# Set KEEP=1 to keep the PDFs (printed path) for looking at them, e.g. with pdftoppm.
set -euo pipefail

if [[ $# -ne 1 || ! -d $1 ]]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
dir=$1
audit=${OPENXML_AUDIT:-openxml-audit}

shopt -s nullglob
files=("$dir"/*.docx)
if [[ ${#files[@]} -eq 0 ]]; then
    echo "no .docx files in $dir" >&2
    exit 1
fi

work=$(mktemp -d)
if [[ -z ${KEEP:-} ]]; then
    trap 'rm -rf "$work"' EXIT
fi

status=0

echo "== openxml-audit"
for f in "${files[@]}"; do
    # -m 0: report every finding; --policy strict: the theme rule included (we write a
    # theme). Against the oldest and the newest schema: Word 2007 and WPS must open it too.
    for version in office2007 microsoft365; do
        if out=$("$audit" "$f" -m 0 --policy strict -f "$version" 2>&1); then
            echo "ok    $f ($version)"
        else
            echo "FAIL  $f ($version)"
            echo "$out" | sed 's/^/      /'
            status=1
        fi
    done
done

echo "== LibreOffice → PDF"
# One call for all files (start-up dominates); a private profile so a user's running
# LibreOffice or its settings do not interfere.
soffice -env:UserInstallation="file://$work/profile" --headless --convert-to pdf \
    --outdir "$work/pdf" "${files[@]}" >"$work/soffice.log" 2>&1 || true
for f in "${files[@]}"; do
    pdf="$work/pdf/$(basename "${f%.docx}").pdf"
    if [[ -s $pdf ]]; then
        echo "ok    $f → $(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}') pages"
    else
        echo "FAIL  $f: LibreOffice produced no PDF"
        sed 's/^/      /' "$work/soffice.log"
        status=1
    fi
done

echo "== text of every paragraph and cell in the PDF"
for f in "${files[@]}"; do
    pdf="$work/pdf/$(basename "${f%.docx}").pdf"
    [[ -s $pdf ]] || continue
    pdftotext "$pdf" "$work/text.txt"
    if python3 - "$f" "$work/text.txt" <<'PY'; then
"""Checks that the PDF text holds every paragraph and table cell of the DOCX.

Whitespace is removed from both sides: LibreOffice spaces characters out on the document
grid and pdftotext reports that spacing as spaces. Page furniture (the `— N —` footer lines
and the draft header) is taken out of the running text first, since it interrupts paragraphs
that cross a page; the header text must still appear. Prose paragraphs must then appear
contiguously. A table cell's text may be interrupted where pdftotext reads across a row of
wrapped cells, or where a merged cell breaks across a page, so a cell also passes when its
text appears in order, within 400 characters, as pieces of at least two characters (a single
character only as the last piece); such cells are listed, so a reader can see how much
leniency was needed.
"""
import functools
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WINDOW = 400
docx, text_path = sys.argv[1], sys.argv[2]


def norm(s):
    # Whitespace aside; hyphens too, because pdftotext joins a word broken after a hyphen at a
    # line end and drops the hyphen (0517-|83605211 -> 051783605211).
    return re.sub(r"[\s\-]+", "", s)


def para_text(p):
    return "".join(t.text or "" for t in p.iter(W + "t"))


prose, cells, furniture = [], [], []
with zipfile.ZipFile(docx) as z:
    body = ET.fromstring(z.read("word/document.xml")).find(W + "body")
    for child in body:
        if child.tag == W + "p":
            prose.append(para_text(child))
        elif child.tag == W + "tbl":
            for tc in child.iter(W + "tc"):
                cells.append("".join(para_text(p) for p in tc.iter(W + "p")))
    for name in sorted(z.namelist()):
        if re.fullmatch(r"word/header\d+\.xml", name):
            for p in ET.fromstring(z.read(name)).iter(W + "p"):
                furniture.append(norm(para_text(p)))
furniture = {f for f in furniture if f}

raw = open(text_path, encoding="utf-8").read()
missing = [("header", f) for f in sorted(furniture) if f not in norm(raw)]
page_number = re.compile(r"\u2014\d+\u2014")
text = "".join(
    n
    for n in (norm(line) for line in raw.splitlines())
    if n not in furniture and not page_number.fullmatch(n)
)


def in_pieces(needle):
    @functools.lru_cache(maxsize=None)
    def rest_from(i, pos, limit):
        if i == len(needle):
            return True
        left = len(needle) - i
        for n in range(left, 0, -1):
            if n < 2 and left >= 2:
                break
            at = text.find(needle[i : i + n], pos, limit)
            if at >= 0 and rest_from(i + n, at + n, limit):
                return True
        return False

    head = needle[:2]
    at = text.find(head)
    while at >= 0:
        if rest_from(0, at, at + WINDOW):
            return True
        at = text.find(head, at + 1)
    return False


HANGING = "、，。"


def without_line_end_dun(needle):
    """Known LibreOffice 7.4 defect (docs/docx-grid.md): a 、，or 。 that LibreOffice hangs past
    the line end on the document grid is neither drawn nor exported. Passes when the text is in
    the raw pdftotext output with only such marks absent, each one exactly at a line break."""
    pieces = re.split(f"([{HANGING}])", needle)
    if len(pieces) == 1:
        return False
    pattern, marks = "", 0
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            pattern += r"\s*".join(re.escape(ch) for ch in piece)
        else:
            # The mark itself, or (missing) a line break.
            pattern += rf"(?:\s*{piece}\s*|[ \t]*\n\s*)"
            marks += 1
    m = re.search(pattern, raw_body)
    return m is not None and sum(m.group(0).count(h) for h in HANGING) < marks


raw_body = "\n".join(
    line
    for line in raw.splitlines()
    if norm(line) not in furniture and not page_number.fullmatch(norm(line))
)
pieced, hung = [], []
prose = [norm(p) for p in prose if norm(p)]
cells = [norm(c) for c in cells if norm(c)]
for p in prose:
    if p in text:
        continue
    if without_line_end_dun(p):
        hung.append(p)
    else:
        missing.append(("paragraph", p))
for c in cells:
    if c in text:
        continue
    if in_pieces(c):
        pieced.append(c)
    elif without_line_end_dun(c):
        hung.append(c)
    else:
        missing.append(("cell", c))
if hung:
    print(
        f"      known LibreOffice defect (docs/docx-grid.md): {len(hung)} paragraphs or cells "
        f"lack a 、，。 hung at a line end: {' | '.join(h[:16] + '…' for h in hung)}"
    )
print(
    f"      {len(prose)} paragraphs, {len(cells)} non-empty cells, header {sorted(furniture)}; "
    f"{len(set(pieced))} distinct cell texts found only in pieces: {' | '.join(sorted(set(pieced)))}"
)
for kind, s in missing:
    print(f"      missing {kind}: {s}")
sys.exit(1 if missing else 0)
PY
        echo "ok    $f"
    else
        echo "FAIL  $f"
        status=1
    fi
done

# The grid as LibreOffice lays the DOCX out (scripts/grid/check.py docx, NOROLE): median 28
# characters a full line, 22 lines a page, as many pages as our own PDF beside the DOCX.
if [[ -n ${GRID_PY:-} ]]; then
    echo "== grid in LibreOffice"
    pairs=()
    for f in "${files[@]}"; do
        pdf="$work/pdf/$(basename "${f%.docx}").pdf"
        ours="${f%.docx}.pdf"
        # Every report, the capacity page too, is held to our page count (the tables are as
        # high in LibreOffice as in our PDF since their lines are exact; docs/docx-grid.md).
        [[ -s $pdf && -s $ours ]] && pairs+=("$pdf=$ours")
    done
    if ((${#pairs[@]})) && ! "$GRID_PY" "$(dirname "$0")/grid/check.py" docx "${pairs[@]}"; then
        status=1
    fi
fi

if [[ -n ${KEEP:-} ]]; then
    echo "PDFs kept in $work/pdf"
fi
exit $status
