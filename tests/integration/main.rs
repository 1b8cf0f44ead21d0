//! One integration-test binary; each area is a module.

mod budget;
mod cms;
mod keys;
mod orders;
mod scenarios;
mod sign;
mod time;
mod token;
