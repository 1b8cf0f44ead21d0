//! Signing access: signer policies, requests with step-by-step approvals,
//! and the grants they issue.
//!
//! - A [`SignerPolicy`] caps the window ([`SignerPolicy::max_window_secs`])
//!   and/or the number of signings ([`SignerPolicy::max_signings`]) (at least
//!   one of the two), sets how long a request may stay open (its TTL), and
//!   lists ordered [`ApprovalStep`]s.
//! - A [`SigningRequest`] names the signer, the window, the allowed sign
//!   operations and a justification. A value above the policy's ceiling is
//!   refused; an omitted value means the ceiling.
//! - Status: [`RequestStatus::Open`], then `Approved`, `Rejected`,
//!   `Cancelled` or `Expired` (terminal). Expiry is evaluated lazily against
//!   the `now` passed in. Approvals go step by step, by eligible approvers of
//!   the current step only; nobody approves (or rejects) their own request;
//!   one person counts at most once per request, across all steps. A
//!   rejection ends the request; only the requester cancels. When the last
//!   step reaches its threshold, [`SigningRequest::approve`] returns the
//!   [`Grant`] (its [`GrantId`] equals the request id: one grant per request).
//! - A [`Grant`] is active from `valid_from` until its window ends, its
//!   operations are used up or it is revoked. Operations are consumed by
//!   reserve → sign → commit (abort gives one back); a pending reservation
//!   counts as used, so a refusal consumes nothing and a crash never
//!   over-spends.
//!
//! Illegal transitions are typed errors ([`GrantError::NotOpen`] carries the
//! status); reservations are consumed by value.

use core::fmt;

use crate::ErrorCode;
use crate::budget::UserId;
use crate::time::UnixTime;

/// Most approval steps in a policy.
pub const MAX_STEPS: usize = 4;
/// Most eligible approvers in one step.
pub const MAX_APPROVERS: usize = 8;
/// Longest justification or rejection comment, in bytes.
pub const TEXT_MAX: usize = 256;

/// Identifies a signing request (chosen by the caller, e.g. a sequence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

/// Identifies a grant; equal to the number of the request that issued it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GrantId(pub u64);

/// Errors of signer policies, signing requests and grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GrantError {
    /// A step names no approvers.
    NoApprovers,
    /// A step names more than [`MAX_APPROVERS`] approvers.
    TooManyApprovers {
        /// The bound.
        max: usize,
    },
    /// A step names the same approver twice.
    DuplicateApprover,
    /// A step's threshold is 0 or above its number of approvers.
    ThresholdOutOfRange {
        /// The threshold.
        threshold: u8,
        /// Eligible approvers in the step.
        eligible: usize,
    },
    /// A policy with neither a window nor a signing-count limit.
    NoLimit,
    /// A window or signing-count limit of zero.
    ZeroLimit,
    /// A request TTL of zero.
    ZeroTtl,
    /// A policy with no approval step.
    NoApprovalSteps,
    /// More than [`MAX_STEPS`] steps.
    TooManySteps {
        /// The bound.
        max: usize,
    },
    /// `valid_until` is not after `valid_from`.
    InvalidWindow,
    /// The window is longer than the policy allows.
    WindowTooLong {
        /// The ceiling, in seconds.
        max_secs: u64,
        /// The window asked for, in seconds.
        requested_secs: u64,
    },
    /// Zero sign operations asked for.
    ZeroOperations,
    /// More sign operations than the policy allows.
    OperationsAboveCeiling {
        /// The ceiling.
        max: u32,
        /// The number asked for.
        requested: u32,
    },
    /// Justification or comment longer than [`TEXT_MAX`] bytes.
    TextTooLong {
        /// The bound.
        max: usize,
    },
    /// The request is no longer open.
    NotOpen {
        /// Its status.
        status: RequestStatus,
    },
    /// Requesters cannot approve or reject their own request.
    OwnRequest,
    /// The user is not an eligible approver of the current step.
    NotEligible {
        /// The current step (0-based).
        step: usize,
    },
    /// The user has already approved this request.
    AlreadyApproved,
    /// Only the requester may cancel.
    NotRequester,
    /// Only the grantee may use the grant.
    NotGrantee,
    /// The grant is for another signer.
    WrongSigner,
    /// The grant cannot be used now.
    GrantNotActive {
        /// Its status.
        status: GrantStatus,
    },
    /// The reservation belongs to another grant or is not pending.
    ForeignReservation,
    /// An approval, rejection or cancellation dated before the request was
    /// opened.
    BeforeRequest {
        /// When the request was opened.
        created_at: UnixTime,
        /// The time of the action.
        at: UnixTime,
    },
}

