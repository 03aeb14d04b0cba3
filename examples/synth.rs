//! `synth`: a deterministic synthetic accounts-receivable dataset in arx's canonical CSV format.
//!
//! ```text
//! cargo run --release --example synth -- --customers 1000 --invoices 10000 --seed 42 \
//!     --start 2024-01-01 --months 12 --out DIR
//! ```
//!
//! Writes `customers.csv`, `invoices.csv`, `payments.csv`, `applications.csv`, `remittances.csv`
//! and `disputes.csv` into DIR (created if missing), every file with exactly the canonical columns
//! of CONTRACT.md §2, in the order and with the text `arx export KIND` produces for the same data:
//! rows sorted by key, every optional column present (empty when absent), amounts with exactly the
//! currency's minor digits (credit notes negative), `doc_type` and `kind` always written. So
//! `arx ingest DIR/*.csv` followed by `arx export KIND` gives back the same bytes.
//!
//! `--invoices N` is the number of documents (invoices, credit notes and debit notes together).
//! The same arguments always give byte-identical files (ChaCha8 seeded from `--seed`, integer
//! money only, no hash-map iteration). Every file is checked, as it is written, to come strictly
//! ascending by its key (sorted, no duplicate keys).
//!
//! Large runs stream: documents, payments, payment and credit applications and remittances are
//! written as they are generated (credit notes, debit notes and each application kind go to
//! part files that are concatenated in key order at the end); only write-offs, discounts,
//! deductions and disputes (a few percent of the rows) are held in compact structs and sorted, plus
//! the payments not yet due to be written (queued per day). 10,000,000 documents for 200,000
//! customers take about half a minute and under 200 MB in a release build, writing about 2 GB.
//! A ledger re-checks every invariant arx enforces on ingest (about 16 bytes per document and
//! payment); it is on by default up to 2,000,000 documents, `--check` forces it, `--no-check`
//! skips it.
//!
//! What is realistic about it:
//! - Customers: mostly EUR, some USD and GBP, a few JPY (0 decimals) and KWD (3 decimals); company
//!   names with legal suffixes of their market (some with commas or non-ASCII letters), AP
//!   e-mails, NET14..NET90 terms, credit limits by size class, addresses, subsidiaries pointing at
//!   a group parent, and a few big key accounts that get most of the documents.
//! - Each customer has a payment habit (early, punctual, late, chronic, or a bad payer), may pay
//!   in payment runs (one payment settling 2-4 documents), take a 2% early payment discount, send
//!   remittance advices, and quote PO numbers.
//! - Documents: ~88% invoices, ~7% credit notes (naming the invoice they credit in `reference`,
//!   issued days or weeks later, applied to it in full, in part, or left open), ~5% debit notes
//!   (small charges naming an earlier invoice). Dated on business days, numbered in date order,
//!   due after the customer's terms.
//! - Payments: dated on business days around the due date per the customer's habit (with an
//!   overdue tail), numbered in date order like a bank statement. Most pay in full; some pay in
//!   two instalments, some pay part and leave the rest open, some short-pay (bank charges written
//!   off, or a deduction with a short-payment dispute), some settle several documents at once.
//!   Some cash arrives but is not applied yet (a few without customer_id), some is paid on
//!   account. Payer names as banks show them (upper-case, truncated, the parent paying), references
//!   as customers write them (`INV0000123`, `inv 123 / 124`, `Payment ACME`, PO numbers, empty),
//!   IBAN-like accounts with valid check digits. The extract ends at the last day of the range, so
//!   what would be paid later is still open, as in a real ledger.
//! - Remittance advices for about 30% of payments, one line per document with discount and
//!   deduction, and now and then a mistyped document number (which arx accepts as evidence).
//! - Disputes on about 3% of documents (pricing, quantity, damaged, not-received, short-payment),
//!   open or resolved; resolved pricing, quantity and damage disputes often end in a credit note.

use arx::money::{format_minor, Currency};
use chrono::{Datelike, Days, Months, NaiveDate};
use clap::Parser;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Write a deterministic synthetic AR dataset as canonical arx CSV files")]
struct Args {
    /// Number of customers.
    #[arg(long, default_value_t = 1000)]
    customers: u32,
    /// Number of documents (invoices, credit notes and debit notes together).
    #[arg(long, default_value_t = 10_000)]
    invoices: u64,
    /// Random seed; the same arguments always give byte-identical files.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// First document date (YYYY-MM-DD).
    #[arg(long, default_value = "2024-01-01")]
    start: NaiveDate,
    /// Months of documents; the extract ends the day before start + months.
    #[arg(long, default_value_t = 12)]
    months: u32,
    /// Output folder (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Re-check every invariant arx enforces while generating (default: up to 2,000,000 documents).
    #[arg(long, conflicts_with = "no_check")]
    check: bool,
    /// Do not re-check invariants (saves memory on very large runs).
    #[arg(long)]
    no_check: bool,
}

// ---------------------------------------------------------------------------------------------
// Static tables
// ---------------------------------------------------------------------------------------------

/// A currency market: how common it is, the rate from EUR cents to its minor units
/// (`minor = cents * num / den`), and the flavour of its customers.
struct Market {
    code: &'static str,
    permille: u32,
    num: i64,
    den: i64,
    regions: &'static [&'static str],
    /// (street, postcode and city, country code); the country also picks the legal forms,
    /// e-mail domains and bank account format.
    addresses: &'static [(&'static str, &'static str, &'static str)],
}

static MARKETS: [Market; 5] = [
    Market {
        code: "EUR",
        permille: 720,
        num: 1,
        den: 1,
        regions: &["Deutschland", "France", "Benelux", "Italia", "Iberia", "Austria"],
        addresses: &[
            ("Hauptstraße", "80331 München", "DE"),
            ("Industriestraße", "70565 Stuttgart", "DE"),
            ("Am Sandtorkai", "20457 Hamburg", "DE"),
            ("Rue de la Paix", "75002 Paris", "FR"),
            ("Avenue Jean Jaurès", "69007 Lyon", "FR"),
            ("Keizersgracht", "1015 CJ Amsterdam", "NL"),
            ("Via Roma", "20121 Milano", "IT"),
            ("Calle Mayor", "28013 Madrid", "ES"),
            ("Mariahilfer Straße", "1070 Wien", "AT"),
            ("Avenue Louise", "1050 Bruxelles", "BE"),
        ],
    },
    Market {
        code: "USD",
        permille: 130,
        num: 11,
        den: 10,
        regions: &["USA", "Americas", "North America"],
        addresses: &[
            ("Market Street", "San Francisco CA 94105", "US"),
            ("Main Street", "Springfield IL 62701", "US"),
            ("Peachtree Street", "Atlanta GA 30303", "US"),
            ("Commerce Street", "Dallas TX 75201", "US"),
        ],
    },
    Market {
        code: "GBP",
        permille: 90,
        num: 85,
        den: 100,
        regions: &["UK", "Great Britain", "UK & Ireland"],
        addresses: &[
            ("High Street", "London EC1A 1BB", "GB"),
            ("Deansgate", "Manchester M3 2BW", "GB"),
            ("Princes Street", "Edinburgh EH2 2ER", "GB"),
        ],
    },
    Market {
        code: "JPY",
        permille: 30,
        num: 160,
        den: 100,
        regions: &["Japan", "Nippon", "Asia Pacific"],
        addresses: &[
            ("Marunouchi 1-2-3", "Chiyoda-ku Tokyo 100-0005", "JP"),
            ("Umeda 2-4-9", "Kita-ku Osaka 530-0001", "JP"),
        ],
    },
    Market {
        code: "KWD",
        permille: 30,
        num: 33,
        den: 10,
        regions: &["Kuwait", "Gulf", "Middle East"],
        addresses: &[
            ("Al Soor Street", "Kuwait City 13001", "KW"),
            ("Fahad Al-Salem Street", "Kuwait City 15100", "KW"),
        ],
    },
];

