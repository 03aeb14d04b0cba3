#!/usr/bin/env python3
"""Deterministic camt.053.001.08 generator for the bank-statement benchmarks (stdlib only).

Writes one statement with N booked credit entries, in the layout German banks (DK) produce:
payer names and valid IBANs, `Ustrd` texts naming one or two invoices ("Invoice INV-0001234 and
INV-0001240"), structured `Strd/RfrdDocInf` + `RfrdDocAmt` on some entries, unique `AcctSvcrRef`,
`EndToEndId` (some NOTPROVIDED). The opening and closing balances tie.

Streaming: constant memory whatever N. The closing balance comes before the entries in camt, so
the amounts are drawn twice from the same seeded stream: once to sum them, once to write them.

    python3 benches/gen_camt.py --entries 1000000 --out bench-data/camt053_1m.xml
    python3 benches/gen_camt.py --entries 1000 --out x.xml --seed 7 --invoices-prefix RE-
"""
import argparse
import random
import sys

COMPANIES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Schäfer",
    "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Zimmermann", "Braun", "Krüger", "Hofmann",
    "Van den Berg", "Dubois", "Lefèvre", "Rossi", "Bianchi", "Novak", "Kowalski", "Hansen", "Jensen", "Petrov",
    "Nordlicht", "Alpenblick", "Rheintal", "Hansa", "Elbe", "Bergmann", "Lindner", "Gruber", "Huber", "Bauer",
]
TRADES = [
    "Maschinenbau", "Logistik", "Elektro", "Bau", "Handel", "Software", "Consulting", "Metallbau", "Druck",
    "Feinmechanik", "Transporte", "Medizintechnik", "Gastronomie", "Immobilien", "Textil", "Holzbau",
]
FORMS = ["GmbH", "GmbH & Co. KG", "AG", "KG", "e.K.", "OHG", "UG (haftungsbeschränkt)", "SARL", "B.V.", "S.p.A.",
         "Sp. z o.o.", "ApS", "Ltd"]
COUNTRIES = [("DE", 18), ("DE", 18), ("DE", 18), ("AT", 16), ("NL", 14), ("FR", 23), ("IT", 23), ("BE", 12)]


def iban(rng):
    country, length = rng.choice(COUNTRIES)
    bban = "".join(str(rng.randrange(10)) for _ in range(length))
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cents(minor):
    return f"{minor // 100}.{minor % 100:02d}"


