//! The module through its function table, in-process, exactly as a C client
//! calls it: counting exactly once (length queries, too-small buffers,
//! multi-part), threads without over-spending, refusals as `CKR_` values,
//! objects and attributes. Signatures are checked by OpenSSL.
//!
//! The module is one per process (PKCS#11's C_Initialize), so the tests take
//! one lock and run one at a time.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

use cryptoki_sys::*;
use signet_core::token::{HashAlgorithm, KeyType, SignatureAlgorithm};
use signet_host::{InitOptions, OpenOptions, State};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn f() -> &'static CK_FUNCTION_LIST {
    let mut list: *mut CK_FUNCTION_LIST = std::ptr::null_mut();
    // SAFETY: a valid out-pointer.
    assert_eq!(unsafe { signet_pkcs11::C_GetFunctionList(&mut list) }, CKR_OK);
    // SAFETY: the module's static table.
    unsafe { &*list }
}

macro_rules! call {
    ($name:ident($($arg:expr),*)) => {
        // SAFETY: the tests pass valid pointers and lengths.
        unsafe { (f().$name.unwrap())($($arg),*) }
    };
}

struct Env {
    dir: PathBuf,
    log: PathBuf,
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("signet-pkcs11-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A development state with `budget` signatures for the OS user (or
/// `signer`), served through a config file with `extra` lines.
fn setup(name: &str, key: KeyType, budget: u64, signer: Option<&str>, extra: &str) -> Env {
    setup_with(name, key, None, budget, signer, extra)
}

fn setup_with(
    name: &str,
    key: KeyType,
    algorithm: Option<SignatureAlgorithm>,
    budget: u64,
    signer: Option<&str>,
    extra: &str,
) -> Env {
    let dir = tmp(name);
    let state = dir.join("state");
    let init = InitOptions {
        key_type: key,
        algorithm,
        budget,
        signer: signer.map(str::to_string),
        ..InitOptions::default()
    };
    State::init(&state, OpenOptions::default(), &init).unwrap();
    serve(dir, extra)
}

/// Initialises the module on `dir/state` through a config file with
/// `extra` lines, logging to `dir/module.log`.
fn serve(dir: PathBuf, extra: &str) -> Env {
    let log = dir.join("module.log");
    let config = dir.join("p11.toml");
    std::fs::write(
        &config,
        format!(
            "state = {:?}\nlog = {:?}\n{extra}",
            dir.join("state").display().to_string(),
            log.display().to_string()
        ),
    )
    .unwrap();
    // SAFETY: the tests run one at a time (ONE_AT_A_TIME) and nothing else
    // reads the environment meanwhile.
    unsafe {
        std::env::set_var("SIGNET_PKCS11_CONFIG", &config);
        std::env::remove_var("SIGNET_PKCS11_LOG");
    }
    assert_eq!(call!(C_Initialize(std::ptr::null_mut())), CKR_OK);
    Env { dir, log }
}

impl Drop for Env {
    fn drop(&mut self) {
        call!(C_Finalize(std::ptr::null_mut()));
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Env {
    fn state(&self) -> State {
        State::open(&self.dir.join("state"), OpenOptions::default()).unwrap()
    }

    fn used(&self) -> u64 {
        self.state().status().unwrap().budget.used
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn cert_pem(&self) -> PathBuf {
        let pem = self.dir.join("cert.pem");
        std::fs::write(
            &pem,
            // From the public parts: a token state's key may wait for a PIN.
            signet_host::key::certificate_pem(
                &State::outline(&self.dir.join("state")).unwrap().certificate_der,
            ),
        )
        .unwrap();
        pem
    }
}

fn session() -> CK_SESSION_HANDLE {
    let mut h = 0;
    assert_eq!(
        call!(C_OpenSession(
            0,
            CKF_SERIAL_SESSION,
            std::ptr::null_mut(),
            None,
            &mut h
        )),
        CKR_OK
    );
    h
}

fn sign_init(h: CK_SESSION_HANDLE, mech: CK_MECHANISM_TYPE) -> CK_RV {
    let mut m = CK_MECHANISM {
        mechanism: mech,
        pParameter: std::ptr::null_mut(),
        ulParameterLen: 0,
    };
    call!(C_SignInit(h, &mut m, 1))
}

fn sign(h: CK_SESSION_HANDLE, data: &[u8], sig: Option<&mut Vec<u8>>) -> (CK_RV, CK_ULONG) {
    let mut len = sig.as_ref().map_or(0, |s| s.len() as CK_ULONG);
    let p = sig.map_or(std::ptr::null_mut(), |s| s.as_mut_ptr());
    let rv = call!(C_Sign(
        h,
        data.as_ptr() as *mut u8,
        data.len() as CK_ULONG,
        p,
        &mut len
    ));
    (rv, len)
}

fn sha256(data: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    sha2::Sha256::digest(data).to_vec()
}

/// OpenSSL checks a P-256 `r || s` signature over `data` with the state's
/// certificate.
fn openssl_verifies_p256(env: &Env, data: &[u8], raw: &[u8]) {
    let sig = p256::ecdsa::Signature::from_slice(raw).unwrap().to_der();
    openssl_verifies(env, data, sig.as_bytes(), &[]);
}

fn openssl_verifies(env: &Env, data: &[u8], sig: &[u8], opts: &[&str]) {
    let d = &env.dir;
    std::fs::write(d.join("data"), data).unwrap();
    std::fs::write(d.join("sig"), sig).unwrap();
    let pubkey = Command::new("openssl")
        .args(["x509", "-pubkey", "-noout", "-in"])
        .arg(env.cert_pem())
        .output()
        .unwrap();
    std::fs::write(d.join("pub.pem"), pubkey.stdout).unwrap();
    let out = Command::new("openssl")
        .args(["dgst", "-sha256"])
        .args(opts)
        .arg("-verify")
        .arg(d.join("pub.pem"))
        .arg("-signature")
        .arg(d.join("sig"))
        .arg(d.join("data"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_length_query_and_a_small_buffer_count_nothing_and_keep_the_operation() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let env = setup("once", KeyType::EccP256, 10, None, "");
    let h = session();
    let data = b"count me once";
    let digest = sha256(data);

    // C_Sign: length query, then too small, then right: one signature.
    assert_eq!(sign_init(h, CKM_ECDSA), CKR_OK);
    assert_eq!(sign(h, &digest, None), (CKR_OK, 64));
    assert_eq!(env.used(), 0);
    let mut small = vec![0u8; 63];
    assert_eq!(sign(h, &digest, Some(&mut small)), (CKR_BUFFER_TOO_SMALL, 64));
    assert_eq!(env.used(), 0);
    let mut sig = vec![0u8; 100];
    assert_eq!(sign(h, &digest, Some(&mut sig)), (CKR_OK, 64));
    assert_eq!(env.used(), 1);
    openssl_verifies_p256(&env, data, &sig[..64]);
    // The operation ended with the signature.
    assert_eq!(sign(h, &digest, Some(&mut sig)).0, CKR_OPERATION_NOT_INITIALIZED);
    assert_eq!(env.used(), 1);

    // C_SignUpdate/C_SignFinal with CKM_ECDSA_SHA256: the same rules.
    assert_eq!(sign_init(h, CKM_ECDSA_SHA256), CKR_OK);
    for part in [&data[..5], &data[5..]] {
        assert_eq!(
            call!(C_SignUpdate(h, part.as_ptr() as *mut u8, part.len() as CK_ULONG)),
            CKR_OK
        );
    }
    let mut len: CK_ULONG = 0;
    assert_eq!(call!(C_SignFinal(h, std::ptr::null_mut(), &mut len)), CKR_OK);
    assert_eq!((len, env.used()), (64, 1));
    let mut small = vec![0u8; 10];
    len = 10;
    assert_eq!(
        call!(C_SignFinal(h, small.as_mut_ptr(), &mut len)),
        CKR_BUFFER_TOO_SMALL
    );
    assert_eq!((len, env.used()), (64, 1));
    let mut sig = vec![0u8; 64];
    len = 64;
    assert_eq!(call!(C_SignFinal(h, sig.as_mut_ptr(), &mut len)), CKR_OK);
    assert_eq!((len, env.used()), (64, 2));
    openssl_verifies_p256(&env, data, &sig);

    // A single-part CKM_ECDSA_SHA256 (the module hashes).
    assert_eq!(sign_init(h, CKM_ECDSA_SHA256), CKR_OK);
    assert_eq!(sign(h, data, Some(&mut sig)), (CKR_OK, 64));
    assert_eq!(env.used(), 3);
    openssl_verifies_p256(&env, data, &sig);

    // The audit log has exactly the three signatures.
    let signed = env
        .state()
        .audit_records(0)
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "sign" && r.outcome == "ok")
        .count();
    assert_eq!(signed, 3);
    assert_eq!(call!(C_CloseSession(h)), CKR_OK);
}

#[test]
fn wrong_input_is_refused_before_anything_is_counted() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let env = setup("input", KeyType::EccP256, 10, None, "");
    let h = session();
    // Another hash's digest, and a mechanism of another algorithm.
    assert_eq!(sign_init(h, CKM_ECDSA), CKR_OK);
    let mut sig = vec![0u8; 64];
    assert_eq!(sign(h, &[1u8; 48], Some(&mut sig)).0, CKR_DATA_LEN_RANGE);
    assert_eq!(sign_init(h, CKM_ECDSA_SHA384), CKR_MECHANISM_INVALID);
    assert_eq!(sign_init(h, CKM_RSA_PKCS), CKR_MECHANISM_INVALID);
    // The public key cannot sign; a handle that is no object is refused.
    let mut m = CK_MECHANISM {
        mechanism: CKM_ECDSA,
        pParameter: std::ptr::null_mut(),
        ulParameterLen: 0,
    };
    assert_eq!(call!(C_SignInit(h, &mut m, 2)), CKR_KEY_FUNCTION_NOT_PERMITTED);
    assert_eq!(call!(C_SignInit(h, &mut m, 99)), CKR_KEY_HANDLE_INVALID);
    // NULL arguments.
    assert_eq!(call!(C_SignInit(h, std::ptr::null_mut(), 1)), CKR_ARGUMENTS_BAD);
    assert_eq!(sign_init(h, CKM_ECDSA), CKR_OK);
    assert_eq!(
        call!(C_Sign(
            h,
            std::ptr::null_mut(),
            32,
            sig.as_mut_ptr(),
            std::ptr::null_mut()
        )),
        CKR_ARGUMENTS_BAD
    );
    assert_eq!(env.used(), 0);
    assert!(env.log().contains("[pkcs11_module_mechanism]"), "{}", env.log());
}

#[test]
fn the_budget_is_never_overspent_by_threads() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let env = setup("threads", KeyType::EccP256, 7, None, "");
    let digest = sha256(b"threads");
    let results: Vec<CK_RV> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let digest = digest.clone();
                s.spawn(move || {
                    let h = session();
                    let mut rvs = Vec::new();
                    for _ in 0..4 {
                        assert_eq!(sign_init(h, CKM_ECDSA), CKR_OK);
                        let mut sig = vec![0u8; 64];
                        rvs.push(sign(h, &digest, Some(&mut sig)).0);
                    }
                    rvs
                })
            })
            .collect();
        handles.into_iter().flat_map(|t| t.join().unwrap()).collect()
    });
    let ok = results.iter().filter(|&&rv| rv == CKR_OK).count();
    let rejected = results.iter().filter(|&&rv| rv == CKR_FUNCTION_REJECTED).count();
    assert_eq!((ok, rejected), (7, 9), "{results:?}");
    assert_eq!(env.used(), 7);
    // One audit record and one log line per refusal.
    let refused = env
        .state()
        .audit_records(0)
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "sign" && r.outcome == "sign_budget_exhausted")
        .count();
    assert_eq!(refused, 9);
    assert_eq!(
        env.log().matches("[sign_budget_exhausted]").count(),
        9,
        "{}",
        env.log()
    );
}

