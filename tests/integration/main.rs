//! One integration-test binary; each area is a module.

mod budget;
mod keys;
mod orders;
mod time;
