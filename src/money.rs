//! Exact money: currencies with their ISO 4217 minor units, parsing of canonical amounts into
//! integer minor units, and formatting back. No binary floating point anywhere on this path.

use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// Active ISO 4217 codes and their minor units. Codes not listed are rejected as unknown.
const ISO_4217: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ANG", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BOV", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHE", 2),
    ("CHF", 2),
    ("CHW", 2),
    ("CLF", 4),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("COU", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MXV", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("USN", 2),
    ("UYI", 0),
    ("UYU", 2),
    ("UYW", 4),
    ("UZS", 2),
    ("VED", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XCG", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

/// Withdrawn ISO 4217 codes (list 3, historic) that still turn up in old bank statements, with
/// the minor units they had and what replaced them. Only the bank readers take them (with a
/// warning, see `Currency::parse_historic`); canonical files and `--currency` keep to current codes.
const WITHDRAWN: &[(&str, u8, &str)] = &[
    ("ATS", 2, "EUR in 2002"),
    ("BEF", 0, "EUR in 2002"),
    ("CYP", 2, "EUR in 2008"),
    ("DEM", 2, "EUR in 2002"),
    ("EEK", 2, "EUR in 2011"),
    ("ESP", 0, "EUR in 2002"),
    ("FIM", 2, "EUR in 2002"),
    ("FRF", 2, "EUR in 2002"),
    ("GRD", 2, "EUR in 2002"),
    ("HRK", 2, "EUR in 2023"),
    ("IEP", 2, "EUR in 2002"),
    ("ITL", 0, "EUR in 2002"),
    ("LTL", 2, "EUR in 2015"),
    ("LUF", 0, "EUR in 2002"),
    ("LVL", 2, "EUR in 2014"),
    ("MTL", 2, "EUR in 2008"),
    ("NLG", 2, "EUR in 2002"),
    ("PTE", 0, "EUR in 2002"),
    ("SIT", 2, "EUR in 2007"),
    ("SKK", 2, "EUR in 2009"),
];

/// An ISO 4217 currency code known to arx, with its minor units. Cheap to copy and compare.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    minor: u8,
}

impl Currency {
    /// Parses a code such as `EUR` (case-insensitive, surrounding spaces ignored). Allocation-free:
    /// ingest calls this once per row.
    pub fn parse(text: &str) -> Result<Currency, String> {
        let t = text.trim();
        if let [a, b, c] = t.as_bytes() {
            let code = [a.to_ascii_uppercase(), b.to_ascii_uppercase(), c.to_ascii_uppercase()];
            if let Ok(i) = ISO_4217.binary_search_by(|(k, _)| k.as_bytes().cmp(&code[..])) {
                return Ok(Currency { code, minor: ISO_4217[i].1 });
            }
        }
        if t.is_empty() {
            Err("currency is empty; give an ISO 4217 code such as EUR or USD".into())
        } else if let Some((_, replaced)) = Self::withdrawn_entry(t) {
            Err(format!(
                "'{}' is a withdrawn currency (replaced by {replaced}); give amounts in a current ISO 4217 code such as EUR",
                t.to_ascii_uppercase()
            ))
        } else {
            Err(format!("unknown currency '{t}'; use an ISO 4217 code such as EUR, USD or JPY"))
        }
    }

    /// Like `parse`, but also takes a withdrawn ISO 4217 code (`DEM`, `FRF`, `NLG`…) with the
    /// minor units it had; for reading old bank statements and what was stored from them. The
    /// caller says so to the user (`withdrawn()` tells which).
    pub fn parse_historic(text: &str) -> Result<Currency, String> {
        let first = Currency::parse(text);
        if first.is_ok() {
            return first;
        }
        match Self::withdrawn_entry(text.trim()) {
            Some((i, _)) => {
                let (code, minor, _) = WITHDRAWN[i];
                let b = code.as_bytes();
                Ok(Currency { code: [b[0], b[1], b[2]], minor })
            }
            None => Err(first.err().unwrap_or_default()),
        }
    }

    /// What replaced this currency, when it is a withdrawn ISO 4217 code (e.g. "EUR in 2002").
    pub fn withdrawn(&self) -> Option<&'static str> {
        Self::withdrawn_entry(self.code()).map(|(_, r)| r)
    }

    fn withdrawn_entry(t: &str) -> Option<(usize, &'static str)> {
        let [a, b, c] = t.as_bytes() else { return None };
        let code = [a.to_ascii_uppercase(), b.to_ascii_uppercase(), c.to_ascii_uppercase()];
        let i = WITHDRAWN.binary_search_by(|(k, _, _)| k.as_bytes().cmp(&code[..])).ok()?;
        Some((i, WITHDRAWN[i].2))
    }

    pub fn code(&self) -> &str {
        // Only ever built from the ASCII table above.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// Digits after the decimal point (ISO 4217 minor units).
    pub fn minor_units(&self) -> u32 {
        u32::from(self.minor)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why an amount could not be read; the message says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountError {
    Empty,
    NotANumber(String),
    TooPrecise { text: String, currency: Currency, allowed: u32 },
    TooLarge(String),
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AmountError::Empty => write!(f, "amount is empty; give a number such as 1234.50"),
            AmountError::NotANumber(t) => write!(
                f,
                "'{t}' is not an amount; write it as a plain number with '.' as the decimal point and no thousands separators, e.g. -1234.50 (or use an ERP --profile)"
            ),
            AmountError::TooPrecise { text, currency, allowed } => write!(
                f,
                "'{text}' has more decimal places than {currency} allows ({allowed}); round it in the source or check the currency"
            ),
            AmountError::TooLarge(t) => {
                write!(f, "'{t}' is too large to be an amount (arx accepts up to 10^17 minor units)")
            }
        }
    }
}

/// Parses a canonical decimal (`-1234.5`, `+10`, `0.125`) exactly.
pub fn parse_decimal(text: &str) -> Result<Decimal, AmountError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AmountError::Empty);
    }
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let mut parts = body.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let valid = digits_ok(int) && frac.is_none_or(digits_ok) && !(int.is_empty() && frac.is_none_or(str::is_empty));
    if !valid {
        return Err(AmountError::NotANumber(t.to_string()));
    }
    let normalized = t.strip_prefix('+').unwrap_or(t);
    Decimal::from_str_exact(normalized).map_err(|_| AmountError::TooLarge(t.to_string()))
}

