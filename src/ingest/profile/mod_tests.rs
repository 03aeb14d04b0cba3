use super::*;

fn rows(lines: &[&str]) -> Vec<RawRow> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| RawRow { row: i as u64 + 1, cells: l.split(',').map(str::to_string).collect() })
        .collect()
}

const MINI: &str = r#"
description = "test"
currency = "EUR"
date_formats = ["DD.MM.YYYY"]
[columns]
customer_id = ["Customer"]
document_no = ["Doc", "Document"]
doc_date = ["Date"]
due_date = ["Due"]
[amount]
pairs = [["Amount", "Cur"], ["Amount", ""]]
[doc_types]
absent = "invoice"
"#;

fn mini() -> Profile {
    Profile::from_toml("mini", MINI).unwrap()
}

fn run(p: &Profile, lines: &[&str], ov: &Overrides) -> Result<Mapped, Vec<ProfileIssue>> {
    map(p, &rows(lines), &Where::text("t.csv"), ov)
}

fn messages(r: Result<Mapped, Vec<ProfileIssue>>) -> String {
    match r {
        Ok(m) => panic!("expected an error, got {m:?}"),
        Err(issues) => issues.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("\n"),
    }
}

#[test]
fn builtins_parse_and_round_trip() {
    let all = Profile::builtins();
    let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["sap-fbl5n", "netsuite", "quickbooks", "xero"]);
    for (name, text) in BUILTIN {
        let p = Profile::from_toml(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let back = Profile::from_toml(name, &p.to_toml()).unwrap_or_else(|e| panic!("{name} round trip: {e}"));
        assert_eq!(p, back, "{name}");
        assert!(p.summary().starts_with(name), "{}", p.summary());
        assert_eq!(Profile::builtin(name).as_ref(), Some(&p));
    }
    assert!(Profile::builtin("nope").is_none());
    assert!(Profile::builtin("sap-fbl5n").unwrap().summary().contains("payments, applications"));
}

#[test]
fn wrong_key_is_named() {
    let text = MINI.replace("due_date = [\"Due\"]", "due_dat = [\"Due\"]");
    let e = Profile::from_toml("mine", &text).unwrap_err();
    assert!(e.starts_with("profile 'mine', in [columns]: unknown field `due_dat`"), "{e}");
    let e = Profile::from_toml("mine", &format!("colour = 1\n{MINI}")).unwrap_err();
    assert!(e.contains("unknown field `colour`") && e.contains("(`colour = 1`)"), "{e}");
}

#[test]
fn bad_values_name_their_key() {
    let cases = [
        ("date_formats = [\"DD.MM.YYYY\"]", "date_formats = [\"DD.MM.YY\"]", "date_formats"),
        ("currency = \"EUR\"", "currency = \"EURO\"", "currency"),
        ("absent = \"invoice\"", "absent = \"bill\"", "[doc_types] absent"),
        ("description = \"test\"", "description = \"test\"\ndecimal = \",,\"", "decimal"),
        ("description = \"test\"", "description = \"test\"\n[layout]\ntotal_rows = [\"(\"]", "total_rows"),
        ("description = \"test\"", "description = \"test\"\n[layout]\ntotals_by = \"month\"", "totals_by"),
        ("absent = \"invoice\"", "absent = \"invoice\"\ncodes = { X = \"bill\" }", "codes"),
        ("description = \"test\"", "description = \"test\"\n[customer]\npattern = \"(.+)\"", "pattern"),
    ];
    for (from, to, key) in cases {
        let e = Profile::from_toml("p", &MINI.replace(from, to)).unwrap_err();
        assert!(e.contains(key), "{key}: {e}");
    }
    let e = Profile::from_toml("p", &format!("name = \"q\"\n{MINI}")).unwrap_err();
    assert!(e.contains("differs"), "{e}");
}

