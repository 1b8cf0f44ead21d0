//! Tokens: key attributes, the software token, and any Python object that
//! follows the token protocol (`key_attributes`, `public_key`, `sign_digest`),
//! seen from Rust as a core `Token`.

use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use signet_core::token::soft::SoftToken;
use signet_core::token::{
    self as core_token, ErrorKind, KeyHandle, KeyType, KeyUsage, MAX_SIGNATURE_LEN, MAX_SPKI_LEN,
    SignatureAlgorithm, Token,
};
use signet_core::{cert, verify};

use crate::args;
use crate::errors::{class_object, err, lock_poisoned};

/// Key slots in one `SoftwareToken`.
const SOFT_SLOTS: usize = 16;

type Rng = rand_core::UnwrapErr<getrandom::SysRng>;
pub(crate) type Soft = SoftToken<Rng, SOFT_SLOTS>;

/// A key's policy: type, usage flags and its one permitted algorithm.
#[pyclass(frozen, module = "signet._native", eq, from_py_object)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KeyAttributes {
    pub(crate) inner: core_token::KeyAttributes,
}

#[pymethods]
impl KeyAttributes {
    /// `key_type`: `rsa-3072`, `rsa-4096`, `ecc-p256`, `ecc-p384`;
    /// `algorithm`: e.g. `rsa-pss-sha256`, `rsa-pkcs1v15-sha384`, `ecdsa-sha256`;
    /// `protection`: what the token vouches for about the key: `unknown`,
    /// `software`, or `hardware` (generated on the token, never left it).
    #[new]
    #[pyo3(signature = (key_type, algorithm, *, sign = true, verify = false, protection = "unknown"))]
    fn new(key_type: &str, algorithm: &str, sign: bool, verify: bool, protection: &str) -> PyResult<Self> {
        let protection = match protection {
            "unknown" => core_token::KeyProtection::Unknown,
            "software" => core_token::KeyProtection::Software,
            "hardware" => core_token::KeyProtection::Hardware(core_token::KeyEvidence {
                sensitive: true,
                extractable: false,
                always_sensitive: true,
                never_extractable: true,
                local: true,
                sign,
            }),
            other => {
                return Err(crate::errors::raise(
                    "unknown_key_protection",
                    &format!("protection {other:?}: expected \"unknown\", \"software\" or \"hardware\""),
                    None,
                ));
            }
        };
        let key_type: KeyType = args::parse(key_type)?;
        let algorithm: SignatureAlgorithm = args::parse(algorithm)?;
        let mut usage = KeyUsage::NONE;
        if sign {
            usage = usage.union(KeyUsage::SIGN_HASH);
        }
        if verify {
            usage = usage.union(KeyUsage::VERIFY_HASH);
        }
        core_token::KeyAttributes::new(key_type, usage, algorithm)
            .map(|inner| KeyAttributes {
                inner: inner.with_protection(protection),
            })
            .map_err(err)
    }
    /// `unknown`, `software` or `hardware`.
    #[getter]
    fn protection(&self) -> &'static str {
        self.inner.protection().name()
    }
    #[getter]
    fn key_type(&self) -> String {
        self.inner.key_type().to_string()
    }
    #[getter]
    fn bits(&self) -> u16 {
        self.inner.key_type().bits()
    }
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.inner.algorithm().name()
    }
    /// May sign a digest.
    #[getter]
    fn sign(&self) -> bool {
        self.inner.usage().contains(KeyUsage::SIGN_HASH)
    }
    /// May verify a digest signature.
    #[getter]
    fn verify(&self) -> bool {
        self.inner.usage().contains(KeyUsage::VERIFY_HASH)
    }
    /// Always False: private keys never leave a token.
    #[getter]
    fn exportable(&self) -> bool {
        self.inner.exportable()
    }
    /// Bytes a signature takes (the maximum for DER ECDSA).
    #[getter]
    fn signature_len(&self) -> usize {
        self.inner.signature_len()
    }
    fn __repr__(&self) -> String {
        format!(
            "KeyAttributes({:?}, {:?}, sign={}, verify={})",
            self.inner.key_type().to_string(),
            self.inner.algorithm().name(),
            if self.sign() { "True" } else { "False" },
            if self.verify() { "True" } else { "False" }
        )
    }
}

