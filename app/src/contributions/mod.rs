//! Contributions: what people say about a draft or one of its clauses, in threads.

pub mod api;
pub mod form;
pub mod pages;
pub mod profile;
pub mod received;
