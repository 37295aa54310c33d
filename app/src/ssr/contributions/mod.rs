//! Contributions: posting, threads as a reader sees them, and their store.

pub mod read;
pub mod received;
pub mod service;
pub mod store;
#[cfg(test)]
mod store_tests;
pub mod threads;
