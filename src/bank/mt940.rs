//! SWIFT MT940 customer statements: bare tag files or SWIFT FIN messages (`{1:}{2:}{3:}{4:…-}{5:}`),
//! several statements per file, CRLF or LF, UTF-8 or (per line) Windows-1252.
//!
//! One `Statement` per `:20:` … `:62F:`/`:62M:`; its id is `:20:` + `/` + `:28C:`.
//! Dates: `value_date` is the `:61:` value date; `booking_date` is the `:61:` entry date (MMDD, its year
//! taken from the value date, across a year end) when the bank gives one — that is when the bank booked
//! it — else the value date. Two-digit years 00–79 are 20xx, 80–99 19xx.
//!
//! `:86:` is read in three forms: German DFÜ (`166?00…?20EREF+…SVWZ+…?32name?34code`), the Dutch/SWIFT
//! slash form (`/EREF/…/CNTP/…/REMI/USTD//…/`), and free text. Whatever the form, the whole `:86:` text
//! is also kept in `texts`, so the matcher never loses a reference. Old Rabobank files (first line
//! `:940:`) carry the counterparty account and name in the `:61:` reference and supplementary fields.

use super::mt940_info::apply_info;
use super::{BankError, BankFile, BankFormat, Direction, Entry, EntrySink, Location, Statement};
use crate::money::{format_minor, parse_decimal, to_minor, Currency};
use chrono::{Datelike, NaiveDate};
use encoding_rs::WINDOWS_1252;
use std::io::BufRead;

/// Longest physical line accepted: real lines are ≤ 80 characters, so anything this long is not MT940
/// and must not make us buffer a whole file.
const MAX_LINE: usize = 64 * 1024;
/// Longest `:86:` field (all its lines); SWIFT allows 6 × 65, German banks about 14 × 65.
const MAX_FIELD: usize = 32 * 1024;
/// Non-tag lines tolerated before the first statement (bank headers such as `ABNANL2A`, `940`).
const MAX_PREAMBLE: u32 = 50;
/// SWIFT line width: a `:86:` line this long was wrapped mid-word by the bank.
pub(super) const LINE_WIDTH: usize = 65;
/// Statement totals beyond this are refused, so balance arithmetic can't overflow.
const MAX_TOTAL: i64 = 1_000_000_000_000_000_000;

/// `:61:` marks: RC reverses a credit (so it is a debit), RD a debit; EC/ED (expected) read as C/D.
const MARKS: [(&str, Direction, bool); 6] = [
    ("RC", Direction::Debit, true),
    ("RD", Direction::Credit, true),
    ("EC", Direction::Credit, false),
    ("ED", Direction::Debit, false),
    ("C", Direction::Credit, false),
    ("D", Direction::Debit, false),
];
/// Whether the first bytes (up to 4 KiB, may be cut mid-line) look like MT940.
pub fn sniff(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    if text.contains("{2:O940") || text.contains("{2:I940") {
        return true;
    }
    let (mut has_20, mut has_other) = (false, false);
    for line in text.lines() {
        let line = line.trim_start_matches('\u{feff}');
        let line = line.split_once("{4:").map_or(line, |(_, rest)| rest);
        has_20 |= line.starts_with(":20:");
        has_other |= [":25:", ":28C:", ":28:", ":60F:", ":60M:"].iter().any(|t| line.starts_with(t));
    }
    has_20 && has_other
}

/// Streams the file: calls `sink(&statement_header, entry)` for every entry in file order; returns
/// the statements (header + counts/totals + warnings) at the end. Structurally broken input → Err.
pub fn parse(input: &mut dyn BufRead, sink: &mut EntrySink<'_>) -> Result<BankFile, BankError> {
    let mut parser = Parser {
        sink,
        statements: Vec::new(),
        open: None,
        pending: None,
        cont: Cont::Ignore,
        rabo_old: false,
        preamble: 0,
        line: 0,
        held_dash: None,
        mark: None,
        short_types: (0, String::new()),
        notes: Vec::new(),
        withdrawn: Vec::new(),
    };
    let mut buf = Vec::new();
    while read_line(input, &mut buf, parser.line + 1)? {
        parser.line += 1;
        let text = match std::str::from_utf8(&buf) {
            Ok(s) => std::borrow::Cow::Borrowed(s),
            // Banks still send Latin text in Windows-1252; decide per line so one odd line can't garble the rest.
            Err(_) => WINDOWS_1252.decode_without_bom_handling(&buf).0,
        };
        parser.physical(&text)?;
    }
    parser.finish()
}

