use super::*;
extern crate std;
use proptest::prelude::*;
use std::vec::Vec;

fn u(s: &str) -> UserId {
    UserId::new(s).unwrap()
}

fn policy() -> SignerPolicy {
    SignerPolicy::new(
        u("release-signer"),
        Some(500),
        Some(5),
        1_000,
        &[
            ApprovalStep::new(&[u("a"), u("b"), u("c")], 2).unwrap(),
            ApprovalStep::new(&[u("c"), u("d")], 1).unwrap(),
        ],
    )
    .unwrap()
}

fn open(now: i64) -> SigningRequest {
    SigningRequest::open(
        RequestId(7),
        u("req"),
        &policy(),
        RequestParams::default(),
        UnixTime(now),
    )
    .unwrap()
}

#[test]
fn policy_validation() {
    let step = ApprovalStep::new(&[u("a")], 1).unwrap();
    let s = core::slice::from_ref(&step);
    assert_eq!(
        SignerPolicy::new(u("s"), None, None, 10, s),
        Err(GrantError::NoLimit)
    );
    assert_eq!(
        SignerPolicy::new(u("s"), Some(0), None, 10, s),
        Err(GrantError::ZeroLimit)
    );
    assert_eq!(
        SignerPolicy::new(u("s"), None, Some(1), 0, s),
        Err(GrantError::ZeroTtl)
    );
    assert_eq!(
        SignerPolicy::new(u("s"), None, Some(1), 10, &[]),
        Err(GrantError::NoApprovalSteps)
    );
    let five = [
        step.clone(),
        step.clone(),
        step.clone(),
        step.clone(),
        step.clone(),
    ];
    assert_eq!(
        SignerPolicy::new(u("s"), None, Some(1), 10, &five),
        Err(GrantError::TooManySteps { max: MAX_STEPS })
    );
    assert!(SignerPolicy::new(u("s"), None, Some(1), 10, s).is_ok());
    assert!(SignerPolicy::new(u("s"), Some(1), None, 10, s).is_ok());
    assert_eq!(ApprovalStep::new(&[], 1), Err(GrantError::NoApprovers));
    assert_eq!(
        ApprovalStep::new(&[u("a")], 2),
        Err(GrantError::ThresholdOutOfRange {
            threshold: 2,
            eligible: 1
        })
    );
    assert_eq!(
        ApprovalStep::new(&[u("a")], 0).unwrap_err().code(),
        "grant_threshold_out_of_range"
    );
    assert_eq!(
        ApprovalStep::new(&[u("a"), u("a")], 1),
        Err(GrantError::DuplicateApprover)
    );
    let nine: Vec<UserId> = (0..9).map(|i| u(&std::format!("u{i}"))).collect();
    assert_eq!(
        ApprovalStep::new(&nine, 1),
        Err(GrantError::TooManyApprovers { max: MAX_APPROVERS })
    );
}

