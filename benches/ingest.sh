#!/usr/bin/env bash
# Ingest benchmark (issue: foundation). For each size N (default 1,000,000 and 10,000,000 invoices):
#   arx:    `arx ingest invoices.csv` into a fresh workspace (parse, validate, write the Parquet
#           store, commit) — wall time and peak RSS, median of RUNS runs;
#   DuckDB: `SELECT count(*) FROM read_csv('invoices.csv')` on the same file in the same run —
#           the bare parse, as the peer.
# Prints a table with medians and the arx/DuckDB ratio. Needs: cargo, python3 + pip (installs
# duckdb if missing), GNU time (apt-get install time). Data: examples/synth, deterministic.
#
#   benches/ingest.sh                 # both sizes, 3 runs each
#   SIZES=1000000 RUNS=5 benches/ingest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000000 10000000"}
RUNS=${RUNS:-3}
DATA=${DATA:-bench-data}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/arx-target}"

command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
python3 -c 'import duckdb' 2>/dev/null || pip install -q duckdb
cargo build --release --locked --bin arx --example synth
ARX="$CARGO_TARGET_DIR/release/arx"
SYNTH="$CARGO_TARGET_DIR/release/examples/synth"

measure() { # prints "wall_seconds peak_kib" for the command
  local t
  t=$(mktemp)
  /usr/bin/time -o "$t" -f '%e %M' "$@" >/dev/null 2>/dev/null || { echo "failed: $*" >&2; exit 1; }
  tail -n 1 "$t"
  rm -f "$t"
}

results=$(mktemp)
for n in $SIZES; do
  dir="$DATA/$n"
  if [ ! -s "$dir/invoices.csv" ]; then
    echo "generating $n invoices into $dir" >&2
    "$SYNTH" --customers $(( n / 50 )) --invoices "$n" --seed 42 --out "$dir" >&2
  fi
  csv="$dir/invoices.csv"
  rows=$(( $(wc -l < "$csv") - 1 ))
  for run in $(seq 1 "$RUNS"); do
    ws=$(mktemp -d)
    "$ARX" init "$ws/ws" --quiet
    sync
    a=$(measure "$ARX" --workspace "$ws/ws" --quiet --no-progress ingest "$csv")
    got=$("$ARX" --workspace "$ws/ws" log --format csv | tail -n 1 | cut -d, -f9)
    [ "$got" = "$rows" ] || { echo "arx added $got rows, expected $rows" >&2; exit 1; }
    rm -rf "$ws"
    d=$(measure python3 -c "import duckdb,sys; n=duckdb.sql(\"SELECT count(*) FROM read_csv('$csv')\").fetchall()[0][0]; sys.exit(0 if n==$rows else 1)")
    echo "$n $run $a $d" | tee -a "$results" >&2
  done
done

python3 - "$results" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    n, run, aw, am, dw, dm = line.split()
    rows.setdefault(int(n), []).append((float(aw), int(am), float(dw), int(dm)))
print(f"{'invoices':>12} {'arx s':>8} {'arx MiB':>8} {'duckdb s':>9} {'duckdb MiB':>10} {'ratio':>6}")
for n, rs in sorted(rows.items()):
    aw = statistics.median(r[0] for r in rs); am = max(r[1] for r in rs) / 1024
    dw = statistics.median(r[2] for r in rs); dm = max(r[3] for r in rs) / 1024
    print(f"{n:>12,} {aw:>8.2f} {am:>8.0f} {dw:>9.2f} {dm:>10.0f} {aw/dw:>6.2f}")
print(f"(median wall time of {len(next(iter(rows.values())))} runs; peak RSS = max over runs)")
PY
rm -f "$results"
