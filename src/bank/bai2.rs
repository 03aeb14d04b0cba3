//! BAI2 (Cash Management Balance Reporting Specifications, version 2) reader.
//!
//! A file is `01` (`02` (`03` `16`* `49`)* `98`)* `99`; `88` continues the record before it with
//! more fields (the spec lets a `16` stop after any field and go on in an `88`). Fields are
//! comma-separated and a record ends at `/`, except that the text of a `16` (its last field) may
//! hold commas and slashes and runs to the end of the physical line. Records may share a line: a
//! `/` inside text only ends the record when a `16,ttt,`, `88,` or `49,n,n/` record follows it.
//! Amounts are whole minor units of the currency (implied decimals); a detail's sign comes from
//! its type code. Control totals and counts that are off are warnings: real files get them wrong.

use super::bai2_text::{apply_tags, referred_documents};
use super::{BankError, BankFile, BankFormat, Direction, Entry, EntrySink, Location, Statement};
use crate::money::{format_minor, Currency, MAX_MINOR};
use chrono::NaiveDate;
use std::collections::VecDeque;
use std::io::{BufRead, Read};

/// Longest physical line accepted; BAI2 lines are short, so this only bounds memory.
const MAX_LINE: usize = 1 << 20;
/// Most fields, and bytes, one logical record may gather over its `88` continuations.
const MAX_FIELDS: usize = 20_000;
const MAX_RECORD: usize = 4 << 20;

/// Detail type codes of returns, rejects and reversals of an earlier entry (BAI 2005 / X9 list):
/// credits 123 … 395, debits 423 … 694.
#[rustfmt::skip]
const REVERSALS: &[u16] = &[
    123, 168, 252, 254, 255, 257, 258, 261, 266, 268, 395,
    423, 468, 552, 554, 555, 557, 558, 561, 566, 568, 694,
];

/// Whether the first bytes look like BAI2: an `01` file header with a YYMMDD creation date.
pub fn sniff(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    let mut fields = head.get(start..).unwrap_or_default().split(|&b| b == b',');
    fields.next() == Some(b"01") && fields.nth(2).is_some_and(|d| d.len() == 6 && d.iter().all(u8::is_ascii_digit))
}

/// Streams a BAI2 file: every `16` credit or debit goes to `sink` as it is read; one statement
/// per `03` account (per group), with its control-total and balance warnings.
pub fn parse(input: &mut dyn BufRead, sink: &mut EntrySink<'_>) -> Result<BankFile, BankError> {
    let mut lines = Lines { input, buf: Vec::new(), line: 0, pending: VecDeque::new() };
    let mut p = Parser {
        sink,
        open: None,
        open_bytes: 0,
        file: None,
        group: None,
        as_of: NaiveDate::MIN,
        group_currency: None,
        account: None,
        files: 0,
        statements: Vec::new(),
        warnings: Vec::new(),
    };
    while let Some((n, text)) = lines.next()? {
        p.line(&text, n)?;
    }
    p.finish()?;
    let last = lines.line.max(1);
    let open = match (&p.account, &p.group, &p.file) {
        (Some(a), _, _) => Some(format!("the account from line {} has no 49 trailer", a.stmt.location.line)),
        (None, Some(g), _) => Some(format!("the group from line {} has no 98 trailer", g.line)),
        (None, None, f) => f.as_ref().map(|f| format!("the file from line {} has no 99 trailer", f.line)),
    };
    if let Some(open) = open {
        return Err(BankError::new(last, None, format!("the file ends on line {last} but {open}; it is truncated")));
    }
    if p.files == 0 {
        return Err(BankError::new(1, None, "the file is empty; a BAI2 file starts with an 01 file header"));
    }
    Ok(BankFile { format: BankFormat::Bai2, statements: p.statements, warnings: p.warnings })
}

/// Physical lines, numbered from 1; LF, CRLF and lone CR all end a line.
struct Lines<'a> {
    input: &'a mut dyn BufRead,
    buf: Vec<u8>,
    line: u64,
    pending: VecDeque<String>,
}

