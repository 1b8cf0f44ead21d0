//! The state: a Signet state directory opened through `signet-host`
//! (`signet_state`), the one object a C caller signs with. It is built
//! rustls-ffi style from builders (`signet_state_options`: who acts and
//! when; `signet_init_options`: what `init` makes). Every rule, file, lock
//! and ledger is host's (`signet_host::State`); this module converts
//! arguments, errors and reports.
//!
//! Reports are host's serde reports (`signet_host::report`) as JSON. Calls
//! that only read (`_status_json`, `_budget_show`, `_grant_show`,
//! `_grant_list`) copy theirs into a caller buffer and can simply be
//! repeated with a larger one. Calls that change the state keep their
//! report on the handle instead (`signet_state_report_json`): a buffer that
//! is too small must never turn a signature that was made and counted into
//! an error, nor tempt a retry that would sign twice.

use std::path::Path;

use signet_core::budget::{Actor, CertFingerprint, Role};
use signet_core::grant::{GrantError, MAX_APPROVERS, MAX_STEPS};
use signet_core::time::UnixTime;
use signet_host::{
    CallerKey, Clock, Decision, InitOptions, OpenOptions, Output, PolicySpec, RequestSpec, SignOptions,
    State, TokenKey,
};

use core::ffi::c_void;

use signet_core::token::KeyHandle;
use zeroize::Zeroizing;

use crate::result::signet_result;
use crate::token::{CToken, signet_token_vtable};
use crate::util::{
    FfiError, FfiResult, as_mut, as_ref, boundary, boundary_void, bytes, copy_out, free_handle, into_handle,
    opt_text, out_ptr, text, write,
};

/// How a state is opened: the acting user, the clock, and the caller's
/// token holding the key, if it is one (opaque).
pub struct signet_state_options {
    user: Option<String>,
    clock: Clock,
    caller: Option<CallerTokenSpec>,
    /// The PIN of a PKCS#11 token key (wiped when the options are freed).
    pin: Option<Zeroizing<String>>,
}

/// A caller token as set on the options: the callbacks, their `user`
/// pointer and the key's handle. Each open or init makes its own
/// `CToken` from it.
#[derive(Clone, Copy)]
struct CallerTokenSpec {
    vtable: signet_token_vtable,
    user: *mut c_void,
    key: u32,
}

impl CallerTokenSpec {
    fn key(&self) -> FfiResult<CallerKey> {
        Ok(CallerKey {
            token: Box::new(CToken::from_vtable(&self.vtable, self.user)?),
            handle: KeyHandle(self.key),
        })
    }
}

/// What `signet_state_init` and `signet_state_open_or_create` make (opaque).
pub struct signet_init_options {
    init: InitOptions,
    /// With a caller token: whether the state is a development state.
    development: bool,
}

/// An opened state directory (opaque): its signer, certificate, budgets,
/// grants and ledgers, the acting user and the clock.
pub struct signet_state {
    state: State,
    /// The JSON report of the last call that changed the state ("" after a failure).
    report: String,
}

/// A CertCentral account role.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum signet_role {
    /// May buy signatures.
    Administrator = 1,
    /// May buy signatures.
    Manager = 2,
    /// Must ask an administrator or manager.
    StandardUser = 3,
    /// Must ask an administrator or manager.
    LimitedUser = 4,
    /// Must ask an administrator or manager.
    FinanceManager = 5,
}

/// The acting user's account (the user is the state's acting user).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct signet_account {
    /// A `signet_role` value.
    pub role: u32,
    /// Acting from a subaccount (no purchases).
    pub subaccount: bool,
    /// A KeyLocker lead (may reassign the signer).
    pub keylocker_lead: bool,
}

/// A `(ptr, len)` UTF-8 string inside a struct.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct signet_str {
    /// The bytes (not NUL-terminated).
    pub ptr: *const u8,
    /// Their number.
    pub len: usize,
}

/// One approval step: eligible approvers and how many must approve.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct signet_approval_step {
    /// The approvers' user ids.
    pub approvers: *const signet_str,
    /// How many (at most 8).
    pub approvers_len: usize,
    /// Approvals needed (1..=approvers_len).
    pub threshold: u8,
}

/// What a requester asks for; a NULL pointer means "the policy's ceiling"
/// (for `valid_from`: now).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct signet_request_params {
    /// Start of access (UNIX seconds), or NULL.
    pub valid_from: *const i64,
    /// End of access (exclusive), or NULL.
    pub valid_until: *const i64,
    /// Sign operations wanted, or NULL.
    pub allowed_ops: *const u32,
    /// Justification (UTF-8), or NULL.
    pub justification: *const u8,
    /// Length of `justification`.
    pub justification_len: usize,
}

fn host(e: &signet_host::Error) -> FfiError {
    FfiError::core(e)
}

fn json_err(e: &serde_json::Error) -> FfiError {
    // Host's reports are plain data: serialising them cannot fail.
    FfiError::new(
        signet_result::PANIC,
        format!("internal error: a report did not serialise: {e}"),
    )
}

/// # Safety
/// `ptr`/`len` as `util::text`.
unsafe fn utf8_path<'a>(ptr: *const u8, len: usize, what: &str) -> FfiResult<&'a Path> {
    // SAFETY: forwarded caller contract.
    Ok(Path::new(unsafe { text(ptr, len, what)? }))
}

