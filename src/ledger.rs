//! Open items and balances as of a date: THE one place CONTRACT.md §3's house rules live.
//! Every report asks this module for open items; none recomputes them.
//!
//! The ledger is compact so ten million invoices age in little memory: ids live in one text
//! arena, customers are interned to numbers, documents and payments are small fixed rows, and
//! applications are streamed through `OpenItemsBuilder::apply` without being kept.

use crate::model::{ApplicationKind, DocType};
use crate::money::Currency;
use chrono::NaiveDate;
use hashbrown::{DefaultHashBuilder, HashTable};
use std::collections::BTreeMap;
use std::hash::BuildHasher;

/// Days since 1970-01-01.
pub type Day = i32;

const EPOCH_DAYS_FROM_CE: i32 = 719_163;

pub fn day(d: NaiveDate) -> Day {
    chrono::Datelike::num_days_from_ce(&d) - EPOCH_DAYS_FROM_CE
}

pub fn date(d: Day) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(d + EPOCH_DAYS_FROM_CE).unwrap_or(NaiveDate::MIN)
}

/// Interned texts (document numbers, payment ids, customer ids), found by value through a
/// hash index that stores only positions.
#[derive(Default)]
pub struct Ids {
    text: String,
    ends: Vec<usize>,
    index: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl Ids {
    pub fn with_capacity(n: usize) -> Ids {
        Ids { ends: Vec::with_capacity(n), index: HashTable::with_capacity(n), ..Ids::default() }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    pub fn find(&self, s: &str) -> Option<u32> {
        let h = self.hasher.hash_one(s);
        self.index.find(h, |&i| self.get(i) == s).copied()
    }

    /// The position of `s`, adding it when new; the bool says whether it was new.
    pub fn intern(&mut self, s: &str) -> (u32, bool) {
        if let Some(i) = self.find(s) {
            return (i, false);
        }
        let i = self.ends.len() as u32;
        self.text.push_str(s);
        self.ends.push(self.text.len());
        let h = self.hasher.hash_one(s);
        let (text, ends, hasher) = (&self.text, &self.ends, &self.hasher);
        let get = |j: u32| {
            let j = j as usize;
            &text[if j == 0 { 0 } else { ends[j - 1] }..ends[j]]
        };
        self.index.insert_unique(h, i, |&j| hasher.hash_one(get(j)));
        (i, true)
    }
}

/// Puts `row` at `key`'s position: appended for a new key, replacing the row of a known one
/// (rows and ids stay in step, position for position).
fn upsert<T>(ids: &mut Ids, rows: &mut Vec<T>, key: &str, row: T) {
    let (i, new) = ids.intern(key);
    if new {
        rows.push(row);
    } else {
        rows[i as usize] = row;
    }
}

/// No customer (a payment that names none).
pub const NO_CUSTOMER: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
pub struct Doc {
    pub customer: u32,
    pub date: Day,
    pub due: Day,
    /// Signed: credit notes negative.
    pub amount: i64,
    pub currency: Currency,
    pub doc_type: DocType,
    /// False when a later version voided the document.
    pub live: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct Pay {
    pub customer: u32,
    pub date: Day,
    /// Positive = cash received.
    pub amount: i64,
    pub currency: Currency,
    pub live: bool,
}

/// What an application draws on besides reducing its document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A payment (position in `Ledger::pay_ids`), used up by the same amount.
    Payment(u32),
    /// A credit note (position in `Ledger::doc_ids`), used up by the same amount.
    Credit(u32),
    /// A write-off, discount or deduction: nothing else moves.
    Adjustment,
    /// A deduction: like any adjustment, but remembered per document (disputes over it).
    Deduction,
}

/// An application resolved against the ledger.
#[derive(Clone, Copy, Debug)]
pub struct App {
    pub doc: u32,
    pub source: Source,
    pub date: Day,
    pub amount: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("an application names document '{0}', which is not in the ledger; the store is inconsistent")]
    UnknownDocument(String),
    #[error("an application names payment '{0}', which is not in the ledger; the store is inconsistent")]
    UnknownPayment(String),
}

/// See [`Ledger::check_totals`]: the documents' and payments' amounts, by currency.
pub fn check_amount_totals(amounts: impl Iterator<Item = (Currency, i64)>) -> Result<(), TotalsTooLarge> {
    let mut sums: BTreeMap<Currency, i128> = BTreeMap::new();
    for (currency, amount) in amounts {
        *sums.entry(currency).or_default() += i128::from(amount.unsigned_abs());
    }
    match sums.into_iter().find(|(_, s)| *s > i128::from(i64::MAX)) {
        Some((currency, sum)) => Err(TotalsTooLarge { currency, sum }),
        None => Ok(()),
    }
}

/// The ledger's amounts in one currency add up beyond what arx can total exactly.
#[derive(Debug, thiserror::Error)]
#[error(
    "the documents and payments in {currency} add up to {sum} minor units in absolute value, beyond what arx can total exactly (9,223,372,036,854,775,807); no report is printed rather than a wrong number. Split the ledger (one workspace per entity or year) or check for amounts loaded in the wrong unit"
)]
pub struct TotalsTooLarge {
    pub currency: Currency,
    pub sum: i128,
}

