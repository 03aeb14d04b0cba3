use super::*;
use crate::bank::mt940_info::join_display;
use std::io::{BufReader, Cursor, Read};

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
const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bank/mt940/");

fn read(dir: &str, name: &str) -> Vec<u8> {
    std::fs::read(format!("{dir}{name}")).unwrap_or_else(|e| panic!("{dir}{name}: {e}"))
}

/// Parses `bytes`, collecting what the sink saw as (statement id, entry).
fn run(bytes: &[u8]) -> (Result<BankFile, BankError>, Vec<(String, Entry)>) {
    let mut seen = Vec::new();
    let result = parse(&mut Cursor::new(bytes), &mut |st: &Statement, e: Entry| seen.push((st.id.clone(), e)));
    (result, seen)
}

fn ok(bytes: &[u8]) -> (BankFile, Vec<Entry>) {
    let (result, seen) = run(bytes);
    (result.unwrap(), seen.into_iter().map(|(_, e)| e).collect())
}

fn err(bytes: &[u8]) -> BankError {
    run(bytes).0.unwrap_err()
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

fn eur() -> Currency {
    Currency::parse("EUR").unwrap()
}

/// Counts and totals over the whole file: (credits, credit total, debits, debit total).
fn totals(file: &BankFile) -> (u64, i64, u64, i64) {
    file.statements
        .iter()
        .fold((0, 0, 0, 0), |t, st| (t.0 + st.credits, t.1 + st.credit_total, t.2 + st.debits, t.3 + st.debit_total))
}

#[test]
fn sepa_snippet_statements_totals_and_balances() {
    if !real_files_present() {
        return;
    }
    let (file, entries) = ok(&read(REAL, "sepa_snippet.sta"));
    assert_eq!(file.format, BankFormat::Mt940);
    assert!(file.warnings.is_empty());
    assert_eq!(file.statements.len(), 2);
    assert_eq!(entries.len(), 11);
    assert!(entries.iter().all(|e| e.currency == eur()));
    assert_eq!(totals(&file), (8, 143_074_572, 3, 357_406_911));

    let s1 = &file.statements[0];
    assert_eq!(s1.id, "T089414086000001/00004/00001");
    assert_eq!(s1.account, "50880050/0194787400888");
    assert_eq!(s1.location, Location { line: 1, at: Some(":20:".into()) });
    assert_eq!((s1.currency, s1.opening, s1.closing), (Some(eur()), Some(76_665_649), Some(112_525_040)));
    assert_eq!((s1.credits, s1.credit_total, s1.debits, s1.debit_total), (3, 36_009_391, 1, 150_000));
    assert!(s1.warnings.is_empty(), "statement 1 ties: {:?}", s1.warnings);

    let s2 = &file.statements[1];
    assert_eq!(s2.id, "T089414096000001/00004/00001");
    assert_eq!(s2.account, "50880050/0194791600888");
    assert_eq!((s2.opening, s2.closing), (Some(-197_043_187), Some(-447_204_909)));
    assert_eq!((s2.credits, s2.credit_total, s2.debits, s2.debit_total), (5, 107_065_181, 2, 357_256_911));
    assert_eq!(
        s2.warnings,
        vec!["statement T089414096000001/00004/00001: opening -1970431.87 + credits 1070651.81 − debits 3572569.11 \
              = -4472349.17, but the closing balance is -4472049.09 (difference 300.08)"
            .to_string()]
    );
}

#[test]
fn sepa_snippet_entry_fields() {
    if !real_files_present() {
        return;
    }
    let (_, entries) = ok(&read(REAL, "sepa_snippet.sta"));
    // A SEPA credit whose `:86:` wraps mid-word ("Metzge" / "r") and splits EREF across ?20/?21.
    let e = &entries[0];
    assert_eq!(e.location, Location { line: 5, at: Some(":61:".into()) });
    assert_eq!((e.direction, e.reversal, e.amount), (Direction::Credit, false, 5_099_005));
    assert_eq!((e.booking_date, e.value_date), (date(2007, 9, 4), date(2007, 9, 7)));
    assert_eq!((e.bank_ref.clone(), e.customer_ref.clone()), (s("0724710333343453"), None));
    assert_eq!(e.end_to_end_id, s("EndToEndId TFNR 22 004 00001"));
    assert_eq!(e.counterparty_name, s("KARL KAUFMANN"));
    assert_eq!(e.counterparty_account, s("DE14508800500194785000"));
    assert_eq!(e.type_code, s("NTRF/166"));
    assert_eq!(e.texts[0], "Verw CTSc-01 BC-PPP TFNr 22 004");
    assert!(e.texts[1].starts_with("166?00GUTSCHRIFT?100399?20EREF+EndToEndId TFNR 22 004?21 00001?22SVWZ+Verw"));
    assert!(e.texts[1].ends_with("?70Empfaenger Marta Metzger"));
    assert_eq!(e.texts.len(), 2);
    assert!(e.creditor_refs.is_empty() && e.return_reason.is_none() && e.batch_index.is_none());

    // The KREF+ debit: the reference field literally holds "KREF+".
    let e = &entries[3];
    assert_eq!((e.direction, e.amount, e.value_date), (Direction::Debit, 150_000, date(2007, 9, 4)));
    assert_eq!((e.customer_ref.clone(), e.bank_ref.clone()), (s("KREF+"), s("536D80EFEC56ACF8")));
    assert_eq!(e.type_code, s("NTRF/191"));
    assert_eq!(
        e.creditor_refs,
        vec!["TFNr 01022 MSGID CTSc-01 EBB".to_string()],
        "the ?2 / 2 marker split across lines is rejoined"
    );
    assert_eq!(e.texts[0], "SEPA-Ueberweisungsauftrag Datei mit 0000001 Zahlungen");

    // GVC 159 returns with ?34 codes; the 0.08 one is a debit.
    let e = &entries[4];
    assert_eq!((e.direction, e.reversal, e.amount), (Direction::Debit, true, 8));
    assert_eq!(e.customer_ref, s("TFNr 40001 MSGID"));
    assert_eq!(e.end_to_end_id, s("TFNR 40001 00005"));
    assert_eq!(e.return_reason, s("914"));
    assert_eq!(e.texts[0], "Grund nicht spezifiziert Reject aus SEPA-Ueberweisungsauftrag");
    let e = &entries[6];
    assert_eq!((e.direction, e.reversal, e.amount), (Direction::Credit, true, 1_500_000), "15000, has no decimals");
    let e = &entries[9];
    assert_eq!((e.amount, e.bank_ref.clone(), e.return_reason.clone()), (91_531_155, s("R724710351063405"), s("901")));

    // Long purpose over ?22–?27, name over ?32/?33, unknown ?70/?71 ignored.
    let e = &entries[7];
    assert_eq!(e.end_to_end_id, s("EndToEndIdTFNR2000100001"));
    assert_eq!(
        e.texts[0],
        "TO 13 TFNr 20001 Eingangskanal Mint Unstrukturierter Verwendungszweck 140 Zeichen Beginn Fuellzeichen \
         xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    );
    assert_eq!(e.counterparty_name, s("Richter Renate 70 Zeichen Beginn Fuellzeichen xxxxxxxx"));
    assert_eq!(e.counterparty_account, s("DE42100100100043921105"));
    assert!(!e.reversal && e.return_reason.is_none());

    // Batch debit without SEPA keywords: the purpose text is the remittance.
    let e = &entries[10];
    assert_eq!((e.direction, e.amount, e.bank_ref.clone()), (Direction::Debit, 357_256_903, None));
    assert_eq!(e.type_code, s("NMSC/079"));
    assert_eq!(e.texts, vec!["0904059001".to_string(), "079?00SAMMLER?109800?200904059001".to_string()]);
}

#[test]
fn rabobank_old_format() {
    if !real_files_present() {
        return;
    }
    let (file, entries) = ok(&read(REAL, "rabobank.sta"));
    assert_eq!(file.statements.len(), 4);
    assert_eq!(totals(&file), (0, 0, 5, 158_909));
    let ids: Vec<&str> = file.statements.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["940A110615/00000/00", "940A110616/00000/00", "940A110617/00000/00", "940A120829/00000/00"]);
    assert_eq!(file.statements[0].account, "1291.99.348");
    assert_eq!(file.statements[3].account, "1526.89.184");
    let counts: Vec<u64> = file.statements.iter().map(|s| s.debits).collect();
    assert_eq!(counts, [1, 0, 2, 2]);
    assert_eq!((file.statements[1].opening, file.statements[1].closing), (Some(100_089), Some(100_089)));
    // Statements 2 and 4 tie, 1 and 3 don't.
    assert_eq!(
        file.statements[0].warnings,
        vec!["statement 940A110615/00000/00: opening 473.17 + credits 0.00 − debits 1213.28 = -740.11, but the \
              closing balance is 395.82 (difference 1135.93)"
            .to_string()]
    );
    assert!(file.statements[1].warnings.is_empty() && file.statements[3].warnings.is_empty());
    assert_eq!(
        file.statements[2].warnings,
        vec!["statement 940A110617/00000/00: opening 1295.82 + credits 0.00 − debits 281.51 = 1014.31, but the \
              closing balance is 1250.87 (difference 236.56)"
            .to_string()]
    );

    // Direct-debit reversal ("Terugboeking"), account and name from the :61: line, four :86: lines.
    let e = &entries[0];
    assert_eq!((e.direction, e.reversal, e.amount), (Direction::Debit, true, 121_328));
    assert_eq!((e.booking_date, e.value_date), (date(2011, 5, 27), date(2011, 5, 27)));
    assert_eq!(e.counterparty_account, s("0121470966"));
    assert_eq!(e.counterparty_name, s("W.P. Jansen"));
    assert_eq!((e.customer_ref.clone(), e.bank_ref.clone()), (None, None));
    assert_eq!(e.type_code, s("N044"));
    assert_eq!(
        e.texts,
        vec!["Terugboeking NIET AKKOORD MET AFSCHRIJVING KOSTEN KINDEROPVANG JUNI 20095731".to_string()]
    );

    let e = &entries[1];
    assert_eq!((e.amount, e.reversal), (4_495, false));
    assert_eq!(e.counterparty_name, s("T-MOBILE NETHERLANDS BV"));
    assert_eq!(e.texts, vec!["BETALINGSKENM.  123456789 FACTUURNUMMER 987654321".to_string()]);
    let e = &entries[2];
    assert_eq!((e.counterparty_account.clone(), e.counterparty_name.clone()), (None, s("TOMTE TUMMETOT AMERSFOORT")));
    assert_eq!(e.value_date, date(2011, 7, 21));
    let e = &entries[4];
    assert_eq!((e.amount, e.type_code.clone()), (620, s("NMSC")));
    assert_eq!(e.counterparty_account, s("P000029225"));
    assert_eq!(e.texts, vec!["Betaalautomaat 08:22 pasnr. 001".to_string()]);
}

#[test]
fn swift_blocks_two_messages_crlf() {
    let bytes = read(FIX, "swift_blocks.sta");
    assert!(bytes.windows(2).any(|w| w == b"\r\n"), "fixture keeps its CRLF line endings");
    let (file, entries) = ok(&bytes);
    assert_eq!(file.statements.len(), 2);
    let st: Vec<(&str, &str, u64, u64)> =
        file.statements.iter().map(|s| (s.id.as_str(), s.account.as_str(), s.credits, s.debits)).collect();
    assert_eq!(
        st,
        [("STARTUMS/00012/001", "37040044/0532013000", 2, 1), ("STARTUMS/00013/001", "37040044/0532013000", 1, 1)]
    );
    assert!(file.statements.iter().all(|s| s.warnings.is_empty()), "both messages tie");
    assert_eq!(totals(&file), (3, 472_570, 2, 17_115));
    assert_eq!(file.statements[1].location.line, 23);

    let e = &entries[0];
    assert_eq!(e.end_to_end_id, s("RE-2026-0042"));
    assert_eq!(e.texts[0], "Rechnung RE-2026-0042 Kd-Nr 10017");
    assert_eq!(e.counterparty_name, s("Mustermann Handels GmbH"));
    assert_eq!(e.counterparty_account, s("DE02120300000000202051"), "?31 wraps across lines");
    assert!(!e.texts.iter().any(|t| t.contains('\r')));
    let e = &entries[1];
    assert_eq!((e.direction, e.type_code.clone()), (Direction::Debit, s("NDDT/105")));
    assert_eq!(e.end_to_end_id, s("TDG-INV-884412"));
    assert_eq!(e.texts[0], "Telefon und Internet Januar 2026 Kundennr 4711");
    let e = &entries[2];
    assert_eq!((e.customer_ref.clone(), e.end_to_end_id.clone()), (s("KD10017-ZA0112"), None), "NOTPROVIDED");
    assert_eq!(e.texts[0], "RE-2026-0039 RE-2026-0040 Teilzahlung", "?21/?22 wrap mid-reference");
    assert_eq!(e.counterparty_name, s("Mustermann Handels GmbH"), "?32 wins over ABWA+");
    let e = &entries[3];
    assert_eq!(e.location.line, 27);
    assert!(e.texts[0].ends_with("vom 01.10.2025 Ansprechpartner Frau Schulze"), "purpose continues in ?60");
    assert_eq!(e.counterparty_name, s("Elektro Schulze und Soehne GmbH & Co. KG"));
    let e = &entries[4];
    assert_eq!((e.amount, e.type_code.clone(), e.customer_ref.clone()), (5_215, s("NCHG/805"), None));
    assert_eq!(e.texts[0], "Kontofuehrung 12/2025 Buchungsposten 37 x 0,35 EUR");
}

#[test]
fn ing_slash_form() {
    let (file, entries) = ok(&read(FIX, "ing_structured.sta"));
    assert_eq!(file.statements.len(), 1);
    let st = &file.statements[0];
    assert_eq!((st.id.as_str(), st.account.as_str()), ("P260113000000001/00000", "NL69INGB0123456789"));
    assert_eq!((st.credits, st.credit_total, st.debits, st.debit_total), (3, 394_775, 2, 11_245));
    assert!(st.warnings.is_empty());

    let e = &entries[0];
    assert_eq!(e.end_to_end_id, s("RE-2026-0051"));
    assert_eq!(e.counterparty_account, s("NL91ABNA0417164300"));
    assert_eq!(e.counterparty_name, s("Bakkerij de Vries BV"), "name wrapped at the 65th character");
    assert_eq!(e.texts[..2], ["Factuur RE-2026-0051 klantnr 20431".to_string(), "/TRCD/00100/".to_string()]);
    assert!(e.texts[2].starts_with("/EREF/RE-2026-0051//CNTP/"));
    assert_eq!(
        (e.customer_ref.clone(), e.bank_ref.clone(), e.type_code.clone()),
        (s("EREF"), s("00000000001005"), s("NTRF"))
    );

    let e = &entries[1];
    assert_eq!(e.end_to_end_id, None, "NOTPROVIDED");
    assert_eq!(e.creditor_refs, vec!["1234567890123456".to_string()]);
    assert_eq!(e.counterparty_name, s("J. Jansen"));

    let e = &entries[2];
    assert_eq!((e.direction, e.reversal, e.return_reason.clone()), (Direction::Debit, true, s("MD06")));
    assert_eq!(e.end_to_end_id, s("INCASSO-2026-0311"));
    assert_eq!(e.counterparty_name, s("P. de Boer"));
    assert_eq!(e.texts[0], "Contributie januari 2026");

    let e = &entries[3];
    assert_eq!(e.counterparty_name, s("Groothandel Pietersen"));
    assert_eq!(e.counterparty_account, s("NL44RABO0123456789"));
    assert_eq!(e.texts[0], "Betaling facturen RE-2026-0044 en RE-2026-0045");
    assert_eq!(e.customer_ref, None);

    // The statement-level `:86:/SUM/` after `:62F:` belongs to no entry.
    let e = &entries[4];
    assert_eq!(
        e.texts,
        vec!["Kosten zakelijk betalingsverkeer 12-2025", "/REMI/USTD//Kosten zakelijk betalingsverkeer 12-2025/"]
    );
}

#[test]
fn reversals_and_german_return() {
    let (file, entries) = ok(&read(FIX, "reversals.sta"));
    let st = &file.statements[0];
    assert_eq!(st.account, "DE44500105175407324931", "currency suffix dropped");
    assert_eq!((st.credits, st.credit_total, st.debits, st.debit_total), (3, 56_990, 2, 26_800));
    assert!(st.warnings.is_empty());
    let flags: Vec<(Direction, bool, i64)> = entries.iter().map(|e| (e.direction, e.reversal, e.amount)).collect();
    assert_eq!(
        flags,
        [
            (Direction::Debit, true, 25_000),   // RC: reversal of a credit
            (Direction::Credit, true, 3_990),   // RD: reversal of a debit
            (Direction::Credit, true, 12_000),  // GVC 159: our transfer came back
            (Direction::Credit, false, 41_000), // EC
            (Direction::Debit, false, 1_800),   // ED
        ]
    );
    assert_eq!(entries[0].end_to_end_id, s("RE-2026-0102"));
    assert_eq!(entries[0].return_reason, None);
    assert_eq!(entries[1].texts[0], "Storno Lastschrift Telefon Februar 2026");
    let e = &entries[2];
    assert_eq!((e.type_code.clone(), e.return_reason.clone()), (s("NTRF/159"), s("902")));
    assert_eq!((e.customer_ref.clone(), e.end_to_end_id.clone()), (s("GS-2026-0007"), s("GS-2026-0007")));
    assert_eq!(e.texts[0], "Gutschrift GS-2026-0007 zu RE-2026-0077 Konto erloschen");
    assert_eq!(e.counterparty_name, s("Anna Schmidt"));
    assert_eq!((entries[3].booking_date, entries[3].value_date), (date(2026, 2, 5), date(2026, 2, 4)));
    // "Rueckueberweisung" in the purpose of a fee is not a return; only ?00 / GVC / mark count.
    assert_eq!(entries[4].texts[0], "Entgelt Rueckueberweisung GS-2026-0007");
}

#[test]
fn entry_date_across_year_end() {
    let (file, entries) = ok(&read(FIX, "year_end.sta"));
    assert!(file.statements[0].warnings.is_empty());
    let dates: Vec<_> = entries.iter().map(|e| (e.value_date, e.booking_date)).collect();
    assert_eq!(
        dates,
        [
            (date(2026, 12, 31), date(2027, 1, 2)),
            (date(2027, 1, 2), date(2026, 12, 31)),
            (date(2026, 12, 31), date(2026, 12, 31)),
        ]
    );
    assert_eq!(entries[2].texts, vec!["Zinsgutschrift 2026".to_string()]);
    assert_eq!(entry_date(date(2028, 3, 1).unwrap(), "0229"), date(2028, 2, 29));
    assert_eq!(entry_date(date(2027, 3, 1).unwrap(), "0229"), date(2028, 2, 29), "nearest leap year");
    assert_eq!(entry_date(date(2027, 3, 1).unwrap(), "0230"), None);
    assert_eq!(entry_date(date(2027, 1, 1).unwrap(), "1231"), date(2026, 12, 31));
    assert_eq!(parse_yymmdd("991231"), date(1999, 12, 31));
    assert_eq!(parse_yymmdd("790101"), date(2079, 1, 1));
}

#[test]
fn windows_1252_and_utf8_read_alike() {
    let cp = read(FIX, "umlauts_cp1252.sta");
    let utf8 = read(FIX, "umlauts_utf8.sta");
    assert!(std::str::from_utf8(&cp).is_err() && std::str::from_utf8(&utf8).is_ok());
    let (f1, e1) = ok(&cp);
    let (f2, e2) = ok(&utf8);
    assert_eq!((f1, &e1), (f2, &e2));
    assert_eq!(e1[0].counterparty_name, s("Müller GmbH & Co. KG"));
    assert_eq!(e1[0].texts[0], "Rechnung RE-2026-0200 Grüße aus München");
    assert_eq!(e1[1].counterparty_name, s("Jürgen Weiß"));
    assert_eq!(e1[1].texts[0], "Bestellung für Jürgen Weiß");
    assert_eq!(e1[2].texts, vec!["Rückzahlung Kaution Hauptstraße 5".to_string()]);

    // Decided per line: one Windows-1252 line in an otherwise UTF-8 file.
    let mut mixed = utf8.clone();
    let at = mixed.windows(4).position(|w| w == b":86:").unwrap();
    mixed.splice(at..at, b":86:Stra\xdfe\n".iter().copied());
    let at = mixed.windows(4).position(|w| w == b":86:").unwrap();
    mixed.drain(at..at + 4);
    let (_, e3) = ok(&mixed);
    assert!(e3[0].texts.iter().any(|t| t.starts_with("Straße")), "{:?}", e3[0].texts);
    assert_eq!(e3[2].texts, e1[2].texts);
}

#[test]
fn bad_fixtures_fail_on_the_right_line() {
    let cases: [(&str, u64, &str); 8] = [
        ("missing_amount.sta", 7, "has no amount after the D/C mark"),
        ("bad_date.sta", 4, "'261332' where the date YYMMDD belongs"),
        ("entry_before_balance.sta", 2, "comes before the account `:25:` and opening balance"),
        ("unknown_mark.sta", 5, "where the debit/credit mark"),
        ("decimal_point.sta", 5, "but the amount on line 4 uses ','"),
        ("truncated.sta", 8, "the file is truncated"),
        ("empty.sta", 1, "the file is empty"),
        ("not_mt940.txt", 1, "not an MT940 file"),
    ];
    for (name, line, text) in cases {
        let e = err(&read(FIX, &format!("bad/{name}")));
        assert_eq!(e.location.line, line, "{name}: {e:?}");
        assert!(e.message.contains(text), "{name}: {}", e.message);
    }
    assert_eq!(err(&read(FIX, "bad/missing_amount.sta")).location.at.as_deref(), Some(":61:"));
    assert_eq!(err(&read(FIX, "bad/bad_date.sta")).location.at.as_deref(), Some(":60F:"));
}

const MINI: &str = ":20:REF\n:25:DE44500105175407324931\n:28C:1/1\n:60F:C260101EUR100,00\n\
                    :61:260102C10,00NTRFNONREF\n:86:Text\n:62F:C260102EUR110,00\n";

#[test]
fn structural_errors() {
    let cases: [(String, u64, &str); 13] = [
        (":25:DE44500105175407324931\n:20:REF\n".into(), 1, "before any `:20:`"),
        (format!("{MINI}:61:260102C10,00NTRFNONREF\n"), 8, "after the closing balance"),
        (MINI.replace(":62F:C260102EUR110,00\n", ":20:NEXT\n"), 7, "has no closing balance"),
        (MINI.replace(":62F:C260102EUR110,00\n", "-\n"), 7, "ends the message inside statement REF/1/1 (line 1)"),
        (
            MINI.replace(":60F:C260101EUR100,00\n", ":60F:C260101EUR100,00\n:60F:C260101EUR1,00\n"),
            5,
            "repeats the opening balance",
        ),
        (MINI.replace("C10,00NTRFNONREF", "C10,00X/Y"), 5, "no transaction type"),
        (MINI.replace("C10,00NTRF", "C10,001NTRF"), 5, "more decimal places than EUR"),
        (MINI.replace("260102C10", "2601C10"), 5, "value date"),
        (MINI.replace("EUR100,00", "XYZ100,00"), 4, "'XYZ' where the currency code belongs; that is no ISO 4217"),
        (MINI.replace("C10,00NTRF", "C10,00N/TRF"), 5, "no transaction type"),
        (MINI.replace("260102C10", "261302C10"), 5, "not a value date"),
        (MINI.replace("260102C10", "260230C10"), 5, "no calendar day, and no entry date"),
        (MINI.replace("C260102EUR110", "C260132EUR110"), 7, "where the date YYMMDD belongs"),
    ];
    for (text, line, msg) in cases {
        let e = run(text.as_bytes()).0.expect_err(&text);
        assert_eq!(e.location.line, line, "{text}: {e:?}");
        assert!(e.message.contains(msg), "{text}: {}", e.message);
    }
    let e = err(MINI.replace(":25:DE44500105175407324931\n", "").as_bytes());
    assert!(e.message.contains("before the account `:25:`"), "{}", e.message);
    // Too many lines of something else before any statement: refused early.
    let e = err("Hello\n".repeat(500).as_bytes());
    assert_eq!(e.location.line, 1);
    assert!(e.message.contains("no `:20:` tag in the first 51 lines"), "{}", e.message);
    // Endless `:86:` or supplementary lines are refused, not accumulated.
    let e = err(MINI.replace(":86:Text\n", &format!(":86:Text\n{}", "x\n".repeat(40_000))).as_bytes());
    assert!(e.message.contains("longer than 32768 bytes"), "{}", e.message);
    let e = err(MINI.replace(":86:Text\n", &"x\n".repeat(40_000)).as_bytes());
    assert!(e.message.contains("runs on"), "{}", e.message);
    // A line with no end is not buffered whole.
    let e = err(&vec![b'x'; MAX_LINE * 3]);
    assert!(e.message.contains("longer than"), "{}", e.message);
}

#[test]
fn headers_trailers_and_lenient_bits() {
    let (file, entries) = ok(MINI.as_bytes());
    assert_eq!(file.statements[0].id, "REF/1/1");
    assert_eq!(entries[0].booking_date, date(2026, 1, 2));
    // ABN AMRO style header lines, a BOM, CR-only junk and a message run on after `-}` on one line.
    let text = format!(
        "\u{feff}ABNANL2A\r\n940\r\nABNANL2A\r\n{MINI}-}}{{5:{{CHK:1}}}}{{1:F01X}}{{2:O940X}}{{4:\n{}-}}\n",
        MINI.replace("REF", "REF2")
    );
    let (file, entries) = ok(text.as_bytes());
    assert_eq!(file.statements.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["REF/1/1", "REF2/1/1"]);
    assert_eq!(entries.len(), 2);
    // Closing currency differs: a warning, not an error.
    let (file, _) = ok(MINI.replace("EUR110", "USD110").as_bytes());
    assert!(file.statements[0].warnings[0].contains("closing balance is in USD"), "{:?}", file.statements[0].warnings);
    // Balances with zero amounts, debit opening, no :28C:, funds code, supplementary line.
    let text = ":20:X\n:25:123\n:60M:D260101EUR0,\n:61:260102DR5,NTRFCUST1//BANK1\nSUPPL DETAILS\n\
                :86:Info\n:62M:D260102EUR5,00\n";
    let (file, entries) = ok(text.as_bytes());
    assert_eq!((file.statements[0].id.as_str(), file.statements[0].opening), ("X", Some(0)));
    let e = &entries[0];
    assert_eq!(
        (e.direction, e.amount, e.customer_ref.clone(), e.bank_ref.clone()),
        (Direction::Debit, 500, s("CUST1"), s("BANK1"))
    );
    assert_eq!(e.texts, vec!["SUPPL DETAILS".to_string(), "Info".to_string()]);
    // The sink sees the statement header as far as read.
    let mut headers = Vec::new();
    parse(&mut Cursor::new(MINI), &mut |st: &Statement, _| headers.push((st.account.clone(), st.opening, st.closing)))
        .unwrap();
    assert_eq!(headers, [("DE44500105175407324931".to_string(), Some(10_000), None)]);
}

#[test]
fn helpers() {
    assert_eq!(strip_currency("1291.99.348EUR"), "1291.99.348");
    assert_eq!(strip_currency("NL69INGB0123456789 EUR"), "NL69INGB0123456789");
    assert_eq!(strip_currency("50880050/0194787400888"), "50880050/0194787400888");
    assert_eq!(strip_currency("GB33BUKB20201555555555"), "GB33BUKB20201555555555");
    assert_eq!(strip_currency("EUR"), "EUR");
    assert_eq!(split_tag(":28C:00004/00001"), Some(("28C", "00004/00001")));
    assert_eq!(split_tag(":940:"), None);
    assert_eq!(split_tag("14:23 pasnr"), None);
    assert_eq!(parse_amount("000000001213,28", eur()), Ok((121_328, Some(','))));
    assert_eq!(parse_amount("15000,", eur()), Ok((1_500_000, Some(','))));
    assert!(parse_amount("1,2,3", eur()).is_err() && parse_amount("", eur()).is_err());
    assert_eq!(join_display(&["a  ".into(), "b".into()]), "a b");
}

#[test]
fn sniffs_mt940_only() {
    if !real_files_present() {
        return;
    }
    for name in ["sepa_snippet.sta", "rabobank.sta"] {
        assert!(sniff(&read(REAL, name)), "{name}");
    }
    for name in ["swift_blocks.sta", "ing_structured.sta", "reversals.sta", "year_end.sta", "umlauts_cp1252.sta"] {
        let bytes = read(FIX, name);
        assert!(sniff(&bytes[..bytes.len().min(4096)]), "{name}");
    }
    for name in [
        "citi_example.bai2",
        "sample4-continuations-newline-delimited.txt",
        "test-camt053",
        "business_sample_camt.053.001.04.xml",
    ] {
        assert!(!sniff(&read(REAL, name)), "{name}");
    }
    assert!(!sniff(b"") && !sniff(&read(FIX, "bad/not_mt940.txt")));
    assert!(sniff(b"{1:F01INGBNL2ABXXX0000000000}{2:I940INGBNL2AXXXN}{4:"));
}

fn all_files() -> Vec<Vec<u8>> {
    let real_names: &[&str] = if real_files_present() { &["sepa_snippet.sta", "rabobank.sta"] } else { &[] };
    let mut files: Vec<Vec<u8>> = real_names.iter().map(|n| read(REAL, n)).collect();
    for dir in [FIX.to_string(), format!("{FIX}bad/")] {
        let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        files.extend(
            names
                .into_iter()
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x != "md"))
                .map(|p| std::fs::read(p).unwrap()),
        );
    }
    files
}

