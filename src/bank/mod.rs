//! Bank statement files (ISO 20022 camt.053/054, BAI2, SWIFT MT940) → payments.
//!
//! The format is told from the content, never the file name; a `--profile` names it when the
//! caller knows. Zip archives (as banks ship camt) are read member by member, in name order.
//! Readers stream entries to a sink, so memory doesn't grow with the file.

pub mod bai2;
mod bai2_text;
pub mod camt;
pub mod mt940;
mod mt940_info;
pub mod payments;
mod types;
mod xml_source;

pub use types::*;

use crate::error::Issue;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

const HEAD: usize = 4096;

impl BankFormat {
    /// The `--profile` names of the bank formats.
    pub fn from_profile(name: &str) -> Option<BankFormat> {
        match name.to_ascii_lowercase().replace(['.', '_', '-'], "").as_str() {
            "camt053" => Some(BankFormat::Camt053),
            "camt054" => Some(BankFormat::Camt054),
            "bai2" | "bai" => Some(BankFormat::Bai2),
            "mt940" | "swift" => Some(BankFormat::Mt940),
            _ => None,
        }
    }

    /// How users call the format.
    pub fn label(self) -> &'static str {
        match self {
            BankFormat::Camt053 => "camt.053",
            BankFormat::Camt054 => "camt.054",
            BankFormat::Bai2 => "BAI2",
            BankFormat::Mt940 => "MT940",
        }
    }
}

fn strip_bom(head: &[u8]) -> &[u8] {
    head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head)
}

fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// The bank format of a file from its first bytes, if it is one.
pub fn sniff(head: &[u8]) -> Option<BankFormat> {
    let head = strip_bom(head);
    if camt::sniff(head) {
        let text = String::from_utf8_lossy(head);
        let notification = text.contains("camt.054") || text.contains("BkToCstmrDbtCdtNtfctn");
        return Some(if notification { BankFormat::Camt054 } else { BankFormat::Camt053 });
    }
    if bai2::sniff(head) {
        return Some(BankFormat::Bai2);
    }
    if mt940::sniff(head) {
        return Some(BankFormat::Mt940);
    }
    None
}

/// What a file is, from its first bytes: a bank file (or a zip, whose members are looked at
/// when it is read), or something else (`None`).
pub fn detect(path: &Path) -> io::Result<Option<Detected>> {
    let mut head = Vec::with_capacity(HEAD);
    File::open(path)?.take(HEAD as u64).read_to_end(&mut head)?;
    if is_zip(&head) {
        return Ok(zip_holds_bank_files(path)?.then_some(Detected::Zip));
    }
    Ok(sniff(&head).map(Detected::Plain))
}

/// The root element of an XML file that is not a bank statement arx reads (`pain.001`, an
/// ERP's XML), for a clear message instead of a CSV one.
pub fn foreign_xml(path: &Path) -> io::Result<Option<String>> {
    let mut head = Vec::with_capacity(HEAD);
    File::open(path)?.take(HEAD as u64).read_to_end(&mut head)?;
    let text = String::from_utf8_lossy(strip_bom(&head)).to_string();
    let t = text.trim_start();
    if !t.starts_with("<?xml") && !t.starts_with("<Document") {
        return Ok(None);
    }
    let mut rest = t;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let name: String = rest.chars().take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/').collect();
        let ns = t.find("xmlns=\"").map(|k| t[k + 7..].chars().take_while(|c| *c != '"').collect::<String>());
        return Ok(Some(match ns {
            Some(ns) => format!("{name} ({ns})"),
            None => name,
        }));
    }
    Ok(Some("(unknown)".into()))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detected {
    Plain(BankFormat),
    Zip,
}

/// A zip is taken as bank files when it isn't an Office document (xlsx, ods are zips too).
fn zip_holds_bank_files(path: &Path) -> io::Result<bool> {
    let Ok(archive) = zip::ZipArchive::new(File::open(path)?) else {
        return Ok(false);
    };
    let office = archive.file_names().flatten().any(|n| n == "[Content_Types].xml" || n == "mimetype");
    Ok(!office)
}

/// One bank file (or zip member) read: the statements and what happened to its entries.
pub struct ReadFile {
    pub display: String,
    pub file: BankFile,
}

/// Everything read from one path.
pub struct ReadPath {
    pub files: Vec<ReadFile>,
    pub sha256: String,
    pub size: u64,
}

/// Why a path could not be read as bank files.
pub enum ReadError {
    Io(io::Error),
    Bad(Vec<Issue>),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Hashes what passes through, so the audit trail gets the file's SHA-256 in the same pass.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    size: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
}

