//! Workbooks through the excel module: whatever `sniff` says the bytes are (xlsx, xlsb, xls,
//! ods, HTML, SpreadsheetML), opened and read row by row; xlsx also streamed.
#![no_main]
mod common;

use arx::ingest::excel::{self, SpreadsheetKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = common::temp_file(data);
    let Ok(Some(kind)) = excel::sniff(file.path()) else {
        let _ = excel::not_a_workbook(file.path());
        return;
    };
    let _ = excel::sheet_names(file.path(), kind);
    if let Ok(sheet) = excel::open(file.path(), kind, None) {
        for (_, row) in sheet.rows().take(100_000) {
            let _ = row;
        }
    }
    if kind == SpreadsheetKind::Xlsx {
        if let Ok(stream) = excel::stream_xlsx(file.path(), None) {
            for _ in stream.take(100_000) {}
        }
    }
});
