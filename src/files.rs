//! The one way arx writes files: reports (`-o`), rejects, exports, `arx.toml`, the store's
//! manifest, segments and lock all go through here, so every write follows the same rules:
//!
//! - a target that exists and is not a regular file (a directory, a FIFO, a device such as
//!   `/dev/full`) is refused, naming it (exit 2);
//! - a symbolic link at the target is refused, naming where it points (exit 2): arx never writes
//!   through a link, nor replaces one with a file behind the user's back;
//! - a new file gets mode 0666 & !umask, as `touch` or a shell redirect would give it; a file
//!   that is replaced keeps its mode;
//! - whole files appear atomically: a temp file `.arx-tmp-*` in the same folder, fsync, rename,
//!   fsync(folder). Temp files left by a killed process are swept by [`sweep_temps`].

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Prefix of the temp files [`write_atomic`] makes (and [`sweep_temps`] removes).
pub const TEMP_PREFIX: &str = ".arx-tmp-";

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The target is not something arx writes to (exit 2).
    #[error("{}: {why}", crate::error::printable(&path.display().to_string(), crate::error::MAX_QUOTED_CHARS * 4))]
    Refused { path: PathBuf, why: String },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

impl FileError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FileError + '_ {
        move |source| FileError::Io { path: path.to_path_buf(), source }
    }
}

impl From<FileError> for crate::error::ArxError {
    fn from(e: FileError) -> Self {
        match e {
            FileError::Refused { .. } => crate::error::ArxError::Usage(e.to_string()),
            FileError::Io { .. } => crate::error::ArxError::Runtime(anyhow::Error::new(e)),
        }
    }
}

/// What is at `path`, if anything, when arx may write a regular file there: `Ok(None)` for
/// nothing yet, `Ok(Some(meta))` for a regular file (not a link), else the refusal.
pub fn check_target(path: &Path) -> Result<Option<fs::Metadata>, FileError> {
    let refuse = |why: String| FileError::Refused { path: path.to_path_buf(), why };
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(FileError::io(path)(e)),
    };
    let ft = meta.file_type();
    if ft.is_symlink() {
        let to = fs::read_link(path).map(|t| t.display().to_string()).unwrap_or_else(|_| "?".into());
        return Err(refuse(format!(
            "is a symbolic link (to {}); arx does not write through links. Give the link's target as the path, or remove the link",
            crate::error::quote_value(&to)
        )));
    }
    if !ft.is_file() {
        return Err(refuse(format!(
            "exists and is {}, not a regular file; arx writes only regular files. Give a file name",
            describe_type(&ft)
        )));
    }
    Ok(Some(meta))
}

/// What a file type is, in words (`a FIFO (named pipe)`, `a device`, `a folder`).
pub fn describe_type(ft: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else {
        "something else"
    }
}

/// Options for a file arx creates: new only, never through a link, mode 0666 & !umask.
fn create_new_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o666).custom_flags(libc::O_NOFOLLOW);
    }
    o
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `path` so it appears whole or not at all: temp file in the same folder (mode
/// 0666 & !umask, or the replaced file's mode), fsync, rename, fsync the folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    write_atomic_from(path, &mut &bytes[..])
}

/// [`write_atomic`] with the content streamed from `src` (a large file never held in memory).
pub fn write_atomic_from(path: &Path, src: &mut dyn std::io::Read) -> Result<(), FileError> {
    let existing = check_target(path)?;
    let dir = folder_of(path);
    let (tmp_path, mut tmp) = create_temp(&dir)?;
    let result = (|| {
        #[cfg(unix)]
        if let Some(meta) = &existing {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o7777;
            tmp.set_permissions(fs::Permissions::from_mode(mode)).map_err(FileError::io(path))?;
        }
        #[cfg(not(unix))]
        let _ = &existing;
        std::io::copy(src, &mut tmp).map_err(FileError::io(path))?;
        tmp.sync_all().map_err(FileError::io(path))?;
        // Between the check and the rename the target may have changed; check again (a race
        // can't be closed fully without renameat2, but a link planted early is refused).
        check_target(path)?;
        fs::rename(&tmp_path, path).map_err(FileError::io(path))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp_path);
    }
    result?;
    sync_dir(&dir)
}

/// A new temp file in `dir`, named `.arx-tmp-PID-N-NANOS`.
fn create_temp(dir: &Path) -> Result<(PathBuf, File), FileError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut last = None;
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let p = dir.join(format!("{TEMP_PREFIX}{}-{n}-{nanos}", std::process::id()));
        match create_new_options().open(&p) {
            Ok(f) => return Ok((p, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(FileError::io(dir)(e)),
        }
    }
    Err(FileError::io(dir)(last.unwrap_or_else(|| std::io::Error::other("no temp file name free"))))
}

/// Writes a file that must not exist yet (a store segment), fsynced; never through a link.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    check_target(path)?;
    let mut f = create_new_options().open(path).map_err(FileError::io(path))?;
    f.write_all(bytes).map_err(FileError::io(path))?;
    f.sync_all().map_err(FileError::io(path))
}

/// Opens (creating if needed) a lock file for reading and writing, never through a symbolic
/// link (O_NOFOLLOW), and only if it is a regular file.
pub fn open_lock(path: &Path) -> Result<File, FileError> {
    check_target(path)?;
    let mut o = OpenOptions::new();
    o.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o666).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = o.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return FileError::Refused {
                path: path.to_path_buf(),
                why: "is a symbolic link; arx does not follow links for its lock. Remove the link (arx makes the lock file itself)".into(),
            };
        }
        FileError::io(path)(e)
    })?;
    let meta = file.metadata().map_err(FileError::io(path))?;
    if !meta.is_file() {
        return Err(FileError::Refused {
            path: path.to_path_buf(),
            why: format!(
                "is {}, not a regular file; remove it (arx makes the lock file itself)",
                describe_type(&meta.file_type())
            ),
        });
    }
    Ok(file)
}

/// Removes `.arx-tmp-*` files in `dir` (left by a process killed while writing). Best effort;
/// call it only under the store lock, so no running writer's temp file is taken.
pub fn sweep_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(TEMP_PREFIX)
            && e.file_type().map(|t| t.is_file()).unwrap_or(false)
        {
            let _ = fs::remove_file(e.path());
        }
    }
}

pub fn sync_dir(dir: &Path) -> Result<(), FileError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(FileError::io(dir))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn refuses_links_folders_and_devices() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.csv");
        fs::write(&target, "keep").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(matches!(write_atomic(&link, b"x"), Err(FileError::Refused { .. })));
        assert_eq!(fs::read(&target).unwrap(), b"keep");
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert!(matches!(write_atomic(dir.path(), b"x"), Err(FileError::Refused { .. })));
        assert!(matches!(write_atomic(Path::new("/dev/full"), b"x"), Err(FileError::Refused { .. })));
    }

    #[test]
    fn keeps_the_mode_of_a_replaced_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        fs::write(&p, "old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        assert_eq!(fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o640);
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(leftovers.len(), 1, "no temp file left");
    }
}
