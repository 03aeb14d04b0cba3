//! The ingest working set: what the store holds now, plus what this call has accepted so far.
//! Files are taken in dependency order, so a later file (applications) sees the documents and
//! payments of an earlier one in the same call exactly as if they were already stored.

use crate::frame::StoredRef;
use crate::model::{
    Application, ApplicationKind, Customer, Dispute, Document, GlBalance, Kind, Payment, Record, Remittance,
};
use crate::store::{Manifest, PendingSegment, Store, StoreError};
use hashbrown::HashMap;
use hashbrown::{DefaultHashBuilder, HashTable};
use std::collections::BTreeSet;
use std::hash::BuildHasher;

/// Current records of one kind, indexed by key without storing key strings (an index entry is
/// a u32), so a 10-million-row ingest keeps one copy of each record and nothing else.
pub struct Table<R> {
    records: Vec<R>,
    index: HashTable<u32>,
    hasher: DefaultHashBuilder,
    /// Positions added or replaced by this call (may repeat; deduplicated when written).
    changed: Vec<u32>,
    /// Records `[..stored]` came from the store.
    stored: usize,
    /// Per record: the file of this call (1-based, in the top 16 bits) and row it was last seen
    /// on, for duplicate detection within a file; 0 = not seen in this call.
    origin: Vec<u64>,
}

impl<R> Default for Table<R> {
    fn default() -> Self {
        Table {
            records: Vec::new(),
            index: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            changed: Vec::new(),
            stored: 0,
            origin: Vec::new(),
        }
    }
}

impl<R: Record> Table<R> {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Position of the record with `key`.
    pub fn find(&self, key: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(key);
        self.index.find(hash, |&i| self.records[i as usize].key_eq(key)).copied()
    }

    pub fn get(&self, key: &str) -> Option<&R> {
        self.find(key).map(|i| &self.records[i as usize])
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_some()
    }

    pub fn at(&self, pos: u32) -> &R {
        &self.records[pos as usize]
    }

    /// Room for `additional` more records without rehashing.
    pub fn reserve(&mut self, additional: usize) {
        self.records.reserve(additional);
        self.origin.reserve(additional);
        let (records, hasher) = (&self.records, &self.hasher);
        self.index.reserve(additional, |&i| hasher.hash_one(records[i as usize].key().as_ref()));
    }

    /// The file (1-based number) and row of this call where the record at `pos` was seen.
    pub fn seen_at(&self, pos: u32) -> Option<(u16, u64)> {
        let o = self.origin[pos as usize];
        (o >> 48 != 0).then_some(((o >> 48) as u16, o & ((1 << 48) - 1)))
    }

    pub fn mark_seen(&mut self, pos: u32, file: u16, line: u64) {
        self.origin[pos as usize] = (u64::from(file) << 48) | (line & ((1 << 48) - 1));
    }

    pub fn iter(&self) -> impl Iterator<Item = &R> {
        self.records.iter()
    }

    /// Adds a record under a new key, or replaces the one at `pos`; returns its position.
    pub fn put(&mut self, record: R, pos: Option<u32>, from_store: bool) -> u32 {
        let pos = match pos {
            Some(p) => {
                self.records[p as usize] = record;
                p
            }
            None => {
                let p = u32::try_from(self.records.len()).unwrap_or(u32::MAX);
                let hash = self.hasher.hash_one(record.key().as_ref());
                self.records.push(record);
                self.origin.push(0);
                let (records, hasher) = (&self.records, &self.hasher);
                self.index.insert_unique(hash, p, |&i| hasher.hash_one(records[i as usize].key().as_ref()));
                p
            }
        };
        if !from_store {
            self.changed.push(pos);
        }
        pos
    }

