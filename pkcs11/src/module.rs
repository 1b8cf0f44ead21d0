//! The module's state: the opened Signet state, its objects, the sessions,
//! and the sign path. Everything here is safe Rust; `lib.rs` holds the C
//! boundary (pointers, lengths, the panic boundary) and calls in here.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use cryptoki_sys::*;
use signet_core::token::{EcdsaEncoding, SignatureAlgorithm};
use signet_host::{Clock, OpenOptions, SignOptions, State};

use crate::mech::{self, Hasher, Input};
use crate::objects::{self, KeyInfo, Objects};
use crate::refusal::ckr_for;

/// A PKCS#11 result: the value, or the `CKR_` to return.
pub type Ck<T = ()> = Result<T, CK_RV>;

/// `SIGNET_PKCS11_CONFIG`'s file (TOML). Every key is optional but `state`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The state directory (the CLI's `--state`).
    pub state: Option<PathBuf>,
    /// The token and object label (default `signet`).
    pub label: Option<String>,
    /// The log file (default: stderr; `SIGNET_PKCS11_LOG` wins).
    pub log: Option<PathBuf>,
    /// The acting user (default: the OS user). Host refuses another user
    /// than the OS user in a production state (`state_production_user`).
    pub user: Option<String>,
    /// A fixed clock (RFC 3339 or UNIX seconds), development states only
    /// (host refuses it in a production state: `state_production_clock`).
    pub now: Option<String>,
    /// The grant every signature uses (default: the acting user's only
    /// active grant, when the certificate has a signer policy).
    pub grant: Option<u64>,
}

/// Where refusals (and, with a log file, every signature) are written.
pub struct Log {
    file: Option<PathBuf>,
}

impl Log {
    /// A log to `file`, or stderr.
    pub fn to(file: Option<PathBuf>) -> Log {
        Log { file }
    }

    /// The log `SIGNET_PKCS11_LOG` names, or stderr (before any
    /// configuration was read).
    pub fn stderr_or_env() -> Log {
        Log::to(
            std::env::var_os("SIGNET_PKCS11_LOG")
                .filter(|s| !s.is_empty())
                .map(PathBuf::from),
        )
    }

    /// One line: the message and Signet's code. Never a PIN or key: only
    /// host's messages (which carry none) and the module's own texts.
    pub fn write(&self, code: &str, message: &str) {
        let line = format!("signet-pkcs11[{}]: {message} [{code}]\n", std::process::id());
        match &self.file {
            Some(path) => {
                if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
                    let _ = f.write_all(line.as_bytes());
                }
            }
            None => {
                let _ = std::io::stderr().write_all(line.as_bytes());
            }
        }
    }

    /// Successes go only to a log file: tools print stderr to their users.
    pub fn success(&self, message: &str) {
        if self.file.is_some() {
            self.write("ok", message);
        }
    }
}

/// Reads the configuration: `SIGNET_PKCS11_CONFIG`'s file, else
/// `SIGNET_STATE`. `SIGNET_PKCS11_LOG` names the log either way.
///
/// # Errors
/// A message for the log (code `pkcs11_module_config`).
pub fn load_config() -> Result<Config, String> {
    let mut config = match std::env::var_os("SIGNET_PKCS11_CONFIG") {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("SIGNET_PKCS11_CONFIG {}: {e}", Path::new(&path).display()))?;
            let config: Config = toml::from_str(&text).map_err(|e| {
                format!(
                    "SIGNET_PKCS11_CONFIG {}: {}",
                    Path::new(&path).display(),
                    e.message()
                )
            })?;
            if config.state.is_none() {
                return Err(format!(
                    "SIGNET_PKCS11_CONFIG {}: no `state = \"DIR\"`",
                    Path::new(&path).display()
                ));
            }
            config
        }
        None => Config {
            state: std::env::var_os("SIGNET_STATE")
                .filter(|s| !s.is_empty())
                .map(PathBuf::from),
            ..Config::default()
        },
    };
    if let Some(log) = std::env::var_os("SIGNET_PKCS11_LOG").filter(|s| !s.is_empty()) {
        config.log = Some(PathBuf::from(log));
    }
    if config.state.is_none() {
        return Err("no state: set SIGNET_STATE to the state directory, or SIGNET_PKCS11_CONFIG to a file with `state = \"DIR\"`".into());
    }
    Ok(config)
}

