//! Shared by the targets: the fuzz input as a file (the readers take paths, as arx does).
#![allow(dead_code)]

use std::io::Write;

/// `data` written to a fresh temp file; the file lives as long as the returned handle.
pub fn temp_file(data: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(data).expect("write temp file");
    f.flush().expect("flush");
    f
}
