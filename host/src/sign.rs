//! Signing through a [`State`]: digests, files and batches, every signature
//! through core's enforced path (`signet_core::sign::Signer`), counted in
//! the budget's ledger and, when the certificate has a signer policy, in the
//! grant's ledger.
//!
//! # Batches
//! A batch is checked before anything is counted: every input must be
//! readable and every output location writable, and the budget (and the
//! grant) must cover the whole batch. The ledger stays locked for the whole
//! batch, so no other signer can take what was counted on. If writing a
//! signature fails after it was made, it stays counted (fail closed) and the
//! error names exactly which files were signed.
//!
//! # Timestamps
//! With TSA URLs (in [`SignOptions::tsa`], else `[timestamp] urls` in
//! `signet.toml`) every signature of a batch gets an RFC 3161 timestamp
//! before anything is written (see [`crate::timestamp`]). When no TSA gives a
//! usable one for a signature, nothing of the batch is written
//! (`timestamp_failed`) and its signatures stay counted: they were made, and
//! the budget fails closed.

use std::cell::Cell;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::Digest as _;
use signet_core::budget::{Budget, BudgetState, CertFingerprint};
use signet_core::policy::CertificateRef;
use signet_core::sign::{Receipt, SignError, SignOptions as CoreOptions, Signer};
use signet_core::token::{HashAlgorithm, MAX_SIGNATURE_LEN};

use crate::error::{Error, Result};
use crate::report::{Crossing, SignedBatch, SignedDigest, SignedFile, Verified};
use crate::state::State;
use crate::store::{OpenBudget, OpenGrant};

/// Options of a signature.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignOptions {
    /// The grant to use; without one, the acting user's only active grant
    /// for the certificate (when its signer policy requires one).
    pub grant: Option<u64>,
    /// RFC 3161 timestamp authorities (`http://` URLs), tried in order, for
    /// the signatures of files; empty: those of `signet.toml`, if any.
    /// Signatures of bare digests ([`State::sign_digest`]) are not CMS and
    /// get no timestamp.
    pub tsa: Vec<String>,
}

/// Where signatures of a batch go.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Output {
    /// `FILE.p7s` next to each file.
    #[default]
    Beside,
    /// This file (a batch of one only).
    File(PathBuf),
    /// `DIR/<file name>.p7s`.
    Dir(PathBuf),
}

/// Bytes read per chunk when hashing a file.
const CHUNK: usize = 1 << 20;

/// Hashes a file in chunks: memory stays constant whatever its size. The
/// `sha2` crate picks the CPU's SHA extensions at run time where present.
///
/// # Errors
/// `input_unreadable`.
pub fn hash_file(path: &Path, hash: HashAlgorithm) -> Result<Vec<u8>> {
    enum H {
        S256(sha2::Sha256),
        S384(sha2::Sha384),
        S512(sha2::Sha512),
    }
    let mut h = match hash {
        HashAlgorithm::Sha384 => H::S384(sha2::Sha384::new()),
        HashAlgorithm::Sha512 => H::S512(sha2::Sha512::new()),
        _ => H::S256(sha2::Sha256::new()),
    };
    let mut file = std::fs::File::open(path).map_err(|e| Error::io("input_unreadable", "read", path, &e))?;
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io("input_unreadable", "read", path, &e)),
        };
        let chunk = buf.get(..n).unwrap_or_default();
        match &mut h {
            H::S256(h) => h.update(chunk),
            H::S384(h) => h.update(chunk),
            H::S512(h) => h.update(chunk),
        }
    }
    Ok(match h {
        H::S256(h) => h.finalize().to_vec(),
        H::S384(h) => h.finalize().to_vec(),
        H::S512(h) => h.finalize().to_vec(),
    })
}

