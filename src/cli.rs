//! Command-line definitions (clap) and the global options every command shares.

use crate::model::Kind;
use crate::output::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

const MAIN_EXAMPLES: &str = "\
Examples:
  arx init ~/ar --name \"ACME GmbH\" --currency EUR    create a workspace
  export ARX_WORKSPACE=~/ar
  arx ingest customers.csv invoices.csv payments.csv  canonical CSVs, kinds recognised from the columns
  arx ingest FBL5N.xlsx --profile sap-fbl5n           an ERP export (sap-fbl5n, netsuite, quickbooks, xero)
  arx apply statement.xml -o exceptions.xlsx          bank file in (camt/BAI2/MT940), cash applied
  arx aging --as-of 2026-11-30 -o aging.xlsx          aging buckets for the month-end pack
  arx dso --as-of 2026-11-30 --trend 12               DSO, BPDSO, ADD, CEI and their trend
  arx disputes --as-of 2026-11-30                     open, opened and resolved disputes
  arx export invoices --format json                   the ledger, for scripts
  arx log                                             the audit trail of every ingest and apply

Exit codes: 0 ok, 1 runtime error, 2 usage, 3 invalid input (nothing written), 4 a check failed.";

#[derive(Parser, Debug)]
#[command(
    name = "arx",
    version,
    about = "Accounts receivable from the command line: ERP and bank exports into an exact, append-only ledger; cash application; aging, DSO and dispute reports to csv, json or xlsx",
    after_help = MAIN_EXAMPLES
)]
pub struct Cli {
    /// Workspace folder (default: $ARX_WORKSPACE, else the nearest folder upward holding arx.toml)
    #[arg(long, global = true, env = "ARX_WORKSPACE", value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// No messages on stderr (errors still print)
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// No progress bars
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// Output format for stdout (default: table on a terminal, csv otherwise; parquet: export only)
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Table,
    Csv,
    Json,
    Parquet,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a workspace: DIR/arx.toml (commented settings) and DIR/store/
    #[command(
        after_help = "Examples:\n  arx init                       workspace in the current folder\n  arx init ~/ar --name \"ACME GmbH\" --currency EUR"
    )]
    Init(InitArgs),
    /// Read ERP export files into the workspace's ledger, all-or-nothing
    #[command(after_help = INGEST_EXAMPLES)]
    Ingest(IngestArgs),
    /// Cash application: match unapplied payments to open invoices, commit the applications as one batch
    #[command(after_help = APPLY_EXAMPLES)]
    Apply(ApplyArgs),
    /// The input profiles: canonical CSV, bank formats, the built-in ERP profiles and arx.toml's own
    #[command(
        after_help = "Examples:\n  arx profiles\n  arx profiles show sap-fbl5n > my-sap.toml      a starting point for [profiles.my-sap]"
    )]
    Profiles(ProfilesArgs),
    /// Write the ledger's current records of one kind (canonical columns) to stdout or a file
    #[command(
        after_help = "Examples:\n  arx export invoices > invoices.csv\n  arx export payments --format json\n  arx export applications --format parquet -o applications.parquet\n  arx export invoices --all-versions       every stored version, with _seq and _void\n  arx export customers --excel-safe -o c.csv   for a spreadsheet: =, +, -, @ text neutralised ('=…)\n\nValues are exported exactly as stored, so export → ingest round-trips byte for byte; text that\nstarts with =, +, - or @ would run as a formula in a spreadsheet, and a warning on stderr counts\nit. --excel-safe writes such text as '=… (quoted) instead; that file is for people, not for re-ingest."
    )]
    Export(ExportArgs),
    /// Aging: open items as of a date in buckets, per customer and currency (csv/json/table or xlsx)
    #[command(after_help = AGING_EXAMPLES)]
    Aging(AgingArgs),
    /// DSO: days sales outstanding (standard, count-back, best possible), ADD and CEI per currency
    #[command(after_help = DSO_EXAMPLES)]
    Dso(DsoArgs),
    /// Disputes: open as of a date, opened/resolved in a window, resolution rate, days to resolve
    #[command(after_help = DISPUTES_EXAMPLES)]
    Disputes(DisputesArgs),
    /// The audit trail: every ingest with file, SHA-256, size, kind, profile, row counts, time, version
    #[command(after_help = "Examples:\n  arx log\n  arx log --format json | jq '.[] | select(.rejected > 0)'")]
    Log(LogArgs),
}

