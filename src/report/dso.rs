//! Days sales outstanding (CONTRACT.md §3 "DSO"): standard, count-back, best possible, average
//! days delinquent and the collection effectiveness index, per currency. Numbers only.

use crate::ledger::{self, Ledger, OpenItems};
use crate::model::DocType;
use crate::money::Currency;
use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

/// How far back the count-back walk may go.
pub const COUNTBACK_MONTHS: u32 = 36;

/// A calendar month, as (year, month).
pub type Month = (i32, u32);

/// The DSO window: `months` calendar months ending with the as-of date's month, the last one
/// running to the as-of date when that is not a month end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Each month of the window with the days of it inside the window, oldest first.
    pub months: Vec<(Month, i64)>,
}

impl Window {
    pub fn new(as_of: NaiveDate, months: u32) -> Window {
        let first_of_month = as_of.with_day(1).unwrap_or(as_of);
        let start = first_of_month.checked_sub_months(Months::new(months.saturating_sub(1))).unwrap_or(first_of_month);
        let mut out = Vec::new();
        let mut m = start;
        while m <= as_of {
            let next = m.checked_add_months(Months::new(1)).unwrap_or(as_of);
            let last = (next - chrono::Duration::days(1)).min(as_of);
            out.push(((m.year(), m.month()), (last - m).num_days() + 1));
            m = next;
        }
        Window { start, end: as_of, months: out }
    }

    pub fn days(&self) -> i64 {
        self.months.iter().map(|(_, d)| d).sum()
    }
}

/// Days of `month` that count as of `as_of`: all of them, or up to `as_of` in its own month.
fn days_counted(month: Month, as_of: NaiveDate) -> i64 {
    let Some(first) = NaiveDate::from_ymd_opt(month.0, month.1, 1) else { return 0 };
    let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
    let last = (next - chrono::Duration::days(1)).min(as_of);
    (last - first).num_days() + 1
}

fn prev_month((y, m): Month) -> Month {
    if m == 1 {
        (y - 1, 12)
    } else {
        (y, m - 1)
    }
}

/// Sales (invoices + debit notes − credit notes) per currency and month, documents dated ≤ as-of.
pub fn monthly_sales(ledger: &Ledger, as_of: NaiveDate) -> BTreeMap<Currency, BTreeMap<Month, i64>> {
    let d = ledger::day(as_of);
    let mut out: BTreeMap<Currency, BTreeMap<Month, i64>> = BTreeMap::new();
    for doc in ledger.docs.iter().filter(|x| x.live && x.date <= d) {
        let date = ledger::date(doc.date);
        // Credit notes are stored negative, so the signed sum is sales net of credits.
        debug_assert!(doc.doc_type != DocType::CreditNote || doc.amount <= 0);
        *out.entry(doc.currency).or_default().entry((date.year(), date.month())).or_default() += doc.amount;
    }
    out
}

/// The count-back walk: from the as-of month backwards, while the AR left covers the month's
/// sales, count the month's days and take its sales off; then the remaining fraction of the
/// month where it stops. A month with sales ≤ 0 counts its days and the walk goes on. Once no
/// AR is left to explain the walk stops (read literally, the contract would keep counting the
/// days of earlier months without sales; see README).
pub fn countback(ar: i64, as_of: NaiveDate, sales: &BTreeMap<Month, i64>) -> Decimal {
    let mut left = Decimal::from(ar);
    let mut days = Decimal::ZERO;
    let mut month = (as_of.year(), as_of.month());
    for _ in 0..COUNTBACK_MONTHS {
        let s = Decimal::from(sales.get(&month).copied().unwrap_or(0));
        let d = Decimal::from(days_counted(month, as_of));
        if left <= Decimal::ZERO {
            // Nothing (or a net credit) left: a negative balance counts back a negative share.
            return if left < Decimal::ZERO && s > Decimal::ZERO { days + left / s * d } else { days };
        }
        if s <= Decimal::ZERO {
            days += d;
        } else if left >= s {
            days += d;
            left -= s;
        } else {
            return days + left / s * d;
        }
        month = prev_month(month);
    }
    days
}

#[derive(Clone, Debug, PartialEq)]
pub struct DsoRow {
    pub currency: Currency,
    pub ar: i64,
    pub current_ar: i64,
    pub sales: i64,
    pub days: i64,
    pub dso_standard: Option<Decimal>,
    pub dso_countback: Decimal,
    pub bpdso: Option<Decimal>,
    pub add: Option<Decimal>,
    pub cei: Option<Decimal>,
}