#[test]
fn truncation_at_every_byte_never_panics() {
    for bytes in all_files() {
        for cut in 0..=bytes.len() {
            let _ = run(&bytes[..cut]);
        }
    }
}

/// xorshift: deterministic noise without a dependency.
fn noise(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn random_bytes_and_mutations_never_panic() {
    let mut seed = 0x9E37_79B9_7F4A_7C15;
    let alphabet = b":0123456789CDRENTF?/+-{}\n\r ,AZ";
    for _ in 0..3000 {
        let len = (noise(&mut seed) % 400) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| noise(&mut seed) as u8).collect();
        let _ = run(&bytes);
        let text: Vec<u8> = (0..len).map(|_| alphabet[(noise(&mut seed) % alphabet.len() as u64) as usize]).collect();
        let _ = run(&text);
    }
    for bytes in all_files() {
        for _ in 0..300 {
            let mut m = bytes.clone();
            for _ in 0..1 + noise(&mut seed) % 4 {
                if !m.is_empty() {
                    let i = (noise(&mut seed) % m.len() as u64) as usize;
                    m[i] = alphabet[(noise(&mut seed) % alphabet.len() as u64) as usize];
                }
            }
            let _ = run(&m);
        }
    }
}

/// A reader that makes a statement with `n` entries on the fly, so the test input is never in memory whole.
struct Generated {
    n: u64,
    i: u64,
    buf: Vec<u8>,
    pos: usize,
}

