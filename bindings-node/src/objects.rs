//! In-memory core objects, for evaluating the rules without a state: a
//! budget (purchases, revocation, the assigned signer), a signer policy, a
//! signing request and the grant it issues. Thin classes: each method is one
//! core call. Counting signatures and keeping these durably is the
//! `State`'s job (`state.rs`, over `signet-host`).

use std::sync::{Mutex, MutexGuard};

use napi::Env;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use signet_core::budget::{self, Actor as CoreActor, CertFingerprint, Purchase, Role, UserId, Validity};
use signet_core::grant::{self, ApprovalOutcome, ApprovalStep, RequestId, RequestParams};
use signet_core::policy::{CertificateRef, certificate_der_from_pem_or_der};
use signet_core::time::UnixTime;

use crate::error::{Failure, OrThrow, Res};
use crate::num::{opt, secs_arg, u8_arg, u32_arg, u64_arg};

/// Locks, recovering from poisoning: the core objects change only after
/// their checks pass, so the state behind a poisoned lock is consistent.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Lossless: every count the core reports is far below 2^53.
#[allow(clippy::cast_precision_loss)]
fn js_num(v: u64) -> f64 {
    v as f64
}

fn user(id: &str) -> Res<UserId> {
    Ok(UserId::new(id)?)
}

fn time(name: &str, secs: f64) -> Res<UnixTime> {
    secs_arg(name, secs).map(UnixTime)
}

/// A fingerprint as 64 hex digits (`index.js` turns 32 bytes into hex).
fn fingerprint(hex: &str) -> Res<CertFingerprint> {
    Ok(signet_host::key::parse_fingerprint(hex)?)
}

/// A role by core name (`unknown_role` otherwise).
pub(crate) fn role(name: &str) -> Res<Role> {
    name.parse::<Role>().map_err(|e| Failure::core(&e))
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
    Ok(CoreActor {
        id: user(&a.id)?,
        role: role(&a.role)?,
        subaccount: a.subaccount.unwrap_or(false),
        keylocker_lead: a.keylocker_lead.unwrap_or(false),
    })
}

fn new_budget(fp: CertFingerprint, validity: Validity, signer: &str, allotment: Option<f64>) -> Res<Budget> {
    let allotment = opt(allotment, |a| u64_arg("allotment", a))?.unwrap_or(budget::DEFAULT_ALLOTMENT);
    let b = budget::Budget::with_allotment(fp, validity, user(signer)?, allotment)?;
    Ok(Budget { inner: Mutex::new(b) })
}

/// The signature budget of one certificate, in memory.
#[napi]
pub struct Budget {
    inner: Mutex<budget::Budget>,
}

