//! Loads the ledger from the store for reports: documents and payments into the compact
//! `Ledger`, applications streamed straight into an `OpenItemsBuilder` without being kept.

use crate::frame::columns;
use crate::ledger::{App, Doc, Ledger, Pay, Source, NO_CUSTOMER};
use crate::model::{ApplicationKind, DocType, Kind};
use crate::money::Currency;
use crate::store::{Manifest, Segment, Store};
use anyhow::{anyhow, Context, Result};

/// Parses repeated short texts (currencies, types) once each.
struct Memo<T: Copy> {
    seen: Vec<(String, T)>,
}

impl<T: Copy> Memo<T> {
    fn new() -> Self {
        Memo { seen: Vec::new() }
    }
    fn get(&mut self, text: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, String> {
        if let Some((_, v)) = self.seen.iter().find(|(t, _)| t == text) {
            return Ok(*v);
        }
        let v = parse(text).ok_or_else(|| format!("unexpected value '{text}'"))?;
        self.seen.push((text.to_string(), v));
        Ok(v)
    }
}

fn required<T>(v: Option<T>, what: &str) -> Result<T, String> {
    v.ok_or_else(|| format!("{what} is missing"))
}

fn context(seg: &Segment) -> String {
    format!("reading {} (the store may be corrupt)", seg.file)
}

fn currencies(bytes: &[u8], n: usize) -> Result<Vec<Currency>> {
    let mut memo = Memo::new();
    let mut out = Vec::with_capacity(n);
    columns::each_str(bytes, "currency", |_, v| {
        out.push(memo.get(required(v, "currency")?, |t| Currency::parse_historic(t).ok())?);
        Ok(())
    })?;
    Ok(out)
}

/// The current documents and payments of the store. Documents and payments load on two
/// threads, each interning its own customers; the payments' customers are merged in after.
pub fn load_ledger(store: &Store, manifest: &Manifest) -> Result<Ledger> {
    for kind in [Kind::Invoices, Kind::Payments] {
        if store.segments(manifest, kind).map(|s| s.rows).sum::<u64>() >= u64::from(u32::MAX) {
            return Err(anyhow!("more than 4 billion {kind} versions in the store: beyond what arx reports on"));
        }
    }
    let (docs, pays) = std::thread::scope(|s| {
        let docs = s.spawn(|| load_docs(store, manifest));
        let pays = load_payments(store, manifest);
        (docs.join().unwrap_or_else(|e| std::panic::resume_unwind(e)), pays)
    });
    let (mut ledger, pays) = (docs?, pays?);
    let remap: Vec<u32> = (0..pays.customers.len() as u32).map(|i| ledger.customer(pays.customers.get(i))).collect();
    ledger.pay_ids = pays.pay_ids;
    ledger.pays = pays.pays;
    for p in ledger.pays.iter_mut().filter(|p| p.customer != NO_CUSTOMER) {
        p.customer = remap[p.customer as usize];
    }
    Ok(ledger)
}

fn load_docs(store: &Store, manifest: &Manifest) -> Result<Ledger> {
    let docs_n: u64 = store.segments(manifest, Kind::Invoices).map(|s| s.rows).sum();
    let mut ledger = Ledger::with_capacity(docs_n as usize, 0);
    for seg in store.segments(manifest, Kind::Invoices) {
        let bytes = store.read_verified(seg)?;
        (|| -> Result<()> {
            let n = seg.rows as usize;
            let dates = columns::days(&bytes, "doc_date", true)?;
            let dues = columns::days(&bytes, "due_date", false)?;
            let amounts = columns::ints(&bytes, "amount")?;
            let voids = columns::voids(&bytes)?;
            let curs = currencies(&bytes, n)?;
            let mut memo = Memo::new();
            let mut types = Vec::with_capacity(n);
            columns::each_str(&bytes, "doc_type", |_, v| {
                types.push(memo.get(v.unwrap_or(""), DocType::parse)?);
                Ok(())
            })?;
            let mut customers = Vec::with_capacity(n);
            columns::each_str(&bytes, "customer_id", |_, v| {
                customers.push(ledger.customer(required(v, "customer_id")?));
                Ok(())
            })?;
            columns::each_str(&bytes, "document_no", |i, v| {
                let date = dates[i];
                let doc = Doc {
                    customer: customers[i],
                    date,
                    due: if dues[i] == columns::NO_DAY { date } else { dues[i] },
                    amount: amounts[i],
                    currency: curs[i],
                    doc_type: types[i],
                    live: !voids[i],
                };
                ledger.add_doc(required(v, "document_no")?, doc);
                Ok(())
            })?;
            Ok(())
        })()
        .with_context(|| context(seg))?;
    }
    Ok(ledger)
}

fn load_payments(store: &Store, manifest: &Manifest) -> Result<Ledger> {
    let pays_n: u64 = store.segments(manifest, Kind::Payments).map(|s| s.rows).sum();
    let mut ledger = Ledger::with_capacity(0, pays_n as usize);
    for seg in store.segments(manifest, Kind::Payments) {
        let bytes = store.read_verified(seg)?;
        (|| -> Result<()> {
            let n = seg.rows as usize;
            let dates = columns::days(&bytes, "payment_date", true)?;
            let amounts = columns::ints(&bytes, "amount")?;
            let voids = columns::voids(&bytes)?;
            let curs = currencies(&bytes, n)?;
            let mut customers = Vec::with_capacity(n);
            columns::each_str(&bytes, "customer_id", |_, v| {
                customers.push(v.map(|c| ledger.customer(c)).unwrap_or(NO_CUSTOMER));
                Ok(())
            })?;
            columns::each_str(&bytes, "payment_id", |i, v| {
                let pay = Pay {
                    customer: customers[i],
                    date: dates[i],
                    amount: amounts[i],
                    currency: curs[i],
                    live: !voids[i],
                };
                ledger.add_payment(required(v, "payment_id")?, pay);
                Ok(())
            })?;
            Ok(())
        })()
        .with_context(|| context(seg))?;
    }
    Ok(ledger)
}

/// Feeds every current application to `apply`, resolved against `ledger`.
pub fn stream_apps(store: &Store, manifest: &Manifest, ledger: &Ledger, mut apply: impl FnMut(App)) -> Result<()> {
    let segments: Vec<&Segment> = store.segments(manifest, Kind::Applications).collect();
    // A void row supersedes a version too, so `supersedes` alone tells whether keys repeat.
    if segments.iter().any(|s| s.supersedes > 0) {
        return stream_latest_apps(store, &segments, ledger, apply);
    }
    for seg in segments {
        let bytes = store.read_verified(seg)?;
        (|| -> Result<()> {
            let n = seg.rows as usize;
            let dates = columns::days(&bytes, "applied_date", true)?;
            let amounts = columns::ints(&bytes, "amount")?;
            let voids = columns::voids(&bytes)?;
            if voids.iter().any(|v| *v) {
                return Err(anyhow!("a voided application in a segment that supersedes nothing"));
            }
            let mut memo = Memo::new();
            let mut kinds = Vec::with_capacity(n);
            columns::each_str(&bytes, "kind", |_, v| {
                kinds.push(memo.get(v.unwrap_or(""), ApplicationKind::parse)?);
                Ok(())
            })?;
            // Resolving names is most of the work: spread it over the cores. Results are kept
            // compact (a sentinel for "not found"); the rare failure is explained afterwards.
            let doc_col = columns::strs(&bytes, "document_no")?;
            let doc_names = doc_col.values()?;
            let docs: Vec<u32> =
                par_map(&doc_names, |_, v| v.and_then(|no| ledger.doc_ids.find(no)).unwrap_or(u32::MAX));
            if let Some(i) = docs.iter().position(|d| *d == u32::MAX) {
                let no = doc_names[i].unwrap_or("(missing)");
                return Err(anyhow!("row {i}: document '{no}' is not in the ledger"));
            }
            drop(doc_names);
            drop(doc_col);
            let src_col = columns::strs(&bytes, "source")?;
            let src_names = src_col.values()?;
            let sources: Vec<Option<Source>> =
                par_map(&src_names, |i, v| v.and_then(|s| ledger.resolve_source(kinds[i], s).ok()));
            if let Some(i) = sources.iter().position(Option::is_none) {
                let s = src_names[i].unwrap_or("(missing)");
                return Err(anyhow!("row {i}: {} source '{s}' is not in the ledger", kinds[i].name()));
            }
            drop(src_names);
            drop(src_col);
            for (i, (doc, source)) in docs.into_iter().zip(sources).enumerate() {
                let source = source.ok_or_else(|| anyhow!("row {i}: source is missing"))?;
                apply(App { doc, source, date: dates[i], amount: amounts[i] });
            }
            debug_assert_eq!(n, kinds.len());
            Ok(())
        })()
        .with_context(|| context(seg))?;
    }
    Ok(())
}

/// The slow path when some application was superseded or voided: keep the latest version of
/// each key (kind + source + document + date) before applying.
fn stream_latest_apps(store: &Store, segments: &[&Segment], ledger: &Ledger, mut apply: impl FnMut(App)) -> Result<()> {
    type Key = (ApplicationKind, String, String, i32);
    let mut latest: hashbrown::HashMap<Key, (i64, bool)> = hashbrown::HashMap::new();
    let mut order: Vec<Key> = Vec::new();
    for seg in segments {
        let bytes = store.read_verified(seg)?;
        (|| -> Result<()> {
            let dates = columns::days(&bytes, "applied_date", true)?;
            let amounts = columns::ints(&bytes, "amount")?;
            let voids = columns::voids(&bytes)?;
            let mut kinds = Vec::new();
            columns::each_str(&bytes, "kind", |_, v| {
                kinds.push(ApplicationKind::parse(v.unwrap_or("")).ok_or("unexpected kind")?);
                Ok(())
            })?;
            let mut docs = Vec::new();
            columns::each_str(&bytes, "document_no", |_, v| {
                docs.push(required(v, "document_no")?.to_string());
                Ok(())
            })?;
            columns::each_str(&bytes, "source", |i, v| {
                let key = (kinds[i], required(v, "source")?.to_string(), docs[i].clone(), dates[i]);
                let value = (amounts[i], voids[i]);
                if latest.insert(key.clone(), value).is_none() {
                    order.push(key);
                }
                Ok(())
            })?;
            Ok(())
        })()
        .with_context(|| context(seg))?;
    }
    for key in order {
        if let Some((amount, false)) = latest.get(&key) {
            apply(ledger.resolve(key.0, &key.1, &key.2, key.3, *amount)?);
        }
    }
    Ok(())
}

/// `f(index, item)` over `items` on all cores, results in order. A panic in a worker is
/// re-raised here, never turned into missing results.
pub fn par_map<T: Sync, U: Send>(items: &[T], f: impl Fn(usize, &T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8);
    if threads < 2 || items.len() < 100_000 {
        return items.iter().enumerate().map(|(i, t)| f(i, t)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(c, part)| {
                let f = &f;
                scope.spawn(move || part.iter().enumerate().map(|(i, t)| f(c * chunk + i, t)).collect::<Vec<U>>())
            })
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for h in handles {
            out.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        out
    })
}