impl Read for Generated {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.buf.len() {
            self.buf = match self.i {
                0 => ":20:BIG\n:25:DE44500105175407324931\n:60F:C260101EUR0,00\n".into(),
                i if i <= self.n => {
                    format!(":61:260102C1,25NTRFREF{i}//B{i}\n:86:166?20EREF+E{i}?21SVWZ+RE-{i}\n").into()
                }
                i if i == self.n + 1 => {
                    format!(":62F:C260102EUR{},{:02}\n-\n", self.n * 125 / 100, self.n * 125 % 100).into()
                }
                _ => Vec::new(),
            };
            self.i += 1;
            self.pos = 0;
        }
        let k = out.len().min(self.buf.len() - self.pos);
        out[..k].copy_from_slice(&self.buf[self.pos..self.pos + k]);
        self.pos += k;
        Ok(k)
    }
}

#[test]
fn streams_large_input() {
    let n = 100_000;
    let mut input = BufReader::with_capacity(4096, Generated { n, i: 0, buf: Vec::new(), pos: 0 });
    let mut count = 0u64;
    let mut last = None;
    let file = parse(&mut input, &mut |_, e: Entry| {
        count += 1;
        last = e.end_to_end_id;
    })
    .unwrap();
    assert_eq!((count, last), (n, Some(format!("E{n}"))));
    let st = &file.statements[0];
    assert_eq!((st.credits, st.credit_total), (n, 125 * n as i64));
    assert!(st.warnings.is_empty(), "{:?}", st.warnings);
}

