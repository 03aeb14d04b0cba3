//! Inputs as rows of cell text, whatever the file: a workbook's sheet (xlsx, xls, xlsb, ods, and
//! the HTML / SpreadsheetML files ERPs name .xls) or a delimited text in any encoding. Profiles map
//! these rows; a canonical workbook goes straight to the canonical checks.

use super::excel::{self, SpreadsheetKind};
use super::source::{CsvSource, GivenRows, ReadOptions, RowRead, SourceError};
use crate::error::Issue;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

/// One row of an input (its row in the file and its cells): the profile engine's own type, so
/// rows read here go to it as they are.
pub use super::profile::RawRow;

/// A whole input read to rows.
pub struct Rows {
    pub rows: Vec<RawRow>,
    /// The sheet read, when the input is a workbook (cells are then named `Sheet!C12`).
    pub sheet: Option<String>,
    pub sha256: String,
    pub size: u64,
    /// What was detected (encoding, delimiter, what kind of workbook), to tell the user.
    pub detected: Option<String>,
    /// Cells came typed (a real workbook, not an HTML table): numbers are in canonical form.
    pub typed: bool,
    /// The workbook counts dates from 1904.
    pub date1904: bool,
}

fn file_sha(path: &Path) -> std::io::Result<(String, u64)> {
    let bytes = std::fs::read(path)?;
    Ok((Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect(), bytes.len() as u64))
}

