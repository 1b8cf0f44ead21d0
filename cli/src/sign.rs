//! `signet init | keygen | sign | verify | status | cert`: the main job,
//! signing files with the enforced sign path over a local state directory.
//!
//! State layout (under `--state DIR`, created on first use):
//! ```text
//! signer/key.p8        the signing key, PKCS#8 DER, mode 0600
//! signer/cert.der      its self-issued test certificate (cert::self_signed)
//! signer/signer.json   key type, signature algorithm
//! budgets/<sha256>/    the certificate's budget and ledger (see `budget.rs`)
//! ```
//! The key is a *software* key for development: production keys live in a
//! hardware token behind the same `Token` trait.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};
use serde_json::json;
use signet_core::ErrorCode;
use signet_core::budget::{CertFingerprint, UserId, Validity};
use signet_core::policy::CertificateRef;
use signet_core::sign::Signer;
use signet_core::time::UnixTime;
use signet_core::token::soft::SoftToken;
use signet_core::token::{EcdsaEncoding, HashAlgorithm, KeyUsage, SignatureAlgorithm};

use crate::budget::{self, Loaded, hex, refuse, user_id, write_atomic};
use crate::common::{Outcome, StateArgs};

type Rng = rand_core::UnwrapErr<getrandom::SysRng>;

fn rng() -> Rng {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// Key types `init` and `keygen` make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyTypeArg {
    /// ECDSA P-256 with SHA-256 (default).
    P256,
    /// ECDSA P-384 with SHA-384.
    P384,
    /// RSA 3072, PKCS#1 v1.5 with SHA-256.
    Rsa3072,
    /// RSA 4096, PKCS#1 v1.5 with SHA-384.
    Rsa4096,
}

impl KeyTypeArg {
    fn algorithm(self) -> SignatureAlgorithm {
        match self {
            KeyTypeArg::P256 => SignatureAlgorithm::Ecdsa {
                hash: HashAlgorithm::Sha256,
                encoding: EcdsaEncoding::Der,
            },
            KeyTypeArg::P384 => SignatureAlgorithm::Ecdsa {
                hash: HashAlgorithm::Sha384,
                encoding: EcdsaEncoding::Der,
            },
            KeyTypeArg::Rsa3072 => SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
            KeyTypeArg::Rsa4096 => SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha384),
        }
    }

    fn name(self) -> &'static str {
        match self {
            KeyTypeArg::P256 => "p256",
            KeyTypeArg::P384 => "p384",
            KeyTypeArg::Rsa3072 => "rsa3072",
            KeyTypeArg::Rsa4096 => "rsa4096",
        }
    }

    /// A new key as PKCS#8 DER.
    fn generate_pkcs8(self) -> Result<der::SecretDocument, String> {
        use p256::elliptic_curve::Generate;
        use p256::pkcs8::EncodePrivateKey;
        let mut rng = rng();
        let doc = match self {
            KeyTypeArg::P256 => p256::SecretKey::generate_from_rng(&mut rng).to_pkcs8_der(),
            KeyTypeArg::P384 => p384::SecretKey::generate_from_rng(&mut rng).to_pkcs8_der(),
            KeyTypeArg::Rsa3072 | KeyTypeArg::Rsa4096 => {
                let bits = if self == KeyTypeArg::Rsa3072 { 3072 } else { 4096 };
                let key = rsa::RsaPrivateKey::new(&mut rng, bits)
                    .map_err(|e| format!("RSA key generation: {e}"))?;
                rsa::pkcs8::EncodePrivateKey::to_pkcs8_der(&key)
            }
        };
        doc.map_err(|e| format!("PKCS#8 encoding: {e}"))
    }
}

/// Options of `init` and `keygen`.
#[derive(Debug, Args)]
pub struct InitArgs {
    #[command(flatten)]
    state: StateArgs,
    /// Key type.
    #[arg(long, value_enum, default_value = "p256")]
    key_type: KeyTypeArg,
    /// Signatures in the certificate's budget.
    #[arg(long, default_value_t = 1_000)]
    budget: u64,
    /// Days of certificate validity.
    #[arg(long, default_value_t = 365)]
    days: u32,
    /// The assigned signer (default: $USER).
    #[arg(long, env = "USER")]
    user: Option<String>,
    /// Replace an existing key (keygen) or state (init).
    #[arg(long)]
    force: bool,
    /// JSON output on stdout.
    #[arg(long)]
    json: bool,
}

/// Options of `sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    #[command(flatten)]
    state: StateArgs,
    /// Files to sign; each gets FILE.p7s next to it.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The acting user (default: $USER).
    #[arg(long, env = "USER")]
    user: Option<String>,
    /// JSON output on stdout.
    #[arg(long)]
    json: bool,
}