/// One `:61:` line in MINI, with the closing balance adjusted to a 10.00 credit or debit.
fn mini_61(line61: &str) -> String {
    let closing = if line61.contains('D') && !line61.contains("C1") { "C260102EUR90,00" } else { "C260102EUR110,00" };
    MINI.replace("260102C10,00NTRFNONREF", line61).replace("C260102EUR110,00", closing)
}

#[test]
fn short_padded_or_missing_transaction_type() {
    // (`:61:` after the date, type read, customer ref, bank ref)
    let cases = [
        ("260102D10,00NIT NONREF", "NIT", None, None),
        ("260102C10,00NOV NONREF", "NOV", None, None),
        ("260102D10,00NIC MARF", "NIC", s("MARF"), None),
        ("260102DF10,00S   X", "S", s("X"), None),
        // Padding then digits: the reference of a short type, not a code (regression).
        ("260102C10,00S   90012345", "S", s("90012345"), None),
        ("2601020102CN10,00//19239782213", "", None, s("19239782213")),
        ("260102C10,00", "", None, None),
        ("260102C10,00 NTRFNONREF//B1", "NTRF", None, s("B1")),
    ];
    for (line, ty, cust, bank) in cases {
        let (file, entries) = ok(mini_61(line).as_bytes());
        let e = &entries[0];
        assert_eq!(e.amount, 1000, "{line}");
        assert_eq!(e.type_code.clone().unwrap_or_default().split('/').next(), Some(ty), "{line}");
        assert_eq!((e.customer_ref.clone(), e.bank_ref.clone()), (cust, bank), "{line}");
        let deviates = !line.contains("NTRF");
        assert_eq!(file.warnings.iter().any(|w| w.contains("short, padded or missing transaction type")), deviates);
        assert!(file.statements[0].warnings.is_empty(), "{line}: {:?}", file.statements[0].warnings);
    }
    // Warned once per file, with the count and the first line.
    let text = mini_61("260102C10,00NOV NONREF\n:61:260102C0,00NOV NONREF");
    let (file, _) = ok(text.as_bytes());
    assert_eq!(file.warnings.len(), 1, "{:?}", file.warnings);
    assert!(file.warnings[0].starts_with("2 `:61:` line(s)") && file.warnings[0].contains("on line 5: 'NOV '"));
    // Not a type at all: refused.
    for bad in ["260102C10,00N/A", "260102C10,00XTRF", "260102C10,00NT RF"] {
        assert!(err(mini_61(bad).as_bytes()).message.contains("no transaction type"), "{bad}");
    }
}

