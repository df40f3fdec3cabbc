#!/usr/bin/env bash
# Does a build's cost grow linearly with the report's length? Makes the seed report with its
# prose repeated 1×, 10× and 100× (every paragraph N times; headings, tables and numbers as
# they are, so the checks still pass), times a cold three-format build of each with hyperfine
# and prints the cost per page beyond the 1× build. A quadratic step anywhere (line breaking,
# pagination, diagnostics, the PDF writer) shows up as a per-page cost that grows with N.
#
#   scripts/bench-scale.sh [REPORT_DIR]
#
# Environment: NIANBAO_BIN (default: target/release/nianbao, built here), RUNS (default 20),
# FACTORS (default "1 10 100").
# Needs hyperfine, python3 and pdfinfo (poppler-utils).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPORT="${1:-$ROOT/examples/wuzhong-xinfang-2024}"
RUNS="${RUNS:-20}"
FACTORS="${FACTORS:-1 10 100}"
if [[ -z "${NIANBAO_BIN:-}" ]]; then
  (cd "$ROOT" && cargo build --release -q -p nianbao)
  NIANBAO_BIN="$ROOT/target/release/nianbao"
fi
for tool in hyperfine python3 pdfinfo; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done
WORK="$(mktemp -d "${TMPDIR:-/tmp}/nianbao-bench-scale.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

printf '%-8s %7s %11s %11s %16s\n' factor pages median "PDF bytes" "ms/page beyond 1×"
base_ms="" base_pages=""
for n in $FACTORS; do
  dir="$WORK/x$n"
  python3 - "$REPORT" "$dir" "$n" <<'PY'
import pathlib, shutil, sys
src, dst, n = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
shutil.copytree(src, dst, ignore=shutil.ignore_patterns("out"))
for md in dst.glob("*.md"):
    out = []
    for block in md.read_text(encoding="utf-8").split("\n\n"):
        heading = block.lstrip().startswith("#")
        out.extend([block] * (1 if heading else n))
    md.write_text("\n\n".join(out), encoding="utf-8")
PY
  "$NIANBAO_BIN" build "$dir" -o "$dir/out" >/dev/null
  pdf=$(ls "$dir"/out/*.pdf)
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
  bytes=$(stat -c %s "$pdf")
  hyperfine -N -w 3 -r "$RUNS" --export-json "$WORK/h$n.json" \
    "$NIANBAO_BIN build $dir -o $dir/out" >/dev/null 2>&1
  ms=$(python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))["results"][0]; print("%.2f" % (r["median"] * 1000))' "$WORK/h$n.json")
  per=""
  if [[ -z "$base_ms" ]]; then
    base_ms=$ms base_pages=$pages per="—"
  else
    per=$(python3 -c "print(f'{($ms - $base_ms) / ($pages - $base_pages):.3f}')")
  fi
  printf '%-8s %7s %8s ms %11s %16s\n' "${n}×" "$pages" "$ms" "$bytes" "$per"
done
