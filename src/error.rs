//! Library errors and the exit codes they map to (CONTRACT.md §1).

use std::fmt;

/// One problem in an input file, located as precisely as the reader knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub file: String,
    /// 1-based line of the record in the file (the header is line 1).
    pub row: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

impl Issue {
    pub fn new(file: &str, row: Option<u64>, column: Option<&str>, message: impl Into<String>) -> Issue {
        Issue { file: file.to_string(), row, column: column.map(str::to_string), message: message.into() }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Everything here may come from a file: a message must neither flood the terminal with
        // a 1 GB value nor let an escape sequence in a value clear the screen.
        write!(f, "{}", printable(&self.file, MAX_MESSAGE_CHARS))?;
        if let Some(r) = self.row {
            write!(f, ":{r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ":{}", printable(c, MAX_QUOTED_CHARS))?;
        }
        write!(f, ": {}", printable(&self.message, MAX_MESSAGE_CHARS))
    }
}

/// At most this many characters of a value from a file are quoted in a message.
pub const MAX_QUOTED_CHARS: usize = 100;
/// A whole message is cut after this many characters (a safety net; values are clipped first).
pub const MAX_MESSAGE_CHARS: usize = 1_000;

/// `text` as it may be shown on a terminal: control and format characters (ESC, BEL, bidi
/// overrides, zero-width spaces…) written as `\u{1b}`, and cut after `max` characters with an
/// ellipsis saying how much was left out.
pub fn printable(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max + 16));
    for (shown, (i, c)) in text.char_indices().enumerate() {
        if shown >= max {
            let rest = text[i..].chars().count();
            out.push_str(&format!("… ({rest} more characters)"));
            break;
        }
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || is_format_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A value from a file, quoted for a message: clipped to [`MAX_QUOTED_CHARS`], control
/// characters escaped.
pub fn quote_value(text: &str) -> String {
    printable(text, MAX_QUOTED_CHARS)
}

/// Unicode format characters (category Cf) that show as nothing or reorder text: zero-width
/// spaces and joiners, bidi marks, embeddings, overrides and isolates, the BOM, the soft hyphen,
/// the word joiner and invisible operators, interlinear annotation and tag characters.
pub fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}' | '\u{180e}'
        | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}' | '\u{110bd}'
        | '\u{1d173}'..='\u{1d17a}' | '\u{e0001}' | '\u{e0020}'..='\u{e007f}')
}

/// The kind of a problem, for counting: its column and its message up to the first quoted value
/// or number (`amount: is not a number`).
pub fn issue_kind(issue: &Issue) -> String {
    let head: String =
        issue.message.chars().take_while(|c| !matches!(c, '\'' | '"' | '0'..='9' | '(')).take(80).collect();
    format!("{}: {}", issue.column.as_deref().unwrap_or("(row)"), head.trim().trim_end_matches([',', ';', ':']))
}

/// How many problems are printed before the rest are counted only.
pub const MAX_SHOWN_ISSUES: usize = 100;

/// Invalid input data: every problem found (printing is capped), nothing written.
#[derive(Debug)]
pub struct InputErrors {
    /// The problems kept to show (at most about [`MAX_SHOWN_ISSUES`] per file).
    pub issues: Vec<Issue>,
    /// Whether `--skip-invalid` could help (not for a file that can't be read at all).
    pub rows: bool,
    /// Problems found beyond `issues` (counted, not kept: a million bad rows must not take a
    /// gigabyte), and how many problems there were of each kind (`column: message`).
    pub more: u64,
    pub kinds: Vec<(String, u64)>,
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for issue in self.issues.iter().take(MAX_SHOWN_ISSUES) {
            writeln!(f, "{issue}")?;
        }
        let n = self.issues.len() as u64 + self.more;
        if n > MAX_SHOWN_ISSUES as u64 {
            writeln!(f, "... and {} more problems", n - (self.issues.len().min(MAX_SHOWN_ISSUES) as u64))?;
            if !self.kinds.is_empty() {
                writeln!(f, "problems by kind:")?;
                for (kind, count) in self.kinds.iter().take(MAX_SHOWN_ISSUES) {
                    writeln!(f, "  {count} × {}", printable(kind, MAX_MESSAGE_CHARS))?;
                }
            }
        }
        let s = if n == 1 { "" } else { "s" };
        if self.rows {
            write!(
                f,
                "arx: error: {n} problem{s} found; nothing was written (fix the input, or use --skip-invalid to commit the valid rows and write the rest to a rejects file)"
            )
        } else {
            write!(f, "arx: error: {n} problem{s} found; nothing was written (fix or replace the file)")
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ArxError {
    /// Bad command line or configuration (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Invalid input data; nothing was written (exit 3).
    #[error("{0}")]
    Input(InputErrors),
    /// A `--strict` check failed (exit 4).
    #[error("{0}")]
    CheckFailed(String),
    /// I/O, a corrupt store, or a bug (exit 1).
    #[error(transparent)]
    Runtime(#[from] anyhow::Error),
}

impl ArxError {
    pub fn exit_code(&self) -> i32 {
        match self {
            ArxError::Runtime(_) => 1,
            ArxError::Usage(_) => 2,
            ArxError::Input(_) => 3,
            ArxError::CheckFailed(_) => 4,
        }
    }

    /// A write to stdout failed because the reader went away (`arx export | head -1`): not an error.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            ArxError::Runtime(err) => err.chain().any(|cause| {
                cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
                    || cause.downcast_ref::<csv::Error>().is_some_and(
                        |c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe),
                    )
            }),
            _ => false,
        }
    }

    pub fn input(issues: Vec<Issue>) -> ArxError {
        ArxError::Input(InputErrors { issues, rows: true, more: 0, kinds: Vec::new() })
    }

    /// Input errors about whole files (unreadable structure), where skipping rows can't help.
    pub fn unreadable(issues: Vec<Issue>) -> ArxError {
        ArxError::Input(InputErrors { issues, rows: false, more: 0, kinds: Vec::new() })
    }

    /// Row problems of which only some were kept: `more` were counted, `kinds` count them all by kind.
    pub fn input_counted(issues: Vec<Issue>, more: u64, kinds: Vec<(String, u64)>) -> ArxError {
        ArxError::Input(InputErrors { issues, rows: true, more, kinds })
    }

    pub fn one_input(file: &str, row: Option<u64>, column: Option<&str>, message: impl Into<String>) -> ArxError {
        ArxError::input(vec![Issue::new(file, row, column, message)])
    }
}

impl From<crate::store::StoreError> for ArxError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::Refused(f) => f.into(),
            e => ArxError::Runtime(anyhow::Error::new(e)),
        }
    }
}

pub type Result<T, E = ArxError> = std::result::Result<T, E>;