impl ErrorCode for GrantError {
    fn code(&self) -> &'static str {
        match self {
            GrantError::NoApprovers => "grant_no_approvers",
            GrantError::TooManyApprovers { .. } => "grant_too_many_approvers",
            GrantError::DuplicateApprover => "grant_duplicate_approver",
            GrantError::ThresholdOutOfRange { .. } => "grant_threshold_out_of_range",
            GrantError::NoLimit => "grant_no_limit",
            GrantError::ZeroLimit => "grant_zero_limit",
            GrantError::ZeroTtl => "grant_zero_ttl",
            GrantError::NoApprovalSteps => "grant_no_approval_steps",
            GrantError::TooManySteps { .. } => "grant_too_many_steps",
            GrantError::InvalidWindow => "grant_invalid_window",
            GrantError::WindowTooLong { .. } => "grant_window_too_long",
            GrantError::ZeroOperations => "grant_zero_operations",
            GrantError::OperationsAboveCeiling { .. } => "grant_operations_above_ceiling",
            GrantError::TextTooLong { .. } => "grant_text_too_long",
            GrantError::NotOpen { .. } => "grant_request_not_open",
            GrantError::OwnRequest => "grant_own_request",
            GrantError::NotEligible { .. } => "grant_not_eligible",
            GrantError::AlreadyApproved => "grant_already_approved",
            GrantError::NotRequester => "grant_not_requester",
            GrantError::NotGrantee => "grant_not_grantee",
            GrantError::WrongSigner => "grant_wrong_signer",
            GrantError::GrantNotActive { .. } => "grant_not_active",
            GrantError::ForeignReservation => "grant_foreign_reservation",
            GrantError::BeforeRequest { .. } => "grant_before_request",
        }
    }
}

impl fmt::Display for GrantError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GrantError::NoApprovers => f.write_str("an approval step needs at least one approver"),
            GrantError::TooManyApprovers { max } => write!(f, "an approval step has at most {max} approvers"),
            GrantError::DuplicateApprover => f.write_str("an approval step names an approver twice"),
            GrantError::ThresholdOutOfRange { threshold, eligible } => write!(
                f,
                "approval threshold {threshold} must be between 1 and the {eligible} eligible approvers"
            ),
            GrantError::NoLimit => {
                f.write_str("a signer policy needs a maximum window, a maximum signing count, or both")
            }
            GrantError::ZeroLimit => f.write_str("policy limits must be positive"),
            GrantError::ZeroTtl => f.write_str("the request TTL must be positive"),
            GrantError::NoApprovalSteps => f.write_str("a signer policy needs at least one approval step"),
            GrantError::TooManySteps { max } => write!(f, "a signer policy has at most {max} approval steps"),
            GrantError::InvalidWindow => f.write_str("valid until must be after valid from"),
            GrantError::WindowTooLong {
                max_secs,
                requested_secs,
            } => write!(
                f,
                "requested window of {requested_secs} s exceeds the policy's {max_secs} s"
            ),
            GrantError::ZeroOperations => f.write_str("at least one sign operation must be requested"),
            GrantError::OperationsAboveCeiling { max, requested } => write!(
                f,
                "requested {requested} sign operations; the policy allows at most {max}"
            ),
            GrantError::TextTooLong { max } => write!(f, "text longer than {max} bytes"),
            GrantError::NotOpen { status } => write!(f, "the request is {}", status.name()),
            GrantError::OwnRequest => f.write_str("requesters cannot approve or reject their own request"),
            GrantError::NotEligible { step } => {
                write!(
                    f,
                    "not an eligible approver for approval step {}",
                    step.saturating_add(1)
                )
            }
            GrantError::AlreadyApproved => f.write_str("this approver has already approved the request"),
            GrantError::NotRequester => f.write_str("only the requester may cancel the request"),
            GrantError::NotGrantee => f.write_str("only the grantee may use this grant"),
            GrantError::WrongSigner => f.write_str("the grant is for another signer"),
            GrantError::GrantNotActive { status } => write!(f, "the grant is {}", status.name()),
            GrantError::ForeignReservation => f.write_str("the reservation does not belong to this grant"),
            GrantError::BeforeRequest { created_at, at } => write!(
                f,
                "the action is dated {} but the request was opened at {}",
                at.as_secs(),
                created_at.as_secs()
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for GrantError {}

/// One approval step: who may approve, and how many of them must.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalStep {
    approvers: heapless::Vec<UserId, MAX_APPROVERS>,
    threshold: u8,
}

