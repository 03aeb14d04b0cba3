//! Open items and balances as of a date: THE one place CONTRACT.md §3's house rules live.
//! Every report asks this module for open items; none recomputes them.
//!
//! Rows are borrowed (`&str` into store frames or parsed records) and dates are day numbers,
//! so ten million invoices are aged without one allocation per row.

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

#[derive(Clone, Copy, Debug)]
pub struct DocRow<'a> {
    pub no: &'a str,
    pub customer: &'a str,
    pub date: Day,
    pub due: Day,
    /// Signed: credit notes negative.
    pub amount: i64,
    pub currency: Currency,
    pub doc_type: DocType,
}

#[derive(Clone, Copy, Debug)]
pub struct PayRow<'a> {
    pub id: &'a str,
    pub customer: Option<&'a str>,
    pub date: Day,
    /// Positive = cash received.
    pub amount: i64,
    pub currency: Currency,
}

#[derive(Clone, Copy, Debug)]
pub struct AppRow<'a> {
    pub kind: ApplicationKind,
    pub source: &'a str,
    pub doc: &'a str,
    pub date: Day,
    pub amount: i64,
}

/// The current documents, payments and applications of a ledger (one version per key).
#[derive(Default)]
pub struct Books<'a> {
    pub docs: Vec<DocRow<'a>>,
    pub payments: Vec<PayRow<'a>>,
    pub apps: Vec<AppRow<'a>>,
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
    pub identity: BTreeMap<Currency, i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("application from '{from}' names document '{doc}', which is not in the ledger; the store is inconsistent")]
    UnknownDocument { from: String, doc: String },
    #[error("application names payment '{0}', which is not in the ledger; the store is inconsistent")]
    UnknownPayment(String),
}

/// A key → position index that keeps no copies of the keys.
struct Index {
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl Index {
    fn build<'a, T>(rows: &[T], key: impl Fn(&T) -> &'a str) -> Index {
        let hasher = DefaultHashBuilder::default();
        let mut table = HashTable::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            let h = hasher.hash_one(key(r));
            // Later rows win: books hold one version per key, so this only guards odd input.
            match table.find_mut(h, |&j: &u32| key(&rows[j as usize]) == key(r)) {
                Some(slot) => *slot = i as u32,
                None => {
                    table.insert_unique(h, i as u32, |&j: &u32| hasher.hash_one(key(&rows[j as usize])));
                }
            }
        }
        Index { table, hasher }
    }

    fn get<'a, T>(&self, rows: &[T], key: impl Fn(&T) -> &'a str, k: &str) -> Option<usize> {
        let h = self.hasher.hash_one(k);
        self.table.find(h, |&j| key(&rows[j as usize]) == k).map(|&j| j as usize)
    }
}

/// Keeps the last row per key (rows are in commit order) and drops keys whose last row is void.
pub fn latest_by_key<'a, T: Copy>(rows: Vec<T>, void: &[bool], key: impl Fn(&T) -> &'a str) -> Vec<T> {
    let index = Index::build(&rows, &key);
    let mut keep = vec![false; rows.len()];
    for &i in index.table.iter() {
        keep[i as usize] = !void.get(i as usize).copied().unwrap_or(false);
    }
    rows.into_iter().zip(keep).filter(|(_, k)| *k).map(|(r, _)| r).collect()
}

/// `latest_by_key` for applications, whose key is kind + source + document + date.
pub fn latest_apps<'a>(rows: Vec<AppRow<'a>>, void: &[bool]) -> Vec<AppRow<'a>> {
    let mut last: hashbrown::HashMap<(ApplicationKind, &'a str, &'a str, Day), usize> = hashbrown::HashMap::new();
    for (i, a) in rows.iter().enumerate() {
        last.insert((a.kind, a.source, a.doc, a.date), i);
    }
    let mut keep = vec![false; rows.len()];
    for &i in last.values() {
        keep[i] = !void.get(i).copied().unwrap_or(false);
    }
    rows.into_iter().zip(keep).filter(|(_, k)| *k).map(|(r, _)| r).collect()
}

