//! Consultation workshops: scheduled by the agency's organisers (`service.rs`), taken
//! part in (`registration.rs`), stored in `store/`, offered as calendar files (`ics.rs`).

pub mod ics;
pub mod registration;
pub mod service;
pub mod store;