impl Lines<'_> {
    fn next(&mut self) -> Result<Option<(u64, String)>, BankError> {
        if let Some(text) = self.pending.pop_front() {
            self.line += 1;
            return Ok(Some((self.line, text)));
        }
        self.buf.clear();
        let next = self.line + 1;
        let n = (&mut *self.input)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| BankError::new(next, None, format!("cannot read the file: {e}")))?;
        if n == 0 {
            return Ok(None);
        }
        if self.buf.len() > MAX_LINE && !self.buf.ends_with(b"\n") {
            let m =
                "line is longer than 1 MiB; BAI2 records are short lines, so this is not BAI2 (or has no line breaks)";
            return Err(BankError::new(next, None, m));
        }
        let bytes = if next == 1 { self.buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&self.buf) } else { &self.buf };
        // BAI2 is ASCII; stray non-UTF-8 bytes are read as Latin-1 rather than rejected.
        let text = match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
        };
        let mut parts = text.trim_end_matches(['\n', '\r']).split('\r');
        let first = parts.next().unwrap_or_default().to_string();
        self.pending.extend(parts.map(str::to_string));
        self.line = next;
        Ok(Some((next, first)))
    }
}

/// Fields of a logical record, each with the physical line it came from.
type Fields = Vec<(String, u64)>;

/// A logical record being gathered from its physical record and `88` continuations.
enum Open {
    Detail(Detail),
    Other { code: u8, line: u64, records: u64, fields: Fields },
}

struct Detail {
    line: u64,
    /// Type code, amount, funds type (+ its fields), bank and customer reference.
    head: Fields,
    texts: Vec<String>,
    in_text: bool,
    /// The text ran to the end of its physical line without the `/` that ends a record.
    text_open: bool,
}

/// A file or a group: what its trailer is checked against.
struct Level {
    id: String,
    line: u64,
    records: u64,
    children: u64,
    total: i128,
    currencies: Vec<Currency>,
}

struct AccountCtx {
    stmt: Statement,
    currency: Currency,
    records: u64,
    control: i128,
    /// Details that are not credits or debits, and details without an amount: how many, and the
    /// first few (type code, line) for the warning.
    skipped: Skipped,
    no_amount: Skipped,
}

#[derive(Default)]
struct Skipped(u64, Vec<(u16, u64)>);

impl Skipped {
    fn note(&mut self, code: u16, line: u64) {
        self.0 += 1;
        if self.1.len() < 10 {
            self.1.push((code, line));
        }
    }
}

struct Parser<'s, 'k> {
    sink: &'s mut EntrySink<'k>,
    open: Option<Open>,
    open_bytes: usize,
    file: Option<Level>,
    group: Option<Level>,
    as_of: NaiveDate,
    group_currency: Option<Currency>,
    account: Option<AccountCtx>,
    files: u64,
    statements: Vec<Statement>,
    warnings: Vec<String>,
}

fn err(line: u64, code: &str, message: String) -> BankError {
    BankError::new(line, Some(code), message)
}

fn record_code(s: &str) -> Option<u8> {
    let code = s.get(..3)?.strip_suffix(',')?;
    matches!(code, "01" | "02" | "03" | "16" | "49" | "88" | "98" | "99").then(|| code.parse().ok()).flatten()
}

fn get(fields: &[(String, u64)], i: usize) -> &str {
    fields.get(i).map_or("", |f| f.0.as_str())
}

fn line_of(fields: &[(String, u64)], i: usize, default: u64) -> u64 {
    fields.get(i).map_or(default, |f| f.1)
}