/// Reads one line (without its `\n`) into `buf`, refusing lines longer than `MAX_LINE`. False at EOF.
fn read_line(input: &mut dyn BufRead, buf: &mut Vec<u8>, line: u64) -> Result<bool, BankError> {
    buf.clear();
    loop {
        let avail = match input.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(BankError::new(line, None, format!("could not read the file: {e}"))),
        };
        if avail.is_empty() {
            return Ok(!buf.is_empty());
        }
        let newline = avail.iter().position(|&b| b == b'\n');
        let take = newline.unwrap_or(avail.len());
        buf.extend_from_slice(avail.get(..take).unwrap_or_default());
        input.consume(take + usize::from(newline.is_some()));
        if buf.len() > MAX_LINE {
            let m = format!("line {line} is longer than {MAX_LINE} bytes; this is not an MT940 file");
            return Err(BankError::new(line, None, m));
        }
        let done = newline.is_some();
        if done {
            return Ok(true);
        }
    }
}

/// The statement being read: `:20:` opens it, `:62F:`/`:62M:` closes it (`:64:`, `:65:` may follow).
struct Open {
    st: Statement,
    reference: String,
    has_account: bool,
    closed: bool,
}

/// The entry being read: its `:61:`, supplementary details and `:86:` lines.
struct Pending {
    entry: Entry,
    tx_type: String,
    supplementary: String,
    info: Vec<String>,
    /// Bytes in `info` (plus one a line), to refuse endless fields cheaply.
    info_size: usize,
    /// What was read leniently on the `:61:` line (an impossible value date), for the warnings.
    notes: Vec<String>,
    /// The transaction type as written when it is short, padded or missing (`NOV `, `S   `).
    short_type: Option<String>,
    /// The amount's decimal mark, if it has one.
    mark: Option<char>,
}

/// What a line without a tag continues.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cont {
    Ignore,
    Supplementary,
    Info,
}

struct Parser<'a, 's> {
    sink: &'a mut EntrySink<'s>,
    statements: Vec<Statement>,
    open: Option<Open>,
    pending: Option<Pending>,
    cont: Cont,
    /// Old Rabobank layout (the file starts with a `:940:` line).
    rabo_old: bool,
    preamble: u32,
    line: u64,
    /// A line holding only `-` inside an open `:86:`: the end of the message, or text? The next
    /// line decides (more text: text; a tag, a block, a blank line or the end of the file: the end).
    held_dash: Option<u64>,
    /// The decimal mark the file's amounts use (`,` as SWIFT says, or `.` in old Rabobank
    /// exports) and the line it was first seen on: one file uses one mark.
    mark: Option<(char, u64)>,
    /// `:61:` lines with a short, padded or missing transaction type: how many, and the first.
    short_types: (u64, String),
    /// File-level warnings: what was read leniently.
    notes: Vec<String>,
    /// Withdrawn currencies already warned about.
    withdrawn: Vec<Currency>,
}

/// An error about tag `at` on `line`; `message` continues "`:61:` on line 12 …".
fn fail(line: u64, at: &str, message: impl std::fmt::Display) -> BankError {
    BankError::new(line, Some(at), format!("`{at}` on line {line} {message}"))
}

