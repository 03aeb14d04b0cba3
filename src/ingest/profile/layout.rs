//! Finding the header row below a report's title lines and resolving each canonical column to a file column.

use super::spec::Rules;
use super::{ProfileIssue, RawRow, Where};
use std::collections::HashMap;

/// The header row is looked for among this many rows from the top.
const HEADER_SEARCH: usize = 200;
/// Headings listed in a missing-column message, and headings compared for the closest match.
const LIST_HEADINGS: usize = 100;
const CLOSEST_AMONG: usize = 1000;

/// A resolved column: its index and its heading as written.
#[derive(Clone, Debug)]
pub(super) struct Col {
    pub idx: usize,
    pub heading: String,
}

/// Every column the profile can use, resolved against one file's header.
#[derive(Debug, Default)]
pub(super) struct Cols {
    pub customer: Option<Col>,
    pub customer_id: Option<Col>,
    pub customer_name: Option<Col>,
    pub email: Option<Col>,
    pub document_no: Option<Col>,
    pub doc_date: Option<Col>,
    pub due_date: Option<Col>,
    pub reference: Option<Col>,
    pub po_number: Option<Col>,
    pub pay_reference: Option<Col>,
    pub amount: Option<Col>,
    pub currency: Option<Col>,
    pub open: Option<Col>,
    pub doc_type: Option<Col>,
    pub status: Option<Col>,
    pub indicator: Option<Col>,
    pub clearing_doc: Option<Col>,
    pub clearing_date: Option<Col>,
    pub skip_if_set: Vec<Col>,
}

/// The header and its columns.
pub(super) struct Frame {
    /// Index into the rows of the header row.
    pub header_idx: usize,
    pub header_row: u64,
    /// The first column with a heading: a lone label at or before it is a section row.
    pub first_named: usize,
    pub cols: Cols,
}

/// Headings are matched ignoring case and white space (a BOM too, should the reader have left one).
pub(super) fn norm(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '\u{feff}').flat_map(char::to_lowercase).collect()
}

pub(super) fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| trim(c).is_empty())
}

/// `str::trim` without its Unicode scan when the ends are plain ASCII (most cells): a million rows call it a lot.
pub(super) fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&a), Some(&b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// (what the column is called in messages, candidate headings, required) for every single-heading column.
fn fields<'a>(r: &Rules<'a>) -> Vec<(&'static str, &'a [String])> {
    let p = r.p;
    let c = &p.columns;
    let mut f: Vec<(&'static str, &'a [String])> = vec![
        ("customer", &c.customer),
        ("customer_id", &c.customer_id),
        ("customer_name", &c.customer_name),
        ("email", &c.email),
        ("document_no", &c.document_no),
        ("doc_date", &c.doc_date),
        ("due_date", &c.due_date),
        ("reference", &c.reference),
        ("po_number", &c.po_number),
        ("document type", &p.doc_types.column),
        ("debit/credit indicator", &p.sign.indicator),
        ("skip_if_set", &p.rows.skip_if_set),
    ];
    if let Some(pc) = &c.payments {
        f.push(("payment reference", &pc.reference));
    }
    if let Some(s) = &p.status {
        f.push(("status", &s.column));
    }
    if let Some(cl) = &p.clearing {
        f.push(("clearing document", &cl.document));
        f.push(("clearing date", &cl.date));
    }
    if let Some(o) = &p.open_items {
        f.push(("open amount", &o.open_amount));
    }
    f
}

