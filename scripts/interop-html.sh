#!/usr/bin/env bash
# Independent checks of the HTML outputs in DIR with tools we did not write.
#
#   scripts/interop-html.sh DIR
#
# For NAME.html (the complete page) and NAME.fragment.html (the CMS body) in DIR:
#   - the Nu HTML Checker (npm vnu-jar, run with the machine's Java): 0 errors. The fragment
#     is checked inside a minimal host page (doctype, <html lang>, <title>, <main>, an <h1>
#     standing for the CMS article title), written next to it as NAME.fragment.host.html:
#     a fragment is not a document, and this is how a CMS shows it;
#   - axe-core in Debian Chromium via playwright-core (scripts/html-check/axe.mjs), at 100 %
#     and 200 % zoom: 0 violations, and no request to anything outside the file;
#   - the fragment has no class attribute, no <style>, no <script> (a grep, beside the Rust
#     test that reads it back).
# With SCREENSHOT_DIR set, axe.mjs also writes full-page PNGs at both zooms and the page's
# print rendering (A4 PDF) there.
#
# Needs: Java (on the machine), Node with npm, Debian chromium; .ci/run installs chromium and
# runs `npm ci` in scripts/html-check/ when its node_modules are missing.
set -euo pipefail

dir=${1:?usage: $0 DIR}
here=$(cd "$(dirname "$0")" && pwd)
tools="$here/html-check/node_modules"
vnu="$tools/vnu-jar/build/dist/vnu.jar"
if [[ ! -f "$vnu" || ! -d "$tools/axe-core" || ! -d "$tools/playwright-core" ]]; then
    echo "missing $tools: run (cd scripts/html-check && npm ci --ignore-scripts)" >&2
    exit 2
fi

fail=0
shopt -s nullglob
files=()
for page in "$dir"/*.html; do
    case "$page" in *.fragment.html | *.host.html) continue ;; esac
    fragment="${page%.html}.fragment.html"
    if [[ ! -f "$fragment" ]]; then
        echo "FAIL $(basename "$page"): no $(basename "$fragment") beside it"
        fail=1
        continue
    fi
    if grep -qE '<style|<script| class="' "$fragment"; then
        echo "FAIL $(basename "$fragment"): a class, <style> or <script>"
        fail=1
    fi
    host="${page%.html}.fragment.host.html"
    title=$(basename "${page%.html}")
    {
        printf '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        printf '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        printf '<title>%s</title>\n</head>\n<body>\n<main>\n<h1>%s</h1>\n' "$title" "$title"
        cat "$fragment"
        printf '</main>\n</body>\n</html>\n'
    } >"$host"
    files+=("$page" "$host")
done
if ((${#files[@]} == 0)); then
    echo "no HTML page in $dir"
    exit 1
fi

# Nu HTML Checker: errors fail; warnings are shown.
if out=$(java -jar "$vnu" --format text "${files[@]}" 2>&1); then
    echo "ok   vnu: 0 errors in ${#files[@]} files"
else
    if grep -q '^Error\|error:' <<<"$out"; then
        echo "FAIL vnu:"
        fail=1
    fi
fi
[[ -n "$out" ]] && sed 's/^/     /' <<<"$out"

node "$here/html-check/axe.mjs" "${files[@]}" || fail=1
exit $fail