impl Parser<'_, '_> {
    /// Splits one physical line into records (several may share it) and feeds them in.
    fn line(&mut self, text: &str, n: u64) -> Result<(), BankError> {
        let mut rest = text.trim_start();
        // Blocked files pad their last block with 9s after the 99 trailer.
        let after_99 =
            (self.file.is_none() && self.files > 0) || matches!(self.open, Some(Open::Other { code: 99, .. }));
        if after_99 && rest.bytes().all(|b| matches!(b, b'9' | b' ' | 0)) {
            return Ok(());
        }
        let first = rest;
        while !rest.trim_matches(|c: char| c == '/' || c.is_whitespace()).is_empty() {
            // `88:EREF: …`: a colon typed for the comma after 88, at the start of a line that
            // continues an open record; nothing else starts with `88:`.
            if let Some(body) = rest.strip_prefix("88:").filter(|_| rest == first && self.open.is_some()) {
                self.warnings.push(format!("line {n} starts `88:` instead of `88,`; read as an 88 continuation"));
                rest = self.record(88, body, n)?.trim_start();
                continue;
            }
            // A 16 whose text ran on to the next line without `/` (records end at `/`, not at line
            // ends) and without `88,`: that line is more of the same text.
            if let Some(Open::Detail(d)) = self.open.as_mut().filter(|_| rest == first && record_code(rest).is_none()) {
                if d.in_text && d.text_open {
                    let from = d.line;
                    self.warnings.push(format!(
                        "line {n} has no record code; the text of the 16 record on line {from} ran on without `/`, \
                         so it is read as more of that text"
                    ));
                    self.open_bytes += rest.len();
                    rest = take_detail(d, rest, n)?.trim_start();
                    continue;
                }
            }
            let Some(code) = record_code(rest) else {
                let shown: String = rest.chars().take(24).collect();
                if self.file.is_none() && self.files == 0 {
                    let m = format!("line {n} starts with '{shown}', but a BAI2 file starts with an 01 file header; this is not BAI2");
                    return Err(BankError::new(n, None, m));
                }
                let m = format!("line {n} has a record '{shown}'; BAI2 records start with 01, 02, 03, 16, 49, 88, 98 or 99 and a comma");
                return Err(BankError::new(n, rest.get(..2), m));
            };
            rest = self.record(code, rest.get(3..).unwrap_or_default(), n)?.trim_start();
        }
        Ok(())
    }

