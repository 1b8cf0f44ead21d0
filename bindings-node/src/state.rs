//! A state directory through `signet-host`: the `State` class, one method
//! per host operation. Each method converts its arguments, calls the host
//! and returns the host's report as JSON text (`index.js` parses it), so
//! Node sees exactly the keys `signet --json` prints. Signing and verifying
//! also run as napi `AsyncTask`s on the libuv thread pool.
//!
//! # Closing
//! The host opens a ledger for each operation and closes it before
//! returning, so a `State` holds no ledger lock between calls. `close()`
//! drops the host state (the signing key with it) at once; it is refused with
//! `state_busy` while an asynchronous operation still holds it. Each task
//! holds the state only until its work is done, not until garbage collection.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use napi::bindgen_prelude::{AsyncTask, Buffer, Either};
use napi::{Env, Task};
use napi_derive::napi;
use signet_core::budget::{Actor, CertFingerprint};
use signet_core::token::KeyType;
use signet_host::{
    self as host, BudgetInit, Clock, Decision, ExpectedSigner, InitOptions, OpenOptions, Output, PolicySpec,
    RequestSpec, SignOptions,
};

use crate::error::{Failure, OrThrow, Res};
use crate::num::{opt, time_arg, u32_arg, u64_arg};
use crate::objects::{Step, role, steps};

type Shared = Arc<host::State>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn json<T: serde::Serialize>(report: &T) -> Res<String> {
    serde_json::to_string(report)
        .map_err(|e| Failure::new("js_panic", format!("a report could not be converted: {e}")))
}

/// How to open: the acting user and the clock (`now` fixes it).
#[napi(object)]
pub struct OpenArgs {
    /// The acting user (default: the OS user).
    pub user: Option<String>,
    /// A fixed time: seconds since the epoch or RFC 3339 text.
    pub now: Option<Either<f64, String>>,
    /// The PIN of a key on a PKCS#11 token (`openState` only).
    pub pin: Option<String>,
}

fn open_options(a: &OpenArgs) -> Res<OpenOptions> {
    Ok(OpenOptions {
        user: a.user.clone(),
        clock: match &a.now {
            Some(t) => Clock::Fixed(time_arg("now", t.clone())?),
            None => Clock::System,
        },
        notice: None,
        store: None,
    })
}

/// What `init` makes.
#[napi(object)]
pub struct InitArgs {
    /// Core key type name: `ecc-p256` (default), `ecc-p384`, `rsa-3072`, `rsa-4096`.
    pub key_type: Option<String>,
    /// Signatures in the certificate's budget.
    pub budget: Option<f64>,
    /// Days of certificate validity.
    pub days: Option<f64>,
    /// The assigned signer (default: the acting user).
    pub signer: Option<String>,
    /// Replace an existing signer.
    pub force: Option<bool>,
    /// A key on a PKCS#11 token, by its RFC 7512 URI (a production state).
    pub token: Option<String>,
    /// Generate the key on the token.
    pub generate: Option<bool>,
}

fn init_options(a: InitArgs) -> Res<InitOptions> {
    if a.generate == Some(true) && a.token.is_none() {
        return Err(Failure::new(
            "conflicting_options",
            "generate makes a key on a PKCS#11 token: pass token: \"pkcs11:...\"",
        ));
    }
    let defaults = InitOptions::default();
    Ok(InitOptions {
        key_type: match a.key_type {
            Some(name) => name.parse::<KeyType>().map_err(|e| Failure::core(&e))?,
            None => defaults.key_type,
        },
        budget: opt(a.budget, |n| u64_arg("budget", n))?.unwrap_or(defaults.budget),
        days: opt(a.days, |n| u32_arg("days", n))?.unwrap_or(defaults.days),
        signer: a.signer,
        force: a.force.unwrap_or(defaults.force),
        token: a.token.map(|uri| host::TokenKey {
            uri,
            generate: a.generate.unwrap_or(false),
        }),
        ..defaults
    })
}