fn signature_path(file: &Path, output: &Output) -> PathBuf {
    match output {
        Output::File(path) => path.clone(),
        Output::Dir(dir) => {
            let mut name = file.file_name().unwrap_or_default().to_os_string();
            name.push(".p7s");
            dir.join(name)
        }
        Output::Beside => {
            let mut p = file.as_os_str().to_owned();
            p.push(".p7s");
            PathBuf::from(p)
        }
    }
}

fn sign_error(e: &SignError) -> Error {
    Error::from_core(e)
}

/// A signature made in a session, with the record it must be logged with
/// before it is released.
pub(crate) struct Made {
    receipt: Receipt,
    signature: Vec<u8>,
    event: crate::audit::Event,
    timestamp: Option<i64>,
}

/// A signature refused in a session, with its record.
pub(crate) struct Refused {
    error: Error,
    event: crate::audit::Event,
}

/// Signs one digest in a session: `(digest, as CMS, detail for the log)`.
type SignOne<'a> = dyn FnMut(&[u8], bool, Option<&str>) -> core::result::Result<Made, Box<Refused>> + 'a;

/// What one signature session holds: the budget (and grant) ledgers, locked.
struct Session<'s> {
    budget_ledger: OpenBudget<'s>,
    budget: Budget,
    grant: Option<(OpenGrant<'s>, signet_core::grant::Grant)>,
}

