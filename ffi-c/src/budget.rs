//! Signature budgets bound to a certificate fingerprint.

use signet_core::budget::{
    Actor, Budget, BudgetReservation, CertFingerprint, Purchase, Role, UsageLevel, UserId, Validity,
};
use signet_core::time::UnixTime;

use crate::counter::signet_counter_store;
use crate::result::signet_result;
use crate::util::{
    FfiError, FfiResult, as_mut, as_ref, boundary, boundary_void, bytes, free_handle, into_handle, out_ptr,
    take_handle, text, write,
};

/// A CertCentral account role.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum signet_role {
    /// May buy signatures.
    Administrator = 1,
    /// May buy signatures.
    Manager = 2,
    /// Must ask an administrator or manager.
    StandardUser = 3,
    /// Must ask an administrator or manager.
    LimitedUser = 4,
    /// Must ask an administrator or manager.
    FinanceManager = 5,
}

/// How much of a budget is used.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum signet_usage_level {
    /// No level (used in `signet_use_report.crossed` when none was crossed).
    None = 0,
    /// Below 80 %.
    Normal = 1,
    /// 80 % or more.
    Warn80 = 2,
    /// 90 % or more.
    Warn90 = 3,
    /// Nothing left.
    Exhausted = 4,
}

pub(crate) fn level(l: UsageLevel) -> signet_usage_level {
    match l {
        UsageLevel::Normal => signet_usage_level::Normal,
        UsageLevel::Warn80 => signet_usage_level::Warn80,
        UsageLevel::Warn90 => signet_usage_level::Warn90,
        UsageLevel::Exhausted => signet_usage_level::Exhausted,
    }
}

/// Who is acting. `role` is a `signet_role` value.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct signet_actor {
    /// User id, UTF-8, 1-64 bytes.
    pub id: *const u8,
    /// Length of `id`.
    pub id_len: usize,
    /// A `signet_role` value.
    pub role: u32,
    /// Acting from a subaccount (no purchases).
    pub subaccount: bool,
    /// A KeyLocker lead (may reassign the signer).
    pub keylocker_lead: bool,
}

/// A budget's numbers.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct signet_budget_info {
    /// Signatures included with the certificate.
    pub allotment: u64,
    /// Signatures bought.
    pub purchased: u64,
    /// Signatures available in total (0 once revoked).
    pub total: u64,
    /// Whether the certificate is revoked.
    pub revoked: bool,
}

/// What one use did to the budget.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct signet_use_report {
    /// The signature's serial (counter index).
    pub index: u64,
    /// Signatures counted as used, this one included.
    pub used: u64,
    /// Signatures left.
    pub remaining: u64,
    /// The level after this use.
    pub level: signet_usage_level,
    /// The level this use crossed into, or `SIGNET_USAGE_LEVEL_NONE`.
    pub crossed: signet_usage_level,
}

/// A certificate's signature budget (opaque).
pub struct signet_budget {
    pub(crate) budget: Budget,
}

/// A reserved budget signature (opaque). Settle with `signet_budget_commit`
/// or `_abort`; freeing it unsettled leaves it counted as used.
pub struct signet_budget_reservation {
    reservation: BudgetReservation,
}

/// # Safety
/// `ptr`/`len` as `util::text`.
pub(crate) unsafe fn user_id(ptr: *const u8, len: usize, what: &str) -> FfiResult<UserId> {
    // SAFETY: forwarded caller contract.
    UserId::new(unsafe { text(ptr, len, what)? }).map_err(|e| FfiError::core(&e))
}

/// # Safety
/// `ptr` NULL or 32 readable bytes.
unsafe fn fingerprint(ptr: *const u8) -> FfiResult<CertFingerprint> {
    // SAFETY: forwarded caller contract (32 bytes).
    let b = unsafe { bytes(ptr, 32, "fingerprint")? };
    let mut fp = [0u8; 32];
    fp.copy_from_slice(b);
    Ok(CertFingerprint(fp))
}

/// # Safety
/// `actor` NULL or valid, with a valid `id`.
unsafe fn actor(actor: *const signet_actor) -> FfiResult<Actor> {
    // SAFETY: forwarded caller contract.
    let a = unsafe { as_ref(actor, "actor")? };
    let role = match a.role {
        1 => Role::Administrator,
        2 => Role::Manager,
        3 => Role::StandardUser,
        4 => Role::LimitedUser,
        5 => Role::FinanceManager,
        other => return Err(FfiError::invalid(format!("role {other} is not a signet_role"))),
    };
    Ok(Actor {
        // SAFETY: forwarded caller contract.
        id: unsafe { user_id(a.id, a.id_len, "actor->id")? },
        role,
        subaccount: a.subaccount,
        keylocker_lead: a.keylocker_lead,
    })
}

fn budget_err(e: signet_core::budget::BudgetError) -> FfiError {
    FfiError::core(&e)
}

