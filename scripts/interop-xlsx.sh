#!/usr/bin/env bash
# Independent checks of every *.xlsx in DIR by tools we did not write:
#   1. openxml-audit (the Open XML SDK validator ported to Python): zero findings;
#   2. LibreOffice Calc headless: converts each workbook to PDF without error, every sheet
#      printed (at least one page per sheet), and the PDF's text has the sheets' labels.
#
# Usage: scripts/interop-xlsx.sh DIR [OUT]
#   OUT keeps the PDFs (default: a temporary directory, removed afterwards).
# Needs: openxml-audit==0.8.0 (PyPI; OPENXML_AUDIT=path to its executable if not on PATH),
#        soffice from libreoffice-calc-nogui (SOFFICE=path to override), pdfinfo and pdftotext
#        from poppler-utils, and a CJK font (fonts-noto-cjk) for LibreOffice to render with.
set -euo pipefail

dir=${1:?usage: scripts/interop-xlsx.sh DIR [OUT]}
audit=${OPENXML_AUDIT:-openxml-audit}
soffice=${SOFFICE:-soffice}

shopt -s nullglob
files=("$dir"/*.xlsx)
if ((${#files[@]} == 0)); then
    echo "interop-xlsx: no .xlsx files in $dir" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=${2:-$tmp/pdf}
mkdir -p "$out"

failed=0

echo "== openxml-audit"
for f in "${files[@]}"; do
    if ! "$audit" "$f" -m 0 -q; then
        echo "FAIL openxml-audit: $f" >&2
        failed=1
    fi
done

echo "== LibreOffice"
# One call for all files (start-up dominates); its own profile so a user's settings or a
# running instance cannot interfere.
if ! "$soffice" "-env:UserInstallation=file://$tmp/lo-profile" --headless \
    --convert-to pdf --outdir "$out" "${files[@]}" >"$tmp/soffice.log" 2>&1; then
    cat "$tmp/soffice.log" >&2
    echo "FAIL soffice exited with an error" >&2
    failed=1
fi
for f in "${files[@]}"; do
    name=$(basename "${f%.xlsx}")
    pdf="$out/$name.pdf"
    if [[ ! -s $pdf ]]; then
        echo "FAIL LibreOffice produced no PDF for $f" >&2
        failed=1
        continue
    fi
    # Sheets in the workbook (sheet parts in the zip), pages in the PDF.
    sheets=$(python3 -c 'import sys, zipfile; print(sum(n.startswith("xl/worksheets/sheet") for n in zipfile.ZipFile(sys.argv[1]).namelist()))' "$f")
    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
    if ((pages < sheets)); then
        echo "FAIL $pdf: $pages pages for $sheets sheets" >&2
        failed=1
    fi
    # The rendered text must carry the labels (pdftotext joins wrapped cell lines, so test
    # short labels that fit one line). 申请人情况 and 校验-sheet 通过/不通过 come from different sheets.
    text=$(pdftotext "$pdf" -)
    for label in 信息内容 申请人情况 行政复议 检查ID; do
        if ! grep -q "$label" <<<"$text"; then
            echo "FAIL $pdf: text lacks $label" >&2
            failed=1
        fi
    done
    echo "ok $name: $sheets sheets, $pages pages"
done

if ((failed)); then
    echo "interop-xlsx: FAILED" >&2
    exit 1
fi
echo "interop-xlsx: all ${#files[@]} workbooks passed"
