//! The `:86:` information of MT940 entries in its three forms: German DFÜ (`?00`…`?63` with the SEPA
//! keywords), the Dutch/SWIFT slash form (`/EREF/…/REMI/…`) and free text; and what they tell about
//! the entry (names, accounts, references, returns).

use super::mt940::LINE_WIDTH;
use super::Entry;

/// German GVCs that return an earlier payment: 009 Rücklastschrift, 159 SEPA Rücküberweisung.
const RETURN_GVCS: &[&str] = &["009", "159"];
/// German posting texts (`?00`) that name a return.
const RETURN_TEXTS: &[&str] =
    &["RETOURE", "RUECKLASTSCHRIFT", "RÜCKLASTSCHRIFT", "RUECKUEBERWEISUNG", "RÜCKÜBERWEISUNG"];
/// SEPA keywords inside the German purpose lines (DFÜ Anlage 3), and `MTLG:` (a bank's message, seen
/// in return texts) so that it doesn't run into the end-to-end id before it.
const SEPA_KEYS: &[&str] = &[
    "EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "SVWZ+", "ABWA+", "ABWE+", "IBAN+", "BIC+", "COAM+", "OAMT+", "MTLG:",
];
/// Keys of the Dutch/SWIFT slash form (ING, ABN AMRO, Rabobank).
const SLASH_KEYS: &[&str] = &[
    "EREF", "KREF", "MARF", "CSID", "CNTP", "ORDP", "BENM", "NAME", "ADDR", "ID", "REMI", "IBAN", "BIC", "TRTP",
    "RTRN", "PREF", "PURP", "ULTC", "ULTD", "ULTB", "EXCH", "CHGS", "COAM", "OAMT", "SVCL", "ISDT", "BUSP",
];

/// Fills the entry from its `:86:` lines (whatever the form) and finishes `type_code` and `texts`.
pub(super) fn apply_info(e: &mut Entry, lines: &[String], tx_type: &str, rabo_old: bool, supplementary: String) {
    let raw = join_display(lines);
    // SWIFT's transaction type RTI is a returned item, whatever the `:86:` says.
    if tx_type.get(1..) == Some("RTI") {
        e.reversal = true;
    }
    // The structured forms wrap at 65 characters mid-word, even inside a `?2` subfield marker.
    let glued = lines.concat();
    let mut remittance = None;
    if let Some(g) = German::parse(&glued) {
        g.apply(e, tx_type, &mut remittance);
    } else if glued.starts_with('/') && slash_key_at(&glued, 0).is_some() {
        apply_slash(e, &glued, &mut remittance);
    } else if rabo_old && lines.first().is_some_and(|l| l.trim().eq_ignore_ascii_case("Terugboeking")) {
        // Old Rabobank marks a direct-debit reversal only in the text.
        e.reversal = true;
    }
    // Remittance first, then the `:61:` supplementary details, then the raw `:86:` text.
    for text in [remittance.unwrap_or_default(), supplementary] {
        if !text.is_empty() && !e.texts.contains(&text) {
            e.texts.push(text);
        }
    }
    if !raw.is_empty() && !e.texts.contains(&raw) {
        e.texts.push(raw);
    }
}

/// The `:86:` lines as one display text: lines the bank wrapped at full width are glued, others
/// (short or padded lines) joined with a space.
pub(super) fn join_display(lines: &[String]) -> String {
    let mut out = String::new();
    let mut glue = false;
    for line in lines {
        let t = line.trim_end();
        if !out.is_empty() && !glue && !t.trim().is_empty() {
            out.push(' ');
        }
        out.push_str(if out.is_empty() { t.trim_start() } else { t });
        glue = line.chars().count() >= LINE_WIDTH && !line.ends_with(char::is_whitespace);
    }
    out
}

/// The German DFÜ `:86:` form: `GVC?00posting text?10primanota?20…?29purpose?30BIC?31account?32name…`.
struct German<'t> {
    gvc: &'t str,
    fields: Vec<(&'t str, &'t str)>,
}

