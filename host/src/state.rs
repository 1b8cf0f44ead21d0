//! [`State`]: an opened state directory, the one object every surface uses.
//!
//! Opening checks the whole state and fails closed: a missing part is an
//! error with its own code, never a fresh default. Only a state directory
//! that does not exist at all is created ([`State::open_or_create`], the
//! README's one-command main job), and it is built in a temporary sibling
//! directory and renamed into place, so that concurrent first uses agree on
//! one key, one certificate and one budget, and a crash leaves nothing half
//! made.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use signet_core::budget::{CertFingerprint, UserId, Validity};
use signet_core::policy::CertificateRef;
use signet_core::token::{KeyAttributes, KeyHandle, KeyProtection, KeyType, SignatureAlgorithm, Token};
use zeroize::Zeroizing;

use crate::caller::CallerKey;
use crate::clock::Clock;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::fsio::{self, WaitNotice};
use crate::key::{self, Backend};
use crate::layout::Layout;
use crate::pkcs11::{PinSpec, Pkcs11Token, Pkcs11Uri};
use crate::report::{CertificateReport, EvidenceReport, ImportReport, KeyReport, Status};
use crate::store::{BudgetRecord, FileStore, LedgerBinding, PgStore, Store};

/// How a state is opened: who acts, which clock, what to tell while waiting.
#[derive(Clone, Default)]
pub struct OpenOptions {
    /// The acting user (default: the OS user).
    pub user: Option<String>,
    /// The clock (default: the system clock).
    pub clock: Clock,
    /// Told what a lock waits for, after about a second.
    pub notice: Option<WaitNotice>,
    /// The shared store to use instead of the one `signet.toml` names: a
    /// PostgreSQL URL or `key=value` string (`--store`, `$SIGNET_STORE`).
    pub store: Option<String>,
}

impl core::fmt::Debug for OpenOptions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("OpenOptions")
            .field("user", &self.user)
            .field("clock", &self.clock)
            // The URL may hold a password.
            .field("store", &self.store.as_ref().map(|_| "<set>"))
            .finish_non_exhaustive()
    }
}

/// A key on a PKCS#11 token for [`State::init`].
#[derive(Clone, PartialEq, Eq)]
pub struct TokenKey {
    /// The key's RFC 7512 URI. It may carry `pin-value` for this one use;
    /// the state stores the URI without it.
    pub uri: String,
    /// Generate the key on the token (of [`InitOptions::key_type`],
    /// sensitive, not extractable, sign-only); else use the key the URI names.
    pub generate: bool,
}

impl Drop for TokenKey {
    /// The URI may hold a PIN (`pin-value`): wiped when dropped.
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.uri);
    }
}

impl core::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The URI may hold a PIN: show it only as parsed (without pin-value).
        let uri = Pkcs11Uri::parse(&self.uri).map_or_else(|_| "<invalid URI>".to_string(), |u| u.to_string());
        f.debug_struct("TokenKey")
            .field("uri", &uri)
            .field("generate", &self.generate)
            .finish()
    }
}

/// What `init` makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitOptions {
    /// The key type (default ECC P-256).
    pub key_type: KeyType,
    /// The signature algorithm (default: the key type's,
    /// [`KeyType::default_algorithm`]).
    pub algorithm: Option<SignatureAlgorithm>,
    /// A key on a PKCS#11 token instead of a software key: the state is then
    /// a production state, and its certificate a self-issued bootstrap
    /// certificate until [`State::import_certificate`] installs the CA's.
    pub token: Option<TokenKey>,
    /// Signatures in the certificate's budget (default 1,000).
    pub budget: u64,
    /// Days of certificate validity (default 365).
    pub days: u32,
    /// The assigned signer (default: the acting user).
    pub signer: Option<String>,
    /// Replace an existing signer.
    pub force: bool,
}

impl Default for InitOptions {
    fn default() -> Self {
        InitOptions {
            key_type: KeyType::EccP256,
            algorithm: None,
            token: None,
            budget: signet_core::budget::DEFAULT_ALLOTMENT,
            days: 365,
            signer: None,
            force: false,
        }
    }
}

/// What [`State::import_certificate`] does besides installing the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportOptions {
    /// Signatures in the new certificate's budget (default 1,000). A
    /// certificate that already has a budget (imported before) keeps it.
    pub budget: Option<u64>,
    /// Its assigned signer (default: the current certificate's).
    pub signer: Option<String>,
}

/// Where the key lives and what its token reports, as of opening.
#[derive(Clone)]
struct KeyInfo {
    kind: &'static str,
    token_label: Option<String>,
    key_label: Option<String>,
    attributes: KeyAttributes,
}

/// Where [`State::open_from`] takes the signing key from.
enum KeySource {
    /// As `signet.toml` says; for a PKCS#11 key, with this PIN (the `init`
    /// URI's) instead of the stored URI's source.
    Config(Option<PinSpec>),
    /// The caller's token (a state of token kind `caller`).
    Caller(CallerKey),
}

/// The signing key, in its token.
pub(crate) struct SigningKey {
    pub(crate) token: Backend,
    pub(crate) handle: KeyHandle,
}

/// A state's public parts, read without opening its key or store
/// ([`State::outline`]).
#[derive(Debug, Clone)]
pub struct Outline {
    /// The token kind of `signet.toml`: `software`, `pkcs11` or `caller`.
    pub token: String,
    /// A development state.
    pub development: bool,
    /// The signature algorithm.
    pub algorithm: SignatureAlgorithm,
    /// The signing certificate (DER).
    pub certificate_der: Vec<u8>,
    /// Its SHA-256 fingerprint.
    pub fingerprint: CertFingerprint,
}

