//! The "Excel" files that are really markup: HTML tables (NetSuite, QuickBooks and many web ERPs export these
//! as .xls, and Excel's "Web Page" save) and SpreadsheetML 2003 ("XML Spreadsheet 2003"). Both are read into
//! the same sparse cells as the rest of `excel`.

use super::{pick_sheet, CellIssue, Cells, Sheet, SpreadsheetKind, MAX_COL, MAX_ROW};
use calamine::{CellErrorType, Data};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};
use std::borrow::Cow;
use std::path::Path;

const SML_NAMESPACE: &str = "urn:schemas-microsoft-com:office:spreadsheet";

/// Markup kinds from a file's first bytes (see `excel::sniff`).
pub(super) fn sniff_text(head: &[u8]) -> Option<SpreadsheetKind> {
    let text = head_text(head).to_ascii_lowercase();
    let mut t = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\0' || c == '\u{feff}');
    while let Some(rest) = t.strip_prefix("<!--") {
        t = rest.find("-->").map_or("", |i| &rest[i + 3..]).trim_start();
    }
    if ["<?xml", "<?mso-application", "<workbook"].iter().any(|p| t.starts_with(p)) {
        if t.contains(SML_NAMESPACE) {
            return Some(SpreadsheetKind::SpreadsheetMl2003);
        }
        return t.contains("<html").then_some(SpreadsheetKind::Html); // XHTML
    }
    const HTML: [&str; 8] = ["<html", "<table", "<!doctype html", "<head", "<body", "<meta", "<style", "<title"];
    HTML.iter().any(|p| t.starts_with(p)).then_some(SpreadsheetKind::Html)
}

/// UTF-16 without a BOM: ASCII text with every other byte NUL.
pub(super) fn utf16_text(head: &[u8]) -> bool {
    utf16_order(head).is_some()
}

fn utf16_order(head: &[u8]) -> Option<&'static Encoding> {
    match head {
        [0xFF, 0xFE, ..] => Some(UTF_16LE),
        [0xFE, 0xFF, ..] => Some(UTF_16BE),
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => Some(UTF_16LE),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => Some(UTF_16BE),
        _ => None,
    }
}

/// The head decoded well enough to look for markers (lossy; a cut-off character at the end does not matter).
fn head_text(head: &[u8]) -> Cow<'_, str> {
    if let Some((enc, bom)) = Encoding::for_bom(head) {
        return enc.decode_without_bom_handling(&head[bom..]).0;
    }
    match utf16_order(head) {
        Some(enc) => enc.decode_without_bom_handling(head).0,
        None => String::from_utf8_lossy(head),
    }
}

pub(super) fn load(path: &Path, kind: SpreadsheetKind, want: Option<&str>) -> Result<Sheet, CellIssue> {
    let bytes = read(path)?;
    if kind == SpreadsheetKind::Html {
        let text = decode_html(&bytes);
        let name = html_sheet_name(&text, path);
        pick_sheet(std::slice::from_ref(&name), want, 0)?;
        let cells = html_table(&text)?;
        return Ok(Sheet::new(name, kind, false, Cells::Sparse(cells)));
    }
    let book = parse_sml(&decode_xml(&bytes)?)?;
    let name = pick_sheet(&book.names, want, 0)?;
    let index = book.names.iter().position(|n| *n == name).unwrap_or(0);
    let cells = book.sheets.into_iter().nth(index).unwrap_or_default();
    Ok(Sheet::new(name, kind, book.is_1904, Cells::Sparse(cells)))
}

pub(super) fn sheet_names(path: &Path, kind: SpreadsheetKind) -> Result<Vec<String>, CellIssue> {
    let bytes = read(path)?;
    if kind == SpreadsheetKind::Html {
        return Ok(vec![html_sheet_name(&decode_html(&bytes), path)]);
    }
    Ok(parse_sml(&decode_xml(&bytes)?)?.names)
}

fn read(path: &Path) -> Result<Vec<u8>, CellIssue> {
    std::fs::read(path).map_err(|e| CellIssue::file(format!("cannot read the file: {e}")))
}

