use super::*;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/excel").join(name)
}

type Rows = Vec<(u32, Result<Vec<String>, CellIssue>)>;

fn read(path: &Path, sheet: Option<&str>) -> Rows {
    let kind = sniff(path).unwrap().unwrap();
    let sheet = open(path, kind, sheet).unwrap();
    sheet.rows().collect()
}

/// A row of cells written as "a|b||d" ("" is a row with no cells).
fn ok(cells: &str) -> Result<Vec<String>, CellIssue> {
    Ok(if cells.is_empty() { Vec::new() } else { cells.split('|').map(str::to_string).collect() })
}

fn err(cell: &str, value: &str) -> Result<Vec<String>, CellIssue> {
    Err(CellIssue {
        cell: Some(cell.to_string()),
        message: format!("the cell holds {value} (a formula error); fix it in the workbook or clear the cell"),
    })
}

/// Compares row by row and cell by cell, so a failure names the cell.
fn check(got: &Rows, want: &Rows) {
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.0, w.0, "row number of row #{i}");
        match (&g.1, &w.1) {
            (Ok(gc), Ok(wc)) => {
                for c in 0..gc.len().max(wc.len()) {
                    assert_eq!(gc.get(c), wc.get(c), "cell {}{}", column_letters(c), w.0);
                }
            }
            (gr, wr) => assert_eq!(gr, wr, "row {}", w.0),
        }
    }
    assert_eq!(got.len(), want.len(), "row count");
}

/// The "Invoices" sheet of ar_export.*, as every binary format must read it (`paid` is how booleans read back).
fn invoices(paid: [&str; 2]) -> Rows {
    let [no, yes] = paid;
    let rows = [
        "ACME Corp — Accounts Receivable|||||||||",
        "Open items as of 31.03.2024, amounts in EUR|||||||||",
        "|||||||||",
        "Customer ID|Customer|Document|Doc Date|Due Date|Amount|Open Amount|Paid|FX Rate|Note",
        &format!("00012345|Müller GmbH|INV-1001|2024-01-15|2024-02-14|1234.5|1234.5|{no}|1|"),
        &format!("00012346|Петров ООД|INV-1002|2024-01-20T13:45:00|45341|99.99|89.99|{yes}|0.0000001|partly paid"),
        &format!("00000042|O'Brien & Sons|CM-77|2024-02-01|2024-03-02|-250|-250|{no}|0.3|credit memo"),
        &format!(
            "00012347|Société Générale|INV-1003|2024-02-29|2024-03-30|1000000|999999.99|{no}|123456789.125|  spaced  "
        ),
        "error",
        "|Total||||1001084.49|1001074.48|||",
    ];
    let mut want: Rows = rows.iter().zip(1..).map(|(r, n)| (n, ok(r))).collect();
    want[8].1 = err("Invoices!F9", "#N/A");
    want
}

#[test]
fn xlsx_reads_every_cell() {
    let path = fixture("ar_export.xlsx");
    assert_eq!(sniff(&path).unwrap(), Some(SpreadsheetKind::Xlsx));
    check(&read(&path, None), &invoices(["FALSE", "TRUE"]));
    let sheet = open(&path, SpreadsheetKind::Xlsx, None).unwrap();
    assert_eq!(
        (sheet.name(), sheet.kind(), sheet.height(), sheet.is_1904()),
        ("Invoices", SpreadsheetKind::Xlsx, 10, false)
    );
    assert_eq!(sheet.cell_name(9, 5), "Invoices!F9");
    let open_items =
        vec![(1, ok("Document|Status|Days")), (2, ok("INV-1001|open|46")), (3, err("'Open Items'!B3", "#REF!"))];
    check(&read(&path, Some("open items")), &open_items);
    assert_eq!(sheet_names(&path, SpreadsheetKind::Xlsx).unwrap(), ["Invoices", "Open Items"]);
}

#[test]
fn xls_resave_reads_the_same() {
    let path = fixture("ar_export.xls");
    assert_eq!(sniff(&path).unwrap(), Some(SpreadsheetKind::Xls));
    check(&read(&path, None), &invoices(["FALSE", "TRUE"]));
    // LibreOffice recalculated INDEX past the range on the way to .xls (#VALUE! where Excel had #REF!).
    let rows = read(&path, Some("Open Items"));
    assert_eq!(rows[2], (3, err("'Open Items'!B3", "#VALUE!")));
}

