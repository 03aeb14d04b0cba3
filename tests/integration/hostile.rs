//! Hostile input and hostile places to write: formula injection in workbooks and CSVs, files
//! that are links, devices or locks planted by someone else, invisible characters in ids, text
//! longer than Excel allows, escape sequences in messages.

use crate::common::{arx_bin, assert_contains, stderr, stdout, Ws};
use std::io::Read;

const FORMULA_NAME: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";

/// A workspace whose company name, customer names, references and ids start like formulas,
/// with a credit note (a negative amount, which must stay a number).
fn formula_ws() -> Ws {
    let w = Ws::new();
    let toml = std::fs::read_to_string(w.ws.join("arx.toml")).unwrap();
    let toml = toml.replacen("name = \"My Company\"", "name = \"@SUM(1+1)*cmd|' /C calc'!A0\"", 1);
    std::fs::write(w.ws.join("arx.toml"), toml).unwrap();
    w.write(
        "customers.csv",
        format!(
            "customer_id,name,email,credit_limit,currency,payment_terms,parent_id,address\n\
             C1,\"{}\",,,EUR,NET30,,\n\
             -C2,\" \t+cmd|' /C calc'!A0\",,,EUR,NET30,,\n",
            FORMULA_NAME.replace('"', "\"\"")
        ),
    );
    w.write(
        "invoices.csv",
        "document_no,customer_id,doc_date,amount,currency,doc_type,due_date,reference,po_number\n\
         @INV-1,C1,2024-01-05,100.00,EUR,invoice,2024-02-04,=1+2,-PO-7\n\
         CN-1,-C2,2024-01-06,-12.50,EUR,credit_note,2024-01-06,,\n",
    );
    w.ingest_ok(&["customers.csv", "invoices.csv"]);
    w
}

/// Every XML part of an xlsx, concatenated.
fn xlsx_xml(path: &std::path::Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().is_ok_and(|n| n.ends_with(".xml")) {
            f.read_to_string(&mut all).unwrap();
        }
    }
    all
}

#[test]
fn formula_like_text_is_quote_prefixed_in_every_workbook() {
    let w = formula_ws();
    w.arx(&["aging", "--as-of", "2024-03-31", "-o", "aging.xlsx"]).success();
    w.arx(&["disputes", "--as-of", "2024-03-31", "-o", "disputes.xlsx"]).success();
    for book in ["aging.xlsx", "disputes.xlsx"] {
        let xml = xlsx_xml(&w.dir().join(book));
        assert!(xml.contains("quotePrefix=\"1\""), "{book}: no quote-prefix format");
        assert!(!xml.contains("<f>"), "{book}: a formula was written");
    }
    let xml = xlsx_xml(&w.dir().join("aging.xlsx"));
    assert_contains(&xml, &["HYPERLINK", "@SUM(1+1)", "@INV-1"]);
    // The credit note is still a number cell (-12.5), not text.
    assert!(xml.contains("<v>-12.5</v>"), "amount is not a number cell");
}

#[test]
fn report_csvs_neutralise_formulas_but_not_amounts() {
    let w = formula_ws();
    let out = stdout(&w.arx(&["aging", "--as-of", "2024-03-31", "--format", "csv"]).success());
    assert_contains(&out, &["\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"", "\"'-C2\""]);
    assert!(out.contains(",-12.50,"), "a negative amount must stay a number:\n{out}");
    assert!(!out.contains("'-12.50"), "{out}");
    let detail = stdout(&w.arx(&["aging", "--as-of", "2024-03-31", "--detail", "--format", "csv"]).success());
    assert_contains(&detail, &["\"'@INV-1\"", "-12.50"]);
}

