use crate::cli::{ExportArgs, FormatArg, Globals};
use crate::error::{ArxError, Result};
use crate::frame::{self, Stored};
use crate::model::{
    cell_text, Application, CellRef, ColType, Customer, Dispute, Document, GlBalance, Kind, Payment, Record, Remittance,
};
use crate::store::{Manifest, Store};
use crate::workspace::Workspace;
use anyhow::Context;
use std::io::{IsTerminal, Write};

#[derive(Clone, Copy, PartialEq, Eq)]
enum ExportFormat {
    Csv,
    Json,
    Parquet,
}

pub fn run(g: &Globals, args: ExportArgs) -> Result<()> {
    // Export is data for other programs, so `table` means the csv a spreadsheet opens.
    let format = match g.format {
        None | Some(FormatArg::Csv) | Some(FormatArg::Table) => ExportFormat::Csv,
        Some(FormatArg::Json) => ExportFormat::Json,
        Some(FormatArg::Parquet) => ExportFormat::Parquet,
    };
    if format == ExportFormat::Parquet && args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(ArxError::Usage("Parquet is binary; write it with -o FILE.parquet or pipe it".into()));
    }
    if let Some(path) = &args.output {
        crate::files::check_target(path)?;
    }
    let ws = Workspace::discover(g.workspace.as_deref())?;
    let store = ws.store()?;
    let manifest = store.manifest()?;
    if args.excel_safe && format != ExportFormat::Csv {
        return Err(ArxError::Usage("--excel-safe applies to csv exports only".into()));
    }
    let opts = Opts { format, all_versions: args.all_versions, excel_safe: args.excel_safe };
    let (bytes, formulas) = match args.kind {
        Kind::Customers => render::<Customer>(&store, &manifest, opts),
        Kind::Invoices => render::<Document>(&store, &manifest, opts),
        Kind::Payments => render::<Payment>(&store, &manifest, opts),
        Kind::Applications => render::<Application>(&store, &manifest, opts),
        Kind::Remittances => render::<Remittance>(&store, &manifest, opts),
        Kind::Disputes => render::<Dispute>(&store, &manifest, opts),
        Kind::Gl => render::<GlBalance>(&store, &manifest, opts),
    }?;
    // Export is exact (export → ingest round-trips byte for byte), so values are written as
    // stored; the user hears when some would run as formulas in a spreadsheet.
    if formulas > 0 && !args.excel_safe && format == ExportFormat::Csv && !g.quiet {
        eprintln!(
            "arx: warning: {formulas} value{} start{} with =, +, - or @ and would run as a formula if this file is opened in a spreadsheet; they are exported exactly as stored (for re-ingest). For a file to open in a spreadsheet, use --excel-safe (not for re-ingest)",
            if formulas == 1 { "" } else { "s" },
            if formulas == 1 { "s" } else { "" }
        );
    }
    match &args.output {
        Some(path) => crate::files::write_atomic(path, &bytes)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes).and_then(|_| out.flush()).context("writing to stdout")?;
        }
    }
    Ok(())
}

#[derive(Clone, Copy)]
struct Opts {
    format: ExportFormat,
    all_versions: bool,
    excel_safe: bool,
}

/// The export's bytes and how many text values look like formulas to a spreadsheet.
fn render<R: Record>(store: &Store, manifest: &Manifest, opts: Opts) -> Result<(Vec<u8>, u64)> {
    let Opts { format, all_versions, excel_safe } = opts;
    let rows: Vec<Stored<R>> = if all_versions {
        let mut all = store.load_all::<R>(manifest)?;
        all.sort_by_cached_key(|s| (s.seq, s.record.key().into_owned()));
        all
    } else {
        store.load_current::<R>(manifest)?.into_iter().map(|record| Stored { seq: 0, void: false, record }).collect()
    };
    let columns: Vec<(usize, &str)> =
        R::KIND.columns().iter().enumerate().filter(|(_, c)| c.canonical).map(|(i, c)| (i, c.name)).collect();
    let is_text: Vec<bool> = columns.iter().map(|(i, _)| R::KIND.columns()[*i].ty == ColType::Text).collect();
    let formulas = rows
        .iter()
        .map(|s| {
            columns
                .iter()
                .filter(|(i, _)| {
                    matches!(s.record.cell(*i), CellRef::Text(Some(t)) if crate::hostile::csv_needs_neutralising(t))
                })
                .count() as u64
        })
        .sum();
    let bytes = match format {
        ExportFormat::Csv => {
            let mut out = Vec::new();
            let mut head: Vec<&str> = columns.iter().map(|(_, n)| *n).collect();
            if all_versions {
                head.extend([frame::SEQ_COL, frame::VOID_COL]);
            }
            crate::hostile::write_csv_record(&mut out, head.iter().map(|h| (*h, false)));
            for s in &rows {
                let mut rec: Vec<String> = columns.iter().map(|(i, _)| cell_text(&s.record, *i)).collect();
                if all_versions {
                    rec.push(s.seq.to_string());
                    rec.push(s.void.to_string());
                }
                // Raw by default (exact round trip); --excel-safe neutralises formula-like text.
                let data = |n: usize| excel_safe && is_text.get(n).copied().unwrap_or(false);
                crate::hostile::write_csv_record(&mut out, rec.iter().enumerate().map(|(n, f)| (f.as_str(), data(n))));
            }
            out
        }
        ExportFormat::Json => {
            let objects: Vec<serde_json::Map<String, serde_json::Value>> = rows
                .iter()
                .map(|s| {
                    let mut m: serde_json::Map<String, serde_json::Value> = columns
                        .iter()
                        .map(|(i, name)| {
                            let v = match s.record.cell(*i) {
                                CellRef::Text(None) | CellRef::Date(None) | CellRef::Money(None) => {
                                    serde_json::Value::Null
                                }
                                _ => serde_json::Value::String(cell_text(&s.record, *i)),
                            };
                            (name.to_string(), v)
                        })
                        .collect();
                    if all_versions {
                        m.insert(frame::SEQ_COL.into(), s.seq.into());
                        m.insert(frame::VOID_COL.into(), s.void.into());
                    }
                    m
                })
                .collect();
            let mut bytes = serde_json::to_vec_pretty(&objects).context("writing json")?;
            bytes.push(b'\n');
            bytes
        }
        ExportFormat::Parquet => {
            let refs: Vec<frame::StoredRef<'_, R>> = rows.iter().map(Stored::as_ref).collect();
            let mut df = frame::to_export_frame(&refs, all_versions).context("building the Parquet export")?;
            let mut bytes = Vec::new();
            frame::write_parquet(&mut df, &mut bytes).context("writing Parquet")?;
            bytes
        }
    };
    Ok((bytes, formulas))
}
