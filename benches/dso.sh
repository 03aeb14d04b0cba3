#!/usr/bin/env bash
# DSO benchmark (issue: dso and disputes): `arx dso --trend 24` over the 10,000,000-invoice
# synth workspace (and `arx disputes`), wall time and peak RSS, median of RUNS runs. As a peer in
# the same run, DuckDB computes the AR balance (documents − payments − adjustments, the
# contract's identity) at the same 24 month-ends from Parquet copies of the same data — a part
# of what arx computes (arx adds current AR, sales, count-back, BPDSO, ADD and CEI), so the
# ratio is a floor, not a like-for-like. Needs cargo, python3 + duckdb, GNU time.
#
#   benches/dso.sh                  # 10M invoices, 3 runs
#   N=1000000 RUNS=5 benches/dso.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000000}
RUNS=${RUNS:-3}
DATA=${DATA:-bench-data}/$N
AS_OF=${AS_OF:-2024-12-31}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/arx-target}"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
python3 -c 'import duckdb' 2>/dev/null || pip install -q duckdb
cargo build --release --locked --bin arx --example synth
ARX="$CARGO_TARGET_DIR/release/arx"
[ -s "$DATA/applications.csv" ] || "$CARGO_TARGET_DIR/release/examples/synth" --customers $(( N / 50 )) --invoices "$N" --seed 42 --out "$DATA" >&2
ws=$(mktemp -d)/ws
"$ARX" init "$ws" --quiet
"$ARX" --workspace "$ws" --quiet --no-progress ingest "$DATA"/{customers,invoices,payments,applications,disputes}.csv >/dev/null
python3 - "$DATA" <<'PY'
import duckdb, os, sys
d = sys.argv[1]
if not os.path.exists(f"{d}/applications.parquet"):
    con = duckdb.connect()
    types = {
        "invoices": "{'document_no':'VARCHAR','customer_id':'VARCHAR','doc_date':'DATE','amount':'DECIMAL(18,3)','currency':'VARCHAR','doc_type':'VARCHAR','due_date':'DATE','reference':'VARCHAR','po_number':'VARCHAR'}",
        "payments": "{'payment_id':'VARCHAR','payment_date':'DATE','amount':'DECIMAL(18,3)','currency':'VARCHAR','customer_id':'VARCHAR','payer_name':'VARCHAR','reference':'VARCHAR','bank_account':'VARCHAR'}",
        "applications": "{'source':'VARCHAR','document_no':'VARCHAR','amount':'DECIMAL(18,3)','applied_date':'DATE','kind':'VARCHAR','payment_id':'VARCHAR','rule':'VARCHAR','batch':'VARCHAR'}",
    }
    for k, t in types.items():
        con.execute(f"COPY (SELECT * FROM read_csv('{d}/{k}.csv', header=true, columns={t}, auto_detect=false)) TO '{d}/{k}.parquet' (FORMAT parquet)")
PY
peer=$(mktemp --suffix .py)
cat > "$peer" <<PY
import duckdb
d = "$DATA"
con = duckdb.connect()
con.execute(f"""
WITH ends AS (SELECT CAST(last_day(DATE '$AS_OF' - INTERVAL (i) MONTH) AS DATE) AS d FROM range(0, 24) t(i)),
ev AS (
  SELECT currency, doc_date AS day, CASE WHEN doc_type = 'credit_note' THEN -abs(amount) ELSE amount END AS v FROM read_parquet('{d}/invoices.parquet')
  UNION ALL SELECT currency, payment_date, -amount FROM read_parquet('{d}/payments.parquet')
  UNION ALL SELECT i.currency, a.applied_date, -a.amount FROM read_parquet('{d}/applications.parquet') a
    JOIN read_parquet('{d}/invoices.parquet') i USING (document_no) WHERE a.kind IN ('write_off', 'discount', 'deduction'))
SELECT e.d, ev.currency, SUM(ev.v) FROM ends e JOIN ev ON ev.day <= e.d GROUP BY ALL ORDER BY ALL
""").fetchall()
PY
t=$(mktemp)
results=$(mktemp)
for run in $(seq 1 "$RUNS"); do
  /usr/bin/time -o "$t" -f '%e %M' "$ARX" --workspace "$ws" --quiet dso --as-of "$AS_OF" --trend 24 --format csv >/dev/null
  echo "arx-dso-trend24 $(cat "$t")" >> "$results"
  /usr/bin/time -o "$t" -f '%e %M' "$ARX" --workspace "$ws" --quiet dso --as-of "$AS_OF" --trend 24 -o "$(dirname "$ws")/dso.xlsx"
  echo "arx-dso-xlsx $(cat "$t")" >> "$results"
  /usr/bin/time -o "$t" -f '%e %M' "$ARX" --workspace "$ws" --quiet disputes --as-of "$AS_OF" --from 2024-01-01 --format csv >/dev/null
  echo "arx-disputes $(cat "$t")" >> "$results"
  /usr/bin/time -o "$t" -f '%e %M' python3 "$peer"
  echo "duckdb-ar-24 $(cat "$t")" >> "$results"
done
python3 - "$results" <<'PY'
import sys, statistics
runs = {}
for line in open(sys.argv[1]):
    name, wall, kib = line.split()
    runs.setdefault(name, []).append((float(wall), int(kib)))
print(f"{'case':<16} {'median s':>9} {'peak MiB':>9}")
for name, rs in runs.items():
    print(f"{name:<16} {statistics.median(w for w, _ in rs):>9.2f} {max(k for _, k in rs) / 1024:>9.0f}")
print(f"(median of {len(next(iter(runs.values())))} runs)")
PY
rm -rf "$(dirname "$ws")" "$peer" "$t" "$results"
