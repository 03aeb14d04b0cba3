//! `arx ingest`, `export`, `log` and `init` behaviour on valid input: idempotence, conflicts and
//! `--replace`, `--dry-run`, `--skip-invalid`, dependency order, sign rules, export formats,
//! global options, workspace discovery, help texts and the writer lock.

use crate::common::{arx_bin, assert_contains, csv_maps, parse_csv, stderr, stdout, Ws};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

const INVOICES: &str = "\
document_no,customer_id,doc_date,amount,currency,doc_type,due_date
INV-1,C1,2024-01-10,100.00,EUR,invoice,2024-02-09
INV-2,C1,2024-01-20,80.00,EUR,,
INV-3,C2,2024-01-15,50.00,USD,invoice,2024-02-14
";

/// `arx ingest ARGS... --format json`, asserting success; the per-file report.
#[track_caller]
fn ingest_json(ws: &Ws, args: &[&str]) -> Vec<Value> {
    let mut full = vec!["ingest"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--format", "json"]);
    let a = ws.arx(&full).success();
    match serde_json::from_str(&stdout(&a)) {
        Ok(Value::Array(files)) => files,
        other => panic!("ingest --format json printed no JSON array: {other:?}\n{}", stdout(&a)),
    }
}

/// `arx log --format json`, asserting success.
fn log_json(ws: &Ws) -> Vec<Value> {
    let a = ws.arx(&["log", "--format", "json"]).success();
    match serde_json::from_str(&stdout(&a)) {
        Ok(Value::Array(rows)) => rows,
        other => panic!("log --format json printed no JSON array: {other:?}\n{}", stdout(&a)),
    }
}

fn sha256_file(path: &std::path::Path) -> String {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path).expect("read input");
    Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn ingesting_the_same_file_twice_adds_nothing_and_records_both_in_the_log() {
    let ws = Ws::new();
    let path = ws.write("invoices.csv", INVOICES);
    let first = ingest_json(&ws, &["invoices.csv"]);
    assert_eq!((first[0]["added"].as_u64(), first[0]["unchanged"].as_u64()), (Some(3), Some(0)));
    let before = ws.store_snapshot();

    let a = ws.arx(&["ingest", "invoices.csv", "--format", "json"]).success();
    assert_contains(&stderr(&a), &["nothing new"]);
    let second: Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!((second[0]["added"].as_u64(), second[0]["unchanged"].as_u64()), (Some(0), Some(3)));
    assert_eq!(second[0]["replaced"].as_u64(), Some(0));

    // Only the manifest (the audit entry) changed: no segment was added or touched.
    let after = ws.store_snapshot();
    let segments = |s: &[(String, Vec<u8>)]| s.iter().filter(|(p, _)| p != "manifest").cloned().collect::<Vec<_>>();
    assert!(segments(&before) == segments(&after), "segments changed on a no-op ingest");
    assert!(!segments(&after).is_empty());
    assert_ne!(
        before.iter().find(|(p, _)| p == "manifest"),
        after.iter().find(|(p, _)| p == "manifest"),
        "the second ingest is audited"
    );
    assert_eq!(csv_maps(&ws.export("invoices")).len(), 3);

    let log = log_json(&ws);
    assert_eq!(log.len(), 2, "{log:?}");
    let sha = sha256_file(&path);
    let canonical = std::fs::canonicalize(&path).unwrap().display().to_string();
    for (i, entry) in log.iter().enumerate() {
        assert_eq!(entry["commit"].as_u64(), Some(i as u64 + 1));
        assert_eq!(entry["command"], "ingest");
        assert_eq!(entry["kind"], "invoices");
        assert_eq!(entry["sha256"].as_str(), Some(sha.as_str()));
        assert_eq!(entry["size"].as_u64(), Some(INVOICES.len() as u64));
        assert_eq!(entry["file"].as_str(), Some(canonical.as_str()));
    }
    assert_eq!((log[0]["added"].as_u64(), log[0]["unchanged"].as_u64()), (Some(3), Some(0)));
    assert_eq!((log[1]["added"].as_u64(), log[1]["unchanged"].as_u64()), (Some(0), Some(3)));
}

#[test]
fn same_key_with_other_content_is_a_conflict() {
    let ws = Ws::new();
    ws.write("invoices.csv", INVOICES);
    ws.ingest_ok(&["invoices.csv"]);
    let before = ws.store_snapshot();
    ws.write("changed.csv", INVOICES.replace("INV-2,C1,2024-01-20,80.00", "INV-2,C1,2024-01-20,85.00"));
    let a = ws.arx(&["ingest", "changed.csv"]).code(3);
    let err = stderr(&a);
    let l = err.lines().find(|l| l.starts_with("changed.csv:3:document_no: ")).unwrap_or_else(|| panic!("{err}"));
    assert_contains(l, &["'INV-2' is already in the workspace", "80.00 → 85.00", "--replace"]);
    assert!(ws.store_snapshot() == before, "a conflict writes nothing");
}

#[test]
fn replace_supersedes_and_keeps_history() {
    let ws = Ws::new();
    ws.write("invoices.csv", INVOICES);
    ws.ingest_ok(&["invoices.csv"]);
    ws.write("changed.csv", INVOICES.replace("INV-2,C1,2024-01-20,80.00", "INV-2,C1,2024-01-20,85.00"));
    let report = ingest_json(&ws, &["changed.csv", "--replace"]);
    assert_eq!(
        (report[0]["added"].as_u64(), report[0]["unchanged"].as_u64(), report[0]["replaced"].as_u64()),
        (Some(0), Some(2), Some(1))
    );

    let current = csv_maps(&ws.export("invoices"));
    assert_eq!(current.len(), 3);
    let inv2 = current.iter().find(|r| r["document_no"] == "INV-2").unwrap();
    assert_eq!(inv2["amount"], "85.00");

    let a = ws.arx(&["export", "invoices", "--all-versions"]).success();
    let all = csv_maps(&stdout(&a));
    let versions: Vec<(&str, &str, &str)> = all
        .iter()
        .filter(|r| r["document_no"] == "INV-2")
        .map(|r| (r["amount"].as_str(), r["_seq"].as_str(), r["_void"].as_str()))
        .collect();
    assert_eq!(versions, vec![("80.00", "1", "false"), ("85.00", "2", "false")]);
    assert_eq!(all.len(), 4, "three records, one of them in two versions");
}

#[test]
fn dry_run_writes_nothing_and_reports_counts() {
    let ws = Ws::new();
    ws.write("invoices.csv", INVOICES);
    let before = ws.store_snapshot();
    let a = ws.arx(&["ingest", "invoices.csv", "--dry-run", "--format", "csv"]).success();
    assert!(ws.store_snapshot() == before, "--dry-run wrote to the store");
    assert_contains(&stderr(&a), &["dry run"]);
    let rows = csv_maps(&stdout(&a));
    assert_eq!(rows.len(), 1, "{}", stdout(&a));
    assert_eq!((rows[0]["kind"].as_str(), rows[0]["added"].as_str()), ("invoices", "3"));
    assert_eq!(rows[0]["sha256"], sha256_file(&ws.dir().join("invoices.csv")));
    assert!(log_json(&ws).is_empty(), "a dry run is not in the audit trail");
    assert!(csv_maps(&ws.export("invoices")).is_empty());
}

#[test]
fn skip_invalid_commits_the_good_rows_and_writes_rejects() {
    let ws = Ws::new();
    ws.write(
        "invoices.csv",
        "document_no,customer_id,doc_date,amount,currency,note\n\
         INV-1,C1,2024-01-10,100.00,EUR,first\n\
         INV-2,C1,31.01.2024,80.00,EUR,second\n\
         INV-3,C1,2024-01-15,50.00,EUR,third\n\
         INV-4,C1,2024-01-16,12x,EUR,fourth\n",
    );
    let a =
        ws.arx(&["ingest", "invoices.csv", "--skip-invalid", "--rejects", "rejects.csv", "--format", "json"]).success();
    let report: Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!((report[0]["added"].as_u64(), report[0]["rejected"].as_u64()), (Some(2), Some(2)));
    assert_contains(&stderr(&a), &["invoices.csv:3:doc_date:", "invoices.csv:5:amount:", "rejects.csv"]);

    let kept: Vec<String> = csv_maps(&ws.export("invoices")).into_iter().map(|r| r["document_no"].clone()).collect();
    assert_eq!(kept, ["INV-1", "INV-3"]);

    let text = std::fs::read_to_string(ws.dir().join("rejects.csv")).expect("the rejects file is written");
    let (header, rows) = parse_csv(&text);
    assert_eq!(
        header,
        ["row", "column", "error", "document_no", "customer_id", "doc_date", "amount", "currency", "note"]
    );
    assert_eq!(rows.len(), 2, "{text}");
    assert_eq!(&rows[0][..2], ["3", "doc_date"]);
    assert!(rows[0][2].contains("not a date"), "{text}");
    assert_eq!(&rows[0][3..], ["INV-2", "C1", "31.01.2024", "80.00", "EUR", "second"]);
    assert_eq!(&rows[1][..2], ["5", "amount"]);
    assert!(rows[1][2].contains("'12x' is not an amount"), "{text}");
    assert_eq!(&rows[1][3..], ["INV-4", "C1", "2024-01-16", "12x", "EUR", "fourth"]);

    let log = log_json(&ws);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["rejected"].as_u64(), Some(2));
    assert!(log[0]["rejects_file"].as_str().is_some_and(|f| f.ends_with("rejects.csv")), "{log:?}");
}

