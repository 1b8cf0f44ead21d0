//! RFC 3161 timestamps for signatures: asks each time-stamping authority (TSA)
//! in turn over HTTP and embeds the first usable token in the `.p7s`. What a
//! usable answer is (status, imprint, nonce, the token's signature and TSA
//! certificate) is core's rule (`signet_core::tsp`); this module moves bytes.
//!
//! Per URL: up to [`ATTEMPTS`] attempts, with [`BACKOFF`] after each failed
//! one, then the next URL. Only transport failures (no connection, timeout, an
//! HTTP error status) are retried: a TSA that answered with an unusable
//! response (rejected, wrong imprint or nonce, a bad token) would answer the
//! same way again, so the next URL is tried at once.
//!
//! HTTP only: `ureq` is built without TLS on purpose. Its rustls backend
//! brings `ring` and a second `getrandom` (0.2 beside this tree's 0.4): a
//! second crypto stack and RNG, against the one-version-of-each-crypto-crate
//! rule. A timestamp token is signed by the TSA and checked here and by every
//! verifier, so its integrity does not rest on the transport; most public
//! TSAs (e.g. `http://timestamp.digicert.com`) are served over plain http.

use std::time::Duration;

use signet_core::ErrorCode;
use signet_core::tsp::TimeStamp;

use crate::error::{Error, Result};

/// Attempts per TSA URL.
pub const ATTEMPTS: usize = 2;
/// Waits after the first and the second failed attempt of a URL.
pub const BACKOFF: [Duration; ATTEMPTS] = [Duration::from_millis(200), Duration::from_millis(400)];
/// Largest TSA response read (a token with a certificate chain is a few KiB).
pub const RESPONSE_LIMIT: u64 = 64 * 1024;
/// Connect timeout, and the time one attempt may take in all.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time one attempt may take in all (connect, send, answer).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);
/// Longest URL accepted.
const MAX_URL: usize = 2048;

/// Checks that every URL is one this build can ask: `http://HOST...`.
///
/// # Errors
/// `timestamp_url_invalid`, naming the URL.
pub fn check_urls(urls: &[String]) -> Result<()> {
    for url in urls {
        check_url(url)?;
    }
    Ok(())
}

fn check_url(url: &str) -> Result<()> {
    // A URL with a user name or password is refused, and not repeated.
    let shown = if url.contains('@') {
        "(with credentials)".to_string()
    } else {
        format!("{url:?}")
    };
    let invalid = |why: &str| {
        Error::failed(
            "timestamp_url_invalid",
            format!("timestamp authority URL {shown}: {why}"),
        )
    };
    if url.len() > MAX_URL || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid("not a URL"));
    }
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return Err(invalid(
            "https is not supported, only http (a timestamp token is signed by the TSA, so it needs no TLS)",
        )
        .with_hint("use the TSA's http:// address, e.g. http://timestamp.digicert.com"));
    }
    let Some(rest) = lower.strip_prefix("http://") else {
        return Err(invalid("not an http:// URL"));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.contains('@') {
        return Err(invalid("no host, or a user name or password in it"));
    }
    Ok(())
}

/// Why one TSA gave nothing usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The URL asked.
    pub url: String,
    /// What went wrong, in words, ending with a `[tsp_*]` code when the
    /// answer was checked and refused.
    pub reason: String,
}