/// HTML text: BOM, else `<meta charset>`, else UTF-8 when it is valid, else Windows-1252 (Excel's default).
fn decode_html(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        return enc.decode_without_bom_handling(&bytes[bom..]).0.into_owned();
    }
    if let Some(enc) = utf16_order(bytes) {
        return enc.decode_without_bom_handling(bytes).0.into_owned();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let declared = head.find("charset=").and_then(|at| {
        let label: String = head[at + 8..]
            .trim_start_matches(['"', '\'', ' '])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
            .collect();
        Encoding::for_label(label.as_bytes())
    });
    // A meta tag cannot truly declare UTF-16 (it is read as ASCII); browsers take UTF-8 then.
    let enc = declared.map(|e| e.output_encoding());
    match (enc, std::str::from_utf8(bytes)) {
        (Some(enc), _) if enc != UTF_8 => enc.decode_without_bom_handling(bytes).0.into_owned(),
        (_, Ok(text)) => text.to_string(),
        (_, Err(_)) => WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// Excel's HTML names its sheet in `<x:Name>`; other exports have none, so the file name stands in.
fn html_sheet_name(text: &str, path: &Path) -> String {
    let head = &text.as_bytes()[..text.len().min(65_536)];
    let at = find_ci(head, 0, b"<x:name>").map(|at| at + 8);
    let end = at.and_then(|at| find_ci(head, at, b"</x:name>").map(|end| (at, end)));
    let from_tag = end.and_then(|(at, end)| text.get(at..end)).map(|s| collapse(&decode_entities(s)));
    let stem = || path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = from_tag.filter(|n| !n.is_empty()).unwrap_or_else(stem);
    if name.is_empty() {
        "Sheet1".to_string()
    } else {
        name
    }
}

/// The cells of the first `<table>`: a tolerant scan (unclosed cells and rows, stray tags, nested tables, whose
/// text joins the cell they sit in); `<script>`/`<style>` bodies and comments are skipped.
fn html_table(text: &str) -> Result<Vec<(u32, u32, Data)>, CellIssue> {
    let b = text.as_bytes();
    let mut table = Table::default();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            let end = b[i..].iter().position(|&c| c == b'<').map_or(b.len(), |p| i + p);
            table.push_text(&decode_entities(&text[i..end]));
            i = end;
            continue;
        }
        if b[i..].starts_with(b"<!--") {
            i = find_ci(b, i + 4, b"-->").map_or(b.len(), |p| p + 3);
            continue;
        }
        let closing = b.get(i + 1) == Some(&b'/');
        let name_at = i + 1 + usize::from(closing);
        let name_len = b[name_at.min(b.len())..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        if name_len == 0 && !matches!(b.get(i + 1), Some(b'!' | b'?')) {
            table.push_text("<"); // a bare '<' is text
            i += 1;
            continue;
        }
        let end = tag_end(b, name_at + name_len);
        let name = text[name_at..name_at + name_len].to_ascii_lowercase();
        let attrs = &text[name_at + name_len..end];
        i = (end + 1).min(b.len());
        if !closing && (name == "script" || name == "style") {
            i = find_ci(b, i, format!("</{name}").as_bytes()).unwrap_or(b.len());
        } else if table.tag(&name, closing, attrs) {
            break;
        }
    }
    if table.started == 0 {
        return Err(CellIssue::file(
            "the file is HTML but holds no <table>, so there is no data to read; export the report again (as \
             Excel or CSV)",
        ));
    }
    if table.overflow {
        return Err(CellIssue::file(
            "the HTML table is larger than a worksheet (1,048,576 rows by 16,384 columns); split the export",
        ));
    }
    table.end_row();
    table.cells.sort_by_key(|c| (c.0, c.1));
    Ok(table.cells)
}

/// Index of the `>` closing a tag whose attributes start at `from`, skipping quoted values; or the end.
fn tag_end(b: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (i, &c) in b.iter().enumerate().skip(from) {
        match (quote, c) {
            (None, b'"' | b'\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, b'>') => return i,
            _ => {}
        }
    }
    b.len()
}

fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let tail = hay.get(from..)?;
    tail.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle)).map(|p| from + p)
}

#[derive(Default)]
struct Table {
    /// How many `<table>`s have been opened; 0 before the first.
    started: u32,
    /// Nesting inside the first table: 1 = its own rows and cells.
    depth: u32,
    row: Option<u32>,
    next_row: u32,
    col: u32,
    cell: Option<(u32, String, u32, u32)>, // column, text, colspan, rowspan
    /// Per column: the first row no longer covered by a rowspan from above.
    covered: Vec<u32>,
    cells: Vec<(u32, u32, Data)>,
    overflow: bool,
}

