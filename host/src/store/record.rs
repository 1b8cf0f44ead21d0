//! The records a store keeps, and how they are sealed on disk.
//!
//! Each record file is `{"record": {...}, "sha256": "<hex>"}`, where the
//! checksum is the SHA-256 of the record's compact JSON (fields in the
//! order declared here). A record whose checksum does not match was edited
//! outside Signet and is refused (`state_record_damaged`): a hand edit of
//! an allotment or a validity does not silently take effect. This is
//! tamper *evidence* against edits, not protection against someone who
//! recomputes the checksum; the audit log is the record for that.
//!
//! A budget record and a grant record each name their ledger: its identity
//! (written into every ledger record) and the highest ledger sequence the
//! record has seen, with the count at that sequence. A ledger with another
//! identity was swapped in; one with a lower sequence or a lower count was
//! rolled back to (or forged from) an older copy. Both are refused.

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};
use signet_core::budget::{Budget, CertFingerprint, Validity};
use signet_core::counter::LEDGER_ID_LEN;
use signet_core::grant::{ApprovalStep, Grant, GrantId, SavedGrant, SignerPolicy};
use signet_core::time::UnixTime;

use crate::error::{Error, Result};
use crate::user::user_id;

/// Which ledger a record belongs with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerBinding {
    /// The ledger's identity, hex.
    pub id: String,
    /// The highest ledger sequence this record has seen.
    pub sequence: u64,
    /// The signatures (or operations) counted as used at that sequence: a
    /// ledger never counts fewer, so a forged newer record with a lower
    /// count is caught like a rollback.
    pub used: u64,
}

impl LedgerBinding {
    /// A binding for a ledger id at a sequence and used count.
    pub fn new(id: [u8; LEDGER_ID_LEN], sequence: u64, used: u64) -> Self {
        LedgerBinding {
            id: crate::hex(&id),
            sequence,
            used,
        }
    }
}

/// One purchase of signatures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurchaseRecord {
    /// When (UNIX seconds).
    pub at: i64,
    /// Who bought.
    pub by: String,
    /// How many signatures.
    pub signatures: u64,
}

/// A certificate's budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetRecord {
    /// SHA-256 of the certificate, hex.
    pub fingerprint: String,
    /// First second of use: the certificate's notBefore or later.
    pub not_before: i64,
    /// Last second of use: the certificate's notAfter or earlier.
    pub not_after: i64,
    /// Signatures included with the certificate.
    pub allotment: u64,
    /// Every purchase; the purchased total is their sum.
    pub purchases: Vec<PurchaseRecord>,
    /// Whether the certificate was revoked.
    pub revoked: bool,
    /// The assigned signer.
    pub signer: String,
    /// Whether a signer policy is bound to the certificate: a policy file
    /// that goes missing is then damage, never "no grant needed".
    pub policy: bool,
    /// The signature ledger.
    pub ledger: LedgerBinding,
}

impl BudgetRecord {
    /// The fingerprint.
    ///
    /// # Errors
    /// `state_record_damaged`.
    pub fn fingerprint(&self) -> Result<CertFingerprint> {
        crate::key::parse_fingerprint(&self.fingerprint).map_err(|_| damaged("budget record", "fingerprint"))
    }

    /// Signatures bought on top of the allotment.
    pub fn purchased(&self) -> u64 {
        self.purchases
            .iter()
            .fold(0u64, |sum, p| sum.saturating_add(p.signatures))
    }

    /// The core budget this record describes.
    ///
    /// # Errors
    /// `state_record_damaged` when the fields are not a valid budget.
    pub fn to_budget(&self) -> Result<Budget> {
        let signer = user_id(&self.signer).map_err(|_| damaged("budget record", "signer"))?;
        Budget::restore(
            self.fingerprint()?,
            Validity {
                not_before: UnixTime(self.not_before),
                not_after: UnixTime(self.not_after),
            },
            signer,
            self.allotment,
            self.purchased(),
            self.revoked,
        )
        .map_err(|e| Error::failed("state_record_damaged", format!("budget record: {e}")))
    }
}

/// One approval step of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRecord {
    /// Eligible approvers.
    pub approvers: Vec<String>,
    /// Approvals needed.
    pub threshold: u8,
}

/// The signer policy bound to a certificate: while it exists, every
/// signature with the certificate needs a grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyRecord {
    /// The certificate, hex SHA-256.
    pub fingerprint: String,
    /// The signer the grants give access to: the certificate's assigned signer.
    pub signer: String,
    /// Longest signing window, seconds.
    pub max_window_secs: Option<u64>,
    /// Most sign operations per grant.
    pub max_signings: Option<u32>,
    /// How long a request stays open, seconds.
    pub max_request_ttl_secs: u64,
    /// Approval steps, in order.
    pub steps: Vec<StepRecord>,
}

impl PolicyRecord {
    /// The core policy.
    ///
    /// # Errors
    /// The core's `grant_*` codes for an invalid policy, `user_id_*`.
    pub fn to_core(&self) -> Result<SignerPolicy> {
        let mut steps = Vec::with_capacity(self.steps.len());
        for s in &self.steps {
            let approvers = s
                .approvers
                .iter()
                .map(|a| user_id(a))
                .collect::<Result<Vec<_>>>()?;
            steps.push(ApprovalStep::new(&approvers, s.threshold).map_err(|e| Error::from_core(&e))?);
        }
        SignerPolicy::new(
            user_id(&self.signer)?,
            self.max_window_secs,
            self.max_signings,
            self.max_request_ttl_secs,
            &steps,
        )
        .map_err(|e| Error::from_core(&e))
    }
}

