//! The rows below the header: title, section, subtotal and total rows told from data rows, totals checked against
//! what was read, every cell read the profile's way (dates one format per column), and rows whose values look
//! shifted under the wrong headings reported once, as such.

#[path = "cells.rs"]
mod cells;
#[path = "totals.rs"]
mod totals;

use super::layout::{is_blank, trim, Col, Frame};
use super::spec::{DocKind, Rules};
use super::values::{self, Cust};
use super::{FastMap, Overrides, ProfileIssue, RawRow, Where};
use crate::money::Currency;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::rc::Rc;

/// One data row, read.
pub(super) struct Record {
    pub row: u64,
    pub kind: DocKind,
    pub document_no: String,
    /// Shared: a customer repeats on many rows.
    pub customer: Rc<Cust>,
    pub email: String,
    pub doc_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    /// As the customer account sees it: debits positive (the indicator applied).
    pub value: Decimal,
    pub open: Option<Decimal>,
    pub currency: Currency,
    pub reference: String,
    pub po_number: String,
    pub clearing: Option<(String, Option<NaiveDate>)>,
}

/// A data row left out on purpose.
pub(super) struct Ignored {
    pub document_no: String,
    pub reason: String,
}

pub(super) struct Read {
    pub records: Vec<Record>,
    pub ignored: Vec<Ignored>,
    pub key_date: Option<NaiveDate>,
    /// Where the key date came from, for notes and messages.
    pub key_source: String,
    /// Set when the file had no currency and the workspace's reporting currency was taken.
    pub currency_fallback: Option<Currency>,
}

/// A data row after the first pass (what totals need).
struct Line<'r> {
    row: u64,
    cells: &'r [String],
    section: Option<&'r str>,
    kind: Option<DocKind>,
    ignored: Option<String>,
    value: Option<Decimal>,
    cell_currency: Option<String>,
    signed: Option<Decimal>,
    open_value: Option<Decimal>,
    open_signed: Option<Decimal>,
    failed: bool,
}

/// A problem in a cell, kept with its row so a shifted row can be reported once.
struct CellErr {
    /// Index into the lines read.
    li: usize,
    col: usize,
    issue: ProfileIssue,
}

struct State<'a, 'r> {
    r: &'a Rules<'a>,
    f: &'a Frame,
    at: &'a Where<'a>,
    lines: Vec<Line<'r>>,
    errs: Vec<CellErr>,
    other: Vec<ProfileIssue>,
    /// The workspace's currency was used for rows with no currency of their own.
    currency_fallback: Option<Currency>,
}

fn get<'c>(cells: &'c [String], col: &Col) -> &'c str {
    cells.get(col.idx).map_or("", |s| trim(s))
}

/// A lone cell taken for a section heading that heads no rows.
fn empty_section(at: &Where, row: u64, text: &str) -> ProfileIssue {
    at.issue_row(
        row,
        &format!(
            "this line has one filled cell ('{}') and no row follows that it could head: it is neither a section heading nor a data \
             row; remove it, or check that the file is the export the profile expects",
            crate::error::quote_value(text)
        ),
    )
}

