//! `arx dso`: every figure of CONTRACT.md §3's DSO block against hand-computed values.

use crate::common::{arx_bin, csv_maps, stdout, Ws};
use serde_json::{json, Value};

const INV: &str = "document_no,customer_id,doc_date,amount,currency,doc_type,due_date\n";

/// Jan 70,000 / Feb 80,000 / Mar 100,000 of 2023 (non-leap), 38,000 paid on the January
/// invoice: AR 212,000 at 31 March. Only the March invoice is not yet due (current AR 100,000).
fn worked_example() -> Ws {
    let ws = Ws::new();
    ws.write(
        "invoices.csv",
        format!(
            "{INV}J,C1,2023-01-10,70000.00,EUR,invoice,2023-01-31\nF,C1,2023-02-01,80000.00,EUR,invoice,2023-03-02\nM,C2,2023-03-05,100000.00,EUR,invoice,2023-04-30\n"
        ),
    );
    ws.write("payments.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2023-03-15,38000.00,EUR,C1\n");
    ws.write("applications.csv", "source,document_no,amount,applied_date\nP1,J,38000.00,2023-03-15\n");
    ws.ingest_ok(&["invoices.csv", "payments.csv", "applications.csv"]);
    ws
}

fn dso(ws: &Ws, args: &[&str]) -> Value {
    let mut full = vec!["dso", "--format", "json"];
    full.extend_from_slice(args);
    serde_json::from_str(&stdout(&ws.arx(&full).success())).unwrap()
}

#[test]
fn the_worked_example_gives_countback_73_17_and_standard_76_32() {
    let ws = worked_example();
    let got = dso(&ws, &["--as-of", "2023-03-31"]);
    assert_eq!(
        got,
        json!({"as_of": "2023-03-31", "months": 3, "rows": [{
            "currency": "EUR", "ar": "212000.00", "current_ar": "100000.00", "sales": "250000.00", "days": 90,
            "dso_standard": 76.32, "dso_countback": 73.17,
            // 100,000 / 250,000 × 90; 76.32 − 36.00
            "bpdso": 36.0, "add": 40.32,
            // AR at 2022-12-31 is 0: (0 + 250,000 − 212,000) / (0 + 250,000 − 100,000) × 100
            "cei": 25.33
        }]})
    );
    let csv = stdout(&ws.arx(&["dso", "--as-of", "2023-03-31", "--format", "csv"]).success());
    assert_eq!(
        csv,
        "currency,ar,current_ar,sales,days,dso_standard,dso_countback,bpdso,add,cei\nEUR,212000.00,100000.00,250000.00,90,76.32,73.17,36.00,40.32,25.33\n"
    );
}

#[test]
fn cei_uses_the_balance_the_day_before_the_window() {
    let ws = worked_example();
    // Window Feb–Mar: AR at 31 Jan = 70,000 (J open); sales 180,000; AR 212,000; current 100,000.
    let got = dso(&ws, &["--as-of", "2023-03-31", "--months", "2"]);
    let row = &got["rows"][0];
    assert_eq!(row["sales"], "180000.00");
    assert_eq!(row["days"], 59);
    // (70,000 + 180,000 − 212,000) / (70,000 + 180,000 − 100,000) × 100 = 25.333…
    assert_eq!(row["cei"], 25.33);
    // 212,000 / 180,000 × 59 = 69.488…
    assert_eq!(row["dso_standard"], 69.49);
}

#[test]
fn a_month_with_net_negative_sales_counts_its_days_and_the_walk_goes_on() {
    let ws = Ws::new();
    ws.write(
        "invoices.csv",
        format!(
            "{INV}J,C1,2023-01-10,100.00,EUR,invoice,2023-01-10\nF,C1,2023-02-10,20.00,EUR,invoice,2023-02-10\nCF,C1,2023-02-11,50.00,EUR,credit_note,\nM,C1,2023-03-10,100.00,EUR,invoice,2023-03-10\n"
        ),
    );
    ws.ingest_ok(&["invoices.csv"]);
    // AR = 100 + 20 − 50 + 100 = 170. March: 170 ≥ 100 → 31 days, 70 left. February sales −30
    // → 28 days. January: 70 < 100 → 0.7 × 31 = 21.7. Count-back 80.70.
    let row = dso(&ws, &["--as-of", "2023-03-31"])["rows"][0].clone();
    assert_eq!(row["ar"], "170.00");
    assert_eq!(row["sales"], "170.00");
    assert_eq!(row["dso_countback"], 80.7);
    // Standard: 170 / 170 × 90 = 90.
    assert_eq!(row["dso_standard"], 90.0);
}

