//! `Pkcs11Token` and PKCS#11 states against a real module: SoftHSM2 with a
//! throwaway token directory made for this test run (`SOFTHSM2_CONF` names a
//! temporary configuration, `softhsm2-util` makes the tokens).
//! `SIGNET_TEST_PKCS11_MODULE` points the tests at another module file that
//! reads the same SoftHSM2 token store (another SoftHSM2 build); the tokens
//! are still made with `softhsm2-util`.
//!
//! A PKCS#11 module reads its configuration once per process, so every token
//! these tests use is made before the module is first loaded, by `fixture()`,
//! which every test calls first.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use signet_core::ErrorCode;
use signet_core::token::{
    EcdsaEncoding, HashAlgorithm, KeyProtection, KeyType, MAX_SIGNATURE_LEN, MAX_SPKI_LEN,
    SignatureAlgorithm, Token,
};
use signet_core::verify::verify_digest;
use signet_host::pkcs11::{Pkcs11Token, Pkcs11Uri};

const PIN: &str = "1234";
const SO_PIN: &str = "5678";
/// One token per test (a token's login is per process, and the PIN tests lock one).
const TOKENS: &[&str] = &["mech", "threads", "imported", "badpin", "locked", "state"];

struct Fixture {
    dir: PathBuf,
    module: PathBuf,
}

fn module() -> PathBuf {
    std::env::var_os("SIGNET_TEST_PKCS11_MODULE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/softhsm/libsofthsm2.so"))
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("signet-host-p11-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("tokens")).unwrap();
        let conf = dir.join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                dir.join("tokens").display()
            ),
        )
        .unwrap();
        // SAFETY: every test calls fixture() first and waits on this OnceLock,
        // so no other thread reads the environment while it is written.
        unsafe { std::env::set_var("SOFTHSM2_CONF", &conf) };
        if std::env::var_os("SIGNET_TEST_PKCS11_MODULE").is_none() {
            for label in TOKENS {
                run(Command::new("softhsm2-util").args([
                    "--init-token",
                    "--free",
                    "--label",
                    label,
                    "--pin",
                    PIN,
                    "--so-pin",
                    SO_PIN,
                ]));
            }
            lock_user_pin(&dir.join("tokens"), "locked");
        }
        Fixture {
            dir,
            module: module(),
        }
    })
}

/// SoftHSM2 counts no wrong PINs (it never locks a PIN by itself), so the
/// token `label` is given the state of a token that did: its stored token
/// flags get `CKF_USER_PIN_LOCKED` (0x40000), which the module then reports
/// in `C_GetTokenInfo`. SoftHSM2's object file stores each attribute as
/// (type u64, kind u64, value); the token flags are the vendor attribute
/// 0x8000534B, an unsigned long (kind 2).
fn lock_user_pin(tokens: &Path, label: &str) {
    let mut padded = label.as_bytes().to_vec();
    padded.resize(32, b' ');
    for entry in std::fs::read_dir(tokens).unwrap() {
        let file = entry.unwrap().path().join("token.object");
        let mut bytes = std::fs::read(&file).unwrap();
        if !bytes.windows(32).any(|w| w == padded.as_slice()) {
            continue;
        }
        let header = [0, 0, 0, 0, 0x80, 0, 0x53, 0x4b, 0, 0, 0, 0, 0, 0, 0, 2];
        let at = bytes.windows(16).position(|w| w == header).unwrap() + 16;
        let flags = u64::from_be_bytes(bytes[at..at + 8].try_into().unwrap()) | 0x40000;
        bytes[at..at + 8].copy_from_slice(&flags.to_be_bytes());
        std::fs::write(&file, bytes).unwrap();
        return;
    }
    panic!("no token {label}");
}

fn uri(token: &str, object: &str, extra: &str) -> Pkcs11Uri {
    let f = fixture();
    Pkcs11Uri::parse(&format!(
        "pkcs11:token={token};object={object};type=private?module-path={}&pin-value={PIN}{extra}",
        f.module.display()
    ))
    .unwrap()
}

