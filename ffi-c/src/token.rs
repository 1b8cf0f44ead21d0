//! Tokens: the software token, and tokens implemented in C through a
//! vtable (mapped onto core's `Token` trait); digest verification.

use core::ffi::c_void;

use signet_core::ErrorCode;
use signet_core::token::soft::SoftToken;
use signet_core::token::{
    Error as _, ErrorKind, KeyAttributes, KeyEvidence, KeyHandle, KeyProtection, KeyType, KeyUsage,
    SignatureAlgorithm, Token,
};
use signet_core::verify::verify_digest;

use crate::result::signet_result;
use crate::util::{
    FfiError, FfiResult, as_mut, as_ref, boundary, boundary_void, bytes, copy_out, free_handle, into_handle,
    out_ptr, write,
};

/// Key slots of a software token.
const SOFT_SLOTS: usize = 16;

type Soft = SoftToken<rand_core::UnwrapErr<getrandom::SysRng>, SOFT_SLOTS>;

/// Key types. `bits` in `signet_key_attributes` gives the RSA size.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum signet_key_type {
    /// RSA, `bits` modulus bits (3072 or 4096 for Signet).
    Rsa = 1,
    /// ECC on NIST P-256.
    EccP256 = 2,
    /// ECC on NIST P-384.
    EccP384 = 3,
}

/// Signature algorithms (numbered as core's `SignatureAlgorithm::ALL`, from 1).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum signet_algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RsaPkcs1Sha256 = 1,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RsaPkcs1Sha384 = 2,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RsaPkcs1Sha512 = 3,
    /// RSASSA-PSS with SHA-256 (MGF1 SHA-256, salt 32).
    RsaPssSha256 = 4,
    /// RSASSA-PSS with SHA-384.
    RsaPssSha384 = 5,
    /// RSASSA-PSS with SHA-512.
    RsaPssSha512 = 6,
    /// ECDSA over a SHA-256 digest, DER signature.
    EcdsaSha256Der = 7,
    /// ECDSA over a SHA-384 digest, DER signature.
    EcdsaSha384Der = 8,
    /// ECDSA over a SHA-512 digest, DER signature.
    EcdsaSha512Der = 9,
    /// ECDSA over a SHA-256 digest, fixed `r || s`.
    EcdsaSha256Fixed = 10,
    /// ECDSA over a SHA-384 digest, fixed `r || s`.
    EcdsaSha384Fixed = 11,
    /// ECDSA over a SHA-512 digest, fixed `r || s`.
    EcdsaSha512Fixed = 12,
}

/// Usage flag: may sign a precomputed hash (PSA `SIGN_HASH`).
pub const SIGNET_KEY_USAGE_SIGN_HASH: u32 = 1 << 12;
/// Usage flag: may verify a signature over a hash (PSA `VERIFY_HASH`).
pub const SIGNET_KEY_USAGE_VERIFY_HASH: u32 = 1 << 13;

/// A key's policy: type and size, usage flags, its one permitted algorithm.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
#[allow(non_camel_case_types)]
pub struct signet_key_attributes {
    /// A `signet_key_type` value.
    pub key_type: u32,
    /// Key size in bits (RSA modulus size; 256/384 for ECC).
    pub bits: u16,
    /// `SIGNET_KEY_USAGE_*` flags.
    pub usage: u32,
    /// A `signet_algorithm` value.
    pub algorithm: u32,
    /// A `signet_key_protection` value: what the token vouches for about
    /// how the key is kept (0, unknown, when not set).
    pub protection: u32,
}

/// How a token keeps a key, as it reports it in `signet_key_attributes`.
/// Production states require `SIGNET_KEY_PROTECTION_HARDWARE` from the
/// hardware-key rule's effective date on.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum signet_key_protection {
    /// The token gives no evidence.
    Unknown = 0,
    /// A software key (development states only).
    Software = 1,
    /// Generated on a hardware token, never left it (sensitive, never extractable).
    Hardware = 2,
}

pub(crate) fn algorithm(n: u32) -> FfiResult<SignatureAlgorithm> {
    n.checked_sub(1)
        .and_then(|i| SignatureAlgorithm::ALL.get(i as usize).copied())
        .ok_or_else(|| FfiError::invalid(format!("algorithm {n} is not a signet_algorithm")))
}

