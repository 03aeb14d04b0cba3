//! Ingest on exports nobody here wrote (issue 11): each class of misreading found on real files,
//! with a test named after what it caught.

use crate::common::{arx_bin, assert_contains, csv_maps, stderr, stdout, Ws};

#[track_caller]
fn refused(ws: &Ws, args: &[&str], needles: &[&str]) -> String {
    let before = ws.store_snapshot();
    let err = stderr(&ws.arx(args).code(3));
    assert_contains(&err, needles);
    assert!(before == ws.store_snapshot(), "the store changed:\n{err}");
    err
}

const INVOICES: &str = "document_no,customer_id,doc_date,amount,currency,note\n";

#[test]
fn a_quote_never_closed_is_refused_naming_the_line_it_opened_on() {
    let ws = Ws::new();
    // Line 3's note opens a quote that never closes: the csv reader would take lines 3–5 as one
    // field and commit I1 alone.
    let text = format!(
        "{INVOICES}I1,C1,2024-01-01,10.00,EUR,ok\nI2,C1,2024-01-02,20.00,EUR,\"broken\nI3,C1,2024-01-03,30.00,EUR,x\nI4,C1,2024-01-04,40.00,EUR,y\n"
    );
    ws.write("invoices.csv", text);
    let err = refused(&ws, &["ingest", "invoices.csv", "--kind", "invoices"], &["invoices.csv:3:", "never closed"]);
    assert!(!err.contains("--skip-invalid to commit"), "skipping rows can't mend a broken file:\n{err}");
    // Not even --skip-invalid commits the rows before it.
    refused(&ws, &["ingest", "invoices.csv", "--kind", "invoices", "--skip-invalid"], &["never closed"]);
}

#[test]
fn quotes_that_close_and_inch_marks_inside_fields_are_fine() {
    let ws = Ws::new();
    let text = format!(
        "{INVOICES}I1,C1,2024-01-01,10.00,EUR,\"two\nlines, and a \"\"quote\"\"\"\nI2,C1,2024-01-02,20.00,EUR,5\" pipe\n"
    );
    ws.write("invoices.csv", text);
    ws.ingest_ok(&["invoices.csv", "--kind", "invoices"]);
    assert_eq!(csv_maps(&ws.export("invoices")).len(), 2);
}

#[test]
fn a_header_without_rows_is_a_quiet_day_not_already_loaded() {
    let ws = Ws::new();
    ws.write("invoices.csv", INVOICES);
    let a = ws.arx(&["ingest", "invoices.csv", "--kind", "invoices"]).success();
    let err = stderr(&a);
    assert_contains(&err, &["no records in ", "invoices.csv (it has no data rows)", "nothing was written"]);
    assert!(!err.contains("already in the workspace"), "{err}");
}

#[test]
fn duplicate_key_messages_quote_the_key() {
    let ws = Ws::new();
    ws.write("invoices.csv", format!("{INVOICES}INV-77,C1,2024-01-01,10.00,EUR,\nINV-77,C1,2024-01-02,20.00,EUR,\n"));
    refused(&ws, &["ingest", "invoices.csv"], &["invoices.csv:3:document_no:", "'INV-77'", "also on row 2"]);
}

#[test]
fn an_erp_allocation_netting_a_credit_note_is_one_netted_payment() {
    let ws = Ws::new();
    ws.write(
        "invoices.csv",
        "document_no,customer_id,doc_date,amount,currency,doc_type\nINV-1,C1,2024-01-01,230.00,EUR,invoice\nCN-3,C1,2024-01-05,83.00,EUR,credit_note\n",
    );
    ws.write("payments.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-01-20,147.00,EUR,C1\n");
    // The ERP's two allocation rows, the invoice first: +230 alone would over-apply the 147.00
    // payment; judged on the totals after both rows, it is exact.
    ws.write(
        "applications.csv",
        "source,document_no,amount,applied_date,kind\nP1,INV-1,230.00,2024-01-20,payment\nP1,CN-3,-83.00,2024-01-20,payment\n",
    );
    ws.ingest_ok(&["invoices.csv", "payments.csv", "applications.csv"]);
    let detail = stdout(&ws.arx(&["aging", "--as-of", "2024-01-31", "--detail", "--format", "csv"]).success());
    assert_eq!(csv_maps(&detail).len(), 0, "invoice, credit note and payment are all settled:\n{detail}");
}

