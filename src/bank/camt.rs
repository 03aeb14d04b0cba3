//! ISO 20022 camt.053 bank statements and camt.054 debit/credit notifications. Versions .001.02
//! to .001.08 (tested; later ones keep these names) share the element names we read; only the
//! namespace and a few nestings differ (v07+ `Sts/Cd`, v08 `RltdPties/Dbtr/Pty/Nm`), so elements
//! are matched by local name and relative path, whatever the namespace or prefix.
//! Streamed with quick-xml: no DOM; memory is bounded by one `Ntry` and its `TxDtls`.

use super::xml_source::Source;
use super::{BankError, BankFile, BankFormat, Direction, Entry, EntrySink, Location, ReferredDocument, Statement};
use crate::money::{self, Currency};
use chrono::NaiveDate;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::fmt::Write;
use std::io::BufRead;

/// Whether the first bytes (up to 4 KiB) look like a camt.053/054 document.
pub fn sniff(head: &[u8]) -> bool {
    // UTF-16 files: drop the zero bytes so the ASCII markers show.
    let narrow: Vec<u8>;
    let utf16 = |h: &[u8]| h.contains(&0) || h.starts_with(&[0xFF, 0xFE]) || h.starts_with(&[0xFE, 0xFF]);
    let head = if head.get(..4).is_some_and(utf16) {
        narrow = head.iter().copied().filter(|&b| b != 0 && b != 0xFF && b != 0xFE).collect();
        &narrow[..]
    } else {
        head
    };
    let first = head.iter().copied().find(|b| !b.is_ascii_whitespace() && !matches!(b, 0xEF | 0xBB | 0xBF));
    let has = |m: &str| head.windows(m.len()).any(|w| w == m.as_bytes());
    first == Some(b'<') && ["BkToCstmrStmt", "BkToCstmrDbtCdtNtfctn", ":camt.053.", ":camt.054."].into_iter().any(has)
}

/// The message for a text (or tag) past [`crate::limits::MAX_TEXT_BYTES`]: refused, not cut.
fn too_long() -> String {
    format!(
        "a text field (or tag) here is longer than {} characters, arx's limit for text (MAX_TEXT_CHARS, Excel's cell \
         size; it can't be raised); the file is damaged or not a real statement — get it again from the bank",
        crate::hostile::MAX_TEXT_CHARS
    )
}

/// Streams the file: calls `sink(&statement_header, entry)` for every booked entry in file order.
pub fn parse(input: &mut dyn BufRead, sink: &mut EntrySink<'_>) -> Result<BankFile, BankError> {
    let mut reader = Reader::from_reader(Source::new(input)?);
    let mut p = Parser::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        p.line = reader.get_ref().newlines + 1;
        let event = reader.read_event_into(&mut buf);
        if reader.get_ref().overlong || p.text.len() as u64 > crate::limits::MAX_TEXT_BYTES {
            return Err(p.err(too_long()));
        }
        let event = event.map_err(|e| match e {
            quick_xml::Error::Encoding(_) => p.err(
                "the file is not valid UTF-8; a Latin-1 or Windows-1252 file must say so in its first line: \
                 <?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
            ),
            quick_xml::Error::Io(e) => p.err(format!("can't read the file: {e}")),
            e => p.err(format!("the XML is malformed ({e}); the file may be truncated or damaged — get it again")),
        })?;
        if p.text.len() as u64 > crate::limits::MAX_TEXT_BYTES {
            return Err(p.err(too_long()));
        }
        match event {
            Event::Start(e) => p.open(&e)?,
            Event::Empty(e) => {
                p.open(&e)?;
                p.close(sink)?;
            }
            Event::End(_) => p.close(sink)?,
            // Only a leaf's text is used: whitespace between elements is skipped.
            Event::Text(t) if p.leaf => p.text.push_str(&t.xml10_content()),
            Event::CData(t) if p.leaf => p.text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => match (r.resolve_char_ref(), &*r) {
                (Ok(Some(c)), _) => p.text.push(c),
                (Ok(None), "amp") => p.text.push('&'),
                (Ok(None), "lt") => p.text.push('<'),
                (Ok(None), "gt") => p.text.push('>'),
                (Ok(None), "quot") => p.text.push('"'),
                (Ok(None), "apos") => p.text.push('\''),
                _ => return Err(p.err(format!("`&{};` is not an XML entity; write `&amp;` for a literal `&`", &*r))),
            },
            Event::Eof => break,
            _ => {}
        }
    }
    p.line = reader.get_ref().newlines + 1;
    if !p.tags.is_empty() {
        return Err(p.err(format!("the file ends inside `{}`: it is truncated — get the complete file again", p.at())));
    }
    let Some(format) = p.format else {
        return Err(p.err(
            "no camt.053 statement (`BkToCstmrStmt`) or camt.054 notification (`BkToCstmrDbtCdtNtfctn`) in this file",
        ));
    };
    if p.statements.is_empty() {
        let (root, kind) = match format {
            BankFormat::Camt054 => ("BkToCstmrDbtCdtNtfctn", "notification (`Ntfctn`)"),
            _ => ("BkToCstmrStmt", "statement (`Stmt`)"),
        };
        let m = format!("the `{root}` message holds no {kind}; the schema requires at least one, so the file is incomplete — get it again");
        return Err(BankError::new(p.line, Some(root), m));
    }
    Ok(BankFile { format, statements: p.statements, warnings: Vec::new() })
}

