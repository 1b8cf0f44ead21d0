//! Signer policies, signing requests with step approvals, and grants.

use signet_core::grant::{
    ApprovalOutcome, ApprovalStep, Grant, GrantError, GrantReservation, GrantStatus, RequestId,
    RequestParams, RequestStatus, SignerPolicy, SigningRequest,
};
use signet_core::time::UnixTime;

use crate::budget::user_id;
use crate::result::signet_result;
use crate::util::{
    FfiError, FfiResult, as_mut, as_ref, boundary, boundary_void, free_handle, into_handle, opt_text,
    out_ptr, take_handle, write,
};

/// A `(ptr, len)` UTF-8 string inside a struct.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct signet_str {
    /// The bytes (not NUL-terminated).
    pub ptr: *const u8,
    /// Their number.
    pub len: usize,
}

/// One approval step: eligible approvers and how many must approve.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct signet_approval_step {
    /// The approvers' user ids.
    pub approvers: *const signet_str,
    /// How many.
    pub approvers_len: usize,
    /// Approvals needed (1..=approvers_len).
    pub threshold: u8,
}

/// What a requester asks for; a NULL pointer means "the policy's ceiling"
/// (for `valid_from`: the request time).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct signet_request_params {
    /// Start of access (UNIX seconds), or NULL.
    pub valid_from: *const i64,
    /// End of access (exclusive), or NULL.
    pub valid_until: *const i64,
    /// Sign operations wanted, or NULL.
    pub allowed_ops: *const u32,
    /// Justification (UTF-8), or NULL.
    pub justification: *const u8,
    /// Length of `justification`.
    pub justification_len: usize,
}

/// Status of a signing request.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum signet_request_status {
    /// Pending approval.
    Open = 1,
    /// Approved; a grant was issued.
    Approved = 2,
    /// Rejected.
    Rejected = 3,
    /// Cancelled by the requester.
    Cancelled = 4,
    /// Its TTL passed while open.
    Expired = 5,
}

/// Whether a grant can be used.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum signet_grant_status {
    /// Its window has not started.
    NotYetActive = 1,
    /// Usable.
    Active = 2,
    /// Its window has ended.
    WindowEnded = 3,
    /// All its operations are used or pending.
    UsedUp = 4,
    /// Revoked.
    Revoked = 5,
}

/// What an approval did.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum signet_approval_kind {
    /// Counted; the step needs more approvals.
    Recorded = 1,
    /// The step is complete; the next is current.
    StepComplete = 2,
    /// The last step is complete: a grant was issued.
    Granted = 3,
}

/// The outcome of `signet_signing_request_approve`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct signet_approval {
    /// What happened.
    pub kind: signet_approval_kind,
    /// `RECORDED`: the step; `STEP_COMPLETE`: the new current step.
    pub step: u32,
    /// `RECORDED`: approvals so far in the step.
    pub approvals: u8,
    /// `RECORDED`: approvals needed.
    pub threshold: u8,
}

/// A signer's policy (opaque).
pub struct signet_signer_policy {
    policy: SignerPolicy,
}
/// A signing-access request (opaque).
pub struct signet_signing_request {
    request: SigningRequest,
}
/// A grant of signing access (opaque).
pub struct signet_grant {
    pub(crate) grant: Grant,
}
/// A reserved grant operation (opaque).
pub struct signet_grant_reservation {
    reservation: GrantReservation,
}

fn grant_err(e: GrantError) -> FfiError {
    FfiError::core(&e)
}

/// # Safety
/// `p` NULL or valid for reads.
unsafe fn opt<T: Copy>(p: *const T) -> Option<T> {
    // SAFETY: caller contract.
    unsafe { p.as_ref() }.copied()
}