#[test]
fn ods_resave_reads_the_same() {
    let path = fixture("ar_export.ods");
    assert_eq!(sniff(&path).unwrap(), Some(SpreadsheetKind::Ods));
    // LibreOffice keeps booleans as 0/1 numbers; errors survive as their text and are still errors.
    check(&read(&path, None), &invoices(["0", "1"]));
    let rows = read(&path, Some("Open Items"));
    assert_eq!(rows[2], (3, err("'Open Items'!B3", "Err:502")));
}

#[test]
fn dates_1904_read_as_1900() {
    let want = vec![
        (1, ok("Document|Doc Date|Due Date|Posted|Amount|Serial")),
        (2, ok("INV-1001|2024-01-15|2024-02-14|2024-01-20T13:45:00|1234.5|43879")),
        (3, ok("CM-77|2024-02-01|2024-03-02|2024-02-01T08:00:30|-250|")),
        (4, ok("INV-1003|2024-02-29|2024-03-30|2024-03-01|1000000|")),
    ];
    for name in ["ar_1904.xlsx", "ar_1904.xls"] {
        let path = fixture(name);
        check(&read(&path, None), &want);
        let kind = sniff(&path).unwrap().unwrap();
        assert!(open(&path, kind, None).unwrap().is_1904(), "{name}");
    }
    // The same documents' dates in the 1900 workbook.
    let main = read(&fixture("ar_export.xlsx"), None);
    let date_of = |rows: &Rows, doc: &str, col: usize| -> String {
        let row = rows.iter().find_map(|(_, r)| r.as_ref().ok().filter(|r| r.contains(&doc.to_string()))).unwrap();
        row[col].clone()
    };
    let y1904 = read(&fixture("ar_1904.xlsx"), None);
    for doc in ["INV-1001", "CM-77", "INV-1003"] {
        assert_eq!(date_of(&main, doc, 3), date_of(&y1904, doc, 1), "{doc} doc date");
        assert_eq!(date_of(&main, doc, 4), date_of(&y1904, doc, 2), "{doc} due date");
    }
    // A serial in a General cell needs the workbook's system: both mean 2024-02-19.
    assert_eq!(serial_date_text(43879.0, true).as_deref(), Some("2024-02-19"));
    assert_eq!(serial_date_text(45341.0, false).as_deref(), Some("2024-02-19"));
}

#[test]
fn html_netsuite_export() {
    let path = fixture("netsuite_aging_html.xls");
    assert_eq!(sniff(&path).unwrap(), Some(SpreadsheetKind::Html));
    let sheet = open(&path, SpreadsheetKind::Html, None).unwrap();
    assert_eq!(sheet.name(), "A/R Aging Detail");
    let heads = "Type|Date|Document Number|Name|Due Date|Age|Amount|Amount Remaining|Memo";
    let want = vec![
        (1, ok("ACME Corp")),
        (2, ok("A/R Aging Detail")),
        (3, ok("As of March 31, 2024")),
        (4, ok("")),
        (5, ok(heads)),
        (6, ok("Invoice|1/15/2024|00012345|Müller GmbH|2/14/2024|46|1,234.50|1,234.50")),
        (7, ok("Invoice|1/20/2024|00012346|Société Générale|2/19/2024|41|99.99|89.99|partly paid")),
        (8, ok("Credit Memo|2/1/2024|00000042|O'Brien & Sons|3/2/2024|29|(250.00)|(250.00)|credit memo")),
        (9, ok("Invoice|2/29/2024|00012347|Größe <Test>|3/30/2024|1|€1,000,000.00|999,999.99|&unknown; ok")),
        (10, ok("Total||||||1,001,084.49|1,001,074.48")),
    ];
    check(&sheet.rows().collect(), &want);
    assert_eq!(sheet_names(&path, SpreadsheetKind::Html).unwrap(), ["A/R Aging Detail"]);
    assert!(open(&path, SpreadsheetKind::Html, Some("a/r aging detail")).is_ok());
    let missing = open(&path, SpreadsheetKind::Html, Some("Sheet1")).err().unwrap();
    assert!(missing.message.contains("\"A/R Aging Detail\""), "{missing:?}");
}

