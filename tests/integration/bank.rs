//! Bank statement files end to end: `arx ingest` of camt.053/054, BAI2 and MT940 files (and zips
//! of them) into payments and remittance lines; the six real files in ../shared/data/real/bank
//! (read from there: `test-camt053` is AGPL and must not be copied in), every fixture under
//! fixtures/bank/, idempotence and overlapping statements, broken files (exit 3, nothing
//! written), `--profile` / `--kind` / `--dry-run`, and `arx apply` straight from a bank file of
//! each format. The readers' own unit tests are in src/bank/*_tests.rs; these run the binary.

use crate::common::{assert_contains, csv_maps, fixture, stderr, stdout, Ws};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

type Row = BTreeMap<String, String>;

fn real_bank_file(name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/real/bank").join(name);
    assert!(path.is_file(), "the real bank file is expected at {} (../shared beside the checkout)", path.display());
    path
}

/// Copies a real bank file into the test folder under its own name (so messages show that name).
fn copy_real(ws: &Ws, name: &str) {
    let bytes = std::fs::read(real_bank_file(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"));
    ws.write(name, bytes);
}

/// An exported amount (`1234.50`, `-0.08`, `980000`, `1233.125`) in thousandths, exactly.
fn milli(s: &str) -> i128 {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !int.is_empty() && frac.len() <= 3 && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit());
    assert!(plain, "not a plain decimal amount: {s:?}");
    let v = int.parse::<i128>().unwrap() * 1000 + format!("{frac:0<3}").parse::<i128>().unwrap();
    if negative {
        -v
    } else {
        v
    }
}

/// Number of payments and their total, per currency.
fn per_currency(rows: &[Row]) -> BTreeMap<String, (usize, i128)> {
    let mut out: BTreeMap<String, (usize, i128)> = BTreeMap::new();
    for r in rows {
        let t = out.entry(r["currency"].clone()).or_default();
        t.0 += 1;
        t.1 += milli(&r["amount"]);
    }
    out
}

fn totals(expected: &[(&str, usize, &str)]) -> BTreeMap<String, (usize, i128)> {
    expected.iter().map(|(c, n, total)| (c.to_string(), (*n, milli(total)))).collect()
}

/// `arx ingest ARGS... --format csv`, asserting success: the report rows and standard error.
#[track_caller]
fn ingest(ws: &Ws, args: &[&str]) -> (Vec<Row>, String) {
    let mut full = vec!["ingest"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--format", "csv"]);
    let a = ws.arx(&full).success();
    (csv_maps(&stdout(&a)), stderr(&a))
}

/// The report row of `kind` (`payments`, `remittances`) for the file whose path ends in `name`.
#[track_caller]
fn report<'a>(rows: &'a [Row], name: &str, kind: &str) -> Option<&'a Row> {
    let mut hits = rows.iter().filter(|r| r["kind"] == kind && r["file"].ends_with(name));
    let hit = hits.next();
    assert!(hits.next().is_none(), "two {kind} rows for {name}: {rows:?}");
    hit
}

/// `(added, unchanged)` of a report row.
fn added_unchanged(row: &Row) -> (u64, u64) {
    (row["added"].parse().unwrap(), row["unchanged"].parse().unwrap())
}

fn log_json(ws: &Ws) -> Vec<Value> {
    let a = ws.arx(&["log", "--format", "json"]).success();
    match serde_json::from_str(&stdout(&a)) {
        Ok(Value::Array(rows)) => rows,
        other => panic!("log --format json printed no JSON array: {other:?}\n{}", stdout(&a)),
    }
}

/// The `file: warning: ...` lines of an ingest's standard error.
fn warnings(err: &str) -> Vec<&str> {
    err.lines().filter(|l| l.contains(": warning: ")).collect()
}

fn segments(snapshot: &[(String, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    snapshot.iter().filter(|(p, _)| p != "manifest").cloned().collect()
}

// ---------------------------------------------------------------------------------------------
// 1. The six real files
// ---------------------------------------------------------------------------------------------

/// One payment a real file must give.
struct Pay {
    id: &'static str,
    amount: &'static str,
    payer: Option<&'static str>,
    /// Strings from the file that must be in the payment's `reference`.
    refs: &'static [&'static str],
}

/// What a real file must give. The figures were worked out by hand from the files (and
/// SOURCE.md), not from arx: which entries are credits / returned credits / debits by the
/// format's own marks (camt `CdtDbtInd` + `RvslInd`, MT940 `C`/`D`/`RC`/`RD` and the German
/// GVC 159 / Dutch "Terugboeking" return texts, BAI2 type codes 100–399 credit, 400–699 debit,
/// and the BAI return codes 255/257/261/266 (credits reversing our own debits: not ingested) and
/// 555/557 (returned credits: negative payments)), summed with a calculator.
///
/// Payment ids are pinned too, including the `ACCOUNT/YYYYMMDD-HASH` ones of entries without a
/// bank reference: they must never change between arx versions, or re-ingesting an old statement
/// would add its payments a second time.
struct Real {
    name: &'static str,
    payments: &'static [Pay],
    /// `(currency, number of payments, net total)`.
    totals: &'static [(&'static str, usize, &'static str)],
    /// Pieces of the stderr summary (credits received, returned, debits not ingested).
    summary: &'static [&'static str],
    /// Texts only debits (or credits reversing our debits) carry: in no payment.
    not_payments: &'static [&'static str],
    /// Pairs of strings that must both be in one warning line (statements that don't tie).
    untied: &'static [(&'static str, &'static str)],
    /// Statements that tie: named in no warning.
    tied: &'static [&'static str],
}

fn check_real(r: &Real) {
    let ws = Ws::new();
    copy_real(&ws, r.name);
    let (rep, err) = ingest(&ws, &[r.name]);
    let row = report(&rep, r.name, "payments").unwrap_or_else(|| panic!("no payments row: {rep:?}"));
    assert_eq!(added_unchanged(row), (r.payments.len() as u64, 0), "{rep:?}");
    assert!(report(&rep, r.name, "remittances").is_none(), "no structured remittance in {}: {rep:?}", r.name);
    let summary = err.lines().find(|l| l.starts_with(&format!("{}: ", r.name)) && l.contains(" received "));
    let summary = summary.unwrap_or_else(|| panic!("no summary line for {}:\n{err}", r.name));
    assert_contains(summary, r.summary);

    let rows = csv_maps(&ws.export("payments"));
    let ids: BTreeSet<&str> = rows.iter().map(|p| p["payment_id"].as_str()).collect();
    let want: BTreeSet<&str> = r.payments.iter().map(|p| p.id).collect();
    assert_eq!(ids, want, "payment ids of {}", r.name);
    assert_eq!(per_currency(&rows), totals(r.totals), "payments per currency of {}", r.name);
    for p in r.payments {
        let row = rows.iter().find(|x| x["payment_id"] == p.id).unwrap();
        assert_eq!(row["amount"], p.amount, "{}", p.id);
        if let Some(payer) = p.payer {
            assert_eq!(row["payer_name"], payer, "{}", p.id);
        }
        assert_contains(&row["reference"], p.refs);
    }
    for text in r.not_payments {
        for p in &rows {
            assert!(!p["reference"].contains(text) && !p["payer_name"].contains(text), "{text:?} is in {p:?}");
        }
    }

    let warns = warnings(&err);
    for w in &warns {
        assert!(w.starts_with(&format!("{}: warning: ", r.name)), "a warning not naming the file: {w}");
    }
    for (a, b) in r.untied {
        assert!(warns.iter().any(|w| w.contains(a) && w.contains(b)), "no warning naming {a:?} and {b:?}:\n{err}");
    }
    for t in r.tied {
        assert!(!warns.iter().any(|w| w.contains(t)), "{t} ties but is warned about:\n{err}");
    }
    if r.untied.is_empty() {
        assert!(warns.is_empty(), "{} ties, yet:\n{err}", r.name);
    }
}

