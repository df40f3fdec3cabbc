#!/usr/bin/env bash
# Regenerates the import fixtures in this folder from examples/demo-county-2024 (run from the
# repository root; the fixtures are committed, so CI does not run this). Needs LibreOffice,
# poppler-utils, Debian's chromium and a Python with python-docx and openpyxl:
#   apt-get install libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils chromium
#   python3 -m venv /tmp/fx && /tmp/fx/bin/pip install python-docx openpyxl
#   PYTHON=/tmp/fx/bin/python tests/import/make_fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
here=tests/import
py=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build -q -p nianbao
./target/debug/nianbao build examples/demo-county-2024 -o "$work/out" >/dev/null
docx=$(ls "$work"/out/*.docx)
xlsx=$(ls "$work"/out/*.xlsx)
pdf=$(ls "$work"/out/*.pdf)

# 1. A Word report as an agency writes it (python-docx).
"$py" $here/make_fixtures.py agency-docx "$docx" $here/agency-python-docx.docx

# 2–3. Our DOCX and XLSX re-saved by LibreOffice.
lo() { soffice --headless -env:UserInstallation=file://$work/lo --convert-to "$1" --outdir "$2" "$3" >/dev/null 2>&1; }
mkdir -p "$work/lo-docx" "$work/lo-xlsx"
lo docx "$work/lo-docx" "$docx"
lo xlsx "$work/lo-xlsx" "$xlsx"
cp "$work"/lo-docx/*.docx $here/libreoffice-resaved.docx
cp "$work"/lo-xlsx/*.xlsx $here/libreoffice-resaved.xlsx

# 4. A portal page, loaded and saved by Chromium (its serialisation of the parsed page).
"$py" $here/make_fixtures.py portal-html "$docx" "$work/portal.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chromium" --dump-dom "file://$work/portal.html" \
    2>/dev/null >$here/chromium-saved.html

# 5. Text from the PDF with pdftotext -layout.
pdftotext -layout "$pdf" $here/pdftotext-layout.txt

# 6. The workbook edited by openpyxl (three cells), then re-saved by LibreOffice.
"$py" $here/make_fixtures.py edit-xlsx "$xlsx" "$work/edited.xlsx"
mkdir -p "$work/lo-edited"
lo xlsx "$work/lo-edited" "$work/edited.xlsx"
cp "$work"/lo-edited/edited.xlsx $here/edited-workbook.xlsx

# 7. The same with the build's record of its numbers (docProps/custom.xml) dropped, as a
#    program that does not keep custom document properties would save it.
"$py" - $here/edited-workbook.xlsx $here/edited-workbook-no-record.xlsx <<'PY'
import sys, zipfile
src, dst = sys.argv[1:]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == "docProps/custom.xml":
            continue
        if item.filename == "[Content_Types].xml":
            data = data.replace(b'<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>', b"")
        if item.filename == "_rels/.rels":
            import re
            data = re.sub(rb'<Relationship [^>]*Target="docProps/custom.xml"/>', b"", data)
        zout.writestr(item, data)
PY

ls -l $here