fn algorithm_number(alg: SignatureAlgorithm) -> u32 {
    SignatureAlgorithm::ALL
        .iter()
        .position(|a| *a == alg)
        .map_or(0, |i| i as u32 + 1)
}

/// A `signet_key_type` value and its size in bits (0 or the curve size for ECC).
pub(crate) fn key_type(n: u32, bits: u16) -> Option<KeyType> {
    match n {
        1 => Some(KeyType::Rsa { bits }),
        2 if bits == 256 || bits == 0 => Some(KeyType::EccP256),
        3 if bits == 384 || bits == 0 => Some(KeyType::EccP384),
        _ => None,
    }
}

fn attributes_from_c(a: &signet_key_attributes) -> Result<KeyAttributes, ErrorKind> {
    let key_type = key_type(a.key_type, a.bits).ok_or(ErrorKind::NotSupported)?;
    let mut usage = KeyUsage::NONE;
    for (bit, flag) in [
        (SIGNET_KEY_USAGE_SIGN_HASH, KeyUsage::SIGN_HASH),
        (SIGNET_KEY_USAGE_VERIFY_HASH, KeyUsage::VERIFY_HASH),
    ] {
        if a.usage & bit != 0 {
            usage = usage.union(flag);
        }
    }
    if a.usage & !(SIGNET_KEY_USAGE_SIGN_HASH | SIGNET_KEY_USAGE_VERIFY_HASH) != 0 {
        return Err(ErrorKind::NotSupported);
    }
    let alg = algorithm(a.algorithm).map_err(|_| ErrorKind::NotSupported)?;
    let protection = match a.protection {
        0 => KeyProtection::Unknown,
        1 => KeyProtection::Software,
        2 => KeyProtection::Hardware(KeyEvidence {
            sensitive: true,
            extractable: false,
            always_sensitive: true,
            never_extractable: true,
            local: true,
            sign: usage.contains(KeyUsage::SIGN_HASH),
        }),
        _ => return Err(ErrorKind::NotSupported),
    };
    Ok(KeyAttributes::new(key_type, usage, alg)?.with_protection(protection))
}

fn attributes_to_c(a: &KeyAttributes) -> signet_key_attributes {
    let key_type = match a.key_type() {
        KeyType::Rsa { .. } => signet_key_type::Rsa,
        KeyType::EccP256 => signet_key_type::EccP256,
        // KeyType is non-exhaustive; P-384 and anything later read as P-384
        // only if it is P-384: other types cannot come out of this crate's tokens.
        _ => signet_key_type::EccP384,
    };
    signet_key_attributes {
        key_type: key_type as u32,
        bits: a.key_type().bits(),
        usage: a.usage().bits(),
        algorithm: algorithm_number(a.algorithm()),
        protection: match a.protection() {
            KeyProtection::Software => signet_key_protection::Software as u32,
            KeyProtection::Hardware(e) if e.generated_on_token_never_left() => {
                signet_key_protection::Hardware as u32
            }
            _ => signet_key_protection::Unknown as u32,
        },
    }
}

/// A token implemented in C. Every callback returns `SIGNET_RESULT_OK` (0)
/// or a token result (`SIGNET_RESULT_TOKEN_INVALID_HANDLE`,
/// `_NOT_PERMITTED`, `_BUFFER_TOO_SMALL`, `_INVALID_DIGEST`, `_NOT_SUPPORTED`,
/// `_INVALID_KEY`, `_INSUFFICIENT_STORAGE`, `_RNG_FAILURE`, `_HARDWARE`,
/// `_OTHER`); any other number is read as `SIGNET_RESULT_TOKEN_OTHER`.
/// Out-parameters are read only after `SIGNET_RESULT_OK`. Signet checks the
/// key's attributes (usage, permitted algorithm, digest length, buffer size)
/// *before* calling `sign_digest`, and a length beyond the buffer reported
/// by `public_key` or `sign_digest` is refused as `SIGNET_RESULT_TOKEN_HARDWARE`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct signet_token_vtable {
    /// Writes the attributes of the key behind `handle`.
    pub key_attributes:
        Option<unsafe extern "C" fn(user: *mut c_void, handle: u32, out: *mut signet_key_attributes) -> u32>,
    /// Writes the key's DER SubjectPublicKeyInfo into `out` (`out_len` bytes) and its length into `*out_n`.
    pub public_key: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            handle: u32,
            out: *mut u8,
            out_len: usize,
            out_n: *mut usize,
        ) -> u32,
    >,
    /// Signs `digest` with `algorithm` (a `signet_algorithm`), writes the
    /// signature into `out` and its length into `*out_n`.
    pub sign_digest: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            handle: u32,
            algorithm: u32,
            digest: *const u8,
            digest_len: usize,
            out: *mut u8,
            out_len: usize,
            out_n: *mut usize,
        ) -> u32,
    >,
}