#[test]
fn html_spans_nesting_and_bom() {
    let path = fixture("invoice_list_html.xls");
    assert_eq!(sniff(&path).unwrap(), Some(SpreadsheetKind::Html));
    let want = vec![
        (1, ok("Num|Customer||Amount")),
        (2, ok("|ID|Name|BGN")),
        (3, ok("1001|0042|Петров ООД|1 234,56")),
        (4, ok("1002|0043|Nested inner cell|7,00")),
        (5, ok("1003|0044|Last|-1,00")),
    ];
    check(&read(&path, None), &want);
    // No <x:Name>: the file name stands in.
    assert_eq!(open(&path, SpreadsheetKind::Html, None).unwrap().name(), "invoice_list_html");
}

#[test]
fn html_resave_by_libreoffice() {
    let rows = read(&fixture("ar_export_html.xls"), None);
    assert_eq!(rows[3].1.as_ref().unwrap()[9], "Note");
    assert_eq!(rows[2], (3, ok(""))); // cells holding only <br>
                                      // HTML collapses whitespace, as a browser or Excel shows it.
    assert_eq!(rows[7].1.as_ref().unwrap()[9], "spaced");
    assert_eq!(rows[8], (9, err("ar_export_html!F9", "#N/A")));
}

#[test]
fn spreadsheetml_2003() {
    let path = fixture("netsuite_2003.xls");
    assert_eq!(sniff(&path).unwrap(), Some(SpreadsheetKind::SpreadsheetMl2003));
    let heads = "Type|Date|Document Number|Name|Due Date|Amount|Amount Remaining|Paid|Currency|Memo";
    let want = vec![
        (1, ok("ACME Corp: A/R transactions")),
        (2, ok("")),
        (3, ok(heads)),
        (4, ok("Invoice|2024-01-15|00012345|Müller GmbH|2024-02-14|1234.5|1234.5|FALSE|EUR")),
        (5, ok("Invoice|2024-01-20T13:45:00|00012346|O'Brien & Sons||99.99|89.99|TRUE|EUR|partly\npaid")),
        (6, ok("Credit Memo|2024-02-01|00000042|Петров ООД|2024-03-02|-250|-250|FALSE|EUR|  spaced  ")),
        (7, err("Transactions!F7", "#N/A")),
        (8, ok("")),
        (9, ok("|||Total||1083.49")),
    ];
    check(&read(&path, None), &want);
    assert_eq!(sheet_names(&path, SpreadsheetKind::SpreadsheetMl2003).unwrap(), ["Transactions", "Summary"]);
    let summary = read(&path, Some("SUMMARY"));
    assert_eq!(summary, vec![(1, ok("Open|1073.48")), (2, err("Summary!B2", "#DIV/0!"))]);
    let missing = open(&path, SpreadsheetKind::SpreadsheetMl2003, Some("Invoices")).err().unwrap();
    assert!(missing.message.contains("\"Transactions\", \"Summary\""), "{missing:?}");
}