impl ApprovalStep {
    /// A step with its eligible approvers and threshold.
    ///
    /// # Errors
    /// [`GrantError::NoApprovers`], [`GrantError::TooManyApprovers`],
    /// [`GrantError::DuplicateApprover`], [`GrantError::ThresholdOutOfRange`].
    pub fn new(approvers: &[UserId], threshold: u8) -> Result<Self, GrantError> {
        if approvers.is_empty() {
            return Err(GrantError::NoApprovers);
        }
        let mut list = heapless::Vec::new();
        for a in approvers {
            if list.contains(a) {
                return Err(GrantError::DuplicateApprover);
            }
            list.push(a.clone())
                .map_err(|_| GrantError::TooManyApprovers { max: MAX_APPROVERS })?;
        }
        if threshold == 0 || usize::from(threshold) > list.len() {
            return Err(GrantError::ThresholdOutOfRange {
                threshold,
                eligible: list.len(),
            });
        }
        Ok(ApprovalStep {
            approvers: list,
            threshold,
        })
    }

    /// The eligible approvers.
    pub fn approvers(&self) -> &[UserId] {
        &self.approvers
    }

    /// Approvals needed.
    pub fn threshold(&self) -> u8 {
        self.threshold
    }
}

/// A signer's policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerPolicy {
    signer: UserId,
    max_window_secs: Option<u64>,
    max_signings: Option<u32>,
    max_request_ttl_secs: u64,
    steps: heapless::Vec<ApprovalStep, MAX_STEPS>,
}

impl SignerPolicy {
    /// Builds a policy.
    ///
    /// # Errors
    /// [`GrantError::NoLimit`] when both limits are omitted,
    /// [`GrantError::ZeroLimit`], [`GrantError::ZeroTtl`],
    /// [`GrantError::NoApprovalSteps`], [`GrantError::TooManySteps`].
    pub fn new(
        signer: UserId,
        max_window_secs: Option<u64>,
        max_signings: Option<u32>,
        max_request_ttl_secs: u64,
        steps: &[ApprovalStep],
    ) -> Result<Self, GrantError> {
        if max_window_secs.is_none() && max_signings.is_none() {
            return Err(GrantError::NoLimit);
        }
        if max_window_secs == Some(0) || max_signings == Some(0) {
            return Err(GrantError::ZeroLimit);
        }
        if max_request_ttl_secs == 0 {
            return Err(GrantError::ZeroTtl);
        }
        if steps.is_empty() {
            return Err(GrantError::NoApprovalSteps);
        }
        let steps =
            heapless::Vec::from_slice(steps).map_err(|_| GrantError::TooManySteps { max: MAX_STEPS })?;
        Ok(SignerPolicy {
            signer,
            max_window_secs,
            max_signings,
            max_request_ttl_secs,
            steps,
        })
    }

    /// The signer this policy governs.
    pub fn signer(&self) -> &UserId {
        &self.signer
    }

    /// Longest window a grant may have, in seconds.
    pub fn max_window_secs(&self) -> Option<u64> {
        self.max_window_secs
    }

    /// Most sign operations a grant may allow.
    pub fn max_signings(&self) -> Option<u32> {
        self.max_signings
    }

    /// How long a request may stay open, in seconds.
    pub fn max_request_ttl_secs(&self) -> u64 {
        self.max_request_ttl_secs
    }

    /// The ordered approval steps.
    pub fn steps(&self) -> &[ApprovalStep] {
        &self.steps
    }
}

/// What a requester asks for. `None` means "the policy's ceiling" (for the
/// window start: the request time).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestParams<'a> {
    /// Start of signing access.
    pub valid_from: Option<UnixTime>,
    /// End of signing access (exclusive).
    pub valid_until: Option<UnixTime>,
    /// Sign operations wanted.
    pub allowed_ops: Option<u32>,
    /// Why (e.g. "Release v2.4.0 signing").
    pub justification: Option<&'a str>,
}

