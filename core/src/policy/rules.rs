//! The rules, as data: a table of effective dates and a table of device
//! profiles, and the checks that read them.

use core::fmt;
use core::str::FromStr;

use super::error::PolicyError;
use super::key::{Curve, KeyInfo, RsaExponent};
use crate::time::{Date, UnixTime};

/// Builds a date in a `const` item. A bad literal fails the build (const
/// evaluation), so this never panics at run time.
#[allow(clippy::panic)]
const fn ymd(year: u16, month: u8, day: u8) -> Date {
    match Date::from_ymd(year, month, day) {
        Ok(d) => d,
        Err(_) => panic!("invalid date literal in the rule table"),
    }
}

/// From this date the RSA minimum is 3072 bits (CA/B Forum CSBR; the CA
/// switched on 2021-05-28, the industry date is 2021-06-01).
pub const RSA_3072_FROM: Date = ymd(2021, 6, 1);
/// From this date code-signing keys must be generated and stored on hardware
/// certified FIPS 140-2 Level 2 / Common Criteria EAL4+ (CSBR). The CA stopped
/// accepting other requests on 2023-05-16; the project uses the CSBR date.
pub const HARDWARE_REQUIRED_FROM: Date = ymd(2023, 6, 1);
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

/// The row in force at the instant `at` (rows start at midnight UTC).
pub fn key_rule_at_time(at: UnixTime) -> &'static KeyRule {
    let mut rule = &KEY_RULES[0];
    for row in &KEY_RULES {
        if row.effective_from.start() <= at {
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
/// force when it was issued (`notBefore`): an RSA-2048 certificate issued
/// before 2021-06-01 stays usable until it expires (seed 003: "You can continue
/// to use these certificates to sign code until they expire"), one issued on or
/// after that date is refused. The exponent must be valid; curves are P-256
/// and P-384.
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
    let issued_under = key_rule_at_time(cert_not_before);
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
        let now = key_rule_at_time(at);
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
