//! One integration-test binary; each area is a module.

mod cms;
mod time;
mod token;