/// Status of a signing request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStatus {
    /// Pending approval.
    Open,
    /// All steps approved; a grant was issued.
    Approved,
    /// Rejected by an approver.
    Rejected,
    /// Cancelled by the requester.
    Cancelled,
    /// Its TTL passed while open.
    Expired,
}

impl RequestStatus {
    /// Stable lower-case name.
    pub const fn name(self) -> &'static str {
        match self {
            RequestStatus::Open => "open",
            RequestStatus::Approved => "approved",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Cancelled => "cancelled",
            RequestStatus::Expired => "expired",
        }
    }

    /// True for every status but `Open`.
    pub const fn is_terminal(self) -> bool {
        !matches!(self, RequestStatus::Open)
    }
}

/// What an approval did.
// The grant is returned by value exactly once; core has no heap to box it in.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalOutcome {
    /// Counted; the current step needs more approvals.
    Recorded {
        /// The step (0-based).
        step: usize,
        /// Approvals so far in this step.
        approvals: u8,
        /// Approvals needed.
        threshold: u8,
    },
    /// The step is complete; the next one is now current.
    StepComplete {
        /// The new current step (0-based).
        next_step: usize,
    },
    /// The last step is complete: the request is approved and this grant issued.
    Granted(Grant),
}

// Sizes differ (a rejection keeps its comment inline); core has no heap.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Open,
    Approved,
    Rejected {
        by: UserId,
        comment: Option<heapless::String<TEXT_MAX>>,
    },
    Cancelled,
    Expired,
}

/// A request for signing access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningRequest {
    id: RequestId,
    requester: UserId,
    policy: SignerPolicy,
    created_at: UnixTime,
    expires_at: UnixTime,
    valid_from: UnixTime,
    valid_until: Option<UnixTime>,
    allowed_ops: Option<u32>,
    justification: heapless::String<TEXT_MAX>,
    step: usize,
    approvals: heapless::Vec<(usize, UserId), { MAX_STEPS * MAX_APPROVERS }>,
    state: State,
}

fn text(s: &str) -> Result<heapless::String<TEXT_MAX>, GrantError> {
    let mut out = heapless::String::new();
    out.push_str(s)
        .map_err(|_| GrantError::TextTooLong { max: TEXT_MAX })?;
    Ok(out)
}

impl SigningRequest {
    /// Opens a request under `policy` (a snapshot of it is kept, so later
    /// policy changes do not affect an open request).
    ///
    /// # Errors
    /// [`GrantError::InvalidWindow`], [`GrantError::WindowTooLong`],
    /// [`GrantError::ZeroOperations`], [`GrantError::OperationsAboveCeiling`],
    /// [`GrantError::TextTooLong`].
    pub fn open(
        id: RequestId,
        requester: UserId,
        policy: &SignerPolicy,
        params: RequestParams<'_>,
        now: UnixTime,
    ) -> Result<Self, GrantError> {
        let valid_from = params.valid_from.unwrap_or(now);
        let valid_until = match (params.valid_until, policy.max_window_secs) {
            (Some(until), _) if until <= valid_from => return Err(GrantError::InvalidWindow),
            (Some(until), Some(max)) => {
                let requested = until.as_secs().abs_diff(valid_from.as_secs());
                if requested > max {
                    return Err(GrantError::WindowTooLong {
                        max_secs: max,
                        requested_secs: requested,
                    });
                }
                Some(until)
            }
            (Some(until), None) => Some(until),
            (None, Some(max)) => Some(valid_from.saturating_add(i64::try_from(max).unwrap_or(i64::MAX))),
            (None, None) => None,
        };
        let allowed_ops = match (params.allowed_ops, policy.max_signings) {
            (Some(0), _) => return Err(GrantError::ZeroOperations),
            (Some(n), Some(max)) if n > max => {
                return Err(GrantError::OperationsAboveCeiling { max, requested: n });
            }
            (Some(n), _) => Some(n),
            (None, max) => max,
        };
        let justification = text(params.justification.unwrap_or(""))?;
        let ttl = i64::try_from(policy.max_request_ttl_secs).unwrap_or(i64::MAX);
        Ok(SigningRequest {
            id,
            requester,
            policy: policy.clone(),
            created_at: now,
            expires_at: now.saturating_add(ttl),
            valid_from,
            valid_until,
            allowed_ops,
            justification,
            step: 0,
            approvals: heapless::Vec::new(),
            state: State::Open,
        })
    }

