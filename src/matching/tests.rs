//! Property tests of the matching core on random ledgers: whatever the evidence, no payment is
//! applied beyond its amount, no document beyond its open amount, cash is conserved, and the same
//! inputs give the same decisions.

use super::*;
use proptest::prelude::*;

fn currency(code: &str) -> Currency {
    Currency::parse(code).unwrap()
}

fn date(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(d))
}

#[derive(Debug, Clone)]
struct World {
    customers: Vec<Customer>,
    docs: Vec<OpenDoc>,
    payments: Vec<Incoming>,
    accounts: Vec<(String, usize)>,
}

fn world() -> impl Strategy<Value = World> {
    let names = ["Acme GmbH", "Acme Intl Ltd", "Brightwater B.V.", "Müller & Söhne AG", "Zephyr SA", "Orion Inc."];
    (
        proptest::collection::vec((0usize..6, 1i64..5_000, 0u32..40, 0u8..6, any::<bool>()), 1..40),
        proptest::collection::vec((0usize..6, 1i64..12_000, 0u32..60, 0u8..8, any::<bool>(), 0usize..40), 1..30),
        proptest::collection::vec((0usize..6, 0usize..40, 0i64..3), 0..3),
    )
        .prop_map(move |(docs, pays, remits)| {
            let customers: Vec<Customer> = names
                .iter()
                .enumerate()
                .map(|(i, n)| Customer {
                    id: format!("C{i}"),
                    name: n.to_string(),
                    parent: (i == 5).then_some(0),
                    terms: (i % 2 == 0).then(|| DiscountTerms::parse("2/10 net 30").unwrap()),
                })
                .collect();
            let docs: Vec<OpenDoc> = docs
                .iter()
                .enumerate()
                .map(|(i, (c, amt, d, kind, partly))| {
                    let credit = *kind == 0;
                    let amount = if credit { -amt } else { amt * 10 };
                    OpenDoc {
                        no: if credit { format!("CN-{:05}", i) } else { format!("INV-{:07}", 1000 + i) },
                        customer: *c,
                        currency: if *kind == 5 { currency("JPY") } else { currency("EUR") },
                        doc_type: if credit { DocType::CreditNote } else { DocType::Invoice },
                        doc_date: date(*d),
                        amount,
                        open: if *partly && !credit { amount / 2 } else { amount },
                        reference: None,
                        po_number: None,
                    }
                })
                .collect();
            let payments: Vec<Incoming> = pays
                .iter()
                .enumerate()
                .map(|(i, (c, amt, d, style, named, target))| {
                    let doc = &docs[target % docs.len()];
                    let reference = match style {
                        0 => Some(doc.no.clone()),
                        1 => Some(format!("inv {}", doc.no.trim_start_matches("INV-").trim_start_matches('0'))),
                        2 => Some(format!("{} and {}", doc.no, docs[(target + 1) % docs.len()].no)),
                        3 => Some("SEPA CREDIT".to_string()),
                        _ => None,
                    };
                    let amount = match style {
                        0 | 4 => doc.open.abs(),
                        5 => doc.open.abs() - 3,
                        _ => *amt,
                    };
                    Incoming {
                        id: format!("P{i:03}"),
                        date: date(*d),
                        currency: if *style == 7 { currency("JPY") } else { currency("EUR") },
                        amount: amount.max(1),
                        partly_applied: false,
                        customer: (*style == 6).then_some(*c),
                        payer_name: named.then(|| names[*c].to_uppercase()),
                        reference,
                        bank_account: (*style == 4).then(|| format!("DE{c:020}")),
                        remittance: Vec::new(),
                    }
                })
                .collect();
            let mut payments = payments;
            for (p, d, extra) in remits {
                if let Some(pay) = payments.get_mut(p % 30) {
                    let doc = &docs[d % docs.len()];
                    pay.remittance.push(RemitLine {
                        document_no: doc.no.clone(),
                        amount: pay.amount,
                        discount: extra,
                        deduction: 0,
                        reason: None,
                    });
                }
            }
            let accounts = (0..6).map(|c| (format!("DE{c:020}"), c)).collect();
            World { customers, docs, payments, accounts }
        })
}

