//! Cross-check on real data nobody here wrote: the IBM accounts-receivable sample
//! (../shared/data/real, read from there: it has no licence to copy it in). Every invoice is
//! settled on its SettledDate; arx must reproduce the file's own DaysLate and DaysToSettle per
//! invoice, its amount total, and its disputed share (561 of 2,466).

use crate::common::{csv_maps, stdout, Ws};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

fn sample() -> Option<PathBuf> {
    crate::common::shared_real("WA_Fn-UseC_-Accounts-Receivable.csv")
}

fn us_date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%m/%d/%Y").unwrap_or_else(|e| panic!("{s}: {e}"))
}

struct Row {
    invoice: String,
    days_late: i64,
    days_to_settle: i64,
}

/// Writes canonical invoices, payments (one per invoice, on its SettledDate), applications and
/// disputes (resolved on the SettledDate) derived from the sample; returns its rows.
fn convert(ws: &Ws, sample: &std::path::Path) -> Vec<Row> {
    let mut r = csv::Reader::from_path(sample).unwrap();
    let (mut inv, mut pay, mut app, mut dis) = (
        String::from("document_no,customer_id,doc_date,amount,currency,due_date\n"),
        String::from("payment_id,payment_date,amount,currency,customer_id\n"),
        String::from("source,document_no,amount,applied_date,kind\n"),
        String::from("document_no,reason,opened_date,status,resolved_date\n"),
    );
    let mut rows = Vec::new();
    for rec in r.deserialize::<BTreeMap<String, String>>() {
        let f = rec.unwrap();
        let (no, cust, amount) = (&f["invoiceNumber"], &f["customerID"], &f["InvoiceAmount"]);
        let (date, due, settled) = (us_date(&f["InvoiceDate"]), us_date(&f["DueDate"]), us_date(&f["SettledDate"]));
        writeln!(inv, "{no},{cust},{date},{amount},USD,{due}").unwrap();
        writeln!(pay, "PAY-{no},{settled},{amount},USD,{cust}").unwrap();
        writeln!(app, "PAY-{no},{no},{amount},{settled},payment").unwrap();
        if f["Disputed"] == "Yes" {
            writeln!(dis, "{no},disputed,{date},resolved,{settled}").unwrap();
        }
        rows.push(Row {
            invoice: no.clone(),
            days_late: f["DaysLate"].parse().unwrap(),
            days_to_settle: f["DaysToSettle"].parse().unwrap(),
        });
    }
    ws.write("invoices.csv", inv);
    ws.write("payments.csv", pay);
    ws.write("applications.csv", app);
    ws.write("disputes.csv", dis);
    ws.ingest_ok(&["invoices.csv", "payments.csv", "applications.csv", "disputes.csv"]);
    rows
}

#[test]
fn ibm_sample_reproduces_days_late_and_days_to_settle_per_invoice() {
    let Some(sample) = sample() else { return };
    let ws = Ws::new();
    let rows = convert(&ws, &sample);
    assert_eq!(rows.len(), 2466);
    // Leading zeros of invoice numbers are kept, and every cent is there.
    let exported = csv_maps(&ws.export("invoices"));
    assert_eq!(exported.len(), 2466);
    assert!(exported.iter().any(|r| r["document_no"] == "0000611365"));
    let total: i64 = exported.iter().map(|r| r["amount"].replace('.', "").parse::<i64>().unwrap()).sum();
    assert_eq!(total, 14_770_318, "amount total 147,703.18");

    // All settlements fall between 2012-01-03 and 2014-01-09: a 25-month window holds them all.
    let out = ws.arx(&["dso", "--as-of", "2014-01-09", "--months", "25", "--behaviour", "--detail", "--format", "csv"]);
    let settled = csv_maps(&stdout(&out.success()));
    assert_eq!(settled.len(), 2466);
    let by_no: BTreeMap<&str, (i64, i64)> = settled
        .iter()
        .map(|r| (r["document_no"].as_str(), (r["days_late"].parse().unwrap(), r["days_to_pay"].parse().unwrap())))
        .collect();
    for row in &rows {
        assert_eq!(by_no[row.invoice.as_str()], (row.days_late, row.days_to_settle), "invoice {}", row.invoice);
    }

    // The per-customer averages are the amount-weighted means of those same days.
    let behaviour = csv_maps(&stdout(
        &ws.arx(&["dso", "--as-of", "2014-01-09", "--months", "25", "--behaviour", "--format", "csv"]).success(),
    ));
    let settled_count: usize = behaviour.iter().map(|r| r["settled"].parse::<usize>().unwrap()).sum();
    assert_eq!(settled_count, 2466);
    for b in &behaviour {
        let mine: Vec<_> = settled.iter().filter(|s| s["customer_id"] == b["customer_id"]).collect();
        let cents = |s: &str| s.replace('.', "").parse::<i128>().unwrap();
        let weight: i128 = mine.iter().map(|s| cents(&s["amount"])).sum();
        let late: i128 = mine.iter().map(|s| cents(&s["amount"]) * s["days_late"].parse::<i128>().unwrap()).sum();
        let expected = rust_decimal::Decimal::from_i128_with_scale(late, 0)
            / rust_decimal::Decimal::from_i128_with_scale(weight, 0);
        let expected = expected.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        assert_eq!(b["avg_days_late"], format!("{expected:.2}"), "customer {}", b["customer_id"]);
    }

    // The disputed share: 561 of the 2,466 invoices, all opened and resolved in the sample's span.
    let disputes: serde_json::Value = serde_json::from_str(&stdout(
        &ws.arx(&["disputes", "--as-of", "2014-01-09", "--from", "2012-01-01", "--format", "json"]).success(),
    ))
    .unwrap();
    let row = &disputes["rows"][0];
    assert_eq!(
        (row["opened"].as_u64(), row["resolved"].as_u64(), row["open_count"].as_u64()),
        (Some(561), Some(561), Some(0))
    );
}