macro_rules! tags {
    ($($t:ident)*) => {
        /// The element names the reader looks at; everything else is `Other`.
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        #[allow(clippy::upper_case_acronyms)] // the variants are the element names
        enum Tag { Other, $($t),* }
        impl Tag {
            fn of(name: &str) -> Tag {
                match name { $(stringify!($t) => Tag::$t,)* _ => Tag::Other }
            }
        }
    };
}
tags!(Document BkToCstmrStmt BkToCstmrDbtCdtNtfctn Stmt Ntfctn Id IBAN Othr Acct Ccy Bal Tp CdOrPrtry Cd Prtry Amt
    CdtDbtInd Ntry RvslInd Sts BookgDt ValDt Dt DtTm AcctSvcrRef BkTxCd Domn Fmly SubFmlyCd AddtlNtryInf NtryDtls
    TxDtls Refs InstrId EndToEndId TxId MndtId AmtDtls TxAmt RltdPties Dbtr Cdtr UltmtDbtr UltmtCdtr DbtrAcct CdtrAcct
    Pty Nm RmtInf Ustrd Strd RfrdDocInf Nb RfrdDocAmt RmtdAmt DuePyblAmt DscntApldAmt CdtNoteAmt AdjstmntAmtAndRsn Rsn
    AddtlInf CdtrRefInf Ref AddtlRmtInf AddtlTxInf RtrInf);
use Tag::*;

/// `BkTxCd`: `Domn/Cd`, `Domn/Fmly/Cd`, `Domn/Fmly/SubFmlyCd` and `Prtry/Cd`.
#[derive(Default)]
struct TypeCode([Option<String>; 4]);

impl TypeCode {
    fn leaf(&mut self, rel: &[Tag], value: Option<String>) {
        let slot = match rel {
            [Domn, Cd] => 0,
            [Domn, Fmly, Cd] => 1,
            [Domn, Fmly, SubFmlyCd] => 2,
            [Prtry, Cd] => 3,
            _ => return,
        };
        self.0[slot] = value;
    }

    fn text(&self) -> Option<String> {
        let domain: Vec<&str> = self.0[..3].iter().map_while(|p| p.as_deref()).collect();
        if domain.is_empty() {
            self.0[3].clone()
        } else {
            Some(domain.join("/"))
        }
    }
}

/// `RltdPties`: the names (`Nm` or v08 `Pty/Nm`) of `Dbtr`, `UltmtDbtr`, `Cdtr`, `UltmtCdtr` and
/// the accounts of `DbtrAcct`, `CdtrAcct`.
#[derive(Default)]
struct Parties([Option<String>; 4], [Option<String>; 2]);

impl Parties {
    /// The other party: the debtor of a credit, the creditor of a debit. A reversal's file may
    /// keep the original transaction's parties or swap them, so it falls back to the other side.
    fn counterparty(&self, direction: Direction, reversal: bool) -> (Option<String>, Option<String>) {
        let [dbtr, ultmt_dbtr, cdtr, ultmt_cdtr] = self.0.clone();
        let [dbtr_acct, cdtr_acct] = self.1.clone();
        let (debtor, creditor) = ((dbtr.or(ultmt_dbtr), dbtr_acct), (cdtr.or(ultmt_cdtr), cdtr_acct));
        let (first, other) =
            if (direction == Direction::Credit) != reversal { (debtor, creditor) } else { (creditor, debtor) };
        if reversal && first.0.is_none() && first.1.is_none() {
            other
        } else {
            first
        }
    }
}

/// One `TxDtls` as read so far.
#[derive(Default)]
struct TxBuf {
    line: u64,
    at: String,
    bank_ref: Option<String>,
    refs: [Option<String>; 3], // InstrId, TxId, MndtId: the first present is the customer reference
    e2e: Option<String>,
    tx_amt: Option<(i64, Currency)>,
    amt: Option<(i64, Currency)>,
    dir: Option<Direction>,
    code: TypeCode,
    parties: Parties,
    texts: Vec<String>,
    docs: Vec<ReferredDocument>,
    creditor_refs: Vec<String>,
    return_reason: Option<String>,
    strd_docs: usize, // docs.len() when the current `Strd` opened
    strd: ReferredDocument,
}

impl TxBuf {
    /// The amount in the entry's currency (`AmtDtls/TxAmt`, else the v04+ `TxDtls/Amt`).
    fn amount(&self, ccy: Currency) -> Option<i64> {
        [self.tx_amt, self.amt].into_iter().flatten().find(|a| a.1 == ccy).map(|a| a.0)
    }
}