/// One event of a request: approve, reject or cancel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventRecord {
    /// `approve`, `reject` or `cancel`.
    pub action: String,
    /// Who.
    pub by: String,
    /// When (UNIX seconds).
    pub at: i64,
    /// The rejection comment.
    pub comment: Option<String>,
}

/// A signing request: its inputs, a snapshot of the policy it was opened
/// under, and its events. Its status is never stored: it is rebuilt by
/// replaying the events through core, so core's rules decide it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestRecord {
    /// Request id (also the id of the grant it issues).
    pub id: u64,
    /// Who asked.
    pub requester: String,
    /// When (UNIX seconds).
    pub created_at: i64,
    /// Start of access asked for.
    pub valid_from: Option<i64>,
    /// End of access asked for.
    pub valid_until: Option<i64>,
    /// Operations asked for.
    pub allowed_ops: Option<u32>,
    /// Why.
    pub justification: Option<String>,
    /// The policy in force when the request was opened.
    pub policy: PolicyRecord,
    /// Approvals, rejections, cancellations, in order.
    pub events: Vec<EventRecord>,
}

/// A grant issued by an approved request. Its used operations are its
/// ledger's count, never a number in this record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantRecord {
    /// Grant id (= request id).
    pub id: u64,
    /// The certificate, hex SHA-256.
    pub fingerprint: String,
    /// The signer it gives access to.
    pub signer: String,
    /// Who may use it.
    pub grantee: String,
    /// Start of the window.
    pub valid_from: i64,
    /// End of the window (exclusive).
    pub valid_until: Option<i64>,
    /// Operations allowed.
    pub allowed_ops: Option<u32>,
    /// Whether it was revoked.
    pub revoked: bool,
    /// The operation ledger.
    pub ledger: LedgerBinding,
}

impl GrantRecord {
    /// The core grant with `used` operations consumed (from its ledger).
    ///
    /// # Errors
    /// `state_record_damaged`.
    pub fn to_core(&self, used: u64) -> Result<Grant> {
        Ok(Grant::restore(SavedGrant {
            id: GrantId(self.id),
            signer: user_id(&self.signer).map_err(|_| damaged("grant record", "signer"))?,
            grantee: user_id(&self.grantee).map_err(|_| damaged("grant record", "grantee"))?,
            valid_from: UnixTime(self.valid_from),
            valid_until: self.valid_until.map(UnixTime),
            allowed_ops: self.allowed_ops,
            used: u32::try_from(used).unwrap_or(u32::MAX),
            revoked: self.revoked,
        }))
    }
}

fn damaged(what: &str, field: &str) -> Error {
    Error::failed("state_record_damaged", format!("{what}: invalid {field}"))
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sealed<T> {
    record: T,
    sha256: String,
}

fn checksum<T: Serialize>(record: &T) -> Result<String> {
    let body = serde_json::to_vec(record)
        .map_err(|e| Error::failed("state_record_damaged", format!("cannot encode a record: {e}")))?;
    Ok(crate::hex(&Sha256::digest(&body)))
}

/// A record as the bytes of its file.
///
/// # Errors
/// `state_record_damaged` if it cannot be encoded.
pub fn seal<T: Serialize + Clone>(record: &T) -> Result<Vec<u8>> {
    let sealed = Sealed {
        sha256: checksum(record)?,
        record: record.clone(),
    };
    let mut bytes = serde_json::to_vec_pretty(&sealed)
        .map_err(|e| Error::failed("state_record_damaged", format!("cannot encode a record: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The record in a file's bytes, its checksum verified.
///
/// # Errors
/// `state_record_damaged`, naming `what`.
pub fn unseal<T: Serialize + DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    let sealed: Sealed<T> = serde_json::from_slice(bytes)
        .map_err(|e| Error::failed("state_record_damaged", format!("{what} is damaged: {e}")))?;
    if checksum(&sealed.record)? != sealed.sha256 {
        return Err(Error::failed(
            "state_record_damaged",
            format!("{what} was changed outside Signet (its checksum does not match)"),
        )
        .with_hint("restore it from a backup; Signet does not trust edited records"));
    }
    Ok(sealed.record)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget() -> BudgetRecord {
        BudgetRecord {
            fingerprint: "ab".repeat(32),
            not_before: 0,
            not_after: 100,
            allotment: 10,
            purchases: vec![PurchaseRecord {
                at: 1,
                by: "admin".into(),
                signatures: 1000,
            }],
            revoked: false,
            signer: "alice".into(),
            policy: false,
            ledger: LedgerBinding::new([1; LEDGER_ID_LEN], 1, 0),
        }
    }

    #[test]
    fn sealed_records_round_trip_and_edits_are_caught() {
        let r = budget();
        let bytes = seal(&r).unwrap();
        assert_eq!(unseal::<BudgetRecord>(&bytes, "b").unwrap(), r);
        let edited = String::from_utf8(bytes)
            .unwrap()
            .replace("\"allotment\": 10", "\"allotment\": 99999");
        let e = unseal::<BudgetRecord>(edited.as_bytes(), "b").unwrap_err();
        assert_eq!(e.code(), "state_record_damaged");
        assert!(e.hint().is_some());
        assert_eq!(
            unseal::<BudgetRecord>(b"{", "b").unwrap_err().code(),
            "state_record_damaged"
        );
        let budget = r.to_budget().unwrap();
        assert_eq!(budget.total(), 1010);
    }

    #[test]
    fn invalid_fields_are_damage() {
        let mut r = budget();
        r.not_after = -5;
        assert_eq!(r.to_budget().unwrap_err().code(), "state_record_damaged");
        let mut r = budget();
        r.signer = String::new();
        assert_eq!(r.to_budget().unwrap_err().code(), "state_record_damaged");
    }
}
