//! Node bindings for `signet-core` (napi-rs). The module is built by
//! the Node package issue; this crate currently only re-exports the version.

/// The version of the core these bindings wrap.
pub const CORE_VERSION: &str = env!("CARGO_PKG_VERSION");