/// A user id, checked by host (`SIGNET_RESULT_USER_ID_*`).
///
/// # Safety
/// `ptr`/`len` as `util::text`.
unsafe fn user_name(ptr: *const u8, len: usize, what: &str) -> FfiResult<String> {
    // SAFETY: forwarded caller contract.
    let name = unsafe { text(ptr, len, what)? };
    signet_host::user::user_id(name).map_err(|e| host(&e))?;
    Ok(name.to_string())
}

/// # Safety
/// `p` NULL or valid for reads.
unsafe fn opt<T: Copy>(p: *const T) -> Option<T> {
    // SAFETY: caller contract.
    unsafe { p.as_ref() }.copied()
}

/// A grant id: 0 is none.
fn sign_options(grant: u64) -> SignOptions {
    SignOptions {
        grant: (grant != 0).then_some(grant),
        ..SignOptions::default()
    }
}

/// # Safety
/// `options` NULL or live.
unsafe fn open_options(options: *const signet_state_options) -> OpenOptions {
    // SAFETY: caller contract.
    match unsafe { options.as_ref() } {
        Some(o) => OpenOptions {
            user: o.user.clone(),
            clock: o.clock,
            notice: None,
            store: None,
        },
        None => OpenOptions::default(),
    }
}

/// # Safety
/// `init` NULL or live.
unsafe fn init_options(init: *const signet_init_options) -> InitOptions {
    // SAFETY: caller contract.
    unsafe { init.as_ref() }.map_or_else(InitOptions::default, |i| i.init.clone())
}

/// The certificate a budget call is about: `fingerprint` (32 bytes), or the
/// state's signing certificate for NULL.
///
/// # Safety
/// `fingerprint` NULL or 32 readable bytes.
unsafe fn which(state: &State, fingerprint: *const u8) -> FfiResult<CertFingerprint> {
    if fingerprint.is_null() {
        return Ok(state.fingerprint());
    }
    // SAFETY: caller contract (32 bytes).
    let b = unsafe { bytes(fingerprint, 32, "fingerprint")? };
    let mut fp = [0u8; 32];
    fp.copy_from_slice(b);
    Ok(CertFingerprint(fp))
}

/// # Safety
/// `account` NULL or valid.
unsafe fn actor(state: &State, account: *const signet_account) -> FfiResult<Actor> {
    // SAFETY: caller contract.
    let a = unsafe { account.as_ref() }.copied().unwrap_or(signet_account {
        role: signet_role::StandardUser as u32,
        subaccount: false,
        keylocker_lead: false,
    });
    let role = match a.role {
        1 => Role::Administrator,
        2 => Role::Manager,
        3 => Role::StandardUser,
        4 => Role::LimitedUser,
        5 => Role::FinanceManager,
        n => return Err(FfiError::invalid(format!("role {n} is not a signet_role"))),
    };
    Ok(Actor {
        id: state.user().clone(),
        role,
        subaccount: a.subaccount,
        keylocker_lead: a.keylocker_lead,
    })
}

/// A `(ptr, len)` array of C structs. The length is checked against `max`
/// first (`too_many` otherwise): nothing is read, and nothing allocated,
/// for a length beyond it.
///
/// # Safety
/// `ptr` NULL or valid for `len` reads of `T` when `len <= max`.
unsafe fn array<'a, T>(
    ptr: *const T,
    len: usize,
    max: usize,
    too_many: impl FnOnce() -> FfiError,
    what: &str,
) -> FfiResult<&'a [T]> {
    if len > max {
        return Err(too_many());
    }
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: non-NULL; `max` keeps `len * size_of::<T>()` within isize::MAX
    // (every caller's bound does); readability is the caller's contract.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// The body of a call that changes the state: the handle's report is
/// cleared first (so a failure, also of an argument, leaves it empty) and
/// replaced by the body's report on success. Arguments are converted inside
/// `body`, after the clearing.
///
/// # Safety
/// `state` NULL or live and not used elsewhere during the call.
unsafe fn change(state: *mut signet_state, body: impl FnOnce(&State) -> FfiResult<String>) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        let s = unsafe { as_mut(state, "state")? };
        s.report.clear();
        s.report = body(&s.state)?;
        Ok(())
    })
}

/// Runs a call that reads: its report goes into the caller's buffer
/// (NUL-terminated; `*out_len` without the NUL).
///
/// # Safety
/// `state` NULL or live; `buf` valid for `len` bytes of writes; `out_len`
/// NULL or valid for one write.
unsafe fn read(
    state: *const signet_state,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
    f: impl FnOnce(&State) -> FfiResult<String>,
) -> FfiResult {
    out_ptr(out_len, "out_len")?;
    // SAFETY: caller contract.
    let s = unsafe { as_ref(state, "state")? };
    let json = f(&s.state)?;
    // SAFETY: caller contract.
    unsafe { copy_out(json.as_bytes(), buf, len, out_len, true) }
}

// ---------------------------------------------------------------- options

/// New open options: the OS user (`$USER`, `$LOGNAME`, the account name)
/// and the system clock.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `out_options` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_options_new(
    out_options: *mut *mut signet_state_options,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_options, "out_options")?;
        let options = signet_state_options {
            user: None,
            clock: Clock::System,
            caller: None,
            pin: None,
        };
        // SAFETY: checked non-NULL.
        unsafe { write(out, into_handle(options)) };
        Ok(())
    })
}

