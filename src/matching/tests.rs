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

// ---- Issue 12: payments nobody here wrote, one test per class of what went wrong. ----

/// Larkspur (C1) with sequential invoices, an open credit note, and Orion (C2).
fn ledger(extra: &[(&str, usize, i64)]) -> Index {
    let customers = vec![
        Customer { id: "C1".into(), name: "Larkspur Foods plc".into(), parent: None, terms: None },
        Customer { id: "C2".into(), name: "Orion Inc".into(), parent: None, terms: None },
    ];
    let doc = |no: &str, c: usize, amount: i64, cur: &str| OpenDoc {
        no: no.into(),
        customer: c,
        currency: currency(cur),
        doc_type: if amount < 0 { DocType::CreditNote } else { DocType::Invoice },
        doc_date: date(0),
        amount,
        open: amount,
        reference: None,
        po_number: None,
    };
    let mut docs = vec![
        doc("INV-1057", 0, 495_009, "EUR"),
        doc("INV-1058", 0, 1_210_377, "EUR"),
        doc("INV-1059", 0, 23_000, "EUR"),
        doc("INV-1060", 0, 70_000, "EUR"),
        doc("INV-1061", 0, 22_990, "EUR"),
        doc("CN-30003", 0, -8_300, "EUR"),
        doc("INV-2001", 1, 99_900, "EUR"),
    ];
    for (no, c, amount) in extra {
        docs.push(doc(no, *c, *amount, if no.starts_with("JP") { "JPY" } else { "EUR" }));
    }
    Index::new(customers, docs, Vec::new())
}

fn pay(id: &str, day: u32, amount: i64, reference: &str) -> Incoming {
    Incoming { id: id.into(), date: date(day), ..incoming(amount, "LARKSPUR FOODS PLC", reference) }
}

fn applied_to(ix: &Index, d: &Decision) -> Vec<(String, i64)> {
    match d {
        Decision::Applied { lines, .. } => {
            let mut v: Vec<(String, i64)> = lines
                .iter()
                .map(|l| {
                    let what = match l.credit_note {
                        Some(cn) => format!("{}<-{}", ix.docs[l.doc].no, ix.docs[cn].no),
                        None => ix.docs[l.doc].no.clone(),
                    };
                    (what, l.amount)
                })
                .collect();
            v.sort();
            v
        }
        Decision::Exception { .. } => Vec::new(),
    }
}

