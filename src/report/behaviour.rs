//! Payment behaviour per customer (CONTRACT.md §3): average days to pay and days late over the
//! invoices fully settled in a window, weighted by invoice amount; early payment counts 0 days
//! late. Also the open past-due amount and the oldest open item's age as of the date.

use crate::ledger::{self, Day, OpenItems};
use crate::money::Currency;
use crate::report::aging::CustomerInfo;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Debug, PartialEq)]
pub struct BehaviourRow {
    pub customer_id: String,
    pub customer_name: String,
    pub currency: Currency,
    pub settled: usize,
    pub settled_amount: i64,
    pub avg_days_to_pay: Option<Decimal>,
    pub avg_days_late: Option<Decimal>,
    /// Share of the settled invoices (by count) paid by their due date, in percent.
    pub on_time_pct: Option<Decimal>,
    pub open_past_due: i64,
    /// Days past due of the oldest open item (negative: not yet due).
    pub oldest_open_age: Option<i64>,
}

/// One invoice settled in the window.
#[derive(Clone, Debug, PartialEq)]
pub struct SettledRow {
    pub document_no: String,
    pub customer_id: String,
    pub currency: Currency,
    pub amount: i64,
    pub doc_date: NaiveDate,
    pub due_date: NaiveDate,
    pub settled_date: NaiveDate,
    pub days_to_pay: i64,
    pub days_late: i64,
}

#[derive(Default)]
struct Acc {
    settled: usize,
    on_time: usize,
    amount: i128,
    weighted_pay: i128,
    weighted_late: i128,
    past_due: i64,
    oldest: Option<i64>,
}

/// Behaviour per customer and currency for invoices settled from `from` to the as-of date, worst
/// first (highest average days late, then largest past-due amount); and the settled invoices.
pub fn build(
    open: &OpenItems<'_>,
    customers: &HashMap<String, CustomerInfo>,
    from: Day,
) -> (Vec<BehaviourRow>, Vec<SettledRow>) {
    let mut accs: BTreeMap<(&str, Currency), Acc> = BTreeMap::new();
    let mut detail = Vec::new();
    for s in open.settled.iter().filter(|s| s.settled >= from && s.settled <= open.as_of) {
        let days_to_pay = i64::from(s.settled) - i64::from(s.date);
        let days_late = (i64::from(s.settled) - i64::from(s.due)).max(0);
        let a = accs.entry((s.customer, s.currency)).or_default();
        a.settled += 1;
        a.on_time += usize::from(days_late == 0);
        a.amount += i128::from(s.amount);
        a.weighted_pay += i128::from(s.amount) * i128::from(days_to_pay);
        a.weighted_late += i128::from(s.amount) * i128::from(days_late);
        detail.push(SettledRow {
            document_no: s.id.to_string(),
            customer_id: s.customer.to_string(),
            currency: s.currency,
            amount: s.amount,
            doc_date: ledger::date(s.date),
            due_date: ledger::date(s.due),
            settled_date: ledger::date(s.settled),
            days_to_pay,
            days_late,
        });
    }
    for item in open.items.iter().filter(|i| i.open > 0 && !i.customer.is_empty()) {
        let age = i64::from(open.as_of) - i64::from(item.due);
        let a = accs.entry((item.customer, item.currency)).or_default();
        if age > 0 {
            a.past_due += item.open;
        }
        a.oldest = Some(a.oldest.map_or(age, |o| o.max(age)));
    }
    let ratio = |num: i128, den: i128| {
        (den != 0).then(|| Decimal::from_i128_with_scale(num, 0) / Decimal::from_i128_with_scale(den, 0))
    };
    let mut rows: Vec<BehaviourRow> = accs
        .into_iter()
        .map(|((customer, currency), a)| BehaviourRow {
            customer_id: customer.to_string(),
            customer_name: customers.get(customer).map(|c| c.name.clone()).unwrap_or_default(),
            currency,
            settled: a.settled,
            settled_amount: i64::try_from(a.amount).unwrap_or(i64::MAX),
            avg_days_to_pay: ratio(a.weighted_pay, a.amount),
            avg_days_late: ratio(a.weighted_late, a.amount),
            on_time_pct: ratio(a.on_time as i128 * 100, a.settled as i128),
            open_past_due: a.past_due,
            oldest_open_age: a.oldest,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.avg_days_late
            .unwrap_or(Decimal::MIN)
            .cmp(&a.avg_days_late.unwrap_or(Decimal::MIN))
            .then(b.open_past_due.cmp(&a.open_past_due))
            .then((&a.customer_id, a.currency).cmp(&(&b.customer_id, b.currency)))
    });
    detail.sort_by(|a, b| (&a.customer_id, &a.document_no).cmp(&(&b.customer_id, &b.document_no)));
    (rows, detail)
}
