//! Amounts: the canonical decimal parser, minor units per currency, and the locale parser in
//! every number style.
#![no_main]

use arx::ingest::locale::{self, NumberStyle};
use arx::money::{self, Currency};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = money::parse_decimal(text);
    let _ = money::parse_plain_decimal(text);
    for code in ["EUR", "JPY", "KWD"] {
        if let Ok(c) = Currency::parse(code) {
            let _ = money::parse_minor(text, c);
        }
    }
    for spec in ["point", "comma", "1 234,56", "1'234.56", "1.234,56", "1,234.56"] {
        if let Some(style) = NumberStyle::from_spec(spec) {
            let _ = locale::parse_amount(text, &style);
        }
    }
    let _ = NumberStyle::from_spec(text);
});