/// A signer policy: at least one of `max_window_secs` / `max_signings`
/// (NULL for none), the request TTL, and 1-4 approval steps.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_USER_ID_*`, `SIGNET_RESULT_GRANT_*` (policy rules).
///
/// # Safety
/// `signer` `signer_len` bytes; `max_*` NULL or valid; `steps` `steps_len`
/// valid steps; `out_policy` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_signer_policy_new(
    signer: *const u8,
    signer_len: usize,
    max_window_secs: *const u64,
    max_signings: *const u32,
    max_request_ttl_secs: u64,
    steps: *const signet_approval_step,
    steps_len: usize,
    out_policy: *mut *mut signet_signer_policy,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_policy, "out_policy")?;
        // SAFETY: caller contract above.
        let signer = unsafe { user_id(signer, signer_len, "signer")? };
        if steps.is_null() && steps_len > 0 {
            return Err(FfiError::null("steps"));
        }
        let steps: &[signet_approval_step] = if steps_len == 0 {
            &[]
        } else {
            // SAFETY: non-NULL, caller contract (`steps_len` elements).
            unsafe { core::slice::from_raw_parts(steps, steps_len) }
        };
        let mut built = Vec::with_capacity(steps.len());
        for s in steps {
            if s.approvers.is_null() && s.approvers_len > 0 {
                return Err(FfiError::null("step.approvers"));
            }
            let list: &[signet_str] = if s.approvers_len == 0 {
                &[]
            } else {
                // SAFETY: non-NULL, caller contract.
                unsafe { core::slice::from_raw_parts(s.approvers, s.approvers_len) }
            };
            let ids = list
                .iter()
                // SAFETY: caller contract for each string.
                .map(|a| unsafe { user_id(a.ptr, a.len, "approver") })
                .collect::<FfiResult<Vec<_>>>()?;
            built.push(ApprovalStep::new(&ids, s.threshold).map_err(grant_err)?);
        }
        // SAFETY: caller contract above.
        let (window, signings) = unsafe { (opt(max_window_secs), opt(max_signings)) };
        let policy =
            SignerPolicy::new(signer, window, signings, max_request_ttl_secs, &built).map_err(grant_err)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, into_handle(signet_signer_policy { policy })) };
        Ok(())
    })
}

/// Frees a policy. NULL does nothing.
///
/// # Safety
/// NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_signer_policy_free(policy: *mut signet_signer_policy) {
    // SAFETY: caller contract above.
    boundary_void(|| unsafe { free_handle(policy) })
}

/// Opens request `id` by `requester` under `policy` at `now`; `params` may be NULL.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_USER_ID_*`, `SIGNET_RESULT_GRANT_INVALID_WINDOW`,
/// `_WINDOW_TOO_LONG`, `_ZERO_OPERATIONS`, `_OPERATIONS_ABOVE_CEILING`, `_TEXT_TOO_LONG`.
///
/// # Safety
/// `requester` `requester_len` bytes; `policy` live; `params` NULL or valid;
/// `out_request` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_signing_request_open(
    id: u64,
    requester: *const u8,
    requester_len: usize,
    policy: *const signet_signer_policy,
    params: *const signet_request_params,
    now: i64,
    out_request: *mut *mut signet_signing_request,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_request, "out_request")?;
        // SAFETY: caller contract above.
        let requester = unsafe { user_id(requester, requester_len, "requester")? };
        // SAFETY: caller contract above.
        let policy = unsafe { as_ref(policy, "policy")? };
        let mut p = RequestParams::default();
        // SAFETY: caller contract above.
        if let Some(c) = unsafe { params.as_ref() } {
            // SAFETY: caller contract (each pointer NULL or valid).
            unsafe {
                p.valid_from = opt(c.valid_from).map(UnixTime);
                p.valid_until = opt(c.valid_until).map(UnixTime);
                p.allowed_ops = opt(c.allowed_ops);
                p.justification = opt_text(c.justification, c.justification_len, "justification")?;
            }
        }
        let request = SigningRequest::open(RequestId(id), requester, &policy.policy, p, UnixTime(now))
            .map_err(grant_err)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, into_handle(signet_signing_request { request })) };
        Ok(())
    })
}

/// Frees a request. NULL does nothing.
///
/// # Safety
/// NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_signing_request_free(request: *mut signet_signing_request) {
    // SAFETY: caller contract above.
    boundary_void(|| unsafe { free_handle(request) })
}

/// The request's status at `now`.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `request` live; `out_status` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_signing_request_status(
    request: *const signet_signing_request,
    now: i64,
    out_status: *mut signet_request_status,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_status, "out_status")?;
        // SAFETY: caller contract above.
        let r = unsafe { as_ref(request, "request")? };
        let s = match r.request.status(UnixTime(now)) {
            RequestStatus::Open => signet_request_status::Open,
            RequestStatus::Approved => signet_request_status::Approved,
            RequestStatus::Rejected => signet_request_status::Rejected,
            RequestStatus::Cancelled => signet_request_status::Cancelled,
            RequestStatus::Expired => signet_request_status::Expired,
        };
        // SAFETY: checked non-NULL.
        unsafe { write(out, s) };
        Ok(())
    })
}