#[test]
fn maps_a_simple_file() {
    let lines = ["Report title,,,", "", "Customer,Doc,Date,Due,Amount", "C1,0001,31.01.2026,,1234.5"];
    let m = run(&mini(), &lines, &Overrides::default()).unwrap();
    let inv = &m.kinds[&Kind::Invoices];
    assert_eq!(inv.rows, vec![(4, s(&["0001", "C1", "2026-01-31", "1234.50", "EUR", "invoice", "", "", ""]))]);
    assert_eq!(inv.source_column["amount"], "Amount");
    let cust = &m.kinds[&Kind::Customers];
    assert_eq!(cust.rows, vec![(4, s(&["C1", "C1", "", "", "", "", "", ""]))]);
    assert!(!m.kinds.contains_key(&Kind::Payments));
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn missing_column_lists_headings_and_closest_match() {
    let e = messages(run(&mini(), &["", "Customer,Doc No.,Date,Amount", "C1,1,01.01.2026,5"], &Overrides::default()));
    assert!(e.contains("line 2 (the header): no column for document_no (wanted one of: Doc, Document)"), "{e}");
    assert!(e.contains("the file's headings are: Customer, Doc No., Date, Amount"), "{e}");
    assert!(e.contains("closest match: 'Doc No.'"), "{e}");
}

#[test]
fn duplicate_heading_is_an_error() {
    let e = messages(run(&mini(), &["Customer,Doc,Date,Amount,Amount", "C1,1,01.01.2026,5,6"], &Overrides::default()));
    assert!(e.contains("line 1: heading 'Amount' appears twice (columns D and E)"), "{e}");
}

#[test]
fn empty_header_only_and_no_header() {
    let e = messages(run(&mini(), &["", ",,"], &Overrides::default()));
    assert!(e.contains("no header row and no data"), "{e}");
    let e = messages(run(&mini(), &["title", "Customer,Doc,Date,Amount", ""], &Overrides::default()));
    assert!(e.contains("line 2: no data rows below the header"), "{e}");
    let e = messages(run(&mini(), &["a,b,c", "1,2,3"], &Overrides::default()));
    assert!(e.contains("no header row found") && e.contains("'a', 'b', 'c'"), "{e}");
}

#[test]
fn one_date_format_per_column() {
    let p = Profile::from_toml("p", &MINI.replace("[\"DD.MM.YYYY\"]", "[\"DD.MM.YYYY\", \"MM/DD/YYYY\"]")).unwrap();
    let ok = run(&p, &["Customer,Doc,Date,Amount", "C,1,01/02/2026,5", "C,2,12/31/2026,5"], &Overrides::default());
    assert_eq!(ok.unwrap().kinds[&Kind::Invoices].rows[0].1[2], "2026-01-02");
    let e = messages(run(
        &p,
        &["Customer,Doc,Date,Amount", "C,1,01.02.2026,5", "C,2,03.02.2026,5", "C,3,02/03/2026,5"],
        &Overrides::default(),
    ));
    assert!(e.contains("line 4, column 'Date' (C): '02/03/2026' is not DD.MM.YYYY like the rest of the column (such as '01.02.2026' on line 2)"), "{e}");
    // ISO is always accepted (Excel date cells arrive as ISO), but also only as the column's one format
    let ok = run(&mini(), &["Customer,Doc,Date,Amount", "C,1,2026-02-01,5"], &Overrides::default());
    assert!(ok.is_ok());
    // two allowed formats that both read every value but disagree: ambiguous
    let p2 = Profile::from_toml("p", &MINI.replace("[\"DD.MM.YYYY\"]", "[\"DD/MM/YYYY\", \"MM/DD/YYYY\"]")).unwrap();
    let e = messages(run(&p2, &["Customer,Doc,Date,Amount", "C,1,01/02/2026,5"], &Overrides::default()));
    assert!(e.contains("read both as DD/MM/YYYY and as MM/DD/YYYY") && e.contains("--date-format"), "{e}");
    let ov = Overrides { date_format: DateStyle::from_spec("MM/DD/YYYY"), ..Overrides::default() };
    let ok = run(&p2, &["Customer,Doc,Date,Amount", "C,1,01/02/2026,5"], &ov).unwrap();
    assert_eq!(ok.kinds[&Kind::Invoices].rows[0].1[2], "2026-01-02");
}

#[test]
fn excel_serials_only_when_allowed() {
    let p = Profile::from_toml("p", &MINI.replace("[\"DD.MM.YYYY\"]", "[\"DD.MM.YYYY\", \"excel\"]")).unwrap();
    let m = map(
        &p,
        &rows(&["Customer,Doc,Date,Amount", "C,1,46053,5"]),
        &Where::sheet("x.xlsx", "S", true, false),
        &Overrides::default(),
    );
    assert_eq!(m.unwrap().kinds[&Kind::Invoices].rows[0].1[2], "2026-01-31");
    let e = messages(run(&mini(), &["Customer,Doc,Date,Amount", "C,1,46053,5"], &Overrides::default()));
    assert!(e.contains("'46053'"), "{e}");
}

#[test]
fn typed_cells_read_plain_numbers_with_a_point() {
    let p = Profile::from_toml("p", &format!("decimal = \",\"\nthousands = [\".\"]\n{MINI}")).unwrap();
    let lines = ["Customer,Doc,Date,Amount", "C,1,2026-01-31,1105.2", "C,2,2026-01-31,-7"];
    let m = map(&p, &rows(&lines), &Where::sheet("g.xlsx", "Sheet1", true, false), &Overrides::default()).unwrap();
    let amounts: Vec<&str> = m.kinds[&Kind::Invoices].rows.iter().map(|r| r.1[3].as_str()).collect();
    assert_eq!(amounts, ["1105.20", "-7.00"]);
    // In a text file the same cells read only with a decimal point: the number format is the
    // file's, and the note says so.
    let m = run(&p, &lines, &Overrides::default()).unwrap();
    let amounts: Vec<&str> = m.kinds[&Kind::Invoices].rows.iter().map(|r| r.1[3].as_str()).collect();
    assert_eq!(amounts, ["1105.20", "-7.00"]);
    assert!(m.notes.iter().any(|n| n.contains("amounts read as 1,234.56")), "{:?}", m.notes);
    // --decimal insists on the profile's comma: then the cell is a badly grouped number.
    let ov = Overrides { decimal: Some(','), ..Overrides::default() };
    let e = messages(run(&p, &lines, &ov));
    assert!(e.contains("line 2, column 'Amount' (D)"), "{e}");
}

#[test]
fn sheet_places_are_cells() {
    let e = messages(map(
        &mini(),
        &rows(&["Customer,Doc,Date,Amount", "C,1,2026-01-31,abc"]),
        &Where::sheet("x.xlsx", "My Data", true, false),
        &Overrides::default(),
    ));
    assert!(e.starts_with("'My Data'!D2 (column 'Amount'): "), "{e}");
}

#[test]
fn currency_needed_when_the_file_has_none() {
    let p = Profile::from_toml("p", &MINI.replace("currency = \"EUR\"\n", "")).unwrap();
    let lines = ["Customer,Doc,Date,Amount", "C,1,2026-01-31,5", "C,2,2026-01-31,6"];
    let e = messages(run(&p, &lines, &Overrides::default()));
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.contains("pass --currency"), "{e}");
    let ov = Overrides { currency: Some(Currency::parse("JPY").unwrap()), ..Overrides::default() };
    let m = run(&p, &lines, &ov).unwrap();
    assert_eq!(m.kinds[&Kind::Invoices].rows[0].1[3..5], s(&["5", "JPY"]));
    // a code written in the amount cell serves too
    let m = run(&p, &["Customer,Doc,Date,Amount", "C,1,2026-01-31,5.00 CHF"], &Overrides::default()).unwrap();
    assert_eq!(m.kinds[&Kind::Invoices].rows[0].1[4], "CHF");
    let e = messages(run(&mini(), &["Customer,Doc,Date,Amount", "C,1,2026-01-31,5.00 CHF"], &Overrides::default()));
    assert!(e.contains("is in CHF but the row's currency is EUR"), "{e}");
    // 5.001 reads as 5.001 or 5001: nothing in the file tells which, so arx refuses…
    let e = messages(run(&mini(), &["Customer,Doc,Date,Amount", "C,1,2026-01-31,5.001"], &Overrides::default()));
    assert!(e.contains("'5.001' reads as 5.001") && e.contains("--decimal"), "{e}");
    // …unless another amount tells (1.234.567 is only a grouped decimal-comma number), or --decimal.
    let lines = ["Customer,Doc,Date,Amount", "C,1,2026-01-31,5.001", "C,2,2026-01-31,1.234.567"];
    let m = run(&mini(), &lines, &Overrides::default()).unwrap();
    let amounts: Vec<&str> = m.kinds[&Kind::Invoices].rows.iter().map(|r| r.1[3].as_str()).collect();
    assert_eq!(amounts, ["5001.00", "1234567.00"]);
    assert!(m.notes.iter().any(|n| n.contains("amounts read as 1.234,56")), "{:?}", m.notes);
    let ov = Overrides { decimal: Some('.'), ..Overrides::default() };
    let e = messages(run(&mini(), &["Customer,Doc,Date,Amount", "C,1,2026-01-31,5.001"], &ov));
    assert!(e.contains("more decimals than EUR has (2)"), "{e}");
}