/// The current documents and payments, one version per key (later versions replace earlier).
#[derive(Default)]
pub struct Ledger {
    pub customers: Ids,
    pub doc_ids: Ids,
    pub docs: Vec<Doc>,
    pub pay_ids: Ids,
    pub pays: Vec<Pay>,
}

impl Ledger {
    pub fn with_capacity(docs: usize, pays: usize) -> Ledger {
        Ledger {
            doc_ids: Ids::with_capacity(docs),
            docs: Vec::with_capacity(docs),
            pay_ids: Ids::with_capacity(pays),
            pays: Vec::with_capacity(pays),
            ..Ledger::default()
        }
    }

    /// Refuses a ledger whose amounts in one currency add up, in absolute value, beyond what a
    /// 64-bit total holds. Every figure a report prints (balances, buckets, sales, totals of
    /// any subset) is a signed sum of parts of these amounts — the admission checks keep each
    /// application within its document and source — so once this bound holds no report total
    /// can wrap or clamp: one check here instead of one per accumulator.
    pub fn check_totals(&self) -> Result<(), TotalsTooLarge> {
        let docs = self.docs.iter().filter(|d| d.live).map(|d| (d.currency, d.amount));
        let pays = self.pays.iter().filter(|p| p.live).map(|p| (p.currency, p.amount));
        check_amount_totals(docs.chain(pays))
    }

    /// The customer of the live document numbered `no`.
    pub fn doc_customer(&self, no: &str) -> Option<&str> {
        let d = self.docs[self.doc_ids.find(no)? as usize];
        d.live.then(|| self.customers.get(d.customer))
    }

    pub fn customer(&mut self, id: &str) -> u32 {
        self.customers.intern(id).0
    }

    /// Adds a document; a later version of the same number replaces it (or voids it).
    pub fn add_doc(&mut self, no: &str, doc: Doc) {
        upsert(&mut self.doc_ids, &mut self.docs, no, doc);
    }

    /// Adds a payment; a later version of the same id replaces it (or voids it).
    pub fn add_payment(&mut self, id: &str, pay: Pay) {
        upsert(&mut self.pay_ids, &mut self.pays, id, pay);
    }

    /// Resolves an application's names to positions.
    pub fn resolve(
        &self,
        kind: ApplicationKind,
        source: &str,
        doc: &str,
        date: Day,
        amount: i64,
    ) -> Result<App, LedgerError> {
        let d = self.doc_ids.find(doc).ok_or_else(|| LedgerError::UnknownDocument(doc.to_string()))?;
        Ok(App { doc: d, source: self.resolve_source(kind, source)?, date, amount })
    }

