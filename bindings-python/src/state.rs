//! The state API: `open_state`, `init_state`, `open_or_create_state` and
//! `State`, whose methods mirror `signet_host::State` one to one. Each call
//! converts its arguments, runs the host operation with the GIL released and
//! converts the host's serde report into plain dicts and lists (`pythonize`:
//! straight from the report's `Serialize`, so the keys are those of the
//! CLI's `--json`, with no JSON text in between).
//!
//! The host calls no Python code (no wait notice is set), so no Rust lock
//! the host takes is ever held across Python code.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};
use serde::Serialize;
use signet_core::budget::{Actor, CertFingerprint, Role};
use signet_core::token::{KeyHandle, KeyType, SignatureAlgorithm};
use signet_host::{
    BudgetInit, CallerKey, Clock, Decision, ExpectedSigner, InitOptions, OpenOptions, Output, PolicySpec,
    RequestSpec, SignOptions, TokenKey,
};

use crate::args;
use crate::errors::{host, internal, raise};
use crate::token::{OwnedToken, PyToken};

/// An opened Signet state directory: its signer, budgets and grants, the
/// acting user and the clock. Safe to share between threads.
#[pyclass(frozen, module = "signet._native")]
pub struct State {
    inner: signet_host::State,
    /// The Python token holding the key, if the caller gave one: its own
    /// exception becomes the `__cause__` of a failed signature's error.
    token: Option<Arc<PyToken>>,
}

impl State {
    fn new(inner: signet_host::State, token: Option<Arc<PyToken>>) -> State {
        State { inner, token }
    }

    /// A host error, with the Python token's exception (if it raised one)
    /// as its cause.
    fn fail(&self, py: Python<'_>, e: signet_host::Error) -> PyErr {
        let err = host(e);
        if let Some(cause) = self.token.as_ref().and_then(|t| t.take_error()) {
            err.set_cause(py, Some(cause));
        }
        err
    }
}

/// A `token=` and `key=` pair: the state's caller token, and the Python
/// token to take exceptions from.
fn caller_key(
    token: Option<&Bound<'_, PyAny>>,
    key: Option<u32>,
) -> PyResult<Option<(CallerKey, Option<Arc<PyToken>>)>> {
    match (token, key) {
        (None, None) => Ok(None),
        (Some(token), Some(key)) => {
            let owned = OwnedToken::from_object(token)?;
            let python = match &owned {
                OwnedToken::Python(p) => Some(Arc::clone(p)),
                OwnedToken::Soft(_) => None,
            };
            let key = CallerKey {
                token: Box::new(owned),
                handle: KeyHandle(key),
            };
            Ok(Some((key, python)))
        }
        _ => Err(raise(
            "conflicting_arguments",
            "token= and key= go together: the token and the handle of the state's key in it",
            None,
        )),
    }
}

/// A host report as dicts and lists.
fn to_py<'py, T: Serialize>(py: Python<'py>, report: &T) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, report).map_err(|e| internal(&format!("a report did not convert: {e}")))
}

/// Runs a host operation with the GIL released; its report as dicts.
fn run<'py, T: Serialize + Send>(
    py: Python<'py>,
    op: impl FnOnce() -> signet_host::Result<T> + Send,
) -> PyResult<Bound<'py, PyAny>> {
    let report = py.detach(op).map_err(host)?;
    to_py(py, &report)
}

fn open_options(user: Option<String>, now: Option<&Bound<'_, PyAny>>) -> PyResult<OpenOptions> {
    Ok(OpenOptions {
        user,
        clock: args::opt_time(now)?.map_or(Clock::System, Clock::Fixed),
        notice: None,
        store: None,
    })
}

fn state_dir(path: Option<PathBuf>) -> PyResult<PathBuf> {
    signet_host::layout::resolve_state_dir(path.as_deref()).map_err(host)
}

fn init_options(
    key_type: &str,
    budget: u64,
    days: u32,
    signer: Option<String>,
    force: bool,
    algorithm: Option<String>,
) -> PyResult<InitOptions> {
    Ok(InitOptions {
        key_type: args::parse::<KeyType>(key_type)?,
        algorithm: algorithm
            .as_deref()
            .map(args::parse::<SignatureAlgorithm>)
            .transpose()?,
        token: None,
        budget,
        days,
        signer,
        force,
    })
}

