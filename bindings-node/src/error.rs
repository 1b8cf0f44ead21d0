//! Core errors → JS errors. A binding maps errors, nothing more: every core
//! error type becomes one [`Failure`] of one [`Kind`] (by type, not by code),
//! keeping the core's stable `code`, its `Display` message and the variant's
//! context as structured fields. `index.js` turns the kind into the JS class
//! (`errors.js`, one table).

use napi::bindgen_prelude::JsObjectValue;
use napi::{Env, JsError, JsValue};
use signet_core::ErrorCode;
use signet_core::budget::{BudgetError, UserIdError};
use signet_core::counter::CounterError;
use signet_core::grant::GrantError;
use signet_core::policy::PolicyError;
use signet_core::time::DateError;
use signet_core::token::ErrorKind;
use signet_core::token::soft::SoftTokenError;

/// Which JS error class a failure becomes (`errors.js`, `CLASS_BY_KIND`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `InvalidRequestError`: the request itself is unusable.
    Request,
    /// `KeyPolicyError`: a certificate or key could not be used.
    Policy,
    /// `BudgetError`: budgets and counter stores.
    Budget,
    /// `GrantError`: signer policies, requests, grants.
    Grant,
    /// `TokenError`: the software token.
    Token,
    /// `SignError`: the enforced sign primitive.
    Sign,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Policy => "policy",
            Kind::Budget => "budget",
            Kind::Grant => "grant",
            Kind::Token => "token",
            Kind::Sign => "sign",
        }
    }
}

/// A structured field value.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// A number (counts, seconds, steps): all fit in 2^53.
    Num(f64),
    /// A name (role, status, algorithm).
    Str(String),
}

/// A core error on its way to JS.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// JS class.
    pub kind: Kind,
    /// The core's stable code.
    pub code: &'static str,
    /// The core's message.
    pub message: String,
    /// The variant's context, camelCase names.
    pub fields: Vec<(&'static str, Field)>,
}

/// Lossless for every count the core produces (all far below 2^53).
#[allow(clippy::cast_precision_loss)]
fn num<T: Into<i128>>(v: T) -> Field {
    Field::Num(v.into() as f64)
}

impl Failure {
    /// A failure with no context fields.
    pub fn new(kind: Kind, code: &'static str, message: impl Into<String>) -> Self {
        Failure {
            kind,
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// A request failure (bad option value, unknown name).
    pub fn request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Kind::Request, code, message)
    }

    fn of<E: ErrorCode + core::fmt::Display>(kind: Kind, e: &E) -> Self {
        Self::new(kind, e.code(), e.to_string())
    }

    fn with(mut self, name: &'static str, value: Field) -> Self {
        self.fields.push((name, value));
        self
    }

    /// The JS `Error` (with `code`, `kind` and the fields), as a napi error
    /// that throws exactly that object.
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
        obj.set_named_property("kind", self.kind.name())?;
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

impl From<DateError> for Failure {
    fn from(e: DateError) -> Self {
        Failure::of(Kind::Request, &e)
    }
}

impl From<UserIdError> for Failure {
    fn from(e: UserIdError) -> Self {
        let f = Failure::of(Kind::Request, &e);
        match e {
            UserIdError::TooLong { max, actual } => {
                f.with("max", num(max as u64)).with("actual", num(actual as u64))
            }
            _ => f,
        }
    }
}

impl From<PolicyError> for Failure {
    fn from(e: PolicyError) -> Self {
        Failure::of(Kind::Policy, &e)
    }
}

impl From<CounterError> for Failure {
    fn from(e: CounterError) -> Self {
        let f = Failure::of(Kind::Budget, &e);
        match e {
            CounterError::Exhausted { limit, used } => f.with("limit", num(limit)).with("used", num(used)),
            _ => f,
        }
    }
}

impl From<BudgetError> for Failure {
    fn from(e: BudgetError) -> Self {
        let f = Failure::of(Kind::Budget, &e);
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
        let f = Failure::of(Kind::Grant, &e);
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

impl From<ErrorKind> for Failure {
    fn from(e: ErrorKind) -> Self {
        Failure::of(Kind::Token, &e)
    }
}

impl From<SoftTokenError> for Failure {
    fn from(e: SoftTokenError) -> Self {
        Failure::of(Kind::Token, &e)
    }
}

impl From<signet_core::sign::SignError> for Failure {
    fn from(e: signet_core::sign::SignError) -> Self {
        use signet_core::sign::SignError as S;
        let f = Failure::of(Kind::Sign, &e);
        let code = |c: &dyn ErrorCode| Field::Str(c.code().into());
        match e {
            S::KeyPolicy(p) => f.with("policyCode", code(&p)),
            S::CertificateNotYetValid { not_before, now } => f
                .with("notBefore", num(not_before.as_secs()))
                .with("now", num(now.as_secs())),
            S::CertificateExpired { not_after, now } => f
                .with("notAfter", num(not_after.as_secs()))
                .with("now", num(now.as_secs())),
            S::GrantMismatch(g) => f.with("grantCode", code(&g)),
            S::GrantInactive { status } => f.with("status", Field::Str(status.name().into())),
            S::GrantExhausted { allowed } => f.with("allowed", num(allowed)),
            S::BudgetExhausted { total, used } => f.with("total", num(total)).with("used", num(used)),
            S::Token(k) => f.with("tokenCode", code(&k)),
            S::VerifyFailed { error, counter_index } => f
                .with("verifyCode", code(&error))
                .with("counterIndex", num(counter_index)),
            S::Counter(c) => f.with("counterCode", code(&c)),
            S::Cms(c) => f.with("cmsCode", code(&c)),
            _ => f,
        }
    }
}
