#!/usr/bin/env python3
"""Aging benchmark (issue: `arx aging`), arx against DuckDB in the same run.

For each size N (invoices; customers = N/50, with the synth generator's payments and
applications), median of --runs runs, wall time and peak RSS (GNU time):
  arx store csv   `arx aging --as-of D --format csv` over an ingested workspace (Parquet store)
  arx store xlsx  `arx aging --as-of D -o aging.xlsx` (Summary, Detail, By currency, Parameters)
  arx xlsx summary the same workbook with --summary-only (no Detail sheet)
  arx input csv   `arx aging --input customers.csv invoices.csv payments.csv applications.csv`
  duckdb parquet  the same summary in SQL (benches/aging_duckdb.sql) over Parquet copies
  duckdb csv      the same SQL over the CSV files (typed explicitly, no inference)
Every csv result must be byte-identical to arx's (checked). Ratios are arx ÷ DuckDB.

    benches/aging.py                       # 1M and 10M invoices, 3 runs
    benches/aging.py --sizes 1000000 --runs 5

Needs cargo, python3 with duckdb (pip install duckdb) and GNU time (apt-get install time).
Data is generated once into bench-data/ (deterministic, examples/synth).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/arx-target"))
ARX = os.path.join(TARGET, "release", "arx")
SYNTH = os.path.join(TARGET, "release", "examples", "synth")
KINDS = ["customers", "invoices", "payments", "applications"]

DUCK_VIEWS = {
    "customers": "SELECT customer_id, name FROM {src}",
    # Contract §2: credit notes count negative whichever sign they were written with.
    "invoices": "SELECT document_no, customer_id, doc_date, CASE WHEN doc_type = 'credit_note' THEN -abs(amount) ELSE amount END AS amount, currency, doc_type, due_date FROM {src}",
    "payments": "SELECT payment_id, payment_date, amount, currency, customer_id FROM {src}",
    "applications": "SELECT source, document_no, amount, applied_date, kind FROM {src}",
}
CSV_TYPES = {
    "customers": "{'customer_id':'VARCHAR','name':'VARCHAR','email':'VARCHAR','credit_limit':'VARCHAR','currency':'VARCHAR','payment_terms':'VARCHAR','parent_id':'VARCHAR','address':'VARCHAR'}",
    "invoices": "{'document_no':'VARCHAR','customer_id':'VARCHAR','doc_date':'DATE','amount':'DECIMAL(18,3)','currency':'VARCHAR','doc_type':'VARCHAR','due_date':'DATE','reference':'VARCHAR','po_number':'VARCHAR'}",
    "payments": "{'payment_id':'VARCHAR','payment_date':'DATE','amount':'DECIMAL(18,3)','currency':'VARCHAR','customer_id':'VARCHAR','payer_name':'VARCHAR','reference':'VARCHAR','bank_account':'VARCHAR'}",
    "applications": "{'source':'VARCHAR','document_no':'VARCHAR','amount':'DECIMAL(18,3)','applied_date':'DATE','kind':'VARCHAR','payment_id':'VARCHAR','rule':'VARCHAR','batch':'VARCHAR'}",
}
ZERO = "'BIF','CLP','DJF','GNF','ISK','JPY','KMF','KRW','PYG','RWF','UGX','UYI','VND','VUV','XAF','XOF','XPF'"
THREE = "'BHD','IQD','JOD','KWD','LYD','OMR','TND'"
FMT_MACRO = (
    f"CREATE MACRO fmt(x, cur) AS CASE WHEN cur IN ({ZERO}) THEN CAST(CAST(x AS DECIMAL(38,0)) AS VARCHAR) "
    f"WHEN cur IN ({THREE}) THEN CAST(CAST(x AS DECIMAL(38,3)) AS VARCHAR) "
    "ELSE CAST(CAST(x AS DECIMAL(38,2)) AS VARCHAR) END"
)


def duck_script(data, fmt, as_of, out):
    """A self-contained python program that computes the summary with DuckDB into `out`."""
    views = []
    for kind in KINDS:
        if fmt == "parquet":
            src = f"read_parquet('{data}/{kind}.parquet')"
        else:
            src = f"read_csv('{data}/{kind}.csv', header=true, columns={CSV_TYPES[kind]}, auto_detect=false)"
        views.append(f"CREATE VIEW {kind} AS " + DUCK_VIEWS[kind].format(src=src))
    sql = open(os.path.join(ROOT, "benches", "aging_duckdb.sql")).read().replace("{as_of}", as_of)
    sql = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
    return (
        "import duckdb\n"
        "con = duckdb.connect()\n"
        + "".join(f"con.execute({v!r})\n" for v in views)
        + f"con.execute({FMT_MACRO!r})\n"
        + f"con.execute('COPY (' + {sql!r} + ') TO ' + repr({out!r}) + ' (HEADER, DELIMITER \\',\\')')\n"
    )


def timed(cmd, stdout_path=None, env=None):
    """Runs cmd under GNU time; returns (wall seconds, peak MiB)."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".time") as tf:
        out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
        try:
            r = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", tf.name] + cmd, stdout=out, stderr=subprocess.PIPE, env=env)
        finally:
            if stdout_path:
                out.close()
        if r.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr.decode(errors='replace')}")
        wall, kib = tf.read().split()[-2:]
        return float(wall), int(kib) / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data", default=os.path.join(ROOT, "bench-data"))
    ap.add_argument("--as-of", default="2024-12-31")
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "arx", "--example", "synth"], cwd=ROOT, check=True)
    import duckdb  # noqa: F401  (fail early when missing)

    results = []
    for n in [int(s) for s in args.sizes.split(",")]:
        data = os.path.join(args.data, str(n))
        if not os.path.exists(os.path.join(data, "applications.csv")):
            print(f"generating {n} invoices into {data}", file=sys.stderr)
            subprocess.run([SYNTH, "--customers", str(max(n // 50, 10)), "--invoices", str(n), "--seed", "42", "--out", data], check=True)
        if not os.path.exists(os.path.join(data, "applications.parquet")):
            con = duckdb.connect()
            for kind in KINDS:
                src = f"read_csv('{data}/{kind}.csv', header=true, columns={CSV_TYPES[kind]}, auto_detect=false)"
                con.execute(f"COPY (SELECT * FROM {src}) TO '{data}/{kind}.parquet' (FORMAT parquet)")
        ws_parent = tempfile.mkdtemp(prefix="arx-bench-")
        ws = os.path.join(ws_parent, "ws")
        subprocess.run([ARX, "init", ws, "--quiet"], check=True)
        ingest = timed([ARX, "--workspace", ws, "--quiet", "--no-progress", "ingest"] + [f"{data}/{k}.csv" for k in KINDS])
        print(f"{n:,}: ingest of customers+invoices+payments+applications {ingest[0]:.2f} s, {ingest[1]:.0f} MiB", file=sys.stderr)
        out = tempfile.mkdtemp(prefix="arx-bench-out-")
        cases = {
            "arx store csv": lambda i: timed([ARX, "--workspace", ws, "--quiet", "aging", "--as-of", args.as_of, "--format", "csv"], f"{out}/arx-store-{i}.csv"),
            "arx store xlsx": lambda i: timed([ARX, "--workspace", ws, "--quiet", "aging", "--as-of", args.as_of, "-o", f"{out}/aging-{i}.xlsx"]),
            "arx xlsx summary": lambda i: timed([ARX, "--workspace", ws, "--quiet", "aging", "--as-of", args.as_of, "--summary-only", "-o", f"{out}/summary-{i}.xlsx"]),
            "arx input csv": lambda i: timed([ARX, "--quiet", "--no-progress", "aging", "--as-of", args.as_of, "--format", "csv", "--input"] + [f"{data}/{k}.csv" for k in KINDS], f"{out}/arx-input-{i}.csv"),
            "duckdb parquet": lambda i: timed([sys.executable, "-c", duck_script(data, "parquet", args.as_of, f"{out}/duck-parquet-{i}.csv")]),
            "duckdb csv": lambda i: timed([sys.executable, "-c", duck_script(data, "csv", args.as_of, f"{out}/duck-csv-{i}.csv")]),
        }
        times = {k: [] for k in cases}
        for i in range(args.runs):
            for name, run in cases.items():  # interleaved, so drift hits every case alike
                times[name].append(run(i))
        ref = open(f"{out}/arx-store-0.csv", "rb").read()
        for f in ["arx-input-0.csv", "duck-parquet-0.csv", "duck-csv-0.csv"]:
            if open(f"{out}/{f}", "rb").read() != ref:
                sys.exit(f"{n}: {f} differs from arx's csv (see {out})")
        rows = ref.count(b"\n") - 1
        med = {k: (statistics.median(w for w, _ in v), max(m for _, m in v)) for k, v in times.items()}
        results.append((n, rows, med))
        shutil.rmtree(ws_parent)
        shutil.rmtree(out)

    print(f"{'invoices':>11} {'rows':>8}  {'case':<15} {'median s':>9} {'peak MiB':>9}  ratio")
    for n, rows, med in results:
        for name, (wall, mib) in med.items():
            peer = {"arx store csv": "duckdb parquet", "arx input csv": "duckdb csv"}.get(name)
            ratio = f"{wall / med[peer][0]:.2f} vs {peer}" if peer else ""
            print(f"{n:>11,} {rows:>8,}  {name:<15} {wall:>9.2f} {mib:>9.0f}  {ratio}")
    print(f"(median of {args.runs} interleaved runs; csv outputs byte-identical across arx store, arx --input, DuckDB Parquet and DuckDB CSV)")


if __name__ == "__main__":
    main()