const INGEST_EXAMPLES: &str = "\
Examples:
  arx ingest customers.csv invoices.csv        kinds recognised from the columns
  arx ingest open_items.csv --kind invoices
  arx ingest payments.csv --dry-run            validate only; nothing is written
  arx ingest invoices.csv --skip-invalid       commit the good rows, bad ones to a rejects CSV
  arx ingest invoices_corrected.csv --replace  supersede changed records (history is kept)

ERP exports (SAP FBL5N, NetSuite, QuickBooks, Xero, or arx.toml's own profiles):
  arx ingest FBL5N.txt --profile sap-fbl5n
  arx ingest aging.xls --profile netsuite --as-of 2026-12-31 --currency USD
  arx ingest export.xlsx --profile quickbooks --sheet \"A/R Aging Detail\" --as-of 2026-12-31
  arx ingest statement.xml                     bank files: camt.053/054, BAI2, MT940 (detected)
Encodings (UTF-8, UTF-16, Windows-1252), delimiters and workbooks (xlsx, xls, xlsb, ods, HTML
and SpreadsheetML named .xls) are detected from the content; --encoding/--delimiter/--sheet force.

Files are taken in dependency order (customers, invoices, payments, applications,
remittances, disputes, gl) and committed together. Problems are reported as
file:row:column: message; with any problem nothing is written (exit 3).";

const APPLY_EXAMPLES: &str = "\
Examples:
  arx apply                                   apply the workspace's unapplied payments
  arx apply statement-2026-12-01.xml          ingest a bank file (camt/BAI2/MT940), then apply
  arx apply lockbox.bai2 remittances.csv -o exceptions.xlsx
  arx apply --dry-run --format json           propose only; print the summary for scripts
  arx apply --undo apply-12                   reverse batch apply-12 (history is kept)
  arx apply --explain P-1042                  why P-1042 is (or would be) applied, or not

Evidence, strongest first: remittance lines; document numbers (or the invoice's reference /
PO number) in the payment text, robust to case, separators, prefixes, leading zeros and one-
character slips; then, for a payer known by customer_id, name or bank account, a single open
invoice of the amount, one within tolerance or discount terms, or a unique combination.
Two equally good answers: nothing is applied, the payment is listed with its candidates.
Tolerances and the deduction policy are in arx.toml [apply]. Each application records its
rule and confidence (rule column, e.g. reference:98) and the batch.";

const AGING_EXAMPLES: &str = "\
Examples:
  arx aging                                   today, buckets and basis from arx.toml
  arx aging --as-of 2024-12-31 -o aging-2024-12.xlsx
  arx aging --as-of 2024-12-31 --detail --format csv > open-items.csv
  arx aging --basis invoice --buckets 15,45 --credits aged
  arx aging --customer C-1001 --customer C-1003 --currency USD
  arx aging --input invoices.csv payments.csv applications.csv --as-of 2024-12-31

Rules (CONTRACT.md §3): open amount as of D = amount − applications dated ≤ D; documents and
payments dated after D don't exist yet. Age = D − due date (or − document date with --basis
invoice); bucket upper bounds are inclusive. Unapplied cash and open credit notes go to the
`unapplied` column unless --credits aged. Buckets + unapplied = total on every row.";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BasisArg {
    Due,
    Invoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CreditsArg {
    Column,
    Aged,
}

