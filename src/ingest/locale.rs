//! Locale-aware values from ERP exports: amounts written with decimal commas, thousands separators,
//! accounting negatives and currency signs, and dates in the day/month orders ERPs use. Every value is
//! read exactly (no floats) or rejected with a message that says how to fix it — never guessed.

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;

const NBSP: char = '\u{A0}';
const NNBSP: char = '\u{202F}';
const SPACES: [char; 3] = [' ', NBSP, NNBSP];
const APOSTROPHES: [char; 2] = ['\'', '\u{2019}'];

/// How numbers are written: the decimal mark and the thousands separators accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberStyle {
    pub decimal: char,
    pub group: Vec<char>,
}

impl NumberStyle {
    /// "1,234.56" (point), "1.234,56" (comma), "1 234,56" (space incl. NBSP and narrow NBSP, comma), "1'234.56" (Swiss
    /// apostrophe, also ’). Also "1 234.56", "1'234,56", ungrouped "1234.56" / "1234,56", and the names "point" and
    /// "comma".
    pub fn from_spec(spec: &str) -> Option<NumberStyle> {
        let spec = spec.trim();
        match spec.to_ascii_lowercase().as_str() {
            "point" | "dot" => return Some(NumberStyle::point()),
            "comma" => return Some(NumberStyle::comma()),
            _ => {}
        }
        let rest = spec.strip_prefix('1')?;
        let (group, rest) = match rest.strip_prefix("234") {
            Some(r) => (None, r),
            None => {
                let g = rest.chars().next()?;
                (Some(g), rest.get(g.len_utf8()..)?.strip_prefix("234")?)
            }
        };
        let decimal = match rest {
            ".56" => '.',
            ",56" => ',',
            _ => return None,
        };
        let group = match group {
            None => Vec::new(),
            Some(g) if g == decimal => return None,
            Some('.') => return Some(NumberStyle::comma()),
            Some(',') => vec![','],
            Some(g) if SPACES.contains(&g) => SPACES.to_vec(),
            Some(g) if APOSTROPHES.contains(&g) => APOSTROPHES.to_vec(),
            Some(_) => return None,
        };
        Some(NumberStyle { decimal, group })
    }

    /// decimal '.', group [',']
    pub fn point() -> NumberStyle {
        NumberStyle { decimal: '.', group: vec![','] }
    }

    /// decimal ',', group ['.', ' ', NBSP, NNBSP]: spaces are never decimal marks, so accepting them costs nothing.
    pub fn comma() -> NumberStyle {
        NumberStyle { decimal: ',', group: vec!['.', ' ', NBSP, NNBSP] }
    }

