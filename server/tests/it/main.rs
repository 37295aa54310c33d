//! The server's integration tests, in one crate: the real router on a real port, the
//! binary as operators run it, mail to a real SMTP server, and the tree's own rules.
//! One crate links once (nine test binaries took longer to link than to run).
#![allow(clippy::expect_used)] // test helpers fail the test on purpose

#[macro_use]
mod common;

mod api;
mod authz;
mod contributions;
mod documents;
mod forms;
mod http;
mod limits;
mod mail;
mod moderation;
mod notifications;
mod page_cache;
mod policy_record;
mod process;
mod received;
mod responses;
mod search;
mod security;
mod tidy;
mod workshops;
