//! Report furniture: subtotal and total rows checked against running sums of the rows they cover, and the export's
//! key date from the title lines.

use super::super::layout::Frame;
use super::super::values;
use super::super::{Overrides, RawRow};
use super::{get, Line, State};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Running sums of the rows a total covers, overall and per currency (SAP prints one total line per currency).
#[derive(Default)]
pub(super) struct Sums {
    all: Sum,
    by_currency: Vec<(String, Sum)>,
}

#[derive(Clone, Copy, Default)]
struct Sum {
    amount: Decimal,
    open: Decimal,
    failed: bool,
}

impl Sum {
    fn add(&mut self, l: &Line) {
        // An overflowing sum (28-digit amounts) can't be checked: treated like a failed row.
        let amount = self.amount.checked_add(l.value.unwrap_or_default());
        let open = self.open.checked_add(l.open_value.unwrap_or_default());
        self.amount = amount.unwrap_or_default();
        self.open = open.unwrap_or_default();
        self.failed |= l.failed || amount.is_none() || open.is_none();
    }
}

impl Sums {
    pub(super) fn add(&mut self, currency: &str, l: &Line) {
        self.all.add(l);
        match self.by_currency.iter_mut().find(|(k, _)| k == currency) {
            Some((_, s)) => s.add(l),
            None => {
                let mut s = Sum::default();
                s.add(l);
                self.by_currency.push((currency.to_string(), s));
            }
        }
    }
}

/// The currency cell of a line, as written (totals are matched to rows by it).
pub(super) fn currency_cell<'l>(f: &Frame, l: &Line<'l>) -> &'l str {
    f.cols.currency.as_ref().map_or("", |col| get(l.cells, col))
}

impl State<'_, '_> {
    /// A total or subtotal row checked against the sums of the rows it covers; a mismatch names the total cell.
    pub(super) fn check_total(&mut self, raw: &RawRow, label: &str, sums: &Sums, what: &str) {
        let (r, c) = (self.r, &self.f.cols);
        let currency = match (&c.currency, r.by_currency) {
            (Some(col), true) => Some(get(&raw.cells, col)).filter(|s| !s.is_empty()),
            _ => None,
        };
        let sum = match currency {
            Some(cur) => sums.by_currency.iter().find(|(k, _)| k == cur).map(|(_, s)| *s).unwrap_or_default(),
            None => sums.all,
        };
        // A row that failed makes any sum meaningless; its own error says what is wrong.
        if sum.failed {
            return;
        }
        let checks = [(r.total_amount, c.amount.as_ref(), sum.amount), (r.total_open, c.open.as_ref(), sum.open)];
        for (on, col, sum) in checks {
            let (true, Some(col)) = (on, col) else { continue };
            let text = get(&raw.cells, col);
            if text.is_empty() {
                continue;
            }
            let total = match values::amount(r, text, self.at.typed_cells) {
                Ok(p) => p.value,
                Err(m) => {
                    let issue = self.at.issue_at(raw.row, col.idx, &col.heading, &format!("the total row's {m}"));
                    self.other.push(issue);
                    continue;
                }
            };
            if sum != total {
                let scale = total.scale().max(sum.normalize().scale());
                let shown = |v: Option<Decimal>| {
                    v.map_or_else(
                        || "more than arx can count".to_string(),
                        |mut v| {
                            v.rescale(scale);
                            v.to_string()
                        },
                    )
                };
                let cur = currency.map(|c| format!(" for {c}")).unwrap_or_default();
                let issue = self.at.issue_at(
                    raw.row,
                    col.idx,
                    &col.heading,
                    &format!(
                        "the '{label}' total{cur} is {text} but {what} add up to {} (off by {}); a row is missing or \
                         was edited — export the report again",
                        shown(Some(sum)),
                        shown(total.checked_sub(sum).map(|d| d.abs()))
                    ),
                );
                self.other.push(issue);
            }
        }
    }

    /// The export's key date: `--as-of`, else the title (the profile's key_date patterns); both must agree.
    pub(super) fn key_date(&mut self, rows: &[RawRow], ov: &Overrides) -> (Option<NaiveDate>, String) {
        let mut title = None;
        'rows: for raw in rows.iter().take(self.f.header_idx) {
            for cell in &raw.cells {
                let cell = cell.trim();
                for re in &self.r.key_date {
                    if let Some(caps) = re.captures(cell) {
                        let text = caps.get(1).or_else(|| caps.get(0)).map_or("", |m| m.as_str());
                        title = Some((raw.row, cell.to_string(), values::key_date(self.r, text)));
                        break 'rows;
                    }
                }
            }
        }
        match (ov.as_of, title) {
            (Some(a), Some((row, cell, Some(d)))) if a != d => {
                self.other.push(self.at.issue_row(
                    row,
                    &format!(
                        "the title says '{cell}' (key date {d}) but --as-of is {a}; the key date is the export's: drop \
                         --as-of or correct it"
                    ),
                ));
                (Some(a), "--as-of".into())
            }
            (Some(a), _) => (Some(a), "--as-of".into()),
            (None, Some((_, cell, Some(d)))) => (Some(d), format!("the title '{cell}'")),
            (None, Some((_, cell, None))) => (None, format!("the title '{cell}' (not a date arx can read)")),
            (None, None) => (None, String::new()),
        }
    }
}
