//! Errors → JS errors, in one place. Every failure carries a code from the
//! one table of codes (`signet_core::codes::TABLE`); the thrown `Error` gets
//! that row's domain ([`domain_of`]) as `domain`, and `errors.js` makes the
//! domain's class of it (`CLASS_BY_DOMAIN`), so the same code is the same
//! class in Node, the browser and Python. Host errors keep their hint; core
//! errors of the in-memory objects keep their variant's context as fields.

use napi::bindgen_prelude::JsObjectValue;
use napi::{Env, JsError, JsValue};
use signet_core::ErrorCode;
use signet_core::budget::{BudgetError, UserIdError};
use signet_core::codes::{self, Domain};
use signet_core::grant::GrantError;

/// The domain of `code`, from the table. A code missing from the table is a
/// bug (`tests::every_code_raised_is_in_the_table` prevents it); it would be
/// reported as misuse rather than guessed.
pub fn domain_of(code: &str) -> Domain {
    codes::lookup(code).map_or(Domain::Usage, |row| row.domain)
}

/// A structured field value.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// A number (counts, seconds, steps): all fit in 2^53.
    Num(f64),
    /// A name (role, status).
    Str(String),
}

/// An error on its way to JS.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The stable code (a row of the table).
    pub code: &'static str,
    /// The message, in plain language.
    pub message: String,
    /// What the user can do about it (host errors).
    pub hint: Option<String>,
    /// The core variant's context, camelCase names.
    pub fields: Vec<(&'static str, Field)>,
}

/// Lossless for every count the core produces (all far below 2^53).
#[allow(clippy::cast_precision_loss)]
fn num<T: Into<i128>>(v: T) -> Field {
    Field::Num(v.into() as f64)
}

impl Failure {
    /// A failure with neither hint nor fields.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
            hint: None,
            fields: Vec::new(),
        }
    }

    /// Any core error, with its code and message.
    pub fn core<E: ErrorCode + core::fmt::Display>(e: &E) -> Self {
        Self::new(e.code(), e.to_string())
    }

    fn with(mut self, name: &'static str, value: Field) -> Self {
        self.fields.push((name, value));
        self
    }

    /// The JS `Error` (with `code`, `domain`, `hint` and the fields), as a
    /// napi error that throws exactly that object.
    pub fn into_napi(self, env: &Env) -> napi::Error {
        match self.build(env) {
            Ok(e) => e,
            // Creating the object failed (out of memory): still throw the code.
            Err(_) => napi::Error::new(
                napi::Status::GenericFailure,
                format!("{}: {}", self.code, self.message),
            ),
        }
    }

    fn build(&self, env: &Env) -> napi::Result<napi::Error> {
        let base = JsError::from(napi::Error::new(self.code, self.message.clone()));
        let mut obj = base.into_unknown(*env).coerce_to_object()?;
        obj.set_named_property("domain", domain_of(self.code).name())?;
        if let Some(hint) = &self.hint {
            obj.set_named_property("hint", hint.as_str())?;
        }
        for (name, value) in &self.fields {
            match value {
                Field::Num(n) => obj.set_named_property(name, *n)?,
                Field::Str(s) => obj.set_named_property(name, s.as_str())?,
            }
        }
        Ok(napi::Error::from(obj.to_unknown()))
    }
}

/// Binding result: a value or a failure to throw.
pub type Res<T> = Result<T, Failure>;

/// Converts a binding result into a napi result, throwing the failure.
pub trait OrThrow<T> {
    /// Maps the failure to a thrown JS error.
    fn or_throw(self, env: &Env) -> napi::Result<T>;
}

impl<T> OrThrow<T> for Res<T> {
    fn or_throw(self, env: &Env) -> napi::Result<T> {
        self.map_err(|f| f.into_napi(env))
    }
}

impl From<signet_host::Error> for Failure {
    fn from(e: signet_host::Error) -> Self {
        Failure {
            code: e.code(),
            message: e.message().to_string(),
            hint: e.hint().map(str::to_string),
            fields: Vec::new(),
        }
    }
}

impl From<signet_core::time::DateError> for Failure {
    fn from(e: signet_core::time::DateError) -> Self {
        Failure::core(&e)
    }
}

impl From<signet_core::policy::PolicyError> for Failure {
    fn from(e: signet_core::policy::PolicyError) -> Self {
        Failure::core(&e)
    }
}

