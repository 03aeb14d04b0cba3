//! Per-cell problems of the rows read: date columns read in one format each, rows whose values sit under the
//! wrong headings reported once as shifted, and at most a few problems shown per column.

use super::super::layout::Col;
use super::super::values::{self, ColumnDates};
use super::super::{FastMap, ProfileIssue, Where};
use super::{get, CellErr, State};
use crate::money::Currency;
use chrono::NaiveDate;

impl State<'_, '_> {
    /// Each date column's values in the one format that reads them (ISO always allowed); per line, per column
    /// (doc_date, due_date, clearing_date). Values that don't read are errors naming a value that does.
    pub(super) fn column_dates(&mut self) -> Vec<Vec<Option<NaiveDate>>> {
        let (r, c, at) = (self.r, &self.f.cols, self.at);
        let fmts = values::formats(r);
        let date_cols = [c.doc_date.as_ref(), c.due_date.as_ref(), c.clearing_date.as_ref()];
        let mut dates: Vec<Vec<Option<NaiveDate>>> = Vec::new();
        for col in date_cols {
            let mut parsed = vec![None; self.lines.len()];
            let Some(col) = col else {
                dates.push(parsed);
                continue;
            };
            // Dates repeat (a year has 365): each distinct text is inferred and read once.
            let mut index: FastMap<&str, usize> = FastMap::default();
            let mut uniq: Vec<(u64, &str)> = Vec::new();
            let mut of_line: Vec<(usize, u64, usize)> = Vec::new();
            for (li, l) in self.lines.iter().enumerate().filter(|(_, l)| l.ignored.is_none()) {
                let v = get(l.cells, col);
                if v.is_empty() {
                    continue;
                }
                let u = *index.entry(v).or_insert_with(|| {
                    uniq.push((l.row, v));
                    uniq.len() - 1
                });
                of_line.push((li, l.row, u));
            }
            let read_any = |v: &str| fmts.iter().find_map(|f| values::read_date(v, *f, at.date1904));
            let (read, bad): (Vec<Option<NaiveDate>>, Vec<(usize, String)>) =
                match values::infer(&fmts, &uniq, at.date1904) {
                    ColumnDates::Format(fmt) => {
                        (uniq.iter().map(|(_, v)| values::read_date(v, fmt, at.date1904)).collect(), vec![])
                    }
                    ColumnDates::Ambiguous(v, a, b) => {
                        self.other.push(ProfileIssue {
                            row: None,
                            column: Some(col.heading.clone()),
                            place: format!("column '{}'", col.heading),
                            message: format!(
                                "dates such as '{v}' read both as {} and as {}; pass --date-format with the one the \
                                 file uses",
                                a.spec(),
                                b.spec()
                            ),
                        });
                        (vec![None; uniq.len()], vec![])
                    }
                    ColumnDates::Bad(bad) => (uniq.iter().map(|(_, v)| read_any(v)).collect(), bad),
                };
            let mut why: Vec<Option<&str>> = vec![None; uniq.len()];
            for (u, msg) in &bad {
                if let Some(w) = why.get_mut(*u) {
                    *w = Some(msg);
                }
            }
            for (li, row, u) in of_line {
                match why.get(u).copied().flatten() {
                    Some(msg) => self.err(li, row, col, msg),
                    None => {
                        if let Some(p) = parsed.get_mut(li) {
                            *p = read.get(u).copied().flatten();
                        }
                    }
                }
            }
            dates.push(parsed);
        }
        dates
    }

