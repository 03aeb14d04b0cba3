//! The canonical AR records (CONTRACT.md §2) as plain types, and a small column description
//! of each so the store, the frame layer and the exporters can handle every kind alike.

use crate::money::{format_minor, Currency};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::fmt;

/// The kinds of record a workspace holds, in dependency order (ingest takes files in this order).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Customers,
    Invoices,
    Payments,
    Applications,
    Remittances,
    Disputes,
    Gl,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Customers,
        Kind::Invoices,
        Kind::Payments,
        Kind::Applications,
        Kind::Remittances,
        Kind::Disputes,
        Kind::Gl,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Customers => "customers",
            Kind::Invoices => "invoices",
            Kind::Payments => "payments",
            Kind::Applications => "applications",
            Kind::Remittances => "remittances",
            Kind::Disputes => "disputes",
            Kind::Gl => "gl",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Every column arx stores for this kind; `canonical` ones are the contract's.
    pub fn columns(self) -> &'static [Col] {
        match self {
            Kind::Customers => CUSTOMER_COLS,
            Kind::Invoices => DOCUMENT_COLS,
            Kind::Payments => PAYMENT_COLS,
            Kind::Applications => APPLICATION_COLS,
            Kind::Remittances => REMITTANCE_COLS,
            Kind::Disputes => DISPUTE_COLS,
            Kind::Gl => GL_COLS,
        }
    }

    pub fn canonical_columns(self) -> impl Iterator<Item = &'static Col> {
        self.columns().iter().filter(|c| c.canonical)
    }

    pub fn required_columns(self) -> impl Iterator<Item = &'static str> {
        self.columns().iter().filter(|c| c.required).map(|c| c.name)
    }

    /// Names of the columns that make a record's identity.
    pub fn key_columns(self) -> &'static [&'static str] {
        match self {
            Kind::Customers => &["customer_id"],
            Kind::Invoices => &["document_no"],
            Kind::Payments => &["payment_id"],
            Kind::Applications => &["kind", "source", "document_no", "applied_date"],
            Kind::Remittances => &["payment_id", "document_no"],
            Kind::Disputes => &["document_no", "opened_date"],
            Kind::Gl => &["date", "currency", "account"],
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a column is stored: text, a calendar date, or integer minor units of the record's currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColType {
    Text,
    Date,
    Money,
}

#[derive(Debug)]
pub struct Col {
    pub name: &'static str,
    pub ty: ColType,
    pub required: bool,
    /// Part of the contract's canonical file; internal columns (e.g. a derived currency) are not.
    pub canonical: bool,
}

const fn col(name: &'static str, ty: ColType, required: bool) -> Col {
    Col { name, ty, required, canonical: true }
}

const fn internal(name: &'static str, ty: ColType) -> Col {
    Col { name, ty, required: false, canonical: false }
}

use ColType::{Date as D, Money as M, Text as T};

const CUSTOMER_COLS: &[Col] = &[
    col("customer_id", T, true),
    col("name", T, true),
    col("email", T, false),
    col("credit_limit", T, false),
    col("currency", T, false),
    col("payment_terms", T, false),
    col("parent_id", T, false),
    col("address", T, false),
];
const DOCUMENT_COLS: &[Col] = &[
    col("document_no", T, true),
    col("customer_id", T, true),
    col("doc_date", D, true),
    col("amount", M, true),
    col("currency", T, true),
    col("doc_type", T, false),
    col("due_date", D, false),
    col("reference", T, false),
    col("po_number", T, false),
];
const PAYMENT_COLS: &[Col] = &[
    col("payment_id", T, true),
    col("payment_date", D, true),
    col("amount", M, true),
    col("currency", T, true),
    col("customer_id", T, false),
    col("payer_name", T, false),
    col("reference", T, false),
    col("bank_account", T, false),
];
const APPLICATION_COLS: &[Col] = &[
    col("source", T, true),
    col("document_no", T, true),
    col("amount", M, true),
    col("applied_date", D, true),
    col("kind", T, false),
    col("payment_id", T, false),
    col("rule", T, false),
    col("batch", T, false),
    internal("currency", T),
];
const REMITTANCE_COLS: &[Col] = &[
    col("payment_id", T, true),
    col("document_no", T, true),
    col("amount", M, true),
    col("discount", M, false),
    col("deduction", M, false),
    col("reason", T, false),
    internal("currency", T),
];
const DISPUTE_COLS: &[Col] = &[
    col("document_no", T, true),
    col("reason", T, true),
    col("opened_date", D, true),
    col("status", T, true),
    col("resolved_date", D, false),
    col("amount", M, false),
    col("owner", T, false),
    col("note", T, false),
    internal("currency", T),
];
const GL_COLS: &[Col] =
    &[col("date", D, true), col("balance", M, true), col("currency", T, true), col("account", T, false)];

/// One stored value, borrowed from a record.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CellRef<'a> {
    Text(Option<&'a str>),
    Date(Option<NaiveDate>),
    Money(Option<i64>),
}

/// One stored value, owned, as read back from the store.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(Option<String>),
    Date(Option<NaiveDate>),
    Money(Option<i64>),
}

