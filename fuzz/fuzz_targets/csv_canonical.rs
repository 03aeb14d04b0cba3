//! Canonical CSV: the ingest source (encoding and delimiter detection, row numbering, quote
//! tracking) and the canonical parse of every kind.
#![no_main]
mod common;

use arx::ingest::book::Book;
use arx::ingest::canonical::{self, Ctx, Fields, Header};
use arx::ingest::source::{CsvSource, ReadOptions, RowRead};
use arx::model::Kind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = common::temp_file(data);
    let Ok(Ok(mut src)) = CsvSource::open(file.path(), "fuzz.csv", &ReadOptions::default()) else { return };
    let kind = canonical::detect_kind(&src.header).unwrap_or(Kind::Invoices);
    let Ok(header) = Header::map(kind, &src.header, "fuzz.csv") else { return };
    let book = Book::default();
    let ctx = Ctx { book: &book, reporting_currency: None };
    let mut scratch = csv::ByteRecord::new();
    while let Ok(Some(row)) = src.next_row(&mut scratch) {
        let RowRead::Text { line, record } = row else { continue };
        let mut f = Fields { file: "fuzz.csv", line, header: &header, fields: &record, issues: Vec::new() };
        match kind {
            Kind::Customers => drop(canonical::customer(&mut f, &ctx)),
            Kind::Invoices => drop(canonical::document(&mut f, &ctx)),
            Kind::Payments => drop(canonical::payment(&mut f, &ctx)),
            Kind::Applications => drop(canonical::application(&mut f, &ctx)),
            Kind::Remittances => drop(canonical::remittance(&mut f, &ctx)),
            Kind::Disputes => drop(canonical::dispute(&mut f, &ctx)),
            Kind::Gl => drop(canonical::gl(&mut f, &ctx)),
        }
        scratch = record.into_byte_record();
    }
    let _ = src.finish();
});
