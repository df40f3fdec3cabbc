#!/usr/bin/env bash
# Independent checks of every *.ofd in DIR with tools we did not write.
#
#   scripts/interop-ofd.sh DIR
#
# Per file NAME.ofd (NAME.pdf, built from the same page list, must sit next to it):
#   1. xmllint: every XML part is well-formed and, where the GB/T 33190-2016 schemas are
#      found, valid against its schema (OFD.xml → OFD.xsd, Document.xml → Document.xsd,
#      PublicRes.xml → Res.xsd, Content.xml → Page.xsd). The schemas are not ours to ship
#      and no package on crates.io, PyPI, npm or Debian carries them, so CI (a clean clone)
#      has none: they are looked for in $OFD_SCHEMA_DIR, then ../shared/data/ofd-schema
#      beside the project (the developers' machines); with none found the schema step prints
#      SKIP, saying why, and the other checks still run;
#   2. ofd-verify (tools/ofd-verify: crates ofd-core 0.3 and sofd 0.7): ofd-core
#      check_path(...).conforms(); sofd Document::open + audit() without Error findings;
#      every page rendered by ofd-core and compared with pdftoppm's rendering of NAME.pdf at
#      the same dpi: the share of ink pixels with no mark within one pixel in the other
#      rendering stays at or under OFD_THRESHOLD (docs/architecture.md, "The OFD", says how it
#      was set). On the first file the comparison must also catch four deliberate errors
#      (scripts/ofd-perturb.py: one advance 0.5 mm off, one wrong character, one line 0.5 mm
#      low, one rule missing), so a check that can no longer fail fails;
#   3. scripts/ofd-check.py: fontTools loads every embedded font and finds every character
#      shown in it; ofdkit.extract_text() equals the PDF's text page by page.
#
# Needs: libxml2-utils (xmllint), poppler-utils (pdftoppm, pdftotext, pdfinfo), unzip, the
# ofd-verify binary ($OFD_VERIFY, default tools/ofd-verify/target/release/ofd-verify) and a Python
# with ofdkit and fontTools ($OFD_PYTHON, default .venv-ofd/bin/python); .ci/run installs
# them. OFD_PNG_DIR=DIR keeps both renderings of every page there. Exit 1 if a check fails.
set -euo pipefail

dir=${1:?usage: $0 DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
verify=${OFD_VERIFY:-$root/tools/ofd-verify/target/release/ofd-verify}
python=${OFD_PYTHON:-$root/.venv-ofd/bin/python}
dpi=${OFD_DPI:-100}
threshold=${OFD_THRESHOLD:-0.0005}
fail=0
count=0

bad() {
    echo "FAIL $1: $2"
    fail=1
}

schemas=""
for d in "${OFD_SCHEMA_DIR:-}" "$root/../shared/data/ofd-schema"; do
    if [[ -n "$d" && -f "$d/OFD.xsd" ]]; then
        schemas=$d
        break
    fi
done
if [[ -z "$schemas" ]]; then
    echo "SKIP xmllint --schema: the GB/T 33190 schemas are not in this checkout (no package" \
        "on crates.io, PyPI, npm or Debian ships them; set OFD_SCHEMA_DIR to a folder with" \
        "OFD.xsd, Document.xsd, Res.xsd, Page.xsd to validate); checking well-formedness only"
    if [[ "${OFD_SCHEMA_REQUIRED:-}" == "1" ]]; then
        bad "schemas" "OFD_SCHEMA_REQUIRED=1 but no schemas found"
    fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

shopt -s nullglob
for ofd in "$dir"/*.ofd; do
    count=$((count + 1))
    name=$(basename "$ofd")
    pdf="${ofd%.ofd}.pdf"
    work="$tmp/$count"
    mkdir -p "$work/x" "$work/pdf" "$work/ofd"
    unzip -q "$ofd" -d "$work/x"

    # 1. The XML parts.
    parts=0
    while IFS= read -r part; do
        parts=$((parts + 1))
        case "$(basename "$part")" in
            OFD.xml) xsd=OFD.xsd ;;
            Document.xml) xsd=Document.xsd ;;
            PublicRes.xml | DocumentRes.xml | PageRes.xml) xsd=Res.xsd ;;
            Content.xml) xsd=Page.xsd ;;
            *) bad "$name" "no schema known for part $part"; continue ;;
        esac
        args=(--noout)
        [[ -n "$schemas" ]] && args+=(--schema "$schemas/$xsd")
        if ! out=$(xmllint "${args[@]}" "$work/x/$part" 2>&1); then
            bad "$name" "xmllint $part: $out"
        fi
    done < <(cd "$work/x" && find . -name '*.xml' | sed 's|^\./||' | sort)
    if [[ -n "$schemas" ]]; then
        echo "ok   $name: $parts XML parts valid against the GB/T 33190 schemas"
    else
        echo "ok   $name: $parts XML parts well-formed"
    fi

    # 2. ofd-core and sofd; the rendering against the PDF's.
    if [[ ! -f "$pdf" ]]; then
        bad "$name" "no $(basename "$pdf") to compare with"
        continue
    fi
    pdftoppm -r "$dpi" -gray -png "$pdf" "$work/pdf/page"
    mapfile -t refs < <(find "$work/pdf" -name 'page-*.png' | sort -V)
    if ! "$verify" "$ofd" --render "$work/ofd" --dpi "$dpi" --threshold "$threshold" \
        --compare "${refs[@]}"; then
        bad "$name" "ofd-verify"
    fi
    if [[ $count -eq 1 ]]; then
        for kind in advance glyph baseline rule; do
            page=$("$python" "$root/scripts/ofd-perturb.py" "$ofd" "$work/$kind.ofd" "$kind")
            line=$("$verify" "$work/$kind.ofd" --dpi "$dpi" --threshold "$threshold" \
                --compare "${refs[@]}" | grep "page $page:" || true)
            if [[ "$line" == FAIL* ]]; then
                echo "ok   self-test $kind: caught (${line#FAIL })"
            else
                bad "$name" "self-test $kind: the comparison missed it: $line"
            fi
        done
    fi
    if [[ -n "${OFD_PNG_DIR:-}" ]]; then
        keep="$OFD_PNG_DIR/${name%.ofd}"
        mkdir -p "$keep"
        for f in "$work"/ofd/page-*.png; do cp "$f" "$keep/ofd-$(basename "$f")"; done
        for f in "${refs[@]}"; do cp "$f" "$keep/pdf-$(basename "$f")"; done
    fi

    # 3. Fonts with fontTools, text with ofdkit.
    if ! "$python" "$root/scripts/ofd-check.py" "$ofd" "$pdf"; then
        bad "$name" "ofd-check.py"
    fi
    echo "done $name: $(stat -c %s "$ofd") bytes"
done

if [[ $count -eq 0 ]]; then
    echo "no OFD files in $dir"
    exit 1
fi
exit $fail