impl Cell {
    fn text(&mut self) -> Option<String> {
        match self {
            Cell::Text(t) => t.take(),
            _ => None,
        }
    }
    fn date(&self) -> Option<NaiveDate> {
        match self {
            Cell::Date(d) => *d,
            _ => None,
        }
    }
    fn money(&self) -> Option<i64> {
        match self {
            Cell::Money(m) => *m,
            _ => None,
        }
    }
}

/// Why a stored row could not be turned back into a record (a corrupt or foreign store file).
#[derive(Debug, thiserror::Error)]
#[error("column '{column}': {message}")]
pub struct DecodeError {
    pub column: &'static str,
    pub message: String,
}

/// Reads cells in column order while decoding a stored row.
pub struct CellReader<'a> {
    cols: &'static [Col],
    cells: &'a mut [Cell],
}

impl<'a> CellReader<'a> {
    pub fn new(kind: Kind, cells: &'a mut [Cell]) -> Self {
        CellReader { cols: kind.columns(), cells }
    }
    fn idx(&self, name: &'static str) -> usize {
        self.cols.iter().position(|c| c.name == name).unwrap_or(usize::MAX)
    }
    fn missing(column: &'static str) -> DecodeError {
        DecodeError { column, message: "required value is missing".into() }
    }
    pub fn opt_text(&mut self, name: &'static str) -> Option<String> {
        let i = self.idx(name);
        self.cells.get_mut(i).and_then(Cell::text)
    }
    pub fn text(&mut self, name: &'static str) -> Result<String, DecodeError> {
        self.opt_text(name).ok_or_else(|| Self::missing(name))
    }
    pub fn opt_date(&self, name: &'static str) -> Option<NaiveDate> {
        self.cells.get(self.idx(name)).and_then(Cell::date)
    }
    pub fn date(&self, name: &'static str) -> Result<NaiveDate, DecodeError> {
        self.opt_date(name).ok_or_else(|| Self::missing(name))
    }
    pub fn opt_money(&self, name: &'static str) -> Option<i64> {
        self.cells.get(self.idx(name)).and_then(Cell::money)
    }
    pub fn money(&self, name: &'static str) -> Result<i64, DecodeError> {
        self.opt_money(name).ok_or_else(|| Self::missing(name))
    }
    pub fn currency(&mut self, name: &'static str) -> Result<Currency, DecodeError> {
        let t = self.text(name)?;
        Currency::parse_historic(&t).map_err(|message| DecodeError { column: name, message })
    }
    pub fn parsed<V>(&mut self, name: &'static str, parse: fn(&str) -> Option<V>) -> Result<V, DecodeError> {
        let t = self.text(name)?;
        parse(&t).ok_or_else(|| DecodeError { column: name, message: format!("unexpected value '{t}'") })
    }
}

