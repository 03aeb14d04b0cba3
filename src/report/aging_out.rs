//! Renders an aging report: csv/json/table through `output`, and the aging workbook.

use super::aging::{AgingReport, Basis, Credits};
use super::xlsx::{self, SheetTable, Styles, XCell};
use crate::money::{format_grouped, format_minor};
use crate::output::{Table, Value};
use rust_xlsxwriter::{Workbook, XlsxError};

/// Where the report's numbers came from, for the Parameters sheet.
pub struct Provenance {
    pub company: String,
    /// The workspace folder, or "(none: --input)".
    pub source: String,
    /// (path, kind, profile, sha256, size, loaded at)
    pub inputs: Vec<(String, String, String, String, u64, String)>,
    /// When the data last changed (the latest commit), shown as "generated at" so the workbook
    /// is reproducible from the same inputs.
    pub generated_at: String,
}

/// The Parameters sheet: the report's own `pairs`, then workspace, arx version, generated-at,
/// and every input file with kind, SHA-256, size and load time (from the audit log).
pub fn parameters_sheet(
    wb: &mut Workbook,
    st: &mut Styles,
    mut pairs: Vec<(String, String)>,
    p: &Provenance,
) -> Result<(), XlsxError> {
    pairs.extend([
        ("Workspace".to_string(), p.source.clone()),
        ("arx version".to_string(), env!("CARGO_PKG_VERSION").to_string()),
        ("Generated at".to_string(), p.generated_at.clone()),
        ("Inputs".to_string(), format!("{} file(s), listed below", p.inputs.len())),
    ]);
    let table: Vec<Vec<XCell>> = p
        .inputs
        .iter()
        .map(|(path, kind, profile, sha, size, at)| {
            vec![
                XCell::Text(kind.clone()),
                XCell::Text(path.clone()),
                XCell::Text(sha.clone()),
                XCell::Int(*size as i64),
                XCell::Text(at.clone()),
                XCell::Text(profile.clone()),
            ]
        })
        .collect();
    xlsx::write_parameters(wb, st, &pairs, &["Kind", "File", "SHA-256", "Bytes", "Loaded at", "Profile"], &table)
}

/// How the workbook names the row of cash whose customer is not known (csv keeps it empty).
const UNIDENTIFIED: &str = "(unidentified cash)";

fn money(m: i64, c: crate::money::Currency) -> Value {
    Value::Amount(format_minor(m, c))
}

/// The contract's summary csv: `customer_id,customer_name,currency,<buckets>,unapplied,total`.
pub fn summary_table(r: &AgingReport, human: bool) -> Table {
    let mut cols: Vec<String> = vec!["customer_id".into(), "customer_name".into(), "currency".into()];
    cols.extend(r.labels.iter().cloned());
    cols.extend(["unapplied".to_string(), "total".to_string()]);
    let amount = |m: i64, c| if human { Value::Amount(format_grouped(m, c)) } else { money(m, c) };
    let mut table = Table { columns: cols, rows: Vec::with_capacity(r.rows.len()) };
    for row in &r.rows {
        let mut v = vec![
            Value::Text(row.customer_id.clone()),
            Value::Text(row.customer_name.clone()),
            Value::Text(row.currency.to_string()),
        ];
        v.extend(row.buckets.iter().map(|b| amount(*b, row.currency)));
        v.push(amount(row.unapplied, row.currency));
        v.push(amount(row.total, row.currency));
        table.rows.push(v);
    }
    if human {
        for t in &r.by_currency {
            let mut v = vec![
                Value::Text("TOTAL".into()),
                Value::Text(format!("{} customer{}", t.customers, if t.customers == 1 { "" } else { "s" })),
                Value::Text(t.currency.to_string()),
            ];
            v.extend(t.buckets.iter().map(|b| amount(*b, t.currency)));
            v.push(amount(t.unapplied, t.currency));
            v.push(amount(t.total, t.currency));
            table.rows.push(v);
        }
    }
    table
}

/// The contract's `--detail` csv.
pub fn detail_table(r: &AgingReport, human: bool) -> Table {
    let mut table = Table::new(&[
        "customer_id",
        "document_no",
        "doc_type",
        "doc_date",
        "due_date",
        "currency",
        "amount",
        "open_amount",
        "age",
        "bucket",
    ]);
    let amount = |m: i64, c| if human { Value::Amount(format_grouped(m, c)) } else { money(m, c) };
    for d in &r.detail {
        table.rows.push(vec![
            Value::Text(d.customer_id.clone()),
            Value::Text(d.document_no.clone()),
            Value::Text(d.doc_type.to_string()),
            Value::Text(d.doc_date.to_string()),
            Value::Text(d.due_date.to_string()),
            Value::Text(d.currency.to_string()),
            amount(d.amount, d.currency),
            amount(d.open_amount, d.currency),
            Value::Int(d.age),
            Value::Text(d.bucket.clone()),
        ]);
    }
    table
}

