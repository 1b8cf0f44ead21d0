//! Signing access of a [`State`]: the signer policy bound to a certificate,
//! requests, approvals and grants. A request's status is rebuilt by
//! replaying its events through core, so core's rules decide it; a grant's
//! used operations are its ledger's count.

use signet_core::budget::{CertFingerprint, UserId};
use signet_core::grant::{ApprovalOutcome, Grant, RequestId, RequestParams, SigningRequest};
use signet_core::time::UnixTime;

use crate::audit::Event;
use crate::error::{Error, Result};
use crate::report::{ApprovalReport, GrantReport, RejectionReport, RequestReport};
use crate::state::State;
use crate::store::{
    EventRecord, GrantRecord, LedgerBinding, PolicyRecord, RequestRecord, StepRecord, WithUsage,
};
use crate::user::user_id;

/// A signer policy to bind to a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySpec {
    /// Longest signing window, seconds.
    pub max_window_secs: Option<u64>,
    /// Most sign operations per grant.
    pub max_signings: Option<u32>,
    /// How long a request stays open, seconds.
    pub max_request_ttl_secs: u64,
    /// Approval steps, in order: approvers and how many must approve.
    pub steps: Vec<(Vec<String>, u8)>,
}

/// What a signing request asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestSpec {
    /// Start of access (default: now).
    pub valid_from: Option<UnixTime>,
    /// End of access (default: the policy's maximum window).
    pub valid_until: Option<UnixTime>,
    /// Sign operations (default: the policy's maximum).
    pub allowed_ops: Option<u32>,
    /// Why.
    pub justification: Option<String>,
}

/// A decision on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Approve the current step.
    Approve,
    /// Reject, with an optional comment.
    Reject(Option<String>),
    /// Cancel (the requester).
    Cancel,
}

impl Decision {
    fn action(&self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject(_) => "reject",
            Decision::Cancel => "cancel",
        }
    }
}

/// Rebuilds a request by replaying its events; also returns the grant the
/// replay issued, if any.
fn replay(file: &RequestRecord) -> Result<(SigningRequest, Option<Grant>)> {
    let damaged = |e: &dyn core::fmt::Display| {
        Error::failed(
            "state_record_damaged",
            format!("request {} does not replay: {e}", file.id),
        )
    };
    let policy = file.policy.to_core().map_err(|e| damaged(&e))?;
    let mut request = SigningRequest::open(
        RequestId(file.id),
        user_id(&file.requester)?,
        &policy,
        RequestParams {
            valid_from: file.valid_from.map(UnixTime),
            valid_until: file.valid_until.map(UnixTime),
            allowed_ops: file.allowed_ops,
            justification: file.justification.as_deref(),
        },
        UnixTime(file.created_at),
    )
    .map_err(|e| damaged(&e))?;
    let mut grant = None;
    for ev in &file.events {
        let by = user_id(&ev.by).map_err(|e| damaged(&e))?;
        let at = UnixTime(ev.at);
        match ev.action.as_str() {
            "approve" => {
                if let ApprovalOutcome::Granted(g) = request.approve(&by, at).map_err(|e| damaged(&e))? {
                    grant = Some(g);
                }
            }
            "reject" => request
                .reject(&by, ev.comment.as_deref(), at)
                .map_err(|e| damaged(&e))?,
            "cancel" => request.cancel(&by, at).map_err(|e| damaged(&e))?,
            other => return Err(damaged(&format!("unknown event {other:?}"))),
        }
    }
    Ok((request, grant))
}

pub(crate) fn grant_report(g: &WithUsage<GrantRecord>, now: UnixTime) -> Result<GrantReport> {
    let used = g.usage.used();
    let core = g.record.to_core(used)?;
    Ok(GrantReport {
        id: g.record.id,
        status: core.status(now).name(),
        grantee: g.record.grantee.clone(),
        signer: g.record.signer.clone(),
        fingerprint: g.record.fingerprint.clone(),
        valid_from: g.record.valid_from,
        valid_until: g.record.valid_until,
        allowed_ops: g.record.allowed_ops,
        used,
        remaining: g.record.allowed_ops.map(|n| u64::from(n).saturating_sub(used)),
    })
}

fn request_report(
    file: &RequestRecord,
    request: &SigningRequest,
    grant: Option<GrantReport>,
    now: UnixTime,
) -> RequestReport {
    RequestReport {
        id: file.id,
        status: request.status(now).name(),
        requester: request.requester().to_string(),
        signer: request.policy().signer().to_string(),
        fingerprint: file.policy.fingerprint.clone(),
        created_at: request.created_at().as_secs(),
        expires_at: request.expires_at().as_secs(),
        valid_from: request.valid_from().as_secs(),
        valid_until: request.valid_until().map(UnixTime::as_secs),
        allowed_ops: request.allowed_ops(),
        justification: request.justification().to_string(),
        current_step: request.current_step(),
        steps: request.policy().steps().len(),
        approvals: request
            .approvals()
            .iter()
            .map(|(step, by)| ApprovalReport {
                step: *step,
                by: by.to_string(),
            })
            .collect(),
        rejection: request.rejection().map(|(by, comment)| RejectionReport {
            by: by.to_string(),
            comment: comment.map(str::to_string),
        }),
        grant,
    }
}