#[test]
fn rejects_files_neutralise_formulas() {
    let w = Ws::new();
    w.write(
        "c.csv",
        "customer_id,name,credit_limit,currency\nC1,=1+2,-5.00,EUR\nC2,ok,bad,EUR\nC3,\"=cmd|'/C calc'!A0\",x,EUR\n",
    );
    w.arx(&["ingest", "c.csv", "--skip-invalid", "--rejects", "rej.csv"]).success();
    let rej = std::fs::read_to_string(w.dir().join("rej.csv")).unwrap();
    assert_contains(&rej, &["\"'=cmd|'/C calc'!A0\""]);
    assert!(!rej.lines().any(|l| l.contains(",=")), "{rej}");
}

#[test]
fn export_is_exact_warns_about_formulas_and_round_trips() {
    let w = formula_ws();
    let mut first = Vec::new();
    for kind in ["customers", "invoices"] {
        let a = w.arx(&["export", kind, "-o", &format!("{kind}.csv")]).success();
        assert_contains(&stderr(&a), &["start with =, +, - or @", "--excel-safe"]);
        first.push(std::fs::read(w.dir().join(format!("{kind}.csv"))).unwrap());
    }
    assert!(String::from_utf8_lossy(&first[0]).contains(&FORMULA_NAME.replace('"', "\"\"")), "raw value exported");
    // Into a new workspace and out again: the same bytes.
    let w2 = Ws::new();
    let c = w2.write("customers.csv", &first[0]);
    let i = w2.write("invoices.csv", &first[1]);
    w2.ingest_ok(&[c.to_str().unwrap(), i.to_str().unwrap()]);
    for (n, kind) in ["customers", "invoices"].iter().enumerate() {
        w2.arx(&["export", kind, "-o", "again.csv"]).success();
        assert_eq!(std::fs::read(w2.dir().join("again.csv")).unwrap(), first[n], "{kind} round trip");
    }
    // --excel-safe neutralises, amounts untouched.
    let safe = stdout(&w.arx(&["export", "invoices", "--excel-safe"]).success());
    assert_contains(&safe, &["\"'@INV-1\"", "\"'=1+2\"", "-12.50"]);
}

#[cfg(unix)]
#[test]
fn a_symlink_at_o_is_refused_and_its_target_untouched() {
    let w = formula_ws();
    let target = w.write("precious.txt", "keep me");
    std::os::unix::fs::symlink(&target, w.dir().join("out.xlsx")).unwrap();
    let a = w.arx(&["aging", "--as-of", "2024-03-31", "-o", "out.xlsx"]).code(2);
    assert_contains(&stderr(&a), &["out.xlsx", "symbolic link"]);
    std::os::unix::fs::symlink(&target, w.dir().join("out.csv")).unwrap();
    w.arx(&["export", "invoices", "-o", "out.csv"]).code(2);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    assert!(std::fs::symlink_metadata(w.dir().join("out.csv")).unwrap().file_type().is_symlink());
}

#[cfg(unix)]
#[test]
fn rejects_to_a_device_or_folder_is_refused_and_nothing_is_written() {
    let w = Ws::new();
    w.write("c.csv", "customer_id,name\nC1,ok\nC2,\n");
    let before = w.store_snapshot();
    let a = w.arx(&["ingest", "c.csv", "--skip-invalid", "--rejects", "/dev/full"]).code(2);
    assert_contains(&stderr(&a), &["/dev/full", "not a regular file"]);
    std::fs::create_dir(w.dir().join("adir")).unwrap();
    let a = w.arx(&["ingest", "c.csv", "--skip-invalid", "--rejects", "adir"]).code(2);
    assert_contains(&stderr(&a), &["adir", "a folder"]);
    assert_eq!(w.store_snapshot(), before, "nothing was committed");
}

#[cfg(unix)]
#[test]
fn new_files_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let w = formula_ws();
    let bin = assert_cmd::cargo::cargo_bin!("arx");
    let status = std::process::Command::new("sh")
        .current_dir(w.dir())
        .env_remove("ARX_WORKSPACE")
        .arg("-c")
        .arg("umask 077 && exec \"$0\" --workspace ws --no-progress export invoices -o private.csv")
        .arg(bin)
        .status()
        .unwrap();
    assert!(status.success());
    let mode = std::fs::metadata(w.dir().join("private.csv")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "umask 077 gives 0600, got {mode:o}");
}

