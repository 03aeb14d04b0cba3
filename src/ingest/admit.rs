//! Admitting records into the book: duplicates within a call, changes to stored records
//! (`--replace`), and the ledger checks every record must pass (over-application, replacements
//! that would leave applications hanging) — for rows read from files and for the applications
//! `arx apply` makes alike.

use super::book::{self, Book, InBook};
use super::{IngestPlan, Outcome, Reject};
use crate::error::{ArxError, Issue, Result};
use crate::model::{Application, Customer, Dispute, DocType, Document, GlBalance, Payment, Remittance};
use crate::money;
use std::collections::HashMap;

/// Admits parsed records into the book one by one, whatever file format they came from:
/// duplicates within the call, changes to stored records (`--replace`), the ledger checks of
/// `Admit`, and the counts for the audit trail.
pub(crate) struct Admission {
    display: String,
    file_no: u16,
    /// Keys of rejected rows (there are few), so a later duplicate is still caught.
    seen_rejected: HashMap<String, u64>,
    pub(super) out: Outcome,
}

impl Admission {
    pub(super) fn new(book: &mut Book, display: &str, out: Outcome) -> Admission {
        Admission {
            display: display.to_string(),
            file_no: book.next_file_no(display),
            seen_rejected: HashMap::new(),
            out,
        }
    }

    /// Offers one valid record read from `line`; `raw` gives the row's fields if it is rejected
    /// (only then: most rows are accepted, and formatting them costs).
    pub(super) fn offer<R: InBook + Admit>(
        &mut self,
        book: &mut Book,
        plan: &IngestPlan,
        record: R,
        line: u64,
        raw: &dyn Fn(&R) -> Vec<String>,
    ) -> Result<()> {
        let display = self.display.as_str();
        let file_no = self.file_no;
        let out = &mut self.out;
        let mut row_issues = Vec::new();
        let key = record.key();
        let table = R::table_ref(book);
        let pos = table.find(&key);
        // The same key earlier in this call: in this file it is a duplicate; in another file of
        // the call it is one too (which version is meant can't be told), unless identical.
        let seen = pos.and_then(|p| table.seen_at(p));
        let first = match seen {
            Some((f, row)) if f == file_no => Some(row),
            _ => self.seen_rejected.get(key.as_ref()).copied(),
        };
        if let Some(first) = first {
            let message = format!(
                "duplicate {} key {} '{}' (also on row {first}); each record may appear once per file",
                R::KIND,
                R::KIND.key_columns().join("+"),
                crate::error::quote_value(&key.replace('\u{1f}', " / "))
            );
            row_issues.push(Issue::new(display, Some(line), Some(R::KIND.key_columns()[0]), message));
        } else if let Some((f, row)) = seen.filter(|_| pos.is_some_and(|p| *table.at(p) != record)) {
            let other = book.file_names.get(usize::from(f) - 1).cloned().unwrap_or_default();
            let message = format!(
                "{} '{}' is also in {other} row {row} of this call, with different content; keep one of them",
                R::KIND,
                key.replace('\u{1f}', " / ")
            );
            row_issues.push(Issue::new(display, Some(line), Some(R::KIND.key_columns()[0]), message));
        }
        // Ids from any source (bank files too): no invisible characters, within the id limit.
        if row_issues.is_empty() {
            let bad = key.split('\u{1f}').find_map(|part| crate::hostile::clean_text(part, true).err());
            if let Some(message) = bad {
                let column = R::KIND.key_columns()[0];
                row_issues.push(Issue::new(display, Some(line), Some(column), format!("{column} {message}")));
            }
        }
        let previous = pos.map(|p| table.at(p));
        let unchanged = previous == Some(&record);
        if row_issues.is_empty() && !unchanged {
            if let Some(prev) = previous.filter(|p| !plan.replace && !R::updates_in_place(Some(*p), &record)) {
                let message = format!(
                    "{} '{}' is already in the workspace with different content ({}); pass --replace to supersede it (the old version is kept in history)",
                    R::KIND,
                    key.replace('\u{1f}', " / "),
                    book::describe_difference(prev, &record)
                );
                row_issues.push(Issue::new(display, Some(line), Some(R::KIND.key_columns()[0]), message));
            } else if let Some((column, message)) = record.admit(previous, book) {
                row_issues.push(Issue::new(display, Some(line), Some(column), message));
            }
        }
        if !row_issues.is_empty() {
            self.seen_rejected.entry(key.into_owned()).or_insert(line);
            let fields = raw(&record);
            out.rejects.push(Reject { line, fields, issues: row_issues }, plan)?;
            return Ok(());
        }
        drop(key);
        if let Some(customer) = record.customer_ref() {
            if !book.customers.contains_key(customer) {
                out.unknown_customers += 1;
                if out.unknown_customer_example.is_empty() {
                    out.unknown_customer_example = customer.to_string();
                }
            }
        }
        if unchanged {
            out.unchanged += 1;
            if let Some(p) = pos {
                R::table(book).mark_seen(p, file_no, line);
            }
            return Ok(());
        }
        if pos.is_none() && R::table_ref(book).len() >= u32::MAX as usize - 1 {
            return Err(ArxError::Runtime(anyhow::anyhow!(
                "{display}: more than 4 billion {} in one workspace",
                R::KIND
            )));
        }
        record.accepted(pos, book, (display, line));
        if pos.is_some() {
            out.replaced += 1;
        } else {
            out.added += 1;
        }
        let table = R::table(book);
        let p = table.put(record, pos, false);
        table.mark_seen(p, file_no, line);
        Ok(())
    }
}

