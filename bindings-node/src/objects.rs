//! Counter stores, budgets, signer policies, signing requests and grants:
//! classes wrapping the core objects.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use napi::Env;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use signet_core::budget::{self, Actor as CoreActor, CertFingerprint, Purchase, Role, UserId, Validity};
use signet_core::counter::{
    self, CounterError, FileCounterStore, FileStoreOptions, MemoryCounterStore, Reservation,
    SharedCounterStore, Usage as CoreUsage,
};
use signet_core::grant::{self, ApprovalOutcome, ApprovalStep, RequestId, RequestParams};
use signet_core::policy::{CertificateRef, certificate_der_from_pem_or_der};

use crate::error::{Failure, OrThrow, Res};
use crate::time;

/// Locks, recovering from poisoning: the core objects change only after
/// their checks pass, so the state behind a poisoned lock is consistent.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A non-negative whole number from JS (a count or seconds).
pub(crate) fn count(name: &str, v: f64) -> Res<u64> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= MAX_SAFE {
        // Checked above: a whole number in 0..=2^53-1.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(v as u64)
    } else {
        Err(Failure::request(
            "invalid_number",
            format!("{name} must be a non-negative whole number, got {v}"),
        ))
    }
}

/// Lossless: every count the core reports is far below 2^53.
#[allow(clippy::cast_precision_loss)]
pub(crate) fn js_num(v: u64) -> f64 {
    v as f64
}

pub(crate) fn user(id: &str) -> Res<UserId> {
    Ok(UserId::new(id)?)
}

pub(crate) fn fingerprint(fp: &[u8]) -> Res<CertFingerprint> {
    <[u8; 32]>::try_from(fp).map(CertFingerprint).map_err(|_| {
        Failure::request(
            "invalid_fingerprint",
            format!("a fingerprint is 32 bytes (SHA-256), got {}", fp.len()),
        )
    })
}

/// The two stores a Node program can use, behind one type.
#[derive(Debug)]
pub(crate) enum AnyStore {
    Memory(MemoryCounterStore),
    File(FileCounterStore),
}

impl counter::CounterStore for AnyStore {
    fn usage(&self) -> CoreUsage {
        match self {
            AnyStore::Memory(s) => s.usage(),
            AnyStore::File(s) => s.usage(),
        }
    }
    fn reserve(&mut self, limit: u64) -> Result<Reservation, CounterError> {
        match self {
            AnyStore::Memory(s) => s.reserve(limit),
            AnyStore::File(s) => s.reserve(limit),
        }
    }
    fn commit(&mut self, r: Reservation) -> Result<u64, CounterError> {
        match self {
            AnyStore::Memory(s) => s.commit(r),
            AnyStore::File(s) => s.commit(r),
        }
    }
    fn abort(&mut self, r: Reservation) -> Result<(), CounterError> {
        match self {
            AnyStore::Memory(s) => s.abort(r),
            AnyStore::File(s) => s.abort(r),
        }
    }
}

pub(crate) type Shared = Arc<SharedCounterStore<AnyStore>>;

/// A counter snapshot.
#[napi(object)]
pub struct Usage {
    /// Index of the next reservation (reservations ever made).
    pub next_index: f64,
    /// Signatures produced.
    pub committed: f64,
    /// Reservations given back.
    pub released: f64,
    /// Counted against the limit (fail closed: pending counts).
    pub used: f64,
    /// Reserved, not yet committed or aborted.
    pub pending: f64,
}

impl From<CoreUsage> for Usage {
    fn from(u: CoreUsage) -> Self {
        Usage {
            next_index: js_num(u.next_index),
            committed: js_num(u.committed),
            released: js_num(u.released),
            used: js_num(u.used()),
            pending: js_num(u.pending()),
        }
    }
}

/// What a file store found when it was opened.
#[napi(object)]
pub struct Recovery {
    /// The durable state.
    pub usage: Usage,
    /// Reserved but never settled before a crash (counted as used).
    pub lost: f64,
}

/// A fail-closed signature counter: in memory, or a ledger directory.
/// Shared safely by concurrent async signing.
#[napi]
pub struct CounterStore {
    inner: Mutex<Option<Shared>>,
    recovery: Option<counter::Recovery>,
}

