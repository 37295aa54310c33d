//! The agency's documented responses to contributions.

pub mod store;