/// The json shape: parameters, rows (summary or detail) and per-currency totals.
pub fn json(r: &AgingReport, detail: bool) -> serde_json::Value {
    use serde_json::{json, Map, Value as J};
    let table = if detail { detail_table(r, false) } else { summary_table(r, false) };
    let rows: Vec<J> = table
        .rows
        .iter()
        .map(|row| {
            let m: Map<String, J> = table
                .columns
                .iter()
                .cloned()
                .zip(row.iter().map(|v| match v {
                    Value::Int(i) => J::from(*i),
                    Value::Text(s) | Value::Amount(s) => J::String(s.clone()),
                    Value::Null => J::Null,
                }))
                .collect();
            J::Object(m)
        })
        .collect();
    let totals: Vec<J> = r
        .by_currency
        .iter()
        .map(|t| {
            let mut m = Map::new();
            m.insert("currency".into(), J::String(t.currency.to_string()));
            for (label, b) in r.labels.iter().zip(&t.buckets) {
                m.insert(label.clone(), J::String(format_minor(*b, t.currency)));
            }
            m.insert("unapplied".into(), J::String(format_minor(t.unapplied, t.currency)));
            m.insert("total".into(), J::String(format_minor(t.total, t.currency)));
            m.insert("customers".into(), J::from(t.customers));
            J::Object(m)
        })
        .collect();
    json!({
        "as_of": r.params.as_of.to_string(),
        "basis": r.params.buckets.basis().name(),
        "credits": r.params.credits.name(),
        "buckets": r.labels,
        "rows": rows,
        "totals": totals,
    })
}

fn describe(r: &AgingReport) -> String {
    let basis = match r.params.buckets.basis() {
        Basis::Due => "aged by due date",
        Basis::Invoice => "aged by document date",
    };
    let credits = match r.params.credits {
        Credits::Column => "unapplied cash and open credits in the Unapplied column",
        Credits::Aged => "unapplied cash and open credits aged by their own date",
    };
    let bounds: Vec<String> = r.params.buckets.bounds().iter().map(u32::to_string).collect();
    format!("As of {} · {basis} · buckets {} days · {credits}", r.params.as_of, bounds.join("/"))
}

