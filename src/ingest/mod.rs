//! Ingest: input files → validated canonical records → one atomic store commit.
//!
//! All-or-nothing by default: every problem in every file is collected and reported, and the
//! store is untouched unless the whole call is clean. `--skip-invalid` commits the valid rows
//! and writes the rest, with their reasons, to a rejects CSV.

mod admit;
mod bank_input;
pub mod book;
pub mod canonical;
pub mod erp;
pub mod excel;
pub mod locale;
pub mod profile;
pub mod source;
pub mod table;
pub mod text;

use crate::bank::{self, BankFormat};
use crate::error::{ArxError, Issue, Result};
use crate::model::{Application, Customer, Dispute, Document, GlBalance, Kind, Payment, Remittance};
use crate::money;
use crate::progress;
use crate::store::{self, FileAudit};
use crate::workspace::Workspace;
use admit::Admission;
pub use admit::{admit_generated, Admit};
use anyhow::Context;
use book::{Book, InBook};
use canonical::{Ctx, Fields, Header};
use source::{CsvSource, RowRead, SourceError};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A validated ingest request.
pub struct IngestPlan {
    pub files: Vec<PathBuf>,
    /// Encoding and delimiter of text files, when given (else detected).
    pub read: source::ReadOptions,
    /// The sheet of workbook inputs (default: the first visible one).
    pub sheet: Option<String>,
    /// The ERP profile named by `profile`, when it is one (not generic, not a bank format).
    pub erp: Option<profile::Profile>,
    /// Command-line values that win over the ERP profile's (number and date format, currency, key date).
    pub overrides: profile::Overrides,
    pub kind: Option<Kind>,
    pub profile: String,
    pub dry_run: bool,
    pub skip_invalid: bool,
    pub replace: bool,
    pub rejects: Option<PathBuf>,
    pub quiet: bool,
    pub progress: bool,
}

/// What an ingest call did (or, with `--dry-run`, would do).
pub struct IngestReport {
    pub files: Vec<FileAudit>,
    pub commit_seq: Option<u64>,
    pub dry_run: bool,
}

/// A rejected row, for the rejects CSV.
struct Reject {
    line: u64,
    fields: Vec<String>,
    issues: Vec<Issue>,
}

/// The rejected rows of one input: all counted, the first [`crate::error::MAX_SHOWN_ISSUES`]
/// kept whole for messages, and (with `--skip-invalid`, not a dry run) every one written as it
/// comes to a temp file that becomes the rejects file — never all held in memory.
struct Rejects {
    header: Vec<String>,
    kept: Vec<Reject>,
    rows: u64,
    issues: u64,
    kinds: std::collections::BTreeMap<String, u64>,
    spool: Option<std::io::BufWriter<std::fs::File>>,
}

impl Rejects {
    fn new(header: Vec<String>) -> Rejects {
        Rejects { header, kept: Vec::new(), rows: 0, issues: 0, kinds: Default::default(), spool: None }
    }

    fn len(&self) -> u64 {
        self.rows
    }

    fn is_empty(&self) -> bool {
        self.rows == 0
    }

    fn push(&mut self, r: Reject, plan: &IngestPlan) -> Result<()> {
        self.rows += 1;
        self.issues += r.issues.len() as u64;
        for i in &r.issues {
            let kind = crate::error::issue_kind(i);
            if let Some(n) = self.kinds.get_mut(&kind) {
                *n += 1;
            } else if self.kinds.len() < 1000 {
                self.kinds.insert(kind, 1);
            }
        }
        if plan.skip_invalid && !plan.dry_run {
            use std::io::Write;
            if self.spool.is_none() {
                let file = tempfile::tempfile().context("creating a temp file for the rejected rows")?;
                let mut w = std::io::BufWriter::new(file);
                let mut head = vec!["row".to_string(), "column".to_string(), "error".to_string()];
                head.extend(self.header.iter().cloned());
                let mut bytes = Vec::new();
                crate::hostile::write_csv_record(&mut bytes, head.iter().map(|h| (h.as_str(), true)));
                w.write_all(&bytes).context("writing the rejected rows")?;
                self.spool = Some(w);
            }
            let mut bytes = Vec::new();
            reject_record(&mut bytes, &r);
            if let Some(w) = &mut self.spool {
                w.write_all(&bytes).context("writing the rejected rows")?;
            }
        }
        if self.kept.len() < crate::error::MAX_SHOWN_ISSUES {
            self.kept.push(r);
        }
        Ok(())
    }

