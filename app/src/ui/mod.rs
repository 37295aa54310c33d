//! Widgets shared by every page.

pub mod denied;
pub mod form;
pub mod layout;
pub mod text;
