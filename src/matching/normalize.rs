//! Text as evidence: document numbers and company names reduced to forms that survive what
//! banks and payers do to them (case, spacing, separators, prefixes, leading zeros, legal
//! suffixes, abbreviations, accents, 35-character truncation).

/// The alphanumeric core of a document number, upper case: `inv-0012345` → `INV0012345`.
pub fn alnum(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

/// Whether a document number as written has a letter after its first digit (`INV-020620I`):
/// then its digit groups don't identify it (the letter may be a slipped digit).
pub fn letters_among_digits(s: &str) -> bool {
    s.chars().skip_while(|c| !c.is_ascii_digit()).any(|c| c.is_ascii_alphabetic())
}

/// The digit groups of a document number without leading zeros, joined by `-`:
/// `SI/2026/01234` → `2026-1234`, `INV-0012345` → `12345`. The form a number keeps when a payer
/// drops zeros, prefixes or separators. `None` when there are fewer than 4 significant digits
/// (too short to be told from other numbers in a payment text).
pub fn digit_key(s: &str) -> Option<String> {
    let groups = digit_groups(s);
    key_of(groups.iter().map(|g| g.as_str()))
}

fn key_of<'a>(groups: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut key = String::new();
    let mut significant = 0;
    for g in groups {
        let t = g.trim_start_matches('0');
        let t = if t.is_empty() { "0" } else { t };
        significant += t.len();
        if !key.is_empty() {
            key.push('-');
        }
        key.push_str(t);
    }
    (significant >= 4).then_some(key)
}

fn digit_groups(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The letters of a document number before its first digit, upper case (`INV-0012345` → `INV`):
/// tells an invoice from a credit note with the same digits.
pub fn letter_prefix(s: &str) -> String {
    s.chars()
        .take_while(|c| !c.is_ascii_digit())
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A run of digits found in a payment text, with the letters right before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigitRun {
    pub digits: String,
    pub prefix: String,
    /// Byte offsets in the text.
    pub start: usize,
    pub end: usize,
}

/// The digit runs of a text, with the letters just before each (`Invoice #0012345` → run
/// `0012345`, prefix `INVOICE`).
pub fn digit_runs(text: &str) -> Vec<DigitRun> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            // Letters before the run, skipping at most a few separators ("INV-", "Nr. ", "#").
            let mut j = start;
            let mut skipped = 0;
            while j > 0 && !bytes[j - 1].is_ascii_alphanumeric() && skipped < 3 {
                j -= 1;
                skipped += 1;
            }
            let mut k = j;
            while k > 0 && bytes[k - 1].is_ascii_alphabetic() {
                k -= 1;
            }
            let prefix = text[k..j].to_ascii_uppercase();
            out.push(DigitRun { digits: text[start..i].to_string(), prefix, start, end: i });
        } else {
            i += 1;
        }
    }
    out
}

/// Digit-group keys of windows of 1 to 3 consecutive runs that sit close together (at most 3
/// separator characters between them), so `SI 2026 1234` yields `2026-1234` as well as `2026`
/// and `1234`.
pub fn window_keys(text: &str, runs: &[DigitRun]) -> Vec<(String, usize, usize)> {
    let bytes = text.as_bytes();
    // A letter inside or right after the digits ("020620I", "0O12345") is more likely a slipped
    // digit than a separator: such runs are not read as numbers by their digit groups.
    // A long number glued to a word ("0338137715REF 1: …", memo lines joined without spaces) is
    // not a slip: the word after it has two letters or more.
    let glued = |r: &DigitRun| {
        let letters = bytes.get(r.end..).unwrap_or_default().iter().take_while(|b| b.is_ascii_alphabetic()).count();
        r.end - r.start >= 6 && letters >= 2
    };
    let slipped = |r: &DigitRun| {
        let after = bytes.get(r.end).is_some_and(|b| b.is_ascii_alphabetic()) && !glued(r);
        let inside = r.start >= 2 && bytes[r.start - 1].is_ascii_alphabetic() && bytes[r.start - 2].is_ascii_digit();
        after || inside
    };
    let mut out = Vec::new();
    for i in 0..runs.len() {
        for width in 1..=3 {
            let Some(window) = runs.get(i..i + width) else { break };
            let close = window.windows(2).all(|w| {
                let gap = &text[w[0].end..w[1].start];
                gap.len() <= 3 && gap.chars().all(|c| !c.is_alphanumeric())
            });
            if !close || window.iter().any(slipped) {
                break;
            }
            if let Some(key) = key_of(window.iter().map(|r| r.digits.as_str())) {
                out.push((key, i, i + width));
            }
        }
    }
    out
}

