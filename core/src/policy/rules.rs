//! The rules, as data: a table of effective dates and a table of device
//! profiles, and the checks that read them.

use core::fmt;
use core::str::FromStr;

use super::error::PolicyError;
use super::key::{Curve, KeyInfo, RsaExponent};
use crate::time::{Date, UnixTime};
use crate::token::KeyProtection;

/// Builds a date in a `const` item. A bad literal fails the build (const
/// evaluation), so this never panics at run time.
#[allow(clippy::panic)]
const fn ymd(year: u16, month: u8, day: u8) -> Date {
    match Date::from_ymd(year, month, day) {
        Ok(d) => d,
        Err(_) => panic!("invalid date literal in the rule table"),
    }
}

/// From this order date the RSA minimum is 3072 bits: "On May 28, 2021,
/// DigiCert [...] Only issues RSA 3072-bit key or larger code signing
/// certificates" (seed 001). Orders, CSRs and keys are checked against it
/// ([`check_key`]); the signing-time rule has its own date,
/// [`RSA_2048_LEGACY_ISSUED_BEFORE`].
pub const RSA_3072_FROM: Date = ymd(2021, 5, 28);
/// RSA-2048 certificates issued before this date stay usable for signing until
/// they expire: "All existing 2048-bit key code signing certificates issued
/// before June 1, 2021 will remain active" (seed 003). The signing-time rule
/// ([`SIGNING_KEY_RULES`], [`check_signing_key`]) switches on it, by the
/// certificate's `notBefore`; ordering does not.
pub const RSA_2048_LEGACY_ISSUED_BEFORE: Date = ymd(2021, 6, 1);
/// From this order date code-signing keys must be generated and stored on
/// hardware certified FIPS 140 Level 2 / Common Criteria EAL 4+: "Starting
/// May 16, 2023, DigiCert requires private keys for Code Signing
/// (code_signing) certificates to be stored on hardware certified as FIPS 140
/// Level 2, Common Criteria EAL 4+, or equivalent" (seed 001). The CA's date,
/// as for [`RSA_3072_FROM`]; the CA/B Forum CSBR date is 2023-06-01.
pub const HARDWARE_REQUIRED_FROM: Date = ymd(2023, 5, 16);
/// RSA exponents below this draw [`PolicyError::ExponentSmall`] (CSBR 6.1.6 "SHOULD").
pub const RSA_RECOMMENDED_MIN_EXPONENT: u64 = 65_537;

/// The key rules in force from one date until the next row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRule {
    /// First day (UTC) the row applies.
    pub effective_from: Date,
    /// Smallest RSA modulus accepted.
    pub min_rsa_bits: u32,
    /// Curves accepted when no device profile narrows (or widens) the choice.
    pub curves: &'static [Curve],
    /// Whether the key must live on certified hardware.
    pub hardware_required: bool,
}

/// The rule table, oldest first. Every date-dependent key rule is a row here.
pub const KEY_RULES: [KeyRule; 3] = [
    KeyRule {
        effective_from: Date::MIN_SUPPORTED,
        min_rsa_bits: 2048,
        curves: &[Curve::P256, Curve::P384],
        hardware_required: false,
    },
    KeyRule {
        effective_from: RSA_3072_FROM,
        min_rsa_bits: 3072,
        curves: &[Curve::P256, Curve::P384],
        hardware_required: false,
    },
    KeyRule {
        effective_from: HARDWARE_REQUIRED_FROM,
        min_rsa_bits: 3072,
        curves: &[Curve::P256, Curve::P384],
        hardware_required: true,
    },
];

/// The row in force on `at`.
pub fn key_rule_at(at: Date) -> &'static KeyRule {
    let mut rule = &KEY_RULES[0];
    for row in &KEY_RULES {
        if row.effective_from <= at {
            rule = row;
        }
    }
    rule
}

/// The row in force at the instant `at` (rows start at midnight UTC). These
/// are the ordering rules; the signing path uses [`signing_key_rule_at_time`].
pub fn key_rule_at_time(at: UnixTime) -> &'static KeyRule {
    let mut rule = &KEY_RULES[0];
    for row in &KEY_RULES {
        if row.effective_from.start() <= at {
            rule = row;
        }
    }
    rule
}

/// The signing-time key rule for certificates issued from one date until the
/// next row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningKeyRule {
    /// First issuance day (UTC, compared with the certificate's `notBefore`).
    pub issued_from: Date,
    /// Smallest RSA modulus a certificate issued then may sign with.
    pub min_rsa_bits: u32,
    /// Curves accepted.
    pub curves: &'static [Curve],
}