#[test]
fn withdrawn_currencies_read_with_a_warning() {
    let text = MINI.replace("EUR", "DEM");
    let (file, entries) = ok(text.as_bytes());
    assert_eq!((entries[0].currency.code(), entries[0].amount), ("DEM", 1000));
    assert_eq!(file.warnings.len(), 1, "{:?}", file.warnings);
    assert!(file.warnings[0].contains("DEM is a withdrawn currency (replaced by EUR in 2002)"), "{:?}", file.warnings);
    // Italian lire had no minor unit.
    let text = MINI.replace("EUR100,00", "ITL100,").replace("C10,00", "C10,").replace("EUR110,00", "ITL110,");
    let (_, entries) = ok(text.as_bytes());
    assert_eq!((entries[0].currency.code(), entries[0].amount), ("ITL", 10));
    assert!(err(MINI.replace("EUR100", "DMK100").as_bytes()).message.contains("no ISO 4217 currency code"));
}

#[test]
fn impossible_dates() {
    // 30 February value date, valid entry date: the entry date is used, and said.
    let text = MINI.replace("260102C10", "2602300301C10").replace("C260102EUR110", "C260301EUR110");
    let (file, entries) = ok(text.as_bytes());
    assert_eq!((entries[0].booking_date, entries[0].value_date), (date(2026, 3, 1), None));
    assert!(file.warnings[0].contains("'260230', which is no calendar day; the entry date 2026-03-01 is used"));
    // Across the year end the impossible value date still places the entry date's year.
    let text = MINI.replace("260102C10", "2512310102C10");
    assert_eq!(ok(text.as_bytes()).1[0].booking_date, date(2026, 1, 2));
    // A closing balance dated 31 November: read as 30 November, with a warning.
    let text = MINI.replace("C260102EUR110", "C261131EUR110");
    let (file, _) = ok(text.as_bytes());
    assert_eq!(file.warnings.len(), 1);
    assert!(
        file.warnings[0].contains("`:62F:` on line 7 is dated '261131'") && file.warnings[0].contains("2026-11-30")
    );
    assert_eq!(last_day_if_impossible("240230"), date(2024, 2, 29));
    assert_eq!(last_day_if_impossible("230229"), date(2023, 2, 28));
    for bad in ["240132", "241301", "240200", "240228"] {
        assert_eq!(last_day_if_impossible(bad), None, "{bad}");
    }
}