impl State {
    /// Opens the ledgers for `count` signatures by the acting user, and
    /// refuses up front when the budget or grant cannot cover them.
    fn session(&self, count: u64, options: &SignOptions) -> Result<Session<'_>> {
        let fp = self.fingerprint;
        // The log must take the records before anything is counted.
        self.store.check_audit()?;
        let block = u32::try_from(count).unwrap_or(u32::MAX);
        let mut budget_ledger = self.store.open_budget(&fp, block)?;
        let budget = budget_ledger.record().to_budget()?;
        let now = self.clock.now();
        let grant = self.grant_for(&fp, options)?;
        // Whole-batch check. Refusals that are not about counts (not the
        // signer, revoked, expired, ...) come from core on the first
        // signature, with their own codes, before anything is counted.
        let remaining = budget.remaining(&budget_ledger.counter().usage(), now);
        if count > 1 && budget.state(now) == BudgetState::Valid && count > remaining && remaining > 0 {
            return Err(Error::refused(
                "sign_budget_exhausted",
                format!("{count} signatures needed, {remaining} remaining; nothing was signed"),
            ));
        }
        let grant = match grant {
            None => None,
            Some(id) => {
                let mut ledger = self.store.open_grant(id, block)?;
                let used = ledger.counter().usage().used();
                let core = ledger.record().to_core(used)?;
                if let Some(allowed) = core.allowed_ops() {
                    let left = u64::from(allowed).saturating_sub(used);
                    if count > 1 && count > left && left > 0 {
                        return Err(Error::refused(
                            "sign_grant_exhausted",
                            format!(
                                "{count} signatures needed, grant {id} has {left} operations left; nothing was signed"
                            ),
                        ));
                    }
                }
                Some((ledger, core))
            }
        };
        Ok(Session {
            budget_ledger,
            budget,
            grant,
        })
    }

    /// The grant a signature uses: none without a signer policy; the named
    /// one; or the acting user's only active one.
    fn grant_for(&self, fp: &CertFingerprint, options: &SignOptions) -> Result<Option<u64>> {
        let policy = self.grant_policy_of(fp)?;
        match (options.grant, policy) {
            (Some(id), _) => {
                if self.store.read_grant(id)?.is_none() {
                    return Err(Error::refused(
                        "grant_not_found",
                        format!("there is no grant {id}"),
                    ));
                }
                Ok(Some(id))
            }
            (None, None) => Ok(None),
            (None, Some(_)) => {
                let active = self.active_grants(fp, &self.user)?;
                match active.as_slice() {
                    // No active grant: the newest one the user holds, if any,
                    // so that core refuses with its reason (used up, window
                    // ended, not yet active, revoked).
                    [] => match self.user_grants(fp, &self.user)?.last() {
                        Some(newest) => Ok(Some(newest.id)),
                        None => Err(sign_error(&SignError::GrantRequired)
                            .with_hint("request signing access with `signet grant request`")),
                    },
                    [one] => Ok(Some(one.id)),
                    many => {
                        let ids: Vec<String> = many.iter().map(|g| g.id.to_string()).collect();
                        Err(Error::refused(
                            "grant_ambiguous",
                            format!(
                                "{} holds several active grants ({}); name one",
                                self.user,
                                ids.join(", ")
                            ),
                        )
                        .with_hint("pass --grant ID"))
                    }
                }
            }
        }
    }

    /// Runs `each` once per signature in one session, then closes the ledgers.
    fn with_signer<T>(
        &self,
        count: u64,
        options: &SignOptions,
        mut each: impl FnMut(&mut SignOne<'_>) -> Result<T>,
    ) -> Result<T> {
        // A counter failure left from an earlier session of this thread
        // must not explain this one's.
        let _ = self.store.take_counter_failure();
        let mut session = self.session(count, options)?;
        let Session {
            budget_ledger,
            budget,
            grant,
        } = &mut session;
        let cert = CertificateRef::from_der(&self.cert)
            .map_err(|e| Error::failed("state_record_damaged", format!("signer/cert.der: {e}")))?;
        let mut key = self
            .key
            .lock()
            .map_err(|_| Error::failed("state_io", "the signing key's lock was poisoned by a panic"))?;
        let key = &mut *key;
        // The key-protection rule (core's), before anything is counted.
        self.check_key_protection(key)?;
        let handle = key.handle;
        // A PKCS#11 failure reaches core's sign path as a generic kind; its
        // code comes from here.
        let last_failure = match &key.token {
            crate::key::Backend::Pkcs11(t) => Some(t.last_failure()),
            crate::key::Backend::Software(_) | crate::key::Backend::Caller(_) => None,
        };
        if let Some(last) = &last_failure {
            // Only this session's failures.
            last.take();
        }
        let sign_error = |e: &SignError| -> Error {
            match (e, &last_failure) {
                (SignError::Token(_), Some(last)) => match last.take() {
                    Some(p11) => {
                        let e = Error::from(p11);
                        let message = format!("{}; nothing was signed or counted", e.message());
                        let out = if e.is_refusal() {
                            Error::refused(e.code(), message)
                        } else {
                            Error::failed(e.code(), message)
                        };
                        match e.hint() {
                            Some(h) => out.with_hint(h),
                            None => out,
                        }
                    }
                    None => sign_error(e),
                },
                // A shared store that failed under the counter (a database
                // gone away) says so with its own code: `store_unavailable`.
                (SignError::Counter(_), _) => match self.store.take_counter_failure() {
                    Some(store) => store,
                    None => sign_error(e),
                },
                _ => sign_error(e),
            }
        };
        let policy = self.grant_policy_of(&self.fingerprint)?.is_some();
        let mut signer = Signer::new(cert, &mut key.token, handle, budget, budget_ledger.counter())
            .with_options(CoreOptions {
                require_grant: policy,
                ..CoreOptions::default()
            });
        let user = self.user.clone();
        let alg = self.algorithm;
        let clock = self.clock;
        let fingerprint = crate::hex(&self.fingerprint.0);
        let mut sign_one =
            |digest: &[u8], cms: bool, detail: Option<&str>| -> core::result::Result<Made, Box<Refused>> {
                let now = clock.now();
                let made = if cms {
                    let out = match grant {
                        Some((ledger, g)) => {
                            signer.sign_cms_granted(&user, now, g, ledger.counter(), alg, digest)
                        }
                        None => signer.sign_cms(&user, now, None, alg, digest),
                    };
                    out.map(|(p7s, r)| (r, p7s))
                } else {
                    let mut sig = [0u8; MAX_SIGNATURE_LEN];
                    let r = match grant {
                        Some((ledger, g)) => {
                            signer.sign_digest_granted(&user, now, g, ledger.counter(), alg, digest, &mut sig)
                        }
                        None => signer.sign_digest(&user, now, None, alg, digest, &mut sig),
                    };
                    r.map(|r| (r, sig.get(..r.signature_len).unwrap_or_default().to_vec()))
                };
                // Every attempt gets a record; the caller appends them in order
                // (a batch in one write) before any signature leaves.
                let mut event = crate::audit::Event {
                    action: "sign",
                    certificate: Some(fingerprint.clone()),
                    artifact: Some(crate::hex(digest)),
                    grant: grant.as_ref().map(|(_, g)| g.id().0),
                    detail: detail.map(str::to_string),
                    ..crate::audit::Event::default()
                };
                match made {
                    Ok((receipt, signature)) => {
                        event.outcome = "ok".into();
                        event.counted = 1;
                        Ok(Made {
                            receipt,
                            signature,
                            event,
                            timestamp: None,
                        })
                    }
                    Err(e) => {
                        event.outcome = signet_core::ErrorCode::code(&e).to_string();
                        // A signature that failed verification was still counted.
                        event.counted = u64::from(matches!(e, SignError::VerifyFailed { .. }));
                        Err(Box::new(Refused {
                            error: sign_error(&e),
                            event,
                        }))
                    }
                }
            };
        let result = each(&mut sign_one);
        // Close (and record the ledger sequences) whatever happened: every
        // signature made is already durable in the ledgers.
        let Session {
            budget_ledger, grant, ..
        } = session;
        let grant_closed = grant.map(|(ledger, _)| ledger.close()).transpose();
        let budget_closed = budget_ledger.close();
        let value = result?;
        grant_closed?;
        budget_closed?;
        Ok(value)
    }

    /// Signs a digest (already hashed with the state algorithm's hash).
    ///
    /// # Errors
    /// Core's `sign_*` codes, `grant_*`, the store's codes.
    pub fn sign_digest(&self, digest: &[u8], options: &SignOptions) -> Result<SignedDigest> {
        let alg = self.algorithm;
        let logged = Cell::new(false);
        let result = self.with_signer(1, options, |sign| {
            let made = match sign(digest, false, None) {
                Ok(made) => made,
                Err(refused) => {
                    let _ = self.record(&[refused.event]);
                    logged.set(true);
                    return Err(refused.error);
                }
            };
            let audit = self
                .record(core::slice::from_ref(&made.event))
                .map_err(unreleased)?
                .pop();
            let receipt = made.receipt;
            Ok(SignedDigest {
                audit: audit.ok_or_else(|| Error::failed("state_io", "the audit log took no record"))?,
                signature: made.signature,
                algorithm: alg.name(),
                counter_index: receipt.counter_index,
                grant: receipt.grant_id.map(|g| g.0),
                remaining: receipt.signatures_remaining,
                level: receipt.level.name(),
                crossed: receipt.crossed.map(|l| l.name()),
            })
        });
        self.log_refusal(&result, &logged, Some(crate::hex(digest)), None);
        result
    }

    /// Appends records to the audit log, as the acting user, now.
    fn record(&self, events: &[crate::audit::Event]) -> Result<Vec<crate::audit::Receipt>> {
        self.store
            .append_audit_batch(events, self.clock.now().as_secs(), self.user.as_str())
    }

    /// Records a refusal that happened before a signature was attempted
    /// (inputs, outputs, the session's checks).
    fn log_refusal<T>(
        &self,
        result: &Result<T>,
        logged: &Cell<bool>,
        artifact: Option<String>,
        detail: Option<String>,
    ) {
        if let Err(e) = result
            && !logged.get()
        {
            let event = crate::audit::Event {
                action: "sign",
                certificate: Some(crate::hex(&self.fingerprint.0)),
                artifact,
                outcome: e.code().to_string(),
                detail,
                ..crate::audit::Event::default()
            };
            let _ = self.audit(&event);
        }
    }

    /// Signs one file: a detached CMS signature written to `FILE.p7s` (or
    /// `output`).
    ///
    /// # Errors
    /// As [`sign_files`](Self::sign_files).
    pub fn sign_file(&self, file: &Path, output: &Output, options: &SignOptions) -> Result<SignedFile> {
        let mut batch = self.sign_files(&[file.to_path_buf()], output, options)?;
        batch
            .signed
            .pop()
            .ok_or_else(|| Error::failed("state_io", "no signature was produced"))
    }

    /// Signs a batch of files, all or nothing (see the module docs).
    ///
    /// # Errors
    /// `input_unreadable`, `output_unwritable` (before anything is counted),
    /// `sign_budget_exhausted` / `sign_grant_exhausted` naming what is needed
    /// and left, core's `sign_*` codes, and `output_unwritable` after
    /// signing, naming the files signed and counted.
    pub fn sign_files(
        &self,
        files: &[PathBuf],
        output: &Output,
        options: &SignOptions,
    ) -> Result<SignedBatch> {
        let logged = Cell::new(false);
        let result = self.sign_batch(files, output, options, &logged);
        let names: Vec<String> = files.iter().take(10).map(|f| f.display().to_string()).collect();
        let more = files.len().saturating_sub(names.len());
        let detail = match more {
            0 => names.join(", "),
            n => format!("{} and {n} more", names.join(", ")),
        };
        self.log_refusal(&result, &logged, None, Some(detail));
        result
    }

    fn sign_batch(
        &self,
        files: &[PathBuf],
        output: &Output,
        options: &SignOptions,
        logged: &Cell<bool>,
    ) -> Result<SignedBatch> {
        if matches!(output, Output::File(_)) && files.len() != 1 {
            return Err(Error::failed(
                "output_unwritable",
                "an output file can take one signature; use an output directory for several",
            ));
        }
        // Preflight: every input readable, every output writable.
        let mut plan = Vec::with_capacity(files.len());
        for file in files {
            let meta =
                std::fs::metadata(file).map_err(|e| Error::io("input_unreadable", "read", file, &e))?;
            if meta.is_dir() {
                return Err(Error::failed(
                    "input_unreadable",
                    format!("{} is a directory", file.display()),
                ));
            }
            std::fs::File::open(file).map_err(|e| Error::io("input_unreadable", "read", file, &e))?;
            let out = signature_path(file, output);
            if out.is_dir() {
                return Err(Error::failed(
                    "output_unwritable",
                    format!("cannot write {}: it is a directory", out.display()),
                ));
            }
            crate::fsio::check_writable(&out)?;
            plan.push((file.clone(), out));
        }
        // Hash before taking the ledger: hashing a large file must not hold
        // other signers up.
        let hash = self.algorithm.hash();
        let digests = plan
            .iter()
            .map(|(file, _)| hash_file(file, hash))
            .collect::<Result<Vec<_>>>()?;
        let tsa = match options.tsa.as_slice() {
            [] => self.config.timestamp.urls.clone(),
            urls => urls.to_vec(),
        };
        // Before anything is counted: a URL this build cannot ask.
        crate::timestamp::check_urls(&tsa)?;
        let count = u64::try_from(plan.len()).unwrap_or(u64::MAX);
        self.with_signer(count, options, |sign| {
            // Sign everything first, then record everything in one write,
            // then release: a batch costs one audit write, and no signature
            // leaves without its record.
            let mut made = Vec::with_capacity(plan.len());
            let mut refusal = None;
            for ((file, _), digest) in plan.iter().zip(&digests) {
                match sign(digest, true, Some(&file.display().to_string())) {
                    Ok(m) => made.push(m),
                    Err(r) => {
                        refusal = Some(r);
                        break;
                    }
                }
            }
            // Timestamps before the audit write, so that the batch's one
            // record per signature states what became of it. The ledger
            // stays locked meanwhile (bounded by the TSA timeouts): the
            // session is one unit of reserve, sign, record, settle.
            let mut untimestamped = None;
            if !tsa.is_empty() {
                for m in &mut made {
                    match crate::timestamp::stamp(&tsa, &m.signature) {
                        Ok((p7s, stamp)) => {
                            m.signature = p7s;
                            m.timestamp = Some(stamp.time.as_secs());
                        }
                        Err(failures) => {
                            untimestamped = Some(failures);
                            break;
                        }
                    }
                }
            }
            if untimestamped.is_some() {
                // Audit outcome `timestamp_failed` with `counted` 1 for every
                // signature of the batch: each was made and committed in the
                // ledger (fail closed), so the log counts it, which keeps
                // `audit verify`'s ledger cross-check true; the outcome is
                // not `ok` because none is released (as with
                // `sign_verify_failed`, also counted and not released).
                for m in &mut made {
                    m.event.outcome = "timestamp_failed".into();
                }
            }
            let mut events: Vec<crate::audit::Event> = made.iter().map(|m| m.event.clone()).collect();
            if let Some(r) = &refusal {
                events.push(r.event.clone());
            }
            if refusal.is_some() || untimestamped.is_some() {
                logged.set(true);
            }
            let receipts = self.record(&events).map_err(unreleased)?;
            if let Some(failures) = untimestamped {
                let files: Vec<String> = plan
                    .iter()
                    .take(made.len())
                    .map(|(file, _)| file.display().to_string())
                    .collect();
                let e = crate::timestamp::failed(&failures, &files);
                return Err(match refusal {
                    // The refusal that stopped the batch is named too.
                    Some(r) => Error::failed(
                        e.code(),
                        format!("{}; then {} [{}]", e.message(), r.error.message(), r.error.code()),
                    )
                    .with_hint(e.hint().unwrap_or_default()),
                    None => e,
                });
            }
            let mut signed = Vec::with_capacity(made.len());
            let mut crossed = Vec::new();
            let mut remaining = 0;
            let mut signatures = Vec::with_capacity(made.len());
            for (((file, out), m), audit) in plan.iter().zip(made).zip(receipts) {
                let receipt = m.receipt;
                if let Some(level) = receipt.crossed {
                    crossed.push(Crossing {
                        used: receipt.counter_index.saturating_add(1),
                        level: level.name(),
                    });
                }
                remaining = receipt.signatures_remaining;
                let timestamp = m.timestamp;
                signatures.push((out, m.signature));
                signed.push(SignedFile {
                    audit,
                    file: file.display().to_string(),
                    signature: out.display().to_string(),
                    counter_index: receipt.counter_index,
                    grant: receipt.grant_id.map(|g| g.0),
                    remaining: receipt.signatures_remaining,
                    level: receipt.level.name(),
                    timestamp,
                });
            }
            for (i, (out, signature)) in signatures.iter().enumerate() {
                if let Err(e) = crate::fsio::write_output(out, signature) {
                    let written: Vec<&str> = signed.iter().take(i).map(|s| s.signature.as_str()).collect();
                    let written = if written.is_empty() {
                        "none".to_string()
                    } else {
                        written.join(", ")
                    };
                    return Err(partial(
                        Error::failed(
                            e.code(),
                            format!("{} (signatures written: {written})", e.message()),
                        ),
                        &signed,
                    ));
                }
            }
            match refusal {
                None => Ok(SignedBatch {
                    signed,
                    crossed,
                    remaining,
                }),
                Some(r) if signed.is_empty() => Err(r.error),
                Some(r) => Err(partial(r.error, &signed)),
            }
        })
    }

    /// Verifies `file` against its detached CMS signature (`FILE.p7s` or
    /// `signature`), and checks who signed: by default the state's signing
    /// certificate.
    ///
    /// # Errors
    /// `input_unreadable`, core's `cms_*` codes, `verify_unexpected_signer`.
    pub fn verify_file(
        &self,
        file: &Path,
        signature: Option<&Path>,
        expect: &ExpectedSigner,
    ) -> Result<Verified> {
        verify_file(file, signature, expect, Some(&self.cert))
    }
}

