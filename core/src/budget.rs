//! Signature budgets: how many signatures one certificate may make.
//!
//! Rules (KeyLocker signature purchases):
//! - a budget belongs to one certificate, bound to its SHA-256 fingerprint,
//!   and cannot be transferred: every operation presents the fingerprint,
//!   compared in constant time, and another one is refused;
//! - the initial purchase and each renewal include [`DEFAULT_ALLOTMENT`]
//!   (1,000) signatures; the allotment is configurable
//!   ([`Budget::with_allotment`]) because the CA's documents also describe
//!   1,000 signatures *per year of validity*, so a caller may pass
//!   `1_000 × years`;
//! - more are bought in blocks of 1,000, 5,000 or 10,000, or any positive
//!   custom number ([`Purchase`]), by administrators and managers only, never
//!   by a subaccount;
//! - unused signatures do not carry over to a renewed certificate
//!   ([`Budget::renew`] starts a new budget), expire with the certificate, and
//!   are nullified by revocation (irreversible);
//! - exactly one assigned signer per certificate; only a KeyLocker lead may
//!   reassign it;
//! - usage levels at 80 %, 90 % and 100 % ([`UsageLevel`]) are reported on
//!   each use, with the crossing, so a UI can show a banner and send notices.
//!
//! Counting is done by a [`CounterStore`]: *reserve → sign → commit*, or
//! abort when signing is refused (a refusal consumes nothing).

use core::fmt;

use subtle::ConstantTimeEq;

use crate::ErrorCode;
use crate::counter::{CounterError, CounterStore, Reservation, Usage};
use crate::time::UnixTime;

/// Signatures included with the initial purchase and with each renewal.
pub const DEFAULT_ALLOTMENT: u64 = 1_000;

/// Longest [`UserId`], in bytes.
pub const USER_ID_MAX: usize = 64;

/// A user (or machine identity) name: 1-64 bytes of UTF-8, no control
/// characters. Fixed size, no heap.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(heapless::String<USER_ID_MAX>);

/// Why a user id was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserIdError {
    /// The id is empty.
    Empty,
    /// The id is longer than [`USER_ID_MAX`] bytes.
    TooLong {
        /// The maximum.
        max: usize,
        /// The length given.
        actual: usize,
    },
    /// The id contains a control character.
    ControlCharacter,
}

impl ErrorCode for UserIdError {
    fn code(&self) -> &'static str {
        match self {
            UserIdError::Empty => "user_id_empty",
            UserIdError::TooLong { .. } => "user_id_too_long",
            UserIdError::ControlCharacter => "user_id_control_character",
        }
    }
}

impl fmt::Display for UserIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserIdError::Empty => f.write_str("user id is empty"),
            UserIdError::TooLong { max, actual } => {
                write!(f, "user id is {actual} bytes long; at most {max} allowed")
            }
            UserIdError::ControlCharacter => f.write_str("user id contains a control character"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for UserIdError {}

impl UserId {
    /// Checks and copies a user id.
    ///
    /// # Errors
    /// [`UserIdError`] for an empty, too long or control-character id.
    pub fn new(id: &str) -> Result<Self, UserIdError> {
        if id.is_empty() {
            return Err(UserIdError::Empty);
        }
        if id.chars().any(char::is_control) {
            return Err(UserIdError::ControlCharacter);
        }
        let mut s = heapless::String::new();
        s.push_str(id).map_err(|_| UserIdError::TooLong {
            max: USER_ID_MAX,
            actual: id.len(),
        })?;
        Ok(UserId(s))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CertCentral account role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// Administrator: may buy signatures.
    Administrator,
    /// Manager: may buy signatures.
    Manager,
    /// Standard user: must ask an administrator or manager.
    StandardUser,
    /// Limited user: must ask an administrator or manager.
    LimitedUser,
    /// Finance manager: must ask an administrator or manager.
    FinanceManager,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Administrator,
        Role::Manager,
        Role::StandardUser,
        Role::LimitedUser,
        Role::FinanceManager,
    ];

    /// Other spellings [`from_name`](Self::from_name) and `from_str` accept
    /// (alias, role): the `signet` command's earlier hyphenated names. Every
    /// surface answers with the canonical [`name`](Self::name) only.
    pub const ALIASES: [(&'static str, Role); 3] = [
        ("standard-user", Role::StandardUser),
        ("limited-user", Role::LimitedUser),
        ("finance-manager", Role::FinanceManager),
    ];

    /// The role called [`name`](Self::name) `name` (or one of its
    /// [`ALIASES`](Self::ALIASES)), if any.
    pub fn from_name(name: &str) -> Option<Role> {
        Self::ALL
            .into_iter()
            .find(|r| r.name() == name)
            .or_else(|| Self::ALIASES.iter().find(|(a, _)| *a == name).map(|(_, r)| *r))
    }

    /// The canonical name ([`name`](Self::name)), as the other named types spell it.
    pub const fn as_str(self) -> &'static str {
        self.name()
    }

    /// Whether this role may buy signatures (subaccounts aside).
    pub const fn may_buy(self) -> bool {
        matches!(self, Role::Administrator | Role::Manager)
    }

    /// Stable lower-case name (`administrator`, `manager`, `standard_user`,
    /// `limited_user`, `finance_manager`).
    pub const fn name(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Manager => "manager",
            Role::StandardUser => "standard_user",
            Role::LimitedUser => "limited_user",
            Role::FinanceManager => "finance_manager",
        }
    }
}

