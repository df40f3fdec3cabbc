#!/usr/bin/env bash
# Times the cold command line end to end with hyperfine (each run is a new process: fonts
# mapped and parsed, nothing cached but the OS page cache), on the seed example by default.
#
#   scripts/bench-cli.sh [REPORT_DIR]
#
# Prints the median wall time of: every format (the default: DOCX, PDF, XLSX, HTML and the
# checksum list), the three office formats, each format alone, `check` only, and every format
# into an empty output folder (files really written and fsynced); then the peak RSS of the
# default build (`/usr/bin/time -f %M`, the largest of 5 runs).
#
# Then, when the typst Python binding is installed (`pip install typst`), the reference: typst
# compiling bench/wuzhong-xinfang-2024.typ (the seed's content as typst source, made by
# scripts/docx-to-typ.py) to a PDF with the same shipped fonts, timed in the same run, and the
# ratios nianbao / typst of time and PDF size. The typst figures are only meaningful for the
# seed report (the default REPORT_DIR).
#
# Environment:
#   NIANBAO_BIN  the binary to time (default: target/release/nianbao, built here)
#   BEFORE_BIN   another nianbao binary (say, main's) to time in the same run, for ratios
#   RUNS         hyperfine runs per command (default 50)
# Needs hyperfine and GNU time (Debian: apt-get install hyperfine time) and python3.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPORT="${1:-$ROOT/examples/wuzhong-xinfang-2024}"
RUNS="${RUNS:-50}"
if [[ -z "${NIANBAO_BIN:-}" ]]; then
  (cd "$ROOT" && cargo build --release -q -p nianbao)
  NIANBAO_BIN="$ROOT/target/release/nianbao"
fi
for tool in hyperfine /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/nianbao-bench-cli.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
OUT="$WORK/out"
B="$NIANBAO_BIN"

# One warm-up build so the outputs exist: the timed rebuilds then compare and skip
# unchanged files, as a rebuild after an edit that changes nothing does.
"$B" build "$REPORT" -o "$OUT" >/dev/null 2>&1

names=("build, every format (default)" "build --format docx,pdf,xlsx" "build --format pdf"
  "build --format docx" "build --format xlsx" "build --format html"
  "check" "build, every format, empty output folder")
cmds=("$B build $REPORT -o $OUT"
  "$B build $REPORT -o $OUT --format docx,pdf,xlsx"
  "$B build $REPORT -o $OUT --format pdf"
  "$B build $REPORT -o $OUT --format docx"
  "$B build $REPORT -o $OUT --format xlsx"
  "$B build $REPORT -o $OUT --format html"
  "$B check $REPORT"
  "$B build $REPORT -o $WORK/fresh")

printf '%-44s %10s %10s %10s %10s\n' "command (report: $(basename "$REPORT"))" median mean min max
for i in "${!cmds[@]}"; do
  json="$WORK/h$i.json"
  prepare=()
  if [[ "${names[$i]}" == *"empty output folder"* ]]; then
    prepare=(--prepare "rm -rf $WORK/fresh")
  fi
  hyperfine -N -w 5 -r "$RUNS" -i "${prepare[@]}" --export-json "$json" "${cmds[$i]}" >/dev/null 2>&1
  python3 - "$json" "${names[$i]}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
ms = lambda v: f"{v * 1000:.1f} ms"
print(f"{sys.argv[2]:<44} {ms(r['median']):>10} {ms(r['mean']):>10} {ms(r['min']):>10} {ms(r['max']):>10}")
PY
done

peak=0
for _ in 1 2 3 4 5; do
  /usr/bin/time -o "$WORK/rss" -f %M "$B" build "$REPORT" -o "$OUT" >/dev/null 2>&1
  kb=$(tail -1 "$WORK/rss")
  ((kb > peak)) && peak=$kb
done
printf 'peak RSS, build (every format): %d KiB (%d.%d MiB)\n' "$peak" $((peak / 1024)) $((peak % 1024 * 10 / 1024))

# The same three-format build by another binary, in the same run: the ratio is what counts
# (the host's speed drifts between sessions; see docs/performance.md).
median() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"]*1000)' "$1"; }
if [[ -n "${BEFORE_BIN:-}" ]]; then
  # BEFORE_BIN's default formats (an older binary may make only DOCX, PDF and XLSX); this
  # binary with the same three formats, and with its own defaults (HTML and the checksum
  # list too).
  "$BEFORE_BIN" build "$REPORT" -o "$WORK/before" >/dev/null 2>&1
  "$B" build "$REPORT" -o "$WORK/three" --format docx,pdf,xlsx >/dev/null 2>&1
  hyperfine -N -w 5 -r "$RUNS" -i --export-json "$WORK/ab.json" \
    "$BEFORE_BIN build $REPORT -o $WORK/before" \
    "$B build $REPORT -o $WORK/three --format docx,pdf,xlsx" \
    "$B build $REPORT -o $OUT" >/dev/null 2>&1
  python3 - "$WORK/ab.json" <<'PY'
import json, sys
before, three, every = (r["median"] * 1000 for r in json.load(open(sys.argv[1]))["results"])
print(f"BEFORE_BIN build {before:.1f} ms; this binary, DOCX + PDF + XLSX {three:.1f} ms "
      f"(ratio {three / before:.2f}), every default format {every:.1f} ms (ratio {every / before:.2f})")
PY
fi

TYP="$ROOT/bench/wuzhong-xinfang-2024.typ"
if python3 -c 'import typst' 2>/dev/null && [[ -f "$TYP" ]]; then
  cat >"$WORK/typst-compile.py" <<PY
import typst
pdf = typst.compile("$TYP", font_paths=["$ROOT/fonts"], ignore_system_fonts=True)
open("$WORK/typst.pdf", "wb").write(pdf)
PY
  hyperfine -N -w 2 -r $((RUNS < 20 ? RUNS : 20)) --export-json "$WORK/typst.json" \
    "python3 $WORK/typst-compile.py" "$B build $REPORT -o $OUT --format pdf" \
    "$B build $REPORT -o $OUT" >/dev/null 2>&1
  ours=$(stat -c %s "$OUT"/*.pdf)
  theirs=$(stat -c %s "$WORK/typst.pdf")
  python3 - "$WORK/typst.json" "$ours" "$theirs" <<'PY'
import json, sys
t, pdf, all3 = (r["median"] * 1000 for r in json.load(open(sys.argv[1]))["results"])
ours, theirs = int(sys.argv[2]), int(sys.argv[3])
print(f"typst (Python binding) PDF: {t:.1f} ms; nianbao PDF {pdf:.1f} ms ({pdf / t:.3f} x), "
      f"all three formats {all3:.1f} ms ({all3 / t:.3f} x)")
print(f"PDF size: nianbao {ours} bytes, typst {theirs} bytes: {ours / theirs:.3f} x")
PY
else
  echo "typst reference skipped (pip install typst; needs $TYP)"
fi
