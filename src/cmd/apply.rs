//! `arx apply`: ingest the given files, match every unapplied payment, commit the applications
//! (and deduction disputes) as one batch; `--undo BATCH` voids a batch.

use crate::cli::{ApplyArgs, Globals};
use crate::error::{ArxError, Result};
use crate::frame::StoredRef;
use crate::ingest::{self, IngestPlan, Staged};
use crate::matching::{self, Customer, Decision, DiscountTerms, Incoming, Index, OpenDoc, Policy, RemitLine};
use crate::model::{Application, ApplicationKind, DocType, Kind};
use crate::report::apply as report;
use crate::report::apply_out;
use crate::store;
use crate::workspace::{ApplySettings, Workspace};
use anyhow::Context;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

struct Plan {
    files: Vec<PathBuf>,
    kind: Option<Kind>,
    profile: String,
    dry_run: bool,
    output: Option<PathBuf>,
    as_of: chrono::NaiveDate,
    policy: Policy,
}

fn policy(s: &ApplySettings) -> Result<Policy> {
    let d = |key: &str, v: &str| {
        crate::money::parse_plain_decimal(v)
            .map_err(|_| ArxError::Usage(format!("arx.toml: apply.{key} '{v}' is not a decimal number")))
    };
    Ok(Policy {
        write_off_fixed: d("write_off_fixed", &s.write_off_fixed)?,
        write_off_percent: d("write_off_percent", &s.write_off_percent)?,
        deduction_max: d("deduction_max", &s.deduction_max)?,
        combination_max_items: s.combination_max_items,
    })
}

pub fn run(g: &Globals, args: ApplyArgs) -> Result<()> {
    let format = g.report_format()?;
    let ws = Workspace::discover(g.workspace.as_deref())?;
    if let Some(batch) = &args.undo {
        return undo(g, &ws, batch, args.dry_run, format);
    }
    super::aging::check_xlsx(args.output.as_deref())?;
    let plan = Plan {
        files: args.files,
        kind: args.kind,
        profile: args.profile,
        dry_run: args.dry_run,
        output: args.output,
        as_of: super::aging::parse_as_of(args.as_of.as_deref())?,
        policy: policy(&ws.config.apply)?,
    };
    let explain = args.explain.clone();
    let ingest_plan = IngestPlan {
        files: plan.files.clone(),
        read: Default::default(),
        sheet: None,
        erp: None,
        overrides: Default::default(),
        kind: plan.kind,
        profile: plan.profile.clone(),
        dry_run: plan.dry_run || explain.is_some(),
        skip_invalid: false,
        replace: false,
        rejects: None,
        quiet: g.quiet,
        progress: g.progress,
    };
    let all: BTreeSet<Kind> =
        [Kind::Customers, Kind::Invoices, Kind::Payments, Kind::Applications, Kind::Remittances, Kind::Disputes].into();
    let Staged { store, lock, manifest, mut book, audits } = ingest::stage(&ws, &ingest_plan, &all)?;
    let seq = manifest.next_seq();
    let batch = format!("apply-{seq}");

    let (mut index, payments) = matching_input(&book);
    if let Some(id) = explain {
        return explain_payment(g, &book, index, &payments, &plan.policy, &id, format);
    }
    let open_before: Vec<i64> = index.docs.iter().map(|d| d.open).collect();
    let decisions = matching::run(&mut index, &payments, &plan.policy);
    let (apps, disputes) = matching::records(&index, &payments, &decisions, &batch);
    let n_apps = apps.len();
    let fresh_disputes: Vec<_> =
        disputes.into_iter().filter(|d| !book.disputes.contains_key(&crate::model::Record::key(d))).collect();
    ingest::admit_generated(&mut book, &batch, apps.clone())?;
    ingest::admit_generated(&mut book, &batch, fresh_disputes)?;

    let rows = report::summarize(&payments, &decisions);
    let exceptions = decisions.iter().filter(|d| matches!(d, Decision::Exception { .. })).count();
    let committed = match lock {
        Some(lock) if !plan.dry_run => {
            let mut segments = book.pending_segments(seq).context("encoding the applications")?;
            // Keys voided by an earlier undo may come back: say the segment repeats keys so
            // readers take the path that resolves versions.
            if manifest.commits.iter().any(|c| c.command.starts_with("apply --undo")) {
                for s in segments.iter_mut().filter(|s| matches!(s.kind, Kind::Applications | Kind::Disputes)) {
                    s.supersedes = s.supersedes.max(1);
                }
            }
            Some(store.commit(&lock, "apply", audits.clone(), segments)?)
        }
        _ => None,
    };
    if let Some(path) = &plan.output {
        let short = report::short_pays(&decisions, &open_before);
        let data = apply_out::Data {
            batch: &batch,
            committed: committed.is_some(),
            as_of: plan.as_of,
            company: &ws.config.company.name,
            workspace: &ws.root.display().to_string(),
            policy: &plan.policy,
            index: &index,
            payments: &payments,
            decisions: &decisions,
            open_before: &open_before,
            summary: &rows,
            short: &short,
            apps: &apps,
            audits: &audits,
        };
        let bytes = apply_out::workbook(&data).map_err(|e| anyhow::anyhow!("writing the workbook: {e}"))?;
        crate::files::write_atomic(path, &bytes)?;
    }
    let mut out = std::io::stdout().lock();
    match format {
        crate::output::Format::Json => {
            let v = report::summary_json(&batch, committed.is_none(), &rows, n_apps, exceptions);
            serde_json::to_writer_pretty(&mut out, &v).map_err(anyhow::Error::from)?;
            use std::io::Write;
            writeln!(out).map_err(anyhow::Error::from)?;
        }
        f => report::summary_table(&rows).write(f, &mut out).map_err(anyhow::Error::from)?,
    }
    if !g.quiet {
        let applied = decisions.iter().filter(|d| matches!(d, Decision::Applied { .. })).count();
        let what = match &committed {
            Some(c) => format!("committed as batch {batch} (commit {}); undo with `arx apply --undo {batch}`", c.seq),
            None => "dry run: nothing was written".to_string(),
        };
        eprintln!(
            "{} payment{} to apply: {applied} applied ({n_apps} applications), {exceptions} left for review; {what}",
            payments.len(),
            if payments.len() == 1 { "" } else { "s" }
        );
        if let Some(p) = &plan.output {
            eprintln!("exceptions workbook written to {}", p.display());
        }
    }
    std::mem::forget(book);
    Ok(())
}

