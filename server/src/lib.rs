//! The `shura` server as a library, so that integration tests drive the real router.

// Release builds type every view in full (debug builds erase components), and the
// router's page tree is deeper than the compiler's default query depth.
#![recursion_limit = "256"]

pub mod bench;
pub mod cli;
pub mod config;
pub mod http;
pub mod startup;
