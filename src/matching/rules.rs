//! The decisions: evidence in order of strength, tolerances and terms, and "never guess".

use super::evidence::{Found, Index};
use super::subset::{self, Combination};
use super::{Candidate, Decision, ExceptionKind, Incoming, Line, Policy, Rule};
use crate::model::{ApplicationKind, DocType};
use crate::money::Currency;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeSet;

/// Reasons written on the applications the rules create (their `source`).
pub const TOLERANCE_REASON: &str = "payment difference within tolerance";
pub const DISCOUNT_REASON: &str = "early-payment discount";
pub const SHORT_PAY_REASON: &str = "short-payment";

fn minor(value: Decimal, currency: Currency) -> i64 {
    let scaled = value * Decimal::from(10i64.pow(currency.minor_units()));
    i64::try_from(scaled.trunc()).unwrap_or(i64::MAX)
}

/// The largest difference written off when a payment settles `settled`: the smaller of the
/// fixed and the percentage tolerance.
pub fn tolerance(policy: &Policy, settled: i64, currency: Currency) -> i64 {
    let fixed = minor(policy.write_off_fixed, currency);
    let pct = Decimal::from(settled) * policy.write_off_percent / Decimal::from(100);
    let pct = i64::try_from(pct.trunc()).unwrap_or(i64::MAX);
    fixed.min(pct).max(0)
}

/// The discounts terms allow on `open`: rounded half-even and half-up (payers do both).
fn discounts(percent: Decimal, open: i64) -> [i64; 2] {
    let exact = Decimal::from(open) * percent / Decimal::from(100);
    let even = exact.round_dp_with_strategy(0, RoundingStrategy::MidpointNearestEven);
    let up = exact.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    [i64::try_from(even).unwrap_or(-1), i64::try_from(up).unwrap_or(-1)]
}

/// The discount on document `i` a payment of `amount` on `p.date` takes, if the customer's terms
/// allow exactly that.
fn discount_taken(ix: &Index, p: &Incoming, i: usize, amount: i64) -> Option<i64> {
    let d = &ix.docs[i];
    let terms = ix.customers.get(d.customer)?.terms?;
    let days = (p.date - d.doc_date).num_days();
    let taken = d.open - amount;
    (days <= i64::from(terms.days) && taken > 0 && discounts(terms.percent, d.open).contains(&taken)).then_some(taken)
}

fn pay(doc: usize, amount: i64) -> Line {
    Line { kind: ApplicationKind::Payment, doc, amount, credit_note: None, reason: None }
}

fn difference(kind: ApplicationKind, doc: usize, amount: i64, reason: &str) -> Line {
    Line { kind, doc, amount, credit_note: None, reason: Some(reason.to_string()) }
}

fn exception(kind: ExceptionKind, reason: impl Into<String>, candidates: Vec<Candidate>) -> Decision {
    Decision::Exception { kind, reason: reason.into(), candidates }
}

/// An amount in a reason a person reads: grouped, in the document's currency (`12,103.77`).
fn fmt(ix: &Index, amount: i64, i: usize) -> String {
    crate::money::format_grouped(amount, ix.docs[i].currency)
}

/// Settles the named documents with a payment: credit notes among them first, then cash; a
/// shortfall is written off (tolerance), a discount (terms), a deduction (policy) or left open
/// (an instalment) — on a single document only, since on several it isn't known which one is short.
fn settle(ix: &Index, p: &Incoming, policy: &Policy, docs: &[usize]) -> Option<Vec<Line>> {
    let mut invoices: Vec<(usize, i64)> =
        docs.iter().filter(|i| ix.docs[**i].open > 0).map(|i| (*i, ix.docs[*i].open)).collect();
    let credits: Vec<(usize, i64)> =
        docs.iter().filter(|i| ix.docs[**i].open < 0).map(|i| (*i, -ix.docs[*i].open)).collect();
    if invoices.is_empty() {
        return None;
    }
    let mut lines = Vec::new();
    for (cn, mut left) in credits {
        for (inv, open) in invoices.iter_mut() {
            let take = left.min(*open);
            if take > 0 {
                lines.push(Line {
                    kind: ApplicationKind::Credit,
                    doc: *inv,
                    amount: take,
                    credit_note: Some(cn),
                    reason: None,
                });
                *open -= take;
                left -= take;
            }
        }
        if left > 0 {
            // More credit than the invoices need: the payer's arithmetic isn't this.
            return None;
        }
    }
    invoices.retain(|(_, open)| *open > 0);
    let needed: i64 = invoices.iter().map(|(_, o)| o).sum();
    if needed == 0 {
        return None;
    }
    if p.amount >= needed {
        lines.extend(invoices.iter().map(|(i, o)| pay(*i, *o)));
        return Some(lines);
    }
    let short = needed - p.amount;
    if short <= tolerance(policy, needed, p.currency) {
        let largest =
            invoices.iter().enumerate().max_by_key(|(k, (_, o))| (*o, std::cmp::Reverse(*k))).map(|(k, _)| k)?;
        for (k, (i, o)) in invoices.iter().enumerate() {
            if k == largest {
                lines.push(pay(*i, o - short));
                lines.push(difference(ApplicationKind::WriteOff, *i, short, TOLERANCE_REASON));
            } else {
                lines.push(pay(*i, *o));
            }
        }
        lines.retain(|l| l.amount > 0);
        return Some(lines);
    }
    if let [(i, _)] = invoices[..] {
        lines.push(pay(i, p.amount));
        if lines.iter().all(|l| l.kind == ApplicationKind::Payment) {
            if let Some(d) = discount_taken(ix, p, i, p.amount) {
                lines.push(difference(ApplicationKind::Discount, i, d, DISCOUNT_REASON));
                return Some(lines);
            }
        }
        if short <= minor(policy.deduction_max, p.currency) {
            lines.push(difference(ApplicationKind::Deduction, i, short, SHORT_PAY_REASON));
        }
        // Otherwise an instalment: what was paid is applied, the rest stays open.
        return Some(lines);
    }
    // Several documents, paid short: only a unique exact subset of them is an answer.
    if lines.is_empty() {
        let amounts: Vec<i64> = invoices.iter().map(|(_, o)| *o).collect();
        if let Combination::Unique(pos) = subset::find(&amounts, p.amount) {
            return Some(pos.iter().map(|k| pay(invoices[*k].0, invoices[*k].1)).collect());
        }
    }
    None
}