#[test]
fn documents_must_be_unique_unless_grouped() {
    let e = messages(run(
        &mini(),
        &["Customer,Doc,Date,Amount", "C,1,2026-01-31,5", "C,1,2026-01-31,5"],
        &Overrides::default(),
    ));
    assert!(e.contains("lines 2 and 3: document 1 appears twice"), "{e}");
    let p = Profile::from_toml("p", &format!("{MINI}\n[rows]\ngroup_by = \"document_no\"\n")).unwrap();
    let m =
        run(&p, &["Customer,Doc,Date,Amount", "C,1,2026-01-31,5", "C,1,2026-01-31,5"], &Overrides::default()).unwrap();
    assert_eq!(m.kinds[&Kind::Invoices].rows.len(), 1);
    let e =
        messages(run(&p, &["Customer,Doc,Date,Amount", "C,1,2026-01-31,5", "C,1,2026-01-31,6"], &Overrides::default()));
    assert!(e.contains("lines 2 and 3: invoice 1 has Amount 5 on one line and 6 on another"), "{e}");
}

const OPEN: &str = r#"
currency = "USD"
date_formats = ["M/D/YYYY"]
[layout]
key_date = ["^As of (.+)$"]
section_rows = true
subtotal_rows = ["^Total for "]
total_rows = ["^TOTAL$"]
stop_after_total = true
[columns]
customer = ["Customer"]
document_no = ["Num"]
doc_date = ["Date"]
[amount]
pairs = [["Amount", ""]]
[customer]
hierarchy_separator = ":"
[doc_types]
column = ["Type"]
codes = { Invoice = "invoice", "Credit Memo" = "credit_note", Payment = "payment", Journal = "by_sign", Deposit = "ignore" }
[sign]
payments = "negated"
[open_items]
open_amount = ["Open"]
"#;

