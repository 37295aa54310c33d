//! Administration: agencies, roles with their mandates, and the audit log.

#[cfg(test)]
mod roles_tests;
pub mod service;
pub mod store;
