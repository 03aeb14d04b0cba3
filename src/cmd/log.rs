use crate::cli::{Globals, LogArgs};
use crate::error::Result;
use crate::output::{Table, Value};
use crate::workspace::Workspace;

pub fn run(g: &Globals, _args: LogArgs) -> Result<()> {
    let format = g.report_format()?;
    let ws = Workspace::discover(g.workspace.as_deref())?;
    let manifest = ws.store()?.manifest()?;
    let mut table = Table::new(&[
        "commit",
        "time",
        "command",
        "file",
        "sha256",
        "size",
        "kind",
        "profile",
        "added",
        "unchanged",
        "replaced",
        "rejected",
        "rejects_file",
        "arx_version",
    ]);
    for c in &manifest.commits {
        let common = |t: &mut Vec<Value>| {
            t.insert(0, Value::Int(c.seq as i64));
            t.insert(1, Value::Text(c.time.clone()));
            t.insert(2, Value::Text(c.command.clone()));
        };
        if c.files.is_empty() {
            let mut row = vec![Value::Null; 10];
            row.push(Value::Text(c.arx_version.clone()));
            common(&mut row);
            table.rows.push(row);
        }
        for f in &c.files {
            let mut row = vec![
                Value::Text(f.path.clone()),
                Value::Text(f.sha256.clone()),
                Value::Int(f.size as i64),
                Value::Text(f.kind.to_string()),
                Value::Text(f.profile.clone()),
                Value::Int(f.added as i64),
                Value::Int(f.unchanged as i64),
                Value::Int(f.replaced as i64),
                Value::Int(f.rejected as i64),
                f.rejects_file.clone().map(Value::Text).unwrap_or(Value::Null),
                Value::Text(c.arx_version.clone()),
            ];
            common(&mut row);
            table.rows.push(row);
        }
    }
    let mut out = std::io::stdout().lock();
    table.write(format, &mut out).map_err(anyhow::Error::from)?;
    Ok(())
}