pub(super) fn read(
    r: &Rules,
    f: &Frame,
    rows: &[RawRow],
    at: &Where,
    ov: &Overrides,
) -> Result<Read, Vec<ProfileIssue>> {
    let mut st = State { r, f, at, lines: Vec::new(), errs: Vec::new(), other: Vec::new(), currency_fallback: None };
    let (mut all, mut group) = (totals::Sums::default(), totals::Sums::default());
    let mut closed = false;
    let mut section: Option<&str> = None;
    // Section headings not yet accounted for: a heading is one when a row under it takes its customer
    // from it, or a subtotal closes it. A lone cell that is neither (a garbage line in an export whose
    // rows name their customers) is an error, not a silently skipped line.
    let mut pending: Vec<(u64, &str)> = Vec::new();
    let (mut subtotals, mut totals, mut last) = (0, 0, f.header_row);
    // What the first cell makes a row, by its text: the regexes are slow and first cells repeat (types, accounts).
    let mut classes: FastMap<&str, Class> = FastMap::default();
    for raw in rows.iter().skip(f.header_idx + 1) {
        if is_blank(&raw.cells) {
            continue;
        }
        let first = raw.cells.iter().map(|s| trim(s)).find(|s| !s.is_empty()).unwrap_or("");
        last = raw.row;
        let class = match classes.get(first) {
            Some(c) => *c,
            None => {
                let c = classify(r, first);
                if classes.len() < CLASS_CACHE {
                    classes.insert(first, c);
                }
                c
            }
        };
        if class == Class::Skip {
            continue;
        }
        if class == Class::Total {
            for (row, name) in pending.drain(..) {
                st.other.push(empty_section(at, row, name));
            }
            st.check_total(raw, first, &all, "the rows read");
            totals += 1;
            if r.p.layout.stop_after_total {
                break;
            }
            continue;
        }
        if class == Class::Subtotal {
            pending.clear();
            st.check_total(raw, first, &group, "the rows of that section");
            subtotals += 1;
            closed = true;
            continue;
        }
        // A section row names the customer of the rows under it, so only a file without a customer
        // column has them; and a heading must head rows: a lone cell followed by another heading
        // or the end is not a section but a line nobody accounted for (an error).
        if r.p.layout.section_rows {
            let mut filled = raw.cells.iter().enumerate().filter(|(_, c)| !trim(c).is_empty()).map(|(j, _)| j);
            if let (Some(j), None) = (filled.next(), filled.next()) {
                if j <= f.first_named {
                    if pending.len() < 100 {
                        pending.push((raw.row, first));
                    }
                    section = Some(first);
                    group = totals::Sums::default();
                    closed = false;
                    continue;
                }
            }
        }
        // A row that takes its customer from the heading accounts for the headings above it.
        let customer_cols = [&f.cols.customer, &f.cols.customer_id, &f.cols.customer_name];
        if customer_cols.iter().all(|c| c.as_ref().is_none_or(|col| get(&raw.cells, col).is_empty())) {
            pending.clear();
        }
        if closed {
            group = totals::Sums::default();
            closed = false;
        }
        st.line(raw, section);
        if let Some(l) = st.lines.last() {
            let cur = totals::currency_cell(f, l);
            all.add(cur, l);
            group.add(cur, l);
        }
    }
    // (Without any data row the file is refused below as having none.)
    for (row, name) in pending.drain(..).filter(|_| !st.lines.is_empty()) {
        st.other.push(empty_section(at, row, name));
    }
    // Subtotals without the total: the report was cut short (an HTML export that stops mid-table, a partial copy).
    if subtotals > 0 && totals == 0 && !r.total.is_empty() {
        st.other.push(st.at.issue_row(
            last,
            "the report ends here without its total row although it has subtotals: it looks cut short — export it \
             again",
        ));
    }
    if st.lines.is_empty() && st.errs.is_empty() && st.other.is_empty() {
        return Err(vec![st.at.issue_row(
            f.header_row,
            "no data rows below the header; nothing to ingest (export the report with its rows, not just the heading)",
        )]);
    }
    let (key_date, key_source) = st.key_date(rows, ov);
    let records = st.records();
    st.collapse_shifted();
    let mut issues: Vec<ProfileIssue> = std::mem::take(&mut st.other);
    issues.extend(cells::per_column(std::mem::take(&mut st.errs), at));
    if !issues.is_empty() {
        return Err(issues);
    }
    let (records, ignored) = records;
    Ok(Read { records, ignored, key_date, key_source, currency_fallback: st.currency_fallback })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Plain,
    Skip,
    Total,
    Subtotal,
}

const CLASS_CACHE: usize = 100_000;

fn classify(r: &Rules, first: &str) -> Class {
    if r.skip.iter().any(|re| re.is_match(first)) {
        Class::Skip
    } else if r.total.iter().any(|re| re.is_match(first)) {
        Class::Total
    } else if r.subtotal.iter().any(|re| re.is_match(first)) {
        Class::Subtotal
    } else {
        Class::Plain
    }
}

/// The sign a debit/credit indicator gives: Err when the amount's own sign says otherwise.
fn apply(v: Decimal, debit: Option<bool>) -> Result<Decimal, ()> {
    match debit {
        None => Ok(v),
        Some(true) if v.is_sign_negative() && !v.is_zero() => Err(()),
        Some(true) => Ok(v),
        Some(false) if v > Decimal::ZERO => Ok(-v),
        Some(false) => Ok(v),
    }
}

