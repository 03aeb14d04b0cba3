use super::*;
use crate::bank::bai2_text::{ach_reason, scan_tags};
use crate::bank::ReferredDocument;

const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/real/bank/");

/// The public bank files are read from ../shared beside the checkout (not copied in); on a plain
/// clone without it the tests that need them say so and pass.
fn real_files_present() -> bool {
    let present = std::path::Path::new(REAL).is_dir();
    if !present {
        eprintln!("skipped: {REAL} is not here (../shared is not beside this checkout)");
    }
    present
}
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bank/bai2/");

fn bytes(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn real(name: &str) -> Vec<u8> {
    bytes(&format!("{REAL}{name}"))
}

fn fixture(name: &str) -> Vec<u8> {
    bytes(&format!("{FIXTURES}{name}"))
}

/// Parses, collecting (statement id at the time of the entry, entry).
fn read(input: &[u8]) -> Result<(BankFile, Vec<(String, Entry)>), BankError> {
    let mut entries = Vec::new();
    let file = {
        let mut sink = |s: &Statement, e: Entry| entries.push((s.id.clone(), e));
        parse(&mut &input[..], &mut sink)?
    };
    Ok((file, entries))
}

fn ok(input: &[u8]) -> (BankFile, Vec<Entry>) {
    let (file, entries) = read(input).unwrap();
    (file, entries.into_iter().map(|(_, e)| e).collect())
}

fn cur(code: &str) -> Currency {
    Currency::parse(code).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn s(text: &str) -> Option<String> {
    Some(text.to_string())
}

/// (credits, credit total, debits, debit total) over the whole file.
fn totals(file: &BankFile) -> (u64, i64, u64, i64) {
    file.statements
        .iter()
        .fold((0, 0, 0, 0), |t, s| (t.0 + s.credits, t.1 + s.credit_total, t.2 + s.debits, t.3 + s.debit_total))
}

fn all_warnings(file: &BankFile) -> Vec<String> {
    file.statements.iter().flat_map(|s| s.warnings.clone()).chain(file.warnings.clone()).collect()
}

#[test]
fn citi_example_reads_the_faster_payment() {
    if !real_files_present() {
        return;
    }
    let (file, entries) = ok(&real("citi_example.bai2"));
    assert_eq!(file.format, BankFormat::Bai2);
    assert_eq!(file.statements.len(), 1);
    let st = &file.statements[0];
    assert_eq!(st.id, "00131100/CITIGB00/2015-07-15/77777777");
    assert_eq!(
        (st.account.as_str(), st.currency, st.opening, st.closing),
        ("77777777", Some(cur("GBP")), Some(10000), Some(10000))
    );
    assert_eq!(totals(&file), (1, 1, 0, 0));
    assert_eq!(st.location, Location { line: 3, at: s("03") });
    // Control totals and counts tie; the summary balances don't move by the 0.01 credit.
    assert_eq!(
        st.warnings,
        ["statement 00131100/CITIGB00/2015-07-15/77777777: opening 100.00 + credits 0.01 − debits 0.00 = 100.01, but the closing balance is 100.00 (difference 0.01)"]
    );
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let e = &entries[0];
    assert_eq!(e.location, Location { line: 4, at: s("16") });
    assert_eq!((e.direction, e.reversal, e.amount, e.currency), (Direction::Credit, false, 1, cur("GBP")));
    assert_eq!((e.booking_date, e.value_date), (day(2015, 7, 15), day(2015, 7, 15)));
    assert_eq!((e.bank_ref.clone(), e.customer_ref.clone()), (s("1234567890"), s("RP12312312312312")));
    assert_eq!(e.type_code, s("191"));
    // BO = "by order of": the payer's account, BO1 its name (OB is the ordering bank).
    assert_eq!((e.counterparty_name.clone(), e.counterparty_account.clone()), (s("DOE JO"), s("11111111")));
    assert_eq!((e.end_to_end_id.clone(), e.return_reason.clone()), (None, None));
    assert_eq!(e.texts.len(), 7);
    assert_eq!(e.texts[0], "FR:FP SIP INCOMING");
    assert_eq!(e.texts[3], "PY:RP1231231231231200                 A1234BC 22/03/66");
    assert_eq!(e.texts[6], "BO:11111111 BO1:DOE JO");
    assert!(e.referred_documents.is_empty() && e.creditor_refs.is_empty() && e.batch_index.is_none());
}

#[test]
fn sample4_goldman_continuations_without_slashes() {
    if !real_files_present() {
        return;
    }
    let (file, entries) = read(&real("sample4-continuations-newline-delimited.txt")).unwrap();
    let ids: Vec<&str> = file.statements.iter().map(|s| s.id.as_str()).collect();
    let p = "1/026015079/2023-09-06/";
    assert_eq!(
        ids,
        [
            p.to_string() + "107049924",
            p.to_string() + "107049932",
            p.to_string() + "104108339",
            p.to_string() + "260000033037",
            p.to_string() + "280000010657"
        ]
    );
    assert_eq!(entries.len(), 17);
    assert_eq!(totals(&file), (9, 600731, 8, 31349055));
    let per: Vec<(u64, i64, u64, i64)> =
        file.statements.iter().map(|s| (s.credits, s.credit_total, s.debits, s.debit_total)).collect();
    assert_eq!(per, [(0, 0, 0, 0), (1, 143500, 2, 988650), (8, 457231, 6, 30360405), (0, 0, 0, 0), (0, 0, 0, 0)]);
    assert!(file.statements.iter().all(|s| s.currency == Some(cur("USD"))));
    let third = &file.statements[2];
    assert_eq!((third.opening, third.closing), (Some(159581194), Some(159381194)));
    // Known-wrong trailers: warnings only.
    assert!(file.statements[0].warnings.is_empty() && file.statements[3].warnings.is_empty());
    assert_eq!(
        file.statements[1].warnings,
        [
            format!("statement {p}107049932: account trailer (49, line 22) gives control total -12601613417.62, but the 03/16/88 amounts add up to 79999.60 (difference -12601693417.22)"),
            format!("statement {p}107049932: account trailer (49, line 22) counts 26 records, but the account has 18 (03 to 49, with 88s)"),
        ]
    );
    assert_eq!(third.warnings.len(), 3);
    assert_eq!(
        third.warnings[2],
        format!("statement {p}104108339: opening 1595811.94 + credits 4572.31 − debits 303604.05 = 1296780.20, but the closing balance is 1593811.94 (difference -297031.74)")
    );
    assert_eq!(
        file.warnings,
        [
            "group 026015079 of 2023-09-06 (line 2): trailer 98 on line 115 gives control total 130601951.62, but the trailers inside add up to -12471011466.00 (difference 12601613417.62)",
            "group 026015079 of 2023-09-06 (line 2): trailer 98 on line 115 counts 4 accounts, but there are 5",
            "group 026015079 of 2023-09-06 (line 2): trailer 98 on line 115 counts 16 records, but there are 114 (02 to 98)",
            "file 1 (line 1): trailer 99 on line 116 counts 18 records, but there are 116 (01 to 99)",
        ]
    );

    let (id, e) = &entries[0];
    assert_eq!(id, &format!("{p}107049932"));
    assert_eq!(e.location, Location { line: 6, at: s("16") });
    assert_eq!((e.direction, e.reversal, e.amount, e.type_code.clone()), (Direction::Debit, false, 60000, s("447")));
    assert_eq!(
        (e.bank_ref.clone(), e.customer_ref.clone(), e.end_to_end_id.clone()),
        (s("SPB2322984714570"), s("1111"), s("1111"))
    );
    assert_eq!((e.booking_date, e.value_date), (day(2023, 9, 6), None));
    assert_eq!((e.counterparty_name.clone(), e.counterparty_account.clone()), (None, s("ACHCONTROLOUTUSD01")));
    assert_eq!(
        e.texts,
        [
            "ACH Credit Payment,Entry Description: EXP; -, SEC: CCD, Client Ref ID: 1111, GS ID: SPB2322984714570",
            "EREF: 1111",
            "DBNM: TEST INC",
            "CACT: ACHCONTROLOUTUSD01"
        ]
    );
    let e = &entries[1].1; // ACH credit reject: our outgoing credit comes back
    assert_eq!((e.direction, e.reversal, e.amount, e.return_reason.clone()), (Direction::Credit, true, 143500, None));
    assert_eq!((e.counterparty_name.clone(), e.counterparty_account.clone()), (s("SAMPLE INC"), s("101152046")));
    assert_eq!(e.texts[2], "REMI: ACH- Test - Addenda Record");
    let e = &entries[3].1; // ACH credit receipt return, R02
    assert_eq!((e.direction, e.reversal, e.amount, e.type_code.clone()), (Direction::Debit, true, 200000, s("557")));
    assert_eq!((e.return_reason.clone(), e.counterparty_name.clone()), (s("R02"), s("Test")));
    assert_eq!(e.location.line, 24);
    let e = &entries[5].1; // outgoing wire return
    assert_eq!((e.direction, e.reversal, e.amount, e.type_code.clone()), (Direction::Credit, true, 1912, s("266")));
    assert_eq!(e.texts[0], "Outgoing Wire Return,-");
    let e = &entries[7].1; // incoming wire: payer account from DACT, no DBNM
    assert_eq!(
        (e.direction, e.amount, e.counterparty_name.clone(), e.counterparty_account.clone()),
        (Direction::Credit, 1125, None, s("8348572423"))
    );
    let e = &entries[8].1;
    assert_eq!(
        (e.type_code.clone(), e.reversal, e.return_reason.clone(), e.counterparty_name.clone()),
        (s("257"), true, s("R02"), s("Company1"))
    );
    let e = &entries[9].1; // check return: reversal, reason is prose, not an ACH code
    assert_eq!((e.type_code.clone(), e.reversal, e.return_reason.clone(), e.amount), (s("255"), true, None, 931));
    assert_eq!((e.customer_ref.clone(), e.end_to_end_id.clone()), (s("0009000000"), s("07370568132")));
    let e = &entries[16].1;
    assert_eq!(
        (e.direction, e.amount, e.counterparty_name.clone(), e.counterparty_account.clone()),
        (Direction::Debit, 30000000, s("TEST AND COMPANY"), s("609873838"))
    );
    assert!(e.texts.iter().any(|t| t == "REMI: 081823 Invoice - Sample"));
    let reversals: Vec<&str> =
        entries.iter().filter(|(_, e)| e.reversal).map(|(_, e)| e.type_code.as_deref().unwrap_or("")).collect();
    assert_eq!(reversals, ["261", "557", "266", "257", "255"]);
}

#[test]
fn real_file_copies_in_fixtures_are_identical() {
    if !real_files_present() {
        return;
    }
    for name in ["citi_example.bai2", "sample4-continuations-newline-delimited.txt"] {
        assert_eq!(real(name), fixture(name), "{name}");
    }
}

#[test]
fn lockbox_file_with_right_totals_has_no_warnings() {
    let (file, entries) = read(&fixture("lockbox_us.bai2")).unwrap();
    assert_eq!(all_warnings(&file), Vec::<String>::new());
    let ids: Vec<&str> = file.statements.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "0315A/121000248/2025-03-14/4121987654",
            "0315A/121000248/2025-03-14/4121987662",
            "0315A/121000248/2025-03-17/4121987654"
        ]
    );
    assert_eq!(totals(&file), (6, 3987700, 5, 3129000));
    let b = &file.statements[1]; // 03 summary continued mid-quad (`400/` then `88,2659000,3,/`)
    assert_eq!((b.opening, b.closing, b.credit_total, b.debit_total), (Some(8800000), Some(6266000), 125000, 2659000));
    let e: Vec<&Entry> = entries.iter().map(|(_, e)| e).collect();

    // Lockbox: funds type D, references and text in the 88 after the `/`.
    assert_eq!((e[0].type_code.clone(), e[0].amount, e[0].location.line), (s("115"), 1184700, 5));
    assert_eq!((e[0].bank_ref.clone(), e[0].customer_ref.clone()), (s("LBX0314A001"), s("7701")));
    assert_eq!(e[0].texts[0], "LOCKBOX 7701 DEPOSIT - 3 ITEMS");
    assert_eq!(e[0].texts[2], "CHK 98120 NORTHWIND TRADERS INV 10040/10041/10044 4,870.00");
    assert_eq!((e[0].booking_date, e[0].value_date), (day(2025, 3, 14), None));

    // ACH CTX: originator name, X12 remittance wrapped across 88s.
    assert_eq!((e[1].direction, e[1].amount, e[1].customer_ref.clone()), (Direction::Credit, 1500000, None));
    assert_eq!(e[1].counterparty_name, s("NORTHWIND TRADERS"));
    assert_eq!(e[1].texts.len(), 6);
    assert_eq!(
        e[1].texts[3],
        "TRN*1*NW-0314-0042*1234567890\\N1*PR*NORTHWIND TRADERS, LLC\\N1*PE*ACME WIDGETS, INC.\\"
    );
    assert_eq!(
        e[1].referred_documents,
        [
            ReferredDocument {
                number: "10060".into(),
                amount: Some(980000),
                discount: Some(20000),
                ..Default::default()
            },
            ReferredDocument {
                number: "10061/A".into(),
                amount: Some(520000),
                deduction: Some(15000),
                reason: s("05"),
                ..Default::default()
            },
        ]
    );
    // Text 88 ending in `/`: the terminator is not text.
    assert_eq!(e[2].texts, ["COMMERCIAL DEPOSIT BRANCH 0412", "INV 10070 2,980.00 WIDGETCO HARDWARE"]);

    // Returned deposited check (555): reversal without an ACH code.
    assert_eq!(
        (e[3].direction, e[3].reversal, e[3].amount, e[3].return_reason.clone()),
        (Direction::Debit, true, 156000, None)
    );
    assert_eq!(e[3].customer_ref, s("4411"));
    // Our ACH debit returned R01: the counterparty is the receiver, not us.
    assert_eq!((e[4].type_code.clone(), e[4].reversal, e[4].return_reason.clone()), (s("557"), true, s("R01")));
    assert_eq!(e[4].counterparty_name, s("FABRIKAM INC"));

    // Check paid: ended by `/` after the customer reference, no text.
    assert_eq!((e[5].amount, e[5].bank_ref.clone(), e[5].customer_ref.clone()), (84500, s("0000098761"), s("10234")));
    assert!(e[5].texts.is_empty());
    assert_eq!(e[6].counterparty_name, s("GLOBEX GMBH"));
    // Our ACH credit returned R03 comes back as a credit.
    assert_eq!(
        (e[7].direction, e[7].reversal, e[7].return_reason.clone(), e[7].counterparty_name.clone()),
        (Direction::Credit, true, s("R03"), s("INITECH SUPPLY CO"))
    );
    assert_eq!(e[8].texts, ["ACCOUNT ANALYSIS FEE FEB 2025"]);

    // Second group: funds type V gives the value date; S carries three amounts before the refs.
    assert_eq!((e[9].booking_date, e[9].value_date, e[9].amount), (day(2025, 3, 17), day(2025, 3, 18), 650000));
    assert_eq!(e[9].counterparty_name, s("GLOBEX GMBH"));
    assert_eq!(
        (e[10].bank_ref.clone(), e[10].customer_ref.clone(), e[10].amount),
        (s("LBX0317A001"), s("7701"), 230000)
    );
    assert_eq!(entries[10].0, "0315A/121000248/2025-03-17/4121987654");
}

