use crate::cli::{Globals, InitArgs};
use crate::error::{ArxError, Result};
use crate::money::Currency;
use crate::store::Store;
use crate::workspace::{config_template, CONFIG_FILE, STORE_DIR};
use anyhow::Context;

pub fn run(g: &Globals, args: InitArgs) -> Result<()> {
    // `arx --workspace W init` (or ARX_WORKSPACE=W arx init) creates W, like every other command
    // works on W. A folder named twice must be the same folder.
    let dir = match (args.dir, g.workspace.clone()) {
        (Some(d), Some(w)) if d != w && !g.workspace_from_env => {
            return Err(ArxError::Usage(format!(
                "arx init {} and --workspace {} name two folders; give one of them",
                d.display(),
                w.display()
            )))
        }
        (Some(d), _) => d,
        (None, Some(w)) => w,
        (None, None) => std::path::PathBuf::from("."),
    };
    let currency = Currency::parse(&args.currency).map_err(|e| ArxError::Usage(format!("--currency: {e}")))?;
    if args.name.contains(['"', '\\', '\n']) {
        return Err(ArxError::Usage("--name may not contain quotes, backslashes or line breaks".into()));
    }
    if dir.join(CONFIG_FILE).exists() {
        return Err(ArxError::Usage(format!(
            "{} is already an arx workspace ({} exists); nothing was changed",
            dir.display(),
            dir.join(CONFIG_FILE).display()
        )));
    }
    if dir.join(STORE_DIR).exists() {
        return Err(ArxError::Usage(format!(
            "{} already exists; move it away or choose another folder",
            dir.join(STORE_DIR).display()
        )));
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    // The store first: a folder with arx.toml always has a store.
    Store::create(&dir.join(STORE_DIR))?;
    crate::files::write_atomic(&dir.join(CONFIG_FILE), config_template(&args.name, currency.code()).as_bytes())?;
    if !g.quiet {
        eprintln!(
            "created workspace {} (edit {} for company details and report defaults)",
            dir.display(),
            dir.join(CONFIG_FILE).display()
        );
    }
    Ok(())
}