/// A canonical record: its kind, identity, and its cells in `Kind::columns()` order.
pub trait Record: Clone + PartialEq + fmt::Debug + Send + Sync + 'static {
    const KIND: Kind;
    /// Identity within its kind; the same key with other content is a new version.
    /// Borrowed where the key is one column, so lookups of millions of rows allocate nothing.
    fn key(&self) -> Cow<'_, str>;
    /// `self.key() == key`, without building a composite key (lookups run millions of times).
    fn key_eq(&self, key: &str) -> bool {
        self.key() == key
    }
    fn cell(&self, column: usize) -> CellRef<'_>;
    /// Currency that money cells are denominated in.
    fn currency(&self) -> Option<Currency>;
    fn decode(cells: &mut CellReader<'_>) -> Result<Self, DecodeError>;
}

fn opt(s: &Option<String>) -> CellRef<'_> {
    CellRef::Text(s.as_deref())
}
fn txt(s: &str) -> CellRef<'_> {
    CellRef::Text(Some(s))
}

/// Compares a composite key's text parts and date with a joined key, allocation-free.
fn parts_eq(key: &str, parts: &[&str], date: Option<NaiveDate>) -> bool {
    let mut it = key.split(KEY_SEP);
    for p in parts {
        if it.next() != Some(*p) {
            return false;
        }
    }
    if let Some(d) = date {
        if it.next().and_then(crate::dates::parse_iso) != Some(d) {
            return false;
        }
    }
    it.next().is_none()
}

const KEY_SEP: char = '\u{1f}';

/// Joins key parts with a separator that cannot appear in trimmed CSV text by accident.
fn join_key(parts: &[&str]) -> Cow<'static, str> {
    Cow::Owned(parts.join("\u{1f}"))
}

#[derive(Clone, Debug, PartialEq)]
pub struct Customer {
    pub customer_id: String,
    pub name: String,
    pub email: Option<String>,
    /// Kept as the exact decimal given; its currency is the customer's (or the workspace's).
    pub credit_limit: Option<String>,
    pub currency: Option<Currency>,
    pub payment_terms: Option<String>,
    pub parent_id: Option<String>,
    pub address: Option<String>,
}

impl Customer {
    pub fn credit_limit_value(&self) -> Option<Decimal> {
        self.credit_limit.as_deref().and_then(|t| t.parse().ok())
    }
}

impl Record for Customer {
    const KIND: Kind = Kind::Customers;
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.customer_id)
    }
    fn cell(&self, column: usize) -> CellRef<'_> {
        match column {
            0 => txt(&self.customer_id),
            1 => txt(&self.name),
            2 => opt(&self.email),
            3 => opt(&self.credit_limit),
            4 => CellRef::Text(self.currency.as_ref().map(Currency::code)),
            5 => opt(&self.payment_terms),
            6 => opt(&self.parent_id),
            _ => opt(&self.address),
        }
    }
    fn currency(&self) -> Option<Currency> {
        self.currency
    }
    fn decode(r: &mut CellReader<'_>) -> Result<Self, DecodeError> {
        Ok(Customer {
            customer_id: r.text("customer_id")?,
            name: r.text("name")?,
            email: r.opt_text("email"),
            credit_limit: r.opt_text("credit_limit"),
            currency: match r.opt_text("currency") {
                Some(c) => Some(Currency::parse(&c).map_err(|message| DecodeError { column: "currency", message })?),
                None => None,
            },
            payment_terms: r.opt_text("payment_terms"),
            parent_id: r.opt_text("parent_id"),
            address: r.opt_text("address"),
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocType {
    Invoice,
    CreditNote,
    DebitNote,
}

impl DocType {
    pub fn name(self) -> &'static str {
        match self {
            DocType::Invoice => "invoice",
            DocType::CreditNote => "credit_note",
            DocType::DebitNote => "debit_note",
        }
    }
    pub fn parse(text: &str) -> Option<DocType> {
        match text.trim().to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
            "" | "invoice" => Some(DocType::Invoice),
            "credit_note" | "credit" | "credit_memo" => Some(DocType::CreditNote),
            "debit_note" | "debit" | "debit_memo" => Some(DocType::DebitNote),
            _ => None,
        }
    }
}

/// An invoice, credit note or debit note. Credit notes are stored with a negative amount.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub document_no: String,
    pub customer_id: String,
    pub doc_date: NaiveDate,
    pub amount: i64,
    pub currency: Currency,
    pub doc_type: DocType,
    /// As given; `due()` applies the contract's default (the document date).
    pub due_date: Option<NaiveDate>,
    pub reference: Option<String>,
    pub po_number: Option<String>,
}

