//! One integration-test binary; each area is a module.

mod cms;
mod keys;
mod orders;
mod time;
mod token;