// The defaults below are literals so that Python sees them in the
// signatures; they must stay the host's.
const _: () = assert!(signet_core::budget::DEFAULT_ALLOTMENT == 1000);

/// Opens the existing state in `path` (default: `$SIGNET_STATE`, else
/// `$XDG_DATA_HOME/signet`, else `~/.local/share/signet`), checking every part.
///
/// A state whose key is held by the caller's token (made by `init_state`
/// with `token=`) is opened with the same `token` and `key`. A state whose
/// key is on a PKCS#11 token logs in with `pin` if given (else
/// `$SIGNET_PKCS11_PIN`, or the PIN file its URI names); a PIN for a
/// software key is refused (`state_pin_unexpected`).
#[pyfunction]
#[pyo3(signature = (path = None, *, user = None, now = None, token = None, key = None, pin = None))]
#[allow(clippy::too_many_arguments)]
pub fn open_state(
    py: Python<'_>,
    path: Option<PathBuf>,
    user: Option<String>,
    now: Option<&Bound<'_, PyAny>>,
    token: Option<&Bound<'_, PyAny>>,
    key: Option<u32>,
    pin: Option<String>,
) -> PyResult<State> {
    let pin = pin.map(zeroize::Zeroizing::new);
    let options = open_options(user, now)?;
    let dir = state_dir(path)?;
    let (inner, token) = match caller_key(token, key)? {
        None => match pin {
            Some(pin) => (
                py.detach(|| signet_host::State::open_with_pin(&dir, options, &pin)),
                None,
            ),
            None => (py.detach(|| signet_host::State::open(&dir, options)), None),
        },
        Some((key, python)) => (
            py.detach(|| signet_host::State::open_with_caller_token(&dir, options, key)),
            python,
        ),
    };
    Ok(State::new(inner.map_err(host)?, token))
}

/// Creates a development state in `path`: a new key, its self-issued
/// certificate and its budget (`force` replaces an existing signer).
///
/// With `token` a PKCS#11 URI (`pkcs11:...`), the key is on that token:
/// generated there with `generate=True` (of `key_type`), else the key the
/// URI names; the PIN comes from the URI's `pin-value` or `pin-source`, or
/// `$SIGNET_PKCS11_PIN`. With `token` an object and `key` a handle, the key
/// is the one behind `key` in the caller's token (a `SoftwareToken`, or any
/// object with the token methods). Either way the certificate is a
/// bootstrap certificate the key issues itself, and the state is a
/// production state (the OS user, the system clock, hardware key evidence
/// required); a caller's token may make a development state with
/// `development=True`. `algorithm` names the signature algorithm when
/// the key type has several (default: the key type's).
#[pyfunction]
#[pyo3(signature = (path, *, key_type = "ecc-p256", budget = 1000, days = 365, signer = None, force = false, user = None, now = None, token = None, key = None, development = None, generate = false, algorithm = None))]
#[allow(clippy::too_many_arguments)]
pub fn init_state(
    py: Python<'_>,
    path: PathBuf,
    key_type: &str,
    budget: u64,
    days: u32,
    signer: Option<String>,
    force: bool,
    user: Option<String>,
    now: Option<&Bound<'_, PyAny>>,
    token: Option<&Bound<'_, PyAny>>,
    key: Option<u32>,
    development: Option<bool>,
    generate: bool,
    algorithm: Option<String>,
) -> PyResult<State> {
    let mut init = init_options(key_type, budget, days, signer, force, algorithm)?;
    let options = open_options(user, now)?;
    if let Some(uri) = token.and_then(|t| t.extract::<String>().ok()) {
        if key.is_some() || development == Some(true) {
            return Err(raise(
                "conflicting_arguments",
                "a key on a PKCS#11 token (token=\"pkcs11:...\") makes a production state, named by its URI: no key= or development=True",
                None,
            ));
        }
        init.token = Some(TokenKey { uri, generate });
        let inner = py
            .detach(|| signet_host::State::init(&path, options, &init))
            .map_err(host)?;
        return Ok(State::new(inner, None));
    }
    if generate {
        return Err(raise(
            "conflicting_arguments",
            "generate=True makes a key on a PKCS#11 token: pass token=\"pkcs11:...\"",
            None,
        ));
    }
    let (inner, token) = match caller_key(token, key)? {
        None if development == Some(false) => {
            return Err(raise(
                "conflicting_arguments",
                "a state with its own software key is a development state; a production key is on a token",
                None,
            ));
        }
        None => (
            py.detach(|| signet_host::State::init(&path, options, &init)),
            None,
        ),
        Some((key, python)) => {
            let development = development.unwrap_or(false);
            let made = py.detach(|| {
                signet_host::State::init_with_caller_token(&path, options, &init, key, development)
            });
            (made, python)
        }
    };
    Ok(State::new(inner.map_err(host)?, token))
}

