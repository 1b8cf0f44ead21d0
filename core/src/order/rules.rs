//! The order rules. Each `check_*` function visits one object of the request
//! and emits findings in rule-table order; [`Ctx::finish`] sorts them by offset.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::countries::is_country_code;
use super::{Finding, Product, Severity};
use crate::json::{Object, Value};
use crate::time::Date;

/// How long a certificate ordered on a given date may be valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidityLimit {
    /// At most this many years after the order date (`at.add_years(n)`).
    Years(u16),
    /// At most this many days after the order date.
    Days(i64),
}

/// A validity cap and the date from which it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidityCap {
    /// First order date (inclusive) on which the cap applies.
    pub from: Date,
    /// The cap.
    pub limit: ValidityLimit,
    /// Where the rule comes from.
    pub source: &'static str,
}

const fn date(y: u16, m: u8, d: u8) -> Date {
    match Date::from_ymd(y, m, d) {
        Ok(d) => d,
        Err(_) => Date::MIN_SUPPORTED,
    }
}

/// Validity caps by effective date, oldest first: the last entry whose `from`
/// is on or before the order date applies. Rules that change over time are
/// added here as rows, not as conditions in the checks.
pub const VALIDITY_CAPS: [ValidityCap; 2] = [
    ValidityCap {
        from: Date::MIN_SUPPORTED,
        limit: ValidityLimit::Years(3),
        source: "CertCentral order API: 1-3 years",
    },
    ValidityCap {
        from: date(2026, 3, 1),
        limit: ValidityLimit::Days(459),
        source: "CA/B Forum CSC-31 caps code signing certificates at 460 days; the CA enforces 459",
    },
];

fn cap_for(at: Date) -> ValidityCap {
    let mut cap = VALIDITY_CAPS[0];
    for c in VALIDITY_CAPS {
        if c.from <= at {
            cap = c;
        }
    }
    cap
}

/// The private-key storage rule for `code_signing` (OV) orders from one date
/// until the next row: what the CA does with a request that carries a CSR for
/// a key it cannot place on certified hardware (any method but `email`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyStorageRule {
    /// First date (inclusive) the row applies.
    pub from: Date,
    /// Whether the CA accepts such a request submitted on this date. This is
    /// the field [`super::validate`] reads, on the order date: when false, the
    /// CSR is `csr_not_allowed`.
    pub accepts_csr_without_email: bool,
    /// Whether the CA still issues a certificate for such a request (one it
    /// accepted earlier). An issuance date, not an order date: the validator
    /// checks a request on the day it is sent, so it has no finding for this.
    pub issues_csr_without_email: bool,
    /// Where the rule comes from.
    pub source: &'static str,
}

/// The `code_signing` key-storage rule by date, oldest first: the last row
/// whose `from` is on or before the date applies. `code_signing_ev` is not
/// affected (the seed pages put no CSR restriction on it).
pub const CODE_SIGNING_KEY_STORAGE: [KeyStorageRule; 3] = [
    KeyStorageRule {
        from: Date::MIN_SUPPORTED,
        accepts_csr_without_email: true,
        issues_csr_without_email: true,
        source: "before the private key storage requirement",
    },
    KeyStorageRule {
        from: date(2023, 5, 16),
        accepts_csr_without_email: false,
        issues_csr_without_email: true,
        source: "seed 001: starting May 16, 2023 the CA no longer accepts code_signing requests that create a CSR for a key on a laptop or server",
    },
    KeyStorageRule {
        from: date(2023, 5, 30),
        accepts_csr_without_email: false,
        issues_csr_without_email: false,
        source: "seed 001: starting May 30, 2023 the CA can no longer issue certificates for requests that do not meet the private key storage requirement",
    },
];

/// The row of [`CODE_SIGNING_KEY_STORAGE`] in force on `at`.
pub fn key_storage_rule_at(at: Date) -> KeyStorageRule {
    let mut rule = CODE_SIGNING_KEY_STORAGE[0];
    for r in CODE_SIGNING_KEY_STORAGE {
        if r.from <= at {
            rule = r;
        }
    }
    rule
}

/// Checks the content of `certificate.csr`: that it is a non-empty string,
/// then the key policy's CSR checks ([`crate::policy::check_order_csr`]):
/// PEM or DER parsing, the self-signature, and the key against the device
/// profile that `provisioning_method` implies, as of `at`. Every policy finding
/// is reported at `path` with the policy's own code (`csr_malformed`,
/// `csr_signature_invalid`, `key_too_small`, `curve_not_allowed`, ...); its
/// message names the part of the CSR it concerns.
pub fn check_csr(csr: &str, provisioning_method: Option<&str>, at: Date, path: &str) -> Vec<Finding> {
    if csr.trim().is_empty() {
        return alloc::vec![Finding {
            severity: Severity::Error,
            path: String::from(path),
            code: "empty_value",
            message: String::from("csr must not be empty"),
        }];
    }
    crate::policy::check_order_csr(csr, provisioning_method, at)
        .into_iter()
        .map(|f| Finding {
            severity: f.severity,
            path: String::from(path),
            code: f.code,
            message: if f.path.is_empty() {
                f.message
            } else {
                alloc::format!("csr {}: {}", f.path, f.message)
            },
        })
        .collect()
}

