//! `signet init | keygen | sign | verify | status | cert`: the main job,
//! signing files with the enforced sign path over a state directory. The
//! state and its rules are `signet-host`'s; this module maps arguments and
//! prints answers.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use serde_json::json;
use signet_core::token::{KeyType, SignatureAlgorithm};
use signet_host::clock::format_rfc3339;
use signet_host::report::{SignedBatch, Status};
use signet_host::{ExpectedSigner, InitOptions, Output, SignOptions, State, TokenKey};

use crate::Global;
use crate::output::{Outcome, Run, answer, line, note, to_value};

/// Options of `init` and `keygen`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Key type of a new software key (development state). Core's names;
    /// p256, p384, rsa3072, rsa4096 are accepted as aliases.
    #[arg(long, value_name = "TYPE", default_value = "ecc-p256", value_parser = crate::names::key_type(), conflicts_with = "token")]
    key_type: KeyType,
    /// Use the key on a PKCS#11 token that this RFC 7512 URI names
    /// (pkcs11:token=T;object=K;type=private?module-path=M): a production
    /// state. The PIN comes from $SIGNET_PKCS11_PIN or pin-source=file:PATH
    /// (pin-value is used for this command only and never stored).
    #[arg(long, value_name = "URI")]
    token: Option<String>,
    /// Generate the key on the token (non-extractable, sensitive, sign-only).
    #[arg(long, value_name = "TYPE", value_parser = crate::names::key_type(), requires = "token")]
    generate: Option<KeyType>,
    /// Signature algorithm (default: the key type's), e.g. rsa-pss-sha256.
    #[arg(long, value_name = "NAME", value_parser = parse_algorithm)]
    algorithm: Option<SignatureAlgorithm>,
    /// Signatures in the certificate's budget.
    #[arg(long, default_value_t = signet_core::budget::DEFAULT_ALLOTMENT)]
    budget: u64,
    /// Days of certificate validity.
    #[arg(long, default_value_t = 365)]
    days: u32,
    /// The assigned signer (default: the acting user).
    #[arg(long, value_name = "NAME")]
    signer: Option<String>,
    /// Replace an existing signer (its budget stays with its certificate).
    #[arg(long)]
    force: bool,
}

/// Options of `sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// Files to sign; each gets FILE.p7s next to it (or see --output, --output-dir).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The grant to sign under (default: your only active grant, when the
    /// certificate's signer policy requires one).
    #[arg(long, value_name = "ID")]
    grant: Option<u64>,
    /// Write the signature here (one input only).
    #[arg(long, value_name = "FILE", conflicts_with = "output_dir")]
    output: Option<PathBuf>,
    /// Write each signature as DIR/<name>.p7s.
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Timestamp each signature (RFC 3161) with this TSA, http:// only;
    /// repeat for fallbacks, tried in order (default: [timestamp] urls in
    /// signet.toml). Without a usable timestamp nothing is written.
    #[arg(long, value_name = "URL")]
    tsa: Vec<String>,
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
    /// The expected signer's certificate (PEM or DER) instead of the state's.
    #[arg(long, value_name = "CERT", conflicts_with_all = ["any_signer", "ca"])]
    cert: Option<PathBuf>,
    /// Accept any signer whose certificate is issued by one of these trust
    /// anchors (PEM bundle or DER).
    #[arg(long, value_name = "FILE", conflicts_with = "any_signer")]
    ca: Option<PathBuf>,
    /// Check integrity only: accept any signer.
    #[arg(long)]
    any_signer: bool,
}

fn parse_algorithm(s: &str) -> Result<SignatureAlgorithm, String> {
    s.parse::<SignatureAlgorithm>().map_err(|e| e.to_string())
}

/// `signet init` and `signet keygen`.
pub fn run_init(a: InitArgs, g: &Global) -> Run {
    let key_type = match a.generate {
        Some(t) => t,
        None => a.key_type,
    };
    let on_token = a.token.is_some();
    let pin_in_uri = a.token.as_deref().is_some_and(|u| u.contains("pin-value="));
    let init = InitOptions {
        key_type,
        algorithm: a.algorithm,
        // Moved, not copied: TokenKey wipes the URI (it may hold a PIN) when dropped.
        token: a.token.map(|uri| TokenKey {
            uri,
            generate: a.generate.is_some(),
        }),
        budget: a.budget,
        days: a.days,
        signer: a.signer,
        force: a.force,
    };
    let state = State::init(&g.state_dir()?, g.open_options()?, &init)?;
    let status = state.status()?;
    print_status(&status, g.json);
    drop(init);
    if on_token {
        if pin_in_uri {
            note(
                "signet: the PIN in the URI was used for this command only and is not stored; later commands read $SIGNET_PKCS11_PIN (or a pin-source=file: in the URI)",
            );
        }
        note(&format!(
            "signet: the certificate is a self-issued bootstrap certificate; next: `signet csr new --subject DN --out {}.csr`, order the certificate with that CSR, then `signet cert import FILE`",
            status.key.key_label.as_deref().unwrap_or("key")
        ));
    }
    Ok(Outcome::Ok)
}