fn root(ix: &Index, c: usize) -> usize {
    ix.customers[c].parent.filter(|p| *p < ix.customers.len()).unwrap_or(c)
}

/// Applies on document numbers (or references / PO numbers) in the payment text.
fn by_reference(
    ix: &Index,
    p: &Incoming,
    policy: &Policy,
    fam: &BTreeSet<usize>,
    hits: &[(u32, Found)],
) -> Option<Decision> {
    // A PO or reference number only adds documents of customers that no document number
    // names: where the number names INV-5001, other invoices sharing its PO are not named too.
    let numbered: BTreeSet<usize> =
        hits.iter().filter(|h| h.1 != Found::Po).map(|h| root(ix, ix.docs[h.0 as usize].customer)).collect();
    let hits: Vec<(u32, Found)> = hits
        .iter()
        .copied()
        .filter(|h| h.1 != Found::Po || !numbered.contains(&root(ix, ix.docs[h.0 as usize].customer)))
        .collect();
    let settled: Vec<usize> = hits.iter().map(|h| h.0 as usize).filter(|i| ix.docs[*i].open == 0).collect();
    let mut open: Vec<(usize, Found)> =
        hits.iter().map(|h| (h.0 as usize, h.1)).filter(|(i, _)| ix.docs[*i].open != 0).collect();
    if !fam.is_empty() {
        let inside: Vec<(usize, Found)> =
            open.iter().copied().filter(|(i, _)| fam.contains(&ix.docs[*i].customer)).collect();
        if !inside.is_empty() {
            open = inside;
        } else {
            // Numbers of other customers' documents: evidence only when written exactly.
            open.retain(|(_, f)| *f == Found::Exact);
        }
    }
    if open.is_empty() {
        if !settled.is_empty() && fam.iter().any(|c| settled.iter().any(|i| ix.docs[*i].customer == *c))
            || fam.is_empty() && !settled.is_empty()
        {
            let cands = settled
                .iter()
                .map(|i| Candidate { doc: *i, score: 50, why: "named in the reference, already settled".into() })
                .collect();
            let names: Vec<&str> = settled.iter().map(|i| ix.docs[*i].no.as_str()).collect();
            return Some(exception(
                ExceptionKind::Conflict,
                format!(
                    "the reference names {} which {} already settled (a duplicate payment?)",
                    names.join(", "),
                    if names.len() == 1 { "is" } else { "are" }
                ),
                cands,
            ));
        }
        return None;
    }
    // Group by customer group: the answer must come from one.
    let mut groups: Vec<(usize, Vec<usize>, Found)> = Vec::new();
    for (i, f) in &open {
        let g = root(ix, ix.docs[*i].customer);
        match groups.iter_mut().find(|(r, _, _)| *r == g) {
            Some((_, v, w)) => {
                v.push(*i);
                *w = (*w).max(*f);
            }
            None => groups.push((g, vec![*i], *f)),
        }
    }
    let rule_for = |f: Found| match f {
        Found::Exact => Rule::Reference,
        Found::Format => Rule::ReferenceFuzzy,
        Found::Po => Rule::PoReference,
    };
    let candidates = |docs: &[usize]| -> Vec<Candidate> {
        docs.iter()
            .map(|i| Candidate {
                doc: *i,
                score: 80,
                why: format!("named in the reference, open {}", fmt(ix, ix.docs[*i].open, *i)),
            })
            .collect()
    };
    if groups.len() == 1 {
        let (_, docs, found) = &groups[0];
        // Where only some named documents are explained by a third party's payment and the
        // customer is unknown, an exact total is required.
        if let Some(lines) = settle(ix, p, policy, docs) {
            let exact_total = docs.iter().map(|i| ix.docs[*i].open).sum::<i64>() == p.amount;
            let outside = !fam.is_empty() && !docs.iter().any(|i| fam.contains(&ix.docs[*i].customer));
            if !outside || exact_total {
                return Some(match cross_check(ix, p, policy, fam, docs, lines) {
                    Ok(lines) => Decision::Applied { rule: rule_for(*found), lines, note: None },
                    Err(exception) => exception,
                });
            }
        }
        let total: i64 = docs.iter().map(|i| ix.docs[*i].open).sum();
        return Some(exception(
            ExceptionKind::Conflict,
            format!(
                "the reference names {} open {}, but the payment is {}",
                docs.iter().map(|i| ix.docs[*i].no.as_str()).collect::<Vec<_>>().join(", "),
                fmt(ix, total, docs[0]),
                fmt(ix, p.amount, docs[0])
            ),
            candidates(docs),
        ));
    }
    // Several customers' documents named: one group must tie exactly.
    let exact: Vec<&(usize, Vec<usize>, Found)> =
        groups.iter().filter(|(_, docs, _)| docs.iter().map(|i| ix.docs[*i].open).sum::<i64>() == p.amount).collect();
    if let [(_, docs, found)] = exact[..] {
        if let Some(lines) = settle(ix, p, policy, docs) {
            return Some(match cross_check(ix, p, policy, fam, docs, lines) {
                Ok(lines) => Decision::Applied { rule: rule_for(*found), lines, note: None },
                Err(exception) => exception,
            });
        }
    }
    let all: Vec<usize> = groups.iter().flat_map(|g| g.1.iter().copied()).collect();
    Some(exception(
        ExceptionKind::Ambiguous,
        "the reference names documents of several customers and the amount doesn't single out one",
        candidates(&all),
    ))
}

