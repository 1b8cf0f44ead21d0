//! `signet` with its key on a PKCS#11 token, end to end, against real
//! components: a SoftHSM2 token made for each test (its own `SOFTHSM2_CONF`
//! and token directory, `softhsm2-util --init-token`), OpenSSL as the CA and
//! as the independent verifier (`openssl req -verify`, `openssl cms -verify`),
//! and `pkcs11-tool` to put an outside key on a token.
//!
//! `SIGNET_TEST_PKCS11_MODULE` points the tests at another module file that
//! reads SoftHSM2's token store (the tokens are made with `softhsm2-util`).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{json, stderr, stdout};

const PIN: &str = "1234";
const SO_PIN: &str = "5678";

fn module() -> PathBuf {
    std::env::var_os("SIGNET_TEST_PKCS11_MODULE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/softhsm/libsofthsm2.so"))
}

/// A scratch directory with its own SoftHSM2 configuration and one token `t`.
struct Hsm {
    dir: PathBuf,
}

impl Hsm {
    fn new(name: &str) -> Hsm {
        Hsm::with_conf(name, "")
    }

    /// A token whose module configuration has `extra` lines.
    fn with_conf(name: &str, extra: &str) -> Hsm {
        let dir = std::env::temp_dir().join(format!("signet-cli-p11-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("tokens")).unwrap();
        std::fs::write(
            dir.join("softhsm2.conf"),
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n{extra}",
                dir.join("tokens").display()
            ),
        )
        .unwrap();
        let hsm = Hsm { dir };
        hsm.tool(
            "softhsm2-util",
            &[
                "--init-token",
                "--free",
                "--label",
                "t",
                "--pin",
                PIN,
                "--so-pin",
                SO_PIN,
            ],
        );
        hsm
    }

    fn uri(&self, object: &str) -> String {
        format!(
            "pkcs11:token=t;object={object};type=private?module-path={}",
            module().display()
        )
    }

    fn tool(&self, program: &str, args: &[&str]) -> String {
        let out = Command::new(program)
            .args(args)
            .env("SOFTHSM2_CONF", self.dir.join("softhsm2.conf"))
            .current_dir(&self.dir)
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `signet ARGS --state st` as OS user `user`, with the PIN in the environment.
    fn signet_as(&self, user: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_signet"))
            .args(args)
            .args(["--state", "st"])
            .current_dir(&self.dir)
            .env_remove("SIGNET_STATE")
            .env("SOFTHSM2_CONF", self.dir.join("softhsm2.conf"))
            .env("SIGNET_PKCS11_PIN", PIN)
            .env("USER", user)
            .output()
            .unwrap()
    }

    fn ok_as(&self, user: &str, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.push("--json");
        let o = self.signet_as(user, &all);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}: {} / {}",
            stdout(&o),
            stderr(&o)
        );
        json(&o)
    }

    fn ok(&self, args: &[&str]) -> serde_json::Value {
        self.ok_as("alice", args)
    }

    fn fails_as(&self, user: &str, args: &[&str], exit: i32) -> String {
        let mut all = args.to_vec();
        all.push("--json");
        common::error_code(&self.signet_as(user, &all), exit)
    }

    fn fails(&self, args: &[&str], exit: i32) -> String {
        self.fails_as("alice", args, exit)
    }

    fn openssl(&self, args: &[&str]) -> Output {
        Command::new("openssl")
            .args(args)
            .current_dir(&self.dir)
            .output()
            .unwrap()
    }

