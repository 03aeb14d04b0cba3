//! The lookups evidence needs, built once per run: document numbers in their exact and
//! digit-group forms, references and PO numbers, customer names, bank accounts seen on earlier
//! payments, and each customer's documents.

use super::normalize::{
    alnum, digit_key, digit_runs, legal_prefix, letter_prefix, name_key, name_words, one_edit, one_slip, tokens,
    window_keys,
};
use super::{Customer, Incoming, OpenDoc};
use crate::money::Currency;
use std::collections::{BTreeSet, HashMap};

/// Words payers put before a document number that say nothing about its type.
const GENERIC_PREFIXES: &[&str] = &[
    "",
    "INV",
    "INVOICE",
    "INVOICES",
    "RE",
    "REF",
    "NR",
    "NO",
    "NUM",
    "RECHNUNG",
    "RECHNUNGEN",
    "RG",
    "RECH",
    "FACTUUR",
    "FACTURE",
    "FACTURA",
    "FATTURA",
    "FAKTURA",
    "BILL",
    "DOC",
    "DOCUMENT",
    "SI",
    "PAYMENT",
    "FOR",
    "AND",
    "UND",
    "ET",
];

pub struct Index {
    pub customers: Vec<Customer>,
    pub docs: Vec<OpenDoc>,
    children: Vec<Vec<usize>>,
    by_customer: Vec<Vec<u32>>,
    by_alnum: HashMap<String, Vec<u32>>,
    by_digits: HashMap<String, Vec<u32>>,
    po_alnum: HashMap<String, Vec<u32>>,
    po_digits: HashMap<String, Vec<u32>>,
    names: HashMap<String, Vec<usize>>,
    /// (name key, customer), sorted, for payer names cut short by the bank.
    sorted_names: Vec<(String, usize)>,
    accounts: HashMap<String, BTreeSet<usize>>,
    customer_ids: HashMap<String, usize>,
    /// Open invoices by (currency, open amount when the run started), for exception candidates.
    by_amount: HashMap<(Currency, i64), Vec<u32>>,
}

/// How a document was found in a payment text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Found {
    /// The number as written (case and separators aside).
    Exact,
    /// The same digit groups (zeros, prefixes or separators changed).
    Format,
    /// The document's reference or PO number.
    Po,
}

fn push(map: &mut HashMap<String, Vec<u32>>, key: String, i: u32) {
    let v = map.entry(key).or_default();
    if v.last() != Some(&i) {
        v.push(i);
    }
}

impl Index {
    pub fn new(customers: Vec<Customer>, docs: Vec<OpenDoc>, accounts: Vec<(String, usize)>) -> Index {
        let mut children = vec![Vec::new(); customers.len()];
        for (i, c) in customers.iter().enumerate() {
            if let Some(p) = c.parent.filter(|p| *p != i && *p < customers.len()) {
                children[p].push(i);
            }
        }
        let mut by_customer = vec![Vec::new(); customers.len()];
        let (mut by_alnum, mut by_digits, mut po_alnum, mut po_digits) =
            (HashMap::new(), HashMap::new(), HashMap::new(), HashMap::new());
        for (i, d) in docs.iter().enumerate() {
            let i = i as u32;
            if let Some(v) = by_customer.get_mut(d.customer) {
                v.push(i);
            }
            let a = alnum(&d.no);
            if a.chars().any(|c| c.is_ascii_digit()) {
                push(&mut by_alnum, a, i);
            }
            if let Some(k) = digit_key(&d.no) {
                push(&mut by_digits, k, i);
            }
            // A credit note's reference usually names the invoice it credits: that is no
            // evidence the payment draws on the credit note, which must be named by its number.
            let references = if d.open < 0 || d.doc_type == crate::model::DocType::CreditNote {
                [None, None]
            } else {
                [d.reference.as_ref(), d.po_number.as_ref()]
            };
            for r in references.into_iter().flatten() {
                let a = alnum(r);
                if a.len() >= 4 && a.chars().any(|c| c.is_ascii_digit()) {
                    push(&mut po_alnum, a, i);
                }
                if let Some(k) = digit_key(r) {
                    push(&mut po_digits, k, i);
                }
            }
        }
        let mut names: HashMap<String, Vec<usize>> = HashMap::new();
        let mut sorted_names = Vec::new();
        for (i, c) in customers.iter().enumerate() {
            for german in [false, true] {
                let k = name_key(&c.name, german);
                if k.is_empty() {
                    continue;
                }
                let v = names.entry(k.clone()).or_default();
                if !v.contains(&i) {
                    v.push(i);
                    sorted_names.push((k, i));
                }
            }
        }
        sorted_names.sort();
        let mut by_account: HashMap<String, BTreeSet<usize>> = HashMap::new();
        for (acct, c) in accounts {
            let a = alnum(&acct);
            if a.len() >= 6 {
                by_account.entry(a).or_default().insert(c);
            }
        }
        let customer_ids = customers.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
        let mut by_amount: HashMap<(Currency, i64), Vec<u32>> = HashMap::new();
        for (i, d) in docs.iter().enumerate().filter(|(_, d)| d.open > 0) {
            by_amount.entry((d.currency, d.open)).or_default().push(i as u32);
        }
        Index {
            customers,
            docs,
            children,
            by_customer,
            by_alnum,
            by_digits,
            po_alnum,
            po_digits,
            names,
            sorted_names,
            accounts: by_account,
            customer_ids,
            by_amount,
        }
    }

