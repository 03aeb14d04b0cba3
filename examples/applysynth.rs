//! `applysynth`: a deterministic cash-application benchmark with ground truth, in arx's canonical CSV format.
//!
//! ```text
//! cargo run --release --example applysynth -- --customers 50000 --open-invoices 1000000 \
//!     --payments 100000 --seed 42 --as-of 2026-03-31 --out DIR
//! ```
//!
//! Writes into DIR (created if missing):
//! - `customers.csv`, `invoices.csv` (open invoices, open credit notes and the settled invoices of the
//!   history), `history_payments.csv` + `history_applications.csv` (earlier payments, fully applied, that
//!   show which bank account pays for which customer), `payments.csv` (the payments to apply),
//!   `remittances.csv` (advice lines for some of them) — all with exactly the canonical columns of
//!   CONTRACT.md §2, amounts with the currency's minor digits (JPY, KRW, VND 0, IDR and others 2), credit
//!   notes negative;
//! - `truth.csv`: `payment_id,category,expected,applications,note`, one row per payment in `payments.csv`:
//!   `expected` is `apply` or `leave` (ambiguous, a conflict or unidentifiable: the right answer is not to
//!   apply), `applications` the `;`-separated, sorted `kind:document_no:amount` a perfect matcher writes
//!   (`credit:INVOICE:amount` for a credit note netted against an invoice, the credit note in `note`);
//! - `apply.toml`: the `[apply]` tolerances the truth assumes.
//!
//! Every payment belongs to one category (share of the payments; `expected` apply unless marked leave):
//! exact_ref 16 % (the document number in free text), ref_format 10 % (`inv 12345`, `INV0012345`,
//! `SI 2026 1234`, `90012345`: case, spacing, separators, prefix or leading zeros changed), ocr_slip 4 %
//! (one look-alike character or two adjacent digits swapped, never a real number; payer and amount
//! identify), near_miss_other 1 % (a slip of another customer's invoice; payer and amount identify this
//! customer's), multi_invoice 8.5 % (2–6 numbers), po_ref 3 % (PO number or the invoice's reference),
//! remittance 6 % (advice lines, now and then one with a typo), short_pay_remit 2 % (a line with a
//! deduction and reason), discount 4 % (`2/10 net 30`, paid within 10 days: 2 % half-even), bank_fee 3 %
//! and fx_rounding 1 % (within the write-off tolerance; cents over stay on account), partial 3 %
//! (an instalment), short_pay_policy 1 % (over the tolerance, up to deduction_max: deduction),
//! overpayment 2 % (the rest stays on account), no_ref_amount 5 % (payer + the one invoice of that
//! amount), combination 3 % (the only subset of 2–4 open invoices with that sum), bank_account_only 3 %
//! (an account seen in the history), customer_id_given 3 % (lockbox), parent_pays 3 %, credit_netting 1 %
//! (invoice less an open credit note), ambiguous 3 % (leave: two or more open invoices of the amount),
//! unknown 2 % (leave: payer, account and reference tell nothing), and the harder cases:
//! - slip_names_other 2 %: invoices X and Y of one customer numbered one after the other; a payment of
//!   exactly X's open amount names Y (a one-character slip of X's number that is Y's): leave (a conflict,
//!   both listed); a later payment names Y rightly and pays it: apply (the first must not consume Y);
//! - credit_netting_named 1.5 %: 1–3 invoices and an open credit note in the reference (`INV-1 INV-2
//!   CN-3`, `INV-1 LESS CN-3`, `./.`, `minus`, separators ` , ; /`), cash = invoices − credit note: credit
//!   lines as arx's `settle()` writes them (the credit on the invoices in document-number order, each
//!   taking what it can), the rest paid;
//! - no_ref_subset 2 %: an identified payer, generic text (`PAYMENT`, `account settlement`, its own
//!   name), 2–5 of its open invoices paid, the only subset of its open items (credit notes included)
//!   with that sum: apply; a quarter are a tie of two pairs: leave;
//! - partly_readable 2 %: a memo naming 1–3 invoices exactly, the payment covering 1–3 more: written with
//!   a slip or cut short (and only they are one character from what is written) 50 %, or not written and
//!   the only subset of the payer's other open invoices equal to the rest 30 %: apply all; not written
//!   and two subsets equal the rest 20 %: leave;
//! - multi_small_diff 1.5 %: 2–5 invoices named, paid short within the tolerance on their total: one
//!   write_off line on the largest (as `settle()` does), the others paid in full;
//! - cn_not_named 1 %: the payment equals one open invoice (named, or identified by amount alone) of a
//!   payer that also has an open credit note nothing names: the invoice only, the credit note untouched;
//! - high_nominal 1.5 %: a JPY, KRW, IDR or VND customer (4.5 % of customers, 15 % of their invoices up
//!   to 10^13 minor units) paying in the shape of exact_ref, ref_format, multi_invoice, bank_fee,
//!   no_ref_amount or remittance;
//! - glued_numbers 1 %: the invoice number runs into the next word (`0090012345REF 1: 5030161251`).
//!
//! The truth never depends on processing order: a document is used by at most one payment, never beyond
//! its open amount, and a payment identified by its amount alone is on a customer without group, open
//! credit notes or instalments, where no other open invoice has that amount and no other subset (pairs
//! beyond 25 invoices) sums to it (cn_not_named, no_ref_subset: open credit notes allowed, counted in
//! the subsets); a payment decided on a subset (or a tie of subsets) takes its customer
//! whole. Document numbers come in three invoice series numbered in date order
//! (`INV-0012345`, `0090012345`, `SI/2026/01234`) plus `CN-…` credit notes in a range of their own;
//! company names are unique after normalisation and at most 31 characters, so a bank's 35-character
//! cut only ever cuts the legal form; the payer's own numbers (`OUR REF 7104553`) never look like a
//! document, PO or order number.
//!
//! The same arguments always give byte-identical files: ChaCha8 seeded from `--seed`, integer money
//! (minor units, percentages as basis points), no hash-map iteration. Documents are held in compact
//! structs (about 50 bytes each): 1,000,000 open invoices, 50,000 customers and 100,000 payments take
//! about 3 s and 140 MB in a release build and write about 105 MB.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
applysynth: write a deterministic cash-application benchmark (canonical arx CSVs + truth.csv)

usage: applysynth [--customers N] [--open-invoices N] [--payments N] [--seed S] [--as-of YYYY-MM-DD] --out DIR

  --customers N       customers (default 1000)
  --open-invoices N   open invoices (default 20000); credit notes and settled history invoices come on top
  --payments N        payments to apply (default 2000); the history adds about 0.3 x N earlier payments
  --seed S            random seed (default 42)
  --as-of D           the benchmark date (default 2026-03-31): documents before it, payments in the 30 days before
  --out DIR           output folder (created if missing)";

const NONE: u32 = u32::MAX;

// ---------------------------------------------------------------------------------------------
// The benchmark's rules
// ---------------------------------------------------------------------------------------------

/// The `[apply]` section the benchmark's arx.toml must hold (the truth assumes exactly these numbers).
const APPLY_TOML: &str = "\
[apply]
write_off_fixed = \"5.00\"     # differences up to this (payment currency units) are written off (bank fees, FX rounding) …
write_off_percent = \"0.5\"    # … and at most this % of what the payment settles: the smaller of the two
deduction_max = \"25.00\"      # a short pay of up to this, on invoices named in the reference, becomes a deduction (dispute)
";
/// write_off_percent in basis points.
const WRITE_OFF_BP: i64 = 50;
/// The early-payment discount of `2/10 net 30` terms, in basis points, and its window in days.
const DISCOUNT_BP: i64 = 200;
const DISCOUNT_DAYS: i32 = 10;

/// Category names and their share of the payments (per mille).
const CATS: [(&str, u32); N_CATS] = [
    ("exact_ref", 160),
    ("ref_format", 100),
    ("ocr_slip", 40),
    ("near_miss_other", 10),
    ("multi_invoice", 85),
    ("po_ref", 30),
    ("remittance", 60),
    ("short_pay_remit", 20),
    ("discount", 40),
    ("bank_fee", 30),
    ("fx_rounding", 10),
    ("partial", 30),
    ("short_pay_policy", 10),
    ("overpayment", 20),
    ("no_ref_amount", 50),
    ("combination", 30),
    ("bank_account_only", 30),
    ("customer_id_given", 30),
    ("parent_pays", 30),
    ("credit_netting", 10),
    ("ambiguous", 30),
    ("unknown", 20),
    ("slip_names_other", 20),
    ("credit_netting_named", 15),
    ("no_ref_subset", 20),
    ("partly_readable", 20),
    ("multi_small_diff", 15),
    ("cn_not_named", 10),
    ("high_nominal", 15),
    ("glued_numbers", 10),
];
const N_CATS: usize = 30;
const EXACT_REF: u8 = 0;
const REF_FORMAT: u8 = 1;
const OCR_SLIP: u8 = 2;
const NEAR_MISS: u8 = 3;
const MULTI: u8 = 4;
const PO_REF: u8 = 5;
const REMITTANCE: u8 = 6;
const SHORT_REMIT: u8 = 7;
const DISCOUNT: u8 = 8;
const BANK_FEE: u8 = 9;
const FX: u8 = 10;
const PARTIAL: u8 = 11;
const SHORT_POLICY: u8 = 12;
const OVERPAY: u8 = 13;
const NO_REF: u8 = 14;
const COMBINATION: u8 = 15;
const ACCOUNT_ONLY: u8 = 16;
const CID_GIVEN: u8 = 17;
const PARENT_PAYS: u8 = 18;
const NETTING: u8 = 19;
const AMBIGUOUS: u8 = 20;
const UNKNOWN: u8 = 21;
const SLIP_OTHER: u8 = 22;
const NET_NAMED: u8 = 23;
const SUBSET: u8 = 24;
const PARTLY: u8 = 25;
const MULTI_SMALL: u8 = 26;
const CN_NOT_NAMED: u8 = 27;
const HIGH_NOM: u8 = 28;
const GLUED: u8 = 29;
/// The order categories are drawn in: the most constrained first (whole customers, reserved amounts).
const CLAIM_ORDER: [u8; N_CATS] = [
    COMBINATION,
    SUBSET,
    PARTLY,
    AMBIGUOUS,
    CID_GIVEN,
    ACCOUNT_ONLY,
    NO_REF,
    CN_NOT_NAMED,
    NEAR_MISS,
    OCR_SLIP,
    SLIP_OTHER,
    REMITTANCE,
    PARTIAL,
    NETTING,
    NET_NAMED,
    PARENT_PAYS,
    DISCOUNT,
    SHORT_REMIT,
    MULTI,
    MULTI_SMALL,
    HIGH_NOM,
    PO_REF,
    BANK_FEE,
    FX,
    SHORT_POLICY,
    OVERPAY,
    GLUED,
    REF_FORMAT,
    EXACT_REF,
    UNKNOWN,
];
/// The categories a `high_nominal` payment takes its shape from (on a JPY, KRW, IDR or VND customer).
const HIGH_STYLES: [u8; 6] = [EXACT_REF, REF_FORMAT, MULTI, BANK_FEE, NO_REF, REMITTANCE];
/// Currencies from this index on have large nominal amounts (JPY, KRW, IDR, VND).
const HIGH_CUR: u8 = 3;
/// The largest amount in minor units the benchmark writes.
const MAX_MINOR: i64 = 10_000_000_000_000;

// Application kinds, in the byte order of their names.
const A_CREDIT: u8 = 0;
const A_DEDUCTION: u8 = 1;
const A_DISCOUNT: u8 = 2;
const A_PAYMENT: u8 = 3;
const A_WRITE_OFF: u8 = 4;
const KIND_NAME: [&str; 5] = ["credit", "deduction", "discount", "payment", "write_off"];

// ---------------------------------------------------------------------------------------------
// Static tables
// ---------------------------------------------------------------------------------------------

/// A currency: code, minor digits, rate from EUR cents (`minor = cents * num / den`), and the benchmark's
/// tolerances in its minor units: write_off_fixed, deduction_max, the bank-fee range and the least
/// instalment residual that is "far above" deduction_max.
struct Cur {
    code: &'static str,
    dec: u32,
    num: i64,
    den: i64,
    fixed: i64,
    dmax: i64,
    fee_lo: i64,
    fee_hi: i64,
    fx_hi: i64,
    residual_min: i64,
}

const EUR: u8 = 0;
static CURS: [Cur; 7] = [
    Cur {
        code: "EUR",
        dec: 2,
        num: 1,
        den: 1,
        fixed: 500,
        dmax: 2500,
        fee_lo: 50,
        fee_hi: 499,
        fx_hi: 99,
        residual_min: 10_000,
    },
    Cur {
        code: "USD",
        dec: 2,
        num: 11,
        den: 10,
        fixed: 500,
        dmax: 2500,
        fee_lo: 50,
        fee_hi: 499,
        fx_hi: 99,
        residual_min: 10_000,
    },
    Cur {
        code: "GBP",
        dec: 2,
        num: 85,
        den: 100,
        fixed: 500,
        dmax: 2500,
        fee_lo: 50,
        fee_hi: 499,
        fx_hi: 99,
        residual_min: 10_000,
    },
    Cur {
        code: "JPY",
        dec: 0,
        num: 160,
        den: 100,
        fixed: 5,
        dmax: 25,
        fee_lo: 1,
        fee_hi: 4,
        fx_hi: 4,
        residual_min: 1_000,
    },
    Cur {
        code: "KRW",
        dec: 0,
        num: 15,
        den: 1,
        fixed: 5,
        dmax: 25,
        fee_lo: 1,
        fee_hi: 4,
        fx_hi: 4,
        residual_min: 1_000,
    },
    Cur {
        code: "IDR",
        dec: 2,
        num: 17_500,
        den: 1,
        fixed: 500,
        dmax: 2500,
        fee_lo: 50,
        fee_hi: 499,
        fx_hi: 99,
        residual_min: 10_000,
    },
    Cur {
        code: "VND",
        dec: 0,
        num: 270,
        den: 1,
        fixed: 5,
        dmax: 25,
        fee_lo: 1,
        fee_hi: 4,
        fx_hi: 4,
        residual_min: 1_000,
    },
];

/// A country: its currency, share of customers (per mille), legal forms, e-mail domains, addresses.
struct Country {
    code: &'static str,
    cur: u8,
    permille: u32,
    suffixes: &'static [&'static str],
    tlds: &'static [&'static str],
    addresses: &'static [(&'static str, &'static str)],
    regions: &'static [&'static str],
}

