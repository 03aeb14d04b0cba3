//! The mt940 reader on arbitrary bytes: an error or entries, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut input: &[u8] = data;
    let mut entries = 0u64;
    let _ = arx::bank::mt940::parse(&mut input, &mut |_, _| entries += 1);
});
