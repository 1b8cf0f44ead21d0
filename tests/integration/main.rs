//! One integration-test binary; each area is a module.

mod cms;
mod orders;
mod time;
mod token;
