//! `signet budget ...`: signature budgets of certificates, over the state
//! directory.
//!
//! On-disk layout (under `--state DIR`):
//! ```text
//! budgets/<sha256-hex>/budget.json   certificate binding, validity, allotment,
//!                                    purchases, revocation, assigned signer
//! budgets/<sha256-hex>/ledger/       the fail-closed signature counter
//!   ledger.bin                       (signet_core::counter::FileCounterStore)
//!   ledger.lock
//! ```
//! `<sha256-hex>` is the SHA-256 of the certificate's DER encoding. JSON files
//! are replaced atomically (write a temporary file, fsync, rename, fsync the
//! directory). Every command that changes `budget.json` holds the ledger's
//! lock while it does, so concurrent invocations are serialised.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use signet_core::ErrorCode;
use signet_core::budget::{Actor, Budget, BudgetError, CertFingerprint, Purchase, Role, UserId, Validity};
use signet_core::counter::{CounterStore, FileCounterStore, FileStoreOptions, Recovery};
use signet_core::time::UnixTime;

use crate::common::{Outcome, StateArgs, read_input};

/// `signet budget`.
#[derive(Debug, Args)]
pub struct BudgetArgs {
    #[command(subcommand)]
    command: BudgetCommand,
}

#[derive(Debug, Subcommand)]
enum BudgetCommand {
    /// Create the budget of a certificate (initial purchase or renewal).
    Init(InitArgs),
    /// Show a budget: total, used, remaining, usage level.
    Show(ShowArgs),
    /// Buy more signatures (administrators and managers only).
    Buy(BuyArgs),
    /// Record the certificate's revocation: remaining signatures are nullified.
    Revoke(ShowArgs),
    /// Assign the certificate to another signer (KeyLocker lead only).
    Assign(AssignArgs),
    /// Count signatures made by the assigned signer (reserve and commit each).
    Use(UseArgs),
}

/// Options every budget command shares.
#[derive(Debug, Clone, Args)]
pub struct Common {
    #[command(flatten)]
    state: StateArgs,
    /// The certificate's SHA-256 fingerprint (64 hex digits, `:` allowed).
    #[arg(
        long,
        value_name = "HEX",
        conflicts_with = "cert",
        required_unless_present = "cert"
    )]
    cert_fingerprint: Option<String>,
    /// The certificate (PEM or DER); its DER encoding is hashed.
    #[arg(long, value_name = "FILE")]
    cert: Option<PathBuf>,
    /// The time to act at: RFC 3339 or UNIX seconds. Default: the system clock.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    /// Print JSON to stdout.
    #[arg(long)]
    json: bool,
}

/// Who is acting: `--user`, `--role`, `--subaccount`, `--keylocker-lead`.
#[derive(Debug, Clone, Args)]
pub struct ActorArgs {
    /// Acting user. Default: $USER.
    #[arg(long, env = "USER", value_name = "NAME")]
    user: Option<String>,
    /// The acting user's account role.
    #[arg(long, value_enum, default_value = "standard-user")]
    role: RoleArg,
    /// Acting from a subaccount.
    #[arg(long)]
    subaccount: bool,
    /// The acting user has the KeyLocker lead role.
    #[arg(long)]
    keylocker_lead: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    Administrator,
    Manager,
    StandardUser,
    LimitedUser,
    FinanceManager,
}

#[derive(Debug, Args)]
struct InitArgs {
    #[command(flatten)]
    common: Common,
    /// Start of the certificate's validity (RFC 3339 or UNIX seconds).
    #[arg(long, value_name = "TIME")]
    not_before: String,
    /// End of the certificate's validity (RFC 3339 or UNIX seconds).
    #[arg(long, value_name = "TIME")]
    not_after: String,
    /// The assigned signer.
    #[arg(long, value_name = "NAME")]
    signer: String,
    /// Signatures included (the CA's documents also describe 1,000 per year
    /// of validity).
    #[arg(long, default_value_t = signet_core::budget::DEFAULT_ALLOTMENT)]
    allotment: u64,
}

#[derive(Debug, Args)]
struct ShowArgs {
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct BuyArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    actor: ActorArgs,
    /// Signatures to buy: 1000, 5000, 10000, or any positive number (custom).
    #[arg(long, value_name = "N")]
    signatures: u64,
}

#[derive(Debug, Args)]
struct AssignArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    actor: ActorArgs,
    /// The new assigned signer.
    #[arg(long, value_name = "NAME")]
    signer: String,
}