/// `signet sign FILE...`: creates a development state on first use.
pub fn run_sign(a: SignArgs, g: &Global) -> Run {
    let dir = g.state_dir()?;
    let (state, created) = State::open_or_create(&dir, g.open_options()?, &InitOptions::default())?;
    if created {
        note(&format!(
            "signet: initialised {} (development state: P-256 software key, {} signatures)",
            dir.display(),
            signet_core::budget::DEFAULT_ALLOTMENT
        ));
    }
    let output = match (a.output, a.output_dir) {
        (Some(file), _) => Output::File(file),
        (None, Some(d)) => Output::Dir(d),
        (None, None) => Output::Beside,
    };
    let options = SignOptions {
        grant: a.grant,
        tsa: a.tsa,
    };
    let tty = std::io::stderr().is_terminal();
    if tty && a.files.len() > 1 {
        note(&format!("signet: signing {} files", a.files.len()));
    }
    let batch: SignedBatch = state.sign_files(&a.files, &output, &options)?;
    for crossing in &batch.crossed {
        note(&format!(
            "signet: notice: signature usage reached {} ({} used)",
            crossing.level, crossing.used
        ));
    }
    answer(g.json, to_value(&batch), || {
        let mut out = String::new();
        for s in &batch.signed {
            match s.timestamp {
                Some(t) => out.push_str(&format!(
                    "{} (timestamped {})\n",
                    s.signature,
                    format_rfc3339(signet_core::time::UnixTime(t))
                )),
                None => out.push_str(&format!("{}\n", s.signature)),
            }
        }
        out.push_str(&format!("{} signatures remaining\n", batch.remaining));
        out
    });
    Ok(Outcome::Ok)
}

/// `signet verify FILE`.
pub fn run_verify(a: VerifyArgs, g: &Global) -> Run {
    let read = |path: &PathBuf| signet_host::fsio::read_limited(path, crate::validate::INPUT_LIMIT);
    let name = |path: &PathBuf| path.display().to_string();
    let expect = match (&a.cert, &a.ca, a.any_signer) {
        (Some(path), _, _) => {
            ExpectedSigner::Certificate(signet_host::key::certificate_der(&read(path)?, &name(path))?)
        }
        (None, Some(path), _) => {
            ExpectedSigner::IssuedBy(signet_host::sign::certificates(&read(path)?, &name(path))?)
        }
        (None, None, true) => ExpectedSigner::AnySigner,
        (None, None, false) => ExpectedSigner::StateCertificate,
    };
    let verified = match expect {
        ExpectedSigner::StateCertificate => {
            g.open()?.verify_file(&a.file, a.signature.as_deref(), &expect)?
        }
        _ => signet_host::sign::verify_file(&a.file, a.signature.as_deref(), &expect, None)?,
    };
    answer(g.json, to_value(&verified), || {
        let who = match verified.signer_check {
            "any_signer" => format!("integrity only; signer NOT checked: {}", verified.subject),
            _ => format!("signed by {}", verified.subject),
        };
        let mut out = format!(
            "{}: signature OK ({}, {who}, certificate {})\n",
            verified.file, verified.algorithm, verified.certificate_fingerprint
        );
        if let Some(t) = &verified.timestamp {
            out.push_str(&format!(
                "timestamp {} by {} (token intact and over this signature; the TSA's chain is not checked)\n",
                format_rfc3339(signet_core::time::UnixTime(t.time)),
                t.tsa
            ));
        }
        out
    });
    Ok(Outcome::Ok)
}

/// The key's line and its protection evidence, for `status`.
fn key_text(s: &Status) -> String {
    let k = &s.key;
    let place = match (&k.token_label, &k.key_label) {
        (Some(token), Some(key)) => format!("pkcs11 token {token:?}, key {key:?}"),
        (Some(token), None) => format!("pkcs11 token {token:?}"),
        _ => format!("{} token", k.kind),
    };
    let mut out = format!("key         {} ({}, {place})\n", s.key_type, s.algorithm);
    let protection = match &k.evidence {
        Some(e) if e.generated_on_token_never_left => {
            "hardware: generated on the token, never extractable, always sensitive".to_string()
        }
        Some(e) => format!(
            "hardware: local={} sensitive={} always_sensitive={} extractable={} never_extractable={}",
            e.local, e.sensitive, e.always_sensitive, e.extractable, e.never_extractable
        ),
        None => k.protection.to_string(),
    };
    out.push_str(&format!("protection  {protection}\n"));
    if let (Some(code), Some(message)) = (k.refusal, &k.refusal_message) {
        out.push_str(&format!("  signing refused: {message} [{code}]\n"));
    }
    out
}

fn print_status(s: &Status, json_out: bool) {
    answer(json_out, to_value(s), || {
        let b = &s.budget;
        format!(
            "state       {}{}\ncertificate {}\n  sha256    {}\n  validity  {} .. {}\n{}signer      {}{}\nsignatures  {} used of {} ({} remaining, {}, level {})\n",
            s.state_dir,
            if s.development {
                " (development)"
            } else {
                " (production)"
            },
            s.certificate.subject,
            s.certificate.fingerprint,
            format_rfc3339(signet_core::time::UnixTime(s.certificate.not_before)),
            format_rfc3339(signet_core::time::UnixTime(s.certificate.not_after)),
            key_text(s),
            s.signer,
            if s.grant_required {
                " (signing needs a grant)"
            } else {
                ""
            },
            b.used,
            b.total,
            b.remaining,
            b.state,
            b.level,
        )
    });
}

/// `signet status`.
pub fn run_status(g: &Global) -> Run {
    print_status(&g.open()?.status()?, g.json);
    Ok(Outcome::Ok)
}

/// `signet cert` without a subcommand: the signing certificate as PEM.
pub fn run_cert_pem(g: &Global) -> Run {
    let state = g.open()?;
    let pem = signet_host::key::certificate_pem(state.certificate_der());
    if g.json {
        line(&json!({ "ok": true, "certificate_pem": pem }).to_string());
    } else {
        crate::output::out(&pem);
    }
    Ok(Outcome::Ok)
}