/// Reads a workbook's sheet (`sheet`, else the first visible one). Every error cell is reported.
pub fn read_sheet(path: &Path, display: &str, kind: SpreadsheetKind, sheet: Option<&str>) -> Result<Rows, Vec<Issue>> {
    let (sha256, size) =
        file_sha(path).map_err(|e| vec![Issue::new(display, None, None, format!("cannot read: {e}"))])?;
    if matches!(kind, SpreadsheetKind::Xlsx | SpreadsheetKind::Xlsb) {
        return read_streamed(path, display, kind, sheet, sha256, size);
    }
    let s =
        excel::open(path, kind, sheet).map_err(|e| vec![Issue::new(display, None, e.cell.as_deref(), e.message)])?;
    let mut rows = Vec::new();
    let mut issues = Vec::new();
    for (row, cells) in s.rows() {
        match cells {
            Ok(cells) if cells.iter().all(|c| c.trim().is_empty()) => {}
            Ok(cells) => rows.push(RawRow { row: u64::from(row), cells }),
            Err(e) => issues.push(Issue::new(display, Some(u64::from(row)), e.cell.as_deref(), e.message)),
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let detected = match kind {
        SpreadsheetKind::Html | SpreadsheetKind::SpreadsheetMl2003 => {
            Some(format!("{}, sheet '{}'", kind.label(), s.name()))
        }
        _ => Some(format!("sheet '{}'", s.name())),
    };
    // HTML and SpreadsheetML cells are text as displayed; the others carry typed numbers.
    let typed = !matches!(kind, SpreadsheetKind::Html | SpreadsheetKind::SpreadsheetMl2003);
    Ok(Rows { rows, sheet: Some(s.name().to_string()), sha256, size, detected, typed, date1904: s.is_1904() })
}

/// An .xlsx or .xlsb sheet read cell by cell (sparse: a lone cell at XFD1048576 is one row of
/// cells, not a grid of 17 billion), empty rows left out.
fn read_streamed(
    path: &Path,
    display: &str,
    kind: SpreadsheetKind,
    sheet: Option<&str>,
    sha256: String,
    size: u64,
) -> Result<Rows, Vec<Issue>> {
    let issue = |row: u32, e: excel::CellIssue| {
        Issue::new(display, (row > 0).then_some(u64::from(row)), e.cell.as_deref(), e.message)
    };
    let stream = excel::stream_sheet(path, kind, sheet).map_err(|e| vec![issue(0, e)])?;
    let name = stream.name().to_string();
    let date1904 = stream.is_1904();
    let mut rows = Vec::new();
    let mut issues = Vec::new();
    for (row, cells) in stream {
        match cells {
            Ok(cells) if cells.iter().all(|c| c.trim().is_empty()) => {}
            Ok(cells) => rows.push(RawRow { row: u64::from(row), cells: cells.iter().map(str::to_string).collect() }),
            Err(e) => issues.push(issue(row, e)),
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let detected = Some(format!("sheet '{name}'"));
    Ok(Rows { rows, sheet: Some(name), sha256, size, detected, typed: true, date1904 })
}

/// Reads a delimited text file to rows (title lines and all), with its encoding and delimiter
/// detected unless `options` give them.
pub fn read_text(path: &Path, display: &str, options: &ReadOptions) -> Result<Rows, Vec<Issue>> {
    let io = |e: std::io::Error| vec![Issue::new(display, None, None, format!("cannot read: {e}"))];
    let mut src = CsvSource::open(path, display, options).map_err(io)?.map_err(|i| vec![i])?;
    let detected = src.detected.clone();
    let size = src.size;
    let mut rows = vec![RawRow { row: 1, cells: src.header.clone() }];
    let mut scratch = csv::ByteRecord::new();
    loop {
        match src.next_row(&mut scratch) {
            Ok(Some(RowRead::Text { line, record })) => {
                rows.push(RawRow { row: line, cells: record.iter().map(str::to_string).collect() });
                scratch = record.into_byte_record();
            }
            Ok(Some(RowRead::BadText { issue, .. })) => return Err(vec![issue]),
            Ok(None) => break,
            Err(SourceError::Io(e)) => return Err(io(e)),
            Err(SourceError::Bad(issue) | SourceError::Broken(issue)) => return Err(vec![issue]),
        }
    }
    let sha256 = src.finish().map_err(|i| vec![i])?;
    Ok(Rows { rows, sheet: None, sha256, size, detected, typed: false, date1904: false })
}

/// Names a cell in messages: `Sheet!C12 (heading)` for workbooks.
pub fn cell_namer(sheet: &str, header: &[String]) -> impl Fn(u64, &str) -> Option<String> {
    let cols: HashMap<String, usize> = header.iter().enumerate().map(|(i, h)| (h.trim().to_string(), i)).collect();
    let prefix = if sheet.chars().all(|c| c.is_alphanumeric() || c == '_') {
        format!("{sheet}!")
    } else {
        format!("'{}'!", sheet.replace('\'', "''"))
    };
    move |row, heading| cols.get(heading).map(|c| format!("{prefix}{}{row} ({heading})", excel::column_letters(*c)))
}

/// A canonical table in a workbook: the first row is the header, the rest records (padded to
/// the header's width: HTML rows stop at their last filled cell).
pub fn canonical_source(display: &str, rows: Rows) -> Result<CsvSource, Issue> {
    let mut it = rows.rows.into_iter();
    let Some(header) = it.next() else {
        return Err(Issue::new(display, None, None, "the sheet is empty; expected a header row naming the columns"));
    };
    let header_row = header.row;
    let header: Vec<String> = header.cells.iter().map(|c| c.trim().to_string()).collect();
    let width = header.iter().rposition(|h| !h.is_empty()).map_or(0, |i| i + 1);
    let header: Vec<String> = header.into_iter().take(width).collect();
    let records: Vec<(u64, Vec<String>)> = it
        .map(|r| {
            let mut cells = r.cells;
            if cells.len() < width {
                cells.resize(width, String::new());
            }
            (r.row, cells)
        })
        .collect();
    let io = |e: std::io::Error| Issue::new(display, None, None, format!("cannot lay the sheet out: {e}"));
    let mut src =
        CsvSource::from_rows(display, header_row, header.clone(), records, rows.sha256, rows.size).map_err(io)??;
    if let Some(sheet) = rows.sheet {
        src.cell_names = Some(Box::new(cell_namer(&sheet, &header)));
    }
    src.detected = rows.detected;
    Ok(src)
}

/// A canonical table in an .xlsx, streamed: rows are checked while the workbook is still being
/// read (see `excel::stream_xlsx`); the first row is the header.
pub fn canonical_xlsx(path: &Path, display: &str, sheet: Option<&str>) -> Result<CsvSource, Vec<Issue>> {
    let (sha256, size) =
        file_sha(path).map_err(|e| vec![Issue::new(display, None, None, format!("cannot read: {e}"))])?;
    let issue = |row: u32, e: excel::CellIssue| {
        Issue::new(display, (row > 0).then_some(u64::from(row)), e.cell.as_deref(), e.message)
    };
    let mut stream = excel::stream_xlsx(path, sheet).map_err(|e| vec![issue(0, e)])?;
    let name = stream.name().to_string();
    let (header_row, header) = match stream.next() {
        None => {
            return Err(vec![Issue::new(
                display,
                None,
                None,
                "the sheet is empty; expected a header row naming the columns",
            )])
        }
        Some((row, Err(e))) => return Err(vec![issue(row, e)]),
        Some((row, Ok(cells))) => (row, cells),
    };
    let header: Vec<String> = header.iter().map(|c| c.trim().to_string()).collect();
    let width = header.iter().rposition(|h| !h.is_empty()).map_or(0, |i| i + 1);
    let header: Vec<String> = header.into_iter().take(width).collect();
    let owned = display.to_string();
    let rows: GivenRows = Box::new(stream.map(move |(row, cells)| match cells {
        Ok(mut cells) => {
            while cells.len() < width {
                cells.push_field("");
            }
            Ok((u64::from(row), cells))
        }
        Err(e) => Err(Issue::new(&owned, (row > 0).then_some(u64::from(row)), e.cell.as_deref(), e.message)),
    }));
    let io = |e: std::io::Error| vec![Issue::new(display, None, None, format!("cannot read: {e}"))];
    let mut src = CsvSource::from_given(display, u64::from(header_row), header.clone(), rows, sha256, size)
        .map_err(io)?
        .map_err(|i| vec![i])?;
    src.cell_names = Some(Box::new(cell_namer(&name, &header)));
    src.detected = Some(format!("sheet '{name}'"));
    Ok(src)
}
