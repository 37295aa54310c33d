//! Consultations: the drafts an agency puts out for public comment.

pub mod api;
pub mod editing;
pub mod form;
pub mod pages;
pub mod reading;