    /// Takes one physical record; returns what follows it on the line.
    fn record<'b>(&mut self, code: u8, body: &'b str, n: u64) -> Result<&'b str, BankError> {
        if code == 88 {
            self.count_record();
            self.open_bytes += body.len();
            if self.open_bytes > MAX_RECORD {
                return Err(err(n, "88", format!("the record continued on line {n} is over 4 MiB with its 88s")));
            }
            return match &mut self.open {
                Some(Open::Detail(d)) => take_detail(d, body, n),
                Some(Open::Other { records, fields, .. }) => {
                    *records += 1;
                    take_fields(fields, body, n)
                }
                None => Err(err(n, "88", format!("the 88 continuation on line {n} has no record before it"))),
            };
        }
        self.finish()?;
        self.check_order(code, n)?;
        self.count_record();
        self.open_bytes = body.len();
        if code == 16 {
            let mut d = Detail { line: n, head: Vec::new(), texts: Vec::new(), in_text: false, text_open: false };
            let rest = take_detail(&mut d, body, n)?;
            self.open = Some(Open::Detail(d));
            return Ok(rest);
        }
        let mut fields = Vec::new();
        let rest = take_fields(&mut fields, body, n)?;
        self.open = Some(Open::Other { code, line: n, records: 1, fields });
        Ok(rest)
    }

    /// Counts a physical record into the account, group and file it is in (for the trailers).
    fn count_record(&mut self) {
        if let Some(a) = self.account.as_mut() {
            a.records += 1;
        }
        for level in [self.group.as_mut(), self.file.as_mut()].into_iter().flatten() {
            level.records += 1;
        }
    }

    fn check_order(&self, code: u8, n: u64) -> Result<(), BankError> {
        let (file, group, account) = (self.file.as_ref(), self.group.as_ref(), self.account.as_ref());
        let m = match code {
            1 => file.map(|f| format!("a second 01 file header on line {n}, but the file from line {} has no 99 trailer", f.line)),
            _ if file.is_none() && self.files > 0 => {
                Some(format!("record {code:02} on line {n} comes after the 99 file trailer; only a new 01 file may follow"))
            }
            _ if file.is_none() => Some(format!(
                "line {n} starts with record {code:02}, but a BAI2 file starts with an 01 file header; the file is not BAI2 or its start is missing"
            )),
            2 => group.map(|g| format!("02 group header on line {n}, but the group from line {} has no 98 trailer", g.line)),
            3 | 98 if group.is_none() => {
                Some(format!("record {code:02} on line {n} is outside a group; an 02 group header must come first"))
            }
            3 | 98 => account.map(|a| {
                format!("record {code:02} on line {n}, but the account from line {} has no 49 trailer", a.stmt.location.line)
            }),
            16 | 49 if account.is_none() => Some(format!(
                "record {code:02} on line {n} is outside an account; a 03 account identifier (inside an 02 group) must come first"
            )),
            99 => group.map(|g| format!("99 file trailer on line {n}, but the group from line {} has no 98 trailer", g.line)),
            _ => None,
        };
        m.map_or(Ok(()), |m| Err(err(n, &format!("{code:02}"), m)))
    }

    /// Completes the logical record gathered so far (its `88`s are in).
    fn finish(&mut self) -> Result<(), BankError> {
        match self.open.take() {
            None => Ok(()),
            Some(Open::Detail(d)) => self.detail(d),
            Some(Open::Other { code, line, records, fields: f }) => match code {
                1 => {
                    let version = get(&f, 7);
                    if !matches!(version, "" | "2" | "02") {
                        let m = format!(
                            "the 01 file header on line {line} says BAI version '{version}'; arx reads version 2"
                        );
                        return Err(err(line, "01", m));
                    }
                    // The file id keeps statement ids apart across a bank's daily files.
                    let id = match get(&f, 4) {
                        "" => format!("{}{}", get(&f, 2), get(&f, 3)),
                        id => id.to_string(),
                    };
                    self.file = Some(Level { id, line, records, children: 0, total: 0, currencies: Vec::new() });
                    Ok(())
                }
                2 => self.group_header(line, records, &f),
                3 => self.account_header(line, records, &f),
                49 => self.account_trailer(line, &f),
                _ => self.close_level(code, line, &f),
            },
        }
    }

    fn group_header(&mut self, line: u64, records: u64, f: &[(String, u64)]) -> Result<(), BankError> {
        let d = get(f, 3);
        self.as_of = date(d).ok_or_else(|| {
            err(line, "02", format!("the 02 group header on line {line} has as-of date '{d}'; expected YYMMDD"))
        })?;
        self.group_currency = Some(currency(get(f, 5), Currency::parse("USD").ok(), line, "02")?);
        let id = get(f, 1).to_string();
        let status = match get(f, 2) {
            "2" => "2 (deletion: it cancels data sent before)",
            "3" => "3 (correction: it replaces data sent before, whose entries may already be in)",
            "4" => "4 (test only)",
            _ => "",
        };
        if !status.is_empty() {
            self.warnings.push(format!("group {id} of {} (line {line}) has group status {status}", self.as_of));
        }
        self.group = Some(Level { id, line, records, children: 0, total: 0, currencies: Vec::new() });
        Ok(())
    }

    fn account_header(&mut self, line: u64, records: u64, f: &[(String, u64)]) -> Result<(), BankError> {
        let (Some(file), Some(group)) = (self.file.as_ref(), self.group.as_mut()) else { return Ok(()) };
        let account = get(f, 0);
        if account.is_empty() {
            return Err(err(line, "03", format!("the 03 account identifier on line {line} has no account number")));
        }
        let cur = currency(get(f, 1), self.group_currency, line, "03")?;
        if !group.currencies.contains(&cur) {
            group.currencies.push(cur);
        }
        let (mut control, mut ledger, mut available, mut closing) = (0i128, None, None, None);
        let mut i = 2;
        // Summaries: type code, amount, item count, funds type (+ its fields), until only blanks are left.
        while f.get(i..).is_some_and(|rest| rest.iter().any(|x| !x.0.is_empty())) {
            // Empty fields that end a physical record continued by an 88 (`015,35217175,,,/` then
            // `88,040,…`) are padding: a summary never starts with an empty type code.
            let here = line_of(f, i, line);
            let pad = f.get(i..).unwrap_or_default().iter().take_while(|x| x.0.is_empty() && x.1 == here).count();
            if pad > 0 && f.get(i + pad).is_some_and(|x| x.1 != here) {
                i += pad;
                continue;
            }
            let (code, at) = (get(f, i), line_of(f, i, line));
            if !matches!(code.len(), 0 | 3) || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err(
                    at,
                    "03",
                    format!("the 03 record on line {at} has type code '{code}'; type codes are 3 digits"),
                ));
            }
            let at = line_of(f, i + 1, line);
            let amount =
                amount(get(f, i + 1), true).map_err(|m| err(at, "03", format!("the 03 record on line {at}: {m}")))?;
            control += i128::from(amount.unwrap_or(0));
            match code {
                "010" => ledger = amount,
                "040" => available = amount,
                "015" => closing = amount,
                _ => {}
            }
            let extra = funds_extra(get(f, i + 3), f.get(i + 4).map(|x| x.0.as_str()))
                .map_err(|m| err(line_of(f, i + 3, line), "03", format!("03 record on line {line}: {m}")))?;
            i += 4 + extra.unwrap_or(1);
        }
        let stmt = Statement {
            location: Location { line, at: Some("03".into()) },
            id: format!("{}/{}/{}/{account}", file.id, group.id, self.as_of),
            account: account.to_string(),
            currency: Some(cur),
            opening: ledger.or(available),
            closing,
            ..Statement::default()
        };
        let (skipped, no_amount) = (Skipped::default(), Skipped::default());
        self.account = Some(AccountCtx { stmt, currency: cur, records, control, skipped, no_amount });
        Ok(())
    }

    fn detail(&mut self, d: Detail) -> Result<(), BankError> {
        let Some(acc) = self.account.as_mut() else { return Ok(()) };
        let (line, h) = (d.line, &d.head);
        let code_text = get(h, 0);
        let code: u16 = match code_text.parse() {
            Ok(c) if code_text.len() == 3 && code_text.bytes().all(|b| b.is_ascii_digit()) => c,
            _ => {
                let m = format!("the 16 record on line {line} has type code '{code_text}'; type codes are 3 digits");
                return Err(err(line, "16", m));
            }
        };
        let at = line_of(h, 1, line);
        let amount = amount(get(h, 1), false).map_err(|m| err(at, "16", format!("the 16 record on line {at}: {m}")))?;
        acc.control += i128::from(amount.unwrap_or(0));
        let extra = funds_extra(get(h, 2), h.get(3).map(|x| x.0.as_str())).ok().flatten().unwrap_or(0);
        let value_date = match (get(h, 2).eq_ignore_ascii_case("V"), get(h, 3)) {
            (true, v) if !v.is_empty() => Some(date(v).ok_or_else(|| {
                let m = format!("the 16 record on line {line} has value date '{v}'; expected YYMMDD");
                err(line_of(h, 3, line), "16", m)
            })?),
            _ => None,
        };
        let direction = match code {
            100..=399 | 920..=959 => Direction::Credit,
            400..=699 | 960..=999 => Direction::Debit,
            _ => {
                acc.skipped.note(code, line);
                return Ok(());
            }
        };
        let Some(amount) = amount else {
            acc.no_amount.note(code, line);
            return Ok(());
        };
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let mut entry = Entry {
            location: Location { line, at: Some("16".into()) },
            direction,
            reversal: REVERSALS.contains(&code),
            amount,
            currency: acc.currency,
            booking_date: Some(self.as_of),
            value_date,
            bank_ref: opt(get(h, 3 + extra)),
            customer_ref: opt(get(h, 4 + extra)),
            end_to_end_id: None,
            counterparty_name: None,
            counterparty_account: None,
            type_code: Some(code_text.to_string()),
            texts: Vec::new(),
            referred_documents: referred_documents(&d.texts, acc.currency),
            creditor_refs: Vec::new(),
            return_reason: None,
            batch_index: None,
        };
        apply_tags(&mut entry, &d.texts);
        entry.texts = d.texts;
        let s = &mut acc.stmt;
        let (n, total) = match direction {
            Direction::Credit => (&mut s.credits, &mut s.credit_total),
            Direction::Debit => (&mut s.debits, &mut s.debit_total),
        };
        *total = total.checked_add(amount).ok_or_else(|| err(line, "16", "the statement's totals overflow".into()))?;
        *n += 1;
        (self.sink)(s, entry);
        Ok(())
    }

    fn account_trailer(&mut self, line: u64, f: &[(String, u64)]) -> Result<(), BankError> {
        let (Some(mut acc), Some(group)) = (self.account.take(), self.group.as_mut()) else { return Ok(()) };
        let (total, count) = (total(get(f, 0), line, "49")?, count(get(f, 1), line, "49")?);
        let (cur, id, s) = (acc.currency, acc.stmt.id.clone(), &mut acc.stmt);
        if let Some(t) = total.filter(|t| *t != acc.control) {
            let (a, b, d) = (fmt(t, cur), fmt(acc.control, cur), fmt(t - acc.control, cur));
            s.warnings.push(format!("statement {id}: account trailer (49, line {line}) gives control total {a}, but the 03/16/88 amounts add up to {b} (difference {d})"));
        }
        if let Some(c) = count.filter(|c| *c != acc.records) {
            let has = acc.records;
            s.warnings.push(format!("statement {id}: account trailer (49, line {line}) counts {c} records, but the account has {has} (03 to 49, with 88s)"));
        }
        let not_money = "that are not credits or debits (loan 700-799, non-monetary 890, status or unassigned codes)";
        for (list, what) in [(&acc.skipped, not_money), (&acc.no_amount, "without an amount")] {
            if list.0 > 0 {
                let shown: Vec<String> = list.1.iter().map(|(c, l)| format!("{c:03} on line {l}")).collect();
                let (k, more) = (list.0, if list.0 > 10 { ", …" } else { "" });
                s.warnings
                    .push(format!("statement {id}: skipped {k} detail record(s) {what}: {}{more}", shown.join(", ")));
            }
        }
        if let (Some(open), Some(close)) = (s.opening, s.closing) {
            let end = i128::from(open) + i128::from(s.credit_total) - i128::from(s.debit_total);
            if end != i128::from(close) {
                let (o, c, d) =
                    (format_minor(open, cur), format_minor(s.credit_total, cur), format_minor(s.debit_total, cur));
                let (e, cl, diff) = (fmt(end, cur), format_minor(close, cur), fmt(end - i128::from(close), cur));
                s.warnings.push(format!("statement {id}: opening {o} + credits {c} − debits {d} = {e}, but the closing balance is {cl} (difference {diff})"));
            }
        }
        group.children += 1;
        group.total += total.unwrap_or(acc.control);
        self.statements.push(acc.stmt);
        Ok(())
    }

    /// `98` and `99`: checks the stated total (against the trailers inside) and counts.
    fn close_level(&mut self, code: u8, line: u64, f: &[(String, u64)]) -> Result<(), BankError> {
        let at = if code == 98 { "98" } else { "99" };
        let level = if code == 98 { self.group.take() } else { self.file.take() };
        let Some(l) = level else { return Ok(()) };
        let (total, children, records) =
            (total(get(f, 0), line, at)?, count(get(f, 1), line, at)?, count(get(f, 2), line, at)?);
        let (name, kids, first) = match code {
            98 => (format!("group {} of {} (line {})", l.id, self.as_of, l.line), "accounts", "02"),
            _ => (format!("file {} (line {})", l.id, l.line), "groups", "01"),
        };
        let cur = l.currencies.first().filter(|_| l.currencies.len() == 1).copied();
        let amt = |v: i128| cur.map_or_else(|| format!("{v} (minor units, mixed currencies)"), |c| fmt(v, c));
        if let Some(t) = total.filter(|t| *t != l.total) {
            let (a, b, d) = (amt(t), amt(l.total), amt(t - l.total));
            self.warnings.push(format!("{name}: trailer {at} on line {line} gives control total {a}, but the trailers inside add up to {b} (difference {d})"));
        }
        if let Some(c) = children.filter(|c| *c != l.children) {
            self.warnings
                .push(format!("{name}: trailer {at} on line {line} counts {c} {kids}, but there are {}", l.children));
        }
        if let Some(r) = records.filter(|r| *r != l.records) {
            let has = l.records;
            self.warnings.push(format!(
                "{name}: trailer {at} on line {line} counts {r} records, but there are {has} ({first} to {at})"
            ));
        }
        match self.file.as_mut() {
            Some(file) if code == 98 => {
                file.children += 1;
                file.total += total.unwrap_or(l.total);
                file.currencies
                    .extend(l.currencies.iter().filter(|c| !file.currencies.contains(c)).collect::<Vec<_>>());
            }
            _ => self.files += 1,
        }
        Ok(())
    }
}

