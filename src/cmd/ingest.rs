use crate::cli::{Globals, IngestArgs};
use crate::error::{ArxError, Result};
use crate::ingest::{self, IngestPlan};
use crate::output::{Table, Value};
use crate::workspace::Workspace;

pub fn run(g: &Globals, args: IngestArgs) -> Result<()> {
    let format = g.report_format()?;
    if args.rejects.is_some() && !args.skip_invalid {
        return Err(ArxError::Usage("--rejects only applies with --skip-invalid".into()));
    }
    let ws = Workspace::discover(g.workspace.as_deref())?;
    if args.profile == "generic" && (args.currency.is_some() || args.decimal.is_some() || args.date_format.is_some()) {
        return Err(ArxError::Usage(
            "--currency, --decimal and --date-format apply to ERP profiles; canonical files carry them in their columns".into(),
        ));
    }
    let encoding = match args.encoding.as_deref() {
        None => None,
        Some(name) => Some(crate::ingest::text::TextEncoding::from_name(name).ok_or_else(|| {
            ArxError::Usage(format!(
                "--encoding '{name}' is not one arx reads: utf-8, utf-16le, utf-16be, windows-1252 (latin1)"
            ))
        })?),
    };
    let delimiter = match args.delimiter.as_deref() {
        None => None,
        Some("tab") | Some("\\t") | Some("\t") => Some(b'\t'),
        Some(d) if d.len() == 1 && matches!(d.as_bytes()[0], b',' | b';' | b'|' | b'\t') => Some(d.as_bytes()[0]),
        Some(d) => {
            return Err(ArxError::Usage(format!("--delimiter '{d}': use one of , ; | tab")));
        }
    };
    let erp = crate::ingest::erp::resolve(&args.profile, &ws.config)?;
    let mut overrides = overrides(&args)?;
    overrides.workspace_currency = ws.config.reporting_currency();
    let plan = IngestPlan {
        files: args.files,
        read: crate::ingest::source::ReadOptions { encoding, delimiter },
        sheet: args.sheet,
        erp,
        overrides,
        kind: args.kind,
        profile: args.profile,
        dry_run: args.dry_run,
        skip_invalid: args.skip_invalid,
        replace: args.replace,
        rejects: args.rejects,
        quiet: g.quiet,
        progress: g.progress,
    };
    let report = ingest::run(&ws, &plan)?;
    let mut table = Table::new(&["file", "kind", "profile", "added", "unchanged", "replaced", "rejected", "sha256"]);
    for f in &report.files {
        table.rows.push(vec![
            Value::Text(f.path.clone()),
            Value::Text(f.kind.to_string()),
            Value::Text(f.profile.clone()),
            Value::Int(f.added as i64),
            Value::Int(f.unchanged as i64),
            Value::Int(f.replaced as i64),
            Value::Int(f.rejected as i64),
            Value::Text(f.sha256.clone()),
        ]);
    }
    let mut out = std::io::stdout().lock();
    table.write(format, &mut out).map_err(anyhow::Error::from)?;
    if !g.quiet {
        // A header with no rows is a quiet day for the ERP, not "already loaded".
        let empty = |f: &crate::store::FileAudit| f.added + f.unchanged + f.replaced + f.rejected == 0;
        for f in report.files.iter().filter(|f| empty(f)) {
            eprintln!("no records in {} (it has no data rows); nothing to add from it", f.path);
        }
        let added: u64 = report.files.iter().map(|f| f.added + f.replaced).sum();
        let msg = match (report.dry_run, added) {
            (true, _) => "dry run: nothing was written".to_string(),
            (false, 0) if report.files.iter().all(empty) => "nothing was written: the input has no records".to_string(),
            (false, 0) => "nothing new: every record is already in the workspace".to_string(),
            (false, n) => format!(
                "committed {n} record{} (commit {})",
                if n == 1 { "" } else { "s" },
                report.commit_seq.unwrap_or(0)
            ),
        };
        eprintln!("{msg}");
    }
    Ok(())
}

/// Command-line values that win over the ERP profile's.
fn overrides(args: &IngestArgs) -> Result<crate::ingest::profile::Overrides> {
    use crate::ingest::locale::DateStyle;
    let one_char = |flag: &str, v: &str| -> Result<char> {
        let mut chars = v.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            _ => Err(ArxError::Usage(format!("{flag} '{v}' must be one character"))),
        }
    };
    let decimal = args.decimal.as_deref().map(|d| one_char("--decimal", d)).transpose()?;
    if let Some(d) = decimal.filter(|d| !matches!(d, '.' | ',')) {
        return Err(ArxError::Usage(format!("--decimal '{d}': use . or ,")));
    }
    let thousands = args.thousands.as_deref().map(|t| t.chars().collect::<Vec<char>>());
    let date_format = match args.date_format.as_deref() {
        None => None,
        Some(f) => Some(DateStyle::from_spec(f).ok_or_else(|| {
            ArxError::Usage(format!(
                "--date-format '{f}' is not one arx reads: DD.MM.YYYY, DD/MM/YYYY, MM/DD/YYYY, M/D/YYYY, YYYYMMDD, DD-MMM-YYYY, YYYY-MM-DD, YYYY/MM/DD, excel"
            ))
        })?),
    };
    let currency = match args.currency.as_deref() {
        None => None,
        Some(c) => Some(crate::money::Currency::parse(c).map_err(|e| ArxError::Usage(format!("--currency: {e}")))?),
    };
    let as_of = match args.as_of.as_deref() {
        None => None,
        Some(d) => Some(super::aging::parse_as_of(Some(d))?),
    };
    Ok(crate::ingest::profile::Overrides { decimal, thousands, date_format, currency, as_of, workspace_currency: None })
}
