//! What every bank-file reader produces: statements of entries, amounts in exact minor units.
//! The readers (camt, BAI2, MT940) stop here; turning entries into payments is `bank::payments`.

use crate::money::Currency;
use chrono::NaiveDate;

/// The bank-file formats arx reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BankFormat {
    Camt053,
    Camt054,
    Bai2,
    Mt940,
}

impl BankFormat {
    pub fn name(self) -> &'static str {
        match self {
            BankFormat::Camt053 => "camt053",
            BankFormat::Camt054 => "camt054",
            BankFormat::Bai2 => "bai2",
            BankFormat::Mt940 => "mt940",
        }
    }
}

/// Money in or out of the statement's account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Money received (camt CRDT, MT940 C/RD, BAI2 type codes 100–399).
    Credit,
    /// Money paid out (camt DBIT, MT940 D/RC, BAI2 type codes 400–699).
    Debit,
}

/// Where in the file something is, for messages: the 1-based physical line, and for XML the
/// element path (e.g. `Stmt[1]/Ntry[3]/NtryDtls/TxDtls[2]`), for BAI2/MT940 the record or tag.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    pub line: u64,
    pub at: Option<String>,
}

/// A document a payer names in structured remittance (camt `Strd/RfrdDocInf`), with the
/// amounts it gives for it (camt `RfrdDocAmt`), all in the entry's currency, minor units.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReferredDocument {
    pub number: String,
    /// Cash remitted for it (`RmtdAmt`, else `DuePyblAmt`).
    pub amount: Option<i64>,
    /// Discount the payer took (`DscntApldAmt`).
    pub discount: Option<i64>,
    /// Deduction / adjustment the payer took (`AdjstmntAmtAndRsn`, `CdtNoteAmt`).
    pub deduction: Option<i64>,
    pub reason: Option<String>,
}

/// One bank transaction. A batch entry (camt `Btch` with several `TxDtls`) is split into one
/// `Entry` per transaction, each with `batch_index` set (0-based), so payments are per payer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub location: Location,
    pub direction: Direction,
    /// A reversal or return of an earlier entry: camt `RvslInd=true`, MT940 `RC`/`RD`, BAI2
    /// return type codes. `direction` is the direction of *this* entry (a returned credit is a
    /// Debit with `reversal = true`).
    pub reversal: bool,
    /// Positive, in `currency`'s minor units (exact; never via f64).
    pub amount: i64,
    pub currency: Currency,
    pub booking_date: Option<NaiveDate>,
    pub value_date: Option<NaiveDate>,
    /// The bank's reference for the transaction: camt `AcctSvcrRef` (transaction level, else entry
    /// level), MT940 bank reference (after `//` in `:61:`), BAI2 bank reference (field 5 of `16`).
    pub bank_ref: Option<String>,
    /// The account owner's / customer reference: MT940 reference before `//` (unless NONREF),
    /// BAI2 customer reference (field 6 of `16`), camt `InstrId`/`TxId`/`MndtId` if present.
    pub customer_ref: Option<String>,
    /// camt `EndToEndId` (unless `NOTPROVIDED`), MT940 `EREF+`, BAI2 `EREF:`/`ENDT:` tags.
    pub end_to_end_id: Option<String>,
    /// The payer (debtor) for credits: camt `RltdPties/Dbtr/Nm` (or `UltmtDbtr`), MT940 `?32?33`
    /// or `/NAME/`, BAI2 `OB:`/`DBNM:`/`Originator` text. For debits, the counterparty.
    pub counterparty_name: Option<String>,
    /// The payer's account: IBAN / account number (camt `DbtrAcct`, MT940 `?31`/`/IBAN/`, BAI2 `DACT:`).
    pub counterparty_account: Option<String>,
    /// Bank transaction code as the file gives it: camt `BkTxCd` (`Domn/Fmly/SubFmly` joined with
    /// `/`, or `Prtry/Cd`), MT940 transaction type (`NTRF`, `NMSC`…) and `:86:` GVC code, BAI2 type code.
    pub type_code: Option<String>,
    /// Unstructured remittance / purpose texts in file order: camt `RmtInf/Ustrd` (each), `AddtlTxInf`,
    /// `AddtlNtryInf`; MT940 `SVWZ+`/`/REMI/` text, else the whole `:86:` text; BAI2 text field and `88`
    /// continuations. Multi-line fields are joined as the format intends (MT940 `?2x` subfields
    /// concatenated without spaces, since lines wrap mid-word).
    pub texts: Vec<String>,
    /// camt `Strd/RfrdDocInf` documents.
    pub referred_documents: Vec<ReferredDocument>,
    /// Structured creditor references: camt `Strd/CdtrRefInf/Ref` (e.g. ISO 11649 `RF18…`), MT940 `KREF+`.
    pub creditor_refs: Vec<String>,
    /// Return reason code if the file gives one (camt `RtrInf/Rsn/Cd`, BAI2 `R02`…, MT940 `RTRN`/`?`).
    pub return_reason: Option<String>,
    pub batch_index: Option<u32>,
}

/// A statement of one account (camt `Stmt`/`Ntfctn`, MT940 `:20:`…`:62:`, BAI2 `03`…`49`).
/// Readers stream: they call the sink with the statement's header and each entry as it is read,
/// so memory doesn't grow with the file; the finished statements (with `warnings`) come back at
/// the end in `BankFile::statements`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Statement {
    pub location: Location,
    /// The bank's id for the statement (camt `Id`, MT940 `:20:` + `:28C:`, BAI2 file id + group + account).
    pub id: String,
    /// The statement account (ours): IBAN or account number.
    pub account: String,
    pub currency: Option<Currency>,
    /// Signed minor units (credit balance positive).
    pub opening: Option<i64>,
    pub closing: Option<i64>,
    /// Entries read (credits and debits), and their totals in minor units (positive figures).
    pub credits: u64,
    pub credit_total: i64,
    pub debits: u64,
    pub debit_total: i64,
    /// Checks that failed but don't make the file unreadable: balances that don't tie (opening +
    /// credits − debits ≠ closing), BAI2 control totals or counts that are off. Each names the
    /// statement and the difference, e.g. "statement 1234Test/1: opening 15568.27 + credits 1405.31
    /// − debits 1418.30 = 15555.28, but the closing balance is 15121.12 (difference 434.16)".
    pub warnings: Vec<String>,
}

/// Receives what a reader reads, in file order. `statement` is the header of the statement the
/// entry belongs to (its `id`, `account`, `currency`, balances as far as read).
pub type EntrySink<'a> = dyn FnMut(&Statement, Entry) + 'a;

/// A whole bank file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankFile {
    pub format: BankFormat,
    pub statements: Vec<Statement>,
    /// File-level warnings (e.g. BAI2 file control totals).
    pub warnings: Vec<String>,
}

/// A file that can't be read as the format: structurally broken (exit 3, nothing written).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankError {
    pub location: Location,
    /// What is wrong and how to fix it, e.g. "`:61:` has no amount after the C/D mark".
    pub message: String,
}

impl BankError {
    pub fn new(line: u64, at: Option<&str>, message: impl Into<String>) -> BankError {
        BankError { location: Location { line, at: at.map(str::to_string) }, message: message.into() }
    }
}
