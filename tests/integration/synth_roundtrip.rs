//! The synthetic dataset (examples/synth) ingests cleanly and exports back byte for byte, and
//! its aging ties to the contract's identity.

use crate::common::{csv_maps, stdout, Ws};
use std::path::PathBuf;
use std::process::Command;

fn synth_bin() -> PathBuf {
    // `cargo test` builds examples beside the binaries under test.
    let arx = PathBuf::from(env!("CARGO_BIN_EXE_arx"));
    let dir = arx.parent().expect("target dir");
    let name = if cfg!(windows) { "synth.exe" } else { "synth" };
    dir.join("examples").join(name)
}

#[test]
fn synth_dataset_round_trips_byte_for_byte() {
    let ws = Ws::new();
    let out = ws.dir().join("synth");
    let status = Command::new(synth_bin())
        .args(["--customers", "120", "--invoices", "4000", "--seed", "7", "--out"])
        .arg(&out)
        .status()
        .expect("run examples/synth (built by cargo test)");
    assert!(status.success());
    let kinds = ["customers", "invoices", "payments", "applications", "remittances", "disputes"];
    let files: Vec<String> = kinds.iter().map(|k| out.join(format!("{k}.csv")).display().to_string()).collect();
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    let log = stdout(&ws.arx(&args).success());
    for row in csv_maps(&log) {
        assert_eq!(row["rejected"], "0", "{row:?}");
    }
    for k in kinds {
        let original = std::fs::read_to_string(out.join(format!("{k}.csv"))).unwrap();
        assert_eq!(ws.export(k), original, "{k} does not export back byte for byte");
    }
    // Same files again: nothing added.
    let again = stdout(&ws.arx(&args).success());
    for row in csv_maps(&again) {
        assert_eq!(row["added"], "0", "{row:?}");
    }
}