/// A sign operation of a session.
pub struct SignOp {
    input: Input,
    /// The raw input (`Digest`, `DigestInfo`), as given in parts.
    raw: Vec<u8>,
    hasher: Option<Hasher>,
    /// `C_SignUpdate` was called: only `C_SignFinal` may end it.
    multi: bool,
}

/// The longest raw input (a digest or `DigestInfo`) collected by updates:
/// the largest valid one is 83 bytes, so anything near this is refused.
const MAX_RAW: usize = 1024;

/// One session.
pub struct Session {
    /// `C_OpenSession`'s flags.
    pub flags: CK_FLAGS,
    /// The objects a find operation has left to return.
    pub find: Option<Vec<CK_OBJECT_HANDLE>>,
    /// The active sign operation.
    pub sign: Option<SignOp>,
}

/// An initialised module.
pub struct Module {
    /// The opened state. Set when `C_Initialize` opens it, or, for a token
    /// state with no PIN at hand, by the first `C_Login` whose PIN the
    /// token accepts; then it stays open until `C_Finalize`.
    state: OnceLock<State>,
    /// How to (re)open the state: its directory and open options.
    dir: PathBuf,
    open_options: OpenOptions,
    /// The state's key is on a PKCS#11 token: `C_Login`'s PIN goes to it.
    token_state: bool,
    /// The state could not open without a PIN: the token sets
    /// `CKF_LOGIN_REQUIRED`, and signing waits for `C_Login`.
    login_required: bool,
    /// The objects.
    pub objects: Objects,
    /// The state's one algorithm.
    pub alg: SignatureAlgorithm,
    /// The token label.
    pub label: String,
    /// The token serial number (from the certificate's fingerprint).
    pub serial: String,
    grant: Option<u64>,
    /// The log.
    pub log: Log,
    sessions: Mutex<HashMap<CK_SESSION_HANDLE, Arc<Mutex<Session>>>>,
    next_session: AtomicU64,
    logged_in: AtomicBool,
}

impl Module {
    /// Opens the configured state (as the OS user, or the configured one)
    /// and builds its objects.
    ///
    /// # Errors
    /// `(code, message)` for the log.
    pub fn open(config: Config) -> Result<Module, (String, String)> {
        let log = Log {
            file: config.log.clone(),
        };
        let fail = |code: &str, message: String| (code.to_string(), message);
        let dir = config.state.clone().unwrap_or_default();
        let clock = match &config.now {
            Some(t) => Clock::Fixed(
                signet_host::clock::parse_time(t).map_err(|e| fail(e.code(), e.message().into()))?,
            ),
            None => Clock::System,
        };
        let options = OpenOptions {
            user: config.user.clone(),
            clock,
            notice: None,
            store: None,
        };
        // The objects come from the state's public parts, so a token state
        // whose PIN only C_Login brings still lists its certificate and keys.
        let outline = State::outline(&dir)
            .map_err(|e| fail(e.code(), format!("{}: {}", dir.display(), e.message())))?;
        let token_state = outline.token == "pkcs11";
        let state = OnceLock::new();
        let login_required = match State::open(&dir, options.clone()) {
            Ok(opened) => {
                let _ = state.set(opened);
                false
            }
            // No PIN in the environment or the URI: C_Login gives it.
            Err(e) if token_state && e.code() == "pkcs11_pin_missing" => true,
            Err(e) => return Err(fail(e.code(), format!("{}: {}", dir.display(), e.message()))),
        };
        let label = config.label.clone().unwrap_or_else(|| "signet".into());
        let objects = Objects::new(&outline.certificate_der, &label)
            .map_err(|m| fail("pkcs11_module_config", format!("{}: {m}", dir.display())))?;
        let serial = signet_host::hex(&outline.fingerprint.0)
            .chars()
            .take(16)
            .collect();
        Ok(Module {
            alg: outline.algorithm,
            state,
            dir,
            open_options: options,
            token_state,
            login_required,
            objects,
            label,
            serial,
            grant: config.grant,
            log,
            sessions: Mutex::new(HashMap::new()),
            next_session: AtomicU64::new(1),
            logged_in: AtomicBool::new(false),
        })
    }

    /// Opens a session.
    pub fn open_session(&self, flags: CK_FLAGS) -> Ck<CK_SESSION_HANDLE> {
        let h = self.next_session.fetch_add(1, Ordering::Relaxed) as CK_SESSION_HANDLE;
        let session = Session {
            flags,
            find: None,
            sign: None,
        };
        self.sessions
            .lock()
            .map_err(|_| CKR_GENERAL_ERROR)?
            .insert(h, Arc::new(Mutex::new(session)));
        Ok(h)
    }