    /// The style as a spec string, for messages: "1,234.56", "1.234,56", "1234.56".
    pub fn spec(&self) -> String {
        match self.group.first() {
            Some(g) if SPACES.contains(g) => format!("1 234{}56", self.decimal),
            Some(g) => format!("1{g}234{}56", self.decimal),
            None => format!("1234{}56", self.decimal),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedAmount {
    pub value: Decimal,
    pub currency: Option<String>,
}

/// Currency signs recognised next to amounts. Longest first, so "US$" wins over "$"; `$` alone is USD only when no
/// code says otherwise (see [`parse_amount`]).
#[rustfmt::skip]
const SYMBOLS: &[(&str, &str)] = &[
    ("US$", "USD"), ("CA$", "CAD"), ("AU$", "AUD"), ("NZ$", "NZD"), ("HK$", "HKD"), ("лв.", "BGN"), ("C$", "CAD"),
    ("A$", "AUD"), ("R$", "BRL"), ("лв", "BGN"), ("zł", "PLN"), ("Kč", "CZK"), ("€", "EUR"), ("$", "USD"),
    ("£", "GBP"), ("¥", "JPY"), ("₹", "INR"),
];

/// A currency written next to an amount: its code, and whether it was a bare `$` (a dollar of some kind).
type Mark = (String, bool);

/// A currency symbol or code at the start (`front`) or end of `s`, and the rest of `s`.
fn currency_at(s: &str, front: bool) -> Option<(Mark, &str)> {
    for (sym, code) in SYMBOLS {
        if let Some(rest) = if front { s.strip_prefix(sym) } else { s.strip_suffix(sym) } {
            return Some(((code.to_string(), *sym == "$"), rest));
        }
    }
    let cut = if front { 3 } else { s.len().checked_sub(3)? };
    let (code, rest) = if front { (s.get(..cut)?, s.get(cut..)?) } else { (s.get(cut..)?, s.get(..cut)?) };
    // A code is a whole word: "EURO" is not "EUR" + "O".
    let next = if front { rest.chars().next() } else { rest.chars().next_back() };
    (next.is_none_or(|c| !c.is_alphabetic()) && is_code(code)).then(|| ((code.to_string(), false), rest))
}

/// Upper-case and a real ISO 4217 code, so words like "TBD" next to a number are not taken for currencies.
fn is_code(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()) && crate::money::Currency::parse(s).is_ok()
}

/// Accepts: -1234.5, +1, 1,234.56, (1,234.56) and (1234.56) negative, trailing minus 1.234,56- (SAP), leading/trailing
/// currency symbol or ISO code with or without space ("€ 1.234,56", "1 234,56 EUR", "$1,234.56", "-$5.00", "$-5.00",
/// "USD -5.00", "£", "¥", "CHF"), surrounding spaces. Grouping must be well-formed (groups of exactly 3 digits after
/// the first 1–3; "1,23,4.00" is an error); a group separator after the decimal mark is an error; only one sign.
/// Errors say what is wrong and how to fix it. Returns the currency code (symbols mapped: € EUR, $ USD — "$" alone is
/// ambiguous with CAD/AUD: "USD" only if no code; £ GBP, ¥ JPY) when written. A negative zero reads as 0, and so does a
/// lone dash ("-", "$ -"): Excel's accounting format shows zero that way.
pub fn parse_amount(text: &str, style: &NumberStyle) -> Result<ParsedAmount, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("amount is empty; give a number such as 1234.56".into());
    }
    let mut negative = false;
    let mut signs = 0;
    let (mut open, mut close) = (0, 0);
    let mut marks: Vec<Mark> = Vec::new();
    let mut rest = t;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix(['-', '\u{2212}']) {
            (signs, negative, rest) = (signs + 1, true, r);
        } else if let Some(r) = rest.strip_prefix('+') {
            (signs, rest) = (signs + 1, r);
        } else if let Some(r) = rest.strip_prefix('(') {
            (open, rest) = (open + 1, r);
        } else if let Some((mark, r)) = currency_at(rest, true) {
            marks.push(mark);
            rest = r;
        } else {
            break;
        }
    }
    loop {
        rest = rest.trim_end();
        if let Some(r) = rest.strip_suffix(['-', '\u{2212}']) {
            (signs, negative, rest) = (signs + 1, true, r);
        } else if let Some(r) = rest.strip_suffix(')') {
            (close, rest) = (close + 1, r);
        } else if let Some((mark, r)) = currency_at(rest, false) {
            marks.push(mark);
            rest = r;
        } else {
            break;
        }
    }
    if open != close || open > 1 {
        return Err(format!("'{t}' has unbalanced parentheses; write a negative amount as (1234.56) or -1234.56"));
    }
    if open == 1 {
        signs += 1;
        negative = true;
    }
    if signs > 1 {
        return Err(format!(
            "'{t}' has more than one sign; write a negative amount with one of -1234.56, (1234.56) or 1234.56-"
        ));
    }
    let currency = pick_currency(t, &marks)?;
    // Excel's accounting format shows zero as a lone dash ("$ -"), and a CSV re-save keeps what is shown.
    if rest.is_empty() && negative && open == 0 {
        return Ok(ParsedAmount { value: Decimal::ZERO, currency });
    }
    let mut value = parse_number(t, rest, style)?;
    if negative {
        value = -value;
    }
    if value.is_zero() {
        value.set_sign_positive(true);
    }
    Ok(ParsedAmount { value, currency })
}

