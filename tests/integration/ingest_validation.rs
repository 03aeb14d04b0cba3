//! `arx ingest` input validation: every rule rejects the call with exit 3, names the file, row and
//! column (`FILE:ROW:COLUMN: message`, the header being row 1), says how to fix it, and leaves the
//! store byte-for-byte unchanged.

use crate::common::{assert_contains, csv_maps, stderr, stdout, Ws};

/// A workspace holding the ledger in `fixtures/ingest/ledger` (customers C1/C2, invoices INV-1
/// 100.00 EUR dated 2024-01-10, INV-2 80.00 EUR, INV-3 50.00 USD, credit note CN-1 30.00 EUR,
/// payments P1 150.00 EUR dated 2024-02-01 and P2 40.00 USD).
fn ledger() -> Ws {
    let ws = Ws::new();
    for f in ["customers.csv", "invoices.csv", "payments.csv"] {
        ws.copy_fixture(&format!("ingest/ledger/{f}"), &format!("ledger/{f}"));
    }
    ws.ingest_ok(&["ledger/customers.csv", "ledger/invoices.csv", "ledger/payments.csv"]);
    ws
}

/// Runs `arx ingest ARGS...`, asserting exit 3, the "nothing was written" summary and an unchanged
/// store. Returns stderr.
#[track_caller]
fn rejected(ws: &Ws, args: &[&str]) -> String {
    let before = ws.store_snapshot();
    let mut full = vec!["ingest"];
    full.extend_from_slice(args);
    let a = ws.arx(&full).code(3);
    let after = ws.store_snapshot();
    let err = stderr(&a);
    assert!(
        before == after,
        "the store changed although ingest failed\nbefore: {:?}\nafter: {:?}\nstderr:\n{err}",
        before.iter().map(|(p, b)| (p, b.len())).collect::<Vec<_>>(),
        after.iter().map(|(p, b)| (p, b.len())).collect::<Vec<_>>()
    );
    assert_contains(&err, &["nothing was written"]);
    assert!(stdout(&a).is_empty(), "a rejected ingest prints no data on stdout:\n{}", stdout(&a));
    err
}

/// The stderr line that starts with `prefix` (e.g. `invoices.csv:3:amount: `).
#[track_caller]
fn line<'a>(err: &'a str, prefix: &str) -> &'a str {
    match err.lines().find(|l| l.starts_with(prefix)) {
        Some(l) => l,
        None => panic!("no line starting with {prefix:?} in:\n{err}"),
    }
}

const INV_HEAD: &str = "document_no,customer_id,doc_date,amount,currency\n";

fn invoices(rows: &str) -> String {
    format!("{INV_HEAD}{rows}")
}

#[test]
fn missing_required_column_is_a_header_error_listing_the_columns() {
    let ws = Ws::new();
    ws.write("invoices.csv", "document_no,customer_id,amount,currency,note\nINV-1,C1,100.00,EUR,x\n");
    let err = rejected(&ws, &["invoices.csv", "--kind", "invoices"]);
    let l = line(&err, "invoices.csv:1: ");
    assert_contains(l, &["missing required column doc_date", "document_no, customer_id, amount, currency, note"]);
}

#[test]
fn missing_required_value() {
    let ws = Ws::new();
    ws.write("invoices.csv", invoices("INV-1,C1,2024-01-05,100.00,EUR\nINV-2,,2024-01-06,50.00,EUR\n"));
    let err = rejected(&ws, &["invoices.csv"]);
    assert_contains(line(&err, "invoices.csv:3:customer_id: "), &["customer_id is empty"]);
}

#[test]
fn unparseable_date() {
    let ws = Ws::new();
    ws.write("invoices.csv", invoices("INV-1,C1,03/04/2024,100.00,EUR\n"));
    let err = rejected(&ws, &["invoices.csv"]);
    assert_contains(line(&err, "invoices.csv:2:doc_date: "), &["'03/04/2024' is not a date", "YYYY-MM-DD"]);
}

#[test]
fn unparseable_amount_with_thousands_separator() {
    let ws = Ws::new();
    ws.write("invoices.csv", invoices("INV-1,C1,2024-01-05,\"1,234.50\",EUR\n"));
    let err = rejected(&ws, &["invoices.csv"]);
    assert_contains(line(&err, "invoices.csv:2:amount: "), &["'1,234.50' is not an amount", "thousands separators"]);
}

