//! The workspace store: append-only Parquet segments plus one checksummed manifest.
//!
//! A commit writes new segment files (never touching old ones), fsyncs them, then replaces the
//! manifest by write-temp + fsync + rename + fsync(dir). The manifest is the only thing that
//! names segments, so a process killed at any point leaves the store exactly before or after
//! the commit; unreferenced leftovers are ignored and swept by the next commit. Every segment's
//! size and SHA-256 are in the manifest and checked on read, so a corrupt or truncated file is
//! reported, never silently read. Writers are serialised by an exclusive lock on `store/lock`.

use crate::frame::{self, Stored, StoredRef};
use crate::model::{Kind, Record};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const MANIFEST: &str = "manifest";
const MANIFEST_MAGIC: &str = "arx-store-manifest v1";
const FORMAT: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: the store is corrupt: {detail}. Restore the workspace's store/ folder from a backup; arx never repairs it by guessing")]
    Corrupt { path: PathBuf, detail: String },
    #[error("{0}: no store here; run `arx init` to create a workspace")]
    Missing(PathBuf),
    /// A file arx writes is not one it may write (a link, a folder, a device).
    #[error(transparent)]
    Refused(crate::files::FileError),
}

impl From<crate::files::FileError> for StoreError {
    fn from(e: crate::files::FileError) -> Self {
        match e {
            crate::files::FileError::Io { path, source } => StoreError::Io { path, source },
            refused => StoreError::Refused(refused),
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io { path: path.to_path_buf(), source }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A file that went into a commit, as the audit trail records it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FileAudit {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub kind: Kind,
    pub profile: String,
    pub added: u64,
    pub unchanged: u64,
    pub replaced: u64,
    pub rejected: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejects_file: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Segment {
    pub kind: Kind,
    pub file: String,
    pub rows: u64,
    /// Rows that supersede a version in an earlier segment (0: readers may skip de-duplication).
    #[serde(default)]
    pub supersedes: u64,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Commit {
    pub seq: u64,
    /// RFC 3339, UTC.
    pub time: String,
    pub arx_version: String,
    pub command: String,
    pub files: Vec<FileAudit>,
    pub segments: Vec<Segment>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: u32,
    pub commits: Vec<Commit>,
}

impl Manifest {
    pub fn next_seq(&self) -> u64 {
        self.commits.last().map(|c| c.seq + 1).unwrap_or(1)
    }
}

pub struct Store {
    dir: PathBuf,
}

/// Held while writing; dropping it releases the lock.
pub struct WriteLock {
    _file: File,
}

impl Store {
    /// Creates an empty store in `dir` (which must not hold one yet).
    pub fn create(dir: &Path) -> Result<Store, StoreError> {
        fs::create_dir_all(dir.join("segments")).map_err(io(dir))?;
        let store = Store { dir: dir.to_path_buf() };
        store.write_manifest(&Manifest { format: FORMAT, commits: Vec::new() })?;
        Ok(store)
    }

    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        if !dir.join(MANIFEST).is_file() {
            return Err(StoreError::Missing(dir.to_path_buf()));
        }
        Ok(Store { dir: dir.to_path_buf() })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Takes the writer lock, telling the user when another arx holds it, then waiting.
    pub fn lock(&self, quiet: bool) -> Result<WriteLock, StoreError> {
        let path = self.dir.join("lock");
        // Never through a symbolic link: a planted `lock -> ~/.bashrc` must not be truncated.
        let mut file = crate::files::open_lock(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                if !quiet {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim();
                    let who = if holder.is_empty() { String::new() } else { format!(" ({holder})") };
                    eprintln!(
                        "arx: another arx process{who} is writing to this workspace; waiting for it to finish (lock: {})",
                        path.display()
                    );
                }
                file.lock().map_err(io(&path))?;
            }
            Err(fs::TryLockError::Error(e)) => return Err(io(&path)(e)),
        }
        // Who holds the lock, for the next process's message; best effort.
        let _ = file.set_len(0);
        let _ = std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0));
        let _ = file.write_all(format!("pid {}", std::process::id()).as_bytes());
        Ok(WriteLock { _file: file })
    }

    pub fn manifest(&self) -> Result<Manifest, StoreError> {
        let path = self.dir.join(MANIFEST);
        let text = fs::read_to_string(&path).map_err(io(&path))?;
        let corrupt = |detail: &str| StoreError::Corrupt { path: path.clone(), detail: detail.to_string() };
        let (header, body) = text.split_once('\n').ok_or_else(|| corrupt("manifest has no header line"))?;
        let expected = header
            .strip_prefix(MANIFEST_MAGIC)
            .and_then(|rest| rest.trim().strip_prefix("sha256="))
            .ok_or_else(|| corrupt("manifest header is not an arx manifest"))?;
        if sha256_hex(body.as_bytes()) != expected {
            return Err(corrupt("manifest checksum does not match its content"));
        }
        let manifest: Manifest =
            serde_json::from_str(body).map_err(|e| corrupt(&format!("manifest is not valid: {e}")))?;
        if manifest.format != FORMAT {
            return Err(corrupt(&format!(
                "store format {} is not supported by this arx (it reads format {FORMAT}); use a matching arx version",
                manifest.format
            )));
        }
        Ok(manifest)
    }

    fn write_manifest(&self, manifest: &Manifest) -> Result<(), StoreError> {
        let body = serde_json::to_string_pretty(manifest)
            .map_err(|e| StoreError::Corrupt { path: self.dir.join(MANIFEST), detail: e.to_string() })?;
        let text = format!("{MANIFEST_MAGIC} sha256={}\n{body}", sha256_hex(body.as_bytes()));
        write_atomic(&self.dir.join(MANIFEST), text.as_bytes())
    }

    /// Reads one segment's bytes, checking size and SHA-256 against the manifest.
    pub fn read_verified(&self, seg: &Segment) -> Result<Vec<u8>, StoreError> {
        let path = self.dir.join(&seg.file);
        let bytes = fs::read(&path).map_err(io(&path))?;
        let corrupt = |detail: String| StoreError::Corrupt { path: path.clone(), detail };
        if bytes.len() as u64 != seg.bytes {
            return Err(corrupt(format!("segment is {} bytes, the manifest says {}", bytes.len(), seg.bytes)));
        }
        if sha256_hex(&bytes) != seg.sha256 {
            return Err(corrupt("segment checksum does not match the manifest".into()));
        }
        Ok(bytes)
    }

    /// The segments of `kind`, oldest first.
    pub fn segments<'m>(&self, manifest: &'m Manifest, kind: Kind) -> impl Iterator<Item = &'m Segment> {
        manifest.commits.iter().flat_map(|c| &c.segments).filter(move |s| s.kind == kind)
    }

