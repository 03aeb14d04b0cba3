//! Workbook writer: renders report tables into xlsx. Never computes: every number comes from a
//! report. Amounts get their currency's minor units and show negatives in red with a minus;
//! headers are frozen and filterable; widths fit the content; totals are values, not formulas
//! only, so viewers that don't calculate show them. Same report → same bytes: document dates
//! come from the report's as-of date, never the clock.

use crate::money::{to_decimal, Currency};
use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Chart, ChartType, Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};
use std::collections::HashMap;

/// Rows per sheet before a table continues on the next sheet (Excel's limit is 1,048,576).
pub const MAX_SHEET_ROWS: usize = 1_000_000;

/// One cell of a report table as the workbook shows it.
#[derive(Clone, Debug)]
pub enum XCell {
    Text(String),
    Money(i64, Currency),
    Int(i64),
    Date(NaiveDate),
    /// A ratio shown as a percentage (0.25 → 25.0%).
    Percent(Decimal),
    /// A day figure or a percentage figure already ×100, shown with 2 decimals.
    Figure(Decimal),
    Empty,
}

impl XCell {
    /// Whether the column this cell heads is shown right-aligned, as spreadsheets show numbers
    /// and dates (empty cells count: optional numeric columns start empty).
    pub fn right_aligned(&self) -> bool {
        !matches!(self, XCell::Text(_))
    }
}

/// Shared formats, created once per workbook.
pub struct Styles {
    pub title: Format,
    pub subtitle: Format,
    pub header: Format,
    pub header_right: Format,
    pub text: Format,
    pub total_label: Format,
    pub int: Format,
    pub date: Format,
    pub percent: Format,
    pub figure: Format,
    money: HashMap<(u32, bool), Format>,
}

impl Styles {
    pub fn new() -> Styles {
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xDCE6F1))
            .set_border_bottom(FormatBorder::Thin)
            .set_text_wrap();
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            subtitle: Format::new().set_italic().set_font_color(Color::RGB(0x595959)),
            header_right: header.clone().set_align(FormatAlign::Right),
            header: header.set_indent(1),
            // Left-aligned text is indented a little, so it doesn't run into a right-aligned
            // number or date in the column before it.
            text: Format::new().set_indent(1),
            total_label: Format::new().set_bold().set_border_top(FormatBorder::Thin).set_indent(1),
            int: Format::new().set_num_format("#,##0"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            percent: Format::new().set_num_format("0.0%"),
            figure: Format::new().set_num_format("#,##0.00"),
            money: HashMap::new(),
        }
    }

    /// Number format for `currency`: its minor digits, negatives red with a minus sign.
    pub fn money(&mut self, currency: Currency, total: bool) -> &Format {
        let units = currency.minor_units();
        self.money.entry((units, total)).or_insert_with(|| {
            let digits = if units == 0 { String::new() } else { format!(".{}", "0".repeat(units as usize)) };
            let f = Format::new().set_num_format(format!("#,##0{digits};[Red]-#,##0{digits}"));
            if total {
                f.set_bold().set_border_top(FormatBorder::Thin)
            } else {
                f
            }
        })
    }
}

impl Default for Styles {
    fn default() -> Self {
        Styles::new()
    }
}

/// Tracks the widest content per column so widths fit.
pub struct Widths(Vec<usize>);

impl Widths {
    pub fn new(header: &[String]) -> Widths {
        Widths(header.iter().map(|h| h.chars().count().min(18)).collect())
    }

    pub fn see(&mut self, col: usize, cell: &XCell) {
        let w = match cell {
            XCell::Text(t) => t.chars().count(),
            XCell::Money(m, c) => {
                let digits = m.unsigned_abs().to_string().len();
                let int_digits = digits.saturating_sub(c.minor_units() as usize).max(1);
                int_digits + (int_digits - 1) / 3 + c.minor_units() as usize + 2
            }
            XCell::Int(i) => i.unsigned_abs().to_string().len() + 2,
            XCell::Date(_) => 10,
            XCell::Percent(_) => 7,
            XCell::Figure(d) => d.trunc().to_string().len() + 4,
            XCell::Empty => 0,
        };
        if let Some(slot) = self.0.get_mut(col) {
            *slot = (*slot).max(w.min(60));
        }
    }

    pub fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (i, w) in self.0.iter().enumerate() {
            ws.set_column_width(i as u16, (*w as f64 + 3.0).max(8.0))?;
        }
        Ok(())
    }
}

pub fn money_value(minor: i64, currency: Currency) -> f64 {
    to_decimal(minor, currency).to_f64().unwrap_or(0.0)
}

