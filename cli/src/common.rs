//! Plumbing shared by every subcommand: exit codes, input, the state directory.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

/// How a subcommand ended.
#[derive(Debug)]
pub enum Outcome {
    /// Exit 0.
    Ok,
    /// Exit 1: the input was checked and refused. Output was already printed.
    Refused,
    /// Exit 2: usage or I/O error; the message is printed to stderr.
    Failed(String),
}

/// Prints a failure message and maps the outcome to the process exit code.
pub fn finish(outcome: Outcome) -> ExitCode {
    match outcome {
        Outcome::Ok => ExitCode::SUCCESS,
        Outcome::Refused => ExitCode::from(1),
        Outcome::Failed(message) => {
            eprintln!("signet: {message}");
            ExitCode::from(2)
        }
    }
}

/// Reads a whole input: a file path, or `-` for standard input.
pub fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    }
}

/// Environment variable that moves the state directory.
pub const STATE_ENV: &str = "SIGNET_STATE";

/// `--state DIR`, shared by every subcommand that keeps state.
#[derive(Debug, Clone, Args)]
pub struct StateArgs {
    /// State directory (keys, certificate, ledger). Default: $SIGNET_STATE, else
    /// $XDG_DATA_HOME/signet, else ~/.local/share/signet.
    #[arg(long, value_name = "DIR", env = STATE_ENV)]
    pub state: Option<PathBuf>,
}

impl StateArgs {
    /// The state directory to use (not created here).
    pub fn dir(&self) -> Result<PathBuf, String> {
        if let Some(dir) = &self.state {
            return Ok(dir.clone());
        }
        if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
            return Ok(PathBuf::from(xdg).join("signet"));
        }
        match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
            Some(home) => Ok(PathBuf::from(home).join(".local/share/signet")),
            None => Err(format!("no state directory: pass --state DIR or set {STATE_ENV}")),
        }
    }
}

/// Today's UTC date, read from the system clock. The core never reads a
/// clock; the CLI is where "now" comes from.
pub fn today() -> signet_core::time::Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    signet_core::time::UnixTime(secs)
        .date()
        .unwrap_or(signet_core::time::Date::MIN_SUPPORTED)
}

/// Parses `--at YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<signet_core::time::Date, String> {
    signet_core::time::Date::parse_iso(s)
        .map_err(|e| format!("invalid date {s:?} (expected YYYY-MM-DD): {e}"))
}