#[test]
fn a_mid_month_as_of_date_ends_the_window_on_that_day() {
    let ws = worked_example();
    // As of 15 March: the window is 1 Jan – 15 Mar (31 + 28 + 15 = 74 days), March sales count
    // (its invoice is dated the 5th), AR = 212,000 (the payment is dated the 15th).
    let row = dso(&ws, &["--as-of", "2023-03-15"])["rows"][0].clone();
    assert_eq!(row["days"], 74);
    assert_eq!(row["sales"], "250000.00");
    assert_eq!(row["ar"], "212000.00");
    // 212,000 / 250,000 × 74 = 62.752
    assert_eq!(row["dso_standard"], 62.75);
    // Count-back: March (15 days, 100,000 covered, 112,000 left), February (28, 32,000 left),
    // January 32,000 / 70,000 × 31 = 14.171… → 57.17.
    assert_eq!(row["dso_countback"], 57.17);
}

#[test]
fn currencies_get_a_row_each_and_an_empty_window_has_no_ratio() {
    let ws = worked_example();
    ws.write("usd.csv", format!("{INV}U,C3,2022-06-01,500.00,USD,invoice,2022-07-01\n"));
    ws.ingest_ok(&["usd.csv"]);
    let got = dso(&ws, &["--as-of", "2023-03-31"]);
    let rows = got["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["currency"], "EUR");
    let usd = &rows[1];
    assert_eq!(usd["currency"], "USD");
    assert_eq!(usd["sales"], "0.00");
    assert_eq!(usd["dso_standard"], Value::Null);
    assert_eq!(usd["bpdso"], Value::Null);
    assert_eq!(usd["add"], Value::Null);
    // Open since June 2022 with no sales since: the walk counts the sales-less months back to
    // June 2022, whose 500 of sales explain the 500 of AR, and stops: 1 June 2022 – 31 March
    // 2023 = 304 days.
    assert_eq!(usd["dso_countback"], 304.0);
    // AR at start = 500 = AR at end, nothing current: (500 + 0 − 500) / (500 + 0 − 0) = 0.
    assert_eq!(usd["cei"], 0.0);
    let only = dso(&ws, &["--as-of", "2023-03-31", "--currency", "USD"]);
    assert_eq!(only["rows"].as_array().unwrap().len(), 1);
}

#[test]
fn input_files_give_the_same_figures_as_the_workspace() {
    let ws = worked_example();
    let from_store = stdout(&ws.arx(&["dso", "--as-of", "2023-03-31", "--format", "csv"]).success());
    let direct = arx_bin()
        .current_dir(ws.dir())
        .args([
            "dso",
            "--as-of",
            "2023-03-31",
            "--format",
            "csv",
            "--input",
            "invoices.csv",
            "payments.csv",
            "applications.csv",
        ])
        .assert()
        .success();
    assert_eq!(stdout(&direct), from_store);
}

#[test]
fn bad_months_are_usage_errors() {
    let ws = worked_example();
    ws.arx(&["dso", "--months", "0"]).code(2);
    ws.arx(&["dso", "--months", "37"]).code(2);
    ws.arx(&["dso", "--as-of", "31.03.2023"]).code(2);
}

#[test]
fn trend_gives_each_month_end_with_its_own_history() {
    let ws = worked_example();
    let csv = stdout(&ws.arx(&["dso", "--as-of", "2023-03-31", "--trend", "3", "--format", "csv"]).success());
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "as_of,currency,ar,current_ar,sales,days,dso_standard,dso_countback,bpdso,add,cei");
    // 31 January: window Nov–Jan (92 days), sales and AR 70,000, all of it due that day
    // (current): standard 92, count-back 31 (January's sales explain the AR), CEI undefined.
    assert_eq!(rows[1], "2023-01-31,EUR,70000.00,70000.00,70000.00,92,92.00,31.00,92.00,0.00,");
    // 28 February: F (due 2 March) is still current: standard 150/150 × 90 = 90, count-back
    // February 28 + January 31 = 59, BPDSO 80/150 × 90 = 48, ADD 42, CEI (0 + 150 − 150) / … = 0.
    assert_eq!(rows[2], "2023-02-28,EUR,150000.00,80000.00,150000.00,90,90.00,59.00,48.00,42.00,0.00");
    assert_eq!(rows[3], "2023-03-31,EUR,212000.00,100000.00,250000.00,90,76.32,73.17,36.00,40.32,25.33");
    assert_eq!(rows.len(), 4);
    // Not a month end: the trend stops at the last complete month.
    let mid = stdout(&ws.arx(&["dso", "--as-of", "2023-03-15", "--trend", "2", "--format", "csv"]).success());
    let dates: Vec<&str> = mid.lines().skip(1).map(|l| &l[..10]).collect();
    assert_eq!(dates, ["2023-01-31", "2023-02-28"]);
    let json: Value = serde_json::from_str(&stdout(
        &ws.arx(&["dso", "--as-of", "2023-03-31", "--trend", "2", "--format", "json"]).success(),
    ))
    .unwrap();
    assert_eq!(json["trend"].as_array().unwrap().len(), 2);
    assert_eq!(json["trend"][1]["rows"], json["rows"]);
}

