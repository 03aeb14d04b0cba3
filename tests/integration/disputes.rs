//! `arx disputes`: windows, resolution rate, days to resolve, capped amounts, reopen, deductions.

use crate::common::{assert_contains, csv_maps, stderr, stdout, Ws};
use serde_json::{json, Value};

/// Invoices I1..I4 (EUR, 100.00 each, dated 2024-01-02, customer C1 except I4 → C2), I2 half
/// paid on 2024-02-10, and disputes opened and resolved around a March window.
fn ledger() -> Ws {
    let ws = Ws::new();
    ws.write(
        "invoices.csv",
        "document_no,customer_id,doc_date,amount,currency\nI1,C1,2024-01-02,100.00,EUR\nI2,C1,2024-01-02,100.00,EUR\nI3,C1,2024-01-02,100.00,EUR\nI4,C2,2024-01-02,100.00,EUR\n",
    );
    ws.write("payments.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-02-10,50.00,EUR,C1\n");
    ws.write("applications.csv", "source,document_no,amount,applied_date\nP1,I2,50.00,2024-02-10\n");
    ws.write(
        "disputes.csv",
        "document_no,reason,opened_date,status,resolved_date,amount,owner,note\n\
         I1,pricing,2024-02-01,resolved,2024-03-11,,ann,before the window; resolved in it\n\
         I2,quantity,2024-02-15,open,,80.00,bob,claims more than is open\n\
         I3,pricing,2024-03-05,resolved,2024-03-25,,ann,opened and resolved in the window\n\
         I3,pricing,2024-03-28,open,,30.00,ann,reopened\n\
         I4,short-payment,2024-03-20,open,,,,deduction from cash application\n\
         I4,damaged,2024-01-05,resolved,2024-01-20,,,resolved before the window\n",
    );
    ws.ingest_ok(&["invoices.csv", "payments.csv", "applications.csv", "disputes.csv"]);
    ws
}

fn run(ws: &Ws, args: &[&str]) -> String {
    let mut full = vec!["disputes", "--as-of", "2024-03-31", "--from", "2024-03-01"];
    full.extend_from_slice(args);
    stdout(&ws.arx(&full).success())
}

#[test]
fn window_counts_resolution_rate_and_days_to_resolve() {
    let ws = ledger();
    let got: Value = serde_json::from_str(&run(&ws, &["--format", "json"])).unwrap();
    // Open at 2024-02-29: I1 (opened 02-01), I2 (02-15) → 2. Opened in March: I3 (03-05), I3
    // reopened (03-28), I4 short-payment (03-20) → 3. Resolved in March: I1 (03-11, 39 days),
    // I3 (03-25, 20 days) → 2; rate 2 / (2 + 3) × 100 = 40; average (39 + 20) / 2 = 29.5 days.
    // Open at 03-31: I2 capped at its 50.00 open, I3 reopened 30.00, I4 defaulting to 100.00.
    assert_eq!(
        got["rows"],
        json!([{"currency": "EUR", "open_count": 3, "open_amount": "180.00", "opened": 3, "resolved": 2,
                 "resolution_rate": 40.0, "avg_days_to_resolve": 29.5}])
    );
    assert_eq!(got["as_of"], "2024-03-31");
    assert_eq!(got["from"], "2024-03-01");
    // Share of AR: 180 of (100 + 50 + 100 + 100 open) = 350 → 51.43 %.
    assert_eq!(got["share_of_ar"], json!([{"currency": "EUR", "pct": 51.43}]));
}

#[test]
fn amounts_are_capped_at_the_open_amount_with_a_note() {
    let ws = ledger();
    let a =
        ws.arx(&["disputes", "--as-of", "2024-03-31", "--from", "2024-03-01", "--detail", "--format", "csv"]).success();
    assert_contains(&stderr(&a), &["capped", "I2: claimed 80.00, open 50.00"]);
    let rows = csv_maps(&stdout(&a));
    let docs: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| (r["document_no"].as_str(), r["amount"].as_str(), r["band"].as_str(), r["source"].as_str()))
        .collect();
    // Oldest first: I2 opened 02-15 (45 days), I4 03-20 (11), I3 03-28 (3).
    assert_eq!(
        docs,
        vec![
            ("I2", "50.00", "31-60", "customer"),
            ("I4", "100.00", "0-30", "deduction"),
            ("I3", "30.00", "0-30", "customer")
        ]
    );
}

