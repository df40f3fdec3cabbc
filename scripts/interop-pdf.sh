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
# Needs: poppler-utils (pdffonts, pdftotext, pdfinfo) and qpdf (apt-get install -y
# poppler-utils qpdf). Exit status 1 if any check fails.
set -euo pipefail

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