/// A budget for the certificate with SHA-256 `fingerprint` (32 bytes), valid
/// from `not_before` to `not_after` (UNIX seconds, inclusive), with the one
/// assigned `signer` and `allotment` signatures (1000 per purchase or renewal).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_USER_ID_*`, `SIGNET_RESULT_BUDGET_INVALID_VALIDITY`.
///
/// # Safety
/// `fingerprint` must point to 32 bytes, `signer` to `signer_len` bytes;
/// `out_budget` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_budget_new(
    fingerprint_: *const u8,
    not_before: i64,
    not_after: i64,
    signer: *const u8,
    signer_len: usize,
    allotment: u64,
    out_budget: *mut *mut signet_budget,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_budget, "out_budget")?;
        // SAFETY: caller contract above.
        let fp = unsafe { fingerprint(fingerprint_)? };
        // SAFETY: caller contract above.
        let signer = unsafe { user_id(signer, signer_len, "signer")? };
        let validity = Validity {
            not_before: UnixTime(not_before),
            not_after: UnixTime(not_after),
        };
        let budget = Budget::with_allotment(fp, validity, signer, allotment).map_err(budget_err)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, into_handle(signet_budget { budget })) };
        Ok(())
    })
}

/// Frees a budget. NULL does nothing.
///
/// # Safety
/// `budget` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_budget_free(budget: *mut signet_budget) {
    // SAFETY: caller contract above.
    boundary_void(|| unsafe { free_handle(budget) })
}

/// The budget's numbers.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `budget` must be live; `out_info` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_budget_get_info(
    budget: *const signet_budget,
    out_info: *mut signet_budget_info,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_info, "out_info")?;
        // SAFETY: caller contract above.
        let b = unsafe { as_ref(budget, "budget")? };
        let info = signet_budget_info {
            allotment: b.budget.allotment(),
            purchased: b.budget.purchased(),
            total: b.budget.total(),
            revoked: b.budget.is_revoked(),
        };
        // SAFETY: checked non-NULL.
        unsafe { write(out, info) };
        Ok(())
    })
}

/// Signatures left at `now` with the usage in `store` (0 outside validity or revoked).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `budget` and `store` must be live; `out_remaining` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_budget_remaining(
    budget: *const signet_budget,
    store: *mut signet_counter_store,
    now: i64,
    out_remaining: *mut u64,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_remaining, "out_remaining")?;
        // SAFETY: caller contract above.
        let b = unsafe { as_ref(budget, "budget")? };
        // SAFETY: caller contract above.
        let s = unsafe { as_mut(store, "store")? };
        let usage = s.counter().usage();
        // SAFETY: checked non-NULL.
        unsafe { write(out, b.budget.remaining(&usage, UnixTime(now))) };
        Ok(())
    })
}

/// Buys `count` more signatures as `actor` (administrators and managers,
/// not from a subaccount); `*out_total` gets the new total.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_ARGUMENT` (role),
/// `SIGNET_RESULT_BUDGET_FINGERPRINT_MISMATCH`, `_REVOKED`, `_NOT_YET_VALID`,
/// `_EXPIRED`, `_SUBACCOUNT_PURCHASE`, `_PURCHASE_NOT_PERMITTED`,
/// `_ZERO_PURCHASE`, `_OVERFLOW`.
///
/// # Safety
/// `budget` live; `actor` valid; `fingerprint` 32 bytes; `out_total` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_budget_buy(
    budget: *mut signet_budget,
    actor_: *const signet_actor,
    fingerprint_: *const u8,
    count: u64,
    now: i64,
    out_total: *mut u64,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_total, "out_total")?;
        // SAFETY: caller contract above.
        let b = unsafe { as_mut(budget, "budget")? };
        // SAFETY: caller contract above.
        let (a, fp) = unsafe { (actor(actor_)?, fingerprint(fingerprint_)?) };
        let total = b
            .budget
            .buy(&a, &fp, Purchase::Custom(count), UnixTime(now))
            .map_err(budget_err)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, total) };
        Ok(())
    })
}

/// Revokes the certificate: its signatures are nullified (irreversible).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_BUDGET_FINGERPRINT_MISMATCH`,
/// `SIGNET_RESULT_BUDGET_REVOKED`.
///
/// # Safety
/// `budget` live; `fingerprint` 32 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_budget_revoke(
    budget: *mut signet_budget,
    fingerprint_: *const u8,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract above.
        let b = unsafe { as_mut(budget, "budget")? };
        // SAFETY: caller contract above.
        let fp = unsafe { fingerprint(fingerprint_)? };
        b.budget.revoke(&fp).map_err(budget_err)
    })
}

