//! ERP profiles: declarative TOML mappings that turn the rows of an ERP export (SAP FBL5N, NetSuite, QuickBooks,
//! Xero, or a user's own in arx.toml) into canonical rows per kind. Pure: cell text in, canonical text and every
//! problem found out; reading files is the caller's business.
//!
//! The pipeline: find the header row and the columns (`layout`), classify and read the rows below it — totals
//! checked, dates one format per column (`read`) — then build documents, payments, applications and customers
//! (`build`). The format itself is in `spec` and documented for users in docs/profiles.md.

mod build;
mod layout;
mod numbers;
mod read;
mod spec;
mod values;

pub use spec::{
    Amount, Clearing, Columns, CustomerRules, DocTypes, Layout, OpenItems, PaymentColumns, Profile, Rows, Sign, Status,
};

use super::locale::DateStyle;
use crate::money::Currency;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

const BUILTIN: [(&str, &str); 4] = [
    ("sap-fbl5n", include_str!("builtin/sap-fbl5n.toml")),
    ("netsuite", include_str!("builtin/netsuite.toml")),
    ("quickbooks", include_str!("builtin/quickbooks.toml")),
    ("xero", include_str!("builtin/xero.toml")),
];

impl Profile {
    /// The built-in profiles, parsed from the TOML embedded in the binary (a test proves they parse).
    pub fn builtins() -> Vec<Profile> {
        BUILTIN.iter().filter_map(|(name, text)| Profile::from_toml(name, text).ok()).collect()
    }

    pub fn builtin(name: &str) -> Option<Profile> {
        let (n, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        Profile::from_toml(n, text).ok()
    }

    /// A profile from TOML text (a built-in file, or the body of an arx.toml `[profiles.NAME]` table). Unknown keys
    /// and bad values are errors naming the key; `name` in the text, when given, must be `name`.
    pub fn from_toml(name: &str, text: &str) -> Result<Profile, String> {
        let mut p: Profile = toml::from_str(text).map_err(|e| spec::toml_error(name, text, &e))?;
        if p.name.is_empty() {
            p.name = name.to_string();
        } else if p.name != name {
            return Err(format!(
                "profile '{name}': name = \"{}\" differs from the profile's table name '{name}'; make them the same \
                 or drop the name key",
                p.name
            ));
        }
        spec::Rules::new(&p, &Overrides::default()).map_err(|e| format!("profile '{name}': {e}"))?;
        Ok(p)
    }

    /// The profile as TOML, for `arx profiles show NAME`; `from_toml` reads it back to the same profile.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_else(|e| format!("# this profile can't be shown as TOML: {e}\n"))
    }

    /// One line for `arx profiles`: name, what it reads, what it gives.
    pub fn summary(&self) -> String {
        let mut gives = vec!["customers", "invoices"];
        let kinds: Vec<&String> = self.doc_types.codes.values().collect();
        if kinds.iter().any(|k| *k == "payment") {
            gives.push("payments");
        }
        let settles = self.open_items.as_ref().is_some_and(|o| o.settled == "write_off");
        if self.clearing.is_some() || settles {
            gives.push("applications");
        }
        format!("{:<12} {} → {}", self.name, self.description, gives.join(", "))
    }
}

/// Command-line values that win over the profile's.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub decimal: Option<char>,
    pub thousands: Option<Vec<char>>,
    pub date_format: Option<DateStyle>,
    pub currency: Option<Currency>,
    pub as_of: Option<NaiveDate>,
    /// arx.toml's reporting currency: the currency of a file that names none (said on stderr).
    pub workspace_currency: Option<Currency>,
}

/// One row of the input as cell text. `row`: the physical line (text files, 1-based) or the Excel row (sheets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRow {
    pub row: u64,
    pub cells: Vec<String>,
}

/// Where the rows came from, so messages name places the user can find: a sheet gives "Sheet!C12", a text file
/// "line 12, column 'Heading' (C)". Messages don't repeat the file name: the caller puts it in front.
#[derive(Clone, Copy, Debug)]
pub struct Where<'a> {
    pub file: &'a str,
    pub sheet: Option<&'a str>,
    /// Cells came typed (xlsx/xls/xlsb/ods, not HTML): a plain "-1234.5" is a number cell and is read with a decimal
    /// point whatever the profile's decimal mark.
    pub typed_cells: bool,
    /// The workbook counts dates from 1904 (for serial numbers typed into General cells).
    pub date1904: bool,
}

impl<'a> Where<'a> {
    pub fn text(file: &'a str) -> Where<'a> {
        Where { file, sheet: None, typed_cells: false, date1904: false }
    }

    pub fn sheet(file: &'a str, sheet: &'a str, typed_cells: bool, date1904: bool) -> Where<'a> {
        Where { file, sheet: Some(sheet), typed_cells, date1904 }
    }

    /// "line 12" or "row 12 of sheet 'Data'".
    fn row(&self, row: u64) -> String {
        match self.sheet {
            Some(s) => format!("row {row} of sheet '{s}'"),
            None => format!("line {row}"),
        }
    }