static COUNTRIES: [Country; 15] = [
    Country {
        code: "DE",
        cur: 0,
        permille: 175,
        suffixes: &["GmbH", "GmbH", "AG"],
        tlds: &["de", "com"],
        addresses: &[
            ("Hauptstraße", "80331 München"),
            ("Industriestraße", "70565 Stuttgart"),
            ("Am Sandtorkai", "20457 Hamburg"),
        ],
        regions: &["Deutschland", "Süd", "Nord"],
    },
    Country {
        code: "FR",
        cur: 0,
        permille: 90,
        suffixes: &["SARL", "S.A."],
        tlds: &["fr", "com"],
        addresses: &[("Rue de la Paix", "75002 Paris"), ("Avenue Jean Jaurès", "69007 Lyon")],
        regions: &["France", "Île-de-France"],
    },
    Country {
        code: "NL",
        cur: 0,
        permille: 60,
        suffixes: &["B.V."],
        tlds: &["nl", "com"],
        addresses: &[("Keizersgracht", "1015 CJ Amsterdam"), ("Coolsingel", "3012 AA Rotterdam")],
        regions: &["Nederland", "Benelux"],
    },
    Country {
        code: "AT",
        cur: 0,
        permille: 40,
        suffixes: &["GmbH", "AG"],
        tlds: &["at"],
        addresses: &[("Mariahilfer Straße", "1070 Wien"), ("Landstraße", "4020 Linz")],
        regions: &["Austria", "Österreich"],
    },
    Country {
        code: "BE",
        cur: 0,
        permille: 30,
        suffixes: &["S.A.", "B.V."],
        tlds: &["be", "eu"],
        addresses: &[("Avenue Louise", "1050 Bruxelles"), ("Meir", "2000 Antwerpen")],
        regions: &["Belgium", "Benelux"],
    },
    Country {
        code: "ES",
        cur: 0,
        permille: 50,
        suffixes: &["S.A."],
        tlds: &["es"],
        addresses: &[("Calle Mayor", "28013 Madrid"), ("Passeig de Gràcia", "08007 Barcelona")],
        regions: &["España", "Iberia"],
    },
    Country {
        code: "PL",
        cur: 0,
        permille: 60,
        suffixes: &["Sp. z o.o."],
        tlds: &["pl", "com.pl"],
        addresses: &[("ul. Marszałkowska", "00-624 Warszawa"), ("ul. Piotrkowska", "90-001 Łódź")],
        regions: &["Polska", "CEE"],
    },
    Country {
        code: "BG",
        cur: 0,
        permille: 40,
        suffixes: &["OOD", "EOOD"],
        tlds: &["bg"],
        addresses: &[("bul. Vitosha", "1000 Sofia"), ("ul. Knyaz Boris I", "9000 Varna")],
        regions: &["Bulgaria", "Balkans"],
    },
    Country {
        code: "IT",
        cur: 0,
        permille: 60,
        suffixes: &["S.r.l.", "S.p.A."],
        tlds: &["it"],
        addresses: &[("Via Roma", "20121 Milano"), ("Via del Corso", "00186 Roma")],
        regions: &["Italia"],
    },
    Country {
        code: "US",
        cur: 1,
        permille: 220,
        suffixes: &["Inc.", "Inc.", "LLC"],
        tlds: &["com", "us"],
        addresses: &[("Market Street", "San Francisco CA 94105"), ("Peachtree Street", "Atlanta GA 30303")],
        regions: &["USA", "Americas"],
    },
    Country {
        code: "GB",
        cur: 2,
        permille: 110,
        suffixes: &["Ltd", "Ltd", "Limited"],
        tlds: &["co.uk", "com"],
        addresses: &[("High Street", "London EC1A 1BB"), ("Deansgate", "Manchester M3 2BW")],
        regions: &["UK", "UK & Ireland"],
    },
    Country {
        code: "JP",
        cur: 3,
        permille: 20,
        suffixes: &["K.K.", "Co., Ltd."],
        tlds: &["co.jp"],
        addresses: &[("Marunouchi 1-2-3", "Chiyoda-ku Tokyo 100-0005"), ("Umeda 2-4-9", "Kita-ku Osaka 530-0001")],
        regions: &["Japan", "Asia Pacific"],
    },
    Country {
        code: "KR",
        cur: 4,
        permille: 15,
        suffixes: &["Co., Ltd.", "Corp."],
        tlds: &["co.kr"],
        addresses: &[("Teheran-ro", "Gangnam-gu Seoul 06236"), ("Haeundae-ro", "Busan 48094")],
        regions: &["Korea", "Asia Pacific"],
    },
    Country {
        code: "ID",
        cur: 5,
        permille: 15,
        suffixes: &["Co., Ltd.", "Ltd"],
        tlds: &["co.id"],
        addresses: &[("Jl. Jend. Sudirman", "Jakarta 12190"), ("Jl. Pemuda", "Surabaya 60271")],
        regions: &["Indonesia", "ASEAN"],
    },
    Country {
        code: "VN",
        cur: 6,
        permille: 15,
        suffixes: &["Co., Ltd.", "Corp."],
        tlds: &["vn", "com.vn"],
        addresses: &[("Le Loi", "District 1, Ho Chi Minh City"), ("Trang Tien", "Hoan Kiem, Ha Noi")],
        regions: &["Vietnam", "ASEAN"],
    },
];

#[rustfmt::skip]
const NAME_FIRST: &[&str] = &[
    "Acme", "Nordwind", "Alpen", "Baltic", "Crescent", "Delta", "Evergreen", "Falcon", "Granite", "Harbor",
    "Iris", "Juniper", "Kestrel", "Lumen", "Meridian", "Northstar", "Orion", "Pinnacle", "Quantum", "Riverside",
    "Summit", "Titan", "Union", "Vertex", "Westfield", "Zenith", "Atlas", "Beacon", "Cobalt", "Horizon",
    "Müller", "Schröder", "Dubois", "Rossi", "García", "Jansen", "Nakamura", "Lefèvre", "Bianchi", "Sørensen",
    "O'Brien", "Kowalski", "Dvořák", "Svensson", "Wiśniewski", "Dimitrov", "Takeda", "Château", "Brückner", "Gonçalves",
    "Aurora", "Borealis", "Cedar", "Dynamo", "Ember", "Fjord", "Glacier", "Helios", "Indigo", "Jade",
    "Kinetic", "Lighthouse", "Magnolia", "Nimbus", "Oakridge", "Pioneer", "Quarry", "Redwood", "Sapphire", "Tundra",
    "Ultramar", "Valley", "Willow", "Xenon", "Yellowstone", "Zephyr", "Amber", "Bluewater", "Citadel", "Dovetail",
    "Eastgate", "Foxglove", "Highland", "Ironwood", "Keystone", "Lakeside", "Monarch", "Newport", "Oceanic", "Polaris",
    "Quayside", "Rosewood", "Silverline", "Trident", "Upland", "Vanguard", "Wavecrest", "Yorkton", "Zürcher", "Élan",
    "Rheintal", "Donau", "Adler", "Sonnenberg", "Falkenstein", "Lindholm", "Marlowe", "Brightwater", "Coppergate", "Greenfield",
];
#[rustfmt::skip]
const NAME_SECOND: &[&str] = &[
    "Industrial", "Logistics", "Foods", "Retail", "Pharma", "Components", "Textiles", "Engineering", "Packaging",
    "Electronics", "Automotive", "Trading", "Chemicals", "Furniture", "Medical", "Software", "Construction", "Energy",
    "Paper", "Plastics", "Steel", "Beverages", "Hospitality", "Agri", "Optics", "Tools", "Marine", "Aerospace",
    "Printing", "Cosmetics", "Metals", "Robotics", "Instruments", "Hydraulics", "Coatings", "Ceramics", "Glass",
    "Timber", "Dairy", "Bakery", "Apparel", "Footwear", "Lighting", "Security", "Telecom", "Analytics", "Biotech",
    "Diagnostics", "Recycling", "Fasteners", "Bearings", "Cables", "Pumps", "Valves", "Filters", "Adhesives",
    "Lubricants", "Fragrances", "Toys", "Sports",
];
#[rustfmt::skip]
const NAME_THIRD: &[&str] = &[
    "", "", "", "", "", "", "", "International", "International", "International", "Group", "Services",
    "Solutions", "Systems", "Supply", "Partners", "Holding", "Europe", "Distribution", "Technologies", "Manufacturing",
];
#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    "Bergmann", "Fischer", "Hughes", "Walker", "Moreau", "Keller", "Becker", "Wagner", "Hoffmann", "Lambert",
    "Fontaine", "Girard", "Conti", "Ricci", "Visser", "Bakker", "Smith", "Taylor", "Brown", "Wilson", "Clarke",
    "Evans", "Nowak", "Wójcik", "Kovač", "Horvat", "Popescu", "Georgiev", "Šimek", "Løvgren", "Peña", "Åberg",
];
const AMP_TAILS: &[&str] = &["Sons", "Partners", "Söhne", "Fils", "Co"];
/// Private payers and bank texts that name no customer (surnames disjoint from the company word lists).
#[rustfmt::skip]
const PERSON_FIRST: &[&str] = &[
    "Anna", "Jan", "Marie", "Lukas", "Sofia", "Peter", "Elena", "Thomas", "Laura", "Mateo", "Olga", "Kenji",
    "Emma", "Noah", "Chloé", "Pierre", "Ines", "Tomasz",
];
#[rustfmt::skip]
const PERSON_LAST: &[&str] = &[
    "Lindqvist", "Okafor", "Nguyen", "Haddad", "Kaur", "Mendes", "Quispe", "Varga", "Halvorsen", "Ferreira",
    "Castellano", "Abramowicz", "Yilmaz", "Oyelaran", "Bjornstad", "Radulescu", "Sato", "Heikkinen",
];
const BANK_TEXTS: &[&str] = &[
    "ONLINE BANKING TRANSFER",
    "SAMMELUEBERWEISUNG",
    "E-BANKING PAYMENT",
    "MOBILE BANKING",
    "INSTANT PAYMENT",
    "INTERNET BANKING",
    "CASH DEPOSIT",
];
const DEDUCTION_REASONS: &[&str] = &["damaged goods", "pricing", "short delivery", "promotion allowance", "quality"];
const EMAIL_LOCAL: &[&str] = &["ap", "accounts.payable", "invoices", "finance", "creditors", "payables"];

// Document number series, in the byte order of their text ("0090…" < "CN-" < "INV-" < "SI/").
const S_NUM: u8 = 0;
const S_CN: u8 = 1;
const S_INV: u8 = 2;
const S_SI: u8 = 3;

// Document kinds.
const D_OPEN: u8 = 0;
const D_CN: u8 = 1;
const D_HIST: u8 = 2;

// Payment terms.
const TERMS: [&str; 3] = ["net 30", "net 60", "2/10 net 30"];
const TERMS_DAYS: [i32; 3] = [30, 60, 30];
const T_DISC: u8 = 2;

// ---------------------------------------------------------------------------------------------
// Small helpers: dates, money, text
// ---------------------------------------------------------------------------------------------

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn parse_date(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = s[..4].parse().ok()?;
    let m: i64 = s[5..7].parse().ok()?;
    let d: i64 = s[8..].parse().ok()?;
    let z = days_from_civil(y, m, d);
    (civil_from_days(z) == (y, m, d)).then_some(z as i32)
}

fn fmt_date(z: i32) -> String {
    let (y, m, d) = civil_from_days(i64::from(z));
    format!("{y:04}-{m:02}-{d:02}")
}

fn year_of(z: i32) -> u16 {
    civil_from_days(i64::from(z)).0 as u16
}

/// Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).
fn weekday(z: i32) -> i32 {
    (z + 3).rem_euclid(7)
}

fn money(minor: i64, cur: u8) -> String {
    let dec = CURS[cur as usize].dec;
    if dec == 0 {
        return minor.to_string();
    }
    let p = 10u64.pow(dec);
    let v = minor.unsigned_abs();
    format!("{}{}.{:0w$}", if minor < 0 { "-" } else { "" }, v / p, v % p, w = dec as usize)
}

/// `amount * bp / 10000`, rounded half to even (money is integer minor units; no floating point).
fn bp_half_even(amount: i64, bp: i64) -> i64 {
    let n = amount * bp;
    let (q, r) = (n.div_euclid(10_000), n.rem_euclid(10_000));
    match r.cmp(&5_000) {
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
        std::cmp::Ordering::Less => q,
    }
}

/// The write-off tolerance for settling `open`: the smaller of write_off_fixed and write_off_percent.
fn tolerance(open: i64, cur: u8) -> i64 {
    CURS[cur as usize].fixed.min(open * WRITE_OFF_BP / 10_000)
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// ASCII transliteration of one letter; `german` spells umlauts out (ü → ue) as German banks do.
fn fold(ch: char, german: bool) -> Option<&'static str> {
    Some(match ch {
        'ä' if german => "ae",
        'ö' if german => "oe",
        'ü' if german => "ue",
        'Ä' if german => "Ae",
        'Ö' if german => "Oe",
        'Ü' if german => "Ue",
        'ä' | 'á' | 'à' | 'â' | 'å' | 'ã' => "a",
        'Ä' | 'Á' | 'À' | 'Â' | 'Å' => "A",
        'ö' | 'ó' | 'ò' | 'ô' | 'ø' | 'õ' => "o",
        'Ö' | 'Ó' | 'Ø' => "O",
        'ü' | 'ú' | 'ù' | 'û' => "u",
        'Ü' | 'Ú' => "U",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'É' | 'È' => "E",
        'í' | 'ì' | 'î' | 'ï' => "i",
        'Î' | 'Í' => "I",
        'ñ' | 'ń' => "n",
        'ç' | 'č' | 'ć' => "c",
        'ś' | 'š' | 'ş' => "s",
        'Š' | 'Ś' => "S",
        'ż' | 'ź' | 'ž' => "z",
        'ł' => "l",
        'Ł' => "L",
        'ř' => "r",
        'ý' => "y",
        'ß' => "ss",
        'æ' => "ae",
        _ => return None,
    })
}

fn ascii(s: &str, german: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match fold(ch, german) {
            Some(r) => out.push_str(r),
            None => out.push(ch),
        }
    }
    out
}

