#!/usr/bin/env bash
# Cash-application benchmark (issue: arx apply): quality against ground truth and speed.
#
# examples/applysynth writes a ledger with realistic remittance noise and the true answer for
# every payment (truth.csv); benches/apply_quality.py scores `arx export applications` against it
# (auto-applied % by count and value, precision, recall, by noise category).
#
# Two sets: QUALITY (5,000 customers, 100,000 open invoices, 10,000 payments, seed 7) and SPEED
# (50,000 customers, 1,000,000 open invoices, 100,000 payments, seed 42). For SPEED, `arx apply`
# (with -o exceptions.xlsx) runs RUNS times on a fresh copy of the workspace: wall time and peak
# RSS, median. As a peer in the same run, DuckDB does what an ERP's built-in auto-match does:
# apply a payment when a word of its reference equals an open invoice number and the amounts are
# equal — timed, and scored by the same scorer, so the table shows what the rules add.
#
#   benches/apply.sh                 # both sets, 3 runs
#   RUNS=5 SETS=speed benches/apply.sh
# Needs cargo, python3 + duckdb, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SETS=${SETS:-"quality speed"}
DATA=${DATA:-bench-data}/apply
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/arx-target}"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
python3 -c 'import duckdb' 2>/dev/null || pip install -q duckdb
cargo build --release --locked --bin arx --example applysynth
ARX="$CARGO_TARGET_DIR/release/arx"
SYNTH="$CARGO_TARGET_DIR/release/examples/applysynth"

source benches/lib.sh

for set in $SETS; do
  case $set in
    quality) args="--customers 5000 --open-invoices 100000 --payments 10000 --seed 7 --as-of 2026-06-30" ;;
    speed) args="--customers 50000 --open-invoices 1000000 --payments 100000 --seed 42 --as-of 2026-03-31" ;;
    *) echo "unknown set $set" >&2; exit 2 ;;
  esac
  d="$DATA/$set"
  [ -s "$d/truth.csv" ] || "$SYNTH" $args --out "$d" >&2
  base=$(mktemp -d)/ws
  "$ARX" init "$base" --quiet
  # The benchmark's [apply] policy replaces the template's section.
  python3 - "$base/arx.toml" "$d/apply.toml" <<'PY'
import re, sys
cfg, policy = sys.argv[1], open(sys.argv[2]).read().strip() + "\n"
t = open(cfg).read()
open(cfg, "w").write(re.sub(r"\[apply\].*?(?=\n\[|\Z)", policy, t, flags=re.S))
PY
  "$ARX" --workspace "$base" --quiet --no-progress ingest "$d"/{customers,invoices,history_payments,history_applications}.csv >/dev/null
  "$ARX" --workspace "$base" --quiet --no-progress ingest "$d"/{payments,remittances}.csv >/dev/null
  times=(); rss=()
  for run in $(seq "$RUNS"); do
    ws=$(mktemp -d)/ws; cp -r "$base" "$ws"
    /usr/bin/time -v "$ARX" --workspace "$ws" --quiet --no-progress apply -o "$ws/exceptions.xlsx" >/dev/null 2>"$ws/time.txt"
    times+=("$(secs "$ws/time.txt")")
    rss+=("$(mib "$ws/time.txt")")
    last="$ws"
  done
  "$ARX" --workspace "$last" --quiet export applications > "$d/arx-applications.csv"
  echo "## $set: $(( $(wc -l < "$d/payments.csv") - 1 )) payments"
  echo "arx apply: median $(printf '%s\n' "${times[@]}" | median) s, peak RSS median $(printf '%s\n' "${rss[@]}" | median) MiB (runs: ${times[*]})"
  python3 benches/apply_quality.py --truth "$d/truth.csv" --applications "$d/arx-applications.csv" --payments "$d/payments.csv"
  # Peer: exact reference word = open invoice number, equal amount, unique.
  start=$(date +%s.%N)
  python3 - "$d" <<'PY'
import duckdb, sys
d = sys.argv[1]
con = duckdb.connect()
con.execute(f"""
create table inv as select document_no, amount from read_csv('{d}/invoices.csv', header=true, all_varchar=true);
create table hist as select document_no from read_csv('{d}/history_applications.csv', header=true, all_varchar=true);
create table pay as select payment_id, payment_date, amount, reference from read_csv('{d}/payments.csv', header=true, all_varchar=true);
create table words as select payment_id, unnest(string_split_regex(coalesce(reference, ''), '[\\s,;]+')) as word from pay;
create table hits as
  select p.payment_id, p.payment_date, i.document_no, i.amount
  from words w join inv i on w.word = i.document_no join pay p on p.payment_id = w.payment_id
  where i.document_no not in (select document_no from hist)
    and cast(i.amount as decimal(18,2)) = cast(p.amount as decimal(18,2));
copy (
  select payment_id as source, document_no, amount, payment_date as applied_date, 'payment' as kind,
         '' as payment_id, 'duckdb-exact' as rule, 'peer' as batch
  from hits where payment_id in (select payment_id from hits group by payment_id having count(*) = 1)
  order by 1
) to '{d}/peer-applications.csv' (header, delimiter ',');
""")
PY
  end=$(date +%s.%N)
  echo "DuckDB exact-reference peer: $(python3 -c "print(round($end - $start, 2))") s"
  python3 benches/apply_quality.py --truth "$d/truth.csv" --applications "$d/peer-applications.csv" --payments "$d/payments.csv" | tail -3
done
