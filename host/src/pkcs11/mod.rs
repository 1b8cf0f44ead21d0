//! [`Pkcs11Token`]: core's [`Token`] over any PKCS#11 module (through the
//! `cryptoki` crate), tested on SoftHSM2.
//!
//! - **Keys** are named by RFC 7512 URIs ([`Pkcs11Uri`]); the module comes
//!   from `module-path` (or `module-name`, looked up in the system's module
//!   directories), the PIN from `pin-value`, `pin-source=file:...` or
//!   `$SIGNET_PKCS11_PIN`, in that order. The PIN is held in zeroizing
//!   buffers and never appears in a message.
//! - **Mechanisms**: ECDSA P-256/P-384 with `CKM_ECDSA` over the digest (the
//!   token's raw `r || s` is re-encoded as DER when the algorithm asks for
//!   DER); RSA PKCS#1 v1.5 with `CKM_RSA_PKCS` over the `DigestInfo`; RSA-PSS
//!   with `CKM_RSA_PKCS_PSS`, MGF1 with the message hash and a salt of the
//!   hash's length. The token must list the mechanism, or the key is refused
//!   when it is loaded (`pkcs11_mechanism_unsupported`).
//! - **Sessions**: one process-wide login per module and token (PKCS#11 login
//!   state belongs to the application, not to a session): the first
//!   [`Pkcs11Token::open`] logs in and keeps a session open, later ones check
//!   their PIN against a salted hash of the first and share the login. Each
//!   signature takes a session from a pool (opening one when the pool is
//!   empty) and gives it back, so threads sign concurrently; clones of a
//!   [`Pkcs11Token`] share the pool and the keys.
//! - **Key attributes** are read when the key is loaded: type and size,
//!   `CKA_SIGN`, and the protection evidence (`CKA_SENSITIVE`,
//!   `CKA_EXTRACTABLE`, `CKA_ALWAYS_SENSITIVE`, `CKA_NEVER_EXTRACTABLE`,
//!   `CKA_LOCAL`), reported as [`KeyProtection::Hardware`]. Whether that
//!   evidence is good enough is core's rule
//!   (`signet_core::policy::check_key_protection`).
//! - **Errors** have their own codes: `pkcs11_module_missing`,
//!   `pkcs11_token_missing`, `pkcs11_pin_incorrect`, `pkcs11_pin_locked`,
//!   `pkcs11_pin_missing`, `pkcs11_key_missing`, `pkcs11_key_ambiguous`,
//!   `pkcs11_key_exists`, `pkcs11_mechanism_unsupported`,
//!   `pkcs11_uri_invalid`, `pkcs11_device_error`.
//!
//! Modules are loaded and initialised once per process and never finalised
//! (another part of the process may still use them).

pub mod uri;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock, Weak};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType as CkKeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use signet_core::token::{
    AlgorithmFamily, EcdsaEncoding, ErrorKind, HashAlgorithm, KeyAttributes, KeyEvidence, KeyHandle,
    KeyProtection, KeyType, KeyUsage, SignatureAlgorithm, Token,
};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

pub use uri::{PinSpec, Pkcs11Uri};

use crate::error::Error;

/// The environment variable that gives the PIN when the URI does not.
pub const PIN_ENV: &str = "SIGNET_PKCS11_PIN";

/// Directories `module-name` is looked up in.
const MODULE_DIRS: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/pkcs11",
    "/usr/lib/aarch64-linux-gnu/pkcs11",
    "/usr/lib/pkcs11",
    "/usr/lib64/pkcs11",
    "/usr/local/lib/pkcs11",
    "/usr/lib/softhsm",
];

/// Idle sessions kept per token; more are closed when given back.
const POOL_MAX: usize = 16;

/// A PKCS#11 failure: a stable code, the generic kind core acts on, and a
/// message (never the PIN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pkcs11Error {
    code: &'static str,
    kind: ErrorKind,
    message: String,
    hint: Option<&'static str>,
}

impl Pkcs11Error {
    fn new(code: &'static str, kind: ErrorKind, message: impl Into<String>) -> Self {
        Pkcs11Error {
            code,
            kind,
            message: message.into(),
            hint: None,
        }
    }

    fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A PKCS#11 return value from `what` ("C_Sign", ...), mapped to a code.
    fn from_ck(what: &str, e: &CkError) -> Self {
        let rv = match e {
            CkError::Pkcs11(rv, _) => *rv,
            CkError::LibraryLoading(l) => {
                return Pkcs11Error::new(
                    "pkcs11_module_missing",
                    ErrorKind::Hardware,
                    format!("{what}: the module cannot be loaded: {l}"),
                );
            }
            other => {
                return Pkcs11Error::new(
                    "pkcs11_device_error",
                    ErrorKind::Hardware,
                    format!("{what}: {other}"),
                );
            }
        };
        let (code, kind, text) = match rv {
            RvError::PinIncorrect => (
                "pkcs11_pin_incorrect",
                ErrorKind::NotPermitted,
                "the token refused the PIN",
            ),
            RvError::PinLocked => (
                "pkcs11_pin_locked",
                ErrorKind::NotPermitted,
                "the token's user PIN is locked",
            ),
            RvError::PinExpired => (
                "pkcs11_pin_locked",
                ErrorKind::NotPermitted,
                "the token's user PIN has expired",
            ),
            RvError::UserPinNotInitialized => (
                "pkcs11_pin_locked",
                ErrorKind::NotPermitted,
                "the token has no user PIN yet",
            ),
            RvError::MechanismInvalid
            | RvError::MechanismParamInvalid
            | RvError::KeyTypeInconsistent
            | RvError::FunctionNotSupported => (
                "pkcs11_mechanism_unsupported",
                ErrorKind::NotSupported,
                "the token does not support this mechanism for this key",
            ),
            RvError::KeyFunctionNotPermitted => (
                "token_not_permitted",
                ErrorKind::NotPermitted,
                "the token does not permit this key to sign (CKA_SIGN)",
            ),
            RvError::TokenNotPresent | RvError::DeviceRemoved | RvError::SlotIdInvalid => (
                "pkcs11_token_missing",
                ErrorKind::Hardware,
                "the token is not present",
            ),
            RvError::ObjectHandleInvalid | RvError::KeyHandleInvalid => (
                "pkcs11_key_missing",
                ErrorKind::InvalidHandle,
                "the key is no longer on the token",
            ),
            RvError::UserNotLoggedIn => (
                "pkcs11_pin_missing",
                ErrorKind::NotPermitted,
                "the session is not logged in",
            ),
            _ => (
                "pkcs11_device_error",
                ErrorKind::Hardware,
                "the PKCS#11 module failed",
            ),
        };
        Pkcs11Error::new(code, kind, format!("{what}: {text} ({rv:?})"))
    }
}