#[test]
fn open_items_write_off_the_settled_part_at_the_key_date() {
    let p = Profile::from_toml("open", OPEN).unwrap();
    let lines = [
        "Co",
        "As of December 31, 2026",
        ";Type;Date;Num;Customer;Amount;Open",
        "Current;;;;;;",
        ";Invoice;12/1/2026;10;A:B;100.00;40.00",
        ";Credit Memo;12/2/2026;CM1;A;-10.00;-4.00",
        ";Payment;12/3/2026;P1;A;-50.00;-20.00",
        ";Payment;12/3/2026;P2;A;-50.00;0.00",
        ";Journal;12/4/2026;J1;A;-3.00;-3.00",
        ";Deposit;12/4/2026;D1;A;-9.00;-9.00",
        "Total for Current;;;;;-22.00;4.00",
        "TOTAL;;;;;-22.00;4.00",
        "Accrual basis, printed …",
    ];
    let rows: Vec<RawRow> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| RawRow { row: i as u64 + 1, cells: l.split(';').map(str::to_string).collect() })
        .collect();
    let m = map(&p, &rows, &Where::text("a.csv"), &Overrides::default()).unwrap();
    let apps: Vec<Vec<String>> = m.kinds[&Kind::Applications].rows.iter().map(|r| r.1.clone()).collect();
    let wo = |doc: &str, amt: &str| {
        s(&["settled before export 2026-12-31", doc, amt, "2026-12-31", "write_off", "", "", ""])
    };
    assert_eq!(apps, vec![wo("10", "60.00"), wo("CM1", "-6.00")]);
    let pays: Vec<Vec<String>> = m.kinds[&Kind::Payments].rows.iter().map(|r| r.1.clone()).collect();
    assert_eq!(pays, vec![s(&["P1", "2026-12-03", "20.00", "USD", "A", "", "", ""])]);
    let inv: Vec<&str> = m.kinds[&Kind::Invoices].rows.iter().map(|r| r.1[5].as_str()).collect();
    assert_eq!(inv, ["invoice", "credit_note", "credit_note"]);
    let cust: Vec<Vec<String>> = m.kinds[&Kind::Customers].rows.iter().map(|r| r.1.clone()).collect();
    assert_eq!(cust[0], s(&["A:B", "A:B", "", "", "", "", "A", ""]));
    assert_eq!(cust.len(), 2);
    assert!(m.notes.iter().any(|n| n.contains("type Deposit (1)")), "{:?}", m.notes);
    assert!(m.notes.iter().any(|n| n.contains("fully applied")), "{:?}", m.notes);
    // the title's key date and --as-of must agree
    let ov = Overrides { as_of: NaiveDate::from_ymd_opt(2026, 11, 30), ..Overrides::default() };
    let e = messages(map(&p, &rows, &Where::text("a.csv"), &ov));
    assert!(e.contains("line 2: the title says") && e.contains("--as-of is 2026-11-30"), "{e}");
    // without a key date: ask for --as-of
    let mut no_title = rows.clone();
    no_title.remove(1);
    let e = messages(map(&p, &no_title, &Where::text("a.csv"), &Overrides::default()));
    assert!(e.contains("pass --as-of"), "{e}");
    // a total that doesn't match
    let mut bad = rows.clone();
    bad[10].cells[5] = "-21.00".into();
    let e = messages(map(&p, &bad, &Where::text("a.csv"), &Overrides::default()));
    assert!(e.contains("line 11, column 'Amount' (F): the 'Total for Current' total is -21.00 but the rows of that section add up to -22.00 (off by 1.00)"), "{e}");
}

