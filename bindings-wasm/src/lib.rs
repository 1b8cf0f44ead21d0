//! Browser bindings for `signet-core` (wasm-bindgen). The module is built by
//! the browser validation issue; this crate currently only re-exports the version.

/// The version of the core these bindings wrap.
pub const CORE_VERSION: &str = env!("CARGO_PKG_VERSION");
