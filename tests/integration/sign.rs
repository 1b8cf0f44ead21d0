//! The enforced sign primitive (`signet_core::sign`) end to end: every
//! algorithm against the software token, every refusal (each one consumes
//! nothing), budget exhaustion at the limit, the legacy RSA-2048 rule, and
//! signatures and CMS files checked by the OpenSSL CLI.

use std::path::{Path, PathBuf};

use signet_core::ErrorCode;
use signet_core::budget::{Budget, CertFingerprint, UsageLevel, UserId, Validity};
use signet_core::cert::self_signed;
use signet_core::cms;
use signet_core::counter::{CounterError, CounterStore, MemoryCounterStore, Reservation, Usage};
use signet_core::grant::{Grant, GrantError, GrantId, GrantStatus, SavedGrant};
use signet_core::policy::{CertificateRef, PolicyError};
use signet_core::sign::{SignError, SignOptions, Signer};
use signet_core::time::UnixTime;
use signet_core::token::soft::SoftToken;
use signet_core::token::{
    EcdsaEncoding, ErrorKind, HashAlgorithm, KeyAttributes, KeyHandle, KeyType, KeyUsage, MAX_SIGNATURE_LEN,
    SignatureAlgorithm, Token,
};
use signet_core::verify::{ecdsa_fixed_to_der, verify_digest};
use signet_tests::{openssl, openssl_ok, scratch_dir};

use crate::token::{Rng, key_pem, keys, new_token};

const DAY: i64 = 86_400;
const NB: UnixTime = UnixTime(1_767_225_600); // 2026-01-01
const NA: UnixTime = UnixTime(1_767_225_600 + 365 * DAY);
const NOW: UnixTime = UnixTime(1_772_323_200); // 2026-03-01
const CONTENT: &[u8] = b"a build artifact to sign\n";

const P256: SignatureAlgorithm = SignatureAlgorithm::Ecdsa {
    hash: HashAlgorithm::Sha256,
    encoding: EcdsaEncoding::Der,
};

fn user(name: &str) -> UserId {
    UserId::new(name).unwrap()
}

struct Fx {
    token: SoftToken<Rng, 2>,
    key: KeyHandle,
    cert: Vec<u8>,
    alg: SignatureAlgorithm,
}

/// A soft-token key imported from `keys()/<name>.pem` and a self-signed
/// certificate for it, valid `nb..=na`.
fn fixture_at(name: &str, alg: SignatureAlgorithm, nb: UnixTime, na: UnixTime) -> Fx {
    let mut token = new_token::<2>();
    let key = token
        .import_pkcs8_pem(&key_pem(name), KeyUsage::SIGN_HASH, alg)
        .unwrap();
    let cert = self_signed(&mut token, key, "Signet sign test", nb, na, 42).unwrap();
    Fx {
        token,
        key,
        cert,
        alg,
    }
}

fn fixture(name: &str, alg: SignatureAlgorithm) -> Fx {
    fixture_at(name, alg, NB, NA)
}

fn budget_for(cert: &[u8], signer: &str, allotment: u64) -> Budget {
    let c = CertificateRef::from_der(cert).unwrap();
    Budget::with_allotment(
        CertFingerprint(c.fingerprint_sha256()),
        Validity {
            not_before: c.not_before(),
            not_after: c.not_after(),
        },
        user(signer),
        allotment,
    )
    .unwrap()
}

