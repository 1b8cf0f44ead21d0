//! What operations return: plain data with `serde::Serialize`, so that the
//! CLI prints it as JSON and every binding converts it without knowing the
//! fields. Times are UNIX seconds; names are core's snake_case names.

use serde::Serialize;

/// A budget at a point in time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetReport {
    /// The certificate's SHA-256, hex.
    pub fingerprint: String,
    /// The assigned signer.
    pub signer: String,
    /// First second of use.
    pub not_before: i64,
    /// Last second of use.
    pub not_after: i64,
    /// `valid`, `not_yet_valid`, `expired` or `revoked`.
    pub state: &'static str,
    /// Signatures included with the certificate.
    pub allotment: u64,
    /// Signatures bought.
    pub purchased: u64,
    /// Allotment plus purchases.
    pub total: u64,
    /// Counted as used (committed, in flight, or lost in a crash).
    pub used: u64,
    /// Signatures produced.
    pub committed: u64,
    /// Reservations a crash left uncommitted (counted as used).
    pub lost_in_crashes: u64,
    /// Signatures left now (zero outside validity or when revoked).
    pub remaining: u64,
    /// `normal`, `warn80`, `warn90` or `exhausted`.
    pub level: &'static str,
    /// Usage levels crossed by the operation that returned this report.
    pub crossed: Vec<Crossing>,
}

/// A usage level crossed (80 %, 90 %, 100 %).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Crossing {
    /// Signatures used when it was crossed.
    pub used: u64,
    /// The level reached.
    pub level: &'static str,
}

/// The signing certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateReport {
    /// Its subject (RFC 4514).
    pub subject: String,
    /// Its SHA-256, hex.
    pub fingerprint: String,
    /// notBefore.
    pub not_before: i64,
    /// notAfter.
    pub not_after: i64,
}

/// `signet status`: the state's signer and budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// The state directory.
    pub state_dir: String,
    /// Whether it is a development state.
    pub development: bool,
    /// Where the key lives: `software` or `pkcs11`.
    pub token: String,
    /// The signing certificate.
    pub certificate: CertificateReport,
    /// Core's key type name.
    pub key_type: String,
    /// Core's signature algorithm name.
    pub algorithm: String,
    /// Where the key lives and the evidence of how it is kept.
    pub key: KeyReport,
    /// The assigned signer.
    pub signer: String,
    /// Whether a signer policy makes every signature need a grant.
    pub grant_required: bool,
    /// The certificate's budget.
    pub budget: BudgetReport,
}

/// The signing key: where it lives and what its token says about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyReport {
    /// `software` or `pkcs11`.
    pub kind: &'static str,
    /// The PKCS#11 token's label.
    pub token_label: Option<String>,
    /// The key's `CKA_LABEL` on the token.
    pub key_label: Option<String>,
    /// The key's PKCS#11 URI (never with a PIN).
    pub uri: Option<String>,
    /// `software`, `hardware` or `unknown`.
    pub protection: &'static str,
    /// The token's evidence (PKCS#11 keys).
    pub evidence: Option<EvidenceReport>,
    /// Whether the key-protection rule lets this key sign under the current
    /// certificate.
    pub signing_allowed: bool,
    /// The rule's refusal code when it does not.
    pub refusal: Option<&'static str>,
    /// The rule's refusal in words.
    pub refusal_message: Option<String>,
}

/// A PKCS#11 key's protection attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceReport {
    /// `CKA_SENSITIVE`.
    pub sensitive: bool,
    /// `CKA_EXTRACTABLE`.
    pub extractable: bool,
    /// `CKA_ALWAYS_SENSITIVE`.
    pub always_sensitive: bool,
    /// `CKA_NEVER_EXTRACTABLE`.
    pub never_extractable: bool,
    /// `CKA_LOCAL`: generated on the token.
    pub local: bool,
    /// `CKA_SIGN`.
    pub sign: bool,
    /// All of the above as they must be: generated on the token and never left it.
    pub generated_on_token_never_left: bool,
}

/// What `cert import` installed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// The new signing certificate.
    pub certificate: CertificateReport,
    /// The certificate it replaced (hex SHA-256); its budget stays.
    pub previous_fingerprint: String,
    /// Whether a budget was created (false: the certificate had one).
    pub budget_created: bool,
    /// The new certificate's budget.
    pub budget: BudgetReport,
}

