//! `arx aging` against CONTRACT.md §3, run on the real binary: open amounts as of a date, bucket
//! bounds, unapplied cash and credits, custom buckets and basis, currencies, filters, json, the
//! `--input` mode, the balance identity, the workbook and its determinism, usage errors.
//!
//! Every expected value is worked out by hand in the comments next to the data.

use crate::common::{arx_bin, assert_contains, csv_maps, parse_csv, stderr, stdout, Ws};
use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

const SUMMARY_HEADER: &str = "customer_id,customer_name,currency,current,1-30,31-60,61-90,91-120,121+,unapplied,total";
const DETAIL_HEADER: &str = "customer_id,document_no,doc_type,doc_date,due_date,currency,amount,open_amount,age,bucket";

const CUSTOMERS: &str = "\
customer_id,name
C1,Alpha
C2,Bravo
C3,Charlie
C4,Delta
C5,Echo
C6,Foxtrot
";

/// A workspace with `files` written to its folder and ingested in one call.
#[track_caller]
fn ledger(files: &[(&str, &str)]) -> Ws {
    let ws = Ws::new();
    for (name, text) in files {
        ws.write(name, text);
    }
    let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    ws.ingest_ok(&names);
    ws
}

/// `arx aging --as-of AS_OF --format csv EXTRA...`, asserting success: its stdout.
#[track_caller]
fn aging(ws: &Ws, as_of: &str, extra: &[&str]) -> String {
    let mut args = vec!["aging", "--as-of", as_of, "--format", "csv"];
    args.extend_from_slice(extra);
    let a = ws.arx(&args).success();
    stdout(&a)
}

/// `arx aging --as-of AS_OF --format json EXTRA...`, asserting success: the parsed document.
#[track_caller]
fn aging_json(ws: &Ws, as_of: &str, extra: &[&str]) -> Value {
    let mut args = vec!["aging", "--as-of", as_of, "--format", "json"];
    args.extend_from_slice(extra);
    let a = ws.arx(&args).success();
    serde_json::from_str(&stdout(&a)).unwrap_or_else(|e| panic!("aging --format json: {e}\n{}", stdout(&a)))
}