/// The aging workbook: Summary, Detail (unless `detail_sheet` is false), By currency (with a
/// chart per currency), Parameters.
pub fn workbook(r: &AgingReport, p: &Provenance, detail_sheet: bool) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let mut st = Styles::new();
    let title = vec![
        format!(
            "Accounts receivable aging{}",
            if p.company.is_empty() { String::new() } else { format!(" — {}", p.company) }
        ),
        describe(r),
    ];

    // Summary: customers grouped by currency; per-currency totals under the filterable table.
    let mut header: Vec<String> = vec!["Customer ID".into(), "Customer".into(), "Currency".into()];
    header.extend(r.labels.iter().cloned());
    header.extend(["Unapplied", "Total", "Credit limit", "% of limit"].map(String::from));
    let mut order: Vec<&super::aging::SummaryRow> = r.rows.iter().collect();
    order.sort_by(|a, b| (a.currency, &a.customer_id).cmp(&(b.currency, &b.customer_id)));
    let mut rows = order.into_iter().map(|row| {
        let name = if row.customer_id.is_empty() { UNIDENTIFIED.to_string() } else { row.customer_name.clone() };
        let mut v =
            vec![XCell::Text(row.customer_id.clone()), XCell::Text(name), XCell::Text(row.currency.to_string())];
        v.extend(row.buckets.iter().map(|b| XCell::Money(*b, row.currency)));
        v.push(XCell::Money(row.unapplied, row.currency));
        v.push(XCell::Money(row.total, row.currency));
        v.push(match row.credit_limit.and_then(|l| crate::money::to_minor(l, row.currency, "").ok()) {
            Some(l) => XCell::Money(l, row.currency),
            None => XCell::Empty,
        });
        v.push(row.limit_used.map(XCell::Percent).unwrap_or(XCell::Empty));
        v
    });
    let single = r.by_currency.len() == 1;
    let totals: Vec<Vec<XCell>> = r
        .by_currency
        .iter()
        .map(|t| {
            let label = if single { "Grand total".to_string() } else { format!("Total {}", t.currency) };
            let mut v = vec![
                XCell::Text(label),
                XCell::Text(format!("{} customer{}", t.customers, if t.customers == 1 { "" } else { "s" })),
                XCell::Text(t.currency.to_string()),
            ];
            v.extend(t.buckets.iter().map(|b| XCell::Money(*b, t.currency)));
            v.push(XCell::Money(t.unapplied, t.currency));
            v.push(XCell::Money(t.total, t.currency));
            v.extend([XCell::Empty, XCell::Empty]);
            v
        })
        .collect();
    xlsx::write_table(
        &mut wb,
        &mut st,
        SheetTable { name: "Summary", title: &title, header, rows: &mut rows, totals, frozen_cols: 2 },
    )?;

    // Detail: every open item.
    let header: Vec<String> = [
        "Customer ID",
        "Customer",
        "Document",
        "Type",
        "Doc date",
        "Due date",
        "Currency",
        "Amount",
        "Open amount",
        "Age (days)",
        "Bucket",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = r.detail.iter().map(|d| {
        vec![
            XCell::Text(d.customer_id.clone()),
            XCell::Text(if d.customer_id.is_empty() { UNIDENTIFIED.to_string() } else { d.customer_name.clone() }),
            XCell::Text(d.document_no.clone()),
            XCell::Text(d.doc_type.to_string()),
            XCell::Date(d.doc_date),
            XCell::Date(d.due_date),
            XCell::Text(d.currency.to_string()),
            XCell::Money(d.amount, d.currency),
            XCell::Money(d.open_amount, d.currency),
            XCell::Int(d.age),
            XCell::Text(d.bucket.clone()),
        ]
    });
    let detail_title = vec!["Open items".to_string(), describe(r)];
    if detail_sheet {
        xlsx::write_table(
            &mut wb,
            &mut st,
            SheetTable {
                name: "Detail",
                title: &detail_title,
                header,
                rows: &mut rows,
                totals: Vec::new(),
                frozen_cols: 3,
            },
        )?;
    }

    // By currency, with the chart of balance by bucket.
    let mut header: Vec<String> = vec!["Currency".into(), "Customers".into()];
    header.extend(r.labels.iter().cloned());
    header.extend(["Unapplied", "Total"].map(String::from));
    let mut rows = r.by_currency.iter().map(|t| {
        let mut v = vec![XCell::Text(t.currency.to_string()), XCell::Int(t.customers as i64)];
        v.extend(t.buckets.iter().map(|b| XCell::Money(*b, t.currency)));
        v.push(XCell::Money(t.unapplied, t.currency));
        v.push(XCell::Money(t.total, t.currency));
        v
    });
    let cur_title = vec!["Totals by currency".to_string(), describe(r)];
    xlsx::write_table(
        &mut wb,
        &mut st,
        SheetTable {
            name: "By currency",
            title: &cur_title,
            header,
            rows: &mut rows,
            totals: Vec::new(),
            frozen_cols: 1,
        },
    )?;
    // Title (2 lines) + blank → header on row 3, currencies from row 4.
    let header_row = 3u32;
    let first_bucket_col = 2u16;
    let last_bucket_col = first_bucket_col + r.labels.len() as u16 - 1;
    // One chart per currency: amounts in different currencies don't share an axis.
    for (i, t) in r.by_currency.iter().enumerate() {
        let row = header_row + 1 + i as u32;
        let chart = xlsx::column_chart(
            "By currency",
            &format!("Balance by bucket — {}", t.currency),
            (header_row, first_bucket_col, last_bucket_col),
            &[(t.currency.to_string(), row)],
            t.currency.code(),
        );
        let ws = wb.worksheet_from_name("By currency")?;
        let top = header_row + 3 + r.by_currency.len() as u32 + (i as u32 / 2) * 20;
        ws.insert_chart(top, (i as u16 % 2) * 8, &chart)?;
    }

    let pairs = vec![
        ("Report".to_string(), "Accounts receivable aging".to_string()),
        ("Company".to_string(), p.company.clone()),
        ("As of".to_string(), r.params.as_of.to_string()),
        ("Basis".to_string(), r.params.buckets.basis().name().to_string()),
        ("Buckets".to_string(), r.params.buckets.bounds().iter().map(u32::to_string).collect::<Vec<_>>().join(",")),
        ("Bucket columns".to_string(), r.labels.join(", ")),
        ("Credits".to_string(), r.params.credits.name().to_string()),
        (
            "Customers".to_string(),
            if r.params.customers.is_empty() { "all".to_string() } else { r.params.customers.join(", ") },
        ),
        ("Currency".to_string(), r.params.currency.map(|c| c.to_string()).unwrap_or_else(|| "all".to_string())),
    ];
    parameters_sheet(&mut wb, &mut st, pairs, p)?;

    wb.set_properties(&xlsx::properties(&format!("AR aging as of {}", r.params.as_of), &p.company, r.params.as_of)?);
    wb.save_to_buffer()
}