/// Frees open options. NULL does nothing.
///
/// # Safety
/// NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_options_free(options: *mut signet_state_options) {
    // SAFETY: caller contract.
    boundary_void(|| unsafe { free_handle(options) })
}

/// The acting user (development states): who signs, buys, requests and
/// approves.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_USER_ID_*` (nothing changed).
///
/// # Safety
/// `options` live; `user` `user_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_options_set_user(
    options: *mut signet_state_options,
    user: *const u8,
    user_len: usize,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        let (o, name) = unsafe { (as_mut(options, "options")?, user_name(user, user_len, "user")?) };
        o.user = Some(name);
        Ok(())
    })
}

/// A fixed clock (development states, tests): every call acts at
/// `unix_seconds`.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `options` live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_options_set_now(
    options: *mut signet_state_options,
    unix_seconds: i64,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        let o = unsafe { as_mut(options, "options")? };
        o.clock = Clock::Fixed(UnixTime(unix_seconds));
        Ok(())
    })
}

/// New init options: an ECC P-256 key, 1,000 signatures, 365 days, the
/// acting user as the assigned signer, no replacing.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `out_init` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_init_options_new(out_init: *mut *mut signet_init_options) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_init, "out_init")?;
        let init = signet_init_options {
            init: InitOptions::default(),
            development: false,
        };
        // SAFETY: checked non-NULL.
        unsafe { write(out, into_handle(init)) };
        Ok(())
    })
}

/// Frees init options. NULL does nothing.
///
/// # Safety
/// NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_init_options_free(init: *mut signet_init_options) {
    // SAFETY: caller contract.
    boundary_void(|| unsafe { free_handle(init) })
}

/// The key type: a `signet_key_type` value and, for RSA, `bits` (3072 or
/// 4096; 0 or the curve size for ECC).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// `init` live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_init_options_set_key_type(
    init: *mut signet_init_options,
    key_type: u32,
    bits: u16,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        let i = unsafe { as_mut(init, "init")? };
        i.init.key_type = crate::token::key_type(key_type, bits)
            .ok_or_else(|| FfiError::invalid(format!("key type {key_type} with {bits} bits")))?;
        Ok(())
    })
}

/// Signatures in the new certificate's budget.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `init` live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_init_options_set_budget(
    init: *mut signet_init_options,
    signatures: u64,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        unsafe { as_mut(init, "init")? }.init.budget = signatures;
        Ok(())
    })
}

/// Days of validity of the new certificate.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `init` live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_init_options_set_days(
    init: *mut signet_init_options,
    days: u32,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        unsafe { as_mut(init, "init")? }.init.days = days;
        Ok(())
    })
}

/// The assigned signer of the new certificate (default: the acting user).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_USER_ID_*` (nothing changed).
///
/// # Safety
/// `init` live; `signer` `signer_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_init_options_set_signer(
    init: *mut signet_init_options,
    signer: *const u8,
    signer_len: usize,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        let (i, name) = unsafe { (as_mut(init, "init")?, user_name(signer, signer_len, "signer")?) };
        i.init.signer = Some(name);
        Ok(())
    })
}

/// Whether `signet_state_init` replaces an existing signer (its budgets
/// stay; the new certificate gets a new budget).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `init` live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_init_options_set_force(
    init: *mut signet_init_options,
    force: bool,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        unsafe { as_mut(init, "init")? }.init.force = force;
        Ok(())
    })
}

/// The key is held by the caller's token: the callbacks in `*vtable`
/// (copied; each must be set) called with `user`, and the key behind
/// handle `key` in it. `signet_state_init` then makes a state around that
/// key (production unless `signet_init_options_set_development`), and
/// `signet_state_open` opens such a state. The state calls the callbacks
/// from whichever thread signs, one call at a time, for as long as it
/// lives: they and `user` must allow that, and `user` must outlive it.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER` (also a NULL callback).
///
/// # Safety
/// `options` live; `vtable` valid for reads.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_options_set_caller_token(
    options: *mut signet_state_options,
    vtable: *const signet_token_vtable,
    user: *mut c_void,
    key: u32,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        let (o, v) = unsafe { (as_mut(options, "options")?, as_ref(vtable, "vtable")?) };
        // Checked now, so that a missing callback fails here, not at open.
        CToken::from_vtable(v, user)?;
        o.caller = Some(CallerTokenSpec {
            vtable: *v,
            user,
            key,
        });
        Ok(())
    })
}

/// The PIN that opening a state whose key is on a PKCS#11 token logs in
/// with (instead of `$SIGNET_PKCS11_PIN` or the PIN file the state's URI
/// names). Copied, and wiped when the options are freed; never shown in
/// an error or a report.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`.
///
/// # Safety
/// `options` live; `pin` `pin_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_options_set_pin(
    options: *mut signet_state_options,
    pin: *const u8,
    pin_len: usize,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        let (o, pin) = unsafe { (as_mut(options, "options")?, text(pin, pin_len, "pin")?) };
        o.pin = Some(Zeroizing::new(pin.to_string()));
        Ok(())
    })
}

