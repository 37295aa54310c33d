//! Accounts: registration, sign-in, sessions, second factor, who is asking.

pub mod auth;
pub mod authz;
pub mod form_token;
pub mod service;
pub mod sessions;
pub mod store;
