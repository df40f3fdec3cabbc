#!/usr/bin/env bash
# Times a 政务公开 office's day on a synthetic county with hyperfine, cold processes each run:
# `check` of N unit reports, `rollup` (aggregate folder + 汇总.xlsx), `build` of all N+1
# reports × 3 formats, and the three in a row; with one report's build in the same run as the
# reference (the ratios stay meaningful when other work shares the cores).
#
#   scripts/bench-county.sh [N]        (N units, default 50; target ≤ 2 s end to end on 2 cores)
#
# Environment: NIANBAO_BIN (default: target/release/nianbao, built here), RUNS (default 10).
# Needs hyperfine (Debian: apt-get install hyperfine) and python3.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-50}"
RUNS="${RUNS:-10}"
if [[ -z "${NIANBAO_BIN:-}" ]]; then
  (cd "$ROOT" && cargo build --release -q -p nianbao)
  NIANBAO_BIN="$ROOT/target/release/nianbao"
fi
command -v hyperfine >/dev/null || { echo "missing: hyperfine" >&2; exit 2; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/nianbao-bench-county.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
(cd "$ROOT" && cargo run --release -q -p nianbao-watch --example gen-county -- "$N" "$WORK/units" >/dev/null)
B="$NIANBAO_BIN"
U="$WORK/units"
G="$WORK/gov"
ONE="$(ls -d "$U"/*/ | head -n 2 | tail -n 1)"
"$B" rollup "$U" -o "$G" >/dev/null

# Each timed build writes into an empty folder: outputs really written and fsynced.
hyperfine -w 2 -r "$RUNS" -i --export-json "$WORK/h.json" \
  --prepare "rm -rf $WORK/out $WORK/one" \
  -n "one report: build (reference)" "$B build $ONE -o $WORK/one" \
  -n "check $N reports" "$B check $U --format csv" \
  -n "rollup $N units" "$B rollup $U -o $G" \
  -n "build $((N + 1)) reports" "$B build $U $G -o $WORK/out" \
  -n "end to end" "$B check $U --format csv >/dev/null; $B rollup $U -o $G >/dev/null; $B build $U $G -o $WORK/out >/dev/null" \
  >/dev/null 2>&1
python3 - "$WORK/h.json" <<'PY'
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
ref = rs[0]["median"]
# CPU time (user + system, mean) suffers less than wall time when other work shares the cores.
print(f"{'command':<34} {'median':>10} {'min':>10} {'max':>10} {'× reference':>12} {'CPU':>10}")
for r in rs:
    ms = lambda v: f"{v * 1000:.0f} ms"
    cpu = r["user"] + r["system"]
    print(f"{r['command']:<34} {ms(r['median']):>10} {ms(r['min']):>10} {ms(r['max']):>10} {r['median'] / ref:>11.1f}× {ms(cpu):>10}")
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