#[test]
fn behaviour_lists_open_past_due_and_the_oldest_item_worst_first() {
    let ws = worked_example();
    // Pay the rest of J and all of F within March: both settle in the window.
    ws.write("p2.csv", "payment_id,payment_date,amount,currency,customer_id\nP2,2023-03-20,112000.00,EUR,C1\n");
    ws.write("a2.csv", "source,document_no,amount,applied_date\nP2,J,32000.00,2023-03-20\nP2,F,80000.00,2023-03-20\n");
    ws.ingest_ok(&["p2.csv", "a2.csv"]);
    let rows =
        csv_maps(&stdout(&ws.arx(&["dso", "--as-of", "2023-03-31", "--behaviour", "--format", "csv"]).success()));
    // J: paid 2023-03-20, 69 days after its date, 48 days late (due 01-31); F: 47 days to pay,
    // 18 late (due 03-02). Weighted by 70,000 and 80,000: to pay (69×70 + 47×80) / 150 = 57.27,
    // late (48×70 + 18×80) / 150 = 32.00; none on time.
    assert_eq!(rows[0]["customer_id"], "C1");
    assert_eq!(rows[0]["settled"], "2");
    assert_eq!(rows[0]["settled_amount"], "150000.00");
    assert_eq!(rows[0]["avg_days_to_pay"], "57.27");
    assert_eq!(rows[0]["avg_days_late"], "32.00");
    assert_eq!(rows[0]["on_time_pct"], "0.00");
    // C2 settled nothing; its March invoice is not yet due (oldest age −30).
    assert_eq!(rows[1]["customer_id"], "C2");
    assert_eq!(rows[1]["settled"], "0");
    assert_eq!(rows[1]["avg_days_late"], "");
    assert_eq!(rows[1]["open_past_due"], "0.00");
    assert_eq!(rows[1]["oldest_open_age"], "-30");
    let detail =
        stdout(&ws.arx(&["dso", "--as-of", "2023-03-31", "--behaviour", "--detail", "--format", "csv"]).success());
    assert_eq!(
        detail,
        "document_no,customer_id,currency,amount,doc_date,due_date,settled_date,days_to_pay,days_late\n\
         F,C1,EUR,80000.00,2023-02-01,2023-03-02,2023-03-20,47,18\n\
         J,C1,EUR,70000.00,2023-01-10,2023-01-31,2023-03-20,69,48\n"
    );
    ws.arx(&["dso", "--detail"]).code(2);
}

#[test]
fn workbook_has_kpis_trend_behaviour_and_parameters() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let ws = worked_example();
    let out = ws.dir().join("dso.xlsx");
    ws.arx(&["dso", "--as-of", "2023-03-31", "--trend", "3", "-o", out.to_str().unwrap()]).success();
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["KPIs", "Trend", "Payment behaviour", "Parameters"]);
    let kpis = book.worksheet_range("KPIs").unwrap();
    let header = kpis.rows().position(|r| r.first() == Some(&Data::String("Currency".into()))).unwrap();
    let row: Vec<Data> = kpis.rows().nth(header + 1).unwrap().to_vec();
    let expected = [212000.0, 100000.0, 250000.0, 90.0, 76.32, 73.17, 36.0, 40.32, 25.33];
    let float = |d: &Data| if let Data::Float(f) = d { Some(*f) } else { None };
    for (cell, want) in row[1..].iter().zip(expected) {
        assert_eq!(float(cell), Some(want), "{row:?}");
    }
    let trend = book.worksheet_range("Trend").unwrap();
    let dso_by_month: Vec<f64> = trend.rows().skip(4).filter_map(|r| r.get(2).and_then(float)).collect();
    assert_eq!(dso_by_month, [92.0, 90.0, 76.32]);
    let params = book.worksheet_range("Parameters").unwrap();
    assert!(params
        .rows()
        .any(|r| r.first() == Some(&Data::String("As of".into())) && r[1] == Data::String("2023-03-31".into())));
    ws.arx(&["dso", "-o", "x.csv"]).code(2);
    ws.arx(&["dso", "--behaviour", "-o", "x.xlsx"]).code(2);
}
