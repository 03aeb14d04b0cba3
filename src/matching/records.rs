//! Decisions as canonical records: applications (with rule, batch and, on differences, the
//! payment), and an open dispute for every deduction.

use super::{Decision, Incoming, Index};
use crate::model::{Application, ApplicationKind, Dispute, DisputeStatus};

/// The note on disputes a batch opens; `--undo` finds them by it.
pub fn dispute_note(batch: &str, payment_id: &str) -> String {
    format!("opened by arx apply {batch}: deduction on payment {payment_id}")
}

/// Applications and disputes for every applied decision. An application is dated on the
/// payment date, or on its document's (or credit note's) date when that is later: an
/// application can't predate what it applies.
pub fn records(
    ix: &Index,
    payments: &[Incoming],
    decisions: &[Decision],
    batch: &str,
) -> (Vec<Application>, Vec<Dispute>) {
    let mut apps = Vec::new();
    let mut disputes = Vec::new();
    for (p, d) in payments.iter().zip(decisions) {
        let Decision::Applied { rule, lines, .. } = d else { continue };
        for l in lines {
            let doc = &ix.docs[l.doc];
            let mut date = p.date.max(doc.doc_date);
            let source = match (l.kind, l.credit_note) {
                (ApplicationKind::Payment, _) => p.id.clone(),
                (ApplicationKind::Credit, Some(cn)) => {
                    date = date.max(ix.docs[cn].doc_date);
                    ix.docs[cn].no.clone()
                }
                _ => l.reason.clone().unwrap_or_else(|| l.kind.name().to_string()),
            };
            apps.push(Application {
                source,
                document_no: doc.no.clone(),
                amount: l.amount,
                applied_date: date,
                kind: l.kind,
                payment_id: (l.kind != ApplicationKind::Payment).then(|| p.id.clone()),
                rule: Some(rule.label()),
                batch: Some(batch.to_string()),
                currency: doc.currency,
            });
            if l.kind == ApplicationKind::Deduction {
                disputes.push(Dispute {
                    document_no: doc.no.clone(),
                    reason: l.reason.clone().unwrap_or_else(|| super::SHORT_PAY_REASON.to_string()),
                    opened_date: date,
                    status: DisputeStatus::Open,
                    resolved_date: None,
                    amount: Some(l.amount),
                    owner: None,
                    note: Some(dispute_note(batch, &p.id)),
                    currency: doc.currency,
                });
            }
        }
    }
    (apps, disputes)
}
