#!/usr/bin/env bash
# Bank-file benchmark (issue: bank statement files): `arx ingest` of a camt.053 with N entries
# (default 1,000,000; benches/gen_camt.py writes it, ~1.3 GB), wall time and peak RSS, median of
# RUNS runs, each into a fresh workspace; then the same file again into the filled workspace (the
# idempotent re-run: nothing added). As a peer in the same run, Python's streaming
# xml.etree.iterparse counts the credit entries and sums their amounts exactly (Decimal) — a
# bare streaming parse with no validation, ids, remittance or store, so the ratio is a floor.
#
#   benches/bank.sh
#   N=200000 RUNS=5 benches/bank.sh
# Needs cargo, python3, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
RUNS=${RUNS:-3}
DATA=${DATA:-bench-data}/bank
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/arx-target}"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release --locked --bin arx
ARX="$CARGO_TARGET_DIR/release/arx"
mkdir -p "$DATA"
f="$DATA/camt053-$N.xml"
[ -s "$f" ] || python3 benches/gen_camt.py --entries "$N" --out "$f" >&2
echo "file: $f, $(du -h "$f" | cut -f1)"

source benches/lib.sh

peer=$(mktemp --suffix .py)
cat > "$peer" <<'PY'
import sys, xml.etree.ElementTree as ET
from decimal import Decimal
n, total = 0, Decimal(0)
for _, el in ET.iterparse(sys.argv[1], events=("end",)):
    if el.tag.endswith("}Ntry"):
        ind = next((c.text for c in el if c.tag.endswith("}CdtDbtInd")), None)
        amt = next((c.text for c in el if c.tag.endswith("}Amt")), None)
        if ind == "CRDT" and amt:
            n += 1
            total += Decimal(amt)
        el.clear()
print(n, total)
PY

at=(); am=(); pt=(); pm=(); rt=(); rm=()
for run in $(seq "$RUNS"); do
  ws=$(mktemp -d)/ws
  "$ARX" init "$ws" --quiet
  /usr/bin/time -v "$ARX" --workspace "$ws" --no-progress ingest "$f" >/dev/null 2>"$ws.time"
  at+=("$(secs "$ws.time")"); am+=("$(mib "$ws.time")")
  grep -E "camt.053 with" "$ws.time" | head -1 >&2
  /usr/bin/time -v "$ARX" --workspace "$ws" --no-progress ingest "$f" >"$ws.again" 2>"$ws.time2"
  rt+=("$(secs "$ws.time2")"); rm+=("$(mib "$ws.time2")")
  /usr/bin/time -v python3 "$peer" "$f" >"$ws.peer" 2>"$ws.ptime"
  pt+=("$(secs "$ws.ptime")"); pm+=("$(mib "$ws.ptime")")
  rm -rf "$(dirname "$ws")"
done
a=$(printf '%s\n' "${at[@]}" | median); p=$(printf '%s\n' "${pt[@]}" | median)
echo "arx ingest (new):      median $a s, peak RSS $(printf '%s\n' "${am[@]}" | median) MiB  (runs: ${at[*]})"
echo "arx ingest (again):    median $(printf '%s\n' "${rt[@]}" | median) s, peak RSS $(printf '%s\n' "${rm[@]}" | median) MiB  (runs: ${rt[*]})"
echo "python iterparse peer: median $p s, peak RSS $(printf '%s\n' "${pm[@]}" | median) MiB  (runs: ${pt[*]})"
echo "ratio arx/peer: $(python3 -c "print(round($a / $p, 2))")"
