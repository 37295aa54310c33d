//! Moderation by the published rules: the moderators' queue, each consultation's public
//! moderation log, and the rules page.

pub mod api;
pub mod pages;