/// Finds the header row (the first row with the most of the profile's headings, at least two) and resolves the
/// columns. Errors: an empty file, no header, missing required columns (with the file's headings and the closest
/// match), duplicate headings the profile would use.
pub(super) fn find(r: &Rules, rows: &[RawRow], at: &Where) -> Result<Frame, Vec<ProfileIssue>> {
    let issue = ProfileIssue::general;
    if rows.iter().all(|row| is_blank(&row.cells)) {
        return Err(vec![issue("the file has no header row and no data (it is empty); export the list again".into())]);
    }
    // normalised heading → the fields it can stand for
    let mut known: HashMap<String, Vec<usize>> = HashMap::new();
    let all = fields(r);
    for (i, (_, cands)) in all.iter().enumerate() {
        for c in cands.iter() {
            known.entry(norm(c)).or_default().push(i);
        }
    }
    let amount_field = all.len();
    let currency_field = all.len() + 1;
    for (a, c) in &r.p.amount.pairs {
        known.entry(norm(a)).or_default().push(amount_field);
        if !c.is_empty() {
            known.entry(norm(c)).or_default().push(currency_field);
        }
    }
    let mut best: Option<(usize, usize)> = None;
    for (i, row) in rows.iter().enumerate().take(HEADER_SEARCH) {
        let mut hit = vec![false; all.len() + 2];
        for cell in &row.cells {
            if let Some(fs) = known.get(&norm(cell)) {
                for &f in fs {
                    if let Some(h) = hit.get_mut(f) {
                        *h = true;
                    }
                }
            }
        }
        let n = hit.iter().filter(|h| **h).count();
        if n >= 2 && best.is_none_or(|(_, b)| n > b) {
            best = Some((i, n));
        }
    }
    let Some((header_idx, _)) = best else {
        let first = rows.iter().find(|row| !is_blank(&row.cells));
        let shown = first.map(|row| shown_cells(&row.cells)).unwrap_or_default();
        let wanted: Vec<&str> =
            r.p.columns.document_no.iter().chain(r.p.columns.doc_date.iter()).map(String::as_str).collect();
        return Err(vec![issue(format!(
            "no header row found in the first {HEADER_SEARCH} lines: none has two of the headings profile '{}' \
             looks for (such as {}); the first non-empty line holds: {shown}. Check that this is the right file and \
             profile (--profile)",
            r.p.name,
            wanted.join(", ")
        ))]);
    };
    let Some(header) = rows.get(header_idx) else { return Err(vec![]) };
    let headings: Vec<String> =
        header.cells.iter().map(|c| c.trim().trim_start_matches('\u{feff}').to_string()).collect();
    let mut res = Resolver {
        at,
        row: header.row,
        headings: &headings,
        normed: headings.iter().map(|h| norm(h)).collect(),
        used: vec![false; headings.len()],
        issues: vec![],
    };
    let c = &r.p.columns;
    let mut cols = Cols {
        customer: res.pick(&c.customer),
        customer_id: res.pick(&c.customer_id),
        customer_name: res.pick(&c.customer_name),
        email: res.pick(&c.email),
        document_no: res.pick(&c.document_no),
        doc_date: res.pick(&c.doc_date),
        due_date: res.pick(&c.due_date),
        reference: res.pick(&c.reference),
        po_number: res.pick(&c.po_number),
        pay_reference: c.payments.as_ref().and_then(|pc| res.pick(&pc.reference)),
        doc_type: res.pick(&r.p.doc_types.column),
        status: r.p.status.as_ref().and_then(|s| res.pick(&s.column)),
        indicator: res.pick(&r.p.sign.indicator),
        clearing_doc: r.p.clearing.as_ref().and_then(|cl| res.pick(&cl.document)),
        clearing_date: r.p.clearing.as_ref().and_then(|cl| res.pick(&cl.date)),
        open: r.p.open_items.as_ref().and_then(|o| res.pick(&o.open_amount)),
        ..Cols::default()
    };
    // A skip_if_set heading is any of the list (several may be present), not a first-wins choice.
    for h in &r.p.rows.skip_if_set {
        if let Some(col) = res.pick(std::slice::from_ref(h)) {
            cols.skip_if_set.push(col);
        }
    }
    let pair = r.p.amount.pairs.iter().find(|(a, cur)| res.has(a) && (cur.is_empty() || res.has(cur)));
    if let Some((a, cur)) = pair {
        cols.amount = res.pick(std::slice::from_ref(a));
        if !cur.is_empty() {
            cols.currency = res.pick(std::slice::from_ref(cur));
        }
    }
    // Required columns, reported after every pick so the closest match is looked for among unused headings only.
    let mut missing: Vec<(&str, Vec<&str>, &str)> = Vec::new();
    if cols.document_no.is_none() {
        missing.push(("document_no", c.document_no.iter().map(String::as_str).collect(), "[columns] document_no"));
    }
    if cols.doc_date.is_none() {
        missing.push(("doc_date", c.doc_date.iter().map(String::as_str).collect(), "[columns] doc_date"));
    }
    if cols.amount.is_none() {
        let mut names: Vec<&str> = Vec::new();
        for (a, _) in &r.p.amount.pairs {
            if !names.contains(&a.as_str()) {
                names.push(a);
            }
        }
        missing.push(("amount", names, "[amount] pairs"));
    }
    if cols.customer.is_none() && cols.customer_id.is_none() && !r.p.layout.section_rows {
        let names = c.customer.iter().chain(c.customer_id.iter()).map(String::as_str).collect();
        missing.push(("the customer", names, "[columns] customer or customer_id"));
    }
    if cols.doc_type.is_none() && r.absent.is_none() {
        missing.push((
            "the document type",
            r.p.doc_types.column.iter().map(String::as_str).collect(),
            "[doc_types] column",
        ));
    }
    for (what, wanted, key) in missing {
        let msg = res.missing(what, &wanted, key);
        res.issues.push(msg);
    }
    if !res.issues.is_empty() {
        return Err(res.issues);
    }
    let first_named = headings.iter().position(|h| !h.is_empty()).unwrap_or(0);
    Ok(Frame { header_idx, header_row: header.row, first_named, cols })
}

