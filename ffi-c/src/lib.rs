#![doc = include_str!("../README.md")]
#![allow(non_camel_case_types)] // C type names: signet_report, as in the header.

use core::ffi::c_char;

pub mod cert;
pub mod counter;
pub mod report;
pub mod result;
pub mod state;
pub mod token;
mod util;

#[doc(hidden)]
pub mod header_support;

/// The library version as a NUL-terminated static string. Never NULL; the
/// caller must not free it.
#[unsafe(no_mangle)]
pub extern "C" fn signet_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