/// `--explain`: the findings for one payment, against the open amounts it is (or would be)
/// decided against. A payment an earlier batch decided is explained as if it came in now, after
/// its stored applications.
fn explain_payment(
    g: &Globals,
    book: &crate::ingest::book::Book,
    mut index: Index,
    payments: &[Incoming],
    policy: &Policy,
    id: &str,
    format: crate::output::Format,
) -> Result<()> {
    let mut table = crate::output::Table::new(&["step", "finding"]);
    let incoming = match payments.iter().find(|p| p.id == id) {
        Some(p) => {
            matching::run_before(&mut index, payments, policy, id);
            p.clone()
        }
        None => {
            let Some(stored) = book.payments.get(id) else {
                return Err(ArxError::Usage(format!(
                    "payment '{id}' is not in the workspace (nor in the files given)"
                )));
            };
            for a in book.applications.iter().filter(|a| a.source == id || a.payment_id.as_deref() == Some(id)) {
                table.rows.push(vec![
                    crate::output::Value::Text("applied before".into()),
                    crate::output::Value::Text(format!(
                        "{} {} to {} on {} (rule {}, batch {})",
                        a.kind.name(),
                        crate::money::format_grouped(a.amount, a.currency),
                        a.document_no,
                        a.applied_date,
                        a.rule.as_deref().unwrap_or("from the ERP"),
                        a.batch.as_deref().unwrap_or("-")
                    )),
                ]);
            }
            let customer = stored.customer_id.as_deref().and_then(|c| index.customer_index(c));
            let remittance = book
                .remittances
                .iter()
                .filter(|r| r.payment_id == id)
                .map(|r| RemitLine {
                    document_no: r.document_no.clone(),
                    amount: r.amount,
                    discount: r.discount.unwrap_or(0),
                    deduction: r.deduction.unwrap_or(0),
                    reason: r.reason.clone(),
                })
                .collect();
            Incoming {
                id: stored.payment_id.clone(),
                date: stored.payment_date,
                currency: stored.currency,
                amount: stored.amount.abs(),
                partly_applied: false,
                customer,
                payer_name: stored.payer_name.clone(),
                reference: stored.reference.clone(),
                bank_account: stored.bank_account.clone(),
                remittance,
            }
        }
    };
    for (step, finding) in matching::explain(&index, &incoming, policy) {
        table.rows.push(vec![crate::output::Value::Text(step.into()), crate::output::Value::Text(finding)]);
    }
    let mut out = std::io::stdout().lock();
    table.write(format, &mut out).map_err(anyhow::Error::from)?;
    if !g.quiet {
        eprintln!("explained {id}; nothing was written");
    }
    Ok(())
}