#[derive(Debug, Args)]
struct UseArgs {
    #[command(flatten)]
    common: Common,
    /// The signing user (must be the assigned signer). Default: $USER.
    #[arg(long, env = "USER", value_name = "NAME")]
    user: Option<String>,
    /// How many signatures.
    #[arg(long, default_value_t = 1)]
    count: u64,
}

/// What `budget.json` holds.
#[derive(Debug, Serialize, Deserialize)]
struct BudgetFile {
    fingerprint: String,
    not_before: i64,
    not_after: i64,
    allotment: u64,
    purchased: u64,
    revoked: bool,
    signer: String,
    #[serde(default)]
    purchases: Vec<PurchaseRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
struct PurchaseRecord {
    at: i64,
    by: String,
    signatures: u64,
}

/// Parses `--now`-style times: UNIX seconds, or RFC 3339
/// (`2026-03-01T12:00:00Z`, `2026-03-01T12:00:00.5+02:00`).
pub fn parse_time(s: &str) -> Result<UnixTime, String> {
    let bad = || format!("invalid time {s:?} (expected RFC 3339 or UNIX seconds)");
    if let Ok(secs) = s.parse::<i64>() {
        return Ok(UnixTime(secs));
    }
    let (date, rest) = s.split_at_checked(10).ok_or_else(bad)?;
    let date = signet_core::time::Date::parse_iso(date).map_err(|_| bad())?;
    let rest = rest.strip_prefix(['T', 't', ' ']).ok_or_else(bad)?;
    let (hms, offset) = if let Some(r) = rest.strip_suffix(['Z', 'z']) {
        (r, 0i64)
    } else {
        let pos = rest.rfind(['+', '-']).ok_or_else(bad)?;
        let (hms, off) = rest.split_at(pos);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off.get(1..).and_then(|o| o.split_once(':')).ok_or_else(bad)?;
        let (oh, om): (i64, i64) = (oh.parse().map_err(|_| bad())?, om.parse().map_err(|_| bad())?);
        if oh.to_string().len() > 2 || om >= 60 {
            return Err(bad());
        }
        (hms, sign * (oh * 3600 + om * 60))
    };
    let hms = hms.split('.').next().ok_or_else(bad)?;
    let parts: Vec<&str> = hms.split(':').collect();
    let [h, m, sec] = parts.as_slice() else {
        return Err(bad());
    };
    let field = |v: &str, max: i64| -> Result<i64, String> {
        if v.len() != 2 {
            return Err(bad());
        }
        v.parse::<i64>()
            .ok()
            .filter(|n| (0..=max).contains(n))
            .ok_or_else(bad)
    };
    let secs = field(h, 23)? * 3600 + field(m, 59)? * 60 + field(sec, 60)?;
    Ok(UnixTime(date.start().as_secs() + secs - offset))
}

/// The time to act at.
pub fn now(arg: Option<&str>) -> Result<UnixTime, String> {
    match arg {
        Some(s) => parse_time(s),
        None => {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
                .unwrap_or(0);
            Ok(UnixTime(secs))
        }
    }
}

/// A user id from a flag.
pub fn user_id(name: Option<&str>) -> Result<UserId, String> {
    let name = name.ok_or("no user: pass --user NAME or set $USER")?;
    UserId::new(name).map_err(|e| format!("invalid user {name:?}: {e}"))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_fingerprint(s: &str) -> Result<CertFingerprint, String> {
    let clean: String = s.chars().filter(|c| *c != ':').collect();
    let bad = || format!("invalid fingerprint {s:?}: expected 64 hex digits (SHA-256)");
    if clean.len() != 64 || !clean.is_ascii() {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        let pair = clean.get(2 * i..2 * i + 2).ok_or_else(bad)?;
        *byte = u8::from_str_radix(pair, 16).map_err(|_| bad())?;
    }
    Ok(CertFingerprint(out))
}

/// The DER of a PEM or DER certificate file.
fn cert_der(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = read_input(path)?;
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Ok(bytes);
    };
    let Some(start) = text.find("-----BEGIN CERTIFICATE-----") else {
        return Ok(bytes);
    };
    let body = text.get(start + 27..).unwrap_or("");
    let end = body
        .find("-----END CERTIFICATE-----")
        .ok_or_else(|| format!("{}: unterminated PEM certificate", path.display()))?;
    let b64: String = body.get(..end).unwrap_or("").split_whitespace().collect();
    base64_decode(&b64).ok_or_else(|| format!("{}: invalid base64 in PEM certificate", path.display()))
}

/// Standard base64 without line breaks. Twenty lines here instead of a new
/// dependency for the one PEM body the CLI reads.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let s = s.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s {
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xFF).ok()?);
        }
    }
    Some(out)
}