/// Who a verified signature must come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ExpectedSigner {
    /// The state's signing certificate.
    #[default]
    StateCertificate,
    /// This certificate (DER).
    Certificate(Vec<u8>),
    /// A certificate issued by one of these trust anchors (DER), or one of
    /// them itself. The issuer's name and signature are checked; validity
    /// dates are not (a signature outlives its certificate's validity).
    IssuedBy(Vec<Vec<u8>>),
    /// Anyone: integrity only.
    AnySigner,
}

/// Largest artifact [`verify_file`] reads (it holds the content in memory).
pub const VERIFY_LIMIT: u64 = 1 << 32;
/// Largest `.p7s` read.
pub const SIGNATURE_LIMIT: u64 = 1 << 20;

/// Verifies a file against a detached CMS signature without a state (with
/// [`ExpectedSigner::Certificate`] or [`ExpectedSigner::AnySigner`]).
///
/// # Errors
/// As [`State::verify_file`].
pub fn verify_file(
    file: &Path,
    signature: Option<&Path>,
    expect: &ExpectedSigner,
    state_cert: Option<&[u8]>,
) -> Result<Verified> {
    let sig_path = signature
        .map(Path::to_path_buf)
        .unwrap_or_else(|| signature_path(file, &Output::Beside));
    let content = crate::fsio::read_limited(file, VERIFY_LIMIT)?;
    let p7s = crate::fsio::read_limited(&sig_path, SIGNATURE_LIMIT)?;
    let v = signet_core::cms::verify_detached(&p7s, &content)
        .map_err(|e| Error::from_core_in(&sig_path.display().to_string(), &e))?;
    let fp = crate::key::fingerprint(&v.certificate_der)?;
    let check = match expect {
        ExpectedSigner::StateCertificate => "state_certificate",
        ExpectedSigner::Certificate(_) => "certificate",
        ExpectedSigner::IssuedBy(_) => "trust_anchor",
        ExpectedSigner::AnySigner => "any_signer",
    };
    let expected = match expect {
        ExpectedSigner::StateCertificate => state_cert,
        ExpectedSigner::Certificate(der) => Some(der.as_slice()),
        _ => None,
    };
    match expect {
        ExpectedSigner::AnySigner => {}
        ExpectedSigner::IssuedBy(anchors) => {
            if !anchors.iter().any(|a| issued_by(&v.certificate_der, a)) {
                return Err(Error::refused(
                    "verify_untrusted_signer",
                    format!(
                        "{}: the signature is intact but its signer ({}) is not issued by any of the {} trust anchor(s)",
                        sig_path.display(),
                        crate::key::subject(&v.certificate_der),
                        anchors.len()
                    ),
                ));
            }
        }
        _ => {
            let expected =
                expected.ok_or_else(|| Error::failed("state_not_initialised", "no expected signer"))?;
            if expected != v.certificate_der.as_slice() {
                let want = crate::key::fingerprint(expected)?;
                return Err(Error::refused(
                    "verify_unexpected_signer",
                    format!(
                        "{}: the signature is intact but was made by certificate {} ({}), not the expected {}",
                        sig_path.display(),
                        crate::hex(&fp.0),
                        crate::key::subject(&v.certificate_der),
                        crate::hex(&want.0)
                    ),
                )
                .with_hint("pass --cert FILE to name the expected signer, --ca FILE to accept a CA's certificates, or --any-signer to check integrity only"));
            }
        }
    }
    Ok(Verified {
        file: file.display().to_string(),
        signature: sig_path.display().to_string(),
        certificate_fingerprint: crate::hex(&fp.0),
        subject: crate::key::subject(&v.certificate_der),
        algorithm: v.algorithm.name(),
        signer_check: check,
        timestamp: match v.timestamp {
            Some(t) => Some(crate::report::TimestampReport {
                time: t.time.as_secs(),
                tsa: crate::key::subject(&t.tsa_certificate_der),
                tsa_fingerprint: crate::hex(&crate::key::fingerprint(&t.tsa_certificate_der)?.0),
                serial_number: crate::hex(&t.serial_number),
            }),
            None => None,
        },
    })
}

