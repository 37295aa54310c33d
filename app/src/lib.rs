//! Shura's web application: routes, pages, server functions and the domain they share.
//!
//! Compiled twice: with `ssr` into the server (pages rendered to HTML, server functions
//! executed) and with `hydrate` into the wasm bundle (the same pages made interactive).

pub mod accounts;
pub mod admin;
pub mod agencies;
pub mod consultations;
pub mod contributions;
pub mod domain;
pub mod error;
pub mod forms;
pub mod frame;
pub mod i18n_catalog;
pub mod moderation;
pub mod paths;
pub mod responses;
pub mod routes;
pub mod search;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod ui;
pub mod workshops;

pub use i18n_catalog::i18n;
pub use routes::{shell, App};