/// ABN AMRO style camt.053.001.02: a SEPA direct debit we paid (DBIT, not ingested), a reversed
/// batch of two collections (DBIT + RvslInd: -564.05 and -100.00, no AcctSvcrRef so hash ids
/// with `/1`, `/2`) and a credit of 1405.31 with the customer number only in AddtlTxInf.
/// Balances: 15568.27 + 1405.31 − 754.25 − 664.05 = 15555.28 ≠ 15121.12 (difference 434.16).
#[test]
fn real_abn_amro_camt053_gives_the_credit_and_the_returned_batch_as_negative_payments() {
    if crate::common::shared_real("bank/citi_example.bai2").is_none() {
        return;
    }
    check_real(&Real {
        name: "test-camt053",
        payments: &[
            Pay {
                id: "NL77ABNA0574908765/20140105-3309f2181fde",
                amount: "1405.31",
                payer: Some("3rd party Media"),
                refs: &["CUSNO 90782", "EREF 115"],
            },
            Pay {
                id: "NL77ABNA0574908765/20140105-c152dfc3e9b5/1",
                amount: "-564.05",
                payer: None,
                refs: &["TESTBANK/NL/20141229/01206408", "AC06"],
            },
            Pay {
                id: "NL77ABNA0574908765/20140105-0aeb6f55e002/2",
                amount: "-100.00",
                payer: None,
                refs: &["TESTBANK/NL/20141229/01206407", "AC06"],
            },
        ],
        // 1405.31 − 564.05 − 100.00
        totals: &[("EUR", 3, "741.26")],
        summary: &["1 credit received (1,405.31 EUR)", "2 credits returned (664.05 EUR)", "1 debit not ingested"],
        not_payments: &["Insurance policy 857239", "435005714488-ABNO33052620", "INSURANCE COMPANY TESTX"],
        untied: &[("1234Test/1", "difference 434.16")],
        tied: &[],
    });
}

/// The ISO "AAAA Banken / Finpetrol" camt.053.001.04 example: credits 105678.50 (EndToEndId only)
/// and 30000 SEK (FX, the TxDtls amount is EUR 3255: the entry's SEK amount counts), a batch
/// debit of 200000. 500000 + 135678.50 − 200000 = 435678.50: ties.
#[test]
fn real_iso_business_sample_camt053_gives_both_credits_and_ties() {
    if crate::common::shared_real("bank/citi_example.bai2").is_none() {
        return;
    }
    check_real(&Real {
        name: "business_sample_camt.053.001.04.xml",
        payments: &[
            Pay {
                id: "50000000054910000003/AAAASESS-FP-CN_98765/01",
                amount: "105678.50",
                payer: Some("MUELLER"),
                refs: &["MUELL/FINP/RA12345"],
            },
            Pay {
                id: "50000000054910000003/AAAASESS-FP-CONF-FX",
                amount: "30000.00",
                payer: None,
                refs: &["AAAASS1085FINPSS", "FP-004567-FX"],
            },
        ],
        totals: &[("SEK", 2, "135678.50")],
        summary: &[
            "2 credits received (135,678.50 SEK)",
            "1 debit not ingested (not receivables cash: 200,000.00 SEK)",
        ],
        not_payments: &["AAAASESS-FP-ACCR-01", "FINP-0055"],
        untied: &[],
        tied: &["AAAASESS-FP-STAT001"],
    });
}

/// Citi UK BAI2: one Faster Payment, type 191, amount `001` = 0.01 GBP, bank ref 1234567890
/// (after funds type V and its value date/time). The 03 record gives opening ledger (010) and
/// closing ledger (015) both 100.00, so 100.00 + 0.01 ≠ 100.00: off by 0.01.
#[test]
fn real_citi_bai2_gives_the_faster_payment() {
    if crate::common::shared_real("bank/citi_example.bai2").is_none() {
        return;
    }
    check_real(&Real {
        name: "citi_example.bai2",
        payments: &[Pay {
            id: "77777777/1234567890",
            amount: "0.01",
            payer: Some("DOE JO"),
            refs: &["RP12312312312312", "BUCKINGHAM PALACE", "FP SIP INCOMING"],
        }],
        totals: &[("GBP", 1, "0.01")],
        summary: &["1 credit received (0.01 GBP)"],
        not_payments: &[],
        untied: &[("77777777", "difference 0.01")],
        tied: &[],
    });
}

/// Goldman Sachs BAI2 (17 details over 5 USD accounts, all on 104108339 and 107049932).
/// Credits: 195 11.25 wire, 195 500.50 RTP, 175 5.27 check deposit, 275 3376.86 concentration,
/// 165 50.00 ACH collection = 3943.88. Returned credit: 557 2000.00 (ACH credit receipt return,
/// R02) → -2000.00. Credits reversing our debits (not ingested): 261 1435.00, 266 19.12,
/// 257 600.00, 255 9.31. Debits: 447 600.00 + 9286.50, 451 555.55, 495 505.00 + 300000.00,
/// 475 101.00 + 442.50 = 311490.55 (7). The 49/98/99 control totals and counts are wrong, and
/// 104108339's ledger balances (010 1595811.94, 015 1593811.94) don't tie with its entries.
/// The three accounts without details (107049924, 260000033037, 280000010657) draw no warning.
#[test]
fn real_goldman_bai2_gives_the_credits_and_the_ach_return_but_no_debits() {
    if crate::common::shared_real("bank/citi_example.bai2").is_none() {
        return;
    }
    check_real(&Real {
        name: "sample4-continuations-newline-delimited.txt",
        payments: &[
            Pay {
                id: "104108339/GI2228400005800",
                amount: "500.50",
                payer: Some("SAMPLE INC"),
                refs: &["Test Remittance", "RTR60880840833"],
            },
            Pay { id: "104108339/GI2229300000187", amount: "11.25", payer: None, refs: &["GS0D9VGMP1IWPLW"] },
            Pay {
                id: "104108339/GI2318000014342",
                amount: "3376.86",
                payer: Some("SAMPLE INC"),
                refs: &["Structure ID: CC0000082"],
            },
            Pay { id: "104108339/SB2322600000214", amount: "-2000.00", payer: None, refs: &["SB2322300000052", "R02"] },
            Pay {
                id: "104108339/SPB2321284264201",
                amount: "50.00",
                payer: None,
                refs: &["AB-GS-DDFILEAB0001-DDBAB0001"],
            },
            Pay { id: "104108339/SX22293073766088", amount: "5.27", payer: None, refs: &["GS4N04L1COP45VY"] },
        ],
        // 3943.88 − 2000.00
        totals: &[("USD", 6, "1943.88")],
        summary: &[
            "5 credits received (3,943.88 USD)",
            "1 credit returned (2,000.00 USD)",
            "7 debits not ingested (not receivables cash: 311,490.55 USD)",
            "4 credits reversing our own debits (2,063.43 USD)",
        ],
        not_payments: &[
            "081823 Invoice - Sample",
            "QWERTIOP",
            "UAT testing for Checks",
            "ACH- Test - Addenda Record",
            "SPB2322984714570",
            "Payee does not exist",
        ],
        untied: &[
            ("107049932", "control total"),
            ("104108339", "difference -297031.74"),
            ("trailer 98", "counts 4 accounts, but there are 5"),
            ("trailer 99", "counts 18 records"),
        ],
        tied: &["107049924", "260000033037", "280000010657"],
    });
}

