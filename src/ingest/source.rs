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

    /// Reads the next data record into `rec` and returns the line it starts on; blank lines
    /// (and rows of only empty fields) are skipped. Text must be UTF-8.
    pub fn next_row(&mut self, rec: &mut csv::StringRecord) -> Result<Option<u64>, Issue> {
        loop {
            match self.reader.read_record(rec) {
                Ok(false) => return Ok(None),
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map(|p| p.line());
                    if let csv::ErrorKind::Utf8 { err, .. } = e.kind() {
                        let col = self.header.get(err.field()).cloned().unwrap_or_else(|| format!("column {}", err.field() + 1));
                        return Err(Issue::new(&self.display, line, Some(&col), not_utf8()));
                    }
                    return Err(Issue::new(&self.display, line, None, format!("cannot read this row as CSV: {e}")));
                }
            }
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            return Ok(Some(rec.position().map(|p| p.line()).unwrap_or(0)));
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