fn temp_with(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

#[test]
fn spreadsheetml_1904_comments_and_merges() {
    let xml = r#"<?xml version="1.0" encoding="windows-1252"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <ExcelWorkbook xmlns="urn:schemas-microsoft-com:office:excel"><Date1904/></ExcelWorkbook>
 <Worksheet ss:Name="Data"><Table>
  <Row ss:Span="1"><Cell ss:MergeAcross="2"><Data ss:Type="String">Title</Data></Cell><Cell><Data ss:Type="Number">1</Data></Cell></Row>
  <Row><Cell><Data ss:Type="String">M&#252;ller &amp; Co</Data><Comment><ss:Data>ignored note</ss:Data></Comment></Cell>
   <Cell ss:Index="3"><Data ss:Type="DateTime">2024-01-15T00:00:00</Data></Cell><Cell><Data ss:Type="Number">oops</Data></Cell></Row>
 </Table></Worksheet>
</Workbook>"#;
    let bytes: Vec<u8> = xml.bytes().collect();
    let (_dir, path) = temp_with("export.xls", &bytes);
    let sheet = open(&path, SpreadsheetKind::SpreadsheetMl2003, None).unwrap();
    assert!(sheet.is_1904());
    let rows: Rows = sheet.rows().collect();
    // Row ss:Span repeats the (empty) row once more; MergeAcross pushes the next cell to D.
    let want = vec![(1, ok("Title|||1")), (2, ok("")), (3, ok("Müller & Co||2024-01-15|oops"))];
    assert_eq!(rows, want);
}

#[test]
fn spreadsheetml_refuses_bad_files() {
    let cut = open(&fixture("bad/broken_2003.xls"), SpreadsheetKind::SpreadsheetMl2003, None).err().unwrap();
    assert!(cut.message.contains("malformed at line"), "{cut:?}");
    let head = r#"<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet>"#;
    let (_d, path) = temp_with("a.xml", format!("{head}<Table><Row/></Table></Worksheet>").as_bytes());
    let unclosed = open(&path, SpreadsheetKind::SpreadsheetMl2003, None).err().unwrap();
    assert!(unclosed.message.contains("cut short"), "{unclosed:?}");
    let far = format!("{head}<Table><Row ss:Index=\"2000000\"/></Table></Worksheet></Workbook>");
    let (_d2, path) = temp_with("b.xml", far.as_bytes());
    let msg = open(&path, SpreadsheetKind::SpreadsheetMl2003, None).err().unwrap().message;
    assert!(msg.contains("not a position inside a worksheet"), "{msg}");
    let (_d3, path) = temp_with("c.xml", b"<?xml version=\"1.0\"?><Workbook>\xff\xfe</Workbook>");
    let msg = open(&path, SpreadsheetKind::SpreadsheetMl2003, None).err().unwrap().message;
    assert!(msg.contains("not valid UTF-8"), "{msg}");
}

#[test]
fn bad_files_say_what_is_wrong() {
    let cases: [(&str, SpreadsheetKind, Option<&str>, &str); 9] = [
        ("bad/truncated.xlsx", SpreadsheetKind::Xlsx, None, "damaged or cut short"),
        ("bad/truncated.xls", SpreadsheetKind::Xls, None, "damaged or cut short"),
        ("bad/truncated.ods", SpreadsheetKind::Ods, None, "damaged or cut short"),
        ("bad/broken_sheet_xml.xlsx", SpreadsheetKind::Xlsx, None, "damaged or cut short"),
        ("bad/encrypted.xlsx", SpreadsheetKind::Xls, None, "password-protected"),
        ("bad/encrypted.xlsx", SpreadsheetKind::Xlsx, None, "password-protected"),
        ("bad/empty.xlsx", SpreadsheetKind::Xlsx, None, "empty (0 bytes)"),
        ("bad/no_table.xls", SpreadsheetKind::Html, None, "no <table>"),
        (
            "bad/missing_sheet.xlsx",
            SpreadsheetKind::Xlsx,
            Some("Invoices"),
            "no sheet named \"Invoices\" in this workbook; its sheets are: \"Summary\", \"Detail 2023\"",
        ),
    ];
    for (name, kind, sheet, want) in cases {
        let issue = open(&fixture(name), kind, sheet).err().unwrap_or_else(|| panic!("{name} opened"));
        assert_eq!(issue.cell, None, "{name}");
        assert!(issue.message.contains(want), "{name}: {}", issue.message);
    }
    // Sniffing: truncated workbooks are still workbooks (so they fail as such); the rest are not spreadsheets.
    assert_eq!(sniff(&fixture("bad/truncated.xlsx")).unwrap(), Some(SpreadsheetKind::Xlsx));
    assert_eq!(sniff(&fixture("bad/truncated.ods")).unwrap(), Some(SpreadsheetKind::Ods));
    assert_eq!(sniff(&fixture("bad/truncated.xls")).unwrap(), Some(SpreadsheetKind::Xls));
    assert_eq!(sniff(&fixture("bad/encrypted.xlsx")).unwrap(), Some(SpreadsheetKind::Xlsx));
    for (name, why) in [
        ("bad/not_a_workbook.xlsx", "zip archive but not a workbook"),
        ("bad/empty.xlsx", "empty (0 bytes)"),
        ("bad/random.xls", "binary data"),
    ] {
        assert_eq!(sniff(&fixture(name)).unwrap(), None, "{name}");
        assert!(not_a_workbook(&fixture(name)).unwrap().unwrap().contains(why), "{name}");
    }
    assert_eq!(not_a_workbook(&fixture("ar_export.xlsx")).unwrap(), None);
    // The wrong reader for a file fails cleanly too.
    let wrong = open(&fixture("ar_export.xlsx"), SpreadsheetKind::Xls, None).err().unwrap();
    assert!(wrong.message.contains("Excel 97-2003"), "{wrong:?}");
}

/// A stored (uncompressed) zip, enough for the sniffer.
fn stored_zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let (mut out, mut dir) = (Vec::new(), Vec::new());
    for (name, data) in members {
        let offset = out.len() as u32;
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // version, flags, method, time, date, crc
            v.extend_from_slice(&(data.len() as u32).to_le_bytes());
            v.extend_from_slice(&(data.len() as u32).to_le_bytes());
            v.extend_from_slice(&(name.len() as u16).to_le_bytes());
            v.extend_from_slice(&[0, 0]);
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        dir.extend_from_slice(b"PK\x01\x02\x14\x00");
        common(&mut dir);
        dir.extend_from_slice(&[0; 10]); // comment length, disk, attributes
        dir.extend_from_slice(&offset.to_le_bytes());
        dir.extend_from_slice(name.as_bytes());
    }
    let (at, size, n) = (out.len() as u32, dir.len() as u32, members.len() as u16);
    out.extend_from_slice(&dir);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

#[test]
fn sniff_every_kind() {
    let utf16 = |s: &str, bom: bool| -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { vec![] };
        v.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        v
    };
    let sml = r#"<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">"#;
    let ods = [("mimetype", b"application/vnd.oasis.opendocument.spreadsheet".as_slice()), ("content.xml", b"<x/>")];
    let odt = [("mimetype", b"application/vnd.oasis.opendocument.text".as_slice()), ("content.xml", b"<x/>")];
    let cases: Vec<(Vec<u8>, Option<SpreadsheetKind>)> = vec![
        (stored_zip(&[("[Content_Types].xml", b"<x/>"), ("xl/workbook.xml", b"<x/>")]), Some(SpreadsheetKind::Xlsx)),
        (stored_zip(&[("xl/workbook.bin", b""), ("xl/worksheets/sheet1.bin", b"")]), Some(SpreadsheetKind::Xlsb)),
        (stored_zip(&ods), Some(SpreadsheetKind::Ods)),
        (stored_zip(&odt), None),
        (stored_zip(&[("word/document.xml", b"<x/>")]), None),
        (OLE_MAGIC.iter().copied().chain([0; 504]).collect(), Some(SpreadsheetKind::Xls)),
        (sml.as_bytes().to_vec(), Some(SpreadsheetKind::SpreadsheetMl2003)),
        (utf16(sml, true), Some(SpreadsheetKind::SpreadsheetMl2003)),
        (b"\xEF\xBB\xBF\r\n  <!DOCTYPE HTML PUBLIC>".to_vec(), Some(SpreadsheetKind::Html)),
        (b"<HTML xmlns:x=\"urn:schemas-microsoft-com:office:excel\">".to_vec(), Some(SpreadsheetKind::Html)),
        (b"\n<table border=1><tr><td>1</td></tr></table>".to_vec(), Some(SpreadsheetKind::Html)),
        (b"<!-- exported --><Html><body>".to_vec(), Some(SpreadsheetKind::Html)),
        (utf16("<html><table>", true), Some(SpreadsheetKind::Html)),
        (utf16("<html><table>", false), Some(SpreadsheetKind::Html)),
        (b"<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\">".to_vec(), Some(SpreadsheetKind::Html)),
        (b"doc,amount\nINV-1,10.00\n".to_vec(), None),
        (b"\xEF\xBB\xBFdoc;amount\r\n<b>;1\r\n".to_vec(), None),
        (
            br#"<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">"#
                .to_vec(),
            None,
        ),
        (Vec::new(), None),
        (b"PK".to_vec(), None),
    ];
    for (i, (bytes, want)) in cases.iter().enumerate() {
        let (_dir, path) = temp_with("file.xls", bytes);
        assert_eq!(
            sniff(&path).unwrap(),
            *want,
            "case #{i}: {:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(40)])
        );
    }
    // Every fixture, by content.
    for (name, kind) in [
        ("ar_export.xlsx", SpreadsheetKind::Xlsx),
        ("ar_export.xls", SpreadsheetKind::Xls),
        ("ar_export.ods", SpreadsheetKind::Ods),
        ("ar_1904.xlsx", SpreadsheetKind::Xlsx),
        ("ar_1904.xls", SpreadsheetKind::Xls),
        ("netsuite_aging_html.xls", SpreadsheetKind::Html),
        ("invoice_list_html.xls", SpreadsheetKind::Html),
        ("ar_export_html.xls", SpreadsheetKind::Html),
        ("netsuite_2003.xls", SpreadsheetKind::SpreadsheetMl2003),
    ] {
        assert_eq!(sniff(&fixture(name)).unwrap(), Some(kind), "{name}");
    }
    assert!(sniff(Path::new("/nonexistent/file.xlsx")).is_err());
}