/// Reassigns the signer (KeyLocker leads only).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_USER_ID_*`, `SIGNET_RESULT_BUDGET_FINGERPRINT_MISMATCH`,
/// `_REVOKED`, `SIGNET_RESULT_BUDGET_NOT_KEYLOCKER_LEAD`.
///
/// # Safety
/// `budget` live; `actor` valid; `fingerprint` 32 bytes; `signer` `signer_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_budget_assign_signer(
    budget: *mut signet_budget,
    actor_: *const signet_actor,
    fingerprint_: *const u8,
    signer: *const u8,
    signer_len: usize,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract above.
        let b = unsafe { as_mut(budget, "budget")? };
        // SAFETY: caller contract above.
        let (a, fp, s) = unsafe {
            (
                actor(actor_)?,
                fingerprint(fingerprint_)?,
                user_id(signer, signer_len, "signer")?,
            )
        };
        b.budget.assign_signer(&a, &fp, s).map_err(budget_err)
    })
}

/// Reserves one signature for `signer` at `now` (durable in `store` before
/// it returns). Sign, then commit; abort if signing was refused.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_USER_ID_*`, `SIGNET_RESULT_BUDGET_FINGERPRINT_MISMATCH`,
/// `_REVOKED`, `_NOT_YET_VALID`, `_EXPIRED`, `_NOT_ASSIGNED_SIGNER`,
/// `_EXHAUSTED`; counter errors (`SIGNET_RESULT_COUNTER_*`).
///
/// # Safety
/// `budget`, `store` live; `signer` `signer_len` bytes; `fingerprint` 32 bytes;
/// `out_reservation` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_budget_reserve(
    budget: *const signet_budget,
    store: *mut signet_counter_store,
    signer: *const u8,
    signer_len: usize,
    fingerprint_: *const u8,
    now: i64,
    out_reservation: *mut *mut signet_budget_reservation,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_reservation, "out_reservation")?;
        // SAFETY: caller contract above.
        let b = unsafe { as_ref(budget, "budget")? };
        // SAFETY: caller contract above.
        let s = unsafe { as_mut(store, "store")? };
        // SAFETY: caller contract above.
        let (signer, fp) = unsafe { (user_id(signer, signer_len, "signer")?, fingerprint(fingerprint_)?) };
        let reservation = b
            .budget
            .reserve(&mut s.counter(), &signer, &fp, UnixTime(now))
            .map_err(budget_err)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, into_handle(signet_budget_reservation { reservation })) };
        Ok(())
    })
}

/// The reservation's index (the signature's serial).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `reservation` live; `out_index` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_budget_reservation_index(
    reservation: *const signet_budget_reservation,
    out_index: *mut u64,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_index, "out_index")?;
        // SAFETY: caller contract above.
        let r = unsafe { as_ref(reservation, "reservation")? };
        // SAFETY: checked non-NULL.
        unsafe { write(out, r.reservation.index()) };
        Ok(())
    })
}

/// Frees an unsettled reservation: it stays counted as used. NULL does nothing.
///
/// # Safety
/// `reservation` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_budget_reservation_free(reservation: *mut signet_budget_reservation) {
    // SAFETY: caller contract above.
    boundary_void(|| unsafe { free_handle(reservation) })
}

/// Records that the reserved signature was produced. Consumes `reservation`
/// whenever `budget`, `store` and `reservation` are non-NULL, whatever the
/// result. `out_report` may be NULL.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER` (nothing consumed); counter errors.
///
/// # Safety
/// `budget`, `store`, `reservation` live; `out_report` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_budget_commit(
    budget: *const signet_budget,
    store: *mut signet_counter_store,
    reservation: *mut signet_budget_reservation,
    out_report: *mut signet_use_report,
) -> signet_result {
    boundary(|| {
        if budget.is_null() || store.is_null() {
            return Err(FfiError::null("budget or store"));
        }
        // SAFETY: caller contract (consumed).
        let r = unsafe { take_handle(reservation, "reservation")? };
        // SAFETY: checked non-NULL, caller contract.
        let (b, s) = unsafe { (as_ref(budget, "budget")?, as_mut(store, "store")?) };
        let report = b
            .budget
            .commit(&mut s.counter(), r.reservation)
            .map_err(budget_err)?;
        if !out_report.is_null() {
            let c = signet_use_report {
                index: report.index,
                used: report.used,
                remaining: report.remaining,
                level: level(report.level),
                crossed: report.crossed.map_or(signet_usage_level::None, level),
            };
            // SAFETY: non-NULL, caller contract.
            unsafe { write(out_report, c) };
        }
        Ok(())
    })
}

/// Gives a reserved signature back (signing refused). Consumes
/// `reservation` as `signet_budget_commit` does.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`; counter errors.
///
/// # Safety
/// `budget`, `store`, `reservation` live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_budget_abort(
    budget: *const signet_budget,
    store: *mut signet_counter_store,
    reservation: *mut signet_budget_reservation,
) -> signet_result {
    boundary(|| {
        if budget.is_null() || store.is_null() {
            return Err(FfiError::null("budget or store"));
        }
        // SAFETY: caller contract (consumed).
        let r = unsafe { take_handle(reservation, "reservation")? };
        // SAFETY: checked non-NULL, caller contract.
        let (b, s) = unsafe { (as_ref(budget, "budget")?, as_mut(store, "store")?) };
        b.budget
            .abort(&mut s.counter(), r.reservation)
            .map_err(budget_err)
    })
}
