//! Reading an input file: bytes → header + records, hashing (SHA-256) as it streams, so the
//! audit trail records exactly the bytes that were read without holding the file in memory.
//!
//! Row numbers are counted here from the bytes, not taken from the csv crate, whose record
//! positions lag on CRLF and skipped blank lines: a row is numbered by the physical line its
//! first character is on (LF, CRLF and lone CR all end a line), as an editor shows it.

use super::text::{self, TextEncoding};
use crate::error::Issue;
use sha2::{Digest, Sha256};
use std::cell::{Cell, RefCell};
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::path::Path;
use std::rc::Rc;

/// How to read a delimited text file; what isn't given is detected from the bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadOptions {
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<u8>,
}

/// How much of a file is looked at to detect its encoding and delimiter.
const SNIFF: usize = 64 * 1024;

/// Line numbers of byte offsets, for offsets that only move forward. Keeps just the bytes
/// between the parse point and what the csv reader has read ahead.
#[derive(Default)]
struct LineTracker {
    buf: Vec<u8>,
    /// Index in `buf` of file offset `base`.
    pos: usize,
    base: u64,
    /// 1-based line number at `base`.
    line: u64,
    prev_cr: bool,
}

impl LineTracker {
    fn new() -> Self {
        LineTracker { line: 1, ..Default::default() }
    }

    fn feed(&mut self, bytes: &[u8]) {
        if self.pos > (1 << 16) && self.pos * 2 > self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    fn step(&mut self, b: u8) {
        match b {
            b'\n' if self.prev_cr => self.prev_cr = false,
            b'\n' => self.line += 1,
            b'\r' => {
                self.line += 1;
                self.prev_cr = true;
            }
            _ => self.prev_cr = false,
        }
    }

    /// Moves to file offset `to`, counting line ends on the way.
    fn advance(&mut self, to: u64) {
        let n = usize::try_from(to.saturating_sub(self.base)).unwrap_or(usize::MAX).min(self.buf.len() - self.pos);
        let slice = &self.buf[self.pos..self.pos + n];
        let mut count = 0;
        let mut prev_cr = self.prev_cr;
        let mut last = None;
        for i in memchr::memchr2_iter(b'\n', b'\r', slice) {
            let b = slice[i];
            let after_cr = if i == 0 { prev_cr } else { slice[i - 1] == b'\r' };
            if b == b'\r' || !after_cr {
                count += 1;
            }
            prev_cr = b == b'\r';
            last = Some(i);
        }
        if n > 0 {
            self.prev_cr = match last {
                Some(i) if i == n - 1 => slice[i] == b'\r',
                _ => false,
            };
        }
        self.line += count;
        self.pos += n;
        self.base += n as u64;
    }

    /// Line of the record whose read started at `offset`: the line of its first character after
    /// any line ends (blank lines) the reader skipped.
    fn line_of_record(&mut self, offset: u64) -> u64 {
        self.advance(offset);
        while let Some(&b) = self.buf.get(self.pos) {
            if b != b'\n' && b != b'\r' {
                break;
            }
            self.step(b);
            self.pos += 1;
            self.base += 1;
        }
        self.line
    }
}

/// Follows quoting the way the csv reader does (a `"` opens a quoted field only at the start of a
/// field; `""` inside one is a quote), only to notice a quote that is never closed: the csv
/// reader takes the rest of the file as that one field without complaint, which would commit
/// a file with most of its rows swallowed.
#[derive(Default)]
struct QuoteScanner {
    delimiter: u8,
    state: QuoteState,
    /// 1-based line the scanner is on, and the line the open quoted field started on.
    line: u64,
    opened_on: u64,
    prev_cr: bool,
    /// Bytes since the last line end outside quotes, and the line that record started on.
    run: u64,
    record_line: u64,
    /// The line of a record longer than [`crate::limits::MAX_RECORD_BYTES`], once one is seen.
    too_long: Option<u64>,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    #[default]
    FieldStart,
    Unquoted,
    Quoted,
    /// A `"` inside a quoted field: either the closing quote or the first of `""`.
    QuoteInQuoted,
}

impl QuoteScanner {
    fn new(delimiter: u8) -> Self {
        QuoteScanner { delimiter, line: 1, record_line: 1, ..Default::default() }
    }