#[test]
fn payments_need_a_number() {
    let p = Profile::from_toml("open", OPEN).unwrap();
    let rows = rows(&["As of 12/31/2026", ",Type,Date,Num,Customer,Amount,Open", ",Payment,12/3/2026,,A,-5.00,-5.00"]);
    let e = messages(map(&p, &rows, &Where::text("a.csv"), &Overrides::default()));
    assert!(e.contains("line 3, column 'Num' (D): a payment without a number: arx never invents payment ids"), "{e}");
}

#[test]
fn shifted_rows_are_reported_once() {
    let p = Profile::from_toml("open", OPEN).unwrap();
    let rows = rows(&["As of 12/31/2026", ",Type,Date,Num,Customer,Amount,Open", "Invoice,12/3/2026,7,A,5.00,5.00,"]);
    let e = messages(map(&p, &rows, &Where::text("a.csv"), &Overrides::default()));
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.contains("line 3, column 'Type' (B)") && e.contains("shifted one column left"), "{e}");
}

#[test]
fn customer_pattern_and_hierarchy() {
    let p = Profile::builtin("netsuite").unwrap();
    let r = spec::Rules::new(&p, &Overrides::default()).unwrap();
    let c = values::customer(&r, "CUST-1 A : CUST-2 B");
    assert_eq!((c.id.as_str(), c.name.as_str()), ("CUST-2", "B"));
    assert_eq!(c.parent, Some(("CUST-1".into(), "A".into())));
    let c = values::customer(&r, "Walk-in");
    assert_eq!((c.id.as_str(), c.name.as_str(), c.parent), ("Walk-in", "Walk-in", None));
}

#[test]
fn key_dates_in_words() {
    let p = Profile::builtin("quickbooks").unwrap();
    let r = spec::Rules::new(&p, &Overrides::default()).unwrap();
    let d = NaiveDate::from_ymd_opt(2026, 12, 31);
    assert_eq!(values::key_date(&r, "December 31, 2026"), d);
    assert_eq!(values::key_date(&r, "31 December 2026"), d);
    assert_eq!(values::key_date(&r, "12/31/2026"), d);
    assert_eq!(values::key_date(&r, "someday"), None);
}

#[test]
fn no_panics_on_junk() {
    let mut seed = 12345u64;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let alphabet = [
        "",
        " ",
        "Doc",
        "Date",
        "Amount",
        "Customer",
        "1",
        "-",
        "(1)",
        "01.02.2026",
        "TOTAL",
        "Total for x",
        "€",
        "9999999999999999999999999999999",
        "12/31/2026",
        "Payment",
        "A:B",
        ",",
        "ÿ",
    ];
    for p in Profile::builtins().iter().chain([&mini()]) {
        for _ in 0..200 {
            let n = next() % 8;
            let rows: Vec<RawRow> = (0..n)
                .map(|i| RawRow {
                    row: i as u64 + 1,
                    cells: (0..next() % 9).map(|_| alphabet[next() % alphabet.len()].to_string()).collect(),
                })
                .collect();
            let ov = Overrides { as_of: NaiveDate::from_ymd_opt(2026, 12, 31), ..Overrides::default() };
            let _ = map(p, &rows, &Where::text("j"), &ov);
            let _ = map(p, &rows, &Where::sheet("j", "S", true, true), &ov);
        }
    }
}

