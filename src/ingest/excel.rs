//! Spreadsheet input: what a file really is (sniffed, not taken from its extension) and one sheet of it as
//! rows of cell text.
//!
//! calamine reads .xlsx/.xlsm/.xlsb/.xls/.ods; the HTML tables and SpreadsheetML 2003 files that ERPs save
//! as ".xls" are parsed in `excel_markup.rs`. Every cell comes out as the plain text of its value (numbers
//! as short decimals, dates as ISO, booleans TRUE/FALSE), so the profile layer parses one kind of input
//! whatever the file was, exactly as it parses CSV.

use calamine::{Data, ExcelDateTime, ExcelDateTimeType, Range, Reader, SheetType, SheetVisible};
use std::cell::Cell;
use std::fmt::Display;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

#[path = "excel_markup.rs"]
mod markup;

/// What a file really is, from its first bytes (the extension lies: ERPs write HTML or SpreadsheetML and call it .xls).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpreadsheetKind {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
    Html,
    SpreadsheetMl2003,
}

impl SpreadsheetKind {
    /// The kind in words, for messages such as "report.xls is really an HTML table …".
    pub fn label(self) -> &'static str {
        match self {
            SpreadsheetKind::Xlsx => "an Excel workbook (.xlsx/.xlsm)",
            SpreadsheetKind::Xlsb => "an Excel binary workbook (.xlsb)",
            SpreadsheetKind::Xls => "an Excel 97-2003 workbook (.xls)",
            SpreadsheetKind::Ods => "an OpenDocument spreadsheet (.ods)",
            SpreadsheetKind::Html => "an HTML table (a web page saved under a spreadsheet name)",
            SpreadsheetKind::SpreadsheetMl2003 => "an XML Spreadsheet 2003 file (SpreadsheetML)",
        }
    }
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const HEAD_LEN: u64 = 8192;
/// Excel's limits (0-based last row and column); HTML/SpreadsheetML positions past them are refused.
const MAX_ROW: u32 = 1_048_575;
const MAX_COL: u32 = 16_383;

/// Zip (look at member names: xl/workbook.xml → Xlsx (also .xlsm), xl/workbook.bin → Xlsb, content.xml+mimetype ods → Ods),
/// OLE2 compound file D0 CF 11 E0 → Xls, "<?xml" + urn:schemas-microsoft-com:office:spreadsheet → SpreadsheetMl2003,
/// <html / <table / <!DOCTYPE html (after BOM/whitespace, any case) → Html. None: not a spreadsheet (caller treats it as text).
///
/// A zip cut short (no central directory) still counts as the workbook its surviving parts say it was, so that
/// `open` can report it as truncated instead of it being read as text. See also [`not_a_workbook`].
pub fn sniff(path: &Path) -> io::Result<Option<SpreadsheetKind>> {
    let mut file = File::open(path)?;
    let head = read_at(&mut file, 0, HEAD_LEN)?;
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return zip_kind(&mut file, &head);
    }
    if head.starts_with(&OLE_MAGIC) {
        // A password-protected .xlsx is an OLE2 file too: call it Xlsx, so what the user hears is the password.
        let encrypted = ole_first_entries(&mut file, &head)?.chunks(128).any(|e| e.starts_with(&encrypted_name()));
        return Ok(Some(if encrypted { SpreadsheetKind::Xlsx } else { SpreadsheetKind::Xls }));
    }
    Ok(markup::sniff_text(&head))
}

/// Why a file that is not a spreadsheet is not text either, for a clear message instead of a page of decoding
/// errors: empty, a zip that is not a workbook, a PDF, or binary. None: a spreadsheet, or it looks like text.
pub fn not_a_workbook(path: &Path) -> io::Result<Option<String>> {
    if sniff(path)?.is_some() {
        return Ok(None);
    }
    let mut file = File::open(path)?;
    let head = read_at(&mut file, 0, HEAD_LEN)?;
    let why = if head.is_empty() {
        "the file is empty (0 bytes); export it again"
    } else if head.starts_with(b"PK") {
        "the file is a zip archive but not a workbook (it has no xl/workbook.xml, xl/workbook.bin or OpenDocument \
         spreadsheet parts); unpack it and ingest the spreadsheet or CSV inside, or export the report again"
    } else if head.starts_with(b"%PDF") {
        "the file is a PDF document, not a spreadsheet; export the report from the source system as Excel or CSV"
    } else if head.contains(&0) && !markup::utf16_text(&head) {
        "the file is binary data, neither a spreadsheet nor text; check that it is the right file, or export it again"
    } else {
        return Ok(None);
    };
    Ok(Some(why.to_string()))
}

