//! The aging report: open items from `ledger` put into buckets per customer and currency.
//! Builds numbers only; writers in `report::*` and `output` print them.

use crate::ledger::{self, Day, ItemKind, OpenItems};
use crate::money::{format_minor, Currency};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    Due,
    Invoice,
}

impl Basis {
    pub fn name(self) -> &'static str {
        match self {
            Basis::Due => "due",
            Basis::Invoice => "invoice",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credits {
    /// Negative items go to the `unapplied` column.
    Column,
    /// Negative items are aged by their own date like any item.
    Aged,
}

impl Credits {
    pub fn name(self) -> &'static str {
        match self {
            Credits::Column => "column",
            Credits::Aged => "aged",
        }
    }
}

/// Bucket bounds (inclusive upper bounds, increasing, 1 to 12 of them) and the basis they age by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Buckets {
    bounds: Vec<u32>,
    basis: Basis,
}

impl Buckets {
    pub fn new(bounds: Vec<u32>, basis: Basis) -> Result<Buckets, String> {
        if bounds.is_empty() || bounds.len() > 12 {
            return Err(format!("give 1 to 12 bucket bounds, not {}", bounds.len()));
        }
        if bounds[0] == 0 || bounds.windows(2).any(|w| w[0] >= w[1]) {
            return Err("bucket bounds must be increasing whole numbers of days above 0, e.g. 30,60,90,120".into());
        }
        if bounds.iter().any(|b| *b > 36_500) {
            return Err("bucket bounds go up to 36500 days (100 years)".into());
        }
        Ok(Buckets { bounds, basis })
    }

    pub fn basis(&self) -> Basis {
        self.basis
    }

    pub fn bounds(&self) -> &[u32] {
        &self.bounds
    }

    /// Column labels: due basis `current,1-30,...,121+`; invoice basis `0-30,...,121+`.
    pub fn labels(&self) -> Vec<String> {
        let mut labels = Vec::with_capacity(self.bounds.len() + 2);
        let mut low = match self.basis {
            Basis::Due => {
                labels.push("current".to_string());
                1
            }
            Basis::Invoice => 0,
        };
        for &b in &self.bounds {
            labels.push(format!("{low}-{b}"));
            low = b + 1;
        }
        labels.push(format!("{low}+"));
        labels
    }

    pub fn count(&self) -> usize {
        self.bounds.len() + if self.basis == Basis::Due { 2 } else { 1 }
    }

    /// The bucket of an item of `age` days (upper bounds inclusive).
    pub fn index(&self, age: i64) -> usize {
        let offset = match self.basis {
            Basis::Due if age <= 0 => return 0,
            Basis::Due => 1,
            Basis::Invoice => 0,
        };
        match self.bounds.iter().position(|&b| age <= i64::from(b)) {
            Some(i) => i + offset,
            None => self.bounds.len() + offset,
        }
    }

    /// Age of an item as of `as_of` on this basis: days past due, or days since the document.
    pub fn age(&self, as_of: Day, date: Day, due: Day) -> i64 {
        i64::from(as_of) - i64::from(if self.basis == Basis::Due { due } else { date })
    }
}

#[derive(Clone, Debug)]
pub struct AgingParams {
    pub as_of: NaiveDate,
    pub buckets: Buckets,
    pub credits: Credits,
    /// Only these customers (all when empty).
    pub customers: Vec<String>,
    pub currency: Option<Currency>,
}