impl Parser<'_, '_> {
    /// Handles SWIFT block wrappers and message ends, passes the rest on.
    fn physical(&mut self, raw: &str) -> Result<(), BankError> {
        // Exports joined by hand or by a bank's portal carry stray control bytes between the
        // messages (SOH/ETX of the SWIFT envelope, Ctrl-Z end-of-file marks, NULs): no MT940
        // field holds one, so they are passed over at the ends of a line.
        let line = raw
            .trim_end_matches(['\r', '\n'])
            .trim_start_matches('\u{feff}')
            .trim_matches(|c: char| c.is_ascii_control() && c != '\t');
        if let Some(dash) = self.held_dash.take() {
            let text = !line.trim().is_empty() && !line.starts_with(['{', '-']) && split_tag(line).is_none();
            if text {
                // The bank wrapped a word at its `-` (`/MARF/MND` `-` `EV01…`): glued back as written.
                if let Some(p) = self.pending.as_mut() {
                    let last = p.info.pop().unwrap_or_default();
                    p.info_size = p.info_size.saturating_sub(last.len() + 1);
                    push_info(p, &format!("{last}-{}", line.trim_end()), self.line)?;
                }
                self.notes.push(format!(
                    "line {dash} holds only `-` inside the `:86:` text of an open statement and line {} goes on \
                     with text: read as text, not as the end of the message",
                    self.line
                ));
                return Ok(());
            } else {
                let now = std::mem::replace(&mut self.line, dash);
                self.end_message()?;
                self.line = now;
            }
        }
        let in_text =
            self.cont == Cont::Info && self.pending.is_some() && self.open.as_ref().is_some_and(|o| !o.closed);
        if line.trim() == "-" && in_text {
            self.held_dash = Some(self.line);
            return Ok(());
        }
        if let Some(rest) = line.strip_prefix('-').filter(|r| r.trim().is_empty() || r.starts_with('}')) {
            self.end_message()?;
            // `-}{5:…}{1:…}{2:…}{4:` may run the next message on in the same line.
            return rest.split_once("{4:").map_or(Ok(()), |(_, next)| self.logical(next));
        }
        let b = line.as_bytes();
        if b.first() == Some(&b'{') && b.get(1).is_some_and(u8::is_ascii_alphanumeric) && b.get(2) == Some(&b':') {
            return line.split_once("{4:").map_or(Ok(()), |(_, body)| self.logical(body));
        }
        self.logical(line)
    }

    fn logical(&mut self, line: &str) -> Result<(), BankError> {
        if line.trim().is_empty() {
            return Ok(());
        }
        if line.trim() == ":940:" {
            self.rabo_old = true;
            return Ok(());
        }
        match split_tag(line) {
            Some((tag, value)) => self.tag(tag, value),
            None => self.continuation(line),
        }
    }