/// The name given to [`Role::from_str`](core::str::FromStr::from_str) is not a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownRole;

impl ErrorCode for UnknownRole {
    fn code(&self) -> &'static str {
        "unknown_role"
    }
}

impl fmt::Display for UnknownRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "unknown role (expected administrator, manager, standard_user, limited_user or finance_manager)",
        )
    }
}

#[cfg(feature = "std")]
impl std::error::Error for UnknownRole {}

impl core::str::FromStr for Role {
    type Err = UnknownRole;

    /// [`Role::from_name`] as a `Result`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::from_name(s).ok_or(UnknownRole)
    }
}

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user.
    pub id: UserId,
    /// Their account role.
    pub role: Role,
    /// True when acting from a subaccount (no purchases at all).
    pub subaccount: bool,
    /// True for a KeyLocker lead (may reassign the signer).
    pub keylocker_lead: bool,
}

/// A certificate's SHA-256 fingerprint (of its DER encoding). Compared in
/// constant time.
#[derive(Clone, Copy)]
pub struct CertFingerprint(pub [u8; 32]);

impl CertFingerprint {
    /// Constant-time equality.
    pub fn matches(&self, other: &CertFingerprint) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl fmt::Debug for CertFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CertFingerprint(")?;
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// A certificate's validity period, inclusive at both ends (as in X.509).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// First second of validity.
    pub not_before: UnixTime,
    /// Last second of validity.
    pub not_after: UnixTime,
}

/// A purchase of more signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purchase {
    /// 1,000 signatures.
    Block1000,
    /// 5,000 signatures.
    Block5000,
    /// 10,000 signatures.
    Block10000,
    /// Any positive number.
    Custom(u64),
}

impl Purchase {
    /// How many signatures this purchase adds.
    pub const fn count(self) -> u64 {
        match self {
            Purchase::Block1000 => 1_000,
            Purchase::Block5000 => 5_000,
            Purchase::Block10000 => 10_000,
            Purchase::Custom(n) => n,
        }
    }

    /// The purchase that adds `count` signatures: one of the documented
    /// blocks (1,000, 5,000, 10,000) when it is one, else a custom count.
    pub const fn of_count(count: u64) -> Purchase {
        match count {
            1_000 => Purchase::Block1000,
            5_000 => Purchase::Block5000,
            10_000 => Purchase::Block10000,
            n => Purchase::Custom(n),
        }
    }
}

/// Whether a budget's signatures can be used at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BudgetState {
    /// Inside the certificate's validity and not revoked.
    Valid,
    /// Before the certificate's `notBefore`.
    NotYetValid,
    /// After the certificate's `notAfter`: remaining signatures expired.
    Expired,
    /// The certificate was revoked: remaining signatures are nullified.
    Revoked,
}

impl BudgetState {
    /// The snake_case name every surface prints.
    pub const fn name(self) -> &'static str {
        match self {
            BudgetState::Valid => "valid",
            BudgetState::NotYetValid => "not_yet_valid",
            BudgetState::Expired => "expired",
            BudgetState::Revoked => "revoked",
        }
    }
}

/// How much of the budget is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UsageLevel {
    /// Below 80 %.
    Normal,
    /// 80 % or more.
    Warn80,
    /// 90 % or more.
    Warn90,
    /// Nothing left (also: revoked, or a budget of zero).
    Exhausted,
}