/// German SEPA MT940, two statements. Statement 1 (T089414086000001): credits 50990.05 +
/// 154551.93 + 154551.93, a KREF debit of 1500.00: 766656.49 + 360093.91 − 1500.00 = 1125250.40,
/// ties. Statement 2 (T089414096000001): credits 15000.05 and 125004.88; GVC 159 RETOURE returns:
/// DR 0.08 (a returned credit: -0.08) and CR 335.33 + 15000.00 + 915311.55 (credits reversing our
/// transfers: not ingested); a DR 3572569.03 collective debit. −1970431.87 + 1070651.81 −
/// 3572569.11 = −4472349.17 against −4472049.09: off by 300.08.
#[test]
fn real_sepa_mt940_gives_the_credits_and_flags_only_statement_2() {
    if crate::common::shared_real("bank/citi_example.bai2").is_none() {
        return;
    }
    check_real(&Real {
        name: "sepa_snippet.sta",
        payments: &[
            Pay {
                id: "50880050/0194787400888/0724710333343453",
                amount: "50990.05",
                payer: Some("KARL KAUFMANN"),
                refs: &["TFNR 22 004", "Verw CTSc-01 BC-PPP TFNr 22 004"],
            },
            Pay {
                id: "50880050/0194787400888/0724710324647450",
                amount: "154551.93",
                payer: Some("Quentin Quast"),
                refs: &["TFNR 0300300004", "Strukturierter Verwendungszweck 30030004"],
            },
            Pay {
                id: "50880050/0194787400888/0724710324661090",
                amount: "154551.93",
                payer: Some("Karl Kaufmann"),
                refs: &["TFNR 0500500004"],
            },
            Pay {
                id: "50880050/0194791600888/0724710290659857",
                amount: "15000.05",
                payer: None,
                refs: &["EndToEndIdTFNR2000100001", "TO 13 TFNr 20001"],
            },
            Pay {
                id: "50880050/0194791600888/0724710290624796",
                amount: "125004.88",
                payer: None,
                refs: &["TO13 TF20005 MINT"],
            },
            Pay {
                id: "50880050/0194791600888/0724710345316116",
                amount: "-0.08",
                payer: None,
                refs: &["TFNR 40001 00005"],
            },
        ],
        // 50990.05 + 2 × 154551.93 + 15000.05 + 125004.88 − 0.08
        totals: &[("EUR", 6, "500098.76")],
        summary: &[
            "5 credits received (500,098.84 EUR)",
            "1 credit returned (0.08 EUR)",
            "2 debits not ingested (not receivables cash: 3,574,069.03 EUR)",
            "3 credits reversing our own debits (930,646.88 EUR)",
        ],
        not_payments: &["TFNr 01022", "SAMMLER", "TFNR 44001", "TFNR 40001 00002"],
        untied: &[("T089414096000001", "difference 300.08")],
        tied: &["T089414086000001"],
    });
}

/// Old Rabobank MT940, four statements, no credits: a D 1213.28 "Terugboeking NIET AKKOORD MET
/// AFSCHRIJVING" (a direct debit we collected, reversed by the payer: -1213.28, no bank ref so a
/// hash id) and debits 44.95, 236.56, 88.10, 6.20 (375.81). 473.17 − 1213.28 ≠ 395.82 (1135.93),
/// 1000.89 = 1000.89, 1295.82 − 281.51 ≠ 1250.87 (236.56), 4196.12 − 94.30 = 4101.82.
#[test]
fn real_rabobank_mt940_gives_the_reversal_and_flags_statements_1_and_3() {
    if crate::common::shared_real("bank/citi_example.bai2").is_none() {
        return;
    }
    check_real(&Real {
        name: "rabobank.sta",
        payments: &[Pay {
            id: "1291.99.348/20110527-52821ac4df29",
            amount: "-1213.28",
            payer: Some("W.P. Jansen"),
            refs: &["NIET AKKOORD MET AFSCHRIJVING", "KINDEROPVANG", "20095731"],
        }],
        totals: &[("EUR", 1, "-1213.28")],
        summary: &[
            "0 credits received (nothing)",
            "1 credit returned (1,213.28 EUR)",
            "4 debits not ingested (not receivables cash: 375.81 EUR)",
        ],
        not_payments: &["987654321", "KPN", "Betaalautomaat", "T-MOBILE"],
        untied: &[("940A110615", "difference 1135.93"), ("940A110617", "difference 236.56")],
        tied: &["940A110616", "940A120829"],
    });
}

// ---------------------------------------------------------------------------------------------
// 2. The fixtures
// ---------------------------------------------------------------------------------------------

/// A good fixture file: payments per currency (count, net total) and remittance lines.
struct Fixture {
    file: &'static str,
    totals: &'static [(&'static str, usize, &'static str)],
    remittances: usize,
}

/// Ingests every good file of `fixtures/bank/<dir>/` in a fresh workspace each and checks its
/// figures; the table must list every file there (so a new fixture gets its figures here too).
fn check_fixture_dir(dir: &str, table: &[Fixture]) {
    let on_disk: BTreeSet<String> = std::fs::read_dir(fixture(format!("bank/{dir}")))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    let listed: BTreeSet<String> = table.iter().map(|f| f.file.to_string()).collect();
    assert_eq!(on_disk, listed, "fixtures/bank/{dir}/ and this test's table differ");

    for fx in table {
        let ws = Ws::new();
        ws.copy_fixture(&format!("bank/{dir}/{}", fx.file), fx.file);
        let (rep, err) = ingest(&ws, &[fx.file]);
        let count: usize = fx.totals.iter().map(|t| t.1).sum();
        let row = report(&rep, fx.file, "payments").unwrap_or_else(|| panic!("{}: {rep:?}\n{err}", fx.file));
        assert_eq!(added_unchanged(row), (count as u64, 0), "{}: {rep:?}", fx.file);
        match report(&rep, fx.file, "remittances") {
            Some(row) => assert_eq!(added_unchanged(row), (fx.remittances as u64, 0), "{}", fx.file),
            None => assert_eq!(fx.remittances, 0, "{}: no remittances row in {rep:?}", fx.file),
        }
        let payments = csv_maps(&ws.export("payments"));
        assert_eq!(per_currency(&payments), totals(fx.totals), "{}", fx.file);
        assert_eq!(csv_maps(&ws.export("remittances")).len(), fx.remittances, "{}", fx.file);
    }
}

/// Figures from fixtures/bank/camt/README.md and the files: v08 EUR credits 1190.00 + batch
/// 1500.00 + 1234.56 + 722.22, returned credit −500.00 (the PDNG entry is skipped), USD 2000.00;
/// camt054_v02 840.00 + 1000.00 (the DBIT 99.90 isn't); camt054_v08 1530.00 (kept whole) + 250.00.
#[test]
fn camt_fixtures_ingest_with_their_counts() {
    check_fixture_dir(
        "camt",
        &[
            Fixture { file: "business_sample_camt.053.001.04.xml", totals: &[("SEK", 2, "135678.50")], remittances: 0 },
            Fixture { file: "camt053_bg_utf8.xml", totals: &[("BGN", 2, "3480.20")], remittances: 0 },
            Fixture { file: "camt053_empty.xml", totals: &[], remittances: 0 },
            Fixture { file: "camt053_latin1.xml", totals: &[("EUR", 3, "6077.40")], remittances: 0 },
            Fixture {
                file: "camt053_v08_two_statements.xml",
                totals: &[("EUR", 5, "4146.78"), ("USD", 1, "2000.00")],
                remittances: 1,
            },
            Fixture { file: "camt054_v02.xml", totals: &[("EUR", 2, "1840.00")], remittances: 1 },
            Fixture { file: "camt054_v08.xml", totals: &[("CHF", 2, "1780.00")], remittances: 0 },
        ],
    );
}

