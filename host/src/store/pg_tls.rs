//! TLS for the shared store's connections, by libpq's conventions: `sslmode`
//! (`disable`, `allow`, `prefer`, `require`, `verify-ca`, `verify-full`) and
//! `sslrootcert`, in the URL or `key=value` setting, else `PGSSLMODE` and
//! `PGSSLROOTCERT`, else `prefer` and `~/.postgresql/root.crt`. The
//! `postgres` crate's parser knows only three modes and no `sslrootcert`, so
//! both keys are taken out of the setting here and applied by the connector.
//!
//! TLS comes with the `postgres-tls` feature: OpenSSL through
//! `postgres-openssl`, kept with `postgres` by its maintainer. Not rustls: its
//! providers are ring or aws-lc, a second crypto stack beside RustCrypto (and
//! ring a second `getrandom`). OpenSSL is the library PostgreSQL itself
//! speaks TLS with, it is a system library rather than a crate in this tree,
//! and only this feature links it. A build without the feature connects in
//! plain text and refuses a setting that demands TLS
//! (`store_url_invalid`), never quietly downgrading it.

use std::path::PathBuf;

use ::postgres::config::SslMode;

use crate::{Error, Result};

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Plain text only.
    Disable,
    /// TLS when the server offers it, unverified; plain text otherwise
    /// (libpq's `allow` is served the same way).
    Prefer,
    /// TLS, and the server's certificate checked against the root
    /// certificate when there is one (libpq: then as `verify-ca`).
    Require,
    /// TLS, the certificate chain checked against the root certificate.
    VerifyCa,
    /// As `verify-ca`, and the certificate names the host connected to.
    VerifyFull,
}

impl Mode {
    fn parse(text: &str) -> Result<Mode> {
        Ok(match text {
            "disable" => Mode::Disable,
            "allow" | "prefer" => Mode::Prefer,
            "require" => Mode::Require,
            "verify-ca" => Mode::VerifyCa,
            "verify-full" => Mode::VerifyFull,
            other => {
                return Err(Error::failed(
                    "store_url_invalid",
                    format!(
                        "sslmode={other} is not one of disable, allow, prefer, require, verify-ca, verify-full"
                    ),
                ));
            }
        })
    }

    fn name(self) -> &'static str {
        match self {
            Mode::Disable => "disable",
            Mode::Prefer => "prefer",
            Mode::Require => "require",
            Mode::VerifyCa => "verify-ca",
            Mode::VerifyFull => "verify-full",
        }
    }

    /// The `postgres` crate's mode: whether TLS is tried, and required.
    pub(crate) fn ssl_mode(self) -> SslMode {
        match self {
            Mode::Disable => SslMode::Disable,
            Mode::Prefer => SslMode::Prefer,
            Mode::Require | Mode::VerifyCa | Mode::VerifyFull => SslMode::Require,
        }
    }
}

/// How connections are secured.
#[derive(Debug, Clone)]
pub(crate) struct TlsSetting {
    pub(crate) mode: Mode,
    /// The root certificate(s) (PEM) the server's certificate must chain to.
    #[cfg_attr(
        not(feature = "postgres-tls"),
        allow(dead_code, reason = "read by the TLS connector only")
    )]
    pub(crate) root_cert: Option<PathBuf>,
}

/// Takes `sslmode` and `sslrootcert` out of a setting. Returns the rest,
/// for the `postgres` parser, and the TLS setting with the environment and
/// libpq's defaults filling what the setting leaves out.
///
/// # Errors
/// `store_url_invalid`: an unknown `sslmode`; `verify-ca`/`verify-full`
/// without a root certificate.
pub(crate) fn split(setting: &str) -> Result<(String, TlsSetting)> {
    let (rest, mode, root) = if setting.starts_with("postgres://") || setting.starts_with("postgresql://") {
        split_url(setting)
    } else {
        split_key_values(setting)
    };
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mode = match mode.or_else(|| env("PGSSLMODE")) {
        Some(m) => Mode::parse(&m)?,
        None => Mode::Prefer,
    };
    let root_cert = root
        .filter(|r| !r.is_empty())
        .or_else(|| env("PGSSLROOTCERT"))
        .map(PathBuf::from)
        .or_else(|| {
            // libpq's default, used only when it exists (as libpq does).
            let home = env("HOME")?;
            let default = PathBuf::from(home).join(".postgresql").join("root.crt");
            default.is_file().then_some(default)
        });
    if matches!(mode, Mode::VerifyCa | Mode::VerifyFull) && root_cert.is_none() {
        return Err(Error::failed(
            "store_url_invalid",
            format!(
                "sslmode={} needs the root certificate the server's certificate chains to",
                mode.name()
            ),
        )
        .with_hint(
            "name it with sslrootcert=/path/root.crt or PGSSLROOTCERT, or put it in ~/.postgresql/root.crt",
        ));
    }
    Ok((rest, TlsSetting { mode, root_cert }))
}