/// Per country: legal-form suffixes and e-mail domains.
const COUNTRIES: &[(&str, &[&str], &[&str])] = &[
    ("DE", &["GmbH", "AG", "KG", "GmbH & Co. KG", "SE"], &["de", "com"]),
    ("FR", &["SAS", "S.A.", "SARL"], &["fr", "com"]),
    ("NL", &["B.V.", "N.V."], &["nl", "com"]),
    ("IT", &["S.r.l.", "S.p.A."], &["it", "com"]),
    ("ES", &["S.L.", "S.A."], &["es", "com"]),
    ("AT", &["GmbH", "AG"], &["at", "com"]),
    ("BE", &["NV", "SA", "BV"], &["be", "eu"]),
    ("US", &["Inc.", "LLC", "Corp.", "Inc"], &["com", "us"]),
    ("GB", &["Ltd", "Limited", "PLC", "LLP"], &["co.uk", "com"]),
    ("JP", &["K.K.", "Co., Ltd.", "Corporation"], &["co.jp", "jp"]),
    ("KW", &["W.L.L.", "K.S.C.C.", "Co. W.L.L."], &["com.kw", "com"]),
];

#[rustfmt::skip]
const NAME_FIRST: &[&str] = &[
    "Acme", "Nordwind", "Alpen", "Baltic", "Crescent", "Delta", "Evergreen", "Falcon", "Granite", "Harbor",
    "Iris", "Juniper", "Kestrel", "Lumen", "Meridian", "Northstar", "Orion", "Pinnacle", "Quantum", "Riverside",
    "Summit", "Titan", "Union", "Vertex", "Westfield", "Zenith", "Atlas", "Beacon", "Cobalt", "Horizon",
    "Müller", "Schmidt", "Dubois", "Rossi", "García", "Jansen", "Nakamura", "Al-Sabah", "Hughes", "Walker",
    "Bergmann", "Lefèvre", "Bianchi", "Sørensen", "O'Brien", "Kowalski", "Novak", "Svensson", "Moreau", "Fischer",
];
#[rustfmt::skip]
const NAME_SECOND: &[&str] = &[
    "Industrial", "Logistics", "Foods", "Retail", "Pharma", "Components", "Textiles", "Engineering",
    "Packaging", "Electronics", "Automotive", "Trading", "Chemicals", "Furniture", "Medical", "Software",
    "Construction", "Energy", "Paper", "Plastics", "Steel", "Beverages", "Hospitality", "Agri", "Optics",
    "Tools", "Marine", "Aerospace", "Printing", "Cosmetics",
];
#[rustfmt::skip]
const NAME_THIRD: &[&str] = &[
    "", "", "", "", "", "International", "Group", "Services", "Solutions", "Systems", "Supply", "Partners",
    "& Co", "Holding", "Europe", "Distribution",
];
const EMAIL_LOCAL: &[&str] = &["ap", "accounts.payable", "invoices", "finance", "creditors", "payables", "ap-team"];
const OWNERS: &[&str] = &["a.schmidt", "j.martin", "l.rossi", "m.kowalski", "s.okafor", "t.nguyen", "e.dubois"];

/// Payment habits: (per mille of customers, earliest and latest payment day relative to the due date).
const PROFILES: [(u32, i64, i64); 5] = [(150, -20, -3), (450, -3, 5), (270, 0, 30), (100, 15, 90), (30, 30, 150)];
const BAD_PAYER: u8 = 4;

// Document types, in the byte order of their number prefixes (so `type << 30 | seq` sorts like the text).
const CN: u32 = 0;
const DN: u32 = 1;
const INV: u32 = 2;
const DOC_PREFIX: [&str; 3] = ["CN", "DN", "INV"];
const DOC_TYPE: [&str; 3] = ["credit_note", "debit_note", "invoice"];
const SEQ_MASK: u32 = (1 << 30) - 1;

// Application kinds, in the byte order of their names (the order `arx export applications` uses).
const K_CREDIT: usize = 0;
const K_DEDUCTION: usize = 1;
const K_DISCOUNT: usize = 2;
const K_PAYMENT: usize = 3;
const K_WRITE_OFF: usize = 4;
const KIND_NAME: [&str; 5] = ["credit", "deduction", "discount", "payment", "write_off"];
/// Free-text sources of write-off/discount/deduction applications, per kind, sorted.
const ADJ_SOURCES: [&[&str]; 5] = [
    &[],
    &["damaged goods", "pricing claim", "promotion allowance", "short-payment"],
    &["early payment discount"],
    &[],
    &["bank charges", "rounding", "small balance"],
];

const REASONS: [&str; 5] = ["pricing", "quantity", "damaged", "not-received", "short-payment"];
const R_NOT_RECEIVED: u8 = 3;
const R_SHORT_PAYMENT: u8 = 4;
const NOTES: [&[&str]; 5] = [
    &["price differs from contract", "customer expects the price on the PO", "list price applied, discount missing"],
    &[
        "delivered quantity short per customer",
        "invoiced twice per customer, checking",
        "partial delivery, rest back-ordered",
    ],
    &[
        "goods arrived damaged; photos requested",
        "damaged in transit, carrier claim opened",
        "quality complaint, return authorised",
    ],
    &["customer says goods not received; POD requested", "delivery to wrong address", "no delivery note on file"],
    &["short-paid; claim requested", "deducted without notice, asking for backup", "customer claims agreed rebate"],
];

const NONE: u32 = u32::MAX;

// ---------------------------------------------------------------------------------------------
// CSV output with key-order checking
// ---------------------------------------------------------------------------------------------

/// One row under construction: fields back to back in one buffer.
#[derive(Default)]
struct Row {
    buf: Vec<u8>,
    ends: Vec<usize>,
}

impl Row {
    fn start(&mut self) -> &mut Self {
        self.buf.clear();
        self.ends.clear();
        self
    }
    fn s(&mut self, text: &str) -> &mut Self {
        self.buf.extend_from_slice(text.as_bytes());
        self.ends.push(self.buf.len());
        self
    }
    fn empty(&mut self) -> &mut Self {
        self.s("")
    }
    fn id(&mut self, prefix: &str, n: u64, width: usize) -> &mut Self {
        // Writing into a Vec cannot fail.
        let _ = write!(self.buf, "{prefix}{n:0width$}");
        self.ends.push(self.buf.len());
        self
    }
    fn field(&self, i: usize) -> &[u8] {
        let a = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[a..self.ends[i]]
    }
}

/// A CSV part being written; checks that keys come strictly ascending (sorted, no duplicates).
struct Out {
    w: csv::Writer<File>,
    path: PathBuf,
    rows: u64,
    prev: Vec<u8>,
    cur: Vec<u8>,
}