fn grant(grantee: &str, signer: &str, allowed: Option<u32>, used: u32) -> Grant {
    Grant::restore(SavedGrant {
        id: GrantId(9),
        signer: user(signer),
        grantee: user(grantee),
        valid_from: NB,
        valid_until: Some(NA),
        allowed_ops: allowed,
        used,
        revoked: false,
    })
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Signs CONTENT's digest and a CMS file through the enforced path, and has
/// OpenSSL verify both.
fn whole_path(name: &str, alg: SignatureAlgorithm) {
    let mut fx = fixture(name, alg);
    let budget = budget_for(&fx.cert, "alice", 10);
    let cert = CertificateRef::from_der(&fx.cert).unwrap();
    let mut store = MemoryCounterStore::new();
    let mut signer = Signer::new(cert, &mut fx.token, fx.key, &budget, &mut store);
    let digest = alg.hash().digest(CONTENT);
    let mut out = [0u8; MAX_SIGNATURE_LEN];
    let r = signer
        .sign_digest(&user("alice"), NOW, None, alg, digest.as_bytes(), &mut out)
        .unwrap();
    assert_eq!(r.counter_index, 0);
    assert_eq!(r.signatures_remaining, 9);
    assert_eq!(r.cert_fingerprint, cert.fingerprint_sha256());
    assert_eq!(r.level, UsageLevel::Normal);
    let sig = &out[..r.signature_len];
    verify_digest(cert.spki_der(), alg, digest.as_bytes(), sig).unwrap();

    let (p7s, r2) = signer
        .sign_cms(&user("alice"), NOW, None, alg, digest.as_bytes())
        .unwrap();
    assert_eq!((r2.counter_index, r2.signatures_remaining), (1, 8));
    assert_eq!(signer.store().usage().used(), 2);
    let v = cms::verify_detached(&p7s, CONTENT).unwrap();
    assert_eq!(v.certificate_der, fx.cert);
    assert_eq!(
        cms::verify_detached(&p7s, b"tampered").unwrap_err().code(),
        "cms_content_digest_mismatch"
    );

    let dir = scratch_dir("sign-path");
    write(&dir, "content", CONTENT);
    let mut der_sig = [0u8; MAX_SIGNATURE_LEN];
    let sig_for_openssl = match alg {
        SignatureAlgorithm::Ecdsa {
            encoding: EcdsaEncoding::Fixed,
            ..
        } => {
            let n = ecdsa_fixed_to_der(sig, &mut der_sig).unwrap();
            &der_sig[..n]
        }
        _ => sig,
    };
    write(&dir, "sig", sig_for_openssl);
    write(&dir, "cert.der", &fx.cert);
    write(&dir, "x.p7s", &p7s);
    openssl_ok(
        &dir,
        &[
            "x509", "-inform", "DER", "-in", "cert.der", "-pubkey", "-noout", "-out", "pub.pem",
        ],
    );
    let hash = format!("-{}", alg.hash().name());
    let mut args = vec!["dgst", hash.as_str(), "-verify", "pub.pem", "-signature", "sig"];
    if matches!(alg, SignatureAlgorithm::RsaPss(_)) {
        args.extend([
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:digest",
        ]);
    }
    args.push("content");
    assert!(openssl_ok(&dir, &args).contains("Verified OK"));
    let text = openssl_ok(
        &dir,
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "x.p7s",
            "-content",
            "content",
            "-noverify",
            "-out",
            "/dev/null",
        ],
    );
    assert!(text.contains("Verification successful"), "{text}");
    write(&dir, "content", b"tampered");
    let (ok, _) = openssl(
        &dir,
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "x.p7s",
            "-content",
            "content",
            "-noverify",
            "-out",
            "/dev/null",
        ],
    );
    assert!(!ok, "OpenSSL accepted a CMS signature over changed content");
}

#[test]
fn whole_path_p256() {
    whole_path("p256", P256);
}

#[test]
fn whole_path_p384() {
    whole_path(
        "p384",
        SignatureAlgorithm::Ecdsa {
            hash: HashAlgorithm::Sha384,
            encoding: EcdsaEncoding::Der,
        },
    );
}

#[test]
fn whole_path_p256_fixed_encoding() {
    whole_path(
        "p256",
        SignatureAlgorithm::Ecdsa {
            hash: HashAlgorithm::Sha256,
            encoding: EcdsaEncoding::Fixed,
        },
    );
}

#[test]
fn whole_path_rsa3072_pkcs1() {
    whole_path("rsa3072", SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256));
}

#[test]
fn whole_path_rsa3072_pss() {
    whole_path("rsa3072", SignatureAlgorithm::RsaPss(HashAlgorithm::Sha384));
}