/// Gets a timestamp over the first signature of `p7s` from the first TSA in
/// `urls` that gives a usable one, and returns the `.p7s` with the token
/// embedded, and the token's findings.
///
/// # Errors
/// Every TSA's failure, in order.
pub fn stamp(urls: &[String], p7s: &[u8]) -> core::result::Result<(Vec<u8>, TimeStamp), Vec<Failure>> {
    let mut failures = Vec::new();
    let signature = match signet_core::cms::signature_value(p7s) {
        Ok(s) => s,
        Err(e) => {
            failures.push(Failure {
                url: String::new(),
                reason: format!("{e} [{}]", e.code()),
            });
            return Err(failures);
        }
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_global(Some(ATTEMPT_TIMEOUT))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("signet/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    for url in urls {
        for (attempt, wait) in BACKOFF.iter().enumerate() {
            match ask(&agent, url, &signature, p7s) {
                Ok(done) => return Ok(done),
                Err(Ask::Transport(reason)) => {
                    failures.push(Failure {
                        url: url.clone(),
                        reason: format!("attempt {}: {reason}", attempt + 1),
                    });
                    // No wait after the very last attempt: nothing follows.
                    let last = attempt + 1 == ATTEMPTS && urls.last() == Some(url);
                    if !last {
                        std::thread::sleep(*wait);
                    }
                }
                Err(Ask::Unusable(reason)) => {
                    failures.push(Failure {
                        url: url.clone(),
                        reason,
                    });
                    break;
                }
            }
        }
    }
    Err(failures)
}

enum Ask {
    /// Worth another attempt.
    Transport(String),
    /// An answer, checked and refused.
    Unusable(String),
}

fn ask(
    agent: &ureq::Agent,
    url: &str,
    signature: &[u8],
    p7s: &[u8],
) -> core::result::Result<(Vec<u8>, TimeStamp), Ask> {
    // A fresh nonce per attempt: a late answer to an earlier attempt is not
    // taken for this one.
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce).map_err(|_| Ask::Transport("no randomness for the nonce".into()))?;
    // A positive INTEGER without a leading zero byte either way.
    if let Some(first) = nonce.first_mut() {
        *first = (*first & 0x7f) | 0x01;
    }
    let request = signet_core::tsp::request(signature, &nonce)
        .map_err(|e| Ask::Unusable(format!("{e} [{}]", e.code())))?;
    let response = agent
        .post(url)
        .header("Content-Type", "application/timestamp-query")
        .header("Accept", "application/timestamp-reply")
        .send(&request[..])
        .map_err(|e| Ask::Transport(transport_reason(&e)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(Ask::Transport(format!("HTTP status {}", status.as_u16())));
    }
    let body = response
        .into_body()
        .with_config()
        .limit(RESPONSE_LIMIT)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => Ask::Unusable(format!(
                "the response is larger than {} KiB",
                RESPONSE_LIMIT / 1024
            )),
            e => Ask::Transport(transport_reason(&e)),
        })?;
    let stamp = signet_core::tsp::check_response(&body, signature, &nonce)
        .map_err(|e| Ask::Unusable(format!("{e} [{}]", e.code())))?;
    let out = signet_core::cms::attach_timestamp(p7s, &stamp.token_der)
        .map_err(|e| Ask::Unusable(format!("{e} [{}]", e.code())))?;
    Ok((out, stamp))
}

/// A transport error in words (ureq's `Display`, which names no secrets: the
/// URL is the user's own and holds no credentials, see [`check_urls`]).
fn transport_reason(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "timed out".into(),
        ureq::Error::Io(io) => crate::error::io_reason(io),
        e => e.to_string(),
    }
}

/// The error when no TSA gave a usable timestamp: the signatures were made
/// and counted (fail closed) but are not written.
pub(crate) fn failed(failures: &[Failure], files: &[String]) -> Error {
    let reasons: Vec<String> = failures
        .iter()
        .map(|f| format!("{}: {}", f.url, f.reason))
        .collect();
    let counted = match files {
        [one] => format!("the signature of {one} was made and counted but not written"),
        many => format!(
            "{} signatures ({}) were made and counted but none was written",
            many.len(),
            many.join(", ")
        ),
    };
    Error::failed(
        "timestamp_failed",
        format!(
            "no timestamp authority gave a usable timestamp ({}); {counted}",
            reasons.join("; ")
        ),
    )
    .with_hint("check the TSA URLs (--tsa, or [timestamp] urls in signet.toml) and sign again; the budget was charged")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_urls() {
        for ok in [
            "http://timestamp.digicert.com",
            "http://127.0.0.1:8080/tsa?x=1",
            "HTTP://a",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "https://timestamp.digicert.com",
            "ftp://x",
            "http://",
            "http:///path",
            "http://user:pw@host/",
            "http://a b",
            "timestamp.digicert.com",
            "",
        ] {
            assert_eq!(
                check_url(bad).unwrap_err().code(),
                "timestamp_url_invalid",
                "{bad}"
            );
        }
        // A URL with credentials is refused and not repeated: messages
        // name the URLs they are about.
        let e = check_url("http://user:secret@host/").unwrap_err();
        assert!(!e.message().contains("secret"), "{}", e.message());
        assert!(check_urls(&["http://a".into(), "https://b".into()]).is_err());
    }

    #[test]
    fn a_damaged_p7s_is_refused_before_anything_is_sent() {
        // Port 9 (discard) on a documentation address: never contacted.
        let err = stamp(&["http://192.0.2.1:9/".into()], b"not a p7s").unwrap_err();
        assert_eq!(err.len(), 1);
        assert!(err[0].reason.contains("cms_malformed"), "{err:?}");
    }
}