#[derive(Args, Debug)]
pub struct AgingArgs {
    /// Report date (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Age from the due date or the document date (default: arx.toml, else due)
    #[arg(long, value_enum)]
    pub basis: Option<BasisArg>,
    /// Bucket upper bounds in days, 1 to 12 of them (default: arx.toml, else 30,60,90,120)
    #[arg(long, value_name = "DAYS,...")]
    pub buckets: Option<String>,
    /// Where negative items go (default: arx.toml, else column)
    #[arg(long, value_enum)]
    pub credits: Option<CreditsArg>,
    /// Only this customer (repeatable)
    #[arg(long = "customer", value_name = "ID")]
    pub customers: Vec<String>,
    /// Only this currency
    #[arg(long, value_name = "CUR")]
    pub currency: Option<String>,
    /// One row per open item instead of per customer
    #[arg(long)]
    pub detail: bool,
    /// Write a workbook (Summary, Detail, By currency, Parameters) instead of printing
    #[arg(short = 'o', long = "output", value_name = "FILE.xlsx")]
    pub output: Option<PathBuf>,
    /// Workbook without the Detail sheet (for very large ledgers: millions of open items are
    /// slow to write and too many for Excel to enjoy)
    #[arg(long, requires = "output")]
    pub summary_only: bool,
    /// Work straight from export files instead of the workspace (nothing is stored)
    #[arg(long = "input", value_name = "FILE", num_args = 1..)]
    pub inputs: Vec<PathBuf>,
    /// Profile of the --input files
    #[arg(long, default_value = "generic")]
    pub profile: String,
}

const DSO_EXAMPLES: &str = "\
Examples:
  arx dso --as-of 2024-12-31                  3-month window ending with December
  arx dso --as-of 2024-12-15 --months 6 --format json
  arx dso --currency EUR --format csv >> dso-history.csv
  arx dso --as-of 2024-12-31 --trend 12        the last 12 month-ends
  arx dso --behaviour                          payment behaviour per customer, worst first
  arx dso --behaviour --detail --format csv    every invoice settled in the window
  arx dso --as-of 2024-12-31 --trend 24 -o dso.xlsx

Figures (CONTRACT.md §3): the window is the --months calendar months ending with the as-of
month (the last one running to the as-of date). AR = open balance as of D; current AR = its
not-yet-due part; sales = invoices + debit notes - credit notes in the window.
  dso_standard = AR / sales x days          bpdso = current AR / sales x days
  add = dso_standard - bpdso                dso_countback walks back month by month (<= 36)
  cei = (AR at start + sales - AR) / (AR at start + sales - current AR) x 100
Day figures are rounded to 2 decimals; a figure that would divide by zero is empty (null).";

#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// Files to ingest first (bank statements, payments, remittances; idempotent)
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Propose without committing anything (files are read, not stored)
    #[arg(long)]
    pub dry_run: bool,
    /// Write the exceptions workbook: summary, unapplied payments with ranked candidates, short
    /// pays, write-offs/discounts/deductions, applied, parameters
    #[arg(short = 'o', long = "output", value_name = "FILE.xlsx")]
    pub output: Option<PathBuf>,
    /// Reverse a batch: void its applications and the disputes it opened (history is kept)
    #[arg(long, value_name = "BATCH", conflicts_with_all = ["files", "output"])]
    pub undo: Option<String>,
    /// What the FILEs hold (default: recognised from their columns or content)
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
    /// Input profile of the FILEs (generic, or a bank format: camt053, camt054, bai2, mt940)
    #[arg(long, default_value = "generic")]
    pub profile: String,
    /// Date the workbook is dated by (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Explain one payment: the evidence each rule found, the candidates, and why it is (or
    /// would be) applied or left for review. Writes nothing.
    #[arg(long, value_name = "PAYMENT_ID", conflicts_with_all = ["undo", "output"])]
    pub explain: Option<String>,
}