    /// Closes one session, or all (`None`). The last one closed logs out,
    /// as PKCS#11 says.
    pub fn close(&self, h: Option<CK_SESSION_HANDLE>) -> Ck {
        let mut sessions = self.sessions.lock().map_err(|_| CKR_GENERAL_ERROR)?;
        match h {
            Some(h) => {
                sessions.remove(&h).ok_or(CKR_SESSION_HANDLE_INVALID)?;
            }
            None => sessions.clear(),
        }
        if sessions.is_empty() {
            self.logged_in.store(false, Ordering::SeqCst);
        }
        Ok(())
    }

    /// Open sessions: (all, read/write).
    pub fn session_counts(&self) -> (usize, usize) {
        self.sessions.lock().map_or((0, 0), |s| {
            let rw = s
                .values()
                .filter(|x| x.lock().map(|x| x.flags & CKF_RW_SESSION != 0).unwrap_or(false))
                .count();
            (s.len(), rw)
        })
    }

    /// A session by handle.
    pub fn session(&self, h: CK_SESSION_HANDLE) -> Ck<Arc<Mutex<Session>>> {
        self.sessions
            .lock()
            .map_err(|_| CKR_GENERAL_ERROR)?
            .get(&h)
            .cloned()
            .ok_or(CKR_SESSION_HANDLE_INVALID)
    }

    /// Whether the user logged in.
    pub fn logged_in(&self) -> bool {
        self.logged_in.load(Ordering::SeqCst)
    }

    /// Whether the token sets `CKF_LOGIN_REQUIRED`: a token state that
    /// needs the PIN `C_Login` brings.
    pub fn login_required(&self) -> bool {
        self.login_required
    }

    /// `C_Login` as `CKU_USER` with `pin` (`None`: a protected
    /// authentication path).
    ///
    /// - A token state: the PIN goes to the wrapped token. The state is
    ///   opened with it (`State::open_with_pin`), which logs in to the
    ///   token, or, when the state is open already, checks it against the
    ///   PIN of that login. A PIN the token refuses is `CKR_PIN_INCORRECT`
    ///   (`CKR_PIN_LOCKED` once it locks), logged with Signet's code and
    ///   never the PIN. No PIN: the state must be open already (a PIN
    ///   from `SIGNET_PKCS11_PIN` or the URI's `pin-source`).
    /// - The software token: its state has no PIN; who signs is the OS
    ///   user, checked by the policy on every signature. Any PIN is
    ///   accepted (tools such as jarsigner always log in) and none is kept.
    pub fn login(&self, pin: Option<&[u8]>) -> Ck {
        if self.logged_in() {
            return Err(CKR_USER_ALREADY_LOGGED_IN);
        }
        if self.token_state {
            match pin {
                Some(pin) => {
                    // A PIN that is not UTF-8 cannot be any token PIN Signet passes on.
                    let pin = std::str::from_utf8(pin).map_err(|_| CKR_PIN_INCORRECT)?;
                    match State::open_with_pin(&self.dir, self.open_options.clone(), pin) {
                        Ok(opened) => {
                            // Another thread's login may have opened it first:
                            // this one checked the PIN all the same.
                            let _ = self.state.set(opened);
                        }
                        Err(e) => {
                            self.log
                                .write(e.code(), &format!("login refused: {}", e.message()));
                            return Err(ckr_for(e.code(), e.is_refusal()));
                        }
                    }
                }
                None if self.state.get().is_none() => {
                    self.log.write(
                        "pkcs11_pin_missing",
                        "login refused: the token needs a PIN and C_Login gave none \
                         (nor SIGNET_PKCS11_PIN or the URI's pin-source)",
                    );
                    return Err(CKR_PIN_INCORRECT);
                }
                None => {}
            }
        }
        if self.logged_in.swap(true, Ordering::SeqCst) {
            return Err(CKR_USER_ALREADY_LOGGED_IN);
        }
        Ok(())
    }

    /// The state to sign with: `CKR_USER_NOT_LOGGED_IN` while a token
    /// state waits for `C_Login`, or after `C_Logout`.
    fn signing_state(&self) -> Ck<&State> {
        if self.login_required && !self.logged_in() {
            return Err(CKR_USER_NOT_LOGGED_IN);
        }
        self.state.get().ok_or(CKR_USER_NOT_LOGGED_IN)
    }