impl Common {
    fn fingerprint(&self) -> Result<CertFingerprint, String> {
        match (&self.cert_fingerprint, &self.cert) {
            (Some(hex), _) => parse_fingerprint(hex),
            (None, Some(path)) => {
                let der = cert_der(path)?;
                Ok(CertFingerprint(Sha256::digest(&der).into()))
            }
            (None, None) => Err("pass --cert-fingerprint HEX or --cert FILE".into()),
        }
    }

    fn dir(&self, fp: &CertFingerprint) -> Result<PathBuf, String> {
        Ok(budget_dir(&self.state.dir()?, fp))
    }
}

impl ActorArgs {
    fn actor(&self) -> Result<Actor, String> {
        Ok(Actor {
            id: user_id(self.user.as_deref())?,
            role: match self.role {
                RoleArg::Administrator => Role::Administrator,
                RoleArg::Manager => Role::Manager,
                RoleArg::StandardUser => Role::StandardUser,
                RoleArg::LimitedUser => Role::LimitedUser,
                RoleArg::FinanceManager => Role::FinanceManager,
            },
            subaccount: self.subaccount,
            keylocker_lead: self.keylocker_lead,
        })
    }
}

/// Writes a file atomically: temporary file, fsync, rename, fsync directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(p) if p.as_os_str().is_empty() => Path::new("."),
        Some(p) => p,
        None => return Err(format!("{}: no parent directory", path.display())),
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // `<name>.signet-tmp`, never another file's name (`with_extension` would
    // turn `a.bin.p7s` into `a.bin.tmp`, which may be the user's).
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".signet-tmp");
    let tmp = PathBuf::from(tmp);
    let io = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io)?;
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)
}

/// Prints a refusal (JSON on stdout with `--json`, text on stderr) → exit 1.
pub fn refuse(json: bool, code: &str, message: &str) -> Outcome {
    if json {
        println!("{}", json!({ "ok": false, "code": code, "message": message }));
    } else {
        eprintln!("signet: refused ({code}): {message}");
    }
    Outcome::Refused
}

fn budget_error(json: bool, e: &BudgetError) -> Outcome {
    refuse(json, e.code(), &e.to_string())
}

/// A budget and its ledger, opened (the ledger lock is held while it lives).
pub(crate) struct Loaded {
    dir: PathBuf,
    file: BudgetFile,
    pub(crate) budget: Budget,
    pub(crate) store: FileCounterStore,
    recovery: Recovery,
}

/// `budgets/<sha256-hex>` under the state directory.
pub(crate) fn budget_dir(state: &Path, fp: &CertFingerprint) -> PathBuf {
    state.join("budgets").join(hex(&fp.0))
}

/// Opens the budget in `dir` (`budget_dir`); `Ok(None)` when there is none.
pub(crate) fn open_budget(dir: &Path) -> Result<Option<Loaded>, String> {
    let path = dir.join("budget.json");
    if !path.exists() {
        return Ok(None);
    }
    // Lock first, then read: the ledger lock serialises budget.json updates.
    let (store, recovery) = open_store(dir)?;
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file: BudgetFile =
        serde_json::from_slice(&bytes).map_err(|e| format!("{} is damaged: {e}", path.display()))?;
    let stored = parse_fingerprint(&file.fingerprint)?;
    let budget = Budget::restore(
        stored,
        Validity {
            not_before: UnixTime(file.not_before),
            not_after: UnixTime(file.not_after),
        },
        user_id(Some(&file.signer))?,
        file.allotment,
        file.purchased,
        file.revoked,
    )
    .map_err(|e| format!("{} is damaged: {e}", path.display()))?;
    Ok(Some(Loaded {
        dir: dir.to_path_buf(),
        file,
        budget,
        store,
        recovery,
    }))
}

/// Creates and saves a new budget in `dir`; `Ok(Err(_))` when it is refused
/// (one exists, or the validity is invalid): `(code, message)`.
pub(crate) fn create_budget(
    dir: &Path,
    fp: CertFingerprint,
    validity: Validity,
    signer: UserId,
    allotment: u64,
) -> Result<Result<Loaded, (&'static str, String)>, String> {
    let budget = match Budget::with_allotment(fp, validity, signer.clone(), allotment) {
        Ok(b) => b,
        Err(e) => return Ok(Err((e.code(), e.to_string()))),
    };
    let (store, recovery) = open_store(dir)?;
    if dir.join("budget.json").exists() {
        return Ok(Err((
            "budget_exists",
            "this certificate already has a budget (a renewed certificate has a new fingerprint)".into(),
        )));
    }
    let mut loaded = Loaded {
        dir: dir.to_path_buf(),
        file: BudgetFile {
            fingerprint: hex(&fp.0),
            not_before: validity.not_before.as_secs(),
            not_after: validity.not_after.as_secs(),
            allotment,
            purchased: 0,
            revoked: false,
            signer: signer.to_string(),
            purchases: Vec::new(),
        },
        budget,
        store,
        recovery,
    };
    loaded.save()?;
    Ok(Ok(loaded))
}