fn issue(display: &str, e: BankError) -> Issue {
    let row = (e.location.line > 0).then_some(e.location.line);
    // MT940 tags carry their own colons (`:61:`); the message format adds them.
    let at = e.location.at.as_deref().map(|a| a.trim_matches(':')).filter(|a| !a.is_empty());
    Issue::new(display, row, at, e.message)
}

/// Reads `path` as bank files, calling `sink(display, statement, entry)` for every entry.
/// `hint` (from `--profile`) insists on one format.
pub fn read(
    path: &Path,
    display: &str,
    hint: Option<BankFormat>,
    sink: &mut dyn FnMut(&str, &Statement, Entry),
) -> Result<ReadPath, ReadError> {
    let file = File::open(path)?;
    let mut head = Vec::with_capacity(HEAD);
    (&file).take(HEAD as u64).read_to_end(&mut head)?;
    if is_zip(&head) {
        return read_zip(path, display, hint, sink);
    }
    let file = File::open(path)?;
    let mut input = BufReader::with_capacity(1 << 18, Hashing { inner: file, hasher: Sha256::new(), size: 0 });
    let one = read_one(&mut input, display, hint, sink).map_err(|e| ReadError::Bad(vec![e]))?;
    // Whatever the reader left unread still belongs to the file's checksum.
    io::copy(&mut input, &mut io::sink())?;
    let hashing = input.into_inner();
    let sha256 = hex(&hashing.hasher.finalize());
    Ok(ReadPath { files: vec![one], sha256, size: hashing.size })
}

fn read_one(
    input: &mut dyn BufRead,
    display: &str,
    hint: Option<BankFormat>,
    sink: &mut dyn FnMut(&str, &Statement, Entry),
) -> Result<ReadFile, Issue> {
    let head = input.fill_buf().map_err(|e| Issue::new(display, None, None, format!("cannot read: {e}")))?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    let head = input.fill_buf().map_err(|e| Issue::new(display, None, None, format!("cannot read: {e}")))?;
    let found = sniff(head);
    let format = match (hint, found) {
        (Some(h), Some(f)) if h != f && !(is_camt(h) && is_camt(f)) => {
            return Err(Issue::new(
                display,
                None,
                None,
                format!("--profile says {} but the file is {}; drop --profile or pass the right one", h.label(), f.label()),
            ))
        }
        (Some(h), _) => h,
        (None, Some(f)) => f,
        (None, None) => {
            return Err(Issue::new(
                display,
                Some(1),
                None,
                "not a bank statement arx can read (camt.053/054 XML, BAI2 or MT940); check the file, or give its format with --profile",
            ))
        }
    };
    let mut on_entry = |s: &Statement, e: Entry| sink(display, s, e);
    let file = match format {
        BankFormat::Camt053 | BankFormat::Camt054 => camt::parse(input, &mut on_entry),
        BankFormat::Bai2 => bai2::parse(input, &mut on_entry),
        BankFormat::Mt940 => mt940::parse(input, &mut on_entry),
    }
    .map_err(|e| issue(display, e))?;
    Ok(ReadFile { display: display.to_string(), file })
}

fn is_camt(f: BankFormat) -> bool {
    matches!(f, BankFormat::Camt053 | BankFormat::Camt054)
}

fn read_zip(
    path: &Path,
    display: &str,
    hint: Option<BankFormat>,
    sink: &mut dyn FnMut(&str, &Statement, Entry),
) -> Result<ReadPath, ReadError> {
    let mut hashing = Hashing { inner: File::open(path)?, hasher: Sha256::new(), size: 0 };
    io::copy(&mut hashing, &mut io::sink())?;
    let bad = |m: String| ReadError::Bad(vec![Issue::new(display, None, None, m)]);
    let mut archive = zip::ZipArchive::new(File::open(path)?)
        .map_err(|e| bad(format!("not a readable zip archive ({e}); unpack it or ask the bank for the file again")))?;
    let mut names: Vec<String> =
        archive.file_names().flatten().filter(|n| !n.ends_with('/')).map(|n| n.to_string()).collect();
    names.sort();
    if names.is_empty() {
        return Err(bad("the zip archive holds no files".into()));
    }
    let mut files = Vec::new();
    let mut issues = Vec::new();
    for name in names {
        let member_display = format!("{display}!{name}");
        let member =
            archive.by_name(&name).map_err(|e| bad(format!("cannot read '{name}' in the zip archive ({e})")))?;
        let mut input = BufReader::with_capacity(1 << 18, member);
        match read_one(&mut input, &member_display, hint, sink) {
            Ok(f) => files.push(f),
            Err(e) => issues.push(e),
        }
    }
    if !issues.is_empty() {
        return Err(ReadError::Bad(issues));
    }
    Ok(ReadPath { files, sha256: hex(&hashing.hasher.finalize()), size: hashing.size })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
