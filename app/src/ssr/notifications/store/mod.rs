//! The notifications' tables: who follows what, and the notices waiting for a digest.

pub mod follows;
pub mod notices;