#[test]
fn omitted_values_mean_the_ceiling_and_excess_is_refused() {
    let r = open(100);
    assert_eq!(r.valid_from(), UnixTime(100));
    assert_eq!(r.valid_until(), Some(UnixTime(600)));
    assert_eq!(r.allowed_ops(), Some(5));
    assert_eq!(r.expires_at(), UnixTime(1_100));
    let p = policy();
    let ask = |params| SigningRequest::open(RequestId(1), u("req"), &p, params, UnixTime(100));
    assert_eq!(
        ask(RequestParams {
            valid_from: Some(UnixTime(200)),
            valid_until: Some(UnixTime(701)),
            ..Default::default()
        })
        .unwrap_err(),
        GrantError::WindowTooLong {
            max_secs: 500,
            requested_secs: 501
        }
    );
    assert_eq!(
        ask(RequestParams {
            valid_until: Some(UnixTime(100)),
            ..Default::default()
        })
        .unwrap_err(),
        GrantError::InvalidWindow
    );
    assert_eq!(
        ask(RequestParams {
            allowed_ops: Some(6),
            ..Default::default()
        })
        .unwrap_err(),
        GrantError::OperationsAboveCeiling { max: 5, requested: 6 }
    );
    assert_eq!(
        ask(RequestParams {
            allowed_ops: Some(0),
            ..Default::default()
        })
        .unwrap_err(),
        GrantError::ZeroOperations
    );
    let long = "j".repeat(TEXT_MAX + 1);
    assert_eq!(
        ask(RequestParams {
            justification: Some(&long),
            ..Default::default()
        })
        .unwrap_err(),
        GrantError::TextTooLong { max: TEXT_MAX }
    );
    let ok = ask(RequestParams {
        valid_from: Some(UnixTime(200)),
        valid_until: Some(UnixTime(700)),
        allowed_ops: Some(2),
        justification: Some("Release v2.4.0 signing"),
    })
    .unwrap();
    assert_eq!(
        (ok.valid_until(), ok.allowed_ops()),
        (Some(UnixTime(700)), Some(2))
    );
    assert_eq!(ok.justification(), "Release v2.4.0 signing");
}

#[test]
fn full_approval_flow_issues_a_grant() {
    let mut r = open(0);
    let t = UnixTime(10);
    assert_eq!(r.approve(&u("req"), t), Err(GrantError::OwnRequest));
    assert_eq!(r.approve(&u("d"), t), Err(GrantError::NotEligible { step: 0 }));
    assert_eq!(
        r.approve(&u("a"), t),
        Ok(ApprovalOutcome::Recorded {
            step: 0,
            approvals: 1,
            threshold: 2
        })
    );
    assert_eq!(r.approve(&u("a"), t), Err(GrantError::AlreadyApproved));
    assert_eq!(
        r.approve(&u("c"), t),
        Ok(ApprovalOutcome::StepComplete { next_step: 1 })
    );
    assert_eq!(r.approve(&u("b"), t), Err(GrantError::NotEligible { step: 1 }));
    assert_eq!(
        r.approve(&u("c"), t),
        Err(GrantError::AlreadyApproved),
        "one approval per person"
    );
    let Ok(ApprovalOutcome::Granted(mut g)) = r.approve(&u("d"), t) else {
        panic!("expected a grant")
    };
    assert_eq!(r.status(t), RequestStatus::Approved);
    assert_eq!(r.status(UnixTime(1_000_000)), RequestStatus::Approved);
    assert_eq!(
        r.cancel(&u("req"), t),
        Err(GrantError::NotOpen {
            status: RequestStatus::Approved
        })
    );
    assert_eq!(
        (g.id(), g.grantee(), g.signer()),
        (GrantId(7), &u("req"), &u("release-signer"))
    );
    let signer = u("release-signer");
    assert_eq!(g.reserve(&u("a"), &signer, t), Err(GrantError::NotGrantee));
    assert_eq!(g.reserve(&u("req"), &u("x"), t), Err(GrantError::WrongSigner));
    for i in 0..5 {
        let res = g.reserve(&u("req"), &signer, t).unwrap();
        if i == 0 {
            g.abort(res).unwrap();
            let res = g.reserve(&u("req"), &signer, t).unwrap();
            g.commit(res).unwrap();
        } else {
            g.commit(res).unwrap();
        }
    }
    assert_eq!(g.used(), 5);
    assert_eq!(
        g.reserve(&u("req"), &signer, t),
        Err(GrantError::GrantNotActive {
            status: GrantStatus::UsedUp
        })
    );
}

