//! Consultation workshops: the listings, a workshop's page and the organisers' form.

pub mod api;
pub mod form;
pub mod pages;
