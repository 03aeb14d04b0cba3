//! Dates: ISO (canonical and bank), every profile date style, and style inference.
#![no_main]

use arx::ingest::locale::{self, DateStyle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = arx::dates::parse_iso(text);
    let _ = arx::ingest::canonical::parse_iso_date(text);
    let styles = [
        DateStyle::Iso,
        DateStyle::Dmy('.'),
        DateStyle::Mdy('/'),
        DateStyle::Ymd('-'),
        DateStyle::YmdCompact,
        DateStyle::DMonY('-'),
        DateStyle::ExcelSerial,
    ];
    let _ = locale::parse_date(text, &styles);
    for s in styles {
        let _ = locale::parse_date(text, &[s]);
    }
    let _ = DateStyle::from_spec(text);
    let samples: Vec<&str> = text.split('\n').take(64).collect();
    let _ = locale::infer_date_style(&samples);
});
