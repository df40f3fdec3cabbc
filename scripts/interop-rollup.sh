#!/usr/bin/env bash
# The 政务公开 office's roll-up, end to end, judged by tools we did not write:
#   1. a synthetic county of N units (gen-county) is checked and rolled up by the nianbao binary;
#   2. 汇总.xlsx: openxml-audit finds nothing; openpyxl reads back (cached values, no
#      recalculation) every unit's numbers and totals equal to the aggregate report.toml and to
#      the sum of the counted rows (scripts/rollup-readback.py, parsing the TOML with tomllib);
#      LibreOffice Calc converts it to PDF, whose text has the headers and the totals row;
#   3. the aggregate folder builds like any report (every format `nianbao build` writes), and each
#      output passes the same scripts/interop-<extension>.sh as the examples in .ci/run (the PDF
#      check with the DOCX's paragraphs, as there).
#
# Usage: scripts/interop-rollup.sh [N] [OUT]   (N units, default 12; OUT keeps the files)
# Needs: the debug binary (cargo build -p nianbao), OPENXML_AUDIT and PYTHON (a Python with
#        openpyxl; default python3), soffice, pdftotext, and what each interop-<ext>.sh needs.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-12}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=${2:-$tmp/out}
mkdir -p "$out"
nb=${NIANBAO:-./target/debug/nianbao}
audit=${OPENXML_AUDIT:-openxml-audit}
python=${PYTHON:-python3}
soffice=${SOFFICE:-soffice}

cargo run -q -p nianbao-watch --example gen-county -- "$n" "$out/units" >/dev/null
echo "== nianbao check ($n units)"
"$nb" check "$out/units" --format csv >"$out/check.csv"
echo "== nianbao rollup"
"$nb" rollup "$out/units" -o "$out/gov" >"$out/rollup.log"
tail -n 2 "$out/rollup.log"
xlsx="$out/gov/汇总.xlsx"

failed=0
echo "== openxml-audit 汇总.xlsx"
"$audit" "$xlsx" -m 0 -q || { echo "FAIL openxml-audit: $xlsx" >&2; failed=1; }
echo "== openpyxl read-back"
"$python" scripts/rollup-readback.py "$out/units" "$out/gov" || failed=1
echo "== LibreOffice"
if "$soffice" "-env:UserInstallation=file://$tmp/lo-profile" --headless --convert-to pdf \
    --outdir "$out/pdf" "$xlsx" >"$tmp/soffice.log" 2>&1 && [[ -s $out/pdf/汇总.pdf ]]; then
    text=$(pdftotext "$out/pdf/汇总.pdf" -)
    # Short labels only: pdftotext splits a wrapped cell across lines.
    for label in 计入汇总 规章 自然人 结果维持 合计; do
        grep -q "$label" <<<"$text" || { echo "FAIL 汇总.pdf lacks $label" >&2; failed=1; }
    done
    echo "ok 汇总.pdf: $(pdfinfo "$out/pdf/汇总.pdf" | awk '/^Pages:/ {print $2}') pages"
else
    cat "$tmp/soffice.log" >&2
    echo "FAIL LibreOffice could not convert $xlsx" >&2
    failed=1
fi
echo "== the aggregate builds and passes every output's checks"
# As the office would: its 【待填写】 prompts (E-TODO until written) written first.
perl -CSD -Mutf8 -0pi -e 's/【待填写[^】]*信息处理费[^】]*】/本年度未收取信息处理费。/g; s/【待填写[^】]*】/本机关编写的文字。/g' "$out"/gov/*.md "$out/gov/report.toml"
"$nb" build "$out/gov" -o "$out/gov-out" >"$out/gov-build.log" || {
    cat "$out/gov-build.log" >&2
    echo "FAIL nianbao build of the aggregate" >&2
    failed=1
}
for docx in "$out"/gov-out/*.docx; do
    python3 scripts/docx-paragraphs.py "$docx" >"${docx%.docx}.prose.txt"
done
fmts=$(find "$out/gov-out" -maxdepth 1 -type f ! -name '.*' ! -name '*.prose.txt' -name '*.*' | sed 's/.*\.//' | sort -u)
[[ -n $fmts ]] || { echo "FAIL the aggregate's build wrote nothing" >&2; failed=1; }
for fmt in $fmts; do
    if [[ ! -x scripts/interop-$fmt.sh ]]; then
        echo "FAIL no scripts/interop-$fmt.sh for the aggregate's .$fmt" >&2
        failed=1
        continue
    fi
    echo "-- $fmt: the aggregate"
    "scripts/interop-$fmt.sh" "$out/gov-out" || failed=1
done

if ((failed)); then
    echo "interop-rollup: FAILED" >&2
    exit 1
fi
echo "interop-rollup: passed"
