//! The enforced sign primitive: a digest is signed only when every rule holds,
//! and every signature is counted.
//!
//! [`Signer`] bundles the certificate, the token and key handle, the budget and
//! the counter store. [`Signer::sign_digest`] checks, **in this order**:
//!
//! 1. the token key's public key is the certificate's (DER
//!    `SubjectPublicKeyInfo` bytes from [`Token::public_key`] compared with
//!    [`CertificateRef::spki_der`] in constant time) → [`SignError::KeyMismatch`];
//! 2. the key policy allows the key ([`policy::check_signing_key`], the rule in
//!    force when the certificate was issued, so a legacy RSA-2048 certificate
//!    issued before 2021-06-01 still signs until it expires) →
//!    [`SignError::KeyPolicy`];
//! 3. the budget belongs to this certificate ([`SignError::BudgetMismatch`]),
//!    the certificate is within its validity at `now`
//!    ([`SignError::CertificateNotYetValid`], [`SignError::CertificateExpired`])
//!    and not revoked ([`SignError::Revoked`]);
//! 4. without a grant, the acting user is the certificate's assigned signer
//!    → [`SignError::NotAssignedSigner`] (or [`SignError::GrantRequired`] when
//!    the signer's policy requires a grant, [`SignOptions::require_grant`]);
//! 5. with a grant, the grant **stands in for the assignment**: it must be
//!    held by the acting user, be for the certificate's assigned signer, be
//!    active and have operations left → [`SignError::GrantMismatch`],
//!    [`SignError::GrantInactive`], [`SignError::GrantExhausted`]. This
//!    follows the signing-access documents: a user requests access to a
//!    *signer*, approvers approve, and "the requester can begin signing".
//!    Then the key's attributes permit the algorithm, digest and output
//!    buffer ([`SignError::Token`], before anything is reserved);
//! 6. the budget has a signature left: one is **reserved** in the counter
//!    store (durably, before signing), and one grant operation with it, in
//!    the grant's own durable ledger when one is given
//!    ([`Signer::sign_digest_granted`]) → [`SignError::BudgetExhausted`],
//!    [`SignError::GrantExhausted`], [`SignError::Counter`];
//! 7. the token signs into the caller's buffer → [`SignError::Token`];
//! 8. the signature is verified against the certificate's public key before it
//!    is released (fault-attack countermeasure): always for RSA, for ECDSA when
//!    [`SignOptions::verify_ecdsa`] is on (the default) →
//!    [`SignError::VerifyFailed`];
//! 9. the reservations are **committed** → [`SignError::Counter`].
//!
//! # Fail closed: what a refusal consumes
//! - A refusal at steps 1–6 happens before anything is reserved, or (budget
//!   exhausted) reserves nothing: **nothing is consumed**.
//! - A token error at step 7 aborts both reservations: the token refused or
//!   failed *before producing* a signature (a [`Token`] returns a signature
//!   only on success), so nothing left the token and nothing is counted.
//! - A verification failure at step 8 means the token **did** produce
//!   something. The counter must never under-count, so the reservations are
//!   committed (the signature counts as used) while the bad signature is wiped
//!   from the caller's buffer and never released. The error carries the
//!   counter index so the fault can be audited.
//! - A commit failure at step 9 leaves the reservation counted by the store
//!   (its contract), and the signature is wiped and not released: a store
//!   that cannot record a signature does not get to release it.
//!
//! # Heap
//! The whole path is allocation-free for ECDSA (P-256, P-384): the SPKI, the
//! signature and the receipt live on the stack or in the caller's buffer, and
//! [`CounterStore`]s, [`Budget`] and [`Grant`] are allocation-free. **RSA
//! verification allocates** inside the `rsa` crate (heap-backed big integers,
//! see [`crate::verify`]); a build without `alloc` has no RSA verification and
//! therefore refuses to release RSA signatures ([`SignError::VerifyFailed`]).
//! [`Signer::sign_cms`] (feature `alloc`) builds a CMS `SignedData` around the
//! same enforced path.

use core::fmt;

use subtle::ConstantTimeEq;

