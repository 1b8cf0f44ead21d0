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
//! # or, for a key on a PKCS#11 token (a production state: development = false):
//! # kind = "pkcs11"
//! # uri = "pkcs11:token=t;object=k;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so"
//! # or, for a key held by a token the caller implements (Python, C), which
//! # must be passed in each time the state is opened:
//! # kind = "caller"
//!
//! [store]
//! kind = "file"              # budgets, grants and ledgers under this directory
//! # or, shared by several hosts (see `store::postgres`):
//! # kind = "postgresql"
//! # url = "postgresql://signet@db.example/signet"
//!
//! [timestamp]                # optional: RFC 3161 timestamps on every signed file
//! urls = ["http://timestamp.digicert.com"]   # tried in order; http:// only
//! ```
//! The shared store may also be written as one top-level line above the
//! first table, `store = "postgresql://..."`. A URL here should hold no
//! password (use `PGPASSWORD` or `~/.pgpass`, the libpq way).
//! Unknown keys are refused, so a typo never silently means the default.
//! A PKCS#11 URI here never holds `pin-value` (the PIN comes from
//! `$SIGNET_PKCS11_PIN`, or from a file the URI names with `pin-source`), and
//! a state whose key is on a token is never a development state.

use serde::{Deserialize, Serialize};
use signet_core::token::{KeyType, SignatureAlgorithm};

use crate::error::{Error, Result};
use crate::pkcs11::Pkcs11Uri;

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
    #[serde(default, deserialize_with = "store_setting")]
    pub store: StoreConfig,
    /// RFC 3161 timestamp authorities.
    #[serde(default, skip_serializing_if = "TimestampConfig::is_empty")]
    pub timestamp: TimestampConfig,
}

/// `[timestamp]`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimestampConfig {
    /// TSA URLs (`http://` only), tried in order; empty: no timestamps.
    #[serde(default)]
    pub urls: Vec<String>,
}

impl TimestampConfig {
    fn is_empty(&self) -> bool {
        self.urls.is_empty()
    }
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
    /// `software`: the PKCS#8 key in `signer/key.p8`; `pkcs11`: the key the
    /// URI names.
    pub kind: String,
    /// The RFC 7512 URI of the key (`pkcs11` only), without `pin-value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
}

impl Default for TokenConfig {
    fn default() -> Self {
        TokenConfig {
            kind: "software".into(),
            uri: None,
        }
    }
}

/// `[store]`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// `file`: records and ledgers in the state directory; `postgresql`:
    /// in the database `url` names (or the `PG*` variables, when absent).
    pub kind: String,
    /// The PostgreSQL connection URL or `key=value` string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Signatures a host reserves per round trip to a shared store (default
    /// 1). What it has not used goes back when it closes cleanly; a crash
    /// leaves the block counted as used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
}

impl core::fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The URL may hold a password.
        f.debug_struct("StoreConfig")
            .field("kind", &self.kind)
            .field("url", &self.url.as_ref().map(|_| "<set>"))
            .field("block", &self.block)
            .finish()
    }
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            kind: "file".into(),
            url: None,
            block: None,
        }
    }
}

impl StoreConfig {
    /// The shared store's connection setting, when the store is PostgreSQL
    /// (`""` when only the `PG*` variables name it).
    pub fn postgres(&self) -> Option<String> {
        (self.kind == "postgresql").then(|| self.url.clone().unwrap_or_default())
    }
}