    fn openssl_ok(&self, args: &[&str]) -> String {
        let o = self.openssl(args);
        assert!(
            o.status.success(),
            "openssl {args:?}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        format!("{}{}", stdout(&o), stderr(&o))
    }

    /// A throwaway CA (P-256) that issues a code-signing certificate for `csr`.
    fn ca_issues(&self, csr: &str, out: &str) {
        if !self.dir.join("ca.pem").exists() {
            self.openssl_ok(&[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-subj",
                "/CN=Signet Test CA",
                "-days",
                "30",
            ]);
            std::fs::write(
                self.dir.join("leaf.ext"),
                "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n",
            )
            .unwrap();
        }
        self.openssl_ok(&[
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "300",
            "-extfile",
            "leaf.ext",
            "-out",
            out,
        ]);
    }

    fn cms_verifies(&self, content: &str, p7s: &str) -> bool {
        self.openssl(&[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            p7s,
            "-content",
            content,
            "-CAfile",
            "ca.pem",
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ])
        .status
        .success()
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The README's path for each key type: a key generated on the token, a CSR
/// made by it (checked by `openssl req -verify` and `signet csr check`), an
/// order body carrying the CSR (`signet validate`), the CA's certificate
/// imported, files signed through the enforced path and checked by
/// `openssl cms -verify`.
fn full_path(name: &str, generate: &str, key_type: &str) {
    let hsm = Hsm::new(name);
    let uri = format!("{}&pin-value={PIN}", hsm.uri("codesign"));
    let init = hsm.ok(&[
        "init",
        "--token",
        &uri,
        "--generate",
        generate,
        "--signer",
        "alice",
    ]);
    assert_eq!(init["development"], false);
    assert_eq!(init["token"], "pkcs11");
    assert_eq!(init["key_type"], key_type);
    assert_eq!(init["key"]["token_label"], "t");
    assert_eq!(init["key"]["evidence"]["generated_on_token_never_left"], true);
    assert_eq!(init["key"]["signing_allowed"], true);
    let toml = std::fs::read_to_string(hsm.dir.join("st/signet.toml")).unwrap();
    assert!(!toml.contains("pin-value") && !toml.contains(PIN), "{toml}");
    assert!(!hsm.dir.join("st/signer/key.p8").exists());

    hsm.ok(&[
        "csr",
        "new",
        "--subject",
        "CN=Example Corp,O=Example Corp,C=US",
        "--out",
        "key.csr",
    ]);
    let verified = hsm.openssl_ok(&["req", "-in", "key.csr", "-verify", "-noout", "-subject"]);
    assert!(
        verified.contains("verify OK") && verified.contains("Example Corp"),
        "{verified}"
    );
    let check = hsm.ok(&["csr", "check", "key.csr", "--device", "hsm"]);
    assert_eq!(check["valid"], true, "{check}");
    // An order body with the CSR: the HSM provisioning method takes one.
    let csr_pem = std::fs::read_to_string(hsm.dir.join("key.csr")).unwrap();
    let order = serde_json::json!({
        "certificate": { "signature_hash": "sha256", "csr": csr_pem, "server_platform": { "id": -1 } },
        "order_validity": { "years": 1 },
        "organization": { "id": 12345 },
        "cs_provisioning_method": "email",
    });
    std::fs::write(hsm.dir.join("order.json"), order.to_string()).unwrap();
    let validated = hsm.ok(&["validate", "order.json", "--product", "code_signing"]);
    assert_eq!(validated["valid"], true, "{validated}");

    hsm.ca_issues("key.csr", "issued.pem");
    let imported = hsm.ok(&["cert", "import", "issued.pem", "--budget", "10"]);
    assert_eq!(imported["budget_created"], true);
    assert_eq!(imported["budget"]["total"], 10);
    let status = hsm.ok(&["status"]);
    assert_eq!(
        status["certificate"]["subject"],
        "CN=Example Corp,O=Example Corp,C=US"
    );
    assert_eq!(
        status["certificate"]["fingerprint"],
        imported["certificate"]["fingerprint"]
    );

    for f in ["app.bin", "lib.bin"] {
        std::fs::write(hsm.dir.join(f), format!("artifact {f} {name}")).unwrap();
    }
    let signed = hsm.ok(&["sign", "app.bin", "lib.bin"]);
    assert_eq!(signed["remaining"], 8);
    for f in ["app.bin", "lib.bin"] {
        assert!(
            hsm.cms_verifies(f, &format!("{f}.p7s")),
            "{name}: openssl cms -verify {f}"
        );
        let v = hsm.ok(&["verify", f, "--ca", "ca.pem"]);
        assert_eq!(v["signer_check"], "trust_anchor");
    }
    // A tampered file does not verify.
    std::fs::write(hsm.dir.join("app.bin"), b"tampered").unwrap();
    assert!(!hsm.cms_verifies("app.bin", "app.bin.p7s"));
    // Importing the same certificate again keeps its budget.
    let again = hsm.ok(&["cert", "import", "issued.pem"]);
    assert_eq!(again["budget_created"], false);
    assert_eq!(again["budget"]["used"], 2);
}

#[test]
fn p256_on_the_token_full_path() {
    full_path("p256", "ecc-p256", "ecc-p256");
}

#[test]
fn p384_on_the_token_full_path() {
    // `p384`: the documented alias of core's `ecc-p384`.
    full_path("p384", "p384", "ecc-p384");
}

#[test]
fn rsa3072_on_the_token_full_path() {
    full_path("rsa3072", "rsa-3072", "rsa-3072");
}

#[test]
fn rsa4096_on_the_token_full_path() {
    full_path("rsa4096", "rsa4096", "rsa-4096");
}

#[test]
fn a_certificate_for_another_key_is_not_imported() {
    let hsm = Hsm::new("mismatch");
    hsm.ok(&["init", "--token", &hsm.uri("k"), "--generate", "ecc-p256"]);
    hsm.openssl_ok(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "other.key",
        "-out",
        "other.pem",
        "-subj",
        "/CN=Someone Else",
        "-days",
        "30",
    ]);
    assert_eq!(
        hsm.fails(&["cert", "import", "other.pem"], 1),
        "cert_key_mismatch"
    );
    assert_eq!(
        hsm.fails(&["cert", "import", "nothing.pem"], 2),
        "input_unreadable"
    );
    assert_eq!(
        hsm.fails(&["csr", "new", "--subject", "not a distinguished name"], 1),
        "cert_invalid_subject"
    );
}

#[test]
fn an_imported_extractable_key_is_refused_under_the_hardware_rule() {
    let hsm = Hsm::new("imported");
    hsm.openssl_ok(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-outform",
        "DER",
        "-out",
        "key.der",
    ]);
    hsm.openssl_ok(&[
        "pkey", "-inform", "DER", "-in", "key.der", "-pubout", "-outform", "DER", "-out", "pub.der",
    ]);
    let m = module();
    for (file, kind) in [("key.der", "privkey"), ("pub.der", "pubkey")] {
        hsm.tool(
            "pkcs11-tool",
            &[
                "--module",
                path_str(&m),
                "--token-label",
                "t",
                "--login",
                "--pin",
                PIN,
                "--write-object",
                file,
                "--type",
                kind,
                "--label",
                "outside",
                "--id",
                "42",
            ],
        );
    }
    // The state takes the key, and says what it is.
    let init = hsm.ok(&["init", "--token", &hsm.uri("outside")]);
    assert_eq!(init["key"]["evidence"]["local"], false);
    assert_eq!(init["key"]["signing_allowed"], false);
    assert_eq!(init["key"]["refusal"], "key_ever_extractable");
    let text = hsm.signet_as("alice", &["status"]);
    let text = stdout(&text);
    assert!(
        text.contains("signing refused") && text.contains("key_ever_extractable"),
        "{text}"
    );
    // Signing is refused, and nothing is counted.
    std::fs::write(hsm.dir.join("f"), b"x").unwrap();
    assert_eq!(hsm.fails(&["sign", "f"], 1), "key_ever_extractable");
    assert!(!hsm.dir.join("f.p7s").exists());
    assert_eq!(hsm.ok(&["status"])["budget"]["used"], 0);
    // A CA certificate for it is refused too: the key could never sign under it.
    hsm.ok(&[
        "csr",
        "new",
        "--subject",
        "CN=Outside Key",
        "--out",
        "outside.csr",
    ]);
    hsm.ca_issues("outside.csr", "outside.pem");
    assert_eq!(
        hsm.fails(&["cert", "import", "outside.pem"], 1),
        "key_ever_extractable"
    );
}

#[test]
fn wrong_pin_missing_module_and_production_rules_have_their_codes() {
    let hsm = Hsm::new("errors");
    let bad_pin = format!("{}&pin-value=0000", hsm.uri("k"));
    let o = hsm.signet_as(
        "alice",
        &["init", "--token", &bad_pin, "--generate", "ecc-p256", "--json"],
    );
    assert_eq!(common::error_code(&o, 1), "pkcs11_pin_incorrect");
    assert!(
        !stdout(&o).contains("0000") && !stderr(&o).contains("0000"),
        "the PIN is never shown"
    );
    let no_module = "pkcs11:token=t;object=k;type=private?module-path=/nonexistent/libnothing.so";
    assert_eq!(
        hsm.fails(&["init", "--token", no_module, "--generate", "ecc-p256"], 2),
        "pkcs11_module_missing"
    );
    let no_token = format!(
        "pkcs11:token=absent;object=k;type=private?module-path={}",
        module().display()
    );
    assert_eq!(
        hsm.fails(&["init", "--token", &no_token, "--generate", "ecc-p256"], 2),
        "pkcs11_token_missing"
    );
    assert_eq!(
        hsm.fails(&["init", "--token", "pkcs11:tokn=t", "--generate", "ecc-p256"], 2),
        "pkcs11_uri_invalid"
    );
    assert_eq!(
        hsm.fails(&["init", "--token", &hsm.uri("absent")], 2),
        "pkcs11_key_missing"
    );
    // A production state: no --now, no other --user.
    assert_eq!(
        hsm.fails(
            &[
                "init",
                "--token",
                &hsm.uri("k"),
                "--generate",
                "ecc-p256",
                "--now",
                "2026-03-01T00:00:00Z"
            ],
            1
        ),
        "state_production_clock"
    );
    hsm.ok(&["init", "--token", &hsm.uri("k"), "--generate", "ecc-p256"]);
    assert_eq!(
        hsm.fails(&["status", "--user", "mallory"], 1),
        "state_production_user"
    );
    hsm.ok(&["status", "--user", "alice"]);
    assert_eq!(
        hsm.fails(&["status", "--now", "2026-03-01T00:00:00Z"], 1),
        "state_production_clock"
    );
    // Generating over an existing key is refused.
    assert_eq!(
        hsm.fails(
            &[
                "init",
                "--token",
                &hsm.uri("k"),
                "--generate",
                "ecc-p256",
                "--force"
            ],
            2
        ),
        "pkcs11_key_exists"
    );
    // The stored state needs the PIN from the environment (or a pin-source file).
    let o = Command::new(env!("CARGO_BIN_EXE_signet"))
        .args(["status", "--state", "st", "--json"])
        .current_dir(&hsm.dir)
        .env("SOFTHSM2_CONF", hsm.dir.join("softhsm2.conf"))
        .env_remove("SIGNET_PKCS11_PIN")
        .env("USER", "alice")
        .output()
        .unwrap();
    assert_eq!(common::error_code(&o, 2), "pkcs11_pin_missing");
    let o = Command::new(env!("CARGO_BIN_EXE_signet"))
        .args(["status", "--state", "st", "--json"])
        .current_dir(&hsm.dir)
        .env("SOFTHSM2_CONF", hsm.dir.join("softhsm2.conf"))
        .env("SIGNET_PKCS11_PIN", "9999")
        .env("USER", "alice")
        .output()
        .unwrap();
    assert_eq!(common::error_code(&o, 1), "pkcs11_pin_incorrect");
}

#[test]
fn budgets_and_grants_hold_through_the_token() {
    let hsm = Hsm::new("grants");
    hsm.ok(&[
        "init",
        "--token",
        &hsm.uri("k"),
        "--generate",
        "ecc-p256",
        "--signer",
        "alice",
        "--budget",
        "4",
    ]);
    std::fs::write(hsm.dir.join("f"), b"artifact").unwrap();
    // Only the assigned signer signs.
    hsm.ok_as("alice", &["sign", "f"]);
    assert_eq!(hsm.fails_as("bob", &["sign", "f"], 1), "sign_not_assigned_signer");
    // A signer policy: every signature needs a grant.
    hsm.ok_as(
        "admin",
        &[
            "grant",
            "policy",
            "--max-ops",
            "2",
            "--ttl",
            "3600",
            "--step",
            "carol:1",
        ],
    );
    assert_eq!(hsm.fails_as("alice", &["sign", "f"], 1), "sign_grant_required");
    let r = hsm.ok_as(
        "bob",
        &["grant", "request", "--ops", "2", "--justification", "release"],
    );
    let id = r["id"].as_u64().unwrap().to_string();
    assert_eq!(
        hsm.fails_as("bob", &["grant", "approve", &id], 1),
        "grant_own_request"
    );
    hsm.ok_as("carol", &["grant", "approve", &id]);
    let v = hsm.ok_as("bob", &["sign", "f"]);
    assert_eq!(v["signed"][0]["grant"], 1);
    assert!(common::openssl_verifies(&hsm.dir, "f", "f.p7s"));
    hsm.ok_as("bob", &["sign", "f"]);
    assert_eq!(hsm.fails_as("bob", &["sign", "f"], 1), "sign_grant_exhausted");
    assert_eq!(
        hsm.fails_as("mallory", &["sign", "f", "--grant", &id], 1),
        "sign_grant_mismatch"
    );
    // The budget ends the signing whatever the grants say.
    let r = hsm.ok_as("bob", &["grant", "request", "--ops", "2"]);
    let id = r["id"].as_u64().unwrap().to_string();
    hsm.ok_as("carol", &["grant", "approve", &id]);
    let v = hsm.ok_as("bob", &["sign", "f", "--grant", &id]);
    assert_eq!(v["remaining"], 0);
    assert_eq!(
        hsm.fails_as("bob", &["sign", "f", "--grant", &id], 1),
        "sign_budget_exhausted"
    );
    let status = hsm.ok(&["status"]);
    assert_eq!(status["budget"]["used"], 4);
}

#[test]
fn concurrent_signers_on_one_token_count_every_signature() {
    let hsm = Hsm::new("concurrent");
    hsm.ok(&[
        "init",
        "--token",
        &hsm.uri("k"),
        "--generate",
        "ecc-p256",
        "--signer",
        "alice",
        "--budget",
        "100",
    ]);
    hsm.ca_issues_for_state();
    let files: Vec<String> = (0..12).map(|i| format!("f{i}")).collect();
    for f in &files {
        std::fs::write(hsm.dir.join(f), f.as_bytes()).unwrap();
    }
    std::thread::scope(|s| {
        for f in &files {
            let hsm = &hsm;
            s.spawn(move || {
                let o = hsm.signet_as("alice", &["sign", f, "--json"]);
                assert_eq!(o.status.code(), Some(0), "{} / {}", stdout(&o), stderr(&o));
            });
        }
    });
    let mut indices: Vec<u64> = Vec::new();
    for f in &files {
        assert!(hsm.cms_verifies(f, &format!("{f}.p7s")), "{f}");
    }
    let status = hsm.ok(&["status"]);
    assert_eq!(status["budget"]["used"], 12);
    // Twelve more from one process, in one batch.
    let names: Vec<&str> = files.iter().map(String::as_str).collect();
    let mut args = vec!["sign"];
    args.extend(&names);
    let batch = hsm.ok(&args);
    for s in batch["signed"].as_array().unwrap() {
        indices.push(s["counter_index"].as_u64().unwrap());
    }
    assert_eq!(indices, (12..24).collect::<Vec<u64>>());
}

impl Hsm {
    /// Makes a CSR for the state's key and imports the test CA's certificate for it.
    fn ca_issues_for_state(&self) {
        self.ok(&[
            "csr",
            "new",
            "--subject",
            "CN=Concurrent Signer",
            "--out",
            "state.csr",
        ]);
        self.ca_issues("state.csr", "state.pem");
        self.ok(&["cert", "import", "state.pem", "--budget", "100"]);
    }
}

#[test]
fn a_token_without_the_mechanism_is_refused() {
    // SoftHSM2 offers only the mechanisms its configuration lists: key generation, PKCS#1 v1.5,
    // but neither CKM_ECDSA nor CKM_RSA_PKCS_PSS.
    let hsm = Hsm::with_conf(
        "mechanisms",
        "slots.mechanisms = CKM_EC_KEY_PAIR_GEN,CKM_RSA_PKCS_KEY_PAIR_GEN,CKM_RSA_PKCS\n",
    );
    assert_eq!(
        hsm.fails(&["init", "--token", &hsm.uri("ec"), "--generate", "ecc-p256"], 2),
        "pkcs11_mechanism_unsupported"
    );
    assert_eq!(
        hsm.fails(
            &[
                "init",
                "--token",
                &hsm.uri("pss"),
                "--generate",
                "rsa-3072",
                "--algorithm",
                "rsa-pss-sha256"
            ],
            2
        ),
        "pkcs11_mechanism_unsupported"
    );
    // Nothing was generated for them.
    let objects = hsm.tool(
        "pkcs11-tool",
        &[
            "--module",
            path_str(&module()),
            "--token-label",
            "t",
            "--login",
            "--pin",
            PIN,
            "--list-objects",
        ],
    );
    assert!(!objects.contains("label:"), "{objects}");
    // PKCS#1 v1.5 is there: the same kind of key signs with it.
    let init = hsm.ok(&["init", "--token", &hsm.uri("v15"), "--generate", "rsa-3072"]);
    assert_eq!(init["algorithm"], "rsa-pkcs1v15-sha256");
    std::fs::write(hsm.dir.join("f"), b"x").unwrap();
    hsm.ok(&["sign", "f"]);
    assert!(common::openssl_verifies(&hsm.dir, "f", "f.p7s"));
}

#[test]
fn a_software_key_makes_csrs_and_takes_a_ca_certificate_too() {
    // The same commands on a development state: the key is the software token's.
    let hsm = Hsm::new("software");
    let dev = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--state", "dev"]);
        common::ok(&hsm.dir, &all)
    };
    dev(&["init", "--key-type", "rsa3072"]);
    dev(&[
        "csr",
        "new",
        "--subject",
        "CN=Development Signer,O=Example Corp",
        "--out",
        "dev.csr",
    ]);
    hsm.openssl_ok(&["req", "-in", "dev.csr", "-verify", "-noout"]);
    assert_eq!(
        dev(&["csr", "check", "dev.csr", "--device", "hsm"])["valid"],
        true
    );
    hsm.ca_issues("dev.csr", "dev.pem");
    let imported = dev(&["cert", "import", "dev.pem"]);
    assert_eq!(
        imported["certificate"]["subject"],
        "CN=Development Signer,O=Example Corp"
    );
    let status = dev(&["status"]);
    assert_eq!(
        (
            status["key"]["kind"].as_str(),
            status["key"]["protection"].as_str()
        ),
        (Some("software"), Some("software"))
    );
    assert_eq!(
        status["key"]["signing_allowed"], true,
        "a development state signs with a software key"
    );
    std::fs::write(hsm.dir.join("d.bin"), b"dev").unwrap();
    dev(&["sign", "d.bin"]);
    assert!(hsm.cms_verifies("d.bin", "d.bin.p7s"));
}
