//! The enforced sign primitive (core's `sign::Signer`), certificate
//! fingerprints and self-signed test certificates.

use signet_core::cert;
use signet_core::policy::CertificateRef;
use signet_core::sign::{SignOptions, Signer};
use signet_core::time::UnixTime;
use signet_core::token::{KeyHandle, MAX_SIGNATURE_LEN};

use crate::budget::{level, signet_budget, signet_usage_level, user_id};
use crate::counter::signet_counter_store;
use crate::grant::signet_grant;
use crate::token::algorithm;
use crate::util::{FfiError, FfiResult, as_mut, as_ref, boundary, bytes, copy_out, out_ptr, text, write};
use crate::{result::signet_result, token::signet_token};

/// Options of the sign path. Pass NULL for the defaults (`verify_ecdsa`
/// true, `require_grant` false).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct signet_sign_options {
    /// Verify ECDSA signatures before releasing them (RSA signatures are
    /// always verified).
    pub verify_ecdsa: bool,
    /// The signer's policy requires a grant for every signature.
    pub require_grant: bool,
}

/// What one signature cost.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct signet_receipt {
    /// SHA-256 of the signing certificate (DER).
    pub cert_fingerprint: [u8; 32],
    /// The signature's serial in the counter store.
    pub counter_index: u64,
    /// Whether a grant paid an operation (`grant_id` is then its id).
    pub has_grant: bool,
    /// The grant's id, 0 when `has_grant` is false.
    pub grant_id: u64,
    /// Signatures left in the budget after this one.
    pub signatures_remaining: u64,
    /// The budget's usage level after this one.
    pub level: signet_usage_level,
    /// The level this signature crossed into, or `SIGNET_USAGE_LEVEL_NONE`.
    pub crossed: signet_usage_level,
    /// The signature's length in `sig_out`.
    pub signature_len: usize,
}

/// # Safety
/// `ptr`/`len` as `util::bytes`.
unsafe fn certificate<'a>(ptr: *const u8, len: usize) -> FfiResult<CertificateRef<'a>> {
    // SAFETY: forwarded caller contract.
    let der = unsafe { bytes(ptr, len, "certificate")? };
    CertificateRef::from_der(der).map_err(|e| FfiError::core(&e))
}

/// Signs `digest` (already hashed with `algorithm`'s hash) with the key
/// `key_handle` of `token` for the certificate `certificate` (DER), as `user`
/// at `now` (UNIX seconds). Every rule of core's enforced sign path is
/// checked, in this order: the token key is the certificate's key, the key
/// policy, the budget is this certificate's, validity at `now`, revocation,
/// `user` is the assigned signer, the grant (required by `options`, or given),
/// the key's attributes and `sig_out_len`; then one signature is reserved in
/// `store` (and one operation of `grant`), the token signs, the signature is
/// verified against the certificate's key and the reservation committed.
///
/// On success the signature is `sig_out[..receipt.signature_len]`
/// (`SIGNET_MAX_SIGNATURE_LEN` bytes are always enough) and `*out_receipt`
/// says what it cost. On failure `sig_out` and `*out_receipt` are not written.
/// A refusal consumes nothing, except `SIGNET_RESULT_SIGN_VERIFY_FAILED`
/// (the token produced a bad signature: it counts as used and is not
/// released) and a commit-time `SIGNET_RESULT_SIGN_COUNTER`.
///
/// `grant` may be NULL (no grant); `options` may be NULL (defaults).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8` (`user`),
/// `SIGNET_RESULT_USER_ID_*`, `SIGNET_RESULT_INVALID_ARGUMENT` (algorithm),
/// `SIGNET_RESULT_CERTIFICATE_MALFORMED` and the other certificate parse
/// results, `SIGNET_RESULT_SIGN_*` (one per check; token failures are
/// `SIGNET_RESULT_SIGN_TOKEN`, see the last error message for the kind).
///
/// # Safety
/// `certificate` `certificate_len` bytes; `token`, `budget`, `store` live
/// handles and `grant` NULL or live; `user` `user_len` bytes; `digest`
/// `digest_len` bytes; `options` NULL or valid; `sig_out` valid for
/// `sig_out_len` bytes of writes; `out_receipt` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_sign_digest(
    certificate_der: *const u8,
    certificate_len: usize,
    token: *mut signet_token,
    key_handle: u32,
    budget: *const signet_budget,
    store: *mut signet_counter_store,
    user: *const u8,
    user_len: usize,
    now: i64,
    grant: *mut signet_grant,
    algorithm_: u32,
    digest: *const u8,
    digest_len: usize,
    options: *const signet_sign_options,
    sig_out: *mut u8,
    sig_out_len: usize,
    out_receipt: *mut signet_receipt,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_receipt, "out_receipt")?;
        if sig_out.is_null() {
            return Err(FfiError::null("sig_out"));
        }
        // SAFETY: caller contract above (each argument).
        let (cert, token, budget, store, user, digest) = unsafe {
            (
                certificate(certificate_der, certificate_len)?,
                as_mut(token, "token")?,
                as_ref(budget, "budget")?,
                as_mut(store, "store")?,
                user_id(user, user_len, "user")?,
                bytes(digest, digest_len, "digest")?,
            )
        };
        // SAFETY: caller contract above (NULL or live).
        let grant = unsafe { grant.as_mut() }.map(|g| &mut g.grant);
        // SAFETY: caller contract above (NULL or valid).
        let options = match unsafe { options.as_ref() } {
            Some(o) => SignOptions {
                verify_ecdsa: o.verify_ecdsa,
                require_grant: o.require_grant,
            },
            None => SignOptions::default(),
        };
        let alg = algorithm(algorithm_)?;
        // The token signs into a local buffer of the caller's size (capped):
        // core checks the size before reserving, and the caller's buffer is
        // written only once the signature is verified and counted.
        let mut sig = [0u8; MAX_SIGNATURE_LEN];
        let local = sig
            .get_mut(..sig_out_len.min(MAX_SIGNATURE_LEN))
            .unwrap_or(&mut []);
        let mut signer = Signer::new(
            cert,
            token,
            KeyHandle(key_handle),
            &budget.budget,
            store.counter(),
        )
        .with_options(options);
        let receipt = signer
            .sign_digest(&user, UnixTime(now), grant, alg, digest, local)
            .map_err(|e| FfiError::core(&e))?;
        let signature = local.get(..receipt.signature_len).unwrap_or(&[]);
        // SAFETY: sig_out is non-NULL with sig_out_len writable bytes (caller
        // contract), and signature_len <= local.len() <= sig_out_len.
        unsafe {
            core::ptr::copy_nonoverlapping(signature.as_ptr(), sig_out, signature.len());
            write(
                out,
                signet_receipt {
                    cert_fingerprint: receipt.cert_fingerprint,
                    counter_index: receipt.counter_index,
                    has_grant: receipt.grant_id.is_some(),
                    grant_id: receipt.grant_id.map_or(0, |g| g.0),
                    signatures_remaining: receipt.signatures_remaining,
                    level: level(receipt.level),
                    crossed: receipt.crossed.map_or(signet_usage_level::None, level),
                    signature_len: signature.len(),
                },
            );
        }
        Ok(())
    })
}

