//! Text-file plumbing for ERP exports: detecting and decoding the encodings Excel and ERPs write
//! (UTF-8 with or without BOM, UTF-16 "Unicode text", Windows-1252 "CSV"), and sniffing the
//! delimiter of a delimited file.

use std::borrow::Cow;
use std::fmt;

/// A text encoding arx reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl TextEncoding {
    /// `--encoding` names: utf-8/utf8, utf-16le, utf-16be, utf-16 (BOM decides), windows-1252/cp1252/latin1/iso-8859-1
    /// (read as 1252, its superset). Case-insensitive; `_` may stand for `-`.
    ///
    /// "utf-16" maps to `Utf16Le`, what Windows writes; [`decode`] still honours a big-endian BOM.
    pub fn from_name(name: &str) -> Option<TextEncoding> {
        let n = name.trim().to_ascii_lowercase().replace('_', "-");
        Some(match n.as_str() {
            "utf-8" | "utf8" => TextEncoding::Utf8,
            "utf-16le" | "utf16le" | "utf-16" | "utf16" | "unicode" => TextEncoding::Utf16Le,
            "utf-16be" | "utf16be" => TextEncoding::Utf16Be,
            "windows-1252" | "windows1252" | "cp1252" | "latin1" | "latin-1" | "iso-8859-1" | "iso8859-1" => {
                TextEncoding::Windows1252
            }
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Windows1252 => "windows-1252",
        }
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

const BOM_UTF8: &[u8] = &[0xEF, 0xBB, 0xBF];
const BOM_UTF16LE: &[u8] = &[0xFF, 0xFE];
const BOM_UTF16BE: &[u8] = &[0xFE, 0xFF];

/// From the first bytes: BOM (EF BB BF / FF FE / FE FF) wins; else UTF-16 without BOM when the NUL pattern says so
/// (every other byte 0 in ASCII text); else UTF-8 when the head is valid UTF-8 (a multi-byte char cut at the end of
/// the head is fine); else Windows-1252. Returns the encoding and the BOM length to skip.
pub fn detect(head: &[u8]) -> (TextEncoding, usize) {
    if head.starts_with(BOM_UTF8) {
        return (TextEncoding::Utf8, 3);
    }
    if head.starts_with(BOM_UTF16LE) {
        return (TextEncoding::Utf16Le, 2);
    }
    if head.starts_with(BOM_UTF16BE) {
        return (TextEncoding::Utf16Be, 2);
    }
    if let Some(enc) = utf16_by_nuls(head) {
        return (enc, 0);
    }
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        // `error_len() == None`: the head ends inside a multi-byte character, which the cut made.
        Err(e) => e.error_len().is_none(),
    };
    (if utf8 { TextEncoding::Utf8 } else { TextEncoding::Windows1252 }, 0)
}

/// UTF-16 without a BOM: mostly-ASCII text puts a NUL in every high byte, and real 8-bit text almost never holds
/// NULs. Needs a few code units and a clear majority, so a stray NUL in a binary or UTF-8 file doesn't trigger it.
fn utf16_by_nuls(head: &[u8]) -> Option<TextEncoding> {
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        if let [a, b] = pair {
            even += usize::from(*a == 0);
            odd += usize::from(*b == 0);
        }
    }
    // 30%: names in Cyrillic or Greek have no NUL bytes, but the digits, delimiters and dates around them do.
    let clear = |hit: usize, other: usize| hit * 10 >= pairs * 3 && other * 10 <= hit;
    if clear(odd, even) {
        Some(TextEncoding::Utf16Le)
    } else if clear(even, odd) {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

/// Why a file could not be decoded, with the 1-based line where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub line: u64,
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for DecodeError {}

/// The whole file as UTF-8 (borrowed when it already is). Invalid UTF-8 when UTF-8 was forced or detected from the
/// head only → Err naming the 1-based line and byte column and suggesting `--encoding windows-1252`. Odd-length UTF-16
/// → Err.
///
/// A BOM at the start is dropped whether or not the caller already skipped it (a U+FEFF at the start of a file is
/// never data); a UTF-16 BOM of the other byte order overrides `enc`.
pub fn decode(bytes: &[u8], enc: TextEncoding) -> Result<Cow<'_, str>, DecodeError> {
    match enc {
        TextEncoding::Utf8 => decode_utf8(bytes.strip_prefix(BOM_UTF8).unwrap_or(bytes)),
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            let (body, big) = if let Some(b) = bytes.strip_prefix(BOM_UTF16LE) {
                (b, false)
            } else if let Some(b) = bytes.strip_prefix(BOM_UTF16BE) {
                (b, true)
            } else {
                (bytes, enc == TextEncoding::Utf16Be)
            };
            decode_utf16(body, big).map(Cow::Owned)
        }
        TextEncoding::Windows1252 => {
            // Every byte maps to a character in encoding_rs's (WHATWG) windows-1252, so this cannot fail.
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok(text)
        }
    }
}

fn decode_utf8(bytes: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(e) => {
            let at = e.valid_up_to();
            let before = bytes.get(..at).unwrap_or_default();
            let line = 1 + before.iter().filter(|&&b| b == b'\n').count() as u64;
            let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            let column = at - line_start + 1;
            let byte = bytes.get(at).copied().unwrap_or_default();
            if e.error_len().is_none() {
                return Err(DecodeError {
                    line,
                    message: format!(
                        "the file ends in the middle of a UTF-8 character (byte column {column}): it is truncated; \
                         export it again"
                    ),
                });
            }
            Err(DecodeError {
                line,
                message: format!(
                    "byte 0x{byte:02X} at byte column {column} is not valid UTF-8; the file is probably in a Windows \
                     code page (Excel's \"CSV\" on Windows): pass `--encoding windows-1252`"
                ),
            })
        }
    }
}

