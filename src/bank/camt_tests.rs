use super::*;
use std::io::BufReader;

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
const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bank/camt/");

type Parsed = (BankFile, Vec<(String, Entry)>);

fn run_reader(input: &mut dyn BufRead) -> Result<Parsed, BankError> {
    let mut entries = Vec::new();
    let file = parse(input, &mut |s: &Statement, e: Entry| entries.push((s.id.clone(), e)))?;
    Ok((file, entries))
}

fn run(bytes: &[u8]) -> Result<Parsed, BankError> {
    run_reader(&mut &bytes[..])
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn real(name: &str) -> Parsed {
    run(&read(&format!("{REAL}{name}"))).unwrap()
}

fn fixture(name: &str) -> Parsed {
    run(&read(&format!("{FIX}{name}"))).unwrap()
}

fn bad(name: &str) -> BankError {
    run(&read(&format!("{FIX}bad/{name}"))).unwrap_err()
}

fn day(s: &str) -> Option<NaiveDate> {
    Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

fn cur(code: &str) -> Currency {
    Currency::parse(code).unwrap()
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|t| t.to_string()).collect()
}

/// (credits, credit_total, debits, debit_total, currency) of a statement.
fn totals(st: &Statement) -> (u64, i64, u64, i64, Option<Currency>) {
    (st.credits, st.credit_total, st.debits, st.debit_total, st.currency)
}

/// An entry with everything empty, to compare whole entries with `..blank()`.
fn blank() -> Entry {
    Entry {
        location: Location::default(),
        direction: Direction::Credit,
        reversal: false,
        amount: 0,
        currency: cur("EUR"),
        booking_date: None,
        value_date: None,
        bank_ref: None,
        customer_ref: None,
        end_to_end_id: None,
        counterparty_name: None,
        counterparty_account: None,
        type_code: None,
        texts: Vec::new(),
        referred_documents: Vec::new(),
        creditor_refs: Vec::new(),
        return_reason: None,
        batch_index: None,
    }
}

fn loc(line: u64, at: &str) -> Location {
    Location { line, at: Some(at.to_string()) }
}

#[test]
fn real_test_camt053_abn_amro() {
    if !real_files_present() {
        return;
    }
    let (file, entries) = real("test-camt053");
    assert_eq!(file.format, BankFormat::Camt053);
    assert!(file.warnings.is_empty());
    assert_eq!(file.statements.len(), 1);
    let st = &file.statements[0];
    assert_eq!((st.id.as_str(), st.account.as_str()), ("1234Test/1", "NL77ABNA0574908765"));
    assert_eq!(st.location, loc(7, "Stmt[1]"));
    assert_eq!((st.opening, st.closing), (Some(1556827), Some(1512112)));
    // The reversed batch of 2 is split: 754.25 + 564.05 + 100.00 in debits.
    assert_eq!(totals(st), (1, 140531, 3, 141830, Some(cur("EUR"))));
    // SOURCE.md: this file does not tie.
    assert_eq!(
        st.warnings,
        strings(&["statement 1234Test/1: opening 15568.27 + credits 1405.31 − debits 1418.30 = 15555.28, but the closing balance is 15121.12 (difference 434.16)"])
    );
    assert_eq!(entries.len(), 4);
    assert!(entries.iter().all(|(id, e)| id == "1234Test/1"
        && e.booking_date == day("2014-01-05")
        && e.value_date == day("2014-01-05")
        && e.currency == cur("EUR")));
    assert_eq!(
        entries[0].1,
        Entry {
            location: loc(50, "Stmt[1]/Ntry[1]"),
            direction: Direction::Debit,
            amount: 75425,
            booking_date: day("2014-01-05"),
            value_date: day("2014-01-05"),
            customer_ref: s("INNDNL2U20141231000142300002844"),
            end_to_end_id: s("435005714488-ABNO33052620"),
            counterparty_name: s("INSURANCE COMPANY TESTX"),
            counterparty_account: s("NL46ABNA0499998748"),
            type_code: s("PMNT/RDDT/ESDD"),
            texts: strings(&[
                "Insurance policy 857239PERIOD 01.01.2014 - 31.12.2014",
                "MKB Insurance 859239PERIOD 01.01.2014 - 31.12.2014"
            ]),
            ..blank()
        }
    );
    let (first, second) = (&entries[1].1, &entries[2].1);
    assert_eq!(
        *first,
        Entry {
            location: loc(144, "Stmt[1]/Ntry[2]/NtryDtls/TxDtls[1]"),
            direction: Direction::Debit,
            reversal: true,
            amount: 56405,
            booking_date: day("2014-01-05"),
            value_date: day("2014-01-05"),
            customer_ref: s("TESTBANK/NL/20141229/01206408"),
            end_to_end_id: s("TESTBANK/NL/20141229/01206408"),
            counterparty_name: s("Test Customer"),
            counterparty_account: s("NL46ABNA0499998748"),
            type_code: s("PMNT/IDDT/UPDD"),
            texts: strings(&[
                "Direct Debit S14 0410",
                "Direct debit S14 0410 AC07 Rek.nummer blokkade TESTBANK/NL/20141229/01206408"
            ]),
            return_reason: s("AC06"),
            batch_index: Some(0),
            ..blank()
        }
    );
    assert_eq!((second.amount, second.batch_index, second.reversal), (10000, Some(1), true));
    assert_eq!(second.location, loc(185, "Stmt[1]/Ntry[2]/NtryDtls/TxDtls[2]"));
    assert_eq!(second.end_to_end_id, s("TESTBANK/NL/20141229/01206407"));
    assert_eq!(second.return_reason, s("AC06"));
    assert_eq!(
        entries[3].1,
        Entry {
            location: loc(228, "Stmt[1]/Ntry[3]"),
            amount: 140531,
            booking_date: day("2014-01-05"),
            value_date: day("2014-01-05"),
            customer_ref: s("INNDNL2U20140105000217200000708"),
            end_to_end_id: s("115"),
            counterparty_name: s("3rd party Media"),
            counterparty_account: s("NL69ABNA0522123643"),
            type_code: s("PMNT/RCDT/ESCT"),
            texts: strings(&["#RD PARTY MEDIA CUSNO 90782 4210773"]),
            ..blank()
        }
    );
}

#[test]
fn real_business_sample_v04_ties() {
    if !real_files_present() {
        return;
    }
    let (file, entries) = real("business_sample_camt.053.001.04.xml");
    // The fixture copy is the same bytes.
    assert_eq!(
        read(&format!("{REAL}business_sample_camt.053.001.04.xml")),
        read(&format!("{FIX}business_sample_camt.053.001.04.xml"))
    );
    assert_eq!(file.format, BankFormat::Camt053);
    assert_eq!(file.statements.len(), 1);
    let st = &file.statements[0];
    assert_eq!((st.id.as_str(), st.account.as_str()), ("AAAASESS-FP-STAT001", "50000000054910000003"));
    assert_eq!((st.opening, st.closing), (Some(50000000), Some(43567850)));
    assert_eq!(totals(st), (2, 13567850, 1, 20000000, Some(cur("SEK"))));
    assert!(st.warnings.is_empty(), "{:?}", st.warnings);
    let sek = cur("SEK");
    assert_eq!(
        entries[0].1,
        Entry {
            location: loc(62, "Stmt[1]/Ntry[1]"),
            amount: 10567850,
            currency: sek,
            booking_date: day("2010-10-18"), // from DtTm 2010-10-18T13:15:00+01:00
            value_date: day("2010-10-18"),
            bank_ref: s("AAAASESS-FP-CN_98765/01"),
            end_to_end_id: s("MUELL/FINP/RA12345"),
            counterparty_name: s("MUELLER"),
            type_code: s("PAYM/0001/0005"),
            ..blank()
        }
    );
    // The batch of 20 has no TxDtls: one debit for the whole entry.
    assert_eq!(
        entries[1].1,
        Entry {
            location: loc(97, "Stmt[1]/Ntry[2]"),
            direction: Direction::Debit,
            amount: 20000000,
            currency: sek,
            booking_date: day("2010-10-18"),
            value_date: day("2010-10-18"),
            bank_ref: s("AAAASESS-FP-ACCR-01"),
            type_code: s("PAYM/0001/0003"),
            ..blank()
        }
    );
    // The FX credit: the transaction amount is EUR 3255, the booked entry SEK 30000.
    let fx = &entries[2].1;
    assert_eq!((fx.amount, fx.currency, fx.direction), (3000000, sek, Direction::Credit));
    assert_eq!(
        (fx.customer_ref.as_deref(), fx.end_to_end_id.as_deref()),
        (Some("FP-004567-FX"), Some("AAAASS1085FINPSS"))
    );
    assert_eq!(fx.bank_ref, s("AAAASESS-FP-CONF-FX"));
    assert_eq!(fx.type_code, s("TREA/0002/0000"));
}

#[test]
fn v08_two_statements() {
    let (file, entries) = fixture("camt053_v08_two_statements.xml");
    assert_eq!(file.format, BankFormat::Camt053);
    assert_eq!(file.statements.len(), 2);
    let (eur, usd) = (&file.statements[0], &file.statements[1]);
    assert_eq!(eur.account, "DE89370400440532013000");
    // OPBD wins over the PRCD before it; CLAV is ignored.
    assert_eq!((eur.opening, eur.closing), (Some(1000000), Some(1413428)));
    assert_eq!(totals(eur), (4, 464678, 2, 51250, Some(cur("EUR"))));
    assert_eq!(
        eur.warnings,
        strings(&["statement 0352C5320240315220411000: skipped 1 entry with status PDNG (not booked)"])
    );
    assert_eq!((usd.id.as_str(), usd.account.as_str()), ("0352C5320240315220411001", "0532013001"));
    assert_eq!(usd.location, loc(483, "Stmt[2]"));
    assert_eq!(totals(usd), (1, 200000, 0, 0, Some(cur("USD"))));
    assert!(usd.warnings.is_empty());
    assert_eq!(entries.len(), 7);

    assert_eq!(
        entries[0].1,
        Entry {
            location: loc(97, "Stmt[1]/Ntry[1]"),
            amount: 119000,
            booking_date: day("2024-03-15"),
            value_date: day("2024-03-15"),
            bank_ref: s("2024031500117734-0001"),
            customer_ref: s("MUE-PAY-77120"),
            end_to_end_id: s("MUE-2024-0042"),
            counterparty_name: s("Müller Maschinenbau GmbH"),
            counterparty_account: s("DE02600501010002034304"),
            type_code: s("PMNT/RCDT/ESCT"),
            texts: strings(&["Skonto 2% und Abzug Transportschaden", "SEPA-GUTSCHRIFT"]),
            referred_documents: vec![ReferredDocument {
                number: "INV-2024-0042".into(),
                amount: Some(119000),
                discount: Some(2500),
                deduction: Some(3500),
                reason: s("DMGD 2 cartons damaged in transit"),
            }],
            creditor_refs: strings(&["RF18539007547034"]),
            ..blank()
        }
    );
    // The batch of three payers is split, one entry each.
    let batch: Vec<&Entry> = entries[1..4].iter().map(|(_, e)| e).collect();
    let got: Vec<_> = batch
        .iter()
        .map(|e| (e.amount, e.batch_index, e.counterparty_name.as_deref(), e.end_to_end_id.as_deref(), e.location.line))
        .collect();
    assert_eq!(
        got,
        vec![
            (150000, Some(0), Some("Bäckerei Schneider e.K."), Some("RG2024-0043"), 273),
            (123456, Some(1), Some("Van den Berg B.V."), None, 296),
            (72222, Some(2), Some("Société Générale Services SAS"), Some("E2E-FR-88410"), 320),
        ]
    );
    assert_eq!(
        batch[1].texts,
        strings(&["INV-2024-0044 INV-2024-0047", "Kundennr 40017", "SEPA-SAMMELGUTSCHRIFT 3 POSTEN"])
    );
    assert_eq!(batch[1].location.at.as_deref(), Some("Stmt[1]/Ntry[2]/NtryDtls/TxDtls[2]"));
    assert_eq!(batch[2].counterparty_account, s("FR1420041010050500013M02606"));
    assert_eq!(batch[0].bank_ref, s("2024031500117801-0001"));
    // The returned credit: a debit reversal; the payer is the original debtor.
    assert_eq!(
        entries[4].1,
        Entry {
            location: loc(346, "Stmt[1]/Ntry[3]"),
            direction: Direction::Debit,
            reversal: true,
            amount: 50000,
            booking_date: day("2024-03-15"),
            value_date: day("2024-03-13"),
            bank_ref: s("2024031500118020-0001"),
            customer_ref: s("RTN8841200113"),
            end_to_end_id: s("HANSEN-20240311-01"),
            counterparty_name: s("Hansen ApS"),
            counterparty_account: s("DK5000400440116243"),
            type_code: s("PMNT/RCDT/RRTN"),
            texts: strings(&["INV-2024-0031", "RETOURE SEPA-GUTSCHRIFT"]),
            return_reason: s("AC04"),
            ..blank()
        }
    );
    // The PDNG entry (Ntry[4]) is skipped; the fee has no NtryDtls.
    assert_eq!(entries[5].1.location, loc(453, "Stmt[1]/Ntry[5]"));
    assert_eq!(entries[5].1.texts, strings(&["ENTGELTABSCHLUSS 02/2024"]));
    assert_eq!(entries[5].1.type_code, s("ACMT/MDOP/CHRG"));
    let wire = &entries[6];
    assert_eq!(wire.0, "0352C5320240315220411001");
    assert_eq!((wire.1.amount, wire.1.currency), (200000, cur("USD")));
    assert_eq!(wire.1.booking_date, day("2024-03-15"));
    assert_eq!(wire.1.type_code, s("NTRF+202+00931"));
    assert_eq!(wire.1.counterparty_account, s("4471029938"));
}

#[test]
fn camt054_v02_notification() {
    let (file, entries) = fixture("camt054_v02.xml");
    assert_eq!(file.format, BankFormat::Camt054);
    let st = &file.statements[0];
    assert_eq!((st.id.as_str(), st.account.as_str()), ("054-20240408-000311-01", "AT611904300234573201"));
    assert_eq!((st.opening, st.closing), (None, None));
    assert_eq!(totals(st), (2, 184000, 1, 9990, Some(cur("EUR"))));
    assert_eq!(
        st.warnings,
        strings(&["statement 054-20240408-000311-01: the entry on line 88 (Ntfctn[1]/Ntry[2]): 2 of its 2 transactions give no amount in EUR, so it is kept as one entry"])
    );
    let e = &entries[0].1;
    assert_eq!(e.counterparty_name, s("Gruber & Söhne KG"));
    assert_eq!(
        e.referred_documents,
        vec![ReferredDocument {
            number: "RE-24-1107".into(),
            amount: Some(84000),
            discount: Some(2000),
            ..Default::default()
        }]
    );
    assert_eq!(e.creditor_refs, strings(&["RF712348231"]));
    // The batch without amounts is one entry with both payers' texts and no single payer.
    let merged = &entries[1].1;
    assert_eq!((merged.amount, merged.batch_index, merged.location.line), (100000, None, 88));
    assert_eq!(merged.texts, strings(&["RE-24-1110", "RE-24-1112 Teilzahlung"]));
    assert_eq!((merged.counterparty_name.as_deref(), merged.end_to_end_id.as_deref()), (None, Some("HUBER-0412")));
    // A debit: the creditor is the counterparty.
    let dd = &entries[2].1;
    assert_eq!((dd.direction, dd.amount), (Direction::Debit, 9990));
    assert_eq!(
        (dd.counterparty_name.as_deref(), dd.customer_ref.as_deref()),
        (Some("A1 Telekom Austria AG"), Some("A1MR0000099127"))
    );
    assert_eq!(dd.counterparty_account, s("AT131200000703710800"));
    assert_eq!(dd.value_date, day("2024-04-09"));
}

#[test]
fn camt054_v08_one_line_batch_that_does_not_add_up() {
    let (file, entries) = fixture("camt054_v08.xml");
    assert_eq!(file.format, BankFormat::Camt054);
    let st = &file.statements[0];
    assert_eq!(totals(st), (2, 178000, 0, 0, Some(cur("CHF"))));
    assert_eq!(
        st.warnings,
        strings(&["statement 20240521375204000000001: the entry on line 2 (Ntfctn[1]/Ntry[1]): its 2 transactions add up to 1500.00 CHF but the entry is 1530.00 CHF, so it is kept as one entry"])
    );
    let merged = &entries[0].1;
    assert_eq!((merged.amount, merged.batch_index, merged.counterparty_name.as_deref()), (153000, None, None));
    assert_eq!(merged.creditor_refs, strings(&["210000000003139471430009017", "210000000003139471430009025"]));
    assert_eq!(merged.end_to_end_id, s("WT-24-00981"));
    assert_eq!(merged.texts, strings(&["EndToEndId ROSSI-2024-118", "Gutschrift QR-IBAN Sammelbuchung"]));
    assert_eq!(merged.bank_ref, s("CH20240520QRR0000771"));
    let ultimate = &entries[1].1;
    assert_eq!(ultimate.counterparty_name, s("Bernasconi Architetti Sagl"));
    assert_eq!((ultimate.end_to_end_id.as_deref(), ultimate.customer_ref.as_deref()), (None, Some("INSTR-88120")));
}

#[test]
fn latin1_declared_file_is_decoded() {
    let (file, entries) = fixture("camt053_latin1.xml");
    let st = &file.statements[0];
    assert_eq!((st.opening, st.closing), (Some(-25000), Some(582740)));
    assert_eq!(totals(st), (3, 607740, 0, 0, Some(cur("EUR"))));
    assert!(st.warnings.is_empty(), "{:?}", st.warnings);
    let names: Vec<_> = entries.iter().map(|(_, e)| e.counterparty_name.clone().unwrap_or_default()).collect();
    assert_eq!(names, strings(&["Müller GmbH", "Société Générale Luxembourg", "Petrov i Sinove OOD"]));
    assert_eq!(entries[0].1.texts, strings(&["Rechnung Nr. 2024/118 Größe L, Grüße aus Köln"]));
    assert_eq!(entries[1].1.texts, strings(&["Facture n° 2024-121 réglée"]));
    // CRLF line ends still count one line each.
    assert_eq!(entries[2].1.location, loc(137, "Stmt[1]/Ntry[3]"));
    assert_eq!(entries[2].1.value_date, day("2024-06-05"));
}

#[test]
fn bulgarian_utf8_with_bom() {
    let (file, entries) = fixture("camt053_bg_utf8.xml");
    let st = &file.statements[0];
    assert_eq!(totals(st), (2, 348020, 1, 10000, Some(cur("BGN"))));
    assert!(st.warnings.is_empty(), "{:?}", st.warnings);
    assert_eq!(entries[0].1.counterparty_name, s("ООО „Балкан Трейд“"));
    assert_eq!(entries[0].1.texts, strings(&["Плащане по фактура № 0000004521 от 15.07.2024"]));
    assert_eq!(entries[0].1.type_code, s("CT-BISERA"));
    assert_eq!(
        (entries[1].1.counterparty_name.as_deref(), entries[1].1.end_to_end_id.as_deref()),
        (Some("Иванов Консулт ЕООД"), None)
    );
    assert_eq!(entries[2].1.texts, strings(&["Такса обслужване на сметка 07/2024"]));
    assert_eq!(entries[2].1.location.line, 128);
}

#[test]
fn utf16_and_tiny_reads_give_the_same_entries() {
    for name in ["camt053_bg_utf8.xml", "camt053_latin1.xml", "camt053_v08_two_statements.xml", "camt054_v08.xml"] {
        let bytes = read(&format!("{FIX}{name}"));
        let want = run(&bytes).unwrap();
        // Reads of 1 and 7 bytes split multi-byte characters and tags everywhere.
        for cap in [1, 7] {
            let got = run_reader(&mut BufReader::with_capacity(cap, &bytes[..])).unwrap();
            assert_eq!(got, want, "{name} read {cap} bytes at a time");
        }
        if name == "camt053_bg_utf8.xml" {
            let text = std::str::from_utf8(&bytes[3..]).unwrap().replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"");
            let mut utf16 = vec![0xFF, 0xFE];
            utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            assert!(sniff(&utf16[..utf16.len().min(4096)]));
            assert_eq!(run(&utf16).unwrap(), want);
        }
    }
}