    /// The request id.
    pub fn id(&self) -> RequestId {
        self.id
    }
    /// Who asked.
    pub fn requester(&self) -> &UserId {
        &self.requester
    }
    /// The policy snapshot (its signer is the request's signer).
    pub fn policy(&self) -> &SignerPolicy {
        &self.policy
    }
    /// When the request was opened.
    pub fn created_at(&self) -> UnixTime {
        self.created_at
    }
    /// When an open request expires.
    pub fn expires_at(&self) -> UnixTime {
        self.expires_at
    }
    /// Start of the requested window.
    pub fn valid_from(&self) -> UnixTime {
        self.valid_from
    }
    /// End of the requested window (`None`: bounded by operations only).
    pub fn valid_until(&self) -> Option<UnixTime> {
        self.valid_until
    }
    /// Sign operations requested (`None`: bounded by the window only).
    pub fn allowed_ops(&self) -> Option<u32> {
        self.allowed_ops
    }
    /// The justification (may be empty).
    pub fn justification(&self) -> &str {
        &self.justification
    }
    /// The current approval step (0-based; equals the number of steps once approved).
    pub fn current_step(&self) -> usize {
        self.step
    }
    /// Approvals so far, as (step, approver).
    pub fn approvals(&self) -> &[(usize, UserId)] {
        &self.approvals
    }
    /// Who rejected, and their comment.
    pub fn rejection(&self) -> Option<(&UserId, Option<&str>)> {
        match &self.state {
            State::Rejected { by, comment } => Some((by, comment.as_deref())),
            _ => None,
        }
    }

    /// The status at `now` (an open request past its TTL is `Expired`).
    pub fn status(&self, now: UnixTime) -> RequestStatus {
        match self.state {
            State::Open if now >= self.expires_at => RequestStatus::Expired,
            State::Open => RequestStatus::Open,
            State::Approved => RequestStatus::Approved,
            State::Rejected { .. } => RequestStatus::Rejected,
            State::Cancelled => RequestStatus::Cancelled,
            State::Expired => RequestStatus::Expired,
        }
    }

    /// Records expiry, then requires the request to be open.
    fn require_open(&mut self, now: UnixTime) -> Result<(), GrantError> {
        // An action cannot predate the request it acts on (a replayed or
        // forged event log, or a clock set back).
        if now < self.created_at {
            return Err(GrantError::BeforeRequest {
                created_at: self.created_at,
                at: now,
            });
        }
        let status = self.status(now);
        if status == RequestStatus::Expired {
            self.state = State::Expired;
        }
        if status != RequestStatus::Open {
            return Err(GrantError::NotOpen { status });
        }
        Ok(())
    }

    fn require_current_approver(&self, user: &UserId) -> Result<(), GrantError> {
        if *user == self.requester {
            return Err(GrantError::OwnRequest);
        }
        let eligible = self
            .policy
            .steps
            .get(self.step)
            .is_some_and(|s| s.approvers.contains(user));
        if !eligible {
            return Err(GrantError::NotEligible { step: self.step });
        }
        Ok(())
    }

    /// Approves the current step as `approver`.
    ///
    /// # Errors
    /// [`GrantError::NotOpen`], [`GrantError::OwnRequest`],
    /// [`GrantError::NotEligible`], [`GrantError::AlreadyApproved`]. Nothing
    /// changes on error (except that expiry is recorded).
    pub fn approve(&mut self, approver: &UserId, now: UnixTime) -> Result<ApprovalOutcome, GrantError> {
        self.require_open(now)?;
        self.require_current_approver(approver)?;
        if self.approvals.iter().any(|(_, a)| a == approver) {
            return Err(GrantError::AlreadyApproved);
        }
        let threshold = self.policy.steps.get(self.step).map_or(u8::MAX, |s| s.threshold);
        self.approvals
            .push((self.step, approver.clone()))
            .map_err(|_| GrantError::AlreadyApproved)?;
        let count = self.approvals.iter().filter(|(s, _)| *s == self.step).count();
        let count = u8::try_from(count).unwrap_or(u8::MAX);
        if count < threshold {
            return Ok(ApprovalOutcome::Recorded {
                step: self.step,
                approvals: count,
                threshold,
            });
        }
        self.step = self.step.saturating_add(1);
        if self.step < self.policy.steps.len() {
            return Ok(ApprovalOutcome::StepComplete { next_step: self.step });
        }
        self.state = State::Approved;
        Ok(ApprovalOutcome::Granted(Grant {
            instance: crate::counter::next_instance(),
            id: GrantId(self.id.0),
            request: self.id,
            signer: self.policy.signer.clone(),
            grantee: self.requester.clone(),
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            allowed_ops: self.allowed_ops,
            used: 0,
            pending: 0,
            revoked: false,
        }))
    }