    /// `C_Logout`.
    pub fn logout(&self) -> Ck {
        if !self.logged_in.swap(false, Ordering::SeqCst) {
            return Err(CKR_USER_NOT_LOGGED_IN);
        }
        Ok(())
    }

    /// The mechanisms served, with how each takes input.
    pub fn mechanisms(&self) -> Vec<(CK_MECHANISM_TYPE, Input)> {
        mech::served(self.alg)
    }

    /// Objects matching a template of `(type, value)`.
    pub fn find(&self, template: &[(CK_ATTRIBUTE_TYPE, Vec<u8>)]) -> Vec<CK_OBJECT_HANDLE> {
        objects::ALL
            .into_iter()
            .filter(|&h| {
                template.iter().all(
                    |(t, want)| matches!(self.objects.attribute(h, *t, false), Ok(Some(v)) if &v == want),
                )
            })
            .collect()
    }

    /// Starts a sign operation (`C_SignInit`). `pss`: the PSS parameters
    /// given, when the mechanism has any.
    pub fn sign_init(
        &self,
        session: &mut Session,
        mechanism: CK_MECHANISM_TYPE,
        params: Option<&[u8]>,
        pss: Option<CK_RSA_PKCS_PSS_PARAMS>,
        key: CK_OBJECT_HANDLE,
    ) -> Ck {
        if session.sign.is_some() {
            return Err(CKR_OPERATION_ACTIVE);
        }
        self.signing_state()?;
        match key {
            objects::PRIVATE_KEY => {}
            objects::PUBLIC_KEY => return Err(CKR_KEY_FUNCTION_NOT_PERMITTED),
            _ => return Err(CKR_KEY_HANDLE_INVALID),
        }
        let Some((_, input)) = self.mechanisms().into_iter().find(|(m, _)| *m == mechanism) else {
            self.log.write(
                "pkcs11_module_mechanism",
                &format!(
                    "mechanism 0x{mechanism:x} is not served: this state signs {} only",
                    self.alg.name()
                ),
            );
            return Err(CKR_MECHANISM_INVALID);
        };
        let is_pss = matches!(
            mechanism,
            CKM_RSA_PKCS_PSS | CKM_SHA256_RSA_PKCS_PSS | CKM_SHA384_RSA_PKCS_PSS | CKM_SHA512_RSA_PKCS_PSS
        );
        if is_pss {
            let want = mech::pss_params(self.alg.hash());
            let ok = pss.is_some_and(|p| (p.hashAlg, p.mgf, p.sLen) == want);
            if !ok {
                self.log.write(
                    "pkcs11_module_mechanism",
                    &format!(
                        "PSS parameters must be the state's: hash 0x{:x}, MGF1 0x{:x}, salt {} bytes",
                        want.0, want.1, want.2
                    ),
                );
                return Err(CKR_MECHANISM_PARAM_INVALID);
            }
        } else if params.is_some_and(|p| !p.is_empty()) {
            return Err(CKR_MECHANISM_PARAM_INVALID);
        }
        session.sign = Some(SignOp {
            input,
            raw: Vec::new(),
            hasher: (input == Input::Data).then(|| Hasher::new(self.alg.hash())),
            multi: false,
        });
        Ok(())
    }

    /// `C_SignUpdate`: adds a part. Any error ends the operation.
    pub fn sign_update(&self, session: &mut Session, part: &[u8]) -> Ck {
        let op = session.sign.as_mut().ok_or(CKR_OPERATION_NOT_INITIALIZED)?;
        op.multi = true;
        match &mut op.hasher {
            Some(h) => h.update(part),
            None if op.raw.len() + part.len() <= MAX_RAW => op.raw.extend_from_slice(part),
            None => {
                session.sign = None;
                return Err(CKR_DATA_LEN_RANGE);
            }
        }
        Ok(())
    }