/// One `Ntry` as read so far.
#[derive(Default)]
struct NtryBuf {
    line: u64,
    at: String,
    amount: Option<(i64, Currency)>,
    dir: Option<Direction>,
    reversal: bool,
    status: Option<String>,
    booking: Option<NaiveDate>,
    value: Option<NaiveDate>,
    bank_ref: Option<String>,
    code: TypeCode,
    addtl: Vec<String>,
    txs: Vec<TxBuf>,
}

#[derive(Default)]
struct Parser {
    line: u64,
    tags: Vec<Tag>,
    /// `Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/…` with `marks` the length before each element.
    path: String,
    marks: Vec<usize>,
    text: String,
    /// No child element has opened since the last element opened: `text` is its whole content.
    leaf: bool,
    ccy: Option<String>,
    xmlns: String,
    format: Option<BankFormat>,
    // Depths (indexes into `tags`) of the open elements that collect something.
    stmt_d: Option<usize>,
    bal_d: Option<usize>,
    ntry_d: Option<usize>,
    dtls_d: Option<usize>,
    tx_d: Option<usize>,
    strd_d: Option<usize>,
    counts: [u32; 4], // Stmt, Ntry, NtryDtls, TxDtls: for `[n]` in paths
    stmt: Statement,
    header_checked: bool,
    mixed_ccy: bool,
    skipped: Vec<(String, u64)>,
    bal: (Option<String>, Option<(i64, Currency)>, Option<Direction>),
    opening_is_opbd: bool,
    /// The dates of the statement's balances (`Bal/Dt`), and how many entries had no date of their own.
    bal_dates: Vec<NaiveDate>,
    undated: u64,
    ntry: NtryBuf,
    tx: TxBuf,
    statements: Vec<Statement>,
}

