//! States whose key is held by a token the caller implements: init, reopen,
//! the enforced path (budget, key protection, production rules) and the
//! refusals for the wrong token. OpenSSL verifies what the caller's key signs.

use std::path::{Path, PathBuf};
use std::process::Command;

use signet_core::time::UnixTime;
use signet_core::token::{
    KeyAttributes, KeyEvidence, KeyHandle, KeyProtection, KeyType, SignatureAlgorithm, Token,
};
use signet_host::key::{self, SoftSigner};
use signet_host::{CallerKey, Clock, InitOptions, OpenOptions, Output, SignOptions, State};

/// A token wrapping the software token that reports the key protection
/// the test chooses: what an integrator's own token says about its key.
struct Claimed {
    inner: SoftSigner,
    protection: KeyProtection,
}

impl Token for Claimed {
    type Error = <SoftSigner as Token>::Error;

    fn key_attributes(&self, handle: KeyHandle) -> Result<KeyAttributes, Self::Error> {
        Ok(self
            .inner
            .key_attributes(handle)?
            .with_protection(self.protection))
    }
    fn public_key(&self, handle: KeyHandle, out: &mut [u8]) -> Result<usize, Self::Error> {
        self.inner.public_key(handle, out)
    }
    fn sign_digest(
        &mut self,
        handle: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Self::Error> {
        self.inner.sign_digest(handle, alg, digest, out)
    }
}

const HARDWARE: KeyProtection = KeyProtection::Hardware(KeyEvidence {
    sensitive: true,
    extractable: false,
    always_sensitive: true,
    never_extractable: true,
    local: true,
    sign: true,
});

fn caller_key(pkcs8: &[u8], protection: KeyProtection) -> CallerKey {
    let (inner, handle) = key::import(pkcs8, KeyType::EccP256.default_algorithm(), "test key").unwrap();
    CallerKey {
        token: Box::new(Claimed { inner, protection }),
        handle,
    }
}

fn dev_options() -> OpenOptions {
    OpenOptions {
        user: Some("alice".into()),
        clock: Clock::Fixed(UnixTime(1_780_000_000)),
        notice: None,
        store: None,
    }
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("signet-host-caller-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn openssl_verifies(file: &Path, p7s: &Path) {
    let out = Command::new("openssl")
        .args([
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-noverify",
            "-out",
            "/dev/null",
        ])
        .arg("-in")
        .arg(p7s)
        .arg("-content")
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_caller_token_signs_through_the_enforced_path() {
    let dir = temp("dev");
    let pkcs8 = key::generate_pkcs8(KeyType::EccP256).unwrap();
    let init = InitOptions {
        budget: 2,
        ..InitOptions::default()
    };
    let key = caller_key(pkcs8.as_bytes(), KeyProtection::Software);
    let state = State::init_with_caller_token(&dir, dev_options(), &init, key, true).unwrap();
    let status = state.status().unwrap();
    assert_eq!(status.token, "caller");
    assert_eq!(status.key.kind, "caller");
    assert_eq!(status.key.protection, "software");

    let file = dir.join("artifact.bin");
    std::fs::write(&file, b"built by CI").unwrap();
    let signed = state
        .sign_file(&file, &Output::Beside, &SignOptions::default())
        .unwrap();
    assert_eq!(signed.remaining, 1);
    openssl_verifies(&file, Path::new(&signed.signature));
    drop(state);

    // The state needs its token, and only the certificate's key will do.
    let err = State::open(&dir, dev_options()).unwrap_err();
    assert_eq!(err.code(), "state_caller_token_required");
    let other = key::generate_pkcs8(KeyType::EccP256).unwrap();
    let err = State::open_with_caller_token(
        &dir,
        dev_options(),
        caller_key(other.as_bytes(), KeyProtection::Software),
    )
    .unwrap_err();
    assert_eq!(err.code(), "sign_key_mismatch");

    // Reopened with its token, it counts on in the same ledger.
    let key = caller_key(pkcs8.as_bytes(), KeyProtection::Software);
    let state = State::open_with_caller_token(&dir, dev_options(), key).unwrap();
    let digest = [9u8; 32];
    let signed = state.sign_digest(&digest, &SignOptions::default()).unwrap();
    assert_eq!(signed.remaining, 0);
    let err = state.sign_digest(&digest, &SignOptions::default()).unwrap_err();
    assert_eq!(err.code(), "sign_budget_exhausted");
    assert_eq!(state.status().unwrap().budget.used, 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_state_with_its_own_key_refuses_a_caller_token() {
    let dir = temp("own");
    State::init(&dir, dev_options(), &InitOptions::default()).unwrap();
    let pkcs8 = key::generate_pkcs8(KeyType::EccP256).unwrap();
    let err = State::open_with_caller_token(
        &dir,
        dev_options(),
        caller_key(pkcs8.as_bytes(), KeyProtection::Software),
    )
    .unwrap_err();
    assert_eq!(err.code(), "state_caller_token_unexpected");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_production_caller_state_needs_hardware_evidence() {
    let pkcs8 = key::generate_pkcs8(KeyType::EccP256).unwrap();
    let init = InitOptions::default();

    // A production state acts as the OS user, on the system clock.
    let dir = temp("prod-user");
    let err = State::init_with_caller_token(
        &dir,
        dev_options(),
        &init,
        caller_key(pkcs8.as_bytes(), HARDWARE),
        false,
    )
    .unwrap_err();
    assert_eq!(err.code(), "state_production_user");

    // A key its token calls software may not sign there.
    let dir = temp("prod-soft");
    let state = State::init_with_caller_token(
        &dir,
        OpenOptions::default(),
        &init,
        caller_key(pkcs8.as_bytes(), KeyProtection::Software),
        false,
    )
    .unwrap();
    assert!(!state.is_development());
    let err = state
        .sign_digest(&[1u8; 32], &SignOptions::default())
        .unwrap_err();
    assert_eq!(err.code(), "key_software");
    assert_eq!(state.status().unwrap().budget.used, 0, "a refusal counts nothing");
    drop(state);

    // Reopened with hardware evidence (an HSM the integrator wraps), it signs.
    let state = State::open_with_caller_token(
        &dir,
        OpenOptions::default(),
        caller_key(pkcs8.as_bytes(), HARDWARE),
    )
    .unwrap();
    assert!(state.status().unwrap().key.signing_allowed);
    state.sign_digest(&[1u8; 32], &SignOptions::default()).unwrap();
    assert_eq!(state.status().unwrap().budget.used, 1);
    std::fs::remove_dir_all(&dir).unwrap();
}
