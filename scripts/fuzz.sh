#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ (libFuzzer) for a bounded time from the checked-in
# seed corpus fuzz/seeds/<target>/, two targets at a time (the CI machine has two cores).
# Fails on any crash, panic, hang (> 10 s for one input) or memory over 2 GB; the input that
# did it is in fuzz/artifacts/<target>/. After fixing, keep it as a seed:
#     cp fuzz/artifacts/<target>/crash-… fuzz/seeds/<target>/
# Reproduce one input:  (cd fuzz && cargo fuzz run -s none <target> <file>)
#
# Stable Rust: the sanitizer is off (-s none), which needs no nightly flag; libFuzzer's
# coverage instrumentation and debug assertions (overflow checks) stay on.
#
# FUZZ_SECONDS (default 60) is each target's time. Measured on the 2-core dev machine:
# building the targets ~3 min cold (seconds when cached; the unregistered import target
# would add docx-rs, calamine and scraper), 3 targets × 60 s two at a time ~2 min; `cargo install cargo-fuzz` when missing ~2–7 min (load-dependent).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "-- installing cargo-fuzz"
    cargo install cargo-fuzz --locked --quiet
fi

cd fuzz
cargo fuzz build -s none
targets=$(cargo fuzz list)
echo "-- targets: $(echo $targets)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {
    local t=$1
    mkdir -p "$work/$t"
    # New inputs go to a scratch corpus; the seeds stay as checked in.
    if cargo fuzz run -s none "$t" "$work/$t" "seeds/$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$work/$t.log" 2>&1; then
        echo "-- $t: ok, $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t.log" | grep -o '[0-9]*$') runs in ${seconds} s"
    else
        echo "-- $t: FAILED"
        tail -n 60 "$work/$t.log"
        return 1
    fi
}

status=0
pending=()
for t in $targets; do
    run "$t" &
    pending+=($!)
    if ((${#pending[@]} == 2)); then
        wait "${pending[0]}" || status=1
        pending=("${pending[@]:1}")
    fi
done
for p in "${pending[@]}"; do
    wait "$p" || status=1
done
exit $status