/// The C token's error: the kind, from the callback's result number.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CTokenError(ErrorKind);

impl signet_core::token::Error for CTokenError {
    fn kind(&self) -> ErrorKind {
        self.0
    }
}

// A state's caller token (`signet_host::CallerToken`) needs an error with a
// code and a message: the kind's.
impl ErrorCode for CTokenError {
    fn code(&self) -> &'static str {
        self.0.code()
    }
}

impl core::fmt::Display for CTokenError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.fmt(f)
    }
}

fn kind_of(result: u32) -> Result<(), CTokenError> {
    match signet_result::from_u32(result) {
        Some(signet_result::OK) => Ok(()),
        // A token_* number is its kind; anything else reads as token_other.
        r => Err(CTokenError(
            r.and_then(|r| ErrorKind::from_code(r.code()))
                .unwrap_or(ErrorKind::Other),
        )),
    }
}

pub(crate) struct CToken {
    user: *mut c_void,
    key_attributes: unsafe extern "C" fn(*mut c_void, u32, *mut signet_key_attributes) -> u32,
    public_key: unsafe extern "C" fn(*mut c_void, u32, *mut u8, usize, *mut usize) -> u32,
    sign_digest:
        unsafe extern "C" fn(*mut c_void, u32, u32, *const u8, usize, *mut u8, usize, *mut usize) -> u32,
}

// SAFETY: a state may be used from any thread, and it calls its caller
// token from the thread that signs (one call at a time: the state
// serialises its key). `signet_state_options_set_caller_token` documents
// that the callbacks and `user` must allow that.
unsafe impl Send for CToken {}

impl CToken {
    /// The callbacks of `v` (each must be set), called with `user`.
    pub(crate) fn from_vtable(v: &signet_token_vtable, user: *mut c_void) -> FfiResult<CToken> {
        Ok(CToken {
            user,
            key_attributes: v
                .key_attributes
                .ok_or_else(|| FfiError::null("vtable->key_attributes"))?,
            public_key: v.public_key.ok_or_else(|| FfiError::null("vtable->public_key"))?,
            sign_digest: v
                .sign_digest
                .ok_or_else(|| FfiError::null("vtable->sign_digest"))?,
        })
    }
}

impl Token for CToken {
    type Error = CTokenError;

    fn key_attributes(&self, handle: KeyHandle) -> Result<KeyAttributes, CTokenError> {
        let mut a = signet_key_attributes::default();
        // SAFETY: the callback writes one signet_key_attributes into a live local.
        kind_of(unsafe { (self.key_attributes)(self.user, handle.0, &mut a) })?;
        attributes_from_c(&a).map_err(CTokenError)
    }

    fn public_key(&self, handle: KeyHandle, out: &mut [u8]) -> Result<usize, CTokenError> {
        let mut n = 0usize;
        // SAFETY: `out` is a live buffer of `out.len()` bytes; `n` a live local.
        kind_of(unsafe { (self.public_key)(self.user, handle.0, out.as_mut_ptr(), out.len(), &mut n) })?;
        if n > out.len() {
            return Err(CTokenError(ErrorKind::Hardware));
        }
        Ok(n)
    }