fn open_store(dir: &Path) -> Result<(FileCounterStore, Recovery), String> {
    FileCounterStore::open(&dir.join("ledger"), FileStoreOptions::default())
        .map_err(|e| format!("signature ledger in {}: {e}", dir.display()))
}

fn load(common: &Common) -> Result<Result<Loaded, Outcome>, String> {
    let fp = common.fingerprint()?;
    let dir = common.dir(&fp)?;
    match open_budget(&dir)? {
        Some(loaded) => Ok(Ok(loaded)),
        None => Ok(Err(refuse(
            common.json,
            "budget_not_found",
            &format!(
                "no budget for certificate {}; run `signet budget init`",
                hex(&fp.0)
            ),
        ))),
    }
}

impl Loaded {
    fn save(&mut self) -> Result<(), String> {
        self.file.purchased = self.budget.purchased();
        self.file.revoked = self.budget.is_revoked();
        self.file.signer = self.budget.signer().to_string();
        let bytes = serde_json::to_vec_pretty(&self.file).map_err(|e| e.to_string())?;
        write_atomic(&self.dir.join("budget.json"), &bytes)
    }

    pub(crate) fn report(&self, now: UnixTime) -> serde_json::Value {
        let usage = self.store.usage();
        let v = self.budget.validity();
        let state = if self.budget.is_revoked() {
            "revoked"
        } else if now < v.not_before {
            "not_yet_valid"
        } else if now > v.not_after {
            "expired"
        } else {
            "valid"
        };
        json!({
            "ok": true,
            "fingerprint": self.file.fingerprint,
            "signer": self.budget.signer().as_str(),
            "not_before": v.not_before.as_secs(),
            "not_after": v.not_after.as_secs(),
            "state": state,
            "allotment": self.budget.allotment(),
            "purchased": self.budget.purchased(),
            "total": self.budget.total(),
            "used": usage.used(),
            "committed": usage.committed,
            "lost_in_crashes": self.recovery.lost,
            "remaining": self.budget.remaining(&usage, now),
            "level": self.budget.level(&usage).name(),
            "next_index": usage.next_index,
        })
    }
}

fn print_report(json_out: bool, report: &serde_json::Value) {
    if json_out {
        println!("{report}");
    } else {
        println!(
            "certificate {}\n  signer     {}\n  state      {}\n  signatures {} used of {} ({} remaining, level {})",
            report["fingerprint"].as_str().unwrap_or(""),
            report["signer"].as_str().unwrap_or(""),
            report["state"].as_str().unwrap_or(""),
            report["used"],
            report["total"],
            report["remaining"],
            report["level"].as_str().unwrap_or(""),
        );
    }
}

/// Runs `signet budget ...`.
pub fn run(args: BudgetArgs) -> Outcome {
    match dispatch(args) {
        Ok(outcome) => outcome,
        Err(message) => Outcome::Failed(message),
    }
}