/// An opened state: its configuration, store, signing key and certificate,
/// acting user and clock. `Send + Sync`: threads may share one.
pub struct State {
    pub(crate) layout: Layout,
    pub(crate) config: Config,
    pub(crate) store: Box<dyn Store>,
    pub(crate) cert: Vec<u8>,
    pub(crate) fingerprint: CertFingerprint,
    pub(crate) algorithm: SignatureAlgorithm,
    pub(crate) key: Mutex<SigningKey>,
    /// What the token said about the key when the state was opened: status
    /// reads this, so that it never waits for (or calls) the token, and a
    /// caller's token may ask for the status while it signs.
    key_info: KeyInfo,
    pub(crate) user: UserId,
    pub(crate) clock: Clock,
    pub(crate) notice: Option<WaitNotice>,
    /// The PIN source a PKCS#11 state was opened with, when the caller gave
    /// one (reused when the state reopens itself).
    pub(crate) pin: Option<PinSpec>,
    /// The store setting the state was opened with (reused when it reopens).
    pub(crate) store_setting: Option<String>,
}

impl core::fmt::Debug for State {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("State")
            .field("dir", &self.layout.root())
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

fn incomplete(what: &str, dir: &Path) -> Error {
    Error::failed(
        "state_incomplete",
        format!("the state in {} is incomplete: {what}", dir.display()),
    )
    .with_hint(
        "restore the missing part from a backup; `signet init --force` makes a new signer (and budget)",
    )
}

/// The layout of the state in `dir` and its `signet.toml`, checking that the
/// directory is private.
fn read_config(dir: &Path) -> Result<(Layout, Config)> {
    let layout = Layout::new(dir);
    if !dir.exists() {
        return Err(not_initialised(dir));
    }
    fsio::check_private(dir, false)?;
    let config_path = layout.config();
    let config = match std::fs::read_to_string(&config_path) {
        Ok(text) => Config::parse(&text)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(missing_config(&layout)),
        Err(e) => return Err(Error::io("state_io", "read", &config_path, &e)),
    };
    Ok((layout, config))
}

fn read_state_file(path: &Path, what: &str, dir: &Path) -> Result<Zeroizing<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Zeroizing::new(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(incomplete(&format!("{what} is missing"), dir))
        }
        Err(e) => Err(Error::io("state_io", "read", path, &e)),
    }
}

impl State {
    /// Opens the state in `dir`, checking every part of it.
    ///
    /// # Errors
    /// `state_not_initialised` (no state), `state_incomplete`,
    /// `state_format_unsupported`, `state_config_invalid`,
    /// `state_permissions`, `state_record_damaged`, `state_ledger_*`,
    /// `sign_key_mismatch` (the key is not the certificate's), `user_*`.
    pub fn open(dir: &Path, options: OpenOptions) -> Result<State> {
        State::open_from(dir, options, KeySource::Config(None))
    }

    /// Opens a state whose key is on a PKCS#11 token, logging in with `pin`
    /// (instead of `$SIGNET_PKCS11_PIN` or the URI's `pin-source`).
    ///
    /// # Errors
    /// As [`open`](Self::open); the `pkcs11_*` codes (`pkcs11_pin_incorrect`, ...).
    pub fn open_with_pin(dir: &Path, options: OpenOptions, pin: &str) -> Result<State> {
        let pin = PinSpec::Value(Zeroizing::new(pin.to_string()));
        State::open_from(dir, options, KeySource::Config(Some(pin)))
    }

    /// Opens a state whose key is held by the caller's token (one made by
    /// [`init_with_caller_token`](Self::init_with_caller_token)), checking
    /// that `key` is the certificate's key.
    ///
    /// # Errors
    /// As [`open`](Self::open); `state_caller_token_unexpected` for a state
    /// whose key is elsewhere.
    pub fn open_with_caller_token(dir: &Path, options: OpenOptions, key: CallerKey) -> Result<State> {
        State::open_from(dir, options, KeySource::Caller(key))
    }

    /// What the state in `dir` shows without opening its key or store: its
    /// certificate, algorithm and token kind. A PKCS#11 front lists the
    /// certificate and public key from it before `C_Login` brings the PIN
    /// that opens a token state ([`open_with_pin`](Self::open_with_pin)).
    /// Nothing here can sign; [`open`](Self::open) still checks every part.
    ///
    /// # Errors
    /// `state_not_initialised`, `state_incomplete`, `state_config_invalid`,
    /// `state_permissions`, `state_record_damaged` (no certificate).
    pub fn outline(dir: &Path) -> Result<Outline> {
        let (layout, config) = read_config(dir)?;
        let algorithm = config.algorithm()?;
        let cert = read_state_file(&layout.cert(), "signer/cert.der", dir)?.to_vec();
        let fingerprint = CertificateRef::from_der(&cert)
            .map_err(|e| {
                Error::failed(
                    "state_record_damaged",
                    format!("signer/cert.der is not a certificate: {e}"),
                )
            })?
            .fingerprint_sha256();
        Ok(Outline {
            token: config.token.kind.clone(),
            development: config.development,
            algorithm,
            certificate_der: cert,
            fingerprint: CertFingerprint(fingerprint),
        })
    }

