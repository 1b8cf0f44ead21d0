//! Raw token signing vs the full enforced sign path (`sign::Signer`), per
//! algorithm, with the in-memory counter store.
//!
//! `cargo bench -p signet-core --features soft-token --bench sign -- --warm-up-time 1 --measurement-time 3`

use criterion::{Criterion, criterion_group, criterion_main};
use signet_core::budget::{Budget, CertFingerprint, UserId, Validity};
use signet_core::counter::MemoryCounterStore;
use signet_core::policy::CertificateRef;
use signet_core::sign::{SignOptions, Signer};
use signet_core::time::UnixTime;
use signet_core::token::soft::SoftToken;
use signet_core::token::{
    EcdsaEncoding, HashAlgorithm, KeyAttributes, KeyType, KeyUsage, MAX_SIGNATURE_LEN, SignatureAlgorithm,
    Token,
};

type Rng = rand_core::UnwrapErr<getrandom::SysRng>;
const NB: UnixTime = UnixTime(1_767_225_600);
const NOW: UnixTime = UnixTime(1_772_323_200);

fn bench_alg(c: &mut Criterion, name: &str, key_type: KeyType, alg: SignatureAlgorithm) {
    let mut token: SoftToken<Rng, 1> = SoftToken::new(rand_core::UnwrapErr(getrandom::SysRng));
    let attrs = KeyAttributes::new(key_type, KeyUsage::SIGN_HASH, alg).unwrap();
    let key = token.generate(attrs).unwrap();
    let cert_der =
        signet_core::cert::self_signed(&mut token, key, "bench", NB, UnixTime(NB.0 + 365 * 86_400), 1)
            .unwrap();
    let cert = CertificateRef::from_der(&cert_der).unwrap();
    let alice = UserId::new("alice").unwrap();
    let budget = Budget::with_allotment(
        CertFingerprint(cert.fingerprint_sha256()),
        Validity {
            not_before: cert.not_before(),
            not_after: cert.not_after(),
        },
        alice.clone(),
        u64::MAX,
    )
    .unwrap();
    let digest = alg.hash().digest(b"benchmark content");
    let mut out = [0u8; MAX_SIGNATURE_LEN];
    let mut group = c.benchmark_group(name);
    group.bench_function("raw_token", |b| {
        b.iter(|| token.sign_digest(key, alg, digest.as_bytes(), &mut out).unwrap())
    });
    let configs: &[(&str, bool)] = match alg {
        SignatureAlgorithm::Ecdsa { .. } => &[("enforced_verify_on", true), ("enforced_verify_off", false)],
        _ => &[("enforced_verify_on", true)],
    };
    for &(label, verify_ecdsa) in configs {
        let mut store = MemoryCounterStore::new();
        let mut signer = Signer::new(cert, &mut token, key, &budget, &mut store).with_options(SignOptions {
            verify_ecdsa,
            require_grant: false,
        });
        group.bench_function(label, |b| {
            b.iter(|| {
                signer
                    .sign_digest(&alice, NOW, None, alg, digest.as_bytes(), &mut out)
                    .unwrap()
            })
        });
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench_alg(
        c,
        "p256",
        KeyType::EccP256,
        SignatureAlgorithm::Ecdsa {
            hash: HashAlgorithm::Sha256,
            encoding: EcdsaEncoding::Der,
        },
    );
    bench_alg(
        c,
        "p384",
        KeyType::EccP384,
        SignatureAlgorithm::Ecdsa {
            hash: HashAlgorithm::Sha384,
            encoding: EcdsaEncoding::Der,
        },
    );
    bench_alg(
        c,
        "rsa3072",
        KeyType::Rsa { bits: 3072 },
        SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
    );
}

criterion_group!(sign, benches);
criterion_main!(sign);