/// An in-memory software token (tests and development only). Keys are made
/// or imported inside it and never leave it; only public keys come out.
#[pyclass(frozen, module = "signet._native")]
pub struct SoftwareToken {
    pub(crate) inner: Mutex<Soft>,
}

impl SoftwareToken {
    fn run<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Soft) -> Result<R, core_token::soft::SoftTokenError> + Send,
    ) -> PyResult<R> {
        py.detach(|| match self.inner.lock() {
            Ok(mut t) => Ok(f(&mut t)),
            Err(_) => Err(()),
        })
        .map_err(|()| lock_poisoned())?
        .map_err(err)
    }
}

fn usage(sign: bool, verify: bool) -> KeyUsage {
    let mut u = KeyUsage::NONE;
    if sign {
        u = u.union(KeyUsage::SIGN_HASH);
    }
    if verify {
        u = u.union(KeyUsage::VERIFY_HASH);
    }
    u
}

#[pymethods]
impl SoftwareToken {
    #[new]
    fn new() -> Self {
        SoftwareToken {
            inner: Mutex::new(SoftToken::new(rand_core::UnwrapErr(getrandom::SysRng))),
        }
    }

    /// Generates a key inside the token; returns its handle.
    fn generate(&self, py: Python<'_>, attributes: KeyAttributes) -> PyResult<u32> {
        self.run(py, |t| t.generate(attributes.inner)).map(|h| h.0)
    }

    /// Imports an unencrypted PKCS#8 private key (PEM text or DER bytes) with
    /// its one permitted `algorithm`; returns its handle.
    #[pyo3(signature = (key, algorithm, *, sign = true, verify = false))]
    fn import_pkcs8(
        &self,
        py: Python<'_>,
        key: &Bound<'_, PyAny>,
        algorithm: &str,
        sign: bool,
        verify: bool,
    ) -> PyResult<u32> {
        let algorithm: SignatureAlgorithm = args::parse(algorithm)?;
        let usage = usage(sign, verify);
        let bytes = zeroize::Zeroizing::new(args::bytes_or_str(key)?);
        let handle = if bytes.starts_with(b"-----BEGIN") {
            let text = std::str::from_utf8(&bytes).map_err(|_| err(ErrorKind::InvalidKey))?;
            self.run(py, |t| t.import_pkcs8_pem(text, usage, algorithm))?
        } else {
            self.run(py, |t| t.import_pkcs8_der(&bytes, usage, algorithm))?
        };
        Ok(handle.0)
    }

    /// Removes (and wipes) a key.
    fn destroy(&self, py: Python<'_>, handle: u32) -> PyResult<()> {
        self.run(py, |t| t.destroy(KeyHandle(handle)))
    }

    /// The key's attributes.
    fn key_attributes(&self, py: Python<'_>, handle: u32) -> PyResult<KeyAttributes> {
        self.run(py, |t| t.key_attributes(KeyHandle(handle)))
            .map(|inner| KeyAttributes { inner })
    }

