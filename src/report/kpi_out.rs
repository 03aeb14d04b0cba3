//! Workbooks for the collections KPIs: `arx dso -o` and `arx disputes -o`.

use super::aging_out::Provenance;
use super::behaviour::BehaviourRow;
use super::disputes::{self, DisputesReport};
use super::dso::{round2, DsoRow};
use super::xlsx::{self, SheetTable, Styles, XCell};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Workbook, XlsxError};

fn fig(d: Option<Decimal>) -> XCell {
    d.map(|d| XCell::Figure(round2(d))).unwrap_or(XCell::Empty)
}

fn title(what: &str, p: &Provenance) -> String {
    if p.company.is_empty() {
        what.to_string()
    } else {
        format!("{what} — {}", p.company)
    }
}

fn kpi_cells(r: &DsoRow) -> Vec<XCell> {
    vec![
        XCell::Text(r.currency.to_string()),
        XCell::Money(r.ar, r.currency),
        XCell::Money(r.current_ar, r.currency),
        XCell::Money(r.sales, r.currency),
        XCell::Int(r.days),
        fig(r.dso_standard),
        fig(Some(r.dso_countback)),
        fig(r.bpdso),
        fig(r.add),
        fig(r.cei),
    ]
}

/// The DSO workbook: KPIs, Trend (with a line chart per currency), Payment behaviour, Parameters.
pub fn dso_workbook(
    as_of: NaiveDate,
    months: u32,
    window: (NaiveDate, NaiveDate),
    kpis: &[DsoRow],
    trend: &[(NaiveDate, Vec<DsoRow>)],
    behaviour: &[BehaviourRow],
    p: &Provenance,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let mut st = Styles::new();
    let subtitle = format!(
        "As of {as_of} · window {} to {} ({months} month{})",
        window.0,
        window.1,
        if months == 1 { "" } else { "s" }
    );

    let header = ["Currency", "AR", "Current AR", "Sales", "Days", "DSO", "DSO count-back", "BPDSO", "ADD", "CEI %"]
        .map(String::from)
        .to_vec();
    let t = vec![title("Days sales outstanding", p), subtitle.clone()];
    let mut rows = kpis.iter().map(kpi_cells);
    xlsx::write_table(
        &mut wb,
        &mut st,
        SheetTable { name: "KPIs", title: &t, header, rows: &mut rows, totals: vec![], frozen_cols: 1 },
    )?;

    // Trend: one block of month-ends per currency, so each currency's chart reads one range.
    let mut flat: Vec<(NaiveDate, &DsoRow)> =
        trend.iter().flat_map(|(d, rows)| rows.iter().map(move |r| (*d, r))).collect();
    flat.sort_by_key(|(d, r)| (r.currency, *d));
    let header = ["As of", "Currency", "DSO", "DSO count-back", "BPDSO", "ADD", "CEI %", "AR", "Sales"]
        .map(String::from)
        .to_vec();
    let t = vec![title("DSO trend", p), format!("Month-ends to {as_of} · {months}-month windows")];
    let mut rows = flat.iter().map(|(d, r)| {
        vec![
            XCell::Date(*d),
            XCell::Text(r.currency.to_string()),
            fig(r.dso_standard),
            fig(Some(r.dso_countback)),
            fig(r.bpdso),
            fig(r.add),
            fig(r.cei),
            XCell::Money(r.ar, r.currency),
            XCell::Money(r.sales, r.currency),
        ]
    });
    xlsx::write_table(
        &mut wb,
        &mut st,
        SheetTable { name: "Trend", title: &t, header, rows: &mut rows, totals: vec![], frozen_cols: 2 },
    )?;
    let first_data = 4u32; // title (2) + blank + header
    let mut start = 0usize;
    let mut n = 0u32;
    while start < flat.len() {
        let cur = flat[start].1.currency;
        let end = flat[start..].iter().position(|(_, r)| r.currency != cur).map_or(flat.len(), |k| start + k);
        let chart = xlsx::line_chart(
            "Trend",
            &format!("DSO, BPDSO and ADD — {cur}"),
            (first_data + start as u32, first_data + end as u32 - 1),
            0,
            &[("DSO", 2), ("BPDSO", 4), ("ADD", 5)],
            "days",
        );
        wb.worksheet_from_name("Trend")?.insert_chart(3 + n * 18, 10, &chart)?;
        n += 1;
        start = end;
    }

    let header = [
        "Customer ID",
        "Customer",
        "Currency",
        "Settled",
        "Settled amount",
        "Avg days to pay",
        "Avg days late",
        "% on time",
        "Open past due",
        "Oldest open (days past due)",
    ]
    .map(String::from)
    .to_vec();
    let t = vec![
        title("Payment behaviour", p),
        format!(
            "Invoices fully settled {} to {} · amount-weighted · early payment counts 0 days late · worst first",
            window.0, window.1
        ),
    ];
    let mut rows = behaviour.iter().map(|b| {
        vec![
            XCell::Text(b.customer_id.clone()),
            XCell::Text(b.customer_name.clone()),
            XCell::Text(b.currency.to_string()),
            XCell::Int(b.settled as i64),
            XCell::Money(b.settled_amount, b.currency),
            fig(b.avg_days_to_pay),
            fig(b.avg_days_late),
            b.on_time_pct.map(|p| XCell::Percent(p / Decimal::from(100))).unwrap_or(XCell::Empty),
            XCell::Money(b.open_past_due, b.currency),
            b.oldest_open_age.map(XCell::Int).unwrap_or(XCell::Empty),
        ]
    });
    xlsx::write_table(
        &mut wb,
        &mut st,
        SheetTable { name: "Payment behaviour", title: &t, header, rows: &mut rows, totals: vec![], frozen_cols: 2 },
    )?;

    let pairs = vec![
        ("Report".to_string(), "Days sales outstanding".to_string()),
        ("Company".to_string(), p.company.clone()),
        ("As of".to_string(), as_of.to_string()),
        ("Window".to_string(), format!("{} to {} ({months} calendar months)", window.0, window.1)),
        ("Trend".to_string(), format!("{} month-end(s)", trend.len())),
    ];
    super::aging_out::parameters_sheet(&mut wb, &mut st, pairs, p)?;
    wb.set_properties(&xlsx::properties(&format!("DSO as of {as_of}"), &p.company, as_of)?);
    wb.save_to_buffer()
}