    fn open_from(dir: &Path, options: OpenOptions, source: KeySource) -> Result<State> {
        let (layout, config) = read_config(dir)?;
        if !config.development {
            production_checks(&options)?;
        }
        if !layout.signer_dir().is_dir() {
            return Err(incomplete("signer/ is missing", dir));
        }
        fsio::check_private(&layout.signer_dir(), false)?;
        let algorithm = config.algorithm()?;
        let mut pin = None;
        let (token, handle, key_name) = match (config.token.kind.as_str(), source) {
            ("caller", KeySource::Caller(key)) => {
                (Backend::Caller(key.token), key.handle, "the caller's key")
            }
            ("caller", KeySource::Config(_)) => {
                return Err(Error::failed(
                    "state_caller_token_required",
                    format!(
                        "the key of the state in {} is held by a token the caller implements; \
                         open it with that token",
                        dir.display()
                    ),
                ));
            }
            (kind, KeySource::Caller(_)) => {
                return Err(Error::failed(
                    "state_caller_token_unexpected",
                    format!(
                        "the key of the state in {} is {}, not in the caller's token",
                        dir.display(),
                        if kind == "pkcs11" {
                            "on a PKCS#11 token"
                        } else {
                            "signer/key.p8"
                        }
                    ),
                ));
            }
            ("pkcs11", KeySource::Config(given)) => {
                pin = given;
                let mut uri = config.pkcs11_uri()?;
                if let Some(pin) = &pin
                    && !matches!(pin, PinSpec::None)
                {
                    uri.pin = pin.clone();
                }
                // Logins are serialised per state: a token's module may keep
                // its token state in files that concurrent logins from
                // several processes race on (SoftHSM2 does).
                let lock = fsio::lock_file(&layout.lock(), "the state lock", options.notice.as_ref())?;
                let token = Pkcs11Token::open(&uri)?;
                let handle = token.find_key(&uri, Some(algorithm))?;
                drop(lock);
                (Backend::Pkcs11(token), handle, "the token key")
            }
            (_, KeySource::Config(given)) => {
                // A PIN for a key that has none is a mistake to report, not ignore.
                if given.is_some() {
                    return Err(Error::failed(
                        "state_pin_unexpected",
                        format!(
                            "the state in {} keeps its key in signer/key.p8, which has no PIN; \
                             open it without one",
                            dir.display()
                        ),
                    ));
                }
                let key_path = layout.key();
                let pkcs8 = read_state_file(&key_path, "signer/key.p8", dir)?;
                fsio::check_private(&key_path, true)?;
                let (token, handle) = key::import(&pkcs8, algorithm, "signer/key.p8")?;
                (Backend::Software(Box::new(token)), handle, "signer/key.p8")
            }
        };
        let cert = read_state_file(&layout.cert(), "signer/cert.der", dir)?.to_vec();
        let cert_ref = CertificateRef::from_der(&cert).map_err(|e| {
            Error::failed(
                "state_record_damaged",
                format!("signer/cert.der is not a certificate: {e}"),
            )
        })?;
        if key::spki(&token, handle)? != cert_ref.spki_der() {
            return Err(Error::failed(
                "sign_key_mismatch",
                format!("{key_name} is not the key of signer/cert.der; nothing can be signed"),
            )
            .with_hint("restore the pair from a backup, or make a new signer with `signet init --force`"));
        }
        let fingerprint = CertFingerprint(cert_ref.fingerprint_sha256());
        let key_info = KeyInfo {
            kind: token.kind(),
            token_label: match &token {
                Backend::Pkcs11(t) => Some(t.label().to_string()),
                _ => None,
            },
            key_label: match &token {
                Backend::Pkcs11(t) => t.key_label(handle),
                _ => None,
            },
            attributes: token.key_attributes(handle)?,
        };
        let shared = options.store.clone().or_else(|| config.store.postgres());
        let (store, user): (Box<dyn Store>, UserId) = match shared {
            Some(setting) => {
                let store = PgStore::connect(&setting, config.store.block.unwrap_or(1))?;
                let user = shared_user(&options, store.role())?;
                // A budget missing from the database is not damage here: it is
                // created there by `budget init`, and signing without it is
                // refused (`budget_not_found`), never counted from zero.
                (Box::new(store), user)
            }
            None => {
                if !layout.audit_log().exists() {
                    return Err(incomplete("the audit log (audit/log.jsonl) is missing", dir));
                }
                let store: Box<dyn Store> = Box::new(FileStore::new(layout.clone(), options.notice.clone()));
                match store.read_budget(&fingerprint) {
                    Ok(_) => {}
                    Err(e) if e.code() == "budget_not_found" => {
                        return Err(incomplete(
                            "the signing certificate's budget record is missing",
                            dir,
                        ));
                    }
                    Err(e) => return Err(e),
                }
                (store, crate::user::acting_user(options.user.as_deref())?)
            }
        };
        Ok(State {
            layout,
            config,
            store,
            cert,
            fingerprint,
            algorithm,
            key: Mutex::new(SigningKey { token, handle }),
            key_info,
            user,
            clock: options.clock,
            notice: options.notice,
            pin,
            store_setting: options.store,
        })
    }

