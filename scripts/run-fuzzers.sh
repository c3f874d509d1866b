#!/bin/sh
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, JOBS of them at a
# time (default: one per core), starting from its seed corpus in
# tests/fuzz/<target>/ (read-only: new inputs go to a temporary directory)
# and its dictionary tests/fuzz/<target>.dict if any.  A crash, leak or
# timeout fails the run.  Results are printed in the targets' order.
set -eu
build=$1
seconds=$2
jobs=${3:-$(nproc)}
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

# One target: its verdict goes to $results/<name>.out, its status to <name>.rc.
fuzz_one() {
    bin=$1
    name=$(basename "$bin")
    seeds=tests/fuzz/$name
    work=$(mktemp -d)
    dict=tests/fuzz/$name.dict
    out=$results/$name.out
    if "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
        ${dict:+$( [ -f "$dict" ] && echo "-dict=$dict")} \
        -artifact_prefix="$work/" "$work" ${seeds:+$( [ -d "$seeds" ] && echo "$seeds")} \
        >"$work/log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
        echo "fuzz: $name for ${seconds}s ... ok ($runs runs)" >"$out"
        rm -rf "$work"
        echo 0 >"$results/$name.rc"
    else
        {
            echo "fuzz: $name for ${seconds}s ... FAILED"
            tail -n 40 "$work/log"
            ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null | while read -r f; do
                echo "input: $f"; od -c "$f" | head -20
            done
        } >"$out"
        echo 1 >"$results/$name.rc"
    fi
}

running=0
for bin in "$build"/fuzz_*; do
    [ -x "$bin" ] || continue
    fuzz_one "$bin" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait
        running=0
    fi
done
wait

status=0
for bin in "$build"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    cat "$results/$name.out"
    [ "$(cat "$results/$name.rc")" -eq 0 ] || status=1
done
exit $status
