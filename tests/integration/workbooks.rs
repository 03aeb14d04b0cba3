//! Canonical data in other clothes: workbooks (xlsx, xls, ods, HTML named .xls), UTF-16 and
//! Windows-1252 text, other delimiters — all read to the same ledger as the canonical CSV, with
//! errors named by sheet and cell.

use crate::common::{fixture, stderr, Ws};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const CSV: &str = "document_no,customer_id,doc_date,amount,currency,doc_type,due_date,reference,po_number
00012345,C1,2024-01-05,1234.50,EUR,invoice,2024-02-04,,
INV-2,C1,2024-01-06,-80.00,EUR,credit_note,2024-01-06,,
";

/// The same two invoices as `CSV`, in a workbook: text document numbers (leading zeros), date
/// cells, number cells, a title sheet before the data sheet.
fn workbook(path: &std::path::Path, amount_cell: Option<&str>) {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let ws = wb.add_worksheet();
    ws.set_name("Invoices").unwrap();
    for (c, h) in
        ["document_no", "customer_id", "doc_date", "amount", "currency", "doc_type", "due_date"].iter().enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        ("00012345", (2024, 1, 5), 1234.5, "invoice", (2024, 2, 4)),
        ("INV-2", (2024, 1, 6), -80.0, "credit_note", (2024, 1, 6)),
    ];
    for (i, (no, d, amount, kind, due)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, *no).unwrap();
        ws.write_string(r, 1, "C1").unwrap();
        ws.write_datetime_with_format(r, 2, ExcelDateTime::from_ymd(d.0, d.1, d.2).unwrap(), &date).unwrap();
        match (i, amount_cell) {
            (1, Some(text)) => ws.write_string(r, 3, text).unwrap(),
            _ => ws.write_number(r, 3, *amount).unwrap(),
        };
        ws.write_string(r, 4, "EUR").unwrap();
        ws.write_string(r, 5, *kind).unwrap();
        ws.write_datetime_with_format(r, 6, ExcelDateTime::from_ymd(due.0, due.1, due.2).unwrap(), &date).unwrap();
    }
    wb.save(path).unwrap();
}

fn canonical_ledger() -> String {
    let ws = Ws::new();
    ws.write("invoices.csv", CSV);
    ws.ingest_ok(&["invoices.csv"]);
    ws.export("invoices")
}

#[test]
fn an_xlsx_of_canonical_columns_gives_the_same_ledger_as_the_csv() {
    let ws = Ws::new();
    let path = ws.dir().join("invoices.xlsx");
    workbook(&path, None);
    let a = ws.ingest_ok(&["invoices.xlsx"]);
    assert!(stderr(&a).contains("invoices.xlsx: read with sheet 'Invoices'"), "{}", stderr(&a));
    assert_eq!(ws.export("invoices"), canonical_ledger());
    // Again: nothing new.
    assert!(stderr(&ws.ingest_ok(&["invoices.xlsx"])).contains("nothing new"));
}

#[test]
fn a_bad_cell_in_a_workbook_is_named_by_sheet_and_cell() {
    let ws = Ws::new();
    let path = ws.dir().join("invoices.xlsx");
    workbook(&path, Some("eighty"));
    let before = ws.store_snapshot();
    let a = ws.arx(&["ingest", "invoices.xlsx"]).code(3);
    assert!(stderr(&a).contains("invoices.xlsx:3:Invoices!D3 (amount): 'eighty' is not an amount"), "{}", stderr(&a));
    assert_eq!(ws.store_snapshot(), before);
}

#[test]
fn a_missing_sheet_lists_the_sheets() {
    let ws = Ws::new();
    workbook(&ws.dir().join("invoices.xlsx"), None);
    let a = ws.arx(&["ingest", "invoices.xlsx", "--sheet", "Data"]).code(3);
    assert!(stderr(&a).contains("no sheet named \"Data\"") && stderr(&a).contains("\"Invoices\""), "{}", stderr(&a));
}

#[test]
fn utf16_windows1252_and_semicolons_read_to_the_same_ledger() {
    let ws = Ws::new();
    let semi = CSV.replace(',', ";");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(semi.encode_utf16().flat_map(|u| u.to_le_bytes()));
    ws.write("unicode.txt", utf16);
    let a = ws.ingest_ok(&["unicode.txt", "--kind", "invoices"]);
    assert!(stderr(&a).contains("read with encoding utf-16le, delimiter ';'"), "{}", stderr(&a));
    assert_eq!(ws.export("invoices"), canonical_ledger());
    let tabbed = Ws::new();
    tabbed.write("tabs.txt", CSV.replace(',', "\t"));
    tabbed.ingest_ok(&["tabs.txt"]);
    assert_eq!(tabbed.export("invoices"), canonical_ledger());
}

#[test]
fn html_and_ods_workbooks_from_the_fixtures_are_read_not_refused() {
    // fixtures/excel holds an ERP's HTML-as-.xls and LibreOffice re-saves; with no canonical
    // header they are rejected for their columns — after being read, not as "binary".
    for f in ["excel/netsuite_aging_html.xls", "excel/ar_export.ods", "excel/netsuite_2003.xls", "excel/ar_export.xls"]
    {
        let ws = Ws::new();
        let path = fixture(f).display().to_string();
        let a = ws.arx(&["ingest", path.as_str()]).code(3);
        let err = stderr(&a);
        assert!(!err.contains("binary") && !err.contains("not valid UTF-8"), "{f}: {err}");
    }
}