impl<'a, 'r> State<'a, 'r> {
    fn err(&mut self, li: usize, row: u64, col: &Col, what: &str) {
        let issue = self.at.issue_at(row, col.idx, &col.heading, what);
        self.errs.push(CellErr { li, col: col.idx, issue });
        if let Some(l) = self.lines.get_mut(li) {
            l.failed = true;
        }
    }

    /// First pass over a data row: its type and whether it is ignored, and the amounts totals need.
    fn line(&mut self, raw: &'r RawRow, section: Option<&'r str>) {
        let (r, c) = (self.r, &self.f.cols);
        let cells = raw.cells.as_slice();
        let mut l = Line {
            row: raw.row,
            cells,
            section,
            kind: r.absent,
            ignored: None,
            value: None,
            cell_currency: None,
            signed: None,
            open_value: None,
            open_signed: None,
            failed: false,
        };
        let mut errs: Vec<(&Col, String)> = Vec::new();
        if let Some(col) = &c.doc_type {
            let code = get(cells, col);
            l.kind = r.code(code);
            if l.kind.is_none() {
                errs.push((
                    col,
                    if code.is_empty() {
                        format!("the document type is empty; the profile knows {}", r.code_list)
                    } else {
                        format!(
                            "'{code}' is not a document type the profile knows ({}; a new code goes into the \
                             profile's [doc_types] codes)",
                            r.code_list
                        )
                    },
                ));
            }
            if l.kind == Some(DocKind::Ignore) {
                l.ignored = Some(format!("type {code}"));
            }
        }
        if let (Some(col), Some(status)) = (&c.status, &r.p.status) {
            let s = get(cells, col);
            if status.ignore.iter().any(|x| same_word(x, s)) {
                l.ignored = Some(format!("status {s}"));
            }
        }
        for col in &c.skip_if_set {
            if !get(cells, col).is_empty() {
                l.ignored = Some(format!("'{}' set", col.heading));
            }
        }
        let mut debit = None;
        if let Some(col) = &c.indicator {
            let s = get(cells, col);
            let is = |list: &[String]| list.iter().any(|x| x.trim().eq_ignore_ascii_case(s));
            if is(&r.p.sign.debit) {
                debit = Some(true);
            } else if is(&r.p.sign.credit) {
                debit = Some(false);
            } else if !s.is_empty() {
                errs.push((
                    col,
                    format!(
                        "'{s}' is not a debit/credit indicator ({} for debit, {} for credit)",
                        r.p.sign.debit.join("/"),
                        r.p.sign.credit.join("/")
                    ),
                ));
            }
        }
        let typed = self.at.typed_cells;
        if let Some(col) = &c.amount {
            match values::amount(r, get(cells, col), typed) {
                Ok(p) => {
                    l.value = Some(p.value);
                    l.cell_currency = p.currency;
                    match apply(p.value, debit) {
                        Ok(v) => l.signed = Some(v),
                        Err(()) => errs.push((col, indicator_clash(c))),
                    }
                }
                Err(m) => errs.push((col, m)),
            }
        }
        if let Some(col) = &c.open {
            let text = get(cells, col);
            if text.is_empty() {
                if l.ignored.is_none() {
                    errs.push((
                        col,
                        "the open amount is empty; an open-item export gives every row's open amount \
                                     (0 when settled)"
                            .into(),
                    ));
                }
            } else {
                match values::amount(r, text, typed) {
                    Ok(p) => {
                        l.open_value = Some(p.value);
                        match apply(p.value, debit) {
                            Ok(v) => l.open_signed = Some(v),
                            Err(()) => errs.push((col, indicator_clash(c))),
                        }
                    }
                    Err(m) if l.ignored.is_none() => errs.push((col, m)),
                    Err(_) => {}
                }
            }
        }
        l.failed = !errs.is_empty();
        self.lines.push(l);
        let li = self.lines.len() - 1;
        for (col, m) in errs {
            self.err(li, raw.row, col, &m);
        }
    }