/// Opens the state in `path`, creating a development state first only if
/// `path` does not exist at all; returns `(state, created)`.
#[pyfunction]
#[pyo3(signature = (path = None, *, key_type = "ecc-p256", budget = 1000, days = 365, signer = None, user = None, now = None))]
#[allow(clippy::too_many_arguments)]
pub fn open_or_create_state<'py>(
    py: Python<'py>,
    path: Option<PathBuf>,
    key_type: &str,
    budget: u64,
    days: u32,
    signer: Option<String>,
    user: Option<String>,
    now: Option<&Bound<'_, PyAny>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let init = init_options(key_type, budget, days, signer, false, None)?;
    let options = open_options(user, now)?;
    let dir = state_dir(path)?;
    let (inner, created) = py
        .detach(|| signet_host::State::open_or_create(&dir, options, &init))
        .map_err(host)?;
    (State::new(inner, None), created).into_pyobject(py)
}

impl State {
    /// The named certificate (hex SHA-256), or the state's signing certificate.
    fn fingerprint_or_own(&self, fingerprint: Option<&str>) -> PyResult<CertFingerprint> {
        match fingerprint {
            Some(hex) => signet_host::key::parse_fingerprint(hex).map_err(host),
            None => Ok(self.inner.fingerprint()),
        }
    }

    /// The acting user with an account role.
    fn actor(&self, role: &str, subaccount: bool, keylocker_lead: bool) -> PyResult<Actor> {
        Ok(Actor {
            id: self.inner.user().clone(),
            role: args::parse::<Role>(role)?,
            subaccount,
            keylocker_lead,
        })
    }
}

#[pymethods]
impl State {
    /// The state directory.
    #[getter]
    fn dir(&self) -> PathBuf {
        self.inner.dir().to_path_buf()
    }

    /// The acting user.
    #[getter]
    fn user(&self) -> &str {
        self.inner.user().as_str()
    }

    /// The signing certificate's SHA-256, hex.
    #[getter]
    fn fingerprint(&self) -> String {
        signet_host::hex(&self.inner.fingerprint().0)
    }

