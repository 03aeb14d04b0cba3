#!/bin/sh
# Runs every fuzz target for SECONDS (default 300) on one core, seeded from fixtures/, and
# prints executions per target. Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -eu
cd "$(dirname "$0")"
secs=${1:-300}
[ $# -gt 0 ] && shift
targets=${*:-"csv_canonical profile_map workbook camt bai2 mt940 amount date"}
seed() { # target, then fixture globs
    t=$1; shift
    mkdir -p "corpus/$t"
    for f in "$@"; do [ -f "$f" ] && [ "$(wc -c <"$f")" -lt 1000000 ] && cp "$f" "corpus/$t/" || true; done
}
seed csv_canonical ../fixtures/*.csv ../fixtures/*/*.csv
seed profile_map ../fixtures/profiles/*/*.csv
seed workbook ../fixtures/*/*.xlsx ../fixtures/*/*/*.xlsx ../fixtures/*/*/*.xls ../fixtures/*/*/*.ods
seed camt ../fixtures/bank/camt/*.xml
seed bai2 ../fixtures/bank/bai2/*
seed mt940 ../fixtures/bank/mt940/*
mkdir -p corpus/amount corpus/date
printf '1.234,56-' >corpus/amount/a; printf '(1,000.00)' >corpus/amount/b; printf 'EUR 12.50' >corpus/amount/c
printf '31.12.2026' >corpus/date/a; printf '12/31/2026' >corpus/date/b; printf '2026-12-31' >corpus/date/c
for t in $targets; do
    log="artifacts/$t.log"
    mkdir -p artifacts
    nice -n 10 cargo +nightly fuzz run -s none -O "$t" "corpus/$t" -- \
        -max_total_time="$secs" -jobs=1 -workers=1 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 || true
    # -jobs=1 runs the fuzzer in a child process that logs to fuzz-0.log.
    for l in fuzz-0.log ../fuzz-0.log; do [ -f "$l" ] && cat "$l" >>"$log" && rm -f "$l"; done
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | head -1 || echo "?")
    crash=$(ls "artifacts/$t" 2>/dev/null | wc -l)
    echo "$t: ${secs}s, $runs executions, $crash artifacts"
done