impl Out {
    fn create(path: PathBuf, header: Option<&[&str]>) -> io::Result<Out> {
        let file = File::create(&path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let mut w = csv::WriterBuilder::new().buffer_capacity(1 << 20).from_writer(file);
        if let Some(h) = header {
            w.write_record(h)?;
        }
        Ok(Out { w, path, rows: 0, prev: Vec::new(), cur: Vec::new() })
    }

    /// Writes `row`; `key` lists its key fields in key order (`kind` may be given as a constant).
    fn write(&mut self, row: &Row, kind: Option<&str>, key: &[usize]) -> io::Result<()> {
        self.cur.clear();
        if let Some(k) = kind {
            self.cur.extend_from_slice(k.as_bytes());
        }
        for (j, &k) in key.iter().enumerate() {
            if j > 0 || kind.is_some() {
                self.cur.push(0x1f);
            }
            self.cur.extend_from_slice(row.field(k));
        }
        assert!(
            self.rows == 0 || self.cur > self.prev,
            "{}: key {:?} does not follow {:?}",
            self.path.display(),
            String::from_utf8_lossy(&self.cur),
            String::from_utf8_lossy(&self.prev)
        );
        std::mem::swap(&mut self.cur, &mut self.prev);
        for i in 0..row.ends.len() {
            self.w.write_field(row.field(i))?;
        }
        self.w.write_record(None::<&[u8]>)?;
        self.rows += 1;
        Ok(())
    }

    fn finish(self) -> io::Result<u64> {
        let mut f = self.w.into_inner().map_err(|e| io::Error::other(e.to_string()))?;
        f.flush()?;
        Ok(self.rows)
    }
}

/// Writes `header` then the bytes of each part into `dst`, removing the parts.
fn assemble(dst: &Path, header: &[&str], parts: &[PathBuf]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(File::create(dst)?);
    w.write_record(header)?;
    let mut f = w.into_inner().map_err(|e| io::Error::other(e.to_string()))?;
    for p in parts {
        io::copy(&mut File::open(p)?, &mut f)?;
        fs::remove_file(p)?;
    }
    f.flush()
}

const H_CUSTOMERS: &[&str] =
    &["customer_id", "name", "email", "credit_limit", "currency", "payment_terms", "parent_id", "address"];
const H_INVOICES: &[&str] =
    &["document_no", "customer_id", "doc_date", "amount", "currency", "doc_type", "due_date", "reference", "po_number"];
const H_PAYMENTS: &[&str] =
    &["payment_id", "payment_date", "amount", "currency", "customer_id", "payer_name", "reference", "bank_account"];
const H_APPLICATIONS: &[&str] =
    &["source", "document_no", "amount", "applied_date", "kind", "payment_id", "rule", "batch"];
const H_REMITTANCES: &[&str] = &["payment_id", "document_no", "amount", "discount", "deduction", "reason"];
const H_DISPUTES: &[&str] =
    &["document_no", "reason", "opened_date", "status", "resolved_date", "amount", "owner", "note"];

// ---------------------------------------------------------------------------------------------
// The invariant ledger
// ---------------------------------------------------------------------------------------------

/// What may still be applied to/from an item, with its date and currency.
#[derive(Clone, Copy)]
struct Item {
    open: i64,
    day: u32,
    cur: u8,
    /// Something was applied to it.
    touched: bool,
}

/// Mirrors arx's ingest rules: every application names existing items in one currency, is not
/// dated before them, and never applies more than a document's amount or a source's amount.
struct Ledger {
    docs: [Vec<Item>; 3],
    pays: Vec<Item>,
}

impl Ledger {
    fn doc(&mut self, id: u32) -> &mut Item {
        let (t, seq) = (id >> 30, id & SEQ_MASK);
        self.docs[t as usize].get_mut(seq as usize - 1).unwrap_or_else(|| panic!("document {id:#x} does not exist"))
    }
    fn add_doc(&mut self, id: u32, amount_abs: i64, day: u32, cur: u8) {
        let v = &mut self.docs[(id >> 30) as usize];
        assert_eq!(v.len() + 1, (id & SEQ_MASK) as usize, "documents are numbered in order");
        assert!(amount_abs > 0, "document {id:#x} has no amount");
        v.push(Item { open: amount_abs, day, cur, touched: false });
    }
    fn add_pay(&mut self, seq: u64, amount: i64, day: u32, cur: u8) {
        assert_eq!(self.pays.len() as u64 + 1, seq, "payments are numbered in order");
        assert!(amount > 0, "payment {seq} has no amount");
        self.pays.push(Item { open: amount, day, cur, touched: false });
    }
    /// An application of `amount` to `doc` on `day`, which must be an invoice or debit note.
    fn apply_to(&mut self, doc: u32, amount: i64, day: u32, cur: u8) {
        assert!(doc >> 30 != CN, "applications reduce invoices and debit notes, not credit note {doc:#x}");
        assert!(amount > 0, "application amount must be positive");
        let d = self.doc(doc);
        assert_eq!(d.cur, cur, "application in another currency than document {doc:#x}");
        assert!(day >= d.day, "application dated before document {doc:#x}");
        assert!(amount <= d.open, "document {doc:#x} over-applied");
        d.open -= amount;
        d.touched = true;
    }
    fn use_payment(&mut self, seq: u64, amount: i64, day: u32, cur: u8) {
        let p = &mut self.pays[seq as usize - 1];
        assert_eq!(p.cur, cur, "payment {seq} applied in another currency");
        assert!(day >= p.day, "application dated before payment {seq}");
        assert!(amount <= p.open, "payment {seq} over-applied");
        p.open -= amount;
    }
    fn use_credit(&mut self, cn: u32, amount: i64, day: u32, cur: u8) {
        assert_eq!(cn >> 30, CN, "credit source {cn:#x} is not a credit note");
        let c = self.doc(cn);
        assert_eq!(c.cur, cur, "credit note {cn:#x} applied in another currency");
        assert!(day >= c.day, "credit applied before credit note {cn:#x}");
        assert!(amount <= c.open, "credit note {cn:#x} over-applied");
        c.open -= amount;
    }
    fn dispute(&mut self, doc: u32, opened: u32, resolved: Option<u32>) {
        self.doc(doc);
        if let Some(r) = resolved {
            assert!(r >= opened, "dispute on {doc:#x} resolved before it was opened");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Generator state
// ---------------------------------------------------------------------------------------------

struct Customer {
    name: String,
    /// Length of the name without its legal suffix.
    base_len: usize,
    cur: u8,
    terms: u32,
    profile: u8,
    lump: bool,
    remit: bool,
    discount: bool,
    po: bool,
    parent: u32,
    bank: String,
}

/// A payment waiting for its date: up to four documents it pays, cash on account, and the
/// difference (write-off, deduction or discount) left on its first document.
#[derive(Clone, Copy, Default)]
struct Pay {
    day: u32,
    cust: u32,
    n: u8,
    /// How many documents a payment run may still collect into this payment (at most 4).
    cap: u8,
    docs: [u32; 4],
    cash: [i64; 4],
    extra: i64,
    adj: i64,
    adj_kind: u8,
    adj_src: u8,
}

/// A write-off, discount or deduction application, held until all are known and sorted.
#[derive(Clone, Copy)]
struct Adj {
    src: u8,
    doc: u32,
    day: u32,
    amount: i64,
    pay: u64,
    cur: u8,
}

#[derive(Clone, Copy)]
struct DisputeRec {
    doc: u32,
    opened: u32,
    resolved: u32,
    amount: i64,
    reason: u8,
    owner: u8,
    note: u8,
    cur: u8,
}

/// A credit note to issue once the documents reach its date.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct CnPlan {
    day: u32,
    seq: u64,
    inv: u32,
    cust: u32,
    amount: i64,
    applied: i64,
}

#[derive(Default)]
struct Stats {
    docs: [u64; 3],
    payments: u64,
    unapplied: u64,
    no_customer: u64,
    dropped: u64,
    apps: [u64; 5],
    remittances: u64,
    disputes: u64,
}

struct Gen {
    rng: ChaCha8Rng,
    seed: u64,
    end: u32,
    weekday0: u32,
    dates: Vec<String>,
    curs: Vec<Currency>,
    w_cust: usize,
    w_doc: usize,
    w_pay: usize,
    custs: Vec<Customer>,
    cum_weight: Vec<u64>,
    last_inv: Vec<u32>,
    lump_open: Vec<u32>,
    slab: Vec<Pay>,
    free: Vec<u32>,
    /// Pending payments per day (slots into `slab`), each day in order of creation.
    buckets: Vec<Vec<u32>>,
    /// The first day whose payments are not written yet.
    next_day: u32,
    cn_plans: BinaryHeap<Reverse<CnPlan>>,
    plan_seq: u64,
    doc_seq: [u32; 3],
    pay_seq: u64,
    docs_out: [Out; 3],
    pay_out: Out,
    credit_out: Out,
    payapp_out: Out,
    remit_out: Out,
    adjs: [Vec<Adj>; 5],
    disputes: Vec<DisputeRec>,
    ledger: Option<Ledger>,
    stats: Stats,
    row: Row,
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn digits(n: u64) -> usize {
    n.max(1).ilog10() as usize + 1
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars().flat_map(char::to_lowercase) {
        let rep: &str = match ch {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'ø' => "o",
            'é' | 'è' | 'ê' => "e",
            'á' | 'à' => "a",
            'í' => "i",
            'ó' => "o",
            'ñ' => "n",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            '\'' => continue,
            _ => "-",
        };
        if rep == "-" && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push_str(rep);
    }
    out.trim_end_matches('-').to_string()
}

/// An IBAN with valid ISO 13616 check digits.
fn iban(country: &str, bban: &str) -> String {
    let mut rem = 0u32;
    for ch in bban.chars().chain(country.chars()).chain("00".chars()) {
        rem = match ch.to_digit(36) {
            Some(v) if v < 10 => (rem * 10 + v) % 97,
            Some(v) => (rem * 100 + v) % 97,
            None => rem,
        };
    }
    format!("{country}{:02}{bban}", 98 - rem)
}

impl Gen {
    // --- randomness -----------------------------------------------------------------------

    fn pm(&mut self, permille: u32) -> bool {
        self.rng.random_range(0..1000u32) < permille
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.random_range(lo..=hi)
    }
    fn idx(&mut self, len: usize) -> usize {
        self.rng.random_range(0..len)
    }
    fn pick<T: Copy>(&mut self, s: &[T]) -> T {
        s[self.idx(s.len())]
    }
    fn digits_str(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + self.rng.random_range(0..10u8))).collect()
    }
    /// A share of `amount` between `lo`% and `hi`%, at least 1 and at most `amount`.
    fn pct(&mut self, amount: i64, lo: i64, hi: i64) -> i64 {
        let p = self.range(lo, hi);
        (amount * p / 100).clamp(1, amount)
    }

    // --- dates and money ------------------------------------------------------------------

    /// The same day, or the next business day if it falls on a weekend.
    fn roll(&self, mut day: u32) -> u32 {
        while (self.weekday0 + day) % 7 >= 5 {
            day += 1;
        }
        day
    }
    /// `day` plus `lo..=hi` days, rolled to a business day.
    fn later(&mut self, day: u32, lo: i64, hi: i64) -> u32 {
        let d = day + self.range(lo, hi) as u32;
        self.roll(d)
    }
    /// EUR cents in the customer's currency, at least one minor unit.
    fn conv(&self, eur_cents: i64, cur: u8) -> i64 {
        let m = &MARKETS[cur as usize];
        (eur_cents * m.num / m.den).max(1)
    }
    fn money(&self, minor: i64, cur: u8) -> String {
        format_minor(minor, self.curs[cur as usize])
    }
    fn doc_no(&self, id: u32) -> String {
        format!("{}{:0w$}", DOC_PREFIX[(id >> 30) as usize], id & SEQ_MASK, w = self.w_doc)
    }
    fn cust_no(&self, c: u32) -> String {
        format!("C{:0w$}", c + 1, w = self.w_cust)
    }
    fn po_number(&self, doc: u32) -> String {
        format!("45{:08}", splitmix(self.seed ^ u64::from(doc)) % 100_000_000)
    }

    // --- customers ------------------------------------------------------------------------

    fn make_customers(&mut self, n: u32, out: &Path) -> io::Result<u64> {
        let mut bigs: Vec<u32> = Vec::new();
        let mut o = Out::create(out.join("customers.csv"), Some(H_CUSTOMERS))?;
        for c in 0..n {
            let class = match self.range(0, 999) {
                0..=39 => 0u8,
                40..=239 => 1,
                _ => 2,
            };
            let mut r = self.range(0, 999) as u32;
            let mut cur = 0u8;
            for (i, m) in MARKETS.iter().enumerate() {
                if r < m.permille {
                    cur = i as u8;
                    break;
                }
                r -= m.permille;
            }
            let m = &MARKETS[cur as usize];
            let parent = if c > 10 && !bigs.is_empty() && self.pm(60) { self.pick(&bigs) } else { NONE };
            let base = if parent != NONE {
                let region = self.pick(m.regions);
                let p = &self.custs[parent as usize];
                format!("{} {}", &p.name[..p.base_len], region)
            } else {
                let (a, b, q) = (self.pick(NAME_FIRST), self.pick(NAME_SECOND), self.pick(NAME_THIRD));
                if q.is_empty() {
                    format!("{a} {b}")
                } else {
                    format!("{a} {b} {q}")
                }
            };
            let (street, city, cc) = self.pick(m.addresses);
            let (_, suffixes, tlds) = COUNTRIES.iter().find(|c| c.0 == cc).copied().unwrap_or(("", &["Ltd"], &["com"]));
            let suffix = self.pick(suffixes);
            let name = format!("{base} {suffix}");
            let email = if self.pm(860) {
                let local = self.pick(EMAIL_LOCAL);
                let tld = self.pick(tlds);
                let words: Vec<&str> = base.split(' ').take(2).collect();
                format!("{local}@{}.{tld}", slug(&words.join(" ")))
            } else {
                String::new()
            };
            let limit = if self.pm(900) {
                let k = match class {
                    0 => self.range(250, 2000),
                    1 => self.range(50, 250),
                    _ => self.range(5, 50),
                };
                let minor = self.conv(k * 100_000, cur);
                let step = 1000 * 10i64.pow(self.curs[cur as usize].minor_units());
                self.money((minor / step).max(1) * step, cur)
            } else {
                String::new()
            };
            let terms = match self.range(0, 99) {
                0..=49 => 30,
                50..=67 => 45,
                68..=89 => 60,
                90..=94 => 14,
                _ => 90,
            };
            let mut r = self.range(0, 999) as u32;
            let mut profile = 0u8;
            for (i, p) in PROFILES.iter().enumerate() {
                if r < p.0 {
                    profile = i as u8;
                    break;
                }
                r -= p.0;
            }
            let lump = self.pm([400, 200, 50][class as usize]);
            let remit = self.pm([450, 300, 180][class as usize]);
            let discount = profile <= 1 && self.pm(150);
            let po = self.pm(500);
            let address = if self.pm(800) {
                let no = self.range(1, 180);
                match cc {
                    "US" | "GB" => format!("{no} {street}, {city}, {cc}"),
                    "JP" => format!("{street}, {city}, {cc}"),
                    _ => format!("{street} {no}, {city}, {cc}"),
                }
            } else {
                String::new()
            };
            let bank = self.bank_account(cc);
            let parent_no = if parent == NONE { String::new() } else { self.cust_no(parent) };
            let terms_text = format!("NET{terms}");
            self.row
                .start()
                .id("C", u64::from(c) + 1, self.w_cust)
                .s(&name)
                .s(&email)
                .s(&limit)
                .s(m.code)
                .s(&terms_text)
                .s(&parent_no)
                .s(&address);
            o.write(&self.row, None, &[0])?;
            let weight = [60u64, 10, 1][class as usize];
            self.cum_weight.push(self.cum_weight.last().copied().unwrap_or(0) + weight);
            if class == 0 && parent == NONE {
                bigs.push(c);
            }
            self.custs.push(Customer {
                name,
                base_len: base.len(),
                cur,
                terms,
                profile,
                lump,
                remit,
                discount,
                po,
                parent,
                bank,
            });
        }
        o.finish()
    }

    fn bank_account(&mut self, cc: &str) -> String {
        match cc {
            "DE" => {
                let b = self.digits_str(18);
                iban(cc, &b)
            }
            "FR" => {
                let b = self.digits_str(23);
                iban(cc, &b)
            }
            "NL" => {
                let bank = self.pick(&["ABNA", "RABO", "INGB", "TRIO"]);
                let b = format!("{bank}{}", self.digits_str(10));
                iban(cc, &b)
            }
            "IT" => {
                let l = char::from(b'A' + self.rng.random_range(0..26u8));
                let b = format!("{l}{}", self.digits_str(22));
                iban(cc, &b)
            }
            "ES" => {
                let b = self.digits_str(20);
                iban(cc, &b)
            }
            "AT" => {
                let b = self.digits_str(16);
                iban(cc, &b)
            }
            "BE" => {
                let b = self.digits_str(12);
                iban(cc, &b)
            }
            "GB" => {
                let bank = self.pick(&["NWBK", "BARC", "HBUK", "LOYD", "MIDL"]);
                let b = format!("{bank}{}", self.digits_str(14));
                iban(cc, &b)
            }
            "KW" => {
                let bank = self.pick(&["NBOK", "CBKU", "GULB", "BBYN"]);
                let b = format!("{bank}{}", self.digits_str(22));
                iban(cc, &b)
            }
            "JP" => format!("JP {}-{}-{}", self.digits_str(4), self.digits_str(3), self.digits_str(7)),
            _ => format!("ABA {} ACCT {}", self.digits_str(9), self.digits_str(10)),
        }
    }

    fn pick_customer(&mut self) -> u32 {
        let total = *self.cum_weight.last().unwrap_or(&1);
        let r = self.rng.random_range(0..total);
        self.cum_weight.partition_point(|&w| w <= r) as u32
    }

    // --- documents ------------------------------------------------------------------------

    fn next_doc(&mut self, t: u32) -> u32 {
        self.doc_seq[t as usize] += 1;
        let seq = self.doc_seq[t as usize];
        assert!(seq <= SEQ_MASK, "too many documents");
        self.stats.docs[t as usize] += 1;
        (t << 30) | seq
    }

    /// Writes a document row (credit notes with a negative amount) and records it in the ledger.
    fn write_doc(&mut self, id: u32, cust: u32, day: u32, amount: i64, due: u32, reference: &str) -> io::Result<()> {
        let t = id >> 30;
        let cur = self.custs[cust as usize].cur;
        let po = if t == INV && self.custs[cust as usize].po { self.po_number(id) } else { String::new() };
        let signed = if t == CN { -amount } else { amount };
        let amount_text = self.money(signed, cur);
        let cust_no = self.cust_no(cust);
        self.row
            .start()
            .id(DOC_PREFIX[t as usize], u64::from(id & SEQ_MASK), self.w_doc)
            .s(&cust_no)
            .s(&self.dates[day as usize])
            .s(&amount_text)
            .s(MARKETS[cur as usize].code)
            .s(DOC_TYPE[t as usize])
            .s(&self.dates[due as usize])
            .s(reference)
            .s(&po);
        self.docs_out[t as usize].write(&self.row, None, &[0])?;
        if let Some(l) = self.ledger.as_mut() {
            l.add_doc(id, amount, day, cur);
        }
        Ok(())
    }

    fn invoice(&mut self, day: u32) -> io::Result<()> {
        let c = self.pick_customer();
        let cur = self.custs[c as usize].cur;
        let cents = match self.range(0, 999) {
            0..=299 => self.range(5_000, 50_000),
            300..=749 => self.range(50_000, 500_000),
            750..=949 => self.range(500_000, 5_000_000),
            _ => self.range(5_000_000, 25_000_000),
        };
        let amount = self.conv(cents, cur);
        let id = self.next_doc(INV);
        let due = day + self.custs[c as usize].terms;
        let reference = if self.pm(120) { format!("SO-{}", self.digits_str(6)) } else { String::new() };
        self.write_doc(id, c, day, amount, due, &reference)?;
        self.last_inv[c as usize] = id;
        self.settle(id, c, day, amount);
        Ok(())
    }

    fn debit_note(&mut self, day: u32) -> io::Result<()> {
        let c = self.pick_customer();
        let cur = self.custs[c as usize].cur;
        let cents = self.range(1_000, 50_000);
        let amount = self.conv(cents, cur);
        let id = self.next_doc(DN);
        let due = day + self.custs[c as usize].terms;
        let last = self.last_inv[c as usize];
        let reference = if last != NONE && self.pm(700) { self.doc_no(last) } else { String::new() };
        self.write_doc(id, c, day, amount, due, &reference)?;
        self.settle(id, c, day, amount);
        Ok(())
    }

    fn credit_note(&mut self, day: u32, plan: CnPlan) -> io::Result<()> {
        let id = self.next_doc(CN);
        let inv_no = self.doc_no(plan.inv);
        self.write_doc(id, plan.cust, day, plan.amount, day, &inv_no)?;
        if plan.applied > 0 {
            let cur = self.custs[plan.cust as usize].cur;
            let amount_text = self.money(plan.applied, cur);
            self.row
                .start()
                .id("CN", u64::from(id & SEQ_MASK), self.w_doc)
                .s(&inv_no)
                .s(&amount_text)
                .s(&self.dates[day as usize])
                .s(KIND_NAME[K_CREDIT])
                .empty()
                .empty()
                .empty();
            self.credit_out.write(&self.row, Some(KIND_NAME[K_CREDIT]), &[0, 1, 3])?;
            self.stats.apps[K_CREDIT] += 1;
            if let Some(l) = self.ledger.as_mut() {
                l.apply_to(plan.inv, plan.applied, day, cur);
                l.use_credit(id, plan.applied, day, cur);
            }
        }
        Ok(())
    }

    fn plan_credit(&mut self, day: u32, inv: u32, cust: u32, amount: i64, applied: i64) {
        self.plan_seq += 1;
        self.cn_plans.push(Reverse(CnPlan { day, seq: self.plan_seq, inv, cust, amount, applied }));
    }

    // --- settlement -----------------------------------------------------------------------

    /// A payment day for a document due on `due`, per the customer's habit.
    fn pay_day(&mut self, doc_day: u32, due: u32, profile: u8) -> u32 {
        let (_, lo, hi) = PROFILES[profile as usize];
        let mut d = i64::from(due) + self.range(lo, hi);
        if self.pm(40) {
            d += self.range(30, 100); // forgotten, then chased
        }
        self.roll(d.max(i64::from(doc_day) + 2) as u32)
    }

    /// Queues a payment on its day. One dated after the extract is dropped at once, unless it is
    /// a payment run still collecting documents (kept aside, and dropped at the end).
    fn new_pay(&mut self, p: Pay) -> u32 {
        if p.day > self.end && p.cap == 0 {
            self.stats.dropped += 1;
            return NONE;
        }
        let slot = match self.free.pop() {
            Some(s) => {
                self.slab[s as usize] = p;
                s
            }
            None => {
                self.slab.push(p);
                (self.slab.len() - 1) as u32
            }
        };
        if p.day > self.end {
            self.stats.dropped += 1;
        } else {
            assert!(p.day >= self.next_day, "payment queued for a day already written");
            self.buckets[p.day as usize].push(slot);
        }
        slot
    }

    fn pay_doc(&mut self, day: u32, cust: u32, doc: u32, cash: i64) -> u32 {
        let mut p = Pay { day, cust, n: 1, ..Pay::default() };
        p.docs[0] = doc;
        p.cash[0] = cash;
        self.new_pay(p)
    }

    fn pay_with_adj(&mut self, day: u32, cust: u32, doc: u32, cash: i64, adj: (usize, i64)) {
        let (kind, amount) = adj;
        let src = self.idx(ADJ_SOURCES[kind].len()) as u8;
        let mut p = Pay { day, cust, n: 1, adj: amount, adj_kind: kind as u8, adj_src: src, ..Pay::default() };
        p.docs[0] = doc;
        p.cash[0] = cash;
        self.new_pay(p);
    }

    /// Decides how document `doc` (invoice or debit note) gets settled: disputes, credit notes,
    /// and the payments that will arrive for it.
    fn settle(&mut self, doc: u32, c: u32, day: u32, amount: i64) {
        let invoice = doc >> 30 == INV;
        let (terms, profile, lump, discount, cur) = {
            let cu = &self.custs[c as usize];
            (cu.terms, cu.profile, cu.lump, cu.discount, cu.cur)
        };
        let due = day + terms;
        if self.pm(14) {
            // A dispute: unpaid while open; once resolved, paid (pricing disputes often with a credit).
            let reason = self.range(0, 3) as u8;
            let opened = self.later(day, 3, 30);
            if opened <= self.end {
                let disputed = match reason {
                    0 => self.pct(amount, 5, 20),
                    1 => self.pct(amount, 10, 50),
                    2 => self.pct(amount, 10, 100),
                    _ => amount,
                };
                let resolved = if self.pm(600) {
                    let r = self.later(opened, 2, 75);
                    (r <= self.end).then_some(r)
                } else {
                    None
                };
                let field = if self.pm(800) { disputed } else { i64::MIN };
                self.push_dispute(doc, opened, resolved, field, reason, cur);
                match resolved {
                    Some(r) => {
                        let mut cash = amount;
                        if invoice && reason != R_NOT_RECEIVED && self.pm(500) {
                            let cn_day = self.later(r, 0, 5);
                            self.plan_credit(cn_day, doc, c, disputed, disputed);
                            cash -= disputed;
                        }
                        if cash > 0 {
                            let pd = self.pay_day(day, due, profile).max(self.later(r, 1, 10));
                            self.pay_doc(pd, c, doc, cash);
                        }
                    }
                    None => {
                        if !self.pm(700) && disputed < amount {
                            let pd = self.pay_day(day, due, profile);
                            self.pay_doc(pd, c, doc, amount - disputed);
                        }
                    }
                }
                return;
            }
        }
        let mut owed = amount;
        if invoice && self.pm(78) {
            // A credit note for this invoice, issued later: applied in full, in part, or left open.
            let credit = if self.pm(150) { amount } else { self.pct(amount, 5, 40) };
            let applied = match self.range(0, 99) {
                0..=59 => credit,
                60..=74 if credit > 1 => self.pct(credit, 30, 80).min(credit - 1),
                _ => 0,
            };
            let cn_day = self.later(day, 2, 45);
            self.plan_credit(cn_day, doc, c, credit, applied);
            owed -= applied;
        }
        if owed <= 0 || (profile == BAD_PAYER && self.pm(400)) || self.pm(25) {
            return; // credited in full, or never paid
        }
        let pd = self.pay_day(day, due, profile);
        match self.range(0, 999) {
            0..=39 if owed >= 2 => {
                // two instalments
                let first = self.pct(owed, 30, 70).min(owed - 1);
                self.pay_doc(pd, c, doc, first);
                let second = self.later(pd, 14, 45);
                self.pay_doc(second, c, doc, owed - first);
            }
            40..=69 if owed >= 2 => {
                // pays part, the rest stays open
                let part = self.pct(owed, 20, 80).min(owed - 1);
                self.pay_doc(pd, c, doc, part);
            }
            70..=99 => {
                // short by bank charges or a rounding difference: written off
                let diff = if self.pm(600) {
                    let cents = self.range(500, 2500);
                    self.conv(cents, cur)
                } else {
                    self.range(1, 99)
                };
                if diff * 10 <= owed {
                    self.pay_with_adj(pd, c, doc, owed - diff, (K_WRITE_OFF, diff));
                } else {
                    self.pay_doc(pd, c, doc, owed);
                }
            }
            100..=124 if owed >= 10 => {
                // short-paid by a deduction the customer took
                let diff = self.pct(owed, 3, 15).min(owed - 1);
                self.pay_with_adj(pd, c, doc, owed - diff, (K_DEDUCTION, diff));
            }
            _ if discount && owed == amount && self.pm(700) => {
                let early = self.later(day, 5, 10);
                let disc = owed * 2 / 100;
                if disc > 0 {
                    self.pay_with_adj(early, c, doc, owed - disc, (K_DISCOUNT, disc));
                } else {
                    self.pay_doc(early, c, doc, owed);
                }
            }
            _ if lump => {
                // payment runs: one payment for up to four documents
                let slot = self.lump_open[c as usize];
                if slot != NONE && self.slab[slot as usize].n < self.slab[slot as usize].cap {
                    let p = &mut self.slab[slot as usize];
                    p.docs[p.n as usize] = doc;
                    p.cash[p.n as usize] = owed;
                    p.n += 1;
                } else {
                    let cap = self.range(2, 4) as u8;
                    let mut p = Pay { day: pd, cust: c, n: 1, cap, ..Pay::default() };
                    p.docs[0] = doc;
                    p.cash[0] = owed;
                    self.lump_open[c as usize] = self.new_pay(p);
                }
            }
            _ => {
                self.pay_doc(pd, c, doc, owed);
            }
        }
    }

    fn push_dispute(&mut self, doc: u32, opened: u32, resolved: Option<u32>, amount: i64, reason: u8, cur: u8) {
        let owner = self.idx(OWNERS.len()) as u8;
        let note = if self.pm(850) { self.idx(NOTES[reason as usize].len()) as u8 } else { u8::MAX };
        if let Some(l) = self.ledger.as_mut() {
            l.dispute(doc, opened, resolved);
        }
        self.disputes.push(DisputeRec {
            doc,
            opened,
            resolved: resolved.unwrap_or(NONE),
            amount,
            reason,
            owner,
            note,
            cur,
        });
    }

    /// Cash paid on account: no document named.
    fn on_account(&mut self, day: u32) {
        let c = self.pick_customer();
        let cur = self.custs[c as usize].cur;
        let cents = self.range(10_000, 2_000_000);
        let extra = self.conv(cents, cur);
        let d = self.later(day, 0, 10);
        self.new_pay(Pay { day: d, cust: c, extra, ..Pay::default() });
    }

    // --- payments -------------------------------------------------------------------------

    /// Emits, in date order (and in order of creation within a day), every pending payment
    /// dated before `day`.
    fn flush_until(&mut self, day: u32) -> io::Result<()> {
        while self.next_day < day && self.next_day <= self.end {
            let bucket = std::mem::take(&mut self.buckets[self.next_day as usize]);
            self.next_day += 1;
            for slot in bucket {
                let p = self.slab[slot as usize];
                self.free.push(slot);
                if self.lump_open[p.cust as usize] == slot {
                    self.lump_open[p.cust as usize] = NONE;
                }
                self.emit_payment(p)?;
            }
        }
        Ok(())
    }

    fn payer_name(&mut self, c: u32) -> String {
        let cu = &self.custs[c as usize];
        let (name, base_len, parent) = (cu.name.clone(), cu.base_len, cu.parent);
        match self.range(0, 99) {
            0..=61 => name,
            62..=76 => name.to_uppercase(),
            77..=86 => {
                let short: String = name[..base_len].to_uppercase().chars().take(20).collect();
                short.trim_end().to_string()
            }
            87..=91 if parent != NONE => self.custs[parent as usize].name.clone(),
            87..=91 => name,
            _ => String::new(),
        }
    }

    fn short_name(&self, c: u32) -> String {
        let name = &self.custs[c as usize].name;
        name.split(' ').next().unwrap_or(name).to_uppercase()
    }

    fn payment_reference(&mut self, p: &Pay, docs: &[u32]) -> String {
        if docs.is_empty() {
            return match self.range(0, 9) {
                0..=2 => "on account".to_string(),
                3..=4 => "advance payment".to_string(),
                5..=6 => format!("Payment {}", self.short_name(p.cust)),
                7 => format!("prepayment order {}", self.digits_str(6)),
                _ => String::new(),
            };
        }
        let nums: Vec<String> = docs.iter().map(|&d| self.doc_no(d)).collect();
        let short: Vec<String> = docs.iter().map(|&d| (d & SEQ_MASK).to_string()).collect();
        match self.range(0, 99) {
            0..=29 => nums.join(" "),
            30..=44 => format!("inv {}", short.join(" / ")),
            45..=54 => format!("RE: {}", nums.join(", ")),
            55..=62 => {
                format!("{} {}", self.pick(&["Invoice", "Rechnung", "Facture", "Fattura", "Factura"]), short.join(" "))
            }
            63..=72 => format!("Payment {}", self.short_name(p.cust)),
            73..=79 if self.custs[p.cust as usize].po => {
                let pos: Vec<String> = docs.iter().map(|&d| self.po_number(d)).collect();
                format!("PO {}", pos.join(" "))
            }
            80..=86 => format!("{} {}", self.cust_no(p.cust), nums.join(" ")),
            _ => String::new(),
        }
    }

    fn emit_payment(&mut self, p: Pay) -> io::Result<()> {
        debug_assert!(p.day <= self.end, "payments after the extract are dropped when queued");
        self.pay_seq += 1;
        let pid = self.pay_seq;
        assert!(digits(pid) <= self.w_pay, "payment numbering overflowed its width");
        let cur = self.custs[p.cust as usize].cur;
        let n = p.n as usize;
        let mut allocs: Vec<(u32, i64)> = (0..n).map(|i| (p.docs[i], p.cash[i])).collect();
        allocs.sort_unstable();
        let amount: i64 = allocs.iter().map(|a| a.1).sum::<i64>() + p.extra;
        let unapplied = n == 0 || self.pm(40);
        let no_customer = unapplied && self.pm(400);
        self.stats.payments += 1;
        self.stats.unapplied += u64::from(unapplied);
        self.stats.no_customer += u64::from(no_customer);
        let payer = if no_customer && self.pm(100) { String::new() } else { self.payer_name(p.cust) };
        let docs: Vec<u32> = allocs.iter().map(|a| a.0).collect();
        let reference = self.payment_reference(&p, &docs);
        let bank = if self.pm(80) {
            String::new()
        } else {
            let cu = &self.custs[p.cust as usize];
            if cu.parent != NONE && payer == self.custs[cu.parent as usize].name {
                self.custs[cu.parent as usize].bank.clone()
            } else {
                cu.bank.clone()
            }
        };
        let amount_text = self.money(amount, cur);
        let cust_no = if no_customer { String::new() } else { self.cust_no(p.cust) };
        self.row
            .start()
            .id("PAY", pid, self.w_pay)
            .s(&self.dates[p.day as usize])
            .s(&amount_text)
            .s(MARKETS[cur as usize].code)
            .s(&cust_no)
            .s(&payer)
            .s(&reference)
            .s(&bank);
        self.pay_out.write(&self.row, None, &[0])?;
        if let Some(l) = self.ledger.as_mut() {
            l.add_pay(pid, amount, p.day, cur);
        }

        let first_doc = p.docs[0];
        if !unapplied {
            let lag = if self.pm(700) { 0 } else { self.range(1, 5) as u32 };
            let applied = self.roll(p.day + lag).min(self.end);
            for &(doc, cash) in &allocs {
                let doc_text = self.doc_no(doc);
                let cash_text = self.money(cash, cur);
                self.row
                    .start()
                    .id("PAY", pid, self.w_pay)
                    .s(&doc_text)
                    .s(&cash_text)
                    .s(&self.dates[applied as usize])
                    .s(KIND_NAME[K_PAYMENT])
                    .empty()
                    .empty()
                    .empty();
                self.payapp_out.write(&self.row, Some(KIND_NAME[K_PAYMENT]), &[0, 1, 3])?;
                self.stats.apps[K_PAYMENT] += 1;
                if let Some(l) = self.ledger.as_mut() {
                    l.apply_to(doc, cash, applied, cur);
                    l.use_payment(pid, cash, applied, cur);
                }
            }
            if p.adj_kind != 0 {
                let kind = p.adj_kind as usize;
                if let Some(l) = self.ledger.as_mut() {
                    l.apply_to(first_doc, p.adj, applied, cur);
                }
                self.adjs[kind].push(Adj {
                    src: p.adj_src,
                    doc: first_doc,
                    day: applied,
                    amount: p.adj,
                    pay: pid,
                    cur,
                });
                if kind == K_DEDUCTION {
                    let resolved = if self.pm(450) {
                        let r = self.later(applied, 7, 60);
                        (r <= self.end).then_some(r)
                    } else {
                        None
                    };
                    self.push_dispute(first_doc, applied, resolved, p.adj, R_SHORT_PAYMENT, cur);
                }
            }
        }

        if n > 0 && (self.custs[p.cust as usize].remit || self.pm(40)) {
            self.remittance(pid, &p, &allocs, cur)?;
        }
        Ok(())
    }

    fn remittance(&mut self, pid: u64, p: &Pay, allocs: &[(u32, i64)], cur: u8) -> io::Result<()> {
        let mut lines: Vec<(String, usize)> = Vec::with_capacity(allocs.len());
        for (i, &(doc, _)) in allocs.iter().enumerate() {
            let exact = self.doc_no(doc);
            let mut text = exact.clone();
            if self.pm(15) {
                // a typo: the number without its prefix or zeros, or two digits swapped
                let seq = (doc & SEQ_MASK).to_string();
                text = match self.range(0, 2) {
                    0 => exact[DOC_PREFIX[(doc >> 30) as usize].len()..].to_string(),
                    1 => format!("{}{seq}", DOC_PREFIX[(doc >> 30) as usize]),
                    _ => {
                        let mut b = exact.clone().into_bytes();
                        let k = b.len() - 1 - self.idx(seq.len().clamp(2, 4) - 1);
                        b.swap(k, k - 1);
                        String::from_utf8(b).unwrap_or(exact.clone())
                    }
                };
            }
            // A typo must not turn into another line of the same advice.
            if text != exact
                && (lines.iter().any(|(t, _)| *t == text) || allocs.iter().any(|a| self.doc_no(a.0) == text))
            {
                text = exact;
            }
            lines.push((text, i));
        }
        lines.sort();
        for (text, i) in lines {
            let (doc, cash) = allocs[i];
            let (mut disc, mut ded, mut reason) = (String::new(), String::new(), "");
            if doc == p.docs[0] && p.adj_kind != 0 {
                let src = ADJ_SOURCES[p.adj_kind as usize][p.adj_src as usize];
                match p.adj_kind as usize {
                    K_DISCOUNT => {
                        disc = self.money(p.adj, cur);
                        reason = src;
                    }
                    K_DEDUCTION => {
                        ded = self.money(p.adj, cur);
                        reason = src;
                    }
                    _ => {}
                }
            }
            let cash_text = self.money(cash, cur);
            self.row.start().id("PAY", pid, self.w_pay).s(&text).s(&cash_text).s(&disc).s(&ded).s(reason);
            self.remit_out.write(&self.row, None, &[0, 1])?;
            self.stats.remittances += 1;
        }
        Ok(())
    }

    // --- the run --------------------------------------------------------------------------

    fn run(&mut self, n: u64, bdays: &[u32]) -> io::Result<()> {
        let b = bdays.len() as u128;
        for i in 0..n {
            let day = bdays[(u128::from(i) * b / u128::from(n)) as usize];
            self.flush_until(day)?;
            let due_plan = match self.cn_plans.peek() {
                Some(Reverse(plan)) if plan.day <= day => Some(*plan),
                _ => None,
            };
            if let Some(plan) = due_plan {
                self.cn_plans.pop();
                self.credit_note(day, plan)?;
            } else if self.pm(54) {
                self.debit_note(day)?;
            } else {
                self.invoice(day)?;
            }
            if self.pm(8) {
                self.on_account(day);
            }
        }
        self.flush_until(u32::MAX)
    }

    /// Writes the buffered write-offs, discounts and deductions of `kind`, sorted by key.
    fn write_adjs(&mut self, kind: usize, path: PathBuf) -> io::Result<u64> {
        let mut v = std::mem::take(&mut self.adjs[kind]);
        v.sort_unstable_by_key(|a| (a.src, a.doc, a.day));
        let mut o = Out::create(path, None)?;
        for a in &v {
            let doc_text = self.doc_no(a.doc);
            let amount_text = self.money(a.amount, a.cur);
            self.row
                .start()
                .s(ADJ_SOURCES[kind][a.src as usize])
                .s(&doc_text)
                .s(&amount_text)
                .s(&self.dates[a.day as usize])
                .s(KIND_NAME[kind])
                .id("PAY", a.pay, self.w_pay)
                .empty()
                .empty();
            o.write(&self.row, Some(KIND_NAME[kind]), &[0, 1, 3])?;
        }
        self.stats.apps[kind] += v.len() as u64;
        o.finish()
    }

    fn write_disputes(&mut self, path: PathBuf) -> io::Result<u64> {
        let mut v = std::mem::take(&mut self.disputes);
        v.sort_unstable_by_key(|d| (d.doc, d.opened));
        let mut o = Out::create(path, Some(H_DISPUTES))?;
        for d in &v {
            let doc_text = self.doc_no(d.doc);
            let amount = if d.amount == i64::MIN { String::new() } else { self.money(d.amount, d.cur) };
            let (status, resolved) =
                if d.resolved == NONE { ("open", "") } else { ("resolved", self.dates[d.resolved as usize].as_str()) };
            let note = if d.note == u8::MAX { "" } else { NOTES[d.reason as usize][d.note as usize] };
            self.row
                .start()
                .s(&doc_text)
                .s(REASONS[d.reason as usize])
                .s(&self.dates[d.opened as usize])
                .s(status)
                .s(resolved)
                .s(&amount)
                .s(OWNERS[d.owner as usize])
                .s(note);
            o.write(&self.row, None, &[0, 2])?;
        }
        self.stats.disputes = v.len() as u64;
        o.finish()
    }
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(args) {
        eprintln!("synth: {e}");
        std::process::exit(1);
    }
}

fn run(args: Args) -> io::Result<()> {
    let t0 = Instant::now();
    let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidInput, m.to_string());
    if args.customers == 0 || args.invoices == 0 || args.months == 0 {
        return Err(bad("--customers, --invoices and --months must be at least 1"));
    }
    if args.invoices > u64::from(SEQ_MASK) {
        return Err(bad("--invoices is too large"));
    }
    let end_date = args
        .start
        .checked_add_months(Months::new(args.months))
        .and_then(|d| d.pred_opt())
        .ok_or_else(|| bad("--start/--months out of range"))?;
    let end = (end_date - args.start).num_days() as u32;
    // Dates up to the latest due date (NET90 after the last document).
    let dates: Vec<String> = (0..=u64::from(end) + 100)
        .map(|d| args.start.checked_add_days(Days::new(d)).map(|x| x.to_string()).unwrap_or_default())
        .collect();
    let weekday0 = args.start.weekday().num_days_from_monday();
    let bdays: Vec<u32> = (0..=end).filter(|d| (weekday0 + d) % 7 < 5).collect();
    if bdays.is_empty() {
        return Err(bad("the date range has no business day"));
    }
    let curs =
        MARKETS.iter().map(|m| Currency::parse(m.code).map_err(|e| bad(&e))).collect::<io::Result<Vec<Currency>>>()?;
    for s in ADJ_SOURCES {
        assert!(s.windows(2).all(|w| w[0] < w[1]), "ADJ_SOURCES must be sorted");
    }