use crate::ErrorCode;
use crate::budget::{Budget, BudgetError, CertFingerprint, UsageLevel, UserId};
use crate::counter::{CounterError, CounterStore, Reservation};
use crate::grant::{Grant, GrantError, GrantId, GrantReservation, GrantStatus};
use crate::policy::{self, CertificateRef, PolicyError};
use crate::time::UnixTime;
use crate::token::{
    AlgorithmFamily, Error as _, ErrorKind, KeyHandle, MAX_SPKI_LEN, SignatureAlgorithm, Token,
};
use crate::verify::{VerifyError, verify_digest};

/// Why a signature was refused. Each check of the sign path has its own
/// variant (see the module docs for the order).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// The token key's public key is not the certificate's.
    KeyMismatch,
    /// The key policy refuses the certificate's key (size, exponent, curve,
    /// under the rule of the certificate's issuance date).
    KeyPolicy(PolicyError),
    /// The budget belongs to another certificate.
    BudgetMismatch,
    /// The certificate is not valid yet.
    CertificateNotYetValid {
        /// Its `notBefore`.
        not_before: UnixTime,
        /// The time of signing.
        now: UnixTime,
    },
    /// The certificate has expired.
    CertificateExpired {
        /// Its `notAfter`.
        not_after: UnixTime,
        /// The time of signing.
        now: UnixTime,
    },
    /// The certificate is revoked.
    Revoked,
    /// The acting user is not the certificate's assigned signer.
    NotAssignedSigner,
    /// The signer's policy requires a grant and none was given.
    GrantRequired,
    /// The grant is not the acting user's grant for the assigned signer.
    GrantMismatch(GrantError),
    /// The grant cannot be used now (not yet active, window ended, revoked).
    GrantInactive {
        /// Its status.
        status: GrantStatus,
    },
    /// The grant has no operations left.
    GrantExhausted {
        /// Operations the grant allows.
        allowed: u32,
    },
    /// The budget has no signature left.
    BudgetExhausted {
        /// Signatures in the budget.
        total: u64,
        /// Signatures counted as used.
        used: u64,
    },
    /// The token refused or failed; no signature was produced and nothing was
    /// consumed.
    Token(ErrorKind),
    /// The token's signature did not verify against the certificate's key. It
    /// was not released, and it counts as used (fail closed).
    VerifyFailed {
        /// Why verification failed.
        error: VerifyError,
        /// The counter index the signature was charged to.
        counter_index: u64,
    },
    /// The counter store failed (at reserve: nothing was signed; at commit: the
    /// signature counts as used and was not released).
    Counter(CounterError),
    /// Building the CMS structure failed (see [`crate::cms::CmsError`]).
    #[cfg(feature = "alloc")]
    Cms(crate::cms::CmsError),
}