/// A practical email-address check (not full RFC 5322, which allows quoted
/// local parts and comments that order systems do not accept):
/// - at most 254 characters (RFC 5321 path limit), exactly one `@`;
/// - local part 1-64 characters from the RFC 5322 *atext* set
///   (letters, digits, ``!#$%&'*+/=?^_`{|}~-``) and dots, no leading,
///   trailing or doubled dot;
/// - domain of at least two dot-separated labels, each 1-63 ASCII letters,
///   digits or hyphens, not starting or ending with a hyphen; the last label
///   is not all digits. No spaces anywhere, no IP literals, ASCII only
///   (internationalised addresses must be sent in A-label form).
pub fn is_valid_email(s: &str) -> bool {
    if s.len() > 254 || !s.is_ascii() {
        return false;
    }
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let atext = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~-".contains(&b);
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local.split('.').all(|w| !w.is_empty() && w.bytes().all(atext));
    if !local_ok || domain.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|l| !l.bytes().all(|b| b.is_ascii_digit()))
}

/// The Luhn (mod 10) check of a card number given as ASCII digits.
/// Returns false for anything that is not all digits or is empty.
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let mut sum: u32 = 0;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// Validation context: product, order date, collected findings with offsets.
pub(crate) struct Ctx {
    product: Product,
    at: Date,
    findings: Vec<(usize, Finding)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Req {
    Required,
    Optional,
}
use Req::{Optional, Required};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Method {
    ShipToken,
    ClientApp,
    Email,
    KeyLocker,
}

impl Method {
    const fn as_str(self) -> &'static str {
        match self {
            Method::ShipToken => "ship_token",
            Method::ClientApp => "client_app",
            Method::Email => "email",
            Method::KeyLocker => "keylocker",
        }
    }
}

/// The provisioning method as far as other rules care.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum MethodState {
    Absent,
    /// Present but not a valid value: dependent rules are skipped (one error is enough).
    Invalid,
    Valid(Method),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Payment {
    Absent,
    Invalid,
    Balance,
    Card,
    Profile,
}

// Paths are built by hand, not with `format!`: one exact allocation, no formatting machinery
// (both showed in the profile, BENCHMARKS.md "Order validation").
fn join(parent: &str, key: &str) -> String {
    let mut path = String::with_capacity(parent.len() + 1 + key.len());
    if !parent.is_empty() {
        path.push_str(parent);
        path.push('.');
    }
    path.push_str(key);
    path
}

fn index(parent: &str, i: usize) -> String {
    let mut digits = [0u8; 20];
    let mut n = i;
    let mut start = digits.len();
    loop {
        start -= 1;
        if let (Some(d), Some(&c)) = (digits.get_mut(start), b"0123456789".get(n % 10)) {
            *d = c;
        }
        n /= 10;
        if n == 0 || start == 0 {
            break;
        }
    }
    let digits = core::str::from_utf8(digits.get(start..).unwrap_or_default()).unwrap_or_default();
    let mut path = String::with_capacity(parent.len() + digits.len() + 2);
    path.push_str(parent);
    path.push('[');
    path.push_str(digits);
    path.push(']');
    path
}

/// A JSON object being checked, with where it is.
#[derive(Clone, Copy)]
struct Obj<'a> {
    obj: &'a Object<'a>,
    offset: usize,
    path: &'a str,
}

impl<'a> Obj<'a> {
    fn get(&self, key: &str) -> Option<&'a Value<'a>> {
        self.obj.get(key)
    }
}

impl Ctx {
    pub(crate) fn new(product: Product, at: Date) -> Self {
        Ctx {
            product,
            at,
            findings: Vec::new(),
        }
    }

    /// The findings sorted by offset; ties keep emission (rule) order.
    pub(crate) fn finish(mut self) -> Vec<Finding> {
        self.findings.sort_by_key(|(offset, _)| *offset);
        self.findings.into_iter().map(|(_, f)| f).collect()
    }

    fn push(&mut self, offset: usize, severity: Severity, path: String, code: &'static str, message: String) {
        self.findings.push((
            offset,
            Finding {
                severity,
                path,
                code,
                message,
            },
        ));
    }

    fn error(&mut self, offset: usize, path: String, code: &'static str, message: String) {
        self.push(offset, Severity::Error, path, code, message);
    }

    fn warn(&mut self, offset: usize, path: String, code: &'static str, message: String) {
        self.push(offset, Severity::Warning, path, code, message);
    }

    fn missing(&mut self, o: Obj<'_>, key: &str, why: &str) {
        let path = join(o.path, key);
        let message = if why.is_empty() {
            format!("{path} is required")
        } else {
            format!("{path} is required {why}")
        };
        self.error(o.offset, path, "required", message);
    }

    fn wrong_type(&mut self, v: &Value<'_>, path: String, expected: &str) {
        let message = format!("{path} must be {expected}, not {}", v.type_name());
        self.error(v.offset, path, "wrong_type", message);
    }

    /// A member that must be an object.
    fn object<'a>(&mut self, o: Obj<'a>, key: &str, req: Req, path: &'a mut String) -> Option<Obj<'a>> {
        *path = join(o.path, key);
        match o.get(key) {
            None => {
                if req == Required {
                    self.missing(o, key, "");
                }
                None
            }
            Some(v) => match v.as_object() {
                Some(obj) => Some(Obj {
                    obj,
                    offset: v.offset,
                    path: path.as_str(),
                }),
                None => {
                    self.wrong_type(v, path.clone(), "an object");
                    None
                }
            },
        }
    }

