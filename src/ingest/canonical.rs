//! The `generic` profile: canonical CSV (CONTRACT.md §2) → records, with every problem located
//! as `file:row:column` and phrased as what is wrong and how to fix it.

use super::book::Book;
use crate::error::Issue;
use crate::model::{
    Application, ApplicationKind, Customer, Dispute, DisputeStatus, DocType, Document, GlBalance, Kind, Payment,
    Remittance,
};
use crate::money::{self, Currency};
use chrono::NaiveDate;

/// Where each canonical column sits in the file's header (unknown columns are ignored).
/// A short list, searched linearly: cheaper per field than hashing the name.
pub struct Header {
    index: Vec<(&'static str, usize)>,
}

impl Header {
    /// Maps `names` onto `kind`'s columns. Missing required columns and duplicated canonical
    /// columns are errors on the header row.
    pub fn map(kind: Kind, names: &[String], file: &str) -> Result<Header, Vec<Issue>> {
        let mut index = Vec::new();
        let mut issues = Vec::new();
        for col in kind.canonical_columns() {
            let hits: Vec<usize> = names
                .iter()
                .enumerate()
                .filter(|(_, n)| n.trim().eq_ignore_ascii_case(col.name))
                .map(|(i, _)| i)
                .collect();
            if hits.len() > 1 {
                let at: Vec<String> = hits.iter().map(|i| (i + 1).to_string()).collect();
                issues.push(Issue::new(
                    file,
                    Some(1),
                    Some(col.name),
                    format!("column '{}' appears {} times (columns {}); keep one", col.name, hits.len(), at.join(", ")),
                ));
            }
            if let Some(i) = hits.first() {
                index.push((col.name, *i));
            }
        }
        let missing: Vec<&str> = kind.required_columns().filter(|c| !index.iter().any(|(n, _)| n == c)).collect();
        if !missing.is_empty() {
            issues.push(Issue::new(
                file,
                Some(1),
                None,
                format!(
                    "{} file is missing required column{} {}; the file has: {}. Rename the columns, or pick the right --kind/--profile",
                    kind,
                    if missing.len() == 1 { "" } else { "s" },
                    missing.join(", "),
                    if names.is_empty() { "(nothing)".into() } else { names.join(", ") }
                ),
            ));
        }
        if issues.is_empty() {
            Ok(Header { index })
        } else {
            Err(issues)
        }
    }
}

/// Recognises a file's kind from its header: the kinds whose required columns are all present;
/// of several, the one needing the most columns, if that is unique.
pub fn detect_kind(names: &[String]) -> Result<Kind, String> {
    let has = |c: &str| names.iter().any(|n| n.trim().eq_ignore_ascii_case(c));
    let mut fits: Vec<(usize, Kind)> = Kind::ALL
        .into_iter()
        .filter(|k| k.required_columns().all(has))
        .map(|k| (k.required_columns().count(), k))
        .collect();
    fits.sort_by(|a, b| b.cmp(a));
    match fits.as_slice() {
        [] => Err(format!(
            "cannot tell what kind of file this is from its columns ({}); pass --kind (customers, invoices, payments, applications, remittances, disputes, gl) or --profile",
            names.join(", ")
        )),
        [(_, k)] => Ok(*k),
        [(a, k), (b, _), ..] if a > b => Ok(*k),
        _ => {
            let kinds: Vec<&str> = fits.iter().map(|(_, k)| k.name()).collect();
            Err(format!("the columns fit several kinds ({}); pass --kind to say which", kinds.join(", ")))
        }
    }
}

/// One row being parsed: field access by canonical column, problems collected.
pub struct Fields<'a> {
    pub file: &'a str,
    pub line: u64,
    pub header: &'a Header,
    pub fields: &'a csv::StringRecord,
    pub issues: Vec<Issue>,
}

impl<'a> Fields<'a> {
    fn issue(&mut self, column: &str, message: impl Into<String>) {
        self.issues.push(Issue::new(self.file, Some(self.line), Some(column), message));
    }