#[test]
fn openssl_made_cms_verifies_in_core() {
    let dir = scratch_dir("sign-osslcms");
    for key in ["p256", "rsa3072"] {
        let keyfile = keys().join(format!("{key}.pem"));
        let k = keyfile.to_str().unwrap();
        openssl_ok(
            &dir,
            &[
                "req", "-x509", "-new", "-key", k, "-subj", "/CN=ossl", "-days", "2", "-out", "c.pem",
            ],
        );
        write(&dir, "content", CONTENT);
        openssl_ok(
            &dir,
            &[
                "cms", "-sign", "-binary", "-in", "content", "-signer", "c.pem", "-inkey", k, "-outform",
                "DER", "-out", "o.p7s",
            ],
        );
        let p7s = std::fs::read(dir.join("o.p7s")).unwrap();
        let v = cms::verify_detached(&p7s, CONTENT).unwrap();
        assert_eq!(v.algorithm.hash(), HashAlgorithm::Sha256);
        assert_eq!(
            cms::verify_detached(&p7s, b"other").unwrap_err(),
            cms::CmsError::ContentDigestMismatch
        );
    }
    assert_eq!(
        cms::verify_detached(b"junk", CONTENT).unwrap_err().code(),
        "cms_malformed"
    );
}

/// Runs one refused signature and asserts the error and that nothing (counter,
/// grant) was consumed.
fn refused(
    fx: &mut Fx,
    budget: &Budget,
    who: &str,
    now: UnixTime,
    grant: Option<&mut Grant>,
    options: SignOptions,
    expected: SignError,
) {
    let cert = CertificateRef::from_der(&fx.cert).unwrap();
    let mut store = MemoryCounterStore::new();
    let alg = fx.alg;
    let consumed_before = grant.as_ref().map(|g| g.consumed());
    let mut grant = grant;
    {
        let mut signer = Signer::new(cert, &mut fx.token, fx.key, budget, &mut store).with_options(options);
        let digest = alg.hash().digest(CONTENT);
        let mut out = [0u8; MAX_SIGNATURE_LEN];
        let e = signer
            .sign_digest(
                &user(who),
                now,
                grant.as_deref_mut(),
                alg,
                digest.as_bytes(),
                &mut out,
            )
            .unwrap_err();
        assert_eq!(e.code(), expected.code(), "{e}");
        assert_eq!(e, expected);
        assert!(out.iter().all(|b| *b == 0), "a refused signature was released");
    }
    assert_eq!(store.usage(), Usage::default(), "a refusal consumed a signature");
    assert_eq!(
        grant.map(|g| g.consumed()),
        consumed_before,
        "a refusal consumed a grant op"
    );
}

#[test]
fn refuses_key_mismatch() {
    let mut fx = fixture("p256", P256);
    let other = fixture(
        "p384",
        SignatureAlgorithm::Ecdsa {
            hash: HashAlgorithm::Sha384,
            encoding: EcdsaEncoding::Der,
        },
    );
    fx.cert = other.cert;
    let budget = budget_for(&fx.cert, "alice", 5);
    refused(
        &mut fx,
        &budget,
        "alice",
        NOW,
        None,
        SignOptions::default(),
        SignError::KeyMismatch,
    );
}

#[test]
fn refuses_expired_and_not_yet_valid() {
    let mut fx = fixture("p256", P256);
    let budget = budget_for(&fx.cert, "alice", 5);
    let late = UnixTime(NA.0 + 1);
    refused(
        &mut fx,
        &budget,
        "alice",
        late,
        None,
        SignOptions::default(),
        SignError::CertificateExpired {
            not_after: NA,
            now: late,
        },
    );
    let early = UnixTime(NB.0 - 1);
    refused(
        &mut fx,
        &budget,
        "alice",
        early,
        None,
        SignOptions::default(),
        SignError::CertificateNotYetValid {
            not_before: NB,
            now: early,
        },
    );
}

#[test]
fn refuses_revoked() {
    let mut fx = fixture("p256", P256);
    let mut budget = budget_for(&fx.cert, "alice", 5);
    let fp = *budget.fingerprint();
    budget.revoke(&fp).unwrap();
    refused(
        &mut fx,
        &budget,
        "alice",
        NOW,
        None,
        SignOptions::default(),
        SignError::Revoked,
    );
}

#[test]
fn refuses_a_budget_of_another_certificate() {
    let mut fx = fixture("p256", P256);
    let other = fixture("p256", P256); // same key, new certificate (new fingerprint)
    let budget = budget_for(&other.cert, "alice", 5);
    refused(
        &mut fx,
        &budget,
        "alice",
        NOW,
        None,
        SignOptions::default(),
        SignError::BudgetMismatch,
    );
}