#[test]
fn files_are_taken_in_dependency_order() {
    let ws = Ws::new();
    for f in ["customers.csv", "invoices.csv", "payments.csv"] {
        ws.copy_fixture(&format!("ingest/ledger/{f}"), f);
    }
    ws.write(
        "applications.csv",
        "source,document_no,amount,applied_date,kind\nP1,INV-1,100.00,2024-02-01,payment\nCN-1,INV-2,30.00,2024-02-01,credit\n",
    );
    ws.write("disputes.csv", "document_no,reason,opened_date,status\nINV-2,pricing,2024-02-03,open\n");
    let report =
        ingest_json(&ws, &["disputes.csv", "applications.csv", "payments.csv", "invoices.csv", "customers.csv"]);
    let kinds: Vec<&str> = report.iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["customers", "invoices", "payments", "applications", "disputes"]);
    let added: Vec<u64> = report.iter().map(|f| f["added"].as_u64().unwrap()).collect();
    assert_eq!(added, [2, 4, 2, 2, 1]);
    assert_eq!(csv_maps(&ws.export("applications")).len(), 2);
    let log = log_json(&ws);
    assert!(log.iter().all(|e| e["commit"].as_u64() == Some(1)), "committed together: {log:?}");
}

#[test]
fn credit_notes_are_stored_negative_whichever_sign_they_come_with() {
    let ws = Ws::new();
    ws.write(
        "invoices.csv",
        "document_no,customer_id,doc_date,amount,currency,doc_type\n\
         CN-POS,C1,2024-01-10,20.00,EUR,credit_note\n\
         CN-NEG,C1,2024-01-10,-20.00,EUR,credit_note\n",
    );
    ws.ingest_ok(&["invoices.csv"]);
    let rows = csv_maps(&ws.export("invoices"));
    let got: Vec<(&str, &str, &str)> =
        rows.iter().map(|r| (r["document_no"].as_str(), r["amount"].as_str(), r["doc_type"].as_str())).collect();
    assert_eq!(got, [("CN-NEG", "-20.00", "credit_note"), ("CN-POS", "-20.00", "credit_note")]);
}