#[derive(Args, Debug)]
pub struct DsoArgs {
    /// Report date (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Calendar months in the window (1 to 36)
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub months: u32,
    /// The same figures for each of the last M month-ends (as-of aging at each, so history is right)
    #[arg(long, default_value_t = 0, value_name = "M")]
    pub trend: u32,
    /// Payment behaviour per customer instead: invoices settled in the window, average days to
    /// pay and late (amount-weighted, early = 0), % on time, open past due, oldest open item
    #[arg(long)]
    pub behaviour: bool,
    /// With --behaviour: one row per settled invoice (dates, days to pay, days late)
    #[arg(long)]
    pub detail: bool,
    /// Write a workbook (KPIs, Trend with charts, Payment behaviour, Parameters); the trend
    /// covers --trend month-ends, or 12
    #[arg(short = 'o', long = "output", value_name = "FILE.xlsx", conflicts_with_all = ["behaviour", "detail"])]
    pub output: Option<PathBuf>,
    /// Only this currency
    #[arg(long, value_name = "CUR")]
    pub currency: Option<String>,
    /// Work straight from export files instead of the workspace (nothing is stored)
    #[arg(long = "input", value_name = "FILE", num_args = 1..)]
    pub inputs: Vec<PathBuf>,
    /// Profile of the --input files
    #[arg(long, default_value = "generic")]
    pub profile: String,
}

const DISPUTES_EXAMPLES: &str = "\
Examples:
  arx disputes                                    this month so far
  arx disputes --as-of 2024-12-31 --from 2024-10-01 --format json
  arx disputes --detail                           every open dispute, oldest first
  arx disputes --by reason                        open disputes by reason (or customer, age)
  arx disputes --resolved --from 2024-01-01       disputes resolved in the window
  arx disputes --as-of 2024-12-31 --from 2024-01-01 -o disputes-2024.xlsx

Rules (CONTRACT.md §3): a dispute is open as of D when opened by D and not resolved by D. Its
amount defaults to, and is capped at, the document's open amount as of D. Resolution rate =
resolved in the window / (open at the window's start + opened in it) x 100. Disputes with reason
short-payment (opened by cash application for a deduction) show source=deduction.";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DisputesBy {
    Reason,
    Customer,
    Age,
}

#[derive(Args, Debug)]
pub struct DisputesArgs {
    /// Report date (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Start of the window (default: the first day of the as-of month)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// Every open dispute instead of the summary
    #[arg(long, conflicts_with_all = ["resolved", "by"])]
    pub detail: bool,
    /// The disputes resolved in the window instead of the summary
    #[arg(long, conflicts_with = "by")]
    pub resolved: bool,
    /// Open disputes grouped by reason, customer or age since opened
    #[arg(long, value_enum)]
    pub by: Option<DisputesBy>,
    /// Write a workbook (Summary, Open disputes, Resolved, By reason with a chart, Parameters)
    #[arg(short = 'o', long = "output", value_name = "FILE.xlsx", conflicts_with_all = ["detail", "resolved", "by"])]
    pub output: Option<PathBuf>,
    /// Work straight from export files instead of the workspace (nothing is stored)
    #[arg(long = "input", value_name = "FILE", num_args = 1..)]
    pub inputs: Vec<PathBuf>,
    /// Profile of the --input files
    #[arg(long, default_value = "generic")]
    pub profile: String,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Folder to create the workspace in (default: --workspace or $ARX_WORKSPACE, else the current folder)
    pub dir: Option<PathBuf>,
    /// Company name for arx.toml
    #[arg(long, default_value = "My Company")]
    pub name: String,
    /// Reporting currency (ISO 4217) for arx.toml
    #[arg(long, default_value = "EUR")]
    pub currency: String,
}

