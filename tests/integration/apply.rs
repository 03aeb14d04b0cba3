//! `arx apply`: one test per rule on fixtures/apply/rules (see its README for the case of each
//! payment), the never-guess cases, undo, idempotence, dry runs, the summary and the exceptions
//! workbook read back cell by cell.

use crate::common::{csv_maps, fixture, stderr, stdout, Ws};
use calamine::{open_workbook, Data, Reader, Xlsx};
use std::collections::BTreeMap;

const RULES: &str = "apply/rules";

/// A workspace with the rules ledger ingested and its `[apply]` policy in arx.toml.
fn rules_ws() -> Ws {
    let ws = Ws::new();
    let policy = std::fs::read_to_string(fixture(format!("{RULES}/apply.toml"))).unwrap();
    let config = std::fs::read_to_string(ws.ws.join("arx.toml")).unwrap();
    let start = config.find("[apply]").expect("arx init writes an [apply] section");
    let end = config[start + 1..].find("\n[").map(|k| start + 1 + k).unwrap_or(config.len());
    let config = format!("{}{}{}", &config[..start], policy.trim_end(), &config[end..]);
    std::fs::write(ws.ws.join("arx.toml"), config).unwrap();
    let f = |n: &str| fixture(format!("{RULES}/{n}")).display().to_string();
    ws.ingest_ok(&[
        &f("customers.csv"),
        &f("invoices.csv"),
        &f("history_payments.csv"),
        &f("history_applications.csv"),
    ]);
    ws.ingest_ok(&[&f("payments.csv"), &f("remittances.csv")]);
    ws
}