#[napi]
impl Budget {
    /// A budget bound to a certificate fingerprint (hex) and validity (seconds).
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        fingerprint_hex: String,
        not_before: f64,
        not_after: f64,
        signer: String,
        allotment: Option<f64>,
    ) -> napi::Result<Self> {
        let run = || -> Res<Self> {
            let validity = Validity {
                not_before: time("notBefore", not_before)?,
                not_after: time("notAfter", not_after)?,
            };
            new_budget(fingerprint(&fingerprint_hex)?, validity, &signer, allotment)
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
            new_budget(
                CertFingerprint(cert.fingerprint_sha256()),
                validity,
                &signer,
                allotment,
            )
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

    /// Buys `signatures` more; returns the new total.
    #[napi(catch_unwind)]
    pub fn buy(
        &self,
        env: Env,
        by: Actor,
        fingerprint_hex: String,
        signatures: f64,
        now: f64,
    ) -> napi::Result<f64> {
        let run = || -> Res<f64> {
            let purchase = Purchase::of_count(u64_arg("count", signatures)?);
            let total = lock(&self.inner).buy(
                &actor(&by)?,
                &fingerprint(&fingerprint_hex)?,
                purchase,
                time("now", now)?,
            )?;
            Ok(js_num(total))
        };
        run().or_throw(&env)
    }

    /// Revokes the certificate (irreversible).
    #[napi(catch_unwind)]
    pub fn revoke(&self, env: Env, fingerprint_hex: String) -> napi::Result<()> {
        let run = || -> Res<()> { Ok(lock(&self.inner).revoke(&fingerprint(&fingerprint_hex)?)?) };
        run().or_throw(&env)
    }

    /// Reassigns the signer (KeyLocker leads only).
    #[napi(catch_unwind)]
    pub fn assign_signer(
        &self,
        env: Env,
        by: Actor,
        fingerprint_hex: String,
        signer: String,
    ) -> napi::Result<()> {
        let run = || -> Res<()> {
            let fp = fingerprint(&fingerprint_hex)?;
            Ok(lock(&self.inner).assign_signer(&actor(&by)?, &fp, user(&signer)?)?)
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
    pub threshold: f64,
}

/// Approval steps, numbers checked.
pub(crate) fn steps(steps: &[Step]) -> Res<Vec<(Vec<String>, u8)>> {
    steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Ok((
                s.approvers.clone(),
                u8_arg(&format!("steps[{i}].threshold"), s.threshold)?,
            ))
        })
        .collect()
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
        max_signings: Option<f64>,
        max_request_ttl_secs: f64,
        steps_in: Vec<Step>,
    ) -> napi::Result<Self> {
        let run = || -> Res<Self> {
            let mut core_steps = Vec::with_capacity(steps_in.len());
            for (approvers, threshold) in steps(&steps_in)? {
                let approvers = approvers.iter().map(|a| user(a)).collect::<Res<Vec<_>>>()?;
                core_steps.push(ApprovalStep::new(&approvers, threshold)?);
            }
            let inner = grant::SignerPolicy::new(
                user(&signer)?,
                opt(max_window_secs, |w| u64_arg("maxWindowSecs", w))?,
                opt(max_signings, |n| u32_arg("maxSignings", n))?,
                u64_arg("maxRequestTtlSecs", max_request_ttl_secs)?,
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
    pub valid_from: Option<f64>,
    /// End of access (exclusive).
    pub valid_until: Option<f64>,
    /// Sign operations wanted.
    pub allowed_ops: Option<f64>,
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
        now: f64,
    ) -> napi::Result<Self> {
        let run = || -> Res<Self> {
            let p = RequestParams {
                valid_from: opt(params.valid_from, |t| time("validFrom", t))?,
                valid_until: opt(params.valid_until, |t| time("validUntil", t))?,
                allowed_ops: opt(params.allowed_ops, |n| u32_arg("allowedOps", n))?,
                justification: params.justification.as_deref(),
            };
            let r = grant::SigningRequest::open(
                RequestId(u64_arg("id", id)?),
                user(&requester)?,
                &policy.inner,
                p,
                time("now", now)?,
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
    pub fn status(&self, env: Env, now: f64) -> napi::Result<String> {
        let run = || -> Res<String> { Ok(lock(&self.inner).status(time("now", now)?).name().into()) };
        run().or_throw(&env)
    }

    /// Approves the current step as `approver`.
    #[napi(catch_unwind)]
    pub fn approve(&self, env: Env, approver: String, now: f64) -> napi::Result<Approval> {
        let run = || -> Res<Approval> {
            let now = time("now", now)?;
            let mut r = lock(&self.inner);
            let step = small(r.current_step());
            Ok(match r.approve(&user(&approver)?, now)? {
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
        lock(&self.issued).take().map(|g| Grant { inner: Mutex::new(g) })
    }

    /// Rejects the request as an eligible approver.
    #[napi(catch_unwind)]
    pub fn reject(&self, env: Env, approver: String, comment: Option<String>, now: f64) -> napi::Result<()> {
        let run = || -> Res<()> {
            let now = time("now", now)?;
            Ok(lock(&self.inner).reject(&user(&approver)?, comment.as_deref(), now)?)
        };
        run().or_throw(&env)
    }

    /// Cancels the request as its requester.
    #[napi(catch_unwind)]
    pub fn cancel(&self, env: Env, requester: String, now: f64) -> napi::Result<()> {
        let run = || -> Res<()> {
            let now = time("now", now)?;
            Ok(lock(&self.inner).cancel(&user(&requester)?, now)?)
        };
        run().or_throw(&env)
    }
}

/// Signing access issued by an approved request.
#[napi]
pub struct Grant {
    inner: Mutex<grant::Grant>,
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
    pub fn status(&self, env: Env, now: f64) -> napi::Result<String> {
        let run = || -> Res<String> { Ok(lock(&self.inner).status(time("now", now)?).name().into()) };
        run().or_throw(&env)
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

    #[test]
    fn names_and_fingerprints_keep_the_core_and_host_codes() {
        assert_eq!(
            fingerprint(&"ab".repeat(31)).unwrap_err().code,
            "fingerprint_invalid"
        );
        assert_eq!(fingerprint(&"ab".repeat(32)).unwrap().0, [0xab; 32]);
        assert_eq!(user("").unwrap_err().code, "user_id_empty");
        assert_eq!(role("nobody").unwrap_err().code, "unknown_role");
        assert_eq!(role("manager"), Ok(Role::Manager));
        let s = |t: f64| Step {
            approvers: vec!["a".into()],
            threshold: t,
        };
        assert_eq!(steps(&[s(2.0)]).unwrap(), vec![(vec!["a".to_string()], 2)]);
        for t in [256.0, -1.0, 1.5, f64::NAN] {
            assert_eq!(steps(&[s(1.0), s(t)]).unwrap_err().code, "invalid_number", "{t}");
        }
    }
}