    /// Second pass: dates (one format per column), customers, currencies, kinds; the records of clean rows.
    fn records(&mut self) -> (Vec<Record>, Vec<Ignored>) {
        let (r, c) = (self.r, &self.f.cols);
        let dates = self.column_dates();
        let mut customers: FastMap<&'r str, Rc<Cust>> = FastMap::default();
        let no_currency = c.currency.is_none() && r.currency.is_none();
        let mut currency_reported = false;
        let mut records = Vec::new();
        let mut ignored = Vec::new();
        for li in 0..self.lines.len() {
            let Some(l) = self.lines.get(li) else { continue };
            let (row, cells) = (l.row, l.cells);
            let doc_no = c.document_no.as_ref().map_or("", |col| get(cells, col)).to_string();
            if let Some(reason) = &l.ignored {
                ignored.push(Ignored { document_no: doc_no, reason: reason.clone() });
                continue;
            }
            let (Some(kind), Some(signed)) = (l.kind, l.signed) else { continue };
            let mut errs: Vec<(&Col, String)> = Vec::new();
            let kind = match kind {
                DocKind::BySign if signed.is_zero() => {
                    ignored.push(Ignored { document_no: doc_no, reason: "zero amount".into() });
                    continue;
                }
                DocKind::BySign if signed > Decimal::ZERO => {
                    if c.doc_type.is_some() {
                        DocKind::DebitNote
                    } else {
                        DocKind::Invoice
                    }
                }
                DocKind::BySign => DocKind::CreditNote,
                DocKind::Clearing if signed.is_zero() => {
                    ignored.push(Ignored { document_no: doc_no, reason: "clearing line without an amount".into() });
                    continue;
                }
                DocKind::Clearing => {
                    if let Some(col) = c.doc_type.as_ref() {
                        errs.push((
                            col,
                            format!(
                                "'{}' is a clearing document with an amount: clearing line items (transfers between \
                                 accounts, residual items) are not supported; clear the items in the ERP, or leave \
                                 this row out of the export",
                                get(cells, col)
                            ),
                        ));
                    }
                    DocKind::Clearing
                }
                k => k,
            };
            if let Some(col) = c.document_no.as_ref().filter(|_| doc_no.is_empty()) {
                errs.push((
                    col,
                    if kind == DocKind::Payment {
                        "a payment without a number: arx never invents payment ids; give the payment a reference \
                         number in the ERP and export again"
                            .to_string()
                    } else {
                        "the document number is empty".to_string()
                    },
                ));
            }
            let customer = self.customer(l, &mut errs, &mut customers);
            let doc_date = dates.first().and_then(|d| d.get(li).copied().flatten());
            if let (None, Some(col)) = (doc_date, c.doc_date.as_ref()) {
                if get(cells, col).is_empty() {
                    errs.push((col, "the date is empty".into()));
                }
            }
            let due_date = dates.get(1).and_then(|d| d.get(li).copied().flatten());
            let clearing_date = dates.get(2).and_then(|d| d.get(li).copied().flatten());
            let currency = match c.currency.as_ref().map(|col| (col, get(cells, col))).filter(|(_, t)| !t.is_empty()) {
                Some((col, t)) => match Currency::parse(t) {
                    Ok(cur) => Some(cur),
                    Err(m) => {
                        errs.push((col, m));
                        None
                    }
                },
                None => r
                    .currency
                    .or_else(|| l.cell_currency.as_deref().and_then(|t| Currency::parse(t).ok()))
                    .or_else(|| {
                        // No currency anywhere (a QuickBooks US report): the workspace's own, said once on stderr.
                        let fallback = r.workspace_currency.filter(|_| no_currency)?;
                        self.currency_fallback = Some(fallback);
                        Some(fallback)
                    }),
            };
            if let (Some(cur), true, Some(col)) = (currency, self.currency_fallback.is_some(), c.amount.as_ref()) {
                let text = get(cells, col);
                if text.contains('$') && !cur.code().ends_with('D') {
                    errs.push((
                        col,
                        format!(
                            "'{text}' is written with a dollar sign, but the file has no currency and the workspace's is {cur}; pass --currency with the currency of its amounts (e.g. --currency USD)"
                        ),
                    ));
                }
            }
            if currency.is_none() && no_currency && !currency_reported {
                currency_reported = true;
                self.other.push(ProfileIssue::general(format!(
                    "the file has no currency column and profile '{}' no default currency: pass --currency with the \
                     currency of its amounts (e.g. --currency USD)",
                    r.p.name
                )));
            }
            if let (Some(cur), Some(col)) = (currency, c.amount.as_ref()) {
                let text = get(cells, col);
                if let Some(written) = l.cell_currency.as_deref().filter(|w| *w != cur.code() && !text.contains('$')) {
                    errs.push((col, format!("'{text}' is in {written} but the row's currency is {cur}")));
                }
                for (v, col) in [(Some(signed), Some(col)), (l.open_signed, c.open.as_ref())] {
                    if let (Some(v), Some(col)) = (v, col) {
                        if v.normalize().scale() > cur.minor_units() {
                            errs.push((
                                col,
                                format!(
                                    "'{}' has more decimals than {cur} has ({}); check the amount and the currency",
                                    get(cells, col),
                                    cur.minor_units()
                                ),
                            ));
                        }
                    }
                }
            }
            let text = |col: Option<&Col>| col.map_or(String::new(), |col| get(cells, col).to_string());
            let reference = match (&c.pay_reference, kind) {
                (Some(col), DocKind::Payment) => text(Some(col)),
                _ => text(c.reference.as_ref()),
            };
            let clearing = c.clearing_doc.as_ref().map(|col| get(cells, col)).filter(|s| !s.is_empty());
            let ok = errs.is_empty() && !l.failed;
            let record = match (ok, customer, doc_date, currency) {
                (true, Some(customer), Some(doc_date), Some(currency)) => Some(Record {
                    row,
                    kind,
                    document_no: doc_no,
                    customer,
                    email: text(c.email.as_ref()),
                    doc_date,
                    due_date,
                    value: signed,
                    open: l.open_signed,
                    currency,
                    reference,
                    po_number: text(c.po_number.as_ref()),
                    clearing: clearing.map(|s| (s.to_string(), clearing_date)),
                }),
                _ => None,
            };
            for (col, m) in errs {
                self.err(li, row, col, &m);
            }
            records.extend(record);
        }
        (records, ignored)
    }