    /// The kept issues, the number of issues not kept, and the counts by kind (most first).
    fn summary(&self) -> (Vec<Issue>, u64, Vec<(String, u64)>) {
        let kept: Vec<Issue> = self.kept.iter().flat_map(|r| r.issues.iter().cloned()).collect();
        let more = self.issues.saturating_sub(kept.len() as u64);
        let mut kinds: Vec<(String, u64)> = self.kinds.iter().map(|(k, n)| (k.clone(), *n)).collect();
        kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        (kept, more, kinds)
    }
}

fn reject_record(bytes: &mut Vec<u8>, r: &Reject) {
    let columns: Vec<&str> = r.issues.iter().filter_map(|i| i.column.as_deref()).collect();
    let errors: Vec<&str> = r.issues.iter().map(|i| i.message.as_str()).collect();
    let mut rec = vec![r.line.to_string(), columns.join("; "), errors.join("; ")];
    rec.extend(r.fields.iter().cloned());
    crate::hostile::write_csv_record(bytes, rec.iter().map(|f| (f.as_str(), true)));
}

/// Problems of several inputs, merged for one error.
#[derive(Default)]
struct Problems {
    issues: Vec<Issue>,
    more: u64,
    kinds: std::collections::BTreeMap<String, u64>,
}

impl Problems {
    fn add(&mut self, rejects: &Rejects) {
        let (kept, more, kinds) = rejects.summary();
        self.issues.extend(kept);
        self.more += more;
        for (k, n) in kinds {
            *self.kinds.entry(k).or_default() += n;
        }
    }

    fn is_empty(&self) -> bool {
        self.issues.is_empty() && self.more == 0
    }

    fn into_error(self) -> ArxError {
        let mut kinds: Vec<(String, u64)> = self.kinds.into_iter().collect();
        kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        ArxError::input_counted(self.issues, self.more, kinds)
    }
}

struct FileRun {
    input: Input,
    kind: Kind,
    path: PathBuf,
}

/// How a file is read: canonical CSV, or a bank statement (payments).
enum Input {
    Csv(Box<CsvSource>),
    Bank { display: String, hint: Option<BankFormat> },
}

/// What reading one input added: one outcome per kind (a bank file gives payments and, from
/// structured remittance, remittance lines), the profile to record, and the file's size.
struct Processed {
    outcomes: Vec<(Kind, Outcome)>,
    profile: String,
    size: u64,
}

fn say(quiet: bool, msg: impl AsRef<str>) {
    if !quiet {
        eprintln!("{}", msg.as_ref());
    }
}

fn check_profile(plan: &IngestPlan) -> Result<()> {
    let profile = plan.profile.as_str();
    if profile != "generic" && BankFormat::from_profile(profile).is_none() && plan.erp.is_none() {
        return Err(ArxError::Usage(format!(
            "profile '{profile}' is not available in this version of arx; use generic (canonical CSV) or a bank format: camt053, camt054, bai2, mt940 (see the README)"
        )));
    }
    Ok(())
}

/// Says what was detected about a file and decides its kind (given, or from its columns).
fn recognise(plan: &IngestPlan, display: &str, source: &CsvSource, issues: &mut Vec<Issue>) -> Option<Kind> {
    if let Some(d) = &source.detected {
        say(plan.quiet, format!("{display}: read with {d}"));
    }
    match plan.kind {
        Some(k) => Some(k),
        None => match canonical::detect_kind(&source.header) {
            Ok(k) => {
                say(plan.quiet, format!("{display}: recognised as {k} (from its columns)"));
                Some(k)
            }
            Err(msg) => {
                issues.push(Issue::new(display, Some(1), None, msg));
                None
            }
        },
    }
}