/// A key on a PKCS#11 token instead of a new software key: `uri` (UTF-8,
/// RFC 7512, e.g. `pkcs11:token=t;object=k;type=private?module-path=...`,
/// with the PIN as `pin-value`, `pin-source`, or `$SIGNET_PKCS11_PIN`),
/// generated there (of the init options' key type) when `generate` is
/// set, else the key the URI names. `signet_state_init` then makes a
/// production state (the OS user, the system clock) whose certificate is a
/// bootstrap certificate the token key issues itself.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_PKCS11_URI_INVALID` (nothing changed).
///
/// # Safety
/// `init` live; `uri` `uri_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_init_options_set_pkcs11_key(
    init: *mut signet_init_options,
    uri: *const u8,
    uri_len: usize,
    generate: bool,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        let (i, uri) = unsafe { (as_mut(init, "init")?, text(uri, uri_len, "uri")?) };
        signet_host::pkcs11::Pkcs11Uri::parse(uri).map_err(|e| host(&e))?;
        i.init.token = Some(TokenKey {
            uri: uri.to_string(),
            generate,
        });
        Ok(())
    })
}

/// Whether a state made around a caller token
/// (`signet_state_options_set_caller_token`) is a development state, in
/// which the acting user and the clock may be set and a software key may
/// sign. Default: false (a production state). A state with its own key is
/// always a development state.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `init` live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_init_options_set_development(
    init: *mut signet_init_options,
    development: bool,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        unsafe { as_mut(init, "init")? }.development = development;
        Ok(())
    })
}

/// The PIN set on `options`, if any.
///
/// # Safety
/// `options` NULL or live.
unsafe fn options_pin(options: *const signet_state_options) -> Option<Zeroizing<String>> {
    // SAFETY: caller contract.
    unsafe { options.as_ref() }.and_then(|o| o.pin.clone())
}

/// The caller token set on `options`, if any.
///
/// # Safety
/// `options` NULL or live.
unsafe fn caller_key(options: *const signet_state_options) -> FfiResult<Option<CallerKey>> {
    // SAFETY: caller contract.
    match unsafe { options.as_ref() }.and_then(|o| o.caller) {
        Some(spec) => spec.key().map(Some),
        None => Ok(None),
    }
}

// ------------------------------------------------------------ open, init

/// Opens the state in directory `path` (UTF-8), checking every part of it:
/// fail closed, a missing or damaged part is an error with its own number.
/// `options` may be NULL (the OS user, the system clock).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_STATE_NOT_INITIALISED`, `SIGNET_RESULT_STATE_INCOMPLETE`,
/// `_STATE_FORMAT_UNSUPPORTED`, `_STATE_CONFIG_INVALID`, `_STATE_PERMISSIONS`,
/// `_STATE_RECORD_DAMAGED`, `_STATE_LEDGER_*`, `_SIGN_KEY_MISMATCH`,
/// `_USER_UNKNOWN`, `_USER_ID_*`.
///
/// # Safety
/// `path` `path_len` readable bytes; `options` NULL or live; `out_state`
/// valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_open(
    path: *const u8,
    path_len: usize,
    options: *const signet_state_options,
    out_state: *mut *mut signet_state,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_state, "out_state")?;
        // SAFETY: caller contract.
        let raw_options = options;
        let (dir, caller, options) = unsafe {
            (
                utf8_path(path, path_len, "path")?,
                caller_key(options)?,
                open_options(options),
            )
        };
        // SAFETY: caller contract.
        let pin = unsafe { options_pin(raw_options) };
        let state = match (caller, pin) {
            (Some(key), _) => State::open_with_caller_token(dir, options, key),
            (None, Some(pin)) => State::open_with_pin(dir, options, &pin),
            (None, None) => State::open(dir, options),
        }
        .map_err(|e| host(&e))?;
        // SAFETY: checked non-NULL.
        unsafe {
            write(
                out,
                into_handle(signet_state {
                    state,
                    report: String::new(),
                }),
            )
        };
        Ok(())
    })
}

/// Creates a development state in `path` (which may exist and be empty): a
/// new key, a self-issued certificate and its budget, as `init` says (NULL:
/// the defaults), then opens it. With `force` set it replaces the signer of
/// an existing state.
///
/// # Errors
/// As `signet_state_open`, and `SIGNET_RESULT_STATE_EXISTS` (a state is
/// there and `force` is not set), `SIGNET_RESULT_STATE_IO`,
/// `SIGNET_RESULT_BUDGET_*` (the budget), `SIGNET_RESULT_TOKEN_NOT_SUPPORTED`
/// (the key type).
///
/// # Safety
/// As `signet_state_open`; `init` NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_init(
    path: *const u8,
    path_len: usize,
    options: *const signet_state_options,
    init: *const signet_init_options,
    out_state: *mut *mut signet_state,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_state, "out_state")?;
        // SAFETY: caller contract.
        let (dir, caller, options, init, development) = unsafe {
            (
                utf8_path(path, path_len, "path")?,
                caller_key(options)?,
                open_options(options),
                init_options(init),
                init.as_ref().is_some_and(|i| i.development),
            )
        };
        let state = match caller {
            Some(key) => State::init_with_caller_token(dir, options, &init, key, development),
            None => State::init(dir, options, &init),
        }
        .map_err(|e| host(&e))?;
        // SAFETY: checked non-NULL.
        unsafe {
            write(
                out,
                into_handle(signet_state {
                    state,
                    report: String::new(),
                }),
            )
        };
        Ok(())
    })
}