/// A problem in a workbook, located as `Sheet!A1` when it is about a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellIssue {
    pub cell: Option<String>,
    pub message: String,
}

impl CellIssue {
    fn file(message: impl Into<String>) -> CellIssue {
        CellIssue { cell: None, message: message.into() }
    }
}

/// One sheet, loaded (calamine loads a sheet's range whole; keep that one copy, convert cells to text lazily).
pub struct Sheet {
    name: String,
    /// `Name!` or `'Other name'!`, as Excel writes a reference to the sheet.
    prefix: String,
    kind: SpreadsheetKind,
    is_1904: bool,
    cells: Cells,
}

enum Cells {
    /// calamine's range: rectangular, positioned by its own start.
    Dense(Range<Data>),
    /// (row, column, value), 0-based, sorted by position, empty cells left out: HTML and SpreadsheetML.
    Sparse(Vec<(u32, u32, Data)>),
}

impl Sheet {
    fn new(name: String, kind: SpreadsheetKind, is_1904: bool, cells: Cells) -> Sheet {
        Sheet { prefix: format!("{}!", quote_sheet(&name)), name, kind, is_1904, cells }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn kind(&self) -> SpreadsheetKind {
        self.kind
    }

    /// Whether the workbook counts dates from 1904 (old Mac Excel). Date cells are already converted; this is
    /// for a serial number typed into a General cell: pass it to [`serial_date_text`].
    pub fn is_1904(&self) -> bool {
        self.is_1904
    }

    /// Rows from the first used row to the last, blank rows included.
    pub fn height(&self) -> usize {
        match &self.cells {
            Cells::Dense(range) => range.height(),
            Cells::Sparse(cells) => match (cells.first(), cells.last()) {
                (Some(first), Some(last)) => (last.0 - first.0) as usize + 1,
                _ => 0,
            },
        }
    }

    /// Rows from the top of the used range, 1-based Excel row numbers (so messages can say `Sheet!C12`); each cell as
    /// text: strings as is (trimmed of nothing), numbers as the shortest decimal text that round-trips the f64
    /// (1234.5 → "1234.5", 1e-7 → "0.0000001", 2.0 → "2", -0.0 → "0", no exponent), booleans TRUE/FALSE, date cells
    /// (calamine DateTime / DateTimeIso / Duration; respect the workbook's 1900/1904 system) as "YYYY-MM-DD" (or
    /// "YYYY-MM-DDTHH:MM:SS" when there is a time of day), formulas by their cached value, empty → "".
    /// An error cell (#N/A, #DIV/0!, #VALUE!, #REF!, #NAME?, #NUM!, #NULL!) → Err(CellIssue { cell: "Sheet!B7",
    /// message: "the cell holds #N/A (a formula error); fix it in the workbook or clear the cell" }) for that row.
    ///
    /// In ODS and HTML, where an error survives only as its text, a cell reading exactly like one (`#N/A`, or
    /// LibreOffice's `Err:502`) is taken as that error.
    ///
    /// Index 0 of a row is column A, whatever the used range's first column. Numbers with more than 15
    /// significant digits are rounded to 15, as Excel shows them (a formula's cached 0.30000000000000004 → "0.3").
    /// A time of day alone → "HH:MM:SS"; a duration → "[h]:mm:ss" ("36:00:00"). HTML and SpreadsheetML rows
    /// end at their last non-empty cell (missing cells are empty); calamine's rows all have the range's width.
    pub fn rows(&self) -> impl Iterator<Item = (u32, Result<Vec<String>, CellIssue>)> + '_ {
        let raw: Box<dyn Iterator<Item = (u32, RawRow<'_>)> + '_> = match &self.cells {
            Cells::Dense(range) => {
                let (row0, col0) = range.start().unwrap_or((0, 0));
                Box::new(range.rows().zip(row0..).map(move |(cells, r)| (r + 1, RawRow::Dense(col0, cells))))
            }
            Cells::Sparse(cells) => {
                let first = cells.first().map_or(1, |c| c.0);
                let last = cells.last().map_or(0, |c| c.0);
                let mut rest = cells.as_slice();
                Box::new((first..=last).map(move |r| {
                    let n = rest.iter().take_while(|c| c.0 == r).count();
                    let (row, tail) = rest.split_at(n);
                    rest = tail;
                    (r + 1, RawRow::Sparse(row))
                }))
            }
        };
        raw.map(move |(r, row)| (r, self.row_text(r, row)))
    }

    /// Column letters for 0-based `col` and the `Sheet!A1` name of a cell.
    pub fn cell_name(&self, row: u32, col: usize) -> String {
        format!("{}{}{row}", self.prefix, column_letters(col))
    }

    fn row_text(&self, row: u32, raw: RawRow<'_>) -> Result<Vec<String>, CellIssue> {
        let fail = |col: usize, message: String| CellIssue { cell: Some(self.cell_name(row, col)), message };
        // ODS (as calamine reads it) and HTML keep a formula error only as its text.
        let literal = matches!(self.kind, SpreadsheetKind::Ods | SpreadsheetKind::Html);
        let cell_text = |cell: &Data| match cell {
            Data::String(s) if literal && is_error_text(s) => Err(error_message(s)),
            _ => cell_text(cell, self.is_1904),
        };
        match raw {
            RawRow::Dense(col0, cells) => {
                let col0 = col0 as usize;
                let mut out = Vec::with_capacity(col0 + cells.len());
                out.resize(col0, String::new());
                for (j, cell) in cells.iter().enumerate() {
                    out.push(cell_text(cell).map_err(|m| fail(col0 + j, m))?);
                }
                Ok(out)
            }
            RawRow::Sparse(cells) => {
                let mut out = vec![String::new(); cells.last().map_or(0, |c| c.1 as usize + 1)];
                for (_, col, cell) in cells {
                    let text = cell_text(cell).map_err(|m| fail(*col as usize, m))?;
                    if let Some(slot) = out.get_mut(*col as usize) {
                        *slot = text;
                    }
                }
                Ok(out)
            }
        }
    }
}

enum RawRow<'a> {
    /// The range's first column (0-based) and the row's cells from there.
    Dense(u32, &'a [Data]),
    Sparse(&'a [(u32, u32, Data)]),
}

/// calamine reserves memory for an .xls sheet's declared size before reading it: refuse forged
/// sizes first (see [`crate::limits::check_xls`]).
fn check_xls(path: &Path, kind: SpreadsheetKind) -> Result<(), CellIssue> {
    if kind != SpreadsheetKind::Xls {
        return Ok(());
    }
    let bytes = std::fs::read(path).map_err(|e| CellIssue::file(format!("cannot read the file: {e}")))?;
    crate::limits::check_cfb(&bytes).map_err(CellIssue::file)?;
    crate::limits::check_xls(&bytes).map_err(CellIssue::file)
}

/// Opens `path` as `kind` and loads `sheet` (by name, case-insensitive) or the first sheet. A missing sheet → Err
/// listing the sheets there are. Corrupt/truncated/password-protected files → Err saying so (never a panic).
/// HTML: the first <table> (th/td text with entities decoded, <br> as space, colspan honoured by padding); SpreadsheetML
/// 2003: Worksheet/Table/Row/Cell/Data with ss:Index gaps, ss:Type Number/String/DateTime/Boolean/Error, the sheet by
/// ss:Name. Parse both with quick-xml where it is XML; HTML isn't XML — write a small tolerant tag scanner.
///
/// "The first sheet" is the first visible worksheet (chart sheets and hidden sheets are passed over). An HTML
/// file's one sheet is named by Excel's `<x:Name>` in it, else by the file name.
pub fn open(path: &Path, kind: SpreadsheetKind, sheet: Option<&str>) -> Result<Sheet, CellIssue> {
    check_xls(path, kind)?;
    match kind {
        SpreadsheetKind::Xlsx => load::<calamine::Xlsx<_>>(path, kind, sheet, |b| b.has_1904_epoch()),
        SpreadsheetKind::Xlsb => load::<calamine::Xlsb<_>>(path, kind, sheet, |b| b.has_1904_epoch()),
        SpreadsheetKind::Xls => load::<calamine::Xls<_>>(path, kind, sheet, |b| b.has_1904_epoch()),
        // ODS stores dates as ISO text, so its epoch never matters here.
        SpreadsheetKind::Ods => load::<calamine::Ods<_>>(path, kind, sheet, |_| false),
        SpreadsheetKind::Html | SpreadsheetKind::SpreadsheetMl2003 => markup::load(path, kind, sheet),
    }
}

/// Rows of an .xlsx sheet as `Sheet::rows` gives them, read cell by cell on a worker thread so
/// the workbook's XML is parsed while the caller checks the rows already read (calamine's
/// `worksheet_range` would load the whole sheet first and leave the second core idle). Empty rows
/// are left out; rows come in order.
pub struct RowStream {
    name: String,
    is_1904: bool,
    rx: std::sync::mpsc::Receiver<Vec<StreamedRow>>,
    batch: std::vec::IntoIter<StreamedRow>,
}

/// A row as one record (one buffer, not a string per cell: rows are freed on another thread).
type StreamedRow = (u32, Result<csv::StringRecord, CellIssue>);

impl RowStream {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the workbook counts dates from 1904 (see [`Sheet::is_1904`]).
    pub fn is_1904(&self) -> bool {
        self.is_1904
    }
}

impl Iterator for RowStream {
    type Item = StreamedRow;
    fn next(&mut self) -> Option<StreamedRow> {
        loop {
            if let Some(row) = self.batch.next() {
                return Some(row);
            }
            self.batch = self.rx.recv().ok()?.into_iter();
        }
    }
}

/// Opens `path` (an .xlsx) and streams `sheet` (or the first visible one); see [`RowStream`].
pub fn stream_xlsx(path: &Path, sheet: Option<&str>) -> Result<RowStream, CellIssue> {
    stream_sheet(path, SpreadsheetKind::Xlsx, sheet)
}

/// Opens `path` (an .xlsx or .xlsb: the formats calamine reads cell by cell) and streams `sheet`
/// (or the first visible one); see [`RowStream`]. Sparse: empty cells and rows take nothing.
pub fn stream_sheet(path: &Path, kind: SpreadsheetKind, sheet: Option<&str>) -> Result<RowStream, CellIssue> {
    fn start<R>(
        path: &Path,
        kind: SpreadsheetKind,
        sheet: Option<&str>,
        is_1904: fn(&R) -> bool,
        cells: StreamFn<R>,
    ) -> Result<RowStream, CellIssue>
    where
        R: Reader<BufReader<File>> + Send + 'static,
        R::Error: Display,
    {
        let mut book: R = guarded(|| calamine::open_workbook(path)).map_err(|e| unreadable(path, kind, &e))?;
        let metas = book.sheets_metadata();
        let names: Vec<String> = metas.iter().map(|s| s.name.clone()).collect();
        let first =
            metas.iter().position(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible).unwrap_or(0);
        let name = pick_sheet(&names, sheet, first)?;
        let date1904 = is_1904(&book);
        let prefix = format!("{}!", quote_sheet(&name));
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<StreamedRow>>(16);
        let sheet_name = name.clone();
        let file = path.to_path_buf();
        std::thread::spawn(move || {
            let streamed = guarded(|| cells(&mut book, &sheet_name, date1904, &prefix, &tx));
            if let Err(e) = streamed {
                let _ = tx.send(vec![(0, Err(unreadable(&file, kind, &e)))]);
            }
        });
        Ok(RowStream { name, is_1904: date1904, rx, batch: Vec::new().into_iter() })
    }
    match kind {
        SpreadsheetKind::Xlsb => start::<calamine::Xlsb<_>>(
            path,
            kind,
            sheet,
            |b| b.has_1904_epoch(),
            |b, n, d, p, tx| {
                let mut reader = b.worksheet_cells_reader(n).map_err(|e| e.to_string())?;
                stream_cells(|| reader.next_cell().map_err(|e| e.to_string()), d, p, tx)
            },
        ),
        _ => start::<calamine::Xlsx<_>>(
            path,
            kind,
            sheet,
            |b| b.has_1904_epoch(),
            |b, n, d, p, tx| {
                let mut reader = b.worksheet_cells_reader(n).map_err(|e| e.to_string())?;
                stream_cells(|| reader.next_cell().map_err(|e| e.to_string()), d, p, tx)
            },
        ),
    }
}

/// Streams one sheet of an open workbook (name, 1904 dates, `Sheet!` prefix) to the channel.
type StreamFn<R> = fn(&mut R, &str, bool, &str, &std::sync::mpsc::SyncSender<Vec<StreamedRow>>) -> Result<(), String>;

fn stream_cells<'a>(
    mut next_cell: impl FnMut() -> Result<Option<calamine::Cell<calamine::DataRef<'a>>>, String>,
    is_1904: bool,
    prefix: &str,
    tx: &std::sync::mpsc::SyncSender<Vec<StreamedRow>>,
) -> Result<(), String> {
    let mut batch: Vec<StreamedRow> = Vec::with_capacity(2048);
    let mut row: Option<StreamedRow> = None;
    while let Some(cell) = next_cell()? {
        let (r, c) = cell.get_position();
        if r > MAX_ROW || c > MAX_COL {
            let message = format!(
                "the sheet has a cell at row {}, column {}, past Excel's last cell XFD1048576; the file is damaged or forged",
                u64::from(r) + 1,
                u64::from(c) + 1
            );
            let _ = tx.send(vec![(r.saturating_add(1), Err(CellIssue { cell: None, message }))]);
            return Ok(());
        }
        if row.as_ref().map(|x| x.0) != Some(r + 1) {
            if let Some(done) = row.take().filter(|d| !matches!(&d.1, Ok(cells) if cells.is_empty())) {
                batch.push(done);
                if batch.len() >= 2048 && tx.send(std::mem::replace(&mut batch, Vec::with_capacity(2048))).is_err() {
                    return Ok(());
                }
            }
            row = Some((r + 1, Ok(csv::StringRecord::new())));
        }
        let Some((_, Ok(cells))) = row.as_mut() else { continue };
        // Text cells (most of an export) go straight into the record, without a String each.
        if let calamine::DataRef::SharedString(text) = cell.get_value() {
            if !text.is_empty() {
                while cells.len() < c as usize {
                    cells.push_field("");
                }
                cells.push_field(text);
            }
            continue;
        }
        let data = Data::from(cell.get_value().clone());
        match cell_text(&data, is_1904) {
            Ok(text) if text.is_empty() => {}
            Ok(text) => {
                while cells.len() < c as usize {
                    cells.push_field("");
                }
                cells.push_field(&text);
            }
            Err(message) => {
                let issue =
                    CellIssue { cell: Some(format!("{prefix}{}{}", column_letters(c as usize), r + 1)), message };
                row = Some((r + 1, Err(issue)));
            }
        }
    }
    if let Some(done) = row.take().filter(|d| !matches!(&d.1, Ok(cells) if cells.is_empty())) {
        batch.push(done);
    }
    if !batch.is_empty() {
        let _ = tx.send(batch);
    }
    Ok(())
}

/// Sheet names, for messages.
pub fn sheet_names(path: &Path, kind: SpreadsheetKind) -> Result<Vec<String>, CellIssue> {
    check_xls(path, kind)?;
    fn names<R: Reader<BufReader<File>>>(path: &Path, kind: SpreadsheetKind) -> Result<Vec<String>, CellIssue>
    where
        R::Error: Display,
    {
        let book: R = guarded(|| calamine::open_workbook(path)).map_err(|e| unreadable(path, kind, &e))?;
        Ok(book.sheet_names())
    }
    match kind {
        SpreadsheetKind::Xlsx => names::<calamine::Xlsx<_>>(path, kind),
        SpreadsheetKind::Xlsb => names::<calamine::Xlsb<_>>(path, kind),
        SpreadsheetKind::Xls => names::<calamine::Xls<_>>(path, kind),
        SpreadsheetKind::Ods => names::<calamine::Ods<_>>(path, kind),
        SpreadsheetKind::Html | SpreadsheetKind::SpreadsheetMl2003 => markup::sheet_names(path, kind),
    }
}

fn load<R: Reader<BufReader<File>>>(
    path: &Path,
    kind: SpreadsheetKind,
    want: Option<&str>,
    is_1904: fn(&R) -> bool,
) -> Result<Sheet, CellIssue>
where
    R::Error: Display,
{
    let mut book: R = guarded(|| calamine::open_workbook(path)).map_err(|e| unreadable(path, kind, &e))?;
    let metas = book.sheets_metadata();
    let names: Vec<String> = metas.iter().map(|s| s.name.clone()).collect();
    let first =
        metas.iter().position(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible).unwrap_or(0);
    let name = pick_sheet(&names, want, first)?;
    let range = guarded(|| book.worksheet_range(&name)).map_err(|e| unreadable(path, kind, &e))?;
    Ok(Sheet::new(name, kind, is_1904(&book), Cells::Dense(range)))
}

/// Runs a calamine call, turning its error — or a panic on a malformed file (calamine 0.38 indexes past the end
/// of some truncated .xls streams) — into text.
fn guarded<T, E: Display>(f: impl FnOnce() -> Result<T, E>) -> Result<T, String> {
    thread_local!(static QUIET: Cell<bool> = const { Cell::new(false) });
    static HOOK: Once = Once::new();
    // A caught panic would still print "thread panicked at …" through the panic hook: silence only ours.
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    match result {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the reader failed on its malformed contents".to_string()),
    }
}

fn unreadable(path: &Path, kind: SpreadsheetKind, detail: &str) -> CellIssue {
    let size = std::fs::metadata(path).map(|m| m.len()).ok();
    if size == Some(0) {
        return CellIssue::file("the file is empty (0 bytes); export it again");
    }
    if detail.to_ascii_lowercase().contains("password") || encrypted_ooxml(path) {
        return CellIssue::file(
            "the workbook is password-protected (encrypted), so it cannot be read; open it in Excel, remove the \
             password (File > Info > Protect Workbook > Encrypt with Password, clear it), save, and ingest it again",
        );
    }
    CellIssue::file(format!(
        "cannot read the file as {}: it is damaged or cut short ({detail}); open it in Excel or LibreOffice and \
         save it again, or export it again from the source system",
        kind.label()
    ))
}

/// Excel encrypts a password-protected .xlsx into an OLE2 container holding an `EncryptedPackage` stream.
fn encrypted_name() -> Vec<u8> {
    "EncryptedPackage".bytes().flat_map(|b| [b, 0]).collect()
}

/// The first sector of an OLE2 directory (128-byte entries, UTF-16 names first); where the encryption streams
/// sit in the files Excel and msoffcrypto write. Empty when the header is nonsense.
fn ole_first_entries(file: &mut File, head: &[u8]) -> io::Result<Vec<u8>> {
    let (Some(shift), Some(first)) = (le(head, 0x1E, 2), le(head, 0x30, 4)) else { return Ok(Vec::new()) };
    if !(7..=16).contains(&shift) {
        return Ok(Vec::new());
    }
    read_at(file, (first + 1) << shift, 1 << shift)
}

fn encrypted_ooxml(path: &Path) -> bool {
    let name = encrypted_name();
    match std::fs::read(path) {
        Ok(bytes) => bytes.starts_with(&OLE_MAGIC) && bytes.windows(name.len()).any(|w| w == name.as_slice()),
        Err(_) => false,
    }
}

/// The requested sheet by name (exactly, else ignoring case and surrounding spaces), or the default one.
fn pick_sheet(names: &[String], want: Option<&str>, default: usize) -> Result<String, CellIssue> {
    let Some(want) = want else {
        return names
            .get(default)
            .or(names.first())
            .cloned()
            .ok_or_else(|| CellIssue::file("the workbook has no sheets; export it again"));
    };
    let loose = |n: &String| n.trim().to_lowercase() == want.trim().to_lowercase();
    names.iter().find(|n| *n == want).or_else(|| names.iter().find(|n| loose(n))).cloned().ok_or_else(|| {
        let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        CellIssue::file(format!(
            "there is no sheet named \"{want}\" in this workbook; its sheets are: {}; name one of them with --sheet \
             (or correct the profile's sheet)",
            if list.is_empty() { "(none)".to_string() } else { list.join(", ") }
        ))
    })
}

/// Excel's reference form of a sheet name: quoted when it is not a plain word, `'` doubled inside.
fn quote_sheet(name: &str) -> String {
    let plain = name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && !looks_like_cell(name);
    if plain && !name.is_empty() {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

/// "AB12" would read as a cell, so Excel quotes a sheet named like that.
fn looks_like_cell(name: &str) -> bool {
    let letters = name.bytes().take_while(u8::is_ascii_alphabetic).count();
    let digits = name.bytes().skip(letters).take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&letters) && digits > 0 && letters + digits == name.len()
}

/// Column letters for a 0-based column: 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(col: usize) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.iter().rev().map(|&b| b as char).collect()
}

/// A cell's value as text; Err is the message for a cell that holds no usable value.
fn cell_text(cell: &Data, is_1904: bool) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => number_text(*f)
            .ok_or_else(|| format!("the cell holds a number that is not finite ({f}); fix it in the workbook"))?,
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) if dt.is_duration() => duration_text(dt.as_f64()),
        Data::DateTime(dt) => {
            serial_date_text(dt.as_f64(), is_1904).or_else(|| number_text(dt.as_f64())).unwrap_or_default()
        }
        Data::DateTimeIso(s) => iso_text(s),
        Data::DurationIso(s) => iso_duration_secs(s).map_or_else(|| s.clone(), seconds_text),
        Data::Error(e) => return Err(error_message(e)),
    })
}

