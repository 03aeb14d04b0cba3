//! `arx profiles`: what input layouts arx reads, and one in full.

use crate::cli::{Globals, ProfilesAction, ProfilesArgs};
use crate::error::{ArxError, Result};
use crate::ingest::profile::Profile;
use crate::output::{Table, Value};
use crate::workspace::{Config, Workspace};
use std::io::Write;

pub fn run(g: &Globals, args: ProfilesArgs) -> Result<()> {
    // Profiles are listed without a workspace too (then only the built-ins).
    let config = Workspace::discover(g.workspace.as_deref()).map(|w| w.config).unwrap_or_default();
    match args.action {
        None => list(g, &config),
        Some(ProfilesAction::Show { name }) => show(&name, &config),
    }
}

fn list(g: &Globals, config: &Config) -> Result<()> {
    let mut t = Table::new(&["profile", "source", "description"]);
    let mut row = |name: &str, source: &str, what: &str| {
        t.rows.push(vec![Value::Text(name.into()), Value::Text(source.into()), Value::Text(what.into())]);
    };
    row("generic", "built-in", "canonical CSV or workbook (CONTRACT §2 columns), any encoding and delimiter");
    row("camt053", "built-in", "ISO 20022 bank-to-customer statement (XML, also zipped) → payments");
    row("camt054", "built-in", "ISO 20022 debit/credit notification (XML) → payments");
    row("bai2", "built-in", "BAI2 cash management balance report (US banks, lockbox) → payments");
    row("mt940", "built-in", "SWIFT MT940 customer statement → payments");
    for p in Profile::builtins() {
        row(&p.name, "built-in", &p.description);
    }
    for name in config.profiles.keys() {
        let what = match crate::ingest::erp::resolve(name, config) {
            Ok(Some(p)) => p.description,
            Ok(None) => String::new(),
            Err(e) => format!("(invalid: {e})"),
        };
        row(name, "arx.toml", &what);
    }
    let mut out = std::io::stdout().lock();
    t.write(g.report_format()?, &mut out).map_err(anyhow::Error::from)?;
    Ok(())
}

fn show(name: &str, config: &Config) -> Result<()> {
    match crate::ingest::erp::resolve(name, config)? {
        Some(p) => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "# profile {name}\n{}", p.to_toml()).map_err(anyhow::Error::from)?;
            Ok(())
        }
        None => Err(ArxError::Usage(format!(
            "'{name}' is not an ERP profile: generic reads the canonical columns (see the README) and the bank formats are read as the standards define them"
        ))),
    }
}
