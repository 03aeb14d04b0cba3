//! Bank entries → canonical payments (and remittance lines from structured remittance).
//!
//! Which entries become payments:
//! - a credit (money received) → a payment of its amount;
//! - a returned / reversed credit (a debit marked as a reversal) → a negative payment, the
//!   contract's "refund or reversal", so the customer owes again until it is resolved;
//! - other debits, and credits that reverse our own debits, are not receivables cash: counted and
//!   reported, not ingested.
//!
//! Payment ids are derived from the bank's own references so the same file, or the next day's
//! statement overlapping this one, gives the same ids and adds nothing twice:
//! `ACCOUNT/BANKREF` (`/N` for the N-th transaction of a batch entry); without a bank reference
//! `ACCOUNT/YYYYMMDD-HASH` where HASH is the first 12 hex digits of the SHA-256 of the entry's
//! content. Inside one statement the k-th entry with the same id gets `~k` (two equal transfers
//! on one day are two payments). The same id from another statement of the same file with the same
//! content is the same payment (overlapping statements); with different content it gets `~k`.

use super::{Direction, Entry, Statement};
use crate::model::{Payment, Remittance};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write as _;

/// What became of one bank entry.
pub enum Disposition {
    /// A payment (positive: received; negative: a returned credit) and its remittance lines.
    Payment { payment: Payment, remittances: Vec<Remittance> },
    /// The same payment was already read from an earlier, overlapping statement of this file.
    Overlap,
    /// Money paid out: not receivables cash.
    Debit,
    /// A credit that reverses one of our own debits: not receivables cash.
    ReversedDebit,
    /// Receivables cash (a credit, or a returned credit) the file gives no date for: the caller
    /// refuses the file.
    Undated,
}

/// Assigns stable payment ids across a file.
#[derive(Default)]
pub struct PaymentIds {
    statement: Option<(String, u64)>,
    in_statement: HashMap<String, u32>,
    in_file: HashMap<String, [u8; 32]>,
}

impl PaymentIds {
    fn assign(&mut self, statement: &Statement, entry: &Entry) -> Option<String> {
        let this = (statement.id.clone(), statement.location.line);
        if self.statement.as_ref() != Some(&this) {
            self.statement = Some(this);
            self.in_statement.clear();
        }
        let content = content_hash(entry);
        let account = if statement.account.trim().is_empty() { "BANK" } else { statement.account.trim() };
        let mut base = match usable(entry.bank_ref.as_deref()) {
            Some(r) => format!("{account}/{r}"),
            None => {
                let date = entry.booking_date.or(entry.value_date).map(|d| d.format("%Y%m%d").to_string());
                let mut hex = String::with_capacity(12);
                for b in &content[..6] {
                    let _ = write!(hex, "{b:02x}");
                }
                format!("{account}/{}-{hex}", date.unwrap_or_default())
            }
        };
        if let Some(i) = entry.batch_index {
            let _ = write!(base, "/{}", i + 1);
        }
        let k = self.in_statement.entry(base.clone()).or_insert(0);
        *k += 1;
        let mut id = if *k == 1 { base.clone() } else { format!("{base}~{k}") };
        let mut bump = *k;
        loop {
            match self.in_file.get(&id) {
                None => break,
                Some(h) if *h == content => return None,
                Some(_) => {
                    bump += 1;
                    id = format!("{base}~{bump}");
                }
            }
        }
        self.in_file.insert(id.clone(), content);
        Some(id)
    }
}

/// A bank reference that identifies something (banks write placeholders when there is none).
fn usable(r: Option<&str>) -> Option<&str> {
    r.map(str::trim).filter(|r| {
        !r.is_empty() && !["NONREF", "NOTPROVIDED", "NOT PROVIDED", "NONE"].contains(&r.to_ascii_uppercase().as_str())
    })
}

fn content_hash(e: &Entry) -> [u8; 32] {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update(s.as_bytes());
        h.update([0x1f]);
    };
    field(if e.direction == Direction::Credit { "C" } else { "D" });
    field(if e.reversal { "R" } else { "" });
    field(&e.amount.to_string());
    field(e.currency.code());
    field(&e.booking_date.map(|d| d.to_string()).unwrap_or_default());
    field(&e.value_date.map(|d| d.to_string()).unwrap_or_default());
    for s in
        [&e.bank_ref, &e.customer_ref, &e.end_to_end_id, &e.counterparty_name, &e.counterparty_account, &e.type_code]
    {
        field(s.as_deref().unwrap_or(""));
    }
    for t in e.texts.iter().chain(&e.creditor_refs) {
        field(t);
    }
    for d in &e.referred_documents {
        field(&d.number);
        field(&format!("{:?}{:?}{:?}", d.amount, d.discount, d.deduction));
    }
    field(&e.batch_index.map(|b| b.to_string()).unwrap_or_default());
    h.finalize().into()
}

