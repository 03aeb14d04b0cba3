use crate::cli::{DisputesArgs, DisputesBy, Globals};
use crate::error::{ArxError, Result};
use crate::ledger;
use crate::money::{format_grouped, format_minor, Currency};
use crate::output::{Format, Table, Value};
use crate::report::disputes::{self, DisputesReport};
use crate::report::dso::round2;
use anyhow::Context;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::io::Write;

pub fn run(g: &Globals, args: DisputesArgs) -> Result<()> {
    let detached = !args.inputs.is_empty();
    let (ws, config) = super::source::workspace(g, detached)?;
    let as_of = super::aging::parse_as_of(args.as_of.as_deref())?;
    let from = match args.from.as_deref() {
        Some(t) => super::aging::parse_as_of(Some(t))
            .map_err(|_| ArxError::Usage(format!("--from '{t}' is not a date; write it as YYYY-MM-DD")))?,
        None => disputes::month_start(as_of),
    };
    if from > as_of {
        return Err(ArxError::Usage(format!("--from {from} is after --as-of {as_of}")));
    }
    super::aging::check_xlsx(args.output.as_deref())?;
    let format = if args.output.is_some() { Format::Csv } else { g.report_format()? };
    let source = super::source::open(g, ws, &args.inputs, &args.profile, &config)?;
    let ledger = source.ledger()?;
    let open_items = source.open_items(&ledger, ledger::day(as_of))?;
    let customers = source.customers(config.reporting_currency())?;
    let list = source.disputes()?;
    let report = disputes::build(&list, |no| ledger.doc_customer(no), &open_items, &customers, as_of, from);
    let capped: Vec<_> = report.open.iter().filter(|d| d.claimed_over.is_some()).collect();
    if !capped.is_empty() && !g.quiet {
        let d = capped[0];
        eprintln!(
            "note: {} open dispute{} claim more than is open on the document and are capped (e.g. {}: claimed {}, open {})",
            capped.len(),
            if capped.len() == 1 { "" } else { "s" },
            d.document_no,
            format_minor(d.claimed_over.unwrap_or(0), d.currency),
            format_minor(d.amount, d.currency)
        );
    }
    if let Some(path) = &args.output {
        let provenance = source.provenance(&config.company.name, as_of);
        let bytes = crate::report::kpi_out::disputes_workbook(&report, &provenance).context("writing the workbook")?;
        crate::files::write_atomic(path, &bytes)?;
        if !g.quiet {
            eprintln!("wrote {}", path.display());
        }
        return Ok(());
    }
    let human = format == Format::Table;
    let table = match (args.detail, args.resolved, args.by) {
        (true, _, _) => open_table(&report, human),
        (_, true, _) => resolved_table(&report),
        (_, _, Some(by)) => by_table(&report, by, human),
        _ => summary_table(&report, human),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if format == Format::Json && !args.detail && !args.resolved && args.by.is_none() {
        serde_json::to_writer_pretty(&mut out, &json(&report)).context("writing json")?;
        writeln!(out).context("writing json")?;
    } else {
        table.write(format, &mut out).context("writing to stdout")?;
    }
    out.flush().context("writing to stdout")?;
    Ok(())
}

fn two(d: Option<Decimal>) -> Value {
    d.map(|d| Value::Amount(format!("{:.2}", round2(d)))).unwrap_or(Value::Null)
}

fn amount(m: i64, c: Currency, human: bool) -> Value {
    Value::Amount(if human { format_grouped(m, c) } else { format_minor(m, c) })
}

fn summary_table(r: &DisputesReport, human: bool) -> Table {
    let mut t = Table::new(&[
        "currency",
        "open_count",
        "open_amount",
        "opened",
        "resolved",
        "resolution_rate",
        "avg_days_to_resolve",
        "pct_of_ar",
    ]);
    for row in &r.rows {
        t.rows.push(vec![
            Value::Text(row.currency.to_string()),
            Value::Int(row.open_count as i64),
            amount(row.open_amount, row.currency, human),
            Value::Int(row.opened as i64),
            Value::Int(row.resolved as i64),
            two(row.resolution_rate),
            two(row.avg_days_to_resolve),
            two(row.pct_of_ar),
        ]);
    }
    t
}

fn open_table(r: &DisputesReport, human: bool) -> Table {
    let mut t = Table::new(&[
        "document_no",
        "customer_id",
        "customer_name",
        "currency",
        "reason",
        "source",
        "opened_date",
        "age",
        "band",
        "amount",
        "owner",
        "note",
    ]);
    for d in &r.open {
        t.rows.push(vec![
            Value::Text(d.document_no.clone()),
            Value::Text(d.customer_id.clone()),
            Value::Text(d.customer_name.clone()),
            Value::Text(d.currency.to_string()),
            Value::Text(d.reason.clone()),
            Value::Text(if d.deduction { "deduction" } else { "customer" }.into()),
            Value::Text(d.opened.to_string()),
            Value::Int(d.age),
            Value::Text(d.band.into()),
            amount(d.amount, d.currency, human),
            Value::Text(d.owner.clone()),
            Value::Text(d.note.clone()),
        ]);
    }
    t
}

fn resolved_table(r: &DisputesReport) -> Table {
    let mut t = Table::new(&[
        "document_no",
        "customer_id",
        "currency",
        "reason",
        "opened_date",
        "resolved_date",
        "days_to_resolve",
    ]);
    for d in &r.resolved {
        t.rows.push(vec![
            Value::Text(d.document_no.clone()),
            Value::Text(d.customer_id.clone()),
            Value::Text(d.currency.to_string()),
            Value::Text(d.reason.clone()),
            Value::Text(d.opened.to_string()),
            Value::Text(d.resolved.to_string()),
            Value::Int(d.days),
        ]);
    }
    t
}

fn by_table(r: &DisputesReport, by: DisputesBy, human: bool) -> Table {
    let (name, groups) = match by {
        DisputesBy::Reason => ("reason", disputes::group(&r.open, |d| d.reason.clone())),
        DisputesBy::Customer => ("customer_id", disputes::group(&r.open, |d| d.customer_id.clone())),
        DisputesBy::Age => ("band", disputes::group(&r.open, |d| d.band.to_string())),
    };
    let mut t = Table::new(&["currency", name, "count", "amount"]);
    for (c, k, n, a) in groups {
        t.rows.push(vec![Value::Text(c.to_string()), Value::Text(k), Value::Int(n as i64), amount(a, c, human)]);
    }
    t
}

fn json(r: &DisputesReport) -> serde_json::Value {
    let num = |d: Option<Decimal>| {
        d.and_then(|d| round2(d).to_f64())
            .and_then(serde_json::Number::from_f64)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    };
    let groups = |g: Vec<(Currency, String, usize, i64)>, key: &str| {
        g.into_iter()
            .map(|(c, k, n, a)| serde_json::json!({"currency": c.to_string(), key: k, "count": n, "amount": format_minor(a, c)}))
            .collect::<Vec<_>>()
    };
    serde_json::json!({
        "as_of": r.as_of.to_string(),
        "from": r.from.to_string(),
        "rows": r.rows.iter().map(|row| serde_json::json!({
            "currency": row.currency.to_string(),
            "open_count": row.open_count,
            "open_amount": format_minor(row.open_amount, row.currency),
            "opened": row.opened,
            "resolved": row.resolved,
            "resolution_rate": num(row.resolution_rate),
            "avg_days_to_resolve": num(row.avg_days_to_resolve),
        })).collect::<Vec<_>>(),
        "share_of_ar": r.rows.iter().map(|row| serde_json::json!({
            "currency": row.currency.to_string(), "pct": num(row.pct_of_ar),
        })).collect::<Vec<_>>(),
        "by_reason": groups(disputes::group(&r.open, |d| d.reason.clone()), "reason"),
        "by_age": groups(disputes::group(&r.open, |d| d.band.to_string()), "band"),
    })
}