#[derive(Args, Debug)]
pub struct IngestArgs {
    /// Input files (canonical CSV with a header row)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// What the files hold (default: recognised from each file's columns)
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
    /// Input profile: how the ERP lays out its export
    #[arg(long, default_value = "generic")]
    pub profile: String,
    /// Excel sheet to read (Excel inputs)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Validate and report what would be added, write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Commit the valid rows; write invalid ones with their reasons to a rejects CSV
    #[arg(long)]
    pub skip_invalid: bool,
    /// Supersede stored records whose content changed (the old version is kept in history)
    #[arg(long)]
    pub replace: bool,
    /// Where --skip-invalid writes rejected rows (default: WORKSPACE/rejects/NAME-TIME.rejects.csv;
    /// with several input files, a folder)
    #[arg(long, value_name = "PATH")]
    pub rejects: Option<PathBuf>,
    /// Text encoding of the files (default: detected — UTF-8 with or without BOM, UTF-16 with
    /// BOM, else Windows-1252): utf-8, utf-16le, utf-16be, windows-1252
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Delimiter of text files (default: detected among , ; tab |)
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// ERP profiles: the export's key date (open-item exports record what was settled before it)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// ERP profiles: the currency of files without a currency column
    #[arg(long, value_name = "CUR")]
    pub currency: Option<String>,
    /// ERP profiles: the decimal mark of amounts, overriding the profile's (. or ,)
    #[arg(long, value_name = "CHAR")]
    pub decimal: Option<String>,
    /// ERP profiles: the thousands separators of amounts, overriding the profile's (e.g. "." or "," or "' " for several)
    #[arg(long, value_name = "CHARS")]
    pub thousands: Option<String>,
    /// ERP profiles: the date format, overriding the profile's (DD.MM.YYYY, MM/DD/YYYY, M/D/YYYY, YYYYMMDD,
    /// DD-MMM-YYYY, YYYY-MM-DD, excel)
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
}

#[derive(Args, Debug)]
pub struct ProfilesArgs {
    #[command(subcommand)]
    pub action: Option<ProfilesAction>,
}

#[derive(clap::Subcommand, Debug)]
pub enum ProfilesAction {
    /// Print one profile in full, as TOML (a custom profile can start from it)
    Show {
        /// The profile's name
        name: String,
    },
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// What to export
    #[arg(value_enum)]
    pub kind: Kind,
    /// Write to FILE (atomically) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Every stored version, oldest first, with _seq (commit) and _void columns
    #[arg(long)]
    pub all_versions: bool,
    /// For opening in a spreadsheet, not for re-ingest: text starting with =, +, - or @ is
    /// written '=… (quoted) so it can't run as a formula. Without it, values are exported exactly
    /// as stored (export → ingest round-trips byte for byte) and a warning counts such values
    #[arg(long)]
    pub excel_safe: bool,
}

#[derive(Args, Debug)]
pub struct LogArgs {}

/// Options every command sees, resolved once.
pub struct Globals {
    pub workspace: Option<PathBuf>,
    /// The workspace came from $ARX_WORKSPACE, not from --workspace on the command line.
    pub workspace_from_env: bool,
    pub quiet: bool,
    pub progress: bool,
    pub format: Option<FormatArg>,
}

impl Globals {
    pub fn from_cli(cli: &Cli) -> Globals {
        Globals {
            workspace: cli.workspace.clone(),
            workspace_from_env: cli.workspace.is_some()
                && std::env::var_os("ARX_WORKSPACE").is_some_and(|v| Some(PathBuf::from(&v)) == cli.workspace)
                && !std::env::args_os().any(|a| a == "--workspace" || a.to_string_lossy().starts_with("--workspace=")),
            quiet: cli.quiet,
            progress: !cli.quiet && !cli.no_progress && std::io::stderr().is_terminal(),
            format: cli.format,
        }
    }

    /// The stdout format for a report: as asked, else table on a terminal and csv otherwise.
    pub fn report_format(&self) -> crate::error::Result<Format> {
        match self.format {
            Some(FormatArg::Table) => Ok(Format::Table),
            Some(FormatArg::Csv) => Ok(Format::Csv),
            Some(FormatArg::Json) => Ok(Format::Json),
            Some(FormatArg::Parquet) => Err(crate::error::ArxError::Usage(
                "--format parquet is for `arx export`; use table, csv or json here".into(),
            )),
            None if std::io::stdout().is_terminal() => Ok(Format::Table),
            None => Ok(Format::Csv),
        }
    }
}
