//! Who is acting.
//!
//! In a development state the acting user may be named freely (tests,
//! demos). The OS user is the default everywhere: `$USER`, else `$LOGNAME`,
//! else the account name `/etc/passwd` gives the process's user id (root
//! shells and CI often set neither variable).

use signet_core::budget::UserId;

use crate::error::{Error, Result};

/// The OS user running this process, if one can be found.
pub fn os_user() -> Option<String> {
    ["USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .or_else(account_name)
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

/// A user id from a name.
///
/// # Errors
/// The core's `user_id_*` codes.
pub fn user_id(name: &str) -> Result<UserId> {
    UserId::new(name).map_err(|e| Error::from_core_in(&format!("user {name:?}"), &e))
}

/// The acting user: `name` if given, else the OS user.
///
/// # Errors
/// `user_unknown` when there is neither; `user_id_*` for an unusable name.
pub fn acting_user(name: Option<&str>) -> Result<UserId> {
    match name {
        Some(n) => user_id(n),
        None => {
            let os = os_user().ok_or_else(|| {
                Error::failed(
                    "user_unknown",
                    "no acting user: $USER and $LOGNAME are unset and the account has no name",
                )
                .with_hint("pass --user NAME")
            })?;
            user_id(&os)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_account_fallback() {
        assert_eq!(acting_user(Some("alice")).unwrap().as_str(), "alice");
        assert_eq!(acting_user(Some("")).unwrap_err().code(), "user_id_empty");
        // The test process has an account (root in CI).
        assert!(account_name().is_some());
    }
}