/// The customers a reading concerns: the identified payer's group, else the groups of the
/// documents read.
fn payer_of(ix: &Index, fam: &BTreeSet<usize>, docs: &[usize]) -> BTreeSet<usize> {
    if !fam.is_empty() {
        return fam.clone();
    }
    let named: BTreeSet<usize> = docs.iter().map(|i| ix.docs[*i].customer).collect();
    ix.family(&named)
}

/// Before a reading of the reference is applied, ask whether other evidence contradicts it
/// (CONTRACT.md §3: evidence that disagrees is no answer):
/// - cash left over while the payer has other open documents is a half decision unless the
///   rest is explained — by numbers in the text one slip or one dropped/added character away
///   from the payer's other documents, or by the only set of them that adds up to the rest —
///   and then those are applied too;
/// - a named document paid only in part while another open document of the payer equals the
///   payment is a conflict (a slipped reference that happens to name a real document).
///
/// Ok: the lines to apply (possibly more than given); Err: the exception to raise instead.
fn cross_check(
    ix: &Index,
    p: &Incoming,
    policy: &Policy,
    fam: &BTreeSet<usize>,
    docs: &[usize],
    mut lines: Vec<Line>,
) -> Result<Vec<Line>, Decision> {
    let payer = payer_of(ix, fam, docs);
    let touched: Vec<usize> = lines.iter().map(|l| l.doc).chain(docs.iter().copied()).collect();
    let others: Vec<usize> = ix
        .open_docs_of(&payer, p.currency)
        .into_iter()
        .map(|i| i as usize)
        .filter(|i| ix.docs[*i].open > 0 && !touched.contains(i))
        .collect();
    let cash: i64 = lines.iter().filter(|l| l.kind == ApplicationKind::Payment).map(|l| l.amount).sum();
    let rest = p.amount - cash;
    let names = |v: &[usize]| v.iter().map(|i| ix.docs[*i].no.as_str()).collect::<Vec<_>>().join(", ");
    let named_open: i64 = docs.iter().map(|i| ix.docs[*i].open).sum();
    let first = docs.first().copied().unwrap_or(0);
    let mut cands: Vec<Candidate> = docs
        .iter()
        .map(|i| Candidate {
            doc: *i,
            score: 80,
            why: format!("named in the reference, open {}", fmt(ix, ix.docs[*i].open, *i)),
        })
        .collect();
    // The named documents don't add up to the payment while another open document of the
    // payer is exactly the payment: the reference may well be a slip that names a real document.
    if named_open != p.amount {
        let mut exact: Vec<usize> = others.iter().copied().filter(|i| ix.docs[*i].open == p.amount).collect();
        if fam.is_empty() {
            // Payer unknown: any customer's open document of exactly the amount disagrees too.
            let anyone: Vec<usize> = ix
                .with_open_amount(p.currency, p.amount)
                .into_iter()
                .map(|i| i as usize)
                .filter(|i| !touched.contains(i) && !exact.contains(i))
                .collect();
            exact.extend(anyone);
        }
        // …or a set of the payer's other documents adds up to it exactly.
        if exact.is_empty() && others.len() >= 2 && others.len() <= policy.combination_max_items.min(24) {
            let amounts: Vec<i64> = others.iter().map(|i| ix.docs[*i].open).collect();
            if let Combination::Unique(pos) | Combination::Several(pos, _) = subset::find(&amounts, p.amount) {
                let combo: Vec<usize> = pos.iter().map(|k| others[*k]).collect();
                cands.extend(combination_candidates(&others, pos.iter()));
                return Err(exception(
                    ExceptionKind::Conflict,
                    format!(
                        "the reference names {} (open {}), but the payment {} is exactly {} together",
                        names(docs),
                        fmt(ix, named_open, first),
                        fmt(ix, p.amount, first),
                        names(&combo)
                    ),
                    cands,
                ));
            }
        }
        if !exact.is_empty() {
            let named = &ix.docs[first];
            let alt = &ix.docs[exact[0]];
            let (a, b) = (super::normalize::alnum(&named.no), super::normalize::alnum(&alt.no));
            let away = if super::normalize::one_edit(&a, &b) { ", one character away" } else { "" };
            cands.extend(exact.iter().map(|i| Candidate {
                doc: *i,
                score: 75,
                why: format!("open {} equals the payment", fmt(ix, ix.docs[*i].open, *i)),
            }));
            return Err(exception(
                ExceptionKind::Conflict,
                format!(
                    "the reference names {} (open {}); the amount {} equals {}{away}: which one is paid can't be told",
                    names(docs),
                    fmt(ix, named_open, first),
                    fmt(ix, p.amount, first),
                    names(&exact)
                ),
                cands,
            ));
        }
    }
    if rest > 0 {
        // Nothing else of the payer's is open, or the rest is smaller than every other open
        // document (it can't be another invoice paid) and than what the payment settles: a true
        // overpayment, kept on account.
        if others.is_empty() || (rest < cash && others.iter().all(|i| ix.docs[*i].open > rest)) {
            return Ok(lines);
        }
        if let Some(more) = explain_rest(ix, p, policy, &payer, &touched, &others, rest) {
            lines.extend(more);
            return Ok(lines);
        }
        if rest <= tolerance(policy, cash, p.currency) {
            return Ok(lines);
        }
        let mut close = others.clone();
        close.sort_by_key(|i| ((ix.docs[*i].open - rest).abs(), *i));
        cands.extend(close.iter().take(3).map(|i| Candidate {
            doc: *i,
            score: 40,
            why: format!("another open document of the payer, open {}", fmt(ix, ix.docs[*i].open, *i)),
        }));
        return Err(exception(
            ExceptionKind::Conflict,
            format!(
                "the reference names {} (open {}), but the payment is {}: {} is left unexplained while the payer has {} other open document{}; nothing applied rather than half of it",
                names(docs),
                fmt(ix, named_open, first),
                fmt(ix, p.amount, first),
                fmt(ix, rest, first),
                others.len(),
                if others.len() == 1 { "" } else { "s" }
            ),
            cands,
        ));
    }
    Ok(lines)
}