impl UsageLevel {
    /// The level for `used` of `total`.
    pub const fn of(used: u64, total: u64) -> UsageLevel {
        if used >= total {
            return UsageLevel::Exhausted;
        }
        // u128 so that `used * 100` cannot overflow.
        let (used, total) = (used as u128 * 100, total as u128);
        if used >= total * 90 {
            UsageLevel::Warn90
        } else if used >= total * 80 {
            UsageLevel::Warn80
        } else {
            UsageLevel::Normal
        }
    }

    /// Stable name: `normal`, `warn80`, `warn90`, `exhausted`.
    pub const fn name(self) -> &'static str {
        match self {
            UsageLevel::Normal => "normal",
            UsageLevel::Warn80 => "warn80",
            UsageLevel::Warn90 => "warn90",
            UsageLevel::Exhausted => "exhausted",
        }
    }
}

/// Errors of signature budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BudgetError {
    /// The fingerprint presented is not this budget's certificate.
    FingerprintMismatch,
    /// The certificate is revoked; its signatures are nullified.
    Revoked,
    /// The certificate is not valid yet.
    NotYetValid {
        /// The time given.
        now: UnixTime,
        /// Start of validity.
        not_before: UnixTime,
    },
    /// The certificate has expired, and its signatures with it.
    Expired {
        /// The time given.
        now: UnixTime,
        /// End of validity.
        not_after: UnixTime,
    },
    /// `not_after` is before `not_before`.
    InvalidValidity,
    /// This role may not buy signatures.
    PurchaseNotPermitted {
        /// The actor's role.
        role: Role,
    },
    /// Subaccounts cannot buy signatures.
    SubaccountPurchase,
    /// A purchase of zero signatures.
    ZeroPurchase,
    /// The total would overflow.
    Overflow,
    /// Only the assigned signer may sign with this certificate.
    NotAssignedSigner,
    /// Only a KeyLocker lead may reassign the signer.
    NotKeyLockerLead,
    /// All signatures are used.
    Exhausted {
        /// Signatures available in total.
        total: u64,
        /// Signatures counted as used.
        used: u64,
    },
    /// The counter store failed (see [`CounterError`]).
    Counter(CounterError),
}

impl ErrorCode for BudgetError {
    fn code(&self) -> &'static str {
        match self {
            BudgetError::FingerprintMismatch => "budget_fingerprint_mismatch",
            BudgetError::Revoked => "budget_revoked",
            BudgetError::NotYetValid { .. } => "budget_not_yet_valid",
            BudgetError::Expired { .. } => "budget_expired",
            BudgetError::InvalidValidity => "budget_invalid_validity",
            BudgetError::PurchaseNotPermitted { .. } => "budget_purchase_not_permitted",
            BudgetError::SubaccountPurchase => "budget_subaccount_purchase",
            BudgetError::ZeroPurchase => "budget_zero_purchase",
            BudgetError::Overflow => "budget_overflow",
            BudgetError::NotAssignedSigner => "budget_not_assigned_signer",
            BudgetError::NotKeyLockerLead => "budget_not_keylocker_lead",
            BudgetError::Exhausted { .. } => "budget_exhausted",
            BudgetError::Counter(e) => e.code(),
        }
    }
}