/// What a report knows of a customer.
#[derive(Clone, Debug, Default)]
pub struct CustomerInfo {
    pub name: String,
    pub credit_limit: Option<Decimal>,
    pub currency: Option<Currency>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    pub customer_id: String,
    pub customer_name: String,
    pub currency: Currency,
    pub buckets: Vec<i64>,
    pub unapplied: i64,
    pub total: i64,
    /// The customer's credit limit when it is in this row's currency.
    pub credit_limit: Option<Decimal>,
    /// Balance ÷ credit limit, when there is a limit above 0.
    pub limit_used: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DetailRow {
    pub customer_id: String,
    pub customer_name: String,
    pub document_no: String,
    pub doc_type: &'static str,
    pub doc_date: NaiveDate,
    pub due_date: NaiveDate,
    pub currency: Currency,
    pub amount: i64,
    pub open_amount: i64,
    pub age: i64,
    /// A bucket label, or `unapplied`.
    pub bucket: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CurrencyTotal {
    pub currency: Currency,
    pub buckets: Vec<i64>,
    pub unapplied: i64,
    pub total: i64,
    pub customers: usize,
}

#[derive(Clone, Debug)]
pub struct AgingReport {
    pub params: AgingParams,
    pub labels: Vec<String>,
    pub rows: Vec<SummaryRow>,
    pub by_currency: Vec<CurrencyTotal>,
    pub detail: Vec<DetailRow>,
}

/// A built-in check failed: a bug, reported with the numbers (exit 1).
#[derive(Debug, thiserror::Error)]
#[error("aging check failed (this is a bug in arx; please report it with these numbers): {0}")]
pub struct CheckFailed(pub String);

/// Adds into a total, refusing to wrap (amounts are capped at ingest, but millions of them add up).
fn add(total: &mut i64, v: i64) -> Result<(), CheckFailed> {
    *total = total.checked_add(v).ok_or_else(|| CheckFailed("a total is beyond what arx can add up (i64)".into()))?;
    Ok(())
}

#[derive(Default)]
struct Acc {
    buckets: Vec<i64>,
    unapplied: i64,
    total: i64,
}

/// Builds the aging report from the open items; `with_detail` also lists every open item.
pub fn build(
    open: &OpenItems<'_>,
    customers: &HashMap<String, CustomerInfo>,
    params: &AgingParams,
    with_detail: bool,
) -> Result<AgingReport, CheckFailed> {
    // The contract's identity, on the whole ledger before any filter.
    let mut sums: BTreeMap<Currency, i128> = BTreeMap::new();
    for item in &open.items {
        *sums.entry(item.currency).or_default() += i128::from(item.open);
    }
    let show = |v: i128, c: Currency| match i64::try_from(v) {
        Ok(v) => format_minor(v, c),
        Err(_) => format!("{v} minor units"),
    };
    for (cur, expected) in &open.identity {
        let got = sums.get(cur).copied().unwrap_or(0);
        if got != *expected {
            return Err(CheckFailed(format!(
                "{cur}: open items sum to {} but documents − payments − write-offs/discounts/deductions = {}",
                show(got, *cur),
                show(*expected, *cur)
            )));
        }
        if i64::try_from(got).is_err() {
            return Err(CheckFailed(format!("{cur}: the balance ({got} minor units) is beyond what arx can total")));
        }
    }

    let n = params.buckets.count();
    let labels = params.buckets.labels();
    let wanted = |item: &ledger::OpenItem<'_>| {
        (params.customers.is_empty() || params.customers.iter().any(|c| c == item.customer))
            && params.currency.is_none_or(|c| c == item.currency)
    };
    let mut accs: HashMap<(&str, Currency), Acc> = HashMap::new();
    let mut detail = Vec::new();
    for item in open.items.iter().filter(|i| wanted(i)) {
        let acc =
            accs.entry((item.customer, item.currency)).or_insert_with(|| Acc { buckets: vec![0; n], ..Acc::default() });
        add(&mut acc.total, item.open)?;
        let age = params.buckets.age(open.as_of, item.date, item.due);
        let to_unapplied = item.open < 0 && params.credits == Credits::Column;
        let bucket = if to_unapplied {
            add(&mut acc.unapplied, item.open)?;
            None
        } else {
            let b = params.buckets.index(age);
            add(&mut acc.buckets[b], item.open)?;
            Some(b)
        };
        if with_detail {
            detail.push(DetailRow {
                customer_id: item.customer.to_string(),
                customer_name: customers.get(item.customer).map(|c| c.name.clone()).unwrap_or_default(),
                document_no: item.id.to_string(),
                doc_type: item.kind.name(),
                doc_date: ledger::date(item.date),
                due_date: ledger::date(item.due),
                currency: item.currency,
                amount: item.amount,
                open_amount: item.open,
                age,
                bucket: bucket.map(|b| labels[b].clone()).unwrap_or_else(|| "unapplied".to_string()),
            });
        }
        debug_assert!(matches!(item.kind, ItemKind::Payment | ItemKind::Document(_)));
    }

    let mut rows: Vec<SummaryRow> = Vec::with_capacity(accs.len());
    for ((customer, currency), acc) in accs {
        let parts: i128 = acc.buckets.iter().map(|b| i128::from(*b)).sum::<i128>() + i128::from(acc.unapplied);
        if parts != i128::from(acc.total) {
            return Err(CheckFailed(format!(
                "customer '{customer}' {currency}: buckets + unapplied = {} but the balance is {}",
                show(parts, currency),
                format_minor(acc.total, currency)
            )));
        }
        if acc.total == 0 && acc.unapplied == 0 && acc.buckets.iter().all(|b| *b == 0) {
            continue;
        }
        let info = customers.get(customer);
        let credit_limit = info.filter(|i| i.currency.is_none_or(|c| c == currency)).and_then(|i| i.credit_limit);
        let limit_used = credit_limit
            .filter(|l| *l > Decimal::ZERO)
            .and_then(|l| crate::money::to_decimal(acc.total, currency).checked_div(l));
        rows.push(SummaryRow {
            customer_id: customer.to_string(),
            customer_name: info.map(|i| i.name.clone()).unwrap_or_default(),
            currency,
            buckets: acc.buckets,
            unapplied: acc.unapplied,
            total: acc.total,
            credit_limit,
            limit_used,
        });
    }
    rows.sort_unstable_by(|a, b| (a.customer_id.as_str(), a.currency).cmp(&(b.customer_id.as_str(), b.currency)));
    detail.sort_unstable_by(|a, b| {
        (a.customer_id.as_str(), a.currency, a.due_date, a.document_no.as_str()).cmp(&(
            b.customer_id.as_str(),
            b.currency,
            b.due_date,
            b.document_no.as_str(),
        ))
    });

    let mut totals: BTreeMap<Currency, CurrencyTotal> = BTreeMap::new();
    for r in &rows {
        let t = totals.entry(r.currency).or_insert_with(|| CurrencyTotal {
            currency: r.currency,
            buckets: vec![0; n],
            unapplied: 0,
            total: 0,
            customers: 0,
        });
        for (tb, rb) in t.buckets.iter_mut().zip(&r.buckets) {
            add(tb, *rb)?;
        }
        add(&mut t.unapplied, r.unapplied)?;
        add(&mut t.total, r.total)?;
        t.customers += 1;
    }
    for t in totals.values() {
        let parts: i128 = t.buckets.iter().map(|b| i128::from(*b)).sum::<i128>() + i128::from(t.unapplied);
        if parts != i128::from(t.total) {
            return Err(CheckFailed(format!(
                "{}: bucket totals + unapplied = {} but the total is {}",
                t.currency,
                show(parts, t.currency),
                format_minor(t.total, t.currency)
            )));
        }
    }
    Ok(AgingReport { params: params.clone(), labels, rows, by_currency: totals.into_values().collect(), detail })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Doc, Ledger, OpenItemsBuilder, Pay, NO_CUSTOMER};
    use crate::model::{ApplicationKind, DocType};
    use proptest::prelude::*;

