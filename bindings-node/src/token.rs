//! The software token (tests and development only): keys are generated or
//! imported and never leave it.

use std::sync::{Arc, Mutex};

use napi::Env;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use signet_core::policy::Curve;
use signet_core::token::soft::SoftToken;
use signet_core::token::{
    AlgorithmFamily, ErrorKind, KeyAttributes, KeyHandle, KeyType, KeyUsage, MAX_SPKI_LEN,
    SignatureAlgorithm, Token,
};

use crate::error::{Failure, OrThrow, Res};
use crate::objects::lock;

/// Key slots per token.
pub(crate) const SLOTS: usize = 16;
pub(crate) type Rng = rand_core::UnwrapErr<getrandom::SysRng>;
pub(crate) type Soft = SoftToken<Rng, SLOTS>;

pub(crate) fn algorithm(name: &str) -> Res<SignatureAlgorithm> {
    SignatureAlgorithm::from_name(name).ok_or_else(|| {
        Failure::request(
            "unknown_algorithm",
            format!("unknown signature algorithm {name:?}"),
        )
    })
}

const USAGE: KeyUsage = KeyUsage::SIGN_HASH.union(KeyUsage::VERIFY_HASH);

/// A key's attributes.
#[napi(object)]
pub struct KeyInfo {
    /// `ec` or `rsa`.
    pub key_type: String,
    /// Modulus or field size.
    pub bits: u32,
    /// `P-256` / `P-384` for EC keys.
    pub curve: Option<String>,
    /// The one permitted algorithm (`ecdsa-sha256`, `rsa-pss-sha384`, ...).
    pub algorithm: String,
    /// Always false: private keys never leave the token.
    pub exportable: bool,
}

/// An in-memory software token (16 key slots).
#[napi]
pub struct SoftwareToken {
    pub(crate) inner: Arc<Mutex<Soft>>,
}

#[napi]
impl SoftwareToken {
    /// An empty token drawing randomness from the OS.
    #[napi(constructor, catch_unwind)]
    pub fn new() -> Self {
        SoftwareToken {
            inner: Arc::new(Mutex::new(SoftToken::new(rand_core::UnwrapErr(
                getrandom::SysRng,
            )))),
        }
    }

    /// Generates a key for `algorithm` (EC: `curve`, default `P-256`; RSA:
    /// `rsaBits`, default 3072); returns its handle.
    #[napi(catch_unwind)]
    pub fn generate(
        &self,
        env: Env,
        alg: String,
        curve: Option<String>,
        rsa_bits: Option<u32>,
    ) -> napi::Result<u32> {
        let run = || -> Res<u32> {
            let alg = algorithm(&alg)?;
            let key_type = match alg.family() {
                AlgorithmFamily::Ecdsa => {
                    let name = curve.as_deref().unwrap_or("P-256");
                    match Curve::ALL.into_iter().find(|c| c.name() == name) {
                        Some(Curve::P256) => KeyType::EccP256,
                        Some(Curve::P384) => KeyType::EccP384,
                        _ => {
                            return Err(Failure::request(
                                "unknown_curve",
                                format!("the token makes P-256 and P-384 keys, not {name:?}"),
                            ));
                        }
                    }
                }
                AlgorithmFamily::Rsa => KeyType::Rsa {
                    bits: u16::try_from(rsa_bits.unwrap_or(3072)).unwrap_or(u16::MAX),
                },
                _ => return Err(ErrorKind::NotSupported.into()),
            };
            let attributes = KeyAttributes::new(key_type, USAGE, alg)?;
            Ok(lock(&self.inner).generate(attributes)?.0)
        };
        run().or_throw(&env)
    }

    /// Imports a PKCS#8 private key (PEM `PRIVATE KEY` or DER) for `algorithm`.
    #[napi(catch_unwind)]
    pub fn import_pkcs8(&self, env: Env, key: Buffer, alg: String) -> napi::Result<u32> {
        let run = || -> Res<u32> {
            let alg = algorithm(&alg)?;
            let mut token = lock(&self.inner);
            let handle = match std::str::from_utf8(&key) {
                Ok(pem) if pem.trim_start().starts_with("-----BEGIN") => {
                    token.import_pkcs8_pem(pem, USAGE, alg)?
                }
                _ => token.import_pkcs8_der(&key, USAGE, alg)?,
            };
            Ok(handle.0)
        };
        run().or_throw(&env)
    }

    /// The key's DER `SubjectPublicKeyInfo`.
    #[napi(catch_unwind)]
    pub fn public_key(&self, env: Env, handle: u32) -> napi::Result<Buffer> {
        let run = || -> Res<Buffer> {
            let mut out = [0u8; MAX_SPKI_LEN];
            let n = lock(&self.inner).public_key(KeyHandle(handle), &mut out)?;
            Ok(out.get(..n).unwrap_or_default().to_vec().into())
        };
        run().or_throw(&env)
    }

    /// The key's attributes.
    #[napi(catch_unwind)]
    pub fn key_info(&self, env: Env, handle: u32) -> napi::Result<KeyInfo> {
        let run = || -> Res<KeyInfo> {
            let a = lock(&self.inner).key_attributes(KeyHandle(handle))?;
            let (key_type, curve) = match a.key_type() {
                KeyType::EccP256 => ("ec", Some(Curve::P256.name())),
                KeyType::EccP384 => ("ec", Some(Curve::P384.name())),
                _ => ("rsa", None),
            };
            Ok(KeyInfo {
                key_type: key_type.into(),
                bits: a.key_type().bits().into(),
                curve: curve.map(Into::into),
                algorithm: a.algorithm().name().into(),
                exportable: a.exportable(),
            })
        };
        run().or_throw(&env)
    }

    /// Destroys a key.
    #[napi(catch_unwind)]
    pub fn destroy(&self, env: Env, handle: u32) -> napi::Result<()> {
        let run = || -> Res<()> { Ok(lock(&self.inner).destroy(KeyHandle(handle))?) };
        run().or_throw(&env)
    }
}

impl Default for SoftwareToken {
    fn default() -> Self {
        Self::new()
    }
}
