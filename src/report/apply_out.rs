//! The exceptions workbook of `arx apply -o`: what a specialist works through after a run.

use super::apply::{doc_customer, ShortPay, SummaryRow};
use super::xlsx::{self, SheetTable, Styles, XCell};
use crate::matching::{Decision, Incoming, Index, Policy, Rule};
use crate::model::{Application, ApplicationKind};
use crate::store::FileAudit;
use chrono::NaiveDate;
use rust_xlsxwriter::{Workbook, XlsxError};
use std::collections::BTreeMap;

pub struct Data<'a> {
    pub batch: &'a str,
    pub committed: bool,
    pub as_of: NaiveDate,
    pub company: &'a str,
    pub workspace: &'a str,
    pub policy: &'a Policy,
    pub index: &'a Index,
    pub payments: &'a [Incoming],
    pub decisions: &'a [Decision],
    pub open_before: &'a [i64],
    pub summary: &'a [SummaryRow],
    pub short: &'a [ShortPay],
    pub apps: &'a [Application],
    pub audits: &'a [FileAudit],
}

fn text(s: &str) -> XCell {
    XCell::Text(s.to_string())
}

/// Optional text: an empty text cell (not `Empty`), so the column stays a text column.
fn opt(s: &Option<String>) -> XCell {
    text(s.as_deref().unwrap_or(""))
}

fn header(cols: &[&str]) -> Vec<String> {
    cols.iter().map(|c| c.to_string()).collect()
}

