//! The agency's responses to contributions: the staff's queue and response pages, and
//! the response as shown under each contribution.

pub mod api;
pub mod form;
pub mod pages;
pub mod report;