    fn sign_digest(
        &mut self,
        handle: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CTokenError> {
        // The trait's contract: check the key's policy before any signing.
        self.key_attributes(handle)?
            .check_sign(alg, digest.len(), out.len())
            .map_err(CTokenError)?;
        let mut n = 0usize;
        // SAFETY: `digest` and `out` are live buffers of the lengths passed; `n` a live local.
        kind_of(unsafe {
            (self.sign_digest)(
                self.user,
                handle.0,
                algorithm_number(alg),
                digest.as_ptr(),
                digest.len(),
                out.as_mut_ptr(),
                out.len(),
                &mut n,
            )
        })?;
        if n > out.len() {
            return Err(CTokenError(ErrorKind::Hardware));
        }
        Ok(n)
    }
}

enum TokenImpl {
    Soft(Box<Soft>),
    C(CToken),
}

/// A token (opaque): a software token or one implemented in C.
pub struct signet_token {
    token: TokenImpl,
}

fn token_err<E: signet_core::token::Error + ErrorCode + core::fmt::Display>(e: &E) -> FfiError {
    FfiError::core(e)
}

fn kind_err(k: ErrorKind) -> FfiError {
    FfiError::core(&k)
}

impl signet_token {
    fn attributes(&self, h: KeyHandle) -> FfiResult<KeyAttributes> {
        match &self.token {
            TokenImpl::Soft(t) => t.key_attributes(h).map_err(|e| token_err(&e)),
            TokenImpl::C(t) => t.key_attributes(h).map_err(|e| kind_err(e.0)),
        }
    }
    fn public_key(&self, h: KeyHandle, out: &mut [u8]) -> FfiResult<usize> {
        match &self.token {
            TokenImpl::Soft(t) => t.public_key(h, out).map_err(|e| token_err(&e)),
            TokenImpl::C(t) => t.public_key(h, out).map_err(|e| kind_err(e.0)),
        }
    }
    fn sign(
        &mut self,
        h: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> FfiResult<usize> {
        match &mut self.token {
            TokenImpl::Soft(t) => t.sign_digest(h, alg, digest, out).map_err(|e| token_err(&e)),
            TokenImpl::C(t) => t.sign_digest(h, alg, digest, out).map_err(|e| kind_err(e.0)),
        }
    }
    fn soft(&mut self) -> FfiResult<&mut Soft> {
        match &mut self.token {
            TokenImpl::Soft(t) => Ok(t),
            TokenImpl::C(_) => Err(FfiError::invalid("not a software token")),
        }
    }
}

/// A new, empty software token (16 key slots, OS random numbers). For tests
/// and development only: production keys belong in hardware.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `out_token` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_token_soft_new(out_token: *mut *mut signet_token) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_token, "out_token")?;
        let soft = Box::new(Soft::new(rand_core::UnwrapErr(getrandom::SysRng)));
        // SAFETY: checked non-NULL.
        unsafe {
            write(
                out,
                into_handle(signet_token {
                    token: TokenImpl::Soft(soft),
                }),
            )
        };
        Ok(())
    })
}

/// Generates a key in a software token; `*out_handle` gets its handle.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_ARGUMENT` (not a
/// software token), `SIGNET_RESULT_TOKEN_NOT_SUPPORTED`,
/// `SIGNET_RESULT_TOKEN_INSUFFICIENT_STORAGE`, `SIGNET_RESULT_TOKEN_OTHER`.
///
/// # Safety
/// `token` live; `attributes` valid; `out_handle` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_token_soft_generate(
    token: *mut signet_token,
    attributes: *const signet_key_attributes,
    out_handle: *mut u32,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_handle, "out_handle")?;
        // SAFETY: caller contract above.
        let t = unsafe { as_mut(token, "token")? };
        // SAFETY: caller contract above.
        let a = attributes_from_c(unsafe { as_ref(attributes, "attributes")? }).map_err(kind_err)?;
        let h = t.soft()?.generate(a).map_err(|e| token_err(&e))?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, h.0) };
        Ok(())
    })
}