#[test]
fn jpy_and_kwd_use_their_minor_units() {
    let (file, e) = ok(&fixture("jpy_kwd.bai2"));
    assert_eq!(all_warnings(&file), Vec::<String>::new());
    let (jpy, kwd) = (&file.statements[0], &file.statements[1]);
    assert_eq!((jpy.currency, jpy.opening, jpy.closing), (Some(cur("JPY")), Some(12500000), Some(13727500)));
    assert_eq!((kwd.currency, kwd.opening, kwd.closing), (Some(cur("KWD")), Some(15250750), Some(16480125)));
    assert_eq!((e[0].amount, e[0].currency), (980000, cur("JPY")));
    assert_eq!(format_minor(e[0].amount, e[0].currency), "980000");
    assert_eq!((e[0].value_date, e[0].counterparty_name.clone()), (day(2025, 3, 31), s("SAKURA TRADING KK")));
    assert_eq!(e[1].texts, ["INTL TRANSFER IN/KYOTO SEIKI CO., LTD. INV J-2210"]);
    assert_eq!((e[2].direction, e[2].amount, e[2].currency), (Direction::Debit, 2500, cur("JPY")));
    assert_eq!((e[3].amount, e[3].currency, e[3].customer_ref.clone()), (1233125, cur("KWD"), s("PO 88-1190")));
    assert_eq!(format_minor(e[3].amount, e[3].currency), "1233.125");
    assert_eq!(format_minor(e[4].amount, e[4].currency), "3.750");
}

