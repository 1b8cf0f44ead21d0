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
pub mod verify;

/// A stable, machine-readable identifier for an error or finding.
///
/// Every error type in this crate implements it. Codes are `snake_case`,
/// never change meaning once released, and are the same strings that the C,
/// Python, Node and WASM bindings surface.
pub trait ErrorCode {
    /// The stable code, e.g. `"key_too_small"`.
    fn code(&self) -> &'static str;
}