/// The identity of a company name as a matcher would normalise it: no legal form, ASCII, upper case,
/// "International" = "INTL", "&" = "AND", letters and digits only; cut to 30 so SEPA truncation keeps it.
fn name_key(base: &str) -> String {
    let s = ascii(base, false).to_uppercase().replace("INTERNATIONAL", "INTL").replace('&', "AND");
    s.chars().filter(char::is_ascii_alphanumeric).take(30).collect()
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for ch in ascii(s, true).chars().flat_map(char::to_lowercase) {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
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

/// The first `n` characters of `s` (SEPA cuts names at 35), without trailing blanks.
fn cut(s: &str, n: usize) -> String {
    s.chars().take(n).collect::<String>().trim_end().to_string()
}

/// Whether `b` is `a` with one character replaced or two adjacent characters swapped.
fn one_slip(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).take(3).collect();
    match diff.len() {
        1 => true,
        2 => diff[1] == diff[0] + 1 && a[diff[0]] == b[diff[1]] && a[diff[1]] == b[diff[0]],
        _ => false,
    }
}

/// Whether `a` and `b` (letters and digits, upper case) are one character apart: replaced, two
/// adjacent swapped, or one dropped or added.
fn near(a: &str, b: &str) -> bool {
    let norm =
        |s: &str| s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect::<String>();
    let (a, b) = (norm(a), norm(b));
    if a == b {
        return false;
    }
    if a.len() == b.len() {
        return one_slip(&a, &b);
    }
    let (long, short) = if a.len() > b.len() { (a.as_bytes(), b.as_bytes()) } else { (b.as_bytes(), a.as_bytes()) };
    if long.len() != short.len() + 1 {
        return false;
    }
    let k = (0..short.len()).find(|&i| long[i] != short[i]).unwrap_or(short.len());
    long[k + 1..] == short[k..]
}

/// Every one-character OCR/typing slip of `s`: look-alike characters (0/O, 1/I/l, 5/S, 8/B, 2/Z) and
/// swaps of two different adjacent digits.
fn slips(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    for i in 0..b.len() {
        let subs: &[u8] = match b[i] {
            b'0' => b"O",
            b'O' => b"0",
            b'1' => b"Il",
            b'I' => b"1l",
            b'5' => b"S",
            b'S' => b"5",
            b'8' => b"B",
            b'B' => b"8",
            b'2' => b"Z",
            b'Z' => b"2",
            _ => b"",
        };
        for &c in subs {
            let mut v = b.to_vec();
            v[i] = c;
            out.push(String::from_utf8_lossy(&v).into_owned());
        }
        if i + 1 < b.len() && b[i].is_ascii_digit() && b[i + 1].is_ascii_digit() && b[i] != b[i + 1] {
            let mut v = b.to_vec();
            v.swap(i, i + 1);
            out.push(String::from_utf8_lossy(&v).into_owned());
        }
    }
    out
}

/// How many non-empty subsets of `amts` sum to exactly `target` (meet in the middle; `amts.len()` ≤ 26).
fn subset_count(amts: &[i64], target: i64) -> u64 {
    fn sums(a: &[i64]) -> Vec<i64> {
        let mut s = vec![0i64];
        for &x in a {
            let n = s.len();
            for i in 0..n {
                s.push(s[i] + x);
            }
        }
        s
    }
    let (l, r) = amts.split_at(amts.len() / 2);
    let mut rs = sums(r);
    rs.sort_unstable();
    let mut n = 0u64;
    for s in sums(l) {
        let want = target - s;
        let lo = rs.partition_point(|&x| x < want);
        let hi = rs.partition_point(|&x| x <= want);
        n += (hi - lo) as u64;
    }
    // The empty subset sums to 0, never to a positive target.
    n
}

// ---------------------------------------------------------------------------------------------
// CSV output
// ---------------------------------------------------------------------------------------------

struct Csv {
    w: BufWriter<File>,
    rows: u64,
}

impl Csv {
    fn create(dir: &Path, name: &str, header: &[&str]) -> io::Result<Csv> {
        let path = dir.join(name);
        let f = File::create(&path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let mut c = Csv { w: BufWriter::with_capacity(1 << 20, f), rows: 0 };
        c.row(header)?;
        c.rows = 0;
        Ok(c)
    }

    fn row<S: AsRef<str>>(&mut self, fields: &[S]) -> io::Result<()> {
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                self.w.write_all(b",")?;
            }
            let f = f.as_ref();
            if f.contains([',', '"', '\n', '\r']) {
                write!(self.w, "\"{}\"", f.replace('"', "\"\""))?;
            } else {
                self.w.write_all(f.as_bytes())?;
            }
        }
        self.w.write_all(b"\n")?;
        self.rows += 1;
        Ok(())
    }

    fn finish(mut self) -> io::Result<u64> {
        self.w.flush()?;
        Ok(self.rows)
    }
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
const H_TRUTH: &[&str] = &["payment_id", "category", "expected", "applications", "note"];

// ---------------------------------------------------------------------------------------------
// Generator state
// ---------------------------------------------------------------------------------------------

struct Customer {
    base: String,
    suffix: &'static str,
    country: u8,
    cur: u8,
    class: u8,
    terms: u8,
    parent: u32,
    is_parent: bool,
    po_style: u8,
    fee: i64,
    accounts: Vec<String>,
    email: String,
    address: String,
    credit_limit: i64,
    /// Open invoices and open credit notes (indices into `docs`).
    invs: Vec<u32>,
    cns: Vec<u32>,
    /// Taken whole by a `combination` payment: no other payment touches it.
    exclusive: bool,
    /// A payment identified by amount alone is on it: no instalment may leave a residual open.
    amount_locked: bool,
    /// An instalment leaves a residual open on it: no payment may be identified by amount alone.
    residual: bool,
    /// Accounts (indices) the history must show paying for it.
    hist_accounts: Vec<u8>,
}

impl Customer {
    fn name(&self) -> String {
        format!("{} {}", self.base, self.suffix)
    }
}

struct Doc {
    amount: i64,
    po: u64,
    cust: u32,
    date: i32,
    due: i32,
    seq: u32,
    so: u32,
    /// The invoice a credit note credits.
    cn_ref: u32,
    year: u16,
    kind: u8,
    series: u8,
    used: bool,
}

/// A truth application: kind, document (the invoice; for `credit` the invoice the credit note goes to).
#[derive(Clone, Copy)]
struct App {
    kind: u8,
    doc: u32,
    amount: i64,
}

/// A remittance advice line (`typo`: the document number is written with a slip).
#[derive(Clone, Copy)]
struct Line {
    doc: u32,
    cash: i64,
    deduction: i64,
    reason: u8,
    typo: bool,
}

struct Pay {
    cat: u8,
    /// The customer whose documents it pays (NONE: unknown payer).
    cust: u32,
    date: i32,
    amount: i64,
    cur: u8,
    /// Truth applications.
    apps: Vec<App>,
    /// Documents named by the reference, in reference order.
    refs: Vec<u32>,
    lines: Vec<Line>,
    /// The credit note netted (credit_netting) / the coinciding invoice (unknown).
    other: u32,
    /// Category detail: instalment count (partial), 1 = under (fx_rounding), group size (ambiguous).
    param: i64,
    /// The account index of the customer it comes from (ACCOUNT_ONLY).
    acct: u8,
    id: u32,
    /// The category whose text it is written in (its own, or the shape a high_nominal payment takes).
    style: u8,
    /// The right answer is to leave it (ambiguous, a conflict, nothing explains it).
    leave: bool,
}

struct Hist {
    cust: u32,
    acct: u8,
    date: i32,
    docs: Vec<u32>,
    id: u32,
}

#[derive(Default)]
struct Numbering {
    inv_start: u32,
    inv_count: u32,
    num_start: u32,
    num_count: u32,
    cn_start: u32,
    cn_count: u32,
    si_width: usize,
    /// Per year: the SI documents in sequence order.
    si: Vec<(u16, Vec<u32>)>,
}

struct Gen {
    rng: ChaCha8Rng,
    as_of: i32,
    pay_lo: i32,
    pay_hi: i32,
    custs: Vec<Customer>,
    cum_weight: Vec<u64>,
    docs: Vec<Doc>,
    n_open: u32,
    cn_list: Vec<u32>,
    accounts: HashSet<String>,
    pos: HashSet<u64>,
    sos: HashSet<u32>,
    /// PO-style numbers (`PO-n`) → document, to keep bare invoice numbers from pointing at them.
    po_docs: HashMap<u64, u32>,
    pays: Vec<Pay>,
    hist: Vec<Hist>,
    num: Numbering,
    fallbacks: [u32; N_CATS],
    /// A second payment a claim made (slip_names_other's follow-up), taken next.
    pending: Vec<Pay>,
    /// (X, Y) of slip_names_other: Y is numbered right next to X in their series.
    pairs: Vec<(u32, u32)>,
    /// Claims draw open invoices of JPY, KRW, IDR and VND customers only (high_nominal).
    only_high: bool,
    high_docs: Vec<u32>,
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
    fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + self.rng.random_range(0..10u8))).collect()
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.idx(i + 1);
            v.swap(i, j);
        }
    }
    /// A random business day in `lo..=hi`.
    fn biz_day(&mut self, lo: i32, hi: i32) -> Option<i32> {
        if lo > hi {
            return None;
        }
        for _ in 0..16 {
            let d = self.rng.random_range(lo..=hi);
            if weekday(d) < 5 {
                return Some(d);
            }
        }
        (lo..=hi).find(|&d| weekday(d) < 5)
    }
    /// A payment date: a business day in the payment window, not before `min_day`, not after `max_day`.
    fn pay_day(&mut self, min_day: i32, max_day: i32) -> Option<i32> {
        self.biz_day(min_day.max(self.pay_lo), max_day.min(self.pay_hi))
    }
    /// A number the payer uses for itself, in a range no document, PO or order number can have.
    fn noise(&mut self) -> String {
        if self.pm(500) {
            self.range(6_000_000, 7_999_999).to_string()
        } else {
            self.range(60_000_000, 79_999_999).to_string()
        }
    }

    // --- money ----------------------------------------------------------------------------

    fn eur_cents(&mut self) -> i64 {
        let v = match self.range(0, 99) {
            0..=9 => self.range(2_000, 9_999),
            10..=44 => self.range(10_000, 99_999),
            45..=89 => self.range(100_000, 999_999),
            _ => self.range(1_000_000, 5_000_000),
        };
        if self.pm(150) {
            v - v % 100
        } else {
            v
        }
    }
    fn conv(eur_cents: i64, cur: u8) -> i64 {
        let c = &CURS[cur as usize];
        (eur_cents * c.num / c.den).max(1)
    }
    fn amount_in(&mut self, cur: u8) -> i64 {
        let c = self.eur_cents();
        Self::conv(c, cur)
    }

    // --- customers ------------------------------------------------------------------------

    fn bank_account(&mut self, cc: &str) -> String {
        loop {
            let a = match cc {
                "DE" => iban(cc, &self.digits(18)),
                "FR" => iban(cc, &self.digits(23)),
                "NL" => {
                    let b = self.pick(&["ABNA", "RABO", "INGB", "TRIO"]);
                    iban(cc, &format!("{b}{}", self.digits(10)))
                }
                "AT" => iban(cc, &self.digits(16)),
                "BE" => iban(cc, &self.digits(12)),
                "ES" => iban(cc, &self.digits(20)),
                "PL" => iban(cc, &self.digits(24)),
                "BG" => {
                    let b = self.pick(&["BNBG", "UNCR", "FINV", "STSA"]);
                    iban(cc, &format!("{b}{}", self.digits(14)))
                }
                "IT" => {
                    let l = char::from(b'A' + self.rng.random_range(0..26u8));
                    iban(cc, &format!("{l}{}", self.digits(22)))
                }
                "GB" => {
                    let b = self.pick(&["NWBK", "BARC", "HBUK", "LOYD", "MIDL"]);
                    iban(cc, &format!("{b}{}", self.digits(14)))
                }
                "JP" => format!("JP {}-{}-{}", self.digits(4), self.digits(3), self.digits(7)),
                "KR" => format!("KR {}-{}-{}", self.digits(3), self.digits(6), self.digits(5)),
                "ID" => format!("ID {}", self.digits(10)),
                "VN" => format!("VN {}", self.digits(12)),
                _ => format!("ABA {} ACCT {}", self.digits(9), self.digits(10)),
            };
            if self.accounts.insert(a.clone()) {
                return a;
            }
        }
    }

    fn company_base(&mut self, used: &mut HashSet<String>, parent: Option<&str>, region: &str) -> String {
        for attempt in 0..10_000u32 {
            let base = if let (Some(p), true) = (parent, attempt < 4) {
                format!("{p} {region}")
            } else {
                match self.range(0, 99) {
                    0..=79 => {
                        let (a, b, c) = (self.pick(NAME_FIRST), self.pick(NAME_SECOND), self.pick(NAME_THIRD));
                        if c.is_empty() {
                            format!("{a} {b}")
                        } else {
                            format!("{a} {b} {c}")
                        }
                    }
                    80..=91 => {
                        let (a, b) = (self.pick(SURNAMES), self.pick(SURNAMES));
                        if a == b {
                            continue;
                        }
                        if self.pm(500) {
                            format!("{a} & {b}")
                        } else {
                            let s = self.pick(NAME_SECOND);
                            format!("{a} & {b} {s}")
                        }
                    }
                    _ => {
                        let (a, t) = (self.pick(SURNAMES), self.pick(AMP_TAILS));
                        let s = self.pick(NAME_SECOND);
                        format!("{a} & {t} {s}")
                    }
                }
            };
            // Crowded name space (very many customers): add a region to tell them apart.
            let base = if attempt > 200 {
                let k = self.idx(COUNTRIES.len());
                let r = self.pick(COUNTRIES[k].regions);
                format!("{base} {r}")
            } else {
                base
            };
            // At most 31 characters, so that a bank's 35-character cut (even with "&" spelt "AND" and
            // umlauts spelt out) only ever cuts the legal form, never what tells two customers apart.
            if base.chars().count() <= 31 && used.insert(name_key(&base)) {
                return base;
            }
        }
        // Unreachable in practice: the region fallback gives ~10^6 distinct names.
        let n = used.len();
        format!("Company {n}")
    }

    fn make_customers(&mut self, n: u32) {
        let mut used = HashSet::new();
        let mut order: Vec<u32> = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let class = match self.range(0, 999) {
                0..=19 => 0u8,
                20..=199 => 1,
                _ => 2,
            };
            let mut r = self.range(0, 999) as u32;
            let mut country = 0u8;
            for (i, c) in COUNTRIES.iter().enumerate() {
                if r < c.permille {
                    country = i as u8;
                    break;
                }
                r -= c.permille;
            }
            let terms = match self.range(0, 99) {
                0..=54 => 0u8,
                55..=82 => 1,
                _ => T_DISC,
            };
            let po_style = match self.range(0, 9) {
                0..=3 => 0u8,
                4..=6 => 1,
                _ => 2,
            };
            self.custs.push(Customer {
                base: String::new(),
                suffix: "",
                country,
                cur: COUNTRIES[country as usize].cur,
                class,
                terms,
                parent: NONE,
                is_parent: false,
                po_style,
                fee: 0,
                accounts: Vec::new(),
                email: String::new(),
                address: String::new(),
                credit_limit: 0,
                invs: Vec::new(),
                cns: Vec::new(),
                exclusive: false,
                amount_locked: false,
                residual: false,
                hist_accounts: Vec::new(),
            });
        }
        // Groups: about 5 % of customers are subsidiaries of a parent (a bigger customer), in its currency.
        let parents: Vec<u32> = (0..n).filter(|&c| self.custs[c as usize].class < 2).collect();
        if !parents.is_empty() && n >= 20 {
            for c in 0..n {
                if self.custs[c as usize].class == 2 && self.pm(62) {
                    let p = self.pick(&parents);
                    if self.custs[p as usize].parent != NONE || p == c {
                        continue;
                    }
                    let pc = self.custs[p as usize].country;
                    let country =
                        if self.custs[p as usize].cur == EUR && self.pm(500) { self.idx(9) as u8 } else { pc };
                    let cu = &mut self.custs[c as usize];
                    cu.parent = p;
                    cu.country = country;
                    cu.cur = COUNTRIES[country as usize].cur;
                    self.custs[p as usize].is_parent = true;
                }
            }
        }
        // Names: independents and parents first, then subsidiaries (half carry the group's name).
        order.extend((0..n).filter(|&c| self.custs[c as usize].parent == NONE));
        order.extend((0..n).filter(|&c| self.custs[c as usize].parent != NONE));
        for c in order {
            let (country, parent) =
                (&COUNTRIES[self.custs[c as usize].country as usize], self.custs[c as usize].parent);
            let parent_base =
                if parent != NONE && self.pm(500) { Some(self.custs[parent as usize].base.clone()) } else { None };
            let region = self.pick(country.regions);
            let base = self.company_base(&mut used, parent_base.as_deref(), region);
            let suffix = self.pick(country.suffixes);
            let tld = self.pick(country.tlds);
            let email = if self.pm(880) {
                let local = self.pick(EMAIL_LOCAL);
                let words: Vec<&str> = base.split(' ').take(2).collect();
                format!("{local}@{}.{tld}", slug(&words.join(" ")))
            } else {
                String::new()
            };
            let (street, city) = self.pick(country.addresses);
            let no = self.range(1, 180);
            let address = match country.code {
                "US" | "GB" => format!("{no} {street}, {city}, {}", country.code),
                "JP" => format!("{street}, {city}, {}", country.code),
                _ => format!("{street} {no}, {city}, {}", country.code),
            };
            let class = self.custs[c as usize].class;
            let k = match class {
                0 => self.range(250, 2000),
                1 => self.range(50, 250),
                _ => self.range(5, 50),
            };
            let cur = self.custs[c as usize].cur;
            let step = 1000 * 10i64.pow(CURS[cur as usize].dec);
            let limit = (Self::conv(k * 100_000, cur) / step).max(1) * step;
            let n_acc = if self.pm(150) { 2 } else { 1 };
            let accounts: Vec<String> = (0..n_acc).map(|_| self.bank_account(country.code)).collect();
            let fee = if self.pm(60) { self.amount_in(cur) } else { 0 };
            let cu = &mut self.custs[c as usize];
            cu.base = base;
            cu.suffix = suffix;
            cu.email = email;
            cu.address = address;
            cu.credit_limit = limit;
            cu.accounts = accounts;
            cu.fee = fee;
        }
        let mut acc = 0u64;
        for cu in &self.custs {
            acc += [40u64, 6, 1][cu.class as usize];
            self.cum_weight.push(acc);
        }
    }

    fn pick_customer(&mut self) -> u32 {
        let total = self.cum_weight.last().copied().unwrap_or(1);
        let r = self.rng.random_range(0..total);
        self.cum_weight.partition_point(|&w| w <= r) as u32
    }

    // --- documents ------------------------------------------------------------------------

    fn new_doc(&mut self, cust: u32, amount: i64, date: i32, kind: u8) -> u32 {
        let cu = &self.custs[cust as usize];
        let (terms, po_style) = (cu.terms, cu.po_style);
        let series = if kind == D_CN {
            S_CN
        } else {
            match self.range(0, 99) {
                0..=44 => S_INV,
                45..=79 => S_NUM,
                _ => S_SI,
            }
        };
        let mut po = 0u64;
        if kind != D_CN && po_style != 0 && self.pm(700) {
            for _ in 0..20 {
                let v = if po_style == 1 {
                    self.range(10_000, 999_999) as u64
                } else {
                    4_500_000_000 + self.range(0, 99_999_999) as u64
                };
                if self.pos.insert(v) {
                    po = v;
                    break;
                }
            }
        }
        let mut so = 0u32;
        if kind != D_CN && self.pm(200) {
            for _ in 0..20 {
                let v = self.range(3_000_000, 3_999_999) as u32;
                if self.sos.insert(v) {
                    so = v;
                    break;
                }
            }
        }
        let due = if kind == D_CN { date } else { date + TERMS_DAYS[terms as usize] };
        let i = self.docs.len() as u32;
        if po != 0 && po < 1_000_000 {
            self.po_docs.insert(po, i);
        }
        self.docs.push(Doc {
            amount,
            po,
            cust,
            date,
            due,
            seq: 0,
            so,
            cn_ref: NONE,
            year: year_of(date),
            kind,
            series,
            used: false,
        });
        i
    }

    /// A document date: a business day before as-of, mostly recent, with an overdue tail.
    fn doc_day(&mut self) -> i32 {
        let back = match self.range(0, 99) {
            0..=54 => self.range(1, 45),
            55..=89 => self.range(46, 120),
            _ => self.range(121, 365),
        };
        let d = self.as_of - back as i32;
        match weekday(d) {
            5 => d - 1,
            6 => d - 2,
            _ => d,
        }
    }

    fn make_documents(&mut self, n_open: u32, ambiguous_wanted: u32) {
        for _ in 0..n_open {
            let c = self.pick_customer();
            let cu = &self.custs[c as usize];
            let (cur, fee) = (cu.cur, cu.fee);
            let mut amount = if fee > 0 && self.pm(350) { fee } else { self.amount_in(cur) };
            if cur >= HIGH_CUR && self.pm(150) {
                // Large nominal amounts: up to 10^13 minor units (IDR in the trillions).
                let eur = self.eur_cents() * self.range(10, 200);
                amount = Self::conv(eur, cur).min(MAX_MINOR);
            }
            let day = self.doc_day();
            let i = self.new_doc(c, amount, day, D_OPEN);
            self.custs[c as usize].invs.push(i);
            if cur >= HIGH_CUR {
                self.high_docs.push(i);
            }
        }
        self.n_open = n_open;
        // Twins: invoices of one customer with the same amount (repeat orders), the raw material of
        // genuine ambiguity.
        let twins = ambiguous_wanted * 2 + self.custs.len() as u32 / 40;
        for _ in 0..twins {
            let i = self.rng.random_range(0..n_open);
            let c = self.docs[i as usize].cust as usize;
            let k = self.custs[c].invs.len();
            if k < 2 {
                continue;
            }
            let pos = self.idx(k);
            let j = self.custs[c].invs[pos];
            if j != i {
                self.docs[j as usize].amount = self.docs[i as usize].amount;
            }
        }
        // Open credit notes: part of an invoice credited (returns, price corrections), dated after it.
        let n_cn = (n_open / 40).max(1);
        for _ in 0..n_cn {
            let i = self.rng.random_range(0..n_open);
            let (c, inv_amount, inv_day) = {
                let d = &self.docs[i as usize];
                (d.cust, d.amount, d.date)
            };
            let pct = self.range(5, 40);
            let amount = (inv_amount * pct / 100).max(1);
            let latest = self.as_of - 1;
            let Some(day) = self.biz_day(inv_day.min(latest), (inv_day + 30).min(latest)) else { continue };
            let cn = self.new_doc(c, amount, day, D_CN);
            self.docs[cn as usize].cn_ref = i;
            self.custs[c as usize].cns.push(cn);
            self.cn_list.push(cn);
        }
    }

    // --- claims: choosing what each payment pays -------------------------------------------

    fn rand_open(&mut self) -> u32 {
        if self.only_high && !self.high_docs.is_empty() {
            let k = self.idx(self.high_docs.len());
            return self.high_docs[k];
        }
        self.rng.random_range(0..self.n_open)
    }

    /// No group, no open credit notes, not taken whole: its open invoices are all a matcher can pick from.
    fn plain(&self, c: u32) -> bool {
        let cu = &self.custs[c as usize];
        cu.parent == NONE && !cu.is_parent && cu.cns.is_empty() && !cu.exclusive
    }

    fn family(&self, a: u32, b: u32) -> bool {
        let (pa, pb) = (self.custs[a as usize].parent, self.custs[b as usize].parent);
        a == b || pa == b || pb == a || (pa != NONE && pa == pb)
    }

    /// Whether the amount of `t` identifies it among its customer's open invoices: no other invoice has
    /// it, and no other set of them sums to it (all subsets up to 25 invoices, pairs beyond).
    fn amount_identifies(&self, t: u32) -> bool {
        let d = &self.docs[t as usize];
        let (a, cu) = (d.amount, &self.custs[d.cust as usize]);
        let mut smaller: Vec<i64> = Vec::new();
        for &i in &cu.invs {
            if i == t {
                continue;
            }
            let x = self.docs[i as usize].amount;
            if x == a {
                return false;
            }
            if x < a {
                smaller.push(x);
            }
        }
        if cu.invs.len() <= 25 {
            return subset_count(&smaller, a) == 0;
        }
        smaller.sort_unstable();
        let (mut i, mut j) = (0usize, smaller.len());
        while j > 0 && i < j - 1 {
            let s = smaller[i] + smaller[j - 1];
            match s.cmp(&a) {
                std::cmp::Ordering::Equal => return false,
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j -= 1,
            }
        }
        true
    }

    /// Whether an open invoice of `c` other than `t` has exactly `amount` (a reference plus a tolerance
    /// must not compete with an exact amount on another invoice).
    fn amount_elsewhere(&self, c: u32, t: u32, amount: i64) -> bool {
        self.custs[c as usize].invs.iter().any(|&i| i != t && self.docs[i as usize].amount == amount)
    }

    fn new_pay(&self, cat: u8, cust: u32, date: i32, amount: i64) -> Pay {
        let cur = if cust == NONE { EUR } else { self.custs[cust as usize].cur };
        Pay {
            cat,
            cust,
            date,
            amount,
            cur,
            apps: Vec::new(),
            refs: Vec::new(),
            lines: Vec::new(),
            other: NONE,
            param: 0,
            acct: 0,
            id: 0,
            style: cat,
            leave: false,
        }
    }

    fn claim(&mut self, cat: u8) -> Option<Pay> {
        match cat {
            COMBINATION => self.claim_combination(),
            AMBIGUOUS => self.claim_ambiguous(),
            CID_GIVEN | ACCOUNT_ONLY | NO_REF | NEAR_MISS | OCR_SLIP => self.claim_by_amount(cat),
            MULTI | REMITTANCE | SHORT_REMIT => self.claim_several(cat),
            NETTING => self.claim_netting(),
            UNKNOWN => self.claim_unknown(),
            SLIP_OTHER => self.claim_slip_other(),
            NET_NAMED => self.claim_net_named(),
            SUBSET => self.claim_subset(),
            PARTLY => self.claim_partly(),
            MULTI_SMALL => self.claim_multi_small(),
            CN_NOT_NAMED => self.claim_cn_not_named(),
            HIGH_NOM => {
                let style = self.pick(&HIGH_STYLES);
                self.only_high = true;
                let p = self.claim(style);
                self.only_high = false;
                p.map(|mut p| {
                    p.cat = HIGH_NOM;
                    p
                })
            }
            _ => self.claim_single(cat),
        }
    }

    /// One invoice named in the reference (or by PO, or by the parent), paid in full or with a difference.
    fn claim_single(&mut self, cat: u8) -> Option<Pay> {
        for _ in 0..5000 {
            let t = self.rand_open();
            let d = &self.docs[t as usize];
            if d.used {
                continue;
            }
            let (c, open, doc_day, has_po) = (d.cust, d.amount, d.date, d.po != 0 || d.so != 0);
            let cu = &self.custs[c as usize];
            let (cur, terms, parent) = (cu.cur, cu.terms, cu.parent);
            if cu.exclusive
                || (cat == PO_REF && !has_po)
                || (cat == PARENT_PAYS && parent == NONE)
                || (cat == PARTIAL && cu.amount_locked)
                || (cat == DISCOUNT && terms != T_DISC)
            {
                continue;
            }
            let k = &CURS[cur as usize];
            let hi = if cat == DISCOUNT { doc_day + DISCOUNT_DAYS } else { self.pay_hi };
            let Some(day) = self.pay_day(doc_day, hi) else { continue };
            let disc = bp_half_even(open, DISCOUNT_BP);
            // A shortfall that equals the early-payment discount would read as a discount.
            let looks_like_discount =
                |x: i64| terms == T_DISC && day <= doc_day + DISCOUNT_DAYS && (x - disc).abs() <= 1;
            let tol = tolerance(open, cur);
            let mut p = self.new_pay(cat, c, day, open);
            p.refs.push(t);
            match cat {
                DISCOUNT => {
                    if disc <= k.fixed {
                        continue;
                    }
                    p.amount = open - disc;
                    p.apps.push(App { kind: A_PAYMENT, doc: t, amount: open - disc });
                    p.apps.push(App { kind: A_DISCOUNT, doc: t, amount: disc });
                }
                BANK_FEE => {
                    let hi = k.fee_hi.min(tol - 1);
                    if hi < k.fee_lo {
                        continue;
                    }
                    let fee = self.range(k.fee_lo, hi);
                    if looks_like_discount(fee) {
                        continue;
                    }
                    p.amount = open - fee;
                    p.apps.push(App { kind: A_PAYMENT, doc: t, amount: open - fee });
                    p.apps.push(App { kind: A_WRITE_OFF, doc: t, amount: fee });
                }
                FX => {
                    let hi = k.fx_hi.min(tol - 1);
                    if hi < 1 {
                        continue;
                    }
                    let diff = self.range(1, hi);
                    if self.pm(500) {
                        if looks_like_discount(diff) {
                            continue;
                        }
                        p.param = 1;
                        p.amount = open - diff;
                        p.apps.push(App { kind: A_PAYMENT, doc: t, amount: open - diff });
                        p.apps.push(App { kind: A_WRITE_OFF, doc: t, amount: diff });
                    } else {
                        p.param = -1;
                        p.amount = open + diff;
                        p.apps.push(App { kind: A_PAYMENT, doc: t, amount: open });
                    }
                }
                SHORT_POLICY => {
                    if open < 4 * k.dmax {
                        continue;
                    }
                    let diff = self.range(k.fixed.max(tol) + 1, k.dmax);
                    if looks_like_discount(diff) {
                        continue;
                    }
                    p.amount = open - diff;
                    p.apps.push(App { kind: A_PAYMENT, doc: t, amount: open - diff });
                    p.apps.push(App { kind: A_DEDUCTION, doc: t, amount: diff });
                }
                PARTIAL => {
                    let n = self.range(2, 4);
                    let mut amount = open / n;
                    let unit = 10i64.pow(k.dec);
                    if self.pm(500) && amount > 10 * unit {
                        amount -= amount % (10 * unit);
                    }
                    if amount <= 0 || open - amount < k.residual_min {
                        continue;
                    }
                    p.param = n;
                    p.amount = amount;
                    p.apps.push(App { kind: A_PAYMENT, doc: t, amount });
                }
                OVERPAY => {
                    let unit = 10i64.pow(k.dec);
                    let extra = if self.pm(500) {
                        // Rounded up to the next hundred (and beyond the tolerances).
                        let step = 100 * unit;
                        let up = (open / step + 1) * step;
                        if up - open <= 2 * k.fixed {
                            up + step - open
                        } else {
                            up - open
                        }
                    } else {
                        self.range(2 * k.fixed, 100 * k.fixed)
                    };
                    p.amount = open + extra;
                    p.param = extra;
                    p.apps.push(App { kind: A_PAYMENT, doc: t, amount: open });
                    if self.amount_elsewhere(c, t, extra) {
                        continue;
                    }
                }
                _ => {
                    // exact_ref, ref_format, po_ref, parent_pays: the open amount.
                    p.apps.push(App { kind: A_PAYMENT, doc: t, amount: open });
                    if cat == PARENT_PAYS && self.amount_elsewhere(parent, NONE, open) {
                        continue;
                    }
                }
            }
            if p.amount != open && self.amount_elsewhere(c, t, p.amount) {
                continue;
            }
            self.docs[t as usize].used = true;
            if cat == PARTIAL {
                self.custs[c as usize].residual = true;
            }
            return Some(p);
        }
        None
    }

    /// Several invoices of one customer: in the reference (multi_invoice) or on a remittance advice.
    fn claim_several(&mut self, cat: u8) -> Option<Pay> {
        for _ in 0..5000 {
            let t = self.rand_open();
            let d = &self.docs[t as usize];
            let c = d.cust;
            if d.used || self.custs[c as usize].exclusive {
                continue;
            }
            let want = match (cat, self.range(0, 99)) {
                (MULTI, 0..=39) => 2,
                (MULTI, 40..=64) => 3,
                (MULTI, 65..=79) => 4,
                (MULTI, 80..=89) => 5,
                (MULTI, _) => 6,
                (REMITTANCE, 0..=24) => 1,
                (REMITTANCE, 25..=49) => 2,
                (REMITTANCE, 50..=69) => 3,
                (REMITTANCE, 70..=84) => 4,
                (REMITTANCE, _) => self.range(5, 6) as usize,
                (_, 0..=59) => 1,
                (_, 60..=84) => 2,
                _ => 3,
            };
            let mut picked = vec![t];
            let n = self.custs[c as usize].invs.len();
            for _ in 0..want * 4 {
                if picked.len() >= want {
                    break;
                }
                let pos = self.idx(n);
                let j = self.custs[c as usize].invs[pos];
                if !self.docs[j as usize].used && !picked.contains(&j) {
                    picked.push(j);
                }
            }
            if (cat == MULTI && picked.len() < 2) || (cat != MULTI && picked.len() < want.min(2)) {
                continue;
            }
            let latest = picked.iter().map(|&i| self.docs[i as usize].date).max().unwrap_or(self.pay_lo);
            let Some(day) = self.pay_day(latest, self.pay_hi) else { continue };
            let mut p = self.new_pay(cat, c, day, 0);
            let cur = p.cur;
            let k = &CURS[cur as usize];
            for (n, &i) in picked.iter().enumerate() {
                let open = self.docs[i as usize].amount;
                let mut line = Line { doc: i, cash: open, deduction: 0, reason: 0, typo: false };
                if cat == SHORT_REMIT && n == 0 {
                    let hi_big = (open / 10).min(500 * 10i64.pow(k.dec));
                    let ded = if self.pm(500) || hi_big <= k.dmax + 1 {
                        self.range(k.fixed + 1, k.dmax)
                    } else {
                        self.range(k.dmax + 1, hi_big)
                    };
                    if ded * 2 >= open {
                        break;
                    }
                    line.cash = open - ded;
                    line.deduction = ded;
                    line.reason = self.idx(DEDUCTION_REASONS.len()) as u8;
                    p.apps.push(App { kind: A_DEDUCTION, doc: i, amount: ded });
                }
                p.apps.push(App { kind: A_PAYMENT, doc: i, amount: line.cash });
                p.amount += line.cash;
                p.refs.push(i);
                p.lines.push(line);
            }
            if p.refs.len() != picked.len() {
                continue;
            }
            // Now and then one remittance line has a typo; its amount must then identify the invoice.
            if cat == REMITTANCE && self.pm(300) && self.plain(c) && !self.custs[c as usize].residual {
                let li = self.idx(p.lines.len());
                let doc = p.lines[li].doc;
                if self.amount_identifies(doc) {
                    p.lines[li].typo = true;
                    self.custs[c as usize].amount_locked = true;
                }
            }
            for &i in &picked {
                self.docs[i as usize].used = true;
            }
            return Some(p);
        }
        None
    }

    /// One invoice found by its amount alone (the reference does not or cannot name it).
    fn claim_by_amount(&mut self, cat: u8) -> Option<Pay> {
        for _ in 0..20_000 {
            let t = self.rand_open();
            let d = &self.docs[t as usize];
            let (c, open, doc_day) = (d.cust, d.amount, d.date);
            if d.used || !self.plain(c) || self.custs[c as usize].residual || !self.amount_identifies(t) {
                continue;
            }
            let Some(day) = self.pay_day(doc_day, self.pay_hi) else { continue };
            let mut p = self.new_pay(cat, c, day, open);
            p.apps.push(App { kind: A_PAYMENT, doc: t, amount: open });
            if matches!(cat, OCR_SLIP | NEAR_MISS) {
                p.refs.push(t);
            }
            if cat == ACCOUNT_ONLY {
                let n = self.custs[c as usize].accounts.len();
                p.acct = self.idx(n) as u8;
                let cu = &mut self.custs[c as usize];
                if !cu.hist_accounts.contains(&p.acct) {
                    cu.hist_accounts.push(p.acct);
                }
            }
            self.docs[t as usize].used = true;
            self.custs[c as usize].amount_locked = true;
            return Some(p);
        }
        None
    }

    /// A unique subset (2–4) of a small customer's open invoices; the customer is taken whole.
    fn claim_combination(&mut self) -> Option<Pay> {
        for _ in 0..2000 {
            let c = self.idx(self.custs.len()) as u32;
            let cu = &self.custs[c as usize];
            let n = cu.invs.len();
            if !self.plain(c)
                || cu.amount_locked
                || cu.residual
                || !(3..=25).contains(&n)
                || cu.invs.iter().any(|&i| self.docs[i as usize].used)
            {
                continue;
            }
            let amts: Vec<i64> = cu.invs.iter().map(|&i| self.docs[i as usize].amount).collect();
            for _ in 0..12 {
                let k = self.range(2, 4.min(n as i64 - 1)) as usize;
                let mut pos: Vec<usize> = (0..n).collect();
                self.shuffle(&mut pos);
                pos.truncate(k);
                pos.sort_unstable();
                let target: i64 = pos.iter().map(|&i| amts[i]).sum();
                if subset_count(&amts, target) != 1 {
                    continue;
                }
                let members: Vec<u32> = pos.iter().map(|&i| self.custs[c as usize].invs[i]).collect();
                let latest = members.iter().map(|&i| self.docs[i as usize].date).max().unwrap_or(self.pay_lo);
                let Some(day) = self.pay_day(latest, self.pay_hi) else { continue };
                let mut p = self.new_pay(COMBINATION, c, day, target);
                for &i in &members {
                    p.apps.push(App { kind: A_PAYMENT, doc: i, amount: self.docs[i as usize].amount });
                    self.docs[i as usize].used = true;
                }
                p.param = n as i64;
                self.custs[c as usize].exclusive = true;
                return Some(p);
            }
        }
        None
    }

    /// Two or more open invoices of the customer have exactly the amount: the right answer is to leave it.
    fn claim_ambiguous(&mut self) -> Option<Pay> {
        for _ in 0..20_000 {
            let t = self.rand_open();
            let d = &self.docs[t as usize];
            let (c, a) = (d.cust, d.amount);
            let cu = &self.custs[c as usize];
            if d.used || cu.exclusive {
                continue;
            }
            let group: Vec<u32> = cu.invs.iter().copied().filter(|&i| self.docs[i as usize].amount == a).collect();
            if group.len() < 2 || group.iter().any(|&i| self.docs[i as usize].used) {
                continue;
            }
            let latest = group.iter().map(|&i| self.docs[i as usize].date).max().unwrap_or(self.pay_lo);
            let Some(day) = self.pay_day(latest, self.pay_hi) else { continue };
            let mut p = self.new_pay(AMBIGUOUS, c, day, a);
            p.param = group.len() as i64;
            for &i in &group {
                self.docs[i as usize].used = true;
            }
            p.refs = group;
            return Some(p);
        }
        None
    }

    /// An invoice and an open credit note of the same customer, both in the reference; cash = the rest.
    fn claim_netting(&mut self) -> Option<Pay> {
        if self.cn_list.is_empty() {
            return None;
        }
        for _ in 0..5000 {
            let pos = self.idx(self.cn_list.len());
            let cn = self.cn_list[pos];
            let d = &self.docs[cn as usize];
            let (c, credit, cn_day, cn_ref) = (d.cust, d.amount, d.date, d.cn_ref);
            if d.used || self.custs[c as usize].exclusive {
                continue;
            }
            let fits = |g: &Gen, i: u32| {
                let inv = &g.docs[i as usize];
                !inv.used && inv.amount > credit + credit / 10 + 100
            };
            let mut inv = NONE;
            if fits(self, cn_ref) {
                inv = cn_ref;
            } else {
                let n = self.custs[c as usize].invs.len();
                for _ in 0..30 {
                    let pos = self.idx(n);
                    let i = self.custs[c as usize].invs[pos];
                    if fits(self, i) {
                        inv = i;
                        break;
                    }
                }
            }
            if inv == NONE {
                continue;
            }
            let open = self.docs[inv as usize].amount;
            let latest = self.docs[inv as usize].date.max(cn_day);
            let Some(day) = self.pay_day(latest, self.pay_hi) else { continue };
            if self.amount_elsewhere(c, inv, open - credit) {
                continue;
            }
            let mut p = self.new_pay(NETTING, c, day, open - credit);
            p.apps.push(App { kind: A_CREDIT, doc: inv, amount: credit });
            p.apps.push(App { kind: A_PAYMENT, doc: inv, amount: open - credit });
            p.refs.push(inv);
            p.other = cn;
            self.docs[inv as usize].used = true;
            self.docs[cn as usize].used = true;
            return Some(p);
        }
        None
    }

    /// No parent, no subsidiaries: the customer's own open documents are all a matcher looks at.
    fn solo(&self, c: u32) -> bool {
        let cu = &self.custs[c as usize];
        cu.parent == NONE && !cu.is_parent
    }

    /// The open amounts of `c`'s invoices and (negative) credit notes.
    fn items(&self, c: u32) -> Vec<i64> {
        let cu = &self.custs[c as usize];
        cu.invs
            .iter()
            .map(|&i| self.docs[i as usize].amount)
            .chain(cu.cns.iter().map(|&i| -self.docs[i as usize].amount))
            .collect()
    }

    /// Whether one open invoice of `c` is within the write-off tolerance or a 2 % discount of `target`
    /// (a near single document competes with an exact combination).
    fn near_single(&self, c: u32, target: i64) -> bool {
        let cu = &self.custs[c as usize];
        cu.invs.iter().any(|&i| {
            let open = self.docs[i as usize].amount;
            open > target
                && (open - target <= tolerance(open, cu.cur)
                    || (open - target - bp_half_even(open, DISCOUNT_BP)).abs() <= 1)
        })
    }

    /// slip_names_other: invoices X and Y of one customer, numbered one after the other; a payment of
    /// exactly X's open amount names Y (a one-character slip of X's number that is Y's): leave. A later
    /// payment names Y rightly and pays it (pushed to `pending`).
    fn claim_slip_other(&mut self) -> Option<Pay> {
        for _ in 0..20_000 {
            let x = self.rand_open();
            let d = &self.docs[x as usize];
            let (c, xa, xd, series) = (d.cust, d.amount, d.date, d.series);
            if d.used || !matches!(series, S_INV | S_NUM) || self.custs[c as usize].exclusive || !self.solo(c) {
                continue;
            }
            let n = self.custs[c as usize].invs.len();
            let mut y = NONE;
            for _ in 0..20 {
                let pos = self.idx(n);
                let j = self.custs[c as usize].invs[pos];
                let dj = &self.docs[j as usize];
                if j != x && !dj.used && dj.series == series && dj.amount != xa && dj.date >= xd {
                    y = j;
                    break;
                }
            }
            if y == NONE {
                continue;
            }
            let Some(day1) = self.pay_day(xd, self.pay_hi - 1) else { continue };
            let Some(day2) = self.pay_day(day1 + 1, self.pay_hi) else { continue };
            // Y is dated with X, so that numbering in date order puts it right next to X.
            let terms = self.custs[c as usize].terms;
            let dy = &mut self.docs[y as usize];
            dy.date = xd;
            dy.due = xd + TERMS_DAYS[terms as usize];
            dy.year = year_of(xd);
            let ya = dy.amount;
            self.docs[x as usize].used = true;
            self.docs[y as usize].used = true;
            self.pairs.push((x, y));
            let mut p = self.new_pay(SLIP_OTHER, c, day1, xa);
            p.refs.push(y);
            p.other = x;
            p.leave = true;
            let mut f = self.new_pay(SLIP_OTHER, c, day2, ya);
            f.refs.push(y);
            f.other = x;
            f.param = 1;
            f.apps.push(App { kind: A_PAYMENT, doc: y, amount: ya });
            self.pending.push(f);
            return Some(p);
        }
        None
    }

    /// credit_netting_named: 1–3 invoices and an open credit note of one customer, all in the
    /// reference; cash = the invoices less the credit note. The truth (credit lines) is written
    /// once the numbers are known (`net_apps`).
    fn claim_net_named(&mut self) -> Option<Pay> {
        if self.cn_list.is_empty() {
            return None;
        }
        for _ in 0..5000 {
            let pos = self.idx(self.cn_list.len());
            let cn = self.cn_list[pos];
            let d = &self.docs[cn as usize];
            let (c, credit, cn_day, cn_ref) = (d.cust, d.amount, d.date, d.cn_ref);
            if d.used || self.custs[c as usize].exclusive {
                continue;
            }
            let want = self.range(1, 3) as usize;
            let mut picked: Vec<u32> = Vec::new();
            if !self.docs[cn_ref as usize].used {
                picked.push(cn_ref);
            }
            let n = self.custs[c as usize].invs.len();
            for _ in 0..want * 4 {
                if picked.len() >= want {
                    break;
                }
                let pos = self.idx(n);
                let j = self.custs[c as usize].invs[pos];
                if !self.docs[j as usize].used && !picked.contains(&j) {
                    picked.push(j);
                }
            }
            if picked.is_empty() || (want > 1 && picked.len() < 2) {
                continue;
            }
            let total: i64 = picked.iter().map(|&i| self.docs[i as usize].amount).sum();
            if total <= credit + credit / 10 + 100 {
                continue;
            }
            let cash = total - credit;
            if self.amount_elsewhere(c, NONE, cash) {
                continue;
            }
            let latest = picked.iter().map(|&i| self.docs[i as usize].date).max().unwrap_or(cn_day).max(cn_day);
            let Some(day) = self.pay_day(latest, self.pay_hi) else { continue };
            self.shuffle(&mut picked);
            let mut p = self.new_pay(NET_NAMED, c, day, cash);
            for &i in &picked {
                self.docs[i as usize].used = true;
            }
            self.docs[cn as usize].used = true;
            p.refs = picked;
            p.other = cn;
            return Some(p);
        }
        None
    }

    /// The applications arx's `settle()` writes for invoices named with a credit note: the credit
    /// goes on the invoices in document-number order, each taking what it can; cash pays the rest.
    fn net_apps(&self, p: &Pay) -> Vec<App> {
        let mut invs: Vec<(String, u32, i64)> =
            p.refs.iter().map(|&i| (self.doc_no(i), i, self.docs[i as usize].amount)).collect();
        invs.sort();
        let mut left = self.docs[p.other as usize].amount;
        let mut apps = Vec::new();
        for e in invs.iter_mut() {
            let take = left.min(e.2);
            if take > 0 {
                apps.push(App { kind: A_CREDIT, doc: e.1, amount: take });
                e.2 -= take;
                left -= take;
            }
        }
        for e in &invs {
            if e.2 > 0 {
                apps.push(App { kind: A_PAYMENT, doc: e.1, amount: e.2 });
            }
        }
        apps
    }

    /// no_ref_subset: an identified payer, generic text, 2–5 of its open invoices paid; the only
    /// subset of its open items (credit notes included) with that sum: apply. A quarter are made a
    /// tie (one invoice's amount set so that two pairs have the sum): leave.
    fn claim_subset(&mut self) -> Option<Pay> {
        for _ in 0..4000 {
            let c = self.idx(self.custs.len()) as u32;
            let cu = &self.custs[c as usize];
            let n = cu.invs.len();
            if !self.solo(c)
                || cu.exclusive
                || cu.amount_locked
                || cu.residual
                || !(3..=24).contains(&n)
                || n + cu.cns.len() > 26
                || cu.invs.iter().chain(cu.cns.iter()).any(|&i| self.docs[i as usize].used)
            {
                continue;
            }
            let invs = cu.invs.clone();
            let tie = n >= 4 && self.pm(250);
            let mut pos: Vec<usize> = (0..n).collect();
            self.shuffle(&mut pos);
            let k = if tie { 2 } else { self.range(2, 5.min(n as i64 - 1)) as usize };
            let mut members: Vec<u32> = pos[..k].iter().map(|&q| invs[q]).collect();
            let target: i64 = members.iter().map(|&i| self.docs[i as usize].amount).sum();
            let latest = members.iter().map(|&i| self.docs[i as usize].date).max().unwrap_or(self.pay_lo);
            let Some(day) = self.pay_day(latest, self.pay_hi) else { continue };
            if tie {
                let (c1, c2) = (invs[pos[2]], invs[pos[3]]);
                let a2 = target - self.docs[c1 as usize].amount;
                if a2 <= 0 {
                    continue;
                }
                let old = self.docs[c2 as usize].amount;
                self.docs[c2 as usize].amount = a2;
                if subset_count(&self.items(c), target) != 2 {
                    self.docs[c2 as usize].amount = old;
                    continue;
                }
                members.extend([c1, c2]);
            } else if subset_count(&self.items(c), target) != 1 || self.near_single(c, target) {
                continue;
            }
            let mut p = self.new_pay(SUBSET, c, day, target);
            if tie {
                p.leave = true;
                p.refs = members.clone();
            } else {
                for &i in &members {
                    p.apps.push(App { kind: A_PAYMENT, doc: i, amount: self.docs[i as usize].amount });
                }
            }
            for &i in &members {
                self.docs[i as usize].used = true;
            }
            p.param = n as i64;
            let cu = &mut self.custs[c as usize];
            cu.exclusive = true;
            cu.amount_locked = true;
            return Some(p);
        }
        None
    }

    /// partly_readable: a memo naming 1–3 invoices exactly (`refs`) while the payment also covers
    /// others (`lines`): param 0 — they are written with a slip or cut short (checked once numbered:
    /// only they are one character from what is written; else they are written exactly), apply all;
    /// 1 — not written at all, the only subset of the payer's other open invoices equal to the rest,
    /// apply all; 2 — not written, two subsets equal the rest: leave.
    fn claim_partly(&mut self) -> Option<Pay> {
        let variant = match self.range(0, 9) {
            0..=4 => 0i64,
            5..=7 => 1,
            _ => 2,
        };
        for _ in 0..20_000 {
            let t = self.rand_open();
            let c = self.docs[t as usize].cust;
            let cu = &self.custs[c as usize];
            let n = cu.invs.len();
            if self.docs[t as usize].used || !self.solo(c) || cu.exclusive || n < 3 {
                continue;
            }
            if variant > 0
                && (cu.amount_locked
                    || cu.residual
                    || !cu.cns.is_empty()
                    || n > 26
                    || cu.invs.iter().any(|&i| self.docs[i as usize].used))
            {
                continue;
            }
            let mut pool: Vec<u32> =
                cu.invs.iter().copied().filter(|&i| i != t && !self.docs[i as usize].used).collect();
            self.shuffle(&mut pool);
            pool.insert(0, t);
            let na = self.range(1, if variant == 0 { 3 } else { 2 }) as usize;
            let nb = match variant {
                0 => self.range(1, 2) as usize,
                1 => self.range(1, 3) as usize,
                _ => 2,
            };
            if pool.len() < na + nb + if variant == 2 { 2 } else { 0 } {
                continue;
            }
            let a: Vec<u32> = pool[..na].to_vec();
            let b: Vec<u32> = pool[na..na + nb].to_vec();
            let sum = |g: &Gen, v: &[u32]| v.iter().map(|&i| g.docs[i as usize].amount).sum::<i64>();
            let (named, rest) = (sum(self, &a), sum(self, &b));
            let cur = self.custs[c as usize].cur;
            if self.amount_elsewhere(c, NONE, named + rest) || rest <= tolerance(named, cur) {
                continue;
            }
            let latest = a.iter().chain(&b).map(|&i| self.docs[i as usize].date).max().unwrap_or(self.pay_lo);
            let Some(day) = self.pay_day(latest, self.pay_hi) else { continue };
            let others: Vec<u32> = self.custs[c as usize].invs.iter().copied().filter(|i| !a.contains(i)).collect();
            let mut extra: Vec<u32> = Vec::new();
            if variant > 0 {
                if others.len() > 24 {
                    continue;
                }
                let amts = |g: &Gen| others.iter().map(|&i| g.docs[i as usize].amount).collect::<Vec<i64>>();
                if variant == 1 {
                    if subset_count(&amts(self), rest) != 1 {
                        continue;
                    }
                } else {
                    let (c1, c2) = (pool[na + nb], pool[na + nb + 1]);
                    let a2 = rest - self.docs[c1 as usize].amount;
                    if a2 <= 0 {
                        continue;
                    }
                    let old = self.docs[c2 as usize].amount;
                    self.docs[c2 as usize].amount = a2;
                    if subset_count(&amts(self), rest) != 2 || self.amount_elsewhere(c, NONE, rest) {
                        self.docs[c2 as usize].amount = old;
                        continue;
                    }
                    extra = vec![c1, c2];
                }
            }
            let mut p = self.new_pay(PARTLY, c, day, named + rest);
            p.param = variant;
            p.leave = variant == 2;
            if !p.leave {
                for &i in a.iter().chain(&b) {
                    p.apps.push(App { kind: A_PAYMENT, doc: i, amount: self.docs[i as usize].amount });
                }
            }
            for &i in a.iter().chain(&b).chain(&extra) {
                self.docs[i as usize].used = true;
            }
            p.refs = a;
            p.lines = b
                .iter()
                .map(|&i| Line {
                    doc: i,
                    cash: self.docs[i as usize].amount,
                    deduction: 0,
                    reason: 0,
                    typo: variant == 0,
                })
                .collect();
            if variant > 0 {
                let cu = &mut self.custs[c as usize];
                cu.exclusive = true;
                cu.amount_locked = true;
            }
            return Some(p);
        }
        None
    }

    /// multi_small_diff: 2–5 invoices named, paid short by a difference within the tolerance on
    /// their total: written off on the largest (as arx's `settle()` does), the others paid in full.
    fn claim_multi_small(&mut self) -> Option<Pay> {
        for _ in 0..5000 {
            let t = self.rand_open();
            let d = &self.docs[t as usize];
            let c = d.cust;
            if d.used || self.custs[c as usize].exclusive {
                continue;
            }
            let want = self.range(2, 5) as usize;
            let mut picked = vec![t];
            let n = self.custs[c as usize].invs.len();
            for _ in 0..want * 4 {
                if picked.len() >= want {
                    break;
                }
                let pos = self.idx(n);
                let j = self.custs[c as usize].invs[pos];
                if !self.docs[j as usize].used && !picked.contains(&j) {
                    picked.push(j);
                }
            }
            if picked.len() < 2 {
                continue;
            }
            let amts: Vec<i64> = picked.iter().map(|&i| self.docs[i as usize].amount).collect();
            let max = amts.iter().copied().max().unwrap_or(0);
            if amts.iter().filter(|&&a| a == max).count() != 1 {
                continue;
            }
            let total: i64 = amts.iter().sum();
            let cur = self.custs[c as usize].cur;
            let hi = CURS[cur as usize].fee_hi.min(tolerance(total, cur));
            if hi < 1 {
                continue;
            }
            let diff = self.range(1, hi);
            if self.amount_elsewhere(c, NONE, total - diff) {
                continue;
            }
            let latest = picked.iter().map(|&i| self.docs[i as usize].date).max().unwrap_or(self.pay_lo);
            let Some(day) = self.pay_day(latest, self.pay_hi) else { continue };
            let mut p = self.new_pay(MULTI_SMALL, c, day, total - diff);
            for (&i, &a) in picked.iter().zip(&amts) {
                if a == max {
                    p.apps.push(App { kind: A_PAYMENT, doc: i, amount: a - diff });
                    p.apps.push(App { kind: A_WRITE_OFF, doc: i, amount: diff });
                } else {
                    p.apps.push(App { kind: A_PAYMENT, doc: i, amount: a });
                }
                self.docs[i as usize].used = true;
            }
            p.param = diff;
            p.refs = picked;
            return Some(p);
        }
        None
    }

    /// cn_not_named: the payment equals one open invoice of a payer with an open credit note that
    /// nothing names: the invoice is paid, the credit note untouched. Half name the invoice; in the
    /// other half the amount alone identifies it (no other set of open items, credit notes included,
    /// sums to it).
    fn claim_cn_not_named(&mut self) -> Option<Pay> {
        if self.cn_list.is_empty() {
            return None;
        }
        for _ in 0..5000 {
            let pos = self.idx(self.cn_list.len());
            let cn = self.cn_list[pos];
            let c = self.docs[cn as usize].cust;
            let cu = &self.custs[c as usize];
            if self.docs[cn as usize].used || !self.solo(c) || cu.exclusive || cu.residual {
                continue;
            }
            let n = cu.invs.len();
            let pos = self.idx(n);
            let t = self.custs[c as usize].invs[pos];
            if self.docs[t as usize].used {
                continue;
            }
            let open = self.docs[t as usize].amount;
            let named = self.pm(500);
            if !named && (n + self.custs[c as usize].cns.len() > 26 || subset_count(&self.items(c), open) != 1) {
                continue;
            }
            let Some(day) = self.pay_day(self.docs[t as usize].date, self.pay_hi) else { continue };
            let mut p = self.new_pay(CN_NOT_NAMED, c, day, open);
            p.apps.push(App { kind: A_PAYMENT, doc: t, amount: open });
            p.other = cn;
            p.param = i64::from(named);
            if named {
                p.refs.push(t);
            } else {
                self.custs[c as usize].amount_locked = true;
            }
            self.docs[t as usize].used = true;
            self.docs[cn as usize].used = true;
            return Some(p);
        }
        None
    }

    /// Nobody we know: a private payer or a bank text, an account never seen, no usable reference.
    fn claim_unknown(&mut self) -> Option<Pay> {
        let day = self.pay_day(self.pay_lo, self.pay_hi)?;
        let mut p = self.new_pay(UNKNOWN, NONE, day, 0);
        if self.pm(500) {
            // The amount happens to equal one open invoice of some customer: still nothing to go on.
            let t = self.rand_open();
            p.cur = self.custs[self.docs[t as usize].cust as usize].cur;
            p.amount = self.docs[t as usize].amount;
            p.other = t;
        } else {
            p.cur = match self.range(0, 99) {
                0..=64 => 0,
                65..=89 => 1,
                _ => 2,
            };
            p.amount = self.amount_in(p.cur);
            p.param = 1;
        }
        Some(p)
    }

    fn make_payments(&mut self, n: u32) -> Result<(), String> {
        let mut counts = [0u32; N_CATS];
        let mut rems: Vec<(u64, usize)> = Vec::new();
        let mut total = 0u32;
        for (i, &(_, pm)) in CATS.iter().enumerate() {
            let x = u64::from(n) * u64::from(pm);
            counts[i] = (x / 1000) as u32;
            total += counts[i];
            rems.push((x % 1000, i));
        }
        rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, i) in rems.iter().take((n - total) as usize) {
            counts[i] += 1;
        }
        for &cat in &CLAIM_ORDER {
            let mut made = 0;
            while made < counts[cat as usize] {
                let p = match self.claim(cat) {
                    Some(p) => p,
                    None => {
                        self.fallbacks[cat as usize] += 1;
                        self.claim(EXACT_REF).ok_or_else(|| {
                            "not enough open invoices for the payments asked: raise --open-invoices".to_string()
                        })?
                    }
                };
                self.pays.push(p);
                made += 1;
                // A follow-up that does not fit the count is dropped (its document stays open).
                if let Some(f) = self.pending.pop() {
                    if made < counts[cat as usize] {
                        self.pays.push(f);
                        made += 1;
                    }
                }
            }
        }
        Ok(())
    }

    // --- history ----------------------------------------------------------------------------

    fn make_history(&mut self, n_payments: u32) {
        let latest = self.as_of - 31;
        let mut needed: Vec<(u32, u8)> = Vec::new();
        for p in &self.pays {
            if p.cat == ACCOUNT_ONLY && !needed.contains(&(p.cust, p.acct)) {
                needed.push((p.cust, p.acct));
            }
        }
        let target = (n_payments as usize * 3 / 10).max(needed.len());
        let mut k = 0usize;
        while self.hist.len() < target {
            let (c, acct) = if k < needed.len() {
                k += 1;
                needed[k - 1]
            } else {
                let t = self.rand_open();
                let c = self.docs[t as usize].cust;
                let n = self.custs[c as usize].accounts.len();
                (c, self.idx(n) as u8)
            };
            let Some(day) = self.biz_day(self.as_of - 400, latest) else { break };
            let n_docs = match self.range(0, 9) {
                0..=6 => 1,
                7..=8 => 2,
                _ => 3,
            };
            let cur = self.custs[c as usize].cur;
            let mut docs = Vec::new();
            for _ in 0..n_docs {
                let Some(dd) = self.biz_day(day - 90, day - 5) else { continue };
                let amount = self.amount_in(cur);
                docs.push(self.new_doc(c, amount, dd, D_HIST));
            }
            if docs.is_empty() {
                continue;
            }
            self.hist.push(Hist { cust: c, acct, date: day, docs, id: 0 });
        }
    }

    // --- numbers ------------------------------------------------------------------------------

    fn number(&mut self) {
        let mut by: [Vec<u32>; 4] = Default::default();
        for (i, d) in self.docs.iter().enumerate() {
            by[d.series as usize].push(i as u32);
        }
        for v in by.iter_mut() {
            v.sort_by_key(|&i| (self.docs[i as usize].date, i));
        }
        let inv_start = 10_001 + self.rng.random_range(0..8_000u32);
        let num_start = 90_000_001 + self.rng.random_range(0..20_000u32);
        if !self.pairs.is_empty() {
            // slip_names_other: Y right after X (same date), and never across a ten (…9 / …0 differ
            // in two characters): the pair moves past a neighbour of the same date where needed.
            let next: HashMap<u32, u32> = self.pairs.iter().copied().collect();
            let member: HashSet<u32> = self.pairs.iter().flat_map(|&(x, y)| [x, y]).collect();
            for (s, start) in [(S_INV, inv_start), (S_NUM, num_start)] {
                let old = std::mem::take(&mut by[s as usize]);
                let mut v = Vec::with_capacity(old.len());
                for i in old {
                    if member.contains(&i) && !next.contains_key(&i) {
                        continue;
                    }
                    v.push(i);
                    if let Some(&y) = next.get(&i) {
                        v.push(y);
                    }
                }
                let date = |i: u32| self.docs[i as usize].date;
                for k in 0..v.len().saturating_sub(1) {
                    if !next.contains_key(&v[k]) || (start as usize + k) % 10 != 9 {
                        continue;
                    }
                    if k + 2 < v.len() && !member.contains(&v[k + 2]) && date(v[k + 2]) == date(v[k]) {
                        v[k..k + 3].rotate_right(1);
                    } else if k >= 1 && !member.contains(&v[k - 1]) && date(v[k - 1]) == date(v[k]) {
                        v[k - 1..k + 2].rotate_left(1);
                    }
                }
                by[s as usize] = v;
            }
        }
        let num = &mut self.num;
        num.inv_start = inv_start;
        num.inv_count = by[S_INV as usize].len() as u32;
        num.num_start = num_start;
        num.num_count = by[S_NUM as usize].len() as u32;
        // Credit notes: a range of their own, clear of every invoice number.
        num.cn_start = ((num.inv_start + num.inv_count) / 100_000 + 2) * 100_000 + 1;
        num.cn_count = by[S_CN as usize].len() as u32;
        for (k, &i) in by[S_INV as usize].iter().enumerate() {
            self.docs[i as usize].seq = num.inv_start + k as u32;
        }
        for (k, &i) in by[S_NUM as usize].iter().enumerate() {
            self.docs[i as usize].seq = num.num_start + k as u32;
        }
        for (k, &i) in by[S_CN as usize].iter().enumerate() {
            self.docs[i as usize].seq = num.cn_start + k as u32;
        }
        for &i in &by[S_SI as usize] {
            let y = self.docs[i as usize].year;
            let pos = match num.si.iter().position(|e| e.0 == y) {
                Some(p) => p,
                None => {
                    num.si.push((y, Vec::new()));
                    num.si.len() - 1
                }
            };
            num.si[pos].1.push(i);
            self.docs[i as usize].seq = num.si[pos].1.len() as u32;
        }
        num.si.sort_by_key(|e| e.0);
        let most = num.si.iter().map(|e| e.1.len()).max().unwrap_or(0);
        num.si_width = most.to_string().len().max(5);
    }

    fn doc_no(&self, i: u32) -> String {
        let d = &self.docs[i as usize];
        match d.series {
            S_INV => format!("INV-{:07}", d.seq),
            S_NUM => format!("{:010}", d.seq),
            S_CN => format!("CN-{:07}", d.seq),
            _ => format!("SI/{}/{:0w$}", d.year, d.seq, w = self.num.si_width),
        }
    }

    /// Whether `s` is the number of a document in invoices.csv.
    fn is_doc_no(&self, s: &str) -> bool {
        let digits = |r: &str, n: usize| r.len() == n && r.bytes().all(|b| b.is_ascii_digit());
        let within = |v: u32, start: u32, count: u32| v >= start && v - start < count;
        let n = &self.num;
        if let Some(r) = s.strip_prefix("INV-") {
            digits(r, 7) && r.parse().is_ok_and(|v| within(v, n.inv_start, n.inv_count))
        } else if let Some(r) = s.strip_prefix("CN-") {
            digits(r, 7) && r.parse().is_ok_and(|v| within(v, n.cn_start, n.cn_count))
        } else if let Some(r) = s.strip_prefix("SI/") {
            let Some((y, q)) = r.split_once('/') else { return false };
            if !digits(y, 4) || !digits(q, n.si_width) {
                return false;
            }
            let (Ok(y), Ok(q)) = (y.parse::<u16>(), q.parse::<usize>()) else { return false };
            n.si.iter().any(|e| e.0 == y && q >= 1 && q <= e.1.len())
        } else {
            digits(s, 10) && s.parse().is_ok_and(|v| within(v, n.num_start, n.num_count))
        }
    }

    /// A slip of document `i`'s number that is no real document number (and no slip of `avoid`'s
    /// documents, when given).
    fn slip_of(&mut self, i: u32, avoid: u32) -> Option<String> {
        let no = self.doc_no(i);
        let mut cands = slips(&no);
        self.shuffle(&mut cands);
        cands.into_iter().find(|s| {
            !self.is_doc_no(s)
                && (avoid == NONE
                    || !self.custs[avoid as usize]
                        .invs
                        .iter()
                        .chain(self.custs[avoid as usize].cns.iter())
                        .any(|&j| one_slip(&self.doc_no(j), s)))
        })
    }

    /// The documents of `c` (open invoices and credit notes) whose number is one character (replaced,
    /// swapped with its neighbour, dropped or added) from `s`, letters and digits compared upper-case.
    fn near_docs(&self, s: &str, c: u32) -> Vec<u32> {
        let cu = &self.custs[c as usize];
        cu.invs.iter().chain(cu.cns.iter()).copied().filter(|&j| near(s, &self.doc_no(j))).collect()
    }

    /// A slip or a cut of document `b`'s number that is no real number and is near no other document
    /// of its customer.
    fn garble(&mut self, b: u32) -> Option<String> {
        let no = self.doc_no(b);
        let c = self.docs[b as usize].cust;
        let mut cands = slips(&no);
        if self.docs[b as usize].series != S_SI {
            cands.push(no[..no.len() - 1].to_string());
        }
        self.shuffle(&mut cands);
        cands.into_iter().find(|s| !self.is_doc_no(s) && self.near_docs(s, c) == [b])
    }

    // --- text ---------------------------------------------------------------------------------

    fn cust_no(c: u32) -> String {
        format!("C{:06}", c + 1)
    }

    fn po_text(po: u64) -> String {
        if po >= 1_000_000 {
            po.to_string()
        } else {
            format!("PO-{po}")
        }
    }

    /// The customer's name as a bank shows it: upper case and ASCII more often than not, the legal form
    /// kept, dropped or written differently, "Intl" and "and", cut at 35 characters.
    fn payer_name(&mut self, c: u32) -> String {
        let cu = &self.custs[c as usize];
        let (mut base, suffix) = (cu.base.clone(), cu.suffix);
        if base.contains("International") && self.pm(400) {
            let r = self.pick(&["Intl", "Intl.", "INTL"]);
            base = base.replace("International", r);
        }
        if base.contains(" & ") && self.pm(450) {
            let r = self.pick(&[" and ", " AND ", " + ", " u. "]);
            base = base.replace(" & ", r);
        }
        let alt: &[&str] = match suffix {
            "GmbH" => &["GMBH", "Gesellschaft mbH", "GES.M.B.H."],
            "AG" => &["Aktiengesellschaft", "A.G."],
            "Ltd" => &["LIMITED", "Ltd.", "LTD"],
            "Limited" => &["Ltd", "LTD."],
            "Inc." => &["Inc", "Incorporated", "INC"],
            "LLC" => &["L.L.C.", "Inc"],
            "S.A." => &["SA", "S A"],
            "B.V." => &["BV", "B V"],
            "SARL" => &["S.A.R.L.", "Sarl"],
            "Sp. z o.o." => &["SP Z OO", "SP. Z O.O.", "SPOLKA Z O.O."],
            "OOD" => &["O.O.D."],
            "EOOD" => &["E.O.O.D.", "EOOD LTD"],
            "S.r.l." => &["SRL", "S.R.L."],
            "S.p.A." => &["SPA", "S.P.A."],
            "K.K." => &["KK", "Kabushiki Kaisha"],
            "Corp." => &["CORP", "Corporation"],
            _ => &["CO LTD", "CO.,LTD."],
        };
        let s = match self.range(0, 99) {
            0..=44 => format!("{base} {suffix}"),
            45..=69 => base,
            _ => format!("{base} {}", self.pick(alt)),
        };
        let s = match self.range(0, 99) {
            0..=64 => {
                let german = self.pm(500);
                ascii(&s, german).to_uppercase()
            }
            65..=79 => ascii(&s, false),
            _ => s,
        };
        cut(&s, 35)
    }

    fn stranger(&mut self) -> String {
        if self.pm(400) {
            return self.pick(BANK_TEXTS).to_string();
        }
        let (f, l) = (self.pick(PERSON_FIRST), self.pick(PERSON_LAST));
        let s = match self.range(0, 3) {
            0 => format!("{f} {l}"),
            1 => format!("{l} {f}"),
            2 => format!("{}. {l}", f.chars().next().unwrap_or('X')),
            _ => format!("{l}, {f}"),
        };
        ascii(&s, false).to_uppercase()
    }

    fn upper_sometimes(&mut self, s: String) -> String {
        if self.pm(250) {
            s.to_uppercase()
        } else {
            s
        }
    }

    /// A bank reference that contains `d` exactly (upper-cased now and then, unless `keep_case`: a slip
    /// like `Sl/…` must stay as written).
    fn ref_exact(&mut self, d: &str, keep_case: bool) -> String {
        let s = match self.range(0, 12) {
            0 => format!("Payment for {d}"),
            1 => format!("/INV/{d}"),
            2 => format!("RE: {d} THANK YOU"),
            3 => d.to_string(),
            4 => format!("Invoice {d}"),
            5 => format!("Rechnung {d}"),
            6 => format!("Facture {d}"),
            7 => format!("SVWZ+{d}"),
            8 => format!("{d} / accounts payable"),
            9 => format!("Zahlung {d}"),
            10 => format!("INV {d} PAYMENT"),
            11 => format!("Pago factura {d}"),
            _ => format!("Settlement {d}"),
        };
        if keep_case {
            s
        } else {
            self.upper_sometimes(s)
        }
    }

    /// A reference naming invoice `t` in another shape: case, spacing, separators, prefix, leading zeros.
    fn ref_reformatted(&mut self, t: u32) -> String {
        let exact = self.doc_no(t);
        let d = &self.docs[t as usize];
        let (series, seq, year, c) = (d.series, d.seq, d.year, d.cust);
        for _ in 0..50 {
            let s = match series {
                S_INV => {
                    let p = format!("{seq:07}");
                    match self.range(0, 9) {
                        0 => format!("inv {seq}"),
                        1 => format!("Invoice #{p}"),
                        2 => format!("INV{p}"),
                        3 => format!("INV {p}"),
                        4 => format!("Inv. {seq}"),
                        5 => format!("INV-{seq}"),
                        6 => format!("inv{seq}"),
                        7 => format!("Rechnung INV {seq}"),
                        8 if self.bare_ok(seq, c) => format!("Rechnung Nr. {seq}"),
                        9 if self.bare_ok(seq, c) => format!("Invoice {seq}"),
                        _ => continue,
                    }
                }
                S_NUM => match self.range(0, 6) {
                    0 => seq.to_string(),
                    1 => format!("Invoice {seq}"),
                    2 => format!("Rg. {seq}"),
                    3 => format!("{} {}", &exact[..4], &exact[4..]),
                    4 => format!("{}-{}", &exact[..4], &exact[4..]),
                    5 => format!("Beleg {seq}"),
                    _ => format!("Inv No. {seq}"),
                },
                _ => {
                    let w = self.num.si_width;
                    match self.range(0, 6) {
                        0 => format!("SI {year} {seq}"),
                        1 => format!("SI-{year}-{seq:0w$}"),
                        2 => format!("si/{year}/{seq}"),
                        3 => format!("SI{year}/{seq:0w$}"),
                        4 => format!("SI {year}/{seq:0w$}"),
                        5 => format!("Invoice SI {year} {seq:0w$}"),
                        _ => format!("SI.{year}.{seq}"),
                    }
                }
            };
            if !s.to_uppercase().contains(&exact) {
                return self.upper_sometimes(s);
            }
        }
        // Every shape above differs from the number for any real sequence; keep a safe one anyway.
        format!("{} {}", &exact[..exact.len() - 1], &exact[exact.len() - 1..])
    }

    /// Whether a bare invoice sequence number (no prefix) cannot also be read as an SI number or a
    /// PO number of the same customer's group.
    fn bare_ok(&self, seq: u32, c: u32) -> bool {
        let si_hit = self.num.si.iter().any(|(_, v)| {
            (seq as usize) >= 1
                && (seq as usize) <= v.len()
                && self.family(self.docs[v[seq as usize - 1] as usize].cust, c)
        });
        let po_hit = self.po_docs.get(&u64::from(seq)).is_some_and(|&i| self.family(self.docs[i as usize].cust, c));
        !si_hit && !po_hit
    }

    fn ref_none(&mut self) -> String {
        match self.range(0, 10) {
            0 => "SEPA CREDIT".into(),
            1 => "SEPA CREDIT TRANSFER".into(),
            2 => "PAYMENT".into(),
            3 => "ZAHLUNG".into(),
            4 => "VIREMENT".into(),
            5 => format!("OUR REF {}", self.noise()),
            6 => format!("PAYMENT RUN {}", self.noise()),
            7 => String::new(),
            8 => "TRANSFER".into(),
            9 => format!("ZAHLUNGSLAUF {}", self.noise()),
            _ => self.noise(),
        }
    }

    fn ref_remittance(&mut self) -> String {
        let n = self.noise();
        match self.range(0, 5) {
            0 => format!("REMITTANCE ADVICE {n}"),
            1 => format!("REMITTANCE {n}"),
            2 => format!("AVIS DE PAIEMENT {n}"),
            3 => format!("ZAHLUNGSAVIS {n}"),
            4 => format!("PAYMENT ADVICE {n}"),
            _ => format!("PAYMENT NO {n}"),
        }
    }

    fn ref_multi(&mut self, nos: &[String]) -> String {
        let any_si = nos.iter().any(|s| s.contains('/'));
        for _ in 0..10 {
            let sep = self.pick(&[", ", " / ", "/", " ", "; ", " + "]);
            if any_si && sep == "/" {
                continue;
            }
            let prefix = self.pick(&["", "", "Invoices ", "Rechnungen ", "Payment ", "INV "]);
            let mut s = String::from(prefix);
            for (k, no) in nos.iter().enumerate() {
                if k > 0 {
                    if k + 1 == nos.len() && sep == ", " && self.pm(500) {
                        s.push_str(" & ");
                    } else {
                        s.push_str(sep);
                    }
                }
                s.push_str(no);
            }
            if s.chars().count() <= 140 {
                return self.upper_sometimes(s);
            }
        }
        nos.join(" ")
    }

    fn ref_po(&mut self, t: u32) -> (String, String) {
        let (po, so) = (self.docs[t as usize].po, self.docs[t as usize].so);
        if po != 0 && (so == 0 || self.pm(700)) {
            let text = Self::po_text(po);
            let s = if po >= 1_000_000 {
                match self.range(0, 4) {
                    0 => format!("PO {po}"),
                    1 => format!("Bestellung {po}"),
                    2 => format!("Your order {po}"),
                    3 => format!("{po}"),
                    _ => format!("PO {po} / delivery"),
                }
            } else {
                match self.range(0, 4) {
                    0 => format!("PO-{po}"),
                    1 => format!("PO {po}"),
                    2 => format!("PO#{po}"),
                    3 => format!("Purchase order PO-{po}"),
                    _ => format!("Your ref PO-{po}"),
                }
            };
            (s, format!("po_number {text}"))
        } else {
            let s = match self.range(0, 2) {
                0 => format!("Order SO-{so}"),
                1 => format!("SO-{so}"),
                _ => format!("Your ref SO {so}"),
            };
            (s, format!("reference SO-{so}"))
        }
    }

    // --- writing ------------------------------------------------------------------------------

    fn write_all(&mut self, out: &Path) -> io::Result<Vec<(&'static str, u64)>> {
        let mut counts = Vec::new();
        // customers
        let mut w = Csv::create(out, "customers.csv", H_CUSTOMERS)?;
        for (c, cu) in self.custs.iter().enumerate() {
            let parent = if cu.parent == NONE { String::new() } else { Self::cust_no(cu.parent) };
            w.row(&[
                Self::cust_no(c as u32),
                cu.name(),
                cu.email.clone(),
                money(cu.credit_limit, cu.cur),
                CURS[cu.cur as usize].code.to_string(),
                TERMS[cu.terms as usize].to_string(),
                parent,
                cu.address.clone(),
            ])?;
        }
        counts.push(("customers.csv", w.finish()?));

        // documents, in document_no order
        let mut order: Vec<u32> = (0..self.docs.len() as u32).collect();
        order.sort_by_key(|&i| {
            let d = &self.docs[i as usize];
            (d.series, if d.series == S_SI { d.year } else { 0 }, d.seq)
        });
        let mut w = Csv::create(out, "invoices.csv", H_INVOICES)?;
        for &i in &order {
            let d = &self.docs[i as usize];
            let cur = self.custs[d.cust as usize].cur;
            let cn = d.kind == D_CN;
            let reference = if cn {
                self.doc_no(d.cn_ref)
            } else if d.so != 0 {
                format!("SO-{}", d.so)
            } else {
                String::new()
            };
            let po = if d.po != 0 { Self::po_text(d.po) } else { String::new() };
            w.row(&[
                self.doc_no(i),
                Self::cust_no(d.cust),
                fmt_date(d.date),
                money(if cn { -d.amount } else { d.amount }, cur),
                CURS[cur as usize].code.to_string(),
                if cn { "credit_note" } else { "invoice" }.to_string(),
                fmt_date(d.due),
                reference,
                po,
            ])?;
        }
        counts.push(("invoices.csv", w.finish()?));

        // history payments and their applications
        let w_pay = (self.hist.len() + self.pays.len()).to_string().len().max(7);
        let pid = |n: u32| format!("PMT-{n:0w_pay$}");
        let mut hist = std::mem::take(&mut self.hist);
        hist.sort_by_key(|h| h.id);
        let mut w = Csv::create(out, "history_payments.csv", H_PAYMENTS)?;
        let mut wa = Csv::create(out, "history_applications.csv", H_APPLICATIONS)?;
        for h in &hist {
            let cur = self.custs[h.cust as usize].cur;
            let amount: i64 = h.docs.iter().map(|&i| self.docs[i as usize].amount).sum();
            let nos: Vec<String> = h.docs.iter().map(|&i| self.doc_no(i)).collect();
            let reference = if nos.len() == 1 { self.ref_exact(&nos[0], false) } else { self.ref_multi(&nos) };
            let payer = self.payer_name(h.cust);
            let account = self.custs[h.cust as usize].accounts[h.acct as usize].clone();
            let id = pid(h.id);
            w.row(&[
                id.clone(),
                fmt_date(h.date),
                money(amount, cur),
                CURS[cur as usize].code.to_string(),
                Self::cust_no(h.cust),
                payer,
                reference,
                account,
            ])?;
            let mut apps: Vec<(String, i64)> =
                h.docs.iter().map(|&i| (self.doc_no(i), self.docs[i as usize].amount)).collect();
            apps.sort();
            for (no, a) in apps {
                let (amount, date) = (money(a, cur), fmt_date(h.date));
                wa.row(&[id.as_str(), &no, &amount, &date, "payment", "", "", ""])?;
            }
        }
        counts.push(("history_payments.csv", w.finish()?));
        counts.push(("history_applications.csv", wa.finish()?));
        self.hist = hist;

        // payments, remittances, truth
        let mut pays = std::mem::take(&mut self.pays);
        pays.sort_by_key(|p| p.id);
        let mut wp = Csv::create(out, "payments.csv", H_PAYMENTS)?;
        let mut wr = Csv::create(out, "remittances.csv", H_REMITTANCES)?;
        let mut wt = Csv::create(out, "truth.csv", H_TRUTH)?;
        for p in &pays {
            let id = pid(p.id);
            let row = self.payment_text(p);
            wp.row(&[
                id.clone(),
                fmt_date(p.date),
                money(p.amount, p.cur),
                CURS[p.cur as usize].code.to_string(),
                row.customer_id,
                row.payer,
                row.reference,
                row.account,
            ])?;
            let mut lines = row.lines;
            lines.sort();
            for (no, cash, disc, ded, reason) in lines {
                wr.row(&[id.clone(), no, cash, disc, ded, reason])?;
            }
            let net;
            let truth_apps = if p.cat == NET_NAMED {
                net = self.net_apps(p);
                &net
            } else {
                &p.apps
            };
            let note = if p.cat == HIGH_NOM {
                let sep = if row.note.is_empty() { "" } else { ": " };
                format!(
                    "{} amounts, shaped as {}{sep}{}",
                    CURS[p.cur as usize].code, CATS[p.style as usize].0, row.note
                )
            } else {
                row.note
            };
            let mut apps: Vec<String> = truth_apps
                .iter()
                .map(|a| format!("{}:{}:{}", KIND_NAME[a.kind as usize], self.doc_no(a.doc), money(a.amount, p.cur)))
                .collect();
            apps.sort();
            let expected = if matches!(p.cat, AMBIGUOUS | UNKNOWN) || p.leave { "leave" } else { "apply" };
            wt.row(&[id, CATS[p.cat as usize].0.to_string(), expected.to_string(), apps.join(";"), note])?;
        }
        counts.push(("payments.csv", wp.finish()?));
        counts.push(("remittances.csv", wr.finish()?));
        counts.push(("truth.csv", wt.finish()?));
        self.pays = pays;
        fs::write(out.join("apply.toml"), APPLY_TOML)?;
        Ok(counts)
    }

    fn payment_text(&mut self, p: &Pay) -> PayText {
        let c = p.cust;
        let cur = p.cur;
        let mut t = PayText::default();
        if c != NONE {
            let n = self.custs[c as usize].accounts.len();
            let a = self.idx(n);
            t.account = self.custs[c as usize].accounts[a].clone();
            t.payer = self.payer_name(c);
        }
        let first = p.refs.first().copied().unwrap_or(NONE);
        let no = if first == NONE { String::new() } else { self.doc_no(first) };
        let cid = |c: u32| Self::cust_no(c);
        match p.style {
            EXACT_REF | BANK_FEE | SHORT_POLICY | OVERPAY | FX => {
                t.reference = self.ref_exact(&no, false);
                let open = self.docs[first as usize].amount;
                t.note = match p.style {
                    BANK_FEE => format!("bank fee {} written off", money(open - p.amount, cur)),
                    SHORT_POLICY => format!(
                        "short by {} (over the write-off tolerance {}, within deduction_max): deduction",
                        money(open - p.amount, cur),
                        money(tolerance(open, cur), cur)
                    ),
                    OVERPAY => format!("overpaid by {}: stays on account", money(p.amount - open, cur)),
                    FX if p.param == 1 => format!("under by {}: written off", money(open - p.amount, cur)),
                    FX => format!("over by {}: stays on account", money(p.amount - open, cur)),
                    _ => String::new(),
                };
            }
            REF_FORMAT => {
                t.reference = self.ref_reformatted(first);
                t.note = format!("reference names {no} in another shape");
            }
            OCR_SLIP => {
                let s = self.slip_of(first, NONE).unwrap_or_else(|| no.clone());
                t.reference = self.ref_exact(&s, true);
                t.note = format!("{s} is a slip of {no}; payer and amount identify it");
            }
            NEAR_MISS => {
                // A real invoice of a customer outside the payer's group, of another amount; the
                // reference shows a slip of its number that is no slip of any of the payer's documents.
                let mut found = None;
                for _ in 0..200 {
                    let x = self.rand_open();
                    let dx = &self.docs[x as usize];
                    if self.family(dx.cust, c) || dx.amount == p.amount {
                        continue;
                    }
                    if let Some(s) = self.slip_of(x, c) {
                        found = Some((x, s));
                        break;
                    }
                }
                match found {
                    Some((x, s)) => {
                        t.reference = self.ref_exact(&s, true);
                        let xc = self.docs[x as usize].cust;
                        t.note = format!(
                            "{s} is one character from {} of {}; payer and amount identify {no}",
                            self.doc_no(x),
                            cid(xc)
                        );
                    }
                    None => {
                        t.reference = self.ref_none();
                        t.note = format!("only open invoice of {} with this amount", cid(c));
                    }
                }
            }
            MULTI => {
                let nos: Vec<String> = p.refs.iter().map(|&i| self.doc_no(i)).collect();
                t.reference = self.ref_multi(&nos);
                t.note = format!("{} invoices in the reference", nos.len());
            }
            PO_REF => {
                let (r, what) = self.ref_po(first);
                t.reference = r;
                t.note = format!("{what} of {no}");
            }
            REMITTANCE | SHORT_REMIT => {
                t.reference = if self.pm(700) { self.ref_remittance() } else { self.noise() };
                let mut notes = vec![format!("remittance advice, {} line(s)", p.lines.len())];
                for l in &p.lines {
                    let real = self.doc_no(l.doc);
                    let shown = if l.typo {
                        let s = self.slip_of(l.doc, NONE).unwrap_or_else(|| real.clone());
                        notes.push(format!("typo {s} for {real}, its amount identifies it"));
                        s
                    } else {
                        real
                    };
                    let (ded, reason) = if l.deduction > 0 {
                        let r = DEDUCTION_REASONS[l.reason as usize];
                        let over = if l.deduction > CURS[cur as usize].dmax { ", above deduction_max" } else { "" };
                        notes.push(format!("deduction {} ({r}) stated on the advice{over}", money(l.deduction, cur)));
                        (money(l.deduction, cur), r.to_string())
                    } else {
                        (String::new(), String::new())
                    };
                    t.lines.push((shown, money(l.cash, cur), String::new(), ded, reason));
                }
                t.note = notes.join("; ");
            }
            DISCOUNT => {
                let s = match self.range(0, 4) {
                    0 => format!("{no} less 2% discount"),
                    1 => format!("{no} abzgl. 2% Skonto"),
                    2 => format!("Invoice {no} - 2% early payment discount"),
                    3 => format!("{no} SKONTO"),
                    _ => no.clone(),
                };
                t.reference = self.upper_sometimes(s);
                let days = p.date - self.docs[first as usize].date;
                t.note = format!("2/10 net 30, paid {days} days after doc_date: 2% discount (half-even)");
            }
            PARTIAL => {
                let n = p.param;
                let s = match self.range(0, 4) {
                    0 => format!("partial payment 1 of {n} {no}"),
                    1 => format!("Teilzahlung 1/{n} Rechnung {no}"),
                    2 => format!("instalment 1 of {n} - {no}"),
                    3 => format!("Abschlagszahlung {no}"),
                    _ => format!("part payment {no}"),
                };
                t.reference = self.upper_sometimes(s);
                let open = self.docs[first as usize].amount;
                t.note = format!("instalment; {} stays open", money(open - p.amount, cur));
            }
            PARENT_PAYS => {
                let parent = self.custs[c as usize].parent;
                let n = self.custs[parent as usize].accounts.len();
                let a = self.idx(n);
                t.account = self.custs[parent as usize].accounts[a].clone();
                t.payer = self.payer_name(parent);
                let mut r = self.ref_exact(&no, false);
                if self.pm(300) {
                    let sub = self.custs[c as usize].base.clone();
                    r = format!("{r} on behalf of {sub}");
                }
                t.reference = r;
                t.note = format!("parent {} pays for subsidiary {}", cid(parent), cid(c));
            }
            NETTING => {
                let cn = self.doc_no(p.other);
                let s = match self.range(0, 5) {
                    0 => format!("{no} less credit note {cn}"),
                    1 => format!("{no} ./. {cn}"),
                    2 => format!("Rechnung {no} abzgl. Gutschrift {cn}"),
                    3 => format!("{no} - {cn}"),
                    4 => format!("INV {no} CN {cn}"),
                    _ => format!("{no} net of {cn}"),
                };
                t.reference = self.upper_sometimes(s);
                let credit = self.docs[p.other as usize].amount;
                t.note = format!("credit note {cn} ({}) netted against {no}", money(credit, cur));
            }
            SLIP_OTHER => {
                let xno = self.doc_no(p.other);
                let away = if one_slip(&xno, &no) { "one character" } else { "two characters (a carry)" };
                if p.param == 1 {
                    t.reference = self.ref_exact(&no, false);
                    t.note = format!("pays {no} by its right number; an earlier payment named it by a slip of {xno}");
                } else {
                    t.reference = self.ref_exact(&no, true);
                    let ya = self.docs[first as usize].amount;
                    t.note = format!(
                        "names {no} (open {}), {away} from {xno} whose open equals the payment: a conflict, leave; {no} is paid later",
                        money(ya, cur)
                    );
                }
            }
            NET_NAMED => {
                let cn = self.doc_no(p.other);
                let nos: Vec<String> = p.refs.iter().map(|&i| self.doc_no(i)).collect();
                let sep = self.pick(&[" ", ", ", "; ", " / "]);
                let s = match self.range(0, 4) {
                    0 => format!("{}{sep}{cn}", nos.join(sep)),
                    1 => format!("{} LESS {cn}", nos.join(sep)),
                    2 => format!("{} ./. {cn}", nos.join(sep)),
                    3 => format!("{} minus {cn}", nos.join(sep)),
                    _ => format!("Invoices {} less credit note {cn}", nos.join(sep)),
                };
                t.reference = self.upper_sometimes(s);
                let credit = self.docs[p.other as usize].amount;
                t.note = format!("credit note {cn} ({}) netted against {}", money(credit, cur), nos.join(" "));
            }
            SUBSET => {
                let name = t.payer.clone();
                t.reference = match self.range(0, 6) {
                    0 => "PAYMENT".into(),
                    1 => "Payment".into(),
                    2 => "account settlement".into(),
                    3 => "ACCOUNT SETTLEMENT".into(),
                    4 if !name.is_empty() => name,
                    5 => format!("PAYMENT {}", self.noise()),
                    _ => "Settlement of account".into(),
                };
                t.note = if p.leave {
                    let shown: Vec<String> = p.refs.iter().map(|&i| self.doc_no(i)).collect();
                    format!(
                        "two subsets of the {} open invoices of {} sum to it ({} + {} / {} + {}): leave",
                        p.param,
                        cid(c),
                        shown[0],
                        shown[1],
                        shown[2],
                        shown[3]
                    )
                } else {
                    format!(
                        "the only subset of the open items of {} ({} invoices, credit notes included) with this sum",
                        cid(c),
                        p.param
                    )
                };
            }
            PARTLY => {
                let mut shown: Vec<String> = p.refs.iter().map(|&i| self.doc_no(i)).collect();
                let mut notes: Vec<String> = vec![format!("{} named exactly", shown.join(" "))];
                let rest: Vec<String> = p.lines.iter().map(|l| self.doc_no(l.doc)).collect();
                match p.param {
                    0 => {
                        let mut written = Vec::new();
                        for l in &p.lines {
                            match self.garble(l.doc) {
                                Some(s) => written.push(s),
                                None => written.clear(),
                            }
                            if written.is_empty() {
                                break;
                            }
                        }
                        // What is written must point at exactly the unnamed documents, and the exact
                        // numbers at no neighbour of the payer's: else everything is written exactly.
                        let mut found: Vec<u32> = Vec::new();
                        for s in shown.iter().chain(&written) {
                            found.extend(self.near_docs(s, c).into_iter().filter(|j| !p.refs.contains(j)));
                        }
                        found.sort_unstable();
                        found.dedup();
                        let mut want: Vec<u32> = p.lines.iter().map(|l| l.doc).collect();
                        want.sort_unstable();
                        if written.len() == p.lines.len() && found == want {
                            let pairs: Vec<String> =
                                written.iter().zip(&rest).map(|(w, r)| format!("{w} for {r}")).collect();
                            notes.push(format!("{}: slips of the payer's own numbers; apply all", pairs.join(", ")));
                            shown.extend(written);
                        } else {
                            notes.push(format!("{} written exactly (no unique slip)", rest.join(" ")));
                            shown.extend(rest);
                        }
                    }
                    1 => notes.push(format!(
                        "{} not written: the only subset of the payer's other open invoices equal to the rest",
                        rest.join(" ")
                    )),
                    _ => notes
                        .push(format!("{} not written, and another subset equals the rest too: leave", rest.join(" "))),
                }
                self.shuffle(&mut shown);
                t.reference = self.ref_multi(&shown);
                t.note = notes.join("; ");
            }
            MULTI_SMALL => {
                let nos: Vec<String> = p.refs.iter().map(|&i| self.doc_no(i)).collect();
                t.reference = self.ref_multi(&nos);
                t.note = format!(
                    "{} invoices paid {} short (bank charges or rounding, within tolerance): written off on the largest",
                    nos.len(),
                    money(p.param, cur)
                );
            }
            CN_NOT_NAMED => {
                let cn = self.doc_no(p.other);
                let inv = self.doc_no(p.apps[0].doc);
                if p.param == 1 {
                    t.reference = self.ref_exact(&inv, false);
                    t.note = format!("names {inv}; open credit note {cn} not named: untouched");
                } else {
                    t.reference = self.ref_none();
                    t.note = format!(
                        "only open invoice of {} with this amount ({inv}); open credit note {cn} not named: untouched",
                        cid(c)
                    );
                }
            }
            GLUED => {
                let n10 = self.range(5_000_000_000, 5_999_999_999);
                let s = match self.range(0, 5) {
                    0 => format!("{no}REF 1: {n10}"),
                    1 => format!("{no}PAYMENT"),
                    2 => format!("{no}REF{}", self.noise()),
                    3 => format!("{no}THANK YOU"),
                    4 if self.docs[first as usize].series == S_NUM => format!("RECHNUNG{no}"),
                    _ => format!("{no}SETTLEMENT {n10}"),
                };
                t.reference = self.upper_sometimes(s);
                t.note = format!("{no} run into the next word");
            }
            NO_REF => {
                t.reference = self.ref_none();
                t.note = format!("only open invoice of {} with this amount", cid(c));
            }
            COMBINATION => {
                t.reference = self.ref_none();
                t.note = format!("the only subset of the {} open invoices of {} with this sum", p.param, cid(c));
            }
            ACCOUNT_ONLY => {
                t.payer = self.stranger();
                t.account = self.custs[c as usize].accounts[p.acct as usize].clone();
                t.reference = self.ref_none();
                t.note = format!("account seen in the history for {}; only open invoice with this amount", cid(c));
            }
            CID_GIVEN => {
                t.customer_id = cid(c);
                t.account = String::new();
                if self.pm(500) {
                    t.payer = String::new();
                }
                t.note = format!("lockbox: customer_id given; only open invoice of {} with this amount", cid(c));
            }
            AMBIGUOUS => {
                t.reference = self.ref_none();
                let shown: Vec<String> = p.refs.iter().take(4).map(|&i| self.doc_no(i)).collect();
                let more = if p.refs.len() > 4 { " …" } else { "" };
                t.note = format!(
                    "{} has {} open invoices of {}: {}{more}",
                    cid(c),
                    p.refs.len(),
                    money(p.amount, cur),
                    shown.join(" ")
                );
            }
            _ => {
                // UNKNOWN
                t.payer = self.stranger();
                let country = match cur {
                    1 => "US",
                    2 => "GB",
                    _ => COUNTRIES[self.idx(9)].code,
                };
                t.account = self.bank_account(country);
                t.reference = self.ref_none();
                t.note = if p.other != NONE {
                    let o = p.other;
                    format!(
                        "payer unknown; the amount happens to equal {} of {}",
                        self.doc_no(o),
                        cid(self.docs[o as usize].cust)
                    )
                } else {
                    "payer unknown".to_string()
                };
            }
        }
        t
    }

    /// Payment ids in date order across history and new payments (like a bank statement), ties at random.
    fn assign_ids(&mut self) {
        let mut all: Vec<(i32, u64, bool, usize)> = Vec::new();
        for (i, h) in self.hist.iter().enumerate() {
            all.push((h.date, 0, true, i));
        }
        for (i, p) in self.pays.iter().enumerate() {
            all.push((p.date, 0, false, i));
        }
        let salt = self.rng.random_range(0..u64::MAX);
        for e in all.iter_mut() {
            e.1 = splitmix(salt ^ ((e.3 as u64) << 1 | u64::from(e.2)));
        }
        all.sort_unstable();
        for (k, e) in all.iter().enumerate() {
            let id = k as u32 + 1;
            if e.2 {
                self.hist[e.3].id = id;
            } else {
                self.pays[e.3].id = id;
            }
        }
    }
}