#[test]
fn several_records_share_a_physical_line() {
    let (file, e) = ok(&fixture("one_line.bai2"));
    assert_eq!(all_warnings(&file), Vec::<String>::new());
    assert_eq!(file.statements.len(), 2);
    assert_eq!(e.len(), 3);
    assert_eq!((e[0].amount, e[0].bank_ref.clone(), e[0].location.line), (120000, s("ACH0401A"), 2));
    assert_eq!(e[0].texts, ["PREAUTH ACH CREDIT CUST 4471/INV 2231, 2232"]);
    assert_eq!(e[1].texts, ["MISC CREDIT REF A/B 77", "MORE TEXT, WITH A / SLASH"]);
    assert_eq!((e[2].direction, e[2].customer_ref.clone(), e[2].location.line), (Direction::Debit, s("1001"), 3));
    assert!(e[2].texts.is_empty());
    assert_eq!(file.statements[1].closing, Some(-5000));
    assert_eq!(file.statements[0].credit_total, 231550);
}

#[test]
fn wrong_totals_are_warnings_not_errors() {
    let (file, e) = ok(&fixture("totals_off.bai2"));
    let id = "0502C/021000021/2025-05-01/5550001111";
    assert_eq!(e.len(), 3); // 195, 399, 699; 890 and 721 are not money, 169 has no amount
    assert_eq!(
        file.statements[0].warnings,
        [
            format!("statement {id}: account trailer (49, line 10) gives control total 99999.99, but the 03/16/88 amounts add up to 31800.00 (difference 68199.99)"),
            format!("statement {id}: account trailer (49, line 10) counts 5 records, but the account has 8 (03 to 49, with 88s)"),
            format!("statement {id}: skipped 2 detail record(s) that are not credits or debits (loan 700-799, non-monetary 890, status or unassigned codes): 890 on line 6, 721 on line 7"),
            format!("statement {id}: skipped 1 detail record(s) without an amount: 169 on line 8"),
            format!("statement {id}: opening 10000.00 + credits 3500.00 − debits 0.00 = 13500.00, but the closing balance is 14000.00 (difference -500.00)"),
        ]
    );
    assert!(file.statements[1].warnings.is_empty());
    assert_eq!(
        file.warnings,
        [
            "group 021000021 of 2025-05-01 (line 2) has group status 3 (correction: it replaces data sent before, whose entries may already be in)",
            "group 021000021 of 2025-05-01 (line 2): trailer 98 on line 14 gives control total 12.34, but the trailers inside add up to 104499.99 (difference -104487.65)",
            "group 021000021 of 2025-05-01 (line 2): trailer 98 on line 14 counts 3 accounts, but there are 2",
            "group 021000021 of 2025-05-01 (line 2): trailer 98 on line 14 counts 99 records, but there are 13 (02 to 98)",
            "file 0502C (line 1): trailer 99 on line 15 counts 99 records, but there are 15 (01 to 99)",
        ]
    );
}