fn state_dir(path: Option<String>) -> Res<PathBuf> {
    Ok(host::layout::resolve_state_dir(path.as_deref().map(Path::new))?)
}

fn wrap(state: host::State, created: bool) -> State {
    State {
        inner: Mutex::new(Some(Arc::new(state))),
        created,
    }
}

/// Opens the state in `path` (default: `$SIGNET_STATE`, else the XDG data
/// directory), checking every part of it.
#[napi(catch_unwind)]
pub fn open_state(env: Env, path: Option<String>, open: OpenArgs) -> napi::Result<State> {
    let run = || -> Res<State> {
        let options = open_options(&open)?;
        let dir = state_dir(path)?;
        let pin = open.pin.map(zeroize::Zeroizing::new);
        let state = match pin {
            Some(pin) => host::State::open_with_pin(&dir, options, &pin)?,
            None => host::State::open(&dir, options)?,
        };
        Ok(wrap(state, false))
    };
    run().or_throw(&env)
}

/// Creates a development state in `path` (or replaces its signer with `force`).
#[napi(catch_unwind)]
pub fn init_state(env: Env, path: String, open: OpenArgs, init: InitArgs) -> napi::Result<State> {
    let run = || -> Res<State> {
        let state = host::State::init(Path::new(&path), open_options(&open)?, &init_options(init)?)?;
        Ok(wrap(state, true))
    };
    run().or_throw(&env)
}

/// Opens the state in `path`, creating a development state first only if
/// `path` does not exist at all.
#[napi(catch_unwind)]
pub fn open_or_create_state(
    env: Env,
    path: Option<String>,
    open: OpenArgs,
    init: InitArgs,
) -> napi::Result<State> {
    let run = || -> Res<State> {
        let (state, created) =
            host::State::open_or_create(&state_dir(path)?, open_options(&open)?, &init_options(init)?)?;
        Ok(wrap(state, created))
    };
    run().or_throw(&env)
}

fn expected_signer(cert: Option<Buffer>, any_signer: Option<bool>) -> Res<ExpectedSigner> {
    match (cert, any_signer.unwrap_or(false)) {
        (Some(_), true) => Err(Failure::new(
            "conflicting_options",
            "give either \"cert\" or \"anySigner\", not both",
        )),
        (Some(der), false) => Ok(ExpectedSigner::Certificate(host::key::certificate_der(
            &der, "cert",
        )?)),
        (None, true) => Ok(ExpectedSigner::AnySigner),
        (None, false) => Ok(ExpectedSigner::StateCertificate),
    }
}

/// Verifies a file against its detached CMS signature without a state: the
/// expected signer's certificate (`cert`) or `anySigner` is needed.
#[napi(catch_unwind)]
pub fn verify_file(
    env: Env,
    file: String,
    signature: Option<String>,
    cert: Option<Buffer>,
    any_signer: Option<bool>,
) -> napi::Result<String> {
    let run = || -> Res<String> {
        let expect = expected_signer(cert, any_signer)?;
        let sig = signature.as_deref().map(Path::new);
        json(&host::sign::verify_file(Path::new(&file), sig, &expect, None)?)
    };
    run().or_throw(&env)
}

/// The work of one call, run with the state.
type Job = Box<dyn FnOnce(&host::State) -> Res<String> + Send>;

/// A host operation on the libuv thread pool. It holds the state until its
/// work is done (then drops it on the pool thread), so `close()` succeeds
/// as soon as nothing is in flight.
pub struct Op(Option<(Shared, Job)>);

impl Task for Op {
    type Output = Res<String>;
    type JsValue = String;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let taken = self.0.take();
        // A panic must not unwind across the pool thread.
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || match taken {
            Some((state, job)) => job(&state),
            None => Err(Failure::new("task_reused", "the task ran twice")),
        }));
        Ok(out.unwrap_or_else(|_| Err(Failure::new("js_panic", "a panic was caught in a signet task"))))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<String> {
        output.or_throw(&env)
    }
}

/// An opened state directory (`signet-host`'s `State`).
#[napi]
pub struct State {
    inner: Mutex<Option<Shared>>,
    created: bool,
}