fn decode_utf16(bytes: &[u8], big_endian: bool) -> Result<String, DecodeError> {
    let units = bytes.chunks_exact(2).map(|p| match p {
        [a, b] if big_endian => u16::from_be_bytes([*a, *b]),
        [a, b] => u16::from_le_bytes([*a, *b]),
        _ => 0, // chunks_exact never yields other lengths
    });
    let mut out = String::with_capacity(bytes.len() / 2);
    let mut line = 1u64;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                line += u64::from(c == '\n');
                out.push(c);
            }
            Err(e) => {
                return Err(DecodeError {
                    line,
                    message: format!(
                        "unpaired UTF-16 surrogate 0x{:04X}: the file is damaged or not {}; re-export it or pass \
                         `--encoding` with the right encoding",
                        e.unpaired_surrogate(),
                        if big_endian { "UTF-16BE" } else { "UTF-16LE" }
                    ),
                });
            }
        }
    }
    if bytes.len() % 2 == 1 {
        return Err(DecodeError {
            line,
            message: format!(
                "the file has an odd number of bytes ({}), so it is not UTF-16: it is truncated, or pass `--encoding` \
                 with its real encoding (utf-8 or windows-1252)",
                bytes.len()
            ),
        });
    }
    Ok(out)
}

/// Delimiters tried by [`sniff_delimiter`], in tie-break order.
const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
/// Records examined.
const SNIFF_RECORDS: usize = 50;

/// The delimiter of a delimited text among , ; \t | : the one giving the most consistent field count (> 1) over the
/// first lines (up to 50 records), quote-aware (a delimiter inside "..." doesn't count; quoted fields may hold
/// newlines). Title lines above the header (fewer fields) must not fool it: judge by the most common count among the
/// lines. None when no candidate splits the lines (a one-column file).
///
/// Lines of one field (titles, notes, blank-ish lines) say nothing about the delimiter and are left out of the count,
/// so a short report with more title lines than rows still sniffs right.
///
/// Score: records at the most common count, less the records the candidate garbles (text after a closing quote:
/// `"a;b",c` split at `;` — the right delimiter never does that to well-quoted data). Ties go to more fields — so a `;`
/// file with decimal commas is read as `;` — then to the order above.
pub fn sniff_delimiter(sample: &str) -> Option<u8> {
    let mut best: Option<((isize, usize), u8)> = None;
    for &d in &CANDIDATES {
        let (mut counts, stray_quotes) = field_counts(sample, d);
        counts.retain(|&n| n > 1);
        let Some((count, freq)) = mode(&counts) else { continue };
        // Each record a candidate garbles counts against it.
        let score = (freq as isize - stray_quotes as isize, count);
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, d));
        }
    }
    best.map(|(_, d)| d)
}

/// The most common value and how often it occurs; ties go to the larger value.
fn mode(counts: &[usize]) -> Option<(usize, usize)> {
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let mut best: Option<(usize, usize)> = None;
    for run in sorted.chunk_by(|a, b| a == b) {
        if let Some(&v) = run.first() {
            if best.is_none_or(|(_, f)| run.len() >= f) {
                best = Some((v, run.len()));
            }
        }
    }
    best
}

/// Fields per non-blank record for delimiter `d`, CSV quoting rules: a field starting with `"` runs to the next lone
/// `"` (`""` is a literal quote) and may span lines. A record the sample cuts off is left out, and so is one with text
/// after a closing quote (`"a;b",c` split at `;`): a wrong delimiter causes those; their number is returned too.
fn field_counts(sample: &str, d: u8) -> (Vec<usize>, usize) {
    let bytes = sample.as_bytes();
    let mut counts = Vec::new();
    let mut stray = 0;
    let mut i = 0;
    while i < bytes.len() && counts.len() < SNIFF_RECORDS {
        let rec = scan_record(bytes, i, d);
        if !rec.complete && !counts.is_empty() {
            break;
        }
        if rec.stray_quote {
            stray += 1;
        } else if !rec.blank {
            counts.push(rec.fields);
        }
        i = rec.next;
    }
    (counts, stray)
}

struct Record {
    fields: usize,
    blank: bool,
    stray_quote: bool,
    /// Index after the record's line end.
    next: usize,
    /// Ended by a line end rather than the end of the sample.
    complete: bool,
}

/// Scans one record from `start`.
fn scan_record(bytes: &[u8], start: usize, d: u8) -> Record {
    let mut rec = Record { fields: 1, blank: true, stray_quote: false, next: start, complete: false };
    let mut i = start;
    let mut at_field_start = true;
    while let Some(&b) = bytes.get(i) {
        if at_field_start && b == b'"' {
            rec.blank = false;
            i += 1;
            // Inside quotes until a `"` that isn't doubled.
            loop {
                match bytes.get(i) {
                    None => {
                        rec.next = i;
                        return rec;
                    }
                    Some(b'"') if bytes.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            rec.stray_quote |= bytes.get(i).is_some_and(|&n| n != d && n != b'\n' && n != b'\r');
            at_field_start = false;
            continue;
        }
        match b {
            b'\n' | b'\r' => {
                let crlf = b == b'\r' && bytes.get(i + 1) == Some(&b'\n');
                rec.next = i + 1 + usize::from(crlf);
                rec.complete = true;
                return rec;
            }
            _ if b == d => {
                rec.fields += 1;
                rec.blank = false;
                at_field_start = true;
            }
            _ => {
                rec.blank &= b == b' ';
                at_field_start = false;
            }
        }
        i += 1;
    }
    rec.next = i;
    rec
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
