//! Agencies: their public page (with the staff authorised to speak for them) and the
//! page where an agency admin records those authorisations.

pub mod api;
pub mod form;
pub mod pages;