    /// Opens the state in `dir`, creating a development state with `init`
    /// first **only if `dir` does not exist at all**. Returns whether it was
    /// created.
    ///
    /// # Errors
    /// As [`open`](Self::open) and [`init`](Self::init).
    pub fn open_or_create(dir: &Path, options: OpenOptions, init: &InitOptions) -> Result<(State, bool)> {
        if dir.exists() {
            return State::open(dir, options).map(|s| (s, false));
        }
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io("state_io", "create", &parent, &e))?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let staging = parent.join(format!(".{name}.{}{}", fsio::random_hex()?, fsio::TMP_SUFFIX));
        let built = (|| {
            fsio::create_private_dir(&staging)?;
            let user = crate::user::acting_user(options.user.as_deref())?;
            write_new_signer(&Layout::new(&staging), init, &user, options.clock)
        })();
        if let Err(e) = built {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
        // rename(2) of a directory onto a path that exists fails (unless
        // the target is an empty directory): exactly one first use wins.
        let created = match std::fs::rename(&staging, dir) {
            Ok(()) => {
                fsio::sync_dir(&parent)?;
                true
            }
            Err(_) if dir.exists() => {
                let _ = std::fs::remove_dir_all(&staging);
                false
            }
            Err(e) => {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(Error::io("state_io", "create", dir, &e));
            }
        };
        State::open(dir, options).map(|s| (s, created))
    }

    /// Creates a state in `dir` (which may exist and be empty), or with
    /// `force` replaces its signer: a key, a self-issued certificate and its
    /// budget. Budgets of earlier certificates stay.
    ///
    /// Without [`InitOptions::token`] it is a development state with a new
    /// software key. With it, the key is on a PKCS#11 token (generated there,
    /// or the existing one the URI names) and the state is a production
    /// state; the self-issued certificate is a bootstrap certificate made by
    /// the token key, replaced by [`State::import_certificate`].
    ///
    /// # Errors
    /// `state_exists` when `dir` already holds a state (or parts of one) and
    /// `force` is not set; `state_production_user` / `state_production_clock`
    /// for a token key with a named user or a fixed clock; the `pkcs11_*`
    /// codes; `state_io`; the core's codes.
    pub fn init(dir: &Path, options: OpenOptions, init: &InitOptions) -> Result<State> {
        if init.token.is_some() {
            production_checks(&options)?;
        }
        let layout = Layout::new(dir);
        fsio::create_private_dir(dir)?;
        fsio::check_private(dir, false)?;
        let _lock = fsio::lock_file(&layout.lock(), "the state lock", options.notice.as_ref())?;
        let occupied = layout.config().exists() || layout.signer_dir().exists() || layout.budgets().exists();
        if occupied && !init.force {
            return Err(state_exists(dir));
        }
        let user = crate::user::acting_user(options.user.as_deref())?;
        write_new_signer(&layout, init, &user, options.clock)?;
        drop(_lock);
        let pin = match &init.token {
            Some(t) => Some(Pkcs11Uri::parse(&t.uri)?.pin),
            None => None,
        };
        State::open_from(dir, options, KeySource::Config(pin))
    }

    /// Creates a state (as [`init`](Self::init)) whose key is held by the
    /// caller's token: its certificate is a self-issued bootstrap
    /// certificate made by that key, replaced by
    /// [`import_certificate`](Self::import_certificate). The state is a
    /// development state (acting user and clock may be set; a software key
    /// may sign) only when `development` is true; its key-protection
    /// evidence is what the token's `key_attributes` reports. Open it again
    /// with [`open_with_caller_token`](Self::open_with_caller_token).
    ///
    /// # Errors
    /// As [`init`](Self::init); the token's codes.
    pub fn init_with_caller_token(
        dir: &Path,
        options: OpenOptions,
        init: &InitOptions,
        mut key: CallerKey,
        development: bool,
    ) -> Result<State> {
        if !development {
            production_checks(&options)?;
        }
        let layout = Layout::new(dir);
        fsio::create_private_dir(dir)?;
        fsio::check_private(dir, false)?;
        let lock = fsio::lock_file(&layout.lock(), "the state lock", options.notice.as_ref())?;
        let occupied = layout.config().exists() || layout.signer_dir().exists() || layout.budgets().exists();
        if occupied && !init.force {
            return Err(state_exists(dir));
        }
        let user = crate::user::acting_user(options.user.as_deref())?;
        let signer = match &init.signer {
            Some(name) => crate::user::user_id(name)?,
            None => user.clone(),
        };
        let attrs = Token::key_attributes(&key.token, key.handle)
            .map_err(|e| Error::from_core_in("the caller's token", &e))?;
        if let Some(alg) = init.algorithm
            && alg != attrs.algorithm()
        {
            return Err(Error::failed(
                "token_not_supported",
                format!(
                    "the caller's key signs with {}, not {}",
                    attrs.algorithm().name(),
                    alg.name()
                ),
            ));
        }
        let cn = format!("Signet bootstrap certificate for {signer} (caller token)");
        let cert = key::self_signed(&mut key.token, key.handle, &cn, options.clock.now(), init.days)?;
        let config = Config::caller(attrs.key_type(), attrs.algorithm(), development);
        let written = NewSigner {
            cert: &cert,
            pkcs8: None,
            signer: &signer,
            budget: init.budget,
            detail: format!(
                "{} key in the caller's token, {} signatures",
                attrs.key_type(),
                init.budget
            ),
        };
        write_signer(&layout, &written, &user, options.clock, &config)?;
        drop(lock);
        State::open_from(dir, options, KeySource::Caller(key))
    }

    /// The state directory.
    pub fn dir(&self) -> &Path {
        self.layout.root()
    }

    /// The acting user.
    pub fn user(&self) -> &UserId {
        &self.user
    }

    /// The clock.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Whether this is a development state.
    pub fn is_development(&self) -> bool {
        self.config.development
    }

    /// The signing certificate (DER).
    pub fn certificate_der(&self) -> &[u8] {
        &self.cert
    }

