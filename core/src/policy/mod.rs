//! Key-size policy: what a public key is (RSA size and exponent, EC curve),
//! the rules that apply to it on a given date and on a given device, CSR and
//! certificate parsing, and CSR self-signature verification.
//!
//! # Decisions
//! - **Rules as data.** [`KEY_RULES`] is a table of order dates, with the
//!   CA's dates from seed 001 (RSA minimum 2048 → 3072 on 2021-05-28;
//!   hardware storage required from 2023-05-16); [`SIGNING_KEY_RULES`] is a
//!   table of certificate issuance dates (RSA-2048 certificates issued before
//!   2021-06-01 stay usable, seed 003); device limits are
//!   [`DeviceProfile::capabilities`].
//! - **Ordering vs signing.** [`check_key`] applies the [`KEY_RULES`] row in
//!   force on the order date. [`check_signing_key`] applies the
//!   [`SIGNING_KEY_RULES`] row in force when the certificate was issued
//!   (`notBefore`), so a 2048-bit certificate issued before 2021-06-01 signs
//!   until it expires. The two dates differ on purpose: an RSA-2048 CSR
//!   ordered on 2021-05-28 is refused, but a certificate issued that day would
//!   still sign.
//! - **No device profile from 2023-05-16** is a warning
//!   (`device_profile_unknown`), not an error: a CSR cannot prove where its
//!   key lives, and the order's provisioning method is what tells us.
//! - **Key protection.** [`check_key_protection`] applies the hardware-key
//!   rule at signing time to what the token reports (PKCS#11
//!   `CKA_LOCAL`, `CKA_ALWAYS_SENSITIVE`, `CKA_NEVER_EXTRACTABLE`, ...): a key
//!   that was ever extractable, or a software key outside a development
//!   state, does not sign under a certificate issued from 2023-05-16.
//! - **P-521** is allowed only by a device profile that lists it; none does.
//! - **CSR signatures we cannot verify** (P-521, secp256k1, Ed25519, PSS with
//!   a different MGF1 hash) are the error `csr_signature_unverifiable`: with
//!   no verified proof of possession the CSR is not accepted.
//! - **Heap use.** [`key_info_from_spki_der`], [`CertificateRef`],
//!   [`check_key`] and [`check_signing_key`] need no `alloc`; CSR parsing and
//!   verification, PEM, and the owned findings ([`PolicyFinding`]) need it.
//!
//! # Codes
//! Every [`PolicyError`] code is listed in [`PolicyError::CODES`].

mod cert;
#[cfg(feature = "alloc")]
mod csr;
mod error;
mod key;
#[cfg(feature = "alloc")]
mod pem;
mod rules;

pub use cert::CertificateRef;
#[cfg(feature = "alloc")]
pub use cert::certificate_der_from_pem_or_der;
#[cfg(feature = "alloc")]
pub use csr::{
    Csr, PolicyFinding, SignatureAlgorithm, check_certificate, check_csr, check_order_csr, check_spki,
    parse_csr, verify_certificate_signature,
};
pub use error::{HashAlgorithm, InputKind, PolicyError, Severity, Structure};
#[cfg(feature = "alloc")]
pub use key::key_info_from_spki_pem_or_der;
pub use key::{Curve, KeyInfo, RsaExponent, key_info_from_spki_der};
pub use rules::{
    DeviceCapabilities, DeviceProfile, HARDWARE_REQUIRED_FROM, KEY_RULES, KeyRule, MAX_FINDINGS,
    PolicyOutcome, RSA_2048_LEGACY_ISSUED_BEFORE, RSA_3072_FROM, RSA_RECOMMENDED_MIN_EXPONENT, RsaSizes,
    SIGNING_KEY_RULES, SigningKeyRule, UnknownDeviceProfile, check_key, check_key_protection, check_signing,
    check_signing_key, key_rule_at, key_rule_at_time, profile_for_provisioning_method,
    signing_key_rule_at_time,
};
