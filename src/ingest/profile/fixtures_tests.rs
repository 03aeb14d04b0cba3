//! Every good fixture of fixtures/profiles maps to exactly its expected ledger; every bad one fails with the error
//! bad.csv describes; the public IBM sample maps through a custom profile. Files are read the way ingest reads them
//! (text.rs decoding and delimiter sniffing + the csv crate, excel.rs for workbooks and HTML).

use super::super::{excel, locale::DateStyle, text};
use super::*;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../main/fixtures/profiles");
const IBM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/real/WA_Fn-UseC_-Accounts-Receivable.csv");

fn root() -> PathBuf {
    // In the scratch crate the manifest is /work/i3dev-profile; in arx it is the repository itself.
    let scratch = PathBuf::from(ROOT);
    if scratch.exists() {
        scratch
    } else {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/profiles"))
    }
}

/// What a reader hands to `map`.
struct Input {
    rows: Vec<RawRow>,
    sheet: Option<String>,
    typed: bool,
    date1904: bool,
}

/// Reads a file as ingest would; Err is the reader's message (not the profile's business).
fn read(path: &Path, sheet: Option<&str>, profile: &Profile) -> Result<Input, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    // excel::not_a_workbook takes UTF-16 text with a BOM for binary (it looks for NULs without skipping the BOM).
    let utf16_bom = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if let (false, Some(why)) = (utf16_bom, excel::not_a_workbook(path).map_err(|e| e.to_string())?) {
        return Err(why);
    }
    if let Some(kind) = excel::sniff(path).map_err(|e| e.to_string())? {
        let wanted = match (sheet, &profile.sheet) {
            (Some(s), _) => Some(s.to_string()),
            (None, Some(p)) => excel::sheet_names(path, kind)
                .ok()
                .and_then(|names| names.into_iter().find(|n| n.eq_ignore_ascii_case(p))),
            (None, None) => None,
        };
        let sh = excel::open(path, kind, wanted.as_deref()).map_err(|e| e.message)?;
        let mut rows = Vec::new();
        for (r, cells) in sh.rows() {
            let cells = cells.map_err(|e| format!("{}: {}", e.cell.unwrap_or_default(), e.message))?;
            rows.push(RawRow { row: u64::from(r), cells });
        }
        let typed = !matches!(kind, excel::SpreadsheetKind::Html | excel::SpreadsheetKind::SpreadsheetMl2003);
        return Ok(Input { rows, sheet: Some(sh.name().to_string()), typed, date1904: sh.is_1904() });
    }
    if bytes.is_empty() {
        return Err("the file is empty (0 bytes)".into());
    }
    let (enc, _) = text::detect(bytes.get(..8192).unwrap_or(&bytes));
    let s = text::decode(&bytes, enc).map_err(|e| e.to_string())?;
    let delim = text::sniff_delimiter(&s).unwrap_or(b',');
    let mut rdr =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delim).from_reader(s.as_bytes());
    let mut rows = Vec::new();
    // The csv crate's own line count is off for us; count physical lines from the byte offset instead.
    let (mut at, mut line) = (0usize, 1u64);
    for rec in rdr.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        // The position is where the previous record ended: skip its line end and any blank lines.
        let mut start = rec.position().map_or(at, |p| p.byte() as usize);
        while matches!(s.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        line += s.as_bytes().get(at..start).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count() as u64);
        at = start;
        rows.push(RawRow { row: line, cells: rec.iter().map(str::to_string).collect() });
    }
    Ok(Input { rows, sheet: None, typed: false, date1904: false })
}

