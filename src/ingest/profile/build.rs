//! From read rows to canonical kinds: invoice lines grouped into documents, open-item exports' settled parts as
//! write-offs at the key date, clearing groups turned into applications, customers (with parents) collected.

use super::layout::Frame;
use super::read::{Ignored, Read, Record};
use super::spec::{DocKind, Rules};
use super::FastMap;
use super::{CanonicalRows, Kind, Mapped, ProfileIssue, Where};
use crate::money::Currency;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::collections::hash_map::Entry;
use std::collections::BTreeMap;

/// Canonical rows with the source row each came from.
type Out = Vec<(u64, Vec<String>)>;

/// A document or payment made of one or more rows (the record of its first row).
struct Item {
    rec: Record,
}

pub(super) fn build(r: &Rules, f: &Frame, read: Read, at: &Where) -> Result<Mapped, Vec<ProfileIssue>> {
    let mut b = Builder { r, f, at, issues: Vec::new(), notes: Vec::new(), apps: Vec::new() };
    b.note_ignored(&read.ignored);
    let items = b.items(read.records);
    b.clearing(&items);
    let customers = b.customers(&items);
    let (invoices, payments) = b.amounts(items, read.key_date, &read.key_source);
    if !b.issues.is_empty() {
        return Err(b.issues);
    }
    let c = &f.cols;
    let heading = |col: &Option<super::layout::Col>| col.as_ref().map(|c| c.heading.clone());
    let currency_src = heading(&c.currency).unwrap_or_else(|| "--currency or the profile's currency".into());
    let customer_src =
        heading(&c.customer_id).or_else(|| heading(&c.customer)).unwrap_or_else(|| "section rows".into());
    let open_items = c.open.is_some();
    let mut kinds = BTreeMap::new();
    let mut put = |kind: Kind, rows: Out, src: Vec<(&str, Option<String>)>| {
        if rows.is_empty() {
            return;
        }
        let source_column = src.into_iter().filter_map(|(k, v)| Some((k.to_string(), v?))).collect();
        let header = kind.header().iter().map(|s| s.to_string()).collect();
        kinds.insert(kind, CanonicalRows { header, rows, source_column });
    };
    put(
        Kind::Customers,
        customers,
        vec![
            ("customer_id", Some(customer_src.clone())),
            ("name", heading(&c.customer_name).or_else(|| heading(&c.customer)).or(Some(customer_src.clone()))),
            ("email", heading(&c.email)),
            ("parent_id", heading(&c.customer)),
        ],
    );
    put(
        Kind::Invoices,
        invoices,
        vec![
            ("document_no", heading(&c.document_no)),
            ("customer_id", Some(customer_src.clone())),
            ("doc_date", heading(&c.doc_date)),
            ("amount", heading(&c.amount)),
            ("currency", Some(currency_src.clone())),
            ("doc_type", heading(&c.doc_type)),
            ("due_date", heading(&c.due_date)),
            ("reference", heading(&c.reference)),
            ("po_number", heading(&c.po_number)),
        ],
    );
    put(
        Kind::Payments,
        payments,
        vec![
            ("payment_id", heading(&c.document_no)),
            ("payment_date", heading(&c.doc_date)),
            ("amount", if open_items { heading(&c.open) } else { heading(&c.amount) }),
            ("currency", Some(currency_src)),
            ("customer_id", Some(customer_src)),
            ("reference", heading(&c.pay_reference).or_else(|| heading(&c.reference))),
        ],
    );
    let apps = std::mem::take(&mut b.apps);
    put(
        Kind::Applications,
        apps,
        vec![
            ("source", heading(&c.document_no)),
            ("document_no", heading(&c.document_no)),
            ("amount", heading(&c.amount)),
            ("applied_date", heading(&c.clearing_date).or_else(|| open_items.then(|| "the key date".into()))),
        ],
    );
    Ok(Mapped { kinds, notes: b.notes })
}

