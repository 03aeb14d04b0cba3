//! `arx apply --explain PAYMENT`: what each kind of evidence found for one payment, the
//! candidates considered, and the decision — what a specialist asks before trusting a match.
//! It asks the same lookups `decide` asks, in the same order, and then `decide` itself, so the
//! explanation can't drift from the decision.

use super::evidence::{Found, Index};
use super::rules::{decide, tolerance};
use super::subset::{self, Combination};
use super::{Decision, Incoming, Policy};
use crate::model::ApplicationKind;
use std::collections::BTreeSet;

/// One finding: the step (payer, remittance, reference, …) and what it found, in words.
pub type Finding = (&'static str, String);

fn docs_text(ix: &Index, docs: &[usize]) -> String {
    if docs.is_empty() {
        return "none".into();
    }
    docs.iter()
        .map(|i| {
            let d = &ix.docs[*i];
            let who = ix.customers.get(d.customer).map_or("?", |c| c.id.as_str());
            format!("{} ({who}, open {})", d.no, crate::money::format_grouped(d.open, d.currency))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The findings for `p` against the open amounts in `ix` now, ending with the decision.
pub fn explain(ix: &Index, p: &Incoming, policy: &Policy) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    let money = |m: i64| crate::money::format_grouped(m, p.currency);
    out.push((
        "payment",
        format!(
            "{} of {} {} on {}; payer '{}', account '{}', reference '{}'",
            p.id,
            money(p.amount),
            p.currency,
            p.date,
            p.payer_name.as_deref().unwrap_or(""),
            p.bank_account.as_deref().unwrap_or(""),
            crate::error::quote_value(p.reference.as_deref().unwrap_or(""))
        ),
    ));
    let (ids, via) = ix.identify(p);
    let fam: BTreeSet<usize> = if ids.is_empty() { ids.clone() } else { ix.family(&ids) };
    let names = |set: &BTreeSet<usize>| set.iter().map(|c| ix.customers[*c].id.clone()).collect::<Vec<_>>().join(", ");
    out.push((
        "payer",
        if ids.is_empty() {
            "not identified: no customer id, no known payer name, no bank account seen before".into()
        } else {
            format!("{} by {via}; their group: {}", names(&ids), names(&fam))
        },
    ));
    if !p.remittance.is_empty() {
        for r in &p.remittance {
            let found: Vec<usize> =
                ix.lookup_number(&r.document_no, p.currency).into_iter().map(|i| i as usize).collect();
            out.push((
                "remittance",
                format!(
                    "line '{}' pays {} (discount {}, deduction {}): {}",
                    r.document_no,
                    money(r.amount),
                    money(r.discount),
                    money(r.deduction),
                    docs_text(ix, &found)
                ),
            ));
        }
    }
    let text = p.reference.as_deref().unwrap_or("");
    let hits = ix.references(text, p.currency);
    let how = |f: Found| match f {
        Found::Exact => "number as written",
        Found::Format => "number reformatted",
        Found::Po => "reference / PO number",
    };
    if hits.is_empty() {
        out.push(("reference", "names no document, reference or PO number".into()));
    }
    for (i, f) in &hits {
        out.push(("reference", format!("{}: {}", how(*f), docs_text(ix, &[*i as usize]))));
    }
    if !fam.is_empty() {
        let embedded: Vec<usize> = ix.embedded(text, p.currency, &fam).into_iter().map(|i| i as usize).collect();
        if !embedded.is_empty() {
            out.push(("run-together numbers", docs_text(ix, &embedded)));
        }
        let slips: Vec<usize> = ix.slips(text, p.currency, &fam).into_iter().map(|i| i as usize).collect();
        out.push((
            "slips",
            format!("the payer's documents one slip from a word of the reference: {}", docs_text(ix, &slips)),
        ));
        let near: Vec<usize> = ix.near_misses(text, p.currency, &fam, &[]).into_iter().map(|i| i as usize).collect();
        out.push((
            "near misses",
            format!("one character off (numbers, references, PO numbers): {}", docs_text(ix, &near)),
        ));
        let open: Vec<usize> = ix
            .open_docs_of(&fam, p.currency)
            .into_iter()
            .map(|i| i as usize)
            .filter(|i| ix.docs[*i].open > 0)
            .collect();
        let exact: Vec<usize> = open.iter().copied().filter(|i| ix.docs[*i].open == p.amount).collect();
        out.push((
            "amount",
            format!("{} open invoices of the payer; equal to the payment: {}", open.len(), docs_text(ix, &exact)),
        ));
        let near_amount: Vec<usize> = open
            .iter()
            .copied()
            .filter(|i| {
                let o = ix.docs[*i].open;
                o > p.amount && o - p.amount <= tolerance(policy, o, p.currency)
            })
            .collect();
        out.push(("tolerance", format!("within the write-off tolerance: {}", docs_text(ix, &near_amount))));
        // As `by_amount` searches: the smaller invoices and every open credit note.
        let credits =
            ix.open_docs_of(&fam, p.currency).into_iter().map(|i| i as usize).filter(|i| ix.docs[*i].open < 0);
        let smaller: Vec<usize> = open.iter().copied().filter(|i| ix.docs[*i].open < p.amount).chain(credits).collect();
        let combination = if smaller.len() > policy.combination_max_items.min(24) {
            format!("not searched: {} open items are more than combination_max_items", smaller.len())
        } else {
            let amounts: Vec<i64> = smaller.iter().map(|i| ix.docs[*i].open).collect();
            match subset::find(&amounts, p.amount) {
                Combination::None => "no combination sums to the payment".into(),
                Combination::Unique(pos) => {
                    format!("exactly one: {}", docs_text(ix, &pos.iter().map(|k| smaller[*k]).collect::<Vec<_>>()))
                }
                Combination::Several(a, b) => format!(
                    "several, e.g. {} and {}",
                    docs_text(ix, &a.iter().map(|k| smaller[*k]).collect::<Vec<_>>()),
                    docs_text(ix, &b.iter().map(|k| smaller[*k]).collect::<Vec<_>>())
                ),
            }
        };
        out.push(("combination", combination));
    }
    match decide(ix, p, policy) {
        Decision::Applied { rule, lines, note } => {
            let parts: Vec<String> = lines
                .iter()
                .map(|l| {
                    let kind = match l.kind {
                        ApplicationKind::Payment => "payment",
                        ApplicationKind::Credit => "credit",
                        ApplicationKind::WriteOff => "write_off",
                        ApplicationKind::Discount => "discount",
                        ApplicationKind::Deduction => "deduction",
                    };
                    format!("{kind} {} to {}", money(l.amount), ix.docs[l.doc].no)
                })
                .collect();
            let note = note.map(|n| format!(" ({n})")).unwrap_or_default();
            out.push(("decision", format!("applied by rule {}{note}: {}", rule.label(), parts.join("; "))));
        }
        Decision::Exception { kind, reason, candidates } => {
            out.push(("decision", format!("not applied ({}): {reason}", kind.name())));
            for c in candidates {
                out.push(("candidate", format!("{} — {}", docs_text(ix, &[c.doc]), c.why)));
            }
        }
    }
    out
}