impl Table {
    /// Handles one tag; true once the first table has closed.
    fn tag(&mut self, name: &str, closing: bool, attrs: &str) -> bool {
        if name == "table" {
            if closing && self.depth == 1 {
                return true;
            }
            if closing {
                self.depth = self.depth.saturating_sub(1);
            } else {
                self.started += 1;
                self.depth += 1;
                self.push_text(" ");
            }
            return false;
        }
        if self.depth > 1 && matches!(name, "td" | "th" | "tr" | "br" | "p" | "div" | "li") {
            self.push_text(" ");
        }
        if self.depth != 1 {
            return false;
        }
        match (name, closing) {
            ("tr", false) => {
                self.end_row();
                self.start_row();
            }
            ("tr" | "thead" | "tbody" | "tfoot", _) => self.end_row(),
            ("td" | "th", false) => {
                self.end_cell();
                let row = match self.row {
                    Some(row) => row,
                    None => self.start_row(),
                };
                while self.covered.get(self.col as usize).is_some_and(|&until| until > row) {
                    self.col += 1;
                }
                let (colspan, rowspan) = (span(attrs, "colspan", 1000), span(attrs, "rowspan", 65_534));
                self.cell = Some((self.col, String::new(), colspan, rowspan));
                self.col = self.col.saturating_add(colspan);
            }
            ("td" | "th", true) => self.end_cell(),
            ("br" | "p" | "div" | "li", _) => self.push_text(" "),
            _ => {}
        }
        false
    }

    fn push_text(&mut self, text: &str) {
        if let Some(cell) = self.cell.as_mut() {
            cell.1.push_str(text);
        }
    }

    fn start_row(&mut self) -> u32 {
        let row = self.next_row;
        self.row = Some(row);
        self.next_row = row.saturating_add(1);
        self.col = 0;
        row
    }

    fn end_row(&mut self) {
        self.end_cell();
        self.row = None;
    }

    fn end_cell(&mut self) {
        let (Some((col, text, colspan, rowspan)), Some(row)) = (self.cell.take(), self.row) else { return };
        if row > MAX_ROW || col.saturating_add(colspan - 1) > MAX_COL {
            self.overflow = true;
            return;
        }
        if rowspan > 1 {
            let end = (col + colspan) as usize;
            if self.covered.len() < end {
                self.covered.resize(end, 0);
            }
            for until in &mut self.covered[col as usize..end] {
                *until = (*until).max(row.saturating_add(rowspan));
            }
        }
        let text = collapse(&text);
        if !text.is_empty() {
            self.cells.push((row, col, Data::String(text)));
        }
    }
}

/// A colspan/rowspan value, 1 when absent or invalid, capped as HTML caps it.
fn span(attrs: &str, key: &str, max: u32) -> u32 {
    attr(attrs, key).and_then(|v| v.trim().parse::<u32>().ok()).map_or(1, |n| n.clamp(1, max))
}

/// An attribute's raw value from a tag's attribute text (`name=value`, `name="v"`, `name='v'`).
fn attr<'a>(attrs: &'a str, key: &str) -> Option<&'a str> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        let name_len = rest.find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/').unwrap_or(rest.len());
        if name_len == 0 {
            return None;
        }
        let (name, after) = rest.split_at(name_len);
        let after = after.trim_start();
        let Some(value) = after.strip_prefix('=') else {
            rest = after;
            continue;
        };
        let value = value.trim_start();
        let (found, next) = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split_once(q).unwrap_or((&value[1..], "")),
            _ => value.split_at(value.find(|c: char| c.is_ascii_whitespace()).unwrap_or(value.len())),
        };
        if name.eq_ignore_ascii_case(key) {
            return Some(found);
        }
        rest = next;
    }
}

/// HTML whitespace runs → one space, trimmed (no-break spaces trimmed at the ends too: a cell of `&nbsp;` is empty).
fn collapse(text: &str) -> String {
    let words = text.split([' ', '\t', '\n', '\r', '\x0c']).filter(|w| !w.is_empty());
    let joined = words.collect::<Vec<_>>().join(" ");
    joined.trim_matches([' ', '\u{a0}']).to_string()
}

