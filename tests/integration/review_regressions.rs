//! Regressions for defects found in review, each named after what it caught.

use crate::common::{assert_contains, stderr, Ws};

/// A workspace with invoice I1 (100.00 EUR, 2024-01-01), credit note CN1 (−50.00 EUR,
/// 2024-01-02), payment P1 (100.00 EUR, 2024-01-10) and P1 → I1 60.00 on 2024-01-10.
fn applied() -> Ws {
    let ws = Ws::new();
    ws.write(
        "invoices.csv",
        "document_no,customer_id,doc_date,amount,currency,doc_type\nI1,C1,2024-01-01,100.00,EUR,invoice\nCN1,C1,2024-01-02,50.00,EUR,credit_note\n",
    );
    ws.write("payments.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-01-10,100.00,EUR,C1\n");
    ws.write("applications.csv", "source,document_no,amount,applied_date,kind\nP1,I1,60.00,2024-01-10,payment\n");
    ws.ingest_ok(&["invoices.csv", "payments.csv", "applications.csv"]);
    ws
}

#[track_caller]
fn refused(ws: &Ws, args: &[&str], needles: &[&str]) {
    let before = ws.store_snapshot();
    let err = stderr(&ws.arx(args).code(3));
    assert_contains(&err, needles);
    assert!(before == ws.store_snapshot(), "the store changed:\n{err}");
}

#[test]
fn replacing_a_payment_with_a_date_after_its_applications_is_refused() {
    let ws = applied();
    ws.write("p2.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-02-15,100.00,EUR,C1\n");
    refused(&ws, &["ingest", "p2.csv", "--replace"], &["p2.csv:2:payment_date:", "cannot be dated later"]);
    // The aging that this used to break still ties out.
    ws.arx(&["aging", "--as-of", "2024-01-31", "--format", "csv"]).success();
}

#[test]
fn replacing_an_invoice_with_a_date_after_its_applications_is_refused() {
    let ws = applied();
    ws.write("i2.csv", "document_no,customer_id,doc_date,amount,currency\nI1,C1,2024-01-20,100.00,EUR\n");
    refused(&ws, &["ingest", "i2.csv", "--replace"], &["i2.csv:2:doc_date:", "cannot be dated later"]);
}

#[test]
fn a_document_or_payment_cannot_change_currency() {
    let ws = applied();
    ws.write(
        "cn.csv",
        "document_no,customer_id,doc_date,amount,currency,doc_type\nCN1,C1,2024-01-02,50.00,USD,credit_note\n",
    );
    refused(&ws, &["ingest", "cn.csv", "--replace"], &["cn.csv:2:currency:", "cannot change"]);
    ws.write("p.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-01-10,100.00,USD,C1\n");
    refused(&ws, &["ingest", "p.csv", "--replace"], &["p.csv:2:currency:", "cannot change"]);
}

#[test]
fn a_credit_note_cannot_be_refunded_and_drawn_on_twice() {
    let ws = applied();
    ws.write("r.csv", "payment_id,payment_date,amount,currency,customer_id\nR1,2024-01-05,-50.00,EUR,C1\n");
    ws.write("ra.csv", "source,document_no,amount,applied_date,kind\nR1,CN1,-50.00,2024-01-05,payment\n");
    ws.ingest_ok(&["r.csv", "ra.csv"]);
    // CN1 is fully refunded; drawing 40.00 of it for I1 too would leave it +40.00 open.
    ws.write("c.csv", "source,document_no,amount,applied_date,kind\nCN1,I1,40.00,2024-01-06,credit\n");
    refused(&ws, &["ingest", "c.csv"], &["c.csv:2:amount:", "over-application", "credit note 'CN1'"]);
}

#[test]
fn a_credit_note_drawn_on_cannot_become_an_invoice() {
    let ws = applied();
    ws.write("c.csv", "source,document_no,amount,applied_date,kind\nCN1,I1,40.00,2024-01-06,credit\n");
    ws.ingest_ok(&["c.csv"]);
    ws.write(
        "cn.csv",
        "document_no,customer_id,doc_date,amount,currency,doc_type\nCN1,C1,2024-01-02,50.00,EUR,invoice\n",
    );
    refused(&ws, &["ingest", "cn.csv", "--replace"], &["cn.csv:2:doc_type:", "credit_note"]);
}

#[test]
fn control_characters_in_keys_are_refused_so_reingest_stays_idempotent() {
    let ws = applied();
    ws.write("w.csv", "source,document_no,amount,applied_date,kind\nbank\u{1f}fee,I1,1.00,2024-01-10,write_off\n");
    refused(&ws, &["ingest", "w.csv"], &["w.csv:2:source:", "U+001F"]);
}

#[test]
fn amounts_beyond_ten_to_the_fifteen_minor_units_are_refused() {
    let ws = Ws::new();
    ws.write(
        "i.csv",
        "document_no,customer_id,doc_date,amount,currency\nI1,C1,2024-01-01,50000000000000000.00,EUR\nI2,C1,2024-01-01,-92233720368547758.08,EUR\n",
    );
    refused(&ws, &["ingest", "i.csv"], &["i.csv:2:amount:", "i.csv:3:amount:", "too large"]);
}

#[test]
fn dates_before_1900_are_refused_at_ingest_and_as_of() {
    let ws = Ws::new();
    ws.write("i.csv", "document_no,customer_id,doc_date,amount,currency\nI1,C1,0224-03-01,5.00,EUR\n");
    refused(&ws, &["ingest", "i.csv"], &["i.csv:2:doc_date:", "outside the dates arx accepts (1900-01-01"]);
    let err = stderr(&ws.arx(&["aging", "--as-of", "1899-06-30"]).code(2));
    assert_contains(&err, &["1900"]);
}

#[test]
fn the_same_key_in_two_files_of_one_call_is_reported_with_both_places() {
    let ws = Ws::new();
    ws.write("a.csv", "document_no,customer_id,doc_date,amount,currency\nI1,C1,2024-01-01,5.00,EUR\n");
    ws.write("b.csv", "document_no,customer_id,doc_date,amount,currency\nI1,C1,2024-01-01,6.00,EUR\n");
    refused(&ws, &["ingest", "a.csv", "b.csv", "--replace"], &["b.csv:2:document_no:", "also in a.csv row 2"]);
    // Identical copies are harmless.
    ws.write("c.csv", "document_no,customer_id,doc_date,amount,currency\nI1,C1,2024-01-01,5.00,EUR\n");
    ws.ingest_ok(&["a.csv", "c.csv"]);
}

#[test]
fn rejects_of_inputs_with_the_same_name_do_not_overwrite_each_other() {
    let ws = Ws::new();
    ws.write("jan/invoices.csv", "document_no,customer_id,doc_date,amount,currency\nJ1,C1,2024-01-01,abc,EUR\n");
    ws.write("feb/invoices.csv", "document_no,customer_id,doc_date,amount,currency\nF1,C1,2024-02-01,xyz,EUR\n");
    let out = ws.dir().join("rej");
    std::fs::create_dir_all(&out).unwrap();
    ws.arx(&["ingest", "jan/invoices.csv", "feb/invoices.csv", "--skip-invalid", "--rejects", out.to_str().unwrap()])
        .success();
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    let all: String = names.iter().map(|n| std::fs::read_to_string(out.join(n)).unwrap()).collect();
    assert_contains(&all, &["J1", "F1"]);
}

#[test]
fn the_lock_note_names_the_holder_without_nul_bytes() {
    let ws = applied();
    let note = std::fs::read(ws.ws.join("store").join("lock")).unwrap();
    assert!(note.starts_with(b"pid "), "{note:?}");
}