struct Builder<'a> {
    r: &'a Rules<'a>,
    f: &'a Frame,
    at: &'a Where<'a>,
    issues: Vec<ProfileIssue>,
    notes: Vec<String>,
    apps: Out,
}

/// Canonical amount text: the currency's minor digits at least ("1250000" JPY, "42.50" EUR), never "-0".
fn money(v: Decimal, cur: Currency) -> String {
    let mut v = v.normalize();
    if v.scale() < cur.minor_units() {
        v.rescale(cur.minor_units());
    }
    if v.is_zero() {
        v.set_sign_positive(true);
    }
    v.to_string()
}

fn iso(d: Option<NaiveDate>) -> String {
    // chrono's strftime machinery is slow for a million dates; the ISO form is simple.
    let Some(d) = d else { return String::new() };
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        return d.to_string();
    }
    let mut out = String::with_capacity(10);
    for (v, width) in [(y as u32, 4), (m, 2), (day, 2)] {
        if width == 2 {
            out.push('-');
        }
        for p in (0..width).rev() {
            out.push(char::from(b'0' + (v / 10u32.pow(p) % 10) as u8));
        }
    }
    out
}

fn is_payment(k: DocKind) -> bool {
    k == DocKind::Payment
}

impl Builder<'_> {
    fn lines(&self, a: u64, b: u64) -> String {
        match self.at.sheet {
            Some(s) => format!("rows {a} and {b} of sheet '{s}'"),
            None => format!("lines {a} and {b}"),
        }
    }

    fn issue(&mut self, row: Option<u64>, place: String, message: String) {
        self.issues.push(ProfileIssue { row, column: None, message, place });
    }

    /// "3 documents left out: status Draft (2), status Voided (1)".
    fn note_ignored(&mut self, ignored: &[Ignored]) {
        let mut by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for i in ignored {
            let docs = by.entry(i.reason.as_str()).or_default();
            // Invoice lines count once per document.
            if !(self.r.group && !i.document_no.is_empty() && docs.contains(&i.document_no.as_str())) {
                docs.push(&i.document_no);
            }
        }
        let total: usize = by.values().map(Vec::len).sum();
        if total == 0 {
            return;
        }
        let what = match (self.r.group, total) {
            (true, 1) => "document",
            (true, _) => "documents",
            (false, 1) => "row",
            (false, _) => "rows",
        };
        let parts: Vec<String> = by.iter().map(|(reason, docs)| format!("{reason} ({})", docs.len())).collect();
        self.notes.push(format!("{total} {what} left out on purpose: {}", parts.join(", ")));
    }

    /// One item per document (invoice lines grouped when the profile says so; their header values must agree);
    /// a number twice is an error otherwise.
    fn items(&mut self, records: Vec<Record>) -> Vec<Item> {
        // For each record, the earlier record with the same number (by index), found without copying numbers.
        let mut first_of: Vec<Option<usize>> = vec![None; records.len()];
        let mut seen: FastMap<(bool, &str), usize> = FastMap::default();
        seen.reserve(records.len());
        for (i, rec) in records.iter().enumerate() {
            match seen.entry((is_payment(rec.kind), rec.document_no.as_str())) {
                Entry::Occupied(e) => first_of[i] = Some(*e.get()),
                Entry::Vacant(v) => {
                    v.insert(i);
                }
            }
        }
        drop(seen);
        let mut items: Vec<Item> = Vec::with_capacity(records.len());
        let mut item_of: Vec<usize> = vec![0; records.len()];
        for (i, rec) in records.into_iter().enumerate() {
            let Some(Some(f)) = first_of.get(i) else {
                if let Some(slot) = item_of.get_mut(i) {
                    *slot = items.len();
                }
                items.push(Item { rec });
                continue;
            };
            let Some(first) = item_of.get(*f).and_then(|&k| items.get(k)) else { continue };
            let a = first.rec.row;
            if !self.r.group {
                let what = if is_payment(rec.kind) { "payment" } else { "document" };
                let msg = format!(
                    "{what} {} appears twice; a {what} number must be unique in one file (is the export \
                     duplicated, or does it span several fiscal years?)",
                    rec.document_no
                );
                self.issue(Some(rec.row), self.lines(a, rec.row), msg);
                continue;
            }
            if let Some((field, x, y)) = disagreement(&first.rec, &rec, self.f) {
                let msg = format!(
                    "{} {} has {field} {x} on one line and {y} on another; the rows of one document must agree",
                    first.rec.kind.word().replace('_', " "),
                    rec.document_no
                );
                self.issue(Some(rec.row), self.lines(a, rec.row), msg);
            }
        }
        items
    }

    /// Canonical invoices and payments; open-item exports' settled parts as write-offs at the key date.
    fn amounts(&mut self, items: Vec<Item>, key: Option<NaiveDate>, key_source: &str) -> (Out, Out) {
        let (r, c) = (self.r, &self.f.cols);
        let open_items = c.open.is_some();
        let (mut invoices, mut payments) = (Vec::new(), Vec::new());
        let (mut written_off, mut fully_applied, mut partly) = (0, 0, 0);
        let mut need_key = None;
        for it in items {
            let rec = it.rec;
            if is_payment(rec.kind) {
                let cash = |v: Decimal| if r.negate_payments { -v } else { v };
                let mut amount = cash(rec.value);
                if let (true, Some(open)) = (open_items, rec.open) {
                    if open.is_zero() {
                        fully_applied += 1;
                        continue;
                    }
                    if open != rec.value {
                        partly += 1;
                    }
                    amount = cash(open);
                }
                payments.push((
                    rec.row,
                    vec![
                        rec.document_no,
                        iso(Some(rec.doc_date)),
                        money(amount, rec.currency),
                        rec.currency.code().to_string(),
                        rec.customer.id.clone(),
                        String::new(),
                        rec.reference,
                        String::new(),
                    ],
                ));
                continue;
            }
            let signed =
                |v: Decimal| if rec.kind == DocKind::CreditNote && r.credit_notes_negative { -v.abs() } else { v };
            let mut amount = signed(rec.value);
            if let (true, Some(open)) = (open_items, rec.open) {
                let open = signed(open);
                let opposite = !open.is_zero() && (open.is_sign_negative() != amount.is_sign_negative());
                if opposite || open.abs() > amount.abs() {
                    let msg = format!(
                        "document {} has an open amount of {open} against an amount of {amount}; an open amount \
                         can't be larger than the document or of the other sign — check the columns '{}' and '{}'",
                        rec.document_no,
                        c.open.as_ref().map_or("", |c| c.heading.as_str()),
                        c.amount.as_ref().map_or("", |c| c.heading.as_str()),
                    );
                    self.issue(Some(rec.row), self.at.row(rec.row), msg);
                    continue;
                }
                let settled = amount - open;
                if !r.write_off {
                    amount = open;
                } else if !settled.is_zero() {
                    match key {
                        Some(k) => {
                            written_off += 1;
                            self.apps.push((
                                rec.row,
                                vec![
                                    format!("settled before export {}", iso(Some(k))),
                                    rec.document_no.clone(),
                                    money(settled, rec.currency),
                                    iso(Some(k)),
                                    "write_off".into(),
                                    String::new(),
                                    String::new(),
                                    String::new(),
                                ],
                            ));
                        }
                        None => need_key = need_key.or(Some(rec.row)),
                    }
                }
            }
            invoices.push((
                rec.row,
                vec![
                    rec.document_no,
                    rec.customer.id.clone(),
                    iso(Some(rec.doc_date)),
                    money(amount, rec.currency),
                    rec.currency.code().to_string(),
                    rec.kind.word().to_string(),
                    iso(rec.due_date),
                    rec.reference,
                    rec.po_number,
                ],
            ));
        }
        if need_key.is_some() {
            let open = c.open.as_ref().map_or("", |c| c.heading.as_str());
            let title = if key_source.is_empty() { String::new() } else { format!(" ({key_source})") };
            self.issue(
                None,
                String::new(),
                format!(
                    "this is an open-item export (column '{open}' gives what is still open): the part of each \
                     document settled before the export is recorded as a write-off at the export's key date, which \
                     the file doesn't give{title}; pass --as-of YYYY-MM-DD with the date the report was run for"
                ),
            );
        }
        if written_off > 0 {
            let k = iso(key);
            let (n, were) = if written_off == 1 { ("1 document", "was") } else { ("documents", "were") };
            let n = if written_off == 1 { n.to_string() } else { format!("{written_off} {n}") };
            self.notes.push(format!(
                "{n} {were} partly or wholly settled before the export: the settled parts are write-offs \
                 'settled before export {k}' dated {k} (key date from {key_source})"
            ));
        }
        if partly > 0 {
            let s = if partly == 1 { "" } else { "s" };
            self.notes.push(format!("{partly} payment{s} recorded at the unapplied part only"));
        }
        if fully_applied > 0 {
            let s = if fully_applied == 1 { "" } else { "s" };
            self.notes.push(format!("{fully_applied} payment{s} fully applied before the export left out"));
        }
        (invoices, payments)
    }

    /// Items cleared together become applications: within one clearing document and currency, credit notes first,
    /// then payments (each by date, then number) applied to the debits in due-date order.
    fn clearing(&mut self, items: &[Item]) {
        let mut groups: BTreeMap<(String, Currency), Vec<&Record>> = BTreeMap::new();
        for it in items {
            if let Some((doc, _)) = &it.rec.clearing {
                groups.entry((doc.clone(), it.rec.currency)).or_default().push(&it.rec);
            }
        }
        for ((doc, cur), members) in groups {
            let net = members.iter().try_fold(Decimal::ZERO, |acc, m| acc.checked_add(m.value));
            if net.is_none_or(|n| !n.is_zero()) {
                let net = net.map_or_else(|| "more than arx can count".to_string(), |n| money(n, cur));
                let rows: Vec<String> = members.iter().map(|m| m.row.to_string()).collect();
                let place = if self.at.sheet.is_some() { "rows" } else { "lines" };
                let msg = format!(
                    "clearing document {doc} ({cur}, {place} {}): its items add up to {} instead of zero, so what \
                     cleared what can't be told; an item of the clearing is probably missing from the export (widen \
                     the export's date range)",
                    rows.join(", "),
                    net
                );
                self.issue(members.first().map(|m| m.row), String::new(), msg);
                continue;
            }
            let mut targets: Vec<(&Record, Decimal)> = members
                .iter()
                .filter(|m| matches!(m.kind, DocKind::Invoice | DocKind::DebitNote) && m.value > Decimal::ZERO)
                .map(|m| (*m, m.value))
                .collect();
            targets.sort_by(|a, b| {
                (a.0.due_date.unwrap_or(a.0.doc_date), &a.0.document_no)
                    .cmp(&(b.0.due_date.unwrap_or(b.0.doc_date), &b.0.document_no))
            });
            let mut sources: Vec<(&Record, Decimal, &str)> = Vec::new();
            for (kind, label) in [(DocKind::CreditNote, "credit"), (DocKind::Payment, "payment")] {
                let mut s: Vec<(&Record, Decimal, &str)> = members
                    .iter()
                    .filter(|m| m.kind == kind && m.value < Decimal::ZERO)
                    .map(|m| (*m, -m.value, label))
                    .collect();
                s.sort_by(|a, b| (a.0.doc_date, &a.0.document_no).cmp(&(b.0.doc_date, &b.0.document_no)));
                sources.extend(s);
            }
            let mut t = 0;
            let mut left_over = false;
            for (src, mut remaining, label) in sources {
                let Some(date) = src.clearing.as_ref().and_then(|(_, d)| *d) else {
                    let msg = format!("the item is cleared ({doc}) but has no clearing date");
                    self.issue(Some(src.row), self.at.row(src.row), msg);
                    break;
                };
                while remaining > Decimal::ZERO {
                    let Some((target, open)) = targets.get_mut(t) else {
                        left_over = true;
                        break;
                    };
                    let take = remaining.min(*open);
                    *open -= take;
                    remaining -= take;
                    self.apps.push((
                        src.row,
                        vec![
                            src.document_no.clone(),
                            target.document_no.clone(),
                            money(take, cur),
                            iso(Some(date)),
                            label.to_string(),
                            String::new(),
                            String::new(),
                            String::new(),
                        ],
                    ));
                    if open.is_zero() {
                        t += 1;
                    }
                }
            }
            if left_over || targets.iter().any(|(_, open)| !open.is_zero()) {
                let msg = format!(
                    "clearing document {doc} ({cur}): its items net to zero but don't pair up as debits cleared by \
                     credit notes and payments (a negative invoice or a refund?); arx can't apportion it — record \
                     these applications by hand"
                );
                self.issue(members.first().map(|m| m.row), String::new(), msg);
            }
        }
    }

    /// Customers in order of first appearance; a parent named only in a hierarchy is added too.
    fn customers(&mut self, items: &[Item]) -> Out {
        let mut order: Vec<(u64, String, String, String, String)> = Vec::new();
        let mut at: FastMap<String, usize> = FastMap::default();
        let mut parents: Vec<(u64, String, String)> = Vec::new();
        for it in items {
            let c = &it.rec.customer;
            let parent = c.parent.as_ref().map_or(String::new(), |(id, _)| id.clone());
            match at.get(&c.id) {
                Some(&i) => {
                    if let Some(e) = order.get_mut(i) {
                        if e.3.is_empty() {
                            e.3 = it.rec.email.clone();
                        }
                    }
                }
                None => {
                    at.insert(c.id.clone(), order.len());
                    order.push((it.rec.row, c.id.clone(), c.name.clone(), it.rec.email.clone(), parent));
                }
            }
            if let Some((pid, pname)) = &c.parent {
                parents.push((it.rec.row, pid.clone(), pname.clone()));
            }
        }
        for (row, pid, pname) in parents {
            if !at.contains_key(&pid) {
                at.insert(pid.clone(), order.len());
                order.push((row, pid, pname, String::new(), String::new()));
            }
        }
        order
            .into_iter()
            .map(|(row, id, name, email, parent)| {
                (row, vec![id, name, email, String::new(), String::new(), String::new(), parent, String::new()])
            })
            .collect()
    }
}