fn error_message(error: impl Display) -> String {
    format!("the cell holds {error} (a formula error); fix it in the workbook or clear the cell")
}

/// Excel's error values as text, and LibreOffice's own (`Err:502`).
fn is_error_text(s: &str) -> bool {
    const EXCEL: [&str; 9] = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"];
    EXCEL.contains(&s)
        || s.strip_prefix("Err:").is_some_and(|code| code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()))
}

/// The shortest decimal that round-trips `v`, never with an exponent; None for NaN/infinity.
///
/// Past 15 significant digits it is rounded to 15: Excel keeps and shows no more, so anything beyond is the
/// binary noise of a formula's cached result (=0.1+0.2 is stored as 0.30000000000000004 and shown as 0.3).
pub fn number_text(v: f64) -> Option<String> {
    if !v.is_finite() {
        return None;
    }
    if v == 0.0 {
        return Some("0".to_string()); // -0.0 too
    }
    // Rust prints an f64 as its shortest round-trip decimal, in positional notation.
    let text = v.to_string();
    if significant_digits(&text) <= 15 {
        return Some(text);
    }
    let rounded: f64 = format!("{v:.14e}").parse().ok()?;
    Some(rounded.to_string())
}

fn significant_digits(text: &str) -> usize {
    let digits = text.bytes().filter(u8::is_ascii_digit).skip_while(|&b| b == b'0');
    digits.count()
}