/// The payer's other open documents that explain the `rest` of a payment after the documents it
/// names: numbers in the text one slip (or one dropped or added character) from them, numbers
/// run together, or the only set of them adding up to the rest. The lines for them, or None.
fn explain_rest(
    ix: &Index,
    p: &Incoming,
    policy: &Policy,
    payer: &BTreeSet<usize>,
    touched: &[usize],
    others: &[usize],
    rest: i64,
) -> Option<Vec<Line>> {
    let whole = |docs: &[usize]| docs.iter().map(|i| pay(*i, ix.docs[*i].open)).collect::<Vec<_>>();
    let total = |docs: &[usize]| docs.iter().map(|i| ix.docs[*i].open).sum::<i64>();
    let text = p.reference.as_deref().unwrap_or("");
    let near: Vec<usize> = ix.near_misses(text, p.currency, payer, touched).into_iter().map(|i| i as usize).collect();
    let alone = |set: &[usize]| !others.iter().any(|i| !set.contains(i) && ix.docs[*i].open == rest);
    if !near.is_empty() && total(&near) == rest && alone(&near) {
        return Some(whole(&near));
    }
    let embedded: Vec<usize> =
        ix.embedded(text, p.currency, payer).into_iter().map(|i| i as usize).filter(|i| !touched.contains(i)).collect();
    if !embedded.is_empty() && total(&embedded) == rest && alone(&embedded) {
        return Some(whole(&embedded));
    }
    if others.len() > policy.combination_max_items.min(24) {
        return None;
    }
    let singles: Vec<usize> = others.iter().copied().filter(|i| ix.docs[*i].open == rest).collect();
    let amounts: Vec<i64> = others.iter().map(|i| ix.docs[*i].open).collect();
    match (&singles[..], subset::find(&amounts, rest)) {
        ([one], Combination::None) => Some(vec![pay(*one, rest)]),
        ([], Combination::Unique(pos)) => Some(whole(&pos.iter().map(|k| others[*k]).collect::<Vec<_>>())),
        _ => None,
    }
}