impl fmt::Display for BudgetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BudgetError::FingerprintMismatch => {
                f.write_str("the budget belongs to another certificate; signatures cannot be transferred")
            }
            BudgetError::Revoked => f.write_str("the certificate is revoked; its signatures are nullified"),
            BudgetError::NotYetValid { now, not_before } => write!(
                f,
                "the certificate is not valid before {} (now {})",
                not_before.as_secs(),
                now.as_secs()
            ),
            BudgetError::Expired { now, not_after } => write!(
                f,
                "the certificate expired at {} (now {}); its signatures expired with it",
                not_after.as_secs(),
                now.as_secs()
            ),
            BudgetError::InvalidValidity => f.write_str("validity ends before it begins"),
            BudgetError::PurchaseNotPermitted { role } => write!(
                f,
                "role {} may not buy signatures; ask an administrator or manager",
                role.name()
            ),
            BudgetError::SubaccountPurchase => {
                f.write_str("signature purchases are not available for subaccounts")
            }
            BudgetError::ZeroPurchase => f.write_str("a purchase must add at least one signature"),
            BudgetError::Overflow => f.write_str("signature total would overflow"),
            BudgetError::NotAssignedSigner => {
                f.write_str("only the assigned signer may sign with this certificate")
            }
            BudgetError::NotKeyLockerLead => f.write_str("only a KeyLocker lead may reassign the signer"),
            BudgetError::Exhausted { total, used } => {
                write!(f, "signature budget exhausted: {used} of {total} used")
            }
            BudgetError::Counter(e) => write!(f, "signature counter: {e}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BudgetError {}

impl From<CounterError> for BudgetError {
    fn from(e: CounterError) -> Self {
        match e {
            CounterError::Exhausted { limit, used } => BudgetError::Exhausted { total: limit, used },
            other => BudgetError::Counter(other),
        }
    }
}

/// The signature budget of one certificate.
#[derive(Debug, Clone)]
pub struct Budget {
    fingerprint: CertFingerprint,
    validity: Validity,
    allotment: u64,
    purchased: u64,
    revoked: bool,
    signer: UserId,
}

/// A reserved signature of a budget, with the usage level it brings.
#[must_use = "commit the reservation after signing, or abort it"]
#[derive(Debug)]
pub struct BudgetReservation {
    reservation: Reservation,
    report: UseReport,
}

impl BudgetReservation {
    /// The monotonic serial of the signature (for the sign receipt).
    pub fn index(&self) -> u64 {
        self.reservation.index()
    }
}

/// What one use did to the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UseReport {
    /// The signature's serial (counter index).
    pub index: u64,
    /// Signatures counted as used, this one included.
    pub used: u64,
    /// Signatures left.
    pub remaining: u64,
    /// The level after this use.
    pub level: UsageLevel,
    /// The level this use crossed into, if it crossed one (80 %, 90 %,
    /// 100 %): the moment to show a banner or send a notice.
    pub crossed: Option<UsageLevel>,
}

impl Budget {
    /// A budget for a new certificate with [`DEFAULT_ALLOTMENT`] signatures.
    ///
    /// # Errors
    /// [`BudgetError::InvalidValidity`].
    pub fn new(
        fingerprint: CertFingerprint,
        validity: Validity,
        signer: UserId,
    ) -> Result<Self, BudgetError> {
        Self::with_allotment(fingerprint, validity, signer, DEFAULT_ALLOTMENT)
    }

    /// A budget with a chosen allotment (e.g. 1,000 per year of validity).
    ///
    /// # Errors
    /// [`BudgetError::InvalidValidity`].
    pub fn with_allotment(
        fingerprint: CertFingerprint,
        validity: Validity,
        signer: UserId,
        allotment: u64,
    ) -> Result<Self, BudgetError> {
        if validity.not_after < validity.not_before {
            return Err(BudgetError::InvalidValidity);
        }
        Ok(Budget {
            fingerprint,
            validity,
            allotment,
            purchased: 0,
            revoked: false,
            signer,
        })
    }

    /// Restores a budget from saved fields (e.g. a state file).
    ///
    /// # Errors
    /// [`BudgetError::InvalidValidity`], [`BudgetError::Overflow`].
    pub fn restore(
        fingerprint: CertFingerprint,
        validity: Validity,
        signer: UserId,
        allotment: u64,
        purchased: u64,
        revoked: bool,
    ) -> Result<Self, BudgetError> {
        let mut b = Self::with_allotment(fingerprint, validity, signer, allotment)?;
        allotment.checked_add(purchased).ok_or(BudgetError::Overflow)?;
        b.purchased = purchased;
        b.revoked = revoked;
        Ok(b)
    }

    /// The budget of the renewed certificate: a fresh allotment, nothing
    /// carried over, same assigned signer. This budget is left unchanged and
    /// keeps expiring with its own certificate.
    ///
    /// # Errors
    /// [`BudgetError::InvalidValidity`].
    pub fn renew(
        &self,
        fingerprint: CertFingerprint,
        validity: Validity,
        allotment: u64,
    ) -> Result<Self, BudgetError> {
        Self::with_allotment(fingerprint, validity, self.signer.clone(), allotment)
    }

    /// The certificate fingerprint.
    pub fn fingerprint(&self) -> &CertFingerprint {
        &self.fingerprint
    }

    /// The certificate validity.
    pub fn validity(&self) -> Validity {
        self.validity
    }

    /// Signatures included with the certificate.
    pub fn allotment(&self) -> u64 {
        self.allotment
    }

    /// Signatures bought on top.
    pub fn purchased(&self) -> u64 {
        self.purchased
    }

