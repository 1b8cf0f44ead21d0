//! C ABI for `signet-core`. The conventions are those of rustls-ffi; the full
//! surface (and `include/signet.h`) is built by the C ABI issue.

use core::ffi::c_char;

/// The library version as a NUL-terminated static string. Never NULL; the
/// caller must not free it.
#[unsafe(no_mangle)]
pub extern "C" fn signet_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