/// Opens every file and decides its kind, in dependency order. A file that can't be read or
/// recognised fails the whole call before anything is parsed.
fn open_files(plan: &IngestPlan) -> Result<Vec<FileRun>> {
    let mut issues = Vec::new();
    let mut runs = Vec::new();
    for path in &plan.files {
        let display = path.display().to_string();
        check_limits(path, &display)?;
        let hint = BankFormat::from_profile(&plan.profile);
        let detected = bank::detect(path).with_context(|| format!("{display}: cannot read the file"))?;
        if hint.is_some() || detected.is_some() {
            if let Some(k) = plan.kind.filter(|k| *k != Kind::Payments) {
                let message =
                    format!("a bank statement holds payments, not {k}; use --kind payments or leave --kind out");
                issues.push(Issue::new(&display, None, None, message));
                continue;
            }
            if plan.kind.is_none() {
                let what = match (detected, hint) {
                    (Some(bank::Detected::Plain(f)), _) => format!("a {} bank statement", f.label()),
                    (Some(bank::Detected::Zip), _) => "a zip of bank statements".to_string(),
                    (None, Some(h)) => format!("a {} bank statement (from --profile)", h.label()),
                    (None, None) => "a bank statement".to_string(),
                };
                say(plan.quiet, format!("{display}: recognised as {what}: its credits are payments"));
            }
            runs.push(FileRun { input: Input::Bank { display, hint }, kind: Kind::Payments, path: path.clone() });
            continue;
        }
        let cannot = |e: std::io::Error| anyhow::anyhow!("{display}: cannot read the file: {e}");
        if let Some(p) = &plan.erp {
            match erp::open(path, &display, p, plan, &plan.overrides) {
                Ok(opened) => {
                    for note in &opened.notes {
                        say(plan.quiet, format!("{display}: {note}"));
                    }
                    let kinds: Vec<String> = opened.sources.iter().map(|(k, _)| k.to_string()).collect();
                    say(plan.quiet, format!("{display}: read with profile {}: {}", p.name, kinds.join(", ")));
                    for (kind, source) in opened.sources {
                        runs.push(FileRun { input: Input::Csv(Box::new(source)), kind, path: path.clone() });
                    }
                }
                Err(found) => issues.extend(found),
            }
            continue;
        }
        if let Some(kind) = excel::sniff(path).map_err(cannot)? {
            let read = if kind == excel::SpreadsheetKind::Xlsx {
                table::canonical_xlsx(path, &display, plan.sheet.as_deref())
            } else {
                table::read_sheet(path, &display, kind, plan.sheet.as_deref())
                    .and_then(|rows| table::canonical_source(&display, rows).map_err(|i| vec![i]))
            };
            let source = match read {
                Ok(s) => s,
                Err(found) => {
                    issues.extend(found);
                    continue;
                }
            };
            let Some(kind) = recognise(plan, &display, &source, &mut issues) else { continue };
            runs.push(FileRun { input: Input::Csv(Box::new(source)), kind, path: path.clone() });
            continue;
        }
        if let Some(root) = bank::foreign_xml(path).with_context(|| format!("{display}: cannot read the file"))? {
            let message = format!(
                "an XML file whose root is {root}, not a bank statement arx reads (camt.053 / camt.054); for other data export CSV"
            );
            issues.push(Issue::new(&display, Some(1), None, message));
            continue;
        }
        let empty = std::fs::metadata(path).map(|m| m.len() == 0).unwrap_or(false);
        if let Some(why) = if empty { None } else { excel::not_a_workbook(path).map_err(cannot)? } {
            issues.push(Issue::new(&display, None, None, why));
            continue;
        }
        // A file that can't be opened at all is an I/O error (exit 1); one that opens but has
        // no readable header is bad input (exit 3).
        let source = match CsvSource::open(path, &display, &plan.read)
            .with_context(|| format!("{display}: cannot read the file"))?
        {
            Ok(s) => s,
            Err(issue) => {
                issues.push(issue);
                continue;
            }
        };
        let Some(kind) = recognise(plan, &display, &source, &mut issues) else { continue };
        runs.push(FileRun { input: Input::Csv(Box::new(source)), kind, path: path.clone() });
    }
    if !issues.is_empty() {
        return Err(ArxError::input(issues));
    }
    runs.sort_by_key(|r| r.kind);
    Ok(runs)
}

