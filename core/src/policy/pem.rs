//! PEM (RFC 7468) detection and decoding for certificates and CSRs.

use alloc::vec::Vec;

use super::error::{PolicyError, Structure};

/// The PEM labels the policy tells apart.
pub(crate) enum Label {
    Certificate,
    Csr,
    PublicKey,
    Other,
}

/// `Ok(None)` when `input` is not PEM (no `-----BEGIN` after leading
/// whitespace), so the caller treats it as DER.
pub(crate) fn decode(input: &[u8], what: Structure) -> Result<Option<(Label, Vec<u8>)>, PolicyError> {
    let start = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    let trimmed = input.get(start..).unwrap_or_default();
    if !trimmed.starts_with(b"-----BEGIN ") {
        return Ok(None);
    }
    let (label, der) = der::pem::decode_vec(trimmed).map_err(|_| PolicyError::PemInvalid { what })?;
    let label = match label {
        "CERTIFICATE" | "X509 CERTIFICATE" => Label::Certificate,
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => Label::Csr,
        "PUBLIC KEY" => Label::PublicKey,
        _ => Label::Other,
    };
    Ok(Some((label, der)))
}
