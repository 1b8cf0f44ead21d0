//! Python bindings for `signet-core` (pyo3 + maturin). The module is built by
//! the Python package issue; this crate currently only re-exports the version.

/// The version of the core these bindings wrap.
pub const CORE_VERSION: &str = env!("CARGO_PKG_VERSION");
