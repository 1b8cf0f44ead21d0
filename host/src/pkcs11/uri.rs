//! RFC 7512 PKCS#11 URIs: `pkcs11:token=t;object=k;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin`.
//!
//! What the RFC says and what this parser does with it:
//! - The scheme is case-insensitive (RFC 3986); attribute names are matched as
//!   written in RFC 7512 (lower case).
//! - Path attributes are separated by `;`, query attributes by `&`; values are
//!   percent-decoded (`%` must be followed by two hex digits). Text values must
//!   be UTF-8 once decoded; `id` is raw bytes.
//! - "A PKCS #11 URI MUST NOT contain duplicate attributes of the same name in
//!   the URI path component" (section 2.3): refused. The query attributes this
//!   document defines may appear once each as well.
//! - Unknown path attributes (including vendor `x-` ones) would make the URI
//!   match nothing (section 3.3, matching guidelines): refused here with their
//!   name, so a typo is never a silent "no key". Unknown query attributes are
//!   ignored, as the RFC's matching guidelines say.
//! - `pin-source` and `pin-value` together are ambiguous: refused.
//! - `pin-source` takes a `file:` URI (`file:/path`, `file:///path`) or an
//!   absolute path; other sources (`|program`) are refused: running a
//!   program named in a configuration file is not something a signer does.
//!
//! A parsed URI never shows its PIN: [`Pkcs11Uri::to_string`] leaves
//! `pin-value` out, and `Debug` redacts it. The PIN is zeroized when the URI
//! is dropped.

use std::fmt;
use std::path::PathBuf;

use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Where the PIN comes from.
#[derive(Clone, Default)]
pub enum PinSpec {
    /// Not in the URI: `SIGNET_PKCS11_PIN`, or no PIN (protected path).
    #[default]
    None,
    /// `pin-value=...` (zeroized on drop, never printed).
    Value(Zeroizing<String>),
    /// `pin-source=file:...`: the file holding the PIN.
    File(PathBuf),
}

impl fmt::Debug for PinSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PinSpec::None => f.write_str("None"),
            PinSpec::Value(_) => f.write_str("Value(<redacted>)"),
            PinSpec::File(p) => f.debug_tuple("File").field(p).finish(),
        }
    }
}

/// `type=`: the object class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectType {
    /// `public`.
    Public,
    /// `private`.
    Private,
    /// `cert`.
    Cert,
    /// `secret-key`.
    SecretKey,
    /// `data`.
    Data,
}

impl ObjectType {
    fn name(self) -> &'static str {
        match self {
            ObjectType::Public => "public",
            ObjectType::Private => "private",
            ObjectType::Cert => "cert",
            ObjectType::SecretKey => "secret-key",
            ObjectType::Data => "data",
        }
    }
}

/// A parsed PKCS#11 URI.
#[derive(Debug, Clone, Default)]
pub struct Pkcs11Uri {
    /// `token`: the token label.
    pub token: Option<String>,
    /// `manufacturer`: the token's manufacturer id.
    pub manufacturer: Option<String>,
    /// `serial`: the token's serial number.
    pub serial: Option<String>,
    /// `model`: the token's model.
    pub model: Option<String>,
    /// `slot-id`: the slot number.
    pub slot_id: Option<u64>,
    /// `slot-description`.
    pub slot_description: Option<String>,
    /// `slot-manufacturer`.
    pub slot_manufacturer: Option<String>,
    /// `library-manufacturer`.
    pub library_manufacturer: Option<String>,
    /// `library-description`.
    pub library_description: Option<String>,
    /// `library-version` (`M` or `M.m`).
    pub library_version: Option<String>,
    /// `object`: the object label (`CKA_LABEL`).
    pub object: Option<String>,
    /// `id`: the object id (`CKA_ID`), raw bytes.
    pub id: Option<Vec<u8>>,
    /// `type`.
    pub object_type: Option<ObjectType>,
    /// `module-path`: the module to load.
    pub module_path: Option<PathBuf>,
    /// `module-name`: a module looked up in the system's module directories.
    pub module_name: Option<String>,
    /// `pin-value` or `pin-source`.
    pub pin: PinSpec,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::failed("pkcs11_uri_invalid", message.into()).with_hint(
        "a key is named like pkcs11:token=LABEL;object=KEY;type=private?module-path=/path/to/module.so (RFC 7512)",
    )
}

/// Percent-decodes `value` (the attribute `name` is for messages only).
fn decode(name: &str, value: &str) -> Result<Vec<u8>> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| invalid(format!("{name}: a % is not followed by two hex digits")))?;
            out.push(hex);
            i += 3;
        } else if b.is_ascii_control() || b == b' ' {
            return Err(invalid(format!(
                "{name}: spaces and control characters must be percent-encoded"
            )));
        } else {
            out.push(b);
            i += 1;
        }
    }
    Ok(out)
}

