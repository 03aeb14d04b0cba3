use crate::cli::{DsoArgs, Globals};
use crate::error::{ArxError, Result};
use crate::ledger::{self, OpenItemsBuilder};
use crate::money::{format_grouped, format_minor, Currency};
use crate::output::{Format, Table, Value};
use crate::report::behaviour;
use crate::report::dso::{self, round2, DsoRow, Window};
use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

const COLUMNS: [&str; 10] =
    ["currency", "ar", "current_ar", "sales", "days", "dso_standard", "dso_countback", "bpdso", "add", "cei"];

pub fn run(g: &Globals, args: DsoArgs) -> Result<()> {
    let detached = !args.inputs.is_empty();
    let (ws, config) = super::source::workspace(g, detached)?;
    let as_of = super::aging::parse_as_of(args.as_of.as_deref())?;
    if !(1..=36).contains(&args.months) {
        return Err(ArxError::Usage(format!("--months {}: give 1 to 36 months", args.months)));
    }
    let currency = match &args.currency {
        Some(c) => Some(Currency::parse(c).map_err(|e| ArxError::Usage(format!("--currency: {e}")))?),
        None => None,
    };
    if args.trend > 120 {
        return Err(ArxError::Usage(format!("--trend {}: give at most 120 month-ends", args.trend)));
    }
    if args.detail && !args.behaviour {
        return Err(ArxError::Usage("--detail lists the invoices behind --behaviour; add --behaviour".into()));
    }
    super::aging::check_xlsx(args.output.as_deref())?;
    let format = if args.output.is_some() { Format::Csv } else { g.report_format()? };
    let source = super::source::open(g, ws, &args.inputs, &args.profile, &config)?;
    let ledger = source.ledger()?;
    // Several as-of dates read the same applications: resolve them once.
    let mut apps = Vec::new();
    source.for_each_app(&ledger, |a| apps.push(a))?;
    let open_at = |d: NaiveDate| {
        let mut b = OpenItemsBuilder::new(&ledger, ledger::day(d));
        apps.iter().for_each(|a| b.apply(*a));
        b.finish()
    };
    let keep = |r: &DsoRow| currency.is_none_or(|c| c == r.currency);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());

    if args.behaviour {
        let window = Window::new(as_of, args.months);
        let open = open_at(as_of);
        let customers = source.customers(config.reporting_currency())?;
        let (rows, settled) = behaviour::build(&open, &customers, ledger::day(window.start));
        let rows: Vec<_> = rows.into_iter().filter(|r| currency.is_none_or(|c| c == r.currency)).collect();
        let settled: Vec<_> = settled.into_iter().filter(|r| currency.is_none_or(|c| c == r.currency)).collect();
        let table = if args.detail { settled_table(&settled) } else { behaviour_table(&rows, format == Format::Table) };
        write_table(&table, format, &mut out)?;
        out.flush().context("writing to stdout")?;
        return Ok(());
    }

    // The report dates: the as-of date, or with --trend the last N month-ends up to it (a
    // workbook always has a trend: 12 month-ends unless --trend says otherwise).
    let trend_n = if args.output.is_some() && args.trend == 0 { 12 } else { args.trend };
    let report_dates = if trend_n > 0 { month_ends(as_of, trend_n) } else { vec![as_of] };
    let mut needed: BTreeSet<NaiveDate> =
        BTreeSet::from([as_of, Window::new(as_of, args.months).start.pred_opt().unwrap_or(as_of)]);
    for r in &report_dates {
        needed.insert(*r);
        let start = Window::new(*r, args.months).start;
        needed.insert(start.pred_opt().unwrap_or(start));
    }
    let needed: Vec<NaiveDate> = needed.into_iter().collect();
    let days: Vec<ledger::Day> = needed.iter().map(|d| ledger::day(*d)).collect();
    let balances: BTreeMap<NaiveDate, _> =
        needed.iter().copied().zip(ledger::balances_at(&ledger, &apps, &days)).collect();
    let sales = dso::monthly_sales(&ledger, as_of);
    let empty = BTreeMap::new();
    let rows_at = |r: NaiveDate| {
        let window = Window::new(r, args.months);
        let start = window.start.pred_opt().unwrap_or(window.start);
        let at_end = balances.get(&r).unwrap_or(&empty);
        let at_start = balances.get(&start).unwrap_or(&empty);
        dso::rows(r, &window, at_end, at_start, &sales).into_iter().filter(keep).collect::<Vec<_>>()
    };

    if let Some(path) = &args.output {
        let window = Window::new(as_of, args.months);
        let open = open_at(as_of);
        let customers = source.customers(config.reporting_currency())?;
        let (behaviour, _) = behaviour::build(&open, &customers, ledger::day(window.start));
        let behaviour: Vec<_> = behaviour.into_iter().filter(|r| currency.is_none_or(|c| c == r.currency)).collect();
        let trend: Vec<(NaiveDate, Vec<DsoRow>)> = report_dates.iter().map(|r| (*r, rows_at(*r))).collect();
        let provenance = source.provenance(&config.company.name, as_of);
        let bytes = crate::report::kpi_out::dso_workbook(
            as_of,
            args.months,
            (window.start, window.end),
            &rows_at(as_of),
            &trend,
            &behaviour,
            &provenance,
        )
        .context("writing the workbook")?;
        crate::files::write_atomic(path, &bytes)?;
        if !g.quiet {
            eprintln!("wrote {}", path.display());
        }
        return Ok(());
    }

    match format {
        Format::Json => {
            let mut doc = serde_json::json!({
                "as_of": as_of.to_string(),
                "months": args.months,
                "rows": rows_at(as_of).iter().map(json_row).collect::<Vec<_>>(),
            });
            if trend_n > 0 {
                doc["trend"] = report_dates
                    .iter()
                    .map(|r| serde_json::json!({"as_of": r.to_string(), "rows": rows_at(*r).iter().map(json_row).collect::<Vec<_>>()}))
                    .collect();
            }
            serde_json::to_writer_pretty(&mut out, &doc).context("writing json")?;
            writeln!(out).context("writing json")?;
        }
        f if trend_n > 0 => {
            let mut t = Table::new(&["as_of"]);
            t.columns.extend(COLUMNS.iter().map(|c| c.to_string()));
            for r in &report_dates {
                for mut row in table(&rows_at(*r), f == Format::Table).rows {
                    row.insert(0, Value::Text(r.to_string()));
                    t.rows.push(row);
                }
            }
            write_table(&t, f, &mut out)?;
        }
        f => write_table(&table(&rows_at(as_of), f == Format::Table), f, &mut out)?,
    }
    out.flush().context("writing to stdout")?;
    Ok(())
}