/// Opens the state in `path`, creating a development state first (as
/// `signet_state_init` with `init`) **only if `path` does not exist at
/// all**; a state that exists but is damaged is an error, never replaced.
/// `*out_created` (may be NULL) tells whether it was created.
///
/// # Errors
/// As `signet_state_open` and `signet_state_init`.
///
/// # Safety
/// As `signet_state_init`; `out_created` NULL or valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_open_or_create(
    path: *const u8,
    path_len: usize,
    options: *const signet_state_options,
    init: *const signet_init_options,
    out_state: *mut *mut signet_state,
    out_created: *mut bool,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_state, "out_state")?;
        // SAFETY: caller contract.
        // SAFETY: caller contract.
        let caller = unsafe { options.as_ref() }.is_some_and(|o| o.caller.is_some());
        let (dir, options, init) = unsafe {
            (
                utf8_path(path, path_len, "path")?,
                open_options(options),
                init_options(init),
            )
        };
        if caller {
            return Err(FfiError::invalid(
                "signet_state_open_or_create makes a software key; a caller token's state is made by signet_state_init",
            ));
        }
        let (state, created) = State::open_or_create(dir, options, &init).map_err(|e| host(&e))?;
        // SAFETY: checked non-NULL; out_created optional.
        unsafe {
            write(
                out,
                into_handle(signet_state {
                    state,
                    report: String::new(),
                }),
            );
            if !out_created.is_null() {
                write(out_created, created);
            }
        }
        Ok(())
    })
}

/// Frees a state (its files stay). NULL does nothing.
///
/// # Safety
/// NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_free(state: *mut signet_state) {
    // SAFETY: caller contract.
    boundary_void(|| unsafe { free_handle(state) })
}

// ---------------------------------------------------------------- getters

/// The signing certificate's SHA-256 fingerprint into `out_fingerprint`
/// (32 bytes).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `state` live; `out_fingerprint` valid for 32 bytes of writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_fingerprint(
    state: *const signet_state,
    out_fingerprint: *mut u8,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_fingerprint, "out_fingerprint")?;
        // SAFETY: caller contract.
        let fp = unsafe { as_ref(state, "state")? }.state.fingerprint().0;
        // SAFETY: out is valid for 32 bytes (caller contract).
        unsafe { core::ptr::copy_nonoverlapping(fp.as_ptr(), out, fp.len()) };
        Ok(())
    })
}

/// The signing certificate (DER) into `buf`; `*out_len` gets its length.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_BUFFER_TOO_SMALL` (nothing
/// written; 4096 bytes are enough for a development state).
///
/// # Safety
/// `state` live; `buf` valid for `len` bytes of writes; `out_len` for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_certificate_der(
    state: *const signet_state,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> signet_result {
    boundary(|| {
        out_ptr(out_len, "out_len")?;
        // SAFETY: caller contract.
        let s = unsafe { as_ref(state, "state")? };
        // SAFETY: caller contract.
        unsafe { copy_out(s.state.certificate_der(), buf, len, out_len, false) }
    })
}

/// The longest signature the state's key makes: a `sig_buf` of this size
/// always suffices for `signet_state_sign_digest`.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `state` live; `out_len` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_signature_len(
    state: *const signet_state,
    out_len: *mut usize,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_len, "out_len")?;
        // SAFETY: caller contract.
        let n = unsafe { as_ref(state, "state")? }.state.signature_len();
        // SAFETY: checked non-NULL.
        unsafe { write(out, n) };
        Ok(())
    })
}

/// The JSON report of the last call on `state` that changed it (signing, a
/// budget or a grant action), NUL-terminated into `buf`; `*out_len` gets its
/// length without the NUL. Empty when that call failed or none was made.
/// Reading does not consume it.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_BUFFER_TOO_SMALL` (nothing
/// written).
///
/// # Safety
/// `state` live; `buf` valid for `len` bytes of writes; `out_len` for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_report_json(
    state: *const signet_state,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> signet_result {
    boundary(|| {
        out_ptr(out_len, "out_len")?;
        // SAFETY: caller contract.
        let s = unsafe { as_ref(state, "state")? };
        // SAFETY: caller contract.
        unsafe { copy_out(s.report.as_bytes(), buf, len, out_len, true) }
    })
}

/// The signer, certificate and budget (host's `Status`) as JSON into `buf`.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_BUFFER_TOO_SMALL`,
/// `SIGNET_RESULT_STATE_*`.
///
/// # Safety
/// `state` live; `buf` valid for `len` bytes of writes; `out_len` for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_status_json(
    state: *const signet_state,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        unsafe {
            read(state, buf, len, out_len, |s| {
                serde_json::to_string(&s.status().map_err(|e| host(&e))?).map_err(|e| json_err(&e))
            })
        }
    })
}

// ---------------------------------------------------------------- signing

/// Signs the file `path` (UTF-8) as the acting user: a detached CMS
/// signature (DER) written to `path` + `.p7s`, counted in the budget's
/// ledger and, when the certificate has a signer policy, in the grant's.
/// `grant` is the grant to use (0: none, or the acting user's only active
/// grant when one is required). The report (host's `SignedFile`) is kept:
/// `signet_state_report_json`.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_INPUT_UNREADABLE`, `SIGNET_RESULT_OUTPUT_UNWRITABLE`,
/// `SIGNET_RESULT_SIGN_*` (refusals: nothing counted, nothing written),
/// `SIGNET_RESULT_GRANT_NOT_FOUND`, `_GRANT_AMBIGUOUS`, `SIGNET_RESULT_STATE_*`.
///
/// # Safety
/// `state` live; `path` `path_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_sign_file(
    state: *mut signet_state,
    path: *const u8,
    path_len: usize,
    grant: u64,
) -> signet_result {
    // SAFETY: caller contract (here and in the body).
    unsafe {
        change(state, |s| {
            let file = utf8_path(path, path_len, "path")?;
            let signed = s
                .sign_file(file, &Output::Beside, &sign_options(grant))
                .map_err(|e| host(&e))?;
            serde_json::to_string(&signed).map_err(|e| json_err(&e))
        })
    }
}