fn rows_sep(lines: &[&str], sep: char) -> Vec<RawRow> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| RawRow { row: i as u64 + 1, cells: l.split(sep).map(str::to_string).collect() })
        .collect()
}

const SAP_HEAD: &str = "Account;Name 1;Document Number;Document Type;Document Date;Net due date;Amount in doc. curr.;\
                        Document currency;Clearing Document;Clearing date;Reference;Debit/Credit ind.";

fn sap(lines: &[&str]) -> Result<Mapped, Vec<ProfileIssue>> {
    let mut all = vec![SAP_HEAD];
    all.extend_from_slice(lines);
    map(&Profile::builtin("sap-fbl5n").unwrap(), &rows_sep(&all, ';'), &Where::text("f.txt"), &Overrides::default())
}

#[test]
fn sap_clearing_credit_notes_first_then_payments_by_date_onto_invoices_by_due_date() {
    let m = sap(&[
        "1;A;INV2;RV;01.09.2026;30.10.2026;500,00;EUR;C1;05.11.2026;r;S",
        "1;A;INV1;RV;02.09.2026;01.10.2026;1.000,00;EUR;C1;05.11.2026;r;S",
        "1;A;PAY2;DZ;04.11.2026;04.11.2026;900,00-;EUR;C1;05.11.2026;r;H",
        "1;A;PAY1;DZ;03.11.2026;03.11.2026;500,00-;EUR;C1;05.11.2026;r;H",
        "1;A;CM1;DG;01.11.2026;01.11.2026;100,00-;EUR;C1;05.11.2026;r;H",
        "1;A;DA1;DA;01.11.2026;01.11.2026;7,00-;EUR;;;r;H",
    ])
    .unwrap();
    let apps: Vec<Vec<String>> = m.kinds[&Kind::Applications].rows.iter().map(|r| r.1[..5].to_vec()).collect();
    let a = |src: &str, doc: &str, amt: &str, kind: &str| s(&[src, doc, amt, "2026-11-05", kind]);
    assert_eq!(
        apps,
        vec![
            a("CM1", "INV1", "100.00", "credit"),
            a("PAY1", "INV1", "500.00", "payment"),
            a("PAY2", "INV1", "400.00", "payment"),
            a("PAY2", "INV2", "500.00", "payment"),
        ]
    );
    let inv: Vec<(&str, &str)> =
        m.kinds[&Kind::Invoices].rows.iter().map(|r| (r.1[0].as_str(), r.1[5].as_str())).collect();
    assert!(inv.contains(&("DA1", "credit_note")) && inv.contains(&("CM1", "credit_note")), "{inv:?}");
    let pay: Vec<&str> = m.kinds[&Kind::Payments].rows.iter().map(|r| r.1[2].as_str()).collect();
    assert_eq!(pay, ["900.00", "500.00"]);
}

#[test]
fn sap_clearing_that_does_not_net_to_zero_names_the_group() {
    let e = messages(sap(&[
        "1;A;INV1;RV;02.09.2026;01.10.2026;1.000,00;EUR;C9;05.11.2026;r;S",
        "1;A;PAY1;DZ;03.11.2026;03.11.2026;900,00-;EUR;C9;05.11.2026;r;H",
    ]));
    assert!(e.contains("clearing document C9 (EUR, lines 2, 3): its items add up to 100.00 instead of zero"), "{e}");
}

#[test]
fn sap_clearing_line_items_with_an_amount_are_not_supported() {
    let e = messages(sap(&["1;A;AB1;AB;02.09.2026;01.10.2026;10,00;EUR;;;r;S"]));
    assert!(e.contains("line 2, column 'Document Type' (D): 'AB' is a clearing document with an amount"), "{e}");
    assert!(e.contains("not supported"), "{e}");
    let m = sap(&["1;A;AB1;AB;02.09.2026;01.10.2026;0,00;EUR;;;r;S", "1;A;I;RV;02.09.2026;;1,00;EUR;;;r;S"]).unwrap();
    assert!(m.notes.iter().any(|n| n.contains("clearing line without an amount (1)")), "{:?}", m.notes);
}