    /// The records this call added or replaced, and how many of them supersede stored ones.
    fn changed_records(&self) -> (Vec<&R>, u64) {
        let mut pos = self.changed.clone();
        pos.sort_unstable();
        pos.dedup();
        let supersedes = pos.iter().filter(|p| (**p as usize) < self.stored).count() as u64;
        (pos.into_iter().map(|p| &self.records[p as usize]).collect(), supersedes)
    }
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
    /// Earliest application date to each document, and from each payment and credit note: a
    /// replacement may not move a document or payment after what is already applied.
    pub first_applied_to: HashMap<String, chrono::NaiveDate>,
    pub first_applied_from_payment: HashMap<String, chrono::NaiveDate>,
    pub first_applied_from_credit: HashMap<String, chrono::NaiveDate>,
    files: u16,
    /// Display names of this call's files, by file number − 1.
    pub file_names: Vec<String>,
    /// Documents, payments and credit notes that this call's applications touched, with the
    /// rows that touched them: over-application is judged on their totals once every row of
    /// the call is in (CONTRACT.md §3: an ERP's allocation of +230.00 to an invoice and −83.00
    /// to a credit note is one netted payment of 147.00, in whatever order the rows come).
    pub touched: Touched,
}

/// See [`Book::touched`]: key → (file display name, rows).
#[derive(Default)]
pub struct Touched {
    pub documents: std::collections::BTreeMap<String, (String, Vec<u64>)>,
    pub payments: std::collections::BTreeMap<String, (String, Vec<u64>)>,
    pub credits: std::collections::BTreeMap<String, (String, Vec<u64>)>,
}

fn note_at(map: &mut std::collections::BTreeMap<String, (String, Vec<u64>)>, key: &str, file: &str, line: u64) {
    // The first rows and always the last: messages name the row that tipped the total.
    let e = map.entry(key.to_string()).or_insert_with(|| (file.to_string(), Vec::new()));
    match e.1.len() {
        0..8 => e.1.push(line),
        _ => e.1[7] = line,
    }
}

impl Touched {
    /// A document (or, `payment`, a payment) replaced with a new amount: judged at the end too.
    pub fn note_replaced(&mut self, key: &str, payment: bool, file: &str, line: u64) {
        note_at(if payment { &mut self.payments } else { &mut self.documents }, key, file, line);
    }

    pub fn note(&mut self, a: &Application, file: &str, line: u64) {
        note_at(&mut self.documents, &a.document_no, file, line);
        match a.kind {
            ApplicationKind::Payment => note_at(&mut self.payments, &a.source, file, line),
            ApplicationKind::Credit => note_at(&mut self.credits, &a.source, file, line),
            _ => {}
        }
    }
}

/// Gives generic code the table of a record's kind.
pub trait InBook: Record {
    fn table(book: &mut Book) -> &mut Table<Self>;
    fn table_ref(book: &Book) -> &Table<Self>;
}