impl CounterStore {
    pub(crate) fn shared(&self) -> Res<Shared> {
        lock(&self.inner)
            .clone()
            .ok_or_else(|| Failure::request("store_closed", "the counter store is closed"))
    }
}

#[napi]
impl CounterStore {
    /// An in-memory store.
    #[napi(factory, catch_unwind)]
    pub fn memory() -> Self {
        CounterStore {
            inner: Mutex::new(Some(Arc::new(SharedCounterStore::new(AnyStore::Memory(
                MemoryCounterStore::new(),
            ))))),
            recovery: None,
        }
    }

    /// Opens (creating) the ledger in `dir` and takes its lock.
    #[napi(factory, catch_unwind)]
    pub fn file(
        env: Env,
        dir: String,
        block: Option<u32>,
        wait_for_lock: Option<bool>,
    ) -> napi::Result<Self> {
        let run = || -> Res<Self> {
            let defaults = FileStoreOptions::default();
            let options = FileStoreOptions {
                block: block.unwrap_or(defaults.block),
                wait_for_lock: wait_for_lock.unwrap_or(defaults.wait_for_lock),
                ..defaults
            };
            let (store, recovery) = FileCounterStore::open(Path::new(&dir), options)?;
            Ok(CounterStore {
                inner: Mutex::new(Some(Arc::new(SharedCounterStore::new(AnyStore::File(store))))),
                recovery: Some(recovery),
            })
        };
        run().or_throw(&env)
    }

    /// The current counter state.
    #[napi(catch_unwind)]
    pub fn usage(&self, env: Env) -> napi::Result<Usage> {
        let run = || -> Res<Usage> {
            let shared = self.shared()?;
            Ok(counter::CounterStore::usage(&&*shared).into())
        };
        run().or_throw(&env)
    }

    /// What opening a file store recovered (`null` for a memory store).
    #[napi(getter, catch_unwind)]
    pub fn recovery(&self) -> Option<Recovery> {
        self.recovery.map(|r| Recovery {
            usage: r.usage.into(),
            lost: js_num(r.lost),
        })
    }

    /// Closes the store (a file store releases its lock and hands back an
    /// unused block). Refused while a signature is in flight.
    #[napi(catch_unwind)]
    pub fn close(&self, env: Env) -> napi::Result<()> {
        let run = || -> Res<()> {
            let mut slot = lock(&self.inner);
            let Some(shared) = slot.take() else {
                return Ok(());
            };
            match Arc::try_unwrap(shared) {
                Ok(store) => match store.into_inner()? {
                    AnyStore::File(f) => f.close().map(|_| ()).map_err(Failure::from),
                    AnyStore::Memory(_) => Ok(()),
                },
                Err(shared) => {
                    *slot = Some(shared);
                    Err(Failure::request(
                        "store_busy",
                        "the counter store is in use by a signature in flight",
                    ))
                }
            }
        };
        run().or_throw(&env)
    }
}

/// Who is acting on a budget.
#[napi(object)]
pub struct Actor {
    /// User id.
    pub id: String,
    /// `administrator`, `manager`, `standard_user`, `limited_user`, `finance_manager`.
    pub role: String,
    /// Acting from a subaccount.
    pub subaccount: Option<bool>,
    /// A KeyLocker lead (may reassign the signer).
    pub keylocker_lead: Option<bool>,
}

fn actor(a: &Actor) -> Res<CoreActor> {
    let role = Role::from_name(&a.role)
        .ok_or_else(|| Failure::request("unknown_role", format!("unknown role {:?}", a.role)))?;
    Ok(CoreActor {
        id: user(&a.id)?,
        role,
        subaccount: a.subaccount.unwrap_or(false),
        keylocker_lead: a.keylocker_lead.unwrap_or(false),
    })
}

/// What one use did to a budget.
#[napi(object)]
pub struct UseReport {
    /// The signature's serial.
    pub index: f64,
    /// Used, this one included.
    pub used: f64,
    /// Left.
    pub remaining: f64,
    /// `normal`, `warn80`, `warn90`, `exhausted`.
    pub level: String,
    /// The level this use crossed into, if any.
    pub crossed: Option<String>,
}