/// Rounds a day figure or percentage to the 2 decimals reports show.
pub fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Balance and current (not yet due, due basis) balance per currency of a set of open items.
pub fn balances(open: &OpenItems<'_>) -> BTreeMap<Currency, (i64, i64)> {
    let mut out: BTreeMap<Currency, (i64, i64)> = BTreeMap::new();
    for item in &open.items {
        let e = out.entry(item.currency).or_default();
        e.0 += item.open;
        // The aging's `current` column: positive items not yet past due (negative ones are
        // unapplied under the default --credits column).
        if item.open > 0 && item.due >= open.as_of {
            e.1 += item.open;
        }
    }
    out
}

/// DSO rows per currency from the balances at the as-of date and the day before the window.
pub fn rows(
    as_of: NaiveDate,
    window: &Window,
    at_end: &BTreeMap<Currency, (i64, i64)>,
    at_start: &BTreeMap<Currency, (i64, i64)>,
    sales: &BTreeMap<Currency, BTreeMap<Month, i64>>,
) -> Vec<DsoRow> {
    let currencies: std::collections::BTreeSet<Currency> = at_end.keys().chain(sales.keys()).copied().collect();
    let days = window.days();
    let mut out = Vec::new();
    for cur in currencies {
        let (ar, current_ar) = at_end.get(&cur).copied().unwrap_or((0, 0));
        let ar_start = at_start.get(&cur).map(|b| b.0).unwrap_or(0);
        let empty = BTreeMap::new();
        let monthly = sales.get(&cur).unwrap_or(&empty);
        let window_sales: i64 = window.months.iter().map(|(m, _)| monthly.get(m).copied().unwrap_or(0)).sum();
        if ar == 0 && window_sales == 0 && ar_start == 0 {
            continue;
        }
        let per_day = |num: i64| {
            (window_sales != 0).then(|| Decimal::from(num) / Decimal::from(window_sales) * Decimal::from(days))
        };
        let dso_standard = per_day(ar);
        let bpdso = per_day(current_ar);
        let add = dso_standard.zip(bpdso).map(|(s, b)| s - b);
        let collectable = Decimal::from(ar_start) + Decimal::from(window_sales);
        let cei_den = collectable - Decimal::from(current_ar);
        let cei = (!cei_den.is_zero()).then(|| (collectable - Decimal::from(ar)) / cei_den * Decimal::from(100));
        out.push(DsoRow {
            currency: cur,
            ar,
            current_ar,
            sales: window_sales,
            days,
            dso_standard,
            dso_countback: countback(ar, as_of, monthly),
            bpdso,
            add,
            cei,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn window_runs_whole_months_and_a_partial_last_one() {
        let w = Window::new(date("2023-03-31"), 3);
        assert_eq!(w.start, date("2023-01-01"));
        assert_eq!(w.months, vec![((2023, 1), 31), ((2023, 2), 28), ((2023, 3), 31)]);
        assert_eq!(w.days(), 90);
        let mid = Window::new(date("2024-03-15"), 2);
        assert_eq!(mid.months, vec![((2024, 2), 29), ((2024, 3), 15)]);
        assert_eq!(Window::new(date("2024-01-10"), 1).days(), 10);
    }

    /// The worked example: Jan 70,000 / Feb 80,000 / Mar 100,000, AR 212,000 at 31 March of a
    /// non-leap year → count-back 73.17 days, standard 212,000 ÷ 250,000 × 90 = 76.32 days.
    #[test]
    fn countback_worked_example() {
        let sales: BTreeMap<Month, i64> =
            [((2023, 1), 7_000_000), ((2023, 2), 8_000_000), ((2023, 3), 10_000_000)].into();
        assert_eq!(round2(countback(21_200_000, date("2023-03-31"), &sales)), Decimal::new(7317, 2));
        let eur = Currency::parse("EUR").unwrap();
        let w = Window::new(date("2023-03-31"), 3);
        let rows =
            rows(date("2023-03-31"), &w, &[(eur, (21_200_000, 0))].into(), &BTreeMap::new(), &[(eur, sales)].into());
        assert_eq!(rows[0].dso_standard.map(round2), Some(Decimal::new(7632, 2)));
        assert_eq!(round2(rows[0].dso_countback), Decimal::new(7317, 2));
    }

    #[test]
    fn countback_skips_months_without_sales_and_stops_after_36() {
        let sales: BTreeMap<Month, i64> = [((2023, 3), 100), ((2023, 1), 100)].into();
        // March covered (31), February has no sales (28), January half (31 × 0.5).
        assert_eq!(countback(150, date("2023-03-31"), &sales), Decimal::new(745, 1));
        let none = BTreeMap::new();
        let d = countback(100, date("2023-03-31"), &none);
        assert_eq!(d, Decimal::from((date("2023-03-31") - date("2020-04-01")).num_days() + 1));
        // Fully explained by March and February: the walk stops there.
        let two: BTreeMap<Month, i64> = [((2023, 3), 100), ((2023, 2), 50)].into();
        assert_eq!(countback(150, date("2023-03-31"), &two), Decimal::from(31 + 28));
        assert_eq!(countback(0, date("2023-03-31"), &two), Decimal::ZERO);
        // A net credit balance counts back a negative share of the as-of month.
        assert_eq!(round2(countback(-50, date("2023-03-31"), &two)), Decimal::new(-1550, 2));
    }
}

#[cfg(test)]
mod agreement {
    use crate::ledger::{balances_at, Doc, Ledger, OpenItemsBuilder, Pay, NO_CUSTOMER};
    use crate::model::{ApplicationKind, DocType};
    use crate::money::Currency;
    use proptest::prelude::*;

    proptest! {
        /// The one-pass balances equal the open-items balances at every date, for random ledgers
        /// with credit notes, refunds, partial and adjustment applications.
        #[test]
        fn one_pass_balances_match_open_items(
            docs in prop::collection::vec((0i32..300, -10i32..90, 1i64..100_000, 0u8..6), 1..30),
            pays in prop::collection::vec((0i32..300, -50_000i64..100_000), 0..15),
            apply in prop::collection::vec((0usize..30, 0usize..15, 1u8..100, 0i32..40, 0u8..4), 0..40),
            dates in prop::collection::btree_set(-5i32..400, 1..12),
        ) {
            let eur = Currency::parse("EUR").unwrap();
            let mut l = Ledger::default();
            let c = l.customer("C");
            for (i, (d, terms, amt, ty)) in docs.iter().enumerate() {
                let credit = *ty == 0;
                l.add_doc(&format!("D{i}"), Doc { customer: c, date: *d, due: d + terms, amount: if credit { -amt } else { *amt },
                    currency: eur, doc_type: if credit { DocType::CreditNote } else { DocType::Invoice }, live: true });
            }
            for (i, (d, amt)) in pays.iter().enumerate() {
                let amount = if *amt == 0 { 1 } else { *amt };
                l.add_payment(&format!("P{i}"), Pay { customer: NO_CUSTOMER, date: *d, amount, currency: eur, live: true });
            }
            let mut doc_left: Vec<i64> = l.docs.iter().map(|d| d.amount).collect();
            let mut pay_left: Vec<i64> = l.pays.iter().map(|p| p.amount).collect();
            let mut apps = Vec::new();
            for (di, pi, pct, lag, kind) in apply {
                let di = di % l.docs.len();
                let doc = l.docs[di];
                let (kind, source, from_pay) = match (kind, l.pays.get(pi)) {
                    (0 | 1, Some(p)) if (p.amount > 0) == (doc.amount > 0) => (ApplicationKind::Payment, format!("P{pi}"), true),
                    (2, _) => (ApplicationKind::WriteOff, "fee".to_string(), false),
                    (3, _) => (ApplicationKind::Deduction, "short".to_string(), false),
                    _ => continue,
                };
                let room = if from_pay { doc_left[di].abs().min(pay_left[pi].abs()) } else { doc_left[di].abs() };
                let amount = room * i64::from(pct) / 100;
                if amount == 0 { continue; }
                let signed = if doc.amount > 0 { amount } else { -amount };
                doc_left[di] -= signed;
                if from_pay { pay_left[pi] -= signed; }
                let date = if from_pay { doc.date.max(l.pays[pi].date) + lag } else { doc.date + lag };
                apps.push(l.resolve(kind, &source, &format!("D{di}"), date, signed).unwrap());
            }
            let dates: Vec<i32> = dates.into_iter().collect();
            let fast = balances_at(&l, &apps, &dates);
            for (k, d) in dates.iter().enumerate() {
                let mut b = OpenItemsBuilder::new(&l, *d);
                apps.iter().for_each(|a| b.apply(*a));
                let slow = super::balances(&b.finish());
                let fast_k: std::collections::BTreeMap<_, _> = fast[k].iter().filter(|(_, v)| **v != (0, 0)).map(|(c, v)| (*c, *v)).collect();
                let slow_k: std::collections::BTreeMap<_, _> = slow.iter().filter(|(_, v)| **v != (0, 0)).map(|(c, v)| (*c, *v)).collect();
                prop_assert_eq!(fast_k, slow_k, "as of {}", d);
            }
        }
    }
}