impl core::fmt::Display for Pkcs11Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Pkcs11Error {}

impl signet_core::token::Error for Pkcs11Error {
    fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl signet_core::ErrorCode for Pkcs11Error {
    fn code(&self) -> &'static str {
        self.code
    }
}

impl From<Pkcs11Error> for Error {
    fn from(e: Pkcs11Error) -> Error {
        let refusal = matches!(
            e.code,
            "pkcs11_pin_incorrect" | "pkcs11_pin_locked" | "token_not_permitted"
        );
        let out = if refusal {
            Error::refused(e.code, e.message)
        } else {
            Error::failed(e.code, e.message)
        };
        match e.hint {
            Some(h) => out.with_hint(h),
            None => out,
        }
    }
}

type P11Result<T> = Result<T, Pkcs11Error>;

fn ck<T>(what: &str, r: cryptoki::error::Result<T>) -> P11Result<T> {
    r.map_err(|e| Pkcs11Error::from_ck(what, &e))
}

// ---------------------------------------------------------------------------
// Modules and logins, once per process.

fn modules() -> &'static Mutex<HashMap<PathBuf, Pkcs11>> {
    static M: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    M.get_or_init(|| Mutex::new(HashMap::new()))
}

/// This process's logins, by module and slot.
type Logins = Mutex<HashMap<(PathBuf, u64), Weak<Login>>>;

fn logins() -> &'static Logins {
    static L: OnceLock<Logins> = OnceLock::new();
    L.get_or_init(|| Mutex::new(HashMap::new()))
}

fn poisoned() -> Pkcs11Error {
    Pkcs11Error::new(
        "pkcs11_device_error",
        ErrorKind::Other,
        "a PKCS#11 lock was poisoned by a panic",
    )
}

/// The module a URI names: `module-path`, else `module-name` in the system's
/// module directories.
fn module_path(uri: &Pkcs11Uri) -> P11Result<PathBuf> {
    if let Some(p) = &uri.module_path {
        return Ok(p.clone());
    }
    if let Some(name) = &uri.module_name {
        for dir in MODULE_DIRS {
            for file in [format!("{name}.so"), format!("lib{name}.so"), name.clone()] {
                let p = Path::new(dir).join(file);
                if p.is_file() {
                    return Ok(p);
                }
            }
        }
        return Err(Pkcs11Error::new(
            "pkcs11_module_missing",
            ErrorKind::Hardware,
            format!("no PKCS#11 module named {name:?} in {}", MODULE_DIRS.join(", ")),
        )
        .hint("give the module's file with ?module-path=/path/to/module.so"));
    }
    Err(Pkcs11Error::new(
        "pkcs11_module_missing",
        ErrorKind::Hardware,
        "the PKCS#11 URI names no module",
    )
    .hint("add ?module-path=/path/to/module.so (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)"))
}

/// Loads and initialises a module once per process.
fn load_module(path: &Path) -> P11Result<(PathBuf, Pkcs11)> {
    let missing = |why: String| {
        Pkcs11Error::new(
            "pkcs11_module_missing",
            ErrorKind::Hardware,
            format!("cannot load the PKCS#11 module {}: {why}", path.display()),
        )
        .hint("check module-path in the URI (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)")
    };
    let canonical = std::fs::canonicalize(path).map_err(|e| missing(crate::error::io_reason(&e)))?;
    let mut map = modules().lock().map_err(|_| poisoned())?;
    if let Some(p) = map.get(&canonical) {
        return Ok((canonical, p.clone()));
    }
    let client = Pkcs11::new(&canonical).map_err(|e| missing(e.to_string()))?;
    match client.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(Pkcs11Error::from_ck("C_Initialize", &e)),
    }
    map.insert(canonical.clone(), client.clone());
    Ok((canonical, client))
}

/// The PIN: `pin-value`, `pin-source`, `$SIGNET_PKCS11_PIN`, or none.
fn resolve_pin(uri: &Pkcs11Uri) -> P11Result<Option<Zeroizing<String>>> {
    match &uri.pin {
        PinSpec::Value(v) => Ok(Some(v.clone())),
        PinSpec::File(path) => {
            let unreadable = |why: String| {
                Pkcs11Error::new(
                    "pkcs11_pin_missing",
                    ErrorKind::NotPermitted,
                    format!("cannot read the PIN file {}: {why}", path.display()),
                )
            };
            let meta = std::fs::metadata(path).map_err(|e| unreadable(crate::error::io_reason(&e)))?;
            if meta.len() > 1024 {
                return Err(unreadable("it is larger than a PIN".into()));
            }
            let bytes =
                Zeroizing::new(std::fs::read(path).map_err(|e| unreadable(crate::error::io_reason(&e)))?);
            let text = std::str::from_utf8(&bytes).map_err(|_| unreadable("it is not UTF-8".into()))?;
            Ok(Some(Zeroizing::new(
                text.trim_end_matches(['\n', '\r']).to_string(),
            )))
        }
        PinSpec::None => match std::env::var(PIN_ENV) {
            Ok(v) => {
                let v = Zeroizing::new(v);
                Ok(Some(Zeroizing::new(v.trim_end_matches(['\n', '\r']).to_string())))
            }
            Err(_) => Ok(None),
        },
    }
}