#[test]
fn indicator_gives_the_sign_and_must_agree() {
    let m = sap(&["1;A;I1;RV;02.09.2026;01.10.2026;10,00;EUR;;;r;S", "1;A;P1;DZ;02.09.2026;;10,00;EUR;;;r;H"]).unwrap();
    assert_eq!(m.kinds[&Kind::Payments].rows[0].1[2], "10.00");
    let e = messages(sap(&["1;A;I1;RV;02.09.2026;01.10.2026;10,00-;EUR;;;r;S"]));
    assert!(e.contains("the amount is negative but 'Debit/Credit ind.' says debit"), "{e}");
    let e = messages(sap(&["1;A;I1;RV;02.09.2026;01.10.2026;10,00;EUR;;;r;X"]));
    assert!(e.contains("'X' is not a debit/credit indicator (S for debit, H for credit)"), "{e}");
}

#[test]
fn section_rows_name_the_customer_when_there_is_no_customer_column() {
    let p = Profile::builtin("xero").unwrap();
    let lines = [
        "Aged Receivables Detail",
        "As at 31 December 2026",
        "Invoice Date;Invoice Number;Invoice Reference;Due Date;Total",
        "Kiwi Ltd;;;;",
        "2026-07-05;INV-1;R;2026-08-20;7760",
        "2026-07-06;CN-1;R;;-60",
        "Total Kiwi Ltd;;;;7700",
        "Total;;;;7700",
        "Percentage of total;;;;1",
    ];
    let ov = Overrides { currency: Some(Currency::parse("NZD").unwrap()), ..Overrides::default() };
    let m =
        map(&p, &rows_sep(&lines, ';'), &Where::sheet("a.xlsx", "Aged Receivables Detail", true, false), &ov).unwrap();
    let inv: Vec<Vec<String>> = m.kinds[&Kind::Invoices].rows.iter().map(|r| r.1.clone()).collect();
    assert_eq!(inv[0], s(&["INV-1", "Kiwi Ltd", "2026-07-05", "7760.00", "NZD", "invoice", "2026-08-20", "R", ""]));
    assert_eq!(inv[1], s(&["CN-1", "Kiwi Ltd", "2026-07-06", "-60.00", "NZD", "credit_note", "", "R", ""]));
    assert!(!m.kinds.contains_key(&Kind::Applications));
}

#[test]
fn huge_amounts_are_errors_not_panics() {
    let big = "79228162514264337593543950335";
    let m = run(
        &mini(),
        &["Customer,Doc,Date,Amount", &format!("C,1,2026-01-31,{big}"), &format!("C,2,2026-01-31,{big}")],
        &Overrides::default(),
    );
    // the canonical layer bounds amounts; here it only must not overflow
    let _ = m;
    let p = Profile::from_toml("open", OPEN).unwrap();
    let rows = rows_sep(
        &[
            "As of 12/31/2026",
            ";Type;Date;Num;Customer;Amount;Open",
            &format!(";Invoice;12/3/2026;7;A;{big};-{big}"),
            &format!(";Invoice;12/3/2026;8;A;{big};{big}"),
            "TOTAL;;;;;1;1",
        ],
        ';',
    );
    let e = messages(map(&p, &rows, &Where::text("a.csv"), &Overrides::default()));
    assert!(e.contains("open amount"), "{e}");
}

#[test]
fn issues_carry_their_place_apart_from_the_message() {
    let lines = ["Customer,Doc,Date,Amount", "C,1,2026-01-31,abc"];
    let Err(issues) = run(&mini(), &lines, &Overrides::default()) else { panic!() };
    let i = &issues[0];
    assert_eq!(
        (i.row, i.column.as_deref(), i.place.as_str()),
        (Some(2), Some("Amount"), "line 2, column 'Amount' (D)")
    );
    assert!(i.message.starts_with("'abc' is not an amount"), "{}", i.message);
    assert_eq!(i.to_string(), format!("{}: {}", i.place, i.message));
    let Err(issues) = map(&mini(), &rows(&lines), &Where::sheet("x.xlsx", "Data", true, false), &Overrides::default())
    else {
        panic!()
    };
    assert_eq!((issues[0].column.as_deref(), issues[0].place.as_str()), (Some("Data!D2"), "Data!D2 (column 'Amount')"));
    let Err(issues) = run(&mini(), &["", ""], &Overrides::default()) else { panic!() };
    assert_eq!((issues[0].row, issues[0].place.as_str()), (None, ""));
}