/// Checks a record against the rest of the ledger before it is accepted (over-application,
/// replacements that would leave applications hanging), and keeps running totals after.
pub trait Admit: Sized {
    /// Some((column, message)) when the record cannot be accepted.
    fn admit(&self, _previous: Option<&Self>, _book: &Book) -> Option<(&'static str, String)> {
        None
    }
    /// Called just before the record is stored at `pos` (replacing what is there) or added.
    /// `at` is the file and row the record came from.
    fn accepted(&self, _pos: Option<u32>, _book: &mut Book, _at: (&str, u64)) {}
    /// The customer this record names, for the unknown-customer note.
    fn customer_ref(&self) -> Option<&str> {
        None
    }
    /// Whether a changed version may supersede the stored one without `--replace`
    /// (a dispute moving from open to resolved is news, not a conflict).
    fn updates_in_place(_previous: Option<&Self>, _new: &Self) -> bool {
        false
    }
}

impl Admit for Customer {}
impl Admit for Remittance {}
impl Admit for GlBalance {}

impl Admit for Dispute {
    fn updates_in_place(previous: Option<&Self>, new: &Self) -> bool {
        use crate::model::DisputeStatus::{Open, Resolved};
        matches!(previous, Some(p) if p.status == Open && new.status == Resolved && p.reason == new.reason)
    }
}

/// Whether `applied` (Σ applications) fits within `amount`, in the amount's direction.
fn fits(applied: i64, amount: i64) -> bool {
    if amount >= 0 {
        (0..=amount).contains(&applied)
    } else {
        (amount..=0).contains(&applied)
    }
}

impl Admit for Document {
    fn admit(&self, previous: Option<&Self>, book: &Book) -> Option<(&'static str, String)> {
        let previous = previous?;
        let no = &self.document_no;
        if previous.currency != self.currency {
            return Some((
                "currency",
                format!(
                    "document '{no}' is stored in {}; a document's currency cannot change (book it as a new document)",
                    previous.currency
                ),
            ));
        }
        let first = [book.first_applied_to.get(no), book.first_applied_from_credit.get(no)].into_iter().flatten().min();
        if let Some(first) = first.filter(|d| **d < self.doc_date) {
            return Some((
                "doc_date",
                format!(
                    "'{no}' has applications from {first}; it cannot be dated later ({}) than they are",
                    self.doc_date
                ),
            ));
        }
        let from_credit = book.applied_from_credit.get(no).copied().unwrap_or(0);
        if from_credit != 0 && self.doc_type != DocType::CreditNote {
            return Some((
                "doc_type",
                format!("'{no}' is used as a credit note by applications; it must stay a credit_note"),
            ));
        }
        // A new amount against what is applied is judged with the call's other rows, at the end
        // (an ERP export may lower the document and its applications together).
        None
    }
    fn customer_ref(&self) -> Option<&str> {
        Some(&self.customer_id)
    }
    fn accepted(&self, pos: Option<u32>, book: &mut Book, (file, line): (&str, u64)) {
        if pos.is_some() {
            book.touched.note_replaced(&self.document_no, false, file, line);
        }
    }
}

impl Admit for Payment {
    fn admit(&self, previous: Option<&Self>, book: &Book) -> Option<(&'static str, String)> {
        let previous = previous?;
        let id = &self.payment_id;
        if previous.currency != self.currency {
            return Some((
                "currency",
                format!("payment '{id}' is stored in {}; a payment's currency cannot change", previous.currency),
            ));
        }
        if let Some(first) = book.first_applied_from_payment.get(id).filter(|d| **d < self.payment_date) {
            return Some((
                "payment_date",
                format!(
                    "payment '{id}' is applied from {first}; it cannot be dated later ({}) than its applications",
                    self.payment_date
                ),
            ));
        }
        // As for documents: the new amount is judged on the totals at the end of the call.
        None
    }
    fn customer_ref(&self) -> Option<&str> {
        self.customer_id.as_deref()
    }
    fn accepted(&self, pos: Option<u32>, book: &mut Book, (file, line): (&str, u64)) {
        if pos.is_some() {
            book.touched.note_replaced(&self.payment_id, true, file, line);
        }
    }
}

impl Admit for Application {
    // Over-application is not judged here, row by row in file order, but on the totals once
    // every row of the call is in: see `over_applications`.
    fn accepted(&self, pos: Option<u32>, book: &mut Book, (file, line): (&str, u64)) {
        if let Some(p) = pos {
            let previous = book.applications.at(p).clone();
            book.count_application(&previous, -1);
        }
        book.count_application(self, 1);
        book.touched.note(self, file, line);
    }
}