    /// Allotment plus purchases; zero once revoked.
    pub fn total(&self) -> u64 {
        if self.revoked {
            0
        } else {
            self.allotment.saturating_add(self.purchased)
        }
    }

    /// Whether the certificate is revoked.
    pub fn is_revoked(&self) -> bool {
        self.revoked
    }

    /// The assigned signer.
    pub fn signer(&self) -> &UserId {
        &self.signer
    }

    /// Signatures left, given the counter's usage, at `now` (zero when
    /// revoked or outside validity).
    pub fn remaining(&self, usage: &Usage, now: UnixTime) -> u64 {
        if self.check_time(now).is_err() {
            return 0;
        }
        self.total().saturating_sub(usage.used())
    }

    /// The budget's state at `now` (revocation wins over time).
    pub fn state(&self, now: UnixTime) -> BudgetState {
        match self.check_time(now) {
            Ok(()) => BudgetState::Valid,
            Err(BudgetError::NotYetValid { .. }) => BudgetState::NotYetValid,
            Err(BudgetError::Expired { .. }) => BudgetState::Expired,
            Err(_) => BudgetState::Revoked,
        }
    }

    /// The usage level for the counter's usage.
    pub fn level(&self, usage: &Usage) -> UsageLevel {
        UsageLevel::of(usage.used(), self.total())
    }

    fn check_cert(&self, fingerprint: &CertFingerprint) -> Result<(), BudgetError> {
        if !self.fingerprint.matches(fingerprint) {
            return Err(BudgetError::FingerprintMismatch);
        }
        if self.revoked {
            return Err(BudgetError::Revoked);
        }
        Ok(())
    }

    fn check_time(&self, now: UnixTime) -> Result<(), BudgetError> {
        if self.revoked {
            return Err(BudgetError::Revoked);
        }
        if now < self.validity.not_before {
            return Err(BudgetError::NotYetValid {
                now,
                not_before: self.validity.not_before,
            });
        }
        if now > self.validity.not_after {
            return Err(BudgetError::Expired {
                now,
                not_after: self.validity.not_after,
            });
        }
        Ok(())
    }

    /// Buys more signatures; returns the new total.
    ///
    /// # Errors
    /// [`BudgetError::FingerprintMismatch`], [`BudgetError::Revoked`],
    /// [`BudgetError::NotYetValid`] / [`BudgetError::Expired`],
    /// [`BudgetError::SubaccountPurchase`],
    /// [`BudgetError::PurchaseNotPermitted`], [`BudgetError::ZeroPurchase`],
    /// [`BudgetError::Overflow`]. Nothing changes on error.
    pub fn buy(
        &mut self,
        actor: &Actor,
        fingerprint: &CertFingerprint,
        purchase: Purchase,
        now: UnixTime,
    ) -> Result<u64, BudgetError> {
        self.check_cert(fingerprint)?;
        self.check_time(now)?;
        if actor.subaccount {
            return Err(BudgetError::SubaccountPurchase);
        }
        if !actor.role.may_buy() {
            return Err(BudgetError::PurchaseNotPermitted { role: actor.role });
        }
        let count = purchase.count();
        if count == 0 {
            return Err(BudgetError::ZeroPurchase);
        }
        let purchased = self.purchased.checked_add(count).ok_or(BudgetError::Overflow)?;
        let total = self
            .allotment
            .checked_add(purchased)
            .ok_or(BudgetError::Overflow)?;
        self.purchased = purchased;
        Ok(total)
    }

    /// Revokes the certificate: remaining signatures are nullified and every
    /// later use is refused. Irreversible.
    ///
    /// # Errors
    /// [`BudgetError::FingerprintMismatch`]; [`BudgetError::Revoked`] when
    /// already revoked.
    pub fn revoke(&mut self, fingerprint: &CertFingerprint) -> Result<(), BudgetError> {
        self.check_cert(fingerprint)?;
        self.revoked = true;
        Ok(())
    }

    /// Assigns the certificate to another signer (replacing the current one).
    ///
    /// # Errors
    /// [`BudgetError::FingerprintMismatch`], [`BudgetError::Revoked`],
    /// [`BudgetError::NotKeyLockerLead`].
    pub fn assign_signer(
        &mut self,
        actor: &Actor,
        fingerprint: &CertFingerprint,
        signer: UserId,
    ) -> Result<(), BudgetError> {
        self.check_cert(fingerprint)?;
        if !actor.keylocker_lead {
            return Err(BudgetError::NotKeyLockerLead);
        }
        self.signer = signer;
        Ok(())
    }

