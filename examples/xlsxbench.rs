//! Helpers for the Excel ingest benchmark (benches/xlsx.sh).
//!
//! ```text
//! cargo run --release --example xlsxbench -- write ROWS OUT.xlsx   # canonical invoices, one sheet
//! cargo run --release --example xlsxbench -- read FILE.xlsx        # calamine's bare read: every cell
//! cargo run --release --example xlsxbench -- cells FILE.xlsx       # calamine's streaming cell reader
//! ```
//!
//! `write` makes a workbook as Excel would hold an invoice export re-saved: a header row of the
//! canonical invoice columns, document numbers as text (leading zeros), dates as date cells,
//! amounts as number cells, deterministic (a fixed LCG, integer cents). `read` is the peer of
//! `arx ingest FILE.xlsx`: calamine opens the workbook, loads the first sheet and visits every
//! cell, and nothing else.

use calamine::{open_workbook_auto, Data, Reader};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.get(1).map(String::as_str) {
        Some("write") => match (args.get(2).and_then(|n| n.parse::<u32>().ok()), args.get(3)) {
            (Some(rows), Some(out)) => write(rows, out),
            _ => Err("usage: xlsxbench write ROWS OUT.xlsx".into()),
        },
        Some("cells") => match args.get(2) {
            Some(file) => cells(file),
            None => Err("usage: xlsxbench cells FILE.xlsx".into()),
        },
        Some("read") => match args.get(2) {
            Some(file) => read(file),
            None => Err("usage: xlsxbench read FILE.xlsx".into()),
        },
        _ => Err("usage: xlsxbench write ROWS OUT.xlsx | read FILE.xlsx".into()),
    };
    if let Err(e) = result {
        eprintln!("xlsxbench: {e}");
        std::process::exit(2);
    }
}

fn write(rows: u32, out: &str) -> Result<(), String> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let money = Format::new().set_num_format("0.00");
    let ws = wb.add_worksheet_with_constant_memory().map_err(|e| e.to_string())?;
    let header = ["document_no", "customer_id", "doc_date", "amount", "currency", "doc_type", "due_date"];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).map_err(|e| e.to_string())?;
    }
    let mut seed: u64 = 42;
    let mut next = move || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        seed >> 33
    };
    for r in 1..=rows {
        let day = (next() % 700) as u16;
        let (y, m, d) = (2024 + day / 360, 1 + (day % 360) / 30, 1 + day % 28);
        let doc_date = ExcelDateTime::from_ymd(y, m as u8, d as u8).map_err(|e| e.to_string())?;
        let due = ExcelDateTime::from_ymd(y, m as u8, (d + 1).min(28) as u8).map_err(|e| e.to_string())?;
        let cents = 100 + next() % 5_000_000;
        let row = [format!("{r:010}"), format!("C{:05}", next() % 20_000)];
        ws.write_string(r, 0, &row[0]).map_err(|e| e.to_string())?;
        ws.write_string(r, 1, &row[1]).map_err(|e| e.to_string())?;
        ws.write_datetime_with_format(r, 2, &doc_date, &date).map_err(|e| e.to_string())?;
        // Integer cents to the cell's number: the only float here is the cell's own storage.
        let amount = format!("{}.{:02}", cents / 100, cents % 100);
        ws.write_number_with_format(r, 3, amount.parse::<f64>().map_err(|e| e.to_string())?, &money)
            .map_err(|e| e.to_string())?;
        ws.write_string(r, 4, "EUR").map_err(|e| e.to_string())?;
        ws.write_string(r, 5, "invoice").map_err(|e| e.to_string())?;
        ws.write_datetime_with_format(r, 6, &due, &date).map_err(|e| e.to_string())?;
    }
    wb.save(out).map_err(|e| e.to_string())
}

fn read(file: &str) -> Result<(), String> {
    let mut wb = open_workbook_auto(file).map_err(|e| e.to_string())?;
    let name = wb.sheet_names().first().cloned().ok_or("no sheets")?;
    let range = wb.worksheet_range(&name).map_err(|e| e.to_string())?;
    let mut cells = 0u64;
    let mut text = 0u64;
    for row in range.rows() {
        for c in row {
            cells += 1;
            if matches!(c, Data::String(_)) {
                text += 1;
            }
        }
    }
    println!("{cells} cells, {text} text");
    Ok(())
}

fn cells(file: &str) -> Result<(), String> {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(file).map_err(|e: calamine::XlsxError| e.to_string())?;
    let name = wb.sheet_names().first().cloned().ok_or("no sheets")?;
    let mut r = wb.worksheet_cells_reader(&name).map_err(|e| e.to_string())?;
    let mut n = 0u64;
    while let Some(_c) = r.next_cell().map_err(|e| e.to_string())? {
        n += 1;
    }
    println!("{n} cells");
    Ok(())
}
