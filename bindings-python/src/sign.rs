//! The enforced sign primitive: `Signer.sign_digest` and `Signer.sign_cms`.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use signet_core::budget::UserId;
use signet_core::policy::{self, CertificateRef};
use signet_core::sign::{self as core_sign, SignOptions};
use signet_core::time::UnixTime;
use signet_core::token::{KeyHandle, MAX_SIGNATURE_LEN, SignatureAlgorithm};

use crate::args;
use crate::budget::{Budget, user};
use crate::counter::{FileCounterStore, MemoryCounterStore, StoreArg};
use crate::errors::err;
use crate::grant::Grant;
use crate::token::{AnyToken, TokenArg};

/// What one signature cost.
#[pyclass(frozen, module = "signet._native")]
pub struct Receipt {
    inner: core_sign::Receipt,
}

#[pymethods]
impl Receipt {
    /// SHA-256 of the signing certificate (DER).
    #[getter]
    fn cert_fingerprint<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.cert_fingerprint)
    }
    /// The signature's monotonic serial in the counter store.
    #[getter]
    fn counter_index(&self) -> u64 {
        self.inner.counter_index
    }
    /// The grant that paid an operation, if any.
    #[getter]
    fn grant_id(&self) -> Option<u64> {
        self.inner.grant_id.map(|g| g.0)
    }
    /// Signatures left in the budget after this one.
    #[getter]
    fn signatures_remaining(&self) -> u64 {
        self.inner.signatures_remaining
    }
    /// `normal`, `warn80`, `warn90` or `exhausted`.
    #[getter]
    fn level(&self) -> &'static str {
        self.inner.level.name()
    }
    /// The usage level this signature crossed into, if any.
    #[getter]
    fn crossed(&self) -> Option<&'static str> {
        self.inner.crossed.map(|l| l.name())
    }
    fn __repr__(&self) -> String {
        format!(
            "Receipt(counter_index={}, signatures_remaining={}, level={:?})",
            self.inner.counter_index,
            self.inner.signatures_remaining,
            self.inner.level.name()
        )
    }
}

/// The enforced signer for one certificate: its token key, budget and counter
/// store. Every signature passes the core's checks (key matches certificate,
/// key policy, validity, revocation, assigned signer, grant, budget reserve →
/// sign → verify → commit). Safe to share between threads; the GIL is
/// released while signing.
#[pyclass(frozen, module = "signet._native")]
pub struct Signer {
    cert_der: Vec<u8>,
    token: Py<PyAny>,
    handle: u32,
    budget: Py<Budget>,
    store: Py<PyAny>,
    options: SignOptions,
}

struct Call<'a> {
    user: UserId,
    now: UnixTime,
    alg: SignatureAlgorithm,
    digest: &'a [u8],
    grant: Option<&'a Grant>,
}

/// What to make.
#[derive(Clone, Copy)]
enum Op {
    Digest,
    Cms,
}

impl Signer {
    /// Runs one signing operation on a core signer built for this call, with
    /// the GIL released. Returns the signature (or `.p7s`) and the receipt.
    fn run(&self, py: Python<'_>, call: &Call<'_>, op: Op) -> PyResult<(Vec<u8>, core_sign::Receipt)> {
        let token = TokenArg::from_object(self.token.bind(py))?;
        let budget = self.budget.bind(py).get().snapshot()?;
        let store: StoreArg<'_> = self.store.bind(py).extract()?;
        let cert = CertificateRef::from_der(&self.cert_der).map_err(err)?;
        let (view, store_ref) = (token.get(), store.get());
        let options = self.options;
        let handle = KeyHandle(self.handle);
        let result = py.detach(|| {
            store_ref.with(|s| {
                let mut signer =
                    core_sign::Signer::new(cert, AnyToken(view), handle, &budget, s).with_options(options);
                let mut guard = match call.grant.map(|g| g.inner.lock()).transpose() {
                    Ok(guard) => guard,
                    Err(_) => return Err(core_sign::SignError::Token(signet_core::token::ErrorKind::Other)),
                };
                let grant = guard.as_deref_mut();
                match op {
                    Op::Digest => {
                        let mut out = [0u8; MAX_SIGNATURE_LEN];
                        let r = signer.sign_digest(
                            &call.user,
                            call.now,
                            grant,
                            call.alg,
                            call.digest,
                            &mut out,
                        )?;
                        Ok((out.get(..r.signature_len).unwrap_or_default().to_vec(), r))
                    }
                    Op::Cms => signer.sign_cms(&call.user, call.now, grant, call.alg, call.digest),
                }
            })
        });
        match result {
            Err(unavailable) => Err(unavailable.into_py()),
            Ok(Ok(r)) => Ok(r),
            Ok(Err(e)) => Err(token.error(py, err(e))),
        }
    }