#[test]
fn malformed_files_fail_with_the_line() {
    let cases = [
        ("bad_record_code.bai2", 4, Some("17"), "record '17,195"),
        ("detail_before_account.bai2", 3, Some("16"), "outside an account"),
        ("non_numeric_amount.bai2", 4, Some("16"), "amount '1250.00' is not a number"),
        ("truncated_no_99.bai2", 22, None, "the account from line 3 has no 49 trailer; it is truncated"),
        ("unknown_currency.bai2", 3, Some("03"), "unknown currency 'XYZ'"),
        ("empty.bai2", 1, None, "the file is empty"),
        ("not_bai2.csv", 1, None, "not BAI2"),
        ("bad_as_of_date.bai2", 2, Some("02"), "as-of date '250231'"),
        ("bad_funds_type.bai2", 4, Some("16"), "funds type 'X'"),
        ("missing_49.bai2", 5, Some("03"), "the account from line 3 has no 49 trailer"),
    ];
    for (name, line, at, text) in cases {
        let e = read(&fixture(&format!("bad/{name}"))).err().unwrap_or_else(|| panic!("{name} should fail"));
        assert_eq!((e.location.line, e.location.at.as_deref()), (line, at), "{name}: {e:?}");
        assert!(e.message.contains(text), "{name}: {}", e.message);
    }
}

