//! Bank statement files as payments: `bank` reads the entries, they are admitted here exactly
//! like payment rows of a CSV (same duplicate, replacement and ledger checks), and structured
//! remittance becomes remittance lines. A file that can't be read is an input error; one whose
//! balances or control totals don't tie is read, with a warning naming the difference.

use super::{say, Admission, IngestPlan, Outcome, Processed};
use crate::bank::payments::{Disposition, PaymentIds};
use crate::bank::{self, BankFormat, ReadError};
use crate::error::{ArxError, Result};
use crate::ingest::book::Book;
use crate::model::{cell_text, Kind, Payment, Record, Remittance};
use crate::money::{self, Currency};
use std::collections::BTreeMap;
use std::path::Path;

fn outcome(kind: Kind) -> Outcome {
    Outcome::new(kind.canonical_columns().map(|c| c.name.to_string()).collect())
}

/// A record's canonical fields as text, for the rejects file.
fn fields<R: Record>(r: &R) -> Vec<String> {
    (0..R::KIND.canonical_columns().count()).map(|i| cell_text(r, i)).collect()
}

/// Counts per currency, for the summary line.
#[derive(Default)]
struct Tally(BTreeMap<Currency, (u64, i64)>);

impl Tally {
    fn add(&mut self, currency: Currency, amount: i64) {
        let t = self.0.entry(currency).or_default();
        t.0 += 1;
        t.1 += amount;
    }
    fn count(&self) -> u64 {
        self.0.values().map(|t| t.0).sum()
    }
    fn describe(&self) -> String {
        let parts: Vec<String> =
            self.0.iter().map(|(c, (_, total))| format!("{} {c}", money::format_grouped(*total, *c))).collect();
        parts.join(", ")
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub(super) fn process(
    path: &Path,
    display: &str,
    hint: Option<BankFormat>,
    book: &mut Book,
    plan: &IngestPlan,
) -> Result<Processed> {
    let mut ids = PaymentIds::default();
    let mut payments = Admission::new(book, display, outcome(Kind::Payments));
    let mut remittances = Admission::new(book, display, outcome(Kind::Remittances));
    let (mut received, mut returned, mut debits, mut reversed_debits) =
        (Tally::default(), Tally::default(), Tally::default(), Tally::default());
    let (mut overlap_credits, mut overlap_debits) = (Tally::default(), Tally::default());
    let mut failure: Option<ArxError> = None;
    let mut sink = |member: &str, statement: &bank::Statement, entry: bank::Entry| {
        if failure.is_some() {
            return;
        }
        let line = entry.location.line;
        match ids.convert(statement, &entry) {
            Disposition::Payment { payment, remittances: lines } => {
                let currency = payment.currency;
                if payment.amount > 0 {
                    received.add(currency, payment.amount);
                } else {
                    returned.add(currency, -payment.amount);
                }
                if let Err(e) = payments.offer(book, plan, payment, line, &|p: &Payment| fields(p)) {
                    failure = Some(e);
                    return;
                }
                for r in lines {
                    if let Err(e) = remittances.offer(book, plan, r, line, &|r: &Remittance| fields(r)) {
                        failure = Some(e);
                        return;
                    }
                }
            }
            Disposition::Overlap => match entry.direction {
                bank::Direction::Credit => overlap_credits.add(entry.currency, entry.amount),
                bank::Direction::Debit => overlap_debits.add(entry.currency, entry.amount),
            },
            Disposition::Debit => debits.add(entry.currency, entry.amount),
            Disposition::ReversedDebit => reversed_debits.add(entry.currency, entry.amount),
            Disposition::Undated => {
                let at = entry.location.at.as_deref().map(|a| a.trim_matches(':')).filter(|a| !a.is_empty());
                let m = format!(
                    "the entry of {} {} has no booking or value date (nor does its statement give one day), so no \
                     payment can be dated from it; ask the bank for a file with booking dates",
                    money::format_minor(entry.amount, entry.currency),
                    entry.currency
                );
                failure = Some(ArxError::unreadable(vec![crate::error::Issue::new(member, Some(line), at, m)]));
            }
        }
    };
    let read = match bank::read(path, display, hint, &mut sink) {
        Ok(r) => r,
        Err(ReadError::Io(e)) => {
            return Err(ArxError::Runtime(anyhow::anyhow!("{display}: cannot read the file: {e}")));
        }
        Err(ReadError::Bad(issues)) => return Err(ArxError::unreadable(issues)),
    };
    if let Some(e) = failure {
        return Err(e);
    }
    let formats: Vec<&str> = {
        let mut f: Vec<&str> = read.files.iter().map(|f| f.file.format.label()).collect();
        f.dedup();
        f
    };
    let statements: u64 = read.files.iter().map(|f| f.file.statements.len() as u64).sum();
    let mut summary = format!(
        "{display}: {} with {}: {} received ({})",
        formats.join("+"),
        plural(statements, "statement", "statements"),
        plural(received.count(), "credit", "credits"),
        if received.count() == 0 { "nothing".to_string() } else { received.describe() }
    );
    if returned.count() > 0 {
        summary.push_str(&format!(
            "; {} returned ({}), recorded as negative payments",
            plural(returned.count(), "credit", "credits"),
            returned.describe()
        ));
    }
    if debits.count() + reversed_debits.count() > 0 {
        summary.push_str(&format!(
            "; {} not ingested (not receivables cash: {})",
            plural(debits.count(), "debit", "debits"),
            if debits.count() > 0 { debits.describe() } else { "none".into() }
        ));
    }
    if reversed_debits.count() > 0 {
        summary.push_str(&format!(
            ", nor {} reversing our own debits ({})",
            plural(reversed_debits.count(), "credit", "credits"),
            reversed_debits.describe()
        ));
    }
    let overlaps = overlap_credits.count() + overlap_debits.count();
    if overlaps > 0 {
        let mut parts = Vec::new();
        if overlap_credits.count() > 0 {
            parts.push(format!(
                "{} {}",
                plural(overlap_credits.count(), "credit", "credits"),
                overlap_credits.describe()
            ));
        }
        if overlap_debits.count() > 0 {
            parts.push(format!("{} {}", plural(overlap_debits.count(), "debit", "debits"), overlap_debits.describe()));
        }
        summary.push_str(&format!(
            "; {} repeated by overlapping statements, counted once ({})",
            plural(overlaps, "entry", "entries"),
            parts.join("; ")
        ));
    }
    say(plan.quiet, summary);
    for f in &read.files {
        for w in f.file.warnings.iter().chain(f.file.statements.iter().flat_map(|s| s.warnings.iter())) {
            say(plan.quiet, format!("{}: warning: {w}", f.display));
        }
    }
    let mut payments = payments.out;
    payments.sha256 = read.sha256.clone();
    let mut outcomes = vec![(Kind::Payments, payments)];
    let mut remittances = remittances.out;
    if remittances.added + remittances.unchanged + remittances.replaced + remittances.rejects.len() > 0 {
        remittances.sha256 = read.sha256;
        outcomes.push((Kind::Remittances, remittances));
    }
    let profile = formats.iter().map(|f| f.to_ascii_lowercase().replace('.', "")).collect::<Vec<_>>().join("+");
    Ok(Processed { outcomes, profile, size: read.size })
}