#[test]
fn a_slip_naming_another_real_document_is_a_conflict_and_does_not_cascade() {
    let mut ix = ledger(&[]);
    // Pays INV-1057 (4,950.09 exactly) but writes INV-1058, a real open invoice of 12,103.77.
    let first = pay("P1", 1, 495_009, "INV-1058");
    // INV-1058's own payment comes later and must find it whole.
    let second = pay("P2", 2, 1_210_377, "INV-1058");
    let d = run(&mut ix, &[first, second], &policy());
    match &d[0] {
        Decision::Exception { kind: ExceptionKind::Conflict, reason, candidates } => {
            assert!(
                reason.contains(
                    "names INV-1058 (open 12,103.77); the amount 4,950.09 equals INV-1057, one character away"
                ),
                "{reason}"
            );
            let docs: Vec<&str> = candidates.iter().map(|c| ix.docs[c.doc].no.as_str()).collect();
            assert_eq!(docs, ["INV-1058", "INV-1057"]);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(applied_to(&ix, &d[1]), [("INV-1058".to_string(), 1_210_377)]);
}

#[test]
fn payments_netting_a_named_credit_note_are_applied_whatever_the_separator() {
    for text in [
        "INV-1059 CN-30003",
        "INV-1059 LESS CN-30003",
        "INV-1059 ./. CN-30003",
        "INV-1059 minus CN-30003",
        "INV-1059, CN-30003",
        "INV-1059; CN-30003",
        "INV-1059/CN-30003",
    ] {
        let ix = ledger(&[]);
        let d = decide(&ix, &pay("P1", 3, 14_700, text), &policy());
        assert_eq!(
            applied_to(&ix, &d),
            [("INV-1059".to_string(), 14_700), ("INV-1059<-CN-30003".to_string(), 8_300)],
            "{text}: {d:?}"
        );
    }
}

#[test]
fn no_usable_reference_applies_the_only_subset_credit_notes_included_and_ties_are_left() {
    let ix = ledger(&[]);
    // 700.00 + 229.90 − 83.00 = 846.90: only with the credit note.
    let d = decide(&ix, &pay("P1", 3, 84_690, "account settlement"), &policy());
    let got = applied_to(&ix, &d);
    assert!(
        got.iter().any(|(n, _)| n == "INV-1060")
            && got.iter().any(|(n, _)| n == "INV-1061")
            && got.iter().any(|(n, _)| n.contains("CN-30003")),
        "{d:?}"
    );
    // Two answers: INV-1062 alone and INV-1059 + INV-1060 both make 930.00.
    let ix = ledger(&[("INV-1062", 0, 93_000)]);
    let d = decide(&ix, &pay("P2", 3, 93_000, "payment"), &policy());
    assert!(matches!(d, Decision::Exception { kind: ExceptionKind::Ambiguous, .. }), "{d:?}");
}

#[test]
fn a_partly_readable_memo_applies_all_when_the_rest_is_explained_else_nothing() {
    // INV-1059 exact, INV-1O60 with an OCR slip: the amounts agree.
    let ix = ledger(&[]);
    let d = decide(&ix, &pay("P1", 3, 93_000, "INV-1059 INV-1O60"), &policy());
    assert_eq!(applied_to(&ix, &d), [("INV-1059".to_string(), 23_000), ("INV-1060".to_string(), 70_000)], "{d:?}");
    // A number with a digit dropped, confirmed by the amount.
    let ix = ledger(&[("INV-77001234", 0, 50_000)]);
    let d = decide(&ix, &pay("P2", 3, 73_000, "INV-1059 INV-7701234"), &policy());
    assert_eq!(applied_to(&ix, &d), [("INV-1059".to_string(), 23_000), ("INV-77001234".to_string(), 50_000)], "{d:?}");
    // Nothing explains the rest: the whole payment is an exception, the partial reading first.
    let ix = ledger(&[]);
    let d = decide(&ix, &pay("P3", 3, 523_000, "INV-1059 and others"), &policy());
    match &d {
        Decision::Exception { kind: ExceptionKind::Conflict, reason, candidates } => {
            assert!(reason.contains("5,000.00 is left unexplained"), "{reason}");
            assert_eq!(ix.docs[candidates[0].doc].no, "INV-1059");
        }
        other => panic!("{other:?}"),
    }
    // The payer has nothing else open: a true overpayment stays on account.
    let ix = ledger(&[]);
    let d =
        decide(&ix, &Incoming { payer_name: Some("ORION INC".into()), ..pay("P4", 3, 120_000, "INV-2001") }, &policy());
    assert_eq!(applied_to(&ix, &d), [("INV-2001".to_string(), 99_900)], "{d:?}");
}

#[test]
fn small_differences_on_several_documents_are_written_off_once_within_tolerance() {
    let ix = ledger(&[]);
    // INV-1059 + INV-1060 = 930.00, paid 927.50 (bank charges 2.50 ≤ 5.00 and ≤ 0.5 %).
    let d = decide(&ix, &pay("P1", 3, 92_750, "INV-1059 INV-1060"), &policy());
    match &d {
        Decision::Applied { lines, .. } => {
            let cash: i64 = lines.iter().filter(|l| l.kind == ApplicationKind::Payment).map(|l| l.amount).sum();
            let off: Vec<&Line> = lines.iter().filter(|l| l.kind == ApplicationKind::WriteOff).collect();
            assert_eq!(cash, 92_750);
            assert_eq!(off.len(), 1);
            assert_eq!((ix.docs[off[0].doc].no.as_str(), off[0].amount), ("INV-1060", 250));
        }
        other => panic!("{other:?}"),
    }
    // Over the tolerance (12.50): not applied as extra cash to one line, not written off.
    let d = decide(&ix, &pay("P2", 3, 91_750, "INV-1059 INV-1060"), &policy());
    assert!(matches!(d, Decision::Exception { .. }), "{d:?}");
}

#[test]
fn a_credit_note_not_named_is_not_drawn() {
    let ix = ledger(&[]);
    // Exactly INV-1059's amount, no reference: the invoice alone, CN-3 untouched.
    let d = decide(&ix, &pay("P1", 3, 23_000, "payment"), &policy());
    assert_eq!(applied_to(&ix, &d), [("INV-1059".to_string(), 23_000)], "{d:?}");
}

#[test]
fn high_nominal_and_zero_decimal_currencies_match_like_any_other() {
    let ix = ledger(&[("JP-0099001", 0, 9_876_543_210_987), ("JP-0099002", 0, 1_234_567_890_123)]);
    let p = Incoming { currency: currency("JPY"), ..pay("P1", 3, 9_876_543_210_987, "JP-0099001") };
    let d = decide(&ix, &p, &policy());
    assert_eq!(applied_to(&ix, &d), [("JP-0099001".to_string(), 9_876_543_210_987)], "{d:?}");
    let p = Incoming {
        currency: currency("JPY"),
        ..pay("P2", 3, 9_876_543_210_987 + 1_234_567_890_123, "JP 99001 JP 99002")
    };
    let d = decide(&ix, &p, &policy());
    assert_eq!(applied_to(&ix, &d).len(), 2, "{d:?}");
}

#[test]
fn numbers_glued_to_the_next_word_are_read() {
    let ix = ledger(&[("5030161251", 0, 10_000), ("0338137715", 0, 20_000)]);
    let d = decide(&ix, &pay("P1", 3, 30_000, "REF 0: 0338137715REF 1: 5030161251"), &policy());
    assert_eq!(applied_to(&ix, &d), [("0338137715".to_string(), 20_000), ("5030161251".to_string(), 10_000)], "{d:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever a reference names, a payment whose named documents don't fit while another open
    /// document of the payer equals it exactly is never applied: two readings disagree.
    #[test]
    fn never_applied_when_two_readings_disagree(
        amounts in proptest::collection::vec(1_000i64..900_000, 3..8),
        named in 0usize..8,
        paid in 0usize..8,
        extra in 1i64..500,
    ) {
        let n = amounts.len();
        let (named, paid) = (named % n, paid % n);
        prop_assume!(named != paid);
        let docs: Vec<(String, usize, i64)> =
            amounts.iter().enumerate().map(|(i, a)| (format!("INV-{:04}", 3000 + i), 0usize, *a)).collect();
        let extra_docs: Vec<(&str, usize, i64)> = docs.iter().map(|(no, c, a)| (no.as_str(), *c, *a)).collect();
        let ix = ledger(&extra_docs);
        let named_no = &docs[named].0;
        let target = docs[paid].2;
        // Only a contradiction when the named document doesn't fit the amount on its own.
        prop_assume!(docs[named].2 != target);
        let _ = extra;
        let d = decide(&ix, &pay("P1", 3, target, named_no), &policy());
        let named_doc = ix.docs.iter().position(|d| &d.no == named_no).unwrap();
        if let Decision::Applied { lines, .. } = &d {
            // Applied only if the reading is consistent: the named document settled in full
            // (with tolerance or discount) and the payment explained, never a part of it.
            let on_named: i64 = lines.iter().filter(|l| l.doc == named_doc).map(|l| l.amount).sum();
            prop_assert_eq!(on_named, ix.docs[named_doc].open, "{:?}", d);
        }
    }
}

// ---- Regressions found by review, each named after what it caught. ----

fn world_of(docs: Vec<(&str, i64, Option<&str>, Option<&str>)>) -> Index {
    let customers = vec![Customer { id: "C1".into(), name: "Larkspur Foods plc".into(), parent: None, terms: None }];
    let docs = docs
        .into_iter()
        .map(|(no, amount, reference, po)| OpenDoc {
            no: no.into(),
            customer: 0,
            currency: currency("EUR"),
            doc_type: if amount < 0 { DocType::CreditNote } else { DocType::Invoice },
            doc_date: date(0),
            amount,
            open: amount,
            reference: reference.map(str::to_string),
            po_number: po.map(str::to_string),
        })
        .collect();
    Index::new(customers, docs, Vec::new())
}

#[test]
fn a_po_shared_by_other_invoices_does_not_pull_them_into_an_invoice_named_by_number() {
    let ix = world_of(vec![
        ("INV-5001", 100_000, None, Some("4500012345")),
        ("INV-5003", 40_000, None, Some("4500012345")),
        ("INV-5004", 60_000, None, Some("4500012345")),
    ]);
    let d = decide(&ix, &pay("P1", 3, 100_000, "INV-5001 PO 4500012345"), &policy());
    assert_eq!(applied_to(&ix, &d), [("INV-5001".to_string(), 100_000)], "{d:?}");
}

#[test]
fn a_credit_notes_reference_to_its_invoice_does_not_name_the_credit_note() {
    let ix = world_of(vec![("INV-6001", 100_000, None, None), ("CN-7001", -20_000, Some("INV-6001"), None)]);
    // A part payment of the invoice by its number: the credit note is not drawn.
    let d = decide(&ix, &pay("P1", 3, 40_900, "part payment INV-6001"), &policy());
    assert_eq!(applied_to(&ix, &d), [("INV-6001".to_string(), 40_900)], "{d:?}");
}

#[test]
fn the_named_documents_own_number_is_not_a_slip_of_its_neighbour() {
    // INV-200451 named; 250.00 over: INV-200452 is one digit away from the named number, but the
    // word is INV-200451 itself, and INV-300017 is 250.00 too — nothing tells which.
    let ix = world_of(vec![
        ("INV-200451", 100_000, None, None),
        ("INV-200452", 25_000, None, None),
        ("INV-300017", 25_000, None, None),
    ]);
    let d = decide(&ix, &pay("P1", 3, 125_000, "INV-200451"), &policy());
    assert!(matches!(d, Decision::Exception { .. }), "{d:?}");
}

#[test]
fn a_named_invoice_paid_in_part_while_a_combination_of_others_is_exact_is_a_conflict() {
    let ix = ledger(&[]);
    // 930.00 = INV-1059 + INV-1060, but the reference names INV-1058 (12,103.77).
    let d = decide(&ix, &pay("P1", 3, 93_000, "INV-1058"), &policy());
    match &d {
        Decision::Exception { kind: ExceptionKind::Conflict, reason, .. } => {
            assert!(reason.contains("is exactly INV-1059, INV-1060 together"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_slip_is_not_accepted_on_an_overpayment_of_another_invoice() {
    let ix = world_of(vec![("INV-0046481", 353_760, None, None), ("INV-0046841", 34_696, None, None)]);
    // "lNV-0046481" (l for I) pays INV-0046481 exactly; INV-0046841 (two digits swapped) must
    // not take it as an overpayment.
    let d = decide(&ix, &pay("P1", 3, 353_760, "Rechnung lNV-0046481"), &policy());
    assert_eq!(applied_to(&ix, &d), [("INV-0046481".to_string(), 353_760)], "{d:?}");
}