#[test]
fn more_structural_errors() {
    let head = "01,A,B,250101,0000,F1,,,2/\n02,B,A,1,250101,,,2/\n03,1,,010,0,,/\n";
    let cases = [
        (format!("{head}16,195,-100,0,R,,T\n49,0,3/\n98,0,1,5/\n99,0,1,7/\n"), 4, "unsigned"),
        (format!("{head}16,19,100,0,R,,T\n"), 4, "3 digits"),
        (format!("{head}16,+19,100,0,R,,T\n"), 4, "3 digits"),
        (format!("{head}16,195,100,V,251301,,R,,T\n"), 4, "value date '251301'"),
        (format!("{head}49,0,2/\n98,0,1,4/\n01,A,B,250101,0000,F2,,,2/\n"), 6, "no 99 trailer"),
        (format!("{head}49,0,2/\n98,0,1,4/\n99,0,1,6/\n16,195,1,,,,X\n"), 7, "after the 99 file trailer"),
        (format!("{head}49,x,2/\n98,0,1,4/\n99,0,1,6/\n"), 4, "control total 'x'"),
        ("88,CONTINUED\n".to_string(), 1, "no record before it"),
        ("02,B,A,1,250101,,,2/\n".to_string(), 1, "starts with an 01 file header"),
        ("01,A,B,250101,0000,F1,,,3/\n".to_string(), 1, "version '3'"),
        ("01,A,B,250101,0000,F1,,,2/\n02,B,A,1,,,,2/\n".to_string(), 2, "as-of date ''"),
        (format!("{head}49,0,2/\n98,0,1,4/\n99,0,1,6/\n\n  \n/\nX"), 10, "has a record 'X'"),
    ];
    for (input, line, text) in cases {
        let e = read(input.as_bytes()).err().unwrap_or_else(|| panic!("should fail: {input}"));
        assert_eq!(e.location.line, line, "{input}: {e:?}");
        assert!(e.message.contains(text), "{input}: {}", e.message);
    }
}

#[test]
fn sniff_knows_bai2() {
    if !real_files_present() {
        return;
    }
    for name in ["citi_example.bai2", "sample4-continuations-newline-delimited.txt"] {
        assert!(sniff(&real(name)), "{name}");
    }
    for name in ["lockbox_us.bai2", "jpy_kwd.bai2", "one_line.bai2", "totals_off.bai2"] {
        assert!(sniff(&fixture(name)), "{name}");
    }
    assert!(sniff(b"\xEF\xBB\xBF\r\n01,X,Y,250101,1200,1,,,2/"));
    for name in ["test-camt053", "rabobank.sta", "sepa_snippet.sta"] {
        assert!(!sniff(&real(name)), "{name}");
    }
    assert!(!sniff(&fixture("bad/not_bai2.csv")));
    assert!(!sniff(b""));
    assert!(!sniff(b"01,X,Y,2501"));
    assert!(!sniff(b"01;X;Y;250101"));
}