/// Whether `cert` is `anchor`, or names `anchor`'s subject as its issuer
/// and carries a signature that `anchor`'s key verifies.
fn issued_by(cert: &[u8], anchor: &[u8]) -> bool {
    use der::Decode;
    if cert == anchor {
        return true;
    }
    let (Ok(c), Ok(a)) = (
        x509_cert::Certificate::from_der(cert),
        x509_cert::Certificate::from_der(anchor),
    ) else {
        return false;
    };
    if c.tbs_certificate().issuer() != a.tbs_certificate().subject() {
        return false;
    }
    let Ok(anchor_ref) = signet_core::policy::CertificateRef::from_der(anchor) else {
        return false;
    };
    signet_core::policy::verify_certificate_signature(cert, anchor_ref.spki_der()).is_ok()
}

/// Every certificate in a PEM bundle (or one DER certificate).
///
/// # Errors
/// `certificate_invalid` when there is none or one does not parse.
pub fn certificates(bytes: &[u8], name: &str) -> Result<Vec<Vec<u8>>> {
    const END: &[u8] = b"-----END CERTIFICATE-----";
    if !bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
        return Ok(vec![crate::key::certificate_der(bytes, name)?]);
    }
    let mut out = Vec::new();
    let mut rest = bytes;
    while let Some(end) = rest.windows(END.len()).position(|w| w == END) {
        let (block, tail) = rest.split_at(end + END.len());
        out.push(crate::key::certificate_der(block.trim_ascii(), name)?);
        rest = tail;
    }
    if out.is_empty() {
        return Err(Error::failed(
            "certificate_invalid",
            format!("{name}: no PEM certificate in it"),
        ));
    }
    Ok(out)
}