    /// The trimmed value, or None when the column is absent or the cell blank.
    pub fn get(&self, column: &str) -> Option<&'a str> {
        let i = self.header.index.iter().find(|(n, _)| *n == column)?.1;
        let t = self.fields.get(i)?.trim();
        (!t.is_empty()).then_some(t)
    }

    /// Text as given, in NFC. Control characters are refused: they corrupt keys and reports, and
    /// are never meant (tab and line breaks are allowed outside key columns); so are invisible
    /// format characters in ids and text beyond the limits of `crate::hostile`.
    fn opt_text(&mut self, column: &str) -> Option<String> {
        let t = self.get(column)?;
        let key = matches!(column, "document_no" | "customer_id" | "payment_id" | "source" | "parent_id");
        let bad = t.chars().find(|c| c.is_control() && (key || !matches!(c, '\t' | '\n' | '\r')));
        if let Some(c) = bad {
            self.issue(column, format!("contains the control character U+{:04X}; remove it", c as u32));
            return None;
        }
        // NFC, length limits, no invisible characters in ids: one rule for every input.
        match crate::hostile::clean_text(t, key) {
            Ok(t) => Some(t.into_owned()),
            Err(message) => {
                self.issue(column, format!("{column} {message}"));
                None
            }
        }
    }

    fn req_text(&mut self, column: &str) -> Option<String> {
        let v = self.opt_text(column);
        if v.is_none() {
            self.issue(column, format!("{column} is empty; every row needs one"));
        }
        v
    }

    fn opt_date(&mut self, column: &str) -> Option<NaiveDate> {
        let text = self.get(column)?;
        match parse_iso_date(text) {
            Some(d) if !crate::dates::in_range(d) => {
                self.issue(column, crate::dates::out_of_range(text));
                None
            }
            Some(d) => Some(d),
            None => {
                self.issue(
                    column,
                    format!(
                        "'{text}' is not a date; write dates as YYYY-MM-DD, e.g. 2024-03-31 (or use an ERP --profile)"
                    ),
                );
                None
            }
        }
    }

    fn req_date(&mut self, column: &str) -> Option<NaiveDate> {
        if self.get(column).is_none() {
            self.issue(column, format!("{column} is empty; give a date as YYYY-MM-DD"));
            return None;
        }
        self.opt_date(column)
    }

    fn currency(&mut self, column: &str) -> Option<Currency> {
        let text = self.get(column).unwrap_or("");
        match Currency::parse(text) {
            Ok(c) => Some(c),
            Err(e) => {
                self.issue(column, e);
                None
            }
        }
    }

    /// A value from a fixed set (`parse` knows the blank default); otherwise an issue naming `allowed`.
    fn choice<T>(&mut self, column: &str, parse: fn(&str) -> Option<T>, allowed: &str) -> Option<T> {
        let text = self.get(column).unwrap_or("");
        let v = parse(text);
        if v.is_none() {
            self.issue(column, format!("{column} '{text}' is not one of {allowed}"));
        }
        v
    }

    /// The document `number` names, which must already be in the book.
    fn existing_doc<'b>(&mut self, book: &'b Book, column: &str, number: Option<&str>) -> Option<&'b Document> {
        let no = number?;
        let d = book.documents.get(no);
        if d.is_none() {
            self.issue(
                column,
                format!("document '{no}' is not in the workspace; ingest its invoice first (or in the same call)"),
            );
        }
        d
    }

    /// The payment `id` names, which must already be in the book.
    fn existing_payment<'b>(&mut self, book: &'b Book, column: &str, id: Option<&str>) -> Option<&'b Payment> {
        let id = id?;
        let p = book.payments.get(id);
        if p.is_none() {
            self.issue(
                column,
                format!("payment '{id}' is not in the workspace; ingest the payment first (or in the same call)"),
            );
        }
        p
    }

    /// An amount in minor units of `currency`; when the currency is unknown (already reported),
    /// the syntax is still checked.
    fn money(&mut self, column: &str, currency: Option<Currency>, required: bool) -> Option<i64> {
        let Some(text) = self.get(column) else {
            if required {
                self.issue(column, format!("{column} is empty; give an amount such as 1234.50"));
            }
            return None;
        };
        let result = match currency {
            Some(c) => money::parse_minor(text, c),
            None => money::parse_decimal(text).map(|_| 0),
        };
        match result {
            Ok(v) => currency.map(|_| v),
            Err(e) => {
                self.issue(column, e.to_string());
                None
            }
        }
    }
}

