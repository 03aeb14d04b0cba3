//! ERP profiles end to end: every good fixture of every built-in profile (listed with its options
//! in fixtures/profiles/<profile>/fixtures.csv) ingests to exactly the canonical ledger of its
//! expected set, whatever the file format or encoding; every malformed fixture (bad/bad.csv) is
//! refused with exit 3, a message naming where, and nothing written; custom profiles in arx.toml;
//! the IBM sample through a custom profile; `arx profiles`.

use crate::common::{fixture, stderr, stdout, Ws};
use std::collections::BTreeSet;
use std::path::PathBuf;

const PROFILES: [&str; 4] = ["sap-fbl5n", "netsuite", "quickbooks", "xero"];
const KINDS: [&str; 4] = ["customers", "invoices", "payments", "applications"];

fn rows_of(path: PathBuf) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.records().map(|x| x.unwrap()).collect()
}

/// Options as a shell would split them ('single quotes' keep spaces).
fn split_options(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// (file, expected set, options) of a profile's good fixtures.
fn good(profile: &str) -> Vec<(String, String, Vec<String>)> {
    rows_of(fixture(format!("profiles/{profile}/fixtures.csv")))
        .into_iter()
        .map(|r| (r[0].to_string(), r[1].to_string(), split_options(&r[2])))
        .collect()
}

/// A canonical CSV as a set of lines without the header.
fn set(text: &str) -> BTreeSet<String> {
    text.lines().skip(1).map(str::to_string).collect()
}

fn check_profile(profile: &str) {
    let fixtures = good(profile);
    assert!(fixtures.len() >= 6, "{profile}: {} good fixtures", fixtures.len());
    for (file, expected, options) in fixtures {
        let ws = Ws::new();
        let path = fixture(format!("profiles/{profile}/{file}")).display().to_string();
        let mut args = vec!["ingest", path.as_str(), "--profile", profile];
        args.extend(options.iter().map(String::as_str));
        let a = ws.arx(&args);
        let out = a.get_output().clone();
        assert!(out.status.success(), "{profile}/{file} failed:\n{}", String::from_utf8_lossy(&out.stderr));
        for kind in KINDS {
            let want = std::fs::read_to_string(fixture(format!("profiles/{profile}/{expected}/{kind}.csv"))).unwrap();
            let got = ws.export(kind);
            assert_eq!(got.lines().next(), want.lines().next(), "{profile}/{file}: {kind} columns");
            let (got, want) = (set(&got), set(&want));
            let missing: Vec<_> = want.difference(&got).take(5).collect();
            let extra: Vec<_> = got.difference(&want).take(5).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{profile}/{file} {kind}: missing {missing:#?}\nextra {extra:#?}"
            );
        }
        // Ingesting the same export again adds nothing.
        let again = ws.arx(&args).success();
        assert!(stderr(&again).contains("nothing new"), "{profile}/{file} twice: {}", stderr(&again));
    }
}

#[test]
fn sap_fbl5n_fixtures_ingest_to_their_expected_ledger() {
    check_profile("sap-fbl5n");
}

#[test]
fn netsuite_fixtures_ingest_to_their_expected_ledger() {
    check_profile("netsuite");
}

#[test]
fn quickbooks_fixtures_ingest_to_their_expected_ledger() {
    check_profile("quickbooks");
}

#[test]
fn xero_fixtures_ingest_to_their_expected_ledger() {
    check_profile("xero");
}

/// Every malformed fixture: exit 3, a message naming the file (and where it can: a row or a
/// cell), the store untouched. Nothing crashes.
#[test]
fn malformed_exports_are_refused_naming_where_and_write_nothing() {
    let mut n = 0;
    for profile in PROFILES {
        for r in rows_of(fixture(format!("profiles/{profile}/bad/bad.csv"))) {
            let (file, options, place) = (r[0].to_string(), r[1].to_string(), r[2].to_string());
            let ws = Ws::new();
            let before = ws.store_snapshot();
            let path = fixture(format!("profiles/{profile}/bad/{file}")).display().to_string();
            let options = split_options(&options);
            let mut args = vec!["ingest", path.as_str(), "--profile", profile];
            args.extend(options.iter().map(String::as_str));
            let a = ws.arx(&args);
            let out = a.get_output().clone();
            let err = String::from_utf8_lossy(&out.stderr).to_string();
            assert_eq!(out.status.code(), Some(3), "{profile}/bad/{file}: exit {:?}\n{err}", out.status.code());
            assert!(err.contains(&file), "{profile}/bad/{file}: the message names the file:\n{err}");
            assert!(err.contains("nothing was written"), "{profile}/bad/{file}:\n{err}");
            assert!(!err.contains("panicked"), "{profile}/bad/{file}:\n{err}");
            assert_eq!(ws.store_snapshot(), before, "{profile}/bad/{file} wrote to the store");
            // Where it is wrong: the line, the cell, or the sheet.
            let line = place.strip_prefix("line ").or_else(|| place.strip_prefix("lines "));
            if let Some(n) = line.map(|l| l.chars().take_while(char::is_ascii_digit).collect::<String>()) {
                // An HTML "workbook" counts table rows, not file lines: its row is named instead.
                let named = err.contains(&format!(":{n}:"))
                    || err.contains(&format!("line {n}"))
                    || err.contains(&format!("lines {n}"))
                    || err.contains(" of sheet ");
                assert!(named, "{profile}/bad/{file}: names line {n}:\n{err}");
            } else if let Some((_, cell)) = place.split_once('!') {
                assert!(err.contains(cell), "{profile}/bad/{file}: names cell {cell}:\n{err}");
            } else if place == "workbook" {
                assert!(err.contains("sheet"), "{profile}/bad/{file}: names the sheets:\n{err}");
            }
            n += 1;
        }
    }
    assert!(n >= 30, "a corpus of at least 30 malformed files ({n})");
}

#[test]
fn profiles_lists_the_builtins_and_shows_one_in_full() {
    let ws = Ws::new();
    let a = ws.arx(&["profiles", "--format", "csv"]).success();
    let text = stdout(&a);
    for p in ["generic", "sap-fbl5n", "netsuite", "quickbooks", "xero", "camt053", "bai2", "mt940"] {
        assert!(text.lines().any(|l| l.starts_with(&format!("{p},"))), "{p} listed:\n{text}");
    }
    let a = ws.arx(&["profiles", "show", "sap-fbl5n"]).success();
    let toml = stdout(&a);
    assert!(toml.contains("Belegnummer") && toml.contains("DD.MM.YYYY"), "{toml}");
    ws.arx(&["profiles", "show", "no-such"]).code(2);
}

fn with_custom_profile(ws: &Ws, name: &str, body: &str) {
    let path = ws.ws.join("arx.toml");
    let mut config = std::fs::read_to_string(&path).unwrap();
    // The profile's own tables ([columns], [amount]…) nest under [profiles.NAME].
    let nested: Vec<String> = body
        .lines()
        .map(|l| match l.trim().strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            Some(t) if !l.trim().starts_with("[[") => format!("[profiles.{name}.{t}]"),
            _ => l.to_string(),
        })
        .collect();
    config.push_str(&format!("\n[profiles.{name}]\n{}\n", nested.join("\n")));
    std::fs::write(path, config).unwrap();
}