/// A URL's query without `sslmode` and `sslrootcert` (their values
/// percent-decoded).
fn split_url(setting: &str) -> (String, Option<String>, Option<String>) {
    let Some((base, query)) = setting.split_once('?') else {
        return (setting.to_string(), None, None);
    };
    let (mut mode, mut root) = (None, None);
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| match pair.split_once('=') {
            Some(("sslmode", v)) => {
                mode = Some(percent_decode(v));
                false
            }
            Some(("sslrootcert", v)) => {
                root = Some(percent_decode(v));
                false
            }
            _ => true,
        })
        .collect();
    let rest = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (rest, mode, root)
}

/// `%XX` decoded; anything malformed is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A `key=value ...` string without `sslmode` and `sslrootcert`. Values
/// follow libpq's quoting: `'...'` with `\'` and `\\` escapes, or a bare
/// word with `\` escapes.
fn split_key_values(setting: &str) -> (String, Option<String>, Option<String>) {
    let chars: Vec<char> = setting.chars().collect();
    let (mut mode, mut root) = (None, None);
    let mut kept: Vec<String> = Vec::new();
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied();
    while i < chars.len() {
        while at(i).is_some_and(char::is_whitespace) {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let start = i;
        while at(i).is_some_and(|c| c != '=' && !c.is_whitespace()) {
            i += 1;
        }
        let key: String = chars.get(start..i).unwrap_or_default().iter().collect();
        while at(i).is_some_and(char::is_whitespace) {
            i += 1;
        }
        let mut value = String::new();
        if at(i) == Some('=') {
            i += 1;
            while at(i).is_some_and(char::is_whitespace) {
                i += 1;
            }
            let quoted = at(i) == Some('\'');
            if quoted {
                i += 1;
            }
            while let Some(c) = at(i) {
                if (quoted && c == '\'') || (!quoted && c.is_whitespace()) {
                    break;
                }
                if c == '\\'
                    && let Some(next) = at(i + 1)
                {
                    value.push(next);
                    i += 2;
                    continue;
                }
                value.push(c);
                i += 1;
            }
            if quoted {
                i += 1;
            }
        }
        let token: String = chars
            .get(start..i.min(chars.len()))
            .unwrap_or_default()
            .iter()
            .collect();
        match key.as_str() {
            "sslmode" => mode = Some(value),
            "sslrootcert" => root = Some(value),
            _ => kept.push(token),
        }
    }
    (kept.join(" "), mode, root)
}

/// Opens connections as the TLS setting says.
#[derive(Clone)]
pub(crate) enum Connector {
    /// Plain text (`sslmode` `disable`, or `prefer` in a build without TLS).
    Plain,
    /// TLS through OpenSSL.
    #[cfg(feature = "postgres-tls")]
    OpenSsl(postgres_openssl::MakeTlsConnector),
}

impl core::fmt::Debug for Connector {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Connector::Plain => "Connector::Plain",
            #[cfg(feature = "postgres-tls")]
            Connector::OpenSsl(_) => "Connector::OpenSsl",
        })
    }
}