    /// Rejects the request as an eligible approver of the current step.
    ///
    /// # Errors
    /// [`GrantError::NotOpen`], [`GrantError::OwnRequest`],
    /// [`GrantError::NotEligible`], [`GrantError::TextTooLong`].
    pub fn reject(
        &mut self,
        approver: &UserId,
        comment: Option<&str>,
        now: UnixTime,
    ) -> Result<(), GrantError> {
        self.require_open(now)?;
        self.require_current_approver(approver)?;
        let comment = comment.map(text).transpose()?;
        self.state = State::Rejected {
            by: approver.clone(),
            comment,
        };
        Ok(())
    }

    /// Cancels the request as its requester.
    ///
    /// # Errors
    /// [`GrantError::NotOpen`], [`GrantError::NotRequester`].
    pub fn cancel(&mut self, requester: &UserId, now: UnixTime) -> Result<(), GrantError> {
        self.require_open(now)?;
        if *requester != self.requester {
            return Err(GrantError::NotRequester);
        }
        self.state = State::Cancelled;
        Ok(())
    }
}

/// Whether a grant can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantStatus {
    /// Its window has not started.
    NotYetActive,
    /// Usable.
    Active,
    /// Its window has ended.
    WindowEnded,
    /// All its operations are used (or pending).
    UsedUp,
    /// Revoked.
    Revoked,
}

impl GrantStatus {
    /// Stable lower-case name.
    pub const fn name(self) -> &'static str {
        match self {
            GrantStatus::NotYetActive => "not_yet_active",
            GrantStatus::Active => "active",
            GrantStatus::WindowEnded => "window_ended",
            GrantStatus::UsedUp => "used_up",
            GrantStatus::Revoked => "revoked",
        }
    }
}

/// Signing access issued by an approved request.
///
/// Equality compares the grant's fields, not the instance that issues
/// reservations.
#[derive(Debug, Clone)]
pub struct Grant {
    // Which in-memory grant issued a reservation: two grants restored with
    // the same id must not settle each other's reservations.
    instance: u32,
    id: GrantId,
    request: RequestId,
    signer: UserId,
    grantee: UserId,
    valid_from: UnixTime,
    valid_until: Option<UnixTime>,
    allowed_ops: Option<u32>,
    used: u32,
    pending: u32,
    revoked: bool,
}

/// The saved fields of a [`Grant`], for [`Grant::restore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedGrant {
    /// The grant id (equal to its request id).
    pub id: GrantId,
    /// The signer it gives access to.
    pub signer: UserId,
    /// Who may use it.
    pub grantee: UserId,
    /// Start of the window.
    pub valid_from: UnixTime,
    /// End of the window (exclusive), if any.
    pub valid_until: Option<UnixTime>,
    /// Operations allowed, if bounded.
    pub allowed_ops: Option<u32>,
    /// Operations consumed (committed plus pending at save time).
    pub used: u32,
    /// Whether it was revoked.
    pub revoked: bool,
}

impl PartialEq for Grant {
    fn eq(&self, other: &Self) -> bool {
        (
            self.id,
            self.request,
            &self.signer,
            &self.grantee,
            self.valid_from,
            self.valid_until,
            self.allowed_ops,
            self.used,
            self.pending,
            self.revoked,
        ) == (
            other.id,
            other.request,
            &other.signer,
            &other.grantee,
            other.valid_from,
            other.valid_until,
            other.allowed_ops,
            other.used,
            other.pending,
            other.revoked,
        )
    }
}

impl Eq for Grant {}

/// One reserved sign operation of a grant.
#[must_use = "commit the operation after signing, or abort it"]
#[derive(Debug, PartialEq, Eq)]
pub struct GrantReservation {
    instance: u32,
    grant: GrantId,
}