#[test]
fn control_byte_glued_to_a_tag() {
    // Two exports joined, the DOS end-of-file byte of the first in front of the second `:20:`.
    let text = format!("{MINI}\u{1a}{}\u{1a}", MINI.replace("REF", "REF2"));
    let (file, entries) = ok(text.as_bytes());
    assert_eq!(file.statements.len(), 2);
    assert_eq!(entries.len(), 2);
    assert!(file.warnings.is_empty());
}

#[test]
fn decimal_point_when_the_file_uses_no_comma() {
    let text = ":940:\n:20:940A030107\n:25:1017.490.554EUR\n:28:00000/00\n:60F:C030106EUR000000000000.00\n\
                :61:030109C000000000300.00NMSCNONREF\n:86:Contante storting\n:62F:C030109EUR000000000300.00\n";
    let (file, entries) = ok(text.as_bytes());
    assert_eq!(entries[0].amount, 30_000);
    assert!(
        file.warnings.iter().any(|w| w.contains("'.' as the decimal mark (first on line 5")),
        "{:?}",
        file.warnings
    );
    // JPY with a trailing point and no decimals.
    let text =
        MINI.replace("EUR100,00", "JPY00000000115351.").replace("C10,00", "C10.").replace("EUR110,00", "JPY115361.");
    let (file, entries) = ok(text.as_bytes());
    assert_eq!((entries[0].amount, file.statements[0].closing), (10, Some(115_361)));
    // Mixed marks are ambiguous: refused on the first amount that differs.
    let e = err(MINI.replace("C10,00", "C10.00").as_bytes());
    assert_eq!(e.location.line, 5);
    assert!(e.message.contains("'.' as decimal mark, but the amount on line 4 uses ','"), "{}", e.message);
    assert!(err(MINI.replace("C10,00", "C1.000,00").as_bytes()).message.contains("bad amount"));
}