#[test]
fn empty_statement() {
    let (file, entries) = fixture("camt053_empty.xml");
    assert!(entries.is_empty());
    let st = &file.statements[0];
    assert_eq!((st.id.as_str(), st.opening, st.closing), ("FI2112345600000785-20240830", Some(123456), Some(123456)));
    assert_eq!(totals(st), (0, 0, 0, 0, Some(cur("EUR"))));
    assert!(st.warnings.is_empty());
}

#[test]
fn bad_fixtures_fail_on_the_right_line() {
    let cases = [
        ("truncated.xml", 64, "Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]/RltdPties/Dbtr/Nm", "truncated"),
        ("ntry_without_amt.xml", 41, "Stmt[1]/Ntry[1]", "no `Amt`"),
        ("bad_currency.xml", 42, "Stmt[1]/Ntry[1]/Amt", "unknown currency 'EUX'"),
        ("too_many_decimals.xml", 42, "Stmt[1]/Ntry[1]/Amt", "more decimal places than EUR allows"),
        ("bad_date.xml", 46, "Stmt[1]/Ntry[1]/BookgDt/Dt", "'2024-02-30' is not a date"),
        ("bad_datetime.xml", 49, "Stmt[1]/Ntry[1]/ValDt/DtTm", "'15.03.2024 14:31' is not a date"),
        ("pain001.xml", 3, "Document", "not a camt.053 bank statement"),
    ];
    for (name, line, at, msg) in cases {
        let err = bad(name);
        assert_eq!(err.location, loc(line, at), "{name}: {err:?}");
        assert!(err.message.contains(msg), "{name}: {}", err.message);
    }
    assert!(
        bad("pain001.xml").message.contains("CstmrCdtTrfInitn (urn:iso:std:iso:20022:tech:xsd:pain.001.001.03)")
            || bad("pain001.xml")
                .message
                .contains("`CstmrCdtTrfInitn` (urn:iso:std:iso:20022:tech:xsd:pain.001.001.03)")
    );
}