fn dispatch(args: BudgetArgs) -> Result<Outcome, String> {
    match args.command {
        BudgetCommand::Init(a) => init(a),
        BudgetCommand::Show(a) => {
            let now = now(a.common.now.as_deref())?;
            let loaded = match load(&a.common)? {
                Ok(l) => l,
                Err(outcome) => return Ok(outcome),
            };
            print_report(a.common.json, &loaded.report(now));
            Ok(Outcome::Ok)
        }
        BudgetCommand::Buy(a) => {
            let now = now(a.common.now.as_deref())?;
            let actor = a.actor.actor()?;
            let fp = a.common.fingerprint()?;
            let mut loaded = match load(&a.common)? {
                Ok(l) => l,
                Err(outcome) => return Ok(outcome),
            };
            let purchase = match a.signatures {
                1_000 => Purchase::Block1000,
                5_000 => Purchase::Block5000,
                10_000 => Purchase::Block10000,
                n => Purchase::Custom(n),
            };
            if let Err(e) = loaded.budget.buy(&actor, &fp, purchase, now) {
                return Ok(budget_error(a.common.json, &e));
            }
            loaded.file.purchases.push(PurchaseRecord {
                at: now.as_secs(),
                by: actor.id.to_string(),
                signatures: a.signatures,
            });
            loaded.save()?;
            print_report(a.common.json, &loaded.report(now));
            Ok(Outcome::Ok)
        }
        BudgetCommand::Revoke(a) => {
            let now = now(a.common.now.as_deref())?;
            let fp = a.common.fingerprint()?;
            let mut loaded = match load(&a.common)? {
                Ok(l) => l,
                Err(outcome) => return Ok(outcome),
            };
            if let Err(e) = loaded.budget.revoke(&fp) {
                return Ok(budget_error(a.common.json, &e));
            }
            loaded.save()?;
            print_report(a.common.json, &loaded.report(now));
            Ok(Outcome::Ok)
        }
        BudgetCommand::Assign(a) => {
            let now = now(a.common.now.as_deref())?;
            let actor = a.actor.actor()?;
            let signer = user_id(Some(&a.signer))?;
            let fp = a.common.fingerprint()?;
            let mut loaded = match load(&a.common)? {
                Ok(l) => l,
                Err(outcome) => return Ok(outcome),
            };
            if let Err(e) = loaded.budget.assign_signer(&actor, &fp, signer) {
                return Ok(budget_error(a.common.json, &e));
            }
            loaded.save()?;
            print_report(a.common.json, &loaded.report(now));
            Ok(Outcome::Ok)
        }
        BudgetCommand::Use(a) => use_signatures(a),
    }
}

fn init(a: InitArgs) -> Result<Outcome, String> {
    let fp = a.common.fingerprint()?;
    let dir = a.common.dir(&fp)?;
    let validity = Validity {
        not_before: parse_time(&a.not_before)?,
        not_after: parse_time(&a.not_after)?,
    };
    let signer = user_id(Some(&a.signer))?;
    let loaded = match create_budget(&dir, fp, validity, signer, a.allotment)? {
        Ok(l) => l,
        Err((code, message)) => return Ok(refuse(a.common.json, code, &message)),
    };
    let now = now(a.common.now.as_deref())?;
    print_report(a.common.json, &loaded.report(now));
    Ok(Outcome::Ok)
}

fn use_signatures(a: UseArgs) -> Result<Outcome, String> {
    let now = now(a.common.now.as_deref())?;
    let fp = a.common.fingerprint()?;
    let user = user_id(a.user.as_deref())?;
    let mut loaded = match load(&a.common)? {
        Ok(l) => l,
        Err(outcome) => return Ok(outcome),
    };
    let mut crossings = Vec::new();
    for _ in 0..a.count {
        let reservation = match loaded.budget.reserve(&mut loaded.store, &user, &fp, now) {
            Ok(r) => r,
            Err(e) => return Ok(budget_error(a.common.json, &e)),
        };
        let report = loaded
            .budget
            .commit(&mut loaded.store, reservation)
            .map_err(|e| format!("signature ledger: {e}"))?;
        if let Some(level) = report.crossed {
            crossings.push(json!({ "used": report.used, "level": level.name() }));
            if !a.common.json {
                eprintln!(
                    "signet: notice: signature usage reached {} ({} of {} used)",
                    level.name(),
                    report.used,
                    loaded.budget.total()
                );
            }
        }
    }
    let mut report = loaded.report(now);
    report["crossed"] = json!(crossings);
    print_report(a.common.json, &report);
    Ok(Outcome::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("0"), Ok(UnixTime(0)));
        assert_eq!(parse_time("1772323200"), Ok(UnixTime(1_772_323_200)));
        assert_eq!(parse_time("2026-03-01T00:00:00Z"), Ok(UnixTime(1_772_323_200)));
        assert_eq!(
            parse_time("2026-03-01T02:00:00+02:00"),
            Ok(UnixTime(1_772_323_200))
        );
        assert_eq!(
            parse_time("2026-02-28T23:30:00.25-00:30"),
            Ok(UnixTime(1_772_323_200))
        );
        for bad in [
            "",
            "2026-03-01",
            "2026-03-01T25:00:00Z",
            "2026-03-01T1:00:00Z",
            "x",
        ] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fingerprints_and_pem() {
        let fp = parse_fingerprint(&"ab".repeat(32)).unwrap();
        assert_eq!(fp.0, [0xab; 32]);
        assert!(parse_fingerprint("ab").is_err());
        assert!(parse_fingerprint(&"zz".repeat(32)).is_err());
        assert_eq!(base64_decode("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(base64_decode("a!"), None);
    }
}
