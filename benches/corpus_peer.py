#!/usr/bin/env python3
"""Independent peer reader for the bank-statement corpus (not arx code, not derived from it).

Per file and currency it counts entries (camt `Ntry`, MT940 `:61:`, BAI2 `16`) and sums them with
exact decimals, classifies returns/reversals, and checks opening + credits - debits = closing per
statement.  Writes expected.csv (columns below) for fixtures/corpus/bank.

    python3 benches/corpus_peer.py CORPUS_DIR [OUT.csv]

CORPUS_DIR holds camt/, mt940/ and bai2/ sub-folders.  Standard library only.
"""
import csv
import os
import re
import sys
import xml.etree.ElementTree as ET
from collections import OrderedDict
from decimal import Decimal, InvalidOperation

COLUMNS = ["file", "format", "verdict", "currency", "entries", "credits", "credit_total", "debits",
           "debit_total", "credit_returns", "credit_returns_total", "debit_returns",
           "debit_returns_total", "statements", "ties", "note"]

MINOR = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "XOF": 0, "XAF": 0, "KWD": 3, "BHD": 3,
         "OMR": 3, "JOD": 3, "TND": 3, "LYD": 3, "IQD": 3}


class Broken(Exception):
    """A genuinely broken file: the message names the defect."""


class Tally:
    def __init__(self):
        self.cur = OrderedDict()  # currency -> dict

    def row(self, ccy):
        if ccy not in self.cur:
            self.cur[ccy] = dict(entries=0, credits=0, credit_total=Decimal(0), debits=0,
                                 debit_total=Decimal(0), credit_returns=0,
                                 credit_returns_total=Decimal(0), debit_returns=0,
                                 debit_returns_total=Decimal(0), statements=0, ties=[], notes=[])
        return self.cur[ccy]

    def entry(self, ccy, credit, amount, is_return):
        r = self.row(ccy)
        r["entries"] += 1
        if credit:
            r["credits"] += 1
            r["credit_total"] += amount
            if is_return:
                r["credit_returns"] += 1
                r["credit_returns_total"] += amount
        else:
            r["debits"] += 1
            r["debit_total"] += amount
            if is_return:
                r["debit_returns"] += 1
                r["debit_returns_total"] += amount


def tie_text(idx, opening, credits, debits, closing):
    if opening is None or closing is None:
        return None
    diff = opening + credits - debits - closing
    return "yes" if diff == 0 else "stmt%d off %s" % (idx, fmt(diff))


def fmt(d):
    return format(d, "f")


def decode(data):
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# ----------------------------------------------------------------------------- MT940
TAG = re.compile(r"^:(\d\d[A-Z]?):", re.M)
BAL = re.compile(r"^\s*([CD])\s*(\d{6})\s*([A-Z]{3})\s*([0-9][0-9 ]*[,.]?[0-9 ]*)\s*$")
L61 = re.compile(r"^(\d{6})(\d{4})?(RC|RD|EC|ED|C|D)([A-Z])?([0-9]+,[0-9]*|[0-9]+\.[0-9]{0,2}|[0-9]+)")
# German GVC (Geschaeftsvorfallcode) of returns: 108/109 Rueckbelastung Lastschrift,
# 159 SEPA Ruecküberweisung (Retoure), 181-184 SEPA-Lastschrift-Rueckbelastung.
GVC_RETURN = {"108", "109", "159", "181", "182", "183", "184"}
RETURN_WORDS = re.compile(r"RETOURE|RUECKBELASTUNG|RÜCKBELASTUNG|RUECKLASTSCHRIFT|RÜCKLASTSCHRIFT|"
                          r"TERUGBOEKING|STORNO|/RTRN/|RUECKUEBERWEISUNG|RÜCKÜBERWEISUNG", re.I)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def mt_amount(s, what, notes=None):
    s = s.replace(" ", "")
    if notes is not None and re.fullmatch(r"\d+\.\d{0,2}", s):
        notes.append("balance amounts use '.' as decimal separator (SWIFT says ','): unmistakable")
        return Decimal(s)
    if not re.fullmatch(r"\d+,\d*|\d+", s):
        raise Broken("%s amount %r is not a SWIFT amount" % (what, s))
    return Decimal(s.replace(",", ".") if "," in s else s)