/// Reads comma-separated fields up to the `/` that ends the record (or the line); returns the rest.
fn take_fields<'b>(fields: &mut Fields, body: &'b str, line: u64) -> Result<&'b str, BankError> {
    if body.trim().is_empty() || body.trim() == "/" {
        return Ok("");
    }
    let mut rest = body;
    loop {
        if fields.len() >= MAX_FIELDS {
            return Err(err(line, "88", format!("the record continued on line {line} has over {MAX_FIELDS} fields")));
        }
        let Some(i) = rest.find([',', '/']) else {
            fields.push((rest.trim().to_string(), line));
            return Ok("");
        };
        let (field, tail) = rest.split_at(i);
        fields.push((field.trim().to_string(), line));
        rest = tail.get(1..).unwrap_or_default();
        if tail.starts_with('/') {
            return Ok(rest);
        }
    }
}

/// Reads a `16` (or its `88`): the fixed fields one by one, then the text to the end of the line.
fn take_detail<'b>(d: &mut Detail, body: &'b str, line: u64) -> Result<&'b str, BankError> {
    let mut rest = body;
    loop {
        if d.head.len() + d.texts.len() >= MAX_FIELDS {
            return Err(err(line, "16", format!("the 16 record from line {} has over {MAX_FIELDS} fields", d.line)));
        }
        if d.in_text {
            let (text, after) = split_text(rest);
            let text = text.trim();
            d.text_open = after.is_empty() && !text.ends_with('/');
            let text = text.strip_suffix('/').unwrap_or(text).trim();
            if !text.is_empty() {
                d.texts.push(text.to_string());
                // The texts become one reference: refuse them past the text limit (README).
                let bytes: usize = d.texts.iter().map(|t| t.len() + 1).sum();
                if bytes > crate::limits::MAX_TEXT_BYTES as usize {
                    let m = format!(
                        "the 16 record from line {} carries more than {} characters of text (88 continuations); arx's \
                         limit for a text field is {} characters (it can't be raised) — the file is damaged",
                        d.line,
                        crate::hostile::MAX_TEXT_CHARS,
                        crate::hostile::MAX_TEXT_CHARS
                    );
                    return Err(err(line, "88", m));
                }
            }
            return Ok(after);
        }
        let need = match d.head.get(2) {
            None => 3,
            Some((funds, at)) => match funds_extra(funds, d.head.get(3).map(|x| x.0.as_str())) {
                Ok(extra) => extra.map_or(4, |x| 5 + x),
                Err(m) => return Err(err(*at, "16", format!("16 record on line {}: {m}", d.line))),
            },
        };
        if d.head.len() >= need {
            d.in_text = true;
            continue;
        }
        let (field, after, ended) = head_field(rest);
        d.head.push((field.trim().to_string(), line));
        if ended {
            return Ok(after);
        }
        rest = after;
    }
}