#[test]
fn refuses_not_assigned_signer() {
    let mut fx = fixture("p256", P256);
    let budget = budget_for(&fx.cert, "alice", 5);
    refused(
        &mut fx,
        &budget,
        "mallory",
        NOW,
        None,
        SignOptions::default(),
        SignError::NotAssignedSigner,
    );
}

const NEED_GRANT: SignOptions = SignOptions {
    verify_ecdsa: true,
    require_grant: true,
};

#[test]
fn refuses_without_required_grant() {
    let mut fx = fixture("p256", P256);
    let budget = budget_for(&fx.cert, "alice", 5);
    refused(
        &mut fx,
        &budget,
        "alice",
        NOW,
        None,
        NEED_GRANT,
        SignError::GrantRequired,
    );
}

#[test]
fn refuses_inactive_grant() {
    let mut fx = fixture("p256", P256);
    let budget = budget_for(&fx.cert, "alice", 5);
    let mut g = grant("alice", "alice", Some(3), 0);
    g.revoke();
    refused(
        &mut fx,
        &budget,
        "alice",
        NOW,
        Some(&mut g),
        NEED_GRANT,
        SignError::GrantInactive {
            status: GrantStatus::Revoked,
        },
    );
    let mut g = grant("alice", "alice", Some(3), 0);
    let after = UnixTime(NA.0); // window end is exclusive; certificate still valid
    refused(
        &mut fx,
        &budget,
        "alice",
        after,
        Some(&mut g),
        NEED_GRANT,
        SignError::GrantInactive {
            status: GrantStatus::WindowEnded,
        },
    );
}

#[test]
fn refuses_exhausted_grant() {
    let mut fx = fixture("p256", P256);
    let budget = budget_for(&fx.cert, "alice", 5);
    let mut g = grant("alice", "alice", Some(2), 2);
    refused(
        &mut fx,
        &budget,
        "alice",
        NOW,
        Some(&mut g),
        NEED_GRANT,
        SignError::GrantExhausted { allowed: 2 },
    );
}

#[test]
fn refuses_someone_elses_grant() {
    let mut fx = fixture("p256", P256);
    let budget = budget_for(&fx.cert, "alice", 5);
    let mut g = grant("bob", "alice", Some(2), 0);
    refused(
        &mut fx,
        &budget,
        "alice",
        NOW,
        Some(&mut g),
        NEED_GRANT,
        SignError::GrantMismatch(GrantError::NotGrantee),
    );
}

#[test]
fn refuses_an_algorithm_outside_the_key_attributes() {
    let mut fx = fixture("p256", P256);
    fx.alg = SignatureAlgorithm::Ecdsa {
        hash: HashAlgorithm::Sha384,
        encoding: EcdsaEncoding::Der,
    };
    let budget = budget_for(&fx.cert, "alice", 5);
    refused(
        &mut fx,
        &budget,
        "alice",
        NOW,
        None,
        SignOptions::default(),
        SignError::Token(ErrorKind::NotPermitted),
    );
}

#[test]
fn grant_is_consumed_with_the_signature() {
    let mut fx = fixture("p256", P256);
    let budget = budget_for(&fx.cert, "alice", 5);
    let cert = CertificateRef::from_der(&fx.cert).unwrap();
    let mut store = MemoryCounterStore::new();
    let mut g = grant("alice", "alice", Some(1), 0);
    let mut signer = Signer::new(cert, &mut fx.token, fx.key, &budget, &mut store).with_options(NEED_GRANT);
    let d = HashAlgorithm::Sha256.digest(CONTENT);
    let mut out = [0u8; MAX_SIGNATURE_LEN];
    let r = signer
        .sign_digest(&user("alice"), NOW, Some(&mut g), P256, d.as_bytes(), &mut out)
        .unwrap();
    assert_eq!(r.grant_id, Some(GrantId(9)));
    assert_eq!((g.used(), g.pending()), (1, 0));
    let e = signer
        .sign_digest(&user("alice"), NOW, Some(&mut g), P256, d.as_bytes(), &mut out)
        .unwrap_err();
    assert_eq!(e.code(), "sign_grant_exhausted");
    assert_eq!(signer.store().usage().used(), 1);
}