/// Up to 12 cells of a row, quoted, for messages.
fn shown_cells(cells: &[String]) -> String {
    let shown: Vec<String> =
        cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).take(12).map(|c| format!("'{c}'")).collect();
    shown.join(", ")
}

struct Resolver<'a> {
    at: &'a Where<'a>,
    row: u64,
    headings: &'a [String],
    normed: Vec<String>,
    used: Vec<bool>,
    issues: Vec<ProfileIssue>,
}

impl Resolver<'_> {
    fn has(&self, heading: &str) -> bool {
        let n = norm(heading);
        self.normed.contains(&n)
    }

    /// The first candidate present; a candidate present twice is an error (which one would be meant?).
    fn pick(&mut self, candidates: &[String]) -> Option<Col> {
        for cand in candidates {
            let n = norm(cand);
            if n.is_empty() {
                continue;
            }
            let at: Vec<usize> = self.normed.iter().enumerate().filter(|(_, h)| **h == n).map(|(i, _)| i).collect();
            let Some(&idx) = at.first() else { continue };
            if at.len() > 1 && !self.at_already_reported(&n) {
                let letters: Vec<String> = at.iter().map(|&i| super::column_letters(i)).collect();
                let heading = self.headings.get(idx).cloned().unwrap_or_default();
                self.issues.push(ProfileIssue {
                    row: Some(self.row),
                    column: Some(heading.clone()),
                    place: self.at.row(self.row),
                    message: format!(
                        "heading '{heading}' appears {} (columns {}); the profile can't tell which one to read — \
                         rename or remove all but one",
                        if at.len() == 2 { "twice".to_string() } else { format!("{} times", at.len()) },
                        join_and(&letters)
                    ),
                });
            }
            for &i in &at {
                if let Some(u) = self.used.get_mut(i) {
                    *u = true;
                }
            }
            let heading = self.headings.get(idx).cloned().unwrap_or_default();
            return Some(Col { idx, heading });
        }
        None
    }

    fn at_already_reported(&self, n: &str) -> bool {
        self.issues.iter().any(|i| i.column.as_deref().is_some_and(|c| norm(c) == n))
    }

    /// "no column for X (wanted one of: …); the file's headings are: …; closest match: '…'".
    fn missing(&self, what: &str, wanted: &[&str], key: &str) -> ProfileIssue {
        let mut named: Vec<&str> = self.headings.iter().map(String::as_str).filter(|h| !h.is_empty()).collect();
        // A runaway header (a million fields on one line) is not listed whole.
        let more = named.len().saturating_sub(LIST_HEADINGS);
        named.truncate(LIST_HEADINGS);
        let more = if more > 0 { format!(" … and {more} more") } else { String::new() };
        let last_named = self.headings.iter().rposition(|h| !h.is_empty()).unwrap_or(0);
        let unnamed = self.headings.iter().take(last_named).filter(|h| h.is_empty()).count();
        let unnamed_note = match unnamed {
            0 => String::new(),
            1 if self.headings.first().is_some_and(|h| h.is_empty()) => " (and an unnamed first column)".into(),
            n => format!(" (and {n} unnamed columns)"),
        };
        let closest = self
            .headings
            .iter()
            .zip(&self.used)
            .filter(|(h, used)| !h.is_empty() && !**used)
            .take(CLOSEST_AMONG)
            .filter_map(|(h, _)| {
                let hn = norm(h);
                let best = wanted.iter().map(|w| distance(&hn, &norm(w))).min()?;
                Some((best, h))
            })
            .min_by_key(|(d, _)| *d)
            .map(|(_, h)| format!("; closest match: '{h}'"))
            .unwrap_or_default();
        ProfileIssue {
            row: Some(self.row),
            column: None,
            place: format!("{} (the header)", self.at.row(self.row)),
            message: format!(
                "no column for {what} (wanted one of: {}); the file's headings are: {}{more}{unnamed_note}{closest}. \
                 Rename the column in the file, or add its heading to the profile's {key}",
                wanted.join(", "),
                named.join(", "),
            ),
        }
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Edit distance relative to the longer string, in thousandths: a short heading is not "close" to everything.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    let d = prev.last().copied().unwrap_or(0);
    d * 1000 / a.len().max(b.len()).max(1)
}