/// Applies on a remittance advice: each line names a document (typos are resolved against the
/// payer's open documents) and what was paid, discounted and deducted on it.
fn by_remittance(ix: &Index, p: &Incoming, policy: &Policy, fam: &BTreeSet<usize>) -> Decision {
    let mut used: Vec<usize> = Vec::new();
    let mut lines = Vec::new();
    let mut paid_lines: Vec<(usize, usize)> = Vec::new();
    for r in &p.remittance {
        let settles = r.amount + r.discount + r.deduction;
        let mut found: Vec<usize> = ix
            .lookup_number(&r.document_no, p.currency)
            .into_iter()
            .map(|i| i as usize)
            .filter(|i| ix.docs[*i].open > 0 && !used.contains(i))
            .collect();
        if found.len() > 1 && !fam.is_empty() {
            found.retain(|i| fam.contains(&ix.docs[*i].customer));
        }
        if found.is_empty() && !fam.is_empty() {
            found = ix
                .slips(&r.document_no, p.currency, fam)
                .into_iter()
                .map(|i| i as usize)
                .filter(|i| ix.docs[*i].open > 0 && !used.contains(i))
                .collect();
            if found.len() != 1 {
                found = ix
                    .open_docs_of(fam, p.currency)
                    .into_iter()
                    .map(|i| i as usize)
                    .filter(|i| ix.docs[*i].open == settles && !used.contains(i))
                    .collect();
            }
        }
        let [doc] = found[..] else {
            let kind = if found.is_empty() { ExceptionKind::Conflict } else { ExceptionKind::Ambiguous };
            let cands = found
                .iter()
                .map(|i| Candidate { doc: *i, score: 70, why: format!("could be remittance line '{}'", r.document_no) })
                .collect();
            return exception(
                kind,
                format!(
                    "remittance line '{}' ({}) names no single open document",
                    r.document_no,
                    crate::money::format_minor(settles, p.currency)
                ),
                cands,
            );
        };
        if settles > ix.docs[doc].open {
            return exception(
                ExceptionKind::Conflict,
                format!(
                    "remittance line '{}' settles {} but {} has {} open",
                    r.document_no,
                    fmt(ix, settles, doc),
                    ix.docs[doc].no,
                    fmt(ix, ix.docs[doc].open, doc)
                ),
                vec![Candidate { doc, score: 70, why: "named on the remittance".into() }],
            );
        }
        used.push(doc);
        if r.amount > 0 {
            paid_lines.push((lines.len(), doc));
            lines.push(pay(doc, r.amount));
        }
        if r.discount > 0 {
            lines.push(difference(ApplicationKind::Discount, doc, r.discount, DISCOUNT_REASON));
        }
        if r.deduction > 0 {
            let reason = r.reason.as_deref().filter(|s| !s.trim().is_empty()).unwrap_or(SHORT_PAY_REASON);
            lines.push(difference(ApplicationKind::Deduction, doc, r.deduction, reason));
        }
    }
    let cash: i64 = p.remittance.iter().map(|r| r.amount).sum();
    if cash > p.amount {
        let short = cash - p.amount;
        let largest = paid_lines.iter().max_by_key(|(k, _)| (lines[*k].amount, std::cmp::Reverse(*k))).copied();
        match largest {
            Some((k, doc)) if short <= tolerance(policy, cash, p.currency) && lines[k].amount > short => {
                lines[k].amount -= short;
                lines.push(difference(ApplicationKind::WriteOff, doc, short, TOLERANCE_REASON));
            }
            _ => {
                return exception(
                    ExceptionKind::Conflict,
                    format!(
                        "the remittance lines add up to {} but the payment is {}",
                        crate::money::format_minor(cash, p.currency),
                        crate::money::format_minor(p.amount, p.currency)
                    ),
                    used.iter()
                        .map(|d| Candidate { doc: *d, score: 70, why: "named on the remittance".into() })
                        .collect(),
                )
            }
        }
    }
    Decision::Applied { rule: Rule::Remittance, lines, note: None }
}

