//! Cash application: which open documents an incoming payment settles, on what evidence.
//!
//! Pure and deterministic: it sees customers, documents with their open amounts, payments with
//! their remittance lines, and a policy; it decides payment by payment (in date, then id order),
//! updating open amounts as it goes. Evidence, strongest first: remittance lines; document numbers
//! (or the document's reference / PO number) in the payment text; then, for a payer identified by
//! customer id, name or bank account, a single open document of exactly the amount, one within
//! tolerance or discount terms, or a unique combination. Two equally good answers → nothing is
//! applied and the payment is an exception with its candidates.

mod evidence;
mod explain;
pub mod normalize;
mod records;
mod rules;
mod subset;

pub use records::{dispute_note, records};

use crate::model::{ApplicationKind, DocType};
use crate::money::Currency;
use chrono::NaiveDate;
use rust_decimal::Decimal;

pub use evidence::Index;
pub use explain::explain;
pub use rules::{decide, run, run_before, DISCOUNT_REASON, SHORT_PAY_REASON, TOLERANCE_REASON};

/// A customer as matching sees it.
#[derive(Clone, Debug)]
pub struct Customer {
    pub id: String,
    pub name: String,
    /// Index of the parent customer (who may pay for this one).
    pub parent: Option<usize>,
    pub terms: Option<DiscountTerms>,
}

/// Early-payment discount terms, e.g. `2/10 net 30`: `percent` off when paid within `days` of
/// the document date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiscountTerms {
    pub percent: Decimal,
    pub days: u32,
}

impl DiscountTerms {
    /// Reads `2/10 net 30`, `2% 10 net 30`, `2/10 n/30`, `1.5/15 net 45`. Terms without a
    /// discount (`net 30`) give `None`.
    pub fn parse(text: &str) -> Option<DiscountTerms> {
        let t = text.trim().to_ascii_lowercase();
        let (pct, rest) = if let Some((a, b)) = t.split_once('/') {
            (a.trim().trim_end_matches('%').trim().to_string(), b.to_string())
        } else if let Some((a, b)) = t.split_once('%') {
            (a.trim().to_string(), b.to_string())
        } else {
            return None;
        };
        let percent: Decimal = pct.parse().ok()?;
        let days_text: String = rest.trim_start().chars().take_while(|c| c.is_ascii_digit()).collect();
        let days: u32 = days_text.parse().ok()?;
        (percent > Decimal::ZERO && percent < Decimal::from(100)).then_some(DiscountTerms { percent, days })
    }
}

/// A document and what is open on it now.
#[derive(Clone, Debug)]
pub struct OpenDoc {
    pub no: String,
    pub customer: usize,
    pub currency: Currency,
    pub doc_type: DocType,
    pub doc_date: NaiveDate,
    pub amount: i64,
    /// Open amount (negative for an open credit note); updated as payments are applied.
    pub open: i64,
    pub reference: Option<String>,
    pub po_number: Option<String>,
}

/// One line of a remittance advice.
#[derive(Clone, Debug)]
pub struct RemitLine {
    pub document_no: String,
    pub amount: i64,
    pub discount: i64,
    pub deduction: i64,
    pub reason: Option<String>,
}

/// A payment waiting to be applied.
#[derive(Clone, Debug)]
pub struct Incoming {
    pub id: String,
    pub date: NaiveDate,
    pub currency: Currency,
    /// What is left to apply (positive).
    pub amount: i64,
    /// Part of it was applied before (by an ERP's data): only document evidence applies the rest.
    pub partly_applied: bool,
    pub customer: Option<usize>,
    pub payer_name: Option<String>,
    pub reference: Option<String>,
    pub bank_account: Option<String>,
    pub remittance: Vec<RemitLine>,
}

/// Tolerances and policies from `arx.toml` `[apply]`.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Differences up to this many currency units are written off …
    pub write_off_fixed: Decimal,
    /// … and at most this percent of what the payment settles (the smaller of the two).
    pub write_off_percent: Decimal,
    /// A short pay of up to this on a single named document becomes a deduction (and dispute).
    pub deduction_max: Decimal,
    /// Open documents searched for a combination summing to a payment.
    pub combination_max_items: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            write_off_fixed: Decimal::ZERO,
            write_off_percent: Decimal::ZERO,
            deduction_max: Decimal::ZERO,
            combination_max_items: 24,
        }
    }
}

/// The rule that applied a payment, with how sure arx is (percent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    Remittance,
    Reference,
    ReferenceFuzzy,
    PoReference,
    ReferenceSlip,
    Amount,
    AmountDiscount,
    AmountTolerance,
    Combination,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::Remittance => "remittance",
            Rule::Reference => "reference",
            Rule::ReferenceFuzzy => "reference-format",
            Rule::ReferenceSlip => "reference-slip",
            Rule::PoReference => "po-reference",
            Rule::Amount => "amount",
            Rule::AmountTolerance => "amount-tolerance",
            Rule::AmountDiscount => "amount-discount",
            Rule::Combination => "combination",
        }
    }
    pub fn confidence(self) -> u8 {
        match self {
            Rule::Remittance => 99,
            Rule::Reference => 98,
            Rule::ReferenceFuzzy => 95,
            Rule::PoReference => 93,
            Rule::ReferenceSlip => 90,
            Rule::Amount => 90,
            Rule::AmountDiscount => 88,
            Rule::AmountTolerance => 85,
            Rule::Combination => 80,
        }
    }
    /// What goes in the application's `rule` column: `reference:98`.
    pub fn label(self) -> String {
        format!("{}:{}", self.name(), self.confidence())
    }
}

/// One application a decision makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub kind: ApplicationKind,
    pub doc: usize,
    pub amount: i64,
    /// For `credit`: the credit note's index. For write-off/discount/deduction: the reason.
    pub credit_note: Option<usize>,
    pub reason: Option<String>,
}

/// A candidate document for an exception, with why it is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub doc: usize,
    pub score: u8,
    pub why: String,
}

/// Why a payment was not applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExceptionKind {
    /// Two or more equally good answers.
    Ambiguous,
    /// Evidence that doesn't fit (amounts, settled documents, unknown remittance lines).
    Conflict,
    /// No customer and no document could be told.
    Unidentified,
    /// The customer is known but nothing fits the amount.
    NoMatch,
}

impl ExceptionKind {
    pub fn name(self) -> &'static str {
        match self {
            ExceptionKind::Ambiguous => "ambiguous",
            ExceptionKind::Conflict => "conflict",
            ExceptionKind::Unidentified => "unidentified",
            ExceptionKind::NoMatch => "no-match",
        }
    }
}

/// What happened to one payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Applied {
        rule: Rule,
        lines: Vec<Line>,
        /// Customers the payer was identified as (for the report).
        note: Option<String>,
    },
    Exception {
        kind: ExceptionKind,
        reason: String,
        candidates: Vec<Candidate>,
    },
}

#[cfg(test)]
mod tests;