/// The matching view of the book: customers, every document with its open amount, the
/// payments still to apply, bank accounts seen on applied payments.
fn matching_input(book: &crate::ingest::book::Book) -> (Index, Vec<Incoming>) {
    let mut customer_ix: HashMap<&str, usize> = HashMap::new();
    let mut customers: Vec<Customer> = Vec::new();
    let mut sorted: Vec<&crate::model::Customer> = book.customers.iter().collect();
    sorted.sort_by(|a, b| a.customer_id.cmp(&b.customer_id));
    for c in &sorted {
        customer_ix.insert(&c.customer_id, customers.len());
        customers.push(Customer {
            id: c.customer_id.clone(),
            name: c.name.clone(),
            parent: None,
            terms: c.payment_terms.as_deref().and_then(DiscountTerms::parse),
        });
    }
    for (i, c) in sorted.iter().enumerate() {
        customers[i].parent = c.parent_id.as_deref().and_then(|p| customer_ix.get(p).copied());
    }
    // Documents of customers not in the workspace still match (by number): give them a
    // customer entry of their own so grouping works.
    let mut docs: Vec<OpenDoc> = Vec::with_capacity(book.documents.len());
    let mut sorted_docs: Vec<&crate::model::Document> = book.documents.iter().collect();
    sorted_docs.sort_by(|a, b| a.document_no.cmp(&b.document_no));
    for d in sorted_docs {
        let customer = match customer_ix.get(d.customer_id.as_str()) {
            Some(c) => *c,
            None => {
                customers.push(Customer { id: d.customer_id.clone(), name: String::new(), parent: None, terms: None });
                let i = customers.len() - 1;
                customer_ix.insert(&d.customer_id, i);
                i
            }
        };
        let to = book.applied_to.get(&d.document_no).copied().unwrap_or(0);
        let from = if d.doc_type == DocType::CreditNote {
            book.applied_from_credit.get(&d.document_no).copied().unwrap_or(0)
        } else {
            0
        };
        docs.push(OpenDoc {
            no: d.document_no.clone(),
            customer,
            currency: d.currency,
            doc_type: d.doc_type,
            doc_date: d.doc_date,
            amount: d.amount,
            open: d.amount - to + from,
            reference: d.reference.clone(),
            po_number: d.po_number.clone(),
        });
    }
    // Payments an earlier apply batch decided keep their remainder on account; payments with
    // applications from elsewhere (ERP data) are partly applied.
    let mut decided: HashSet<&str> = HashSet::new();
    let mut accounts: Vec<(String, usize)> = Vec::new();
    for a in book.applications.iter() {
        let payment = match a.kind {
            ApplicationKind::Payment => Some(a.source.as_str()),
            _ => a.payment_id.as_deref(),
        };
        if let (Some(p), true) = (payment, a.batch.is_some()) {
            decided.insert(p);
        }
        if a.kind == ApplicationKind::Payment {
            let account = book.payments.get(&a.source).and_then(|p| p.bank_account.clone());
            let customer = book.documents.get(&a.document_no).and_then(|d| customer_ix.get(d.customer_id.as_str()));
            if let (Some(acct), Some(c)) = (account, customer) {
                accounts.push((acct, *c));
            }
        }
    }
    let mut remits: HashMap<&str, Vec<RemitLine>> = HashMap::new();
    for r in book.remittances.iter() {
        remits.entry(r.payment_id.as_str()).or_default().push(RemitLine {
            document_no: r.document_no.clone(),
            amount: r.amount,
            discount: r.discount.unwrap_or(0),
            deduction: r.deduction.unwrap_or(0),
            reason: r.reason.clone(),
        });
    }
    let mut payments = Vec::new();
    for p in book.payments.iter() {
        let applied = book.applied_from_payment.get(&p.payment_id).copied().unwrap_or(0);
        let left = p.amount - applied;
        if p.amount <= 0 || left <= 0 || decided.contains(p.payment_id.as_str()) {
            continue;
        }
        let customer = p.customer_id.as_deref().and_then(|c| customer_ix.get(c).copied());
        if let (Some(acct), Some(c)) = (&p.bank_account, customer) {
            accounts.push((acct.clone(), c));
        }
        let mut remittance = remits.remove(p.payment_id.as_str()).unwrap_or_default();
        remittance.sort_by(|a, b| a.document_no.cmp(&b.document_no));
        payments.push(Incoming {
            id: p.payment_id.clone(),
            date: p.payment_date,
            currency: p.currency,
            amount: left,
            partly_applied: applied > 0,
            customer,
            payer_name: p.payer_name.clone(),
            reference: p.reference.clone(),
            bank_account: p.bank_account.clone(),
            remittance,
        });
    }
    payments.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    accounts.sort();
    accounts.dedup();
    (Index::new(customers, docs, accounts), payments)
}