    fs::create_dir_all(&args.out)?;
    let dir = args.out.as_path();
    let tmp = |name: &str| dir.join(format!(".synth-{name}.part"));
    let n = args.invoices;
    let check = args.check || (!args.no_check && n <= 2_000_000);
    // Every document can give at most two payments, plus the occasional payment on account.
    let max_payments = 2 * n + n / 50 + 16;
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(args.seed),
        seed: args.seed,
        end,
        weekday0,
        dates,
        curs,
        w_cust: digits(u64::from(args.customers)).max(6),
        w_doc: digits(n).max(7),
        w_pay: digits(max_payments).max(7),
        custs: Vec::with_capacity(args.customers as usize),
        cum_weight: Vec::with_capacity(args.customers as usize),
        last_inv: vec![NONE; args.customers as usize],
        lump_open: vec![NONE; args.customers as usize],
        slab: Vec::new(),
        free: Vec::new(),
        buckets: vec![Vec::new(); end as usize + 1],
        next_day: 0,
        cn_plans: BinaryHeap::new(),
        plan_seq: 0,
        doc_seq: [0; 3],
        pay_seq: 0,
        docs_out: [Out::create(tmp("cn"), None)?, Out::create(tmp("dn"), None)?, Out::create(tmp("inv"), None)?],
        pay_out: Out::create(dir.join("payments.csv"), Some(H_PAYMENTS))?,
        credit_out: Out::create(tmp("app-credit"), None)?,
        payapp_out: Out::create(tmp("app-payment"), None)?,
        remit_out: Out::create(dir.join("remittances.csv"), Some(H_REMITTANCES))?,
        adjs: Default::default(),
        disputes: Vec::new(),
        ledger: check.then(|| Ledger { docs: Default::default(), pays: Vec::new() }),
        stats: Stats::default(),
        row: Row::default(),
    };
    let customers = g.make_customers(args.customers, dir)?;
    g.run(n, &bdays)?;