    /// Checks everything and reserves one signature in `store`.
    ///
    /// # Errors
    /// [`BudgetError::FingerprintMismatch`], [`BudgetError::Revoked`],
    /// [`BudgetError::NotYetValid`] / [`BudgetError::Expired`],
    /// [`BudgetError::NotAssignedSigner`], [`BudgetError::Exhausted`], or
    /// [`BudgetError::Counter`]. A refusal consumes nothing.
    pub fn reserve<S: CounterStore>(
        &self,
        store: &mut S,
        signer: &UserId,
        fingerprint: &CertFingerprint,
        now: UnixTime,
    ) -> Result<BudgetReservation, BudgetError> {
        self.check_cert(fingerprint)?;
        self.check_time(now)?;
        if *signer != self.signer {
            return Err(BudgetError::NotAssignedSigner);
        }
        let total = self.total();
        let reservation = store.reserve(total)?;
        // The count the store saw when it made this reservation, so that
        // threads sharing a store each see a crossing exactly once.
        let used = reservation.used_after();
        let used_before = used.saturating_sub(1);
        let level = UsageLevel::of(used, total);
        let before = UsageLevel::of(used_before, total);
        Ok(BudgetReservation {
            report: UseReport {
                index: reservation.index(),
                used,
                remaining: total.saturating_sub(used),
                level,
                crossed: (level > before).then_some(level),
            },
            reservation,
        })
    }

    /// Commits a signature made with a reservation; reports the usage level
    /// and any level crossed.
    ///
    /// # Errors
    /// [`BudgetError::Counter`]; the signature then stays counted.
    pub fn commit<S: CounterStore>(
        &self,
        store: &mut S,
        reservation: BudgetReservation,
    ) -> Result<UseReport, BudgetError> {
        store.commit(reservation.reservation)?;
        Ok(reservation.report)
    }

