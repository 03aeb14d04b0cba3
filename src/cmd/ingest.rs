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
    let plan = IngestPlan {
        files: args.files,
        read: crate::ingest::source::ReadOptions { encoding, delimiter },
        sheet: args.sheet,
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
        let added: u64 = report.files.iter().map(|f| f.added + f.replaced).sum();
        let msg = match (report.dry_run, added) {
            (true, _) => "dry run: nothing was written".to_string(),
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
