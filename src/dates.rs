//! ISO dates and the one range of dates every reader accepts (CSV, workbooks, ERP profiles,
//! camt, BAI2, MT940), so that whatever one reader admits `arx export` writes and `arx ingest`
//! reads back.

use chrono::{Datelike, NaiveDate};

/// The first and last year arx accepts: Excel's date range, and no receivable is older.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 9999;

/// Whether `d` is within the dates arx accepts (1900-01-01 to 9999-12-31).
pub fn in_range(d: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&d.year())
}

/// Why a date outside the range is refused, for messages.
pub fn out_of_range(text: &str) -> String {
    format!(
        "'{}' is outside the dates arx accepts ({FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31); check the year",
        crate::error::quote_value(text)
    )
}

/// `YYYY-MM-DD` exactly, any year 0000–9999 (the range is checked apart, to say why).
pub fn parse_iso(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &[u8]| -> Option<u32> {
        s.iter().try_fold(0u32, |acc, c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    NaiveDate::from_ymd_opt(num(&b[0..4])? as i32, num(&b[5..7])?, num(&b[8..10])?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_is_1900_to_9999() {
        assert!(!in_range(NaiveDate::from_ymd_opt(0, 1, 1).unwrap()));
        assert!(!in_range(NaiveDate::from_ymd_opt(1899, 12, 31).unwrap()));
        assert!(in_range(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()));
        assert!(in_range(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()));
        assert!(!in_range(NaiveDate::from_ymd_opt(10000, 1, 1).unwrap()));
    }

    #[test]
    fn iso_only() {
        assert_eq!(parse_iso("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        for bad in ["2023-02-29", "2024-2-29", "24-02-29", "2024/02/29", "2024-02-29T00:00:00", "+024-02-29"] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
    }
}
