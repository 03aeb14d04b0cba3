//! Helpers for integration tests that run the real `arx` binary against a throwaway workspace.
//!
//! Each [`Ws`] owns a temporary folder `T` holding an initialised workspace at `T/ws`. Commands
//! run with `T` as their current directory, so input files written with [`Ws::write`] can be passed
//! by their bare names and error messages show exactly those names (`invoices.csv:3:amount: ...`).

#![allow(dead_code)]

use assert_cmd::assert::Assert;
use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The path of a file under the crate's `fixtures/` folder.
pub fn fixture(path: impl AsRef<Path>) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(path)
}

/// A file under `../shared/data/real` (public samples kept beside the checkout, not in it), or
/// None — with a line on stderr saying the test is skipped — on a plain clone without
/// `../shared`. CI has it, so there the tests run.
pub fn shared_real(rel: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/real").join(rel);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("skipped: {} is not here (../shared is not beside this checkout)", path.display());
        None
    }
}

/// The `arx` binary under test, as a plain command: no workspace, no global options, and no
/// `ARX_WORKSPACE` leaking in from the environment the tests run in.
pub fn arx_bin() -> Command {
    let mut cmd = Command::cargo_bin("arx").expect("the arx binary is built for integration tests");
    cmd.env_remove("ARX_WORKSPACE");
    cmd
}

/// Standard error of a finished command, lossily decoded.
pub fn stderr(a: &Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// Standard output of a finished command, lossily decoded.
pub fn stdout(a: &Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

/// Asserts `haystack` contains every one of `needles`, showing the whole text when it does not.
#[track_caller]
pub fn assert_contains(haystack: &str, needles: &[&str]) {
    for n in needles {
        assert!(haystack.contains(n), "expected to find {n:?} in:\n{haystack}");
    }
}

/// Parses CSV text (with a header) into a header and records.
pub fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let header = r.headers().expect("csv header").iter().map(str::to_string).collect();
    let rows = r.records().map(|rec| rec.expect("csv record").iter().map(str::to_string).collect()).collect();
    (header, rows)
}

/// CSV text as one map per record, column name → value.
pub fn csv_maps(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let (header, rows) = parse_csv(text);
    rows.into_iter().map(|row| header.iter().cloned().zip(row).collect()).collect()
}

/// A temporary folder holding an initialised workspace at `<dir>/ws`.
pub struct Ws {
    pub tmp: tempfile::TempDir,
    pub ws: PathBuf,
}

impl Default for Ws {
    fn default() -> Self {
        Ws::new()
    }
}

impl Ws {
    /// Creates the temporary folder and runs `arx init <dir>/ws` in it.
    pub fn new() -> Ws {
        let tmp = tempfile::Builder::new().prefix("arx-it-").tempdir().expect("temp dir");
        let ws = tmp.path().join("ws");
        arx_bin().current_dir(tmp.path()).arg("init").arg(&ws).assert().success();
        assert!(ws.join("arx.toml").is_file(), "arx init did not write arx.toml");
        assert!(ws.join("store").is_dir(), "arx init did not create store/");
        Ws { tmp, ws }
    }

    /// The temporary folder (the current directory of every command).
    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    /// `arx --workspace <ws> --no-progress ARGS...`, run in [`Ws::dir`], not yet executed.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = arx_bin();
        cmd.current_dir(self.dir()).arg("--workspace").arg(&self.ws).arg("--no-progress").args(args);
        cmd
    }

    /// Runs `arx --workspace <ws> --no-progress ARGS...` in [`Ws::dir`].
    pub fn arx(&self, args: &[&str]) -> Assert {
        self.cmd(args).assert()
    }

    /// Writes `contents` to `<dir>/<name>` (creating folders) and returns its full path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent folder");
        }
        std::fs::write(&path, contents).expect("write input file");
        path
    }

    /// Copies `fixtures/<from>` to `<dir>/<to>` and returns the copy's full path.
    pub fn copy_fixture(&self, from: &str, to: &str) -> PathBuf {
        let bytes = std::fs::read(fixture(from)).unwrap_or_else(|e| panic!("reading fixture {from}: {e}"));
        self.write(to, bytes)
    }

    /// Ingests files that must be valid, asserting success.
    pub fn ingest_ok(&self, files: &[&str]) -> Assert {
        let mut args = vec!["ingest"];
        args.extend_from_slice(files);
        self.arx(&args).success()
    }

    /// `arx export KIND` as csv (stdout), asserting success.
    pub fn export(&self, kind: &str) -> String {
        let a = self.arx(&["export", kind, "--format", "csv"]).success();
        stdout(&a)
    }

    /// Every file under `ws/store/` except the `lock` file, sorted by relative path, with its bytes.
    /// Equal snapshots before and after a command prove it wrote nothing to the store.
    pub fn store_snapshot(&self) -> Vec<(String, Vec<u8>)> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
            for entry in std::fs::read_dir(dir).expect("read store folder") {
                let entry = entry.expect("store folder entry");
                let path = entry.path();
                if path.is_dir() {
                    walk(root, &path, out);
                    continue;
                }
                let rel = path.strip_prefix(root).expect("under store").to_string_lossy().replace('\\', "/");
                if rel == "lock" {
                    continue;
                }
                out.push((rel, std::fs::read(&path).expect("read store file")));
            }
        }
        let root = self.ws.join("store");
        let mut out = Vec::new();
        walk(&root, &root, &mut out);
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Paths (relative to `ws/store/`) of the store's segment files.
    pub fn segment_files(&self) -> Vec<String> {
        self.store_snapshot().into_iter().map(|(p, _)| p).filter(|p| p.starts_with("segments/")).collect()
    }
}