fn policy() -> Policy {
    Policy {
        write_off_fixed: Decimal::new(500, 2),
        write_off_percent: Decimal::new(5, 1),
        deduction_max: Decimal::new(2500, 2),
        combination_max_items: 20,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn applications_never_exceed_payments_or_open_amounts(w in world()) {
        let mut ix = Index::new(w.customers.clone(), w.docs.clone(), w.accounts.clone());
        let decisions = run(&mut ix, &w.payments, &policy());
        prop_assert_eq!(decisions.len(), w.payments.len());
        let mut received = 0i64;
        let mut applied = 0i64;
        let mut left = 0i64;
        for (p, d) in w.payments.iter().zip(&decisions) {
            received += p.amount;
            let cash: i64 = match d {
                Decision::Applied { lines, .. } => {
                    for l in lines {
                        prop_assert!(l.amount > 0);
                        prop_assert_eq!(ix.docs[l.doc].currency, p.currency);
                    }
                    lines.iter().filter(|l| l.kind == ApplicationKind::Payment).map(|l| l.amount).sum()
                }
                Decision::Exception { .. } => 0,
            };
            prop_assert!(cash <= p.amount, "payment {} applied {} of {}", p.id, cash, p.amount);
            applied += cash;
            left += p.amount - cash;
        }
        prop_assert_eq!(applied + left, received);
        for (before, after) in w.docs.iter().zip(&ix.docs) {
            let range = before.amount.min(0)..=before.amount.max(0);
            prop_assert!(range.contains(&after.open), "{} open {} of {}", after.no, after.open, before.amount);
            // Invoices only go down, credit notes only towards zero.
            prop_assert!(after.open.abs() <= before.open.abs());
        }
        let rows = crate::report::apply::summarize(&w.payments, &decisions);
        for r in rows {
            prop_assert_eq!(r.received, r.applied + r.left_unapplied);
            prop_assert_eq!(r.received, r.fully.1 + r.partly.1 + r.unapplied.1);
            prop_assert_eq!(r.payments, r.fully.0 + r.partly.0 + r.unapplied.0);
        }
        // Deterministic: the same inputs give the same decisions.
        let mut again = Index::new(w.customers.clone(), w.docs.clone(), w.accounts.clone());
        prop_assert_eq!(run(&mut again, &w.payments, &policy()), decisions);
    }
}

fn small_world() -> (Vec<Customer>, Vec<OpenDoc>) {
    let customers = vec![
        Customer { id: "C1".into(), name: "Acme GmbH".into(), parent: None, terms: None },
        Customer { id: "C2".into(), name: "Orion Inc".into(), parent: None, terms: None },
    ];
    let doc = |no: &str, c: usize, amount: i64| OpenDoc {
        no: no.into(),
        customer: c,
        currency: currency("EUR"),
        doc_type: DocType::Invoice,
        doc_date: date(0),
        amount,
        open: amount,
        reference: None,
        po_number: None,
    };
    (customers, vec![doc("INV-0012345", 0, 10_000), doc("INV-0012346", 0, 10_000), doc("INV-0017225", 1, 5_000)])
}

fn incoming(amount: i64, payer: &str, reference: &str) -> Incoming {
    Incoming {
        id: "P1".into(),
        date: date(5),
        currency: currency("EUR"),
        amount,
        partly_applied: false,
        customer: None,
        payer_name: Some(payer.into()),
        reference: Some(reference.into()),
        bank_account: None,
        remittance: Vec::new(),
    }
}

#[test]
fn two_equal_invoices_without_a_reference_are_not_guessed() {
    let (c, d) = small_world();
    let ix = Index::new(c, d, Vec::new());
    let decision = decide(&ix, &incoming(10_000, "ACME", "SEPA CREDIT"), &policy());
    assert!(
        matches!(decision, Decision::Exception { kind: ExceptionKind::Ambiguous, ref candidates, .. } if candidates.len() == 2)
    );
}

#[test]
fn a_slip_that_is_another_customers_invoice_is_not_evidence() {
    let (c, d) = small_world();
    let ix = Index::new(c, d, Vec::new());
    // 0017225 is Orion's; the payer is Acme paying 100.00 with a number one slip from Orion's.
    let decision = decide(&ix, &incoming(5_000, "ACME GMBH", "INV-0017252"), &policy());
    assert!(matches!(decision, Decision::Exception { .. }), "{decision:?}");
}

#[test]
fn format_variants_and_slips_of_the_payers_own_invoice_apply() {
    let (c, d) = small_world();
    let ix = Index::new(c, d, Vec::new());
    for text in ["inv 12345", "Invoice #0012345", "INV0012345", "RE: 12345 thanks"] {
        let decision = decide(&ix, &incoming(10_000, "ACME GMBH", text), &policy());
        assert!(
            matches!(&decision, Decision::Applied { rule: Rule::ReferenceFuzzy | Rule::Reference, lines, .. } if lines[0].doc == 0),
            "{text}: {decision:?}"
        );
    }
    let decision = decide(&ix, &incoming(10_000, "ACME GMBH", "INV-0O12345"), &policy());
    assert!(
        matches!(&decision, Decision::Applied { rule: Rule::ReferenceSlip, lines, .. } if lines[0].doc == 0),
        "{decision:?}"
    );
}
