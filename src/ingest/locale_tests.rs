use super::*;
use proptest::prelude::*;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn amount(text: &str, style: &NumberStyle) -> (Decimal, Option<String>) {
    let p = parse_amount(text, style).unwrap_or_else(|e| panic!("{text}: {e}"));
    (p.value, p.currency)
}

fn value(text: &str, style: &NumberStyle) -> Decimal {
    amount(text, style).0
}

fn err(text: &str, style: &NumberStyle) -> String {
    parse_amount(text, style).expect_err(text)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn swiss() -> NumberStyle {
    NumberStyle::from_spec("1'234.56").unwrap()
}

fn space() -> NumberStyle {
    NumberStyle::from_spec("1 234,56").unwrap()
}

#[test]
fn number_style_specs() {
    assert_eq!(NumberStyle::from_spec("1,234.56"), Some(NumberStyle::point()));
    assert_eq!(NumberStyle::from_spec("1.234,56"), Some(NumberStyle::comma()));
    assert_eq!(NumberStyle::from_spec("point"), Some(NumberStyle::point()));
    assert_eq!(NumberStyle::from_spec("comma"), Some(NumberStyle::comma()));
    assert_eq!(space(), NumberStyle { decimal: ',', group: vec![' ', NBSP, NNBSP] });
    assert_eq!(NumberStyle::from_spec("1\u{A0}234,56"), Some(space()));
    assert_eq!(NumberStyle::from_spec("1\u{202F}234,56"), Some(space()));
    assert_eq!(swiss(), NumberStyle { decimal: '.', group: vec!['\'', '\u{2019}'] });
    assert_eq!(NumberStyle::from_spec("1’234.56"), Some(swiss()));
    assert_eq!(NumberStyle::from_spec("1234.56"), Some(NumberStyle { decimal: '.', group: vec![] }));
    assert_eq!(NumberStyle::from_spec("1234,56"), Some(NumberStyle { decimal: ',', group: vec![] }));
    assert_eq!(NumberStyle::from_spec("1 234.56").unwrap().decimal, '.');
    for bad in ["", "1.234.56", "1,234,56", "1_234.56", "12,34.56", "1,234", "x"] {
        assert_eq!(NumberStyle::from_spec(bad), None, "{bad}");
    }
    for s in [NumberStyle::point(), NumberStyle::comma(), space(), swiss()] {
        assert_eq!(NumberStyle::from_spec(&s.spec()).map(|x| x.decimal), Some(s.decimal));
    }
    assert_eq!(NumberStyle::point().spec(), "1,234.56");
    assert_eq!(NumberStyle::comma().spec(), "1.234,56");
    assert_eq!(space().spec(), "1 234,56");
}

#[test]
fn issue_locale_variants() {
    let want = dec("1234567.89");
    assert_eq!(value("1.234.567,89", &NumberStyle::comma()), want);
    assert_eq!(value("1,234,567.89", &NumberStyle::point()), want);
    assert_eq!(value("1 234 567,89", &space()), want);
    assert_eq!(value("1\u{A0}234\u{A0}567,89", &space()), want);
    assert_eq!(value("1\u{202F}234\u{202F}567,89", &space()), want);
    assert_eq!(value("1 234 567,89", &NumberStyle::comma()), want);
    assert_eq!(value("1'234'567.89", &swiss()), want);
    assert_eq!(value("1’234’567.89", &swiss()), want);
    assert_eq!(value("1234567.89", &NumberStyle::point()), want);
    assert_eq!(value("1234567,89", &NumberStyle::comma()), want);
}

#[test]
fn negatives_in_every_notation() {
    let p = NumberStyle::point();
    let c = NumberStyle::comma();
    assert_eq!(value("-1", &p), dec("-1"));
    assert_eq!(value("+1", &p), dec("1"));
    assert_eq!(value("-1234.5", &p), dec("-1234.5"));
    assert_eq!(value("(1.00)", &p), dec("-1"));
    assert_eq!(value("(1,234.56)", &p), dec("-1234.56"));
    assert_eq!(value("(1234.56)", &p), dec("-1234.56"));
    assert_eq!(value("1.234,56-", &c), dec("-1234.56"));
    assert_eq!(value("  1.234,56-  ", &c), dec("-1234.56"));
    assert_eq!(value("1.234,56 -", &c), dec("-1234.56"));
    assert_eq!(value("\u{2212}5", &p), dec("-5"));
    assert_eq!(value("- 5", &p), dec("-5"));
    // Negative zero reads as plain zero.
    let z = value("-0.00", &p);
    assert!(z.is_zero() && z.is_sign_positive());
    assert_eq!(value("(0,00)", &c).to_string(), "0.00");
    // Excel's accounting format writes zero as a dash.
    assert_eq!(amount("-", &p), (Decimal::ZERO, None));
    assert_eq!(amount(" $ -   ", &p), (Decimal::ZERO, Some("USD".into())));
    assert_eq!(amount("- €", &c), (Decimal::ZERO, Some("EUR".into())));
}

#[test]
fn currency_symbols_and_codes_both_sides() {
    let p = NumberStyle::point();
    let c = NumberStyle::comma();
    let eur = Some("EUR".to_string());
    let usd = Some("USD".to_string());
    assert_eq!(amount("€ 1.234,56", &c), (dec("1234.56"), eur.clone()));
    assert_eq!(amount("€1.234,56", &c), (dec("1234.56"), eur.clone()));
    assert_eq!(amount("1.234,56 €", &c), (dec("1234.56"), eur.clone()));
    assert_eq!(amount("1 234,56 EUR", &space()), (dec("1234.56"), eur.clone()));
    assert_eq!(amount("1.234,56EUR", &c), (dec("1234.56"), eur.clone()));
    assert_eq!(amount("EUR 1.234,56-", &c), (dec("-1234.56"), eur.clone()));
    assert_eq!(amount("1.234,56- EUR", &c), (dec("-1234.56"), eur.clone()));
    assert_eq!(amount("$1,234.56", &p), (dec("1234.56"), usd.clone()));
    assert_eq!(amount("-$5.00", &p), (dec("-5"), usd.clone()));
    assert_eq!(amount("$-5.00", &p), (dec("-5"), usd.clone()));
    assert_eq!(amount("($5.00)", &p), (dec("-5"), usd.clone()));
    assert_eq!(amount("$(5.00)", &p), (dec("-5"), usd.clone()));
    assert_eq!(amount("USD -5.00", &p), (dec("-5"), usd.clone()));
    assert_eq!(amount("-5.00 USD", &p), (dec("-5"), usd.clone()));
    assert_eq!(amount("(5.00) USD", &p), (dec("-5"), usd.clone()));
    assert_eq!(amount("£12.50", &p), (dec("12.5"), Some("GBP".into())));
    assert_eq!(amount("¥1,000", &p), (dec("1000"), Some("JPY".into())));
    assert_eq!(amount("CHF 1'234.50", &swiss()), (dec("1234.5"), Some("CHF".into())));
    assert_eq!(amount("1'234.50 CHF", &swiss()), (dec("1234.5"), Some("CHF".into())));
    assert_eq!(amount("1 234,50 лв.", &space()), (dec("1234.5"), Some("BGN".into())));
    assert_eq!(amount("US$5", &p), (dec("5"), usd.clone()));
    // A bare "$" is any dollar: a code next to it decides.
    assert_eq!(amount("$5.00 CAD", &p), (dec("5"), Some("CAD".into())));
    assert_eq!(amount("AUD $5.00", &p), (dec("5"), Some("AUD".into())));
    assert_eq!(amount("C$5.00", &p), (dec("5"), Some("CAD".into())));
    // No currency written.
    assert_eq!(amount(" 42 ", &p), (dec("42"), None));
}

#[test]
fn currency_conflicts_and_non_codes() {
    let p = NumberStyle::point();
    assert!(err("€5.00 USD", &p).contains("two currencies"));
    assert!(err("EUR 5 USD", &p).contains("two currencies"));
    assert_eq!(amount("EUR 5 EUR", &p).1, Some("EUR".into()));
    // Not ISO codes: not currencies, so not amounts.
    assert!(err("5 TBD", &p).contains("unexpected"));
    assert!(err("5 eur", &p).contains("unexpected"));
    assert!(err("EUR", &p).contains("no digits"));
    assert!(err("EURO 5", &p).contains("unexpected"));
}

#[test]
fn malformed_grouping_is_an_error() {
    let p = NumberStyle::point();
    let c = NumberStyle::comma();
    let e = err("1,23,4.00", &p);
    assert!(e.contains("misplaced ','") && e.contains("3 digits"), "{e}");
    assert!(err("1,23,456.00", &p).contains("misplaced")); // Indian lakh grouping
    assert!(err("1234,567.00", &p).contains("misplaced"));
    assert!(err(",123", &p).contains("misplaced"));
    assert!(err("1,", &p).contains("misplaced"));
    assert!(err("1..5", &p).contains("more than one '.'"));
    // A decimal comma under a point profile: grouping is wrong, and the message offers the fix.
    let e = err("12,50", &p);
    assert!(e.contains("set the profile's decimal to ','"), "{e}");
    let e = err("1.5", &c);
    assert!(e.contains("set the profile's decimal to '.'"), "{e}");
    // Mixed separators.
    let e = err("1.234 567,00", &c);
    assert!(e.contains("mixes") && !e.contains("decimal mark"), "{e}");
    assert_eq!(value("1 234\u{A0}567,00", &space()), dec("1234567"));
}

#[test]
fn separator_after_decimal_mark_says_how_to_fix() {
    assert_eq!(
        err("1.234,56", &NumberStyle::point()),
        "'1.234,56' has ',' after '.': with this profile's number format (1,234.56) write 1234.56, or set the \
         profile's decimal to ','"
    );
    let e = err("1,234.56", &NumberStyle::comma());
    assert!(e.contains("has '.' after ','") && e.contains("write 1234.56") && e.contains("decimal to '.'"), "{e}");
    let e = err("1.234.567", &NumberStyle::point());
    assert!(e.contains("more than one '.'") && e.contains("write 1234567"), "{e}");
    assert!(err("1,5 000", &space()).contains("after ','"));
    // Wrong both ways round: still an answer, no endless hinting.
    let e = err("1,2.3,4", &NumberStyle::point());
    assert!(e.contains("after '.'") && e.contains("check the number"), "{e}");
    assert!(err("1.2,3.4", &NumberStyle::comma()).contains("after ','"));
    assert!(err("1.2.3,4,5", &NumberStyle::point()).contains("more than one '.'"));
}

#[test]
fn characters_outside_the_style() {
    let p = NumberStyle::point();
    let e = err("1 234.56", &p);
    assert!(e.contains("a space") && e.contains("1234.56") && e.contains("number format"), "{e}");
    let e = err("1'234.56", &p);
    assert!(e.contains("an apostrophe") && e.contains("1234.56"), "{e}");
    let e = err("1,234.56", &NumberStyle::from_spec("1234.56").unwrap());
    assert!(e.contains("','") && e.contains("1234.56"), "{e}");
    assert!(err("12abc", &p).contains("unexpected 'a'"));
    assert!(err("1e5", &p).contains("unexpected 'e'"));
    assert!(err("#N/A", &p).contains("not an amount"));
}

#[test]
fn signs_parentheses_and_emptiness() {
    let p = NumberStyle::point();
    assert!(err("", &p).contains("empty"));
    assert!(err("   ", &p).contains("empty"));
    assert!(err("--5", &p).contains("more than one sign"));
    assert!(err("-5-", &p).contains("more than one sign"));
    assert!(err("-(5)", &p).contains("more than one sign"));
    assert!(err("+5-", &p).contains("more than one sign"));
    assert!(err("(5", &p).contains("parentheses"));
    assert!(err("5)", &p).contains("parentheses"));
    assert!(err("((5))", &p).contains("parentheses"));
    assert!(err("+", &p).contains("no digits"));
    assert!(err("(-)", &p).contains("more than one sign"));
    assert!(err("()", &p).contains("no digits"));
    assert!(err(".", &p).contains("no digits"));
    assert!(err("1-2", &p).contains("unexpected '-'"));
    assert_eq!(value(".5", &p), dec("0.5"));
    assert_eq!(value("5.", &p), dec("5"));
    assert_eq!(value("007", &p), dec("7"));
    assert_eq!(value("1.50", &p).to_string(), "1.50");
}

#[test]
fn exact_and_bounded() {
    let p = NumberStyle::point();
    assert_eq!(value("0.1", &p) + value("0.2", &p), dec("0.3"));
    assert_eq!(value("79,228,162,514,264,337,593,543,950,335", &p), Decimal::MAX);
    assert!(err("1234567890123456789012345678901234", &p).contains("too many digits"));
    assert!(err("1.12345678901234567890123456789012", &p).contains("too many digits"));
}

#[test]
fn date_specs() {
    let cases = [
        ("YYYY-MM-DD", DateStyle::Iso),
        ("iso", DateStyle::Iso),
        ("DD.MM.YYYY", DateStyle::Dmy('.')),
        ("D.M.YYYY", DateStyle::Dmy('.')),
        ("DD/MM/YYYY", DateStyle::Dmy('/')),
        ("DD-MM-YYYY", DateStyle::Dmy('-')),
        ("MM/DD/YYYY", DateStyle::Mdy('/')),
        ("M/D/YYYY", DateStyle::Mdy('/')),
        ("YYYYMMDD", DateStyle::YmdCompact),
        ("DD-MMM-YYYY", DateStyle::DMonY('-')),
        ("dd mmm yyyy", DateStyle::DMonY(' ')),
        ("YYYY/MM/DD", DateStyle::Ymd('/')),
        ("YYYY.MM.DD", DateStyle::Ymd('.')),
        ("excel", DateStyle::ExcelSerial),
        ("Excel", DateStyle::ExcelSerial),
    ];
    for (spec, style) in cases {
        assert_eq!(DateStyle::from_spec(spec), Some(style), "{spec}");
        assert_eq!(DateStyle::from_spec(&style.spec()), Some(style), "{spec}");
    }
    for bad in ["", "DD.MM.YY", "YY-MM-DD", "DD.MM/YYYY", "DD_MM_YYYY", "MMM-DD-YYYY", "DD.MM.YYYY.", "today"] {
        assert_eq!(DateStyle::from_spec(bad), None, "{bad}");
    }
}

#[test]
fn parses_every_listed_format() {
    let d = date(2026, 1, 5);
    let st = |s: &str| DateStyle::from_spec(s).unwrap();
    let cases = [
        ("2026-01-05", "YYYY-MM-DD"),
        ("2026-1-5", "YYYY-MM-DD"),
        ("05.01.2026", "DD.MM.YYYY"),
        ("5.1.2026", "DD.MM.YYYY"),
        ("05/01/2026", "DD/MM/YYYY"),
        ("01/05/2026", "MM/DD/YYYY"),
        ("1/5/2026", "M/D/YYYY"),
        ("20260105", "YYYYMMDD"),
        ("05-Jan-2026", "DD-MMM-YYYY"),
        ("5-jan-2026", "DD-MMM-YYYY"),
        ("05-JAN-2026", "DD-MMM-YYYY"),
        ("2026/01/05", "YYYY/MM/DD"),
        ("46027", "excel"),
        ("46027.75", "excel"),
    ];
    for (text, spec) in cases {
        assert_eq!(parse_date(text, &[st(spec)]), Ok(d), "{text} as {spec}");
    }
}

#[test]
fn month_names_english_and_german() {
    let s = [DateStyle::DMonY('-')];
    for (name, m) in [
        ("Jan", 1),
        ("Feb", 2),
        ("Mar", 3),
        ("Mär", 3),
        ("MÄR", 3),
        ("Mrz", 3),
        ("Apr", 4),
        ("May", 5),
        ("Mai", 5),
        ("Jun", 6),
        ("Jul", 7),
        ("Aug", 8),
        ("Sep", 9),
        ("Sept", 9),
        ("Oct", 10),
        ("Okt", 10),
        ("Nov", 11),
        ("Dec", 12),
        ("Dez", 12),
        ("December", 12),
    ] {
        assert_eq!(parse_date(&format!("01-{name}-2026"), &s), Ok(date(2026, m, 1)), "{name}");
    }
    assert!(parse_date("01-Foo-2026", &s).is_err());
    assert_eq!(parse_date("15 Okt 2026", &[DateStyle::DMonY(' ')]), Ok(date(2026, 10, 15)));
}

#[test]
fn time_parts_are_ignored() {
    let d = date(2026, 1, 5);
    assert_eq!(parse_date("2026-01-05 00:00:00", &[DateStyle::Iso]), Ok(d));
    assert_eq!(parse_date("2026-01-05T10:30:00Z", &[DateStyle::Iso]), Ok(d));
    assert_eq!(parse_date("2026-01-05T10:30:00.123+01:00", &[DateStyle::Iso]), Ok(d));
    assert_eq!(parse_date("05.01.2026 13:45", &[DateStyle::Dmy('.')]), Ok(d));
    assert_eq!(parse_date("1/5/2026 12:00:00 AM", &[DateStyle::Mdy('/')]), Ok(d));
    assert_eq!(parse_date("05 Jan 2026 13:45", &[DateStyle::DMonY(' ')]), Ok(d));
    assert_eq!(parse_date("20260105 134500", &[DateStyle::YmdCompact]), Ok(d));
    assert!(parse_date("2026-01-05 noon", &[DateStyle::Iso]).is_err());
    assert!(parse_date("2026-01-05x", &[DateStyle::Iso]).is_err());
}

#[test]
fn leap_years_and_invalid_dates() {
    let dmy = [DateStyle::Dmy('.')];
    assert_eq!(parse_date("29.02.2024", &dmy), Ok(date(2024, 2, 29)));
    assert_eq!(parse_date("29.02.2000", &dmy), Ok(date(2000, 2, 29)));
    let e = parse_date("29.02.2026", &dmy).unwrap_err();
    assert!(e.contains("'29.02.2026'") && e.contains("February 2026 has 28 days"), "{e}");
    assert!(parse_date("29.02.1900", &dmy).unwrap_err().contains("February 1900 has 28 days"));
    let e = parse_date("31.02.2026", &dmy).unwrap_err();
    assert!(e.contains("'31.02.2026' is not a valid date"), "{e}");
    assert!(parse_date("31.04.2026", &dmy).unwrap_err().contains("April 2026 has 30 days"));
    assert!(parse_date("00.01.2026", &dmy).unwrap_err().contains("January 2026 has 31 days"));
    assert!(parse_date("05.13.2026", &dmy).unwrap_err().contains("month 13"));
    assert!(parse_date("20260230", &[DateStyle::YmdCompact]).unwrap_err().contains("February 2026"));
    assert!(parse_date("00.00.0000", &dmy).unwrap_err().contains("placeholder"));
    assert!(parse_date("0000-00-00", &[DateStyle::Iso]).unwrap_err().contains("placeholder"));
}

#[test]
fn two_digit_years_are_errors_with_the_fix() {
    let e = parse_date("05.01.26", &[DateStyle::Dmy('.')]).unwrap_err();
    assert!(e.contains("2-digit year") && e.contains("4 digits") && e.contains("31.01.2026"), "{e}");
    assert!(parse_date("1/5/26", &[DateStyle::Mdy('/')]).unwrap_err().contains("2-digit year"));
    assert!(parse_date("05-Jan-26", &[DateStyle::DMonY('-')]).unwrap_err().contains("2-digit year"));
    assert!(parse_date("26-01-05", &[DateStyle::Iso]).is_err());
}

#[test]
fn styles_tried_in_order() {
    let both = [DateStyle::Dmy('/'), DateStyle::Mdy('/')];
    assert_eq!(parse_date("03/04/2026", &both), Ok(date(2026, 4, 3)));
    assert_eq!(parse_date("04/13/2026", &both), Ok(date(2026, 4, 13)));
    let several = [DateStyle::Dmy('.'), DateStyle::Iso];
    assert_eq!(parse_date("2026-01-05", &several), Ok(date(2026, 1, 5)));
    assert_eq!(parse_date("05.01.2026", &several), Ok(date(2026, 1, 5)));
    // No style given: ISO.
    assert_eq!(parse_date("2026-01-05", &[]), Ok(date(2026, 1, 5)));
    let e = parse_date("January 5th", &several).unwrap_err();
    assert!(e.contains("DD.MM.YYYY or YYYY-MM-DD") && e.contains("31.01.2026"), "{e}");
    assert!(parse_date("", &several).unwrap_err().contains("empty"));
    // The shape-specific reason beats the generic one.
    assert!(parse_date("31.02.2026", &[DateStyle::Iso, DateStyle::Dmy('.')]).unwrap_err().contains("not a valid date"));
}

#[test]
fn excel_serials() {
    assert_eq!(excel_serial(1, false), Some(date(1900, 1, 1)));
    assert_eq!(excel_serial(59, false), Some(date(1900, 2, 28)));
    // 60 is Excel's nonexistent 1900-02-29: no date.
    assert_eq!(excel_serial(60, false), None);
    assert_eq!(excel_serial(61, false), Some(date(1900, 3, 1)));
    assert_eq!(excel_serial(45292, false), Some(date(2024, 1, 1)));
    assert_eq!(excel_serial(2_958_465, false), Some(date(9999, 12, 31)));
    assert_eq!(excel_serial(2_958_466, false), None);
    assert_eq!(excel_serial(0, false), None);
    assert_eq!(excel_serial(-1, false), None);
    assert_eq!(excel_serial(0, true), Some(date(1904, 1, 1)));
    assert_eq!(excel_serial(1, true), Some(date(1904, 1, 2)));
    assert_eq!(excel_serial(45292 - 1462, true), Some(date(2024, 1, 1)));
    assert_eq!(excel_serial(2_957_003, true), Some(date(9999, 12, 31)));
    assert_eq!(excel_serial(2_957_004, true), None);
    assert_eq!(excel_serial(-1, true), None);
    assert_eq!(excel_serial(i64::MAX, false), None);
    assert_eq!(excel_serial(i64::MIN, true), None);
    let xl = [DateStyle::ExcelSerial];
    assert!(parse_date("60", &xl).unwrap_err().contains("29 February 1900"));
    assert!(parse_date("0", &xl).unwrap_err().contains("outside Excel's date range"));
    assert!(parse_date("99999999999999999999", &xl).unwrap_err().contains("outside"));
    assert!(parse_date("-5", &xl).is_err());
}

#[test]
fn infers_unambiguous_styles() {
    assert_eq!(infer_date_style(&[]), Ok(DateStyle::Iso));
    assert_eq!(infer_date_style(&["", "  "]), Ok(DateStyle::Iso));
    assert_eq!(infer_date_style(&["2026-01-05", "2026-12-31 00:00:00"]), Ok(DateStyle::Iso));
    assert_eq!(infer_date_style(&["05.01.2026", "", "31.12.2026"]), Ok(DateStyle::Dmy('.')));
    assert_eq!(infer_date_style(&["05/01/2026", "31/12/2026"]), Ok(DateStyle::Dmy('/')));
    assert_eq!(infer_date_style(&["1/5/2026", "12/31/2026"]), Ok(DateStyle::Mdy('/')));
    assert_eq!(infer_date_style(&["20260105"]), Ok(DateStyle::YmdCompact));
    assert_eq!(infer_date_style(&["05-Jan-2026", "31-Dez-2026"]), Ok(DateStyle::DMonY('-')));
}

#[test]
fn ambiguous_day_month_is_an_error_never_a_guess() {
    let e = infer_date_style(&["03/04/2026", "12/11/2026"]).unwrap_err();
    assert_eq!(
        e,
        "dates like 03/04/2026 could be 3 April or 4 March; set the profile's date format (DD/MM/YYYY or MM/DD/YYYY)"
    );
    assert!(infer_date_style(&["05/05/2026"]).is_err());
}

#[test]
fn inference_reports_mixed_and_unreadable_samples() {
    let e = infer_date_style(&["2026-01-05", "05.01.2026"]).unwrap_err();
    assert!(e.contains("mixed date formats") && e.contains("'2026-01-05'") && e.contains("'05.01.2026'"), "{e}");
    let e = infer_date_style(&["03/04/2026", "13/04/2026", "04/13/2026"]).unwrap_err();
    assert!(e.contains("'13/04/2026' and '04/13/2026'") && e.contains("DD/MM/YYYY vs MM/DD/YYYY"), "{e}");
    let e = infer_date_style(&["05.01.26"]).unwrap_err();
    assert!(e.contains("2-digit year"), "{e}");
    let e = infer_date_style(&["2026-01-05", "31.02.2026"]).unwrap_err();
    assert!(e.contains("not a valid date"), "{e}");
    assert!(infer_date_style(&["n/a"]).unwrap_err().contains("'n/a'"));
}

/// Formats `v` in `style` with grouping, the negative in one of several notations, and maybe a currency.
fn format_amount(v: Decimal, style: &NumberStyle, group: char, neg: u8, cur: u8) -> String {
    let plain = v.abs().to_string();
    let (int, frac) = plain.split_once('.').map_or((plain.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    if let Some(f) = frac {
        grouped.push(style.decimal);
        grouped.push_str(f);
    }
    let body = if v.is_sign_negative() {
        match neg % 3 {
            0 => format!("-{grouped}"),
            1 => format!("({grouped})"),
            _ => format!("{grouped}-"),
        }
    } else {
        grouped
    };
    match cur % 5 {
        0 => body,
        1 => format!("€ {body}"),
        2 => format!("{body} EUR"),
        3 => format!("USD{body}"),
        _ => format!("  {body}£ "),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn format_then_parse_round_trips(mantissa in any::<i64>(), scale in 0u32..8, which in 0usize..4, g in 0usize..4,
                                     neg in any::<u8>(), cur in any::<u8>()) {
        let style = [NumberStyle::point(), NumberStyle::comma(), space(), swiss()][which].clone();
        let group = style.group[g % style.group.len()];
        let v = Decimal::new(mantissa, scale);
        let text = format_amount(v, &style, group, neg, cur);
        let parsed = parse_amount(&text, &style).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(parsed.value, v, "{}", text);
        let want = match cur % 5 { 0 => None, 1 | 2 => Some("EUR"), 3 => Some("USD"), _ => Some("GBP") };
        prop_assert_eq!(parsed.currency.as_deref(), want);
    }

    #[test]
    fn never_panics(text in "\\PC{0,30}", which in 0usize..4) {
        let style = [NumberStyle::point(), NumberStyle::comma(), space(), swiss()][which].clone();
        let _ = parse_amount(&text, &style);
        let _ = parse_date(&text, &INFERABLE);
        let _ = parse_date(&text, &[DateStyle::ExcelSerial, DateStyle::Ymd('/'), DateStyle::DMonY(' ')]);
        let _ = infer_date_style(&[&text, "2026-01-05"]);
        let _ = NumberStyle::from_spec(&text);
        let _ = DateStyle::from_spec(&text);
    }

    #[test]
    fn never_panics_on_number_like_text(text in "[-+()$€ 0-9.,'’A-Z]{0,24}", which in 0usize..4) {
        let style = [NumberStyle::point(), NumberStyle::comma(), space(), swiss()][which].clone();
        let _ = parse_amount(&text, &style);
    }

    #[test]
    fn dates_round_trip_in_every_style(days in 0i64..2_900_000, which in 0usize..8) {
        let d = excel_serial(days + 61, false).unwrap();
        let style = [DateStyle::Iso, DateStyle::Dmy('.'), DateStyle::Dmy('/'), DateStyle::Mdy('/'),
                     DateStyle::YmdCompact, DateStyle::DMonY('-'), DateStyle::Ymd('/'), DateStyle::ExcelSerial][which];
        let text = match style {
            DateStyle::Iso => d.format("%Y-%m-%d").to_string(),
            DateStyle::Dmy(c) => d.format(&format!("%-d{c}%m{c}%Y")).to_string(),
            DateStyle::Mdy(c) => d.format(&format!("%-m{c}%-d{c}%Y")).to_string(),
            DateStyle::YmdCompact => d.format("%Y%m%d").to_string(),
            DateStyle::DMonY(c) => d.format(&format!("%d{c}%b{c}%Y")).to_string(),
            DateStyle::Ymd(c) => d.format(&format!("%Y{c}%m{c}%d")).to_string(),
            DateStyle::ExcelSerial => (days + 61).to_string(),
        };
        prop_assume!(d.year() >= 1000);
        prop_assert_eq!(parse_date(&text, &[style]), Ok(d), "{}", text);
    }
}