    /// What an application of `kind` from `source` draws on.
    pub fn resolve_source(&self, kind: ApplicationKind, source: &str) -> Result<Source, LedgerError> {
        Ok(match kind {
            ApplicationKind::Payment => Source::Payment(
                self.pay_ids.find(source).ok_or_else(|| LedgerError::UnknownPayment(source.to_string()))?,
            ),
            ApplicationKind::Credit => Source::Credit(
                self.doc_ids.find(source).ok_or_else(|| LedgerError::UnknownDocument(source.to_string()))?,
            ),
            ApplicationKind::WriteOff | ApplicationKind::Discount => Source::Adjustment,
            ApplicationKind::Deduction => Source::Deduction,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Document(DocType),
    Payment,
}

impl ItemKind {
    pub fn name(self) -> &'static str {
        match self {
            ItemKind::Document(t) => t.name(),
            ItemKind::Payment => "payment",
        }
    }
}

/// An item open as of the date: a document with its open amount, or a payment's unapplied part
/// (negative for unapplied cash, positive for an unapplied refund).
#[derive(Clone, Copy, Debug)]
pub struct OpenItem<'a> {
    /// Empty for unidentified cash.
    pub customer: &'a str,
    pub id: &'a str,
    pub kind: ItemKind,
    pub date: Day,
    pub due: Day,
    pub currency: Currency,
    /// The item's original value in receivable sign (payments negative).
    pub amount: i64,
    pub open: i64,
}

/// Open items as of a date, plus the contract's identity per currency, computed independently:
/// Σ documents − Σ payments − Σ write-offs, discounts and deductions, all dated ≤ the date.
pub struct OpenItems<'a> {
    pub as_of: Day,
    pub items: Vec<OpenItem<'a>>,
    /// In i128: a sum over millions of amounts must not wrap.
    pub identity: BTreeMap<Currency, i128>,
    /// Invoices and debit notes fully settled as of the date, with the day they were.
    pub settled: Vec<Settlement<'a>>,
    /// Deductions applied to each document as of the date.
    pub deducted: std::collections::HashMap<&'a str, i64>,
}

/// An invoice or debit note whose open amount reached 0: on the date of its last application.
#[derive(Clone, Copy, Debug)]
pub struct Settlement<'a> {
    pub customer: &'a str,
    pub id: &'a str,
    pub currency: Currency,
    pub amount: i64,
    pub date: Day,
    pub due: Day,
    pub settled: Day,
}

/// Accumulates applications (streamed, in any order) against a ledger as of a date.
pub struct OpenItemsBuilder<'a> {
    ledger: &'a Ledger,
    as_of: Day,
    doc_open: Vec<i64>,
    pay_applied: Vec<i64>,
    /// Earliest payment application of each payment dated ≤ as-of: (date, document).
    first_app: Vec<(Day, u32)>,
    /// Latest application date to each document (applications only ever reduce invoices, so
    /// a settled invoice was settled on it).
    last_applied: Vec<Day>,
    /// Deductions applied to each document (few: a sparse map).
    deducted: std::collections::HashMap<u32, i64>,
    adjustments: BTreeMap<Currency, i128>,
}

impl<'a> OpenItemsBuilder<'a> {
    pub fn new(ledger: &'a Ledger, as_of: Day) -> Self {
        OpenItemsBuilder {
            ledger,
            as_of,
            doc_open: ledger.docs.iter().map(|d| d.amount).collect(),
            pay_applied: vec![0; ledger.pays.len()],
            first_app: vec![(Day::MAX, u32::MAX); ledger.pays.len()],
            last_applied: vec![Day::MIN; ledger.docs.len()],
            deducted: std::collections::HashMap::new(),
            adjustments: BTreeMap::new(),
        }
    }

    /// Applies one application (ignored when dated after the as-of date).
    pub fn apply(&mut self, a: App) {
        let live = self.ledger.docs[a.doc as usize].live
            && match a.source {
                Source::Payment(p) => self.ledger.pays[p as usize].live,
                Source::Credit(c) => self.ledger.docs[c as usize].live,
                Source::Adjustment | Source::Deduction => true,
            };
        // Applications to or from voided items no longer count.
        if a.date > self.as_of || !live {
            return;
        }
        let d = a.doc as usize;
        self.doc_open[d] -= a.amount;
        self.last_applied[d] = self.last_applied[d].max(a.date);
        if a.source == Source::Deduction {
            *self.deducted.entry(a.doc).or_default() += a.amount;
        }
        match a.source {
            Source::Payment(p) => {
                let p = p as usize;
                self.pay_applied[p] += a.amount;
                let (date, doc) = self.first_app[p];
                let earlier = a.date < date
                    || (a.date == date
                        && (doc == u32::MAX || self.ledger.doc_ids.get(a.doc) < self.ledger.doc_ids.get(doc)));
                if earlier {
                    self.first_app[p] = (a.date, a.doc);
                }
            }
            Source::Credit(c) => self.doc_open[c as usize] += a.amount,
            Source::Adjustment | Source::Deduction => {
                *self.adjustments.entry(self.ledger.docs[d].currency).or_default() -= i128::from(a.amount)
            }
        }
    }

