//! The number format is a property of the file, not of the profile: an English-locale SAP
//! user's FBL5N says `1533.88`, a German one `1.533,88`, through the same profile. The amount
//! columns are read in both the profile's format and its mirror; the file's format is the one
//! in which every value reads, and where both read every value differently arx refuses rather
//! than guess.

use super::layout::{is_blank, Col, Frame};
use super::spec::Rules;
use super::{Overrides, ProfileIssue, RawRow, Where};
use crate::ingest::locale::{parse_amount, NumberStyle};
use rust_decimal::Decimal;

/// The other common format: decimal point if the profile's is a comma, and the reverse.
fn mirror(style: &NumberStyle) -> NumberStyle {
    if style.decimal == ',' {
        NumberStyle { decimal: '.', group: vec![',', ' ', '\u{a0}', '\u{202f}', '\'', '\u{2019}'] }
    } else {
        NumberStyle::comma()
    }
}

/// How a cell reads in `style` (a typed number cell reads the same in any style).
fn reading(text: &str, style: &NumberStyle, typed: bool) -> Option<Decimal> {
    let t = text.trim();
    if typed && super::values::is_plain_number(t) {
        return Decimal::from_str_exact(t).ok();
    }
    parse_amount(t, style).ok().map(|p| p.value)
}

/// Decides the number format of the file's amount columns and sets it in `r`. Ok(Some(note))
/// when it is not the profile's own, to be said on stderr; Err when a value reads two ways
/// and nothing in the file tells which is meant. `--decimal`/`--thousands` decide instead.
pub(super) fn decide(
    r: &mut Rules,
    f: &Frame,
    rows: &[RawRow],
    at: &Where,
    ov: &Overrides,
) -> Result<Option<String>, Vec<ProfileIssue>> {
    if ov.decimal.is_some() || ov.thousands.is_some() {
        return Ok(None);
    }
    let cols: Vec<&Col> = [&f.cols.amount, &f.cols.open].into_iter().flatten().collect();
    let own = r.style.clone();
    let other = mirror(&own);
    let (mut own_reads_all, mut other_reads_all) = (true, true);
    let mut first_differing: Option<(u64, &Col, &str, Decimal, Decimal)> = None;
    let mut seen = 0usize;
    for raw in rows.iter().skip(f.header_idx + 1).filter(|r| !is_blank(&r.cells)) {
        for col in &cols {
            let text = raw.cells.get(col.idx).map(|s| s.trim()).unwrap_or("");
            if text.is_empty() {
                continue;
            }
            let (a, b) = (reading(text, &own, at.typed_cells), reading(text, &other, at.typed_cells));
            if a.is_none() && b.is_none() {
                // Not a number either way (a heading repeated, a label): the reader says so.
                continue;
            }
            seen += 1;
            own_reads_all &= a.is_some();
            other_reads_all &= b.is_some();
            if let (Some(x), Some(y), None) = (a, b, &first_differing) {
                if x != y {
                    first_differing = Some((raw.row, col, text, x, y));
                }
            }
        }
    }
    if seen == 0 || (own_reads_all && !other_reads_all) {
        return Ok(None);
    }
    if own_reads_all && other_reads_all {
        return match first_differing {
            None => Ok(None),
            Some((row, col, text, x, y)) => Err(vec![at.issue_at(
                row,
                col.idx,
                &col.heading,
                &format!(
                    "'{}' reads as {x} written {} and as {y} written {}, and no amount in the file tells which format it uses; give --decimal {} or --decimal {}",
                    crate::error::quote_value(text),
                    own.spec(),
                    other.spec(),
                    own.decimal,
                    other.decimal
                ),
            )]),
        };
    }
    if other_reads_all {
        let headings: Vec<&str> = cols.iter().map(|c| c.heading.as_str()).collect();
        r.style = other;
        return Ok(Some(format!(
            "amounts read as {} (decimal '{}'): every value in column '{}' is written that way, not as the profile's {}; --decimal forces a format",
            r.style.spec(),
            r.style.decimal,
            headings.join("', '"),
            own.spec()
        )));
    }
    // Neither format reads every value: keep the profile's, and let the reader name the cells.
    Ok(None)
}