    /// A member that must be a string; required strings must not be empty.
    fn string<'a>(&mut self, o: Obj<'a>, key: &str, req: Req) -> Option<&'a str> {
        let v = match o.get(key) {
            None => {
                if req == Required {
                    self.missing(o, key, "");
                }
                return None;
            }
            Some(v) => v,
        };
        // Paths are built only for a finding: most fields have none.
        match v.as_str() {
            None => {
                self.wrong_type(v, join(o.path, key), "a string");
                None
            }
            Some(s) => {
                if req == Required && s.is_empty() {
                    let path = join(o.path, key);
                    let message = format!("{path} must not be empty");
                    self.error(v.offset, path, "empty_value", message);
                }
                Some(s)
            }
        }
    }

    /// A string member with a character limit.
    fn text<'a>(&mut self, o: Obj<'a>, key: &str, req: Req, max: usize) -> Option<&'a str> {
        let s = self.string(o, key, req)?;
        let n = s.chars().count();
        if n > max {
            let path = join(o.path, key);
            let offset = o.get(key).map_or(o.offset, |v| v.offset);
            self.error(
                offset,
                path.clone(),
                "too_long",
                format!("{path} is {n} characters, more than {max}"),
            );
        }
        Some(s)
    }

    /// A string member that must be one of `allowed` (exact match).
    fn one_of<'a>(&mut self, o: Obj<'a>, key: &str, req: Req, allowed: &[&str]) -> Option<&'a str> {
        let s = self.string(o, key, req)?;
        if s.is_empty() && req == Required {
            return None; // already reported as empty_value
        }
        if allowed.contains(&s) {
            return Some(s);
        }
        let path = join(o.path, key);
        let offset = o.get(key).map_or(o.offset, |v| v.offset);
        self.error(
            offset,
            path.clone(),
            "invalid_value",
            format!("{path} is {s:?}; allowed: {}", allowed.join(", ")),
        );
        None
    }

    /// An email member with a character limit.
    fn email(&mut self, o: Obj<'_>, key: &str, req: Req, max: usize) {
        let Some(s) = self.string(o, key, req) else {
            return;
        };
        let offset = o.get(key).map_or(o.offset, |v| v.offset);
        let n = s.chars().count();
        if n > max {
            let path = join(o.path, key);
            let message = format!("{path} is {n} characters, more than {max}");
            self.error(offset, path, "too_long", message);
        } else if !s.is_empty() && !is_valid_email(s) {
            let path = join(o.path, key);
            let message = format!("{path} is not a valid email address");
            self.error(offset, path, "invalid_email", message);
        }
    }

    fn int_value(&mut self, v: &Value<'_>, path: impl FnOnce() -> String) -> Option<i64> {
        match v.as_number() {
            Some(n) if n.is_integer_literal() => match n.as_i64() {
                Some(i) => Some(i),
                None => {
                    let path = path();
                    let message = format!("{path} = {} does not fit a 64-bit integer", n.literal());
                    self.error(v.offset, path, "out_of_range", message);
                    None
                }
            },
            _ => {
                self.wrong_type(v, path(), "an integer");
                None
            }
        }
    }

    /// An integer member; `range` is checked when given.
    fn int(&mut self, o: Obj<'_>, key: &str, req: Req, range: Option<(i64, i64)>) -> Option<i64> {
        let Some(v) = o.get(key) else {
            if req == Required {
                self.missing(o, key, "");
            }
            return None;
        };
        let i = self.int_value(v, || join(o.path, key))?;
        if let Some((lo, hi)) = range
            && (i < lo || i > hi)
        {
            let path = join(o.path, key);
            let message = if hi == i64::MAX {
                format!("{path} is {i}; it must be at least {lo}")
            } else {
                format!("{path} is {i}; it must be between {lo} and {hi}")
            };
            self.error(v.offset, path, "out_of_range", message);
            return None;
        }
        Some(i)
    }

    fn boolean(&mut self, o: Obj<'_>, key: &str) {
        if let Some(v) = o.get(key)
            && v.as_bool().is_none()
        {
            self.wrong_type(v, join(o.path, key), "true or false");
        }
    }

    fn array<'a>(&mut self, o: Obj<'a>, key: &str) -> Option<&'a [Value<'a>]> {
        let v = o.get(key)?;
        match v.as_array() {
            Some(a) => Some(a),
            None => {
                self.wrong_type(v, join(o.path, key), "an array");
                None
            }
        }
    }

    /// Warns about members not in `known`.
    fn unknown(&mut self, o: Obj<'_>, known: &[&str]) {
        for m in o.obj.members() {
            if !known.contains(&m.key.as_ref()) {
                let path = join(o.path, &m.key);
                let message = format!("{path} is not a documented field; the CA may ignore or reject it");
                self.warn(m.value.offset, path, "unknown_field", message);
            }
        }
    }

    fn ignored(&mut self, o: Obj<'_>, key: &str, why: &str) {
        if let Some(v) = o.get(key) {
            let path = join(o.path, key);
            let message = format!("{path} is ignored {why}");
            self.warn(v.offset, path, "field_ignored", message);
        }
    }
}

const ROOT_FIELDS: &[&str] = &[
    "certificate",
    "auto_renew",
    "additional_emails",
    "renewal_of_order_id",
    "skip_approval",
    "organization_contact",
    "technical_contact",
    "organization",
    "container",
    "order_validity",
    "validity_years",
    "custom_expiration_date",
    "cs_provisioning_method",
    "ship_info",
    "subject",
    "custom_fields",
    "payment_method",
    "credit_card",
    "billing_address",
    "vat_number",
    "alternative_order_id",
    "enable_guest_access",
];

const METHODS: &[&str] = &["ship_token", "client_app", "email", "keylocker"];

