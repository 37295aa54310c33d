//! Authentication: password hashing and policy, tokens, TOTP and its sealed seeds.

pub mod password;
pub mod seeds;
pub mod token;
pub mod totp;
