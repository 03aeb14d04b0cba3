#!/usr/bin/env python3
"""Independent peer count for fixtures/corpus/erp: document rows and amount total per currency.

Usage: erp_peer.py FILE PROFILE [--currency CCY]
Reads CSV text (utf-8/utf-8-sig/utf-16/cp1252), finds the header row by the profile's amount heading,
counts data rows (non-blank, with a document number) and sums the amount column with decimal.Decimal.
Never uses float. Prints: rows,currency=total;... and notes.
"""
import csv, io, sys
from collections import defaultdict
from decimal import Decimal, InvalidOperation

HEAD = {  # profile -> (document-number headings, amount headings, currency headings)
    'xero': (['*InvoiceNumber', 'InvoiceNumber'], ['Total'], ['Currency']),
    'quickbooks': (['Num'], ['Amount', 'Open Balance', 'Open balance'], ['Currency']),
    'netsuite': (['Document Number', 'Num'], ['Amount', 'Open Balance'], ['Currency']),
    'sap-fbl5n': (['Document Number', 'Belegnummer', 'DocumentNo'],
                  ['Amount in doc. curr.', 'Amount in local currency', 'Amt in loc.cur.', 'Betrag in Hauswährung'],
                  ['Document currency', 'Local Currency', 'Hauswährung']),
}

def text(path):
    raw = open(path, 'rb').read()
    for enc in ('utf-8-sig', 'utf-16', 'cp1252'):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise SystemExit('undecodable')

def norm(s):
    return ''.join(s.split()).lower()

def amount(s, decimal_mark='.'):
    s = s.strip().replace('$', '').replace('€', '').replace('£', '')
    if not s:
        return None
    neg = s.startswith('(') and s.endswith(')') or s.endswith('-')
    s = s.strip('()').rstrip('-')
    if decimal_mark == ',':
        s = s.replace('.', '').replace(' ', '').replace(',', '.')
    else:
        s = s.replace(',', '')
    d = Decimal(s)
    return -d if neg else d

def main():
    path, profile = sys.argv[1], sys.argv[2]
    ccy = sys.argv[sys.argv.index('--currency') + 1] if '--currency' in sys.argv else ''
    docs, amts, ccys = HEAD[profile]
    rows = list(csv.reader(io.StringIO(text(path))))
    hdr_i = next((i for i, r in enumerate(rows) if any(norm(c) in map(norm, docs) for c in r)), None)
    if hdr_i is None:
        print('rows=0 note=no header'); return
    h = [norm(c) for c in rows[hdr_i]]
    col = lambda names: next((h.index(norm(n)) for n in names if norm(n) in h), None)
    di, ai, ci = col(docs), col(amts), col(ccys)
    n, tot, notes = 0, defaultdict(Decimal), []
    for r in rows[hdr_i + 1:]:
        if not any(c.strip() for c in r) or di is None or di >= len(r) or not r[di].strip():
            continue
        n += 1
        cur = (r[ci].strip() if ci is not None and ci < len(r) else '') or ccy
        try:
            a = amount(r[ai]) if ai is not None and ai < len(r) else None
        except InvalidOperation:
            a = None; notes.append(f'bad amount {r[ai]!r}')
        if a is None:
            notes.append('empty amount'); continue
        tot[cur] += a
    print(f'rows={n} totals=' + ';'.join(f'{k or "?"}={v}' for k, v in sorted(tot.items()))
          + (f' notes={len(notes)}x {notes[0]}' if notes else ''))

if __name__ == '__main__':
    main()