impl ErrorCode for SignError {
    fn code(&self) -> &'static str {
        match self {
            SignError::KeyMismatch => "sign_key_mismatch",
            SignError::KeyPolicy(_) => "sign_key_policy",
            SignError::BudgetMismatch => "sign_budget_mismatch",
            SignError::CertificateNotYetValid { .. } => "sign_certificate_not_yet_valid",
            SignError::CertificateExpired { .. } => "sign_certificate_expired",
            SignError::Revoked => "sign_revoked",
            SignError::NotAssignedSigner => "sign_not_assigned_signer",
            SignError::GrantRequired => "sign_grant_required",
            SignError::GrantMismatch(_) => "sign_grant_mismatch",
            SignError::GrantInactive { .. } => "sign_grant_inactive",
            SignError::GrantExhausted { .. } => "sign_grant_exhausted",
            SignError::BudgetExhausted { .. } => "sign_budget_exhausted",
            SignError::Token(_) => "sign_token",
            SignError::VerifyFailed { .. } => "sign_verify_failed",
            SignError::Counter(_) => "sign_counter",
            #[cfg(feature = "alloc")]
            SignError::Cms(_) => "sign_cms",
        }
    }
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::KeyMismatch => f.write_str("the token key is not the certificate's key"),
            SignError::KeyPolicy(e) => write!(f, "the key policy refuses the certificate's key: {e}"),
            SignError::BudgetMismatch => f.write_str("the signature budget belongs to another certificate"),
            SignError::CertificateNotYetValid { not_before, now } => write!(
                f,
                "the certificate is not valid before {} (now {})",
                not_before.as_secs(),
                now.as_secs()
            ),
            SignError::CertificateExpired { not_after, now } => write!(
                f,
                "the certificate expired at {} (now {})",
                not_after.as_secs(),
                now.as_secs()
            ),
            SignError::Revoked => f.write_str("the certificate is revoked"),
            SignError::NotAssignedSigner => {
                f.write_str("only the assigned signer may sign with this certificate")
            }
            SignError::GrantRequired => f.write_str("the signer's policy requires an approved grant"),
            SignError::GrantMismatch(e) => write!(f, "the grant cannot be used here: {e}"),
            SignError::GrantInactive { status } => write!(f, "the grant is {}", status.name()),
            SignError::GrantExhausted { allowed } => {
                write!(f, "the grant's {allowed} sign operations are used up")
            }
            SignError::BudgetExhausted { total, used } => {
                write!(f, "signature budget exhausted: {used} of {total} used")
            }
            SignError::Token(kind) => write!(f, "the token refused: {kind}"),
            SignError::VerifyFailed { error, counter_index } => write!(
                f,
                "the token's signature did not verify ({error}); it was not released and is counted as signature #{counter_index}"
            ),
            SignError::Counter(e) => write!(f, "signature counter: {e}"),
            #[cfg(feature = "alloc")]
            SignError::Cms(e) => write!(f, "CMS: {e}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SignError {}

impl From<BudgetError> for SignError {
    fn from(e: BudgetError) -> Self {
        match e {
            BudgetError::Exhausted { total, used } => SignError::BudgetExhausted { total, used },
            BudgetError::Revoked => SignError::Revoked,
            BudgetError::NotAssignedSigner => SignError::NotAssignedSigner,
            BudgetError::NotYetValid { now, not_before } => {
                SignError::CertificateNotYetValid { not_before, now }
            }
            BudgetError::Expired { now, not_after } => SignError::CertificateExpired { not_after, now },
            BudgetError::Counter(c) => SignError::Counter(c),
            // FingerprintMismatch, and anything a later budget version adds.
            _ => SignError::BudgetMismatch,
        }
    }
}

/// Options of the sign path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignOptions {
    /// Verify ECDSA signatures before releasing them (default `true`). RSA
    /// signatures are always verified.
    pub verify_ecdsa: bool,
    /// The signer's policy requires a grant for every signature (default
    /// `false`). A grant that is given is checked and consumed either way.
    pub require_grant: bool,
}

impl Default for SignOptions {
    fn default() -> Self {
        SignOptions {
            verify_ecdsa: true,
            require_grant: false,
        }
    }
}

/// What one signature cost, returned with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    /// SHA-256 of the signing certificate (DER).
    pub cert_fingerprint: [u8; 32],
    /// The signature's monotonic serial in the counter store.
    pub counter_index: u64,
    /// The grant that paid an operation, if any.
    pub grant_id: Option<GrantId>,
    /// Signatures left in the budget after this one.
    pub signatures_remaining: u64,
    /// The budget's usage level after this one.
    pub level: UsageLevel,
    /// The usage level this signature crossed into (80 %, 90 %, 100 %), if any.
    pub crossed: Option<UsageLevel>,
    /// The signature's length: it is `out[..signature_len]`.
    pub signature_len: usize,
}

/// A grant used for one signature, with the durable ledger of its
/// operations when the caller keeps one.
struct GrantUse<'g> {
    grant: &'g mut Grant,
    ledger: Option<&'g mut dyn CounterStore>,
}