/// The signature budget of one certificate.
#[napi]
pub struct Budget {
    pub(crate) inner: Arc<Mutex<budget::Budget>>,
}

#[napi]
impl Budget {
    /// A budget bound to a certificate fingerprint and validity (seconds).
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        fingerprint_sha256: Buffer,
        not_before: i64,
        not_after: i64,
        signer: String,
        allotment: Option<f64>,
    ) -> napi::Result<Self> {
        let run = || -> Res<Self> {
            let validity = Validity {
                not_before: time(not_before),
                not_after: time(not_after),
            };
            let allotment = allotment.map_or(Ok(budget::DEFAULT_ALLOTMENT), |a| count("allotment", a))?;
            let b = budget::Budget::with_allotment(
                fingerprint(&fingerprint_sha256)?,
                validity,
                user(&signer)?,
                allotment,
            )?;
            Ok(Budget {
                inner: Arc::new(Mutex::new(b)),
            })
        };
        run().or_throw(&env)
    }

    /// A budget for a certificate (PEM or DER): its fingerprint and validity.
    #[napi(factory, catch_unwind)]
    pub fn for_certificate(
        env: Env,
        certificate: Buffer,
        signer: String,
        allotment: Option<f64>,
    ) -> napi::Result<Self> {
        let run = || -> Res<Self> {
            let der = certificate_der_from_pem_or_der(&certificate)?;
            let cert = CertificateRef::from_der(&der)?;
            let validity = Validity {
                not_before: cert.not_before(),
                not_after: cert.not_after(),
            };
            let allotment = allotment.map_or(Ok(budget::DEFAULT_ALLOTMENT), |a| count("allotment", a))?;
            let b = budget::Budget::with_allotment(
                CertFingerprint(cert.fingerprint_sha256()),
                validity,
                user(&signer)?,
                allotment,
            )?;
            Ok(Budget {
                inner: Arc::new(Mutex::new(b)),
            })
        };
        run().or_throw(&env)
    }

    /// SHA-256 fingerprint of the certificate (32 bytes).
    #[napi(getter, catch_unwind)]
    pub fn fingerprint(&self) -> Buffer {
        lock(&self.inner).fingerprint().0.to_vec().into()
    }

    /// Start of validity, seconds since the epoch.
    #[napi(getter, catch_unwind)]
    pub fn not_before(&self) -> i64 {
        lock(&self.inner).validity().not_before.as_secs()
    }

    /// End of validity, seconds since the epoch.
    #[napi(getter, catch_unwind)]
    pub fn not_after(&self) -> i64 {
        lock(&self.inner).validity().not_after.as_secs()
    }

    /// Signatures included with the certificate.
    #[napi(getter, catch_unwind)]
    pub fn allotment(&self) -> f64 {
        js_num(lock(&self.inner).allotment())
    }

    /// Signatures bought on top.
    #[napi(getter, catch_unwind)]
    pub fn purchased(&self) -> f64 {
        js_num(lock(&self.inner).purchased())
    }

    /// Allotment plus purchases; zero once revoked.
    #[napi(getter, catch_unwind)]
    pub fn total(&self) -> f64 {
        js_num(lock(&self.inner).total())
    }

    /// Whether the certificate is revoked.
    #[napi(getter, catch_unwind)]
    pub fn revoked(&self) -> bool {
        lock(&self.inner).is_revoked()
    }

    /// The assigned signer.
    #[napi(getter, catch_unwind)]
    pub fn signer(&self) -> String {
        lock(&self.inner).signer().as_str().into()
    }

    /// Signatures left at `now` given the store's usage.
    #[napi(catch_unwind)]
    pub fn remaining(&self, env: Env, store: &CounterStore, now: i64) -> napi::Result<f64> {
        let run = || -> Res<f64> {
            let usage = counter::CounterStore::usage(&&*store.shared()?);
            Ok(js_num(lock(&self.inner).remaining(&usage, time(now))))
        };
        run().or_throw(&env)
    }

    /// The usage level given the store's usage.
    #[napi(catch_unwind)]
    pub fn level(&self, env: Env, store: &CounterStore) -> napi::Result<String> {
        let run = || -> Res<String> {
            let usage = counter::CounterStore::usage(&&*store.shared()?);
            Ok(lock(&self.inner).level(&usage).name().into())
        };
        run().or_throw(&env)
    }

    /// Buys `count` more signatures; returns the new total.
    #[napi(catch_unwind)]
    pub fn buy(
        &self,
        env: Env,
        by: Actor,
        fingerprint_sha256: Buffer,
        signatures: f64,
        now: i64,
    ) -> napi::Result<f64> {
        let run = || -> Res<f64> {
            let purchase = Purchase::Custom(count("count", signatures)?);
            let total = lock(&self.inner).buy(
                &actor(&by)?,
                &fingerprint(&fingerprint_sha256)?,
                purchase,
                time(now),
            )?;
            Ok(js_num(total))
        };
        run().or_throw(&env)
    }

    /// Revokes the certificate (irreversible).
    #[napi(catch_unwind)]
    pub fn revoke(&self, env: Env, fingerprint_sha256: Buffer) -> napi::Result<()> {
        let run = || -> Res<()> { Ok(lock(&self.inner).revoke(&fingerprint(&fingerprint_sha256)?)?) };
        run().or_throw(&env)
    }

    /// Reassigns the signer (KeyLocker leads only).
    #[napi(catch_unwind)]
    pub fn assign_signer(
        &self,
        env: Env,
        by: Actor,
        fingerprint_sha256: Buffer,
        signer: String,
    ) -> napi::Result<()> {
        let run = || -> Res<()> {
            let fp = fingerprint(&fingerprint_sha256)?;
            Ok(lock(&self.inner).assign_signer(&actor(&by)?, &fp, user(&signer)?)?)
        };
        run().or_throw(&env)
    }

    /// Counts one use without signing (reserve, then commit).
    #[napi(js_name = "use", catch_unwind)]
    pub fn use_one(
        &self,
        env: Env,
        store: &CounterStore,
        signer: String,
        fingerprint_sha256: Buffer,
        now: i64,
    ) -> napi::Result<UseReport> {
        let run = || -> Res<UseReport> {
            let shared = store.shared()?;
            let b = lock(&self.inner).clone();
            let mut s = &*shared;
            let r = b.reserve(
                &mut s,
                &user(&signer)?,
                &fingerprint(&fingerprint_sha256)?,
                time(now),
            )?;
            let rep = b.commit(&mut s, r)?;
            Ok(UseReport {
                index: js_num(rep.index),
                used: js_num(rep.used),
                remaining: js_num(rep.remaining),
                level: rep.level.name().into(),
                crossed: rep.crossed.map(|c| c.name().into()),
            })
        };
        run().or_throw(&env)
    }
}

