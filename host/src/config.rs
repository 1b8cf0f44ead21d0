//! `signet.toml`: what a state is made of.
//!
//! ```toml
//! format = 1                 # the layout version (see `layout`)
//! development = true         # a development state: software key, --user and --now allowed
//!
//! [signer]
//! key_type = "ecc-p256"      # rsa-3072, rsa-4096, ecc-p256, ecc-p384
//! algorithm = "ecdsa-sha256"
//!
//! [token]
//! kind = "software"          # the key in signer/key.p8
//!
//! [store]
//! kind = "file"              # budgets, grants and ledgers under this directory
//! ```
//! Unknown keys are refused, so a typo never silently means the default.

use serde::{Deserialize, Serialize};
use signet_core::token::{KeyType, SignatureAlgorithm};

use crate::error::{Error, Result};

/// The layout version this build writes and reads.
pub const FORMAT: u32 = 1;

/// The parsed `signet.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Layout version.
    pub format: u32,
    /// A development state (the README's first-use state): the acting user
    /// and the clock may be given explicitly.
    pub development: bool,
    /// The signing key.
    pub signer: SignerConfig,
    /// Where the key lives.
    #[serde(default)]
    pub token: TokenConfig,
    /// Where budgets, grants and ledgers live.
    #[serde(default)]
    pub store: StoreConfig,
}

/// `[signer]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignerConfig {
    /// Core's key type name (`ecc-p256`, `rsa-3072`, ...).
    pub key_type: String,
    /// Core's signature algorithm name.
    pub algorithm: String,
}

/// `[token]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenConfig {
    /// `software`: the PKCS#8 key in `signer/key.p8`.
    pub kind: String,
}

impl Default for TokenConfig {
    fn default() -> Self {
        TokenConfig {
            kind: "software".into(),
        }
    }
}

/// `[store]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// `file`: records and ledgers in the state directory.
    pub kind: String,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig { kind: "file".into() }
    }
}

impl Config {
    /// A development state's configuration for a key type.
    pub fn development(key_type: KeyType) -> Config {
        Config {
            format: FORMAT,
            development: true,
            signer: SignerConfig {
                key_type: key_type.to_string(),
                algorithm: key_type.default_algorithm().name().to_string(),
            },
            token: TokenConfig::default(),
            store: StoreConfig::default(),
        }
    }

    /// Parses and checks `signet.toml`.
    ///
    /// # Errors
    /// `state_config_invalid`, or `state_format_unsupported` for another
    /// layout version.
    pub fn parse(text: &str) -> Result<Config> {
        let config: Config = toml::from_str(text)
            .map_err(|e| Error::failed("state_config_invalid", format!("signet.toml: {}", e.message())))?;
        if config.format != FORMAT {
            return Err(Error::failed(
                "state_format_unsupported",
                format!(
                    "signet.toml has format {}; this Signet reads format {FORMAT}",
                    config.format
                ),
            ));
        }
        config.key_type()?;
        config.algorithm()?;
        if config.token.kind != "software" {
            return Err(Error::failed(
                "state_config_invalid",
                format!(
                    "signet.toml: token kind {:?} is not supported (expected \"software\")",
                    config.token.kind
                ),
            ));
        }
        if config.store.kind != "file" {
            return Err(Error::failed(
                "state_config_invalid",
                format!(
                    "signet.toml: store kind {:?} is not supported (expected \"file\")",
                    config.store.kind
                ),
            ));
        }
        Ok(config)
    }

    /// The configuration as TOML.
    pub fn to_toml(&self) -> String {
        // A plain struct of strings, numbers and booleans always serialises.
        toml::to_string(self).unwrap_or_default()
    }

    /// The signing key's type.
    ///
    /// # Errors
    /// `state_config_invalid`.
    pub fn key_type(&self) -> Result<KeyType> {
        self.signer.key_type.parse().map_err(|_| {
            Error::failed(
                "state_config_invalid",
                format!("signet.toml: unknown key type {:?}", self.signer.key_type),
            )
        })
    }

    /// The signature algorithm.
    ///
    /// # Errors
    /// `state_config_invalid`.
    pub fn algorithm(&self) -> Result<SignatureAlgorithm> {
        SignatureAlgorithm::from_name(&self.signer.algorithm).ok_or_else(|| {
            Error::failed(
                "state_config_invalid",
                format!("signet.toml: unknown algorithm {:?}", self.signer.algorithm),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let c = Config::development(KeyType::EccP256);
        let text = c.to_toml();
        assert_eq!(Config::parse(&text).unwrap(), c);
        assert!(text.contains("key_type = \"ecc-p256\""), "{text}");
        let typo = text.replace("development", "developmnet");
        assert_eq!(Config::parse(&typo).unwrap_err().code(), "state_config_invalid");
        let old = text.replace("format = 1", "format = 0");
        assert_eq!(
            Config::parse(&old).unwrap_err().code(),
            "state_format_unsupported"
        );
        let bad_key = text.replace("ecc-p256", "ecc-p999");
        assert_eq!(
            Config::parse(&bad_key).unwrap_err().code(),
            "state_config_invalid"
        );
        assert_eq!(Config::parse("][").unwrap_err().code(), "state_config_invalid");
    }
}