/// A logged-in token, shared by every [`Pkcs11Token`] of the process that
/// uses it. Dropping the last one closes its sessions (and so logs out).
struct Login {
    client: Pkcs11,
    slot: Slot,
    label: String,
    /// Keeps the application's login alive while sessions come and go.
    _anchor: Mutex<Session>,
    pool: Mutex<Vec<Session>>,
    /// Salted SHA-256 of the PIN that logged in (`None`: no PIN was used).
    pin_check: Option<([u8; 16], [u8; 32])>,
}

fn pin_hash(salt: &[u8; 16], pin: &str) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(b"signet pkcs11 pin check\0");
    h.update(salt);
    h.update(pin.as_bytes());
    h.finalize().into()
}

impl Login {
    /// A session from the pool, or a new one.
    fn session(&self) -> P11Result<Session> {
        if let Some(s) = self.pool.lock().map_err(|_| poisoned())?.pop() {
            return Ok(s);
        }
        ck("C_OpenSession", self.client.open_ro_session(self.slot))
    }

    /// Gives a session back (or closes it when the pool is full or the
    /// session failed in a way that makes it unusable).
    fn give_back(&self, session: Session, broken: bool) {
        if broken {
            return;
        }
        if let Ok(mut pool) = self.pool.lock()
            && pool.len() < POOL_MAX
        {
            pool.push(session);
        }
    }
}

fn session_broken(e: &Pkcs11Error) -> bool {
    matches!(
        e.code,
        "pkcs11_device_error" | "pkcs11_token_missing" | "pkcs11_pin_missing"
    )
}

/// Whether a token matches the URI's token and slot attributes.
fn token_matches(client: &Pkcs11, slot: Slot, uri: &Pkcs11Uri) -> P11Result<bool> {
    if uri.slot_id.is_some_and(|id| id != slot.id()) {
        return Ok(false);
    }
    let info = ck("C_GetTokenInfo", client.get_token_info(slot))?;
    let eq =
        |want: &Option<String>, have: &str| want.as_ref().is_none_or(|w| w.trim_end() == have.trim_end());
    if !(eq(&uri.token, info.label())
        && eq(&uri.manufacturer, info.manufacturer_id())
        && eq(&uri.model, info.model())
        && eq(&uri.serial, info.serial_number()))
    {
        return Ok(false);
    }
    if uri.slot_description.is_some() || uri.slot_manufacturer.is_some() {
        let s = ck("C_GetSlotInfo", client.get_slot_info(slot))?;
        if !(eq(&uri.slot_description, s.slot_description())
            && eq(&uri.slot_manufacturer, s.manufacturer_id()))
        {
            return Ok(false);
        }
    }
    Ok(true)
}

fn library_matches(client: &Pkcs11, uri: &Pkcs11Uri) -> P11Result<bool> {
    if uri.library_manufacturer.is_none()
        && uri.library_description.is_none()
        && uri.library_version.is_none()
    {
        return Ok(true);
    }
    let info = ck("C_GetInfo", client.get_library_info())?;
    let eq =
        |want: &Option<String>, have: &str| want.as_ref().is_none_or(|w| w.trim_end() == have.trim_end());
    let version = info.library_version();
    let version_ok = uri.library_version.as_ref().is_none_or(|v| {
        let mut parts = v.split('.');
        let major = parts.next().and_then(|m| m.parse::<u8>().ok());
        let minor = parts.next().map_or(Some(0), |m| m.parse::<u8>().ok());
        major == Some(version.major()) && minor == Some(version.minor())
    });
    Ok(eq(&uri.library_manufacturer, info.manufacturer_id())
        && eq(&uri.library_description, info.library_description())
        && version_ok)
}

/// Finds the one token the URI names and logs in (or joins this process's
/// login to it).
fn login(uri: &Pkcs11Uri) -> P11Result<Arc<Login>> {
    let (module, client) = load_module(&module_path(uri)?)?;
    if !library_matches(&client, uri)? {
        return Err(Pkcs11Error::new(
            "pkcs11_token_missing",
            ErrorKind::Hardware,
            format!("the module {} is not the library the URI names", module.display()),
        ));
    }
    let slots = ck("C_GetSlotList", client.get_slots_with_token())?;
    let mut matching = Vec::new();
    for slot in slots {
        if token_matches(&client, slot, uri)? {
            matching.push(slot);
        }
    }
    let which = uri
        .token
        .as_deref()
        .map_or_else(|| "any token".to_string(), |t| format!("token {t:?}"));
    let slot = match matching.as_slice() {
        [one] => *one,
        [] => {
            return Err(Pkcs11Error::new(
                "pkcs11_token_missing",
                ErrorKind::Hardware,
                format!("no {which} in the module {}", module.display()),
            )
            .hint("check token= in the URI (pkcs11-tool --module M --list-token-slots lists them)"));
        }
        _ => {
            return Err(Pkcs11Error::new(
                "pkcs11_token_missing",
                ErrorKind::Hardware,
                format!(
                    "{} tokens in {} match {which}; name one with token=, serial= or slot-id=",
                    matching.len(),
                    module.display()
                ),
            ));
        }
    };
    let pin = resolve_pin(uri)?;
    let key = (module.clone(), slot.id());
    let mut registry = logins().lock().map_err(|_| poisoned())?;
    if let Some(existing) = registry.get(&key).and_then(Weak::upgrade) {
        // The process is already logged in: the PIN must be the same one,
        // or a second state with a wrong PIN would ride on the first login.
        match (&existing.pin_check, &pin) {
            (Some((salt, hash)), Some(p)) if bool::from(pin_hash(salt, p).ct_eq(hash)) => {}
            (None, None) => {}
            (_, None) => return Err(no_pin()),
            _ => {
                return Err(Pkcs11Error::new(
                    "pkcs11_pin_incorrect",
                    ErrorKind::NotPermitted,
                    format!("the token {:?} refused the PIN", existing.label),
                ));
            }
        }
        return Ok(existing);
    }
    let info = ck("C_GetTokenInfo", client.get_token_info(slot))?;
    let label = info.label().trim_end().to_string();
    if info.user_pin_locked() {
        return Err(Pkcs11Error::new(
            "pkcs11_pin_locked",
            ErrorKind::NotPermitted,
            format!("the user PIN of token {label:?} is locked"),
        )
        .hint("unlock it with the token's security officer PIN (e.g. pkcs11-tool --init-pin --login --login-type so)"));
    }
    let anchor = ck("C_OpenSession", client.open_rw_session(slot))?;
    let pin_check = match &pin {
        Some(p) => {
            let auth = AuthPin::from(p.as_str());
            match anchor.login(UserType::User, Some(&auth)) {
                Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
                Err(e) => {
                    let mut err = Pkcs11Error::from_ck("C_Login", &e);
                    err.message = format!("token {label:?}: {}", err.message);
                    if err.code == "pkcs11_pin_incorrect"
                        && ck("C_GetTokenInfo", client.get_token_info(slot))
                            .is_ok_and(|i| i.user_pin_locked())
                    {
                        err.code = "pkcs11_pin_locked";
                        err.message =
                            format!("the user PIN of token {label:?} is now locked (too many wrong PINs)");
                    }
                    return Err(err);
                }
            }
            let mut salt = [0u8; 16];
            getrandom::fill(&mut salt).map_err(|_| {
                Pkcs11Error::new(
                    "pkcs11_device_error",
                    ErrorKind::Rng,
                    "the OS random generator failed",
                )
            })?;
            Some((salt, pin_hash(&salt, p)))
        }
        None if info.protected_authentication_path() => {
            ck("C_Login", anchor.login(UserType::User, None))?;
            None
        }
        None if !info.login_required() => None,
        None => return Err(no_pin()),
    };
    let login = Arc::new(Login {
        client,
        slot,
        label,
        _anchor: Mutex::new(anchor),
        pool: Mutex::new(Vec::new()),
        pin_check,
    });
    registry.retain(|_, w| w.strong_count() > 0);
    registry.insert(key, Arc::downgrade(&login));
    Ok(login)
}