/// Real FBL5N layouts label columns with the data element's short, medium or long text in the
/// logon language; the built-in profile reads them all (issue 11, class 1).
#[test]
fn sap_headings_in_other_logon_languages_and_lengths() {
    let p = Profile::builtin("sap-fbl5n").unwrap();
    let layouts: [(&str, &str); 4] = [
        ("French", "Compte,Nº pièce,Type de pièce,Date de la pièce,Échéance nette,Montant en devise interne,Devise interne"),
        ("English short", "Account,DocumentNo,Type,Doc..Date,Net due dt,Amt in loc.cur.,LCurr"),
        ("German long", "Kunde,Belegnummer,Belegart,Belegdatum,Nettofälligkeitsdatum,Betrag in Hauswährung,Hauswährung"),
        ("Polish", "Konto,Numer dokumentu,Rodzaj dokumentu,Data dokumentu,Termin płatności netto,Kwota w walucie krajowej,Waluta krajowa"),
    ];
    for (what, header) in layouts {
        let lines = [header, "100001,1800000001,RV,01.03.2026,31.03.2026,\"1.533,88\",EUR"];
        // rows() splits on commas: keep the amount plain for it.
        let lines = [lines[0], "100001,1800000001,RV,01.03.2026,31.03.2026,1533.88,EUR"];
        let m = run(&p, &lines, &Overrides::default()).unwrap_or_else(|e| panic!("{what}: {e:?}"));
        let inv = &m.kinds[&Kind::Invoices].rows[0].1;
        assert_eq!(
            (inv[0].as_str(), inv[2].as_str(), inv[3].as_str(), inv[4].as_str(), inv[6].as_str()),
            ("1800000001", "2026-03-01", "1533.88", "EUR", "2026-03-31"),
            "{what}"
        );
        // An English-locale user's 1533.88 in a profile whose default is 1.533,88: said on stderr.
        assert!(m.notes.iter().any(|n| n.contains("amounts read as 1,234.56")), "{what}: {:?}", m.notes);
    }
}

/// A due-date column the profile doesn't know, with a heading that looks like one: warned,
/// naming both, because a due date defaulting to the document date changes every aging.
#[test]
fn a_heading_that_looks_like_the_missing_due_date_is_warned_about() {
    let m = run(
        &mini(),
        &["Customer,Doc,Date,Payment due by,Amount", "C,1,31.01.2026,28.02.2026,5"],
        &Overrides::default(),
    )
    .unwrap();
    let note = m.notes.iter().find(|n| n.contains("no due-date column")).unwrap_or_else(|| panic!("{:?}", m.notes));
    assert!(note.contains("'Payment due by'") && note.contains("(Due)"), "{note}");
    // An amount heading with "due" in it is not mistaken for a date.
    let m =
        run(&mini(), &["Customer,Doc,Date,Amount,Amount due", "C,1,31.01.2026,5,5"], &Overrides::default()).unwrap();
    assert!(!m.notes.iter().any(|n| n.contains("no due-date column")), "{:?}", m.notes);
}

/// A file that names no currency (a QuickBooks US report) takes the workspace's, and says so.
#[test]
fn no_currency_anywhere_takes_the_workspace_currency_and_says_so() {
    let p = Profile::from_toml("p", &MINI.replace("currency = \"EUR\"\n", "")).unwrap();
    let ov = Overrides { workspace_currency: Some(Currency::parse("USD").unwrap()), ..Overrides::default() };
    let m = run(&p, &["Customer,Doc,Date,Amount", "C,1,31.01.2026,5.00"], &ov).unwrap();
    assert_eq!(m.kinds[&Kind::Invoices].rows[0].1[4], "USD");
    assert!(
        m.notes.iter().any(|n| n.contains("amounts taken as USD, the workspace's reporting currency")),
        "{:?}",
        m.notes
    );
    // A dollar amount in a euro workspace is not silently euros: the cell's own sign decides.
    let ov = Overrides { workspace_currency: Some(Currency::parse("EUR").unwrap()), ..Overrides::default() };
    let m = run(&p, &["Customer,Doc,Date,Amount", "C,1,31.01.2026,$5.00"], &ov).unwrap();
    assert_eq!(m.kinds[&Kind::Invoices].rows[0].1[4], "USD");
    assert!(!m.notes.iter().any(|n| n.contains("workspace's reporting currency")), "{:?}", m.notes);
}