#[test]
fn empty_due_date_stays_empty_on_export() {
    let ws = Ws::new();
    ws.write("invoices.csv", INVOICES);
    ws.ingest_ok(&["invoices.csv"]);
    let rows = csv_maps(&ws.export("invoices"));
    let due: Vec<(&str, &str)> = rows.iter().map(|r| (r["document_no"].as_str(), r["due_date"].as_str())).collect();
    assert_eq!(due, [("INV-1", "2024-02-09"), ("INV-2", ""), ("INV-3", "2024-02-14")]);
    let a = ws.arx(&["export", "invoices", "--format", "json"]).success();
    let json: Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(json[1]["document_no"], "INV-2");
    assert_eq!(json[1]["due_date"], Value::Null);
    assert_eq!(json[1]["doc_type"], "invoice", "doc_type defaults to invoice");
}

#[test]
fn resolving_a_dispute_needs_no_replace() {
    let ws = Ws::new();
    ws.write("invoices.csv", INVOICES);
    ws.ingest_ok(&["invoices.csv"]);
    ws.write("disputes1.csv", "document_no,reason,opened_date,status,resolved_date\nINV-1,pricing,2024-02-10,open,\n");
    let first = ingest_json(&ws, &["disputes1.csv"]);
    assert_eq!(first[0]["added"].as_u64(), Some(1));
    ws.write(
        "disputes2.csv",
        "document_no,reason,opened_date,status,resolved_date\nINV-1,pricing,2024-02-10,resolved,2024-02-20\n",
    );
    let second = ingest_json(&ws, &["disputes2.csv"]);
    assert_eq!((second[0]["added"].as_u64(), second[0]["replaced"].as_u64()), (Some(0), Some(1)));
    let rows = csv_maps(&ws.export("disputes"));
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0]["status"].as_str(), rows[0]["resolved_date"].as_str()), ("resolved", "2024-02-20"));
}