impl State {
    fn shared(&self) -> Res<Shared> {
        lock(&self.inner)
            .clone()
            .ok_or_else(|| Failure::new("state_closed", "this State was closed; open the state again"))
    }

    /// Runs `job` now.
    fn run(&self, env: &Env, job: impl FnOnce(&host::State) -> Res<String>) -> napi::Result<String> {
        self.shared().and_then(|s| job(&s)).or_throw(env)
    }

    /// Runs `job` on the thread pool.
    fn spawn(&self, env: &Env, job: Job) -> napi::Result<AsyncTask<Op>> {
        let state = self.shared().or_throw(env)?;
        Ok(AsyncTask::new(Op(Some((state, job)))))
    }
}

/// `fingerprint` (hex, `:` allowed), or the state's certificate.
fn which(state: &host::State, fingerprint: Option<&str>) -> Res<CertFingerprint> {
    match fingerprint {
        Some(hex) => Ok(host::key::parse_fingerprint(hex)?),
        None => Ok(state.fingerprint()),
    }
}

fn sign_options(grant: Option<f64>, tsa: Option<Vec<String>>) -> Res<SignOptions> {
    Ok(SignOptions {
        grant: opt(grant, |g| u64_arg("grant", g))?,
        tsa: tsa.unwrap_or_default(),
    })
}

fn digest_job(digest: Buffer, grant: Option<f64>) -> Res<Job> {
    let options = sign_options(grant, None)?;
    let digest = digest.to_vec();
    Ok(Box::new(move |s| json(&s.sign_digest(&digest, &options)?)))
}

fn file_job(file: String, output: Option<String>, grant: Option<f64>, tsa: Option<Vec<String>>) -> Res<Job> {
    let options = sign_options(grant, tsa)?;
    let output = output.map_or(Output::Beside, |o| Output::File(o.into()));
    Ok(Box::new(move |s| {
        json(&s.sign_file(Path::new(&file), &output, &options)?)
    }))
}

fn files_job(
    files: Vec<String>,
    output_dir: Option<String>,
    grant: Option<f64>,
    tsa: Option<Vec<String>>,
) -> Res<Job> {
    let options = sign_options(grant, tsa)?;
    let output = output_dir.map_or(Output::Beside, |d| Output::Dir(d.into()));
    let files: Vec<PathBuf> = files.into_iter().map(PathBuf::from).collect();
    Ok(Box::new(move |s| json(&s.sign_files(&files, &output, &options)?)))
}

fn verify_job(
    file: String,
    signature: Option<String>,
    cert: Option<Buffer>,
    any_signer: Option<bool>,
) -> Res<Job> {
    let expect = expected_signer(cert, any_signer)?;
    Ok(Box::new(move |s| {
        json(&s.verify_file(Path::new(&file), signature.as_deref().map(Path::new), &expect)?)
    }))
}

/// The actor of a budget change: the acting user, with a role and flags.
fn actor(state: &host::State, r: Option<&str>, subaccount: Option<bool>, lead: Option<bool>) -> Res<Actor> {
    Ok(Actor {
        id: state.user().clone(),
        role: role(r.unwrap_or("standard_user"))?,
        subaccount: subaccount.unwrap_or(false),
        keylocker_lead: lead.unwrap_or(false),
    })
}

/// A signer policy.
#[napi(object)]
pub struct PolicyArgs {
    /// Longest signing window, seconds.
    pub max_window_secs: Option<f64>,
    /// Most sign operations per grant.
    pub max_signings: Option<f64>,
    /// How long a request stays open, seconds.
    pub ttl_secs: f64,
    /// Approval steps, in order.
    pub steps: Vec<Step>,
}

/// A signing request.
#[napi(object)]
pub struct RequestArgs {
    /// Start of access (default: now).
    pub valid_from: Option<Either<f64, String>>,
    /// End of access (default: the policy's maximum window).
    pub valid_until: Option<Either<f64, String>>,
    /// Sign operations (default: the policy's maximum).
    pub allowed_ops: Option<f64>,
    /// Why.
    pub justification: Option<String>,
}