/// Ingest options as fixtures.csv/bad.csv write them: --as-of, --currency, --decimal, --thousands, --sheet,
/// --date-format.
fn options(spec: &str) -> (Overrides, Option<String>) {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for ch in spec.chars() {
        match ch {
            '\'' => quoted = !quoted,
            ' ' if !quoted => words.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    words.push(cur);
    words.retain(|w| !w.is_empty());
    let mut ov = Overrides::default();
    let mut sheet = None;
    for pair in words.chunks(2) {
        let [flag, value] = pair else { panic!("odd options: {spec}") };
        match flag.as_str() {
            "--as-of" => ov.as_of = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok(),
            "--currency" => ov.currency = Currency::parse(value).ok(),
            "--decimal" => ov.decimal = value.chars().next(),
            "--thousands" => ov.thousands = Some(value.chars().collect()),
            "--sheet" => sheet = Some(value.clone()),
            "--date-format" => ov.date_format = DateStyle::from_spec(value),
            other => panic!("unknown option {other}"),
        }
    }
    (ov, sheet)
}

fn run(profile: &Profile, path: &Path, opts: &str) -> Result<Mapped, String> {
    let (ov, sheet) = options(opts);
    let input = read(path, sheet.as_deref(), profile).map_err(|e| format!("reader: {e}"))?;
    let file = path.to_string_lossy();
    let at = match &input.sheet {
        Some(s) => Where::sheet(&file, s, input.typed, input.date1904),
        None => Where::text(&file),
    };
    map(profile, &input.rows, &at, &ov)
        .map_err(|issues| issues.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("\n"))
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_path(path).unwrap();
    rdr.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

/// Rows with amounts normalised (1250000 = 1250000.00), sorted, for comparing as sets.
fn normalised(header: &[String], rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .zip(header)
                .map(|(v, h)| match (h.as_str(), Decimal::from_str_exact(&v)) {
                    ("amount" | "credit_limit", Ok(d)) => d.normalize().to_string(),
                    _ => v,
                })
                .collect()
        })
        .collect();
    out.sort();
    out
}

fn compare(profile: &str, file: &str, expected: &str, opts: &str) -> Result<(), String> {
    let p = Profile::builtin(profile).unwrap();
    let dir = root().join(profile);
    let m = run(&p, &dir.join(file), opts)?;
    let mut diffs = Vec::new();
    for kind in [Kind::Customers, Kind::Invoices, Kind::Payments, Kind::Applications] {
        let want = csv_rows(&dir.join(expected).join(format!("{}.csv", kind.name())));
        let Some((header, want)) = want.split_first() else { return Err("empty expected file".into()) };
        let got = m.kinds.get(&kind).map(|k| {
            assert_eq!(&k.header, header, "{file} {kind:?} header");
            k.rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>()
        });
        let got = normalised(header, got.unwrap_or_default());
        let mut want = want.to_vec();
        if profile == "quickbooks" && expected == "expected-cp1252" {
            transliterate_ids(&dir.join(expected), header, &mut want);
        }
        let want = normalised(header, want);
        if got != want {
            let extra: Vec<_> = got.iter().filter(|r| !want.contains(r)).collect();
            let missing: Vec<_> = want.iter().filter(|r| !got.contains(r)).collect();
            diffs.push(format!("{kind:?}: unexpected {extra:?}\n  missing {missing:?}"));
        }
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(diffs.join("\n"))
    }
}

/// Fixture bug: quickbooks/expected-cp1252 transliterates the Cyrillic customer names but keeps the Cyrillic
/// customer_ids, which a Windows-1252 file can't hold (QuickBooks' customer id is its display name). Until the
/// generator is fixed, the ids are mapped through the expected customers.csv (Cyrillic id → its Latin name).
fn transliterate_ids(dir: &Path, header: &[String], rows: &mut [Vec<String>]) {
    let customers = csv_rows(&dir.join("customers.csv"));
    let map: Vec<(String, String)> = customers
        .iter()
        .skip(1)
        .filter_map(|r| Some((r.first()?.clone(), r.get(1)?.clone())))
        .filter(|(id, name)| id != name && !id.is_ascii() && name.is_ascii())
        .collect();
    for row in rows.iter_mut() {
        for (cell, h) in row.iter_mut().zip(header) {
            if h == "customer_id" || h == "parent_id" {
                if let Some((_, name)) = map.iter().find(|(id, _)| id == cell) {
                    *cell = name.clone();
                }
            }
        }
    }
}

#[test]
fn good_fixtures_map_to_their_expected_ledgers() {
    let mut failures = Vec::new();
    let mut count = 0;
    for profile in ["sap-fbl5n", "netsuite", "quickbooks", "xero"] {
        for row in csv_rows(&root().join(profile).join("fixtures.csv")).iter().skip(1) {
            let [file, expected, opts, ..] = row.as_slice() else { panic!("bad fixtures.csv row {row:?}") };
            count += 1;
            if let Err(e) = compare(profile, file, expected, opts) {
                failures.push(format!("{profile}/{file}:\n{e}"));
            }
        }
    }
    assert_eq!(count, 25);
    assert!(failures.is_empty(), "{} of {count} fixtures differ:\n{}", failures.len(), failures.join("\n\n"));
}

/// What each bad fixture's error must contain: the place and the gist (see bad/bad.csv). None: the reader's error
/// (damaged or wrong file), not the profile's — any error will do here, ingest's own tests check the wording.
fn gist(profile: &str, file: &str) -> Option<&'static [&'static str]> {
    Some(match (profile, file) {
        ("sap-fbl5n", "shifted_columns.txt") => &["line 7, column 'Type' (G)", "'02.09.2026' is not a document type", "shifted one column left"],
        ("sap-fbl5n", "mixed_dates.txt") => &["line 16, column 'Document Date'", "'10/06/2026' is not DD.MM.YYYY like the rest of the column"],
        ("sap-fbl5n", "text_in_amount.txt") => &["line 11, column 'Amount in doc. curr.'", "'11.9OO,00' is not an amount"],
        ("sap-fbl5n", "duplicate_headers.txt") => &["line 6: heading 'Amount in DC' appears twice (columns K and M)"],
        ("sap-fbl5n", "empty.txt") => &["no header row and no data (it is empty)"],
        ("sap-fbl5n", "header_only.txt") => &["line 6: no data rows below the header"],
        // bad.csv says line 67, but the EUR '**' line is line 69 (67 is BGN's): a slip in bad.csv.
        ("sap-fbl5n", "total_mismatch.txt") => &["line 69, column 'Amount in doc. curr.'", "'**' total for EUR is 32.533,50 but the rows read add up to 32433.50 (off by 100.00)"],
        ("sap-fbl5n", "missing_column_de.txt") => &["line 9 (the header): no column for document_no (wanted one of: Document Number, DocumentNo, Document No., Doc. no., Belegnummer,", "St, Konto, Name 1, Zuordnung, Beleg-Nr., Belegart", "closest match: 'Beleg-Nr.'"],
        ("netsuite", "total_mismatch.csv") => &["line 29, column 'Open Balance' (J)", "'Total - CUST-1004 Строй Инвест ЕООД' total is 16,674.82 but the rows of that section add up to 16664.82 (off by 10.00)"],
        ("netsuite", "text_in_amount.csv") => &["line 10, column 'Open Balance' (J)", "'N/A' is not an amount"],
        ("netsuite", "mixed_dates.csv") => &["line 17, column 'Date' (B)", "'2026-12-24' is not MM/DD/YYYY like the rest of the column"],
        ("netsuite", "missing_column.csv") => &["line 4 (the header): no column for document_no (wanted one of: Document Number, Num, Number)", "Type, Date, Doc #, Name, Due Date, Age, Memo, P.O./Check Number, Amount, Open Balance", "closest match: 'Doc #'"],
        ("netsuite", "header_only.csv") => &["line 4: no data rows below the header"],
        ("netsuite", "duplicate_headers.csv") => &["line 4: heading 'Amount' appears twice (columns I and J)"],
        ("netsuite", "shifted_columns.csv") => &["line 6, column 'Due Date' (E)", "'90' is not a date", "shifted one column left"],
        ("netsuite", "html_truncated.xls") => &["the report ends here without its total row", "cut short"],
        ("netsuite", "huge_single_line.csv") => &["line 1: no data rows below the header"],
        ("quickbooks", "text_in_amount.csv") => &["line 10, column 'Open Balance' (H)", "'TBD' is not an amount"],
        ("quickbooks", "total_mismatch.csv") => &["line 52, column 'Open Balance' (H)", "'TOTAL' total is $254,112.74 but the rows read add up to 254362.74 (off by 250.00)"],
        ("quickbooks", "section_total_mismatch.csv") => &["line 32, column 'Amount' (G)", "'Total for 31 - 60 days past due' total is $28,553.08 but the rows of that section add up to 28553.07 (off by 0.01)"],
        ("quickbooks", "missing_column.csv") => &["line 5 (the header): no column for document_no (wanted one of: Num, Invoice No)", "Date, Transaction Type, No., Customer, Due Date, Amount, Open Balance (and an unnamed first column)", "closest match: 'No.'"],
        ("quickbooks", "header_only.csv") => &["line 5: no data rows below the header"],
        ("quickbooks", "mixed_dates.csv") => &["line 8, column 'Date' (B)", "'13/12/2026' is not MM/DD/YYYY like the rest of the column", "month 13"],
        ("quickbooks", "shifted_columns.csv") => &["line 7, column 'Date' (B)", "'Invoice' is not a date", "shifted one column left"],
        ("quickbooks", "duplicate_headers.csv") => &["line 5: heading 'Amount' appears twice (columns G and H)"],
        ("xero", "huge_single_line.csv") => &["line 1: no data rows below the header"],
        ("xero", "duplicate_headers.csv") => &["line 1: heading 'DueDate' appears twice (columns V and W)"],
        ("xero", "text_in_amount.csv") => &["line 8, column 'InvoiceAmountDue' (AA)", "'see note' is not an amount"],
        ("xero", "mixed_dates.csv") => &["line 13, column 'InvoiceDate' (U)", "'07/17/2026' is not DD/MM/YYYY like the rest of the column", "month 17"],
        ("xero", "missing_column.csv") => &["line 1 (the header): no column for document_no (wanted one of: InvoiceNumber, *InvoiceNumber, Invoice Number)", "ContactName, EmailAddress, POAddressLine1", "closest match: 'InvoiceNo'"],
        ("xero", "header_only.csv") => &["line 1: no data rows below the header"],
        ("xero", "line_items_disagree.csv") => &["lines 2 and 3: invoice INV-0413 has Total 2746.8 on one line and 2756.8 on another"],
        ("xero", "aged_total_mismatch.xlsx") => &["'Aged Receivables Detail'!K61 (column 'Total')", "the 'Total' total is 142944.33 but the rows read add up to 142844.33 (off by 100.00)"],
        _ => return None,
    })
}