fn text(name: &str, value: &str) -> Result<String> {
    String::from_utf8(decode(name, value)?).map_err(|_| invalid(format!("{name}: not UTF-8 once decoded")))
}

/// Sets `slot` once; a second value is a duplicate attribute.
fn once<T>(slot: &mut Option<T>, name: &str, value: T) -> Result<()> {
    if slot.is_some() {
        return Err(invalid(format!(
            "the attribute {name} appears twice (RFC 7512 section 2.3)"
        )));
    }
    *slot = Some(value);
    Ok(())
}

impl Pkcs11Uri {
    /// Parses a URI.
    ///
    /// # Errors
    /// `pkcs11_uri_invalid` (the message names the attribute; it never
    /// contains the PIN).
    pub fn parse(uri: &str) -> Result<Pkcs11Uri> {
        let rest = uri
            .get(..7)
            .filter(|s| s.eq_ignore_ascii_case("pkcs11:"))
            .and_then(|_| uri.get(7..))
            .ok_or_else(|| invalid("a PKCS#11 URI starts with pkcs11:"))?;
        if rest.contains('#') {
            return Err(invalid("a PKCS#11 URI has no fragment (#)"));
        }
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let mut u = Pkcs11Uri::default();
        for attr in path.split(';').filter(|a| !a.is_empty()) {
            let (name, value) = attr
                .split_once('=')
                .ok_or_else(|| invalid(format!("path attribute {attr:?} has no '='")))?;
            match name {
                "token" => once(&mut u.token, name, text(name, value)?)?,
                "manufacturer" => once(&mut u.manufacturer, name, text(name, value)?)?,
                "serial" => once(&mut u.serial, name, text(name, value)?)?,
                "model" => once(&mut u.model, name, text(name, value)?)?,
                "slot-description" => once(&mut u.slot_description, name, text(name, value)?)?,
                "slot-manufacturer" => once(&mut u.slot_manufacturer, name, text(name, value)?)?,
                "library-manufacturer" => once(&mut u.library_manufacturer, name, text(name, value)?)?,
                "library-description" => once(&mut u.library_description, name, text(name, value)?)?,
                "library-version" => {
                    let v = text(name, value)?;
                    let ok = v.split('.').count() <= 2
                        && v.split('.')
                            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
                    if !ok {
                        return Err(invalid("library-version: expected M or M.m"));
                    }
                    once(&mut u.library_version, name, v)?
                }
                "object" => once(&mut u.object, name, text(name, value)?)?,
                "id" => once(&mut u.id, name, decode(name, value)?)?,
                "slot-id" => {
                    let v = text(name, value)?;
                    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(invalid("slot-id: expected a decimal number"));
                    }
                    let n = v.parse::<u64>().map_err(|_| invalid("slot-id: out of range"))?;
                    once(&mut u.slot_id, name, n)?
                }
                "type" => {
                    let t = match text(name, value)?.as_str() {
                        "public" => ObjectType::Public,
                        "private" => ObjectType::Private,
                        "cert" => ObjectType::Cert,
                        "secret-key" => ObjectType::SecretKey,
                        "data" => ObjectType::Data,
                        other => {
                            return Err(invalid(format!(
                                "type={other:?}: expected public, private, cert, secret-key or data"
                            )));
                        }
                    };
                    once(&mut u.object_type, name, t)?
                }
                other => {
                    return Err(invalid(format!(
                        "unknown path attribute {other:?}: a URI with it matches no object (RFC 7512 section 3.3)"
                    )));
                }
            }
        }
        let mut pin_value: Option<Zeroizing<String>> = None;
        let mut pin_source: Option<String> = None;
        for attr in query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .filter(|a| !a.is_empty())
        {
            let (name, value) = attr.split_once('=').unwrap_or((attr, ""));
            match name {
                "pin-value" => {
                    // Decoded into a zeroizing buffer; never echoed in a message.
                    let bytes = Zeroizing::new(decode(name, value)?);
                    let pin = std::str::from_utf8(&bytes)
                        .map_err(|_| invalid("pin-value: not UTF-8 once decoded"))?;
                    once(&mut pin_value, name, Zeroizing::new(pin.to_string()))?
                }
                "pin-source" => once(&mut pin_source, name, text(name, value)?)?,
                "module-path" => once(&mut u.module_path, name, PathBuf::from(text(name, value)?))?,
                "module-name" => {
                    let v = text(name, value)?;
                    if v.is_empty() || v.contains('/') {
                        return Err(invalid("module-name: a library name without a directory"));
                    }
                    once(&mut u.module_name, name, v)?
                }
                // RFC 7512: unknown (and vendor) query attributes are ignored.
                _ => {}
            }
        }
        u.pin = match (pin_value, pin_source) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "pin-value and pin-source together are ambiguous; give one",
                ));
            }
            (Some(v), None) => PinSpec::Value(v),
            (None, Some(source)) => PinSpec::File(pin_file(&source)?),
            (None, None) => PinSpec::None,
        };
        Ok(u)
    }

    /// Whether the URI carries the PIN itself (`pin-value`).
    pub fn has_pin_value(&self) -> bool {
        matches!(self.pin, PinSpec::Value(_))
    }

    /// The same URI without `pin-value` (what a state stores).
    #[must_use]
    pub fn without_pin_value(&self) -> Pkcs11Uri {
        let mut u = self.clone();
        if u.has_pin_value() {
            u.pin = PinSpec::None;
        }
        u
    }

    /// The object label or id, for messages: `object "k"` or `id 01ab`.
    pub fn key_name(&self) -> String {
        match (&self.object, &self.id) {
            (Some(o), _) => format!("object {o:?}"),
            (None, Some(id)) => format!("id {}", crate::hex(id)),
            (None, None) => "no object".into(),
        }
    }

    /// The type, if any, as written.
    pub fn type_name(&self) -> Option<&'static str> {
        self.object_type.map(ObjectType::name)
    }
}

