//! Authentication: password hashing and policy.

pub mod password;
pub mod token;
pub mod totp;