/// Signs the files `paths` (`paths_len` UTF-8 paths) as one batch, all or
/// nothing: every input must be readable and every `FILE.p7s` writable, and
/// the budget (and the grant) must cover the whole batch, before anything
/// is counted (`SIGNET_RESULT_SIGN_BUDGET_EXHAUSTED` /
/// `_SIGN_GRANT_EXHAUSTED` otherwise). `grant` as in
/// `signet_state_sign_file`. The report (host's `SignedBatch`) is kept.
///
/// # Errors
/// As `signet_state_sign_file`, and `SIGNET_RESULT_INVALID_ARGUMENT` for a
/// `paths_len` no array can have. A signature that was made but could not
/// be written stays counted: the error message names the files signed.
///
/// # Safety
/// `state` live; `paths` valid for `paths_len` reads, each string valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_sign_files(
    state: *mut signet_state,
    paths: *const signet_str,
    paths_len: usize,
    grant: u64,
) -> signet_result {
    // SAFETY: caller contract (here and in the body; the length is checked
    // before anything is read).
    unsafe {
        change(state, |s| {
            let max = isize::MAX.unsigned_abs() / core::mem::size_of::<signet_str>();
            let list = array(
                paths,
                paths_len,
                max,
                || FfiError::invalid(format!("paths_len {paths_len} is too large")),
                "paths",
            )?;
            let files = list
                .iter()
                .map(|p| utf8_path(p.ptr, p.len, "path").map(Path::to_path_buf))
                .collect::<FfiResult<Vec<_>>>()?;
            let signed = s
                .sign_files(&files, &Output::Beside, &sign_options(grant))
                .map_err(|e| host(&e))?;
            serde_json::to_string(&signed).map_err(|e| json_err(&e))
        })
    }
}

/// Signs `digest` (already hashed with the hash of the state's algorithm)
/// as the acting user, through the same enforced and counted path as
/// `signet_state_sign_file`. The signature goes into `sig_buf`
/// (`*out_sig_len` bytes); a `sig_len` below `signet_state_signature_len`
/// is refused before anything is counted. The report (host's
/// `SignedDigest`) is kept: `signet_state_report_json`.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_BUFFER_TOO_SMALL` (nothing
/// counted), `SIGNET_RESULT_SIGN_*`, `SIGNET_RESULT_GRANT_NOT_FOUND`,
/// `_GRANT_AMBIGUOUS`, `SIGNET_RESULT_STATE_*`.
///
/// # Safety
/// `state` live; `digest` `digest_len` readable bytes; `sig_buf` valid for
/// `sig_len` bytes of writes; `out_sig_len` for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_sign_digest(
    state: *mut signet_state,
    digest: *const u8,
    digest_len: usize,
    grant: u64,
    sig_buf: *mut u8,
    sig_len: usize,
    out_sig_len: *mut usize,
) -> signet_result {
    // SAFETY: caller contract (here and in the body).
    unsafe {
        change(state, |s| {
            let out = out_ptr(out_sig_len, "out_sig_len")?;
            if sig_buf.is_null() {
                return Err(FfiError::null("sig_buf"));
            }
            let digest = bytes(digest, digest_len, "digest")?;
            let needed = s.signature_len();
            if sig_len < needed {
                return Err(FfiError::new(
                    signet_result::BUFFER_TOO_SMALL,
                    format!(
                        "a signature needs up to {needed} bytes, sig_buf has {sig_len}; nothing was signed"
                    ),
                ));
            }
            let signed = s
                .sign_digest(digest, &sign_options(grant))
                .map_err(|e| host(&e))?;
            let sig = &signed.signature;
            if sig.len() > sig_len {
                // The key's signature length bounds it: not reachable.
                return Err(FfiError::new(
                    signet_result::PANIC,
                    "internal error: the signature (made and counted) is longer than the key's maximum",
                ));
            }
            let json = serde_json::to_string(&signed).map_err(|e| json_err(&e))?;
            // Out-parameters last, on success only. sig_buf holds sig_len >=
            // sig.len() writable bytes and cannot overlap the Vec.
            core::ptr::copy_nonoverlapping(sig.as_ptr(), sig_buf, sig.len());
            write(out, sig.len());
            Ok(json)
        })
    }
}

// ---------------------------------------------------------------- budgets

/// A budget now (host's `BudgetReport`) as JSON into `buf`: the
/// certificate `fingerprint` (32 bytes), or NULL for the state's signing
/// certificate. Reads without locking: works while others sign.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_BUFFER_TOO_SMALL`,
/// `SIGNET_RESULT_BUDGET_NOT_FOUND`, `SIGNET_RESULT_STATE_*`.
///
/// # Safety
/// `state` live; `fingerprint` NULL or 32 readable bytes; `buf` valid for
/// `len` bytes of writes; `out_len` for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_budget_show(
    state: *const signet_state,
    fingerprint: *const u8,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        unsafe {
            read(state, buf, len, out_len, |s| {
                let fp = which(s, fingerprint)?;
                serde_json::to_string(&s.budget_show(&fp).map_err(|e| host(&e))?).map_err(|e| json_err(&e))
            })
        }
    })
}