/// For an identified payer without document evidence: a single open document of exactly the
/// amount, else one within tolerance or discount terms, else a unique combination.
fn by_amount(ix: &Index, p: &Incoming, policy: &Policy, fam: &BTreeSet<usize>, via: &str) -> Decision {
    let open_items: Vec<usize> = ix.open_docs_of(fam, p.currency).into_iter().map(|i| i as usize).collect();
    let docs: Vec<usize> = open_items.iter().copied().filter(|i| ix.docs[*i].open > 0).collect();
    let credits: Vec<usize> = open_items.iter().copied().filter(|i| ix.docs[*i].open < 0).collect();
    let exact: Vec<usize> = docs.iter().copied().filter(|i| ix.docs[*i].open == p.amount).collect();
    let name = |c: usize| ix.customers[c].id.clone();
    let who = fam.iter().map(|c| name(*c)).collect::<Vec<_>>().join(", ");
    // Every other subset of the payer's open items (credit notes included) that sums to the
    // payment: a second answer, so a single invoice of the amount is only taken when none exists.
    let smaller: Vec<usize> =
        docs.iter().copied().filter(|i| ix.docs[*i].open < p.amount).chain(credits.iter().copied()).collect();
    let combination = if smaller.len() >= 2 && smaller.len() <= policy.combination_max_items.min(24) {
        let amounts: Vec<i64> = smaller.iter().map(|i| ix.docs[*i].open).collect();
        subset::find(&amounts, p.amount)
    } else {
        Combination::None
    };
    match exact[..] {
        [i] if combination == Combination::None => {
            return Decision::Applied {
                rule: Rule::Amount,
                lines: vec![pay(i, p.amount)],
                note: Some(format!("payer identified by {via}")),
            }
        }
        [i] => {
            let mut cands = vec![Candidate { doc: i, score: 60, why: "open amount equals the payment".into() }];
            if let Combination::Unique(pos) | Combination::Several(pos, _) = &combination {
                cands.extend(combination_candidates(&smaller, pos.iter()));
            }
            return exception(
                ExceptionKind::Ambiguous,
                "one open document equals the payment and a combination of others sums to it too",
                cands,
            );
        }
        [_, _, ..] => {
            let cands = exact
                .iter()
                .map(|i| Candidate { doc: *i, score: 60, why: "open amount equals the payment".into() })
                .collect();
            return exception(
                ExceptionKind::Ambiguous,
                format!("{} open documents of {who} equal the payment and nothing tells them apart", exact.len()),
                cands,
            );
        }
        [] => {}
    }
    let mut near: Vec<(usize, Line)> = Vec::new();
    for &i in &docs {
        let open = ix.docs[i].open;
        if open > p.amount && open - p.amount <= tolerance(policy, open, p.currency) {
            near.push((i, difference(ApplicationKind::WriteOff, i, open - p.amount, TOLERANCE_REASON)));
        } else if let Some(d) = discount_taken(ix, p, i, p.amount) {
            near.push((i, difference(ApplicationKind::Discount, i, d, DISCOUNT_REASON)));
        }
    }
    match &near[..] {
        // An exact combination and a near single document are two different answers.
        [(i, _)] if combination != Combination::None => {
            let mut cands = vec![Candidate { doc: *i, score: 55, why: "within tolerance or discount terms".into() }];
            if let Combination::Unique(pos) | Combination::Several(pos, _) = &combination {
                cands.extend(combination_candidates(&smaller, pos.iter()));
            }
            return exception(
                ExceptionKind::Ambiguous,
                "one open document is within tolerance of the payment and a combination of others sums to it exactly",
                cands,
            );
        }
        [(i, line)] => {
            let rule =
                if line.kind == ApplicationKind::Discount { Rule::AmountDiscount } else { Rule::AmountTolerance };
            return Decision::Applied {
                rule,
                lines: vec![pay(*i, p.amount), line.clone()],
                note: Some(format!("payer identified by {via}")),
            };
        }
        [_, _, ..] => {
            let cands = near
                .iter()
                .map(|(i, _)| Candidate { doc: *i, score: 55, why: "within tolerance or discount terms".into() })
                .collect();
            return exception(
                ExceptionKind::Ambiguous,
                "several open documents are within tolerance or discount terms of the payment",
                cands,
            );
        }
        [] => {}
    }
    {
        match combination {
            Combination::Unique(pos) => {
                // Credit notes in the subset are drawn against its invoices first.
                let chosen: Vec<usize> = pos.iter().map(|k| smaller[*k]).collect();
                let Some(lines) = settle(ix, p, policy, &chosen) else {
                    return exception(
                        ExceptionKind::Conflict,
                        "a combination sums to the payment but its credit notes exceed its invoices",
                        combination_candidates(&smaller, pos.iter()),
                    );
                };
                return Decision::Applied {
                    rule: Rule::Combination,
                    lines,
                    note: Some(format!("payer identified by {via}")),
                };
            }
            Combination::Several(a, b) => {
                let cands = combination_candidates(&smaller, a.iter().chain(&b));
                return exception(
                    ExceptionKind::Ambiguous,
                    "more than one combination of open documents sums to the payment",
                    cands,
                );
            }
            Combination::None => {}
        }
    }
    let mut close = docs.clone();
    close.sort_by_key(|i| ((ix.docs[*i].open - p.amount).abs(), *i));
    close.truncate(5);
    let cands = close
        .iter()
        .map(|i| Candidate {
            doc: *i,
            score: 30,
            why: format!("open {} of the identified payer", fmt(ix, ix.docs[*i].open, *i)),
        })
        .collect();
    exception(
        ExceptionKind::NoMatch,
        format!("payer identified as {who} by {via}, but no open document, tolerance or combination fits the amount"),
        cands,
    )
}