/// Alphanumeric tokens of a text (split at anything else), upper case, with the concatenation of
/// neighbours so `INV 0012345` also yields `INV0012345`.
pub fn tokens(text: &str) -> Vec<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_uppercase())
        .collect();
    let mut out = words.clone();
    // A long number glued to a word: its digits alone too ("0338137715REF" → "0338137715").
    for w in &words {
        let digits = w.bytes().take_while(u8::is_ascii_digit).count();
        if digits >= 6 && w.len() - digits >= 2 && w.bytes().skip(digits).take(2).all(|b| b.is_ascii_alphabetic()) {
            out.push(w[..digits].to_string());
        }
    }
    for w in words.windows(2) {
        out.push(format!("{}{}", w[0], w[1]));
    }
    for w in words.windows(3) {
        out.push(format!("{}{}{}", w[0], w[1], w[2]));
    }
    out
}

/// Characters OCR and typing confuse.
const CONFUSABLE: &[(char, char)] = &[
    ('0', 'O'),
    ('0', 'D'),
    ('1', 'I'),
    ('1', 'L'),
    ('I', 'L'),
    ('1', '7'),
    ('5', 'S'),
    ('8', 'B'),
    ('2', 'Z'),
    ('6', 'G'),
    ('3', '8'),
];

/// Whether `a` and `b` differ by one slip (see [`one_slip`]) or by one character dropped or
/// added (`446498752` for `4464987552`), for numbers of 7 characters or more. Used only where
/// the amounts confirm the reading (the rest of a payment that names other documents).
pub fn one_edit(a: &str, b: &str) -> bool {
    if one_slip(a, b) {
        return true;
    }
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    if long.len() != short.len() + 1 || short.len() < 7 {
        return false;
    }
    let (s, l) = (short.as_bytes(), long.as_bytes());
    let first = s.iter().zip(l).take_while(|(x, y)| x == y).count();
    s[first..] == l[first + 1..]
}

