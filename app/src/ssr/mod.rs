//! Server-only code (the `ssr` feature), grouped by feature: each folder holds a
//! feature's services and its `store` (the only SQL for its tables). Nothing here is
//! compiled into the wasm bundle.

pub mod accounts;
pub mod admin;
pub mod agencies;
pub mod attachments;
pub mod calendar;
pub mod clock;
pub mod consultations;
pub mod context;
pub mod contributions;
pub mod db;
pub mod exchange;
pub mod feeds;
pub mod mail;
pub mod moderation;
pub mod notifications;
pub mod responses;
pub mod search;
pub mod state;
pub mod upload;
pub mod workers;
pub mod workshops;