    /// Every stored version of every record of `R`'s kind, oldest commit first, checksums verified.
    pub fn load_all<R: Record>(&self, manifest: &Manifest) -> Result<Vec<Stored<R>>, StoreError> {
        let mut out = Vec::new();
        for seg in manifest.commits.iter().flat_map(|c| &c.segments).filter(|s| s.kind == R::KIND) {
            let path = self.dir.join(&seg.file);
            let corrupt = |detail: String| StoreError::Corrupt { path: path.clone(), detail };
            let bytes = self.read_verified(seg)?;
            let df = frame::read_parquet(bytes).map_err(|e| corrupt(e.to_string()))?;
            let rows: Vec<Stored<R>> = frame::from_frame(&df).map_err(|e| corrupt(e.to_string()))?;
            if rows.len() as u64 != seg.rows {
                return Err(corrupt(format!("segment has {} rows, the manifest says {}", rows.len(), seg.rows)));
            }
            out.extend(rows);
        }
        Ok(out)
    }

    /// The current version of each record of `R`'s kind (latest commit wins; voided keys dropped).
    pub fn load_current<R: Record>(&self, manifest: &Manifest) -> Result<Vec<R>, StoreError> {
        Ok(current(self.load_all::<R>(manifest)?))
    }

    /// Appends one commit: the given segments plus the audit entries, atomically.
    pub fn commit(
        &self,
        _lock: &WriteLock,
        command: &str,
        files: Vec<FileAudit>,
        segments: Vec<PendingSegment>,
    ) -> Result<Commit, StoreError> {
        let mut manifest = self.manifest()?;
        let seq = manifest.next_seq();
        self.sweep_orphans(&manifest);
        crate::files::sweep_temps(&self.dir);
        let mut written = Vec::new();
        for (n, seg) in segments.into_iter().enumerate() {
            let rel = format!("segments/{}/{seq:08}-{n}.parquet", seg.kind.name());
            let path = self.dir.join(&rel);
            if let Some(parent) = path.parent() {
                if !parent.is_dir() {
                    // A new kind folder: make its entry in segments/ durable too.
                    fs::create_dir_all(parent).map_err(io(parent))?;
                    sync_dir(&self.dir.join("segments"))?;
                }
            }
            write_durable(&path, &seg.bytes)?;
            written.push(Segment {
                kind: seg.kind,
                file: rel,
                rows: seg.rows,
                supersedes: seg.supersedes,
                bytes: seg.bytes.len() as u64,
                sha256: sha256_hex(&seg.bytes),
            });
        }
        for dir in written.iter().filter_map(|s| self.dir.join(&s.file).parent().map(Path::to_path_buf)) {
            sync_dir(&dir)?;
        }
        let commit = Commit {
            seq,
            time: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            arx_version: env!("CARGO_PKG_VERSION").to_string(),
            command: command.to_string(),
            files,
            segments: written,
        };
        manifest.commits.push(commit.clone());
        self.write_manifest(&manifest)?;
        Ok(commit)
    }