    fn feed(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            // Runs of ordinary bytes change nothing but the record's length: skip them in one
            // search (inside an unquoted field only the delimiter and line ends matter, inside a
            // quoted one only quotes and line ends), so the scan costs little per byte.
            let rest = &bytes[i..];
            let skip = match self.state {
                QuoteState::Unquoted => memchr::memchr3(self.delimiter, b'\n', b'\r', rest),
                QuoteState::Quoted => memchr::memchr3(b'"', b'\n', b'\r', rest),
                _ => Some(0),
            };
            let n = skip.unwrap_or(rest.len());
            if n > 0 {
                self.prev_cr = false;
                self.run += n as u64;
                if self.run > crate::limits::MAX_RECORD_BYTES && self.too_long.is_none() {
                    self.too_long = Some(self.record_line);
                }
                i += n;
                continue;
            }
            self.step(bytes[i]);
            i += 1;
        }
    }

    fn step(&mut self, b: u8) {
        let line_end = match b {
            b'\n' if self.prev_cr => false,
            b'\n' | b'\r' => true,
            _ => false,
        };
        self.prev_cr = b == b'\r';
        self.state = match self.state {
            QuoteState::Quoted if b == b'"' => QuoteState::QuoteInQuoted,
            QuoteState::Quoted => QuoteState::Quoted,
            QuoteState::QuoteInQuoted if b == b'"' => QuoteState::Quoted,
            _ if b == self.delimiter || b == b'\n' || b == b'\r' => QuoteState::FieldStart,
            QuoteState::FieldStart if b == b'"' => {
                self.opened_on = self.line;
                QuoteState::Quoted
            }
            _ => QuoteState::Unquoted,
        };
        if line_end {
            self.line += 1;
        }
        if (b == b'\n' || b == b'\r') && self.state != QuoteState::Quoted {
            self.run = 0;
            self.record_line = self.line;
        } else {
            self.run += 1;
            if self.run > crate::limits::MAX_RECORD_BYTES && self.too_long.is_none() {
                self.too_long = Some(self.record_line);
            }
        }
    }

    /// The issue for a record past [`crate::limits::MAX_RECORD_BYTES`], if one was seen.
    fn too_long_issue(&self, display: &str) -> Option<Issue> {
        let line = self.too_long?;
        Some(Issue::new(
            display,
            Some(line),
            None,
            format!(
                "the record starting on this line is longer than {} without a line end (arx's limit for one CSV \
                 record, MAX_RECORD_BYTES; it can't be raised); the file is not a CSV export, or a quote is never \
                 closed — check the file",
                crate::limits::human(crate::limits::MAX_RECORD_BYTES)
            ),
        ))
    }

    /// The line a quoted field opened on, when the input ended inside it.
    fn unclosed(&self) -> Option<u64> {
        (self.state == QuoteState::Quoted).then_some(self.opened_on)
    }
}