impl Grant {
    /// Restores a saved grant. Operations that were pending when it was
    /// saved must be counted as used (fail closed): save
    /// [`Grant::consumed`] and pass it back as `used`.
    pub fn restore(saved: SavedGrant) -> Self {
        Grant {
            instance: crate::counter::next_instance(),
            id: saved.id,
            request: RequestId(saved.id.0),
            signer: saved.signer,
            grantee: saved.grantee,
            valid_from: saved.valid_from,
            valid_until: saved.valid_until,
            allowed_ops: saved.allowed_ops,
            used: saved.used,
            pending: 0,
            revoked: saved.revoked,
        }
    }

    /// The grant id.
    pub fn id(&self) -> GrantId {
        self.id
    }
    /// The request that issued it.
    pub fn request(&self) -> RequestId {
        self.request
    }
    /// The signer it gives access to.
    pub fn signer(&self) -> &UserId {
        &self.signer
    }
    /// Who may use it (the requester).
    pub fn grantee(&self) -> &UserId {
        &self.grantee
    }
    /// Start of the window.
    pub fn valid_from(&self) -> UnixTime {
        self.valid_from
    }
    /// End of the window (exclusive), if any.
    pub fn valid_until(&self) -> Option<UnixTime> {
        self.valid_until
    }
    /// Operations allowed, if bounded.
    pub fn allowed_ops(&self) -> Option<u32> {
        self.allowed_ops
    }
    /// Operations committed.
    pub fn used(&self) -> u32 {
        self.used
    }
    /// Operations reserved, not yet committed or aborted.
    pub fn pending(&self) -> u32 {
        self.pending
    }
    /// Operations counted: committed plus pending (what to save).
    pub fn consumed(&self) -> u32 {
        self.used.saturating_add(self.pending)
    }
    /// Whether it was revoked.
    pub fn is_revoked(&self) -> bool {
        self.revoked
    }

    /// The status at `now`.
    pub fn status(&self, now: UnixTime) -> GrantStatus {
        if self.revoked {
            GrantStatus::Revoked
        } else if now < self.valid_from {
            GrantStatus::NotYetActive
        } else if self.valid_until.is_some_and(|until| now >= until) {
            GrantStatus::WindowEnded
        } else if self.allowed_ops.is_some_and(|max| self.consumed() >= max) {
            GrantStatus::UsedUp
        } else {
            GrantStatus::Active
        }
    }

    /// Revokes the grant; irreversible.
    pub fn revoke(&mut self) {
        self.revoked = true;
    }

    /// Reserves one sign operation for `grantee` on `signer`.
    ///
    /// # Errors
    /// [`GrantError::NotGrantee`], [`GrantError::WrongSigner`],
    /// [`GrantError::GrantNotActive`]. A refusal consumes nothing.
    pub fn reserve(
        &mut self,
        grantee: &UserId,
        signer: &UserId,
        now: UnixTime,
    ) -> Result<GrantReservation, GrantError> {
        if *grantee != self.grantee {
            return Err(GrantError::NotGrantee);
        }
        if *signer != self.signer {
            return Err(GrantError::WrongSigner);
        }
        let status = self.status(now);
        if status != GrantStatus::Active {
            return Err(GrantError::GrantNotActive { status });
        }
        self.pending = self.pending.saturating_add(1);
        Ok(GrantReservation {
            instance: self.instance,
            grant: self.id,
        })
    }

    fn settle(&mut self, reservation: &GrantReservation) -> Result<(), GrantError> {
        if reservation.instance != self.instance || reservation.grant != self.id || self.pending == 0 {
            return Err(GrantError::ForeignReservation);
        }
        self.pending = self.pending.saturating_sub(1);
        Ok(())
    }

    /// Commits a reserved operation; returns the operations used.
    ///
    /// # Errors
    /// [`GrantError::ForeignReservation`].
    pub fn commit(&mut self, reservation: GrantReservation) -> Result<u32, GrantError> {
        self.settle(&reservation)?;
        self.used = self.used.saturating_add(1);
        Ok(self.used)
    }

    /// Gives a reserved operation back.
    ///
    /// # Errors
    /// [`GrantError::ForeignReservation`].
    pub fn abort(&mut self, reservation: GrantReservation) -> Result<(), GrantError> {
        self.settle(&reservation)
    }
}

#[cfg(test)]
mod tests;
