//! The profile format (what a TOML profile may say) and its compiled form, checked once when the profile is loaded so
//! that a mistake in a profile is reported with the key that holds it, before any file is read.

use super::super::locale::{DateStyle, NumberStyle};
use super::Overrides;
use crate::money::Currency;
use regex_lite::Regex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A declarative mapping from one ERP export layout to arx's canonical kinds. See docs/profiles.md for every key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Currency of every amount when the file has no currency column (`--currency` wins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The sheet to read when `--sheet` is not given and the workbook has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(default = "default_decimal")]
    pub decimal: String,
    #[serde(default = "default_thousands")]
    pub thousands: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub date_formats: Vec<String>,
    #[serde(default)]
    pub layout: Layout,
    pub columns: Columns,
    pub amount: Amount,
    #[serde(default, skip_serializing_if = "is_default")]
    pub customer: CustomerRules,
    #[serde(default)]
    pub doc_types: DocTypes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default)]
    pub sign: Sign,
    #[serde(default, skip_serializing_if = "is_default")]
    pub rows: Rows,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clearing: Option<Clearing>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_items: Option<OpenItems>,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

fn default_decimal() -> String {
    ".".into()
}

fn default_thousands() -> Vec<String> {
    vec![",".into()]
}

fn default_all() -> String {
    "all".into()
}

/// Report furniture around the data rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// Regexes tried on each cell of the title lines above the header; group 1 (or the match) is the key date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_date: Vec<String>,
    /// A row whose only non-empty cell is its first is a group heading (customer or ageing bucket).
    #[serde(default)]
    pub section_rows: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subtotal_rows: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub total_rows: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skip_rows: Vec<String>,
    #[serde(default)]
    pub stop_after_total: bool,
    /// "all" (one total over every row) or "currency" (a total line per currency).
    #[serde(default = "default_all")]
    pub totals_by: String,
    /// Which canonical values the total lines sum: "amount", "open_amount".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub total_columns: Vec<String>,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout {
            key_date: vec![],
            section_rows: false,
            subtotal_rows: vec![],
            total_rows: vec![],
            skip_rows: vec![],
            stop_after_total: false,
            totals_by: default_all(),
            total_columns: vec![],
        }
    }
}