    /// The signing certificate's SHA-256 fingerprint.
    pub fn fingerprint(&self) -> CertFingerprint {
        self.fingerprint
    }

    /// The signature algorithm.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    /// The longest signature the state's key makes with its algorithm: a
    /// buffer of this size always holds what [`sign_digest`](Self::sign_digest)
    /// returns (surfaces that sign into a caller's buffer check it first).
    pub fn signature_len(&self) -> usize {
        self.config
            .key_type()
            .ok()
            .and_then(|k| k.signature_len(self.algorithm))
            .unwrap_or_else(|| self.algorithm.max_signature_len())
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// Appends an event to the audit log as the acting user, now.
    ///
    /// # Errors
    /// The store's audit errors.
    pub(crate) fn audit(&self, event: &crate::audit::Event) -> Result<crate::audit::Receipt> {
        self.store
            .append_audit(event, self.clock.now().as_secs(), self.user.as_str())
    }

    /// Runs `op` and records its outcome: `ok` (with what `annotate` adds
    /// from the result: a count, an id) or the error's code. A refusal is
    /// returned as it is even if it cannot be recorded; a success that
    /// cannot be recorded is an error.
    pub(crate) fn logged<T>(
        &self,
        mut event: crate::audit::Event,
        annotate: impl FnOnce(&T, &mut crate::audit::Event),
        op: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        match op() {
            Ok(value) => {
                event.outcome = "ok".into();
                annotate(&value, &mut event);
                self.audit(&event)?;
                Ok(value)
            }
            Err(e) => {
                event.outcome = e.code().to_string();
                let _ = self.audit(&event);
                Err(e)
            }
        }
    }

    /// The audit log's records, from `since` (a `seq`) on.
    ///
    /// # Errors
    /// `audit_chain_broken`, `state_incomplete`, `state_io`.
    pub fn audit_records(&self, since: u64) -> Result<Vec<crate::audit::Record>> {
        let (records, _) = crate::audit::verify(&self.store.read_audit()?)?;
        Ok(records.into_iter().filter(|r| r.seq >= since).collect())
    }

    /// Checks the audit log's chain, and that every budget's ledger agrees
    /// with it (signatures committed = signatures the log counted).
    ///
    /// # Errors
    /// `audit_chain_broken` naming the first bad record,
    /// `audit_ledger_mismatch` naming the budget, the store's codes.
    pub fn audit_verify(&self) -> Result<crate::audit::Report> {
        let (records, verified) = crate::audit::verify(&self.store.read_audit()?)?;
        let fingerprints = self.store.budget_fingerprints()?;
        for fp in &fingerprints {
            let hex = crate::hex(&fp.0);
            let logged: u64 = records
                .iter()
                .filter(|r| r.certificate.as_deref() == Some(hex.as_str()))
                .map(|r| r.counted)
                .fold(0, u64::saturating_add);
            let committed = self.store.read_budget(fp)?.usage.committed;
            if committed != logged {
                let why = if committed < logged {
                    "the ledger is behind the log: it was rolled back"
                } else {
                    "the ledger counted signatures the log does not record (a crash between the two, or a log cut at its end)"
                };
                return Err(Error::refused(
                    "audit_ledger_mismatch",
                    format!(
                        "certificate {hex}: its ledger committed {committed} signatures, the audit log records {logged}; {why}"
                    ),
                ));
            }
        }
        Ok(crate::audit::Report {
            records: verified.records,
            head: verified.head,
            budgets_checked: fingerprints.len() as u64,
        })
    }

    /// The signer, certificate and budget.
    ///
    /// # Errors
    /// The store's codes (`state_ledger_*`, ...).
    pub fn status(&self) -> Result<Status> {
        let cert = CertificateRef::from_der(&self.cert)
            .map_err(|e| Error::failed("state_record_damaged", format!("signer/cert.der: {e}")))?;
        let budget = self.budget_show(&self.fingerprint)?;
        Ok(Status {
            state_dir: self.layout.root().display().to_string(),
            development: self.config.development,
            token: self.config.token.kind.clone(),
            certificate: CertificateReport {
                subject: key::subject(&self.cert),
                fingerprint: crate::hex(&self.fingerprint.0),
                not_before: cert.not_before().as_secs(),
                not_after: cert.not_after().as_secs(),
            },
            key_type: self.config.signer.key_type.clone(),
            algorithm: self.algorithm.name().to_string(),
            key: self.key_report()?,
            signer: budget.signer.clone(),
            grant_required: self.grant_policy_of(&self.fingerprint)?.is_some(),
            budget,
        })
    }

    fn lock_key(&self) -> Result<std::sync::MutexGuard<'_, SigningKey>> {
        self.key
            .lock()
            .map_err(|_| Error::failed("state_io", "the signing key's lock was poisoned by a panic"))
    }

    /// Where the signing key lives, what its token says about it, and
    /// whether the key-protection rule lets it sign under the current
    /// certificate.
    ///
    /// # Errors
    /// The token's codes.
    pub fn key_report(&self) -> Result<KeyReport> {
        let KeyInfo {
            kind,
            token_label,
            key_label,
            attributes: attrs,
        } = self.key_info.clone();
        let uri = match self.config.token.kind.as_str() {
            "pkcs11" => self.config.pkcs11_uri().ok().map(|u| u.to_string()),
            _ => None,
        };
        let evidence = match attrs.protection() {
            KeyProtection::Hardware(e) => Some(EvidenceReport {
                sensitive: e.sensitive,
                extractable: e.extractable,
                always_sensitive: e.always_sensitive,
                never_extractable: e.never_extractable,
                local: e.local,
                sign: e.sign,
                generated_on_token_never_left: e.generated_on_token_never_left(),
            }),
            _ => None,
        };
        let refusal = self.protection_check(attrs.protection()).err();
        Ok(KeyReport {
            kind,
            token_label,
            key_label,
            uri,
            protection: attrs.protection().name(),
            evidence,
            signing_allowed: refusal.is_none(),
            refusal: refusal.map(|e| e.code()),
            refusal_message: self
                .protection_check(attrs.protection())
                .err()
                .map(|e| e.message().to_string()),
        })
    }

