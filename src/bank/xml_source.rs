//! The input of the camt reader: bytes in whatever encoding the BOM or XML declaration names,
//! given to quick-xml as UTF-8, counting the newlines consumed so messages name physical lines.
//! (quick-xml's own decoding reader panics on long declarations, hence this.)

use super::BankError;
use std::io::{self, BufRead, Read};

/// The input as UTF-8 (transcoded from the encoding the BOM or XML declaration names), counting
/// the newlines the XML reader has consumed so far, which gives physical line numbers.
pub(super) struct Source<'a> {
    input: io::Chain<io::Cursor<Vec<u8>>, &'a mut dyn BufRead>,
    decoder: Option<encoding_rs::Decoder>,
    at_eof: bool,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    pub(super) newlines: u64,
    /// Bytes consumed since the last `<`: a text or a tag longer than
    /// [`crate::limits::MAX_TEXT_BYTES`] stops the reading (the XML reader would buffer it whole).
    since_markup: u64,
    pub(super) overlong: bool,
}

impl<'a> Source<'a> {
    pub(super) fn new(inner: &'a mut dyn BufRead) -> Result<Source<'a>, BankError> {
        // The first KiB holds any BOM and the XML declaration.
        let mut head = Vec::with_capacity(1024);
        while head.len() < 1024 {
            let chunk = inner.fill_buf().map_err(|e| BankError::new(1, None, format!("can't read the file: {e}")))?;
            if chunk.is_empty() {
                break;
            }
            let n = chunk.len().min(1024 - head.len());
            head.extend_from_slice(chunk.get(..n).unwrap_or_default());
            inner.consume(n);
        }
        let (skip, encoding) = match head.get(..4).unwrap_or(&head[..]) {
            [0xEF, 0xBB, 0xBF, ..] => (3, None),
            [0xFF, 0xFE, ..] => (2, Some(encoding_rs::UTF_16LE)),
            [0xFE, 0xFF, ..] => (2, Some(encoding_rs::UTF_16BE)),
            [b'<', 0, b'?', 0] => (0, Some(encoding_rs::UTF_16LE)),
            [0, b'<', 0, b'?'] => (0, Some(encoding_rs::UTF_16BE)),
            _ => (0, declared_encoding(&head)?),
        };
        let mut head = io::Cursor::new(head);
        head.set_position(skip);
        let decoder = encoding.map(|e| e.new_decoder_without_bom_handling());
        let buf = vec![0; 64 * 1024].into();
        Ok(Source {
            input: head.chain(inner),
            decoder,
            at_eof: false,
            buf,
            pos: 0,
            len: 0,
            newlines: 0,
            since_markup: 0,
            overlong: false,
        })
    }

    fn refill(&mut self) -> io::Result<()> {
        let src = self.input.fill_buf()?;
        let (read, written) = match &mut self.decoder {
            None => {
                let n = src.len().min(self.buf.len());
                self.buf[..n].copy_from_slice(&src[..n]);
                (n, n)
            }
            // Invalid bytes become U+FFFD: for 8-bit code pages there are none, for UTF-16 it's damage.
            Some(d) => {
                let (_, read, written, _) = d.decode_to_utf8(src, &mut self.buf, src.is_empty());
                (read, written)
            }
        };
        self.at_eof = src.is_empty();
        self.input.consume(read);
        (self.pos, self.len) = (0, written);
        Ok(())
    }
}

/// The ASCII-compatible encoding `<?xml … encoding="…"?>` names, or None for UTF-8 / no declaration.
fn declared_encoding(head: &[u8]) -> Result<Option<&'static encoding_rs::Encoding>, BankError> {
    let Some(decl) = head.strip_prefix(b"<?xml").and_then(|d| d.split(|&b| b == b'>').next()) else {
        return Ok(None);
    };
    let decl = String::from_utf8_lossy(decl);
    let Some(value) = decl.split_once("encoding").and_then(|(_, v)| v.trim_start().strip_prefix('=')) else {
        return Ok(None);
    };
    let value = value.trim_start();
    let label = value.get(1..).and_then(|v| v.split(['"', '\'']).next()).unwrap_or_default();
    match encoding_rs::Encoding::for_label(label.trim().as_bytes()) {
        Some(e) if e.is_ascii_compatible() && e != encoding_rs::UTF_8 => Ok(Some(e)),
        Some(_) => Ok(None),
        None => Err(BankError::new(
            1,
            None,
            format!("the XML declaration names the encoding '{label}', which arx doesn't know; save the file as UTF-8"),
        )),
    }
}

impl Read for Source<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Source<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.overlong {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "a text or tag too long"));
        }
        while self.pos >= self.len && !self.at_eof {
            self.refill()?;
        }
        Ok(self.buf.get(self.pos..self.len).unwrap_or_default())
    }

    fn consume(&mut self, amt: usize) {
        let end = self.pos.saturating_add(amt).min(self.len);
        let done = self.buf.get(self.pos..end).unwrap_or_default();
        self.newlines += done.iter().filter(|&&b| b == b'\n').count() as u64;
        self.since_markup = match memchr::memrchr(b'<', done) {
            Some(i) => (done.len() - i - 1) as u64,
            None => self.since_markup + done.len() as u64,
        };
        if self.since_markup > crate::limits::MAX_TEXT_BYTES {
            self.overlong = true;
        }
        self.pos = end;
    }
}
