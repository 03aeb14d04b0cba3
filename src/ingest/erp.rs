//! ERP exports through a profile: the file read to rows (delimited text in any encoding, or a
//! workbook's sheet), mapped by the profile to canonical rows per kind, and each kind then checked
//! exactly like a canonical file of that kind (same messages, same ledger rules).

use super::excel;
use super::profile::{self, Overrides, Profile, Where};
use super::source::CsvSource;
use super::table::{self, Rows};
use super::IngestPlan;
use crate::error::Issue;
use crate::model::Kind;

fn kind_of(k: profile::Kind) -> Kind {
    match k {
        profile::Kind::Customers => Kind::Customers,
        profile::Kind::Invoices => Kind::Invoices,
        profile::Kind::Payments => Kind::Payments,
        profile::Kind::Applications => Kind::Applications,
    }
}

/// The canonical sources a profiled file gives, one per kind, and notes for the user.
pub(super) struct Opened {
    pub sources: Vec<(Kind, CsvSource)>,
    pub notes: Vec<String>,
}

/// Reads `path` through `profile`. Every problem is an input issue naming the file and place.
pub(super) fn open(
    path: &std::path::Path,
    display: &str,
    profile: &Profile,
    plan: &IngestPlan,
    overrides: &Overrides,
) -> Result<Opened, Vec<Issue>> {
    let io = |e: std::io::Error| vec![Issue::new(display, None, None, format!("cannot read the file: {e}"))];
    let rows: Rows = match excel::sniff(path).map_err(io)? {
        Some(kind) => {
            // The profile's sheet is a default for workbooks that have it; --sheet insists.
            let sheet = plan.sheet.clone().or_else(|| {
                let names = excel::sheet_names(path, kind).unwrap_or_default();
                profile.sheet.clone().filter(|s| names.iter().any(|n| n.trim().eq_ignore_ascii_case(s.trim())))
            });
            table::read_sheet(path, display, kind, sheet.as_deref())?
        }
        None => {
            if let Some(why) = excel::not_a_workbook(path).map_err(io)? {
                return Err(vec![Issue::new(display, None, None, why)]);
            }
            table::read_text(path, display, &plan.read)?
        }
    };
    let at = match rows.sheet.as_deref() {
        Some(s) => Where::sheet(display, s, rows.typed, rows.date1904),
        None => Where::text(display),
    };
    // A workbook's rows are the sheet's, not the file's lines, and a problem may span rows: then the
    // message says where in words.
    let in_sheet = rows.sheet.is_some();
    let mapped = profile::map(profile, &rows.rows, &at, overrides).map_err(|issues| {
        let issue = |i: profile::ProfileIssue| {
            let many = i.place.starts_with("lines ");
            let message = if (in_sheet || many) && !i.place.is_empty() { i.to_string() } else { i.message };
            Issue::new(display, i.row, i.column.as_deref(), message)
        };
        issues.into_iter().map(issue).collect::<Vec<_>>()
    })?;
    let mut notes = mapped.notes;
    if let Some(d) = rows.detected {
        notes.insert(0, format!("read with {d}"));
    }
    let mut sources = Vec::new();
    for (k, canon) in mapped.kinds {
        let header_row = canon.rows.first().map(|r| r.0).unwrap_or(1);
        let names = canon.source_column.clone();
        let sheet_name = rows.sheet.clone();
        let mut src =
            CsvSource::from_rows(display, header_row, canon.header, canon.rows, rows.sha256.clone(), rows.size)
                .map_err(io)?
                .map_err(|i| vec![i])?;
        // Messages name the export's own heading (and sheet), not the canonical column.
        src.cell_names = Some(Box::new(move |row: u64, column: &str| {
            let heading = names.get(column)?;
            Some(match &sheet_name {
                Some(s) => format!("{s} row {row} '{heading}' ({column})"),
                None => format!("{heading} ({column})"),
            })
        }));
        sources.push((kind_of(k), src));
    }
    Ok(Opened { sources, notes })
}

/// The profile named `name`: `None` for the canonical (`generic`) and bank-file profiles, else a
/// built-in ERP profile or one of arx.toml's `[profiles.NAME]`.
pub fn resolve(name: &str, config: &crate::workspace::Config) -> crate::error::Result<Option<Profile>> {
    use crate::error::ArxError;
    if name == "generic" || crate::bank::BankFormat::from_profile(name).is_some() {
        return Ok(None);
    }
    if let Some(table) = config.profiles.get(name) {
        let text = toml::to_string(table).map_err(|e| ArxError::Usage(format!("arx.toml: [profiles.{name}]: {e}")))?;
        return Profile::from_toml(name, &text).map(Some).map_err(|e| ArxError::Usage(format!("arx.toml: {e}")));
    }
    if let Some(p) = Profile::builtin(name) {
        return Ok(Some(p));
    }
    let mut known: Vec<String> =
        ["generic", "camt053", "camt054", "bai2", "mt940"].iter().map(|s| s.to_string()).collect();
    known.extend(Profile::builtins().into_iter().map(|p| p.name));
    known.extend(config.profiles.keys().cloned());
    Err(ArxError::Usage(format!(
        "no profile '{name}'; the profiles are: {} (`arx profiles` lists them; define your own in arx.toml under [profiles.NAME])",
        known.join(", ")
    )))
}