/// Imports a PKCS#8 private key (DER, or PEM `PRIVATE KEY`) into a software
/// token with the `usage` flags and permitted `algorithm` (a `signet_algorithm`).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_ARGUMENT`,
/// `SIGNET_RESULT_INVALID_UTF8` (PEM), `SIGNET_RESULT_TOKEN_INVALID_KEY`,
/// `SIGNET_RESULT_TOKEN_NOT_SUPPORTED`, `SIGNET_RESULT_TOKEN_INSUFFICIENT_STORAGE`.
///
/// # Safety
/// `token` live; `key` `key_len` bytes; `out_handle` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_token_soft_import_pkcs8(
    token: *mut signet_token,
    key: *const u8,
    key_len: usize,
    usage: u32,
    algorithm_: u32,
    out_handle: *mut u32,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_handle, "out_handle")?;
        // SAFETY: caller contract above.
        let t = unsafe { as_mut(token, "token")? };
        // SAFETY: caller contract above.
        let key = unsafe { bytes(key, key_len, "key")? };
        let alg = algorithm(algorithm_)?;
        let mut flags = KeyUsage::NONE;
        if usage & SIGNET_KEY_USAGE_SIGN_HASH != 0 {
            flags = flags.union(KeyUsage::SIGN_HASH);
        }
        if usage & SIGNET_KEY_USAGE_VERIFY_HASH != 0 {
            flags = flags.union(KeyUsage::VERIFY_HASH);
        }
        if usage & !(SIGNET_KEY_USAGE_SIGN_HASH | SIGNET_KEY_USAGE_VERIFY_HASH) != 0 {
            return Err(FfiError::invalid(format!("unknown usage bits {usage:#x}")));
        }
        let soft = t.soft()?;
        let h = if key.starts_with(b"-----BEGIN") {
            let pem = core::str::from_utf8(key).map_err(|e| {
                FfiError::new(signet_result::INVALID_UTF8, format!("PEM key is not UTF-8: {e}"))
            })?;
            soft.import_pkcs8_pem(pem, flags, alg)
        } else {
            soft.import_pkcs8_der(key, flags, alg)
        }
        .map_err(|e| token_err(&e))?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, h.0) };
        Ok(())
    })
}

/// A token whose operations are the C callbacks in `*vtable` (copied), each
/// called with `user`. `user` must stay valid while the token lives; Signet
/// never frees it.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER` (also a NULL callback).
///
/// # Safety
/// `vtable` valid for reads; `out_token` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_token_new_from_vtable(
    vtable: *const signet_token_vtable,
    user: *mut c_void,
    out_token: *mut *mut signet_token,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_token, "out_token")?;
        // SAFETY: caller contract above.
        let v = unsafe { as_ref(vtable, "vtable")? };
        let token = CToken::from_vtable(v, user)?;
        // SAFETY: checked non-NULL.
        unsafe {
            write(
                out,
                into_handle(signet_token {
                    token: TokenImpl::C(token),
                }),
            )
        };
        Ok(())
    })
}

/// Frees a token (a software token's keys are zeroized). NULL does nothing.
///
/// # Safety
/// `token` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_token_free(token: *mut signet_token) {
    // SAFETY: caller contract above.
    boundary_void(|| unsafe { free_handle(token) })
}

/// The attributes of the key behind `handle`.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_TOKEN_*`.
///
/// # Safety
/// `token` live; `out_attributes` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_token_key_attributes(
    token: *const signet_token,
    handle: u32,
    out_attributes: *mut signet_key_attributes,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_attributes, "out_attributes")?;
        // SAFETY: caller contract above.
        let t = unsafe { as_ref(token, "token")? };
        let a = t.attributes(KeyHandle(handle))?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, attributes_to_c(&a)) };
        Ok(())
    })
}

/// Largest DER SubjectPublicKeyInfo of a supported key (RSA 4096).
pub const SIGNET_MAX_SPKI_LEN: usize = 550;
/// Largest signature (RSA 4096).
pub const SIGNET_MAX_SIGNATURE_LEN: usize = 512;
// Literals so that cbindgen writes them into the header; they must equal core's.
const _: () = assert!(SIGNET_MAX_SPKI_LEN == signet_core::token::MAX_SPKI_LEN);
const _: () = assert!(SIGNET_MAX_SIGNATURE_LEN == signet_core::token::MAX_SIGNATURE_LEN);

/// Writes the key's DER SubjectPublicKeyInfo into `buf`; `*out_n` gets its
/// length. `SIGNET_MAX_SPKI_LEN` bytes are always enough.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_TOKEN_*`,
/// `SIGNET_RESULT_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `token` live; `buf` valid for `len` bytes; `out_n` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_token_public_key(
    token: *const signet_token,
    handle: u32,
    buf: *mut u8,
    len: usize,
    out_n: *mut usize,
) -> signet_result {
    boundary(|| {
        out_ptr(out_n, "out_n")?;
        // SAFETY: caller contract above.
        let t = unsafe { as_ref(token, "token")? };
        let mut spki = [0u8; SIGNET_MAX_SPKI_LEN];
        let n = t.public_key(KeyHandle(handle), &mut spki)?;
        // SAFETY: caller contract above.
        unsafe { copy_out(spki.get(..n).unwrap_or(&[]), buf, len, out_n, false) }
    })
}