    // Assemble the files whose parts were written separately.
    // Invoices and debit notes nothing was applied to: (all, of those, dated in the last 60 days).
    let untouched = g.ledger.as_ref().map(|l| {
        let from = end.saturating_sub(59);
        let mut counts = [0u64; 4];
        for t in [DN, INV] {
            for item in &l.docs[t as usize] {
                let recent = usize::from(item.day >= from) * 2;
                counts[recent] += 1;
                counts[recent + 1] += u64::from(!item.touched);
            }
        }
        counts
    });
    let ded = g.write_adjs(K_DEDUCTION, tmp("app-deduction"))?;
    let disc = g.write_adjs(K_DISCOUNT, tmp("app-discount"))?;
    let wo = g.write_adjs(K_WRITE_OFF, tmp("app-write_off"))?;
    let disputes = g.write_disputes(dir.join("disputes.csv"))?;
    let Gen { docs_out, pay_out, credit_out, payapp_out, remit_out, stats, .. } = g;
    let [cn_out, dn_out, inv_out] = docs_out;
    let docs = cn_out.finish()? + dn_out.finish()? + inv_out.finish()?;
    assemble(&dir.join("invoices.csv"), H_INVOICES, &[tmp("cn"), tmp("dn"), tmp("inv")])?;
    let payments = pay_out.finish()?;
    let apps = credit_out.finish()? + payapp_out.finish()? + ded + disc + wo;
    assemble(
        &dir.join("applications.csv"),
        H_APPLICATIONS,
        &[tmp("app-credit"), tmp("app-deduction"), tmp("app-discount"), tmp("app-payment"), tmp("app-write_off")],
    )?;
    let remittances = remit_out.finish()?;