/// `YYYY-MM-DD`, strictly.
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    crate::dates::parse_iso(text)
}

/// Context the row parsers need beyond the row: the book (for references) and workspace defaults.
pub struct Ctx<'a> {
    pub book: &'a Book,
    pub reporting_currency: Option<Currency>,
}

pub fn customer(f: &mut Fields<'_>, ctx: &Ctx<'_>) -> Option<Customer> {
    let customer_id = f.req_text("customer_id");
    let name = f.req_text("name");
    let currency = match f.get("currency") {
        Some(_) => f.currency("currency"),
        None => None,
    };
    let credit_limit = f.get("credit_limit").and_then(|text| match money::parse_decimal(text) {
        Err(e) => {
            f.issue("credit_limit", e.to_string());
            None
        }
        Ok(v) if v.is_sign_negative() && !v.is_zero() => {
            f.issue("credit_limit", format!("credit limit '{text}' is negative; give 0 or more"));
            None
        }
        Ok(v) => match currency.or(ctx.reporting_currency) {
            Some(c) if money::to_minor(v, c, text).is_err() => {
                f.issue(
                    "credit_limit",
                    format!("'{text}' has more decimal places than {c} allows ({})", c.minor_units()),
                );
                None
            }
            _ => Some(v.to_string()),
        },
    });
    Some(Customer {
        customer_id: customer_id?,
        name: name?,
        email: f.opt_text("email"),
        credit_limit,
        currency,
        payment_terms: f.opt_text("payment_terms"),
        parent_id: f.opt_text("parent_id"),
        address: f.opt_text("address"),
    })
}

pub fn document(f: &mut Fields<'_>, _ctx: &Ctx<'_>) -> Option<Document> {
    let document_no = f.req_text("document_no");
    let customer_id = f.req_text("customer_id");
    let doc_date = f.req_date("doc_date");
    let currency = f.currency("currency");
    let amount = f.money("amount", currency, true);
    let doc_type = f.choice("doc_type", DocType::parse, "invoice, credit_note, debit_note");
    let due_date = f.opt_date("due_date");
    let (doc_type, amount) = (doc_type?, amount?);
    // Credit notes are stored negative whichever sign they came with; other documents must not be negative.
    let amount = match doc_type {
        DocType::CreditNote => -amount.abs(),
        _ if amount < 0 => {
            f.issue(
                "amount",
                format!("{} with a negative amount; if it is a credit note, set doc_type=credit_note", doc_type.name()),
            );
            return None;
        }
        _ => amount,
    };
    Some(Document {
        document_no: document_no?,
        customer_id: customer_id?,
        doc_date: doc_date?,
        amount,
        currency: currency?,
        doc_type,
        due_date,
        reference: f.opt_text("reference"),
        po_number: f.opt_text("po_number"),
    })
}

pub fn payment(f: &mut Fields<'_>, _ctx: &Ctx<'_>) -> Option<Payment> {
    let payment_id = f.req_text("payment_id");
    let payment_date = f.req_date("payment_date");
    let currency = f.currency("currency");
    let amount = f.money("amount", currency, true);
    if amount == Some(0) {
        f.issue("amount", "a payment of 0 moves no cash; remove the row");
        return None;
    }
    Some(Payment {
        payment_id: payment_id?,
        payment_date: payment_date?,
        amount: amount?,
        currency: currency?,
        customer_id: f.opt_text("customer_id"),
        payer_name: f.opt_text("payer_name"),
        reference: f.opt_text("reference"),
        bank_account: f.opt_text("bank_account"),
    })
}

