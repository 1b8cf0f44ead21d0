//! Arbitrary operation sequences against a signature budget (with its counter
//! store) and a signing request with its grants.
//!
//! The harness keeps the few facts each operation depends on (fingerprint,
//! revocation, validity, signer, count) and checks every outcome against the
//! documented preconditions: an operation succeeds exactly when they hold.
//!
//! Invariants: never more signatures than allowed (a budget reservation only
//! below its total, a grant never past its operations); no illegal
//! transition (a terminal request stays terminal, approvals only by eligible
//! non-requesters of the current step, one grant per request); a refusal
//! consumes and changes nothing; reservations from a crashed or replaced
//! store, or from another grant, are refused.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use signet_core::budget::{
    Actor, Budget, BudgetError, BudgetReservation, CertFingerprint, Purchase, Role, UsageLevel, UserId,
    Validity,
};
use signet_core::counter::{CounterStore, MAX_OUTSTANDING, MemoryCounterStore};
use signet_core::grant::{
    ApprovalOutcome, ApprovalStep, Grant, GrantError, GrantId, GrantReservation, GrantStatus, RequestId,
    RequestParams, RequestStatus, SavedGrant, SignerPolicy, SigningRequest,
};
use signet_core::time::UnixTime;

const USERS: usize = 6;
const T0: i64 = 1_000_000;