/// Over-application, judged on the totals after every row of the call (CONTRACT.md §3): Σ
/// applied to each document this call touched stays within its amount, Σ applied from each
/// payment within the payment, Σ drawn from each credit note within the credit note (net of
/// what was applied to it). One problem per document, payment or credit note, naming the rows
/// that applied to it: which of them is wrong can't be told, so `--skip-invalid` can't help.
pub(crate) fn over_applications(book: &Book) -> Vec<Issue> {
    let mut issues = Vec::new();
    let rows = |lines: &[u64]| {
        let list: Vec<String> = lines.iter().map(u64::to_string).collect();
        if lines.len() >= 8 {
            format!("rows {} … {}", list[..7].join(", "), list[7])
        } else if lines.len() == 1 {
            format!("row {}", list[0])
        } else {
            format!("rows {}", list.join(", "))
        }
    };
    // Named at the last row that applied to it: the one that tipped the total over.
    let first = |lines: &[u64]| lines.last().copied();
    for (no, (file, lines)) in &book.touched.documents {
        let Some(doc) = book.documents.get(no) else { continue };
        let fmt = |m: i64| money::format_minor(m, doc.currency);
        let to = book.applied_to.get(no).copied().unwrap_or(0);
        let from = book.applied_from_credit.get(no).copied().unwrap_or(0);
        if !Book::within(doc.amount, to, from) {
            let drawn =
                if from != 0 { format!(", {} drawn from it as a credit note", fmt(from)) } else { String::new() };
            issues.push(Issue::new(
                file,
                first(lines),
                Some("amount"),
                format!(
                    "over-application: {} is applied to document '{}' of {} after every row of this call ({} of this file{drawn}); apply at most its open amount",
                    fmt(to),
                    no,
                    fmt(doc.amount),
                    rows(lines)
                ),
            ));
        }
    }
    for (id, (file, lines)) in &book.touched.payments {
        let Some(p) = book.payments.get(id) else { continue };
        let from = book.applied_from_payment.get(id).copied().unwrap_or(0);
        if !fits(from, p.amount) {
            let fmt = |m: i64| money::format_minor(m, p.currency);
            issues.push(Issue::new(
                file,
                first(lines),
                Some("amount"),
                format!(
                    "over-application: {} is applied from payment '{}' of {} after every row of this call ({} of this file; credit notes netted count negative)",
                    fmt(from),
                    id,
                    fmt(p.amount),
                    rows(lines)
                ),
            ));
        }
    }
    // A credit note that rows also applied to was judged above, by the same rule.
    for (no, (file, lines)) in book.touched.credits.iter().filter(|(no, _)| !book.touched.documents.contains_key(*no)) {
        let Some(c) = book.documents.get(no) else { continue };
        let to = book.applied_to.get(no).copied().unwrap_or(0);
        let from = book.applied_from_credit.get(no).copied().unwrap_or(0);
        if !Book::within(c.amount, to, from) {
            let fmt = |m: i64| money::format_minor(m, c.currency);
            issues.push(Issue::new(
                file,
                first(lines),
                Some("amount"),
                format!(
                    "over-application: {} is drawn from credit note '{}' of {} after every row of this call ({} of this file; {} applied to it)",
                    fmt(from),
                    no,
                    fmt(-c.amount),
                    rows(lines),
                    fmt(to)
                ),
            ));
        }
    }
    issues
}

/// Adds records arx itself made (`arx apply`) through the same checks as ingested ones. A
/// rejection here is a bug in the producer, not bad input: it fails the whole run.
pub fn admit_generated<R: InBook + Admit>(book: &mut Book, label: &str, records: Vec<R>) -> Result<u64> {
    let plan = IngestPlan {
        files: Vec::new(),
        read: super::source::ReadOptions::default(),
        sheet: None,
        erp: None,
        overrides: Default::default(),
        kind: None,
        profile: "generic".into(),
        dry_run: false,
        skip_invalid: false,
        replace: false,
        rejects: None,
        quiet: true,
        progress: false,
    };
    let mut admission = Admission::new(book, label, Outcome::new(Vec::new()));
    for (n, r) in records.into_iter().enumerate() {
        admission.offer(book, &plan, r, n as u64 + 1, &|_| Vec::new())?;
    }
    let over = over_applications(book);
    if let Some(issue) = over.first() {
        return Err(ArxError::Runtime(anyhow::anyhow!(
            "{label}: the applications arx made would over-apply ({}); nothing was written. Please report this",
            issue.message
        )));
    }
    if let Some(reject) = admission.out.rejects.kept.first() {
        let detail: Vec<String> = reject.issues.iter().map(|i| i.message.clone()).collect();
        return Err(ArxError::Runtime(anyhow::anyhow!(
            "{label}: a record arx made was refused by the ledger checks ({}); nothing was written. Please report this",
            detail.join("; ")
        )));
    }
    Ok(admission.out.added)
}