/// Figures from fixtures/bank/bai2/README.md and the files. lockbox_us: credits 11847.00 +
/// 15000.00 + 2980.00 + 6500.00 + 2300.00, returned 555 1560.00 and 557 3140.00 (negative), the
/// 257 R03 return of our own debit not ingested; jpy_kwd: ¥980,000 + ¥250,000 and KWD 1,233.125;
/// one_line: 1200.00 + 1115.50; totals_off: 2500.00 + 1000.00 (890, 721 and the amountless 169
/// skipped).
#[test]
fn bai2_fixtures_ingest_with_their_counts() {
    check_fixture_dir(
        "bai2",
        &[
            Fixture { file: "citi_example.bai2", totals: &[("GBP", 1, "0.01")], remittances: 0 },
            Fixture { file: "jpy_kwd.bai2", totals: &[("JPY", 2, "1230000"), ("KWD", 1, "1233.125")], remittances: 0 },
            Fixture { file: "lockbox_us.bai2", totals: &[("USD", 7, "33927.00")], remittances: 2 },
            Fixture { file: "one_line.bai2", totals: &[("USD", 2, "2315.50")], remittances: 0 },
            Fixture {
                file: "sample4-continuations-newline-delimited.txt",
                totals: &[("USD", 6, "1943.88")],
                remittances: 0,
            },
            Fixture { file: "totals_off.bai2", totals: &[("USD", 2, "3500.00")], remittances: 0 },
        ],
    );
}

/// Figures from fixtures/bank/mt940/README.md and the files. ing_structured: 1250.00 + 487.35 +
/// 2210.40, the `/RTRN/` direct debit −99.95; reversals: EC 410.00, RC −250.00 (RD 39.90 and the
/// GVC 159 CR 120.00 reverse our debits); swift_blocks: 2380.00 + 1500.50 + 845.20; umlauts: 1234.56
/// + 99.00; year_end: 500.00 + 20.00.
#[test]
fn mt940_fixtures_ingest_with_their_counts() {
    check_fixture_dir(
        "mt940",
        &[
            Fixture { file: "ing_structured.sta", totals: &[("EUR", 4, "3847.80")], remittances: 0 },
            Fixture { file: "rabobank.sta", totals: &[("EUR", 1, "-1213.28")], remittances: 0 },
            Fixture { file: "reversals.sta", totals: &[("EUR", 2, "160.00")], remittances: 0 },
            Fixture { file: "sepa_snippet.sta", totals: &[("EUR", 6, "500098.76")], remittances: 0 },
            Fixture { file: "swift_blocks.sta", totals: &[("EUR", 3, "4725.70")], remittances: 0 },
            Fixture { file: "umlauts_cp1252.sta", totals: &[("EUR", 2, "1333.56")], remittances: 0 },
            Fixture { file: "umlauts_utf8.sta", totals: &[("EUR", 2, "1333.56")], remittances: 0 },
            Fixture { file: "year_end.sta", totals: &[("EUR", 2, "520.00")], remittances: 0 },
        ],
    );
}

/// camt `Strd/RfrdDocInf` + `RfrdDocAmt` become remittance lines: v08 INV-2024-0042 due 1250.00,
/// 25.00 discount (`DscntApldAmt/Amt`), 35.00 deduction (`AdjstmntAmtAndRsn`, reason DMGD + its
/// `AddtlInf`), 1190.00 remitted; v02 RE-24-1107 due 860.00, 20.00 discount as a plain v02
/// amount, 840.00 remitted. Documents named only in `Ustrd` stay in the payment's reference.
#[test]
fn camt_structured_remittance_becomes_remittance_lines() {
    let ws = Ws::new();
    ws.copy_fixture("bank/camt/camt053_v08_two_statements.xml", "v08.xml");
    ws.copy_fixture("bank/camt/camt054_v02.xml", "v02.xml");
    let (rep, _) = ingest(&ws, &["v08.xml", "v02.xml"]);
    assert_eq!(added_unchanged(report(&rep, "v08.xml", "remittances").unwrap()), (1, 0));
    assert_eq!(added_unchanged(report(&rep, "v02.xml", "remittances").unwrap()), (1, 0));

    let lines: Vec<Vec<String>> = csv_maps(&ws.export("remittances"))
        .into_iter()
        .map(|r| {
            ["payment_id", "document_no", "amount", "discount", "deduction", "reason"].map(|c| r[c].clone()).into()
        })
        .collect();
    let want: Vec<Vec<String>> = [
        ["AT611904300234573201/000311240408A0001", "RE-24-1107", "840.00", "20.00", "", ""],
        [
            "DE89370400440532013000/2024031500117734-0001",
            "INV-2024-0042",
            "1190.00",
            "25.00",
            "35.00",
            "DMGD 2 cartons damaged in transit",
        ],
    ]
    .iter()
    .map(|r| r.iter().map(|s| s.to_string()).collect())
    .collect();
    assert_eq!(lines, want);

    // Each line's payment exists, and the unstructured document numbers are in the references.
    let payments = csv_maps(&ws.export("payments"));
    for l in &lines {
        assert!(payments.iter().any(|p| p["payment_id"] == l[0]), "no payment {}", l[0]);
    }
    let reference = |id: &str| payments.iter().find(|p| p["payment_id"] == id).unwrap()["reference"].clone();
    assert_contains(&reference("DE89370400440532013000/2024031500117734-0001"), &["RF18539007547034"]);
    assert_contains(
        &reference("DE89370400440532013000/2024031500117801-0002/2"),
        &["INV-2024-0044 INV-2024-0047", "Kundennr 40017"],
    );
}

/// X12 820 remittance in BAI2 CTX addenda (`RMR*IV*…`, `ADX*`), wrapped across `88` records,
/// becomes remittance lines too: 10060 paid 9800.00 of 10000.00 (200.00 discount) and 10061/A
/// paid 5200.00 of 5350.00 (ADX −150.00, reason 05).
#[test]
fn bai2_ctx_addenda_become_remittance_lines() {
    let ws = Ws::new();
    ws.copy_fixture("bank/bai2/lockbox_us.bai2", "lockbox_us.bai2");
    ingest(&ws, &["lockbox_us.bai2"]);
    let lines: Vec<[String; 6]> = csv_maps(&ws.export("remittances"))
        .into_iter()
        .map(|r| ["payment_id", "document_no", "amount", "discount", "deduction", "reason"].map(|c| r[c].clone()))
        .collect();
    let want = [
        ["4121987654/0314ACH000117", "10060", "9800.00", "200.00", "", ""],
        ["4121987654/0314ACH000117", "10061/A", "5200.00", "", "150.00", "05"],
    ]
    .map(|r| r.map(str::to_string));
    assert_eq!(lines, want);
}

