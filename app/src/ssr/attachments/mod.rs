//! PDF documents attached to a consultation.

pub mod service;
pub mod store;
