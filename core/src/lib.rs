#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod budget;
#[cfg(all(feature = "alloc", feature = "soft-token"))]
pub mod cert;
#[cfg(feature = "alloc")]
pub mod cms;
pub mod codes;
pub mod counter;
pub mod grant;
#[cfg(feature = "alloc")]
pub mod json;
#[cfg(feature = "alloc")]
pub mod order;
pub mod policy;
pub mod sign;
pub mod time;
pub mod token;
#[cfg(feature = "alloc")]
pub mod tsp;
pub mod verify;

/// How serious a finding is: shared by order validation and key policy, so a
/// report that mixes them (an order with a CSR) has one notion of severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Refused: the order is invalid, the key or certificate is not allowed.
    Error,
    /// Accepted, but worth a look (a deprecated field, a small RSA exponent).
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl core::fmt::Display for Severity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stable, machine-readable identifier for an error or finding.
///
/// Every error type in this crate implements it. Codes are `snake_case`,
/// never change meaning once released, and are the same strings that the C,
/// Python, Node and WASM bindings surface.
pub trait ErrorCode {
    /// The stable code, e.g. `"key_too_small"`.
    fn code(&self) -> &'static str;
}