#[test]
fn unparseable_amount_text() {
    let ws = Ws::new();
    ws.write("invoices.csv", invoices("INV-1,C1,2024-01-05,100.00,EUR\nINV-2,C1,2024-01-05,abc,EUR\n"));
    let err = rejected(&ws, &["invoices.csv"]);
    assert_contains(line(&err, "invoices.csv:3:amount: "), &["'abc' is not an amount"]);
}

#[test]
fn too_many_decimal_places_for_the_currency() {
    let ws = Ws::new();
    ws.write("invoices.csv", invoices("INV-1,C1,2024-01-05,10.005,EUR\nINV-2,C1,2024-01-05,1.5,JPY\n"));
    let err = rejected(&ws, &["invoices.csv"]);
    assert_contains(line(&err, "invoices.csv:2:amount: "), &["'10.005' has more decimal places than EUR allows (2)"]);
    assert_contains(line(&err, "invoices.csv:3:amount: "), &["'1.5' has more decimal places than JPY allows (0)"]);
}

#[test]
fn three_decimal_places_are_fine_for_kwd() {
    let ws = Ws::new();
    ws.write("invoices.csv", invoices("INV-1,C1,2024-01-05,10.005,KWD\nINV-2,C1,2024-01-05,7,JPY\n"));
    ws.ingest_ok(&["invoices.csv"]);
    let rows = csv_maps(&ws.export("invoices"));
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0]["amount"].as_str(), rows[0]["currency"].as_str()), ("10.005", "KWD"));
    assert_eq!((rows[1]["amount"].as_str(), rows[1]["currency"].as_str()), ("7", "JPY"));
}

#[test]
fn unknown_currency() {
    let ws = Ws::new();
    ws.write("invoices.csv", invoices("INV-1,C1,2024-01-05,100.00,XYZ\n"));
    let err = rejected(&ws, &["invoices.csv"]);
    assert_contains(line(&err, "invoices.csv:2:currency: "), &["unknown currency 'XYZ'", "ISO 4217"]);
}

#[test]
fn duplicate_key_within_a_file_names_the_other_row() {
    let ws = Ws::new();
    ws.write(
        "invoices.csv",
        invoices("INV-1,C1,2024-01-05,100.00,EUR\nINV-2,C1,2024-01-05,50.00,EUR\nINV-1,C1,2024-01-07,100.00,EUR\n"),
    );
    let err = rejected(&ws, &["invoices.csv"]);
    assert_contains(line(&err, "invoices.csv:4:document_no: "), &["duplicate", "also on row 2"]);
}

#[test]
fn application_to_an_unknown_document() {
    let ws = ledger();
    ws.write("applications.csv", "source,document_no,amount,applied_date\nP1,INV-404,10.00,2024-02-01\n");
    let err = rejected(&ws, &["applications.csv"]);
    assert_contains(line(&err, "applications.csv:2:document_no: "), &["document 'INV-404' is not in the workspace"]);
}

#[test]
fn application_from_an_unknown_payment() {
    let ws = ledger();
    ws.write(
        "applications.csv",
        "source,document_no,amount,applied_date,kind\nP1,INV-1,10.00,2024-02-01,payment\nP404,INV-1,10.00,2024-02-01,payment\n",
    );
    let err = rejected(&ws, &["applications.csv"]);
    assert_contains(line(&err, "applications.csv:3:source: "), &["payment 'P404' is not in the workspace"]);
}

#[test]
fn application_from_an_unknown_credit_note() {
    let ws = ledger();
    ws.write("applications.csv", "source,document_no,amount,applied_date,kind\nCN-404,INV-1,10.00,2024-02-01,credit\n");
    let err = rejected(&ws, &["applications.csv"]);
    assert_contains(line(&err, "applications.csv:2:source: "), &["credit note 'CN-404' is not in the workspace"]);
}

#[test]
fn over_application_to_a_document_within_one_file() {
    let ws = ledger();
    // INV-1 is 100.00: 60.00 from P1 plus 50.00 from credit note CN-1 is 110.00.
    ws.write(
        "applications.csv",
        "source,document_no,amount,applied_date,kind\nP1,INV-1,60.00,2024-02-01,payment\nCN-1,INV-1,50.00,2024-02-01,credit\n",
    );
    let err = rejected(&ws, &["applications.csv"]);
    assert_contains(
        line(&err, "applications.csv:3:amount: "),
        &["over-application", "110.00", "document 'INV-1'", "100.00"],
    );
    assert!(!err.contains("applications.csv:2:"), "the first application fits:\n{err}");
}

