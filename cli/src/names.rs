//! Arguments that name one of core's named types (key types, roles, devices,
//! products): the possible values are core's canonical names, each with
//! core's documented aliases, and parsing is core's `from_str`. The CLI keeps
//! no spelling of its own.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use signet_core::budget::Role;
use signet_core::order::Product;
use signet_core::policy::DeviceProfile;
use signet_core::token::KeyType;

fn values(
    names: impl IntoIterator<Item = String>,
    aliases: impl Fn(&str) -> Vec<&'static str>,
) -> PossibleValuesParser {
    PossibleValuesParser::new(names.into_iter().map(|name| {
        let a = aliases(&name);
        PossibleValue::new(name).aliases(a)
    }))
}

/// `ecc-p256`, `ecc-p384`, `rsa-3072`, `rsa-4096` (aliases `p256`, `p384`,
/// `rsa3072`, `rsa4096`, `P-256`, `P-384`).
pub fn key_type() -> impl TypedValueParser<Value = KeyType> {
    values(KeyType::STANDARD.iter().map(ToString::to_string), |name| {
        KeyType::ALIASES
            .iter()
            .filter(|(_, t)| t.to_string() == name)
            .map(|(a, _)| *a)
            .collect()
    })
    .try_map(|s| s.parse::<KeyType>())
}

/// `administrator`, `manager`, `standard_user`, `limited_user`,
/// `finance_manager` (aliases: the hyphenated forms).
pub fn role() -> impl TypedValueParser<Value = Role> {
    values(Role::ALL.iter().map(|r| r.as_str().to_owned()), |name| {
        Role::ALIASES
            .iter()
            .filter(|(_, r)| r.as_str() == name)
            .map(|(a, _)| *a)
            .collect()
    })
    .try_map(|s| s.parse::<Role>())
}

/// `etoken-5110-cc`, `etoken-5110-fips`, `etoken-5110`, `hsm`, `keylocker`.
pub fn device() -> impl TypedValueParser<Value = DeviceProfile> {
    values(DeviceProfile::ALL.iter().map(|d| d.as_str().to_owned()), |_| {
        Vec::new()
    })
    .try_map(|s| s.parse::<DeviceProfile>())
}

/// `code_signing`, `code_signing_ev`.
pub fn product() -> impl TypedValueParser<Value = Product> {
    values(Product::ALL.iter().map(|p| p.as_str().to_owned()), |_| Vec::new())
        .try_map(|s| s.parse::<Product>())
}