/// Voids the applications of `batch` and the disputes it opened, in one commit.
fn undo(g: &Globals, ws: &Workspace, batch: &str, dry_run: bool, format: crate::output::Format) -> Result<()> {
    let store = ws.store()?;
    let lock = if dry_run { None } else { Some(store.lock(g.quiet)?) };
    let manifest = store.manifest()?;
    let apps: Vec<Application> = store
        .load_current::<Application>(&manifest)?
        .into_iter()
        .filter(|a| a.batch.as_deref() == Some(batch))
        .collect();
    if apps.is_empty() {
        let known = manifest.commits.iter().any(|c| c.command == "apply" && format!("apply-{}", c.seq) == batch);
        return Err(ArxError::Usage(if known {
            format!("batch {batch} has no applications left to undo (already undone, or it applied nothing)")
        } else {
            format!("no batch {batch}; batches are named apply-N after their commit (see `arx log`)")
        }));
    }
    let payments: BTreeSet<String> = apps
        .iter()
        .filter_map(|a| if a.kind == ApplicationKind::Payment { Some(a.source.clone()) } else { a.payment_id.clone() })
        .collect();
    let notes: HashSet<String> = payments.iter().map(|p| matching::dispute_note(batch, p)).collect();
    let disputes: Vec<crate::model::Dispute> = store
        .load_current::<crate::model::Dispute>(&manifest)?
        .into_iter()
        .filter(|d| d.note.as_ref().is_some_and(|n| notes.contains(n)))
        .collect();
    let mut table =
        crate::output::Table::new(&["batch", "applications_voided", "disputes_voided", "payments_reopened"]);
    table.rows.push(vec![
        crate::output::Value::Text(batch.to_string()),
        crate::output::Value::Int(apps.len() as i64),
        crate::output::Value::Int(disputes.len() as i64),
        crate::output::Value::Int(payments.len() as i64),
    ]);
    if let Some(lock) = lock {
        let seq = manifest.next_seq();
        let mut segments = Vec::new();
        let rows: Vec<StoredRef<'_, Application>> =
            apps.iter().map(|a| StoredRef { seq, void: true, record: a }).collect();
        let mut seg = store::PendingSegment::new(&rows).context("encoding the voids")?;
        seg.supersedes = rows.len() as u64;
        segments.push(seg);
        if !disputes.is_empty() {
            let rows: Vec<StoredRef<'_, crate::model::Dispute>> =
                disputes.iter().map(|d| StoredRef { seq, void: true, record: d }).collect();
            let mut seg = store::PendingSegment::new(&rows).context("encoding the voids")?;
            seg.supersedes = rows.len() as u64;
            segments.push(seg);
        }
        store.commit(&lock, &format!("apply --undo {batch}"), Vec::new(), segments)?;
    }
    let mut out = std::io::stdout().lock();
    table.write(format, &mut out).map_err(anyhow::Error::from)?;
    if !g.quiet {
        eprintln!(
            "{}: {} application{} and {} dispute{} {}; the payments are open again for `arx apply`",
            batch,
            apps.len(),
            if apps.len() == 1 { "" } else { "s" },
            disputes.len(),
            if disputes.len() == 1 { "" } else { "s" },
            if dry_run { "would be voided (dry run)" } else { "voided (history kept)" }
        );
    }
    Ok(())
}