#[test]
fn number_text_is_what_excel_shows() {
    let cases = [
        (1234.5, "1234.5"),
        (1e-7, "0.0000001"),
        (2.0, "2"),
        (-0.0, "0"),
        (0.0, "0"),
        (-1234.56, "-1234.56"),
        (0.1 + 0.2, "0.3"),
        (99.99 - 10.0, "89.99"),
        (1e21, "1000000000000000000000"),
        (123_456_789_012_345_680.0, "123456789012346000"),
        (123_456_789_012_345.0, "123456789012345"),
        (0.000_012_345_678_901_234_56, "0.0000123456789012346"),
        (1_001_084.490_000_000_1, "1001084.49"),
    ];
    for (v, want) in cases {
        assert_eq!(number_text(v).as_deref(), Some(want), "{v:e}");
    }
    assert_eq!(number_text(f64::NAN), None);
    assert_eq!(number_text(f64::INFINITY), None);
    assert_eq!(cell_text(&Data::Int(-42), false).unwrap(), "-42");
    assert!(cell_text(&Data::Float(f64::NAN), false).unwrap_err().contains("not finite"));
}

#[test]
fn dates_times_and_durations() {
    let cases = [
        (45306.0, false, Some("2024-01-15")),
        (45306.5, false, Some("2024-01-15T12:00:00")),
        (45_306.999_999_99, false, Some("2024-01-16")),
        (45_306.000_005, false, Some("2024-01-15")), // under half a second
        (0.5, false, Some("12:00:00")),
        (60.0, false, Some("1900-02-29")), // Excel's phantom leap day, kept as Excel shows it
        (61.0, false, Some("1900-03-01")),
        (1.0, true, Some("1904-01-02")),
        (2_958_465.0, false, Some("9999-12-31")),
        (2_958_466.0, false, None),
        (2_957_004.0, true, None),
        (-1.0, false, None),
        (f64::NAN, false, None),
    ];
    for (serial, is_1904, want) in cases {
        assert_eq!(serial_date_text(serial, is_1904).as_deref(), want, "{serial} 1904={is_1904}");
    }
    let dt = |v: f64, ty: ExcelDateTimeType| Data::DateTime(ExcelDateTime::new(v, ty, false));
    assert_eq!(cell_text(&dt(1.5, ExcelDateTimeType::TimeDelta), false).unwrap(), "36:00:00");
    assert_eq!(cell_text(&dt(-0.25, ExcelDateTimeType::TimeDelta), false).unwrap(), "-6:00:00");
    assert_eq!(cell_text(&dt(-5.0, ExcelDateTimeType::DateTime), false).unwrap(), "-5"); // not a date: the number
    assert_eq!(cell_text(&dt(1.0, ExcelDateTimeType::DateTime), true).unwrap(), "1904-01-02");
    for (iso, want) in [
        ("2024-01-15", "2024-01-15"),
        ("2024-01-15T00:00:00", "2024-01-15"),
        ("2024-01-15T00:00:00.000", "2024-01-15"),
        ("2024-01-15T13:45:00.250", "2024-01-15T13:45:00"),
        ("2024-01-15T13:45", "2024-01-15T13:45:00"),
        ("2024-01-15T13:45:00Z", "2024-01-15T13:45:00"),
    ] {
        assert_eq!(cell_text(&Data::DateTimeIso(iso.to_string()), false).unwrap(), want, "{iso}");
    }
    for (iso, want) in
        [("PT13H45M00S", "13:45:00"), ("PT36H", "36:00:00"), ("-P1DT1H", "-25:00:00"), ("PT1.5S", "0:00:02")]
    {
        assert_eq!(cell_text(&Data::DurationIso(iso.to_string()), false).unwrap(), want, "{iso}");
    }
    assert_eq!(cell_text(&Data::DurationIso("P1Y".to_string()), false).unwrap(), "P1Y");
    // months/years: as written
}

