//! Every built-in ERP profile's `map` over the rows of a delimited text (the first byte picks
//! the profile, the rest is the file).
#![no_main]
mod common;

use arx::ingest::profile::{self, Overrides, Profile, Where};
use arx::ingest::source::ReadOptions;
use arx::ingest::table;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let profiles = Profile::builtins();
    let p = &profiles[usize::from(pick) % profiles.len()];
    let file = common::temp_file(rest);
    let Ok(rows) = table::read_text(file.path(), "fuzz.csv", &ReadOptions::default()) else { return };
    let _ = profile::map(p, &rows.rows, &Where::text("fuzz.csv"), &Overrides::default());
});
