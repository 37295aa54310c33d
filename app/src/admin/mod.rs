//! Platform administration: agencies, appointments to roles, the audit log.

pub mod api;
pub mod form;
pub mod pages;