#[test]
fn bad_fixtures_fail_with_the_expected_error() {
    let mut failures = Vec::new();
    let mut count = 0;
    for profile in ["sap-fbl5n", "netsuite", "quickbooks", "xero"] {
        let p = Profile::builtin(profile).unwrap();
        let dir = root().join(profile).join("bad");
        for row in csv_rows(&dir.join("bad.csv")).iter().skip(1) {
            let [file, opts, ..] = row.as_slice() else { panic!("bad bad.csv row {row:?}") };
            count += 1;
            let err = match run(&p, &dir.join(file), opts) {
                Ok(m) => {
                    failures.push(format!("{profile}/{file}: no error; mapped {:?}", m.notes));
                    continue;
                }
                Err(e) => e,
            };
            match gist(profile, file) {
                Some(parts) => {
                    if err.starts_with("reader:") {
                        failures.push(format!("{profile}/{file}: the reader failed, not the profile: {err}"));
                    }
                    for part in parts {
                        if !err.contains(part) {
                            failures.push(format!("{profile}/{file}: wanted «{part}» in:\n{err}"));
                        }
                    }
                }
                None => {
                    if !err.starts_with("reader:") {
                        failures.push(format!("{profile}/{file}: expected the reader to fail, got: {err}"));
                    }
                }
            }
        }
    }
    assert!(count >= 45, "{count}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn ibm_sample_through_a_custom_profile() {
    let Ok(text) = std::fs::read_to_string(root().join("ibm/ibm.toml")) else { panic!("ibm.toml missing") };
    let p = Profile::from_toml("ibm", &text).unwrap();
    if !Path::new(IBM).exists() {
        eprintln!("skipped: {IBM} not present");
        return;
    }
    let m = run(&p, Path::new(IBM), "").unwrap();
    let inv = &m.kinds[&Kind::Invoices];
    assert_eq!(inv.rows.len(), 2466);
    let total: Decimal = inv.rows.iter().map(|r| Decimal::from_str_exact(&r.1[3]).unwrap()).sum();
    assert_eq!(total, Decimal::from_str_exact("147703.18").unwrap());
    assert_eq!(inv.rows[0].1[..5], ["0000611365", "0379-NEVHP", "2013-01-02", "55.94", "USD"]);
    assert!(inv.rows.iter().filter(|r| r.1[0].starts_with('0')).count() > 100);
    assert!(inv.rows.iter().all(|r| r.1[5] == "invoice" && r.1[4] == "USD"));
    assert!(m.kinds[&Kind::Customers].rows.len() > 50);
}

/// The way arx.toml hands over a custom profile: its `[profiles.NAME]` table, re-serialised.
#[test]
fn custom_profile_from_an_arx_toml_table() {
    let body = std::fs::read_to_string(root().join("ibm/ibm.toml")).unwrap();
    let nested: String = body
        .lines()
        .map(|l| match l.strip_prefix('[') {
            Some(rest) => format!("[profiles.ibm.{rest}"),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let arx_toml = format!("[profiles.ibm]\n{nested}\n");
    let config: toml::Table = toml::from_str(&arx_toml).unwrap();
    let table = config["profiles"]["ibm"].as_table().unwrap();
    let p = Profile::from_toml("ibm", &toml::to_string(table).unwrap()).unwrap();
    assert_eq!(p.currency.as_deref(), Some("USD"));
    assert_eq!(p, Profile::from_toml("ibm", &body).unwrap());
    let wrong: toml::Table = toml::from_str(&arx_toml.replace("due_date", "due")).unwrap();
    let e = Profile::from_toml("ibm", &toml::to_string(&wrong["profiles"]["ibm"]).unwrap()).unwrap_err();
    assert!(e.contains("in [columns]: unknown field `due`"), "{e}");
}

/// Mutated copies of every good fixture (cells dropped, blanked, swapped, rows repeated or cut) never panic.
#[test]
fn mutated_fixtures_never_panic() {
    let mut seed = 0x5eed_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed as usize
    };
    let junk = [
        "",
        "-",
        "(1,0)",
        "99999999999999999999999999999",
        "31.02.2026",
        "2026-13-01",
        "AB",
        "Total",
        "**",
        "*",
        "#N/A",
        "\u{feff}",
        "1.234,56-",
        "S",
        "H",
        "Paid",
        "Draft",
        "CUST-1 A : CUST-2 B",
        "A:B:C",
    ];
    for profile in ["sap-fbl5n", "netsuite", "quickbooks", "xero"] {
        let p = Profile::builtin(profile).unwrap();
        for row in csv_rows(&root().join(profile).join("fixtures.csv")).iter().skip(1) {
            let Ok(input) = read(&root().join(profile).join(&row[0]), None, &p) else { continue };
            let (ov, _) = options(&row[2]);
            let file = row[0].clone();
            let at = match &input.sheet {
                Some(s) => Where::sheet(&file, s, input.typed, input.date1904),
                None => Where::text(&file),
            };
            for _ in 0..40 {
                let mut rows = input.rows.clone();
                for _ in 0..1 + next() % 4 {
                    let n = rows.len().max(1);
                    let i = next() % n;
                    match next() % 6 {
                        0 => {
                            if let Some(r) = rows.get_mut(i) {
                                if !r.cells.is_empty() {
                                    let j = next() % r.cells.len();
                                    r.cells.remove(j);
                                }
                            }
                        }
                        1 => {
                            if let Some(r) = rows.get_mut(i) {
                                if !r.cells.is_empty() {
                                    let j = next() % r.cells.len();
                                    r.cells[j] = junk[next() % junk.len()].to_string();
                                }
                            }
                        }
                        2 => {
                            if let Some(r) = rows.get(i).cloned() {
                                rows.insert(i, r);
                            }
                        }
                        3 => rows.truncate(i),
                        4 => {
                            let k = next() % n;
                            if i < rows.len() && k < rows.len() {
                                rows.swap(i, k);
                            }
                        }
                        _ => {
                            if let Some(r) = rows.get_mut(i) {
                                r.cells.push(junk[next() % junk.len()].to_string());
                            }
                        }
                    }
                }
                let _ = map(&p, &rows, &at, &ov);
                let _ = map(&p, &rows, &at, &Overrides::default());
            }
        }
    }
}

/// Every prefix of every built-in profile's TOML, and some byte junk, is an error or a profile, never a panic.
#[test]
fn truncated_profiles_never_panic() {
    for p in Profile::builtins() {
        let text = p.to_toml();
        for cut in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
            let _ = Profile::from_toml("x", &text[..cut]);
        }
    }
    for junk in ["\u{0}", "[[[", "a = [", "name = 1", "[columns]\ndocument_no = \"x\"", "[amount]\npairs = [[1, 2]]"] {
        assert!(Profile::from_toml("x", junk).is_err(), "{junk}");
    }
}

/// `cargo test show_all -- --ignored --nocapture`: every fixture's notes or errors, to read the messages.
#[test]
#[ignore]
fn show_all() {
    for profile in ["sap-fbl5n", "netsuite", "quickbooks", "xero"] {
        let p = Profile::builtin(profile).unwrap();
        for row in csv_rows(&root().join(profile).join("fixtures.csv")).iter().skip(1) {
            let m = run(&p, &root().join(profile).join(&row[0]), &row[2]);
            println!("GOOD {profile}/{}: {:?}", row[0], m.map(|m| m.notes));
        }
        let dir = root().join(profile).join("bad");
        for row in csv_rows(&dir.join("bad.csv")).iter().skip(1) {
            let e = run(&p, &dir.join(&row[0]), &row[1]).err().unwrap_or_default();
            println!("BAD {profile}/{}:\n  {}", row[0], e.replace('\n', "\n  "));
        }
    }
}