impl State {
    /// Binds a signer policy to a certificate: from now on every signature
    /// with it needs an active grant. The policy's signer is the
    /// certificate's assigned signer.
    ///
    /// # Errors
    /// `budget_not_found`, the core's `grant_*` codes for an invalid policy.
    pub fn grant_policy(&self, fp: &CertFingerprint, spec: &PolicySpec) -> Result<PolicyRecord> {
        let event = Event {
            action: "grant_policy",
            certificate: Some(crate::hex(&fp.0)),
            detail: Some(format!("{} approval step(s)", spec.steps.len())),
            ..Event::default()
        };
        self.logged(event, |_, _| {}, || self.bind_policy(fp, spec))
    }

    fn bind_policy(&self, fp: &CertFingerprint, spec: &PolicySpec) -> Result<PolicyRecord> {
        let budget = self.store.read_budget(fp)?;
        let record = PolicyRecord {
            fingerprint: crate::hex(&fp.0),
            signer: budget.record.signer.clone(),
            max_window_secs: spec.max_window_secs,
            max_signings: spec.max_signings,
            max_request_ttl_secs: spec.max_request_ttl_secs,
            steps: spec
                .steps
                .iter()
                .map(|(approvers, threshold)| StepRecord {
                    approvers: approvers.clone(),
                    threshold: *threshold,
                })
                .collect(),
        };
        record.to_core()?;
        let _lock = self.store.lock_grants()?;
        // The policy first, then the budget's note that it exists: a crash in
        // between leaves a policy in force, never a silently missing one.
        self.store.write_policy(&record)?;
        let mut budget = self.store.open_budget(fp, 1)?;
        if !budget.record().policy {
            let mut updated = budget.record().clone();
            updated.policy = true;
            budget.save(updated)?;
        }
        budget.close()?;
        Ok(record)
    }

    /// The signer policy bound to a certificate, if any.
    ///
    /// # Errors
    /// `state_incomplete` when the budget says a policy is bound but its file
    /// is missing; `state_record_damaged`.
    pub fn grant_policy_of(&self, fp: &CertFingerprint) -> Result<Option<PolicyRecord>> {
        let policy = self.store.read_policy(fp)?;
        if policy.is_none() && self.store.read_budget(fp)?.record.policy {
            return Err(Error::failed(
                "state_incomplete",
                format!(
                    "the signer policy of certificate {} is missing; without it nothing is signed",
                    crate::hex(&fp.0)
                ),
            )
            .with_hint("restore grants/policies/ from a backup"));
        }
        Ok(policy)
    }

    /// Opens a signing request, as the acting user, for a certificate's signer.
    ///
    /// # Errors
    /// `grant_no_policy`, the core's `grant_*` codes.
    pub fn grant_request(&self, fp: &CertFingerprint, spec: &RequestSpec) -> Result<RequestReport> {
        let event = Event {
            action: "grant_request",
            certificate: Some(crate::hex(&fp.0)),
            detail: spec.justification.clone(),
            ..Event::default()
        };
        self.logged(
            event,
            |r: &RequestReport, e| e.grant = Some(r.id),
            || self.open_request(fp, spec),
        )
    }

    fn open_request(&self, fp: &CertFingerprint, spec: &RequestSpec) -> Result<RequestReport> {
        let _lock = self.store.lock_grants()?;
        let policy_record = self.grant_policy_of(fp)?.ok_or_else(|| {
            Error::refused(
                "grant_no_policy",
                format!(
                    "certificate {} has no signer policy; signing needs no grant",
                    crate::hex(&fp.0)
                ),
            )
        })?;
        let policy = policy_record.to_core()?;
        let id = self
            .store
            .request_ids()?
            .last()
            .map_or(1, |last| last.saturating_add(1));
        let now = self.clock.now();
        let params = RequestParams {
            valid_from: spec.valid_from,
            valid_until: spec.valid_until,
            allowed_ops: spec.allowed_ops,
            justification: spec.justification.as_deref(),
        };
        let request = SigningRequest::open(RequestId(id), self.user.clone(), &policy, params, now)
            .map_err(|e| Error::from_core(&e))?;
        let file = RequestRecord {
            id,
            requester: self.user.to_string(),
            created_at: now.as_secs(),
            valid_from: spec.valid_from.map(UnixTime::as_secs),
            valid_until: spec.valid_until.map(UnixTime::as_secs),
            allowed_ops: spec.allowed_ops,
            justification: spec.justification.clone(),
            policy: policy_record,
            events: Vec::new(),
        };
        self.store.write_request(&file)?;
        Ok(request_report(&file, &request, None, now))
    }