    /// Gives back a reservation whose signing was refused.
    ///
    /// # Errors
    /// [`BudgetError::Counter`]; the signature then stays counted.
    pub fn abort<S: CounterStore>(
        &self,
        store: &mut S,
        reservation: BudgetReservation,
    ) -> Result<(), BudgetError> {
        store.abort(reservation.reservation)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counter::MemoryCounterStore;
    extern crate std;
    use std::vec;
    use std::vec::Vec;

    const FP: CertFingerprint = CertFingerprint([7; 32]);
    const OTHER: CertFingerprint = CertFingerprint([8; 32]);
    const VALIDITY: Validity = Validity {
        not_before: UnixTime(1_000),
        not_after: UnixTime(2_000),
    };
    const NOW: UnixTime = UnixTime(1_500);

    fn user(s: &str) -> UserId {
        UserId::new(s).unwrap()
    }

    fn actor(role: Role) -> Actor {
        Actor {
            id: user("admin"),
            role,
            subaccount: false,
            keylocker_lead: false,
        }
    }

    #[test]
    fn state_follows_validity_and_revocation() {
        let mut b = Budget::with_allotment(FP, VALIDITY, user("s"), 10).unwrap();
        assert_eq!(b.state(UnixTime(999)), BudgetState::NotYetValid);
        assert_eq!(b.state(UnixTime(1_000)), BudgetState::Valid);
        assert_eq!(b.state(UnixTime(2_000)), BudgetState::Valid);
        assert_eq!(b.state(UnixTime(2_001)), BudgetState::Expired);
        b.revoke(&FP).unwrap();
        assert_eq!(b.state(NOW).name(), "revoked");
        assert_eq!(Purchase::of_count(1_000), Purchase::Block1000);
        assert_eq!(Purchase::of_count(5_000), Purchase::Block5000);
        assert_eq!(Purchase::of_count(10_000), Purchase::Block10000);
        assert_eq!(Purchase::of_count(7), Purchase::Custom(7));
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_name(r.name()), Some(r));
        }
        assert_eq!(Role::from_name("Administrator"), None);
        assert_eq!("manager".parse::<Role>(), Ok(Role::Manager));
        assert_eq!("boss".parse::<Role>(), Err(UnknownRole));
        // Documented aliases only; the canonical name is what comes back.
        assert_eq!(
            "standard-user".parse::<Role>().map(Role::as_str),
            Ok("standard_user")
        );
        assert_eq!("finance-manager".parse::<Role>(), Ok(Role::FinanceManager));
        assert_eq!("Standard-User".parse::<Role>(), Err(UnknownRole));
        for (alias, r) in Role::ALIASES {
            assert_eq!(Role::from_name(alias), Some(r));
            assert_ne!(r.as_str(), alias);
        }
    }

    #[test]
    fn user_ids() {
        assert_eq!(user("alice").as_str(), "alice");
        assert_eq!(UserId::new(""), Err(UserIdError::Empty));
        assert_eq!(UserId::new("a\nb"), Err(UserIdError::ControlCharacter));
        let long = "x".repeat(65);
        assert_eq!(
            UserId::new(&long),
            Err(UserIdError::TooLong { max: 64, actual: 65 })
        );
        assert!(UserId::new(&long[..64]).is_ok());
    }

    #[test]
    fn thousand_signatures_then_exhausted() {
        let b = Budget::new(FP, VALIDITY, user("alice")).unwrap();
        let mut store = MemoryCounterStore::new();
        let mut crossings = Vec::new();
        for i in 0..1000 {
            let r = b.reserve(&mut store, &user("alice"), &FP, NOW).unwrap();
            assert_eq!(r.index(), i);
            let rep = b.commit(&mut store, r).unwrap();
            if let Some(c) = rep.crossed {
                crossings.push((rep.used, c));
            }
        }
        assert_eq!(
            crossings,
            vec![
                (800, UsageLevel::Warn80),
                (900, UsageLevel::Warn90),
                (1000, UsageLevel::Exhausted)
            ]
        );
        let before = store.usage();
        assert_eq!(
            b.reserve(&mut store, &user("alice"), &FP, NOW).unwrap_err(),
            BudgetError::Exhausted {
                total: 1000,
                used: 1000
            }
        );
        assert_eq!(store.usage(), before, "a refusal consumes nothing");
        assert_eq!(b.remaining(&before, NOW), 0);
        assert_eq!(b.level(&before), UsageLevel::Exhausted);
    }

    #[test]
    fn not_transferable_and_bound_to_validity() {
        let b = Budget::new(FP, VALIDITY, user("alice")).unwrap();
        let mut s = MemoryCounterStore::new();
        let alice = user("alice");
        assert_eq!(
            b.reserve(&mut s, &alice, &OTHER, NOW).unwrap_err(),
            BudgetError::FingerprintMismatch
        );
        assert_eq!(
            b.reserve(&mut s, &alice, &FP, UnixTime(999)).unwrap_err().code(),
            "budget_not_yet_valid"
        );
        assert!(b.reserve(&mut s, &alice, &FP, UnixTime(1_000)).is_ok());
        assert!(b.reserve(&mut s, &alice, &FP, UnixTime(2_000)).is_ok());
        assert_eq!(
            b.reserve(&mut s, &alice, &FP, UnixTime(2_001)).unwrap_err(),
            BudgetError::Expired {
                now: UnixTime(2_001),
                not_after: UnixTime(2_000)
            }
        );
        assert_eq!(b.remaining(&s.usage(), UnixTime(2_001)), 0);
        assert_eq!(
            b.reserve(&mut s, &user("bob"), &FP, NOW).unwrap_err(),
            BudgetError::NotAssignedSigner
        );
        assert_eq!(s.usage().used(), 2);
        assert_eq!(
            Budget::new(
                FP,
                Validity {
                    not_before: UnixTime(5),
                    not_after: UnixTime(4)
                },
                alice
            )
            .unwrap_err(),
            BudgetError::InvalidValidity
        );
    }

    #[test]
    fn purchases_by_role() {
        let mut b = Budget::new(FP, VALIDITY, user("alice")).unwrap();
        assert_eq!(
            b.buy(&actor(Role::Administrator), &FP, Purchase::Block1000, NOW),
            Ok(2_000)
        );
        assert_eq!(
            b.buy(&actor(Role::Manager), &FP, Purchase::Block5000, NOW),
            Ok(7_000)
        );
        assert_eq!(
            b.buy(&actor(Role::Manager), &FP, Purchase::Block10000, NOW),
            Ok(17_000)
        );
        assert_eq!(
            b.buy(&actor(Role::Manager), &FP, Purchase::Custom(3), NOW),
            Ok(17_003)
        );
        for role in [Role::StandardUser, Role::LimitedUser, Role::FinanceManager] {
            assert_eq!(
                b.buy(&actor(role), &FP, Purchase::Block1000, NOW),
                Err(BudgetError::PurchaseNotPermitted { role })
            );
        }
        let mut sub = actor(Role::Administrator);
        sub.subaccount = true;
        assert_eq!(
            b.buy(&sub, &FP, Purchase::Block1000, NOW),
            Err(BudgetError::SubaccountPurchase)
        );
        let admin = actor(Role::Administrator);
        assert_eq!(
            b.buy(&admin, &FP, Purchase::Custom(0), NOW),
            Err(BudgetError::ZeroPurchase)
        );
        assert_eq!(
            b.buy(&admin, &FP, Purchase::Custom(u64::MAX), NOW),
            Err(BudgetError::Overflow)
        );
        assert_eq!(
            b.buy(&admin, &OTHER, Purchase::Block1000, NOW),
            Err(BudgetError::FingerprintMismatch)
        );
        assert_eq!(
            b.buy(&admin, &FP, Purchase::Block1000, UnixTime(3_000))
                .unwrap_err()
                .code(),
            "budget_expired"
        );
        assert_eq!(b.total(), 17_003);
        assert_eq!(b.purchased(), 16_003);
    }

    #[test]
    fn revocation_nullifies_irreversibly() {
        let mut b = Budget::new(FP, VALIDITY, user("alice")).unwrap();
        let mut s = MemoryCounterStore::new();
        let r = b.reserve(&mut s, &user("alice"), &FP, NOW).unwrap();
        b.commit(&mut s, r).unwrap();
        assert_eq!(b.revoke(&OTHER), Err(BudgetError::FingerprintMismatch));
        b.revoke(&FP).unwrap();
        assert_eq!(b.total(), 0);
        assert_eq!(b.remaining(&s.usage(), NOW), 0);
        assert_eq!(b.level(&s.usage()), UsageLevel::Exhausted);
        assert_eq!(
            b.reserve(&mut s, &user("alice"), &FP, NOW).unwrap_err(),
            BudgetError::Revoked
        );
        assert_eq!(
            b.buy(&actor(Role::Administrator), &FP, Purchase::Block1000, NOW),
            Err(BudgetError::Revoked)
        );
        assert_eq!(b.revoke(&FP), Err(BudgetError::Revoked));
        assert!(b.is_revoked());
    }

    #[test]
    fn renewal_does_not_carry_over_and_signer_reassignment_needs_lead() {
        let mut b = Budget::new(FP, VALIDITY, user("alice")).unwrap();
        b.buy(&actor(Role::Administrator), &FP, Purchase::Block5000, NOW)
            .unwrap();
        let renewed = b
            .renew(
                OTHER,
                Validity {
                    not_before: UnixTime(2_000),
                    not_after: UnixTime(3_000),
                },
                DEFAULT_ALLOTMENT,
            )
            .unwrap();
        assert_eq!((renewed.total(), renewed.purchased()), (1_000, 0));
        assert_eq!(renewed.signer(), &user("alice"));
        let mut s = MemoryCounterStore::new();
        assert_eq!(
            renewed
                .reserve(&mut s, &user("alice"), &FP, UnixTime(2_500))
                .unwrap_err(),
            BudgetError::FingerprintMismatch
        );
        let mut lead = actor(Role::StandardUser);
        assert_eq!(
            b.assign_signer(&lead, &FP, user("bob")),
            Err(BudgetError::NotKeyLockerLead)
        );
        lead.keylocker_lead = true;
        b.assign_signer(&lead, &FP, user("bob")).unwrap();
        assert_eq!(b.signer(), &user("bob"));
        assert_eq!(
            b.reserve(&mut s, &user("alice"), &FP, NOW).unwrap_err(),
            BudgetError::NotAssignedSigner
        );
        let r = b.reserve(&mut s, &user("bob"), &FP, NOW).unwrap();
        b.abort(&mut s, r).unwrap();
        assert_eq!(s.usage().used(), 0);
    }

    #[test]
    fn levels() {
        assert_eq!(UsageLevel::of(0, 0), UsageLevel::Exhausted);
        assert_eq!(UsageLevel::of(79, 100), UsageLevel::Normal);
        assert_eq!(UsageLevel::of(80, 100), UsageLevel::Warn80);
        assert_eq!(UsageLevel::of(90, 100), UsageLevel::Warn90);
        assert_eq!(UsageLevel::of(u64::MAX - 1, u64::MAX), UsageLevel::Warn90);
        assert_eq!(UsageLevel::of(7, 7), UsageLevel::Exhausted);
    }
}