impl GrantUse<'_> {
    /// Reserves one operation in memory, then in the ledger.
    fn reserve(
        &mut self,
        user: &UserId,
        signer: &UserId,
        now: UnixTime,
    ) -> Result<(GrantReservation, Option<Reservation>), SignError> {
        let in_memory = self
            .grant
            .reserve(user, signer, now)
            .map_err(SignError::GrantMismatch)?;
        let Some(ledger) = self.ledger.as_deref_mut() else {
            return Ok((in_memory, None));
        };
        let allowed = self.grant.allowed_ops();
        let limit = allowed.map_or(u64::MAX, u64::from);
        match ledger.reserve(limit) {
            Ok(durable) => Ok((in_memory, Some(durable))),
            Err(e) => {
                self.grant.abort(in_memory).map_err(SignError::GrantMismatch)?;
                Err(match e {
                    CounterError::Exhausted { .. } => SignError::GrantExhausted {
                        allowed: allowed.unwrap_or(0),
                    },
                    e => SignError::Counter(e),
                })
            }
        }
    }

    fn abort(
        &mut self,
        (in_memory, durable): (GrantReservation, Option<Reservation>),
    ) -> Result<(), SignError> {
        self.grant.abort(in_memory).map_err(SignError::GrantMismatch)?;
        match (self.ledger.as_deref_mut(), durable) {
            (Some(ledger), Some(r)) => ledger.abort(r).map_err(SignError::Counter),
            _ => Ok(()),
        }
    }

    fn commit(
        &mut self,
        (in_memory, durable): (GrantReservation, Option<Reservation>),
    ) -> Result<(), SignError> {
        // The durable ledger first: it is the record that must not under-count.
        let durable = match (self.ledger.as_deref_mut(), durable) {
            (Some(ledger), Some(r)) => ledger.commit(r).map(|_| ()).map_err(SignError::Counter),
            _ => Ok(()),
        };
        self.grant.commit(in_memory).map_err(SignError::GrantMismatch)?;
        durable
    }
}

/// The enforced signer for one certificate: its token key, budget and counter
/// store. See the module docs for the checks.
///
/// `T` and `S` are taken by value; pass `&mut token` / `&mut store` to keep
/// ownership (both traits are implemented for `&mut`).
#[derive(Debug)]
pub struct Signer<'a, T, S> {
    cert: CertificateRef<'a>,
    fingerprint: [u8; 32],
    token: T,
    key: KeyHandle,
    budget: &'a Budget,
    store: S,
    options: SignOptions,
}

impl<'a, T: Token, S: CounterStore> Signer<'a, T, S> {
    /// A signer with default [`SignOptions`].
    pub fn new(cert: CertificateRef<'a>, token: T, key: KeyHandle, budget: &'a Budget, store: S) -> Self {
        Signer {
            fingerprint: cert.fingerprint_sha256(),
            cert,
            token,
            key,
            budget,
            store,
            options: SignOptions::default(),
        }
    }

    /// Replaces the options.
    #[must_use]
    pub fn with_options(mut self, options: SignOptions) -> Self {
        self.options = options;
        self
    }

    /// The options in force.
    pub fn options(&self) -> SignOptions {
        self.options
    }

