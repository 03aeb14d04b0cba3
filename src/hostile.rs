//! Text from input files on its way in and out: the one home of the rules for hostile or
//! accidental text (README "Limits and hostile input").
//!
//! - In: [`clean_text`] normalises every text field to NFC and enforces the length limits;
//!   [`check_id`] refuses invisible format characters (Unicode Cf) in ids.
//! - Out: [`looks_like_formula`] says which text a spreadsheet would take for a formula; the
//!   xlsx writer quote-prefixes those cells and [`write_csv_record`] neutralises them in report
//!   CSVs (OWASP: prefix `'`, quote the field); [`clip_for_cell`] keeps a cell within Excel's
//!   32,767-character limit with a visible marker.

use crate::error::is_format_char;
use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Longest id (document number, customer, payment, source, parent), in characters.
pub const MAX_ID_CHARS: usize = 256;
/// Longest other text field (names, references, notes…), in characters: Excel's cell limit.
pub const MAX_TEXT_CHARS: usize = 32_767;
/// Excel's limit on the characters of one cell.
pub const EXCEL_CELL_CHARS: usize = 32_767;

/// `text` in Unicode NFC (a composed `é` and `e` + combining acute are one spelling).
pub fn nfc(text: &str) -> Cow<'_, str> {
    // ASCII is NFC already, and nearly every field is ASCII: a fast check first.
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => Cow::Borrowed(text),
        _ => {
            let n: String = text.nfc().collect();
            if n == text {
                Cow::Borrowed(text)
            } else {
                Cow::Owned(n)
            }
        }
    }
}

/// The name of a format character, for messages (`U+200B ZERO WIDTH SPACE`).
pub fn describe_char(c: char) -> String {
    let name = match c {
        '\u{ad}' => "SOFT HYPHEN",
        '\u{61c}' => "ARABIC LETTER MARK",
        '\u{180e}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{200c}' => "ZERO WIDTH NON-JOINER",
        '\u{200d}' => "ZERO WIDTH JOINER",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        '\u{202a}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202b}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202c}' => "POP DIRECTIONAL FORMATTING",
        '\u{202d}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202e}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2061}'..='\u{2064}' => "INVISIBLE OPERATOR",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE (byte order mark)",
        '\u{e0001}' | '\u{e0020}'..='\u{e007f}' => "TAG CHARACTER",
        _ => "FORMAT CHARACTER",
    };
    format!("U+{:04X} {name}", c as u32)
}

/// An id must not hold invisible format characters: `INV-2` and `INV\u{200b}-2` would be two
/// records that look the same everywhere.
pub fn check_id(text: &str) -> Result<(), String> {
    if let Some((pos, c)) = text.chars().enumerate().find(|(_, c)| is_format_char(*c)) {
        return Err(format!(
            "contains the invisible character {} at character {} of '{}'; remove it (ids must not hold invisible characters, which make look-alike duplicates)",
            describe_char(c),
            pos + 1,
            crate::error::quote_value(text)
        ));
    }
    Ok(())
}

/// The limit for a text field: [`MAX_ID_CHARS`] for ids, else [`MAX_TEXT_CHARS`].
pub fn limit(id: bool) -> usize {
    if id {
        MAX_ID_CHARS
    } else {
        MAX_TEXT_CHARS
    }
}

/// A text field as it is stored: NFC, within its length limit, and (for ids) without format
/// characters. Err is the message for the field.
pub fn clean_text(text: &str, id: bool) -> Result<Cow<'_, str>, String> {
    let max = limit(id);
    // Bytes bound characters from above: most values skip the count.
    if text.len() > max {
        let n = text.chars().count();
        if n > max {
            let what = if id { "an id" } else { "a text field" };
            return Err(format!(
                "is {n} characters long; {what} may have at most {max} characters (a fixed arx limit{}). Shorten it in the source",
                if id { "" } else { ": Excel's cell size" }
            ));
        }
    }
    if id {
        check_id(text)?;
    }
    Ok(nfc(text))
}

/// Whether a spreadsheet would take `text` for a formula: it starts with `=`, `+`, `-` or `@`,
/// also after the leading spaces, tabs and line breaks a spreadsheet trims.
pub fn looks_like_formula(text: &str) -> bool {
    text.trim_start_matches([' ', '\t', '\r', '\n']).starts_with(['=', '+', '-', '@'])
}

