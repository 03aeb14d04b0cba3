use crate::cli::{AgingArgs, BasisArg, CreditsArg, Globals};
use crate::error::{ArxError, Result};
use crate::ledger;
use crate::money::Currency;
use crate::output::Format;
use crate::report::aging::{self, AgingParams, Basis, Buckets, Credits};
use crate::report::aging_out;
use crate::workspace::Config;
use anyhow::Context;
use chrono::NaiveDate;
use std::io::Write;
use std::path::PathBuf;

/// A validated `arx aging` request.
struct Plan {
    params: AgingParams,
    detail: bool,
    summary_only: bool,
    output: Option<PathBuf>,
}

pub fn parse_as_of(text: Option<&str>) -> Result<NaiveDate> {
    match text {
        None => Ok(chrono::Local::now().date_naive()),
        Some(t) => crate::dates::parse_iso(t.trim()).filter(|d| crate::dates::in_range(*d)).ok_or_else(|| {
            ArxError::Usage(format!("--as-of '{t}' is not a date from 1900 on; write it as YYYY-MM-DD"))
        }),
    }
}

/// `-o` writes workbooks: the name must end in .xlsx.
pub fn check_xlsx(out: Option<&std::path::Path>) -> Result<()> {
    match out {
        Some(out) if !out.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) => Err(ArxError::Usage(format!(
            "-o {} : -o writes a workbook, so give a name ending in .xlsx (for csv or json, redirect stdout, e.g. --format csv > report.csv)",
            out.display()
        ))),
        Some(out) => {
            // Refused now (a link, a folder, a device), before any work is done.
            crate::files::check_target(out)?;
            Ok(())
        }
        None => Ok(()),
    }
}

fn plan(args: AgingArgs, config: &Config) -> Result<Plan> {
    let as_of = parse_as_of(args.as_of.as_deref())?;
    let basis = match args.basis {
        Some(BasisArg::Due) => Basis::Due,
        Some(BasisArg::Invoice) => Basis::Invoice,
        None if config.aging.basis == "invoice" => Basis::Invoice,
        None => Basis::Due,
    };
    let bounds = match &args.buckets {
        Some(text) => {
            text.split(',').map(|p| p.trim().parse::<u32>()).collect::<std::result::Result<Vec<u32>, _>>().map_err(
                |_| {
                    ArxError::Usage(format!(
                        "--buckets '{text}': give whole numbers of days separated by commas, e.g. 30,60,90,120"
                    ))
                },
            )?
        }
        None => config.aging.buckets.clone(),
    };
    let buckets = Buckets::new(bounds, basis).map_err(|e| ArxError::Usage(format!("--buckets: {e}")))?;
    let credits = match args.credits {
        Some(CreditsArg::Column) => Credits::Column,
        Some(CreditsArg::Aged) => Credits::Aged,
        None if config.aging.credits == "aged" => Credits::Aged,
        None => Credits::Column,
    };
    let currency = match &args.currency {
        Some(c) => Some(Currency::parse(c).map_err(|e| ArxError::Usage(format!("--currency: {e}")))?),
        None => None,
    };
    check_xlsx(args.output.as_deref())?;
    Ok(Plan {
        params: AgingParams { as_of, buckets, credits, customers: args.customers, currency },
        detail: args.detail,
        summary_only: args.summary_only,
        output: args.output,
    })
}

pub fn run(g: &Globals, args: AgingArgs) -> Result<()> {
    let (inputs, profile) = (args.inputs.clone(), args.profile.clone());
    let (ws, config) = super::source::workspace(g, !inputs.is_empty())?;
    let plan = plan(args, &config)?;
    let format = match plan.output {
        Some(_) => None,
        None => Some(g.report_format()?),
    };
    let source = super::source::open(g, ws, &inputs, &profile, &config)?;
    let detail = plan.detail || (plan.output.is_some() && !plan.summary_only);
    let ledger = source.ledger()?;
    let open = source.open_items(&ledger, ledger::day(plan.params.as_of))?;
    let customers = source.customers(config.reporting_currency())?;
    let report = aging::build(&open, &customers, &plan.params, detail).map_err(|e| ArxError::Runtime(e.into()))?;
    let provenance = source.provenance(&config.company.name, plan.params.as_of);

    match (&plan.output, format) {
        (Some(path), _) => {
            let bytes =
                aging_out::workbook(&report, &provenance, !plan.summary_only).context("writing the workbook")?;
            crate::files::write_atomic(path, &bytes)?;
            if !g.quiet {
                eprintln!(
                    "wrote {} ({} customer row{}, {} open item{})",
                    path.display(),
                    report.rows.len(),
                    if report.rows.len() == 1 { "" } else { "s" },
                    report.detail.len(),
                    if report.detail.len() == 1 { "" } else { "s" }
                );
            }
        }
        (None, Some(format)) => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &aging_out::json(&report, plan.detail))
                        .context("writing json")?;
                    writeln!(out).context("writing json")?;
                }
                f => {
                    let human = f == Format::Table;
                    let table = if plan.detail {
                        aging_out::detail_table(&report, human)
                    } else {
                        aging_out::summary_table(&report, human)
                    };
                    table.write(f, &mut out).context("writing to stdout")?;
                }
            }
            out.flush().context("writing to stdout")?;
        }
        (None, None) => {}
    }
    Ok(())
}
