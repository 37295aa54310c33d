//! The administration's tables: roles with their mandates, and the audit log.

pub mod audit;
pub mod roles;