/// Whether `a` and `b` (alnum forms) differ by one slip: one confusable or mistyped character,
/// or two adjacent characters swapped. Equal strings are not a slip.
pub fn one_slip(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() || a.len() < 5 {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    match diff.as_slice() {
        [i] => {
            let (x, y) = (a[*i], b[*i]);
            let confusable = CONFUSABLE.iter().any(|&(p, q)| (x == p && y == q) || (x == q && y == p));
            confusable || (x.is_ascii_digit() && y.is_ascii_digit())
        }
        [i, j] => *j == *i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
        _ => false,
    }
}

/// Legal-form words dropped from company names before comparing.
const LEGAL: &[&str] = &[
    "gmbh",
    "ag",
    "kg",
    "ohg",
    "ug",
    "ev",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "llc",
    "llp",
    "lp",
    "plc",
    "co",
    "company",
    "sa",
    "sas",
    "sarl",
    "sasu",
    "spa",
    "srl",
    "sl",
    "bv",
    "nv",
    "vof",
    "oy",
    "oyj",
    "ab",
    "as",
    "asa",
    "aps",
    "se",
    "pty",
    "pte",
    "kft",
    "sro",
    "spzoo",
    "sp",
    "zoo",
    "ood",
    "eood",
    "ad",
    "ead",
    "et",
    "cv",
    "the",
    "aktiengesellschaft",
    "gesellschaft",
    "kommanditgesellschaft",
    "spolka",
    "akcyjna",
    "societe",
    "anonyme",
    "besloten",
    "vennootschap",
    "naamloze",
    "sociedad",
    "anonima",
    "limitada",
    "ltda",
    "mbh",
    "haftung",
    "beschrankter",
    "beschraenkter",
    "mit",
    "ograniczona",
    "odpowiedzialnoscia",
    "kk",
    "bhd",
    "sdn",
    "pvt",
    "gesmbh",
    "kabushiki",
    "kaisha",
    "yk",
    "oo",
    "z",
];

/// Words that join names ("Smith & Sons", "Müller u. Söhne") and say nothing.
const CONNECTORS: &[&str] = &["and", "und", "u", "et", "en", "y", "e"];

/// Words and their common abbreviations, reduced to one form.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("international", "intl"),
    ("manufacturing", "mfg"),
    ("services", "svcs"),
    ("service", "svc"),
    ("brothers", "bros"),
    ("industries", "ind"),
    ("industrie", "ind"),
    ("technologies", "tech"),
    ("technology", "tech"),
    ("associates", "assoc"),
    ("department", "dept"),
    ("distribution", "dist"),
    ("holding", "hldg"),
    ("holdings", "hldgs"),
    ("group", "grp"),
    ("systems", "sys"),
    ("solutions", "sol"),
    ("logistics", "log"),
];

/// Folds accented Latin letters to ASCII; `german` spells umlauts out (ü → ue, ß → ss) the way
/// SEPA payer names often come.
fn fold(c: char, german: bool, out: &mut String) {
    let s = match c {
        'ä' | 'Ä' if german => "ae",
        'ö' | 'Ö' if german => "oe",
        'ü' | 'Ü' if german => "ue",
        'ß' => "ss",
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' | 'č' | 'Č' | 'ć' | 'Ć' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' | 'ě' | 'ę' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'ů' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'š' | 'Š' | 'ś' | 'ş' => "s",
        'ž' | 'Ž' | 'ź' | 'ż' => "z",
        'ł' | 'Ł' => "l",
        'ř' | 'Ř' => "r",
        _ => {
            for l in c.to_lowercase() {
                out.push(l);
            }
            return;
        }
    };
    out.push_str(s);
}

/// A company or payer name as comparable words: folded to ASCII, lower case, `&`/`and` and
/// legal forms dropped, abbreviations unified. `Müller & Söhne GmbH` → `muller sohne` (and with
/// `german`, `mueller soehne`).
pub fn name_words(name: &str, german: bool) -> Vec<String> {
    let mut folded = String::with_capacity(name.len());
    for c in name.chars() {
        fold(c, german, &mut folded);
    }
    // "S.A." and "B.V." are one word: join single letters separated by dots first.
    let joined = folded.replace('.', "");
    let mut words: Vec<String> = Vec::new();
    let raw: Vec<&str> = joined.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let mut k = 0;
    while k < raw.len() {
        // Letters written apart ("B V", "S A", "z o o") are one word.
        if raw[k].chars().count() == 1 && raw.get(k + 1).is_some_and(|n| n.chars().count() == 1) {
            let mut w = String::new();
            while k < raw.len() && raw[k].chars().count() == 1 {
                w.push_str(raw[k]);
                k += 1;
            }
            words.push(w);
            continue;
        }
        let w = raw[k];
        k += 1;
        if CONNECTORS.contains(&w) {
            continue;
        }
        let w = ABBREVIATIONS.iter().find(|(long, _)| *long == w).map(|(_, short)| *short).unwrap_or(w);
        words.push(w.to_string());
    }
    // Legal forms only at the end ("Co" in "Coca" is not one; "AG" inside a name rarely is).
    while words.len() > 1 && words.last().is_some_and(|w| LEGAL.contains(&w.as_str())) {
        words.pop();
    }
    words
}