def mt940(data):
    text = decode(data)
    notes = []
    if CONTROL.search(text):
        notes.append("control bytes %s outside fields removed" % sorted({"%02X" % ord(c) for c in CONTROL.findall(text)}))
        text = CONTROL.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # SWIFT block wrappers: keep block 4 text; '-}' ends it
    text = re.sub(r"\{[1235]:[^{}]*(\{[^{}]*\}[^{}]*)*\}", "", text)
    text = text.replace("{4:", "\n")
    text = re.sub(r"(?m)^-\}?\s*$", "", text)
    text = text.replace("-}", "\n")
    # leading blanks before a tag (whitespace.sta) are padding
    text = re.sub(r"(?m)^[ \t]+(?=:\d\d[A-Z]?:)", "", text)
    fields = []
    pos = [(m.start(), m.group(1), m.end()) for m in TAG.finditer(text)]
    for i, (s, tag, e) in enumerate(pos):
        end = pos[i + 1][0] if i + 1 < len(pos) else len(text)
        fields.append((tag, text[e:end].strip("\n")))
    if not any(t == "61" for t, _ in fields) and not any(t.startswith("60") for t, _ in fields):
        raise Broken("no :60: balance and no :61: line: not an MT940 statement")
    t = Tally()
    stmts = []  # per statement: ccy, opening, closing, cr, dr
    cur = None
    last = None  # last entry dict for :86:
    entries = []
    for tag, val in fields:
        if tag == "20":
            cur = None
        if tag in ("60F", "60M", "60"):
            m = BAL.match(val.split("\n")[0])
            if not m:
                raise Broken(":%s: balance %r unreadable" % (tag, val[:40]))
            amt = mt_amount(m.group(4), ":60:", notes)
            cur = dict(ccy=m.group(3), opening=amt if m.group(1) == "C" else -amt, closing=None,
                       cr=Decimal(0), dr=Decimal(0), n=0)
            stmts.append(cur)
        elif tag == "61":
            if cur is None:
                raise Broken(":61: before any :60: opening balance")
            line = val.split("\n")[0]
            raw = line
            line = line.replace(" ", "") if re.match(r"^\d{6}\s", line) or re.match(r"^[\d ]{6,12}[RCDE]", line) else line
            m = L61.match(line)
            if not m:
                m = L61.match(line.replace(" ", ""))
                if m:
                    notes.append("blanks inside :61: %r" % raw[:30])
            if not m:
                raise Broken(":61: %r does not follow date[entry date]mark amount" % raw[:40])
            mark = m.group(3)
            amt = Decimal(m.group(5).replace(",", "."))
            credit = mark in ("C", "RD", "EC")
            e = dict(ccy=cur["ccy"], credit=credit, amount=amt, mark=mark, details="")
            entries.append(e)
            last = e
            cur["n"] += 1
            if credit:
                cur["cr"] += amt
            else:
                cur["dr"] += amt
        elif tag == "86":
            if last is not None and last.get("details") == "":
                last["details"] = val
        elif tag in ("62F", "62M", "62"):
            if cur is None:
                raise Broken(":62: without :60:")
            m = BAL.match(val.split("\n")[0])
            if not m:
                raise Broken(":%s: balance %r unreadable" % (tag, val[:40]))
            amt = mt_amount(m.group(4), ":62:", notes)
            cur["closing"] = amt if m.group(1) == "C" else -amt
            last = None
        elif tag in ("64", "65"):
            last = None
    if not stmts:
        raise Broken("no statement (:60:) found")
    for s in stmts:
        if s["closing"] is None:
            raise Broken("statement in %s without :62: closing balance (truncated)" % s["ccy"])
    for e in entries:
        d = e["details"]
        gvc = re.match(r"^\s*(\d{3})", d)
        is_ret = e["mark"] in ("RC", "RD") or bool(gvc and gvc.group(1) in GVC_RETURN) or bool(RETURN_WORDS.search(d.replace("\n", "")))
        t.entry(e["ccy"], e["credit"], e["amount"], is_ret)
    for i, s in enumerate(stmts, 1):
        r = t.row(s["ccy"])
        r["statements"] += 1
        r["ties"].append(tie_text(i, s["opening"], s["cr"], s["dr"], s["closing"]))
    for r in t.cur.values():
        r["notes"] += notes
    return t