#[test]
fn names_and_references() {
    for (col, want) in [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"), (16_383, "XFD")] {
        assert_eq!(column_letters(col), want);
    }
    for (name, want) in [
        ("Invoices", "Invoices"),
        ("Übersicht_2024", "Übersicht_2024"),
        ("Open Items", "'Open Items'"),
        ("O'Brien", "'O''Brien'"),
        ("2024", "'2024'"),
        ("FY2024", "'FY2024'"),
        ("A/R", "'A/R'"),
        ("", "''"),
    ] {
        assert_eq!(quote_sheet(name), want);
    }
    assert!(is_error_text("Err:502") && is_error_text("#N/A") && !is_error_text("Err:50") && !is_error_text("N/A"));
}

#[test]
fn html_pieces() {
    assert_eq!(
        markup_decode("a &amp; b &lt;c&gt; &#8364;&#x20AC;&euro; &#150; &uuml;&Ouml;&szlig; &bogus; & x"),
        "a & b <c> €€€ – üÖß &bogus; & x"
    );
    assert_eq!(markup_decode("&#0; &#xZZ; &amp"), "&#0; &#xZZ; &amp");
}

fn markup_decode(s: &str) -> String {
    markup::decode_entities(s).into_owned()
}

fn xlsx_with(build: impl FnOnce(&mut rust_xlsxwriter::Workbook)) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    build(&mut book);
    book.save(&path).unwrap();
    (dir, path)
}