/// A csv text: `header`, then `rows`, every line ending in a newline.
fn csv_text(header: &str, rows: &[&str]) -> String {
    let mut text = format!("{header}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

/// A `--detail` csv: the header exactly, the rows as a set (the contract fixes no order).
#[track_caller]
fn assert_detail(got: &str, rows: &[&str]) {
    let mut lines = got.lines();
    assert_eq!(lines.next(), Some(DETAIL_HEADER), "detail header of:\n{got}");
    let mut got_rows: Vec<&str> = lines.collect();
    got_rows.sort_unstable();
    let mut want = rows.to_vec();
    want.sort_unstable();
    assert_eq!(got_rows, want, "detail rows of:\n{got}");
}

/// An amount as printed with its currency's fixed minor digits (`-70.00`, `1500`, `12.375`),
/// in minor units.
fn minor(amount: &str) -> i64 {
    amount.replace('.', "").parse().unwrap_or_else(|e| panic!("amount '{amount}': {e}"))
}

/// Σ `total` per currency of a summary csv, in minor units.
fn totals_by_currency(summary: &str) -> BTreeMap<String, i64> {
    let mut sums = BTreeMap::new();
    for row in csv_maps(summary) {
        *sums.entry(row["currency"].clone()).or_insert(0) += minor(&row["total"]);
    }
    sums
}

/// Runs a usage error: exit 2, nothing on stdout, `needle` in the message.
#[track_caller]
fn assert_usage_error(ws: &Ws, args: &[&str], needle: &str) {
    let a = ws.arx(args).code(2);
    assert_eq!(stdout(&a), "", "a usage error printed data for {args:?}");
    assert_contains(&stderr(&a), &[needle]);
}

// ---------------------------------------------------------------------------------------------
// 1. Bucket boundaries
// ---------------------------------------------------------------------------------------------

/// One invoice per age as of 2024-06-30 (due basis): the name says the age.
/// Amounts are powers of two so every bucket sum shows which invoices are in it.
const BOUNDARY_INVOICES: &str = "\
document_no,customer_id,doc_date,amount,currency,due_date
AGE-M1,C1,2024-01-01,1.00,EUR,2024-07-01
AGE-0,C1,2024-01-01,2.00,EUR,2024-06-30
AGE-1,C1,2024-01-01,4.00,EUR,2024-06-29
AGE-30,C1,2024-01-01,8.00,EUR,2024-05-31
AGE-31,C1,2024-01-01,16.00,EUR,2024-05-30
AGE-120,C1,2024-01-01,32.00,EUR,2024-03-02
AGE-121,C1,2024-01-01,64.00,EUR,2024-03-01
";

#[test]
fn bucket_upper_bounds_are_inclusive_at_ages_minus_1_0_1_30_31_120_121() {
    let ws = ledger(&[("customers.csv", CUSTOMERS), ("invoices.csv", BOUNDARY_INVOICES)]);

    assert_detail(
        &aging(&ws, "2024-06-30", &["--detail"]),
        &[
            "C1,AGE-M1,invoice,2024-01-01,2024-07-01,EUR,1.00,1.00,-1,current",
            "C1,AGE-0,invoice,2024-01-01,2024-06-30,EUR,2.00,2.00,0,current",
            "C1,AGE-1,invoice,2024-01-01,2024-06-29,EUR,4.00,4.00,1,1-30",
            "C1,AGE-30,invoice,2024-01-01,2024-05-31,EUR,8.00,8.00,30,1-30",
            "C1,AGE-31,invoice,2024-01-01,2024-05-30,EUR,16.00,16.00,31,31-60",
            "C1,AGE-120,invoice,2024-01-01,2024-03-02,EUR,32.00,32.00,120,91-120",
            "C1,AGE-121,invoice,2024-01-01,2024-03-01,EUR,64.00,64.00,121,121+",
        ],
    );
    // current = 1 + 2, 1-30 = 4 + 8, 31-60 = 16, 61-90 = 0, 91-120 = 32, 121+ = 64; total 127.
    assert_eq!(
        aging(&ws, "2024-06-30", &[]),
        csv_text(SUMMARY_HEADER, &["C1,Alpha,EUR,3.00,12.00,16.00,0.00,32.00,64.00,0.00,127.00"])
    );
}

// ---------------------------------------------------------------------------------------------
// 2–4. Open amounts as of a date
// ---------------------------------------------------------------------------------------------

#[test]
fn an_invoice_paid_later_is_fully_open_before_the_payment_and_gone_after() {
    let ws = ledger(&[
        ("customers.csv", CUSTOMERS),
        (
            "invoices.csv",
            "document_no,customer_id,doc_date,amount,currency,due_date\n\
             I1,C1,2024-01-01,100.00,EUR,2024-01-31\n\
             I2,C2,2024-03-01,70.00,EUR,2024-03-31\n",
        ),
        ("payments.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-03-15,100.00,EUR,C1\n"),
        ("applications.csv", "source,document_no,amount,applied_date,kind\nP1,I1,100.00,2024-03-15,payment\n"),
    ]);

    // The day before the payment: I1 open in full, 2024-01-31 → 2024-03-14 = 43 days (31-60);
    // the payment doesn't exist yet. I2 is due in 17 days (current).
    assert_eq!(
        aging(&ws, "2024-03-14", &[]),
        csv_text(
            SUMMARY_HEADER,
            &[
                "C1,Alpha,EUR,0.00,0.00,100.00,0.00,0.00,0.00,0.00,100.00",
                "C2,Bravo,EUR,70.00,0.00,0.00,0.00,0.00,0.00,0.00,70.00",
            ]
        )
    );
    assert_detail(
        &aging(&ws, "2024-03-14", &["--detail"]),
        &[
            "C1,I1,invoice,2024-01-01,2024-01-31,EUR,100.00,100.00,43,31-60",
            "C2,I2,invoice,2024-03-01,2024-03-31,EUR,70.00,70.00,-17,current",
        ],
    );
    // On the payment date: I1 and P1 are both fully used up; C1's row (all zero) is omitted.
    assert_eq!(
        aging(&ws, "2024-03-15", &[]),
        csv_text(SUMMARY_HEADER, &["C2,Bravo,EUR,70.00,0.00,0.00,0.00,0.00,0.00,0.00,70.00"])
    );
    assert_detail(
        &aging(&ws, "2024-03-15", &["--detail"]),
        &["C2,I2,invoice,2024-03-01,2024-03-31,EUR,70.00,70.00,-16,current"],
    );
}

#[test]
fn documents_and_payments_dated_after_the_as_of_date_do_not_exist() {
    let ws = ledger(&[
        ("customers.csv", CUSTOMERS),
        (
            "invoices.csv",
            "document_no,customer_id,doc_date,amount,currency,doc_type,due_date\n\
             I1,C1,2024-03-01,100.00,EUR,invoice,2024-03-31\n\
             I2,C1,2024-04-01,500.00,EUR,invoice,2024-04-01\n\
             CN1,C1,2024-04-05,30.00,EUR,credit_note,\n",
        ),
        (
            "payments.csv",
            "payment_id,payment_date,amount,currency,customer_id\n\
             P1,2024-04-02,40.00,EUR,C1\n\
             P2,2024-04-03,25.00,EUR,\n",
        ),
        ("applications.csv", "source,document_no,amount,applied_date,kind\nP1,I1,40.00,2024-04-02,payment\n"),
    ]);

    // 2024-03-31: only I1 (due today, current); I2, CN1, P1, P2 and the application are later.
    assert_eq!(
        aging(&ws, "2024-03-31", &[]),
        csv_text(SUMMARY_HEADER, &["C1,Alpha,EUR,100.00,0.00,0.00,0.00,0.00,0.00,0.00,100.00"])
    );
    assert_detail(
        &aging(&ws, "2024-03-31", &["--detail"]),
        &["C1,I1,invoice,2024-03-01,2024-03-31,EUR,100.00,100.00,0,current"],
    );
    // 2024-04-01: I2 exists from its own date (age 0, current); I1 is 1 day overdue.
    assert_eq!(
        aging(&ws, "2024-04-01", &[]),
        csv_text(SUMMARY_HEADER, &["C1,Alpha,EUR,500.00,100.00,0.00,0.00,0.00,0.00,0.00,600.00"])
    );
    // 2024-04-05: everything exists. I1 100 − 40 = 60 (age 5) and I2 500 (age 4) in 1-30;
    // CN1 −30 unapplied; P1 fully applied; P2 (no customer, no application) is unidentified.
    assert_eq!(
        aging(&ws, "2024-04-05", &[]),
        csv_text(
            SUMMARY_HEADER,
            &[
                ",,EUR,0.00,0.00,0.00,0.00,0.00,0.00,-25.00,-25.00",
                "C1,Alpha,EUR,0.00,560.00,0.00,0.00,0.00,0.00,-30.00,530.00",
            ]
        )
    );
}

#[test]
fn a_partial_payment_leaves_the_remainder_open_in_the_invoice_bucket() {
    let ws = ledger(&[
        ("customers.csv", CUSTOMERS),
        (
            "invoices.csv",
            "document_no,customer_id,doc_date,amount,currency,due_date\nI1,C1,2024-01-01,250.00,EUR,2024-01-31\n",
        ),
        ("payments.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-02-15,100.00,EUR,C1\n"),
        ("applications.csv", "source,document_no,amount,applied_date,kind\nP1,I1,100.00,2024-02-15,payment\n"),
    ]);
    // 2024-03-15 − 2024-01-31 = 44 days → 31-60; 250 − 100 = 150 open; P1 fully applied.
    assert_eq!(
        aging(&ws, "2024-03-15", &[]),
        csv_text(SUMMARY_HEADER, &["C1,Alpha,EUR,0.00,0.00,150.00,0.00,0.00,0.00,0.00,150.00"])
    );
    assert_detail(
        &aging(&ws, "2024-03-15", &["--detail"]),
        &["C1,I1,invoice,2024-01-01,2024-01-31,EUR,250.00,150.00,44,31-60"],
    );
    // Before the payment the whole invoice is open (2024-02-14: 14 days, 1-30).
    assert_eq!(
        aging(&ws, "2024-02-14", &[]),
        csv_text(SUMMARY_HEADER, &["C1,Alpha,EUR,0.00,250.00,0.00,0.00,0.00,0.00,0.00,250.00"])
    );
}

// ---------------------------------------------------------------------------------------------
// 5. Credit notes
// ---------------------------------------------------------------------------------------------

/// I1 200 due 2024-02-14. CN1 (positive + doc_type) and CN2 (negative) stand alone; CN3 80 has 50
/// applied to I1 on 2024-02-20; CN4 25 is applied in full on 2024-02-25.
const CREDIT_INVOICES: &str = "\
document_no,customer_id,doc_date,amount,currency,doc_type,due_date
I1,C1,2024-01-15,200.00,EUR,invoice,2024-02-14
CN1,C1,2024-02-01,40.00,EUR,credit_note,
CN2,C1,2024-02-05,-15.00,EUR,credit_note,
CN3,C1,2024-02-10,80.00,EUR,credit_note,
CN4,C1,2024-02-12,25.00,EUR,credit_note,
";
const CREDIT_APPLICATIONS: &str = "\
source,document_no,amount,applied_date,kind
CN3,I1,50.00,2024-02-20,credit
CN4,I1,25.00,2024-02-25,credit
";

#[test]
fn credit_notes_standalone_go_to_unapplied_and_applied_ones_net_against_the_invoice() {
    let ws = ledger(&[
        ("customers.csv", CUSTOMERS),
        ("invoices.csv", CREDIT_INVOICES),
        ("applications.csv", CREDIT_APPLICATIONS),
    ]);

    // 2024-03-01: I1 200 − 50 − 25 = 125, 16 days overdue (1-30). CN1 −40, CN2 −15 untouched,
    // CN3 −80 + 50 = −30 → unapplied −85. CN4 −25 + 25 = 0 is not an open item. Total 40.
    assert_eq!(
        aging(&ws, "2024-03-01", &[]),
        csv_text(SUMMARY_HEADER, &["C1,Alpha,EUR,0.00,125.00,0.00,0.00,0.00,0.00,-85.00,40.00"])
    );
    assert_detail(
        &aging(&ws, "2024-03-01", &["--detail"]),
        &[
            "C1,CN1,credit_note,2024-02-01,2024-02-01,EUR,-40.00,-40.00,29,unapplied",
            "C1,CN2,credit_note,2024-02-05,2024-02-05,EUR,-15.00,-15.00,25,unapplied",
            "C1,CN3,credit_note,2024-02-10,2024-02-10,EUR,-80.00,-30.00,20,unapplied",
            "C1,I1,invoice,2024-01-15,2024-02-14,EUR,200.00,125.00,16,1-30",
        ],
    );
    // 2024-02-15, before either credit application: I1 open in full (1 day, 1-30), every credit
    // note open in full: −40 − 15 − 80 − 25 = −160. The balance is the same 40.
    assert_eq!(
        aging(&ws, "2024-02-15", &[]),
        csv_text(SUMMARY_HEADER, &["C1,Alpha,EUR,0.00,200.00,0.00,0.00,0.00,0.00,-160.00,40.00"])
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Unapplied and unidentified cash
// ---------------------------------------------------------------------------------------------

/// - P1 names C1 and has no application: −60 unapplied on C1.
/// - P2 names no customer; its one application (50 to C2's I2) makes it C2's: −30 left.
/// - P3 names no customer and has no application: unidentified cash, −45.
/// - P4 names no customer; applied to A-3 (C3) on 03-10 and B-4 (C4) on 03-07: the earliest
///   (B-4) makes it C4's, although A-3 is listed first and has the smaller document_no.
/// - P5 names no customer; applied to Z-5 (C5) and M-6 (C6) on the same day: the smallest
///   document_no (M-6) makes it C6's, although Z-5 is listed first.
const CASH_INVOICES: &str = "\
document_no,customer_id,doc_date,amount,currency,due_date
I1,C1,2024-01-01,100.00,EUR,2024-01-31
I2,C2,2024-02-01,50.00,EUR,2024-03-02
A-3,C3,2024-03-01,10.00,EUR,2024-03-31
B-4,C4,2024-03-01,10.00,EUR,2024-03-31
Z-5,C5,2024-03-01,10.00,EUR,2024-03-31
M-6,C6,2024-03-01,10.00,EUR,2024-03-31
";
const CASH_PAYMENTS: &str = "\
payment_id,payment_date,amount,currency,customer_id
P1,2024-02-10,60.00,EUR,C1
P2,2024-02-20,80.00,EUR,
P3,2024-03-01,45.00,EUR,
P4,2024-03-05,100.00,EUR,
P5,2024-03-05,100.00,EUR,
";
const CASH_APPLICATIONS: &str = "\
source,document_no,amount,applied_date,kind
P2,I2,50.00,2024-02-20,payment
P4,A-3,10.00,2024-03-10,payment
P4,B-4,10.00,2024-03-07,payment
P5,Z-5,10.00,2024-03-06,payment
P5,M-6,10.00,2024-03-06,payment
";

fn cash_ledger() -> Ws {
    ledger(&[
        ("customers.csv", CUSTOMERS),
        ("invoices.csv", CASH_INVOICES),
        ("payments.csv", CASH_PAYMENTS),
        ("applications.csv", CASH_APPLICATIONS),
    ])
}

/// The whole cash ledger as of 2024-03-31: I1 60 days overdue (31-60); everything else settled.
const CASH_SUMMARY_0331: [&str; 5] = [
    ",,EUR,0.00,0.00,0.00,0.00,0.00,0.00,-45.00,-45.00",
    "C1,Alpha,EUR,0.00,0.00,100.00,0.00,0.00,0.00,-60.00,40.00",
    "C2,Bravo,EUR,0.00,0.00,0.00,0.00,0.00,0.00,-30.00,-30.00",
    "C4,Delta,EUR,0.00,0.00,0.00,0.00,0.00,0.00,-80.00,-80.00",
    "C6,Foxtrot,EUR,0.00,0.00,0.00,0.00,0.00,0.00,-80.00,-80.00",
];

#[test]
fn a_payment_naming_its_customer_without_applications_is_negative_unapplied() {
    let ws = cash_ledger();
    let rows = csv_maps(&aging(&ws, "2024-03-31", &["--customer", "C1"]));
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0]["31-60"].as_str(), rows[0]["unapplied"].as_str()), ("100.00", "-60.00"));
    assert_eq!(rows[0]["total"], "40.00");
    assert_detail(
        &aging(&ws, "2024-03-31", &["--detail", "--customer", "C1"]),
        &[
            "C1,I1,invoice,2024-01-01,2024-01-31,EUR,100.00,100.00,60,31-60",
            "C1,P1,payment,2024-02-10,2024-02-10,EUR,-60.00,-60.00,50,unapplied",
        ],
    );
}

#[test]
fn a_payment_without_customer_belongs_to_the_customer_of_its_applied_document() {
    let ws = cash_ledger();
    // P2's remainder 80 − 50 = 30 is on C2's row although P2 names no customer.
    assert_eq!(
        aging(&ws, "2024-03-31", &["--customer", "C2"]),
        csv_text(SUMMARY_HEADER, &["C2,Bravo,EUR,0.00,0.00,0.00,0.00,0.00,0.00,-30.00,-30.00"])
    );
    assert_detail(
        &aging(&ws, "2024-03-31", &["--detail", "--customer", "C2"]),
        &["C2,P2,payment,2024-02-20,2024-02-20,EUR,-80.00,-30.00,40,unapplied"],
    );
}

#[test]
fn a_payment_without_customer_or_application_is_unidentified_cash_on_an_empty_customer_row() {
    let ws = cash_ledger();
    let summary = aging(&ws, "2024-03-31", &[]);
    assert_eq!(summary, csv_text(SUMMARY_HEADER, &CASH_SUMMARY_0331));
    let detail = aging(&ws, "2024-03-31", &["--detail"]);
    assert_detail(
        &detail,
        &[
            ",P3,payment,2024-03-01,2024-03-01,EUR,-45.00,-45.00,30,unapplied",
            "C1,I1,invoice,2024-01-01,2024-01-31,EUR,100.00,100.00,60,31-60",
            "C1,P1,payment,2024-02-10,2024-02-10,EUR,-60.00,-60.00,50,unapplied",
            "C2,P2,payment,2024-02-20,2024-02-20,EUR,-80.00,-30.00,40,unapplied",
            "C4,P4,payment,2024-03-05,2024-03-05,EUR,-100.00,-80.00,26,unapplied",
            "C6,P5,payment,2024-03-05,2024-03-05,EUR,-100.00,-80.00,26,unapplied",
        ],
    );
}

#[test]
fn a_payment_without_customer_belongs_to_its_earliest_application_dated_up_to_d_ties_by_document_no() {
    let ws = cash_ledger();
    // 2024-03-31: P4 → C4 (B-4 applied 03-07 is earlier than A-3 on 03-10); P5 → C6 (same day,
    // M-6 < Z-5). C3 and C5 are settled and omitted.
    let rows = csv_maps(&aging(&ws, "2024-03-31", &[]));
    let by_customer: BTreeMap<&str, &str> =
        rows.iter().map(|r| (r["customer_id"].as_str(), r["unapplied"].as_str())).collect();
    assert_eq!(by_customer.get("C4"), Some(&"-80.00"), "P4 belongs to C4: {rows:?}");
    assert_eq!(by_customer.get("C6"), Some(&"-80.00"), "P5 belongs to C6: {rows:?}");
    assert!(!by_customer.contains_key("C3") && !by_customer.contains_key("C5"), "{rows:?}");

    // 2024-03-06: P5's two applications (03-06) count → C6; P4 has none dated ≤ D yet, so it is
    // unidentified with P3: −45 − 100 = −145. A-3 and B-4 are open and not yet due (current).
    // I1: 2024-01-31 → 2024-03-06 = 35 days (31-60).
    assert_eq!(
        aging(&ws, "2024-03-06", &[]),
        csv_text(
            SUMMARY_HEADER,
            &[
                ",,EUR,0.00,0.00,0.00,0.00,0.00,0.00,-145.00,-145.00",
                "C1,Alpha,EUR,0.00,0.00,100.00,0.00,0.00,0.00,-60.00,40.00",
                "C2,Bravo,EUR,0.00,0.00,0.00,0.00,0.00,0.00,-30.00,-30.00",
                "C3,Charlie,EUR,10.00,0.00,0.00,0.00,0.00,0.00,0.00,10.00",
                "C4,Delta,EUR,10.00,0.00,0.00,0.00,0.00,0.00,0.00,10.00",
                "C6,Foxtrot,EUR,0.00,0.00,0.00,0.00,0.00,0.00,-80.00,-80.00",
            ]
        )
    );
    // 2024-03-08: only B-4's application (03-07) is dated ≤ D → C4, P4 open 100 − 10 = 90;
    // A-3 still open (current) on C3.
    let rows = csv_maps(&aging(&ws, "2024-03-08", &["--detail"]));
    let p4 = rows.iter().find(|r| r["document_no"] == "P4").expect("P4 open");
    assert_eq!((p4["customer_id"].as_str(), p4["open_amount"].as_str()), ("C4", "-90.00"));
}

// ---------------------------------------------------------------------------------------------
// 7. --credits aged
// ---------------------------------------------------------------------------------------------

#[test]
fn credits_aged_puts_negative_items_in_buckets_by_their_own_date_and_unapplied_is_zero() {
    // As of 2024-03-01: I1 due 02-14 → 16 days (1-30); CN1 dated/due 02-01 → 29 (1-30);
    // CN2 dated/due 03-01 → 0 (current); P1 received 01-10 → 51 days (31-60).
    let ws = ledger(&[
        ("customers.csv", CUSTOMERS),
        (
            "invoices.csv",
            "document_no,customer_id,doc_date,amount,currency,doc_type,due_date\n\
             I1,C1,2024-01-15,200.00,EUR,invoice,2024-02-14\n\
             CN1,C1,2024-02-01,40.00,EUR,credit_note,\n\
             CN2,C1,2024-03-01,15.00,EUR,credit_note,\n",
        ),
        ("payments.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-01-10,60.00,EUR,C1\n"),
    ]);

    // Default (--credits column): −40 − 15 − 60 = −115 unapplied.
    let column = csv_text(SUMMARY_HEADER, &["C1,Alpha,EUR,0.00,200.00,0.00,0.00,0.00,0.00,-115.00,85.00"]);
    assert_eq!(aging(&ws, "2024-03-01", &[]), column);
    assert_eq!(aging(&ws, "2024-03-01", &["--credits", "column"]), column);

    // Aged: current −15; 1-30 200 − 40 = 160; 31-60 −60; unapplied 0; same total 85.
    assert_eq!(
        aging(&ws, "2024-03-01", &["--credits", "aged"]),
        csv_text(SUMMARY_HEADER, &["C1,Alpha,EUR,-15.00,160.00,-60.00,0.00,0.00,0.00,0.00,85.00"])
    );
    assert_detail(
        &aging(&ws, "2024-03-01", &["--credits", "aged", "--detail"]),
        &[
            "C1,CN1,credit_note,2024-02-01,2024-02-01,EUR,-40.00,-40.00,29,1-30",
            "C1,CN2,credit_note,2024-03-01,2024-03-01,EUR,-15.00,-15.00,0,current",
            "C1,I1,invoice,2024-01-15,2024-02-14,EUR,200.00,200.00,16,1-30",
            "C1,P1,payment,2024-01-10,2024-01-10,EUR,-60.00,-60.00,51,31-60",
        ],
    );
    assert_detail(
        &aging(&ws, "2024-03-01", &["--detail"]),
        &[
            "C1,CN1,credit_note,2024-02-01,2024-02-01,EUR,-40.00,-40.00,29,unapplied",
            "C1,CN2,credit_note,2024-03-01,2024-03-01,EUR,-15.00,-15.00,0,unapplied",
            "C1,I1,invoice,2024-01-15,2024-02-14,EUR,200.00,200.00,16,1-30",
            "C1,P1,payment,2024-01-10,2024-01-10,EUR,-60.00,-60.00,51,unapplied",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// 8. Custom buckets
// ---------------------------------------------------------------------------------------------

/// One invoice per age (days past due as of 2024-06-30), amounts powers of two.
const CUSTOM_BUCKET_INVOICES: &str = "\
document_no,customer_id,doc_date,amount,currency,due_date
D000,C1,2024-01-01,1.00,EUR,2024-06-30
D010,C1,2024-01-01,2.00,EUR,2024-06-20
D011,C1,2024-01-01,4.00,EUR,2024-06-19
D015,C1,2024-01-01,8.00,EUR,2024-06-15
D016,C1,2024-01-01,16.00,EUR,2024-06-14
D030,C1,2024-01-01,32.00,EUR,2024-05-31
D031,C1,2024-01-01,64.00,EUR,2024-05-30
D045,C1,2024-01-01,128.00,EUR,2024-05-16
D046,C1,2024-01-01,256.00,EUR,2024-05-15
D091,C1,2024-01-01,512.00,EUR,2024-03-31
D115,C1,2024-01-01,1024.00,EUR,2024-03-07
D121,C1,2024-01-01,2048.00,EUR,2024-03-01
";

#[test]
fn custom_buckets_with_one_bound_give_current_1_30_and_31_plus() {
    let ws = ledger(&[("customers.csv", CUSTOMERS), ("invoices.csv", CUSTOM_BUCKET_INVOICES)]);
    // current: age 0 = 1; 1-30: 10, 11, 15, 16, 30 = 2+4+8+16+32 = 62; 31+: the rest = 4032.
    assert_eq!(
        aging(&ws, "2024-06-30", &["--buckets", "30"]),
        csv_text(
            "customer_id,customer_name,currency,current,1-30,31+,unapplied,total",
            &["C1,Alpha,EUR,1.00,62.00,4032.00,0.00,4095.00"]
        )
    );
    let buckets: BTreeMap<String, String> = csv_maps(&aging(&ws, "2024-06-30", &["--buckets", "30", "--detail"]))
        .into_iter()
        .map(|r| (r["document_no"].clone(), r["bucket"].clone()))
        .collect();
    assert_eq!((buckets["D030"].as_str(), buckets["D031"].as_str()), ("1-30", "31+"));
    assert_eq!(buckets["D000"], "current");
}

#[test]
fn custom_buckets_with_four_bounds() {
    let ws = ledger(&[("customers.csv", CUSTOMERS), ("invoices.csv", CUSTOM_BUCKET_INVOICES)]);
    // current 1; 1-15: 10, 11, 15 = 14; 16-45: 16, 30, 31, 45 = 240; 46-60: 46 = 256;
    // 61-90: none; 91+: 91, 115, 121 = 3584.
    assert_eq!(
        aging(&ws, "2024-06-30", &["--buckets", "15,45,60,90"]),
        csv_text(
            "customer_id,customer_name,currency,current,1-15,16-45,46-60,61-90,91+,unapplied,total",
            &["C1,Alpha,EUR,1.00,14.00,240.00,256.00,0.00,3584.00,0.00,4095.00"]
        )
    );
    let buckets: BTreeMap<String, String> =
        csv_maps(&aging(&ws, "2024-06-30", &["--buckets", "15,45,60,90", "--detail"]))
            .into_iter()
            .map(|r| (r["document_no"].clone(), r["bucket"].clone()))
            .collect();
    let got: Vec<&str> = ["D015", "D016", "D045", "D046", "D091"].iter().map(|d| buckets[*d].as_str()).collect();
    assert_eq!(got, ["1-15", "16-45", "16-45", "46-60", "91+"]);
}

#[test]
fn custom_buckets_with_twelve_bounds() {
    let ws = ledger(&[("customers.csv", CUSTOMERS), ("invoices.csv", CUSTOM_BUCKET_INVOICES)]);
    let out = aging(&ws, "2024-06-30", &["--buckets", "10,20,30,40,50,60,70,80,90,100,110,120"]);
    // current 1; 1-10: 2; 11-20: 4+8+16 = 28; 21-30: 32; 31-40: 64; 41-50: 128+256 = 384;
    // 51-90: none; 91-100: 512; 101-110: none; 111-120: 1024; 121+: 2048.
    assert_eq!(
        out,
        csv_text(
            "customer_id,customer_name,currency,current,1-10,11-20,21-30,31-40,41-50,51-60,61-70,71-80,81-90,\
             91-100,101-110,111-120,121+,unapplied,total",
            &["C1,Alpha,EUR,1.00,2.00,28.00,32.00,64.00,384.00,0.00,0.00,0.00,0.00,512.00,0.00,1024.00,2048.00,0.00,\
               4095.00"]
        )
    );
    let detail = aging(&ws, "2024-06-30", &["--buckets", "10,20,30,40,50,60,70,80,90,100,110,120", "--detail"]);
    let buckets: BTreeMap<String, String> =
        csv_maps(&detail).into_iter().map(|r| (r["document_no"].clone(), r["bucket"].clone())).collect();
    let got: Vec<&str> = ["D010", "D011", "D115", "D121"].iter().map(|d| buckets[*d].as_str()).collect();
    assert_eq!(got, ["1-10", "11-20", "111-120", "121+"]);
}

#[test]
fn invalid_buckets_are_usage_errors() {
    let ws = ledger(&[("invoices.csv", CUSTOM_BUCKET_INVOICES)]);
    for bad in ["30,30", "0", "10,20,30,40,50,60,70,80,90,100,110,120,130", "abc", "60,30", "30,-5", ""] {
        assert_usage_error(&ws, &["aging", "--as-of", "2024-06-30", "--format", "csv", "--buckets", bad], "--buckets");
    }
}

// ---------------------------------------------------------------------------------------------
// 9. Invoice basis
// ---------------------------------------------------------------------------------------------

#[test]
fn invoice_basis_ages_from_the_document_date_with_0_30_labels() {
    // Documents 0, 30, 31, 60, 61 and 121 days old on 2024-06-30, all due 2024-12-31.
    let ws = ledger(&[
        ("customers.csv", CUSTOMERS),
        (
            "invoices.csv",
            "document_no,customer_id,doc_date,amount,currency,due_date\n\
             B000,C1,2024-06-30,1.00,EUR,2024-12-31\n\
             B030,C1,2024-05-31,2.00,EUR,2024-12-31\n\
             B031,C1,2024-05-30,4.00,EUR,2024-12-31\n\
             B060,C1,2024-05-01,8.00,EUR,2024-12-31\n\
             B061,C1,2024-04-30,16.00,EUR,2024-12-31\n\
             B121,C1,2024-03-01,32.00,EUR,2024-12-31\n",
        ),
    ]);
    // 0-30: 1+2 = 3; 31-60: 4+8 = 12; 61-90: 16; 91-120: 0; 121+: 32.
    assert_eq!(
        aging(&ws, "2024-06-30", &["--basis", "invoice"]),
        csv_text(
            "customer_id,customer_name,currency,0-30,31-60,61-90,91-120,121+,unapplied,total",
            &["C1,Alpha,EUR,3.00,12.00,16.00,0.00,32.00,0.00,63.00"]
        )
    );
    assert_detail(
        &aging(&ws, "2024-06-30", &["--basis", "invoice", "--detail"]),
        &[
            "C1,B000,invoice,2024-06-30,2024-12-31,EUR,1.00,1.00,0,0-30",
            "C1,B030,invoice,2024-05-31,2024-12-31,EUR,2.00,2.00,30,0-30",
            "C1,B031,invoice,2024-05-30,2024-12-31,EUR,4.00,4.00,31,31-60",
            "C1,B060,invoice,2024-05-01,2024-12-31,EUR,8.00,8.00,60,31-60",
            "C1,B061,invoice,2024-04-30,2024-12-31,EUR,16.00,16.00,61,61-90",
            "C1,B121,invoice,2024-03-01,2024-12-31,EUR,32.00,32.00,121,121+",
        ],
    );
    // Custom bounds on invoice basis: 0-15, 16-45, 46+.
    assert_eq!(
        aging(&ws, "2024-06-30", &["--basis", "invoice", "--buckets", "15,45"]),
        csv_text(
            "customer_id,customer_name,currency,0-15,16-45,46+,unapplied,total",
            &["C1,Alpha,EUR,1.00,6.00,56.00,0.00,63.00"]
        )
    );
    // Due basis on the same data: nothing is due before 2024-12-31 (184 days ahead).
    assert_eq!(
        aging(&ws, "2024-06-30", &["--basis", "due"]),
        csv_text(SUMMARY_HEADER, &["C1,Alpha,EUR,63.00,0.00,0.00,0.00,0.00,0.00,0.00,63.00"])
    );
    let ages: Vec<String> =
        csv_maps(&aging(&ws, "2024-06-30", &["--detail"])).into_iter().map(|r| r["age"].clone()).collect();
    assert_eq!(ages, vec!["-184"; 6]);
}

// ---------------------------------------------------------------------------------------------
// 10–12. Currencies, zero balances, filters
// ---------------------------------------------------------------------------------------------

#[test]
fn currencies_get_a_row_each_sorted_by_customer_then_currency_with_their_minor_digits() {
    let ws = ledger(&[
        ("customers.csv", "customer_id,name\nA9,Zulu\nC1,Alpha\nC2,Bravo\nC3,Charlie\n"),
        (
            "invoices.csv",
            "document_no,customer_id,doc_date,amount,currency,doc_type,due_date\n\
             U1,C1,2024-06-01,200.00,USD,invoice,2024-07-01\n\
             E1,C1,2024-06-01,100.00,EUR,invoice,2024-06-15\n\
             J1,C2,2024-05-01,1500,JPY,invoice,2024-05-31\n\
             J2,C2,2024-06-20,250,JPY,invoice,2024-07-20\n\
             K1,C3,2024-04-01,12.5,KWD,invoice,2024-04-01\n\
             K2,C3,2024-06-30,0.125,KWD,credit_note,\n\
             Z1,A9,2024-06-30,5.5,USD,invoice,2024-06-30\n",
        ),
        ("payments.csv", "payment_id,payment_date,amount,currency,customer_id\nPJ,2024-06-10,300,JPY,C2\n"),
    ]);
    // As of 2024-06-30: U1 current (−1); E1 15 days; J1 30 days (1-30); J2 current; K1 90 days
    // (61-90); K2 −0.125 unapplied; PJ −300 unapplied; Z1 due today (current).
    assert_eq!(
        aging(&ws, "2024-06-30", &[]),
        csv_text(
            SUMMARY_HEADER,
            &[
                "A9,Zulu,USD,5.50,0.00,0.00,0.00,0.00,0.00,0.00,5.50",
                "C1,Alpha,EUR,0.00,100.00,0.00,0.00,0.00,0.00,0.00,100.00",
                "C1,Alpha,USD,200.00,0.00,0.00,0.00,0.00,0.00,0.00,200.00",
                "C2,Bravo,JPY,250,1500,0,0,0,0,-300,1450",
                "C3,Charlie,KWD,0.000,0.000,0.000,12.500,0.000,0.000,-0.125,12.375",
            ]
        )
    );
    assert_detail(
        &aging(&ws, "2024-06-30", &["--detail"]),
        &[
            "A9,Z1,invoice,2024-06-30,2024-06-30,USD,5.50,5.50,0,current",
            "C1,E1,invoice,2024-06-01,2024-06-15,EUR,100.00,100.00,15,1-30",
            "C1,U1,invoice,2024-06-01,2024-07-01,USD,200.00,200.00,-1,current",
            "C2,J1,invoice,2024-05-01,2024-05-31,JPY,1500,1500,30,1-30",
            "C2,J2,invoice,2024-06-20,2024-07-20,JPY,250,250,-20,current",
            "C2,PJ,payment,2024-06-10,2024-06-10,JPY,-300,-300,20,unapplied",
            "C3,K1,invoice,2024-04-01,2024-04-01,KWD,12.500,12.500,90,61-90",
            "C3,K2,credit_note,2024-06-30,2024-06-30,KWD,-0.125,-0.125,0,unapplied",
        ],
    );
}

#[test]
fn a_settled_customer_is_omitted_but_a_zero_total_with_nonzero_columns_is_listed() {
    // C1: I1 paid in full. C2: I2 100 and P2 100 unapplied. C3: I3 settled by CN3 in full.
    // C4: I4 50 and CN4 50 not applied.
    let ws = ledger(&[
        ("customers.csv", CUSTOMERS),
        (
            "invoices.csv",
            "document_no,customer_id,doc_date,amount,currency,doc_type,due_date\n\
             I1,C1,2024-06-01,100.00,EUR,invoice,2024-06-15\n\
             I2,C2,2024-06-01,100.00,EUR,invoice,2024-06-15\n\
             I3,C3,2024-06-01,100.00,EUR,invoice,2024-06-15\n\
             CN3,C3,2024-06-05,100.00,EUR,credit_note,\n\
             I4,C4,2024-06-01,50.00,EUR,invoice,2024-06-15\n\
             CN4,C4,2024-06-01,50.00,EUR,credit_note,\n",
        ),
        (
            "payments.csv",
            "payment_id,payment_date,amount,currency,customer_id\n\
             P1,2024-06-10,100.00,EUR,C1\n\
             P2,2024-06-30,100.00,EUR,C2\n",
        ),
        (
            "applications.csv",
            "source,document_no,amount,applied_date,kind\n\
             P1,I1,100.00,2024-06-10,payment\n\
             CN3,I3,100.00,2024-06-05,credit\n",
        ),
    ]);
    assert_eq!(
        aging(&ws, "2024-06-30", &[]),
        csv_text(
            SUMMARY_HEADER,
            &[
                "C2,Bravo,EUR,0.00,100.00,0.00,0.00,0.00,0.00,-100.00,0.00",
                "C4,Delta,EUR,0.00,50.00,0.00,0.00,0.00,0.00,-50.00,0.00",
            ]
        )
    );
    // Aged: C2's P2 (age 0) goes to current, I2 stays in 1-30: listed. C4's CN4 (age 29) and I4
    // (age 15) both land in 1-30 and cancel: every column is zero, so C4 is omitted.
    assert_eq!(
        aging(&ws, "2024-06-30", &["--credits", "aged"]),
        csv_text(SUMMARY_HEADER, &["C2,Bravo,EUR,-100.00,100.00,0.00,0.00,0.00,0.00,0.00,0.00"])
    );
}

const FILTER_INVOICES: &str = "\
document_no,customer_id,doc_date,amount,currency,due_date
E1,C1,2024-06-01,100.00,EUR,2024-06-30
U1,C1,2024-06-01,200.00,USD,2024-06-30
E2,C2,2024-06-01,300.00,EUR,2024-06-30
U3,C3,2024-06-01,400.00,USD,2024-06-30
";

#[test]
fn customer_and_currency_filters_select_rows() {
    let ws = ledger(&[("customers.csv", CUSTOMERS), ("invoices.csv", FILTER_INVOICES)]);
    let c1e = "C1,Alpha,EUR,100.00,0.00,0.00,0.00,0.00,0.00,0.00,100.00";
    let c1u = "C1,Alpha,USD,200.00,0.00,0.00,0.00,0.00,0.00,0.00,200.00";
    let c2e = "C2,Bravo,EUR,300.00,0.00,0.00,0.00,0.00,0.00,0.00,300.00";
    let c3u = "C3,Charlie,USD,400.00,0.00,0.00,0.00,0.00,0.00,0.00,400.00";
    let d = "2024-06-30";
    assert_eq!(aging(&ws, d, &[]), csv_text(SUMMARY_HEADER, &[c1e, c1u, c2e, c3u]));
    assert_eq!(aging(&ws, d, &["--customer", "C1"]), csv_text(SUMMARY_HEADER, &[c1e, c1u]));
    assert_eq!(aging(&ws, d, &["--customer", "C3", "--customer", "C1"]), csv_text(SUMMARY_HEADER, &[c1e, c1u, c3u]));
    assert_eq!(aging(&ws, d, &["--currency", "USD"]), csv_text(SUMMARY_HEADER, &[c1u, c3u]));
    assert_eq!(aging(&ws, d, &["--customer", "C1", "--currency", "EUR"]), csv_text(SUMMARY_HEADER, &[c1e]));
    assert_eq!(aging(&ws, d, &["--customer", "C2", "--currency", "USD"]), csv_text(SUMMARY_HEADER, &[]));
    assert_detail(
        &aging(&ws, d, &["--detail", "--customer", "C2", "--customer", "C3"]),
        &[
            "C2,E2,invoice,2024-06-01,2024-06-30,EUR,300.00,300.00,0,current",
            "C3,U3,invoice,2024-06-01,2024-06-30,USD,400.00,400.00,0,current",
        ],
    );
    assert_detail(
        &aging(&ws, d, &["--detail", "--currency", "EUR"]),
        &[
            "C1,E1,invoice,2024-06-01,2024-06-30,EUR,100.00,100.00,0,current",
            "C2,E2,invoice,2024-06-01,2024-06-30,EUR,300.00,300.00,0,current",
        ],
    );
    assert_usage_error(&ws, &["aging", "--as-of", d, "--format", "csv", "--currency", "EURO"], "--currency");
}

// ---------------------------------------------------------------------------------------------
// 13. json
// ---------------------------------------------------------------------------------------------

#[test]
fn json_has_parameters_rows_with_the_csv_columns_and_totals_per_currency() {
    let ws = ledger(&[("customers.csv", CUSTOMERS), ("invoices.csv", FILTER_INVOICES)]);
    ws.write("payments.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-06-20,30.00,EUR,C2\n");
    ws.ingest_ok(&["payments.csv"]);
    let doc = aging_json(&ws, "2024-07-15", &[]);

    for key in ["as_of", "basis", "credits", "buckets", "rows", "totals"] {
        assert!(doc.get(key).is_some(), "json lacks '{key}': {doc:#}");
    }
    assert_eq!(doc["as_of"], "2024-07-15");
    assert_eq!(doc["basis"], "due");
    assert_eq!(doc["credits"], "column");
    assert_eq!(doc["buckets"], json!(["current", "1-30", "31-60", "61-90", "91-120", "121+"]));
    // Everything is 15 days overdue (1-30); C2 has P1 −30 unapplied.
    let row = |id: &str, name: &str, cur: &str, b: &str, u: &str, t: &str| {
        json!({"customer_id": id, "customer_name": name, "currency": cur, "current": "0.00", "1-30": b,
               "31-60": "0.00", "61-90": "0.00", "91-120": "0.00", "121+": "0.00", "unapplied": u, "total": t})
    };
    assert_eq!(
        doc["rows"],
        json!([
            row("C1", "Alpha", "EUR", "100.00", "0.00", "100.00"),
            row("C1", "Alpha", "USD", "200.00", "0.00", "200.00"),
            row("C2", "Bravo", "EUR", "300.00", "-30.00", "270.00"),
            row("C3", "Charlie", "USD", "400.00", "0.00", "400.00"),
        ])
    );
    // The rows are the csv, column for column.
    let csv = csv_maps(&aging(&ws, "2024-07-15", &[]));
    let (header, _) = parse_csv(&aging(&ws, "2024-07-15", &[]));
    for (j, c) in doc["rows"].as_array().unwrap().iter().zip(&csv) {
        let keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, header, "json row keys follow the csv columns");
        for (k, v) in c {
            assert_eq!(j[k].as_str(), Some(v.as_str()), "column {k}");
        }
    }
    // Totals per currency: EUR 100 + 300 in 1-30, −30 unapplied, 370; USD 600.
    let totals = doc["totals"].as_array().expect("totals array");
    assert_eq!(totals.len(), 2, "{totals:#?}");
    let find = |cur: &str| totals.iter().find(|t| t["currency"] == cur).unwrap_or_else(|| panic!("no {cur} total"));
    let (eur, usd) = (find("EUR"), find("USD"));
    assert_eq!(
        (&eur["1-30"], &eur["unapplied"], &eur["total"]),
        (&json!("400.00"), &json!("-30.00"), &json!("370.00"))
    );
    assert_eq!((&eur["current"], &eur["121+"]), (&json!("0.00"), &json!("0.00")));
    assert_eq!((&usd["1-30"], &usd["unapplied"], &usd["total"]), (&json!("600.00"), &json!("0.00"), &json!("600.00")));

    // Parameters follow the options.
    let doc = aging_json(&ws, "2024-07-15", &["--basis", "invoice", "--credits", "aged", "--buckets", "15,45"]);
    assert_eq!((&doc["basis"], &doc["credits"]), (&json!("invoice"), &json!("aged")));
    assert_eq!(doc["buckets"], json!(["0-15", "16-45", "46+"]));
    // C2: E2 dated 2024-06-01 is 44 days old and P1 (2024-06-20) 25, both in 16-45: 300 − 30.
    assert_eq!(doc["rows"][2]["16-45"], "270.00");
    assert_eq!(doc["rows"][2]["0-15"], "0.00");
    assert_eq!(doc["rows"][2]["46+"], "0.00");
    assert_eq!(doc["rows"][2]["unapplied"], "0.00");

    // --detail json: the detail csv columns, amounts as strings.
    let doc = aging_json(&ws, "2024-07-15", &["--detail", "--customer", "C2"]);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let p1 = rows.iter().find(|r| r["document_no"] == "P1").expect("P1 in detail json");
    let keys: Vec<&str> = p1.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, DETAIL_HEADER.split(',').collect::<Vec<_>>());
    assert_eq!(
        (&p1["amount"], &p1["open_amount"], &p1["bucket"]),
        (&json!("-30.00"), &json!("-30.00"), &json!("unapplied"))
    );
    assert_eq!(p1["customer_id"], "C2");
}

// ---------------------------------------------------------------------------------------------
// 14. --input, no workspace
// ---------------------------------------------------------------------------------------------

#[test]
fn input_files_without_a_workspace_give_the_same_report_as_ingest_and_aging() {
    let ws = ledger(&[
        ("invoices.csv", CASH_INVOICES),
        ("payments.csv", CASH_PAYMENTS),
        ("applications.csv", CASH_APPLICATIONS),
    ]);
    let bare = tempfile::Builder::new().prefix("arx-it-input-").tempdir().unwrap();
    for (name, text) in [
        ("invoices.csv", CASH_INVOICES),
        ("payments.csv", CASH_PAYMENTS),
        ("applications.csv", CASH_APPLICATIONS),
        ("customers.csv", CUSTOMERS),
    ] {
        std::fs::write(bare.path().join(name), text).unwrap();
    }
    let detached = |inputs: &[&str], extra: &[&str]| {
        let mut cmd = arx_bin();
        cmd.current_dir(bare.path()).args(["aging", "--as-of", "2024-03-31", "--format", "csv", "--input"]);
        cmd.args(inputs).args(extra);
        stdout(&cmd.assert().success())
    };
    let three = ["invoices.csv", "payments.csv", "applications.csv"];
    for extra in
        [&[][..], &["--detail"][..], &["--credits", "aged"][..], &["--basis", "invoice", "--buckets", "45"][..]]
    {
        assert_eq!(detached(&three, extra), aging(&ws, "2024-03-31", extra), "aging {extra:?}");
    }
    // Hand-checked: the cash ledger without customer names.
    let unnamed: Vec<String> = CASH_SUMMARY_0331
        .iter()
        .map(|r| {
            let mut fields: Vec<&str> = r.split(',').collect();
            fields[1] = "";
            fields.join(",")
        })
        .collect();
    let unnamed: Vec<&str> = unnamed.iter().map(String::as_str).collect();
    assert_eq!(detached(&three, &[]), csv_text(SUMMARY_HEADER, &unnamed));
    // With the customers file too, the names are there.
    assert_eq!(
        detached(&["customers.csv", "invoices.csv", "payments.csv", "applications.csv"], &[]),
        csv_text(SUMMARY_HEADER, &CASH_SUMMARY_0331)
    );
    // Nothing was written next to the inputs: no workspace, no store.
    let mut names: Vec<String> = std::fs::read_dir(bare.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["applications.csv", "customers.csv", "invoices.csv", "payments.csv"]);
}

#[test]
fn input_files_with_invalid_data_exit_3() {
    let bare = tempfile::Builder::new().prefix("arx-it-input-").tempdir().unwrap();
    std::fs::write(
        bare.path().join("invoices.csv"),
        "document_no,customer_id,doc_date,amount,currency\nI1,C1,2024-01-01,100.00,EUR\nI2,C1,2024-01-02,abc,EUR\n",
    )
    .unwrap();
    std::fs::write(bare.path().join("payments.csv"), "payment_id,payment_date,amount,currency\n").unwrap();
    let a = arx_bin()
        .current_dir(bare.path())
        .args(["aging", "--as-of", "2024-03-31", "--format", "csv", "--input", "invoices.csv", "payments.csv"])
        .assert()
        .code(3);
    assert_eq!(stdout(&a), "");
    assert_contains(&stderr(&a), &["invoices.csv", "amount"]);
}

// ---------------------------------------------------------------------------------------------
// 15–16. The balance identity and historical dates
// ---------------------------------------------------------------------------------------------

const MIXED_INVOICES: &str = "\
document_no,customer_id,doc_date,amount,currency,doc_type,due_date
I1,C1,2024-01-10,1000.00,EUR,invoice,2024-02-09
I2,C2,2024-02-01,500.00,EUR,invoice,2024-03-02
CN1,C1,2024-02-15,120.00,EUR,credit_note,
DN1,C2,2024-03-01,30.00,EUR,debit_note,
I3,C1,2024-07-15,400.00,EUR,invoice,2024-08-14
U1,C3,2024-05-01,300.00,USD,invoice,2024-05-31
U2,C3,2024-06-01,100.00,USD,invoice,2024-07-01
";
const MIXED_PAYMENTS: &str = "\
payment_id,payment_date,amount,currency,customer_id
P1,2024-03-10,700.00,EUR,C1
P2,2024-03-20,480.00,EUR,
P3,2024-07-01,100.00,EUR,C2
P4,2024-04-01,-50.00,EUR,C1
Q1,2024-06-15,250.00,USD,C3
";
const MIXED_APPLICATIONS: &str = "\
source,document_no,amount,applied_date,kind
P1,I1,650.00,2024-03-10,payment
P2,I2,480.00,2024-03-20,payment
small balance,I2,20.00,2024-03-21,write_off
early payment,I1,15.00,2024-03-10,discount
damaged goods,I1,35.00,2024-03-12,deduction
CN1,I1,100.00,2024-03-15,credit
minor,DN1,5.00,2024-07-02,write_off
Q1,U1,250.00,2024-06-15,payment
early payment,U1,10.00,2024-06-15,discount
short shipped,U2,5.00,2024-06-20,deduction
rounding,U1,2.00,2024-07-05,write_off
";

#[test]
fn total_per_currency_is_documents_minus_payments_minus_write_offs_discounts_deductions() {
    let ws = ledger(&[
        ("customers.csv", CUSTOMERS),
        ("invoices.csv", MIXED_INVOICES),
        ("payments.csv", MIXED_PAYMENTS),
        ("applications.csv", MIXED_APPLICATIONS),
    ]);
    // In cents: Σ documents − Σ payments − Σ write-offs/discounts/deductions, all dated ≤ D.
    // 2024-03-12: EUR docs I1, I2, CN1, DN1; payment P1; discount 15 (03-10), deduction 35 (03-12).
    let eur_0312 = (100_000 + 50_000 - 12_000 + 3_000) - 70_000 - (1_500 + 3_500);
    // 2024-06-30: + payments P2, P4 (a refund, −50); + write-off 20 (03-21). USD: U1, U2; Q1;
    // discount 10, deduction 5.
    let eur_0630 = (100_000 + 50_000 - 12_000 + 3_000) - (70_000 + 48_000 - 5_000) - (2_000 + 1_500 + 3_500);
    let usd_0630 = (30_000 + 10_000) - 25_000 - (1_000 + 500);
    // 2024-07-31: + I3 400, P3 100, write-off 5 on DN1 (07-02); USD + write-off 2 (07-05).
    let eur_0731 = (100_000 + 50_000 - 12_000 + 3_000 + 40_000)
        - (70_000 + 48_000 - 5_000 + 10_000)
        - (2_000 + 1_500 + 3_500 + 500);
    let usd_0731 = (30_000 + 10_000) - 25_000 - (1_000 + 500 + 200);
    assert_eq!((eur_0312, eur_0630, usd_0630, eur_0731, usd_0731), (66_000, 21_000, 13_500, 50_500, 13_300));

    let want = |pairs: &[(&str, i64)]| pairs.iter().map(|(c, v)| (c.to_string(), *v)).collect::<BTreeMap<_, _>>();
    for credits in ["column", "aged"] {
        let at = |d: &str| totals_by_currency(&aging(&ws, d, &["--credits", credits]));
        assert_eq!(at("2024-03-12"), want(&[("EUR", eur_0312)]), "2024-03-12 --credits {credits}");
        assert_eq!(at("2024-06-30"), want(&[("EUR", eur_0630), ("USD", usd_0630)]), "2024-06-30 --credits {credits}");
        assert_eq!(at("2024-07-31"), want(&[("EUR", eur_0731), ("USD", usd_0731)]), "2024-07-31 --credits {credits}");
    }
    // The json totals agree.
    let doc = aging_json(&ws, "2024-06-30", &[]);
    let totals: BTreeMap<String, i64> = doc["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["currency"].as_str().unwrap().to_string(), minor(t["total"].as_str().unwrap())))
        .collect();
    assert_eq!(totals, want(&[("EUR", eur_0630), ("USD", usd_0630)]));

    // The full picture on 2024-06-30:
    // C1 EUR: I1 1000 − 650 − 15 − 35 − 100 = 200, due 02-09 → 142 days (121+); CN1 −120 + 100
    //   = −20 and P1 −(700 − 650) = −50 unapplied; P4 refund +50 received 04-01 → 90 days (61-90).
    // C2 EUR: I2 settled; DN1 30 dated/due 03-01 → 121 days (121+); P2 (no customer, C2 by its
    //   application) fully applied.
    // C3 USD: U1 300 − 250 − 10 = 40, 30 days (1-30); U2 100 − 5 = 95, due tomorrow (current).
    assert_eq!(
        aging(&ws, "2024-06-30", &[]),
        csv_text(
            SUMMARY_HEADER,
            &[
                "C1,Alpha,EUR,0.00,0.00,0.00,50.00,0.00,200.00,-70.00,180.00",
                "C2,Bravo,EUR,0.00,0.00,0.00,0.00,0.00,30.00,0.00,30.00",
                "C3,Charlie,USD,95.00,40.00,0.00,0.00,0.00,0.00,0.00,135.00",
            ]
        )
    );
    assert_detail(
        &aging(&ws, "2024-06-30", &["--detail"]),
        &[
            "C1,CN1,credit_note,2024-02-15,2024-02-15,EUR,-120.00,-20.00,136,unapplied",
            "C1,I1,invoice,2024-01-10,2024-02-09,EUR,1000.00,200.00,142,121+",
            "C1,P1,payment,2024-03-10,2024-03-10,EUR,-700.00,-50.00,112,unapplied",
            "C1,P4,payment,2024-04-01,2024-04-01,EUR,50.00,50.00,90,61-90",
            "C2,DN1,debit_note,2024-03-01,2024-03-01,EUR,30.00,30.00,121,121+",
            "C3,U1,invoice,2024-05-01,2024-05-31,USD,300.00,40.00,30,1-30",
            "C3,U2,invoice,2024-06-01,2024-07-01,USD,100.00,95.00,-1,current",
        ],
    );
}

#[test]
fn a_payment_applied_after_the_as_of_date_is_unapplied_then_and_the_invoice_open() {
    // P1 (C1) and P2 (no customer) arrive 2024-02-20 but are applied only on 2024-03-05.
    let ws = ledger(&[
        ("customers.csv", CUSTOMERS),
        (
            "invoices.csv",
            "document_no,customer_id,doc_date,amount,currency,due_date\n\
             I1,C1,2024-01-01,100.00,EUR,2024-01-31\n\
             I2,C2,2024-01-01,100.00,EUR,2024-01-31\n",
        ),
        (
            "payments.csv",
            "payment_id,payment_date,amount,currency,customer_id\n\
             P1,2024-02-20,100.00,EUR,C1\n\
             P2,2024-02-20,100.00,EUR,\n",
        ),
        (
            "applications.csv",
            "source,document_no,amount,applied_date,kind\n\
             P1,I1,100.00,2024-03-05,payment\n\
             P2,I2,100.00,2024-03-05,payment\n",
        ),
    ]);
    // 2024-02-29: I1, I2 29 days overdue (1-30) and open in full; P1 unapplied on C1 (row total 0
    // but listed); P2 has no application dated ≤ D: unidentified cash.
    assert_eq!(
        aging(&ws, "2024-02-29", &[]),
        csv_text(
            SUMMARY_HEADER,
            &[
                ",,EUR,0.00,0.00,0.00,0.00,0.00,0.00,-100.00,-100.00",
                "C1,Alpha,EUR,0.00,100.00,0.00,0.00,0.00,0.00,-100.00,0.00",
                "C2,Bravo,EUR,0.00,100.00,0.00,0.00,0.00,0.00,0.00,100.00",
            ]
        )
    );
    assert_detail(
        &aging(&ws, "2024-02-29", &["--detail"]),
        &[
            ",P2,payment,2024-02-20,2024-02-20,EUR,-100.00,-100.00,9,unapplied",
            "C1,I1,invoice,2024-01-01,2024-01-31,EUR,100.00,100.00,29,1-30",
            "C1,P1,payment,2024-02-20,2024-02-20,EUR,-100.00,-100.00,9,unapplied",
            "C2,I2,invoice,2024-01-01,2024-01-31,EUR,100.00,100.00,29,1-30",
        ],
    );
    // The day before the applications: still the same picture (I1, I2 now 33 days, 31-60).
    assert_eq!(
        aging(&ws, "2024-03-04", &[]),
        csv_text(
            SUMMARY_HEADER,
            &[
                ",,EUR,0.00,0.00,0.00,0.00,0.00,0.00,-100.00,-100.00",
                "C1,Alpha,EUR,0.00,0.00,100.00,0.00,0.00,0.00,-100.00,0.00",
                "C2,Bravo,EUR,0.00,0.00,100.00,0.00,0.00,0.00,0.00,100.00",
            ]
        )
    );
    // From the application date on, everything is settled.
    assert_eq!(aging(&ws, "2024-03-05", &[]), csv_text(SUMMARY_HEADER, &[]));
}

// ---------------------------------------------------------------------------------------------
// 17–19. The workbook
// ---------------------------------------------------------------------------------------------

/// C1 (limit 1000 EUR): I1 300 30 days overdue, P1 −50 unapplied → 250, 25% of the limit.
/// C2 (no limit): I2 120.50 91 days overdue, CN2 −20.50 → 100 EUR; U2 75.25 USD 137 days.
/// C3 (limit 500 USD): U3 400 not yet due → 400, 80% of the limit.
const XLSX_CUSTOMERS: &str = "\
customer_id,name,credit_limit,currency
C1,Alpha,1000.00,EUR
C2,Bravo,,
C3,Charlie,500.00,USD
";
const XLSX_INVOICES: &str = "\
document_no,customer_id,doc_date,amount,currency,doc_type,due_date
I1,C1,2024-05-01,300.00,EUR,invoice,2024-05-31
I2,C2,2024-03-01,120.50,EUR,invoice,2024-03-31
CN2,C2,2024-06-01,20.50,EUR,credit_note,
U2,C2,2024-01-15,75.25,USD,invoice,2024-02-14
U3,C3,2024-06-20,400.00,USD,invoice,2024-07-20
";
const XLSX_PAYMENTS: &str = "\
payment_id,payment_date,amount,currency,customer_id
P1,2024-06-10,50.00,EUR,C1
";

fn xlsx_ledger() -> Ws {
    ledger(&[("customers.csv", XLSX_CUSTOMERS), ("invoices.csv", XLSX_INVOICES), ("payments.csv", XLSX_PAYMENTS)])
}

/// Every row of a sheet, as calamine reads it.
fn sheet_rows(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("opening {}: {e}", path.display()));
    let range = wb.worksheet_range(name).unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    range.rows().map(<[Data]>::to_vec).collect()
}

fn cell(row: &[Data], col: usize) -> &Data {
    row.get(col).unwrap_or(&Data::Empty)
}

fn text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[track_caller]
fn number(c: &Data) -> f64 {
    match c {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, found {other:?}"),
    }
}

/// A date cell as `YYYY-MM-DD` (Excel serial days from 1899-12-30).
#[track_caller]
fn date(c: &Data) -> String {
    match c {
        Data::DateTime(d) => {
            let base = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
            (base + chrono::Duration::days(d.as_f64().round() as i64)).to_string()
        }
        Data::DateTimeIso(s) => s[..10].to_string(),
        other => panic!("expected a date, found {other:?}"),
    }
}

/// A money cell equals the csv's decimal amount.
#[track_caller]
fn assert_money(c: &Data, csv_value: &str, what: &str) {
    let want: f64 = csv_value.parse().unwrap_or_else(|e| panic!("{what}: '{csv_value}': {e}"));
    let got = number(c);
    assert!((got - want).abs() < 1e-9, "{what}: workbook {got}, csv {csv_value}");
}

fn is_blank(row: &[Data]) -> bool {
    row.iter().all(|c| text(c).is_empty())
}

/// The table on a sheet: index of the header row (first cell "Customer ID"), the header texts
/// (trailing blanks dropped), the data rows (up to the first blank row), and the rows after.
fn table(rows: &[Vec<Data>]) -> (Vec<String>, Vec<Vec<Data>>, Vec<Vec<Data>>) {
    let h = rows.iter().position(|r| text(cell(r, 0)) == "Customer ID").expect("a header row starting 'Customer ID'");
    let mut header: Vec<String> = rows[h].iter().map(text).collect();
    while header.last().is_some_and(String::is_empty) {
        header.pop();
    }
    let data: Vec<Vec<Data>> = rows[h + 1..].iter().take_while(|r| !is_blank(r)).cloned().collect();
    let after: Vec<Vec<Data>> = rows[h + 1 + data.len()..].iter().filter(|r| !is_blank(r)).cloned().collect();
    (header, data, after)
}

#[test]
fn xlsx_workbook_matches_the_csv_cell_by_cell() {
    let ws = xlsx_ledger();
    let d = "2024-06-30";
    let summary = aging(&ws, d, &[]);
    assert_eq!(
        summary,
        csv_text(
            SUMMARY_HEADER,
            &[
                "C1,Alpha,EUR,0.00,300.00,0.00,0.00,0.00,0.00,-50.00,250.00",
                "C2,Bravo,EUR,0.00,0.00,0.00,0.00,120.50,0.00,-20.50,100.00",
                "C2,Bravo,USD,0.00,0.00,0.00,0.00,0.00,75.25,0.00,75.25",
                "C3,Charlie,USD,400.00,0.00,0.00,0.00,0.00,0.00,0.00,400.00",
            ]
        )
    );
    let detail = aging(&ws, d, &["--detail"]);
    let a = ws.arx(&["aging", "--as-of", d, "-o", "out.xlsx"]).success();
    assert_eq!(stdout(&a), "", "-o prints no data");
    let path = ws.dir().join("out.xlsx");

    let wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names(), ["Summary", "Detail", "By currency", "Parameters"]);

    // Summary: header, then one row per csv row, cell by cell.
    let labels = ["current", "1-30", "31-60", "61-90", "91-120", "121+"];
    let (header, data, after) = table(&sheet_rows(&path, "Summary"));
    let mut want_header = vec!["Customer ID", "Customer", "Currency"];
    want_header.extend(labels);
    want_header.extend(["Unapplied", "Total", "Credit limit", "% of limit"]);
    assert_eq!(header, want_header);
    let csv_rows = csv_maps(&summary);
    assert_eq!(data.len(), csv_rows.len(), "Summary rows: {data:?}");
    for want in &csv_rows {
        let row = data
            .iter()
            .find(|r| text(&r[0]) == want["customer_id"] && text(&r[2]) == want["currency"])
            .unwrap_or_else(|| panic!("no Summary row for {want:?}"));
        let what = format!("{} {}", want["customer_id"], want["currency"]);
        assert_eq!(text(&row[1]), want["customer_name"], "{what} name");
        for (i, col) in labels.iter().chain(&["unapplied", "total"]).enumerate() {
            assert_money(&row[3 + i], &want[*col], &format!("{what} {col}"));
        }
        // Credit limit and % of limit: C1 1000 EUR, 250 / 1000; C3 500 USD, 400 / 500; C2 none.
        let (limit, used) = (cell(row, 11), cell(row, 12));
        match (want["customer_id"].as_str(), want["currency"].as_str()) {
            ("C1", "EUR") => {
                assert_money(limit, "1000.00", "C1 credit limit");
                assert!((number(used) - 0.25).abs() < 1e-9, "C1 % of limit: {used:?}");
            }
            ("C3", "USD") => {
                assert_money(limit, "500.00", "C3 credit limit");
                assert!((number(used) - 0.8).abs() < 1e-9, "C3 % of limit: {used:?}");
            }
            _ => assert!(text(limit).is_empty() && text(used).is_empty(), "{what}: no limit, got {limit:?} {used:?}"),
        }
    }
    // Per-currency totals under the table: EUR 1-30 300, 91-120 120.50, unapplied −70.50,
    // total 350; USD current 400, 121+ 75.25, total 475.25.
    assert_eq!(after.len(), 2, "total rows: {after:?}");
    let expect_totals = [
        ("Total EUR", "EUR", ["0.00", "300.00", "0.00", "0.00", "120.50", "0.00", "-70.50", "350.00"]),
        ("Total USD", "USD", ["400.00", "0.00", "0.00", "0.00", "0.00", "75.25", "0.00", "475.25"]),
    ];
    for (row, (label, cur, values)) in after.iter().zip(expect_totals) {
        assert_eq!((text(&row[0]).as_str(), text(&row[2]).as_str()), (label, cur));
        for (i, v) in values.iter().enumerate() {
            assert_money(&row[3 + i], v, &format!("{label} column {}", 3 + i));
        }
    }

    // Detail: one row per open item, matching the detail csv.
    let (header, data, _) = table(&sheet_rows(&path, "Detail"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no Detail column {name}"));
    let detail_rows = csv_maps(&detail);
    assert_eq!(detail_rows.len(), 6, "I1, P1, I2, CN2, U2, U3");
    assert_eq!(data.len(), detail_rows.len(), "Detail rows: {data:?}");
    for want in &detail_rows {
        let no = &want["document_no"];
        let row =
            data.iter().find(|r| text(cell(r, col("Document"))) == *no).unwrap_or_else(|| panic!("no Detail {no}"));
        assert_eq!(text(cell(row, col("Customer ID"))), want["customer_id"], "{no}");
        assert_eq!(text(cell(row, col("Type"))), want["doc_type"], "{no}");
        assert_eq!(date(cell(row, col("Doc date"))), want["doc_date"], "{no}");
        assert_eq!(date(cell(row, col("Due date"))), want["due_date"], "{no}");
        assert_eq!(text(cell(row, col("Currency"))), want["currency"], "{no}");
        assert_money(cell(row, col("Amount")), &want["amount"], &format!("{no} amount"));
        assert_money(cell(row, col("Open amount")), &want["open_amount"], &format!("{no} open amount"));
        assert_eq!(number(cell(row, col("Age (days)"))), want["age"].parse::<f64>().unwrap(), "{no} age");
        assert_eq!(text(cell(row, col("Bucket"))), want["bucket"], "{no}");
    }

    // Parameters: the as-of date and the SHA-256 of every ingested file.
    let params = sheet_rows(&path, "Parameters");
    let as_of = params.iter().find(|r| text(cell(r, 0)) == "As of").expect("an 'As of' row");
    assert_eq!(text(cell(as_of, 1)), d);
    let log: Value = serde_json::from_str(&stdout(&ws.arx(&["log", "--format", "json"]).success())).unwrap();
    let shas: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["sha256"].as_str().unwrap()).collect();
    assert_eq!(shas.len(), 3);
    let cells: Vec<String> = params.iter().flatten().map(text).collect();
    for sha in shas {
        assert!(cells.iter().any(|c| c == sha), "Parameters lacks {sha}: {cells:?}");
    }
}

#[test]
fn xlsx_with_one_currency_has_a_grand_total_row() {
    let ws = xlsx_ledger();
    ws.arx(&["aging", "--as-of", "2024-06-30", "--currency", "EUR", "-o", "eur.xlsx"]).success();
    let (_, data, after) = table(&sheet_rows(&ws.dir().join("eur.xlsx"), "Summary"));
    assert_eq!(data.len(), 2, "C1 and C2 in EUR: {data:?}");
    assert_eq!(after.len(), 1, "one total row: {after:?}");
    let total = &after[0];
    assert_eq!((text(&total[0]).as_str(), text(&total[2]).as_str()), ("Grand total", "EUR"));
    for (i, v) in ["0.00", "300.00", "0.00", "0.00", "120.50", "0.00", "-70.50", "350.00"].iter().enumerate() {
        assert_money(&total[3 + i], v, &format!("Grand total column {}", 3 + i));
    }
}

#[test]
fn xlsx_output_is_byte_identical_across_runs() {
    let ws = xlsx_ledger();
    ws.arx(&["aging", "--as-of", "2024-06-30", "-o", "a.xlsx"]).success();
    // A clock read anywhere (document properties, zip entry times) would show across a second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ws.arx(&["aging", "--as-of", "2024-06-30", "-o", "b.xlsx"]).success();
    let a = std::fs::read(ws.dir().join("a.xlsx")).unwrap();
    let b = std::fs::read(ws.dir().join("b.xlsx")).unwrap();
    assert!(!a.is_empty());
    assert!(a == b, "two runs gave different workbooks ({} and {} bytes)", a.len(), b.len());
}

#[test]
fn output_file_not_ending_in_xlsx_is_a_usage_error() {
    let ws = xlsx_ledger();
    assert_usage_error(&ws, &["aging", "--as-of", "2024-06-30", "-o", "out.csv"], ".xlsx");
    assert!(!ws.dir().join("out.csv").exists(), "out.csv was written");
}

#[test]
fn invalid_as_of_is_a_usage_error_and_piped_output_defaults_to_csv() {
    let ws = ledger(&[("customers.csv", CUSTOMERS), ("invoices.csv", BOUNDARY_INVOICES)]);
    for bad in ["2024-13-01", "30/06/2024", "yesterday"] {
        assert_usage_error(&ws, &["aging", "--as-of", bad], "--as-of");
    }
    // stdout is not a terminal here, so the report is csv without asking.
    let a = ws.arx(&["aging", "--as-of", "2024-06-30"]).success();
    assert_eq!(stdout(&a), aging(&ws, "2024-06-30", &[]));
}

/// Regression: the store loader keeps only the latest version of a replaced application
/// (its slow path), and of a replaced invoice.
#[test]
fn replaced_applications_and_invoices_age_with_their_latest_version() {
    let ws = ledger(&[
        (
            "invoices.csv",
            "document_no,customer_id,doc_date,amount,currency,due_date\nI1,C1,2024-01-01,100.00,EUR,2024-01-31\n",
        ),
        ("payments.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-01-10,100.00,EUR,C1\n"),
        ("applications.csv", "source,document_no,amount,applied_date,kind\nP1,I1,60.00,2024-01-10,payment\n"),
    ]);
    let header = "customer_id,customer_name,currency,current,1-30,31-60,61-90,91-120,121+,unapplied,total";
    assert_eq!(
        aging(&ws, "2024-01-15", &[]),
        csv_text(header, &["C1,,EUR,40.00,0.00,0.00,0.00,0.00,0.00,-40.00,0.00"])
    );
    ws.write("applications2.csv", "source,document_no,amount,applied_date,kind\nP1,I1,90.00,2024-01-10,payment\n");
    ws.arx(&["ingest", "applications2.csv", "--replace"]).success();
    ws.write(
        "invoices2.csv",
        "document_no,customer_id,doc_date,amount,currency,due_date\nI1,C1,2024-01-01,150.00,EUR,2024-01-31\n",
    );
    ws.arx(&["ingest", "invoices2.csv", "--replace"]).success();
    // Invoice 150 − 90 applied = 60 open; payment 100 − 90 = 10 unapplied.
    let expected = csv_text(header, &["C1,,EUR,60.00,0.00,0.00,0.00,0.00,0.00,-10.00,50.00"]);
    assert_eq!(aging(&ws, "2024-01-15", &[]), expected);
    let detail = aging(&ws, "2024-01-15", &["--detail"]);
    assert_eq!(detail.lines().count(), 3, "{detail}");
}

#[test]
fn summary_only_workbook_has_no_detail_sheet() {
    let ws = ledger(&[(
        "invoices.csv",
        "document_no,customer_id,doc_date,amount,currency,due_date\nI1,C1,2024-01-01,100.00,EUR,2024-01-31\n",
    )]);
    let out = ws.dir().join("s.xlsx");
    ws.arx(&["aging", "--as-of", "2024-02-15", "--summary-only", "-o", out.to_str().unwrap()]).success();
    let book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["Summary", "By currency", "Parameters"]);
    assert_usage_error(&ws, &["aging", "--summary-only"], "output");
}