/// The same MT940 statement in Windows-1252 and UTF-8 is the same payments: the second adds nothing.
#[test]
fn mt940_in_cp1252_and_utf8_are_the_same_payments() {
    let ws = Ws::new();
    ws.copy_fixture("bank/mt940/umlauts_cp1252.sta", "cp1252.sta");
    ws.copy_fixture("bank/mt940/umlauts_utf8.sta", "utf8.sta");
    let (rep, _) = ingest(&ws, &["cp1252.sta"]);
    assert_eq!(added_unchanged(report(&rep, "cp1252.sta", "payments").unwrap()), (2, 0));
    let (rep, err) = ingest(&ws, &["utf8.sta"]);
    assert_eq!(added_unchanged(report(&rep, "utf8.sta", "payments").unwrap()), (0, 2), "{err}");
    let payers: BTreeSet<String> =
        csv_maps(&ws.export("payments")).into_iter().map(|p| p["payer_name"].clone()).collect();
    assert_eq!(payers, ["Jürgen Weiß", "Müller GmbH & Co. KG"].map(str::to_string).into());
}

// ---------------------------------------------------------------------------------------------
// 3. Idempotence and overlapping statements
// ---------------------------------------------------------------------------------------------

#[test]
fn ingesting_the_same_bank_files_twice_adds_nothing_the_second_time() {
    if crate::common::shared_real("bank/citi_example.bai2").is_none() {
        return;
    }
    let files = [
        ("test-camt053", 3),
        ("business_sample_camt.053.001.04.xml", 2),
        ("citi_example.bai2", 1),
        ("sample4-continuations-newline-delimited.txt", 6),
        ("sepa_snippet.sta", 6),
        ("rabobank.sta", 1),
    ];
    let ws = Ws::new();
    for (name, n) in files {
        copy_real(&ws, name);
        let (rep, _) = ingest(&ws, &[name]);
        assert_eq!(added_unchanged(report(&rep, name, "payments").unwrap()), (n, 0), "{name}");
    }
    let before = ws.store_snapshot();
    for (name, n) in files {
        let (rep, err) = ingest(&ws, &[name]);
        assert_eq!(added_unchanged(report(&rep, name, "payments").unwrap()), (0, n), "{name}: {rep:?}");
        assert_eq!(report(&rep, name, "payments").unwrap()["replaced"], "0");
        assert_contains(&err, &["nothing new"]);
    }
    assert!(segments(&before) == segments(&ws.store_snapshot()), "a repeated bank file wrote segments");
    assert_eq!(csv_maps(&ws.export("payments")).len(), 19);
}

/// Re-ingesting a bank file with structured remittance must not add its remittance lines again
/// (nor make a commit of them): the lines are the same records as the first time.
#[test]
fn reingesting_structured_remittance_adds_no_remittance_line_twice() {
    let ws = Ws::new();
    ws.copy_fixture("bank/camt/camt053_v08_two_statements.xml", "v08.xml");
    ws.copy_fixture("bank/bai2/lockbox_us.bai2", "lockbox.bai2");
    let (rep, _) = ingest(&ws, &["v08.xml", "lockbox.bai2"]);
    assert_eq!(added_unchanged(report(&rep, "v08.xml", "remittances").unwrap()), (1, 0));
    assert_eq!(added_unchanged(report(&rep, "lockbox.bai2", "remittances").unwrap()), (2, 0));
    let before = ws.store_snapshot();

    let (rep, err) = ingest(&ws, &["v08.xml", "lockbox.bai2"]);
    assert_eq!(added_unchanged(report(&rep, "v08.xml", "payments").unwrap()), (0, 6));
    assert_eq!(added_unchanged(report(&rep, "lockbox.bai2", "payments").unwrap()), (0, 7));
    assert_eq!(added_unchanged(report(&rep, "v08.xml", "remittances").unwrap()), (0, 1), "{rep:?}");
    assert_eq!(added_unchanged(report(&rep, "lockbox.bai2", "remittances").unwrap()), (0, 2), "{rep:?}");
    assert_contains(&err, &["nothing new"]);
    assert!(segments(&before) == segments(&ws.store_snapshot()), "the repeat wrote segments");
    let a = ws.arx(&["export", "remittances", "--all-versions"]).success();
    assert_eq!(csv_maps(&stdout(&a)).len(), 3, "one version per remittance line:\n{}", stdout(&a));
}

/// A remittance line corrected by hand (`--replace`) is not silently reverted by ingesting the
/// bank statement it came from again.
#[test]
fn reingesting_a_bank_file_keeps_a_corrected_remittance_line() {
    let ws = Ws::new();
    ws.copy_fixture("bank/camt/camt054_v02.xml", "v02.xml");
    ingest(&ws, &["v02.xml"]);
    ws.write(
        "fix.csv",
        "payment_id,document_no,amount,discount,currency\n\
AT611904300234573201/000311240408A0001,RE-24-1107,800.00,60.00,EUR\n",
    );
    let (rep, _) = ingest(&ws, &["fix.csv", "--replace"]);
    assert_eq!(rep[0]["replaced"], "1");

    // Whether arx calls this a conflict (exit 3) or sees nothing new, the correction stays.
    ws.arx(&["ingest", "v02.xml"]);
    let lines = csv_maps(&ws.export("remittances"));
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0]["amount"].as_str(), lines[0]["discount"].as_str()), ("800.00", "60.00"), "{lines:?}");
}

/// A bank entry seen again under the same bank reference but with other content (here the payer's
/// name) is a conflict like any record: exit 3 naming file, line (the `Ntry`) and the change, nothing
/// written; `--replace` supersedes it.
#[test]
fn bank_entry_changed_under_the_same_reference_is_a_conflict_unless_replaced() {
    let ws = Ws::new();
    let original = std::fs::read_to_string(fixture("bank/camt/business_sample_camt.053.001.04.xml")).unwrap();
    ws.write("first.xml", &original);
    ingest(&ws, &["first.xml"]);
    let changed = original.replace("<Nm>MUELLER</Nm>", "<Nm>MUELLER AG</Nm>");
    assert_ne!(changed, original);
    ws.write("again.xml", changed);
    let before = ws.store_snapshot();

    let err = stderr(&ws.arx(&["ingest", "again.xml"]).code(3));
    let line = err.lines().find(|l| l.starts_with("again.xml:62:")).unwrap_or_else(|| panic!("{err}"));
    assert_contains(line, &["50000000054910000003/AAAASESS-FP-CN_98765/01", "MUELLER → MUELLER AG", "--replace"]);
    assert!(ws.store_snapshot() == before, "a conflict wrote to the store");

    let (rep, _) = ingest(&ws, &["again.xml", "--replace"]);
    let row = report(&rep, "again.xml", "payments").unwrap();
    assert_eq!((row["added"].as_str(), row["unchanged"].as_str(), row["replaced"].as_str()), ("0", "1", "1"));
    let payments = csv_maps(&ws.export("payments"));
    assert_eq!(payments.len(), 2);
    assert!(payments.iter().any(|p| p["payer_name"] == "MUELLER AG"), "{payments:?}");
}

