//! Helpers shared by the integration tests: locating `tests/vectors/`.

use std::path::PathBuf;

/// The absolute path of `tests/vectors/`.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors")
}