/// The largest amount arx accepts, in minor units (10^17: a quadrillion in a two-decimal
/// currency). High-nominal currencies need the room (ERPNext's own tests book
/// 98,765,432,109,876.54; an invoice in rials, dong or rupiah runs to 10^13 and more); totals
/// stay exact because the ledger refuses a currency whose amounts add up beyond i64
/// (`ledger::check_amount_totals`), and 40-digit nonsense is still refused.
pub const MAX_MINOR: i64 = 100_000_000_000_000_000;

/// Converts an exact decimal to integer minor units of `currency`, refusing excess precision.
pub fn to_minor(value: Decimal, currency: Currency, text: &str) -> Result<i64, AmountError> {
    let units = currency.minor_units();
    let normalized = value.normalize();
    if normalized.scale() > units {
        return Err(AmountError::TooPrecise { text: text.trim().to_string(), currency, allowed: units });
    }
    let scaled = normalized
        .checked_mul(Decimal::from(10i64.pow(units)))
        .ok_or_else(|| AmountError::TooLarge(text.trim().to_string()))?;
    let minor = i64::try_from(scaled.trunc()).map_err(|_| AmountError::TooLarge(text.trim().to_string()))?;
    if minor.unsigned_abs() > MAX_MINOR.unsigned_abs() {
        return Err(AmountError::TooLarge(text.trim().to_string()));
    }
    Ok(minor)
}

/// Parses canonical amount text straight to minor units of `currency`.
pub fn parse_minor(text: &str, currency: Currency) -> Result<i64, AmountError> {
    to_minor(parse_decimal(text)?, currency, text)
}

/// The exact decimal value of `minor` units of `currency`.
pub fn to_decimal(minor: i64, currency: Currency) -> Decimal {
    Decimal::new(minor, currency.minor_units())
}

