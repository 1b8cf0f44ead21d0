#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "alloc")]
pub mod json;
#[cfg(feature = "alloc")]
pub mod order;
pub mod policy;
pub mod time;

/// A stable, machine-readable identifier for an error or finding.
///
/// Every error type in this crate implements it. Codes are `snake_case`,
/// never change meaning once released, and are the same strings that the C,
/// Python, Node and WASM bindings surface.
pub trait ErrorCode {
    /// The stable code, e.g. `"key_too_small"`.
    fn code(&self) -> &'static str;
}