pub fn application(f: &mut Fields<'_>, ctx: &Ctx<'_>) -> Option<Application> {
    let source = f.req_text("source");
    let document_no = f.req_text("document_no");
    let applied_date = f.req_date("applied_date");
    let kind = f.choice("kind", ApplicationKind::parse, "payment, credit, write_off, discount, deduction");
    let doc = f.existing_doc(ctx.book, "document_no", document_no.as_deref());
    let amount = f.money("amount", doc.map(|d| d.currency), true);
    let payment_id = f.opt_text("payment_id");
    if let Some(p) = payment_id.as_deref() {
        if !ctx.book.payments.contains_key(p) {
            f.issue(
                "payment_id",
                format!("payment '{p}' is not in the workspace; ingest it first (or in the same call)"),
            );
        }
    }
    let (source, doc, amount, applied_date, kind) = (source?, doc?, amount?, applied_date?, kind?);
    if amount == 0 {
        f.issue("amount", "an application of 0 changes nothing; remove the row");
        return None;
    }
    if (amount > 0) != (doc.amount > 0) {
        f.issue(
            "amount",
            format!(
                "applied amount has the opposite sign to document '{}' ({}); amounts applied reduce the document's open amount",
                doc.document_no,
                money::format_minor(doc.amount, doc.currency)
            ),
        );
    }
    if applied_date < doc.doc_date {
        f.issue(
            "applied_date",
            format!("applied {applied_date}, before document '{}' is dated ({})", doc.document_no, doc.doc_date),
        );
    }
    match kind {
        ApplicationKind::Payment => match ctx.book.payments.get(&source) {
            None => f.issue(
                "source",
                format!("payment '{source}' is not in the workspace; ingest the payment first (or in the same call)"),
            ),
            Some(p) => {
                if p.currency != doc.currency {
                    f.issue(
                        "source",
                        format!(
                            "payment '{source}' is in {} but document '{}' is in {}; arx applies within one currency",
                            p.currency, doc.document_no, doc.currency
                        ),
                    );
                }
                // A payment may net credit notes (CONTRACT.md §3): ERPs export "230.00 to the
                // invoice, −83.00 to the credit note" as two allocations of one 147.00 payment.
                let nets_credit_note = doc.doc_type == DocType::CreditNote && amount < 0 && p.amount > 0;
                if (p.amount > 0) != (amount > 0) && !nets_credit_note {
                    f.issue(
                        "amount",
                        format!(
                            "applied amount has the opposite sign to payment '{source}' ({}); only a credit note may be netted against a payment with a negative amount",
                            money::format_minor(p.amount, p.currency)
                        ),
                    );
                }
                if applied_date < p.payment_date {
                    f.issue(
                        "applied_date",
                        format!("applied {applied_date}, before payment '{source}' was received ({})", p.payment_date),
                    );
                }
            }
        },
        ApplicationKind::Credit => match ctx.book.documents.get(&source) {
            Some(c) if c.doc_type == DocType::CreditNote => {
                if c.currency != doc.currency {
                    f.issue(
                        "source",
                        format!(
                            "credit note '{source}' is in {} but document '{}' is in {}",
                            c.currency, doc.document_no, doc.currency
                        ),
                    );
                }
                if applied_date < c.doc_date {
                    f.issue(
                        "applied_date",
                        format!("applied {applied_date}, before credit note '{source}' is dated ({})", c.doc_date),
                    );
                }
            }
            Some(_) => f.issue(
                "source",
                format!("'{source}' is not a credit note; kind=credit needs a credit note as its source"),
            ),
            None => f.issue(
                "source",
                format!("credit note '{source}' is not in the workspace; ingest it first (or in the same call)"),
            ),
        },
        _ => {}
    }
    Some(Application {
        source,
        document_no: doc.document_no.clone(),
        amount,
        applied_date,
        kind,
        payment_id,
        rule: f.opt_text("rule"),
        batch: f.opt_text("batch"),
        currency: doc.currency,
    })
}

