//! Certificate fingerprints and self-signed test certificates. (Enforced,
//! counted signing is the state's: `signet_state_sign_digest`.)

use signet_core::cert;
use signet_core::policy::CertificateRef;
use signet_core::time::UnixTime;
use signet_core::token::KeyHandle;

use crate::util::{FfiError, FfiResult, as_mut, boundary, bytes, copy_out, out_ptr, text};
use crate::{result::signet_result, token::signet_token};

/// # Safety
/// `ptr`/`len` as `util::bytes`.
unsafe fn certificate<'a>(ptr: *const u8, len: usize) -> FfiResult<CertificateRef<'a>> {
    // SAFETY: forwarded caller contract.
    let der = unsafe { bytes(ptr, len, "certificate")? };
    CertificateRef::from_der(der).map_err(|e| FfiError::core(&e))
}

/// The SHA-256 fingerprint of a certificate (DER) into `out_fingerprint`
/// (32 bytes): the value a budget is bound to (`signet_state_fingerprint`
/// gives the state's).
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