# ----------------------------------------------------------------------------- camt
RETURN_SUBFAMILIES = {"RRTN", "RPCR", "UPDD", "RCDD", "PRDD", "PRCT", "ARET", "URDD", "RRCT"}


def local(tag):
    return tag.rsplit("}", 1)[-1]


def kids(el, name):
    return [c for c in el if local(c.tag) == name]


def kid(el, *path):
    for name in path:
        if el is None:
            return None
        found = kids(el, name)
        el = found[0] if found else None
    return el


def ktext(el, *path):
    k = kid(el, *path)
    return k.text.strip() if k is not None and k.text else None


def dec(s, what):
    try:
        if s is None or not re.fullmatch(r"-?\d+(\.\d+)?", s.strip()):
            raise InvalidOperation
        return Decimal(s.strip())
    except InvalidOperation:
        raise Broken("%s %r is not a decimal" % (what, s))


def camt(data):
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise Broken("XML not well-formed: %s" % e)
    msg = None
    for c in root.iter():
        if local(c.tag) in ("BkToCstmrStmt", "BkToCstmrDbtCdtNtfctn", "BkToCstmrAcctRpt"):
            msg = c
            break
    if msg is None:
        raise Broken("no BkToCstmrStmt / BkToCstmrDbtCdtNtfctn element")
    kind = local(msg.tag)
    t = Tally()
    notes = []
    if kind == "BkToCstmrAcctRpt":
        notes.append("camt.052 report")
    ns = root.tag.split("}")[0].lstrip("{") if "}" in root.tag else ""
    sts = [c for c in msg if local(c.tag) in ("Stmt", "Ntfctn", "Rpt")]
    if not sts:
        raise Broken("%s has no Stmt/Ntfctn (the schema requires at least one)" % kind)
    for i, st in enumerate(sts, 1):
        accy = ktext(st, "Acct", "Ccy")
        opening = closing = None
        bal_ccy = None
        for b in kids(st, "Bal"):
            code = ktext(b, "Tp", "CdOrPrtry", "Cd") or ktext(b, "Tp", "CdOrPrtry", "Prtry")
            amt_el = kid(b, "Amt")
            amt = dec(amt_el.text if amt_el is not None else None, "Bal/Amt")
            if ktext(b, "CdtDbtInd") == "DBIT":
                amt = -amt
            bal_ccy = amt_el.get("Ccy")
            if code in ("OPBD", "PRCD") and opening is None:
                opening = amt
            elif code == "CLBD":
                closing = amt
        ccy0 = accy or bal_ccy
        cr = {}
        dr = {}
        n = 0
        for e in kids(st, "Ntry"):
            amt_el = kid(e, "Amt")
            if amt_el is None:
                raise Broken("Ntry without Amt")
            amt = dec(amt_el.text, "Ntry/Amt")
            ccy = amt_el.get("Ccy") or ccy0
            ind = ktext(e, "CdtDbtInd")
            if ind not in ("CRDT", "DBIT"):
                raise Broken("Ntry CdtDbtInd %r" % ind)
            sts = ktext(e, "Sts", "Cd") or ktext(e, "Sts")
            if sts == "INFO":  # information only, not booked (ISO 20022 EntryStatus)
                notes.append("Ntry %s %s with Sts INFO not booked: not counted" % (amt, ind))
                continue
            rvsl = (ktext(e, "RvslInd") or "").lower() in ("true", "1")
            rtr = any(local(x.tag) == "RtrInf" for x in e.iter())
            sub = {x.text.strip() for x in e.iter() if local(x.tag) == "SubFmlyCd" and x.text}
            fam = {x.text.strip() for x in e.iter() if local(x.tag) == "Cd" and x.text}
            is_ret = rvsl or rtr or bool(sub & RETURN_SUBFAMILIES) or bool(fam & RETURN_SUBFAMILIES)
            credit = ind == "CRDT"
            t.entry(ccy, credit, amt, is_ret)
            (cr if credit else dr)[ccy] = (cr if credit else dr).get(ccy, Decimal(0)) + amt
            n += 1
        if ccy0 is None and n == 0:
            continue
        r = t.row(ccy0 or next(iter(cr or dr)))
        r["statements"] += 1
        if kind == "BkToCstmrStmt":
            if closing is None:
                r["notes"].append("stmt%d has no CLBD closing balance" % i)
            r["ties"].append(tie_text(i, opening, cr.get(ccy0, Decimal(0)), dr.get(ccy0, Decimal(0)), closing))
        else:
            r["ties"].append(None)
    for r in t.cur.values():
        r["notes"] += notes + (["namespace " + ns.rsplit(":", 1)[-1]] if ns else ["no namespace"])
    return t


