//! Consultation workshops: scheduled by the agency's organisers (`service.rs`), stored
//! in `store.rs`, offered as calendar files (`ics.rs`).

pub mod ics;
pub mod service;
pub mod store;