#[test]
fn budget_of_five_signs_five_then_refuses() {
    let mut fx = fixture("p256", P256);
    let budget = budget_for(&fx.cert, "alice", 5);
    let cert = CertificateRef::from_der(&fx.cert).unwrap();
    let mut store = MemoryCounterStore::new();
    let mut signer = Signer::new(cert, &mut fx.token, fx.key, &budget, &mut store);
    let d = HashAlgorithm::Sha256.digest(CONTENT);
    let mut out = [0u8; MAX_SIGNATURE_LEN];
    let mut levels = Vec::new();
    for i in 0..5u64 {
        let r = signer
            .sign_digest(&user("alice"), NOW, None, P256, d.as_bytes(), &mut out)
            .unwrap();
        assert_eq!((r.counter_index, r.signatures_remaining), (i, 4 - i));
        levels.push(r.level);
    }
    assert_eq!(levels.last(), Some(&UsageLevel::Exhausted));
    assert_eq!(levels[3], UsageLevel::Warn80);
    out.fill(0);
    let e = signer
        .sign_digest(&user("alice"), NOW, None, P256, d.as_bytes(), &mut out)
        .unwrap_err();
    assert_eq!(e, SignError::BudgetExhausted { total: 5, used: 5 });
    assert_eq!(e.code(), "sign_budget_exhausted");
    assert!(out.iter().all(|b| *b == 0));
    assert_eq!(signer.store().usage().used(), 5);
    assert_eq!(signer.store().usage().committed, 5);
}

/// A token whose signatures are corrupted (a fault): the sign path must not
/// release them, and must count them.
struct FaultyToken<T>(T);