impl Document {
    pub fn due(&self) -> NaiveDate {
        self.due_date.unwrap_or(self.doc_date)
    }
}

impl Record for Document {
    const KIND: Kind = Kind::Invoices;
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.document_no)
    }
    fn cell(&self, column: usize) -> CellRef<'_> {
        match column {
            0 => txt(&self.document_no),
            1 => txt(&self.customer_id),
            2 => CellRef::Date(Some(self.doc_date)),
            3 => CellRef::Money(Some(self.amount)),
            4 => txt(self.currency.code()),
            5 => txt(self.doc_type.name()),
            6 => CellRef::Date(self.due_date),
            7 => opt(&self.reference),
            _ => opt(&self.po_number),
        }
    }
    fn currency(&self) -> Option<Currency> {
        Some(self.currency)
    }
    fn decode(r: &mut CellReader<'_>) -> Result<Self, DecodeError> {
        Ok(Document {
            document_no: r.text("document_no")?,
            customer_id: r.text("customer_id")?,
            doc_date: r.date("doc_date")?,
            amount: r.money("amount")?,
            currency: r.currency("currency")?,
            doc_type: r.parsed("doc_type", DocType::parse)?,
            due_date: r.opt_date("due_date"),
            reference: r.opt_text("reference"),
            po_number: r.opt_text("po_number"),
        })
    }
}

/// Cash received (positive) or refunded/reversed (negative).
#[derive(Clone, Debug, PartialEq)]
pub struct Payment {
    pub payment_id: String,
    pub payment_date: NaiveDate,
    pub amount: i64,
    pub currency: Currency,
    pub customer_id: Option<String>,
    pub payer_name: Option<String>,
    pub reference: Option<String>,
    pub bank_account: Option<String>,
}

