//! The enforced sign primitive: `Signer`, with a synchronous variant and an
//! asynchronous one that runs on the libuv thread pool (an `AsyncTask`) and
//! returns a Promise. Both go through the same core path.

use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::{AsyncTask, Buffer};
use napi::{Env, Task};
use napi_derive::napi;
use signet_core::policy::{CertificateRef, certificate_der_from_pem_or_der};
use signet_core::sign::{self, Receipt as CoreReceipt, SignOptions};
use signet_core::token::{MAX_SIGNATURE_LEN, SignatureAlgorithm};
use signet_core::{budget, grant};

use crate::error::{Failure, OrThrow, Res};
use crate::objects::{Budget, CounterStore, Grant, Shared, js_num, lock, user};
use crate::time;
use crate::token::{Soft, SoftwareToken, algorithm};

/// What a signature cost.
#[napi(object)]
pub struct Receipt {
    /// SHA-256 of the signing certificate.
    pub cert_fingerprint: Buffer,
    /// The signature's serial in the counter store.
    pub counter_index: f64,
    /// The grant that paid an operation, if any.
    pub grant_id: Option<f64>,
    /// Signatures left in the budget.
    pub signatures_remaining: f64,
    /// `normal`, `warn80`, `warn90`, `exhausted`.
    pub level: String,
    /// The level this signature crossed into, if any.
    pub crossed: Option<String>,
    /// The algorithm used.
    pub algorithm: String,
}

/// A signature (or CMS `SignedData`, for `signCms`) and its receipt.
#[napi(object)]
pub struct Signed {
    /// The signature bytes (DER ECDSA, fixed ECDSA, RSA), or a DER CMS `ContentInfo`.
    pub signature: Buffer,
    /// What it cost.
    pub receipt: Receipt,
}

/// What to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    /// A digest made with the algorithm's hash.
    Digest,
    /// Data, hashed here with the algorithm's hash.
    Data,
    /// Data, wrapped in a detached CMS `SignedData`.
    Cms,
}

/// Everything one signature needs, owned, so it can move to a pool thread.
struct Job {
    cert_der: Arc<Vec<u8>>,
    token: Arc<Mutex<Soft>>,
    key: u32,
    budget: Arc<Mutex<budget::Budget>>,
    store: Shared,
    options: SignOptions,
    grant: Option<Arc<Mutex<grant::Grant>>>,
    user: String,
    now: i64,
    alg: SignatureAlgorithm,
    what: What,
    input: Vec<u8>,
}

type Output = (Vec<u8>, CoreReceipt, SignatureAlgorithm);

impl Job {
    fn run(&self) -> Res<Output> {
        let user = user(&self.user)?;
        let cert = CertificateRef::from_der(&self.cert_der)?;
        // A snapshot: purchases and revocations made later apply to later signatures.
        let budget = lock(&self.budget).clone();
        let mut token = lock(&self.token);
        let mut store = &*self.store;
        let mut signer = sign::Signer::new(
            cert,
            &mut *token,
            signet_core::token::KeyHandle(self.key),
            &budget,
            &mut store,
        )
        .with_options(self.options);
        let mut grant = self.grant.as_ref().map(|g| lock(g));
        let now = time(self.now);
        if self.what == What::Cms {
            let digest = self.alg.hash().digest(&self.input);
            let (p7s, receipt) =
                signer.sign_cms(&user, now, grant.as_deref_mut(), self.alg, digest.as_bytes())?;
            return Ok((p7s, receipt, self.alg));
        }
        let digest;
        let to_sign: &[u8] = match self.what {
            What::Data => {
                digest = self.alg.hash().digest(&self.input);
                digest.as_bytes()
            }
            _ => &self.input,
        };
        let mut out = [0u8; MAX_SIGNATURE_LEN];
        let receipt = signer.sign_digest(&user, now, grant.as_deref_mut(), self.alg, to_sign, &mut out)?;
        let sig = out.get(..receipt.signature_len).unwrap_or_default().to_vec();
        Ok((sig, receipt, self.alg))
    }
}

fn signed((signature, r, alg): Output) -> Signed {
    Signed {
        signature: signature.into(),
        receipt: Receipt {
            cert_fingerprint: r.cert_fingerprint.to_vec().into(),
            counter_index: js_num(r.counter_index),
            grant_id: r.grant_id.map(|g| js_num(g.0)),
            signatures_remaining: js_num(r.signatures_remaining),
            level: r.level.name().into(),
            crossed: r.crossed.map(|c| c.name().into()),
            algorithm: alg.name().into(),
        },
    }
}