/// The signing-time table, oldest first, by certificate issuance date. It is
/// separate from [`KEY_RULES`] because the two rules change on different
/// days: the CA stopped issuing RSA-2048 on [`RSA_3072_FROM`] (2021-05-28),
/// while RSA-2048 certificates issued before [`RSA_2048_LEGACY_ISSUED_BEFORE`]
/// (2021-06-01) stay usable until they expire.
pub const SIGNING_KEY_RULES: [SigningKeyRule; 2] = [
    SigningKeyRule {
        issued_from: Date::MIN_SUPPORTED,
        min_rsa_bits: 2048,
        curves: &[Curve::P256, Curve::P384],
    },
    SigningKeyRule {
        issued_from: RSA_2048_LEGACY_ISSUED_BEFORE,
        min_rsa_bits: 3072,
        curves: &[Curve::P256, Curve::P384],
    },
];

/// The [`SIGNING_KEY_RULES`] row for a certificate issued at the instant
/// `issued` (rows start at midnight UTC).
pub fn signing_key_rule_at_time(issued: UnixTime) -> &'static SigningKeyRule {
    let mut rule = &SIGNING_KEY_RULES[0];
    for row in &SIGNING_KEY_RULES {
        if row.issued_from.start() <= issued {
            rule = row;
        }
    }
    rule
}

/// Which RSA sizes a device holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RsaSizes {
    /// No RSA at all.
    None,
    /// Exactly these sizes.
    Exactly(&'static [u32]),
    /// This size or larger.
    AtLeast(u32),
}

impl RsaSizes {
    /// Whether a modulus of `bits` fits.
    pub fn allows(self, bits: u32) -> bool {
        match self {
            RsaSizes::None => false,
            RsaSizes::Exactly(sizes) => sizes.contains(&bits),
            RsaSizes::AtLeast(min) => bits >= min,
        }
    }
}

/// What a device profile can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceCapabilities {
    /// RSA sizes.
    pub rsa: RsaSizes,
    /// Curves.
    pub curves: &'static [Curve],
}

/// A class of key-storage hardware, with the keys it can hold.
///
/// Sources: the older order page (seed 003) for the eTokens and the HSM rule;
/// the current page (seed 001) for KeyLocker being FIPS 140-2 Level 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceProfile {
    /// SafeNet eToken 5110 CC: RSA 4096 and ECC P-256 (seed 003).
    Etoken5110Cc,
    /// SafeNet eToken 5110 FIPS: ECC P-256 and P-384 (seed 003).
    Etoken5110Fips,
    /// Either eToken model (the customer does not say which): the union,
    /// RSA 4096, P-256, P-384. Implied by `ship_token` and `client_app`.
    Etoken5110,
    /// Customer HSM, FIPS 140-2 Level 2+ or CC EAL4+: "ECC P-256 or RSA
    /// 3072-bit key sizes or larger" (seed 003). The project reads "or larger"
    /// as applying to both: RSA 3072 and up, and P-256 or the larger curve the
    /// CA issues under its ECC hierarchy, P-384. P-521 is not included.
    Hsm,
    /// DigiCert KeyLocker (cloud HSM, FIPS 140-2 Level 2, seed 001): RSA 3072
    /// and 4096, P-256, P-384. The seeds do not list KeyLocker's key types;
    /// this is an assumption from DigiCert's KeyLocker documentation, which
    /// lists exactly these four.
    KeyLocker,
}

impl DeviceProfile {
    /// Every profile.
    pub const ALL: [DeviceProfile; 5] = [
        DeviceProfile::Etoken5110Cc,
        DeviceProfile::Etoken5110Fips,
        DeviceProfile::Etoken5110,
        DeviceProfile::Hsm,
        DeviceProfile::KeyLocker,
    ];

    /// The CLI / API name: `etoken-5110-cc`, `etoken-5110-fips`, `etoken-5110`,
    /// `hsm`, `keylocker`.
    pub const fn name(self) -> &'static str {
        match self {
            DeviceProfile::Etoken5110Cc => "etoken-5110-cc",
            DeviceProfile::Etoken5110Fips => "etoken-5110-fips",
            DeviceProfile::Etoken5110 => "etoken-5110",
            DeviceProfile::Hsm => "hsm",
            DeviceProfile::KeyLocker => "keylocker",
        }
    }

    /// The canonical name ([`name`](Self::name)), as the other named types
    /// spell it. Device names have no aliases.
    pub const fn as_str(self) -> &'static str {
        self.name()
    }

    /// A human description, e.g. `eToken 5110 CC`.
    pub const fn description(self) -> &'static str {
        match self {
            DeviceProfile::Etoken5110Cc => "eToken 5110 CC",
            DeviceProfile::Etoken5110Fips => "eToken 5110 FIPS",
            DeviceProfile::Etoken5110 => "eToken 5110 (CC or FIPS)",
            DeviceProfile::Hsm => "HSM (FIPS 140-2 Level 2+ or CC EAL4+)",
            DeviceProfile::KeyLocker => "KeyLocker",
        }
    }

    /// The keys this device holds (the profile table).
    pub const fn capabilities(self) -> DeviceCapabilities {
        match self {
            DeviceProfile::Etoken5110Cc => DeviceCapabilities {
                rsa: RsaSizes::Exactly(&[4096]),
                curves: &[Curve::P256],
            },
            DeviceProfile::Etoken5110Fips => DeviceCapabilities {
                rsa: RsaSizes::None,
                curves: &[Curve::P256, Curve::P384],
            },
            DeviceProfile::Etoken5110 => DeviceCapabilities {
                rsa: RsaSizes::Exactly(&[4096]),
                curves: &[Curve::P256, Curve::P384],
            },
            DeviceProfile::Hsm => DeviceCapabilities {
                rsa: RsaSizes::AtLeast(3072),
                curves: &[Curve::P256, Curve::P384],
            },
            DeviceProfile::KeyLocker => DeviceCapabilities {
                rsa: RsaSizes::Exactly(&[3072, 4096]),
                curves: &[Curve::P256, Curve::P384],
            },
        }
    }
}

