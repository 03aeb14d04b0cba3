//! Limits on what an input may make arx do (README "Limits and hostile input"): the one home of
//! the checks that keep a small hostile file from taking gigabytes or hanging a cron job.
//!
//! - inputs must be regular files ([`check_input_file`]): a device (`/dev/zero`) never ends and
//!   a named pipe can't be read twice (arx sniffs a file's head before reading it);
//! - a zip (workbook or bank archive) is inflated once, counting, before any reader sees it
//!   ([`check_zip`]): at most [`max_unzipped`] bytes in all, and no member past
//!   [`ZIP_RATIO_FLOOR`] bytes inflating more than [`max_zip_ratio`] times its compressed size;
//!   an xlsx whose `sharedStrings.xml` declares more strings than it can hold is refused (the
//!   workbook reader would reserve memory for the declared count);
//! - a CSV record may be at most [`MAX_RECORD_BYTES`] long, an XML text or tag at most
//!   [`MAX_TEXT_BYTES`].

use std::io::{self, Read};
use std::path::Path;

/// Longest CSV record (bytes from one line end outside quotes to the next): 1 MiB.
pub const MAX_RECORD_BYTES: u64 = 1 << 20;
/// Longest text a bank reader accumulates for one field (camt: the XML between two `<`, a text
/// or a tag with its attributes; BAI2: a detail record's 88 texts): four
/// bytes per character of the longest text field, plus room for markup.
pub const MAX_TEXT_BYTES: u64 = (crate::hostile::MAX_TEXT_CHARS as u64) * 4 + 4096;
/// Default for [`max_unzipped`]: 4 GiB.
pub const DEFAULT_MAX_UNZIPPED: u64 = 4 << 30;
/// Default for [`max_zip_ratio`].
pub const DEFAULT_MAX_ZIP_RATIO: u64 = 200;
/// A zip member is held to the ratio only once it has inflated past this many bytes (1 MiB):
/// small parts of a workbook (styles, an empty sheet) compress far better than 1:200.
pub const ZIP_RATIO_FLOOR: u64 = 1 << 20;
/// Environment variables that raise the zip limits.
pub const ENV_MAX_UNZIPPED: &str = "ARX_MAX_UNZIPPED";
pub const ENV_MAX_ZIP_RATIO: &str = "ARX_MAX_ZIP_RATIO";

/// A size like `4G`, `512M`, `100K` or plain bytes.
fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let (num, mult) = match t.char_indices().last()? {
        (i, 'k' | 'K') => (&t[..i], 1u64 << 10),
        (i, 'm' | 'M') => (&t[..i], 1 << 20),
        (i, 'g' | 'G') => (&t[..i], 1 << 30),
        (i, 't' | 'T') => (&t[..i], 1 << 40),
        _ => (t, 1),
    };
    num.trim().parse::<u64>().ok()?.checked_mul(mult)
}

/// Most bytes all members of one zip may inflate to: `ARX_MAX_UNZIPPED` (`8G`, `500M`, bytes),
/// else 4 GiB.
pub fn max_unzipped() -> u64 {
    std::env::var(ENV_MAX_UNZIPPED).ok().and_then(|v| parse_size(&v)).unwrap_or(DEFAULT_MAX_UNZIPPED)
}

/// Most a zip member may inflate per compressed byte: `ARX_MAX_ZIP_RATIO`, else 200.
pub fn max_zip_ratio() -> u64 {
    std::env::var(ENV_MAX_ZIP_RATIO)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|&r| r > 0)
        .unwrap_or(DEFAULT_MAX_ZIP_RATIO)
}