/// The SHA-256 fingerprint of a certificate (DER) into `out_fingerprint`
/// (32 bytes): the value `signet_budget_new` binds a budget to.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_CERTIFICATE_MALFORMED` and
/// the other certificate parse results.
///
/// # Safety
/// `certificate_der` `certificate_len` bytes; `out_fingerprint` valid for 32
/// bytes of writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_certificate_fingerprint(
    certificate_der: *const u8,
    certificate_len: usize,
    out_fingerprint: *mut u8,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_fingerprint, "out_fingerprint")?;
        // SAFETY: caller contract above.
        let cert = unsafe { certificate(certificate_der, certificate_len)? };
        let fp = cert.fingerprint_sha256();
        // SAFETY: out is non-NULL and valid for 32 bytes (caller contract).
        unsafe { core::ptr::copy_nonoverlapping(fp.as_ptr(), out, fp.len()) };
        Ok(())
    })
}

/// A self-signed code-signing certificate (DER) for the key `key_handle` of
/// `token`, with subject CN `subject_cn`, validity `not_before` to
/// `not_after` (UNIX seconds) and `serial` (not 0), into `buf`; `*out_n`
/// gets its length. For tests and development: real certificates come from
/// the CA. Each call signs a new certificate.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_CERT_*`, `SIGNET_RESULT_TOKEN_*`,
/// `SIGNET_RESULT_BUFFER_TOO_SMALL` (nothing written; 4096 bytes are enough
/// for every supported key).
///
/// # Safety
/// `token` live; `subject_cn` `subject_cn_len` bytes; `buf` valid for `len`
/// bytes of writes; `out_n` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_certificate_self_signed(
    token: *mut signet_token,
    key_handle: u32,
    subject_cn: *const u8,
    subject_cn_len: usize,
    not_before: i64,
    not_after: i64,
    serial: u64,
    buf: *mut u8,
    len: usize,
    out_n: *mut usize,
) -> signet_result {
    boundary(|| {
        out_ptr(out_n, "out_n")?;
        // SAFETY: caller contract above.
        let (token, cn) = unsafe {
            (
                as_mut(token, "token")?,
                text(subject_cn, subject_cn_len, "subject_cn")?,
            )
        };
        let der = cert::self_signed(
            token,
            KeyHandle(key_handle),
            cn,
            UnixTime(not_before),
            UnixTime(not_after),
            serial,
        )
        .map_err(|e| FfiError::core(&e))?;
        // SAFETY: caller contract above.
        unsafe { copy_out(&der, buf, len, out_n, false) }
    })
}