/// Words that give a heading away as a due date or a currency, in the languages ERPs export in.
const DUE_WORDS: &[&str] = &[
    "due",
    "fällig",
    "faellig",
    "échéance",
    "echeance",
    "vencim",
    "scadenz",
    "vervaldat",
    "vervaldag",
    "termin",
    "падеж",
];
/// …unless the heading is an amount ("Amount Due", "Balance due").
const AMOUNT_WORDS: &[&str] = &[
    "amount", "amt", "balance", "total", "betrag", "montant", "importe", "importo", "bedrag", "kwota", "сума", "days",
];
/// Currency words are matched as whole words ("Curr." yes; "Current", "Valutadatum" no).
const CURRENCY_WORDS: &[&str] = &[
    "currency",
    "curr",
    "crcy",
    "ccy",
    "währung",
    "waehrung",
    "währ",
    "devise",
    "moneda",
    "divisa",
    "valuta",
    "waluta",
    "валута",
];

/// Warnings for optional columns the profile did not find while a heading looks like one: a due
/// date silently defaulting to the document date changes every aging, a missing currency column
/// puts every amount in one currency. Each warning names the heading, so the user can map it
/// in a profile of their own (or `--currency`).
pub(super) fn lookalikes(r: &Rules, f: &Frame, rows: &[RawRow]) -> Vec<String> {
    let Some(header) = rows.get(f.header_idx) else { return Vec::new() };
    let c = &f.cols;
    let used: Vec<usize> = [
        &c.customer,
        &c.customer_id,
        &c.customer_name,
        &c.email,
        &c.document_no,
        &c.doc_date,
        &c.due_date,
        &c.reference,
        &c.po_number,
        &c.pay_reference,
        &c.amount,
        &c.currency,
        &c.open,
        &c.doc_type,
        &c.status,
        &c.indicator,
        &c.clearing_doc,
        &c.clearing_date,
    ]
    .into_iter()
    .flatten()
    .map(|col| col.idx)
    .chain(c.skip_if_set.iter().map(|col| col.idx))
    .collect();
    let free = |words: &[&str], whole: bool| -> Option<String> {
        header.cells.iter().enumerate().filter(|(i, _)| !used.contains(i)).find_map(|(_, h)| {
            let low = h.trim().to_lowercase();
            let amount = AMOUNT_WORDS.iter().any(|w| low.contains(w));
            let hit = if whole {
                low.split(|c: char| !c.is_alphanumeric()).any(|part| words.contains(&part))
            } else {
                words.iter().any(|w| low.contains(w))
            };
            (hit && !amount).then(|| h.trim().to_string())
        })
    };
    let mut out = Vec::new();
    if c.due_date.is_none() {
        if let Some(h) = free(DUE_WORDS, false) {
            out.push(format!(
                "warning: no due-date column among the profile's headings ({}), but the file has '{h}'; due dates default to the document date, which changes every aging. If '{h}' is the due date, map it in a profile of your own (arx profiles show {} > p.toml, add it to due_date, put it under [profiles.NAME] in arx.toml)",
                r.p.columns.due_date.join(", "),
                r.p.name
            ));
        }
    }
    if c.currency.is_none() && r.currency.is_none() {
        if let Some(h) = free(CURRENCY_WORDS, true) {
            out.push(format!(
                "warning: no currency column among the profile's headings, but the file has '{h}'; every amount is taken in one currency (--currency or the workspace's). If '{h}' holds each row's currency, map it in a profile of your own"
            ));
        }
    }
    out
}
