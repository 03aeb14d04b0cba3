//! Reading an input file: bytes → header + records, hashing (SHA-256) and counting as it streams,
//! so the audit trail records exactly the bytes that were read without holding the file in memory.

use crate::error::Issue;
use sha2::{Digest, Sha256};
use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

/// Wraps a reader, feeding every byte read to SHA-256 and a shared byte counter (for progress).
pub struct HashingReader<R> {
    inner: R,
    hasher: Rc<std::cell::RefCell<Sha256>>,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.borrow_mut().update(&buf[..n]);
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// An open CSV input: its header and a record stream, with the hash available once read through.
pub struct CsvSource {
    pub display: String,
    pub size: u64,
    pub header: Vec<String>,
    reader: csv::Reader<HashingReader<BufReader<File>>>,
    hasher: Rc<std::cell::RefCell<Sha256>>,
    pub bytes_read: Rc<Cell<u64>>,
}

/// One data record with the line it starts on.
pub struct Row {
    pub line: u64,
    pub fields: Vec<String>,
}

impl CsvSource {
    pub fn open(path: &Path, display: &str) -> Result<CsvSource, Issue> {
        let file = File::open(path).map_err(|e| Issue::new(display, None, None, format!("cannot read the file: {e}")))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let hasher = Rc::new(std::cell::RefCell::new(Sha256::new()));
        let count = Rc::new(Cell::new(0));
        let hashing = HashingReader { inner: BufReader::with_capacity(1 << 20, file), hasher: hasher.clone(), count: count.clone() };
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(hashing);
        let mut first = csv::ByteRecord::new();
        let got = reader
            .read_byte_record(&mut first)
            .map_err(|e| Issue::new(display, Some(1), None, format!("cannot read the header row: {e}")))?;
        if !got {
            return Err(Issue::new(
                display,
                None,
                None,
                "the file is empty; expected a header row naming the columns (see `arx ingest --help`)",
            ));
        }
        let mut header = Vec::with_capacity(first.len());
        for (i, field) in first.iter().enumerate() {
            let text = std::str::from_utf8(field).map_err(|_| {
                Issue::new(display, Some(1), Some(&format!("column {}", i + 1)), not_utf8())
            })?;
            let text = if i == 0 { text.trim_start_matches('\u{feff}') } else { text };
            header.push(text.trim().to_string());
        }
        Ok(CsvSource { display: display.to_string(), size, header, reader, hasher, bytes_read: count })
    }

    /// Next data record; blank lines are skipped. Text must be UTF-8.
    pub fn next_row(&mut self, scratch: &mut csv::ByteRecord) -> Result<Option<Row>, Issue> {
        loop {
            let got = self.reader.read_byte_record(scratch).map_err(|e| {
                let line = e.position().map(|p| p.line());
                Issue::new(&self.display, line, None, format!("cannot read this row as CSV: {e}"))
            })?;
            if !got {
                return Ok(None);
            }
            let line = scratch.position().map(|p| p.line()).unwrap_or(0);
            if scratch.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                continue;
            }
            let mut fields = Vec::with_capacity(scratch.len());
            for (i, f) in scratch.iter().enumerate() {
                match std::str::from_utf8(f) {
                    Ok(t) => fields.push(t.to_string()),
                    Err(_) => {
                        let col = self.header.get(i).cloned().unwrap_or_else(|| format!("column {}", i + 1));
                        return Err(Issue::new(&self.display, Some(line), Some(&col), not_utf8()));
                    }
                }
            }
            return Ok(Some(Row { line, fields }));
        }
    }

    /// Reads whatever is left (so the hash covers the whole file) and returns the SHA-256 in hex.
    pub fn finish(mut self) -> Result<String, Issue> {
        let mut rest = Vec::new();
        let inner = self.reader.get_mut();
        inner
            .read_to_end(&mut rest)
            .map_err(|e| Issue::new(&self.display, None, None, format!("cannot read the file: {e}")))?;
        drop(self.reader);
        let hasher = Rc::try_unwrap(self.hasher).map(|c| c.into_inner()).unwrap_or_default();
        Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }
}

fn not_utf8() -> &'static str {
    "text is not valid UTF-8; re-save the file as UTF-8 (Excel: CSV UTF-8)"
}