/// One currency per amount: codes must agree; a bare `$` defers to a code; a symbol must agree with a code.
fn pick_currency(t: &str, marks: &[Mark]) -> Result<Option<String>, String> {
    let mut code: Option<&str> = None;
    for (c, _) in marks.iter().filter(|(_, dollar)| !dollar) {
        match code {
            Some(prev) if prev != c => {
                return Err(format!("'{t}' names two currencies ({prev} and {c}); keep the one the amount is in"));
            }
            _ => code = Some(c),
        }
    }
    let dollar = marks.iter().any(|(_, d)| *d);
    Ok(code.map(str::to_string).or_else(|| dollar.then(|| "USD".to_string())))
}

/// The number between signs and currency: digits, at most one decimal mark, well-formed thousands groups.
fn parse_number(t: &str, core: &str, style: &NumberStyle) -> Result<Decimal, String> {
    let spec = style.spec();
    let d = style.decimal;
    let foreign = |c: &char| !c.is_ascii_digit() && *c != d && !style.group.contains(c);
    let separator_like = |c: &char| *c == '.' || *c == ',' || c.is_whitespace() || APOSTROPHES.contains(c);
    // A letter or symbol is the clearer complaint; a separator the style lacks gets the format hint.
    if let Some(c) = core.chars().find(|c| foreign(c) && !separator_like(c)) {
        return Err(format!("'{t}' is not an amount: unexpected '{c}'; write a number such as {}", example(style)));
    }
    if let Some(c) = core.chars().find(foreign) {
        let what = char_name(c);
        return Err(format!(
            "'{t}' has {what}, which this profile's number format ({spec}) doesn't use; write it as {} or set the \
             profile's number format to match the file",
            plain_example(core, style)
        ));
    }
    let (int, frac) = match core.split_once(d) {
        Some((i, f)) => (i, Some(f)),
        None => (core, None),
    };
    if let Some(f) = frac {
        if f.contains(d) {
            return Err(format!(
                "'{t}' has more than one '{d}': with this profile's number format ({spec}) '{d}' is the decimal \
                 mark; {}",
                swap_hint(core, style)
            ));
        }
        if let Some(g) = f.chars().find(|c| style.group.contains(c)) {
            return Err(format!(
                "'{t}' has '{g}' after '{d}': with this profile's number format ({spec}) {}",
                swap_hint(core, style)
            ));
        }
    }
    let digits = check_groups(t, int, style)?;
    let frac = frac.unwrap_or("");
    if digits.is_empty() && frac.is_empty() {
        return Err(format!("'{t}' has no digits; write a number such as {}", example(style)));
    }
    let int = if digits.is_empty() { "0" } else { &digits };
    let canonical = if frac.is_empty() { int.to_string() } else { format!("{int}.{frac}") };
    Decimal::from_str_exact(&canonical).map_err(|_| {
        format!("'{t}' has too many digits to be held exactly (28 at most); check that the column holds amounts")
    })
}

/// Strips well-formed thousands separators from the integer part: the first group 1–3 digits, then groups of exactly
/// 3, one kind of separator throughout.
fn check_groups(t: &str, int: &str, style: &NumberStyle) -> Result<String, String> {
    let Some(first_sep) = int.chars().find(|c| style.group.contains(c)) else {
        return Ok(int.to_string());
    };
    let same_kind = |c: char| {
        c == first_sep
            || (SPACES.contains(&c) && SPACES.contains(&first_sep))
            || (APOSTROPHES.contains(&c) && APOSTROPHES.contains(&first_sep))
    };
    let mut groups = int.split(|c: char| style.group.contains(&c));
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    let rest_ok = groups.all(|g| g.len() == 3);
    let mixed = int.chars().any(|c| style.group.contains(&c) && !same_kind(c));
    if first_ok && rest_ok && !mixed {
        return Ok(int.chars().filter(char::is_ascii_digit).collect());
    }
    let spec = style.spec();
    let sep = char_name(first_sep);
    let mut msg = if mixed {
        format!("'{t}' mixes thousands separators; use one kind, as in {spec}")
    } else {
        format!(
            "'{t}' has a misplaced {sep}: with this profile's number format ({spec}) thousands groups have 3 digits"
        )
    };
    if !mixed && (first_sep == '.' || first_sep == ',') {
        msg.push_str(&format!(
            "; if '{first_sep}' is the decimal mark here, set the profile's decimal to '{first_sep}'"
        ));
    }
    Err(msg)
}