/// Refuses, before any reader opens it, an input that is not a regular file (a device never
/// ends, a pipe can't be read twice) or a zip past the inflation limits (`crate::limits`).
fn check_limits(path: &Path, display: &str) -> Result<()> {
    let refuse = |why: String| ArxError::unreadable(vec![Issue::new(display, None, None, why)]);
    let cannot = |e: std::io::Error| ArxError::Runtime(anyhow::anyhow!("{display}: cannot read the file: {e}"));
    if let Some(why) = crate::limits::check_input_file(path).map_err(cannot)? {
        return Err(refuse(why));
    }
    let mut head = [0u8; 4];
    let n = std::io::Read::read(&mut std::fs::File::open(path).map_err(cannot)?, &mut head).map_err(cannot)?;
    if head[..n].starts_with(b"PK") {
        crate::limits::check_zip(path).map_err(cannot)?.map_err(refuse)?;
    }
    Ok(())
}

fn process_file(
    input: Input,
    path: &Path,
    kind: Kind,
    book: &mut Book,
    plan: &IngestPlan,
    reporting_currency: Option<money::Currency>,
) -> Result<Processed> {
    let source = match input {
        Input::Csv(source) => *source,
        Input::Bank { display, hint } => return bank_input::process(path, &display, hint, book, plan),
    };
    let size = source.size;
    let bar = progress::bytes_bar(plan.progress, source.size, &source.display);
    let b = bar.as_ref();
    let outcome = match kind {
        Kind::Customers => process::<Customer>(source, book, plan, reporting_currency, canonical::customer, b),
        Kind::Invoices => process::<Document>(source, book, plan, reporting_currency, canonical::document, b),
        Kind::Payments => process::<Payment>(source, book, plan, reporting_currency, canonical::payment, b),
        Kind::Applications => process::<Application>(source, book, plan, reporting_currency, canonical::application, b),
        Kind::Remittances => process::<Remittance>(source, book, plan, reporting_currency, canonical::remittance, b),
        Kind::Disputes => process::<Dispute>(source, book, plan, reporting_currency, canonical::dispute, b),
        Kind::Gl => process::<GlBalance>(source, book, plan, reporting_currency, canonical::gl, b),
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(Processed { outcomes: vec![(kind, outcome?)], profile: plan.profile.clone(), size })
}

fn audit(
    path: &Path,
    kind: Kind,
    profile: &str,
    size: u64,
    outcome: &Outcome,
    rejects_file: Option<String>,
) -> FileAudit {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    FileAudit {
        path: abs.display().to_string(),
        sha256: outcome.sha256.clone(),
        size,
        kind,
        profile: profile.to_string(),
        added: outcome.added,
        unchanged: outcome.unchanged,
        replaced: outcome.replaced,
        rejected: outcome.rejects.len(),
        rejects_file,
    }
}

/// Reads export files straight into an in-memory book, validated exactly as `ingest` would,
/// for reports run with `--input` (no workspace, nothing written). Any problem is an input error.
pub fn read_detached(
    files: &[PathBuf],
    profile: &str,
    reporting_currency: Option<money::Currency>,
    quiet: bool,
    progress: bool,
) -> Result<(Book, Vec<FileAudit>)> {
    let plan = IngestPlan {
        files: files.to_vec(),
        read: source::ReadOptions::default(),
        sheet: None,
        erp: None,
        overrides: Default::default(),
        kind: None,
        profile: profile.to_string(),
        dry_run: true,
        skip_invalid: false,
        replace: false,
        rejects: None,
        quiet,
        progress,
    };
    check_profile(&plan)?;
    let mut book = Book::default();
    let mut problems = Problems::default();
    let mut audits = Vec::new();
    for FileRun { input, kind, path } in open_files(&plan)? {
        let done = process_file(input, &path, kind, &mut book, &plan, reporting_currency)?;
        for (kind, outcome) in &done.outcomes {
            problems.add(&outcome.rejects);
            audits.push(audit(&path, *kind, &done.profile, done.size, outcome, None));
        }
    }
    // Over-application is judged on the totals, as ingest judges it.
    problems.issues.extend(admit::over_applications(&book));
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    Ok((book, audits))
}

/// Ingested but not committed: the book with the new records, the audit entries, and (unless a
/// dry run) the store lock held from reading the state on, so a caller (`arx apply`) can add its
/// own records and commit everything together.
pub struct Staged {
    pub store: store::Store,
    pub lock: Option<store::WriteLock>,
    pub manifest: store::Manifest,
    pub book: Book,
    pub audits: Vec<FileAudit>,
}

pub fn run(ws: &Workspace, plan: &IngestPlan) -> Result<IngestReport> {
    let staged = stage(ws, plan, &BTreeSet::new())?;
    let Staged { store, lock, manifest, book, audits } = staged;
    let Some(lock) = lock else {
        return Ok(IngestReport { files: audits, commit_seq: None, dry_run: true });
    };
    let seq = manifest.next_seq();
    let segments = book.pending_segments(seq).context("encoding the new records")?;
    let commit = store.commit(&lock, "ingest", audits, segments)?;
    // The process ends right after: freeing millions of records one by one only costs time.
    std::mem::forget(book);
    Ok(IngestReport { files: commit.files, commit_seq: Some(commit.seq), dry_run: false })
}

/// Reads and validates `plan.files` into a book loaded with what they (and `also` kinds) need.
pub fn stage(ws: &Workspace, plan: &IngestPlan, also: &BTreeSet<Kind>) -> Result<Staged> {
    check_profile(plan)?;
    let runs = open_files(plan)?;
    let mut problems = Problems::default();

    let store = ws.store()?;
    // Writers hold the lock from reading the state to committing, so concurrent ingests serialise.
    let lock = if plan.dry_run { None } else { Some(store.lock(plan.quiet)?) };
    let manifest = store.manifest()?;
    let mut kinds: BTreeSet<Kind> = runs.iter().map(|r| r.kind).collect();
    kinds.extend(also.iter().copied());
    // Bank files also carry remittance lines (structured remittance): compare with the stored ones.
    if runs.iter().any(|r| matches!(r.input, Input::Bank { .. })) {
        kinds.insert(Kind::Remittances);
    }
    let mut book = Book::load(&store, &manifest, &kinds)?;
    let reporting_currency = ws.config.reporting_currency();

    let mut audits = Vec::new();
    let mut rejects_written = Vec::new();
    for (n, run) in runs.into_iter().enumerate() {
        let FileRun { input, kind, path } = run;
        let display = match &input {
            Input::Csv(source) => source.display.clone(),
            Input::Bank { display, .. } => display.clone(),
        };
        let mut done = process_file(input, &path, kind, &mut book, plan, reporting_currency)?;
        for (kind, outcome) in &mut done.outcomes {
            problems.add(&outcome.rejects);
            let mut rejects_file = None;
            if plan.skip_invalid && !outcome.rejects.is_empty() && !plan.dry_run {
                let target = rejects_path(ws, plan, &path, *kind, n);
                write_rejects(&target, &mut outcome.rejects)?;
                rejects_written.push((display.clone(), target.clone(), outcome.rejects.len()));
                rejects_file = Some(target.display().to_string());
            }
            audits.push(audit(&path, *kind, &done.profile, done.size, outcome, rejects_file));
            if outcome.unknown_customers > 0 {
                say(
                    plan.quiet,
                    format!(
                        "{display}: note: {} row{} name customers not in the workspace (e.g. '{}'); their names stay blank in reports until the customers are ingested",
                        outcome.unknown_customers,
                        if outcome.unknown_customers == 1 { "" } else { "s" },
                        outcome.unknown_customer_example
                    ),
                );
            }
        }
    }

    // Judged on the totals once every row is in; no single row is to blame, so skipping rows
    // can't mend it.
    let over = admit::over_applications(&book);
    if !over.is_empty() {
        let (more, kinds) = (problems.more, problems.into_error());
        let mut issues = match kinds {
            ArxError::Input(e) => e.issues,
            _ => Vec::new(),
        };
        issues.extend(over);
        return Err(ArxError::Input(crate::error::InputErrors { issues, rows: false, more, kinds: Vec::new() }));
    }
    if !problems.is_empty() && !plan.skip_invalid {
        return Err(problems.into_error());
    }
    // Each amount is capped (money::MAX_MINOR), but many of them could add up past what a
    // report can total; refuse that here rather than leave a ledger no report can print.
    let docs = book.documents.iter().map(|d| (d.currency, d.amount));
    let pays = book.payments.iter().map(|p| (p.currency, p.amount));
    if let Err(e) = crate::ledger::check_amount_totals(docs.chain(pays)) {
        let files: Vec<String> = plan.files.iter().map(|f| f.display().to_string()).collect();
        return Err(ArxError::unreadable(vec![Issue::new(&files.join(", "), None, None, e.to_string())]));
    }
    if plan.skip_invalid && !problems.is_empty() {
        for issue in problems.issues.iter().take(crate::error::MAX_SHOWN_ISSUES) {
            say(plan.quiet, format!("rejected: {issue}"));
        }
        let shown = problems.issues.len().min(crate::error::MAX_SHOWN_ISSUES) as u64;
        let total = problems.issues.len() as u64 + problems.more;
        if total > shown {
            say(plan.quiet, format!("rejected: ... and {} more problems", total - shown));
        }
        for (file, target, n) in &rejects_written {
            say(
                plan.quiet,
                format!("{file}: {n} rejected row{} written to {}", if *n == 1 { "" } else { "s" }, target.display()),
            );
        }
    }
    Ok(Staged { store, lock, manifest, book, audits })
}

struct Outcome {
    sha256: String,
    added: u64,
    unchanged: u64,
    replaced: u64,
    rejects: Rejects,
    unknown_customers: u64,
    unknown_customer_example: String,
}

impl Outcome {
    fn new(header: Vec<String>) -> Outcome {
        Outcome {
            rejects: Rejects::new(header),
            sha256: String::new(),
            added: 0,
            unchanged: 0,
            replaced: 0,
            unknown_customers: 0,
            unknown_customer_example: String::new(),
        }
    }
}

type ParseFn<R> = fn(&mut Fields<'_>, &Ctx<'_>) -> Option<R>;

fn process<R: InBook + Admit>(
    mut source: CsvSource,
    book: &mut Book,
    plan: &IngestPlan,
    reporting_currency: Option<money::Currency>,
    parse: ParseFn<R>,
    bar: Option<&indicatif::ProgressBar>,
) -> Result<Outcome> {
    let display = source.display.clone();
    let header_names = source.header.clone();
    let mut out = Outcome::new(header_names.clone());
    let header = match Header::map(R::KIND, &header_names, &display) {
        Ok(h) => h,
        Err(issues) => {
            let line = source.header_row;
            out.sha256 = source.finish().map_err(|i| ArxError::Runtime(anyhow::anyhow!("{i}")))?;
            let issues = issues.into_iter().map(|i| Issue { row: i.row.map(|_| line), ..i }).collect();
            out.rejects.push(Reject { line, fields: header_names, issues }, plan)?;
            return Ok(out);
        }
    };
    let width = header_names.len();
    // Duplicates within the file: accepted keys are marked in the table (file number + row);
    // keys of rejected rows are kept by name (there are few) so a later duplicate is still caught.
    let mut admission = Admission::new(book, &display, out);
    // Canonical rows run 40 to 120 bytes: reserve for the likely count to avoid rehashing.
    R::table(book).reserve(usize::try_from(source.size / 64).unwrap_or(0));
    let mut scratch = csv::ByteRecord::new();
    let mut n: u64 = 0;
    loop {
        let (line, rec) = match source.next_row(&mut scratch) {
            Ok(Some(RowRead::Text { line, record })) => (line, record),
            Ok(Some(RowRead::BadText { issue, fields })) => {
                admission
                    .out
                    .rejects
                    .push(Reject { line: issue.row.unwrap_or(0), fields, issues: vec![issue] }, plan)?;
                continue;
            }
            Ok(None) => break,
            Err(SourceError::Io(e)) => {
                return Err(ArxError::Runtime(anyhow::anyhow!("{display}: cannot read the file: {e}")))
            }
            Err(SourceError::Broken(issue)) => return Err(ArxError::unreadable(vec![issue])),
            Err(SourceError::Bad(issue)) => {
                // A row the CSV layer can't read ends this file: later positions are unreliable.
                let reject = Reject { line: issue.row.unwrap_or(0), fields: Vec::new(), issues: vec![issue] };
                admission.out.rejects.push(reject, plan)?;
                break;
            }
        };
        n += 1;
        if let (Some(b), true) = (bar, n.is_multiple_of(65_536)) {
            b.set_position(source.bytes_read.get());
        }
        let mut fields = Fields { file: &display, line, header: &header, fields: &rec, issues: Vec::new() };
        let extra_filled = rec.iter().skip(width).any(|f| !f.trim().is_empty());
        if rec.len() < width || extra_filled {
            let message = format!(
                "row has {} fields but the header has {}; a value containing the delimiter must be quoted",
                rec.len(),
                width
            );
            fields.issues.push(Issue::new(&display, Some(line), None, message));
        }
        let parsed = if fields.issues.is_empty() {
            let ctx = Ctx { book, reporting_currency };
            parse(&mut fields, &ctx)
        } else {
            None
        };
        let raw = || rec.iter().map(str::to_string).collect();
        match parsed {
            Some(record) if fields.issues.is_empty() => admission.offer(book, plan, record, line, &|_| raw())?,
            _ => admission.out.rejects.push(Reject { line, fields: raw(), issues: fields.issues }, plan)?,
        }
        scratch = rec.into_byte_record();
    }
    let mut out = admission.out;
    if let Some(name) = source.cell_names.take() {
        for issue in out.rejects.kept.iter_mut().flat_map(|r| r.issues.iter_mut()) {
            if let Some(cell) = issue.row.zip(issue.column.as_deref()).and_then(|(row, col)| name(row, col)) {
                issue.column = Some(cell);
            }
        }
    }
    out.sha256 = source.finish().map_err(|i| ArxError::Runtime(anyhow::anyhow!("{i}")))?;
    Ok(out)
}

/// Where the rejects of input number `n` go; several inputs never share a file (two inputs
/// may have the same name in different folders).
fn rejects_path(ws: &Workspace, plan: &IngestPlan, input: &Path, kind: Kind, n: usize) -> PathBuf {
    let stem = input.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| kind.to_string());
    if let Some(p) = &plan.rejects {
        if plan.files.len() == 1 {
            return p.clone();
        }
        return p.join(format!("{:02}-{stem}.rejects.csv", n + 1));
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    ws.root.join("rejects").join(format!("{stem}-{stamp}-{}.rejects.csv", n + 1))
}

fn write_rejects(path: &Path, rejects: &mut Rejects) -> Result<()> {
    // Flexible: a rejected row keeps the fields it had, however many that was. Every value
    // from the input is neutralised if a spreadsheet would run it as a formula (numbers never are).
    // The rows were written to a temp file as they were rejected; copy it into place.
    use std::io::{Seek, Write};
    let Some(spool) = rejects.spool.take() else { return Ok(()) };
    let mut file = spool.into_inner().map_err(|e| e.into_error()).context("writing the rejected rows")?;
    file.flush().context("writing the rejected rows")?;
    file.rewind().context("reading back the rejected rows")?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    crate::files::write_atomic_from(path, &mut file)?;
    Ok(())
}
