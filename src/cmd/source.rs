//! Where a report's ledger comes from: the workspace store, or export files given with
//! `--input` (validated as ingest would, nothing written). Reports see the same ledger either way.

use crate::error::{ArxError, Result};
use crate::ingest::book::Book;
use crate::ledger::{App, Day, Ledger, OpenItems, OpenItemsBuilder};
use crate::model::Customer;
use crate::report::aging::CustomerInfo;
use crate::report::aging_out::Provenance;
use crate::store::{FileAudit, Manifest, Store};
use crate::workspace::{Config, Workspace};
use std::collections::HashMap;
use std::path::PathBuf;

// One per command run: the size difference of the variants doesn't matter.
#[allow(clippy::large_enum_variant)]
pub enum Source {
    Store { ws: Workspace, store: Store, manifest: Manifest },
    Files { book: Box<Book>, audits: Vec<FileAudit> },
}

/// The workspace a report reads (required unless it reads `--input` files, where one still
/// gives arx.toml defaults when present) and the configuration in force.
pub fn workspace(g: &crate::cli::Globals, detached: bool) -> Result<(Option<Workspace>, Config)> {
    if detached {
        let ws = Workspace::discover(g.workspace.as_deref()).ok();
        let config = ws.as_ref().map(|w| w.config.clone()).unwrap_or_default();
        return Ok((ws, config));
    }
    let ws = Workspace::discover(g.workspace.as_deref())?;
    let config = ws.config.clone();
    Ok((Some(ws), config))
}

/// Opens the report's source: the `inputs` when given (read and validated now), else the store.
pub fn open(
    g: &crate::cli::Globals,
    ws: Option<Workspace>,
    inputs: &[PathBuf],
    profile: &str,
    config: &Config,
) -> Result<Source> {
    if !inputs.is_empty() {
        let (book, audits) =
            crate::ingest::read_detached(inputs, profile, config.reporting_currency(), g.quiet, g.progress)?;
        return Ok(Source::Files { book: Box::new(book), audits });
    }
    let ws = ws.ok_or_else(|| ArxError::Usage("no workspace; pass --workspace DIR or --input FILE...".into()))?;
    let store = ws.store()?;
    let manifest = store.manifest()?;
    Ok(Source::Store { ws, store, manifest })
}

fn runtime(e: impl Into<anyhow::Error>) -> ArxError {
    ArxError::Runtime(e.into())
}

impl Source {
    pub fn ledger(&self) -> Result<Ledger> {
        let ledger = match self {
            Source::Store { store, manifest, .. } => crate::loader::load_ledger(store, manifest)?,
            Source::Files { book, .. } => book.ledger(),
        };
        ledger.check_totals().map_err(runtime)?;
        Ok(ledger)
    }

    /// Feeds every current application, resolved against `ledger`, to `f`.
    pub fn for_each_app(&self, ledger: &Ledger, mut f: impl FnMut(App)) -> Result<()> {
        match self {
            Source::Store { store, manifest, .. } => Ok(crate::loader::stream_apps(store, manifest, ledger, f)?),
            Source::Files { book, .. } => {
                for app in book.apps(ledger) {
                    f(app.map_err(runtime)?);
                }
                Ok(())
            }
        }
    }

    /// Open items as of `as_of`.
    pub fn open_items<'l>(&self, ledger: &'l Ledger, as_of: Day) -> Result<OpenItems<'l>> {
        let mut builder = OpenItemsBuilder::new(ledger, as_of);
        self.for_each_app(ledger, |a| builder.apply(a))?;
        Ok(builder.finish())
    }

    pub fn disputes(&self) -> Result<Vec<crate::model::Dispute>> {
        match self {
            Source::Store { store, manifest, .. } => Ok(store.load_current::<crate::model::Dispute>(manifest)?),
            Source::Files { book, .. } => Ok(book.disputes.iter().cloned().collect()),
        }
    }

    pub fn customers(&self, reporting: Option<crate::money::Currency>) -> Result<HashMap<String, CustomerInfo>> {
        let stored;
        let list: Vec<&Customer> = match self {
            Source::Store { store, manifest, .. } => {
                stored = store.load_current::<Customer>(manifest)?;
                stored.iter().collect()
            }
            Source::Files { book, .. } => book.customers.iter().collect(),
        };
        Ok(list
            .into_iter()
            .map(|c| {
                let info = CustomerInfo {
                    name: c.name.clone(),
                    credit_limit: c.credit_limit_value(),
                    currency: c.currency.or(reporting),
                };
                (c.customer_id.clone(), info)
            })
            .collect())
    }

    /// What went into the report, for a workbook's Parameters sheet. Reproducible: "generated at"
    /// is when the ledger last changed (its latest commit), or the as-of date for `--input`.
    pub fn provenance(&self, company: &str, as_of: chrono::NaiveDate) -> Provenance {
        match self {
            Source::Store { ws, manifest, .. } => {
                let inputs = manifest
                    .commits
                    .iter()
                    .flat_map(|c| c.files.iter().map(move |f| (c, f)))
                    .map(|(c, f)| {
                        (
                            f.path.clone(),
                            f.kind.to_string(),
                            f.profile.clone(),
                            f.sha256.clone(),
                            f.size,
                            c.time.clone(),
                        )
                    })
                    .collect();
                let generated_at = manifest
                    .commits
                    .last()
                    .map(|c| format!("{} (ledger as of commit {})", c.time, c.seq))
                    .unwrap_or_else(|| "(empty ledger)".to_string());
                Provenance { company: company.to_string(), source: ws.root.display().to_string(), inputs, generated_at }
            }
            Source::Files { audits, .. } => Provenance {
                company: company.to_string(),
                source: "(none: --input)".into(),
                inputs: audits
                    .iter()
                    .map(|a| {
                        let kind = a.kind.to_string();
                        (
                            a.path.clone(),
                            kind,
                            a.profile.clone(),
                            a.sha256.clone(),
                            a.size,
                            "(read directly)".to_string(),
                        )
                    })
                    .collect(),
                generated_at: as_of.to_string(),
            },
        }
    }
}
