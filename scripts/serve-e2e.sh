#!/usr/bin/env bash
# End-to-end test of `nianbao serve` in Debian Chromium, driven by npm playwright-core
# (scripts/serve-e2e/e2e.mjs): create a report from last year's, plant an imbalance and see it on
# the cell, fix it, write prose, save, see the preview follow, build, download the PDF and check
# it (qpdf, pdftotext, pdfa2b-check when PDFA_PYTHON is set), edit report.toml from outside and
# see the page update within 1 s, save while another editor changed the same file (conflict:
# nothing overwritten, the clerk's edits kept, both ways out), and the refusals of a wrong Host
# or a missing token. Screenshots of every page: target/serve-e2e/shots/. ~20 s.
#
# Needs: the binary, $NIANBAO_BIN or target/debug/nianbao (cargo build -p nianbao), chromium, qpdf, poppler-utils, and
# scripts/serve-e2e/node_modules (npm ci; .ci/run installs all of these).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=target/serve-e2e
rm -rf "$out"
mkdir -p "$out/ws"
for r in demo-county-2023 demo-county-2024; do
    mkdir -p "$out/ws/$r"
    find "examples/$r" -maxdepth 1 -type f -exec cp {} "$out/ws/$r/" \;
done
bin=$(realpath "${NIANBAO_BIN:-target/debug/nianbao}")
export PDFA_CHECK="$root/tests/tools/pdfa2b-check.py"
(cd scripts/serve-e2e && node e2e.mjs "$bin" "$root/$out/ws" "$root/$out/shots")