#[napi]
impl State {
    /// Whether the call that made this `State` created the state directory.
    #[napi(getter, catch_unwind)]
    pub fn created(&self) -> bool {
        self.created
    }

    /// The state directory.
    #[napi(getter, catch_unwind)]
    pub fn dir(&self, env: Env) -> napi::Result<String> {
        self.run(&env, |s| Ok(s.dir().display().to_string()))
    }

    /// The acting user.
    #[napi(getter, catch_unwind)]
    pub fn user(&self, env: Env) -> napi::Result<String> {
        self.run(&env, |s| Ok(s.user().to_string()))
    }

    /// The signing certificate's SHA-256 (hex).
    #[napi(getter, catch_unwind)]
    pub fn fingerprint(&self, env: Env) -> napi::Result<String> {
        self.run(&env, |s| Ok(host::hex(&s.fingerprint().0)))
    }

    /// The signature algorithm (core name).
    #[napi(getter, catch_unwind)]
    pub fn algorithm(&self, env: Env) -> napi::Result<String> {
        self.run(&env, |s| Ok(s.algorithm().name().to_string()))
    }

    /// The signing certificate (DER).
    #[napi(getter, catch_unwind)]
    pub fn certificate_der(&self, env: Env) -> napi::Result<Buffer> {
        self.shared()
            .map(|s| Buffer::from(s.certificate_der().to_vec()))
            .or_throw(&env)
    }

    /// Releases the state now. Refused (`state_busy`) while an asynchronous
    /// operation holds it; closing twice does nothing.
    #[napi(catch_unwind)]
    pub fn close(&self, env: Env) -> napi::Result<()> {
        let mut slot = lock(&self.inner);
        let Some(state) = slot.take() else {
            return Ok(());
        };
        if Arc::strong_count(&state) > 1 {
            *slot = Some(state);
            return Err(Failure::new(
                "state_busy",
                "an asynchronous operation on this State is still in flight; await it, then close",
            )
            .into_napi(&env));
        }
        drop(state);
        Ok(())
    }

    /// Status: signer, certificate, budget.
    #[napi(catch_unwind)]
    pub fn status(&self, env: Env) -> napi::Result<String> {
        self.run(&env, |s| json(&s.status()?))
    }

    /// Signs a digest made with the state algorithm's hash.
    #[napi(catch_unwind)]
    pub fn sign_digest(&self, env: Env, digest: Buffer, grant: Option<f64>) -> napi::Result<String> {
        self.run(&env, |s| digest_job(digest, grant)?(s))
    }