    fn call<'a>(
        py: Python<'_>,
        signer: &str,
        algorithm: &str,
        digest: &'a [u8],
        now: Option<&Bound<'_, PyAny>>,
        grant: Option<&'a Grant>,
    ) -> PyResult<Call<'a>> {
        Ok(Call {
            user: user(signer)?,
            now: args::unix_time_or_now(py, now)?,
            alg: args::parse(algorithm)?,
            digest,
            grant,
        })
    }
}

#[pymethods]
impl Signer {
    /// `certificate`: PEM or DER; `token`: a `SoftwareToken` or any object
    /// following the `signet.Token` protocol; `handle`: the key in the token;
    /// `store`: a `MemoryCounterStore` or `FileCounterStore`.
    #[new]
    #[pyo3(signature = (certificate, token, handle, budget, store, *, require_grant = false, verify_ecdsa = true))]
    fn new(
        certificate: &Bound<'_, PyAny>,
        token: &Bound<'_, PyAny>,
        handle: u32,
        budget: Py<Budget>,
        store: &Bound<'_, PyAny>,
        require_grant: bool,
        verify_ecdsa: bool,
    ) -> PyResult<Self> {
        let cert_der =
            policy::certificate_der_from_pem_or_der(&args::bytes_or_str(certificate)?).map_err(err)?;
        CertificateRef::from_der(&cert_der).map_err(err)?;
        TokenArg::from_object(token)?;
        if !(store.is_instance_of::<MemoryCounterStore>() || store.is_instance_of::<FileCounterStore>()) {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "store must be a MemoryCounterStore or FileCounterStore",
            ));
        }
        Ok(Signer {
            cert_der,
            token: token.clone().unbind(),
            handle,
            budget,
            store: store.clone().unbind(),
            options: SignOptions {
                verify_ecdsa,
                require_grant,
            },
        })
    }

    /// The certificate's SHA-256 fingerprint (the budget's binding).
    #[getter]
    fn cert_fingerprint<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let cert = CertificateRef::from_der(&self.cert_der).map_err(err)?;
        Ok(PyBytes::new(py, &cert.fingerprint_sha256()))
    }

    /// Signs `digest` (already hashed with `algorithm`'s hash) as `signer`;
    /// returns `(signature, receipt)`.
    #[pyo3(signature = (signer, algorithm, digest, *, now = None, grant = None))]
    fn sign_digest<'py>(
        &self,
        py: Python<'py>,
        signer: &str,
        algorithm: &str,
        digest: &[u8],
        now: Option<&Bound<'_, PyAny>>,
        grant: Option<PyRef<'_, Grant>>,
    ) -> PyResult<(Bound<'py, PyBytes>, Receipt)> {
        let call = Signer::call(py, signer, algorithm, digest, now, grant.as_deref())?;
        let (sig, receipt) = self.run(py, &call, Op::Digest)?;
        Ok((PyBytes::new(py, &sig), Receipt { inner: receipt }))
    }

    /// Signs a detached CMS SignedData over content whose `algorithm` hash is
    /// `content_digest`, through the same enforced path; returns
    /// `(p7s_der, receipt)`.
    #[pyo3(signature = (signer, algorithm, content_digest, *, now = None, grant = None))]
    fn sign_cms<'py>(
        &self,
        py: Python<'py>,
        signer: &str,
        algorithm: &str,
        content_digest: &[u8],
        now: Option<&Bound<'_, PyAny>>,
        grant: Option<PyRef<'_, Grant>>,
    ) -> PyResult<(Bound<'py, PyBytes>, Receipt)> {
        let call = Signer::call(py, signer, algorithm, content_digest, now, grant.as_deref())?;
        let (p7s, receipt) = self.run(py, &call, Op::Cms)?;
        Ok((PyBytes::new(py, &p7s), Receipt { inner: receipt }))
    }
}