    /// The certificate.
    pub fn certificate(&self) -> CertificateRef<'a> {
        self.cert
    }

    /// The certificate's SHA-256 fingerprint.
    pub fn cert_fingerprint(&self) -> [u8; 32] {
        self.fingerprint
    }

    /// The token.
    pub fn token(&self) -> &T {
        &self.token
    }

    /// The counter store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Signatures left in the budget at `now`.
    pub fn remaining(&self, now: UnixTime) -> u64 {
        self.budget.remaining(&self.store.usage(), now)
    }

    /// Gives the token and the store back.
    pub fn into_parts(self) -> (T, S) {
        (self.token, self.store)
    }

    /// Signs `digest` (already hashed with `alg`'s hash) for `user` at `now`,
    /// writing the signature into `out` (at most
    /// [`MAX_SIGNATURE_LEN`](crate::token::MAX_SIGNATURE_LEN) bytes are needed).
    /// The signature is `out[..receipt.signature_len]`. No heap for ECDSA.
    ///
    /// # Errors
    /// One [`SignError`] per check, in the order of the module docs. A refusal
    /// consumes nothing, except [`SignError::VerifyFailed`] and a commit-time
    /// [`SignError::Counter`], where the token produced a signature: it counts
    /// as used and is wiped from `out`.
    pub fn sign_digest(
        &mut self,
        user: &UserId,
        now: UnixTime,
        grant: Option<&mut Grant>,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<Receipt, SignError> {
        let grant = grant.map(|grant| GrantUse { grant, ledger: None });
        self.sign(user, now, grant, alg, digest, out)
    }

    /// [`sign_digest`](Self::sign_digest) with a grant whose operations are
    /// counted durably in `ledger` (a [`CounterStore`] of the grant's own,
    /// limited to its allowed operations): the operation is reserved there
    /// before signing and committed or aborted exactly like the budget's
    /// signature, so a crash never yields an uncounted grant operation.
    /// Restore the [`Grant`] with `used` = the ledger's used count.
    ///
    /// # Errors
    /// As [`sign_digest`](Self::sign_digest); a ledger with no operation left
    /// is [`SignError::GrantExhausted`], a failing ledger [`SignError::Counter`].
    #[allow(clippy::too_many_arguments)] // the sign_digest arguments plus the ledger
    pub fn sign_digest_granted(
        &mut self,
        user: &UserId,
        now: UnixTime,
        grant: &mut Grant,
        ledger: &mut dyn CounterStore,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<Receipt, SignError> {
        let grant = Some(GrantUse {
            grant,
            ledger: Some(ledger),
        });
        self.sign(user, now, grant, alg, digest, out)
    }

    fn sign(
        &mut self,
        user: &UserId,
        now: UnixTime,
        mut grant: Option<GrantUse<'_>>,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<Receipt, SignError> {
        // 1. The token key is the certificate's key.
        let mut spki = [0u8; MAX_SPKI_LEN];
        let spki_len = self
            .token
            .public_key(self.key, &mut spki)
            .map_err(|e| SignError::Token(e.kind()))?;
        let token_spki = spki
            .get(..spki_len)
            .ok_or(SignError::Token(ErrorKind::BufferTooSmall))?;
        if !bool::from(token_spki.ct_eq(self.cert.spki_der())) {
            return Err(SignError::KeyMismatch);
        }

        // 2. The key policy, under the rule of the issuance date. Evaluated at
        // notBefore so that validity (step 3) is reported as its own error.
        let (not_before, not_after) = (self.cert.not_before(), self.cert.not_after());
        match policy::check_signing_key(&self.cert.key_info(), not_before, not_after, not_before) {
            Ok(()) => {}
            // Only when notAfter < notBefore: the certificate is never valid.
            Err(PolicyError::CertificateExpired { .. } | PolicyError::CertificateNotYetValid { .. }) => {
                return Err(SignError::CertificateExpired { not_after, now });
            }
            Err(e) => return Err(SignError::KeyPolicy(e)),
        }

        // 3. Bound budget, validity, revocation.
        if !self
            .budget
            .fingerprint()
            .matches(&CertFingerprint(self.fingerprint))
        {
            return Err(SignError::BudgetMismatch);
        }
        if now < not_before {
            return Err(SignError::CertificateNotYetValid { not_before, now });
        }
        if now > not_after {
            return Err(SignError::CertificateExpired { not_after, now });
        }
        if self.budget.is_revoked() {
            return Err(SignError::Revoked);
        }

        // 4. Without a grant: the assigned signer. 5. With one: the grant
        // stands in for the assignment.
        let signer = self.budget.signer();
        match grant.as_ref().map(|g| &*g.grant) {
            None if self.options.require_grant => return Err(SignError::GrantRequired),
            None if user != signer => return Err(SignError::NotAssignedSigner),
            None => {}
            Some(g) => {
                if g.grantee() != user {
                    return Err(SignError::GrantMismatch(GrantError::NotGrantee));
                }
                if g.signer() != signer {
                    return Err(SignError::GrantMismatch(GrantError::WrongSigner));
                }
                match g.status(now) {
                    GrantStatus::Active => {}
                    GrantStatus::UsedUp => {
                        return Err(SignError::GrantExhausted {
                            allowed: g.allowed_ops().unwrap_or(0),
                        });
                    }
                    status => return Err(SignError::GrantInactive { status }),
                }
            }
        }
        // The key's attributes, before anything is reserved.
        let attrs = self
            .token
            .key_attributes(self.key)
            .map_err(|e| SignError::Token(e.kind()))?;
        attrs
            .check_sign(alg, digest.len(), out.len())
            .map_err(SignError::Token)?;

        // 6. Reserve a signature, then a grant operation (in memory, and in
        // the grant's durable ledger when there is one).
        let fingerprint = CertFingerprint(self.fingerprint);
        let reservation = self.budget.reserve(&mut self.store, signer, &fingerprint, now)?;
        let grant_reservation = match grant.as_mut() {
            None => None,
            Some(g) => match g.reserve(user, signer, now) {
                Ok(r) => Some(r),
                Err(e) => {
                    // Nothing was signed: give the signature back.
                    self.budget.abort(&mut self.store, reservation)?;
                    return Err(e);
                }
            },
        };
        let index = reservation.index();

        // 7. The token signs.
        let signed = self.token.sign_digest(self.key, alg, digest, out);
        let len = match signed {
            Ok(len) => len,
            Err(e) => {
                // Nothing was produced: give everything back.
                if let (Some(g), Some(r)) = (grant.as_mut(), grant_reservation) {
                    g.abort(r)?;
                }
                self.budget.abort(&mut self.store, reservation)?;
                return Err(SignError::Token(e.kind()));
            }
        };

        // 8. Verify before release.
        let must_verify = match alg.family() {
            AlgorithmFamily::Rsa => true,
            AlgorithmFamily::Ecdsa => self.options.verify_ecdsa,
        };
        let verified = if must_verify {
            match out.get(..len) {
                Some(sig) => verify_digest(token_spki, alg, digest, sig),
                None => Err(VerifyError::MalformedSignature),
            }
        } else {
            Ok(())
        };

        // 9. Commit (also on a failed verification: the token produced a signature).
        let grant_id = grant.as_ref().map(|g| g.grant.id());
        let grant_committed = match (grant.as_mut(), grant_reservation) {
            (Some(g), Some(r)) => g.commit(r),
            _ => Ok(()),
        };
        let committed = self.budget.commit(&mut self.store, reservation);
        let failure = match (verified, committed, grant_committed) {
            (Err(error), _, _) => SignError::VerifyFailed {
                error,
                counter_index: index,
            },
            (Ok(()), Err(e), _) => SignError::from(e),
            (Ok(()), Ok(_), Err(e)) => e,
            (Ok(()), Ok(report), Ok(())) => {
                return Ok(Receipt {
                    cert_fingerprint: self.fingerprint,
                    counter_index: report.index,
                    grant_id,
                    signatures_remaining: report.remaining,
                    level: report.level,
                    crossed: report.crossed,
                    signature_len: len,
                });
            }
        };
        // Not released: wipe whatever the token wrote.
        out.iter_mut().for_each(|b| *b = 0);
        Err(failure)
    }

    /// Signs `content_digest` (the `alg`'s hash of a file) as a detached CMS
    /// `SignedData` with the certificate embedded and `now` as signing time,
    /// through the same enforced path as [`sign_digest`](Self::sign_digest):
    /// the same checks, the same counting. Returns the DER `ContentInfo` (a
    /// `.p7s` file) and the receipt.
    ///
    /// # Errors
    /// [`SignError::Cms`] when the CMS structure cannot be prepared (nothing is
    /// consumed) or finished (the signature was counted); otherwise as
    /// [`sign_digest`](Self::sign_digest).
    #[cfg(feature = "alloc")]
    pub fn sign_cms(
        &mut self,
        user: &UserId,
        now: UnixTime,
        grant: Option<&mut Grant>,
        alg: SignatureAlgorithm,
        content_digest: &[u8],
    ) -> Result<(alloc::vec::Vec<u8>, Receipt), SignError> {
        let grant = grant.map(|grant| GrantUse { grant, ledger: None });
        self.cms(user, now, grant, alg, content_digest)
    }

    /// [`sign_cms`](Self::sign_cms) with a grant counted durably in `ledger`
    /// (see [`sign_digest_granted`](Self::sign_digest_granted)).
    ///
    /// # Errors
    /// As [`sign_cms`](Self::sign_cms) and
    /// [`sign_digest_granted`](Self::sign_digest_granted).
    #[cfg(feature = "alloc")]
    pub fn sign_cms_granted(
        &mut self,
        user: &UserId,
        now: UnixTime,
        grant: &mut Grant,
        ledger: &mut dyn CounterStore,
        alg: SignatureAlgorithm,
        content_digest: &[u8],
    ) -> Result<(alloc::vec::Vec<u8>, Receipt), SignError> {
        let grant = Some(GrantUse {
            grant,
            ledger: Some(ledger),
        });
        self.cms(user, now, grant, alg, content_digest)
    }

    #[cfg(feature = "alloc")]
    fn cms(
        &mut self,
        user: &UserId,
        now: UnixTime,
        grant: Option<GrantUse<'_>>,
        alg: SignatureAlgorithm,
        content_digest: &[u8],
    ) -> Result<(alloc::vec::Vec<u8>, Receipt), SignError> {
        let prepared =
            crate::cms::prepare(self.cert.der(), alg, content_digest, now).map_err(SignError::Cms)?;
        let mut sig = [0u8; crate::token::MAX_SIGNATURE_LEN];
        let receipt = self.sign(user, now, grant, alg, prepared.digest_to_sign(), &mut sig)?;
        let signature = sig
            .get(..receipt.signature_len)
            .ok_or(SignError::Token(ErrorKind::BufferTooSmall))?;
        let p7s = prepared.finish(signature).map_err(SignError::Cms)?;
        Ok((p7s, receipt))
    }
}

#[cfg(all(test, feature = "soft-token", feature = "alloc"))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::budget::Validity;
    use crate::counter::MemoryCounterStore;
    use crate::token::soft::SoftToken;
    use crate::token::{EcdsaEncoding, HashAlgorithm, KeyAttributes, KeyType, KeyUsage, MAX_SIGNATURE_LEN};

    const ALG: SignatureAlgorithm = SignatureAlgorithm::Ecdsa {
        hash: HashAlgorithm::Sha256,
        encoding: EcdsaEncoding::Der,
    };
    const NB: UnixTime = UnixTime(1_767_225_600); // 2026-01-01
    const NOW: UnixTime = UnixTime(1_772_323_200); // 2026-03-01

    fn setup() -> (
        SoftToken<rand_core::UnwrapErr<getrandom::SysRng>, 1>,
        KeyHandle,
        alloc::vec::Vec<u8>,
    ) {
        let mut token = SoftToken::new(rand_core::UnwrapErr(getrandom::SysRng));
        let attrs = KeyAttributes::new(KeyType::EccP256, KeyUsage::SIGN_HASH, ALG).unwrap();
        let key = token.generate(attrs).unwrap();
        let cert =
            crate::cert::self_signed(&mut token, key, "unit", NB, UnixTime(NB.0 + 86_400 * 365), 7).unwrap();
        (token, key, cert)
    }

    #[test]
    fn signs_counts_and_refuses_other_users() {
        let (mut token, key, cert_der) = setup();
        let cert = CertificateRef::from_der(&cert_der).unwrap();
        let validity = Validity {
            not_before: cert.not_before(),
            not_after: cert.not_after(),
        };
        let alice = UserId::new("alice").unwrap();
        let budget = Budget::with_allotment(
            CertFingerprint(cert.fingerprint_sha256()),
            validity,
            alice.clone(),
            2,
        )
        .unwrap();
        let mut store = MemoryCounterStore::new();
        let mut signer = Signer::new(cert, &mut token, key, &budget, &mut store);
        let digest = HashAlgorithm::Sha256.digest(b"x");
        let mut out = [0u8; MAX_SIGNATURE_LEN];
        let r = signer
            .sign_digest(&alice, NOW, None, ALG, digest.as_bytes(), &mut out)
            .unwrap();
        assert_eq!(r.counter_index, 0);
        assert_eq!(r.signatures_remaining, 1);
        verify_digest(cert.spki_der(), ALG, digest.as_bytes(), &out[..r.signature_len]).unwrap();
        let bob = UserId::new("bob").unwrap();
        assert_eq!(
            signer.sign_digest(&bob, NOW, None, ALG, digest.as_bytes(), &mut out),
            Err(SignError::NotAssignedSigner)
        );
        assert_eq!(signer.store().usage().used(), 1);
        let r = signer
            .sign_digest(&alice, NOW, None, ALG, digest.as_bytes(), &mut out)
            .unwrap();
        assert_eq!((r.counter_index, r.level), (1, UsageLevel::Exhausted));
        let e = signer
            .sign_digest(&alice, NOW, None, ALG, digest.as_bytes(), &mut out)
            .unwrap_err();
        assert_eq!(e.code(), "sign_budget_exhausted");
        assert_eq!(signer.store().usage().used(), 2);
    }
}