pub fn remittance(f: &mut Fields<'_>, ctx: &Ctx<'_>) -> Option<Remittance> {
    let payment_id = f.req_text("payment_id");
    let document_no = f.req_text("document_no");
    let payment = f.existing_payment(ctx.book, "payment_id", payment_id.as_deref());
    let currency = payment.map(|p| p.currency);
    let amount = f.money("amount", currency, true);
    let discount = f.money("discount", currency, false);
    let deduction = f.money("deduction", currency, false);
    Some(Remittance {
        payment_id: payment_id?,
        document_no: document_no?,
        amount: amount?,
        discount,
        deduction,
        reason: f.opt_text("reason"),
        currency: currency?,
    })
}

pub fn dispute(f: &mut Fields<'_>, ctx: &Ctx<'_>) -> Option<Dispute> {
    let document_no = f.req_text("document_no");
    let reason = f.req_text("reason");
    let opened_date = f.req_date("opened_date");
    let status = f.choice("status", DisputeStatus::parse, "open, resolved");
    let resolved_date = f.opt_date("resolved_date");
    let doc = f.existing_doc(ctx.book, "document_no", document_no.as_deref());
    let amount = f.money("amount", doc.map(|d| d.currency), false);
    let (status, opened_date) = (status?, opened_date?);
    match (status, resolved_date) {
        (DisputeStatus::Resolved, None) => {
            f.issue("resolved_date", "a resolved dispute needs its resolved_date (YYYY-MM-DD)")
        }
        (_, Some(r)) if r < opened_date => {
            f.issue("resolved_date", format!("resolved {r}, before it was opened ({opened_date})"))
        }
        (DisputeStatus::Open, Some(_)) => {
            f.issue("resolved_date", "an open dispute has no resolved_date; clear it or set status=resolved")
        }
        _ => {}
    }
    Some(Dispute {
        document_no: document_no?,
        reason: reason?,
        opened_date,
        status,
        resolved_date,
        amount,
        owner: f.opt_text("owner"),
        note: f.opt_text("note"),
        currency: doc?.currency,
    })
}