/// One fixed field of a `16`: ends at `,`, or at a `/` that ends the record (nothing or a new
/// record follows it; a `/` inside a reference is kept, as banks do put them there).
fn head_field(s: &str) -> (&str, &str, bool) {
    let mut from = 0;
    while let Some(i) = s.get(from..).and_then(|t| t.find([',', '/'])).map(|i| i + from) {
        let (field, tail) = s.split_at(i);
        let after = tail.get(1..).unwrap_or_default();
        if tail.starts_with(',') {
            return (field, after, false);
        }
        let next = after.trim_start();
        if next.trim_start_matches('/').trim().is_empty() || record_code(next).is_some() {
            return (field, after, true);
        }
        from = i + 1;
    }
    (s, "", true)
}

/// Text runs to the end of the line, unless a `/` is followed by a record that can follow a `16`.
fn split_text(s: &str) -> (&str, &str) {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let follows = |t: &str| {
        if let Some(r) = t.strip_prefix("16,") {
            return r.get(..3).is_some_and(digits) && r.get(3..4) == Some(",");
        }
        let Some((total, rest)) = t.strip_prefix("49,").and_then(|r| r.split_once(',')) else {
            return t.starts_with("88,");
        };
        digits(total.trim_start_matches(['+', '-'])) && digits(rest.split_once('/').map_or(rest.trim_end(), |(c, _)| c))
    };
    let mut from = 0;
    while let Some(i) = s.get(from..).and_then(|t| t.find('/')).map(|i| i + from) {
        let after = s.get(i + 1..).unwrap_or_default();
        if follows(after.trim_start()) {
            return (s.get(..i).unwrap_or_default(), after);
        }
        from = i + 1;
    }
    (s, "")
}

