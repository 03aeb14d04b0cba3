#!/usr/bin/env python3
"""Writes a large A/R line-item .xlsx for the Excel ingest benchmark (issue #3): ROWS rows (default 1,000,000)
x 10 columns under one header row, deterministic. Cell mix as an ERP export re-saved by Excel: text IDs with
leading zeros, unique document numbers (so the shared-string table is large, as in real files), date cells,
2-decimal amounts, short codes and memos. Strings go to the shared-string table, as Excel writes them.

    pip install openpyxl
    python3 benches/gen_xlsx.py /tmp/ar_1m.xlsx [ROWS]

Takes about 2-3 minutes for 1,000,000 rows (openpyxl write-only mode, constant memory). Keep the output out of
the repository.
"""
import datetime as dt
import random
import sys
import time

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/ar_1m.xlsx"
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    rng = random.Random(3)
    started = time.time()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Line Items")
    ws.append(["Customer", "Customer Name", "Document", "Type", "Doc Date", "Due Date", "Amount", "Open Amount",
               "Currency", "Reference"])
    names = [f"Customer {i:05d} {rng.choice(['GmbH', 'Ltd', 'AG', 'Inc.', 'S.A.', 'OOD'])}" for i in range(5000)]
    types = ["RV", "RV", "RV", "DR", "DG", "DZ"]
    base = dt.date(2023, 1, 1)
    for n in range(rows):
        cust = rng.randrange(5000)
        doc_date = base + dt.timedelta(days=rng.randrange(730))
        due = doc_date + dt.timedelta(days=rng.choice([14, 30, 30, 45, 60]))
        cents = rng.randrange(1, 5_000_000)
        amount = cents / 100
        kind = rng.choice(types)
        if kind in ("DG", "DZ"):
            amount = -amount
        open_amount = amount if rng.random() < 0.6 else round(amount * rng.choice([0, 0.5, 0.25]), 2)
        d1 = WriteOnlyCell(ws, value=doc_date)
        d1.number_format = "dd.mm.yyyy"
        d2 = WriteOnlyCell(ws, value=due)
        d2.number_format = "dd.mm.yyyy"
        ws.append([f"{cust:08d}", names[cust], f"{1_800_000_000 + n:010d}", kind, d1, d2, amount, open_amount,
                   rng.choice(["EUR", "EUR", "USD", "BGN"]), f"PO-{rng.randrange(100000):05d}"])
    wb.save(out)
    print(f"wrote {out}: {rows} rows x 10 columns in {time.time() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