fn method_state(root: Obj<'_>) -> MethodState {
    match root.get("cs_provisioning_method") {
        None => MethodState::Absent,
        Some(v) => match v.as_str() {
            Some("ship_token") => MethodState::Valid(Method::ShipToken),
            Some("client_app") => MethodState::Valid(Method::ClientApp),
            Some("email") => MethodState::Valid(Method::Email),
            Some("keylocker") => MethodState::Valid(Method::KeyLocker),
            _ => MethodState::Invalid,
        },
    }
}

fn payment_state(root: Obj<'_>) -> Payment {
    match root.get("payment_method") {
        None => Payment::Absent,
        Some(v) => match v.as_str() {
            Some("balance") => Payment::Balance,
            Some("card") => Payment::Card,
            Some("profile") => Payment::Profile,
            _ => Payment::Invalid,
        },
    }
}

/// Checks a whole order body (already a JSON object).
pub(crate) fn check_order(ctx: &mut Ctx, root: &Object<'_>, offset: usize) {
    let root = Obj {
        obj: root,
        offset,
        path: "",
    };
    let method = method_state(root);
    let payment = payment_state(root);
    let mut p = String::new();

    if let Some(cert) = ctx.object(root, "certificate", Required, &mut p) {
        check_certificate(ctx, cert, method);
    }
    ctx.int(root, "auto_renew", Optional, Some((0, i64::MAX)));
    if let Some(emails) = ctx.array(root, "additional_emails") {
        for (i, v) in emails.iter().enumerate() {
            let path = index("additional_emails", i);
            match v.as_str() {
                None => ctx.wrong_type(v, path, "a string"),
                Some(s) if !is_valid_email(s) => {
                    let message = format!("{path} is not a valid email address");
                    ctx.error(v.offset, path, "invalid_email", message);
                }
                Some(_) => {}
            }
        }
    }
    ctx.int(root, "renewal_of_order_id", Optional, Some((1, i64::MAX)));
    ctx.boolean(root, "skip_approval");
    for key in ["organization_contact", "technical_contact"] {
        let mut p = String::new();
        if let Some(c) = ctx.object(root, key, Optional, &mut p) {
            check_order_contact(ctx, c);
        }
    }
    let mut p = String::new();
    if let Some(org) = ctx.object(root, "organization", Required, &mut p) {
        check_organization(ctx, org);
    }
    let mut p = String::new();
    if let Some(container) = ctx.object(root, "container", Optional, &mut p) {
        ctx.int(container, "id", Required, Some((1, i64::MAX)));
        ctx.unknown(container, &["id"]);
    }
    check_validity(ctx, root);
    check_provisioning(ctx, root, method);
    check_subject(ctx, root);
    check_custom_fields(ctx, root);
    check_payment(ctx, root, payment);
    if let Some(v) = root.get("alternative_order_id") {
        match v.as_str() {
            None => ctx.wrong_type(v, String::from("alternative_order_id"), "a string"),
            Some(s) => {
                let n = s.chars().count();
                if n > 64 {
                    let message = format!("alternative_order_id is {n} characters, more than 64");
                    ctx.error(
                        v.offset,
                        String::from("alternative_order_id"),
                        "too_long",
                        message,
                    );
                }
                if s.is_empty() || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    let message = String::from("alternative_order_id must be ASCII letters and digits only");
                    ctx.error(
                        v.offset,
                        String::from("alternative_order_id"),
                        "invalid_format",
                        message,
                    );
                }
            }
        }
    }
    if let Some(v) = root.get("enable_guest_access")
        && let Some(i) = ctx.int_value(v, || String::from("enable_guest_access"))
        && i != 0
        && i != 1
    {
        let message = format!("enable_guest_access is {i}; allowed: 0, 1");
        ctx.error(
            v.offset,
            String::from("enable_guest_access"),
            "invalid_value",
            message,
        );
    }
    ctx.unknown(root, ROOT_FIELDS);
}

fn check_certificate(ctx: &mut Ctx, cert: Obj<'_>, method: MethodState) {
    // csr
    match cert.get("csr") {
        None => {
            if method == MethodState::Valid(Method::Email) {
                ctx.missing(cert, "csr", "when cs_provisioning_method is email");
            }
        }
        Some(v) => {
            let path = join(cert.path, "csr");
            match v.as_str() {
                None => ctx.wrong_type(v, path.clone(), "a string (PEM CSR)"),
                Some(csr) => {
                    let method_name = match method {
                        MethodState::Valid(m) => Some(m.as_str()),
                        MethodState::Absent | MethodState::Invalid => None,
                    };
                    for f in check_csr(csr, method_name, ctx.at, &path) {
                        ctx.findings.push((v.offset, f));
                    }
                }
            }
            // An invalid method is reported on its own; no second error here.
            let not_email = matches!(
                method,
                MethodState::Absent
                    | MethodState::Valid(Method::ShipToken | Method::ClientApp | Method::KeyLocker)
            );
            if ctx.product == Product::CodeSigning
                && not_email
                && !key_storage_rule_at(ctx.at).accepts_csr_without_email
            {
                // The first row that refuses: the date the requirement began.
                let since = CODE_SIGNING_KEY_STORAGE
                    .iter()
                    .find(|r| !r.accepts_csr_without_email)
                    .map_or(ctx.at, |r| r.from);
                let message = format!(
                    "since {since} the CA rejects code_signing requests that include a csr unless cs_provisioning_method is email (private key storage requirement)"
                );
                ctx.error(v.offset, path, "csr_not_allowed", message);
            }
        }
    }
    ctx.one_of(cert, "signature_hash", Required, &["sha256", "sha384", "sha512"]);
    ctx.string(cert, "ca_cert_id", Optional);
    let mut p = String::new();
    let platform_req = if method == MethodState::Valid(Method::ClientApp) {
        Required
    } else {
        Optional
    };
    if platform_req == Required && cert.get("server_platform").is_none() {
        ctx.missing(
            cert,
            "server_platform",
            "when cs_provisioning_method is client_app",
        );
    }
    if let Some(sp) = ctx.object(cert, "server_platform", Optional, &mut p) {
        if let Some(id) = ctx.int(sp, "id", Required, None)
            && (51..=57).contains(&id)
        {
            let path = join(sp.path, "id");
            let offset = sp.get("id").map_or(sp.offset, |v| v.offset);
            let message = format!("{path} {id} is converted to -1 (other) by the CA");
            ctx.warn(offset, path, "server_platform_converted", message);
        }
        ctx.unknown(sp, &["id"]);
    }
    if let Some(units) = ctx.array(cert, "organization_units") {
        for (i, v) in units.iter().enumerate() {
            if v.as_str().is_none() {
                ctx.wrong_type(v, index(&join(cert.path, "organization_units"), i), "a string");
            }
        }
    }
    ctx.unknown(
        cert,
        &[
            "csr",
            "signature_hash",
            "ca_cert_id",
            "server_platform",
            "organization_units",
        ],
    );
}