/// Whether `word` may be the start of a legal form cut off by the bank ("GM" of GmbH,
/// "Aktiengesellscha").
pub fn legal_prefix(word: &str) -> bool {
    word.len() >= 2 && LEGAL.iter().any(|l| l.starts_with(word))
}

/// `name_words` joined by single spaces: the key names are compared by.
pub fn name_key(name: &str, german: bool) -> String {
    name_words(name, german).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_number_forms() {
        assert_eq!(alnum("inv-0012345"), "INV0012345");
        assert_eq!(digit_key("SI/2026/01234").as_deref(), Some("2026-1234"));
        assert_eq!(digit_key("INV-0012345").as_deref(), Some("12345"));
        assert_eq!(digit_key("0090012345").as_deref(), Some("90012345"));
        assert_eq!(digit_key("A-12"), None);
        assert_eq!(letter_prefix("INV-0012345"), "INV");
        let text = "Rechnung Nr. 12345 und SI 2026 1234";
        let runs = digit_runs(text);
        assert_eq!(runs[0].prefix, "NR");
        let keys: Vec<String> = window_keys(text, &runs).into_iter().map(|k| k.0).collect();
        assert!(keys.contains(&"12345".to_string()));
        assert!(keys.contains(&"2026-1234".to_string()));
        assert!(!keys.contains(&"12345-2026".to_string()), "runs far apart are not one number");
        let text = "INV-020620I and 00900l6088";
        assert!(window_keys(text, &digit_runs(text)).is_empty(), "slipped numbers are not read by digit groups");
        assert!(letters_among_digits("INV-020620I") && !letters_among_digits("INV-0206201"));
    }

    #[test]
    fn slips() {
        assert!(one_slip("INV0012345", "INV0O12345"));
        assert!(one_slip("INV0012345", "INV0012354"));
        assert!(one_slip("INV0012345", "INV0012845"));
        assert!(!one_slip("INV0012345", "INV0012345"));
        assert!(!one_slip("INV0012345", "INV0019945"));
        assert!(!one_slip("INV0012345", "INV001234"));
        assert!(one_edit("4464987552", "446498752"), "a digit dropped");
        assert!(one_edit("446498752", "4464987552"), "a digit added");
        assert!(one_edit("4464987552", "4464987525"), "a swap is still a slip");
        assert!(!one_edit("44649", "4464"), "too short to tell");
        assert!(!one_edit("4464987552", "44649875"), "two dropped");
    }

    #[test]
    fn company_names() {
        assert_eq!(name_key("Müller & Söhne GmbH", false), "muller sohne");
        assert_eq!(name_key("MUELLER UND SOEHNE", false), name_key("Müller & Söhne GmbH", true));
        assert_eq!(name_key("Acme International Inc.", false), name_key("ACME INTL", false));
        assert_eq!(name_key("Société Générale S.A.", false), "societe generale");
        assert_eq!(name_key("Coca Trading Co.", false), "coca trading");
        assert_eq!(name_key("Balkan Trade EOOD", false), "balkan trade");
        assert_eq!(
            name_key("LOVGREN AND KOVAC ENGINEERING B V", false),
            name_key("Lovgren & Kovac Engineering B.V.", false)
        );
        assert_eq!(name_key("RICCI U. KOVAC PHARMA S.A.", false), name_key("Ricci & Kovac Pharma SA", false));
        assert_eq!(name_key("ZEPHYR TIMBER AKTIENGESELLSCHAFT", false), name_key("Zephyr Timber AG", false));
        assert_eq!(
            name_key("SORENSEN AEROSPACE SPOLKA Z O.O.", false),
            name_key("Sorensen Aerospace Sp. z o.o.", false)
        );
        assert!(legal_prefix("aktiengesellscha") && legal_prefix("gm") && !legal_prefix("x"));
    }
}