    pub fn finish(self) -> OpenItems<'a> {
        let l = self.ledger;
        let mut identity = self.adjustments;
        let mut items = Vec::new();
        let mut settled = Vec::new();
        let customer = |c: u32| if c == NO_CUSTOMER { "" } else { l.customers.get(c) };
        for (i, (d, open)) in l.docs.iter().zip(&self.doc_open).enumerate() {
            if !d.live || d.date > self.as_of {
                continue;
            }
            *identity.entry(d.currency).or_default() += i128::from(d.amount);
            if *open == 0 && d.amount > 0 && self.last_applied[i] != Day::MIN {
                settled.push(Settlement {
                    customer: customer(d.customer),
                    id: l.doc_ids.get(i as u32),
                    currency: d.currency,
                    amount: d.amount,
                    date: d.date,
                    due: d.due,
                    settled: self.last_applied[i],
                });
            }
            if *open != 0 {
                items.push(OpenItem {
                    customer: customer(d.customer),
                    id: l.doc_ids.get(i as u32),
                    kind: ItemKind::Document(d.doc_type),
                    date: d.date,
                    due: d.due,
                    currency: d.currency,
                    amount: d.amount,
                    open: *open,
                });
            }
        }
        for (i, p) in l.pays.iter().enumerate() {
            if !p.live || p.date > self.as_of {
                continue;
            }
            *identity.entry(p.currency).or_default() -= i128::from(p.amount);
            let open = -(p.amount - self.pay_applied[i]);
            if open != 0 {
                let who = match (p.customer, self.first_app[i]) {
                    (NO_CUSTOMER, (_, doc)) if doc != u32::MAX => l.docs[doc as usize].customer,
                    (c, _) => c,
                };
                items.push(OpenItem {
                    customer: customer(who),
                    id: l.pay_ids.get(i as u32),
                    kind: ItemKind::Payment,
                    date: p.date,
                    due: p.date,
                    currency: p.currency,
                    amount: -p.amount,
                    open,
                });
            }
        }
        let deducted = self.deducted.iter().map(|(d, v)| (l.doc_ids.get(*d), *v)).collect();
        OpenItems { as_of: self.as_of, items, identity, settled, deducted }
    }
}