const MINI: &str = r#"<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
<Id>S1</Id><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">AMOUNT</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><DtTm>DATE</DtTm></BookgDt>
<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>NAME</Nm></Dbtr></RltdPties></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>
"#;

fn mini(amount: &str, date: &str, name: &str) -> Result<Parsed, BankError> {
    run(MINI.replace("AMOUNT", amount).replace("DATE", date).replace("NAME", name).as_bytes())
}

#[test]
fn dates_amounts_and_entities() {
    for (date, want) in [
        ("2024-03-15T23:30:00+01:00", "2024-03-15"),
        ("2024-03-15T23:30:00.123Z", "2024-03-15"),
        ("2024-03-15T00:00:00", "2024-03-15"),
        ("2024-03-15T08:00:00.0-05:00", "2024-03-15"),
        // xs:date with a time zone, as the schema allows (seen in other banks' files)
        ("2024-03-15+01:00", "2024-03-15"),
        ("2024-03-15Z", "2024-03-15"),
        ("2024-03-15T08:00+02:00", "2024-03-15"),
    ] {
        let (_, e) = mini("1.00", date, "X").unwrap();
        assert_eq!(e[0].1.booking_date, day(want), "{date}");
    }
    for date in [
        "2024-03-15 08:00",
        "2024-03-15T8",
        "2024-03-15T25:00:00",
        "2024-03-15T08:00:00+0100",
        "",
        "2024",
        "0000-03-15",
        "1899-12-31T00:00:00",
    ] {
        let err = mini("1.00", date, "X").unwrap_err();
        assert_eq!(err.location, loc(4, "Stmt[1]/Ntry[1]/BookgDt/DtTm"), "{date}");
    }
    assert!(mini("-1.00", "2024-03-15T00:00:00", "X").unwrap_err().message.contains("negative"));
    assert!(mini("1,00", "2024-03-15T00:00:00", "X").unwrap_err().message.contains("not an amount"));
    assert_eq!(mini("0", "2024-03-15T00:00:00", "X").unwrap().1[0].1.amount, 0);
    let (_, e) = mini("12.5", "2024-03-15T00:00:00", "A &amp; B &#x4D;&#252;ller &lt;C&gt;").unwrap();
    assert_eq!((e[0].1.amount, e[0].1.counterparty_name.as_deref()), (1250, Some("A & B Müller <C>")));
    let err = mini("1", "2024-03-15T00:00:00", "A &nbsp; B").unwrap_err();
    assert!(err.message.contains("&nbsp;"), "{}", err.message);
    // <![CDATA[ ]]> text is taken as is.
    let (_, e) = mini("1", "2024-03-15T00:00:00", "<![CDATA[R&D <GmbH>]]>").unwrap();
    assert_eq!(e[0].1.counterparty_name, s("R&D <GmbH>"));
}

