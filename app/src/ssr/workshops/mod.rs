//! Consultation workshops: scheduled by the agency's organisers (`service.rs`), taken
//! part in (`registration.rs`), stored in `store/`, offered as calendar files (`ics.rs`);
//! what was said there is entered by the organisers (`feedback.rs`), one contribution
//! at a time or from a feedback sheet (`sheet.rs`).

pub mod feedback;
pub mod ics;
pub mod registration;
pub mod service;
pub mod sheet;
pub mod store;