/// Buys `signatures` more for a budget (`fingerprint` NULL: the state's
/// certificate), as the acting user with `account` (NULL: a standard user).
/// The report (host's `BudgetReport`) is kept.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_ARGUMENT` (role),
/// `SIGNET_RESULT_BUDGET_*` (who may buy, zero, revoked, expired, ...),
/// `SIGNET_RESULT_STATE_*`.
///
/// # Safety
/// `state` live; `fingerprint` NULL or 32 readable bytes; `account` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_budget_buy(
    state: *mut signet_state,
    fingerprint: *const u8,
    account: *const signet_account,
    signatures: u64,
) -> signet_result {
    // SAFETY: caller contract (here and in the body).
    unsafe {
        change(state, |s| {
            let (fp, actor) = (which(s, fingerprint)?, actor(s, account)?);
            let report = s.budget_buy(&fp, &actor, signatures).map_err(|e| host(&e))?;
            serde_json::to_string(&report).map_err(|e| json_err(&e))
        })
    }
}

/// Records the certificate's revocation (`fingerprint` NULL: the state's):
/// remaining signatures are nullified. The report is kept.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_BUDGET_*`, `SIGNET_RESULT_STATE_*`.
///
/// # Safety
/// `state` live; `fingerprint` NULL or 32 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_budget_revoke(
    state: *mut signet_state,
    fingerprint: *const u8,
) -> signet_result {
    // SAFETY: caller contract (here and in the body).
    unsafe {
        change(state, |s| {
            let fp = which(s, fingerprint)?;
            serde_json::to_string(&s.budget_revoke(&fp).map_err(|e| host(&e))?).map_err(|e| json_err(&e))
        })
    }
}

/// Assigns a certificate (`fingerprint` NULL: the state's) to `signer`, as
/// the acting user with `account` (a KeyLocker lead only). The report is kept.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_USER_ID_*`, `SIGNET_RESULT_BUDGET_NOT_KEYLOCKER_LEAD` and
/// the other `SIGNET_RESULT_BUDGET_*`, `SIGNET_RESULT_STATE_*`.
///
/// # Safety
/// `state` live; `fingerprint` NULL or 32 readable bytes; `account` NULL or
/// valid; `signer` `signer_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_budget_assign(
    state: *mut signet_state,
    fingerprint: *const u8,
    account: *const signet_account,
    signer: *const u8,
    signer_len: usize,
) -> signet_result {
    // SAFETY: caller contract (here and in the body).
    unsafe {
        change(state, |s| {
            let signer = text(signer, signer_len, "signer")?;
            let (fp, actor) = (which(s, fingerprint)?, actor(s, account)?);
            let report = s.budget_assign(&fp, &actor, signer).map_err(|e| host(&e))?;
            serde_json::to_string(&report).map_err(|e| json_err(&e))
        })
    }
}

/// Counts `count` signatures the acting user made outside Signet against a
/// budget (`fingerprint` NULL: the state's), all or nothing. The report is
/// kept (its `crossed` lists the usage levels crossed).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_BUDGET_EXHAUSTED` (fewer
/// left than `count`: nothing counted) and the other
/// `SIGNET_RESULT_BUDGET_*`, `SIGNET_RESULT_STATE_*`.
///
/// # Safety
/// `state` live; `fingerprint` NULL or 32 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_budget_use(
    state: *mut signet_state,
    fingerprint: *const u8,
    count: u64,
) -> signet_result {
    // SAFETY: caller contract (here and in the body).
    unsafe {
        change(state, |s| {
            let fp = which(s, fingerprint)?;
            let report = s.budget_use(&fp, s.user(), count).map_err(|e| host(&e))?;
            serde_json::to_string(&report).map_err(|e| json_err(&e))
        })
    }
}

// ----------------------------------------------------------------- grants

/// Binds a signer policy to the state's certificate: from then on every
/// signature needs an active grant. `max_window_secs` / `max_ops` may be
/// NULL (at least one is needed); `steps` are the approval steps in order
/// (1 to 4, each with 1 to 8 approvers: more are refused before anything is
/// read). The report (host's `PolicyRecord`) is kept.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_USER_ID_*`, `SIGNET_RESULT_GRANT_*` (policy rules),
/// `SIGNET_RESULT_STATE_*`.
///
/// # Safety
/// `state` live; `max_*` NULL or valid; `steps` `steps_len` valid steps
/// (when `steps_len` is at most 4), each with `approvers_len` valid strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_grant_policy(
    state: *mut signet_state,
    max_window_secs: *const u64,
    max_ops: *const u32,
    ttl_secs: u64,
    steps: *const signet_approval_step,
    steps_len: usize,
) -> signet_result {
    // SAFETY: caller contract (here and in the body; each length is checked
    // against its limit before anything is read).
    unsafe {
        change(state, |s| {
            let list = array(
                steps,
                steps_len,
                MAX_STEPS,
                || FfiError::core(&GrantError::TooManySteps { max: MAX_STEPS }),
                "steps",
            )?;
            let mut built = Vec::new();
            for step in list {
                let approvers = array(
                    step.approvers,
                    step.approvers_len,
                    MAX_APPROVERS,
                    || FfiError::core(&GrantError::TooManyApprovers { max: MAX_APPROVERS }),
                    "approvers",
                )?;
                let names = approvers
                    .iter()
                    .map(|a| text(a.ptr, a.len, "approver").map(str::to_string))
                    .collect::<FfiResult<Vec<_>>>()?;
                built.push((names, step.threshold));
            }
            let spec = PolicySpec {
                max_window_secs: opt(max_window_secs),
                max_signings: opt(max_ops),
                max_request_ttl_secs: ttl_secs,
                steps: built,
            };
            let policy = s.grant_policy(&s.fingerprint(), &spec).map_err(|e| host(&e))?;
            serde_json::to_string(&policy).map_err(|e| json_err(&e))
        })
    }
}