    #[test]
    fn labels_follow_the_contract() {
        let due = Buckets::new(vec![30, 60, 90, 120], Basis::Due).unwrap();
        assert_eq!(due.labels(), ["current", "1-30", "31-60", "61-90", "91-120", "121+"]);
        let inv = Buckets::new(vec![30, 60, 90, 120], Basis::Invoice).unwrap();
        assert_eq!(inv.labels(), ["0-30", "31-60", "61-90", "91-120", "121+"]);
        assert_eq!(Buckets::new(vec![15, 45], Basis::Due).unwrap().labels(), ["current", "1-15", "16-45", "46+"]);
        assert_eq!(Buckets::new(vec![15, 45], Basis::Invoice).unwrap().labels(), ["0-15", "16-45", "46+"]);
        assert!(Buckets::new(vec![], Basis::Due).is_err());
        assert!(Buckets::new(vec![30, 30], Basis::Due).is_err());
        assert!(Buckets::new((1..=13).collect(), Basis::Due).is_err());
    }

    #[test]
    fn upper_bounds_are_inclusive() {
        let due = Buckets::new(vec![30, 60, 90, 120], Basis::Due).unwrap();
        let at = |age| due.labels()[due.index(age)].clone();
        for (age, label) in
            [(-1, "current"), (0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-60"), (120, "91-120"), (121, "121+")]
        {
            assert_eq!(at(age), label, "age {age}");
        }
        let inv = Buckets::new(vec![30], Basis::Invoice).unwrap();
        assert_eq!(inv.index(0), 0);
        assert_eq!(inv.index(30), 0);
        assert_eq!(inv.index(31), 1);
    }

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    proptest! {
        /// For random ledgers: every row's buckets + unapplied = its total, the report's totals
        /// equal the contract's identity, and no open amount is lost or invented.
        #[test]
        fn buckets_partition_the_open_balance(
            docs in prop::collection::vec((0i32..400, 0i32..90, 1i64..1_000_000, 0u8..10, 0usize..6), 1..40),
            pays in prop::collection::vec((0i32..400, 1i64..1_000_000, 0usize..6, any::<bool>()), 0..20),
            apply in prop::collection::vec((0usize..40, 0usize..20, 0u8..100, 0i32..60), 0..60),
            as_of in 0i32..500,
            bounds in prop::sample::select(vec![vec![30u32], vec![30, 60, 90, 120], (1..=12).map(|i| i * 10).collect::<Vec<u32>>()]),
            basis in prop::sample::select(vec![Basis::Due, Basis::Invoice]),
            aged in any::<bool>(),
        ) {
            let mut ledger = Ledger::default();
            let custs: Vec<u32> = (0..6).map(|i| ledger.customer(&format!("C{i}"))).collect();
            for (i, (d, terms, amt, ty, c)) in docs.iter().enumerate() {
                let credit = *ty == 0;
                ledger.add_doc(&format!("D{i:03}"), Doc {
                    customer: custs[*c], date: *d, due: d + terms, amount: if credit { -amt } else { *amt },
                    currency: eur(), doc_type: if credit { DocType::CreditNote } else { DocType::Invoice }, live: true,
                });
            }
            for (i, (d, amt, c, named)) in pays.iter().enumerate() {
                ledger.add_payment(&format!("P{i:03}"), Pay {
                    customer: if *named { custs[*c] } else { NO_CUSTOMER }, date: *d, amount: *amt, currency: eur(), live: true,
                });
            }
            // Applications that respect the ingest rules: within open amounts, dated after both sides.
            let mut doc_left: Vec<i64> = ledger.docs.iter().map(|d| d.amount).collect();
            let mut pay_left: Vec<i64> = ledger.pays.iter().map(|p| p.amount).collect();
            let mut apps = Vec::new();
            for (di, pi, pct, lag) in apply {
                let di = di % ledger.docs.len();
                let (doc, Some(pay)) = (ledger.docs[di], ledger.pays.get(pi).copied()) else { continue };
                if doc.amount <= 0 { continue; }
                let amount = (doc_left[di].min(pay_left[pi]) * i64::from(pct)) / 100;
                if amount <= 0 { continue; }
                let write_off = pct % 7 == 0;
                doc_left[di] -= amount;
                if !write_off { pay_left[pi] -= amount; }
                let kind = if write_off { ApplicationKind::WriteOff } else { ApplicationKind::Payment };
                let (doc_no, pay_id) = (format!("D{di:03}"), format!("P{pi:03}"));
                apps.push(ledger.resolve(kind, &pay_id, &doc_no, doc.date.max(pay.date) + lag, amount).unwrap());
            }
            let mut builder = OpenItemsBuilder::new(&ledger, as_of);
            apps.iter().for_each(|a| builder.apply(*a));
            let open = builder.finish();
            let params = AgingParams {
                as_of: ledger::date(as_of),
                buckets: Buckets::new(bounds, basis).unwrap(),
                credits: if aged { Credits::Aged } else { Credits::Column },
                customers: vec![],
                currency: None,
            };
            let report = build(&open, &HashMap::new(), &params, true).unwrap();
            let total: i64 = report.rows.iter().map(|r| r.total).sum();
            prop_assert_eq!(i128::from(total), open.identity.get(&eur()).copied().unwrap_or(0));
            for r in &report.rows {
                prop_assert_eq!(r.buckets.iter().sum::<i64>() + r.unapplied, r.total);
                if aged { prop_assert_eq!(r.unapplied, 0); } else { prop_assert!(r.buckets.iter().all(|b| *b >= 0) && r.unapplied <= 0); }
            }
            prop_assert_eq!(report.detail.iter().map(|d| d.open_amount).sum::<i64>(), total);
        }
    }
}