#[derive(Default)]
struct PayText {
    customer_id: String,
    payer: String,
    reference: String,
    account: String,
    note: String,
    /// (document_no as written, amount, discount, deduction, reason)
    lines: Vec<(String, String, String, String, String)>,
}

struct Args {
    customers: u32,
    open_invoices: u32,
    payments: u32,
    seed: u64,
    as_of: i32,
    out: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        customers: 1000,
        open_invoices: 20_000,
        payments: 2000,
        seed: 42,
        as_of: parse_date("2026-03-31").unwrap_or(20_543),
        out: PathBuf::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (flag.clone(), None),
        };
        let value = match inline {
            Some(v) => v,
            None => it.next().ok_or_else(|| format!("{name} needs a value"))?,
        };
        let num = |v: &str| v.replace('_', "").parse::<u64>().map_err(|_| format!("{name}: not a number: {v}"));
        let small = |v: u64| u32::try_from(v).map_err(|_| format!("{name}: too large"));
        match name.as_str() {
            "--customers" => a.customers = small(num(&value)?)?,
            "--open-invoices" => a.open_invoices = small(num(&value)?)?,
            "--payments" => a.payments = small(num(&value)?)?,
            "--seed" => a.seed = num(&value)?,
            "--as-of" => {
                a.as_of = parse_date(&value).ok_or_else(|| format!("--as-of: not a YYYY-MM-DD date: {value}"))?
            }
            "--out" => a.out = PathBuf::from(value),
            _ => return Err(format!("unknown option {name}")),
        }
    }
    if a.out.as_os_str().is_empty() {
        return Err("--out DIR is required".into());
    }
    if a.customers == 0 || a.open_invoices == 0 {
        return Err("--customers and --open-invoices must be at least 1".into());
    }
    Ok(a)
}