/// Wraps a reader, feeding every byte read to SHA-256, a byte counter (for progress) and the
/// line tracker.
pub struct HashingReader<R> {
    inner: R,
    hasher: Rc<RefCell<Sha256>>,
    count: Rc<Cell<u64>>,
    lines: Rc<RefCell<LineTracker>>,
    quotes: Rc<RefCell<QuoteScanner>>,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.borrow_mut().update(&buf[..n]);
        self.lines.borrow_mut().feed(&buf[..n]);
        let mut quotes = self.quotes.borrow_mut();
        quotes.feed(&buf[..n]);
        if quotes.too_long.is_some() {
            // Stop here: the reader would otherwise buffer the whole over-long record.
            return Err(io::Error::new(io::ErrorKind::InvalidData, "record too long"));
        }
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// An open CSV input: its header and a record stream, with the hash available once read through.
pub struct CsvSource {
    pub display: String,
    pub size: u64,
    pub header: Vec<String>,
    reader: csv::Reader<HashingReader<Box<dyn Read>>>,
    hasher: Rc<RefCell<Sha256>>,
    lines: Rc<RefCell<LineTracker>>,
    quotes: Rc<RefCell<QuoteScanner>>,
    pub bytes_read: Rc<Cell<u64>>,
    /// The file's SHA-256 when the bytes parsed are not the file's (decoded from another
    /// encoding, or rows of a workbook or ERP report laid out as CSV).
    fixed_sha256: Option<String>,
    /// Rows given by the caller (from a workbook or a profile) instead of the reader's.
    rows: Option<GivenRows>,
    /// The row of the header in the original file.
    pub header_row: u64,
    /// What was detected, for the caller to say.
    pub detected: Option<String>,
    /// Names a cell for messages (`Sheet!C12 (amount)`) from its row and column heading, for rows
    /// that came from a workbook or through a profile.
    pub cell_names: Option<CellNamer>,
}

/// Rows from elsewhere: each its row in the original file and cells, or a problem with it.
pub type GivenRows = Box<dyn Iterator<Item = Result<(u64, csv::StringRecord), Issue>>>;

/// See [`CsvSource::cell_names`].
pub type CellNamer = Box<dyn Fn(u64, &str) -> Option<String>>;

/// Why reading stopped: the disk (exit 1), or bytes that are not CSV (exit 3).
pub enum SourceError {
    Io(std::io::Error),
    Bad(Issue),
    /// The file's structure is broken as a whole (a quote never closed): no row of it can be
    /// trusted, so not even `--skip-invalid` commits any.
    Broken(Issue),
}

/// One record read from the file.
pub enum RowRead {
    /// A record of UTF-8 text, starting on `line`.
    Text { line: u64, record: csv::StringRecord },
    /// A record with bytes that are not UTF-8: the problem, and the fields as best as they can be shown.
    BadText { issue: Issue, fields: Vec<String> },
}

impl CsvSource {
    /// Opens a delimited text file: the encoding (UTF-8 with or without BOM, UTF-16, Windows-1252)
    /// and the delimiter (`,` `;` tab `|`) are detected unless `options` give them. UTF-8 streams;
    /// other encodings are decoded in memory (the checksum is still of the file's own bytes).
    pub fn open(path: &Path, display: &str, options: &ReadOptions) -> io::Result<Result<CsvSource, Issue>> {
        let mut file = File::open(path)?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut head = Vec::with_capacity(SNIFF);
        (&mut file).take(SNIFF as u64).read_to_end(&mut head)?;
        let (encoding, _) = text::detect(&head);
        let encoding = options.encoding.unwrap_or(encoding);
        let mut detected = Vec::new();
        if encoding != TextEncoding::Utf8 {
            detected.push(format!("encoding {encoding}"));
            let mut bytes = head;
            file.read_to_end(&mut bytes)?;
            let sha: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            let decoded = match text::decode(&bytes, encoding) {
                Ok(t) => t.into_owned(),
                Err(e) => {
                    let hint = format!("{} (read as {encoding}; force another with --encoding)", e.message);
                    return Ok(Err(Issue::new(display, Some(e.line), None, hint)));
                }
            };
            let delimiter = options.delimiter.or_else(|| sniffed(&decoded[..decoded.len().min(SNIFF)], &mut detected));
            let inner: Box<dyn Read> = Box::new(Cursor::new(decoded.into_bytes()));
            let mut src = Self::from_reader(inner, display, size, delimiter.unwrap_or(b','), None)?;
            if let Ok(s) = &mut src {
                s.fixed_sha256 = Some(sha);
                s.detected = Some(detected.join(", "));
            }
            return Ok(src);
        }
        let sample = String::from_utf8_lossy(&head);
        let delimiter = options.delimiter.or_else(|| sniffed(&sample, &mut detected));
        let inner: Box<dyn Read> = Box::new(BufReader::with_capacity(1 << 20, Cursor::new(head).chain(file)));
        let mut src = Self::from_reader(inner, display, size, delimiter.unwrap_or(b','), None)?;
        if let (Ok(s), false) = (&mut src, detected.is_empty()) {
            s.detected = Some(detected.join(", "));
        }
        Ok(src)
    }

    /// Rows that didn't come from a delimited file (a workbook's sheet, an ERP report mapped by a
    /// profile), given to the same checks as CSV records. `rows` carry their row number in the
    /// original file; `sha256` and `size` are the original file's.
    pub fn from_rows(
        display: &str,
        header_row: u64,
        header: Vec<String>,
        rows: Vec<(u64, Vec<String>)>,
        sha256: String,
        size: u64,
    ) -> io::Result<Result<CsvSource, Issue>> {
        let rows = rows.into_iter().map(|(line, cells)| Ok((line, csv::StringRecord::from(cells))));
        Self::from_given(display, header_row, header, Box::new(rows), sha256, size)
    }