#[test]
fn refusals_become_ckr_values() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let digest = sha256(b"refused");
    let mut sig = vec![0u8; 64];
    {
        // Not the assigned signer.
        let env = setup("signer", KeyType::EccP256, 5, Some("alice"), "");
        let h = session();
        assert_eq!(sign_init(h, CKM_ECDSA), CKR_OK);
        assert_eq!(sign(h, &digest, Some(&mut sig)).0, CKR_FUNCTION_REJECTED);
        assert_eq!(env.used(), 0);
        assert!(env.log().contains("[sign_not_assigned_signer]"), "{}", env.log());
    }
    {
        // Revoked.
        let env = setup("revoked", KeyType::EccP256, 5, None, "");
        let state = env.state();
        state.budget_revoke(&state.fingerprint()).unwrap();
        let h = session();
        assert_eq!(sign_init(h, CKM_ECDSA), CKR_OK);
        assert_eq!(sign(h, &digest, Some(&mut sig)).0, CKR_KEY_FUNCTION_NOT_PERMITTED);
        assert_eq!(env.used(), 0);
        assert!(env.log().contains("[sign_revoked]"), "{}", env.log());
    }
    {
        // The certificate not yet valid at the configured (development) clock.
        let env = setup(
            "clock",
            KeyType::EccP256,
            5,
            None,
            "now = \"2000-01-01T00:00:00Z\"\n",
        );
        let h = session();
        assert_eq!(sign_init(h, CKM_ECDSA), CKR_OK);
        assert_eq!(sign(h, &digest, Some(&mut sig)).0, CKR_KEY_FUNCTION_NOT_PERMITTED);
        assert_eq!(env.used(), 0);
    }
}