/// Text as one line: control characters (line breaks inside XML or `:86:` fields) become spaces,
/// runs of spaces one.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    // One spelling per text, as for every other input (NFC).
    match crate::hostile::nfc(&out) {
        std::borrow::Cow::Borrowed(_) => out,
        std::borrow::Cow::Owned(n) => n,
    }
}

/// Every reference string the entry carries, in one deterministic text the matcher searches:
/// the remittance texts, then tagged references.
pub fn reference_text(e: &Entry) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !s.is_empty() && !parts.contains(&s) {
            parts.push(s);
        }
    };
    for t in &e.texts {
        push(one_line(t));
    }
    for d in &e.referred_documents {
        push(format!("DOC {}", one_line(&d.number)));
    }
    for c in &e.creditor_refs {
        push(format!("CREF {}", one_line(c)));
    }
    let tagged = [("EREF", &e.end_to_end_id), ("CUSTREF", &e.customer_ref), ("BANKREF", &e.bank_ref)];
    for (tag, v) in tagged {
        if let Some(v) = usable(v.as_deref()) {
            push(format!("{tag} {}", one_line(v)));
        }
    }
    if e.reversal {
        push(format!("RETURN {}", e.return_reason.as_deref().map(one_line).unwrap_or_default()).trim().to_string());
    }
    parts.join(" | ")
}

impl PaymentIds {
    /// Decides what `entry` is and, for receivables cash, builds its payment.
    pub fn convert(&mut self, statement: &Statement, entry: &Entry) -> Disposition {
        // Every entry gets its id first, so overlapping statements repeat debits only once too.
        let Some(payment_id) = self.assign(statement, entry) else {
            return Disposition::Overlap;
        };
        let amount = match (entry.direction, entry.reversal) {
            (Direction::Credit, false) => entry.amount,
            (Direction::Debit, true) => -entry.amount,
            (Direction::Debit, false) => return Disposition::Debit,
            (Direction::Credit, true) => return Disposition::ReversedDebit,
        };
        let Some(payment_date) = entry.booking_date.or(entry.value_date) else {
            // Receivables cash without any date (camt's dates are optional): no payment can be
            // made of it, and counting it as anything else would hide it.
            return Disposition::Undated;
        };
        let clean = |s: &Option<String>| s.as_deref().map(one_line).filter(|s| !s.is_empty());
        let reference = reference_text(entry);
        let remittances = if amount > 0 { remittance_lines(&payment_id, entry) } else { Vec::new() };
        let payment = Payment {
            payment_id,
            payment_date,
            amount,
            currency: entry.currency,
            customer_id: None,
            payer_name: clean(&entry.counterparty_name),
            reference: (!reference.is_empty()).then_some(reference),
            bank_account: clean(&entry.counterparty_account),
        };
        Disposition::Payment { payment, remittances }
    }
}

/// Structured remittance (camt `RfrdDocInf`) as remittance advice lines. A document without an
/// amount can only be attributed when it is the only one named (then it gets the whole payment);
/// otherwise the numbers stay evidence in the reference text only.
fn remittance_lines(payment_id: &str, e: &Entry) -> Vec<Remittance> {
    let docs: Vec<_> = e.referred_documents.iter().filter(|d| !d.number.trim().is_empty()).collect();
    let single = docs.len() == 1;
    if docs.iter().any(|d| d.amount.is_none()) && !single {
        return Vec::new();
    }
    let mut out: Vec<Remittance> = Vec::new();
    for d in docs {
        let number = one_line(&d.number);
        if out.iter().any(|r| r.document_no == number) {
            continue;
        }
        let amount = d.amount.unwrap_or(e.amount);
        out.push(Remittance {
            payment_id: payment_id.to_string(),
            document_no: number,
            amount,
            discount: d.discount.filter(|v| *v != 0),
            deduction: d.deduction.filter(|v| *v != 0),
            reason: d.reason.as_deref().map(one_line).filter(|s| !s.is_empty()),
            currency: e.currency,
        });
    }
    out
}
