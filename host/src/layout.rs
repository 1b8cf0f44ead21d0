//! Where a state lives and what is in it (layout format 1).
//!
//! ```text
//! signet.toml                    the configuration (see `config`)
//! state.lock                     held while the state is created, its signer changes or its token logs in
//! signer/key.p8                  the software signing key, PKCS#8 DER (0600)
//! signer/cert.der                its certificate
//! budgets/<sha256>/budget.json   a certificate's budget record (see `store::record`)
//! budgets/<sha256>/ledger/       its signature ledger (core's FileCounterStore)
//! grants/lock                    held while requests and grants change
//! grants/policies/<sha256>.json  the signer policy bound to a certificate
//! grants/requests/<id>.json      a signing request and its events
//! grants/grants/<id>.json        the grant an approved request issued
//! grants/ledgers/<id>/           the grant's operation ledger
//! audit/log.jsonl                the hash-chained audit log (see `audit`)
//! audit/lock                     held while a record is appended
//! ```
//! `<sha256>` is the SHA-256 of the certificate's DER encoding, in lower-case
//! hex. Directories are 0700 and files 0600.

use std::path::{Path, PathBuf};

use signet_core::budget::CertFingerprint;

use crate::error::{Error, Result};

/// The environment variable that names the state directory.
pub const STATE_ENV: &str = "SIGNET_STATE";

/// The state directory: `explicit` (`--state`), else `$SIGNET_STATE`, else
/// `$XDG_DATA_HOME/signet`, else `~/.local/share/signet`.
///
/// # Errors
/// `state_not_initialised` when none of them is set.
pub fn resolve_state_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var(STATE_ENV) {
        return Ok(PathBuf::from(dir));
    }
    if let Some(xdg) = var("XDG_DATA_HOME") {
        return Ok(PathBuf::from(xdg).join("signet"));
    }
    match var("HOME") {
        Some(home) => Ok(PathBuf::from(home).join(".local/share/signet")),
        None => Err(Error::failed(
            "state_not_initialised",
            format!("no state directory: $HOME, $XDG_DATA_HOME and ${STATE_ENV} are unset"),
        )
        .with_hint("pass --state DIR")),
    }
}

/// The paths of one state directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    /// The layout of the state in `root`.
    pub fn new(root: &Path) -> Layout {
        Layout {
            root: root.to_path_buf(),
        }
    }

    /// The state directory.
    pub fn root(&self) -> &Path {
        &self.root
    }
    /// `signet.toml`.
    pub fn config(&self) -> PathBuf {
        self.root.join("signet.toml")
    }
    /// `state.lock`.
    pub fn lock(&self) -> PathBuf {
        self.root.join("state.lock")
    }
    /// `signer/`.
    pub fn signer_dir(&self) -> PathBuf {
        self.root.join("signer")
    }
    /// `signer/key.p8`.
    pub fn key(&self) -> PathBuf {
        self.signer_dir().join("key.p8")
    }
    /// `signer/cert.der`.
    pub fn cert(&self) -> PathBuf {
        self.signer_dir().join("cert.der")
    }
    /// `budgets/`.
    pub fn budgets(&self) -> PathBuf {
        self.root.join("budgets")
    }
    /// `budgets/<sha256>/`.
    pub fn budget_dir(&self, fp: &CertFingerprint) -> PathBuf {
        self.budgets().join(crate::hex(&fp.0))
    }
    /// `budgets/<sha256>/budget.json`.
    pub fn budget_record(&self, fp: &CertFingerprint) -> PathBuf {
        self.budget_dir(fp).join("budget.json")
    }
    /// `budgets/<sha256>/ledger/`.
    pub fn budget_ledger(&self, fp: &CertFingerprint) -> PathBuf {
        self.budget_dir(fp).join("ledger")
    }
    /// `grants/`.
    pub fn grants(&self) -> PathBuf {
        self.root.join("grants")
    }
    /// `grants/lock`.
    pub fn grants_lock(&self) -> PathBuf {
        self.grants().join("lock")
    }
    /// `grants/policies/<sha256>.json`.
    pub fn policy(&self, fp: &CertFingerprint) -> PathBuf {
        self.grants()
            .join("policies")
            .join(format!("{}.json", crate::hex(&fp.0)))
    }
    /// `grants/requests/`.
    pub fn requests(&self) -> PathBuf {
        self.grants().join("requests")
    }
    /// `grants/requests/<id>.json`.
    pub fn request(&self, id: u64) -> PathBuf {
        self.requests().join(format!("{id}.json"))
    }
    /// `grants/grants/<id>.json`.
    pub fn grant(&self, id: u64) -> PathBuf {
        self.grants().join("grants").join(format!("{id}.json"))
    }
    /// `audit/log.jsonl`.
    pub fn audit_log(&self) -> PathBuf {
        self.root.join("audit").join("log.jsonl")
    }
    /// `audit/lock`.
    pub fn audit_lock(&self) -> PathBuf {
        self.root.join("audit").join("lock")
    }
    /// `grants/ledgers/<id>/`.
    pub fn grant_ledger(&self, id: u64) -> PathBuf {
        self.grants().join("ledgers").join(id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_wins_and_paths_are_stable() {
        let dir = resolve_state_dir(Some(Path::new("/tmp/x"))).unwrap();
        assert_eq!(dir, Path::new("/tmp/x"));
        let l = Layout::new(&dir);
        let fp = CertFingerprint([0xab; 32]);
        assert_eq!(
            l.budget_record(&fp),
            Path::new("/tmp/x/budgets")
                .join("ab".repeat(32))
                .join("budget.json")
        );
        assert_eq!(l.grant_ledger(7), Path::new("/tmp/x/grants/ledgers/7"));
    }
}