/// The first header value two rows of one document disagree on: (heading, one value, the other).
fn disagreement(a: &Record, b: &Record, f: &Frame) -> Option<(String, String, String)> {
    let c = &f.cols;
    let h = |col: &Option<super::layout::Col>, fallback: &str| {
        col.as_ref().map_or(fallback.to_string(), |c| c.heading.clone())
    };
    let checks: [(String, String, String); 8] = [
        (h(&c.amount, "amount"), a.value.normalize().to_string(), b.value.normalize().to_string()),
        (h(&c.open, "open amount"), opt(a.open), opt(b.open)),
        (h(&c.currency, "currency"), a.currency.to_string(), b.currency.to_string()),
        (h(&c.customer, "customer"), a.customer.id.clone(), b.customer.id.clone()),
        (h(&c.doc_date, "date"), a.doc_date.to_string(), b.doc_date.to_string()),
        (h(&c.due_date, "due date"), iso(a.due_date), iso(b.due_date)),
        (h(&c.doc_type, "type"), a.kind.word().into(), b.kind.word().into()),
        (h(&c.reference, "reference"), a.reference.clone(), b.reference.clone()),
    ];
    let shown = |s: String| if s.is_empty() { "(empty)".to_string() } else { s };
    checks.into_iter().find(|(_, x, y)| x != y).map(|(field, x, y)| (field, shown(x), shown(y)))
}

fn opt(v: Option<Decimal>) -> String {
    v.map(|v| v.normalize().to_string()).unwrap_or_default()
}