    fn continuation(&mut self, line: &str) -> Result<(), BankError> {
        let n = self.line;
        match (self.cont, self.pending.as_mut()) {
            (Cont::Supplementary, Some(p)) if p.supplementary.len() < MAX_FIELD => {
                if !p.supplementary.is_empty() {
                    p.supplementary.push(' ');
                }
                p.supplementary.push_str(line.trim());
            }
            (Cont::Supplementary, Some(_)) => return Err(fail(n, ":61:", "runs on for pages; a tag is missing")),
            (Cont::Info, Some(p)) => push_info(p, line, n)?,
            _ if self.statements.is_empty() && self.open.is_none() => {
                self.preamble += 1;
                if self.preamble > MAX_PREAMBLE {
                    let message = format!("this is not an MT940 file: no `:20:` tag in the first {n} lines");
                    return Err(BankError::new(1, None, message));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn tag(&mut self, tag: &str, value: &str) -> Result<(), BankError> {
        // An entry's `:86:` may span several `:86:` tags (old Rabobank); any other tag ends the entry.
        if tag != "86" {
            self.flush()?;
        }
        self.cont = Cont::Ignore;
        let (n, at) = (self.line, format!(":{tag}:"));
        match tag {
            "20" => self.start(value),
            "25" => {
                let open = self.body(&at)?;
                open.has_account = true;
                open.st.account = strip_currency(value.trim()).to_string();
                match open.st.account.is_empty() {
                    true => Err(fail(n, &at, "has no account number")),
                    false => Ok(()),
                }
            }
            "28C" | "28" => {
                let open = self.body(&at)?;
                if !value.trim().is_empty() {
                    open.st.id = format!("{}/{}", open.reference, value.trim());
                }
                Ok(())
            }
            "60F" | "60M" => {
                let (amount, currency) = self.balance(value, &at)?;
                let open = self.body(&at)?;
                if !open.has_account {
                    return Err(fail(n, &at, "comes before the account `:25:`; the statement header is incomplete"));
                }
                if open.st.opening.is_some() {
                    return Err(fail(n, &at, format!("repeats the opening balance of statement {}", open.st.id)));
                }
                (open.st.currency, open.st.opening) = (Some(currency), Some(amount));
                Ok(())
            }
            "61" => self.entry(value),
            "86" => {
                // Without an entry, `:86:` is statement-level information (ING `/SUM/`): nothing to keep.
                if let Some(p) = self.pending.as_mut() {
                    self.cont = Cont::Info;
                    push_info(p, value, n)?;
                }
                Ok(())
            }
            "62F" | "62M" => self.closing(&at, value),
            // `:21:`, `:64:`, `:65:`, `:13D:`, `:34F:`, `:90C:`… carry nothing arx needs.
            _ => Ok(()),
        }
    }

    /// The open, not yet closed statement, for a tag of its body.
    fn body(&mut self, at: &str) -> Result<&mut Open, BankError> {
        let n = self.line;
        match self.open.as_mut() {
            None => Err(fail(n, at, "comes before any `:20:`; every MT940 statement starts with `:20:`")),
            Some(o) if o.closed => {
                let id = &o.st.id;
                Err(fail(n, at, format!("comes after the closing balance of statement {id}; a `:20:` is missing")))
            }
            Some(o) => Ok(o),
        }
    }

    fn start(&mut self, value: &str) -> Result<(), BankError> {
        let n = self.line;
        if let Some(o) = self.open.as_ref().filter(|o| !o.closed) {
            let (id, l) = (&o.st.id, o.st.location.line);
            let m = format!("starts a statement, but statement {id} (line {l}) has no closing balance `:62F:`");
            return Err(fail(n, ":20:", m + "; the file may be truncated"));
        }
        let reference = value.trim().to_string();
        if reference.is_empty() {
            return Err(fail(n, ":20:", "has no statement reference"));
        }
        let location = Location { line: n, at: Some(":20:".into()) };
        let st = Statement { location, id: reference.clone(), ..Statement::default() };
        self.open = Some(Open { st, reference, has_account: false, closed: false });
        Ok(())
    }

    fn closing(&mut self, at: &str, value: &str) -> Result<(), BankError> {
        let n = self.line;
        let (closing, currency) = self.balance(value, at)?;
        let open = self.body(at)?;
        let st = &mut open.st;
        let (Some(opening), Some(cur)) = (st.opening, st.currency) else {
            return Err(fail(n, at, format!("closes statement {} which has no opening balance `:60F:`", st.id)));
        };
        (st.closing, open.closed) = (Some(closing), true);
        let computed = opening + st.credit_total - st.debit_total;
        if currency != cur {
            let m = format!("statement {}: the closing balance is in {currency}, the opening balance in {cur}", st.id);
            st.warnings.push(m + "; balances not checked");
        } else if computed != closing {
            let f = |m: i64| format_minor(m, cur);
            st.warnings.push(format!(
                "statement {}: opening {} + credits {} − debits {} = {}, \
                 but the closing balance is {} (difference {})",
                st.id,
                f(opening),
                f(st.credit_total),
                f(st.debit_total),
                f(computed),
                f(closing),
                f((closing - computed).abs()),
            ));
        }
        let done = st.clone();
        self.statements.push(done);
        Ok(())
    }

    /// `-` (or `-}`) ends a SWIFT message: its statement must be complete.
    fn end_message(&mut self) -> Result<(), BankError> {
        self.flush()?;
        self.cont = Cont::Ignore;
        let Some(o) = self.open.take().filter(|o| !o.closed) else { return Ok(()) };
        let (id, l) = (o.st.id, o.st.location.line);
        Err(fail(
            self.line,
            "-",
            format!("ends the message inside statement {id} (line {l}), before its `:62F:`; truncated?"),
        ))
    }

    fn finish(mut self) -> Result<BankFile, BankError> {
        if let Some(dash) = self.held_dash.take() {
            self.line = dash;
            self.end_message()?;
        }
        self.flush()?;
        if let Some(o) = self.open.as_ref().filter(|o| !o.closed) {
            let (n, id, l) = (self.line, &o.st.id, o.st.location.line);
            let m =
                format!("the file ends (line {n}) inside statement {id} (line {l}) before its closing balance `:62F:`");
            return Err(BankError::new(n, Some("end of file"), m + "; the file is truncated"));
        }
        if self.statements.is_empty() {
            let message = match self.line {
                0 => "the file is empty; expected an MT940 statement starting with `:20:`".to_string(),
                n => format!("this is not an MT940 file: no statement (`:20:` … `:62F:`) in its {n} lines"),
            };
            return Err(BankError::new(1, None, message));
        }
        let mut warnings = std::mem::take(&mut self.notes);
        if let (k @ 1.., first) = &self.short_types {
            warnings.push(format!(
                "{k} `:61:` line(s) with a short, padded or missing transaction type (SWIFT: N, F or S and three \
                 characters), first {first}; read with the type as written"
            ));
        }
        if let Some(('.', l)) = self.mark {
            warnings.push(format!(
                "amounts use '.' as the decimal mark (first on line {l}; SWIFT uses ','); read as a decimal point, \
                 as no amount in the file uses ','"
            ));
        }
        Ok(BankFile { format: BankFormat::Mt940, statements: self.statements, warnings })
    }

    /// A `:60F:`/`:62F:` balance; notes what was read leniently (the date, a withdrawn currency, the mark).
    fn balance(&mut self, value: &str, at: &str) -> Result<(i64, Currency), BankError> {
        let b = parse_balance(value, self.line, at)?;
        self.note_mark(b.mark, at)?;
        self.notes.extend(b.note);
        if let Some(replaced) = b.currency.withdrawn().filter(|_| !self.withdrawn.contains(&b.currency)) {
            self.withdrawn.push(b.currency);
            let (c, d) = (b.currency, b.currency.minor_units());
            self.notes.push(format!(
                "line {}: {c} is a withdrawn currency (replaced by {replaced}); amounts read as {c} with {d} \
                 decimals, not converted",
                self.line
            ));
        }
        Ok((b.amount, b.currency))
    }

    /// One file, one decimal mark: a `.` is a decimal point only while no amount uses `,`.
    fn note_mark(&mut self, mark: Option<char>, at: &str) -> Result<(), BankError> {
        match (mark, self.mark) {
            (Some(m), None) => self.mark = Some((m, self.line)),
            (Some(m), Some((first, l))) if m != first => {
                let msg = format!(
                    "has an amount with '{m}' as decimal mark, but the amount on line {l} uses '{first}'; a file \
                     uses one mark, so these amounts are ambiguous — ask the bank for the file again"
                );
                return Err(fail(self.line, at, msg));
            }
            _ => {}
        }
        Ok(())
    }

    fn entry(&mut self, value: &str) -> Result<(), BankError> {
        let (n, rabo_old) = (self.line, self.rabo_old);
        let open = self.body(":61:")?;
        let (Some(currency), true) = (open.st.currency, open.has_account) else {
            let m = "comes before the account `:25:` and opening balance `:60F:` of its statement";
            return Err(fail(n, ":61:", m));
        };
        let mut p = parse_61(value, n, currency)?;
        self.note_mark(p.mark, ":61:")?;
        self.notes.append(&mut p.notes);
        if let Some(t) = p.short_type.take() {
            self.short_types.0 += 1;
            if self.short_types.0 == 1 {
                self.short_types.1 = format!("on line {n}: '{t}'");
            }
        }
        if rabo_old {
            // Old Rabobank: the 16-character reference is the counterparty account, the rest its name.
            p.entry.counterparty_account = p.entry.customer_ref.take();
            p.entry.counterparty_name = Some(std::mem::take(&mut p.supplementary)).filter(|s| !s.is_empty());
        }
        self.pending = Some(p);
        self.cont = Cont::Supplementary;
        Ok(())
    }

    /// Completes the pending entry (its `:86:` is now whole), counts it and hands it to the sink.
    fn flush(&mut self) -> Result<(), BankError> {
        let (Some(p), Some(open)) = (self.pending.take(), self.open.as_mut()) else { return Ok(()) };
        let mut entry = p.entry;
        apply_info(&mut entry, &p.info, &p.tx_type, self.rabo_old, p.supplementary);
        let st = &mut open.st;
        let (count, total) = match entry.direction {
            Direction::Credit => (&mut st.credits, &mut st.credit_total),
            Direction::Debit => (&mut st.debits, &mut st.debit_total),
        };
        *count += 1;
        *total = total.saturating_add(entry.amount);
        if *total > MAX_TOTAL {
            let m = "takes its statement's totals past 10^18 minor units; the amounts are not plausible";
            return Err(fail(entry.location.line, ":61:", m));
        }
        (self.sink)(st, entry);
        Ok(())
    }
}

/// Adds a `:86:` line to the entry, refusing endless fields.
fn push_info(p: &mut Pending, line: &str, n: u64) -> Result<(), BankError> {
    p.info.push(line.to_string());
    p.info_size += line.len() + 1;
    if p.info_size > MAX_FIELD {
        return Err(fail(n, ":86:", format!("makes the `:86:` field longer than {MAX_FIELD} bytes; a tag is missing")));
    }
    Ok(())
}

/// `:61:` value date, entry date, mark, funds code, amount, type, references.
fn parse_61(value: &str, n: u64, currency: Currency) -> Result<Pending, BankError> {
    let err = |m: String| fail(n, ":61:", m);
    // Banks pad the line in harmless ways (a space before the entry date, between the mark and
    // the amount, between the amount and the type, inside the type); the meaning is still
    // unmistakable, so spaces between the fields are passed over. Only the reference part keeps
    // its spaces as written.
    let s = value.trim();
    let (date_text, rest) = split_while(s, |c| c.is_ascii_digit());
    let (date_text, rest) = match date_text.len() {
        6 | 10 => (date_text, rest),
        _ => {
            return Err(err(format!("starts with '{date_text}', not a value date YYMMDD and optional entry date MMDD")))
        }
    };
    let value_text = date_text.get(..6).unwrap_or(date_text);
    let value_date = parse_yymmdd(value_text);
    // German banks book month-end items "value 30 February": no such day, but the month is clear;
    // it only places the entry date in its year, and the entry date is then the date used.
    let anchor = value_date
        .or_else(|| last_day_if_impossible(value_text))
        .ok_or_else(|| err(format!("starts with '{value_text}', not a value date YYMMDD")))?;
    let (mut entry_text, mut rest) = (date_text.get(6..).unwrap_or(""), rest);
    if entry_text.is_empty() {
        // "150701 0701C…": the entry date after a space.
        let (more, after) = split_while(rest.trim_start(), |c| c.is_ascii_digit());
        if more.len() == 4 && after.starts_with(['C', 'D', 'R', 'E']) {
            (entry_text, rest) = (more, after);
        }
    }
    let entry_date = match entry_text {
        "" => None,
        mmdd => Some(entry_date(anchor, mmdd).ok_or_else(|| err(format!("has entry date '{mmdd}', not MMDD")))?),
    };
    let mut notes = Vec::new();
    match (value_date, entry_date) {
        (Some(_), _) => {}
        (None, Some(booked)) => notes.push(format!(
            "`:61:` on line {n} has value date '{value_text}', which is no calendar day; the entry date {booked} is used"
        )),
        (None, None) => {
            return Err(err(format!(
                "has value date '{value_text}', which is no calendar day, and no entry date MMDD to use instead"
            )))
        }
    }
    let rest = rest.trim_start();
    let mark = MARKS.iter().find_map(|&(m, d, r)| Some((d, r, rest.strip_prefix(m)?)));
    let Some((direction, reversal, rest)) = mark else {
        let shown: String = rest.chars().take(3).collect();
        return Err(err(format!("has '{shown}' where the debit/credit mark (C, D, RC, RD) belongs")));
    };
    // Optional funds code: the third letter of the currency code.
    let rest = rest.trim_start();
    let rest = rest.strip_prefix(|c: char| c.is_ascii_alphabetic()).unwrap_or(rest).trim_start();
    let (amount_text, rest) = split_while(rest, |c| c.is_ascii_digit() || c == ',' || c == '.');
    if amount_text.is_empty() {
        return Err(err("has no amount after the D/C mark; the file may be truncated or not MT940".into()));
    }
    let (amount, mark) = parse_amount(amount_text, currency).map_err(|m| err(format!("has a bad amount: {m}")))?;
    let (tx_type, rest, short_type) = transaction_type(rest.trim_start()).ok_or_else(|| {
        err("has no transaction type (N, F or S and three characters, e.g. NTRF) after the amount".into())
    })?;
    let (customer, bank, supplementary) = match rest.split_once("//") {
        Some((c, b)) => (c, Some(b.trim()), ""),
        None => match rest.char_indices().nth(16) {
            // Without `//`, a reference longer than 16x carries supplementary details on the same line.
            Some((i, _)) => (rest.get(..i).unwrap_or(rest), None, rest.get(i..).unwrap_or("")),
            None => (rest, None, ""),
        },
    };
    let customer = customer.trim();
    let entry = Entry {
        location: Location { line: n, at: Some(":61:".into()) },
        direction,
        reversal,
        amount,
        currency,
        booking_date: entry_date.or(value_date),
        value_date,
        bank_ref: bank.filter(|b| !b.is_empty()).map(str::to_string),
        customer_ref: Some(customer).filter(|c| !c.is_empty() && *c != "NONREF").map(str::to_string),
        end_to_end_id: None,
        counterparty_name: None,
        counterparty_account: None,
        type_code: Some(tx_type.clone()).filter(|t| !t.is_empty()),
        texts: Vec::new(),
        referred_documents: Vec::new(),
        creditor_refs: Vec::new(),
        return_reason: None,
        batch_index: None,
    };
    let supplementary = supplementary.trim().to_string();
    Ok(Pending { entry, tx_type, supplementary, info: Vec::new(), info_size: 0, notes, short_type, mark })
}

/// The `:61:` transaction type at the start of `rest` (after the amount) → (type, what follows,
/// the type as written when it deviates). SWIFT: `N`, `F` or `S` and three characters (`NTRF`).
/// Read as well, since the mark and amount before it are unmistakable: a space after the letter
/// (`N TRF`); a short code padded with blanks to its three places (ING/Triodos `NOV NONREF`,
/// Sberbank `S   X`: blank); no type at all when the references (`//…`) or the line's end follow.
/// Anything else there (`C10,00X/Y`) is not a type: None.
fn transaction_type(rest: &str) -> Option<(String, &str, Option<String>)> {
    let alnum = |t: &str| t.bytes().all(|b| b.is_ascii_alphanumeric());
    let Some(letter @ ('N' | 'F' | 'S')) = rest.chars().next() else {
        return (rest.is_empty() || rest.starts_with("//")).then(|| (String::new(), rest, Some("(none)".into())));
    };
    let after = rest.get(1..).unwrap_or("");
    if let Some(code) = after.get(..3).filter(|c| alnum(c)) {
        return Some((format!("{letter}{code}"), after.get(3..).unwrap_or(""), None));
    }
    // "N TRF": a space between the letter and a code of letters. Digits after the padding are
    // the reference of a short, padded type ("S   90012345"), not a code.
    let spaced = after.trim_start();
    let letters = |t: &str| t.bytes().all(|b| b.is_ascii_alphabetic());
    if let Some(code) = spaced.get(..3).filter(|c| letters(c) && spaced.len() < after.len()) {
        return Some((format!("{letter}{code}"), spaced.get(3..).unwrap_or(""), None));
    }
    // A short code in the three places, blank-padded (or cut by the end of the line).
    let slot = after.get(..3).unwrap_or(after);
    let code = slot.trim_end_matches(' ');
    if !alnum(code) || code.contains(' ') {
        return None;
    }
    let written = format!("{letter}{slot}");
    Some((format!("{letter}{code}"), after.get(slot.len()..).unwrap_or(""), Some(written)))
}

/// A balance read from `:60F:`/`:62F:`: signed minor units, currency, the decimal mark, and a
/// note when its date had to be read leniently.
struct Balance {
    amount: i64,
    currency: Currency,
    mark: Option<char>,
    note: Option<String>,
}

/// `:60F:`/`:62F:` body: D/C mark, YYMMDD, currency, amount.
fn parse_balance(value: &str, line: u64, at: &str) -> Result<Balance, BankError> {
    let err = |m: String| fail(line, at, m);
    let s = value.trim();
    let (sign, rest) = if let Some(r) = s.strip_prefix('C') {
        (1, r)
    } else if let Some(r) = s.strip_prefix('D') {
        (-1, r)
    } else {
        let shown: String = s.chars().take(1).collect();
        return Err(err(format!("must start with the mark C or D, not '{shown}'")));
    };
    let date = rest.get(..6).unwrap_or(rest);
    // The balance date places nothing (payments are dated by their entries): a day past the end of
    // its month (`021131`, 31 November) is read as the month's last day, with a warning.
    let note = match (parse_yymmdd(date), last_day_if_impossible(date)) {
        (Some(_), _) => None,
        (None, Some(d)) => Some(format!(
            "`{at}` on line {line} is dated '{date}', which is no calendar day; read as {d}, the last day of that month"
        )),
        (None, None) => return Err(err(format!("has '{date}' where the date YYMMDD belongs"))),
    };
    let code = rest.get(6..9).unwrap_or("");
    let currency = Currency::parse_historic(code).map_err(|_| {
        err(format!(
            "has '{code}' where the currency code belongs; that is no ISO 4217 currency code (current or withdrawn)"
        ))
    })?;
    let amount_text = rest.get(9..).unwrap_or("").trim();
    if amount_text.is_empty() {
        return Err(err("has no amount after the currency".to_string()));
    }
    let (amount, mark) = parse_amount(amount_text, currency).map_err(|m| err(format!("has a bad amount: {m}")))?;
    Ok(Balance { amount: sign * amount, currency, mark, note })
}

/// MT940 amount: digits with one decimal comma (`1250,00`, `15000,`, zero-padded). Old Rabobank
/// exports write a point (`000000002145.00`, `115351.`): MT940 amounts have no thousands
/// separators, so one `.` or `,` is the decimal mark (the caller keeps a file to one of them).
/// Returns the minor units and the mark used.
fn parse_amount(text: &str, currency: Currency) -> Result<(i64, Option<char>), String> {
    let bad = || format!("'{text}' is not digits with one decimal comma (e.g. 1250,00)");
    let marks = text.bytes().filter(|&b| b == b',' || b == b'.').count();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b',' || b == b'.') || marks > 1 {
        return Err(bad());
    }
    let mark = text.chars().find(|&c| c == ',' || c == '.');
    let canonical = text.replace(',', ".");
    let value = parse_decimal(&canonical).map_err(|_| bad())?;
    Ok((to_minor(value, currency, &canonical).map_err(|e| e.to_string())?, mark))
}

fn parse_yymmdd(s: &str) -> Option<NaiveDate> {
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let yy: i32 = s.get(..2)?.parse().ok()?;
    let year = if yy < 80 { 2000 + yy } else { 1900 + yy };
    NaiveDate::from_ymd_opt(year, s.get(2..4)?.parse().ok()?, s.get(4..6)?.parse().ok()?)
}

/// YYMMDD with a real month and a day 1–31 that the month doesn't have (30 February, 31
/// November) → the month's last day. Anything else (month 13, day 00 or 68) → None.
fn last_day_if_impossible(s: &str) -> Option<NaiveDate> {
    if parse_yymmdd(s).is_some() {
        return None;
    }
    let day: u32 = s.get(4..6)?.parse().ok()?;
    if !(29..=31).contains(&day) {
        return None;
    }
    let first = parse_yymmdd(&format!("{}01", s.get(..4)?))?;
    (28..day).rev().find_map(|d| first.with_day(d))
}

/// The entry date MMDD in the year that puts it nearest the value date (Dec/Jan wrap both ways).
fn entry_date(value: NaiveDate, mmdd: &str) -> Option<NaiveDate> {
    let month: u32 = mmdd.get(..2)?.parse().ok()?;
    let day: u32 = mmdd.get(2..4)?.parse().ok()?;
    let y = value.year();
    [y - 1, y, y + 1]
        .into_iter()
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .min_by_key(|d| (*d - value).num_days().abs())
}

/// Splits `s` after the longest ASCII prefix whose characters satisfy `keep`.
fn split_while(s: &str, keep: impl Fn(char) -> bool) -> (&str, &str) {
    let end = s.char_indices().find(|&(_, c)| !keep(c)).map_or(s.len(), |(i, _)| i);
    (s.get(..end).unwrap_or(s), s.get(end..).unwrap_or(""))
}

/// `:NN:` or `:NNa:` at the start of a line → (tag, rest).
fn split_tag(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    if b.first() != Some(&b':') || !b.get(1)?.is_ascii_alphanumeric() || !b.get(2)?.is_ascii_alphanumeric() {
        return None;
    }
    let end = match b.get(3)? {
        b':' => 3,
        c if c.is_ascii_uppercase() && b.get(4) == Some(&b':') => 4,
        _ => return None,
    };
    Some((line.get(1..end)?, line.get(end + 1..)?))
}

/// `:25:` may end in the currency (`1291.99.348EUR`, `NL69INGB0123456789EUR`): the account is without it.
fn strip_currency(account: &str) -> &str {
    let n = account.len();
    let (Some(head), Some(tail)) = (account.get(..n.saturating_sub(3)), account.get(n.saturating_sub(3)..)) else {
        return account;
    };
    let joined = head.ends_with(|c: char| c.is_ascii_digit() || c == '/' || c == ' ');
    if n > 3 && joined && tail.bytes().all(|b| b.is_ascii_uppercase()) && Currency::parse(tail).is_ok() {
        head.trim_end_matches(['/', ' '])
    } else {
        account
    }
}

#[cfg(test)]
#[path = "mt940_tests.rs"]
mod tests;