#[test]
fn line_endings_and_bom_do_not_matter() {
    let lf = fixture("lockbox_us.bai2");
    let text = String::from_utf8(lf.clone()).unwrap();
    let want = read(&lf).unwrap();
    for variant in [text.replace('\n', "\r\n"), text.replace('\n', "\r"), format!("\u{feff}{text}")] {
        assert_eq!(read(variant.as_bytes()).unwrap(), want);
    }
    // Latin-1 bytes in text are read, not rejected.
    let latin = text.replace("CONTOSO LTD", "CONTOSO M\u{fc}LLER").replace('\u{fc}', "\u{0}");
    let latin: Vec<u8> = latin.bytes().map(|b| if b == 0 { 0xFC } else { b }).collect();
    let (_, e) = ok(&latin);
    assert_eq!(e[0].texts[3], "CHK 2201 CONTOSO M\u{fc}LLER INV 10052 5,417.00");
}

#[test]
fn concatenated_files_are_read_in_turn() {
    let one = fixture("jpy_kwd.bai2");
    let two = [one.clone(), fixture("one_line.bai2")].concat();
    let (file, e) = ok(&two);
    assert_eq!((file.statements.len(), e.len()), (4, 8));
    assert!(all_warnings(&file).is_empty());
    // Filler 9s after the trailer (blocked files) are not records.
    let padded = [one.clone(), b"9999999999999999999999999999999999999999\n99999999\n".to_vec()].concat();
    assert_eq!(ok(&padded).1.len(), 5);
}

#[test]
fn entries_stream_with_the_statement_header() {
    let mut seen = Vec::new();
    let mut sink = |st: &Statement, e: Entry| {
        seen.push((st.id.clone(), st.account.clone(), st.currency, st.credits + st.debits, e.amount))
    };
    let input = fixture("jpy_kwd.bai2");
    parse(&mut &input[..], &mut sink).unwrap();
    assert_eq!(
        seen[0],
        ("JP0401/BOTKJPJT/2025-03-31/00123456701".into(), "00123456701".into(), Some(cur("JPY")), 1, 980000)
    );
    assert_eq!(seen[2].3, 3);
    assert_eq!((seen[3].1.as_str(), seen[3].2, seen[3].3), ("2045678901", Some(cur("KWD")), 1));
}

/// A generated file of many accounts, read through `Read` without ever being whole in memory.
struct Generated {
    accounts: u32,
    next: u32,
    buf: Vec<u8>,
    pos: usize,
}

impl std::io::Read for Generated {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
            let n = self.next;
            let text = match n {
                0 => "01,B,C,250101,0100,G1,,,2/\n02,C,B,1,250101,2400,USD,2/\n".to_string(),
                _ if n <= self.accounts => format!(
                    "03,{n},,010,0,,,015,500,,/\n16,195,1000,0,R{n},C{n},PAYMENT, INV {n}/A\n88,REMI: INV-{n}\n16,699,500,0,F{n},,FEE/\n49,2000,5/\n"
                ),
                _ if n == self.accounts + 1 => {
                    let a = u64::from(self.accounts);
                    format!("98,{},{a},{}/\n99,{},1,{}/\n", 2000 * a, 5 * a + 2, 2000 * a, 5 * a + 4)
                }
                _ => return Ok(0),
            };
            self.next += 1;
            self.buf.extend_from_slice(text.as_bytes());
        }
        let k = out.len().min(self.buf.len() - self.pos);
        out[..k].copy_from_slice(&self.buf[self.pos..self.pos + k]);
        self.pos += k;
        Ok(k)
    }
}

#[test]
fn large_generated_file_streams() {
    let accounts = 20_000;
    let mut input = std::io::BufReader::new(Generated { accounts, next: 0, buf: Vec::new(), pos: 0 });
    let (mut n, mut total) = (0u64, 0i64);
    let mut sink = |_: &Statement, e: Entry| {
        n += 1;
        total += e.amount;
    };
    let file = parse(&mut input, &mut sink).unwrap();
    assert_eq!((n, total), (2 * u64::from(accounts), 1500 * i64::from(accounts)));
    assert_eq!(file.statements.len(), accounts as usize);
    assert!(all_warnings(&file).is_empty(), "{:?}", &all_warnings(&file)[..1]);
}

