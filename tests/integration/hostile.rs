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
