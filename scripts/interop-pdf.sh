#!/usr/bin/env bash
# Independent checks of every *.pdf in DIR with tools we did not write (poppler-utils, qpdf).
#
#   scripts/interop-pdf.sh DIR
#
# Per file:
#   - pdffonts: at least one font, and every font "emb yes / sub yes / uni yes";
#   - qpdf --check: no errors or warnings;
#   - pdfinfo: A4 pages (595.276 x 841.89 pt);
#   - pdftotext -layout: no line starts with a closing or pausing mark (禁则);
#   - if NAME.prose.txt exists next to NAME.pdf (one paragraph per line, as written by
#     `NIANBAO_DUMP_DIR=DIR cargo test -p nianbao-export --lib dump_sample -- --ignored`):
#     plain pdftotext, with page-number lines and the 草稿 mark dropped and all whitespace
#     removed, contains every paragraph verbatim.
#
#   - PDF/A-2b: tests/tools/pdfa2b-check.py (a subset of veraPDF's PDF/A-2B rules) finds
#     nothing, and Apache PDFBox Preflight (which validates PDF/A-1b only) reports nothing
#     but the findings a good PDF/A-2b file gets from a PDF/A-1 validator: `pdfaid:part`
#     is 2, not 1 (7.11.2), the cross-reference stream (1.4; PDF/A-1 is PDF 1.4, PDF/A-2
#     allows PDF 1.5's streams), and — were the OutputIntent's ICC profile version 4 — the
#     ICC version. veraPDF is not run (not installable here; docs/pdfa.md says how to run it).
#
# Needs: poppler-utils (pdffonts, pdftotext, pdfinfo) and qpdf (apt-get install -y
# poppler-utils qpdf); Java with Debian libpdfbox2-java libactivation-java
# libjaxb-api-java; Python with pikepdf, fonttools and lxml ($PDFA_PYTHON, default python3;
# .ci/run makes a venv). Exit status 1 if any check fails.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
pdfa_python=${PDFA_PYTHON:-python3}
java_dir=/usr/share/java
preflight_cp="$java_dir/preflight.jar:$java_dir/pdfbox2.jar:$java_dir/fontbox2.jar:$java_dir/xmpbox.jar:$java_dir/commons-logging.jar:$java_dir/javax.activation.jar:$java_dir/jaxb-api.jar"

dir=${1:?usage: $0 DIR}
fail=0
count=0

bad() {
    echo "FAIL $1: $2"
    fail=1
}

shopt -s nullglob
for pdf in "$dir"/*.pdf; do
    count=$((count + 1))
    name=$(basename "$pdf")

    # Fonts: the last four columns are emb, sub, uni, object number, generation.
    fonts=$(pdffonts "$pdf" | tail -n +3)
    if [[ -z "$fonts" ]]; then
        bad "$name" "no fonts"
    fi
    while IFS= read -r line; do
        [[ -z "$line" ]] && continue
        flags=$(awk '{print $(NF-4), $(NF-3), $(NF-2)}' <<<"$line")
        if [[ "$flags" != "yes yes yes" ]]; then
            bad "$name" "font not embedded/subset/unicode: $line"
        fi
    done <<<"$fonts"

    # Structure.
    if ! check=$(qpdf --check "$pdf" 2>&1); then
        bad "$name" "qpdf --check: $check"
    elif grep -qi "warning\|error:" <<<"$check"; then
        bad "$name" "qpdf --check: $check"
    fi

    # Page size.
    sizes=$(pdfinfo -f 1 -l 9999 "$pdf" | awk '/^Page +[0-9]+ size:/ {print $4, $6}' | sort -u)
    if [[ "$sizes" != "595.276 841.89" ]]; then
        bad "$name" "page sizes not A4: $sizes"
    fi

    # 禁则 as a reader's text extraction sees it.
    starts=$(pdftotext -layout "$pdf" - | sed -e 's/^[[:space:]]*//' | grep -E '^[，。、；：？！）》」』”’…%％〕】〉]' || true)
    if [[ -n "$starts" ]]; then
        bad "$name" "lines start with a closing mark:"$'\n'"$starts"
    fi

    # Prose comes back verbatim.
    prose="${pdf%.pdf}.prose.txt"
    if [[ -f "$prose" ]]; then
        text=$(pdftotext "$pdf" - |
            grep -vE '^[[:space:]]*—[[:space:]]*[0-9]+[[:space:]]*—[[:space:]]*$' |
            grep -vE '^[[:space:]]*草稿[[:space:]]*$' |
            tr -d '[:space:]\f')
        missing=0
        while IFS= read -r para; do
            [[ -z "$para" ]] && continue
            # Whitespace aside on both sides (the seed report writes `2024 年`).
            squashed=$(tr -d '[:space:]' <<<"$para")
            if [[ "$text" != *"$squashed"* ]]; then
                bad "$name" "paragraph not recovered by pdftotext: $para"
                missing=$((missing + 1))
            fi
        done <"$prose"
        paras=$(grep -c . "$prose" || true)
        echo "ok   $name: $((paras - missing))/$paras paragraphs recovered"
    fi
    # PDF/A-2b.
    if ! out=$("$pdfa_python" "$here/../tests/tools/pdfa2b-check.py" "$pdf" 2>&1); then
        bad "$name" "pdfa2b-check: $out"
    else
        echo "ok   $name: pdfa2b-check: no finding"
    fi
    preflight=$(java -cp "$preflight_cp" org.apache.pdfbox.preflight.Validator_A1b "$pdf" 2>&1 || true)
    # Findings are `<code> : <message>` lines; allowed: the A-1-only ones.
    findings=$(grep -E '^[0-9]+(\.[0-9]+)* : ' <<<"$preflight" || true)
    # The cross-reference stream (PDF 1.5, allowed by PDF/A-2) is A-1-only too.
    others=$(grep -vE '^7\.11\.2 : .*part must be 1|^[0-9.]+ : .*ICC.*[Vv]ersion|^1\.4 : .*/XRef cross reference streams are not allowed' <<<"$findings" || true)
    if ! grep -qE 'is a valid PDF/A-1b file|is not a valid PDF/A-1b file' <<<"$preflight"; then
        bad "$name" "PDFBox Preflight did not run: $preflight"
    elif [[ -n "$others" ]]; then
        bad "$name" "PDFBox Preflight (PDF/A-1b) beyond the A-1-only findings:"$'\n'"$others"
    else
        echo "ok   $name: PDFBox Preflight: only A-1-only findings ($(wc -l <<<"$findings" | tr -d ' '): ${findings//$'\n'/; })"
    fi

    echo "done $name: $(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}') pages, $(stat -c %s "$pdf") bytes, $(wc -l <<<"$fonts") fonts"
done

# The GB/T 9704 grid, measured from glyph positions (scripts/grid/check.py; GRID_PY is a
# python with pymupdf and numpy, set by .ci/run).
if [[ -n ${GRID_PY:-} && $count -gt 0 ]]; then
    if ! "$GRID_PY" "$(dirname "$0")/grid/check.py" pdf "$dir"/*.pdf; then
        fail=1
    fi
fi

if [[ $count -eq 0 ]]; then
    echo "no PDF files in $dir"
    exit 1
fi
exit $fail