/// The documents of the combinations found (positions into `docs`), once each.
fn combination_candidates<'a>(docs: &[usize], positions: impl Iterator<Item = &'a usize>) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    for k in positions {
        if !out.iter().any(|c| c.doc == docs[*k]) {
            out.push(Candidate {
                doc: docs[*k],
                score: 50,
                why: "part of a combination summing to the payment".into(),
            });
        }
    }
    out
}

/// Decides one payment against the current open amounts.
pub fn decide(ix: &Index, p: &Incoming, policy: &Policy) -> Decision {
    let (ids, via) = ix.identify(p);
    let fam = if ids.is_empty() { ids } else { ix.family(&ids) };
    if !p.remittance.is_empty() {
        return by_remittance(ix, p, policy, &fam);
    }
    let text = p.reference.as_deref().unwrap_or("");
    let hits = ix.references(text, p.currency);
    if !hits.is_empty() {
        if let Some(d) = by_reference(ix, p, policy, &fam, &hits) {
            return d;
        }
    }
    if fam.is_empty() {
        let cands = ix
            .with_open_amount(p.currency, p.amount)
            .into_iter()
            .take(5)
            .map(|i| Candidate {
                doc: i as usize,
                score: 20,
                why: "open amount equals the payment (customer unknown)".into(),
            })
            .collect();
        return exception(
            ExceptionKind::Unidentified,
            "no customer id, known payer name, known bank account or document number",
            cands,
        );
    }
    // Numbers run together in one long string of digits: the payer's own documents found
    // inside it, taken only when they add up to the payment exactly.
    let embedded: Vec<usize> = ix.embedded(text, p.currency, &fam).into_iter().map(|i| i as usize).collect();
    if !embedded.is_empty() && embedded.iter().map(|i| ix.docs[*i].open).sum::<i64>() == p.amount {
        return Decision::Applied {
            rule: Rule::PoReference,
            lines: embedded.iter().map(|i| pay(*i, ix.docs[*i].open)).collect(),
            note: Some(format!("payer identified by {via}; numbers found run together in the reference")),
        };
    }
    let slips: Vec<usize> = ix.slips(text, p.currency, &fam).into_iter().map(|i| i as usize).collect();
    let fitting: Vec<usize> = slips
        .iter()
        .copied()
        .filter(|i| settle(ix, p, policy, &[*i]).is_some_and(|l| fits_exactly(ix, p, policy, *i, &l)))
        .collect();
    if let [i] = fitting[..] {
        if let Some(lines) = settle(ix, p, policy, &[i]) {
            return Decision::Applied {
                rule: Rule::ReferenceSlip,
                lines,
                note: Some(format!("payer identified by {via}")),
            };
        }
    }
    if p.partly_applied {
        return exception(
            ExceptionKind::NoMatch,
            "partly applied before; the rest is applied only on document evidence",
            Vec::new(),
        );
    }
    let decision = by_amount(ix, p, policy, &fam, via);
    // Cross-check: a number in the text one slip (or a dropped or added character) away from
    // another of the payer's open documents disagrees with a decision on the amount alone.
    if let Decision::Applied { lines, .. } = &decision {
        let decided: Vec<usize> = lines.iter().map(|l| l.doc).collect();
        let near: Vec<usize> = ix.near_misses(text, p.currency, &fam, &[]).into_iter().map(|i| i as usize).collect();
        // A slipped number of the document decided on confirms it (sequential numbers are one
        // slip from their neighbours too); one that only fits other documents contradicts it.
        let confirms = near.iter().any(|i| decided.contains(i));
        let near: Vec<usize> = near.into_iter().filter(|i| !decided.contains(i)).collect();
        if !near.is_empty() && !confirms {
            let mut cands: Vec<Candidate> = decided
                .iter()
                .map(|i| Candidate {
                    doc: *i,
                    score: 60,
                    why: format!("open {} fits the amount", fmt(ix, ix.docs[*i].open, *i)),
                })
                .collect();
            cands.extend(near.iter().take(3).map(|i| Candidate {
                doc: *i,
                score: 60,
                why: "its number is one character away from a number in the reference".into(),
            }));
            let names = |v: &[usize]| v.iter().map(|i| ix.docs[*i].no.as_str()).collect::<Vec<_>>().join(", ");
            return exception(
                ExceptionKind::Conflict,
                format!(
                    "the amount fits {}, but the reference holds a number one character away from {}: the evidence disagrees",
                    names(&decided),
                    names(&near)
                ),
                cands,
            );
        }
    }
    decision
}