/// "write 1234.56, or set the profile's decimal to ','" when reading the number the other way round works.
fn swap_hint(core: &str, style: &NumberStyle) -> String {
    let other = if style.decimal == '.' { NumberStyle::comma() } else { NumberStyle::point() };
    // Only the plain reading: a hint for the hint would recurse ("1,2.3,4" fails both ways).
    let once = core.matches(other.decimal).count() <= 1;
    let after = core.split_once(other.decimal).is_some_and(|(_, f)| f.contains(|c| other.group.contains(&c)));
    match (once && !after).then(|| parse_number(core, core, &other)).and_then(Result::ok) {
        Some(v) => format!("write {v}, or set the profile's decimal to '{}'", other.decimal),
        None => format!(
            "check the number, or set the profile's decimal to '{}' if that is the file's decimal mark",
            other.decimal
        ),
    }
}

/// The digits of `core` as a plain number, when the file's separators can be told apart: "1 234.56" → "1234.56".
fn plain_example(core: &str, style: &NumberStyle) -> String {
    let d = style.decimal;
    let last_mark = core.rfind(['.', ',']);
    let plain: String = core
        .char_indices()
        .filter_map(|(i, c)| match c {
            '0'..='9' => Some(c),
            '.' | ',' if Some(i) == last_mark && core.get(i + 1..).is_some_and(|r| r.len() != 3) => Some(d),
            _ => None,
        })
        .collect();
    if plain.is_empty() {
        example(style)
    } else {
        plain
    }
}

fn char_name(c: char) -> String {
    match c {
        _ if c.is_whitespace() => "a space".into(),
        '\'' | '\u{2019}' => "an apostrophe".into(),
        _ => format!("'{c}'"),
    }
}

fn example(style: &NumberStyle) -> String {
    format!("1234{}56", style.decimal)
}

/// How a date column is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateStyle {
    Iso,
    Dmy(char),
    Mdy(char),
    Ymd(char),
    YmdCompact,
    DMonY(char),
    ExcelSerial,
}

impl DateStyle {
    /// Specs: "YYYY-MM-DD", "DD.MM.YYYY" (also accepts D.M.YYYY unpadded), "DD/MM/YYYY", "MM/DD/YYYY", "M/D/YYYY"
    /// (same as MM/DD/YYYY, unpadded allowed), "YYYYMMDD", "DD-MMM-YYYY" (Jan..Dec English, and German Mär/Mrz, Mai,
    /// Okt, Dez; case-insensitive), "YYYY/MM/DD", "excel" (serial day numbers, 1900 system). Any of `. / - space`
    /// may separate; two-digit-year specs ("DD.MM.YY") are not accepted.
    pub fn from_spec(spec: &str) -> Option<DateStyle> {
        let s = spec.trim().to_uppercase();
        match s.as_str() {
            "EXCEL" | "SERIAL" => return Some(DateStyle::ExcelSerial),
            "ISO" => return Some(DateStyle::Iso),
            "YYYYMMDD" => return Some(DateStyle::YmdCompact),
            _ => {}
        }
        let sep = s.chars().find(|c| !c.is_ascii_alphabetic())?;
        if !['.', '/', '-', ' '].contains(&sep) {
            return None;
        }
        let parts: Vec<&str> = s.split(sep).collect();
        let (day, month, mon) = (["D", "DD"], ["M", "MM"], "MMM");
        match parts.as_slice() {
            ["YYYY", m, d] if month.contains(m) && day.contains(d) => {
                Some(if sep == '-' { DateStyle::Iso } else { DateStyle::Ymd(sep) })
            }
            [d, m, "YYYY"] if day.contains(d) && month.contains(m) => Some(DateStyle::Dmy(sep)),
            [m, d, "YYYY"] if month.contains(m) && day.contains(d) => Some(DateStyle::Mdy(sep)),
            [d, m, "YYYY"] if day.contains(d) && *m == mon => Some(DateStyle::DMonY(sep)),
            _ => None,
        }
    }