fn no_pin() -> Pkcs11Error {
    Pkcs11Error::new(
        "pkcs11_pin_missing",
        ErrorKind::NotPermitted,
        "the token needs a PIN and none was given",
    )
    .hint("set SIGNET_PKCS11_PIN, or add ?pin-source=file:/path/to/pin to the URI")
}

// ---------------------------------------------------------------------------
// Keys.

struct KeyEntry {
    private: ObjectHandle,
    attributes: KeyAttributes,
    spki: Vec<u8>,
    label: String,
}

/// A PKCS#11 token holding the keys it was asked to find or generate. Cheap
/// to clone: clones share the login, the session pool and the keys.
pub struct Pkcs11Token {
    login: Arc<Login>,
    keys: Arc<RwLock<Vec<KeyEntry>>>,
    last_failure: LastFailure,
}

impl Clone for Pkcs11Token {
    /// Shares the login, the pool and the keys; each clone records its own
    /// last failure.
    fn clone(&self) -> Self {
        Pkcs11Token {
            login: self.login.clone(),
            keys: self.keys.clone(),
            last_failure: LastFailure::default(),
        }
    }
}

/// The last signing failure of one [`Pkcs11Token`] (clone), with its code:
/// core's sign path reports a token failure by its generic kind only, and
/// the host gives the caller the PKCS#11 code from here.
#[derive(Debug, Clone, Default)]
pub struct LastFailure(Arc<Mutex<Option<Pkcs11Error>>>);

impl LastFailure {
    /// Takes the recorded failure, if any.
    pub fn take(&self) -> Option<Pkcs11Error> {
        self.0.lock().ok().and_then(|mut f| f.take())
    }

    fn set(&self, e: &Pkcs11Error) {
        if let Ok(mut f) = self.0.lock() {
            *f = Some(e.clone());
        }
    }
}

impl core::fmt::Debug for Pkcs11Token {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pkcs11Token")
            .field("token", &self.login.label)
            .field("slot", &self.login.slot.id())
            .finish_non_exhaustive()
    }
}

/// The DER OID of a named curve.
const P256_PARAMS: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const P384_PARAMS: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];

/// RFC 8017 section 9.2 note 1: the DER `DigestInfo` prefixes.
const DIGEST_INFO_SHA256: &[u8] = &[
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
    0x04, 0x20,
];
const DIGEST_INFO_SHA384: &[u8] = &[
    0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00,
    0x04, 0x30,
];
const DIGEST_INFO_SHA512: &[u8] = &[
    0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00,
    0x04, 0x40,
];

fn digest_info_prefix(h: HashAlgorithm) -> &'static [u8] {
    match h {
        HashAlgorithm::Sha384 => DIGEST_INFO_SHA384,
        HashAlgorithm::Sha512 => DIGEST_INFO_SHA512,
        _ => DIGEST_INFO_SHA256,
    }
}

fn pss_params(h: HashAlgorithm) -> P11Result<PkcsPssParams> {
    let (hash_alg, mgf) = match h {
        HashAlgorithm::Sha384 => (MechanismType::SHA384, PkcsMgfType::MGF1_SHA384),
        HashAlgorithm::Sha512 => (MechanismType::SHA512, PkcsMgfType::MGF1_SHA512),
        _ => (MechanismType::SHA256, PkcsMgfType::MGF1_SHA256),
    };
    let s_len = u64::try_from(h.digest_len())
        .map(Into::into)
        .map_err(|_| Pkcs11Error::new("pkcs11_device_error", ErrorKind::Other, "salt length"))?;
    Ok(PkcsPssParams { hash_alg, mgf, s_len })
}

fn mechanism_type(alg: SignatureAlgorithm) -> MechanismType {
    match alg {
        SignatureAlgorithm::Ecdsa { .. } => MechanismType::ECDSA,
        SignatureAlgorithm::RsaPss(_) => MechanismType::RSA_PKCS_PSS,
        _ => MechanismType::RSA_PKCS,
    }
}

