//! Reading single values the profile's way: amounts (typed cells too), dates with one format per column, customers.

use super::super::locale::{excel_serial, parse_amount, parse_date, DateStyle, ParsedAmount};
use super::spec::Rules;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// An amount cell. In a typed sheet a plain "-1234.5" is a number cell, written with a point whatever the profile's
/// decimal mark (SAP's grid export into a German Excel still has number cells).
pub(super) fn amount(r: &Rules, text: &str, typed: bool) -> Result<ParsedAmount, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("the amount is empty; give a number".into());
    }
    // A plain number ("-1190.00") reads the same in any style whose decimal mark it uses: skip the general parser,
    // which a million rows feel.
    if is_plain_number(t) && (typed || r.style.decimal == '.' || !t.contains('.')) {
        if let Ok(value) = Decimal::from_str_exact(t) {
            return Ok(ParsedAmount { value, currency: None });
        }
    }
    parse_amount(t, &r.style)
}

/// What a spreadsheet number cell becomes as text: optional minus, digits, optional point and digits.
pub(super) fn is_plain_number(t: &str) -> bool {
    let body = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// A way a date column is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fmt {
    Style(DateStyle),
    /// Excel serial day numbers in General cells.
    Serial,
}

impl Fmt {
    pub(super) fn spec(self) -> String {
        match self {
            Fmt::Style(s) => s.spec(),
            Fmt::Serial => "an Excel serial number".into(),
        }
    }
}

pub(super) fn formats(r: &Rules) -> Vec<Fmt> {
    let mut f: Vec<Fmt> = r.dates.iter().map(|d| Fmt::Style(*d)).collect();
    if r.serials {
        f.push(Fmt::Serial);
    }
    f
}

pub(super) fn read_date(text: &str, f: Fmt, date1904: bool) -> Option<NaiveDate> {
    read_any_date(text, f, date1904).filter(|d| crate::dates::in_range(*d))
}

fn read_any_date(text: &str, f: Fmt, date1904: bool) -> Option<NaiveDate> {
    match f {
        Fmt::Style(s) => parse_date(text, &[s]).ok(),
        Fmt::Serial => {
            let t = text.trim();
            if t.is_empty() || t.len() > 7 || !t.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            excel_serial(t.parse().ok()?, date1904)
        }
    }
}

/// How a date column reads.
pub(super) enum ColumnDates {
    /// One format reads every value.
    Format(Fmt),
    /// Two allowed formats read every value but disagree on one: (value, first format, second format).
    Ambiguous(String, Fmt, Fmt),
    /// Values (by their index in the input list) that don't read in the column's format, with the message.
    Bad(Vec<(usize, String)>),
}

/// The one format a column uses: the first allowed format that reads every value; else the one that reads most, and
/// every value it doesn't read is an error naming a value it does. `values`: (line number, text), non-empty.
pub(super) fn infer(fmts: &[Fmt], values: &[(u64, &str)], date1904: bool) -> ColumnDates {
    let mut alive = fmts.to_vec();
    for (_, v) in values {
        alive.retain(|f| read_date(v, *f, date1904).is_some());
        if alive.is_empty() {
            break;
        }
    }
    if let Some((&first, rest)) = alive.split_first() {
        for &other in rest {
            if let Some((_, v)) =
                values.iter().find(|(_, v)| read_date(v, first, date1904) != read_date(v, other, date1904))
            {
                return ColumnDates::Ambiguous(v.to_string(), first, other);
            }
        }
        return ColumnDates::Format(first);
    }
    let counts: Vec<usize> =
        fmts.iter().map(|f| values.iter().filter(|(_, v)| read_date(v, *f, date1904).is_some()).count()).collect();
    let best = counts.iter().enumerate().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0))).map(|(i, n)| (i, *n));
    let styles: Vec<DateStyle> = fmts
        .iter()
        .filter_map(|f| match f {
            Fmt::Style(s) => Some(*s),
            Fmt::Serial => None,
        })
        .collect();
    let mut bad = Vec::new();
    match best.and_then(|(i, n)| Some((*fmts.get(i)?, n))) {
        Some((f, n)) if n > 0 => {
            let witness = values.iter().find(|(_, v)| read_date(v, f, date1904).is_some());
            let (wl, wv) = witness.map_or((0, ""), |(l, v)| (*l, *v));
            for (i, (_, v)) in values.iter().enumerate() {
                if read_date(v, f, date1904).is_some() {
                    continue;
                }
                let mut msg = format!(
                    "'{}' is not {} like the rest of the column (such as '{wv}' on line {wl}); one column must use \
                     one date format: fix the cell or export again",
                    v.trim(),
                    f.spec()
                );
                // Say why when the value has the column's shape but is no date (month 13, 31 February).
                if let Fmt::Style(s) = f {
                    if let Err(why) = parse_date(v, &[s]) {
                        if !why.contains("is not a date in the expected format") {
                            msg.push_str(&format!(" ({why})"));
                        }
                    }
                }
                bad.push((i, msg));
            }
        }
        _ => {
            for (i, (_, v)) in values.iter().enumerate() {
                let why = parse_date(v, &styles).err().unwrap_or_else(|| format!("'{}' is not a date", v.trim()));
                bad.push((i, why));
            }
        }
    }
    ColumnDates::Bad(bad)
}

/// A customer as the file names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Cust {
    pub id: String,
    pub name: String,
    pub parent: Option<(String, String)>,
}

/// A customer from one "customer" cell: `pattern` splits "CUST-1001 Name" into id and name; `hierarchy_separator`
/// makes "Parent : Child" a child with a parent. Without a pattern match the id is the text as written.
pub(super) fn customer(r: &Rules, text: &str) -> Cust {
    let text = text.trim();
    let sep = r.p.customer.hierarchy_separator.as_deref();
    let parts: Vec<&str> = match sep {
        Some(s) => text.split(s).map(str::trim).collect(),
        None => vec![text],
    };
    let split = |part: &str| -> Option<(String, String)> {
        let caps = r.pattern.as_ref()?.captures(part)?;
        Some((caps.name("id")?.as_str().trim().to_string(), caps.name("name")?.as_str().trim().to_string()))
    };
    let leaf = parts.last().copied().unwrap_or(text);
    let parent_parts = parts.get(..parts.len().saturating_sub(1)).unwrap_or(&[]);
    let parent = parent_parts.last().map(|last| {
        split(last).unwrap_or_else(|| {
            let whole = parent_parts.join(sep.unwrap_or(""));
            (whole.clone(), whole)
        })
    });
    match split(leaf) {
        Some((id, name)) => Cust { id, name, parent },
        None => Cust { id: text.to_string(), name: text.to_string(), parent },
    }
}

/// A key date from a title cell: the profile's date formats, "December 31, 2026" or "31 December 2026".
pub(super) fn key_date(r: &Rules, text: &str) -> Option<NaiveDate> {
    let t = text.trim().trim_end_matches('.');
    if let Ok(d) = parse_date(t, &r.dates) {
        return Some(d);
    }
    let words: Vec<&str> = t.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    let reordered = match words.as_slice() {
        [m, d, y] if m.chars().all(char::is_alphabetic) => format!("{d} {m} {y}"),
        [d, m, y] => format!("{d} {m} {y}"),
        _ => return None,
    };
    parse_date(&reordered, &[DateStyle::DMonY(' ')]).ok()
}