/// The applications a batch made, per payment: sorted `kind:document_no:amount` lines.
fn applied(ws: &Ws) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in csv_maps(&ws.export("applications")) {
        if r["batch"].is_empty() {
            continue;
        }
        let payment = if r["kind"] == "payment" { r["source"].clone() } else { r["payment_id"].clone() };
        out.entry(payment).or_default().push(format!("{}:{}:{}", r["kind"], r["document_no"], r["amount"]));
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

fn rules_of(ws: &Ws) -> BTreeMap<String, String> {
    csv_maps(&ws.export("applications"))
        .into_iter()
        .filter(|r| !r["batch"].is_empty() && r["kind"] == "payment")
        .map(|r| (r["source"].clone(), r["rule"].clone()))
        .collect()
}

/// The rules ledger, applied once (shared by the per-rule tests through a fresh workspace each).
fn applied_rules() -> (Ws, BTreeMap<String, Vec<String>>) {
    let ws = rules_ws();
    ws.arx(&["apply"]).success();
    let apps = applied(&ws);
    (ws, apps)
}

fn expect(apps: &BTreeMap<String, Vec<String>>, payment: &str, lines: &[&str]) {
    let got = apps.get(payment).cloned().unwrap_or_default();
    let mut want: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(got, want, "applications of {payment}");
}

#[test]
fn every_rule_applies_what_its_evidence_says_and_records_rule_and_confidence() {
    let (ws, apps) = applied_rules();
    expect(&apps, "P-01", &["payment:INV-0010001:1000.00"]);
    expect(&apps, "P-02", &["payment:INV-0010002:2500.00"]);
    expect(&apps, "P-03", &["payment:INV-0010003:750.00"]);
    expect(&apps, "P-04", &["payment:INV-0010004:320.00", "payment:INV-0010005:455.00"]);
    expect(&apps, "P-05", &["payment:INV-0010006:1200.00"]);
    expect(&apps, "P-06", &["payment:INV-0010007:999.99"]);
    expect(&apps, "P-07", &["payment:INV-0010008:640.00", "payment:INV-0010010:85.50"]);
    expect(&apps, "P-13", &["payment:INV-0010016:620.00"]);
    expect(&apps, "P-18", &["payment:INV-0010023:1234.56"]);
    expect(&apps, "P-19", &["payment:INV-0010024:2222.22"]);
    expect(&apps, "P-21", &["payment:INV-0010025:125000"]);
    // Issue 12's classes, one payment each (fixtures/apply/rules/README.md).
    expect(&apps, "P-24", &[]);
    expect(&apps, "P-25", &["payment:INV-0010101:1058.00"]);
    expect(&apps, "P-26", &["credit:INV-0010106:83.00", "payment:INV-0010106:147.00"]);
    expect(&apps, "P-27", &["payment:INV-0010103:700.00", "payment:INV-0010105:229.90"]);
    expect(&apps, "P-28", &["payment:INV-0010104:830.50", "payment:INV-0010108:1500.00"]);
    expect(&apps, "P-29", &[]);
    expect(&apps, "P-30", &["payment:INV-0010109:310.00", "payment:INV-0010110:45.60"]);
    let rules = rules_of(&ws);
    let want = [
        ("P-01", "reference:98"),
        ("P-02", "reference-format:95"),
        ("P-03", "reference-slip:90"),
        ("P-04", "reference:98"),
        ("P-05", "po-reference:93"),
        ("P-06", "amount:90"),
        ("P-07", "combination:80"),
        ("P-13", "reference:98"),
        ("P-16", "remittance:99"),
        ("P-18", "amount:90"),
        ("P-19", "amount:90"),
        ("P-25", "reference:98"),
        ("P-26", "reference:98"),
        ("P-27", "combination:80"),
        ("P-28", "reference:98"),
        ("P-30", "reference-format:95"),
    ];
    for (p, rule) in want {
        assert_eq!(rules.get(p).map(String::as_str), Some(rule), "rule of {p}");
    }
}

#[test]
fn bank_fee_within_tolerance_is_written_off_with_the_payment_named() {
    let (ws, apps) = applied_rules();
    expect(&apps, "P-08", &["payment:INV-0010011:4996.50", "write_off:INV-0010011:3.50"]);
    let w = csv_maps(&ws.export("applications")).into_iter().find(|r| r["kind"] == "write_off").unwrap();
    assert_eq!(w["payment_id"], "P-08");
    assert_eq!(w["source"], "payment difference within tolerance");
}

#[test]
fn early_payment_discount_within_terms_is_a_discount() {
    let (_ws, apps) = applied_rules();
    expect(&apps, "P-09", &["discount:INV-0010012:40.00", "payment:INV-0010012:1960.00"]);
}

#[test]
fn an_instalment_leaves_the_rest_open_and_is_listed_as_a_short_pay() {
    let (ws, apps) = applied_rules();
    expect(&apps, "P-10", &["payment:INV-0010013:1000.00"]);
    // Nothing else is made of the 2,000.00 still open: no write-off, no deduction, no dispute.
    let disputes = ws.export("disputes");
    assert!(!disputes.contains("INV-0010013"), "{disputes}");
}

#[test]
fn short_pay_under_the_policy_threshold_becomes_a_deduction_and_an_open_dispute() {
    let (ws, apps) = applied_rules();
    expect(&apps, "P-11", &["deduction:INV-0010014:12.40", "payment:INV-0010014:787.60"]);
    let d = csv_maps(&ws.export("disputes")).into_iter().find(|r| r["document_no"] == "INV-0010014").unwrap();
    assert_eq!((d["reason"].as_str(), d["status"].as_str(), d["amount"].as_str()), ("short-payment", "open", "12.40"));
}

#[test]
fn overpayment_applies_the_open_amount_and_leaves_the_rest_on_account() {
    let (ws, apps) = applied_rules();
    expect(&apps, "P-12", &["payment:INV-0010015:400.00"]);
    let aging = ws.arx(&["aging", "--as-of", "2026-03-31", "--detail", "--format", "csv"]).success();
    let row = csv_maps(&stdout(&aging)).into_iter().find(|r| r["document_no"] == "P-12").expect("P-12 is open cash");
    assert_eq!(row["open_amount"], "-50.00");
}

#[test]
fn credit_note_named_with_the_invoice_is_drawn_first() {
    let (_ws, apps) = applied_rules();
    expect(&apps, "P-14", &["credit:INV-0010017:200.00", "payment:INV-0010017:1300.00"]);
}

#[test]
fn remittance_lines_apply_with_their_deduction_and_reason_and_resolve_a_typo() {
    let (ws, apps) = applied_rules();
    expect(&apps, "P-16", &["deduction:INV-0010021:10.00", "payment:INV-0010020:700.00", "payment:INV-0010021:290.00"]);
    expect(&apps, "P-17", &["payment:INV-0010022:410.00"]);
    let d = csv_maps(&ws.export("disputes")).into_iter().find(|r| r["document_no"] == "INV-0010021").unwrap();
    assert_eq!(d["reason"], "damaged goods");
}

#[test]
fn never_guesses_two_equal_invoices_an_unknown_payer_or_a_settled_invoice() {
    let (ws, apps) = applied_rules();
    for p in ["P-15", "P-20", "P-23"] {
        assert!(!apps.contains_key(p), "{p} must not be applied: {:?}", apps.get(p));
    }
    // A slip of another customer's invoice is not evidence; the payer and amount are.
    expect(&apps, "P-22", &["payment:INV-0010026:875.25"]);
    // The two equal invoices stay fully open.
    let aging = ws.arx(&["aging", "--as-of", "2026-03-31", "--detail", "--format", "csv"]).success();
    let open: Vec<_> = csv_maps(&stdout(&aging))
        .into_iter()
        .filter(|r| r["document_no"] == "INV-0010018" || r["document_no"] == "INV-0010019")
        .map(|r| r["open_amount"].clone())
        .collect();
    assert_eq!(open, ["333.00", "333.00"]);
}

#[test]
fn summary_json_ties_received_to_applied_plus_unapplied() {
    let ws = rules_ws();
    let a = ws.arx(&["apply", "--format", "json"]).success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(v["batch"], "apply-3");
    assert_eq!(v["committed"], true);
    assert_eq!(v["exceptions"], 5);
    let eur = v["rows"].as_array().unwrap().iter().find(|r| r["currency"] == "EUR").unwrap();
    let m = |k: &str| eur[k].as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap();
    assert_eq!(m("received"), m("applied") + m("left_unapplied"));
    assert_eq!(m("received"), m("fully_applied_value") + m("partly_applied_value") + m("unapplied_value"));
    assert_eq!(eur["payments"], 29);
    assert_eq!(eur["unapplied"], 5);
    assert_eq!(eur["partly_applied"], 1, "the overpayment");
    assert_eq!(eur["write_offs"], "3.50");
    assert_eq!(eur["discounts"], "40.00");
    assert_eq!(eur["deductions"], "22.40");
    assert_eq!(eur["credits_used"], "283.00");
}

#[test]
fn dry_run_proposes_without_writing() {
    let ws = rules_ws();
    let before = ws.store_snapshot();
    let a = ws.arx(&["apply", "--dry-run", "--format", "json"]).success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(v["committed"], false);
    assert_eq!(v["applications"], 37);
    assert!(stderr(&a).contains("dry run: nothing was written"));
    assert_eq!(ws.store_snapshot(), before);
}

#[test]
fn applying_again_adds_nothing_and_the_same_inputs_give_the_same_applications() {
    let ws = rules_ws();
    ws.arx(&["apply"]).success();
    let first = applied(&ws);
    let a = ws.arx(&["apply", "--format", "json"]).success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(v["applications"], 0, "nothing new to apply");
    assert_eq!(v["exceptions"], 5, "the exceptions are looked at again");
    assert_eq!(applied(&ws), first);
    // Another workspace with the same inputs: the same applications, byte for byte.
    let other = rules_ws();
    other.arx(&["apply"]).success();
    assert_eq!(other.export("applications"), ws.export("applications"));
}

#[test]
fn undo_voids_the_batch_and_its_disputes_keeps_history_and_reapplies_the_same() {
    let ws = rules_ws();
    ws.arx(&["apply"]).success();
    let first = ws.export("applications");
    let a = ws.arx(&["apply", "--undo", "apply-3", "--format", "csv"]).success();
    assert_eq!(stdout(&a), "batch,applications_voided,disputes_voided,payments_reopened\napply-3,37,2,25\n");
    let after = ws.export("applications");
    assert!(!after.contains("apply-3"), "{after}");
    assert!(after.contains("HP-0001"), "applications from other sources stay");
    assert!(!ws.export("disputes").contains("opened by arx apply"));
    // History: every version is still in the store.
    let all = ws.arx(&["export", "applications", "--all-versions", "--format", "csv"]).success();
    assert_eq!(stdout(&all).matches("apply-3").count(), 74, "37 applied + 37 voids");
    // Undoing twice is refused; a batch that never existed is named.
    let again = ws.arx(&["apply", "--undo", "apply-3"]).code(2);
    assert!(stderr(&again).contains("no applications left to undo"), "{}", stderr(&again));
    let unknown = ws.arx(&["apply", "--undo", "apply-99"]).code(2);
    assert!(stderr(&unknown).contains("no batch apply-99"));
    // The payments are open again and apply the same way (in a new batch).
    ws.arx(&["apply"]).success();
    assert_eq!(ws.export("applications"), first.replace("apply-3", "apply-5"));
    let aging = ws.arx(&["aging", "--as-of", "2026-03-31", "--format", "csv"]).success();
    assert!(stdout(&aging).contains("C002"));
}

#[test]
fn aging_after_apply_ties_to_documents_less_cash_and_adjustments() {
    let ws = rules_ws();
    ws.arx(&["apply"]).success();
    let aging = ws.arx(&["aging", "--as-of", "2026-03-31", "--format", "csv"]).success();
    let mut total = rust_decimal::Decimal::ZERO;
    for r in csv_maps(&stdout(&aging)).into_iter().filter(|r| r["currency"] == "EUR") {
        total += r["total"].parse::<rust_decimal::Decimal>().unwrap();
    }
    // Σ EUR documents − Σ EUR payments − write-offs, discounts, deductions (house rule).
    let docs: rust_decimal::Decimal = csv_maps(&ws.export("invoices"))
        .iter()
        .filter(|r| r["currency"] == "EUR")
        .map(|r| r["amount"].parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    let cash: rust_decimal::Decimal = csv_maps(&ws.export("payments"))
        .iter()
        .filter(|r| r["currency"] == "EUR")
        .map(|r| r["amount"].parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    let adjustments = rust_decimal::Decimal::new(350 + 4000 + 2240, 2);
    assert_eq!(total, docs - cash - adjustments);
}

fn sheet(path: &std::path::Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    wb.worksheet_range(name).unwrap().rows().map(|r| r.to_vec()).collect()
}

fn s(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

#[test]
fn exceptions_workbook_lists_what_to_work_through() {
    let ws = rules_ws();
    let out = ws.dir().join("exceptions.xlsx");
    ws.arx(&["apply", "--as-of", "2026-03-31", "-o", out.to_str().unwrap()]).success();
    let wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["Summary", "Exceptions", "Short pays", "Adjustments", "Applied", "Rules", "Parameters"]
    );

    let summary = sheet(&out, "Summary");
    assert_eq!(s(&summary[0][0]), "Cash application summary — My Company");
    assert_eq!(s(&summary[3][0]), "Currency");
    let eur = &summary[4];
    assert_eq!((s(&eur[0]), s(&eur[1]), s(&eur[2])), ("EUR".into(), "29".into(), "45344.15".into()));
    assert_eq!((s(&eur[3]), s(&eur[5]), s(&eur[7])), ("23".into(), "1".into(), "5".into()));

    // Exceptions, largest first, each with its reason and candidates.
    let ex = sheet(&out, "Exceptions");
    let header: Vec<String> = ex[3].iter().map(s).collect();
    assert_eq!(
        &header[..9],
        ["Payment ID", "Date", "Currency", "Amount", "Payer", "Reference", "Bank account", "Status", "Why not applied"]
    );
    let rows: Vec<Vec<String>> = ex[4..].iter().map(|r| r.iter().map(s).collect()).collect();
    assert_eq!(rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), ["P-29", "P-24", "P-20", "P-23", "P-15"]);
    // The conflicts say in words what disagrees, the partial reading as the first candidate.
    assert_eq!(rows[0][7], "conflict");
    assert!(
        rows[0][8].contains("INV-0010107") && rows[0][8].contains("4,000.00 is left unexplained"),
        "{}",
        rows[0][8]
    );
    assert_eq!(rows[0][9], "INV-0010107");
    assert_eq!(rows[1][7], "conflict");
    assert!(
        rows[1][8]
            .contains("names INV-0010101 (open 1,058.00); the amount 4,950.09 equals INV-0010102, one character away"),
        "{}",
        rows[1][8]
    );
    assert_eq!((rows[1][9].as_str(), rows[1][13].as_str()), ("INV-0010101", "INV-0010102"));
    let rows = &rows[2..];
    assert_eq!(rows[0][7], "unidentified");
    assert_eq!(rows[1][7], "conflict");
    assert!(rows[1][8].contains("INV-0010001") && rows[1][8].contains("already settled"), "{}", rows[1][8]);
    assert_eq!(rows[2][7], "ambiguous");
    assert_eq!((rows[2][9].as_str(), rows[2][13].as_str()), ("INV-0010018", "INV-0010019"));
    assert_eq!(rows[2][11], "333");

    // Every short pay, whatever was done with it.
    let short = sheet(&out, "Short pays");
    let rows: Vec<Vec<String>> = short[4..].iter().map(|r| r.iter().map(s).collect()).collect();
    let docs: Vec<(&str, &str, &str)> = rows.iter().map(|r| (r[0].as_str(), r[2].as_str(), r[12].as_str())).collect();
    assert_eq!(
        docs,
        [
            ("P-10", "INV-0010013", "partial payment: the rest stays open"),
            ("P-11", "INV-0010014", "deduction: dispute opened"),
            ("P-16", "INV-0010021", "deduction: dispute opened")
        ]
    );
    assert_eq!(s(&short[4][11]), "2000", "left open on the instalment");

    let adj = sheet(&out, "Adjustments");
    let kinds: Vec<String> = adj[4..].iter().map(|r| s(&r[1])).collect();
    assert_eq!(kinds, ["write_off", "discount", "deduction", "credit", "deduction", "credit"]);
    let applied = sheet(&out, "Applied");
    assert_eq!(applied.len() - 4, 37);
    assert_eq!(s(&applied[4][9]), "reference");
    assert_eq!(s(&applied[4][10]), "98");
    let params = sheet(&out, "Parameters");
    let find = |k: &str| params.iter().find(|r| s(&r[0]) == k).map(|r| s(&r[1]));
    assert_eq!(find("Batch").as_deref(), Some("apply-3"));
    assert_eq!(find("apply.write_off_fixed").as_deref(), Some("5.00"));
}

#[test]
fn exceptions_workbook_is_byte_identical_for_the_same_inputs() {
    let ws = rules_ws();
    let (a, b) = (ws.dir().join("a.xlsx"), ws.dir().join("b.xlsx"));
    ws.arx(&["apply", "--dry-run", "--as-of", "2026-03-31", "-o", a.to_str().unwrap()]).success();
    ws.arx(&["apply", "--dry-run", "--as-of", "2026-03-31", "-o", b.to_str().unwrap()]).success();
    assert!(std::fs::read(a).unwrap() == std::fs::read(b).unwrap(), "two runs gave different workbooks");
}

#[test]
fn apply_files_ingests_them_first_in_the_same_commit() {
    let ws = Ws::new();
    let f = |n: &str| fixture(format!("{RULES}/{n}")).display().to_string();
    ws.ingest_ok(&[&f("customers.csv"), &f("invoices.csv")]);
    let a = ws.arx(&["apply", &f("payments.csv"), &f("remittances.csv"), "--format", "json"]).success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(v["batch"], "apply-2");
    let log = ws.arx(&["log", "--format", "csv"]).success();
    assert!(stdout(&log).contains("payments.csv"), "the files are in the audit trail");
    // The same files again: ingested idempotently, nothing applied twice.
    let again = ws.arx(&["apply", &f("payments.csv"), &f("remittances.csv"), "--format", "json"]).success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&again)).unwrap();
    assert_eq!(v["applications"], 0);
    // Without arx.toml tolerances nothing is written off or deducted.
    assert!(!ws.export("applications").contains("write_off"));
    assert!(!ws.export("applications").contains(",deduction,P-11"));
}