/// `CKA_EC_POINT` is a DER OCTET STRING around the point (PKCS#11 v2.40);
/// some modules give the bare point.
fn ec_point(raw: &[u8]) -> Vec<u8> {
    use der::Decode;
    match der::asn1::OctetString::from_der(raw) {
        Ok(o) if matches!(o.as_bytes().first(), Some(0x04)) => o.as_bytes().to_vec(),
        _ => raw.to_vec(),
    }
}

fn spki_error(what: &str) -> Pkcs11Error {
    Pkcs11Error::new(
        "pkcs11_key_missing",
        ErrorKind::InvalidKey,
        format!("the token's public key is not usable: {what}"),
    )
}

/// The key type and DER `SubjectPublicKeyInfo` from a key's public attributes.
fn public_key(attrs: &[Attribute]) -> P11Result<(KeyType, Vec<u8>)> {
    let mut params = None;
    let mut point = None;
    let mut modulus = None;
    let mut exponent = None;
    let mut info = None;
    for a in attrs {
        match a {
            Attribute::EcParams(p) => params = Some(p.as_slice()),
            Attribute::EcPoint(p) => point = Some(p.as_slice()),
            Attribute::Modulus(m) => modulus = Some(m.as_slice()),
            Attribute::PublicExponent(e) => exponent = Some(e.as_slice()),
            Attribute::PublicKeyInfo(i) if !i.is_empty() => info = Some(i.as_slice()),
            _ => {}
        }
    }
    if let (Some(m), Some(e)) = (modulus, exponent) {
        use rsa::pkcs8::EncodePublicKey;
        let key = rsa::RsaPublicKey::new(
            rsa::BoxedUint::from_be_slice_vartime(m),
            rsa::BoxedUint::from_be_slice_vartime(e),
        )
        .map_err(|_| spki_error("the RSA modulus or exponent is out of range"))?;
        // The modulus's exact size (its leading byte may carry fewer than 8 bits).
        let m = m
            .get(m.iter().take_while(|b| **b == 0).count()..)
            .unwrap_or_default();
        let lead = m.first().map_or(8, |b| b.leading_zeros());
        let bits = u16::try_from((m.len() * 8).saturating_sub(usize::try_from(lead).unwrap_or(8)))
            .map_err(|_| spki_error("RSA modulus too large"))?;
        let der = key.to_public_key_der().map_err(|_| spki_error("RSA encoding"))?;
        return Ok((KeyType::Rsa { bits }, der.as_bytes().to_vec()));
    }
    let ec = |params: &[u8], point: &[u8]| -> P11Result<(KeyType, Vec<u8>)> {
        use p256::pkcs8::EncodePublicKey;
        let point = ec_point(point);
        if params == P256_PARAMS {
            let k = p256::PublicKey::from_sec1_bytes(&point).map_err(|_| spki_error("not a P-256 point"))?;
            let der = k.to_public_key_der().map_err(|_| spki_error("encoding"))?;
            Ok((KeyType::EccP256, der.as_bytes().to_vec()))
        } else if params == P384_PARAMS {
            let k = p384::PublicKey::from_sec1_bytes(&point).map_err(|_| spki_error("not a P-384 point"))?;
            let der = k.to_public_key_der().map_err(|_| spki_error("encoding"))?;
            Ok((KeyType::EccP384, der.as_bytes().to_vec()))
        } else {
            Err(Pkcs11Error::new(
                "token_not_supported",
                ErrorKind::NotSupported,
                "the key is on a curve Signet does not sign with (P-256 and P-384 only)",
            ))
        }
    };
    if let (Some(p), Some(q)) = (params, point) {
        return ec(p, q);
    }
    if let Some(info) = info {
        let key = signet_core::policy::key_info_from_spki_der(info)
            .map_err(|_| spki_error("CKA_PUBLIC_KEY_INFO"))?;
        let key_type = match key {
            signet_core::policy::KeyInfo::Ec {
                curve: signet_core::policy::Curve::P256,
            } => KeyType::EccP256,
            signet_core::policy::KeyInfo::Ec {
                curve: signet_core::policy::Curve::P384,
            } => KeyType::EccP384,
            signet_core::policy::KeyInfo::Rsa { modulus_bits, .. } => KeyType::Rsa {
                bits: u16::try_from(modulus_bits).map_err(|_| spki_error("RSA modulus too large"))?,
            },
            _ => {
                return Err(Pkcs11Error::new(
                    "token_not_supported",
                    ErrorKind::NotSupported,
                    "the key is of a type Signet does not sign with",
                ));
            }
        };
        return Ok((key_type, info.to_vec()));
    }
    Err(Pkcs11Error::new(
        "pkcs11_key_missing",
        ErrorKind::InvalidKey,
        "the token has no public key for this private key (no public key object with its CKA_ID or label)",
    ))
}

fn bool_attr(attrs: &[Attribute], want: AttributeType) -> bool {
    attrs.iter().any(|a| {
        a.attribute_type() == want
            && matches!(
                a,
                Attribute::Sensitive(true)
                    | Attribute::Extractable(true)
                    | Attribute::AlwaysSensitive(true)
                    | Attribute::NeverExtractable(true)
                    | Attribute::Local(true)
                    | Attribute::Sign(true)
            )
    })
}

/// The key a URI names, and the template to find it.
fn key_template(uri: &Pkcs11Uri, class: ObjectClass) -> P11Result<Vec<Attribute>> {
    match uri.object_type {
        None | Some(uri::ObjectType::Private) => {}
        Some(_) => {
            return Err(Pkcs11Error::new(
                "pkcs11_uri_invalid",
                ErrorKind::InvalidKey,
                format!(
                    "the URI names a {} object; a signing key is type=private",
                    uri.type_name().unwrap_or("other")
                ),
            ));
        }
    }
    if uri.object.is_none() && uri.id.is_none() {
        return Err(Pkcs11Error::new(
            "pkcs11_uri_invalid",
            ErrorKind::InvalidKey,
            "the URI names no key: give object=LABEL (or id=)",
        ));
    }
    let mut t = vec![Attribute::Class(class)];
    if let Some(o) = &uri.object {
        t.push(Attribute::Label(o.as_bytes().to_vec()));
    }
    if let Some(id) = &uri.id {
        t.push(Attribute::Id(id.clone()));
    }
    Ok(t)
}