    /// `signDigest` on the thread pool.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn sign_digest_async(
        &self,
        env: Env,
        digest: Buffer,
        grant: Option<f64>,
    ) -> napi::Result<AsyncTask<Op>> {
        let job = digest_job(digest, grant).or_throw(&env)?;
        self.spawn(&env, job)
    }

    /// Signs a file: a detached CMS signature in `FILE.p7s` or `output`.
    #[napi(catch_unwind)]
    pub fn sign_file(
        &self,
        env: Env,
        file: String,
        output: Option<String>,
        grant: Option<f64>,
        tsa: Option<Vec<String>>,
    ) -> napi::Result<String> {
        self.run(&env, |s| file_job(file, output, grant, tsa)?(s))
    }

    /// `signFile` on the thread pool.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn sign_file_async(
        &self,
        env: Env,
        file: String,
        output: Option<String>,
        grant: Option<f64>,
        tsa: Option<Vec<String>>,
    ) -> napi::Result<AsyncTask<Op>> {
        let job = file_job(file, output, grant, tsa).or_throw(&env)?;
        self.spawn(&env, job)
    }

    /// Signs files, all or nothing.
    #[napi(catch_unwind)]
    pub fn sign_files(
        &self,
        env: Env,
        files: Vec<String>,
        output_dir: Option<String>,
        grant: Option<f64>,
        tsa: Option<Vec<String>>,
    ) -> napi::Result<String> {
        self.run(&env, |s| files_job(files, output_dir, grant, tsa)?(s))
    }

    /// `signFiles` on the thread pool.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn sign_files_async(
        &self,
        env: Env,
        files: Vec<String>,
        output_dir: Option<String>,
        grant: Option<f64>,
        tsa: Option<Vec<String>>,
    ) -> napi::Result<AsyncTask<Op>> {
        let job = files_job(files, output_dir, grant, tsa).or_throw(&env)?;
        self.spawn(&env, job)
    }

    /// Verifies a file and who signed it (by default the state's certificate).
    #[napi(catch_unwind)]
    pub fn verify_file(
        &self,
        env: Env,
        file: String,
        signature: Option<String>,
        cert: Option<Buffer>,
        any_signer: Option<bool>,
    ) -> napi::Result<String> {
        self.run(&env, |s| verify_job(file, signature, cert, any_signer)?(s))
    }

    /// `verifyFile` on the thread pool.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn verify_file_async(
        &self,
        env: Env,
        file: String,
        signature: Option<String>,
        cert: Option<Buffer>,
        any_signer: Option<bool>,
    ) -> napi::Result<AsyncTask<Op>> {
        let job = verify_job(file, signature, cert, any_signer).or_throw(&env)?;
        self.spawn(&env, job)
    }

    /// Every certificate with a budget in this state (hex fingerprints).
    #[napi(catch_unwind)]
    pub fn budget_fingerprints(&self, env: Env) -> napi::Result<String> {
        self.run(&env, |s| {
            let all: Vec<String> = s
                .budget_fingerprints()?
                .iter()
                .map(|fp| host::hex(&fp.0))
                .collect();
            json(&all)
        })
    }

    /// A budget now.
    #[napi(catch_unwind)]
    pub fn budget_show(&self, env: Env, fingerprint: Option<String>) -> napi::Result<String> {
        self.run(&env, |s| {
            json(&s.budget_show(&which(s, fingerprint.as_deref())?)?)
        })
    }

    /// Creates the budget of a certificate (PEM or DER).
    #[napi(catch_unwind)]
    pub fn budget_init(
        &self,
        env: Env,
        certificate: Buffer,
        signer: String,
        not_before: Option<Either<f64, String>>,
        not_after: Option<Either<f64, String>>,
        allotment: Option<f64>,
    ) -> napi::Result<String> {
        self.run(&env, |s| {
            let init = BudgetInit {
                not_before: opt(not_before, |t| time_arg("notBefore", t))?,
                not_after: opt(not_after, |t| time_arg("notAfter", t))?,
                signer,
                allotment: opt(allotment, |n| u64_arg("allotment", n))?
                    .unwrap_or(signet_core::budget::DEFAULT_ALLOTMENT),
            };
            json(&s.budget_init(&host::key::certificate_der(&certificate, "certificate")?, &init)?)
        })
    }

    /// Buys signatures as the acting user in `role`.
    #[napi(catch_unwind)]
    pub fn budget_buy(
        &self,
        env: Env,
        fingerprint: Option<String>,
        signatures: f64,
        role: Option<String>,
        subaccount: Option<bool>,
    ) -> napi::Result<String> {
        self.run(&env, |s| {
            let signatures = u64_arg("signatures", signatures)?;
            let by = actor(s, role.as_deref(), subaccount, None)?;
            json(&s.budget_buy(&which(s, fingerprint.as_deref())?, &by, signatures)?)
        })
    }

    /// Records the certificate's revocation.
    #[napi(catch_unwind)]
    pub fn budget_revoke(&self, env: Env, fingerprint: Option<String>) -> napi::Result<String> {
        self.run(&env, |s| {
            json(&s.budget_revoke(&which(s, fingerprint.as_deref())?)?)
        })
    }

    /// Assigns the certificate to another signer, as the acting user.
    #[napi(catch_unwind)]
    pub fn budget_assign(
        &self,
        env: Env,
        fingerprint: Option<String>,
        signer: String,
        role: Option<String>,
        subaccount: Option<bool>,
        keylocker_lead: Option<bool>,
    ) -> napi::Result<String> {
        self.run(&env, |s| {
            let by = actor(s, role.as_deref(), subaccount, keylocker_lead)?;
            json(&s.budget_assign(&which(s, fingerprint.as_deref())?, &by, &signer)?)
        })
    }

    /// Counts signatures made elsewhere by the acting user (all or nothing).
    #[napi(catch_unwind)]
    pub fn budget_use(&self, env: Env, fingerprint: Option<String>, count: f64) -> napi::Result<String> {
        self.run(&env, |s| {
            let count = u64_arg("count", count)?;
            json(&s.budget_use(&which(s, fingerprint.as_deref())?, s.user(), count)?)
        })
    }

    /// Binds a signer policy to a certificate.
    #[napi(catch_unwind)]
    pub fn grant_policy(
        &self,
        env: Env,
        fingerprint: Option<String>,
        policy: PolicyArgs,
    ) -> napi::Result<String> {
        self.run(&env, |s| {
            let spec = PolicySpec {
                max_window_secs: opt(policy.max_window_secs, |n| u64_arg("maxWindowSecs", n))?,
                max_signings: opt(policy.max_signings, |n| u32_arg("maxSignings", n))?,
                max_request_ttl_secs: u64_arg("ttlSecs", policy.ttl_secs)?,
                steps: steps(&policy.steps)?,
            };
            json(&s.grant_policy(&which(s, fingerprint.as_deref())?, &spec)?)
        })
    }

    /// The signer policy bound to a certificate (`null` when none).
    #[napi(catch_unwind)]
    pub fn grant_policy_of(&self, env: Env, fingerprint: Option<String>) -> napi::Result<String> {
        self.run(&env, |s| {
            json(&s.grant_policy_of(&which(s, fingerprint.as_deref())?)?)
        })
    }

    /// Opens a signing request as the acting user.
    #[napi(catch_unwind)]
    pub fn grant_request(
        &self,
        env: Env,
        fingerprint: Option<String>,
        request: RequestArgs,
    ) -> napi::Result<String> {
        self.run(&env, |s| {
            let spec = RequestSpec {
                valid_from: opt(request.valid_from, |t| time_arg("validFrom", t))?,
                valid_until: opt(request.valid_until, |t| time_arg("validUntil", t))?,
                allowed_ops: opt(request.allowed_ops, |n| u32_arg("allowedOps", n))?,
                justification: request.justification,
            };
            json(&s.grant_request(&which(s, fingerprint.as_deref())?, &spec)?)
        })
    }

    /// Approves the current step of a request as the acting user.
    #[napi(catch_unwind)]
    pub fn grant_approve(&self, env: Env, id: f64) -> napi::Result<String> {
        self.run(&env, |s| {
            json(&s.grant_decide(u64_arg("id", id)?, &Decision::Approve)?)
        })
    }

    /// Rejects a request as the acting user.
    #[napi(catch_unwind)]
    pub fn grant_reject(&self, env: Env, id: f64, comment: Option<String>) -> napi::Result<String> {
        self.run(&env, |s| {
            json(&s.grant_decide(u64_arg("id", id)?, &Decision::Reject(comment))?)
        })
    }

    /// Cancels a request as its requester.
    #[napi(catch_unwind)]
    pub fn grant_cancel(&self, env: Env, id: f64) -> napi::Result<String> {
        self.run(&env, |s| {
            json(&s.grant_decide(u64_arg("id", id)?, &Decision::Cancel)?)
        })
    }

    /// One request, its grant and the grant's use.
    #[napi(catch_unwind)]
    pub fn grant_show(&self, env: Env, id: f64) -> napi::Result<String> {
        self.run(&env, |s| json(&s.grant_show(u64_arg("id", id)?)?))
    }

    /// Every request, oldest first.
    #[napi(catch_unwind)]
    pub fn grant_list(&self, env: Env) -> napi::Result<String> {
        self.run(&env, |s| json(&s.grant_list()?))
    }
}