/// AR (open balance, net of unapplied) and current AR (positive items not yet due, the aging's
/// `current` column) per currency at each of `dates` (ascending), in one pass over the ledger
/// instead of one open-items pass per date. AR at D is the contract's identity (documents −
/// payments − adjustments dated ≤ D); an invoice or debit note counts as current from its date
/// to its due date, and an application to it takes its amount off from the application's date
/// to that due date. Agrees with `OpenItemsBuilder` (a property test holds it to that).
pub fn balances_at(ledger: &Ledger, apps: &[App], dates: &[Day]) -> Vec<BTreeMap<Currency, (i64, i64)>> {
    let q = dates.len();
    let slot = |day: Day| dates.partition_point(|d| *d < day);
    let mut deltas: BTreeMap<Currency, (Vec<i128>, Vec<i128>)> = BTreeMap::new();
    let mut add = |cur: Currency, from: Day, until: Option<Day>, ar: i128, current: i128| {
        let (a, c) = deltas.entry(cur).or_insert_with(|| (vec![0; q + 1], vec![0; q + 1]));
        let s = slot(from);
        a[s] += ar;
        c[s] += current;
        if let Some(end) = until {
            // Stops counting as current the day after `end`.
            c[slot(end.saturating_add(1))] -= current;
        }
    };
    for d in ledger.docs.iter().filter(|d| d.live) {
        let current = if d.amount > 0 && d.due >= d.date { i128::from(d.amount) } else { 0 };
        add(d.currency, d.date, Some(d.due), i128::from(d.amount), current);
    }
    for p in ledger.pays.iter().filter(|p| p.live) {
        add(p.currency, p.date, None, -i128::from(p.amount), 0);
    }
    // Refunds (negative payments) still unapplied on their own date are positive items due
    // that very day: current on that date only.
    let mut refunds: hashbrown::HashMap<u32, i64> = hashbrown::HashMap::new();
    for a in apps {
        let doc = ledger.docs[a.doc as usize];
        let live = doc.live
            && match a.source {
                Source::Payment(p) => ledger.pays[p as usize].live,
                Source::Credit(c) => ledger.docs[c as usize].live,
                Source::Adjustment | Source::Deduction => true,
            };
        if !live {
            continue;
        }
        let adjustment = matches!(a.source, Source::Adjustment | Source::Deduction);
        let ar = if adjustment { -i128::from(a.amount) } else { 0 };
        let current = if doc.amount > 0 && a.date <= doc.due { -i128::from(a.amount) } else { 0 };
        if ar != 0 || current != 0 {
            add(doc.currency, a.date, Some(doc.due), ar, current);
        }
        if let Source::Payment(p) = a.source {
            let pay = ledger.pays[p as usize];
            if pay.amount < 0 && a.date == pay.date {
                *refunds.entry(p).or_default() += a.amount;
            }
        }
    }
    let mut out: Vec<BTreeMap<Currency, (i64, i64)>> = vec![BTreeMap::new(); q];
    for (cur, (a, c)) in deltas {
        let (mut ar, mut current) = (0i128, 0i128);
        for i in 0..q {
            ar += a[i];
            current += c[i];
            let clamp = |v: i128| i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX });
            out[i].insert(cur, (clamp(ar), clamp(current)));
        }
    }
    for (i, p) in ledger.pays.iter().enumerate().filter(|(_, p)| p.live && p.amount < 0) {
        if let Ok(k) = dates.binary_search(&p.date) {
            let open = -(p.amount - refunds.get(&(i as u32)).copied().unwrap_or(0));
            if open > 0 {
                out[k].entry(p.currency).or_default().1 += open;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        day(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }

    #[test]
    fn ids_intern_and_find() {
        let mut ids = Ids::default();
        assert_eq!(ids.intern("A"), (0, true));
        assert_eq!(ids.intern("BB"), (1, true));
        assert_eq!(ids.intern("A"), (0, false));
        assert_eq!(ids.find("BB"), Some(1));
        assert_eq!(ids.find("C"), None);
        assert_eq!(ids.get(1), "BB");
        for i in 0..10_000 {
            ids.intern(&format!("K{i}"));
        }
        assert_eq!(ids.find("K9999").map(|i| ids.get(i)), Some("K9999"));
    }

    #[test]
    fn open_amounts_follow_the_date() {
        let eur = Currency::parse("EUR").unwrap();
        let mut l = Ledger::default();
        let c1 = l.customer("C1");
        let doc =
            |date, due, amount, doc_type| Doc { customer: c1, date, due, amount, currency: eur, doc_type, live: true };
        l.add_doc("I1", doc(d("2024-01-01"), d("2024-01-31"), 10000, DocType::Invoice));
        l.add_doc("CN1", doc(d("2024-01-05"), d("2024-01-05"), -2000, DocType::CreditNote));
        l.add_payment(
            "P1",
            Pay { customer: NO_CUSTOMER, date: d("2024-02-10"), amount: 9000, currency: eur, live: true },
        );
        let apps = [
            l.resolve(ApplicationKind::Credit, "CN1", "I1", d("2024-01-20"), 2000).unwrap(),
            l.resolve(ApplicationKind::Payment, "P1", "I1", d("2024-02-10"), 7000).unwrap(),
            l.resolve(ApplicationKind::WriteOff, "fees", "I1", d("2024-02-10"), 1000).unwrap(),
        ];
        assert!(l.resolve(ApplicationKind::Payment, "P9", "I1", 0, 1).is_err());
        let run = |as_of| {
            let mut b = OpenItemsBuilder::new(&l, as_of);
            apps.iter().for_each(|a| b.apply(*a));
            b.finish()
        };
        // Before anything was applied: invoice and credit note open in full.
        let early = run(d("2024-01-10"));
        let opens: Vec<(&str, i64)> = early.items.iter().map(|i| (i.id, i.open)).collect();
        assert_eq!(opens, vec![("I1", 10000), ("CN1", -2000)]);
        assert_eq!(early.identity[&eur], 8000);
        // After: invoice settled, payment has 2000 unapplied, attributed to the invoice's customer.
        let late = run(d("2024-03-01"));
        let opens: Vec<(&str, &str, i64)> = late.items.iter().map(|i| (i.customer, i.id, i.open)).collect();
        assert_eq!(opens, vec![("C1", "P1", -2000)]);
        assert_eq!(late.identity[&eur], 10000 - 2000 - 9000 - 1000);
        assert_eq!(late.items.iter().map(|i| i128::from(i.open)).sum::<i128>(), late.identity[&eur]);
    }
}