impl fmt::Display for DeviceProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name given to [`DeviceProfile::from_str`] is not a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownDeviceProfile;

impl crate::ErrorCode for UnknownDeviceProfile {
    fn code(&self) -> &'static str {
        "unknown_device_profile"
    }
}

impl fmt::Display for UnknownDeviceProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown device profile (expected etoken-5110-cc, etoken-5110-fips, etoken-5110, hsm or keylocker)")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for UnknownDeviceProfile {}

impl FromStr for DeviceProfile {
    type Err = UnknownDeviceProfile;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DeviceProfile::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or(UnknownDeviceProfile)
    }
}

/// The device an order's `cs_provisioning_method` implies:
/// `email` → [`DeviceProfile::Hsm`] (the customer's own HSM),
/// `keylocker` → [`DeviceProfile::KeyLocker`],
/// `ship_token` → [`DeviceProfile::Etoken5110`] (the CA ships a 5110 CC or
/// FIPS; the order does not say which, so the union),
/// `client_app` → [`DeviceProfile::Etoken5110`] ("use existing token": a
/// token the CA shipped earlier, so also an eToken 5110 of either model).
/// Anything else → `None`.
pub fn profile_for_provisioning_method(method: &str) -> Option<DeviceProfile> {
    match method {
        "email" => Some(DeviceProfile::Hsm),
        "keylocker" => Some(DeviceProfile::KeyLocker),
        "ship_token" | "client_app" => Some(DeviceProfile::Etoken5110),
        _ => None,
    }
}

/// Most findings one check can produce (size or exponent or device or
/// warning per key, never all of them); the array is sized with room to spare.
pub const MAX_FINDINGS: usize = 6;

/// The findings of one key check, errors and warnings, without the heap.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicyOutcome {
    findings: heapless::Vec<PolicyError, MAX_FINDINGS>,
}

impl PolicyOutcome {
    /// An outcome with no findings.
    pub const fn new() -> Self {
        PolicyOutcome {
            findings: heapless::Vec::new(),
        }
    }

    /// Adds a finding. The checks never produce more than [`MAX_FINDINGS`];
    /// should that ever change, an overflow keeps an error visible by
    /// replacing the last finding if it was only a warning.
    pub fn push(&mut self, finding: PolicyError) {
        if let Err(finding) = self.findings.push(finding)
            && finding.severity() == super::Severity::Error
            && let Some(last) = self.findings.last_mut()
            && last.severity() != super::Severity::Error
        {
            *last = finding;
        }
    }