#[test]
fn objects_attributes_and_find() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let env = setup("objects", KeyType::EccP256, 5, None, "label = \"codesign\"\n");
    let h = session();
    // Find by class and label: exactly the private key.
    let class = CKO_PRIVATE_KEY.to_ne_bytes();
    let label = b"codesign";
    let mut tmpl = [
        CK_ATTRIBUTE {
            type_: CKA_CLASS,
            pValue: class.as_ptr() as *mut _,
            ulValueLen: class.len() as CK_ULONG,
        },
        CK_ATTRIBUTE {
            type_: CKA_LABEL,
            pValue: label.as_ptr() as *mut _,
            ulValueLen: label.len() as CK_ULONG,
        },
    ];
    assert_eq!(call!(C_FindObjectsInit(h, tmpl.as_mut_ptr(), 2)), CKR_OK);
    let mut found = [0 as CK_OBJECT_HANDLE; 8];
    let mut n: CK_ULONG = 0;
    assert_eq!(call!(C_FindObjects(h, found.as_mut_ptr(), 8, &mut n)), CKR_OK);
    assert_eq!(&found[..n as usize], &[1]);
    assert_eq!(call!(C_FindObjectsFinal(h)), CKR_OK);
    // Everything, with an empty template.
    assert_eq!(call!(C_FindObjectsInit(h, std::ptr::null_mut(), 0)), CKR_OK);
    assert_eq!(call!(C_FindObjects(h, found.as_mut_ptr(), 8, &mut n)), CKR_OK);
    assert_eq!(n, 3);
    assert_eq!(call!(C_FindObjectsFinal(h)), CKR_OK);

    // The private key: sign-only, sensitive, not extractable; its value is
    // sensitive; the length-query convention for the id.
    let mut sign_flag: CK_BBOOL = 0;
    let mut extractable: CK_BBOOL = 1;
    let mut sensitive: CK_BBOOL = 0;
    let mut attrs = [
        CK_ATTRIBUTE {
            type_: CKA_SIGN,
            pValue: &mut sign_flag as *mut _ as *mut _,
            ulValueLen: 1,
        },
        CK_ATTRIBUTE {
            type_: CKA_EXTRACTABLE,
            pValue: &mut extractable as *mut _ as *mut _,
            ulValueLen: 1,
        },
        CK_ATTRIBUTE {
            type_: CKA_SENSITIVE,
            pValue: &mut sensitive as *mut _ as *mut _,
            ulValueLen: 1,
        },
        CK_ATTRIBUTE {
            type_: CKA_ID,
            pValue: std::ptr::null_mut(),
            ulValueLen: 0,
        },
    ];
    assert_eq!(call!(C_GetAttributeValue(h, 1, attrs.as_mut_ptr(), 4)), CKR_OK);
    assert_eq!((sign_flag, extractable, sensitive), (CK_TRUE, CK_FALSE, CK_TRUE));
    assert_eq!(attrs[3].ulValueLen, 20);
    let mut value = CK_ATTRIBUTE {
        type_: CKA_VALUE,
        pValue: std::ptr::null_mut(),
        ulValueLen: 0,
    };
    assert_eq!(
        call!(C_GetAttributeValue(h, 1, &mut value, 1)),
        CKR_ATTRIBUTE_SENSITIVE
    );
    assert_eq!(value.ulValueLen, CK_UNAVAILABLE_INFORMATION);
    // The certificate's value is the state's certificate; a short buffer
    // is CKR_BUFFER_TOO_SMALL.
    let der = env.state().certificate_der().to_vec();
    let mut buf = vec![0u8; der.len()];
    let mut cert = CK_ATTRIBUTE {
        type_: CKA_VALUE,
        pValue: buf.as_mut_ptr() as *mut _,
        ulValueLen: 10,
    };
    assert_eq!(
        call!(C_GetAttributeValue(h, 3, &mut cert, 1)),
        CKR_BUFFER_TOO_SMALL
    );
    cert.ulValueLen = buf.len() as CK_ULONG;
    assert_eq!(call!(C_GetAttributeValue(h, 3, &mut cert, 1)), CKR_OK);
    assert_eq!(buf, der);
    assert_eq!(
        call!(C_GetAttributeValue(h, 9, &mut cert, 1)),
        CKR_OBJECT_HANDLE_INVALID
    );
}

