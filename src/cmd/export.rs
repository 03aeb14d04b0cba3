use crate::cli::{ExportArgs, FormatArg, Globals};
use crate::error::{ArxError, Result};
use crate::frame::{self, Stored};
use crate::model::{
    cell_text, Application, CellRef, Customer, Dispute, Document, GlBalance, Kind, Payment, Record, Remittance,
};
use crate::store::{self, Manifest, Store};
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
    let ws = Workspace::discover(g.workspace.as_deref())?;
    let store = ws.store()?;
    let manifest = store.manifest()?;
    let bytes = match args.kind {
        Kind::Customers => render::<Customer>(&store, &manifest, format, args.all_versions),
        Kind::Invoices => render::<Document>(&store, &manifest, format, args.all_versions),
        Kind::Payments => render::<Payment>(&store, &manifest, format, args.all_versions),
        Kind::Applications => render::<Application>(&store, &manifest, format, args.all_versions),
        Kind::Remittances => render::<Remittance>(&store, &manifest, format, args.all_versions),
        Kind::Disputes => render::<Dispute>(&store, &manifest, format, args.all_versions),
        Kind::Gl => render::<GlBalance>(&store, &manifest, format, args.all_versions),
    }?;
    match &args.output {
        Some(path) => store::write_atomic(path, &bytes)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes).and_then(|_| out.flush()).context("writing to stdout")?;
        }
    }
    Ok(())
}

fn render<R: Record>(store: &Store, manifest: &Manifest, format: ExportFormat, all_versions: bool) -> Result<Vec<u8>> {
    let rows: Vec<Stored<R>> = if all_versions {
        let mut all = store.load_all::<R>(manifest)?;
        all.sort_by_cached_key(|s| (s.seq, s.record.key().into_owned()));
        all
    } else {
        store.load_current::<R>(manifest)?.into_iter().map(|record| Stored { seq: 0, void: false, record }).collect()
    };
    let columns: Vec<(usize, &str)> =
        R::KIND.columns().iter().enumerate().filter(|(_, c)| c.canonical).map(|(i, c)| (i, c.name)).collect();
    match format {
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let mut head: Vec<&str> = columns.iter().map(|(_, n)| *n).collect();
            if all_versions {
                head.extend([frame::SEQ_COL, frame::VOID_COL]);
            }
            w.write_record(&head).context("writing csv")?;
            for s in &rows {
                let mut rec: Vec<String> = columns.iter().map(|(i, _)| cell_text(&s.record, *i)).collect();
                if all_versions {
                    rec.push(s.seq.to_string());
                    rec.push(s.void.to_string());
                }
                w.write_record(&rec).context("writing csv")?;
            }
            Ok(w.into_inner().map_err(|e| anyhow::anyhow!("writing csv: {e}"))?)
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
            Ok(bytes)
        }
        ExportFormat::Parquet => {
            let refs: Vec<frame::StoredRef<'_, R>> = rows.iter().map(Stored::as_ref).collect();
            let mut df = frame::to_export_frame(&refs, all_versions).context("building the Parquet export")?;
            let mut bytes = Vec::new();
            frame::write_parquet(&mut df, &mut bytes).context("writing Parquet")?;
            Ok(bytes)
        }
    }
}