/// The IBM accounts-receivable sample (read from ../shared, not copied: no licence) through a
/// custom profile written here: 2,466 invoices, 147,703.18 in total, leading zeros kept.
#[test]
fn ibm_sample_ingests_through_a_custom_profile() {
    let Some(sample) = crate::common::shared_real("WA_Fn-UseC_-Accounts-Receivable.csv") else { return };
    let ws = Ws::new();
    let profile = std::fs::read_to_string(fixture("profiles/ibm/ibm.toml")).unwrap();
    with_custom_profile(&ws, "ibm", &profile);
    let path = sample.display().to_string();
    ws.arx(&["ingest", path.as_str(), "--profile", "ibm"]).success();
    let invoices = ws.export("invoices");
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(invoices.as_bytes()).records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2466);
    let total: rust_decimal::Decimal = rows.iter().map(|r| r[3].parse::<rust_decimal::Decimal>().unwrap()).sum();
    assert_eq!(total.to_string(), "147703.18");
    assert!(rows.iter().any(|r| r[0].starts_with('0')), "invoice numbers keep their leading zeros");
    let a = ws.arx(&["profiles", "--format", "csv"]).success();
    assert!(stdout(&a).lines().any(|l| l.starts_with("ibm,")), "custom profiles are listed");
}

#[test]
fn a_custom_profile_mapping_a_missing_column_lists_the_headings_and_the_closest() {
    let Some(sample) = crate::common::shared_real("WA_Fn-UseC_-Accounts-Receivable.csv") else { return };
    let ws = Ws::new();
    let profile =
        std::fs::read_to_string(fixture("profiles/ibm/ibm.toml")).unwrap().replace("invoiceNumber", "invoiceNo");
    with_custom_profile(&ws, "ibm", &profile);
    let path = sample.display().to_string();
    let a = ws.arx(&["ingest", path.as_str(), "--profile", "ibm"]).code(3);
    let err = stderr(&a);
    assert!(err.contains("invoiceNo") && err.contains("invoiceNumber"), "{err}");
}

#[test]
fn a_custom_profile_with_an_unknown_key_is_a_usage_error_naming_it() {
    let ws = Ws::new();
    with_custom_profile(&ws, "broken", "description = \"x\"\nno_such_key = 1\n");
    let path = fixture("profiles/xero/xero_sales_invoices.csv").display().to_string();
    let a = ws.arx(&["ingest", path.as_str(), "--profile", "broken"]).code(2);
    assert!(stderr(&a).contains("no_such_key"), "{}", stderr(&a));
}