impl Pkcs11Token {
    /// Opens the token a URI names and logs in (PIN from the URI, a
    /// `pin-source` file or `$SIGNET_PKCS11_PIN`).
    ///
    /// # Errors
    /// `pkcs11_module_missing`, `pkcs11_token_missing`, `pkcs11_pin_*`,
    /// `pkcs11_device_error`.
    pub fn open(uri: &Pkcs11Uri) -> Result<Pkcs11Token, Error> {
        Ok(Pkcs11Token {
            login: login(uri)?,
            keys: Arc::new(RwLock::new(Vec::new())),
            last_failure: LastFailure::default(),
        })
    }

    /// Where this token (clone) records its last signing failure.
    pub fn last_failure(&self) -> LastFailure {
        self.last_failure.clone()
    }

    /// The token's label.
    pub fn label(&self) -> &str {
        &self.login.label
    }

    /// The label (`CKA_LABEL`) of a loaded key.
    pub fn key_label(&self, handle: KeyHandle) -> Option<String> {
        self.keys
            .read()
            .ok()?
            .get(usize::try_from(handle.0).ok()?)
            .map(|k| k.label.clone())
    }

    fn with_session<T>(
        &self,
        what: &str,
        f: impl FnOnce(&Session) -> cryptoki::error::Result<T>,
    ) -> P11Result<T> {
        let session = self.login.session()?;
        let out = ck(what, f(&session));
        let broken = out.as_ref().err().is_some_and(session_broken);
        self.login.give_back(session, broken);
        out
    }

    /// Finds the private key the URI names (exactly one), reads its public
    /// key and attributes, and checks that the token has the mechanism for
    /// `alg` (default: the key type's default algorithm).
    ///
    /// # Errors
    /// `pkcs11_uri_invalid` (no key named, or not type=private),
    /// `pkcs11_key_missing`, `pkcs11_key_ambiguous`,
    /// `pkcs11_mechanism_unsupported`, `token_not_supported`.
    pub fn find_key(&self, uri: &Pkcs11Uri, alg: Option<SignatureAlgorithm>) -> Result<KeyHandle, Error> {
        let template = key_template(uri, ObjectClass::PRIVATE_KEY)?;
        let found = self.with_session("C_FindObjects", |s| s.find_objects(&template))?;
        let private = match found.as_slice() {
            [one] => *one,
            [] => {
                return Err(Pkcs11Error::new(
                    "pkcs11_key_missing",
                    ErrorKind::InvalidHandle,
                    format!(
                        "token {:?} has no private key with {}",
                        self.login.label,
                        uri.key_name()
                    ),
                )
                .hint("list the keys with pkcs11-tool --module M --login --list-objects --type privkey")
                .into());
            }
            many => {
                return Err(Pkcs11Error::new(
                    "pkcs11_key_ambiguous",
                    ErrorKind::InvalidHandle,
                    format!(
                        "token {:?} has {} private keys with {}; add id= to the URI",
                        self.login.label,
                        many.len(),
                        uri.key_name()
                    ),
                )
                .into());
            }
        };
        Ok(self.load(private, alg)?)
    }

    fn load(&self, private: ObjectHandle, alg: Option<SignatureAlgorithm>) -> P11Result<KeyHandle> {
        use AttributeType as A;
        let attrs = self.with_session("C_GetAttributeValue", |s| {
            s.get_attributes(
                private,
                &[
                    A::KeyType,
                    A::Label,
                    A::Id,
                    A::Sensitive,
                    A::Extractable,
                    A::AlwaysSensitive,
                    A::NeverExtractable,
                    A::Local,
                    A::Sign,
                ],
            )
        })?;
        let mut label = String::new();
        let mut id = Vec::new();
        let mut ck_type = None;
        for a in &attrs {
            match a {
                Attribute::Label(l) => label = String::from_utf8_lossy(l).into_owned(),
                Attribute::Id(i) => id.clone_from(i),
                Attribute::KeyType(t) => ck_type = Some(*t),
                _ => {}
            }
        }
        let evidence = KeyEvidence {
            sensitive: bool_attr(&attrs, A::Sensitive),
            extractable: bool_attr(&attrs, A::Extractable),
            always_sensitive: bool_attr(&attrs, A::AlwaysSensitive),
            never_extractable: bool_attr(&attrs, A::NeverExtractable),
            local: bool_attr(&attrs, A::Local),
            sign: bool_attr(&attrs, A::Sign),
        };
        let public_attrs = match ck_type {
            Some(t) if t == CkKeyType::EC => vec![A::EcParams, A::EcPoint],
            Some(t) if t == CkKeyType::RSA => vec![A::Modulus, A::PublicExponent],
            _ => {
                return Err(Pkcs11Error::new(
                    "token_not_supported",
                    ErrorKind::NotSupported,
                    "the key is neither RSA nor EC",
                ));
            }
        };
        // The public key object with the same CKA_ID (or label), else what
        // the private key itself shows.
        let mut template = vec![Attribute::Class(ObjectClass::PUBLIC_KEY)];
        if id.is_empty() {
            template.push(Attribute::Label(label.as_bytes().to_vec()));
        } else {
            template.push(Attribute::Id(id.clone()));
        }
        let publics = self.with_session("C_FindObjects", |s| s.find_objects(&template))?;
        let mut public = Err(spki_error("no public key"));
        if let [one] = publics.as_slice() {
            let got = self.with_session("C_GetAttributeValue", |s| s.get_attributes(*one, &public_attrs))?;
            public = public_key(&got);
        }
        if public.is_err() {
            let mut from_private = public_attrs.clone();
            from_private.push(A::PublicKeyInfo);
            let got = self.with_session("C_GetAttributeValue", |s| {
                s.get_attributes(private, &from_private)
            })?;
            public = public_key(&got);
        }
        let (key_type, spki) = public?;
        let alg = alg.unwrap_or(key_type.default_algorithm());
        let usage = if evidence.sign {
            KeyUsage::SIGN_HASH
        } else {
            KeyUsage::NONE
        };
        let attributes = KeyAttributes::new(key_type, usage, alg)
            .map_err(|_| {
                Pkcs11Error::new(
                    "token_not_supported",
                    ErrorKind::NotSupported,
                    format!("a {key_type} key cannot sign with {alg}"),
                )
            })?
            .with_protection(KeyProtection::Hardware(evidence));
        let mechanisms = ck(
            "C_GetMechanismList",
            self.login.client.get_mechanism_list(self.login.slot),
        )?;
        let needed = mechanism_type(alg);
        if !mechanisms.contains(&needed) {
            return Err(Pkcs11Error::new(
                "pkcs11_mechanism_unsupported",
                ErrorKind::NotSupported,
                format!(
                    "token {:?} does not offer {needed} (needed for {alg})",
                    self.login.label
                ),
            ));
        }
        let mut keys = self.keys.write().map_err(|_| poisoned())?;
        let handle = KeyHandle(u32::try_from(keys.len()).map_err(|_| {
            Pkcs11Error::new(
                "token_insufficient_storage",
                ErrorKind::InsufficientStorage,
                "too many keys",
            )
        })?);
        keys.push(KeyEntry {
            private,
            attributes,
            spki,
            label,
        });
        Ok(handle)
    }