fn run(a: &Args) -> Result<(), String> {
    let t0 = Instant::now();
    fs::create_dir_all(&a.out).map_err(|e| format!("{}: {e}", a.out.display()))?;
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(a.seed),
        as_of: a.as_of,
        pay_lo: a.as_of - 30,
        pay_hi: a.as_of - 1,
        custs: Vec::new(),
        cum_weight: Vec::new(),
        docs: Vec::new(),
        n_open: 0,
        cn_list: Vec::new(),
        accounts: HashSet::new(),
        pos: HashSet::new(),
        sos: HashSet::new(),
        po_docs: HashMap::new(),
        pays: Vec::new(),
        hist: Vec::new(),
        num: Numbering::default(),
        fallbacks: [0; N_CATS],
        pending: Vec::new(),
        pairs: Vec::new(),
        only_high: false,
        high_docs: Vec::new(),
    };
    g.make_customers(a.customers);
    let ambiguous = (u64::from(a.payments) * u64::from(CATS[AMBIGUOUS as usize].1) / 1000) as u32;
    g.make_documents(a.open_invoices, ambiguous);
    g.make_payments(a.payments)?;
    g.make_history(a.payments);
    g.number();
    g.assign_ids();
    let counts = g.write_all(&a.out).map_err(|e| format!("writing {}: {e}", a.out.display()))?;

    let mut per = [0u32; N_CATS];
    for p in &g.pays {
        per[p.cat as usize] += 1;
    }
    let mut summary: Vec<String> = Vec::new();
    for (i, (name, _)) in CATS.iter().enumerate() {
        let fb = if g.fallbacks[i] > 0 { format!(" ({} short → exact_ref)", g.fallbacks[i]) } else { String::new() };
        summary.push(format!("{name}={}{fb}", per[i]));
    }
    eprintln!("applysynth: {}", summary.join(" "));
    let files: Vec<String> = counts.iter().map(|(f, n)| format!("{f}={n}")).collect();
    eprintln!("applysynth: wrote {} rows: {} in {:.2?}", a.out.display(), files.join(" "), t0.elapsed());
    Ok(())
}

fn main() -> ExitCode {
    match parse_args() {
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("applysynth: {e}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Ok(a) => match run(&a) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("applysynth: {e}");
                ExitCode::from(1)
            }
        },
    }
}
