//! Notifications: following consultations and telling people what happened.

pub mod following;
pub mod service;
pub mod store;
