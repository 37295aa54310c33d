//! Moderation by the published rules: reports, decisions, appeals, the public log.

pub mod service;
pub mod store;