def amounts(seed, n):
    rng = random.Random(seed)
    for _ in range(n):
        # Mostly invoice-sized payments, a few large ones.
        yield rng.randrange(1_000, 250_000) if rng.random() < 0.95 else rng.randrange(250_000, 5_000_000)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--invoices-prefix", default="INV-")
    args = ap.parse_args()
    n, prefix = args.entries, args.invoices_prefix
    opening = 1_234_567
    closing = opening + sum(amounts(args.seed, n))
    rng = random.Random(args.seed * 7919 + 1)
    day = "2024-03-15"
    with open(args.out, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as f:
        w = f.write
        w('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">\n'
          '  <BkToCstmrStmt>\n'
          '    <GrpHdr>\n'
          f'      <MsgId>BENCH-053-{args.seed}-{n}</MsgId>\n'
          '      <CreDtTm>2024-03-15T22:04:11.0+01:00</CreDtTm>\n'
          '    </GrpHdr>\n'
          '    <Stmt>\n'
          f'      <Id>BENCH-STMT-{args.seed}</Id>\n'
          '      <ElctrncSeqNb>1</ElctrncSeqNb>\n'
          '      <CreDtTm>2024-03-15T22:04:11.0+01:00</CreDtTm>\n'
          '      <Acct>\n'
          '        <Id>\n'
          '          <IBAN>DE89370400440532013000</IBAN>\n'
          '        </Id>\n'
          '        <Ccy>EUR</Ccy>\n'
          '      </Acct>\n')
        for code, minor in (("OPBD", opening), ("CLBD", closing)):
            w('      <Bal>\n'
              f'        <Tp>\n          <CdOrPrtry>\n            <Cd>{code}</Cd>\n          </CdOrPrtry>\n        </Tp>\n'
              f'        <Amt Ccy="EUR">{cents(minor)}</Amt>\n'
              '        <CdtDbtInd>CRDT</CdtDbtInd>\n'
              f'        <Dt>\n          <Dt>{day}</Dt>\n        </Dt>\n'
              '      </Bal>\n')
        for i, minor in enumerate(amounts(args.seed, n), 1):
            name = f"{rng.choice(COMPANIES)} {rng.choice(TRADES)} {rng.choice(FORMS)}"
            inv = rng.randrange(1, 9_999_999)
            e2e = "NOTPROVIDED" if rng.random() < 0.2 else f"E2E-{args.seed}-{i:09d}"
            amount = cents(minor)
            w('      <Ntry>\n'
              f'        <Amt Ccy="EUR">{amount}</Amt>\n'
              '        <CdtDbtInd>CRDT</CdtDbtInd>\n'
              '        <Sts>\n          <Cd>BOOK</Cd>\n        </Sts>\n'
              f'        <BookgDt>\n          <Dt>{day}</Dt>\n        </BookgDt>\n'
              f'        <ValDt>\n          <Dt>{day}</Dt>\n        </ValDt>\n'
              f'        <AcctSvcrRef>2024031500{i:010d}</AcctSvcrRef>\n'
              '        <BkTxCd>\n          <Domn>\n            <Cd>PMNT</Cd>\n            <Fmly>\n'
              '              <Cd>RCDT</Cd>\n              <SubFmlyCd>ESCT</SubFmlyCd>\n            </Fmly>\n'
              '          </Domn>\n        </BkTxCd>\n'
              '        <NtryDtls>\n          <TxDtls>\n            <Refs>\n'
              f'              <EndToEndId>{e2e}</EndToEndId>\n'
              '            </Refs>\n'
              f'            <Amt Ccy="EUR">{amount}</Amt>\n'
              '            <CdtDbtInd>CRDT</CdtDbtInd>\n'
              '            <RltdPties>\n'
              f'              <Dbtr>\n                <Pty>\n                  <Nm>{esc(name)}</Nm>\n'
              '                </Pty>\n              </Dbtr>\n'
              f'              <DbtrAcct>\n                <Id>\n                  <IBAN>{iban(rng)}</IBAN>\n'
              '                </Id>\n              </DbtrAcct>\n'
              '            </RltdPties>\n'
              '            <RmtInf>\n')
            kind = rng.random()
            if kind < 0.15:
                w('              <Strd>\n                <RfrdDocInf>\n'
                  '                  <Tp>\n                    <CdOrPrtry>\n                      <Cd>CINV</Cd>\n'
                  '                    </CdOrPrtry>\n                  </Tp>\n'
                  f'                  <Nb>{prefix}{inv:07d}</Nb>\n'
                  '                </RfrdDocInf>\n'
                  f'                <RfrdDocAmt>\n                  <RmtdAmt Ccy="EUR">{amount}</RmtdAmt>\n'
                  '                </RfrdDocAmt>\n              </Strd>\n')
            elif kind < 0.45:
                other = inv + rng.randrange(1, 40)
                w(f'              <Ustrd>Invoice {prefix}{inv:07d} and {prefix}{other:07d}</Ustrd>\n')
            else:
                w(f'              <Ustrd>Invoice {prefix}{inv:07d}</Ustrd>\n')
            w('            </RmtInf>\n          </TxDtls>\n        </NtryDtls>\n      </Ntry>\n')
        w('    </Stmt>\n  </BkToCstmrStmt>\n</Document>\n')
    print(f"{args.out}: {n} entries, opening {cents(opening)}, closing {cents(closing)} EUR", file=sys.stderr)


if __name__ == "__main__":
    main()