#[test]
fn grant_window_and_revocation() {
    let mut g = Grant::restore(SavedGrant {
        id: GrantId(1),
        signer: u("s"),
        grantee: u("g"),
        valid_from: UnixTime(100),
        valid_until: Some(UnixTime(200)),
        allowed_ops: None,
        used: 0,
        revoked: false,
    });
    assert_eq!(g.status(UnixTime(99)), GrantStatus::NotYetActive);
    assert_eq!(g.status(UnixTime(100)), GrantStatus::Active);
    assert_eq!(g.status(UnixTime(200)), GrantStatus::WindowEnded);
    let r = g.reserve(&u("g"), &u("s"), UnixTime(150)).unwrap();
    let mut other = g.clone();
    other.id = GrantId(2);
    assert_eq!(other.commit(r), Err(GrantError::ForeignReservation));
    g.revoke();
    assert_eq!(
        g.reserve(&u("g"), &u("s"), UnixTime(150)),
        Err(GrantError::GrantNotActive {
            status: GrantStatus::Revoked
        })
    );
}

#[test]
fn reject_cancel_and_expiry() {
    let mut r = open(0);
    assert_eq!(
        r.reject(&u("req"), None, UnixTime(1)),
        Err(GrantError::OwnRequest)
    );
    assert_eq!(
        r.reject(&u("d"), None, UnixTime(1)),
        Err(GrantError::NotEligible { step: 0 })
    );
    r.reject(&u("b"), Some("not this release"), UnixTime(1)).unwrap();
    assert_eq!(r.status(UnixTime(1)), RequestStatus::Rejected);
    assert_eq!(r.rejection(), Some((&u("b"), Some("not this release"))));
    assert!(r.approve(&u("a"), UnixTime(2)).is_err());

    let mut r = open(0);
    assert_eq!(r.cancel(&u("a"), UnixTime(1)), Err(GrantError::NotRequester));
    r.cancel(&u("req"), UnixTime(1)).unwrap();
    assert_eq!(r.status(UnixTime(1)), RequestStatus::Cancelled);

    let mut r = open(0);
    r.approve(&u("a"), UnixTime(999)).unwrap();
    assert_eq!(r.status(UnixTime(999)), RequestStatus::Open);
    assert_eq!(r.status(UnixTime(1_000)), RequestStatus::Expired);
    assert_eq!(
        r.approve(&u("b"), UnixTime(1_000)),
        Err(GrantError::NotOpen {
            status: RequestStatus::Expired
        })
    );
    // Expiry was recorded: it stays expired even if asked about an earlier time.
    assert_eq!(r.status(UnixTime(0)), RequestStatus::Expired);
}

#[derive(Debug, Clone)]
enum Op {
    Approve(usize),
    Reject(usize),
    Cancel(usize),
    Advance(i64),
    Reserve(usize),
    Commit,
    Abort,
}

const USERS: [&str; 6] = ["req", "a", "b", "c", "d", "e"];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..USERS.len()).prop_map(Op::Approve),
        1 => (0..USERS.len()).prop_map(Op::Reject),
        1 => (0..USERS.len()).prop_map(Op::Cancel),
        2 => (0i64..300).prop_map(Op::Advance),
        3 => (0..USERS.len()).prop_map(Op::Reserve),
        2 => Just(Op::Commit),
        1 => Just(Op::Abort),
    ]
}