#[cfg(unix)]
#[test]
fn a_symlinked_lock_is_refused_and_its_target_untouched() {
    let w = Ws::new();
    let victim = w.write("victim.txt", "do not truncate");
    let lock = w.ws.join("store/lock");
    let _ = std::fs::remove_file(&lock);
    std::os::unix::fs::symlink(&victim, &lock).unwrap();
    w.write("c.csv", "customer_id,name\nC1,A\n");
    let a = w.arx(&["ingest", "c.csv"]).failure();
    assert_contains(&stderr(&a), &["lock", "symbolic link"]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "do not truncate");
}

#[test]
fn a_killed_commits_temp_manifest_is_swept_by_the_next_commit() {
    let w = Ws::new();
    let stale = w.ws.join("store/.arx-tmp-99999-0-123");
    std::fs::write(&stale, "half a manifest").unwrap();
    w.write("c.csv", "customer_id,name\nC1,A\n");
    w.ingest_ok(&["c.csv"]);
    assert!(!stale.exists(), "leftover temp manifest not swept");
}

#[test]
fn invisible_characters_in_ids_are_refused_naming_them() {
    let w = Ws::new();
    w.write(
        "inv.csv",
        "document_no,customer_id,doc_date,amount,currency\nINV-2,C1,2024-01-05,10.00,EUR\nINV\u{200b}-2,C1,2024-01-05,10.00,EUR\n",
    );
    let a = w.arx(&["ingest", "inv.csv"]).code(3);
    assert_contains(&stderr(&a), &["inv.csv:3:document_no", "U+200B ZERO WIDTH SPACE", "character 4"]);
    w.write("inv2.csv", "document_no,customer_id,doc_date,amount,currency\nINV-3,C\u{202e}1,2024-01-05,10.00,EUR\n");
    let a = w.arx(&["ingest", "inv2.csv"]).code(3);
    assert_contains(&stderr(&a), &["U+202E RIGHT-TO-LEFT OVERRIDE"]);
}

#[test]
fn nfd_and_nfc_spellings_are_one_customer_id() {
    let w = Ws::new();
    w.write("c.csv", "customer_id,name\nCafe\u{301},Decomposed\nCaf\u{e9},Composed\n");
    let a = w.arx(&["ingest", "c.csv"]).code(3);
    assert_contains(&stderr(&a), &["duplicate"]);
    w.write("c1.csv", "customer_id,name\nCafe\u{301},Cafe\u{301} GmbH\n");
    w.ingest_ok(&["c1.csv"]);
    assert_eq!(w.export("customers"), "customer_id,name,email,credit_limit,currency,payment_terms,parent_id,address\nCaf\u{e9},Caf\u{e9} GmbH,,,,,,\n");
    // The composed spelling is the same record: nothing new.
    w.write("c2.csv", "customer_id,name\nCaf\u{e9},Caf\u{e9} GmbH\n");
    let a = w.ingest_ok(&["c2.csv"]);
    assert!(!stderr(&a).contains("1 added"), "{}", stderr(&a));
}

#[test]
fn over_long_text_is_refused_at_ingest_naming_the_limit() {
    let w = Ws::new();
    let long = "x".repeat(40_000);
    w.write("c.csv", format!("customer_id,name\nC1,{long}\n"));
    let a = w.arx(&["ingest", "c.csv"]).code(3);
    assert_contains(&stderr(&a), &["c.csv:2:name", "40000 characters", "at most 32767"]);
    w.write(
        "i.csv",
        format!("document_no,customer_id,doc_date,amount,currency\n{},C1,2024-01-05,1.00,EUR\n", "9".repeat(300)),
    );
    let a = w.arx(&["ingest", "i.csv"]).code(3);
    assert_contains(&stderr(&a), &["i.csv:2:document_no", "at most 256"]);
}