/// Options of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The signed file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The signature (default: FILE.p7s).
    #[arg(long, value_name = "P7S")]
    signature: Option<PathBuf>,
    /// JSON output on stdout.
    #[arg(long)]
    json: bool,
}

/// Options of `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    state: StateArgs,
    /// JSON output on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct SignerFile {
    key_type: KeyTypeArg,
    algorithm: String,
}

struct State {
    dir: PathBuf,
    key_type: KeyTypeArg,
    key: der::SecretDocument,
    cert: Vec<u8>,
}

fn signer_dir(state: &Path) -> PathBuf {
    state.join("signer")
}

/// `--user`, else $USER (clap), else $LOGNAME, else the account name of the
/// process's user id (root shells and CI often set neither variable).
fn acting_user(arg: Option<&str>) -> Result<UserId, String> {
    let logname = std::env::var("LOGNAME").ok().filter(|s| !s.is_empty());
    let account = if arg.is_none() && logname.is_none() {
        account_name()
    } else {
        None
    };
    user_id(arg.or(logname.as_deref()).or(account.as_deref()))
}

/// The name `/etc/passwd` gives the process's real user id (read from
/// `/proc/self/status`), without `unsafe` libc calls.
fn account_name() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?
        .to_owned();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)? == uid && !name.is_empty()).then(|| name.to_owned())
    })
}

fn now() -> Result<UnixTime, String> {
    budget::now(None)
}

fn write_secret(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let dir = path.parent().ok_or("no parent directory")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".signet-tmp");
    let tmp = PathBuf::from(tmp);
    let io = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let _ = std::fs::remove_file(&tmp);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io)
}

fn load_state(dir: &Path) -> Result<Option<State>, String> {
    let sd = signer_dir(dir);
    if !sd.join("signer.json").exists() {
        return Ok(None);
    }
    let read = |name: &str| {
        std::fs::read(sd.join(name)).map_err(|e| format!("cannot read {}: {e}", sd.join(name).display()))
    };
    let meta: SignerFile =
        serde_json::from_slice(&read("signer.json")?).map_err(|e| format!("signer.json is damaged: {e}"))?;
    let key =
        der::SecretDocument::try_from(read("key.p8")?).map_err(|e| format!("key.p8 is damaged: {e}"))?;
    Ok(Some(State {
        dir: dir.to_path_buf(),
        key_type: meta.key_type,
        key,
        cert: read("cert.der")?,
    }))
}

/// Makes a key, its certificate and its budget. `Ok(Err(outcome))` on refusal.
fn create(a: &InitArgs, dir: &Path) -> Result<Result<State, Outcome>, String> {
    let signer = acting_user(a.user.as_deref())?;
    let key = a.key_type.generate_pkcs8()?;
    let alg = a.key_type.algorithm();
    let mut token = SoftToken::<Rng, 1>::new(rng());
    let handle = token
        .import_pkcs8_der(key.as_bytes(), KeyUsage::SIGN_HASH, alg)
        .map_err(|e| format!("soft token: {e}"))?;
    let nb = now()?;
    let na = nb.saturating_add(i64::from(a.days) * 86_400);
    let serial = u64::try_from(nb.as_secs()).unwrap_or(1).max(1);
    let cn = format!("Signet development signer ({signer})");
    let cert = signet_core::cert::self_signed(&mut token, handle, &cn, nb, na, serial)
        .map_err(|e| format!("certificate: {e}"))?;
    let fp = CertFingerprint(
        CertificateRef::from_der(&cert)
            .map_err(|e| e.to_string())?
            .fingerprint_sha256(),
    );
    let validity = Validity {
        not_before: nb,
        not_after: na,
    };
    if let Err((code, message)) =
        budget::create_budget(&budget::budget_dir(dir, &fp), fp, validity, signer, a.budget)?
    {
        return Ok(Err(refuse(a.json, code, &message)));
    }
    let sd = signer_dir(dir);
    write_secret(&sd.join("key.p8"), key.as_bytes())?;
    write_atomic(&sd.join("cert.der"), &cert)?;
    let meta = SignerFile {
        key_type: a.key_type,
        algorithm: alg.name().to_string(),
    };
    write_atomic(
        &sd.join("signer.json"),
        &serde_json::to_vec_pretty(&meta).map_err(|e| e.to_string())?,
    )?;
    Ok(Ok(State {
        dir: dir.to_path_buf(),
        key_type: a.key_type,
        key,
        cert,
    }))
}

