//! Search: the page `/{lang}/search` (everything, or within one consultation) and its
//! server function. The index itself is `ssr::search`; the query as read from a
//! query string is `domain::search`.

pub mod api;
pub mod pages;