    /// The key's DER SubjectPublicKeyInfo.
    fn public_key<'py>(&self, py: Python<'py>, handle: u32) -> PyResult<Bound<'py, PyBytes>> {
        let mut buf = [0u8; MAX_SPKI_LEN];
        let n = self.run(py, |t| t.public_key(KeyHandle(handle), &mut buf))?;
        Ok(PyBytes::new(py, buf.get(..n).unwrap_or_default()))
    }

    /// Signs a precomputed digest with the key's permitted algorithm (the
    /// GIL is released while signing). This is the raw token operation: it
    /// checks only the key's attributes, no budget or policy.
    fn sign_digest<'py>(
        &self,
        py: Python<'py>,
        handle: u32,
        algorithm: &str,
        digest: &[u8],
    ) -> PyResult<Bound<'py, PyBytes>> {
        let algorithm: SignatureAlgorithm = args::parse(algorithm)?;
        let mut buf = [0u8; MAX_SIGNATURE_LEN];
        let n = self.run(py, |t| {
            t.sign_digest(KeyHandle(handle), algorithm, digest, &mut buf)
        })?;
        Ok(PyBytes::new(py, buf.get(..n).unwrap_or_default()))
    }

    fn __repr__(&self) -> String {
        "SoftwareToken()".to_owned()
    }
}

/// A token implemented in Python, as a core `Token`.
///
/// Each call re-acquires the GIL (the caller may have released it). A Python
/// exception is kept in `error` so it can be raised again (as the cause of
/// the `TokenError`) once the core operation returns; the core sees only its
/// `ErrorKind`: the code of a `TokenError` the token raised, else `token_other`.
pub(crate) struct PyToken {
    obj: Py<PyAny>,
    error: Mutex<Option<PyErr>>,
}

/// The core-side error of a Python token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PyTokenError(ErrorKind);

impl core_token::Error for PyTokenError {
    fn kind(&self) -> ErrorKind {
        self.0
    }
}

impl PyToken {
    pub(crate) fn new(obj: Py<PyAny>) -> Self {
        PyToken {
            obj,
            error: Mutex::new(None),
        }
    }

    fn fail(&self, py: Python<'_>, e: PyErr) -> PyTokenError {
        let kind = token_error_kind(py, &e);
        // The exception an earlier call left is dropped after the lock is
        // released: dropping a Python object may run Python code, and no
        // lock is held across Python code.
        let earlier = match self.error.lock() {
            Ok(mut slot) => slot.replace(e),
            Err(_) => None,
        };
        drop(earlier);
        PyTokenError(kind)
    }

    fn call<R>(
        &self,
        f: impl FnOnce(Python<'_>, &Bound<'_, PyAny>) -> PyResult<R>,
    ) -> Result<R, PyTokenError> {
        Python::attach(|py| f(py, self.obj.bind(py)).map_err(|e| self.fail(py, e)))
    }

    /// After a failed core operation: the exception the Python token raised, if any.
    pub(crate) fn take_error(&self) -> Option<PyErr> {
        self.error.lock().ok()?.take()
    }
}

/// The kind of a Python token's exception: a `TokenError` with a token code
/// keeps it, anything else is `token_other`.
fn token_error_kind(py: Python<'_>, e: &PyErr) -> ErrorKind {
    let Ok(cls) = class_object(py, "TokenError") else {
        return ErrorKind::Other;
    };
    if !e.is_instance(py, &cls) {
        return ErrorKind::Other;
    }
    e.value(py)
        .getattr("code")
        .and_then(|c| c.extract::<String>())
        .ok()
        .and_then(|c| ErrorKind::from_code(&c))
        .unwrap_or(ErrorKind::Other)
}

fn copy_out(src: &[u8], out: &mut [u8]) -> Result<usize, PyTokenError> {
    let dst = out
        .get_mut(..src.len())
        .ok_or(PyTokenError(ErrorKind::BufferTooSmall))?;
    dst.copy_from_slice(src);
    Ok(src.len())
}

impl PyToken {
    fn key_attributes(&self, handle: KeyHandle) -> Result<core_token::KeyAttributes, PyTokenError> {
        self.call(|_, obj| {
            let a = obj.call_method1("key_attributes", (handle.0,))?;
            Ok(a.cast::<KeyAttributes>()?.get().inner)
        })
    }