/// `signet init` and `signet keygen` (same code; `keygen` says "key").
pub fn run_init(a: InitArgs, what: &str) -> Outcome {
    let go = || -> Result<Outcome, String> {
        let dir = a.state.dir()?;
        if !a.force && load_state(&dir)?.is_some() {
            return Ok(refuse(
                a.json,
                if what == "key" {
                    "key_exists"
                } else {
                    "state_exists"
                },
                &format!(
                    "{} already has a signing key; pass --force to replace it",
                    dir.display()
                ),
            ));
        }
        let state = match create(&a, &dir)? {
            Ok(s) => s,
            Err(outcome) => return Ok(outcome),
        };
        status_of(&state, a.json)
    };
    go().unwrap_or_else(Outcome::Failed)
}

fn open_ledger(state: &State) -> Result<Loaded, String> {
    let fp = CertFingerprint(
        CertificateRef::from_der(&state.cert)
            .map_err(|e| format!("signer/cert.der: {e}"))?
            .fingerprint_sha256(),
    );
    budget::open_budget(&budget::budget_dir(&state.dir, &fp))?
        .ok_or_else(|| format!("no budget for the signing certificate {}", hex(&fp.0)))
}

/// `signet sign FILE...`.
pub fn run_sign(a: SignArgs) -> Outcome {
    let go = || -> Result<Outcome, String> {
        let dir = a.state.dir()?;
        let user = acting_user(a.user.as_deref())?;
        let state = match load_state(&dir)? {
            Some(s) => s,
            None => {
                let init = InitArgs {
                    state: a.state.clone(),
                    key_type: KeyTypeArg::P256,
                    budget: signet_core::budget::DEFAULT_ALLOTMENT,
                    days: 365,
                    user: Some(user.to_string()),
                    force: false,
                    json: a.json,
                };
                match create(&init, &dir)? {
                    Ok(s) => {
                        eprintln!(
                            "signet: initialised {} (P-256 key, 1000 signatures)",
                            dir.display()
                        );
                        s
                    }
                    Err(outcome) => return Ok(outcome),
                }
            }
        };
        sign_files(&state, &user, &a.files, a.json)
    };
    go().unwrap_or_else(Outcome::Failed)
}

fn sign_files(state: &State, user: &UserId, files: &[PathBuf], json_out: bool) -> Result<Outcome, String> {
    let alg = state.key_type.algorithm();
    let mut ledger = open_ledger(state)?;
    let mut token = SoftToken::<Rng, 1>::new(rng());
    let handle = token
        .import_pkcs8_der(state.key.as_bytes(), KeyUsage::SIGN_HASH, alg)
        .map_err(|e| format!("signer/key.p8: {e}"))?;
    let cert = CertificateRef::from_der(&state.cert).map_err(|e| format!("signer/cert.der: {e}"))?;
    let mut signer = Signer::new(cert, &mut token, handle, &ledger.budget, &mut ledger.store);
    let tty = std::io::stderr().is_terminal();
    let total = files.len();
    let mut results = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let content = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let digest = alg.hash().digest(&content);
        let (p7s, receipt) = match signer.sign_cms(user, now()?, None, alg, digest.as_bytes()) {
            Ok(r) => r,
            Err(e) => {
                if tty {
                    eprintln!();
                }
                return Ok(refuse(json_out, e.code(), &format!("{}: {e}", file.display())));
            }
        };
        let mut out = file.clone().into_os_string();
        out.push(".p7s");
        let out = PathBuf::from(out);
        write_atomic(&out, &p7s)?;
        let line = format!(
            "[{}/{total}] {} -> {} ({} remaining)",
            i + 1,
            file.display(),
            out.display(),
            receipt.signatures_remaining
        );
        if tty && total > 1 {
            eprint!("\r\x1b[2K{line}");
        } else {
            eprintln!("{line}");
        }
        if let Some(level) = receipt.crossed {
            eprintln!("signet: notice: signature usage reached {}", level.name());
        }
        results.push(json!({
            "file": file.display().to_string(),
            "signature": out.display().to_string(),
            "counter_index": receipt.counter_index,
            "remaining": receipt.signatures_remaining,
            "level": receipt.level.name(),
        }));
    }
    if tty && total > 1 {
        eprintln!();
    }
    let remaining = signer.remaining(now()?);
    if json_out {
        println!(
            "{}",
            json!({ "ok": true, "signed": results, "remaining": remaining })
        );
    } else {
        for r in &results {
            println!("{}", r["signature"].as_str().unwrap_or(""));
        }
        println!("{remaining} signatures remaining");
    }
    Ok(Outcome::Ok)
}