    /// Removes segment files no commit names (left by a killed process). Best effort, under the lock.
    fn sweep_orphans(&self, manifest: &Manifest) {
        let named: std::collections::HashSet<&str> =
            manifest.commits.iter().flat_map(|c| &c.segments).map(|s| s.file.as_str()).collect();
        let Ok(kinds) = fs::read_dir(self.dir.join("segments")) else { return };
        for kind_dir in kinds.flatten() {
            let Ok(files) = fs::read_dir(kind_dir.path()) else { continue };
            for f in files.flatten() {
                let rel =
                    format!("segments/{}/{}", kind_dir.file_name().to_string_lossy(), f.file_name().to_string_lossy());
                if !named.contains(rel.as_str()) {
                    let _ = fs::remove_file(f.path());
                }
            }
        }
    }
}

/// A segment ready to be committed: Parquet bytes for one kind.
pub struct PendingSegment {
    pub kind: Kind,
    pub rows: u64,
    pub supersedes: u64,
    pub bytes: Vec<u8>,
}

impl PendingSegment {
    pub fn new<R: Record>(rows: &[StoredRef<'_, R>]) -> Result<PendingSegment, frame::FrameError> {
        let mut bytes = Vec::new();
        frame::write_records_parquet(rows, &mut bytes)?;
        Ok(PendingSegment { kind: R::KIND, rows: rows.len() as u64, supersedes: 0, bytes })
    }
}

/// Latest version per key (by commit order), without voided keys, in key order.
pub fn current<R: Record>(all: Vec<Stored<R>>) -> Vec<R> {
    let mut latest: std::collections::HashMap<String, Stored<R>> = std::collections::HashMap::with_capacity(all.len());
    for s in all {
        let key = s.record.key().into_owned();
        match latest.get(&key) {
            Some(prev) if prev.seq > s.seq => {}
            _ => {
                latest.insert(key, s);
            }
        }
    }
    let mut rows: Vec<(String, R)> = latest.into_iter().filter(|(_, s)| !s.void).map(|(k, s)| (k, s.record)).collect();
    rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    rows.into_iter().map(|(_, r)| r).collect()
}

fn write_durable(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    Ok(crate::files::write_new(path, bytes)?)
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    Ok(crate::files::sync_dir(dir)?)
}

/// Writes `path` so it appears whole or not at all; see [`crate::files::write_atomic`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    Ok(crate::files::write_atomic(path, bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Customer;

    fn customer(id: &str, name: &str) -> Customer {
        Customer {
            customer_id: id.into(),
            name: name.into(),
            email: None,
            credit_limit: None,
            currency: None,
            payment_terms: None,
            parent_id: None,
            address: None,
        }
    }

    #[test]
    fn commits_append_and_latest_version_wins() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store")).unwrap();
        let lock = store.lock(true).unwrap();
        let v1 = [Stored { seq: 1, void: false, record: customer("C1", "Old") }];
        store.commit(&lock, "ingest", vec![], vec![PendingSegment::new(&[v1[0].as_ref()]).unwrap()]).unwrap();
        let v2 = [Stored { seq: 2, void: false, record: customer("C1", "New") }];
        store.commit(&lock, "ingest", vec![], vec![PendingSegment::new(&[v2[0].as_ref()]).unwrap()]).unwrap();
        let m = store.manifest().unwrap();
        assert_eq!(store.load_all::<Customer>(&m).unwrap().len(), 2, "history is kept");
        assert_eq!(store.load_current::<Customer>(&m).unwrap(), vec![customer("C1", "New")]);
    }

    #[test]
    fn corrupt_segment_is_reported_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store")).unwrap();
        let lock = store.lock(true).unwrap();
        let rows = [Stored { seq: 1, void: false, record: customer("C1", "A") }];
        let c = store.commit(&lock, "ingest", vec![], vec![PendingSegment::new(&[rows[0].as_ref()]).unwrap()]).unwrap();
        let seg = store.dir().join(&c.segments[0].file);
        let mut bytes = fs::read(&seg).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0xff;
        fs::write(&seg, bytes).unwrap();
        let err = store.load_current::<Customer>(&store.manifest().unwrap()).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    }

    #[test]
    fn tampered_manifest_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store")).unwrap();
        let path = store.dir().join(MANIFEST);
        let text = fs::read_to_string(&path).unwrap().replace("\"commits\"", "\"commitz\"");
        fs::write(&path, text).unwrap();
        assert!(matches!(store.manifest(), Err(StoreError::Corrupt { .. })));
    }
}