    fn public_key(&self, handle: KeyHandle, out: &mut [u8]) -> Result<usize, PyTokenError> {
        let spki = self.call(|_, obj| {
            let b = obj.call_method1("public_key", (handle.0,))?;
            Ok(b.cast::<PyBytes>()?.as_bytes().to_vec())
        })?;
        copy_out(&spki, out)
    }

    fn sign_digest(
        &self,
        handle: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, PyTokenError> {
        // The trait's contract: the key's attributes are checked before any
        // signing, whatever the Python object would do.
        let attributes = self.key_attributes(handle)?;
        attributes
            .check_sign(alg, digest.len(), out.len())
            .map_err(PyTokenError)?;
        let sig = self.call(|py, obj| {
            let b = obj.call_method1("sign_digest", (handle.0, alg.name(), PyBytes::new(py, digest)))?;
            Ok(b.cast::<PyBytes>()?.as_bytes().to_vec())
        })?;
        copy_out(&sig, out)
    }
}

/// A token argument: the software token (used directly, GIL released), or
/// any object with the token methods.
pub(crate) enum TokenArg<'py> {
    Soft(Bound<'py, SoftwareToken>),
    Python(PyToken),
}

impl<'py> TokenArg<'py> {
    pub(crate) fn from_object(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(soft) = obj.cast::<SoftwareToken>() {
            return Ok(TokenArg::Soft(soft.clone()));
        }
        for method in ["key_attributes", "public_key", "sign_digest"] {
            if !obj.hasattr(method)? {
                return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                    "a token needs a {method}() method (see signet.Token)"
                )));
            }
        }
        Ok(TokenArg::Python(PyToken::new(obj.clone().unbind())))
    }
}

/// A `Send` view of a token argument for use inside `py.detach`.
pub(crate) enum TokenRef<'a> {
    Soft(&'a Mutex<Soft>),
    Python(&'a PyToken),
}

impl TokenArg<'_> {
    pub(crate) fn get(&self) -> TokenRef<'_> {
        match self {
            TokenArg::Soft(s) => TokenRef::Soft(&s.get().inner),
            TokenArg::Python(p) => TokenRef::Python(p),
        }
    }

    /// The exception for a failed core operation: the core's error (its
    /// class and code), with the Python token's own exception, if it raised
    /// one, as `__cause__`.
    pub(crate) fn error(&self, py: Python<'_>, core: PyErr) -> PyErr {
        if let TokenArg::Python(p) = self
            && let Some(cause) = p.take_error()
        {
            core.set_cause(py, Some(cause));
        }
        core
    }
}

/// A token as a core `Token` (`&mut` access to the software token goes
/// through its mutex, held only for the one call).
pub(crate) struct AnyToken<'a>(pub(crate) TokenRef<'a>);

/// The core-side error of either token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AnyTokenError(ErrorKind);

impl core_token::Error for AnyTokenError {
    fn kind(&self) -> ErrorKind {
        self.0
    }
}

// A state's caller token (`signet_host::CallerToken`) needs an error with a
// code and a message: the kind's.
impl signet_core::ErrorCode for AnyTokenError {
    fn code(&self) -> &'static str {
        self.0.code()
    }
}

impl core::fmt::Display for AnyTokenError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.fmt(f)
    }
}

/// A token a state owns (`signet_host::CallerToken`): the software token or
/// a Python object, each reached as [`AnyToken`] for one call at a time.
pub(crate) enum OwnedToken {
    Soft(Py<SoftwareToken>),
    Python(Arc<PyToken>),
}

impl OwnedToken {
    /// A state's token from a `token=` argument.
    pub(crate) fn from_object(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(match TokenArg::from_object(obj)? {
            TokenArg::Soft(soft) => OwnedToken::Soft(soft.unbind()),
            TokenArg::Python(p) => OwnedToken::Python(Arc::new(p)),
        })
    }

    fn view(&self) -> AnyToken<'_> {
        AnyToken(match self {
            OwnedToken::Soft(s) => TokenRef::Soft(&s.get().inner),
            OwnedToken::Python(p) => TokenRef::Python(p),
        })
    }
}