#[test]
fn export_formats() {
    let ws = Ws::new();
    ws.write("invoices.csv", INVOICES);
    ws.ingest_ok(&["invoices.csv"]);

    let csv = ws.export("invoices");
    let (header, rows) = parse_csv(&csv);
    assert_eq!(
        header,
        [
            "document_no",
            "customer_id",
            "doc_date",
            "amount",
            "currency",
            "doc_type",
            "due_date",
            "reference",
            "po_number"
        ]
    );
    assert_eq!(rows.len(), 3);

    let a = ws.arx(&["export", "invoices", "--format", "json"]).success();
    let json: Value = serde_json::from_str(&stdout(&a)).expect("json export");
    let arr = json.as_array().expect("array");
    assert_eq!(arr.len(), 3);
    assert_eq!(arr[0]["amount"], "100.00", "amounts are exact decimal strings");
    assert_eq!(arr[2]["currency"], "USD");

    ws.arx(&["export", "invoices", "--format", "parquet", "-o", "invoices.parquet"]).success();
    let bytes = std::fs::read(ws.dir().join("invoices.parquet")).expect("parquet written");
    assert!(bytes.len() > 8);
    assert_eq!(&bytes[..4], b"PAR1", "parquet magic at the start");
    assert_eq!(&bytes[bytes.len() - 4..], b"PAR1", "parquet magic at the end");

    // stdout is not a terminal here, so parquet may be piped.
    let a = ws.arx(&["export", "invoices", "--format", "parquet"]).success();
    assert_eq!(&a.get_output().stdout[..4], b"PAR1");

    // An empty kind exports just the header.
    assert_eq!(ws.export("payments").lines().count(), 1);
}

#[test]
fn global_options_work_after_the_subcommand() {
    let ws = Ws::new();
    ws.write("invoices.csv", INVOICES);
    let ws_dir = ws.ws.to_str().unwrap();
    let a = arx_bin()
        .current_dir(ws.dir())
        .args(["ingest", "invoices.csv", "--quiet", "--workspace", ws_dir, "--no-progress", "--format", "csv"])
        .assert()
        .success();
    assert!(stderr(&a).is_empty(), "--quiet: nothing on stderr, got:\n{}", stderr(&a));
    assert_eq!(csv_maps(&stdout(&a))[0]["added"], "3");
    let a = arx_bin()
        .current_dir(ws.dir())
        .args(["export", "invoices", "--workspace", ws_dir, "--format", "json"])
        .assert();
    let json: Value = serde_json::from_str(&stdout(&a.success())).unwrap();
    assert_eq!(json.as_array().map(Vec::len), Some(3));
}