pub fn workbook(d: &Data<'_>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let mut st = Styles::new();
    let status =
        if d.committed { format!("committed as batch {}", d.batch) } else { "dry run: nothing committed".into() };
    let title = |what: &str| -> Vec<String> {
        let t = if d.company.is_empty() { what.to_string() } else { format!("{what} — {}", d.company) };
        vec![t, format!("Cash application {} · {status}", d.as_of)]
    };

    // Summary: by count and value; fully + partly + unapplied = payments in.
    let t = title("Cash application summary");
    let mut rows = d.summary.iter().filter_map(|r| {
        let c = r.currency?;
        Some(vec![
            XCell::Text(c.to_string()),
            XCell::Int(r.payments as i64),
            XCell::Money(r.received, c),
            XCell::Int(r.fully.0 as i64),
            XCell::Money(r.fully.1, c),
            XCell::Int(r.partly.0 as i64),
            XCell::Money(r.partly.1, c),
            XCell::Int(r.unapplied.0 as i64),
            XCell::Money(r.unapplied.1, c),
            XCell::Money(r.applied, c),
            XCell::Money(r.left_unapplied, c),
            XCell::Money(r.write_offs, c),
            XCell::Money(r.discounts, c),
            XCell::Money(r.deductions, c),
        ])
    });
    let h = header(&[
        "Currency",
        "Payments in",
        "Received",
        "Fully applied",
        "Fully applied value",
        "Partly applied",
        "Partly applied value",
        "Unapplied",
        "Unapplied value",
        "Cash applied",
        "Left on account",
        "Written off",
        "Discounts",
        "Deductions",
    ]);
    xlsx::write_table(
        &mut wb,
        &mut st,
        SheetTable { name: "Summary", title: &t, header: h, rows: &mut rows, totals: vec![], frozen_cols: 1 },
    )?;

    // Exceptions, largest first: what to work through.
    let mut ex: Vec<usize> =
        (0..d.payments.len()).filter(|k| matches!(d.decisions[*k], Decision::Exception { .. })).collect();
    ex.sort_by(|a, b| (d.payments[*b].amount, &d.payments[*a].id).cmp(&(d.payments[*a].amount, &d.payments[*b].id)));
    let t = title("Payments not applied, with candidates (largest first)");
    let ix = d.index;
    let mut rows = ex.iter().map(|k| {
        let p = &d.payments[*k];
        let Decision::Exception { kind, reason, candidates } = &d.decisions[*k] else { return Vec::new() };
        let mut row = vec![
            text(&p.id),
            XCell::Date(p.date),
            XCell::Text(p.currency.to_string()),
            XCell::Money(p.amount, p.currency),
            opt(&p.payer_name),
            opt(&p.reference),
            opt(&p.bank_account),
            text(kind.name()),
            text(reason),
        ];
        for n in 0..3 {
            match candidates.get(n) {
                Some(c) => {
                    let (cid, _) = doc_customer(ix, c.doc);
                    row.extend([
                        text(&ix.docs[c.doc].no),
                        text(&cid),
                        XCell::Money(ix.docs[c.doc].open, ix.docs[c.doc].currency),
                        text(&c.why),
                    ]);
                }
                None => row.extend([text(""), text(""), XCell::Empty, text("")]),
            }
        }
        row
    });
    let mut h = header(&[
        "Payment ID",
        "Date",
        "Currency",
        "Amount",
        "Payer",
        "Reference",
        "Bank account",
        "Status",
        "Why not applied",
    ]);
    for n in 1..=3 {
        h.extend([format!("Candidate {n}"), format!("Customer {n}"), format!("Open {n}"), format!("Why {n}")]);
    }
    xlsx::write_table(
        &mut wb,
        &mut st,
        SheetTable { name: "Exceptions", title: &t, header: h, rows: &mut rows, totals: vec![], frozen_cols: 1 },
    )?;

    // Short pays: every one, whatever was done with it.
    let t = title("Short pays (partial payments and deductions) for review");
    let mut rows = d.short.iter().map(|s| {
        let p = &d.payments[s.payment];
        let c = p.currency;
        let (cid, cname) = doc_customer(ix, s.doc);
        vec![
            text(&p.id),
            XCell::Date(p.date),
            text(&ix.docs[s.doc].no),
            text(&cid),
            text(&cname),
            XCell::Text(c.to_string()),
            XCell::Money(s.open_before, c),
            XCell::Money(s.paid, c),
            XCell::Money(s.written_off, c),
            XCell::Money(s.discount, c),
            XCell::Money(s.deduction, c),
            XCell::Money(s.left_open, c),
            text(s.treatment()),
        ]
    });
    let h = header(&[
        "Payment ID",
        "Date",
        "Document",
        "Customer ID",
        "Customer",
        "Currency",
        "Open before",
        "Paid",
        "Written off",
        "Discount",
        "Deduction",
        "Left open",
        "Treatment",
    ]);
    xlsx::write_table(
        &mut wb,
        &mut st,
        SheetTable { name: "Short pays", title: &t, header: h, rows: &mut rows, totals: vec![], frozen_cols: 1 },
    )?;

    let customer_of: BTreeMap<&str, usize> = ix.docs.iter().enumerate().map(|(i, doc)| (doc.no.as_str(), i)).collect();
    let app_row = |a: &Application| {
        let doc = customer_of.get(a.document_no.as_str()).copied();
        let (cid, cname) = doc.map(|i| doc_customer(ix, i)).unwrap_or_default();
        let (rule, confidence) = a.rule.as_deref().and_then(|r| r.split_once(':')).unwrap_or(("", ""));
        vec![
            text(a.payment_id.as_deref().unwrap_or(&a.source)),
            text(a.kind.name()),
            text(&a.document_no),
            text(&cid),
            text(&cname),
            XCell::Text(a.currency.to_string()),
            XCell::Money(a.amount, a.currency),
            XCell::Date(a.applied_date),
            text(if a.kind == ApplicationKind::Payment { "" } else { &a.source }),
            text(rule),
            confidence.parse::<i64>().map(XCell::Int).unwrap_or(XCell::Empty),
        ]
    };
    let app_header = header(&[
        "Payment ID",
        "Kind",
        "Document",
        "Customer ID",
        "Customer",
        "Currency",
        "Amount",
        "Applied date",
        "Source / reason",
        "Rule",
        "Confidence %",
    ]);
    let t = title("Write-offs, discounts, deductions and credits used");
    let mut rows = d.apps.iter().filter(|a| a.kind != ApplicationKind::Payment).map(app_row);
    xlsx::write_table(
        &mut wb,
        &mut st,
        SheetTable {
            name: "Adjustments",
            title: &t,
            header: app_header.clone(),
            rows: &mut rows,
            totals: vec![],
            frozen_cols: 1,
        },
    )?;
    let t = title("Every application of the run");
    let mut rows = d.apps.iter().map(app_row);
    xlsx::write_table(
        &mut wb,
        &mut st,
        SheetTable { name: "Applied", title: &t, header: app_header, rows: &mut rows, totals: vec![], frozen_cols: 1 },
    )?;

    // Which rules did the work, per currency.
    let mut by_rule: BTreeMap<(Rule, crate::money::Currency), (u64, i64)> = BTreeMap::new();
    for (p, dec) in d.payments.iter().zip(d.decisions) {
        if let Decision::Applied { rule, .. } = dec {
            let e = by_rule.entry((*rule, p.currency)).or_default();
            e.0 += 1;
            e.1 += p.amount;
        }
    }
    let t = title("Payments applied, by rule");
    let mut rows = by_rule.iter().map(|((rule, c), (n, amount))| {
        vec![
            text(rule.name()),
            XCell::Int(i64::from(rule.confidence())),
            XCell::Text(c.to_string()),
            XCell::Int(*n as i64),
            XCell::Money(*amount, *c),
        ]
    });
    let h = header(&["Rule", "Confidence %", "Currency", "Payments", "Value"]);
    xlsx::write_table(
        &mut wb,
        &mut st,
        SheetTable { name: "Rules", title: &t, header: h, rows: &mut rows, totals: vec![], frozen_cols: 1 },
    )?;

    let pairs = vec![
        ("Batch".to_string(), d.batch.to_string()),
        ("Committed".to_string(), if d.committed { "yes".into() } else { "no (dry run)".into() }),
        ("Date".to_string(), d.as_of.to_string()),
        ("apply.write_off_fixed".to_string(), d.policy.write_off_fixed.to_string()),
        ("apply.write_off_percent".to_string(), d.policy.write_off_percent.to_string()),
        ("apply.deduction_max".to_string(), d.policy.deduction_max.to_string()),
        ("apply.combination_max_items".to_string(), d.policy.combination_max_items.to_string()),
        ("Workspace".to_string(), d.workspace.to_string()),
        ("arx version".to_string(), env!("CARGO_PKG_VERSION").to_string()),
        ("Files ingested by this run".to_string(), d.audits.len().to_string()),
    ];
    let table: Vec<Vec<XCell>> = d
        .audits
        .iter()
        .map(|a| {
            vec![
                XCell::Text(a.kind.to_string()),
                text(&a.path),
                text(&a.sha256),
                XCell::Int(a.size as i64),
                text(&a.profile),
                XCell::Int((a.added + a.replaced) as i64),
            ]
        })
        .collect();
    xlsx::write_parameters(
        &mut wb,
        &mut st,
        &pairs,
        &["Kind", "File", "SHA-256", "Bytes", "Profile", "Records added"],
        &table,
    )?;
    wb.set_properties(&xlsx::properties("Cash application exceptions", d.company, d.as_of)?);
    let _ = d.open_before;
    wb.save_to_buffer()
}