/// A slip is accepted only where the amount confirms it: the payment settles the document fully
/// (with tolerance or discount), not as an instalment.
fn fits_exactly(ix: &Index, p: &Incoming, policy: &Policy, i: usize, lines: &[Line]) -> bool {
    let open = ix.docs[i].open;
    let settled: i64 = lines.iter().map(|l| l.amount).sum();
    settled == open
        && (p.amount == open
            || lines.len() > 1
            || (open > p.amount && open - p.amount <= tolerance(policy, open, p.currency)))
        && ix.docs[i].doc_type != DocType::CreditNote
}

/// Decides every payment, in date then id order, each seeing the open amounts the ones before
/// it left. Decisions come back in the input's order.
pub fn run(ix: &mut Index, payments: &[Incoming], policy: &Policy) -> Vec<Decision> {
    run_until(ix, payments, policy, None)
}

/// Decides the payments that come before payment `id` (in date, then id order) and stops, so
/// `ix` holds the open amounts that payment would be decided against (for `--explain`).
pub fn run_before(ix: &mut Index, payments: &[Incoming], policy: &Policy, id: &str) {
    run_until(ix, payments, policy, Some(id));
}

fn run_until(ix: &mut Index, payments: &[Incoming], policy: &Policy, stop: Option<&str>) -> Vec<Decision> {
    let mut order: Vec<usize> = (0..payments.len()).collect();
    order.sort_by(|a, b| (payments[*a].date, &payments[*a].id).cmp(&(payments[*b].date, &payments[*b].id)));
    let mut out = vec![None; payments.len()];
    for k in order {
        let p = &payments[k];
        if stop == Some(p.id.as_str()) {
            return Vec::new();
        }
        let mut d = decide(ix, p, policy);
        if let Decision::Applied { lines, .. } = &d {
            if let Err(why) = check(ix, p, lines) {
                d = exception(ExceptionKind::Conflict, format!("internal check refused the match: {why}"), Vec::new());
            }
        }
        if let Decision::Applied { lines, rule, .. } = &d {
            for l in lines {
                ix.docs[l.doc].open -= l.amount;
                if let Some(cn) = l.credit_note {
                    ix.docs[cn].open += l.amount;
                }
            }
            // The account a payment came from now identifies its customer for later payments
            // (a first run learns as it goes) — only from decisions on document evidence or a
            // payer named outright, and only when every document is one customer's.
            let learnable =
                matches!(rule, Rule::Remittance | Rule::Reference | Rule::ReferenceFuzzy | Rule::PoReference)
                    || p.customer.is_some();
            let customers: BTreeSet<usize> = lines.iter().map(|l| ix.docs[l.doc].customer).collect();
            if let (true, Some(acct), [c]) =
                (learnable, p.bank_account.as_deref(), customers.iter().copied().collect::<Vec<_>>().as_slice())
            {
                ix.learn_account(acct, *c);
            }
        }
        out[k] = Some(d);
    }
    out.into_iter().flatten().collect()
}

/// The invariants every decision keeps: no more cash applied than the payment, no document
/// beyond its open amount, amounts positive, currencies equal.
fn check(ix: &Index, p: &Incoming, lines: &[Line]) -> Result<(), String> {
    let cash: i64 = lines.iter().filter(|l| l.kind == ApplicationKind::Payment).map(|l| l.amount).sum();
    if cash > p.amount {
        return Err(format!("{cash} applied from a payment of {}", p.amount));
    }
    let mut open: Vec<(usize, i64)> = Vec::new();
    for l in lines {
        if l.amount <= 0 || ix.docs[l.doc].currency != p.currency {
            return Err("a non-positive amount or another currency".into());
        }
        let mut touch = |i: usize, delta: i64| match open.iter_mut().find(|(d, _)| *d == i) {
            Some((_, o)) => *o -= delta,
            None => open.push((i, ix.docs[i].open - delta)),
        };
        touch(l.doc, l.amount);
        if let Some(cn) = l.credit_note {
            touch(cn, -l.amount);
        }
    }
    for (i, o) in open {
        let amount = ix.docs[i].amount;
        if !(amount.min(0)..=amount.max(0)).contains(&o) {
            return Err(format!("{} would be left with {o} open of {amount}", ix.docs[i].no));
        }
    }
    Ok(())
}