/// Open items as of `as_of` under CONTRACT.md §3.
pub fn open_items<'a>(books: &Books<'a>, as_of: Day) -> Result<OpenItems<'a>, LedgerError> {
    let doc_index = Index::build(&books.docs, |d: &DocRow<'a>| d.no);
    let pay_index = Index::build(&books.payments, |p: &PayRow<'a>| p.id);
    let mut doc_open: Vec<i64> = books.docs.iter().map(|d| d.amount).collect();
    let mut pay_applied: Vec<i64> = vec![0; books.payments.len()];
    // Earliest application of each payment (date, document position), to find the customer of
    // payments that name none.
    let mut first_app: Vec<Option<(Day, &'a str, usize)>> = vec![None; books.payments.len()];
    let mut identity: BTreeMap<Currency, i64> = BTreeMap::new();

    for a in books.apps.iter().filter(|a| a.date <= as_of) {
        let d = doc_index
            .get(&books.docs, |d: &DocRow<'a>| d.no, a.doc)
            .ok_or_else(|| LedgerError::UnknownDocument { from: a.source.to_string(), doc: a.doc.to_string() })?;
        doc_open[d] -= a.amount;
        match a.kind {
            ApplicationKind::Payment => {
                let p = pay_index
                    .get(&books.payments, |p: &PayRow<'a>| p.id, a.source)
                    .ok_or_else(|| LedgerError::UnknownPayment(a.source.to_string()))?;
                pay_applied[p] += a.amount;
                let candidate = (a.date, a.doc, d);
                match first_app[p] {
                    Some((date, no, _)) if (date, no) <= (a.date, a.doc) => {}
                    _ => first_app[p] = Some(candidate),
                }
            }
            ApplicationKind::Credit => {
                let c = doc_index.get(&books.docs, |d: &DocRow<'a>| d.no, a.source).ok_or_else(|| {
                    LedgerError::UnknownDocument { from: a.source.to_string(), doc: a.source.to_string() }
                })?;
                doc_open[c] += a.amount;
            }
            ApplicationKind::WriteOff | ApplicationKind::Discount | ApplicationKind::Deduction => {
                *identity.entry(books.docs[d].currency).or_default() -= a.amount;
            }
        }
    }

    let mut items = Vec::new();
    for (d, open) in books.docs.iter().zip(&doc_open) {
        if d.date > as_of {
            continue;
        }
        *identity.entry(d.currency).or_default() += d.amount;
        if *open != 0 {
            items.push(OpenItem {
                customer: d.customer,
                id: d.no,
                kind: ItemKind::Document(d.doc_type),
                date: d.date,
                due: d.due,
                currency: d.currency,
                amount: d.amount,
                open: *open,
            });
        }
    }
    for (i, p) in books.payments.iter().enumerate() {
        if p.date > as_of {
            continue;
        }
        *identity.entry(p.currency).or_default() -= p.amount;
        let open = -(p.amount - pay_applied[i]);
        if open != 0 {
            let customer = p.customer.or_else(|| first_app[i].map(|(_, _, d)| books.docs[d].customer)).unwrap_or("");
            items.push(OpenItem {
                customer,
                id: p.id,
                kind: ItemKind::Payment,
                date: p.date,
                due: p.date,
                currency: p.currency,
                amount: -p.amount,
                open,
            });
        }
    }
    Ok(OpenItems { as_of, items, identity })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(c: &str) -> Currency {
        Currency::parse(c).unwrap()
    }

    fn d(s: &str) -> Day {
        day(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }

    #[test]
    fn open_amounts_follow_the_date() {
        let eur = cur("EUR");
        let books = Books {
            docs: vec![
                DocRow {
                    no: "I1",
                    customer: "C1",
                    date: d("2024-01-01"),
                    due: d("2024-01-31"),
                    amount: 10000,
                    currency: eur,
                    doc_type: DocType::Invoice,
                },
                DocRow {
                    no: "CN1",
                    customer: "C1",
                    date: d("2024-01-05"),
                    due: d("2024-01-05"),
                    amount: -2000,
                    currency: eur,
                    doc_type: DocType::CreditNote,
                },
            ],
            payments: vec![PayRow { id: "P1", customer: None, date: d("2024-02-10"), amount: 9000, currency: eur }],
            apps: vec![
                AppRow { kind: ApplicationKind::Credit, source: "CN1", doc: "I1", date: d("2024-01-20"), amount: 2000 },
                AppRow { kind: ApplicationKind::Payment, source: "P1", doc: "I1", date: d("2024-02-10"), amount: 7000 },
                AppRow {
                    kind: ApplicationKind::WriteOff,
                    source: "fees",
                    doc: "I1",
                    date: d("2024-02-10"),
                    amount: 1000,
                },
            ],
        };
        // Before anything was applied: invoice and credit note open in full.
        let early = open_items(&books, d("2024-01-10")).unwrap();
        let opens: Vec<(&str, i64)> = early.items.iter().map(|i| (i.id, i.open)).collect();
        assert_eq!(opens, vec![("I1", 10000), ("CN1", -2000)]);
        assert_eq!(early.identity[&eur], 8000);
        // After: invoice settled, payment has 2000 unapplied, attributed to the invoice's customer.
        let late = open_items(&books, d("2024-03-01")).unwrap();
        let opens: Vec<(&str, &str, i64)> = late.items.iter().map(|i| (i.customer, i.id, i.open)).collect();
        assert_eq!(opens, vec![("C1", "P1", -2000)]);
        assert_eq!(late.identity[&eur], 10000 - 2000 - 9000 - 1000);
        assert_eq!(late.items.iter().map(|i| i.open).sum::<i64>(), late.identity[&eur]);
    }
}