impl Connector {
    /// The connector for `tls`.
    ///
    /// # Errors
    /// `store_url_invalid`: TLS demanded from a build without it, or a root
    /// certificate that cannot be read.
    pub(crate) fn new(tls: &TlsSetting) -> Result<Connector> {
        #[cfg(feature = "postgres-tls")]
        {
            if tls.mode == Mode::Disable {
                return Ok(Connector::Plain);
            }
            open_ssl(tls).map(Connector::OpenSsl)
        }
        #[cfg(not(feature = "postgres-tls"))]
        match tls.mode {
            Mode::Disable | Mode::Prefer => Ok(Connector::Plain),
            mode => Err(Error::failed(
                "store_url_invalid",
                format!(
                    "sslmode={}: this build of Signet connects to PostgreSQL without TLS",
                    mode.name()
                ),
            )
            .with_hint(
                "build it with the postgres-tls feature (cargo install --path cli --features postgres-tls; \
                 needs OpenSSL's headers), or use a Unix socket or a TLS tunnel with sslmode=disable",
            )),
        }
    }

    /// Connects.
    pub(crate) fn connect(
        &self,
        config: &::postgres::Config,
    ) -> core::result::Result<::postgres::Client, ::postgres::Error> {
        match self {
            Connector::Plain => config.connect(::postgres::NoTls),
            #[cfg(feature = "postgres-tls")]
            Connector::OpenSsl(c) => config.connect(c.clone()),
        }
    }
}

#[cfg(feature = "postgres-tls")]
fn open_ssl(tls: &TlsSetting) -> Result<postgres_openssl::MakeTlsConnector> {
    use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};
    let setup = |what: &str, e: openssl::error::ErrorStack| {
        Error::failed("store_url_invalid", format!("TLS setup: {what}: {e}"))
    };
    let mut builder = SslConnector::builder(SslMethod::tls()).map_err(|e| setup("OpenSSL", e))?;
    // libpq: `require` with a root certificate at hand checks the chain too.
    let verify = match (tls.mode, &tls.root_cert) {
        (Mode::VerifyCa | Mode::VerifyFull, Some(root)) | (Mode::Require, Some(root)) => {
            builder
                .set_ca_file(root)
                .map_err(|e| setup(&format!("the root certificate {}", root.display()), e))?;
            true
        }
        _ => false,
    };
    builder.set_verify(if verify {
        SslVerifyMode::PEER
    } else {
        SslVerifyMode::NONE
    });
    let mut connector = postgres_openssl::MakeTlsConnector::new(builder.build());
    if tls.mode != Mode::VerifyFull {
        // Only verify-full checks that the certificate names the host.
        connector.set_callback(|config, _| {
            config.set_verify_hostname(false);
            Ok(())
        });
    }
    Ok(connector)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_keys_leave_the_url_and_the_key_value_string() {
        let (rest, mode, root) = split_url(
            "postgresql://u@h/db?application_name=x&sslmode=verify-full&sslrootcert=%2Fetc%2Froot.crt",
        );
        assert_eq!(rest, "postgresql://u@h/db?application_name=x");
        assert_eq!(mode.as_deref(), Some("verify-full"));
        assert_eq!(root.as_deref(), Some("/etc/root.crt"));
        let (rest, mode, root) = split_url("postgresql://u@h/db?sslmode=require");
        assert_eq!(
            (rest.as_str(), mode.as_deref(), root),
            ("postgresql://u@h/db", Some("require"), None)
        );
        let (rest, mode, root) = split_key_values(
            "host=db  user=signet sslmode = verify-ca sslrootcert='/a b/c\\'d.crt' dbname=x",
        );
        assert_eq!(rest, "host=db user=signet dbname=x");
        assert_eq!(mode.as_deref(), Some("verify-ca"));
        assert_eq!(root.as_deref(), Some("/a b/c'd.crt"));
    }

    #[test]
    fn verify_modes_need_a_root_certificate_and_unknown_modes_are_refused() {
        let e = split("postgresql://u@h/db?sslmode=verify-full&sslrootcert=").unwrap_err();
        assert_eq!(e.code(), "store_url_invalid");
        let e = split("postgresql://u@h/db?sslmode=sometimes").unwrap_err();
        assert_eq!(e.code(), "store_url_invalid");
        assert!(e.message().contains("sslmode=sometimes"), "{}", e.message());
    }
}