macro_rules! in_book {
    ($t:ty, $field:ident) => {
        impl InBook for $t {
            fn table(book: &mut Book) -> &mut Table<Self> {
                &mut book.$field
            }
            fn table_ref(book: &Book) -> &Table<Self> {
                &book.$field
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
    table.records.reserve(rows.len());
    for r in rows {
        table.put(r, None, true);
    }
    table.stored = table.records.len();
    Ok(())
}

impl Book {
    /// Numbers the files of one call (1-based) for duplicate detection.
    pub fn next_file_no(&mut self, name: &str) -> u16 {
        self.files = self.files.wrapping_add(1).max(1);
        self.file_names.push(name.to_string());
        self.files
    }

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
        let apps = std::mem::take(&mut book.applications);
        for a in apps.iter() {
            book.count_application(a, 1);
        }
        book.applications = apps;
        Ok(book)
    }

    /// Adds (`sign` = 1) or removes (`sign` = -1) an application from the running totals.
    pub fn count_application(&mut self, a: &Application, sign: i64) {
        fn earliest(map: &mut HashMap<String, chrono::NaiveDate>, key: &str, date: chrono::NaiveDate) {
            match map.get_mut(key) {
                Some(d) if *d <= date => {}
                Some(d) => *d = date,
                None => {
                    map.insert(key.to_string(), date);
                }
            }
        }
        let to = self.applied_to.entry(a.document_no.clone()).or_default();
        // Saturating: a sum past i64 must fail the over-application check, not wrap back into range.
        *to = to.saturating_add(sign * a.amount);
        // Dates only ever move earlier: an application's date is part of its key, so replacing
        // one never changes it, and nothing removes applications.
        earliest(&mut self.first_applied_to, &a.document_no, a.applied_date);
        match a.kind {
            ApplicationKind::Payment => {
                let from = self.applied_from_payment.entry(a.source.clone()).or_default();
                *from = from.saturating_add(sign * a.amount);
                earliest(&mut self.first_applied_from_payment, &a.source, a.applied_date);
            }
            ApplicationKind::Credit => {
                let from = self.applied_from_credit.entry(a.source.clone()).or_default();
                *from = from.saturating_add(sign * a.amount);
                earliest(&mut self.first_applied_from_credit, &a.source, a.applied_date);
            }
            _ => {}
        }
    }

    /// Whether a document of `amount` with `to` applied to it and `from` drawn from it (credit
    /// notes) keeps its open amount between 0 and its amount.
    pub fn within(amount: i64, to: i64, from: i64) -> bool {
        let open = amount - to + from;
        (amount.min(0)..=amount.max(0)).contains(&open)
    }

    /// Segments for everything this call added, stamped with commit `seq`.
    pub fn pending_segments(&self, seq: u64) -> Result<Vec<PendingSegment>, crate::frame::FrameError> {
        let mut out = Vec::new();
        fn push<R: Record>(
            out: &mut Vec<PendingSegment>,
            (rows, supersedes): (Vec<&R>, u64),
            seq: u64,
        ) -> Result<(), crate::frame::FrameError> {
            if rows.is_empty() {
                return Ok(());
            }
            let stored: Vec<StoredRef<'_, R>> =
                rows.iter().map(|r| StoredRef { seq, void: false, record: *r }).collect();
            let mut seg = PendingSegment::new(&stored)?;
            seg.supersedes = supersedes;
            out.push(seg);
            Ok(())
        }
        push(&mut out, self.customers.changed_records(), seq)?;
        push(&mut out, self.documents.changed_records(), seq)?;
        push(&mut out, self.payments.changed_records(), seq)?;
        push(&mut out, self.applications.changed_records(), seq)?;
        push(&mut out, self.remittances.changed_records(), seq)?;
        push(&mut out, self.disputes.changed_records(), seq)?;
        push(&mut out, self.gl.changed_records(), seq)?;
        Ok(out)
    }
}

/// "amount 100.00 → 120.00; due_date 2024-01-31 → 2024-02-29" for the columns that differ.
pub fn describe_difference<R: Record>(old: &R, new: &R) -> String {
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

impl Book {
    /// The ledger of this book (for reports run straight from files with `--input`).
    pub fn ledger(&self) -> crate::ledger::Ledger {
        use crate::ledger::{day, Doc, Ledger, Pay, NO_CUSTOMER};
        let mut l = Ledger::with_capacity(self.documents.len(), self.payments.len());
        for d in self.documents.iter() {
            let customer = l.customer(&d.customer_id);
            let doc = Doc {
                customer,
                date: day(d.doc_date),
                due: day(d.due()),
                amount: d.amount,
                currency: d.currency,
                doc_type: d.doc_type,
                live: true,
            };
            l.add_doc(&d.document_no, doc);
        }
        for p in self.payments.iter() {
            let customer = p.customer_id.as_deref().map(|c| l.customer(c)).unwrap_or(NO_CUSTOMER);
            let pay = Pay { customer, date: day(p.payment_date), amount: p.amount, currency: p.currency, live: true };
            l.add_payment(&p.payment_id, pay);
        }
        l
    }

    /// This book's applications, resolved against `ledger` (built by `Book::ledger`).
    pub fn apps<'l>(
        &'l self,
        ledger: &'l crate::ledger::Ledger,
    ) -> impl Iterator<Item = Result<crate::ledger::App, crate::ledger::LedgerError>> + 'l {
        self.applications.iter().map(move |a| {
            ledger.resolve(a.kind, &a.source, &a.document_no, crate::ledger::day(a.applied_date), a.amount)
        })
    }
}