/// Why `path` is not a file arx reads (a folder, a FIFO, a device, a socket), or None for a
/// regular file. Nothing is opened: opening a FIFO would block.
pub fn check_input_file(path: &Path) -> io::Result<Option<String>> {
    let meta = std::fs::metadata(path)?;
    if meta.is_file() {
        return Ok(None);
    }
    let what = crate::files::describe_type(&meta.file_type());
    Ok(Some(format!(
        "is {what}, not a regular file; arx reads inputs from regular files only (a device or pipe may never end, and \
         arx reads a file's start twice to tell its format). Save the data to a file first (e.g. `cat pipe > file.csv`)"
    )))
}

/// Inflates every member of the zip at `path` once, counting, and refuses it (Err: the message)
/// past the limits. Not a zip, or a damaged one: Ok (the reader says what is wrong).
pub fn check_zip(path: &Path) -> io::Result<Result<(), String>> {
    let Ok(mut archive) = zip::ZipArchive::new(std::fs::File::open(path)?) else { return Ok(Ok(())) };
    let (max_total, ratio) = (max_unzipped(), max_zip_ratio());
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let Ok(mut member) = archive.by_index(i) else { return Ok(Ok(())) };
        let name = member.name().map(|n| n.to_string()).unwrap_or_else(|_| format!("member {}", i + 1));
        let compressed = member.compressed_size().max(1);
        let shared_strings = name == "xl/sharedStrings.xml";
        let mut head = Vec::new();
        let mut size = 0u64;
        loop {
            let n = match member.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(_) => return Ok(Ok(())),
            };
            size += n as u64;
            total += n as u64;
            if shared_strings && head.len() < 4096 {
                head.extend_from_slice(&buf[..n.min(4096 - head.len())]);
            }
            if total > max_total {
                return Ok(Err(format!(
                    "the zip archive inflates to more than {} (limit reached in '{}'); arx refuses it as a possible zip bomb. \
                     If the file is genuine, raise the limit with {ENV_MAX_UNZIPPED}=8G (bytes, or K/M/G)",
                    human(max_total),
                    crate::error::quote_value(&name)
                )));
            }
            if size > ZIP_RATIO_FLOOR && size > compressed.saturating_mul(ratio) {
                return Ok(Err(format!(
                    "'{}' in the zip archive inflates more than {ratio} times its compressed size ({} bytes compressed, \
                     over {} so far); arx refuses it as a possible zip bomb. If the file is genuine, raise the ratio with \
                     {ENV_MAX_ZIP_RATIO}=1000",
                    crate::error::quote_value(&name),
                    compressed,
                    human(size)
                )));
            }
        }
        if shared_strings {
            if let Some(declared) = declared_strings(&head) {
                // Every shared string takes at least `<si/>` (5 bytes).
                if declared > size / 5 + 1 {
                    return Ok(Err(format!(
                        "xl/sharedStrings.xml declares {declared} shared strings, but its {size} bytes can hold at most {}; \
                         the workbook is damaged or forged. Open it in Excel or LibreOffice and save it again",
                        size / 5 + 1
                    )));
                }
            }
        }
    }
    Ok(Ok(()))
}

/// Excel 97-2003's largest sheet: 65,536 rows × 256 columns.
pub const MAX_XLS_CELLS: u64 = 65_536 * 256;