proptest! {
    #[test]
    fn state_machine_invariants(ops in proptest::collection::vec(op(), 0..60)) {
        let policy = policy();
        let mut req = SigningRequest::open(RequestId(1), u("req"), &policy, RequestParams::default(), UnixTime(0)).unwrap();
        let mut now = UnixTime(0);
        let mut grant: Option<Grant> = None;
        let mut held: Vec<GrantReservation> = Vec::new();
        let mut terminal: Option<RequestStatus> = None;
        for op in ops {
            let before_step = req.current_step();
            let before_status = req.status(now);
            match op {
                Op::Approve(i) => {
                    let user = u(USERS[i]);
                    let eligible = before_status == RequestStatus::Open
                        && i != 0
                        && policy.steps()[before_step].approvers().contains(&user)
                        && !req.approvals().iter().any(|(_, a)| *a == user);
                    match req.approve(&user, now) {
                        Ok(outcome) => {
                            prop_assert!(eligible, "approval without eligibility: {user}");
                            if let ApprovalOutcome::Granted(g) = outcome {
                                prop_assert!(grant.is_none(), "two grants");
                                for (s, step) in policy.steps().iter().enumerate() {
                                    let n = req.approvals().iter().filter(|(k, _)| *k == s).count();
                                    prop_assert!(n >= usize::from(step.threshold()));
                                }
                                grant = Some(g);
                            }
                        }
                        Err(_) => prop_assert!(!eligible),
                    }
                }
                Op::Reject(i) => {
                    let r = req.reject(&u(USERS[i]), Some("no"), now);
                    if r.is_ok() {
                        prop_assert_eq!(before_status, RequestStatus::Open);
                        prop_assert!(i != 0 && policy.steps()[before_step].approvers().contains(&u(USERS[i])));
                    }
                }
                Op::Cancel(i) => {
                    let r = req.cancel(&u(USERS[i]), now);
                    prop_assert_eq!(r.is_ok(), before_status == RequestStatus::Open && i == 0);
                }
                Op::Advance(secs) => now = now.saturating_add(secs),
                Op::Reserve(i) => {
                    if let Some(g) = grant.as_mut() {
                        let before = g.consumed();
                        match g.reserve(&u(USERS[i]), &u("release-signer"), now) {
                            Ok(r) => held.push(r),
                            Err(_) => prop_assert_eq!(g.consumed(), before, "a refusal consumes nothing"),
                        }
                    }
                }
                Op::Commit => {
                    if let (Some(g), Some(r)) = (grant.as_mut(), held.pop()) {
                        g.commit(r).unwrap();
                    }
                }
                Op::Abort => {
                    if let (Some(g), Some(r)) = (grant.as_mut(), held.pop()) {
                        g.abort(r).unwrap();
                    }
                }
            }
            let status = req.status(now);
            if let Some(t) = terminal {
                prop_assert_eq!(status, t, "terminal states stay terminal");
            } else if status.is_terminal() {
                terminal = Some(status);
            }
            // Grant issued iff approved, iff every step reached its threshold.
            prop_assert_eq!(grant.is_some(), status == RequestStatus::Approved);
            prop_assert_eq!(grant.is_some(), req.current_step() == policy.steps().len());
            if let Some(g) = &grant {
                prop_assert!(g.consumed() <= g.allowed_ops().unwrap());
                prop_assert!(g.used() <= 5);
            }
        }
    }
}

#[test]
fn actions_dated_before_the_request_are_refused() {
    let mut r = open(1_000);
    let early = UnixTime(999);
    let refusal = GrantError::BeforeRequest {
        created_at: UnixTime(1_000),
        at: early,
    };
    let before = Err(refusal);
    assert_eq!(r.approve(&u("a"), early).map(|_| ()), before);
    assert_eq!(r.reject(&u("a"), None, early), before);
    assert_eq!(r.cancel(&u("req"), early), before);
    assert_eq!(refusal.code(), "grant_before_request");
    // Nothing was recorded: the same approval at the opening time counts.
    assert!(r.approvals().is_empty());
    assert!(r.approve(&u("a"), UnixTime(1_000)).is_ok());
}

#[test]
fn a_reservation_settles_only_on_the_grant_instance_that_issued_it() {
    let saved = SavedGrant {
        id: GrantId(3),
        signer: u("release-signer"),
        grantee: u("req"),
        valid_from: UnixTime(0),
        valid_until: None,
        allowed_ops: Some(5),
        used: 0,
        revoked: false,
    };
    let mut a = Grant::restore(saved.clone());
    let mut b = Grant::restore(saved);
    assert_eq!(a, b, "equal by content");
    let ra = a.reserve(&u("req"), &u("release-signer"), UnixTime(1)).unwrap();
    let _rb = b.reserve(&u("req"), &u("release-signer"), UnixTime(1)).unwrap();
    assert_eq!(b.commit(ra), Err(GrantError::ForeignReservation));
    assert_eq!((b.used(), b.pending()), (0, 1));
}