/// An Excel serial date/time as "YYYY-MM-DD", or "YYYY-MM-DDTHH:MM:SS" with a time of day, or "HH:MM:SS" for a
/// time alone (serial below 1), in the 1900 or 1904 system (see [`Sheet::is_1904`]). For date cells and for
/// serials typed into General cells. None when outside Excel's dates (negative, or past 9999-12-31).
pub fn serial_date_text(serial: f64, is_1904: bool) -> Option<String> {
    let last = if is_1904 { 2_957_003.0 } else { 2_958_465.0 };
    if !(0.0..last + 1.0).contains(&serial) {
        return None;
    }
    // Whole seconds: Excel shows no fractions, and rounding here keeps 23:59:59.9996 from showing as 23:59:59.
    let secs = (serial * 86_400.0).round() as i64;
    let (days, time) = (secs / 86_400, secs % 86_400);
    let clock = || format!("{:02}:{:02}:{:02}", time / 3600, time / 60 % 60, time % 60);
    if days == 0 {
        return Some(clock());
    }
    let (y, m, d, ..) = ExcelDateTime::new(days as f64, ExcelDateTimeType::DateTime, is_1904).to_ymd_hms_milli();
    // Written digit by digit: a million-row sheet has millions of date cells.
    let mut out = String::with_capacity(19);
    for (v, width, sep) in [(u32::from(y), 4, '-'), (u32::from(m), 2, '-'), (u32::from(d), 2, ' ')] {
        for k in (0..width).rev() {
            out.push(char::from(b'0' + (v / 10u32.pow(k) % 10) as u8));
        }
        if sep != ' ' {
            out.push(sep);
        }
    }
    if time != 0 {
        out.push('T');
        out.push_str(&clock());
    }
    Some(out)
}

