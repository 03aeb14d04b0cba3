//! What a cash-application run did, as tables: the summary by currency (payments in, fully,
//! partly and not applied, by count and value), the exceptions with their ranked candidates,
//! the short pays, and every application made.

use crate::matching::{Decision, Incoming, Index, Line};
use crate::model::ApplicationKind;
use crate::money::{format_minor, Currency};
use crate::output::{Table, Value};
use std::collections::BTreeMap;

/// Per currency; `received = fully_value + partly_value + unapplied_value` and
/// `received = applied + left_unapplied`, always.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SummaryRow {
    pub currency: Option<Currency>,
    pub payments: u64,
    pub received: i64,
    pub fully: (u64, i64),
    pub partly: (u64, i64),
    pub unapplied: (u64, i64),
    /// Cash applied from the payments.
    pub applied: i64,
    /// Cash left unapplied on them (on account).
    pub left_unapplied: i64,
    pub credits: i64,
    pub write_offs: i64,
    pub discounts: i64,
    pub deductions: i64,
}

fn sum_kind(lines: &[Line], kind: ApplicationKind) -> i64 {
    lines.iter().filter(|l| l.kind == kind).map(|l| l.amount).sum()
}

pub fn summarize(payments: &[Incoming], decisions: &[Decision]) -> Vec<SummaryRow> {
    let mut by: BTreeMap<Currency, SummaryRow> = BTreeMap::new();
    for (p, d) in payments.iter().zip(decisions) {
        let r = by.entry(p.currency).or_insert_with(|| SummaryRow { currency: Some(p.currency), ..Default::default() });
        r.payments += 1;
        r.received += p.amount;
        let lines: &[Line] = match d {
            Decision::Applied { lines, .. } => lines,
            Decision::Exception { .. } => &[],
        };
        let cash = sum_kind(lines, ApplicationKind::Payment);
        r.applied += cash;
        r.left_unapplied += p.amount - cash;
        let bucket = if cash == 0 {
            &mut r.unapplied
        } else if cash == p.amount {
            &mut r.fully
        } else {
            &mut r.partly
        };
        bucket.0 += 1;
        bucket.1 += p.amount;
        r.credits += sum_kind(lines, ApplicationKind::Credit);
        r.write_offs += sum_kind(lines, ApplicationKind::WriteOff);
        r.discounts += sum_kind(lines, ApplicationKind::Discount);
        r.deductions += sum_kind(lines, ApplicationKind::Deduction);
    }
    by.into_values().collect()
}

pub const SUMMARY_COLUMNS: [&str; 15] = [
    "currency",
    "payments",
    "received",
    "fully_applied",
    "fully_applied_value",
    "partly_applied",
    "partly_applied_value",
    "unapplied",
    "unapplied_value",
    "applied",
    "left_unapplied",
    "credits_used",
    "write_offs",
    "discounts",
    "deductions",
];

pub fn summary_table(rows: &[SummaryRow]) -> Table {
    let mut t = Table::new(&SUMMARY_COLUMNS);
    for r in rows {
        let Some(c) = r.currency else { continue };
        let m = |v: i64| Value::Amount(format_minor(v, c));
        t.rows.push(vec![
            Value::Text(c.to_string()),
            Value::Int(r.payments as i64),
            m(r.received),
            Value::Int(r.fully.0 as i64),
            m(r.fully.1),
            Value::Int(r.partly.0 as i64),
            m(r.partly.1),
            Value::Int(r.unapplied.0 as i64),
            m(r.unapplied.1),
            m(r.applied),
            m(r.left_unapplied),
            m(r.credits),
            m(r.write_offs),
            m(r.discounts),
            m(r.deductions),
        ]);
    }
    t
}

/// The json summary for scripts: the batch, whether it was committed, the rows, and counts.
pub fn summary_json(
    batch: &str,
    dry_run: bool,
    rows: &[SummaryRow],
    applications: usize,
    exceptions: usize,
) -> serde_json::Value {
    let t = summary_table(rows);
    let mut out_rows = Vec::new();
    for row in &t.rows {
        let mut o = serde_json::Map::new();
        for (k, v) in t.columns.iter().zip(row) {
            let j = match v {
                Value::Int(i) => serde_json::Value::from(*i),
                Value::Text(s) | Value::Amount(s) => serde_json::Value::String(s.clone()),
                Value::Null => serde_json::Value::Null,
            };
            o.insert(k.clone(), j);
        }
        out_rows.push(serde_json::Value::Object(o));
    }
    serde_json::json!({
        "batch": batch,
        "committed": !dry_run,
        "applications": applications,
        "exceptions": exceptions,
        "rows": out_rows,
    })
}

/// A short pay: a document a payment named or settled that it left (partly) open, or closed with
/// a deduction. Listed for review whatever was done with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShortPay {
    pub payment: usize,
    pub doc: usize,
    pub open_before: i64,
    pub paid: i64,
    pub written_off: i64,
    pub discount: i64,
    pub deduction: i64,
    pub left_open: i64,
}

impl ShortPay {
    pub fn treatment(&self) -> &'static str {
        if self.deduction > 0 {
            "deduction: dispute opened"
        } else {
            "partial payment: the rest stays open"
        }
    }
}

/// Short pays of the run; `open_before` holds every document's open amount before it.
pub fn short_pays(decisions: &[Decision], open_before: &[i64]) -> Vec<ShortPay> {
    let mut out = Vec::new();
    for (k, d) in decisions.iter().enumerate() {
        let Decision::Applied { lines, .. } = d else { continue };
        let mut docs: Vec<usize> = lines.iter().filter(|l| l.kind == ApplicationKind::Payment).map(|l| l.doc).collect();
        docs.dedup();
        for doc in docs {
            let on = |kind| lines.iter().filter(|l| l.doc == doc && l.kind == kind).map(|l| l.amount).sum::<i64>();
            let (paid, credit) = (on(ApplicationKind::Payment), on(ApplicationKind::Credit));
            let (written_off, discount, deduction) =
                (on(ApplicationKind::WriteOff), on(ApplicationKind::Discount), on(ApplicationKind::Deduction));
            let before = open_before.get(doc).copied().unwrap_or(0);
            let left_open = before - paid - credit - written_off - discount - deduction;
            if left_open > 0 || deduction > 0 {
                out.push(ShortPay {
                    payment: k,
                    doc,
                    open_before: before,
                    paid,
                    written_off,
                    discount,
                    deduction,
                    left_open,
                });
            }
        }
    }
    out
}

/// The customer id and name of a document, for tables.
pub fn doc_customer(ix: &Index, doc: usize) -> (String, String) {
    ix.customers.get(ix.docs[doc].customer).map(|c| (c.id.clone(), c.name.clone())).unwrap_or_default()
}
