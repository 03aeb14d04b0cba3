//! The dispute summary (CONTRACT.md §3 "Disputes"): disputes open as of a date, opened and
//! resolved in a window, resolution rate, days to resolve, and where the open amount sits (by
//! reason, customer and age since opened). Numbers only.

use crate::ledger::{ItemKind, OpenItems};
use crate::model::{Dispute, DisputeStatus};
use crate::money::Currency;
use crate::report::aging::CustomerInfo;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// Disputes opened by cash application for a short payment carry this reason.
pub const SHORT_PAYMENT: &str = "short-payment";

/// Age bands since opening, upper bounds inclusive.
pub const AGE_BANDS: [(&str, i64); 4] = [("0-30", 30), ("31-60", 60), ("61-90", 90), ("90+", i64::MAX)];

#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    pub currency: Currency,
    pub open_count: usize,
    pub open_amount: i64,
    pub opened: usize,
    pub resolved: usize,
    pub resolution_rate: Option<Decimal>,
    pub avg_days_to_resolve: Option<Decimal>,
    /// Open disputed amount as a share of the currency's AR (percent), when AR is positive.
    pub pct_of_ar: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OpenDispute {
    pub document_no: String,
    pub customer_id: String,
    pub customer_name: String,
    pub currency: Currency,
    pub reason: String,
    pub opened: NaiveDate,
    pub age: i64,
    pub band: &'static str,
    /// Capped at the document's open amount as of the date (plus its deductions, for a
    /// short-payment dispute: the deduction closed the invoice, the dispute is about it).
    pub amount: i64,
    /// What the input claimed, when it claimed more than is open.
    pub claimed_over: Option<i64>,
    pub owner: String,
    pub note: String,
    /// Opened by cash application for a short payment (reason `short-payment`).
    pub deduction: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedDispute {
    pub document_no: String,
    pub customer_id: String,
    pub currency: Currency,
    pub reason: String,
    pub opened: NaiveDate,
    pub resolved: NaiveDate,
    pub days: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DisputesReport {
    pub as_of: NaiveDate,
    pub from: NaiveDate,
    pub rows: Vec<SummaryRow>,
    pub open: Vec<OpenDispute>,
    pub resolved: Vec<ResolvedDispute>,
}

/// Grouped open disputes: (currency, key) → (count, amount), for reasons, customers or bands.
pub fn group(open: &[OpenDispute], key: impl Fn(&OpenDispute) -> String) -> Vec<(Currency, String, usize, i64)> {
    let mut g: BTreeMap<(Currency, String), (usize, i64)> = BTreeMap::new();
    for d in open {
        let e = g.entry((d.currency, key(d))).or_default();
        e.0 += 1;
        e.1 += d.amount;
    }
    g.into_iter().map(|((c, k), (n, a))| (c, k, n, a)).collect()
}

/// Builds the report. `docs` gives each document's customer and currency; `open_items` (as of
/// the date) gives the open amounts that cap dispute amounts and the AR they are a share of.
pub fn build<'c>(
    disputes: &[Dispute],
    doc_customer: impl Fn(&str) -> Option<&'c str>,
    open_items: &OpenItems<'_>,
    customers: &HashMap<String, CustomerInfo>,
    as_of: NaiveDate,
    from: NaiveDate,
) -> DisputesReport {
    let open_amount: HashMap<&str, i64> =
        open_items.items.iter().filter(|i| matches!(i.kind, ItemKind::Document(_))).map(|i| (i.id, i.open)).collect();
    let mut ar: BTreeMap<Currency, i64> = BTreeMap::new();
    for i in &open_items.items {
        *ar.entry(i.currency).or_default() += i.open;
    }
    let open_on = |d: &Dispute, day: NaiveDate| {
        d.opened_date <= day && (d.status == DisputeStatus::Open || d.resolved_date.is_some_and(|r| r > day))
    };
    let window_start = from.pred_opt().unwrap_or(from);
    let in_window = |day: NaiveDate| day >= from && day <= as_of;

    #[derive(Default)]
    struct Acc {
        open_count: usize,
        open_amount: i64,
        opened: usize,
        resolved: usize,
        open_at_start: usize,
        resolve_days: i64,
    }
    let mut accs: BTreeMap<Currency, Acc> = BTreeMap::new();
    let mut open = Vec::new();
    let mut resolved = Vec::new();
    for d in disputes.iter().filter(|d| d.opened_date <= as_of) {
        let customer = doc_customer(&d.document_no).unwrap_or("");
        let a = accs.entry(d.currency).or_default();
        if in_window(d.opened_date) {
            a.opened += 1;
        }
        if d.opened_date <= window_start && open_on(d, window_start) {
            a.open_at_start += 1;
        }
        if let (DisputeStatus::Resolved, Some(r)) = (d.status, d.resolved_date) {
            if in_window(r) {
                a.resolved += 1;
                let days = (r - d.opened_date).num_days();
                a.resolve_days += days;
                resolved.push(ResolvedDispute {
                    document_no: d.document_no.clone(),
                    customer_id: customer.to_string(),
                    currency: d.currency,
                    reason: d.reason.clone(),
                    opened: d.opened_date,
                    resolved: r,
                    days,
                });
            }
        }
        if open_on(d, as_of) {
            // What is still to be collected on the document: its open amount, plus for a
            // short-payment dispute the deduction cash application took off it.
            let deducted = if d.reason == SHORT_PAYMENT {
                open_items.deducted.get(d.document_no.as_str()).copied().unwrap_or(0)
            } else {
                0
            };
            let doc_open = open_amount.get(d.document_no.as_str()).copied().unwrap_or(0) + deducted;
            let claimed = d.amount.unwrap_or(doc_open);
            // A dispute can't be about more than is still open on the document.
            let amount = if doc_open >= 0 { claimed.clamp(0, doc_open) } else { claimed.clamp(doc_open, 0) };
            let age = (as_of - d.opened_date).num_days();
            a.open_count += 1;
            a.open_amount += amount;
            open.push(OpenDispute {
                document_no: d.document_no.clone(),
                customer_id: customer.to_string(),
                customer_name: customers.get(customer).map(|c| c.name.clone()).unwrap_or_default(),
                currency: d.currency,
                reason: d.reason.clone(),
                opened: d.opened_date,
                age,
                band: AGE_BANDS.iter().find(|(_, hi)| age <= *hi).map(|(l, _)| *l).unwrap_or("90+"),
                amount,
                claimed_over: (claimed != amount).then_some(claimed),
                owner: d.owner.clone().unwrap_or_default(),
                note: d.note.clone().unwrap_or_default(),
                deduction: d.reason == SHORT_PAYMENT,
            });
        }
    }
    let rows = accs
        .into_iter()
        .map(|(currency, a)| {
            let base = a.open_at_start + a.opened;
            let ar = ar.get(&currency).copied().unwrap_or(0);
            SummaryRow {
                currency,
                open_count: a.open_count,
                open_amount: a.open_amount,
                opened: a.opened,
                resolved: a.resolved,
                resolution_rate: (base > 0)
                    .then(|| Decimal::from(a.resolved) / Decimal::from(base) * Decimal::from(100)),
                avg_days_to_resolve: (a.resolved > 0)
                    .then(|| Decimal::from(a.resolve_days) / Decimal::from(a.resolved)),
                pct_of_ar: (ar > 0).then(|| Decimal::from(a.open_amount) / Decimal::from(ar) * Decimal::from(100)),
            }
        })
        .collect();
    open.sort_by(|a, b| (b.age, &a.document_no).cmp(&(a.age, &b.document_no)));
    resolved.sort_by(|a, b| (a.resolved, &a.document_no).cmp(&(b.resolved, &b.document_no)));
    DisputesReport { as_of, from, rows, open, resolved }
}

/// The default window: the as-of date's month.
pub fn month_start(as_of: NaiveDate) -> NaiveDate {
    chrono::Datelike::with_day(&as_of, 1).unwrap_or(as_of)
}