    /// All findings, in the order found.
    pub fn findings(&self) -> &[PolicyError] {
        &self.findings
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &PolicyError> {
        self.findings
            .iter()
            .filter(|f| f.severity() == super::Severity::Error)
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &PolicyError> {
        self.findings
            .iter()
            .filter(|f| f.severity() == super::Severity::Warning)
    }

    /// `true` when there is no error (warnings allowed).
    pub fn is_allowed(&self) -> bool {
        self.errors().next().is_none()
    }
}

fn check_exponent(exponent: RsaExponent, out: &mut PolicyOutcome) {
    match exponent {
        RsaExponent::Value(e) if e >= 3 && e % 2 == 1 => {
            if e < RSA_RECOMMENDED_MIN_EXPONENT {
                out.push(PolicyError::ExponentSmall { exponent: e });
            }
        }
        _ => out.push(PolicyError::ExponentInvalid { exponent }),
    }
}

/// Checks a key for an order or CSR on the date `at` (the CA evaluates
/// ordering rules per day).
///
/// - RSA: modulus at least the minimum in force ([`KEY_RULES`]), exponent odd
///   and ≥ 3 (error), ≥ 65537 (else a warning); with a profile, a size the
///   device holds.
/// - ECC: the profile's curves when a profile is given (this is where P-521
///   could be allowed; no current profile does), else the rule's (P-256, P-384).
/// - Other keys: [`PolicyError::UnsupportedKey`].
/// - From [`HARDWARE_REQUIRED_FROM`], no profile draws the warning
///   [`PolicyError::DeviceProfileUnknown`]: the check cannot tell whether the
///   key is on certified hardware, and a CSR cannot prove it either, so this is
///   a warning for a human rather than a refusal.
pub fn check_key(key: &KeyInfo, profile: Option<DeviceProfile>, at: Date) -> PolicyOutcome {
    let mut out = PolicyOutcome::new();
    let rule = key_rule_at(at);
    match *key {
        KeyInfo::Rsa {
            modulus_bits,
            exponent,
        } => {
            if modulus_bits < rule.min_rsa_bits {
                out.push(PolicyError::KeyTooSmall {
                    min_bits: rule.min_rsa_bits,
                    actual_bits: modulus_bits,
                });
            }
            check_exponent(exponent, &mut out);
            if let Some(p) = profile
                && !p.capabilities().rsa.allows(modulus_bits)
            {
                out.push(PolicyError::KeySizeNotSupportedByDevice {
                    modulus_bits,
                    profile: p,
                });
            }
        }
        KeyInfo::Ec { curve } => {
            let allowed = profile.map_or(rule.curves, |p| p.capabilities().curves);
            if !allowed.contains(&curve) {
                out.push(PolicyError::CurveNotAllowed { curve, profile });
            }
        }
        KeyInfo::Unsupported { .. } => {
            if let Some(e) = PolicyError::unsupported(key) {
                out.push(e);
            }
        }
    }
    if profile.is_none() && rule.hardware_required {
        out.push(PolicyError::DeviceProfileUnknown {
            required_from: HARDWARE_REQUIRED_FROM,
        });
    }
    out
}

/// The signing-time rule for the sign path: may this certificate's key sign
/// at `at`? Heap-free.
///
/// The certificate must be within its validity (`notBefore ≤ at ≤ notAfter`,
/// both inclusive as in RFC 5280), and its key must satisfy the rule row in
/// force when it was issued (`notBefore`, [`SIGNING_KEY_RULES`]): an RSA-2048
/// certificate issued before 2021-06-01 stays usable until it expires (seed
/// 003: "You can continue to use these certificates to sign code until they
/// expire"), one issued on or after that date is refused. The exponent must be
/// valid; curves are P-256 and P-384.
///
/// # Errors
/// [`PolicyError::CertificateNotYetValid`], [`PolicyError::CertificateExpired`],
/// [`PolicyError::UnsupportedKey`], [`PolicyError::KeyTooSmall`] (with the
/// minimum of the issuance date), [`PolicyError::ExponentInvalid`],
/// [`PolicyError::CurveNotAllowed`].
pub fn check_signing_key(
    key: &KeyInfo,
    cert_not_before: UnixTime,
    cert_not_after: UnixTime,
    at: UnixTime,
) -> Result<(), PolicyError> {
    if at < cert_not_before {
        return Err(PolicyError::CertificateNotYetValid {
            not_before: cert_not_before,
            at,
        });
    }
    if at > cert_not_after {
        return Err(PolicyError::CertificateExpired {
            not_after: cert_not_after,
            at,
        });
    }
    let issued_under = signing_key_rule_at_time(cert_not_before);
    match *key {
        KeyInfo::Rsa {
            modulus_bits,
            exponent,
        } => {
            if modulus_bits < issued_under.min_rsa_bits {
                return Err(PolicyError::KeyTooSmall {
                    min_bits: issued_under.min_rsa_bits,
                    actual_bits: modulus_bits,
                });
            }
            let mut out = PolicyOutcome::new();
            check_exponent(exponent, &mut out);
            match out.errors().next() {
                Some(e) => Err(*e),
                None => Ok(()),
            }
        }
        KeyInfo::Ec { curve } => {
            if issued_under.curves.contains(&curve) {
                Ok(())
            } else {
                Err(PolicyError::CurveNotAllowed { curve, profile: None })
            }
        }
        KeyInfo::Unsupported {
            algorithm,
            parameters,
        } => Err(PolicyError::UnsupportedKey {
            algorithm,
            parameters,
        }),
    }
}

/// [`check_signing_key`] plus its warnings: a small exponent, and a legacy
/// RSA key that is usable only under the rule of its issuance date.
pub fn check_signing(
    key: &KeyInfo,
    cert_not_before: UnixTime,
    cert_not_after: UnixTime,
    at: UnixTime,
) -> PolicyOutcome {
    let mut out = PolicyOutcome::new();
    if let Err(e) = check_signing_key(key, cert_not_before, cert_not_after, at) {
        out.push(e);
        return out;
    }
    if let KeyInfo::Rsa {
        modulus_bits,
        exponent,
    } = *key
    {
        check_exponent(exponent, &mut out);
        // "Today's minimum" by the signing table, so the warning starts on
        // 2021-06-01 with the legacy rule, not on the ordering date.
        let now = signing_key_rule_at_time(at);
        if modulus_bits < now.min_rsa_bits {
            out.push(PolicyError::LegacyKeySize {
                modulus_bits,
                current_min_bits: now.min_rsa_bits,
                usable_until: cert_not_after,
            });
        }
    }
    out
}

/// The key-protection rule for signing: under the hardware-key rule (the
/// [`KEY_RULES`] row in force at the certificate's `notBefore` requires
/// hardware, i.e. certificates issued from [`HARDWARE_REQUIRED_FROM`]), the key
/// must have been generated on its token and never left it
/// ([`KeyEvidence::generated_on_token_never_left`](crate::token::KeyEvidence::generated_on_token_never_left)).
/// A software key is refused unless `development` is set (a development
/// state, whose self-issued certificates are for trying Signet out); a token
/// that gives no evidence is refused (fail closed). Before the rule, any key
/// passes. Heap-free.
///
/// # Errors
/// [`PolicyError::KeyEverExtractable`], [`PolicyError::KeySoftware`],
/// [`PolicyError::KeyProtectionUnknown`].
pub fn check_key_protection(
    protection: KeyProtection,
    cert_not_before: UnixTime,
    development: bool,
) -> Result<(), PolicyError> {
    if !key_rule_at_time(cert_not_before).hardware_required {
        return Ok(());
    }
    let required_from = HARDWARE_REQUIRED_FROM;
    match protection {
        KeyProtection::Hardware(evidence) if evidence.generated_on_token_never_left() => Ok(()),
        KeyProtection::Hardware(evidence) => Err(PolicyError::KeyEverExtractable {
            evidence,
            required_from,
        }),
        KeyProtection::Software if development => Ok(()),
        KeyProtection::Software => Err(PolicyError::KeySoftware { required_from }),
        _ => Err(PolicyError::KeyProtectionUnknown { required_from }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    fn rsa(bits: u32, e: u64) -> KeyInfo {
        KeyInfo::Rsa {
            modulus_bits: bits,
            exponent: RsaExponent::Value(e),
        }
    }

    fn ec(curve: Curve) -> KeyInfo {
        KeyInfo::Ec { curve }
    }

    fn codes(out: &PolicyOutcome) -> heapless::Vec<&'static str, MAX_FINDINGS> {
        out.findings().iter().map(ErrorCode::code).collect()
    }

    #[test]
    fn rule_table_is_ordered_and_switches_on_the_boundaries() {
        assert!(
            KEY_RULES
                .windows(2)
                .all(|w| w[0].effective_from < w[1].effective_from)
        );
        assert_eq!(key_rule_at(d("2021-05-27")).min_rsa_bits, 2048);
        assert_eq!(key_rule_at(d("2021-05-28")).min_rsa_bits, 3072);
        assert_eq!(key_rule_at(d("2021-05-31")).min_rsa_bits, 3072);
        assert!(!key_rule_at(d("2023-05-15")).hardware_required);
        assert!(key_rule_at(d("2023-05-16")).hardware_required);
        assert_eq!(HARDWARE_REQUIRED_FROM, d("2023-05-16"));
        assert_eq!(key_rule_at(Date::MIN_SUPPORTED).min_rsa_bits, 2048);
        let switch = d("2021-05-28").start();
        assert_eq!(key_rule_at_time(UnixTime(switch.0 - 1)).min_rsa_bits, 2048);
        assert_eq!(key_rule_at_time(switch).min_rsa_bits, 3072);
        assert_eq!(key_rule_at_time(UnixTime(i64::MIN)).min_rsa_bits, 2048);
        assert!(key_rule_at_time(UnixTime(i64::MAX)).hardware_required);
    }

    #[test]
    fn signing_table_keeps_the_2021_06_01_issuance_date() {
        assert!(
            SIGNING_KEY_RULES
                .windows(2)
                .all(|w| w[0].issued_from < w[1].issued_from)
        );
        assert_eq!(RSA_2048_LEGACY_ISSUED_BEFORE, d("2021-06-01"));
        assert!(RSA_3072_FROM < RSA_2048_LEGACY_ISSUED_BEFORE);
        let switch = d("2021-06-01").start();
        assert_eq!(
            signing_key_rule_at_time(UnixTime(switch.0 - 1)).min_rsa_bits,
            2048
        );
        assert_eq!(signing_key_rule_at_time(switch).min_rsa_bits, 3072);
        // Between the two dates the order rule and the signing rule differ.
        let between = d("2021-05-28").start();
        assert_eq!(key_rule_at_time(between).min_rsa_bits, 3072);
        assert_eq!(signing_key_rule_at_time(between).min_rsa_bits, 2048);
        assert_eq!(signing_key_rule_at_time(UnixTime(i64::MIN)).min_rsa_bits, 2048);
        assert_eq!(signing_key_rule_at_time(UnixTime(i64::MAX)).min_rsa_bits, 3072);
    }

    #[test]
    fn rsa_minimum_by_order_date() {
        let before = d("2021-05-27");
        let after = d("2021-05-28");
        assert!(codes(&check_key(&rsa(2048, 65_537), None, before)).is_empty());
        assert_eq!(
            check_key(&rsa(2048, 65_537), None, after).findings(),
            &[PolicyError::KeyTooSmall {
                min_bits: 3072,
                actual_bits: 2048
            }]
        );
        assert_eq!(
            check_key(&rsa(2047, 65_537), None, before).findings(),
            &[PolicyError::KeyTooSmall {
                min_bits: 2048,
                actual_bits: 2047
            }]
        );
        assert_eq!(
            codes(&check_key(&rsa(3071, 65_537), None, after)),
            ["key_too_small"]
        );
        assert!(check_key(&rsa(3072, 65_537), None, after).is_allowed());
        assert!(check_key(&rsa(8192, 65_537), None, after).findings().is_empty());
        // The signing-time date (2021-06-01) does not move the order rule.
        assert_eq!(
            codes(&check_key(&rsa(2048, 65_537), None, d("2021-05-31"))),
            ["key_too_small"]
        );
    }

    #[test]
    fn rsa_exponent_rules() {
        let at = d("2022-01-01");
        for (e, want) in [
            (65_537, None),
            (3, Some("exponent_small")),
            (65_535, Some("exponent_small")),
            (u64::MAX, None),
            (1, Some("exponent_invalid")),
            (0, Some("exponent_invalid")),
            (2, Some("exponent_invalid")),
            (65_536, Some("exponent_invalid")),
        ] {
            let out = check_key(&rsa(3072, e), None, at);
            assert_eq!(codes(&out).first().copied(), want, "e={e}");
            assert_eq!(out.is_allowed(), want != Some("exponent_invalid"), "e={e}");
        }
        let huge = KeyInfo::Rsa {
            modulus_bits: 3072,
            exponent: RsaExponent::TooLarge,
        };
        assert_eq!(codes(&check_key(&huge, None, at)), ["exponent_invalid"]);
        let small = check_key(&rsa(3072, 3), None, at);
        assert_eq!(small.warnings().count(), 1);
        assert_eq!(small.errors().count(), 0);
        assert_eq!(small.findings()[0].severity(), crate::policy::Severity::Warning);
    }

    #[test]
    fn curves_without_a_profile() {
        let at = d("2022-01-01");
        assert!(check_key(&ec(Curve::P256), None, at).findings().is_empty());
        assert!(check_key(&ec(Curve::P384), None, at).findings().is_empty());
        assert_eq!(
            check_key(&ec(Curve::P521), None, at).findings(),
            &[PolicyError::CurveNotAllowed {
                curve: Curve::P521,
                profile: None
            }]
        );
    }

    #[test]
    fn device_profile_matrix() {
        use DeviceProfile::*;
        let at = d("2025-06-01");
        // (profile, rsa-3072, rsa-4096, rsa-8192, P-256, P-384, P-521)
        let table = [
            (Etoken5110Cc, [false, true, false, true, false, false]),
            (Etoken5110Fips, [false, false, false, true, true, false]),
            (Etoken5110, [false, true, false, true, true, false]),
            (Hsm, [true, true, true, true, true, false]),
            (KeyLocker, [true, true, false, true, true, false]),
        ];
        for (profile, allowed) in table {
            let keys = [
                rsa(3072, 65_537),
                rsa(4096, 65_537),
                rsa(8192, 65_537),
                ec(Curve::P256),
                ec(Curve::P384),
                ec(Curve::P521),
            ];
            for (key, ok) in keys.iter().zip(allowed) {
                let out = check_key(key, Some(profile), at);
                assert_eq!(out.is_allowed(), ok, "{profile} {key}");
                if !ok {
                    let want = match key {
                        KeyInfo::Rsa { modulus_bits, .. } => PolicyError::KeySizeNotSupportedByDevice {
                            modulus_bits: *modulus_bits,
                            profile,
                        },
                        KeyInfo::Ec { curve } => PolicyError::CurveNotAllowed {
                            curve: *curve,
                            profile: Some(profile),
                        },
                        KeyInfo::Unsupported { .. } => unreachable!(),
                    };
                    assert_eq!(out.findings(), &[want], "{profile} {key}");
                }
            }
        }
        // A device that holds RSA-2048 is still below the 3072 minimum.
        assert_eq!(
            codes(&check_key(&rsa(2048, 65_537), Some(Hsm), at)),
            ["key_too_small", "key_size_not_supported_by_device"]
        );
    }

    #[test]
    fn hardware_requirement_boundary() {
        let key = ec(Curve::P256);
        assert!(check_key(&key, None, d("2023-05-15")).findings().is_empty());
        let out = check_key(&key, None, d("2023-05-16"));
        assert_eq!(
            out.findings(),
            &[PolicyError::DeviceProfileUnknown {
                required_from: HARDWARE_REQUIRED_FROM
            }]
        );
        assert!(out.is_allowed(), "a warning, not a refusal");
        assert!(
            check_key(&key, Some(DeviceProfile::Hsm), d("2023-05-16"))
                .findings()
                .is_empty()
        );
    }

    #[test]
    fn unsupported_keys_are_refused_with_their_oid() {
        let key = KeyInfo::Unsupported {
            algorithm: crate::policy::key::OID_ED25519,
            parameters: None,
        };
        let out = check_key(&key, Some(DeviceProfile::Hsm), d("2025-01-01"));
        assert_eq!(
            out.findings(),
            &[PolicyError::UnsupportedKey {
                algorithm: crate::policy::key::OID_ED25519,
                parameters: None
            }]
        );
    }

    #[test]
    fn profile_names_and_provisioning_methods() {
        for p in DeviceProfile::ALL {
            assert_eq!(p.name().parse::<DeviceProfile>(), Ok(p));
        }
        assert_eq!("HSM".parse::<DeviceProfile>(), Err(UnknownDeviceProfile));
        assert_eq!("".parse::<DeviceProfile>(), Err(UnknownDeviceProfile));
        assert_eq!(profile_for_provisioning_method("email"), Some(DeviceProfile::Hsm));
        assert_eq!(
            profile_for_provisioning_method("keylocker"),
            Some(DeviceProfile::KeyLocker)
        );
        assert_eq!(
            profile_for_provisioning_method("ship_token"),
            Some(DeviceProfile::Etoken5110)
        );
        assert_eq!(
            profile_for_provisioning_method("client_app"),
            Some(DeviceProfile::Etoken5110)
        );
        assert_eq!(profile_for_provisioning_method("Email"), None);
        assert_eq!(profile_for_provisioning_method("other"), None);
    }

    #[test]
    fn signing_time_rule() {
        let t = |s: &str| d(s).start();
        let key2048 = rsa(2048, 65_537);
        // Issued the last second before the switch: legacy, usable until expiry.
        let nb = UnixTime(t("2021-06-01").0 - 1);
        let na = t("2023-06-01");
        assert_eq!(check_signing_key(&key2048, nb, na, t("2022-01-01")), Ok(()));
        assert_eq!(
            check_signing_key(&key2048, nb, na, na),
            Ok(()),
            "notAfter is inclusive"
        );
        assert_eq!(
            check_signing_key(&key2048, nb, na, UnixTime(na.0 + 1)),
            Err(PolicyError::CertificateExpired {
                not_after: na,
                at: UnixTime(na.0 + 1)
            })
        );
        assert_eq!(
            check_signing_key(&key2048, nb, na, UnixTime(nb.0 - 1)),
            Err(PolicyError::CertificateNotYetValid {
                not_before: nb,
                at: UnixTime(nb.0 - 1)
            })
        );
        assert_eq!(
            check_signing_key(&key2048, nb, na, nb),
            Ok(()),
            "notBefore is inclusive"
        );
        // Issued on 2021-05-28..31, after the CA's order date but before the
        // legacy cut-off: still a legacy certificate that signs.
        let nb = t("2021-05-28");
        assert_eq!(check_signing_key(&key2048, nb, na, t("2022-01-01")), Ok(()));
        let nb = t("2021-05-30");
        assert_eq!(check_signing_key(&key2048, nb, na, t("2021-05-31")), Ok(()));
        // Issued at the switch: the 3072 minimum applies for its whole life.
        let nb = t("2021-06-01");
        assert_eq!(
            check_signing_key(&key2048, nb, na, t("2022-01-01")),
            Err(PolicyError::KeyTooSmall {
                min_bits: 3072,
                actual_bits: 2048
            })
        );
        // Below even the old minimum.
        assert_eq!(
            check_signing_key(&rsa(1024, 65_537), t("2020-01-01"), na, t("2021-01-01")),
            Err(PolicyError::KeyTooSmall {
                min_bits: 2048,
                actual_bits: 1024
            })
        );
        assert_eq!(
            check_signing_key(&rsa(3072, 4), t("2024-01-01"), t("2026-01-01"), t("2025-01-01")),
            Err(PolicyError::ExponentInvalid {
                exponent: RsaExponent::Value(4)
            })
        );
        let (nb, na, at) = (t("2024-01-01"), t("2026-01-01"), t("2025-01-01"));
        assert_eq!(check_signing_key(&ec(Curve::P384), nb, na, at), Ok(()));
        assert_eq!(
            check_signing_key(&ec(Curve::P521), nb, na, at),
            Err(PolicyError::CurveNotAllowed {
                curve: Curve::P521,
                profile: None
            })
        );
        assert_eq!(
            check_signing_key(&rsa(3072, 3), nb, na, at),
            Ok(()),
            "warning only"
        );
    }

    #[test]
    fn signing_warnings() {
        let t = |s: &str| d(s).start();
        let (nb, na) = (t("2021-01-15"), t("2023-01-15"));
        let key = rsa(2048, 3);
        // No legacy warning before 2021-06-01, also after the 2021-05-28 order date.
        assert_eq!(
            codes(&check_signing(&key, nb, na, t("2021-05-28"))),
            ["exponent_small"]
        );
        assert_eq!(
            codes(&check_signing(&key, nb, na, t("2021-05-31"))),
            ["exponent_small"]
        );
        assert_eq!(
            check_signing(&key, nb, na, t("2021-06-01")).findings(),
            &[
                PolicyError::ExponentSmall { exponent: 3 },
                PolicyError::LegacyKeySize {
                    modulus_bits: 2048,
                    current_min_bits: 3072,
                    usable_until: na
                }
            ]
        );
        assert_eq!(
            codes(&check_signing(&key, nb, na, t("2023-01-16"))),
            ["certificate_expired"]
        );
    }

    #[test]
    fn outcome_keeps_an_error_when_full() {
        let mut out = PolicyOutcome::new();
        for _ in 0..MAX_FINDINGS {
            out.push(PolicyError::ExponentSmall { exponent: 3 });
        }
        assert!(out.is_allowed());
        out.push(PolicyError::CsrSha1);
        assert!(!out.is_allowed());
        assert_eq!(out.findings().len(), MAX_FINDINGS);
    }

    #[test]
    fn codes_are_unique_and_complete() {
        for (i, a) in PolicyError::CODES.iter().enumerate() {
            assert!(PolicyError::CODES[i + 1..].iter().all(|b| a != b), "{a} twice");
            assert!(
                a.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{a}"
            );
        }
        let samples = [
            PolicyError::CsrSha1,
            PolicyError::CsrSignatureInvalid,
            PolicyError::KeyTooSmall {
                min_bits: 1,
                actual_bits: 0,
            },
            PolicyError::LegacyKeySize {
                modulus_bits: 1,
                current_min_bits: 2,
                usable_until: UnixTime(0),
            },
            PolicyError::NotACsr {
                found: crate::policy::InputKind::NotDer,
            },
        ];
        for e in samples {
            assert!(PolicyError::CODES.contains(&e.code()), "{}", e.code());
        }
    }

    #[test]
    fn key_protection_under_the_hardware_rule() {
        use crate::token::KeyEvidence;
        let on_token = KeyEvidence {
            sensitive: true,
            extractable: false,
            always_sensitive: true,
            never_extractable: true,
            local: true,
            sign: true,
        };
        let before = d("2023-05-15").start();
        let from = d("2023-05-16").start();
        let check = |p, at, dev| check_key_protection(p, at, dev).map_err(|e| e.code());
        assert_eq!(check(KeyProtection::Hardware(on_token), from, false), Ok(()));
        let imported = KeyEvidence {
            local: false,
            always_sensitive: false,
            never_extractable: false,
            ..on_token
        };
        let extractable = KeyEvidence {
            extractable: true,
            never_extractable: false,
            ..on_token
        };
        let once_readable = KeyEvidence {
            always_sensitive: false,
            ..on_token
        };
        for bad in [imported, extractable, once_readable] {
            assert_eq!(
                check(KeyProtection::Hardware(bad), from, false),
                Err("key_ever_extractable")
            );
            // A development state does not excuse a token key that left the token.
            assert_eq!(
                check(KeyProtection::Hardware(bad), from, true),
                Err("key_ever_extractable")
            );
            // Before the rule, anything signs.
            assert_eq!(check(KeyProtection::Hardware(bad), before, false), Ok(()));
        }
        #[cfg(feature = "alloc")]
        {
            let e = check_key_protection(KeyProtection::Hardware(imported), from, false).unwrap_err();
            let text = alloc::format!("{e}");
            assert!(text.contains("imported") && text.contains("2023-05-16"), "{text}");
        }
        assert_eq!(check(KeyProtection::Software, from, false), Err("key_software"));
        assert_eq!(check(KeyProtection::Software, from, true), Ok(()));
        assert_eq!(check(KeyProtection::Software, before, false), Ok(()));
        assert_eq!(
            check(KeyProtection::Unknown, from, true),
            Err("key_protection_unknown")
        );
    }
}
