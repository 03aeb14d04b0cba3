#!/usr/bin/env python3
"""Cash-application quality: score `arx apply` against the ground truth of examples/applysynth.

    cargo run --release --example applysynth -- --customers 50000 --open-invoices 1000000 \\
        --payments 100000 --seed 42 --as-of 2026-03-31 --out bench-apply
    # workspace: arx init, [apply] of bench-apply/apply.toml in arx.toml, ingest customers.csv invoices.csv
    #   history_payments.csv history_applications.csv payments.csv remittances.csv, then arx apply
    arx export applications -o apps.csv
    python3 benches/apply_quality.py --truth bench-apply/truth.csv --applications apps.csv \\
        --payments bench-apply/payments.csv [--json] [--show-wrong 20]

Counts only application rows written by `arx apply` (non-empty `batch`) whose payment is in truth.csv: the
payment is `source` for kind `payment` (or empty kind), the `payment_id` column for `credit`, `write_off`,
`discount` and `deduction`. A payment is auto-applied if it has any such row, correct if the multiset of its
(kind, document_no, amount) equals the truth's exactly (amounts compared as decimals).

Per category and overall: payments, expected-apply, auto-applied (count, % of the payments, % of their value),
correct, wrong, precision = correct / auto-applied, recall = correct / expected-apply, and for categories whose
truth is `leave` the number wrongly applied. Value % needs --payments; payment amounts are converted to EUR at
the generator's fixed rates (USD 1.10, GBP 0.85, JPY 160, KRW 1,500, IDR 17,500, VND 27,000 per EUR) so that currencies add up.

Goals: auto-applied >= 95 % of payments and precision >= 99.5 %. Note that about 6.5 % of the generated
payments should be left (`ambiguous`, `unknown`, and the leave cases of `slip_names_other`, `no_ref_subset`
and `partly_readable`), so recall over expected-apply is the fairer coverage figure. Python 3 standard library only; exits 0.
"""
import argparse
import collections
import csv
import json
import sys
from decimal import Decimal, InvalidOperation

RATES = {"EUR": Decimal(1), "USD": Decimal("1.10"), "GBP": Decimal("0.85"), "JPY": Decimal(160),
         "KRW": Decimal(1500), "IDR": Decimal(17500), "VND": Decimal(27000)}
GOAL_AUTO = Decimal(95)
GOAL_PRECISION = Decimal("99.5")


def dec(s):
    try:
        return Decimal(s.strip())
    except (InvalidOperation, AttributeError):
        return None


def read_truth(path):
    truth = {}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            apps = collections.Counter()
            if r["applications"]:
                for a in r["applications"].split(";"):
                    kind, rest = a.split(":", 1)
                    doc, amount = rest.rsplit(":", 1)
                    apps[(kind, doc, dec(amount))] += 1
            truth[r["payment_id"]] = {"category": r["category"], "expected": r["expected"], "apps": apps}
    return truth


def read_payments(path):
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            a = dec(r["amount"])
            if a is not None:
                out[r["payment_id"]] = a / RATES.get(r["currency"], Decimal(1))
    return out


def read_applications(path, truth):
    got = collections.defaultdict(collections.Counter)
    ignored = collections.Counter()
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if not (r.get("batch") or "").strip():
                ignored["no batch (not written by arx apply)"] += 1
                continue
            kind = (r.get("kind") or "").strip() or "payment"
            pid = r["source"] if kind == "payment" else (r.get("payment_id") or "")
            if pid not in truth and r.get("payment_id") in truth:
                pid = r["payment_id"]
            if pid not in truth:
                ignored["payment not in truth"] += 1
                continue
            got[pid][(kind, r["document_no"].strip(), dec(r["amount"]))] += 1
    return got, ignored


def pct(a, b):
    return None if not b else float(round(Decimal(a) * 100 / Decimal(b), 2))