/// `signet verify FILE`.
pub fn run_verify(a: VerifyArgs) -> Outcome {
    let go = || -> Result<Outcome, String> {
        let content = std::fs::read(&a.file).map_err(|e| format!("cannot read {}: {e}", a.file.display()))?;
        let sig_path = a.signature.clone().unwrap_or_else(|| {
            let mut p = a.file.clone().into_os_string();
            p.push(".p7s");
            PathBuf::from(p)
        });
        let p7s = std::fs::read(&sig_path).map_err(|e| format!("cannot read {}: {e}", sig_path.display()))?;
        match signet_core::cms::verify_detached(&p7s, &content) {
            Ok(v) => {
                let cert = CertificateRef::from_der(&v.certificate_der).map_err(|e| e.to_string())?;
                let fp = hex(&cert.fingerprint_sha256());
                if a.json {
                    println!(
                        "{}",
                        json!({ "ok": true, "file": a.file.display().to_string(), "signature": sig_path.display().to_string(), "certificate_fingerprint": fp, "algorithm": v.algorithm.name() })
                    );
                } else {
                    println!(
                        "{}: signature OK ({}, certificate {fp})",
                        a.file.display(),
                        v.algorithm.name()
                    );
                }
                Ok(Outcome::Ok)
            }
            Err(e) => Ok(refuse(a.json, e.code(), &format!("{}: {e}", sig_path.display()))),
        }
    };
    go().unwrap_or_else(Outcome::Failed)
}

fn subject(cert: &[u8]) -> String {
    use der::Decode;
    x509_cert::Certificate::from_der(cert)
        .map(|c| c.tbs_certificate().subject().to_string())
        .unwrap_or_default()
}

fn status_of(state: &State, json_out: bool) -> Result<Outcome, String> {
    let cert = CertificateRef::from_der(&state.cert).map_err(|e| format!("signer/cert.der: {e}"))?;
    let ledger = open_ledger(state)?;
    let now = now()?;
    let budget = ledger.report(now);
    let v = json!({
        "ok": true,
        "state_dir": state.dir.display().to_string(),
        "certificate": {
            "subject": subject(&state.cert),
            "fingerprint": hex(&cert.fingerprint_sha256()),
            "not_before": cert.not_before().as_secs(),
            "not_after": cert.not_after().as_secs(),
        },
        "key_type": state.key_type.name(),
        "algorithm": state.key_type.algorithm().name(),
        "signer": budget["signer"],
        "budget": {
            "state": budget["state"],
            "total": budget["total"],
            "used": budget["used"],
            "remaining": budget["remaining"],
            "level": budget["level"],
        },
    });
    if json_out {
        println!("{v}");
    } else {
        println!(
            "state       {}\ncertificate {}\n  sha256    {}\n  validity  {} .. {}\nkey         {} ({})\nsigner      {}\nsignatures  {} used of {} ({} remaining, level {})",
            state.dir.display(),
            v["certificate"]["subject"].as_str().unwrap_or(""),
            v["certificate"]["fingerprint"].as_str().unwrap_or(""),
            utc(cert.not_before()),
            utc(cert.not_after()),
            state.key_type.name(),
            state.key_type.algorithm().name(),
            budget["signer"].as_str().unwrap_or(""),
            budget["used"],
            budget["total"],
            budget["remaining"],
            budget["level"].as_str().unwrap_or(""),
        );
    }
    Ok(Outcome::Ok)
}

/// `YYYY-MM-DD HH:MM:SSZ` for the human status output (JSON keeps UNIX seconds).
fn utc(t: UnixTime) -> String {
    let secs = t.as_secs().rem_euclid(signet_core::time::SECONDS_PER_DAY);
    match t.date() {
        Ok(d) => format!("{d} {:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60),
        Err(_) => format!("@{}", t.as_secs()),
    }
}

fn require_state(state: &StateArgs, json_out: bool) -> Result<Result<State, Outcome>, String> {
    let dir = state.dir()?;
    Ok(load_state(&dir)?.ok_or_else(|| {
        refuse(
            json_out,
            "state_not_initialised",
            &format!("no signing key in {}; run `signet init`", dir.display()),
        )
    }))
}

/// `signet status`.
pub fn run_status(a: StatusArgs) -> Outcome {
    let go = || -> Result<Outcome, String> {
        match require_state(&a.state, a.json)? {
            Ok(s) => status_of(&s, a.json),
            Err(o) => Ok(o),
        }
    };
    go().unwrap_or_else(Outcome::Failed)
}

/// `signet cert` without a subcommand: the signing certificate as PEM.
pub fn run_cert_pem(state: &StateArgs) -> Outcome {
    let go = || -> Result<Outcome, String> {
        let s = match require_state(state, false)? {
            Ok(s) => s,
            Err(o) => return Ok(o),
        };
        let pem = der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, &s.cert)
            .map_err(|e| e.to_string())?;
        print!("{pem}");
        Ok(Outcome::Ok)
    };
    go().unwrap_or_else(Outcome::Failed)
}