pub fn write_cell(
    ws: &mut Worksheet,
    st: &mut Styles,
    row: u32,
    col: u16,
    cell: &XCell,
    total: bool,
) -> Result<(), XlsxError> {
    match cell {
        XCell::Text(t) if total => return write_text(ws, row, col, t, &st.total_label),
        XCell::Text(t) => return write_text(ws, row, col, t, &st.text),
        XCell::Money(m, c) => {
            let f = st.money(*c, total).clone();
            ws.write_number_with_format(row, col, money_value(*m, *c), &f)?
        }
        XCell::Int(i) => ws.write_number_with_format(row, col, *i as f64, &st.int)?,
        XCell::Date(d) => {
            let dt = excel_date(*d)?;
            ws.write_date_with_format(row, col, &dt, &st.date)?
        }
        XCell::Percent(p) => ws.write_number_with_format(row, col, p.to_f64().unwrap_or(0.0), &st.percent)?,
        XCell::Figure(d) => ws.write_number_with_format(row, col, d.to_f64().unwrap_or(0.0), &st.figure)?,
        XCell::Empty if total => ws.write_blank(row, col, &st.total_label)?,
        XCell::Empty => ws,
    };
    Ok(())
}

/// The one way text goes into a cell of any workbook arx writes: control characters Excel
/// would refuse are dropped; text past Excel's 32,767-character cell limit is cut with a visible
/// `… [truncated, N characters]`; and text a spreadsheet would take for a formula (`=`, `+`,
/// `-`, `@`, also after leading spaces, tabs or line breaks) is a string cell with the quote
/// prefix, so it stays text even when someone edits the cell.
pub fn write_text(ws: &mut Worksheet, row: u32, col: u16, text: &str, format: &Format) -> Result<(), XlsxError> {
    let clean: std::borrow::Cow<'_, str> = if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        text.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect::<String>().into()
    } else {
        text.into()
    };
    let clipped = crate::hostile::clip_for_cell(&clean);
    if crate::hostile::looks_like_formula(&clipped) {
        ws.write_string_with_format(row, col, clipped.as_ref(), &format.clone().set_quote_prefix())?;
    } else {
        ws.write_string_with_format(row, col, clipped.as_ref(), format)?;
    }
    Ok(())
}

pub fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// A table to put on sheets: title lines, header, data rows, total rows under the data.
pub struct SheetTable<'a> {
    pub name: &'a str,
    pub title: &'a [String],
    pub header: Vec<String>,
    pub rows: &'a mut dyn Iterator<Item = Vec<XCell>>,
    pub totals: Vec<Vec<XCell>>,
    /// Columns (from the left) that stay visible when scrolling right.
    pub frozen_cols: u16,
}

/// Writes `table` on one or more sheets (continuing past the row limit); returns the row of
/// the header and the last data row of the first sheet, and the sheet names used.
pub fn write_table(wb: &mut Workbook, st: &mut Styles, table: SheetTable<'_>) -> Result<Vec<String>, XlsxError> {
    let SheetTable { name, title, header, rows, totals, frozen_cols } = table;
    let mut names = Vec::new();
    let mut part = 1;
    let mut rows = rows.peekable();
    loop {
        let sheet_name = if part == 1 { name.to_string() } else { format!("{name} ({part})") };
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(&sheet_name)?;
        let mut r: u32 = 0;
        for (i, line) in title.iter().enumerate() {
            write_text(ws, r, 0, line, if i == 0 { &st.title } else { &st.subtitle })?;
            r += 1;
        }
        if !title.is_empty() {
            r += 1;
        }
        let header_row = r;
        let mut widths = Widths::new(&header);
        let numeric: Vec<bool> = rows.peek().map(|r| r.iter().map(XCell::right_aligned).collect()).unwrap_or_default();
        for (c, h) in header.iter().enumerate() {
            let f = if numeric.get(c).copied().unwrap_or(false) { &st.header_right } else { &st.header };
            write_text(ws, r, c as u16, h, f)?;
        }
        r += 1;
        let mut written = 0usize;
        while written < MAX_SHEET_ROWS {
            let Some(row) = rows.next() else { break };
            for (c, cell) in row.iter().enumerate() {
                widths.see(c, cell);
                write_cell(ws, st, r, c as u16, cell, false)?;
            }
            r += 1;
            written += 1;
        }
        let last_data = r.saturating_sub(1).max(header_row);
        ws.autofilter(header_row, 0, last_data, (header.len().max(1) - 1) as u16)?;
        ws.set_freeze_panes(header_row + 1, frozen_cols)?;
        // Printed: landscape, one page wide, header repeated on every page.
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(header_row, header_row)?;
        let more = rows.peek().is_some();
        if !more && !totals.is_empty() {
            r += 1;
            for row in &totals {
                for (c, cell) in row.iter().enumerate() {
                    widths.see(c, cell);
                    write_cell(ws, st, r, c as u16, cell, true)?;
                }
                r += 1;
            }
        }
        widths.apply(ws)?;
        names.push(sheet_name);
        if !more {
            return Ok(names);
        }
        part += 1;
    }
}