# ----------------------------------------------------------------------------- BAI2
# Return type codes (BAI 2005 list): credits 255 check returned, 257 individual ACH return item,
# 258 ACH reversal credit, 261 ACH credit reject/return, 266 automatic transfer/wire return;
# debits 555 deposited item returned, 557 individual ACH return item, 558 ACH reversal debit,
# 566 automatic transfer return.  Plus any detail whose text names an ACH reason code R01..R85 near
# the word "return".
BAI_CREDIT_RETURN = {"255", "257", "258", "261", "266"}
BAI_DEBIT_RETURN = {"555", "557", "558", "566"}


def bai2_records(text):
    lines = [l for l in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    recs = []
    for ln, line in enumerate(lines, 1):
        s = line.rstrip()
        if not s.strip():
            continue
        # several records on one physical line: split at '/' followed by a record code
        parts = re.split(r"/(?=\s*(?:01|02|03|16|49|88|98|99),)", s)
        for p in parts:
            p = p.strip()
            code = p[:2]
            if code == "88" and recs:
                body = p[3:] if p[2:3] == "," else p[2:]
                recs[-1][2].append(body.rstrip("/"))
                continue
            recs.append([ln, code, [p]])
    return recs


def bai_amount(s, ccy, what):
    s = (s or "").strip()
    if s == "":
        return None
    if not re.fullmatch(r"[+-]?\d+", s):
        raise Broken("%s amount %r is not numeric" % (what, s))
    places = MINOR.get(ccy, 2)
    return Decimal(int(s)).scaleb(-places)


def bai2(data):
    text = decode(data)
    recs = bai2_records(text)
    if not recs or recs[0][1] != "01":
        raise Broken("does not start with a 01 file header")
    if not any(r[1] == "99" for r in recs):
        raise Broken("no 99 file trailer (truncated)")
    t = Tally()
    notes = []
    group_ccy = "USD"
    acct = None
    accts = []
    for ln, code, parts in recs:
        rec = parts[0].rstrip()
        if rec.endswith("/"):
            rec = rec[:-1]
        f = rec.split(",")
        if code == "02":
            group_ccy = (f[6].strip() if len(f) > 6 and f[6].strip() else "USD")
        elif code == "03":
            for cont in parts[1:]:  # 88 continuations of an 03 carry further summary fields
                f += cont.rstrip().rstrip("/").split(",")
            ccy = f[2].strip() if len(f) > 2 and f[2].strip() else group_ccy
            acct = dict(ccy=ccy, opening=None, closing=None, cr=Decimal(0), dr=Decimal(0), n=0, line=ln)
            accts.append(acct)
            i = 3
            while i < len(f):
                tc = f[i].strip()
                amt = bai_amount(f[i + 1] if i + 1 < len(f) else "", ccy, "03 summary") if tc else None
                fund = f[i + 3].strip() if i + 3 < len(f) else ""
                if tc == "010":
                    acct["opening"] = amt
                elif tc == "015":
                    acct["closing"] = amt
                i += 4
                if fund == "V":
                    i += 2
                elif fund == "S":
                    i += 3
                elif fund == "D":
                    try:
                        i += 1 + 2 * int(f[i])
                    except (ValueError, IndexError):
                        break
        elif code == "16":
            if acct is None:
                raise Broken("line %d: 16 before any 03 account" % ln)
            tc = f[1].strip()
            amt = bai_amount(f[2], acct["ccy"], "16 line %d" % ln)
            if amt is None:
                raise Broken("line %d: 16 without amount" % ln)
            fund = f[3].strip() if len(f) > 3 else ""
            k = 4
            if fund == "V":
                k = 6
            elif fund == "S":
                k = 7
            elif fund == "D":
                try:
                    k = 5 + 2 * int(f[4])
                except (ValueError, IndexError):
                    k = 5
            text_all = ",".join(f[k:]) + " " + " ".join(parts[1:])
            try:
                n = int(tc)
            except ValueError:
                raise Broken("line %d: type code %r" % (ln, tc))
            if 100 <= n <= 399:
                credit = True
            elif 400 <= n <= 699:
                credit = False
            else:
                credit = n < 950  # 700-799 loan, 900-949 customised credits (none in corpus hit this)
                notes.append("type %s outside 100-699 taken as %s" % (tc, "credit" if credit else "debit"))
            is_ret = tc in BAI_CREDIT_RETURN or tc in BAI_DEBIT_RETURN or bool(
                re.search(r"return", text_all, re.I) and re.search(r"\bR\d\d\b", text_all))
            t.entry(acct["ccy"], credit, amt, is_ret)
            acct["n"] += 1
            if credit:
                acct["cr"] += amt
            else:
                acct["dr"] += amt
        elif code == "49":
            acct = None
    for i, a in enumerate(accts, 1):
        r = t.row(a["ccy"])
        r["statements"] += 1
        r["ties"].append(tie_text(i, a["opening"], a["cr"], a["dr"], a["closing"]))
    for r in t.cur.values():
        r["notes"] += notes
    return t


def sniff(path, data):
    head = data[:4000].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head.startswith(b"<") or b"<Document" in head:
        return "camt"
    if re.match(rb"\d\d,", head):
        return "bai2"
    return "mt940"


def run(path):
    data = open(path, "rb").read()
    fmt_ = sniff(path, data)
    name = os.path.basename(path)
    try:
        t = {"camt": camt, "mt940": mt940, "bai2": bai2}[fmt_](data)
    except Broken as e:
        return [dict(file=name, format=fmt_, verdict="refuse", currency="", entries="", credits="",
                     credit_total="", debits="", debit_total="", credit_returns="",
                     credit_returns_total="", debit_returns="", debit_returns_total="",
                     statements="", ties="", note=str(e))]
    rows = []
    if not t.cur:
        rows.append(dict(file=name, format=fmt_, verdict="read", currency="", entries=0, credits=0,
                         credit_total="0", debits=0, debit_total="0", credit_returns=0,
                         credit_returns_total="0", debit_returns=0, debit_returns_total="0",
                         statements=0, ties="n/a", note="no statement content"))
    for ccy, r in t.cur.items():
        ties = r["ties"]
        if not ties or all(x is None for x in ties):
            tie = "n/a"
        elif all(x == "yes" for x in ties):
            tie = "yes"
        else:
            tie = "; ".join(x or "n/a" for x in ties if x != "yes") or "yes"
        rows.append(dict(file=name, format=fmt_, verdict="read", currency=ccy, entries=r["entries"],
                         credits=r["credits"], credit_total=fmt(r["credit_total"]), debits=r["debits"],
                         debit_total=fmt(r["debit_total"]), credit_returns=r["credit_returns"],
                         credit_returns_total=fmt(r["credit_returns_total"]),
                         debit_returns=r["debit_returns"],
                         debit_returns_total=fmt(r["debit_returns_total"]), statements=r["statements"],
                         ties=tie, note="; ".join(dict.fromkeys(r["notes"]))))
    return rows


def main():
    root = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else None
    rows = []
    for sub in ("camt", "mt940", "bai2"):
        d = os.path.join(root, sub)
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            rows += run(os.path.join(d, f))
    w = csv.DictWriter(open(out, "w", newline="") if out else sys.stdout, fieldnames=COLUMNS,
                       lineterminator="\n")
    w.writeheader()
    w.writerows(rows)


if __name__ == "__main__":
    main()