impl<'t> German<'t> {
    fn parse(text: &'t str) -> Option<German<'t>> {
        let b = text.as_bytes();
        let sep = *b.get(3)?;
        let code_ok = b.get(..3)?.iter().all(u8::is_ascii_digit);
        let is_marker = |i: usize| {
            b.get(i) == Some(&sep)
                && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                && b.get(i + 2).is_some_and(u8::is_ascii_digit)
        };
        if !code_ok || sep.is_ascii_alphanumeric() || sep == b' ' || !sep.is_ascii() || !is_marker(3) {
            return None;
        }
        // `sep` is ASCII, so every marker position is a char boundary.
        let fields = segments(text, |i| if is_marker(i) { Some((text.get(i + 1..i + 3)?, 3)) } else { None }).1;
        Some(German { gvc: text.get(..3)?, fields })
    }

    fn field(&self, keys: &[&str]) -> String {
        self.fields.iter().filter(|(k, _)| keys.contains(k)).map(|(_, v)| *v).collect()
    }

    fn apply(&self, e: &mut Entry, tx_type: &str, remittance: &mut Option<String>) {
        e.type_code = Some(format!("{tx_type}/{}", self.gvc));
        let purpose_keys = ["20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "60", "61", "62", "63"];
        let purpose = self.field(&purpose_keys);
        let sepa_key = |i| SEPA_KEYS.iter().find(|k| purpose.get(i..).is_some_and(|r| r.starts_with(*k)));
        let (free, parts) = segments(&purpose, |i| sepa_key(i).map(|k| (*k, k.len())));
        let part = |key: &str| parts.iter().find(|(k, _)| *k == key).map(|(_, v)| v.trim().to_string());
        e.end_to_end_id = part("EREF+").filter(|v| !v.is_empty() && v != "NOTPROVIDED");
        e.creditor_refs.extend(
            parts.iter().filter(|(k, v)| *k == "KREF+" && !v.trim().is_empty()).map(|(_, v)| v.trim().to_string()),
        );
        *remittance = part("SVWZ+").or_else(|| part("MTLG:")).or_else(|| Some(free.trim().to_string()));
        let name = collapse(&self.field(&["32", "33"]));
        e.counterparty_name = Some(name).filter(|n| !n.is_empty()).or_else(|| part("ABWA+").filter(|n| !n.is_empty()));
        let account = self.field(&["31"]).trim().to_string();
        e.counterparty_account =
            Some(account).filter(|a| !a.is_empty()).or_else(|| part("IBAN+").filter(|a| !a.is_empty()));
        let posting = self.field(&["00"]).to_uppercase();
        if RETURN_GVCS.contains(&self.gvc) || RETURN_TEXTS.iter().any(|t| posting.contains(t)) {
            e.reversal = true;
        }
        // `?34` is a return reason only on returns; elsewhere it is a plain Textschlüsselergänzung.
        let code = self.field(&["34"]).trim().to_string();
        if e.reversal && !code.is_empty() {
            e.return_reason = Some(code);
        }
    }
}

/// Splits `text` at keys: `key_at(i)` gives the key starting at byte `i` and the bytes its marker takes
/// → (text before the first key, [(key, value up to the next key)]).
fn segments<'t>(
    text: &'t str,
    key_at: impl Fn(usize) -> Option<(&'t str, usize)>,
) -> (&'t str, Vec<(&'t str, &'t str)>) {
    let marks: Vec<(usize, (&str, usize))> = text.char_indices().filter_map(|(i, _)| Some((i, key_at(i)?))).collect();
    let free = text.get(..marks.first().map_or(text.len(), |m| m.0)).unwrap_or("");
    let parts = marks.iter().enumerate().filter_map(|(n, &(i, (key, skip)))| {
        let end = marks.get(n + 1).map_or(text.len(), |m| m.0);
        Some((key, text.get(i + skip..end)?))
    });
    (free, parts.collect())
}

/// The slash-form key starting at byte `i` (`/KEY/`), if any.
fn slash_key_at(text: &str, i: usize) -> Option<&'static str> {
    let rest = text.get(i..)?.strip_prefix('/')?;
    SLASH_KEYS.iter().find(|k| rest.strip_prefix(**k).is_some_and(|r| r.starts_with('/'))).copied()
}

/// The Dutch/SWIFT slash form: `/EREF/…//CNTP/iban/bic/name///REMI/USTD//text/`, `/ORDP//NAME/…`, `/RTRN/MS03/`.
fn apply_slash(e: &mut Entry, text: &str, remittance: &mut Option<String>) {
    let mut cntp: Option<Vec<String>> = None;
    for (key, value) in segments(text, |i| slash_key_at(text, i).map(|k| (k, k.len() + 2))).1 {
        let value = value.trim().trim_matches('/').trim();
        match key {
            "EREF" if !value.is_empty() && value != "NOTPROVIDED" => e.end_to_end_id = Some(value.to_string()),
            "KREF" if !value.is_empty() => e.creditor_refs.push(value.to_string()),
            "NAME" if e.counterparty_name.is_none() && !value.is_empty() => e.counterparty_name = Some(collapse(value)),
            "IBAN" if !value.is_empty() => e.counterparty_account = Some(value.to_string()),
            "CNTP" => cntp = Some(value.split('/').map(|p| p.trim().to_string()).collect()),
            "RTRN" if !value.is_empty() => {
                e.return_reason = value.split('/').next().map(str::to_string);
                e.reversal = true;
            }
            "REMI" => {
                if let Some(t) = value.strip_prefix("USTD") {
                    *remittance = Some(t.trim_matches('/').trim().to_string());
                } else if value.starts_with("STRD") {
                    // Structured: `STRD/CUR/1234567890123456` — the payment reference is the last part.
                    let refs: Vec<&str> = value
                        .split('/')
                        .map(str::trim)
                        .filter(|p| !p.is_empty() && !["STRD", "CUR", "ISSR", "SCOR", "REF"].contains(p))
                        .collect();
                    if let Some(r) = refs.last() {
                        e.creditor_refs.push((*r).to_string());
                    }
                    *remittance = Some(refs.join(" "));
                } else {
                    *remittance = Some(value.to_string());
                }
            }
            _ => {}
        }
    }
    if let Some(parts) = cntp {
        let part = |i: usize| parts.get(i).filter(|p| !p.is_empty()).cloned();
        e.counterparty_account = e.counterparty_account.take().or_else(|| part(0));
        e.counterparty_name = e.counterparty_name.take().or_else(|| part(2).map(|n| collapse(&n)));
    }
}

/// Collapses runs of whitespace (padding inside names wrapped across `?32`/`?33`).
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
