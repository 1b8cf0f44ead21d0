#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod audit;
pub mod budgets;
pub mod caller;
pub mod clock;
pub mod config;
pub mod error;
pub mod fsio;
pub mod grants;
pub mod key;
pub mod layout;
pub mod pkcs11;
pub mod report;
pub mod sign;
pub mod state;
pub mod store;
pub mod timestamp;
pub mod user;

pub use budgets::BudgetInit;
pub use caller::{CallerError, CallerKey, CallerToken};
pub use clock::Clock;
pub use error::{Error, Result};
pub use grants::{Decision, PolicySpec, RequestSpec};
pub use sign::{ExpectedSigner, Output, SignOptions};
pub use state::{ImportOptions, InitOptions, OpenOptions, Outline, State, TokenKey};

/// Lower-case hex of `bytes`, the form fingerprints and ids take everywhere.
pub fn hex(bytes: &[u8]) -> String {
    use core::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    /// Every code this crate raises is in core's table: a typo would give
    /// the surfaces a code they cannot map.
    #[test]
    fn every_code_raised_is_in_the_core_table() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![dir.clone()];
        let mut seen = 0;
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // The code under test, not the tests (this one names the calls).
            let text = text.split("#[cfg(test)]").next().unwrap();
            for call in [
                "Error::refused(",
                "Error::failed(",
                "Error::io(",
                "Pkcs11Error::new(",
            ] {
                for (i, _) in text.match_indices(call) {
                    let rest = text[i + call.len()..].trim_start();
                    let Some(rest) = rest.strip_prefix('"') else {
                        continue;
                    };
                    let code = &rest[..rest.find('"').unwrap()];
                    assert!(
                        signet_core::codes::all().any(|c| c == code),
                        "{}: {code} is not in signet_core::codes",
                        path.display()
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen > 40, "the scan found only {seen} codes");
    }
}
