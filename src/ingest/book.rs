//! The ingest working set: what the store holds now, plus what this call has accepted so far.
//! Files are taken in dependency order, so a later file (applications) sees the documents and
//! payments of an earlier one in the same call exactly as if they were already stored.

use crate::frame::Stored;
use crate::model::{Application, ApplicationKind, Customer, Dispute, Document, GlBalance, Kind, Payment, Record, Remittance};
use crate::store::{Manifest, PendingSegment, Store, StoreError};
use std::collections::{BTreeSet, HashMap};

/// Current records of one kind by key, and the new versions this call adds.
pub struct Table<R> {
    pub current: HashMap<String, R>,
    pub added: Vec<R>,
}

impl<R> Default for Table<R> {
    fn default() -> Self {
        Table { current: HashMap::new(), added: Vec::new() }
    }
}

/// What happened to one offered record.
#[derive(Debug, PartialEq, Eq)]
pub enum Offer {
    Added,
    Unchanged,
    Replaced,
    /// Same key, other content, and `--replace` not given. Carries a short description of the difference.
    Conflict(String),
}

#[derive(Default)]
pub struct Book {
    pub customers: Table<Customer>,
    pub documents: Table<Document>,
    pub payments: Table<Payment>,
    pub applications: Table<Application>,
    pub remittances: Table<Remittance>,
    pub disputes: Table<Dispute>,
    pub gl: Table<GlBalance>,
    /// Σ applied to each document.
    pub applied_to: HashMap<String, i64>,
    /// Σ applied from each payment (key: payment_id) and credit note (key: document_no).
    pub applied_from_payment: HashMap<String, i64>,
    pub applied_from_credit: HashMap<String, i64>,
}

/// Gives generic code the table of a record's kind.
pub trait InBook: Record {
    fn table(book: &mut Book) -> &mut Table<Self>;
}

macro_rules! in_book {
    ($t:ty, $field:ident) => {
        impl InBook for $t {
            fn table(book: &mut Book) -> &mut Table<Self> {
                &mut book.$field
            }
        }
    };
}
in_book!(Customer, customers);
in_book!(Document, documents);
in_book!(Payment, payments);
in_book!(Application, applications);
in_book!(Remittance, remittances);
in_book!(Dispute, disputes);
in_book!(GlBalance, gl);

/// Kinds whose stored records ingesting `kind` needs to see.
fn needs(kind: Kind) -> &'static [Kind] {
    match kind {
        Kind::Customers => &[Kind::Customers],
        Kind::Invoices => &[Kind::Customers, Kind::Invoices, Kind::Applications],
        Kind::Payments => &[Kind::Customers, Kind::Payments, Kind::Applications],
        Kind::Applications => &[Kind::Invoices, Kind::Payments, Kind::Applications],
        Kind::Remittances => &[Kind::Payments, Kind::Remittances],
        Kind::Disputes => &[Kind::Invoices, Kind::Disputes],
        Kind::Gl => &[Kind::Gl],
    }
}

fn load_into<R: InBook>(book: &mut Book, store: &Store, manifest: &Manifest) -> Result<(), StoreError> {
    let rows = store.load_current::<R>(manifest)?;
    let table = R::table(book);
    table.current.reserve(rows.len());
    for r in rows {
        table.current.insert(r.key(), r);
    }
    Ok(())
}

impl Book {
    /// Loads the current records of every kind the given kinds depend on.
    pub fn load(store: &Store, manifest: &Manifest, kinds: &BTreeSet<Kind>) -> Result<Book, StoreError> {
        let mut book = Book::default();
        let wanted: BTreeSet<Kind> = kinds.iter().flat_map(|k| needs(*k).iter().copied()).collect();
        for kind in wanted {
            match kind {
                Kind::Customers => load_into::<Customer>(&mut book, store, manifest)?,
                Kind::Invoices => load_into::<Document>(&mut book, store, manifest)?,
                Kind::Payments => load_into::<Payment>(&mut book, store, manifest)?,
                Kind::Applications => load_into::<Application>(&mut book, store, manifest)?,
                Kind::Remittances => load_into::<Remittance>(&mut book, store, manifest)?,
                Kind::Disputes => load_into::<Dispute>(&mut book, store, manifest)?,
                Kind::Gl => load_into::<GlBalance>(&mut book, store, manifest)?,
            }
        }
        let apps: Vec<Application> = book.applications.current.values().cloned().collect();
        for a in &apps {
            book.count_application(a, 1);
        }
        Ok(book)
    }

    /// Adds (`sign` = 1) or removes (`sign` = -1) an application from the running totals.
    pub fn count_application(&mut self, a: &Application, sign: i64) {
        *self.applied_to.entry(a.document_no.clone()).or_default() += sign * a.amount;
        match a.kind {
            ApplicationKind::Payment => *self.applied_from_payment.entry(a.source.clone()).or_default() += sign * a.amount,
            ApplicationKind::Credit => *self.applied_from_credit.entry(a.source.clone()).or_default() += sign * a.amount,
            _ => {}
        }
    }

    /// Offers a record: new key → added; equal → unchanged; different → conflict, or with
    /// `replace` a new version (the old one stays in the store's history).
    pub fn offer<R: InBook>(&mut self, record: R, replace: bool) -> Offer {
        let key = record.key();
        let table = R::table(self);
        match table.current.get(&key) {
            None => {
                table.added.push(record.clone());
                table.current.insert(key, record);
                Offer::Added
            }
            Some(old) if *old == record => Offer::Unchanged,
            Some(old) if !replace => Offer::Conflict(describe_difference(old, &record)),
            Some(_) => {
                table.added.push(record.clone());
                table.current.insert(key, record);
                Offer::Replaced
            }
        }
    }

    /// Segments for everything this call added, stamped with commit `seq`.
    pub fn pending_segments(&self, seq: u64) -> Result<Vec<PendingSegment>, crate::frame::FrameError> {
        let mut out = Vec::new();
        fn push<R: Record>(out: &mut Vec<PendingSegment>, rows: &[R], seq: u64) -> Result<(), crate::frame::FrameError> {
            if rows.is_empty() {
                return Ok(());
            }
            let stored: Vec<Stored<R>> = rows.iter().map(|r| Stored { seq, void: false, record: r.clone() }).collect();
            out.push(PendingSegment::new(&stored)?);
            Ok(())
        }
        push(&mut out, &self.customers.added, seq)?;
        push(&mut out, &self.documents.added, seq)?;
        push(&mut out, &self.payments.added, seq)?;
        push(&mut out, &self.applications.added, seq)?;
        push(&mut out, &self.remittances.added, seq)?;
        push(&mut out, &self.disputes.added, seq)?;
        push(&mut out, &self.gl.added, seq)?;
        Ok(out)
    }
}

/// "amount 100.00 → 120.00; due_date 2024-01-31 → 2024-02-29" for the columns that differ.
fn describe_difference<R: Record>(old: &R, new: &R) -> String {
    let mut parts = Vec::new();
    for (i, col) in R::KIND.columns().iter().enumerate().filter(|(_, c)| c.canonical) {
        let (a, b) = (crate::model::cell_text(old, i), crate::model::cell_text(new, i));
        if a != b {
            let show = |s: &str| if s.is_empty() { "(empty)".to_string() } else { s.to_string() };
            parts.push(format!("{} {} → {}", col.name, show(&a), show(&b)));
        }
    }
    if parts.is_empty() {
        "stored with another currency".into()
    } else {
        parts.join("; ")
    }
}