/// One approval step.
#[napi(object)]
pub struct Step {
    /// Eligible approvers.
    pub approvers: Vec<String>,
    /// Approvals needed.
    pub threshold: u32,
}

/// A signer's policy (caps, request TTL, approval steps).
#[napi]
pub struct SignerPolicy {
    inner: grant::SignerPolicy,
}

#[napi]
impl SignerPolicy {
    /// Builds a policy.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        signer: String,
        max_window_secs: Option<f64>,
        max_signings: Option<u32>,
        max_request_ttl_secs: f64,
        steps: Vec<Step>,
    ) -> napi::Result<Self> {
        let run = || -> Res<Self> {
            let mut core_steps = Vec::with_capacity(steps.len());
            for s in &steps {
                let approvers = s.approvers.iter().map(|a| user(a)).collect::<Res<Vec<_>>>()?;
                // Above 255 the core refuses it like any threshold above the approvers.
                let threshold = u8::try_from(s.threshold).unwrap_or(u8::MAX);
                core_steps.push(ApprovalStep::new(&approvers, threshold)?);
            }
            let window = max_window_secs.map(|w| count("maxWindowSecs", w)).transpose()?;
            let inner = grant::SignerPolicy::new(
                user(&signer)?,
                window,
                max_signings,
                count("maxRequestTtlSecs", max_request_ttl_secs)?,
                &core_steps,
            )?;
            Ok(SignerPolicy { inner })
        };
        run().or_throw(&env)
    }

    /// The signer it governs.
    #[napi(getter, catch_unwind)]
    pub fn signer(&self) -> String {
        self.inner.signer().as_str().into()
    }
}

