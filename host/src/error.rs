//! The host layer's one error type: a stable code from the core table
//! (`signet_core::codes`), a plain-language message, and a hint where there is
//! one. Every surface maps it by its code; none of them parses the message.

use core::fmt;
use std::path::Path;

use signet_core::ErrorCode;

/// What went wrong, for a person and for a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: &'static str,
    message: String,
    hint: Option<String>,
    refusal: bool,
}

/// The result of every host operation.
pub type Result<T, E = Error> = core::result::Result<T, E>;

impl Error {
    /// The input or request was checked and refused (a policy, budget or grant
    /// rule, an invalid record): the CLI exits 1.
    pub fn refused(code: &'static str, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            hint: None,
            refusal: true,
        }
    }

    /// The operation could not be carried out (I/O, a damaged or missing
    /// state, bad usage): the CLI exits 2.
    pub fn failed(code: &'static str, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            hint: None,
            refusal: false,
        }
    }

    /// Adds a hint: what the user can do about it.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// A core error as a refusal, with its own code and message.
    pub fn from_core<E: ErrorCode + fmt::Display>(e: &E) -> Self {
        Error::refused(e.code(), e.to_string())
    }

    /// A core error as a refusal, its message prefixed with what was being done.
    pub fn from_core_in<E: ErrorCode + fmt::Display>(what: &str, e: &E) -> Self {
        Error::refused(e.code(), format!("{what}: {e}"))
    }

    /// An I/O failure on a path, with the given code.
    pub(crate) fn io(code: &'static str, what: &str, path: &Path, e: &std::io::Error) -> Self {
        Error::failed(
            code,
            format!("cannot {what} {}: {}", path.display(), io_reason(e)),
        )
    }

    /// The stable snake_case code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message, in plain language.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What the user can do about it, if anything.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// Whether the request was refused (exit 1) rather than failed (exit 2).
    pub fn is_refusal(&self) -> bool {
        self.refusal
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl ErrorCode for Error {
    fn code(&self) -> &'static str {
        self.code
    }
}

/// An `io::Error` in words, without Rust `Debug` names.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "no such file or directory".into(),
        K::PermissionDenied => "permission denied".into(),
        K::AlreadyExists => "it already exists".into(),
        K::IsADirectory => "it is a directory".into(),
        K::NotADirectory => "a parent is not a directory".into(),
        K::ReadOnlyFilesystem => "the file system is read-only".into(),
        K::StorageFull => "no space left on the device".into(),
        _ => {
            // The OS text ("Input/output error (os error 5)") without the number.
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text.get(..i).unwrap_or(&text).to_string(),
                None => text,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_reasons_are_words() {
        let e = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(io_reason(&e), "permission denied");
        let e = Error::io("state_io", "write", Path::new("/x"), &e);
        assert_eq!(e.message(), "cannot write /x: permission denied");
        assert!(!e.is_refusal());
        assert!(!format!("{e}").contains("PermissionDenied"));
    }
}