#[test]
fn ingest_format_json_prints_an_array() {
    let ws = Ws::new();
    ws.write("invoices.csv", INVOICES);
    ws.write("payments.csv", "payment_id,payment_date,amount,currency\nP1,2024-02-01,10.00,EUR\n");
    let report = ingest_json(&ws, &["payments.csv", "invoices.csv"]);
    assert_eq!(report.len(), 2);
    for (f, (kind, added)) in report.iter().zip([("invoices", 3), ("payments", 1)]) {
        assert_eq!(f["kind"], kind);
        assert_eq!(f["added"].as_u64(), Some(added));
        for key in ["file", "profile", "unchanged", "replaced", "rejected", "sha256"] {
            assert!(f.get(key).is_some(), "missing {key}: {f}");
        }
    }
}

#[test]
fn workspace_from_the_environment_variable() {
    let ws = Ws::new();
    ws.write("invoices.csv", INVOICES);
    arx_bin()
        .current_dir(ws.dir())
        .env("ARX_WORKSPACE", &ws.ws)
        .args(["ingest", "invoices.csv", "--no-progress"])
        .assert()
        .success();
    assert_eq!(csv_maps(&ws.export("invoices")).len(), 3);
}

#[test]
fn workspace_found_upward_from_a_subfolder() {
    let ws = Ws::new();
    let deep = ws.ws.join("sub").join("dir");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("invoices.csv"), INVOICES).unwrap();
    arx_bin().current_dir(&deep).args(["ingest", "invoices.csv", "--no-progress"]).assert().success();
    let a = arx_bin().current_dir(&deep).args(["export", "invoices"]).assert().success();
    assert_eq!(csv_maps(&stdout(&a)).len(), 3);
    assert_eq!(csv_maps(&ws.export("invoices")).len(), 3);
}

#[test]
fn outside_any_workspace_is_a_usage_error() {
    let ws = Ws::new();
    let outside = ws.dir().join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("invoices.csv"), INVOICES).unwrap();
    // Assumes no folder above the system temp folder holds an arx.toml.
    for args in [&["ingest", "invoices.csv"][..], &["export", "invoices"], &["log"]] {
        let a = arx_bin().current_dir(&outside).args(args).assert().code(2);
        assert_contains(&stderr(&a), &["no arx workspace", "arx init"]);
    }
    let a = arx_bin().current_dir(&outside).args(["log", "--workspace", "."]).assert().code(2);
    assert_contains(&stderr(&a), &["not an arx workspace", "arx init"]);
}

#[test]
fn init_refuses_an_existing_workspace() {
    let ws = Ws::new();
    let before = std::fs::read(ws.ws.join("arx.toml")).unwrap();
    let a = arx_bin().current_dir(ws.dir()).args(["init", "ws"]).assert().code(2);
    assert_contains(&stderr(&a), &["already an arx workspace"]);
    assert_eq!(std::fs::read(ws.ws.join("arx.toml")).unwrap(), before, "arx.toml untouched");
}

#[test]
fn every_subcommand_help_has_examples() {
    for sub in ["init", "ingest", "export", "log"] {
        let a = arx_bin().args([sub, "--help"]).assert().success();
        assert_contains(&stdout(&a), &["Examples:", "arx "]);
    }
    let a = arx_bin().arg("--help").assert().success();
    assert_contains(&stdout(&a), &["Examples:"]);
}

#[test]
fn a_second_writer_waits_for_the_lock() {
    let ws = Ws::new();
    ws.write("invoices.csv", INVOICES);
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(ws.ws.join("store").join("lock"))
        .expect("open the lock file");
    lock.try_lock().expect("the test takes the store lock");

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_arx"))
        .current_dir(ws.dir())
        .env_remove("ARX_WORKSPACE")
        .arg("--workspace")
        .arg(&ws.ws)
        .args(["--no-progress", "ingest", "invoices.csv"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start arx");
    // Read stderr on a thread so the message can be seen while arx is still waiting.
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });

    let start = Instant::now();
    let mut lines = Vec::new();
    while start.elapsed() < Duration::from_millis(1500) {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(50)) {
            lines.push(l);
        }
    }
    let waiting = child.try_wait().expect("poll arx");
    if waiting.is_some() {
        let _ = reader.join();
        lines.extend(rx.try_iter());
        panic!("arx finished ({waiting:?}) while the lock was held; stderr:\n{}", lines.join("\n"));
    }
    assert!(
        lines.iter().any(|l| l.contains("another arx process") && l.contains("waiting")),
        "arx should say it is waiting; stderr so far:\n{}",
        lines.join("\n")
    );
    assert!(log_json(&ws).is_empty(), "nothing committed while waiting");

    lock.unlock().expect("release the lock");
    drop(lock);
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().expect("poll arx") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("arx did not finish after the lock was released");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    reader.join().unwrap();
    lines.extend(rx.try_iter());
    assert_eq!(status.code(), Some(0), "stderr:\n{}", lines.join("\n"));
    assert_contains(&lines.join("\n"), &["committed 3 records"]);
    assert_eq!(csv_maps(&ws.export("invoices")).len(), 3);
}

