//! Kill `arx ingest` at random points of a large commit, many times: the store must always be
//! readable and equal to exactly before or exactly after.

use crate::common::Ws;
use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn big_invoices(n: usize) -> String {
    let mut s =
        String::from("document_no,customer_id,doc_date,amount,currency,doc_type,due_date,reference,po_number\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "INV{i:08},C{:05},2024-{:02}-{:02},{}.{:02},EUR,invoice,2024-12-31,ref {i},",
            i % 5000,
            i % 12 + 1,
            i % 28 + 1,
            100 + i % 9000,
            i % 100
        );
    }
    s
}

fn bin() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_arx"))
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn killed_ingest_leaves_store_before_or_after() {
    let base = Ws::new();
    base.write("seed.csv", "document_no,customer_id,doc_date,amount,currency\nSEED-1,C1,2024-01-01,10.00,EUR\n");
    base.arx(&["ingest", "seed.csv"]).success();
    let before = base.export("invoices");
    let big = base.write("big.csv", big_invoices(60_000));

    // One undisturbed run gives "after" and how long a commit takes.
    let full = tempfile::tempdir().unwrap();
    copy_dir(&base.ws, &full.path().join("ws"));
    let started = Instant::now();
    let ok = Command::new(bin())
        .args(["--workspace", full.path().join("ws").to_str().unwrap(), "--quiet", "ingest", big.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(ok.success());
    let took = started.elapsed();
    let after = Command::new(bin())
        .args(["--workspace", full.path().join("ws").to_str().unwrap(), "export", "invoices"])
        .output()
        .unwrap()
        .stdout;
    let after = String::from_utf8(after).unwrap();
    assert_ne!(before, after);

    let (mut saw_before, mut saw_after) = (0, 0);
    let runs = 16u32;
    for i in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("ws");
        copy_dir(&base.ws, &ws);
        let mut child = Command::new(bin())
            .args(["--workspace", ws.to_str().unwrap(), "--quiet", "ingest", big.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over the whole run, a little past its usual end.
        std::thread::sleep(took.mul_f64(f64::from(i) / f64::from(runs) * 1.1));
        let _ = child.kill();
        let _ = child.wait();
        let out =
            Command::new(bin()).args(["--workspace", ws.to_str().unwrap(), "export", "invoices"]).output().unwrap();
        assert!(out.status.success(), "store unreadable after kill #{i}: {}", String::from_utf8_lossy(&out.stderr));
        let now = String::from_utf8(out.stdout).unwrap();
        if now == before {
            saw_before += 1;
        } else if now == after {
            saw_after += 1;
        } else {
            panic!("kill #{i} left a store that is neither before nor after");
        }
        // The lock died with the process: the next writer gets in, and the result is "after".
        let again = Command::new(bin())
            .args(["--workspace", ws.to_str().unwrap(), "--quiet", "ingest", big.to_str().unwrap()])
            .timeout_status(Duration::from_secs(120));
        assert!(again, "re-ingest after kill #{i} failed");
        let out =
            Command::new(bin()).args(["--workspace", ws.to_str().unwrap(), "export", "invoices"]).output().unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), after);
    }
    assert!(saw_before > 0, "no kill landed before the commit; the test did not test anything");
    eprintln!("crash safety: {saw_before} kills before the commit, {saw_after} after");
}

trait TimeoutStatus {
    fn timeout_status(&mut self, limit: Duration) -> bool;
}

impl TimeoutStatus for Command {
    fn timeout_status(&mut self, limit: Duration) -> bool {
        let mut child = self.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let start = Instant::now();
        loop {
            if let Some(s) = child.try_wait().unwrap() {
                return s.success();
            }
            if start.elapsed() > limit {
                let _ = child.kill();
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