#[test]
fn escape_sequences_in_a_bad_camt_field_are_escaped_on_stderr() {
    let w = Ws::new();
    let xml = std::fs::read_to_string(crate::common::fixture("bank/camt/bad/bad_date.xml")).unwrap();
    let xml = xml.replacen("<CdtDbtInd>CRDT</CdtDbtInd>", "<CdtDbtInd>\u{1b}[2J\u{1b}]0;pwned\u{7}</CdtDbtInd>", 1);
    w.write("evil.xml", xml);
    let a = arx_bin()
        .current_dir(w.dir())
        .args(["--workspace", w.ws.to_str().unwrap(), "--no-progress", "ingest", "evil.xml"])
        .assert()
        .code(3);
    let err = stderr(&a);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "raw control bytes on stderr: {err:?}");
    assert_contains(&err, &["\\u{1b}[2J"]);
}

// ---- Limits: hostile files built at test time, run under a memory ceiling ----

/// Address-space ceiling for the runs below (`prlimit --as`): far under what the hostile files
/// used to take (a dense grid of 17 billion cells, 96 GB reserved for shared strings, GBs of
/// inflated zip, a gigabyte of rejected rows), well over what arx needs for them.
const CEILING: u64 = 768 << 20;

/// `arx --workspace ws --no-progress ARGS` under `prlimit --as=CEILING`, with `env` set; the
/// exit code and stderr. A run that hits the ceiling aborts (not exit 3) and fails the test.
fn run_capped(w: &Ws, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let bin = assert_cmd::cargo::cargo_bin!("arx");
    let mut cmd = std::process::Command::new("prlimit");
    cmd.current_dir(w.dir())
        .env_remove("ARX_WORKSPACE")
        .arg(format!("--as={CEILING}"))
        .arg("--")
        .arg(bin)
        .arg("--workspace")
        .arg(&w.ws)
        .arg("--no-progress")
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("prlimit (util-linux) runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Asserts exit 3, the message parts, and an untouched store.
#[track_caller]
fn assert_refused(w: &Ws, before: &[(String, Vec<u8>)], (code, err): (i32, String), needles: &[&str]) {
    assert_eq!(code, 3, "expected exit 3, got {code}:\n{err}");
    assert_contains(&err, needles);
    assert_eq!(w.store_snapshot(), before, "nothing may be committed");
}

/// A zip with `members` (name, bytes), deflated.
fn write_zip(path: &std::path::Path, members: &[(&str, &[u8])]) {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        z.start_file(*name, opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}

/// The members of a zip, in order.
fn read_zip(path: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

/// An xlsx with xero's invoice headings, one invoice line, and `extra` cells.
fn xero_book(path: &std::path::Path, extra: &[(u32, u16, &str)]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let s = book.add_worksheet();
    let head = ["ContactName", "InvoiceNumber", "InvoiceDate", "DueDate", "Total", "Currency", "Type"];
    let row = ["Acme", "INV-1", "02/07/2026", "20/08/2026", "10.00", "EUR", "Sales invoice"];
    for (c, (h, v)) in head.iter().zip(row).enumerate() {
        s.write_string(0, c as u16, *h).unwrap();
        s.write_string(1, c as u16, v).unwrap();
    }
    for (r, c, v) in extra {
        s.write_string(*r, *c, *v).unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn a_lone_cell_at_xfd1048576_is_read_sparsely() {
    let w = Ws::new();
    let path = w.dir().join("far.xlsx");
    xero_book(&path, &[(1_048_575, 16_383, "far away")]);
    assert!(std::fs::metadata(&path).unwrap().len() < 10_000, "a few KB");
    let before = w.store_snapshot();
    let run = run_capped(&w, &["ingest", "--profile", "xero", "far.xlsx"], &[]);
    // Read as one more row (an error naming it), not a grid of 17 billion cells.
    assert_refused(&w, &before, run, &["far.xlsx:1048576", "the amount is empty"]);
}

#[test]
fn a_forged_shared_strings_count_is_refused() {
    let w = Ws::new();
    let good = w.dir().join("good.xlsx");
    xero_book(&good, &[]);
    let mut members = read_zip(&good);
    let mut found = false;
    for (name, bytes) in &mut members {
        if name == "xl/sharedStrings.xml" {
            let text = String::from_utf8(bytes.clone()).unwrap();
            let forged = regex_lite::Regex::new(r#"(count|uniqueCount)="\d+""#)
                .unwrap()
                .replace_all(&text, r#"$1="4000000000""#)
                .into_owned();
            assert_ne!(forged, text);
            *bytes = forged.into_bytes();
            found = true;
        }
    }
    assert!(found, "rust_xlsxwriter writes shared strings");
    let members: Vec<(&str, &[u8])> = members.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    write_zip(&w.dir().join("forged.xlsx"), &members);
    let before = w.store_snapshot();
    for args in [&["ingest", "--profile", "xero", "forged.xlsx"][..], &["ingest", "forged.xlsx"]] {
        let run = run_capped(&w, args, &[]);
        assert_refused(&w, &before, run, &["forged.xlsx", "declares 4000000000 shared strings"]);
    }
}

#[test]
fn zip_bombs_are_refused_naming_the_limit_and_how_to_raise_it() {
    let w = Ws::new();
    // An xlsx whose sheet inflates ~1000:1 (16 MiB of spaces).
    let good = w.dir().join("good.xlsx");
    xero_book(&good, &[]);
    let mut members = read_zip(&good);
    let spaces = vec![b' '; 16 << 20];
    for (name, bytes) in &mut members {
        if name == "xl/worksheets/sheet1.xml" {
            let text = String::from_utf8(bytes.clone()).unwrap();
            let (head, tail) = text.split_at(text.find("<sheetData").unwrap());
            *bytes = [head.as_bytes(), &spaces, tail.as_bytes()].concat();
        }
    }
    let refs: Vec<(&str, &[u8])> = members.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    write_zip(&w.dir().join("bomb.xlsx"), &refs);
    // A zipped camt statement likewise.
    let camt = std::fs::read(crate::common::fixture("bank/camt/camt053_v08_two_statements.xml")).unwrap();
    let camt_bomb = [camt.as_slice(), &spaces].concat();
    write_zip(&w.dir().join("camt.zip"), &[("a.xml", &camt), ("b.xml", &camt_bomb)]);
    let before = w.store_snapshot();
    for (args, file) in [
        (&["ingest", "--profile", "xero", "bomb.xlsx"][..], "bomb.xlsx"),
        (&["ingest", "bomb.xlsx"], "bomb.xlsx"),
        (&["ingest", "camt.zip"], "camt.zip"),
    ] {
        let run = run_capped(&w, args, &[]);
        assert_refused(&w, &before, run, &[file, "more than 200 times", "ARX_MAX_ZIP_RATIO"]);
    }
    // The total limit, lowered to show it (4 GiB by default).
    let run = run_capped(&w, &["ingest", "camt.zip"], &[("ARX_MAX_UNZIPPED", "1M"), ("ARX_MAX_ZIP_RATIO", "100000")]);
    assert_refused(&w, &before, run, &["camt.zip", "inflates to more than 1 MiB", "ARX_MAX_UNZIPPED"]);
    // Raised, the camt zip is read (and its bomb member then fails as a camt file, not on memory).
    let (code, err) = run_capped(&w, &["ingest", "camt.zip"], &[("ARX_MAX_ZIP_RATIO", "100000")]);
    assert_eq!(code, 3, "{err}");
    assert!(!err.contains("zip bomb"), "{err}");
}

#[test]
fn a_huge_camt_text_field_is_refused_not_buffered() {
    use std::io::Write;
    let w = Ws::new();
    let camt = std::fs::read_to_string(crate::common::fixture("bank/camt/camt053_v08_two_statements.xml")).unwrap();
    let (head, tail) = camt.split_at(camt.find("Rechnung INV-2024-0043").unwrap());
    let path = w.dir().join("huge.xml");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(head.as_bytes()).unwrap();
    let chunk = vec![b'A'; 1 << 20];
    for _ in 0..1024 {
        f.write_all(&chunk).unwrap(); // 1 GiB of one text field
    }
    f.write_all(tail.as_bytes()).unwrap();
    drop(f);
    let before = w.store_snapshot();
    let run = run_capped(&w, &["ingest", "huge.xml"], &[]);
    assert_refused(&w, &before, run, &["huge.xml:293", "Ustrd", "longer than 32767 characters"]);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_million_rejected_rows_are_counted_not_kept() {
    let w = Ws::new();
    // 3 MB: a header and a million rows without an id.
    let mut text = String::from("customer_id,name\n");
    text.push_str(&",x\n".repeat(1_000_000));
    w.write("bad.csv", &text);
    let before = w.store_snapshot();
    let (code, err) = run_capped(&w, &["ingest", "bad.csv"], &[]);
    assert_refused(
        &w,
        &before,
        (code, err.clone()),
        &["bad.csv:2:customer_id", "problems by kind:", "1000000 problems found"],
    );
    assert!(err.lines().count() < 300, "stderr stays short: {} lines", err.lines().count());
    // --skip-invalid writes every rejected row to the rejects file, streamed.
    let (code, err) = run_capped(&w, &["ingest", "bad.csv", "--skip-invalid", "--rejects", "rej.csv"], &[]);
    assert_eq!(code, 0, "{err}");
    let rej = std::fs::read_to_string(w.dir().join("rej.csv")).unwrap();
    assert_eq!(rej.lines().count(), 1_000_001, "header + every rejected row");
    assert_contains(&err, &["1000000 rejected rows written to rej.csv"]);
}

#[cfg(unix)]
#[test]
fn devices_and_pipes_are_refused_and_long_lines_stop_the_reader() {
    let w = Ws::new();
    let before = w.store_snapshot();
    for dev in ["/dev/zero", "/dev/urandom"] {
        let run = run_capped(&w, &["ingest", dev], &[]);
        assert_refused(&w, &before, run, &[dev, "is a device, not a regular file", "regular files only"]);
    }
    let fifo = w.dir().join("pipe.csv");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    // Nobody writes to the pipe: a reader that opened it would hang (the test would time out).
    let a = w.cmd(&["ingest", "pipe.csv"]).timeout(std::time::Duration::from_secs(60)).assert().code(3);
    assert_contains(&stderr(&a), &["pipe.csv", "a FIFO (named pipe)"]);
    // A 64 MiB line without a line end: stopped at 1 MiB, for canonical files and every profile.
    let mut long = b"customer_id,name\nC1,".to_vec();
    long.resize(64 << 20, b'x');
    w.write("long.csv", &long);
    let run = run_capped(&w, &["ingest", "long.csv"], &[]);
    assert_refused(&w, &before, run, &["long.csv:2", "longer than 1 MiB without a line end"]);
    for p in ["xero", "sap-fbl5n", "netsuite", "quickbooks"] {
        let run = run_capped(&w, &["ingest", "--profile", p, "long.csv"], &[]);
        assert_refused(&w, &before, run, &["long.csv:2", "longer than 1 MiB"]);
    }
}

#[test]
fn every_profile_accounts_for_a_garbage_line() {
    let w = Ws::new();
    let csv = std::fs::read_to_string(crate::common::fixture("profiles/xero/xero_sales_invoices.csv")).unwrap();
    let mut lines: Vec<&str> = csv.lines().collect();
    lines.insert(3, "garbage");
    w.write("x.csv", lines.join("\n") + "\n");
    let before = w.store_snapshot();
    let a = w.arx(&["ingest", "--profile", "xero", "x.csv"]).code(3);
    assert_contains(&stderr(&a), &["x.csv:4", "one filled cell ('garbage')"]);
    assert_eq!(w.store_snapshot(), before);
}