#[test]
fn rejects_path_needs_skip_invalid() {
    let ws = Ws::new();
    ws.write("invoices.csv", INVOICES);
    let before = ws.store_snapshot();
    let a = ws.arx(&["ingest", "invoices.csv", "--rejects", "rejects.csv"]).code(2);
    assert_contains(&stderr(&a), &["--rejects", "--skip-invalid"]);
    assert!(ws.store_snapshot() == before);
}

#[test]
fn skip_invalid_rejects_a_row_with_shifted_columns() {
    let ws = Ws::new();
    ws.write(
        "invoices.csv",
        "document_no,customer_id,doc_date,amount,currency\n\
         INV-1,C1,2024-01-10,100.00,EUR\n\
         INV-2,C1,2024-01-20,1,234.00,EUR\n\
         INV-3,C1,2024-01-15,50.00,EUR\n",
    );
    let a = ws.arx(&[
        "ingest",
        "invoices.csv",
        "--encoding",
        "utf-8",
        "--skip-invalid",
        "--rejects",
        "rejects.csv",
        "--format",
        "json",
    ]);
    let a = a.success();
    let report: Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!((report[0]["added"].as_u64(), report[0]["rejected"].as_u64()), (Some(2), Some(1)));
    let kept: Vec<String> = csv_maps(&ws.export("invoices")).into_iter().map(|r| r["document_no"].clone()).collect();
    assert_eq!(kept, ["INV-1", "INV-3"]);
    let text = std::fs::read_to_string(ws.dir().join("rejects.csv")).expect("the rejects file is written");
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "{text}");
    assert_eq!(&rows[0][0], "3");
    assert!(rows[0][2].contains("fields"), "{text}");
    assert_eq!(rows[0].iter().skip(3).collect::<Vec<_>>(), ["INV-2", "C1", "2024-01-20", "1", "234.00", "EUR"]);
}

#[test]
fn skip_invalid_rejects_a_non_utf8_row_and_keeps_the_rest() {
    let ws = Ws::new();
    let mut bytes = b"document_no,customer_id,doc_date,amount,currency\nINV-1,C1,2024-01-10,100.00,EUR\n".to_vec();
    bytes.extend_from_slice(
        b"INV-2,Caf\xe9,2024-01-20,80.00,EUR\nINV-3,C1,2024-01-15,50.00,EUR\nINV-4,C1,2024-01-16,abc,EUR\n",
    );
    ws.write("invoices.csv", bytes);
    let a = ws.arx(&[
        "ingest",
        "invoices.csv",
        "--encoding",
        "utf-8",
        "--skip-invalid",
        "--rejects",
        "rejects.csv",
        "--format",
        "json",
    ]);
    let a = a.success();
    let report: Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!((report[0]["added"].as_u64(), report[0]["rejected"].as_u64()), (Some(2), Some(2)));
    let kept: Vec<String> = csv_maps(&ws.export("invoices")).into_iter().map(|r| r["document_no"].clone()).collect();
    assert_eq!(kept, ["INV-1", "INV-3"]);
    let text =
        String::from_utf8_lossy(&std::fs::read(ws.dir().join("rejects.csv")).expect("rejects written")).into_owned();
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let lines: Vec<String> = r.records().map(|rec| rec.unwrap()[0].to_string()).collect();
    assert_eq!(lines, ["3", "5"], "{text}");
}