/// Candidate headings per canonical column, first present wins; matched ignoring case and spaces.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    /// One column naming the customer ("CUST-1001 Name", "Parent:Child"); see [customer].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer_id: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer_name: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub document_no: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doc_date: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub due_date: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reference: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub po_number: Vec<String>,
    /// Headings that mean something else on a payment row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payments: Option<PaymentColumns>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentColumns {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reference: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amount {
    /// (amount heading, currency heading) pairs, first pair present wins; "" = no currency column.
    pub pairs: Vec<(String, String)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerRules {
    /// Regex with named groups `id` and `name`, applied to each part of the customer column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hierarchy_separator: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocTypes {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub column: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub codes: BTreeMap<String, String>,
    /// What every row is when the file has no type column: "invoice" or "by_sign".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absent: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Status {
    pub column: Vec<String>,
    pub ignore: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sign {
    /// A debit/credit indicator column; when present it gives the sign.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicator: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub debit: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credit: Vec<String>,
    /// "as_written" (cash received is positive in the file) or "negated" (the file shows payments as credits).
    #[serde(default = "as_written")]
    pub payments: String,
    /// "as_written" or "negative" (stored negative whatever sign the file gives them).
    #[serde(default = "as_written")]
    pub credit_notes: String,
}

fn as_written() -> String {
    "as_written".into()
}

impl Default for Sign {
    fn default() -> Sign {
        Sign { indicator: vec![], debit: vec![], credit: vec![], payments: as_written(), credit_notes: as_written() }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rows {
    /// Headings of columns that make a row not a receivable when they hold anything (SAP special G/L).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skip_if_set: Vec<String>,
    /// "document_no": several rows (invoice lines) make one document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_by: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clearing {
    pub document: Vec<String>,
    pub date: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenItems {
    pub open_amount: Vec<String>,
    /// "write_off" (document at its amount + the settled part written off at the key date) or "none" (document at
    /// its open amount).
    #[serde(default = "write_off")]
    pub settled: String,
}

fn write_off() -> String {
    "write_off".into()
}

/// What a document type code means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DocKind {
    Invoice,
    CreditNote,
    DebitNote,
    Payment,
    Clearing,
    Ignore,
    BySign,
}

impl DocKind {
    fn parse(s: &str) -> Option<DocKind> {
        Some(match s {
            "invoice" => DocKind::Invoice,
            "credit_note" => DocKind::CreditNote,
            "debit_note" => DocKind::DebitNote,
            "payment" => DocKind::Payment,
            "clearing" => DocKind::Clearing,
            "ignore" => DocKind::Ignore,
            "by_sign" => DocKind::BySign,
            _ => return None,
        })
    }

    pub(super) fn word(self) -> &'static str {
        match self {
            DocKind::Invoice => "invoice",
            DocKind::CreditNote => "credit_note",
            DocKind::DebitNote => "debit_note",
            DocKind::Payment => "payment",
            DocKind::Clearing => "clearing",
            DocKind::Ignore => "ignore",
            DocKind::BySign => "by_sign",
        }
    }
}

/// A profile ready to apply: regexes compiled, formats parsed, overrides applied.
pub(super) struct Rules<'p> {
    pub p: &'p Profile,
    pub style: NumberStyle,
    /// Date styles a column may use, in preference order (ISO always among them).
    pub dates: Vec<DateStyle>,
    /// Plain integers in a date column are Excel serial numbers.
    pub serials: bool,
    pub key_date: Vec<Regex>,
    pub subtotal: Vec<Regex>,
    pub total: Vec<Regex>,
    pub skip: Vec<Regex>,
    pub by_currency: bool,
    pub total_amount: bool,
    pub total_open: bool,
    /// Codes normalised (trimmed, lower-case) → kind, plus the codes as written for messages.
    pub codes: Vec<(String, DocKind)>,
    pub code_list: String,
    pub absent: Option<DocKind>,
    pub pattern: Option<Regex>,
    pub currency: Option<Currency>,
    /// The workspace's reporting currency, for files with no currency at all.
    pub workspace_currency: Option<Currency>,
    pub negate_payments: bool,
    pub credit_notes_negative: bool,
    pub write_off: bool,
    pub group: bool,
}

fn regexes(key: &str, list: &[String]) -> Result<Vec<Regex>, String> {
    list.iter()
        .map(|r| Regex::new(r).map_err(|e| format!("{key}: '{r}' is not a valid regular expression: {e}")))
        .collect()
}

fn one_of(key: &str, value: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(format!("{key} = \"{value}\" is not allowed; use one of: {}", allowed.join(", ")))
    }
}

fn single_char(key: &str, s: &str) -> Result<char, String> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(format!("{key} = \"{s}\" must be exactly one character, such as \".\" or \",\"")),
    }
}