    fn customer(
        &self,
        l: &Line<'r>,
        errs: &mut Vec<(&'a Col, String)>,
        cache: &mut FastMap<&'r str, Rc<Cust>>,
    ) -> Option<Rc<Cust>> {
        let (r, c) = (self.r, &self.f.cols);
        if let Some(col) = &c.customer_id {
            let id = get(l.cells, col);
            if id.is_empty() {
                errs.push((col, "the customer is empty".into()));
                return None;
            }
            // The first row of a customer names it.
            let cust = cache.entry(id).or_insert_with(|| {
                let name = [c.customer_name.as_ref(), c.customer.as_ref()]
                    .into_iter()
                    .flatten()
                    .map(|col| get(l.cells, col))
                    .find(|s| !s.is_empty())
                    .unwrap_or(id);
                Rc::new(Cust { id: id.to_string(), name: name.to_string(), parent: None })
            });
            return Some(Rc::clone(cust));
        }
        let text = c.customer.as_ref().map(|col| get(l.cells, col)).filter(|s| !s.is_empty()).or(l.section);
        match text {
            // The pattern is a regex, slow over a million rows; customers repeat.
            Some(t) => Some(Rc::clone(cache.entry(t).or_insert_with(|| Rc::new(values::customer(r, t))))),
            None => {
                match &c.customer {
                    Some(col) => errs.push((col, "the customer is empty".into())),
                    None => {
                        if let Some(col) = c.document_no.as_ref() {
                            errs.push((col, "the row is under no customer heading: which customer is it?".into()));
                        }
                    }
                }
                None
            }
        }
    }
}

/// Equal ignoring case (and the profile value's surrounding spaces); ASCII without allocating.
pub(super) fn same_word(a: &str, b: &str) -> bool {
    let a = a.trim();
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

fn indicator_clash(c: &super::layout::Cols) -> String {
    let ind = c.indicator.as_ref().map_or("", |col| col.heading.as_str());
    format!("the amount is negative but '{ind}' says debit; a debit is positive — check the row")
}
