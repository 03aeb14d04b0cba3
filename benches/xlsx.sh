#!/usr/bin/env bash
# Excel ingest benchmark (issue: ERP exports): `arx ingest` of a 1,000,000-row .xlsx of invoices
# (examples/xlsxbench writes it: canonical columns, text document numbers, date and number cells),
# wall time and peak RSS, median of RUNS runs into fresh workspaces; the peer in the same run is
# calamine's bare read of the same file (open, load the sheet, visit every cell — no text, no
# checks, no store), interleaved run by run. Needs cargo and GNU time.
#
#   benches/xlsx.sh
#   ROWS=200000 RUNS=5 benches/xlsx.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-3}
DATA=${DATA:-bench-data}/xlsx
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/arx-target}"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release --locked --bin arx --example xlsxbench
ARX="$CARGO_TARGET_DIR/release/arx"
PEER="$CARGO_TARGET_DIR/release/examples/xlsxbench"
mkdir -p "$DATA"
f="$DATA/invoices-$ROWS.xlsx"
[ -s "$f" ] || "$PEER" write "$ROWS" "$f"
echo "file: $f, $(du -h "$f" | cut -f1)"

source benches/lib.sh

at=(); am=(); pt=(); pm=()
for run in $(seq "$RUNS"); do
  ws=$(mktemp -d)/ws
  "$ARX" init "$ws" --quiet
  /usr/bin/time -v "$ARX" --workspace "$ws" --quiet --no-progress ingest "$f" >/dev/null 2>"$ws.time"
  at+=("$(secs "$ws.time")"); am+=("$(mib "$ws.time")")
  /usr/bin/time -v "$PEER" read "$f" >/dev/null 2>"$ws.ptime"
  pt+=("$(secs "$ws.ptime")"); pm+=("$(mib "$ws.ptime")")
  rm -rf "$(dirname "$ws")"
done
a=$(printf '%s\n' "${at[@]}" | median); p=$(printf '%s\n' "${pt[@]}" | median)
echo "arx ingest:         median $a s, peak RSS $(printf '%s\n' "${am[@]}" | median) MiB  (runs: ${at[*]})"
echo "calamine bare read: median $p s, peak RSS $(printf '%s\n' "${pm[@]}" | median) MiB  (runs: ${pt[*]})"
echo "ratio arx/calamine: $(python3 -c "print(round($a / $p, 2))")"