fn tool(token: &str, args: &[&str]) -> String {
    let f = fixture();
    let mut c = Command::new("pkcs11-tool");
    c.env("SOFTHSM2_CONF", f.dir.join("softhsm2.conf"))
        .args([
            "--module",
            f.module.to_str().unwrap(),
            "--token-label",
            token,
            "--login",
            "--pin",
            PIN,
        ])
        .args(args);
    run(&mut c)
}

fn openssl(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// OpenSSL, as the independent verifier, checks a signature over `data`.
fn openssl_verifies(spki: &[u8], alg: SignatureAlgorithm, data: &[u8], sig: &[u8], name: &str) {
    let dir = fixture().dir.join(format!("verify-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pub.der"), spki).unwrap();
    std::fs::write(dir.join("data"), data).unwrap();
    std::fs::write(dir.join("sig"), sig).unwrap();
    let digest = format!("-{}", alg.hash().name().replace('-', "").to_lowercase());
    let mut args = vec![
        "dgst",
        digest.as_str(),
        "-keyform",
        "DER",
        "-verify",
        "pub.der",
        "-signature",
        "sig",
    ];
    if matches!(alg, SignatureAlgorithm::RsaPss(_)) {
        args.extend([
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:digest",
        ]);
    }
    args.push("data");
    let out = openssl(&dir, &args);
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Verified OK"),
        "{name}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn generated_keys_sign_with_every_mechanism() {
    use HashAlgorithm::*;
    let cases: &[(&str, KeyType, SignatureAlgorithm)] = &[
        ("p256", KeyType::EccP256, KeyType::EccP256.default_algorithm()),
        (
            "p256fixed",
            KeyType::EccP256,
            SignatureAlgorithm::Ecdsa {
                hash: Sha256,
                encoding: EcdsaEncoding::Fixed,
            },
        ),
        ("p384", KeyType::EccP384, KeyType::EccP384.default_algorithm()),
        (
            "rsa3072",
            KeyType::Rsa { bits: 3072 },
            SignatureAlgorithm::RsaPkcs1v15(Sha256),
        ),
        (
            "rsa3072pss",
            KeyType::Rsa { bits: 3072 },
            SignatureAlgorithm::RsaPss(Sha256),
        ),
        (
            "rsa4096",
            KeyType::Rsa { bits: 4096 },
            SignatureAlgorithm::RsaPkcs1v15(Sha384),
        ),
        (
            "rsa4096pss",
            KeyType::Rsa { bits: 4096 },
            SignatureAlgorithm::RsaPss(Sha512),
        ),
    ];
    for &(name, key_type, alg) in cases {
        let u = uri("mech", name, "");
        let mut token = Pkcs11Token::open(&u).unwrap();
        assert_eq!(token.label(), "mech");
        let key = token.generate_key(&u, key_type, Some(alg)).unwrap();
        let attrs = token.key_attributes(key).unwrap();
        assert_eq!((attrs.key_type(), attrs.algorithm()), (key_type, alg), "{name}");
        let KeyProtection::Hardware(evidence) = attrs.protection() else {
            panic!("{name}: {:?}", attrs.protection())
        };
        assert!(evidence.generated_on_token_never_left(), "{name}: {evidence:?}");
        assert!(evidence.sign);
        let mut spki = [0u8; MAX_SPKI_LEN];
        let n = token.public_key(key, &mut spki).unwrap();
        let spki = &spki[..n];
        let data = format!("signed by {name}");
        let digest = alg.hash().digest(data.as_bytes());
        let mut sig = [0u8; MAX_SIGNATURE_LEN];
        let len = token.sign_digest(key, alg, digest.as_bytes(), &mut sig).unwrap();
        verify_digest(spki, alg, digest.as_bytes(), &sig[..len]).unwrap();
        if !matches!(
            alg,
            SignatureAlgorithm::Ecdsa {
                encoding: EcdsaEncoding::Fixed,
                ..
            }
        ) {
            openssl_verifies(spki, alg, data.as_bytes(), &sig[..len], name);
        }
        // The key's one algorithm and the digest length are enforced before the token is asked.
        let other = SignatureAlgorithm::RsaPss(Sha384);
        assert_eq!(
            token
                .sign_digest(key, other, &[0; 48], &mut sig)
                .unwrap_err()
                .code(),
            "token_not_permitted"
        );
        assert_eq!(
            token.sign_digest(key, alg, &[0; 7], &mut sig).unwrap_err().code(),
            "token_invalid_digest"
        );
        // Found again by its URI (a second open joins the login).
        let again = Pkcs11Token::open(&u).unwrap();
        let k2 = again.find_key(&u, Some(alg)).unwrap();
        let mut spki2 = [0u8; MAX_SPKI_LEN];
        let n2 = again.public_key(k2, &mut spki2).unwrap();
        assert_eq!(&spki2[..n2], spki);
        // Generating the same label twice is refused.
        assert_eq!(
            token.generate_key(&u, key_type, Some(alg)).unwrap_err().code(),
            "pkcs11_key_exists"
        );
    }
    let u = uri("mech", "nope", "");
    let token = Pkcs11Token::open(&u).unwrap();
    assert_eq!(token.find_key(&u, None).unwrap_err().code(), "pkcs11_key_missing");
    let wrong_type = Pkcs11Uri::parse(&format!(
        "pkcs11:token=mech;object=p256;type=cert?module-path={}&pin-value={PIN}",
        fixture().module.display()
    ))
    .unwrap();
    assert_eq!(
        token.find_key(&wrong_type, None).unwrap_err().code(),
        "pkcs11_uri_invalid"
    );
    let no_token = uri("no-such-token", "k", "");
    assert_eq!(
        Pkcs11Token::open(&no_token).unwrap_err().code(),
        "pkcs11_token_missing"
    );
}

#[test]
fn threads_sign_concurrently_through_one_token() {
    let u = uri("threads", "k", "");
    let token = Pkcs11Token::open(&u).unwrap();
    let alg = KeyType::EccP256.default_algorithm();
    let key = token.generate_key(&u, KeyType::EccP256, None).unwrap();
    let mut spki = [0u8; MAX_SPKI_LEN];
    let n = token.public_key(key, &mut spki).unwrap();
    let spki = spki[..n].to_vec();
    std::thread::scope(|s| {
        for t in 0..8u8 {
            let mut token = token.clone();
            let spki = &spki;
            s.spawn(move || {
                for i in 0..25u8 {
                    let digest = alg.hash().digest(&[t, i]);
                    let mut sig = [0u8; MAX_SIGNATURE_LEN];
                    let len = token.sign_digest(key, alg, digest.as_bytes(), &mut sig).unwrap();
                    verify_digest(spki, alg, digest.as_bytes(), &sig[..len]).unwrap();
                }
            });
        }
    });
}

#[test]
fn an_imported_key_reports_that_it_left_the_token() {
    let f = fixture();
    let dir = f.dir.join("imported");
    std::fs::create_dir_all(&dir).unwrap();
    for args in [
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "key.pem",
        ][..],
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-outform", "DER", "-out", "key.der",
        ],
        &[
            "ec", "-in", "key.pem", "-pubout", "-outform", "DER", "-out", "pub.der",
        ],
    ] {
        assert!(openssl(&dir, args).status.success(), "{args:?}");
    }
    let (key, public) = (dir.join("key.der"), dir.join("pub.der"));
    tool(
        "imported",
        &[
            "--write-object",
            key.to_str().unwrap(),
            "--type",
            "privkey",
            "--label",
            "imported",
            "--id",
            "77",
            "--usage-sign",
        ],
    );
    tool(
        "imported",
        &[
            "--write-object",
            public.to_str().unwrap(),
            "--type",
            "pubkey",
            "--label",
            "imported",
            "--id",
            "77",
        ],
    );
    // A private key whose public key the token cannot give is refused with a code.
    tool(
        "imported",
        &[
            "--write-object",
            key.to_str().unwrap(),
            "--type",
            "privkey",
            "--label",
            "lonely",
            "--id",
            "78",
            "--usage-sign",
        ],
    );
    let u = uri("imported", "imported", "");
    let token = Pkcs11Token::open(&u).unwrap();
    let k = token.find_key(&u, None).unwrap();
    let attrs = token.key_attributes(k).unwrap();
    let KeyProtection::Hardware(e) = attrs.protection() else {
        panic!("{:?}", attrs.protection())
    };
    assert!(!e.local && !e.generated_on_token_never_left(), "{e:?}");
    let mut spki = [0u8; MAX_SPKI_LEN];
    let n = token.public_key(k, &mut spki).unwrap();
    assert_eq!(&spki[..n], std::fs::read(&public).unwrap().as_slice());
    let rule = signet_core::policy::check_key_protection(
        attrs.protection(),
        signet_core::time::UnixTime(1_772_323_200),
        false,
    );
    assert_eq!(rule.unwrap_err().code(), "key_ever_extractable");
    let lonely = uri("imported", "lonely", "");
    assert_eq!(
        token.find_key(&lonely, None).unwrap_err().code(),
        "pkcs11_key_missing"
    );
}

