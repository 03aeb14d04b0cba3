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
        write!(f, "{}", self.file)?;
        if let Some(r) = self.row {
            write!(f, ":{r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ":{c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// How many problems are printed before the rest are counted only.
pub const MAX_SHOWN_ISSUES: usize = 100;

/// Invalid input data: every problem found (printing is capped), nothing written.
#[derive(Debug)]
pub struct InputErrors {
    pub issues: Vec<Issue>,
    /// Whether `--skip-invalid` could help (not for a file that can't be read at all).
    pub rows: bool,
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for issue in self.issues.iter().take(MAX_SHOWN_ISSUES) {
            writeln!(f, "{issue}")?;
        }
        if self.issues.len() > MAX_SHOWN_ISSUES {
            writeln!(f, "... and {} more problems", self.issues.len() - MAX_SHOWN_ISSUES)?;
        }
        let n = self.issues.len();
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

    pub fn input(issues: Vec<Issue>) -> ArxError {
        ArxError::Input(InputErrors { issues, rows: true })
    }

    /// Input errors about whole files (unreadable structure), where skipping rows can't help.
    pub fn unreadable(issues: Vec<Issue>) -> ArxError {
        ArxError::Input(InputErrors { issues, rows: false })
    }

    pub fn one_input(file: &str, row: Option<u64>, column: Option<&str>, message: impl Into<String>) -> ArxError {
        ArxError::input(vec![Issue::new(file, row, column, message)])
    }
}

impl From<crate::store::StoreError> for ArxError {
    fn from(e: crate::store::StoreError) -> Self {
        ArxError::Runtime(anyhow::Error::new(e))
    }
}

pub type Result<T, E = ArxError> = std::result::Result<T, E>;