/// What a requester asks for (seconds; omitted = the policy's ceiling).
#[napi(object)]
pub struct RequestParamsObject {
    /// Start of access.
    pub valid_from: Option<i64>,
    /// End of access (exclusive).
    pub valid_until: Option<i64>,
    /// Sign operations wanted.
    pub allowed_ops: Option<u32>,
    /// Why.
    pub justification: Option<String>,
}

/// What an approval did.
#[napi(object)]
pub struct Approval {
    /// `recorded`, `step_complete` or `granted`.
    pub outcome: String,
    /// The step approved (0-based).
    pub step: Option<u32>,
    /// Approvals so far in the step (`recorded`).
    pub approvals: Option<u32>,
    /// Approvals needed (`recorded`).
    pub threshold: Option<u32>,
    /// The new current step (`step_complete`).
    pub next_step: Option<u32>,
}

fn small(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// A request for signing access.
#[napi]
pub struct SigningRequest {
    inner: Mutex<grant::SigningRequest>,
    issued: Mutex<Option<grant::Grant>>,
}

#[napi]
impl SigningRequest {
    /// Opens a request under `policy` at `now`.
    #[napi(factory, catch_unwind)]
    pub fn open(
        env: Env,
        id: f64,
        requester: String,
        policy: &SignerPolicy,
        params: RequestParamsObject,
        now: i64,
    ) -> napi::Result<Self> {
        let run = || -> Res<Self> {
            let p = RequestParams {
                valid_from: params.valid_from.map(time),
                valid_until: params.valid_until.map(time),
                allowed_ops: params.allowed_ops,
                justification: params.justification.as_deref(),
            };
            let r = grant::SigningRequest::open(
                RequestId(count("id", id)?),
                user(&requester)?,
                &policy.inner,
                p,
                time(now),
            )?;
            Ok(SigningRequest {
                inner: Mutex::new(r),
                issued: Mutex::new(None),
            })
        };
        run().or_throw(&env)
    }

    /// The request id.
    #[napi(getter, catch_unwind)]
    pub fn id(&self) -> f64 {
        js_num(lock(&self.inner).id().0)
    }

    /// `open`, `approved`, `rejected`, `cancelled` or `expired` at `now`.
    #[napi(catch_unwind)]
    pub fn status(&self, now: i64) -> String {
        lock(&self.inner).status(time(now)).name().into()
    }

    /// Approves the current step as `approver`.
    #[napi(catch_unwind)]
    pub fn approve(&self, env: Env, approver: String, now: i64) -> napi::Result<Approval> {
        let run = || -> Res<Approval> {
            let mut r = lock(&self.inner);
            let step = small(r.current_step());
            Ok(match r.approve(&user(&approver)?, time(now))? {
                ApprovalOutcome::Recorded {
                    step,
                    approvals,
                    threshold,
                } => Approval {
                    outcome: "recorded".into(),
                    step: Some(small(step)),
                    approvals: Some(approvals.into()),
                    threshold: Some(threshold.into()),
                    next_step: None,
                },
                ApprovalOutcome::StepComplete { next_step } => Approval {
                    outcome: "step_complete".into(),
                    step: Some(step),
                    approvals: None,
                    threshold: None,
                    next_step: Some(small(next_step)),
                },
                ApprovalOutcome::Granted(g) => {
                    *lock(&self.issued) = Some(g);
                    Approval {
                        outcome: "granted".into(),
                        step: Some(step),
                        approvals: None,
                        threshold: None,
                        next_step: None,
                    }
                }
            })
        };
        run().or_throw(&env)
    }

    /// The grant issued by the last approval; `null` before, and after it was taken.
    #[napi(catch_unwind)]
    pub fn take_grant(&self) -> Option<Grant> {
        lock(&self.issued).take().map(|g| Grant {
            inner: Arc::new(Mutex::new(g)),
        })
    }

    /// Rejects the request as an eligible approver.
    #[napi(catch_unwind)]
    pub fn reject(&self, env: Env, approver: String, comment: Option<String>, now: i64) -> napi::Result<()> {
        let run =
            || -> Res<()> { Ok(lock(&self.inner).reject(&user(&approver)?, comment.as_deref(), time(now))?) };
        run().or_throw(&env)
    }

    /// Cancels the request as its requester.
    #[napi(catch_unwind)]
    pub fn cancel(&self, env: Env, requester: String, now: i64) -> napi::Result<()> {
        let run = || -> Res<()> { Ok(lock(&self.inner).cancel(&user(&requester)?, time(now))?) };
        run().or_throw(&env)
    }
}

/// Signing access issued by an approved request.
#[napi]
pub struct Grant {
    pub(crate) inner: Arc<Mutex<grant::Grant>>,
}

#[napi]
impl Grant {
    /// The grant id (its request's id).
    #[napi(getter, catch_unwind)]
    pub fn id(&self) -> f64 {
        js_num(lock(&self.inner).id().0)
    }

    /// The signer it gives access to.
    #[napi(getter, catch_unwind)]
    pub fn signer(&self) -> String {
        lock(&self.inner).signer().as_str().into()
    }

    /// Who may use it.
    #[napi(getter, catch_unwind)]
    pub fn grantee(&self) -> String {
        lock(&self.inner).grantee().as_str().into()
    }

    /// Start of the window, seconds.
    #[napi(getter, catch_unwind)]
    pub fn valid_from(&self) -> i64 {
        lock(&self.inner).valid_from().as_secs()
    }

    /// End of the window (exclusive), seconds, if any.
    #[napi(getter, catch_unwind)]
    pub fn valid_until(&self) -> Option<i64> {
        lock(&self.inner).valid_until().map(|t| t.as_secs())
    }

    /// Operations allowed, if bounded.
    #[napi(getter, catch_unwind)]
    pub fn allowed_ops(&self) -> Option<u32> {
        lock(&self.inner).allowed_ops()
    }

    /// Operations committed.
    #[napi(getter, catch_unwind)]
    pub fn used(&self) -> u32 {
        lock(&self.inner).used()
    }

    /// `not_yet_active`, `active`, `window_ended`, `used_up` or `revoked` at `now`.
    #[napi(catch_unwind)]
    pub fn status(&self, now: i64) -> String {
        lock(&self.inner).status(time(now)).name().into()
    }

    /// Revokes the grant (irreversible).
    #[napi(catch_unwind)]
    pub fn revoke(&self) {
        lock(&self.inner).revoke();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use signet_core::budget::BudgetError;
    use signet_core::time::UnixTime;

    #[test]
    fn counts_are_whole_non_negative_safe_numbers() {
        assert_eq!(count("n", 0.0), Ok(0));
        assert_eq!(count("n", 9_007_199_254_740_991.0), Ok(9_007_199_254_740_991));
        for bad in [-1.0, 0.5, f64::NAN, f64::INFINITY, 9_007_199_254_740_992.0] {
            let e = count("n", bad).unwrap_err();
            assert_eq!(e.code, "invalid_number", "{bad}");
            assert_eq!(e.kind, crate::Kind::Request);
        }
    }

    #[test]
    fn failures_keep_the_core_code_kind_and_context() {
        let f = Failure::from(BudgetError::Expired {
            now: UnixTime(20),
            not_after: UnixTime(10),
        });
        assert_eq!((f.kind, f.code), (crate::Kind::Budget, "budget_expired"));
        assert_eq!(
            f.fields,
            vec![
                ("now", crate::Field::Num(20.0)),
                ("notAfter", crate::Field::Num(10.0))
            ]
        );
        assert_eq!(fingerprint(&[0; 31]).unwrap_err().code, "invalid_fingerprint");
        assert_eq!(user("").unwrap_err().code, "user_id_empty");
    }
}