#[test]
fn wrong_and_locked_pins_have_their_codes() {
    let f = fixture();
    let with_pin = |token: &str, pin: &str| {
        Pkcs11Uri::parse(&format!(
            "pkcs11:token={token};object=k?module-path={}&pin-value={pin}",
            f.module.display()
        ))
        .unwrap()
    };
    let e = Pkcs11Token::open(&with_pin("badpin", "0000")).unwrap_err();
    assert_eq!(e.code(), "pkcs11_pin_incorrect");
    assert!(!e.message().contains("0000"), "{e}");
    // The right PIN still works afterwards (one wrong try does not lock it).
    let ok = Pkcs11Token::open(&with_pin("badpin", PIN)).unwrap();
    // While this process is logged in, a second open with a wrong PIN is refused too.
    assert_eq!(
        Pkcs11Token::open(&with_pin("badpin", "9999")).unwrap_err().code(),
        "pkcs11_pin_incorrect"
    );
    drop(ok);
    // A token that reports its user PIN locked is not logged into, even with the right PIN.
    for pin in [PIN, "0000"] {
        let e = Pkcs11Token::open(&with_pin("locked", pin)).unwrap_err();
        assert_eq!(e.code(), "pkcs11_pin_locked", "{e}");
    }
    // No PIN at all.
    let no_pin = Pkcs11Uri::parse(&format!(
        "pkcs11:token=badpin;object=k?module-path={}",
        f.module.display()
    ))
    .unwrap();
    if std::env::var_os(signet_host::pkcs11::PIN_ENV).is_none() {
        assert_eq!(
            Pkcs11Token::open(&no_pin).unwrap_err().code(),
            "pkcs11_pin_missing"
        );
    }
    // A PIN file.
    let pin_file = f.dir.join("pin");
    std::fs::write(&pin_file, format!("{PIN}\n")).unwrap();
    let from_file = Pkcs11Uri::parse(&format!(
        "pkcs11:token=badpin;object=k?module-path={}&pin-source=file:{}",
        f.module.display(),
        pin_file.display()
    ))
    .unwrap();
    Pkcs11Token::open(&from_file).unwrap();
}