/// `mt940_day2_overlapping.sta` repeats `mt940_day1.sta`'s statement and adds the next day's:
/// only the next day's two credits are new. Day 1 has two identical NONREF transfers: two
/// payments (`…-HASH` and `…-HASH~2`), found again as the same two on the repeat.
#[test]
fn mt940_file_repeating_yesterdays_statement_adds_only_the_new_entries() {
    let ws = Ws::new();
    ws.copy_fixture("bank/ingest/mt940_day1.sta", "day1.sta");
    ws.copy_fixture("bank/ingest/mt940_day2_overlapping.sta", "day2.sta");
    let (rep, err) = ingest(&ws, &["day1.sta"]);
    assert_eq!(added_unchanged(report(&rep, "day1.sta", "payments").unwrap()), (3, 0));
    assert!(warnings(&err).is_empty(), "day 1 ties:\n{err}");
    let (rep, err) = ingest(&ws, &["day2.sta"]);
    assert_eq!(added_unchanged(report(&rep, "day2.sta", "payments").unwrap()), (2, 3), "{err}");
    assert!(warnings(&err).is_empty(), "both statements tie:\n{err}");
    let (rep, _) = ingest(&ws, &["day2.sta"]);
    assert_eq!(added_unchanged(report(&rep, "day2.sta", "payments").unwrap()), (0, 5));

    let rows = csv_maps(&ws.export("payments"));
    // 250.00 + 2 × 120.50 + 75.25 + 410.00
    assert_eq!(per_currency(&rows), totals(&[("EUR", 5, "976.25")]));
    let ids: BTreeSet<&str> = rows.iter().map(|r| r["payment_id"].as_str()).collect();
    assert!(ids.contains("NL91ABNA0417164300/B0302001") && ids.contains("NL91ABNA0417164300/B0303001"), "{ids:?}");
    let hashed: Vec<&str> = ids.iter().copied().filter(|id| id.starts_with("NL91ABNA0417164300/20260302-")).collect();
    assert_eq!(hashed.len(), 2, "{ids:?}");
    assert_eq!(hashed[1], format!("{}~2", hashed[0]), "two equal transfers on one day: {ids:?}");
    let hex = hashed[0].trim_start_matches("NL91ABNA0417164300/20260302-");
    assert!(hex.len() == 12 && hex.bytes().all(|b| b.is_ascii_hexdigit()), "{hashed:?}");
    assert!(ids.iter().any(|id| id.starts_with("NL91ABNA0417164300/20260303-")), "{ids:?}");
    assert!(!rows.iter().any(|r| r["reference"].contains("Bank charges") || r["reference"].contains("Card fee")));
}

/// The same statement twice inside one file (day 1, then day 1 again and day 2) is counted once.
#[test]
fn overlapping_statements_inside_one_file_are_counted_once() {
    let ws = Ws::new();
    let mut both = std::fs::read(fixture("bank/ingest/mt940_day1.sta")).unwrap();
    both.extend(std::fs::read(fixture("bank/ingest/mt940_day2_overlapping.sta")).unwrap());
    ws.write("both.sta", both);
    let (rep, err) = ingest(&ws, &["both.sta"]);
    assert_eq!(added_unchanged(report(&rep, "both.sta", "payments").unwrap()), (5, 0));
    // Repeated debits are counted once too: 2 debits (30.00 + 15.00), 4 entries repeated (3 credits, 1 debit).
    assert_contains(
        &err,
        &[
            "5 credits received (976.25 EUR)",
            "2 debits not ingested (not receivables cash: 45.00 EUR)",
            "4 entries repeated by overlapping statements",
        ],
    );
    assert_eq!(per_currency(&csv_maps(&ws.export("payments"))), totals(&[("EUR", 5, "976.25")]));
}

// ---------------------------------------------------------------------------------------------
// 4. Zips
// ---------------------------------------------------------------------------------------------

/// `two_camt.zip` holds camt053_latin1.xml (3 credits, 6077.40) and camt054_v02.xml (2 credits,
/// 1840.00, one remittance line): both members are read, with the same payment ids as the plain
/// files.
#[test]
fn zip_of_two_camt_files_ingests_both_members() {
    let ws = Ws::new();
    ws.copy_fixture("bank/ingest/two_camt.zip", "two_camt.zip");
    let (rep, err) = ingest(&ws, &["two_camt.zip"]);
    let row = report(&rep, "two_camt.zip", "payments").unwrap();
    assert_eq!(added_unchanged(row), (5, 0));
    assert!(row["profile"].contains("camt053") && row["profile"].contains("camt054"), "{row:?}");
    assert_eq!(added_unchanged(report(&rep, "two_camt.zip", "remittances").unwrap()), (1, 0));
    assert_contains(&err, &["two_camt.zip: ", "5 credits received (7,917.40 EUR)"]);
    // Member warnings name the member inside the archive.
    assert!(
        warnings(&err).iter().any(|w| w.starts_with("two_camt.zip!2024-04-08/camt054_v02.xml: warning: ")),
        "{err}"
    );
    let zipped = csv_maps(&ws.export("payments"));
    assert_eq!(per_currency(&zipped), totals(&[("EUR", 5, "7917.40")]));
    assert_eq!(csv_maps(&ws.export("remittances")).len(), 1);

    // The plain files are the same payments.
    ws.copy_fixture("bank/camt/camt053_latin1.xml", "latin1.xml");
    ws.copy_fixture("bank/camt/camt054_v02.xml", "v02.xml");
    let (rep, _) = ingest(&ws, &["latin1.xml", "v02.xml"]);
    assert_eq!(added_unchanged(report(&rep, "latin1.xml", "payments").unwrap()), (0, 3));
    assert_eq!(added_unchanged(report(&rep, "v02.xml", "payments").unwrap()), (0, 2));
    assert!(csv_maps(&ws.export("payments")) == zipped);
}

#[test]
fn zip_with_a_broken_member_fails_whole_and_writes_nothing() {
    let ws = Ws::new();
    ws.copy_fixture("bank/ingest/camt_good_and_bad.zip", "mixed.zip");
    let before = ws.store_snapshot();
    let a = ws.arx(&["ingest", "mixed.zip"]).code(3);
    let err = stderr(&a);
    let line = err.lines().find(|l| l.starts_with("mixed.zip!b_bad.xml:46:")).unwrap_or_else(|| panic!("{err}"));
    assert_contains(line, &["2024-02-30"]);
    assert!(ws.store_snapshot() == before, "a broken member wrote to the store");
    assert!(log_json(&ws).is_empty());
}

// ---------------------------------------------------------------------------------------------
// 5. Broken files
// ---------------------------------------------------------------------------------------------

/// Every file of `fixtures/bank/<dir>/bad/` (the table must list them all): exit 3 with
/// `file:line:` (the line from the fixture README) and nothing written. Files that don't look
/// like the format at all (`sniffed` false) are only recognised as bank files with `--profile`;
/// without it they fail as unrecognised input, still naming the file.
fn check_bad_dir(dir: &str, profile: &str, table: &[(&str, u64, bool)]) {
    let root = fixture(format!("bank/{dir}/bad"));
    let on_disk: BTreeSet<String> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    let listed: BTreeSet<String> = table.iter().map(|t| t.0.to_string()).collect();
    assert_eq!(on_disk, listed, "fixtures/bank/{dir}/bad/ and this test's table differ");

    let ws = Ws::new();
    let before = ws.store_snapshot();
    for (name, line, sniffed) in table {
        ws.copy_fixture(&format!("bank/{dir}/bad/{name}"), name);
        let err = stderr(&ws.arx(&["ingest", name]).code(3));
        let prefix = if *sniffed { format!("{name}:{line}:") } else { format!("{name}:") };
        assert!(err.lines().any(|l| l.starts_with(&prefix)), "{name}: expected a line starting {prefix:?}:\n{err}");

        let err = stderr(&ws.arx(&["ingest", name, "--profile", profile]).code(3));
        let prefix = format!("{name}:{line}:");
        assert!(
            err.lines().any(|l| l.starts_with(&prefix)),
            "{name} --profile {profile}: expected a line starting {prefix:?}:\n{err}"
        );
        assert_contains(&err, &["nothing was written"]);
        assert!(ws.store_snapshot() == before, "{name} wrote to the store");
    }
    assert!(log_json(&ws).is_empty(), "a broken file made a commit");
    assert!(csv_maps(&ws.export("payments")).is_empty());
}