    /// The cell reference for `ProfileIssue::column` and the place for its message.
    fn cell(&self, row: u64, col: usize, heading: &str) -> (String, String) {
        match self.sheet {
            Some(s) => {
                let cell = format!("{}!{}{row}", quote_sheet(s), column_letters(col));
                (cell.clone(), format!("{cell} (column '{heading}')"))
            }
            None => (heading.to_string(), format!("line {row}, column '{heading}' ({})", column_letters(col))),
        }
    }

    fn issue_at(&self, row: u64, col: usize, heading: &str, what: &str) -> ProfileIssue {
        let (column, place) = self.cell(row, col, heading);
        ProfileIssue { row: Some(row), column: Some(column), message: what.to_string(), place }
    }

    fn issue_row(&self, row: u64, what: &str) -> ProfileIssue {
        ProfileIssue { row: Some(row), column: None, message: what.to_string(), place: self.row(row) }
    }
}

/// Excel quotes a sheet name that isn't a plain word.
fn quote_sheet(name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

/// Column letters for a 0-based column: 0 → A, 25 → Z, 26 → AA.
fn column_letters(col: usize) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        out.push(char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// A canonical kind a profile produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Customers,
    Invoices,
    Payments,
    Applications,
}

impl Kind {
    /// The canonical columns, in CONTRACT §2 order (the model's, so the two can't drift).
    pub fn header(self) -> Vec<&'static str> {
        let kind = match self {
            Kind::Customers => crate::model::Kind::Customers,
            Kind::Invoices => crate::model::Kind::Invoices,
            Kind::Payments => crate::model::Kind::Payments,
            Kind::Applications => crate::model::Kind::Applications,
        };
        kind.canonical_columns().map(|c| c.name).collect()
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Customers => "customers",
            Kind::Invoices => "invoices",
            Kind::Payments => "payments",
            Kind::Applications => "applications",
        }
    }
}

/// Canonical rows of one kind: every column of [`Kind::header`], canonical text (amounts "-1234.50", ISO dates).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CanonicalRows {
    pub header: Vec<String>,
    /// (source row, cells); the source row is the line or Excel row the values came from, for messages.
    pub rows: Vec<(u64, Vec<String>)>,
    /// Canonical column → the source heading it was read from, for messages.
    pub source_column: BTreeMap<String, String>,
}

/// A problem in the input. Displayed as "place: message" ("line 7, column 'Type' (G): '02.09.2026' is not a
/// document type …"); the file name is the caller's to put in front.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileIssue {
    pub row: Option<u64>,
    /// The source heading (text files) or `Sheet!A1` (sheets).
    pub column: Option<String>,
    /// What is wrong and how to fix it, without the place.
    pub message: String,
    /// Where, in words: "line 7, column 'Type' (G)", "'Data'!G7 (column 'Type')", "lines 2 and 3"; empty when the
    /// problem is the whole file's (or the message names its places itself).
    pub place: String,
}

impl ProfileIssue {
    fn general(message: String) -> ProfileIssue {
        ProfileIssue { row: None, column: None, message, place: String::new() }
    }
}

impl fmt::Display for ProfileIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.place, self.message)
        }
    }
}

/// What a file maps to: the kinds with at least one row, and notes on what was left out on purpose.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapped {
    pub kinds: BTreeMap<Kind, CanonicalRows>,
    pub notes: Vec<String>,
}

/// FNV-1a: std's SipHash costs a second per million keys here, and these maps key on the user's own file.
#[derive(Clone, Copy, Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// At most this many issues are returned; one more says how many were left out.
const MAX_ISSUES: usize = 100;

/// Maps every row; collects every problem (not just the first), up to 100. Canonical rows hold canonical text:
/// amounts as plain decimals with '.' and the currency's minor digits ("-1234.50"), dates ISO, doc_type words,
/// currency codes.
pub fn map(profile: &Profile, rows: &[RawRow], at: &Where, ov: &Overrides) -> Result<Mapped, Vec<ProfileIssue>> {
    let mut rules = spec::Rules::new(profile, ov)
        .map_err(|m| vec![ProfileIssue::general(format!("profile '{}': {m}", profile.name))])?;
    let sheet = layout::find(&rules, rows, at).map_err(cap)?;
    let number_note = numbers::decide(&mut rules, &sheet, rows, at, ov)?;
    let lookalikes = layout::lookalikes(&rules, &sheet, rows);
    let read = read::read(&rules, &sheet, rows, at, ov).map_err(cap)?;
    let fallback = read.currency_fallback;
    let mut mapped = build::build(&rules, &sheet, read, at).map_err(cap)?;
    mapped.notes.splice(0..0, number_note);
    mapped.notes.extend(lookalikes);
    if let Some(c) = fallback {
        mapped.notes.push(format!(
            "the file names no currency: amounts taken as {c}, the workspace's reporting currency (arx.toml); pass --currency if they are in another"
        ));
    }
    Ok(mapped)
}

fn cap(mut issues: Vec<ProfileIssue>) -> Vec<ProfileIssue> {
    if issues.len() > MAX_ISSUES {
        let more = issues.len() - MAX_ISSUES;
        issues.truncate(MAX_ISSUES);
        issues.push(ProfileIssue::general(format!(
            "… and {more} more problems like these; fix the ones above and run again"
        )));
    }
    issues
}

#[cfg(test)]
#[path = "mod_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "fixtures_tests.rs"]
mod fixtures_tests;