#[test]
fn offset_ranges_hidden_sheets_and_durations() {
    let (_dir, path) = xlsx_with(|book| {
        book.add_worksheet().set_name("Hidden").unwrap().set_hidden(true).write_string(0, 0, "secret").unwrap();
        // (rust_xlsxwriter will not hide the active sheet, which is the first unless told otherwise)
        let ws = book.add_worksheet().set_name("Data").unwrap().set_active(true);
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        let hours = rust_xlsxwriter::Format::new().set_num_format("[h]:mm:ss");
        let clock = rust_xlsxwriter::Format::new().set_num_format("hh:mm");
        ws.write_string(2, 2, "Doc").unwrap().write_number_with_format(2, 3, 45306, &date).unwrap();
        ws.write_number_with_format(3, 3, 1.5, &hours).unwrap().write_number_with_format(3, 4, 0.75, &clock).unwrap();
        ws.write_boolean(4, 2, true).unwrap();
    });
    let sheet = open(&path, SpreadsheetKind::Xlsx, None).unwrap();
    assert_eq!(sheet.name(), "Data"); // the first visible sheet
    let rows: Rows = sheet.rows().collect();
    // The range starts at C3; rows still start at column A.
    assert_eq!(rows, vec![(3, ok("||Doc|2024-01-15|")), (4, ok("|||36:00:00|18:00:00")), (5, ok("||TRUE||")),]);
    assert_eq!(sheet.cell_name(4, 4), "Data!E4");
    assert_eq!(read(&path, Some("hidden")), vec![(1, ok("secret"))]);
    let (_d2, empty) = xlsx_with(|book| {
        book.add_worksheet();
    });
    let sheet = open(&empty, SpreadsheetKind::Xlsx, None).unwrap();
    assert_eq!((sheet.height(), sheet.rows().count()), (0, 0));
}

/// A small deterministic generator, so the fuzz cases are the same on every run.
fn lcg(seed: &mut u64) -> u64 {
    *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    *seed >> 33
}

