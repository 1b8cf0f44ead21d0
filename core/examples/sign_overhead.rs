//! Instruction-count comparison of raw token signing and the enforced sign path,
//! for `valgrind --tool=callgrind` (deterministic where wall-clock benchmarks on a
//! shared machine are not). Usage: `sign_overhead raw|enforced|setup N`.
//!
//! ```sh
//! cargo build --release -p signet-core --features soft-token --example sign_overhead
//! for mode in setup raw enforced; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/sign_overhead $mode 200 2>&1 | grep refs
//! done
//! ```
//! Per-signature cost = (refs(mode, N) - refs(setup, N)) / N.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

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

const NB: UnixTime = UnixTime(1_767_225_600); // 2026-01-01
const NOW: UnixTime = UnixTime(1_767_225_600 + 86_400);

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().expect("mode: setup|raw|enforced");
    let n: u64 = args.next().expect("count").parse().expect("count");
    let alg = SignatureAlgorithm::Ecdsa {
        hash: HashAlgorithm::Sha256,
        encoding: EcdsaEncoding::Der,
    };
    let mut token: SoftToken<_, 1> = SoftToken::new(rand_core::UnwrapErr(getrandom::SysRng));
    let attrs = KeyAttributes::new(KeyType::EccP256, KeyUsage::SIGN_HASH, alg).unwrap();
    let key = token.generate(attrs).unwrap();
    let cert_der =
        signet_core::cert::self_signed(&mut token, key, "overhead", NB, UnixTime(NB.0 + 365 * 86_400), 1)
            .unwrap();
    let cert = CertificateRef::from_der(&cert_der).unwrap();
    let alice = UserId::new("alice").unwrap();
    let validity = Validity {
        not_before: cert.not_before(),
        not_after: cert.not_after(),
    };
    let budget = Budget::with_allotment(
        CertFingerprint(cert.fingerprint_sha256()),
        validity,
        alice.clone(),
        u64::MAX,
    )
    .unwrap();
    let digest = alg.hash().digest(b"overhead content");
    let mut out = [0u8; MAX_SIGNATURE_LEN];
    let mut store = MemoryCounterStore::new();
    match mode.as_str() {
        "setup" => {}
        "raw" => {
            for _ in 0..n {
                token.sign_digest(key, alg, digest.as_bytes(), &mut out).unwrap();
            }
        }
        "enforced" => {
            let mut signer =
                Signer::new(cert, &mut token, key, &budget, &mut store).with_options(SignOptions {
                    verify_ecdsa: false,
                    require_grant: false,
                });
            for _ in 0..n {
                signer
                    .sign_digest(&alice, NOW, None, alg, digest.as_bytes(), &mut out)
                    .unwrap();
            }
        }
        other => panic!("unknown mode {other}"),
    }
}