    /// The canonical spec; `from_spec(spec())` gives the style back (`Ymd('-')` reads as `Iso`, which it equals).
    pub fn spec(self) -> String {
        match self {
            DateStyle::Iso => "YYYY-MM-DD".into(),
            DateStyle::Dmy(c) => format!("DD{c}MM{c}YYYY"),
            DateStyle::Mdy(c) => format!("MM{c}DD{c}YYYY"),
            DateStyle::Ymd(c) => format!("YYYY{c}MM{c}DD"),
            DateStyle::YmdCompact => "YYYYMMDD".into(),
            DateStyle::DMonY(c) => format!("DD{c}MMM{c}YYYY"),
            DateStyle::ExcelSerial => "excel".into(),
        }
    }

    /// 31 January 2026 in this style, for messages.
    fn example(self) -> String {
        match self {
            DateStyle::ExcelSerial => "46053".into(),
            _ => self.spec().replace("YYYY", "2026").replace("MMM", "Jan").replace("MM", "01").replace("DD", "31"),
        }
    }
}

/// The result of reading a text in one style.
enum Attempt {
    Date(NaiveDate),
    /// The text has this style's shape but is no valid date; the message says why.
    Bad(String),
    NoMatch,
}

/// Tries the styles in order (none given: ISO); also accepts a time part after the date ("2026-01-05 00:00:00",
/// "05.01.2026 13:45", "2026-01-05T10:00:00Z") and ignores it. Two-digit years are always an error asking for 4 digits.
/// Invalid dates (31.02.2026) are errors naming the date.
pub fn parse_date(text: &str, styles: &[DateStyle]) -> Result<NaiveDate, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("date is empty; give a date such as 2026-01-31".into());
    }
    let styles = if styles.is_empty() { &[DateStyle::Iso][..] } else { styles };
    let mut first_bad = None;
    for &style in styles {
        match attempt(t, style) {
            Attempt::Date(d) => return Ok(d),
            Attempt::Bad(msg) => {
                first_bad.get_or_insert(msg);
            }
            Attempt::NoMatch => {}
        }
    }
    Err(first_bad.unwrap_or_else(|| {
        let ex = styles.first().map_or_else(|| DateStyle::Iso.example(), |s| s.example());
        format!(
            "'{t}' is not a date in the expected format ({}); write it like {ex}, or set the profile's date format to \
             the one the file uses",
            specs(styles)
        )
    }))
}

fn attempt(t: &str, style: DateStyle) -> Attempt {
    let parsed = match style {
        DateStyle::ExcelSerial => return attempt_serial(t),
        DateStyle::YmdCompact => number(t, 8, 8).map(|(v, _, rest)| (v / 10_000, v / 100 % 100, v % 100, 4, rest)),
        DateStyle::Iso => ymd(t, '-'),
        DateStyle::Ymd(c) => ymd(t, c),
        DateStyle::Dmy(c) => day_month_year(t, c).map(|(d, m, y, yd, r)| (y, m, d, yd, r)),
        DateStyle::Mdy(c) => day_month_year(t, c).map(|(m, d, y, yd, r)| (y, m, d, yd, r)),
        DateStyle::DMonY(c) => number(t, 1, 2).and_then(|(d, _, r)| {
            let r = r.strip_prefix(c)?;
            let name_len: usize = r.chars().take_while(|ch| ch.is_alphabetic()).map(char::len_utf8).sum();
            let m = month_number(r.get(..name_len)?)?;
            let (y, yd, r) = number(r.get(name_len..)?.strip_prefix(c)?, 1, 4)?;
            Some((y, m, d, yd, r))
        }),
    };
    let Some((y, m, d, year_digits, rest)) = parsed else { return Attempt::NoMatch };
    if !is_time_part(rest) {
        return Attempt::NoMatch;
    }
    if year_digits != 4 {
        return Attempt::Bad(format!(
            "'{t}' has a {year_digits}-digit year; write the year with 4 digits, like {} ({}), e.g. by re-exporting \
             or setting the column's format in Excel",
            style.example(),
            style.spec()
        ));
    }
    validate(t, y, m, d)
}