mod state {
    use super::*;
    use signet_host::{Clock, InitOptions, OpenOptions, SignOptions, State, TokenKey};

    fn pin_file() -> PathBuf {
        let f = fixture();
        let path = f.dir.join("state.pin");
        std::fs::write(&path, PIN).unwrap();
        path
    }

    fn init(name: &str, object: &str, generate: bool, budget: u64) -> (PathBuf, InitOptions) {
        let f = fixture();
        let dir = f.dir.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        let uri = format!(
            "pkcs11:token=state;object={object};type=private?module-path={}&pin-source=file:{}",
            f.module.display(),
            pin_file().display()
        );
        let options = InitOptions {
            key_type: KeyType::EccP256,
            token: Some(TokenKey { uri, generate }),
            budget,
            ..InitOptions::default()
        };
        (dir, options)
    }

    #[test]
    fn a_token_state_is_production_signs_counts_and_makes_csrs() {
        let (dir, options) = init("state-main", "signer", true, 5);
        // Production rules: no fixed clock, no other user.
        let fixed = OpenOptions {
            clock: Clock::Fixed(signet_core::time::UnixTime(1_772_323_200)),
            ..OpenOptions::default()
        };
        assert_eq!(
            State::init(&dir, fixed.clone(), &options).unwrap_err().code(),
            "state_production_clock"
        );
        let mallory = OpenOptions {
            user: Some("mallory-not-the-os-user".into()),
            ..OpenOptions::default()
        };
        assert_eq!(
            State::init(&dir, mallory.clone(), &options).unwrap_err().code(),
            "state_production_user"
        );
        assert!(!dir.join("signet.toml").exists(), "a refused init writes nothing");
        let state = State::init(&dir, OpenOptions::default(), &options).unwrap();
        assert!(!state.is_development());
        assert!(!dir.join("signer/key.p8").exists());
        let toml = std::fs::read_to_string(dir.join("signet.toml")).unwrap();
        assert!(
            toml.contains("kind = \"pkcs11\"") && !toml.contains("pin-value"),
            "{toml}"
        );
        let status = state.status().unwrap();
        assert_eq!(status.token, "pkcs11");
        assert_eq!(status.key.kind, "pkcs11");
        assert_eq!(status.key.token_label.as_deref(), Some("state"));
        assert_eq!(status.key.key_label.as_deref(), Some("signer"));
        assert_eq!(status.key.protection, "hardware");
        let evidence = status.key.evidence.clone().unwrap();
        assert!(evidence.generated_on_token_never_left && !evidence.extractable && evidence.sensitive);
        assert!(status.key.signing_allowed, "{:?}", status.key);
        // Reopened: the production rules hold on open too.
        assert_eq!(
            State::open(&dir, fixed).unwrap_err().code(),
            "state_production_clock"
        );
        assert_eq!(
            State::open(&dir, mallory).unwrap_err().code(),
            "state_production_user"
        );
        drop(state);
        let state = State::open(&dir, OpenOptions::default()).unwrap();
        // Signatures through the token, counted in the budget.
        let alg = state.algorithm();
        let cert = signet_core::policy::CertificateRef::from_der(state.certificate_der()).unwrap();
        let spki = cert.spki_der().to_vec();
        for i in 0..5u8 {
            let digest = alg.hash().digest(&[i]);
            let signed = state
                .sign_digest(digest.as_bytes(), &SignOptions::default())
                .unwrap();
            verify_digest(&spki, alg, digest.as_bytes(), &signed.signature).unwrap();
            assert_eq!(signed.remaining, u64::from(4 - i));
        }
        let digest = alg.hash().digest(b"one too many");
        assert_eq!(
            state
                .sign_digest(digest.as_bytes(), &SignOptions::default())
                .unwrap_err()
                .code(),
            "sign_budget_exhausted"
        );
        // A CSR made by the token key passes the policy for an HSM.
        let csr = state
            .certification_request("CN=Signet Test,O=Example Corp,C=US")
            .unwrap();
        let today = signet_core::time::Date::parse_iso("2026-03-01").unwrap();
        let findings =
            signet_core::policy::check_csr(&csr, Some(signet_core::policy::DeviceProfile::Hsm), today);
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(
            signet_core::policy::parse_csr(&csr).unwrap().spki_der(),
            spki.as_slice()
        );
        assert_eq!(
            state.certification_request("not a name").unwrap_err().code(),
            "cert_invalid_subject"
        );
    }

