//! Writers for plain result tables: aligned text for people, csv and json for scripts.
//! Writers never compute: they print the values they are given.

use std::io::{self, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// One value of a result table.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    /// A whole number (counts, sizes); a json number.
    Int(i64),
    /// An exact amount already formatted by `money`; a json string, right-aligned in tables.
    Amount(String),
    Null,
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Text(s) | Value::Amount(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Null => String::new(),
        }
    }
    fn right_aligned(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Amount(_))
    }
    fn json(&self) -> serde_json::Value {
        match self {
            Value::Text(s) | Value::Amount(s) => serde_json::Value::String(s.clone()),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Null => serde_json::Value::Null,
        }
    }
}

pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    pub fn new(columns: &[&str]) -> Table {
        Table { columns: columns.iter().map(|c| c.to_string()).collect(), rows: Vec::new() }
    }

    pub fn write(&self, format: Format, out: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Csv => self.write_csv(out),
            Format::Json => self.write_json(out),
            Format::Table => self.write_aligned(out),
        }
    }

    /// CSV for spreadsheets and scripts alike: text from inputs that a spreadsheet would run as
    /// a formula is neutralised (`"'=…"`, see `hostile::write_csv_record`); amounts never are.
    fn write_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut buf = Vec::with_capacity(64 * 1024);
        crate::hostile::write_csv_record(&mut buf, self.columns.iter().map(|c| (c.as_str(), false)));
        for row in &self.rows {
            let texts: Vec<String> = row.iter().map(Value::text).collect();
            crate::hostile::write_csv_record(
                &mut buf,
                texts.iter().zip(row).map(|(t, v)| (t.as_str(), matches!(v, Value::Text(_)))),
            );
            if buf.len() >= 60 * 1024 {
                out.write_all(&buf)?;
                buf.clear();
            }
        }
        out.write_all(&buf)?;
        out.flush()
    }

    fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        let rows: Vec<serde_json::Map<String, serde_json::Value>> = self
            .rows
            .iter()
            .map(|row| self.columns.iter().cloned().zip(row.iter().map(Value::json)).collect())
            .collect();
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        writeln!(out)
    }

    fn write_aligned(&self, out: &mut dyn Write) -> io::Result<()> {
        let cells: Vec<Vec<String>> =
            self.rows.iter().map(|r| r.iter().map(|v| sanitize(&v.text())).collect()).collect();
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        for row in &cells {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        // A column of numbers is right-aligned even where some values are empty.
        let right: Vec<bool> = (0..self.columns.len())
            .map(|i| self.rows.iter().any(|r| r.get(i).is_some_and(Value::right_aligned)))
            .collect();
        let line = |out: &mut dyn Write, items: &[String]| -> io::Result<()> {
            let parts: Vec<String> = items
                .iter()
                .zip(&widths)
                .zip(&right)
                .map(|((s, w), r)| if *r { format!("{s:>w$}") } else { format!("{s:<w$}") })
                .collect();
            writeln!(out, "{}", parts.join("  ").trim_end())
        };
        line(out, &self.columns)?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        line(out, &rule)?;
        for row in &cells {
            line(out, row)?;
        }
        Ok(())
    }
}

/// Keeps control characters (e.g. from a hostile file) out of the terminal.
fn sanitize(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}
