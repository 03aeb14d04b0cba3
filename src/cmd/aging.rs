use crate::cli::{AgingArgs, BasisArg, CreditsArg, Globals};
use crate::error::{ArxError, Result};
use crate::ledger::{self, OpenItems, OpenItemsBuilder};
use crate::model::Customer;
use crate::money::Currency;
use crate::output::Format;
use crate::report::aging::{self, AgingParams, AgingReport, Basis, Buckets, Credits, CustomerInfo};
use crate::report::aging_out::{self, Provenance};
use crate::workspace::{Config, Workspace};
use anyhow::Context;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

/// A validated `arx aging` request.
struct Plan {
    params: AgingParams,
    detail: bool,
    summary_only: bool,
    output: Option<PathBuf>,
    inputs: Vec<PathBuf>,
    profile: String,
}

pub fn parse_as_of(text: Option<&str>) -> Result<NaiveDate> {
    match text {
        None => Ok(chrono::Local::now().date_naive()),
        Some(t) => {
            crate::ingest::canonical::parse_iso_date(t.trim()).filter(|d| chrono::Datelike::year(d) >= 1900).ok_or_else(
                || ArxError::Usage(format!("--as-of '{t}' is not a date from 1900 on; write it as YYYY-MM-DD")),
            )
        }
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
    if let Some(out) = &args.output {
        if !out.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
            return Err(ArxError::Usage(format!(
                "-o {} : -o writes a workbook, so give a name ending in .xlsx (for csv or json, redirect stdout: arx aging --format csv > aging.csv)",
                out.display()
            )));
        }
    }
    Ok(Plan {
        params: AgingParams { as_of, buckets, credits, customers: args.customers, currency },
        detail: args.detail,
        summary_only: args.summary_only,
        output: args.output,
        inputs: args.inputs,
        profile: args.profile,
    })
}

pub fn customer_infos<'a>(
    customers: impl Iterator<Item = &'a Customer>,
    reporting: Option<Currency>,
) -> HashMap<String, CustomerInfo> {
    customers
        .map(|c| {
            let info = CustomerInfo {
                name: c.name.clone(),
                credit_limit: c.credit_limit_value(),
                currency: c.currency.or(reporting),
            };
            (c.customer_id.clone(), info)
        })
        .collect()
}

pub fn run(g: &Globals, args: AgingArgs) -> Result<()> {
    let detached = !args.inputs.is_empty();
    let ws = if detached {
        // Defaults may still come from a workspace's arx.toml when there is one.
        Workspace::discover(g.workspace.as_deref()).ok()
    } else {
        Some(Workspace::discover(g.workspace.as_deref())?)
    };
    let config = ws.as_ref().map(|w| w.config.clone()).unwrap_or_default();
    let plan = plan(args, &config)?;
    let format = match plan.output {
        Some(_) => None,
        None => Some(g.report_format()?),
    };
    let detail = plan.detail || (plan.output.is_some() && !plan.summary_only);
    let reporting = config.reporting_currency();
    let as_of = ledger::day(plan.params.as_of);
    let company = config.company.name.clone();

    let (report, provenance) = if detached {
        let (book, audits) = crate::ingest::read_detached(&plan.inputs, &plan.profile, reporting, g.quiet, g.progress)?;
        let ledger = book.ledger();
        let mut builder = OpenItemsBuilder::new(&ledger, as_of);
        for app in book.apps(&ledger) {
            builder.apply(app.map_err(|e| ArxError::Runtime(anyhow::Error::new(e)))?);
        }
        let customers = customer_infos(book.customers.iter(), reporting);
        let report = build(builder.finish(), &customers, &plan.params, detail)?;
        let inputs = audits
            .into_iter()
            .map(|a| (a.path, a.kind.to_string(), a.profile, a.sha256, a.size, "(read directly)".to_string()))
            .collect();
        let provenance = Provenance {
            company,
            source: "(none: --input)".into(),
            inputs,
            generated_at: plan.params.as_of.to_string(),
        };
        (report, provenance)
    } else {
        let ws = ws.context("no workspace")?;
        let store = ws.store()?;
        let manifest = store.manifest()?;
        let ledger = crate::loader::load_ledger(&store, &manifest)?;
        let mut builder = OpenItemsBuilder::new(&ledger, as_of);
        crate::loader::stream_apps(&store, &manifest, &ledger, |a| builder.apply(a))?;
        let stored_customers = store.load_current::<Customer>(&manifest)?;
        let customers = customer_infos(stored_customers.iter(), reporting);
        let report = build(builder.finish(), &customers, &plan.params, detail)?;
        let inputs = manifest
            .commits
            .iter()
            .flat_map(|c| c.files.iter().map(move |f| (c, f)))
            .map(|(c, f)| {
                (f.path.clone(), f.kind.to_string(), f.profile.clone(), f.sha256.clone(), f.size, c.time.clone())
            })
            .collect();
        let generated_at = manifest
            .commits
            .last()
            .map(|c| format!("{} (ledger as of commit {})", c.time, c.seq))
            .unwrap_or_else(|| "(empty ledger)".to_string());
        (report, Provenance { company, source: ws.root.display().to_string(), inputs, generated_at })
    };

    match (&plan.output, format) {
        (Some(path), _) => {
            let bytes =
                aging_out::workbook(&report, &provenance, !plan.summary_only).context("writing the workbook")?;
            crate::store::write_atomic(path, &bytes)?;
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

fn build(
    open: OpenItems<'_>,
    customers: &HashMap<String, CustomerInfo>,
    params: &AgingParams,
    detail: bool,
) -> Result<AgingReport> {
    aging::build(&open, customers, params, detail).map_err(|e| ArxError::Runtime(anyhow::Error::new(e)))
}