    pub fn customer_index(&self, id: &str) -> Option<usize> {
        self.customer_ids.get(id).copied()
    }

    /// The customers a payer may pay for: itself, its subsidiaries, its parent and the parent's
    /// other subsidiaries (group companies pay each other's invoices).
    pub fn family(&self, set: &BTreeSet<usize>) -> BTreeSet<usize> {
        let mut out = set.clone();
        for &c in set {
            out.extend(self.children[c].iter().copied());
            if let Some(p) = self.customers[c].parent.filter(|p| *p < self.customers.len()) {
                out.insert(p);
                out.extend(self.children[p].iter().copied());
            }
        }
        out
    }

    /// Customers whose name matches the payer's: equal name keys, or (a name the bank cut at
    /// 35 or 70 characters) a key that starts with the payer's words, the last one possibly cut.
    pub fn by_name(&self, payer: &str) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        let key = name_key(payer, false);
        if key.is_empty() {
            return out;
        }
        if let Some(v) = self.names.get(&key) {
            out.extend(v.iter().copied());
            return out;
        }
        if payer.trim().chars().count() < 30 {
            return out;
        }
        // Cut by the bank: drop what may be a (cut) legal form from the end, then look the rest
        // up whole, or as the start of a name whose next word the cut word begins.
        let mut words = name_words(payer, false);
        while words.len() > 1 && words.last().is_some_and(|w| w.chars().count() == 1 || legal_prefix(w)) {
            words.pop();
        }
        if let Some(v) = self.names.get(&words.join(" ")) {
            out.extend(v.iter().copied());
            return out;
        }
        let Some((last, whole)) = words.split_last() else { return out };
        let stem = whole.join(" ");
        if stem.len() < 8 {
            return out;
        }
        let start = self.sorted_names.partition_point(|(k, _)| k.as_str() < stem.as_str());
        for (k, c) in &self.sorted_names[start..] {
            if !k.starts_with(stem.as_str()) {
                break;
            }
            let rest = &k[stem.len()..];
            if rest
                .strip_prefix(' ')
                .and_then(|r| r.split_whitespace().next())
                .is_some_and(|next| next.starts_with(last.as_str()))
            {
                out.insert(*c);
            }
        }
        out
    }

    pub fn by_account(&self, account: &str) -> BTreeSet<usize> {
        self.accounts.get(&alnum(account)).cloned().unwrap_or_default()
    }

    /// Who the payer is, from the strongest evidence available: customer id, else name, else
    /// bank account (an empty set when none tells). Name and account that disagree give both.
    pub fn identify(&self, p: &Incoming) -> (BTreeSet<usize>, &'static str) {
        if let Some(c) = p.customer {
            return (BTreeSet::from([c]), "customer id");
        }
        let by_name = p.payer_name.as_deref().map(|n| self.by_name(n)).unwrap_or_default();
        let by_account = p.bank_account.as_deref().map(|a| self.by_account(a)).unwrap_or_default();
        match (by_name.is_empty(), by_account.is_empty()) {
            (false, true) => (by_name, "payer name"),
            (true, false) => (by_account, "bank account"),
            (false, false) => {
                let both: BTreeSet<usize> = by_name.intersection(&by_account).copied().collect();
                if both.is_empty() {
                    (by_name.union(&by_account).copied().collect(), "payer name and bank account")
                } else {
                    (both, "payer name and bank account")
                }
            }
            (true, true) => (BTreeSet::new(), ""),
        }
    }

    /// The documents (any open amount, any customer) of `currency` a payment text names.
    pub fn references(&self, text: &str, currency: Currency) -> Vec<(u32, Found)> {
        let mut hits: Vec<(u32, Found)> = Vec::new();
        let add = |i: u32, how: Found, hits: &mut Vec<(u32, Found)>| {
            if self.docs[i as usize].currency != currency {
                return;
            }
            match hits.iter_mut().find(|(d, _)| *d == i) {
                Some(h) => h.1 = h.1.min(how),
                None => hits.push((i, how)),
            }
        };
        for t in tokens(text) {
            if t.len() < 4 || !t.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            for &i in self.by_alnum.get(&t).into_iter().flatten() {
                add(i, Found::Exact, &mut hits);
            }
        }
        let runs = digit_runs(text);
        for (key, from, _) in window_keys(text, &runs) {
            let Some(found) = self.by_digits.get(&key) else { continue };
            let said = runs[from].prefix.as_str();
            // A prefix that names another document type ("CN 12345" vs INV-0012345) rules it out.
            let fits = |i: &u32| {
                let p = letter_prefix(&self.docs[*i as usize].no);
                GENERIC_PREFIXES.contains(&said) || p.is_empty() || p.starts_with(said) || said.starts_with(p.as_str())
            };
            for &i in found.iter().filter(|i| fits(i)) {
                add(i, Found::Format, &mut hits);
            }
        }
        // References and PO numbers are looked up even where a document number was found: a
        // memo's stray number can be another customer's document number while the billing
        // number beside it is the real evidence; the rules weigh them against each other.
        for t in tokens(text) {
            for &i in self.po_alnum.get(&t).into_iter().flatten() {
                add(i, Found::Po, &mut hits);
            }
        }
        for (key, _, _) in window_keys(text, &runs) {
            if key.replace('-', "").len() < 5 {
                continue;
            }
            for &i in self.po_digits.get(&key).into_iter().flatten() {
                add(i, Found::Po, &mut hits);
            }
        }
        hits.sort_unstable();
        hits
    }

    /// Open documents of `customers` in `currency` whose number is one slip away from a word of
    /// the text (and no real document is that word).
    pub fn slips(&self, text: &str, currency: Currency, customers: &BTreeSet<usize>) -> Vec<u32> {
        let words: Vec<String> = tokens(text)
            .into_iter()
            .filter(|t| t.len() >= 5 && t.chars().filter(|c| c.is_ascii_digit()).count() >= 3)
            .collect();
        let words: Vec<String> = words.into_iter().filter(|w| !self.by_alnum.contains_key(w)).collect();
        let mut out = Vec::new();
        for &c in customers {
            for &i in &self.by_customer[c] {
                let d = &self.docs[i as usize];
                if d.currency != currency || d.open == 0 {
                    continue;
                }
                let a = alnum(&d.no);
                let digits: String = a.chars().filter(|c| c.is_ascii_digit()).collect();
                let hit = words.iter().any(|w| one_slip(w, &a) || (w.len() == digits.len() && one_slip(w, &digits)));
                if hit && !out.contains(&i) {
                    out.push(i);
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// Open documents of `customers` in `currency`, other than `except`, whose number, reference
    /// or PO number is one edit (a slip, or a character dropped or added) from a word of the
    /// text. Only for reading the rest of a payment whose amount then confirms it.
    pub fn near_misses(
        &self,
        text: &str,
        currency: Currency,
        customers: &BTreeSet<usize>,
        except: &[usize],
    ) -> Vec<u32> {
        // A word that is itself a real number (of any document, reference or PO) is that
        // number, not a slip of its neighbour's.
        let words: Vec<String> = tokens(text)
            .into_iter()
            .filter(|t| t.len() >= 7 && t.chars().filter(|c| c.is_ascii_digit()).count() >= 5)
            .filter(|t| !self.by_alnum.contains_key(t) && !self.po_alnum.contains_key(t))
            .collect();
        let mut out = Vec::new();
        for &c in customers {
            for &i in &self.by_customer[c] {
                let d = &self.docs[i as usize];
                if d.currency != currency || d.open <= 0 || except.contains(&(i as usize)) {
                    continue;
                }
                let numbers = [Some(&d.no), d.reference.as_ref(), d.po_number.as_ref()];
                let hit =
                    numbers.into_iter().flatten().map(|n| alnum(n)).any(|n| words.iter().any(|w| one_edit(w, &n)));
                if hit && !out.contains(&i) {
                    out.push(i);
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// Open documents of `customers` in `currency` whose number, reference or PO number (8
    /// digits or more) stands inside a longer run of digits in the text: memo lines that run
    /// several numbers together (`3979853433699160460429756…`).
    pub fn embedded(&self, text: &str, currency: Currency, customers: &BTreeSet<usize>) -> Vec<u32> {
        let runs: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).filter(|r| r.len() >= 16).collect();
        if runs.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for &c in customers {
            for &i in &self.by_customer[c] {
                let d = &self.docs[i as usize];
                if d.currency != currency || d.open <= 0 {
                    continue;
                }
                let numbers = [Some(&d.no), d.reference.as_ref(), d.po_number.as_ref()];
                let hit = numbers.into_iter().flatten().any(|n| {
                    let digits: String = n.chars().filter(char::is_ascii_digit).collect();
                    digits.len() >= 8
                        && digits.len() == alnum(n).len()
                        && runs.iter().any(|r| r.len() > digits.len() && r.contains(&digits))
                });
                if hit && !out.contains(&i) {
                    out.push(i);
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// Remembers that `account` paid for `customer` (a payment applied on document evidence or
    /// to a payer known by name), so later payments from that account are identified by it. An
    /// account seen for two customers identifies both, and so decides nothing alone.
    pub fn learn_account(&mut self, account: &str, customer: usize) {
        let a = alnum(account);
        if a.len() >= 6 {
            self.accounts.entry(a).or_default().insert(customer);
        }
    }

    /// Open documents (open ≠ 0) of the given customers in `currency`, in document order.
    pub fn open_docs_of(&self, customers: &BTreeSet<usize>, currency: Currency) -> Vec<u32> {
        let mut out: Vec<u32> = customers
            .iter()
            .flat_map(|c| self.by_customer[*c].iter().copied())
            .filter(|i| {
                let d = &self.docs[*i as usize];
                d.currency == currency && d.open != 0
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Open invoices of any customer whose open amount is exactly `amount`.
    pub fn with_open_amount(&self, currency: Currency, amount: i64) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .by_amount
            .get(&(currency, amount))
            .into_iter()
            .flatten()
            .copied()
            .filter(|i| self.docs[*i as usize].open == amount)
            .collect();
        v.truncate(20);
        v
    }

    /// A document by its number as given on a remittance line: exactly, else by digit groups.
    pub fn lookup_number(&self, number: &str, currency: Currency) -> Vec<u32> {
        let exact: Vec<u32> = self
            .by_alnum
            .get(&alnum(number))
            .into_iter()
            .flatten()
            .copied()
            .filter(|i| self.docs[*i as usize].currency == currency)
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        if super::normalize::letters_among_digits(number) {
            return Vec::new();
        }
        digit_key(number)
            .and_then(|k| self.by_digits.get(&k))
            .into_iter()
            .flatten()
            .copied()
            .filter(|i| self.docs[*i as usize].currency == currency)
            .collect()
    }
}