#[test]
fn structural_errors() {
    if !real_files_present() {
        return;
    }
    let no_id = MINI.replace("<Id>S1</Id>", "");
    let err = run(no_id.replace("AMOUNT", "1").replace("DATE", "2024-01-01T00:00:00").as_bytes()).unwrap_err();
    assert_eq!(err.location, loc(2, "Stmt[1]"));
    assert!(err.message.contains("no `Id`"));
    let no_acct = MINI.replace("<IBAN>DE02120300000000202051</IBAN>", "");
    let err = run(no_acct.replace("AMOUNT", "1").replace("DATE", "2024-01-01T00:00:00").as_bytes()).unwrap_err();
    assert!(err.message.contains("no account"), "{}", err.message);
    let no_dir = MINI.replace("<CdtDbtInd>CRDT</CdtDbtInd>", "<CdtDbtInd>CR</CdtDbtInd>");
    let err = run(no_dir.replace("AMOUNT", "1").replace("DATE", "2024-01-01T00:00:00").as_bytes()).unwrap_err();
    assert!(err.message.contains("CRDT or DBIT"));
    let no_ccy = MINI.replace(r#"<Amt Ccy="EUR">"#, "<Amt>");
    let err = run(no_ccy.replace("AMOUNT", "1").replace("DATE", "2024-01-01T00:00:00").as_bytes()).unwrap_err();
    assert!(err.message.contains("no `Ccy`"));
    let mt940 = read(&format!("{REAL}sepa_snippet.sta"));
    assert!(run(&mt940).unwrap_err().message.contains("no camt.053"));
    assert!(run(b"").is_err());
    let html = run(b"<html><body>Login expired</body></html>").unwrap_err();
    assert!(html.message.contains("root element is `html`"), "{}", html.message);
    let unknown = run(b"<?xml version=\"1.0\" encoding=\"x-klingon\"?><Document/>").unwrap_err();
    assert!(unknown.message.contains("x-klingon"));
    let mismatched = run(b"<Document><BkToCstmrStmt><Stmt></Ntry></Stmt></BkToCstmrStmt></Document>").unwrap_err();
    assert_eq!(mismatched.location.line, 1);
}

#[test]
fn sniffs_camt_only() {
    if !real_files_present() {
        return;
    }
    for name in [
        "camt053_v08_two_statements.xml",
        "camt054_v02.xml",
        "camt054_v08.xml",
        "camt053_latin1.xml",
        "camt053_bg_utf8.xml",
    ] {
        let bytes = read(&format!("{FIX}{name}"));
        assert!(sniff(&bytes[..bytes.len().min(4096)]), "{name}");
        assert!(sniff(&bytes[..300]), "{name} cut short");
    }
    assert!(sniff(&read(&format!("{REAL}test-camt053"))[..200]));
    assert!(sniff(&read(&format!("{REAL}business_sample_camt.053.001.04.xml"))));
    for name in ["citi_example.bai2", "sample4-continuations-newline-delimited.txt", "sepa_snippet.sta", "rabobank.sta"]
    {
        assert!(!sniff(&read(&format!("{REAL}{name}"))), "{name}");
    }
    assert!(!sniff(&read(&format!("{FIX}bad/pain001.xml"))));
    assert!(!sniff(b""));
}

fn all_files() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let real_names: &[&str] =
        if real_files_present() { &["test-camt053", "business_sample_camt.053.001.04.xml"] } else { &[] };
    for name in real_names {
        files.push((name.to_string(), read(&format!("{REAL}{name}"))));
    }
    for dir in [FIX.to_string(), format!("{FIX}bad/")] {
        let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        for path in names.into_iter().filter(|p| p.extension().is_some_and(|x| x == "xml")) {
            files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    files
}

#[test]
fn truncation_at_every_byte_is_an_error_never_a_panic() {
    for (name, bytes) in all_files() {
        let whole = run(&bytes);
        let end = bytes.iter().rposition(|&b| b == b'>').unwrap();
        for cut in 0..bytes.len() {
            let got = run(&bytes[..cut]);
            // Cut anywhere before the root's end tag is complete, a good file is refused.
            if whole.is_ok() && cut <= end {
                assert!(got.is_err(), "{name} cut at {cut} was accepted");
            }
        }
    }
}

#[test]
fn random_bytes_and_mutations_never_panic() {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let files = all_files();
    for round in 0..3000 {
        let (_, original) = &files[round % files.len()];
        let mut bytes = original.clone();
        match round % 3 {
            0 => bytes = (0..next() % 2000).map(|_| next() as u8).collect(),
            1 => {
                for _ in 0..1 + next() % 8 {
                    let i = (next() as usize) % bytes.len();
                    bytes[i] = next() as u8;
                }
            }
            _ => {
                // Splice a random slice of the file somewhere else: nesting errors, repeated elements.
                let a = (next() as usize) % bytes.len();
                let b = a + (next() as usize) % (bytes.len() - a);
                let at = (next() as usize) % bytes.len();
                let piece = bytes[a..b].to_vec();
                bytes.splice(at..at, piece);
            }
        }
        let _ = run(&bytes);
        let _ = sniff(&bytes[..bytes.len().min(4096)]);
    }
}

#[test]
fn batch_directions_statuses_and_balances() {
    let ntry = |body: &str| format!("<Ntry>{body}</Ntry>\n");
    let tx = |amt: &str, dir: &str, name: &str| {
        format!(
            "<TxDtls><Amt Ccy=\"EUR\">{amt}</Amt><CdtDbtInd>{dir}</CdtDbtInd>\
             <RltdPties><Dbtr><Nm>{name}</Nm></Dbtr><Cdtr><Nm>Us</Nm></Cdtr></RltdPties></TxDtls>"
        )
    };
    let head = |amt: &str, dir: &str, sts: &str| {
        format!("<Amt Ccy=\"EUR\">{amt}</Amt><CdtDbtInd>{dir}</CdtDbtInd><Sts>{sts}</Sts>")
    };
    let doc = format!(
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.05\"><BkToCstmrStmt>\n<Stmt><Id>S</Id>\
         <Acct><Id><Othr><Id>12345</Id></Othr></Id></Acct>\n\
         <Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>\n\
         <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"USD\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>\n\
         {}{}{}{}{}</Stmt></BkToCstmrStmt></Document>",
        // A netted batch: +100 and −20 make the entry's +80, so it is split by the transactions' own CdtDbtInd.
        ntry(&format!("{}<NtryDtls>{}{}</NtryDtls>", head("80.00", "CRDT", "BOOK"), tx("100", "CRDT", "A"), tx("20", "DBIT", "B"))),
        ntry(&format!("{}<NtryDtls>{}</NtryDtls>", head("5.00", "CRDT", "BOOK"), tx("5", "DBIT", "C"))),
        ntry(&head("1.00", "CRDT", "INFO")),
        ntry(&head("2.00", "DBIT", "INFO")),
        ntry(&head("3.00", "CRDT", "PDNG")),
    );
    let (file, entries) = run(doc.as_bytes()).unwrap();
    let got: Vec<_> = entries
        .iter()
        .map(|(_, e)| (e.direction, e.amount, e.batch_index, e.counterparty_name.as_deref(), e.location.line))
        .collect();
    assert_eq!(
        got,
        vec![
            (Direction::Credit, 10000, Some(0), Some("A"), 5),
            (Direction::Debit, 2000, Some(1), Some("Us"), 5), // a debit's counterparty is the creditor
            (Direction::Credit, 500, None, Some("C"), 6),
        ]
    );
    let st = &file.statements[0];
    assert_eq!((st.account.as_str(), st.opening, st.closing), ("12345", Some(1000), None));
    assert_eq!(totals(st), (2, 10500, 1, 2000, Some(cur("EUR"))));
    assert_eq!(
        st.warnings,
        strings(&[
            "statement S: the CLBD balance is in USD, not EUR; not checked",
            "statement S: the entry on line 6 (Stmt[1]/Ntry[2]): its transaction has the opposite CdtDbtInd; the entry's is used",
            "statement S: skipped 2 entries with status INFO (not booked)",
            "statement S: skipped 1 entry with status PDNG (not booked)",
        ])
    );
    // Entries in another currency than the balances: no balance check, a warning instead.
    let mixed = MINI
        .replace("<Ntry>", "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"USD\">0</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal><Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"USD\">0</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal><Ntry>")
        .replace("AMOUNT", "1")
        .replace("DATE", "2024-01-01T00:00:00");
    let (file, _) = run(mixed.as_bytes()).unwrap();
    assert_eq!(
        file.statements[0].warnings,
        strings(&["statement S1: entries in other currencies than USD; balances not checked"])
    );
}

const BALANCES: &str = "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">10.00</Amt>OPEN</Bal>\
    <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">11.00</Amt>CLOSE</Bal><Ntry>";

fn with_balances(open: &str, close: &str) -> String {
    MINI.replacen("<Ntry>", &BALANCES.replace("OPEN", open).replace("CLOSE", close), 1)
        .replace("AMOUNT", "1.00")
        .replace("DATE", "2024-01-01")
}

#[test]
fn balance_without_cdtdbtind_is_a_credit_with_a_warning() {
    let crdt = "<CdtDbtInd>CRDT</CdtDbtInd>";
    let (file, _) = run(with_balances(crdt, crdt).as_bytes()).unwrap();
    assert!(file.statements[0].warnings.is_empty(), "{:?}", file.statements[0].warnings);
    let (file, _) = run(with_balances("", "").as_bytes()).unwrap();
    let st = &file.statements[0];
    assert_eq!((st.opening, st.closing), (Some(1000), Some(1100)));
    assert_eq!(st.warnings.len(), 2, "{:?}", st.warnings);
    assert!(st.warnings[0].contains("the OPBD balance has no `CdtDbtInd`; read as a credit (positive) balance"));
    // Read as credits, a debit balance shows up as a difference: still a warning, never silent.
    let (file, _) = run(with_balances("<CdtDbtInd>DBIT</CdtDbtInd>", "").as_bytes()).unwrap();
    assert!(file.statements[0].warnings.iter().any(|w| w.contains("difference")), "{:?}", file.statements[0].warnings);
    // Without an amount the balance is still refused.
    let text = with_balances(crdt, crdt).replace("<Amt Ccy=\"EUR\">10.00</Amt>", "");
    assert!(run(text.as_bytes()).unwrap_err().message.contains("needs an `Amt`"));
}

#[test]
fn message_without_statements_is_an_input_error() {
    let text = "<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">\
                <BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr></BkToCstmrStmt></Document>";
    let e = run(text.as_bytes()).unwrap_err();
    assert!(e.message.contains("holds no statement (`Stmt`)"), "{}", e.message);
    assert_eq!(e.location.at.as_deref(), Some("BkToCstmrStmt"));
    let text = text.replace("camt.053", "camt.054").replace("BkToCstmrStmt", "BkToCstmrDbtCdtNtfctn");
    assert!(run(text.as_bytes()).unwrap_err().message.contains("holds no notification (`Ntfctn`)"));
    // A statement without entries is a statement (a quiet day), not an error.
    let quiet = MINI.replace(&MINI[MINI.find("<Ntry>").unwrap()..MINI.find("</Stmt>").unwrap()], "");
    assert_eq!(run(quiet.as_bytes()).unwrap().0.statements.len(), 1);
}

#[test]
fn undated_entries_take_the_statement_day_or_are_refused() {
    let crdt = "<CdtDbtInd>CRDT</CdtDbtInd>";
    let dated = |open: &str, close: &str| {
        with_balances(&format!("{crdt}<Dt><Dt>{open}</Dt></Dt>"), &format!("{crdt}<Dt><Dt>{close}</Dt></Dt>"))
            .replace("<BookgDt><DtTm>2024-01-01</DtTm></BookgDt>", "")
    };
    let (file, e) = run(dated("2024-04-11", "2024-04-11").as_bytes()).unwrap();
    assert_eq!((e[0].1.direction, e[0].1.booking_date), (Direction::Credit, day("2024-04-11")));
    assert!(file.statements[0].warnings[0].contains("1 entry without `BookgDt` or `ValDt`: dated 2024-04-11"));
    // A statement over several days can't date it: it stays undated (bank/payments.rs refuses
    // to make a payment of it).
    let (file, e) = run(dated("2024-04-10", "2024-04-11").as_bytes()).unwrap();
    assert_eq!((e[0].1.booking_date, e[0].1.value_date), (None, None));
    assert!(file.statements[0].warnings.is_empty());
}