pub fn gl(f: &mut Fields<'_>, _ctx: &Ctx<'_>) -> Option<GlBalance> {
    let date = f.req_date("date");
    let currency = f.currency("currency");
    let balance = f.money("balance", currency, true);
    Some(GlBalance { date: date?, balance: balance?, currency: currency?, account: f.opt_text("account") })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(cols: &[&str]) -> Vec<String> {
        cols.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn detects_kinds_from_columns() {
        let k = |c: &[&str]| detect_kind(&names(c));
        assert_eq!(k(&["customer_id", "name", "email"]), Ok(Kind::Customers));
        assert_eq!(k(&["document_no", "customer_id", "doc_date", "amount", "currency", "name"]), Ok(Kind::Invoices));
        assert_eq!(k(&["payment_id", "payment_date", "amount", "currency"]), Ok(Kind::Payments));
        assert_eq!(k(&["source", "document_no", "amount", "applied_date"]), Ok(Kind::Applications));
        assert_eq!(k(&["payment_id", "document_no", "amount"]), Ok(Kind::Remittances));
        assert_eq!(k(&["document_no", "reason", "opened_date", "status"]), Ok(Kind::Disputes));
        assert_eq!(k(&["date", "balance", "currency"]), Ok(Kind::Gl));
        assert!(k(&["foo", "bar"]).is_err());
    }

    use crate::model::{cell_text, Record};
    use proptest::prelude::*;

    /// Renders `r` as canonical fields and parses them back through the generic profile.
    fn reparse<R: Record>(r: &R, parse: fn(&mut Fields<'_>, &Ctx<'_>) -> Option<R>) -> (Option<R>, Vec<Issue>) {
        let cols: Vec<(usize, &str)> =
            R::KIND.columns().iter().enumerate().filter(|(_, c)| c.canonical).map(|(i, c)| (i, c.name)).collect();
        let names: Vec<String> = cols.iter().map(|(_, n)| n.to_string()).collect();
        let values: Vec<String> = cols.iter().map(|(i, _)| cell_text(r, *i)).collect();
        let header = Header::map(R::KIND, &names, "t.csv").unwrap();
        let book = Book::default();
        let values = csv::StringRecord::from(values);
        let mut f = Fields { file: "t.csv", line: 2, header: &header, fields: &values, issues: Vec::new() };
        let parsed = parse(&mut f, &Ctx { book: &book, reporting_currency: None });
        (parsed, f.issues)
    }

    fn text() -> impl Strategy<Value = String> {
        // Leading/trailing spaces are trimmed by design, so generate trimmed text.
        "[A-Za-z0-9äöüÄÖÜßçé€ ,;\"'-]{1,12}"
            .prop_map(|s| s.trim().to_string())
            .prop_filter("non-empty", |s| !s.is_empty())
    }

    fn date() -> impl Strategy<Value = NaiveDate> {
        (0i64..40_000).prop_map(|d| NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + chrono::Duration::days(d))
    }

    fn currency() -> impl Strategy<Value = Currency> {
        prop::sample::select(vec!["EUR", "USD", "JPY", "KWD", "CLF", "GBP"]).prop_map(|c| Currency::parse(c).unwrap())
    }

    proptest! {
        #[test]
        fn documents_round_trip(no in text(), cust in text(), d in date(), due in prop::option::of(date()),
                                minor in 0i64..1_000_000_000_000, cur in currency(), ty in 0u8..3,
                                reference in prop::option::of(text()), po in prop::option::of(text())) {
            let doc_type = [DocType::Invoice, DocType::CreditNote, DocType::DebitNote][ty as usize];
            let amount = if doc_type == DocType::CreditNote { -minor } else { minor };
            let doc = Document { document_no: no, customer_id: cust, doc_date: d, amount, currency: cur, doc_type,
                                 due_date: due, reference, po_number: po };
            let (back, issues) = reparse(&doc, document);
            prop_assert!(issues.is_empty(), "{issues:?}");
            prop_assert_eq!(back, Some(doc));
        }

        #[test]
        fn payments_round_trip(id in text(), d in date(), minor in (-money::MAX_MINOR..=money::MAX_MINOR).prop_filter("nonzero", |m| *m != 0),
                               cur in currency(), cust in prop::option::of(text()), payer in prop::option::of(text()),
                               reference in prop::option::of(text()), acct in prop::option::of(text())) {
            let p = Payment { payment_id: id, payment_date: d, amount: minor, currency: cur, customer_id: cust,
                              payer_name: payer, reference, bank_account: acct };
            let (back, issues) = reparse(&p, payment);
            prop_assert!(issues.is_empty(), "{issues:?}");
            prop_assert_eq!(back, Some(p));
        }

        #[test]
        fn gl_and_customers_round_trip(d in date(), minor in -1_000_000_000i64..1_000_000_000, cur in currency(),
                                       acct in prop::option::of(text()), id in text(), name in text(),
                                       limit in prop::option::of(0i64..100_000_000)) {
            let g = GlBalance { date: d, balance: minor, currency: cur, account: acct };
            let (back, issues) = reparse(&g, gl);
            prop_assert!(issues.is_empty(), "{issues:?}");
            prop_assert_eq!(back, Some(g));
            let c = Customer { customer_id: id, name, email: None, credit_limit: limit.map(|l| money::format_minor(l, cur)),
                               currency: Some(cur), payment_terms: Some("NET30".into()), parent_id: None, address: None };
            let (back, issues) = reparse(&c, customer);
            prop_assert!(issues.is_empty(), "{issues:?}");
            prop_assert_eq!(back, Some(c));
        }
    }

    #[test]
    fn iso_dates_are_strict() {
        assert_eq!(parse_iso_date("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        for bad in ["2023-02-29", "2024-2-1", "01.02.2024", "2024/01/01", "20240101", "2024-01-01T00:00"] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
    }
}
