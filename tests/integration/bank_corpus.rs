//! The independent bank-statement corpus (`fixtures/corpus/bank/`): real statement files from
//! other open-source parsers' test suites, with figures from an independent peer reader
//! (`expected.csv`). The files themselves are not in this repository: they are read from the
//! folder named by `ARX_BANK_CORPUS`, else `../shared/data/real/bank/corpus`, as
//! `DIR/{camt,mt940,bai2}/NAME` or `DIR/NAME`; without the folder the test says so and passes.
//!
//! For every file: `verdict=read` → `arx ingest` exits 0 and its figures match the peer's exactly;
//! `verdict=refuse` → exit 3 and the store is untouched.
//!
//! The comparison, per currency, in exact decimals (no floats): every entry of a statement ends up
//! in exactly one of arx's piles — a payment (positive: a credit received; negative: a customer's
//! payment returned), a debit set aside, a credit set aside because it returns one of our own
//! payments, or an entry repeated by an overlapping statement (counted once). The peer counts every
//! entry once, with its direction, and separately the returns. So:
//! - Σ positive payments + credits returning our payments + repeated credits = peer `credit_total`;
//! - Σ |negative payments| + debits set aside + repeated debits = peer `debit_total`;
//! - Σ |negative payments| = peer `debit_returns_total` and credits returning our payments = peer
//!   `credit_returns_total`, when no entry was repeated (a repeat is not classified by arx).
//!   Payments come from `arx export payments`; the set-aside piles from the ingest summary on stderr.

use crate::common::{csv_maps, Ws};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A decimal as an exact integer of 10^-6 units ("1,234.5" → 1_234_500_000).
fn micros(text: &str) -> i128 {
    let t = text.trim().replace(',', "");
    let (neg, t) = t.strip_prefix('-').map_or((false, t.as_str()), |r| (true, r));
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    assert!(frac.len() <= 6, "too many decimals in {text:?}");
    let v: i128 = format!("{int}{frac:0<6}").parse().unwrap_or_else(|_| panic!("not a decimal: {text:?}"));
    if neg {
        -v
    } else {
        v
    }
}

/// "1,234.00 EUR, 5 JPY" → [(EUR, 1234.00), (JPY, 5)].
fn amounts(list: &str) -> Vec<(String, i128)> {
    list.split(", ")
        .filter_map(|p| p.trim().rsplit_once(' '))
        .filter(|(_, c)| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
        .map(|(a, c)| (c.to_string(), micros(a)))
        .collect()
}

/// The text inside the parentheses that open right after `marker` in `line`.
fn inside<'l>(line: &'l str, marker: &str) -> Option<&'l str> {
    let start = line.find(marker)? + marker.len();
    let rest = line.get(start..)?;
    let open = rest.find('(')?;
    let close = rest.get(open..)?.find(')')? + open;
    rest.get(open + 1..close)
}

/// Peer figures per currency: credit total, debit total, credit returns, debit returns.
type PeerFigures = BTreeMap<String, [i128; 4]>;

#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
struct Piles {
    received: i128,
    returned: i128,
    debits: i128,
    ours_returned: i128,
    repeated_credits: i128,
    repeated_debits: i128,
}

/// The set-aside piles per currency from the ingest summary line.
fn summary_piles(err: &str, piles: &mut BTreeMap<String, Piles>) {
    let Some(line) = err.lines().find(|l| l.contains(" received (")) else { return };
    let mut add = |list: Option<&str>, f: fn(&mut Piles) -> &mut i128| {
        for (c, v) in amounts(list.unwrap_or("")) {
            *f(piles.entry(c).or_default()) += v;
        }
    };
    add(inside(line, "not ingested").map(|t| t.trim_start_matches("not receivables cash: ")), |p| &mut p.debits);
    add(inside(line, "reversing our own debits"), |p| &mut p.ours_returned);
    if let Some(rep) = inside(line, "counted once") {
        for part in rep.split("; ") {
            let list = part.split_once(' ').and_then(|(_, r)| r.split_once(' ')).map(|(_, l)| l);
            match part.contains(" credit") {
                true => add(list, |p| &mut p.repeated_credits),
                false => add(list, |p| &mut p.repeated_debits),
            }
        }
    }
}

fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("ARX_BANK_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/real/bank/corpus"),
    };
    dir.is_dir().then_some(dir)
}

fn find(dir: &Path, format: &str, name: &str) -> Option<PathBuf> {
    [dir.join(format).join(name), dir.join(name)].into_iter().find(|p| p.is_file())
}