impl Record for Payment {
    const KIND: Kind = Kind::Payments;
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.payment_id)
    }
    fn cell(&self, column: usize) -> CellRef<'_> {
        match column {
            0 => txt(&self.payment_id),
            1 => CellRef::Date(Some(self.payment_date)),
            2 => CellRef::Money(Some(self.amount)),
            3 => txt(self.currency.code()),
            4 => opt(&self.customer_id),
            5 => opt(&self.payer_name),
            6 => opt(&self.reference),
            _ => opt(&self.bank_account),
        }
    }
    fn currency(&self) -> Option<Currency> {
        Some(self.currency)
    }
    fn decode(r: &mut CellReader<'_>) -> Result<Self, DecodeError> {
        Ok(Payment {
            payment_id: r.text("payment_id")?,
            payment_date: r.date("payment_date")?,
            amount: r.money("amount")?,
            currency: r.currency("currency")?,
            customer_id: r.opt_text("customer_id"),
            payer_name: r.opt_text("payer_name"),
            reference: r.opt_text("reference"),
            bank_account: r.opt_text("bank_account"),
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApplicationKind {
    Payment,
    Credit,
    WriteOff,
    Discount,
    Deduction,
}

impl ApplicationKind {
    pub fn name(self) -> &'static str {
        match self {
            ApplicationKind::Payment => "payment",
            ApplicationKind::Credit => "credit",
            ApplicationKind::WriteOff => "write_off",
            ApplicationKind::Discount => "discount",
            ApplicationKind::Deduction => "deduction",
        }
    }
    pub fn parse(text: &str) -> Option<ApplicationKind> {
        match text.trim().to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
            "" | "payment" => Some(ApplicationKind::Payment),
            "credit" => Some(ApplicationKind::Credit),
            "write_off" | "writeoff" => Some(ApplicationKind::WriteOff),
            "discount" => Some(ApplicationKind::Discount),
            "deduction" => Some(ApplicationKind::Deduction),
            _ => None,
        }
    }
    /// Whether the source is another open item (a payment or credit note) that is used up too.
    pub fn consumes_source(self) -> bool {
        matches!(self, ApplicationKind::Payment | ApplicationKind::Credit)
    }
}

/// An amount applied to a document from a payment, a credit note, or as a write-off/discount/deduction.
#[derive(Clone, Debug, PartialEq)]
pub struct Application {
    pub source: String,
    pub document_no: String,
    pub amount: i64,
    pub applied_date: NaiveDate,
    pub kind: ApplicationKind,
    pub payment_id: Option<String>,
    pub rule: Option<String>,
    pub batch: Option<String>,
    /// The document's currency, which the amount is in.
    pub currency: Currency,
}

impl Record for Application {
    const KIND: Kind = Kind::Applications;
    fn key(&self) -> Cow<'_, str> {
        join_key(&[self.kind.name(), &self.source, &self.document_no, &self.applied_date.to_string()])
    }
    fn key_eq(&self, key: &str) -> bool {
        parts_eq(key, &[self.kind.name(), &self.source, &self.document_no], Some(self.applied_date))
    }
    fn cell(&self, column: usize) -> CellRef<'_> {
        match column {
            0 => txt(&self.source),
            1 => txt(&self.document_no),
            2 => CellRef::Money(Some(self.amount)),
            3 => CellRef::Date(Some(self.applied_date)),
            4 => txt(self.kind.name()),
            5 => opt(&self.payment_id),
            6 => opt(&self.rule),
            7 => opt(&self.batch),
            _ => txt(self.currency.code()),
        }
    }
    fn currency(&self) -> Option<Currency> {
        Some(self.currency)
    }
    fn decode(r: &mut CellReader<'_>) -> Result<Self, DecodeError> {
        Ok(Application {
            source: r.text("source")?,
            document_no: r.text("document_no")?,
            amount: r.money("amount")?,
            applied_date: r.date("applied_date")?,
            kind: r.parsed("kind", ApplicationKind::parse)?,
            payment_id: r.opt_text("payment_id"),
            rule: r.opt_text("rule"),
            batch: r.opt_text("batch"),
            currency: r.currency("currency")?,
        })
    }
}

/// A remittance advice line: what a payer says a payment settles.
#[derive(Clone, Debug, PartialEq)]
pub struct Remittance {
    pub payment_id: String,
    pub document_no: String,
    pub amount: i64,
    pub discount: Option<i64>,
    pub deduction: Option<i64>,
    pub reason: Option<String>,
    /// The payment's currency, which the amounts are in.
    pub currency: Currency,
}