#[test]
fn bad_policy_in_arx_toml_is_a_usage_error() {
    let ws = Ws::new();
    let config = std::fs::read_to_string(ws.ws.join("arx.toml")).unwrap();
    std::fs::write(ws.ws.join("arx.toml"), config.replace("write_off_fixed = \"0\"", "write_off_fixed = \"five\""))
        .unwrap();
    let a = ws.arx(&["apply"]).code(2);
    assert!(stderr(&a).contains("apply.write_off_fixed"), "{}", stderr(&a));
}

#[test]
fn explain_shows_the_evidence_and_why_before_and_after_applying() {
    let ws = rules_ws();
    let before = ws.store_snapshot();
    // Before: P-24 names INV-0010101 but pays INV-0010102's amount.
    let a = ws.arx(&["apply", "--explain", "P-24", "--format", "csv"]).success();
    let rows = csv_maps(&stdout(&a));
    let find = |step: &str| rows.iter().filter(|r| r["step"] == step).map(|r| r["finding"].clone()).collect::<Vec<_>>();
    assert!(find("payer")[0].contains("C010 by payer name"), "{rows:?}");
    assert!(find("reference")[0].contains("INV-0010101 (C010, open 1,058.00)"), "{rows:?}");
    assert!(find("amount")[0].contains("equal to the payment: INV-0010102"), "{rows:?}");
    let decision = &find("decision")[0];
    assert!(decision.starts_with("not applied (conflict)") && decision.contains("one character away"), "{decision}");
    assert_eq!(find("candidate").len(), 2);
    assert_eq!(ws.store_snapshot(), before, "--explain writes nothing");
    // After the batch: an applied payment shows its stored applications first.
    ws.arx(&["apply"]).success();
    let a = ws.arx(&["apply", "--explain", "P-28", "--format", "csv"]).success();
    let rows = csv_maps(&stdout(&a));
    let stored: Vec<&String> = rows.iter().filter(|r| r["step"] == "applied before").map(|r| &r["finding"]).collect();
    assert_eq!(stored.len(), 2, "{rows:?}");
    assert!(
        stored.iter().any(|f| f.contains("1,500.00 to INV-0010108") && f.contains("rule reference:98")),
        "{stored:?}"
    );
    // An unknown payment is a usage error.
    let a = ws.arx(&["apply", "--explain", "P-404"]).code(2);
    assert!(stderr(&a).contains("'P-404' is not in the workspace"));
}