    /// Generates a key pair on the token, named by the URI's `object` (and
    /// `id`, else a random one): the private key sensitive, not extractable,
    /// sign-only; both stored on the token. Refuses to make a second key
    /// with the same label or id.
    ///
    /// # Errors
    /// `pkcs11_uri_invalid` (no `object=`), `pkcs11_key_exists`,
    /// `token_not_supported` (not P-256, P-384, RSA 3072/4096),
    /// `pkcs11_mechanism_unsupported`, `pkcs11_device_error`.
    pub fn generate_key(
        &self,
        uri: &Pkcs11Uri,
        key_type: KeyType,
        alg: Option<SignatureAlgorithm>,
    ) -> Result<KeyHandle, Error> {
        let label = uri.object.clone().ok_or_else(|| {
            Pkcs11Error::new(
                "pkcs11_uri_invalid",
                ErrorKind::InvalidKey,
                "a new key needs a label: give object=LABEL in the URI",
            )
        })?;
        key_template(uri, ObjectClass::PRIVATE_KEY)?;
        let id = match &uri.id {
            Some(id) => id.clone(),
            None => {
                let mut id = vec![0u8; 16];
                getrandom::fill(&mut id).map_err(|_| {
                    Pkcs11Error::new(
                        "pkcs11_device_error",
                        ErrorKind::Rng,
                        "the OS random generator failed",
                    )
                })?;
                id
            }
        };
        for template in [
            vec![Attribute::Label(label.as_bytes().to_vec())],
            vec![Attribute::Id(id.clone())],
        ] {
            let found = self.with_session("C_FindObjects", |s| s.find_objects(&template))?;
            if !found.is_empty() {
                return Err(Pkcs11Error::new(
                    "pkcs11_key_exists",
                    ErrorKind::InsufficientStorage,
                    format!(
                        "token {:?} already has an object with {}; use it with `init --token` (without --generate) or pick another label",
                        self.login.label,
                        uri.key_name()
                    ),
                )
                .into());
            }
        }
        let (mechanism, mut public, needed) = match key_type {
            KeyType::EccP256 | KeyType::EccP384 => {
                let params = if key_type == KeyType::EccP256 {
                    P256_PARAMS
                } else {
                    P384_PARAMS
                };
                (
                    Mechanism::EccKeyPairGen,
                    vec![Attribute::EcParams(params.to_vec())],
                    MechanismType::ECC_KEY_PAIR_GEN,
                )
            }
            KeyType::Rsa {
                bits: bits @ (3072 | 4096),
            } => (
                Mechanism::RsaPkcsKeyPairGen,
                vec![
                    Attribute::ModulusBits(u64::from(bits).into()),
                    Attribute::PublicExponent(vec![0x01, 0x00, 0x01]),
                    Attribute::Encrypt(false),
                    Attribute::Wrap(false),
                ],
                MechanismType::RSA_PKCS_KEY_PAIR_GEN,
            ),
            other => {
                return Err(Pkcs11Error::new(
                    "token_not_supported",
                    ErrorKind::NotSupported,
                    format!("Signet generates P-256, P-384, RSA-3072 and RSA-4096 keys, not {other}"),
                )
                .into());
            }
        };
        let mechanisms = ck(
            "C_GetMechanismList",
            self.login.client.get_mechanism_list(self.login.slot),
        )?;
        if !mechanisms.contains(&needed) {
            return Err(Pkcs11Error::new(
                "pkcs11_mechanism_unsupported",
                ErrorKind::NotSupported,
                format!(
                    "token {:?} cannot generate {key_type} keys ({needed})",
                    self.login.label
                ),
            )
            .into());
        }
        // The signing mechanism too, before a key is made that could not sign.
        let sign_alg = alg.unwrap_or(key_type.default_algorithm());
        let signing = mechanism_type(sign_alg);
        if !mechanisms.contains(&signing) {
            return Err(Pkcs11Error::new(
                "pkcs11_mechanism_unsupported",
                ErrorKind::NotSupported,
                format!(
                    "token {:?} does not offer {signing} (needed for {sign_alg}); no key was generated",
                    self.login.label
                ),
            )
            .into());
        }
        public.extend([
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Verify(true),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(id.clone()),
        ]);
        let mut private = vec![
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            Attribute::SignRecover(false),
            Attribute::Derive(false),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(id),
        ];
        if matches!(key_type, KeyType::Rsa { .. }) {
            private.extend([Attribute::Decrypt(false), Attribute::Unwrap(false)]);
        }
        // Key generation writes token objects: a read-write session of its own.
        let session = ck(
            "C_OpenSession",
            self.login.client.open_rw_session(self.login.slot),
        )?;
        let (_, private_handle) = ck(
            "C_GenerateKeyPair",
            session.generate_key_pair(&mechanism, &public, &private),
        )?;
        drop(session);
        Ok(self.load(private_handle, alg)?)
    }