#[test]
fn over_application_to_a_document_across_two_ingests() {
    let ws = ledger();
    ws.write("applications1.csv", "source,document_no,amount,applied_date,kind\nP1,INV-1,60.00,2024-02-01,payment\n");
    ws.ingest_ok(&["applications1.csv"]);
    ws.write("applications2.csv", "source,document_no,amount,applied_date,kind\nCN-1,INV-1,50.00,2024-02-02,credit\n");
    let err = rejected(&ws, &["applications2.csv"]);
    assert_contains(
        line(&err, "applications2.csv:2:amount: "),
        &["over-application", "110.00", "document 'INV-1'", "100.00", "after every row of this call"],
    );
}

#[test]
fn over_application_from_a_payment() {
    let ws = ledger();
    // P1 is 150.00: 100.00 to INV-1 plus 80.00 to INV-2 is 180.00.
    ws.write(
        "applications.csv",
        "source,document_no,amount,applied_date\nP1,INV-1,100.00,2024-02-01\nP1,INV-2,80.00,2024-02-01\n",
    );
    let err = rejected(&ws, &["applications.csv"]);
    assert_contains(
        line(&err, "applications.csv:3:amount: "),
        &["over-application", "180.00", "payment 'P1'", "150.00"],
    );
}

#[test]
fn application_dated_before_its_document() {
    let ws = ledger();
    // A write-off has a free-text source, so only the document's date applies.
    ws.write(
        "applications.csv",
        "source,document_no,amount,applied_date,kind\nsmall balance,INV-1,1.00,2024-01-05,write_off\n",
    );
    let err = rejected(&ws, &["applications.csv"]);
    assert_contains(
        line(&err, "applications.csv:2:applied_date: "),
        &["before document 'INV-1' is dated (2024-01-10)"],
    );
}

#[test]
fn application_dated_before_its_payment() {
    let ws = ledger();
    ws.write("applications.csv", "source,document_no,amount,applied_date\nP1,INV-1,10.00,2024-01-20\n");
    let err = rejected(&ws, &["applications.csv"]);
    assert_contains(
        line(&err, "applications.csv:2:applied_date: "),
        &["before payment 'P1' was received (2024-02-01)"],
    );
}

#[test]
fn application_between_currencies() {
    let ws = ledger();
    ws.write("applications.csv", "source,document_no,amount,applied_date\nP2,INV-1,10.00,2024-02-05\n");
    let err = rejected(&ws, &["applications.csv"]);
    assert_contains(line(&err, "applications.csv:2:source: "), &["payment 'P2' is in USD", "'INV-1' is in EUR"]);
}

#[test]
fn negative_invoice_needs_doc_type_credit_note() {
    let ws = Ws::new();
    ws.write("invoices.csv", invoices("INV-1,C1,2024-01-05,-20.00,EUR\n"));
    let err = rejected(&ws, &["invoices.csv"]);
    assert_contains(line(&err, "invoices.csv:2:amount: "), &["negative amount", "doc_type=credit_note"]);
}

#[test]
fn row_with_too_many_fields() {
    let ws = Ws::new();
    // An unquoted thousands separator shifts the columns of row 3.
    ws.write("invoices.csv", invoices("INV-1,C1,2024-01-05,100.00,EUR\nINV-2,C1,2024-01-06,1,234.50,EUR\n"));
    let err = rejected(&ws, &["invoices.csv"]);
    // The problem is the row as a whole, so no single column is named.
    assert_contains(line(&err, "invoices.csv:3:"), &["row has 6 fields but the header has 5", "quoted"]);
}

#[test]
fn empty_file() {
    let ws = Ws::new();
    ws.write("invoices.csv", "");
    let err = rejected(&ws, &["invoices.csv"]);
    assert_contains(line(&err, "invoices.csv: "), &["the file is empty", "header row"]);
}

