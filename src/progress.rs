//! Progress on stderr: only on a terminal, never with --quiet/--no-progress.

use indicatif::{ProgressBar, ProgressStyle};

/// A byte-count bar for reading a file, or None when progress is off.
pub fn bytes_bar(enabled: bool, len: u64, label: &str) -> Option<ProgressBar> {
    if !enabled {
        return None;
    }
    let bar = ProgressBar::new(len);
    let style = ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {eta}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(label.to_string());
    Some(bar)
}