/// Refuses an .xls whose DIMENSIONS records (BIFF 0x0200) declare a sheet past Excel 97-2003's
/// 65,536 × 256 cells, or one that ends before it starts: calamine reserves memory for the
/// declared rows × columns before reading a cell (a forged record makes it ask for petabytes and
/// abort). The records are looked for in the raw bytes (the streams of small files are
/// contiguous; a record split across sectors is not seen, and then calamine's own check applies).
pub fn check_xls(bytes: &[u8]) -> Result<(), String> {
    let le = |b: &[u8]| b.iter().rev().fold(0u64, |acc, &x| acc << 8 | u64::from(x));
    let mut at = 0;
    while let Some(i) = memchr::memmem::find(&bytes[at..], &[0x00, 0x02]) {
        let pos = at + i;
        at = pos + 1;
        let Some(len) = bytes.get(pos + 2..pos + 4).map(le) else { break };
        let Some(body) = bytes.get(pos + 4..pos + 4 + len as usize) else { continue };
        let (rf, rl, mut cf, cl) = match len {
            10 => (le(&body[0..2]), le(&body[2..4]), le(&body[4..6]), le(&body[6..8])),
            14 | 16 => (le(&body[0..4]), le(&body[4..8]), le(&body[8..10]), le(&body[10..12])),
            _ => continue,
        };
        if cf > 0xFF || cl < cf {
            cf = 0;
        }
        if rl == 0 || cl == 0 {
            continue;
        }
        // As calamine computes it: (last − first + 1) rows and columns, wrapping when last < first.
        let rows = (rl - 1).wrapping_sub(rf).wrapping_add(1) & 0xFFFF_FFFF;
        let cols = (cl - 1).wrapping_sub(cf).wrapping_add(1) & 0xFFFF_FFFF;
        if rows.saturating_mul(cols) > MAX_XLS_CELLS {
            return Err(format!(
                "the workbook declares a sheet of {rows} rows × {cols} columns (a DIMENSIONS record at byte {pos}), \
                 past Excel 97-2003's 65536 × 256; the file is damaged or forged. Open it in Excel or LibreOffice and \
                 save it again (as .xlsx)"
            ));
        }
    }
    Ok(())
}

/// Refuses an OLE2 compound file (.xls) whose directory sector chain loops: calamine follows
/// that chain without a bound and grows until the machine runs out of memory (found by the
/// `workbook` fuzz target: a 9.6 KB file took 24 GB). Follows the chain through the FAT as
/// calamine does, at most once per sector in the file.
pub fn check_cfb(bytes: &[u8]) -> Result<(), String> {
    let u32_at = |at: usize| bytes.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let Some(shift) = bytes.get(0x1E..0x20).map(|b| u16::from_le_bytes([b[0], b[1]])) else { return Ok(()) };
    if !(7..=16).contains(&shift) {
        return Ok(()); // calamine refuses it itself
    }
    let size = 1usize << shift;
    let sector = |id: u32| bytes.get((id as usize + 1) * size..(id as usize + 2) * size);
    // FAT sectors: the header's 109 DIFAT entries, then the DIFAT chain.
    let mut fat_ids: Vec<u32> = (0..109).filter_map(|i| u32_at(0x4C + 4 * i)).filter(|&id| id < 0xFFFF_FFFA).collect();
    let mut difat = u32_at(0x44).unwrap_or(0xFFFF_FFFE);
    let mut hops = 0;
    while difat < 0xFFFF_FFFA && hops <= bytes.len() / size {
        let Some(sec) = sector(difat) else { break };
        let ids: Vec<u32> = sec.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        let (last, entries) = ids.split_last().unwrap_or((&0xFFFF_FFFE, &[]));
        fat_ids.extend(entries.iter().copied().filter(|&id| id < 0xFFFF_FFFA));
        difat = *last;
        hops += 1;
    }
    let mut fat: Vec<u32> = Vec::new();
    for id in fat_ids {
        let Some(sec) = sector(id) else { continue };
        fat.extend(sec.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])));
        if fat.len() > bytes.len() {
            break;
        }
    }
    let Some(mut id) = u32_at(0x30) else { return Ok(()) };
    let most = bytes.len() / size + 1;
    for _ in 0..=most {
        if id == 0xFFFF_FFFE {
            return Ok(());
        }
        match fat.get(id as usize) {
            Some(&next) => id = next,
            None => return Ok(()), // calamine reports a sector past the end itself
        }
    }
    Err("the workbook's directory sector chain loops (it is longer than the file); the file is damaged or forged. \
         Open it in Excel or LibreOffice and save it again (as .xlsx)"
        .to_string())
}