def score(truth, got, values):
    rows = collections.OrderedDict()
    wrong_examples = []
    cats = sorted({t["category"] for t in truth.values()})
    for name in cats + ["overall"]:
        rows[name] = collections.Counter()
    vals = collections.defaultdict(lambda: [Decimal(0), Decimal(0)])
    for pid, t in truth.items():
        applied = pid in got
        ok = applied and got[pid] == t["apps"] and t["expected"] == "apply"
        for name in (t["category"], "overall"):
            c = rows[name]
            c["payments"] += 1
            c["expected_apply"] += t["expected"] == "apply"
            c["expected_leave"] += t["expected"] == "leave"
            c["auto_applied"] += applied
            c["correct"] += ok
            c["wrong"] += applied and not ok
            c["leave_applied"] += applied and t["expected"] == "leave"
            if values is not None and pid in values:
                vals[name][0] += values[pid]
                if applied:
                    vals[name][1] += values[pid]
        if applied and not ok:
            wrong_examples.append((pid, t, got[pid]))
    out = collections.OrderedDict()
    for name, c in rows.items():
        v = vals.get(name)
        out[name] = {
            "payments": c["payments"],
            "expected_apply": c["expected_apply"],
            "auto_applied": c["auto_applied"],
            "auto_applied_pct": pct(c["auto_applied"], c["payments"]),
            "auto_applied_value_pct": pct(v[1], v[0]) if values is not None and v else None,
            "correct": c["correct"],
            "wrong": c["wrong"],
            "precision_pct": pct(c["correct"], c["auto_applied"]),
            "recall_pct": pct(c["correct"], c["expected_apply"]),
            "leave_wrongly_applied": c["leave_applied"] if c["expected_leave"] else None,
        }
    return out, wrong_examples


def fmt(v, suffix=""):
    return "–" if v is None else f"{v:.2f}{suffix}" if isinstance(v, float) else str(v)


def fmt_apps(c):
    return ";".join(sorted(f"{k}:{d}:{a}" for (k, d, a), n in c.items() for _ in range(n))) or "(none)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--truth", required=True, help="truth.csv of an applysynth data set")
    ap.add_argument("--applications", required=True, help="`arx export applications` output (csv)")
    ap.add_argument("--payments", help="payments.csv of the data set (for value %%)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a markdown table")
    ap.add_argument("--show-wrong", type=int, default=0, metavar="N", help="list N wrongly applied payments")
    a = ap.parse_args()

    truth = read_truth(a.truth)
    got, ignored = read_applications(a.applications, truth)
    values = read_payments(a.payments) if a.payments else None
    rows, wrong = score(truth, got, values)
    o = rows["overall"]
    goals = {
        "auto_applied_pct": o["auto_applied_pct"],
        "auto_applied_goal_pct": float(GOAL_AUTO),
        "auto_applied_met": o["auto_applied_pct"] is not None and Decimal(str(o["auto_applied_pct"])) >= GOAL_AUTO,
        "precision_pct": o["precision_pct"],
        "precision_goal_pct": float(GOAL_PRECISION),
        "precision_met": o["precision_pct"] is not None and Decimal(str(o["precision_pct"])) >= GOAL_PRECISION,
    }
    if a.json:
        doc = {
            "truth": a.truth,
            "applications": a.applications,
            "ignored_rows": dict(ignored),
            "goals": goals,
            "overall": rows.pop("overall"),
            "categories": rows,
            "wrong": [
                {"payment_id": p, "category": t["category"], "expected": t["expected"], "truth": fmt_apps(t["apps"]),
                 "got": fmt_apps(g)}
                for p, t, g in wrong[: a.show_wrong]
            ],
        }
        json.dump(doc, sys.stdout, indent=2)
        print()
        return 0

    head = ["category", "payments", "expect apply", "auto-applied", "auto %", "value %", "correct", "wrong",
            "precision %", "recall %", "leave applied"]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
    for name, r in rows.items():
        label = f"**{name}**" if name == "overall" else name
        cells = [label, r["payments"], r["expected_apply"], r["auto_applied"], fmt(r["auto_applied_pct"]),
                 fmt(r["auto_applied_value_pct"]), r["correct"], r["wrong"], fmt(r["precision_pct"]),
                 fmt(r["recall_pct"]), fmt(r["leave_wrongly_applied"])]
        print("| " + " | ".join(str(c) for c in cells) + " |")
    print()
    mark = {True: "met", False: "NOT met"}
    print(f"auto-applied {fmt(goals['auto_applied_pct'])} % of payments (goal ≥ {GOAL_AUTO} %: "
          f"{mark[goals['auto_applied_met']]}); precision {fmt(goals['precision_pct'])} % "
          f"(goal ≥ {GOAL_PRECISION} %: {mark[goals['precision_met']]})")
    if ignored:
        print("ignored application rows: " + ", ".join(f"{n} {why}" for why, n in sorted(ignored.items())))
    for p, t, g in wrong[: a.show_wrong]:
        print(f"- {p} {t['category']} (expected {t['expected']}): truth {fmt_apps(t['apps'])} · got {fmt_apps(g)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