/// Approves the current step as `approver`. When the last step completes,
/// `out->kind` is `SIGNET_APPROVAL_KIND_GRANTED` and `*out_grant` gets the
/// new grant (written only then).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_USER_ID_*`, `SIGNET_RESULT_GRANT_REQUEST_NOT_OPEN`,
/// `_OWN_REQUEST`, `_NOT_ELIGIBLE`, `_ALREADY_APPROVED`.
///
/// # Safety
/// `request` live; `approver` `approver_len` bytes; `out`, `out_grant` valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_signing_request_approve(
    request: *mut signet_signing_request,
    approver: *const u8,
    approver_len: usize,
    now: i64,
    out: *mut signet_approval,
    out_grant: *mut *mut signet_grant,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out, "out")?;
        let out_grant = out_ptr(out_grant, "out_grant")?;
        // SAFETY: caller contract above.
        let r = unsafe { as_mut(request, "request")? };
        // SAFETY: caller contract above.
        let approver = unsafe { user_id(approver, approver_len, "approver")? };
        let outcome = r.request.approve(&approver, UnixTime(now)).map_err(grant_err)?;
        let step = |s: usize| u32::try_from(s).unwrap_or(u32::MAX);
        let a = match outcome {
            ApprovalOutcome::Recorded {
                step: s,
                approvals,
                threshold,
            } => signet_approval {
                kind: signet_approval_kind::Recorded,
                step: step(s),
                approvals,
                threshold,
            },
            ApprovalOutcome::StepComplete { next_step } => signet_approval {
                kind: signet_approval_kind::StepComplete,
                step: step(next_step),
                approvals: 0,
                threshold: 0,
            },
            ApprovalOutcome::Granted(grant) => {
                // SAFETY: checked non-NULL.
                unsafe { write(out_grant, into_handle(signet_grant { grant })) };
                signet_approval {
                    kind: signet_approval_kind::Granted,
                    step: 0,
                    approvals: 0,
                    threshold: 0,
                }
            }
        };
        // SAFETY: checked non-NULL.
        unsafe { write(out, a) };
        Ok(())
    })
}

/// Rejects the request as an eligible approver; `comment` may be NULL.
///
/// # Errors
/// As `signet_signing_request_approve`, plus `SIGNET_RESULT_GRANT_TEXT_TOO_LONG`.
///
/// # Safety
/// `request` live; strings valid for their lengths (comment NULL or valid).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_signing_request_reject(
    request: *mut signet_signing_request,
    approver: *const u8,
    approver_len: usize,
    comment: *const u8,
    comment_len: usize,
    now: i64,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract above.
        let r = unsafe { as_mut(request, "request")? };
        // SAFETY: caller contract above.
        let (approver, comment) = unsafe {
            (
                user_id(approver, approver_len, "approver")?,
                opt_text(comment, comment_len, "comment")?,
            )
        };
        r.request
            .reject(&approver, comment, UnixTime(now))
            .map_err(grant_err)
    })
}

/// Cancels the request as its requester.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_USER_ID_*`,
/// `SIGNET_RESULT_GRANT_REQUEST_NOT_OPEN`, `_NOT_REQUESTER`.
///
/// # Safety
/// `request` live; `requester` `requester_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_signing_request_cancel(
    request: *mut signet_signing_request,
    requester: *const u8,
    requester_len: usize,
    now: i64,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract above.
        let r = unsafe { as_mut(request, "request")? };
        // SAFETY: caller contract above.
        let requester = unsafe { user_id(requester, requester_len, "requester")? };
        r.request.cancel(&requester, UnixTime(now)).map_err(grant_err)
    })
}

/// Frees a grant. NULL does nothing.
///
/// # Safety
/// NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_grant_free(grant: *mut signet_grant) {
    // SAFETY: caller contract above.
    boundary_void(|| unsafe { free_handle(grant) })
}

