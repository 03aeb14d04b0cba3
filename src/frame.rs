//! The only door to polars: canonical records ⇄ typed DataFrames ⇄ Parquet bytes.
//! Nothing is inferred: every column is built from arx's own typed values, and read back by
//! name and type, so a file that does not match the schema is reported, not guessed at.

use crate::model::{Cell, CellReader, CellRef, ColType, Kind, Record};
use chrono::NaiveDate;
use polars::prelude::*;
use std::io::{Cursor, Write};

/// Store bookkeeping columns added beside the record's own.
pub const SEQ_COL: &str = "_seq";
pub const VOID_COL: &str = "_void";

/// One stored version of a record: the commit that wrote it, and whether it voids the key.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored<R> {
    pub seq: u64,
    pub void: bool,
    pub record: R,
}

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("{0}")]
    Polars(#[from] PolarsError),
    #[error("row {row}: {source}")]
    Decode { row: usize, source: crate::model::DecodeError },
    #[error("column '{0}' has an unexpected type")]
    Type(&'static str),
}

const EPOCH_DAYS_FROM_CE: i32 = 719_163;

fn date_to_days(d: NaiveDate) -> i32 {
    chrono::Datelike::num_days_from_ce(&d) - EPOCH_DAYS_FROM_CE
}

fn days_to_date(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(EPOCH_DAYS_FROM_CE)?)
}

/// A borrowed stored version, so frames can be built without cloning millions of records.
#[derive(Clone, Copy, Debug)]
pub struct StoredRef<'a, R> {
    pub seq: u64,
    pub void: bool,
    pub record: &'a R,
}

impl<R> Stored<R> {
    pub fn as_ref(&self) -> StoredRef<'_, R> {
        StoredRef { seq: self.seq, void: self.void, record: &self.record }
    }
}