/// Order-level `organization_contact` / `technical_contact`.
fn check_order_contact(ctx: &mut Ctx, c: Obj<'_>) {
    ctx.text(c, "first_name", Required, 128);
    ctx.text(c, "last_name", Required, 128);
    ctx.email(c, "email", Required, 255);
    ctx.text(c, "job_title", Optional, 64);
    ctx.text(c, "telephone", Optional, 32);
    ctx.text(c, "telephone_extension", Optional, 16);
    ctx.unknown(
        c,
        &[
            "first_name",
            "last_name",
            "email",
            "job_title",
            "telephone",
            "telephone_extension",
        ],
    );
}

const NEW_ORG_FIELDS: &[&str] = &[
    "name",
    "assumed_name",
    "country",
    "address",
    "address2",
    "city",
    "state",
    "zip",
    "telephone",
];

/// Every documented member of `organization`: the new-organization fields and the rest.
const ORG_FIELDS: &[&str] = &[
    "name",
    "assumed_name",
    "country",
    "address",
    "address2",
    "city",
    "state",
    "zip",
    "telephone",
    "id",
    "skip_duplicate_org_check",
    "contacts",
];

fn check_organization(ctx: &mut Ctx, org: Obj<'_>) {
    let new_org = org.get("id").is_none();
    if !new_org {
        ctx.int(org, "id", Required, Some((1, i64::MAX)));
        for m in org.obj.members() {
            if NEW_ORG_FIELDS.contains(&m.key.as_ref()) {
                let path = join(org.path, &m.key);
                let message = format!(
                    "{path} is not allowed with organization.id: an order uses an existing organization or creates a new one, not both"
                );
                ctx.error(m.value.offset, path, "conflicting_fields", message);
            }
        }
    } else {
        let name = ctx.text(org, "name", Required, 64);
        if let Some(assumed) = ctx.string(org, "assumed_name", Optional) {
            let total = name.map_or(0, |n| n.chars().count()) + assumed.chars().count();
            if !assumed.is_empty() && name.is_some_and(|n| n.chars().count() <= 64) && total > 61 {
                let offset = org.get("assumed_name").map_or(org.offset, |v| v.offset);
                let message = format!("name + assumed_name is {total} characters, more than 61");
                ctx.error(offset, join(org.path, "assumed_name"), "too_long", message);
            }
        }
        if let Some(country) = ctx.string(org, "country", Required)
            && !country.is_empty()
            && !is_country_code(country)
        {
            let path = join(org.path, "country");
            let offset = org.get("country").map_or(org.offset, |v| v.offset);
            let message = format!("{path} {country:?} is not an ISO 3166-1 alpha-2 country code");
            ctx.error(offset, path, "invalid_country", message);
        }
        ctx.text(org, "address", Required, 64);
        ctx.text(org, "address2", Optional, 64);
        ctx.text(org, "city", Required, 64);
        ctx.text(org, "state", Required, 64);
        ctx.text(org, "zip", Required, 128);
        ctx.text(org, "telephone", Required, 32);
    }
    ctx.boolean(org, "skip_duplicate_org_check");
    if let Some(contacts) = ctx.array(org, "contacts") {
        let base = join(org.path, "contacts");
        for (i, v) in contacts.iter().enumerate() {
            let path = index(&base, i);
            match v.as_object() {
                None => ctx.wrong_type(v, path, "an object"),
                Some(obj) => check_org_contact(
                    ctx,
                    Obj {
                        obj,
                        offset: v.offset,
                        path: &path,
                    },
                ),
            }
        }
    }
    if new_org {
        check_new_org_contacts(ctx, org);
    }
    ctx.unknown(org, ORG_FIELDS);
}

