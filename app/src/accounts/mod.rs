//! Accounts: registering, verifying an email address, signing in and out.

pub mod api;
pub mod form;
pub mod legal;
pub mod notifications;
pub mod pages;
pub mod security;
pub mod two_factor;