    /// Like [`CsvSource::from_rows`], with rows produced as they are read (a streamed workbook).
    pub fn from_given(
        display: &str,
        header_row: u64,
        header: Vec<String>,
        rows: GivenRows,
        sha256: String,
        size: u64,
    ) -> io::Result<Result<CsvSource, Issue>> {
        let inner: Box<dyn Read> = Box::new(io::empty());
        let mut src = Self::from_reader(inner, display, size, b',', Some(header))?;
        if let Ok(s) = &mut src {
            s.fixed_sha256 = Some(sha256);
            s.rows = Some(rows);
            s.header_row = header_row;
        }
        Ok(src)
    }

    fn from_reader(
        inner: Box<dyn Read>,
        display: &str,
        size: u64,
        delimiter: u8,
        given_header: Option<Vec<String>>,
    ) -> io::Result<Result<CsvSource, Issue>> {
        let hasher = Rc::new(RefCell::new(Sha256::new()));
        let count = Rc::new(Cell::new(0));
        let lines = Rc::new(RefCell::new(LineTracker::new()));
        let quotes = Rc::new(RefCell::new(QuoteScanner::new(delimiter)));
        let hashing = HashingReader {
            inner,
            hasher: hasher.clone(),
            count: count.clone(),
            lines: lines.clone(),
            quotes: quotes.clone(),
        };
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(hashing);
        if let Some(header) = given_header {
            return Ok(Ok(CsvSource::new(display, size, header, reader, hasher, (lines, quotes), count)));
        }
        let mut first = csv::ByteRecord::new();
        let got = match reader.read_byte_record(&mut first) {
            Ok(got) => got,
            Err(_) if quotes.borrow().too_long.is_some() => {
                return Ok(Err(quotes.borrow().too_long_issue(display).expect("too long")));
            }
            Err(e) if e.is_io_error() => match e.into_kind() {
                csv::ErrorKind::Io(io) => return Err(io),
                other => {
                    return Ok(Err(Issue::new(
                        display,
                        Some(1),
                        None,
                        format!("cannot read the header row: {other:?}"),
                    )))
                }
            },
            Err(e) => return Ok(Err(Issue::new(display, Some(1), None, format!("cannot read the header row: {e}")))),
        };
        if !got {
            return Ok(Err(Issue::new(
                display,
                None,
                None,
                "the file is empty; expected a header row naming the columns (see `arx ingest --help`)",
            )));
        }
        let mut header = Vec::with_capacity(first.len());
        for (i, field) in first.iter().enumerate() {
            let Ok(text) = std::str::from_utf8(field) else {
                return Ok(Err(Issue::new(display, Some(1), Some(&format!("column {}", i + 1)), not_utf8())));
            };
            let text = if i == 0 { text.trim_start_matches('\u{feff}') } else { text };
            header.push(text.trim().to_string());
        }
        Ok(Ok(CsvSource::new(display, size, header, reader, hasher, (lines, quotes), count)))
    }

    fn new(
        display: &str,
        size: u64,
        header: Vec<String>,
        reader: csv::Reader<HashingReader<Box<dyn Read>>>,
        hasher: Rc<RefCell<Sha256>>,
        (lines, quotes): (Rc<RefCell<LineTracker>>, Rc<RefCell<QuoteScanner>>),
        bytes_read: Rc<Cell<u64>>,
    ) -> CsvSource {
        CsvSource {
            quotes,
            display: display.to_string(),
            size,
            header,
            reader,
            hasher,
            lines,
            bytes_read,
            fixed_sha256: None,
            rows: None,
            header_row: 1,
            detected: None,
            cell_names: None,
        }
    }

