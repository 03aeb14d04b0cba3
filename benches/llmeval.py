#!/usr/bin/env python3
"""Cash application on the public llmeval-trl24 payment-to-invoice benchmark (benches/LLMEVAL.md).

The benchmark (GitHub DataManagementLab/llmeval-trl24, NeurIPS 2024 Table Representation Learning
workshop, "Automating Enterprise Data Engineering with LLMs") ships SAP-style open items, bank
statement lines and the true matches in data/entity_matching/pay_to_inv/download/<variant>/<schema>/.
This script converts one variant into arx's canonical CSVs, runs `arx init`, `arx ingest`,
`arx apply --format json -o exceptions.xlsx` and `arx export applications`, and scores the
applications against the truth.

    python3 benches/llmeval.py --data /work/bench-data/llmeval --variant single \\
        [--arx /tmp/arx-base/arx] [--keep WORKDIR] [--schema descriptive|opaque]
        [--minor scale|relabel] [--document-no belnr|billing] [--set write_off_fixed=0.10]...
        [--examples 2] [--convert-only]

--data is the checkout (or any folder above <variant>/descriptive/). Without --keep the work
folder is a temporary one, removed at the end; results.csv (one row per payment) is written there,
so use --keep to look at it. Without --arx, `arx` on PATH is used.

JPY and KRW amounts in the data carry two decimals (the generator rounds every currency to 2),
which ISO 4217 refuses (0 minor units). --minor scale (the default) multiplies those amounts by
100 and keeps the code (JPY 24168654.34 -> JPY 2416865434, i.e. hundredths of a yen): exact and
lossless, and matching is scale-free. --minor relabel keeps the amounts and renames the codes to
2-decimal currencies absent from the data (JPY -> HKD, KRW -> SGD); arx matches within a
currency, so both choices give the same applications.

Truth, per payment (the benchmark's matches.csv lists invoice_ids and payment_ids per match):
  one_pay_one_inv   the payment's cash on its one invoice;
  multi_pay_one_inv the invoice is paid in 2-5 instalments: each payment's cash on that invoice;
  one_pay_multi_inv the payment settles 2-10 invoices of one customer in full.
With the `small_deduction` perturbation the payment (each instalment) is short by at most
USD 0.10 equivalent; the truth still says the payment belongs to those invoices. A payment counts
CORRECT when arx applied cash to exactly the truth's documents, all of the payment's cash
(no overpayments exist in the data), no document beyond its amount, and write-offs /
deductions / discounts on it only where the truth has a small deduction and within it. Several
invoices paid short: the data does not say which invoice bears the deduction, so any split
within those rules counts. Anything else applied is WRONG (a partial application too);
no application is MISSED. Lines: a (payment, document) pair is correct when it is a truth pair
and its cash is the truth's amount (for several invoices paid short: at most the invoice).

Python 3.11 standard library only; money as decimal.Decimal throughout.
"""
import argparse
import collections
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO_MINOR = {"JPY", "KRW"}  # ISO 4217 0-minor-unit codes present in the data
RELABEL = {"JPY": "HKD", "KRW": "SGD"}  # 2-decimal codes absent from both variants

# Column names of the single-table views (descriptive, opaque) -> our names.
INV_COLS = {
    "descriptive": {"doc": "Document Number", "assignment": "Assignment Number", "billing": "Billing Number",
                    "customer": "Customer ID", "name": "Customer Name", "currency": "Currency Code",
                    "amount": "Amount", "doc_date": "Document Date", "due_date": "Due Date",
                    "company": "Company Code", "year": "Fiscal Year"},
    "opaque": {"doc": "BELNR", "assignment": "ZUONR", "billing": "VBELN", "customer": "KUNNR", "name": "NAME1",
               "currency": "WAERS", "amount": "WRBTR", "doc_date": "BLDAT", "due_date": "ZFBDT",
               "company": "BURKS", "year": "GJAHR"},
}
PAY_COLS = {
    "descriptive": {"partner": "Business Partner", "account": "Account Number", "memo": "Memo Line",
                    "amount": "Amount", "currency": "Currency", "date": "Posting Date"},
    "opaque": {"partner": "PARTN", "account": "AVKON", "memo": "SGTXT", "amount": "KWBTR", "currency": "KWAER",
               "date": "BVDAT"},
}

CATEGORY = {"one_pay_one_inv": "1:1", "multi_pay_one_inv": "N:1 instalment", "one_pay_multi_inv": "1:N"}


def die(msg, code=2):
    print(f"llmeval.py: {msg}", file=sys.stderr)
    sys.exit(code)


# ----------------------------------------------------------------------------------------------
# Reading the benchmark
# ----------------------------------------------------------------------------------------------

