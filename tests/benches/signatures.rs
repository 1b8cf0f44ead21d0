//! Signatures per second of the software token, per algorithm (compare with
//! `openssl speed -seconds 3 ecdsap256 ecdsap384 rsa3072` on the same machine).
//!
//! Reproduce: `nice -n 10 cargo bench -p signet-tests --bench signatures`
//! (criterion's `thrpt` line is signatures per second).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use signet_core::token::soft::SoftToken;
use signet_core::token::{
    EcdsaEncoding, HashAlgorithm, KeyUsage, MAX_SIGNATURE_LEN, SignatureAlgorithm, Token,
};
use std::hint::black_box;
use std::time::Duration;

type Rng = rand_core::UnwrapErr<getrandom::SysRng>;

fn key(name: &str) -> Vec<u8> {
    let path = format!("{}/../examples/firmware/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(path).expect("test key")
}

fn signatures(c: &mut Criterion) {
    let ecdsa = |hash| SignatureAlgorithm::Ecdsa {
        hash,
        encoding: EcdsaEncoding::Der,
    };
    let cases = [
        (
            "P-256 ECDSA SHA-256",
            "p256.pk8.der",
            ecdsa(HashAlgorithm::Sha256),
            HashAlgorithm::Sha256,
        ),
        (
            "P-384 ECDSA SHA-384",
            "p384.pk8.der",
            ecdsa(HashAlgorithm::Sha384),
            HashAlgorithm::Sha384,
        ),
        (
            "RSA-3072 PKCS#1 v1.5 SHA-256",
            "rsa3072.pk8.der",
            SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
            HashAlgorithm::Sha256,
        ),
    ];
    let mut g = c.benchmark_group("soft token sign_digest");
    g.throughput(Throughput::Elements(1));
    for (name, file, alg, hash) in cases {
        let mut token: SoftToken<Rng, 1> = SoftToken::new(rand_core::UnwrapErr(getrandom::SysRng));
        let handle = token
            .import_pkcs8_der(&key(file), KeyUsage::SIGN_HASH, alg)
            .expect("import");
        let digest = hash.digest(b"release artifact");
        let mut sig = [0u8; MAX_SIGNATURE_LEN];
        g.bench_function(name, |b| {
            b.iter(|| {
                token
                    .sign_digest(handle, alg, black_box(digest.as_bytes()), &mut sig)
                    .expect("sign")
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = signatures
}
criterion_main!(benches);
