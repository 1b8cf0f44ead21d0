//! One integration-test binary; each area is a module.

mod orders;
mod keys;
mod time;