impl From<UserIdError> for Failure {
    fn from(e: UserIdError) -> Self {
        let f = Failure::core(&e);
        match e {
            UserIdError::TooLong { max, actual } => {
                f.with("max", num(max as u64)).with("actual", num(actual as u64))
            }
            _ => f,
        }
    }
}

impl From<BudgetError> for Failure {
    fn from(e: BudgetError) -> Self {
        let f = Failure::core(&e);
        match e {
            BudgetError::NotYetValid { now, not_before } => f
                .with("now", num(now.as_secs()))
                .with("notBefore", num(not_before.as_secs())),
            BudgetError::Expired { now, not_after } => f
                .with("now", num(now.as_secs()))
                .with("notAfter", num(not_after.as_secs())),
            BudgetError::PurchaseNotPermitted { role } => f.with("role", Field::Str(role.name().into())),
            BudgetError::Exhausted { total, used } => f.with("total", num(total)).with("used", num(used)),
            _ => f,
        }
    }
}

impl From<GrantError> for Failure {
    fn from(e: GrantError) -> Self {
        let f = Failure::core(&e);
        match e {
            GrantError::TooManyApprovers { max }
            | GrantError::TooManySteps { max }
            | GrantError::TextTooLong { max } => f.with("max", num(max as u64)),
            GrantError::ThresholdOutOfRange { threshold, eligible } => f
                .with("threshold", num(threshold))
                .with("eligible", num(eligible as u64)),
            GrantError::WindowTooLong {
                max_secs,
                requested_secs,
            } => f
                .with("maxSecs", num(max_secs))
                .with("requestedSecs", num(requested_secs)),
            GrantError::OperationsAboveCeiling { max, requested } => {
                f.with("max", num(max)).with("requested", num(requested))
            }
            GrantError::NotOpen { status } => f.with("status", Field::Str(status.name().into())),
            GrantError::NotEligible { step } => f.with("step", num(step as u64)),
            GrantError::GrantNotActive { status } => f.with("status", Field::Str(status.name().into())),
            _ => f,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use signet_core::time::UnixTime;

    /// Every code this crate raises, as a literal, is a row of the table:
    /// a typo would give JS a code it cannot class.
    #[test]
    fn every_code_raised_is_in_the_table() {
        let sources = [
            ("lib.rs", include_str!("lib.rs")),
            ("error.rs", include_str!("error.rs")),
            ("num.rs", include_str!("num.rs")),
            ("objects.rs", include_str!("objects.rs")),
            ("policy.rs", include_str!("policy.rs")),
            ("state.rs", include_str!("state.rs")),
        ];
        let mut seen = 0;
        for (name, text) in sources {
            // The code, not its tests.
            let text = text.split("#[cfg(test)]").next().unwrap();
            for (i, _) in text.match_indices("Failure::new(") {
                let rest = text[i + "Failure::new(".len()..].trim_start();
                let Some(rest) = rest.strip_prefix('"') else {
                    continue;
                };
                let code = &rest[..rest.find('"').unwrap()];
                assert!(
                    codes::lookup(code).is_some(),
                    "{name}: {code} is not in the table"
                );
                seen += 1;
            }
        }
        assert!(seen >= 6, "the scan found only {seen} codes");
    }

    #[test]
    fn the_domain_comes_from_the_table() {
        assert_eq!(domain_of("sign_revoked"), Domain::Sign);
        assert_eq!(domain_of("budget_revoked"), Domain::Budget);
        assert_eq!(domain_of("invalid_number"), Domain::InvalidRequest);
        assert_eq!(domain_of("state_closed"), Domain::Usage);
        assert_eq!(domain_of("state_ledger_missing"), Domain::State);
    }

    #[test]
    fn failures_keep_the_core_code_context_and_host_hint() {
        let f = Failure::from(BudgetError::Expired {
            now: UnixTime(20),
            not_after: UnixTime(10),
        });
        assert_eq!(f.code, "budget_expired");
        assert_eq!(
            f.fields,
            vec![("now", Field::Num(20.0)), ("notAfter", Field::Num(10.0))]
        );
        let h = Failure::from(signet_host::Error::refused("grant_ambiguous", "two").with_hint("name one"));
        assert_eq!((h.code, h.hint.as_deref()), ("grant_ambiguous", Some("name one")));
    }
}