    /// Core's key-protection rule for this state's key and certificate.
    fn protection_check(&self, protection: KeyProtection) -> Result<()> {
        let cert = CertificateRef::from_der(&self.cert)
            .map_err(|e| Error::failed("state_record_damaged", format!("signer/cert.der: {e}")))?;
        signet_core::policy::check_key_protection(protection, cert.not_before(), self.config.development)
            .map_err(|e| {
                Error::from_core(&e).with_hint(
                    "code-signing keys must be generated on a hardware token and never leave it: \
                     generate one with `signet init --token URI --generate TYPE`",
                )
            })
    }

    /// Refuses to sign when the key-protection rule refuses the key (called
    /// before anything is counted).
    pub(crate) fn check_key_protection(&self, key: &SigningKey) -> Result<()> {
        let attrs = key.token.key_attributes(key.handle)?;
        self.protection_check(attrs.protection())
    }

    /// A PKCS#10 certificate signing request (DER) for the state's key,
    /// signed by it (through the token), with `subject` as an RFC 4514
    /// name. Rule-free: `signet_core::policy::check_csr` judges it. Making a
    /// CSR does not count against any budget.
    ///
    /// # Errors
    /// `cert_invalid_subject`, the token's codes.
    pub fn certification_request(&self, subject: &str) -> Result<Vec<u8>> {
        let mut key = self.lock_key()?;
        let key = &mut *key;
        signet_core::cert::certification_request(&mut key.token, key.handle, subject)
            .map_err(|e| Error::from_core_in("certificate signing request", &e))
    }

    /// Installs the certificate a CA issued for the state's key (PEM or
    /// DER), after checking that it is for this key, that the key policy
    /// accepts it now, and that the key-protection rule lets the key sign
    /// under it. The certificate gets its own budget (budgets are per
    /// certificate; earlier certificates keep theirs). Returns the reopened
    /// state and what was installed.
    ///
    /// # Errors
    /// `certificate_invalid`, `cert_key_mismatch`, the key policy's codes
    /// (`certificate_expired`, `key_too_small`, ...), `key_ever_extractable`,
    /// `key_software`, `state_*`.
    pub fn import_certificate(self, bytes: &[u8], options: &ImportOptions) -> Result<(State, ImportReport)> {
        let der = key::certificate_der(bytes, "the certificate")?;
        let cert = CertificateRef::from_der(&der)
            .map_err(|e| Error::failed("certificate_invalid", format!("the certificate: {e}")))?;
        let key_spki = {
            let key = self.lock_key()?;
            key::spki(&key.token, key.handle)?
        };
        if cert.spki_der() != key_spki.as_slice() {
            return Err(Error::refused(
                "cert_key_mismatch",
                format!(
                    "the certificate ({}) is not for this state's key",
                    key::subject(&der)
                ),
            )
            .with_hint("import the certificate the CA issued for the CSR from `signet csr new`"));
        }
        let now = self.clock.now();
        if let Some(f) = signet_core::policy::check_certificate(&der, now)
            .into_iter()
            .find(|f| f.severity == signet_core::Severity::Error)
        {
            return Err(Error::refused(f.code, format!("the certificate: {}", f.message)));
        }
        {
            let key = self.lock_key()?;
            let attrs = key.token.key_attributes(key.handle)?;
            signet_core::policy::check_key_protection(
                attrs.protection(),
                cert.not_before(),
                self.config.development,
            )
            .map_err(|e| Error::from_core_in("the certificate's key", &e))?;
        }
        let fp = CertFingerprint(cert.fingerprint_sha256());
        let previous = crate::hex(&self.fingerprint.0);
        let _lock = fsio::lock_file(&self.layout.lock(), "the state lock", self.notice.as_ref())?;
        let existing = match self.store.read_budget(&fp) {
            Ok(_) => true,
            Err(e) if e.code() == "budget_not_found" => false,
            Err(e) => return Err(e),
        };
        if !existing {
            let signer = match &options.signer {
                Some(name) => crate::user::user_id(name)?,
                None => {
                    let current = self.budget_show(&self.fingerprint)?;
                    crate::user::user_id(&current.signer)?
                }
            };
            let validity = Validity {
                not_before: cert.not_before(),
                not_after: cert.not_after(),
            };
            let allotment = options.budget.unwrap_or(signet_core::budget::DEFAULT_ALLOTMENT);
            self.store
                .create_budget(new_budget_record(&fp, validity, &signer, allotment)?)?;
        }
        fsio::write_private(&self.layout.cert(), &der)?;
        self.audit(&crate::audit::Event {
            action: "cert_import",
            certificate: Some(crate::hex(&fp.0)),
            outcome: "ok".into(),
            detail: Some(format!("replaces {previous}")),
            ..crate::audit::Event::default()
        })?;
        drop(_lock);
        let options = OpenOptions {
            user: Some(self.user.to_string()),
            clock: self.clock,
            notice: self.notice.clone(),
            store: self.store_setting.clone(),
        };
        let dir = self.layout.root().to_path_buf();
        let State { key, pin, .. } = self;
        let key = key
            .into_inner()
            .map_err(|_| Error::failed("state_io", "the signing key's lock was poisoned by a panic"))?;
        let source = match key.token {
            Backend::Caller(token) => KeySource::Caller(CallerKey {
                token,
                handle: key.handle,
            }),
            // The token's session ends before the state opens it again.
            _ => KeySource::Config(pin),
        };
        let state = State::open_from(&dir, options, source)?;
        let report = ImportReport {
            certificate: CertificateReport {
                subject: key::subject(&der),
                fingerprint: crate::hex(&fp.0),
                not_before: cert.not_before().as_secs(),
                not_after: cert.not_after().as_secs(),
            },
            previous_fingerprint: previous,
            budget_created: !existing,
            budget: state.budget_show(&fp)?,
        };
        Ok((state, report))
    }
}

