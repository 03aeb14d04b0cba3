use crate::cli::{DsoArgs, Globals};
use crate::error::{ArxError, Result};
use crate::ledger::{self, OpenItemsBuilder};
use crate::money::{format_grouped, format_minor, Currency};
use crate::output::{Format, Table, Value};
use crate::report::dso::{self, round2, DsoRow, Window};
use anyhow::Context;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
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
    let format = g.report_format()?;
    let source = super::source::open(g, ws, &args.inputs, &args.profile, &config)?;
    let ledger = source.ledger()?;
    // Two as-of dates read the same applications: resolve them once.
    let mut apps = Vec::new();
    source.for_each_app(&ledger, |a| apps.push(a))?;
    let balances_at = |d: chrono::NaiveDate| {
        let mut b = OpenItemsBuilder::new(&ledger, ledger::day(d));
        apps.iter().for_each(|a| b.apply(*a));
        dso::balances(&b.finish())
    };
    let window = Window::new(as_of, args.months);
    let at_end = balances_at(as_of);
    let at_start = balances_at(window.start.pred_opt().unwrap_or(window.start));
    let sales = dso::monthly_sales(&ledger, as_of);
    let rows: Vec<DsoRow> = dso::rows(as_of, &window, &at_end, &at_start, &sales)
        .into_iter()
        .filter(|r| currency.is_none_or(|c| c == r.currency))
        .collect();

    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Json => {
            let doc = serde_json::json!({
                "as_of": as_of.to_string(),
                "months": args.months,
                "rows": rows.iter().map(json_row).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut out, &doc).context("writing json")?;
            writeln!(out).context("writing json")?;
        }
        f => table(&rows, f == Format::Table).write(f, &mut out).context("writing to stdout")?,
    }
    out.flush().context("writing to stdout")?;
    Ok(())
}

fn days(d: Option<Decimal>) -> Value {
    d.map(|d| Value::Amount(round2(d).to_string())).unwrap_or(Value::Null)
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