/// The disputes workbook: Summary, Open disputes, Resolved, By reason (with a chart), Parameters.
pub fn disputes_workbook(r: &DisputesReport, p: &Provenance) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let mut st = Styles::new();
    let window = format!("As of {} · window {} to {}", r.as_of, r.from, r.as_of);

    let header = [
        "Currency",
        "Open",
        "Open amount",
        "Opened",
        "Resolved",
        "Resolution rate %",
        "Avg days to resolve",
        "% of AR",
    ]
    .map(String::from)
    .to_vec();
    let t = vec![title("Disputes", p), window.clone()];
    let mut rows = r.rows.iter().map(|s| {
        vec![
            XCell::Text(s.currency.to_string()),
            XCell::Int(s.open_count as i64),
            XCell::Money(s.open_amount, s.currency),
            XCell::Int(s.opened as i64),
            XCell::Int(s.resolved as i64),
            fig(s.resolution_rate),
            fig(s.avg_days_to_resolve),
            fig(s.pct_of_ar),
        ]
    });
    xlsx::write_table(
        &mut wb,
        &mut st,
        SheetTable { name: "Summary", title: &t, header, rows: &mut rows, totals: vec![], frozen_cols: 1 },
    )?;

    let header = [
        "Document",
        "Customer ID",
        "Customer",
        "Currency",
        "Reason",
        "Source",
        "Opened",
        "Age (days)",
        "Band",
        "Amount",
        "Owner",
        "Note",
    ]
    .map(String::from)
    .to_vec();
    let t = vec![title("Open disputes", p), format!("{window} · oldest first · amounts capped at what is open")];
    let mut rows = r.open.iter().map(|d| {
        vec![
            XCell::Text(d.document_no.clone()),
            XCell::Text(d.customer_id.clone()),
            XCell::Text(d.customer_name.clone()),
            XCell::Text(d.currency.to_string()),
            XCell::Text(d.reason.clone()),
            XCell::Text(if d.deduction { "deduction" } else { "customer" }.into()),
            XCell::Date(d.opened),
            XCell::Int(d.age),
            XCell::Text(d.band.into()),
            XCell::Money(d.amount, d.currency),
            XCell::Text(d.owner.clone()),
            XCell::Text(d.note.clone()),
        ]
    });
    xlsx::write_table(
        &mut wb,
        &mut st,
        SheetTable { name: "Open disputes", title: &t, header, rows: &mut rows, totals: vec![], frozen_cols: 1 },
    )?;

    let header = ["Document", "Customer ID", "Currency", "Reason", "Opened", "Resolved", "Days to resolve"]
        .map(String::from)
        .to_vec();
    let t = vec![title("Resolved disputes", p), window.clone()];
    let mut rows = r.resolved.iter().map(|d| {
        vec![
            XCell::Text(d.document_no.clone()),
            XCell::Text(d.customer_id.clone()),
            XCell::Text(d.currency.to_string()),
            XCell::Text(d.reason.clone()),
            XCell::Date(d.opened),
            XCell::Date(d.resolved),
            XCell::Int(d.days),
        ]
    });
    xlsx::write_table(
        &mut wb,
        &mut st,
        SheetTable { name: "Resolved", title: &t, header, rows: &mut rows, totals: vec![], frozen_cols: 1 },
    )?;

    let groups = disputes::group(&r.open, |d| d.reason.clone());
    let header = ["Currency", "Reason", "Open", "Amount"].map(String::from).to_vec();
    let t = vec![title("Open disputes by reason", p), window];
    let mut rows = groups.iter().map(|(c, k, n, a)| {
        vec![XCell::Text(c.to_string()), XCell::Text(k.clone()), XCell::Int(*n as i64), XCell::Money(*a, *c)]
    });
    xlsx::write_table(
        &mut wb,
        &mut st,
        SheetTable { name: "By reason", title: &t, header, rows: &mut rows, totals: vec![], frozen_cols: 1 },
    )?;
    let first_data = 4u32;
    let mut start = 0usize;
    let mut n = 0u32;
    while start < groups.len() {
        let cur = groups[start].0;
        let end = groups[start..].iter().position(|g| g.0 != cur).map_or(groups.len(), |k| start + k);
        let mut chart = rust_xlsxwriter::Chart::new(rust_xlsxwriter::ChartType::Bar);
        chart
            .add_series()
            .set_name(&format!("Open amount {cur}"))
            .set_categories(("By reason", first_data + start as u32, 1, first_data + end as u32 - 1, 1))
            .set_values(("By reason", first_data + start as u32, 3, first_data + end as u32 - 1, 3));
        chart.title().set_name(&format!("Open disputes by reason — {cur}"));
        chart.legend().set_hidden();
        chart.set_width(560).set_height(300);
        wb.worksheet_from_name("By reason")?.insert_chart(3 + n * 17, 6, &chart)?;
        n += 1;
        start = end;
    }

    let pairs = vec![
        ("Report".to_string(), "Disputes".to_string()),
        ("Company".to_string(), p.company.clone()),
        ("As of".to_string(), r.as_of.to_string()),
        ("Window".to_string(), format!("{} to {}", r.from, r.as_of)),
        (
            "Resolution rate".to_string(),
            "resolved in window ÷ (open at window start + opened in window) × 100".to_string(),
        ),
    ];
    super::aging_out::parameters_sheet(&mut wb, &mut st, pairs, p)?;
    wb.set_properties(&xlsx::properties(&format!("Disputes as of {}", r.as_of), &p.company, r.as_of)?);
    wb.save_to_buffer()
}