#[test]
fn header_only_is_fine() {
    let ws = Ws::new();
    ws.write("invoices.csv", INV_HEAD);
    let a = ws.arx(&["ingest", "invoices.csv", "--format", "json"]).success();
    let report: serde_json::Value = serde_json::from_str(&stdout(&a)).expect("json report");
    assert_eq!(report[0]["kind"], "invoices");
    assert_eq!(report[0]["added"], 0);
    assert_eq!(report[0]["rejected"], 0);
    assert!(ws.segment_files().is_empty(), "no records, no segments: {:?}", ws.segment_files());
}

#[test]
fn invalid_utf8_in_a_field() {
    let ws = Ws::new();
    let mut bytes = invoices("INV-1,C1,2024-01-05,100.00,EUR\n").into_bytes();
    bytes.extend_from_slice(b"INV-2,Caf\xe9 Ltd,2024-01-06,50.00,EUR\n");
    ws.write("invoices.csv", bytes);
    // Declared UTF-8, the byte is an error naming the cell and the way out.
    let err = rejected(&ws, &["invoices.csv", "--encoding", "utf-8"]);
    assert_contains(line(&err, "invoices.csv:3:customer_id: "), &["not valid UTF-8", "--encoding windows-1252"]);
}

#[test]
fn windows_1252_is_detected_when_the_file_is_not_utf8() {
    let ws = Ws::new();
    let mut bytes = b"customer_id,name\nC1,".to_vec();
    bytes.extend_from_slice(b"Caf\xe9 M\xfcller \x80 Ltd\n");
    ws.write("customers.csv", bytes);
    let a = ws.arx(&["ingest", "customers.csv"]).success();
    assert_contains(&stderr(&a), &["customers.csv: read with encoding windows-1252"]);
    assert!(ws.export("customers").contains("C1,Café Müller € Ltd"), "{}", ws.export("customers"));
}

#[test]
fn dispute_for_an_unknown_document() {
    let ws = ledger();
    ws.write(
        "disputes.csv",
        "document_no,reason,opened_date,status,resolved_date\nINV-1,pricing,2024-02-10,open,\nINV-404,pricing,2024-02-10,open,\n",
    );
    let err = rejected(&ws, &["disputes.csv"]);
    assert_contains(line(&err, "disputes.csv:3:document_no: "), &["document 'INV-404' is not in the workspace"]);
}

#[test]
fn resolved_dispute_needs_a_resolved_date() {
    let ws = ledger();
    ws.write(
        "disputes.csv",
        "document_no,reason,opened_date,status,resolved_date\nINV-1,pricing,2024-02-10,resolved,\n",
    );
    let err = rejected(&ws, &["disputes.csv"]);
    assert_contains(line(&err, "disputes.csv:2:resolved_date: "), &["resolved dispute needs its resolved_date"]);
}