    /// `C_Sign` (`data: Some`) or `C_SignFinal` (`None`). `out` is the
    /// caller's buffer (`None`: a length query); `len` its length in, the
    /// signature's out.
    ///
    /// Counting exactly once: the signature's length is known from the key
    /// (`r || s`, or the modulus), so a length query and a buffer that is
    /// too small are answered before anything is signed, and leave the
    /// operation active as PKCS#11 requires. A signature is made (and
    /// counted) only when it can be delivered.
    pub fn sign(
        &self,
        session: &mut Session,
        data: Option<&[u8]>,
        out: Option<&mut [u8]>,
        len: &mut CK_ULONG,
    ) -> Ck {
        let op = session.sign.as_ref().ok_or(CKR_OPERATION_NOT_INITIALIZED)?;
        if data.is_some() && op.multi {
            // C_Sign cannot finish a multi-part operation.
            session.sign = None;
            return Err(CKR_OPERATION_ACTIVE);
        }
        let need = self.objects.key.signature_len();
        let Some(out) = out else {
            *len = need as CK_ULONG;
            return Ok(());
        };
        if out.len() < need {
            *len = need as CK_ULONG;
            return Err(CKR_BUFFER_TOO_SMALL);
        }
        // From here the operation ends, whatever happens.
        let Some(mut op) = session.sign.take() else {
            return Err(CKR_OPERATION_NOT_INITIALIZED);
        };
        if let Some(data) = data {
            match &mut op.hasher {
                Some(h) => h.update(data),
                None => op.raw = data.to_vec(),
            }
        }
        let digest = self.digest_of(op)?;
        let signature = self.sign_digest(&digest)?;
        let dst = out.get_mut(..signature.len()).ok_or(CKR_GENERAL_ERROR)?;
        dst.copy_from_slice(&signature);
        *len = signature.len() as CK_ULONG;
        Ok(())
    }

    /// The digest an operation's input names (see `mech`).
    fn digest_of(&self, op: SignOp) -> Ck<Vec<u8>> {
        let h = self.alg.hash();
        match (op.input, op.hasher) {
            (Input::Data, Some(hasher)) => Ok(hasher.finish()),
            (Input::Digest, _) => {
                if op.raw.len() == h.digest_len() {
                    return Ok(op.raw);
                }
                let named = mech::hash_of_len(op.raw.len())
                    .map_or("no known hash".to_string(), |x| x.name().to_string());
                self.log.write(
                    "pkcs11_module_mechanism",
                    &format!(
                        "the digest is {} bytes ({named}); this state signs {} digests ({} bytes) only; nothing was signed",
                        op.raw.len(),
                        h.name(),
                        h.digest_len()
                    ),
                );
                Err(CKR_DATA_LEN_RANGE)
            }
            (Input::DigestInfo, _) => match mech::parse_digest_info(&op.raw) {
                Some((got, digest)) if got == h => Ok(digest.to_vec()),
                other => {
                    let what = other.map_or("not a DigestInfo of SHA-256/384/512".to_string(), |(g, _)| {
                        format!("a DigestInfo of {}", g.name())
                    });
                    self.log.write(
                        "pkcs11_module_mechanism",
                        &format!(
                            "CKM_RSA_PKCS input is {what}; this state signs {} only; nothing was signed",
                            h.name()
                        ),
                    );
                    Err(CKR_DATA_INVALID)
                }
            },
            (Input::Data, None) => Err(CKR_GENERAL_ERROR),
        }
    }

    /// Signs a digest through host's enforced path (key policy, certificate
    /// validity, assigned signer, grant, budget reserve and commit, verify
    /// before release, audit record), and gives PKCS#11's form of it.
    fn sign_digest(&self, digest: &[u8]) -> Ck<Vec<u8>> {
        let options = SignOptions {
            grant: self.grant,
            ..SignOptions::default()
        };
        let signed = match self.signing_state()?.sign_digest(digest, &options) {
            Ok(s) => s,
            Err(e) => {
                self.log
                    .write(e.code(), &format!("signature refused: {}", e.message()));
                return Err(ckr_for(e.code(), e.is_refusal()));
            }
        };
        self.log.success(&format!(
            "signed {} (counter index {}, {} remaining, audit record {})",
            signet_host::hex(digest),
            signed.counter_index,
            signed.remaining,
            signed.audit.seq
        ));
        match &self.objects.key {
            KeyInfo::Ec { field_len, .. } => {
                let der = matches!(
                    self.alg,
                    SignatureAlgorithm::Ecdsa {
                        encoding: EcdsaEncoding::Der,
                        ..
                    }
                );
                mech::ecdsa_fixed(&signed.signature, *field_len, der).ok_or_else(|| {
                    // Counted and logged by host, but not in a form PKCS#11
                    // can deliver: fail closed.
                    self.log.write(
                        "sign_verify_failed",
                        "the ECDSA signature did not convert to r || s; it was counted and not released",
                    );
                    CKR_DEVICE_ERROR
                })
            }
            KeyInfo::Rsa { .. } => Ok(signed.signature),
        }
    }
}