/// Builds a typed frame of `rows`; with `bookkeeping`, adds `_seq` and `_void` (store segments).
pub fn to_frame<R: Record>(rows: &[StoredRef<'_, R>], bookkeeping: bool) -> Result<DataFrame, FrameError> {
    let kind = R::KIND;
    let mut columns: Vec<Column> = Vec::with_capacity(kind.columns().len() + 2);
    for (i, col) in kind.columns().iter().enumerate() {
        let name: PlSmallStr = col.name.into();
        let series = match col.ty {
            ColType::Text => {
                let values: Vec<Option<&str>> = rows
                    .iter()
                    .map(|r| match r.record.cell(i) {
                        CellRef::Text(t) => t,
                        _ => None,
                    })
                    .collect();
                Series::new(name, values)
            }
            ColType::Date => {
                let values: Vec<Option<i32>> = rows
                    .iter()
                    .map(|r| match r.record.cell(i) {
                        CellRef::Date(d) => d.map(date_to_days),
                        _ => None,
                    })
                    .collect();
                Series::new(name, values).i32()?.clone().into_date().into_series()
            }
            ColType::Money => {
                let values: Vec<Option<i64>> = rows
                    .iter()
                    .map(|r| match r.record.cell(i) {
                        CellRef::Money(m) => m,
                        _ => None,
                    })
                    .collect();
                Series::new(name, values)
            }
        };
        columns.push(series.into_column());
    }
    if bookkeeping {
        let seq: Vec<i64> = rows.iter().map(|r| i64::try_from(r.seq).unwrap_or(i64::MAX)).collect();
        let void: Vec<bool> = rows.iter().map(|r| r.void).collect();
        columns.push(Series::new(SEQ_COL.into(), seq).into_column());
        columns.push(Series::new(VOID_COL.into(), void).into_column());
    }
    Ok(DataFrame::new(rows.len(), columns)?)
}

/// A frame of the canonical columns for export: amounts as exact DECIMAL (scale = the largest
/// minor units among the rows' currencies), dates as DATE, internal columns left out.
pub fn to_export_frame<R: Record>(rows: &[StoredRef<'_, R>], bookkeeping: bool) -> Result<DataFrame, FrameError> {
    let full = to_frame(rows, bookkeeping)?;
    let scale = rows.iter().filter_map(|r| r.record.currency()).map(|c| c.minor_units()).max().unwrap_or(2);
    let mut columns = Vec::new();
    for (i, col) in R::KIND.columns().iter().enumerate().filter(|(_, c)| c.canonical) {
        let column = full.column(col.name)?;
        if col.ty != ColType::Money {
            columns.push(column.clone());
            continue;
        }
        let values: Int128Chunked = rows
            .iter()
            .map(|r| match (r.record.cell(i), r.record.currency()) {
                (CellRef::Money(Some(m)), Some(c)) => Some(i128::from(m) * 10i128.pow(scale - c.minor_units())),
                _ => None,
            })
            .collect_ca(col.name.into());
        columns.push(values.into_series().into_decimal(38, scale as usize)?.into_column());
    }
    if bookkeeping {
        columns.push(full.column(SEQ_COL)?.clone());
        columns.push(full.column(VOID_COL)?.clone());
    }
    Ok(DataFrame::new(rows.len(), columns)?)
}

enum ColumnValues<'a> {
    Text(Box<dyn Iterator<Item = Option<&'a str>> + 'a>),
    Date(Box<dyn Iterator<Item = Option<i32>> + 'a>),
    Money(Box<dyn Iterator<Item = Option<i64>> + 'a>),
}

/// Reads records (with their bookkeeping when present) back from a typed frame.
pub fn from_frame<R: Record>(df: &DataFrame) -> Result<Vec<Stored<R>>, FrameError> {
    let kind: Kind = R::KIND;
    let mut iters: Vec<ColumnValues<'_>> = Vec::with_capacity(kind.columns().len());
    for col in kind.columns() {
        let column = df.column(col.name)?;
        iters.push(match col.ty {
            ColType::Text => ColumnValues::Text(Box::new(column.str().map_err(|_| FrameError::Type(col.name))?.iter())),
            ColType::Date => {
                ColumnValues::Date(Box::new(column.date().map_err(|_| FrameError::Type(col.name))?.phys.iter()))
            }
            ColType::Money => {
                ColumnValues::Money(Box::new(column.i64().map_err(|_| FrameError::Type(col.name))?.iter()))
            }
        });
    }
    let seqs: Option<Vec<Option<i64>>> = match df.column(SEQ_COL) {
        Ok(c) => Some(c.i64().map_err(|_| FrameError::Type(SEQ_COL))?.iter().collect()),
        Err(_) => None,
    };
    let voids: Option<Vec<Option<bool>>> = match df.column(VOID_COL) {
        Ok(c) => Some(c.bool().map_err(|_| FrameError::Type(VOID_COL))?.iter().collect()),
        Err(_) => None,
    };
    let mut out = Vec::with_capacity(df.height());
    let mut cells: Vec<Cell> = Vec::with_capacity(iters.len());
    for row in 0..df.height() {
        cells.clear();
        for it in iters.iter_mut() {
            cells.push(match it {
                ColumnValues::Text(i) => Cell::Text(i.next().flatten().map(str::to_string)),
                ColumnValues::Date(i) => Cell::Date(i.next().flatten().and_then(days_to_date)),
                ColumnValues::Money(i) => Cell::Money(i.next().flatten()),
            });
        }
        let record =
            R::decode(&mut CellReader::new(kind, &mut cells)).map_err(|source| FrameError::Decode { row, source })?;
        let seq = seqs.as_ref().and_then(|s| s[row]).map(|s| s.max(0) as u64).unwrap_or(0);
        let void = voids.as_ref().and_then(|v| v[row]).unwrap_or(false);
        out.push(Stored { seq, void, record });
    }
    Ok(out)
}

/// Rows per frame when writing large segments: bounds the memory of the column buffers.
const WRITE_CHUNK: usize = 1 << 20;

/// Writes records as Parquet in chunks of `WRITE_CHUNK` rows (one row group each), so a
/// ten-million-row segment never needs a ten-million-row frame in memory.
pub fn write_records_parquet<R: Record, W: Write>(rows: &[StoredRef<'_, R>], writer: W) -> Result<(), FrameError> {
    let first = to_frame(&rows[..rows.len().min(WRITE_CHUNK)], true)?;
    let mut batched =
        ParquetWriter::new(writer).with_compression(ParquetCompression::Snappy).batched(first.schema())?;
    batched.write_batch(&first)?;
    drop(first);
    for chunk in rows.chunks(WRITE_CHUNK).skip(1) {
        batched.write_batch(&to_frame(chunk, true)?)?;
    }
    batched.finish()?;
    Ok(())
}

/// Writes `df` as Parquet (snappy: fast, and every Parquet reader has it).
pub fn write_parquet<W: Write>(df: &mut DataFrame, writer: W) -> Result<(), FrameError> {
    ParquetWriter::new(writer).with_compression(ParquetCompression::Snappy).finish(df)?;
    Ok(())
}

/// Reads a Parquet file already in memory (so its checksum was verified first).
pub fn read_parquet(bytes: Vec<u8>) -> Result<DataFrame, FrameError> {
    Ok(ParquetReader::new(Cursor::new(bytes)).finish()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocType, Document};
    use crate::money::Currency;

    #[test]
    fn documents_round_trip_through_parquet() {
        let d = |no: &str, due: Option<NaiveDate>| Stored {
            seq: 3,
            void: no == "B",
            record: Document {
                document_no: no.into(),
                customer_id: "C1".into(),
                doc_date: NaiveDate::from_ymd_opt(1999, 12, 31).unwrap(),
                amount: -12345,
                currency: Currency::parse("EUR").unwrap(),
                doc_type: DocType::CreditNote,
                due_date: due,
                reference: None,
                po_number: Some("PO 7".into()),
            },
        };
        let rows = vec![d("A", None), d("B", NaiveDate::from_ymd_opt(2030, 1, 2))];
        let refs: Vec<StoredRef<'_, Document>> = rows.iter().map(Stored::as_ref).collect();
        let mut df = to_frame(&refs, true).unwrap();
        let mut buf = Vec::new();
        write_parquet(&mut df, &mut buf).unwrap();
        let back: Vec<Stored<Document>> = from_frame(&read_parquet(buf).unwrap()).unwrap();
        assert_eq!(back, rows);
    }
}

/// Single columns of an in-memory Parquet segment, read one at a time so a ten-million-row
/// segment never has more than one column decoded at once.
pub mod columns {
    use super::*;

    fn column(bytes: &[u8], name: &'static str) -> Result<DataFrame, FrameError> {
        Ok(ParquetReader::new(Cursor::new(bytes)).with_columns(Some(vec![name.to_string()])).finish()?)
    }

    /// Calls `f(row, value)` for each value of a text column; `f` may refuse a value.
    pub fn each_str(
        bytes: &[u8],
        name: &'static str,
        mut f: impl FnMut(usize, Option<&str>) -> Result<(), String>,
    ) -> Result<(), FrameError> {
        let df = column(bytes, name)?;
        let ca = df.column(name)?.str().map_err(|_| FrameError::Type(name))?;
        for (i, v) in ca.iter().enumerate() {
            f(i, v).map_err(|message| FrameError::Decode {
                row: i,
                source: crate::model::DecodeError { column: name, message },
            })?;
        }
        Ok(())
    }

    /// A decoded text column, kept so its values can be borrowed (e.g. by several threads).
    pub struct StrColumn {
        df: DataFrame,
        name: &'static str,
    }

    impl StrColumn {
        pub fn values(&self) -> Result<Vec<Option<&str>>, FrameError> {
            Ok(self.df.column(self.name)?.str().map_err(|_| FrameError::Type(self.name))?.iter().collect())
        }
    }

    pub fn strs(bytes: &[u8], name: &'static str) -> Result<StrColumn, FrameError> {
        Ok(StrColumn { df: column(bytes, name)?, name })
    }

    /// Marks a missing date in `days` (4 bytes a row instead of 8 for `Option<i32>`).
    pub const NO_DAY: i32 = i32::MIN;

    fn missing(name: &'static str, row: usize) -> FrameError {
        FrameError::Decode {
            row,
            source: crate::model::DecodeError { column: name, message: "required value is missing".into() },
        }
    }

    /// A date column as day numbers; `NO_DAY` where empty, unless `required`.
    pub fn days(bytes: &[u8], name: &'static str, required: bool) -> Result<Vec<i32>, FrameError> {
        let df = column(bytes, name)?;
        let ca = &df.column(name)?.date().map_err(|_| FrameError::Type(name))?.phys;
        let mut out = Vec::with_capacity(ca.len());
        for (i, v) in ca.iter().enumerate() {
            out.push(match v {
                Some(d) => d,
                None if required => return Err(missing(name, i)),
                None => NO_DAY,
            });
        }
        Ok(out)
    }

    /// A required whole-number column (amounts in minor units).
    pub fn ints(bytes: &[u8], name: &'static str) -> Result<Vec<i64>, FrameError> {
        let df = column(bytes, name)?;
        let ca = df.column(name)?.i64().map_err(|_| FrameError::Type(name))?;
        let mut out = Vec::with_capacity(ca.len());
        for (i, v) in ca.iter().enumerate() {
            out.push(v.ok_or_else(|| missing(name, i))?);
        }
        Ok(out)
    }

    /// The `_void` flags of a store segment.
    pub fn voids(bytes: &[u8]) -> Result<Vec<bool>, FrameError> {
        let df = column(bytes, VOID_COL)?;
        let out = df
            .column(VOID_COL)?
            .bool()
            .map_err(|_| FrameError::Type(VOID_COL))?
            .iter()
            .map(|v| v == Some(true))
            .collect();
        Ok(out)
    }
}