/// One signed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedFile {
    /// Its audit record: the receipt.
    pub audit: crate::audit::Receipt,
    /// The artifact.
    pub file: String,
    /// The detached CMS signature written for it.
    pub signature: String,
    /// The signature's serial in the ledger.
    pub counter_index: u64,
    /// The grant that paid an operation, if any.
    pub grant: Option<u64>,
    /// Signatures left after this one.
    pub remaining: u64,
    /// The usage level after this one.
    pub level: &'static str,
    /// The RFC 3161 timestamp embedded in the signature (UNIX seconds), when
    /// one was asked for.
    pub timestamp: Option<i64>,
}

/// A signed digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedDigest {
    /// Its audit record: the receipt.
    pub audit: crate::audit::Receipt,
    /// The signature (DER for ECDSA), as the algorithm defines it.
    #[serde(serialize_with = "hex_bytes")]
    pub signature: Vec<u8>,
    /// Core's signature algorithm name.
    pub algorithm: &'static str,
    /// The signature's serial in the ledger.
    pub counter_index: u64,
    /// The grant that paid an operation, if any.
    pub grant: Option<u64>,
    /// Signatures left after this one.
    pub remaining: u64,
    /// The usage level after this one.
    pub level: &'static str,
    /// The level this signature crossed into, if any.
    pub crossed: Option<&'static str>,
}

fn hex_bytes<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::hex(bytes))
}

/// A batch of signed files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedBatch {
    /// One entry per input, in order.
    pub signed: Vec<SignedFile>,
    /// Usage levels crossed during the batch.
    pub crossed: Vec<Crossing>,
    /// Signatures left after the batch.
    pub remaining: u64,
}

/// A verified signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// The artifact.
    pub file: String,
    /// The signature file.
    pub signature: String,
    /// The signer certificate's SHA-256, hex.
    pub certificate_fingerprint: String,
    /// The signer certificate's subject.
    pub subject: String,
    /// Core's signature algorithm name.
    pub algorithm: &'static str,
    /// How the signer was checked: `state_certificate`, `certificate`,
    /// `trust_anchor` or `any_signer` (integrity only: who signed was not
    /// checked).
    pub signer_check: &'static str,
    /// The signature's RFC 3161 timestamp, checked over the signature value
    /// (its TSA's trust is not judged).
    pub timestamp: Option<TimestampReport>,
}

/// An RFC 3161 timestamp in a signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimestampReport {
    /// The token's genTime (UNIX seconds).
    pub time: i64,
    /// The TSA certificate's subject.
    pub tsa: String,
    /// The TSA certificate's SHA-256, hex.
    pub tsa_fingerprint: String,
    /// The token's serial number, hex.
    pub serial_number: String,
}

/// A grant and its use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantReport {
    /// Grant id (= request id).
    pub id: u64,
    /// `active`, `not_yet_active`, `window_ended`, `used_up`, `revoked`.
    pub status: &'static str,
    /// Who may use it.
    pub grantee: String,
    /// The signer it gives access to.
    pub signer: String,
    /// The certificate, hex SHA-256.
    pub fingerprint: String,
    /// Start of the window.
    pub valid_from: i64,
    /// End of the window (exclusive).
    pub valid_until: Option<i64>,
    /// Operations allowed.
    pub allowed_ops: Option<u32>,
    /// Operations used (from its ledger).
    pub used: u64,
    /// Operations left, when bounded.
    pub remaining: Option<u64>,
}

/// An approval recorded on a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalReport {
    /// The step (0-based).
    pub step: usize,
    /// Who approved.
    pub by: String,
}

/// A rejection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectionReport {
    /// Who rejected.
    pub by: String,
    /// Why.
    pub comment: Option<String>,
}

/// A signing request, its status rebuilt from its events, and its grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestReport {
    /// Request id.
    pub id: u64,
    /// `open`, `approved`, `rejected`, `cancelled`, `expired`.
    pub status: &'static str,
    /// Who asked.
    pub requester: String,
    /// The signer asked for.
    pub signer: String,
    /// The certificate, hex SHA-256.
    pub fingerprint: String,
    /// When it was opened.
    pub created_at: i64,
    /// When it expires if not decided.
    pub expires_at: i64,
    /// Start of access asked for.
    pub valid_from: i64,
    /// End of access asked for.
    pub valid_until: Option<i64>,
    /// Operations asked for.
    pub allowed_ops: Option<u32>,
    /// Why.
    pub justification: String,
    /// The current approval step (0-based).
    pub current_step: usize,
    /// Steps in the policy.
    pub steps: usize,
    /// Approvals so far.
    pub approvals: Vec<ApprovalReport>,
    /// The rejection, if rejected.
    pub rejection: Option<RejectionReport>,
    /// The grant it issued, if approved.
    pub grant: Option<GrantReport>,
}
