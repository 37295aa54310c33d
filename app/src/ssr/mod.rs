//! Server-only code (the `ssr` feature): state, database access, request context.
//! Nothing here is compiled into the wasm bundle.

pub mod accounts;
pub mod admin;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod calendar;
pub mod clock;
pub mod context;
pub mod contributing;
pub mod demo;
pub mod diff;
pub mod draft;
pub mod draft_files;
pub mod exchange;
#[cfg(test)]
mod exchange_tests;
pub mod following;
pub mod mail;
pub mod moderating;
pub mod notifying;
pub mod publishing;
pub mod sessions;
pub mod state;
pub mod store;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod threads;
pub mod upload;
