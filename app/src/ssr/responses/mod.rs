//! The agency's documented responses to contributions: written by its staff on the
//! portal (`service.rs`) or imported from its records, stored in `store.rs`.

pub mod impact;
pub mod service;
pub mod store;

#[cfg(test)]
mod store_tests;