#[test]
fn rsa_pkcs1_over_a_digest_info_and_sha256_rsa_pkcs() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let env = setup("rsa", KeyType::Rsa { bits: 3072 }, 5, None, "");
    let h = session();
    let data = b"rsa data";
    let mut di = vec![
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
        0x04, 0x20,
    ];
    di.extend(sha256(data));
    assert_eq!(sign_init(h, CKM_RSA_PKCS), CKR_OK);
    assert_eq!(sign(h, &di, None), (CKR_OK, 384));
    let mut sig = vec![0u8; 384];
    assert_eq!(sign(h, &di, Some(&mut sig)), (CKR_OK, 384));
    openssl_verifies(&env, data, &sig, &[]);
    assert_eq!(sign_init(h, CKM_SHA256_RSA_PKCS), CKR_OK);
    assert_eq!(sign(h, data, Some(&mut sig)), (CKR_OK, 384));
    openssl_verifies(&env, data, &sig, &[]);
    // A bare digest is not a DigestInfo: refused, not counted.
    assert_eq!(sign_init(h, CKM_RSA_PKCS), CKR_OK);
    assert_eq!(sign(h, &sha256(data), Some(&mut sig)).0, CKR_DATA_INVALID);
    assert_eq!(env.used(), 2);
}

#[test]
fn rsa_pss_with_the_states_parameters_only() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let pss = SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256);
    let env = setup_with("pss", KeyType::Rsa { bits: 3072 }, Some(pss), 5, None, "");
    let h = session();
    let data = b"pss data";
    let pss_init = |params: CK_RSA_PKCS_PSS_PARAMS, mech: CK_MECHANISM_TYPE| {
        let mut params = params;
        let mut m = CK_MECHANISM {
            mechanism: mech,
            pParameter: &mut params as *mut _ as *mut _,
            ulParameterLen: std::mem::size_of::<CK_RSA_PKCS_PSS_PARAMS>() as CK_ULONG,
        };
        call!(C_SignInit(h, &mut m, 1))
    };
    let good = CK_RSA_PKCS_PSS_PARAMS {
        hashAlg: CKM_SHA256,
        mgf: CKG_MGF1_SHA256,
        sLen: 32,
    };
    let pss_opts = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"];
    assert_eq!(
        pss_init(CK_RSA_PKCS_PSS_PARAMS { sLen: 20, ..good }, CKM_RSA_PKCS_PSS),
        CKR_MECHANISM_PARAM_INVALID
    );
    assert_eq!(sign_init(h, CKM_RSA_PKCS_PSS), CKR_MECHANISM_PARAM_INVALID);
    assert_eq!(pss_init(good, CKM_RSA_PKCS_PSS), CKR_OK);
    let mut sig = vec![0u8; 384];
    assert_eq!(sign(h, &sha256(data), Some(&mut sig)), (CKR_OK, 384));
    openssl_verifies(&env, data, &sig, &pss_opts);
    assert_eq!(pss_init(good, CKM_SHA256_RSA_PKCS_PSS), CKR_OK);
    assert_eq!(sign(h, data, Some(&mut sig)), (CKR_OK, 384));
    openssl_verifies(&env, data, &sig, &pss_opts);
    assert_eq!(env.used(), 2);
}