fn write_table(t: &Table, f: Format, out: &mut dyn Write) -> Result<()> {
    match f {
        Format::Json => {
            t.write(Format::Json, out).context("writing json")?;
        }
        f => t.write(f, out).context("writing to stdout")?,
    }
    Ok(())
}

/// The last `n` month-ends on or before `as_of`, oldest first.
pub fn month_ends(as_of: NaiveDate, n: u32) -> Vec<NaiveDate> {
    let next = as_of.succ_opt().unwrap_or(as_of);
    let mut end = if next.month() != as_of.month() {
        as_of
    } else {
        as_of.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(as_of)
    };
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(end);
        end = end.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(end);
    }
    out.reverse();
    out
}

fn behaviour_table(rows: &[behaviour::BehaviourRow], human: bool) -> Table {
    let mut t = Table::new(&[
        "customer_id",
        "customer_name",
        "currency",
        "settled",
        "settled_amount",
        "avg_days_to_pay",
        "avg_days_late",
        "on_time_pct",
        "open_past_due",
        "oldest_open_age",
    ]);
    let amount = |m: i64, c: Currency| Value::Amount(if human { format_grouped(m, c) } else { format_minor(m, c) });
    for r in rows {
        t.rows.push(vec![
            Value::Text(r.customer_id.clone()),
            Value::Text(r.customer_name.clone()),
            Value::Text(r.currency.to_string()),
            Value::Int(r.settled as i64),
            amount(r.settled_amount, r.currency),
            days(r.avg_days_to_pay),
            days(r.avg_days_late),
            days(r.on_time_pct),
            amount(r.open_past_due, r.currency),
            r.oldest_open_age.map(Value::Int).unwrap_or(Value::Null),
        ]);
    }
    t
}

fn settled_table(rows: &[behaviour::SettledRow]) -> Table {
    let mut t = Table::new(&[
        "document_no",
        "customer_id",
        "currency",
        "amount",
        "doc_date",
        "due_date",
        "settled_date",
        "days_to_pay",
        "days_late",
    ]);
    for r in rows {
        t.rows.push(vec![
            Value::Text(r.document_no.clone()),
            Value::Text(r.customer_id.clone()),
            Value::Text(r.currency.to_string()),
            Value::Amount(format_minor(r.amount, r.currency)),
            Value::Text(r.doc_date.to_string()),
            Value::Text(r.due_date.to_string()),
            Value::Text(r.settled_date.to_string()),
            Value::Int(r.days_to_pay),
            Value::Int(r.days_late),
        ]);
    }
    t
}

/// A day figure or percentage as text with exactly 2 decimals.
fn days(d: Option<Decimal>) -> Value {
    d.map(|d| Value::Amount(format!("{:.2}", round2(d)))).unwrap_or(Value::Null)
}

fn table(rows: &[DsoRow], human: bool) -> Table {
    let mut t = Table::new(&COLUMNS);
    let amount = |m: i64, c: Currency| Value::Amount(if human { format_grouped(m, c) } else { format_minor(m, c) });
    for r in rows {
        t.rows.push(vec![
            Value::Text(r.currency.to_string()),
            amount(r.ar, r.currency),
            amount(r.current_ar, r.currency),
            amount(r.sales, r.currency),
            Value::Int(r.days),
            days(r.dso_standard),
            days(Some(r.dso_countback)),
            days(r.bpdso),
            days(r.add),
            days(r.cei),
        ]);
    }
    t
}

fn json_row(r: &DsoRow) -> serde_json::Value {
    let num = |d: Option<Decimal>| {
        d.and_then(|d| round2(d).to_f64())
            .and_then(serde_json::Number::from_f64)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    };
    serde_json::json!({
        "currency": r.currency.to_string(),
        "ar": format_minor(r.ar, r.currency),
        "current_ar": format_minor(r.current_ar, r.currency),
        "sales": format_minor(r.sales, r.currency),
        "days": r.days,
        "dso_standard": num(r.dso_standard),
        "dso_countback": num(Some(r.dso_countback)),
        "bpdso": num(r.bpdso),
        "add": num(r.add),
        "cei": num(r.cei),
    })
}
