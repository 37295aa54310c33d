//! Consultations and their drafts: publishing, Markdown → clauses, diffs, files.

pub mod diff;
pub mod files;
pub mod markdown;
pub mod publishing;
pub mod store;