#[test]
fn return_codes_in_text_mark_a_reversal() {
    let input = "01,A,B,250101,0000,F1,,,2/\n02,B,A,1,250101,,,2/\n03,1,,/\n16,399,100,0,R,,ACH RETURN R10 CUSTOMER ADVISES NOT AUTHORIZED\n16,399,200,0,R,,ROOM R12 RENT\n16,142,300,0,R,,REF XR01 RETURN\n49,600,5/\n98,600,1,7/\n99,600,1,9/\n";
    let (file, e) = ok(input.as_bytes());
    assert!(all_warnings(&file).is_empty(), "{:?}", all_warnings(&file));
    assert_eq!((e[0].reversal, e[0].return_reason.clone()), (true, s("R10")));
    assert_eq!((e[1].reversal, e[1].return_reason.clone()), (false, None));
    assert_eq!((e[2].reversal, e[2].return_reason.clone()), (false, None));
}

#[test]
fn custom_and_loan_type_code_ranges() {
    let input = "01,A,B,250101,0000,F1,,,2/\n02,B,A,1,250101,,,2/\n03,1,,/\n16,925,100,,,,CUSTOM CREDIT\n16,975,40,,,,CUSTOM DEBIT\n16,905,7,,,,CUSTOM STATUS\n16,722,9,,,,LOAN PRINCIPAL\n16,045,1,,,,STATUS\n49,157,7/\n98,157,1,9/\n99,157,1,11/\n";
    let (file, e) = ok(input.as_bytes());
    assert_eq!(
        e.iter().map(|e| (e.direction, e.amount)).collect::<Vec<_>>(),
        [(Direction::Credit, 100), (Direction::Debit, 40)]
    );
    let w = &file.statements[0].warnings;
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("skipped 3 detail record(s) that are not credits or debits")
            && w[0].ends_with("905 on line 6, 722 on line 7, 045 on line 8"),
        "{w:?}"
    );
}

#[test]
fn field_helpers() {
    assert_eq!(amount("000150", false), Ok(Some(150)));
    assert_eq!(amount("+150", false), Ok(Some(150)));
    assert_eq!(amount("-150", true), Ok(Some(-150)));
    assert_eq!(amount("0000", true), Ok(Some(0)));
    assert_eq!(amount("", false), Ok(None));
    for bad in ["-150", "1.50", "1,5", "abc", "+", "99999999999999999999"] {
        assert!(amount(bad, false).is_err(), "{bad}");
    }
    assert_eq!(date("991231"), day(1999, 12, 31));
    assert_eq!(date("250228"), day(2025, 2, 28));
    assert_eq!(date("250229"), None);
    assert_eq!(date("2502"), None);
    assert_eq!(funds_extra("d", Some("2")), Ok(Some(5)));
    assert_eq!(funds_extra("D", None), Ok(None));
    assert!(funds_extra("D", Some("x")).is_err());
    assert_eq!(split_text("A/B, C/16,195,1,/"), ("A/B, C", "16,195,1,/"));
    assert_eq!(split_text("A/16,5 UNITS/49,12,3/"), ("A/16,5 UNITS", "49,12,3/"));
    assert_eq!(split_text("DATE 22/03/66"), ("DATE 22/03/66", ""));
    assert_eq!(head_field("AB/CD,REST"), ("AB/CD", "REST", false));
    assert_eq!(head_field("REF1/ "), ("REF1", " ", true));
    assert_eq!(head_field("REF1/49,0,2/"), ("REF1", "49,0,2/", true));
    let mut tags = Vec::new();
    scan_tags("OB:111111 BUCKINGHAM PALACE OB3:BARCLAYS BANK PLC", &mut tags);
    scan_tags("REMI: Structure ID: CC0000082", &mut tags);
    assert_eq!(
        tags,
        [
            ("OB", "111111 BUCKINGHAM PALACE".to_string()),
            ("OB3", "BARCLAYS BANK PLC".to_string()),
            ("REMI", "Structure ID: CC0000082".to_string())
        ]
    );
    assert_eq!(ach_reason("Reason: \"R02\""), s("R02"));
    assert_eq!(ach_reason("RETURN R1 R123 XR05"), None);
}

fn all_inputs() -> Vec<(String, Vec<u8>)> {
    // The real files when ../shared is beside the checkout; the fixtures always.
    let real_names: &[&str] =
        if real_files_present() { &["citi_example.bai2", "sample4-continuations-newline-delimited.txt"] } else { &[] };
    let mut v: Vec<(String, Vec<u8>)> = real_names.iter().map(|n| (n.to_string(), real(n))).collect();
    for dir in [FIXTURES.to_string(), format!("{FIXTURES}bad/")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() && path.extension().is_some_and(|x| x != "md") {
                v.push((path.display().to_string(), bytes(&path.display().to_string())));
            }
        }
    }
    v
}

#[test]
fn truncation_at_every_byte_never_panics() {
    for (name, data) in all_inputs() {
        // Cut before its 99 trailer, a file must not read as complete.
        let trailer = data.windows(3).rposition(|w| w == b"99,").unwrap_or(data.len());
        for cut in 0..data.len() {
            let r = read(&data[..cut]);
            assert!(cut > trailer || r.is_err(), "{name} cut at {cut} read as whole");
        }
    }
}