/// A plain number (`-12.50`, `+3`, `1,234.5`): a spreadsheet reads it as a number, never a formula.
fn is_plain_number(text: &str) -> bool {
    let t = text.trim();
    let t = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit() || b == b',')
        && int.as_bytes()[0].is_ascii_digit()
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a CSV field from data must be neutralised (formula-like text that is not a number).
pub fn csv_needs_neutralising(text: &str) -> bool {
    looks_like_formula(text) && !is_plain_number(text)
}

/// Writes one CSV record (`,`, `"` quoting as the csv crate does: only where needed) to `out`.
/// Fields marked `data` (text from inputs) that a spreadsheet would run as a formula are written
/// `"'=…"` (OWASP: a leading `'`, the field quoted). Amounts and other numbers are never marked
/// `data` and are never changed.
pub fn write_csv_record<'a>(out: &mut Vec<u8>, fields: impl IntoIterator<Item = (&'a str, bool)>) {
    let mut n = 0usize;
    let start = out.len();
    for (text, data) in fields {
        if n > 0 {
            out.push(b',');
        }
        n += 1;
        let neutralise = data && csv_needs_neutralising(text);
        let quote = neutralise || text.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
        if quote {
            out.push(b'"');
            if neutralise {
                out.push(b'\'');
            }
            for b in text.bytes() {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(text.as_bytes());
        }
    }
    // A record of one empty field is written `""` (else it would read as no record at all).
    if n == 1 && out.len() == start {
        out.extend_from_slice(b"\"\"");
    }
    out.push(b'\n');
}

/// Text within Excel's cell limit: longer text is cut, ending in `… [truncated, N characters]`
/// (N = the original length), so a report never fails on data arx accepted.
pub fn clip_for_cell(text: &str) -> Cow<'_, str> {
    if text.len() <= EXCEL_CELL_CHARS {
        return Cow::Borrowed(text);
    }
    let n = text.chars().count();
    if n <= EXCEL_CELL_CHARS {
        return Cow::Borrowed(text);
    }
    let marker = format!("… [truncated, {n} characters]");
    let keep = EXCEL_CELL_CHARS - marker.chars().count();
    let mut out: String = text.chars().take(keep).collect();
    out.push_str(&marker);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_told_from_numbers() {
        for f in ["=1+2", "+1+1", "-x", "@SUM(A1)", " =1", "\t=1", "\r\n@x", "-1+2", "=-12.50"] {
            assert!(looks_like_formula(f), "{f:?}");
            assert!(csv_needs_neutralising(f), "{f:?}");
        }
        for n in ["-12.50", "+3", "-1,234.5", "-0"] {
            assert!(!csv_needs_neutralising(n), "{n:?}");
        }
        for t in ["ACME", "a=b", "", "'=1"] {
            assert!(!looks_like_formula(t), "{t:?}");
        }
    }

    #[test]
    fn csv_records_neutralise_data_only() {
        let mut out = Vec::new();
        write_csv_record(&mut out, [("=HYPERLINK(\"x\")", true), ("-12.50", true), ("-12.50", false), ("a,b", false)]);
        assert_eq!(String::from_utf8(out).unwrap(), "\"'=HYPERLINK(\"\"x\"\")\",-12.50,-12.50,\"a,b\"\n");
        let mut out = Vec::new();
        write_csv_record(&mut out, [("", true)]);
        assert_eq!(out, b"\"\"\n");
    }

    #[test]
    fn ids_refuse_invisible_characters_and_text_is_nfc() {
        let e = check_id("INV\u{200b}-2").unwrap_err();
        assert!(e.contains("U+200B ZERO WIDTH SPACE at character 4"), "{e}");
        assert_eq!(clean_text("Cafe\u{301}", true).unwrap(), "Caf\u{e9}");
        assert!(clean_text(&"x".repeat(257), true).unwrap_err().contains("at most 256"));
        assert!(clean_text(&"x".repeat(40_000), false).unwrap_err().contains("at most 32767"));
    }

    #[test]
    fn long_cells_are_clipped_with_a_marker() {
        let long = "é".repeat(40_000);
        let c = clip_for_cell(&long);
        assert_eq!(c.chars().count(), EXCEL_CELL_CHARS);
        assert!(c.ends_with("… [truncated, 40000 characters]"));
        assert_eq!(clip_for_cell("short"), "short");
    }
}