    /// Approves, rejects or cancels a request as the acting user. The
    /// approval that completes the last step issues the grant, with its own
    /// operation ledger.
    ///
    /// # Errors
    /// `grant_unknown_request`, the core's `grant_*` codes.
    pub fn grant_decide(&self, id: u64, decision: &Decision) -> Result<RequestReport> {
        let event = Event {
            action: match decision {
                Decision::Approve => "grant_approve",
                Decision::Reject(_) => "grant_reject",
                Decision::Cancel => "grant_cancel",
            },
            grant: Some(id),
            detail: match decision {
                Decision::Reject(comment) => comment.clone(),
                _ => None,
            },
            ..Event::default()
        };
        self.logged(event, |_, _| {}, || self.decide(id, decision))
    }

    fn decide(&self, id: u64, decision: &Decision) -> Result<RequestReport> {
        let _lock = self.store.lock_grants()?;
        let mut file = self.store.read_request(id)?;
        let (mut request, _) = replay(&file)?;
        let now = self.clock.now();
        let by = &self.user;
        let outcome = match decision {
            Decision::Approve => request.approve(by, now).map(Some),
            Decision::Reject(comment) => request.reject(by, comment.as_deref(), now).map(|()| None),
            Decision::Cancel => request.cancel(by, now).map(|()| None),
        }
        .map_err(|e| Error::from_core(&e))?;
        if let Some(ApprovalOutcome::Granted(g)) = outcome {
            // The grant is created before the request's event: after a crash
            // in between, the repeated approval finds the grant (and its
            // ledger) and keeps it.
            if self.store.read_grant(id)?.is_none() {
                self.audit(&Event {
                    action: "grant_issue",
                    certificate: Some(file.policy.fingerprint.clone()),
                    grant: Some(id),
                    outcome: "ok".into(),
                    detail: Some(format!("to {}", g.grantee())),
                    ..Event::default()
                })?;
                self.store.create_grant(GrantRecord {
                    id: g.id().0,
                    fingerprint: file.policy.fingerprint.clone(),
                    signer: g.signer().to_string(),
                    grantee: g.grantee().to_string(),
                    valid_from: g.valid_from().as_secs(),
                    valid_until: g.valid_until().map(UnixTime::as_secs),
                    allowed_ops: g.allowed_ops(),
                    revoked: false,
                    ledger: LedgerBinding {
                        id: String::new(),
                        sequence: 0,
                        used: 0,
                    },
                })?;
            }
        }
        file.events.push(EventRecord {
            action: decision.action().to_string(),
            by: by.to_string(),
            at: now.as_secs(),
            comment: match decision {
                Decision::Reject(c) => c.clone(),
                _ => None,
            },
        });
        self.store.write_request(&file)?;
        let grant = self
            .store
            .read_grant(id)?
            .map(|g| grant_report(&g, now))
            .transpose()?;
        Ok(request_report(&file, &request, grant, now))
    }

    /// One request, with its grant and the grant's use.
    ///
    /// # Errors
    /// `grant_unknown_request`, `state_record_damaged`.
    pub fn grant_show(&self, id: u64) -> Result<RequestReport> {
        let file = self.store.read_request(id)?;
        let (request, _) = replay(&file)?;
        let now = self.clock.now();
        let grant = self
            .store
            .read_grant(id)?
            .map(|g| grant_report(&g, now))
            .transpose()?;
        Ok(request_report(&file, &request, grant, now))
    }

    /// Every request, oldest first (empty when there are none).
    ///
    /// # Errors
    /// As [`grant_show`](Self::grant_show).
    pub fn grant_list(&self) -> Result<Vec<RequestReport>> {
        self.store
            .request_ids()?
            .into_iter()
            .map(|id| self.grant_show(id))
            .collect()
    }

    /// The grants `user` holds for a certificate, oldest first.
    ///
    /// # Errors
    /// `state_record_damaged`, `state_ledger_*`.
    pub fn user_grants(&self, fp: &CertFingerprint, user: &UserId) -> Result<Vec<GrantReport>> {
        let now = self.clock.now();
        let fp_hex = crate::hex(&fp.0);
        let mut out = Vec::new();
        for id in self.store.request_ids()? {
            let Some(g) = self.store.read_grant(id)? else {
                continue;
            };
            if g.record.fingerprint == fp_hex && g.record.grantee == user.as_str() {
                out.push(grant_report(&g, now)?);
            }
        }
        Ok(out)
    }

    /// The grants `user` holds for a certificate that are active now.
    ///
    /// # Errors
    /// As [`user_grants`](Self::user_grants).
    pub fn active_grants(&self, fp: &CertFingerprint, user: &UserId) -> Result<Vec<GrantReport>> {
        let mut all = self.user_grants(fp, user)?;
        all.retain(|g| g.status == "active");
        Ok(all)
    }
}