def locate(data, variant, schema):
    """The folder holding invoices.csv, payments.csv and matches.csv of a variant."""
    tails = [os.path.join(variant, schema),
             os.path.join("download", variant, schema),
             os.path.join("pay_to_inv", "download", variant, schema),
             os.path.join("data", "entity_matching", "pay_to_inv", "download", variant, schema)]
    for t in [""] + tails:
        d = os.path.join(data, t)
        if all(os.path.isfile(os.path.join(d, f)) for f in ("invoices.csv", "payments.csv", "matches.csv")):
            return d
    die(f"no {variant}/{schema}/{{invoices,payments,matches}}.csv under {data} "
        "(give the llmeval-trl24 checkout or data/entity_matching/pay_to_inv/download)")


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def money(text, where):
    """An amount of the data as an exact 2-decimal Decimal. Payment amounts were written from
    Python floats (`158001.36000000002`): they are cents plus float noise, rounded back here; more
    than 1e-6 off a cent would be a real third decimal, which the data doesn't have."""
    try:
        d = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        die(f"{where}: '{text}' is not an amount", 3)
    q = d.quantize(CENT, rounding=ROUND_HALF_EVEN)
    if abs(d - q) > Decimal("0.000001"):
        die(f"{where}: '{text}' is not a whole number of cents", 3)
    return q


def iso_date(yyyymmdd, where):
    s = yyyymmdd.strip()
    if not re.fullmatch(r"\d{8}", s):
        die(f"{where}: '{s}' is not a YYYYMMDD date", 3)
    return f"{s[:4]}-{s[4:6]}-{s[6:]}"


class Bench:
    """One variant: invoices, payments and the truth, amounts in arx's units."""

    def __init__(self, folder, schema, minor):
        ic, pc = INV_COLS[schema], PAY_COLS[schema]
        self.minor = minor
        inv = read_csv(os.path.join(folder, "invoices.csv"))
        pay = read_csv(os.path.join(folder, "payments.csv"))
        self.matches = read_csv(os.path.join(folder, "matches.csv"))
        present = {r[ic["currency"]] for r in inv} | {r[pc["currency"]] for r in pay}
        if minor == "relabel":
            clash = present & set(RELABEL.values())
            if clash:
                die(f"--minor relabel: {sorted(clash)} already in the data; use --minor scale")
        self.currencies_raw = collections.Counter(r[ic["currency"]] for r in inv)
        self.invoices = {}  # invoice_id -> dict
        for k, r in enumerate(inv):
            where = f"invoices.csv:{k + 2}"
            cur, amount = self.convert(r[ic["currency"]], money(r[ic["amount"]], where))
            self.invoices[r["invoice_id"]] = {
                "invoice_id": r["invoice_id"], "belnr": r[ic["doc"]], "assignment": r[ic["assignment"]],
                "billing": r[ic["billing"]], "customer_id": r[ic["customer"]], "name": r[ic["name"]],
                "currency": cur, "currency_raw": r[ic["currency"]], "amount": amount,
                "doc_date": iso_date(r[ic["doc_date"]], where), "due_date": iso_date(r[ic["due_date"]], where),
                "company": r[ic["company"]], "year": r[ic["year"]],
            }
        self.payments = {}  # payment_id (ours: P00000) -> dict
        for k, r in enumerate(pay):
            where = f"payments.csv:{k + 2}"
            cur, amount = self.convert(r[pc["currency"]], money(r[pc["amount"]], where))
            pid = f"P{int(r['payment_id']):05d}"
            self.payments[pid] = {
                "payment_id": pid, "raw_id": r["payment_id"], "partner": r[pc["partner"]],
                "account": r[pc["account"]], "memo": r[pc["memo"]], "currency": cur,
                "currency_raw": r[pc["currency"]], "amount": amount, "raw_amount": r[pc["amount"]],
                "date": iso_date(r[pc["date"]], where),
            }
        # Truth per payment.
        self.truth = {}
        names = {i["customer_id"]: i["name"] for i in self.invoices.values()}
        for m in self.matches:
            inv_ids = [str(i) for i in json.loads(m["invoice_ids"])]
            pay_ids = [f"P{int(p):05d}" for p in json.loads(m["payment_ids"])]
            perts = json.loads(m["perturbation_categories"])
            docs = [self.invoices[i] for i in inv_ids]
            for pid in pay_ids:
                p = self.payments[pid]
                need = sum(d["amount"] for d in docs)
                if m["match_category"] == "one_pay_multi_inv":
                    lines = {d["belnr"]: d["amount"] for d in docs}
                    short = need - p["amount"]
                elif m["match_category"] == "one_pay_one_inv":
                    lines = {docs[0]["belnr"]: p["amount"]}
                    short = need - p["amount"]
                else:  # instalments: what all of them leave open (small deductions) at most
                    lines = {docs[0]["belnr"]: p["amount"]}
                    short = need - sum(self.payments[q]["amount"] for q in pay_ids)
                # The generator rounds each instalment to cents and never corrects the last one,
                # so instalments can add up to a few cents more than their invoice: that much of
                # a payment may rightly stay unapplied (on account).
                excess = max(Decimal(0), -short) if m["match_category"] == "multi_pay_one_inv" else Decimal(0)
                self.truth[pid] = {
                    "match_id": m["match_id"], "category": m["match_category"], "perturbations": perts,
                    "invoice_ids": inv_ids, "lines": lines, "short": short,
                    "customer_id": docs[0]["customer_id"], "customer_name": names[docs[0]["customer_id"]],
                    "n_payments": len(pay_ids), "pay_ids": pay_ids, "excess": excess,
                }
        missing = set(self.payments) - set(self.truth)
        if missing:
            die(f"{len(missing)} payments have no match in matches.csv (e.g. {sorted(missing)[:3]})", 3)

    def convert(self, currency, amount):
        if currency in ZERO_MINOR:
            if self.minor == "scale":
                return currency, (amount * 100).quantize(Decimal(1))
            return RELABEL[currency], amount
        return currency, amount