/// Canonical text of an amount: minus sign if negative, exactly the currency's minor digits.
pub fn format_minor(minor: i64, currency: Currency) -> String {
    let units = currency.minor_units() as usize;
    let neg = minor < 0;
    let abs = minor.unsigned_abs().to_string();
    let mut out = String::with_capacity(abs.len() + 3);
    if neg {
        out.push('-');
    }
    if units == 0 {
        out.push_str(&abs);
    } else if abs.len() <= units {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', units - abs.len()));
        out.push_str(&abs);
    } else {
        let (i, f) = abs.split_at(abs.len() - units);
        out.push_str(i);
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Human text of an amount for tables: thousands separated, e.g. `-1,234.50`.
pub fn format_grouped(minor: i64, currency: Currency) -> String {
    let plain = format_minor(minor, currency);
    let (sign, rest) = plain.strip_prefix('-').map(|r| ("-", r)).unwrap_or(("", plain.as_str()));
    let (int, frac) = rest.split_once('.').map(|(i, f)| (i, Some(f))).unwrap_or((rest, None));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Parses a free decimal (no currency), e.g. a credit limit before its currency is known.
pub fn parse_plain_decimal(text: &str) -> Result<Decimal, AmountError> {
    parse_decimal(text)
}

impl FromStr for Currency {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn c(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn withdrawn_codes_only_through_parse_historic() {
        let dem = Currency::parse_historic("dem").unwrap();
        assert_eq!((dem.code(), dem.minor_units(), dem.withdrawn()), ("DEM", 2, Some("EUR in 2002")));
        assert_eq!(Currency::parse_historic("ITL").unwrap().minor_units(), 0);
        assert!(Currency::parse("DEM").unwrap_err().contains("withdrawn currency (replaced by EUR in 2002)"));
        assert!(Currency::parse_historic("XYZ").unwrap_err().contains("unknown currency 'XYZ'"));
        assert_eq!(c("EUR").withdrawn(), None);
        assert!(WITHDRAWN.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(WITHDRAWN.iter().all(|w| ISO_4217.binary_search_by(|(k, _)| k.cmp(&w.0)).is_err()));
    }

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(ISO_4217.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn minor_units_follow_iso_4217() {
        assert_eq!(c("JPY").minor_units(), 0);
        assert_eq!(c("EUR").minor_units(), 2);
        assert_eq!(c("KWD").minor_units(), 3);
        assert_eq!(c("usd"), c("USD"));
        assert!(Currency::parse("XXX").is_err());
        assert!(Currency::parse("").is_err());
    }

    #[test]
    fn parses_and_scales_exactly() {
        assert_eq!(parse_minor("1234.5", c("EUR")), Ok(123450));
        assert_eq!(parse_minor("-0.01", c("EUR")), Ok(-1));
        assert_eq!(parse_minor("+10", c("JPY")), Ok(10));
        assert_eq!(parse_minor("1.125", c("KWD")), Ok(1125));
        assert_eq!(parse_minor(".5", c("EUR")), Ok(50));
        assert_eq!(parse_minor("5.", c("EUR")), Ok(500));
        assert_eq!(
            parse_minor("1.50", c("JPY")).unwrap_err(),
            AmountError::TooPrecise { text: "1.50".into(), currency: c("JPY"), allowed: 0 }
        );
        // Trailing zeros beyond the minor units are still exact, so they are accepted.
        assert_eq!(parse_minor("10.000", c("EUR")), Ok(1000));
        assert!(matches!(parse_minor("1.005", c("EUR")), Err(AmountError::TooPrecise { .. })));
    }

    #[test]
    fn rejects_non_canonical_numbers() {
        for bad in ["1,234.50", "1e5", "abc", "-", ".", "1.2.3", "--1", "1 000", "NaN", "inf"] {
            assert!(parse_minor(bad, c("EUR")).is_err(), "{bad} should be rejected");
        }
        assert_eq!(parse_minor("  ", c("EUR")), Err(AmountError::Empty));
        assert!(matches!(parse_minor("99999999999999999999999", c("EUR")), Err(AmountError::TooLarge(_))));
    }

    #[test]
    fn formats_with_minor_units() {
        assert_eq!(format_minor(123450, c("EUR")), "1234.50");
        assert_eq!(format_minor(-1, c("EUR")), "-0.01");
        assert_eq!(format_minor(0, c("EUR")), "0.00");
        assert_eq!(format_minor(-5, c("JPY")), "-5");
        assert_eq!(format_minor(1125, c("KWD")), "1.125");
        assert_eq!(format_grouped(-123456789, c("EUR")), "-1,234,567.89");
        assert_eq!(format_grouped(1000, c("JPY")), "1,000");
        assert_eq!(format_grouped(99, c("USD")), "0.99");
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(minor in -MAX_MINOR..=MAX_MINOR,
                                         code in prop::sample::select(vec!["EUR", "JPY", "KWD", "CLF"])) {
            let cur = c(code);
            let text = format_minor(minor, cur);
            prop_assert_eq!(parse_minor(&text, cur), Ok(minor));
            prop_assert_eq!(to_decimal(minor, cur).to_string(), text);
        }

        #[test]
        fn sums_of_parsed_amounts_never_lose_a_cent(cents in prop::collection::vec(-1_000_000_000i64..1_000_000_000, 0..200)) {
            let eur = c("EUR");
            let texts: Vec<String> = cents.iter().map(|m| format_minor(*m, eur)).collect();
            let minor_sum: i64 = texts.iter().map(|t| parse_minor(t, eur).unwrap()).sum();
            let decimal_sum: Decimal = texts.iter().map(|t| parse_decimal(t).unwrap()).sum();
            prop_assert_eq!(minor_sum, cents.iter().sum::<i64>());
            prop_assert_eq!(to_decimal(minor_sum, eur), decimal_sum);
        }
    }
}