    /// Reads the next record, using `scratch`'s buffers; give the record back with
    /// `scratch = record.into_byte_record()` to reuse them. Blank lines and rows of only empty
    /// fields are skipped. An error that leaves the rest of the file unreadable is `Err`.
    pub fn next_row(&mut self, scratch: &mut csv::ByteRecord) -> Result<Option<RowRead>, SourceError> {
        if let Some(rows) = &mut self.rows {
            for row in rows.by_ref() {
                let (line, record) = match row {
                    Ok(r) => r,
                    Err(issue) => return Ok(Some(RowRead::BadText { issue, fields: Vec::new() })),
                };
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                return Ok(Some(RowRead::Text { line, record }));
            }
            return Ok(None);
        }
        loop {
            match self.reader.read_byte_record(scratch) {
                Ok(false) => {
                    if let Some(line) = self.quotes.borrow().unclosed() {
                        let issue = Issue::new(
                            &self.display,
                            Some(line),
                            None,
                            "a quote (\") opened on this line is never closed, so the rest of the file would be read as one field; close the quote or remove it, and check that the file was not cut short",
                        );
                        return Err(SourceError::Broken(issue));
                    }
                    return Ok(None);
                }
                Ok(true) => {}
                Err(_) if self.quotes.borrow().too_long.is_some() => {
                    let issue = self.quotes.borrow().too_long_issue(&self.display).expect("too long");
                    return Err(SourceError::Broken(issue));
                }
                Err(e) if e.is_io_error() => {
                    return Err(match e.into_kind() {
                        csv::ErrorKind::Io(io) => SourceError::Io(io),
                        other => SourceError::Io(std::io::Error::other(format!("{other:?}"))),
                    })
                }
                Err(e) => {
                    let line = e.position().map(|p| self.lines.borrow_mut().line_of_record(p.byte()));
                    let issue = Issue::new(&self.display, line, None, format!("cannot read this row as CSV: {e}"));
                    return Err(SourceError::Bad(issue));
                }
            }
            if scratch.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                continue;
            }
            let offset = scratch.position().map(|p| p.byte()).unwrap_or(0);
            let line = self.lines.borrow_mut().line_of_record(offset);
            return Ok(Some(match csv::StringRecord::from_byte_record(std::mem::take(scratch)) {
                Ok(record) => RowRead::Text { line, record },
                Err(e) => {
                    let field = e.utf8_error().field();
                    let bytes = e.into_byte_record();
                    let fields = bytes.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
                    *scratch = bytes;
                    let col = self.header.get(field).cloned().unwrap_or_else(|| format!("column {}", field + 1));
                    RowRead::BadText { issue: Issue::new(&self.display, Some(line), Some(&col), not_utf8()), fields }
                }
            }));
        }
    }

    /// Reads whatever is left (so the hash covers the whole file) and returns the SHA-256 in hex.
    pub fn finish(mut self) -> Result<String, Issue> {
        if let Some(sha) = self.fixed_sha256.take() {
            return Ok(sha);
        }
        let mut rest = Vec::new();
        let inner = self.reader.get_mut();
        inner
            .read_to_end(&mut rest)
            .map_err(|e| Issue::new(&self.display, None, None, format!("cannot read the file: {e}")))?;
        drop(self.reader);
        let hasher = Rc::try_unwrap(self.hasher).map(RefCell::into_inner).unwrap_or_default();
        Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }
}

fn not_utf8() -> &'static str {
    "text is not valid UTF-8; re-save the file as UTF-8 (Excel: CSV UTF-8), or name its encoding with --encoding windows-1252"
}

/// The delimiter of `sample` when it isn't a comma, noted in `detected`.
fn sniffed(sample: &str, detected: &mut Vec<String>) -> Option<u8> {
    let d = text::sniff_delimiter(sample)?;
    if d != b',' {
        let name = match d {
            b'\t' => "tab".to_string(),
            other => format!("'{}'", other as char),
        };
        detected.push(format!("delimiter {name}"));
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &[u8]) -> Vec<u64> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, text).unwrap();
        let mut src = CsvSource::open(&path, "t.csv", &ReadOptions::default()).unwrap().unwrap();
        let mut scratch = csv::ByteRecord::new();
        let mut out = Vec::new();
        while let Some(row) = src.next_row(&mut scratch).ok().flatten() {
            match row {
                RowRead::Text { line, record } => {
                    out.push(line);
                    scratch = record.into_byte_record();
                }
                RowRead::BadText { issue, .. } => out.push(issue.row.unwrap()),
            }
        }
        out
    }

    #[test]
    fn rows_are_numbered_by_physical_line() {
        assert_eq!(lines_of(b"a,b\n1,2\n3,4\n"), [2, 3]);
        assert_eq!(lines_of(b"a,b\r\n1,2\r\n3,4\r\n"), [2, 3]);
        assert_eq!(lines_of(b"a,b\r1,2\r3,4\r"), [2, 3]);
        assert_eq!(lines_of(b"a,b\n\n1,2\n\r\n\n3,4"), [3, 6]);
        assert_eq!(lines_of(b"a,b\n\"x\ny\",2\n3,4\n"), [2, 4]);
        assert_eq!(lines_of(b"a,b\r\n\"x\r\ny\",2\r\n\r\n3,\xff\r\n5,6\r\n"), [2, 5, 6]);
    }
}