/// Sniffs and opens `bytes` every way and reads every row: it may fail, it must not panic.
fn survive(dir: &Path, bytes: &[u8], kind: SpreadsheetKind) {
    let path = dir.join("case");
    std::fs::write(&path, bytes).unwrap();
    let sniffed = sniff(&path).unwrap();
    let _ = not_a_workbook(&path).unwrap();
    for kind in sniffed.into_iter().chain([kind]) {
        let _ = sheet_names(&path, kind);
        if let Ok(sheet) = open(&path, kind, None) {
            for (_, row) in sheet.rows() {
                let _ = row;
            }
        }
    }
}

#[test]
fn no_panic_on_truncation() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("ar_export.xlsx", SpreadsheetKind::Xlsx),
        ("ar_export.xls", SpreadsheetKind::Xls),
        ("ar_export.ods", SpreadsheetKind::Ods),
        ("ar_1904.xlsx", SpreadsheetKind::Xlsx),
        ("netsuite_aging_html.xls", SpreadsheetKind::Html),
        ("netsuite_2003.xls", SpreadsheetKind::SpreadsheetMl2003),
    ];
    for (name, kind) in files {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let step = (bytes.len() / 150).max(1);
        let cuts = (0..bytes.len()).step_by(step).chain(bytes.len().saturating_sub(64)..bytes.len());
        for cut in cuts {
            survive(dir.path(), &bytes[..cut], kind);
        }
    }
}

#[test]
fn no_panic_on_corruption() {
    let dir = tempfile::tempdir().unwrap();
    let mut seed = 7;
    for (name, kind) in [
        ("ar_export.xlsx", SpreadsheetKind::Xlsx),
        ("ar_export.xls", SpreadsheetKind::Xls),
        ("ar_export.ods", SpreadsheetKind::Ods),
        ("netsuite_aging_html.xls", SpreadsheetKind::Html),
        ("netsuite_2003.xls", SpreadsheetKind::SpreadsheetMl2003),
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        for _ in 0..120 {
            let mut bad = bytes.clone();
            for _ in 0..1 + lcg(&mut seed) % 8 {
                let at = lcg(&mut seed) as usize % bad.len();
                bad[at] = lcg(&mut seed) as u8;
            }
            survive(dir.path(), &bad, kind);
        }
    }
    // Random bytes, and random bytes behind each kind's magic.
    let heads: [&[u8]; 5] = [
        b"",
        b"PK\x03\x04",
        &OLE_MAGIC,
        b"<html><table><tr><td",
        b"<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">",
    ];
    for head in heads {
        for len in [0, 1, 17, 600, 5000] {
            let mut bytes = head.to_vec();
            bytes.extend((0..len).map(|_| lcg(&mut seed) as u8));
            for kind in [SpreadsheetKind::Xlsx, SpreadsheetKind::Xls, SpreadsheetKind::Ods, SpreadsheetKind::Xlsb] {
                survive(dir.path(), &bytes, kind);
            }
        }
    }
}

/// Found by the `workbook` fuzz target: an .xls whose DIMENSIONS record declares billions of
/// rows made calamine reserve petabytes and abort; it is refused before calamine opens it.
#[test]
fn fuzz_xls_with_forged_dimensions_is_refused_not_aborted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("forged.xls");
    // The fuzzer's crash input (29 KB) reduced to what matters: an OLE2 header, then its BIFF5
    // DIMENSIONS record, byte for byte (first row 34, last row + 1 = 20: it ends before it starts).
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(512, 0xFF);
    bytes.extend_from_slice(&[0x00, 0x02, 0x0a, 0x00, 0x22, 0x00, 0x14, 0x00, 0x15, 0x00, 0x9a, 0xd3, 0x02, 0x00]);
    std::fs::write(&path, &bytes).unwrap();
    let e = open(&path, SpreadsheetKind::Xls, None).err().expect("refused");
    assert!(e.message.contains("past Excel 97-2003's 65536 × 256"), "{}", e.message);
    let e = sheet_names(&path, SpreadsheetKind::Xls).expect_err("refused");
    assert!(e.message.contains("DIMENSIONS record"), "{}", e.message);
}