    fn entry<T>(&self, handle: KeyHandle, f: impl FnOnce(&KeyEntry) -> T) -> P11Result<T> {
        let keys = self.keys.read().map_err(|_| poisoned())?;
        usize::try_from(handle.0)
            .ok()
            .and_then(|i| keys.get(i))
            .map(f)
            .ok_or_else(|| {
                Pkcs11Error::new(
                    "token_invalid_handle",
                    ErrorKind::InvalidHandle,
                    format!("no key with handle {}", handle.0),
                )
            })
    }

    /// Signs with `&self`: [`Token::sign_digest`] without exclusive access,
    /// for threads sharing one token.
    ///
    /// # Errors
    /// As [`Token::sign_digest`].
    pub fn sign_shared(
        &self,
        handle: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Pkcs11Error> {
        let (private, attributes) = self.entry(handle, |k| (k.private, k.attributes))?;
        attributes
            .check_sign(alg, digest.len(), out.len())
            .map_err(|kind| {
                Pkcs11Error::new(
                    signet_core::ErrorCode::code(&kind),
                    kind,
                    format!("token key {}: {}", handle.0, kind.message()),
                )
            })?;
        let (mechanism, input): (Mechanism, Vec<u8>) = match alg {
            SignatureAlgorithm::Ecdsa { .. } => (Mechanism::Ecdsa, digest.to_vec()),
            SignatureAlgorithm::RsaPss(h) => (Mechanism::RsaPkcsPss(pss_params(h)?), digest.to_vec()),
            SignatureAlgorithm::RsaPkcs1v15(h) => {
                let mut info = digest_info_prefix(h).to_vec();
                info.extend_from_slice(digest);
                (Mechanism::RsaPkcs, info)
            }
            other => {
                return Err(Pkcs11Error::new(
                    "pkcs11_mechanism_unsupported",
                    ErrorKind::NotSupported,
                    format!("{other} has no PKCS#11 mechanism here"),
                ));
            }
        };
        let raw = self.with_session("C_Sign", |s| s.sign(&mechanism, private, &input))?;
        let key_type = attributes.key_type();
        let field = usize::from(key_type.bits()).div_ceil(8);
        let wrong_length = || {
            Pkcs11Error::new(
                "pkcs11_device_error",
                ErrorKind::Hardware,
                format!(
                    "the token returned a {}-byte signature for a {key_type} key",
                    raw.len()
                ),
            )
        };
        match (alg.family(), alg) {
            (
                AlgorithmFamily::Ecdsa,
                SignatureAlgorithm::Ecdsa {
                    encoding: EcdsaEncoding::Der,
                    ..
                },
            ) => {
                if raw.len() != 2 * field {
                    return Err(wrong_length());
                }
                signet_core::verify::ecdsa_fixed_to_der(&raw, out).map_err(|_| wrong_length())
            }
            _ => {
                if raw.len() != attributes.signature_len() {
                    return Err(wrong_length());
                }
                let dst = out.get_mut(..raw.len()).ok_or_else(|| {
                    Pkcs11Error::new(
                        "token_buffer_too_small",
                        ErrorKind::BufferTooSmall,
                        "output buffer too small",
                    )
                })?;
                dst.copy_from_slice(&raw);
                Ok(raw.len())
            }
        }
    }
}

impl Token for Pkcs11Token {
    type Error = Pkcs11Error;

    fn key_attributes(&self, handle: KeyHandle) -> Result<KeyAttributes, Pkcs11Error> {
        self.entry(handle, |k| k.attributes)
    }

    fn public_key(&self, handle: KeyHandle, out: &mut [u8]) -> Result<usize, Pkcs11Error> {
        self.entry(handle, |k| {
            let dst = out.get_mut(..k.spki.len()).ok_or_else(|| {
                Pkcs11Error::new(
                    "token_buffer_too_small",
                    ErrorKind::BufferTooSmall,
                    "output buffer too small",
                )
            })?;
            dst.copy_from_slice(&k.spki);
            Ok(k.spki.len())
        })?
    }

    fn sign_digest(
        &mut self,
        handle: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Pkcs11Error> {
        let signed = self.sign_shared(handle, alg, digest, out);
        if let Err(e) = &signed {
            self.last_failure.set(e);
        }
        signed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_info_prefixes_match_the_rsa_crate() {
        for (h, ours) in [
            (HashAlgorithm::Sha256, digest_info_prefix(HashAlgorithm::Sha256)),
            (HashAlgorithm::Sha384, digest_info_prefix(HashAlgorithm::Sha384)),
            (HashAlgorithm::Sha512, digest_info_prefix(HashAlgorithm::Sha512)),
        ] {
            let theirs = match h {
                HashAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                HashAlgorithm::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                _ => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
            };
            assert_eq!(ours, theirs.prefix.as_ref(), "{h}");
            assert_eq!(usize::from(ours[1]) + 2, ours.len() + h.digest_len());
        }
    }

    #[test]
    fn ec_points_with_and_without_octet_string() {
        let point = [0x04u8, 1, 2, 3];
        assert_eq!(ec_point(&[0x04, 0x04, 0x04, 1, 2, 3]), point);
        assert_eq!(ec_point(&point), point);
    }

    #[test]
    fn a_missing_module_has_its_code() {
        let uri = Pkcs11Uri::parse("pkcs11:token=t;object=k?module-path=/nonexistent/libnope.so").unwrap();
        let e = Pkcs11Token::open(&uri).unwrap_err();
        assert_eq!(e.code(), "pkcs11_module_missing");
        let uri = Pkcs11Uri::parse("pkcs11:token=t;object=k").unwrap();
        assert_eq!(
            Pkcs11Token::open(&uri).unwrap_err().code(),
            "pkcs11_module_missing"
        );
        let uri = Pkcs11Uri::parse("pkcs11:token=t;object=k?module-name=no-such-module").unwrap();
        assert_eq!(
            Pkcs11Token::open(&uri).unwrap_err().code(),
            "pkcs11_module_missing"
        );
    }
}