impl Record for Remittance {
    const KIND: Kind = Kind::Remittances;
    fn key(&self) -> Cow<'_, str> {
        join_key(&[&self.payment_id, &self.document_no])
    }
    fn key_eq(&self, key: &str) -> bool {
        parts_eq(key, &[&self.payment_id, &self.document_no], None)
    }
    fn cell(&self, column: usize) -> CellRef<'_> {
        match column {
            0 => txt(&self.payment_id),
            1 => txt(&self.document_no),
            2 => CellRef::Money(Some(self.amount)),
            3 => CellRef::Money(self.discount),
            4 => CellRef::Money(self.deduction),
            5 => opt(&self.reason),
            _ => txt(self.currency.code()),
        }
    }
    fn currency(&self) -> Option<Currency> {
        Some(self.currency)
    }
    fn decode(r: &mut CellReader<'_>) -> Result<Self, DecodeError> {
        Ok(Remittance {
            payment_id: r.text("payment_id")?,
            document_no: r.text("document_no")?,
            amount: r.money("amount")?,
            discount: r.opt_money("discount"),
            deduction: r.opt_money("deduction"),
            reason: r.opt_text("reason"),
            currency: r.currency("currency")?,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DisputeStatus {
    Open,
    Resolved,
}

impl DisputeStatus {
    pub fn name(self) -> &'static str {
        match self {
            DisputeStatus::Open => "open",
            DisputeStatus::Resolved => "resolved",
        }
    }
    pub fn parse(text: &str) -> Option<DisputeStatus> {
        match text.trim().to_ascii_lowercase().as_str() {
            "open" => Some(DisputeStatus::Open),
            "resolved" => Some(DisputeStatus::Resolved),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dispute {
    pub document_no: String,
    pub reason: String,
    pub opened_date: NaiveDate,
    pub status: DisputeStatus,
    pub resolved_date: Option<NaiveDate>,
    pub amount: Option<i64>,
    pub owner: Option<String>,
    pub note: Option<String>,
    /// The document's currency.
    pub currency: Currency,
}

impl Record for Dispute {
    const KIND: Kind = Kind::Disputes;
    fn key(&self) -> Cow<'_, str> {
        join_key(&[&self.document_no, &self.opened_date.to_string()])
    }
    fn cell(&self, column: usize) -> CellRef<'_> {
        match column {
            0 => txt(&self.document_no),
            1 => txt(&self.reason),
            2 => CellRef::Date(Some(self.opened_date)),
            3 => txt(self.status.name()),
            4 => CellRef::Date(self.resolved_date),
            5 => CellRef::Money(self.amount),
            6 => opt(&self.owner),
            7 => opt(&self.note),
            _ => txt(self.currency.code()),
        }
    }
    fn currency(&self) -> Option<Currency> {
        Some(self.currency)
    }
    fn decode(r: &mut CellReader<'_>) -> Result<Self, DecodeError> {
        Ok(Dispute {
            document_no: r.text("document_no")?,
            reason: r.text("reason")?,
            opened_date: r.date("opened_date")?,
            status: r.parsed("status", DisputeStatus::parse)?,
            resolved_date: r.opt_date("resolved_date"),
            amount: r.opt_money("amount"),
            owner: r.opt_text("owner"),
            note: r.opt_text("note"),
            currency: r.currency("currency")?,
        })
    }
}

/// A general-ledger AR control account balance on a date, for reconciliation.
#[derive(Clone, Debug, PartialEq)]
pub struct GlBalance {
    pub date: NaiveDate,
    pub balance: i64,
    pub currency: Currency,
    pub account: Option<String>,
}

impl Record for GlBalance {
    const KIND: Kind = Kind::Gl;
    fn key(&self) -> Cow<'_, str> {
        join_key(&[&self.date.to_string(), self.currency.code(), self.account.as_deref().unwrap_or("")])
    }
    fn cell(&self, column: usize) -> CellRef<'_> {
        match column {
            0 => CellRef::Date(Some(self.date)),
            1 => CellRef::Money(Some(self.balance)),
            2 => txt(self.currency.code()),
            _ => opt(&self.account),
        }
    }
    fn currency(&self) -> Option<Currency> {
        Some(self.currency)
    }
    fn decode(r: &mut CellReader<'_>) -> Result<Self, DecodeError> {
        Ok(GlBalance {
            date: r.date("date")?,
            balance: r.money("balance")?,
            currency: r.currency("currency")?,
            account: r.opt_text("account"),
        })
    }
}

/// Canonical text of one cell of a record, as written to csv/json exports.
pub fn cell_text<R: Record>(record: &R, column: usize) -> String {
    match record.cell(column) {
        CellRef::Text(t) => t.unwrap_or("").to_string(),
        CellRef::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
        CellRef::Money(m) => match (m, record.currency()) {
            (Some(m), Some(c)) => format_minor(m, c),
            _ => String::new(),
        },
    }
}
