//! One integration-test binary; each area is a module.

mod keys;
mod orders;
mod time;