/// The largest of `count` and `uniqueCount` on the `<sst>` element, if declared.
fn declared_strings(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let sst = &text[text.find("<sst")?..];
    let tag = &sst[..sst.find('>').unwrap_or(sst.len())];
    let mut most = None;
    for attr in ["count", "uniqueCount"] {
        let mut rest = tag;
        while let Some(at) = rest.find(attr) {
            let before = rest[..at].chars().last();
            rest = &rest[at + attr.len()..];
            if !before.is_some_and(char::is_whitespace) {
                continue;
            }
            let Some(v) = rest.trim_start().strip_prefix('=') else { continue };
            let v = v.trim_start();
            let digits: String = v.get(1..).unwrap_or("").chars().take_while(char::is_ascii_digit).collect();
            let n = digits.parse::<u64>().unwrap_or(u64::MAX);
            most = Some(most.map_or(n, |m: u64| m.max(n)));
        }
    }
    most
}

/// A byte count for messages: `4 GiB`, `512 MiB`, `1234 bytes`.
pub fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_declared_counts() {
        assert_eq!(parse_size("4G"), Some(4 << 30));
        assert_eq!(parse_size("100"), Some(100));
        assert_eq!(parse_size("x"), None);
        assert_eq!(
            declared_strings(br#"<?xml?><sst xmlns="x" count="4000000000" uniqueCount="3">"#),
            Some(4_000_000_000)
        );
        assert_eq!(declared_strings(br#"<sst uniqueCount='7'>"#), Some(7));
        assert_eq!(declared_strings(b"<sst>"), None);
        assert_eq!(human(4 << 30), "4 GiB");
    }

    #[test]
    fn a_looping_cfb_directory_chain_is_refused() {
        // Found by the workbook fuzz target (a 9.6 KB .xls that took 24 GB), reduced: 512-byte
        // sectors, one FAT sector (sector 0) in which the directory's sector 1 points to itself.
        let mut bytes = vec![0u8; 512 * 3];
        bytes[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        bytes[0x1E] = 9; // sector shift
        bytes[0x30..0x34].copy_from_slice(&1u32.to_le_bytes()); // directory starts at sector 1
        bytes[0x44..0x48].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes()); // no DIFAT chain
        for i in 0..109 {
            let v: u32 = if i == 0 { 0 } else { 0xFFFF_FFFF };
            bytes[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
        let fat = 512; // sector 0
        bytes[fat..fat + 4].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes());
        bytes[fat + 4..fat + 8].copy_from_slice(&1u32.to_le_bytes()); // 1 -> 1: a loop
        assert!(check_cfb(&bytes).unwrap_err().contains("loops"));
        bytes[fat + 4..fat + 8].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes()); // 1 -> end
        assert!(check_cfb(&bytes).is_ok());
    }

    #[test]
    fn forged_xls_dimensions_are_refused() {
        // BIFF8 DIMENSIONS: first row 0, last row + 1 = 0xFFFFFFFF, columns 0..256.
        let mut rec = vec![0x00, 0x02, 14, 0];
        rec.extend_from_slice(&0u32.to_le_bytes());
        rec.extend_from_slice(&u32::MAX.to_le_bytes());
        rec.extend_from_slice(&[0, 0, 0, 1, 0, 0]);
        assert!(check_xls(&rec).unwrap_err().contains("4294967295 rows × 256 columns"));
        // Ending before it starts (first row 10, last row + 1 = 5): wraps in calamine.
        let rec = vec![0x00, 0x02, 10, 0, 10, 0, 5, 0, 0, 0, 1, 0, 0, 0];
        assert!(check_xls(&rec).is_err());
        // A full sheet, A1:IV65536, is fine.
        let mut rec = vec![0x00, 0x02, 14, 0];
        rec.extend_from_slice(&0u32.to_le_bytes());
        rec.extend_from_slice(&65_536u32.to_le_bytes());
        rec.extend_from_slice(&[0, 0, 0, 1, 0, 0]);
        assert!(check_xls(&rec).is_ok());
    }
}