/// The grant's status at `now`; `*out_used` (may be NULL) gets the
/// operations committed.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `grant` live; `out_status` valid; `out_used` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_grant_get_status(
    grant: *const signet_grant,
    now: i64,
    out_status: *mut signet_grant_status,
    out_used: *mut u32,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_status, "out_status")?;
        // SAFETY: caller contract above.
        let g = unsafe { as_ref(grant, "grant")? };
        let s = match g.grant.status(UnixTime(now)) {
            GrantStatus::NotYetActive => signet_grant_status::NotYetActive,
            GrantStatus::Active => signet_grant_status::Active,
            GrantStatus::WindowEnded => signet_grant_status::WindowEnded,
            GrantStatus::UsedUp => signet_grant_status::UsedUp,
            GrantStatus::Revoked => signet_grant_status::Revoked,
        };
        // SAFETY: checked non-NULL / optional.
        unsafe {
            write(out, s);
            if !out_used.is_null() {
                write(out_used, g.grant.used());
            }
        }
        Ok(())
    })
}

/// Revokes the grant (irreversible).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `grant` live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_grant_revoke(grant: *mut signet_grant) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract above.
        unsafe { as_mut(grant, "grant")? }.grant.revoke();
        Ok(())
    })
}

/// Reserves one sign operation for `grantee` on `signer` at `now`.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_USER_ID_*`,
/// `SIGNET_RESULT_GRANT_NOT_GRANTEE`, `_WRONG_SIGNER`, `_NOT_ACTIVE`.
///
/// # Safety
/// `grant` live; strings valid; `out_reservation` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_grant_reserve(
    grant: *mut signet_grant,
    grantee: *const u8,
    grantee_len: usize,
    signer: *const u8,
    signer_len: usize,
    now: i64,
    out_reservation: *mut *mut signet_grant_reservation,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_reservation, "out_reservation")?;
        // SAFETY: caller contract above.
        let g = unsafe { as_mut(grant, "grant")? };
        // SAFETY: caller contract above.
        let (grantee, signer) = unsafe {
            (
                user_id(grantee, grantee_len, "grantee")?,
                user_id(signer, signer_len, "signer")?,
            )
        };
        let reservation = g
            .grant
            .reserve(&grantee, &signer, UnixTime(now))
            .map_err(grant_err)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, into_handle(signet_grant_reservation { reservation })) };
        Ok(())
    })
}

/// Frees an unsettled reservation: the operation stays counted. NULL does nothing.
///
/// # Safety
/// NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_grant_reservation_free(reservation: *mut signet_grant_reservation) {
    // SAFETY: caller contract above.
    boundary_void(|| unsafe { free_handle(reservation) })
}

/// # Safety
/// As the exported settle functions.
unsafe fn settle(
    grant: *mut signet_grant,
    reservation: *mut signet_grant_reservation,
    commit: bool,
) -> FfiResult<u32> {
    if grant.is_null() {
        return Err(FfiError::null("grant"));
    }
    // SAFETY: caller contract (consumed).
    let r = unsafe { take_handle(reservation, "reservation")? };
    // SAFETY: checked non-NULL.
    let g = unsafe { as_mut(grant, "grant")? };
    if commit {
        g.grant.commit(r.reservation).map_err(grant_err)
    } else {
        g.grant
            .abort(r.reservation)
            .map_err(grant_err)
            .map(|()| g.grant.used())
    }
}

/// Commits a reserved operation; `*out_used` (may be NULL) gets the
/// operations used. Consumes `reservation` whenever `grant` and
/// `reservation` are non-NULL, whatever the result.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_GRANT_FOREIGN_RESERVATION`.
///
/// # Safety
/// `grant`, `reservation` live; `out_used` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_grant_commit(
    grant: *mut signet_grant,
    reservation: *mut signet_grant_reservation,
    out_used: *mut u32,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract above.
        let used = unsafe { settle(grant, reservation, true)? };
        if !out_used.is_null() {
            // SAFETY: non-NULL, caller contract.
            unsafe { write(out_used, used) };
        }
        Ok(())
    })
}

/// Gives a reserved operation back. Consumes `reservation` as
/// `signet_grant_commit` does.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_GRANT_FOREIGN_RESERVATION`.
///
/// # Safety
/// `grant`, `reservation` live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_grant_abort(
    grant: *mut signet_grant,
    reservation: *mut signet_grant_reservation,
) -> signet_result {
    // SAFETY: caller contract above.
    boundary(|| unsafe { settle(grant, reservation, false) }.map(|_| ()))
}