/// Signs `digest` (already hashed with the algorithm's hash) with the key
/// behind `handle`; the signature goes into `buf`, its length into `*out_n`.
/// The key's attributes are checked first.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_ARGUMENT` (algorithm),
/// `SIGNET_RESULT_TOKEN_NOT_PERMITTED`, `_INVALID_DIGEST`, `_BUFFER_TOO_SMALL`,
/// `_INVALID_HANDLE`, other `SIGNET_RESULT_TOKEN_*`.
///
/// # Safety
/// `token` live; `digest` `digest_len` bytes; `buf` valid for `len` bytes;
/// `out_n` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_token_sign_digest(
    token: *mut signet_token,
    handle: u32,
    algorithm_: u32,
    digest: *const u8,
    digest_len: usize,
    buf: *mut u8,
    len: usize,
    out_n: *mut usize,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_n, "out_n")?;
        if buf.is_null() {
            return Err(FfiError::null("buf"));
        }
        // SAFETY: caller contract above.
        let t = unsafe { as_mut(token, "token")? };
        // SAFETY: caller contract above.
        let digest = unsafe { bytes(digest, digest_len, "digest")? };
        let alg = algorithm(algorithm_)?;
        // The token writes straight into the caller's buffer: copying a
        // signature through a stack buffer would only add a size limit.
        if len > isize::MAX as usize {
            return Err(FfiError::invalid("len is too large"));
        }
        // SAFETY: buf is non-NULL and the caller guarantees `len` writable bytes.
        let out_buf = unsafe { core::slice::from_raw_parts_mut(buf, len) };
        let n = t.sign(KeyHandle(handle), alg, digest, out_buf)?;
        // SAFETY: checked non-NULL.
        unsafe { write(out, n) };
        Ok(())
    })
}

/// Verifies `signature` over `digest` with the public key `spki` (DER
/// SubjectPublicKeyInfo) and `algorithm`. OK means the signature is valid.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_ARGUMENT`,
/// `SIGNET_RESULT_VERIFY_*` (`_BAD_SIGNATURE` for a wrong signature).
///
/// # Safety
/// Each pointer must be valid for its length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_verify_digest(
    spki: *const u8,
    spki_len: usize,
    algorithm_: u32,
    digest: *const u8,
    digest_len: usize,
    signature: *const u8,
    signature_len: usize,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract above.
        let (spki, digest, sig) = unsafe {
            (
                bytes(spki, spki_len, "spki")?,
                bytes(digest, digest_len, "digest")?,
                bytes(signature, signature_len, "signature")?,
            )
        };
        let alg = algorithm(algorithm_)?;
        verify_digest(spki, alg, digest, sig).map_err(|e| FfiError::core(&e))
    })
}

/// The sign primitive drives a `signet_token` through core's [`Token`] trait:
/// a software token's errors keep their kind, a C token's come from its
/// callbacks' result numbers.
impl Token for signet_token {
    type Error = ErrorKind;

    fn key_attributes(&self, handle: KeyHandle) -> Result<KeyAttributes, ErrorKind> {
        match &self.token {
            TokenImpl::Soft(t) => t.key_attributes(handle).map_err(|e| e.kind()),
            TokenImpl::C(t) => t.key_attributes(handle).map_err(|e| e.0),
        }
    }

    fn public_key(&self, handle: KeyHandle, out: &mut [u8]) -> Result<usize, ErrorKind> {
        match &self.token {
            TokenImpl::Soft(t) => Token::public_key(&**t, handle, out).map_err(|e| e.kind()),
            TokenImpl::C(t) => Token::public_key(t, handle, out).map_err(|e| e.0),
        }
    }

    fn sign_digest(
        &mut self,
        handle: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, ErrorKind> {
        match &mut self.token {
            TokenImpl::Soft(t) => t.sign_digest(handle, alg, digest, out).map_err(|e| e.kind()),
            TokenImpl::C(t) => t.sign_digest(handle, alg, digest, out).map_err(|e| e.0),
        }
    }
}