/// `[store]` as a table, or `store = "postgresql://..."`.
fn store_setting<'de, D: serde::Deserializer<'de>>(d: D) -> core::result::Result<StoreConfig, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Setting {
        Url(String),
        Table(StoreConfig),
    }
    Ok(match Setting::deserialize(d)? {
        // A string that is not a URL is kept out of messages (it may hold a password).
        Setting::Url(url) if crate::store::postgres::is_postgres_url(&url) => StoreConfig {
            kind: "postgresql".into(),
            url: Some(url),
            block: None,
        },
        Setting::Url(_) => StoreConfig {
            kind: "a string that is not a postgresql:// URL".into(),
            url: None,
            block: None,
        },
        Setting::Table(table) => table,
    })
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
            timestamp: TimestampConfig::default(),
        }
    }

    /// A production state's configuration for a key on a PKCS#11 token.
    pub fn pkcs11(key_type: KeyType, algorithm: SignatureAlgorithm, uri: &Pkcs11Uri) -> Config {
        Config {
            format: FORMAT,
            development: false,
            signer: SignerConfig {
                key_type: key_type.to_string(),
                algorithm: algorithm.name().to_string(),
            },
            token: TokenConfig {
                kind: "pkcs11".into(),
                uri: Some(uri.without_pin_value().to_string()),
            },
            store: StoreConfig::default(),
            timestamp: TimestampConfig::default(),
        }
    }

    /// A state whose key is held by a token the caller implements; the
    /// caller chooses whether it is a development state.
    pub fn caller(key_type: KeyType, algorithm: SignatureAlgorithm, development: bool) -> Config {
        Config {
            format: FORMAT,
            development,
            signer: SignerConfig {
                key_type: key_type.to_string(),
                algorithm: algorithm.name().to_string(),
            },
            token: TokenConfig {
                kind: "caller".into(),
                uri: None,
            },
            store: StoreConfig::default(),
            timestamp: TimestampConfig::default(),
        }
    }

    /// The PKCS#11 URI of a `pkcs11` state.
    ///
    /// # Errors
    /// `state_config_invalid` when the state has none or it does not parse.
    pub fn pkcs11_uri(&self) -> Result<Pkcs11Uri> {
        let text = self.token.uri.as_deref().ok_or_else(|| {
            Error::failed(
                "state_config_invalid",
                "signet.toml: token kind \"pkcs11\" needs uri = \"pkcs11:...\"",
            )
        })?;
        let uri = Pkcs11Uri::parse(text).map_err(|e| {
            Error::failed(
                "state_config_invalid",
                format!("signet.toml: [token] uri: {}", e.message()),
            )
        })?;
        if uri.has_pin_value() {
            return Err(Error::failed(
                "state_config_invalid",
                "signet.toml: [token] uri holds a PIN (pin-value); a state never stores one",
            )
            .with_hint(
                "remove pin-value and set SIGNET_PKCS11_PIN, or name a PIN file with pin-source=file:/path",
            ));
        }
        Ok(uri)
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
        match config.token.kind.as_str() {
            "software" | "caller" if config.token.uri.is_none() => {}
            "software" | "caller" => {
                return Err(Error::failed(
                    "state_config_invalid",
                    format!("signet.toml: a {} token has no uri", config.token.kind),
                ));
            }
            "pkcs11" => {
                config.pkcs11_uri()?;
                if config.development {
                    return Err(Error::failed(
                        "state_config_invalid",
                        "signet.toml: a state whose key is on a PKCS#11 token is a production state (development = false)",
                    ));
                }
            }
            other => {
                return Err(Error::failed(
                    "state_config_invalid",
                    format!(
                        "signet.toml: token kind {other:?} is not supported (expected \"software\", \"pkcs11\" or \"caller\")"
                    ),
                ));
            }
        }
        match (config.store.kind.as_str(), &config.store.url, config.store.block) {
            ("file", None, None) | ("postgresql", _, None) => {}
            ("postgresql", _, Some(k)) if k >= 1 => {}
            ("postgresql", _, Some(_)) => {
                return Err(Error::failed(
                    "state_config_invalid",
                    "signet.toml: [store] block is at least 1",
                ));
            }
            ("file", _, _) => {
                return Err(Error::failed(
                    "state_config_invalid",
                    "signet.toml: a file store has no url or block (it reserves per batch)",
                ));
            }
            (other, _, _) => {
                return Err(Error::failed(
                    "state_config_invalid",
                    format!(
                        "signet.toml: store {other:?} is not supported (expected \"file\", \"postgresql\" or a postgresql:// URL)"
                    ),
                ));
            }
        }
        crate::timestamp::check_urls(&config.timestamp.urls).map_err(|e| {
            Error::failed(
                "state_config_invalid",
                format!("signet.toml: [timestamp] urls: {}", e.message()),
            )
        })?;
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
        // No [timestamp] table unless it names a TSA.
        assert!(!text.contains("[timestamp]"), "{text}");
        let tsa =
            format!("{text}\n[timestamp]\nurls = [\"http://tsa.example/\", \"http://127.0.0.1:8080\"]\n");
        let parsed = Config::parse(&tsa).unwrap();
        assert_eq!(parsed.timestamp.urls.len(), 2);
        assert_eq!(Config::parse(&parsed.to_toml()).unwrap(), parsed);
        let https = tsa.replace("http://tsa", "https://tsa");
        assert_eq!(Config::parse(&https).unwrap_err().code(), "state_config_invalid");
        let typo = tsa.replace("urls", "url");
        assert_eq!(Config::parse(&typo).unwrap_err().code(), "state_config_invalid");
    }

    #[test]
    fn shared_store_settings() {
        let text = Config::development(KeyType::EccP256).to_toml();
        let line = format!(
            "store = \"postgresql://signet@db/signet\"\n{}",
            text.replace("[store]\nkind = \"file\"\n", "")
        );
        let c = Config::parse(&line).unwrap();
        assert_eq!(
            c.store.postgres().as_deref(),
            Some("postgresql://signet@db/signet")
        );
        assert!(!format!("{c:?}").contains("db/signet"));
        let table = text.replace("kind = \"file\"", "kind = \"postgresql\"\nurl = \"host=/run/pg\"");
        assert_eq!(
            Config::parse(&table).unwrap().store.postgres().as_deref(),
            Some("host=/run/pg")
        );
        let bad = format!(
            "store = \"mysql://u:secret@h\"\n{}",
            text.replace("[store]\nkind = \"file\"\n", "")
        );
        let e = Config::parse(&bad).unwrap_err();
        assert_eq!(e.code(), "state_config_invalid");
        assert!(!e.message().contains("secret"));
        assert_eq!(Config::development(KeyType::EccP256).store.postgres(), None);
    }

    #[test]
    fn pkcs11_states_are_production_and_hold_no_pin() {
        let uri = Pkcs11Uri::parse("pkcs11:token=t;object=k;type=private?module-path=/m.so&pin-value=1234")
            .unwrap();
        let c = Config::pkcs11(KeyType::EccP256, KeyType::EccP256.default_algorithm(), &uri);
        let text = c.to_toml();
        assert!(!text.contains("1234") && !text.contains("pin-value"), "{text}");
        assert!(text.contains("kind = \"pkcs11\""), "{text}");
        assert_eq!(Config::parse(&text).unwrap(), c);
        assert!(!c.development);
        let dev = text.replace("development = false", "development = true");
        assert_eq!(Config::parse(&dev).unwrap_err().code(), "state_config_invalid");
        let with_pin = text.replace("module-path=/m.so", "module-path=/m.so&pin-value=1234");
        let e = Config::parse(&with_pin).unwrap_err();
        assert_eq!(e.code(), "state_config_invalid");
        assert!(!e.message().contains("1234"));
        let no_uri = text.replace("uri = ", "# uri = ");
        assert_eq!(Config::parse(&no_uri).unwrap_err().code(), "state_config_invalid");
        let pin_file = text.replace("module-path=/m.so", "module-path=/m.so&pin-source=file:/run/pin");
        assert!(Config::parse(&pin_file).is_ok());
        let soft = Config::development(KeyType::EccP256)
            .to_toml()
            .replace("kind = \"software\"", "kind = \"software\"\nuri = \"pkcs11:\"");
        assert_eq!(Config::parse(&soft).unwrap_err().code(), "state_config_invalid");
    }
}