#[test]
fn over_application_is_judged_on_totals_and_names_the_rows() {
    let ws = Ws::new();
    ws.write(
        "invoices.csv",
        "document_no,customer_id,doc_date,amount,currency,doc_type\nINV-1,C1,2024-01-01,230.00,EUR,invoice\nCN-3,C1,2024-01-05,83.00,EUR,credit_note\n",
    );
    ws.write("payments.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-01-20,140.00,EUR,C1\n");
    ws.write(
        "applications.csv",
        "source,document_no,amount,applied_date,kind\nP1,INV-1,230.00,2024-01-20,payment\nP1,CN-3,-83.00,2024-01-20,payment\n",
    );
    let err = refused(
        &ws,
        &["ingest", "invoices.csv", "payments.csv", "applications.csv"],
        &["applications.csv:3:amount:", "147.00 is applied from payment 'P1' of 140.00", "rows 2, 3"],
    );
    assert!(!err.contains("--skip-invalid to commit"), "{err}");
    // A negative application to an invoice is still refused: only a credit note may be netted.
    ws.write("a2.csv", "source,document_no,amount,applied_date,kind\nP1,INV-1,-10.00,2024-01-20,payment\n");
    refused(&ws, &["ingest", "invoices.csv", "payments.csv", "a2.csv"], &["a2.csv:2:amount:", "opposite sign"]);
}

#[test]
fn high_nominal_amounts_up_to_ten_to_the_seventeen_minor_units() {
    let ws = Ws::new();
    // ERPNext's own test amount, and an IDR invoice of 999 trillion rupiah.
    ws.write(
        "invoices.csv",
        "document_no,customer_id,doc_date,amount,currency\nE1,C1,2024-01-01,98765432109876.54,EUR\nR1,C1,2024-01-01,999999999999999.99,IDR\n",
    );
    ws.ingest_ok(&["invoices.csv"]);
    let json = stdout(&ws.arx(&["aging", "--as-of", "2024-01-31", "--format", "json"]).success());
    assert_contains(&json, &["98765432109876.54", "999999999999999.99"]);
    // 40-digit nonsense is still refused.
    ws.write("bad.csv", "document_no,customer_id,doc_date,amount,currency\nX1,C1,2024-01-01,1234567890123456789012345678901234567890,EUR\n");
    refused(&ws, &["ingest", "bad.csv"], &["bad.csv:2:amount:"]);
    // Just over the cap: 10^17 minor units + 1.
    ws.write(
        "over.csv",
        "document_no,customer_id,doc_date,amount,currency\nX2,C1,2024-01-01,1000000000000000.01,EUR\n",
    );
    refused(&ws, &["ingest", "over.csv"], &["over.csv:2:amount:", "10^17"]);
}

#[test]
fn totals_beyond_what_arx_can_add_are_refused_not_printed() {
    let ws = Ws::new();
    // 100 invoices at the cap add up to 10^19 minor units: past i64. No report may print a
    // clamped or wrapped figure, so ingest refuses the ledger.
    let mut text = String::from("document_no,customer_id,doc_date,amount,currency\n");
    for i in 0..100 {
        text.push_str(&format!("BIG{i},C1,2024-01-01,1000000000000000.00,EUR\n"));
    }
    ws.write("big.csv", text);
    refused(&ws, &["ingest", "big.csv"], &["big.csv", "beyond what arx can total exactly"]);
    // And a report straight from files refuses too (exit 1, no number).
    let a = arx_bin()
        .current_dir(ws.dir())
        .args(["dso", "--as-of", "2024-01-31", "--format", "json", "--input", "big.csv"])
        .assert()
        .failure();
    assert!(stdout(&a).is_empty(), "{}", stdout(&a));
    assert_contains(&stderr(&a), &["beyond what arx can total exactly"]);
}

#[test]
fn workspace_option_works_for_init() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("w");
    arx_bin().current_dir(tmp.path()).args(["--workspace"]).arg(&target).arg("init").assert().success();
    assert!(target.join("arx.toml").is_file(), "init ignored --workspace");
    assert!(!tmp.path().join("arx.toml").exists(), "init wrote into the current folder");
    // The environment variable too.
    let t2 = tmp.path().join("w2");
    arx_bin().current_dir(tmp.path()).env("ARX_WORKSPACE", &t2).arg("init").assert().success();
    assert!(t2.join("arx.toml").is_file());
    // A DIR that disagrees with --workspace is a usage error.
    let a = arx_bin()
        .current_dir(tmp.path())
        .arg("--workspace")
        .arg(tmp.path().join("a"))
        .args(["init", "b"])
        .assert()
        .code(2);
    assert_contains(&stderr(&a), &["name two folders"]);
}