#[test]
fn lone_dash_inside_86_is_text_only_when_text_follows() {
    // ING wraps `/MARF/MND-EV01` so that `-` stands alone, with more text after it.
    let text = MINI.replace(":86:Text\n", ":86:/EREF/X//MARF/MND\n-\nEV01//CSID/NL32ZZZ\n");
    let (file, entries) = ok(text.as_bytes());
    assert!(entries[0].texts.iter().any(|t| t.contains("/MARF/MND-EV01//CSID/")), "{:?}", entries[0].texts);
    assert!(file.warnings[0].contains("line 7 holds only `-`"), "{:?}", file.warnings);
    // Followed by a tag, a block, a blank line or the end of the file, it ends the message: here
    // before the closing balance, so the statement is truncated.
    for after in [":62F:C260102EUR110,00\n", "{5:}\n", "\n:62F:C260102EUR110,00\n", ""] {
        let text = MINI.replace(":86:Text\n:62F:C260102EUR110,00\n", &format!(":86:Text\n-\n{after}"));
        let e = err(text.as_bytes());
        assert_eq!(e.location.line, 7, "{after:?}: {e:?}");
        assert!(e.message.contains("ends the message inside statement REF/1/1"), "{after:?}: {}", e.message);
    }
    // After the closing balance a lone `-` is the normal end of the message.
    let (file, _) = ok(format!("{MINI}-\n").as_bytes());
    assert!(file.warnings.is_empty());
}