# ----------------------------------------------------------------------------------------------
# Canonical CSVs
# ----------------------------------------------------------------------------------------------

def write_canonical(b, out, docno):
    """customers.csv, invoices.csv, payments.csv in arx's generic profile. Returns the BELNR ->
    document_no map (identity unless --document-no billing)."""
    os.makedirs(out, exist_ok=True)
    to_doc = {}
    for i in b.invoices.values():
        i["doc_no"] = i["belnr"] if docno == "belnr" else i["billing"]
        to_doc[i["belnr"]] = i["doc_no"]
    customers = {}
    for i in b.invoices.values():
        customers.setdefault(i["customer_id"], (i["name"], i["currency"]))
    with open(os.path.join(out, "customers.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["customer_id", "name", "currency"])
        for cid in sorted(customers):
            w.writerow([cid, *customers[cid]])
    with open(os.path.join(out, "invoices.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["document_no", "customer_id", "doc_date", "due_date", "amount", "currency", "doc_type",
                    "reference", "po_number"])
        for i in sorted(b.invoices.values(), key=lambda i: int(i["invoice_id"])):
            po = i["billing"] if docno == "belnr" else ""
            w.writerow([i["doc_no"], i["customer_id"], i["doc_date"], i["due_date"], i["amount"], i["currency"],
                        "invoice", i["assignment"], po])
    with open(os.path.join(out, "payments.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["payment_id", "payment_date", "amount", "currency", "payer_name", "bank_account", "reference"])
        for p in sorted(b.payments.values(), key=lambda p: p["payment_id"]):
            w.writerow([p["payment_id"], p["date"], p["amount"], p["currency"], p["partner"], p["account"],
                        p["memo"]])
    # Truth keyed by our document numbers.
    for t in b.truth.values():
        t["lines"] = {to_doc.get(k, k): v for k, v in t["lines"].items()}
    return len(customers)


# ----------------------------------------------------------------------------------------------
# Running arx
# ----------------------------------------------------------------------------------------------

def run(cmd, what, capture=True):
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=capture, text=True)
    dt = time.monotonic() - t0
    if r.returncode != 0:
        sys.stderr.write(r.stderr or "")
        die(f"{what} failed (exit {r.returncode}): {' '.join(cmd)}", 1)
    return r, dt


def set_apply(toml_path, settings):
    """Writes KEY=VALUE settings into the [apply] section of arx.toml."""
    if not settings:
        return
    text = open(toml_path, encoding="utf-8").read()
    m = re.search(r"^\[apply\]\s*$", text, flags=re.M)
    if not m:
        text += "\n[apply]\n"
        m = re.search(r"^\[apply\]\s*$", text, flags=re.M)
    start = m.end()
    nxt = re.search(r"^\[", text[start:], flags=re.M)
    end = start + nxt.start() if nxt else len(text)
    section = text[start:end]
    for s in settings:
        key, _, value = s.partition("=")
        key, value = key.strip(), value.strip()
        if not key or not value:
            die(f"--set {s}: want KEY=VALUE")
        v = value if re.fullmatch(r"\d+", value) and key == "combination_max_items" else json.dumps(value)
        line = f"{key} = {v}"
        if re.search(rf"^{re.escape(key)}\s*=.*$", section, flags=re.M):
            section = re.sub(rf"^{re.escape(key)}\s*=.*$", line, section, flags=re.M)
        else:
            section = section.rstrip("\n") + "\n" + line + "\n"
    if nxt:
        section = section.rstrip("\n") + "\n\n"
    open(toml_path, "w", encoding="utf-8").write(text[:start] + section + text[end:])


def xlsx_rows(path, sheet_name):
    """Rows (lists of strings) of one sheet of an .xlsx, standard library only."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = None
        for s in wb.iter(f"{{{ns['m']}}}sheet"):
            if s.get("name") == sheet_name:
                rid = s.get(f"{{{ns['r']}}}id")
                for rel in rels:
                    if rel.get("Id") == rid:
                        target = rel.get("Target")
        if target is None:
            return []
        target = target.lstrip("/")
        if not target.startswith("xl/"):
            target = "xl/" + target
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(f"{{{ns['m']}}}si"):
                shared.append("".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")))
        rows = []
        for row in ET.fromstring(z.read(target)).iter(f"{{{ns['m']}}}row"):
            cells = {}
            for c in row.iter(f"{{{ns['m']}}}c"):
                ref = c.get("r", "")
                col = 0
                for ch in ref:
                    if ch.isalpha():
                        col = col * 26 + (ord(ch.upper()) - 64)
                t = c.get("t")
                if t == "inlineStr":
                    v = "".join(x.text or "" for x in c.iter(f"{{{ns['m']}}}t"))
                else:
                    ve = c.find("m:v", ns)
                    v = ve.text if ve is not None and ve.text is not None else ""
                    if t == "s" and v:
                        v = shared[int(v)]
                cells[col - 1] = v
            if cells:
                rows.append([cells.get(k, "") for k in range(max(cells) + 1)])
        return rows


def exceptions_of(apply_json, xlsx):
    """payment_id -> {status, reason, candidates}: from the apply json's `exceptions` when it is a
    list, else from the Exceptions sheet of the workbook (`exceptions` is a count in arx 0.x)."""
    out = {}
    ex = apply_json.get("exceptions")
    if isinstance(ex, list):
        for e in ex:
            pid = e.get("payment_id") or e.get("payment") or e.get("id")
            out[pid] = {"status": e.get("kind") or e.get("status") or "", "reason": e.get("reason", ""),
                        "candidates": "; ".join(
                            f"{c.get('document_no', c.get('doc', ''))} ({c.get('why', '')})"
                            for c in e.get("candidates", []) if isinstance(c, dict))}
        return out, "apply json"
    if not xlsx or not os.path.exists(xlsx):
        return out, "none"
    rows = xlsx_rows(xlsx, "Exceptions")
    head = next((k for k, r in enumerate(rows) if r and r[0] == "Payment ID"), None)
    if head is None:
        return out, "workbook (no Exceptions header)"
    h = rows[head]
    col = {n: k for k, n in enumerate(h)}
    for r in rows[head + 1:]:
        if not r or not r[0]:
            continue
        g = lambda n: r[col[n]] if n in col and col[n] < len(r) else ""
        cands = []
        for n in (1, 2, 3):
            if g(f"Candidate {n}"):
                cands.append(f"{g(f'Candidate {n}')} ({g(f'Why {n}')})")
        out[r[0]] = {"status": g("Status"), "reason": g("Why not applied"), "candidates": "; ".join(cands)}
    return out, "exceptions workbook (apply json `exceptions` is a count)"


def read_applications(path):
    cash = collections.defaultdict(dict)   # pid -> doc -> cash
    adj = collections.defaultdict(list)    # pid -> [(kind, doc, amount)]
    rules = collections.defaultdict(set)
    other = 0
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if not (r.get("batch") or "").strip():
                other += 1
                continue
            kind = (r.get("kind") or "").strip() or "payment"
            amount = Decimal(r["amount"])
            if kind == "payment":
                pid = r["source"]
                cash[pid][r["document_no"]] = cash[pid].get(r["document_no"], Decimal(0)) + amount
            else:
                pid = r.get("payment_id") or ""
                adj[pid].append((kind, r["document_no"], amount))
            if r.get("rule"):
                rules[pid].add(r["rule"])
    return cash, adj, rules, other


# ----------------------------------------------------------------------------------------------
# Evidence in the memo line (what a reader, or arx, can find there)
# ----------------------------------------------------------------------------------------------

def alnum(s):
    return "".join(c for c in s.upper() if c.isascii() and c.isalnum())


def words(text):
    return [w.upper() for w in re.split(r"[^A-Za-z0-9]+", text) if w]


def tokens(text):
    """Words and the concatenations of 2 and 3 neighbours (as arx reads a payment text)."""
    w = words(text)
    out = set(w)
    out |= {a + b for a, b in zip(w, w[1:])}
    out |= {a + b + c for a, b, c in zip(w, w[1:], w[2:])}
    return out


def digit_key(s):
    groups = [g.lstrip("0") or "0" for g in re.findall(r"\d+", s)]
    return "-".join(groups) if sum(len(g) for g in groups) >= 4 else None


class Lookup:
    """Every document's number, assignment (reference) and billing number (po_number), by alnum
    form and by digit groups."""

    def __init__(self, b):
        self.by = collections.defaultdict(set)
        for i in b.invoices.values():
            for field in ("doc_no", "assignment", "billing"):
                v = i[field] if field != "doc_no" else i["doc_no"]
                a = alnum(v)
                if len(a) >= 4 and any(c.isdigit() for c in a):
                    self.by[a].add((i["doc_no"], field))
                k = digit_key(v)
                if k and len(k.replace("-", "")) >= 5:
                    self.by["#" + k].add((i["doc_no"], field))

    def named(self, memo):
        """(doc_no, field, token) for every document a token of the memo names."""
        hits = set()
        for t in tokens(memo):
            for d, f in self.by.get(t, ()):
                hits.add((d, f, t))
        runs = re.findall(r"\d+", memo)
        for n in range(len(runs)):
            k = digit_key(runs[n])
            if k:
                for d, f in self.by.get("#" + k, ()):
                    hits.add((d, f, runs[n]))
        return hits


def readable(memo, inv):
    """Whether the memo carries the invoice's billing or assignment number intact (as a token, or
    by digit groups)."""
    t = tokens(memo)
    keys = {digit_key(r) for r in re.findall(r"\d+", memo)}
    for v in (inv["billing"], inv["assignment"]):
        if alnum(v) in t or (digit_key(v) and len(digit_key(v)) >= 5 and digit_key(v) in keys):
            return True
    return False


def glued(memo, inv):
    """Whether the invoice's billing or assignment digits stand in the memo with a letter right
    before a digit-only number or right after it (`0338137715REF 1:`, `IN0V100000000008226`):
    readable to a person, but arx reads such a run as a slipped number and skips it."""
    for v in (inv["billing"], re.sub(r"^\D+", "", inv["assignment"])):
        if not v.isdigit():
            continue
        for m in re.finditer(rf"(?<![0-9]){re.escape(v)}(?![0-9])", memo):
            before = memo[m.start() - 1] if m.start() else ""
            after = memo[m.end()] if m.end() < len(memo) else ""
            if after.isalpha() or (before.isalpha() and m.start() >= 2 and memo[m.start() - 2].isdigit()):
                return True
    return False


# ----------------------------------------------------------------------------------------------
# Scoring
# ----------------------------------------------------------------------------------------------

def judge(b, pid, cash, adj):
    """'correct', 'missed' or 'wrong: ...' for one payment."""
    t, p = b.truth[pid], b.payments[pid]
    got, extra = cash.get(pid, {}), adj.get(pid, [])
    if not got and not extra:
        return "missed"
    want = t["lines"]
    inv_amount = {i["doc_no"]: i["amount"] for i in (b.invoices[x] for x in t["invoice_ids"])}
    if set(got) != set(want):
        if set(got) < set(want):
            return "wrong: part of the documents"
        if set(got) & set(want):
            return "wrong: other documents besides"
        return "wrong: other documents"
    if not (p["amount"] - t["excess"] <= sum(got.values()) <= p["amount"]):
        return "wrong: not all the cash"
    if any(got[d] > inv_amount[d] for d in got):
        return "wrong: beyond a document"
    if t["category"] == "one_pay_one_inv" or (t["category"] == "one_pay_multi_inv" and not t["short"]):
        if any(got[d] != want[d] for d in want):
            return "wrong: amounts"
    if extra:
        short = t["short"]
        if "small_deduction" not in t["perturbations"] or any(k == "credit" for k, _, _ in extra):
            return "wrong: adjustment the truth hasn't"
        if sum(a for _, _, a in extra) > short:
            return "wrong: adjustment beyond the deduction"
        per = collections.Counter()
        for _, d, a in extra:
            per[d] += a
        if any(d not in inv_amount or got.get(d, 0) + per[d] > inv_amount[d] for d in per):
            return "wrong: adjustment beyond a document"
    return "correct"


def line_scores(b, cash):
    pred = correct = 0
    truth_pairs = sum(len(t["lines"]) for t in b.truth.values())
    for pid, got in cash.items():
        if pid not in b.truth:
            continue
        t = b.truth[pid]
        loose = t["category"] == "one_pay_multi_inv" and t["short"]
        inv_amount = {b.invoices[x]["doc_no"]: b.invoices[x]["amount"] for x in t["invoice_ids"]}
        for d, a in got.items():
            pred += 1
            if d in t["lines"] and (a == t["lines"][d] or (loose and a <= inv_amount[d])
                                    or t["lines"][d] - t["excess"] <= a <= t["lines"][d]):
                correct += 1
    return pred, correct, truth_pairs


def foreign_cash(b, cash):
    """document -> cash applied to it by payments whose truth doesn't include it."""
    out = collections.Counter()
    for q, got in cash.items():
        if q not in b.truth:
            continue
        for d, a in got.items():
            if d not in b.truth[q]["lines"]:
                out[d] += a
    return out


def phenomenon(b, look, pid, verdict, cash, rules, exc, foreign=None):
    """The class a wrong or missed payment falls in (first that applies) and all its tags."""
    t, p = b.truth[pid], b.payments[pid]
    invs = [b.invoices[x] for x in t["invoice_ids"]]
    truth_docs = {i["doc_no"] for i in invs}
    n_read = sum(readable(p["memo"], i) for i in invs)
    n_glued = sum(glued(p["memo"], i) for i in invs)
    named = look.named(p["memo"])
    other_named = sorted({(d, f, tok) for d, f, tok in named if d not in truth_docs})
    name_known = p["partner"] == t["customer_name"]
    tags = []
    tags.append(CATEGORY[t["category"]])
    tags += [x for x in t["perturbations"]]
    if not name_known:
        tags.append("payer name differs")
    if n_read == 0:
        tags.append("no readable reference")
    elif n_read < len(invs):
        tags.append(f"{n_read}/{len(invs)} references readable")
    if n_glued:
        tags.append(f"{n_glued}/{len(invs)} numbers glued to a letter")
    if other_named:
        tags.append("memo names another document (" + ", ".join(f"{d} via {f} '{tok}'" for d, f, tok in other_named[:2]) + ")")
    if p["currency_raw"] in ZERO_MINOR:
        tags.append(f"{p['currency_raw']} (2 decimals, {b.minor}d)")
    reason = (exc.get(pid) or {}).get("reason", "")
    rs = ",".join(sorted(rules.get(pid, ())))
    got = set(cash.get(pid, {}))
    if verdict.startswith("wrong"):
        wrong_docs = got - truth_docs
        if verdict == "wrong: not all the cash" and foreign and any(foreign[d] for d in truth_docs):
            cls = "knock-on: another payment was wrongly applied to this invoice first, so less was open"
        elif wrong_docs and any(d in wrong_docs for d, _, _ in other_named):
            cls = "slipped/noise reference naming another document"
        elif wrong_docs and re.search(r"amount|combination", rs):
            cls = "amount coincidence: another open document (or combination) of the payer"
        elif verdict == "wrong: part of the documents" and n_glued:
            cls = ("multi-invoice memo with numbers glued to the next word ('...715REF 1:'): only the unglued "
                   "ones read, those paid, the rest left on account")
        elif verdict == "wrong: part of the documents":
            cls = "partly readable multi-invoice memo (applied to the readable part)"
        elif "adjustment" in verdict:
            cls = "small difference written off / deducted wrongly"
        else:
            cls = f"other wrong ({verdict[7:]})"
    else:
        several = t["category"] == "one_pay_multi_inv"
        if several and n_read == len(invs) and "small_deduction" in t["perturbations"]:
            cls = "small difference on several documents (all named, paid short)"
        elif several and n_read == 0:
            cls = "no reference + several documents"
        elif several and n_read < len(invs):
            cls = "partly readable multi-invoice memo"
        elif several and n_glued:
            cls = "multi-invoice memo with numbers glued to the next word"
        elif other_named and n_read == 0:
            cls = "slipped reference naming another document (held back)"
        elif foreign and any(foreign[d] for d in truth_docs) and "settled" in reason:
            cls = "knock-on: another payment was wrongly applied to this invoice first"
        elif n_read == 0 and not name_known:
            cls = "no readable reference, payer name unknown"
        elif n_read == 0 and t["category"] == "multi_pay_one_inv":
            cls = "instalment without readable reference"
        elif n_read == 0 and "small_deduction" in t["perturbations"]:
            cls = "small difference, no readable reference"
        elif n_read == 0:
            cls = "no readable reference, amount not decisive"
        elif any(f == "doc_no" for _, f, _ in other_named):
            cls = "reference readable, but another document's number in the memo shuts out the reference lookup"
        elif other_named:
            cls = "reference readable but memo also names another document"
        elif n_glued:
            cls = "reference readable only with a letter glued to it ('IN0V1000...')"
        else:
            cls = "reference readable, still not applied"
        if reason.startswith("no customer id") and cls.startswith("no readable reference, amount"):
            cls = "no readable reference, payer name unknown"
    return cls, tags, rs, reason


def fmt_pct(n, d):
    return f"{100 * n / d:.2f} %" if d else "n/a"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="llmeval-trl24 checkout (or its download folder)")
    ap.add_argument("--variant", required=True, choices=["single", "multi"])
    ap.add_argument("--schema", default="descriptive", choices=["descriptive", "opaque"],
                    help="column naming of the view read (same rows in both)")
    ap.add_argument("--arx", default=None, help="arx binary (default: arx on PATH)")
    ap.add_argument("--keep", default=None, help="work folder to keep (canonical CSVs, workspace, results.csv)")
    ap.add_argument("--minor", default="scale", choices=["scale", "relabel"],
                    help="JPY/KRW with 2 decimals: scale x100 (default) or relabel to HKD/SGD")
    ap.add_argument("--document-no", default="belnr", choices=["belnr", "billing"],
                    help="document_no = SAP Document Number (default; billing number then in po_number) "
                         "or the Billing Number")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="an arx.toml [apply] setting (write_off_fixed, write_off_percent, deduction_max, "
                         "combination_max_items); repeatable")
    ap.add_argument("--examples", type=int, default=2, help="examples per failure class")
    ap.add_argument("--convert-only", action="store_true", help="write the canonical CSVs and stop")
    a = ap.parse_args()

    folder = locate(a.data, a.variant, a.schema)
    work = a.keep or tempfile.mkdtemp(prefix="llmeval-")
    os.makedirs(work, exist_ok=True)
    b = Bench(folder, a.schema, a.minor)
    canon = os.path.join(work, "canonical")
    n_cust = write_canonical(b, canon, a.document_no)
    minor_note = ("JPY/KRW amounts x100 (hundredths of a yen/won, codes kept)" if a.minor == "scale"
                  else "JPY/KRW relabelled " + ", ".join(f"{k}->{v}" for k, v in RELABEL.items()) + " (amounts kept)")
    print(f"llmeval-trl24 {a.variant} ({folder}): {len(b.invoices)} invoices, {len(b.payments)} payments, "
          f"{len(b.matches)} matches, {n_cust} customers; {minor_note}; document_no = "
          f"{'Document Number (BELNR), reference = Assignment, po_number = Billing Number' if a.document_no == 'belnr' else 'Billing Number, reference = Assignment'}",
          file=sys.stderr)
    print(f"canonical CSVs: {canon}", file=sys.stderr)
    if a.convert_only:
        return

    arx = a.arx or shutil.which("arx")
    if not arx or not os.path.exists(arx):
        die(f"no arx binary ({a.arx or 'arx on PATH'}); the CSVs are in {canon}", 1)
    ws = os.path.join(work, "ws")
    if os.path.exists(ws):
        shutil.rmtree(ws)
    g = [arx, "--workspace", ws, "--no-progress"]
    run([arx, "init", ws, "--currency", "EUR", "--name", f"llmeval-trl24 {a.variant}"], "arx init")
    set_apply(os.path.join(ws, "arx.toml"), a.set)
    _, t_ingest = run(g + ["ingest"] + [os.path.join(canon, f) for f in ("customers.csv", "invoices.csv", "payments.csv")],
                      "arx ingest")
    xlsx = os.path.join(work, "exceptions.xlsx")
    r, t_apply = run(g + ["apply", "--format", "json", "-o", xlsx], "arx apply")
    with open(os.path.join(work, "apply.json"), "w", encoding="utf-8") as f:
        f.write(r.stdout)
    with open(os.path.join(work, "apply.stderr"), "w", encoding="utf-8") as f:
        f.write(r.stderr)
    apply_json = json.loads(r.stdout)
    apps_csv = os.path.join(work, "applications.csv")
    run(g + ["export", "applications", "--format", "csv", "-o", apps_csv], "arx export applications")
    cash, adj, rules, _ = read_applications(apps_csv)
    exc, exc_source = exceptions_of(apply_json, xlsx)

    # Score.
    look = Lookup(b)
    foreign = foreign_cash(b, cash)
    total = len(b.payments)
    verdicts, rows = {}, []
    classes = collections.defaultdict(list)
    by_cat = collections.defaultdict(collections.Counter)
    by_pert = collections.defaultdict(collections.Counter)
    by_cur = collections.defaultdict(collections.Counter)
    rule_counts = collections.defaultdict(collections.Counter)
    for pid in sorted(b.payments):
        v = judge(b, pid, cash, adj)
        verdicts[pid] = v
        t, p = b.truth[pid], b.payments[pid]
        status = "correct" if v == "correct" else ("missed" if v == "missed" else "wrong")
        for key, bucket in ((CATEGORY[t["category"]], by_cat),
                            ("+".join(sorted(t["perturbations"])) or "(none)", by_pert),
                            (p["currency_raw"], by_cur)):
            bucket[key]["payments"] += 1
            bucket[key][status] += 1
        for rl in rules.get(pid, ()):
            rule_counts[rl][status] += 1
        cls, tags, rs, reason = ("", [], ",".join(sorted(rules.get(pid, ()))), (exc.get(pid) or {}).get("reason", ""))
        if status != "correct":
            cls, tags, rs, reason = phenomenon(b, look, pid, v, cash, rules, exc, foreign)
            classes[(status, cls)].append(pid)
        rows.append({
            "payment_id": pid, "benchmark_payment_id": p["raw_id"], "match_id": t["match_id"],
            "category": CATEGORY[t["category"]], "perturbations": "+".join(t["perturbations"]),
            "date": p["date"], "currency": p["currency"], "amount": p["amount"], "payer_name": p["partner"],
            "bank_account": p["account"], "memo": p["memo"], "customer_id": t["customer_id"],
            "truth": "; ".join(f"{d}:{a}" for d, a in sorted(t["lines"].items())),
            "arx": "; ".join([f"{d}:{x}" for d, x in sorted(cash.get(pid, {}).items())] +
                             [f"{k} {d}:{x}" for k, d, x in adj.get(pid, [])]),
            "rule": rs, "status": status, "verdict": v,
            "exception_kind": (exc.get(pid) or {}).get("status", ""), "exception_reason": reason,
            "candidates": (exc.get(pid) or {}).get("candidates", ""),
            "phenomenon": cls, "tags": " | ".join(tags),
        })
    with open(os.path.join(work, "results.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)

    applied = sum(1 for v in verdicts.values() if v != "missed")
    correct = sum(1 for v in verdicts.values() if v == "correct")
    wrong = applied - correct
    pred, line_ok, truth_pairs = line_scores(b, cash)
    summary = {
        "variant": a.variant, "payments": total, "auto_applied": applied, "correct": correct, "wrong": wrong,
        "missed": total - applied, "auto_applied_pct": 100 * applied / total,
        "payment_precision_pct": 100 * correct / applied if applied else None,
        "payment_recall_pct": 100 * correct / total,
        "lines_predicted": pred, "lines_correct": line_ok, "lines_truth": truth_pairs,
        "line_precision_pct": 100 * line_ok / pred if pred else None,
        "line_recall_pct": 100 * line_ok / truth_pairs,
        "ingest_s": round(t_ingest, 2), "apply_s": round(t_apply, 2), "minor": a.minor,
        "document_no": a.document_no, "apply_settings": a.set, "exceptions_from": exc_source,
        "arx_summary": apply_json.get("rows"),
    }
    with open(os.path.join(work, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2, default=str)

    # Report.
    out = sys.stdout
    print(f"\n== failures by class ({a.variant}; examples from {work}/results.csv) ==", file=out)
    ranked = sorted(classes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    for (status, cls), pids in ranked:
        print(f"\n[{status}] {cls}: {len(pids)} payments", file=out)
        for pid in pids[:a.examples]:
            row = next(r for r in rows if r["payment_id"] == pid)
            print(f"  {pid} {row['date']} {row['currency']} {row['amount']} payer '{row['payer_name']}' "
                  f"memo '{row['memo']}'", file=out)
            print(f"    truth: {row['truth']}  ({row['category']}; {row['perturbations'] or 'no perturbation'}; "
                  f"customer {row['customer_id']})", file=out)
            print(f"    arx:   {row['arx'] or '-'}  rule {row['rule'] or '-'}", file=out)
            if row["exception_reason"]:
                print(f"    why:   [{row['exception_kind']}] {row['exception_reason']}", file=out)
            print(f"    tags:  {row['tags']}", file=out)
    print("\n== benchmark tags among the failures (a payment may carry several) ==", file=out)
    tagc = collections.Counter()
    for r in rows:
        if r["status"] != "correct":
            for tg in r["tags"].split(" | "):
                tagc[re.sub(r" \(.*", "", tg)] += 1
    for tg, n in tagc.most_common():
        print(f"  {n:6d}  {tg}", file=out)

    def table(title, buckets):
        print(f"\n{title:<44} {'payments':>8} {'applied':>8} {'correct':>8} {'wrong':>6} {'missed':>7} {'prec.':>8} {'recall':>8}",
              file=out)
        for k, c in sorted(buckets.items(), key=lambda kv: -kv[1]["payments"]):
            app = c["correct"] + c["wrong"]
            print(f"{k[:44]:<44} {c['payments']:>8} {app:>8} {c['correct']:>8} {c['wrong']:>6} {c['missed']:>7} "
                  f"{fmt_pct(c['correct'], app):>8} {fmt_pct(c['correct'], c['payments']):>8}", file=out)

    table("match category", by_cat)
    table("perturbations", by_pert)
    table("currency (as in the data)", by_cur)
    print(f"\n{'rule (payments with a line of it)':<44} {'payments':>8} {'correct':>8} {'wrong':>6}", file=out)
    for rl, c in sorted(rule_counts.items(), key=lambda kv: -sum(kv[1].values())):
        print(f"{rl:<44} {sum(c.values()):>8} {c['correct']:>8} {c['wrong']:>6}", file=out)

    print(f"\n== llmeval-trl24 {a.variant}: arx {arx} ==", file=out)
    print(f"currency: {minor_note}; [apply] {', '.join(a.set) or 'defaults (no write-off, no deduction)'}; "
          f"exception reasons from the {exc_source}", file=out)
    w = 36
    for label, value in [
        ("payments", total),
        ("auto-applied", f"{applied} ({fmt_pct(applied, total)})"),
        ("  correct", correct),
        ("  wrong (incl. partial)", wrong),
        ("left for review (missed)", total - applied),
        ("payment precision", fmt_pct(correct, applied)),
        ("payment recall (correct / all)", fmt_pct(correct, total)),
        ("line precision", f"{fmt_pct(line_ok, pred)} ({line_ok} / {pred} pairs)"),
        ("line recall", f"{fmt_pct(line_ok, truth_pairs)} ({line_ok} / {truth_pairs} pairs)"),
        ("time ingest / apply", f"{t_ingest:.2f} s / {t_apply:.2f} s"),
        ("results", os.path.join(work, "results.csv") if a.keep else "(temporary; use --keep)"),
    ]:
        print(f"{label:<{w}} {value}", file=out)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