/// Key/value lines and an optional table, for a `Parameters` sheet.
pub fn write_parameters(
    wb: &mut Workbook,
    st: &mut Styles,
    pairs: &[(String, String)],
    table_header: &[&str],
    table: &[Vec<XCell>],
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Parameters")?;
    write_text(ws, 0, 0, "Parameter", &st.header)?;
    write_text(ws, 0, 1, "Value", &st.header)?;
    let plain = Format::new();
    let mut w0 = 12;
    let mut w1 = 12;
    for (i, (k, v)) in pairs.iter().enumerate() {
        write_text(ws, i as u32 + 1, 0, k, &plain)?;
        write_text(ws, i as u32 + 1, 1, v, &plain)?;
        w0 = w0.max(k.chars().count());
        w1 = w1.max(v.chars().count().min(80));
    }
    let mut r = pairs.len() as u32 + 2;
    let mut widths = vec![w0, w1];
    if !table_header.is_empty() {
        for (c, h) in table_header.iter().enumerate() {
            write_text(ws, r, c as u16, h, &st.header)?;
        }
        r += 1;
        for row in table {
            for (c, cell) in row.iter().enumerate() {
                write_cell(ws, st, r, c as u16, cell, false)?;
                if let XCell::Text(t) = cell {
                    if widths.len() <= c {
                        widths.resize(c + 1, 10);
                    }
                    widths[c] = widths[c].max(t.chars().count().min(80));
                }
            }
            r += 1;
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64) + 2.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// Document properties dated from the report's as-of date, so output is reproducible.
pub fn properties(title: &str, company: &str, as_of: NaiveDate) -> Result<DocProperties, XlsxError> {
    let created = excel_date(as_of)?;
    Ok(DocProperties::new().set_title(title).set_company(company).set_author("arx").set_creation_datetime(&created))
}

/// A clustered column chart: one series per row of a table already on `sheet`.
pub fn column_chart(
    sheet: &str,
    title: &str,
    categories: (u32, u16, u16),
    series: &[(String, u32)],
    y_title: &str,
) -> Chart {
    let mut chart = Chart::new(ChartType::Column);
    let (cat_row, first_col, last_col) = categories;
    for (name, row) in series {
        chart
            .add_series()
            .set_name(name.as_str())
            .set_categories((sheet, cat_row, first_col, cat_row, last_col))
            .set_values((sheet, *row, first_col, *row, last_col));
    }
    chart.title().set_name(title);
    chart.y_axis().set_name(y_title);
    chart.set_width(560).set_height(300);
    chart.legend().set_hidden();
    chart
}

/// A line chart over rows `first..=last` of `sheet`: categories from column `cat_col`, one line
/// per (name, column).
pub fn line_chart(
    sheet: &str,
    title: &str,
    rows: (u32, u32),
    cat_col: u16,
    lines: &[(&str, u16)],
    y_title: &str,
) -> Chart {
    let mut chart = Chart::new(ChartType::Line);
    let (first, last) = rows;
    for (name, col) in lines {
        chart
            .add_series()
            .set_name(*name)
            .set_categories((sheet, first, cat_col, last, cat_col))
            .set_values((sheet, first, *col, last, *col));
    }
    chart.title().set_name(title);
    chart.y_axis().set_name(y_title);
    chart.set_width(640).set_height(320);
    chart
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_past_excels_cell_limit_is_cut_with_a_marker_not_an_error() {
        let mut wb = Workbook::new();
        let mut st = Styles::new();
        let long = "N".repeat(40_000);
        let mut rows = vec![vec![XCell::Text(long), XCell::Text("=1+2".into())]].into_iter();
        let table = SheetTable {
            name: "T",
            title: &[],
            header: vec!["a".into(), "b".into()],
            rows: &mut rows,
            totals: Vec::new(),
            frozen_cols: 0,
        };
        write_table(&mut wb, &mut st, table).unwrap();
        let bytes = wb.save_to_buffer().expect("a 40,000-character cell must not fail the workbook");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut xml).unwrap();
        assert!(xml.contains("… [truncated, 40000 characters]"));
    }
}