fn pin_file(source: &str) -> Result<PathBuf> {
    let path = if let Some(rest) = source.strip_prefix("file://") {
        // file:///abs (empty authority) or file://localhost/abs.
        let rest = rest.strip_prefix("localhost").unwrap_or(rest);
        rest.to_string()
    } else if let Some(rest) = source.strip_prefix("file:") {
        rest.to_string()
    } else {
        source.to_string()
    };
    if !path.starts_with('/') {
        return Err(invalid(
            "pin-source: only an absolute file: path is accepted (file:/path/to/pin)",
        ));
    }
    Ok(PathBuf::from(path))
}

/// Percent-encodes everything outside RFC 7512's unreserved characters.
fn encode(out: &mut String, bytes: &[u8]) {
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

impl fmt::Display for Pkcs11Uri {
    /// The URI in a canonical form, **without `pin-value`** (a PIN is never
    /// printed); `pin-source` is kept.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut path = Vec::new();
        let mut add = |name: &str, bytes: Option<&[u8]>| {
            if let Some(b) = bytes {
                let mut s = format!("{name}=");
                encode(&mut s, b);
                path.push(s);
            }
        };
        let slot_id = self.slot_id.map(|n| n.to_string());
        add(
            "library-manufacturer",
            self.library_manufacturer.as_deref().map(str::as_bytes),
        );
        add(
            "library-description",
            self.library_description.as_deref().map(str::as_bytes),
        );
        add(
            "library-version",
            self.library_version.as_deref().map(str::as_bytes),
        );
        add(
            "slot-manufacturer",
            self.slot_manufacturer.as_deref().map(str::as_bytes),
        );
        add(
            "slot-description",
            self.slot_description.as_deref().map(str::as_bytes),
        );
        add("slot-id", slot_id.as_deref().map(str::as_bytes));
        add("manufacturer", self.manufacturer.as_deref().map(str::as_bytes));
        add("model", self.model.as_deref().map(str::as_bytes));
        add("serial", self.serial.as_deref().map(str::as_bytes));
        add("token", self.token.as_deref().map(str::as_bytes));
        add("object", self.object.as_deref().map(str::as_bytes));
        add("id", self.id.as_deref());
        add("type", self.type_name().map(str::as_bytes));
        let mut query = Vec::new();
        let mut addq = |name: &str, value: Option<&str>| {
            if let Some(v) = value {
                let mut s = format!("{name}=");
                // Paths keep their slashes readable.
                for part in v.split('/').enumerate() {
                    if part.0 > 0 {
                        s.push('/');
                    }
                    encode(&mut s, part.1.as_bytes());
                }
                query.push(s);
            }
        };
        let module_path = self.module_path.as_ref().map(|p| p.display().to_string());
        addq("module-name", self.module_name.as_deref());
        addq("module-path", module_path.as_deref());
        if let PinSpec::File(p) = &self.pin {
            let source = format!("file:{}", p.display());
            let mut s = String::from("pin-source=");
            for (i, part) in source.split('/').enumerate() {
                if i > 0 {
                    s.push('/');
                }
                // Keep the scheme's colon readable.
                let mut enc = String::new();
                encode(&mut enc, part.as_bytes());
                s.push_str(&enc.replacen("%3A", ":", usize::from(i == 0)));
            }
            query.push(s);
        }
        write!(f, "pkcs11:{}", path.join(";"))?;
        if !query.is_empty() {
            write!(f, "?{}", query.join("&"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(uri: &str) -> &'static str {
        Pkcs11Uri::parse(uri).unwrap_err().code()
    }

    #[test]
    fn parses_the_rfc_examples_and_decodes() {
        let u = Pkcs11Uri::parse(
            "pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=?pin-source=file:/etc/token_pin",
        )
        .unwrap();
        assert_eq!(u.token.as_deref(), Some("The Software PKCS#11 Softtoken"));
        assert_eq!(u.manufacturer.as_deref(), Some("Snake Oil, Inc."));
        assert_eq!(u.object_type, Some(ObjectType::Cert));
        assert_eq!(
            u.id.as_deref(),
            Some(&[0x69, 0x95, 0x3e, 0x5c, 0xf4, 0xbd, 0xec, 0x91][..])
        );
        assert_eq!(u.serial.as_deref(), Some(""));
        assert!(matches!(&u.pin, PinSpec::File(p) if p == std::path::Path::new("/etc/token_pin")));
        // Scheme is case-insensitive; an empty URI names everything.
        assert!(Pkcs11Uri::parse("PKCS11:").is_ok());
        let u = Pkcs11Uri::parse("pkcs11:object=my-key;type=private?pin-source=file:///run/pin").unwrap();
        assert!(matches!(&u.pin, PinSpec::File(p) if p == std::path::Path::new("/run/pin")));
        let u = Pkcs11Uri::parse(
            "pkcs11:slot-id=3;library-version=2.40;token=t?module-path=/usr/lib/softhsm/libsofthsm2.so&x-vendor=1&unknown",
        )
        .unwrap();
        assert_eq!(u.slot_id, Some(3));
        assert_eq!(
            u.module_path.as_deref(),
            Some(std::path::Path::new("/usr/lib/softhsm/libsofthsm2.so"))
        );
        let u = Pkcs11Uri::parse("pkcs11:token=a;object=b?module-name=softhsm2").unwrap();
        assert_eq!(u.module_name.as_deref(), Some("softhsm2"));
    }

    #[test]
    fn refuses_what_the_rfc_refuses() {
        for bad in [
            "",
            "pkcs12:token=t",
            "pkcs11:token=a;token=b",
            "pkcs11:token=%4",
            "pkcs11:token=%zz",
            "pkcs11:token=%FF%FE",
            "pkcs11:token=a b",
            "pkcs11:x-vendor=1",
            "pkcs11:tokenn=t",
            "pkcs11:token",
            "pkcs11:type=key",
            "pkcs11:slot-id=-1",
            "pkcs11:slot-id=99999999999999999999999",
            "pkcs11:library-version=2.4.1",
            "pkcs11:token=t#frag",
            "pkcs11:token=t?pin-value=1&pin-source=file:/p",
            "pkcs11:token=t?pin-value=1&pin-value=2",
            "pkcs11:token=t?pin-source=|/bin/ask",
            "pkcs11:token=t?pin-source=file:relative",
            "pkcs11:token=t?module-name=../lib",
        ] {
            assert_eq!(code(bad), "pkcs11_uri_invalid", "{bad:?}");
        }
    }

    #[test]
    fn the_pin_is_never_shown() {
        let u = Pkcs11Uri::parse("pkcs11:token=t;object=k;type=private?pin-value=s3cr%65t&module-path=/m.so")
            .unwrap();
        assert!(u.has_pin_value());
        assert!(matches!(&u.pin, PinSpec::Value(v) if v.as_str() == "s3cret"));
        let shown = format!("{u} {u:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("s3cr%65t"),
            "{shown}"
        );
        assert_eq!(
            u.to_string(),
            "pkcs11:token=t;object=k;type=private?module-path=/m.so"
        );
        assert!(!u.without_pin_value().has_pin_value());
        // Messages about a bad PIN attribute do not echo it either.
        let e = Pkcs11Uri::parse("pkcs11:token=t?pin-value=s3cret&pin-source=file:/p").unwrap_err();
        assert!(!e.message().contains("s3cret"));
    }

    #[test]
    fn display_round_trips() {
        for uri in [
            "pkcs11:token=My%20Token;object=code%3Bsigning;id=%01%02;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/signet%20pin",
            "pkcs11:slot-id=0;token=t",
        ] {
            let u = Pkcs11Uri::parse(uri).unwrap();
            let again = Pkcs11Uri::parse(&u.to_string()).unwrap();
            assert_eq!(again.to_string(), u.to_string());
            assert_eq!(again.object, u.object);
            assert_eq!(again.id, u.id);
            assert_eq!(format!("{:?}", again.pin), format!("{:?}", u.pin));
        }
        let u = Pkcs11Uri::parse("pkcs11:object=code%3Bsigning").unwrap();
        assert_eq!(u.object.as_deref(), Some("code;signing"));
        assert_eq!(u.to_string(), "pkcs11:object=code%3Bsigning");
    }
}