impl Token for OwnedToken {
    type Error = AnyTokenError;

    fn key_attributes(&self, handle: KeyHandle) -> Result<core_token::KeyAttributes, Self::Error> {
        self.view().key_attributes(handle)
    }

    fn public_key(&self, handle: KeyHandle, out: &mut [u8]) -> Result<usize, Self::Error> {
        self.view().public_key(handle, out)
    }

    fn sign_digest(
        &mut self,
        handle: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Self::Error> {
        self.view().sign_digest(handle, alg, digest, out)
    }
}

impl AnyToken<'_> {
    fn soft<R>(
        m: &Mutex<Soft>,
        f: impl FnOnce(&mut Soft) -> Result<R, core_token::soft::SoftTokenError>,
    ) -> Result<R, AnyTokenError> {
        use core_token::Error as _;
        let mut t = m.lock().map_err(|_| AnyTokenError(ErrorKind::Other))?;
        f(&mut t).map_err(|e| AnyTokenError(e.kind()))
    }
}

impl Token for AnyToken<'_> {
    type Error = AnyTokenError;

    fn key_attributes(&self, handle: KeyHandle) -> Result<core_token::KeyAttributes, Self::Error> {
        match &self.0 {
            TokenRef::Soft(m) => Self::soft(m, |t| t.key_attributes(handle)),
            TokenRef::Python(p) => p.key_attributes(handle).map_err(|e| AnyTokenError(e.0)),
        }
    }

    fn public_key(&self, handle: KeyHandle, out: &mut [u8]) -> Result<usize, Self::Error> {
        match &self.0 {
            TokenRef::Soft(m) => Self::soft(m, |t| t.public_key(handle, out)),
            TokenRef::Python(p) => p.public_key(handle, out).map_err(|e| AnyTokenError(e.0)),
        }
    }

    fn sign_digest(
        &mut self,
        handle: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Self::Error> {
        match &mut self.0 {
            TokenRef::Soft(m) => Self::soft(m, |t| t.sign_digest(handle, alg, digest, out)),
            TokenRef::Python(p) => p
                .sign_digest(handle, alg, digest, out)
                .map_err(|e| AnyTokenError(e.0)),
        }
    }
}

/// Verifies `signature` over `digest` with a DER SubjectPublicKeyInfo.
/// Raises `VerificationError` when it does not verify.
#[pyfunction]
pub fn verify_digest(
    py: Python<'_>,
    public_key: &[u8],
    algorithm: &str,
    digest: &[u8],
    signature: &[u8],
) -> PyResult<()> {
    let alg: SignatureAlgorithm = args::parse(algorithm)?;
    py.detach(|| verify::verify_digest(public_key, alg, digest, signature))
        .map_err(err)
}

/// A self-signed test certificate (DER) for the token key `handle`, signed
/// through the token with the key's permitted algorithm.
#[pyfunction]
#[pyo3(signature = (token, handle, subject_cn, not_before, not_after, serial = 1))]
pub fn self_signed_certificate<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
    handle: u32,
    subject_cn: &str,
    not_before: &Bound<'py, PyAny>,
    not_after: &Bound<'py, PyAny>,
    serial: u64,
) -> PyResult<Bound<'py, PyBytes>> {
    let not_before = args::unix_time(not_before)?;
    let not_after = args::unix_time(not_after)?;
    let arg = TokenArg::from_object(token)?;
    let view = arg.get();
    let result = py.detach(|| {
        let mut t = AnyToken(view);
        cert::self_signed(
            &mut t,
            KeyHandle(handle),
            subject_cn,
            not_before,
            not_after,
            serial,
        )
    });
    match result {
        Ok(der) => Ok(PyBytes::new(py, &der)),
        Err(e) => Err(arg.error(py, err(e))),
    }
}