/// The audit log could not take the records of signatures already made:
/// they stay counted and are not released.
fn unreleased(e: Error) -> Error {
    Error::failed(
        e.code(),
        format!(
            "{} (the signatures were made and counted, but are not released without their audit records)",
            e.message()
        ),
    )
}

/// An error after some files were signed: it names them.
fn partial(e: Error, signed: &[SignedFile]) -> Error {
    let names: Vec<&str> = signed.iter().map(|s| s.file.as_str()).collect();
    let hint = e.hint().map(str::to_string);
    let out = Error::failed(
        e.code(),
        format!("{}; signed and counted: {}", e.message(), names.join(", ")),
    );
    match hint {
        Some(h) => out.with_hint(h),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_is_streamed_and_matches_core() {
        let dir = std::env::temp_dir().join(format!("signet-hash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("x");
        let data: Vec<u8> = (0..(3 * CHUNK + 17)).map(|i| i as u8).collect();
        std::fs::write(&f, &data).unwrap();
        for h in [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            assert_eq!(hash_file(&f, h).unwrap(), h.digest(&data).as_bytes());
        }
        assert_eq!(
            hash_file(&dir.join("none"), HashAlgorithm::Sha256)
                .unwrap_err()
                .code(),
            "input_unreadable"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn signature_paths() {
        assert_eq!(
            signature_path(Path::new("a/b.bin"), &Output::Beside),
            Path::new("a/b.bin.p7s")
        );
        assert_eq!(
            signature_path(Path::new("a/b.bin"), &Output::Dir("o".into())),
            Path::new("o/b.bin.p7s")
        );
    }
}