impl<T: Token> Token for FaultyToken<T> {
    type Error = T::Error;
    fn key_attributes(&self, h: KeyHandle) -> Result<KeyAttributes, T::Error> {
        self.0.key_attributes(h)
    }
    fn public_key(&self, h: KeyHandle, out: &mut [u8]) -> Result<usize, T::Error> {
        self.0.public_key(h, out)
    }
    fn sign_digest(
        &mut self,
        h: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, T::Error> {
        let n = self.0.sign_digest(h, alg, digest, out)?;
        out[n / 2] ^= 0x01;
        Ok(n)
    }
}

#[test]
fn faulty_signature_is_counted_but_not_released() {
    for (name, alg, verify_ecdsa) in [
        ("p256", P256, true),
        (
            "rsa3072",
            SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
            false,
        ),
    ] {
        let mut fx = fixture(name, alg);
        let budget = budget_for(&fx.cert, "alice", 5);
        let cert = CertificateRef::from_der(&fx.cert).unwrap();
        let mut store = MemoryCounterStore::new();
        let options = SignOptions {
            verify_ecdsa,
            require_grant: false,
        };
        let mut signer =
            Signer::new(cert, FaultyToken(&mut fx.token), fx.key, &budget, &mut store).with_options(options);
        let d = alg.hash().digest(CONTENT);
        let mut out = [0u8; MAX_SIGNATURE_LEN];
        let e = signer
            .sign_digest(&user("alice"), NOW, None, alg, d.as_bytes(), &mut out)
            .unwrap_err();
        // RSA is verified even with verify_ecdsa off.
        assert!(
            matches!(e, SignError::VerifyFailed { counter_index: 0, .. }),
            "{name}: {e:?}"
        );
        assert_eq!(e.code(), "sign_verify_failed");
        assert!(out.iter().all(|b| *b == 0), "a faulty signature was released");
        assert_eq!(store.usage().used(), 1, "a produced signature must be counted");
    }
    // With ECDSA verification off, the fault goes unnoticed: that is what the option costs.
    let mut fx = fixture("p256", P256);
    let budget = budget_for(&fx.cert, "alice", 5);
    let cert = CertificateRef::from_der(&fx.cert).unwrap();
    let off = SignOptions {
        verify_ecdsa: false,
        require_grant: false,
    };
    let mut store = MemoryCounterStore::new();
    let mut signer =
        Signer::new(cert, FaultyToken(&mut fx.token), fx.key, &budget, &mut store).with_options(off);
    let d = HashAlgorithm::Sha256.digest(CONTENT);
    let mut out = [0u8; MAX_SIGNATURE_LEN];
    let r = signer
        .sign_digest(&user("alice"), NOW, None, P256, d.as_bytes(), &mut out)
        .unwrap();
    assert!(verify_digest(cert.spki_der(), P256, d.as_bytes(), &out[..r.signature_len]).is_err());
}

/// A token that refuses to sign after the checks: the reservation is aborted.
struct RefusingToken<T>(T);

impl<T: Token> Token for RefusingToken<T> {
    type Error = ErrorKind;
    fn key_attributes(&self, h: KeyHandle) -> Result<KeyAttributes, ErrorKind> {
        self.0
            .key_attributes(h)
            .map_err(|e| signet_core::token::Error::kind(&e))
    }
    fn public_key(&self, h: KeyHandle, out: &mut [u8]) -> Result<usize, ErrorKind> {
        self.0
            .public_key(h, out)
            .map_err(|e| signet_core::token::Error::kind(&e))
    }
    fn sign_digest(
        &mut self,
        _: KeyHandle,
        _: SignatureAlgorithm,
        _: &[u8],
        _: &mut [u8],
    ) -> Result<usize, ErrorKind> {
        Err(ErrorKind::Hardware)
    }
}

#[test]
fn token_failure_aborts_the_reservation() {
    let mut fx = fixture("p256", P256);
    let budget = budget_for(&fx.cert, "alice", 5);
    let cert = CertificateRef::from_der(&fx.cert).unwrap();
    let mut store = MemoryCounterStore::new();
    let mut g = grant("alice", "alice", Some(3), 0);
    let mut signer = Signer::new(cert, RefusingToken(&mut fx.token), fx.key, &budget, &mut store);
    let d = HashAlgorithm::Sha256.digest(CONTENT);
    let mut out = [0u8; MAX_SIGNATURE_LEN];
    let e = signer
        .sign_digest(&user("alice"), NOW, Some(&mut g), P256, d.as_bytes(), &mut out)
        .unwrap_err();
    assert_eq!(e, SignError::Token(ErrorKind::Hardware));
    assert_eq!(e.code(), "sign_token");
    assert_eq!(store.usage().used(), 0);
    assert_eq!(
        store.usage().released,
        1,
        "the reservation was made and given back"
    );
    assert_eq!(g.consumed(), 0);
}

/// A store whose storage has failed.
struct BrokenStore;

impl CounterStore for BrokenStore {
    fn usage(&self) -> Usage {
        Usage::default()
    }
    fn reserve(&mut self, _: u64) -> Result<Reservation, CounterError> {
        Err(CounterError::Poisoned)
    }
    fn commit(&mut self, _: Reservation) -> Result<u64, CounterError> {
        Err(CounterError::Poisoned)
    }
    fn abort(&mut self, _: Reservation) -> Result<(), CounterError> {
        Err(CounterError::Poisoned)
    }
}

#[test]
fn counter_failure_refuses() {
    let mut fx = fixture("p256", P256);
    let budget = budget_for(&fx.cert, "alice", 5);
    let cert = CertificateRef::from_der(&fx.cert).unwrap();
    let mut g = grant("alice", "alice", Some(3), 0);
    let mut signer = Signer::new(cert, &mut fx.token, fx.key, &budget, BrokenStore);
    let d = HashAlgorithm::Sha256.digest(CONTENT);
    let mut out = [0u8; MAX_SIGNATURE_LEN];
    let e = signer
        .sign_digest(&user("alice"), NOW, Some(&mut g), P256, d.as_bytes(), &mut out)
        .unwrap_err();
    assert_eq!(e, SignError::Counter(CounterError::Poisoned));
    assert_eq!(e.code(), "sign_counter");
    assert!(out.iter().all(|b| *b == 0));
    assert_eq!(g.consumed(), 0);
}

/// An RSA-2048 key held by OpenSSL: the software token only makes 3072/4096
/// keys, so this token signs with `openssl pkeyutl` (PKCS#1 v1.5, SHA-256).
struct OpensslRsa2048 {
    dir: PathBuf,
}

impl OpensslRsa2048 {
    fn new() -> Self {
        let dir = scratch_dir("sign-rsa2048");
        openssl_ok(
            &dir,
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
                "k.pem",
            ],
        );
        openssl_ok(
            &dir,
            &[
                "pkey", "-in", "k.pem", "-pubout", "-outform", "DER", "-out", "pub.der",
            ],
        );
        OpensslRsa2048 { dir }
    }
}