/// `A<c>B<c>Y`, A and B of 1–2 digits, the year of up to 4 (fewer is reported, not skipped).
fn day_month_year(t: &str, c: char) -> Option<(u32, u32, u32, usize, &str)> {
    let (a, _, r) = number(t, 1, 2)?;
    let (b, _, r) = number(r.strip_prefix(c)?, 1, 2)?;
    let (y, yd, r) = number(r.strip_prefix(c)?, 1, 4)?;
    Some((a, b, y, yd, r))
}

/// `YYYY<c>M<c>D`, the year exactly 4 digits.
fn ymd(t: &str, c: char) -> Option<(u32, u32, u32, usize, &str)> {
    let (y, yd, r) = number(t, 4, 4)?;
    let (m, _, r) = number(r.strip_prefix(c)?, 1, 2)?;
    let (d, _, r) = number(r.strip_prefix(c)?, 1, 2)?;
    Some((y, m, d, yd, r))
}

/// A run of `min..=max` ASCII digits not followed by another digit: (value, digits, rest).
fn number(s: &str, min: usize, max: usize) -> Option<(u32, usize, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n < min || n > max {
        return None;
    }
    Some((s.get(..n)?.parse().ok()?, n, s.get(n..)?))
}

/// Nothing, or a time after a space or `T`: digits, `:`, fractions, AM/PM, a zone.
fn is_time_part(rest: &str) -> bool {
    let Some(time) = rest.strip_prefix([' ', 'T', 't']) else { return rest.is_empty() };
    let time = time.trim();
    time.starts_with(|c: char| c.is_ascii_digit())
        && time.chars().all(|c| c.is_ascii_digit() || " :.,+-ZzAPMapm".contains(c))
}

fn validate(t: &str, y: u32, m: u32, d: u32) -> Attempt {
    if y == 0 && m == 0 && d == 0 {
        return Attempt::Bad(format!("'{t}' is an all-zero placeholder, not a date; leave the cell empty instead"));
    }
    if !(1..=12).contains(&m) {
        return Attempt::Bad(format!("'{t}' has month {m}, which does not exist; check the date and its format"));
    }
    let year = i32::try_from(y).unwrap_or(i32::MAX);
    match NaiveDate::from_ymd_opt(year, m, d) {
        Some(date) => Attempt::Date(date),
        None => {
            let first = NaiveDate::from_ymd_opt(year, m, 1);
            let last = first.and_then(|f| f.checked_add_months(chrono::Months::new(1))).and_then(|n| n.pred_opt());
            let days = last.map_or(31, |l| l.day());
            let name = month_name(m);
            Attempt::Bad(format!(
                "'{t}' is not a valid date: {name} {y} has {days} days; correct the date in the source"
            ))
        }
    }
}

fn attempt_serial(t: &str) -> Attempt {
    // A fraction is the time of day: ignored, like a time part.
    let int = t.split_once('.').map_or(t, |(i, f)| if f.bytes().all(|b| b.is_ascii_digit()) { i } else { "" });
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return Attempt::NoMatch;
    }
    match int.parse::<i64>().ok().and_then(|n| excel_serial(n, false)) {
        Some(d) => Attempt::Date(d),
        None if int.parse::<i64>().ok() == Some(60) => Attempt::Bad(format!(
            "'{t}' is Excel's 29 February 1900, a day that never existed (a bug Excel keeps for Lotus 1-2-3); correct \
             the date in the source"
        )),
        None => Attempt::Bad(format!(
            "'{t}' is outside Excel's date range (serials 1 to 2958465, 1900-01-01 to 9999-12-31); check the column"
        )),
    }
}

/// English and German month names and abbreviations, lower-case; the first is the English name, for messages.
const MONTHS: [&[&str]; 12] = [
    &["january", "jan", "jän", "januar", "jänner"],
    &["february", "feb", "februar"],
    &["march", "mar", "mär", "mrz", "märz"],
    &["april", "apr"],
    &["may", "mai"],
    &["june", "jun", "juni"],
    &["july", "jul", "juli"],
    &["august", "aug"],
    &["september", "sep", "sept"],
    &["october", "oct", "okt", "oktober"],
    &["november", "nov"],
    &["december", "dec", "dez", "dezember"],
];

fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    let i = MONTHS.iter().position(|names| names.contains(&lower.as_str()))?;
    u32::try_from(i + 1).ok()
}

/// "February" for 2.
fn month_name(m: u32) -> String {
    let name = MONTHS.get(m.wrapping_sub(1) as usize).and_then(|n| n.first()).copied().unwrap_or("that month");
    let mut chars = name.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Excel serial day number → date (1900 system incl. Excel's fake 1900-02-29 handling; 1904 system when `date1904`).
///
/// 1900 system: 1 = 1900-01-01 … 59 = 1900-02-28; 60 is Excel's nonexistent 29 February 1900 and gives None (no
/// real date to show, and an AR date in 1900 is a mistake anyway); 61 = 1900-03-01 onwards. 1904 system: 0 =
/// 1904-01-01. Both end at 9999-12-31, Excel's last date; outside the range → None.
pub fn excel_serial(serial: i64, date1904: bool) -> Option<NaiveDate> {
    let (base, days) = if date1904 {
        if !(0..=2_957_003).contains(&serial) {
            return None;
        }
        (NaiveDate::from_ymd_opt(1904, 1, 1)?, serial)
    } else {
        match serial {
            1..=59 => (NaiveDate::from_ymd_opt(1899, 12, 31)?, serial),
            61..=2_958_465 => (NaiveDate::from_ymd_opt(1899, 12, 30)?, serial),
            _ => return None,
        }
    };
    base.checked_add_days(Days::new(u64::try_from(days).ok()?))
}

/// Styles [`infer_date_style`] chooses among, in preference order.
#[rustfmt::skip]
const INFERABLE: [DateStyle; 6] = [
    DateStyle::Iso, DateStyle::Dmy('.'), DateStyle::Dmy('/'), DateStyle::Mdy('/'), DateStyle::YmdCompact,
    DateStyle::DMonY('-'),
];

/// For files without a profile date format: the style that reads every sample, from Iso, Dmy('.'), Dmy('/'),
/// Mdy('/'), YmdCompact, DMonY('-'). When both day-first and month-first read all samples (every day ≤ 12), it's
/// ambiguous: an error, never a guess. Empty samples are skipped; no sample → Ok(Iso).
pub fn infer_date_style(samples: &[&str]) -> Result<DateStyle, String> {
    let mut alive = INFERABLE.to_vec();
    // The sample that last narrowed the choice: named when a later one contradicts it.
    let mut witness: Option<&str> = None;
    for sample in samples.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let before = alive.clone();
        alive.retain(|&st| reads(sample, st));
        if alive.is_empty() {
            let fits: Vec<DateStyle> = INFERABLE.iter().copied().filter(|&st| reads(sample, st)).collect();
            return Err(match witness {
                Some(w) if !fits.is_empty() => format!(
                    "mixed date formats: '{w}' and '{sample}' are not written the same way ({} vs {}); re-export with \
                     one date format, or set the profile's date format",
                    specs(&before),
                    specs(&fits)
                ),
                _ => parse_date(sample, &INFERABLE).err().unwrap_or_default(),
            });
        }
        if witness.is_none() || alive.len() < before.len() {
            witness = Some(sample);
        }
    }
    if witness.is_none() {
        return Ok(DateStyle::Iso);
    }
    if alive.contains(&DateStyle::Dmy('/')) && alive.contains(&DateStyle::Mdy('/')) {
        return Err("dates like 03/04/2026 could be 3 April or 4 March; set the profile's date format (DD/MM/YYYY or \
                    MM/DD/YYYY)"
            .into());
    }
    Ok(alive.first().copied().unwrap_or(DateStyle::Iso))
}

fn reads(text: &str, style: DateStyle) -> bool {
    matches!(attempt(text, style), Attempt::Date(_))
}

fn specs(styles: &[DateStyle]) -> String {
    styles.iter().map(|s| s.spec()).collect::<Vec<_>>().join(" or ")
}

#[cfg(test)]
#[path = "locale_tests.rs"]
mod tests;