    /// The signing certificate (DER).
    #[getter]
    fn certificate_der<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.certificate_der())
    }

    /// The signer, certificate and budget.
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        run(py, || self.inner.status())
    }

    /// Signs a digest (already hashed with the state's hash algorithm);
    /// `signature` is bytes.
    #[pyo3(signature = (digest, *, grant = None))]
    fn sign_digest<'py>(
        &self,
        py: Python<'py>,
        digest: &[u8],
        grant: Option<u64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = SignOptions {
            grant,
            ..SignOptions::default()
        };
        let signed = py
            .detach(|| self.inner.sign_digest(digest, &options))
            .map_err(|e| self.fail(py, e))?;
        let report = to_py(py, &signed)?;
        report.set_item("signature", PyBytes::new(py, &signed.signature))?;
        Ok(report)
    }

    /// Signs one file: a detached CMS signature in `FILE.p7s` (or `output`).
    #[pyo3(signature = (path, *, output = None, grant = None, tsa = None))]
    fn sign_file<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
        output: Option<PathBuf>,
        grant: Option<u64>,
        tsa: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let output = output.map_or(Output::Beside, Output::File);
        let options = SignOptions {
            grant,
            tsa: tsa.unwrap_or_default(),
        };
        let signed = py
            .detach(|| self.inner.sign_file(&path, &output, &options))
            .map_err(|e| self.fail(py, e))?;
        to_py(py, &signed)
    }

    /// Signs a batch of files, all or nothing: `FILE.p7s` beside each, or
    /// `output_dir/NAME.p7s`.
    #[pyo3(signature = (paths, *, output_dir = None, grant = None, tsa = None))]
    fn sign_files<'py>(
        &self,
        py: Python<'py>,
        paths: Vec<PathBuf>,
        output_dir: Option<PathBuf>,
        grant: Option<u64>,
        tsa: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let output = output_dir.map_or(Output::Beside, Output::Dir);
        let options = SignOptions {
            grant,
            tsa: tsa.unwrap_or_default(),
        };
        let signed = py
            .detach(|| self.inner.sign_files(&paths, &output, &options))
            .map_err(|e| self.fail(py, e))?;
        to_py(py, &signed)
    }

    /// Verifies `path` against its detached signature (`path.p7s` or
    /// `signature`) and who signed it: the state's certificate, `cert` (PEM
    /// or DER), or anyone with `any_signer=True` (integrity only).
    #[pyo3(signature = (path, *, signature = None, cert = None, any_signer = false))]
    fn verify_file<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
        signature: Option<PathBuf>,
        cert: Option<&Bound<'_, PyAny>>,
        any_signer: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let expect = match (cert, any_signer) {
            (Some(_), true) => {
                return Err(crate::errors::raise(
                    "conflicting_arguments",
                    "pass cert (the expected signer) or any_signer=True (integrity only), not both",
                    None,
                ));
            }
            (Some(c), false) => ExpectedSigner::Certificate(
                signet_host::key::certificate_der(&args::bytes_or_str(c)?, "cert").map_err(host)?,
            ),
            (None, true) => ExpectedSigner::AnySigner,
            (None, false) => ExpectedSigner::StateCertificate,
        };
        run(py, || {
            self.inner.verify_file(&path, signature.as_deref(), &expect)
        })
    }

    /// A budget now (default: the signing certificate's).
    #[pyo3(signature = (fingerprint = None))]
    fn budget_show<'py>(&self, py: Python<'py>, fingerprint: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let fp = self.fingerprint_or_own(fingerprint)?;
        run(py, || self.inner.budget_show(&fp))
    }

    /// Creates the budget of a certificate (PEM or DER); its validity is the
    /// certificate's, which `not_before` and `not_after` may narrow.
    #[pyo3(signature = (cert, *, signer, allotment = 1000, not_before = None, not_after = None))]
    fn budget_init<'py>(
        &self,
        py: Python<'py>,
        cert: &Bound<'_, PyAny>,
        signer: String,
        allotment: u64,
        not_before: Option<&Bound<'_, PyAny>>,
        not_after: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let der = signet_host::key::certificate_der(&args::bytes_or_str(cert)?, "cert").map_err(host)?;
        let init = BudgetInit {
            not_before: args::opt_time(not_before)?,
            not_after: args::opt_time(not_after)?,
            signer,
            allotment,
        };
        run(py, || self.inner.budget_init(&der, &init))
    }

    /// Buys `signatures` more as the acting user with account `role`.
    #[pyo3(signature = (signatures, *, role = "standard_user", subaccount = false, keylocker_lead = false, fingerprint = None))]
    fn budget_buy<'py>(
        &self,
        py: Python<'py>,
        signatures: u64,
        role: &str,
        subaccount: bool,
        keylocker_lead: bool,
        fingerprint: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let fp = self.fingerprint_or_own(fingerprint)?;
        let actor = self.actor(role, subaccount, keylocker_lead)?;
        run(py, || self.inner.budget_buy(&fp, &actor, signatures))
    }

    /// Records the certificate's revocation: remaining signatures are nullified.
    #[pyo3(signature = (fingerprint = None))]
    fn budget_revoke<'py>(&self, py: Python<'py>, fingerprint: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let fp = self.fingerprint_or_own(fingerprint)?;
        run(py, || self.inner.budget_revoke(&fp))
    }

    /// Assigns the certificate to `signer` (KeyLocker lead only).
    #[pyo3(signature = (signer, *, role = "standard_user", subaccount = false, keylocker_lead = false, fingerprint = None))]
    fn budget_assign<'py>(
        &self,
        py: Python<'py>,
        signer: &str,
        role: &str,
        subaccount: bool,
        keylocker_lead: bool,
        fingerprint: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let fp = self.fingerprint_or_own(fingerprint)?;
        let actor = self.actor(role, subaccount, keylocker_lead)?;
        run(py, || self.inner.budget_assign(&fp, &actor, signer))
    }

    /// Counts `count` signatures made outside Signet by the acting user, all
    /// or nothing.
    #[pyo3(signature = (count, *, fingerprint = None))]
    fn budget_use<'py>(
        &self,
        py: Python<'py>,
        count: u64,
        fingerprint: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let fp = self.fingerprint_or_own(fingerprint)?;
        run(py, || self.inner.budget_use(&fp, self.inner.user(), count))
    }

    /// Binds a signer policy to the signing certificate: from then on every
    /// signature needs a grant. `steps`: `[(approvers, threshold), ...]`.
    #[pyo3(signature = (*, ttl, steps, max_window = None, max_ops = None))]
    fn grant_policy<'py>(
        &self,
        py: Python<'py>,
        ttl: u64,
        steps: Vec<(Vec<String>, u8)>,
        max_window: Option<u64>,
        max_ops: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let spec = PolicySpec {
            max_window_secs: max_window,
            max_signings: max_ops,
            max_request_ttl_secs: ttl,
            steps,
        };
        let fp = self.inner.fingerprint();
        run(py, || self.inner.grant_policy(&fp, &spec))
    }

    /// Requests signing access as the acting user.
    #[pyo3(signature = (*, ops = None, valid_from = None, valid_until = None, justification = None))]
    fn grant_request<'py>(
        &self,
        py: Python<'py>,
        ops: Option<u32>,
        valid_from: Option<&Bound<'_, PyAny>>,
        valid_until: Option<&Bound<'_, PyAny>>,
        justification: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let spec = RequestSpec {
            valid_from: args::opt_time(valid_from)?,
            valid_until: args::opt_time(valid_until)?,
            allowed_ops: ops,
            justification,
        };
        let fp = self.inner.fingerprint();
        run(py, || self.inner.grant_request(&fp, &spec))
    }

    /// Approves the current step of request `id` as the acting user.
    fn grant_approve<'py>(&self, py: Python<'py>, id: u64) -> PyResult<Bound<'py, PyAny>> {
        run(py, || self.inner.grant_decide(id, &Decision::Approve))
    }

    /// Rejects request `id` as the acting user.
    #[pyo3(signature = (id, comment = None))]
    fn grant_reject<'py>(
        &self,
        py: Python<'py>,
        id: u64,
        comment: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let decision = Decision::Reject(comment);
        run(py, || self.inner.grant_decide(id, &decision))
    }

    /// Cancels request `id` (its requester only).
    fn grant_cancel<'py>(&self, py: Python<'py>, id: u64) -> PyResult<Bound<'py, PyAny>> {
        run(py, || self.inner.grant_decide(id, &Decision::Cancel))
    }

    /// Request `id`, with its grant and the grant's use.
    fn grant_show<'py>(&self, py: Python<'py>, id: u64) -> PyResult<Bound<'py, PyAny>> {
        run(py, || self.inner.grant_show(id))
    }

    /// Every request, oldest first.
    fn grant_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        run(py, || self.inner.grant_list())
    }

    fn __repr__(&self) -> String {
        format!(
            "State(dir={:?}, user={:?})",
            self.inner.dir().display().to_string(),
            self.inner.user().as_str()
        )
    }
}
