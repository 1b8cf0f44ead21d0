//! Caller tokens: a signing key held by a token the caller implements (a
//! Python object, C callbacks), used by a [`State`](crate::State) exactly
//! like its own tokens, so that every signature still passes the enforced
//! path (key policy, assigned signer, grant, budget, verify before release,
//! audit).
//!
//! Core's [`Token`] has an associated error type, so a binding's token type
//! is not a trait object by itself; [`CallerToken`] is its object-safe form,
//! implemented for every `Token + Send` whose error has a code.

use signet_core::ErrorCode;
use signet_core::token::{ErrorKind, KeyAttributes, KeyHandle, SignatureAlgorithm, Token};

/// A caller token's failure: the code of its kind (`token_*`) and its
/// message (the caller's own words, e.g. a Python exception's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerError {
    kind: ErrorKind,
    code: &'static str,
    message: String,
}

impl CallerError {
    fn from_token<E: ErrorCode + core::fmt::Display + signet_core::token::Error>(e: &E) -> CallerError {
        CallerError {
            kind: e.kind(),
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl signet_core::token::Error for CallerError {
    fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl ErrorCode for CallerError {
    fn code(&self) -> &'static str {
        self.code
    }
}

impl core::fmt::Display for CallerError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A token the caller implements, seen by the state. Implemented for every
/// core [`Token`] that is `Send` and whose error has a code; bindings
/// implement `Token` and box it.
///
/// The state calls it with no lock of its own held except the one that
/// serialises signatures with this key, so the token may read the state
/// (status, budgets, grants) from inside `sign_digest`.
pub trait CallerToken: Send {
    /// As [`Token::key_attributes`].
    ///
    /// # Errors
    /// The token's.
    fn key_attributes(&self, handle: KeyHandle) -> Result<KeyAttributes, CallerError>;
    /// As [`Token::public_key`].
    ///
    /// # Errors
    /// The token's.
    fn public_key(&self, handle: KeyHandle, out: &mut [u8]) -> Result<usize, CallerError>;
    /// As [`Token::sign_digest`].
    ///
    /// # Errors
    /// The token's.
    fn sign_digest(
        &mut self,
        handle: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CallerError>;
}

impl<T> CallerToken for T
where
    T: Token + Send,
    T::Error: ErrorCode + core::fmt::Display,
{
    fn key_attributes(&self, handle: KeyHandle) -> Result<KeyAttributes, CallerError> {
        Token::key_attributes(self, handle).map_err(|e| CallerError::from_token(&e))
    }
    fn public_key(&self, handle: KeyHandle, out: &mut [u8]) -> Result<usize, CallerError> {
        Token::public_key(self, handle, out).map_err(|e| CallerError::from_token(&e))
    }
    fn sign_digest(
        &mut self,
        handle: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CallerError> {
        Token::sign_digest(self, handle, alg, digest, out).map_err(|e| CallerError::from_token(&e))
    }
}

/// The boxed caller token is a core [`Token`] again, so that core's
/// certificate and CSR builders and the signer take it like any other.
impl Token for Box<dyn CallerToken> {
    type Error = CallerError;

    fn key_attributes(&self, handle: KeyHandle) -> Result<KeyAttributes, CallerError> {
        CallerToken::key_attributes(&**self, handle)
    }
    fn public_key(&self, handle: KeyHandle, out: &mut [u8]) -> Result<usize, CallerError> {
        CallerToken::public_key(&**self, handle, out)
    }
    fn sign_digest(
        &mut self,
        handle: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CallerError> {
        CallerToken::sign_digest(&mut **self, handle, alg, digest, out)
    }
}

/// A caller token and the handle of the state's key in it, for
/// [`State::init_with_caller_token`](crate::State::init_with_caller_token)
/// and [`State::open_with_caller_token`](crate::State::open_with_caller_token).
pub struct CallerKey {
    /// The token.
    pub token: Box<dyn CallerToken>,
    /// The key's handle in it.
    pub handle: KeyHandle,
}

impl core::fmt::Debug for CallerKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CallerKey")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}