#[test]
fn broken_camt_files_fail_naming_file_and_line_and_write_nothing() {
    check_bad_dir(
        "camt",
        "camt053",
        &[
            ("bad_currency.xml", 42, true),
            ("bad_date.xml", 46, true),
            ("bad_datetime.xml", 49, true),
            ("ntry_without_amt.xml", 41, true),
            ("pain001.xml", 3, false),
            ("too_many_decimals.xml", 42, true),
            ("truncated.xml", 64, true),
        ],
    );
}

#[test]
fn broken_bai2_files_fail_naming_file_and_line_and_write_nothing() {
    check_bad_dir(
        "bai2",
        "bai2",
        &[
            ("bad_as_of_date.bai2", 2, true),
            ("bad_funds_type.bai2", 4, true),
            ("bad_record_code.bai2", 4, true),
            ("detail_before_account.bai2", 3, true),
            ("empty.bai2", 1, false),
            ("missing_49.bai2", 5, true),
            ("non_numeric_amount.bai2", 4, true),
            ("not_bai2.csv", 1, false),
            ("truncated_no_99.bai2", 22, true),
            ("unknown_currency.bai2", 3, true),
        ],
    );
}

#[test]
fn broken_mt940_files_fail_naming_file_and_line_and_write_nothing() {
    check_bad_dir(
        "mt940",
        "mt940",
        &[
            ("bad_date.sta", 4, true),
            ("decimal_point.sta", 5, true),
            ("empty.sta", 1, false),
            ("entry_before_balance.sta", 2, true),
            ("missing_amount.sta", 7, true),
            ("not_mt940.txt", 1, false),
            ("truncated.sta", 8, true),
            ("unknown_mark.sta", 5, true),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// 6. --profile, --kind, --dry-run
// ---------------------------------------------------------------------------------------------

#[test]
fn profile_naming_another_format_is_exit_3_naming_both() {
    if crate::common::shared_real("bank/citi_example.bai2").is_none() {
        return;
    }
    let ws = Ws::new();
    copy_real(&ws, "test-camt053");
    ws.copy_fixture("bank/bai2/lockbox_us.bai2", "lockbox.bai2");
    ws.copy_fixture("bank/mt940/swift_blocks.sta", "swift.sta");
    let before = ws.store_snapshot();
    for (file, profile, said, is) in [
        ("test-camt053", "bai2", "BAI2", "camt.053"),
        ("lockbox.bai2", "mt940", "MT940", "BAI2"),
        ("swift.sta", "camt053", "camt.053", "MT940"),
    ] {
        let err = stderr(&ws.arx(&["ingest", file, "--profile", profile]).code(3));
        let line = err.lines().find(|l| l.starts_with(&format!("{file}: ")) && l.contains("--profile"));
        assert_contains(line.unwrap_or_else(|| panic!("{err}")), &[said, is]);
    }
    assert!(ws.store_snapshot() == before);
    assert!(log_json(&ws).is_empty());
}

#[test]
fn kind_other_than_payments_on_a_bank_file_is_exit_3() {
    if crate::common::shared_real("bank/citi_example.bai2").is_none() {
        return;
    }
    let ws = Ws::new();
    copy_real(&ws, "test-camt053");
    let before = ws.store_snapshot();
    for kind in ["invoices", "customers", "remittances"] {
        let err = stderr(&ws.arx(&["ingest", "test-camt053", "--kind", kind]).code(3));
        let line = err.lines().find(|l| l.starts_with("test-camt053: ")).unwrap_or_else(|| panic!("{err}"));
        assert_contains(line, &[kind, "payments"]);
        assert!(ws.store_snapshot() == before, "--kind {kind} wrote to the store");
    }
    // --kind payments is what a bank file is.
    let (rep, _) = ingest(&ws, &["test-camt053", "--kind", "payments"]);
    assert_eq!(added_unchanged(report(&rep, "test-camt053", "payments").unwrap()), (3, 0));
}

#[test]
fn dry_run_reads_a_bank_file_and_writes_nothing() {
    let ws = Ws::new();
    ws.copy_fixture("bank/camt/camt053_v08_two_statements.xml", "v08.xml");
    let before = ws.store_snapshot();
    let (rep, err) = ingest(&ws, &["v08.xml", "--dry-run"]);
    assert_eq!(added_unchanged(report(&rep, "v08.xml", "payments").unwrap()), (6, 0));
    assert_eq!(added_unchanged(report(&rep, "v08.xml", "remittances").unwrap()), (1, 0));
    assert_contains(&err, &["dry run", "5 credits received"]);
    assert!(ws.store_snapshot() == before, "--dry-run wrote to the store");
    assert!(log_json(&ws).is_empty());
    assert!(csv_maps(&ws.export("payments")).is_empty());
    assert!(csv_maps(&ws.export("remittances")).is_empty());
}

/// `--profile` on a file arx doesn't recognise by itself reads it as that format; what arx says
/// it recognised must be that format, not "a zip of bank statements" (the file is no zip).
#[test]
fn profile_on_an_unrecognised_file_does_not_call_it_a_zip() {
    let ws = Ws::new();
    ws.copy_fixture("bank/camt/bad/pain001.xml", "pain001.xml");
    ws.copy_fixture("bank/mt940/bad/not_mt940.txt", "not_mt940.txt");
    for (file, profile) in [("pain001.xml", "camt053"), ("not_mt940.txt", "mt940")] {
        let err = stderr(&ws.arx(&["ingest", file, "--profile", profile]).code(3));
        assert!(!err.contains("zip"), "{file} is no zip:\n{err}");
    }
}

// ---------------------------------------------------------------------------------------------
// 7. arx apply straight from a bank file
// ---------------------------------------------------------------------------------------------

/// A workspace with these customers and invoices (canonical CSV) ingested.
fn apply_workspace(customers: &str, invoices: &str) -> Ws {
    let ws = Ws::new();
    ws.write("customers.csv", customers);
    ws.write("invoices.csv", invoices);
    ws.ingest_ok(&["customers.csv", "invoices.csv"]);
    ws
}

/// One expected application: source, document, amount, kind, rule name (without confidence),
/// payment id (for discounts and deductions; empty for kind payment, whose source is the payment).
type App = (&'static str, &'static str, &'static str, &'static str, &'static str, &'static str);

/// Runs `arx apply FILE`, checks every application is in batch `apply-N` (N = the apply's commit)
/// with a rule, and returns them as [`App`]-shaped tuples (rule without its confidence).
fn apply(ws: &Ws, file: &str) -> BTreeSet<(String, String, String, String, String, String)> {
    let a = ws.arx(&["apply", file]).success();
    let err = stderr(&a);
    let commit = log_json(ws)
        .iter()
        .filter(|e| e["command"] == "apply")
        .filter_map(|e| e["commit"].as_u64())
        .max()
        .unwrap_or_else(|| panic!("no apply commit in the log:\n{err}"));
    let batch = format!("apply-{commit}");
    assert_contains(&err, &[&format!("committed as batch {batch}")]);
    let mut out = BTreeSet::new();
    for r in csv_maps(&ws.export("applications")) {
        assert_eq!(r["batch"], batch, "{r:?}");
        let rule = r["rule"].split(':').next().unwrap_or_default().to_string();
        assert!(!rule.is_empty(), "an application without a rule: {r:?}");
        out.insert((
            r["source"].clone(),
            r["document_no"].clone(),
            r["amount"].clone(),
            r["kind"].clone(),
            rule,
            r["payment_id"].clone(),
        ));
    }
    out
}

fn apps(expected: &[App]) -> BTreeSet<(String, String, String, String, String, String)> {
    expected
        .iter()
        .map(|a| (a.0.to_string(), a.1.to_string(), a.2.to_string(), a.3.to_string(), a.4.to_string(), a.5.to_string()))
        .collect()
}

/// camt.053 v08: INV-2024-0042 by its structured remittance (1190.00 cash, 25.00 discount,
/// 35.00 deduction, which also opens a dispute); the batch transactions and the USD credit by the
/// document numbers in their `Ustrd` (one of them two invoices); the returned credit (−500.00)
/// applies to nothing. `--dry-run` first writes nothing.
#[test]
fn apply_camt_file_applies_by_structured_remittance_and_document_numbers() {
    let ws = apply_workspace(
        "customer_id,name\n\
C-MUE,Müller Maschinenbau GmbH\n\
C-BAE,Bäckerei Schneider e.K.\n\
C-VDB,Van den Berg B.V.\n\
C-SG,Société Générale Services SAS\n\
C-ACME,Acme Corp.\n\
C-HAN,Hansen ApS\n",
        "document_no,customer_id,doc_date,amount,currency\n\
INV-2024-0031,C-HAN,2024-02-01,500.00,EUR\n\
INV-2024-0042,C-MUE,2024-02-14,1250.00,EUR\n\
INV-2024-0043,C-BAE,2024-03-01,1500.00,EUR\n\
INV-2024-0044,C-VDB,2024-03-02,600.00,EUR\n\
INV-2024-0045,C-SG,2024-03-03,722.22,EUR\n\
INV-2024-0047,C-VDB,2024-03-05,634.56,EUR\n\
INV-2024-0050,C-ACME,2024-03-04,2000.00,USD\n",
    );
    ws.copy_fixture("bank/camt/camt053_v08_two_statements.xml", "v08.xml");

    let before = ws.store_snapshot();
    let a = ws.arx(&["apply", "v08.xml", "--dry-run"]).success();
    assert_contains(&stderr(&a), &["dry run"]);
    assert!(ws.store_snapshot() == before, "apply --dry-run wrote to the store");

    let got = apply(&ws, "v08.xml");
    let p1 = "DE89370400440532013000/2024031500117734-0001";
    assert_eq!(
        got,
        apps(&[
            (p1, "INV-2024-0042", "1190.00", "payment", "remittance", ""),
            ("early-payment discount", "INV-2024-0042", "25.00", "discount", "remittance", p1),
            ("DMGD 2 cartons damaged in transit", "INV-2024-0042", "35.00", "deduction", "remittance", p1),
            ("DE89370400440532013000/2024031500117801-0001/1", "INV-2024-0043", "1500.00", "payment", "reference", ""),
            ("DE89370400440532013000/2024031500117801-0002/2", "INV-2024-0044", "600.00", "payment", "reference", ""),
            ("DE89370400440532013000/2024031500117801-0002/2", "INV-2024-0047", "634.56", "payment", "reference", ""),
            ("DE89370400440532013000/2024031500117801-0003/3", "INV-2024-0045", "722.22", "payment", "reference", ""),
            ("0532013001/2024031500120455", "INV-2024-0050", "2000.00", "payment", "reference", ""),
        ])
    );
    assert_eq!(csv_maps(&ws.export("payments")).len(), 6, "the bank file's payments are in the workspace");
    let disputes = csv_maps(&ws.export("disputes"));
    assert_eq!(disputes.len(), 1, "{disputes:?}");
    assert_eq!((disputes[0]["document_no"].as_str(), disputes[0]["amount"].as_str()), ("INV-2024-0042", "35.00"));
}

/// BAI2 lockbox: 10060 and 10061/A by the X12 remittance of the ACH CTX credit (with its 200.00
/// discount and 150.00 deduction, reason 05); 10070, 10075 + 10076 and 10081 by the invoice
/// numbers in the `88` texts. The 3-item lockbox deposit names invoices not in the workspace: left
/// for review.
#[test]
fn apply_bai2_file_applies_by_x12_remittance_and_document_numbers() {
    let ws = apply_workspace(
        "customer_id,name\nNW,\"Northwind Traders, LLC\"\nWC,Widgetco Hardware\nGX,Globex GmbH\n",
        "document_no,customer_id,doc_date,amount,currency\n\
10060,NW,2025-02-20,10000.00,USD\n\
10061/A,NW,2025-02-21,5350.00,USD\n\
10070,WC,2025-03-01,2980.00,USD\n\
10075,GX,2025-03-02,4000.00,USD\n\
10076,GX,2025-03-03,2500.00,USD\n\
10081,WC,2025-03-04,2300.00,USD\n",
    );
    ws.copy_fixture("bank/bai2/lockbox_us.bai2", "lockbox.bai2");
    let got = apply(&ws, "lockbox.bai2");
    let ach = "4121987654/0314ACH000117";
    assert_eq!(
        got,
        apps(&[
            (ach, "10060", "9800.00", "payment", "remittance", ""),
            ("early-payment discount", "10060", "200.00", "discount", "remittance", ach),
            (ach, "10061/A", "5200.00", "payment", "remittance", ""),
            ("05", "10061/A", "150.00", "deduction", "remittance", ach),
            ("4121987654/DEP0314TLR09", "10070", "2980.00", "payment", "reference", ""),
            ("4121987654/FW0317004410", "10075", "4000.00", "payment", "reference", ""),
            ("4121987654/FW0317004410", "10076", "2500.00", "payment", "reference", ""),
            ("4121987654/LBX0317A001", "10081", "2300.00", "payment", "reference", ""),
        ])
    );
    assert_eq!(csv_maps(&ws.export("payments")).len(), 7);
}

/// MT940 (SWIFT blocks): RE-2026-0042 by the `SVWZ+` text of the 2380.00 credit; RE-2026-0039 and
/// RE-2026-0040 by the 1500.50 credit whose text names both (split across `?21`/`?22`). The
/// collective 845.20 names invoices not in the workspace and RE-2026-0041 is named by nothing:
/// neither is applied.
#[test]
fn apply_mt940_file_applies_by_document_numbers_in_the_purpose_text() {
    let ws = apply_workspace(
        "customer_id,name\nK10017,Mustermann Handels GmbH\nK20001,Elektro Schulze und Soehne GmbH & Co. KG\n",
        "document_no,customer_id,doc_date,amount,currency\n\
RE-2026-0039,K10017,2025-12-10,800.00,EUR\n\
RE-2026-0040,K10017,2025-12-12,700.50,EUR\n\
RE-2026-0041,K10017,2025-12-14,333.00,EUR\n\
RE-2026-0042,K10017,2026-01-02,2380.00,EUR\n",
    );
    ws.copy_fixture("bank/mt940/swift_blocks.sta", "swift.sta");
    let got = apply(&ws, "swift.sta");
    assert_eq!(
        got,
        apps(&[
            ("37040044/0532013000/2601120001234", "RE-2026-0042", "2380.00", "payment", "reference", ""),
            ("37040044/0532013000/2601120001236", "RE-2026-0039", "800.00", "payment", "reference", ""),
            ("37040044/0532013000/2601120001236", "RE-2026-0040", "700.50", "payment", "reference", ""),
        ])
    );
    assert_eq!(csv_maps(&ws.export("payments")).len(), 3);
}
