#!/bin/sh
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, starting from
# its seed corpus in tests/fuzz/<target>/ (read-only: new inputs go to a
# temporary directory) and its dictionary tests/fuzz/<target>.dict if any.
# A crash, leak or timeout fails the run.
set -eu
build=$1
seconds=$2
status=0
for bin in "$build"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    seeds=tests/fuzz/$name
    work=$(mktemp -d)
    dict=tests/fuzz/$name.dict
    printf 'fuzz: %s for %ss ... ' "$name" "$seconds"
    if "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
        ${dict:+$( [ -f "$dict" ] && echo "-dict=$dict")} \
        -artifact_prefix="$work/" "$work" ${seeds:+$( [ -d "$seeds" ] && echo "$seeds")} \
        >"$work/log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
        echo "ok ($runs runs)"
    else
        echo "FAILED"
        tail -n 40 "$work/log"
        ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null | while read -r f; do
            echo "input: $f"; od -c "$f" | head -20
        done
        status=1
    fi
    [ "$status" -eq 0 ] && rm -rf "$work"
done
exit $status