/// A signature computed on the libuv thread pool.
pub struct SignTask(Option<Job>);

impl Task for SignTask {
    type Output = Res<Output>;
    type JsValue = Signed;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        // A panic inside the core must not unwind across the pool thread.
        let job = self.0.take();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match job {
            Some(job) => job.run(),
            None => Err(Failure::request("task_reused", "the sign task ran twice")),
        }));
        Ok(result.unwrap_or_else(|_| Err(Failure::request("panic", "panic inside the signer"))))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Signed> {
        output.map(signed).or_throw(&env)
    }
}

/// The enforced signer for one certificate, its token key, budget and counter store.
#[napi]
pub struct Signer {
    cert_der: Arc<Vec<u8>>,
    token: Arc<Mutex<Soft>>,
    key: u32,
    budget: Arc<Mutex<budget::Budget>>,
    store: Shared,
    options: SignOptions,
}

impl Signer {
    fn job(
        &self,
        what: What,
        input: &[u8],
        alg: &str,
        user: String,
        now: i64,
        grant: Option<&Grant>,
    ) -> Res<Job> {
        Ok(Job {
            cert_der: self.cert_der.clone(),
            token: self.token.clone(),
            key: self.key,
            budget: self.budget.clone(),
            store: self.store.clone(),
            options: self.options,
            grant: grant.map(|g| g.inner.clone()),
            user,
            now,
            alg: algorithm(alg)?,
            what,
            input: input.to_vec(),
        })
    }
}

fn what(name: &str) -> Res<What> {
    match name {
        "digest" => Ok(What::Digest),
        "data" => Ok(What::Data),
        "cms" => Ok(What::Cms),
        _ => Err(Failure::request(
            "invalid_options",
            format!("unknown input kind {name:?}"),
        )),
    }
}

#[napi]
impl Signer {
    /// A signer for `certificate` (PEM or DER) with the token key `key`.
    #[napi(constructor, catch_unwind)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        env: Env,
        certificate: Buffer,
        token: &SoftwareToken,
        key: u32,
        budget: &Budget,
        store: &CounterStore,
        require_grant: Option<bool>,
        verify_ecdsa: Option<bool>,
    ) -> napi::Result<Self> {
        let run = || -> Res<Self> {
            let der = certificate_der_from_pem_or_der(&certificate)?;
            CertificateRef::from_der(&der)?;
            let defaults = SignOptions::default();
            Ok(Signer {
                cert_der: Arc::new(der),
                token: token.inner.clone(),
                key,
                budget: budget.inner.clone(),
                store: store.shared()?,
                options: SignOptions {
                    require_grant: require_grant.unwrap_or(defaults.require_grant),
                    verify_ecdsa: verify_ecdsa.unwrap_or(defaults.verify_ecdsa),
                },
            })
        };
        run().or_throw(&env)
    }

    /// Signs on the calling thread. `kind`: `digest`, `data` or `cms`.
    #[napi(catch_unwind)]
    #[allow(clippy::too_many_arguments)]
    pub fn sign_sync(
        &self,
        env: Env,
        kind: String,
        input: Buffer,
        alg: String,
        user: String,
        now: i64,
        grant: Option<&Grant>,
    ) -> napi::Result<Signed> {
        let run = || -> Res<Signed> {
            self.job(what(&kind)?, &input, &alg, user, now, grant)?
                .run()
                .map(signed)
        };
        run().or_throw(&env)
    }

    /// Signs on the libuv thread pool; returns a Promise.
    #[napi(catch_unwind, ts_return_type = "Promise<Signed>")]
    #[allow(clippy::too_many_arguments)]
    pub fn sign_async(
        &self,
        env: Env,
        kind: String,
        input: Buffer,
        alg: String,
        user: String,
        now: i64,
        grant: Option<&Grant>,
    ) -> napi::Result<AsyncTask<SignTask>> {
        let run = || -> Res<AsyncTask<SignTask>> {
            Ok(AsyncTask::new(SignTask(Some(self.job(
                what(&kind)?,
                &input,
                &alg,
                user,
                now,
                grant,
            )?))))
        };
        run().or_throw(&env)
    }
}