/// How many fields follow a funds type (`None`: a `D` whose count is not read yet).
fn funds_extra(funds: &str, next: Option<&str>) -> Result<Option<usize>, String> {
    match funds.trim().to_ascii_uppercase().as_str() {
        "" | "0" | "1" | "2" | "Z" => Ok(Some(0)),
        "V" => Ok(Some(2)),
        "S" => Ok(Some(3)),
        "D" => match next.map(str::trim) {
            None => Ok(None),
            Some("") => Ok(Some(1)),
            Some(n) => match n.parse::<usize>() {
                Ok(k) if k <= 1000 => Ok(Some(1 + 2 * k)),
                _ => Err(format!("funds type D gives '{n}' availability distributions; expected a count up to 1000")),
            },
        },
        other => Err(format!("funds type '{other}' is not one of 0, 1, 2, Z, S, V or D")),
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    let yy = i32::try_from(n(0..2)?).ok()?;
    NaiveDate::from_ymd_opt(if yy < 70 { 2000 + yy } else { 1900 + yy }, n(2..4)?, n(4..6)?)
}

fn currency(code: &str, default: Option<Currency>, line: u64, rec: &str) -> Result<Currency, BankError> {
    match (code, default) {
        ("", Some(c)) => Ok(c),
        _ => Currency::parse(code).map_err(|e| err(line, rec, format!("the {rec} record on line {line}: {e}"))),
    }
}

/// A BAI2 amount: digits only, in minor units (summary amounts may carry a sign).
fn amount(s: &str, signed: bool) -> Result<Option<i64>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    let (neg, digits) = match (s.strip_prefix('-'), s.strip_prefix('+')) {
        (Some(d), _) if signed => (true, d),
        (_, Some(d)) => (false, d),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        let hint = match s.starts_with('-') {
            true => "detail amounts are unsigned (the type code gives the sign)",
            false => "BAI2 amounts are whole minor units, digits only, e.g. 150000 for 1500.00 USD",
        };
        return Err(format!("amount '{s}' is not a number: {hint}"));
    }
    match digits.trim_start_matches('0') {
        "" => Ok(Some(0)),
        d => match d.parse::<i64>() {
            Ok(v) if v <= MAX_MINOR => Ok(Some(if neg { -v } else { v })),
            _ => Err(format!("amount '{s}' is too large (arx accepts up to 10^17 minor units)")),
        },
    }
}

/// A trailer control total (signed, may exceed one amount's limit).
fn total(s: &str, line: u64, at: &str) -> Result<Option<i128>, BankError> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if s.is_empty() {
        return Ok(None);
    }
    let v: Option<i128> = match digits.trim_start_matches('0') {
        _ if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.is_empty() => None,
        "" => Some(0),
        d => d.parse().ok(),
    };
    let m = || format!("the {at} trailer on line {line} has control total '{s}'; expected digits (minor units)");
    v.map(|v| Some(if s.starts_with('-') { -v } else { v })).ok_or_else(|| err(line, at, m()))
}

fn count(s: &str, line: u64, at: &str) -> Result<Option<u64>, BankError> {
    let m = || format!("the {at} trailer on line {line} has count '{s}'; expected a whole number");
    (!s.is_empty()).then(|| s.parse().map_err(|_| err(line, at, m()))).transpose()
}

fn fmt(v: i128, cur: Currency) -> String {
    i64::try_from(v).map_or_else(|_| format!("{v} (minor units)"), |v| format_minor(v, cur))
}

#[cfg(test)]
#[path = "bai2_tests.rs"]
mod tests;