fn state_exists(dir: &Path) -> Error {
    Error::refused(
        "state_exists",
        format!("{} already holds a signing key", dir.display()),
    )
    .with_hint("pass --force to replace the signer (its budget stays, a new certificate gets a new one)")
}

fn not_initialised(dir: &Path) -> Error {
    Error::failed(
        "state_not_initialised",
        format!("there is no Signet state in {}", dir.display()),
    )
    .with_hint("run `signet init` (or `signet sign FILE`, which creates a development state on first use)")
}

fn missing_config(layout: &Layout) -> Error {
    let dir = layout.root();
    if layout.signer_dir().join("signer.json").exists() {
        return Error::failed(
            "state_format_unsupported",
            format!("{} was made by an earlier Signet (no signet.toml)", dir.display()),
        )
        .with_hint("move it aside and run `signet init`; its budgets cannot be carried over automatically");
    }
    let empty = std::fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if empty {
        not_initialised(dir)
    } else {
        incomplete("signet.toml is missing", dir)
    }
}

/// Writes a new key, its self-issued certificate, its budget and the
/// configuration into `layout`.
fn write_new_signer(layout: &Layout, init: &InitOptions, user: &UserId, clock: Clock) -> Result<()> {
    let signer = match &init.signer {
        Some(name) => crate::user::user_id(name)?,
        None => user.clone(),
    };
    if let Some(token_key) = &init.token {
        return write_token_signer(layout, init, token_key, &signer, clock);
    }
    let mut config = Config::development(init.key_type);
    if let Some(alg) = init.algorithm {
        config.signer.algorithm = alg.name().to_string();
    }
    let algorithm = config.algorithm()?;
    let pkcs8 = key::generate_pkcs8(init.key_type)?;
    let (mut token, handle) = key::import(pkcs8.as_bytes(), algorithm, "the new key")?;
    let cn = format!("Signet development signer ({signer})");
    let cert = key::self_signed(&mut token, handle, &cn, clock.now(), init.days)?;
    let detail = format!("{} software key, {} signatures", init.key_type, init.budget);
    let written = NewSigner {
        cert: &cert,
        pkcs8: Some(pkcs8.as_bytes()),
        signer: &signer,
        budget: init.budget,
        detail,
    };
    write_signer(layout, &written, user, clock, &config)
}

/// A new signer's parts, for [`write_signer`].
struct NewSigner<'a> {
    cert: &'a [u8],
    /// The software key, or none for a key held by a token.
    pkcs8: Option<&'a [u8]>,
    signer: &'a UserId,
    budget: u64,
    /// What the audit log's `init` record says.
    detail: String,
}

/// Writes a new signer into `layout`: the certificate's budget, the key
/// file (a key held by a token leaves none behind), the certificate, the
/// audit record and, last, the configuration: a state without it is not a
/// state.
fn write_signer(
    layout: &Layout,
    new: &NewSigner<'_>,
    actor: &UserId,
    clock: Clock,
    config: &Config,
) -> Result<()> {
    let cert_ref = CertificateRef::from_der(new.cert)
        .map_err(|e| Error::failed("certificate_invalid", format!("the new certificate: {e}")))?;
    let fp = CertFingerprint(cert_ref.fingerprint_sha256());
    let store = FileStore::new(layout.clone(), None);
    let validity = Validity {
        not_before: cert_ref.not_before(),
        not_after: cert_ref.not_after(),
    };
    store.create_budget(new_budget_record(&fp, validity, new.signer, new.budget)?)?;
    fsio::create_private_dir(&layout.signer_dir())?;
    match new.pkcs8 {
        Some(pkcs8) => fsio::write_private(&layout.key(), pkcs8)?,
        None => match std::fs::remove_file(layout.key()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("state_io", "remove", &layout.key(), &e)),
        },
    }
    fsio::write_private(&layout.cert(), new.cert)?;
    record_init(&store, &fp, new.detail.clone(), actor, clock)?;
    fsio::write_private(&layout.config(), config.to_toml().as_bytes())
}

/// Creates the audit log of a new state (kept when a signer is replaced)
/// and records the signer's creation.
fn record_init(
    store: &FileStore,
    fp: &CertFingerprint,
    detail: String,
    user: &UserId,
    clock: Clock,
) -> Result<()> {
    if !store.audit_exists() {
        store.create_audit()?;
    }
    let event = crate::audit::Event {
        action: "init",
        certificate: Some(crate::hex(&fp.0)),
        outcome: "ok".into(),
        detail: Some(detail),
        ..crate::audit::Event::default()
    };
    store.append_audit(&event, clock.now().as_secs(), user.as_str())?;
    Ok(())
}

