//! Agencies: the bodies that publish consultations.

pub mod store;
