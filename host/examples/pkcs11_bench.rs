//! Signatures per second over a PKCS#11 module: a raw `cryptoki` loop, core's
//! `Token` (`Pkcs11Token`), the enforced path (`signet_core::sign::Signer`
//! with an in-memory counter, ECDSA verify-before-release off and on), and a
//! whole `State` (file ledger, fsync per signature, verification on).
//!
//! ```sh
//! SOFTHSM2_CONF=... cargo run --release -p signet-host --example pkcs11_bench -- \
//!     MODULE TOKEN PIN KEY_TYPE N [STATE_DIR]
//! ```
//! KEY_TYPE is `ecc-p256`, `ecc-p384`, `rsa-3072` or `rsa-4096`; a key labelled
//! `bench-KEY_TYPE` is generated on the token if it is not there. BENCHMARKS.md
//! has the figures and the script that makes the token.

use std::time::Instant;

use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;
use signet_core::budget::{Budget, CertFingerprint, UserId, Validity};
use signet_core::counter::MemoryCounterStore;
use signet_core::policy::CertificateRef;
use signet_core::sign::{SignOptions, Signer};
use signet_core::time::UnixTime;
use signet_core::token::{KeyType, MAX_SIGNATURE_LEN, SignatureAlgorithm, Token};
use signet_host::pkcs11::{Pkcs11Token, Pkcs11Uri};

fn per_second(label: &str, n: u32, f: impl FnMut()) {
    let mut f = f;
    f(); // warm-up
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{label:<40} {n:>6} signatures  {:>9.1} /s  {:>8.3} ms each",
        f64::from(n) / secs,
        secs * 1000.0 / f64::from(n)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, module, token_label, pin, key_type, n, rest @ ..] = args.as_slice() else {
        eprintln!("usage: pkcs11_bench MODULE TOKEN PIN KEY_TYPE N [STATE_DIR]");
        std::process::exit(2);
    };
    let n: u32 = n.parse().expect("N");
    let key_type: KeyType = key_type.parse().expect("KEY_TYPE");
    let alg = key_type.default_algorithm();
    let object = format!("bench-{key_type}");
    let uri_text = format!(
        "pkcs11:token={token_label};object={object};type=private?module-path={module}&pin-value={pin}"
    );
    let uri = Pkcs11Uri::parse(&uri_text).expect("URI");
    let mut token = Pkcs11Token::open(&uri).expect("open");
    let key = match token.find_key(&uri, None) {
        Ok(k) => k,
        Err(_) => token.generate_key(&uri, key_type, None).expect("generate"),
    };
    let digest = alg.hash().digest(b"benchmark");
    let digest = digest.as_bytes();
    println!("{key_type} ({alg}) on token {token_label:?}");

    // 1. Raw cryptoki: one session, C_SignInit + C_Sign per signature, nothing else.
    {
        let client = cryptoki::context::Pkcs11::new(module).expect("module");
        // Already initialised by Pkcs11Token in this process.
        let _ = client.initialize(cryptoki::context::CInitializeArgs::new(
            cryptoki::context::CInitializeFlags::OS_LOCKING_OK,
        ));
        let slot = client
            .get_slots_with_token()
            .expect("slots")
            .into_iter()
            .find(|s| client.get_token_info(*s).is_ok_and(|i| i.label() == token_label))
            .expect("token");
        let session = client.open_ro_session(slot).expect("session");
        let _ = session.login(UserType::User, Some(&AuthPin::from(pin.as_str())));
        let private = session
            .find_objects(&[
                Attribute::Class(ObjectClass::PRIVATE_KEY),
                Attribute::Label(object.as_bytes().to_vec()),
            ])
            .expect("find")[0];
        let (mechanism, input) = match alg {
            SignatureAlgorithm::Ecdsa { .. } => (Mechanism::Ecdsa, digest.to_vec()),
            _ => {
                // DigestInfo for SHA-256 / SHA-384 (what Pkcs11Token sends too).
                let prefix: &[u8] = if digest.len() == 32 {
                    &[
                        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                        0x01, 0x05, 0x00, 0x04, 0x20,
                    ]
                } else {
                    &[
                        0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                        0x02, 0x05, 0x00, 0x04, 0x30,
                    ]
                };
                (Mechanism::RsaPkcs, [prefix, digest].concat())
            }
        };
        per_second("raw cryptoki (C_Sign)", n, || {
            session.sign(&mechanism, private, &input).expect("sign");
        });
    }

    // 2. Core's Token over PKCS#11 (pooled sessions, DER re-encoding).
    let mut sig = [0u8; MAX_SIGNATURE_LEN];
    per_second("Pkcs11Token::sign_digest", n, || {
        token.sign_digest(key, alg, digest, &mut sig).expect("sign");
    });

    // 3. The enforced path, in-memory counter.
    let now = UnixTime(
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_secs(),
        )
        .expect("time"),
    );
    let cert_der = signet_core::cert::self_signed(&mut token, key, "bench", now, UnixTime(now.0 + 86_400), 1)
        .expect("certificate");
    let cert = CertificateRef::from_der(&cert_der).expect("cert");
    let user = UserId::new("bench").expect("user");
    for verify_ecdsa in [false, true] {
        if !verify_ecdsa && !matches!(alg, SignatureAlgorithm::Ecdsa { .. }) {
            continue;
        }
        let budget = Budget::with_allotment(
            CertFingerprint(cert.fingerprint_sha256()),
            Validity {
                not_before: cert.not_before(),
                not_after: cert.not_after(),
            },
            user.clone(),
            u64::from(n) + 10,
        )
        .expect("budget");
        let mut store = MemoryCounterStore::new();
        let mut signer = Signer::new(cert, &mut token, key, &budget, &mut store).with_options(SignOptions {
            verify_ecdsa,
            require_grant: false,
        });
        let label = if verify_ecdsa {
            "enforced Signer, verify on (memory)"
        } else {
            "enforced Signer, verify off (memory)"
        };
        per_second(label, n, || {
            signer
                .sign_digest(&user, now, None, alg, digest, &mut sig)
                .expect("sign");
        });
    }

    // 4. A whole state: file ledger (fsync per signature), verification on.
    if let [dir, ..] = rest {
        use signet_host::{InitOptions, OpenOptions, State, TokenKey};
        let dir = std::path::Path::new(dir).join(key_type.to_string());
        let _ = std::fs::remove_dir_all(&dir);
        let state = State::init(
            &dir,
            OpenOptions::default(),
            &InitOptions {
                token: Some(TokenKey {
                    uri: uri_text.clone(),
                    generate: false,
                }),
                budget: u64::from(n) + 10,
                ..InitOptions::default()
            },
        )
        .expect("state");
        per_second("State::sign_digest (file ledger, verify on)", n, || {
            state
                .sign_digest(digest, &signet_host::SignOptions::default())
                .expect("sign");
        });
    }
}