fn value(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A reference: `NOTPROVIDED` (the SEPA placeholder) is no reference.
fn reference(text: &str) -> Option<String> {
    value(text).filter(|t| !t.eq_ignore_ascii_case("NOTPROVIDED"))
}

fn add(total: &mut Option<i64>, amount: i64) {
    *total = Some(total.unwrap_or(0).saturating_add(amount));
}

impl Parser {
    fn at(&self) -> &str {
        let from = self.stmt_d.and_then(|d| self.marks.get(d)).copied().unwrap_or(0);
        let at = self.path.get(from..).unwrap_or_default();
        at.strip_prefix('/').unwrap_or(at)
    }

    fn err(&self, msg: impl Into<String>) -> BankError {
        BankError::new(self.line, Some(self.at()), msg)
    }

    fn open(&mut self, e: &BytesStart) -> Result<(), BankError> {
        let local = e.local_name();
        let name: &str = local.as_ref();
        let tag = Tag::of(name);
        let depth = self.tags.len();
        if depth > 64 {
            return Err(self.err("elements nest more than 64 deep; this is not a camt file"));
        }
        let parent = self.tags.last().copied();
        let index = match (parent, tag) {
            (None, _) | (Some(Document), _) if self.format.is_none() => self.root(e, tag, name, depth)?,
            (Some(BkToCstmrStmt | BkToCstmrDbtCdtNtfctn), Stmt | Ntfctn) => {
                self.counts = [self.counts[0].saturating_add(1), 0, 0, 0];
                self.stmt_d = Some(depth);
                self.header_checked = false;
                let at = Some(format!("{name}[{}]", self.counts[0]));
                self.stmt = Statement { location: Location { line: self.line, at }, ..Statement::default() };
                Some(self.counts[0])
            }
            (Some(Stmt | Ntfctn), Bal) if self.stmt_d == Some(depth - 1) => {
                self.bal_d = Some(depth);
                self.bal = Default::default();
                None
            }
            (Some(Stmt | Ntfctn), Ntry) if self.stmt_d == Some(depth - 1) => {
                self.check_header()?;
                self.counts[1] = self.counts[1].saturating_add(1);
                self.counts[2] = 0;
                self.ntry_d = Some(depth);
                Some(self.counts[1])
            }
            (Some(Ntry), NtryDtls) if self.ntry_d == Some(depth - 1) => {
                self.counts[2] = self.counts[2].saturating_add(1);
                self.counts[3] = 0;
                self.dtls_d = Some(depth);
                (self.counts[2] > 1).then_some(self.counts[2])
            }
            (Some(NtryDtls), TxDtls) if self.dtls_d == Some(depth - 1) => {
                self.counts[3] = self.counts[3].saturating_add(1);
                self.tx_d = Some(depth);
                Some(self.counts[3])
            }
            (Some(RmtInf), Strd) if self.tx_d.is_some() => {
                self.strd_d = Some(depth);
                self.tx.strd_docs = self.tx.docs.len();
                self.tx.strd = ReferredDocument::default();
                None
            }
            _ => None,
        };
        self.tags.push(tag);
        self.marks.push(self.path.len());
        if !self.path.is_empty() {
            self.path.push('/');
        }
        self.path.push_str(name);
        if let Some(i) = index {
            let _ = write!(self.path, "[{i}]");
        }
        match tag {
            Ntry => (self.ntry.line, self.ntry.at) = (self.line, self.at().to_string()),
            TxDtls if self.tx_d == Some(depth) => (self.tx.line, self.tx.at) = (self.line, self.at().to_string()),
            _ => {}
        }
        if matches!(tag, Amt | RmtdAmt | DuePyblAmt | DscntApldAmt | CdtNoteAmt) {
            let ccy = e.attributes().flatten().find(|a| a.key.local_name().as_ref() == "Ccy");
            self.ccy = ccy.map(|a| a.value.into_owned());
        }
        self.text.clear();
        self.leaf = true;
        Ok(())
    }

    /// The root element and the message in it decide the format; anything else isn't camt.
    fn root(&mut self, e: &BytesStart, tag: Tag, name: &str, depth: usize) -> Result<Option<u32>, BankError> {
        match tag {
            BkToCstmrStmt => self.format = Some(BankFormat::Camt053),
            BkToCstmrDbtCdtNtfctn => self.format = Some(BankFormat::Camt054),
            Document if depth == 0 => {
                let ns = e.attributes().flatten().find(|a| a.key.as_ref() == "xmlns");
                self.xmlns = ns.map(|a| format!(" ({})", a.value)).unwrap_or_default();
            }
            _ => {
                let what = if depth == 0 { "root element" } else { "message" };
                return Err(self.err(format!(
                    "this XML's {what} is `{name}`{}, not a camt.053 bank statement (`BkToCstmrStmt`) or camt.054 \
                     notification (`BkToCstmrDbtCdtNtfctn`); export the statement from the bank as camt.053",
                    self.xmlns
                )));
            }
        }
        Ok(None)
    }

    fn close(&mut self, sink: &mut EntrySink<'_>) -> Result<(), BankError> {
        let Some(depth) = self.tags.len().checked_sub(1) else { return Ok(()) };
        let text = std::mem::take(&mut self.text);
        let leaf = std::mem::replace(&mut self.leaf, false);
        let here = Some(depth);
        if here == self.tx_d {
            self.tx_d = None;
            let tx = std::mem::take(&mut self.tx);
            self.ntry.txs.push(tx);
        } else if here == self.strd_d {
            self.strd_d = None;
            // One `RfrdDocAmt` per `Strd`: it belongs to the document only when there is one.
            let strd = std::mem::take(&mut self.tx.strd);
            if let [doc] = self.tx.docs.get_mut(self.tx.strd_docs..).unwrap_or_default() {
                *doc = ReferredDocument { number: std::mem::take(&mut doc.number), ..strd };
            }
        } else if here == self.dtls_d {
            self.dtls_d = None;
        } else if here == self.ntry_d {
            self.ntry_d = None;
            self.finish_entry(sink)?;
        } else if here == self.bal_d {
            self.bal_d = None;
            self.finish_balance()?;
        } else if here == self.stmt_d {
            self.finish_statement()?;
            self.stmt_d = None;
        } else if !leaf {
        } else if let Some(d) = self.tx_d {
            self.tx_leaf(d, &text)?;
        } else if let Some(d) = self.ntry_d {
            self.ntry_leaf(d, &text)?;
        } else if let Some(d) = self.bal_d {
            self.bal_leaf(d, &text)?;
        } else if let Some(d) = self.stmt_d {
            self.stmt_leaf(d, &text)?;
        }
        self.tags.pop();
        if let Some(m) = self.marks.pop() {
            self.path.truncate(m);
        }
        Ok(())
    }

    fn amount(&self, text: &str) -> Result<(i64, Currency), BankError> {
        let Some(code) = &self.ccy else {
            return Err(
                self.err("the amount has no `Ccy` attribute; camt amounts look like <Amt Ccy=\"EUR\">12.50</Amt>")
            );
        };
        let ccy = Currency::parse(code).map_err(|e| self.err(format!("`Ccy`: {e}")))?;
        let minor = money::parse_minor(text, ccy).map_err(|e| self.err(e.to_string()))?;
        if minor < 0 {
            return Err(self
                .err(format!("'{}' is negative; camt amounts are unsigned (CdtDbtInd gives the sign)", text.trim())));
        }
        Ok((minor, ccy))
    }

    fn direction(&self, text: &str) -> Result<Direction, BankError> {
        match text.trim() {
            "CRDT" => Ok(Direction::Credit),
            "DBIT" => Ok(Direction::Debit),
            t => Err(self.err(format!("CdtDbtInd is '{t}', but it must be CRDT or DBIT"))),
        }
    }

    /// `Dt` (`2014-01-05`) or `DtTm` (`2010-10-18T13:15:00+01:00`): the date as written, since
    /// that is the bank's local booking day (converting to UTC could move it a day).
    fn date(&self, text: &str) -> Result<NaiveDate, BankError> {
        let t = text.trim();
        // xs:date may carry a time zone (`2014-01-05+01:00`, `2014-01-05Z`), xs:dateTime fractions
        // and an offset; the day is taken as written (the bank's booking day).
        let day = t.get(..10).and_then(crate::dates::parse_iso).filter(|_| is_time_suffix(t.get(10..).unwrap_or("")));
        let Some(date) = day else {
            return Err(self.err(format!(
                "'{}' is not a date; camt dates look like 2014-01-05, 2014-01-05+01:00 or 2014-01-05T13:15:00",
                crate::error::quote_value(t)
            )));
        };
        if !crate::dates::in_range(date) {
            return Err(self.err(crate::dates::out_of_range(t)));
        }
        Ok(date)
    }

    fn stmt_leaf(&mut self, d: usize, text: &str) -> Result<(), BankError> {
        match self.tags.get(d + 1..).unwrap_or_default() {
            [Id] => self.stmt.id = value(text).unwrap_or_default(),
            [Acct, Id, IBAN] | [Acct, Id, Othr, Id] => self.stmt.account = value(text).unwrap_or_default(),
            [Acct, Ccy] => {
                let ccy = Currency::parse(text).map_err(|e| self.err(format!("the account currency: {e}")))?;
                self.stmt.currency = Some(ccy);
            }
            _ => {}
        }
        Ok(())
    }

    fn bal_leaf(&mut self, d: usize, text: &str) -> Result<(), BankError> {
        match self.tags.get(d + 1..).unwrap_or_default() {
            [Tp, CdOrPrtry, Cd] => self.bal.0 = value(text),
            [Amt] => self.bal.1 = Some(self.amount(text)?),
            [CdtDbtInd] => self.bal.2 = Some(self.direction(text)?),
            [Dt, Dt | DtTm] => {
                let d = self.date(text)?;
                if !self.bal_dates.contains(&d) {
                    self.bal_dates.push(d);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn finish_balance(&mut self) -> Result<(), BankError> {
        let (code, amount, dir) = std::mem::take(&mut self.bal);
        let code = code.unwrap_or_default();
        let opbd = code == "OPBD";
        if !(opbd || code == "PRCD" || code == "CLBD") {
            return Ok(()); // interim and available balances aren't checked
        }
        let Some((minor, ccy)) = amount else {
            return Err(self.err(format!("the {code} balance needs an `Amt` with `Ccy` and a `CdtDbtInd`")));
        };
        // `CdtDbtInd` is mandatory; some exports leave it out of every balance. A balance is a
        // credit balance unless the bank says otherwise: read so, and say so.
        let dir = dir.unwrap_or_else(|| {
            let st = &mut self.stmt;
            st.warnings.push(format!(
                "statement {}: the {code} balance has no `CdtDbtInd`; read as a credit (positive) balance",
                st.id
            ));
            Direction::Credit
        });
        let signed = if dir == Direction::Debit { -minor } else { minor };
        let st = &mut self.stmt;
        if st.currency.is_some_and(|c| c != ccy) {
            let acct = st.currency.map(|c| c.to_string()).unwrap_or_default();
            st.warnings.push(format!("statement {}: the {code} balance is in {ccy}, not {acct}; not checked", st.id));
            return Ok(());
        }
        st.currency = Some(ccy);
        if code == "CLBD" {
            st.closing = Some(signed);
        } else if opbd || !self.opening_is_opbd || st.opening.is_none() {
            st.opening = Some(signed);
            self.opening_is_opbd = opbd;
        }
        Ok(())
    }

    fn check_header(&mut self) -> Result<(), BankError> {
        if self.header_checked {
            return Ok(());
        }
        let kind =
            if self.format == Some(BankFormat::Camt054) { "notification (`Ntfctn`)" } else { "statement (`Stmt`)" };
        let line = self.stmt.location.line;
        let at = Some(self.at());
        if self.stmt.id.is_empty() {
            return Err(BankError::new(line, at, format!("the {kind} has no `Id`; the file is incomplete")));
        }
        if self.stmt.account.is_empty() {
            let msg =
                format!("the {kind} has no account (`Acct/Id/IBAN` or `Acct/Id/Othr/Id`); the file is incomplete");
            return Err(BankError::new(line, at, msg));
        }
        self.header_checked = true;
        Ok(())
    }

    fn ntry_leaf(&mut self, d: usize, text: &str) -> Result<(), BankError> {
        match self.tags.get(d + 1..).unwrap_or_default() {
            [Amt] => self.ntry.amount = Some(self.amount(text)?),
            [CdtDbtInd] => self.ntry.dir = Some(self.direction(text)?),
            [RvslInd] => self.ntry.reversal = matches!(text.trim(), "true" | "1"),
            [Sts] | [Sts, Cd | Prtry] => self.ntry.status = value(text),
            [BookgDt, Dt | DtTm] => self.ntry.booking = Some(self.date(text)?),
            [ValDt, Dt | DtTm] => self.ntry.value = Some(self.date(text)?),
            [AcctSvcrRef] => self.ntry.bank_ref = reference(text),
            [BkTxCd, rel @ ..] => self.ntry.code.leaf(rel, value(text)),
            [AddtlNtryInf] => self.ntry.addtl.extend(value(text)),
            _ => {}
        }
        Ok(())
    }

    fn tx_leaf(&mut self, d: usize, text: &str) -> Result<(), BankError> {
        let rel = self.tags.get(d + 1..).unwrap_or_default();
        let tx = &mut self.tx;
        match rel {
            [Refs, AcctSvcrRef] => tx.bank_ref = reference(text),
            [Refs, InstrId] => tx.refs[0] = reference(text),
            [Refs, TxId] => tx.refs[1] = reference(text),
            [Refs, MndtId] => tx.refs[2] = reference(text),
            [Refs, EndToEndId] => tx.e2e = reference(text),
            [AmtDtls, TxAmt, Amt] => self.tx.tx_amt = Some(self.amount(text)?),
            [Amt] => self.tx.amt = Some(self.amount(text)?),
            [CdtDbtInd] => self.tx.dir = Some(self.direction(text)?),
            [BkTxCd, rel @ ..] => tx.code.leaf(rel, value(text)),
            [RltdPties, party, Nm] | [RltdPties, party, Pty, Nm] => {
                if let Some(i) = [Dbtr, UltmtDbtr, Cdtr, UltmtCdtr].iter().position(|p| p == party) {
                    tx.parties.0[i] = value(text);
                }
            }
            [RltdPties, acct @ (DbtrAcct | CdtrAcct), Id, IBAN]
            | [RltdPties, acct @ (DbtrAcct | CdtrAcct), Id, Othr, Id] => {
                tx.parties.1[usize::from(*acct == CdtrAcct)] = value(text);
            }
            [RmtInf, Ustrd] | [RmtInf, Strd, AddtlRmtInf] | [AddtlTxInf] => tx.texts.extend(value(text)),
            [RmtInf, Strd, CdtrRefInf, Ref] => tx.creditor_refs.extend(value(text)),
            [RmtInf, Strd, RfrdDocInf, Nb] => {
                tx.docs.extend(value(text).map(|number| ReferredDocument { number, ..ReferredDocument::default() }))
            }
            [RmtInf, Strd, RfrdDocAmt, rel @ ..] => match rel {
                [AdjstmntAmtAndRsn, Rsn | AddtlInf] => {
                    let reason = tx.strd.reason.get_or_insert_with(String::new);
                    if let Some(v) = value(text) {
                        reason.push_str(if reason.is_empty() { "" } else { " " });
                        reason.push_str(&v);
                    }
                }
                [RmtdAmt | DuePyblAmt | CdtNoteAmt | DscntApldAmt] | [DscntApldAmt | AdjstmntAmtAndRsn, Amt] => {
                    let (minor, ccy) = self.amount(text)?;
                    // Documents carry amounts in the entry's currency; others can't be compared.
                    if self.ntry.amount.is_some_and(|a| a.1 == ccy) {
                        let strd = &mut self.tx.strd;
                        match rel {
                            [RmtdAmt] => strd.amount = Some(minor),
                            [DuePyblAmt] => strd.amount = strd.amount.or(Some(minor)),
                            [DscntApldAmt, ..] => add(&mut strd.discount, minor),
                            _ => add(&mut strd.deduction, minor),
                        }
                    }
                }
                _ => {}
            },
            [RtrInf, Rsn, Cd | Prtry] => tx.return_reason = value(text),
            _ => {}
        }
        Ok(())
    }

    fn finish_entry(&mut self, sink: &mut EntrySink<'_>) -> Result<(), BankError> {
        let n = std::mem::take(&mut self.ntry);
        let missing = |what: &str| {
            let msg =
                format!("the entry has no `{what}`; every `Ntry` needs one — the file may be damaged or not camt");
            BankError::new(n.line, Some(&n.at), msg)
        };
        let (amount, ccy) = n.amount.ok_or_else(|| missing("Amt"))?;
        let dir = n.dir.ok_or_else(|| missing("CdtDbtInd"))?;
        if let Some(status) = n.status.as_deref().filter(|s| *s != "BOOK") {
            match self.skipped.iter_mut().find(|s| s.0 == status) {
                Some(s) => s.1 += 1,
                None => self.skipped.push((status.to_string(), 1)),
            }
            return Ok(());
        }
        // An entry without `BookgDt` and `ValDt` (both optional in the schema) is dated by its
        // statement when that covers one day (all its balances carry the same date); otherwise it
        // stays undated, and an undated payment is refused where payments are made (bank/payments.rs).
        let mut booking = n.booking;
        if booking.is_none() && n.value.is_none() {
            if let [day] = self.bal_dates.as_slice() {
                booking = Some(*day);
                self.undated += 1;
            }
        }
        let st = &mut self.stmt;
        st.currency = st.currency.or(Some(ccy));
        self.mixed_ccy |= st.currency != Some(ccy);
        let signed = |a: i64, d: Direction| if d == Direction::Credit { i128::from(a) } else { -i128::from(a) };
        let tx_amounts: Vec<Option<i64>> = n.txs.iter().map(|t| t.amount(ccy)).collect();
        let net: Option<i128> =
            n.txs.iter().zip(&tx_amounts).map(|(t, a)| a.map(|a| signed(a, t.dir.unwrap_or(dir)))).sum();
        let base = Entry {
            location: Location { line: n.line, at: Some(n.at.clone()) },
            direction: dir,
            reversal: n.reversal || is_return_code(n.code.text().as_deref()),
            amount,
            currency: ccy,
            booking_date: booking,
            value_date: n.value,
            bank_ref: n.bank_ref.clone(),
            customer_ref: None,
            end_to_end_id: None,
            counterparty_name: None,
            counterparty_account: None,
            type_code: n.code.text(),
            texts: Vec::new(),
            referred_documents: Vec::new(),
            creditor_refs: Vec::new(),
            return_reason: None,
            batch_index: None,
        };
        let mut entries = Vec::new();
        let count = n.txs.len();
        let prefix = format!("statement {}: the entry on line {} ({})", st.id, n.line, n.at);
        if count > 1 && net == Some(signed(amount, dir)) {
            for (i, (tx, a)) in n.txs.into_iter().zip(tx_amounts).enumerate() {
                let mut e = Entry { location: Location { line: tx.line, at: Some(tx.at.clone()) }, ..base.clone() };
                e.direction = tx.dir.unwrap_or(dir);
                e.amount = a.unwrap_or_default();
                e.batch_index = u32::try_from(i).ok();
                apply(&mut e, tx);
                entries.push(e);
            }
        } else if count > 1 {
            let why = match net {
                Some(net) => {
                    let net = i64::try_from(if dir == Direction::Credit { net } else { -net }).unwrap_or(i64::MAX);
                    let fmt = |a| format!("{} {ccy}", money::format_minor(a, ccy));
                    format!("its {count} transactions add up to {} but the entry is {}", fmt(net), fmt(amount))
                }
                None => {
                    let k = tx_amounts.iter().filter(|a| a.is_none()).count();
                    format!("{k} of its {count} transactions give no amount in {ccy}")
                }
            };
            st.warnings.push(format!("{prefix}: {why}, so it is kept as one entry"));
            let mut txs = n.txs.into_iter().map(|tx| {
                let mut e = base.clone();
                apply(&mut e, tx);
                e
            });
            let mut merged = txs.next().unwrap_or_else(|| base.clone());
            // The entry's own reference and code describe the whole; the first transaction's fill in.
            merged.bank_ref = base.bank_ref.clone().or(merged.bank_ref);
            merged.type_code = base.type_code.clone().or(merged.type_code);
            let mut extra = Vec::new();
            for mut e in txs {
                merged.bank_ref = merged.bank_ref.or(e.bank_ref);
                merged.type_code = merged.type_code.or(e.type_code);
                merged.return_reason = merged.return_reason.or(e.return_reason);
                // Other payers' references stay findable as texts.
                for (field, label, value) in [
                    (&mut merged.end_to_end_id, "EndToEndId", e.end_to_end_id),
                    (&mut merged.customer_ref, "Ref", e.customer_ref),
                ] {
                    match (field.as_ref(), value) {
                        (None, v) => *field = v,
                        (Some(f), Some(v)) if *f != v => extra.push(format!("{label} {v}")),
                        _ => {}
                    }
                }
                // A name or account only when every transaction has the same one.
                if e.counterparty_name != merged.counterparty_name {
                    merged.counterparty_name = None;
                }
                if e.counterparty_account != merged.counterparty_account {
                    merged.counterparty_account = None;
                }
                merged.texts.append(&mut e.texts);
                merged.referred_documents.append(&mut e.referred_documents);
                merged.creditor_refs.append(&mut e.creditor_refs);
            }
            merged.texts.append(&mut extra);
            entries.push(merged);
        } else {
            let mut e = base;
            if let Some(tx) = n.txs.into_iter().next() {
                if tx.dir.is_some_and(|d| d != dir) {
                    st.warnings
                        .push(format!("{prefix}: its transaction has the opposite CdtDbtInd; the entry's is used"));
                }
                apply(&mut e, tx);
            }
            entries.push(e);
        }
        for mut e in entries {
            e.texts.extend(n.addtl.iter().cloned());
            if e.direction == Direction::Credit {
                st.credits += 1;
                st.credit_total = st.credit_total.saturating_add(e.amount);
            } else {
                st.debits += 1;
                st.debit_total = st.debit_total.saturating_add(e.amount);
            }
            sink(st, e);
        }
        Ok(())
    }

    fn finish_statement(&mut self) -> Result<(), BankError> {
        self.check_header()?;
        let mut st = std::mem::take(&mut self.stmt);
        let mixed = std::mem::take(&mut self.mixed_ccy);
        self.opening_is_opbd = false;
        let day = self.bal_dates.first().map(|d| d.to_string()).unwrap_or_default();
        self.bal_dates.clear();
        let undated = std::mem::take(&mut self.undated);
        if undated > 0 {
            st.warnings.push(format!(
                "statement {}: {undated} entr{} without `BookgDt` or `ValDt`: dated {day}, the date of the statement's balances",
                st.id,
                if undated == 1 { "y" } else { "ies" }
            ));
        }
        for (status, count) in std::mem::take(&mut self.skipped) {
            let s = if count == 1 { "entry" } else { "entries" };
            st.warnings.push(format!("statement {}: skipped {count} {s} with status {status} (not booked)", st.id));
        }
        if let (Some(open), Some(close), Some(ccy)) = (st.opening, st.closing, st.currency) {
            let fmt = |a: i64| money::format_minor(a, ccy);
            let computed = open.saturating_add(st.credit_total).saturating_sub(st.debit_total);
            if mixed {
                st.warnings
                    .push(format!("statement {}: entries in other currencies than {ccy}; balances not checked", st.id));
            } else if computed != close {
                st.warnings.push(format!(
                    "statement {}: opening {} + credits {} − debits {} = {}, but the closing balance is {} (difference {})",
                    st.id,
                    fmt(open),
                    fmt(st.credit_total),
                    fmt(st.debit_total),
                    fmt(computed),
                    fmt(close),
                    fmt(computed.saturating_sub(close))
                ));
            }
        }
        self.statements.push(st);
        Ok(())
    }
}

/// Fills an entry from its `TxDtls`; transaction-level codes and references win over the entry's.
fn apply(e: &mut Entry, tx: TxBuf) {
    e.bank_ref = tx.bank_ref.or(e.bank_ref.take());
    e.type_code = tx.code.text().or(e.type_code.take());
    // A return is a return whichever way the bank says it: the reversal indicator, return
    // information (`RtrInf`) or a return code in `BkTxCd`. The same rule as MT940's RC/RD and
    // return codes and BAI2's return type codes (bank/payments.rs decides what each becomes).
    if tx.return_reason.is_some() || is_return_code(e.type_code.as_deref()) {
        e.reversal = true;
    }
    let [instr, txid, mndt] = tx.refs;
    e.customer_ref = instr.or(txid).or(mndt);
    e.end_to_end_id = tx.e2e;
    (e.counterparty_name, e.counterparty_account) = tx.parties.counterparty(e.direction, e.reversal);
    e.texts = tx.texts;
    e.referred_documents = tx.docs;
    e.creditor_refs = tx.creditor_refs;
    e.return_reason = tx.return_reason;
}

#[cfg(test)]
#[path = "camt_tests.rs"]
mod tests;

/// ISO 20022 bank transaction sub-families that mark a return or reversal of an earlier
/// transaction (`PMNT/RCDT/RRTN`: a received transfer returned; `PMNT/ICDT/RRTN`: our own
/// transfer come back; `UPDD`: an unpaid direct debit; `RPCR`: a cancellation).
fn is_return_code(code: Option<&str>) -> bool {
    code.and_then(|c| c.rsplit('/').next()).is_some_and(|sub| matches!(sub, "RRTN" | "UPDD" | "RPCR"))
}

/// What may follow the day in an xs:date or xs:dateTime: nothing, a zone (`Z`, `+01:00`), or
/// `T` and a time `hh:mm[:ss[.fff]]` with an optional zone.
fn is_time_suffix(s: &str) -> bool {
    fn zone(z: &str) -> bool {
        let b = z.as_bytes();
        z.is_empty()
            || z == "Z"
            || (matches!(b.first(), Some(b'+' | b'-'))
                && b.len() == 6
                && b[1..3].iter().all(u8::is_ascii_digit)
                && b[3] == b':'
                && b[4..].iter().all(u8::is_ascii_digit))
    }
    let Some(time) = s.strip_prefix('T') else { return zone(s) };
    let end = time.find(['Z', '+', '-']).unwrap_or(time.len());
    let (clock, z) = time.split_at(end);
    let mut parts = clock.split(':');
    let two = |p: Option<&str>, max: u8| {
        p.is_some_and(|p| {
            p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u8>().is_ok_and(|v| v <= max)
        })
    };
    let (h, m) = (parts.next(), parts.next());
    let secs_ok = match parts.next() {
        None => true,
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, "0"));
            two(Some(whole), 60) && !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit())
        }
    };
    two(h, 23) && two(m, 59) && secs_ok && parts.next().is_none() && zone(z)
}