const RSA2048: SignatureAlgorithm = SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256);

impl Token for OpensslRsa2048 {
    type Error = ErrorKind;
    fn key_attributes(&self, _: KeyHandle) -> Result<KeyAttributes, ErrorKind> {
        KeyAttributes::new(KeyType::Rsa { bits: 2048 }, KeyUsage::SIGN_HASH, RSA2048)
    }
    fn public_key(&self, _: KeyHandle, out: &mut [u8]) -> Result<usize, ErrorKind> {
        let der = std::fs::read(self.dir.join("pub.der")).map_err(|_| ErrorKind::Hardware)?;
        out.get_mut(..der.len())
            .ok_or(ErrorKind::BufferTooSmall)?
            .copy_from_slice(&der);
        Ok(der.len())
    }
    fn sign_digest(
        &mut self,
        h: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, ErrorKind> {
        self.key_attributes(h)?.check_sign(alg, digest.len(), out.len())?;
        std::fs::write(self.dir.join("d.bin"), digest).map_err(|_| ErrorKind::Hardware)?;
        let (ok, _) = openssl(
            &self.dir,
            &[
                "pkeyutl",
                "-sign",
                "-inkey",
                "k.pem",
                "-in",
                "d.bin",
                "-pkeyopt",
                "digest:sha256",
                "-out",
                "s.bin",
            ],
        );
        if !ok {
            return Err(ErrorKind::Hardware);
        }
        let sig = std::fs::read(self.dir.join("s.bin")).map_err(|_| ErrorKind::Hardware)?;
        out.get_mut(..sig.len())
            .ok_or(ErrorKind::BufferTooSmall)?
            .copy_from_slice(&sig);
        Ok(sig.len())
    }
}

#[test]
fn legacy_rsa2048_certificate_signs_and_a_new_one_is_refused() {
    let mut token = OpensslRsa2048::new();
    let key = KeyHandle(0);
    // Issued 2021-05-01 (before the 3072-bit rule), valid for 6 years.
    let legacy_nb = UnixTime(1_619_827_200);
    let legacy = self_signed(
        &mut token,
        key,
        "legacy",
        legacy_nb,
        UnixTime(legacy_nb.0 + 6 * 365 * DAY),
        1,
    )
    .unwrap();
    let budget = budget_for(&legacy, "alice", 3);
    let cert = CertificateRef::from_der(&legacy).unwrap();
    let mut store = MemoryCounterStore::new();
    let mut signer = Signer::new(cert, &mut token, key, &budget, &mut store);
    let d = HashAlgorithm::Sha256.digest(CONTENT);
    let mut out = [0u8; MAX_SIGNATURE_LEN];
    let r = signer
        .sign_digest(&user("alice"), NOW, None, RSA2048, d.as_bytes(), &mut out)
        .unwrap();
    assert_eq!(r.signature_len, 256);
    verify_digest(cert.spki_der(), RSA2048, d.as_bytes(), &out[..256]).unwrap();
    assert_eq!(store.usage().used(), 1);

    // Issued 2021-06-01: the 3072-bit minimum applies.
    let new_nb = UnixTime(1_622_505_600);
    let fresh = self_signed(
        &mut token,
        key,
        "new",
        new_nb,
        UnixTime(new_nb.0 + 6 * 365 * DAY),
        2,
    )
    .unwrap();
    let budget = budget_for(&fresh, "alice", 3);
    let cert = CertificateRef::from_der(&fresh).unwrap();
    let mut store = MemoryCounterStore::new();
    let mut signer = Signer::new(cert, &mut token, key, &budget, &mut store);
    let mut out = [0u8; MAX_SIGNATURE_LEN];
    let e = signer
        .sign_digest(&user("alice"), NOW, None, RSA2048, d.as_bytes(), &mut out)
        .unwrap_err();
    assert_eq!(
        e,
        SignError::KeyPolicy(PolicyError::KeyTooSmall {
            min_bits: 3072,
            actual_bits: 2048
        })
    );
    assert_eq!(e.code(), "sign_key_policy");
    assert_eq!(store.usage(), Usage::default());
}
