#!/usr/bin/env bash
# Benchmark of `nianbao serve` in headless Debian Chromium (scripts/serve-e2e/bench.mjs) on a
# release build, against issue 18's targets: typed number → cell checked ≤ 50 ms, save →
# preview refreshed ≤ 200 ms (the page's own save and an outside edit of report.toml). Prints
# median, max and min of N runs each (default 20) and the load average before and after.
#
#   cargo build --release -p nianbao && scripts/bench-serve.sh [N]
#
# NIANBAO_BIN= another binary (default target/release/nianbao). Needs chromium and
# scripts/serve-e2e/node_modules (npm ci), as scripts/serve-e2e.sh. Not run by CI: a timing
# on a shared machine is a measurement, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=${NIANBAO_BIN:-target/release/nianbao}
if [ ! -x "$bin" ]; then
    echo "no $bin: build it first (cargo build --release -p nianbao)" >&2
    exit 1
fi
bin=$(realpath "$bin")
out=target/bench-serve
rm -rf "$out"
mkdir -p "$out/ws"
for r in demo-county-2023 demo-county-2024; do
    mkdir -p "$out/ws/$r"
    find "examples/$r" -maxdepth 1 -type f -exec cp {} "$out/ws/$r/" \;
done
echo "load before: $(uptime)"
(cd scripts/serve-e2e && node bench.mjs "$bin" "$root/$out/ws" "${1:-20}" "$root/$out/result.json")
echo "load after:  $(uptime)"