    /// A row whose values fit the headings one column to the left (or right) is reported once, as shifted.
    pub(super) fn collapse_shifted(&mut self) {
        let (r, c) = (self.r, &self.f.cols);
        let fmts = values::formats(r);
        #[derive(Clone, Copy)]
        enum Check {
            Type,
            Date,
            Amount,
            Currency,
            Indicator,
        }
        let mut typed: Vec<(usize, Check, bool)> = Vec::new();
        let mut add = |col: &Option<Col>, chk, required| {
            if let Some(col) = col {
                typed.push((col.idx, chk, required));
            }
        };
        add(&c.doc_type, Check::Type, true);
        add(&c.doc_date, Check::Date, true);
        add(&c.due_date, Check::Date, false);
        add(&c.clearing_date, Check::Date, false);
        add(&c.amount, Check::Amount, true);
        add(&c.open, Check::Amount, false);
        add(&c.currency, Check::Currency, false);
        add(&c.indicator, Check::Indicator, false);
        let valid = |chk: Check, text: &str, required: bool| {
            let t = text.trim();
            if t.is_empty() {
                return !required;
            }
            match chk {
                Check::Type => r.code(t).is_some(),
                Check::Date => fmts.iter().any(|f| values::read_date(t, *f, self.at.date1904).is_some()),
                Check::Amount => values::amount(r, t, self.at.typed_cells).is_ok(),
                Check::Currency => Currency::parse(t).is_ok(),
                Check::Indicator => r.p.sign.debit.iter().chain(&r.p.sign.credit).any(|x| x.eq_ignore_ascii_case(t)),
            }
        };
        self.errs.sort_by_key(|e| (e.li, e.col));
        let mut out: Vec<CellErr> = Vec::new();
        let mut errs = std::mem::take(&mut self.errs).into_iter().peekable();
        while let Some(first) = errs.next() {
            let mut row = vec![first];
            while let Some(e) = errs.next_if(|e| row.first().is_some_and(|f| f.li == e.li)) {
                row.push(e);
            }
            let Some(head) = row.first() else { continue };
            let cells = self.lines.get(head.li).map_or(&[][..], |l| l.cells);
            let cell = |i: Option<usize>| i.and_then(|i| cells.get(i)).map_or("", |s| s.as_str());
            let after: Vec<&(usize, Check, bool)> = typed.iter().filter(|(i, _, _)| *i >= head.col).collect();
            let fits = |delta: isize| {
                after.len() >= 2
                    && after.iter().all(|(i, chk, req)| valid(*chk, cell(i.checked_add_signed(delta)), *req))
                    && after.first().is_some_and(|(i, chk, _)| valid(*chk, cell(i.checked_add_signed(delta)), true))
            };
            let shift = if fits(-1) {
                Some("left of their headings (a cell seems to be missing before this column)")
            } else if fits(1) {
                Some("right of their headings (an extra cell seems to be before this column)")
            } else {
                None
            };
            match shift {
                Some(how) => {
                    let mut e = row.swap_remove(0);
                    e.issue.message.push_str(&format!(
                        "; the values on this line look shifted one column {how}: fix the line or export again"
                    ));
                    out.push(e);
                }
                None => out.extend(row),
            }
        }
        self.errs = out;
    }
}

/// At most this many problems are shown per column; the rest are counted, so a file that is wrong on every row
/// doesn't bury the other problems.
const PER_COLUMN: usize = 5;

pub(super) fn per_column(mut errs: Vec<CellErr>, at: &Where) -> Vec<ProfileIssue> {
    errs.sort_by_key(|e| (e.li, e.col));
    let mut shown: Vec<(usize, usize)> = Vec::new();
    let mut rest: Vec<(usize, String, Vec<u64>)> = Vec::new();
    let mut out = Vec::new();
    for e in errs {
        match shown.iter_mut().find(|(c, _)| *c == e.col) {
            Some((_, n)) if *n >= PER_COLUMN => {
                let heading = e.issue.column.clone().unwrap_or_default();
                match rest.iter_mut().find(|(c, _, _)| *c == e.col) {
                    Some((_, _, rows)) => rows.extend(e.issue.row),
                    None => rest.push((e.col, heading, e.issue.row.into_iter().collect())),
                }
            }
            Some((_, n)) => {
                *n += 1;
                out.push(e.issue);
            }
            None => {
                shown.push((e.col, 1));
                out.push(e.issue);
            }
        }
    }
    for (_, heading, rows) in rest {
        let listed: Vec<String> = rows.iter().take(10).map(u64::to_string).collect();
        let more = if rows.len() > 10 { ", …" } else { "" };
        let place = if at.sheet.is_some() { "rows" } else { "lines" };
        out.push(ProfileIssue {
            row: rows.first().copied(),
            column: Some(heading.clone()),
            place: String::new(),
            message: format!(
                "… and {} more problems like these in column '{heading}' ({place} {}{more})",
                rows.len(),
                listed.join(", ")
            ),
        });
    }
    out
}