#[test]
fn a_closed_pipe_on_stdout_is_success_and_quiet() {
    use std::io::Read;
    let ws = Ws::new();
    let mut text = String::from(INVOICES);
    for i in 0..20_000 {
        text.push_str(&format!("I{i},C1,2024-01-01,10.00,EUR,\n"));
    }
    ws.write("invoices.csv", text);
    ws.ingest_ok(&["invoices.csv"]);
    let bin = assert_cmd::cargo::cargo_bin("arx");
    let mut child = std::process::Command::new(bin)
        .current_dir(ws.dir())
        .arg("--workspace")
        .arg(&ws.ws)
        .args(["export", "invoices"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, like `head -1`, then close the pipe.
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    let _ = out.read(&mut first).unwrap();
    drop(out);
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "exit {status:?}, stderr: {err}");
    assert!(err.is_empty(), "stderr should be quiet: {err}");
}

#[test]
fn top_level_help_lists_the_reports() {
    let a = arx_bin().arg("--help").assert().success();
    let out = stdout(&a);
    assert_contains(&out, &["arx aging", "arx apply", "arx dso", "arx disputes", "Exit codes"]);
}

#[test]
fn values_in_messages_are_clipped_and_escape_sequences_shown_escaped() {
    let ws = Ws::new();
    let huge = "9".repeat(50_000);
    ws.write(
        "invoices.csv",
        format!("{INVOICES}I1,C1,2024-01-01,{huge}x,EUR,\nI2,C1,\u{1b}[2J2024-01-02,10.00,EUR,\n"),
    );
    let err = refused(&ws, &["ingest", "invoices.csv"], &["invoices.csv:2:amount:", "more characters)"]);
    assert!(err.len() < 5_000, "stderr holds {} bytes", err.len());
    assert!(!err.contains('\u{1b}'), "a raw ESC reached the terminal: {err:?}");
    assert_contains(&err, &["\\u{1b}"]);
}

#[test]
fn dates_before_1900_are_refused_by_every_reader_alike() {
    let ws = Ws::new();
    ws.write("invoices.csv", format!("{INVOICES}I1,C1,0000-01-01,10.00,EUR,\n"));
    refused(&ws, &["ingest", "invoices.csv"], &["invoices.csv:2:doc_date:", "outside the dates arx accepts"]);
}

#[test]
fn reports_from_files_judge_over_application_like_ingest() {
    let ws = Ws::new();
    ws.write("i.csv", "document_no,customer_id,doc_date,amount,currency\nI1,C1,2024-01-01,100.00,EUR\n");
    ws.write("p.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-01-10,150.00,EUR,C1\n");
    ws.write("a.csv", "source,document_no,amount,applied_date,kind\nP1,I1,150.00,2024-01-10,payment\n");
    let a = arx_bin()
        .current_dir(ws.dir())
        .args(["aging", "--as-of", "2024-01-31", "--format", "csv", "--input", "i.csv", "p.csv", "a.csv"])
        .assert()
        .code(3);
    assert_contains(
        &stderr(&a),
        &["a.csv:2:amount:", "over-application", "150.00 is applied to document 'I1' of 100.00"],
    );
    assert!(stdout(&a).is_empty());
}

#[test]
fn a_replaced_payment_and_its_lowered_application_in_one_call_are_judged_together() {
    let ws = Ws::new();
    ws.write("i.csv", "document_no,customer_id,doc_date,amount,currency\nI1,C1,2024-01-01,100.00,EUR\n");
    ws.write("p.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-01-10,100.00,EUR,C1\n");
    ws.write("a.csv", "source,document_no,amount,applied_date,kind\nP1,I1,100.00,2024-01-10,payment\n");
    ws.ingest_ok(&["i.csv", "p.csv", "a.csv"]);
    // The ERP corrects the payment to 80.00 and its allocation with it, in one export.
    ws.write("p2.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-01-10,80.00,EUR,C1\n");
    ws.write("a2.csv", "source,document_no,amount,applied_date,kind\nP1,I1,80.00,2024-01-10,payment\n");
    ws.arx(&["ingest", "p2.csv", "a2.csv", "--replace"]).success();
    // Lowering the payment alone still over-applies it, and is refused naming it.
    ws.write("p3.csv", "payment_id,payment_date,amount,currency,customer_id\nP1,2024-01-10,50.00,EUR,C1\n");
    refused(
        &ws,
        &["ingest", "p3.csv", "--replace"],
        &["p3.csv:2:amount:", "80.00 is applied from payment 'P1' of 50.00"],
    );
}