impl<'p> Rules<'p> {
    /// Checks every key; Err names the key and says what it may hold.
    pub(super) fn new(p: &'p Profile, ov: &Overrides) -> Result<Rules<'p>, String> {
        let decimal = single_char("decimal", &p.decimal)?;
        let mut group = Vec::new();
        for t in &p.thousands {
            let c = single_char("thousands", t)?;
            if c == decimal {
                return Err(format!("thousands holds \"{t}\", the decimal mark too; a number can't use one for both"));
            }
            group.push(c);
        }
        let style = match (ov.decimal, &ov.thousands) {
            (Some(d), Some(g)) => NumberStyle { decimal: d, group: g.clone() },
            (Some('.'), None) => NumberStyle::point(),
            (Some(','), None) => NumberStyle::comma(),
            (Some(d), None) => NumberStyle { decimal: d, group: vec![] },
            (None, Some(g)) => NumberStyle { decimal, group: g.clone() },
            (None, None) => NumberStyle { decimal, group },
        };
        let mut dates = Vec::new();
        let mut serials = false;
        for f in &p.date_formats {
            match DateStyle::from_spec(f) {
                Some(DateStyle::ExcelSerial) => serials = true,
                Some(s) => dates.push(s),
                None => {
                    return Err(format!(
                        "date_formats: \"{f}\" is not a date format arx knows; use e.g. DD.MM.YYYY, MM/DD/YYYY, \
                         M/D/YYYY, DD/MM/YYYY, YYYY-MM-DD, YYYYMMDD, DD-MMM-YYYY, D MMM YYYY or excel"
                    ))
                }
            }
        }
        if let Some(d) = ov.date_format {
            if d == DateStyle::ExcelSerial {
                serials = true;
            } else {
                dates = vec![d];
            }
        }
        dates.push(DateStyle::Iso);
        let mut seen = Vec::new();
        dates.retain(|d| {
            let new = !seen.contains(d);
            seen.push(*d);
            new
        });
        let l = &p.layout;
        one_of("[layout] totals_by", &l.totals_by, &["all", "currency"])?;
        for c in &l.total_columns {
            one_of("[layout] total_columns", c, &["amount", "open_amount"])?;
        }
        let checked = |c: &str| l.total_columns.is_empty() || l.total_columns.iter().any(|t| t == c);
        let mut codes = Vec::new();
        for (code, kind) in &p.doc_types.codes {
            let k = DocKind::parse(kind).ok_or_else(|| {
                format!(
                    "[doc_types] codes: \"{code}\" = \"{kind}\" is not a document type; use invoice, credit_note, \
                     debit_note, payment, clearing, ignore or by_sign"
                )
            })?;
            codes.push((norm_code(code), k));
        }
        let absent = match p.doc_types.absent.as_deref() {
            None => None,
            Some("invoice") => Some(DocKind::Invoice),
            Some("by_sign") => Some(DocKind::BySign),
            Some(other) => {
                return Err(format!("[doc_types] absent = \"{other}\" is not allowed; use invoice or by_sign"))
            }
        };
        if absent.is_none() && p.doc_types.column.is_empty() {
            return Err(
                "[doc_types]: give a type column (column = [...]) with its codes, or absent = \"invoice\" when \
                        every row is an invoice"
                    .into(),
            );
        }
        if !p.doc_types.column.is_empty() && codes.is_empty() {
            return Err("[doc_types] codes: the type column needs codes, e.g. codes = { Invoice = \"invoice\" }".into());
        }
        let pattern = match &p.customer.pattern {
            None => None,
            Some(r) => {
                let re = Regex::new(r)
                    .map_err(|e| format!("[customer] pattern: '{r}' is not a valid regular expression: {e}"))?;
                let names: Vec<&str> = re.capture_names().flatten().collect();
                if !names.contains(&"id") || !names.contains(&"name") {
                    return Err(format!(
                        "[customer] pattern: '{r}' needs the named groups (?P<id>...) and (?P<name>...)"
                    ));
                }
                Some(re)
            }
        };
        if p.customer.hierarchy_separator.as_deref() == Some("") {
            return Err("[customer] hierarchy_separator must not be empty".into());
        }
        let currency = match &ov.currency {
            Some(c) => Some(*c),
            None => match &p.currency {
                Some(c) => Some(Currency::parse(c).map_err(|e| format!("currency: {e}"))?),
                None => None,
            },
        };
        if let Some(c) = &p.currency {
            Currency::parse(c).map_err(|e| format!("currency: {e}"))?;
        }
        one_of("[sign] payments", &p.sign.payments, &["as_written", "negated"])?;
        one_of("[sign] credit_notes", &p.sign.credit_notes, &["as_written", "negative"])?;
        if !p.sign.indicator.is_empty() && (p.sign.debit.is_empty() || p.sign.credit.is_empty()) {
            return Err("[sign]: an indicator column needs its debit and credit values, e.g. debit = [\"S\"], \
                        credit = [\"H\"]"
                .into());
        }
        if let Some(g) = &p.rows.group_by {
            one_of("[rows] group_by", g, &["document_no"])?;
        }
        let write_off = match &p.open_items {
            Some(o) => {
                one_of("[open_items] settled", &o.settled, &["write_off", "none"])?;
                if o.open_amount.is_empty() {
                    return Err("[open_items] open_amount: give the open-balance heading(s)".into());
                }
                o.settled == "write_off"
            }
            None => false,
        };
        if let Some(c) = &p.clearing {
            if c.document.is_empty() || c.date.is_empty() {
                return Err("[clearing]: give both document = [...] and date = [...] headings".into());
            }
        }
        if p.columns.document_no.is_empty() {
            return Err("[columns] document_no: give the heading(s) of the document number column".into());
        }
        if p.columns.doc_date.is_empty() {
            return Err("[columns] doc_date: give the heading(s) of the document date column".into());
        }
        if p.amount.pairs.is_empty() {
            return Err("[amount] pairs: give at least one [\"amount heading\", \"currency heading or empty\"]".into());
        }
        if p.amount.pairs.iter().any(|(a, _)| a.trim().is_empty()) {
            return Err("[amount] pairs: the amount heading of a pair must not be empty".into());
        }
        if p.columns.customer.is_empty() && p.columns.customer_id.is_empty() && !l.section_rows {
            return Err("[columns]: give customer = [...] or customer_id = [...] (or [layout] section_rows = true \
                        when section rows name the customer)"
                .into());
        }
        let mut code_list: Vec<&str> = p.doc_types.codes.keys().map(String::as_str).collect();
        code_list.sort_unstable();
        Ok(Rules {
            p,
            style,
            dates,
            serials,
            key_date: regexes("[layout] key_date", &l.key_date)?,
            subtotal: regexes("[layout] subtotal_rows", &l.subtotal_rows)?,
            total: regexes("[layout] total_rows", &l.total_rows)?,
            skip: regexes("[layout] skip_rows", &l.skip_rows)?,
            by_currency: l.totals_by == "currency",
            total_amount: checked("amount"),
            total_open: checked("open_amount"),
            codes,
            code_list: code_list.join(", "),
            absent,
            pattern,
            currency,
            workspace_currency: ov.workspace_currency,
            negate_payments: p.sign.payments == "negated",
            credit_notes_negative: p.sign.credit_notes == "negative",
            write_off,
            group: p.rows.group_by.is_some(),
        })
    }

    /// The kind a type code stands for.
    pub(super) fn code(&self, text: &str) -> Option<DocKind> {
        let t = text.trim();
        if t.is_ascii() {
            return self.codes.iter().find(|(c, _)| c.eq_ignore_ascii_case(t)).map(|(_, k)| *k);
        }
        let n = norm_code(t);
        self.codes.iter().find(|(c, _)| *c == n).map(|(_, k)| *k)
    }
}

fn norm_code(s: &str) -> String {
    s.trim().to_lowercase()
}

/// A toml error as one line: the message, the table it is in and the offending text. No line number: a profile
/// from arx.toml arrives re-serialised, so its lines are not the file's.
pub(super) fn toml_error(name: &str, text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim().to_string();
    let Some(span) = e.span() else { return format!("profile '{name}': {msg}") };
    let before = text.get(..span.start).unwrap_or("");
    let line = before.matches('\n').count();
    let table = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && !l.starts_with("[["))
        .map(|t| format!(", in {t}"))
        .unwrap_or_default();
    let snippet = text.lines().nth(line).unwrap_or("").trim();
    let snippet = if snippet.is_empty() { String::new() } else { format!(" (`{snippet}`)") };
    format!("profile '{name}'{table}: {msg}{snippet}")
}