#[test]
fn bank_corpus_matches_the_peer() {
    let Some(dir) = corpus_dir() else {
        println!("skipped: bank corpus not found (set ARX_BANK_CORPUS to the folder holding camt/, mt940/ and bai2/)");
        return;
    };
    let expected = std::fs::read_to_string(crate::common::fixture("corpus/bank/expected.csv")).expect("expected.csv");
    // file → (format, verdict, currency → peer figures)
    let mut files: BTreeMap<String, (String, String, PeerFigures)> = BTreeMap::new();
    for row in csv_maps(&expected) {
        let f = files
            .entry(row["file"].clone())
            .or_insert_with(|| (row["format"].clone(), row["verdict"].clone(), BTreeMap::new()));
        if row["verdict"] == "read" && !row["currency"].is_empty() {
            let n = |k: &str| micros(if row[k].is_empty() { "0" } else { &row[k] });
            let figures = [n("credit_total"), n("debit_total"), n("credit_returns_total"), n("debit_returns_total")];
            f.2.insert(row["currency"].clone(), figures);
        }
    }
    let (mut read_ok, mut refused_ok, mut absent, mut failures) = (0, 0, Vec::new(), Vec::new());
    for (name, (format, verdict, peer)) in &files {
        let Some(path) = find(&dir, format, name) else {
            absent.push(name.clone());
            continue;
        };
        let ws = Ws::new();
        let before = ws.store_snapshot();
        let out = ws.cmd(&["ingest", path.to_str().expect("utf-8 path")]).output().expect("run arx");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        let code = out.status.code();
        if verdict == "refuse" {
            match (code, ws.store_snapshot() == before) {
                (Some(3), true) => refused_ok += 1,
                (c, same) => failures.push(format!("{name}: expected a refusal (exit 3, nothing written), got exit {c:?}, store unchanged {same}\n{err}")),
            }
            continue;
        }
        if code != Some(0) {
            failures.push(format!("{name}: expected to read, got exit {code:?}\n{err}"));
            continue;
        }
        let mut piles: BTreeMap<String, Piles> = BTreeMap::new();
        let a = ws.arx(&["export", "payments", "--format", "csv"]).success();
        for p in csv_maps(&String::from_utf8_lossy(&a.get_output().stdout)) {
            let (v, pile) = (micros(&p["amount"]), piles.entry(p["currency"].clone()).or_default());
            if v >= 0 {
                pile.received += v;
            } else {
                pile.returned -= v;
            }
        }
        summary_piles(&err, &mut piles);
        let mut currencies: Vec<&String> = peer.keys().chain(piles.keys()).collect();
        currencies.sort();
        currencies.dedup();
        let mut bad = Vec::new();
        for c in currencies {
            let [credit, debit, credit_ret, debit_ret] = peer.get(c).copied().unwrap_or_default();
            let p = piles.get(c).copied().unwrap_or_default();
            let m = |v: i128| format!("{}", rust_decimal::Decimal::from_i128_with_scale(v, 6).normalize());
            if p.received + p.ours_returned + p.repeated_credits != credit {
                bad.push(format!(
                    "{c}: payments {} + our returns {} + repeated {} ≠ peer credits {}",
                    m(p.received),
                    m(p.ours_returned),
                    m(p.repeated_credits),
                    m(credit)
                ));
            }
            if p.returned + p.debits + p.repeated_debits != debit {
                bad.push(format!(
                    "{c}: returned {} + debits {} + repeated {} ≠ peer debits {}",
                    m(p.returned),
                    m(p.debits),
                    m(p.repeated_debits),
                    m(debit)
                ));
            }
            if p.repeated_credits + p.repeated_debits == 0 && (p.returned, p.ours_returned) != (debit_ret, credit_ret) {
                bad.push(format!(
                    "{c}: returns (customers' {}, ours {}) ≠ peer (debit returns {}, credit returns {})",
                    m(p.returned),
                    m(p.ours_returned),
                    m(debit_ret),
                    m(credit_ret)
                ));
            }
        }
        match bad.is_empty() {
            true => read_ok += 1,
            false => failures.push(format!("{name}: {}\n{err}", bad.join("; "))),
        }
    }
    println!(
        "bank corpus {}: {read_ok} read as expected, {refused_ok} refused as expected, {} not in the folder, {} failing",
        dir.display(),
        absent.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} corpus files differ from the peer:\n\n{}", failures.len(), failures.join("\n\n"));
    assert!(read_ok + refused_ok > 0, "no corpus file found under {}", dir.display());
}