    #[test]
    fn a_key_deleted_from_the_token_gives_its_code_and_counts_nothing() {
        let (dir, options) = init("state-deleted", "doomed", true, 5);
        let state = State::init(&dir, OpenOptions::default(), &options).unwrap();
        let digest = state.algorithm().hash().digest(b"before");
        state
            .sign_digest(digest.as_bytes(), &SignOptions::default())
            .unwrap();
        tool(
            "state",
            &["--delete-object", "--type", "privkey", "--label", "doomed"],
        );
        let digest = state.algorithm().hash().digest(b"after");
        let e = state
            .sign_digest(digest.as_bytes(), &SignOptions::default())
            .unwrap_err();
        assert_eq!(e.code(), "pkcs11_key_missing", "{e}");
        assert!(e.message().contains("nothing was signed or counted"), "{e}");
        assert_eq!(state.status().unwrap().budget.used, 1);
    }

    #[test]
    fn threads_sign_through_one_token_state() {
        let (dir, options) = init("state-threads", "threads", true, 200);
        let state = State::init(&dir, OpenOptions::default(), &options).unwrap();
        let alg = state.algorithm();
        let cert = signet_core::policy::CertificateRef::from_der(state.certificate_der()).unwrap();
        let spki = cert.spki_der().to_vec();
        let indices = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for t in 0..6u8 {
                let (state, spki, indices) = (&state, &spki, &indices);
                s.spawn(move || {
                    for i in 0..10u8 {
                        let digest = alg.hash().digest(&[t, i]);
                        let signed = state
                            .sign_digest(digest.as_bytes(), &SignOptions::default())
                            .unwrap();
                        verify_digest(spki, alg, digest.as_bytes(), &signed.signature).unwrap();
                        indices.lock().unwrap().push(signed.counter_index);
                    }
                });
            }
        });
        let mut indices = indices.into_inner().unwrap();
        indices.sort_unstable();
        assert_eq!(
            indices,
            (0..60).collect::<Vec<u64>>(),
            "every signature counted once"
        );
        assert_eq!(state.status().unwrap().budget.used, 60);
    }

    #[test]
    fn an_imported_key_does_not_sign_under_the_hardware_rule() {
        let f = fixture();
        let dir = f.dir.join("state-imported-key");
        std::fs::create_dir_all(&dir).unwrap();
        for args in [
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-outform",
                "DER",
                "-out",
                "key.der",
            ][..],
            &[
                "pkey", "-inform", "DER", "-in", "key.der", "-pubout", "-outform", "DER", "-out", "pub.der",
            ],
        ] {
            assert!(openssl(&dir, args).status.success(), "{args:?}");
        }
        for (file, kind) in [("key.der", "privkey"), ("pub.der", "pubkey")] {
            let path = dir.join(file);
            tool(
                "state",
                &[
                    "--write-object",
                    path.to_str().unwrap(),
                    "--type",
                    kind,
                    "--label",
                    "outsider",
                    "--id",
                    "99",
                ],
            );
        }
        let (dir, options) = init("state-imported", "outsider", false, 5);
        let state = State::init(&dir, OpenOptions::default(), &options).unwrap();
        let status = state.status().unwrap();
        assert!(!status.key.signing_allowed);
        assert_eq!(status.key.refusal, Some("key_ever_extractable"));
        assert!(!status.key.evidence.unwrap().local);
        let digest = state.algorithm().hash().digest(b"x");
        let e = state
            .sign_digest(digest.as_bytes(), &SignOptions::default())
            .unwrap_err();
        assert_eq!(e.code(), "key_ever_extractable", "{e}");
        assert_eq!(
            state.status().unwrap().budget.used,
            0,
            "a refusal consumes nothing"
        );
    }
}