/// A duration in days (Excel's `[h]:mm:ss` cells) as "h:mm:ss" with unbounded hours.
fn duration_text(days: f64) -> String {
    seconds_text((days * 86_400.0).round() as i64)
}

fn seconds_text(secs: i64) -> String {
    let sign = if secs < 0 { "-" } else { "" };
    let s = secs.unsigned_abs();
    format!("{sign}{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// ODS/SpreadsheetML ISO date-times: "2024-01-15T00:00:00.000" → "2024-01-15", a time of day kept to seconds.
fn iso_text(s: &str) -> String {
    let s = s.trim();
    let Some((date, time)) = s.split_once('T') else { return s.to_string() };
    let time = time.split(['.', 'Z', '+', '-']).next().unwrap_or_default();
    if time.bytes().all(|b| b == b'0' || b == b':') {
        date.to_string()
    } else if time.len() == 5 {
        format!("{date}T{time}:00")
    } else {
        format!("{date}T{time}")
    }
}

/// ISO 8601 durations as ODS writes time cells ("PT13H45M00S", "P1DT2H"), in whole seconds.
fn iso_duration_secs(s: &str) -> Option<i64> {
    let (negative, rest) = s.trim().strip_prefix('-').map_or((false, s.trim()), |r| (true, r));
    let rest = rest.strip_prefix('P')?;
    let (mut total, mut number, mut in_time) = (0.0_f64, String::new(), false);
    for c in rest.chars() {
        let unit = match (c, in_time) {
            ('0'..='9' | '.', _) => {
                number.push(c);
                continue;
            }
            ('T', false) => {
                in_time = true;
                continue;
            }
            ('W', false) => 604_800.0,
            ('D', false) => 86_400.0,
            ('H', true) => 3_600.0,
            ('M', true) => 60.0,
            ('S', true) => 1.0,
            _ => return None,
        };
        total += number.parse::<f64>().ok()? * unit;
        number.clear();
    }
    if !number.is_empty() || !total.is_finite() {
        return None;
    }
    let secs = total.round() as i64;
    Some(if negative { -secs } else { secs })
}

/// Up to `len` bytes of `file` from `offset`.
fn read_at(file: &mut File, offset: u64, len: u64) -> io::Result<Vec<u8>> {
    file.seek(SeekFrom::Start(offset))?;
    let mut buf = Vec::new();
    file.by_ref().take(len).read_to_end(&mut buf)?;
    Ok(buf)
}

fn le(bytes: &[u8], at: usize, width: usize) -> Option<u64> {
    let field = bytes.get(at..at.checked_add(width)?)?;
    Some(field.iter().rev().fold(0, |acc, &b| acc << 8 | u64::from(b)))
}

/// Which workbook a zip is, from its member names: the central directory when the zip is whole, else (cut
/// short) the local headers that survive.
fn zip_kind(file: &mut File, head: &[u8]) -> io::Result<Option<SpreadsheetKind>> {
    if ods_mimetype(head) {
        return Ok(Some(SpreadsheetKind::Ods));
    }
    let (names, whole) = match central_directory(file)? {
        Some(names) => (names, true),
        None => (local_names(file)?, false),
    };
    let has = |name: &str| names.iter().any(|n| n == name);
    Ok(if has("xl/workbook.xml") {
        Some(SpreadsheetKind::Xlsx)
    } else if has("xl/workbook.bin") {
        Some(SpreadsheetKind::Xlsb)
    } else if !whole && names.iter().any(|n| n.starts_with("xl/")) {
        let binary = names.iter().any(|n| n.starts_with("xl/worksheets/") && n.ends_with(".bin"));
        Some(if binary { SpreadsheetKind::Xlsb } else { SpreadsheetKind::Xlsx })
    } else {
        None
    })
}

/// ODF requires `mimetype` as the first member, stored uncompressed, so its text is right in the head.
fn ods_mimetype(head: &[u8]) -> bool {
    let (Some(name_len), Some(extra_len)) = (le(head, 26, 2), le(head, 28, 2)) else { return false };
    let (name_len, extra_len) = (name_len as usize, extra_len as usize);
    head.get(30..30 + name_len) == Some(b"mimetype".as_slice())
        && head
            .get(30 + name_len + extra_len..)
            .is_some_and(|data| data.starts_with(b"application/vnd.oasis.opendocument.spreadsheet"))
}

fn central_directory(file: &mut File) -> io::Result<Option<Vec<String>>> {
    let len = file.seek(SeekFrom::End(0))?;
    let tail_len = len.min(22 + 65_535);
    let tail = read_at(file, len - tail_len, tail_len)?;
    let Some(eocd) = tail.windows(4).rposition(|w| w == b"PK\x05\x06") else { return Ok(None) };
    let (mut size, mut offset) = (le(&tail, eocd + 12, 4), le(&tail, eocd + 16, 4));
    if offset == Some(0xFFFF_FFFF) || size == Some(0xFFFF_FFFF) {
        // Zip64: the real numbers are in the zip64 end record that the locator just before points to.
        let at = eocd.checked_sub(20).filter(|&at| tail.get(at..at + 4) == Some(b"PK\x06\x07".as_slice()));
        let record = match at.and_then(|at| le(&tail, at + 8, 8)) {
            Some(pos) if pos < len => read_at(file, pos, 56)?,
            _ => return Ok(None),
        };
        (size, offset) = (le(&record, 40, 8), le(&record, 48, 8));
    }
    let (Some(size), Some(offset)) = (size, offset) else { return Ok(None) };
    if offset.checked_add(size).is_none_or(|end| end > len) || size > 64 << 20 {
        return Ok(None);
    }
    let dir = read_at(file, offset, size)?;
    let mut names = Vec::new();
    let mut pos = 0;
    while dir.get(pos..pos + 4) == Some(b"PK\x01\x02".as_slice()) {
        let (Some(n), Some(e), Some(c)) = (le(&dir, pos + 28, 2), le(&dir, pos + 30, 2), le(&dir, pos + 32, 2)) else {
            break;
        };
        let Some(name) = dir.get(pos + 46..pos + 46 + n as usize) else { break };
        names.push(String::from_utf8_lossy(name).into_owned());
        pos += 46 + (n + e + c) as usize;
    }
    Ok(Some(names))
}

/// Member names from the local headers in the first 16 MiB (sizes are not trusted: every signature is tried).
fn local_names(file: &mut File) -> io::Result<Vec<String>> {
    let bytes = read_at(file, 0, 16 << 20)?;
    let mut names = Vec::new();
    for at in bytes.windows(4).enumerate().filter(|(_, w)| *w == b"PK\x03\x04").map(|(i, _)| i) {
        let Some(n) = le(&bytes, at + 26, 2) else { continue };
        if let Some(name) = bytes.get(at + 30..at + 30 + n as usize).and_then(|b| std::str::from_utf8(b).ok()) {
            names.push(name.to_string());
        }
    }
    Ok(names)
}

#[cfg(test)]
#[path = "excel_tests.rs"]
mod tests;
