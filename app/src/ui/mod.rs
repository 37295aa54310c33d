//! Widgets shared by every page.

pub mod form;
pub mod layout;
pub mod text;