#[test]
fn unrecognised_columns_ask_for_kind() {
    let ws = Ws::new();
    ws.write("mystery.csv", "foo,bar,baz\n1,2,3\n");
    let err = rejected(&ws, &["mystery.csv"]);
    assert_contains(
        line(&err, "mystery.csv:1: "),
        &["cannot tell what kind of file this is", "--kind", "foo, bar, baz"],
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let ws = Ws::new();
    ws.write(
        "invoices.csv",
        invoices(
            "INV-1,C1,2024-13-01,100.00,EUR\n\
             INV-2,C1,2024-01-06,50.00,EUR\n\
             INV-3,C1,2024-01-07,12x,EUR\n\
             INV-4,C1,2024-01-08,10.00,ABC\n",
        ),
    );
    let err = rejected(&ws, &["invoices.csv", "--quiet"]);
    line(&err, "invoices.csv:2:doc_date: ");
    line(&err, "invoices.csv:4:amount: ");
    line(&err, "invoices.csv:5:currency: ");
    let located = err.lines().filter(|l| l.starts_with("invoices.csv:")).count();
    assert_eq!(located, 3, "exactly the three bad rows:\n{err}");
    assert_contains(&err, &["3 problems found"]);
}

#[test]
fn problems_in_several_files_are_all_reported_and_nothing_is_committed() {
    let ws = Ws::new();
    ws.write("customers.csv", "customer_id,name\nC1,Alpha GmbH\n");
    ws.write("invoices.csv", invoices("INV-1,C1,2024-01-05,100.00,EUR\nINV-2,C1,2024-02-30,50.00,EUR\n"));
    ws.write("payments.csv", "payment_id,payment_date,amount,currency\nP1,2024-02-01,abc,EUR\n");
    let err = rejected(&ws, &["customers.csv", "invoices.csv", "payments.csv", "--quiet"]);
    line(&err, "invoices.csv:3:doc_date: ");
    line(&err, "payments.csv:2:amount: ");
    assert!(!err.contains("customers.csv:"), "customers.csv is fine:\n{err}");
    assert_contains(&err, &["2 problems found"]);
    assert!(csv_maps(&ws.export("customers")).is_empty(), "the valid file was not committed either");
    assert!(ws.segment_files().is_empty());
}

#[test]
fn row_numbers_are_right_in_crlf_files() {
    let ws = Ws::new();
    // Excel and most Windows tools write CRLF line endings.
    ws.write(
        "invoices.csv",
        "document_no,customer_id,doc_date,amount,currency\r\n\
         INV-1,C1,2024-01-05,abc,EUR\r\n\
         INV-2,C1,2024-01-06,50.00,EUR\r\n\
         INV-3,C1,2024-01-07,,EUR\r\n\
         INV-2,C1,2024-01-06,50.00,EUR\r\n",
    );
    let err = rejected(&ws, &["invoices.csv", "--quiet"]);
    assert_contains(line(&err, "invoices.csv:2:amount: "), &["'abc' is not an amount"]);
    assert_contains(line(&err, "invoices.csv:4:amount: "), &["amount is empty"]);
    assert_contains(line(&err, "invoices.csv:5:document_no: "), &["duplicate", "also on row 3"]);
}

#[test]
fn row_numbers_count_blank_lines() {
    let ws = Ws::new();
    ws.write("invoices.csv", invoices("INV-1,C1,2024-01-05,100.00,EUR\n\nINV-2,C1,2024-01-06,abc,EUR\n"));
    let err = rejected(&ws, &["invoices.csv"]);
    // Rows are lines of the file (as after a multi-line quoted field, below), so an editor's
    // "go to line" lands on the bad record.
    assert_contains(line(&err, "invoices.csv:4:amount: "), &["'abc' is not an amount"]);
}

#[test]
fn row_numbers_are_right_with_cr_line_endings() {
    let ws = Ws::new();
    ws.write(
        "invoices.csv",
        "document_no,customer_id,doc_date,amount,currency\rINV-1,C1,2024-01-05,100.00,EUR\rINV-2,C1,2024-01-06,abc,EUR\r",
    );
    let err = rejected(&ws, &["invoices.csv"]);
    assert_contains(line(&err, "invoices.csv:3:amount: "), &["'abc' is not an amount"]);
}

#[test]
fn row_numbers_are_lines_after_a_multi_line_field() {
    let ws = Ws::new();
    ws.write(
        "invoices.csv",
        "document_no,customer_id,doc_date,amount,currency,reference\n\
         INV-1,C1,2024-01-05,100.00,EUR,\"two\nlines\"\n\
         INV-2,C1,2024-01-06,abc,EUR,x\n",
    );
    let err = rejected(&ws, &["invoices.csv"]);
    assert_contains(line(&err, "invoices.csv:4:amount: "), &["'abc' is not an amount"]);
}

#[test]
fn byte_order_mark_is_ignored() {
    let ws = Ws::new();
    ws.write("customers.csv", "\u{feff}customer_id,name\nC1,Alpha GmbH\nC2,\n");
    let err = rejected(&ws, &["customers.csv"]);
    assert_contains(&err, &["customers.csv: recognised as customers"]);
    assert_contains(line(&err, "customers.csv:3:name: "), &["name is empty"]);
}

#[test]
fn every_problem_is_reported_after_a_non_utf8_row() {
    let ws = Ws::new();
    let mut bytes = invoices("INV-1,C1,2024-01-05,100.00,EUR\n").into_bytes();
    bytes.extend_from_slice(b"INV-2,Caf\xe9 Ltd,2024-01-06,50.00,EUR\nINV-3,C1,2024-01-07,abc,EUR\n");
    ws.write("invoices.csv", bytes);
    let err = rejected(&ws, &["invoices.csv", "--quiet", "--encoding", "utf-8"]);
    assert_contains(line(&err, "invoices.csv:3:customer_id: "), &["not valid UTF-8"]);
    assert_contains(line(&err, "invoices.csv:4:amount: "), &["'abc' is not an amount"]);
    assert_contains(&err, &["2 problems found"]);
}