/// Opens a signing request for the state's certificate as the acting user;
/// `params` may be NULL (now, the policy's window and operations). The
/// report (host's `RequestReport`, with its `id`) is kept.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_GRANT_NO_POLICY`, `SIGNET_RESULT_GRANT_*` (window,
/// operations, text), `SIGNET_RESULT_STATE_*`.
///
/// # Safety
/// `state` live; `params` NULL or valid, its pointers NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_grant_request(
    state: *mut signet_state,
    params: *const signet_request_params,
) -> signet_result {
    // SAFETY: caller contract (here and in the body).
    unsafe {
        change(state, |s| {
            let spec = match params.as_ref() {
                None => RequestSpec::default(),
                Some(p) => RequestSpec {
                    valid_from: opt(p.valid_from).map(UnixTime),
                    valid_until: opt(p.valid_until).map(UnixTime),
                    allowed_ops: opt(p.allowed_ops),
                    justification: opt_text(p.justification, p.justification_len, "justification")?
                        .map(str::to_string),
                },
            };
            let report = s.grant_request(&s.fingerprint(), &spec).map_err(|e| host(&e))?;
            serde_json::to_string(&report).map_err(|e| json_err(&e))
        })
    }
}

/// # Safety
/// `state` NULL or live.
unsafe fn decide(
    state: *mut signet_state,
    id: u64,
    decision: impl FnOnce() -> FfiResult<Decision>,
) -> signet_result {
    // SAFETY: caller contract.
    unsafe {
        change(state, |s| {
            let report = s.grant_decide(id, &decision()?).map_err(|e| host(&e))?;
            serde_json::to_string(&report).map_err(|e| json_err(&e))
        })
    }
}

/// Approves the current step of request `id` as the acting user; the
/// approval that completes the last step issues the grant. The report
/// (host's `RequestReport`) is kept.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_GRANT_UNKNOWN_REQUEST`,
/// `SIGNET_RESULT_GRANT_*` (own request, not eligible, already approved,
/// not open), `SIGNET_RESULT_STATE_*`.
///
/// # Safety
/// `state` live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_grant_approve(state: *mut signet_state, id: u64) -> signet_result {
    // SAFETY: caller contract.
    unsafe { decide(state, id, || Ok(Decision::Approve)) }
}

/// Rejects request `id` as the acting user, with an optional `comment`
/// (NULL for none). The report is kept.
///
/// # Errors
/// As `signet_state_grant_approve`, and `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_GRANT_TEXT_TOO_LONG`.
///
/// # Safety
/// `state` live; `comment` NULL or `comment_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_grant_reject(
    state: *mut signet_state,
    id: u64,
    comment: *const u8,
    comment_len: usize,
) -> signet_result {
    // SAFETY: caller contract (here and in the body).
    unsafe {
        decide(state, id, || {
            let comment = opt_text(comment, comment_len, "comment")?.map(str::to_string);
            Ok(Decision::Reject(comment))
        })
    }
}

/// Cancels request `id` (the requester only). The report is kept.
///
/// # Errors
/// As `signet_state_grant_approve`, and `SIGNET_RESULT_GRANT_NOT_REQUESTER`.
///
/// # Safety
/// `state` live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_grant_cancel(state: *mut signet_state, id: u64) -> signet_result {
    // SAFETY: caller contract.
    unsafe { decide(state, id, || Ok(Decision::Cancel)) }
}

/// Request `id` with its grant and the grant's use (host's `RequestReport`)
/// as JSON into `buf`.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_BUFFER_TOO_SMALL`,
/// `SIGNET_RESULT_GRANT_UNKNOWN_REQUEST`, `SIGNET_RESULT_STATE_*`.
///
/// # Safety
/// `state` live; `buf` valid for `len` bytes of writes; `out_len` for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_grant_show(
    state: *const signet_state,
    id: u64,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        unsafe {
            read(state, buf, len, out_len, |s| {
                serde_json::to_string(&s.grant_show(id).map_err(|e| host(&e))?).map_err(|e| json_err(&e))
            })
        }
    })
}

/// Every request, oldest first, as a JSON array of host's `RequestReport`
/// into `buf` (`[]` when there are none).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_BUFFER_TOO_SMALL`,
/// `SIGNET_RESULT_STATE_*`.
///
/// # Safety
/// `state` live; `buf` valid for `len` bytes of writes; `out_len` for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_state_grant_list(
    state: *const signet_state,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract.
        unsafe {
            read(state, buf, len, out_len, |s| {
                serde_json::to_string(&s.grant_list().map_err(|e| host(&e))?).map_err(|e| json_err(&e))
            })
        }
    })
}