/// The signer of a production state whose key is on a PKCS#11 token: the
/// key (generated there, or found), a bootstrap certificate the token key
/// issues itself, its budget and the configuration. No key file.
fn write_token_signer(
    layout: &Layout,
    init: &InitOptions,
    token_key: &TokenKey,
    signer: &UserId,
    clock: Clock,
) -> Result<()> {
    let uri = Pkcs11Uri::parse(&token_key.uri)?;
    let mut token = Pkcs11Token::open(&uri)?;
    let handle = if token_key.generate {
        token.generate_key(&uri, init.key_type, init.algorithm)?
    } else {
        token.find_key(&uri, init.algorithm)?
    };
    let attrs = token.key_attributes(handle).map_err(crate::error::Error::from)?;
    let cn = format!(
        "Signet bootstrap certificate for {signer} on token {}",
        token.label()
    );
    let cert = key::self_signed(&mut token, handle, &cn, clock.now(), init.days)?;
    let detail = format!(
        "{} key on token {}, {} signatures",
        attrs.key_type(),
        token.label(),
        init.budget
    );
    let config = Config::pkcs11(attrs.key_type(), attrs.algorithm(), &uri);
    let written = NewSigner {
        cert: &cert,
        pkcs8: None,
        signer,
        budget: init.budget,
        detail,
    };
    write_signer(layout, &written, signer, clock, &config)
}

/// The rules of a production state (one whose key is on a token): the
/// acting user is the OS user, and the clock is the system's.
fn production_checks(options: &OpenOptions) -> Result<()> {
    if let Some(name) = &options.user {
        let os = crate::user::os_user();
        if os.as_deref() != Some(name.as_str()) {
            return Err(Error::refused(
                "state_production_user",
                format!(
                    "a production state acts as the OS user ({}), not as {name:?}",
                    os.as_deref().unwrap_or("unknown")
                ),
            )
            .with_hint("drop --user: each person signs from their own account"));
        }
    }
    if matches!(options.clock, Clock::Fixed(_)) {
        return Err(Error::refused(
            "state_production_clock",
            "a production state uses the system clock; a fixed time (--now) is for development states",
        )
        .with_hint("drop --now"));
    }
    Ok(())
}

/// The rules of a shared store: the acting user is the database role (the
/// database enforces what it may do), and the clock is the system's, so that
/// every host's records and signatures are dated alike.
fn shared_user(options: &OpenOptions, role: &str) -> Result<UserId> {
    if let Some(name) = &options.user
        && name != role
    {
        return Err(Error::refused(
            "store_user_not_role",
            format!("on a shared store the acting user is the database role ({role}), not {name:?}"),
        )
        .with_hint("drop --user, or connect as that role"));
    }
    if matches!(options.clock, Clock::Fixed(_)) {
        return Err(Error::refused(
            "store_clock_fixed",
            "a shared store uses the system clock; a fixed time (--now) would date records out of order",
        )
        .with_hint("drop --now"));
    }
    crate::user::user_id(role)
}

/// A budget record for a new certificate budget (its ledger binding is
/// filled in by the store).
pub(crate) fn new_budget_record(
    fp: &CertFingerprint,
    validity: Validity,
    signer: &UserId,
    allotment: u64,
) -> Result<BudgetRecord> {
    // Let core judge the numbers before anything is written.
    signet_core::budget::Budget::with_allotment(*fp, validity, signer.clone(), allotment)
        .map_err(|e| Error::from_core(&e))?;
    Ok(BudgetRecord {
        fingerprint: crate::hex(&fp.0),
        not_before: validity.not_before.as_secs(),
        not_after: validity.not_after.as_secs(),
        allotment,
        purchases: Vec::new(),
        revoked: false,
        signer: signer.to_string(),
        policy: false,
        ledger: LedgerBinding {
            id: String::new(),
            sequence: 0,
            used: 0,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_len_bounds_what_sign_digest_returns() {
        let base = std::env::temp_dir().join(format!("signet-host-siglen-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        for (key_type, len) in [(KeyType::EccP256, 72), (KeyType::EccP384, 104)] {
            let dir = base.join(key_type.to_string());
            let options = OpenOptions {
                user: Some("alice".into()),
                clock: Clock::Fixed(signet_core::time::UnixTime(1_780_000_000)),
                notice: None,
                store: None,
            };
            let init = InitOptions {
                key_type,
                ..InitOptions::default()
            };
            let state = State::init(&dir, options, &init).unwrap();
            assert_eq!(state.signature_len(), len, "{key_type}");
            let digest = vec![7u8; state.algorithm().hash().digest_len()];
            for _ in 0..8 {
                let signed = state
                    .sign_digest(&digest, &crate::SignOptions::default())
                    .unwrap();
                assert!(signed.signature.len() <= len && signed.signature.len() > len / 2);
            }
        }
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_pin_for_a_software_key_is_refused_not_ignored() {
        let dir = std::env::temp_dir().join(format!("signet-host-pin-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let options = OpenOptions {
            user: Some("alice".into()),
            clock: Clock::Fixed(signet_core::time::UnixTime(1_780_000_000)),
            notice: None,
            store: None,
        };
        drop(State::init(&dir, options.clone(), &InitOptions::default()).unwrap());
        let e = State::open_with_pin(&dir, options.clone(), "1234").unwrap_err();
        assert_eq!(e.code(), "state_pin_unexpected");
        assert!(!e.message().contains("1234"), "{}", e.message());
        State::open(&dir, options).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
