#!/usr/bin/env bash
# Before/after: the same ingest work with two arx binaries, interleaved (noisy machines), so a
# change can be shown not to regress: `arx ingest` of the synth invoices.csv (1M rows by default)
# and of a camt.053 with N entries (benches/gen_camt.py). Prints every run and the medians
# (wall seconds, peak RSS KiB).
#
#   benches/before_after.sh OLD_ARX NEW_ARX            # e.g. a release build of the last landing
#   INVOICES=10000000 N=1000000 RUNS=5 benches/before_after.sh old/arx new/arx
# Needs python3, GNU time; the synth example of NEW's checkout (built here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:?usage: before_after.sh OLD_ARX NEW_ARX}
NEW=${2:?usage: before_after.sh OLD_ARX NEW_ARX}
INVOICES=${INVOICES:-1000000}
N=${N:-200000}
RUNS=${RUNS:-3}
DATA=${DATA:-bench-data}/before_after
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/arx-target}"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
mkdir -p "$DATA"
if [ ! -s "$DATA/$INVOICES/invoices.csv" ]; then
  cargo build --release --locked --example synth
  "$CARGO_TARGET_DIR/release/examples/synth" --customers $(( INVOICES / 50 )) --invoices "$INVOICES" --seed 42 --out "$DATA/$INVOICES" >&2
fi
camt="$DATA/camt053-$N.xml"
[ -s "$camt" ] || python3 benches/gen_camt.py --entries "$N" --out "$camt" >&2

out=$(mktemp)
for run in $(seq 1 "$RUNS"); do
  for which in old new; do
    bin=$OLD; [ "$which" = new ] && bin=$NEW
    for input in "$DATA/$INVOICES/invoices.csv" "$camt"; do
      ws=$(mktemp -d)
      "$bin" init "$ws/ws" --quiet
      t=$(mktemp)
      /usr/bin/time -o "$t" -f '%e %M' "$bin" --workspace "$ws/ws" --quiet --no-progress ingest "$input" >/dev/null
      echo "$(basename "$input") $which $(tail -n 1 "$t")" | tee -a "$out"
      rm -rf "$ws" "$t"
    done
  done
done
echo
echo "input which median_s median_peak_kib"
python3 - "$out" <<'PY'
import sys, statistics, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f, which, s, kib = line.split()
    runs[(f, which)].append((float(s), int(kib)))
for (f, which), v in sorted(runs.items()):
    print(f, which, statistics.median(x[0] for x in v), int(statistics.median(x[1] for x in v)))
PY
rm -f "$out"
