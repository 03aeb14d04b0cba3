//! Workspaces: discovery (`--workspace`, `$ARX_WORKSPACE`, nearest `arx.toml` upward) and `arx.toml`.

use crate::error::{ArxError, Result};
use crate::money::Currency;
use crate::store::Store;
use anyhow::Context;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "arx.toml";
pub const STORE_DIR: &str = "store";

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub company: Company,
    #[serde(default)]
    pub aging: AgingDefaults,
    #[serde(default)]
    pub apply: ApplySettings,
    /// Custom ERP profiles, `[profiles.NAME]`, same shape as the built-ins (docs/profiles.md).
    #[serde(default)]
    pub profiles: std::collections::BTreeMap<String, toml::Table>,
}

/// `[apply]`: cash-application tolerances and policies. Amounts are decimal strings in the
/// payment's currency units; all are off (zero) unless set, so arx never writes money off or
/// opens a deduction the user didn't ask for.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplySettings {
    #[serde(default = "zero")]
    pub write_off_fixed: String,
    #[serde(default = "zero")]
    pub write_off_percent: String,
    #[serde(default = "zero")]
    pub deduction_max: String,
    #[serde(default = "default_combination")]
    pub combination_max_items: usize,
}

impl Default for ApplySettings {
    fn default() -> Self {
        ApplySettings {
            write_off_fixed: zero(),
            write_off_percent: zero(),
            deduction_max: zero(),
            combination_max_items: default_combination(),
        }
    }
}

fn zero() -> String {
    "0".into()
}
fn default_combination() -> usize {
    20
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address: String,
    /// The currency credit limits are in when a customer names none.
    pub reporting_currency: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgingDefaults {
    #[serde(default = "default_basis")]
    pub basis: String,
    #[serde(default = "default_buckets")]
    pub buckets: Vec<u32>,
    #[serde(default = "default_credits")]
    pub credits: String,
}

impl Default for AgingDefaults {
    fn default() -> Self {
        AgingDefaults { basis: default_basis(), buckets: default_buckets(), credits: default_credits() }
    }
}

fn default_basis() -> String {
    "due".into()
}
fn default_buckets() -> Vec<u32> {
    vec![30, 60, 90, 120]
}
fn default_credits() -> String {
    "column".into()
}

impl Config {
    pub fn reporting_currency(&self) -> Option<Currency> {
        self.company.reporting_currency.as_deref().and_then(|c| Currency::parse(c).ok())
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let bad = |what: String| ArxError::Usage(format!("{}: {what}", path.display()));
        if let Some(c) = &self.company.reporting_currency {
            Currency::parse(c).map_err(|e| bad(format!("company.reporting_currency: {e}")))?;
        }
        if !matches!(self.aging.basis.as_str(), "due" | "invoice") {
            return Err(bad(format!("aging.basis '{}' must be \"due\" or \"invoice\"", self.aging.basis)));
        }
        if !matches!(self.aging.credits.as_str(), "column" | "aged") {
            return Err(bad(format!("aging.credits '{}' must be \"column\" or \"aged\"", self.aging.credits)));
        }
        let a = &self.apply;
        for (key, value) in [
            ("write_off_fixed", &a.write_off_fixed),
            ("write_off_percent", &a.write_off_percent),
            ("deduction_max", &a.deduction_max),
        ] {
            match crate::money::parse_plain_decimal(value) {
                Ok(d) if !d.is_sign_negative() => {}
                _ => {
                    return Err(bad(format!(
                        "apply.{key} '{value}' must be a decimal number of 0 or more, e.g. \"5.00\""
                    )))
                }
            }
        }
        if !(2..=24).contains(&a.combination_max_items) {
            return Err(bad("apply.combination_max_items must be between 2 and 24".into()));
        }
        let b = &self.aging.buckets;
        if b.is_empty() || b.len() > 12 || b.windows(2).any(|w| w[0] >= w[1]) || b[0] == 0 {
            return Err(bad(
                "aging.buckets must be 1 to 12 increasing whole numbers of days above 0, e.g. [30, 60, 90, 120]".into(),
            ));
        }
        Ok(())
    }
}

/// The commented template `arx init` writes.
pub fn config_template(name: &str, currency: &str) -> String {
    format!(
        r#"# arx workspace configuration. Every key is optional; the values shown are the defaults
# unless marked otherwise. Reports read this file; the ledger itself lives in ./store/.

[company]
# Shown on statements and workbook headers.
name = "{name}"
# Postal address, one string; use \n for line breaks.
address = ""
# ISO 4217 code. Credit limits of customers without a currency of their own are in this currency.
reporting_currency = "{currency}"

[aging]
# "due" ages items from their due date; "invoice" from their document date.
basis = "due"
# Upper bounds (inclusive) of the aging buckets in days, increasing, 1 to 12 of them.
# [30, 60, 90, 120] gives current, 1-30, 31-60, 61-90, 91-120, 121+.
buckets = [30, 60, 90, 120]
# "column": unapplied cash and open credit notes go to the `unapplied` column;
# "aged": they are aged by their own date like any item.
credits = "column"

[apply]
# Cash application. A payment short of what it settles by at most the smaller of these two is
# applied in full and the difference written off (kind write_off): bank fees, FX rounding.
# In the payment's currency units, and percent of what the payment settles. 0 = never.
write_off_fixed = "0"
write_off_percent = "0"
# A short pay of up to this on a single named invoice becomes a deduction (kind deduction)
# and an open dispute (reason short-payment). 0 = never: short pays are applied as partial
# payments, the rest stays open, and every one is listed for review.
deduction_max = "0"
# Open invoices searched for a combination summing exactly to a payment (2 to 24).
combination_max_items = 20
"#
    )
}

pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
}

impl Workspace {
    /// Finds the workspace: the explicit one (`--workspace` or `$ARX_WORKSPACE`), else the nearest
    /// folder upward from the current one holding `arx.toml`.
    pub fn discover(explicit: Option<&Path>) -> Result<Workspace> {
        let root = match explicit {
            Some(dir) => {
                if !dir.join(CONFIG_FILE).is_file() {
                    return Err(ArxError::Usage(format!(
                        "{} is not an arx workspace (no {CONFIG_FILE}); create one with `arx init {}`",
                        dir.display(),
                        dir.display()
                    )));
                }
                dir.to_path_buf()
            }
            None => {
                let cwd = std::env::current_dir().context("reading the current directory")?;
                cwd.ancestors().find(|d| d.join(CONFIG_FILE).is_file()).map(Path::to_path_buf).ok_or_else(|| {
                    ArxError::Usage(format!(
                        "no arx workspace here: no {CONFIG_FILE} in {} or any folder above it. Run `arx init` to create one, or pass --workspace DIR (or set ARX_WORKSPACE)",
                        cwd.display()
                    ))
                })?
            }
        };
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let config: Config = toml::from_str(&text)
            .map_err(|e| ArxError::Usage(format!("{}: {}", path.display(), e.to_string().trim())))?;
        config.validate(&path)?;
        Ok(Workspace { root, config })
    }

    pub fn store(&self) -> Result<Store> {
        Ok(Store::open(&self.root.join(STORE_DIR))?)
    }
}