#[derive(Arbitrary, Debug)]
struct Input {
    allotment: u8,
    not_before: u16,
    validity_len: u16,
    signer: u8,
    max_window: Option<u16>,
    max_signings: Option<u8>,
    ttl: u16,
    steps: Vec<(Vec<u8>, u8)>,
    requester: u8,
    valid_from: Option<i16>,
    valid_until: Option<i16>,
    allowed_ops: Option<u8>,
    justification: u16,
    restored: Option<(u64, u8, u8, Option<u8>, u8, bool)>,
    ops: Vec<Op>,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum RoleSpec {
    Administrator,
    Manager,
    StandardUser,
    LimitedUser,
    FinanceManager,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
struct ActorSpec {
    user: u8,
    role: RoleSpec,
    subaccount: bool,
    lead: bool,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum PurchaseSpec {
    Block1000,
    Block5000,
    Block10000,
    Custom(u64),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Op {
    Tick(u16),
    Buy {
        actor: ActorSpec,
        right_fp: bool,
        purchase: PurchaseSpec,
    },
    Revoke {
        right_fp: bool,
    },
    Assign {
        actor: ActorSpec,
        right_fp: bool,
        to: u8,
    },
    Reserve {
        signer: u8,
        right_fp: bool,
    },
    Commit(u8),
    Abort(u8),
    Crash,
    Renew {
        allotment: u8,
        validity_len: u16,
    },
    Approve(u8),
    Reject {
        user: u8,
        comment: Option<u16>,
    },
    Cancel(u8),
    GrantReserve {
        grant: bool,
        grantee: u8,
        signer: u8,
    },
    GrantSettle {
        reservation: u8,
        on: bool,
        commit: bool,
    },
    GrantRevoke(bool),
}

fn user(i: u8) -> UserId {
    UserId::new(&format!("user{}", usize::from(i) % USERS)).unwrap()
}

fn role(r: RoleSpec) -> Role {
    match r {
        RoleSpec::Administrator => Role::Administrator,
        RoleSpec::Manager => Role::Manager,
        RoleSpec::StandardUser => Role::StandardUser,
        RoleSpec::LimitedUser => Role::LimitedUser,
        RoleSpec::FinanceManager => Role::FinanceManager,
    }
}

/// The budget's observable fields, to show that a refusal changed nothing.
fn snapshot(b: &Budget) -> (u64, u64, bool, UserId, u64) {
    (
        b.allotment(),
        b.purchased(),
        b.is_revoked(),
        b.signer().clone(),
        b.total(),
    )
}

struct Budgets {
    budget: Budget,
    generation: u8,
    store: MemoryCounterStore,
    held: Vec<BudgetReservation>,
    stale: Vec<BudgetReservation>,
}

struct Grants {
    request: Option<SigningRequest>,
    policy_max_signings: Option<u32>,
    policy_max_window: Option<u64>,
    issued: Option<Grant>,
    restored: Option<Grant>,
    /// (which grant issued it, the reservation)
    held: Vec<(bool, GrantReservation)>,
    terminal: Option<RequestStatus>,
}

fuzz_target!(|input: Input| {
    let mut now = UnixTime(T0);
    let fp = |generation: u8| CertFingerprint([generation; 32]);
    let validity = |len: u16| Validity {
        not_before: UnixTime(T0 + i64::from(input.not_before)),
        not_after: UnixTime(T0 + i64::from(input.not_before) + i64::from(len)),
    };
    let budget = Budget::with_allotment(
        fp(0),
        validity(input.validity_len),
        user(input.signer),
        u64::from(input.allotment),
    )
    .unwrap();
    let mut b = Budgets {
        budget,
        generation: 0,
        store: MemoryCounterStore::new(),
        held: Vec::new(),
        stale: Vec::new(),
    };
    let mut g = setup_grants(&input, now);

    for op in input.ops.iter().take(512).copied() {
        match op {
            Op::Tick(secs) => now = now.saturating_add(i64::from(secs)),
            Op::Buy { .. }
            | Op::Revoke { .. }
            | Op::Assign { .. }
            | Op::Reserve { .. }
            | Op::Commit(_)
            | Op::Abort(_)
            | Op::Crash
            | Op::Renew { .. } => budget_op(&mut b, op, now, fp, validity),
            _ => grant_op(&mut g, op, now),
        }
        if let Some(req) = &g.request {
            let status = req.status(now);
            match g.terminal {
                Some(t) => assert_eq!(status, t, "a terminal request changed status"),
                None if status.is_terminal() => g.terminal = Some(status),
                None => {}
            }
        }
    }
});

fn budget_op(
    b: &mut Budgets,
    op: Op,
    now: UnixTime,
    fp: impl Fn(u8) -> CertFingerprint,
    validity: impl Fn(u16) -> Validity,
) {
    let before = snapshot(&b.budget);
    let usage = b.store.usage();
    let v = b.budget.validity();
    let in_time = v.not_before <= now && now <= v.not_after;
    let generation = b.generation;
    let presented = |right: bool| {
        if right {
            fp(generation)
        } else {
            fp(generation.wrapping_add(1))
        }
    };
    match op {
        Op::Buy {
            actor,
            right_fp,
            purchase,
        } => {
            let a = Actor {
                id: user(actor.user),
                role: role(actor.role),
                subaccount: actor.subaccount,
                keylocker_lead: actor.lead,
            };
            let p = match purchase {
                PurchaseSpec::Block1000 => Purchase::Block1000,
                PurchaseSpec::Block5000 => Purchase::Block5000,
                PurchaseSpec::Block10000 => Purchase::Block10000,
                PurchaseSpec::Custom(n) => Purchase::Custom(n),
            };
            let fits = b
                .budget
                .allotment()
                .checked_add(b.budget.purchased())
                .and_then(|t| t.checked_add(p.count()));
            let allowed = right_fp
                && !b.budget.is_revoked()
                && in_time
                && !a.subaccount
                && a.role.may_buy()
                && p.count() > 0
                && fits.is_some();
            match b.budget.buy(&a, &presented(right_fp), p, now) {
                Ok(total) => {
                    assert!(allowed, "purchase allowed wrongly: {a:?} {p:?}");
                    assert_eq!(Some(total), fits);
                    assert_eq!(b.budget.total(), total);
                }
                Err(e) => {
                    assert!(!allowed, "purchase refused wrongly: {e:?}");
                    assert_eq!(
                        snapshot(&b.budget),
                        before,
                        "a refused purchase changed the budget"
                    );
                }
            }
        }
        Op::Revoke { right_fp } => {
            let allowed = right_fp && !b.budget.is_revoked();
            match b.budget.revoke(&presented(right_fp)) {
                Ok(()) => {
                    assert!(allowed);
                    assert!(b.budget.is_revoked());
                    assert_eq!(b.budget.total(), 0);
                    assert_eq!(b.budget.remaining(&b.store.usage(), now), 0);
                }
                Err(_) => {
                    assert!(!allowed);
                    assert_eq!(snapshot(&b.budget), before);
                }
            }
        }
        Op::Assign { actor, right_fp, to } => {
            let a = Actor {
                id: user(actor.user),
                role: role(actor.role),
                subaccount: actor.subaccount,
                keylocker_lead: actor.lead,
            };
            let allowed = right_fp && !b.budget.is_revoked() && a.keylocker_lead;
            match b.budget.assign_signer(&a, &presented(right_fp), user(to)) {
                Ok(()) => {
                    assert!(allowed);
                    assert_eq!(*b.budget.signer(), user(to));
                }
                Err(_) => {
                    assert!(!allowed);
                    assert_eq!(snapshot(&b.budget), before);
                }
            }
        }
        Op::Reserve { signer, right_fp } => {
            let total = b.budget.total();
            let preconditions =
                right_fp && !b.budget.is_revoked() && in_time && user(signer) == *b.budget.signer();
            let allowed = preconditions && usage.used() < total && b.held.len() < MAX_OUTSTANDING;
            match b
                .budget
                .reserve(&mut b.store, &user(signer), &presented(right_fp), now)
            {
                Ok(r) => {
                    assert!(allowed, "reserved wrongly: used {} of {total}", usage.used());
                    let after = b.store.usage();
                    assert_eq!(after.used(), usage.used() + 1);
                    assert!(after.used() <= total, "more signatures than allowed");
                    assert_eq!(r.index(), usage.next_index);
                    b.held.push(r);
                }
                Err(e) => {
                    assert!(!allowed, "reserve refused wrongly: {e:?}");
                    if preconditions && usage.used() >= total {
                        assert_eq!(
                            e,
                            BudgetError::Exhausted {
                                total,
                                used: usage.used()
                            }
                        );
                    }
                    assert_eq!(
                        b.store.usage(),
                        usage,
                        "a refused reservation consumed a signature"
                    );
                }
            }
            assert_eq!(snapshot(&b.budget), before);
        }
        Op::Commit(which) | Op::Abort(which) => {
            let commit = matches!(op, Op::Commit(_));
            let from_stale = which % 2 == 1 && !b.stale.is_empty();
            let pool = if from_stale { &mut b.stale } else { &mut b.held };
            if pool.is_empty() {
                return;
            }
            let r = pool.swap_remove(usize::from(which / 2) % pool.len());
            if commit {
                match b.budget.commit(&mut b.store, r) {
                    Ok(report) => {
                        assert!(
                            !from_stale,
                            "a reservation of a crashed or replaced store was committed"
                        );
                        let after = b.store.usage();
                        assert_eq!(after.committed, usage.committed + 1);
                        assert_eq!(after.used(), usage.used());
                        assert_eq!(
                            report.level,
                            UsageLevel::of(report.used, report.used + report.remaining)
                        );
                        let before_level = UsageLevel::of(report.used - 1, report.used + report.remaining);
                        assert_eq!(
                            report.crossed,
                            (report.level > before_level).then_some(report.level)
                        );
                    }
                    Err(e) => {
                        assert!(from_stale, "own reservation refused: {e:?}");
                        assert_eq!(b.store.usage(), usage);
                    }
                }
            } else {
                match b.budget.abort(&mut b.store, r) {
                    Ok(()) => {
                        assert!(
                            !from_stale,
                            "a reservation of a crashed or replaced store was aborted"
                        );
                        assert_eq!(
                            b.store.usage().used(),
                            usage.used() - 1,
                            "an abort did not give back"
                        );
                    }
                    Err(e) => {
                        assert!(from_stale, "own reservation refused: {e:?}");
                        assert_eq!(b.store.usage(), usage);
                    }
                }
            }
        }
        Op::Crash => {
            let store = core::mem::take(&mut b.store);
            let (store, recovery) = store.crash();
            assert_eq!(recovery.usage, usage);
            assert_eq!(recovery.lost, usage.pending());
            assert!(usage.pending() >= usize_u64(b.held.len()));
            b.store = store;
            b.stale.append(&mut b.held);
            b.stale.truncate(64);
        }
        Op::Renew {
            allotment,
            validity_len,
        } => {
            let next = fp(b.generation.wrapping_add(2));
            let renewed = b
                .budget
                .renew(next, validity(validity_len), u64::from(allotment))
                .unwrap();
            assert_eq!(snapshot(&b.budget), before, "renewing changed the old budget");
            assert_eq!(renewed.signer(), b.budget.signer());
            assert_eq!(renewed.purchased(), 0, "purchases carried over");
            b.budget = renewed;
            b.generation = b.generation.wrapping_add(2);
            b.store = MemoryCounterStore::new();
            b.stale.append(&mut b.held);
            b.stale.truncate(64);
        }
        _ => unreachable!(),
    }
    assert!(b.store.usage().is_consistent());
}

fn usize_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap()
}

fn setup_grants(input: &Input, now: UnixTime) -> Grants {
    let steps: Vec<ApprovalStep> = input
        .steps
        .iter()
        .take(6)
        .filter_map(|(approvers, threshold)| {
            let approvers: Vec<UserId> = approvers.iter().take(10).map(|&u| user(u)).collect();
            ApprovalStep::new(&approvers, *threshold).ok()
        })
        .collect();
    let policy = SignerPolicy::new(
        user(input.signer),
        input.max_window.map(u64::from),
        input.max_signings.map(u32::from),
        u64::from(input.ttl),
        &steps,
    );
    let justification = "j".repeat(usize::from(input.justification) % 300);
    let request = policy.as_ref().ok().and_then(|policy| {
        let params = RequestParams {
            valid_from: input.valid_from.map(|s| now.saturating_add(i64::from(s))),
            valid_until: input.valid_until.map(|s| now.saturating_add(i64::from(s))),
            allowed_ops: input.allowed_ops.map(u32::from),
            justification: Some(&justification),
        };
        let opened = SigningRequest::open(RequestId(7), user(input.requester), policy, params, now);
        if let Ok(req) = &opened {
            if let (Some(max), Some(ops)) = (policy.max_signings(), req.allowed_ops()) {
                assert!(ops <= max);
            }
            if let (Some(max), Some(until)) = (policy.max_window_secs(), req.valid_until()) {
                assert!(until.0 - req.valid_from().0 <= i64::try_from(max).unwrap());
            }
            assert!(policy.max_window_secs().is_none() || req.valid_until().is_some());
            assert!(policy.max_signings().is_none() || req.allowed_ops().is_some());
        }
        opened.ok()
    });
    let restored = input.restored.map(|(id, signer, grantee, ops, used, revoked)| {
        Grant::restore(SavedGrant {
            id: GrantId(id % 10),
            signer: user(signer),
            grantee: user(grantee),
            valid_from: now,
            valid_until: None,
            allowed_ops: ops.map(u32::from),
            used: u32::from(used),
            revoked,
        })
    });
    Grants {
        policy_max_signings: policy.as_ref().ok().and_then(SignerPolicy::max_signings),
        policy_max_window: policy.as_ref().ok().and_then(SignerPolicy::max_window_secs),
        request,
        issued: None,
        restored,
        held: Vec::new(),
        terminal: None,
    }
}

fn grant_op(g: &mut Grants, op: Op, now: UnixTime) {
    match op {
        Op::Approve(u) | Op::Reject { user: u, .. } | Op::Cancel(u) => {
            let Some(req) = g.request.as_mut() else { return };
            let before = req.clone();
            let status = req.status(now);
            let who = user(u);
            let step = req.current_step();
            let eligible = req
                .policy()
                .steps()
                .get(step)
                .is_some_and(|s| s.approvers().contains(&who));
            let already = req.approvals().iter().any(|(_, a)| *a == who);
            let open = status == RequestStatus::Open;
            let result: Result<Option<Grant>, GrantError> = match op {
                Op::Approve(_) => {
                    let allowed = open && who != *req.requester() && eligible && !already;
                    let r = req.approve(&who, now);
                    assert_eq!(r.is_ok(), allowed, "approve: {r:?}");
                    r.map(|outcome| match outcome {
                        ApprovalOutcome::Granted(grant) => Some(grant),
                        ApprovalOutcome::StepComplete { next_step } => {
                            assert_eq!(next_step, step + 1);
                            None
                        }
                        ApprovalOutcome::Recorded {
                            step: s,
                            approvals,
                            threshold,
                        } => {
                            assert_eq!(s, step);
                            assert!(approvals < threshold);
                            None
                        }
                    })
                }
                Op::Reject { comment, .. } => {
                    let text = comment.map(|n| "c".repeat(usize::from(n) % 300));
                    let fits = text.as_ref().is_none_or(|t| t.len() <= 256);
                    let allowed = open && who != *req.requester() && eligible && fits;
                    let r = req.reject(&who, text.as_deref(), now);
                    assert_eq!(r.is_ok(), allowed, "reject: {r:?}");
                    r.map(|()| None)
                }
                _ => {
                    let allowed = open && who == *req.requester();
                    let r = req.cancel(&who, now);
                    assert_eq!(r.is_ok(), allowed, "cancel: {r:?}");
                    r.map(|()| None)
                }
            };
            match result {
                Err(_) => {
                    // Nothing changes, except that an expiry is recorded.
                    assert_eq!(req.status(now), status);
                    assert_eq!(req.approvals(), before.approvals());
                    assert_eq!(req.current_step(), before.current_step());
                    assert_eq!(req.rejection(), before.rejection());
                }
                Ok(grant) => {
                    if let Some(grant) = grant {
                        assert!(g.issued.is_none(), "a second grant for one request");
                        assert_eq!(req.status(now), RequestStatus::Approved);
                        assert_eq!(req.current_step(), req.policy().steps().len());
                        for (i, s) in req.policy().steps().iter().enumerate() {
                            let n = req.approvals().iter().filter(|(step, _)| *step == i).count();
                            assert_eq!(n, usize::from(s.threshold()), "step {i} under- or over-approved");
                        }
                        assert_eq!(grant.grantee(), req.requester());
                        assert_eq!(grant.signer(), req.policy().signer());
                        assert_eq!(grant.id(), GrantId(req.id().0));
                        if let (Some(max), Some(ops)) = (g.policy_max_signings, grant.allowed_ops()) {
                            assert!(ops <= max);
                        }
                        if let (Some(max), Some(until)) = (g.policy_max_window, grant.valid_until()) {
                            assert!(until.0 - grant.valid_from().0 <= i64::try_from(max).unwrap());
                        }
                        assert_eq!((grant.used(), grant.pending()), (0, 0));
                        g.issued = Some(grant);
                    }
                }
            }
            let status = req.status(now);
            if status.is_terminal() {
                if let Some(t) = g.terminal {
                    assert_eq!(t, status);
                }
                g.terminal = Some(status);
            }
        }
        Op::GrantReserve {
            grant,
            grantee,
            signer,
        } => {
            let Some(target) = (if grant {
                g.issued.as_mut()
            } else {
                g.restored.as_mut()
            }) else {
                return;
            };
            let before = target.clone();
            let active = target.status(now) == GrantStatus::Active;
            let allowed = active && user(grantee) == *target.grantee() && user(signer) == *target.signer();
            match target.reserve(&user(grantee), &user(signer), now) {
                Ok(r) => {
                    assert!(allowed, "grant reserved wrongly");
                    assert_eq!(target.pending(), before.pending() + 1);
                    if let Some(max) = target.allowed_ops() {
                        assert!(
                            target.consumed() <= max.max(before.consumed()),
                            "grant over-spent"
                        );
                    }
                    g.held.push((grant, r));
                }
                Err(e) => {
                    assert!(!allowed, "grant reserve refused wrongly: {e:?}");
                    assert_eq!(*target, before, "a refused grant reservation changed the grant");
                }
            }
        }
        Op::GrantSettle {
            reservation,
            on,
            commit,
        } => {
            if g.held.is_empty() {
                return;
            }
            let (from, r) = g.held.swap_remove(usize::from(reservation) % g.held.len());
            let ids = (
                g.issued.as_ref().map(Grant::id),
                g.restored.as_ref().map(Grant::id),
            );
            let from_id = if from { ids.0 } else { ids.1 };
            let Some(target) = (if on {
                g.issued.as_mut()
            } else {
                g.restored.as_mut()
            }) else {
                return;
            };
            let before = target.clone();
            let foreign = Some(target.id()) != from_id;
            let result = if commit {
                target.commit(r).map(|_| ())
            } else {
                target.abort(r)
            };
            match result {
                Ok(()) => {
                    assert!(!foreign, "a reservation of another grant was accepted");
                    assert_eq!(target.pending() + 1, before.pending());
                    assert_eq!(target.used(), before.used() + u32::from(commit));
                }
                Err(e) => {
                    assert!(foreign || before.pending() == 0, "own reservation refused: {e:?}");
                    assert_eq!(*target, before);
                }
            }
        }
        Op::GrantRevoke(which) => {
            if let Some(target) = if which {
                g.issued.as_mut()
            } else {
                g.restored.as_mut()
            } {
                target.revoke();
                assert_eq!(target.status(now), GrantStatus::Revoked);
            }
        }
        _ => unreachable!(),
    }
    if let Some(issued) = &g.issued
        && let Some(max) = issued.allowed_ops()
    {
        assert!(issued.consumed() <= max, "more grant operations than allowed");
    }
}