#[test]
fn groupings_and_the_resolved_list() {
    let ws = ledger();
    assert_eq!(
        run(&ws, &["--by", "reason", "--format", "csv"]),
        "currency,reason,count,amount\nEUR,pricing,1,30.00\nEUR,quantity,1,50.00\nEUR,short-payment,1,100.00\n"
    );
    assert_eq!(
        run(&ws, &["--by", "customer", "--format", "csv"]),
        "currency,customer_id,count,amount\nEUR,C1,2,80.00\nEUR,C2,1,100.00\n"
    );
    assert_eq!(
        run(&ws, &["--by", "age", "--format", "csv"]),
        "currency,band,count,amount\nEUR,0-30,2,130.00\nEUR,31-60,1,50.00\n"
    );
    assert_eq!(
        run(&ws, &["--resolved", "--format", "csv"]),
        "document_no,customer_id,currency,reason,opened_date,resolved_date,days_to_resolve\nI1,C1,EUR,pricing,2024-02-01,2024-03-11,39\nI3,C1,EUR,pricing,2024-03-05,2024-03-25,20\n"
    );
}

#[test]
fn as_of_a_past_date_shows_disputes_open_then() {
    let ws = ledger();
    let got: Value =
        serde_json::from_str(&stdout(&ws.arx(&["disputes", "--as-of", "2024-01-10", "--format", "json"]).success()))
            .unwrap();
    // Only I4's damaged dispute existed (opened 01-05, resolved 01-20): open, in the January window.
    assert_eq!(got["from"], "2024-01-01");
    assert_eq!(got["rows"][0]["open_count"], 1);
    assert_eq!(got["rows"][0]["opened"], 1);
    assert_eq!(got["rows"][0]["resolution_rate"], 0.0);
    assert_eq!(got["rows"][0]["avg_days_to_resolve"], Value::Null);
}

#[test]
fn a_window_starting_after_the_as_of_date_is_a_usage_error() {
    let ws = ledger();
    ws.arx(&["disputes", "--as-of", "2024-03-31", "--from", "2024-04-01"]).code(2);
}

#[test]
fn a_short_payment_dispute_is_about_the_deduction_that_closed_the_invoice() {
    let ws = Ws::new();
    ws.write("i.csv", "document_no,customer_id,doc_date,amount,currency\nI1,C1,2024-03-01,100.00,EUR\n");
    ws.write("p.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-03-10,92.50,EUR,C1\n");
    ws.write(
        "a.csv",
        "source,document_no,amount,applied_date,kind,payment_id\nP1,I1,92.50,2024-03-10,payment,\nshort pay,I1,7.50,2024-03-10,deduction,P1\n",
    );
    ws.write("d.csv", "document_no,reason,opened_date,status\nI1,short-payment,2024-03-10,open\n");
    ws.ingest_ok(&["i.csv", "p.csv", "a.csv", "d.csv"]);
    let rows = csv_maps(&run(&ws, &["--detail", "--format", "csv"]));
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0]["amount"].as_str(), rows[0]["source"].as_str()), ("7.50", "deduction"));
}

#[test]
fn workbook_sheets_match_the_csv() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let ws = ledger();
    let out = ws.dir().join("d.xlsx");
    ws.arx(&["disputes", "--as-of", "2024-03-31", "--from", "2024-03-01", "-o", out.to_str().unwrap()]).success();
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["Summary", "Open disputes", "Resolved", "By reason", "Parameters"]);
    let summary = book.worksheet_range("Summary").unwrap();
    let header = summary.rows().position(|r| r.first() == Some(&Data::String("Currency".into()))).unwrap();
    let row: Vec<Data> = summary.rows().nth(header + 1).unwrap().to_vec();
    assert_eq!(row[0], Data::String("EUR".into()));
    assert_eq!(row[1], Data::Float(3.0));
    assert_eq!(row[2], Data::Float(180.0));
    assert_eq!(row[5], Data::Float(40.0));
    assert_eq!(row[6], Data::Float(29.5));
    let open = book.worksheet_range("Open disputes").unwrap();
    let docs: Vec<String> = open.rows().skip(4).map(|r| r[0].to_string()).collect();
    assert_eq!(docs, ["I2", "I4", "I3"]);
    // Same inputs and dates → the same bytes.
    let again = ws.dir().join("d2.xlsx");
    ws.arx(&["disputes", "--as-of", "2024-03-31", "--from", "2024-03-01", "-o", again.to_str().unwrap()]).success();
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());
}
