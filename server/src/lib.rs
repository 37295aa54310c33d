//! The `shura` server as a library, so that integration tests drive the real router.

pub mod cli;
pub mod config;
pub mod http;
pub mod startup;