    let s = &stats;
    let pct = |a: u64, b: u64| (a * 100).checked_div(b).unwrap_or(0);
    let open = match untouched {
        Some([old, old_open, recent, recent_open]) => format!(
            ", {}% of invoices/debit notes unpaid ({}% of those in the last 60 days)",
            pct(old_open + recent_open, old + recent),
            pct(recent_open, recent)
        ),
        None => String::new(),
    };
    eprintln!(
        "synth: customers={customers} invoices={docs} (invoice {}, credit_note {}, debit_note {}) payments={payments} \
         (unapplied {}, without customer {}; {} dated after the extract dropped) applications={apps} (credit {}, \
         deduction {}, discount {}, payment {}, write_off {}) remittances={remittances} disputes={disputes}{open}; \
         {} in {:.1}s",
        s.docs[INV as usize],
        s.docs[CN as usize],
        s.docs[DN as usize],
        s.unapplied,
        s.no_customer,
        s.dropped,
        s.apps[K_CREDIT],
        s.apps[K_DEDUCTION],
        s.apps[K_DISCOUNT],
        s.apps[K_PAYMENT],
        s.apps[K_WRITE_OFF],
        if check { "invariants checked" } else { "invariants not checked" },
        t0.elapsed().as_secs_f64()
    );
    debug_assert_eq!(s.remittances, remittances);
    debug_assert_eq!(s.disputes, disputes);
    Ok(())
}