/// A new organization's contacts (seed 001, "Use a new organization": "Make
/// sure to include an organization_contact and at least one
/// verified_contact"). A missing organization contact is an error; a missing
/// verified contact is a warning, because the page documents a default (the
/// API key's owner is added as the verified contact). The root-level
/// `organization_contact` does not count: it is used on the order only and
/// "does not replace the organization contact assigned to the organization".
/// Contacts whose `contact_type` is not valid do not count either (they are
/// reported on their own).
fn check_new_org_contacts(ctx: &mut Ctx, org: Obj<'_>) {
    let path = join(org.path, "contacts");
    let (items, offset): (&[Value<'_>], usize) = match org.get("contacts") {
        None => (&[], org.offset),
        Some(v) => match v.as_array() {
            Some(items) => (items, v.offset),
            // Already a wrong_type error: the contacts cannot be read.
            None => return,
        },
    };
    let has = |types: &[&str]| {
        items.iter().any(|c| {
            c.as_object()
                .and_then(|c| c.get("contact_type"))
                .and_then(Value::as_str)
                .is_some_and(|t| types.contains(&t))
        })
    };
    if !has(&["organization_contact"]) {
        let message = format!(
            "a new organization needs an organization_contact in {path} (the order-level organization_contact does not replace it)"
        );
        ctx.error(offset, path.clone(), "organization_contact_missing", message);
    }
    if !has(&["verified_contact", "ev_approver"]) {
        let message = format!(
            "a new organization should have at least one verified_contact in {path}; without one the CA tries to add the API key's owner"
        );
        ctx.warn(offset, path, "verified_contact_missing", message);
    }
}

fn check_org_contact(ctx: &mut Ctx, c: Obj<'_>) {
    let ty = ctx.one_of(
        c,
        "contact_type",
        Required,
        &[
            "organization_contact",
            "technical_contact",
            "verified_contact",
            "ev_approver",
        ],
    );
    if ty == Some("ev_approver") {
        let path = join(c.path, "contact_type");
        let offset = c.get("contact_type").map_or(c.offset, |v| v.offset);
        let message = String::from("contact_type ev_approver is a legacy label; use verified_contact");
        ctx.warn(offset, path, "legacy_contact_type", message);
    }
    let verified = matches!(ty, Some("verified_contact" | "ev_approver"));
    let by_user = match c.get("user_id") {
        None => false,
        Some(v) => {
            let path = || join(c.path, "user_id");
            if v.as_str().is_some() {
                if v.as_str() == Some("") {
                    let path = path();
                    let message = format!("{path} must not be empty");
                    ctx.error(v.offset, path, "empty_value", message);
                }
            } else if let Some(id) = ctx.int_value(v, path)
                && id < 1
            {
                let path = path();
                let message = format!("{path} is {id}; it must be at least 1");
                ctx.error(v.offset, path, "out_of_range", message);
            }
            true
        }
    };
    // With a user_id the details come from the user account; given details are still checked.
    let req = if by_user { Optional } else { Required };
    let verified_req = if verified { req } else { Optional };
    ctx.text(c, "first_name", req, 128);
    ctx.text(c, "last_name", req, 128);
    ctx.email(c, "email", req, 255);
    ctx.text(c, "job_title", verified_req, 64);
    ctx.text(c, "telephone", verified_req, 32);
    ctx.text(c, "telephone_extension", Optional, 16);
    ctx.unknown(
        c,
        &[
            "contact_type",
            "user_id",
            "first_name",
            "last_name",
            "email",
            "job_title",
            "telephone",
            "telephone_extension",
        ],
    );
}

/// A validity choice that parsed: where it is and the expiry it gives.
struct Choice {
    path: String,
    offset: usize,
    /// `None` when the date arithmetic leaves the calendar (far too long anyway).
    end: Option<Date>,
}

fn check_expiry_after(ctx: &mut Ctx, end: Date, path: &str, offset: usize) -> bool {
    if end <= ctx.at {
        let message = format!("{path} {end} is not after the order date {}", ctx.at);
        ctx.error(offset, String::from(path), "expiration_not_in_future", message);
        false
    } else {
        true
    }
}

fn check_validity(ctx: &mut Ctx, root: Obj<'_>) {
    let at = ctx.at;
    // Overriding order, strongest first, within each source.
    let mut ov_choices: Vec<Choice> = Vec::new();
    let mut p = String::new();
    let ov_present = root.get("order_validity").is_some();
    let legacy_present = root.get("validity_years").is_some() || root.get("custom_expiration_date").is_some();
    if !ov_present && !legacy_present {
        ctx.missing(root, "order_validity", "");
    }
    if let Some(ov) = ctx.object(root, "order_validity", Optional, &mut p) {
        let (mut years, mut days, mut custom) = (None, None, None);
        if let Some(y) = ctx.int(ov, "years", Optional, Some((1, 3))) {
            years = Some(Choice {
                path: join(ov.path, "years"),
                offset: ov.get("years").map_or(ov.offset, |v| v.offset),
                end: u16::try_from(y).ok().and_then(|y| at.add_years(y).ok()),
            });
        }
        if let Some(d) = ctx.int(ov, "days", Optional, Some((1, i64::MAX))) {
            days = Some(Choice {
                path: join(ov.path, "days"),
                offset: ov.get("days").map_or(ov.offset, |v| v.offset),
                end: at.add_days(d).ok(),
            });
        }
        if let Some(s) = ctx.string(ov, "custom_expiration_date", Optional) {
            let path = join(ov.path, "custom_expiration_date");
            let offset = ov.get("custom_expiration_date").map_or(ov.offset, |v| v.offset);
            match Date::parse_dd_mmm_yyyy(s) {
                Ok(end) => {
                    if check_expiry_after(ctx, end, &path, offset) {
                        custom = Some(Choice {
                            path,
                            offset,
                            end: Some(end),
                        });
                    }
                }
                Err(e) => {
                    let message = format!("{path} {s:?}: {e} (expected dd MMM YYYY, e.g. 09 JUN 2025)");
                    ctx.error(offset, path, "invalid_date", message);
                }
            }
        }
        if !ov.obj.contains("years") && !ov.obj.contains("days") && !ov.obj.contains("custom_expiration_date")
        {
            ctx.missing(
                ov,
                "years",
                "(or order_validity.days or order_validity.custom_expiration_date)",
            );
        }
        ctx.unknown(ov, &["years", "days", "custom_expiration_date"]);
        ov_choices.extend([custom, days, years].into_iter().flatten());
    }
    let mut legacy_choices: Vec<Choice> = Vec::new();
    let mut legacy_years = None;
    if let Some(v) = root.get("validity_years") {
        let message = String::from("validity_years is deprecated; use order_validity.years");
        ctx.warn(
            v.offset,
            String::from("validity_years"),
            "deprecated_field",
            message,
        );
        if let Some(y) = ctx.int(root, "validity_years", Optional, Some((1, 3))) {
            legacy_years = Some(Choice {
                path: String::from("validity_years"),
                offset: v.offset,
                end: u16::try_from(y).ok().and_then(|y| at.add_years(y).ok()),
            });
        }
    }
    if let Some(v) = root.get("custom_expiration_date") {
        let message = String::from(
            "root custom_expiration_date is deprecated; use order_validity.custom_expiration_date",
        );
        ctx.warn(
            v.offset,
            String::from("custom_expiration_date"),
            "deprecated_field",
            message,
        );
        if let Some(s) = ctx.string(root, "custom_expiration_date", Optional) {
            match Date::parse_iso(s) {
                Ok(end) => {
                    if check_expiry_after(ctx, end, "custom_expiration_date", v.offset) {
                        legacy_choices.push(Choice {
                            path: String::from("custom_expiration_date"),
                            offset: v.offset,
                            end: Some(end),
                        });
                    }
                }
                Err(e) => {
                    let message = format!("custom_expiration_date {s:?}: {e} (expected yyyy-MM-dd)");
                    ctx.error(
                        v.offset,
                        String::from("custom_expiration_date"),
                        "invalid_date",
                        message,
                    );
                }
            }
        }
    }
    legacy_choices.extend(legacy_years);
    // order_validity overrides the deprecated root fields; within each, the first choice wins.
    let mut all = ov_choices;
    all.extend(legacy_choices);
    let mut choices = all.into_iter();
    let Some(effective) = choices.next() else {
        return;
    };
    for other in choices {
        let message = format!("{} is overridden by {}", other.path, effective.path);
        ctx.warn(other.offset, other.path, "validity_overridden", message);
    }
    let cap = cap_for(at);
    let max_end = match cap.limit {
        ValidityLimit::Years(y) => at.add_years(y).ok(),
        ValidityLimit::Days(d) => at.add_days(d).ok(),
    };
    let too_long = match (effective.end, max_end) {
        (Some(end), Some(max)) => end > max,
        (None, Some(_)) => true,
        (_, None) => false,
    };
    if too_long {
        let days = effective.end.map(|e| at.days_until(e));
        let limit = match cap.limit {
            ValidityLimit::Years(y) => format!("{y} years"),
            ValidityLimit::Days(d) => format!("{d} days"),
        };
        let message = match days {
            Some(days) => format!(
                "{} gives {days} days of validity; orders from {} may have at most {limit} ({})",
                effective.path, cap.from, cap.source
            ),
            None => format!("{} is beyond the supported calendar", effective.path),
        };
        ctx.error(effective.offset, effective.path, "validity_too_long", message);
    }
}

fn check_provisioning(ctx: &mut Ctx, root: Obj<'_>, method: MethodState) {
    ctx.one_of(root, "cs_provisioning_method", Optional, METHODS);
    if method == MethodState::Absent && ctx.product == Product::CodeSigningEv {
        let message = String::from(
            "code_signing_ev order without cs_provisioning_method: the account's default method applies",
        );
        ctx.warn(
            root.offset,
            String::from("cs_provisioning_method"),
            "provisioning_method_missing",
            message,
        );
    }
    if let MethodState::Valid(m) = method
        && m != Method::ShipToken
    {
        let mut p = String::new();
        if root.get("ship_info").is_some_and(|v| v.as_object().is_some()) {
            ctx.ignored(root, "ship_info", "unless cs_provisioning_method is ship_token");
            return;
        }
        // Not an object: still a type error below.
        let _ = ctx.object(root, "ship_info", Optional, &mut p);
        return;
    }
    let mut p = String::new();
    if let Some(ship) = ctx.object(root, "ship_info", Optional, &mut p) {
        ctx.string(ship, "name", Required);
        ctx.string(ship, "addr1", Required);
        ctx.string(ship, "addr2", Optional);
        ctx.string(ship, "city", Required);
        ctx.string(ship, "state", Required);
        ctx.string(ship, "zip", Required);
        ctx.string(ship, "country", Required);
        ctx.one_of(ship, "method", Required, &["STANDARD", "EXPEDITED"]);
        ctx.unknown(
            ship,
            &[
                "name", "addr1", "addr2", "city", "state", "zip", "country", "method",
            ],
        );
    }
}

fn check_subject(ctx: &mut Ctx, root: Obj<'_>) {
    let mut p = String::new();
    if let Some(subject) = ctx.object(root, "subject", Optional, &mut p) {
        if ctx.product == Product::CodeSigningEv {
            ctx.ignored(subject, "email", "for code_signing_ev orders");
        } else {
            ctx.email(subject, "email", Optional, 255);
        }
        ctx.unknown(subject, &["email"]);
    }
}

fn check_custom_fields(ctx: &mut Ctx, root: Obj<'_>) {
    let Some(v) = root.get("custom_fields") else {
        return;
    };
    let Some(items) = v.as_array() else {
        ctx.wrong_type(
            v,
            String::from("custom_fields"),
            "an array of {metadata_id, value} objects",
        );
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let path = index("custom_fields", i);
        let Some(obj) = item.as_object() else {
            ctx.wrong_type(item, path, "an object");
            continue;
        };
        let f = Obj {
            obj,
            offset: item.offset,
            path: &path,
        };
        ctx.int(f, "metadata_id", Required, Some((1, i64::MAX)));
        ctx.string(f, "value", Required);
        ctx.unknown(f, &["metadata_id", "value"]);
    }
}

fn check_payment(ctx: &mut Ctx, root: Obj<'_>, payment: Payment) {
    ctx.one_of(root, "payment_method", Optional, &["balance", "card", "profile"]);
    match payment {
        Payment::Card => {
            let mut p = String::new();
            if let Some(card) = ctx.object(root, "credit_card", Required, &mut p) {
                check_card(ctx, card);
            }
            let mut p = String::new();
            if let Some(addr) = ctx.object(root, "billing_address", Required, &mut p) {
                check_billing(ctx, addr);
            }
        }
        Payment::Invalid => {
            // Unknown method: check what is there, require nothing.
            let mut p = String::new();
            if let Some(card) = ctx.object(root, "credit_card", Optional, &mut p) {
                check_card(ctx, card);
            }
            let mut p = String::new();
            if let Some(addr) = ctx.object(root, "billing_address", Optional, &mut p) {
                check_billing(ctx, addr);
            }
        }
        Payment::Absent | Payment::Balance | Payment::Profile => {
            let why = if payment == Payment::Absent {
                "unless payment_method is card (the default is balance)"
            } else {
                "unless payment_method is card"
            };
            ctx.ignored(root, "credit_card", why);
            ctx.ignored(root, "billing_address", why);
        }
    }
    if matches!(payment, Payment::Absent | Payment::Balance) {
        let why = if payment == Payment::Absent {
            "unless payment_method is card or profile (the default is balance)"
        } else {
            "unless payment_method is card or profile"
        };
        ctx.ignored(root, "vat_number", why);
    } else {
        ctx.string(root, "vat_number", Optional);
    }
}

fn check_card(ctx: &mut Ctx, card: Obj<'_>) {
    if let Some(number) = ctx.string(card, "number", Required) {
        let path = join(card.path, "number");
        let offset = card.get("number").map_or(card.offset, |v| v.offset);
        if number.is_empty() {
            // reported as empty_value
        } else if !number.bytes().all(|b| b.is_ascii_digit()) {
            let message = format!("{path} must contain digits only");
            ctx.error(offset, path, "invalid_format", message);
        } else if !(12..=19).contains(&number.len()) || !luhn_valid(number) {
            // The message never repeats the number.
            let message = format!("{path} is not a valid card number (length or check digit)");
            ctx.error(offset, path, "invalid_card_number", message);
        }
    }
    let month = ctx.int(card, "expiration_month", Required, Some((1, 12)));
    let year = ctx.int(card, "expiration_year", Required, Some((1000, 9999)));
    if let (Some(m), Some(y)) = (month, year)
        && (y, m) < (i64::from(ctx.at.year()), i64::from(ctx.at.month()))
    {
        let offset = card.get("expiration_year").map_or(card.offset, |v| v.offset);
        let path = join(card.path, "expiration_year");
        let message = format!(
            "the card expired in {y:04}-{m:02}, before the order date {}",
            ctx.at
        );
        ctx.error(offset, path, "card_expired", message);
    }
    if let Some(v) = card.get("cvv") {
        if let Some(cvv) = ctx.int_value(v, || join(card.path, "cvv"))
            && !(100..=9999).contains(&cvv)
        {
            let path = join(card.path, "cvv");
            let message = format!("{path} must be a three- or four-digit number");
            ctx.error(v.offset, path, "out_of_range", message);
        }
    } else {
        ctx.missing(card, "cvv", "");
    }
    ctx.string(card, "cardholder_name", Required);
    ctx.unknown(
        card,
        &[
            "number",
            "expiration_month",
            "expiration_year",
            "cvv",
            "cardholder_name",
        ],
    );
}

fn check_billing(ctx: &mut Ctx, addr: Obj<'_>) {
    ctx.string(addr, "address", Required);
    ctx.string(addr, "address2", Optional);
    ctx.string(addr, "city", Required);
    ctx.string(addr, "state", Optional);
    ctx.string(addr, "country", Required);
    ctx.string(addr, "zip", Optional);
    ctx.unknown(addr, &["address", "address2", "city", "state", "country", "zip"]);
}

#[cfg(test)]
mod path_tests {
    use super::{index, join};

    #[test]
    fn paths_are_joined_as_documented() {
        assert_eq!(join("", "organization"), "organization");
        assert_eq!(join("organization", "contacts"), "organization.contacts");
        for (i, want) in [(0, "a[0]"), (7, "a[7]"), (10, "a[10]"), (4096, "a[4096]")] {
            assert_eq!(index("a", i), want);
        }
        assert_eq!(index("", usize::MAX), alloc::format!("[{}]", usize::MAX));
    }
}