/// A token state whose PIN is nowhere but in `C_Login`: the module lists the
/// objects, asks for a login, forwards the PIN to the wrapped token (SoftHSM2
/// in a throwaway token directory), signs after it, and refuses after
/// `C_Logout`. A wrong PIN is `CKR_PIN_INCORRECT`, logged without the PIN.
#[test]
fn c_login_forwards_its_pin_to_a_wrapped_token() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    const PIN: &str = "Secret-4711";
    let dir = tmp("token-login");
    let tokens = dir.join("tokens");
    std::fs::create_dir_all(&tokens).unwrap();
    let conf = dir.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            tokens.display()
        ),
    )
    .unwrap();
    // SAFETY: the tests run one at a time (ONE_AT_A_TIME). This is the only
    // test of this process that loads SoftHSM2, so it reads this file.
    unsafe {
        std::env::set_var("SOFTHSM2_CONF", &conf);
        std::env::set_var("SIGNET_PKCS11_PIN", PIN);
    }
    let made = Command::new("softhsm2-util")
        .args([
            "--init-token",
            "--free",
            "--label",
            "modlogin",
            "--pin",
            PIN,
            "--so-pin",
            "5678",
        ])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let state = dir.join("state");
    let init = InitOptions {
        key_type: KeyType::EccP256,
        budget: 2,
        token: Some(signet_host::TokenKey {
            uri:
                "pkcs11:token=modlogin;object=signer;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so"
                    .into(),
            generate: true,
        }),
        ..InitOptions::default()
    };
    State::init(&state, OpenOptions::default(), &init).unwrap();
    // SAFETY: as above. From here the PIN is only in C_Login.
    unsafe { std::env::remove_var("SIGNET_PKCS11_PIN") };
    let env = serve(dir, "");
    let used = || {
        State::open_with_pin(&state, OpenOptions::default(), PIN)
            .unwrap()
            .status()
            .unwrap()
            .budget
            .used
    };

    // SAFETY: a zeroed CK_TOKEN_INFO is valid (integers and byte arrays).
    let mut info: CK_TOKEN_INFO = unsafe { std::mem::zeroed() };
    assert_eq!(call!(C_GetTokenInfo(0, &mut info)), CKR_OK);
    assert_ne!(
        info.flags & CKF_LOGIN_REQUIRED,
        0,
        "a token state waiting for its PIN asks for a login"
    );
    let h = session();
    // The certificate, public and private key are listed before the login.
    let mut found = [0 as CK_OBJECT_HANDLE; 8];
    let mut n: CK_ULONG = 0;
    assert_eq!(call!(C_FindObjectsInit(h, std::ptr::null_mut(), 0)), CKR_OK);
    assert_eq!(call!(C_FindObjects(h, found.as_mut_ptr(), 8, &mut n)), CKR_OK);
    assert_eq!(n, 3);
    assert_eq!(call!(C_FindObjectsFinal(h)), CKR_OK);
    assert_eq!(sign_init(h, CKM_ECDSA), CKR_USER_NOT_LOGGED_IN);

    let login = |pin: &str| {
        let mut pin = pin.as_bytes().to_vec();
        call!(C_Login(h, CKU_USER, pin.as_mut_ptr(), pin.len() as CK_ULONG))
    };
    assert_eq!(login("Wrong-0000"), CKR_PIN_INCORRECT);
    let text = env.log();
    assert!(text.contains("[pkcs11_pin_incorrect]"), "{text}");
    assert!(
        !text.contains("Wrong-0000") && !text.contains(PIN),
        "a PIN in the log: {text}"
    );
    assert_eq!(sign_init(h, CKM_ECDSA), CKR_USER_NOT_LOGGED_IN);

    assert_eq!(login(PIN), CKR_OK);
    assert_eq!(login(PIN), CKR_USER_ALREADY_LOGGED_IN);
    let data = b"signed through the wrapped token";
    assert_eq!(sign_init(h, CKM_ECDSA), CKR_OK);
    let mut sig = vec![0u8; 64];
    let (rv, len) = sign(h, &sha256(data), Some(&mut sig));
    assert_eq!((rv, len), (CKR_OK, 64));
    openssl_verifies_p256(&env, data, &sig);
    assert_eq!(used(), 1);

    // Logged out, nothing signs; a wrong PIN is checked against the
    // token's login and refused; the right one signs again.
    assert_eq!(call!(C_Logout(h)), CKR_OK);
    assert_eq!(sign_init(h, CKM_ECDSA), CKR_USER_NOT_LOGGED_IN);
    assert_eq!(login("Wrong-9999"), CKR_PIN_INCORRECT);
    assert_eq!(login(PIN), CKR_OK);
    assert_eq!(sign_init(h, CKM_ECDSA), CKR_OK);
    let (rv, _) = sign(h, &sha256(b"second"), Some(&mut sig));
    assert_eq!(rv, CKR_OK);
    assert_eq!(used(), 2);
    let text = env.log();
    assert!(
        !text.contains("Wrong-9999") && !text.contains(PIN),
        "a PIN in the log: {text}"
    );
}