#[test]
fn random_and_mutated_bytes_never_panic() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let alphabet = b"0123456789,/\n\r 01631688499VSDZ-+ABC";
    for _ in 0..3000 {
        let len = (rnd() % 300) as usize;
        let data: Vec<u8> = (0..len).map(|_| alphabet[(rnd() % alphabet.len() as u64) as usize]).collect();
        let _ = read(&data);
        let raw: Vec<u8> = (0..len).map(|_| rnd() as u8).collect();
        let _ = read(&[b"01,A,B,250101,0000,1,,,2/\n".as_slice(), &raw].concat());
    }
    for (_, data) in all_inputs().into_iter().filter(|(_, d)| !d.is_empty()) {
        for _ in 0..300 {
            let mut d = data.clone();
            for _ in 0..1 + rnd() % 4 {
                let i = (rnd() % d.len() as u64) as usize;
                d[i] = alphabet[(rnd() % alphabet.len() as u64) as usize];
            }
            let _ = read(&d);
        }
    }
}

#[test]
fn overlong_line_is_refused_without_reading_on() {
    let mut input = std::io::BufReader::new(std::io::repeat(b'1').take(3 << 20));
    let mut sink = |_: &Statement, _: Entry| {};
    let e = parse(&mut input, &mut sink).unwrap_err();
    assert_eq!(e.location.line, 1);
    assert!(e.message.contains("longer than 1 MiB"));
}

/// An 03 whose summaries end each physical record with an extra empty field and go on in 88s;
/// a 16 whose text runs on to the next line without `/` or `88,`; a continuation typed `88:`.
const CONTINUED: &str = "01,BANK,CUST,240105,0800,1,,,2/\n02,CUST,BANK,1,240104,,USD,2/\n\
03,1234,USD,010,100000,,,015,150000,,,/\n88,040,100000,,,045,150000,,,/\n88,100,50000,1,,400,0,0,/\n\
16,142,50000,Z,BR1,CR1,ACH SETTLEMENT 11111\n222222   /\n88:EREF: E2E-77\n\
49,600000,6/\n98,600000,1,8/\n99,600000,1,10/\n";

#[test]
fn continuation_deviations_read_when_unmistakable() {
    let (file, e) = ok(CONTINUED.as_bytes());
    let st = &file.statements[0];
    assert_eq!((st.opening, st.closing, st.credit_total), (Some(100000), Some(150000), 50000));
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].texts, ["ACH SETTLEMENT 11111", "222222", "EREF: E2E-77"]);
    assert_eq!(e[0].end_to_end_id, s("E2E-77"));
    let w = all_warnings(&file);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].contains("line 7 has no record code; the text of the 16 record on line 6 ran on without `/`"),
        "{w:?}"
    );
    assert!(w[1].contains("line 8 starts `88:` instead of `88,`"), "{w:?}");
    // Without the padding the 03 reads the same, with no warning about it.
    let plain = CONTINUED.replace("015,150000,,,/", "015,150000,,/").replace("045,150000,,,/", "045,150000,,/");
    let (file, _) = ok(plain.as_bytes());
    assert_eq!((file.statements[0].opening, file.statements[0].closing), (Some(100000), Some(150000)));
}

#[test]
fn continuation_deviations_refused_when_not_unmistakable() {
    // The 16 ended with `/`: a line without a record code is not its text.
    let closed = CONTINUED.replace("ACH SETTLEMENT 11111\n", "ACH SETTLEMENT 11111/\n");
    let e = read(closed.as_bytes()).unwrap_err();
    assert_eq!(e.location.line, 7);
    assert!(e.message.contains("has a record '222222   /'"), "{}", e.message);
    // After an 03 (no text field), such a line is refused too.
    let after_03 = CONTINUED.replace("88,100,50000,1,,400,0,0,/\n", "88,100,50000,1,,400,0,0,/\nXYZ/\n");
    assert!(read(after_03.as_bytes()).unwrap_err().message.contains("has a record 'XYZ/'"));
}

#[test]
fn endless_88_texts_are_refused_at_the_text_limit() {
    let mut input =
        String::from("01,A,B,250101,0000,F1,,,2/\n02,B,A,1,250101,,,2/\n03,1,,010,0,,/\n16,195,100,0,R,,start\n");
    let text = "x".repeat(60_000);
    for _ in 0..5 {
        input.push_str(&format!("88,{text}\n"));
    }
    let e = read(input.as_bytes()).map(|_| ()).expect_err("refused");
    assert!(e.message.contains("more than 32767 characters of text"), "{}", e.message);
    assert_eq!(e.location.line, 7, "{e:?}");
}
