//! The texts of BAI2 details (`16` text and `88` continuations): the tags banks put in them
//! (GS/Citi `TAG: value`, US ACH addenda), ACH return reasons, and X12 820 remittance (`RMR`).

use super::{Direction, Entry, ReferredDocument};
use crate::money::{parse_minor, Currency};

/// Tags in `16`/`88` texts (GS/Citi `TAG:` style, US ACH addenda) read into entry fields.
#[rustfmt::skip]
const TAGS: &[&str] = &[
    "REMI", "EREF", "ENDT", "CREF", "DBNM", "CRNM", "DACT", "CACT", "DABA", "CABA", "DBIC", "CBIC", "CHKN", "TRID",
    "IDNM", "ORG", "OBI", "BNF", "BBK", "OGB", "FR", "PY", "BI", "OB", "OB1", "OB2", "OB3", "OB4",
    "BO", "BO1", "BO2", "BO3", "BO4", "ORIG CO NAME", "ORIG ID", "DESC DATE", "CO ENTRY DESCR", "SEC", "TRACE#",
    "EED", "IND ID", "IND NAME",
];

/// `TAG: value` pairs in one text piece, e.g. `OB:111111 BRANCH OB3:BANK NAME` → OB, OB3.
pub(super) fn scan_tags(piece: &str, out: &mut Vec<(&'static str, String)>) {
    let mut hits: Vec<(usize, &'static str)> = Vec::new();
    for (p, _) in piece.char_indices().filter(|(p, _)| *p == 0 || piece.as_bytes().get(p - 1) == Some(&b' ')) {
        let rest = piece.get(p..).unwrap_or_default();
        if let Some(tag) = TAGS.iter().find(|t| rest.strip_prefix(**t).is_some_and(|r| r.starts_with(':'))) {
            hits.push((p, tag));
        }
    }
    for (k, (p, tag)) in hits.iter().enumerate() {
        let end = hits.get(k + 1).map_or(piece.len(), |h| h.0);
        let value = piece.get(p + tag.len() + 1..end).unwrap_or_default().trim();
        if !value.is_empty() {
            out.push((tag, value.to_string()));
        }
    }
}

/// Fills names, accounts, end-to-end id and return reason from tagged texts.
pub(super) fn apply_tags(e: &mut Entry, texts: &[String]) {
    let mut tags = Vec::new();
    for t in texts {
        scan_tags(t, &mut tags);
    }
    let tag = |k: &str| tags.iter().find(|(t, _)| *t == k).map(|(_, v)| v.clone());
    let reason = texts.iter().find_map(|t| ach_reason(t));
    if reason.is_some() && (e.reversal || texts.iter().any(|t| t.to_ascii_uppercase().contains("RETURN"))) {
        e.reversal = true;
        e.return_reason = reason;
    }
    // ACH addenda name the originator (the payer, or who debits us) and the receiver; in a
    // return of our own entry the counterparty is the receiver.
    let ach = if e.reversal { tag("IND NAME") } else { tag("ORIG CO NAME") };
    // Citi: BO is "by order of" (payer account, BO1 its name); OB is the ordering bank.
    let by_order = tag("BO").map(|v| {
        let (acct, name) = v.split_once(' ').unwrap_or((&v, ""));
        (acct.bytes().all(|b| b.is_ascii_digit()).then(|| acct.to_string()), name.trim().to_string())
    });
    if e.direction == Direction::Credit {
        let bo_name = by_order.as_ref().map(|b| b.1.clone()).filter(|n| !n.is_empty());
        e.counterparty_name = tag("DBNM").or_else(|| tag("BO1")).or(bo_name).or_else(|| tag("ORG")).or(ach);
        e.counterparty_account = tag("DACT").or_else(|| by_order.and_then(|b| b.0));
    } else {
        e.counterparty_name = tag("CRNM").or_else(|| tag("BNF")).or(ach);
        e.counterparty_account = tag("CACT");
    }
    e.end_to_end_id = tag("EREF");
    if e.customer_ref.is_none() {
        e.customer_ref = tag("CHKN");
    }
}

/// An ACH return reason code (`R01`…`R99`) standing as a word of its own.
pub(super) fn ach_reason(t: &str) -> Option<String> {
    let b = t.as_bytes();
    let word = |j: usize| b.get(j).is_some_and(u8::is_ascii_alphanumeric);
    (0..b.len()).find_map(|i| {
        let digits = b.get(i + 1..i + 3).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
        let hit = b.get(i) == Some(&b'R') && digits && !(i > 0 && word(i - 1)) && !word(i + 3);
        hit.then(|| t.get(i..i + 3).map(str::to_string)).flatten()
    })
}

/// Invoices from ANSI X12 820 remittance in CTX addenda: `RMR*IV*number*PI*paid*total*discount\`,
/// with `ADX*amount*reason\` after it for an adjustment.
pub(super) fn referred_documents(texts: &[String], cur: Currency) -> Vec<ReferredDocument> {
    if !texts.iter().any(|t| t.contains("RMR*")) {
        return Vec::new();
    }
    // 88 lines may wrap mid-segment, so pieces are joined; a piece that starts a segment starts one.
    let mut joined = String::new();
    for t in texts {
        let starts =
            ["RMR*", "ADX*", "REF*", "DTM*", "N1*", "BPR*", "TRN*", "ENT*", "NM1*"].iter().any(|s| t.starts_with(s));
        if starts && !joined.is_empty() && !joined.ends_with(['\\', '~']) {
            joined.push('\\');
        }
        joined.push_str(t);
    }
    let money = |s: Option<&&str>| s.and_then(|v| parse_minor(v, cur).ok());
    let mut docs: Vec<ReferredDocument> = Vec::new();
    for seg in joined.split(['\\', '~']) {
        let seg = ["RMR*", "ADX*"].iter().filter_map(|k| seg.find(k)).min().and_then(|i| seg.get(i..)).unwrap_or("");
        let el: Vec<&str> = seg.trim().split('*').map(str::trim).collect();
        match (el.first().copied(), docs.last_mut()) {
            (Some("RMR"), _) if el.get(2).is_some_and(|n| !n.is_empty()) => docs.push(ReferredDocument {
                number: el.get(2).map_or_else(String::new, |n| n.to_string()),
                amount: money(el.get(4)),
                discount: money(el.get(6)).filter(|d| *d != 0),
                ..ReferredDocument::default()
            }),
            (Some("ADX"), Some(doc)) => {
                doc.deduction = money(el.get(1)).map(i64::abs);
                doc.reason = el.get(2).filter(|r| !r.is_empty()).map(|r| r.to_string());
            }
            _ => {}
        }
    }
    docs
}