/// Latin-1 entity names, in code point order from U+00A0.
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf", "laquo", "not", "shy",
    "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot", "cedil", "sup1", "ordm",
    "raquo", "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig",
    "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve",
    "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN",
    "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc",
    "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml",
    "divide", "oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
];

/// A named or numeric entity (without `&` and `;`); None leaves it as written.
fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        // HTML reads &#128;–&#159; as Windows-1252, which is what the exporting program meant.
        if let Ok(byte @ 0x80..=0x9f) = u8::try_from(code) {
            return WINDOWS_1252.decode_without_bom_handling(&[byte]).0.chars().next();
        }
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "euro" => '€',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "sbquo" => '‚',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "hellip" => '…',
        "bull" => '•',
        "trade" => '™',
        "minus" => '−',
        "thinsp" => '\u{2009}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        _ => return LATIN1.iter().position(|&n| n == name).and_then(|i| char::from_u32(0xA0 + i as u32)),
    };
    Some(c)
}

pub(super) fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let resolved = rest.get(1..rest.len().min(34)).and_then(|s| s.find(';')).and_then(|semi| {
            let c = entity(&rest[1..semi + 1])?;
            Some((c, semi + 2))
        });
        match resolved {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// XML text: BOM, else the declaration's encoding, else UTF-8; bytes that do not decode are an error (XML
/// must be well-formed, and a wrong character in a name or amount must not slip through).
fn decode_xml(bytes: &[u8]) -> Result<String, CellIssue> {
    let (enc, body) = match Encoding::for_bom(bytes) {
        Some((enc, bom)) => (enc, &bytes[bom..]),
        None => {
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
            let label = head.split_once("encoding=").and_then(|(_, rest)| {
                let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
                rest[1..].split_once(quote).map(|(label, _)| label.to_string())
            });
            let enc = label.and_then(|l| Encoding::for_label(l.as_bytes())).map_or(UTF_8, |e| e.output_encoding());
            (enc, bytes)
        }
    };
    enc.decode_without_bom_handling_and_without_replacement(body).map(Cow::into_owned).ok_or_else(|| {
        CellIssue::file(format!(
            "the XML Spreadsheet file is not valid {} text; save it again from Excel as XML Spreadsheet 2003 or .xlsx",
            enc.name()
        ))
    })
}

#[derive(Default)]
struct SmlBook {
    names: Vec<String>,
    sheets: Vec<Vec<(u32, u32, Data)>>,
    is_1904: bool,
}

/// Worksheet/Table/Row/Cell/Data, positioned by ss:Index (1-based, skipping ahead), ss:MergeAcross and Row's
/// ss:Span; a cell's comment (which also holds Data) is ignored.
fn parse_sml(text: &str) -> Result<SmlBook, CellIssue> {
    let mut reader = Reader::from_str(text);
    let mut book = SmlBook::default();
    let mut sheet: Option<Vec<(u32, u32, Data)>> = None;
    let (mut next_row, mut row, mut next_col) = (0u32, 0u32, 0u32);
    let mut cell: Option<(u32, u32)> = None;
    let mut data: Option<(String, String)> = None; // ss:Type, text
    let (mut in_comment, mut closed) = (false, false);
    let fail = |pos: u64, what: String| {
        let line = text.as_bytes().iter().take(pos as usize).filter(|&&b| b == b'\n').count() + 1;
        CellIssue::file(format!(
            "the XML Spreadsheet file is malformed at line {line}: {what}; export it again (or open it in Excel and \
             save it as .xlsx)"
        ))
    };
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event().map_err(|e| fail(reader.error_position(), e.to_string()))?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            let value = |key: &str| {
                let a = e.attributes().flatten().find(|a| a.key.local_name().as_ref() == key)?;
                a.normalized_value(XmlVersion::Implicit1_0).ok().map(Cow::into_owned)
            };
            let index = |key: &str, max: u32| -> Result<Option<u32>, CellIssue> {
                let Some(v) = value(key) else { return Ok(None) };
                match v.trim().parse::<u32>() {
                    Ok(n) if n >= 1 && n - 1 <= max => Ok(Some(n - 1)),
                    _ => Err(fail(pos, format!("ss:{} = \"{v}\" is not a position inside a worksheet", key))),
                }
            };
            match e.local_name().as_ref() {
                "Date1904" => book.is_1904 = true,
                "Worksheet" => {
                    book.names.push(value("Name").unwrap_or_else(|| format!("Sheet{}", book.names.len() + 1)));
                    (next_row, next_col) = (0, 0);
                    if empty {
                        book.sheets.push(Vec::new());
                    } else {
                        sheet = Some(Vec::new());
                    }
                }
                "Row" if sheet.is_some() => {
                    row = index("Index", MAX_ROW)?.unwrap_or(next_row);
                    let repeat = value("Span").and_then(|s| s.trim().parse::<u32>().ok()).unwrap_or(0);
                    next_row = row.saturating_add(1).saturating_add(repeat);
                    next_col = 0;
                    if row > MAX_ROW {
                        return Err(fail(pos, "more rows than a worksheet holds (1,048,576)".to_string()));
                    }
                }
                "Cell" if sheet.is_some() => {
                    let col = index("Index", MAX_COL)?.unwrap_or(next_col);
                    if col > MAX_COL {
                        return Err(fail(pos, "more columns than a worksheet holds (16,384)".to_string()));
                    }
                    let merged = value("MergeAcross").and_then(|s| s.trim().parse::<u32>().ok()).unwrap_or(0);
                    next_col = col.saturating_add(1).saturating_add(merged);
                    cell = Some((row, col));
                }
                "Comment" if !empty => in_comment = true,
                "Data" if !empty && !in_comment && cell.is_some() => {
                    data = Some((value("Type").unwrap_or_default(), String::new()));
                }
                _ => {}
            }
        }
        match event {
            Event::End(e) => match e.local_name().as_ref() {
                "Data" if !in_comment => {
                    if let (Some((ty, text)), Some((r, c)), Some(cells)) = (data.take(), cell, sheet.as_mut()) {
                        let value = sml_value(&ty, text);
                        if value != Data::Empty {
                            cells.push((r, c, value));
                        }
                    }
                }
                "Comment" => in_comment = false,
                "Cell" => cell = None,
                "Worksheet" => book.sheets.push(sheet.take().unwrap_or_default()),
                "Workbook" => closed = true,
                _ => {}
            },
            Event::Text(t) => push(&mut data, &t.xml10_content()),
            Event::CData(t) => push(&mut data, &t.into_inner()),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => entity(&r.xml10_content()),
                };
                match resolved {
                    Some(c) => push(&mut data, c.encode_utf8(&mut [0; 4])),
                    None => push(&mut data, &format!("&{};", r.xml10_content())),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !closed {
        return Err(fail(text.len() as u64, "the file ends before </Workbook> (it was cut short)".to_string()));
    }
    for cells in &mut book.sheets {
        cells.sort_by_key(|c| (c.0, c.1)); // stable: of two cells at one place the later wins below
        cells.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0 && later.1 == earlier.1;
            if same {
                std::mem::swap(later, earlier);
            }
            same
        });
    }
    Ok(book)
}

fn push(data: &mut Option<(String, String)>, text: &str) {
    if let Some((_, buf)) = data.as_mut() {
        buf.push_str(text);
    }
}

fn sml_value(ty: &str, text: String) -> Data {
    let t = text.trim();
    match ty {
        "Number" => t.parse::<f64>().map_or(Data::String(text), Data::Float),
        "DateTime" if !t.is_empty() => Data::DateTimeIso(t.to_string()),
        "Boolean" if t == "1" || t.eq_ignore_ascii_case("true") => Data::Bool(true),
        "Boolean" if t == "0" || t.eq_ignore_ascii_case("false") => Data::Bool(false),
        "Error" => match t {
            "#N/A" => Data::Error(CellErrorType::NA),
            "#DIV/0!" => Data::Error(CellErrorType::Div0),
            "#VALUE!" => Data::Error(CellErrorType::Value),
            "#REF!" => Data::Error(CellErrorType::Ref),
            "#NAME?" => Data::Error(CellErrorType::Name),
            "#NUM!" => Data::Error(CellErrorType::Num),
            "#NULL!" => Data::Error(CellErrorType::Null),
            _ => Data::String(text),
        },
        _ if text.is_empty() => Data::Empty,
        _ => Data::String(text),
    }
}
